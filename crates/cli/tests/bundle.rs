//! `postwacht bundle keygen|sign|verify` and `policy export`, as an administrator runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn postwacht(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postwacht"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("postwacht starts")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A fresh directory, removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("postwacht-bundle-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.0.join(name), contents).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.0.join(name)).unwrap()
    }

    /// Runs postwacht in this directory.
    fn run(&self, args: &[&str]) -> Output {
        postwacht(&self.0, args)
    }

    /// Runs postwacht and expects exit status `code`.
    fn expect(&self, code: i32, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", text(&o));
        text(&o)
    }

    /// Runs `postwacht bundle verify signed.json` with `options` and expects exit status `code`.
    fn verify(&self, code: i32, options: &[&str]) -> String {
        self.expect(
            code,
            &[&["bundle", "verify", "signed.json"], options].concat(),
        )
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small policy whose rule has examples: `flag` must be flagged by the phrase `geheim`.
fn policy(flag: &str) -> String {
    serde_json::json!({
        "id": "gemeente-test", "version": 1, "issued": "2026-11-01", "organisation": "Gemeente Test",
        "languages": ["nl"],
        "documents": [{"id": "d", "title": "Gedragscode", "organisation": "Gemeente Test", "language": "nl"}],
        "clauses": [{"id": "c", "document": "d", "reference": "regel 1", "title": {"nl": "Geheim"},
                     "text": "Deel niets geheims.", "explanation": {"nl": "e"}, "advice": {"nl": "a"}}],
        "rules": [
            {"id": "geheim", "category": "confidential", "severity": "warn", "clauses": ["c"],
             "match": {"type": "phrases", "phrases": ["geheim"]}, "message": {"nl": "Let op."},
             "examples": {"flag": [flag], "pass": ["open dag"]}}
        ]
    })
    .to_string()
}

const SIGN: [&str; 9] = [
    "bundle",
    "sign",
    "policy.json",
    "--key",
    "org.key",
    "--expires",
    "2099-12-31",
    "--out",
    "signed.json",
];

fn sign(dir: &TempDir, version: &str) -> String {
    let mut args = SIGN.to_vec();
    args.extend(["--version", version]);
    dir.expect(0, &args)
}

#[test]
fn keygen_sign_verify_round_trip() {
    let dir = TempDir::new("round-trip");
    let out = dir.expect(0, &["bundle", "keygen", "--out", "org"]);
    let key_id = out
        .lines()
        .find_map(|l| l.strip_prefix("key id "))
        .expect("prints the key id")
        .to_string();
    assert_eq!(key_id.len(), 16, "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.0.join("org.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the secret key is private");
    }
    // Refuses to overwrite a key.
    let before = dir.read("org.key");
    let err = dir.expect(2, &["bundle", "keygen", "--out", "org"]);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(dir.read("org.key"), before);

    dir.write("policy.json", &policy("dit is geheim"));
    let out = sign(&dir, "7");
    assert!(out.contains("version 7") && out.contains(&key_id), "{out}");
    let envelope: serde_json::Value = serde_json::from_str(&dir.read("signed.json")).unwrap();
    assert_eq!(
        envelope["payloadType"],
        "application/vnd.postwacht.bundle+json"
    );
    assert_eq!(envelope["signatures"][0]["keyid"], key_id.as_str());

    let out = dir.verify(0, &["--pubkey", "org.pub"]);
    for expected in ["gemeente-test", "version: 7", "2099-12-31", key_id.as_str()] {
        assert!(out.contains(expected), "{expected}: {out}");
    }
    // An explicit bundle id, a second (unused) key, and the minimum version itself.
    dir.expect(0, &["bundle", "keygen", "--out", "spare"]);
    dir.verify(
        0,
        &[
            "--pubkey",
            "spare.pub",
            "--pubkey",
            "org.pub",
            "--bundle-id",
            "gemeente-test",
            "--min-version",
            "7",
            "--today",
            "2027-01-01",
        ],
    );
}

fn signed_dir(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.expect(0, &["bundle", "keygen", "--out", "org"]);
    dir.write("policy.json", &policy("dit is geheim"));
    sign(&dir, "3");
    dir
}

#[test]
fn a_tampered_file_is_refused() {
    let dir = signed_dir("tampered");
    let mut envelope: serde_json::Value = serde_json::from_str(&dir.read("signed.json")).unwrap();
    let mut changed = policy("dit is geheim");
    changed = changed.replace("\"warn\"", "\"info\"");
    changed = changed.replace("\"version\":1", "\"version\":3");
    envelope["payload"] =
        serde_json::Value::from(postwacht_engine::signed::encode_base64(changed.as_bytes()));
    dir.write("signed.json", &envelope.to_string());
    let err = dir.verify(2, &["--pubkey", "org.pub"]);
    assert!(err.contains("changed after signing"), "{err}");

    dir.write("signed.json", "{ \"payloadType\": ");
    let err = dir.verify(2, &["--pubkey", "org.pub"]);
    assert!(err.contains("line 1"), "{err}");
}

#[test]
fn a_file_signed_by_another_key_is_refused() {
    let dir = signed_dir("wrong-key");
    dir.expect(0, &["bundle", "keygen", "--out", "other"]);
    let err = dir.verify(2, &["--pubkey", "other.pub"]);
    assert!(err.contains("not trusted"), "{err}");
    let err = dir.verify(2, &["--pubkey", "org.pub", "--bundle-id", "iemand-anders"]);
    assert!(err.contains("iemand-anders"), "{err}");
    let err = dir.verify(2, &["--pubkey", "org.key.missing"]);
    assert!(err.contains("org.key.missing"), "{err}");
}

#[test]
fn rollback_and_expiry_are_refused() {
    let dir = signed_dir("rollback");
    let err = dir.verify(2, &["--pubkey", "org.pub", "--min-version", "4"]);
    assert!(
        err.contains("rollback") && err.contains("version 3"),
        "{err}"
    );
    let err = dir.verify(2, &["--pubkey", "org.pub", "--today", "2100-01-01"]);
    assert!(err.contains("expired on 2099-12-31"), "{err}");
}

#[test]
fn a_policy_whose_examples_fail_is_not_signed() {
    let dir = TempDir::new("examples");
    dir.expect(0, &["bundle", "keygen", "--out", "org"]);
    dir.write("policy.json", &policy("niets aan de hand"));
    let mut args = SIGN.to_vec();
    args.extend(["--version", "2"]);
    let err = dir.expect(2, &args);
    assert!(err.contains("niets aan de hand"), "{err}");
    assert!(!dir.0.join("signed.json").exists());

    // Lint problems refuse too, each listed.
    dir.write(
        "policy.json",
        &policy("dit is geheim").replace("\"c\"]", "\"nope\"]"),
    );
    let err = dir.expect(2, &args);
    assert!(err.contains("nope"), "{err}");
    // So does an expiry before the issue date, and a missing option.
    dir.write("policy.json", &policy("dit is geheim"));
    let err = dir.expect(
        2,
        &[
            "bundle",
            "sign",
            "policy.json",
            "--key",
            "org.key",
            "--version",
            "2",
            "--expires",
            "2020-01-01",
            "--out",
            "s.json",
        ],
    );
    assert!(err.contains("expires"), "{err}");
    let err = dir.expect(
        2,
        &[
            "bundle",
            "sign",
            "policy.json",
            "--key",
            "org.key",
            "--out",
            "s.json",
        ],
    );
    assert!(err.contains("--version"), "{err}");
}

#[test]
fn policy_export_prints_a_pack_and_build_still_works() {
    let dir = TempDir::new("export");
    let export = dir.run(&["policy", "export", "--pack", "ind"]);
    assert_eq!(export.status.code(), Some(0), "{}", text(&export));
    let bundle: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(bundle["id"], "ind");
    let build = dir.run(&["policy", "build", "--pack", "ind"]);
    assert_eq!(build.stdout, export.stdout);
    let usage = dir.expect(0, &["--help"]);
    assert!(usage.contains("policy export --pack NAME"), "{usage}");
    assert!(usage.contains("bundle verify"), "{usage}");
}
