// A small W3C WebDriver client for driving the real DSL Desk app through tauri-driver.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const artifacts = join(here, 'artifacts');
const DRIVER = process.env.TAURI_DRIVER_URL ?? 'http://127.0.0.1:4444';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** The app binary under test: built with the UI embedded. A missing binary fails the run. */
export function appBinary() {
  const exe = process.platform === 'win32' ? 'dsl-desk.exe' : 'dsl-desk';
  return process.env.DSL_DESK_BIN ?? join(root, 'target', 'debug', exe);
}

async function call(method, path, body) {
  const res = await fetch(`${DRIVER}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    const err = new Error(`${method} ${path}: ${v.error ?? res.status} ${v.message ?? ''}`);
    err.code = v.error;
    throw err;
  }
  return json.value;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retries `fn` until it returns a truthy value or `timeout` ms pass. */
// How often a wait looks again (the launch benchmark looks more often, so that its figures are
// not rounded up to the next look).
const POLL_MS = Number(process.env.E2E_POLL_MS ?? 150);

export async function waitFor(fn, { timeout = 15000, interval = POLL_MS, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(interval);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

export const Keys = { ctrl: '\uE009', shift: '\uE008', enter: '\uE007', tab: '\uE004', release: '\uE000' };

let seenVaults;
/** This test process's own record of the vaults the app has opened (see `--seen-vaults`), so runs
 *  never read or write the user's own record, nor each other's. Removed when the process ends. */
function processSeenVaults() {
  if (!seenVaults) {
    seenVaults = mkdtempSync(join(tmpdir(), 'dsl-desk-e2e-seen-'));
    process.on('exit', () => rmSync(seenVaults, { recursive: true, force: true }));
  }
  return seenVaults;
}

export class App {
  /** Starts the app with its vault in `vaultDir` (and any further command-line flags; without
   *  `--seen-vaults`, this process's own record is used by the app); the launch benchmark passes its
   *  bare-window baseline as `application`. A `vaultDir` of null starts it as a user would, with
   *  no flags at all: the vault and every record in their default places. */
  static async start(vaultDir, extraArgs = [], application = appBinary()) {
    const own = vaultDir === null || application !== appBinary() || extraArgs.includes('--seen-vaults');
    const seen = own ? [] : ['--seen-vaults', processSeenVaults()];
    const vault = vaultDir === null ? [] : ['--vault', vaultDir];
    const value = await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'wry',
          'tauri:options': { application, args: [...vault, ...seen, ...extraArgs] },
        },
      },
    });
    const app = new App(value.sessionId);
    await waitFor(() => app.exists('h1'), { what: 'the first screen', timeout: 30000 });
    return app;
  }

  constructor(id) {
    this.id = id;
  }

  s(path) {
    return `/session/${this.id}${path}`;
  }

  async quit() {
    await call('DELETE', this.s(''));
  }

  async find(css) {
    const v = await call('POST', this.s('/element'), { using: 'css selector', value: css });
    return v[ELEMENT];
  }

  async findAll(css) {
    const v = await call('POST', this.s('/elements'), { using: 'css selector', value: css });
    return v.map((e) => e[ELEMENT]);
  }

  async exists(css) {
    return (await this.findAll(css)).length > 0;
  }

  async text(css) {
    return call('GET', this.s(`/element/${await this.find(css)}/text`));
  }

  async heading() {
    return this.text('h1');
  }

  /** Waits until the screen's main heading is `name`. */
  async waitForHeading(name, timeout = 15000) {
    return waitFor(async () => (await this.heading()) === name, { timeout, what: `heading "${name}"` });
  }

  async click(css) {
    const id = await this.find(css);
    await this.waitUntilStill({ [ELEMENT]: id });
    await call('POST', this.s(`/element/${id}/click`), {});
  }

  /** Clicks the first button whose text is `label`, waiting for it to appear. */
  async clickButton(label, timeout = 10000) {
    const find = () =>
      this.script(
        `return [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === arguments[0]) ?? null;`,
        [label],
      );
    const id = await waitFor(find, { what: `button "${label}"`, timeout, interval: 100 });
    await this.waitUntilStill(id);
    await call('POST', this.s(`/element/${id[ELEMENT]}/click`), {});
  }

  /** Waits until an element has stopped moving. A click is aimed at where the element is; when a
   *  late answer (a passphrase's strength, a list loading) moves it first, the click would land on
   *  whatever took its place. */
  async waitUntilStill(element) {
    // Scrolled to the middle of the view first, as a person would before clicking: the driver's
    // own scrolling can hit-test the page where it was before it scrolled.
    await this.script(`arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });`, [element]);
    let last = '';
    await waitFor(
      async () => {
        const now = await this.script(
          `return new Promise((done) => requestAnimationFrame(() => {
             const r = arguments[0].getBoundingClientRect();
             done([r.x, r.y, r.width, r.height].join(','));
           }));`,
          [element],
        );
        const still = now === last;
        last = now;
        return still;
      },
      { what: 'the element to stop moving', timeout: 5000, interval: 60 },
    );
  }

  async type(css, text) {
    const el = await this.find(css);
    await call('POST', this.s(`/element/${el}/clear`), {});
    // WebDriver's clear fires no input event; a person deleting the text would.
    await this.script(`arguments[0].dispatchEvent(new Event('input', { bubbles: true }));`, [{ [ELEMENT]: el }]);
    if (text) await call('POST', this.s(`/element/${el}/value`), { text });
  }

  /** Presses each key in turn, as a person at the keyboard would, wherever focus is (text is
   *  typed a character at a time). */
  async press(...keys) {
    const actions = [];
    for (const k of keys) for (const c of [...k]) actions.push({ type: 'keyDown', value: c }, { type: 'keyUp', value: c });
    await call('POST', this.s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await call('DELETE', this.s('/actions'));
  }

  /** Sends keys to whatever has focus. */
  async keys(text) {
    const el = await call('GET', this.s('/element/active'));
    await call('POST', this.s(`/element/${el[ELEMENT]}/value`), { text });
  }

  async value(css) {
    return call('GET', this.s(`/element/${await this.find(css)}/property/value`));
  }

  async script(body, args = []) {
    return call('POST', this.s('/execute/sync'), { script: body, args });
  }

  async asyncScript(body, args = []) {
    return call('POST', this.s('/execute/async'), { script: body, args });
  }

  async title() {
    return call('GET', this.s('/title'));
  }

  /** Saves a screenshot of the window to tests/e2e/artifacts/NAME.png. The app draws its pages
   *  without accelerated compositing, and WebKitWebDriver's own screenshot then never returns, so
   *  the window is captured from the X server, as a person's screenshot would be, once the page
   *  has drawn two frames. */
  async screenshot(name) {
    mkdirSync(artifacts, { recursive: true });
    const path = join(artifacts, `${name}.png`);
    await this.script('return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));');
    await sleep(100);
    const windows = execFileSync('xdotool', ['search', '--onlyvisible', '--name', '^DSL Desk$'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
    if (!windows.length) throw new Error('no DSL Desk window to capture');
    execFileSync('import', ['-window', windows[windows.length - 1], path]);
    return path;
  }
}

/** Sets a form control's value as a person would leave it, and tells the page it changed. */
export async function setValue(app, css, value) {
  const ok = await app.script(
    `const el = document.querySelector(arguments[0]);
     if (!el) return false;
     el.value = arguments[1];
     el.dispatchEvent(new Event('input', { bubbles: true }));
     el.dispatchEvent(new Event('change', { bubbles: true }));
     return true;`,
    [css, value],
  );
  if (!ok) throw new Error(`no element ${css}`);
}

/** On the Unlock screen, chooses who is signing in by the name shown (when there is a choice). */
export async function chooseSignIn(app, name) {
  const ok = await app.script(
    `const el = document.querySelector('#unlock-user');
     if (!el) return 'none';
     const option = [...el.options].find((o) => o.textContent.startsWith(arguments[0] + ' ('));
     if (!option) return false;
     el.value = option.value;
     el.dispatchEvent(new Event('change', { bubbles: true }));
     return true;`,
    [name],
  );
  if (ok === false) throw new Error(`nobody called ${name} can sign in`);
}

/** From wherever the app is, adds a vault user in Settings (who types their passphrase twice)
 *  and waits until the list shows `count` people. */
export async function addUser(app, { name, role, pass, count }) {
  await app.clickButton('Settings');
  await app.waitForHeading('Settings');
  await app.type('#user-name', name);
  await setValue(app, '#user-role', role);
  await app.type('#userPassphrase-passphrase', pass);
  await app.type('#userPassphrase-repeat', pass);
  await app.clickButton('Add user');
  await waitFor(async () => (await app.findAll('[data-testid=user-row]')).length === count, { what: 'the new user', timeout: 30000 });
}

/** Makes a vault through the first-run screens; returns the recovery key as shown. */
export async function createVault(app, { school, user, pass }) {
  await app.waitForHeading('Create your vault');
  await app.type('#school-name', school);
  await app.type('#user-name', user);
  await app.type('#passphrase-passphrase', pass);
  await app.type('#passphrase-repeat', pass);
  await screenChecks.run?.('create vault');
  await app.clickButton('Create vault');
  return keepRecoveryKey(app);
}

/** A check a test runs on screens the helpers pass through (e.g. axe-core on each). */
export const screenChecks = { run: null };

/** On the recovery key screen: reads the key, types back the groups asked for, continues. */
export async function keepRecoveryKey(app) {
  await app.waitForHeading('Your recovery key', 30000);
  const groups = await app.script(
    `return [...document.querySelectorAll('[data-testid=recovery-key] .group')].map((g) => g.lastChild.textContent.trim());`,
  );
  const asked = await app.script(`return [...document.querySelectorAll('input[id^=group-]')].map((i) => Number(i.id.slice(6)));`);
  await screenChecks.run?.('recovery key');
  for (const n of asked) await app.type(`#group-${n}`, groups[n - 1]);
  await app.clickButton('I have kept the key: continue');
  await app.waitForHeading('Incidents');
  return groups.join('-');
}

