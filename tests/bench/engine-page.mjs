// @ts-check
// Browser benchmark of the wasm engine (issue #8): `node tests/bench/engine-page.mjs`.
//
// Drives Debian's Chromium (headless, through playwright-core) on a made-up origin served from
// memory with `context.route` (no network at all), loads dist/wasm/ (wasm-bindgen `--target
// web`) into a page and measures, in that page:
//   1. cold start: wasm instantiate, then `new Packs(sources, gates).engine` (as the worker starts), each in a fresh browser
//      context (a new renderer: nothing compiled is reused), N tries;
//   2. scan time per input size (target/bench/inputs/text-*.txt), median µs and MB/s;
//   3. the JavaScript RegExp baseline (tests/bench/js-baseline.mjs) on the same texts in the
//      same page, the ratio JS / wasm, and how many spans both find on text-3000;
//   4. catastrophic backtracking: one plausible admin-written pattern, as JS RegExp (in a
//      Worker, killed after a timeout) and as the one rule of a Postwacht bundle;
//   5. compile time of the synthetic 10/100/300/1,000-rule bundles, and scan-time growth;
//   6. wasm linear memory and JS heap after compiling the default pack and after scanning 1 MB;
//   7. wasm / native ratios when target/bench/native.json exists.
// Prints a table and writes target/bench/browser.json. Measures only: no timing assertions.
//
// Needs: dist/wasm/ (./build.sh, or cargo build --profile wasm … + wasm-bindgen as in build.sh's
// build_wasm), target/release/postwacht (cargo build --release -p postwacht-cli) and the inputs
// (cargo run --release -p postwacht-bench --bin bench-inputs -- target/bench/inputs).
//
// Options: --quick (fewer tries, shorter budgets: a smoke run), --cold N (cold-start tries,
// default 10), --no-js (skip the JS baseline scans), --out FILE (default target/bench/browser.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { describeCoverage, translateRustRegex } from './js-baseline.mjs';
import { nativeScanTimes } from './report.mjs';
import {
  BENCH_DIR,
  ROOT,
  commandLine,
  gitHead,
  launchChromium,
  machine,
  readJsonIfExists,
  round,
  summarize,
  writeJson,
} from './lib.mjs';

/** A made-up origin (`.test` is reserved): every request is answered from memory. */
const ORIGIN = 'https://bench.postwacht.test';
const CLI = path.join(ROOT, 'target/release/postwacht');
const WASM_DIR = path.join(ROOT, 'dist/wasm');
const INPUTS = path.join(BENCH_DIR, 'inputs');
/** Text inputs in the order they are reported (the bench-inputs binary's names). */
const TEXTS = ['text-280', 'text-3000', 'text-1k', 'text-10k', 'text-100k', 'text-1m'];
const RULE_COUNTS = [10, 100, 300, 1000];
const DEFAULT_PACK = 'overheid';

/**
 * The catastrophic-backtracking case: what a policy author might write for "a sentence that
 * ends in vertrouwelijk" (nested quantifiers over words), and a normal sentence without it.
 */
const BACKTRACK = {
  pattern: String.raw`^(\w+\s?)*vertrouwelijk`,
  sentence: 'Morgen bespreken we het nieuwe beleid voor de afdeling handhaving en toezicht in het stadskantoor.',
  ruleId: 'bench-sentence-ends-vertrouwelijk',
  /** Prefix lengths tried, in characters (stops after the first JS run over `stopMs`). */
  lengths: [20, 24, 28, 32, 36, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60],
  stopMs: 2000,
  timeoutMs: 12000,
};

// ---------------------------------------------------------------------------------------------
// Command line

const argv = process.argv.slice(2);
/** @param {string} name */
const flag = (name) => argv.includes(name);
/** @param {string} name @param {string} fallback */
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const QUICK = flag('--quick');
const COLD_TRIES = Number(option('--cold', QUICK ? '3' : '10'));
const NO_JS = flag('--no-js');
if (flag('--help') || !Number.isInteger(COLD_TRIES) || COLD_TRIES < 1) {
  process.stderr.write('usage: node tests/bench/engine-page.mjs [--quick] [--cold N] [--no-js] [--out FILE]\n');
  process.exit(flag('--help') ? 0 : 2);
}
const OUT = path.resolve(option('--out', path.join(BENCH_DIR, 'browser.json')));
/** Time spent measuring one (engine, text) pair, in ms: more samples for small texts. */
const SCAN_BUDGET_MS = QUICK ? 600 : 2500;
/** The JS baseline is skipped on a size whose one scan is predicted to take longer (ms). */
const JS_MAX_SCAN_MS = QUICK ? 2000 : 5000;

/** @param {string} message */
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Inputs

/**
 * The wasm glue and binary, read into memory once (a rebuild in progress cannot then serve a
 * mix of two builds). Waits while dist/wasm is missing or half-written.
 */
