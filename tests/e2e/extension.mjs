// Helpers for the extension's end-to-end tests: the engine as an oracle, the highlights and
// our closed shadow root as a person would see them, and typing as each site expects.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { PAGES, gotoFixture } from './serve.mjs';

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

/** A new tab on the X fixture with `text` typed into its home composer, once `count` phrases are highlighted. */
export async function typedOnX(context, text, count) {
  const page = await context.newPage();
  await gotoFixture(page, PAGES.xHome);
  await page.evaluate(() => window.__fixture.editors.home.root().focus());
  await page.keyboard.type(text);
  await eventually(async () => (await highlightedTexts(page)).length === count || highlightedTexts(page), `${count} highlight(s)`);
  return page;
}
