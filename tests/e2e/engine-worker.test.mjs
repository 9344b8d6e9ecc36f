// The engine lives in the service worker. These tests prove the content script survives the
// worker being stopped mid-typing, and measure the round trip (printed, never asserted on
// timing: see the README for the figures).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PAGES, gotoFixture, launchWithExtension, routeFixtures } from './serve.mjs';
import { DIST_CHROMIUM, eventually, highlightedTexts, oracle } from './extension.mjs';

const EXTENSION_ID = 'khfihhjabhpiephfbpdjoocffhdehbmg'; // fixed by the manifest's key

describe('the engine in the service worker', () => {
  let context;
  before(async () => {
    context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'] });
    await routeFixtures(context);
  });
  after(() => context?.close());

  test('the manifest key gives the extension its fixed id', async () => {
    const [sw] = context.serviceWorkers().length ? context.serviceWorkers() : [await context.waitForEvent('serviceworker')];
    assert.equal(new URL(sw.url()).host, EXTENSION_ID);
  });

  test('highlighting carries on after the worker is stopped mid-typing', async () => {
    const page = await context.newPage();
    await gotoFixture(page, PAGES.xHome);
    await page.evaluate(() => window.__fixture.editors.home.root().focus());
    await page.keyboard.type('Mijn BSN is 111222333');
    await eventually(async () => (await highlightedTexts(page)).includes('BSN is 111222333') || highlightedTexts(page), 'the BSN highlight');

    const cdp = await context.newCDPSession(page);
    const states = [];
    cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions) if (v.scriptURL.includes(EXTENSION_ID)) states.push(v.runningStatus);
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await eventually(() => states.includes('stopped') || states, 'the worker to stop');

    const text = 'Mijn BSN is 111222333 en dit memo is vertrouwelijk';
    await page.keyboard.type(' en dit memo is vertrouwelijk');
    const want = oracle(text).map((f) => f.text);
    await eventually(async () => {
      const got = await highlightedTexts(page);
      return JSON.stringify(got) === JSON.stringify(want) || got;
    }, `highlights ${want} after the restart`);
    assert.ok(states.lastIndexOf('running') > states.indexOf('stopped'), `the worker was started again: ${states}`);
    await page.close();
  });

  test('round trip: message to the worker and back, and keystroke to highlight', async (t) => {
    // An extension page talks to the worker exactly as the content script does.
    const page = await context.newPage();
    await page.goto(`chrome-extension://${EXTENSION_ID}/manifest.json`);
    const post = 'Even delen: het dossier van mevrouw Jansen ligt bij mij thuis, bel me op 06-12345678. '.repeat(3);
    const long = 'Lange tekst over beleid en uitvoering, zonder bijzonderheden. '.repeat(80);
    const measure = (text, n) =>
      page.evaluate(async ({ text, n }) => {
        const total = [];
        const scan = [];
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          const reply = await chrome.runtime.sendMessage({ type: 'scan', text: `${text} ${i}` });
          total.push(performance.now() - t0);
          scan.push(reply.micros / 1000);
        }
        const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
        return { median: q(total, 0.5), p95: q(total, 0.95), scanMedian: q(scan, 0.5) };
      }, { text, n });
    await measure(post, 20); // warm-up: wasm compiled, policy built
    for (const [name, text] of [['post (255 chars)', post], [`long text (${long.length} chars)`, long]]) {
      const r = await measure(text, 200);
      assert.ok(r.median > 0 && r.scanMedian > 0 && r.scanMedian <= r.median);
      t.diagnostic(`round trip, ${name}: median ${r.median.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms (engine scan alone: median ${r.scanMedian.toFixed(2)} ms)`);
    }
    await page.close();

    // What a person sees: from the keystroke that completes a BSN to its highlight.
    const x = await context.newPage();
    await gotoFixture(x, PAGES.xHome);
    const delays = [];
    for (let i = 0; i < 15; i++) {
      await x.evaluate(() => window.__fixture.reset());
      await x.evaluate(() => window.__fixture.editors.home.root().focus());
      await x.keyboard.type('Mijn BSN is 11122233');
      await x.waitForTimeout(100);
      const waiting = x.evaluate(() => new Promise((resolve) => {
        const t0 = performance.now();
        const poll = () => {
          const h = CSS.highlights.get('postwacht-block');
          if (h && [...h].some((r) => r.toString().endsWith('111222333'))) resolve(performance.now() - t0);
          else requestAnimationFrame(poll);
        };
        poll();
      }));
      await x.keyboard.type('3');
      delays.push(await waiting);
    }
    delays.sort((a, b) => a - b);
    t.diagnostic(`keystroke to highlight (x.com fixture): median ${delays[7].toFixed(1)} ms, max ${delays.at(-1).toFixed(1)} ms (rAF-polled)`);
    await x.close();
  });
});
