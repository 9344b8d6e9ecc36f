//! What a photo's metadata gives away, read from files made byte by byte in `photo_files`: GPS
//! positions and serial numbers in JPEG, PNG and HEIF; nothing from files without them; a clear
//! error, never a panic, for truncated and corrupt files; and never more than the first
//! `HEAD_BYTES` looked at.

mod photo_files;

use photo_files::*;
use postwacht_engine::packs;
use postwacht_engine::photo::{
    checklist, inspect, PhotoError, PhotoFormat, PhotoMetadata, SerialKind, HEAD_BYTES,
};

fn serials(found: &PhotoMetadata) -> Vec<(SerialKind, &str)> {
    found
        .serial_numbers
        .iter()
        .map(|s| (s.kind, s.value.as_str()))
        .collect()
}

fn assert_assen(found: &PhotoMetadata) {
    let gps = found.gps.expect("a GPS position");
    assert!((gps.latitude - ASSEN.0).abs() < 1e-9, "{gps:?}");
    assert!((gps.longitude - ASSEN.1).abs() < 1e-9, "{gps:?}");
    assert_eq!(
        serials(found),
        [
            (SerialKind::Body, "SN-4711-ASSEN"),
            (SerialKind::Lens, "L-0815")
        ]
    );
}

#[test]
fn a_jpeg_with_gps_and_serial_numbers_says_so_in_either_byte_order() {
    for little_endian in [true, false] {
        let file = jpeg(Some(&gps_and_serials(little_endian)), 0);
        let found = inspect(&file, true).unwrap();
        assert_eq!(found.format, PhotoFormat::Jpeg);
        assert_assen(&found);
    }
}

#[test]
fn south_and_west_are_negative() {
    let mut exif = gps_and_serials(true);
    exif.gps[0].1 = Value::Ascii("S");
    exif.gps[2].1 = Value::Ascii("W");
    let gps = inspect(&jpeg(Some(&exif), 0), true).unwrap().gps.unwrap();
    assert!((gps.latitude + ASSEN.0).abs() < 1e-9);
    assert!((gps.longitude + ASSEN.1).abs() < 1e-9);
}

#[test]
fn photos_without_gps_or_serial_numbers_report_nothing() {
    // A HEIF whose one item is not Exif (its item type renamed).
    let mut heic = heif(&make_only());
    let at = heic.windows(5).position(|w| w == b"Exif\0").unwrap();
    heic[at..at + 4].copy_from_slice(b"hvc1");
    for file in [
        jpeg(None, 0),
        jpeg(Some(&make_only()), 0),
        png(None, false),
        png(Some(&make_only()), false),
        heic,
    ] {
        let found = inspect(&file, true).unwrap();
        assert_eq!(found.gps, None);
        assert!(found.serial_numbers.is_empty());
    }
}

#[test]
fn placeholder_positions_and_serial_numbers_are_no_findings() {
    let mut exif = gps_and_serials(true);
    exif.gps[1].1 = Value::Rational(vec![(0, 1), (0, 1), (0, 1)]);
    exif.gps[3].1 = Value::Rational(vec![(0, 1), (0, 1), (0, 1)]);
    exif.exif = vec![(BODY_SERIAL, Value::Ascii("0000000000"))];
    let found = inspect(&jpeg(Some(&exif), 0), true).unwrap();
    assert_eq!(found.gps, None, "0,0 is what a camera without a fix writes");
    assert!(found.serial_numbers.is_empty());

    let mut exif = gps_and_serials(true);
    exif.gps[1].1 = Value::Rational(vec![(52, 0), (59, 1), (33, 1)]);
    assert_eq!(inspect(&jpeg(Some(&exif), 0), true).unwrap().gps, None);
}

#[test]
fn a_png_with_an_exif_chunk_before_or_after_its_image_data() {
    let found = inspect(&png(Some(&gps_and_serials(false)), false), true).unwrap();
    assert_eq!(found.format, PhotoFormat::Png);
    assert_assen(&found);
    // The PNG extensions put eXIf before IDAT; one after it, within the bytes read, still counts.
    assert_assen(&inspect(&png(Some(&gps_and_serials(true)), true), true).unwrap());
}

#[test]
fn a_heic_with_an_exif_item() {
    let file = heif(&gps_and_serials(true));
    let found = inspect(&file, true).unwrap();
    assert_eq!(found.format, PhotoFormat::Heif);
    assert_assen(&found);
}

#[test]
fn other_files_are_not_read() {
    let mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2\0\0\0\x08mdat";
    for file in [
        &b""[..],
        b"GIF89a\x01\0\x01\0",
        &mp4[..],
        b"RIFF\0\0\0\0WEBPVP8 ",
    ] {
        assert_eq!(inspect(file, true), Err(PhotoError::Unsupported));
    }
}

/// Every prefix of `file`: as the whole file it is damaged or complete enough; as the head of a
/// longer file, its metadata may lie further on. Never a panic, and a position only when the
/// Exif block was complete.
fn every_prefix(file: &[u8], exif_end: usize) {
    for len in 0..file.len() {
        let head = &file[..len];
        for whole in [true, false] {
            match inspect(head, whole) {
                Ok(found) => {
                    assert!(
                        len >= exif_end,
                        "{len}: found {found:?} in a cut Exif block"
                    );
                    assert!(found.gps.is_some(), "{len}: the Exif block was complete");
                }
                Err(PhotoError::Unsupported) => assert!(len < 8, "{len}"),
                Err(PhotoError::BeyondHead { read, .. }) => {
                    assert!(!whole, "{len}: a whole file is damaged, not cut short");
                    assert_eq!(read, len);
                }
                Err(PhotoError::Damaged { ref reason, .. }) => {
                    assert!(!reason.is_empty());
                    assert!(whole, "{len}: the head of a longer file is not damaged");
                }
                Err(other) => panic!("{other}"),
            }
        }
    }
}

