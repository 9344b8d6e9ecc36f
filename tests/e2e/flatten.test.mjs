// flatten.ts on the DOM shapes each editor produces (sites.md §3b, §5), in a real browser: the
// text the engine sees and the Range each text offset maps back to.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { installFlatten } from './extension.mjs';
import { launchBrowser } from './serve.mjs';

let browser;
let page;
before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><body></body>');
  await installFlatten(page.mainFrame());
});
after(() => browser?.close());

/** Flattens `html` inside a contenteditable; returns the text and each `phrase`'s Range text. */
const flat = (html, phrases = []) =>
  page.evaluate(({ html, phrases }) => {
    document.body.innerHTML = `<div contenteditable="true">${html}</div>`;
    const f = Flatten.flatten(document.body.firstChild);
    const ranges = phrases.map((p) => {
      const at = f.text.indexOf(p);
      return Flatten.rangeFor(f, at, at + p.length)?.toString() ?? null;
    });
    return { text: f.text, ranges };
  }, { html, phrases });

test('Draft.js: nested blocks, an empty line, decorator leaves and a soft newline', async () => {
  const html =
    '<div data-contents="true">' +
    '<div data-block="true"><div class="public-DraftStyleDefault-block"><span><span data-text="true">Hi </span></span><span class="r-entity"><span><span data-text="true">#tag</span></span></span><span><span data-text="true"> 😀 @bob</span></span></div></div>' +
    '<div data-block="true"><div class="public-DraftStyleDefault-block"><span><br data-text="true"></span></div></div>' +
    '<div data-block="true"><div class="public-DraftStyleDefault-block"><span><span data-text="true">so sorry\nend</span></span></div></div>' +
    '</div>';
  const r = await flat(html, ['#tag 😀 @bob', 'sorry\nend']);
  assert.equal(r.text, 'Hi #tag 😀 @bob\n\nso sorry\nend');
  assert.deepEqual(r.ranges, ['#tag 😀 @bob', 'sorry\nend']);
});

test('Draft.js: a soft newline ending a block is doubled in the DOM and once in the text', async () => {
  // Draft renders "so sorry\n" (Shift+Enter at the end of a line) as "so sorry\n\n" so the caret
  // has a line to go to; its model, and the text the user sees, has one.
  const html =
    '<div data-contents="true">' +
    '<div data-block="true"><div class="public-DraftStyleDefault-block"><span><span data-text="true">so sorry\n\n</span></span></div></div>' +
    '<div data-block="true"><div class="public-DraftStyleDefault-block"><span><span data-text="true">end</span></span></div></div>' +
    '</div>';
  const r = await flat(html, ['sorry\n', 'end']);
  assert.equal(r.text, 'so sorry\n\nend');
  assert.deepEqual(r.ranges, ['sorry\n', 'end']);
});

test('Lexical rich text: managed line break in an empty paragraph, real <br> between spans', async () => {
  const html =
    '<p dir="auto"><span data-lexical-text="true">Hi #tag 😀 @bob</span></p>' +
    '<p dir="auto"><br data-lexical-managed-linebreak="true"></p>' +
    '<p dir="auto"><span data-lexical-text="true">so sorry</span><br><span data-lexical-text="true">end</span></p>';
  const r = await flat(html, ['sorry\nend']);
  assert.equal(r.text, 'Hi #tag 😀 @bob\n\nso sorry\nend');
  assert.deepEqual(r.ranges, ['sorryend'], 'a Range over a <br> holds no newline character');
});

test('Lexical plain text: every line break is a <br> in one paragraph; a trailing one is not a line', async () => {
  const r = await flat('<p><span data-lexical-text="true">nice</span><br><span data-lexical-text="true">so sorry</span><br><br></p>');
  assert.equal(r.text, 'nice\nso sorry\n');
});

test('Quill: <p><br></p> is an empty line; embeds are skipped and their guards blanked', async () => {
  const html = '<p>Hello</p><p><br></p><p>I am <span class="mention">\uFEFF<span contenteditable="false">@Jan</span>\uFEFF</span> sorry</p>';
  const r = await flat(html, ['sorry']);
  assert.equal(r.text, 'Hello\n\nI am    sorry');
  assert.deepEqual(r.ranges, ['sorry']);
});

