// @ts-check
// Typing benchmark (issue #8): what the built extension costs someone writing a post, measured in
// Debian Chromium on the offline fixtures of X (Draft.js) and Facebook (Lexical).
//
//   node tests/bench/typing.mjs [--extension dist/chromium] [--out target/bench/typing.json]
//                               [--chars 2000] [--segments 10] [--slow 30] [--cps 10] [--cold 5]
//                               [--editors x,facebook]
//
// 1. Keystroke to highlight: from an `input` event to the moment the content script has set the
//    highlights for a text that includes it (the editor's scheduling, message round trip to the worker and
//    painting included). The content script records it as a `performance.measure(
//    "postwacht:input-to-highlight")` once this script switches its timing on in the content
//    script's isolated world (over CDP); the entry is on the window's shared timeline, so the page's
//    main world reads it.
// 2. Added typing latency: keydown to the next frame, in the main world, with and without the
//    extension (two browsers, the same keystrokes, interleaved half a period apart so both see the
//    same background load). Two figures per keystroke: to the start of the next frame (rAF
//    callback) and to the end of that frame (a task posted from the rAF callback runs after the
//    frame's other rAF callbacks, style, layout and
//    paint).
// 3. Cold start, on x.com: the worker is stopped (as MV3 does after ~30 s idle), then typing; the
//    first scan's reply as the content script sees it (mid-post: one keystroke; in a new tab: focus,
//    which sends "warm", then two keystrokes), and the worker's own split from its timeline
//    (`postwacht:instantiate`, `postwacht:compile`, recorded by background/engine-host.ts).
// 4. Memory: JS heap of the tab with and without the extension after typing (after a GC), and the
//    service worker's JS heap and wasm memory (one worker serves every tab).
//
// How the ~2,000 characters are typed: each of --segments segments (10 by default) inserts its
// first characters at once (one `insertText` per line, like a paste) and then types its last
// --slow characters (30) at --cps (10) keystrokes a second. Only the slow keystrokes are measured:
// 300 keystrokes per editor spread over post lengths from 0 to 2,000 characters, in ~35 s instead
// of the 200 s that typing everything at 10 cps takes. That is faithful because a keystroke's
// cost depends on the text it produces (flatten, scan and ranges grow with its length), not on how
// it got there; every measured keystroke comes after a settled, warm engine and ≥100 ms of quiet,
// as at 10 cps. No timing is asserted: the figures go to stdout and target/bench/typing.json.
//
// Needs the built extension with the timing instrumentation (./build.sh) and the fixtures (built
// on first use, as the e2e tests do; `node tests/fixtures/build.mjs` rebuilds them).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { PAGES, gotoFixture, launchWithExtension, routeFixtures } from '../e2e/serve.mjs';
import { highlightedTexts, oracle } from '../e2e/extension.mjs';
import { BENCH_DIR, CHROMIUM_ARGS, CHROMIUM_PATH, ROOT as root, commandLine, gitHead, machine, quantile, writeJson } from './lib.mjs';

/** @typedef {import('playwright-core').BrowserContext} BrowserContext */
/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').CDPSession} CDPSession */

const MEASURE = 'postwacht:input-to-highlight';

const { values: opts } = parseArgs({
  options: {
    extension: { type: 'string', default: path.join(root, 'dist/chromium') },
    out: { type: 'string', default: path.join(BENCH_DIR, 'typing.json') },
    chars: { type: 'string', default: '2000' },
    segments: { type: 'string', default: '10' },
    slow: { type: 'string', default: '30' },
    cps: { type: 'string', default: '10' },
    cold: { type: 'string', default: '5' },
    editors: { type: 'string', default: 'x,facebook' },
  },
});
const CHARS = Number(opts.chars);
const SEGMENTS = Number(opts.segments);
const SLOW = Number(opts.slow);
const PERIOD = 1000 / Number(opts.cps);
const COLD_TRIES = Number(opts.cold);
if (![CHARS, SEGMENTS, SLOW, PERIOD, COLD_TRIES].every((n) => Number.isFinite(n) && n > 0) || SLOW > CHARS / SEGMENTS) {
  console.error('usage: --chars, --segments, --slow, --cps, --cold must be positive numbers, with --slow ≤ --chars / --segments');
  process.exit(2);
}

