// The messages between the content script and the service worker that hosts the engine.
// Post text crosses this boundary only inside the browser, never to the network.

export type Severity = "info" | "warn" | "block";
export type Lang = "nl" | "fr" | "en";
export type Localized = Partial<Record<Lang, string>>;

/** One finding, as the wasm engine returns it: offsets in UTF-16 code units. */
export interface Finding {
  rule: string;
  category: string;
  severity: Severity;
  clauses: string[];
  start: number;
  end: number;
  confidence: number;
  text: string;
}

export interface DocumentView {
  id: string;
  title: string;
  organisation: string;
  language: Lang;
  url?: string;
}

export interface ClauseView {
  id: string;
  document: string;
  reference: string;
  title: Localized;
  text: string;
  explanation: Localized;
  advice: Localized;
}

export interface RuleView {
  id: string;
  category: string;
  severity: Severity;
  clauses: string[];
  message: Localized;
}

/** What the pre-submit gate lets a user do (the bundle's `gate` settings). */
export interface Gate {
  block_override: boolean;
  reason_min_chars: number;
  cooldown_seconds: number;
  /** Categories a user may switch off. */
  adjustable: string[];
}

export interface PolicyView {
  id: string;
  version: number;
  issued: string;
  expires?: string;
  organisation: string;
  documents: DocumentView[];
  clauses: ClauseView[];
  rules: RuleView[];
  gate: Gate;
}

/** Identifies the active policy, so a content script knows when its cached view is stale. */
export interface PolicyStamp {
  id: string;
  version: number;
}

export type Request =
  | { type: "scan"; text: string }
  | { type: "policy" }
  | { type: "warm" }
  | { type: "packs" }
  | { type: "openClause"; id: string }
  | { type: "checkUpdates" }
  | { type: "updateState" };

/** What the popup shows about rule updates. */
export interface UpdateState {
  configured: boolean;
  bundleUrl?: string;
  lastSuccess: number;
  lastError: string | null;
  nextAttempt: number;
  current?: { bundleId: string; version: number; expires: string; acceptedAt: number; source: "network" | "policy" };
  ignored: { key: string; reason: string }[];
}

export type UpdateReply = { ok: true; state: UpdateState } | { ok: false; error: string };

/** Where the active policy came from. */
export type PolicySource = "built-in" | "admin-policy" | "downloaded";

export interface PackInfo {
  name: string;
  description: string;
}

export type ScanReply =
  | { ok: true; findings: Finding[]; policy: PolicyStamp; micros: number }
  | { ok: false; error: string };

export type PolicyReply =
  | { ok: true; policy: PolicyView; source: PolicySource; pack: string }
  | { ok: false; error: string };

export type PacksReply = { ok: true; packs: PackInfo[] } | { ok: false; error: string };
