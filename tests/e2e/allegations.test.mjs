// Allegations about adults through the real app's screens (KCSIE Part 4): a teacher, low-level
// concerns that make a pattern, and a concern about the headteacher.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, answer, appBinary, artifacts, createVault, doStep, saveInDialog, setValue, waitFor, waitForNode, chooseIntake } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
const YEAR = new Date().getUTCFullYear();
// Times the DSL types must not be in the future: a day that has passed this year.
const WHEN = `${YEAR}-01-12T10:30`;

/** Every option and choice the screen offers now (selects and radio labels). */
async function offered(app) {
  return app.script(
    `return [...document.querySelectorAll('.content select option, .content label.choice')].map((o) => o.textContent.trim());`,
  );
}

/** The items the next save fills in, per step: their details show once "Done" is chosen. */
const FILLED = {
  'na-chair': ['chair', 'restricted'],
  'na-lado': ['lado'],
  'na-suspension': ['suspension'],
  'na-agencies': ['hr'],
  'victim-support': ['support', 'parents'],
  'ao-not-proven': ['references', 'course'],
};

/** Chooses "Done" on the items of `node` the next save fills in, so that their options show. */
async function openItems(app, node) {
  for (const item of FILLED[node] ?? []) await app.click(`input[name="done-${item}"][value=yes]`);
}

async function assertNoHeadOption(app, where, node = where) {
  await openItems(app, node);
  const options = await offered(app);
  const head = options.filter((o) => /headteacher/i.test(o));
  assert.deepEqual(head, [], `${where} offers the head: ${head.join(' | ')}`);
}

async function newIncident(app, { summary, people }) {
  await app.clickButton('Record an incident');
  await app.waitForHeading('Record an incident');
  await app.type('#reported-by-name', 'Ms Siobhán Kelly');
  await app.type('#reported-by-role', 'Teaching assistant');
  await app.type('#summary', summary);
  await setValue(app, '#risk-area', 'contact');
  await chooseIntake(app, 'other');
  for (const p of people) {
    await setValue(app, '#person-role', p.role);
    await app.type('#person-name', p.name);
    await setValue(app, '#person-kind', p.kind);
    if (p.kind === 'pupil') {
      await setValue(app, '#person-year', String(p.year));
      await setValue(app, '#person-dob', p.dob);
    } else {
      await app.type('#person-job', p.job);
      if (p.head) await app.click('#person-head');
    }
    await app.clickButton('Add as a new person');
  }
  await app.clickButton('Record incident');
}

/** Intake to the allegations step on the not-illegal side. */
async function toThreshold(app) {
  await doStep(app, 'intake-immediate', { 'immediate-actions': { what: 'The pupil is safe and with her tutor', by: 'Jo Bloggs' } });
  await answer(app, 'nudes-check', 'no', 'Messages only, no images');
  await answer(app, 'illegal-decision', 'no', 'Nothing illegal is suspected on what is known');
  await doStep(app, 'unsuitable-record', { logged: {} });
  await waitForNode(app, 'na-threshold');
}

/** The LADO consultation, suspension and agencies; `check` runs on each step before it is done. */
async function lado(app, check = async () => {}) {
  await waitForNode(app, 'na-lado');
  await check('na-lado');
  await doStep(app, 'na-lado', {
    lado: { when: WHEN, who: 'Jan Morris (LADO)', reference: 'LADO-2291', advice: 'Do not speak to the adult yet; strategy discussion on Monday' },
  });
  await waitForNode(app, 'na-suspension');
  await check('na-suspension');
  await doStep(app, 'na-suspension', {
    suspension: {
      decision: 'Not suspended',
      alternative: 'Supervision: no unsupervised contact with children',
      reason: 'The LADO advised supervision is enough while the facts are gathered',
    },
  });
  await waitForNode(app, 'na-agencies');
  await check('na-agencies');
  await doStep(app, 'na-agencies', { hr: { when: WHEN, detail: 'HR adviser told, as the LADO advised' } });
}

async function pupilSteps(app) {
  await doStep(app, 'unsuitable-investigate', { discussed: { findings: 'Only as far as the LADO agreed: the pupil was listened to' } });
  await doStep(app, 'victim-support', {
    support: { by: 'Class teacher', detail: 'Daily check-in with her tutor' },
    parents: { when: WHEN, by: 'Jo Bloggs' },
  });
}