async function focusDialog(title) {
  const found = await waitFor(() => {
    try {
      return execFileSync('xdotool', ['search', '--onlyvisible', '--name', title], { encoding: 'utf8' }).trim().split('\n')[0];
    } catch {
      return null;
    }
  }, { what: `the "${title}" dialog`, timeout: 20000 });
  // No window manager runs under Xvfb: give the dialog the keyboard focus directly.
  execFileSync('xdotool', ['windowfocus', found]);
  await sleep(500);
  return found;
}

/** Answers the system's open-file dialog as a person would: type the path, press Enter. */
export async function chooseInDialog(title, path) {
  const win = await focusDialog(title);
  execFileSync('xdotool', ['key', '--window', win, 'ctrl+l']);
  await sleep(300);
  execFileSync('xdotool', ['type', '--window', win, '--delay', '15', path]);
  await sleep(300);
  execFileSync('xdotool', ['key', '--window', win, 'Return']);
}

/** Answers the system's save dialog: replace the suggested name with a full path, press Enter. */
export async function saveInDialog(title, path) {
  const win = await focusDialog(title);
  execFileSync('xdotool', ['key', '--window', win, 'ctrl+a']);
  await sleep(200);
  execFileSync('xdotool', ['type', '--window', win, '--delay', '15', path]);
  await sleep(300);
  execFileSync('xdotool', ['key', '--window', win, 'Return']);
}

