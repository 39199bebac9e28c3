// The evidence register in the real app: a device seized, bagged, handed to the police and
// returned; a file fingerprinted through the system's file dialog and checked (same, then changed).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, appBinary, chooseInDialog, createVault, setValue, waitFor, chooseIntake } from './webdriver.mjs';

const YEAR = new Date().getUTCFullYear();

describe('evidence register', { concurrency: false }, () => {
  let vault;
  let files;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-evidence-'));
    files = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-files-'));
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: 'lantern mauve copper harbour' });
    await app.clickButton('Record an incident');
    await app.waitForHeading('Record an incident');
    await app.type('#reported-by-name', 'Mr Łukasz Nowak');
    await app.type('#reported-by-role', 'Head of year');
    await app.type('#summary', 'Monitoring flagged an indecent image on a pupil’s phone.');
    await chooseIntake(app, 'child-abuse-images');
    await app.clickButton('Record incident');
    await app.waitForHeading(`OS-${YEAR}-0001`);
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  const whereabouts = (label) =>
    app.script(`return document.querySelector('[data-testid=evidence-item][data-label=${label}] [data-testid=whereabouts]')?.textContent ?? '';`);

  it('a device is seized, bagged, handed to the police and returned', async () => {
    await app.clickButton('Add an item of evidence');
    // No kind is chosen for the DSL: added without one, it is refused beside the kind, which
    // takes focus, and what was typed stays.
    await app.type('#e-description', 'Pupil’s phone');
    await app.clickButton('Add to the register');
    assert.match(await waitFor(() => app.text('#e-kind-refused')), /Choose what kind of item it is/);
    assert.equal(await app.script(`return document.activeElement?.id;`), 'e-kind');
    await app.screenshot('30a-evidence-kind-refused');
    assert.equal(await app.script(`return document.querySelector('#e-description').value;`), 'Pupil’s phone');
    await setValue(app, '#e-kind', 'device');
    await app.type('#e-make', 'Samsung Galaxy A14, serial R58T91');
    await app.type('#e-owner', 'Zoë Nguyễn');
    await app.type('#e-found', 'Handed to the DSL by the pupil after the alert');
    await setValue(app, '#e-on', 'yes');
    await setValue(app, '#e-locked', 'yes');
    await setValue(app, '#e-network', 'yes');
    await app.type('#e-secured-by', 'Jo Bloggs (DSL)');
    await app.type('#e-stored', 'DSL office safe, sealed bag 0042');
    await app.screenshot('30-evidence-add');
    await app.clickButton('Add to the register');
    await waitFor(async () => (await whereabouts('E1')).includes('Jo Bloggs (DSL)'), { what: 'item E1' });
    assert.match(await whereabouts('E1'), /sealed bag 0042/);
    assert.match(await app.text('[data-testid=evidence] [role=note]'), /Do not view, copy, print or forward/);

    await app.clickButton('Record a hand-over, move or end of life');
    await app.clickButton('Add to the custody log');
    assert.match(await waitFor(() => app.text('#c-action-refused')), /Choose what happened to it/);
    await setValue(app, '#c-action', 'handedOver');
    await setValue(app, '#c-at', '2000-01-01T10:00');
    await app.type('#c-to', 'PC 1234 Ahmed, Metropolitan Police');
    await app.type('#c-location', 'Police property store');
    await app.type('#c-reason', 'For forensic examination');
    await app.clickButton('Add to the custody log');
    assert.match(await waitFor(() => app.text('[data-testid=evidence] [role=alert]')), /before the item was secured/);
    await setValue(app, '#c-at', new Date(Date.now() + 60_000).toISOString().slice(0, 16).replace('Z', ''));
    await app.type('#c-reference', 'Crime ref CR/118/26');
    // A time a minute ahead of now is in the future only if the clock is UTC; use now instead.
    const now = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    await setValue(app, '#c-at', `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`);
    await app.clickButton('Add to the custody log');
    await waitFor(async () => (await whereabouts('E1')).includes('PC 1234 Ahmed'), { what: 'handed to police' });
    assert.match(await whereabouts('E1'), /With the police/);
    await app.screenshot('31-evidence-with-police');

    await app.clickButton('Evidence held');
    await app.waitForHeading('Evidence held');
    await setValue(app, '#held-show', 'police');
    await waitFor(async () => (await app.text('[data-testid=evidence-held]')).includes('Police property store'), { what: 'held list' });
    await app.screenshot('32-evidence-held');
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    await app.clickButton(`OS-${YEAR}-0001`);
    await app.waitForHeading(`OS-${YEAR}-0001`);

    await waitFor(async () => (await whereabouts('E1')).includes('PC 1234'), { what: 'item loaded' });
    await app.clickButton('Record a hand-over, move or end of life');
    await setValue(app, '#c-action', 'returned');
    await app.type('#c-to', 'Zoë’s mother');
    await app.type('#c-reason', 'Police finished with it');
    await app.clickButton('Add to the custody log');
    await waitFor(async () => (await whereabouts('E1')).includes('Returned to owner'), { what: 'returned' });
  });

  it('a file is fingerprinted without being opened, then checked: same, then changed', async () => {
    const file = join(files, 'screenshot-from-parent.png');
    writeFileSync(file, Buffer.from('not really a picture, just bytes standing in for one\n'));
    const expected = createHash('sha256').update(Buffer.from('not really a picture, just bytes standing in for one\n')).digest('hex');

    await app.clickButton('Add an item of evidence');
    await setValue(app, '#e-kind', 'screenshot');
    await app.type('#e-description', 'Screenshot a parent emailed to the school');
    await app.type('#e-secured-by', 'Jo Bloggs (DSL)');
    await app.type('#e-stored', 'Encrypted staff drive, folder held by the DSL');
    await app.clickButton('Add to the register');
    await waitFor(async () => (await whereabouts('E2')).includes('Encrypted staff drive'), { what: 'item E2' });

    await app.script(
      `document.querySelector('[data-testid=evidence-item][data-label=E2] .actions button:nth-child(2)').click();`,
    );
    await chooseInDialog('Choose the file to fingerprint', file);
    await waitFor(async () => (await app.text('[data-testid=evidence-item][data-label=E2]')).includes(expected), { what: 'digest shown' });
    await app.screenshot('33-fingerprint');

    const check = async (expected) => {
      await app.script(`document.querySelector('[data-testid=evidence-item][data-label=E2] .digest button').click();`);
      await chooseInDialog('Choose the file to check', file);
      await waitFor(async () => (await app.text('[data-testid=check-result]')) === expected, { what: `"${expected}"` });
    };
    await check('Same file');
    appendFileSync(file, 'one changed byte');
    await check('Different file');
    await app.screenshot('34-check-different');
  });

  it('a review of devices needs two different reviewers', async () => {
    await app.clickButton('Record a review');
    await app.type('#r-one', 'Jo Bloggs');
    await app.type('#r-two', 'Jo Bloggs');
    await app.type('#r-machine', 'Standalone laptop L-7, off the school network');
    await app.type('#r-reviewed', 'Browsing history of the library PC');
    await app.type('#r-reason', 'Monitoring alert CAP-991');
    await app.type('#r-conclusion', 'Searches for a game; nothing illegal');
    await app.clickButton('Record review');
    assert.match(await waitFor(() => app.text('[data-testid=evidence] [role=alert]')), /two different reviewers/);
    await app.type('#r-two', 'Sam Head');
    await app.clickButton('Record review');
    await waitFor(() => app.exists('[data-testid=device-review]'), { what: 'review listed' });
  });
});
