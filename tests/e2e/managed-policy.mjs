// Enterprise policy for the end-to-end tests: Chromium on Linux reads managed policy from
// /etc/chromium/policies/managed/*.json at start-up. The file exists only while `fn` runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const DIR = '/etc/chromium/policies/managed';
const FILE = `${DIR}/postwacht-e2e.json`;
const ID = 'khfihhjabhpiephfbpdjoocffhdehbmg';
const root = process.getuid?.() === 0;

function write(path, text) {
  if (root) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(path, text);
  } else {
    execFileSync('sudo', ['mkdir', '-p', DIR]);
    execFileSync('sudo', ['tee', path], { input: text, stdio: ['pipe', 'ignore', 'inherit'] });
  }
}

function remove(path) {
  if (root) rmSync(path, { force: true });
  else execFileSync('sudo', ['rm', '-f', path]);
}

/** Runs `fn` with `settings` as the extension's managed storage (the "3rdparty" policy). */
export async function withManagedPolicy(settings, fn) {
  write(FILE, JSON.stringify({ '3rdparty': { extensions: { [ID]: settings } } }, null, 2));
  try {
    return await fn();
  } finally {
    remove(FILE);
  }
}
