//! The bindings as the extension uses them, run in headless Chromium by wasm-bindgen-test:
//! plain JS objects out, UTF-16 offsets that slice JS strings exactly, readable errors in.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use postwacht_engine::packs::Sources;
use postwacht_engine::signed;
use postwacht_wasm::{
    accept_signed_bundle, check_communication, inspect_photo, reload_signed_bundle, Packs,
    WasmEngine,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// The engine's own test photos, made byte by byte.
#[path = "../../engine/tests/photo_files/mod.rs"]
mod photo_files;

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap()
}

/// The pack sources as the extension hands them over: a plain `{path: text}` object.
fn sources_object() -> JsValue {
    let object = Object::new();
    for (path, text) in Sources::embedded().files() {
        Reflect::set(&object, &path.into(), &text.into()).unwrap();
    }
    object.into()
}

fn packs() -> Packs {
    Packs::from_sources(Sources::embedded())
}

#[wasm_bindgen_test]
fn packs_come_from_sources_handed_over_as_a_js_object() {
    let packs = Packs::new(sources_object(), None).unwrap();
    let engine = packs.engine("overheid").unwrap();
    assert_eq!(engine.id(), "overheid");
    let findings = Array::from(&engine.scan("BSN 123456782", None).unwrap());
    assert_eq!(
        get(&findings.get(0), "rule").as_string().unwrap(),
        "personal-data-bsn-labelled"
    );
    // With the gate table the extension's build writes: the same findings.
    let table = Sources::embedded().gate_table().unwrap().to_json();
    let prepared = Packs::new(sources_object(), Some(table.clone())).unwrap();
    let text = "Het dossier van mevrouw Jansen (BSN 123456782) is vertrouwelijk. 👀";
    let json = |packs: &Packs| {
        let findings = packs.engine("overheid").unwrap().scan(text, None).unwrap();
        js_sys::JSON::stringify(&findings)
            .unwrap()
            .as_string()
            .unwrap()
    };
    assert!(json(&packs).matches("\"rule\"").count() >= 2);
    assert_eq!(json(&prepared), json(&packs));
    // Not an object of texts, a file missing or a broken table: a readable error, not a panic.
    assert!(Packs::new(JsValue::from(42), None).is_err());
    let cut = table[..table.len() / 2].to_string();
    let error = JsValue::from(Packs::new(sources_object(), Some(cut)).err().unwrap());
    assert!(get(&error, "message")
        .as_string()
        .unwrap()
        .starts_with("gate table: "));
    let empty = Packs::new(Object::new().into(), None).unwrap();
    let error = JsValue::from(empty.engine("overheid").err().expect("no sources"));
    let message = get(&error, "message").as_string().unwrap();
    assert!(message.contains("packs.json"), "{message}");
}

#[wasm_bindgen_test]
fn default_policy_scans_and_offsets_slice_js_strings() {
    let engine = packs().engine("overheid").unwrap();
    assert_eq!(engine.id(), "overheid");
    let text = "👩‍💻 Mijn BSN is 1234.56.782 🇳🇱\r\nBel 06-12345678";
    let findings = Array::from(&engine.scan(text, None).unwrap());
    assert!(findings.length() >= 2);
    let js_text = js_sys::JsString::from(text);
    let mut seen = Vec::new();
    for finding in findings.iter() {
        let start = get(&finding, "start").as_f64().unwrap() as u32;
        let end = get(&finding, "end").as_f64().unwrap() as u32;
        let matched = get(&finding, "text").as_string().unwrap();
        // The offsets are what JS's own string indexing needs.
        assert_eq!(String::from(js_text.substring(start, end)), matched);
        seen.push(matched);
    }
    // The BSN, labelled or bare (a labelled finding says all the bare one would).
    assert!(seen.iter().any(|t| t.ends_with("1234.56.782")), "{seen:?}");
    assert!(seen.iter().any(|t| t == "06-12345678"), "{seen:?}");
}

