// The user's language for our own UI and for the policy's localised texts.

import type { Lang, Localized } from "../shared/protocol";

export function uiLang(): Lang {
  const ui = (chrome.i18n?.getUILanguage?.() ?? navigator.language).slice(0, 2).toLowerCase();
  return ui === "fr" || ui === "en" ? ui : ui === "nl" ? "nl" : "en";
}

/** A policy text in the user's language, falling back to the languages the policy has. */
export function pick(text: Localized, lang: Lang = uiLang()): string {
  return text[lang] ?? text.nl ?? text.en ?? text.fr ?? "";
}

export function t(key: string, ...substitutions: string[]): string {
  return chrome.i18n.getMessage(key, substitutions) || key;
}
