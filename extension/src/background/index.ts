// The service worker: answers scan and policy requests from content scripts.
// Listeners are registered synchronously at the top level, as MV3 requires, so a message that
// wakes a stopped worker is delivered.

import type { PolicyReply, Request, ScanReply } from "../shared/protocol";
import { activeEngine, invalidate } from "./engine-host";

chrome.runtime.onMessage.addListener((message: Request, _sender, sendResponse) => {
  answer(message).then(sendResponse, (error: unknown) =>
    sendResponse({ ok: false, error: String(error) }),
  );
  return true; // the reply is asynchronous
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "pack" in changes) invalidate();
});

async function answer(message: Request): Promise<ScanReply | PolicyReply> {
  const active = await activeEngine();
  switch (message.type) {
    case "scan": {
      const t0 = performance.now();
      const findings = active.engine.scan(message.text, undefined);
      const micros = Math.round((performance.now() - t0) * 1000);
      return { ok: true, findings, policy: active.stamp, micros };
    }
    case "policy":
      active.view ??= active.engine.policy();
      return { ok: true, policy: active.view! };
  }
}