async function reviewAndClose(app) {
  await doStep(app, 'review-parents', { 'parents-updated': { detail: 'Parents updated by phone' } });
  await doStep(app, 'review-wellbeing', { wellbeing: { detail: 'Pastoral check-ins' } });
  await doStep(app, 'review-learning', { learning: { lessons: 'Staff reminded of the code of conduct on messaging pupils', governors: 'No' } });
  await doStep(app, 'review-complete', {
    complete: { outcome: 'Allegation process complete', reason: 'All actions complete', reviewDate: `${YEAR + 1}-01-15` },
  });
  await waitForNode(app, 'closed');
  await app.type('#close-reason', 'The LADO process has ended');
  await app.clickButton('Close incident');
  await waitFor(async () => (await app.text('[data-testid=incident-status]')) === 'Closed', { what: 'closed' });
}

async function savePdf(app, dir, name) {
  const path = join(dir, name);
  await app.clickButton('Save PDF…');
  await saveInDialog('Save the incident report', path);
  await waitFor(async () => (await app.text('[data-testid=export-saved]')).includes(path), { what: 'saved path shown' });
  // Each page as an image beside the screenshots, to be looked at.
  execFileSync('pdftoppm', ['-png', '-r', '60', path, join(artifacts, name.replace(/\.pdf$/, ''))]);
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}