#[test]
fn truncated_files_give_a_clear_error_never_a_panic() {
    let exif = gps_and_serials(true);
    let file = jpeg(Some(&exif), 0);
    // SOI (2) + APP0 (18) + APP1 (4 + 6 + TIFF).
    let exif_end = 2 + 18 + 4 + 6 + tiff(&exif).len();
    every_prefix(&file, exif_end);
    match inspect(&file[..exif_end - 1], true) {
        Err(e @ PhotoError::Damaged { .. }) => {
            assert_eq!(
                e.to_string(),
                "damaged JPEG file: it ends before its image data"
            )
        }
        other => panic!("{other:?}"),
    }
    match inspect(&file[..exif_end - 1], false) {
        Err(e @ PhotoError::BeyondHead { .. }) => assert_eq!(
            e.to_string(),
            format!(
                "the JPEG metadata lies beyond the first {} bytes, which is all that is read",
                exif_end - 1
            )
        ),
        other => panic!("{other:?}"),
    }

    let file = png(Some(&exif), false);
    every_prefix(&file, 8 + 25 + 8 + tiff(&exif).len());
    let file = heif(&exif);
    for len in 0..file.len() {
        // The HEIF reader is the crate's own: it must still only ever say "damaged" or "beyond".
        match inspect(&file[..len], len % 2 == 0) {
            Ok(found) => assert_eq!(len, file.len(), "{found:?}"),
            Err(
                PhotoError::Unsupported
                | PhotoError::Damaged { .. }
                | PhotoError::BeyondHead { .. },
            ) => {}
            Err(other) => panic!("{other}"),
        }
    }
}

#[test]
fn corrupt_bytes_anywhere_never_panic() {
    let exif = gps_and_serials(false);
    for file in [jpeg(Some(&exif), 0), png(Some(&exif), false), heif(&exif)] {
        for at in 0..file.len() {
            for value in [0x00, 0xFF, 0x7F, file[at] ^ 0x01] {
                let mut bad = file.clone();
                bad[at] = value;
                // Any answer is fine; a panic fails the test.
                let _ = inspect(&bad, true);
            }
        }
    }
    // A JPEG whose Exif block is garbage, and one whose segment claims more bytes than it has.
    let mut garbage = vec![0xFF, 0xD8];
    garbage.extend([0xFF, 0xE1, 0x00, 0x10]);
    garbage.extend(b"Exif\0\0XXXXXXXX");
    assert!(matches!(
        inspect(&garbage, true),
        Err(PhotoError::Damaged {
            format: PhotoFormat::Jpeg,
            ..
        })
    ));
}

#[test]
fn only_the_first_head_bytes_are_read() {
    // Metadata behind 600 KB of other segments: beyond what is read, even given the whole file.
    let file = jpeg(Some(&gps_and_serials(true)), 600_000);
    assert!(file.len() > HEAD_BYTES);
    assert_eq!(
        inspect(&file, true),
        Err(PhotoError::BeyondHead {
            format: PhotoFormat::Jpeg,
            read: HEAD_BYTES
        })
    );
    // Just inside the limit it is found.
    let file = jpeg(Some(&gps_and_serials(true)), 400_000);
    assert_assen(&inspect(&file, true).unwrap());
    // A long file whose metadata is at its start: found from the head alone.
    let mut long = jpeg(Some(&gps_and_serials(true)), 0);
    long.resize(3 * HEAD_BYTES, 0);
    assert_assen(&inspect(&long, false).unwrap());
}

#[test]
fn every_pack_has_the_full_checklist_tied_to_its_own_clauses() {
    let expected = [
        "uniform",
        "weapon",
        "badge",
        "screens",
        "whiteboard",
        "entrances",
        "colleagues",
        "location",
    ];
    for name in packs::names() {
        let bundle = packs::bundle(&name).unwrap();
        let items = checklist(&bundle);
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, expected, "{name}");
        for item in &items {
            assert!(
                !item.clauses.is_empty(),
                "{name}: {} cites nothing",
                item.id
            );
            for id in &item.clauses {
                assert!(
                    bundle.clause(id).is_some(),
                    "{name}: {} cites {id}",
                    item.id
                );
            }
        }
    }
    let clauses = |pack: &str, item: &str| -> Vec<String> {
        let bundle = packs::bundle(pack).unwrap();
        checklist(&bundle)
            .into_iter()
            .find(|i| i.id == item)
            .unwrap()
            .clauses
    };
    // The FOD's own words on uniforms and weapons; the IND's example on doors and cameras.
    assert_eq!(clauses("fod-financien", "weapon"), ["fod-uniform-wapen"]);
    assert_eq!(clauses("overheid", "uniform"), ["fod-uniform-wapen"]);
    assert_eq!(clauses("ind", "entrances"), ["ind-voorbeeld-fysiek"]);
    assert_eq!(
        clauses("overheid", "screens"),
        ["ind-4-vertrouwelijk", "assen-bijlage-f"]
    );
    // A pack without a clause on the very point cites its own clauses for the category.
    assert_eq!(
        clauses("ind", "uniform"),
        ["ind-1-eerste-indruk", "ind-2-privemening"]
    );
}
