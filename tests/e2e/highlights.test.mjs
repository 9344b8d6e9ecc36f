// The extension in Debian's Chromium on fixture pages built from each site's real editor
// library, served under the real host names with a strict CSP: risky phrases are highlighted
// exactly, the editor's own state is untouched, and the card cites the right clause.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  PAGES, gotoFixture, launchBrowser, launchWithExtension, openLinkedInSharebox, routeFixtures, withLang,
} from './serve.mjs';
import {
  DIST_CHROMIUM, badgeState, cardContents, defaultPolicy, eventually, highlightedTexts, mirrorMarks,
  mirrorPoint, oracle, pointOf, screenshotPath, typeLines,
} from './extension.mjs';

// A mention, an emoji, a hashtag holding a finding (decorators split Draft's text nodes), a
// labelled BSN, and a finding that runs across a ZWJ family emoji; three lines.
const RISKY = 'Hoi @collega 😀 dit memo is #vertrouwelijk\nMijn BSN is 111222333\nHet dossier van mevrouw Jansen 👩‍👩‍👧 ligt bij mij thuis';
const BENIGN = 'Zin in het weekend! 🌞 Wandelen met de hond #natuur';

/**
 * Every compose surface: where it is, how to reach its editor, which key breaks a line without
 * posting, and how the editor's own model joins lines (Lexical rich text: an empty line between
 * paragraphs in getTextContent()).
 */
const SURFACES = [
  { name: 'x-home', url: PAGES.xHome, editor: 'home' },
  { name: 'x-compose-modal', url: PAGES.xCompose, editor: 'modal' },
  { name: 'x-reply', url: PAGES.xStatus, editor: 'reply' },
  { name: 'x-chat', url: PAGES.xChat, editor: 'chat', newline: 'Shift+Enter', textarea: true },
  { name: 'x-mobile', url: PAGES.xMobileCompose, editor: 'mobile', textarea: true },
  { name: 'linkedin-share', url: PAGES.linkedinFeed, editor: 'share', sharebox: true },
  { name: 'linkedin-comment-v1', url: PAGES.linkedinFeed, editor: 'commentV1' },
  { name: 'linkedin-comment-v2', url: PAGES.linkedinFeed, editor: 'commentV2' },
  { name: 'linkedin-messaging', url: PAGES.linkedinFeed, editor: 'messaging', newline: 'Shift+Enter' },
  { name: 'facebook-composer', url: PAGES.facebookHome, editor: 'composer', open: '[aria-label="Create a post"] [role="button"]', paragraphs: '\n\n' },
  { name: 'facebook-comment', url: PAGES.facebookHome, editor: 'comment', newline: 'Shift+Enter' },
  // Dutch-labelled pages: nothing may depend on English labels.
  { name: 'facebook-comment-nl', url: withLang(PAGES.facebookHome, 'nl'), editor: 'comment', newline: 'Shift+Enter' },
  { name: 'x-home-nl', url: withLang(PAGES.xHome, 'nl'), editor: 'home' },
];

const expectedPhrases = (text) => oracle(text).map((f) => f.text);

/** Opens a surface and focuses its editor; returns the frame that holds it. */
async function openSurface(page, s) {
  await gotoFixture(page, s.url);
  let frame = page.mainFrame();
  if (s.sharebox) frame = await openLinkedInSharebox(page);
  if (s.open) await page.click(s.open);
  await frame.waitForFunction((name) => !!window.__fixture.editors[name], s.editor);
  const root = await frame.evaluateHandle((name) => window.__fixture.editors[name].root(), s.editor);
  await root.asElement().click();
  return { frame, root: root.asElement() };
}

const modelText = (frame, s) => frame.evaluate((name) => window.__fixture.editors[name].modelText(), s.editor);

async function marked(page, frame, s) {
  return s.textarea ? mirrorMarks(page, frame) : highlightedTexts(frame);
}

