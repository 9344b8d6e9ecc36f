// The card that explains a finding: the message, the clause it enforces (reference, verbatim
// text, document), why it matters and what to do instead. Shown in the top layer of our own
// shadow root; opened by hovering or clicking a highlighted phrase, or from the badge's list.

import type { Finding, PolicyView } from "../shared/protocol";
import { explain } from "./explain";
import { recordSection } from "./records";
import { t } from "../shared/i18n";
import { el, uiRoot } from "./ui-root";

export interface CardHandlers {
  ignore(finding: Finding): void;
  /** The post as it is now, for "Leg vast" (the card stays open while the user types on). */
  postText(): string;
  /** Called when the card closes, with whether focus was inside it (to put focus back). */
  closed(hadFocus: boolean): void;
}

export class Card {
  private box?: HTMLElement;
  private shownFor?: Finding[];
  private handlers?: CardHandlers;

  get open(): boolean {
    return !!this.box?.isConnected;
  }

  /** Is the pointer over the card (so hovering from a phrase into the card keeps it open)? */
  contains(x: number, y: number): boolean {
    if (!this.box) return false;
    const r = this.box.getBoundingClientRect();
    return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  }

  showing(findings: Finding[]): boolean {
    const a = this.shownFor;
    return !!a && a.length === findings.length && a.every((f, i) => sameFinding(f, findings[i]!));
  }

  /** True while every finding the card shows is still found (typing elsewhere moves offsets). */
  showingAny(current: Finding[]): boolean {
    const shown = this.shownFor ?? [];
    return shown.every((s) => current.some((c) => c.rule === s.rule && c.text === s.text));
  }

  show(
    findings: Finding[],
    policy: PolicyView | undefined,
    anchor: DOMRect,
    handlers: CardHandlers,
    options: { list?: boolean; focus?: boolean } = {},
  ): void {
    this.close(false);
    this.handlers = handlers;
    this.shownFor = findings;
    const worst = findings.some((f) => f.severity === "block")
      ? "block"
      : findings.some((f) => f.severity === "warn") ? "warn" : "info";
    const box = el("section", {
      class: "card",
      role: "dialog",
      "aria-label": t("listTitle"),
      "data-severity": worst,
      "data-postwacht": "card",
    });
    if (options.list) box.append(el("h2", {}, t("listTitle")));
    for (const f of findings) box.append(this.item(f, policy, !!options.list));
    const record = recordSection(findings, policy, () => handlers.postText());
    if (record) box.append(record);
    const close = el("button", { type: "button", "data-action": "close" }, t("cardClose"));
    close.addEventListener("click", () => this.close(true));
    box.append(el("div", { class: "actions" }, close));
    box.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        this.close(true);
      }
    });
    box.setAttribute("popover", "manual");
    uiRoot().append(box);
    box.showPopover();
    this.box = box;
    place(box, anchor);
    if (options.focus) (box.querySelector("button") as HTMLButtonElement | null)?.focus();
  }

  private item(f: Finding, policy: PolicyView | undefined, withPhrase: boolean): HTMLElement {
    const item = explain(f, policy, withPhrase ? el("p", { class: "phrase" }, `“${f.text}”`) : undefined);
    const ignore = el(
      "button",
      { type: "button", "data-action": "ignore", title: t("cardIgnoreHint") },
      t("cardIgnore"),
    );
    ignore.addEventListener("click", () => {
      this.handlers?.ignore(f);
      item.remove();
      if (!this.box?.querySelector(".item")) this.close(true);
    });
    item.append(el("div", { class: "actions" }, ignore));
    return item;
  }

  close(returnFocus: boolean): void {
    if (!this.box) return;
    const hadFocus = returnFocus && this.box.contains(uiRoot().activeElement);
    this.box.remove();
    this.box = undefined;
    this.shownFor = undefined;
    const handlers = this.handlers;
    this.handlers = undefined;
    handlers?.closed(hadFocus);
  }
}

function sameFinding(a: Finding, b: Finding): boolean {
  return a.rule === b.rule && a.start === b.start && a.end === b.end;
}

/** Below the phrase if it fits, else above; always inside the viewport. */
export function place(box: HTMLElement, anchor: DOMRect): void {
  const r = box.getBoundingClientRect();
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  let top = anchor.bottom + 6;
  if (top + r.height > vh - 8 && anchor.top - r.height - 6 > 8) top = anchor.top - r.height - 6;
  const left = Math.max(8, Math.min(anchor.left, vw - r.width - 8));
  // Fits neither below nor above (a small frame, like LinkedIn's share box): as low as fits.
  top = Math.min(top, vh - r.height - 8);
  box.style.top = `${Math.max(8, top)}px`;
  box.style.left = `${left}px`;
}
