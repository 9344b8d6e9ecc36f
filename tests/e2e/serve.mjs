// Offline fixture server and browser helpers for the Postwacht end-to-end tests.
//
// The fixture pages (tests/fixtures, built by tests/fixtures/build.mjs) are
// served with Playwright request interception under the REAL host names
// (https://x.com, https://www.linkedin.com, https://www.facebook.com, ...), so
// the extension's match patterns and host-based site profiles run unchanged.
// Every request to any other host is aborted: nothing leaves the machine.
//
// Typical use:
//   const browser = await launchBrowser();
//   const { context, page, log } = await openFixture(browser, PAGES.xHome, { lang: 'nl' });
//   await page.evaluate(() => window.__fixture.editors.home.modelText());
//
// With the extension:
//   const context = await launchWithExtension('/work/main/dist/chromium');
//   const log = await routeFixtures(context);
//   const page = await context.newPage(); await gotoFixture(page, PAGES.facebookHome);
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordContext } from './privacy-log.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIST = path.resolve(here, '../fixtures/dist');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Content-Security-Policy sent with every fixture HTML document (as strict as the real sites'). */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; frame-src 'self'; report-uri /csp-report";

/** Fixture host -> site. */
export const HOSTS = Object.freeze({
  'x.com': 'x',
  'twitter.com': 'x',
  'mobile.x.com': 'x',
  'mobile.twitter.com': 'x',
  'www.linkedin.com': 'linkedin',
  'www.facebook.com': 'facebook',
  'web.facebook.com': 'facebook',
});

/** Fixture page URLs. Add `?lang=nl` (or use withLang) for the Dutch-labelled variant. */
export const PAGES = Object.freeze({
  xHome: 'https://x.com/home',
  xCompose: 'https://x.com/compose/post',
  xStatus: 'https://x.com/someone/status/1',
  xChat: 'https://x.com/i/chat',
  xMobileCompose: 'https://mobile.x.com/compose/post',
  twitterHome: 'https://twitter.com/home',
  twitterCompose: 'https://twitter.com/compose/post',
  linkedinFeed: 'https://www.linkedin.com/feed/',
  linkedinSharebox: 'https://www.linkedin.com/preload/sharebox/',
  facebookHome: 'https://www.facebook.com/',
  facebookWeb: 'https://web.facebook.com/',
});

/**
 * Editor surfaces per page: the keys of window.__fixture.editors once the page is
 * ready. xCompose's thread item 'modal_1' appears after clicking addButton;
 * facebook's 'composer' only while the "Create post" dialog is open; LinkedIn's
 * 'share' lives in the /preload/sharebox/ iframe's own window.__fixture.
 */
export const SURFACES = Object.freeze({
  xHome: ['home'],
  xCompose: ['home', 'modal'],
  xStatus: ['reply'],
  xChat: ['chat'],
  xMobileCompose: ['mobile'],
  linkedinFeed: ['commentV1', 'commentV2', 'replyV2', 'messaging'],
  linkedinSharebox: ['share'],
  facebookHome: ['comment', 'reply', 'messenger'],
});

export function withLang(url, lang) {
  const u = new URL(url);
  if (lang && lang !== 'en') u.searchParams.set('lang', lang);
  return u.toString();
}

const TYPES = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };

let building = null;
/** Build the fixtures once if tests/fixtures/dist is missing. */
export async function ensureBuilt() {
  if (existsSync(path.join(FIXTURES_DIST, 'manifest.json'))) return;
  building ??= import('../fixtures/build.mjs').then(({ buildFixtures }) => buildFixtures({ quiet: true }));
  await building;
}

async function loadDist() {
  for (let attempt = 0; ; attempt++) {
    try {
      const manifest = JSON.parse(await readFile(path.join(FIXTURES_DIST, 'manifest.json'), 'utf8'));
      const files = new Map();
      for (const rel of [...manifest.pages, ...manifest.assets]) files.set(rel, await readFile(path.join(FIXTURES_DIST, rel)));
      return files;
    } catch (err) {
      if (err.code !== 'ENOENT' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100)); // a rebuild is swapping dist/ in
    }
  }
}

