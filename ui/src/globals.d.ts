import type { VaultStatus } from './lib/bindings/VaultStatus';

declare global {
  interface Window {
    /** The vault's status as the window opened, given by the app before the page's script runs. */
    __DSL_DESK_START__?: VaultStatus;
  }
}

export {};
