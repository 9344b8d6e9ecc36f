// flatten.ts on the DOM shapes each editor produces (sites.md §3b, §5), in a real browser: the
// text the engine sees and the Range each text offset maps back to.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { launchBrowser } from './serve.mjs';

let browser;
let page;
before(async () => {
  const bundle = await build({
    entryPoints: ['extension/src/content/flatten.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'Flatten',
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><body></body>');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
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
