//! Small photo files made byte by byte for the tests: an Exif block (TIFF) written here, not by
//! the parser under test, wrapped in JPEG, PNG and HEIF containers. Shared with the wasm tests
//! (`crates/wasm/tests/browser.rs` includes this file).
#![allow(dead_code)]

/// An Exif field value.
pub enum Value {
    Ascii(&'static str),
    Rational(Vec<(u32, u32)>),
}

/// What goes into a test photo's Exif block.
pub struct Exif {
    pub little_endian: bool,
    /// (tag, value) in IFD0.
    pub ifd0: Vec<(u16, Value)>,
    /// (tag, value) in the Exif IFD.
    pub exif: Vec<(u16, Value)>,
    /// (tag, value) in the GPS IFD.
    pub gps: Vec<(u16, Value)>,
}

pub const MAKE: u16 = 0x010F;
pub const BODY_SERIAL: u16 = 0xA431;
pub const LENS_SERIAL: u16 = 0xA435;
pub const LATITUDE_REF: u16 = 1;
pub const LATITUDE: u16 = 2;
pub const LONGITUDE_REF: u16 = 3;
pub const LONGITUDE: u16 = 4;

/// Assen's town hall, 52°59'33.0"N 6°33'53.64"E, as a phone writes it, with the serial numbers
/// of camera and lens.
pub fn gps_and_serials(little_endian: bool) -> Exif {
    Exif {
        little_endian,
        ifd0: vec![(MAKE, Value::Ascii("Testcam"))],
        exif: vec![
            (BODY_SERIAL, Value::Ascii("SN-4711-ASSEN")),
            (LENS_SERIAL, Value::Ascii("L-0815")),
        ],
        gps: vec![
            (LATITUDE_REF, Value::Ascii("N")),
            (
                LATITUDE,
                Value::Rational(vec![(52, 1), (59, 1), (3300, 100)]),
            ),
            (LONGITUDE_REF, Value::Ascii("E")),
            (
                LONGITUDE,
                Value::Rational(vec![(6, 1), (33, 1), (5364, 100)]),
            ),
        ],
    }
}

/// The position [`gps_and_serials`] holds, in decimal degrees.
pub const ASSEN: (f64, f64) = (
    52.0 + 59.0 / 60.0 + 33.0 / 3600.0,
    6.0 + 33.0 / 60.0 + 53.64 / 3600.0,
);

/// Only the camera's make: metadata with nothing to warn about.
pub fn make_only() -> Exif {
    Exif {
        little_endian: true,
        ifd0: vec![(MAKE, Value::Ascii("Testcam"))],
        exif: vec![],
        gps: vec![],
    }
}

impl Value {
    fn encode(&self, le: bool) -> (u16, u32, Vec<u8>) {
        match self {
            Value::Ascii(s) => {
                let mut b = s.as_bytes().to_vec();
                b.push(0);
                (2, b.len() as u32, b)
            }
            Value::Rational(parts) => {
                let mut b = Vec::new();
                for &(n, d) in parts {
                    b.extend(u32_bytes(n, le));
                    b.extend(u32_bytes(d, le));
                }
                (5, parts.len() as u32, b)
            }
        }
    }
}

fn u16_bytes(v: u16, le: bool) -> [u8; 2] {
    if le {
        v.to_le_bytes()
    } else {
        v.to_be_bytes()
    }
}

fn u32_bytes(v: u32, le: bool) -> [u8; 4] {
    if le {
        v.to_le_bytes()
    } else {
        v.to_be_bytes()
    }
}

/// The Exif block as TIFF: header, IFD0 (with pointers to the Exif and GPS IFDs), the Exif IFD,
/// the GPS IFD, then every value longer than four bytes.
pub fn tiff(e: &Exif) -> Vec<u8> {
    let le = e.little_endian;
    const EXIF_POINTER: u16 = 0x8769;
    const GPS_POINTER: u16 = 0x8825;
    let ifd_len = |n: usize| 2 + 12 * n + 4;
    let n0 = e.ifd0.len() + usize::from(!e.exif.is_empty()) + usize::from(!e.gps.is_empty());
    let ifd0_at = 8;
    let exif_at = ifd0_at + ifd_len(n0);
    let gps_at = exif_at
        + if e.exif.is_empty() {
            0
        } else {
            ifd_len(e.exif.len())
        };
    let data_at = gps_at
        + if e.gps.is_empty() {
            0
        } else {
            ifd_len(e.gps.len())
        };

    let mut data: Vec<u8> = Vec::new();
    let mut ifd = |entries: Vec<(u16, u16, u32, Vec<u8>)>| -> Vec<u8> {
        let mut entries = entries;
        entries.sort_by_key(|e| e.0);
        let mut out = u16_bytes(entries.len() as u16, le).to_vec();
        for (tag, kind, count, bytes) in entries {
            out.extend(u16_bytes(tag, le));
            out.extend(u16_bytes(kind, le));
            out.extend(u32_bytes(count, le));
            if bytes.len() <= 4 {
                let mut inline = bytes.clone();
                inline.resize(4, 0);
                out.extend(inline);
            } else {
                out.extend(u32_bytes((data_at + data.len()) as u32, le));
                data.extend(&bytes);
                if data.len() % 2 == 1 {
                    data.push(0);
                }
            }
        }
        out.extend([0; 4]);
        out
    };
    let encode = |fields: &[(u16, Value)]| -> Vec<(u16, u16, u32, Vec<u8>)> {
        fields
            .iter()
            .map(|(tag, v)| {
                let (kind, count, bytes) = v.encode(le);
                (*tag, kind, count, bytes)
            })
            .collect()
    };
    let mut first = encode(&e.ifd0);
    if !e.exif.is_empty() {
        first.push((EXIF_POINTER, 4, 1, u32_bytes(exif_at as u32, le).to_vec()));
    }
    if !e.gps.is_empty() {
        first.push((GPS_POINTER, 4, 1, u32_bytes(gps_at as u32, le).to_vec()));
    }
    let mut out = if le {
        b"II\x2a\0".to_vec()
    } else {
        b"MM\0\x2a".to_vec()
    };
    out.extend(u32_bytes(ifd0_at as u32, le));
    out.extend(ifd(first));
    if !e.exif.is_empty() {
        out.extend(ifd(encode(&e.exif)));
    }
    if !e.gps.is_empty() {
        out.extend(ifd(encode(&e.gps)));
    }
    out.extend(data);
    out
}

fn segment(code: u8, body: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, code];
    s.extend(((body.len() + 2) as u16).to_be_bytes());
    s.extend(body);
    s
}

