//! Photos and videos a user attaches to a post: the checklist of what to look for in the
//! picture, tied to the policy's clauses, and what the file's own metadata gives away (the GPS
//! position where it was taken, the serial numbers of camera and lens).
//!
//! Only metadata is read, never the picture. It sits at the start of the file (a JPEG's Exif
//! segment precedes the image data, a PNG's eXIf chunk must precede IDAT, a HEIF's meta box
//! comes first), so a caller hands over the first [`HEAD_BYTES`] bytes at most, and whatever is
//! handed over is cut there: a 50 MB video never crosses into the engine whole. The Exif block
//! itself is parsed by `kamadak-exif`; finding it in the JPEG, PNG or HEIF container is done
//! here, stopping at the image data, so a file without metadata is told apart from metadata
//! beyond the bytes read.

use serde::{Deserialize, Serialize};

use crate::model::{Bundle, Category, Localized};

/// The most bytes of a file inspected: metadata lies in the first kilobytes (an Exif segment is
/// at most 64 KiB), and a little more covers a large ICC profile or thumbnail before it.
pub const HEAD_BYTES: usize = 512 * 1024;

/// The image formats whose metadata is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PhotoFormat {
    /// JPEG (Exif in an APP1 segment).
    Jpeg,
    /// PNG (an eXIf chunk).
    Png,
    /// HEIF: HEIC, AVIF (an Exif item).
    Heif,
}

impl std::fmt::Display for PhotoFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PhotoFormat::Jpeg => "JPEG",
            PhotoFormat::Png => "PNG",
            PhotoFormat::Heif => "HEIF",
        })
    }
}

/// What a photo's metadata says that the user may not mean to share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhotoMetadata {
    /// The format found.
    pub format: PhotoFormat,
    /// Where it was taken, when the file says so.
    pub gps: Option<GpsPosition>,
    /// Serial numbers of the camera body or lens.
    pub serial_numbers: Vec<SerialNumber>,
}

/// A position in decimal degrees (north and east positive).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GpsPosition {
    /// −90 to 90.
    pub latitude: f64,
    /// −180 to 180.
    pub longitude: f64,
}

/// Which device a serial number identifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SerialKind {
    /// The camera body (Exif `BodySerialNumber`).
    Body,
    /// The lens (Exif `LensSerialNumber`).
    Lens,
    /// The camera, as DNG writes it (`CameraSerialNumber`, tag 0xC62F).
    Camera,
}

/// One serial number found in the metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SerialNumber {
    /// Of what.
    pub kind: SerialKind,
    /// As written, trimmed, at most [`MAX_SERIAL_CHARS`] characters.
    pub value: String,
}

/// The longest serial number reported; longer values are cut (no serial number is that long).
pub const MAX_SERIAL_CHARS: usize = 64;

/// Why a file's metadata could not be read. Never a panic: truncated and corrupt files end here.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhotoError {
    /// Not a JPEG, PNG or HEIF file (a video, a GIF, a WebP …): nothing is read from it.
    #[error("not a JPEG, PNG or HEIF/HEIC image")]
    Unsupported,
    /// The file goes on beyond the bytes given, and its metadata does too.
    #[error("the {format} metadata lies beyond the first {read} bytes, which is all that is read")]
    BeyondHead {
        /// The format.
        format: PhotoFormat,
        /// How many bytes were read.
        read: usize,
    },
    /// The whole file was given and it is damaged.
    #[error("damaged {format} file: {reason}")]
    Damaged {
        /// The format.
        format: PhotoFormat,
        /// What is wrong.
        reason: String,
    },
}

impl PhotoError {
    /// A stable name for the kind of error: `unsupported`, `beyond-head`, `damaged`.
    pub fn kind(&self) -> &'static str {
        match self {
            PhotoError::Unsupported => "unsupported",
            PhotoError::BeyondHead { .. } => "beyond-head",
            PhotoError::Damaged { .. } => "damaged",
        }
    }
}