async function loadWasm() {
  const glue = path.join(WASM_DIR, 'postwacht_wasm.js');
  const wasm = path.join(WASM_DIR, 'postwacht_wasm_bg.wasm');
  for (let attempt = 1; ; attempt++) {
    try {
      const [g, w] = await Promise.all([readFile(glue), readFile(wasm)]);
      const [gs, ws] = await Promise.all([stat(glue), stat(wasm)]);
      if (!WebAssembly.validate(w)) throw new Error('the .wasm does not validate (being rewritten?)');
      if (!g.includes('export class Engine')) throw new Error('the glue has no Engine export');
      if (Math.abs(gs.mtimeMs - ws.mtimeMs) > 120_000) log('warning: postwacht_wasm.js and _bg.wasm are minutes apart');
      return { glue: g, wasm: w, mtime: new Date(ws.mtimeMs).toISOString() };
    } catch (e) {
      if (attempt >= 20) {
        throw new Error(`dist/wasm is missing or broken (${/** @type {Error} */ (e).message}): build it with ./build.sh`);
      }
      log(`dist/wasm not usable yet (${/** @type {Error} */ (e).message}); retrying in 15 s (${attempt}/20)`);
      await sleep(15_000);
    }
  }
}

/**
 * Runs the native CLI.
 * @param {string[]} args
 * @param {{ input?: string, ok?: number[] }} [options]
 */
