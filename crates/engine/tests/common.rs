//! A minimal valid bundle to vary in tests.
#![allow(dead_code)]

use postwacht_engine::Engine;
use serde_json::{json, Value};

/// Every built-in detector's name, as rules write it.
pub const DETECTORS: &[&str] = &[
    "email",
    "ipv4",
    "ipv6",
    "iban",
    "nl-bsn",
    "be-rrn",
    "phone-nl",
    "phone-be",
    "nl-postcode-address",
    "software-version",
    "payment-card",
];

pub fn bundle_with(rules: Value) -> Value {
    json!({
        "id": "test", "version": 1, "issued": "2026-01-01", "organisation": "Test",
        "languages": ["nl", "fr", "en"],
        "documents": [{"id": "doc", "title": "Doc", "organisation": "Org", "language": "nl"}],
        "clauses": [{"id": "c1", "document": "doc", "reference": "regel 1", "title": {"nl": "T"},
                     "text": "Tekst.", "explanation": {"nl": "Uitleg."}, "advice": {"nl": "Advies."}}],
        "rules": rules
    })
}

pub fn rule(id: &str, matcher: Value) -> Value {
    json!({"id": id, "category": "confidential", "severity": "warn", "clauses": ["c1"],
           "match": matcher, "message": {"nl": "Let op."}})
}

pub fn engine(rules: Value) -> Engine {
    Engine::from_json(&bundle_with(rules).to_string())
        .unwrap_or_else(|e| panic!("{e}: {:#?}", e.problems()))
}

/// `text[start..end]` in UTF-16 code units, as a browser slices it.
pub fn utf16_slice(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start..end]).unwrap()
}

/// (rule, matched text) pairs of a scan.
pub fn scan(engine: &Engine, text: &str) -> Vec<(String, String)> {
    engine
        .scan(text)
        .unwrap()
        .into_iter()
        .map(|f| (f.rule, f.text))
        .collect()
}
