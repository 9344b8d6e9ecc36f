// The service worker: answers scan and policy requests from content scripts and extension pages,
// and runs the rule-update loop. Listeners are registered synchronously at the top level, as
// MV3 requires, so an event that wakes a stopped worker is delivered.

import { PORT_NAME, type PacksReply, type PhotoReply, type PolicyReply, type PortRequest, type Request, type ScanReply, type UpdateReply, type UpdateState } from "../shared/protocol";
import { MANAGED_IGNORED, readEffective, refreshManaged as refreshWith, USER_KEYS, type DeepCheck, type ManagedSettings } from "../shared/settings";
import { activeEngine, communicationProblems, invalidate, packs, photoMetadata, policyView, scan } from "./engine-host";
import { checkNow, ensureAlarm, isUpdateAlarm, type StoredBundle, type UpdateStatus } from "./updates";

/** An administrator's `communication` setting is held to the engine's rules, like a bundle's. */
const checkWithEngine: DeepCheck = async (managed, ignored) => {
  if (managed.communication === undefined) return;
  const problems = await communicationProblems(managed.communication);
  if (problems.length === 0) return;
  ignored.push({ key: "communication", reason: problems.join("; ") });
  delete managed.communication;
};
const refreshManaged = () => refreshWith(checkWithEngine);

chrome.runtime.onMessage.addListener((message: Request, _sender, sendResponse) => {
  void reply(message).then(sendResponse);
  return true; // the reply is asynchronous
});

// Content scripts ask over a port (engine-client.ts): no channel set up per keystroke.
chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== PORT_NAME) return;
  port.onMessage.addListener(({ id, request }: PortRequest) => {
    void reply(request).then((answered) => {
      try {
        port.postMessage({ id, reply: answered });
      } catch {
        // The tab closed or navigated while the request was answered.
      }
    });
  });
});

function reply(message: Request): Promise<unknown> {
  return answer(message).catch((error: unknown) => ({ ok: false, error: String(error) }));
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "managed") void refreshManaged();
  if (area !== "local") return;
  // A new pack, category choice, policy or bundle: the next scan compiles the new rules.
  if ("managedCache" in changes || "bundleCurrent" in changes || USER_KEYS.some((k) => k in changes)) invalidate();
  if ("managedCache" in changes) {
    const { oldValue, newValue } = changes.managedCache!;
    void policyChanged(oldValue as ManagedSettings | undefined, newValue as ManagedSettings | undefined);
  }
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (isUpdateAlarm(alarm.name)) void refreshManaged().then(() => checkNow());
});

// Policy may have changed while the browser was closed; slow, so never awaited by anything.
// Chromium can also hand over policy after start-up without a change event, so look again.
void refreshManaged();
for (const seconds of [10, 60]) setTimeout(() => void refreshManaged(), seconds * 1000);
void readEffective().then(({ managed }) => ensureAlarm(managed));

/** A new bundle address, id or key list: check at once rather than at the next alarm. */
async function policyChanged(before: ManagedSettings | undefined, after: ManagedSettings | undefined): Promise<void> {
  const now = after ?? {};
  await ensureAlarm(now);
  const was = before ?? {};
  const changed = (["bundleUrl", "bundleId", "inlineBundle"] as const).some((k) => was[k] !== now[k]) ||
    JSON.stringify(was.trustedKeys) !== JSON.stringify(now.trustedKeys);
  if (changed && (now.bundleUrl || now.inlineBundle)) await checkNow(true);
}

async function updateState(): Promise<UpdateState> {
  const { managed } = await readEffective();
  const stored = await chrome.storage.local.get(["updateStatus", "bundleCurrent", MANAGED_IGNORED]);
  const status = (stored.updateStatus ?? {}) as Partial<UpdateStatus>;
  const current = stored.bundleCurrent as StoredBundle | undefined;
  return {
    configured: !!(managed.bundleUrl || managed.inlineBundle),
    bundleUrl: managed.bundleUrl,
    lastSuccess: status.lastSuccess ?? 0,
    lastError: status.lastError ?? null,
    nextAttempt: status.nextAttempt ?? 0,
    current: current && {
      bundleId: current.bundleId,
      version: current.version,
      expires: current.expires,
      acceptedAt: current.acceptedAt,
      source: current.source,
    },
    ignored: (stored[MANAGED_IGNORED] ?? []) as UpdateState["ignored"],
  };
}

async function answer(message: Request): Promise<ScanReply | PolicyReply | PacksReply | UpdateReply | PhotoReply | { ok: true }> {
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
      return { ok: true, policy: policyView(active), source: active.source, pack: active.pack };
    }
    case "warm":
      // An editor got focus: start the engine now, not at the first keystroke.
      await activeEngine();
      return { ok: true };
    case "packs":
      return { ok: true, packs: await packs() };
    case "inspectPhoto":
      return photoMetadata(message.head, message.wholeFile);
    case "openClause":
      // "Read the full clause" from a card: the popup's code-of-conduct view, in a tab.
      await chrome.tabs.create({ url: chrome.runtime.getURL(`popup.html#clause=${encodeURIComponent(message.id)}`) });
      return { ok: true };
    case "checkUpdates":
      await checkNow(true);
      return { ok: true, state: await updateState() };
    case "updateState":
      // Someone is looking: a good moment to see whether policy changed.
      void refreshManaged();
      return { ok: true, state: await updateState() };
  }
}
