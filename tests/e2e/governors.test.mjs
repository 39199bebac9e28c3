// The demo vault and the termly governor report in the real app: a newcomer makes the DEMO
// vault, opens the dashboard for a past term, edits the term dates, writes the head's summary,
// chooses a lesson and saves the PDF through the system's save dialog.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, appBinary, saveInDialog, setValue, waitFor } from './webdriver.mjs';

/** The academic year that ended most recently (September starts a new one). */
function lastFullYear() {
  const now = new Date();
  const year = now.getUTCMonth() >= 8 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return year - 1;
}

describe('demo vault and governor report', { concurrency: false }, () => {
  let vault;
  let out;
  let app;
  const year = lastFullYear();
  const termLabel = `Summer term ${year}/${String((year + 1) % 100).padStart(2, '0')}`;

  before(async () => {
    assert.ok(existsSync(appBinary()), `the app binary must be built first: ${appBinary()}`);
    vault = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-demo-'));
    out = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-governors-'));
    app = await App.start(vault, ['--demo']);
  });

  after(async () => {
    if (app) await app.quit().catch(() => {});
    rmSync(vault, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('makes a clearly marked demo vault of generated incidents', async () => {
    await app.waitForHeading('Try DSL Desk with demo data');
    await app.screenshot('50-demo-setup');
    await app.clickButton('Make the demo vault');
    await app.waitForHeading('Incidents', 120000);
    assert.match(await app.text('.demo-banner'), /DEMO vault: generated data/);
    // Nothing in a demo vault is a real record: it is not nagged for a backup.
    assert.equal(await app.exists('.backup-reminder'), false);
    // One main landmark holds the screen.
    assert.equal(await app.script(`return document.querySelectorAll('main').length;`), 1);
    await waitFor(async () => (await app.findAll('table tbody tr')).length > 50, { what: 'the demo incidents' });
    assert.equal(await app.title(), 'DSL Desk');
    await app.screenshot('51-demo-incidents');
  });

  it('shows the term dashboard and keeps term dates valid', async () => {
    await app.clickButton('Governor report');
    await app.waitForHeading('Governor report');
    await waitFor(() => app.exists('[data-testid=headlines]'), { what: 'the dashboard' });
    await setValue(app, '#term-choice', `${year}-summer`);
    await waitFor(async () => (await app.text('section p.muted')).includes(termLabel), { what: termLabel });
    const opened = Number(await app.text('[data-testid=headlines] div:nth-child(2) dd'));
    assert.ok(opened > 10, `a demo term has incidents: ${opened}`);
    const captions = await app.script(`return [...document.querySelectorAll('.chart figcaption')].map((f) => f.textContent);`);
    assert.deepEqual(captions.slice(0, 3), ['Risk area', 'Type of activity', 'Illegal or not']);
    assert.ok(captions.includes('Referrals by agency'));
    // Figures about adults have their own section, never for the term alone.
    const adults = await app.script(
      `const h = [...document.querySelectorAll('h2')].find((e) => e.textContent === 'Concerns and allegations about adults');
       const grid = h && h.nextElementSibling && h.nextElementSibling.nextElementSibling;
       return grid ? [...grid.querySelectorAll('figure')].map((f) => [f.querySelector('figcaption').textContent, f.querySelector('.window')?.textContent ?? '']) : null;`,
    );
    assert.ok(adults, 'the adults section');
    assert.deepEqual(adults.map((a) => a[0]), ['Who was involved', 'Allegations about adults', 'Actions taken about staff or volunteers']);
    for (const [title, window] of adults) assert.match(window, /Counted over the last three terms \(/, title);
    await app.screenshot('52-governor-dashboard');

    await app.clickButton('Term dates…');
    await app.waitForHeading('Governor report');
    await waitFor(() => app.exists('[aria-label="Spring term starts"]'), { what: 'the term dates form' });
    await app.type('[aria-label="Spring term starts"]', '');
    await setValue(app, '[aria-label="Spring term starts"]', `${year}-12-01`);
    await app.clickButton('Save term dates');
    await waitFor(async () => (await app.text('.term-dates [role=alert]')).includes('must start after the Autumn term ends'), {
      what: 'the refusal',
    });
    await app.screenshot('53-term-dates-refused');
    await setValue(app, '[aria-label="Spring term starts"]', `${year + 1}-01-01`);
    await app.clickButton('Save term dates');
    await waitFor(async () => (await app.text('.term-dates [role=status]')) === 'Term dates saved.', { what: 'saved' });
    await app.clickButton('Close');
    await waitFor(async () => !(await app.text('section p.muted')).includes('Updating'), { what: 'the figures reloaded' });
  });

  it('saves the governor report with the head’s words and a chosen lesson, and no names', async () => {
    const pdf = join(out, 'governor-report.pdf');
    // A name from a record, to write into a lesson.
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    await waitFor(async () => (await app.findAll('table tbody tr')).length > 50, { what: 'the list' });
    const someone = await app.script(
      `return [...document.querySelectorAll('table tbody tr')].map((r) => r.cells[3].textContent.split(', ')[0].trim()).find((n) => n.includes(' '));`,
    );
    assert.ok(someone, 'a named person');
    await app.clickButton('Governor report');
    await app.waitForHeading('Governor report');
    await waitFor(() => app.exists('[data-testid=headlines]'), { what: 'the dashboard' });
    await setValue(app, '#term-choice', `${year}-summer`);
    await waitFor(async () => (await app.text('section p.muted')).includes(termLabel), { what: termLabel });

    await app.type('#narrative', 'A steady term. Filtering was strengthened after two alerts.');
    await waitFor(() => app.exists('.candidates button'), { what: 'flagged lessons' });
    await app.click('.candidates button');
    await waitFor(() => app.exists('#lesson-0'), { what: 'the chosen lesson' });
    await app.type('#lesson-0', 'Monitoring alerts now go to the DSL and a deputy.');

    // A lesson naming someone in a record is refused, and what it holds is shown beside it.
    await app.clickButton('Write a lesson');
    await waitFor(() => app.exists('#lesson-1'), { what: 'a second lesson' });
    await app.type('#lesson-1', `Talk to ${someone}'s form about proxies.`);
    await app.clickButton('Save report text');
    const match = await waitFor(() => app.text('#lesson-1-found'), { what: 'the match shown' });
    assert.ok(match.includes(someone), 'the name it holds is shown to the DSL');
    assert.match(match, /a person in a record/);
    assert.equal(await app.script(`return document.activeElement.id;`), 'lesson-1', 'focus goes to the lesson');
    assert.equal(await app.script(`return document.getElementById('lesson-1').getAttribute('aria-invalid');`), 'true');
    assert.match(await app.text('.draft [role=alert]'), /Lesson 2 names someone or holds a reference/);
    await app.screenshot('54a-lesson-names-someone');
    await app.clickButton('Remove lesson 2');
    await setValue(app, '#filtering-review', `${year + 1}-06-15`);
    await app.screenshot('54-governor-draft');
    await app.clickButton('Save governor report PDF…');
    await saveInDialog('Save the governor report', pdf);
    await waitFor(() => app.exists('[data-testid=governor-saved]'), { what: 'the saved report', timeout: 30000 });
    assert.ok(existsSync(pdf));
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    const flat = text.split(/\s+/).join(' ');
    assert.match(flat, /Online safety: termly report to governors/);
    assert.match(flat, new RegExp(termLabel));
    assert.match(flat, /DEMO/);
    assert.match(flat, /A steady term\. Filtering was strengthened after two alerts\./);
    assert.match(flat, /Monitoring alerts now go to the DSL and a deputy\./);
    assert.match(flat, /15\/06\/\d{4}/);
    assert.match(flat, /Page 1 of \d/);
    execFileSync('pdftoppm', ['-png', '-r', '50', pdf, join(process.cwd(), 'tests/e2e/artifacts/55-governor-pdf')]);

    // None of the vault's names or references appears: read them from the incident list.
    await app.clickButton('Incidents');
    await app.waitForHeading('Incidents');
    await waitFor(async () => (await app.findAll('table tbody tr')).length > 50, { what: 'the list' });
    const rows = await app.script(
      `return [...document.querySelectorAll('table tbody tr')].map((r) => [r.cells[0].textContent.trim(), r.cells[3].textContent.trim()]);`,
    );
    assert.ok(rows.length > 50);
    for (const [reference, people] of rows) {
      assert.ok(!flat.includes(reference), 'a reference printed');
      for (const name of people.split(', ').filter(Boolean)) assert.ok(!flat.includes(name), 'a name printed');
    }
  });
});
