// What the card and the gate dialog add to an `official-channel` or `speaking-for-organisation`
// finding: which official account publishes such news and whom to ask (links built with DOM
// APIs, text only), and "Leg vast": a mailto: link for the user's own mail program and
// "Kopieer als verslag" for the clipboard. The extension itself sends and stores nothing.

import type { Communication, Finding, PolicyView } from "../shared/protocol";
import { pick, t } from "../shared/i18n";
import { accountSite, buildRecord, mailtoUrl, recordText, type PostRecord } from "../shared/records";
import { el } from "./ui-root";

/** The categories that ask for a record: Assen's guideline g, the Rijksoverheid's archiving. */
export const RECORD_CATEGORIES = new Set(["official-channel", "speaking-for-organisation"]);

const SITE_NAMES = { x: "X", linkedin: "LinkedIn", facebook: "Facebook" } as const;

/** The engine checked these; checked again here so a bad value can never become a link. */
const MAIL = /^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$/;
const HTTPS = /^https:\/\/[^\s"<>\\^`{|}]+$/i;

/**
 * The record section for `findings`, or nothing when none of them asks for a record.
 * `postText` reads the post as it is when the user acts (they may have typed on).
 */
export function recordSection(findings: Finding[], policy: PolicyView | undefined, postText: () => string): HTMLElement | undefined {
  const relevant = findings.filter((f) => RECORD_CATEGORIES.has(f.category));
  if (!policy || relevant.length === 0) return undefined;
  const c = policy.communication;
  // Labelled by name, not by an id: the card and the gate dialog can both show one at once.
  const section = el("section", { class: "record", "data-postwacht": "record", "aria-label": t("recordHeading") });
  if (relevant.some((f) => f.category === "official-channel")) {
    const where = officialAccounts(c);
    if (where) section.append(where);
  }
  const team = teamContact(c);
  if (team) section.append(team);

  section.append(el("h3", {}, t("recordHeading")));
  const address = c?.records_address && MAIL.test(c.records_address) ? c.records_address : undefined;
  const status = el("p", { class: "hint", role: "status", "data-postwacht": "record-status" });
  const record = (): PostRecord => {
    const clause = policy.clauses.find((x) => x.id === c?.records_clause) ??
      policy.clauses.find((x) => relevant.some((f) => f.clauses[0] === x.id));
    return buildRecord({
      text: postText(),
      site: location.hostname,
      time: new Date(),
      clause,
      document: clause && policy.documents.find((d) => d.id === clause.document),
      clauseTitle: clause && pick(clause.title),
      labels: {
        subject: (site, time) => t("recordSubject", site, time),
        intro: t("recordIntro"),
        site: t("recordSite"),
        time: t("recordTime"),
        clause: t("recordClause"),
        post: t("recordPost"),
      },
    });
  };
  const actions = el("div", { class: "record-actions" });
  if (address) {
    section.append(el("p", { class: "why" }, t("recordWhy", address)));
    const mail = el("a", { class: "button", "data-action": "record-mail", title: t("recordMailTitle", address) }, t("recordMail"));
    const refresh = () => {
      const { url, cut } = mailtoUrl(address, record(), t("recordCut"));
      mail.href = url;
      status.textContent = cut ? t("recordCutNote") : "";
    };
    refresh();
    // At the click, before the browser follows the link: the text and time as they are now.
    mail.addEventListener("click", refresh);
    actions.append(mail);
  } else {
    section.append(
      el("p", { class: "why" }, t("recordWhyNoAddress")),
      el("p", { class: "advice", "data-postwacht": "record-advice" }, (c?.records_advice && pick(c.records_advice)) || t("recordAdviceDefault")),
    );
  }
  const copy = el("button", { type: "button", "data-action": "record-copy" }, t("recordCopy"));
  copy.addEventListener("click", () => {
    status.textContent = "";
    navigator.clipboard.writeText(recordText(record())).then(
      () => (status.textContent = t("recordCopied")),
      () => (status.textContent = t("recordCopyFailed")),
    );
  });
  actions.append(copy);
  section.append(actions, status);
  return section;
}

/** "News like this belongs on the official account: @x (X)": this site's, else every one configured. */
function officialAccounts(c: Communication | undefined): HTMLElement | undefined {
  const accounts = Object.entries(c?.accounts ?? {}).filter(([, a]) => a && HTTPS.test(a.url)) as
    [keyof typeof SITE_NAMES, { url: string; name: string }][];
  const here = accountSite(location.hostname);
  const shown = accounts.some(([site]) => site === here) ? accounts.filter(([site]) => site === here) : accounts;
  if (shown.length === 0) return undefined;
  const p = el("p", { class: "accounts", "data-postwacht": "accounts" }, `${t("accountsIntro")} `);
  shown.forEach(([site, account], i) => {
    if (i > 0) p.append(", ");
    p.append(link(account.url, account.name, { "data-postwacht": "account", "data-site": site }), ` (${SITE_NAMES[site]})`);
  });
  return p;
}

/** "Questions about publishing: Afdeling Communicatie, mail, intranet page". */
function teamContact(c: Communication | undefined): HTMLElement | undefined {
  const team = c?.team;
  if (!team?.name) return undefined;
  const p = el("p", { class: "team", "data-postwacht": "team" }, `${t("teamIntro")} ${team.name}`);
  if (team.email && MAIL.test(team.email)) {
    p.append(" · ", el("a", { href: `mailto:${team.email}`, "data-postwacht": "team-mail" }, team.email));
  }
  if (team.url && HTTPS.test(team.url)) p.append(" · ", link(team.url, t("teamPage"), { "data-postwacht": "team-page" }));
  return p;
}

function link(url: string, text: string, attrs: Record<string, string>): HTMLAnchorElement {
  return el("a", { href: url, target: "_blank", rel: "noopener noreferrer", ...attrs }, text);
}
