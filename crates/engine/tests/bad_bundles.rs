//! Every way a bundle can be wrong gives a typed error naming where and what; none panics.

mod common;

use common::{bundle_with, rule};
use postwacht_engine::{Engine, Location, PolicyError, ProblemKind};
use serde_json::{json, Value};

fn problems(bundle: Value) -> Vec<(Location, String, ProblemKind)> {
    match Engine::from_json(&bundle.to_string()) {
        Ok(_) => panic!("bundle was accepted"),
        Err(PolicyError::Invalid(problems)) => problems
            .into_iter()
            .map(|p| (p.location, p.field, p.kind))
            .collect(),
        Err(other) => panic!("expected Invalid, got {other}"),
    }
}

fn rule_problem(matcher: Value) -> (String, ProblemKind) {
    let found = problems(bundle_with(json!([rule("r", matcher)])));
    assert_eq!(found.len(), 1, "{found:?}");
    let (location, field, kind) = found.into_iter().next().unwrap();
    assert_eq!(location, Location::Rule("r".into()));
    (field, kind)
}

#[test]
fn syntax_errors_give_line_and_column() {
    let err = Engine::from_json("{\n  \"id\": \"x\",\n  oops\n}").unwrap_err();
    match err {
        PolicyError::Syntax { line, column, .. } => assert_eq!((line, column), (3, 3)),
        other => panic!("{other}"),
    }
    assert!(err_text("{\n  \"id\": \"x\",\n  oops\n}").contains("line 3, column 3"));
}

fn err_text(json: &str) -> String {
    Engine::from_json(json).unwrap_err().to_string()
}

#[test]
fn invalid_utf8_and_oversized_bundles() {
    let err = Engine::builder()
        .try_build_json(b"{\"id\": \"\xff\"}")
        .unwrap_err();
    assert_eq!(err, PolicyError::NotUtf8 { offset: 8 });
    let limits = postwacht_engine::Limits {
        max_bundle_bytes: 10,
        ..Default::default()
    };
    let err = Engine::builder()
        .limits(limits)
        .try_build_json(&[b' '; 11])
        .unwrap_err();
    assert_eq!(
        err,
        PolicyError::TooLarge {
            given: 11,
            limit: 10
        }
    );
}

#[test]
fn schema_errors_name_the_rule_and_field_and_all_are_reported() {
    let mut bad_severity = rule("bad-severity", json!({"type": "phrases", "phrases": ["x"]}));
    bad_severity["severity"] = json!("urgent");
    let mut typo = rule("typo", json!({"type": "phrases", "phrases": ["x"]}));
    typo["mesage"] = json!({"nl": "?"});
    let bad_detector = rule(
        "bad-detector",
        json!({"type": "detector", "detector": "nl-passport"}),
    );
    let found = problems(bundle_with(json!([bad_severity, typo, bad_detector])));
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].0, Location::Rule("bad-severity".into()));
    assert_eq!(found[0].1, "severity");
    assert!(matches!(&found[0].2, ProblemKind::Schema(m) if m.contains("urgent")));
    assert_eq!(found[1].0, Location::Rule("typo".into()));
    assert!(matches!(&found[1].2, ProblemKind::Schema(m) if m.contains("mesage")));
    // serde reports an unknown variant inside an internally tagged enum at the enum itself.
    assert_eq!(found[2].1, "match");
    assert!(matches!(&found[2].2, ProblemKind::Schema(m) if m.contains("nl-passport")));
}

#[test]
fn unknown_category_is_a_schema_error() {
    let mut r = rule("r", json!({"type": "phrases", "phrases": ["x"]}));
    r["category"] = json!("gossip");
    let found = problems(bundle_with(json!([r])));
    assert_eq!(found[0].1, "category");
}

#[test]
fn references_ids_and_duplicates() {
    let mut r = rule("Bad_Id", json!({"type": "phrases", "phrases": ["x"]}));
    r["clauses"] = json!(["c1", "nope"]);
    let dup = rule("dup", json!({"type": "phrases", "phrases": ["x"]}));
    let mut bundle = bundle_with(json!([r, dup.clone(), dup]));
    bundle["clauses"][0]["document"] = json!("missing-doc");
    let found = problems(bundle);
    let kinds: Vec<&ProblemKind> = found.iter().map(|p| &p.2).collect();
    assert!(kinds.contains(&&ProblemKind::InvalidId("Bad_Id".into())));
    assert!(kinds.contains(&&ProblemKind::UnknownClause("nope".into())));
    assert!(kinds.contains(&&ProblemKind::DuplicateId("dup".into())));
    assert!(kinds.contains(&&ProblemKind::UnknownDocument("missing-doc".into())));
    let unknown = found
        .iter()
        .find(|p| p.2 == ProblemKind::UnknownClause("nope".into()))
        .unwrap();
    assert_eq!(unknown.1, "clauses[1]");
}

#[test]
fn missing_main_language_and_bad_dates() {
    let mut r = rule("r", json!({"type": "phrases", "phrases": ["x"]}));
    r["message"] = json!({"en": "only English"});
    let mut bundle = bundle_with(json!([r]));
    bundle["issued"] = json!("2026-13-01");
    bundle["version"] = json!(0);
    let found = problems(bundle);
    assert!(found.contains(&(
        Location::Rule("r".into()),
        "message.nl".into(),
        ProblemKind::MissingMainLanguage(postwacht_engine::Lang::Nl)
    )));
    assert!(found
        .iter()
        .any(|p| p.1 == "issued" && matches!(p.2, ProblemKind::InvalidDate(_))));
    assert!(found
        .iter()
        .any(|p| p.1 == "version" && matches!(p.2, ProblemKind::OutOfRange { .. })));

    let mut bundle = bundle_with(json!([rule(
        "r",
        json!({"type": "phrases", "phrases": ["x"]})
    )]));
    bundle["expires"] = json!("2025-01-01");
    assert!(matches!(
        problems(bundle)[0].2,
        ProblemKind::ExpiresBeforeIssued { .. }
    ));
}

