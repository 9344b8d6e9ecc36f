//! Properties every scan has, for any text and every built-in pack: exact offsets in both
//! encodings, the documented order, no overlap within a rule, stability when unrelated text is
//! appended, and a clean error past the length limit.
//!
//! The default case counts keep this file to seconds in a debug build; set `PROPTEST_CASES`
//! for a longer run (`PROPTEST_CASES=2000 cargo test -p postwacht-engine --test properties`).

mod common;

use std::collections::HashMap;
use std::sync::OnceLock;

use common::{engine, rule, utf16_slice};
use postwacht_engine::{packs, Engine, Finding, ScanError};
use proptest::prelude::*;
use serde_json::json;
use unicode_normalization::UnicodeNormalization;

/// `PROPTEST_CASES` when set, else `default`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases(cases)
}

/// Every built-in pack, compiled once: compiling five packs per case would dominate the run.
fn engines() -> &'static [(String, Engine)] {
    static ENGINES: OnceLock<Vec<(String, Engine)>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        packs::names()
            .into_iter()
            .map(|name| {
                let engine = packs::engine(&name).unwrap();
                (name, engine)
            })
            .collect()
    })
}

fn default_engine() -> &'static Engine {
    &engines()
        .iter()
        .find(|(name, _)| name == packs::DEFAULT_PACK)
        .unwrap()
        .1
}

/// Every flag example of every pack: texts known to contain what the rules look for.
fn risky_examples() -> &'static [String] {
    static EXAMPLES: OnceLock<Vec<String>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let mut all: Vec<String> = engines()
            .iter()
            .flat_map(|(_, e)| e.bundle().rules.iter())
            .flat_map(|r| r.examples.flag.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    })
}

/// Identifiers the detectors validate, and near misses of each.
const IDENTIFIERS: &[&str] = &[
    "BSN 123456782",
    "123.456.782",
    "123456789",
    "NL91 ABNA 0417 1643 00",
    "NL91ABNA0417164301",
    "BE68 5390 0754 7034",
    "06-12345678",
    "+31 6 12345678",
    "+32 470 12 34 56",
    "85.07.30-033.28",
    "jan.jansen@minbzk.nl",
    "a@b",
    "10.0.0.1",
    "256.1.1.1",
    "fe80::1",
    "2001:db8::8a2e:370:7334",
    "Kerkstraat 12, 9401 AB Assen",
    "9401AB",
    "Windows 7",
    "Exchange 2013 CU23",
    "4111 1111 1111 1111",
    "4111 1111 1111 1112",
];

/// Characters that break naive offset arithmetic or word boundaries.
const ODDITIES: &[&str] = &[
    "😀",
    "👩‍💻",
    "🏳️‍🌈",
    "👨‍👩‍👧‍👦",
    "🇳🇱",
    "👍🏽",
    "e\u{301}",
    "\u{301}",
    "a\u{308}\u{304}",
    "\u{200d}",
    "\u{200b}",
    "\u{feff}",
    "\r\n",
    "\r",
    "\n",
    "\u{2028}",
    "\u{2029}",
    "\u{a0}",
    "\u{200e}",
    "\u{200f}",
    "\u{202e}",
    "\u{2067}",
    "\u{2069}",
    "שלום",
    "مرحبا",
    "ß",
    "İ",
    "ﬁ",
    "Ｇｅｈｅｉｍ",
    "１２３",
    "’",
    "—",
    " ",
    ". ",
    ", ",
    "\t",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(risky_examples()),
        2 => prop::sample::select(IDENTIFIERS).prop_map(str::to_string),
        3 => prop::sample::select(ODDITIES).prop_map(str::to_string),
        1 => any::<String>(),
        1 => "[a-zA-Zé ëÉ0-9_\u{301}\u{200d}🙂.,:;!?'@+#/\n\r-]{0,16}",
    ]
}

/// Any text: risky examples, identifiers and odd characters glued together, with arbitrary
/// Unicode in between.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..10).prop_map(|parts| parts.concat())
}

/// Each rule's position in its bundle: the tie-breaker of the documented order.
fn rule_order(engine: &Engine) -> HashMap<&str, usize> {
    engine
        .bundle()
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect()
}