/** The compose surfaces measured: where, which fixture editor, and how to open it. */
const EDITORS = [
  { name: 'x', label: 'x.com home (Draft.js)', url: PAGES.xHome, editor: 'home', open: undefined },
  { name: 'facebook', label: 'facebook composer (Lexical)', url: PAGES.facebookHome, editor: 'composer', open: '[aria-label="Create a post"] [role="button"]' },
].filter((e) => (opts.editors ?? '').split(',').includes(e.name));

// ------------------------------------------------------------------------------------ helpers

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** n, p50, p95 (linearly interpolated) and max, in ms to 0.01; null figures when empty. */
function stats(/** @type {number[]} */ xs) {
  const r = (/** @type {number} */ v) => (xs.length === 0 ? null : Math.round(v * 100) / 100);
  return { n: xs.length, p50: r(quantile(xs, 0.5)), p95: r(quantile(xs, 0.95)), max: r(Math.max(...xs)) };
}

/** Waits until `check()` is truthy; returns its value, or throws naming `what`. */
async function until(/** @type {() => Promise<any>} */ check, /** @type {string} */ what, timeout = 20000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Uncommitted changes in the work tree (the figures are then not exactly HEAD's). */
function dirty() {
  try {
    return execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() !== '';
  } catch {
    return null;
  }
}

/**
 * A private copy of the built extension, so a rebuild of dist/ while this runs (others work in
 * the same tree) cannot hand the browser a mix of two builds. Waits out a rebuild in progress.
 */
function snapshotExtension(/** @type {string} */ dir) {
  const needed = ['manifest.json', 'background.js', 'content.js', 'wasm/postwacht_wasm_bg.wasm'];
  const copy = mkdtempSync(path.join(tmpdir(), 'postwacht-bench-ext-'));
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(copy, { recursive: true, force: true });
      cpSync(dir, copy, { recursive: true });
      if (needed.every((f) => existsSync(path.join(copy, f)))) break;
    } catch {
      /* dist/ is being rebuilt */
    }
    if (attempt >= 60) {
      rmSync(copy, { recursive: true, force: true });
      throw new Error(`${dir} is not a built extension (run ./build.sh)`);
    }
    if (attempt === 0) console.error(`waiting for a complete build in ${dir} …`);
    execFileSync('sleep', ['1']);
  }
  if (!readFileSync(path.join(copy, 'content.js'), 'utf8').includes(MEASURE)) {
    rmSync(copy, { recursive: true, force: true });
    throw new Error(`${dir}/content.js has no "${MEASURE}" instrumentation: rebuild with ./build.sh`);
  }
  return copy;
}

/**
 * The post: Dutch posts from the development corpus, alternately one with confidential or
 * personal data (for "vertrouwelijk", BSNs, "onder embargo" …) and one without findings, one per
 * line, cut to `chars` characters.
 */
function postText(/** @type {number} */ chars) {
  const posts = readFileSync(path.join(root, 'tests/corpus/dev.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .filter((p) => p.lang === 'nl');
  const risky = posts.filter((p) => p.expect.includes('confidential') || p.expect.includes('personal-data'));
  const clean = posts.filter((p) => p.expect.length === 0);
  const picked = [];
  for (let i = 0; picked.map((p) => p.text).join('\n').length < chars; i++) picked.push(risky[i], clean[i]);
  return { text: picked.map((p) => p.text).join('\n').slice(0, chars), ids: picked.map((p) => p.id) };
}

/** Types one character the way a person would: Enter for a line break. */
async function key(/** @type {Page} */ page, /** @type {string} */ ch) {
  if (ch === '\n') await page.keyboard.press('Enter');
  else await page.keyboard.type(ch);
}

/** Inserts text at once, one `insertText` per line (like pasting it), Enter between lines. */
async function insert(/** @type {Page} */ page, /** @type {string} */ text) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) await page.keyboard.press('Enter');
    if (lines[i]) await page.keyboard.insertText(lines[i]);
  }
}

