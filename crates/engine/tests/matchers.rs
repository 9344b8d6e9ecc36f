//! How each matcher and exception behaves, end to end through the public API.

mod common;

use common::{engine, rule, scan, DETECTORS};
use postwacht_engine::{packs, Engine, Lang, ScanError, ScanOptions};
use serde_json::json;

#[test]
fn phrases_match_whole_words_with_wildcards() {
    let e = engine(json!([rule(
        "dossier",
        json!({"type": "phrases", "phrases": ["dossier*", "*dossier"]})
    )]));
    assert_eq!(
        scan(&e, "Zijn vreemdelingendossier en dossiernummer"),
        [
            ("dossier".to_string(), "vreemdelingendossier".to_string()),
            ("dossier".to_string(), "dossiernummer".to_string()),
        ]
    );
    assert!(scan(&e, "dossie").is_empty());
}

#[test]
fn overlapping_matches_of_one_rule_merge() {
    let e = engine(json!([rule(
        "r",
        json!({"type": "phrases", "phrases": ["intern memo", "memo over", "geheim"]})
    )]));
    assert_eq!(
        scan(&e, "een intern memo over"),
        [("r".to_string(), "intern memo over".to_string())]
    );
}

#[test]
fn a_finding_inside_one_of_the_same_category_is_said_once() {
    let mut inner = rule(
        "number",
        json!({"type": "phrases", "phrases": ["111222333"]}),
    );
    inner["severity"] = json!("block");
    let mut outer = rule(
        "bsn",
        json!({"type": "phrases", "phrases": ["bsn is 111222333"]}),
    );
    outer["severity"] = json!("block");
    let other = {
        let mut r = rule(
            "other",
            json!({"type": "phrases", "phrases": ["111222333"]}),
        );
        r["category"] = json!("personal-data");
        r
    };
    let e = engine(json!([inner, outer, other]));
    assert_eq!(
        scan(&e, "mijn BSN is 111222333"),
        [
            ("bsn".to_string(), "BSN is 111222333".to_string()),
            ("other".to_string(), "111222333".to_string()),
        ]
    );
    // A more severe finding inside a milder one still counts on its own.
    let mut mild = rule(
        "mild",
        json!({"type": "phrases", "phrases": ["bsn is 111222333"]}),
    );
    mild["severity"] = json!("info");
    let mut severe = rule(
        "severe",
        json!({"type": "phrases", "phrases": ["111222333"]}),
    );
    severe["severity"] = json!("block");
    let e = engine(json!([mild, severe]));
    assert_eq!(scan(&e, "mijn BSN is 111222333").len(), 2);
}

#[test]
fn findings_are_sorted_by_position_across_rules() {
    let e = engine(json!([
        rule("b", json!({"type": "phrases", "phrases": ["twee"]})),
        rule("a", json!({"type": "phrases", "phrases": ["een"]})),
    ]));
    let found: Vec<String> = scan(&e, "een twee een")
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(found, ["a", "b", "a"]);
}

#[test]
fn regex_runs_case_insensitively_by_default() {
    let e = engine(json!([
        rule(
            "ci",
            json!({"type": "regex", "pattern": r"\bwachtwoord\s*[:=]\s*\S+"})
        ),
        rule(
            "cs",
            json!({"type": "regex", "pattern": r"\bVPN\b", "case_insensitive": false})
        ),
    ]));
    assert_eq!(
        scan(&e, "Wachtwoord: Zomer2024!"),
        [("ci".to_string(), "Wachtwoord: Zomer2024!".to_string())]
    );
    assert_eq!(scan(&e, "vpn VPN"), [("cs".to_string(), "VPN".to_string())]);
}

#[test]
fn near_needs_every_group_within_the_distance() {
    let e = engine(json!([rule(
        "door",
        json!({"type": "near", "groups": [["deur"], ["open", "kapot"]], "within": 4})
    )]));
    assert_eq!(
        scan(&e, "de deur bij de rookruimte staat open"),
        [(
            "door".to_string(),
            "deur bij de rookruimte staat open".to_string()
        )]
    );
    assert!(scan(&e, "de deur bij de grote lege rookruimte staat open").is_empty());
    // Order does not matter.
    assert_eq!(scan(&e, "kapot is de deur").len(), 1);
    assert!(scan(&e, "de deur").is_empty());
}