describe('allegations about adults, through the screens', { concurrency: false }, () => {
  let vault;
  let out;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-allegations-'));
    out = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-allegation-reports-'));
    mkdirSync(artifacts, { recursive: true });
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: PASS });
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('a teacher: threshold met, the LADO first, suspension not used, outcome unsubstantiated', async () => {
    await newIncident(app, {
      summary: 'Mai told her tutor that Mr Reed sent her messages on Instagram late at night.',
      people: [
        { role: 'victim', name: 'Mai Tran', kind: 'pupil', year: 10, dob: '2011-05-04' },
        { role: 'alleged', name: 'Mr Tom Reed', kind: 'staff', job: 'Teacher of English' },
      ],
    });
    await app.waitForHeading(`OS-${YEAR}-0001`);
    await toThreshold(app);
    // The threshold comes before anyone investigates, with the instruction and the due time.
    const step = await app.text('[data-testid=current-step]');
    assert.match(step, /Does this meet the harm threshold\?/);
    assert.match(step, /Do not investigate, do not interview the child or the adult/);
    assert.match(await app.text('[data-testid=due-note]'), /LADO consultation for Mr Tom Reed/);
    await app.screenshot('90-allegation-threshold');
    // The due time is on the list and at the top of every screen.
    await app.clickButton('Incidents');
    await waitFor(async () => (await app.exists('[data-testid=due-reminder]')), { what: 'the due reminder' });
    assert.match(await app.text('[data-testid=due-reminder]'), /LADO consultation due by .* \(OS-\d{4}-0001\)/);
    await waitFor(() => app.exists('[data-testid=due-badge]'), { what: 'the due time on the list' });
    assert.match(await app.text('[data-testid=due-badge]'), /Due: LADO consultation by/);
    await app.screenshot('90-home-due');
    await app.clickButton(`OS-${YEAR}-0001`);
    await waitForNode(app, 'na-threshold');
    await answer(app, 'na-threshold', 'yes', 'Messaging a pupil privately at night may show a risk of harm');
    await waitForNode(app, 'na-lado');
    await app.screenshot('91-allegation-lado');
    await lado(app);
    await pupilSteps(app);
    // The outcome waits for the LADO's process.
    await waitForNode(app, 'ao-outcome');
    assert.equal(await app.text('[data-testid=incident-status]'), 'Awaiting the LADO');
    await app.screenshot('92-awaiting-lado');
    await answer(app, 'ao-outcome', 'unsubstantiated', 'The LADO found insufficient evidence either way');
    await waitForNode(app, 'ao-not-proven');
    assert.match(await app.text('[data-testid=current-step]'), /not to be mentioned in employer references/);
    await doStep(app, 'ao-not-proven', { references: {}, course: { action: 'Advice and guidance', detail: 'Reminded of the code of conduct' } });
    await waitForNode(app, 'ao-review');
    // The retention that follows from the outcome.
    assert.match(await app.text('[data-testid=current-step]'), /normal pension age or 10 years from the allegation/);
    await doStep(app, 'ao-review', { learning: { lessons: 'Messaging rules restated to all staff' } });
    await reviewAndClose(app);
    const text = await savePdf(app, out, '98-allegation-teacher.pdf');
    for (const expected of [
      'Allegations about adults',
      'Allegation about Mr Tom Reed',
      'Yes: it is an allegation',
      'The headteacher, with the LADO',
      'LADO-2291',
      'Not suspended',
      'Unsubstantiated',
      'Do not mention it in employer references',
      'pension age',
    ]) {
      assert.ok(text.includes(expected), `the report lacks ${expected}`);
    }
    const signOff = text.slice(text.lastIndexOf('Sign-off'));
    assert.match(signOff, /Headteacher/);
  });

  it('three low-level concerns about one adult make a pattern, escalated to an allegation', async () => {
    await app.clickButton('Concerns');
    await app.waitForHeading('Low-level concerns');
    await app.screenshot('93-concerns-empty');
    // Three concerns over the last few months.
    const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const concerns = [
      [daysAgo(75), 'Over-familiar with Year 10 pupils in the changing area'],
      [daysAgo(40), 'Photographed pupils on his own phone at a fixture'],
      [daysAgo(9), 'Gave a pupil a lift home alone'],
    ];
    for (const [i, [day, what]] of concerns.entries()) {
      if (i === 0) {
        await app.type('#concern-name', 'Mr Dan Hill');
        await setValue(app, '#concern-kind', 'staff');
        await app.type('#concern-job', 'PE teacher');
      } else {
        await app.type('#concern-name', 'Dan Hi');
        await app.clickButton('Pick Mr Dan Hill (Staff member, PE teacher)');
      }
      await app.type('#concern-text', what);
      await setValue(app, '#concern-when', day);
      await app.type('#concern-raised', 'Mrs Eve Shah');
      await app.type('#concern-action', 'Spoken to by the DSL');
      await app.clickButton('Record the concern');
      await waitFor(async () => (await app.text('[data-testid=concern-pattern]')).includes(`${i + 1} concern`), {
        what: `concern ${i + 1} recorded`,
      });
      await app.clickButton('← All adults with concerns');
      await waitFor(async () => (await app.text('[data-testid=concern-register]')).includes('Mr Dan Hill'), { what: 'register' });
    }
    const register = await app.text('[data-testid=concern-register]');
    assert.match(register, /Mr Dan Hill/);
    const count = await app.script(`return document.querySelector('[data-testid=concern-register] tbody tr td:nth-child(2)').textContent.trim();`);
    assert.equal(count, '3');
    assert.match(register, /Pattern to review/);
    await app.screenshot('94-concerns-register');
    await app.clickButton('Mr Dan Hill');
    await waitFor(() => app.exists('[data-testid=concern-pattern]'), { what: 'the pattern' });
    assert.match(await app.text('[data-testid=concern-pattern]'), /3 concerns, from \d\d\/\d\d\/\d{4} to \d\d\/\d\d\/\d{4}/);
    assert.match(await app.text('[data-testid=concern-retention]'), /Kept while the adult works or volunteers here/);
    await app.script(`document.querySelectorAll('[data-testid=concern-list] input[type=checkbox]').forEach((b) => b.click());`);
    await app.screenshot('95-concerns-pattern');
    await app.clickButton('Escalate the chosen concerns to an allegation');
    await app.waitForHeading(`OS-${YEAR}-0002`);
    assert.match(await app.text('[data-testid=facts-summary]'), /Escalated from 3 low-level concerns/);
    assert.match(await app.text('[data-testid=people]'), /Mr Dan Hill/);
    await toThreshold(app);
    assert.match(await app.text('[data-testid=current-step]'), /Mr Dan Hill/i);
    // Back in the register, each concern names the allegation it went to.
    await app.clickButton('Concerns');
    await app.clickButton('Mr Dan Hill');
    await waitFor(async () => (await app.text('[data-testid=concern-list]')).includes(`Escalated: OS-${YEAR}-0002`), {
      what: 'escalated concerns linked',
    });
  });

  it('a concern about the headteacher: no head option anywhere, the chair as case manager', async () => {
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    await newIncident(app, {
      summary: 'A parent reported that the head shared a pupil\u2019s photograph in a private chat group.',
      people: [
        { role: 'victim', name: 'Ali Khan', kind: 'pupil', year: 7, dob: '2014-09-01' },
        { role: 'alleged', name: 'Dr Pat Morgan', kind: 'staff', job: 'Headteacher', head: true },
      ],
    });
    await app.waitForHeading(`OS-${YEAR}-0003`);
    assert.match(await app.text('[data-testid=head-alleged]'), /chair of governors is the case manager/);
    assert.match(await app.text('[data-testid=people]'), /Headteacher/);
    await toThreshold(app);
    await answer(app, 'na-threshold', 'unsure', 'Sharing a pupil\u2019s image privately may show unsuitability');
    await waitForNode(app, 'na-chair');
    const chair = await app.text('[data-testid=current-step]');
    assert.match(chair, /the chair of governors manages it/);
    assert.match(chair, /cannot yet restrict one record/);
    await assertNoHeadOption(app, 'the chair step', 'na-chair');
    await app.screenshot('96-head-chair');
    await doStep(app, 'na-chair', {
      chair: { name: 'Mrs Zoë Ellis', contact: 'chair@oakfield.example, 07700 900123', when: WHEN },
      restricted: { how: 'The head has no vault user; the chair and the LADO told' },
    });
    await lado(app, (node) => assertNoHeadOption(app, node));
    await waitForNode(app, 'unsuitable-investigate');
    await doStep(app, 'unsuitable-investigate', { discussed: { findings: 'As far as the LADO agreed' } });
    await waitForNode(app, 'victim-support');
    await assertNoHeadOption(app, 'the pupil\u2019s support', 'victim-support');
    await doStep(app, 'victim-support', {
      support: { by: 'Senior leader', detail: 'Check-ins with the deputy head' },
      parents: { when: WHEN, by: 'Jo Bloggs' },
    });
    await answer(app, 'ao-outcome', 'unfounded', 'The LADO found no basis for the allegation');
    await waitForNode(app, 'ao-not-proven');
    await assertNoHeadOption(app, 'the course of action', 'ao-not-proven');
    assert.ok((await offered(app)).includes('Refer to the chair of governors'), 'the chair is offered');
    await app.screenshot('97-head-course');
    await doStep(app, 'ao-not-proven', { references: {}, course: { action: 'No further action' } });
    await doStep(app, 'ao-review', { learning: { lessons: 'Photograph consent rules restated' } });
    await reviewAndClose(app);
    const text = await savePdf(app, out, '99-allegation-head.pdf');
    assert.ok(text.includes('The chair of governors (the allegation is about the headteacher)'), 'the chair manages it');
    assert.ok(text.includes('Mrs Zoë Ellis'), 'the chair is named');
    const signOff = text.slice(text.lastIndexOf('Sign-off'));
    assert.match(signOff, /Chair of governors \(case manager\)/);
    assert.doesNotMatch(signOff, /Headteacher/);
    // Who has seen this record: the opening and the print, with who did them.
    await waitFor(async () => (await app.text('[data-testid=record-access]')).includes('Saved its report as a PDF'), {
      what: 'the print in the access log',
    });
    assert.match(await app.text('[data-testid=record-access]'), /Jo Bloggs/);
    await app.script(`document.querySelector('[data-testid=record-access]').scrollIntoView({ block: 'center' });`);
    await app.screenshot('88-record-access');
    await app.clickButton('Settings');
    await waitFor(() => app.exists('[data-testid=access-log]'), { what: 'the whole access log' });
    const log = await app.text('[data-testid=access-log]');
    assert.match(log, new RegExp(`Saved its report as a PDF\\s*OS-${YEAR}-0003`));
    assert.match(log, new RegExp(`Opened\\s*OS-${YEAR}-0001`));
    await app.script(`document.querySelector('[data-testid=access-log]').scrollIntoView({ block: 'center' });`);
    await app.screenshot('89-access-log');
  });
});
