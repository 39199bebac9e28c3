// Records over the years in the real app: a headteacher added with their own passphrase reads
// but changes nothing, and is removed; the retention review keeps one record and destroys
// another; a pupil's records are sent to a new school with a receipt; a subject access export.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, addUser, Keys, appBinary, chooseSignIn, createVault, saveInDialog, setValue, waitFor, chooseIntake } from './webdriver.mjs';

const DSL_NAME = 'Jo Bloggs';

const PASS = 'lantern mauve copper harbour';
const HEAD_PASS = 'granite puffin saucer meadow';
const YEAR = new Date().getUTCFullYear();

async function recordIncident(app, summary, pupils) {
  await app.clickButton('Incidents');
  await app.waitForHeading('Incidents');
  await app.clickButton('Record an incident');
  await app.waitForHeading('Record an incident');
  await app.type('#reported-by-name', 'Mrs Siobhán Whitfield');
  await app.type('#reported-by-role', 'Form tutor');
  await app.type('#summary', summary);
  await chooseIntake(app, 'bullying');
  for (const [name, role, year, dob] of pupils) {
    await setValue(app, '#person-role', role);
    await app.type('#person-name', name);
    await setValue(app, '#person-kind', 'pupil');
    await setValue(app, '#person-year', String(year));
    await setValue(app, '#person-dob', dob);
    await app.clickButton('Add as a new person');
  }
  await app.clickButton('Record incident');
  await waitFor(async () => /^OS-\d{4}-\d{4}/.test(await app.heading()), { what: 'the new incident' });
  return app.heading();
}

async function unlockAs(app, pass, name) {
  await app.clickButton('Lock');
  await app.waitForHeading('Unlock');
  await waitFor(() => app.exists('#unlock-user, [data-testid=signing-in]'), { what: 'who is signing in' });
  if (name) await chooseSignIn(app, name);
  await app.type('#unlock-passphrase', pass);
  await app.clickButton('Unlock');
}

function pdfText(path) {
  return execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
}

