// "Leg vast" and the official accounts, end to end: a post that speaks for the organisation gets
// a record section in its card and in the gate dialog. Configured by the administrator (managed
// policy: pack gemeente-assen plus a `communication` setting), "Leg vast" opens exactly the
// mailto: URL the record calls for (caught where the page asks to navigate), "Kopieer als
// verslag" puts the same record on the clipboard, the accounts and the team are linked. Without
// configuration the pack's advice says whom to ask, the copy is still offered, and no account
// or contact appears. Nothing is fetched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PAGES, gotoFixture, launchWithExtension, routeFixtures } from './serve.mjs';
import { DIST_CHROMIUM, axeOnOurUi, defaultPolicy, eventually, highlightedTexts, inShadow, screenshotPath } from './extension.mjs';
import { withManagedPolicy } from './managed-policy.mjs';

const POPUP = 'chrome-extension://khfihhjabhpiephfbpdjoocffhdehbmg/popup.html';

// An `official-channel` note (info) and a `speaking-for-organisation` warning (warn: the gate holds it).
const TEXT = 'Beste inwoners, vanaf maandag kunt u uw paspoort ook op zaterdag aanvragen.\nWij als gemeente gaan die nieuwe vliegroutes nooit accepteren';

const COMMUNICATION = {
  records_address: 'archief@gemeente-testdorp.nl',
  team: { name: 'Afdeling Communicatie', email: 'communicatie@gemeente-testdorp.nl', url: 'https://intranet.gemeente-testdorp.nl/communicatie' },
  accounts: {
    x: { url: 'https://x.com/gemeentetestdorp', name: '@gemeentetestdorp' },
    linkedin: { url: 'https://www.linkedin.com/company/gemeente-testdorp', name: 'Gemeente Testdorp' },
  },
};

/** The record section of the card or the gate dialog (`where`), read from our closed shadow root. */
const recordIn = (page, where) =>
  inShadow(page, page.mainFrame(), (root, where) => {
    const section = root.querySelector(`[data-postwacht=${where}] [data-postwacht=record]`);
    if (!section) return null;
    const one = (sel) => section.querySelector(sel);
    const mail = one('[data-action=record-mail]');
    return {
      mail: mail && { href: mail.getAttribute('href'), text: mail.textContent },
      copy: one('[data-action=record-copy]')?.textContent ?? null,
      advice: one('[data-postwacht=record-advice]')?.textContent ?? null,
      status: one('[data-postwacht=record-status]')?.textContent ?? null,
      accounts: [...section.querySelectorAll('[data-postwacht=account]')].map((a) => ({
        site: a.dataset.site, href: a.getAttribute('href'), text: a.textContent, target: a.target, rel: a.rel,
      })),
      accountsText: one('[data-postwacht=accounts]')?.textContent ?? null,
      team: one('[data-postwacht=team]')?.textContent ?? null,
      teamMail: one('[data-postwacht=team-mail]')?.getAttribute('href') ?? null,
      teamPage: one('[data-postwacht=team-page]') && { href: one('[data-postwacht=team-page]').getAttribute('href'), target: one('[data-postwacht=team-page]').target, rel: one('[data-postwacht=team-page]').rel },
    };
  }, where);

/** Clicks a control of the record section with the mouse, as a person does (a user gesture). */
async function clickRecord(page, where, action) {
  const at = await inShadow(page, page.mainFrame(), (root, [where, action]) => {
    const b = root.querySelector(`[data-postwacht=${where}] [data-postwacht=record] [data-action=${action}]`);
    b.scrollIntoView({ block: 'center' });
    const r = b.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }, [where, action]);
  await page.mouse.click(at.x, at.y);
}

/** Scrolls the record section into view, for a screenshot that shows it. */
const showRecord = (page, where) =>
  inShadow(page, page.mainFrame(), (root, where) => root.querySelector(`[data-postwacht=${where}] [data-postwacht=record]`).scrollIntoView({ block: 'end' }), where);

