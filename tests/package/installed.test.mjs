// The installed package, as a DSL would meet it: installed with apt, found in the desktop's menu,
// started from its installed path with the vault in its default place; then the package removed,
// leaving the vault as it was, and installed again over it. Run by tests/package/run.sh, which
// installs the package and gives the app a home folder of its own (PACKAGE_HOME).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, createVault, recordBullyingIncident, root, waitFor } from '../e2e/webdriver.mjs';

const BIN = '/usr/bin/dsl-desk';
const HOME = process.env.PACKAGE_HOME;
const DEB = process.env.PACKAGE_DEB;
const PASS = 'quartz lantern meadow 42';
const YEAR = new Date().getUTCFullYear();
const REFERENCE = `OS-${YEAR}-0001`;
const VERSION = JSON.parse(readFileSync(join(root, 'src-tauri', 'tauri.conf.json'), 'utf8')).version;
const sudo = process.getuid() === 0 ? [] : ['sudo'];

function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}
function apt(...args) {
  // Through env, so the setting survives sudo.
  const [cmd, ...rest] = [...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-y', '-q', ...args];
  return run(cmd, rest);
}
function installed() {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status} ${Version}', 'dsl-desk'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}
/** Every file under `dir` with its SHA-256, so "untouched" means byte for byte. */
function fingerprints(dir) {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
/** The processes running the installed binary, read from the processes themselves. */
function installedRunning() {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/exe`) === BIN;
      } catch {
        return false;
      }
    });
}
/** Ends the session, then waits for the app to finish quitting (it locks the vault and folds its
 *  write-ahead log into vault.db as it goes). */
async function quit(app) {
  await app.quit();
  await waitFor(() => installedRunning().length === 0, { what: 'the app to quit', timeout: 30000 });
}

/** From the unlock screen: unlocks, and waits for the incident in the list. */
async function unlockToTheIncident(app, what) {
  await app.waitForHeading('Unlock', 30000);
  await app.type('#unlock-passphrase', PASS);
  await app.clickButton('Unlock');
  await app.waitForHeading('Incidents', 30000);
  await waitFor(async () => (await app.text('main')).includes(REFERENCE), { what });
}

describe('the installed package', () => {
  let app;
  let vault;
  before(() => {
    assert.ok(HOME && DEB, 'run by tests/package/run.sh');
  });
  after(async () => {
    if (app) await app.quit().catch(() => {});
  });

  it('is installed by apt with its name, version, description, menu entry, icons and licence', () => {
    assert.match(installed(), new RegExp(`^install ok installed ${VERSION.replace(/\./g, '\\.')}$`));
    const info = run('dpkg-deb', ['-f', DEB, 'Package', 'Version', 'Description', 'Depends']);
    assert.match(info, /^Package: dsl-desk$/m);
    assert.match(info, /^Description: Online-safety incident records for a school's Designated Safeguarding Lead$/m);
    assert.match(info, /libwebkit2gtk-4\.1-0/);
    const files = run('dpkg', ['-L', 'dsl-desk']).split('\n');
    assert.ok(files.includes(BIN), 'the binary is in /usr/bin');
    const desktop = files.find((f) => f.startsWith('/usr/share/applications/') && f.endsWith('.desktop'));
    assert.ok(desktop, 'a menu entry is installed');
    run('desktop-file-validate', [desktop]);
    const entry = readFileSync(desktop, 'utf8');
    assert.match(entry, /^Name=DSL Desk$/m);
    assert.match(entry, /^Categories=Education;$/m);
    const exec = entry.match(/^Exec=(\S+)/m)[1];
    assert.equal(run('sh', ['-c', `command -v ${exec}`]).trim(), BIN, 'the menu starts the installed binary');
    const icon = entry.match(/^Icon=(.+)$/m)[1];
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      const png = `/usr/share/icons/hicolor/${size}x${size}/apps/${icon}.png`;
      assert.ok(files.includes(png), `icon ${size}x${size}`);
      const header = readFileSync(png);
      assert.equal(header.readUInt32BE(16), size, `${png} is ${size} pixels wide`);
    }
    assert.match(readFileSync('/usr/share/doc/dsl-desk/copyright', 'utf8'), /MIT License/);
    assert.ok(existsSync('/usr/share/doc/dsl-desk/LICENSE-DejaVu.txt'), 'the font licence');
  });

  it('runs from its installed path: a vault made in the default place, an incident, lock and unlock', async () => {
    app = await App.start(null, [], BIN);
    assert.equal(installedRunning().length, 1, 'the app runs from its installed path');
    await createVault(app, { school: 'Package Test School', user: 'Dana Okafor', pass: PASS });
    await recordBullyingIncident(app, 'Unkind messages in a group chat.', REFERENCE);

    await app.clickButton('About');
    await app.waitForHeading('About DSL Desk');
    vault = await app.text('[data-testid=about-vault]');
    assert.equal(vault, join(HOME, '.local', 'share', 'dsldesk', 'vault'), 'the default place, in the home folder');
    assert.equal(await app.text('[data-testid=about-version]'), VERSION);
    const commit = run('git', ['-C', root, 'rev-parse', '--short=10', 'HEAD']).trim();
    assert.match(await app.text('[data-testid=about-build]'), new RegExp(`^${commit}, \\d{4}-\\d{2}-\\d{2} \\((debug|release) build\\)$`));
    await app.screenshot('120-installed-about');

    await app.clickButton('Lock');
    await unlockToTheIncident(app, 'the incident in the list');
    await quit(app);
    app = null;
    assert.ok(existsSync(join(vault, 'vault.db')));
  });

  it('removing the package leaves the vault byte for byte; installed again, it opens the same vault', async () => {
    // A failure above may have left its session open: the driver holds one at a time.
    if (app) await quit(app).catch(() => {});
    app = null;
    assert.ok(vault, 'the vault was made');
    const before = fingerprints(vault);
    assert.ok(Object.keys(before).some((f) => f.endsWith('vault.db')));
    apt('remove', 'dsl-desk');
    assert.equal(installed().startsWith('install ok installed'), false);
    assert.equal(existsSync(BIN), false, 'the binary is gone');
    assert.deepEqual(fingerprints(vault), before, 'the vault is untouched');

    apt('install', '--no-install-recommends', DEB);
    app = await App.start(null, [], BIN);
    await unlockToTheIncident(app, 'the incident, after installing again');
    await quit(app);
    app = null;
    apt('purge', 'dsl-desk');
    assert.ok(existsSync(join(vault, 'vault.db')), 'purging the package keeps the vault too');
  });
});