/** Which fixture document serves this URL (null: 404). */
function documentFor(site, url) {
  const p = url.pathname;
  if (site === 'x') return 'x'; // a single-page app: it routes by location itself
  if (site === 'linkedin') {
    if (p === '/preload/sharebox/' || p === '/preload/sharebox') return 'linkedin-sharebox';
    if (p === '/' || p === '/feed' || p === '/feed/') return 'linkedin-feed';
    return null;
  }
  if (site === 'facebook') {
    if (p === '/' || p === '/home.php') return 'facebook';
    return null;
  }
  return null;
}

function langFor(referer, url, fallback) {
  const q = url.searchParams.get('lang');
  if (q) return q === 'nl' ? 'nl' : 'en';
  // Same-origin frames (LinkedIn's /preload/ iframe) follow the embedding page.
  if (referer) {
    try {
      const r = new URL(referer);
      if (r.host === url.host && r.searchParams.get('lang')) return r.searchParams.get('lang') === 'nl' ? 'nl' : 'en';
    } catch {
      /* ignore */
    }
  }
  return fallback === 'nl' ? 'nl' : 'en';
}

/**
 * The whole fixture build in memory (relative path -> Buffer), built first if missing. Read
 * up front: a rebuild while the tests run cannot then serve a mix of two builds.
 */
export async function loadFixtures() {
  await ensureBuilt();
  return loadDist();
}

/** The fixture site serving `url` ('x', 'linkedin', 'facebook'), or undefined: refuse it. */
export function siteFor(url) {
  const u = typeof url === 'string' ? new URL(url) : url;
  return u.protocol === 'https:' ? HOSTS[u.hostname] : undefined;
}

/**
 * What the fixture server answers, whatever carries the request (Playwright routes, the
 * Firefox test's TLS proxy). `files` comes from loadFixtures(); `request` is
 * { url, method = 'GET', referer, postData }; `log` ({ requests, blocked, cspReports,
 * notFound }) is appended to. Returns { status, headers, body }, or null for a URL outside
 * the fixture hosts (the caller refuses it; it is logged as blocked).
 */
export function fixtureResponse(files, { url, method = 'GET', referer, postData }, { lang = 'en', log } = {}) {
  let u;
  try {
    u = new URL(url);
  } catch {
    log?.blocked.push(url);
    return null;
  }
  const site = siteFor(u);
  if (!site) {
    log?.blocked.push(url);
    return null;
  }
  log?.requests.push(url);

  if (u.pathname === '/csp-report') {
    let body = postData || '';
    try {
      body = JSON.parse(body);
    } catch {
      /* keep the raw text */
    }
    log?.cspReports.push(body);
    return { status: 204, headers: {}, body: '' };
  }
  if (u.pathname === '/favicon.ico') return { status: 204, headers: {}, body: '' };

  if (u.pathname.startsWith('/_fixture/')) {
    const name = path.basename(u.pathname);
    const rel = `_fixture/${name}`;
    if (!files.has(rel)) {
      log?.notFound.push(url);
      return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
    }
    return {
      status: 200,
      headers: { 'content-type': TYPES[path.extname(name)] || 'application/octet-stream', 'cache-control': 'no-store' },
      body: files.get(rel),
    };
  }

  const doc = documentFor(site, u);
  const page = doc && `pages/${doc}.${langFor(referer, u, lang)}.html`;
  if (!doc || !files.has(page) || method !== 'GET') {
    log?.notFound.push(url);
    return {
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP },
      body: '<!DOCTYPE html><title>Not found</title><h1>Not found</h1>',
    };
  }
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CSP,
      'x-frame-options': 'SAMEORIGIN',
      'cache-control': 'no-store',
    },
    body: withHostileScripts(files, u, files.get(page)),
  };
}

/**
 * `?hostile=name,…` puts tests/fixtures/src/hostile/<name>.js first in <head>: a page script of
 * the site's own origin (the CSP allows it) that runs before any other script of the page.
 */
function withHostileScripts(files, url, body) {
  const names = (url.searchParams.get('hostile') ?? '').split(',').filter(Boolean);
  const rels = names.map((name) => `_fixture/hostile-${name}.js`);
  if (rels.length === 0) return body;
  const tags = rels.map((rel) => `<script src="/${rel}"></script>`).join('');
  return Buffer.from(String(body).replace('<script src="/_fixture/base.js">', `${tags}<script src="/_fixture/base.js">`));
}

