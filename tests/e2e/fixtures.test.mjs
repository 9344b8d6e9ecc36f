// Proves the offline fixture pages work WITHOUT the extension: typing updates
// each editor's own model, submit controls and shortcuts record exactly one
// submission, disabled states, Facebook's clear-on-Enter, undo, Dutch labels,
// and that no CSP violation happens and no request leaves the machine.
//
// Run from the repo root: node tests/fixtures/build.mjs && node --test tests/e2e/fixtures.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGES, gotoFixture, launchBrowser, openLinkedInSharebox, routeFixtures, withLang } from './serve.mjs';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';
// Tests in a suite share one browser but each has its own context; a few run at once.
const CONCURRENCY = Number(process.env.FIXTURE_TEST_CONCURRENCY || 3);

let browser;
const open = [];

before(async () => {
  browser = await launchBrowser();
  await mkdir(SHOTS, { recursive: true });
});
after(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => {})));
  await browser?.close();
});

/** Open a fixture page in a fresh context; returns { page, log, context }. */
async function load(url, { lang = 'en', viewport = { width: 1280, height: 900 }, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  open.push(context);
  const log = await routeFixtures(context, { lang });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await gotoFixture(page, url);
  return { context, page, log, errors };
}

const model = (target, name) => target.evaluate((n) => window.__fixture.editors[n].modelText(), name);
const submissions = (target) => target.evaluate(() => window.__fixture.submissions.map(({ surface, text, via }) => ({ surface, text, via })));

/** Wait until editor `name`'s model text equals `text`. */
async function waitModel(target, name, text, timeout = 5000) {
  try {
    await target.waitForFunction(([n, t]) => window.__fixture.editors[n]?.modelText() === t, [name, text], { timeout });
  } catch (err) {
    const now = await model(target, name).catch(() => '<no editor>');
    assert.fail(`editor ${name}: expected ${JSON.stringify(text)}, model is ${JSON.stringify(now)} (${err.message.split('\n')[0]})`);
  }
}

async function waitSubmissions(target, n, timeout = 5000) {
  await target.waitForFunction((k) => window.__fixture.submissions.length >= k, n, { timeout });
  // Give a duplicate submission the chance to show up before asserting "exactly one".
  await new Promise((r) => setTimeout(r, 150));
  return submissions(target);
}

/** No CSP violation in the page (or frame), none reported to /csp-report, nothing left the machine. */
async function assertClean({ page, log, errors }, frames = []) {
  for (const target of [page, ...frames]) {
    assert.deepEqual(await target.evaluate(() => window.__fixture.cspViolations), [], `CSP violations in ${target.url()}`);
  }
  assert.deepEqual(log.cspReports, [], 'CSP reports');
  assert.deepEqual(log.blocked, [], 'requests to non-fixture hosts');
  assert.deepEqual(log.notFound, [], 'fixture 404s');
  assert.deepEqual(errors, [], 'page errors');
}

/** Type `text`, press Ctrl+Z until the model shrinks, and check it is a strict prefix. */
async function assertUndo(page, target, name, text) {
  await page.keyboard.type(text);
  await waitModel(target, name, text);
  await new Promise((r) => setTimeout(r, 400)); // let history close the typing batch
  await page.keyboard.press(`${MOD}+z`);
  await target.waitForFunction(([n, t]) => window.__fixture.editors[n].modelText() !== t, [name, text], { timeout: 5000 });
  const undone = await model(target, name);
  assert.ok(undone.length < text.length && text.startsWith(undone), `undo left ${JSON.stringify(undone)}`);
}

async function isDisabled(locator) {
  return locator.evaluate((el) => el.disabled === true || el.getAttribute('aria-disabled') === 'true');
}

// ====================================================================== X
describe('X (Draft.js)', { concurrency: CONCURRENCY }, () => {
  test('home: inline composer structure, typing, decorators, multi-line, button and Ctrl+Enter', async () => {
    const f = await load(PAGES.xHome);
    const { page } = f;
    const editor = page.locator('[data-testid=primaryColumn] [data-testid=tweetTextarea_0_label] [data-testid=tweetTextarea_0][role=textbox]');
    assert.equal(await editor.count(), 1);
    assert.equal(await editor.getAttribute('aria-label'), 'Post text');
    assert.match(await editor.getAttribute('class'), /public-DraftEditor-content/);
    const button = page.locator('[data-testid=toolBar] ~ * button[data-testid=tweetButtonInline], [data-testid=primaryColumn] button[data-testid=tweetButtonInline]');
    assert.equal(await button.count(), 1);
    assert.equal(await isDisabled(button), true, 'disabled while empty');
    // The tool bar is a sibling subtree of the editor, not its ancestor.
    assert.equal(await editor.evaluate((el) => !!el.closest('[data-testid=toolBar]')), false);

    await editor.click();
    await page.keyboard.type('Hi #tag 😀 @bob https://example.org');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('so sorry');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('end');
    const expected = 'Hi #tag 😀 @bob https://example.org\n\nso sorry\nend';
    await waitModel(page, 'home', expected);
    assert.equal(await isDisabled(button), false);
    // Decorators split the first line into several leaves (text nodes).
    const leaves = await editor.evaluate((el) => el.querySelector('[data-block]').querySelectorAll('span[data-text="true"]').length);
    assert.ok(leaves >= 5, `decorated leaves: ${leaves}`);
    assert.equal(await editor.locator('[data-block] br[data-text="true"]').count(), 1, 'empty line placeholder');

    await page.keyboard.press(`${MOD}+Enter`);
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'home', text: expected, via: 'ctrl-enter' }]);
    await waitModel(page, 'home', '');
    assert.equal(await isDisabled(button), true);

    await editor.click();
    await page.keyboard.type('second post');
    await button.click();
    const subs = await waitSubmissions(page, 2);
    assert.equal(subs.length, 2);
    assert.deepEqual(subs[1], { surface: 'home', text: 'second post', via: 'click' });
    await page.screenshot({ path: path.join(SHOTS, 'fixtures-x-home.png') });
    await assertClean(f);
  });

  test('home: Ctrl+Z undoes typing', async () => {
    const f = await load(PAGES.xHome);
    await f.page.click('[data-testid=tweetTextarea_0]');
    await f.page.keyboard.type('first words');
    await f.page.keyboard.press('Enter');
    await waitModel(f.page, 'home', 'first words\n');
    await new Promise((r) => setTimeout(r, 300));
    await f.page.keyboard.type('more');
    await waitModel(f.page, 'home', 'first words\nmore');
    await f.page.keyboard.press(`${MOD}+z`);
    await f.page.waitForFunction(() => window.__fixture.editors.home.modelText() !== 'first words\nmore');
    const undone = await model(f.page, 'home');
    assert.ok('first words\nmore'.startsWith(undone) && undone.length < 16, `undo left ${JSON.stringify(undone)}`);
    assert.deepEqual(await submissions(f.page), []);
    await assertClean(f);
  });

  test('compose/post: modal over the retained home composer, thread item, Post all', async () => {
    const f = await load(PAGES.xCompose);
    const { page } = f;
    assert.equal(await page.locator('[data-testid=tweetTextarea_0][role=textbox]').count(), 2, 'two tweetTextarea_0 (modal + home)');
    const dialog = page.locator('[role=dialog][aria-labelledby=modal-header]');
    const modalEditor = dialog.locator('[data-testid=tweetTextarea_0][role=textbox]');
    const tweetButton = dialog.locator('button[data-testid=tweetButton]');
    assert.equal(await isDisabled(tweetButton), true);
    await modalEditor.click();
    await page.keyboard.type('Thread start #one');
    await waitModel(page, 'modal', 'Thread start #one');
    assert.equal(await model(page, 'home'), '', 'home composer untouched');
    await dialog.locator('[data-testid=addButton]').click();
    const second = dialog.locator('[data-testid=tweetTextarea_1][role=textbox]');
    await second.waitFor();
    assert.equal(await isDisabled(tweetButton), true, 'disabled while a thread item is empty');
    await second.click();
    await page.keyboard.type('and the second');
    await waitModel(page, 'modal_1', 'and the second');
    assert.equal((await tweetButton.textContent()).trim(), 'Post all');
    await page.screenshot({ path: path.join(SHOTS, 'fixtures-x.png') });
    await tweetButton.click();
    const subs = await waitSubmissions(page, 2);
    assert.deepEqual(subs, [
      { surface: 'modal', text: 'Thread start #one', via: 'click' },
      { surface: 'modal_1', text: 'and the second', via: 'click' },
    ]);
    await dialog.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).pathname, '/home');
    await assertClean(f);
  });

  test('compose/post: Ctrl+Enter in the modal posts once', async () => {
    const f = await load(PAGES.xCompose);
    await f.page.click('[role=dialog] [data-testid=tweetTextarea_0]');
    await f.page.keyboard.type('line one');
    await f.page.keyboard.press('Enter');
    await f.page.keyboard.type('line two');
    await f.page.keyboard.press(`${MOD}+Enter`);
    assert.deepEqual(await waitSubmissions(f.page, 1), [{ surface: 'modal', text: 'line one\nline two', via: 'ctrl-enter' }]);
    await assertClean(f);
  });

  test('status: inline reply box with a Reply button', async () => {
    const f = await load(PAGES.xStatus);
    const { page } = f;
    assert.equal(await page.locator('article[data-testid=tweet]').count(), 1);
    const box = page.locator('[data-testid=inline_reply_offscreen]');
    const button = box.locator('button[data-testid=tweetButtonInline]');
    assert.equal((await button.textContent()).trim(), 'Reply');
    assert.equal(await isDisabled(button), true);
    await box.locator('[data-testid=tweetTextarea_0][role=textbox]').click();
    await page.keyboard.type('@someone thanks');
    await waitModel(page, 'reply', '@someone thanks');
    await button.click();
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'reply', text: '@someone thanks', via: 'click' }]);
    await waitModel(page, 'reply', '');
    await assertClean(f);
  });

  test('chat: textarea, Shift+Enter newline, Enter sends and clears, send button', async () => {
    const f = await load(PAGES.xChat);
    const { page } = f;
    const ta = page.locator('textarea[data-testid=dm-composer-textarea]');
    const send = page.locator('button[data-testid=dm-composer-send-button]');
    assert.equal(await isDisabled(send), true);
    await ta.click();
    await page.keyboard.type('hello');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('there');
    await waitModel(page, 'chat', 'hello\nthere');
    assert.equal(await ta.inputValue(), 'hello\nthere');
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'chat', text: 'hello\nthere', via: 'enter' }]);
    await waitModel(page, 'chat', '');
    assert.equal(await ta.inputValue(), '');
    await page.keyboard.type('by click');
    await send.click();
    assert.equal((await waitSubmissions(page, 2))[1].text, 'by click');
    await ta.click();
    await assertUndo(page, page, 'chat', 'undo me');
    await assertClean(f);
  });

  test('mobile.x.com: textarea inside div[data-testid=tweetTextarea_0]', async () => {
    const f = await load(PAGES.xMobileCompose, { viewport: { width: 420, height: 800 }, isMobile: true, hasTouch: true });
    const { page } = f;
    const ta = page.locator('main div[data-testid=tweetTextarea_0] > textarea');
    const button = page.locator('button[data-testid=tweetButton]');
    assert.equal(await isDisabled(button), true);
    await ta.click();
    await page.keyboard.type('from my phone');
    await page.keyboard.press('Enter');
    await page.keyboard.type('line 2');
    await waitModel(page, 'mobile', 'from my phone\nline 2');
    await button.click();
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'mobile', text: 'from my phone\nline 2', via: 'click' }]);
    await assertClean(f);
  });

  test('twitter.com serves the same app; Dutch variant has Dutch labels', async () => {
    const f = await load(PAGES.twitterHome);
    assert.equal(await f.page.locator('[data-testid=tweetTextarea_0][aria-label="Post text"]').count(), 1);
    await assertClean(f);
    const nl = await load(PAGES.xHome, { lang: 'nl' });
    assert.equal(await nl.page.evaluate(() => document.documentElement.lang), 'nl');
    assert.equal(await nl.page.locator('[data-testid=tweetTextarea_0][aria-label="Posttekst"]').count(), 1);
    assert.equal((await nl.page.locator('button[data-testid=tweetButtonInline]').textContent()).trim(), 'Posten');
    await nl.page.click('[data-testid=tweetTextarea_0]');
    await nl.page.keyboard.type('Dag allemaal');
    await nl.page.keyboard.press(`${MOD}+Enter`);
    assert.deepEqual(await waitSubmissions(nl.page, 1), [{ surface: 'home', text: 'Dag allemaal', via: 'ctrl-enter' }]);
    await assertClean(nl);
    const q = await load(withLang(PAGES.xCompose, 'nl'));
    assert.equal(await q.page.locator('[role=dialog] button[data-testid=tweetButton]').textContent(), 'Posten');
    await assertClean(q);
  });
});

