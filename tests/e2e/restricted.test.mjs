// A record restricted to those who need to know, through the real app's screens: a concern
// about the headteacher restricted by the DSL to herself and the chair of governors; the head
// unlocks and finds no trace of it; the chair unlocks and sees only it; the access log shows
// each opening and print.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, addUser, appBinary, artifacts, chooseSignIn, createVault, recordBullyingIncident, saveInDialog, setValue, waitFor, chooseIntake } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
const HEAD_PASS = 'willow granite ember tide';
const CHAIR_PASS = 'juniper castle otter lagoon';
const YEAR = new Date().getUTCFullYear();
const SUMMARY = 'Quetzal: a parent reported that the head shared a pupil\u2019s photograph in a private chat group.';
const HEAD = 'Dr Pat Morgan';

describe('a record restricted to those who need to know, through the screens', { concurrency: false }, () => {
  let vault;
  let out;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-restricted-'));
    out = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-restricted-reports-'));
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: PASS });
    await addUser(app, { name: HEAD, role: 'Headteacher', pass: HEAD_PASS, count: 2 });
    await addUser(app, { name: 'Mrs Zoë Ellis', role: 'Chair', pass: CHAIR_PASS, count: 3 });
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  async function signIn(name, pass) {
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    await waitFor(() => app.exists('#unlock-user'), { what: 'the choice of who signs in' });
    await chooseSignIn(app, name);
    await app.type('#unlock-passphrase', pass);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 60000);
  }

  async function listed() {
    await waitFor(() => app.exists('[data-testid=incident-list]'), { what: 'the incident list' });
    return app.text('[data-testid=incident-list]');
  }

  it('the DSL restricts a concern about the head to herself and the chair, and prints it', async () => {
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    await recordBullyingIncident(app, 'Unkind messages in a Year 8 group chat.', `OS-${YEAR}-0001`);
    await app.clickButton('← All incidents');
    await app.waitForHeading('Incidents');
    await app.clickButton('Record an incident');
    await app.waitForHeading('Record an incident');
    await app.type('#reported-by-name', 'Ms Siobhán Kelly');
    await app.type('#reported-by-role', 'Teaching assistant');
    await app.type('#summary', SUMMARY);
    await setValue(app, '#risk-area', 'contact');
    await chooseIntake(app, 'other');
    await setValue(app, '#person-role', 'alleged');
    await app.type('#person-name', HEAD);
    await setValue(app, '#person-kind', 'staff');
    await app.type('#person-job', 'Headteacher');
    await app.click('#person-head');
    await app.clickButton('Add as a new person');
    await app.clickButton('Record incident');
    await app.waitForHeading(`OS-${YEAR}-0002`);
    assert.match(await app.text('[data-testid=head-alleged]'), /Restrict it/);
    // The app proposes the restriction at once: the DSL and the chair ticked, the head not.
    await waitFor(() => app.exists('#restrict-heading ~ form'), { what: 'the restriction proposed' });
    const ticked = await app.script(
      `return [...document.querySelectorAll('[data-testid=restriction] input[type=checkbox]')].map((c) => [c.nextElementSibling.textContent.trim(), c.checked]);`,
    );
    const of = (name) => ticked.find(([label]) => label.startsWith(name))?.[1];
    assert.equal(of('Jo Bloggs'), true);
    assert.equal(of('Mrs Zoë Ellis'), true, 'the chair is offered');
    assert.equal(of(HEAD), false, 'the head is left out');
    await app.script(`document.querySelector('[data-testid=restriction]').scrollIntoView({ block: 'center' });`);
    await app.screenshot('100-restrict-proposed');
    await app.clickButton('Restrict it');
    await waitFor(async () => (await app.text('[data-testid=restricted-to]')).includes('Mrs Zoë Ellis'), { what: 'restricted' });
    assert.doesNotMatch(await app.text('[data-testid=restricted-to]'), /Pat Morgan/);
    assert.equal(readdirSync(join(vault, 'restricted')).filter((f) => f.endsWith('.db')).length, 1, 'its own file');
    await app.screenshot('101-restricted');
    const path = join(out, 'restricted.pdf');
    await app.clickButton('Save PDF…');
    await saveInDialog('Save the incident report', path);
    await waitFor(async () => (await app.text('[data-testid=export-saved]')).includes(path), { what: 'saved path shown' });
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', path, join(artifacts, '102-restricted-report')]);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    assert.ok(text.includes('Quetzal'), 'the granted DSL prints it in full');
    assert.match(text.replace(/\s+/g, ' '), /Restricted record: in DSL Desk only Jo Bloggs and Mrs Zoë Ellis can open it/);
    await waitFor(async () => (await app.text('[data-testid=record-access]')).includes('Saved its report as a PDF'), {
      what: 'the print in the access log',
    });
    // Opened again from the list: logged in the record's own chain.
    await app.clickButton('← All incidents');
    await app.waitForHeading('Incidents');
    await app.clickButton(`OS-${YEAR}-0002`);
    await app.waitForHeading(`OS-${YEAR}-0002`);
    await waitFor(async () => /Jo Bloggs\s*Opened/.test(await app.text('[data-testid=record-access]')), { what: 'the opening logged' });
  });

  it('the DSL restricts the concerns about a deputy head to herself', async () => {
    await app.clickButton('Concerns');
    await app.waitForHeading('Low-level concerns');
    await app.type('#concern-name', 'Mr Tom Ashby');
    await app.type('#concern-job', 'Deputy headteacher');
    await app.type('#concern-text', 'Zanzibar: messaged a Year 11 pupil on a personal account');
    await setValue(app, '#concern-when', `${YEAR}-01-12`);
    await app.type('#concern-raised', 'Mrs Eve Shah');
    // Staff or volunteer is chosen, not assumed: refused beside the choice, naming the adult.
    await app.clickButton('Record the concern');
    assert.match(await waitFor(() => app.text('#concern-kind-refused')), /Choose whether Mr Tom Ashby is a member of staff or a volunteer/);
    await setValue(app, '#concern-kind', 'staff');
    await app.clickButton('Record the concern');
    await waitFor(() => app.exists('[data-testid=concern-pattern]'), { what: 'the concern recorded' });
    await app.clickButton('Restrict to named people');
    await waitFor(() => app.exists('#restrict-heading ~ form'), { what: 'the choice' });
    await app.script(`document.querySelector('[data-testid=restriction]').scrollIntoView({ block: 'center' });`);
    await app.screenshot('105-concerns-restrict');
    await app.clickButton('Restrict it');
    await waitFor(async () => /Only\s*Jo Bloggs/.test(await app.text('[data-testid=restricted-to]')), { what: 'restricted' });
    await app.screenshot('106-concerns-restricted');
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
  });

  it('the head unlocks and finds no trace of it, except in the anonymous figures', async () => {
    await signIn(HEAD, HEAD_PASS);
    const list = await listed();
    assert.match(list, new RegExp(`OS-${YEAR}-0001`));
    assert.doesNotMatch(list, new RegExp(`OS-${YEAR}-0002`), 'not in the list');
    await app.type('#filter-text', 'Quetzal');
    await waitFor(async () => !(await listed()).includes(`OS-${YEAR}-0001`), { what: 'the search to run' });
    assert.doesNotMatch(await listed(), /OS-/, 'not found by searching');
    await app.type('#filter-person', 'Morgan');
    await new Promise((r) => setTimeout(r, 800));
    assert.doesNotMatch(await app.text('#filter-person-matches'), /Morgan/, 'no person found');
    assert.equal(await app.exists('[data-testid=due-reminder]'), false, 'no reminder of its LADO deadline');
    await app.screenshot('103-head-no-trace');
    await app.clickButton('Governor report');
    await waitFor(() => app.exists('[data-testid=headlines]'), { what: 'the figures' });
    assert.match(await app.text('[data-testid=headlines]'), /Opened\s*2\b/, 'the figures still count it');
  });

  it('the chair unlocks and sees only it, records a note, and the log shows who saw it', async () => {
    await signIn('Mrs Zoë Ellis', CHAIR_PASS);
    const list = await listed();
    assert.match(list, new RegExp(`OS-${YEAR}-0002`));
    assert.doesNotMatch(list, new RegExp(`OS-${YEAR}-0001`), 'only the record granted');
    const tabs = await app.text('nav[aria-label=Main]');
    assert.doesNotMatch(tabs, /Governor report|Records|Concerns|Evidence held/);
    await app.clickButton(`OS-${YEAR}-0002`);
    await app.waitForHeading(`OS-${YEAR}-0002`);
    assert.ok((await app.text('.incident')).includes('Quetzal'), 'the chair reads it');
    await app.type('#note-text', 'Case manager: strategy discussion with the LADO on Monday.');
    await app.clickButton('Add note');
    await waitFor(async () => (await app.text('[data-testid=chronology]')).includes('strategy discussion'), { what: 'the note' });
    await waitFor(async () => /Mrs Zoë Ellis[\s\S]*Opened/.test(await app.text('[data-testid=record-access]')), { what: 'the chair in the log' });
    const seen = await app.text('[data-testid=record-access]');
    assert.match(seen, /Jo Bloggs\s*Saved its report as a PDF/);
    // The record's own chain (the chair holds no key to the vault's): from its restriction on.
    assert.equal(seen.match(/Jo Bloggs\s*Restricted it to named people/g)?.length, 1);
    assert.match(seen, /Jo Bloggs\s*Opened/);
    assert.doesNotMatch(seen, /Pat Morgan/, 'the head never opened it');
    await app.script(`document.querySelector('[data-testid=record-access]').scrollIntoView({ block: 'center' });`);
    await app.screenshot('104-chair-record-access');
  });

  it('a restricted record whose file has gone is said at unlock, without naming it', async () => {
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    const folder = join(vault, 'restricted');
    for (const f of readdirSync(folder)) rmSync(join(folder, f));
    await waitFor(() => app.exists('#unlock-user'), { what: 'the choice of who signs in' });
    await chooseSignIn(app, 'Jo Bloggs');
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 60000);
    const notice = await app.text('[data-testid=unopened-records]');
    assert.match(notice, /2 restricted records you can open could not be opened/);
    assert.doesNotMatch(notice, /OS-|Morgan|Ashby/);
    await app.screenshot('107-unopened-records');
  });
});
