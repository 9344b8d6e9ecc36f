//! What each fuzz target does with one input, and the invariants it asserts.
//!
//! The targets in `fuzz/fuzz_targets/` are one line each: they hand libFuzzer's bytes to a
//! function here. `crates/engine/tests/fuzz_regressions.rs` includes this same file (with
//! `#[path]`) and replays every committed seed and crash input through the same functions, so
//! `cargo test` checks them without cargo-fuzz or a nightly toolchain. That is why this file
//! uses nothing but the engine, `serde_json` and `regex` (all of them available to the engine's
//! own tests) and declares no submodules.
//!
//! Every function panics when an invariant does not hold: that is what libFuzzer reports as a
//! crash, and what fails the regression test.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use postwacht_engine::signed::{
    accept, key_id, public_key, reload, sha256_hex, sign, unverified_payload, RatchetEntry, Trust,
};
use postwacht_engine::{packs, Engine, Finding, Lang, PolicyError, ScanOptions};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Findings

/// Asserts what must hold for the findings of any text under any engine:
/// - each finding's `byte_start..byte_end` lies on character boundaries of `text` and slices to
///   `finding.text`;
/// - its UTF-16 `start..end` counts the UTF-16 units of `text` before those same boundaries;
/// - rule, category, severity and clauses are those of a rule of the engine, and that rule is
///   written for the language asked for (when one was);
/// - findings are strictly sorted by (byte start, byte end, rule order);
/// - one rule's findings never overlap (overlapping matches are merged);
/// - no finding lies inside another of the same category and at least its severity (the scan
///   leaves those out: `Engine::scan_with`'s documented contract).
pub fn check_findings(engine: &Engine, text: &str, options: &ScanOptions, findings: &[Finding]) {
    // UTF-16 offset of every character boundary; `usize::MAX` inside a character.
    let mut utf16 = vec![usize::MAX; text.len() + 1];
    let mut units = 0;
    for (at, c) in text.char_indices() {
        utf16[at] = units;
        units += c.len_utf16();
    }
    utf16[text.len()] = units;

    let rules = &engine.bundle().rules;
    let mut order = Vec::with_capacity(findings.len());
    for f in findings {
        assert!(
            f.byte_start <= f.byte_end && f.byte_end <= text.len(),
            "byte span {}..{} outside a text of {} bytes: {f:?}",
            f.byte_start,
            f.byte_end,
            text.len()
        );
        assert!(
            text.is_char_boundary(f.byte_start) && text.is_char_boundary(f.byte_end),
            "byte span {}..{} splits a character: {f:?}",
            f.byte_start,
            f.byte_end
        );
        assert_eq!(text[f.byte_start..f.byte_end], f.text, "byte span of {f:?}");
        assert_eq!(
            (f.start, f.end),
            (utf16[f.byte_start], utf16[f.byte_end]),
            "UTF-16 span of {f:?}"
        );
        assert!(f.confidence >= 1, "confidence 0: {f:?}");
        let r = rules
            .iter()
            .position(|r| r.id == f.rule)
            .unwrap_or_else(|| panic!("finding of a rule the engine does not have: {f:?}"));
        let rule = &rules[r];
        assert_eq!(
            (f.category, f.severity, &f.clauses),
            (rule.category, rule.severity, &rule.clauses),
            "finding does not carry its rule's category, severity and clauses: {f:?}"
        );
        if let Some(lang) = options.lang {
            assert!(
                rule.languages.is_empty() || rule.languages.contains(&lang),
                "rule `{}` is not written for {lang:?} but reported: {f:?}",
                rule.id
            );
        }
        order.push((f.byte_start, f.byte_end, r));
    }
    for pair in order.windows(2) {
        assert!(
            pair[0] < pair[1],
            "findings not sorted by (start, end, rule): {:?} then {:?}",
            pair[0],
            pair[1]
        );
    }
    for (i, a) in findings.iter().enumerate() {
        for b in &findings[i + 1..] {
            if a.rule == b.rule {
                assert!(
                    a.byte_end <= b.byte_start,
                    "one rule's findings overlap: {a:?} and {b:?}"
                );
            }
            for (outer, inner) in [(a, b), (b, a)] {
                assert!(
                    !(outer.category == inner.category
                        && outer.severity >= inner.severity
                        && outer.byte_start <= inner.byte_start
                        && inner.byte_end <= outer.byte_end),
                    "a finding inside another of its category and at least its severity was \
                     kept: {inner:?} inside {outer:?}"
                );
            }
        }
    }
}

