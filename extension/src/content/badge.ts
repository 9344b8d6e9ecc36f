// The count of findings next to the active editor. A real button (keyboard reachable) that opens
// the list of findings, plus a polite live region so screen readers hear when findings appear.

import type { Finding } from "../shared/protocol";
import { t } from "../shared/i18n";
import { el, uiRoot } from "./ui-root";

export class Badge {
  private button?: HTMLButtonElement;
  private live?: HTMLElement;
  private announced = 0;

  constructor(private readonly onOpen: (button: HTMLElement) => void) {}

  private ensure(): void {
    if (this.button?.isConnected) return;
    this.button = el("button", { type: "button", class: "badge", hidden: "", "data-postwacht": "badge", "aria-keyshortcuts": "Alt+Shift+W" });
    this.button.addEventListener("click", () => this.onOpen(this.button!));
    this.live = el("div", { class: "sr-only", role: "status", "aria-live": "polite" });
    uiRoot().append(this.button, this.live);
  }

  /** Shows `findings.length` next to `editor`; hides when there is nothing to show. */
  update(editor: HTMLElement, findings: Finding[]): void {
    this.ensure();
    const b = this.button!;
    const n = findings.length;
    if (n === 0) {
      b.hidden = true;
      this.announced = 0;
      return;
    }
    b.hidden = false;
    b.textContent = String(n);
    b.dataset.severity = findings.some((f) => f.severity === "block")
      ? "block"
      : findings.some((f) => f.severity === "warn") ? "warn" : "info";
    b.setAttribute("aria-label", t("badgeLabel", String(n)));
    this.place(editor);
    // Announce only growth: reading out every keystroke's recount would drown the user.
    if (n > this.announced) this.live!.textContent = t("liveCount", String(n));
    this.announced = n;
  }

  place(editor: HTMLElement): void {
    const b = this.button;
    if (!b || b.hidden) return;
    const r = editor.getBoundingClientRect();
    // Just outside the editor's bottom-right corner, so it never covers text being typed.
    b.style.left = `${Math.min(r.right + 4, document.documentElement.clientWidth - 36)}px`;
    b.style.top = `${Math.max(0, r.bottom - 24)}px`;
  }

  hide(): void {
    if (this.button) this.button.hidden = true;
    this.announced = 0;
  }

  get element(): HTMLElement | undefined {
    return this.button;
  }
}
