// The card and the badge as a person uses them: click a phrase, ignore it here, open the list
// from the keyboard, hear the count.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PAGES, gotoFixture, launchWithExtension, routeFixtures } from './serve.mjs';
import {
  DIST_CHROMIUM, badgeState, cardContents, eventually, highlightedTexts, inShadow, pointOf, screenshotPath, typedOnX,
} from './extension.mjs';

const TEXT = 'Mijn BSN is 111222333 en dit memo is vertrouwelijk';

describe('card and badge', () => {
  let context;
  let page;
  before(async () => {
    context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'], viewport: { width: 1280, height: 900 } });
    await routeFixtures(context);
  });
  after(() => context?.close());

  const open = async () => {
    page = await typedOnX(context, TEXT, 2);
  };

  test('clicking a phrase opens its card; "Negeer hier" removes it from this post only', async () => {
    await open();
    const at = await pointOf(page, 'vertrouwelijk');
    await page.mouse.click(at.x, at.y);
    let card;
    await eventually(async () => (card = await cardContents(page, page.mainFrame()))?.[0]?.clauses.length > 0 || card, 'the card');
    assert.equal(card.length, 1);
    assert.match(card[0].rule, /^confidential/);

    await inShadow(page, page.mainFrame(), (root) => root.querySelector('[data-postwacht=card] [data-action=ignore]').click());
    await eventually(async () => JSON.stringify(await highlightedTexts(page)) === '["BSN is 111222333"]' || highlightedTexts(page), 'only the BSN left');
    assert.equal((await badgeState(page, page.mainFrame())).text, '1');
    assert.equal(await cardContents(page, page.mainFrame()), null, 'the card closed with its last finding');

    // Typing on does not bring the ignored phrase back...
    await page.keyboard.press('End');
    await page.keyboard.type(', echt vertrouwelijk');
    await page.waitForTimeout(300);
    assert.deepEqual(await highlightedTexts(page), ['BSN is 111222333']);
    // ...but a new post (the editor emptied) starts afresh.
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('Dit is vertrouwelijk');
    await eventually(async () => JSON.stringify(await highlightedTexts(page)) === '["vertrouwelijk"]' || highlightedTexts(page), 'the phrase marked again in a new post');
    await page.close();
  });

  test('the badge announces the count and opens the list from the keyboard', async () => {
    await open();
    const badge = await badgeState(page, page.mainFrame());
    assert.equal(badge.text, '2');
    assert.match(badge.label, /2 aandachtspunt/);
    assert.match(badge.live, /2 aandachtspunt/, 'the live region says how many');

    await page.keyboard.press('Alt+Shift+W');
    let card;
    await eventually(async () => (card = await cardContents(page, page.mainFrame()))?.length === 2 || card, 'the list of both findings');
    const focused = await inShadow(page, page.mainFrame(), (root) => !!root.activeElement?.closest('[data-postwacht=card]'));
    assert.equal(focused, true, 'focus moved into the list');
    await page.screenshot({ path: screenshotPath('x-home-list') });

    await page.keyboard.press('Escape');
    await eventually(async () => (await cardContents(page, page.mainFrame())) === null, 'the list to close');
    assert.equal(
      await page.evaluate(() => document.activeElement === window.__fixture.editors.home.root()),
      true,
      'Escape returns focus to the editor',
    );
    // Typing carries on where it was: the model got every keystroke and nothing else.
    await page.keyboard.type('!');
    assert.equal(await page.evaluate(() => window.__fixture.editors.home.modelText()), `${TEXT}!`);
    await page.close();
  });

  test('nothing is scanned while an IME composition is open', async () => {
    page = await context.newPage();
    await gotoFixture(page, PAGES.xHome);
    await page.evaluate(() => window.__fixture.editors.home.root().focus());
    await page.keyboard.type('Dit memo is ');
    const cdp = await context.newCDPSession(page);
    // An input method composing the word: the text is in the DOM but not yet committed.
    await cdp.send('Input.imeSetComposition', { text: 'vertrouwelijk', selectionStart: 13, selectionEnd: 13 });
    await page.waitForTimeout(400);
    assert.deepEqual(await highlightedTexts(page), [], 'no highlight mid-composition');
    await cdp.send('Input.insertText', { text: 'vertrouwelijk' });
    await eventually(async () => JSON.stringify(await highlightedTexts(page)) === '["vertrouwelijk"]' || highlightedTexts(page), 'the highlight once committed');
    await cdp.detach();
    await page.close();
  });
});