#[wasm_bindgen_test]
fn findings_are_plain_objects_with_the_documented_fields() {
    let engine = packs().engine("overheid").unwrap();
    let findings = Array::from(&engine.scan("BSN 123456782", None).unwrap());
    let finding = findings.get(0);
    assert!(finding.is_object());
    assert!(!finding.is_instance_of::<js_sys::Map>());
    for key in [
        "rule",
        "category",
        "severity",
        "clauses",
        "start",
        "end",
        "text",
        "confidence",
    ] {
        assert!(!get(&finding, key).is_undefined(), "finding has {key}");
    }
    assert_eq!(
        get(&finding, "category").as_string().unwrap(),
        "personal-data"
    );
}

#[wasm_bindgen_test]
fn benign_text_has_no_findings() {
    let engine = packs().engine("overheid").unwrap();
    let findings = Array::from(
        &engine
            .scan("Mooie wandeling gemaakt vandaag 🌳", None)
            .unwrap(),
    );
    assert_eq!(findings.length(), 0);
}

#[wasm_bindgen_test]
fn policy_view_has_clauses_to_show_and_no_examples() {
    let engine = packs().engine("ind").unwrap();
    let policy = engine.policy().unwrap();
    let clauses = Array::from(&get(&policy, "clauses"));
    assert!(clauses.length() > 0);
    let clause = clauses.get(0);
    assert!(!get(&clause, "text").as_string().unwrap().is_empty());
    assert!(get(&get(&clause, "advice"), "nl").is_string());
    let rule = Array::from(&get(&policy, "rules")).get(0);
    assert!(get(&rule, "examples").is_undefined());
    assert!(get(&get(&rule, "message"), "nl").is_string());
    // The gate's settings: the IND pack allows no override of a block.
    let gate = get(&policy, "gate");
    assert_eq!(get(&gate, "block_override").as_bool(), Some(false));
    assert!(get(&gate, "cooldown_seconds").as_f64().is_some());
}

#[wasm_bindgen_test]
fn a_bad_bundle_is_a_readable_error() {
    let bundle = r#"{"id": "x", "version": 1, "issued": "2026-01-01", "organisation": "X",
        "languages": ["nl"], "documents": [], "clauses": [],
        "rules": [{"id": "r1", "category": "confidential", "severity": "warn", "clauses": ["nope"],
                   "match": {"type": "regex", "pattern": "("}, "message": {"nl": "m"}}]}"#;
    let error = JsValue::from(
        WasmEngine::new(bundle)
            .err()
            .expect("the bundle is refused"),
    );
    let message = get(&error, "message").as_string().unwrap();
    assert!(message.contains("r1"), "{message}");
    assert!(WasmEngine::new("{ not json").is_err());
    assert!(packs().engine("nope").is_err());
}

#[wasm_bindgen_test]
fn built_in_packs_are_listed_default_first() {
    let packs = Array::from(&packs().list().unwrap());
    assert_eq!(packs.length(), 5);
    assert_eq!(get(&packs.get(0), "name").as_string().unwrap(), "overheid");
}

const SEED: [u8; 32] = [42; 32];

fn signed_bundle(version: u64) -> String {
    let bundle = format!(
        r#"{{"id": "gemeente-test", "version": {version}, "issued": "2026-11-01", "expires": "2027-02-01",
        "organisation": "Gemeente Test", "languages": ["nl"],
        "documents": [{{"id": "d", "title": "D", "organisation": "T", "language": "nl"}}],
        "clauses": [{{"id": "c", "document": "d", "reference": "regel 1", "title": {{"nl": "T"}},
                     "text": "Tekst.", "explanation": {{"nl": "e"}}, "advice": {{"nl": "a"}}}}],
        "rules": [{{"id": "geheim", "category": "confidential", "severity": "warn", "clauses": ["c"],
                   "match": {{"type": "phrases", "phrases": ["geheim"]}}, "message": {{"nl": "m"}},
                   "examples": {{"flag": ["dit is geheim"], "pass": ["open dag"]}}}}]}}"#
    );
    signed::sign(bundle.as_bytes(), &SEED)
}