/** Opens a page on the X fixture with TEXT typed and both phrases marked. */
async function typed(context) {
  const page = await context.newPage();
  await gotoFixture(page, PAGES.xHome);
  await page.evaluate(() => window.__fixture.editors.home.root().focus());
  const lines = TEXT.split('\n');
  await page.keyboard.type(lines[0]);
  await page.keyboard.press('Enter');
  await page.keyboard.type(lines[1]);
  await eventually(async () => (await highlightedTexts(page)).length === 2 || highlightedTexts(page), 'both findings marked');
  return page;
}

/** Opens the list of findings from the keyboard and waits for its record section. */
async function listCard(page) {
  await page.keyboard.press('Alt+Shift+W');
  let record;
  await eventually(async () => (record = await recordIn(page, 'card')) !== null || record, 'the record section in the card');
  return record;
}

/** Every request the context makes while `action` runs, and each navigation the page asks for. */
async function watched(context, page, action) {
  const requests = [];
  const onRequest = (r) => requests.push(r.url());
  context.on('request', onRequest);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.enable');
  const navigations = [];
  cdp.on('Page.frameRequestedNavigation', (e) => navigations.push(e.url));
  try {
    await action();
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    context.off('request', onRequest);
    await cdp.detach();
  }
  return { requests, navigations };
}

/** The text a record holds, as the test expects it in Dutch (pack gemeente-assen, clause g). */
function expectedRecord(time, text = TEXT) {
  const g = defaultPolicy().clauses.find((c) => c.id === 'assen-bijlage-g');
  const excerpt = `${g.text.replace(/\s+/g, ' ').slice(0, 240).replace(/ [^ ]*$/, '')}…`;
  return {
    subject: `Vastlegging bericht op x.com (${time})`,
    head: [
      'Vastlegging van een bericht op sociale media, opgesteld met Postwacht en verstuurd door de schrijver zelf.',
      '',
      'Site: x.com',
      `Tijd: ${time}`,
      'Bepaling: assen-bijlage-g · bijlage g · Leg vast wat je doet (Gemeente Assen)',
      `“${excerpt}”`,
      '',
      'Bericht:',
    ],
    text,
  };
}

const ISO_LOCAL = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d/;

/** RFC 6068: CRLF line breaks, UTF-8 percent-encoding, a space as %20. */
const rfc6068 = (s) => encodeURIComponent(s.replace(/\n/g, '\r\n'));

function expectedMailto(time) {
  const r = expectedRecord(time);
  return `mailto:archief@gemeente-testdorp.nl?subject=${rfc6068(r.subject)}&body=${rfc6068([...r.head, r.text].join('\n'))}`;
}

/** The local time the record was made at, read from its subject; it must be now. */
function timeOf(url) {
  const subject = decodeURIComponent(url.match(/[?&]subject=([^&]*)/)[1]);
  const time = subject.match(ISO_LOCAL)?.[0];
  assert.ok(time, subject);
  assert.ok(Math.abs(Date.parse(time) - Date.now()) < 120_000, `${time} is now`);
  return time;
}

describe('Leg vast without configuration: whom to ask, and the copy', () => {
  let context;
  before(async () => {
    context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'], viewport: { width: 1280, height: 900 } });
    await routeFixtures(context);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'https://x.com' });
  });
  after(() => context?.close());

  test('the card explains whom to ask, offers the copy, and shows no account or contact', async () => {
    const page = await typed(context);
    const record = await listCard(page);
    const overheid = defaultPolicy().communication;
    assert.equal(record.mail, null, 'no address: no "Leg vast" mail link');
    assert.equal(record.advice, overheid.records_advice.nl);
    assert.equal(record.copy, 'Kopieer als verslag');
    assert.deepEqual([record.accounts, record.accountsText, record.team], [[], null, null]);
    await showRecord(page, 'card');
    await page.screenshot({ path: screenshotPath('record-card-unconfigured') });

    const { requests, navigations } = await watched(context, page, () => clickRecord(page, 'card', 'record-copy'));
    assert.deepEqual([requests, navigations], [[], []], 'copying fetches and opens nothing');
    await eventually(async () => (await recordIn(page, 'card')).status === 'Het verslag staat op je klembord.' || recordIn(page, 'card'), 'the copy confirmed');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /^Vastlegging bericht op x\.com \(/);
    assert.ok(copied.endsWith(`Bericht:\n${TEXT}`), copied);
    // The default pack quotes Assen's guideline g too.
    assert.ok(copied.includes('Bepaling: assen-bijlage-g · bijlage g · Leg vast wat je doet (Gemeente Assen)'), copied);
    await page.close();
  });

  test('the gate dialog offers the same, without an address', async () => {
    const page = await typed(context);
    await page.keyboard.press('Control+Enter');
    let record;
    await eventually(async () => (record = await recordIn(page, 'gate')) !== null || record, 'the record section in the gate dialog');
    assert.equal(record.mail, null);
    assert.equal(record.copy, 'Kopieer als verslag');
    assert.deepEqual(record.accounts, []);
    await inShadow(page, page.mainFrame(), (root) => root.querySelector('[data-postwacht=gate] [data-action=edit]').click());
    assert.deepEqual(await page.evaluate(() => window.__fixture.submissions), [], 'nothing was posted');
    await page.close();
  });
});

