// The user's language for our own UI and for the policy's localised texts. Our UI strings come
// from the same _locales catalogs as the manifest's, bundled in, so UI and policy texts always
// share one language (chrome.i18n follows the browser's locale and cannot be switched).

import en from "../../_locales/en/messages.json";
import fr from "../../_locales/fr/messages.json";
import nl from "../../_locales/nl/messages.json";
import type { Lang, Localized } from "./protocol";

type Catalog = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
const CATALOGS: Record<Lang, Catalog> = { nl, fr, en };

let chosen: Lang | undefined;

/** The language the user chose in the options ("auto": follow the browser). */
export function setLang(lang: "auto" | Lang): void {
  chosen = lang === "auto" ? undefined : lang;
}

export function uiLang(): Lang {
  if (chosen) return chosen;
  const ui = (chrome.i18n?.getUILanguage?.() ?? navigator.language).slice(0, 2).toLowerCase();
  return ui === "nl" || ui === "fr" || ui === "en" ? ui : "en";
}

/** A policy text in the user's language, falling back to the languages the policy has. */
export function pick(text: Localized, lang: Lang = uiLang()): string {
  return text[lang] ?? text.nl ?? text.en ?? text.fr ?? "";
}

/** A UI string; `$COUNT$`-style placeholders are filled from `substitutions` in order. */
export function t(key: string, ...substitutions: string[]): string {
  const entry = CATALOGS[uiLang()][key] ?? CATALOGS.en[key];
  if (!entry) return key;
  let message = entry.message;
  for (const [name, { content }] of Object.entries(entry.placeholders ?? {})) {
    const value = substitutions[Number(content.replace("$", "")) - 1] ?? "";
    message = message.replaceAll(`$${name.toUpperCase()}$`, value);
  }
  return message;
}
