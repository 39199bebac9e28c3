// The only place that calls the backend: one typed function per command.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AboutInfo } from './bindings/AboutInfo';
import type { ApiError } from './bindings/ApiError';
import type { CreateVaultInput } from './bindings/CreateVaultInput';
import type { PassphraseAssessment } from './bindings/PassphraseAssessment';
import type { RecoveryKeyShown } from './bindings/RecoveryKeyShown';
import type { Session } from './bindings/Session';
import type { Settings } from './bindings/Settings';
import type { VaultStatus } from './bindings/VaultStatus';

export type { AboutInfo, ApiError, CreateVaultInput, PassphraseAssessment, RecoveryKeyShown, Session, Settings, VaultStatus };

/** True when `e` is the typed error the backend returns. */
export function isApiError(e: unknown): e is ApiError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** Turns anything thrown by a command into a typed error. */
export function asApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  return { kind: 'Internal', message: 'Something went wrong. Try again.' };
}

export const api = {
  vaultStatus: () => invoke<VaultStatus>('vault_status'),
  assessPassphrase: (passphrase: string, context: string[]) =>
    invoke<PassphraseAssessment>('assess_passphrase', { passphrase, context }),
  createVault: (input: CreateVaultInput) => invoke<RecoveryKeyShown>('create_vault', { input }),
  saveRecoverySheet: () => invoke<string>('save_recovery_sheet'),
  confirmRecoveryKey: (answers: string[]) => invoke<Session>('confirm_recovery_key', { answers }),
  unlock: (passphrase: string) => invoke<Session>('unlock', { passphrase }),
  unlockWithRecovery: (recoveryKey: string, newPassphrase: string, newPassphraseRepeat: string) =>
    invoke<Session>('unlock_with_recovery', { recoveryKey, newPassphrase, newPassphraseRepeat }),
  lock: () => invoke<void>('lock'),
  reportActivity: () => invoke<void>('report_activity'),
  getSession: () => invoke<Session>('get_session'),
  getSettings: () => invoke<Settings>('get_settings'),
  updateSettings: (settings: Settings) => invoke<Settings>('update_settings', { settings }),
  changePassphrase: (current: string, newPassphrase: string, newPassphraseRepeat: string) =>
    invoke<void>('change_passphrase', { current, newPassphrase, newPassphraseRepeat }),
  about: () => invoke<AboutInfo>('about'),
};

/** Why the vault was locked. */
export type LockReason = 'idle' | 'user';

/** Calls `handler` whenever the backend locks the vault. */
export function onLocked(handler: (reason: LockReason) => void): Promise<UnlistenFn> {
  return listen<{ reason: LockReason }>('vault-locked', (event) => handler(event.payload.reason));
}
