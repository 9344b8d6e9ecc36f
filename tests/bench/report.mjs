// @ts-check
// Renders BENCHMARKS.md at the repository root from the benchmark JSON files (issue #8):
//   node tests/bench/report.mjs [--dir target/bench] [--out BENCHMARKS.md]
//
// Sources, each optional (a missing one shows as "no data", never as a failure):
//   target/bench/native.json   criterion figures of the native engine (crates/bench)
//   target/bench/browser.json  node tests/bench/engine-page.mjs: the wasm engine in Chromium
//   target/bench/typing.json   node tests/bench/typing.mjs: typing latency, service-worker cold
//                              start and memory per tab with the extension
//   target/bench/size.json     ./build.sh: .wasm raw/gzip bytes, extension zip bytes
// Only browser.json's shape is fixed here (this directory writes it); the others are read
// tolerantly: figures are found by the words in their JSON paths and the units in their key
// names (`_ns`, `_us`, `_ms`, `_s`, `_bytes`, `_kb`, `_mb`, …), and every numeric figure of
// each file is listed too, so nothing is hidden when a name is not recognised.
//
// Everything between `<!-- notes:start -->` and `<!-- notes:end -->` in an existing
// BENCHMARKS.md is kept verbatim: that is where engineers write what was tried.
// Measures nothing and asserts nothing: met/missed is information, not a test.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { BENCH_DIR, ROOT, gitHead, machine, readJsonIfExists } from './lib.mjs';

export const NOTES_START = '<!-- notes:start -->';
export const NOTES_END = '<!-- notes:end -->';
const DEFAULT_NOTES = `${NOTES_START}
## Notes

What was tried and what it changed, written by hand. \`node tests/bench/report.mjs\` keeps this
section verbatim between the two markers.

${NOTES_END}`;

/** Text inputs, as crates/bench names them. */
export const TEXTS = ['text-280', 'text-3000', 'text-1k', 'text-10k', 'text-100k', 'text-1m'];

// ---------------------------------------------------------------------------------------------
// Reading JSON of unknown shape

/**
 * Every numeric leaf of a JSON value with its dotted path (array items by index, or by their
 * `name`/`id`/`input` when they have one).
 * @param {any} value
 * @param {string} [at]
 * @returns {{ path: string, key: string, value: number }[]}
 */
export function numericLeaves(value, at = '') {
  /** @type {{ path: string, key: string, value: number }[]} */
  const out = [];
  if (Array.isArray(value)) {
    // Raw samples are summarised elsewhere in the same file: listing them helps nobody.
    if (value.length > 8 && value.every((v) => typeof v === 'number')) return out;
    value.forEach((item, i) => {
      const label = item && typeof item === 'object' ? (item.name ?? item.id ?? item.input ?? item.rules ?? i) : i;
      out.push(...numericLeaves(item, at ? `${at}[${label}]` : `[${label}]`));
    });
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const p = at ? `${at}.${key}` : key;
      if (typeof v === 'number' && Number.isFinite(v)) out.push({ path: p, key, value: v });
      else out.push(...numericLeaves(v, p));
    }
  }
  return out;
}

