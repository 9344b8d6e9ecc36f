// Debian's Firefox ESR driven through geckodriver with plain W3C WebDriver HTTP calls (fetch):
// no client library, since playwright-core cannot drive Firefox ESR.
//
//   const ff = await launchFirefox({ prefs, tmp });      // geckodriver + a headless Firefox session
//   await ff.installAddon('/path/to/unpacked');          // temporary add-on
//   await ff.navigate('https://x.com/home');
//   await ff.execute('return document.title');
//   await ff.quit();                                     // ends the session, kills what is left
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const FIREFOX_BINARY = process.env.FIREFOX_BINARY || '/usr/bin/firefox-esr';

/** geckodriver: $GECKODRIVER, else .tools/bin (ensure-firefox.sh puts it there), else the PATH. */
export function findGeckodriver() {
  if (process.env.GECKODRIVER) return existsSync(process.env.GECKODRIVER) ? process.env.GECKODRIVER : null;
  const local = path.join(root, '.tools/bin/geckodriver');
  if (existsSync(local)) return local;
  const which = spawnSync('sh', ['-c', 'command -v geckodriver'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : null;
}

/** Throws with a clear message when Firefox or geckodriver is missing. */
export function requireFirefox() {
  const missing = [];
  if (!existsSync(FIREFOX_BINARY)) missing.push(`Firefox (${FIREFOX_BINARY})`);
  const driver = findGeckodriver();
  if (!driver) missing.push('geckodriver (.tools/bin/geckodriver or on the PATH)');
  if (missing.length) {
    throw new Error(`${missing.join(' and ')} not found: run tests/e2e/ensure-firefox.sh (build.sh test does) to install them`);
  }
  return { binary: FIREFOX_BINARY, driver };
}

class WebDriverError extends Error {
  constructor(method, url, status, value) {
    super(`${method} ${url}: HTTP ${status} ${value?.error ?? ''}: ${value?.message ?? JSON.stringify(value)}`);
    this.error = value?.error;
  }
}

/**
 * Starts geckodriver (its own process group, so Firefox and its content processes can be
 * ended with it) and a headless Firefox session. `tmp` is a directory the caller removes:
 * the profile is created inside it. Returns the session object described at the top.
 */
export async function launchFirefox({ prefs = {}, tmp, width = 1280, height = 900, timeout = 30000 } = {}) {
  const { binary, driver } = requireFirefox();
  const output = []; // geckodriver's and Firefox's output (console, dump), shown when a test fails
  const gd = spawn(driver, ['--port', '0', '--websocket-port', '0', '--profile-root', tmp, '--log', 'info'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp, MOZ_HEADLESS: '1', MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  let exited = false;
  gd.on('exit', () => (exited = true));
  const killGroup = () => {
    if (exited) return;
    try {
      process.kill(-gd.pid, 'SIGKILL'); // geckodriver, Firefox and its children: the group we started
    } catch {
      /* already gone */
    }
  };
  const base = await new Promise((resolve, reject) => {
    let started = false;
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`geckodriver did not start:\n${output.join('')}`));
    }, 10000);
    const onData = (chunk) => {
      output.push(chunk.toString());
      if (output.length > 5000) output.splice(0, output.length - 4000);
      const m = !started && /Listening on ([\d.]+:\d+)/.exec(output.join(''));
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    };
    gd.stdout.on('data', onData);
    gd.stderr.on('data', onData);
    gd.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    gd.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`geckodriver exited (${code}):\n${output.join('')}`));
    });
  });

  // The group is detached from ours: if this process ends without quit() (a runner's timeout,
  // Ctrl-C), end it too rather than leave Firefox running.
  const onSignal = (signal) => {
    killGroup();
    process.exit(signal === 'SIGINT' ? 130 : 143); // runs the other 'exit' handlers (temp dirs)
  };
  process.on('exit', killGroup).on('SIGINT', onSignal).on('SIGTERM', onSignal);
  gd.once('exit', () => {
    process.removeListener('exit', killGroup).removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
  });

  async function call(method, url, body) {
    const res = await fetch(base + url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new WebDriverError(method, url, res.status, json.value);
    return json.value;
  }

  let session;
  try {
    const created = await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'firefox',
          acceptInsecureCerts: true,
          pageLoadStrategy: 'normal',
          'moz:firefoxOptions': {
            binary,
            args: ['-headless'],
            prefs,
            log: { level: 'info' },
          },
        },
      },
    });
    session = created.sessionId;
  } catch (err) {
    killGroup();
    err.message += `\n--- geckodriver output ---\n${output.join('').slice(-8000)}`;
    throw err;
  }
  const s = (url) => `/session/${session}${url}`;
  try {
    await call('POST', s('/window/rect'), { width, height }); // the same viewport-ish size as the Chromium tests
  } catch (err) {
    await call('DELETE', s('')).catch(() => {});
    killGroup();
    throw err;
  }

  const ff = {
    session,
    /** geckodriver's and Firefox's output so far (Firefox stdout: console and dump() with the debug prefs). */
    output: () => output.join(''),
    call: (method, url, body) => call(method, s(url), body),
    installAddon: (dir) => call('POST', s('/moz/addon/install'), { path: dir, temporary: true }),
    setWindowRect: (rect) => call('POST', s('/window/rect'), rect),
    navigate: (url) => call('POST', s('/url'), { url }),
    /** Runs `script` (a function body; `arguments` holds `args`) in the page and returns its value. */
    execute: (script, args = []) => call('POST', s('/execute/sync'), { script, args }),
    /** Like execute, but the last argument is a callback to call with the result. */
    executeAsync: (script, args = []) => call('POST', s('/execute/async'), { script, args }),
    /** A WebDriver element reference from the value of execute() (or find). */
    elementId: (ref) => ref['element-6066-11e4-a23d-4a4f-9f9b5b2b55a1'] ?? Object.values(ref)[0],
    click: (ref) => call('POST', s(`/element/${ff.elementId(ref)}/click`), {}),
    sendKeys: (ref, text) => call('POST', s(`/element/${ff.elementId(ref)}/value`), { text }),
    /** The viewport as PNG bytes. */
    screenshot: async () => Buffer.from(await call('GET', s('/screenshot')), 'base64'),
    /** Ends the session (Firefox quits and geckodriver removes its profile), then kills whatever is left. */
    async quit() {
      try {
        if (!exited) await call('DELETE', s(''));
      } catch {
        /* the browser may already be gone */
      }
      killGroup();
      if (!exited) await new Promise((r) => gd.once('exit', r));
    },
  };
  return ff;
}