function localInput(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

describe('records over the years', { concurrency: false }, () => {
  let vault;
  let out;
  let app;
  const refs = {};

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-records-'));
    out = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-records-out-'));
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: DSL_NAME, pass: PASS });
    refs.kept = await recordIncident(app, 'An old case to keep', [['Oliver Grey', 'victim', 11, '2000-03-01']]);
    refs.destroyed = await recordIncident(app, 'DESTROY-MARKER old case', [['Ruby Lane', 'victim', 11, '1999-02-02']]);
    refs.moving = await recordIncident(app, 'Aoife Brennan sent unkind messages to Zoë Nguyễn', [
      // Misspelt at intake, and corrected before her file moves school.
      ['Zoe Nguyen', 'victim', 8, '2013-01-09'],
      ['Aoife Brennan', 'instigator', 8, '2012-11-30'],
    ]);
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('adds a headteacher who reads but cannot change, then removes them at once', async () => {
    await addUser(app, { name: 'Pat Head', role: 'Headteacher', pass: HEAD_PASS, count: 2 });
    await app.screenshot('70-users');

    await unlockAs(app, HEAD_PASS, 'Pat Head');
    await app.waitForHeading('Incidents', 20000);
    assert.match(await app.text('.who'), /Pat Head · Headteacher/);
    assert.equal(await app.exists('.content button.primary'), false, 'no "Record an incident" for the head');
    await app.clickButton(refs.moving);
    await app.waitForHeading(refs.moving);
    assert.match(await app.text('[data-testid=read-only]'), /Read only/);
    assert.equal(await app.exists('#note-text'), false);
    await app.clickButton('Records');
    await app.waitForHeading('Records over the years');
    assert.equal(await app.exists('.retention-item button'), false, 'no retention decisions for the head');
    await app.screenshot('71-headteacher-records');

    await unlockAs(app, PASS, DSL_NAME);
    await app.waitForHeading('Incidents', 20000);
    await app.clickButton('Settings');
    await app.waitForHeading('Settings');
    await app.click('[aria-label="Remove Pat Head"]');
    // The re-encryption's progress bar is shown while it runs, however briefly.
    await app.script(
      `window.__rekeySeen = false;
       new MutationObserver(() => {
         if (document.querySelector('[data-testid=rekey-progress]')) window.__rekeySeen = true;
       }).observe(document.body, { childList: true, subtree: true });`,
    );
    await app.clickButton('Yes, remove');
    await waitFor(async () => (await app.findAll('[data-testid=user-row]')).length === 1, { what: 'the removal', timeout: 30000 });
    assert.match(await app.text('.users .alert, .users [role=status]'), /re-encrypted under a new key/);
    assert.equal(await app.script('return window.__rekeySeen;'), true, 'the re-encryption showed its progress');
    await unlockAs(app, HEAD_PASS);
    const refused = await waitFor(() => app.text('[role=alert]'), { what: 'refusal', timeout: 20000 });
    assert.equal(refused, 'That did not open the vault. Check it and try again.');
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 20000);
  });

  it('reviews records past their date: keeps one with a reason, destroys another leaving a tombstone', async () => {
    assert.match(await app.text('.records-reminder'), /2 records are due for retention review/);
    await app.clickButton('Records');
    await app.waitForHeading('Records over the years');
    const items = await app.findAll('[data-testid=retention-item]');
    assert.equal(items.length, 2, 'the two pupils past 25; the Year 8 case is not due');
    assert.match(await app.text('.retention-item'), /turns 25 on/);

    await app.clickButton(`Decide on ${refs.kept}…`);
    await app.type('[id^=ret-reason-]', 'Civil claim still open');
    await app.clickButton('Keep the record');
    await waitFor(async () => /is kept; it comes back for review/.test(await app.text('.content [role=status]')), { what: 'kept' });

    await app.clickButton(`Decide on ${refs.destroyed}…`);
    await app.click('input[value=destroy]');
    await app.type('[id^=ret-reason-]', 'Retention period over; nothing requires keeping it');
    await app.type('[id^=ret-confirm-]', 'OS-1999-0001');
    await app.clickButton('Destroy the record');
    assert.match(await waitFor(() => app.text('.retention-item [role=alert]'), { what: 'refusal' }), /Type the record's reference exactly/);
    await setValue(app, '[id^=ret-confirm-]', refs.destroyed);
    await app.screenshot('72-destroy');
    await app.clickButton('Destroy the record');
    await waitFor(() => app.exists('[data-testid=tombstones]'), { what: 'the tombstone' });
    const tomb = await app.text('[data-testid=tombstones]');
    assert.match(tomb, new RegExp(refs.destroyed));
    assert.match(tomb, /Jo Bloggs/);
    assert.match(tomb, /Retention period over/);
    assert.equal(await app.exists('[data-testid=retention-item]'), false);
    assert.match(await app.text('[data-testid=retention-empty]'), /No records are due/);
    await app.screenshot('73-tombstone');

    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    const list = await waitFor(async () => {
      const text = await app.text('.content');
      return text.includes(refs.kept) ? text : null;
    }, { what: 'the incident list' });
    assert.ok(!list.includes(refs.destroyed), 'the destroyed record is gone from the list');
    await app.clickButton('Settings');
    await app.clickButton('Verify vault');
    assert.match(await waitFor(() => app.text('[data-testid=verify-result]'), { what: 'verify' }), /^Intact/);
  });

  it('corrects a misspelt name with a reason, keeping what the record said before', async () => {
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    await app.clickButton(refs.moving);
    await app.waitForHeading(refs.moving);
    await app.clickButton('Correct details: Zoe Nguyen');
    await waitFor(() => app.exists('[data-testid=correct-person]'), { what: 'the correction form' });
    const id = await app.script(`return document.querySelector('[data-testid=correct-person] input').id;`);
    const p = id.replace(/-name$/, '');
    await setValue(app, `#${p}-name`, 'Zoë Nguyễn');
    // No reason: refused beside the reason, which takes focus; nothing changes.
    await app.clickButton('Save the correction');
    await waitFor(async () => (await app.script(`return document.activeElement?.id;`)) === `${p}-reason`, { what: 'focus on the reason' });
    assert.ok(await app.exists(`#${p}-reason-refused`));
    await app.screenshot('73a-correction-refused');
    await app.type(`#${p}-reason`, 'Misspelt at intake: checked with the school office');
    await app.clickButton('Save the correction');
    await waitFor(async () => !(await app.exists('[data-testid=correct-person]')), { what: 'the correction saved' });
    assert.match(await app.text('[data-testid=people]'), /Zoë Nguyễn/);
    assert.ok(!(await app.text('[data-testid=people]')).includes('Zoe Nguyen'));
    assert.match(await app.text('[data-testid=chronology]'), /Corrected: Name from "Zoe Nguyen" to "Zoë Nguyễn"\. Reason: Misspelt at intake/);
    await app.script(`document.querySelector('[data-testid=chronology]').scrollIntoView({ block: 'center' });`);
    await app.screenshot('73b-corrected');
  });

  it("sends a pupil's records to a new school, reminds about the receipt, and records it", async () => {
    await app.clickButton('Records');
    await app.waitForHeading('Records over the years');
    await app.type('#transfer-search', `Zoë${Keys.enter}`);
    await waitFor(() => app.exists('.picker:has(#transfer-search) .matches button'), { what: 'pupils found' });
    await app.clickButton('Zoë Nguyễn');
    await app.type('#transfer-school', 'Northfield Academy');
    await app.type('#transfer-method', 'Secure transfer system');
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    await setValue(app, '#transfer-sent', localInput(tenDaysAgo));
    const pdf = join(out, 'transfer.pdf');
    await app.clickButton('Save the package and log the transfer…');
    await saveInDialog('Save the transfer package', pdf);
    await waitFor(() => app.exists('[data-testid=transfer-log]'), { what: 'the transfer log', timeout: 30000 });
    const text = pdfText(pdf);
    assert.match(text, /Child protection file transfer/);
    assert.match(text, /Zoë Nguyễn/);
    // Printed corrected, with the correction in her record's chronology.
    assert.ok(text.replace(/\s+/g, ' ').includes('Corrected: Name from "Zoe Nguyen" to "Zoë Nguyễn"'), 'the package shows the correction');
    assert.match(text, /Northfield Academy/);
    assert.ok(text.includes(refs.moving));
    assert.match(text, /Receipt: please sign and return/);
    for (const other of ['Aoife', 'Brennan', 'Siobhán', 'Whitfield', 'Oliver Grey']) {
      assert.ok(!text.includes(other), `${other} is not in the package`);
    }
    assert.match(await app.text('[data-testid=receipt-cell]'), /Overdue/);
    await app.screenshot('74-transfer-overdue');

    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    assert.match(await app.text('.records-reminder'), /no receipt after 5 school days/);
    await app.clickButton('Open Records');
    await app.waitForHeading('Records over the years');
    await app.clickButton('Record receipt…');
    await app.type('[id^=receipt-by-]', 'Mr Okafor, DSL');
    await app.clickButton('Record receipt');
    await waitFor(async () => /Received .* Mr Okafor, DSL/.test(await app.text('[data-testid=receipt-cell]')), { what: 'receipt' });
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    assert.equal(await app.exists('.records-reminder'), false);
  });

  it('exports everything held about one person, with others redacted', async () => {
    await app.clickButton('Records');
    await app.waitForHeading('Records over the years');
    await app.type('#sar-search', `Zoë${Keys.enter}`);
    const found = await waitFor(async () => {
      const names = await app.script(`return [...document.querySelectorAll('.picker:has(#sar-search) .matches button')].map((b) => b.textContent.trim());`);
      return names.length ? names : null;
    }, { what: 'people found' });
    assert.deepEqual(found, ['Zoë Nguyễn'], 'the search finds only her');
    await app.click('.picker:has(#sar-search) .matches button');
    const pdf = join(out, 'sar.pdf');
    await app.clickButton('Save the subject access export…');
    await saveInDialog('Save the subject access export', pdf);
    await waitFor(async () => /Saved to/.test(await app.text('#sar-heading ~ .card')), { what: 'saved', timeout: 30000 });
    const text = pdfText(pdf);
    assert.match(text, /Subject access: online-safety records/);
    assert.match(text, /Zoë Nguyễn/);
    assert.match(text, /Records sent to other schools/);
    assert.match(text, /Okafor/);
    for (const other of ['Aoife', 'Brennan', 'Whitfield']) {
      assert.ok(!text.includes(other), `${other} is not in the export`);
    }
    await app.screenshot('75-subject-access');
  });
});
