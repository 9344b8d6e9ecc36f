//! Every built-in pack loads, passes its own examples and carries enough of them.

use postwacht_engine::{packs, Category, Engine};

#[test]
fn every_pack_loads_and_passes_its_examples() {
    let names = packs::names();
    for name in [
        "overheid",
        "ind",
        "fod-financien",
        "gemeente-assen",
        "rijksoverheid",
    ] {
        assert!(names.iter().any(|n| n == name), "pack {name} is built in");
    }
    for name in &names {
        // `packs::engine` defers each regex to its first use, so compile every one of them now:
        // that is what lets start-up skip it.
        Engine::new(packs::bundle(name).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let engine = packs::engine(name).unwrap_or_else(|e| panic!("{e}"));
        let (failures, run) = engine.check_examples();
        assert!(
            failures.is_empty(),
            "{}:\n{}",
            name,
            failures
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(run > 0);
        for rule in &engine.bundle().rules {
            assert!(
                rule.examples.flag.len() >= 3 && rule.examples.pass.len() >= 3,
                "{}: rule {} needs 3+3 examples",
                name,
                rule.id
            );
        }
    }
}

#[test]
fn every_pack_covers_every_category_and_cites_real_clauses() {
    for name in packs::names() {
        let bundle = packs::bundle(&name).unwrap();
        for category in Category::ALL {
            assert!(
                bundle.rules.iter().any(|r| r.category == category),
                "{name}: no rule for {category}"
            );
        }
        for clause in &bundle.clauses {
            assert!(
                !clause.text.trim().is_empty(),
                "{name}: clause {} has no text",
                clause.id
            );
            assert!(bundle.document(&clause.document).is_some());
        }
    }
}

#[test]
fn packs_cite_their_own_documents() {
    // A pack for one organisation cites that organisation's code, not another's.
    for (name, prefix) in [
        ("ind", "ind-"),
        ("fod-financien", "fod-"),
        ("gemeente-assen", "assen-"),
        ("rijksoverheid", "rijk"),
    ] {
        let bundle = packs::bundle(name).unwrap();
        for rule in &bundle.rules {
            assert!(
                rule.clauses.iter().all(|c| c.starts_with(prefix)),
                "{name}: rule {} cites {:?}",
                rule.id,
                rule.clauses
            );
        }
    }
}

#[test]
fn unknown_packs_are_named_with_the_alternatives() {
    let err = packs::engine("nope").unwrap_err().to_string();
    assert!(
        err.contains("nope") && err.contains(packs::DEFAULT_PACK),
        "{err}"
    );
}

/// The extension starts packs from a gate table its build wrote; that must change when patterns
/// are parsed, never what a scan finds.
#[test]
fn packs_started_from_a_gate_table_find_exactly_the_same() {
    let sources = packs::Sources::embedded();
    let table = sources.gate_table().unwrap();
    let written = postwacht_engine::GateTable::from_json(&table.to_json()).unwrap();
    let prepared = sources.clone().with_gate_table(written);
    let posts: Vec<String> = include_str!("../../../tests/corpus/dev.jsonl")
        .lines()
        .chain(include_str!("../../../tests/corpus/holdout.jsonl").lines())
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let all = posts.join("\n");
    for pack in packs::names() {
        let (plain, fast) = (
            sources.engine(&pack).unwrap(),
            prepared.engine(&pack).unwrap(),
        );
        let mut found = 0;
        for text in posts.iter().chain([&all]) {
            let want = plain.scan(text).unwrap();
            found += want.len();
            assert_eq!(fast.scan(text).unwrap(), want, "{pack}: {text}");
        }
        assert!(found > posts.len(), "{pack}: {found} findings");
    }
}
