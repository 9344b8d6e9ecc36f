// Photos and videos attached in the compose boxes of X, LinkedIn and Facebook: the checklist card
// appears whichever way the file comes in (file input, drag and drop, paste), a JPEG or PNG with
// a GPS position and a camera serial number (made in photo-files.mjs) is named as such, one
// without is not, and the site's own upload handler gets the very same bytes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PAGES, launchWithExtension, routeFixtures } from './serve.mjs';
import { DIST_CHROMIUM, axeOnOurUi, eventually, inShadow, openSurface, screenshotPath } from './extension.mjs';
import { ASSEN_SHOWN, SERIAL, jpeg, png, tiff } from './photo-files.mjs';

const CHECKLIST = ['uniform', 'weapon', 'badge', 'screens', 'whiteboard', 'entrances', 'colleagues', 'location'];

const SURFACES = [
  { name: 'x', url: PAGES.xHome, editor: 'home', input: 'input[data-testid="fileInput"]' },
  // LinkedIn mounts its media input in a shadow root; Playwright's selectors reach into it.
  { name: 'linkedin', url: PAGES.linkedinFeed, editor: 'share', sharebox: true, input: '#media-editor-file-selector__file-input' },
  { name: 'facebook', url: PAGES.facebookHome, editor: 'composer', open: '[aria-label="Create a post"] [role="button"]', input: '[role="dialog"] input[type="file"]' },
];

/** The photo card, as read from our closed shadow root (null: none shown). */
const photoCard = (page, frame) =>
  inShadow(page, frame, (root) => {
    const card = root.querySelector('[data-postwacht=photo-card]');
    if (!card) return null;
    const texts = (kind) => [...card.querySelectorAll(`[data-postwacht=${kind}]`)].map((p) => p.textContent);
    return {
      title: card.querySelector('h2')?.textContent,
      items: [...card.querySelectorAll('.checklist li')].map((li) => ({
        id: li.dataset.item,
        text: li.firstChild?.textContent,
        clauses: [...li.querySelectorAll('[data-clause]')].map((b) => b.dataset.clause),
      })),
      files: texts('photo-files')[0],
      checking: texts('photo-checking').length,
      gps: texts('photo-gps'),
      serial: texts('photo-serial'),
      clean: texts('photo-clean'),
      unchecked: texts('photo-unchecked'),
    };
  });

/** Waits until the card shows and every file's metadata check has ended. */
async function cardDone(page, frame, what) {
  let card;
  await eventually(async () => ((card = await photoCard(page, frame)) && card.checking === 0 && card.items.length > 0) || card, what);
  return card;
}

const uploads = (frame) => frame.evaluate(() => window.__fixture.uploads.map(({ via, name, type, base64 }) => ({ via, name, type, base64 })));

