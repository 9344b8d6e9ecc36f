//! The fuzz targets' inputs, replayed without cargo-fuzz: every committed seed
//! (`fuzz/seeds/<target>/`) and every input a fuzzer ever crashed on
//! (`tests/data/fuzz/<target>/`, minimised) goes through the very function the target runs
//! (`fuzz/src/lib.rs`, included below), with the same assertions.

#[path = "../../../fuzz/src/lib.rs"]
mod fuzz;

use std::path::{Path, PathBuf};

use postwacht_engine::signed::accept;
use postwacht_engine::Engine;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file of a directory (none when it does not exist: no crash found yet), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn seeds(target: &str) -> Vec<PathBuf> {
    files(&repo().join("fuzz/seeds").join(target))
}

fn crashes(target: &str) -> Vec<PathBuf> {
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/fuzz")
            .join(target),
    )
}

/// Runs `check` on every seed and crash input of `target`, naming the file that fails.
fn replay(target: &str, check: fn(&[u8]), min_seeds: usize) {
    let seeds = seeds(target);
    assert!(
        seeds.len() >= min_seeds,
        "{} seeds for `{target}` in fuzz/seeds/{target}, expected at least {min_seeds}",
        seeds.len()
    );
    for path in seeds.iter().chain(&crashes(target)) {
        let data = std::fs::read(path).unwrap();
        if let Err(panic) = std::panic::catch_unwind(|| check(&data)) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!(
                "fuzz target `{target}` fails on {}: {message}",
                path.display()
            );
        }
    }
}

#[test]
fn scan_inputs() {
    replay("scan", fuzz::scan_input, 20);
}

#[test]
fn bundle_inputs() {
    replay("bundle", fuzz::bundle_input, 20);
}

#[test]
fn bundle_structured_inputs() {
    replay("bundle_structured", fuzz::structured_input, 8);
}

#[test]
fn envelope_inputs() {
    replay("envelope", fuzz::envelope_input, 20);
}

/// The bundle seeds are real bundles that build: mutations start past the parser.
#[test]
fn bundle_seeds_build() {
    for path in seeds("bundle") {
        let engine = Engine::builder()
            .try_build_json(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!engine.bundle().rules.is_empty(), "{}", path.display());
    }
}

/// The structured seeds decode to bundles that build, and between them reach every matcher
/// type and both forms of the differential check.
#[test]
fn bundle_structured_seeds_reach_every_matcher() {
    let mut types = std::collections::BTreeSet::new();
    // Regex rules compared with the `regex` crate: (exactly, as a superset).
    let mut compared = (0, 0);
    for path in seeds("bundle_structured") {
        let generated = fuzz::generate(&std::fs::read(&path).unwrap());
        let json = generated.bundle.to_string();
        Engine::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}\n{json}", path.display()));
        for rule in generated.bundle["rules"].as_array().unwrap() {
            types.insert(rule["match"]["type"].as_str().unwrap().to_string());
        }
        for rule in generated.regex_rules.values() {
            if rule.has_exceptions {
                compared.1 += 1;
            } else {
                compared.0 += 1;
            }
        }
    }
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        ["detector", "near", "phrases", "regex"]
    );
    assert!(
        compared.0 >= 1 && compared.1 >= 1,
        "regex rules compared with `regex` (exactly, as a superset): {compared:?}"
    );
}

