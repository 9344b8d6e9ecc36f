// The user's settings (chrome.storage.local) and the administrator's (chrome.storage.managed,
// set by enterprise policy). An administrator's value wins and locks the setting.

import type { Communication, Lang } from "./protocol";

export interface UserSettings {
  /** A built-in pack; unset: the default pack. */
  pack?: string;
  /** Interface language; "auto": the browser's. */
  lang: "auto" | Lang;
  showBadge: boolean;
  /** Categories the user switched off (only those the policy marks as adjustable count). */
  disabledCategories: string[];
  /** Sites (host names) where the user paused Postwacht. */
  pausedSites: string[];
}

/** What an administrator may set through managed storage (see managed_schema.json). */
export interface ManagedSettings {
  organisation?: string;
  contact?: string;
  pack?: string;
  lang?: "auto" | Lang;
  showBadge?: boolean;
  disabledCategories?: string[];
  /** Sites where Postwacht is off and the user cannot turn it on. */
  disabledSites?: string[];
  /** Settings users may not change even though the administrator set no value for them. */
  locked?: string[];
  /** The organisation's signed rule bundle: where, which, signed by whom, how often. */
  bundleUrl?: string;
  bundleId?: string;
  trustedKeys?: string[];
  updateIntervalMinutes?: number;
  /** A signed bundle given in the policy itself (networks without a reachable host). */
  inlineBundle?: string;
  /** Enforcement, overriding the bundle's own gate settings. */
  blockOverride?: boolean;
  cooldownSeconds?: number;
  /** Records address, communication team, official accounts: over the bundle's, field by field. */
  communication?: Communication;
}

/** A managed value that was not used, and why (shown in the popup, never silently lost). */
export interface Ignored {
  key: string;
  reason: string;
}

const LANGS = ["auto", "nl", "fr", "en"];
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
const KEY_B64 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Keeps the managed values that make sense; every other one is reported with a reason. The
 * browser already dropped values of the wrong JSON type; this catches the rest.
 */
export function checkManaged(raw: Record<string, unknown>): { managed: ManagedSettings; ignored: Ignored[] } {
  const managed: ManagedSettings = {};
  const ignored: Ignored[] = [];
  const m = managed as Record<string, unknown>;
  const take = (key: string, ok: boolean, reason: string) => {
    if (!(key in raw)) return;
    if (ok) m[key] = raw[key];
    else ignored.push({ key, reason });
  };
  const v = raw;
  take("organisation", typeof v.organisation === "string", "not a text");
  take("contact", typeof v.contact === "string", "not a text");
  take("pack", typeof v.pack === "string", "not a text");
  take("lang", typeof v.lang === "string" && LANGS.includes(v.lang), `not one of ${LANGS.join(", ")}`);
  take("showBadge", typeof v.showBadge === "boolean", "not true or false");
  take("disabledCategories", isStringList(v.disabledCategories), "not a list of category ids");
  take("disabledSites", isStringList(v.disabledSites), "not a list of host names");
  take("locked", isStringList(v.locked), "not a list of setting names");
  take("bundleUrl", typeof v.bundleUrl === "string" && secureUrl(v.bundleUrl), "not an https:// address");
  take("bundleId", typeof v.bundleId === "string" && v.bundleId.length > 0, "empty");
  take("trustedKeys", isStringList(v.trustedKeys) && v.trustedKeys.length > 0 && v.trustedKeys.every((k) => KEY_B64.test(k)),
    "not a list of base64 Ed25519 public keys (44 characters each)");
  take("updateIntervalMinutes", Number.isInteger(v.updateIntervalMinutes) && (v.updateIntervalMinutes as number) >= 15 && (v.updateIntervalMinutes as number) <= 1440,
    "not a whole number of minutes from 15 to 1440");
  take("inlineBundle", typeof v.inlineBundle === "string", "not a text");
  take("blockOverride", typeof v.blockOverride === "boolean", "not true or false");
  take("cooldownSeconds", Number.isInteger(v.cooldownSeconds) && (v.cooldownSeconds as number) >= 0 && (v.cooldownSeconds as number) <= 120,
    "not a whole number of seconds from 0 to 120");
  // Its fields are checked by the engine (refreshManaged's `deepCheck`), as a bundle's are.
  take("communication", !!v.communication && typeof v.communication === "object" && !Array.isArray(v.communication), "not an object");
  for (const key of Object.keys(raw)) {
    if (!(key in m) && !ignored.some((i) => i.key === key)) ignored.push({ key, reason: "unknown setting" });
  }
  if ((managed.bundleUrl || managed.inlineBundle) && (!managed.bundleId || !managed.trustedKeys)) {
    ignored.push({ key: managed.bundleUrl ? "bundleUrl" : "inlineBundle", reason: "needs bundleId and trustedKeys as well" });
    delete managed.bundleUrl;
    delete managed.inlineBundle;
  }
  return { managed, ignored };
}

