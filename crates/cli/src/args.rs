//! Command-line arguments: parsed raw with lexopt, then validated into a typed `Command`, so
//! every later stage works with values that are known to make sense.

use std::ffi::OsString;
use std::path::PathBuf;

use lexopt::prelude::*;
use postwacht_engine::Lang;

pub const USAGE: &str = "\
postwacht: check social-media posts against a code of conduct

Usage:
  postwacht check [--policy FILE | --pack NAME] [--lang nl|fr|en] [--text-lang nl|fr|en]
                  [--format text|json|jsonl] [--color auto|always|never] [FILE|-]
  postwacht policy lint FILE
  postwacht policy test (FILE | --pack NAME) [--min-examples N]
  postwacht policy show [--policy FILE | --pack NAME] [--lang nl|fr|en]
  postwacht policy export --pack NAME
  postwacht bundle keygen --out NAME
  postwacht bundle sign POLICY.json --key NAME.key --version N --expires YYYY-MM-DD --out SIGNED.json
  postwacht bundle verify SIGNED.json --pubkey NAME.pub [--pubkey OTHER.pub]... [--bundle-id ID]
                          [--min-version N] [--today YYYY-MM-DD]
  postwacht eval CORPUS.jsonl [--pack NAME | --policy FILE] [--errors] [--category ID]...
  postwacht packs [gate-table]

Every command takes --packs-dir DIR to assemble packs from source files (a working copy of
crates/engine/packs) instead of the ones built in.

packs lists the built-in packs; packs gate-table prints, as JSON, the literals each of their
patterns needs before it can match: the browser extension's build ships it beside the packs, so
that starting a pack need not parse every pattern to find them.

policy export prints a built-in pack as bundle JSON: the starting point for an organisation's own
policy (`policy build` is the same command under its old name).