fn trusted() -> Vec<String> {
    vec![signed::encode_base64(&signed::public_key(&SEED))]
}

fn error_message<T>(result: Result<T, wasm_bindgen::JsError>) -> String {
    let error = JsValue::from(result.err().expect("the bundle is refused"));
    get(&error, "message").as_string().unwrap()
}

#[wasm_bindgen_test]
fn a_signed_bundle_is_accepted_and_runs_without_compiling_again() {
    let envelope = signed_bundle(4);
    let accepted =
        accept_signed_bundle(&envelope, trusted(), "gemeente-test", "", "2026-12-01").unwrap();
    let key_id = signed::key_id(&signed::public_key(&SEED));
    assert_eq!(accepted.key_id(), key_id);
    assert_eq!(accepted.version(), 4.0);
    assert_eq!(accepted.bundle_id(), "gemeente-test");
    assert_eq!(accepted.issued(), "2026-11-01");
    assert_eq!(accepted.expires(), "2027-02-01");
    assert_eq!(accepted.sha256().len(), 64);
    assert!(accepted.payload().contains("gemeente-test"));
    let sha256 = accepted.sha256();
    let engine = accepted.into_engine();
    assert_eq!(engine.id(), "gemeente-test");
    let findings = Array::from(&engine.scan("Dit is geheim", None).unwrap());
    assert_eq!(findings.length(), 1);

    // The same bundle again, with the ratchet raised to it: accepted (a re-check on start-up).
    let ratchet = format!(r#"{{"{key_id}": {{"version": 4, "sha256": "{sha256}"}}}}"#);
    assert!(accept_signed_bundle(
        &envelope,
        trusted(),
        "gemeente-test",
        &ratchet,
        "2026-12-01"
    )
    .is_ok());
    // An older one: refused, with a stable kind first.
    let message = error_message(accept_signed_bundle(
        &signed_bundle(3),
        trusted(),
        "gemeente-test",
        &ratchet,
        "2026-12-01",
    ));
    assert_eq!(
        message,
        format!("rollback: version 3 is lower than 4, the highest accepted from key {key_id}")
    );
}

#[wasm_bindgen_test]
fn a_stored_bundle_reloads_after_expiry_but_never_when_tampered() {
    let envelope = signed_bundle(4);
    // What the service worker does at start-up with its last good bundle.
    let engine = reload_signed_bundle(&envelope, trusted(), "gemeente-test").unwrap();
    assert_eq!(engine.id(), "gemeente-test");
    let tampered = envelope.replacen("eyJpZCI", "eyJpZSI", 1);
    let message = error_message(reload_signed_bundle(&tampered, trusted(), "gemeente-test"));
    assert!(message.starts_with("bad-signature: "), "{message}");
}

#[wasm_bindgen_test]
fn a_tampered_or_foreign_signed_bundle_is_refused_with_its_kind() {
    let envelope = signed_bundle(4);
    // One payload byte changed (the base64 of `{"id"` starts `eyJpZCI`).
    let tampered = envelope.replacen("eyJpZCI", "eyJpZSI", 1);
    assert_ne!(tampered, envelope);
    let message = error_message(accept_signed_bundle(
        &tampered,
        trusted(),
        "gemeente-test",
        "{}",
        "2026-12-01",
    ));
    assert!(message.starts_with("bad-signature: "), "{message}");

    let message = error_message(accept_signed_bundle(
        &envelope,
        trusted(),
        "another-bundle",
        "",
        "2026-12-01",
    ));
    assert!(message.starts_with("bundle-id: "), "{message}");
    let message = error_message(accept_signed_bundle(
        &envelope,
        trusted(),
        "gemeente-test",
        "",
        "2027-03-01",
    ));
    assert!(message.starts_with("expired: "), "{message}");
    let message = error_message(accept_signed_bundle(
        &envelope,
        vec!["nope".into()],
        "gemeente-test",
        "",
        "2026-12-01",
    ));
    assert!(message.starts_with("trusted-key: "), "{message}");
    let message = error_message(accept_signed_bundle(
        &envelope,
        trusted(),
        "gemeente-test",
        "[1]",
        "2026-12-01",
    ));
    assert!(message.starts_with("ratchet: "), "{message}");
}

#[wasm_bindgen_test]
fn a_photos_gps_position_and_serial_number_cross_as_plain_objects() {
    let jpeg = photo_files::jpeg(Some(&photo_files::gps_and_serials(true)), 0);
    let found = inspect_photo(&jpeg, true).unwrap();
    assert_eq!(get(&found, "format").as_string().unwrap(), "jpeg");
    let gps = get(&found, "gps");
    let latitude = get(&gps, "latitude").as_f64().unwrap();
    let longitude = get(&gps, "longitude").as_f64().unwrap();
    assert!((latitude - photo_files::ASSEN.0).abs() < 1e-9);
    assert!((longitude - photo_files::ASSEN.1).abs() < 1e-9);
    let serials = Array::from(&get(&found, "serial_numbers"));
    assert_eq!(get(&serials.get(0), "kind").as_string().unwrap(), "body");
    assert_eq!(
        get(&serials.get(0), "value").as_string().unwrap(),
        "SN-4711-ASSEN"
    );

    let plain = inspect_photo(&photo_files::jpeg(None, 0), true).unwrap();
    // None crosses as undefined, as every optional field does.
    assert!(get(&plain, "gps").is_undefined());
    assert_eq!(Array::from(&get(&plain, "serial_numbers")).length(), 0);

    let png = inspect_photo(
        &photo_files::png(Some(&photo_files::gps_and_serials(false)), false),
        true,
    )
    .unwrap();
    assert_eq!(get(&png, "format").as_string().unwrap(), "png");
    assert!(get(&png, "gps").is_object());
}

#[wasm_bindgen_test]
fn a_cut_or_foreign_file_is_an_error_with_its_kind() {
    let jpeg = photo_files::jpeg(Some(&photo_files::gps_and_serials(true)), 0);
    let cut = &jpeg[..40];
    assert!(error_message(inspect_photo(cut, false)).starts_with("beyond-head: "));
    assert!(error_message(inspect_photo(cut, true)).starts_with("damaged: damaged JPEG file"));
    assert_eq!(
        error_message(inspect_photo(b"GIF89a", true)),
        "unsupported: not a JPEG, PNG or HEIF/HEIC image"
    );
}

#[wasm_bindgen_test]
fn the_policy_view_carries_communication_and_the_photo_checklist() {
    let engine = packs().engine("gemeente-assen").unwrap();
    let policy = engine.policy().unwrap();
    let communication = get(&policy, "communication");
    assert_eq!(
        get(&communication, "records_clause").as_string().unwrap(),
        "assen-bijlage-g"
    );
    assert!(get(&communication, "records_address").is_undefined());
    assert!(get(&get(&communication, "records_advice"), "nl").is_string());
    let checklist = Array::from(&get(&policy, "photo_checklist"));
    assert_eq!(checklist.length(), 8);
    let first = checklist.get(0);
    assert_eq!(get(&first, "id").as_string().unwrap(), "uniform");
    assert!(get(&get(&first, "text"), "fr").is_string());
    assert!(Array::from(&get(&first, "clauses")).length() > 0);
}

#[wasm_bindgen_test]
fn an_administrators_communication_setting_is_checked_by_field() {
    assert!(check_communication(
        r#"{"records_address": "archief@assen.nl", "accounts": {"x": {"url": "https://x.com/gemeenteassen", "name": "@gemeenteassen"}}}"#
    )
    .is_empty());
    assert_eq!(
        check_communication(r#"{"records_address": "archief@assen.nl?bcc=x@y.nl", "team": {"name": "C", "url": "http://a.nl"}}"#),
        [
            "field `records_address`: `archief@assen.nl?bcc=x@y.nl` is not a mail address Postwacht accepts: name@domain.tld, the name of letters, digits and . _ + - only",
            "field `team.url`: `http://a.nl` is not an https:// address",
        ]
    );
}
