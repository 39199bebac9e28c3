// Two incidents walked end to end through the real app's screens, then found again by search.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Keys, answer, appBinary, artifacts, axeViolations, createVault, screenChecks, doStep, saveInDialog, setValue, waitFor, waitForNode, chooseIntake } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
const YEAR = new Date().getUTCFullYear();

/** What has keyboard focus: where it is in the page (to check the order) and what it is. */
const focused = (app) =>
  app.script(
    `const a = document.activeElement;
     if (!a || a === document.body) return null;
     const all = [...document.querySelectorAll('*')];
     return { at: all.indexOf(a), id: a.id, tag: a.tagName, testid: a.dataset.testid ?? null, text: (a.textContent ?? '').trim().slice(0, 40) };`,
  );

/** Presses Tab until `wanted` holds for the focused element, recording each stop. */
async function tabTo(app, stops, wanted, what) {
  for (let i = 0; i < 25; i++) {
    await app.press(Keys.tab);
    const f = await focused(app);
    assert.ok(f, `focus fell to the page on the way to ${what}: ${JSON.stringify(stops)}`);
    stops.push(f);
    if (wanted(f)) return f;
  }
  throw new Error(`Tab never reached ${what}: ${JSON.stringify(stops)}`);
}

/** Walks the first review step with the keyboard alone: Tab to the item, Space for "Done", type
 *  its detail, Tab to "Save this step", Enter. Focus goes forward through the form and never to
 *  the page, and lands on the next step's heading. */
async function parentsUpdatedByKeyboard(app) {
  await waitForNode(app, 'review-parents');
  await waitFor(async () => (await focused(app))?.tag === 'H2', { what: 'focus on the step heading' });
  const stops = [await focused(app)];
  await tabTo(app, stops, (f) => f.id === 'done-parents-updated', 'the item\'s Done');
  await app.press(' ');
  assert.equal(await app.script(`return document.querySelector('#done-parents-updated').checked;`), true, 'Space chose Done');
  await tabTo(app, stops, (f) => f.id === 'f-parents-updated-detail', 'the detail field');
  await app.press('Both families updated by phone');
  await app.screenshot('29e-step-by-keyboard');
  await tabTo(app, stops, (f) => f.testid === 'save-step', 'Save this step');
  for (let i = 1; i < stops.length; i++) assert.ok(stops[i].at > stops[i - 1].at, `Tab went back: ${JSON.stringify(stops.slice(i - 1, i + 1))}`);
  await app.press(Keys.enter);
  await waitForNode(app, 'review-wellbeing');
  await waitFor(async () => (await focused(app))?.tag === 'H2', { what: 'focus on the next step heading' });
  return stops.length;
}

async function reviewAndClose(app, reason, { keyboard = false } = {}) {
  if (keyboard) await parentsUpdatedByKeyboard(app);
  else await doStep(app, 'review-parents', { 'parents-updated': { detail: 'Both families updated by phone' } });
  await doStep(app, 'review-wellbeing', { wellbeing: { detail: 'Pastoral check-ins weekly' } });
  await doStep(app, 'review-learning', { learning: { lessons: 'Remind pupils how to report', governors: 'Yes' } });
  await doStep(app, 'review-complete', {
    complete: { outcome: 'Handled in line with policy', reason: 'All actions complete', reviewDate: `${YEAR + 1}-01-15` },
  });
  await waitForNode(app, 'closed');
  await app.type('#close-reason', reason);
  await app.clickButton('Close incident');
  await waitFor(async () => (await app.text('[data-testid=incident-status]')) === 'Closed', { what: 'closed' });
}

async function addPupil(app, name, role, year, dob) {
  await setValue(app, '#person-role', role);
  await app.type('#person-name', name);
  await setValue(app, '#person-kind', 'pupil');
  await setValue(app, '#person-year', String(year));
  await setValue(app, '#person-dob', dob);
  await app.clickButton('Add as a new person');
}

