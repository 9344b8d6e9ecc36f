// Paints findings with the CSS Custom Highlight API: one named highlight per severity, styled by
// content.css. It changes no node of the editor, which is what keeps Draft.js, Lexical, Quill and
// ProseMirror intact (sites.md §4).

import type { Severity } from "../shared/protocol";

export const SEVERITIES: Severity[] = ["info", "warn", "block"];
export const highlightName = (s: Severity) => `postwacht-${s}`;

export function supported(): boolean {
  return typeof CSS !== "undefined" && "highlights" in CSS && typeof Highlight === "function";
}

/** The ranges each editor currently shows; the page-wide highlights are their union. */
export class Highlights {
  private byOwner = new Map<object, Map<Severity, Range[]>>();

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
    for (const severity of SEVERITIES) {
      const all: Range[] = [];
      for (const ranges of this.byOwner.values()) all.push(...(ranges.get(severity) ?? []));
      const name = highlightName(severity);
      if (all.length === 0) {
        CSS.highlights.delete(name);
        continue;
      }
      const highlight = new Highlight(...all);
      // A block outranks a warning where findings overlap.
      highlight.priority = SEVERITIES.indexOf(severity);
      CSS.highlights.set(name, highlight);
    }
  }
}
