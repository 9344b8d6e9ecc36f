//! The offset contract: UTF-16 offsets for the browser, UTF-8 offsets for Rust, both slicing
//! exactly the reported text, whatever the text holds. These are the cases worth naming; the
//! property over any text and every pack is in `properties.rs`.

mod common;

use common::{engine, rule, utf16_slice};
use postwacht_engine::{packs, Engine};
use serde_json::json;

fn check_offsets(engine: &Engine, text: &str) -> usize {
    let findings = engine.scan(text).unwrap();
    for f in &findings {
        assert_eq!(&text[f.byte_start..f.byte_end], f.text, "UTF-8 slice");
        assert_eq!(utf16_slice(text, f.start, f.end), f.text, "UTF-16 slice");
    }
    findings.len()
}

fn geheim() -> Engine {
    engine(json!([rule(
        "geheim",
        json!({"type": "phrases", "phrases": ["geheim", "intern memo"]})
    )]))
}

#[test]
fn emoji_before_a_finding_count_two_units() {
    let text = "😀 geheim";
    let f = &geheim().scan(text).unwrap()[0];
    assert_eq!((f.start, f.end), (3, 9));
    assert_eq!((f.byte_start, f.byte_end), (5, 11));
}

#[test]
fn zwj_sequences_flags_and_skin_tones() {
    // 👩‍💻 is 👩 ZWJ 💻: 2 + 1 + 2 units; 🇳🇱 is two regional indicators: 4 units; 👍🏽: 4 units.
    let text = "👩‍💻🇳🇱👍🏽 geheim";
    let f = &geheim().scan(text).unwrap()[0];
    assert_eq!(f.start, 5 + 4 + 4 + 1);
    assert_eq!(f.end, f.start + 6);
    check_offsets(&geheim(), text);
}

#[test]
fn combining_marks_stay_inside_the_finding() {
    // "geheim" spelled with a combining diaeresis on the e: folded for matching, reported whole.
    let text = "dit is ge\u{0308}heim!";
    let f = &geheim().scan(text).unwrap()[0];
    assert_eq!(f.text, "ge\u{0308}heim");
    assert_eq!(f.end - f.start, 7);
    check_offsets(&geheim(), text);
}

#[test]
fn crlf_counts_as_two_units_and_phrases_span_it() {
    let text = "regel een\r\nintern\r\nmemo";
    let f = &geheim().scan(text).unwrap()[0];
    assert_eq!(f.text, "intern\r\nmemo");
    assert_eq!(f.start, 11);
    assert_eq!(f.end, 23);
}

#[test]
fn detector_offsets_after_astral_characters() {
    let engine = packs::engine(packs::DEFAULT_PACK).unwrap();
    let text = "🎉🎉 mijn BSN 123456782 en 🇧🇪 +32 470 12 34 56";
    assert!(check_offsets(&engine, text) >= 2);
}
