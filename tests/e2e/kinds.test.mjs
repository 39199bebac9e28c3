// Incidents of the kinds current guidance names, walked through the real app's screens: a
// sextortion disclosure, a pupil sharing terrorist material in a group chat with the other
// pupils identified, and a filtering failure with the technical fix recorded and listed in
// the governor report.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, answer, appBinary, createVault, doStep, nameChild, saveInDialog, setValue, sleep, waitFor, waitForNode, chooseIntake } from './webdriver.mjs';

/** A datetime-local value `days` before now, in this computer's time. */
function daysAgo(days) {
  const d = new Date(Date.now() - days * 86400000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function newIncident(app, { summary, type, people }) {
  await app.clickButton('Record an incident');
  await app.waitForHeading('Record an incident');
  await app.type('#reported-by-name', "Mrs Siobhán O'Neill");
  await app.type('#reported-by-role', 'Head of year');
  await app.type('#summary', summary);
  await setValue(app, '#risk-area', 'contact');
  await chooseIntake(app, type);
  for (const p of people) {
    await setValue(app, '#person-role', p.role);
    await app.type('#person-name', p.name);
    await setValue(app, '#person-kind', p.kind ?? 'pupil');
    if ((p.kind ?? 'pupil') === 'pupil') {
      await setValue(app, '#person-year', String(p.year));
      await setValue(app, '#person-dob', p.dob);
    }
    await app.clickButton('Add as a new person');
  }
}

const stepText = (app) => app.text('[data-testid=current-step]');
const requiredItems = (app) =>
  app.script(
    `return [...document.querySelectorAll('[data-testid=current-step] li.item')].filter((li) => li.querySelector('.badge')).map((li) => li.dataset.item);`,
  );

describe('incidents by kind, as current guidance asks', { concurrency: false }, () => {
  let vault;
  let out;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-kinds-'));
    out = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-kinds-out-'));
    app = await App.start(vault);
    await createVault(app, { school: 'Oakfield Academy', user: 'Jo Bloggs', pass: 'lantern mauve copper harbour' });
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('a sextortion disclosure goes straight to the illegal route with its own steps', async () => {
    await newIncident(app, {
      summary: 'Aoife told her tutor someone she met online has a nude image of her and wants £300 or he will send it to her friends.',
      type: 'sextortion',
      people: [
        { name: 'Aoife Byrne', role: 'victim', year: 10, dob: '2011-04-02' },
        { name: 'Unknown account holder', role: 'alleged', kind: 'adultOutside' },
      ],
    });
    // The form says what the type means before it is recorded.
    const hint = await app.text('#activity-type-guidance');
    assert.match(hint, /Illegal in itself/);
    assert.match(hint, /do not pay/i);
    await app.screenshot('110-new-sextortion');
    await app.clickButton('Record incident');
    await waitFor(async () => (await app.text('h1')).startsWith('OS-'), { what: 'the incident' });
    const guidance = await app.text('[data-testid=type-guidance]');
    for (const words of [/do not pay/i, /do not delete/i, /Report Remove/, /self-harm/]) assert.match(guidance, words);
    await doStep(app, 'intake-immediate', {
      'immediate-actions': { what: 'Aoife is with the pastoral lead and safe', by: 'Jo Bloggs' },
      'emergency-call': { done: false, reason: 'No immediate danger' },
    });
    // No nudes question, no illegal decision: the type is illegal in itself.
    await waitForNode(app, 'illegal-evidence');
    assert.match(await app.text('[data-testid=route]'), /illegal in itself/);
    await app.screenshot('111-sextortion-evidence');
    // No item starts as done: choosing "Done" opens its details.
    assert.equal(await app.script(`return document.querySelectorAll('[data-testid=current-step] input[type=radio]:checked').length;`), 0);
    await app.click('input[name="done-device-confiscated"][value=yes]');
    await setValue(app, '#f-device-confiscated-item', 'new');
    await waitFor(() => app.exists('[data-testid=item-evidence]'), { what: 'the new item form' });
    await app.script(`document.querySelector('[data-testid=item-evidence]').scrollIntoView();`);
    await sleep(300);
    await app.screenshot('111b-evidence-item-form');
    // The item's kind is chosen, not assumed: saved without it, the step is refused beside it.
    await app.click('[data-testid=save-step]');
    assert.match(await waitFor(() => app.text('#ev-device-confiscated-kind-refused')), /Choose what kind of evidence item it is/);
    assert.equal(await app.script(`return document.activeElement?.id;`), 'ev-device-confiscated-kind');
    await doStep(app, 'illegal-evidence', {
      'not-viewed': {},
      'device-confiscated': {
        item: 'new',
        '#ev-device-confiscated-kind': 'device',
        '#ev-device-confiscated-description': 'Aoife’s phone, handed over switched on, not looked at',
        '#ev-device-confiscated-make': 'Samsung Galaxy A15',
        '#ev-device-confiscated-owner': 'Aoife Byrne',
        '#ev-device-confiscated-by': 'Jo Bloggs',
        '#ev-device-confiscated-stored': 'DSL office safe, sealed bag 0107',
      },
    });
    // The device went into the register once, from the checklist.
    await waitFor(async () => (await app.findAll('[data-testid=evidence-item]')).length === 1, { what: 'E1 in the register' });
    assert.match(await app.text('[data-testid=chronology]'), /E1 in the evidence register/);
    await waitForNode(app, 'illegal-police');
    const police = await requiredItems(app);
    assert.ok(police.includes('ceop'), `CEOP is required for sextortion: ${police}`);
    assert.ok(!(await stepText(app)).includes('URL reported to the IWF'), 'Report Remove replaces the IWF item');
    await doStep(app, 'illegal-police', {
      'police-report': { force: 'Thames Valley Police', officer: 'PC 2231 Patel', when: daysAgo(1), crimeRef: 'CR/4410/26' },
    }).then(
      () => assert.fail('completing without CEOP should be refused'),
      () => {},
    );
    assert.match(await app.text('.content [role=alert]'), /Reported to CEOP/);
    await doStep(app, 'illegal-police', { ceop: { when: daysAgo(1), reference: 'CEOP-20931' } });
    await waitForNode(app, 'child-referral');
    const child = await requiredItems(app);
    for (const id of ['sextortion-advice', 'immediate-safety', 'report-remove', 'social-care', 'parents']) {
      assert.ok(child.includes(id), `${id} is required: ${child}`);
    }
    await app.screenshot('112-sextortion-child');
    await doStep(app, 'child-referral', {
      'sextortion-advice': { by: 'Jo Bloggs' },
      'immediate-safety': { what: 'Spoke with Aoife about how she feels; no thoughts of self-harm; her mum is collecting her' },
      'report-remove': { when: daysAgo(1), reference: 'RR-55102' },
      'social-care': { when: daysAgo(1), contact: 'MASH duty worker', reference: 'MASH-8812' },
      parents: { when: daysAgo(1), by: 'Jo Bloggs' },
    });
    // The adult outside school is no allegation about staff, and no child harmed anyone.
    await doStep(app, 'illegal-irm', { irm: { when: daysAgo(0.5), attendees: 'DSL, head, police', decisions: 'Support plan agreed' } });
    await waitForNode(app, 'illegal-await-police');
    assert.equal(await app.text('[data-testid=incident-status]'), 'Awaiting police');
    const chronology = await app.text('[data-testid=chronology]');
    for (const expected of ['CEOP-20931', 'RR-55102', 'do not delete the messages']) {
      assert.ok(chronology.includes(expected), `chronology lacks ${expected}`);
    }
    const pdf = join(out, 'sextortion.pdf');
    await app.clickButton('Save PDF…');
    await saveInDialog('Save the incident report', pdf);
    await waitFor(async () => (await app.text('[data-testid=export-saved]')).includes(pdf), { what: 'the report saved' });
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).split(/\s+/).join(' ');
    assert.match(text, /Financially motivated sexual extortion \(sextortion\)/);
    assert.match(text, /CEOP-20931/);
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(process.cwd(), 'tests/e2e/artifacts/113-sextortion-pdf')]);
  });

  it('a pupil shares terrorist material in a group chat, and the others who saw it are named', async () => {
    await app.clickButton('← All incidents');
    await app.waitForHeading('Incidents');
    await newIncident(app, {
      summary: 'Monitoring flagged a propaganda video posted by Callum in the Year 10 group chat.',
      type: 'terrorist-material',
      people: [{ name: 'Callum Reid', role: 'instigator', year: 10, dob: '2011-01-20' }],
    });
    await app.clickButton('Record incident');
    await waitFor(async () => (await app.text('h1')).startsWith('OS-'), { what: 'the incident' });
    assert.match(await app.text('[data-testid=type-guidance]'), /Terrorism Act 2006/);
    await doStep(app, 'intake-immediate', { 'immediate-actions': { what: 'Callum’s access to the group chat suspended', by: 'Jo Bloggs' } });
    await waitForNode(app, 'illegal-evidence');
    await doStep(app, 'illegal-evidence', {
      'not-viewed': {},
      'device-confiscated': { done: false, reason: 'The video is on the chat platform; no school device involved' },
    });
    await waitForNode(app, 'illegal-police');
    const police = await requiredItems(app);
    assert.ok(police.includes('ctp-report'), `counter-terrorism online reporting is required: ${police}`);
    await doStep(app, 'illegal-police', {
      'police-report': { force: 'West Midlands Police', officer: 'PC 884 Rowe', when: daysAgo(1), crimeRef: 'CR/7713/26' },
      'ctp-report': { url: 'https://video.example/watch?v=abc123', when: daysAgo(1), reference: 'CTP-55012' },
    });
    // No victim: the pupil who shared it comes next, with Prevent required.
    await waitForNode(app, 'harmer-safeguarding');
    assert.match(await app.text('[data-testid=current-step] .step-section'), /Callum Reid/i);
    const harmer = await requiredItems(app);
    for (const id of ['own-safeguarding', 'prevent', 'parents', 'others']) assert.ok(harmer.includes(id), `${id}: ${harmer}`);
    await nameChild(app, 'others', { name: 'Maya Kowalczyk', role: 'witness', year: 10, dob: '2011-05-14' });
    await nameChild(app, 'others', { name: 'Ibrahim Ali', role: 'witness', year: 10, dob: '2011-09-30' });
    await app.script(`document.querySelector('[data-testid=item-people]').scrollIntoView();`);
    await sleep(300);
    await app.screenshot('114a-terrorism-children-named');
    await doStep(app, 'harmer-safeguarding', {
      'own-safeguarding': { decision: 'Early help considered with his head of year; referred to children’s social care for assessment' },
      prevent: { when: daysAgo(1), consulted: 'Local authority Prevent lead', reference: 'PRV-3310' },
      parents: { when: daysAgo(1), by: 'Jo Bloggs' },
      others: {
        finding: 'Two pupils in the chat opened the video; both told a teacher',
      },
    }).catch(async (e) => {
      await app.screenshot('114-terrorism-harmer-failed');
      throw e;
    });
    // Each child named joined the incident with their role, and gets their own step.
    const people = await app.text('[data-testid=people]');
    for (const name of ['Maya Kowalczyk', 'Ibrahim Ali']) assert.ok(people.includes(name), `${name} is in the incident`);
    assert.match(await app.text('[data-testid=chronology]'), /Maya Kowalczyk \(Witness\), Ibrahim Ali \(Witness\)/);
    await waitForNode(app, 'il-witness-support');
    assert.match(await app.text('[data-testid=current-step] .step-section'), /Maya Kowalczyk/i);
    await app.script(`document.querySelector('[data-testid=current-step]').scrollIntoView();`);
    await sleep(300);
    await app.screenshot('114-terrorism-witness');
    await doStep(app, 'il-witness-support', { support: { detail: 'Talked it through with the school counsellor' } });
    await waitForNode(app, 'il-witness-support');
    assert.match(await app.text('[data-testid=current-step] .step-section'), /Ibrahim Ali/i);
    await doStep(app, 'il-witness-support', { support: { detail: 'Check-in with his tutor' } });
    await waitForNode(app, 'illegal-irm');
  });

  it('a filtering failure records the technical fix, which the governor report lists', async () => {
    await app.clickButton('← All incidents');
    await app.waitForHeading('Incidents');
    await newIncident(app, {
      summary: 'A Year 7 pupil searching for a science video was shown a violent clip: the filter let it through.',
      type: 'filtering-failure',
      people: [{ name: 'Eve Shaw', role: 'victim', year: 7, dob: '2014-02-10' }],
    });
    await app.clickButton('Record incident');
    await waitFor(async () => (await app.text('h1')).startsWith('OS-'), { what: 'the incident' });
    await doStep(app, 'intake-immediate', { 'immediate-actions': { what: 'Screen turned off; Eve reassured', by: 'Class teacher' } });
    await answer(app, 'nudes-check', 'no', 'A violent clip, no images of a child');
    await answer(app, 'illegal-decision', 'no', 'Harmful, not illegal');
    await doStep(app, 'unsuitable-record', { logged: {} });
    await doStep(app, 'unsuitable-investigate', { discussed: { findings: 'The clip came through an embedded player the filter did not categorise' } });
    await doStep(app, 'victim-support', { support: { by: 'Class teacher', detail: 'Talked it through with Eve' }, parents: { when: daysAgo(1), by: 'Jo Bloggs' } });
    await doStep(app, 'review-parents', { 'parents-updated': { detail: 'Eve’s parents told what was changed' } });
    await doStep(app, 'review-wellbeing', { wellbeing: { detail: 'Eve is fine' } });
    await waitForNode(app, 'review-learning');
    assert.ok((await requiredItems(app)).includes('filtering-change'), 'the change record is required');
    await app.screenshot('115-filtering-change');
    await doStep(app, 'review-learning', {
      'filtering-change': {
        what: 'Blocked the embedded video player domain for pupil accounts',
        by: 'Network manager',
        when: daysAgo(1),
        approvedBy: 'Senior leader for filtering and monitoring',
      },
      learning: { lessons: 'Embedded players are now checked at each filter update', governors: 'No' },
    });
    await waitForNode(app, 'review-complete');

    await app.clickButton('Governor report');
    await app.waitForHeading('Governor report');
    await waitFor(async () => (await app.text('[data-testid=filtering-changes]')).includes('embedded video player'), {
      what: 'the change on the draft',
    });
    const listed = await app.text('[data-testid=filtering-changes]');
    assert.match(listed, /Changed by Network manager; approved by Senior leader for filtering and monitoring/);
    await app.script(`document.querySelector('[data-testid=filtering-changes]').scrollIntoView();`);
    await sleep(300);
    await app.screenshot('116-governor-filtering');
    const pdf = join(out, 'governors.pdf');
    await app.clickButton('Save governor report PDF…');
    await saveInDialog('Save the governor report', pdf);
    await waitFor(() => app.exists('[data-testid=governor-saved]'), { what: 'the saved report', timeout: 30000 });
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).split(/\s+/).join(' ');
    assert.match(text, /Blocked the embedded video player domain for pupil accounts\. Changed by Network manager; approved by Senior leader for filtering and monitoring\./);
    for (const name of ['Eve Shaw', 'Callum Reid', 'Aoife Byrne', 'Maya Kowalczyk']) assert.ok(!text.includes(name), 'a name printed');
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(process.cwd(), 'tests/e2e/artifacts/117-governor-filtering-pdf')]);
  });
});
