// Asks the service worker to scan texts, over one port (`WorkerPort`). At most one request is in
// flight per frame; while it is, each editor keeps only its latest text (latest wins), and a
// reply for a text the editor no longer holds is dropped by the caller. A stopped worker is woken
// by the next message.

import { PORT_NAME, type Finding, type PhotoReply, type PolicyReply, type PolicyStamp, type PolicyView, type PortReply, type PortRequest, type Request, type ScanReply } from "../shared/protocol";

export interface ScanResult {
  findings: Finding[];
  policy: PolicyStamp;
}

type Callback = (text: string, result: ScanResult | Error) => void;

interface Pending {
  text: string;
  done: Callback;
}

export class EngineClient {
  private inFlight = false;
  private queue = new Map<object, Pending>();
  private cache = new Map<string, ScanResult>();
  private policyView?: Promise<PolicyView>;
  private policyStamp?: PolicyStamp;

  /** Scan `text` for `owner` (an editor); replaces any text of the same owner still waiting. */
  scan(owner: object, text: string, done: Callback): void {
    const cached = this.cache.get(text);
    if (cached) {
      done(text, cached);
      return;
    }
    this.queue.set(owner, { text, done });
    this.pump();
  }

  private pump(): void {
    if (this.inFlight) return;
    const next = this.queue.entries().next();
    if (next.done) return;
    const [owner, job] = next.value;
    this.queue.delete(owner);
    this.inFlight = true;
    send<ScanReply>({ type: "scan", text: job.text })
      .then((reply) => {
        if (!reply.ok) throw new Error(reply.error);
        const result = { findings: reply.findings, policy: reply.policy };
        this.remember(job.text, result);
        job.done(job.text, result);
      })
      .catch((error: unknown) => job.done(job.text, error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.inFlight = false;
        this.pump();
      });
  }

  private remember(text: string, result: ScanResult): void {
    if (this.policyStamp && !samePolicy(this.policyStamp, result.policy)) {
      // A new policy was installed: old results and the cached policy view are stale.
      this.cache.clear();
      this.policyView = undefined;
    }
    this.policyStamp = result.policy;
    // Undo and retyping revisit recent texts; a small cache answers those without a round trip.
    if (this.cache.size >= 32) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(text, result);
  }

  private warmed = 0;

  /**
   * MV3 stops an idle service worker after ~30 s, and starting it (wasm, policy compile) takes
   * most of a second: wake it when an editor gets focus, so it is ready by the first keystroke.
   */
  warm(): void {
    if (Date.now() - this.warmed < 10_000) return;
    this.warmed = Date.now();
    send<{ ok: boolean }>({ type: "warm" }).catch(() => undefined);
  }

  /** Forget cached results and the policy view (the settings or the policy changed). */
  reset(): void {
    this.cache.clear();
    this.policyView = undefined;
  }

  /** The documents, clauses and messages for cards; fetched once per policy. */
  policy(): Promise<PolicyView> {
    this.policyView ??= send<PolicyReply>({ type: "policy" }).then((reply) => {
      if (!reply.ok) throw new Error(reply.error);
      return reply.policy;
    });
    this.policyView.catch(() => (this.policyView = undefined));
    return this.policyView;
  }
}

/**
 * What an attached photo's metadata gives away, from its first bytes (base64): read by the
 * engine in the worker, kept by nobody.
 */
export function inspectPhoto(head: string, wholeFile: boolean): Promise<PhotoReply> {
  return send<PhotoReply>({ type: "inspectPhoto", head, wholeFile });
}

function samePolicy(a: PolicyStamp, b: PolicyStamp): boolean {
  return a.id === b.id && a.version === b.version;
}

/** True while this content script can still reach its extension (false after an update). */
export function extensionAlive(): boolean {
  return typeof chrome !== "undefined" && !!chrome.runtime?.id;
}

/**
 * One long-lived port to the worker. A `sendMessage` sets up a message channel per call, which
 * cost about 1 ms of every keystroke's round trip (BENCHMARKS.md). MV3 closes the port when it
 * stops the worker; the next request opens a new one, which wakes it.
 */
class WorkerPort {
  private port?: chrome.runtime.Port;
  private nextId = 0;
  private waiting = new Map<number, { resolve: (reply: unknown) => void; reject: (error: Error) => void }>();

  request(request: Request): Promise<unknown> {
    const port = this.open();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      try {
        port.postMessage({ id, request } satisfies PortRequest);
      } catch (error) {
        this.waiting.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private open(): chrome.runtime.Port {
    if (this.port) return this.port;
    const port = chrome.runtime.connect({ name: PORT_NAME });
    port.onMessage.addListener(({ id, reply }: PortReply) => {
      this.waiting.get(id)?.resolve(reply);
      this.waiting.delete(id);
    });
    port.onDisconnect.addListener(() => {
      this.port = undefined;
      const lost = [...this.waiting.values()];
      this.waiting.clear();
      for (const w of lost) w.reject(new Error("the worker closed the port"));
    });
    this.port = port;
    return port;
  }
}

const worker = new WorkerPort();

async function send<T>(request: Request): Promise<T> {
  try {
    return (await worker.request(request)) as T;
  } catch {
    // The worker stopped while this request was on its way, or the port could not open: ask
    // once more the other way.
  }
  // While a stopped worker starts, the first message can fail with "Receiving end does not
  // exist"; one retry after a short pause covers it.
  try {
    return (await chrome.runtime.sendMessage(request)) as T;
  } catch (error) {
    if (!extensionAlive()) throw error;
    await new Promise((r) => setTimeout(r, 50));
    return (await chrome.runtime.sendMessage(request)) as T;
  }
}