/// The committed envelope seeds are exactly what `fuzz::envelope_seeds` makes (signing is
/// deterministic). `POSTWACHT_WRITE_FUZZ_SEEDS=1 cargo test -p postwacht-engine --test
/// fuzz_regressions` rewrites them after the trusted payloads change.
#[test]
fn envelope_seeds_are_current() {
    let dir = repo().join("fuzz/seeds/envelope");
    let generated = fuzz::envelope_seeds();
    if std::env::var_os("POSTWACHT_WRITE_FUZZ_SEEDS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in &generated {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
    for (name, bytes) in &generated {
        let committed = std::fs::read(dir.join(name))
            .unwrap_or_else(|e| panic!("fuzz/seeds/envelope/{name}: {e}"));
        assert!(committed == *bytes, "fuzz/seeds/envelope/{name} is stale");
    }
}

/// Each envelope seed reaches the check it was made for, so that the fuzzer starts from every
/// branch of `accept`: (seed, outcome with nothing accepted yet, outcome after version 2).
#[test]
fn envelope_seeds_reach_every_check() {
    const OK: &str = "accepted";
    let expected = [
        ("signed-v2", OK, OK),
        ("signed-v1", OK, "rollback"),
        (
            "signed-v2-other-bytes",
            OK,
            "same-version-different-content",
        ),
        ("signed-v3", OK, OK),
        ("signed-expired", "expired", "expired"),
        ("signed-no-expiry", "missing-expiry", "missing-expiry"),
        ("signed-other-id", "bundle-id", "bundle-id"),
        ("signed-examples-fail", "examples", "examples"),
        ("signed-not-json", "payload", "payload"),
        ("signed-not-a-bundle", "schema", "schema"),
        ("untrusted-key", "unknown-key", "unknown-key"),
        (
            "untrusted-key-claims-trusted-id",
            "bad-signature",
            "bad-signature",
        ),
        ("two-signatures", OK, OK),
        ("no-keyid", OK, OK),
        ("no-signatures", "envelope", "envelope"),
        ("unpadded-url-safe-base64", OK, OK),
        ("other-payload-type", "payload-type", "payload-type"),
        ("payload-swapped", "bad-signature", "bad-signature"),
        ("short-signature", "envelope", "envelope"),
        ("extra-fields", OK, OK),
    ];
    let seeds = fuzz::envelope_seeds();
    assert_eq!(seeds.len(), expected.len());
    let [fresh, ratcheted] = fuzz::trusts();
    for (name, want_fresh, want_ratcheted) in expected {
        let data = &seeds
            .iter()
            .find(|(n, _)| *n == format!("{name}.json"))
            .unwrap_or_else(|| panic!("no seed {name}"))
            .1;
        let outcome = |trust| match accept(data, trust, fuzz::TODAY) {
            Ok(_) => OK,
            Err(rejection) => rejection.kind(),
        };
        assert_eq!(
            (outcome(&fresh), outcome(&ratcheted)),
            (want_fresh, want_ratcheted),
            "{name}"
        );
    }
}

/// The findings check is not vacuous: real findings pass it, and each way of getting them wrong
/// fails it.
#[test]
fn the_findings_check_catches_wrong_findings() {
    let (_, engine) = &fuzz::pack_engines()[0];
    let text = "🙂 Mijn BSN is 111222333 en het dossier van die cliënt is vertrouwelijk.";
    let options = fuzz::lang_option(0);
    let findings = fuzz::scan_checked(engine, text, &options);
    assert!(findings.len() >= 2, "{findings:?}");
    let first = findings[0].clone();
    let corruptions: Vec<(&str, Vec<postwacht_engine::Finding>)> = vec![
        ("UTF-16 start counted in bytes", {
            let mut f = findings.clone();
            f[0].start = f[0].byte_start;
            f
        }),
        ("byte span off by one", {
            let mut f = findings.clone();
            f[0].byte_end -= 1;
            f
        }),
        ("other text", {
            let mut f = findings.clone();
            f[0].text.push('x');
            f
        }),
        ("unsorted", findings.iter().rev().cloned().collect()),
        ("repeated", {
            let mut f = findings.clone();
            f.insert(0, first.clone());
            f
        }),
        ("unknown rule", {
            let mut f = findings.clone();
            f[0].rule = "no-such-rule".into();
            f
        }),
    ];
    for (what, wrong) in corruptions {
        let caught = std::panic::catch_unwind(|| {
            fuzz::check_findings(engine, text, &options, &wrong);
        });
        assert!(caught.is_err(), "not caught: {what}");
    }
}
