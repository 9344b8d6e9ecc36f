// Turns an editor's DOM into the plain text the engine scans, and maps text offsets back to DOM
// positions. Neither innerText (layout-dependent, two newlines per <p>) nor textContent (no line
// breaks at all) gives the text the user sees, so we walk the DOM (sites.md §5).

const BLOCK_TAGS = new Set([
  "P", "DIV", "LI", "UL", "OL", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE",
  "TABLE", "TR", "TD", "TH", "SECTION", "ARTICLE", "HEADER", "FOOTER",
]);

// Editors keep these in the DOM for caret placement; they are not part of the user's text.
// Replacing them by a space keeps every offset while keeping them out of words.
const INVISIBLE = /[\uFEFF\u200B]/g;

export interface Flat {
  /** The text as the engine sees it. */
  text: string;
  /** For each UTF-16 code unit: the text node holding it, or null (a line break, an emoji image). */
  nodes: (Text | null)[];
  /** For each UTF-16 code unit: its offset within `nodes[i]`. */
  offsets: number[];
}

export function flatten(root: Element): Flat {
  const parts: string[] = [];
  const nodes: (Text | null)[] = [];
  const offsets: number[] = [];
  let lines = 0;

  const push = (chars: string, node: Text | null) => {
    parts.push(chars);
    for (let i = 0; i < chars.length; i++) {
      nodes.push(node);
      offsets.push(node ? i : 0);
    }
  };

  const walk = (el: Element) => {
    for (let child = el.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === Node.TEXT_NODE) {
        let data = (child as Text).data;
        // A newline ending a line is not drawn as one: Draft.js doubles a soft newline at the end
        // of a block (its model holds one) so that the caret has a line to go to.
        if (data.endsWith("\n") && endsLine(child)) data = data.slice(0, -1);
        if (data.length > 0) push(data, child as Text);
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const e = child as Element;
      if (e.getAttribute("contenteditable") === "false") continue;
      if (e.tagName === "BR") {
        if (!isPlaceholderBreak(e)) push("\n", null);
        continue;
      }
      if (e.tagName === "IMG") {
        // Rendered emoji: the character counts in the text but maps to no text node.
        const alt = e.getAttribute("alt");
        if (alt) push(alt, null);
        continue;
      }
      if (isLeafBlock(e)) {
        // A line break before every line but the first (and after loose text before a block).
        if (lines++ > 0 || nodes.length > 0) push("\n", null);
      }
      walk(e);
    }
  };
  walk(root);
  return { text: parts.join("").replace(INVISIBLE, " "), nodes, offsets };
}

function isBlock(e: Element): boolean {
  return BLOCK_TAGS.has(e.tagName);
}

/** A line: a block with no block inside it (Draft nests two divs per line; Quill has flat <p>s). */
function isLeafBlock(e: Element): boolean {
  if (!isBlock(e)) return false;
  for (const d of e.querySelectorAll("*")) if (isBlock(d)) return false;
  return true;
}

/**
 * Editors put a <br> in an empty line so the caret has somewhere to go (Draft `data-text`,
 * Lexical `data-lexical-managed-linebreak`, ProseMirror's trailing break, Quill's `<p><br></p>`);
 * it is not a line break. A <br> with content after it in the same line is a real one.
 */
function isPlaceholderBreak(br: Element): boolean {
  if (br.hasAttribute("data-lexical-managed-linebreak")) return true;
  if (br.classList.contains("ProseMirror-trailingBreak")) return true;
  if (br.getAttribute("data-text") === "true") return true;
  return endsLine(br);
}

/** Is nothing after `node` up to the end of its line (through inline ancestors)? */
function endsLine(node: Node): boolean {
  for (;;) {
    for (let next = node.nextSibling; next; next = next.nextSibling) {
      if (hasContent(next)) return false;
    }
    const parent: ParentNode | null = node.parentNode;
    if (!(parent instanceof Element) || isBlock(parent) || parent.hasAttribute("contenteditable"))
      return true;
    node = parent;
  }
}

function hasContent(n: Node): boolean {
  if (n.nodeType === Node.TEXT_NODE) return (n as Text).data.length > 0;
  if (n.nodeType !== Node.ELEMENT_NODE) return false;
  const e = n as Element;
  if (e.tagName === "BR" || e.tagName === "IMG") return true;
  return (e.textContent ?? "").length > 0 || e.querySelector("br,img") !== null;
}

/** A DOM Range over text offsets [start, end), or null when no character in it maps to a node. */
export function rangeFor(flat: Flat, start: number, end: number): Range | null {
  let first = -1;
  let last = -1;
  for (let i = Math.max(0, start); i < Math.min(end, flat.nodes.length); i++) {
    if (flat.nodes[i]) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return null;
  const range = document.createRange();
  range.setStart(flat.nodes[first]!, flat.offsets[first]!);
  range.setEnd(flat.nodes[last]!, flat.offsets[last]! + 1);
  return range;
}
