// Highlights for <textarea> editors (X Chat, X mobile): a Range cannot address a textarea's
// text, so a mirror with the same box and font, outside the textarea in our shadow root, draws
// the marks underneath transparent text. The textarea itself is never touched.

import type { Finding } from "../shared/protocol";
import { el, markUp, uiRoot } from "./ui-root";

const COPIED = [
  "font-family", "font-size", "font-weight", "font-style", "letter-spacing", "line-height",
  "text-transform", "text-indent", "word-spacing", "tab-size", "direction",
  "padding-top", "padding-right", "padding-bottom", "padding-left",
  "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
] as const;

export class Mirror {
  private box = el("div", { class: "mirror", "aria-hidden": "true", "data-postwacht": "mirror" });
  private marks: { finding: Finding; mark: HTMLElement }[] = [];

  constructor(private readonly textarea: HTMLTextAreaElement) {
    uiRoot().append(this.box);
  }

  update(text: string, findings: Finding[]): void {
    this.marks = [];
    const parts = markUp(text, findings, (finding, mark) => this.marks.push({ finding, mark }));
    // A trailing newline needs a character after it to take up its line, as in the textarea.
    parts.push(document.createTextNode("\u200B"));
    this.box.replaceChildren(...parts);
    this.place();
  }

  place(): void {
    const style = getComputedStyle(this.textarea);
    const r = this.textarea.getBoundingClientRect();
    for (const p of COPIED) this.box.style.setProperty(p, style.getPropertyValue(p));
    this.box.style.borderStyle = "solid";
    this.box.style.borderColor = "transparent";
    Object.assign(this.box.style, {
      left: `${r.left}px`,
      top: `${r.top}px`,
      width: `${r.width}px`,
      height: `${r.height}px`,
    });
    this.box.scrollTop = this.textarea.scrollTop;
    this.box.scrollLeft = this.textarea.scrollLeft;
  }

  /** The finding drawn at a viewport point, with its box. */
  hit(x: number, y: number): { finding: Finding; rect: DOMRect } | undefined {
    for (const { finding, mark } of this.marks) {
      for (const rect of mark.getClientRects()) {
        if (x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom) return { finding, rect };
      }
    }
    return undefined;
  }

  firstRect(finding: Finding): DOMRect | undefined {
    return this.marks.find((m) => m.finding === finding)?.mark.getClientRects()[0];
  }

  destroy(): void {
    this.box.remove();
  }
}