/**
 * On "Record an incident": makes the choices the form leaves empty (how it came to light, where,
 * the risk area) unless a test made them already, then chooses the type of activity.
 */
export async function chooseIntake(app, type, { discovery = 'disclosure', location = 'inSchool', riskArea = 'content' } = {}) {
  for (const [css, value] of [['#discovery', discovery], ['#location', location], ['#risk-area', riskArea]]) {
    const chosen = await app.script(`return document.querySelector(arguments[0])?.value ?? null;`, [css]);
    if (chosen === null) throw new Error(`no element ${css}`);
    if (chosen === '') await setValue(app, css, value);
  }
  await setValue(app, '#activity-type', type);
}

/** From the incident list: records a bullying incident reported by a form tutor, and waits for its page. */
export async function recordBullyingIncident(app, summary, reference) {
  await app.clickButton('Record an incident');
  await app.waitForHeading('Record an incident');
  await app.type('#reported-by-name', 'Ms Zoë Nguyễn');
  await app.type('#reported-by-role', 'Form tutor');
  await app.type('#summary', summary);
  await chooseIntake(app, 'bullying');
  await app.clickButton('Record incident');
  await app.waitForHeading(reference);
}

/** The id of the flow step the incident screen asks now. */
export async function currentNode(app) {
  return app.script(`return document.querySelector('[data-testid=current-step]')?.dataset.node ?? null;`);
}

