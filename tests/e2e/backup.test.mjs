// Backup and restore in the real app: a headteacher is not offered a backup; the DSL backs up
// through the save dialog, then removes the headteacher, so the backup is older than the vault;
// the vault is removed, a cut-short copy is refused, and restoring the good one first shows its
// date and the users and recovery key it brings back (the removed headteacher among them) and
// asks: saying no restores nothing, saying yes restores it, and it verifies. Neither file holds
// plaintext.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, addUser, appBinary, chooseInDialog, chooseSignIn, createVault, recordBullyingIncident, saveInDialog, waitFor } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
const HEAD_PASS = 'violet anchor quarry meadow';
const MARKER = 'BACKUP-PLAINTEXT-MARKER-5e1d';
const YEAR = new Date().getUTCFullYear();

describe('backup and restore', { concurrency: false }, () => {
  let vault;
  let out;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-backup-'));
    out = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-backups-'));
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: PASS });
    await recordBullyingIncident(app, `${MARKER}: unkind messages in a group chat.`, `OS-${YEAR}-0001`);
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  const file = () => join(out, 'vault.dsldesk-backup');

  async function unlockAs(pass, name) {
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    await waitFor(() => app.exists('#unlock-user, [data-testid=signing-in]'), { what: 'who is signing in' });
    await chooseSignIn(app, name);
    await app.type('#unlock-passphrase', pass);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 20000);
  }

  const buttonLabels = () => app.script(`return [...document.querySelectorAll('button')].map((b) => b.textContent.trim());`);

  it('does not offer a backup to the headteacher', async () => {
    await addUser(app, { name: 'Pat Head', role: 'Headteacher', pass: HEAD_PASS, count: 2 });

    await unlockAs(HEAD_PASS, 'Pat Head');
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    assert.match(await app.text('[data-testid=backup-by-dsl]'), /made by the DSL or a deputy DSL/);
    assert.ok(!(await buttonLabels()).some((l) => /^Back up/.test(l)), 'no "Back up" button for the headteacher');
    await app.script(`document.querySelector('section.backup').scrollIntoView({ block: 'center', behavior: 'instant' });`);
    await new Promise((r) => setTimeout(r, 300));
    await app.screenshot('63-headteacher-no-backup');
    await unlockAs(PASS, 'Jo Bloggs');
  });

  it('backs up to one encrypted file and stops reminding', async () => {
    assert.match(await app.text('.backup-reminder'), /not been backed up yet/);
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await app.clickButton('Back up now…');
    await saveInDialog('Back up the vault', file());
    const done = await waitFor(() => app.text('.backup [role=status]'), { what: 'the backup', timeout: 30000 });
    assert.match(done, /Backed up to .*vault\.dsldesk-backup/);
    await app.screenshot('60-backed-up');
    const bytes = readFileSync(file());
    assert.ok(bytes.length > 10000);
    assert.ok(!bytes.includes(Buffer.from(MARKER)), 'no plaintext in the backup');
    assert.ok(!bytes.includes(Buffer.from('Oakfield')), 'no plaintext in the backup');
    assert.ok(!readFileSync(join(vault, 'vault.db')).includes(Buffer.from(MARKER)), 'no plaintext in the vault file');
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    assert.equal(await app.exists('.backup-reminder'), false);
  });

  it('removes the headteacher after the backup, so the backup is older than the vault', async () => {
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await app.click('[aria-label="Remove Pat Head"]');
    await app.clickButton('Yes, remove');
    await waitFor(async () => (await app.findAll('[data-testid=user-row]')).length === 1, { what: 'the removal' });
  });

  it('after the vault is removed, a cut-short backup is refused and the good one restores and verifies', async () => {
    await app.quit();
    app = null;
    rmSync(vault, { recursive: true, force: true });
    const short = join(out, 'short.dsldesk-backup');
    const bytes = readFileSync(file());
    writeFileSync(short, bytes.subarray(0, bytes.length - 2048));

    app = await App.start(vault);
    await app.waitForHeading('Create your vault');
    await app.type('#restore-passphrase', PASS);
    await app.clickButton('Choose a backup and restore…');
    await chooseInDialog('Choose a DSL Desk backup', short);
    assert.match(await waitFor(() => app.text('.restore [role=alert]'), { timeout: 30000 }), /cut short/);
    await app.screenshot('61-restore-refused');
    assert.equal(existsSync(join(vault, 'keyslots.json')), false, 'nothing left behind');

    // The good one is checked, then shown before anything is restored.
    await app.type('#restore-passphrase', PASS);
    await app.clickButton('Choose a backup and restore…');
    await chooseInDialog('Choose a DSL Desk backup', file());
    const warning = await waitFor(() => app.exists('[data-testid=restore-warning]').then((y) => y && app.text('[data-testid=restore-warning]')), {
      what: 'the backup preview',
      timeout: 30000,
    });
    assert.match(warning, new RegExp(`This backup was made on \\d{1,2} [A-Z][a-z]+ ${YEAR} at \\d{2}:\\d{2} \\(today\\)`));
    assert.match(warning, /It brings back the users and recovery key of that date: 2 users\./);
    assert.match(warning, /Jo Bloggs, Designated Safeguarding Lead/);
    assert.match(warning, /Pat Head, Headteacher/, 'the headteacher removed since is named');
    assert.match(warning, /Anyone removed since can open it again/);
    assert.match(warning, /make a new recovery key/);
    assert.equal(await app.exists('[data-testid=restore-unauthenticated]'), false, 'a current backup authenticates');
    const focused = await app.script(`return document.activeElement?.textContent ?? '';`);
    assert.equal(focused, 'Check what this backup brings back', 'focus moves to the question');
    await app.screenshot('64-restore-preview');

    // Saying no restores nothing.
    await app.clickButton('Do not restore');
    assert.match(await waitFor(() => app.text('.restore [role=status]')), /Nothing was restored/);
    assert.equal(existsSync(join(vault, 'keyslots.json')), false, 'nothing restored');
    assert.equal(existsSync(join(vault, 'vault.db')), false, 'nothing restored');
    assert.equal(existsSync(join(vault, 'restoring')), false, 'nothing left staged');

    // Saying yes restores it.
    await app.type('#restore-passphrase', PASS);
    await app.clickButton('Choose a backup and restore…');
    await chooseInDialog('Choose a DSL Desk backup', file());
    await app.clickButton('Restore this backup', 30000);
    await app.waitForHeading('Incidents', 30000);
    await waitFor(async () => (await app.text('table tbody')).includes(`OS-${YEAR}-0001`), { what: 'the restored incident' });
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await app.clickButton('Verify vault');
    assert.match(await waitFor(() => app.text('[data-testid=verify-result]')), /^Intact/);
    await app.screenshot('62-restored-verified');
  });
});
