//! The `communication` section: where records go, whom to ask, which accounts speak for the
//! organisation. Valid sections load and round-trip; every wrong value is a typed problem naming
//! its field, all reported at once; the packs carry what their documents name and no address.

mod common;

use common::{bundle_with, rule};
use postwacht_engine::communication::check;
use postwacht_engine::{packs, Engine, Lang, Location, PolicyError, ProblemKind};
use serde_json::{json, Value};

fn with_communication(communication: Value) -> Value {
    let mut bundle = bundle_with(json!([rule(
        "r",
        json!({"type": "phrases", "phrases": ["geheim"]})
    )]));
    bundle["communication"] = communication;
    bundle
}

fn problems(bundle: Value) -> Vec<(String, ProblemKind)> {
    match Engine::from_json(&bundle.to_string()) {
        Ok(_) => panic!("bundle was accepted"),
        Err(PolicyError::Invalid(problems)) => problems
            .into_iter()
            .map(|p| {
                assert_eq!(p.location, Location::Bundle);
                (p.field, p.kind)
            })
            .collect(),
        Err(other) => panic!("expected Invalid, got {other}"),
    }
}

fn full() -> Value {
    json!({
        "records_address": "archief@gemeente-testdorp.nl",
        "records_clause": "c1",
        "records_advice": {"nl": "Vraag de afdeling Communicatie.", "en": "Ask Communications."},
        "team": {"name": "Afdeling Communicatie", "email": "communicatie@gemeente-testdorp.nl",
                 "url": "https://intranet.gemeente-testdorp.nl/communicatie"},
        "accounts": {
            "x": {"url": "https://x.com/testdorp", "name": "@testdorp"},
            "linkedin": {"url": "https://www.linkedin.com/company/testdorp", "name": "Gemeente Testdorp"},
            "facebook": {"url": "https://www.facebook.com/testdorp", "name": "Gemeente Testdorp"}
        }
    })
}

#[test]
fn a_full_section_loads_and_round_trips() {
    let bundle = with_communication(full());
    let engine = Engine::from_json(&bundle.to_string()).unwrap();
    let c = engine.bundle().communication.as_ref().unwrap();
    assert_eq!(
        c.records_address.as_deref(),
        Some("archief@gemeente-testdorp.nl")
    );
    assert_eq!(c.team.as_ref().unwrap().name, "Afdeling Communicatie");
    let sites: Vec<&str> = c.accounts.each().map(|(site, _)| site).collect();
    assert_eq!(sites, ["x", "linkedin", "facebook"]);
    let again: Value = serde_json::to_value(engine.bundle()).unwrap();
    assert_eq!(again["communication"], full());
    // Every part is optional.
    Engine::from_json(&with_communication(json!({})).to_string()).unwrap();
    Engine::from_json(&with_communication(json!({"team": {"name": "Communicatie"}})).to_string())
        .unwrap();
}

#[test]
fn every_wrong_value_is_reported_at_once_by_field() {
    let found = problems(with_communication(json!({
        "records_address": "archief@testdorp.nl?cc=baas@testdorp.nl",
        "records_clause": "no-such-clause",
        "records_advice": {"en": "Ask Communications."},
        "team": {"name": " ", "email": "communicatie", "url": "http://intranet.testdorp.nl"},
        "accounts": {
            "x": {"url": "https://www.facebook.com/testdorp", "name": "@testdorp"},
            "linkedin": {"url": "javascript:alert(1)", "name": "Gemeente\nTestdorp"},
            "facebook": {"url": "https://evil@www.facebook.com/testdorp", "name": "Testdorp"}
        }
    })));
    let fields: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "communication.records_address",
            "communication.records_clause",
            "communication.records_advice.nl",
            "communication.team.name",
            "communication.team.email",
            "communication.team.url",
            "communication.accounts.x.url",
            "communication.accounts.linkedin.url",
            "communication.accounts.linkedin.name",
            "communication.accounts.facebook.url",
        ]
    );
    let kinds: Vec<String> = found.iter().map(|(_, k)| k.to_string()).collect();
    assert_eq!(
        kinds,
        [
            "`archief@testdorp.nl?cc=baas@testdorp.nl` is not a mail address Postwacht accepts: name@domain.tld, the name of letters, digits and . _ + - only",
            "unknown clause `no-such-clause`",
            "no text in the bundle's main language `nl`",
            "must not be empty",
            "`communicatie` is not a mail address Postwacht accepts: name@domain.tld, the name of letters, digits and . _ + - only",
            "`http://intranet.testdorp.nl` is not an https:// address",
            "`https://www.facebook.com/testdorp` is not an address on x.com or twitter.com",
            "`javascript:alert(1)` is not an https:// address",
            "contains a line break or another control character",
            "`https://evil@www.facebook.com/testdorp` carries a user name or password before the host",
        ]
    );
}

