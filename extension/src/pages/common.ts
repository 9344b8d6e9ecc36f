// Shared by the popup and the options page: language, texts, messaging the service worker.

import { setLang, t, uiLang } from "../shared/i18n";
import type { Request } from "../shared/protocol";
import { readEffective, type Effective } from "../shared/settings";

/** Reads the settings, sets the interface language and fills every `data-i18n` element. */
export async function startPage(): Promise<Effective> {
  const settings = await readEffective();
  setLang(settings.lang);
  document.documentElement.lang = uiLang();
  for (const e of document.querySelectorAll<HTMLElement>("[data-i18n]")) e.textContent = t(e.dataset.i18n!);
  return settings;
}

export async function ask<T extends { ok: boolean }>(request: Request): Promise<Extract<T, { ok: true }>> {
  const reply = (await chrome.runtime.sendMessage(request)) as T | { ok: false; error: string };
  if (!reply.ok) throw new Error((reply as { error: string }).error);
  return reply as Extract<T, { ok: true }>;
}

/** Lower case without diacritics: "België" and "belgie" match. */
export function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}
