//! `postwacht bundle keygen|sign|verify`: signed policies for managed browser updates. Every
//! check is the engine's (`postwacht_engine::signed`); this module reads and writes files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use postwacht_engine::signed::{
    self, decode_key, decode_public_key, encode_base64, key_id, public_key, sha256_hex,
    RatchetEntry, Rejection, Trust,
};
use postwacht_engine::Engine;

use crate::{read_file, Failure};

/// `NAME` + `.key` / `.pub`, keeping any dots in NAME.
fn with_suffix(name: &Path, suffix: &str) -> PathBuf {
    let mut s = name.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Writes NAME.key (mode 0600) and NAME.pub; refuses to overwrite either.
pub fn keygen(name: &Path, out: &mut impl Write) -> Result<ExitCode, Failure> {
    let secret_path = with_suffix(name, ".key");
    let public_path = with_suffix(name, ".pub");
    for path in [&secret_path, &public_path] {
        if path.exists() {
            return Err(Failure::new(
                path.display().to_string(),
                "already exists; refusing to overwrite a key (choose another --out NAME)",
            ));
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| Failure::new("keygen", format!("no randomness from the system: {e}")))?;
    let public = public_key(&seed);
    write_new(&secret_path, &encode_base64(&seed), true)?;
    seed.fill(0);
    write_new(&public_path, &encode_base64(&public), false)?;
    writeln!(out, "key id {}", key_id(&public))?;
    writeln!(
        out,
        "secret key: {} (keep it secret: never put it on the web server)",
        secret_path.display()
    )?;
    writeln!(
        out,
        "public key: {} (goes into the extension's TrustedKeys policy)",
        public_path.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Creates a file that must not exist yet; `secret` files get mode 0600 from the start.
fn write_new(path: &Path, line: &str, secret: bool) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let fail = |e: std::io::Error| Failure::new(path.display().to_string(), e);
    let mut file = options.open(path).map_err(fail)?;
    writeln!(file, "{line}").map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// What `bundle sign` was asked to do.
pub struct SignRequest<'a> {
    pub policy: &'a Path,
    pub key: &'a Path,
    pub version: u64,
    pub expires: &'a str,
    pub out: &'a Path,
}

/// Sets version and expiry, lints, runs every rule's examples, signs, checks the result as the
/// extension will, and writes it.
pub fn sign(request: &SignRequest, out: &mut impl Write) -> Result<ExitCode, Failure> {
    let name = request.policy.display().to_string();
    let engine = Engine::builder()
        .try_build_json(&read_file(request.policy)?)
        .map_err(|e| Failure::new(&name, policy_error(&e)))?;
    let mut bundle = engine.bundle().clone();
    bundle.version = request.version;
    bundle.expires = Some(request.expires.to_string());
    let engine = Engine::new(bundle).map_err(|e| Failure::new(&name, policy_error(&e)))?;
    let (failures, run) = engine.check_examples();
    if !failures.is_empty() {
        let lines: Vec<String> = failures.iter().map(|f| format!("FAIL {f}")).collect();
        return Err(Failure::new(
            &name,
            format!(
                "refusing to sign: {} of {run} examples failed:\n{}",
                failures.len(),
                lines.join("\n")
            ),
        ));
    }
    let payload =
        serde_json::to_string_pretty(engine.bundle()).map_err(|e| Failure::new(&name, e))? + "\n";

    let key_name = request.key.display().to_string();
    let secret = String::from_utf8(read_file(request.key)?)
        .map_err(|_| Failure::new(&key_name, "not a key file (not text)"))?;
    let seed = decode_key(&secret).map_err(|e| Failure::new(&key_name, e))?;
    let envelope = signed::sign(payload.as_bytes(), &seed);

    // Exactly what the extension will run, so a file that verifies here is never refused there
    // for anything but the date or the ratchet.
    let public = public_key(&seed);
    let trust = Trust::new(vec![public], engine.bundle().id.clone());
    let accepted = signed::accept(envelope.as_bytes(), &trust, &today())
        .map_err(|e| Failure::new(&name, format!("refusing to sign: {}", rejection(&e))))?;
    std::fs::write(request.out, envelope + "\n")
        .map_err(|e| Failure::new(request.out.display().to_string(), e))?;
    writeln!(
        out,
        "signed bundle `{}` version {} (expires {}) with key {}: {}",
        accepted.bundle_id,
        accepted.version,
        accepted.expires,
        accepted.key_id,
        request.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// What `bundle verify` was asked to check.
pub struct VerifyRequest<'a> {
    pub file: &'a Path,
    pub pubkeys: &'a [PathBuf],
    pub bundle_id: Option<&'a str>,
    pub min_version: Option<u64>,
    pub today: Option<&'a str>,
}

/// Checks a signed bundle as the extension does and prints what it holds.
pub fn verify(request: &VerifyRequest, out: &mut impl Write) -> Result<ExitCode, Failure> {
    let name = request.file.display().to_string();
    let envelope = read_file(request.file)?;
    let mut keys = Vec::new();
    for path in request.pubkeys {
        let text = String::from_utf8(read_file(path)?)
            .map_err(|_| Failure::new(path.display().to_string(), "not a public key file"))?;
        keys.push(
            decode_public_key(&text).map_err(|e| Failure::new(path.display().to_string(), e))?,
        );
    }
    // Defaults from the unverified payload: `accept` checks the signature before it trusts any
    // of it.
    let payload = signed::unverified_payload(&envelope).ok();
    let bundle_id = match request.bundle_id {
        Some(id) => id.to_string(),
        None => payload
            .as_deref()
            .and_then(|p| serde_json::from_slice::<serde_json::Value>(p).ok())
            .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_string))
            .unwrap_or_default(),
    };
    let mut trust = Trust::new(keys, bundle_id);
    if let (Some(min), Some(payload)) = (request.min_version, &payload) {
        // Versions below the minimum are a rollback; the minimum itself is fine.
        let sha256 = sha256_hex(payload);
        trust.ratchet = trust
            .keys
            .iter()
            .map(|k| {
                (
                    key_id(k),
                    RatchetEntry {
                        version: min,
                        sha256: sha256.clone(),
                    },
                )
            })
            .collect::<BTreeMap<_, _>>();
    }
    let today = request.today.map_or_else(today, str::to_string);
    match signed::accept(&envelope, &trust, &today) {
        Ok(accepted) => {
            writeln!(out, "{name}: ok")?;
            writeln!(out, "bundle:  {}", accepted.bundle_id)?;
            writeln!(out, "version: {}", accepted.version)?;
            writeln!(out, "issued:  {}", accepted.issued)?;
            writeln!(out, "expires: {}", accepted.expires)?;
            writeln!(out, "key id:  {}", accepted.signed_by.join(", "))?;
            writeln!(out, "sha256:  {}", accepted.sha256)?;
            writeln!(out, "rules:   {}", accepted.engine.bundle().rules.len())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(Rejection::Rollback { given, .. }) if request.min_version.is_some() => {
            Err(Failure::new(
                name,
                format!(
                    "refused (rollback): version {given} is lower than --min-version {}",
                    request.min_version.unwrap_or_default()
                ),
            ))
        }
        Err(e) => Err(Failure::new(
            name,
            format!("refused ({}): {}", e.kind(), rejection(&e)),
        )),
    }
}

/// A rejection with every problem or failing example, one per line.
fn rejection(e: &Rejection) -> String {
    let mut lines: Vec<String> = e.problems().iter().map(ToString::to_string).collect();
    if let Rejection::ExamplesFail { failures } = e {
        lines = failures.iter().map(|f| format!("FAIL {f}")).collect();
    }
    if lines.len() > 1 {
        format!("{e}\n{}", lines.join("\n"))
    } else {
        e.to_string()
    }
}

fn policy_error(e: &postwacht_engine::PolicyError) -> String {
    let problems = e.problems();
    if problems.len() > 1 {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        format!("refusing to sign: {e}\n{}", lines.join("\n"))
    } else {
        format!("refusing to sign: {e}")
    }
}

/// Today's date in UTC, `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_plausible_date() {
        let today = super::today();
        assert_eq!(today.len(), 10);
        assert!(
            today.as_str() > "2020-01-01" && today.as_str() < "2100-01-01",
            "{today}"
        );
    }
}