/// Reads what the metadata of a photo gives away from `head`, the first bytes of the file;
/// `whole_file` says whether `head` is the entire file (then running out of bytes means the file
/// is damaged, else that the metadata lies further on). At most [`HEAD_BYTES`] are looked at.
/// A photo without metadata is `Ok` with nothing in it.
pub fn inspect(head: &[u8], whole_file: bool) -> Result<PhotoMetadata, PhotoError> {
    let (head, whole_file) = if head.len() > HEAD_BYTES {
        (&head[..HEAD_BYTES], false)
    } else {
        (head, whole_file)
    };
    let format = sniff(head).ok_or(PhotoError::Unsupported)?;
    let short = || {
        if whole_file {
            PhotoError::Damaged {
                format,
                reason: "it ends before its image data".into(),
            }
        } else {
            PhotoError::BeyondHead {
                format,
                read: head.len(),
            }
        }
    };
    let exif = match format {
        PhotoFormat::Jpeg => jpeg_exif(head).map_err(|e| e.into_error(format, short))?,
        PhotoFormat::Png => png_exif(head).map_err(|e| e.into_error(format, short))?,
        PhotoFormat::Heif => heif_exif(head).map_err(|e| e.into_error(format, short))?,
    };
    let mut found = PhotoMetadata {
        format,
        gps: None,
        serial_numbers: Vec::new(),
    };
    if let Some(exif) = exif {
        found.gps = gps(&exif);
        found.serial_numbers = serial_numbers(&exif);
    }
    Ok(found)
}

fn sniff(head: &[u8]) -> Option<PhotoFormat> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(PhotoFormat::Jpeg);
    }
    if head.starts_with(PNG_SIGNATURE) {
        return Some(PhotoFormat::Png);
    }
    // An ISO base media file whose brands say HEIF (mif1/msf1 are required in every HEIF).
    if head.get(4..8) == Some(b"ftyp") {
        let size = u32::from_be_bytes(head[..4].try_into().ok()?) as usize;
        let ftyp = head.get(8..size.min(head.len()))?;
        let heif = ftyp
            .chunks_exact(4)
            .enumerate()
            .filter(|(i, _)| *i != 1) // the minor version, not a brand
            .any(|(_, brand)| {
                [
                    b"mif1", b"msf1", b"heic", b"heix", b"heim", b"heis", b"avif",
                ]
                .iter()
                .any(|b| brand == *b)
            });
        if heif {
            return Some(PhotoFormat::Heif);
        }
    }
    None
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Why a container walk stopped without an Exif block.
enum Walk {
    /// The bytes ran out before the image data.
    Short,
    /// The structure is broken.
    Broken(&'static str),
}

impl Walk {
    fn into_error(self, format: PhotoFormat, short: impl FnOnce() -> PhotoError) -> PhotoError {
        match self {
            Walk::Short => short(),
            Walk::Broken(reason) => PhotoError::Damaged {
                format,
                reason: reason.into(),
            },
        }
    }
}

/// The Exif APP1 segment among the JPEG's marker segments, which all come before the first
/// scan (SOS): reaching the scan or the end of the image means there is none.
fn jpeg_exif(data: &[u8]) -> Result<Option<exif::Exif>, Walk> {
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF fill bytes.
        while data.get(at) == Some(&0xFF) && data.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&prefix), Some(&code)) = (data.get(at), data.get(at + 1)) else {
            return Err(Walk::Short);
        };
        if prefix != 0xFF {
            return Err(Walk::Broken("a marker segment is cut short or garbled"));
        }
        match code {
            0xD9 | 0xDA => return Ok(None),
            0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            0xD8 => return Err(Walk::Broken("a second start-of-image marker")),
            _ => {}
        }
        let Some(len) = data.get(at + 2..at + 4) else {
            return Err(Walk::Short);
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len < 2 {
            return Err(Walk::Broken("a segment length below 2"));
        }
        let Some(segment) = data.get(at + 4..at + 2 + len) else {
            return Err(Walk::Short);
        };
        if code == 0xE1 {
            if let Some(tiff) = segment.strip_prefix(b"Exif\0\0") {
                return parse_tiff(tiff).map(Some);
            }
        }
        at += 2 + len;
    }
}

