// What the browser did during one end-to-end test file, for the privacy audit that runs last
// (zz-privacy-audit.test.mjs): every request from pages, frames, extension pages and the
// service worker; every console message and uncaught error; every text typed through
// Playwright; and, before each browser with the extension closes, every storage area of the
// extension. serve.mjs's launchers call recordContext(); one JSON object per line goes to
// target/e2e-network/<test file>.jsonl, started afresh by each run of that file.
//
// On under `node --test` (which sets NODE_TEST_CONTEXT in the test file's process) or with
// POSTWACHT_PRIVACY_LOG=1; off for the benchmarks, which share the launchers but must not be
// slowed by a look at the focused element before each typed text, and with
// POSTWACHT_PRIVACY_LOG=0 (to measure what recording costs).
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LOG_DIR = path.join(root, 'target/e2e-network');

const ON = process.env.POSTWACHT_PRIVACY_LOG === '1' || (!!process.env.NODE_TEST_CONTEXT && process.env.POSTWACHT_PRIVACY_LOG !== '0');
const testFile = path.basename(process.argv[1] ?? 'unknown');
let logFile = path.join(LOG_DIR, `${testFile}.jsonl`);

/** The id Chromium gives an unpacked extension: derived from its manifest's public key. */
export function extensionId(extensionDir = path.join(root, 'dist/chromium')) {
  const { key } = JSON.parse(readFileSync(path.join(extensionDir, 'manifest.json'), 'utf8'));
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/** Files this process has written: each is started afresh once, then appended to. */
const started = new Set();
let contexts = 0;
/** Milliseconds the tests waited on the recorder: the price of the audit, measured. */
const cost = { focus: 0, storage: 0, writes: 0 };
function write(entry) {
  const t0 = performance.now();
  if (!started.has(logFile)) {
    mkdirSync(path.dirname(logFile), { recursive: true });
    // `node --test` runs each test file in a process of its own: its parent identifies the run.
    writeFileSync(logFile, `${JSON.stringify({ kind: 'start', file: testFile, runner: process.ppid, time: new Date().toISOString() })}\n`);
    started.add(logFile);
    if (started.size === 1) {
      process.on('exit', () => {
        if (started.has(logFile)) appendFileSync(logFile, `${JSON.stringify({ kind: 'cost', ms: cost })}\n`);
      });
    }
  }
  appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
  cost.writes += performance.now() - t0;
}

/** Where a request came from: a page (or frame) on a site, an extension page, or a worker. */
function requester(request) {
  if (request.serviceWorker()) return { from: 'service-worker', by: request.serviceWorker().url() };
  try {
    const url = request.frame().url();
    return { from: url.startsWith('chrome-extension://') ? 'extension-page' : 'page', by: url };
  } catch {
    return { from: 'unknown', by: '' };
  }
}

/**
 * Which element the keyboard types into, through same-origin frames: typing into our own UI
 * (the reason for posting anyway, which is meant to be kept) is told apart from posts.
 */
async function focusOf(page) {
  const t0 = performance.now();
  try {
    return await page.evaluate(() => {
      let a = document.activeElement;
      while (a?.contentDocument?.activeElement) a = a.contentDocument.activeElement;
      return a?.localName ?? null;
    });
  } catch {
    return null;
  } finally {
    cost.focus += performance.now() - t0;
  }
}

function typed(text, into) {
  if (typeof text === 'string' && text !== '') write({ kind: 'typed', into, text });
}

let typingPatched = false;
/** Every text Playwright types or fills, in any test file, is noted before it is typed. */
function patchTyping(page) {
  if (typingPatched) return;
  typingPatched = true;
  const keyboard = Object.getPrototypeOf(page.keyboard);
  for (const name of ['type', 'insertText']) {
    const original = keyboard[name];
    keyboard[name] = async function (text, ...rest) {
      typed(text, (await focusOf(this._page)) === 'postwacht-ui' ? 'our-ui' : 'page');
      return original.call(this, text, ...rest);
    };
  }
  const frame = Object.getPrototypeOf(page.mainFrame());
  for (const name of ['fill', 'type']) {
    const original = frame[name];
    frame[name] = async function (selector, text, ...rest) {
      typed(text, 'page');
      return original.call(this, selector, text, ...rest);
    };
  }
}

let cdpPatched = false;
/** Text inserted over the DevTools protocol (IME composition, long pastes) counts as typed too. */
function patchCdp(context) {
  const newCDPSession = context.newCDPSession.bind(context);
  context.newCDPSession = async (...args) => {
    const session = await newCDPSession(...args);
    if (!cdpPatched) {
      cdpPatched = true;
      const proto = Object.getPrototypeOf(session);
      const send = proto.send;
      proto.send = function (method, params) {
        if (method === 'Input.insertText' || method === 'Input.imeSetComposition') typed(params?.text, 'page');
        return send.call(this, method, params);
      };
    }
    return session;
  };
}

/** Everything each storage area of the extension holds, read from one of its own pages. */
async function dumpStorage(context, id) {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${id}/manifest.json`);
    const read = page.evaluate(async () => {
      const areas = {};
      for (const area of ['local', 'sync', 'session']) areas[area] = await chrome.storage[area].get(null);
      areas.localStorage = { ...localStorage };
      areas.sessionStorage = { ...sessionStorage };
      areas.indexedDB = {};
      for (const { name } of await indexedDB.databases()) {
        const db = await new Promise((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const stores = {};
        for (const store of db.objectStoreNames) {
          stores[store] = await new Promise((resolve) => {
            const all = db.transaction(store).objectStore(store).getAll();
            all.onsuccess = () => resolve(JSON.parse(JSON.stringify(all.result)));
            all.onerror = () => resolve(String(all.error));
          });
        }
        db.close();
        areas.indexedDB[name] = stores;
      }
      areas.caches = {};
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        areas.caches[name] = await Promise.all((await cache.keys()).map(async (r) => ({ url: r.url, body: await (await cache.match(r)).text() })));
      }
      return areas;
    });
    return await Promise.race([read, new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 10 s')), 10_000))]);
  } finally {
    await page.close();
  }
}

/**
 * Starts recording a browser context; with an extension loaded from `extensionDir`, its storage
 * is dumped when the context closes.
 */
export function recordContext(context, { extensionDir } = {}) {
  if (!ON) return;
  const ctx = ++contexts;
  const id = extensionDir ? extensionId(extensionDir) : null;
  write({ kind: 'context', ctx, extension: id });
  context.on('request', (request) => {
    const body = request.postData();
    write({ kind: 'request', ctx, url: request.url(), method: request.method(), type: request.resourceType(), ...requester(request), ...(body ? { body } : {}) });
  });
  context.on('console', (message) => {
    const page = message.page();
    write({ kind: 'console', ctx, from: page ? page.url() : (message.worker()?.url() ?? 'worker'), level: message.type(), text: message.text() });
  });
  context.on('weberror', (error) => write({ kind: 'error', ctx, from: error.page()?.url() ?? '', text: String(error.error()?.stack ?? error.error()) }));
  const onPage = (page) => {
    patchTyping(page);
    page.on('websocket', (ws) => write({ kind: 'request', ctx, url: ws.url(), method: 'WEBSOCKET', from: 'page', by: page.url() }));
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
  patchCdp(context);
  if (!id) return;
  const close = context.close.bind(context);
  context.close = async (...args) => {
    const t0 = performance.now();
    try {
      write({ kind: 'storage', ctx, areas: await dumpStorage(context, id) });
    } catch (error) {
      write({ kind: 'storage-error', ctx, error: String(error) });
    }
    cost.storage += performance.now() - t0;
    return close(...args);
  };
}

/** One test file's log, entry by entry (a line still being written is left out). */
export function readLog(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines.slice(0, -1).filter(Boolean).map((line) => JSON.parse(line));
}

/** How long a piece of a post must be to count as that post: any 12 characters in a row. */
export const WINDOW = 12;

/** Every 12-character window (lower case) of the posts typed into pages. */
export function postWindows(entries) {
  const windows = new Set();
  for (const e of entries) {
    if (e.kind !== 'typed' || e.into !== 'page') continue;
    const text = e.text.toLowerCase();
    for (let i = 0; i + WINDOW <= text.length; i++) windows.add(text.slice(i, i + WINDOW));
  }
  return windows;
}

/** The first window of a typed post that `text` holds, if any. */
export function leaked(text, windows) {
  if (typeof text !== 'string' || text.length < WINDOW || windows.size === 0) return undefined;
  const t = text.toLowerCase();
  for (let i = 0; i + WINDOW <= t.length; i++) {
    const w = t.slice(i, i + WINDOW);
    if (windows.has(w)) return w;
  }
  return undefined;
}

/** A URL with its percent-escapes (and form-style `+` spaces) undone. */
function decoded(url) {
  try {
    return decodeURIComponent(url.replaceAll('+', ' '));
  } catch {
    return url;
  }
}

/** Every string in a JSON value, keys included. */
function strings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

/**
 * What is wrong, privacy-wise, in one test file's log (empty: nothing). In a browser with the
 * extension, pages may only ask the fixture sites (`isFixture(url)`), the extension only its own
 * files and the bundle address its administrator configured, and no request, console line,
 * error or storage area may hold a piece of a typed post. Browsers without the extension (the
 * tests' controls, the fixture server's own tests, which navigate elsewhere on purpose) are
 * recorded but say nothing about the extension: they are not audited.
 */
export function audit(entries, { isFixture }) {
  const problems = [];
  const windows = postWindows(entries);
  const contexts = new Map(entries.filter((e) => e.kind === 'context').map((e) => [e.ctx, e]));
  const dumps = entries.filter((e) => e.kind === 'storage');
  const bundleUrls = new Set(dumps.map((d) => d.areas?.local?.managedCache?.bundleUrl).filter(Boolean));
  // "Leg vast" (issue #10): a mailto: link the user clicks, to the records address the
  // administrator configured, goes to their own mail program, never to the network; carrying
  // the post is its purpose.
  const recordAddresses = new Set(dumps.map((d) => d.areas?.local?.managedCache?.communication?.records_address).filter(Boolean));
  const toRecords = (url) => url.startsWith('mailto:') && recordAddresses.has(decoded(url.slice('mailto:'.length).split('?')[0]));
  const show = (s) => (s.length > 160 ? `${s.slice(0, 160)}…` : s);
  for (const e of entries) {
    const id = contexts.get(e.ctx)?.extension;
    if (!id) continue;
    if (e.kind === 'request') {
      if (toRecords(e.url)) continue;
      const w = leaked(e.url, windows) ?? leaked(decoded(e.url), windows) ?? leaked(e.body, windows);
      if (w) problems.push(`post text "${w}" in a request: ${e.method} ${show(e.url)}`);
      if (e.from === 'service-worker' || e.from === 'extension-page') {
        const own = e.url.startsWith(`chrome-extension://${id}/`);
        if (!own && !(e.method === 'GET' && bundleUrls.has(e.url))) problems.push(`the extension (${e.from}) requested ${e.method} ${show(e.url)}`);
      } else {
        const report = e.method === 'POST' && isFixture(e.url) && new URL(e.url).pathname === '/csp-report';
        if (report && e.body?.includes('chrome-extension://')) problems.push(`a CSP report about the extension: ${show(e.body)}`);
        const allowed = (e.method === 'GET' && isFixture(e.url)) || report || /^(about|data|blob):/.test(e.url);
        if (!allowed) problems.push(`a page (${show(e.by ?? '')}) requested ${e.method} ${show(e.url)}`);
      }
    } else if (e.kind === 'console' || e.kind === 'error') {
      const w = leaked(e.text, windows);
      if (w) problems.push(`post text "${w}" in ${e.kind} output of ${e.from}: ${show(e.text)}`);
    } else if (e.kind === 'storage') {
      for (const s of strings(e.areas)) {
        const w = leaked(s, windows);
        if (w) problems.push(`post text "${w}" in the extension's storage: ${show(s)}`);
      }
    } else if (e.kind === 'storage-error') {
      problems.push(`the extension's storage could not be read: ${e.error}`);
    }
  }
  for (const [ctx, c] of contexts) {
    if (c.extension && !dumps.some((d) => d.ctx === ctx)) problems.push(`browser ${ctx} with the extension was never closed: its storage was not read`);
  }
  return problems;
}

/**
 * Sends what is recorded from now on to `file` and returns the file used so far: the recorder's own test records a leaky session apart from its regular log.
 */
export function logTo(file) {
  const before = logFile;
  logFile = file;
  return before;
}