// ====================================================================== LinkedIn
describe('LinkedIn (Quill, TipTap, contenteditable)', { concurrency: CONCURRENCY }, () => {
  test('share box: dialog with same-origin /preload/sharebox/ iframe, Quill, Post', async () => {
    const f = await load(PAGES.linkedinFeed);
    const { page } = f;
    const frame = await openLinkedInSharebox(page);
    assert.equal(await page.locator('[role=dialog]:visible').count(), 1, 'exactly one visible dialog');
    assert.ok((await page.locator('[role=dialog]').count()) >= 2, 'a hidden dialog is retained in the DOM');
    const editor = frame.locator('.ql-editor[role=textbox][contenteditable=true]');
    assert.equal(await editor.getAttribute('aria-label'), 'Text editor for creating content');
    assert.equal(await editor.getAttribute('data-placeholder'), 'What do you want to talk about?');
    const post = frame.locator('button.share-actions__primary-action');
    assert.equal(await isDisabled(post), true);
    await editor.click();
    await page.keyboard.type('Hello network');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('I am sorry');
    const text = 'Hello network\n\nI am sorry';
    await waitModel(frame, 'share', text);
    assert.equal(await editor.evaluate((el) => el.innerHTML), '<p>Hello network</p><p><br></p><p>I am sorry</p>');
    assert.equal(await isDisabled(post), false);
    await page.screenshot({ path: path.join(SHOTS, 'fixtures-linkedin.png') });
    await post.click();
    assert.deepEqual(await waitSubmissions(frame, 1), [{ surface: 'share', text, via: 'click' }]);
    assert.deepEqual(await submissions(page), [], 'the iframe records its own submissions');
    await page.locator('[role=dialog] iframe').waitFor({ state: 'hidden' });
    await waitModel(frame, 'share', '');
    await assertClean(f, [frame]);
  });

  test('share box: Quill undo', async () => {
    const f = await load(PAGES.linkedinFeed);
    const frame = await openLinkedInSharebox(f.page);
    await frame.locator('.ql-editor').click();
    await assertUndo(f.page, frame, 'share', 'typed into quill');
    await assertClean(f, [frame]);
  });

  test('V1 comment: form.comments-comment-box__form > Quill, submit event', async () => {
    const f = await load(PAGES.linkedinFeed);
    const { page } = f;
    const form = page.locator('form.comments-comment-box__form');
    const editor = form.locator('.ql-editor[role=textbox]');
    const button = form.locator('button.comments-comment-box__submit-button--cr');
    assert.equal(await isDisabled(button), true);
    await editor.click();
    await page.keyboard.type('Great news');
    await page.keyboard.press('Enter');
    await page.keyboard.type('congrats');
    await waitModel(page, 'commentV1', 'Great news\ncongrats');
    await button.click();
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'commentV1', text: 'Great news\ncongrats', via: 'click' }]);
    await waitModel(page, 'commentV1', '');
    assert.equal(new URL(page.url()).pathname, '/feed/', 'no navigation');
    await assertClean(f);
  });

  test('V2 comment and reply: TipTap in the tiptap wrapper, comment-post / comment-reply-post', async () => {
    const f = await load(PAGES.linkedinFeed);
    const { page } = f;
    const box = page.locator('div[componentkey="commentBox-urn:li:activity:1"][data-view-name=comment-box]');
    const editor = box.locator('[data-testid=ui-core-tiptap-text-editor-wrapper] .tiptap.ProseMirror[contenteditable=true][role=textbox]');
    assert.equal(await editor.getAttribute('aria-label'), 'Text editor for creating comment');
    const button = box.locator('button[data-view-name=comment-post]');
    assert.equal(await isDisabled(button), true);
    await editor.click();
    await page.keyboard.type('Nice');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('work');
    await page.keyboard.press('Enter');
    await page.keyboard.type('team');
    await waitModel(page, 'commentV2', 'Nice\nwork\nteam');
    await button.click();
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'commentV2', text: 'Nice\nwork\nteam', via: 'click' }]);
    await waitModel(page, 'commentV2', '');

    const reply = page.locator('button[data-view-name=comment-reply-post]');
    const replyEditor = reply.locator('xpath=ancestor::*[@data-view-name="comment-box"][1]').locator('.tiptap[role=textbox]');
    await replyEditor.click();
    await assertUndo(page, page, 'replyV2', 'oops typo');
    await page.keyboard.press('End');
    await page.keyboard.type(' fixed');
    const before = await model(page, 'replyV2');
    await reply.click();
    const subs = await waitSubmissions(page, 2);
    assert.equal(subs.length, 2);
    assert.deepEqual(subs[1], { surface: 'replyV2', text: before, via: 'click' });
    await assertClean(f);
  });

  test('messaging: form.msg-form contenteditable, Shift+Enter newline, Enter and button submit the form', async () => {
    const f = await load(PAGES.linkedinFeed);
    const { page } = f;
    const form = page.locator('form.msg-form');
    const editor = form.locator('div.msg-form__contenteditable[role=textbox][contenteditable=true]');
    const send = form.locator('button.msg-form__send-button[type=submit]');
    assert.equal(await isDisabled(send), true);
    await editor.click();
    await page.keyboard.type('Hi there');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    await waitModel(page, 'messaging', 'Hi there\nsecond line');
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'messaging', text: 'Hi there\nsecond line', via: 'enter' }]);
    await waitModel(page, 'messaging', '');
    await page.keyboard.type('with the button');
    await send.click();
    const subs = await waitSubmissions(page, 2);
    assert.deepEqual(subs[1], { surface: 'messaging', text: 'with the button', via: 'click' });
    await editor.click();
    await assertUndo(page, page, 'messaging', 'undo this');
    await assertClean(f);
  });

  test('Dutch variant reaches the iframe too', async () => {
    const f = await load(withLang(PAGES.linkedinFeed, 'nl'));
    const frame = await openLinkedInSharebox(f.page);
    assert.equal(await frame.evaluate(() => document.documentElement.lang), 'nl');
    assert.equal((await frame.locator('button.share-actions__primary-action').textContent()).trim(), 'Plaatsen');
    await assertClean(f, [frame]);
  });
});

