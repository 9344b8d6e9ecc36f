// "Leg vast": the record of a work-related post that Assen's guideline g and the Rijksoverheid's
// archiving advice ask for, as a mailto: URL for the user's own mail program and as plain text
// for the clipboard. Nothing here sends or stores anything; the user does, if they choose.

import type { AccountSite, ClauseView, Communication, DocumentView } from "./protocol";

/** The administrator's managed values win over the bundle's, field by field (accounts per site). */
export function mergeCommunication(bundle: Communication | undefined, managed: Communication | undefined): Communication | undefined {
  if (!managed) return bundle;
  const merged: Communication = { ...bundle, ...managed };
  if (bundle?.accounts || managed.accounts) merged.accounts = { ...bundle?.accounts, ...managed.accounts };
  return merged;
}

/** The account key of a site's host name. */
export function accountSite(host: string): AccountSite | undefined {
  if (/(^|\.)(x|twitter)\.com$/.test(host)) return "x";
  if (/(^|\.)linkedin\.com$/.test(host)) return "linkedin";
  if (/(^|\.)facebook\.com$/.test(host)) return "facebook";
  return undefined;
}

/** `2026-11-24T14:03:12+01:00`: local time, ISO 8601, with the offset from UTC. */
export function localIsoTime(date: Date): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** The words of a record, in the user's language (filled in from the _locales catalogs). */
export interface RecordLabels {
  subject(site: string, time: string): string;
  intro: string;
  site: string;
  time: string;
  clause: string;
  post: string;
}

export interface RecordInput {
  text: string;
  site: string;
  time: Date;
  clause?: ClauseView;
  document?: DocumentView;
  /** The clause's title in the user's language. */
  clauseTitle?: string;
  labels: RecordLabels;
}

export interface PostRecord {
  subject: string;
  /** Lines of the body before the post text. */
  head: string[];
  text: string;
}

/** The longest part of a clause quoted in a record: enough to recognise it. */
const EXCERPT = 240;

export function buildRecord(input: RecordInput): PostRecord {
  const { labels, clause } = input;
  const time = localIsoTime(input.time);
  const head = [labels.intro, "", `${labels.site}: ${input.site}`, `${labels.time}: ${time}`];
  if (clause) {
    const title = input.clauseTitle ? ` · ${input.clauseTitle}` : "";
    const source = input.document ? ` (${input.document.organisation})` : "";
    head.push(`${labels.clause}: ${clause.id} · ${clause.reference}${title}${source}`, `“${excerpt(clause.text)}”`);
  }
  head.push("", `${labels.post}:`);
  return { subject: labels.subject(input.site, time), head, text: input.text };
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= EXCERPT) return flat;
  const cut = flat.slice(0, EXCERPT);
  const space = cut.lastIndexOf(" ");
  return `${cut.slice(0, space > EXCERPT / 2 ? space : EXCERPT)}…`;
}

/** The record as one text, for the clipboard. */
export function recordText(record: PostRecord): string {
  return [record.subject, "", ...record.head, record.text].join("\n");
}

/**
 * The longest mailto: URL handed to the mail program. Windows passes URLs to the handler through
 * ShellExecute, and mail programs cut or refuse long ones; about 2,000 characters gets through
 * them all, so a longer post is cut with a note saying so.
 */
export const MAILTO_MAX = 2000;

/** RFC 6068: every line break CRLF, then UTF-8 percent-encoding (a space is %20, never +). */
export function mailtoEncode(text: string): string {
  return encodeURIComponent(text.replace(/\r\n|\r|\n/g, "\r\n"));
}

/**
 * `mailto:` with the record as subject and body, at most `max` characters; `cut` says whether
 * the post text had to be shortened (the body then ends with `cutNote`). The address was
 * checked by the engine: it needs no escaping and cannot add recipients or fields.
 */
export function mailtoUrl(address: string, record: PostRecord, cutNote: string, max = MAILTO_MAX): { url: string; cut: boolean } {
  const url = (text: string, note: string) =>
    `mailto:${address}?subject=${mailtoEncode(record.subject)}&body=${mailtoEncode([...record.head, text].join("\n") + note)}`;
  const full = url(record.text, "");
  if (full.length <= max) return { url: full, cut: false };
  // Whole characters only: never half a surrogate pair, never half a %-escape.
  const chars = Array.from(record.text);
  const note = `…\n\n${cutNote}`;
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (url(chars.slice(0, mid).join(""), note).length <= max) low = mid;
    else high = mid - 1;
  }
  return { url: url(chars.slice(0, low).join(""), note), cut: true };
}
