//! Detection quality on the labelled development corpus, for every built-in pack: the targets
//! of the packs (micro-F1 ≥ 0.90, false alarms on benign posts ≤ 5%, recall ≥ 0.8 in every
//! category). These are quality figures, not timings: they only change when rules change.

use std::path::Path;
use std::process::Command;

fn eval(pack: &str) -> String {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/dev.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_postwacht"))
        .args(["eval", "--pack", pack])
        .arg(corpus)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn packs() -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_postwacht"))
        .arg("packs")
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

#[test]
fn every_pack_meets_the_quality_targets_on_the_development_corpus() {
    let names = packs();
    assert_eq!(names.len(), 5, "{names:?}");
    for pack in names {
        let report = eval(&pack);
        let last = report.lines().last().unwrap();
        let value = |key: &str| -> f64 {
            last.split_whitespace()
                .find_map(|kv| kv.strip_prefix(key))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{key} in {last}"))
        };
        assert!(value("micro_f1=") >= 0.90, "{pack}:\n{report}");
        assert!(value("false_alarm_rate=") <= 0.05, "{pack}:\n{report}");
        let categories: Vec<&str> = report
            .lines()
            .skip(1)
            .take_while(|l| !l.contains("posts,"))
            .collect();
        assert_eq!(
            categories.len(),
            14,
            "{pack}: every category is scored:\n{report}"
        );
        for line in categories {
            let recall: f64 = line.split_whitespace().last().unwrap().parse().unwrap();
            assert!(recall >= 0.8, "{pack}: recall below 0.8: {line}\n{report}");
        }
    }
}
