// Small photos for the end-to-end tests, made byte by byte: an Exif block (TIFF) with a GPS
// position and a camera serial number, in a JPEG or PNG. The same layout as the engine's own
// test files (crates/engine/tests/photo_files), written independently of any Exif library.

/** Assen's town hall, 52°59'33.0"N 6°33'53.64"E, and how the card shows it. */
export const ASSEN = { latitude: 52 + 59 / 60 + 33 / 3600, longitude: 6 + 33 / 60 + 53.64 / 3600 };
export const ASSEN_SHOWN = '52.99250, 6.56490';
export const SERIAL = 'SN-4711-ASSEN';

const ascii = (s) => ({ type: 2, count: s.length + 1, bytes: Buffer.from(`${s}\0`, 'latin1') });
function rational(parts) {
  const b = Buffer.alloc(parts.length * 8);
  parts.forEach(([n, d], i) => {
    b.writeUInt32LE(n, i * 8);
    b.writeUInt32LE(d, i * 8 + 4);
  });
  return { type: 5, count: parts.length, bytes: b };
}

/** Little-endian TIFF: IFD0 (make, pointers), the Exif IFD (serial), the GPS IFD. */
export function tiff({ gps = true, serial = true } = {}) {
  const ifd0 = [[0x010f, ascii('Testcam')]];
  const exif = serial ? [[0xa431, ascii(SERIAL)]] : [];
  const gpsFields = gps
    ? [
        [1, ascii('N')],
        [2, rational([[52, 1], [59, 1], [3300, 100]])],
        [3, ascii('E')],
        [4, rational([[6, 1], [33, 1], [5364, 100]])],
      ]
    : [];
  const size = (n) => 2 + 12 * n + 4;
  const n0 = ifd0.length + (exif.length ? 1 : 0) + (gpsFields.length ? 1 : 0);
  const exifAt = 8 + size(n0);
  const gpsAt = exifAt + (exif.length ? size(exif.length) : 0);
  const dataAt = gpsAt + (gpsFields.length ? size(gpsFields.length) : 0);
  const data = [];
  let dataLen = 0;
  const long = (v) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return { type: 4, count: 1, bytes: b };
  };
  if (exif.length) ifd0.push([0x8769, long(exifAt)]);
  if (gpsFields.length) ifd0.push([0x8825, long(gpsAt)]);
  const ifd = (fields) => {
    fields.sort((a, b) => a[0] - b[0]);
    const out = Buffer.alloc(size(fields.length));
    out.writeUInt16LE(fields.length, 0);
    fields.forEach(([tag, v], i) => {
      const at = 2 + 12 * i;
      out.writeUInt16LE(tag, at);
      out.writeUInt16LE(v.type, at + 2);
      out.writeUInt32LE(v.count, at + 4);
      if (v.bytes.length <= 4) v.bytes.copy(out, at + 8);
      else {
        out.writeUInt32LE(dataAt + dataLen, at + 8);
        const padded = v.bytes.length % 2 ? Buffer.concat([v.bytes, Buffer.alloc(1)]) : v.bytes;
        data.push(padded);
        dataLen += padded.length;
      }
    });
    return out;
  };
  const header = Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]);
  const parts = [header, ifd(ifd0)];
  if (exif.length) parts.push(ifd(exif));
  if (gpsFields.length) parts.push(ifd(gpsFields));
  return Buffer.concat([...parts, ...data]);
}

function segment(code, body) {
  const head = Buffer.from([0xff, code, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** A JPEG with `exif` (a TIFF) in its APP1 segment, or none. */
export function jpeg(exif) {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    ...(exif ? [segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exif]))] : []),
    segment(0xc0, Buffer.from([8, 0, 1, 0, 1, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1])),
    segment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, 0x78, 0xff, 0xd9]),
  ]);
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid 1×1 PNG with `exif` in an eXIf chunk before its image data, or none. */
export function png(exif) {
  const raw = [0, 0xff, 0, 0];
  let a = 1;
  let b = 0;
  for (const x of raw) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0);
  const zlib = Buffer.concat([Buffer.from([0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff]), Buffer.from(raw), adler]);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])),
    ...(exif ? [chunk('eXIf', exif)] : []),
    chunk('IDAT', zlib),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