#[test]
fn near_with_three_groups_chains() {
    let e = engine(json!([rule(
        "r",
        json!({"type": "near", "groups": [["a1"], ["b1"], ["c1"]], "within": 1})
    )]));
    assert_eq!(scan(&e, "a1 x b1 y c1").len(), 1);
    assert!(scan(&e, "a1 x b1 y z c1").is_empty());
}

#[test]
fn unless_phrases_within_words_or_anywhere() {
    let mut r = rule(
        "door",
        json!({"type": "near", "groups": [["deur"], ["open"]], "within": 4}),
    );
    r["unless"] = json!([{"phrases": ["open dag"], "within": 2}, {"phrases": ["#figuurlijk"]}]);
    let e = engine(json!([r]));
    assert!(scan(&e, "de deur open op de open dag").is_empty());
    assert_eq!(
        scan(
            &e,
            "de deur staat open. Volgende maand is het trouwens open dag"
        )
        .len(),
        1
    );
    assert!(scan(&e, "de deur staat open #figuurlijk").is_empty());
}

#[test]
fn unless_values_compare_letters_and_digits_only() {
    let mut r = rule("phone", json!({"type": "detector", "detector": "phone-nl"}));
    r["unless"] = json!([{"values": ["088-043 0430"]}]);
    let e = engine(json!([r]));
    assert!(scan(&e, "bel de IND op 088 043 0430").is_empty());
    assert_eq!(scan(&e, "bel mij op 06-12345678").len(), 1);
}

#[test]
fn unless_pattern() {
    let mut r = rule("r", json!({"type": "phrases", "phrases": ["dossier"]}));
    r["unless"] = json!([{"pattern": r"\bwoo-?verzoek", "within": 5}]);
    let e = engine(json!([r]));
    assert!(scan(&e, "het dossier van het Woo-verzoek").is_empty());
    assert_eq!(scan(&e, "het dossier van meneer").len(), 1);
}

#[test]
fn language_hint_skips_rules_for_other_languages() {
    let mut fr = rule(
        "fr",
        json!({"type": "phrases", "phrases": ["confidentiel"]}),
    );
    fr["languages"] = json!(["fr"]);
    let e = engine(json!([fr]));
    let nl = ScanOptions {
        lang: Some(Lang::Nl),
    };
    assert!(e.scan_with("confidentiel", &nl).unwrap().is_empty());
    assert_eq!(e.scan("confidentiel").unwrap().len(), 1);
}

#[test]
fn every_detector_is_reachable_through_a_rule() {
    let rules: Vec<_> = DETECTORS
        .iter()
        .map(|d| rule(d, json!({"type": "detector", "detector": d})))
        .collect();
    let e = engine(json!(rules));
    let text = "a@b.nl 10.0.0.1 fe80::1 NL91ABNA0417164300 123456782 85.07.30-033.28 06-12345678 \
                +32 470 12 34 56 Kerkstraat 12 Windows 7 4111 1111 1111 1111";
    let mut found: Vec<String> = scan(&e, text).into_iter().map(|(r, _)| r).collect();
    found.sort();
    found.dedup();
    let mut expected: Vec<String> = DETECTORS.iter().map(|d| d.to_string()).collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn huge_and_odd_texts_scan_or_fail_cleanly() {
    let e = packs::engine(packs::DEFAULT_PACK).unwrap();
    let big = "geheim dossier 123456782 🙄 ".repeat(10_000);
    assert!(e.scan(&big).unwrap().len() >= 10_000);
    let small = Engine::builder()
        .max_text_bytes(100)
        .try_build(packs::bundle(packs::DEFAULT_PACK).unwrap())
        .unwrap();
    assert_eq!(
        small.scan(&"x".repeat(101)),
        Err(ScanError::TextTooLong {
            given: 101,
            limit: 100
        })
    );
    for odd in [
        "",
        "\u{0}",
        "\u{feff}",
        "\u{202e}geheim",
        "\u{301}\u{301}",
        "\r\r\n\n",
        "🏳️‍🌈🏳️‍🌈",
    ] {
        e.scan(odd).unwrap();
    }
}

#[test]
fn a_failed_rebuild_leaves_the_running_engine_untouched() {
    let running = packs::engine(packs::DEFAULT_PACK).unwrap();
    assert!(Engine::from_json("{ not json").is_err());
    assert!(!running.scan("BSN 123456782").unwrap().is_empty());
}

#[test]
fn confidence_counts_the_context_that_supports_a_finding() {
    let mut phone = rule("phone", json!({"type": "detector", "detector": "phone-nl"}));
    phone["signals"] = json!([
        {"phrases": ["mijn", "privé*"], "within": 4},
        {"pattern": "bel|app", "within": 3}
    ]);
    let near = rule(
        "door",
        json!({"type": "near", "groups": [["deur"], ["open"], ["rookruimte"]], "within": 4}),
    );
    let plain = rule("geheim", json!({"type": "phrases", "phrases": ["geheim"]}));
    let e = engine(json!([phone, near, plain]));
    let confidence = |text: &str, rule: &str| -> Vec<u8> {
        e.scan(text)
            .unwrap()
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.confidence)
            .collect()
    };
    // A validated number alone: the match plus its checksum-like validation.
    assert_eq!(confidence("Het nummer is 06-12345678.", "phone"), [2]);
    // Each signal near it adds one; a signal far away does not.
    assert_eq!(confidence("Bel mijn privénummer 06-12345678", "phone"), [4]);
    assert_eq!(
        confidence(
            "Mijn fiets is gestolen. Verder niets. Helemaal niets. Het nummer is 06-12345678",
            "phone"
        ),
        [2]
    );
    // A near match counts each further group it needed.
    assert_eq!(
        confidence("de deur bij de rookruimte staat open", "door"),
        [3]
    );
    assert_eq!(confidence("dat is geheim", "geheim"), [1]);
}