fn check_offsets(text: &str, findings: &[Finding]) -> Result<(), TestCaseError> {
    for f in findings {
        prop_assert_eq!(&text[f.byte_start..f.byte_end], f.text.as_str());
        // Slicing to the right text is not enough: a repeated word would slice the same at
        // another occurrence. Each UTF-16 offset must count the units before its byte offset.
        prop_assert_eq!(f.start, text[..f.byte_start].encode_utf16().count());
        prop_assert_eq!(f.end, text[..f.byte_end].encode_utf16().count());
        prop_assert_eq!(utf16_slice(text, f.start, f.end), f.text.clone());
        prop_assert!(f.byte_start < f.byte_end, "empty finding {:?}", f);
    }
    Ok(())
}

fn check_order(engine: &Engine, findings: &[Finding]) -> Result<(), TestCaseError> {
    let order = rule_order(engine);
    let key = |f: &Finding| (f.byte_start, f.byte_end, order[f.rule.as_str()]);
    for pair in findings.windows(2) {
        // Strictly: one rule never reports the same span twice.
        prop_assert!(
            key(&pair[0]) < key(&pair[1]),
            "{:?} before {:?}",
            pair[0],
            pair[1]
        );
        prop_assert!((pair[0].start, pair[0].end) <= (pair[1].start, pair[1].end));
    }
    for (i, a) in findings.iter().enumerate() {
        for b in &findings[i + 1..] {
            prop_assert!(
                a.rule != b.rule || a.byte_end <= b.byte_start,
                "{:?} overlaps {:?}",
                a,
                b
            );
        }
    }
    Ok(())
}

/// The documented de-duplication: a finding inside another finding of the same category and at
/// least its severity is left out.
fn check_not_nested(engine: &Engine, findings: &[Finding]) -> Result<(), TestCaseError> {
    let severity = |f: &Finding| {
        engine
            .bundle()
            .rules
            .iter()
            .find(|r| r.id == f.rule)
            .map(|r| r.severity)
            .unwrap()
    };
    for (i, inner) in findings.iter().enumerate() {
        for (j, outer) in findings.iter().enumerate() {
            prop_assert!(
                i == j
                    || outer.category != inner.category
                    || severity(outer) < severity(inner)
                    || !(outer.byte_start <= inner.byte_start && inner.byte_end <= outer.byte_end),
                "{:?} lies inside {:?}",
                inner,
                outer
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    /// Any text, every pack: each finding's UTF-8 and UTF-16 offsets point at exactly its text,
    /// findings come sorted, and one rule's findings never overlap. One scan serves all three
    /// checks: scanning with five packs is most of what a case costs.
    #[test]
    fn every_finding_is_exact_sorted_and_apart_from_its_rules_others(text in text()) {
        for (_, engine) in engines() {
            let findings = engine.scan(&text).unwrap();
            check_offsets(&text, &findings)?;
            check_order(engine, &findings)?;
        }
    }

    /// None repeats a finding around it: a finding inside another of the same category and at
    /// least its severity is left out, as `Engine::scan_with` documents.
    #[test]
    fn no_finding_repeats_one_around_it(text in text()) {
        for (_, engine) in engines() {
            check_not_nested(engine, &engine.scan(&text).unwrap())?;
        }
    }
}

/// Words, emoji and punctuation that no rule of any pack looks for, excepts or counts as a
/// signal (`neutral_words_are_in_no_rule` checks it): what "unrelated text" is made of.
const NEUTRAL: &[&str] = &[
    "zonnebloem",
    "vlinder",
    "sneeuwpop",
    "schildpad",
    "walvis",
    "pinguïn",
    "kastanje",
    "paddenstoel",
    "hagelslag",
    "hérisson",
    "papillon",
    "tournesol",
    "hedgehog",
    "butterfly",
    "sunflower",
    "merel",
    "🌻",
    "🦔",
    "🐧",
    "🦋",
    "!",
    ",",
    ".",
];

/// Lower case, accents off: close enough to the engine's folding to compare words.
fn fold(s: &str) -> String {
    s.to_lowercase()
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

#[test]
fn neutral_words_are_in_no_rule() {
    for (name, engine) in engines() {
        let bundle = engine.bundle();
        // Everything a rule matches on or looks for around a match: (is a regex, text).
        let mut looked_for: Vec<(bool, String)> = bundle
            .lists
            .values()
            .flatten()
            .map(|s| (false, s.clone()))
            .collect();
        for r in &bundle.rules {
            let value = json!([r.matcher, r.unless, r.signals]);
            collect_strings(&value, false, &mut looked_for);
        }
        for entry in &mut looked_for {
            entry.1 = fold(&entry.1);
        }
        // Punctuation is in many patterns as sentence context (`[.!?]\s+`), always beside
        // words of the pattern's own; the property below shows it adds nothing on its own.
        for word in NEUTRAL
            .iter()
            .filter(|w| !w.chars().all(|c| c.is_ascii_punctuation()))
        {
            let word = fold(word);
            for (pattern, s) in &looked_for {
                // A phrase matches whole words, so only one with a wildcard can match inside a
                // word (`*bloem` would match `zonnebloem`).
                let wildcard_inside =
                    !pattern && s.contains('*') && word.contains(s.trim_matches('*').trim());
                assert!(
                    !s.contains(&word) && !wildcard_inside,
                    "{name}: `{word}` is in `{s}`"
                );
            }
        }
    }
}

fn collect_strings(value: &serde_json::Value, pattern: bool, out: &mut Vec<(bool, String)>) {
    match value {
        serde_json::Value::String(s) => out.push((pattern, s.clone())),
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| collect_strings(v, pattern, out))
        }
        serde_json::Value::Object(fields) => fields
            .iter()
            .filter(|(k, _)| k.as_str() != "type")
            .for_each(|(k, v)| collect_strings(v, pattern || k == "pattern", out)),
        _ => {}
    }
}

fn neutral_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(NEUTRAL), 1..12).prop_map(|w| w.join(" "))
}

