// Launch, unlock and memory of the real app (release build), measured through tauri-driver.
// Run by scripts/bench.sh. Launch is measured against a baseline in the same run: a bare Tauri
// window of the same version (src-tauri/examples/bare_window.rs) showing one heading, started
// the same way, so WebDriver's own start-up is in both.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, createVault, root, sleep } from '../e2e/webdriver.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const BARE = process.env.BARE_WINDOW_BIN ?? join(root, 'target', 'release', 'examples', 'bare_window');
const PASS = 'lantern mauve copper harbour';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function children() {
  const map = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      map.set(Number(pid), { ppid, comm });
    } catch {}
  }
  return map;
}

function pssKiB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The app process (by its name) and everything under it (WebKit's web and network processes). */
function appTree(name = 'dsl-desk') {
  const procs = children();
  const root = [...procs].find(([, p]) => p.comm === name.slice(0, 15));
  if (!root) return [];
  const tree = [root[0]];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, p] of procs) if (p.ppid === tree[i]) tree.push(pid);
  }
  return tree.map((pid) => ({ pid, comm: procs.get(pid).comm, pss: pssKiB(pid) }));
}

/** Starts the bare window with `args`, notes the time to its heading in `times` and, when
 *  `measure` is set, returns its memory once it has been idle for five seconds. */
async function launchBare(args, times, measure) {
  const started = performance.now();
  const baseline = await App.start(vault, args, BARE);
  await baseline.waitForHeading('Unlock', 30000);
  times.push(performance.now() - started);
  let memory = null;
  if (measure) {
    await sleep(5000);
    memory = appTree(BARE.split('/').pop());
  }
  await baseline.quit();
  return memory;
}

const vault = mkdtempSync(join(tmpdir(), 'dsl-desk-bench-'));
try {
  // Make the vault once.
  let app = await App.start(vault);
  await createVault(app, { school: 'Bench School', user: 'Bench User', pass: PASS });
  await app.quit();

  if (!existsSync(BARE)) throw new Error(`build the bare window first: ${BARE}`);
  const launches = [];
  const bare = [];
  const unlocks = [];
  let memory = null;
  let bareMemory = null;
  const bareFlat = [];
  let bareFlatMemory = null;
  for (let i = 0; i < RUNS; i++) {
    // The baselines and the app take turns, so all see the same machine.
    const last = i === RUNS - 1;
    bareMemory = (await launchBare([], bare, last)) ?? bareMemory;
    // The same bare window drawn without accelerated compositing, as DSL Desk is drawn.
    bareFlatMemory = (await launchBare(['--no-compositing'], bareFlat, last)) ?? bareFlatMemory;

    const started = performance.now();
    app = await App.start(vault);
    await app.waitForHeading('Unlock', 30000);
    launches.push(performance.now() - started);

    await app.type('#unlock-passphrase', PASS);
    const clicked = performance.now();
    await app.clickButton('Unlock');
    await app.waitForHeading('Incidents', 30000);
    unlocks.push(performance.now() - clicked);

    if (last) {
      await sleep(5000);
      memory = appTree();
    }
    await app.quit();
  }
  const list = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`bare Tauri window of the same version, launch to its heading (median of ${RUNS}): ${median(bare).toFixed(0)} ms  [${list(bare)}]`);
  console.log(`the same, drawn without compositing (median of ${RUNS}): ${median(bareFlat).toFixed(0)} ms  [${list(bareFlat)}]`);
  console.log(`DSL Desk, launch to the unlock screen (median of ${RUNS}): ${median(launches).toFixed(0)} ms  [${list(launches)}]; ${(median(launches) / median(bare)).toFixed(2)}× the bare window, ${(median(launches) / median(bareFlat)).toFixed(2)}× the bare window without compositing`);
  console.log(`unlock, click to home screen (median of ${RUNS}): ${median(unlocks).toFixed(0)} ms  [${unlocks.map((x) => x.toFixed(0)).join(', ')}]`);
  const pss = (tree) => tree.reduce((s, p) => s + p.pss, 0) / 1024;
  const show = (tree) => {
    for (const p of tree) console.log(`  ${p.comm.padEnd(18)} pid ${p.pid}: ${(p.pss / 1024).toFixed(1)} MiB`);
  };
  if (bareMemory?.length) {
    console.log(`memory of the idle bare window (PSS, all processes): ${pss(bareMemory).toFixed(1)} MiB`);
    show(bareMemory);
  }
  if (bareFlatMemory?.length) {
    console.log(`memory of the idle bare window without compositing (PSS, all processes): ${pss(bareFlatMemory).toFixed(1)} MiB`);
    show(bareFlatMemory);
  }
  if (memory?.length) {
    const ratio =
      bareMemory?.length && bareFlatMemory?.length
        ? `; ${(pss(memory) / pss(bareMemory)).toFixed(2)}× the bare window, ${(pss(memory) / pss(bareFlatMemory)).toFixed(2)}× the bare window without compositing`
        : '';
    console.log(`memory of the idle unlocked app (PSS, all processes): ${pss(memory).toFixed(1)} MiB${ratio}`);
    show(memory);
  }
} finally {
  rmSync(vault, { recursive: true, force: true });
}
