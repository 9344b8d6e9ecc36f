// The pre-submit dialog: a modal <dialog> in our closed shadow root (top layer, focus trapped,
// Escape = back to editing). It lists each finding in context and offers what policy allows.

import type { Finding, Gate, PolicyView } from "../shared/protocol";
import { saveCaret } from "./caret";
import { explain } from "./explain";
import { recordSection } from "./records";
import { t } from "../shared/i18n";
import { el, uiRoot } from "./ui-root";

export type Outcome = { kind: "edit" } | { kind: "post"; reason?: string } | { kind: "retry" };

export interface DialogInput {
  text: string;
  findings: Finding[];
  policy: PolicyView | undefined;
  /** Cool-down before "Post anyway" unlocks, in seconds (0: none). */
  cooldown: number;
  /** Every finding of the post, `info` included: an `official-channel` note still asks for a record. */
  recordFindings?: Finding[];
}

const CONTEXT = 40;

/** Shows the dialog; resolves with what the user chose. Only one dialog at a time. */
export function ask(input: DialogInput): Promise<Outcome> {
  const gate: Gate = input.policy?.gate ?? { block_override: false, reason_min_chars: 10, cooldown_seconds: 0, adjustable: [] };
  const blocking = input.findings.some((f) => f.severity === "block");
  const mayPost = !blocking || gate.block_override;
  const dialog = el("dialog", { class: "gate", "data-postwacht": "gate", "aria-labelledby": "pw-gate-title" });
  dialog.append(
    el("h2", { id: "pw-gate-title" }, t("gateTitle")),
    el("p", { class: "question" }, t("gateQuestion")),
  );
  const list = el("div", { class: "findings" });
  for (const f of input.findings) list.append(explain(f, input.policy, inContext(input.text, f)));
  dialog.append(list);
  const record = recordSection(input.recordFindings ?? input.findings, input.policy, () => input.text);
  if (record) dialog.append(record);

  const actions = el("div", { class: "actions" });
  const edit = el("button", { type: "button", "data-action": "edit", class: "primary" }, t("gateEdit"));
  actions.append(edit);
  let reason: HTMLTextAreaElement | undefined;
  let post: HTMLButtonElement | undefined;
  if (!mayPost) {
    dialog.append(el("p", { class: "blocked", role: "note" }, t("gateBlocked")));
  } else {
    post = el("button", { type: "button", "data-action": "post" }, t("gatePostAnyway"));
    if (blocking) {
      reason = el("textarea", { id: "pw-reason", rows: "2", "data-postwacht": "reason", "aria-describedby": "pw-reason-hint" });
      dialog.append(
        el("label", { for: "pw-reason", class: "reason-label" }, t("gateReasonLabel")),
        reason,
        el("p", { id: "pw-reason-hint", class: "hint" }, t("gateReasonHint", String(gate.reason_min_chars))),
      );
    }
    actions.append(post);
  }
  dialog.append(actions);

  return new Promise<Outcome>((resolve) => {
    let timer = 0;
    let remaining = input.cooldown;
    const countdown = el("p", { class: "hint", "data-postwacht": "cooldown", "aria-live": "polite" });
    const update = () => {
      if (!post) return;
      const reasonOk = !reason || reason.value.trim().length >= gate.reason_min_chars;
      post.disabled = remaining > 0 || !reasonOk;
      countdown.textContent = remaining > 0 ? t("gateCooldown", String(remaining)) : "";
    };
    if (post && remaining > 0) {
      actions.before(countdown);
      timer = window.setInterval(() => {
        remaining -= 1;
        if (remaining <= 0) clearInterval(timer);
        update();
      }, 1000);
    }
    reason?.addEventListener("input", update);
    update();

    present(dialog, edit, (outcome) => {
      clearInterval(timer);
      resolve(outcome);
    }, post && (() => ({ kind: "post", reason: reason?.value.trim() })));
  });
}

/**
 * Shows a gate dialog modally with "Edit post" focused; Escape means "Edit post". `done` gets
 * the outcome of the button pressed (each button's `data-action`, or `post()` for "post").
 */
function present(dialog: HTMLDialogElement, edit: HTMLButtonElement, done: (o: Outcome) => void, post?: () => Outcome): void {
  // Closing gives focus back to the editor but leaves the selection where it was in our dialog:
  // Draft.js (X) reads it in its next onSelect and throws "Unknown node in selection range".
  const focused = document.activeElement;
  const caret = focused instanceof HTMLElement && (focused.isContentEditable || focused instanceof HTMLTextAreaElement)
    ? saveCaret(focused)
    : undefined;
  const finish = (outcome: Outcome) => {
    dialog.close();
    dialog.remove();
    caret?.();
    done(outcome);
  };
  for (const button of dialog.querySelectorAll<HTMLButtonElement>(":scope > .actions button[data-action]")) {
    const action = button.dataset.action;
    button.addEventListener("click", () => {
      if (action === "post") finish(post ? post() : { kind: "post" });
      else finish({ kind: action === "retry" ? "retry" : "edit" });
    });
  }
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    finish({ kind: "edit" });
  });
  uiRoot().append(dialog);
  dialog.showModal();
  edit.focus();
}

/** Shown while a submit waits for a scan, or when the scan failed; the post stays held. */
export function askAfterError(message: string): Promise<Outcome> {
  const dialog = el("dialog", { class: "gate", "data-postwacht": "gate", "aria-labelledby": "pw-gate-title" });
  const edit = el("button", { type: "button", "data-action": "edit", class: "primary" }, t("gateEdit"));
  const retry = el("button", { type: "button", "data-action": "retry" }, t("gateRetry"));
  const post = el("button", { type: "button", "data-action": "post" }, t("gatePostAnyway"));
  dialog.append(
    el("h2", { id: "pw-gate-title" }, t("gateTitle")),
    el("p", { class: "blocked", role: "alert" }, t("gateError")),
    el("p", { class: "hint" }, message),
    el("div", { class: "actions" }, edit, retry, post),
  );
  return new Promise((resolve) => present(dialog, edit, resolve));
}

/** "…words before **phrase** words after…" from the text as it was when the user posted. */
function inContext(text: string, f: Finding): HTMLElement {
  const from = Math.max(0, f.start - CONTEXT);
  const to = Math.min(text.length, f.end + CONTEXT);
  return el(
    "p",
    { class: "phrase" },
    `${from > 0 ? "…" : ""}${text.slice(from, f.start)}`,
    el("mark", {}, text.slice(f.start, f.end)),
    `${text.slice(f.end, to)}${to < text.length ? "…" : ""}`,
  );
}
