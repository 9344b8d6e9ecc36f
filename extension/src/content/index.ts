// The content script: finds compose surfaces, keeps each one's findings painted, and opens cards.
// Pipeline: surfaces (which editor) → flatten (text + offset map) → engine (service worker) →
// highlights → card and badge.

import { Badge } from "./badge";
import { Card } from "./card";
import { saveCaret } from "./caret";
import { Editor } from "./editor";
import { extensionAlive } from "./engine-client";
import { Gate } from "./gate";
import { Attachments } from "./photos";
import { setLang } from "../shared/i18n";
import { onSettingsChanged, readEffective, siteState, type Effective } from "../shared/settings";
import { siteFor } from "./sites";
import { classify, editingHost, hostSelector } from "./surfaces";
import { noteInput, TimedClient, TimedHighlights } from "./timing";
import { shieldTyping } from "./ui-root";

const site = siteFor(location.hostname);

const client = new TimedClient();
const highlights = new TimedHighlights();
const editors = new Map<HTMLElement, Editor>();
const card = new Card();
let active: Editor | undefined;
/** False while Postwacht is paused on this site (by the user or the administrator). */
let running = true;
let showBadge = true;

const badge = new Badge((button) => {
  if (!active || active.findings.length === 0) return;
  openCard(active, active.findings, active.anchor(), { list: true, focus: true }, button);
});

function editorFor(target: EventTarget | null): Editor | undefined {
  if (!running) return undefined;
  const host = editingHost(target);
  if (!host) return undefined;
  let editor = editors.get(host);
  if (!editor) {
    const ref = classify(host, site);
    if (!ref) return undefined;
    editor = new Editor(ref, client, highlights, { changed: onChanged });
    editors.set(host, editor);
  }
  return editor;
}

const gate = new Gate({
  site,
  client,
  editorFor,
  lastActive: () => active,
});

const attachments = new Attachments({ site, client, editorFor });

/** The editor the user writes in: the badge counts its findings. */
function activate(editor: Editor): void {
  active = editor;
  if (showBadge) badge.update(editor.host, editor.findings);
}

function onChanged(editor: Editor): void {
  // Fetch the clause texts as soon as there is something to explain: the card and the gate's
  // dialog then open at once.
  if (editor.findings.length > 0) client.policy().catch(() => undefined);
  if (editor === active || !active) activate(editor);
  if (card.open && editor === active && !card.showingAny(editor.findings)) card.close(false);
}

function openCard(
  editor: Editor,
  findings: Editor["findings"],
  anchor: DOMRect,
  options: { list?: boolean; focus?: boolean },
  returnTo?: HTMLElement,
): void {
  // Keyboard users come back to where they were typing.
  const caret = options.focus ? saveCaret(editor.host) : undefined;
  const handlers = {
    ignore: (f: (typeof findings)[number]) => editor.ignore(f),
    postText: () => editor.readNow(),
    closed: (hadFocus: boolean) => {
      if (!hadFocus) return;
      if (returnTo) returnTo.focus();
      else caret?.();
    },
  };
  // Show at once (with what we know) and fill in the clause texts when the policy arrives.
  client.policy().then(
    (policy) => {
      if (card.showing(findings)) card.show(findings, policy, anchor, handlers, options);
    },
    () => undefined,
  );
  card.show(findings, undefined, anchor, handlers, options);
}

