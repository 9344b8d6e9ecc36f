// Helpers for the extension's end-to-end tests: the engine as an oracle, the highlights and
// our closed shadow root as a person would see them, and typing as each site expects.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { PAGES, gotoFixture, openLinkedInSharebox } from './serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST_CHROMIUM = path.join(root, 'dist/chromium');
export const SCREENSHOTS = path.join(root, 'tests/e2e/screenshots');
const CLI = path.join(root, 'target/release/postwacht');

/** What the engine finds in `text` (the native CLI embeds the same packs as the wasm build). */
export function oracle(text) {
  const r = spawnSync(CLI, ['check', '--format', 'json', '-'], { input: text, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`postwacht check failed: ${r.stderr}`);
  return JSON.parse(r.stdout).findings;
}

let policyCache;
/** The default pack as a bundle: documents and clauses, to check what cards show. */
export function defaultPolicy() {
  if (!policyCache) {
    const r = spawnSync(CLI, ['policy', 'build', '--pack', 'overheid'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(r.stderr);
    policyCache = JSON.parse(r.stdout);
  }
  return policyCache;
}

let flattenCache;
/**
 * Defines `Flatten` (flatten, rangeFor: the extension's own flatten.ts) in `frame`'s main world, so
 * a test sees an editor's text exactly as the content script does. Through the DevTools protocol,
 * which the page's CSP does not govern.
 */
export async function installFlatten(frame) {
  flattenCache ??= build({
    entryPoints: [path.join(root, 'extension/src/content/flatten.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'Flatten',
  }).then((r) => `(() => { ${r.outputFiles[0].text}; globalThis.Flatten = Flatten; })()`);
  await frame.evaluate(await flattenCache);
}

/** All highlighted phrases, in document order. */
export async function highlightedTexts(frame) {
  return frame.evaluate(() => {
    const all = [];
    for (const [name, h] of CSS.highlights) if (name.startsWith('postwacht-')) all.push(...h);
    all.sort((a, b) => a.compareBoundaryPoints(Range.START_TO_START, b) || a.compareBoundaryPoints(Range.END_TO_END, b));
    return all.map((r) => r.toString());
  });
}

/** Waits until `check()` returns true (polling), or fails with `what` and the last value. */
export async function eventually(check, what, { timeout = 5000, interval = 50 } = {}) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last === true) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Reads our closed shadow root through the DevTools protocol (page scripts cannot reach it,
 * which is the point) and runs `fn` on it in the page; returns its JSON result.
 */
export async function inShadow(page, frame, fn, arg = null) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root: doc } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const hosts = [];
    const walk = (n) => {
      if (n.nodeName === 'POSTWACHT-UI') hosts.push(n);
      for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? []), ...(n.contentDocument ? [n.contentDocument] : [])]) walk(c);
    };
    walk(doc);
    const frameUrl = frame.url();
    for (const host of hosts) {
      const shadow = host.shadowRoots?.[0];
      if (!shadow) continue;
      const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId });
      const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
        objectId: object.objectId,
        functionDeclaration: `function () { if (this.ownerDocument.defaultView.location.href !== ${JSON.stringify(frameUrl)}) return undefined; return (${fn})(this, ${JSON.stringify(arg)}); }`,
        returnByValue: true,
        awaitPromise: true,
      });
      if (exceptionDetails) throw new Error(`in our shadow root: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      if (result.value !== undefined) return result.value;
    }
    return undefined;
  } finally {
    await cdp.detach();
  }
}

/** What the open card shows: one entry per finding. */
export function cardContents(page, frame) {
  return inShadow(page, frame, (root) => {
    const card = root.querySelector('[data-postwacht=card]');
    if (!card) return null;
    return [...card.querySelectorAll('.item')].map((item) => ({
      rule: item.dataset.rule,
      message: item.querySelector('.message')?.textContent,
      clauses: [...item.querySelectorAll('[data-clause]')].map((c) => ({
        id: c.dataset.clause,
        reference: c.querySelector('.ref')?.textContent,
        text: c.querySelector('blockquote')?.textContent,
        why: c.querySelectorAll('dd')[0]?.textContent,
        advice: c.querySelectorAll('dd')[1]?.textContent,
        source: c.querySelector('.doc')?.textContent,
      })),
    }));
  });
}

/** What the textarea overlay marks (a Range cannot address a textarea's text). */
export function mirrorMarks(page, frame) {
  return inShadow(page, frame, (root) => [...root.querySelectorAll('[data-postwacht=mirror] mark')].map((m) => m.textContent));
}

/** The centre of the overlay mark showing `phrase`. */
export function mirrorPoint(page, frame, phrase) {
  return inShadow(page, frame, (root, phrase) => {
    for (const m of root.querySelectorAll('[data-postwacht=mirror] mark')) {
      if (m.textContent !== phrase) continue;
      const r = m.getClientRects()[0];
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    return null;
  }, phrase);
}

export function badgeState(page, frame) {
  return inShadow(page, frame, (root) => {
    const b = root.querySelector('[data-postwacht=badge]');
    const live = root.querySelector('[aria-live]');
    return b ? { hidden: b.hidden, text: b.textContent, label: b.getAttribute('aria-label'), live: live?.textContent } : null;
  });
}

/** Types `text` line by line; `newline` is the key that breaks a line without posting. */
export async function typeLines(page, text, newline = 'Enter') {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) await page.keyboard.press(newline);
    await page.keyboard.type(lines[i]);
  }
}

/** The centre of the first highlighted range whose text is `phrase`. */
export async function pointOf(frame, phrase) {
  return frame.evaluate((phrase) => {
    for (const [name, h] of CSS.highlights) {
      if (!name.startsWith('postwacht-')) continue;
      for (const r of h) {
        if (r.toString() !== phrase) continue;
        const rect = r.getClientRects()[0];
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      }
    }
    return null;
  }, phrase);
}

export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}

/**
 * Opens a compose surface on `page` and clicks into its editor. `s`: { url, editor (the fixture's
 * name for it), sharebox (LinkedIn's share box iframe), open (a selector to click first, e.g.
 * Facebook's composer dialog) }. Returns the frame holding the editor and its root element.
 */
export async function openSurface(page, s) {
  await gotoFixture(page, s.url);
  let frame = page.mainFrame();
  if (s.sharebox) frame = await openLinkedInSharebox(page);
  if (s.open) await page.click(s.open);
  await frame.waitForFunction((name) => !!window.__fixture.editors[name], s.editor);
  const root = (await frame.evaluateHandle((name) => window.__fixture.editors[name].root(), s.editor)).asElement();
  await root.click();
  return { frame, root };
}

/** A new tab on the X fixture with `text` typed into its home composer, once `count` phrases are highlighted. */
export async function typedOnX(context, text, count) {
  const page = await context.newPage();
  await gotoFixture(page, PAGES.xHome);
  await page.evaluate(() => window.__fixture.editors.home.root().focus());
  await page.keyboard.type(text);
  await eventually(async () => (await highlightedTexts(page)).length === count || highlightedTexts(page), `${count} highlight(s)`);
  return page;
}

/** The gate dialog, as read from our closed shadow root (null: none was ever created). */
export function gateDialog(page, frame) {
  return inShadow(page, frame, (root) => {
    const d = root.querySelector('[data-postwacht=gate]');
    if (!d) return null;
    return {
      open: d.open,
      actions: [...d.querySelectorAll(':scope > .actions button')].map((b) => b.dataset.action),
      phrases: [...d.querySelectorAll('.phrase mark')].map((m) => m.textContent),
    };
  });
}

/** Clicks a button of the open gate dialog by its action ('edit', 'post', 'retry'). */
export function pressGate(page, frame, action) {
  return inShadow(page, frame, (root, action) => root.querySelector(`[data-postwacht=gate] [data-action=${action}]`).click(), action);
}

/**
 * `url` with the hostile page scripts `names` (tests/fixtures/src/hostile/<name>.js) loaded
 * first in its <head>, and `params` added to its query.
 */
export function hostileUrl(url, names, params = {}) {
  const u = new URL(url);
  u.searchParams.set('hostile', names.join(','));
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const axeRun = (rules = {}) =>
  window.axe.run(document, { resultTypes: ['violations'], rules }).then((r) =>
    r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`));

