// The extension in Debian's Firefox ESR (headless, driven by geckodriver over plain W3C
// WebDriver) on the X fixture page served under its real host name with the strict CSP:
// typing a risky post into the Draft.js editor highlights exactly what the engine finds, the
// editor's own state is untouched and the page sees no CSP violation.
//
// Needs firefox-esr and geckodriver: tests/e2e/ensure-firefox.sh installs them (build.sh test
// runs it first). If either is missing this test FAILS, saying so; it never skips.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { eventually, highlightedTexts, oracle, screenshotPath } from './extension.mjs';
import { startFixtureProxy } from './firefox-proxy.mjs';
import { launchFirefox, requireFirefox } from './firefox-webdriver.mjs';
import { PAGES } from './serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST_FIREFOX = path.join(root, 'dist/firefox');
const RISKY = 'Mijn BSN is 111222333 en dit memo is vertrouwelijk';

/** Keep Firefox from calling home (the proxy would refuse it anyway) and let console output reach stdout. */
const QUIET_PREFS = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'app.normandy.enabled': false,
  'messaging-system.rsexperimentloader.enabled': false,
  'browser.topsites.contile.enabled': false,
  'browser.region.update.enabled': false,
  'browser.newtabpage.enabled': false,
  'intl.accept_languages': 'nl-NL, nl, en',
  // Page and content-script console messages and dump() on Firefox's stdout (geckodriver's output).
  'devtools.console.stdout.content': true,
  'devtools.console.stdout.chrome': true,
  'browser.dom.window.dump.enabled': true,
  'extensions.logging.enabled': true,
};

/** serve.mjs-style helpers (extension.mjs) take a Playwright frame; this runs them through WebDriver. */
const frameOf = (ff) => ({
  evaluate: (fn, arg = null) => ff.execute(`return (${fn}).apply(null, arguments);`, [arg]),
});

test('Firefox ESR, x.com/home: a risky post in the Draft.js editor is highlighted exactly, nothing else changes', { timeout: 120000 }, async (t) => {
  let tmp;
  let proxy;
  let ff;
  // Runs whether the test passes or fails, also when the set-up below fails half-way.
  t.after(async () => {
    await ff?.quit();
    await proxy?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  requireFirefox(); // a clear failure when firefox-esr or geckodriver is missing
  assert.ok(
    existsSync(path.join(DIST_FIREFOX, 'manifest.json')),
    `${DIST_FIREFOX} is missing: build it with node extension/build.mjs (build.sh does)`,
  );
  tmp = await mkdtemp(path.join(tmpdir(), 'postwacht-firefox-'));
  const removeTmp = () => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  process.once('exit', removeTmp); // also when the process is ended before t.after can run
  t.after(() => process.removeListener('exit', removeTmp));
  // A private copy: a rebuild of dist/ while Firefox runs cannot swap files under it.
  const ext = path.join(tmp, 'extension');
  await cp(DIST_FIREFOX, ext, { recursive: true });
  proxy = await startFixtureProxy({ certDir: tmp });
  ff = await launchFirefox({ prefs: { ...QUIET_PREFS, ...proxy.prefs }, tmp });

  try {
    await ff.installAddon(ext);
    await ff.navigate(PAGES.xHome);
    assert.equal(await ff.execute('return location.href'), PAGES.xHome, 'the page is served under its real host name');
    await eventually(() => ff.execute('return !!(window.__fixture && window.__fixture.ready)'), 'the fixture app to mount', {
      timeout: 15000,
    });

    const editor = await ff.execute('return window.__fixture.editors.home.root()');
    await ff.click(editor);
    await ff.sendKeys(editor, RISKY);

    // (a) Exactly the phrases the engine finds are highlighted.
    const want = oracle(RISKY).map((f) => f.text);
    assert.ok(want.includes('BSN is 111222333') && want.includes('vertrouwelijk'), `the oracle finds the planted phrases: ${want}`);
    const frame = frameOf(ff);
    await eventually(async () => {
      const got = await highlightedTexts(frame);
      return JSON.stringify(got) === JSON.stringify(want) || got;
    }, `highlights ${JSON.stringify(want)}`, { timeout: 8000, interval: 100 });

    // (b) The editor's own model holds exactly what was typed.
    assert.equal(await ff.execute('return window.__fixture.editors.home.modelText()'), RISKY);

    // (c) The strict CSP was never violated: not in the page, not reported to the server.
    assert.deepEqual(await ff.execute('return JSON.parse(JSON.stringify(window.__fixture.cspViolations))'), []);
    assert.deepEqual(proxy.log.cspReports, []);

    // Everything the page loaded came from the fixture server.
    assert.ok(proxy.log.requests.includes(PAGES.xHome));
    assert.deepEqual(proxy.log.notFound, []);

    // (d) What a person sees.
    await writeFile(screenshotPath('firefox-x-home'), await ff.screenshot());
  } catch (err) {
    // What Firefox printed (console, dump(), add-on manager) and what the proxy refused.
    err.message +=
      `\n--- refused by the proxy ---\n${[...new Set(proxy.log.blocked)].join('\n')}` +
      `\n--- Firefox / geckodriver output (tail) ---\n${ff.output().slice(-8000)}`;
    throw err;
  }
});