/**
 * Main-world probes: counts input events, and for every keydown (capturing, on window: before any
 * other listener) records the time to the next frame's rAF callback and to the end of that frame.
 */
async function installProbes(/** @type {Page} */ page) {
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__bench = { inputs: 0, keys: /** @type {{ raf: number, frame: number }[]} */ ([]) };
    addEventListener('input', () => w.__bench.inputs++, true);
    addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      requestAnimationFrame(() => {
        const raf = performance.now() - t0;
        const channel = new MessageChannel();
        channel.port1.onmessage = () => w.__bench.keys.push({ raf, frame: performance.now() - t0 });
        channel.port2.postMessage(null);
      });
    }, true);
  });
}

/** Forgets what the probes and the content script recorded so far. */
async function resetProbes(/** @type {Page} */ page) {
  await page.evaluate((name) => {
    const w = /** @type {any} */ (window);
    w.__bench.inputs = 0;
    w.__bench.keys = [];
    performance.clearMeasures(name);
  }, MEASURE);
}

/** What was recorded since the last reset: input count, keydown timings, our measures. */
async function readProbes(/** @type {Page} */ page) {
  return page.evaluate((name) => {
    const w = /** @type {any} */ (window);
    const measures = performance.getEntriesByName(name).map((e) => ({ start: e.startTime, duration: e.duration }));
    return { inputs: /** @type {number} */ (w.__bench.inputs), keys: /** @type {{ raf: number, frame: number }[]} */ (w.__bench.keys), measures };
  }, MEASURE);
}

/** Waits until every input event so far has its highlight measure (the engine has caught up). */
async function settle(/** @type {Page} */ page) {
  await until(async () => {
    const { inputs, measures } = await readProbes(page);
    return measures.length >= inputs;
  }, 'the highlights to catch up with the typing');
  await sleep(200);
}

/**
 * Switches the content script's timing on: `postwachtTiming = true` in its isolated world of the
 * page's main frame, which only the DevTools protocol (not the page) can reach.
 */
async function enableTiming(/** @type {Page} */ page, /** @type {string} */ extensionId) {
  const cdp = await page.context().newCDPSession(page);
  /** @type {{ id: number, origin: string, auxData?: { frameId?: string } }[]} */
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable'); // reports the existing contexts
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const ours = await until(async () => contexts.find((c) => c.origin === `chrome-extension://${extensionId}` && c.auxData?.frameId === frameTree.frame.id), 'the content script');
  const { result } = await cdp.send('Runtime.evaluate', { contextId: ours.id, expression: 'globalThis.postwachtTiming = true', returnByValue: true });
  if (result.value !== true) throw new Error('could not switch the content script timing on');
  await cdp.detach();
}

/**
 * Waits until the worker's engine is built, asking as an extension page does (the reply to
 * "warm" comes once the wasm is instantiated and the policy compiled): the runs start warm.
 */
