// Our own UI (cards, badge, textarea overlays) lives in one closed shadow root attached to <html>,
// outside every editor and every React root, so the page can neither restyle nor reach into it.

import type { Finding } from "../shared/protocol";

let root: ShadowRoot | undefined;

const STYLES = `
:host { all: initial; }
* { box-sizing: border-box; }
.card {
  position: fixed; margin: 0; inset: auto; max-width: min(420px, calc(100vw - 16px));
  max-height: min(70vh, 560px); overflow: auto; padding: 12px 14px 10px;
  background: #fff; color: #1b1b1b; border: 1px solid #c7c7c7; border-left: 4px solid #b26b00;
  border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.18);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.card[data-severity="block"] { border-left-color: #c00018; }
.card[data-severity="info"] { border-left-color: #1f6feb; }
.card h2 { font-size: 13px; margin: 0 0 8px; color: #444; font-weight: 600; }
.item + .item { border-top: 1px solid #e3e3e3; margin-top: 10px; padding-top: 10px; }
.sev { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase;
  letter-spacing: .03em; color: #7a4a00; margin-bottom: 2px; }
.item[data-severity="block"] .sev { color: #a00014; }
.item[data-severity="info"] .sev { color: #1a56b8; }
.message { font-weight: 600; margin: 0 0 6px; }
.phrase { font-style: italic; color: #444; margin: 0 0 6px; }
.clause { margin: 6px 0; }
.ref { font-weight: 600; }
.doc { color: #555; font-size: 12px; }
blockquote { margin: 4px 0 8px; padding: 6px 10px; background: #f4f6f9; border-left: 3px solid #154273;
  font-size: 13px; white-space: pre-line; }
dt { font-weight: 600; margin-top: 4px; }
dd { margin: 0 0 4px; }
.actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 8px; }
button { font: inherit; font-size: 13px; padding: 4px 10px; border-radius: 6px; border: 1px solid #8a8a8a;
  background: #fff; color: #1b1b1b; cursor: pointer; }
button:focus-visible { outline: 3px solid #154273; outline-offset: 1px; }
button.link { border: 0; padding: 0; background: none; color: #154273; text-decoration: underline; font-size: 12px; }
a { color: #154273; }
a:focus-visible { outline: 3px solid #154273; outline-offset: 1px; }
a.button { display: inline-block; font-size: 13px; padding: 4px 10px; border-radius: 6px; border: 1px solid #154273;
  background: #154273; color: #fff; text-decoration: none; }
.record { margin-top: 10px; padding-top: 10px; border-top: 1px solid #e3e3e3; }
.record h3 { font-size: 13px; margin: 0 0 4px; }
.record p { margin: 0 0 6px; }
.record-actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
.checklist { margin: 6px 0; padding-left: 20px; }
.checklist li { margin: 3px 0; }
.checklist .refs { display: block; font-size: 12px; }
.checklist .refs .link { text-align: left; }
.warning { font-weight: 600; color: #7a4a00; margin: 6px 0 4px; }
.badge {
  position: fixed; min-width: 24px; height: 24px; padding: 0 6px; border-radius: 12px; border: 0;
  background: #b26b00; color: #fff; font: 700 12px/24px system-ui, sans-serif; text-align: center;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); pointer-events: auto;
}
.badge[data-severity="block"] { background: #c00018; }
.badge[data-severity="info"] { background: #1f6feb; }
.badge[hidden] { display: none; }
.mirror { position: fixed; pointer-events: none; overflow: hidden; color: transparent;
  white-space: pre-wrap; overflow-wrap: break-word; }
.mirror mark { color: transparent; border-radius: 2px; }
.mirror mark[data-severity="warn"] { background: rgba(255,182,18,.35); text-decoration: underline wavy #b26b00; }
.mirror mark[data-severity="block"] { background: rgba(208,2,27,.18); text-decoration: underline wavy #c00018; }
.mirror mark[data-severity="info"] { background: transparent; text-decoration: underline dotted #1f6feb; }
dialog.gate {
  width: min(560px, calc(100vw - 24px)); max-height: calc(100vh - 48px); overflow: hidden; padding: 18px 20px 14px;
  border: 0; border-top: 5px solid #154273; border-radius: 10px; background: #fff; color: #1b1b1b;
  box-shadow: 0 12px 48px rgba(0,0,0,.35); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
dialog.gate::backdrop { background: rgba(0,0,0,.45); }
dialog.gate h2 { font-size: 19px; margin: 0 0 4px; color: #154273; }
dialog.gate .question { margin: 0 0 12px; font-style: italic; }
/* Title, question and buttons stay in view; only the findings scroll. */
dialog.gate[open] { display: flex; flex-direction: column; }
dialog.gate .findings { display: grid; gap: 10px; overflow: auto; min-height: 0; flex: 1 1 auto;
  border-top: 1px solid #e3e3e3; border-bottom: 1px solid #e3e3e3; padding: 8px 2px; }
dialog.gate .phrase { font-style: normal; background: #fafafa; border: 1px solid #e3e3e3; border-radius: 6px; padding: 4px 8px; }
dialog.gate .phrase mark { background: rgba(255,182,18,.45); color: inherit; }
dialog.gate .item[data-severity="block"] .phrase mark { background: rgba(208,2,27,.22); }
dialog.gate .blocked { color: #a00014; font-weight: 600; }
dialog.gate .reason-label { display: block; margin-top: 10px; font-size: 13px; }
dialog.gate textarea { width: 100%; font: inherit; margin-top: 4px; }
dialog.gate .hint { font-size: 12px; color: #555; margin: 4px 0 0; }
dialog.gate .actions { margin-top: 14px; }
dialog.gate button { font-size: 14px; padding: 6px 14px; }
dialog.gate button.primary { background: #154273; color: #fff; border-color: #154273; }
dialog.gate button:disabled { opacity: .5; cursor: not-allowed; }
@media (prefers-color-scheme: dark) {
  .card, dialog.gate { background: #1d2026; color: #ececec; border-color: #44484f; }
  .card h2, .doc, .phrase, dialog.gate .hint { color: #c4c4c4; }
  blockquote { background: #2a2f37; border-left-color: #8fb8ff; }
  dialog.gate h2 { color: #a9c8ff; }
  dialog.gate .phrase { background: #23272e; border-color: #44484f; }
  dialog.gate .phrase mark { background: #5c4600; color: #ffffff; }
  dialog.gate .item[data-severity="block"] .phrase mark { background: #6b1a24; color: #ffffff; }
  dialog.gate .blocked, .item[data-severity="block"] .sev { color: #ff9aa6; }
  .sev { color: #ffcc66; }
  .item[data-severity="info"] .sev { color: #8fb8ff; }
  button { background: #1d2026; color: #ececec; border-color: #9a9a9a; }
  dialog.gate button.primary { background: #8fb8ff; color: #0b1220; border-color: #8fb8ff; }
  button.link { color: #a9c8ff; background: none; }
  a { color: #a9c8ff; }
  a.button { background: #8fb8ff; color: #0b1220; border-color: #8fb8ff; }
  .record { border-top-color: #44484f; }
  .warning { color: #ffcc66; }
  button:focus-visible { outline-color: #8fb8ff; }
}
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;

export function uiRoot(): ShadowRoot {
  if (root && root.host.isConnected) return root;
  // Made in a document of our own, which knows no custom elements: a page that defines
  // <postwacht-ui> itself does not construct our host, and when it upgrades the host on
  // insertion, our closed root is already attached, so its class cannot attach one first.
  const host = document.implementation.createHTMLDocument("").createElement("postwacht-ui");
  host.style.cssText = "position:fixed;top:0;left:0;width:0;height:0;z-index:2147483647;";
  root = host.attachShadow({ mode: "closed" });
  document.documentElement.append(host);
  // A constructed sheet, not a <style> element: it is not subject to the page's style-src. It
  // can only be adopted in the document it was made for, so once the host is in it.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(STYLES);
  root.adoptedStyleSheets = [sheet];
  return root;
}

/** The events that carry what the user types or pastes. */
const TYPING = ["keydown", "keypress", "keyup", "beforeinput", "input", "textInput", "compositionstart",
  "compositionupdate", "compositionend", "paste", "copy", "cut"];

/**
 * Typing in our UI (the reason for posting anyway) fires composed events: they leave our closed
 * root and reach the page's listeners, which could read the reason key by key. This listener on
 * `window`, registered at document_start before any page script, runs first: it stops each such
 * event there and hands the focused element of our UI a copy that stays inside the root (only
 * `keydown` and `input` have listeners in it). Default actions are untouched.
 */
export function shieldTyping(): void {
  for (const type of TYPING) {
    window.addEventListener(type, (e) => {
      if (!root || e.target !== root.host || !e.isTrusted) return;
      e.stopImmediatePropagation();
      const copy = insideCopy(e);
      const focused = root.activeElement;
      if (copy && focused && !focused.dispatchEvent(copy)) e.preventDefault();
    }, { capture: true });
  }
}

function insideCopy(e: Event): Event | undefined {
  const init = { bubbles: true, cancelable: e.cancelable, composed: false };
  if (e instanceof KeyboardEvent && e.type === "keydown") {
    const { key, code, location, repeat, isComposing, ctrlKey, shiftKey, altKey, metaKey } = e;
    return new KeyboardEvent(e.type, { ...init, key, code, location, repeat, isComposing, ctrlKey, shiftKey, altKey, metaKey });
  }
  if (e instanceof InputEvent && e.type === "input") {
    return new InputEvent(e.type, { ...init, data: e.data, inputType: e.inputType, isComposing: e.isComposing });
  }
  return undefined;
}

/** Creates an element with text content only: policy texts are never parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(typeof c === "string" ? document.createTextNode(c) : c);
  return e;
}

/**
 * `text` as nodes with each finding in a <mark> (of overlapping findings the first is drawn);
 * `each` receives every mark with its finding.
 */
export function markUp(text: string, findings: Finding[], each?: (finding: Finding, mark: HTMLElement) => void): Node[] {
  const parts: Node[] = [];
  let at = 0;
  for (const f of findings) {
    if (f.start < at) continue;
    const mark = el("mark", { "data-severity": f.severity, "data-rule": f.rule }, text.slice(f.start, f.end));
    each?.(f, mark);
    parts.push(document.createTextNode(text.slice(at, f.start)), mark);
    at = f.end;
  }
  parts.push(document.createTextNode(text.slice(at)));
  return parts;
}