/** The words of a PDF's text, page headers and footers left out (a longer or shorter name can
 *  move a page break), trailing punctuation set aside. */
function words(text) {
  return text
    .split('\n')
    .filter((l) => !/^(DEMO\s+·\s+)?OFFICIAL-SENSITIVE\s+·/.test(l.trim()) && !/^Page \d+ of \d+\s+·/.test(l.trim()))
    .join(' ')
    .split(/\s+/)
    .map((w) => w.replace(/[.,;:()]+$/, '').replace(/^\(/, ''))
    .filter(Boolean);
}

/** The words only in `a` and those only in `b`, by their longest common subsequence. */
function wordDiff(a, b) {
  const x = words(a);
  const y = words(b);
  const n = x.length;
  const m = y.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = x[i] === y[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const removed = [];
  const added = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) {
      removed.push(x[i++]);
    } else {
      added.push(y[j++]);
    }
  }
  removed.push(...x.slice(i));
  added.push(...y.slice(j));
  // A table's header row repeats after a page break, and the breaks fall a little apart: a
  // word taken out in one place and put back in another has moved, not changed.
  for (let k = removed.length - 1; k >= 0; k--) {
    const at = added.indexOf(removed[k]);
    if (at >= 0 && !/^(Pupil|A)$/.test(removed[k])) {
      added.splice(at, 1);
      removed.splice(k, 1);
    }
  }
  return { removed, added };
}