async function warmEngine(/** @type {BrowserContext} */ context, /** @type {string} */ extensionId) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/manifest.json`);
  await page.evaluate(() => /** @type {any} */ (globalThis).chrome.runtime.sendMessage({ type: 'warm' }));
  await page.close();
}

/** Opens an editor surface in a new tab and focuses it (a focus also wakes the engine's worker). */
async function openEditor(/** @type {BrowserContext} */ context, /** @type {(typeof EDITORS)[number]} */ ed) {
  const page = await context.newPage();
  await gotoFixture(page, ed.url);
  if (ed.open) await page.click(ed.open);
  await page.waitForFunction((name) => !!(/** @type {any} */ (window).__fixture.editors[name]), ed.editor);
  await installProbes(page);
  return page;
}

async function focusEditor(/** @type {Page} */ page, /** @type {string} */ editor) {
  return page.evaluate((name) => {
    /** @type {any} */ (window).__fixture.editors[name].root().focus();
    return performance.now();
  }, editor);
}

const modelText = (/** @type {Page} */ page, /** @type {string} */ editor) =>
  page.evaluate((name) => /** @type {string} */ (/** @type {any} */ (window).__fixture.editors[name].modelText()), editor);

/** JS heap of a tab's renderer (main world, content scripts' worlds) after a full GC, via CDP. */
async function tabMemory(/** @type {Page} */ page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { jsHeapUsed: heap.usedSize, jsHeapTotal: heap.totalSize, nodes: m.Nodes, jsEventListeners: m.JSEventListeners };
}

/**
 * The service worker's JS heap (after a GC) and its wasm memory, through a CDP session on the
 * worker target (the wasm-bindgen glue keeps `memory` in module scope, out of reach of an
 * evaluate; Runtime.queryObjects finds every WebAssembly.Memory in the worker's heap).
 */
async function workerMemory(/** @type {BrowserContext} */ context, /** @type {string} */ extensionId) {
  const browser = context.browser();
  if (!browser) throw new Error('no browser for a CDP session');
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
    if (!target) return null;
    // Playwright's CDPSession cannot address a flattened child session: use the message-passing form.
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
    let id = 0;
    /** @type {Map<number, (m: any) => void>} */
    const waiting = new Map();
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      if (e.sessionId !== sessionId) return;
      const m = JSON.parse(e.message);
      const done = m.id && waiting.get(m.id);
      if (!done) return;
      waiting.delete(m.id);
      done(m);
    });
    /** @returns {Promise<any>} */
    const send = (/** @type {string} */ method, params = {}) =>
      new Promise((resolve, reject) => {
        const i = ++id;
        waiting.set(i, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
        cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method, params }) }).catch(reject);
      });
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    const heap = await send('Runtime.getHeapUsage');
    const proto = await send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
    const found = await send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
    const sizes = await send('Runtime.callFunctionOn', {
      objectId: found.objects.objectId,
      functionDeclaration: 'function () { return this.map((m) => m.buffer.byteLength); }',
      returnByValue: true,
    });
    await cdp.send('Target.detachFromTarget', { sessionId });
    /** @type {number[]} */
    const wasm = sizes.result.value;
    return { jsHeapUsed: heap.usedSize, jsHeapTotal: heap.totalSize, wasmMemories: wasm.length, wasmMemoryBytes: wasm.reduce((a, b) => a + b, 0) };
  } finally {
    await cdp.detach();
  }
}

/** Watches the extension's service worker's running state through a page's CDP session. */
async function workerWatch(/** @type {Page} */ page, /** @type {string} */ extensionId) {
  const cdp = await page.context().newCDPSession(page);
  /** @type {string[]} */
  const states = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions) if (v.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) states.push(v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
  return {
    states,
    /** Stops the worker and waits until it is (and stays) stopped. */
    async stop() {
      await until(async () => states.at(-1) === 'running', 'the worker to be running before stopping it');
      states.length = 0;
      await cdp.send('ServiceWorker.stopAllWorkers');
      await until(async () => states.includes('stopped'), 'the worker to stop');
      await sleep(300);
      if (states.at(-1) !== 'stopped') throw new Error(`the worker started again by itself: ${states}`);
    },
  };
}

/** The worker's own start-up split, read from its timeline (null if this build records none). */
async function workerSplit(/** @type {BrowserContext} */ context, /** @type {string} */ extensionId) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const sw = context.serviceWorkers().filter((w) => w.url().startsWith(`chrome-extension://${extensionId}/`)).at(-1);
    try {
      const entries = sw
        ? await sw.evaluate(() => performance.getEntriesByType('measure').map((e) => ({ name: e.name, duration: e.duration })))
        : [];
      const get = (/** @type {string} */ n) => {
        const d = entries.find((e) => e.name === n)?.duration;
        return d === undefined ? null : Math.round(d * 10) / 10;
      };
      const split = { instantiate: get('postwacht:instantiate'), compile: get('postwacht:compile') };
      if (split.compile !== null || (attempt >= 10 && sw)) return split;
    } catch {
      /* the worker Playwright knew is gone; the new one is being attached */
    }
    await sleep(100);
  }
  return { instantiate: null, compile: null };
}