/// The eXIf chunk, which the PNG extensions place before the first IDAT; one found later in
/// the bytes given is still read.
fn png_exif(data: &[u8]) -> Result<Option<exif::Exif>, Walk> {
    let mut at = PNG_SIGNATURE.len();
    let mut seen_image_data = false;
    loop {
        let Some(header) = data.get(at..at + 8) else {
            // Past the image data, an eXIf chunk would break the rule that it precedes it.
            return if seen_image_data {
                Ok(None)
            } else {
                Err(Walk::Short)
            };
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        if len > 0x7FFF_FFFF {
            return Err(Walk::Broken("a chunk length above 2³¹ − 1"));
        }
        let kind = &header[4..8];
        if kind == b"IEND" {
            return Ok(None);
        }
        if kind == b"IDAT" {
            seen_image_data = true;
        }
        if kind == b"eXIf" {
            let Some(tiff) = data.get(at + 8..at + 8 + len) else {
                return Err(Walk::Short);
            };
            return parse_tiff(tiff).map(Some);
        }
        at = at.saturating_add(12).saturating_add(len);
    }
}

/// The Exif item of a HEIF file. Its `meta` box, which comes first, lists the items (`iinf`)
/// and says where each one's bytes are (`iloc`: in the file, or in the box's own `idat`); the
/// Exif item starts with the offset of its TIFF header. Read here rather than with the crate's
/// container reader, which would bring its I/O machinery into the wasm build (22 KB).
fn heif_exif(data: &[u8]) -> Result<Option<exif::Exif>, Walk> {
    let meta = heif_meta(data)?;
    let mut boxes = Cursor::new(meta.get(4..).ok_or(CUT)?);
    let (mut iinf, mut iloc, mut idat) = (None, None, None);
    while !boxes.done() {
        let (kind, body) = boxes.child()?;
        match &kind {
            b"iinf" => iinf = Some(body),
            b"iloc" => iloc = Some(body),
            b"idat" => idat = Some(body),
            _ => {}
        }
    }
    let iinf = iinf.ok_or(Walk::Broken("its meta box lists no items"))?;
    let Some(item) = exif_item_id(iinf)? else {
        return Ok(None);
    };
    let iloc = iloc.ok_or(Walk::Broken("its meta box locates no items"))?;
    let (method, extents) = item_location(iloc, item)?;
    let source = match method {
        0 => data,
        1 => idat.ok_or(Walk::Broken("an item in a missing idat box"))?,
        _ => return Err(Walk::Broken("an Exif item made from other items")),
    };
    let mut payload = Vec::new();
    for (offset, length) in extents {
        let from = usize::try_from(offset).map_err(|_| CUT)?;
        let to = if length == 0 {
            source.len()
        } else {
            let length = usize::try_from(length).map_err(|_| CUT)?;
            from.checked_add(length).ok_or(CUT)?
        };
        let Some(bytes) = source.get(from..to) else {
            // Bytes further on in the file may simply not have been read.
            return Err(if method == 0 { Walk::Short } else { CUT });
        };
        payload.extend_from_slice(bytes);
        if payload.len() > HEAD_BYTES {
            return Err(Walk::Broken("an Exif item larger than any real one"));
        }
    }
    let skip = usize::try_from(Cursor::new(&payload).u32()?).map_err(|_| CUT)?;
    let tiff = payload
        .get(4usize.saturating_add(skip)..)
        .ok_or(Walk::Broken("its Exif item points past itself"))?;
    parse_tiff(tiff).map(Some)
}

const CUT: Walk = Walk::Broken("a box is cut short");

/// The body of the top-level `meta` box, once all of it is within `data`.
fn heif_meta(data: &[u8]) -> Result<&[u8], Walk> {
    let mut at = 0usize;
    loop {
        let mut header = Cursor::new(data.get(at..).unwrap_or_default());
        let (Ok(size), Ok(kind)) = (header.u32(), header.bytes(4)) else {
            return Err(Walk::Short);
        };
        let (start, end) = match size {
            // The last box, running to the end of the file.
            0 => (at + 8, data.len()),
            1 => {
                let large = header.u64().map_err(|_| Walk::Short)?;
                let large = usize::try_from(large).map_err(|_| CUT)?;
                if large < 16 {
                    return Err(Walk::Broken("a box smaller than its header"));
                }
                (at + 16, at.saturating_add(large))
            }
            size if size >= 8 => (at + 8, at.saturating_add(size as usize)),
            _ => return Err(Walk::Broken("a box smaller than its header")),
        };
        if end > data.len() {
            return Err(Walk::Short);
        }
        if kind == b"meta" {
            return Ok(&data[start..end]);
        }
        if size == 0 {
            return Err(Walk::Broken("no meta box"));
        }
        at = end;
    }
}

/// The id of the item of type `Exif` in an `iinf` box, if there is one.
fn exif_item_id(iinf: &[u8]) -> Result<Option<u32>, Walk> {
    let mut b = Cursor::new(iinf);
    let version = b.u8()?;
    b.bytes(3)?;
    let count = if version == 0 {
        u32::from(b.u16()?)
    } else {
        b.u32()?
    };
    for _ in 0..count {
        let (kind, body) = b.child()?;
        if &kind != b"infe" {
            continue;
        }
        let mut e = Cursor::new(body);
        let version = e.u8()?;
        e.bytes(3)?;
        // Versions 0 and 1 predate item types: no Exif item can be told apart in them.
        let id = match version {
            2 => u32::from(e.u16()?),
            3 => e.u32()?,
            _ => continue,
        };
        e.bytes(2)?;
        if e.bytes(4)? == b"Exif" {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// Where item `id`'s bytes are, from an `iloc` box: its construction method (0: in the file,
/// 1: in `idat`) and its extents as (offset, length), length 0 meaning "to the end".
type Location = (u16, Vec<(u64, u64)>);

fn item_location(iloc: &[u8], id: u32) -> Result<Location, Walk> {
    let mut b = Cursor::new(iloc);
    let version = b.u8()?;
    b.bytes(3)?;
    let sizes = b.u16()?;
    let (offset_size, length_size) = (sizes >> 12, (sizes >> 8) & 0xF);
    let base_size = (sizes >> 4) & 0xF;
    let index_size = if version == 1 || version == 2 {
        sizes & 0xF
    } else {
        0
    };
    let count = if version < 2 {
        u32::from(b.u16()?)
    } else {
        b.u32()?
    };
    for _ in 0..count {
        let item = if version < 2 {
            u32::from(b.u16()?)
        } else {
            b.u32()?
        };
        let method = if version == 1 || version == 2 {
            b.u16()? & 0xF
        } else {
            0
        };
        let reference = b.u16()?;
        let base = b.sized(base_size)?;
        let extents = b.u16()?;
        let mut found = Vec::new();
        for _ in 0..extents {
            b.sized(index_size)?;
            let offset = b.sized(offset_size)?;
            let length = b.sized(length_size)?;
            found.push((base.checked_add(offset).ok_or(CUT)?, length));
        }
        if item == id {
            if method == 0 && reference != 0 {
                return Err(Walk::Broken("an Exif item in another file"));
            }
            return Ok((method, found));
        }
    }
    Err(Walk::Broken("its Exif item has no location"))
}

/// Big-endian reads that stop at the end of their bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Cursor<'a> {
        Cursor { bytes, at: 0 }
    }

    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], Walk> {
        let end = self.at.checked_add(n).ok_or(CUT)?;
        let bytes = self.bytes.get(self.at..end).ok_or(CUT)?;
        self.at = end;
        Ok(bytes)
    }

    fn u8(&mut self) -> Result<u8, Walk> {
        Ok(self.bytes(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, Walk> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, Walk> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, Walk> {
        Ok((u64::from(self.u32()?) << 32) | u64::from(self.u32()?))
    }

    /// An unsigned number of 0, 4 or 8 bytes, as `iloc` sizes its fields.
    fn sized(&mut self, size: u16) -> Result<u64, Walk> {
        match size {
            0 => Ok(0),
            4 => Ok(u64::from(self.u32()?)),
            8 => self.u64(),
            _ => Err(Walk::Broken("a field size other than 0, 4 or 8")),
        }
    }

    /// The next child box: its type and body.
    fn child(&mut self) -> Result<([u8; 4], &'a [u8]), Walk> {
        let size = self.u32()? as usize;
        let kind: [u8; 4] = self.bytes(4)?.try_into().map_err(|_| CUT)?;
        let body = match size {
            0 => self.bytes(self.bytes.len() - self.at)?,
            1 => {
                let large = usize::try_from(self.u64()?).map_err(|_| CUT)?;
                self.bytes(large.checked_sub(16).ok_or(CUT)?)?
            }
            size => self.bytes(size.checked_sub(8).ok_or(CUT)?)?,
        };
        Ok((kind, body))
    }
}

fn parse_tiff(tiff: &[u8]) -> Result<exif::Exif, Walk> {
    distill(
        exif::Reader::new()
            .continue_on_error(true)
            .read_raw(tiff.to_vec()),
    )
    .map_err(|_| Walk::Broken("its Exif block is not valid TIFF"))
}

/// Keeps what a partly broken Exif block still says: a damaged maker note must not hide the
/// GPS position beside it.
fn distill(result: Result<exif::Exif, exif::Error>) -> Result<exif::Exif, exif::Error> {
    result.or_else(|e| e.distill_partial_result(|_| {}))
}

fn gps(exif: &exif::Exif) -> Option<GpsPosition> {
    let coordinate = |tag, reference, negative: u8| -> Option<f64> {
        let field = exif.get_field(tag, exif::In::PRIMARY)?;
        let exif::Value::Rational(parts) = &field.value else {
            return None;
        };
        let [degrees, minutes, seconds] = parts.get(..3)? else {
            return None;
        };
        let mut value = 0.0;
        for (part, scale) in [(degrees, 1.0), (minutes, 60.0), (seconds, 3600.0)] {
            if part.denom == 0 {
                return None;
            }
            value += part.to_f64() / scale;
        }
        let sign = match exif
            .get_field(reference, exif::In::PRIMARY)
            .map(|f| &f.value)
        {
            Some(exif::Value::Ascii(v)) if v.first().and_then(|s| s.first()) == Some(&negative) => {
                -1.0
            }
            _ => 1.0,
        };
        Some(sign * value)
    };
    let latitude = coordinate(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, b'S')?;
    let longitude = coordinate(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, b'W')?;
    // Some cameras write zeros while they have no fix: that is no position.
    let placeholder = latitude == 0.0 && longitude == 0.0;
    let valid = latitude.abs() <= 90.0 && longitude.abs() <= 180.0;
    (valid && !placeholder).then_some(GpsPosition {
        latitude,
        longitude,
    })
}

fn serial_numbers(exif: &exif::Exif) -> Vec<SerialNumber> {
    const CAMERA_SERIAL_NUMBER: u16 = 0xC62F;
    [
        (exif::Tag::BodySerialNumber, SerialKind::Body),
        (exif::Tag::LensSerialNumber, SerialKind::Lens),
        (
            exif::Tag(exif::Context::Tiff, CAMERA_SERIAL_NUMBER),
            SerialKind::Camera,
        ),
    ]
    .into_iter()
    .filter_map(|(tag, kind)| {
        let field = exif.get_field(tag, exif::In::PRIMARY)?;
        let exif::Value::Ascii(values) = &field.value else {
            return None;
        };
        let text = String::from_utf8_lossy(values.iter().find(|v| !v.is_empty())?);
        let value: String = text
            .trim_matches(|c: char| c == '\0' || c.is_whitespace())
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_SERIAL_CHARS)
            .collect();
        // "0000000" is what some cameras write when they do not know their number.
        let unknown = value.chars().all(|c| c == '0' || c == ' ');
        (!unknown).then_some(SerialNumber { kind, value })
    })
    .collect()
}

/// One point to check in a photo or video before posting it, with the clauses that ask for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    /// Stable id: `uniform`, `weapon`, `badge`, `screens`, `whiteboard`, `entrances`,
    /// `colleagues`, `location`.
    pub id: String,
    /// The question, in every language.
    pub text: Localized,
    /// Clause ids of the bundle, most specific first (empty only if the bundle cites nothing
    /// on the subject).
    pub clauses: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecklistSource {
    id: String,
    text: Localized,
    /// Clauses that speak to exactly this point, in any pack, most specific first.
    prefer: Vec<String>,
    /// Else: the clauses the bundle's rules of this category cite.
    category: Category,
}

/// The checklist's source, shared by every pack (`packs/photo-checklist.json`).
const CHECKLIST: &str = include_str!("../packs/photo-checklist.json");

/// The checklist's source, parsed the way bundles are (through a JSON value), which keeps the
/// wasm build from carrying a second copy of the parser for localized texts and categories.
/// Embedded and covered by the tests: a failure is a build defect, not a user's.
fn checklist_sources() -> Result<Vec<ChecklistSource>, String> {
    let value: serde_json::Value = serde_json::from_str(CHECKLIST).map_err(|e| e.to_string())?;
    serde_path_to_error::deserialize(value).map_err(|e| e.to_string())
}

/// The most clauses shown for one point: the card stays short.
const CLAUSES_PER_ITEM: usize = 2;

/// The checklist for photos and videos, each point tied to clauses of `bundle`: the clauses it
/// prefers that the bundle has, else those the bundle's rules of its category cite.
pub fn checklist(bundle: &Bundle) -> Vec<ChecklistItem> {
    let sources = checklist_sources().unwrap_or_default();
    sources
        .into_iter()
        .map(|s| {
            let mut clauses: Vec<String> = s
                .prefer
                .iter()
                .filter(|id| bundle.clause(id).is_some())
                .take(CLAUSES_PER_ITEM)
                .cloned()
                .collect();
            if clauses.is_empty() {
                for rule in bundle.rules.iter().filter(|r| r.category == s.category) {
                    for id in &rule.clauses {
                        if clauses.len() < CLAUSES_PER_ITEM && !clauses.contains(id) {
                            clauses.push(id.clone());
                        }
                    }
                }
            }
            ChecklistItem {
                id: s.id,
                text: s.text,
                clauses,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checklist_source_parses_and_is_complete() {
        let sources = checklist_sources().unwrap();
        let ids: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "uniform",
                "weapon",
                "badge",
                "screens",
                "whiteboard",
                "entrances",
                "colleagues",
                "location"
            ]
        );
        for s in &sources {
            for lang in crate::Lang::ALL {
                assert!(s.text.get(lang).is_some(), "{} has no {lang} text", s.id);
            }
            assert!(!s.prefer.is_empty(), "{}", s.id);
        }
    }

    #[test]
    fn sniffs_formats_by_their_signatures() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(PhotoFormat::Jpeg));
        assert_eq!(sniff(PNG_SIGNATURE), Some(PhotoFormat::Png));
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(sniff(heic), Some(PhotoFormat::Heif));
        let mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2";
        assert_eq!(sniff(mp4), None);
        // "mif1" as the minor version is no brand.
        let odd = b"\0\0\0\x10ftypisommif1";
        assert_eq!(sniff(odd), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
    }
}
