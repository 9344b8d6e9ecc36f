// The privacy audit of the whole end-to-end suite, over the logs every other test file left in
// target/e2e-network/ (recorded by privacy-log.mjs from serve.mjs's launchers): pages asked only
// the fixture sites, the extension only its own files and its administrator's bundle address,
// and no request, console line, uncaught error or storage area of the extension held a piece of
// a post typed in that file. `node --test --test-concurrency=1 tests/e2e/` runs the files one at
// a time in name order, so this one (zz-) runs last, on this run's logs; a file run on its own
// refreshes only its own log. The audit's own test is privacy.test.mjs.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { siteFor } from './serve.mjs';
import { DIST_CHROMIUM } from './extension.mjs';
import { LOG_DIR, audit, postWindows, readLog } from './privacy-log.mjs';

const logs = (existsSync(LOG_DIR) ? readdirSync(LOG_DIR).filter((f) => f.endsWith('.test.mjs.jsonl')).sort() : [])
  .map((name) => ({ name, entries: readLog(path.join(LOG_DIR, name)) }));
// Within a run of the suite, only that run's logs (another run at the same time may have
// replaced a file's log); run on its own, the last log of every file.
const thisRun = logs.filter((l) => l.entries[0]?.runner === process.ppid);
const audited = new Set(thisRun.length > 0 ? thisRun : logs);

test('the end-to-end tests left logs to audit', () => {
  assert.ok(logs.length > 0, `no logs in ${LOG_DIR}: run the end-to-end tests first`);
});

/** Seconds the tests waited on the recorder, from the cost line it writes when a file ends. */
let waited = 0;

for (const log of logs) {
  test(`${log.name.replace(/\.jsonl$/, '')}: requests only to the fixture sites and bundle address; no post text in requests, console, errors or storage`, (t) => {
    if (!audited.has(log)) return t.skip('not from this run of the tests');
    const { entries } = log;
    const count = (kind) => entries.filter((e) => e.kind === kind).length;
    const cost = entries.findLast((e) => e.kind === 'cost')?.ms;
    const seconds = cost ? (cost.focus + cost.storage + cost.writes) / 1000 : NaN;
    waited += seconds || 0;
    t.diagnostic(`${count('request')} requests, ${count('console')} console messages, ${count('error')} uncaught errors, ` +
      `${count('storage')} storage dumps, ${postWindows(entries).size} pieces of typed posts looked for; recording took ${seconds.toFixed(1)} s`);
    assert.deepEqual(audit(entries, { isFixture: (url) => !!siteFor(url) }), []);
  });
}

test('what recording cost this run', (t) => {
  t.diagnostic(`the tests waited ${waited.toFixed(1)} s in all on the recorder (focus look-ups, storage dumps, log writes)`);
  assert.ok(logs.length > 0);
});

test('the built extension keeps nothing outside chrome.storage (no web storage, IndexedDB, Cache API or cookies)', () => {
  const scripts = readdirSync(DIST_CHROMIUM).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.includes('background.js') && scripts.includes('content.js'));
  for (const file of scripts) {
    const code = readFileSync(path.join(DIST_CHROMIUM, file), 'utf8');
    assert.doesNotMatch(code, /\b(localStorage|sessionStorage|indexedDB|caches|cookie)\b/, file);
  }
});
