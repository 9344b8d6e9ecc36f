//! Every built-in pack loads, passes its own examples and carries enough of them.

use postwacht_engine::{packs, Category};

#[test]
fn every_pack_loads_and_passes_its_examples() {
    for pack in packs::PACKS {
        let engine = packs::engine(pack.name).unwrap_or_else(|e| panic!("{e}"));
        let (failures, run) = engine.check_examples();
        assert!(
            failures.is_empty(),
            "{}:\n{}",
            pack.name,
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
                pack.name,
                rule.id
            );
        }
    }
}

#[test]
fn the_default_pack_covers_every_category() {
    let engine = packs::engine(packs::DEFAULT_PACK).unwrap();
    for category in Category::ALL {
        assert!(
            engine.bundle().rules.iter().any(|r| r.category == category),
            "no rule for {category}"
        );
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
