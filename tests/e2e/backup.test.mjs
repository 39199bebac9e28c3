// Backup and restore in the real app: back up through the save dialog, remove the vault,
// refuse a cut-short copy, restore the good one, and verify it. Neither file holds plaintext.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, appBinary, chooseInDialog, createVault, recordBullyingIncident, saveInDialog, waitFor } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
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

    await app.clickButton('Choose a backup and restore…');
    await chooseInDialog('Choose a DSL Desk backup', file());
    await app.waitForHeading('Incidents', 30000);
    await waitFor(async () => (await app.text('table tbody')).includes(`OS-${YEAR}-0001`), { what: 'the restored incident' });
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await app.clickButton('Verify vault');
    assert.match(await waitFor(() => app.text('[data-testid=verify-result]')), /^Intact/);
    await app.screenshot('62-restored-verified');
  });
});
