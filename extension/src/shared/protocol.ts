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

/** A team to ask (the bundle's `communication.team`). */
export interface Contact {
  name: string;
  email?: string;
  url?: string;
}

/** An official account on one of the sites. */
export interface Account {
  url: string;
  name: string;
}

export type AccountSite = "x" | "linkedin" | "facebook";

/**
 * Where records go, whom to ask, which accounts speak for the organisation: the bundle's
 * `communication` section, with the administrator's managed `communication` setting over it.
 * Addresses and links were checked by the engine (mailto-safe addresses, https links only).
 */
export interface Communication {
  records_address?: string;
  records_clause?: string;
  records_advice?: Localized;
  team?: Contact;
  accounts?: Partial<Record<AccountSite, Account>>;
}

/** One point to check in an attached photo or video, tied to clauses of the policy. */
export interface ChecklistItem {
  id: string;
  text: Localized;
  clauses: string[];
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
  communication?: Communication;
  photo_checklist: ChecklistItem[];
}

/**
 * How much of an attached file the content script reads for the engine: the engine's own limit
 * (`photo::HEAD_BYTES`), where every photo's metadata lies.
 */
export const PHOTO_HEAD_BYTES = 512 * 1024;

/** What a photo's metadata gives away (the engine's `photo::inspect`). */
export interface PhotoMetadata {
  format: "jpeg" | "png" | "heif";
  /** Absent when the file gives no position. */
  gps?: { latitude: number; longitude: number };
  serial_numbers: { kind: "body" | "lens" | "camera"; value: string }[];
}

/** `error` is `kind: reason`, kind one of unsupported, beyond-head, damaged. */
export type PhotoReply = { ok: true; metadata: PhotoMetadata } | { ok: false; error: string };

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
  /** The first bytes of an attached photo, base64 (runtime messages carry JSON, not bytes). */
  | { type: "inspectPhoto"; head: string; wholeFile: boolean }
  | { type: "checkUpdates" }
  | { type: "updateState" };

/**
 * Content scripts send their requests over one long-lived port of this name; each request and
 * its reply carry the same `id`. Extension pages use `chrome.runtime.sendMessage`.
 */
export const PORT_NAME = "postwacht";

export interface PortRequest {
  id: number;
  request: Request;
}

export interface PortReply {
  id: number;
  reply: unknown;
}

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
