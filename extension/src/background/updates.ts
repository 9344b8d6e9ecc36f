// The rule-update loop: fetch the organisation's signed bundle from the address in managed
// policy, have the engine verify it (signature, bundle id, expiry, version ratchet, compile,
// examples), and only then store it as the last good bundle, raising the ratchet in the same
// write. Any failure keeps the current rules and records a reason a person understands.
// This GET is the only network request the extension ever makes.

import { acceptSignedBundle } from "../../../dist/wasm/postwacht_wasm.js";
import { readEffective, type ManagedSettings } from "../shared/settings";
import { loadWasm } from "./engine-host";

const ALARM = "postwacht-update";
const RETRY = "postwacht-retry";
const DEFAULT_INTERVAL_MINUTES = 360;
/** Larger than any real bundle (the default pack is ~0.7 MB of JSON), small enough to refuse junk. */
const MAX_BYTES = 4 << 20;

export interface StoredBundle {
  envelope: string;
  /** sha256 of the envelope text, to notice "not modified" cheaply. */
  sha256: string;
  bundleId: string;
  keyId: string;
  version: number;
  issued: string;
  expires: string;
  acceptedAt: number;
  source: "network" | "policy";
}

export interface UpdateStatus {
  lastAttempt: number;
  lastSuccess: number;
  lastError: string | null;
  failures: number;
  nextAttempt: number;
}

type Ratchet = Record<string, Record<string, { version: number; sha256: string }>>;

const NO_STATUS: UpdateStatus = { lastAttempt: 0, lastSuccess: 0, lastError: null, failures: 0, nextAttempt: 0 };

/** (Re)creates the periodic check; a jittered first check so thousands of browsers do not start at once. */
export async function ensureAlarm(managed: ManagedSettings): Promise<void> {
  if (!managed.bundleUrl) {
    await chrome.alarms.clear(ALARM);
    return;
  }
  const period = managed.updateIntervalMinutes ?? DEFAULT_INTERVAL_MINUTES;
  const existing = await chrome.alarms.get(ALARM);
  if (existing?.periodInMinutes === period) return;
  await chrome.alarms.create(ALARM, { delayInMinutes: 1 + Math.random() * 9, periodInMinutes: period });
}

export function isUpdateAlarm(name: string): boolean {
  return name === ALARM || name === RETRY;
}

let running: Promise<UpdateStatus> | undefined;

/** One check at a time; `force` (the popup's "check now", a new policy) ignores the back-off. */
export function checkNow(force = false): Promise<UpdateStatus> {
  running ??= check(force).finally(() => (running = undefined));
  return running;
}

async function check(force: boolean): Promise<UpdateStatus> {
  const { managed } = await readEffective();
  const status = await readStatus();
  if (managed.inlineBundle) {
    try {
      await tryInstall(managed.inlineBundle, "policy", managed, status);
    } catch (error) {
      await failed(status, managed, `inline bundle: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!managed.bundleUrl) return status;
  if (!force && Date.now() < status.nextAttempt) return status;
  status.lastAttempt = Date.now();
  try {
    const text = await download(managed.bundleUrl);
    if ((await tryInstall(text, "network", managed, status)) === "unchanged") await succeeded(status);
  } catch (error) {
    await failed(status, managed, error instanceof Error ? error.message : String(error));
  }
  return status;
}

/**
 * Verifies and installs a signed bundle; "unchanged" when it is the one in use already. Throws
 * the engine's reason when it is refused.
 */
async function tryInstall(
  text: string,
  source: StoredBundle["source"],
  managed: ManagedSettings,
  status: UpdateStatus,
): Promise<"installed" | "unchanged"> {
  const bundleId = managed.bundleId!;
  const stored = await chrome.storage.local.get(["bundleCurrent", "ratchet"]);
  const current = stored.bundleCurrent as StoredBundle | undefined;
  const hash = await sha256Hex(new TextEncoder().encode(text));
  if (current?.sha256 === hash) return "unchanged";
  const ratchet = ((stored.ratchet ?? {}) as Ratchet);
  const trusted = await keyIds(managed.trustedKeys ?? []);
  // Ratchets of keys no longer trusted go: a retired (or stolen) key must not pin versions.
  const mine = Object.fromEntries(Object.entries(ratchet[bundleId] ?? {}).filter(([k]) => trusted.has(k)));
  const today = new Date().toISOString().slice(0, 10);
  await loadWasm();
  const accepted = acceptSignedBundle(text, managed.trustedKeys ?? [], bundleId, JSON.stringify(mine), today);
  const next: StoredBundle = {
    envelope: text,
    sha256: hash,
    bundleId,
    keyId: accepted.keyId,
    version: accepted.version,
    issued: accepted.issued,
    expires: accepted.expires,
    acceptedAt: Date.now(),
    source,
  };
  mine[next.keyId] = { version: next.version, sha256: accepted.sha256 };
  accepted.free();
  // The bundle and its ratchet are written together, and only now: never one without the other.
  await chrome.storage.local.set({
    bundleCurrent: next,
    bundlePrevious: current ?? null,
    ratchet: { ...ratchet, [bundleId]: mine },
    updateStatus: Object.assign(status, SUCCESS(), { lastSuccess: Date.now() }),
  });
  return "installed";
}

const SUCCESS = () => ({ lastSuccess: Date.now(), lastError: null, failures: 0, nextAttempt: 0 });

async function succeeded(status: UpdateStatus): Promise<UpdateStatus> {
  Object.assign(status, SUCCESS());
  await chrome.storage.local.set({ updateStatus: status });
  return status;
}

async function failed(status: UpdateStatus, managed: ManagedSettings, reason: string): Promise<void> {
  status.failures += 1;
  const period = managed.updateIntervalMinutes ?? DEFAULT_INTERVAL_MINUTES;
  // Exponential back-off from one minute up to the normal interval, with jitter.
  const minutes = Math.min(period, 2 ** (status.failures - 1)) * (0.8 + Math.random() * 0.4);
  status.nextAttempt = Date.now() + minutes * 60_000;
  status.lastError = reason;
  await chrome.storage.local.set({ updateStatus: status });
  await chrome.alarms.create(RETRY, { when: status.nextAttempt });
}

/** GET with no cookies and no cache reuse, and a byte cap enforced while streaming. */
async function download(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-cache", credentials: "omit", redirect: "follow", signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new Error(`unreachable: ${url} (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      throw new Error(`too large: more than ${MAX_BYTES} bytes from ${url}`);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(concat(chunks, size));
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return all;
}

async function readStatus(): Promise<UpdateStatus> {
  const { updateStatus } = await chrome.storage.local.get("updateStatus");
  return { ...NO_STATUS, ...(updateStatus as Partial<UpdateStatus> | undefined) };
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Key ids as the engine computes them: the first 16 hex digits of sha256 of the raw key. */
async function keyIds(keys: string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const key of keys) {
    ids.add((await sha256Hex(Uint8Array.from(atob(key), (c) => c.charCodeAt(0)))).slice(0, 16));
  }
  return ids;
}
