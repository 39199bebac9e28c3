// jsdom lacks a WebCrypto random source on some Node versions; Tauri's mocks need it.
import { randomFillSync } from 'node:crypto';
import { beforeAll } from 'vitest';
import { screens } from './lib/screens';

if (!globalThis.crypto?.getRandomValues) {
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: (buffer: Uint8Array) => randomFillSync(buffer) },
  });
}

// The app loads most of its screens when first needed (lib/screens.ts). Loading them here, before
// any test, keeps the first test of a file from timing out while Vite compiles them.
beforeAll(async () => {
  await Promise.all(Object.values(screens).map((load) => load()));
}, 60_000);