// ------------------------------------------------------------------------------------ phases

/**
 * Types the post into one editor with and without the extension. Returns the per-keystroke
 * figures and the tabs' memory.
 */
async function typingRun(
  /** @type {BrowserContext} */ withExt,
  /** @type {BrowserContext} */ without,
  /** @type {string} */ extensionId,
  /** @type {(typeof EDITORS)[number]} */ ed,
  /** @type {string} */ text,
) {
  const ext = await openEditor(withExt, ed);
  const ctl = await openEditor(without, ed);
  await enableTiming(ext, extensionId);
  await Promise.all([focusEditor(ext, ed.editor), focusEditor(ctl, ed.editor)]);
  await warmEngine(withExt, extensionId);

  const perSegment = Math.floor(text.length / SEGMENTS);
  /** @type {number[]} */ const inputToHighlight = [];
  /** @type {{ raf: number, frame: number }[]} */ const keysExt = [];
  /** @type {{ raf: number, frame: number }[]} */ const keysCtl = [];
  let inputs = 0;
  let lateness = 0;
  for (let s = 0; s < SEGMENTS; s++) {
    const seg = text.slice(s * perSegment, s === SEGMENTS - 1 ? text.length : (s + 1) * perSegment);
    const fast = seg.slice(0, seg.length - SLOW);
    const slow = seg.slice(seg.length - SLOW);
    await Promise.all([insert(ext, fast), insert(ctl, fast)]);
    // Editors insert text without input events (so without measures): give the scans of the
    // inserted text time to land, on a warm engine, before the measured keystrokes start.
    await settle(ext);
    await sleep(500);
    await Promise.all([resetProbes(ext), resetProbes(ctl)]);

    // Keystroke i goes to the extension's tab at t0 + i·period and to the control tab half a
    // period later: the same load for both, and neither's work overlaps the other's keystroke.
    const t0 = performance.now();
    for (let i = 0; i < slow.length; i++) {
      const at = t0 + i * PERIOD;
      lateness = Math.max(lateness, performance.now() - at);
      await sleep(at - performance.now());
      await key(ext, slow[i]);
      await sleep(at + PERIOD / 2 - performance.now());
      await key(ctl, slow[i]);
    }
    await settle(ext);
    const [e, c] = await Promise.all([readProbes(ext), readProbes(ctl)]);
    inputs += e.inputs;
    inputToHighlight.push(...e.measures.map((m) => m.duration));
    keysExt.push(...e.keys);
    keysCtl.push(...c.keys);
    process.stderr.write(`  ${ed.name}: ${Math.min(text.length, (s + 1) * perSegment)} / ${text.length} characters\r`);
  }
  process.stderr.write('\n');

  // The editors hold exactly the post (Lexical's model puts an empty line between paragraphs).
  const norm = (/** @type {string} */ t) => t.replace(/\n+/g, '\n');
  const typedOk = norm(await modelText(ext, ed.editor)) === norm(text) && norm(await modelText(ctl, ed.editor)) === norm(text);
  const highlights = (await highlightedTexts(ext)).length;

  await resetProbes(ext); // the bench's own entries must not count as the extension's memory
  await resetProbes(ctl);
  const memExt = await tabMemory(ext);
  const memCtl = await tabMemory(ctl);
  await ext.close();
  await ctl.close();

  const pick = (/** @type {{ raf: number, frame: number }[]} */ ks, /** @type {'raf' | 'frame'} */ k) => ks.map((x) => x[k]);
  const added = (/** @type {'raf' | 'frame'} */ k) => {
    const a = stats(pick(keysExt, k));
    const b = stats(pick(keysCtl, k));
    const d = (/** @type {number | null} */ x, /** @type {number | null} */ y) => (x === null || y === null ? null : Math.round((x - y) * 100) / 100);
    return { withExtension: a, without: b, deltaP50: d(a.p50, b.p50), deltaP95: d(a.p95, b.p95) };
  };
  return {
    editor: ed.name,
    label: ed.label,
    typedOk,
    highlights,
    inputs,
    maxSchedulingLatenessMs: Math.round(lateness * 10) / 10,
    inputToHighlight: { ...stats(inputToHighlight), samples: inputToHighlight.map((x) => Math.round(x * 10) / 10) },
    keydownToNextFrame: { rafCallback: added('raf'), frameDone: added('frame') },
    memory: {
      withExtension: memExt,
      without: memCtl,
      jsHeapDelta: memExt.jsHeapUsed - memCtl.jsHeapUsed,
    },
  };
}