#[test]
fn signals_are_validated_like_exceptions() {
    let mut bad = rule("r", json!({"type": "phrases", "phrases": ["x"]}));
    bad["signals"] = json!([{}, {"pattern": "(", "within": 2}]);
    let err = Engine::from_json(&common::bundle_with(json!([bad])).to_string()).unwrap_err();
    let fields: Vec<String> = err.problems().iter().map(|p| p.field.clone()).collect();
    assert!(fields.iter().any(|f| f == "signals[0]"), "{fields:?}");
    assert!(
        fields.iter().any(|f| f == "signals[1].pattern"),
        "{fields:?}"
    );
}

#[test]
fn near_groups_can_be_patterns() {
    let e = engine(json!([rule(
        "man",
        json!({"type": "near", "groups": [["die", "deze"], {"pattern": r"\b(man|vrouw)\b"}, ["vergunning*"]], "within": 3})
    )]));
    assert_eq!(
        scan(&e, "Die Eritrese man heeft vandaag een vergunning gekregen"),
        [(
            "man".to_string(),
            "Die Eritrese man heeft vandaag een vergunning".to_string()
        )]
    );
    assert!(scan(&e, "Die Eritrese mannen hebben vandaag een vergunning").is_empty());

    let bad = rule(
        "bad",
        json!({"type": "near", "groups": [["x"], {"pattern": "("}], "within": 3}),
    );
    let err = Engine::from_json(&common::bundle_with(json!([bad])).to_string()).unwrap_err();
    assert_eq!(err.problems()[0].field, "match.groups[1].pattern", "{err}");
}

#[test]
fn named_lists_are_shared_by_rules() {
    let mut a = rule(
        "a",
        json!({"type": "phrases", "phrases": ["list:organisation"]}),
    );
    // Another category: a finding inside one of its own category would be left out.
    a["category"] = json!("speaking-for-organisation");
    let mut bundle = common::bundle_with(json!([
        a,
        rule(
            "b",
            json!({"type": "near", "groups": [["budget*"], ["list:organisation"]], "within": 2})
        ),
    ]));
    bundle["lists"] = json!({"organisation": ["gemeente*", "ministerie"]});
    let e = Engine::from_json(&bundle.to_string()).unwrap();
    assert_eq!(
        scan(&e, "budget van de gemeentes"),
        [
            ("b".to_string(), "budget van de gemeentes".to_string()),
            ("a".to_string(), "gemeentes".to_string())
        ]
    );

    bundle["lists"] = json!({"Bad Name": [], "nested": ["list:organisation"]});
    let err = Engine::from_json(&bundle.to_string()).unwrap_err();
    let fields: Vec<String> = err.problems().iter().map(|p| p.field.clone()).collect();
    for field in [
        "lists.Bad Name",
        "lists.nested[0]",
        "match.phrases[0]",
        "match.groups[1][0]",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    assert!(
        err.problems()
            .iter()
            .any(|p| p.to_string().contains("unknown list `list:organisation`")),
        "{err}"
    );
}
