// @ts-check
// Shared helpers for the browser benchmarks (tests/bench/*.mjs): Debian's Chromium through
// playwright-core, order statistics, the machine's description and JSON output.
//
// Kept small and stable on purpose: other bench scripts import it. No timing assertions here or
// anywhere in tests/bench: the scripts measure and report, they never fail on a slow figure.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchBrowser } from '../e2e/serve.mjs';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where every bench script writes its JSON (`target/bench/`). */
export const BENCH_DIR = path.join(ROOT, 'target/bench');

// The same browser, flags and launch as the end-to-end tests.
export { CHROMIUM_ARGS, CHROMIUM_PATH };

/**
 * Launches Debian's Chromium headless. Extra `args` are appended to CHROMIUM_ARGS.
 * @param {{ args?: string[] } & Record<string, unknown>} [options]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchChromium({ args = [], ...options } = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: apt-get install -y chromium (never download a browser)`);
  }
  return launchBrowser({ args, headless: true, ...options });
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of `values`, linearly interpolated; NaN when empty.
 * @param {readonly number[]} values
 * @param {number} q
 */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** @param {readonly number[]} values */
export const median = (values) => quantile(values, 0.5);

/** @param {readonly number[]} values */
export const p95 = (values) => quantile(values, 0.95);

/**
 * @typedef {{ n: number, median: number, p95: number, min: number, max: number, mean: number }} Summary
 */

/**
 * n, median, p95, min, max and mean of `values` (all NaN but n when empty).
 * @param {readonly number[]} values
 * @returns {Summary}
 */
export function summarize(values) {
  const n = values.length;
  return {
    n,
    median: median(values),
    p95: p95(values),
    min: n ? Math.min(...values) : NaN,
    max: n ? Math.max(...values) : NaN,
    mean: n ? values.reduce((a, b) => a + b, 0) / n : NaN,
  };
}

/**
 * Rounds to `digits` significant digits, for JSON that stays readable (NaN/Infinity → null).
 * @param {number} x
 * @param {number} [digits]
 * @returns {number | null}
 */
export function round(x, digits = 4) {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(digits));
}

/** `git rev-parse --short HEAD`, or null outside a work tree. */
export function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** The machine, as every benchmark table states it: core count, CPU model, Node, OS. */
export function machine() {
  let cpu = cpus()[0]?.model?.trim() || null;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':').slice(1).join(':').trim();
  } catch {
    /* not Linux: keep os.cpus() */
  }
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    /* keep os.cpus() */
  }
  return { nproc, cpu, node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** The command line that ran this script, relative to the repository root. */
export function commandLine() {
  const script = path.relative(ROOT, process.argv[1] || '');
  return ['node', script, ...process.argv.slice(2)].join(' ');
}

/**
 * Writes `data` as pretty JSON (directories created), ending in a newline.
 * @param {string} file
 * @param {unknown} data
 */
export async function writeJson(file, data) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
}

/**
 * The parsed JSON in `file`, or null when it does not exist (a parse error still throws).
 * @param {string} file
 * @returns {any}
 */
export function readJsonIfExists(file) {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8'));
}