test('TipTap: a hard break is a newline, ProseMirror\'s trailing break is not', async () => {
  const r = await flat('<p>Hi<br>there</p><p>so sorry<br class="ProseMirror-trailingBreak"></p>');
  assert.equal(r.text, 'Hi\nthere\nso sorry');
});

test('emoji images count in the text but map to no node; ranges skip them', async () => {
  const r = await flat('<p>Top <img alt="😳" src="data:,"> dossier</p>', ['😳 dossier', '😳']);
  assert.equal(r.text, 'Top 😳 dossier');
  assert.deepEqual(r.ranges, [' dossier', null]);
});

test('UTF-16 offsets: ZWJ sequences, combining marks and flags map to the right characters', async () => {
  const r = await flat('<p>👩‍👩‍👧 café e\u0301 🇧🇪 geheim</p>', ['geheim', 'e\u0301', '🇧🇪']);
  assert.equal(r.text, '👩‍👩‍👧 café e\u0301 🇧🇪 geheim');
  assert.deepEqual(r.ranges, ['geheim', 'e\u0301', '🇧🇪']);
});

// ------------------------------------------------------------------ property: the offset map
// Random documents in each editor's DOM shape (lines of text, decorator and mark wrappers, soft
// newlines, <br>, empty lines, emoji images, embeds; emoji, ZWJ sequences, flags, skin tones,
// combining marks, CJK), built in the page. For each: the text is what the model says; every
// character that maps to a node is that node's character there, in document order, and no two
// map to the same place; every caret offset maps to a DOM point and back to itself, and the DOM
// text before that point (embeds left out, as flatten leaves them out) is the mapped text before
// the offset; offsets with no node of their own (line breaks, emoji images) map to the next point
// that has one; and a Range for every finding-sized span reads the span.
const PROPERTY_SEED = Number(process.env.FLATTEN_SEED || 20261124);
const PROPERTY_CASES = Number(process.env.FLATTEN_CASES || 80);
const SHAPES = ['draft', 'lexical-rich', 'lexical-plain', 'quill', 'tiptap'];

