// A vault whose key file has gone: the app says so, offers no way to make a new vault over the
// records, and opens again once keyslots.json is put back, by hand or through the file dialog.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, appBinary, chooseInDialog, createVault, recordBullyingIncident, waitFor } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
const YEAR = new Date().getUTCFullYear();
const HEADING = "The vault's key file is missing";

describe('a missing key file', { concurrency: false }, () => {
  let vault;
  let aside;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-keyfile-'));
    aside = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-keyfile-aside-'));
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: PASS });
    await recordBullyingIncident(app, 'Unkind messages in a group chat.', `OS-${YEAR}-0001`);
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    app = undefined;
    rmSync(vault, { recursive: true, force: true });
    rmSync(aside, { recursive: true, force: true });
  });

  /** Locks (which folds the write-ahead log into vault.db), quits, and takes the key file away. */
  async function lockQuitAndLoseTheKeyFile() {
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    const wal = join(vault, 'vault.db-wal');
    await waitFor(() => !existsSync(wal) || statSync(wal).size === 0, { what: 'the log folded into vault.db' });
    await app.quit();
    app = undefined;
    renameSync(join(vault, 'keyslots.json'), join(aside, 'keyslots.json'));
    assert.ok(existsSync(join(vault, 'vault.db')));
  }

  async function unlockAndSeeTheRecord() {
    await app.waitForHeading('Unlock', 30000);
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 30000);
    await waitFor(async () => (await app.text('table tbody')).includes(`OS-${YEAR}-0001`), { what: 'the incident' });
  }

  it('says the key file is missing, offers no new vault, and opens once the file is back', async () => {
    await lockQuitAndLoseTheKeyFile();
    app = await App.start(vault);
    await app.waitForHeading(HEADING);
    assert.equal(
      await app.script('return document.activeElement && document.activeElement.tagName;'),
      'H1',
      'the heading has the keyboard focus',
    );
    assert.equal(await app.text('[data-testid=vault-folder]'), vault);
    assert.match(await app.text('main'), /keyslots\.json/);
    assert.equal(await app.exists('#school-name'), false, 'no create form');
    const buttons = await app.script(`return [...document.querySelectorAll('button')].map((b) => b.textContent.trim());`);
    assert.ok(!buttons.some((b) => /create/i.test(b)), `no create option: ${buttons.join(', ')}`);
    await app.screenshot('70-key-file-missing');

    // Check again before the file is back: still missing, nothing changes.
    await app.clickButton('Check again');
    assert.match(await waitFor(() => app.text('[role=alert]'), { what: 'still missing' }), /still not in the vault folder/);
    assert.equal(existsSync(join(vault, 'keyslots.json')), false);

    copyFileSync(join(aside, 'keyslots.json'), join(vault, 'keyslots.json'));
    await app.clickButton('Check again');
    await unlockAndSeeTheRecord();
  });

  it('checks a chosen key file and copies it in beside the database', async () => {
    rmSync(join(aside, 'keyslots.json'));
    await lockQuitAndLoseTheKeyFile();
    app = await App.start(vault);
    await app.waitForHeading(HEADING);

    const bogus = join(aside, 'not-a-key-file.json');
    writeFileSync(bogus, '{"hello": "world"}');
    await app.clickButton('Choose the key file…');
    await chooseInDialog('Choose the key file', bogus);
    assert.match(await waitFor(() => app.text('[role=alert]'), { timeout: 30000, what: 'the refusal' }), /not a DSL Desk key file/);
    assert.equal(existsSync(join(vault, 'keyslots.json')), false, 'nothing copied');
    await app.screenshot('71-not-a-key-file');

    await app.clickButton('Choose the key file…');
    await chooseInDialog('Choose the key file', join(aside, 'keyslots.json'));
    await unlockAndSeeTheRecord();
    assert.ok(existsSync(join(aside, 'keyslots.json')), 'copied, not moved');
    await app.quit();
    app = undefined;
  });
});
