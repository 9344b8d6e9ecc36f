// The pre-submit gate: when the user posts, a post with findings is held and the dialog asks
// for a second look. Listeners sit on `window` in the capture phase, registered at
// document_start, so they run before the site's own handlers (React listens on its root).

import type { Finding } from "../shared/protocol";
import { ask, askAfterError, type Outcome } from "./dialog";
import type { Editor } from "./editor";
import type { EngineClient } from "./engine-client";
import type { SiteProfile } from "./sites";
import { controlOf, disabled, editorOf, isReply, submitControls, type Control } from "./submit";

export interface GateDeps {
  site: SiteProfile | undefined;
  client: EngineClient;
  /**
   * The watched editor an element belongs to (created on demand; `surfaces.editingHost` finds
   * its editing host), and the one the user typed in last.
   */
  editorFor(element: HTMLElement): Editor | undefined;
  lastActive(): Editor | undefined;
}

/** The categories that get a cool-down in replies (Assen: do not react impulsively). */
const HEATED = new Set(["offensive", "employer-criticism"]);
const OVERRIDE_LOG_MAX = 200;

export class Gate {
  /** Texts the user chose to post anyway, per editor: released submits pass untouched. */
  private approved = new WeakMap<HTMLElement, string>();
  private busy = false;
  /** Off while Postwacht is paused on this site. */
  enabled = true;

  constructor(private readonly deps: GateDeps) {}

  install(): void {
    window.addEventListener("click", (e) => this.onClick(e), true);
    window.addEventListener("keydown", (e) => this.onKeydown(e), true);
    window.addEventListener("submit", (e) => this.onSubmit(e), true);
  }

  private onClick(e: MouseEvent): void {
    const target = e.composedPath()[0];
    if (!(target instanceof Element)) return;
    this.gateControl(e, submitControls(target, this.deps.site));
  }

  private onKeydown(e: KeyboardEvent): void {
    // Enter that commits an IME composition is not a submit.
    if (e.isComposing || e.keyCode === 229) return;
    const target = e.composedPath()[0];
    if (!(target instanceof HTMLElement)) return;
    // Keyboard activation of a focused submit control (Facebook's are div role=button).
    if ((e.key === "Enter" || e.key === " ") && !target.isContentEditable && !(target instanceof HTMLTextAreaElement)) {
      this.gateControl(e, submitControls(target, this.deps.site));
      return;
    }
    if (e.key !== "Enter") return;
    const editor = this.deps.editorFor(target);
    const profile = editor?.ref.profile;
    if (!editor || !profile) return;
    const chord = e.ctrlKey || e.metaKey;
    const posts =
      (profile.key === "ctrl-enter" && chord && !e.altKey) ||
      (profile.key === "enter" && !chord && !e.shiftKey && !e.altKey);
    if (!posts) return;
    const release = () => {
      const control = controlOf(editor.host, profile);
      if (control && !disabled(control)) control.click();
      else editor.host.dispatchEvent(new KeyboardEvent("keydown", {
        key: "Enter", code: "Enter", ctrlKey: e.ctrlKey, metaKey: e.metaKey, bubbles: true, cancelable: true,
      }));
    };
    this.decide(e, editor, release);
  }

  private onSubmit(e: SubmitEvent): void {
    const form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    for (const profile of this.deps.site?.surfaces ?? []) {
      const host = form.querySelector<HTMLElement>(profile.host);
      const editor = host && this.deps.editorFor(host);
      if (editor) {
        this.decide(e, editor, () => form.requestSubmit());
        return;
      }
    }
  }

  private gateControl(e: Event, candidates: Control[]): void {
    for (const { control, profile } of candidates) {
      if (disabled(control)) return;
      const host = editorOf(control, profile, this.deps.lastActive()?.host);
      const editor = host && this.deps.editorFor(host);
      if (editor) {
        this.decide(e, editor, () => control.click());
        return;
      }
    }
  }

  /**
   * Lets a clean post through untouched (no delay at all) and holds one with findings. The
   * text is read first: Facebook clears a comment box right after Enter.
   */
  private decide(e: Event, editor: Editor, release: () => void): void {
    if (!this.enabled) return;
    const text = editor.readNow();
    if (text.trim() === "") return;
    if (this.approved.get(editor.host) === text) return;
    if (editor.settledFor(text)) {
      const findings = gating(editor.findings);
      if (findings.length === 0) return;
      hold(e);
      void this.askUser(editor, text, findings, release, editor.findings);
      return;
    }
    // Posted before the last keystroke was checked, or the last check failed: hold and check.
    hold(e);
    void this.checkThenAsk(editor, text, release);
  }

  private async checkThenAsk(editor: Editor, text: string, release: () => void): Promise<void> {
    if (this.busy) return;
    let all: Finding[];
    try {
      all = await withTimeout(editor.scanNow(text), 4000);
    } catch (error) {
      this.busy = true;
      const outcome = await askAfterError(String(error instanceof Error ? error.message : error));
      this.busy = false;
      if (outcome.kind === "retry") return this.checkThenAsk(editor, text, release);
      return this.act(outcome, editor, text, [], release);
    }
    const findings = gating(all);
    if (findings.length === 0) {
      this.approve(editor, text, release);
      return;
    }
    await this.askUser(editor, text, findings, release, all);
  }

  /** `all`: every finding of the post, `info` ones included, for the dialog's "Leg vast". */
  private async askUser(editor: Editor, text: string, findings: Finding[], release: () => void, all: Finding[]): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const policy = await this.deps.client.policy().catch(() => undefined);
      const heated = findings.some((f) => HEATED.has(f.category)) && isReply(editor.host, editor.ref.profile);
      const cooldown = heated ? (policy?.gate.cooldown_seconds ?? 0) : 0;
      const outcome = await ask({ text, findings, policy, cooldown, recordFindings: all });
      await this.act(outcome, editor, text, findings, release);
    } finally {
      this.busy = false;
    }
  }

  private async act(outcome: Outcome, editor: Editor, text: string, findings: Finding[], release: () => void): Promise<void> {
    if (outcome.kind === "edit") {
      editor.caretTo(findings[0]);
      return;
    }
    if (outcome.kind !== "post") return;
    if (outcome.reason) await logOverride(findings, outcome.reason);
    this.approve(editor, text, release);
  }

  /** Lets exactly this text through the site's own control, once the user chose so. */
  private approve(editor: Editor, text: string, release: () => void): void {
    this.approved.set(editor.host, text);
    release();
  }
}

/** `info` findings never hold a post. */
function gating(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity !== "info");
}

function hold(e: Event): void {
  e.preventDefault();
  e.stopImmediatePropagation();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);
}

/**
 * A block posted anyway is recorded locally (time, site, rule ids and the user's reason; never
 * the post text), for the user's own history in the popup, which lets them delete it.
 */
async function logOverride(findings: Finding[], reason: string): Promise<void> {
  const entry = {
    time: new Date().toISOString(),
    site: location.hostname,
    rules: [...new Set(findings.filter((f) => f.severity === "block").map((f) => f.rule))],
    reason,
  };
  const { overrides = [] } = await chrome.storage.local.get("overrides");
  const log = Array.isArray(overrides) ? overrides : [];
  await chrome.storage.local.set({ overrides: [...log, entry].slice(-OVERRIDE_LOG_MAX) });
}