/**
 * Cold starts, from the content script's point of view.
 * - "mid-post": the worker is stopped while the editor holds text and has focus (MV3 stops it
 *   after ~30 s idle); then one keystroke → its scan's reply painted.
 * - "focus, type": the worker is stopped, a new tab opens, the editor gets focus (which sends
 *   "warm") and two characters are typed straight away → the first reply painted; also from the
 *   focus.
 */
async function coldStarts(/** @type {BrowserContext} */ context, /** @type {string} */ extensionId) {
  const controller = await context.newPage();
  const worker = await workerWatch(controller, extensionId);
  const ed = EDITORS.find((e) => e.name === 'x') ?? { url: PAGES.xHome, editor: 'home', open: undefined, name: 'x', label: '' };
  /** @type {any[]} */ const tries = [];

  const firstMeasure = async (/** @type {Page} */ page) =>
    (await until(async () => (await readProbes(page)).measures[0], 'the first scan reply after the cold start', 30000));

  for (let i = 0; i < COLD_TRIES; i++) {
    // Mid-post: text typed while the worker runs (new text each try: no cache hit).
    let page = await openEditor(context, ed);
    await enableTiming(page, extensionId);
    await focusEditor(page, ed.editor);
    await page.keyboard.type(`Poging ${i + 1}: mijn BSN is 11122233`);
    await settle(page);
    await worker.stop();
    await resetProbes(page);
    await key(page, '3');
    let m = await firstMeasure(page);
    const painted = (await highlightedTexts(page)).some((/** @type {string} */ t) => t.endsWith('111222333'));
    tries.push({ variant: 'mid-post', inputToReply: Math.round(m.duration * 10) / 10, highlighted: painted, restarted: worker.states.includes('running'), ...(await workerSplit(context, extensionId)) });
    await page.close();

    // Focus, type: a fresh tab (fresh content script, empty cache) opened on a stopped worker.
    await worker.stop();
    page = await openEditor(context, ed);
    await enableTiming(page, extensionId);
    const stillStopped = !worker.states.some((s) => s === 'starting' || s === 'running');
    await resetProbes(page);
    const focusAt = await focusEditor(page, ed.editor);
    // Two keystrokes: Draft.js puts the first character into an empty editor itself, with no
    // input event (the content script sees it through its MutationObserver), so the first input
    // event, and the first measure, is the second keystroke's.
    await page.keyboard.type('Mi');
    m = await firstMeasure(page);
    tries.push({
      variant: 'focus-type',
      inputToReply: Math.round(m.duration * 10) / 10,
      focusToReply: Math.round((m.start + m.duration - focusAt) * 10) / 10,
      stoppedUntilFocus: stillStopped,
      restarted: worker.states.includes('running'),
      ...(await workerSplit(context, extensionId)),
    });
    await page.close();
    process.stderr.write(`  cold start: ${i + 1} / ${COLD_TRIES}\r`);
  }
  process.stderr.write('\n');
  await controller.close();

  const summary = (/** @type {string} */ variant) => {
    const t = tries.filter((x) => x.variant === variant);
    const col = (/** @type {string} */ k) => stats(t.map((x) => x[k]).filter((v) => typeof v === 'number'));
    return { inputToReply: col('inputToReply'), focusToReply: col('focusToReply'), instantiate: col('instantiate'), compile: col('compile') };
  };
  return { tries, midPost: summary('mid-post'), focusType: summary('focus-type') };
}