/** https only; plain http just for this machine (a test or a local mirror). */
function secureUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || (u.protocol === "http:" && (u.hostname === "127.0.0.1" || u.hostname === "localhost"));
  } catch {
    return false;
  }
}

export const DEFAULTS: UserSettings = {
  lang: "auto",
  showBadge: true,
  disabledCategories: [],
  pausedSites: [],
};

export const USER_KEYS = ["pack", "lang", "showBadge", "disabledCategories", "pausedSites"] as const;
export type UserKey = (typeof USER_KEYS)[number];

export interface Effective extends UserSettings {
  /** Settings the user cannot change, with who set them. */
  locked: Set<UserKey>;
  managed: ManagedSettings;
}

/**
 * Reading managed storage can take seconds (measured: 4.6 s in Chromium with no policy at all),
 * so nothing waits for it: settings come from a copy kept in local storage, and this refresh,
 * run by the service worker at start-up and when policy changes, updates the copy; listeners
 * then see the change like any other.
 */
export async function refreshManaged(deepCheck?: DeepCheck): Promise<void> {
  let raw: Record<string, unknown>;
  try {
    raw = (await chrome.storage.managed.get(null)) ?? {};
  } catch {
    // No managed storage on this browser or profile: nothing is managed.
    raw = {};
  }
  const { managed, ignored } = checkManaged(raw);
  await deepCheck?.(managed, ignored);
  const stored = await chrome.storage.local.get([MANAGED_CACHE, MANAGED_IGNORED]);
  if (JSON.stringify(stored[MANAGED_CACHE] ?? {}) !== JSON.stringify(managed) ||
      JSON.stringify(stored[MANAGED_IGNORED] ?? []) !== JSON.stringify(ignored)) {
    await chrome.storage.local.set({ [MANAGED_CACHE]: managed, [MANAGED_IGNORED]: ignored });
  }
}

/**
 * Checks what only the engine can (the service worker passes one): drops values it refuses from
 * `managed` and says why in `ignored`.
 */
export type DeepCheck = (managed: ManagedSettings, ignored: Ignored[]) => Promise<void>;

export const MANAGED_IGNORED = "managedIgnored";

const MANAGED_CACHE = "managedCache";

export async function readUser(): Promise<UserSettings> {
  const stored = await chrome.storage.local.get([...USER_KEYS]);
  return { ...DEFAULTS, ...(stored as Partial<UserSettings>) };
}

export function combine(user: UserSettings, managed: ManagedSettings): Effective {
  const locked = new Set<UserKey>();
  const eff: Effective = { ...user, locked, managed };
  if (managed.pack !== undefined) { eff.pack = managed.pack; locked.add("pack"); }
  if (managed.lang !== undefined) { eff.lang = managed.lang; locked.add("lang"); }
  if (managed.showBadge !== undefined) { eff.showBadge = managed.showBadge; locked.add("showBadge"); }
  if (managed.disabledCategories !== undefined) {
    eff.disabledCategories = managed.disabledCategories;
    locked.add("disabledCategories");
  }
  for (const key of managed.locked ?? []) {
    if ((USER_KEYS as readonly string[]).includes(key)) locked.add(key as UserKey);
  }
  return eff;
}

export async function readEffective(): Promise<Effective> {
  const [user, cached] = await Promise.all([readUser(), chrome.storage.local.get(MANAGED_CACHE)]);
  return combine(user, (cached[MANAGED_CACHE] ?? {}) as ManagedSettings);
}

/** Is Postwacht off on this host, and if so, may the user turn it back on? */
export function siteState(eff: Effective, host: string): "on" | "paused" | "disabled-by-admin" {
  if (eff.managed.disabledSites?.includes(host)) return "disabled-by-admin";
  return eff.pausedSites.includes(host) ? "paused" : "on";
}

/** Calls `listener` with fresh effective settings whenever either area changes. */
export function onSettingsChanged(listener: (eff: Effective) => void): void {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && (MANAGED_CACHE in changes || USER_KEYS.some((k) => k in changes))) {
      void readEffective().then(listener);
    }
  });
}