describe('incidents walked through the guided flow', { concurrency: false }, () => {
  /** What axe-core found on the screens before the vault was open. */
  const early = {};
  let vault;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-incidents-'));
    app = await App.start(vault);
    // axe-core over the screens creating the vault passes through, checked with the rest below.
    screenChecks.run = async (name) => {
      const v = await axeViolations(app);
      if (v.length) early[name] = v;
    };
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: PASS });
    screenChecks.run = null;
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
  });

  it('illegal: a Year 9 pupil receives an indecent image from an adult on a social app', async () => {
    await app.clickButton('Record an incident');
    await app.waitForHeading('Record an incident');
    await app.type('#reported-by-name', "Mrs Siobhán O'Neill");
    await app.type('#reported-by-role', 'Form tutor');
    await setValue(app, '#location', 'outsideSchool');
    await app.type('#platform', 'Snapchat');
    await app.type('#summary', 'Zoë told her tutor an adult sent her an indecent image on Snapchat. <script>alert(1)</script>');
    await app.type('#childs-words', 'He said he was 15 and then he sent me a picture.');
    await setValue(app, '#risk-area', 'contact');
    await chooseIntake(app, 'nudes-sharing');
    await addPupil(app, 'Zoë Nguyễn', 'victim', 9, '2012-03-04');
    await setValue(app, '#person-role', 'alleged');
    await app.type('#person-name', 'Unknown adult (Snapchat user)');
    await setValue(app, '#person-kind', 'adultOutside');
    await app.clickButton('Add as a new person');
    assert.equal(await app.script(`return document.querySelectorAll('[data-testid=people-added] li').length;`), 2);
    await app.screenshot('20-new-incident');
    await app.clickButton('Record incident');
    await app.waitForHeading(`OS-${YEAR}-0001`);
    assert.equal(await app.title(), 'DSL Desk');
    // Script in a text field is shown as text, never run.
    assert.match(await app.text('[data-testid=facts-summary]'), /<script>alert\(1\)<\/script>/);

    await doStep(app, 'intake-immediate', {
      'immediate-actions': { what: 'Phone taken from Zoë and locked in the DSL office, switched on', by: 'Jo Bloggs' },
      'emergency-call': { done: false, reason: 'No immediate danger: Zoë is safe in school' },
    });
    await answer(app, 'nudes-check', 'yes', 'An indecent image was sent to a child');
    await waitForNode(app, 'ukcis');
    for (const q of ['adult', 'coercion', 'unusual', 'under13', 'immediate-risk']) {
      await app.click(`input[name="sq-${q}"][value="${q === 'adult' ? 'yes' : 'no'}"]`);
    }
    await app.type('#screening-reason', 'The sender is an adult');
    await app.screenshot('21-ukcis');
    await app.clickButton('Record answers');
    await waitForNode(app, 'illegal-evidence');
    assert.match(await app.text('[data-testid=illegal-note]'), /Do not view, copy, print or forward/);
    await app.screenshot('22-illegal-evidence');
    await doStep(app, 'illegal-evidence', {
      'not-viewed': {},
      'device-confiscated': {
        item: 'new',
        '#ev-device-confiscated-kind': 'device',
        '#ev-device-confiscated-description': 'Zoë’s phone, switched on',
        '#ev-device-confiscated-make': 'Apple iPhone 13',
        '#ev-device-confiscated-owner': 'Zoë Nguyễn',
        '#ev-device-confiscated-by': 'Jo Bloggs',
        '#ev-device-confiscated-stored': 'Sealed bag 0042 in the DSL office safe',
      },
      'account-disabled': { done: false, reason: 'Not a school account' },
    });
    await doStep(app, 'illegal-police', {
      'police-report': { force: 'Metropolitan Police', officer: 'PC 1234 Ahmed', when: `${YEAR}-01-10T10:30`, crimeRef: 'CR/118/26' },
      ceop: { when: `${YEAR}-01-10T11:00`, reference: 'CEOP-7781' },
    });
    await waitForNode(app, 'child-referral');
    assert.match(await app.text('[data-testid=current-step] .step-section'), /Zoë Nguyễn/i);
    await doStep(app, 'child-referral', {
      'social-care': { when: `${YEAR}-01-10T12:00`, contact: 'MASH duty worker', reference: 'MASH-2231' },
      parents: { when: `${YEAR}-01-10T12:30`, by: 'Jo Bloggs' },
    });
    await doStep(app, 'illegal-irm', { irm: { when: `${YEAR}-01-11T09:00`, attendees: 'DSL, head, police', decisions: 'Support plan agreed' } });
    await waitForNode(app, 'illegal-await-police');
    assert.equal(await app.text('[data-testid=incident-status]'), 'Awaiting police');
    await app.type('#note-text', 'PC Ahmed: the phone is with the digital forensics unit.');
    await app.clickButton('Add note');
    await waitFor(async () => (await app.text('[data-testid=chronology]')).includes('digital forensics'), { what: 'note' });
    await app.screenshot('23-awaiting-police');
    await answer(app, 'illegal-await-police', 'confirmed', 'Police confirmed the image is illegal');
    await reviewAndClose(app, 'Police investigation continues; school actions complete');
    await app.screenshot('24-illegal-closed');
    const chronology = await app.text('[data-testid=chronology]');
    for (const expected of ['CR/118/26', 'MASH-2231', 'Not done: School network account disabled', 'Closed. Reason']) {
      assert.ok(chronology.includes(expected), `chronology lacks ${expected}`);
    }
  });

  it('not illegal: one pupil bullies another in a group chat, with a changed answer', async () => {
    await app.clickButton('← All incidents');
    await app.waitForHeading('Incidents');
    await app.clickButton('Record an incident');
    await app.waitForHeading('Record an incident');
    await app.type('#reported-by-name', 'Tom Brown');
    await app.type('#reported-by-role', 'Pupil (self-report)');
    await app.type('#platform', 'WhatsApp group chat');
    await app.type('#summary', 'Tom showed his form tutor messages from Łukasz mocking him in the Year 8 group chat.');
    await setValue(app, '#risk-area', 'conduct');
    // How it came to light and where are chosen, not assumed: recorded without them, the form
    // refuses beside the first, which takes focus, and keeps what was typed.
    await setValue(app, '#activity-type', 'bullying');
    await app.clickButton('Record incident');
    assert.match(await waitFor(() => app.text('#discovery-refused')), /Choose how it came to light/);
    assert.equal(await app.script(`return document.activeElement?.id;`), 'discovery');
    await app.screenshot('25a-intake-choose-refused');
    assert.equal(await app.script(`return document.querySelector('#summary').value;`).then((v) => v.startsWith('Tom showed')), true);
    await setValue(app, '#discovery', 'disclosure');
    await app.clickButton('Record incident');
    assert.match(await waitFor(() => app.text('#location-refused')), /Choose where it happened/);
    await chooseIntake(app, 'bullying');
    // A person's role is chosen too: adding one without it names them beside the role.
    await app.type('#person-name', 'Tom Brown');
    await app.clickButton('Add as a new person');
    assert.match(await waitFor(() => app.text('#person-role-refused')), /Choose Tom Brown's role in this incident/);
    assert.equal(await app.script(`return document.activeElement?.id;`), 'person-role');
    await app.screenshot('25b-person-role-refused');
    await app.script(`document.querySelector('#person-name').value = ''; document.querySelector('#person-name').dispatchEvent(new Event('input', { bubbles: true }));`);
    await addPupil(app, 'Tom Brown', 'victim', 8, '2013-06-01');
    await addPupil(app, 'Łukasz Kowalski', 'instigator', 8, '2013-02-11');
    await app.clickButton('Record incident');
    await app.waitForHeading(`OS-${YEAR}-0002`);

    await doStep(app, 'intake-immediate', { 'immediate-actions': { what: 'Spoke with Tom; he is safe', by: 'Jo Bloggs' } });
    await answer(app, 'nudes-check', 'no', 'Messages only, no images');
    await answer(app, 'illegal-decision', 'yes', 'First thought the threats might be criminal');
    await waitForNode(app, 'illegal-evidence');
    // Change the earlier answer: it is replaced, kept, and the other route is asked.
    await app.script(
      `[...document.querySelectorAll('[data-testid=route] li')].find((li) => li.textContent.includes('Was illegal material'))
        .querySelector('button').click();`,
    );
    await answer(app, 'illegal-decision', 'no', 'On reflection: unkind messages, no threats of violence');
    await waitForNode(app, 'unsuitable-record');
    assert.match(await app.text('[data-testid=chronology]'), /Replaced/);
    await app.screenshot('25-changed-answer');
    await doStep(app, 'unsuitable-record', { logged: {} });
    await doStep(app, 'unsuitable-investigate', { discussed: { findings: 'Łukasz admitted posting the messages' } });
    await doStep(app, 'victim-support', {
      support: { by: 'Class teacher', detail: 'Daily check-in with his tutor' },
      parents: { when: `${YEAR}-02-03T15:30`, by: 'Jo Bloggs' },
    });
    await doStep(app, 'instigator-review', {
      others: { finding: 'No other pupils posted' },
      'own-safeguarding': { decision: 'Talked with his head of year: no concerns at home; early help not needed' },
    });
    await app.screenshot('26-instigator-sanction');
    await doStep(app, 'instigator-sanction', {
      sanction: { category: 'Category B', sanction: 'Detention or further sanction', detail: 'After-school detention and apology' },
      parents: { when: `${YEAR}-02-03T16:00`, by: 'Jo Bloggs' },
    });
    await reviewAndClose(app, 'Bullying stopped; both families informed', { keyboard: true });
  });

  it('finds both incidents again by search and filters, and shows a person’s history', async () => {
    await app.clickButton('← All incidents');
    await app.waitForHeading('Incidents');
    const refs = async () =>
      app.script(`return [...document.querySelectorAll('[data-testid=incident-list] tbody tr td:first-child')].map((td) => td.textContent.trim());`);
    await waitFor(async () => (await refs()).length === 2, { what: 'two incidents listed' });
    await app.screenshot('27-incident-list');
    await app.type('#filter-text', 'nguyễn');
    await waitFor(async () => JSON.stringify(await refs()) === JSON.stringify([`OS-${YEAR}-0001`]), { what: 'search by name' });
    await app.type('#filter-text', 'group chat');
    await waitFor(async () => JSON.stringify(await refs()) === JSON.stringify([`OS-${YEAR}-0002`]), { what: 'search by text' });
    await app.type('#filter-text', 'CR/118/26');
    await waitFor(async () => JSON.stringify(await refs()) === JSON.stringify([`OS-${YEAR}-0001`]), { what: 'search by crime ref' });
    await app.type('#filter-text', '');
    await app.type('#filter-person', 'Zoë');
    await app.clickButton('Zoë Nguyễn (Year 9)');
    await waitFor(async () => JSON.stringify(await refs()) === JSON.stringify([`OS-${YEAR}-0001`]), { what: 'person filter' });
    await app.clickButton('Clear');
    await waitFor(async () => (await refs()).length === 2, { what: 'person filter cleared' });
    await setValue(app, '#filter-illegal', 'yes');
    await waitFor(async () => JSON.stringify(await refs()) === JSON.stringify([`OS-${YEAR}-0001`]), { what: 'illegal filter' });
    await setValue(app, '#filter-illegal', '');
    await waitFor(async () => (await refs()).length === 2, { what: 'illegal filter cleared' });
    await setValue(app, '#filter-status', 'closed');
    await waitFor(async () => (await refs()).length === 2, { what: 'closed filter' });
    await setValue(app, '#filter-status', 'open');
    await waitFor(async () => app.exists('.empty'), { what: 'no open incidents' });
    await setValue(app, '#filter-status', '');
    await waitFor(async () => (await refs()).length === 2, { what: 'all again' });
    await app.clickButton(`OS-${YEAR}-0002`);
    await app.waitForHeading(`OS-${YEAR}-0002`);
    await app.clickButton('Łukasz Kowalski');
    await app.waitForHeading('Łukasz Kowalski');
    assert.match(await app.text('table.list'), /Instigator/);
    await app.screenshot('28-person-history');
  });

  it('exports the incident report, full and redacted, to a chosen path', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-reports-'));
    try {
      await app.clickButton('← All incidents');
      await app.waitForHeading('Incidents');
      await app.clickButton(`OS-${YEAR}-0002`);
      await app.waitForHeading(`OS-${YEAR}-0002`);
      const full = join(out, 'full-report.pdf');
      await app.clickButton('Save PDF…');
      await saveInDialog('Save the incident report', full);
      await waitFor(async () => (await app.text('[data-testid=export-saved]')).includes(full), { what: 'saved path shown' });
      await app.screenshot('29-export');
      const text = execFileSync('pdftotext', [full, '-'], { encoding: 'utf8' });
      for (const expected of [`OS-${YEAR}-0002`, 'OFFICIAL-SENSITIVE', 'Łukasz Kowalski', 'Tom Brown', 'Chronology', 'Page 1 of']) {
        assert.ok(text.includes(expected), `full report lacks ${expected}`);
      }

      const redacted = join(out, 'redacted-report.pdf');
      await app.click('input[name=copy][value=redacted]');
      const tomId = await app.script(
        `return [...document.querySelectorAll('#keep-person option')].find((o) => o.textContent === 'Tom Brown').value;`,
      );
      await setValue(app, '#keep-person', tomId);
      await app.clickButton('Save PDF…');
      await saveInDialog('Save the incident report', redacted);
      await waitFor(async () => (await app.text('[data-testid=export-saved]')).includes(redacted), { what: 'redacted saved' });
      const rtext = execFileSync('pdftotext', [redacted, '-'], { encoding: 'utf8' });
      assert.ok(rtext.includes('Tom Brown') && rtext.includes('Redacted copy'));
      for (const gone of ['Łukasz', 'Kowalski']) {
        assert.ok(!rtext.includes(gone), `${gone} appears in the redacted copy`);
        assert.ok(!readFileSync(redacted).includes(Buffer.from(gone)), `${gone} is in the redacted file's bytes`);
      }

      // Word for word, the redacted copy is the full one with only the redacted words changed:
      // every difference is Łukasz's name or details going, his pseudonym, the redaction note
      // or the record's digest (which covers its content) coming in.
      // In drawing order (-raw), so that a table whose column is narrower or wider reads the same.
      const raw = (f) => execFileSync('pdftotext', ['-raw', f, '-'], { encoding: 'utf8' });
      const { removed, added } = wordDiff(raw(full), raw(redacted));
      const digest = /^[0-9a-f]{16,64}$/;
      const mayGo = new Set(['Łukasz', 'Kowalski', 'Year', '8', 'born', '11/02/2013']);
      const mayCome = new Set(
        ['Pupil', 'A', 'Redacted', 'copy', 'Only', 'Tom', 'Brown', 'is', 'named', 'everyone', 'else', 'appears', 'by', 'role', 'with', 'identifying', 'details', 'removed'],
      );
      for (const w of removed) assert.ok(mayGo.has(w) || digest.test(w), `"${w}" is missing from the redacted copy`);
      for (const w of added) assert.ok(mayCome.has(w) || digest.test(w), `"${w}" was added to the redacted copy`);
      assert.ok(removed.filter((w) => w === 'Łukasz').length >= 3, 'his name went from the text and the tables');
      assert.ok(added.includes('Pupil') && added.includes('A'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('records an action a week after it was done, with both times on screen and in the PDF', async () => {
    const pad = (n) => String(n).padStart(2, '0');
    const local = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    // As the app shows it: in UK time, day first.
    const uk = (d) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
    const daysAgo = (n) => new Date(Date.now() - n * 86_400_000);
    await app.clickButton('← All incidents');
    await app.clickButton('Record an incident');
    await app.waitForHeading('Record an incident');
    await app.type('#reported-by-name', 'Mr Tom Reid');
    await app.type('#reported-by-role', 'Form tutor');
    // Typed day first, as a UK reader writes it, whatever this machine's locale.
    const happened = daysAgo(10);
    happened.setHours(9, 15, 0, 0);
    const day = `${pad(happened.getDate())}/${pad(happened.getMonth() + 1)}/${happened.getFullYear()}`;
    await setValue(app, '#occurred-at', `${day} 09:15`);
    await setValue(app, '#reported-at', `${day} 11:00`);
    await app.type('#summary', 'Unkind messages in a year group chat, found ten days ago');
    await chooseIntake(app, 'bullying');
    await app.clickButton('Record incident');
    await app.waitForHeading(`OS-${YEAR}-0003`);
    assert.match(await app.text('.facts'), new RegExp(uk(happened).replace(/[/]/g, '\\/')));

    // A time in the future is refused beside the field, which takes focus; nothing is saved.
    await app.click('input[name="done-immediate-actions"][value=yes]');
    await setValue(app, '#f-immediate-actions-what', 'Spoke with both pupils');
    await setValue(app, '#f-immediate-actions-by', 'Jo Bloggs');
    await app.click('input[name="done-emergency-call"][value=no]');
    await app.type('#r-emergency-call', 'No one in danger');
    await setValue(app, '#step-done-at', local(new Date(Date.now() + 3 * 86_400_000)));
    await app.click('[data-testid=save-step]');
    await waitFor(async () => (await app.script(`return document.activeElement?.id;`)) === 'step-done-at', { what: 'focus on the time' });
    assert.match(await app.text('#step-done-at-refused'), /cannot be in the future/);
    assert.equal(await app.script(`return document.querySelectorAll('[data-testid=chronology] tbody tr').length;`), 1);

    const weekAgo = daysAgo(7);
    weekAgo.setHours(14, 30, 0, 0);
    await setValue(app, '#step-done-at', local(weekAgo));
    const before = await app.script(`return document.querySelectorAll('[data-testid=chronology] tbody tr').length;`);
    await app.click('[data-testid=save-step]');
    await waitFor(async () => (await app.script(`return document.querySelectorAll('[data-testid=chronology] tbody tr').length;`)) > before, { what: 'saved' });
    const chronology = await app.text('[data-testid=chronology]');
    assert.match(chronology, new RegExp(`${uk(weekAgo).replace(/[/]/g, '\\/')} \\(recorded `));
    assert.match(await app.text('[data-testid=route]'), /\(recorded /);
    await app.script(`document.querySelector('[data-testid=chronology]').scrollIntoView({ block: 'center' });`);
    await app.screenshot('29a-recorded-late');

    // The facts corrected with a reason: the earlier summary stays in the chronology.
    await app.clickButton('Correct the facts');
    await waitFor(() => app.exists('[data-testid=correct-facts]'), { what: 'the facts form' });
    await setValue(app, '#fix-summary', 'Unkind messages in a Year 8 group chat, found ten days ago');
    await app.clickButton('Save the corrected facts');
    await waitFor(async () => (await app.script(`return document.activeElement?.id;`)) === 'fix-facts-reason', { what: 'the reason asked for' });
    await app.type('#fix-facts-reason', 'The tutor said Year 8, not the whole year group');
    await app.clickButton('Save the corrected facts');
    await waitFor(async () => !(await app.exists('[data-testid=correct-facts]')), { what: 'the facts corrected' });
    assert.match(await app.text('[data-testid=facts-summary]'), /Year 8 group chat/);
    assert.match(
      await app.text('[data-testid=chronology]'),
      /Corrected: Summary from "Unkind messages in a year group chat, found ten days ago" to "Unkind messages in a Year 8 group chat/,
    );

    const pdf = join(vault, 'late.pdf');
    await app.clickButton('Save PDF…');
    await saveInDialog('Save the incident report', pdf);
    await waitFor(async () => existsSync(pdf), { what: 'the report saved' });
    const text = execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' });
    const ukPdf = `${uk(weekAgo).replace(', ', ' ')} (recorded`;
    // A narrow column may wrap the two times over lines.
    assert.ok(text.replace(/\s+/g, ' ').includes(ukPdf), 'the PDF gives when it was done and when it was recorded');
    assert.ok(text.replace(/\s+/g, ' ').includes('Corrected: Summary from "Unkind messages in a year group chat'), 'the PDF shows the correction');
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(artifacts, '29a-recorded-late-pdf')]);
  });

  it('a follow-up due tomorrow shows on Home without names, then overdue, then done', async () => {
    const pad = (n) => String(n).padStart(2, '0');
    const tomorrow = new Date(Date.now() + 86_400_000);
    await setValue(app, '#fu-what', 'Ask the LADO for the outcome of the Tom Reid referral');
    const me = await app.script(`return [...document.querySelectorAll('#fu-owner option')].find((o) => o.textContent.endsWith('(you)')).value;`);
    await setValue(app, '#fu-owner', me);
    await setValue(app, '#fu-due', `${pad(tomorrow.getDate())}/${pad(tomorrow.getMonth() + 1)}/${tomorrow.getFullYear()}`);
    await setValue(app, '#fu-waiting', 'lado');
    await app.clickButton('Add follow-up');
    await waitFor(() => app.exists('[data-follow-up]'), { what: 'the follow-up listed' });
    assert.equal(await app.text('[data-testid=incident-status]'), 'Awaiting the LADO');
    await app.script(`document.querySelector('[data-testid=follow-ups]').scrollIntoView({ block: 'center' });`);
    await app.screenshot('29b-follow-up');
    // The reminder above the incident is there at once, before any tab is clicked.
    await waitFor(async () => (await app.exists('[data-testid=due-reminder]')) && (await app.text('[data-testid=due-reminder]')).includes('Follow-up due'), { what: 'the reminder, at once' });

    // Home: due tomorrow, with the record's reference and no name or words of the follow-up.
    await app.clickButton('Incidents');
    await waitFor(() => app.exists('[data-testid=due-reminder]'), { what: 'the due reminder' });
    const due = await app.text('[data-testid=due-reminder]');
    assert.match(due, new RegExp(`^Follow-up due by \\w{3}, \\d{1,2} \\w{3} \\(OS-${YEAR}-0003\\)`));
    for (const word of ['Tom', 'Reid', 'Jo Bloggs', 'LADO for the outcome']) assert.ok(!due.includes(word), `no "${word}" on the first line`);
    await app.screenshot('29c-follow-up-due');

    // Three days on (the page's clock set forward), it is overdue.
    await app.script(`const real = Date.now.bind(Date); Date.now = () => real() + 3 * 86_400_000;`);
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    await waitFor(() => app.exists('[data-testid=due-reminder]'), { what: 'the reminder after unlocking' });
    assert.match(await app.text('[data-testid=due-reminder]'), new RegExp(`^Overdue: one follow-up past its due time \\(OS-${YEAR}-0003\\)`));
    await app.screenshot('29d-follow-up-overdue');

    // Done, with what happened: no longer due, no longer waiting.
    await app.clickButton(`OS-${YEAR}-0003`);
    await app.waitForHeading(`OS-${YEAR}-0003`);
    assert.match(await app.text('[data-follow-up]'), /^Overdue/);
    await app.type('[id^=fu-note-]', 'The LADO replied: no further action');
    await app.click('[data-follow-up] button');
    await waitFor(async () => !(await app.exists('[data-follow-up]')), { what: 'the follow-up done' });
    // Its button went with it; focus stays in the follow-ups, not on the page.
    await waitFor(async () => (await focused(app)) !== null, { what: 'focus kept on the page' });
    assert.ok(await app.script(`return !!document.activeElement.closest('[data-testid=follow-ups]');`), 'focus in the follow-ups');
    assert.equal(await app.text('[data-testid=incident-status]'), 'Open');
    assert.match(await app.text('[data-testid=chronology]'), /Done: Ask the LADO for the outcome of the Tom Reid referral\. Note: The LADO replied: no further action/);
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    await waitFor(async () => !(await app.exists('[data-testid=due-reminder]')), { what: 'nothing due now' });
  });

  it('every screen passes axe-core with no violations, under a top bar of one height', async () => {
    const found = { ...early };
    const heights = {};
    const check = async (name) => {
      const v = await axeViolations(app);
      if (v.length) found[name] = v;
      const h = await app.script(`return document.querySelector('.topbar')?.getBoundingClientRect().height ?? null;`);
      if (h !== null) heights[name] = h;
    };
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    // The check itself finds a fault put there on purpose.
    await app.script(`const i = document.createElement('img'); i.id = 'axe-probe'; document.querySelector('main').appendChild(i);`);
    assert.ok((await axeViolations(app)).some((v) => v.id === 'image-alt'), 'axe-core runs and finds an image without alt text');
    await app.script(`document.getElementById('axe-probe').remove();`);
    await check('incident list');
    await app.clickButton(`OS-${YEAR}-0003`);
    await app.waitForHeading(`OS-${YEAR}-0003`);
    await check('incident');
    await app.clickButton('Correct the facts');
    await check('correct the facts');
    await app.clickButton('Incidents');
    await app.clickButton('Record an incident');
    await app.waitForHeading('Record an incident');
    await check('record an incident');
    for (const [tab, heading] of [
      ['Concerns', null],
      ['Evidence held', null],
      ['Governor report', null],
      ['Records', 'Records over the years'],
      ['Settings', 'Settings'],
      ['About', null],
    ]) {
      await app.clickButton(tab);
      if (heading) await app.waitForHeading(heading);
      await new Promise((r) => setTimeout(r, 500));
      await check(tab);
    }
    await app.clickButton('Lock');
    await app.waitForHeading('Unlock');
    await check('unlock');
    await app.type('#unlock-passphrase', PASS);
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents');
    assert.deepEqual(found, {}, JSON.stringify(found, null, 1));
    assert.ok(Object.keys(heights).length >= 9, JSON.stringify(heights));
    assert.equal(new Set(Object.values(heights)).size, 1, `the top bar's height on each screen: ${JSON.stringify(heights)}`);
  });
});
