// The service worker: answers scan and policy requests from content scripts and extension pages.
// Listeners are registered synchronously at the top level, as MV3 requires, so a message that
// wakes a stopped worker is delivered.

import type { PacksReply, PolicyReply, Request, ScanReply } from "../shared/protocol";
import { refreshManaged, USER_KEYS } from "../shared/settings";
import { activeEngine, invalidate, packs, scan } from "./engine-host";

chrome.runtime.onMessage.addListener((message: Request, _sender, sendResponse) => {
  answer(message).then(sendResponse, (error: unknown) =>
    sendResponse({ ok: false, error: String(error) }),
  );
  return true; // the reply is asynchronous
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "managed") void refreshManaged();
  // A new pack or category choice: the next scan compiles the newly configured policy.
  if (area === "local" && ("managedCache" in changes || USER_KEYS.some((k) => k in changes))) invalidate();
});

// Policy may have changed while the browser was closed; slow, so never awaited by anything.
void refreshManaged();

async function answer(message: Request): Promise<ScanReply | PolicyReply | PacksReply | { ok: true }> {
  switch (message.type) {
    case "scan": {
      const active = await activeEngine();
      const t0 = performance.now();
      const findings = scan(active, message.text);
      const micros = Math.round((performance.now() - t0) * 1000);
      return { ok: true, findings, policy: active.stamp, micros };
    }
    case "policy": {
      const active = await activeEngine();
      return { ok: true, policy: active.view!, source: active.source, pack: active.pack };
    }
    case "packs":
      return { ok: true, packs: await packs() };
    case "openClause":
      // "Read the full clause" from a card: the popup's code-of-conduct view, in a tab.
      await chrome.tabs.create({ url: chrome.runtime.getURL(`popup.html#clause=${encodeURIComponent(message.id)}`) });
      return { ok: true };
  }
}