function listen(): void {
  const opts = { capture: true, passive: true };
  document.addEventListener("focusin", (e) => {
    const editor = editorFor(e.composedPath()[0] ?? e.target);
    if (editor) {
      client.warm();
      activate(editor);
    }
  }, opts);
  document.addEventListener("input", (e) => {
    const editor = editorFor(e.composedPath()[0] ?? e.target);
    editor?.schedule();
    if (editor) noteInput(editor, e);
  }, opts);
  document.addEventListener("compositionstart", (e) => editorFor(e.target)?.setComposing(true), opts);
  document.addEventListener("compositionend", (e) => editorFor(e.target)?.setComposing(false), opts);

  let pointerFrame = 0;
  let hovered = false;
  document.addEventListener("mousemove", (e) => {
    if (pointerFrame) return;
    const { clientX: x, clientY: y } = e;
    pointerFrame = requestAnimationFrame(() => {
      pointerFrame = 0;
      const hit = hitTest(x, y);
      if (hit) {
        hovered = true;
        if (!card.showing(hit.findings)) openCard(hit.editor, hit.findings, hit.rect, {});
      } else if (hovered && card.open && !card.contains(x, y)) {
        hovered = false;
        card.close(false);
      }
    });
  }, opts);
  // Leaving the document (into another frame, or out of the window) sends no more mousemoves.
  document.addEventListener("mouseout", (e) => {
    if (e.relatedTarget === null && hovered && card.open) {
      hovered = false;
      card.close(false);
    }
  }, opts);
  document.addEventListener("click", (e) => {
    const hit = hitTest(e.clientX, e.clientY);
    if (hit && !card.showing(hit.findings)) openCard(hit.editor, hit.findings, hit.rect, {});
  }, opts);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && card.open) card.close(true);
    // Alt+Shift+W ("wacht") from inside an editor opens its list of findings, focus in it.
    if (e.altKey && e.shiftKey && e.code === "KeyW" && !e.ctrlKey && !e.metaKey) {
      const editor = editorFor(e.composedPath()[0] ?? e.target);
      if (editor && editor.findings.length > 0) {
        e.preventDefault();
        openCard(editor, editor.findings, editor.anchor(), { list: true, focus: true });
      }
    }
  }, { capture: true });

  let layoutFrame = 0;
  const relayout = () => {
    if (layoutFrame) return;
    layoutFrame = requestAnimationFrame(() => {
      layoutFrame = 0;
      for (const editor of editors.values()) editor.reposition();
      if (active) badge.place(active.host);
    });
  };
  window.addEventListener("scroll", relayout, opts);
  window.addEventListener("resize", relayout, opts);
}

function hitTest(x: number, y: number) {
  for (const editor of editors.values()) {
    const hit = editor.hit(x, y);
    if (hit) return { editor, ...hit };
  }
  return undefined;
}

/** Drafts the site restores into an editor nobody has focused yet, and editors that went away. */
function watchPage(): void {
  const selector = hostSelector(site);
  let timer = 0;
  const sweep = () => {
    timer = 0;
    if (!extensionAlive()) return shutDown();
    for (const [host, editor] of editors) {
      if (!host.isConnected) {
        editor.detach();
        editors.delete(host);
        if (active === editor) {
          active = undefined;
          badge.hide();
        }
      }
    }
    for (const host of document.querySelectorAll<HTMLElement>(selector)) {
      const text = host instanceof HTMLTextAreaElement ? host.value : host.textContent;
      if (text && text.trim() && !editors.has(host)) editorFor(host);
    }
  };
  // Busy pages mutate constantly; a sweep four times a second is plenty for drafts.
  new MutationObserver(() => {
    timer ||= window.setTimeout(sweep, 250);
  }).observe(document, { childList: true, subtree: true });
  sweep();
}

function applySettings(settings: Effective): void {
  setLang(settings.lang);
  showBadge = settings.showBadge;
  if (!showBadge) badge.hide();
  // Categories or language may have changed: cached results and texts are stale.
  client.reset();
  running = siteState(settings, location.hostname) === "on";
  gate.enabled = running;
  attachments.enabled = running;
  if (!running) {
    shutDown();
    return;
  }
  for (const editor of editors.values()) editor.schedule();
  const focused = editorFor(document.activeElement);
  if (focused) focused.schedule();
}

/** The popup asks how many findings the editor being written in has (frames without one stay silent). */
function answerStatus(): void {
  chrome.runtime.onMessage.addListener((message: { type?: string }, _sender, sendResponse) => {
    if (message?.type === "status" && active && running) {
      sendResponse({ findings: active.findings.length });
    }
    return false;
  });
}

/** After the extension is updated or removed this script is orphaned: leave the page as it was. */
function shutDown(): void {
  for (const editor of editors.values()) editor.detach();
  editors.clear();
  badge.hide();
  card.close(false);
  attachments.close();
}

shieldTyping();
gate.install();
attachments.install();
listen();
answerStatus();
readEffective().then(applySettings, () => undefined);
onSettingsChanged(applySettings);
// New rules from the administrator: open posts are checked again at once, no reload.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "bundleCurrent" in changes && running) {
    client.reset();
    for (const editor of editors.values()) editor.schedule();
  }
});
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", watchPage, { once: true });
} else {
  watchPage();
}
