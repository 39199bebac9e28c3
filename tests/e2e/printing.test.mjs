// "Open to print": a saved report opened in the system's PDF viewer (on Debian, the one setup
// installs, Evince, found through xdg-open), from which it is printed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, artifacts, createVault, recordBullyingIncident, saveInDialog, waitFor } from './webdriver.mjs';

const YEAR = new Date().getUTCFullYear();

/** The processes whose command line names `path` (xdg-open, then the viewer it starts). */
function openedBy(path) {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(path);
      } catch {
        return false;
      }
    });
}

describe('open to print', () => {
  let app;
  let vault;
  let out;
  before(async () => {
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-printing-'));
    out = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-print-out-'));
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: 'lantern mauve copper harbour' });
  });
  after(async () => {
    if (app) await app.quit();
    rmSync(vault, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('opens the saved report in the PDF viewer', async () => {
    await recordBullyingIncident(app, 'Unkind messages in a group chat.', `OS-${YEAR}-0001`);
    const pdf = join(out, 'report to print.pdf');
    await app.clickButton('Save PDF…');
    await saveInDialog('Save the incident report', pdf);
    await waitFor(async () => (await app.text('[data-testid=export-saved]')).includes(pdf), { what: 'saved path shown' });
    await app.clickButton('Open to print');
    const comm = (pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    };
    // The viewer setup installs, holding the saved file.
    const found = await waitFor(() => openedBy(pdf).filter((pid) => comm(pid) === 'evince').length > 0, { what: 'the viewer with the report', timeout: 30000 });
    assert.ok(found);
    const viewers = openedBy(pdf).filter((pid) => comm(pid) === 'evince');
    try {
      const window = await waitFor(
        () => {
          try {
            return execFileSync('xdotool', ['search', '--onlyvisible', '--pid', viewers[0]], { encoding: 'utf8' }).trim().split('\n').pop();
          } catch {
            return null;
          }
        },
        { what: "the viewer's window", timeout: 30000 },
      );
      // Its title names the report, from the PDF's own title.
      await waitFor(() => execFileSync('xdotool', ['getwindowname', window], { encoding: 'utf8' }).includes('DSL Desk incident report'), {
        what: 'the report in the title',
        timeout: 15000,
      });
      await new Promise((r) => setTimeout(r, 1500));
      execFileSync('import', ['-window', window, join(artifacts, '121-open-to-print.png')]);
      assert.equal(await app.exists('[role=alert]:not(:empty)'), false, 'no error shown');
    } finally {
      for (const pid of viewers) {
        try {
          process.kill(Number(pid));
        } catch {}
      }
    }
  });
});