/// A JPEG: SOI, JFIF APP0, `filler` bytes of APP2 segments, the Exif APP1 (if any), a frame
/// and scan header, a few bytes of scan data, EOI.
pub fn jpeg(exif: Option<&Exif>, filler: usize) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    let mut left = filler;
    while left > 0 {
        let n = left.min(60_000);
        out.extend(segment(0xE2, &vec![0x55; n]));
        left -= n;
    }
    if let Some(exif) = exif {
        let mut body = b"Exif\0\0".to_vec();
        body.extend(tiff(exif));
        out.extend(segment(0xE1, &body));
    }
    out.extend(segment(
        0xC0,
        &[8, 0, 1, 0, 1, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1],
    ));
    out.extend(segment(0xDA, &[3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0]));
    out.extend([0x12, 0x34, 0xFF, 0x00, 0x56, 0x78]);
    out.extend([0xFF, 0xD9]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend(kind);
    c.extend(data);
    let mut checked = kind.to_vec();
    checked.extend(data);
    c.extend(crc32(&checked).to_be_bytes());
    c
}

/// A valid 1×1 PNG, with the Exif block in an eXIf chunk before (or, `after_image`, after) its
/// image data.
pub fn png(exif: Option<&Exif>, after_image: bool) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    let exif_chunk = exif.map(|e| chunk(b"eXIf", &tiff(e)));
    if !after_image {
        out.extend(exif_chunk.iter().flatten());
    }
    // zlib, one stored block: filter byte 0 and one red pixel; then its Adler-32.
    let raw = [0u8, 0xFF, 0, 0];
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut zlib = vec![0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF];
    zlib.extend(raw);
    zlib.extend(((b << 16) | a).to_be_bytes());
    out.extend(chunk(b"IDAT", &zlib));
    if after_image {
        out.extend(exif_chunk.iter().flatten());
    }
    out.extend(chunk(b"IEND", &[]));
    out
}

fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend(kind);
    b.extend(body);
    b
}

fn full_box(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    let mut b = vec![version, 0, 0, 0];
    b.extend(body);
    boxed(kind, &b)
}

/// A HEIF (HEIC brand) file whose only item is an Exif block in `mdat`, located by `iloc`.
pub fn heif(exif: &Exif) -> Vec<u8> {
    let ftyp = boxed(b"ftyp", b"heic\0\0\0\0mif1heic");
    let hdlr = full_box(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
    let mut infe = 1u16.to_be_bytes().to_vec(); // item id
    infe.extend([0, 0]); // protection index
    infe.extend(b"Exif\0");
    let iinf = full_box(
        b"iinf",
        0,
        &[&1u16.to_be_bytes()[..], &full_box(b"infe", 2, &infe)].concat(),
    );
    // The Exif item: a 4-byte offset to the TIFF header (0), then the TIFF.
    let mut item = 0u32.to_be_bytes().to_vec();
    item.extend(tiff(exif));
    let iloc = |offset: u32| {
        let mut body = vec![0x44, 0x00]; // offset and length size 4, no base offset
        body.extend(1u16.to_be_bytes()); // one item
        body.extend(1u16.to_be_bytes()); // item id
        body.extend(0u16.to_be_bytes()); // data reference: this file
        body.extend(1u16.to_be_bytes()); // one extent
        body.extend(offset.to_be_bytes());
        body.extend((item.len() as u32).to_be_bytes());
        full_box(b"iloc", 0, &body)
    };
    let meta_len = full_box(b"meta", 0, &[hdlr.clone(), iinf.clone(), iloc(0)].concat()).len();
    let item_at = (ftyp.len() + meta_len + 8) as u32;
    let meta = full_box(b"meta", 0, &[hdlr, iinf, iloc(item_at)].concat());
    [ftyp, meta, boxed(b"mdat", &item)].concat()
}