// ------------------------------------------------------------------------------------ main

const started = Date.now();
let extensionDir = '';
try {
  extensionDir = snapshotExtension(path.resolve(opts.extension ?? ''));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
const { text, ids } = postText(CHARS);
let engineFindings = null;
try {
  engineFindings = oracle(text).length;
} catch {
  /* no native CLI built: the count is only a cross-check */
}

const profile = mkdtempSync(path.join(tmpdir(), 'postwacht-bench-control-'));
const options = { viewport: { width: 1280, height: 900 }, locale: 'nl-NL' };
const withExt = await launchWithExtension(extensionDir, { ...options, args: /** @type {any} */ (['--lang=nl']) });
// The control: the same browser, profile kind and flags, without the extension.
const without = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--lang=nl'], ...options });
/** @type {any} */
let result;
try {
  await routeFixtures(withExt);
  await routeFixtures(without);
  const sw = withExt.serviceWorkers()[0] ?? (await withExt.waitForEvent('serviceworker'));
  const extensionId = new URL(sw.url()).host;
  const chromiumVersion = withExt.browser()?.version() ?? null;

  console.error(`typing ${text.length} characters into ${EDITORS.map((e) => e.name).join(', ')} (${SEGMENTS} × ${SLOW} keystrokes measured at ${1000 / PERIOD} cps) …`);
  const typing = [];
  for (const ed of EDITORS) typing.push(await typingRun(withExt, without, extensionId, ed, text));
  const worker = await workerMemory(withExt, extensionId);
  console.error(`cold starts (${COLD_TRIES} × 2) …`);
  const cold = await coldStarts(withExt, extensionId);

  result = {
    command: commandLine(),
    rev: gitHead(),
    dirty: dirty(),
    date: new Date().toISOString(),
    machine: machine(),
    chromium: chromiumVersion,
    extension: path.resolve(opts.extension ?? ''),
    config: { chars: CHARS, segments: SEGMENTS, slowPerSegment: SLOW, cps: 1000 / PERIOD, coldTries: COLD_TRIES },
    post: { chars: text.length, lines: text.split('\n').length, corpusIds: ids, engineFindings },
    typing,
    worker: { ...worker, note: 'one service worker serves every tab: its memory is not per tab' },
    cold,
    seconds: Math.round((Date.now() - started) / 1000),
  };
} finally {
  await withExt.close();
  await without.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(extensionDir, { recursive: true, force: true });
}

await writeJson(path.resolve(opts.out ?? ''), result);

// ------------------------------------------------------------------------------------ report

const ms = (/** @type {number | null | undefined} */ v) => (v === null || v === undefined ? '—' : v.toFixed(1));
const kb = (/** @type {number} */ v) => `${(v / 1024).toFixed(0)} KiB`;
const mb = (/** @type {number} */ v) => `${(v / 1048576).toFixed(1)} MiB`;
/** @param {string[][]} rows */
function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, r] of rows.entries()) {
    console.log('  ' + r.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join('  '));
    if (i === 0) console.log('  ' + w.map((n) => '-'.repeat(n)).join('  '));
  }
}

console.log(`\nPostwacht typing benchmark — ${result.rev}${result.dirty ? ' (uncommitted changes)' : ''}, ${result.date}`);
console.log(`Chromium ${result.chromium}, ${result.machine.nproc} cores (${result.machine.cpu}), Node ${result.machine.node}; ${result.command}`);
console.log(`post: ${text.length} characters of Dutch corpus text, ${result.post.lines} lines, ${engineFindings ?? '?'} findings by the engine\n`);