#[test]
fn unknown_fields_and_sites_are_schema_errors_naming_the_field() {
    let found = problems(with_communication(json!({
        "accounts": {"instagram": {"url": "https://instagram.com/x", "name": "x"}}
    })));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "communication.accounts.instagram");
    assert!(
        matches!(&found[0].1, ProblemKind::Schema(m) if m.contains("unknown field `instagram`")),
        "{:?}",
        found[0].1
    );
}

#[test]
fn long_names_are_refused() {
    let long = "a".repeat(301);
    let found = problems(with_communication(json!({"team": {"name": long}})));
    assert_eq!(
        found,
        [(
            "communication.team.name".to_string(),
            ProblemKind::TooLong {
                given: 301,
                limit: 300
            }
        )]
    );
}

#[test]
fn a_section_alone_is_checked_the_same_way() {
    let mut section = full();
    section.as_object_mut().unwrap().remove("records_clause");
    let ok = check(&section.to_string()).unwrap();
    assert_eq!(ok.accounts.x.unwrap().name, "@testdorp");

    let err =
        check(r#"{"records_address": "a b@c.nl", "team": {"name": "T", "url": "https://x"}}"#)
            .unwrap_err();
    let fields: Vec<String> = err.iter().map(|p| p.field.clone()).collect();
    assert_eq!(fields, ["records_address", "team.url"]);
    let err = check(r#"{"team": {"email": "a@b.nl"}}"#).unwrap_err();
    assert_eq!(err[0].field, "team");
    assert!(err[0].kind.to_string().contains("missing field `name`"));
    let err = check("[1, 2]").unwrap_err();
    assert!(matches!(err[0].kind, ProblemKind::Schema(_)));
}

#[test]
fn packs_name_whom_to_ask_and_never_an_address() {
    for name in packs::names() {
        let bundle = packs::bundle(&name).unwrap();
        let c = bundle
            .communication
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has no communication section"));
        assert_eq!(
            c.records_address, None,
            "{name}: addresses are the administrator's"
        );
        assert!(
            c.accounts.is_empty(),
            "{name}: no document gives an account's address"
        );
        for lang in Lang::ALL {
            assert!(
                c.records_advice.get(lang).is_some(),
                "{name}: advice in {lang}"
            );
        }
        if let Some(id) = &c.records_clause {
            assert!(bundle.clause(id).is_some(), "{name}: {id}");
        }
    }
    let clause = |pack: &str| {
        packs::bundle(pack)
            .unwrap()
            .communication
            .unwrap()
            .records_clause
    };
    // Assen's guideline g ("Leg vast wat je doet … mail een kopie naar de afdeling Communicatie").
    assert_eq!(clause("gemeente-assen").as_deref(), Some("assen-bijlage-g"));
    assert_eq!(
        clause("rijksoverheid").as_deref(),
        Some("rijk-pa-veiligstellen")
    );
    // The IND and FOD texts ask for no record: the finding's own clause is quoted instead.
    assert_eq!(clause("ind"), None);
    assert_eq!(clause("fod-financien"), None);
    let team = |pack: &str| packs::bundle(pack).unwrap().communication.unwrap().team;
    assert_eq!(
        team("gemeente-assen").unwrap().name,
        "Afdeling Communicatie"
    );
    assert_eq!(
        team("rijksoverheid").unwrap().name,
        "Communicatie en Woordvoering"
    );
}
