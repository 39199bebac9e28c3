// A colleague with access to the vault folder tries to get more than their role gives: a key
// slot edited to claim the DSL, and a removed person's old copy of the key file. Each attempt is
// refused with a plain message, and the vault opens as before once the right key file is back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, addUser, appBinary, chooseSignIn, createVault, waitFor } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
const HEAD_PASS = 'willow granite ember tide';
const DSL = 'Jo Bloggs';
const HEAD = 'Pat Head';

describe('attacks on the key file', { concurrency: false }, () => {
  let vault;
  let aside;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-attacks-'));
    aside = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-attacks-aside-'));
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: DSL, pass: PASS });
    await addUser(app, { name: HEAD, role: 'Headteacher', pass: HEAD_PASS, count: 2 });
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    app = undefined;
    rmSync(vault, { recursive: true, force: true });
    rmSync(aside, { recursive: true, force: true });
  });

  async function lockAndQuit() {
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    const wal = join(vault, 'vault.db-wal');
    await waitFor(() => !existsSync(wal) || statSync(wal).size === 0, { what: 'the log folded into vault.db' });
    await app.quit();
    app = undefined;
  }

  async function tryUnlock(name, pass) {
    await app.waitForHeading('Unlock', 30000);
    await waitFor(() => app.exists('#unlock-user'), { what: 'the choice of who signs in' });
    await chooseSignIn(app, name);
    await app.type('#unlock-passphrase', pass);
    await app.clickButton('Unlock');
  }

  it("refuses a headteacher's slot edited to name the DSL, and nothing is lost", async () => {
    await lockAndQuit();
    const keyFile = join(vault, 'keyslots.json');
    copyFileSync(keyFile, join(aside, 'keyslots.json'));
    const before = readFileSync(join(vault, 'vault.db'));
    const file = JSON.parse(readFileSync(keyFile, 'utf8'));
    const dsl = file.users.find((u) => u.name === DSL);
    const head = file.users.find((u) => u.name === HEAD);
    head.userId = dsl.userId;
    head.role = 'dsl';
    writeFileSync(keyFile, JSON.stringify(file, null, 2));

    app = await App.start(vault);
    await tryUnlock(HEAD, HEAD_PASS);
    const refused = await waitFor(() => app.text('[role=alert]'), { what: 'the refusal', timeout: 20000 });
    assert.equal(refused, 'That did not open the vault. Check it and try again.');
    await app.screenshot('80-edited-slot-refused');
    assert.ok(readFileSync(join(vault, 'vault.db')).equals(before), 'nothing was written to the vault');

    await app.quit();
    app = undefined;
    copyFileSync(join(aside, 'keyslots.json'), keyFile);
    app = await App.start(vault);
    await tryUnlock(HEAD, HEAD_PASS);
    await app.waitForHeading('Incidents', 30000);
    assert.match(await app.text('.who'), /Pat Head · Headteacher/);
  });

  it("a removed person's old key file opens nothing written after, and says so", async () => {
    const keyFile = join(vault, 'keyslots.json');
    await app.clickButton('Lock');
    await tryUnlock(DSL, PASS);
    await app.waitForHeading('Incidents', 30000);
    const old = readFileSync(keyFile);
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await app.click(`[aria-label="Remove ${HEAD}"]`);
    await app.clickButton('Yes, remove');
    await waitFor(async () => (await app.findAll('[data-testid=user-row]')).length === 1, { what: 'the removal', timeout: 30000 });
    await lockAndQuit();
    const current = readFileSync(keyFile);
    writeFileSync(keyFile, old);

    app = await App.start(vault);
    await tryUnlock(HEAD, HEAD_PASS);
    const refused = await waitFor(() => app.text('[role=alert]'), { what: 'the refusal', timeout: 20000 });
    assert.match(refused, /The vault does not open with this key file\. The key file may be an older copy/);
    await app.screenshot('81-old-key-file-refused');

    await app.quit();
    app = undefined;
    writeFileSync(keyFile, current);
    app = await App.start(vault);
    await app.waitForHeading('Unlock', 30000);
    assert.match(await app.text('[data-testid=signing-in]'), /Jo Bloggs/);
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 30000);
  });
});
