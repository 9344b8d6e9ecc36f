// Photos and videos attached in a compose box (file input, drag and drop, paste): a short
// checklist card in the user's language, each point tied to the policy's clauses, and what the
// file's own metadata gives away (GPS position, serial numbers), read by the engine from the
// file's first bytes. Never the picture itself. Listeners are passive: the site's own upload
// gets the very same file, untouched, and nothing is held back or stored.

import type { ChecklistItem, PhotoMetadata, PolicyView } from "../shared/protocol";
import { PHOTO_HEAD_BYTES } from "../shared/protocol";
import { pick, t } from "../shared/i18n";
import { place } from "./card";
import type { Editor } from "./editor";
import { inspectPhoto, type EngineClient } from "./engine-client";
import { hostSelectorOf, type SiteProfile } from "./sites";
import { el, uiRoot } from "./ui-root";

export interface AttachmentDeps {
  site: SiteProfile | undefined;
  client: EngineClient;
  /** The watched editor `target` is in, if any. */
  editorFor(target: EventTarget | null): Editor | undefined;
}

const MEDIA = /\.(jpe?g|png|gif|webp|hei[cf]|avif|tiff?|bmp|mp4|m4v|mov|webm|mkv|avi|3gp)$/i;
/** The formats whose metadata the engine reads (by type, or by name when the type is empty). */
const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/heic", "image/heif", "image/avif"]);
const PHOTO_NAMES = /\.(jpe?g|png|hei[cf]|avif)$/i;

export class Attachments {
  private box?: HTMLElement;
  /** A file input's selection fires `input` and `change`: one card per selection. */
  private seen = new WeakMap<HTMLInputElement, FileList>();
  /** Off while Postwacht is paused on this site. */
  enabled = true;

  constructor(private readonly deps: AttachmentDeps) {}

  install(): void {
    const opts = { capture: true, passive: true };
    // `input` is composed and also leaves a site's (open) shadow root, where `change` stays.
    document.addEventListener("input", (e) => this.onFileInput(e), opts);
    document.addEventListener("change", (e) => this.onFileInput(e), opts);
    document.addEventListener("drop", (e) => this.onTransfer(e, (e as DragEvent).dataTransfer), opts);
    document.addEventListener("paste", (e) => this.onTransfer(e, (e as ClipboardEvent).clipboardData), opts);
  }

  private onFileInput(e: Event): void {
    const input = e.composedPath()[0];
    if (!this.enabled || !(input instanceof HTMLInputElement) || input.type !== "file") return;
    const files = input.files;
    if (!files || files.length === 0 || this.seen.get(input) === files) return;
    this.seen.set(input, files);
    if (this.forPost(input)) void this.attached([...files], input);
  }

  /** A drop or paste: the files are read now, while the event still grants access to them. */
  private onTransfer(e: Event, data: DataTransfer | null): void {
    if (!this.enabled || !data || data.files.length === 0) return;
    const target = e.composedPath()[0];
    const element = target instanceof Element ? target : target instanceof Node ? target.parentElement : null;
    if (!element) return;
    const editor = this.deps.editorFor(target);
    if (editor || (e.type === "drop" && this.inComposer(element))) void this.attached([...data.files], element, editor);
  }

  /** A file input of a compose box: as the site data knows them, or beside a known editor. */
  private forPost(input: HTMLInputElement): boolean {
    const known = this.deps.site?.attach;
    return (!!known && input.matches(known)) || this.inComposer(input);
  }

  private inComposer(element: Element): boolean {
    return !!this.composerEditor(element);
  }

  /** The editor of the compose box `element` is part of (a hidden file input has no place of its own). */
  private composerEditor(element: Element): HTMLElement | undefined {
    for (const profile of this.deps.site?.surfaces ?? []) {
      const editor = element.closest(profile.container)?.querySelector<HTMLElement>(hostSelectorOf(profile));
      if (editor) return editor;
    }
    // LinkedIn's media input sits in a shadow root beside the share box: its document's editor.
    return element.getRootNode() instanceof ShadowRoot && this.deps.site?.attach && element.matches(this.deps.site.attach)
      ? document.querySelector<HTMLElement>((this.deps.site.surfaces ?? []).map(hostSelectorOf).join(", ")) ?? undefined
      : undefined;
  }

