// The real app, built with its UI embedded, driven through tauri-driver and WebKitWebDriver.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Keys, appBinary, keepRecoveryKey, sleep, waitFor } from './webdriver.mjs';

const SCHOOL = 'Ysgol Łukasz Academy';
const USER = 'Siobhán Zoë';
const PASS = 'lantern mauve copper harbour';
const NEW_PASS = 'willow granite parsnip orbit';

describe('vault and app shell', { concurrency: false }, () => {
  let vault;
  let app;
  let recoveryKey;

  before(() => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-'));
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
  });

  it('first run opens on "Create your vault" and makes the vault', async () => {
    app = await App.start(vault);
    await app.waitForHeading('Create your vault');
    assert.equal(await app.title(), 'DSL Desk');
    await app.screenshot('01-create-vault');

    await app.type('#school-name', SCHOOL);
    await app.type('#user-name', USER);
    await app.type('#passphrase-passphrase', 'short');
    await app.type('#passphrase-repeat', 'short');
    // The strength shown as it is typed first: the refusal is the backend's, not only the screen's.
    await waitFor(async () => /not accepted/.test(await app.text('#passphrase-strength')), { what: 'the strength shown' });
    await app.clickButton('Create vault');
    const refusal = await waitFor(() => app.text('[role=alert]'), { what: 'weak passphrase refusal' });
    assert.match(refusal, /too short/);
    await app.screenshot('02-weak-passphrase');

    await app.type('#passphrase-passphrase', PASS);
    await app.type('#passphrase-repeat', PASS);
    await app.clickButton('Create vault');
    await app.waitForHeading('Your recovery key', 30000);
    assert.equal(await app.title(), 'DSL Desk', 'no names in the window title');
    await app.screenshot('03-recovery-key');

    const groups = await app.script(
      `return [...document.querySelectorAll('[data-testid=recovery-key] .group')].map((g) => g.lastChild.textContent.trim());`,
    );
    assert.equal(groups.length, 8);
    recoveryKey = groups.join('-');
    const asked = await app.script(
      `return [...document.querySelectorAll('input[id^=group-]')].map((i) => Number(i.id.slice(6)));`,
    );
    assert.equal(asked.length, 2);
    for (const n of asked) await app.type(`#group-${n}`, groups[n - 1].toLowerCase());
    await app.clickButton('I have kept the key: continue');
    await app.waitForHeading('Incidents');
    assert.match(await waitFor(() => app.text('[data-testid=incident-list]'), { what: 'the empty list' }), /No incidents are recorded/);
    await app.screenshot('04-home');

    const files = readdirSync(vault);
    assert.ok(files.includes('vault.db') && files.includes('keyslots.json'), files.join(','));
    for (const f of files) {
      const bytes = readFileSync(join(vault, f));
      // The key file lists who can sign in (for the unlock screen's choice); nothing else does.
      if (f !== 'keyslots.json') assert.ok(!bytes.includes(Buffer.from(USER)), `${f} holds the user's name in plain text`);
      assert.ok(!bytes.includes(Buffer.from(SCHOOL)), `${f} holds the school's name in plain text`);
    }
  });

  it('About shows the version and where the vault is', async () => {
    await app.clickButton('About');
    await app.waitForHeading('About DSL Desk');
    assert.equal(await app.text('[data-testid=about-vault]'), vault);
    assert.match(await app.text('[data-testid=about-version]'), /^\d+\.\d+\.\d+/);
    assert.match(await app.text('[data-testid=about-fingerprint]'), /^[0-9A-F]{4}( [0-9A-F]{4}){7} /);
    await app.screenshot('05-about');
  });

  it('Lock returns to the unlock screen; a wrong passphrase shows a plain message', async () => {
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    assert.equal(await app.exists('.topbar'), false, 'nothing of the session stays on screen');
    await app.type('#unlock-passphrase', 'this is not the passphrase');
    await app.clickButton('Unlock');
    const message = await waitFor(() => app.text('[role=alert]'), { what: 'wrong passphrase message' });
    assert.equal(message, 'That did not open the vault. Check it and try again.');
    await app.screenshot('06-wrong-passphrase');
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 20000);
  });

  it('quick hide blanks the screen at once and locks the vault', async () => {
    await app.keys(`${Keys.ctrl}${Keys.shift}h${Keys.release}`);
    await waitFor(() => app.exists('[data-testid=hidden-screen]'), { what: 'hidden screen', timeout: 2000 });
    assert.equal(await app.exists('.topbar'), false);
    const text = await app.script(`return document.body.textContent;`);
    assert.ok(!text.includes(USER) && !text.includes(SCHOOL), 'nothing of the session is left in the page');
    const shown = await app.script(
      `return [...document.body.querySelectorAll('*')].filter((e) => e.offsetWidth > 1 && e.offsetHeight > 1 && e.children.length === 0 && e.textContent.trim()).length;`,
    );
    assert.equal(shown, 0, 'no visible text on the hidden screen');
    await app.screenshot('07-quick-hide');
    await sleep(600);
    await app.keys(Keys.enter);
    await app.waitForHeading('Unlock');
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 20000);
  });

  it('locks itself after the idle timeout (set to 1 minute in Settings)', async () => {
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await waitFor(async () => (await app.value('#settings-idle')) === '10', { what: 'settings loaded' });
    await app.type('#settings-idle', '0');
    await app.clickButton('Save settings');
    assert.match(await waitFor(() => app.text('[role=alert]')), /between 1 and 60/);
    await app.type('#settings-idle', '1');
    await app.clickButton('Save settings');
    await waitFor(async () => (await app.text('[role=status]')) === 'Settings saved.', { what: 'saved' });
    await app.screenshot('08-settings');
    const started = Date.now();
    // No input reaches the window now: polling the page through WebDriver is not user activity.
    await app.waitForHeading('Unlock', 100000);
    const waited = (Date.now() - started) / 1000;
    assert.ok(waited >= 50 && waited <= 75, `locked after ${waited.toFixed(1)} s`);
    assert.match(await app.text('[role=status]'), /locked itself/);
    await app.screenshot('09-idle-locked');
  });

  it('a later run opens on Unlock, and the recovery key sets a new passphrase', async () => {
    await app.quit();
    app = await App.start(vault);
    await app.waitForHeading('Unlock');
    await app.clickButton('Use recovery key');
    await app.waitForHeading('Unlock with the recovery key');
    await app.type('#recovery-key', recoveryKey.toLowerCase());
    await app.type('#newPassphrase-passphrase', NEW_PASS);
    await app.type('#newPassphrase-repeat', NEW_PASS);
    await app.screenshot('10-recovery-unlock');
    await app.clickButton('Unlock and set passphrase');
    await app.waitForHeading('Incidents', 30000);
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    assert.match(await waitFor(() => app.text('[role=alert]')), /did not open/);
    await app.type('#unlock-passphrase', NEW_PASS);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 20000);
  });

  it('Verify vault reports the audit chain intact, in Settings and with dsl-desk --verify', async () => {
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await app.clickButton('Verify vault');
    const result = await waitFor(() => app.text('[data-testid=verify-result]'), { what: 'the check' });
    assert.match(result, /^Intact: all \d+ audit entries follow one from another\.$/);
    await app.screenshot('11-verify-vault');
    const out = execFileSync(appBinary(), ['--verify', '--vault', vault], { input: `${NEW_PASS}\n`, encoding: 'utf8' });
    assert.match(out, /^Intact: all \d+ audit entries/);
    let status = 0;
    try {
      execFileSync(appBinary(), ['--verify', '--vault', vault], { input: 'not the passphrase\n', stdio: 'pipe' });
    } catch (e) {
      status = e.status;
      assert.match(String(e.stderr), /passphrase or recovery key is not right/);
    }
    assert.equal(status, 2, 'a wrong passphrase exits with 2');
  });

  it('a new recovery key replaces the old one, which stops working', async () => {
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await app.type('#recovery-current', 'not my passphrase');
    await app.clickButton('Make a new recovery key');
    assert.match(await waitFor(() => app.text('[role=alert]')), /passphrase is not right/);
    await app.type('#recovery-current', NEW_PASS);
    await app.clickButton('Make a new recovery key');
    await app.waitForHeading('Your recovery key', 30000);
    assert.match(await app.text('[role=note]'), /replaces the old one/);
    await app.screenshot('12-new-recovery-key');
    const fresh = await keepRecoveryKey(app);
    assert.notEqual(fresh, recoveryKey);
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    await app.clickButton('Use recovery key');
    await app.waitForHeading('Unlock with the recovery key');
    for (const [key, works] of [[recoveryKey, false], [fresh, true]]) {
      await app.type('#recovery-key', key);
      await app.type('#newPassphrase-passphrase', PASS);
      await app.type('#newPassphrase-repeat', PASS);
      await app.clickButton('Unlock and set passphrase');
      if (works) await app.waitForHeading('Incidents', 30000);
      else assert.match(await waitFor(() => app.text('[role=alert]'), { timeout: 20000 }), /did not open/);
    }
  });
});