function cli(args, { input, ok = [0] } = {}) {
  const r = spawnSync(CLI, args, { input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  if (!ok.includes(r.status ?? -1)) throw new Error(`postwacht ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}

/**
 * The one-rule bundle of the backtracking case: the default pack with its rules replaced by
 * one regex rule, copied from a real regex rule of the pack so every required field is there.
 * @param {any} pack the default pack's bundle
 */
function backtrackingBundle(pack) {
  const model = pack.rules.find((/** @type {any} */ r) => r.match.type === 'regex');
  if (!model) throw new Error('the default pack has no regex rule to copy');
  const { unless: _u, signals: _s, ...rule } = structuredClone(model);
  return {
    ...pack,
    id: 'bench-backtracking',
    organisation: 'Benchmark: one admin-written regex rule',
    rules: [
      {
        ...rule,
        id: BACKTRACK.ruleId,
        match: { type: 'regex', pattern: BACKTRACK.pattern, case_insensitive: true },
        message: { ...rule.message, [pack.languages[0]]: 'Deze zin eindigt op "vertrouwelijk".' },
        examples: { flag: ['Dit memo is vertrouwelijk'], pass: ['Dit memo is openbaar'] },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Serving

/**
 * Serves `files` (URL path → body and type) on ORIGIN; every other request is aborted.
 * Cross-origin isolation (COOP + COEP) gives the page 5 µs timers instead of 100 µs.
 * @param {import('playwright-core').BrowserContext} context
 * @param {Map<string, { body: string | Buffer, type: string }>} files
 */
async function serve(context, files) {
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort('blockedbyclient');
    const file = files.get(url.pathname);
    const headers = {
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    };
    if (!file) return route.fulfill({ status: 404, headers, contentType: 'text/plain', body: 'not found' });
    return route.fulfill({ status: 200, headers, contentType: file.type, body: file.body });
  });
}

/** A fresh context on ORIGIN with one page. @param {import('playwright-core').Browser} browser @param {Map<string, { body: string | Buffer, type: string }>} files */
async function openPage(browser, files) {
  const context = await browser.newContext();
  await serve(context, files);
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${ORIGIN}/`);
  return { context, page, errors };
}

const PAGE_HTML = '<!DOCTYPE html><meta charset="utf-8"><title>Postwacht bench</title><p>Postwacht engine benchmark</p>';

/** The Worker that runs one RegExp and reports how long it took. */
const REGEX_WORKER = `
onmessage = (event) => {
  const { source, flags, text } = event.data;
  const re = new RegExp(source, flags);
  const t0 = performance.now();
  const m = re.exec(text);
  postMessage({ ms: performance.now() - t0, matched: m !== null });
};
`;

// ---------------------------------------------------------------------------------------------
// In-page code (serialised by page.evaluate: no closures over this module)

/** Defines globalThis.__pw: the glue, texts, engines and the measuring loop. */
async function installHarness() {
  const g = /** @type {any} */ (globalThis);
  const glueUrl = '/wasm/postwacht_wasm.js';
  const glue = await import(glueUrl);
  const exports = await glue.default({ module_or_path: '/wasm/postwacht_wasm_bg.wasm' });
  const baselineUrl = '/js-baseline.mjs';
  const baseline = await import(baselineUrl);
  /** @type {Record<string, string>} */
  const texts = {};
  /** @type {Record<string, string>} */
  const bundles = {};
  g.__pw = {
    glue,
    exports,
    baseline,
    texts,
    bundles,
    /** @type {Record<string, any>} */
    engines: {},
    sink: 0,
    /** @param {string} name */
    async text(name) {
      texts[name] ??= await (await fetch(`/inputs/${name}.txt`)).text();
      return texts[name];
    },
    /** @param {string} name */
    async bundle(name) {
      bundles[name] ??= await (await fetch(`/bundles/${name}.json`)).text();
      return bundles[name];
    },
    /**
     * Calls fn repeatedly: a first call, a warm-up, then samples of `batch` calls each, the
     * batch sized so one sample lasts about `sampleMs` and the samples fill `budgetMs`.
     * @param {() => void} fn
     * @param {{ budgetMs: number, minSamples?: number, maxSamples?: number, sampleMs?: number }} o
     */
    measure(fn, { budgetMs, minSamples = 3, maxSamples = 200, sampleMs = 2 }) {
      let t0 = performance.now();
      fn();
      const first = performance.now() - t0;
      // Warm-up (tier-up to optimised code). A first call over the whole budget is followed by
      // one more; when that one is slow too, it is the only sample.
      let calls = 0;
      let estimate = first;
      if (first >= budgetMs) {
        t0 = performance.now();
        fn();
        calls = 1;
        estimate = performance.now() - t0;
        if (estimate >= budgetMs / minSamples) return { firstMs: first, warmupCalls: 0, batch: 1, perCallMs: [estimate] };
      } else {
        t0 = performance.now();
        const warmFor = Math.min(budgetMs / 4, 400);
        do {
          fn();
          calls++;
        } while (performance.now() - t0 < warmFor && calls < 100000);
        estimate = Math.max((performance.now() - t0) / calls, 1e-4);
      }
      const batch = Math.max(1, Math.ceil(sampleMs / estimate));
      let samples = Math.min(maxSamples, Math.floor(budgetMs / (estimate * batch)));
      // Slow calls get fewer samples rather than blowing the run's time: at least minSamples
      // when they fit in twice the budget, else at least one.
      if (samples < minSamples) samples = estimate * batch * minSamples <= 2 * budgetMs ? minSamples : Math.max(1, samples);
      /** @type {number[]} */
      const perCall = [];
      for (let s = 0; s < samples; s++) {
        const start = performance.now();
        for (let b = 0; b < batch; b++) fn();
        perCall.push((performance.now() - start) / batch);
      }
      return { firstMs: first, warmupCalls: calls, batch, perCallMs: perCall };
    },
  };
  return {
    isolated: globalThis.crossOriginIsolated,
    userAgent: navigator.userAgent,
    memoryBytes: exports.memory.buffer.byteLength,
  };
}

/**
 * One cold start in a fresh page: instantiate the wasm from its bytes, then compile the
 * default pack, then scan one post. The bytes are fetched first and not timed (the route goes
 * through Node: its latency says nothing about the extension, which reads a packaged file).
 * @param {{ text: string }} args
 */
async function coldStart({ text }) {
  const [bytes, sources, gates, json, post] = await Promise.all([
    fetch('/wasm/postwacht_wasm_bg.wasm').then((r) => r.arrayBuffer()),
    fetch('/wasm/pack-sources.json').then((r) => r.text()),
    fetch('/wasm/pack-gates.json').then((r) => r.text()),
    fetch('/bundles/default.json').then((r) => r.text()),
    fetch(`/inputs/${text}.txt`).then((r) => r.text()),
  ]);
  const glueUrl = '/wasm/postwacht_wasm.js';
  const glue = await import(glueUrl);
  const t0 = performance.now();
  const exports = await glue.default({ module_or_path: bytes });
  const t1 = performance.now();
  // What the extension's worker does: the pack sources and gate table shipped beside the wasm,
  // handed over, then the built-in pack with each regex parsed and compiled on first use.
  const engine = new glue.Packs(JSON.parse(sources), gates).engine('overheid');
  const t2 = performance.now();
  const findings = engine.scan(post);
  const t3 = performance.now();
  // What an administrator's bundle costs the first time: every regex compiled and checked.
  new glue.Engine(json).free();
  const t4 = performance.now();
  return {
    instantiateMs: t1 - t0,
    compileMs: t2 - t1,
    firstScanMs: t3 - t2,
    fullCompileMs: t4 - t3,
    findings: findings.length,
    memoryBytes: exports.memory.buffer.byteLength,
    isolated: globalThis.crossOriginIsolated,
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

/**
 * Median, spread and throughput of per-call times from the page's measure().
 * @param {{ firstMs: number, batch: number, perCallMs: number[] }} m
 * @param {number} [bytes]
 */
function timing(m, bytes) {
  const s = summarize(m.perCallMs);
  const medianUs = s.median * 1000;
  return {
    median_us: round(medianUs),
    p95_us: round(s.p95 * 1000),
    min_us: round(s.min * 1000),
    max_us: round(s.max * 1000),
    first_us: round(m.firstMs * 1000),
    samples: s.n,
    batch: m.batch,
    ...(bytes ? { mb_per_s: round(bytes / 1e6 / (medianUs / 1e6)) } : {}),
  };
}

/** @param {number[]} values */
const msSummary = (values) => {
  const s = summarize(values);
  return { median_ms: round(s.median), min_ms: round(s.min), max_ms: round(s.max), values: values.map((v) => round(v)) };
};

/**
 * CDP Runtime.getHeapUsage of the page (bytes), or null.
 * @param {import('playwright-core').Page} page
 */
async function heapUsage(page) {
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
    const heap = /** @type {any} */ (await cdp.send(/** @type {any} */ ('Runtime.getHeapUsage')));
    await cdp.detach();
    return {
      used_bytes: heap.usedSize,
      total_bytes: heap.totalSize,
      embedder_used_bytes: heap.embedderHeapUsedSize ?? null,
      backing_storage_bytes: heap.backingStorageSize ?? null,
    };
  } catch (e) {
    return { error: String(/** @type {Error} */ (e).message || e) };
  }
}

/** UTF-8 bytes of a string. @param {string} s */
const utf8Bytes = (s) => Buffer.byteLength(s, 'utf8');

/**
 * Span agreement between the engine and the baseline on one text: a finding counts as found
 * by the other side when a span of the same rule overlaps it.
 * @param {{ rule: string, start: number, end: number }[]} engine
 * @param {{ rule: string, start: number, end: number }[]} js
 * @param {Set<string>} covered rule ids the baseline implements
 */
function overlap(engine, js, covered) {
  /** @param {{ rule: string, start: number, end: number }} a @param {{ rule: string, start: number, end: number }[]} list */
  const hit = (a, list) => list.some((b) => b.rule === a.rule && b.start < a.end && a.start < b.end);
  const engineCovered = engine.filter((f) => covered.has(f.rule));
  return {
    engine_findings: engine.length,
    engine_findings_of_covered_rules: engineCovered.length,
    engine_found_by_js: engineCovered.filter((f) => hit(f, js)).length,
    js_spans: js.length,
    js_found_by_engine: js.filter((s) => hit(s, engine)).length,
  };
}

// ---------------------------------------------------------------------------------------------
// Output

/** @param {number | null | undefined} x @param {number} [digits] */
const fmt = (x, digits = 3) => {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
};

/** @param {string[]} header @param {(string | number | null | undefined)[][]} rows */
function table(header, rows) {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : (c ?? '—'))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (/** @type {(string | number)[]} */ r) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const started = Date.now();
  if (!existsSync(CLI)) throw new Error(`${path.relative(ROOT, CLI)} missing: cargo build --release -p postwacht-cli`);
  const missing = [...TEXTS.map((t) => `${t}.txt`), ...RULE_COUNTS.map((n) => `rules-${n}.json`)].filter(
    (f) => !existsSync(path.join(INPUTS, f)),
  );
  if (missing.length) {
    throw new Error(
      `missing inputs in ${path.relative(ROOT, INPUTS)}: ${missing.join(', ')}\n` +
        '  generate them with: cargo run --release -p postwacht-bench --bin bench-inputs -- target/bench/inputs',
    );
  }
  const { glue, wasm, mtime } = await loadWasm();
  const defaultJson = cli(['policy', 'export', '--pack', DEFAULT_PACK]).stdout;
  const defaultPack = JSON.parse(defaultJson);

  // The backtracking bundle, checked by the native tools first.
  const btBundle = backtrackingBundle(defaultPack);
  const btFile = path.join(BENCH_DIR, 'backtracking-bundle.json');
  await writeJson(btFile, btBundle);
  const lint = spawnSync(CLI, ['policy', 'lint', btFile], { encoding: 'utf8' });
  const examples = spawnSync(CLI, ['policy', 'test', btFile], { encoding: 'utf8' });
  const btChecked = lint.status === 0 && examples.status === 0;
  if (!btChecked) log(`warning: the backtracking bundle does not pass lint/test:\n${lint.stdout}${lint.stderr}${examples.stdout}${examples.stderr}`);

  /** @type {Map<string, { body: string | Buffer, type: string }>} */
  const files = new Map([
    ['/', { body: PAGE_HTML, type: 'text/html; charset=utf-8' }],
    ['/wasm/postwacht_wasm.js', { body: glue, type: 'text/javascript; charset=utf-8' }],
    ['/wasm/postwacht_wasm_bg.wasm', { body: wasm, type: 'application/wasm' }],
    ['/wasm/pack-sources.json', { body: readFileSync(path.join(ROOT, 'dist/chromium/wasm/pack-sources.json')), type: 'application/json' }],
    ['/wasm/pack-gates.json', { body: readFileSync(path.join(ROOT, 'dist/chromium/wasm/pack-gates.json')), type: 'application/json' }],
    ['/js-baseline.mjs', { body: readFileSync(new URL('./js-baseline.mjs', import.meta.url)), type: 'text/javascript; charset=utf-8' }],
    ['/regex-worker.js', { body: REGEX_WORKER, type: 'text/javascript; charset=utf-8' }],
    ['/bundles/default.json', { body: defaultJson, type: 'application/json' }],
    ['/bundles/backtracking.json', { body: JSON.stringify(btBundle), type: 'application/json' }],
  ]);
  /** @type {Record<string, string>} */
  const texts = {};
  for (const t of TEXTS) {
    texts[t] = await readFile(path.join(INPUTS, `${t}.txt`), 'utf8');
    files.set(`/inputs/${t}.txt`, { body: texts[t], type: 'text/plain; charset=utf-8' });
  }
  for (const n of RULE_COUNTS) {
    files.set(`/bundles/rules-${n}.json`, { body: await readFile(path.join(INPUTS, `rules-${n}.json`)), type: 'application/json' });
  }

  const browser = await launchChromium();
  const chromiumVersion = browser.version();
  log(`Chromium ${chromiumVersion}, wasm ${wasm.length} bytes (built ${mtime})`);

  // 1. Cold start, a fresh context (renderer) per try.
  /** @type {any[]} */
  const cold = [];
  for (let i = 0; i < COLD_TRIES; i++) {
    const { context, page } = await openPage(browser, files);
    cold.push(await page.evaluate(coldStart, { text: 'text-280' }));
    await context.close();
  }
  log(`cold start: ${cold.length} tries`);

  // 6. Memory, in a fresh page: after init, after compiling the default pack, after scans.
  const mem = await (async () => {
    const { context, page } = await openPage(browser, files);
    const installed = await page.evaluate(installHarness);
    const heapAfterInit = await heapUsage(page);
    const afterCompile = await page.evaluate(async () => {
      const pw = /** @type {any} */ (globalThis).__pw;
      pw.engines.default = new pw.glue.Engine(await pw.bundle('default'));
      return pw.exports.memory.buffer.byteLength;
    });
    const heapAfterCompile = await heapUsage(page);
    const afterScans = await page.evaluate(async () => {
      const pw = /** @type {any} */ (globalThis).__pw;
      const out = [];
      for (const name of ['text-3000', 'text-1m']) {
        const findings = pw.engines.default.scan(await pw.text(name));
        out.push({ name, findings: findings.length, memoryBytes: pw.exports.memory.buffer.byteLength });
      }
      const perf = /** @type {any} */ (performance).memory;
      return { out, performanceMemory: perf ? { used: perf.usedJSHeapSize, total: perf.totalJSHeapSize } : null };
    });
    const heapAfterScan = await heapUsage(page);
    await context.close();
    return {
      wasm_memory_after_init_bytes: installed.memoryBytes,
      wasm_memory_after_compile_bytes: afterCompile,
      wasm_memory_after_scan_3000_bytes: afterScans.out[0].memoryBytes,
      wasm_memory_after_scan_1m_bytes: afterScans.out[1].memoryBytes,
      js_heap_after_init: heapAfterInit,
      js_heap_after_compile: heapAfterCompile,
      js_heap_after_scan_1m: heapAfterScan,
      performance_memory_after_scan_1m: afterScans.performanceMemory,
      note: 'wasm linear memory only grows; JS heap via CDP Runtime.getHeapUsage after a forced GC',
    };
  })();
  log('memory measured');

  // The main page: scans, baseline, bundles, backtracking.
  const { context, page, errors } = await openPage(browser, files);
  const env = await page.evaluate(installHarness);
  if (!env.isolated) log('warning: the page is not cross-origin isolated: timers are coarse (100 µs)');
  await page.evaluate(async () => {
    const pw = /** @type {any} */ (globalThis).__pw;
    pw.engines.default = new pw.glue.Engine(await pw.bundle('default'));
  });
  // The JS baseline's RegExps compile lazily, on their first exec: two untimed-for-the-table
  // scans of a post compile them all, so the first measured size is not charged for it.
  const jsSetup = NO_JS
    ? null
    : await page.evaluate(async () => {
        const pw = /** @type {any} */ (globalThis).__pw;
        const t0 = performance.now();
        pw.jsDefault = pw.baseline.compileBaseline(JSON.parse(await pw.bundle('default')));
        const t1 = performance.now();
        const post = await pw.text('text-280');
        pw.jsDefault.scan(post);
        const t2 = performance.now();
        pw.jsDefault.scan(post);
        const t3 = performance.now();
        return { constructMs: t1 - t0, firstScanMs: t2 - t1, secondScanMs: t3 - t2 };
      });

  // 2. + 3. Scan time per size: wasm, then the JS baseline, in the same page.
  /** @type {any[]} */
  const scans = [];
  let jsPrevMsPerByte = 0;
  for (const name of TEXTS) {
    const bytes = utf8Bytes(texts[name]);
    const w = await page.evaluate(
      async ({ name, budgetMs }) => {
        const pw = /** @type {any} */ (globalThis).__pw;
        const text = await pw.text(name);
        const engine = pw.engines.default;
        let findings = 0;
        const m = pw.measure(() => (findings = engine.scan(text).length), { budgetMs });
        return { ...m, findings };
      },
      { name, budgetMs: SCAN_BUDGET_MS },
    );
    /** @type {any} */
    const row = { input: name, bytes, chars: [...texts[name]].length, utf16: texts[name].length, findings: w.findings, wasm: timing(w, bytes) };
    log(`wasm ${name}: ${fmt(row.wasm.median_us)} µs`);
    const predictedMs = jsPrevMsPerByte * bytes;
    if (NO_JS) {
      row.js = { skipped: '--no-js' };
    } else if (predictedMs > JS_MAX_SCAN_MS) {
      row.js = { skipped: `predicted ${Math.round(predictedMs / 1000)} s per scan (limit ${JS_MAX_SCAN_MS / 1000} s)` };
      log(`js ${name}: skipped (${row.js.skipped})`);
    } else {
      const j = await page.evaluate(
        async ({ name, budgetMs }) => {
          const pw = /** @type {any} */ (globalThis).__pw;
          const text = await pw.text(name);
          let spans = 0;
          const m = pw.measure(() => (spans = pw.jsDefault.scan(text).length), { budgetMs, minSamples: 3 });
          return { ...m, spans };
        },
        { name, budgetMs: SCAN_BUDGET_MS },
      );
      row.js = { ...timing(j, bytes), spans: j.spans };
      row.js_over_wasm = round((row.js.median_us ?? NaN) / (row.wasm.median_us ?? NaN), 3);
      jsPrevMsPerByte = Math.max(jsPrevMsPerByte, (row.js.median_us ?? 0) / 1000 / bytes);
      log(`js ${name}: ${fmt(row.js.median_us)} µs`);
    }
    scans.push(row);
  }

  // Fairness: do both find roughly the same spans on text-3000?
  const agreement = await page.evaluate(async () => {
    const pw = /** @type {any} */ (globalThis).__pw;
    pw.jsDefault ??= pw.baseline.compileBaseline(JSON.parse(await pw.bundle('default')));
    const text = await pw.text('text-3000');
    const engine = pw.engines.default.scan(text).map((/** @type {any} */ f) => ({ rule: f.rule, start: f.start, end: f.end }));
    const js = pw.jsDefault.scan(text);
    return { engine, js, coverage: pw.jsDefault.coverage, checked: pw.jsDefault.checks.map((/** @type {any} */ c) => c.id) };
  });
  const baselineInfo = {
    covers: describeCoverage(agreement.coverage),
    setup: jsSetup && {
      construct_ms: round(jsSetup.constructMs),
      first_scan_text_280_ms: round(jsSetup.firstScanMs),
      second_scan_text_280_ms: round(jsSetup.secondScanMs),
      note: 'RegExps compile lazily: the first scan includes compiling every one of them',
    },
    coverage: agreement.coverage,
    overlap_text_3000: overlap(agreement.engine, agreement.js, new Set(agreement.checked)),
  };

  // 5. Compile time of the synthetic bundles, and text-3000 scans with each.
  /** @type {any[]} */
  const compiles = [];
  for (const n of RULE_COUNTS) {
    const r = await page.evaluate(
      async ({ n, budgetMs, maxTries }) => {
        const pw = /** @type {any} */ (globalThis).__pw;
        const json = await pw.bundle(`rules-${n}`);
        /** @type {number[]} */
        const ms = [];
        const start = performance.now();
        let engine;
        do {
          engine?.free();
          const t0 = performance.now();
          engine = new pw.glue.Engine(json);
          ms.push(performance.now() - t0);
        } while (ms.length < maxTries && (ms.length < 3 || performance.now() - start < budgetMs));
        const text = await pw.text('text-3000');
        const m = pw.measure(() => (pw.sink ^= engine.scan(text).length), { budgetMs: budgetMs / 2 });
        engine.free();
        return { ms, scan: m, memoryBytes: pw.exports.memory.buffer.byteLength };
      },
      { n, budgetMs: QUICK ? 1000 : 4000, maxTries: QUICK ? 3 : 10 },
    );
    compiles.push({ rules: n, compile: msSummary(r.ms), scan_text_3000: timing(r.scan, utf8Bytes(texts['text-3000'])), wasm_memory_bytes: r.memoryBytes });
    log(`compile rules-${n}: ${fmt(compiles.at(-1).compile.median_ms)} ms`);
  }
  for (let i = 1; i < compiles.length; i++) {
    const [a, b] = [compiles[i - 1], compiles[i]];
    const timeRatio = b.compile.median_ms / a.compile.median_ms;
    const ruleRatio = b.rules / a.rules;
    b.growth = { from_rules: a.rules, time_ratio: round(timeRatio, 3), rule_ratio: round(ruleRatio, 3), factor: round(timeRatio / ruleRatio, 3) };
  }
  const [smallest, largest] = [compiles[0], compiles[compiles.length - 1]];
  const compileGrowth = {
    from_rules: smallest.rules,
    to_rules: largest.rules,
    time_ratio: round(largest.compile.median_ms / smallest.compile.median_ms, 3),
    rule_ratio: round(largest.rules / smallest.rules, 3),
    factor: round(largest.compile.median_ms / smallest.compile.median_ms / (largest.rules / smallest.rules), 3),
  };

  // 4. Catastrophic backtracking: JS in a Worker (killed after a timeout) vs the engine.
  const jsSource = translateRustRegex(BACKTRACK.pattern);
  const bt = await page.evaluate(
    async ({ source, flags, sentence, lengths, stopMs, timeoutMs, budgetMs }) => {
      const pw = /** @type {any} */ (globalThis).__pw;
      const engine = new pw.glue.Engine(await pw.bundle('backtracking'));
      /** @param {string} text @returns {Promise<{ ms: number, matched?: boolean, timedOut?: boolean }>} */
      const runJs = (text) =>
        new Promise((resolve) => {
          const worker = new Worker('/regex-worker.js');
          const timer = setTimeout(() => {
            worker.terminate();
            resolve({ ms: timeoutMs, timedOut: true });
          }, timeoutMs);
          worker.onmessage = (e) => {
            clearTimeout(timer);
            worker.terminate();
            resolve(e.data);
          };
          worker.postMessage({ source, flags, text });
        });
      const runs = [];
      for (const length of [...lengths, sentence.length]) {
        if (length > sentence.length) continue;
        const text = sentence.slice(0, length);
        const m = pw.measure(() => (pw.sink ^= engine.scan(text).length), { budgetMs });
        const js = await runJs(text);
        runs.push({ chars: length, text, js, wasm: m, wasmFindings: engine.scan(text).length });
        if (js.timedOut || js.ms > stopMs) break;
      }
      engine.free();
      return runs;
    },
    {
      source: jsSource,
      flags: 'giu',
      sentence: BACKTRACK.sentence,
      lengths: BACKTRACK.lengths,
      stopMs: BACKTRACK.stopMs,
      timeoutMs: BACKTRACK.timeoutMs,
      budgetMs: QUICK ? 100 : 300,
    },
  );
  const backtracking = {
    pattern: BACKTRACK.pattern,
    js_source: jsSource,
    js_flags: 'giu',
    rule_id: BACKTRACK.ruleId,
    bundle: path.relative(ROOT, btFile),
    bundle_lint_and_examples_pass: btChecked,
    timeout_ms: BACKTRACK.timeoutMs,
    runs: bt.map((r) => ({
      chars: r.chars,
      text: r.text,
      js_ms: r.js.timedOut ? null : round(r.js.ms),
      js_timed_out: Boolean(r.js.timedOut),
      js_matched: r.js.matched ?? null,
      wasm: timing(r.wasm),
      wasm_findings: r.wasmFindings,
    })),
  };
  log(`backtracking: ${bt.length} lengths`);
  if (errors.length) log(`page errors: ${errors.join('; ')}`);
  await context.close();
  await browser.close();

  // 7. Native comparison.
  const nativeFile = path.join(BENCH_DIR, 'native.json');
  const native = readJsonIfExists(nativeFile);
  const nativeTimes = native ? nativeScanTimes(native) : new Map();
  const nativeRows = scans
    .filter((s) => nativeTimes.has(s.input))
    .map((s) => {
      const n = /** @type {{ us: number, path: string }} */ (nativeTimes.get(s.input));
      return { input: s.input, wasm_us: s.wasm.median_us, native_us: round(n.us), wasm_over_native: round(s.wasm.median_us / n.us, 3), native_field: n.path };
    });

  const byName = Object.fromEntries(scans.map((s) => [s.input, s]));
  const growth1kTo1m = {
    bytes_ratio: round(byName['text-1m'].bytes / byName['text-1k'].bytes, 4),
    time_ratio: round(byName['text-1m'].wasm.median_us / byName['text-1k'].wasm.median_us, 4),
  };
  const coldInstantiate = cold.map((c) => c.instantiateMs);
  const coldCompile = cold.map((c) => c.compileMs);
  const result = {
    schema: 1,
    command: commandLine(),
    git: gitHead(),
    date: new Date().toISOString(),
    duration_s: round((Date.now() - started) / 1000, 3),
    machine: { ...machine(), chromium: chromiumVersion, user_agent: env.userAgent, cross_origin_isolated: env.isolated },
    options: { quick: QUICK, cold_tries: COLD_TRIES, scan_budget_ms: SCAN_BUDGET_MS, js_max_scan_ms: JS_MAX_SCAN_MS },
    wasm: { file: 'dist/wasm/postwacht_wasm_bg.wasm', bytes: wasm.length, built: mtime, instantiate: 'WebAssembly.instantiate from bytes, via the wasm-bindgen init' },
    default_pack: { name: DEFAULT_PACK, rules: defaultPack.rules.length },
    cold_start: {
      tries: cold.length,
      instantiate: msSummary(coldInstantiate),
      compile_default_pack: msSummary(coldCompile),
      total: msSummary(cold.map((c) => c.instantiateMs + c.compileMs)),
      first_scan_text_280: msSummary(cold.map((c) => c.firstScanMs)),
      compile_default_pack_in_full: msSummary(cold.map((c) => c.fullCompileMs)),
      note: 'compile_default_pack is new Packs(JSON.parse(sources), gates).engine("overheid"), as the extension starts (from the gate table its build writes; regexes parsed and compiled on first use); compile_default_pack_in_full is new Engine(json), every regex compiled and checked, as for an administrator\'s new bundle',
    },
    scan: scans,
    scan_growth_1k_to_1m: growth1kTo1m,
    js_baseline: baselineInfo,
    backtracking,
    compile: compiles,
    compile_growth: compileGrowth,
    memory: mem,
    native: native ? { file: path.relative(ROOT, nativeFile), comparisons: nativeRows } : null,
  };
  await writeJson(OUT, result);

  // The readable summary.
  const out = [];
  out.push(`Postwacht wasm engine in Chromium ${chromiumVersion} (${result.machine.nproc} cores, ${result.machine.cpu}), ${result.git ?? '?'}, ${result.date}`);
  out.push(`wasm ${wasm.length.toLocaleString('en-US')} bytes; default pack '${DEFAULT_PACK}' (${defaultPack.rules.length} rules); timers ${env.isolated ? '5 µs (cross-origin isolated)' : '100 µs'}`);
  out.push('');
  out.push(`Cold start (fresh context each, ${cold.length} tries): median [min–max] ms`);
  out.push(
    table(
      ['step', 'median ms', 'min ms', 'max ms'],
      [
        ['wasm instantiate', result.cold_start.instantiate.median_ms, result.cold_start.instantiate.min_ms, result.cold_start.instantiate.max_ms],
        ['compile default pack', result.cold_start.compile_default_pack.median_ms, result.cold_start.compile_default_pack.min_ms, result.cold_start.compile_default_pack.max_ms],
        ['instantiate + compile', result.cold_start.total.median_ms, result.cold_start.total.min_ms, result.cold_start.total.max_ms],
        ['first scan (text-280)', result.cold_start.first_scan_text_280.median_ms, result.cold_start.first_scan_text_280.min_ms, result.cold_start.first_scan_text_280.max_ms],
        ['compile in full (new Engine)', result.cold_start.compile_default_pack_in_full.median_ms, result.cold_start.compile_default_pack_in_full.min_ms, result.cold_start.compile_default_pack_in_full.max_ms],
      ],
    ),
  );
  out.push('');
  out.push('Scan, default pack (median per scan; JS = RegExp baseline in the same page)');
  out.push(
    table(
      ['input', 'bytes', 'findings', 'wasm µs', 'wasm MB/s', 'samples', 'JS µs', 'JS spans', 'JS/wasm', 'native µs', 'wasm/native'],
      scans.map((s) => {
        const n = nativeRows.find((r) => r.input === s.input);
        return [
          s.input,
          s.bytes,
          s.findings,
          s.wasm.median_us,
          s.wasm.mb_per_s,
          `${s.wasm.samples}×${s.wasm.batch}`,
          s.js.median_us ?? (s.js.skipped ? 'skipped' : null),
          s.js.spans,
          s.js_over_wasm,
          n?.native_us,
          n?.wasm_over_native,
        ];
      }),
    ),
  );
  out.push(`Scan growth text-1k → text-1m: ×${fmt(growth1kTo1m.time_ratio)} time for ×${fmt(growth1kTo1m.bytes_ratio)} bytes`);
  out.push(`JS baseline covers ${baselineInfo.covers}`);
  if (jsSetup) {
    out.push(
      `JS baseline set-up: new RegExp × all rules ${fmt(jsSetup.constructMs)} ms; first scan of text-280 (compiles every RegExp) ` +
        `${fmt(jsSetup.firstScanMs)} ms, second ${fmt(jsSetup.secondScanMs)} ms`,
    );
  }
  const o = baselineInfo.overlap_text_3000;
  out.push(
    `Span agreement on text-3000: ${o.engine_found_by_js} of ${o.engine_findings_of_covered_rules} engine findings of covered rules ` +
      `(${o.engine_findings} in all) overlap a JS span of the same rule; ${o.js_found_by_engine} of ${o.js_spans} JS spans overlap an engine finding`,
  );
  for (const s of scans.filter((s) => s.js.skipped)) out.push(`  JS on ${s.input}: ${s.js.skipped}`);
  out.push('');
  out.push('Compile synthetic bundles (wasm)');
  out.push(
    table(
      ['rules', 'median ms', 'min ms', 'max ms', 'tries', 'growth factor', 'text-3000 scan µs'],
      compiles.map((c) => [c.rules, c.compile.median_ms, c.compile.min_ms, c.compile.max_ms, c.compile.values.length, c.growth?.factor, c.scan_text_3000.median_us]),
    ),
  );
  out.push('  growth factor = (time ratio) / (rule ratio) against the previous bundle: 1 is linear');
  out.push(
    `  ${compileGrowth.from_rules} → ${compileGrowth.to_rules} rules: ×${fmt(compileGrowth.time_ratio)} time for ×${fmt(compileGrowth.rule_ratio)} rules (factor ${fmt(compileGrowth.factor)})`,
  );
  out.push('');
  out.push(`Catastrophic backtracking: /${BACKTRACK.pattern}/ (JS: ${jsSource.length} chars, flags giu, in a Worker, timeout ${BACKTRACK.timeoutMs / 1000} s)`);
  out.push(
    table(
      ['chars', 'JS RegExp ms', 'wasm engine µs', 'text'],
      backtracking.runs.map((r) => [r.chars, r.js_timed_out ? `>${BACKTRACK.timeoutMs}` : r.js_ms, r.wasm.median_us, JSON.stringify(r.text)]),
    ),
  );
  if (!btChecked) out.push('  (warning: the one-rule bundle did not pass postwacht policy lint/test)');
  out.push('');
  out.push('Memory');
  /** @param {number | null | undefined} b */
  const mb = (b) => (typeof b === 'number' ? `${fmt(b / 1048576)} MiB` : '—');
  out.push(
    table(
      ['when', 'wasm memory', 'JS heap used'],
      [
        ['after init', mb(mem.wasm_memory_after_init_bytes), mb(/** @type {any} */ (mem.js_heap_after_init).used_bytes)],
        ['after compiling default pack', mb(mem.wasm_memory_after_compile_bytes), mb(/** @type {any} */ (mem.js_heap_after_compile).used_bytes)],
        ['after scanning text-3000', mb(mem.wasm_memory_after_scan_3000_bytes), '—'],
        ['after scanning text-1m', mb(mem.wasm_memory_after_scan_1m_bytes), mb(/** @type {any} */ (mem.js_heap_after_scan_1m).used_bytes)],
      ],
    ),
  );
  out.push('');
  out.push(native ? `Native: ${nativeRows.length ? `${nativeRows.length} sizes compared (from ${path.relative(ROOT, nativeFile)})` : `no scan medians recognised in ${path.relative(ROOT, nativeFile)}`}` : `Native: ${path.relative(ROOT, nativeFile)} not found (no wasm/native ratios)`);
  out.push(`Wrote ${path.relative(ROOT, OUT)} in ${fmt(result.duration_s)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`engine-page: ${e instanceof Error ? e.stack || e.message : e}\n`);
  process.exit(2);
});