export async function waitForNode(app, node) {
  await waitFor(async () => (await currentNode(app)) === node, { what: `step ${node}`, timeout: 15000 });
}

/** How many entries the chronology shows. */
export async function entries(app) {
  return app.script(`return document.querySelectorAll('[data-testid=chronology] tbody tr').length;`);
}

/** Records an answer to the current question. */
export async function answer(app, node, choice, reason) {
  await waitForNode(app, node);
  const before = await entries(app);
  await app.click(`input[name=choice][value="${choice}"]`);
  await app.type('#answer-reason', reason);
  await app.clickButton('Record answer');
  await waitFor(async () => (await entries(app)) > before, { what: `answer to ${node}` });
}

/** Names a child for an item that names people (who else received, shared or saw it). */
export async function nameChild(app, item, { name, role = 'witness', year, dob }) {
  await app.click(`input[name="done-${item}"][value=yes]`);
  const p = `#named-${item}`;
  await setValue(app, `${p}-role`, role);
  await app.type(`${p}-name`, name);
  await setValue(app, `${p}-kind`, 'pupil');
  await setValue(app, `${p}-year`, String(year));
  await setValue(app, `${p}-dob`, dob);
  const before = await app.script(`return document.querySelectorAll('li[data-item="${item}"] [data-testid=item-people] li').length;`);
  await app.script(
    `[...document.querySelectorAll('li[data-item="${item}"] [data-testid=item-people] button')].find((b) => b.textContent.trim() === 'Add as a new person').click();`,
  );
  await waitFor(
    async () => (await app.script(`return document.querySelectorAll('li[data-item="${item}"] [data-testid=item-people] li').length;`)) > before,
    { what: `${name} named` },
  );
}

/** Chooses done or not done for each item of the current checklist step, as the spec says, fills
 * in the details, and saves the step once (completing it). */
export async function doStep(app, node, items, { happened } = {}) {
  await waitForNode(app, node);
  for (const [item, spec] of Object.entries(items)) {
    if (spec.done === false) {
      await app.click(`input[name="done-${item}"][value=no]`);
      await app.type(`#r-${item}`, spec.reason);
    } else {
      await app.click(`input[name="done-${item}"][value=yes]`);
      for (const [field, value] of Object.entries(spec)) {
        if (field === 'named') {
          for (const child of value) await nameChild(app, item, child);
        } else {
          // A key starting with '#' is a control of its own (e.g. a new evidence item's).
          await setValue(app, field.startsWith('#') ? field : `#f-${item}-${field}`, value);
        }
      }
    }
  }
  if (happened) await setValue(app, '#step-done-at', happened);
  const before = await entries(app);
  await app.click('[data-testid=save-step]');
  await waitFor(async () => (await entries(app)) > before, { what: `saving ${node}` });
}

let axeSource = null;

/** Runs axe-core over the page as it is now; returns each rule broken, with where. */
export async function axeViolations(app) {
  axeSource ??= readFileSync(join(here, '..', '..', 'ui', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const present = await app.script(`return typeof window.axe !== 'undefined';`);
  if (!present) await app.script(`${axeSource}\nreturn true;`);
  return app.asyncScript(
    `const done = arguments[arguments.length - 1];
     window.axe.run(document, { resultTypes: ['violations'] }).then(
       (r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }))),
       (e) => done([{ id: 'axe-error', targets: [String(e)] }]),
     );`,
  );
}