console.log(`1. Keystroke to highlight (input event → highlights set; ${SEGMENTS}×${SLOW} keystrokes at ${1000 / PERIOD} cps, over lengths 0–${text.length}), ms`);
table([
  ['editor', 'n', 'p50', 'p95', 'max', 'inputs', 'highlights at end', 'text intact'],
  ...typingOf(result).map((t) => [t.label, String(t.inputToHighlight.n), ms(t.inputToHighlight.p50), ms(t.inputToHighlight.p95), ms(t.inputToHighlight.max), String(t.inputs), String(t.highlights), t.typedOk ? 'yes' : 'NO']),
]);

console.log('\n2. Added typing latency: keydown → next frame, main world, same keystrokes, ms');
table([
  ['editor', 'until', 'n', 'with p50', 'with p95', 'without p50', 'without p95', 'Δ p50', 'Δ p95'],
  ...typingOf(result).flatMap((t) =>
    /** @type {const} */ (['rafCallback', 'frameDone']).map((k) => {
      const a = t.keydownToNextFrame[k];
      return [t.label, k === 'rafCallback' ? 'rAF callback' : 'frame done', String(a.withExtension.n), ms(a.withExtension.p50), ms(a.withExtension.p95), ms(a.without.p50), ms(a.without.p95), ms(a.deltaP50), ms(a.deltaP95)];
    }),
  ),
]);

console.log(`\n3. Cold start of the service worker (${COLD_TRIES} tries each, x.com), ms`);
table([
  ['variant', 'measured', 'n', 'p50', 'max'],
  ['mid-post: stop, 1 keystroke', 'input → reply painted', ...[result.cold.midPost.inputToReply].flatMap((s) => [String(s.n), ms(s.p50), ms(s.max)])],
  ['fresh tab: stop, focus, 2 keys', 'input → reply painted', ...[result.cold.focusType.inputToReply].flatMap((s) => [String(s.n), ms(s.p50), ms(s.max)])],
  ['', 'focus → reply painted', ...[result.cold.focusType.focusToReply].flatMap((s) => [String(s.n), ms(s.p50), ms(s.max)])],
  ['in the worker (all tries)', 'wasm instantiate', ...[stats(result.cold.tries.map((/** @type {any} */ t) => t.instantiate).filter((/** @type {any} */ v) => typeof v === 'number'))].flatMap((s) => [String(s.n), ms(s.p50), ms(s.max)])],
  ['', 'engine compile', ...[stats(result.cold.tries.map((/** @type {any} */ t) => t.compile).filter((/** @type {any} */ v) => typeof v === 'number'))].flatMap((s) => [String(s.n), ms(s.p50), ms(s.max)])],
]);
if (!result.cold.tries.some((/** @type {any} */ t) => t.compile !== null)) console.log('  (this build records no postwacht:instantiate / postwacht:compile measures in the worker)');

console.log('\n4. Memory after typing (after GC)');
table([
  ['', 'JS heap with', 'JS heap without', 'Δ (the extension, per tab)', 'DOM nodes with / without', 'listeners with / without'],
  ...typingOf(result).map((t) => [t.label, kb(t.memory.withExtension.jsHeapUsed), kb(t.memory.without.jsHeapUsed), kb(t.memory.jsHeapDelta), `${t.memory.withExtension.nodes} / ${t.memory.without.nodes}`, `${t.memory.withExtension.jsEventListeners} / ${t.memory.without.jsEventListeners}`]),
]);
if (result.worker) {
  console.log(`  service worker (one for all tabs): JS heap ${kb(result.worker.jsHeapUsed)}, wasm memory ${mb(result.worker.wasmMemoryBytes)} (${result.worker.wasmMemories} memory)`);
}
console.log(`\n${path.relative(root, path.resolve(opts.out ?? ''))} written; ${result.seconds} s.`);

/** @returns {any[]} */
function typingOf(/** @type {any} */ r) {
  return r.typing;
}