// ====================================================================== Facebook
describe('Facebook (Lexical)', { concurrency: CONCURRENCY }, () => {
  test('composer: region button -> Create post (rich text) -> Next -> Post settings -> Post', async () => {
    const f = await load(PAGES.facebookHome);
    const { page } = f;
    const trigger = page.locator('[aria-label="Create a post"][role=region] div[role=button]', { hasText: "What's on your mind, Test?" });
    await trigger.click();
    const dialog = page.locator('[role=dialog][aria-modal=true][aria-label="Create post"]');
    const editor = dialog.locator('[contenteditable=true][role=textbox][data-lexical-editor=true]');
    await editor.waitFor();
    for (const [k, v] of Object.entries({ 'aria-label': "What's on your mind, Test?", 'aria-placeholder': "What's on your mind, Test?", spellcheck: 'true', tabindex: '0' })) {
      assert.equal(await editor.getAttribute(k), v, k);
    }
    const next = dialog.locator('[role=button][aria-label=Next]');
    assert.equal(await next.getAttribute('aria-disabled'), 'true');
    await next.dispatchEvent('click'); // ignored while aria-disabled
    assert.equal(await page.locator('[role=dialog][aria-label="Post settings"]:visible').count(), 0);

    await editor.click();
    await page.keyboard.type('Big news');
    await page.keyboard.press('Enter');
    await page.keyboard.type('so sorry');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('end');
    const text = 'Big news\n\nso sorry\nend'; // Lexical joins paragraphs with \n\n
    await waitModel(page, 'composer', text);
    assert.equal(await editor.locator('p.xdj266r.x11i5rnm.xat24cr.x1mh8g0r.x16tdsg8').count(), 2);
    assert.equal(await next.getAttribute('aria-disabled'), null);
    await page.screenshot({ path: path.join(SHOTS, 'fixtures-facebook.png') });

    await next.focus();
    await page.keyboard.press('Enter');
    const settings = page.locator('[role=dialog][aria-label="Post settings"]');
    await settings.waitFor({ state: 'visible' });
    const post = settings.locator('[role=button][aria-label=Post]');
    await post.focus();
    await page.keyboard.press(' ');
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'composer', text, via: 'space-key' }]);
    await dialog.waitFor({ state: 'detached' });
    await assertClean(f);
  });

  test('composer: Lexical undo', async () => {
    const f = await load(PAGES.facebookHome);
    await f.page.keyboard.press('Tab'); // keyboard path: focus moves through the page
    await f.page.locator('[aria-label="Create a post"] [role=button]').first().focus();
    await f.page.keyboard.press('Enter');
    await f.page.locator('[aria-label="Create post"] [data-lexical-editor]').waitFor();
    await f.page.waitForFunction(() => document.activeElement?.dataset.lexicalEditor === 'true');
    await assertUndo(f.page, f.page, 'composer', 'undo in lexical');
    await assertClean(f);
  });

  test('comment: plain text, Shift+Enter line break, bare Enter submits and clears; button path', async () => {
    const f = await load(PAGES.facebookHome);
    const { page } = f;
    const form = page.locator('form[role=presentation]', { has: page.locator('[aria-label="Comment as Test"]') });
    const editor = form.locator('[data-lexical-editor=true][role=textbox][aria-label="Comment as Test"]');
    assert.equal(await editor.getAttribute('aria-placeholder'), 'Write a comment…');
    const button = form.locator('#focused-state-composer-submit > div[role=button][aria-label=Comment]');
    assert.equal(await button.getAttribute('aria-disabled'), 'true');
    await editor.click();
    await page.keyboard.type('nice');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('so sorry');
    await waitModel(page, 'comment', 'nice\nso sorry');
    assert.equal(await editor.locator('p').count(), 1, 'plain text keeps one paragraph');
    assert.equal(await editor.locator('p > br').count(), 1);
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'comment', text: 'nice\nso sorry', via: 'enter' }]);
    await waitModel(page, 'comment', '');
    await page.keyboard.press('Enter'); // Enter on an empty box does nothing
    await page.keyboard.type('via button');
    await waitModel(page, 'comment', 'via button');
    await button.click();
    const subs = await waitSubmissions(page, 2);
    assert.equal(subs.length, 2);
    assert.deepEqual(subs[1], { surface: 'comment', text: 'via button', via: 'click' });
    await waitModel(page, 'comment', '');
    await editor.click();
    await assertUndo(page, page, 'comment', 'undo here');
    await assertClean(f);
  });

  test('reply: focused-state submit moves to the reply form; Enter submits', async () => {
    const f = await load(PAGES.facebookHome);
    const { page } = f;
    const editor = page.locator('[data-lexical-editor=true][aria-label="Reply to Someone"]');
    await editor.click();
    assert.equal(await page.locator('#focused-state-composer-submit').count(), 1);
    assert.equal(await editor.evaluate((el) => !!el.closest('form').querySelector('#focused-state-composer-submit [role=button][aria-label=Comment]')), true);
    await page.keyboard.type('agreed');
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'reply', text: 'agreed', via: 'enter' }]);
    await waitModel(page, 'reply', '');
    await assertClean(f);
  });

  test('messenger chat box: aria-label Message, Enter sends', async () => {
    const f = await load(PAGES.facebookWeb);
    const { page } = f;
    const editor = page.locator('[data-lexical-editor=true][role=textbox][aria-label=Message]');
    assert.equal(await editor.evaluate((el) => !!el.closest('form[role=presentation]')), false);
    await editor.click();
    await page.keyboard.type('see you');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('tomorrow');
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'messenger', text: 'see you\ntomorrow', via: 'enter' }]);
    await waitModel(page, 'messenger', '');
    await assertClean(f);
  });

  test('Dutch variant: Wat wil je delen / Volgende / Plaatsen / Reageer als Test', async () => {
    const f = await load(PAGES.facebookHome, { lang: 'nl' });
    const { page } = f;
    const comment = page.locator('[data-lexical-editor][aria-label="Reageer als Test"][aria-placeholder="Schrijf een reactie…"]');
    assert.equal(await comment.count(), 1);
    await page.locator('[role=region] [role=button]', { hasText: 'Wat wil je delen, Test?' }).click();
    const editor = page.locator('[role=dialog] [data-lexical-editor][aria-label="Wat wil je delen, Test?"]');
    await editor.click();
    await page.keyboard.type('Goedemorgen');
    await page.locator('[role=button][aria-label=Volgende]').click();
    await page.locator('[role=button][aria-label=Plaatsen]').click();
    assert.deepEqual(await waitSubmissions(page, 1), [{ surface: 'composer', text: 'Goedemorgen', via: 'click' }]);
    await comment.click();
    await page.keyboard.type('Dank je');
    await page.keyboard.press('Enter');
    const subs = await waitSubmissions(page, 2);
    assert.deepEqual(subs[1], { surface: 'comment', text: 'Dank je', via: 'enter' });
    await assertClean(f);
  });
});