/** `heapUsedBytes` → `heap_used_bytes`. @param {string} key */
const snake = (key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * A time in a key's unit, as µs; null when the key names no time unit.
 * @param {string} key
 * @param {number} value
 */
export function asMicros(key, value) {
  const k = snake(key);
  if (/(^|_)ns$|nanos/.test(k)) return value / 1000;
  if (/(^|_)(us|µs|micros?)$/.test(k)) return value;
  if (/(^|_)ms$|millis/.test(k)) return value * 1000;
  if (/(^|_)(s|secs?|seconds)$/.test(k)) return value * 1e6;
  return null;
}

/**
 * A size in a key's unit, as bytes; null when the key names no size unit.
 * @param {string} key
 * @param {number} value
 */
export function asBytes(key, value) {
  const k = snake(key);
  if (/(^|_)(bytes?|b)$/.test(k) || /bytes/.test(k)) return value;
  if (/(^|_)kib$/.test(k)) return value * 1024;
  if (/(^|_)kb$/.test(k)) return value * 1000;
  if (/(^|_)mib$/.test(k)) return value * 1048576;
  if (/(^|_)mb$/.test(k)) return value * 1e6;
  return null;
}

/**
 * The first leaf (in file order) whose path matches every regex of `all` and none of `none`
 * and whose key converts with `convert`. Returns the converted value and the path.
 * @param {any} json
 * @param {RegExp[]} all
 * @param {(key: string, value: number) => number | null} convert
 * @param {RegExp[]} [none]
 * @returns {{ value: number, path: string } | null}
 */
export function findFigure(json, all, convert, none = []) {
  if (!json) return null;
  for (const leaf of numericLeaves(json)) {
    const p = leaf.path.toLowerCase();
    if (!all.every((r) => r.test(p)) || none.some((r) => r.test(p))) continue;
    const value = convert(leaf.key, leaf.value);
    if (value !== null) return { value, path: leaf.path };
  }
  return null;
}

/**
 * Native scan medians (µs) per text input, from criterion output of any reasonable shape: a
 * `median…` figure with a time unit under a path (or `name`/`input`/`id`) naming the input,
 * preferring paths that say scan/engine/postwacht, never baseline/compile ones.
 * @param {any} native
 * @returns {Map<string, { us: number, path: string }>}
 */
export function nativeScanTimes(native) {
  // crates/bench writes `results["scan-overheid/<input>"].median_ns`: the default pack alone,
  // which is what the browser figures measure too (not the all-packs cases).
  const exact = TEXTS.filter((t) => native?.results?.[`scan-overheid/${t}`]?.median_ns).map((t) => [
    t,
    { us: native.results[`scan-overheid/${t}`].median_ns / 1000, path: `results.scan-overheid/${t}.median_ns` },
  ]);
  if (exact.length) return new Map(/** @type {[string, { us: number, path: string }][]} */ (exact));
  /** @type {Map<string, { us: number, path: string, score: number }>} */
  const best = new Map();
  for (const leaf of numericLeaves(native)) {
    if (!/median/i.test(leaf.key)) continue;
    const us = asMicros(leaf.key, leaf.value);
    const p = leaf.path.toLowerCase();
    const text = TEXTS.find((t) => new RegExp(`${t}(?![0-9a-z])`).test(p));
    if (us === null || !text || /baseline|regex-per-rule|one-regex|compile|build|wasm/.test(p)) continue;
    const score = /scan|engine|postwacht/.test(p) ? 1 : 0;
    const old = best.get(text);
    if (!old || score > old.score) best.set(text, { us, path: leaf.path, score });
  }
  return new Map([...best].map(([k, v]) => [k, { us: v.us, path: v.path }]));
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** @param {number | null | undefined} x @param {number} [digits] */
export function fmt(x, digits = 3) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
}

/** @param {number | null | undefined} us */
const fmtTime = (us) => {
  if (us === null || us === undefined || !Number.isFinite(us)) return '—';
  if (us >= 1e6) return `${fmt(us / 1e6)} s`;
  if (us >= 1000) return `${fmt(us / 1000)} ms`;
  return `${fmt(us)} µs`;
};

/** @param {number | null | undefined} b */
const fmtBytes = (b) => {
  if (b === null || b === undefined || !Number.isFinite(b)) return '—';
  if (b >= 1e6) return `${fmt(b / 1e6)} MB (${fmt(b)} bytes)`;
  if (b >= 1000) return `${fmt(b / 1000)} KB (${fmt(b)} bytes)`;
  return `${fmt(b)} bytes`;
};

/** @param {string} s */
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** @param {string[]} header @param {(string | number | null | undefined)[][]} rows */
function mdTable(header, rows) {
  const line = (/** @type {(string | number | null | undefined)[]} */ r) =>
    `| ${r.map((c) => cell(typeof c === 'number' ? fmt(c) : (c ?? '—'))).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * Where a source's figures came from: command, date, git, machine.
 * @param {string} file
 * @param {any} json
 */
function provenance(file, json) {
  const rel = path.relative(ROOT, file);
  const date = json?.date ?? json?.generated ?? json?.timestamp ?? `${statSync(file).mtime.toISOString()} (file time)`;
  const m = json?.machine;
  const where = m
    ? `${m.nproc ?? '?'} cores, ${m.cpu ?? m.cpu_model ?? '?'}${m.chromium ?? json.chromium ? `, Chromium ${m.chromium ?? json.chromium}` : ''}`
    : 'not recorded in the file';
  return [
    `- Command: \`${json?.command ?? 'not recorded in the file'}\``,
    `- Date: ${date}${json?.git ?? json?.rev ? `, commit \`${json.git ?? json.rev}\`${json.dirty ? ' (with uncommitted changes)' : ''}` : ''}`,
    `- Machine: ${where}`,
    `- Source: \`${rel}\``,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Targets

/**
 * @typedef {{ target: string, figure: string, met: boolean | null, source: string }} Row
 */

/**
 * @param {{ native: any, browser: any, typing: any, size: any }} data
 * @param {Map<string, { us: number, path: string }>} nativeTimes
 * @param {Record<string, number>} inputBytes
 * @returns {Row[]}
 */
function targets({ native, browser, typing, size }, nativeTimes, inputBytes) {
  /** @type {Row[]} */
  const rows = [];
  /** @param {string} target @param {string} figure @param {boolean | null} met @param {string} source */
  const add = (target, figure, met, source) => rows.push({ target, figure, met, source });
  const scans = /** @type {any[]} */ (browser?.scan ?? []);
  const scan = (/** @type {string} */ name) => scans.find((s) => s.input === name);

  // Typical post in wasm.
  const post = scan('text-3000');
  add(
    'Typical post (≤ 3,000 characters) scanned in ≤ 100 µs in wasm',
    post ? `${fmtTime(post.wasm.median_us)} (text-3000, median); text-280: ${fmtTime(scan('text-280')?.wasm.median_us)}` : 'no data',
    post ? post.wasm.median_us <= 100 : null,
    'browser',
  );

  // Native throughput on long text.
  const longest = [...TEXTS].reverse().find((t) => nativeTimes.has(t) && inputBytes[t]);
  if (longest) {
    const mbs = inputBytes[longest] / /** @type {{ us: number }} */ (nativeTimes.get(longest)).us;
    add('≥ 50 MB/s native on long text', `${fmt(mbs)} MB/s (${longest})`, mbs >= 50, 'native');
  } else {
    const direct = findFigure(native, [/1m|long|100k/, /mb_?per_?s|mbps|throughput/], (_k, v) => v);
    add('≥ 50 MB/s native on long text', direct ? `${fmt(direct.value)} MB/s (${direct.path})` : 'no data', direct ? direct.value >= 50 : null, 'native');
  }

  // wasm within 3x native.
  const ratios = scans
    .filter((s) => nativeTimes.has(s.input) && s.wasm?.median_us)
    .map((s) => ({ input: s.input, ratio: s.wasm.median_us / /** @type {{ us: number }} */ (nativeTimes.get(s.input)).us }));
  if (ratios.length) {
    const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const best = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    add('wasm within 3× of native', `worst ${fmt(worst.ratio)}× (${worst.input}), best ${fmt(best.ratio)}× (${best.input})`, worst.ratio <= 3, 'browser + native');
  } else {
    add('wasm within 3× of native', 'no data', null, 'browser + native');
  }

  // Faster than the JS baseline.
  const js = scans.filter((s) => typeof s.js_over_wasm === 'number');
  if (js.length) {
    const min = js.reduce((a, b) => (b.js_over_wasm < a.js_over_wasm ? b : a));
    const max = js.reduce((a, b) => (b.js_over_wasm > a.js_over_wasm ? b : a));
    add(
      'Faster than the JS RegExp baseline',
      `JS/wasm ${fmt(min.js_over_wasm)}× (${min.input}) to ${fmt(max.js_over_wasm)}× (${max.input}) on ${js.length} sizes`,
      min.js_over_wasm > 1,
      'browser',
    );
  } else {
    add('Faster than the JS RegExp baseline', 'no data', null, 'browser');
  }

  // Typing: typing.mjs's shape (times in ms, memory in bytes), else any shape.
  const editors = /** @type {any[]} */ (Array.isArray(typing?.typing) ? typing.typing : []);
  /** @param {(e: any) => unknown} get */
  const worstOf = (get) => {
    const xs = editors.map((e) => ({ label: String(e.label ?? e.editor ?? '?'), v: get(e) })).filter((x) => typeof x.v === 'number');
    return xs.length ? /** @type {{ label: string, v: number }} */ (xs.reduce((a, b) => (/** @type {number} */ (b.v) > /** @type {number} */ (a.v) ? b : a))) : null;
  };
  const k95 = worstOf((e) => e.inputToHighlight?.p95);
  if (k95) {
    const all = editors.map((e) => `${e.editor ?? e.label}: ${fmt(e.inputToHighlight?.p95)} ms`).join(', ');
    add('Keystroke-to-highlight p95 ≤ 4 ms', `${fmt(k95.v)} ms worst (${all})`, k95.v <= 4, 'typing');
  } else {
    const keystroke = findFigure(typing, [/keystroke|highlight/, /p95/], asMicros);
    add('Keystroke-to-highlight p95 ≤ 4 ms', keystroke ? `${fmtTime(keystroke.value)} (\`${keystroke.path}\`)` : 'no data', keystroke ? keystroke.value <= 4000 : null, 'typing');
  }
  const frame = worstOf((e) => e.keydownToNextFrame?.frameDone?.deltaP50);
  const raf = worstOf((e) => e.keydownToNextFrame?.rafCallback?.deltaP50);
  if (frame || raf) {
    const main = frame ?? /** @type {{ label: string, v: number }} */ (raf);
    add(
      'Added typing latency ≤ 1 ms at the median',
      `${fmt(main.v)} ms worst, keydown to the end of the next frame (${main.label})` +
        (frame && raf ? `; to the next rAF callback: ${fmt(raf.v)} ms worst` : ''),
      main.v <= 1,
      'typing',
    );
  } else {
    const added = findFigure(typing, [/added|overhead|extra|delta/, /median|p50/], asMicros);
    add('Added typing latency ≤ 1 ms at the median', added ? `${fmtTime(added.value)} (\`${added.path}\`)` : 'no data', added ? added.value <= 1000 : null, 'typing');
  }

  // Cold start.
  const cold = browser?.cold_start?.total?.median_ms;
  add(
    'Cold start (instantiate + compile default pack) ≤ 50 ms',
    typeof cold === 'number'
      ? `${fmt(cold)} ms median in a page (instantiate ${fmt(browser.cold_start.instantiate.median_ms)} ms + compile ${fmt(browser.cold_start.compile_default_pack.median_ms)} ms)`
      : 'no data',
    typeof cold === 'number' ? cold <= 50 : null,
    'browser',
  );
  const sw = typing?.cold?.midPost ?? typing?.cold?.focusType;
  if (typeof sw?.instantiate?.p50 === 'number' && typeof sw?.compile?.p50 === 'number') {
    const total = sw.instantiate.p50 + sw.compile.p50;
    add(
      'Cold start in the service worker (instantiate + compile) ≤ 50 ms',
      `${fmt(total)} ms (median instantiate ${fmt(sw.instantiate.p50)} ms + compile ${fmt(sw.compile.p50)} ms); ` +
        `keystroke to first reply ${fmt(sw.inputToReply?.p50)} ms`,
      total <= 50,
      'typing',
    );
  } else {
    const swCold = findFigure(typing, [/cold/, /median|p50/], asMicros, [/p95|max|min/]);
    if (swCold) add('Cold start in the service worker ≤ 50 ms', `${fmtTime(swCold.value)} (\`${swCold.path}\`)`, swCold.value <= 50000, 'typing');
  }

  // 1,000-rule compile.
  const thousand = /** @type {any[]} */ (browser?.compile ?? []).find((c) => c.rules === 1000);
  add('1,000-rule bundle compiles in ≤ 300 ms in wasm', thousand ? `${fmt(thousand.compile.median_ms)} ms median` : 'no data', thousand ? thousand.compile.median_ms <= 300 : null, 'browser');

  // Sizes (KB = 1,000 bytes, MB = 1,000,000 bytes); in size.json a bare number is bytes.
  /** @param {string} k @param {number} v */
  const sizeBytes = (k, v) => asBytes(k, v) ?? (asMicros(k, v) === null ? v : null);
  const raw = findFigure(size, [/wasm/], sizeBytes, [/gz|zip|br|date|time/]) ?? (browser?.wasm?.bytes ? { value: browser.wasm.bytes, path: 'browser.json wasm.bytes' } : null);
  add('.wasm ≤ 600 KB raw', raw ? fmtBytes(raw.value) : 'no data', raw ? raw.value <= 600_000 : null, raw?.path.startsWith('browser') ? 'browser' : 'size');
  const gz = findFigure(size, [/wasm/, /gz/], sizeBytes);
  add('.wasm ≤ 200 KB gzip', gz ? fmtBytes(gz.value) : 'no data', gz ? gz.value <= 200_000 : null, 'size');
  // build.sh writes `zip` beside `budget.zip` and `target.zip`: only the measured one counts.
  const zips = size ? numericLeaves(size).filter((l) => /zip/i.test(l.path) && !/budget|target/i.test(l.path) && sizeBytes(l.key, l.value) !== null) : [];
  if (zips.length) {
    const biggest = zips.reduce((a, b) => (/** @type {number} */ (sizeBytes(b.key, b.value)) > /** @type {number} */ (sizeBytes(a.key, a.value)) ? b : a));
    const bytes = /** @type {number} */ (sizeBytes(biggest.key, biggest.value));
    add('Extension zip ≤ 1 MB', `${fmtBytes(bytes)} (largest: \`${biggest.path}\`)`, bytes <= 1_000_000, 'size');
  } else {
    add('Extension zip ≤ 1 MB', 'no data', null, 'size');
  }

  // Memory per tab: the JS heap the extension adds to a tab (typing.mjs), else any figure.
  const heapDelta = worstOf((e) => e.memory?.jsHeapDelta);
  if (heapDelta) {
    add('Memory ≤ 8 MB per tab', `${fmtBytes(heapDelta.v)} JS heap added to the tab, worst (${heapDelta.label})`, heapDelta.v <= 8_000_000, 'typing');
  } else {
    const tab = findFigure(typing, [/memory|heap/, /tab/], asBytes, [/max/]) ?? findFigure(typing, [/memory|heap/], asBytes, [/max/]);
    add('Memory ≤ 8 MB per tab', tab ? `${fmtBytes(tab.value)} (\`${tab.path}\`)` : 'no data', tab ? tab.value <= 8_000_000 : null, 'typing');
  }
  if (typeof typing?.worker?.wasmMemoryBytes === 'number') {
    add(
      'Service worker memory (for information: one worker serves every tab)',
      `wasm ${fmtBytes(typing.worker.wasmMemoryBytes)}, JS heap ${fmtBytes(typing.worker.jsHeapUsed)}`,
      null,
      'typing',
    );
  }
  const engineMem = browser?.memory?.wasm_memory_after_compile_bytes;
  if (typeof engineMem === 'number') {
    add(
      'Engine memory (for information: once per browser, in the service worker)',
      `wasm memory ${fmtBytes(engineMem)} after compiling the default pack, ${fmtBytes(browser.memory.wasm_memory_after_scan_1m_bytes)} after scanning 1 MB`,
      null,
      'browser',
    );
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Sections

/** @param {any} b @param {Map<string, { us: number, path: string }>} nativeTimes */
function browserSection(b, nativeTimes) {
  const out = [];
  const c = b.cold_start;
  out.push('### Cold start (a fresh browser context per try)');
  out.push('');
  out.push(
    mdTable(
      ['Step', 'Median', 'Min', 'Max', 'Tries'],
      [
        ['wasm instantiate (from bytes)', `${fmt(c.instantiate.median_ms)} ms`, `${fmt(c.instantiate.min_ms)} ms`, `${fmt(c.instantiate.max_ms)} ms`, c.tries],
        ['`new Packs(sources, gates).engine("overheid")` (the worker\'s start: pack sources and gate table parsed, each regex parsed and compiled on first use)', `${fmt(c.compile_default_pack.median_ms)} ms`, `${fmt(c.compile_default_pack.min_ms)} ms`, `${fmt(c.compile_default_pack.max_ms)} ms`, c.tries],
        ['instantiate + compile', `${fmt(c.total.median_ms)} ms`, `${fmt(c.total.min_ms)} ms`, `${fmt(c.total.max_ms)} ms`, c.tries],
        ['first scan (text-280)', `${fmt(c.first_scan_text_280.median_ms)} ms`, `${fmt(c.first_scan_text_280.min_ms)} ms`, `${fmt(c.first_scan_text_280.max_ms)} ms`, c.tries],
        ...(c.compile_default_pack_in_full
          ? [['`new Engine(json)`: every regex compiled and checked, as for a new bundle', `${fmt(c.compile_default_pack_in_full.median_ms)} ms`, `${fmt(c.compile_default_pack_in_full.min_ms)} ms`, `${fmt(c.compile_default_pack_in_full.max_ms)} ms`, c.tries]]
          : []),
      ],
    ),
  );
  out.push('');
  out.push(`### Scan time, default pack \`${b.default_pack?.name}\` (${b.default_pack?.rules} rules)`);
  out.push('');
  out.push(
    mdTable(
      ['Input', 'Bytes', 'Findings', 'wasm median', 'wasm MB/s', 'Samples', 'JS RegExp median', 'JS / wasm', 'Native median', 'wasm / native'],
      b.scan.map((/** @type {any} */ s) => {
        const n = nativeTimes.get(s.input);
        return [
          s.input,
          s.bytes,
          s.findings,
          fmtTime(s.wasm.median_us),
          s.wasm.mb_per_s,
          `${s.wasm.samples} × ${s.wasm.batch}`,
          s.js?.median_us !== undefined ? fmtTime(s.js.median_us) : s.js?.skipped ? `skipped: ${s.js.skipped}` : '—',
          typeof s.js_over_wasm === 'number' ? `${fmt(s.js_over_wasm)}×` : '—',
          n ? fmtTime(n.us) : '—',
          n ? `${fmt(s.wasm.median_us / n.us)}×` : '—',
        ];
      }),
    ),
  );
  out.push('');
  const g = b.scan_growth_1k_to_1m;
  if (g) out.push(`Scan-time growth text-1k → text-1m: ×${fmt(g.time_ratio)} time for ×${fmt(g.bytes_ratio)} bytes.`);
  const jb = b.js_baseline;
  if (jb) {
    out.push('');
    out.push(`The JS RegExp baseline (\`tests/bench/js-baseline.mjs\`) covers ${jb.covers}.`);
    const o = jb.overlap_text_3000;
    if (o) {
      out.push(
        `On text-3000, ${o.engine_found_by_js} of ${o.engine_findings_of_covered_rules} engine findings of the rules it covers ` +
          `(${o.engine_findings} findings in all) overlap a JS span of the same rule, and ${o.js_found_by_engine} of ${o.js_spans} JS spans overlap an engine finding ` +
          '(the baseline has no exceptions, so it finds more).',
      );
    }
    if (jb.setup) {
      out.push(
        `Its RegExps compile lazily: the first scan of text-280 took ${fmt(jb.setup.first_scan_text_280_ms)} ms, the second ${fmt(jb.setup.second_scan_text_280_ms)} ms.`,
      );
    }
  }
  out.push('');
  out.push('### Compile time of synthetic bundles (wasm)');
  out.push('');
  out.push(
    mdTable(
      ['Rules', 'Median', 'Min', 'Max', 'Tries', 'Growth factor vs previous', 'text-3000 scan'],
      b.compile.map((/** @type {any} */ r) => [
        r.rules,
        `${fmt(r.compile.median_ms)} ms`,
        `${fmt(r.compile.min_ms)} ms`,
        `${fmt(r.compile.max_ms)} ms`,
        r.compile.values.length,
        r.growth ? `${fmt(r.growth.factor)} (×${fmt(r.growth.time_ratio)} time for ×${fmt(r.growth.rule_ratio)} rules)` : '—',
        fmtTime(r.scan_text_3000?.median_us),
      ]),
    ),
  );
  out.push('');
  out.push('Growth factor = time ratio / rule ratio: 1 is linear, above 1 worse than linear.');
  const bt = b.backtracking;
  if (bt) {
    out.push('');
    out.push('### Catastrophic backtracking');
    out.push('');
    out.push(
      `An admin-written pattern \`${bt.pattern}\` ("a sentence ending in vertrouwelijk") on prefixes of a normal sentence that does not contain it: ` +
        `as a JS \`RegExp\` (flags \`${bt.js_flags}\`, run in a Worker, stopped after ${fmt(bt.timeout_ms / 1000)} s) and as the only rule of a Postwacht bundle (\`${bt.bundle}\`).`,
    );
    out.push('');
    out.push(
      mdTable(
        ['Characters', 'JS RegExp', 'Postwacht (wasm)', 'Text'],
        bt.runs.map((/** @type {any} */ r) => [r.chars, r.js_timed_out ? `> ${fmt(bt.timeout_ms)} ms (stopped)` : `${fmt(r.js_ms)} ms`, fmtTime(r.wasm.median_us), `"${r.text}"`]),
      ),
    );
  }
  const m = b.memory;
  if (m) {
    out.push('');
    out.push('### Memory (the engine page)');
    out.push('');
    out.push(
      mdTable(
        ['When', 'wasm linear memory', 'JS heap used (CDP, after GC)'],
        [
          ['after instantiate', fmtBytes(m.wasm_memory_after_init_bytes), fmtBytes(m.js_heap_after_init?.used_bytes)],
          ['after compiling the default pack', fmtBytes(m.wasm_memory_after_compile_bytes), fmtBytes(m.js_heap_after_compile?.used_bytes)],
          ['after scanning text-3000', fmtBytes(m.wasm_memory_after_scan_3000_bytes), '—'],
          ['after scanning text-1m', fmtBytes(m.wasm_memory_after_scan_1m_bytes), fmtBytes(m.js_heap_after_scan_1m?.used_bytes)],
        ],
      ),
    );
    out.push('');
    out.push('wasm linear memory never shrinks: each figure is the peak so far.');
  }
  return out.join('\n');
}

/** @param {any} json @param {string} title @param {RegExp} [filter] @param {number} [limit] */
function leavesSection(json, title, filter, limit = 60) {
  const leaves = numericLeaves(json).filter((l) => !/^machine\.|nproc/.test(l.path) && (!filter || filter.test(l.path)));
  if (!leaves.length) return `No numeric figures found in ${title}.`;
  const shown = leaves.slice(0, limit);
  const rows = shown.map((l) => {
    const us = asMicros(l.key, l.value);
    const bytes = asBytes(l.key, l.value);
    return [`\`${l.path}\``, us !== null ? fmtTime(us) : bytes !== null ? fmtBytes(bytes) : fmt(l.value)];
  });
  const more = leaves.length > limit ? `\n\n(${leaves.length - limit} more figures in the file.)` : '';
  return `${mdTable(['Figure', 'Value'], rows)}${more}`;
}

// ---------------------------------------------------------------------------------------------
// Main

/**
 * Renders the whole document.
 * @param {{ dir: string, existing: string | null }} o
 */
export function render({ dir, existing }) {
  const files = {
    native: path.join(dir, 'native.json'),
    browser: path.join(dir, 'browser.json'),
    typing: path.join(dir, 'typing.json'),
    size: path.join(dir, 'size.json'),
  };
  /** @type {Record<string, any>} */
  const data = {};
  /** @type {string[]} */
  const problems = [];
  for (const [k, f] of Object.entries(files)) {
    try {
      data[k] = readJsonIfExists(f);
    } catch (e) {
      data[k] = null;
      problems.push(`\`${path.relative(ROOT, f)}\` could not be read: ${/** @type {Error} */ (e).message}`);
    }
  }
  const nativeTimes = data.native ? nativeScanTimes(data.native) : new Map();
  /** @type {Record<string, number>} */
  const inputBytes = {};
  for (const t of TEXTS) {
    const fromBrowser = data.browser?.scan?.find((/** @type {any} */ s) => s.input === t)?.bytes;
    const file = path.join(dir, 'inputs', `${t}.txt`);
    inputBytes[t] = fromBrowser ?? (existsSync(file) ? statSync(file).size : 0);
  }
  const rows = targets(/** @type {any} */ (data), nativeTimes, inputBytes);
  const here = machine();
  const anchors = { browser: '#browser-the-wasm-engine-in-chromium', native: '#native', typing: '#typing-in-the-extension', size: '#sizes', 'browser + native': '#browser-the-wasm-engine-in-chromium' };

  const out = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    'Performance figures for issue #8, rendered by `node tests/bench/report.mjs` from the JSON files in ' +
      '`target/bench/` (do not edit by hand, except the notes section at the end). Each section says the command, ' +
      'date and machine its figures come from. The machines are shared and noisy: compare figures from one run, ' +
      'and read met/missed as information, not as a test.',
  );
  out.push('');
  out.push(`Rendered ${new Date().toISOString()} at commit \`${gitHead() ?? '?'}\` on ${here.nproc} cores, ${here.cpu}.`);
  if (problems.length) out.push('', ...problems.map((p) => `- ${p}`));
  out.push('');
  out.push('## Targets');
  out.push('');
  out.push(
    mdTable(
      ['Target', 'Figure', 'Met?', 'From'],
      rows.map((r) => [
        r.target,
        r.figure,
        r.met === null ? (r.figure === 'no data' ? 'no data' : '—') : r.met ? 'met' : 'missed',
        `[${r.source}](${anchors[/** @type {keyof typeof anchors} */ (r.source)] ?? '#'})`,
      ]),
    ),
  );
  out.push('');
  out.push('KB = 1,000 bytes, MB = 1,000,000 bytes. "no data": the source file is missing or has no such figure.');

  /**
   * One source's section: its heading, where its figures come from, then `body`; or how to
   * produce the missing file.
   * @param {string} title @param {'browser' | 'native' | 'typing' | 'size'} key
   * @param {(d: any) => string[]} body @param {string} missing
   */
  const section = (title, key, body, missing) => {
    out.push('', `## ${title}`, '');
    const d = /** @type {any} */ (data)[key];
    if (d) out.push(provenance(files[key], d), '', ...body(d));
    else out.push(`No data: ${missing}`);
  };
  section('Browser: the wasm engine in Chromium', 'browser', (b) => [browserSection(b, nativeTimes)], 'run `node tests/bench/engine-page.mjs`.');
  section(
    'Native',
    'native',
    (n) => [
      ...(nativeTimes.size
        ? [
            mdTable(
              ['Input', 'Bytes', 'Median scan', 'MB/s', 'Figure'],
              TEXTS.filter((t) => nativeTimes.has(t)).map((t) => {
                const m = /** @type {{ us: number, path: string }} */ (nativeTimes.get(t));
                return [t, inputBytes[t] || '—', fmtTime(m.us), inputBytes[t] ? fmt(inputBytes[t] / m.us) : '—', `\`${m.path}\``];
              }),
            ),
            '',
          ]
        : []),
      'Every median in the file:',
      '',
      leavesSection(n, 'native.json', /median/i),
    ],
    '`target/bench/native.json` is written from the criterion benches of `crates/bench`.',
  );
  section(
    'Typing in the extension',
    'typing',
    (t) => [
      'Every figure in the file, as written there (typing.mjs writes times in ms, memory in bytes):',
      '',
      leavesSection(t, 'typing.json', /^(?!config\.|post\.|seconds|cold\.tries)/, 120),
    ],
    'run `node tests/bench/typing.mjs`.',
  );
  section('Sizes', 'size', (z) => [leavesSection(z, 'size.json')], '`target/bench/size.json` is written by `./build.sh`.');

  // The hand-written notes, verbatim.
  let notes = DEFAULT_NOTES;
  if (existing) {
    const start = existing.indexOf(NOTES_START);
    const end = existing.indexOf(NOTES_END, start);
    if (start >= 0 && end > start) notes = existing.slice(start, end + NOTES_END.length);
  }
  out.push('');
  out.push(notes);
  return `${out.join('\n')}\n`;
}

async function main() {
  const argv = process.argv.slice(2);
  /** @param {string} name @param {string} fallback */
  const option = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
  };
  const dir = path.resolve(option('--dir', BENCH_DIR));
  const outFile = path.resolve(option('--out', path.join(ROOT, 'BENCHMARKS.md')));
  const existing = existsSync(outFile) ? readFileSync(outFile, 'utf8') : null;
  const text = render({ dir, existing });
  await writeFile(outFile, text);
  const found = ['native', 'browser', 'typing', 'size'].filter((k) => existsSync(path.join(dir, `${k}.json`)));
  process.stdout.write(`wrote ${path.relative(process.cwd(), outFile)} from ${found.length ? found.map((k) => `${k}.json`).join(', ') : 'no JSON files'}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    process.stderr.write(`report: ${e instanceof Error ? e.stack || e.message : e}\n`);
    process.exit(2);
  });
}
