// An older copy of the vault put back in its folder: this computer remembers it saw a later one,
// says so plainly after the unlock, and goes on only when asked to (which the log records).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, appBinary, createVault, recordBullyingIncident, waitFor } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
const YEAR = new Date().getUTCFullYear();
const HEADING = 'This copy of the vault is older than the one this computer opened';
const FIRST = `OS-${YEAR}-0001`;
const SECOND = `OS-${YEAR}-0002`;

/** Today as the screen writes it: "1 December 2026", in UK time. */
function ukToday() {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());
}

describe('an older copy of the vault', { concurrency: false }, () => {
  let vault;
  let aside;
  let seen;
  let app;
  const start = () => App.start(vault, ['--seen-vaults', seen]);

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-rollback-'));
    aside = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-rollback-aside-'));
    seen = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-rollback-seen-'));
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    app = undefined;
    for (const dir of [vault, aside, seen]) rmSync(dir, { recursive: true, force: true });
  });

  async function lock() {
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    const wal = join(vault, 'vault.db-wal');
    await waitFor(() => !existsSync(wal) || statSync(wal).size === 0, { what: 'the log folded into vault.db' });
  }

  async function unlock() {
    await app.waitForHeading('Unlock', 30000);
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
  }

  async function incidents() {
    await app.waitForHeading('Incidents', 30000);
    return waitFor(() => app.text('table tbody'), { what: 'the incident list' });
  }

  it('is noticed after the unlock, and Lock locks without opening it', async () => {
    app = await start();
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: PASS });
    await recordBullyingIncident(app, 'Unkind messages in a group chat.', FIRST);
    await lock();
    cpSync(vault, aside, { recursive: true });

    await unlock();
    assert.match(await incidents(), new RegExp(FIRST), 'the same copy opens as usual');
    await recordBullyingIncident(app, 'A second report about the same group chat.', SECOND);
    await app.quit();
    app = undefined;

    // The older copy is put back over the folder.
    rmSync(vault, { recursive: true, force: true });
    cpSync(aside, vault, { recursive: true });
    assert.ok(existsSync(join(seen, 'seen-vaults.json')), 'the record is in its own folder, not the vault folder');
    assert.ok(!existsSync(join(vault, 'seen-vaults.json')));
    assert.equal(statSync(join(seen, 'seen-vaults.json')).mode & 0o777, 0o600);

    app = await start();
    await unlock();
    await app.waitForHeading(HEADING, 30000);
    const figures = await app.text('[data-testid=older-copy-figures]');
    const m = figures.match(/^This computer opened this vault on (\d{1,2} [A-Z][a-z]+ \d{4}) at (\d{2}:\d{2})\. The changes made since then are not in this copy: the vault's log of changes had (\d+) entries then, and this copy has (\d+) entries\.$/);
    assert.ok(m, `the wording: ${figures}`);
    assert.equal(m[1], ukToday());
    assert.ok(Number(m[3]) > Number(m[4]), `more entries then (${m[3]}) than now (${m[4]})`);
    const page = await app.text('main');
    assert.match(page, /Perhaps an older copy or a backup of the vault folder was put back/);
    assert.equal(
      await app.script('return document.activeElement && document.activeElement.textContent.trim();'),
      'Lock',
      'the safe choice has the keyboard focus',
    );
    assert.equal(await app.exists('table'), false, 'no records shown');
    await app.screenshot('80-older-copy');

    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    assert.match(await app.text('main'), /The older copy was not opened/);
  });

  it('asks again until the older copy is opened, which goes to Home and is not asked again', async () => {
    await unlock();
    await app.waitForHeading(HEADING, 30000);
    // By keyboard: Tab from Lock to the second choice, Enter.
    await app.keys('\uE004');
    assert.equal(
      await app.script('return document.activeElement.textContent.trim();'),
      'Open this older copy',
    );
    await app.keys('\uE007');
    const list = await incidents();
    assert.match(list, new RegExp(FIRST));
    assert.doesNotMatch(list, new RegExp(SECOND), 'the older copy, without the later record');

    await lock();
    await unlock();
    await incidents();
    const record = JSON.parse(readFileSync(join(seen, 'seen-vaults.json'), 'utf8'));
    assert.equal(record.vaults.length, 1);
    await app.quit();
    app = undefined;
  });
});
