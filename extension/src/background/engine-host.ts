// Owns the wasm engine inside the service worker. Chromium applies a page's CSP to wasm compiled
// in a content script, so the engine lives here and content scripts message it (toolchain notes).
// The worker may be stopped at any moment; everything here is rebuilt lazily on the next message.

import init, { Engine } from "../../../dist/wasm/postwacht_wasm.js";
import type { PolicyStamp, PolicyView } from "../shared/protocol";

const DEFAULT_PACK = "overheid";

export interface Active {
  engine: Engine;
  stamp: PolicyStamp;
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
    // Do not cache a failure: the next message tries again (e.g. after a transient fetch error).
    active = undefined;
    throw error;
  });
  return active;
}

async function build(): Promise<Active> {
  await loadWasm();
  const { pack } = await chrome.storage.local.get("pack");
  let engine: Engine;
  try {
    engine = typeof pack === "string" ? Engine.fromPack(pack) : Engine.withDefaultPolicy();
  } catch {
    // An unknown pack name (say, from an older version's settings) must not leave the user
    // unprotected: fall back to the default policy.
    engine = Engine.fromPack(DEFAULT_PACK);
  }
  return { engine, stamp: { id: engine.id, version: engine.version } };
}

/** Forget the engine, so the next request compiles the newly configured policy. */
export function invalidate(): void {
  active = undefined;
}
