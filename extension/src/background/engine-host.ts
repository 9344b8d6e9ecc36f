// Owns the wasm engine inside the service worker. Chromium applies a page's CSP to wasm compiled
// in a content script, so the engine lives here and content scripts message it (toolchain notes).
// The worker may be stopped at any moment; everything here is rebuilt lazily on the next message.

import init, { Engine, builtInPacks } from "../../../dist/wasm/postwacht_wasm.js";
import type { Finding, PackInfo, PolicySource, PolicyStamp, PolicyView } from "../shared/protocol";
import { readEffective } from "../shared/settings";

const DEFAULT_PACK = "overheid";

export interface Active {
  engine: Engine;
  stamp: PolicyStamp;
  source: PolicySource;
  pack: string;
  /** Categories the user switched off that the policy lets them switch off. */
  off: Set<string>;
  /** Built on first request: the documents, clauses and messages cards display. */
  view?: PolicyView;
}

let wasmReady: Promise<unknown> | undefined;
let active: Promise<Active> | undefined;

function loadWasm(): Promise<unknown> {
  wasmReady ??= init({ module_or_path: chrome.runtime.getURL("wasm/postwacht_wasm_bg.wasm") });
  return wasmReady;
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
  let engine: Engine;
  let pack = settings.pack ?? DEFAULT_PACK;
  try {
    engine = Engine.fromPack(pack);
  } catch {
    // An unknown pack name (say, from an older version's settings) must not leave the user
    // unprotected: fall back to the default policy.
    pack = DEFAULT_PACK;
    engine = Engine.fromPack(pack);
  }
  const view = engine.policy() as PolicyView;
  const adjustable = new Set(view.gate.adjustable);
  const off = new Set(settings.disabledCategories.filter((c) => adjustable.has(c)));
  return { engine, stamp: { id: engine.id, version: engine.version }, source: "built-in", pack, off, view };
}

export function scan(a: Active, text: string): Finding[] {
  const findings = a.engine.scan(text, undefined) as Finding[];
  return a.off.size === 0 ? findings : findings.filter((f) => !a.off.has(f.category));
}

export async function packs(): Promise<PackInfo[]> {
  await loadWasm();
  return builtInPacks() as PackInfo[];
}

/** Forget the engine, so the next request compiles the newly configured policy. */
export function invalidate(): void {
  active = undefined;
}
