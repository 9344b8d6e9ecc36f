// One compose surface being watched: reads its text, asks the engine, keeps the findings and
// the ranges that paint them. The editor's DOM is only ever read.

import type { Finding, Severity } from "../shared/protocol";
import type { EngineClient, ScanResult } from "./engine-client";
import { flatten, rangeFor, type Flat } from "./flatten";
import type { Highlights } from "./highlights";
import { Mirror } from "./mirror";
import type { SurfaceRef } from "./surfaces";

/**
 * Longer texts are not posts (X allows 25,000 characters at most, Facebook about 63,000): they
 * are not sent to the engine on every keystroke, and the gate says it could not check them.
 */
export const MAX_CHECKED_CHARS = 200_000;

export interface Painted {
  finding: Finding;
  /** Null for a textarea (the mirror draws it) or a finding no text node holds. */
  range: Range | null;
}

export interface EditorEvents {
  changed(editor: Editor): void;
}

export class Editor {
  readonly host: HTMLElement;
  painted: Painted[] = [];
  /** The text the current findings were computed for. */
  text = "";
  /** Set when the engine could not check the latest text (the gate must not assume "clean"). */
  error?: Error;
  private flat?: Flat;
  private composing = false;
  private frame = 0;
  private observer: MutationObserver;
  private mirror?: Mirror;
  private poll = 0;
  /** "Ignore here": rule and phrase pairs the user dismissed in this post. */
  private ignored = new Set<string>();
  private detached = false;

  constructor(
    readonly ref: SurfaceRef,
    private readonly client: EngineClient,
    private readonly highlights: Highlights,
    private readonly events: EditorEvents,
  ) {
    this.host = ref.host;
    if (ref.textarea) {
      this.mirror = new Mirror(ref.host as HTMLTextAreaElement);
      // A site that clears or fills a textarea from script fires no event and no mutation.
      this.poll = window.setInterval(() => {
        if ((this.host as HTMLTextAreaElement).value !== this.flat?.text) this.schedule();
      }, 250);
      this.host.addEventListener("input", () => {
        if ((this.host as HTMLTextAreaElement).value === "") this.ignored.clear();
      });
    }
    // Editors change text without input events (paste, undo, mentions, drafts restored by the
    // site), and replace text nodes when they re-render, orphaning our ranges: re-read on every
    // mutation batch.
    this.observer = new MutationObserver(() => {
      // An emptied editor is a new post: forget "ignore here". Checked on every mutation batch,
      // not at the next frame, which fast typing after Ctrl+A, Backspace could skip.
      if (!ref.textarea && this.host.textContent === "") this.ignored.clear();
      this.schedule();
    });
    this.observer.observe(this.host, { childList: true, characterData: true, subtree: true });
    this.schedule();
  }

  setComposing(on: boolean): void {
    this.composing = on;
    if (!on) this.schedule();
  }

  /**
   * Re-read and re-scan once the next frame has painted (many changes in one frame: one scan).
   * The frame's rAF comes after the editor has committed the keystroke; the task posted from it
   * runs after that frame's paint, so the typed character shows without waiting for our reading
   * of the editor.
   */
  schedule(): void {
    if (this.frame || this.composing) return;
    this.frame = requestAnimationFrame(() => {
      afterPaint(() => {
        this.frame = 0;
        if (!this.detached) this.run();
      });
    });
  }

  /** The editor's text right now (the gate reads it before the site can clear the box). */
  readNow(): string {
    return this.read().text;
  }

  /** Are the current findings those of exactly this text? */
  settledFor(text: string): boolean {
    return this.text === text && !this.error && this.flat?.text === text;
  }

  /** Scans `text` now, whatever the schedule; for a submit that came before the last scan. */
  scanNow(text: string): Promise<Finding[]> {
    if (text.length > MAX_CHECKED_CHARS) return Promise.reject(new Error(tooLong(text.length)));
    return new Promise((resolve, reject) => {
      // Its own owner: a scheduled scan of this editor must not replace this one.
      this.client.scan({}, text, (_text, result) => {
        if (result instanceof Error) reject(result);
        else resolve(this.notIgnored(result.findings));
      });
    });
  }

