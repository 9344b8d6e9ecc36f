// Paints findings with the CSS Custom Highlight API: one named highlight per severity, styled by
// content.css. It changes no node of the editor, which is what keeps Draft.js, Lexical, Quill and
// ProseMirror intact (sites.md §4).

import type { Severity } from "../shared/protocol";

export const SEVERITIES: Severity[] = ["info", "warn", "block"];
export const highlightName = (s: Severity) => `postwacht-${s}`;

export function supported(): boolean {
  return typeof CSS !== "undefined" && "highlights" in CSS && typeof Highlight === "function";
}

/** How often the registry is checked for what the page did to our highlights, while any show. */
const CHECK_MS = 500;

/** What we put in the registry for one severity, and the ranges it was made from. */
interface Shown {
  highlight: Highlight;
  copies: Range[];
  ranges: Range[];
}

/**
 * The ranges each editor currently shows; the page-wide highlights are their union. The page
 * shares the highlight registry: it can clear it, take our names, or move the ranges it finds
 * there. So the registry gets copies of our ranges (hit-testing keeps using the originals, which
 * the page never sees), and what the page changed is painted again within CHECK_MS.
 */
export class Highlights {
  private byOwner = new Map<object, Map<Severity, Range[]>>();
  private shown = new Map<Severity, Shown>();
  private timer = 0;

  set(owner: object, ranges: Map<Severity, Range[]>): void {
    if (ranges.size === 0) this.byOwner.delete(owner);
    else this.byOwner.set(owner, ranges);
    this.paint();
  }

  clear(owner: object): void {
    if (this.byOwner.delete(owner)) this.paint();
  }

  private paint(): void {
    if (!supported()) return;
    this.shown.clear();
    for (const severity of SEVERITIES) {
      const all: Range[] = [];
      for (const ranges of this.byOwner.values()) all.push(...(ranges.get(severity) ?? []));
      const name = highlightName(severity);
      if (all.length === 0) {
        CSS.highlights.delete(name);
        continue;
      }
      const copies = all.map((r) => r.cloneRange());
      const highlight = new Highlight(...copies);
      // A block outranks a warning where findings overlap.
      highlight.priority = SEVERITIES.indexOf(severity);
      CSS.highlights.set(name, highlight);
      this.shown.set(severity, { highlight, copies, ranges: all });
    }
    if (this.shown.size > 0 && !this.timer) this.timer = window.setInterval(() => this.check(), CHECK_MS);
    if (this.shown.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = 0;
    }
  }

  /** Paints again when the registry no longer holds exactly what we put there. */
  private check(): void {
    if (!this.intact()) this.paint();
  }

  private intact(): boolean {
    for (const [severity, { highlight, copies, ranges }] of this.shown) {
      const now = CSS.highlights.get(highlightName(severity));
      if (now !== highlight || highlight.size !== copies.length || highlight.priority !== SEVERITIES.indexOf(severity)) return false;
      for (let i = 0; i < copies.length; i++) {
        const c = copies[i]!;
        const r = ranges[i]!;
        if (!highlight.has(c) || c.startContainer !== r.startContainer || c.startOffset !== r.startOffset ||
            c.endContainer !== r.endContainer || c.endOffset !== r.endOffset) return false;
      }
    }
    return true;
  }
}
