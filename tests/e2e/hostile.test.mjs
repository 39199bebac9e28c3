// HTML and script typed into every text field show as text in the real app: nothing runs, no
// element is made from it, and the words appear exactly as typed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, appBinary, createVault, setValue, waitFor, chooseIntake } from './webdriver.mjs';

const PASS = 'lantern mauve copper harbour';
const YEAR = new Date().getUTCFullYear();
const REF = `OS-${YEAR}-0001`;
// Markup that would set window.__pwned if it ever ran, and make an <img>/<b> if it were parsed.
const P = (f) => `<b>${f}</b><img src=x onerror="window.__pwned='${f}'"><script>window.__pwned='${f}'</script>`;

/** Whether the page ran or parsed any payload, and whether each field shows literally. */
async function check(app, fields) {
  const result = await app.script(
    // textContent, so fields inside closed <details> count; they are text nodes either way.
    `const text = document.body.textContent;
     return {
       pwned: window.__pwned ?? null,
       imgs: document.querySelectorAll('img[src="x"]').length,
       bold: [...document.querySelectorAll('b')].map((b) => b.textContent),
       missing: arguments[0].filter((t) => !text.includes(t)),
     };`,
    [fields.map(P)],
  );
  assert.equal(result.pwned, null, 'no script ran');
  assert.equal(result.imgs, 0, 'no element was made from the markup');
  assert.deepEqual(result.bold.filter((b) => fields.includes(b)), [], 'no markup was parsed');
  assert.deepEqual(result.missing, [], 'every field shows as typed');
}

async function invoke(app, cmd, args) {
  const r = await app.script(
    `return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(() => 'ok', (e) => JSON.stringify(e));`,
    [cmd, args],
  );
  assert.equal(r, 'ok', `${cmd} was accepted`);
}

describe('html and script in every text field', { concurrency: false }, () => {
  let vault;
  let app;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-hostile-'));
    app = await App.start(vault);
    await createVault(app, { school: P('school'), user: P('user'), pass: PASS });
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
  });

  it('typed into the forms and sent through every command, they show as text on every screen', async () => {
    // Typed into the new-incident form, as a DSL would.
    await app.clickButton('Record an incident');
    await app.waitForHeading('Record an incident');
    await app.type('#reported-by-name', P('reporter'));
    await app.type('#reported-by-role', P('role'));
    await app.type('#platform', P('platform'));
    await app.type('#summary', P('summary'));
    await app.type('#childs-words', P('words'));
    await chooseIntake(app, 'bullying');
    await setValue(app, '#person-role', 'victim');
    await app.type('#person-name', P('pupil'));
    await setValue(app, '#person-kind', 'pupil');
    await setValue(app, '#person-year', '9');
    await setValue(app, '#person-dob', '2012-03-04');
    await app.clickButton('Add as a new person');
    await app.clickButton('Record incident');
    await app.waitForHeading(REF);
    const id = await app.script(`return window.__TAURI_INTERNALS__.invoke('list_incidents', { filter: {} }).then((l) => l[0].id);`);

    // The rest through the commands the forms call.
    const when = new Date(Date.now() - 60_000).toISOString();
    await invoke(app, 'record_entry', { id, input: { body: { type: 'note', text: P('note') } } });
    await invoke(app, 'add_person', {
      id,
      input: { role: 'witness', newPerson: { kind: 'staff', name: P('staff'), jobTitle: P('job') } },
    });
    await invoke(app, 'add_evidence', {
      incidentId: id,
      input: {
        kind: 'device', description: P('description'), makeModelSerial: P('make'), url: P('url'),
        platformUsername: P('username'), owner: P('owner'), foundWhereHow: P('found'),
        switchedOn: 'yes', locked: 'no', networkDisconnected: 'notKnown', securedBy: P('securedby'),
        securedAt: when, storedAt: P('stored'),
      },
    });
    await invoke(app, 'add_custody', {
      itemId: 1,
      input: {
        action: 'handedOver', at: when, from: P('from'), to: P('to'), location: P('location'),
        reason: P('reason'), reference: P('reference'), how: '', authorisedBy: '',
      },
    });
    await invoke(app, 'add_device_review', {
      incidentId: id,
      input: {
        reviewerOne: P('reviewerone'), reviewerTwo: P('reviewertwo'), machine: P('machine'),
        reviewed: P('reviewed'), reason: P('reviewreason'), conclusion: P('conclusion'),
        action: P('action'), reviewedAt: when,
      },
    });

    // The incident page, opened afresh from the list.
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    // The list names the people (the summary is on the incident's page).
    await waitFor(async () => (await app.script(`return document.body.innerText;`)).includes(REF), { what: 'the list' });
    await check(app, []);
    const listed = await app.script(`return document.querySelector('table').innerText;`);
    await app.screenshot('80-hostile-list');
    for (const f of ['pupil', 'staff']) assert.ok(listed.includes(P(f)), `the list shows ${f} as text`);
    await app.screenshot('80-hostile-list');
    await app.clickButton(REF);
    await app.waitForHeading(REF);
    await waitFor(async () => (await app.script(`return document.body.innerText;`)).includes(P('reviewerone')), {
      what: 'the incident with its evidence and reviews',
    });
    await check(app, [
      'school', 'user', 'reporter', 'role', 'platform', 'summary', 'words', 'pupil', 'staff', 'job', 'note',
      'description', 'make', 'url', 'username', 'owner', 'found', 'securedby',
      'to', 'location', 'reason', 'reference', 'reviewerone', 'reviewertwo', 'machine', 'reviewed',
      'reviewreason', 'conclusion', 'action',
    ]);
    await app.screenshot('81-hostile-incident');

    // Evidence held, and Settings with the school's name.
    await app.clickButton('Evidence held');
    await app.waitForHeading('Evidence held');
    await waitFor(async () => (await app.script(`return document.body.innerText;`)).includes(P('description')), {
      what: 'evidence held',
    });
    await check(app, ['description', 'location', 'to']);
    await app.clickButton('Settings');
    await waitFor(async () => (await app.value('#settings-school')) === P('school'), { what: 'settings' });
    const pwned = await app.script(`return window.__pwned ?? null;`);
    assert.equal(pwned, null, 'no script ran anywhere');
  });
});