describe('Leg vast configured by the administrator', () => {
  test('mailto:, clipboard, accounts and contact; a bad setting is refused with its reason', async () => {
    await withManagedPolicy({ organisation: 'Gemeente Testdorp', pack: 'gemeente-assen', communication: COMMUNICATION }, async () => {
      const context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'], viewport: { width: 1280, height: 900 } });
      try {
        await routeFixtures(context);
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'https://x.com' });
        const [sw] = context.serviceWorkers().length ? context.serviceWorkers() : [await context.waitForEvent('serviceworker')];
        // Chromium takes seconds to hand over managed storage.
        await eventually(async () => (await sw.evaluate(async () => (await chrome.storage.local.get('managedCache')).managedCache?.communication?.records_address)) === COMMUNICATION.records_address,
          'the managed communication setting', { timeout: 30000, interval: 500 });

        const page = await typed(context);
        const record = await listCard(page);
        // The X account, because this is x.com; opened in a new tab, without access back.
        assert.deepEqual(record.accounts, [{ site: 'x', href: 'https://x.com/gemeentetestdorp', text: '@gemeentetestdorp', target: '_blank', rel: 'noopener noreferrer' }]);
        assert.equal(record.accountsText, 'Zulk nieuws hoort op het officiële account: @gemeentetestdorp (X)');
        assert.equal(record.team, 'Vragen over publiceren: Afdeling Communicatie · communicatie@gemeente-testdorp.nl · intranetpagina');
        assert.equal(record.teamMail, 'mailto:communicatie@gemeente-testdorp.nl');
        assert.deepEqual(record.teamPage, { href: 'https://intranet.gemeente-testdorp.nl/communicatie', target: '_blank', rel: 'noopener noreferrer' });
        assert.equal(record.mail.text, 'Leg vast');
        assert.equal(record.advice, null);
        await showRecord(page, 'card');
        await page.screenshot({ path: screenshotPath('record-card-configured') });
        for (const scheme of ['light', 'dark']) assert.deepEqual(await axeOnOurUi(page, '[data-postwacht=card]', scheme), [], `axe-core on the card, ${scheme}`);

        // "Leg vast": exactly the record's mailto: URL, and no request of any other kind.
        const mail = await watched(context, page, () => clickRecord(page, 'card', 'record-mail'));
        assert.equal(mail.navigations.length, 1, JSON.stringify(mail.navigations));
        const url = mail.navigations[0];
        const time = timeOf(url);
        assert.equal(url, expectedMailto(time));
        assert.ok(url.includes('%0D%0A') && !url.includes('+') && url.includes('%20'), 'CRLF line breaks, %20 spaces');
        assert.ok(url.length <= 2000, `${url.length} characters`);
        assert.deepEqual(mail.requests, [url], 'the mailto: navigation is all; nothing is fetched');

        // "Kopieer als verslag": the same record on the clipboard.
        const copy = await watched(context, page, () => clickRecord(page, 'card', 'record-copy'));
        assert.deepEqual([copy.requests, copy.navigations], [[], []]);
        await eventually(async () => (await recordIn(page, 'card')).status === 'Het verslag staat op je klembord.' || recordIn(page, 'card'), 'the copy confirmed');
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        const copiedTime = copied.match(ISO_LOCAL)[0];
        const r = expectedRecord(copiedTime);
        assert.equal(copied, [r.subject, '', ...r.head, r.text].join('\n'));

        // The gate dialog offers the same record of exactly the text being posted.
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+Enter');
        let inGate;
        await eventually(async () => (inGate = await recordIn(page, 'gate')) !== null || inGate, 'the record section in the gate dialog');
        assert.equal(inGate.accounts.length, 1, 'the official-channel note brings the account, though it does not hold the post');
        await showRecord(page, 'gate');
        await page.screenshot({ path: screenshotPath('record-gate-configured') });
        for (const scheme of ['light', 'dark']) assert.deepEqual(await axeOnOurUi(page, '[data-postwacht=gate]', scheme), [], `axe-core on the dialog, ${scheme}`);
        const fromGate = await watched(context, page, () => clickRecord(page, 'gate', 'record-mail'));
        assert.equal(fromGate.navigations.length, 1);
        assert.equal(fromGate.navigations[0], expectedMailto(timeOf(fromGate.navigations[0])));
        await inShadow(page, page.mainFrame(), (root) => root.querySelector('[data-postwacht=gate] [data-action=edit]').click());
        assert.deepEqual(await page.evaluate(() => window.__fixture.submissions), []);
        await page.close();

        // A post too long for a mailto: URL is cut, with a note in the mail and on the card.
        const long = await context.newPage();
        await gotoFixture(long, PAGES.xHome);
        await long.evaluate(() => window.__fixture.editors.home.root().focus());
        const longText = `${TEXT.split('\n')[0]} ${'Het nieuwe loket is op zaterdag open van negen tot twaalf. '.repeat(45)}`;
        await long.keyboard.insertText(longText);
        await eventually(async () => (await highlightedTexts(long)).length >= 1 || highlightedTexts(long), 'the official-channel note');
        await listCard(long);
        const cut = await watched(context, long, () => clickRecord(long, 'card', 'record-mail'));
        const cutUrl = cut.navigations[0];
        assert.ok(cutUrl.length <= 2000 && cutUrl.length > 1900, `${cutUrl.length} characters`);
        const body = decodeURIComponent(cutUrl.match(/&body=(.*)$/)[1]);
        assert.ok(body.endsWith('…\r\n\r\n[Ingekort door Postwacht: het bericht was te lang voor een mail-link. Plak de volledige tekst met “Kopieer als verslag”.]'), body.slice(-200));
        assert.ok(longText.startsWith(body.split('Bericht:\r\n')[1].split('…\r\n\r\n[Ingekort')[0]), 'the start of the post, whole characters');
        assert.equal((await recordIn(long, 'card')).status, 'Dit bericht is te lang voor een mail-link: de mail bevat het begin. Met “Kopieer als verslag” heb je de volledige tekst.');
        await long.close();
      } finally {
        await context.close();
      }
    });

    // An address that would smuggle in a second recipient is refused, and the popup says why.
    await withManagedPolicy({ communication: { records_address: 'archief@gemeente-testdorp.nl?bcc=iemand@example.org' } }, async () => {
      const context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'] });
      try {
        await routeFixtures(context);
        const popup = await context.newPage();
        const ignored = async () => {
          await popup.goto(POPUP);
          // The popup fills the list once the worker answers.
          await popup.waitForFunction(() => document.querySelector('[data-testid=ignored]')?.childElementCount > 0, null, { timeout: 3000 }).catch(() => undefined);
          return (await popup.textContent('[data-testid=ignored]')) ?? '';
        };
        await eventually(async () => (await ignored()).includes('communication:') || ignored(), 'the refused setting listed', { timeout: 30000, interval: 1000 });
        assert.match(await ignored(), /communication: field `records_address`: `archief@gemeente-testdorp\.nl\?bcc=iemand@example\.org` is not a mail address Postwacht accepts/);
      } finally {
        await context.close();
      }
    });
  });
});
