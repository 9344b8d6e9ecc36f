// The toolbar popup: the active policy, this site's state, the code of conduct (searchable,
// deep-linkable), "check a text", and the local history of posts made despite a block.

import { pick, t, uiLang } from "../shared/i18n";
import type { Finding, PolicyReply, PolicySource, PolicyView, ScanReply, UpdateReply, UpdateState } from "../shared/protocol";
import { siteState, type Effective } from "../shared/settings";
import { SITES } from "../content/sites";
import { $, ask, fold, startPage } from "./common";
import { el, markUp } from "../content/ui-root";

interface Override {
  time: string;
  site: string;
  rules: string[];
  reason: string;
}

async function main(): Promise<void> {
  const settings = await startPage();
  const reply = await ask<PolicyReply>({ type: "policy" });
  showPolicy(reply.policy, reply.pack, reply.source);
  showUpdates((await ask<UpdateReply>({ type: "updateState" })).state);
  renderCode(reply.policy);
  await showSite(settings);
  wireCheck(reply.policy);
  await showHistory();
  openDeepLink();
  window.addEventListener("hashchange", openDeepLink);
}

const SOURCE_LABEL: Record<PolicySource, string> = {
  "built-in": "popupSourceBuiltIn",
  "admin-policy": "popupSourceAdmin",
  downloaded: "popupSourceDownloaded",
};

function showPolicy(policy: PolicyView, pack: string, source: PolicySource): void {
  const parts = [policy.organisation, `${pack} (${t(SOURCE_LABEL[source])})`, `${t("popupVersion")} ${policy.version}`];
  if (policy.expires) parts.push(`${t("popupValidUntil")} ${formatDate(policy.expires)}`);
  $("policy").textContent = parts.join(" · ");
  const expired = policy.expires && policy.expires < new Date().toISOString().slice(0, 10);
  const state = $("policy-state");
  state.textContent = expired ? t("popupOutdatedSince", formatDate(policy.expires!)) : "";
  state.className = expired ? "warn" : "";
}

/** Rule updates from the organisation: when, what failed and why, what policy was ignored. */
function showUpdates(state: UpdateState): void {
  $("updates").hidden = !state.configured && state.ignored.length === 0;
  const when = new Intl.DateTimeFormat(uiLang(), { dateStyle: "medium", timeStyle: "short" });
  const line = $("update-state");
  if (state.lastError) {
    line.textContent = t("popupUpdateFailed", state.lastError);
    line.className = "warn";
  } else {
    line.textContent = state.lastSuccess ? t("popupLastUpdate", when.format(new Date(state.lastSuccess))) : t("popupNeverUpdated");
    line.className = "";
  }
  $("check-now").hidden = !state.bundleUrl;
  $("ignored").replaceChildren(...state.ignored.map((i) => el("li", {}, t("popupIgnored", `${i.key}: ${i.reason}`))));
}

async function showSite(settings: Effective): Promise<void> {
  const tab = await targetTab();
  const url = tab?.url ? new URL(tab.url) : undefined;
  const host = url?.hostname ?? "";
  $("site").hidden = false;
  const supported = SITES.some((s) => s.hosts.includes(host));
  const toggle = $<HTMLInputElement>("site-switch");
  if (!supported) {
    $("site-status").textContent = t("popupUnsupported");
    toggle.closest("label")!.hidden = true;
    return;
  }
  const state = siteState(settings, host);
  $("site-status").textContent = state === "on" ? t("popupActive") : t("popupPaused");
  toggle.checked = state === "on";
  const who = settings.managed.organisation ?? "";
  if (state === "disabled-by-admin" || settings.locked.has("pausedSites")) {
    toggle.disabled = true;
    const locked = $("site-locked");
    locked.hidden = false;
    locked.textContent = state === "disabled-by-admin" ? t("popupSiteLocked", who) : t("lockedBy", who);
  }
  toggle.addEventListener("change", async () => {
    const paused = new Set(settings.pausedSites);
    if (toggle.checked) paused.delete(host);
    else paused.add(host);
    settings.pausedSites = [...paused];
    await chrome.storage.local.set({ pausedSites: settings.pausedSites });
    $("site-status").textContent = toggle.checked ? t("popupActive") : t("popupPaused");
  });
  if (state !== "on" || tab?.id === undefined) return;
  try {
    // Only a frame with an editor in use answers.
    const status = (await chrome.tabs.sendMessage(tab.id, { type: "status" })) as { findings: number } | undefined;
    $("findings").textContent = status ? t("popupFindings", String(status.findings)) : t("popupNoEditor");
  } catch {
    $("findings").textContent = t("popupNoEditor");
  }
}

/**
 * The tab the popup is about: the active one; when the popup itself is open in a tab (a card's
 * "read the full clause"), the tab the user was in before.
 */
async function targetTab(): Promise<chrome.tabs.Tab | undefined> {
  const own = chrome.runtime.getURL("");
  const [active] = await chrome.tabs.query({ active: true, currentWindow: true });
  if (active && !active.url?.startsWith(own)) return active;
  const others = (await chrome.tabs.query({})).filter((tab) => !tab.url?.startsWith(own));
  return others.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
}