/// How a paragraph ends, as the extension's flattener and a pasted text write it.
fn paragraph_break() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["\n", "\n\n", "\r\n", "\r\n\r\n", "\u{2029}"][..])
}

proptest! {
    #![proptest_config(config(32))]

    /// Typing on after a paragraph break, about something else, changes nothing already found:
    /// every finding of the text stays, with the same offsets and confidence, and nothing new
    /// appears. This holds for neutral text only: a rule may rightly look across the break
    /// (`unless` and `signals` without `within` read the whole text, `near` and `within`
    /// count words across lines), so a risky word after the break can suppress, support or
    /// complete a finding before it.
    #[test]
    fn appending_an_unrelated_paragraph_changes_no_finding(
        text in text(),
        separator in paragraph_break(),
        unrelated in neutral_text(),
    ) {
        let longer = format!("{text}{separator}{unrelated}");
        for (name, engine) in engines() {
            prop_assert!(engine.scan(&unrelated).unwrap().is_empty(), "{} finds something in {:?}", name, unrelated);
            let before = engine.scan(&text).unwrap();
            let after = engine.scan(&longer).unwrap();
            prop_assert_eq!(&after, &before, "{}", name);
        }
    }
}

/// Why the property above needs neutral text: by design, a paragraph break is white space like
/// any other, and context is read across it.
#[test]
fn a_paragraph_break_does_not_stop_phrases_or_context() {
    let mut memo = rule(
        "memo",
        json!({"type": "phrases", "phrases": ["intern memo"]}),
    );
    memo["unless"] = json!([{"phrases": ["satire"]}]);
    let mut door = rule(
        "door",
        json!({"type": "near", "groups": [["deur"], ["open"]], "within": 2}),
    );
    door["signals"] = json!([{"phrases": ["nachtdienst"], "within": 3}]);
    let e = engine(json!([memo, door]));
    let found = |text: &str| -> Vec<(String, String, u8)> {
        e.scan(text)
            .unwrap()
            .into_iter()
            .map(|f| (f.rule, f.text, f.confidence))
            .collect()
    };
    let one = |rule: &str, text: &str, confidence: u8| vec![(rule.into(), text.into(), confidence)];
    // A phrase spans the break.
    assert_eq!(
        found("dit is intern\n\nmemo"),
        one("memo", "intern\n\nmemo", 1)
    );
    // An exception after the break suppresses a finding before it.
    assert_eq!(found("een intern memo"), one("memo", "intern memo", 1));
    assert!(found("een intern memo\n\nsatire natuurlijk").is_empty());
    // `near` completes across it, and a signal after it raises the confidence.
    assert!(found("de deur").is_empty());
    assert_eq!(
        found("de deur\nstaat open"),
        one("door", "deur\nstaat open", 2)
    );
    assert_eq!(
        found("de deur staat open\n\nnachtdienst"),
        one("door", "deur staat open", 3)
    );
}

/// A text limit small enough that generated texts fall on both sides of it.
const SMALL_LIMIT: usize = 96;