#[test]
fn invalid_regex_is_named_with_its_reason() {
    let (field, kind) = rule_problem(json!({"type": "regex", "pattern": "(unclosed"}));
    assert_eq!(field, "match.pattern");
    assert!(matches!(kind, ProblemKind::InvalidRegex(m) if m.contains("unclosed")));
}

#[test]
fn look_around_and_back_references_are_refused() {
    for pattern in [r"(?=x)y", r"(a)\1"] {
        let (_, kind) = rule_problem(json!({"type": "regex", "pattern": pattern}));
        assert!(matches!(kind, ProblemKind::InvalidRegex(_)), "{pattern}");
    }
}

#[test]
fn oversized_regexes_are_refused_with_the_limit() {
    let (_, kind) = rule_problem(json!({"type": "regex", "pattern": "\\w{1000}\\w{1000}"}));
    assert_eq!(kind, ProblemKind::RegexTooBig { limit: 1 << 20 });
    let (_, kind) = rule_problem(json!({"type": "regex", "pattern": "a".repeat(2001)}));
    assert_eq!(
        kind,
        ProblemKind::PatternTooLong {
            given: 2001,
            limit: 2000
        }
    );
    let nested = format!("{}a{}", "(".repeat(60), ")".repeat(60));
    let (_, kind) = rule_problem(json!({"type": "regex", "pattern": nested}));
    assert!(matches!(kind, ProblemKind::InvalidRegex(m) if m.contains("nest")));
}

#[test]
fn regexes_matching_the_empty_text_are_refused() {
    let (_, kind) = rule_problem(json!({"type": "regex", "pattern": "a*"}));
    assert!(matches!(kind, ProblemKind::InvalidRegex(m) if m.contains("empty")));
}

#[test]
fn phrase_and_near_problems() {
    let (field, kind) = rule_problem(json!({"type": "phrases", "phrases": ["ok", "**"]}));
    assert_eq!(field, "match.phrases[1]");
    assert!(matches!(kind, ProblemKind::InvalidPhrase { .. }));
    let (field, kind) = rule_problem(json!({"type": "phrases", "phrases": []}));
    assert_eq!(
        (field.as_str(), kind),
        ("match.phrases", ProblemKind::Empty)
    );
    let (field, _) = rule_problem(json!({"type": "near", "groups": [["a-b"]], "within": 3}));
    assert_eq!(field, "match.groups");
    let (field, _) =
        rule_problem(json!({"type": "near", "groups": [["deur"], ["open"]], "within": 500}));
    assert_eq!(field, "match.within");
}

#[test]
fn empty_exception_is_refused() {
    let mut r = rule("r", json!({"type": "phrases", "phrases": ["x"]}));
    r["unless"] = json!([{"within": 3}]);
    let found = problems(bundle_with(json!([r])));
    assert_eq!(found[0].1, "unless[0]");
    assert_eq!(found[0].2, ProblemKind::EmptyException);
}

#[test]
fn too_many_rules_is_refused_before_parsing_them() {
    let rules: Vec<Value> = (0..20)
        .map(|i| {
            rule(
                &format!("r{i}"),
                json!({"type": "phrases", "phrases": ["x"]}),
            )
        })
        .collect();
    let err = Engine::builder()
        .max_rules(10)
        .try_build_json(bundle_with(json!(rules)).to_string().as_bytes())
        .unwrap_err();
    assert_eq!(
        err.problems()[0].kind,
        ProblemKind::TooMany {
            what: "rules",
            given: 20,
            limit: 10
        }
    );
}

#[test]
fn messages_read_as_one_line_for_a_policy_author() {
    let err = Engine::from_json(
        &bundle_with(json!([rule(
            "nl-iban",
            json!({"type": "regex", "pattern": "a".repeat(2001)})
        )]))
        .to_string(),
    )
    .unwrap_err();
    assert_eq!(
        err.problems()[0].to_string(),
        "rule `nl-iban`: field `match.pattern`: pattern is 2001 characters long; the limit is 2000"
    );
}

#[test]
fn arbitrary_json_never_panics() {
    for text in [
        "",
        "null",
        "[]",
        "{}",
        "\"x\"",
        "{\"rules\": 5}",
        "{\"id\": {}}",
        &"[".repeat(10_000),
    ] {
        assert!(Engine::from_json(text).is_err(), "{text:.20}");
    }
}

#[test]
fn gate_settings_out_of_range_name_their_field() {
    let mut bundle = bundle_with(json!([rule(
        "r",
        json!({"type": "phrases", "phrases": ["x"]})
    )]));
    bundle["gate"] =
        json!({"block_override": true, "reason_min_chars": 0, "cooldown_seconds": 3600});
    let found = problems(bundle.clone());
    for (field, given, max) in [
        ("gate.cooldown_seconds", 3600, 120),
        ("gate.reason_min_chars", 0, 200),
    ] {
        assert!(
            found.iter().any(|p| p.1 == field
                && p.2
                    == ProblemKind::OutOfRange {
                        given,
                        min: if given == 0 { 1 } else { 0 },
                        max
                    }),
            "{field} in {found:?}"
        );
    }
    bundle["gate"] = json!({"cool_down": 5});
    let err = postwacht_engine::Engine::from_json(&bundle.to_string()).unwrap_err();
    assert!(err.to_string().contains("gate"), "{err}");
}
