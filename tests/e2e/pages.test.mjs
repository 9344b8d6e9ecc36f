// The popup and the options page, opened as extension pages in Chromium: what they show, what
// they change, in three languages, light and dark, keyboard-only, and clean under axe-core.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PAGES, gotoFixture, launchWithExtension, routeFixtures } from './serve.mjs';
import { DIST_CHROMIUM, axe, axeOnOurUi, eventually, highlightedTexts, inShadow, oracle, pointOf, screenshotPath, typedOnX } from './extension.mjs';
import { withManagedPolicy } from './managed-policy.mjs';

const ID = 'khfihhjabhpiephfbpdjoocffhdehbmg';
const POPUP = `chrome-extension://${ID}/popup.html`;
const OPTIONS = `chrome-extension://${ID}/options.html`;
describe('popup and options', () => {
  let context;
  before(async () => {
    context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'], viewport: { width: 1280, height: 900 } });
    await routeFixtures(context);
  });
  after(() => context?.close());

  test('the popup shows the active policy, this site, the code of conduct and "check a text"', async () => {
    const site = await typedOnX(context, 'Mijn BSN is 111222333 en dit memo is vertrouwelijk', 2);

    const popup = await context.newPage();
    await popup.setViewportSize({ width: 460, height: 800 });
    await popup.goto(POPUP);
    await eventually(async () => (await popup.textContent('[data-testid=policy]')).includes('overheid') || popup.textContent('body'), 'the policy header');
    const header = await popup.textContent('[data-testid=policy]');
    assert.match(header, /Overheid \(NL\/BE\) · overheid \(ingebouwd pakket\) · versie 1 · geldig tot/);
    await eventually(async () => (await popup.textContent('[data-testid=findings]')).includes('2 aandachtspunt'), 'the findings count of the open post');
    assert.equal(await popup.textContent('[data-testid=site-status]'), 'Postwacht let hier op.');

    // Search, with and without diacritics.
    const count = async (q) => {
      await popup.fill('#search', q);
      return popup.locator('.clause:not([hidden])').count();
    };
    const all = await count('');
    const withMarks = await count('privételefoonnummers');
    assert.ok(withMarks > 0 && withMarks < all, `${withMarks} of ${all}`);
    assert.equal(await count('privetelefoonnummers'), withMarks);
    assert.equal(await count('PRIVÉTELEFOONNUMMERS'), withMarks);
    await popup.screenshot({ path: screenshotPath('popup-search-light') });
    await popup.fill('#search', '');

    // Check a text, without any site.
    await popup.click('#check summary');
    const sample = 'Bel me op 06-12345678, het dossier van mevrouw Jansen ligt hier';
    await popup.fill('#check-text', sample);
    await popup.click('#check-button');
    await eventually(async () => (await popup.locator('[data-testid=checked] mark').count()) > 0, 'the checked text');
    assert.deepEqual(await popup.locator('[data-testid=checked] mark').allTextContents(), oracle(sample).map((f) => f.text));
    assert.deepEqual(await axe(popup), [], 'axe-core on the popup');
    await popup.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axe(popup), [], 'axe-core on the popup, dark');
    await popup.screenshot({ path: screenshotPath('popup-check-dark') });
    await popup.emulateMedia({ colorScheme: 'light' });
    await popup.screenshot({ path: screenshotPath('popup-check-light') });

    // The site switch stops the highlighting on the open page and brings it back.
    await popup.click('#site-switch');
    await eventually(async () => (await highlightedTexts(site)).length === 0, 'no highlights while paused');
    assert.equal(await popup.textContent('[data-testid=site-status]'), 'Postwacht is hier gepauzeerd.');
    await popup.click('#site-switch');
    await eventually(async () => (await highlightedTexts(site)).length === 2, 'highlights again');
    await popup.close();
    await site.close();
  });

  test('"read the full clause" in a card opens that clause in the code of conduct', async () => {
    const site = await typedOnX(context, 'Dit memo is vertrouwelijk', 1);
    const at = await pointOf(site, 'vertrouwelijk');
    await site.mouse.click(at.x, at.y);
    await eventually(async () => (await inShadow(site, site.mainFrame(), (r) => !!r.querySelector('[data-action=read-clause]'))) === true, 'the card');
    assert.deepEqual(await axeOnOurUi(site, '[data-postwacht=card]'), [], 'axe-core on the card');
    assert.deepEqual(await axeOnOurUi(site, '[data-postwacht=card]', 'dark'), [], 'axe-core on the card, dark');
    await site.emulateMedia({ colorScheme: 'dark' });
    await site.screenshot({ path: screenshotPath('card-x-home-dark') });
    await site.emulateMedia({ colorScheme: 'light' });
    const clause = await inShadow(site, site.mainFrame(), (r) => r.querySelector('[data-clause]').dataset.clause);
    const opened = context.waitForEvent('page');
    await inShadow(site, site.mainFrame(), (r) => r.querySelector('[data-action=read-clause]').click());
    const tab = await opened;
    await tab.waitForLoadState();
    assert.equal(new URL(tab.url()).hash, `#clause=${clause}`);
    await eventually(async () => tab.evaluate((id) => document.activeElement?.id === `clause-${id}`, clause), 'the clause focused');
    await tab.close();
    await site.close();
  });

  test('the gate dialog is clean under axe-core', async () => {
    const site = await typedOnX(context, 'Dit memo is vertrouwelijk', 1);
    await site.keyboard.press('Control+Enter');
    await eventually(async () => (await inShadow(site, site.mainFrame(), (r) => r.querySelector('[data-postwacht=gate]')?.open)) === true, 'the dialog');
    assert.deepEqual(await axeOnOurUi(site, '[data-postwacht=gate]'), [], 'axe-core on the dialog');
    assert.deepEqual(await axeOnOurUi(site, '[data-postwacht=gate]', 'dark'), [], 'axe-core on the dialog, dark');
    await site.emulateMedia({ colorScheme: 'dark' });
    await site.screenshot({ path: screenshotPath('gate-x-home-dark') });
    await site.close();
  });

  test('options: pack, categories, language, badge, reset; in nl, fr and en', async () => {
    const page = await context.newPage();
    await page.goto(OPTIONS);
    await eventually(async () => (await page.locator('#pack option').count()) === 5, 'the packs');
    assert.deepEqual(await axe(page), [], 'axe-core on the options page');
    await page.screenshot({ path: screenshotPath('options-light'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axe(page), [], 'axe-core on the options page, dark');
    await page.screenshot({ path: screenshotPath('options-dark'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });

    // Keyboard only: Tab reaches the pack choice and changes it.
    await page.focus('#pack');
    await page.keyboard.press('ArrowDown');
    await eventually(async () => (await page.textContent('#saved')) === 'Opgeslagen.', 'saved');
    const [sw] = context.serviceWorkers();
    const stored = await sw.evaluate(() => chrome.storage.local.get(null));
    assert.ok(stored.pack && stored.pack !== 'overheid', `a pack was chosen: ${stored.pack}`);

    await page.uncheck('#cat-irony');
    await eventually(async () => (await sw.evaluate(() => chrome.storage.local.get('disabledCategories'))).disabledCategories?.includes('irony'), 'irony off');

    const titles = { fr: 'Postwacht : paramètres', en: 'Postwacht: settings', nl: 'Postwacht: instellingen' };
    for (const lang of ['fr', 'en', 'nl']) {
      await page.selectOption('#lang', lang);
      await eventually(async () => (await page.textContent('h1').catch(() => '')) === titles[lang], `the page in ${lang}`);
      await eventually(async () => (await page.locator('#pack option').count()) === 5, 'the page ready');
      if (lang !== 'nl') await page.screenshot({ path: screenshotPath(`options-${lang}`), fullPage: true });
    }
    await page.click('#reset');
    await eventually(async () => Object.keys(await sw.evaluate(() => chrome.storage.local.get(['pack', 'lang', 'disabledCategories']))).length === 0, 'defaults back');
    await page.close();
  });

  test('settings set by the administrator are locked, with the administrator\'s name', async () => {
    await withManagedPolicy({ organisation: 'Gemeente Testdorp', pack: 'ind', showBadge: false, locked: ['lang'], disabledSites: ['www.facebook.com'] }, async () => {
      const ctx = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'] });
      try {
        await routeFixtures(ctx);
        const page = await ctx.newPage();
        await page.goto(OPTIONS);
        // Chromium takes seconds to hand over managed storage.
        await eventually(async () => page.locator('#pack').isDisabled(), 'the pack locked', { timeout: 20000 });
        assert.ok(await page.locator('#showBadge').isDisabled());
        assert.equal(await page.locator('#showBadge').isChecked(), false, 'the administrator\'s value');
        assert.equal(await page.textContent('[data-locked=pack]'), 'Ingesteld door Gemeente Testdorp');
        assert.equal(await page.locator('#pack').inputValue(), 'ind', 'the administrator\'s pack');
        assert.ok(await page.locator('#lang').isDisabled(), 'locked without a value of its own');
        assert.ok(await page.locator('#cat-irony').isEnabled(), 'what the administrator left alone stays free');
        await page.screenshot({ path: screenshotPath('options-locked'), fullPage: true });

        const fb = await ctx.newPage();
        await gotoFixture(fb, PAGES.facebookHome);
        await fb.evaluate(() => window.__fixture.editors.comment.root().focus());
        await fb.keyboard.type('Dit memo is vertrouwelijk');
        await fb.waitForTimeout(500);
        assert.deepEqual(await highlightedTexts(fb), [], 'off on a site the administrator disabled');
        const popup = await ctx.newPage();
        await popup.goto(POPUP);
        await eventually(async () => popup.locator('#site-switch').isDisabled(), 'the locked switch', { timeout: 20000 });
        assert.equal(await popup.textContent('#site-locked'), 'Uitgezet door Gemeente Testdorp.');
        // The managed pack is the one in use.
        assert.match(await popup.textContent('[data-testid=policy]'), /^Immigratie- en Naturalisatiedienst \(IND\) · ind \(ingebouwd pakket\)/);
      } finally {
        await ctx.close();
      }
    });
  });
});