/** axe-core on a page: its violations, summarised. */
export async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(axeRun);
}

/**
 * axe-core cannot enter a closed shadow root, which is where the card and the dialog live; so
 * their markup and our shadow root's style sheet are copied into a page of their own, at the
 * same size, and checked there. `frame`: the frame whose UI it is (LinkedIn's share box is one).
 */
export async function axeOnOurUi(page, selector, colorScheme = 'light', frame = page.mainFrame()) {
  const copy = await inShadow(page, frame, (root, selector) => ({
    html: root.querySelector(selector).outerHTML,
    css: root.adoptedStyleSheets.flatMap((s) => [...s.cssRules].map((r) => r.cssText)).join('\n'),
  }), selector);
  const probe = await page.context().newPage();
  try {
    await probe.setViewportSize(page.viewportSize());
    await probe.emulateMedia({ colorScheme });
    await probe.setContent(`<!DOCTYPE html><html lang="nl"><head><title>copy</title><style>${copy.css}</style></head><body><main>${copy.html}</main></body></html>`);
    // A modal dialog is only modal (top layer, inert page) when shown by script; a card is a
    // popover, hidden (and so skipped by axe-core) until shown.
    await probe.evaluate(() => {
      const d = document.querySelector('dialog');
      if (d) { d.removeAttribute('open'); d.showModal(); }
      document.querySelector('[popover]')?.showPopover();
    });
    await probe.evaluate(AXE);
    // Rules about the whole page (one <h1>, landmarks) concern the host site, not our card.
    return await probe.evaluate(axeRun, { 'page-has-heading-one': { enabled: false }, region: { enabled: false } });
  } finally {
    await probe.close();
  }
}