  private async attached(files: File[], near: Element, editor?: Editor): Promise<void> {
    const media = files.filter((f) => /^(image|video)\//.test(f.type) || MEDIA.test(f.name));
    if (media.length === 0) return;
    const policy = await this.deps.client.policy().catch(() => undefined);
    const anchor = (editor?.host ?? this.composerEditor(near) ?? near).getBoundingClientRect();
    const metadata = this.show(media, policy, anchor);
    for (const file of media) {
      if (PHOTO_TYPES.has(file.type) || PHOTO_NAMES.test(file.name)) void this.inspect(file, metadata);
    }
  }

  /** The card: title, the checklist, a place for what the metadata says. Focus stays put. */
  private show(files: File[], policy: PolicyView | undefined, anchor: DOMRect): HTMLElement {
    this.close();
    const box = el("section", {
      class: "card photo-card",
      role: "dialog",
      "aria-label": t("photoTitle"),
      "data-severity": "info",
      "data-postwacht": "photo-card",
    });
    box.append(
      el("h2", {}, t("photoTitle")),
      el("p", { role: "status" }, t("photoIntro")),
      el("p", { class: "doc", "data-postwacht": "photo-files" }, t("photoFiles", files.map((f) => f.name).join(", "))),
    );
    const list = el("ul", { class: "checklist" });
    for (const item of policy?.photo_checklist ?? []) list.append(checklistItem(item, policy!));
    const metadata = el("div", { class: "metadata", "data-postwacht": "photo-metadata", "aria-live": "polite" });
    const close = el("button", { type: "button", "data-action": "close" }, t("cardClose"));
    close.addEventListener("click", () => this.close());
    box.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        this.close();
      }
    });
    // What the file itself gives away first: it is the one thing the user cannot see.
    box.append(metadata, list, el("div", { class: "actions" }, close));
    box.setAttribute("popover", "manual");
    uiRoot().append(box);
    box.showPopover();
    place(box, anchor);
    this.box = box;
    return metadata;
  }

  close(): void {
    this.box?.remove();
    this.box = undefined;
  }

  /** Reads the file's first bytes, asks the engine, says plainly what it found. */
  private async inspect(file: File, into: HTMLElement): Promise<void> {
    const line = el("p", { class: "hint", "data-postwacht": "photo-checking", "data-file": file.name }, t("photoChecking", file.name));
    into.append(line);
    let found: PhotoMetadata | undefined;
    let failed = false;
    try {
      const head = new Uint8Array(await file.slice(0, PHOTO_HEAD_BYTES).arrayBuffer());
      const reply = await inspectPhoto(base64(head), file.size <= PHOTO_HEAD_BYTES);
      if (reply.ok) found = reply.metadata;
      // A GIF or a video: nothing to say about its metadata.
      else failed = !reply.error.startsWith("unsupported:");
    } catch {
      failed = true;
    }
    const lines: HTMLElement[] = [];
    if (found?.gps) {
      const position = `${found.gps.latitude.toFixed(5)}, ${found.gps.longitude.toFixed(5)}`;
      lines.push(warning("photo-gps", file.name, t("photoGps", file.name, position)));
    }
    for (const serial of found?.serial_numbers ?? []) {
      const key = serial.kind === "lens" ? "photoSerialLens" : "photoSerialCamera";
      lines.push(warning("photo-serial", file.name, t(key, file.name, serial.value)));
    }
    if (lines.length > 0) lines.push(el("p", { class: "hint" }, t("photoMetadataAdvice")));
    else if (failed) lines.push(warning("photo-unchecked", file.name, t("photoUnchecked", file.name)));
    else if (found) lines.push(el("p", { class: "hint", "data-postwacht": "photo-clean", "data-file": file.name }, t("photoNoMetadata", file.name)));
    line.replaceWith(...lines);
  }
}

function warning(kind: string, file: string, text: string): HTMLElement {
  return el("p", { class: "warning", "data-postwacht": kind, "data-file": file }, text);
}

/**
 * One point with the clauses it rests on, by their short titles (the reference is the link's
 * tooltip); each opens in the code-of-conduct view.
 */
function checklistItem(item: ChecklistItem, policy: PolicyView): HTMLElement {
  const li = el("li", { "data-item": item.id }, pick(item.text));
  const refs = el("span", { class: "refs" });
  for (const id of item.clauses) {
    const clause = policy.clauses.find((c) => c.id === id);
    if (!clause) continue;
    const doc = policy.documents.find((d) => d.id === clause.document);
    const ref = el("button", {
      type: "button",
      class: "link",
      "data-clause": id,
      title: `${clause.reference}${doc ? ` (${doc.organisation})` : ""}`,
    }, pick(clause.title) || clause.reference);
    ref.addEventListener("click", () => {
      chrome.runtime.sendMessage({ type: "openClause", id }).catch(() => undefined);
    });
    if (refs.childNodes.length > 0) refs.append(" · ");
    refs.append(ref);
  }
  if (refs.childNodes.length > 0) li.append(refs);
  return li;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
