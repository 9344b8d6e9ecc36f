// What we know about each site's compose boxes, kept as data (sites.md). Selectors use test ids,
// roles, ARIA and editor-library markers; never visible button text or hashed class names.
// Localised labels are data too: Facebook's comment boxes are recognised by their aria-label.

export type SubmitKey = "ctrl-enter" | "enter" | "none";

export interface SurfaceProfile {
  /** Stable name, used in tests and (later) in settings. */
  name: string;
  /** Matches the editing host: the contenteditable root or the textarea. */
  host: string;
  /** The host must also sit inside an element matching this. */
  within?: string;
  /** The host's aria-label or aria-placeholder starts with one of these (any language). */
  labels?: string[];
  /** The smallest ancestor that holds both the editor and its submit control. */
  container: string;
  /** The submit controls, searched inside `container`. */
  submit: string;
  /** Submit controls are recognised by aria-label (localised data) where nothing else is stable. */
  submitLabels?: string[];
  /** The keyboard shortcut that posts from this surface. */
  key: SubmitKey;
  /** A reply to someone (cool-down applies): always, or when the host is inside this selector. */
  reply?: true | string;
}

export interface SiteProfile {
  hosts: string[];
  /** Tried in order: the first profile that matches classifies the editor. */
  surfaces: SurfaceProfile[];
  /**
   * The file inputs that attach photos and videos to a post (a file input inside a surface's
   * container counts too). From automation code that uploads media to the live sites [3P].
   */
  attach?: string;
}

const FACEBOOK_COMMENT_LABELS = [
  "Comment as", "Reply to", "Write a comment", "Write a reply", "Write a public comment",
  "Reageer als", "Reageren als", "Antwoord", "Schrijf een reactie", "Schrijf een antwoord",
  "Commenter en tant que", "Répondre à", "Écrivez un commentaire", "Écrire un commentaire",
];

export const SITES: SiteProfile[] = [
  {
    hosts: ["x.com", "twitter.com", "mobile.x.com", "mobile.twitter.com"],
    surfaces: [
      {
        name: "x-chat",
        host: 'textarea[data-testid="dm-composer-textarea"]',
        container: 'form, [data-testid="dm-composer-form"], [data-testid="DmActivityContainer"]',
        submit: '[data-testid="dm-composer-send-button"]',
        key: "enter",
      },
      {
        name: "x-dm-legacy",
        host: '[data-testid="dmComposerTextInput"]',
        container: 'aside, [data-testid="DmActivityContainer"]',
        submit: '[data-testid="dmComposerSendButton"]',
        key: "enter",
      },
      {
        name: "x-mobile",
        host: 'textarea',
        within: '[data-testid^="tweetTextarea_"]',
        container: '[role="dialog"], main',
        submit: '[data-testid="tweetButton"], [data-testid="tweetButtonInline"]',
        key: "ctrl-enter",
      },
      {
        name: "x-compose",
        host: '[data-testid^="tweetTextarea_"][role="textbox"], .public-DraftEditor-content',
        // A reply or the modal composer is its own region; the home box is the primary column.
        container: '[role="dialog"], [data-testid="inline_reply_offscreen"], [data-testid="primaryColumn"], main',
        submit: '[data-testid="tweetButton"], [data-testid="tweetButtonInline"]',
        key: "ctrl-enter",
        reply: '[data-testid="inline_reply_offscreen"], [role="dialog"]:has(article[data-testid="tweet"])',
      },
    ],
    // The composer's hidden input behind "Add photos or video" (one per composer).
    attach: 'input[type="file"][data-testid="fileInput"]',
  },
  {
    hosts: ["www.linkedin.com"],
    surfaces: [
      {
        name: "li-comment-v1",
        host: ".ql-editor",
        within: ".comments-comment-box__form, .comments-comment-texteditor",
        container: "form, .comments-comment-box",
        submit: '[class*="comments-comment-box__submit-button"]',
        key: "none",
        reply: true,
      },
      {
        name: "li-comment-v2",
        host: '[contenteditable="true"]',
        within: '[data-testid="ui-core-tiptap-text-editor-wrapper"]',
        container: '[componentkey^="commentBox-"], [data-view-name="comment-box"]',
        submit: '[data-view-name="comment-post"], [data-view-name="comment-reply-post"]',
        key: "none",
        reply: true,
      },
      {
        name: "li-messaging",
        host: ".msg-form__contenteditable",
        container: "form.msg-form, form",
        submit: ".msg-form__send-button",
        key: "none",
      },
      {
        name: "li-share",
        host: ".ql-editor",
        container: '[role="dialog"], .share-box, body',
        submit: ".share-actions__primary-action",
        key: "none",
      },
    ],
    // The share box's media editor ("Add media"), which LinkedIn mounts in a shadow root.
    attach: '#media-editor-file-selector__file-input, input[type="file"].media-editor-file-selector__upload-media-input',
  },
  {
    hosts: ["www.facebook.com", "web.facebook.com"],
    surfaces: [
      {
        name: "fb-comment",
        host: '[data-lexical-editor="true"]',
        labels: FACEBOOK_COMMENT_LABELS,
        container: "form",
        submit: '#focused-state-composer-submit [role="button"]',
        key: "enter",
        reply: true,
      },
      {
        name: "fb-composer",
        host: '[data-lexical-editor="true"]',
        within: '[role="dialog"]',
        container: '[role="dialog"]',
        // The two-step flow: "Next" leads to a settings dialog holding the final "Post".
        submit: '[role="button"][aria-label]',
        submitLabels: ["Post", "Next", "Plaatsen", "Volgende", "Publier", "Suivant"],
        key: "none",
      },
    ],
    // "Photo/video" in the composer dialog and the camera button of comment boxes.
    attach: '[role="dialog"] input[type="file"], form[role="presentation"] input[type="file"]',
  },
];

/** Editor families recognised on any supported site, for compose boxes no profile knows yet. */
export const GENERIC_HOSTS =
  '.public-DraftEditor-content, [data-lexical-editor="true"], .ql-editor, .ProseMirror, [contenteditable="true"][role="textbox"]';

/** A selector for a profile's editing hosts, `within` included (every pair of alternatives). */
export function hostSelectorOf(p: SurfaceProfile): string {
  if (!p.within) return p.host;
  const split = (sel: string) => sel.split(",").map((x) => x.trim());
  return split(p.within).flatMap((w) => split(p.host).map((h) => `${w} ${h}`)).join(", ");
}

export function siteFor(hostname: string): SiteProfile | undefined {
  return SITES.find((s) => s.hosts.includes(hostname));
}