bundle signs policies for the browser extension's managed updates. keygen writes NAME.key (the
secret seed, mode 0600: keep it off the web server) and NAME.pub (the public key for the
extension's policy) and prints the key id. sign sets the version and expiry, lints the policy and
runs every rule's examples, refusing on any failure, then writes the signed envelope. verify
checks a signed file as the extension does: a signature by one of the keys, the bundle id (by
default the file's own), expiry (against --today, by default today's UTC date), at least
--min-version, rules that compile and examples that pass; it prints the bundle id, version,
expiry and key id, or the reason for refusal.

eval scores a labelled corpus ({\"id\", \"text\", \"expect\": [...], \"allow\": [...]} per line): per-category
precision and recall, micro-F1 and the false-alarm rate on benign posts. --errors lists each
post with a missed or a wrong category; --category restricts everything to the given ones.

check reads FILE, or standard input when FILE is `-` or absent. With --format jsonl each input
line is a JSON object {\"id\": ..., \"text\": ...} and each output line holds its findings.
Offsets in JSON output are UTF-16 code units (start, end) and UTF-8 bytes (byte_start, byte_end).

Exit status: 0 nothing found, 1 findings (or failing examples, or lint problems), 2 error (and
any refusal by bundle sign or bundle verify).
";

/// Where the policy comes from.
#[derive(Debug, Clone)]
pub enum PolicySource {
    Pack(String),
    File(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Jsonl,
}

#[derive(Debug)]
pub enum Command {
    Help,
    Version,
    Check {
        policy: PolicySource,
        lang: Lang,
        text_lang: Option<Lang>,
        format: Format,
        color: bool,
        input: Option<PathBuf>,
    },
    Lint {
        file: PathBuf,
    },
    Test {
        policy: PolicySource,
        min_examples: usize,
    },
    Show {
        policy: PolicySource,
        lang: Lang,
    },
    Build {
        pack: String,
    },
    Eval {
        policy: PolicySource,
        corpus: PathBuf,
        show_errors: bool,
        only: Vec<postwacht_engine::Category>,
    },
    Packs,
    GateTable,
    Keygen {
        out: PathBuf,
    },
    Sign {
        policy: PathBuf,
        key: PathBuf,
        version: u64,
        expires: String,
        out: PathBuf,
    },
    Verify {
        file: PathBuf,
        pubkeys: Vec<PathBuf>,
        bundle_id: Option<String>,
        min_version: Option<u64>,
        today: Option<String>,
    },
}

/// The command, and where packs come from: the embedded sources, or `--packs-dir DIR`.
pub fn parse(
    args: impl IntoIterator<Item = OsString>,
) -> Result<(Command, Option<PathBuf>), String> {
    let mut packs_dir = None;
    let command = parse_command(args, &mut packs_dir)?;
    Ok((command, packs_dir))
}

fn parse_command(
    args: impl IntoIterator<Item = OsString>,
    packs_dir: &mut Option<PathBuf>,
) -> Result<Command, String> {
    let mut parser = lexopt::Parser::from_args(args);
    let mut words: Vec<String> = Vec::new();
    let mut pack: Option<String> = None;
    let mut policy_file: Option<PathBuf> = None;
    let mut lang: Option<String> = None;
    let mut text_lang: Option<String> = None;
    let mut format: Option<String> = None;
    let mut color: Option<String> = None;
    let mut min_examples: Option<String> = None;
    let mut show_errors = false;
    let mut only: Vec<String> = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut key: Option<PathBuf> = None;
    let mut bundle_version: Option<String> = None;
    let mut expires: Option<String> = None;
    let mut pubkeys: Vec<PathBuf> = Vec::new();
    let mut bundle_id: Option<String> = None;
    let mut min_version: Option<String> = None;
    let mut today: Option<String> = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let value = |parser: &mut lexopt::Parser| -> Result<String, String> {
            parser
                .value()
                .map_err(|e| e.to_string())?
                .into_string()
                .map_err(|v| format!("argument is not valid UTF-8: {}", v.to_string_lossy()))
        };
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            // `bundle sign --version N` is the bundle's version; elsewhere, the program's.
            Long("version") if words.first().is_some_and(|w| w == "bundle") => {
                bundle_version = Some(value(&mut parser)?)
            }
            Short('V') | Long("version") => return Ok(Command::Version),
            Long("out") => out = Some(PathBuf::from(value(&mut parser)?)),
            Long("key") => key = Some(PathBuf::from(value(&mut parser)?)),
            Long("expires") => expires = Some(value(&mut parser)?),
            Long("pubkey") => pubkeys.push(PathBuf::from(value(&mut parser)?)),
            Long("bundle-id") => bundle_id = Some(value(&mut parser)?),
            Long("today") => today = Some(value(&mut parser)?),
            Long("pack") => pack = Some(value(&mut parser)?),
            Long("policy") => policy_file = Some(PathBuf::from(value(&mut parser)?)),
            Long("lang") => lang = Some(value(&mut parser)?),
            Long("text-lang") => text_lang = Some(value(&mut parser)?),
            Long("format") => format = Some(value(&mut parser)?),
            Long("color") | Long("colour") => color = Some(value(&mut parser)?),
            Long("min-examples") => min_examples = Some(value(&mut parser)?),
            Long("min-version") => min_version = Some(value(&mut parser)?),
            Long("errors") => show_errors = true,
            Long("packs-dir") => *packs_dir = Some(PathBuf::from(value(&mut parser)?)),
            Long("category") => only.push(value(&mut parser)?),
            Value(v) => words
                .push(v.into_string().map_err(|v| {
                    format!("argument is not valid UTF-8: {}", v.to_string_lossy())
                })?),
            other => return Err(other.unexpected().to_string()),
        }
    }

    let language = |code: Option<String>, flag: &str| -> Result<Option<Lang>, String> {
        code.map(|c| {
            Lang::from_code(&c).ok_or_else(|| format!("{flag} must be nl, fr or en, not `{c}`"))
        })
        .transpose()
    };
    let lang_value = language(lang, "--lang")?.unwrap_or(Lang::Nl);
    let policy = match (pack, policy_file) {
        (Some(_), Some(_)) => return Err("give either --pack or --policy, not both".into()),
        (Some(name), None) => PolicySource::Pack(name),
        (None, Some(file)) => PolicySource::File(file),
        (None, None) => PolicySource::Pack(postwacht_engine::packs::DEFAULT_PACK.into()),
    };
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Ok(Command::Help),
        ["check", rest @ ..] => {
            let input = match rest {
                [] | ["-"] => None,
                [file] => Some(PathBuf::from(file)),
                _ => return Err("check takes one input file".into()),
            };
            let format = match format.as_deref() {
                None | Some("text") => Format::Text,
                Some("json") => Format::Json,
                Some("jsonl") => Format::Jsonl,
                Some(other) => {
                    return Err(format!(
                        "--format must be text, json or jsonl, not `{other}`"
                    ))
                }
            };
            let color = match color.as_deref() {
                None | Some("auto") => {
                    use std::io::IsTerminal;
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
                Some("always") => true,
                Some("never") => false,
                Some(other) => {
                    return Err(format!(
                        "--color must be auto, always or never, not `{other}`"
                    ))
                }
            };
            Ok(Command::Check {
                policy,
                lang: lang_value,
                text_lang: language(text_lang, "--text-lang")?,
                format,
                color,
                input,
            })
        }
        ["policy", "lint", file] => Ok(Command::Lint {
            file: PathBuf::from(file),
        }),
        ["policy", "test", rest @ ..] => {
            let policy = match (rest, policy) {
                ([file], PolicySource::Pack(_)) => PolicySource::File(PathBuf::from(file)),
                ([], policy) => policy,
                _ => return Err("policy test takes one FILE or --pack NAME".into()),
            };
            let min_examples = match min_examples {
                None => 0,
                Some(n) => n
                    .parse()
                    .map_err(|_| format!("--min-examples takes a number, not `{n}`"))?,
            };
            Ok(Command::Test {
                policy,
                min_examples,
            })
        }
        ["policy", "show"] => Ok(Command::Show {
            policy,
            lang: lang_value,
        }),
        ["policy", command @ ("build" | "export")] => match policy {
            PolicySource::Pack(pack) => Ok(Command::Build { pack }),
            PolicySource::File(_) => Err(format!("policy {command} takes --pack NAME")),
        },
        ["bundle", "keygen"] => Ok(Command::Keygen {
            out: out.ok_or("bundle keygen needs --out NAME")?,
        }),
        ["bundle", "sign", policy] => Ok(Command::Sign {
            policy: PathBuf::from(policy),
            key: key.ok_or("bundle sign needs --key NAME.key")?,
            version: number(bundle_version.as_deref(), "--version")?
                .ok_or("bundle sign needs --version N")?,
            expires: date(
                expires.ok_or("bundle sign needs --expires YYYY-MM-DD")?,
                "--expires",
            )?,
            out: out.ok_or("bundle sign needs --out SIGNED.json")?,
        }),
        ["bundle", "verify", file] => {
            if pubkeys.is_empty() {
                return Err("bundle verify needs at least one --pubkey NAME.pub".into());
            }
            Ok(Command::Verify {
                file: PathBuf::from(file),
                pubkeys,
                bundle_id,
                min_version: number(min_version.as_deref(), "--min-version")?,
                today: today.map(|d| date(d, "--today")).transpose()?,
            })
        }
        ["eval", corpus] => Ok(Command::Eval {
            policy,
            corpus: PathBuf::from(corpus),
            show_errors,
            only: only
                .iter()
                .map(|c| {
                    serde_json::from_value(serde_json::Value::from(c.as_str()))
                        .map_err(|_| format!("--category: unknown category `{c}`"))
                })
                .collect::<Result<_, _>>()?,
        }),
        ["packs"] => Ok(Command::Packs),
        ["packs", "gate-table"] => Ok(Command::GateTable),
        _ => Err(format!(
            "unknown command `{}`; see `postwacht --help`",
            words.join(" ")
        )),
    }
}

fn number(value: Option<&str>, flag: &str) -> Result<Option<u64>, String> {
    value
        .map(|n| {
            n.parse()
                .map_err(|_| format!("{flag} takes a whole number, not `{n}`"))
        })
        .transpose()
}

fn date(value: String, flag: &str) -> Result<String, String> {
    let b = value.as_bytes();
    let ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if ok {
        Ok(value)
    } else {
        Err(format!("{flag} takes a date YYYY-MM-DD, not `{value}`"))
    }
}