  /** Focuses the editor with the caret at the start of `finding` (for "Edit post"). */
  caretTo(finding: Finding | undefined): void {
    this.host.focus({ preventScroll: false });
    if (!finding) return;
    if (this.host instanceof HTMLTextAreaElement) {
      this.host.setSelectionRange(finding.start, finding.start);
      return;
    }
    const flat = this.read();
    const range = rangeFor(flat, finding.start, finding.end);
    if (!range) return;
    range.collapse(true);
    const selection = getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    range.startContainer.parentElement?.scrollIntoView({ block: "nearest" });
  }

  private read(): Flat {
    if (this.ref.textarea) {
      return { text: (this.host as HTMLTextAreaElement).value, nodes: [], offsets: [] };
    }
    return flatten(this.host);
  }

  private run(): void {
    if (this.composing || !this.host.isConnected) return;
    const flat = this.read();
    this.flat = flat;
    if (flat.text.trim() === "") {
      this.ignored.clear(); // a cleared editor is a new post
      this.apply(flat.text, { findings: [], policy: { id: "", version: 0 } });
      return;
    }
    if (flat.text.length > MAX_CHECKED_CHARS) {
      this.error = new Error(tooLong(flat.text.length));
      this.painted = [];
      this.highlights.clear(this);
      this.events.changed(this);
      return;
    }
    this.client.scan(this, flat.text, (text, result) => {
      // A reply for a text the editor no longer holds is stale: a newer scan is on its way.
      if (text !== this.flat?.text) return;
      if (result instanceof Error) {
        this.error = result;
        this.events.changed(this);
        return;
      }
      this.apply(text, result);
    });
  }

  private apply(text: string, result: ScanResult): void {
    this.error = undefined;
    this.text = text;
    const findings = this.notIgnored(result.findings);
    this.paint(findings);
    this.events.changed(this);
  }

  private paint(findings: Finding[]): void {
    const flat = this.flat!;
    this.painted = findings.map((finding) => ({
      finding,
      range: this.mirror ? null : rangeFor(flat, finding.start, finding.end),
    }));
    if (this.mirror) {
      this.mirror.update(flat.text, findings);
      return;
    }
    const bySeverity = new Map<Severity, Range[]>();
    for (const { finding, range } of this.painted) {
      if (!range) continue;
      const list = bySeverity.get(finding.severity) ?? [];
      list.push(range);
      bySeverity.set(finding.severity, list);
    }
    this.highlights.set(this, bySeverity);
  }

  get findings(): Finding[] {
    return this.painted.map((p) => p.finding);
  }

  ignore(finding: Finding): void {
    this.ignored.add(ignoreKey(finding));
    this.paint(this.notIgnored(this.findings));
    this.events.changed(this);
  }

  private notIgnored(findings: Finding[]): Finding[] {
    return findings.filter((f) => !this.ignored.has(ignoreKey(f)));
  }

  /** The findings painted at a viewport point (highlights get no events, so we hit-test). */
  hit(x: number, y: number): { findings: Finding[]; rect: DOMRect } | undefined {
    if (this.mirror) {
      const h = this.mirror.hit(x, y);
      return h && { findings: [h.finding], rect: h.rect };
    }
    let found: { findings: Finding[]; rect: DOMRect } | undefined;
    for (const { finding, range } of this.painted) {
      if (!range) continue;
      for (const rect of range.getClientRects()) {
        if (x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom) {
          if (found) found.findings.push(finding);
          else found = { findings: [finding], rect };
          break;
        }
      }
    }
    return found;
  }

  /** Where the first finding is drawn, to anchor the list card. */
  anchor(): DOMRect {
    const first = this.painted[0];
    if (first?.range) return first.range.getBoundingClientRect();
    if (first && this.mirror) return this.mirror.firstRect(first.finding) ?? this.host.getBoundingClientRect();
    return this.host.getBoundingClientRect();
  }

  /** Keep overlays in place after scrolling or resizing. */
  reposition(): void {
    this.mirror?.place();
  }

  detach(): void {
    this.detached = true;
    cancelAnimationFrame(this.frame);
    clearInterval(this.poll);
    this.observer.disconnect();
    this.highlights.clear(this);
    this.mirror?.destroy();
    this.painted = [];
  }
}

function tooLong(chars: number): string {
  return `${chars} characters: longer than the ${MAX_CHECKED_CHARS} Postwacht checks`;
}

function ignoreKey(f: Finding): string {
  return `${f.rule}\u0000${f.text.toLowerCase()}`;
}

/** Runs `task` as a new task: called from a rAF callback, after that frame has painted. */
function afterPaint(task: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    task();
  };
  channel.port2.postMessage(null);
}
