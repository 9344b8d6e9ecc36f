//! The `postwacht` binary as a user runs it: exit codes, output formats and error messages.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn postwacht(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_postwacht"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("postwacht starts");
    // The binary may exit before reading its input (an unknown pack, say): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A file in a fresh directory of its own, removed when the test ends.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let dir = std::env::temp_dir().join(format!("postwacht-cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
    }
}

#[test]
fn clean_text_exits_0_and_findings_exit_1() {
    let clean = postwacht(
        &["check", "-"],
        "Mooie wandeling gemaakt vandaag.".as_bytes(),
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert!(stdout(&clean).contains("no findings"), "{}", stdout(&clean));

    let risky = postwacht(
        &["check", "--color", "never", "-"],
        "Hoi\nMijn BSN is 123456782".as_bytes(),
    );
    assert_eq!(risky.status.code(), Some(1));
    let out = stdout(&risky);
    // One finding: the labelled BSN ("BSN is 123456782") says all the bare number would.
    assert!(
        out.contains("2:6") && out.contains("1 finding"),
        "line:column of the BSN is shown: {out}"
    );
    assert!(out.contains("123456782"));
    assert!(!out.contains('\u{1b}'), "no colour when asked for none");
}

#[test]
fn json_reports_utf16_and_byte_offsets() {
    let o = postwacht(
        &["check", "--format", "json", "-"],
        "👩‍💻 BSN 123456782".as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["text"] == "123456782")
        .expect("the BSN is found");
    // 👩‍💻 is 5 UTF-16 code units and 11 bytes; then " BSN " adds 5 of each.
    assert_eq!(f["start"], 10);
    assert_eq!(f["end"], 19);
    assert_eq!(f["byte_start"], 16);
}

#[test]
fn jsonl_writes_one_line_per_input_line() {
    let input =
        "{\"id\": \"a\", \"text\": \"Mooi weer\"}\n{\"id\": 7, \"text\": \"BSN 123456782 🙄\"}\n";
    let o = postwacht(&["check", "--format", "jsonl", "-"], input.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["findings"], serde_json::json!([]));
    assert_eq!(lines[1]["id"], 7);
    let finding = &lines[1]["findings"][0];
    for key in [
        "rule", "category", "severity", "clauses", "start", "end", "text",
    ] {
        assert!(!finding[key].is_null(), "finding has {key}: {finding}");
    }
}

#[test]
fn jsonl_names_the_bad_line() {
    let o = postwacht(
        &["check", "--format", "jsonl", "-"],
        b"{\"id\": 1, \"text\": \"x\"}\n{oops}\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
}

#[test]
fn invalid_policy_json_reports_line_and_column() {
    let policy = TempFile::new("bad.json", b"{\n  \"id\": \"x\",\n  \"version\": ,\n}");
    let o = postwacht(&["check", "--policy", policy.path(), "-"], b"tekst");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("column"), "{err}");
}

#[test]
fn lint_lists_every_problem_with_rule_ids() {
    let bundle = serde_json::json!({
        "id": "t", "version": 1, "issued": "2026-11-01", "organisation": "T", "languages": ["nl"],
        "documents": [{"id": "d", "title": "D", "organisation": "T", "language": "nl"}],
        "clauses": [],
        "rules": [
            {"id": "r1", "category": "confidential", "severity": "warn", "clauses": ["nope"],
             "match": {"type": "regex", "pattern": "(unclosed"}, "message": {"nl": "m", "fr": "m", "en": "m"}},
            {"id": "r2", "category": "confidential", "severity": "warn", "clauses": [],
             "match": {"type": "phrases", "phrases": []}, "message": {"nl": "m", "fr": "m", "en": "m"}}
        ]
    });
    let policy = TempFile::new("lint.json", bundle.to_string().as_bytes());
    let o = postwacht(&["policy", "lint", policy.path()], b"");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("r1"), "{all}");
    assert!(all.contains("r2"), "{all}");
    assert!(all.contains("pattern"), "{all}");
}

#[test]
fn invalid_utf8_input_is_an_error() {
    let o = postwacht(&["check", "-"], b"BSN \xff\xfe 123456782");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).to_lowercase().contains("utf-8"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_pack_and_unreadable_file_are_errors() {
    let o = postwacht(&["check", "--pack", "no-such-pack", "-"], b"x");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-pack"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("overheid"),
        "names the packs there are: {}",
        stderr(&o)
    );

    let o = postwacht(&["check", "/nonexistent/post.txt"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent/post.txt"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn policy_test_and_show_work_on_the_default_pack() {
    let o = postwacht(
        &[
            "policy",
            "test",
            "--pack",
            "overheid",
            "--min-examples",
            "3",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = postwacht(&["policy", "show", "--pack", "overheid"], b"");
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).trim().is_empty());
}

#[test]
fn failing_examples_exit_1_and_are_printed() {
    let bundle = serde_json::json!({
        "id": "t", "version": 1, "issued": "2026-11-01", "organisation": "T", "languages": ["nl"],
        "documents": [{"id": "d", "title": "D", "organisation": "T", "language": "nl"}],
        "clauses": [{"id": "c", "document": "d", "reference": "regel 1", "title": {"nl": "T"}, "text": "Tekst.",
                     "explanation": {"nl": "e", "fr": "e", "en": "e"}, "advice": {"nl": "a", "fr": "a", "en": "a"}}],
        "rules": [
            {"id": "geheim", "category": "confidential", "severity": "warn", "clauses": ["c"],
             "match": {"type": "phrases", "phrases": ["geheim"]}, "message": {"nl": "m", "fr": "m", "en": "m"},
             "examples": {"flag": ["dit is geheim", "niets hier"], "pass": ["open dag"]}}
        ]
    });
    let policy = TempFile::new("examples.json", bundle.to_string().as_bytes());
    let o = postwacht(&["policy", "test", policy.path()], b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("niets hier"), "{}", stdout(&o));
}