/// Rules of every matcher kind, built twice: with the small limit and with the default one.
/// (Compiling a pack once more would double this file's run time; the limit is checked before
/// any rule runs.)
fn limited_and_unlimited() -> &'static (Engine, Engine) {
    static ENGINES: OnceLock<(Engine, Engine)> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let mut near = rule(
            "near",
            json!({"type": "near", "groups": [["deur"], ["open"]], "within": 3}),
        );
        near["unless"] = json!([{"phrases": ["grap"], "within": 5}]);
        let bundle = common::bundle_with(json!([
            rule(
                "phrases",
                json!({"type": "phrases", "phrases": ["geheim", "intern memo"]})
            ),
            rule(
                "regex",
                json!({"type": "regex", "pattern": r"\bdossier\w*"})
            ),
            rule("bsn", json!({"type": "detector", "detector": "nl-bsn"})),
            rule("phone", json!({"type": "detector", "detector": "phone-nl"})),
            near,
        ]))
        .to_string();
        let limited = Engine::builder()
            .max_text_bytes(SMALL_LIMIT)
            .try_build_json(bundle.as_bytes())
            .unwrap();
        (limited, Engine::from_json(&bundle).unwrap())
    })
}

proptest! {
    #![proptest_config(config(64))]

    /// Up to the limit the limit changes nothing; past it the scan is refused with the sizes,
    /// never cut short.
    #[test]
    fn texts_past_the_limit_are_refused_with_their_size(text in text()) {
        let (limited, unlimited) = limited_and_unlimited();
        match limited.scan(&text) {
            Ok(findings) => {
                prop_assert!(text.len() <= SMALL_LIMIT);
                prop_assert_eq!(findings, unlimited.scan(&text).unwrap());
            }
            Err(err) => {
                prop_assert!(text.len() > SMALL_LIMIT);
                prop_assert_eq!(&err, &ScanError::TextTooLong { given: text.len(), limit: SMALL_LIMIT });
                prop_assert_eq!(err.to_string(), format!("text is {} bytes; the limit is {SMALL_LIMIT}", text.len()));
            }
        }
    }
}

#[test]
fn the_limit_is_inclusive_and_counts_utf8_bytes() {
    // 32 three-byte characters: 96 bytes but only 32 UTF-16 units.
    let at_limit = "€".repeat(SMALL_LIMIT / 3);
    let (limited, _) = limited_and_unlimited();
    assert!(limited.scan(&at_limit).is_ok());
    let over = format!("{at_limit}a");
    assert_eq!(
        limited.scan(&over).unwrap_err().to_string(),
        "text is 97 bytes; the limit is 96"
    );
}

#[test]
fn every_pack_refuses_a_text_past_the_default_limit() {
    let text = "geheim ".repeat((4 << 20) / 7 + 1);
    for (name, engine) in engines() {
        assert_eq!(
            engine.scan(&text),
            Err(ScanError::TextTooLong {
                given: text.len(),
                limit: 4 << 20
            }),
            "{name}"
        );
    }
}

/// What `no_finding_repeats_one_around_it` found (now fixed): a finding inside a more severe
/// (or equally severe) one of its category was kept when a less severe one of that category,
/// starting in between, reached further right.
#[test]
fn a_finding_inside_a_more_severe_one_is_left_out_even_behind_a_longer_weaker_one() {
    let phrases = |id: &str, severity: &str, phrase: &str| {
        let mut r = rule(id, json!({"type": "phrases", "phrases": [phrase]}));
        r["severity"] = json!(severity);
        r
    };
    let e = engine(json!([
        phrases("outer", "block", "een twee drie vier"),
        phrases("longer", "info", "twee drie vier vijf"),
        phrases("inner", "warn", "drie"),
    ]));
    let found: Vec<String> = e
        .scan("een twee drie vier vijf zes")
        .unwrap()
        .into_iter()
        .map(|f| f.rule)
        .collect();
    assert_eq!(found, ["outer", "longer"]);
}

/// The same with the default pack, as `no_finding_repeats_one_around_it` found it: the warning
/// from 46 to 111 lies inside the one from 0 to 122, but the info from 46 to 158 is the one it
/// is compared with.
#[test]
fn the_default_pack_says_an_official_channel_warning_once() {
    let text = "Je travaille à la Région et je vous partage en avant-première la nouvelle carte \
                des zones 30, la publication officielle suivra. Kerkstraat 12, 9401 AB Assen";
    let official: Vec<(String, usize)> = default_engine()
        .scan(text)
        .unwrap()
        .into_iter()
        .filter(|f| f.category == postwacht_engine::Category::OfficialChannel)
        .map(|f| (f.rule, f.byte_start))
        .collect();
    assert_eq!(
        official,
        [
            ("rijk-werknieuws-voor-publicatie".to_string(), 0),
            ("assen-join-archiveren".to_string(), 46),
        ]
    );
}
