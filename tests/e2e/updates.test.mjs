// Administrator-pushed rules, end to end: a real managed-policy file for Chromium, a local HTTP
// server publishing signed bundles, and the extension picking up, refusing and keeping rules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, sign as edSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PAGES, gotoFixture, launchWithExtension, routeFixtures } from './serve.mjs';
import { DIST_CHROMIUM, eventually, highlightedTexts, screenshotPath } from './extension.mjs';
import { withManagedPolicy } from './managed-policy.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'target/release/postwacht');
const POPUP = 'chrome-extension://khfihhjabhpiephfbpdjoocffhdehbmg/popup.html';
const BUNDLE_ID = 'testdorp-gedragscode';

function cli(...args) {
  const r = spawnSync(CLI, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`postwacht ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The Assen pack as Gemeente Testdorp's policy, plus one rule per word in `secrets`. */
function policyWith(dir, secrets) {
  const bundle = JSON.parse(cli('policy', 'export', '--pack', 'gemeente-assen'));
  bundle.id = BUNDLE_ID;
  bundle.organisation = 'Gemeente Testdorp';
  const model = bundle.rules.find((r) => r.id === 'confidential-marking');
  for (const word of secrets) {
    bundle.rules.push({
      ...model,
      id: `testdorp-${word}`,
      match: { type: 'phrases', phrases: [word] },
      message: { nl: `"${word}" is intern bij Testdorp.`, en: `"${word}" is internal at Testdorp.`, fr: `« ${word} » est interne à Testdorp.` },
      examples: {
        flag: [`Het ${word} is rond`, `Zie ${word} hierboven`, `${word}!`],
        pass: ['Mooie dag vandaag', 'Tot morgen', 'Wandelen in het park'],
      },
    });
  }
  const file = path.join(dir, `policy-${secrets.join('-')}.json`);
  writeFileSync(file, JSON.stringify(bundle));
  return file;
}

function signed(dir, policy, version, expires) {
  const out = path.join(dir, `signed-${version}-${expires}.json`);
  cli('bundle', 'sign', policy, '--key', path.join(dir, 'admin.key'), '--version', String(version), '--expires', expires, '--out', out);
  return readFileSync(out, 'utf8');
}

/**
 * Signs with Node's own Ed25519, as DSSE prescribes: what `postwacht bundle sign` refuses to
 * make (a bundle already expired) still has to be refused by the browser.
 */
function signWithNode(dir, payload) {
  const seed = Buffer.from(readFileSync(path.join(dir, 'admin.key'), 'utf8').trim(), 'base64');
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const type = 'application/vnd.postwacht.bundle+json';
  const body = Buffer.from(payload);
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
  const pub = Buffer.from(readFileSync(path.join(dir, 'admin.pub'), 'utf8').trim(), 'base64');
  const keyid = createHash('sha256').update(pub).digest('hex').slice(0, 16);
  return JSON.stringify({ payloadType: type, payload: body.toString('base64'), signatures: [{ keyid, sig: edSign(null, pae, key).toString('base64') }] });
}

/** The envelope with one character of its payload changed: the signature no longer matches. */
function tampered(envelope) {
  const e = JSON.parse(envelope);
  const payload = Buffer.from(e.payload, 'base64').toString('utf8').replace('intern bij Testdorp', 'openbaar bij Testdorp');
  e.payload = Buffer.from(payload).toString('base64');
  return JSON.stringify(e);
}

describe('signed rule bundles pushed by the administrator', () => {
  let dir;
  let server;
  let served = { status: 200, body: '' };
  const requests = [];
  let url;
  let pub;
  const v = {};

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'postwacht-bundles-'));
    cli('bundle', 'keygen', '--out', path.join(dir, 'admin'));
    pub = readFileSync(path.join(dir, 'admin.pub'), 'utf8').trim();
    v[1] = signed(dir, policyWith(dir, ['testdorpgeheim']), 1, day(30));
    v[2] = signed(dir, policyWith(dir, ['testdorpgeheim', 'tweedegeheim']), 2, day(30));
    // Version 3, expired yesterday: signed correctly, no longer valid.
    const old = JSON.parse(readFileSync(policyWith(dir, ['testdorpgeheim', 'tweedegeheim', 'derdegeheim']), 'utf8'));
    Object.assign(old, { version: 3, issued: day(-60), expires: day(-1) });
    v.expired = signWithNode(dir, JSON.stringify(old));
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      // A static host as administrators run it: CORS open, so the extension may read it.
      res.writeHead(served.status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(served.body);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${server.address().port}/gedragscode/bundle.json`;
  });
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('picked up, switched in open tabs without reload, refused when wrong, kept when the server is down', async () => {
    served = { status: 200, body: v[1] };
    await withManagedPolicy({ organisation: 'Gemeente Testdorp', bundleUrl: url, bundleId: BUNDLE_ID, trustedKeys: [pub], updateIntervalMinutes: 5 }, async () => {
      const context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'], viewport: { width: 1280, height: 900 } });
      try {
        const log = await routeFixtures(context, { allow: [new URL(url).origin] });
        const popup = await context.newPage();
        await popup.setViewportSize({ width: 460, height: 700 });
        const header = async () => {
          await popup.goto(POPUP);
          await popup.waitForFunction(() => document.querySelector('[data-testid=policy]')?.textContent);
          return popup.textContent('[data-testid=policy]');
        };
        // Reading managed policy takes Chromium seconds; then the bundle is fetched at once.
        const [sw] = context.serviceWorkers();
        await eventually(async () => (await header()).includes('gedownloade bundel') || sw.evaluate(async () => JSON.stringify({ local: await chrome.storage.local.get(['updateStatus', 'managedCache', 'managedIgnored']), managed: await Promise.race([chrome.storage.managed.get(null), new Promise((r) => setTimeout(() => r('timeout'), 3000))]), sw: self.location.href })), 'the downloaded bundle in use', { timeout: 30000, interval: 1000 });
        assert.match(await popup.textContent('[data-testid=policy]'), /Gemeente Testdorp · testdorp-gedragscode \(gedownloade bundel\) · versie 1/);
        assert.match(await popup.textContent('[data-testid=ignored]'), /updateIntervalMinutes: not a whole number of minutes from 15 to 1440/);

        const site = await context.newPage();
        await gotoFixture(site, PAGES.xHome);
        await site.evaluate(() => window.__fixture.editors.home.root().focus());
        await site.keyboard.type('Het testdorpgeheim en het tweedegeheim');
        await eventually(async () => JSON.stringify(await highlightedTexts(site)) === '["testdorpgeheim"]' || highlightedTexts(site), 'the v1 rule');

        // Version 2: the open tab switches without reload.
        served = { status: 200, body: v[2] };
        const check = async () => {
          await popup.bringToFront();
          await popup.click('#check-now');
          await popup.waitForFunction(() => !document.querySelector('#check-now').disabled);
          return popup.textContent('[data-testid=update-state]');
        };
        await check();
        await eventually(async () => JSON.stringify(await highlightedTexts(site)) === '["testdorpgeheim","tweedegeheim"]' || highlightedTexts(site), 'the v2 rule in the open tab');
        assert.match(await popup.textContent('[data-testid=policy]'), /versie 2/);

        const refused = async (body, reason) => {
          served = body;
          const state = await check();
          assert.match(state, reason);
          assert.match(state, /De huidige regels blijven actief/);
          assert.match(await popup.textContent('[data-testid=policy]'), /versie 2/);
        };
        await refused({ status: 200, body: tampered(v[2]) }, /Bijwerken mislukt: .*signature/i);
        await popup.screenshot({ path: screenshotPath('popup-update-refused') });
        await refused({ status: 200, body: v[1] }, /Bijwerken mislukt: .*rollback/i);
        await refused({ status: 200, body: v.expired }, /Bijwerken mislukt: .*expire/i);
        await refused({ status: 503, body: 'down' }, /Bijwerken mislukt: HTTP 503/);
        server.closeAllConnections();

        // Through all of it, the last good rules (version 2) kept working, also after the worker
        // stopped and loaded them back from storage.
        const cdp = await context.newCDPSession(site);
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
        await cdp.detach();
        await site.bringToFront();
        await site.keyboard.type(' en weer testdorpgeheim');
        await eventually(async () => (await highlightedTexts(site)).length === 3 || highlightedTexts(site), 'highlights with version 2');

        // The only requests that left for anywhere but the fixture sites: the bundle GETs.
        assert.ok(requests.length >= 6, `${requests}`);
        assert.deepEqual([...new Set(requests)], ['GET /gedragscode/bundle.json']);
        assert.deepEqual(log.blocked, []);
      } finally {
        await context.close();
      }
    });
  });
});