/** Runs `cases` random documents of `shape` in the page; returns failures and counts. */
function offsetMapProperty({ shape, seed, cases }) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  const ATOMS = ['a', 'geheim', 'BSN 111222333', ' ', 'café', 'e\u0301', 'x\u0308\u0301', '😀', '👩‍👩‍👧', '🇧🇪', '👍🏽', '日本語', 'ا', '\u00a0'];
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const INVISIBLE = /[\uFEFF\u200B]/g;
  const words = () => Array.from({ length: 1 + int(3) }, () => pick(ATOMS)).join('');

  /** A random document as lines of items, and the HTML `shape`'s editor renders for it. */
  function build() {
    const lines = Array.from({ length: 1 + int(5) }, () => {
      if (next() < 0.2) return [];
      return Array.from({ length: 1 + int(4) }, () => {
        const r = next();
        if (r < 0.55) return { t: 'text', s: words() };
        if (r < 0.7) return { t: 'wrap', s: words() };
        if (r < 0.8) return { t: 'break' };
        if (r < 0.9) return { t: 'img', alt: pick(['😳', '👍🏽', '🇳🇱']) };
        return { t: 'embed', s: pick(['@Jan', 'Sanne de Vries']) };
      });
    });
    // Each shape only has what its editor can show: Draft has no images or embeds, and its line
    // breaks inside a block are newline characters; Lexical plain text is a single paragraph.
    const allowed = {
      draft: ['text', 'wrap', 'break'],
      'lexical-rich': ['text', 'wrap', 'break', 'img', 'embed'],
      'lexical-plain': ['text', 'break', 'img'],
      quill: ['text', 'wrap', 'embed'],
      tiptap: ['text', 'wrap', 'break'],
    }[shape];
    let model = lines.map((items) => items.filter((i) => allowed.includes(i.t)));
    if (shape === 'lexical-plain') model = [model.flat()];
    // Adjacent text items are one text node in every editor.
    model = model.map((items) => items.reduce((out, i) => {
      const last = out.at(-1);
      if (i.t === 'text' && last?.t === 'text') last.s += i.s;
      else out.push({ ...i });
      return out;
    }, []));
    // The text flatten must read: lines joined by newlines; an image is its alt text; an embed
    // is left out, but the guard characters Quill puts around it count, as spaces.
    const text = model.map((items) => items.map((i) => {
      if (i.t === 'break') return '\n';
      if (i.t === 'img') return i.alt;
      if (i.t === 'embed') return shape === 'quill' ? '  ' : '';
      return i.s;
    }).join('')).join('\n');

    const html = model.map((items) => {
      const last = items.at(-1);
      const inner = items.map((i) => {
        const s = i.s && esc(i.s);
        switch (shape) {
          case 'draft':
            if (i.t === 'break') return '<span><span data-text="true">\n</span></span>';
            if (i.t === 'wrap') return `<span class="r-entity"><span><span data-text="true">${s}</span></span></span>`;
            return `<span><span data-text="true">${s}</span></span>`;
          case 'lexical-rich':
          case 'lexical-plain':
            if (i.t === 'break') return '<br>';
            if (i.t === 'img') return `<span data-lexical-text="true"><img alt="${i.alt}" src="data:,"></span>`;
            if (i.t === 'embed') return `<span data-lexical-decorator="true" contenteditable="false">${s}</span>`;
            if (i.t === 'wrap') return `<strong data-lexical-text="true">${s}</strong>`;
            return `<span data-lexical-text="true">${s}</span>`;
          case 'quill':
            if (i.t === 'embed') return `<span class="mention">\uFEFF<span contenteditable="false">${s}</span>\uFEFF</span>`;
            if (i.t === 'wrap') return `<strong>${s}</strong>`;
            return s;
          default:
            if (i.t === 'break') return '<br>';
            if (i.t === 'wrap') return `<em>${s}</em>`;
            return s;
        }
      }).join('');
      // The editors' own placeholders: an empty line's <br>, and what keeps a trailing line
      // break's empty line open (Draft doubles the newline, Lexical and ProseMirror add a <br>).
      switch (shape) {
        case 'draft': {
          if (items.length === 0) return '<div data-block="true"><div class="public-DraftStyleDefault-block"><span><br data-text="true"></span></div></div>';
          const doubled = last.t === 'break' ? inner.replace(/\n<\/span><\/span>$/, '\n\n</span></span>') : inner;
          return `<div data-block="true"><div class="public-DraftStyleDefault-block">${doubled}</div></div>`;
        }
        case 'lexical-rich':
        case 'lexical-plain':
          if (items.length === 0) return '<p dir="auto"><br></p>';
          return `<p dir="auto">${inner}${last.t === 'break' ? '<br>' : ''}</p>`;
        case 'quill':
          return items.length === 0 ? '<p><br></p>' : `<p>${inner}</p>`;
        default:
          if (items.length === 0) return '<p><br class="ProseMirror-trailingBreak"></p>';
          return `<p>${inner}${last.t === 'break' ? '<br class="ProseMirror-trailingBreak">' : ''}</p>`;
      }
    }).join('');
    return { text, html: shape === 'draft' ? `<div data-contents="true">${html}</div>` : html, model };
  }

  /** The DOM text between the editor's start and a point, without what flatten skips. */
  const domTextBefore = (root, node, offset) => {
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    const fragment = range.cloneContents();
    for (const skipped of fragment.querySelectorAll('[contenteditable="false"]')) skipped.remove();
    return fragment.textContent;
  };

  const failures = [];
  let offsetsChecked = 0;
  let spansChecked = 0;
  let nodeless = 0;
  for (let n = 0; n < cases && failures.length < 5; n++) {
    const { text, html } = build();
    document.body.innerHTML = `<div contenteditable="true">${html}</div>`;
    const root = document.body.firstChild;
    const f = Flatten.flatten(root);
    const fail = (what) => failures.push({ case: n, what, html, text: f.text, expected: text });
    if (f.text !== text) {
      fail('text');
      continue;
    }
    if (f.nodes.length !== text.length || f.offsets.length !== text.length) {
      fail('map length');
      continue;
    }
    // Every mapped character is its node's character there, in document order, each in its own place.
    let previous = null;
    for (let i = 0; i < text.length; i++) {
      const node = f.nodes[i];
      if (!node) continue;
      if (node.data[f.offsets[i]].replace(INVISIBLE, ' ') !== text[i]) fail(`character ${i}`);
      if (previous) {
        const order = document.createRange();
        order.setStart(previous.node, previous.offset);
        order.setEnd(node, f.offsets[i]);
        if (order.collapsed) fail(`order at ${i}`);
      }
      previous = { node, offset: f.offsets[i] };
    }
    // Caret offsets to DOM points and back.
    const toDom = (i) => {
      if (f.nodes[i]) return [f.nodes[i], f.offsets[i]];
      if (i > 0 && f.nodes[i - 1]) return [f.nodes[i - 1], f.offsets[i - 1] + 1];
      return null;
    };
    const fromDom = (node, offset) => {
      for (let k = 0; k < text.length; k++) if (f.nodes[k] === node && f.offsets[k] === offset) return k;
      for (let k = 0; k < text.length; k++) if (f.nodes[k] === node && f.offsets[k] + 1 === offset) return k + 1;
      return -1;
    };
    /** The characters of text[from, to) that have a text node (UTF-16 units, as the map). */
    const mapped = (from, to) => {
      let out = '';
      for (let k = from; k < to; k++) if (f.nodes[k]) out += text[k];
      return out;
    };
    for (let i = 0; i <= text.length; i++) {
      let at = i;
      let point = toDom(i);
      if (!point) {
        // No node here (between two line breaks, at an image): the caret goes to the next
        // position that has one, and nothing between holds a text node.
        nodeless++;
        while (at < text.length && !toDom(at)) at++;
        point = toDom(at);
        if (!point) continue;
        for (let k = i; k < at; k++) if (f.nodes[k]) fail(`nearest point for ${i}`);
      }
      offsetsChecked++;
      if (fromDom(...point) !== at) fail(`round trip of offset ${at}`);
      // Newlines aside: Draft's doubled one at the end of a block is in the DOM only.
      const dom = domTextBefore(root, ...point).replace(INVISIBLE, ' ').replaceAll('\n', '');
      if (dom !== mapped(0, at).replaceAll('\n', '')) fail(`DOM text before offset ${at}`);
    }
    // Finding-sized spans on code point boundaries: the Range reads the span (without what has
    // no text node: block boundaries, <br>, images; embeds inside it are not ours to read).
    const starts = [];
    for (let i = 0; i < text.length; i++) if (!(text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) < 0xe000)) starts.push(i);
    for (let k = 0; k < 12 && starts.length > 0; k++) {
      const s = pick(starts);
      const ends = starts.filter((e) => e > s && e - s <= 40).concat(s + 1 >= text.length ? [text.length] : []);
      const e = ends.length ? pick(ends) : text.length;
      const range = Flatten.rangeFor(f, s, e);
      const want = mapped(s, e);
      spansChecked++;
      if (!range) {
        if (want !== '') fail(`no range for ${s}..${e}`);
        continue;
      }
      const fragment = range.cloneContents();
      for (const skipped of fragment.querySelectorAll('[contenteditable="false"]')) skipped.remove();
      // Newlines aside, again (only Draft has them in text nodes, and doubles one).
      const got = fragment.textContent.replace(INVISIBLE, ' ');
      if (got.replaceAll('\n', '') !== want.replaceAll('\n', '')) fail(`range ${s}..${e}: ${JSON.stringify(got)} for ${JSON.stringify(want)}`);
    }
  }
  return { failures, offsetsChecked, spansChecked, nodeless };
}

for (const [k, shape] of SHAPES.entries()) {
  test(`the offset map round-trips every offset: ${PROPERTY_CASES} random ${shape} documents, seed ${PROPERTY_SEED + k}`, async () => {
    const seed = PROPERTY_SEED + k;
    const r = await page.evaluate(offsetMapProperty, { shape, seed, cases: PROPERTY_CASES });
    assert.deepEqual(
      r.failures,
      [],
      `seed ${seed} (replay: FLATTEN_SEED=${PROPERTY_SEED} node --test tests/e2e/flatten.test.mjs): ${JSON.stringify(r.failures[0], null, 1)}`,
    );
    assert.ok(r.offsetsChecked > PROPERTY_CASES * 5 && r.spansChecked > PROPERTY_CASES * 5, `checked ${r.offsetsChecked} offsets, ${r.spansChecked} spans`);
    console.log(`# ${shape}: ${PROPERTY_CASES} documents, ${r.offsetsChecked} offsets round-tripped (${r.nodeless} with no node of their own), ${r.spansChecked} spans`);
  });
}
