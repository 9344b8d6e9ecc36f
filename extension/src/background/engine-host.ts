// Owns the wasm engine inside the service worker. Chromium applies a page's CSP to wasm compiled
// in a content script, so the engine lives here and content scripts message it (toolchain notes).
// The worker may be stopped at any moment; everything here is rebuilt lazily on the next message.

import init, { Engine, Packs, checkCommunication, inspectPhoto, reloadSignedBundle } from "../../../dist/wasm/postwacht_wasm.js";
import type { Communication, Finding, Gate, PackInfo, PhotoMetadata, PhotoReply, PolicySource, PolicyStamp, PolicyView } from "../shared/protocol";
import { mergeCommunication } from "../shared/records";
import { readEffective, type Effective } from "../shared/settings";
import type { StoredBundle } from "./updates";

const DEFAULT_PACK = "overheid";

export interface Active {
  engine: Engine;
  stamp: PolicyStamp;
  source: PolicySource;
  pack: string;
  /** Categories the user switched off that the policy lets them switch off. */
  off: Set<string>;
  /** The gate settings in force: the bundle's, with the administrator's overrides. */
  gate: Gate;
  /** The administrator's managed `communication` setting (checked by the engine when read). */
  communication?: Communication;
  /** Built on first request: the documents, clauses and messages cards display. */
  view?: PolicyView;
}

let wasmReady: Promise<unknown> | undefined;
let active: Promise<Active> | undefined;
let builtIn: Promise<Packs> | undefined;

export function loadWasm(): Promise<unknown> {
  wasmReady ??= timed("postwacht:instantiate", () =>
    init({ module_or_path: chrome.runtime.getURL("wasm/postwacht_wasm_bg.wasm") }),
  );
  return wasmReady;
}

/**
 * The built-in packs. Their sources ship beside the wasm, not inside it (they were a third of its
 * size), and are read from the extension's own package only when a built-in pack is needed, with
 * the gate table the build worked out for them (it spares the start parsing every pattern).
 */
function builtInPacks(): Promise<Packs> {
  const read = (file: string) => fetch(chrome.runtime.getURL(`wasm/${file}`)).then((response) => response.text());
  builtIn ??= Promise.all([loadWasm(), read("pack-sources.json"), read("pack-gates.json")])
    .then(([, sources, gates]) => new Packs(JSON.parse(sources), gates))
    .catch((error: unknown) => {
      builtIn = undefined;
      throw error;
    });
  return builtIn;
}

/**
 * Records how long a start-up step took as a `performance.measure` entry (a name and a duration,
 * nothing else): the benchmarks read the cold-start split from the worker's timeline.
 */
async function timed<T>(name: string, step: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await step();
  } finally {
    performance.measure(name, { start, end: performance.now() });
  }
}

/** The engine for the configured policy; the built-in default pack when nothing is configured. */
export function activeEngine(): Promise<Active> {
  active ??= build().catch((error: unknown) => {
    // Do not cache a failure: the next message tries again.
    active = undefined;
    throw error;
  });
  return active;
}

async function build(): Promise<Active> {
  await loadWasm();
  const settings = await readEffective();
  return timed("postwacht:compile", () => compileActive(settings));
}

async function compileActive(settings: Effective): Promise<Active> {
  const signed = await signedEngine(settings);
  let engine: Engine;
  let pack = settings.pack ?? DEFAULT_PACK;
  let source: PolicySource = "built-in";
  if (signed) {
    ({ engine, source } = signed);
    pack = engine.id;
  } else {
    const packs = await builtInPacks();
    try {
      engine = packs.engine(pack);
    } catch {
      // An unknown pack name (say, from an older version's settings) must not leave the user
      // unprotected: fall back to the default policy.
      pack = DEFAULT_PACK;
      engine = packs.engine(pack);
    }
  }
  const gate = engine.gate() as Gate;
  // The administrator's enforcement settings win over the bundle's own.
  if (settings.managed.blockOverride !== undefined) gate.block_override = settings.managed.blockOverride;
  if (settings.managed.cooldownSeconds !== undefined) gate.cooldown_seconds = settings.managed.cooldownSeconds;
  const adjustable = new Set(gate.adjustable);
  const off = new Set(settings.disabledCategories.filter((c) => adjustable.has(c)));
  return { engine, stamp: { id: engine.id, version: engine.version }, source, pack, off, gate, communication: settings.managed.communication };
}

/** The policy as cards and the popup show it; converted on first request, not at start. */
export function policyView(a: Active): PolicyView {
  if (!a.view) {
    const view = a.engine.policy() as PolicyView;
    a.view = { ...view, gate: a.gate, communication: mergeCommunication(view.communication, a.communication) };
  }
  return a.view;
}

/**
 * The last good signed bundle, when policy names one: its signature is verified again on every
 * start (the stored copy is only trusted as far as that goes). An expired bundle stays in use,
 * with a warning, rather than falling back to older rules.
 */
async function signedEngine(settings: Effective): Promise<{ engine: Engine; source: PolicySource } | undefined> {
  const m = settings.managed;
  if (!m.bundleId || !m.trustedKeys || !(m.bundleUrl || m.inlineBundle)) return undefined;
  const { bundleCurrent } = await chrome.storage.local.get("bundleCurrent");
  const current = bundleCurrent as StoredBundle | undefined;
  if (!current || current.bundleId !== m.bundleId) return undefined;
  try {
    const engine = reloadSignedBundle(current.envelope, m.trustedKeys, m.bundleId);
    return { engine, source: current.source === "policy" ? "admin-policy" : "downloaded" };
  } catch {
    // Its key is no longer trusted, say: the built-in rules apply until a new bundle arrives.
    return undefined;
  }
}

export function scan(a: Active, text: string): Finding[] {
  const findings = a.engine.scan(text, undefined) as Finding[];
  return a.off.size === 0 ? findings : findings.filter((f) => !a.off.has(f.category));
}

/**
 * What a photo's metadata gives away, from the first bytes of the file (base64, as runtime
 * messages carry them). The bytes live only for this call: nothing is stored or logged.
 */
export async function photoMetadata(head: string, wholeFile: boolean): Promise<PhotoReply> {
  await loadWasm();
  const binary = atob(head);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  try {
    return { ok: true, metadata: inspectPhoto(bytes, wholeFile) as PhotoMetadata };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The engine's problems with an administrator's `communication` setting (none: it is fine). */
export async function communicationProblems(value: unknown): Promise<string[]> {
  await loadWasm();
  return checkCommunication(JSON.stringify(value));
}

export async function packs(): Promise<PackInfo[]> {
  return (await builtInPacks()).list() as PackInfo[];
}

/** Forget the engine, so the next request compiles the newly configured policy. */
export function invalidate(): void {
  active = undefined;
}