/// Scans `text` with `options`, asserts the scan succeeds (every text here is far below the
/// length limit) and checks its findings.
pub fn scan_checked(engine: &Engine, text: &str, options: &ScanOptions) -> Vec<Finding> {
    let findings = engine
        .scan_with(text, options)
        .unwrap_or_else(|e| panic!("scan of {} bytes failed: {e}", text.len()));
    check_findings(engine, text, options, &findings);
    findings
}

/// The language option a selector byte picks: no hint, or one of the three languages.
pub fn lang_option(selector: u8) -> ScanOptions {
    ScanOptions {
        lang: match selector % 4 {
            0 => None,
            n => Some(Lang::ALL[usize::from(n) - 1]),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Target `scan`

/// Every built-in pack, compiled once per process (as the extension does).
pub fn pack_engines() -> &'static [(String, Engine)] {
    static ENGINES: OnceLock<Vec<(String, Engine)>> = OnceLock::new();
    ENGINES.get_or_init(|| {
        packs::names()
            .into_iter()
            .map(|name| {
                let engine = packs::engine(&name).unwrap_or_else(|e| panic!("pack {name}: {e}"));
                (name, engine)
            })
            .collect()
    })
}

/// `scan`: the first byte picks the language option (`'0'` none, `'1'` nl, `'2'` fr, `'3'`
/// en, and so on modulo 4), the rest is the text (invalid UTF-8 replaced by U+FFFD, as a
/// browser's string would hold it). Scanned with every built-in pack.
pub fn scan_input(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let options = lang_option(selector);
    let text = String::from_utf8_lossy(rest);
    for (_, engine) in pack_engines() {
        scan_checked(engine, &text, &options);
    }
}

// ---------------------------------------------------------------------------------------------
// Target `bundle`

/// Texts every bundle that builds is made to scan: Dutch, French and English risk phrases,
/// identifiers that validate, and the characters that make offsets and word boundaries hard.
pub const BUNDLE_TEXTS: &[&str] = &[
    "Mijn BSN is 111222333 en mijn IBAN NL91ABNA0417164300; mail jan@example.nl of bel \
     06-12345678. Het dossier van die cliënt is strikt vertrouwelijk!",
    "Je ne peux pas en parler : c'est confidentiel 🤫 — le serveur tourne sous Windows Server \
     2012 R2, IP 10.0.0.1.\r\nCafé\u{301} 👩‍👩‍👧 e\u{301}é ǅ İ ß ﬃ \u{200b}\u{feff}",
];

/// `bundle`: the bytes as bundle JSON, parsed, validated and compiled with default limits.
/// A refusal must be the right kind of error and print; a bundle that builds must scan the
/// fixed texts within the invariants of [`check_findings`] and run its own examples.
pub fn bundle_input(data: &[u8]) {
    match Engine::builder().try_build_json(data) {
        Ok(engine) => {
            for text in BUNDLE_TEXTS {
                for selector in [0, 1] {
                    scan_checked(&engine, text, &lang_option(selector));
                }
            }
            let (failures, _) = engine.check_examples();
            for failure in failures {
                assert!(!failure.to_string().is_empty());
            }
        }
        Err(error) => check_policy_error(data, &error),
    }
}

/// A refused bundle: the error must match what is wrong with the bytes, and print.
pub fn check_policy_error(data: &[u8], error: &PolicyError) {
    // `Display` indexes the first problem: an `Invalid` without problems would panic here.
    let message = error.to_string();
    assert!(!message.is_empty());
    for problem in error.problems() {
        assert!(!problem.to_string().is_empty());
    }
    match std::str::from_utf8(data) {
        Err(e) => assert_eq!(
            *error,
            PolicyError::NotUtf8 {
                offset: e.valid_up_to()
            },
            "bytes that are not UTF-8"
        ),
        Ok(text) => match serde_json::from_str::<Value>(text) {
            Err(_) => assert!(
                matches!(error, PolicyError::Syntax { line, column, .. } if *line >= 1 && *column <= text.len() + 1),
                "text that is not JSON refused as {error:?}"
            ),
            Ok(_) => assert!(
                matches!(error, PolicyError::Invalid(p) if !p.is_empty()),
                "JSON refused as {error:?}"
            ),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Target `bundle_structured`

/// Reads choices from fuzz bytes; past the end every choice is 0, so any input decodes.
pub struct Choices<'a> {
    data: &'a [u8],
}

impl<'a> Choices<'a> {
    /// Choices read from `data`.
    pub fn new(data: &'a [u8]) -> Choices<'a> {
        Choices { data }
    }

    /// The next byte.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A number below `n` (`n` at most 256).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Up to `max` raw bytes, as text (invalid UTF-8 replaced).
    pub fn raw_text(&mut self, max: usize) -> String {
        let n = self.below(max + 1).min(self.data.len());
        let (taken, rest) = self.data.split_at(n);
        self.data = rest;
        String::from_utf8_lossy(taken).into_owned()
    }
}

/// Words the generated phrases, patterns and texts share, so that rules do match.
const WORDS: &[&str] = &[
    "geheim",
    "dossier",
    "cliënt",
    "client",
    "bsn",
    "vertrouwelijk",
    "confidentiel",
    "secret",
    "Café",
    "e\u{301}",
    "ß",
    "İ",
    "🤫",
    "ik",
    "de",
    "a",
    "ab",
    "111222333",
    "NL91ABNA0417164300",
    "jan@example.nl",
    "06-12345678",
    "10.0.0.1",
];

/// Characters between words in generated texts.
const GAPS: &[&str] = &[
    " ", "  ", "\n", "\r\n", "\t", ", ", ". ", "!", "-", "'", "\u{a0}", "\u{200b}", "",
];

/// Regex building blocks: literals, classes, assertions.
const ATOMS: &[&str] = &[
    "geheim",
    "dossier",
    "cli[eë]nt",
    "é",
    "🤫",
    "a",
    "\\w",
    "\\d",
    "\\s",
    "\\W",
    "[a-zé]",
    "[^ ]",
    ".",
    "\\b",
    "\\B",
    "^",
    "$",
    "(?m:^)",
    "(?m:$)",
    "\\d{9}",
    "(?-u:\\b)",
    "",
];

const REPEATS: &[&str] = &["", "", "*", "+", "?", "{0,3}", "{2}", "{1,60}", "*?", "+?"];

const CATEGORIES: &[&str] = &[
    "confidential",
    "individual-case",
    "contradict-official",
    "organisation-finances",
    "speaking-for-organisation",
    "it-security",
    "physical-security",
    "personal-data",
    "offensive",
    "employer-criticism",
    "official-channel",
    "irony",
    "empty-promise",
    "uniform-weapon",
];

const DETECTORS: &[&str] = &[
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
    "no-such-detector",
];

fn regex(c: &mut Choices, depth: usize) -> String {
    match c.below(8) {
        // An author's own text, whatever it is.
        0 => c.raw_text(24),
        1 if depth < 3 => format!("(?:{}|{})", regex(c, depth + 1), regex(c, depth + 1)),
        2 if depth < 3 => format!("(?:{}){}", regex(c, depth + 1), c.pick(REPEATS)),
        3 if depth < 3 => format!("(?i:{})", regex(c, depth + 1)),
        _ => {
            let n = 1 + c.below(4);
            (0..n)
                .map(|_| format!("{}{}", c.pick(ATOMS), c.pick(REPEATS)))
                .collect()
        }
    }
}

fn phrase(c: &mut Choices) -> String {
    let mut p = match c.below(6) {
        0 => c.raw_text(12),
        1 => format!("{} {}", c.pick(WORDS), c.pick(WORDS)),
        _ => c.pick(WORDS).to_string(),
    };
    if c.below(4) == 0 {
        p.push('*');
    }
    if c.below(6) == 0 {
        p.insert(0, '*');
    }
    p
}

fn phrases(c: &mut Choices) -> Vec<String> {
    (0..1 + c.below(3)).map(|_| phrase(c)).collect()
}

fn context(c: &mut Choices) -> Value {
    let within = c.below(12);
    let mut context = match c.below(3) {
        0 => json!({"phrases": phrases(c)}),
        1 => json!({"pattern": regex(c, 1)}),
        _ => json!({"values": [c.pick(WORDS), c.raw_text(10)]}),
    };
    // 0 to 9 words, or none (anywhere in the text); 10 and 11 stay absent.
    if within < 10 && context.get("values").is_none() {
        context["within"] = json!(within);
    }
    context
}

/// A generated rule, and what it promises to the differential check.
struct GeneratedRule {
    json: Value,
    /// A regex rule: its pattern.
    regex: Option<RegexRule>,
}

/// A regex rule, for comparing its findings with the `regex` crate's matches.
#[derive(Clone, Debug)]
pub struct RegexRule {
    /// The pattern.
    pub pattern: String,
    /// Whether it is case-insensitive.
    pub case_insensitive: bool,
    /// Whether it has `unless` exceptions, which may drop some matches.
    pub has_exceptions: bool,
}

fn rule(c: &mut Choices, index: usize, category: &str) -> GeneratedRule {
    let mut regex_rule = None;
    let matcher = match c.below(4) {
        0 => {
            let pattern = regex(c, 0);
            let ci = c.below(2) == 0;
            regex_rule = Some(RegexRule {
                pattern: pattern.clone(),
                case_insensitive: ci,
                has_exceptions: false,
            });
            json!({"type": "regex", "pattern": pattern, "case_insensitive": ci})
        }
        1 => json!({"type": "phrases", "phrases": phrases(c)}),
        2 => {
            let groups: Vec<Value> = (0..2 + c.below(2))
                .map(|_| match c.below(3) {
                    0 => json!({"pattern": regex(c, 1)}),
                    _ => json!(phrases(c)),
                })
                .collect();
            json!({"type": "near", "groups": groups, "within": c.below(10)})
        }
        _ => json!({"type": "detector", "detector": c.pick(DETECTORS)}),
    };
    let mut rule = json!({
        "id": format!("r{index}"),
        "category": category,
        "severity": c.pick(&["info", "warn", "block"]),
        "clauses": ["c1"],
        "match": matcher,
        "message": {"nl": "Let op."},
    });
    match c.below(4) {
        0 => rule["languages"] = json!(["nl"]),
        1 => rule["languages"] = json!(["fr", "en"]),
        _ => {}
    }
    if c.below(3) == 0 {
        rule["unless"] = json!([context(c)]);
        if let Some(r) = &mut regex_rule {
            r.has_exceptions = true;
        }
    }
    if c.below(3) == 0 {
        rule["signals"] = json!([context(c)]);
    }
    GeneratedRule {
        json: rule,
        regex: regex_rule,
    }
}

fn text(c: &mut Choices) -> String {
    let mut text = String::new();
    for _ in 0..c.below(40) {
        match c.below(10) {
            0 => text.push_str(&c.raw_text(8)),
            1..=5 => text.push_str(c.pick(WORDS)),
            _ => text.push_str(c.pick(GAPS)),
        }
    }
    text
}

/// A generated bundle JSON and a text to scan with it.
pub struct Generated {
    /// The bundle.
    pub bundle: Value,
    /// The text.
    pub text: String,
    /// Rule id → regex rule, when every rule has its own category: then no other rule's finding
    /// can hide one of its findings, so they are exactly the pattern's non-empty matches (some
    /// of them, with exceptions).
    pub regex_rules: BTreeMap<String, RegexRule>,
}

/// Decodes fuzz bytes into one to three rules (regex, phrases, near or detector, with or
/// without exceptions, signals and languages) around a fixed document and clause, and a text
/// made of the same words.
pub fn generate(data: &[u8]) -> Generated {
    let mut c = Choices::new(data);
    // Either each rule its own category (the differential check applies), or all from two
    // categories (findings nest inside each other, exercising what the scan leaves out).
    let distinct = c.below(2) == 0;
    let first = c.below(CATEGORIES.len());
    let mut rules = Vec::new();
    let mut regex_rules = BTreeMap::new();
    for i in 0..1 + c.below(3) {
        let category = if distinct {
            CATEGORIES[(first + i) % CATEGORIES.len()]
        } else {
            CATEGORIES[(first + c.below(2)) % CATEGORIES.len()]
        };
        let generated = rule(&mut c, i, category);
        if let (true, Some(regex)) = (distinct, generated.regex) {
            regex_rules.insert(format!("r{i}"), regex);
        }
        rules.push(generated.json);
    }
    let text = text(&mut c);
    let bundle = json!({
        "id": "fuzz", "version": 1, "issued": "2026-01-01", "organisation": "Fuzz",
        "languages": ["nl", "fr", "en"],
        "documents": [{"id": "doc", "title": "Doc", "organisation": "Org", "language": "nl"}],
        "clauses": [{"id": "c1", "document": "doc", "reference": "regel 1", "title": {"nl": "T"},
                     "text": "Tekst.", "explanation": {"nl": "Uitleg."}, "advice": {"nl": "Advies."}}],
        "rules": rules,
    });
    Generated {
        bundle,
        text,
        regex_rules,
    }
}

/// The matches the `regex` crate gives: every non-empty match, left to right. `None` when it
/// will not compile the pattern (its limits differ from the engine's).
pub fn reference_matches(
    pattern: &str,
    case_insensitive: bool,
    text: &str,
) -> Option<Vec<(usize, usize)>> {
    let regex = regex::RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .build()
        .ok()?;
    Some(
        regex
            .find_iter(text)
            .filter(|m| !m.is_empty())
            .map(|m| (m.start(), m.end()))
            .collect(),
    )
}

/// `bundle_structured`: a generated bundle ([`generate`]). When it builds, the text is scanned
/// with every language option under the invariants of [`check_findings`]; the same bundle
/// compiled with deferred regexes must find exactly the same; and each regex rule that nothing
/// can hide must report exactly the `regex` crate's matches of its pattern (a subset of them when
/// it has exceptions).
pub fn structured_input(data: &[u8]) {
    let generated = generate(data);
    let json = generated.bundle.to_string();
    let engine = match Engine::builder().try_build_json(json.as_bytes()) {
        Ok(engine) => engine,
        Err(error) => return check_policy_error(json.as_bytes(), &error),
    };
    let deferred = Engine::builder()
        .defer_regexes(true)
        .try_build_json(json.as_bytes())
        .unwrap_or_else(|e| panic!("builds at once but not deferred: {e}\n{json}"));
    let text = &generated.text;
    for selector in 0..4 {
        let options = lang_option(selector);
        let findings = scan_checked(&engine, text, &options);
        assert_eq!(
            findings,
            scan_checked(&deferred, text, &options),
            "deferred regexes find otherwise\nbundle: {json}\ntext: {text:?}"
        );
        if options.lang.is_some() {
            continue;
        }
        for (id, rule) in &generated.regex_rules {
            let Some(want) = reference_matches(&rule.pattern, rule.case_insensitive, text) else {
                continue;
            };
            let got: Vec<(usize, usize)> = findings
                .iter()
                .filter(|f| &f.rule == id)
                .map(|f| (f.byte_start, f.byte_end))
                .collect();
            if rule.has_exceptions {
                assert!(
                    got.iter().all(|span| want.contains(span)),
                    "rule {id}: {rule:?} found {got:?}, not among the matches {want:?} in {text:?}"
                );
            } else {
                assert_eq!(got, want, "rule {id}: {rule:?} on {text:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Target `envelope`

/// The secret seed of the one key the `envelope` target trusts.
pub const TRUSTED_SEED: [u8; 32] = [0x42; 32];
/// A key it does not trust.
pub const UNTRUSTED_SEED: [u8; 32] = [0x17; 32];
/// The caller's date in every `envelope` check.
pub const TODAY: &str = "2026-12-01";

/// A small bundle of the trusted id, with `{version}`, `{expires}` and `{id}` to fill in.
const PAYLOAD_TEMPLATE: &str = r#"{"id": "{id}", "version": {version}, "issued": "2026-01-01",{expires}
 "organisation": "Fuzz", "languages": ["nl", "en"],
 "documents": [{"id": "doc", "title": "Doc", "organisation": "Org", "language": "nl"}],
 "clauses": [{"id": "c1", "document": "doc", "reference": "regel 1", "title": {"nl": "T"},
   "text": "Tekst.", "explanation": {"nl": "Uitleg."}, "advice": {"nl": "Advies."}}],
 "rules": [
  {"id": "geheim", "category": "confidential", "severity": "warn", "clauses": ["c1"],
   "match": {"type": "phrases", "phrases": ["geheim*", "vertrouwelijk"]},
   "message": {"nl": "Let op.", "en": "Careful."},
   "examples": {"flag": ["Dit is geheim."], "pass": ["{pass}"]}},
  {"id": "bsn", "category": "personal-data", "severity": "block", "clauses": ["c1"],
   "match": {"type": "detector", "detector": "nl-bsn"}, "message": {"nl": "BSN."}},
  {"id": "versie", "category": "it-security", "severity": "info", "clauses": ["c1"],
   "match": {"type": "regex", "pattern": "\\bversie \\d+\\.\\d+\\b"}, "message": {"nl": "Versie."}}
 ]}
"#;

fn payload(id: &str, version: u64, expires: Option<&str>, pass: &str) -> Vec<u8> {
    PAYLOAD_TEMPLATE
        .replace("{id}", id)
        .replace("{version}", &version.to_string())
        .replace(
            "{expires}",
            &expires.map_or(String::new(), |e| format!(" \"expires\": \"{e}\",")),
        )
        .replace("{pass}", pass)
        .into_bytes()
}

/// The bundle id the `envelope` target trusts.
pub const TRUSTED_ID: &str = "fuzz";

/// Every payload the trusted key has signed, by name: one for each check after the signature
/// (accepted, older version, same version with other bytes, expired, no expiry, another id,
/// failing examples, not JSON, not a bundle). Nothing else may ever be accepted.
pub fn trusted_payloads() -> &'static [(&'static str, Vec<u8>)] {
    static PAYLOADS: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    PAYLOADS.get_or_init(|| {
        let fine = "Dit is openbaar.";
        vec![
            ("v2", payload(TRUSTED_ID, 2, Some("2099-01-01"), fine)),
            ("v1", payload(TRUSTED_ID, 1, Some("2099-01-01"), fine)),
            (
                "v2-other-bytes",
                payload(TRUSTED_ID, 2, Some("2099-12-31"), fine),
            ),
            ("v3", payload(TRUSTED_ID, 3, Some("2099-01-01"), fine)),
            ("expired", payload(TRUSTED_ID, 4, Some("2026-12-01"), fine)),
            ("no-expiry", payload(TRUSTED_ID, 5, None, fine)),
            ("other-id", payload("other", 6, Some("2099-01-01"), fine)),
            (
                "examples-fail",
                payload(TRUSTED_ID, 7, Some("2099-01-01"), "Dit is geheim."),
            ),
            ("not-json", b"{\"id\": \"fuzz\", \"version\": 8,".to_vec()),
            ("not-a-bundle", br#"{"id": "fuzz", "version": 9}"#.to_vec()),
        ]
    })
}

/// Trusts: nothing accepted yet; and version 2 (payload `v2`) accepted before, so that older
/// versions and other bytes under version 2 are refused.
pub fn trusts() -> [Trust; 2] {
    let key = public_key(&TRUSTED_SEED);
    let fresh = Trust::new(vec![key], TRUSTED_ID);
    let mut ratcheted = fresh.clone();
    ratcheted.ratchet.insert(
        key_id(&key),
        RatchetEntry {
            version: 2,
            sha256: sha256_hex(&trusted_payloads()[0].1),
        },
    );
    [fresh, ratcheted]
}

/// `envelope`: the bytes as a signed-bundle envelope, checked by `accept` (against both
/// [`trusts`]) and `reload`. Neither may panic, and whatever they accept must be a payload the
/// trusted key signed ([`trusted_payloads`]): any other payload is refused at the signature
/// check, before its JSON is even parsed. What is accepted must also be consistent: the
/// trusted key, the trusted id, its hash, an expiry after today, no version below the ratchet.
pub fn envelope_input(data: &[u8]) {
    let payload = unverified_payload(data).ok();
    let signed = payload
        .as_ref()
        .is_some_and(|p| trusted_payloads().iter().any(|(_, t)| t == p));
    let trusted_id = key_id(&public_key(&TRUSTED_SEED));
    for trust in trusts() {
        match accept(data, &trust, TODAY) {
            Ok(accepted) => {
                assert!(
                    signed,
                    "accepted a payload the trusted key never signed: {:?}",
                    accepted.payload
                );
                assert_eq!(Some(accepted.payload.as_bytes()), payload.as_deref());
                assert_eq!(accepted.key_id, trusted_id);
                assert_eq!(accepted.signed_by, vec![trusted_id.clone()]);
                assert_eq!(accepted.bundle_id, TRUSTED_ID);
                assert_eq!(accepted.engine.bundle().id, TRUSTED_ID);
                assert_eq!(accepted.sha256, sha256_hex(accepted.payload.as_bytes()));
                assert!(accepted.expires.as_str() > TODAY, "{}", accepted.expires);
                if let Some(entry) = trust.ratchet.get(&trusted_id) {
                    assert!(
                        accepted.version > entry.version
                            || (accepted.version == entry.version
                                && accepted.sha256 == entry.sha256),
                        "version {} accepted over the ratchet {entry:?}",
                        accepted.version
                    );
                }
            }
            Err(rejection) => {
                assert!(!rejection.to_string().is_empty());
                assert!(!rejection.kind().is_empty());
                if payload.is_some() && !signed {
                    assert!(
                        matches!(rejection.kind(), "unknown-key" | "bad-signature"),
                        "a payload the trusted key never signed got past the signature check: \
                         {rejection}"
                    );
                }
            }
        }
        match reload(data, &trust) {
            Ok(engine) => {
                assert!(signed, "reloaded a payload the trusted key never signed");
                assert_eq!(engine.bundle().id, TRUSTED_ID);
            }
            Err(rejection) => assert!(!rejection.to_string().is_empty()),
        }
    }
}

/// The committed seeds of the `envelope` target, by file name: each trusted payload signed by
/// the trusted key, and the ways an envelope can go wrong around a good one.
pub fn envelope_seeds() -> Vec<(String, Vec<u8>)> {
    let payloads = trusted_payloads();
    let mut seeds: Vec<(String, Vec<u8>)> = payloads
        .iter()
        .map(|(name, p)| {
            (
                format!("signed-{name}.json"),
                sign(p, &TRUSTED_SEED).into_bytes(),
            )
        })
        .collect();
    let good = &payloads[0].1;
    let envelope: Value = serde_json::from_str(&sign(good, &TRUSTED_SEED)).unwrap();
    let by_untrusted: Value = serde_json::from_str(&sign(good, &UNTRUSTED_SEED)).unwrap();
    let trusted_sig = envelope["signatures"][0].clone();
    let untrusted_sig = by_untrusted["signatures"][0].clone();
    let mut variant = |name: &str, change: &dyn Fn(&mut Value)| {
        let mut v = envelope.clone();
        change(&mut v);
        seeds.push((format!("{name}.json"), v.to_string().into_bytes()));
    };
    variant("untrusted-key", &|v| {
        v["signatures"] = json!([untrusted_sig])
    });
    variant(
        "untrusted-key-claims-trusted-id",
        &|v| {
            v["signatures"] = json!([{"keyid": trusted_sig["keyid"], "sig": untrusted_sig["sig"]}])
        },
    );
    variant("two-signatures", &|v| {
        v["signatures"] = json!([untrusted_sig, trusted_sig])
    });
    variant("no-keyid", &|v| {
        v["signatures"] = json!([{"sig": trusted_sig["sig"]}])
    });
    variant("no-signatures", &|v| v["signatures"] = json!([]));
    variant("unpadded-url-safe-base64", &|v| {
        let url_safe = |s: &Value| {
            s.as_str()
                .unwrap()
                .trim_end_matches('=')
                .replace('+', "-")
                .replace('/', "_")
        };
        v["payload"] = json!(url_safe(&v["payload"]));
        v["signatures"][0]["sig"] = json!(url_safe(&trusted_sig["sig"]));
    });
    variant("other-payload-type", &|v| {
        v["payloadType"] = json!("application/json")
    });
    variant("payload-swapped", &|v| {
        v["payload"] = json!(postwacht_engine::signed::encode_base64(&payloads[1].1))
    });
    variant("short-signature", &|v| {
        v["signatures"][0]["sig"] = json!("AAAA")
    });
    variant("extra-fields", &|v| v["comment"] = json!("ignored"));
    seeds
}
