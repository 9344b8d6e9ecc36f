// What a finding means, as the card and the pre-submit dialog both show it: the message, then
// for each clause its reference, verbatim text, why it matters, what to do instead and the
// source document. Text only: policy texts are never parsed as HTML.

import type { Finding, PolicyView } from "../shared/protocol";
import { pick, t } from "../shared/i18n";
import { el } from "./ui-root";

/** Opens the clause in the popup's code-of-conduct view, in a tab. */
function readMore(id: string): HTMLElement {
  const button = el("button", { type: "button", class: "link", "data-action": "read-clause" }, t("cardReadClause"));
  button.addEventListener("click", () => {
    chrome.runtime.sendMessage({ type: "openClause", id }).catch(() => undefined);
  });
  return button;
}

export function explain(f: Finding, policy: PolicyView | undefined, phrase?: Node): HTMLElement {
  const rule = policy?.rules.find((r) => r.id === f.rule);
  const item = el("article", { class: "item", "data-severity": f.severity, "data-rule": f.rule });
  item.append(el("span", { class: "sev" }, t(`severity_${f.severity}`)));
  item.append(el("p", { class: "message" }, rule ? pick(rule.message) : f.rule));
  if (phrase) item.append(phrase);
  if (!policy) item.append(el("p", {}, t("cardLoading")));
  for (const id of f.clauses) {
    const clause = policy?.clauses.find((c) => c.id === id);
    if (!clause) continue;
    const doc = policy!.documents.find((d) => d.id === clause.document);
    const title = pick(clause.title);
    item.append(
      el(
        "div",
        { class: "clause", "data-clause": clause.id },
        el("span", { class: "ref" }, `${clause.reference}${title ? ` · ${title}` : ""}`),
        el("blockquote", { lang: doc?.language ?? "nl" }, clause.text),
        el(
          "dl",
          {},
          el("dt", {}, t("cardWhy")),
          el("dd", {}, pick(clause.explanation)),
          el("dt", {}, t("cardAdvice")),
          el("dd", {}, pick(clause.advice)),
        ),
        doc ? el("div", { class: "doc" }, `${t("cardSource")}: ${doc.title} (${doc.organisation})`) : "",
        readMore(clause.id),
      ),
    );
  }
  return item;
}