/**
 * Install the fixture routes on a Playwright BrowserContext.
 * Options: lang ('en' | 'nl', default 'en'; a `?lang=` query on the page URL wins).
 * Returns a live log: { requests: [url], blocked: [url], cspReports: [report], unrouted: [url] }.
 */
export async function routeFixtures(context, { lang = 'en', allow = [] } = {}) {
  const files = await loadFixtures();
  const log = { requests: [], blocked: [], cspReports: [], notFound: [] };

  await context.route('**/*', async (route) => {
    const request = route.request();
    // The extension's own pages (popup, options) load their own files: not network traffic.
    if (request.url().startsWith('chrome-extension://')) return route.continue();
    // Origins a test serves itself (a local bundle server): let through, and log.
    if (allow.some((origin) => request.url().startsWith(`${origin}/`))) {
      log.requests.push(request.url());
      return route.continue();
    }
    const response = fixtureResponse(
      files,
      { url: request.url(), method: request.method(), referer: request.headers().referer, postData: request.postData() },
      { lang, log },
    );
    if (!response) return route.abort('blockedbyclient');
    return route.fulfill(response);
  });
  return log;
}

/**
 * Launch Debian Chromium headless (no extension). Extra `args` are appended.
 * @param {{ args?: string[] } & Record<string, unknown>} [options]
 */
export async function launchBrowser({ args = [], ...options } = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...args], ...options });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...a) => {
    const context = await newContext(...a);
    recordContext(context);
    return context;
  };
  return browser;
}

/**
 * Launch Chromium with an unpacked extension in a fresh temporary profile.
 * Returns the persistent BrowserContext; its close() also removes the profile.
 * Call routeFixtures(context) before opening pages.
 */
export async function launchWithExtension(extensionDir, { args = [], userDataDir, ...options } = {}) {
  const dir = userDataDir || (await mkdtemp(path.join(tmpdir(), 'postwacht-e2e-')));
  const ext = path.resolve(extensionDir);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${ext}`, `--load-extension=${ext}`, ...args],
    ...options,
  });
  recordContext(context, { extensionDir: ext });
  if (!userDataDir) {
    const close = context.close.bind(context);
    context.close = async (...a) => {
      await close(...a);
      await rm(dir, { recursive: true, force: true });
    };
  }
  return context;
}

/**
 * How the waits below poll: on a timer. Playwright's default polls on animation frames, which a
 * frame that is not being rendered (an iframe still being laid out, a page behind another on a
 * loaded machine) does not get; a share box became ready without the wait seeing it for 15 s.
 */
const READY_POLLING = 50;

/** Navigate and wait until the fixture app has mounted every editor. */
export async function gotoFixture(page, url, { timeout = 15000 } = {}) {
  const response = await page.goto(url, { waitUntil: 'load', timeout });
  await page.waitForFunction(() => window.__fixture && window.__fixture.ready === true, null, { timeout, polling: READY_POLLING });
  return response;
}

/** New context (routed) + page on `url`. Returns { context, page, log }. */
export async function openFixture(browser, url, { lang = 'en', viewport = { width: 1280, height: 900 }, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  const log = await routeFixtures(context, { lang });
  const page = await context.newPage();
  await gotoFixture(page, url);
  return { context, page, log };
}

/** LinkedIn: click "Start a post" and return the ready /preload/sharebox/ iframe's Frame. */
export async function openLinkedInSharebox(page, { timeout = 15000 } = {}) {
  await page.click('a[href="/preload/sharebox/"]');
  const handle = await page.waitForSelector('[role=dialog] iframe[src="/preload/sharebox/"]', { state: 'visible', timeout });
  // Asked from the feed, which is rendered, rather than from inside the iframe: the frame
  // Playwright hands out may still be the iframe's first, blank document.
  await page.waitForFunction((iframe) => iframe.contentWindow?.__fixture?.ready === true, handle, { timeout, polling: READY_POLLING });
  return handle.contentFrame();
}
