// jsdom lacks a WebCrypto random source on some Node versions; Tauri's mocks need it.
import { randomFillSync } from 'node:crypto';

if (!globalThis.crypto?.getRandomValues) {
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: (buffer: Uint8Array) => randomFillSync(buffer) },
  });
}