// ====================================================================== offline + CSP
describe('offline serving and CSP', { concurrency: CONCURRENCY }, () => {
  // (eval() is not tested: code run through DevTools' Runtime domain, as page.evaluate is, may eval.)
  test('the page CSP is enforced (wasm, inline script and handler) and violations are recorded', async () => {
    const f = await load(PAGES.facebookHome);
    const { page, log } = f;
    const headers = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.match(headers, /script-src 'self';/);
    assert.doesNotMatch(headers, /wasm-unsafe-eval|unsafe-eval/);
    const result = await page.evaluate(async () => {
      const out = {};
      const b = document.createElement('button');
      b.setAttribute('onclick', 'window.__handlerRan = true');
      document.body.append(b);
      b.click();
      b.remove();
      out.handler = window.__handlerRan === true;
      try {
        await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
        out.wasm = 'compiled';
      } catch (e) {
        out.wasm = e.name;
      }
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
      out.inline = window.__inlineRan === true;
      return out;
    });
    assert.deepEqual(result, { handler: false, wasm: 'CompileError', inline: false });
    await page.waitForFunction(() => window.__fixture.cspViolations.length >= 3);
    const directives = await page.evaluate(() => window.__fixture.cspViolations.map((v) => v.directive));
    assert.ok(directives.every((d) => d.startsWith('script-src')), directives.join());
    // report-uri /csp-report reaches the route handler.
    const deadline = Date.now() + 5000;
    while (log.cspReports.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(log.cspReports.length > 0, 'csp-report received');
    await page.evaluate(() => window.__fixture.reset());
    assert.deepEqual(await page.evaluate(() => window.__fixture.cspViolations), []);
  });

  test('requests to other hosts are aborted', async () => {
    const f = await load(PAGES.xHome);
    await assert.rejects(f.page.goto('https://example.com/'), /ERR_BLOCKED_BY_CLIENT|ERR_FAILED/);
    assert.deepEqual(f.log.blocked, ['https://example.com/']);
  });

  test('reset() clears submissions and editors', async () => {
    const f = await load(PAGES.linkedinFeed);
    await f.page.click('.comments-comment-box__form .ql-editor');
    await f.page.keyboard.type('left over');
    await waitModel(f.page, 'commentV1', 'left over');
    await f.page.click('button.comments-comment-box__submit-button--cr');
    await waitSubmissions(f.page, 1);
    await f.page.click('[data-view-name=comment-box] .tiptap');
    await f.page.keyboard.type('draft');
    await waitModel(f.page, 'commentV2', 'draft');
    await f.page.evaluate(() => window.__fixture.reset());
    assert.deepEqual(await submissions(f.page), []);
    await waitModel(f.page, 'commentV2', '');
    await assertClean(f);
  });
});