function renderCode(policy: PolicyView): void {
  const root = $("documents");
  const articles: { article: HTMLElement; haystack: string }[] = [];
  for (const doc of policy.documents) {
    const clauses = policy.clauses.filter((c) => c.document === doc.id);
    if (clauses.length === 0) continue;
    const section = el("section", { class: "document" }, el("h3", {}, `${doc.title} (${doc.organisation})`));
    for (const c of clauses) {
      const title = pick(c.title);
      const why = pick(c.explanation);
      const advice = pick(c.advice);
      const article = el(
        "article",
        { class: "clause", id: `clause-${c.id}`, tabindex: "-1", "data-clause": c.id },
        el("p", { class: "ref" }, `${c.reference}${title ? ` · ${title}` : ""}`),
        el("blockquote", { lang: doc.language }, c.text),
        el("dl", {}, el("dt", {}, t("cardWhy")), el("dd", {}, why), el("dt", {}, t("cardAdvice")), el("dd", {}, advice)),
      );
      section.append(article);
      articles.push({ article, haystack: fold([c.reference, title, c.text, why, advice, doc.title].join(" ")) });
    }
    root.append(section);
  }
  const search = $<HTMLInputElement>("search");
  const count = $("search-count");
  const filter = () => {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const { article, haystack } of articles) {
      const hit = words.every((w) => haystack.includes(w));
      article.hidden = !hit;
      if (hit) shown++;
    }
    for (const section of root.querySelectorAll<HTMLElement>("section.document")) {
      section.hidden = !section.querySelector(".clause:not([hidden])");
    }
    count.textContent = t("popupSearchCount", String(shown));
  };
  search.addEventListener("input", filter);
  filter();
}

/** `popup.html#clause=ID`: the "read the full clause" link of a card. */
function openDeepLink(): void {
  const id = new URLSearchParams(location.hash.slice(1)).get("clause");
  if (!id) return;
  const article = document.getElementById(`clause-${id}`);
  if (!article) return;
  ($("code") as HTMLDetailsElement).open = true;
  for (const old of document.querySelectorAll(".clause.target")) old.classList.remove("target");
  article.hidden = false;
  article.classList.add("target");
  article.scrollIntoView({ block: "start" });
  article.focus();
}

function wireCheck(policy: PolicyView): void {
  const text = $<HTMLTextAreaElement>("check-text");
  const out = $("check-result");
  $("check-button").addEventListener("click", async () => {
    const value = text.value;
    const reply = await ask<ScanReply>({ type: "scan", text: value });
    out.replaceChildren(...renderChecked(value, reply.findings, policy));
  });
}

function renderChecked(text: string, findings: Finding[], policy: PolicyView): Node[] {
  if (findings.length === 0) return [el("p", { "data-testid": "check-clean" }, t("popupCheckClean"))];
  const marked = el("div", { class: "checked", "data-testid": "checked" }, ...markUp(text, findings));
  const list = el("ul", { class: "plain" });
  for (const f of findings) {
    const rule = policy.rules.find((r) => r.id === f.rule);
    const refs = f.clauses
      .map((id) => policy.clauses.find((c) => c.id === id))
      .filter((c) => c !== undefined)
      .map((c) => el("a", { href: `#clause=${c.id}` }, c.reference));
    const cites: (Node | string)[] = [];
    refs.forEach((a, i) => cites.push(...(i > 0 ? [", ", a] : [a])));
    list.append(
      el(
        "li",
        { "data-rule": f.rule },
        el("span", {}, el("strong", { class: f.severity === "block" ? "block" : "warn" }, `“${f.text}”`), " ", rule ? pick(rule.message) : f.rule),
        el("span", { class: "muted" }, ...cites),
      ),
    );
  }
  return [marked, list];
}

async function showHistory(): Promise<void> {
  const { overrides = [] } = await chrome.storage.local.get("overrides");
  const list = $("history-list");
  const entries = (Array.isArray(overrides) ? overrides : []) as Override[];
  list.replaceChildren();
  const format = new Intl.DateTimeFormat(uiLang(), { dateStyle: "medium", timeStyle: "short" });
  entries.forEach((entry, index) => {
    const remove = el("button", { type: "button", "data-action": "delete" }, t("popupHistoryDelete"));
    remove.setAttribute("aria-label", `${t("popupHistoryDelete")}: ${format.format(new Date(entry.time))}`);
    remove.addEventListener("click", async () => {
      entries.splice(index, 1);
      await chrome.storage.local.set({ overrides: entries });
      await showHistory();
    });
    list.append(
      el(
        "li",
        { "data-testid": "override" },
        el("span", {}, `${format.format(new Date(entry.time))} · ${entry.site} · ${entry.rules.join(", ")}`, el("br"), el("span", { class: "muted" }, entry.reason)),
        remove,
      ),
    );
  });
  $("history-empty").hidden = entries.length > 0;
  $("history-clear").hidden = entries.length === 0;
}

function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(uiLang(), { dateStyle: "long" }).format(new Date(`${iso}T00:00:00`));
}

$("check-now").addEventListener("click", async () => {
  const button = $<HTMLButtonElement>("check-now");
  button.disabled = true;
  try {
    showUpdates((await ask<UpdateReply>({ type: "checkUpdates" })).state);
    const reply = await ask<PolicyReply>({ type: "policy" });
    showPolicy(reply.policy, reply.pack, reply.source);
  } finally {
    button.disabled = false;
  }
});

$("history-clear").addEventListener("click", async () => {
  await chrome.storage.local.remove("overrides");
  await showHistory();
});

main().catch((error: unknown) => {
  $("policy-state").textContent = String(error);
});
