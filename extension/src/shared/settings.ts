// The user's settings (chrome.storage.local) and the administrator's (chrome.storage.managed,
// set by enterprise policy). An administrator's value wins and locks the setting.

import type { Lang } from "./protocol";

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
export async function refreshManaged(): Promise<void> {
  let managed: ManagedSettings;
  try {
    managed = ((await chrome.storage.managed.get(null)) ?? {}) as ManagedSettings;
  } catch {
    // No managed storage on this browser or profile: nothing is managed.
    managed = {};
  }
  const { managedCache } = await chrome.storage.local.get(MANAGED_CACHE);
  if (JSON.stringify(managedCache ?? {}) !== JSON.stringify(managed)) {
    await chrome.storage.local.set({ [MANAGED_CACHE]: managed });
  }
}

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
