// The options page: pack, adjustable categories, interface language, badge, reset. A setting
// the administrator set (managed storage) is shown locked, with the administrator's name.

import { t } from "../shared/i18n";
import type { PacksReply, PolicyReply } from "../shared/protocol";
import { onSettingsChanged, USER_KEYS, type Effective, type UserKey } from "../shared/settings";
import { el } from "../content/ui-root";
import { $, ask, startPage } from "./common";

async function main(): Promise<void> {
  const settings = await startPage();
  const [{ packs }, { policy }] = await Promise.all([
    ask<PacksReply>({ type: "packs" }),
    ask<PolicyReply>({ type: "policy" }),
  ]);

  const pack = $<HTMLSelectElement>("pack");
  for (const p of packs) pack.append(el("option", { value: p.name }, `${p.name}: ${p.description}`));
  pack.value = settings.pack ?? packs[0]!.name;
  pack.addEventListener("change", () => save({ pack: pack.value }));

  const fieldset = $("categories");
  if (policy.gate.adjustable.length === 0) fieldset.append(el("p", { class: "muted" }, t("optionsCategoriesNone")));
  for (const category of policy.gate.adjustable) {
    const box = el("input", { type: "checkbox", id: `cat-${category}`, "data-category": category });
    box.checked = !settings.disabledCategories.includes(category);
    box.disabled = settings.locked.has("disabledCategories");
    box.addEventListener("change", () => {
      const off = [...fieldset.querySelectorAll<HTMLInputElement>("input[data-category]")]
        .filter((b) => !b.checked)
        .map((b) => b.dataset.category!);
      void save({ disabledCategories: off });
    });
    fieldset.append(el("label", { class: "inline", for: `cat-${category}` }, box, t(`cat_${category.replaceAll("-", "_")}`)));
  }

  const lang = $<HTMLSelectElement>("lang");
  lang.value = settings.lang;
  lang.addEventListener("change", async () => {
    await save({ lang: lang.value });
    location.reload(); // the page itself switches language
  });

  const badge = $<HTMLInputElement>("showBadge");
  badge.checked = settings.showBadge;
  badge.addEventListener("change", () => save({ showBadge: badge.checked }));

  $("reset").addEventListener("click", async () => {
    await chrome.storage.local.remove(USER_KEYS.filter((k) => !settings.locked.has(k)));
    location.reload();
  });

  showLocks(settings);
  // Managed policy arrives late (reading it takes seconds): show locks and values when it does.
  onSettingsChanged((now) => {
    pack.value = now.pack ?? packs[0]!.name;
    badge.checked = now.showBadge;
    lang.value = now.lang;
    for (const box of fieldset.querySelectorAll<HTMLInputElement>("input[data-category]")) {
      box.checked = !now.disabledCategories.includes(box.dataset.category!);
      box.disabled = now.locked.has("disabledCategories");
    }
    showLocks(now);
  });
}

function showLocks(settings: Effective): void {
  const who = settings.managed.organisation ?? t("extName");
  for (const key of USER_KEYS) {
    const locked = settings.locked.has(key as UserKey);
    for (const control of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(`[data-setting="${key}"]`)) {
      control.disabled = locked;
      if (locked) control.setAttribute("aria-describedby", `locked-${key}`);
    }
    const note = document.querySelector<HTMLElement>(`[data-locked="${key}"]`);
    if (note) {
      note.hidden = !locked;
      note.id = `locked-${key}`;
      note.textContent = locked ? t("lockedBy", who) : "";
    }
  }
}

async function save(values: Record<string, unknown>): Promise<void> {
  await chrome.storage.local.set(values);
  $("saved").textContent = t("optionsSaved");
}

main().catch((error: unknown) => {
  $("saved").textContent = String(error);
});