/** The editor's markup with the random keys Draft.js generates per run taken out. */
const markupOf = (root) =>
  root.evaluate((e) => e.innerHTML.replace(/(data-offset-key|data-editor)="[^"]*"/g, '$1=""'));

describe('highlights in every compose surface', () => {
  let context;
  let control;
  let log;
  before(async () => {
    // A Dutch browser, as our users have: card texts come in Dutch, as the CLI prints them.
    context = await launchWithExtension(DIST_CHROMIUM, { viewport: { width: 1280, height: 900 }, locale: 'nl-NL', args: ['--lang=nl'] });
    log = await routeFixtures(context);
    control = await launchBrowser();
  });
  after(async () => {
    await context?.close();
    await control?.close();
  });

  for (const s of SURFACES) {
    test(s.name, async () => {
      const page = await context.newPage();
      const { frame, root } = await openSurface(page, s);
      await typeLines(page, RISKY, s.newline);

      const want = expectedPhrases(RISKY);
      assert.ok(want.includes('BSN is 111222333') && want.includes('vertrouwelijk'), `the oracle finds the planted phrases: ${want}`);
      await eventually(async () => {
        const got = await marked(page, frame, s);
        return JSON.stringify(got) === JSON.stringify(want) || got;
      }, `highlights ${JSON.stringify(want)}`);

      // The editor's own model holds exactly what was typed: the extension corrupted nothing.
      const model = await modelText(frame, s);
      assert.equal(model, s.paragraphs ? RISKY.replaceAll('\n', s.paragraphs) : RISKY);

      // And its DOM is exactly what the same typing produces without the extension.
      if (!s.textarea) {
        const ctl = await control.newContext({ viewport: { width: 1280, height: 900 } });
        await routeFixtures(ctl);
        const cpage = await ctl.newPage();
        const { root: croot } = await openSurface(cpage, s);
        await typeLines(cpage, RISKY, s.newline);
        assert.equal(await markupOf(root), await markupOf(croot), 'editor DOM differs from a run without the extension');
        await ctl.close();
      }

      // The badge counts the findings and says so to screen readers.
      const badge = await badgeState(page, frame);
      assert.equal(badge.hidden, false);
      assert.equal(badge.text, String(want.length));
      assert.match(badge.label, new RegExp(`${want.length}`));

      // Hovering the BSN opens a card citing the clause the engine reports for it.
      const bsn = oracle(RISKY).find((f) => f.text === 'BSN is 111222333');
      let point = await (s.textarea ? mirrorPoint(page, frame, 'BSN is 111222333') : pointOf(frame, 'BSN is 111222333'));
      assert.ok(point, 'the BSN is drawn somewhere');
      if (frame !== page.mainFrame()) {
        const box = await (await frame.frameElement()).boundingBox();
        point = { x: point.x + box.x, y: point.y + box.y };
      }
      await page.mouse.move(point.x, point.y);
      let card;
      await eventually(async () => {
        card = await cardContents(page, frame);
        return (card?.[0]?.clauses.length ?? 0) > 0 || card;
      }, 'a card with its clause');
      assert.equal(card[0].rule, bsn.rule);
      assert.equal(card[0].message, bsn.message);
      const policy = defaultPolicy();
      assert.deepEqual(card[0].clauses.map((c) => c.id), bsn.clauses);
      for (const shown of card[0].clauses) {
        const clause = policy.clauses.find((c) => c.id === shown.id);
        assert.equal(shown.text, clause.text, 'the verbatim clause text');
        assert.ok(shown.reference.startsWith(clause.reference));
        assert.ok(shown.why.length > 20 && shown.advice.length > 20, 'why it matters and what to do instead');
        assert.ok(shown.source.includes(policy.documents.find((d) => d.id === clause.document).title));
      }
      await page.screenshot({ path: screenshotPath(s.name) });

      // Undo goes through the editor, and the highlights follow its new text.
      if (!s.textarea) {
        await page.mouse.move(0, 0);
        await root.click();
        await page.keyboard.press('Control+z');
        await eventually(async () => (await modelText(frame, s)) !== model, 'undo to change the model');
        const undone = (await modelText(frame, s)).replaceAll(s.paragraphs ?? '\n', '\n');
        assert.ok(RISKY.startsWith(undone.slice(0, 10)), `undo kept the start of the post: ${undone}`);
        await eventually(async () => {
          const got = await highlightedTexts(frame);
          return JSON.stringify(got) === JSON.stringify(expectedPhrases(undone)) || got;
        }, 'highlights after undo');
      }

      // No CSP violation: the engine never ran (or tried to run) in the page.
      assert.deepEqual(await frame.evaluate(() => window.__fixture.cspViolations), []);
      await page.close();
    });
  }

  test('a benign post gets no highlight and no badge', async () => {
    for (const s of [SURFACES[0], SURFACES.at(-1)]) {
      const page = await context.newPage();
      const { frame } = await openSurface(page, s);
      await typeLines(page, BENIGN, s.newline);
      await eventually(async () => (await modelText(frame, s)) === BENIGN, 'typing to land');
      // Give the engine time to answer; nothing may appear.
      await page.waitForTimeout(400);
      assert.deepEqual(await highlightedTexts(frame), []);
      const badge = await badgeState(page, frame);
      assert.ok(!badge || badge.hidden, 'no badge on a benign post');
      await page.close();
    }
  });

  test('nothing leaves the machine and no CSP report was sent', () => {
    assert.deepEqual(log.blocked, []);
    assert.deepEqual(log.cspReports, []);
  });
});