describe('photos and videos', () => {
  let context;
  let dir;
  before(async () => {
    context = await launchWithExtension(DIST_CHROMIUM, { locale: 'nl-NL', args: ['--lang=nl'], viewport: { width: 1280, height: 900 } });
    await routeFixtures(context);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'https://x.com' });
    dir = mkdtempSync(path.join(tmpdir(), 'postwacht-photos-'));
  });
  after(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const s of SURFACES) {
    test(`${s.name}: a photo with a GPS position and a serial number gets the checklist and says so; the site gets the file unchanged`, async () => {
      const page = await context.newPage();
      const { frame } = await openSurface(page, s);
      const file = jpeg(tiff());
      await frame.setInputFiles(s.input, { name: 'stadhuis.jpg', mimeType: 'image/jpeg', buffer: file });
      const card = await cardDone(page, frame, 'the photo card with what the metadata says');
      assert.equal(card.title, 'Foto of video toegevoegd: kijk nog even');
      assert.deepEqual(card.items.map((i) => i.id), CHECKLIST);
      for (const item of card.items) {
        assert.ok(item.text.length > 10, `${item.id} has its question`);
        assert.ok(item.clauses.length > 0, `${item.id} is tied to a clause`);
      }
      // The default pack cites the FOD on uniforms and weapons, the IND on doors and cameras.
      assert.deepEqual(card.items.find((i) => i.id === 'weapon').clauses, ['fod-uniform-wapen']);
      assert.deepEqual(card.items.find((i) => i.id === 'entrances').clauses, ['ind-voorbeeld-fysiek']);
      assert.equal(card.files, 'Bestand: stadhuis.jpg');
      assert.equal(card.gps.length, 1);
      assert.ok(card.gps[0].startsWith('stadhuis.jpg bevat de GPS-locatie waar de foto is genomen'), card.gps[0]);
      assert.ok(card.gps[0].includes(`(${ASSEN_SHOWN})`), card.gps[0]);
      assert.deepEqual(card.serial, [`stadhuis.jpg bevat het serienummer van je camera (${SERIAL}): daarmee zijn ook je andere foto's aan jou te koppelen.`]);
      await page.screenshot({ path: screenshotPath(`photo-card-${s.name}`) });
      for (const scheme of ['light', 'dark']) assert.deepEqual(await axeOnOurUi(page, '[data-postwacht=photo-card]', scheme, frame), [], `axe-core on the card, ${scheme}`);

      await eventually(async () => (await uploads(frame)).length === 1, 'the site to receive the file');
      assert.deepEqual(await uploads(frame), [{ via: 'file-input', name: 'stadhuis.jpg', type: 'image/jpeg', base64: file.toString('base64') }]);
      await page.close();
    });
  }

  test('a photo without a position or serial number gets the checklist and no warning', async () => {
    const page = await context.newPage();
    const { frame } = await openSurface(page, SURFACES[0]);
    const files = [
      { name: 'zonder-exif.jpg', mimeType: 'image/jpeg', buffer: jpeg(null) },
      { name: 'alleen-merk.jpg', mimeType: 'image/jpeg', buffer: jpeg(tiff({ gps: false, serial: false })) },
    ];
    await frame.setInputFiles(SURFACES[0].input, files);
    const card = await cardDone(page, frame, 'the photo card');
    assert.deepEqual(card.items.map((i) => i.id), CHECKLIST);
    assert.deepEqual(card.gps, []);
    assert.deepEqual(card.serial, []);
    assert.deepEqual(card.clean, [
      'Geen locatie of serienummer gevonden in zonder-exif.jpg.',
      'Geen locatie of serienummer gevonden in alleen-merk.jpg.',
    ]);
    assert.equal(card.files, 'Bestand: zonder-exif.jpg, alleen-merk.jpg');
    await eventually(async () => (await uploads(frame)).length === 2, 'the site to receive both files');
    assert.deepEqual((await uploads(frame)).map((u) => u.base64), files.map((f) => f.buffer.toString('base64')));
    await page.close();
  });

  test('a video gets the checklist; its content and metadata are not read', async () => {
    const page = await context.newPage();
    const { frame } = await openSurface(page, SURFACES[0]);
    const video = Buffer.concat([Buffer.from('\0\0\0\x18ftypisom\0\0\x02\0isomiso2', 'latin1'), Buffer.alloc(4096, 7)]);
    await frame.setInputFiles(SURFACES[0].input, { name: 'filmpje.mp4', mimeType: 'video/mp4', buffer: video });
    const card = await cardDone(page, frame, 'the photo card');
    assert.deepEqual(card.items.map((i) => i.id), CHECKLIST);
    assert.deepEqual([card.gps, card.serial, card.clean, card.unchecked], [[], [], [], []]);
    await eventually(async () => (await uploads(frame)).length === 1, 'the site to receive the video');
    assert.equal((await uploads(frame))[0].base64, video.toString('base64'));
    await page.close();
  });

  test('a PNG dropped on the X composer: checklist and location, and the drop reaches the site unchanged', async () => {
    const page = await context.newPage();
    const { frame } = await openSurface(page, SURFACES[0]);
    const file = png(tiff({ serial: false }));
    const at = path.join(dir, 'kaart.png');
    writeFileSync(at, file);
    const box = await page.locator('[data-testid="primaryColumn"] [data-testid="tweetTextarea_0"]').boundingBox();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    // A real drag of a file from the desktop, through the browser's own input pipeline.
    const cdp = await context.newCDPSession(page);
    const data = { items: [], files: [at], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
    await cdp.detach();
    const card = await cardDone(page, frame, 'the photo card after the drop');
    assert.equal(card.gps.length, 1);
    assert.ok(card.gps[0].startsWith('kaart.png bevat de GPS-locatie'), card.gps[0]);
    assert.deepEqual(card.serial, []);
    await eventually(async () => (await uploads(frame)).length === 1, 'the site to receive the dropped file');
    assert.deepEqual((await uploads(frame)).map(({ via, name, base64 }) => ({ via, name, base64 })), [{ via: 'drop', name: 'kaart.png', base64: file.toString('base64') }]);
    await page.close();
  });

  test('an image pasted into the X composer: checklist, and the paste reaches the site', async () => {
    const page = await context.newPage();
    const { frame } = await openSurface(page, SURFACES[0]);
    // A picture on the system clipboard, then Ctrl+V in the editor: a trusted paste of a file.
    await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
    }, png(null).toString('base64'));
    await frame.evaluate(() => window.__fixture.editors.home.focus());
    await page.keyboard.press('Control+V');
    const card = await cardDone(page, frame, 'the photo card after the paste');
    assert.deepEqual(card.items.map((i) => i.id), CHECKLIST);
    // The browser hands the site a PNG it encodes itself from the clipboard's bitmap.
    await eventually(async () => (await uploads(frame)).length === 1, 'the site to receive the pasted image');
    const [upload] = await uploads(frame);
    assert.deepEqual([upload.via, upload.type], ['paste', 'image/png']);
    assert.equal(await frame.evaluate(() => window.__fixture.editors.home.modelText()), '', 'no text was pasted');
    await page.close();
  });

  test('the card speaks the chosen language', async () => {
    const [worker] = context.serviceWorkers();
    await worker.evaluate(() => chrome.storage.local.set({ lang: 'fr' }));
    try {
      const page = await context.newPage();
      const { frame } = await openSurface(page, SURFACES[0]);
      await frame.setInputFiles(SURFACES[0].input, { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg(tiff()) });
      let card;
      await eventually(async () => (card = await photoCard(page, frame))?.title === 'Photo ou vidéo ajoutée : vérifiez-la' && card.checking === 0 || card, 'the French card');
      assert.equal(card.items[0].text, 'Vous ou un collègue y apparaissez-vous en uniforme ?');
      assert.ok(card.gps[0].startsWith('photo.jpg contient la position GPS de la prise de vue'), card.gps[0]);
      await page.screenshot({ path: screenshotPath('photo-card-x-fr') });
      await page.close();
    } finally {
      await worker.evaluate(() => chrome.storage.local.set({ lang: 'auto' }));
    }
  });
});
