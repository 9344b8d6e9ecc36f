//! `postwacht`: the administrators' command-line tool. Argument parsing, I/O and printing only;
//! every decision about a text or a policy is the engine's.

mod args;
mod bundle;
mod check;
mod eval;
mod policy;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use postwacht_engine::packs::{self, Sources};
use postwacht_engine::Engine;

use args::{Command, PolicySource};

/// A failure that ends the run with exit status 2: what was being done, and why it failed.
pub struct Failure {
    context: String,
    message: String,
}

impl Failure {
    pub fn new(context: impl Into<String>, message: impl std::fmt::Display) -> Failure {
        Failure {
            context: context.into(),
            message: message.to_string(),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::new("output", e)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(failure) if failure.message.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("postwacht: {}: {}", failure.context, failure.message);
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, Failure> {
    let (command, packs_dir) =
        args::parse(std::env::args_os().skip(1)).map_err(|m| Failure::new("usage", m))?;
    let sources = match packs_dir {
        Some(dir) => Sources::read_dir(&dir).map_err(|e| Failure::new("--packs-dir", e))?,
        None => Sources::embedded(),
    };
    let load_engine = |policy: &PolicySource| load_engine(policy, &sources);
    let mut out = std::io::stdout().lock();
    match command {
        Command::Help => {
            out.write_all(args::USAGE.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Version => {
            writeln!(out, "postwacht {}", env!("CARGO_PKG_VERSION"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            policy,
            lang,
            text_lang,
            format,
            color,
            input,
        } => {
            let engine = load_engine(&policy)?;
            let options = check::Options {
                lang,
                text_lang,
                format,
                color,
            };
            check::run(&engine, input.as_deref(), &options, &mut out)
        }
        Command::Lint { file } => policy::lint(&file, &mut out),
        Command::Test {
            policy,
            min_examples,
        } => {
            let engine = load_engine(&policy)?;
            policy::test(&engine, min_examples, &mut out)
        }
        Command::Show { policy, lang } => {
            let engine = load_engine(&policy)?;
            policy::show(&engine, lang, &mut out)
        }
        Command::Build { pack } => {
            let bundle = sources.bundle(&pack).map_err(|e| Failure::new("pack", e))?;
            let json =
                serde_json::to_string_pretty(&bundle).map_err(|e| Failure::new("pack", e))?;
            writeln!(out, "{json}")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            policy,
            corpus,
            show_errors,
            only,
        } => {
            let engine = load_engine(&policy)?;
            let file = std::fs::File::open(&corpus)
                .map_err(|e| Failure::new(corpus.display().to_string(), e))?;
            let options = eval::Options {
                show_errors,
                only: only.into_iter().collect(),
            };
            eval::run(&engine, std::io::BufReader::new(file), &options, &mut out)
        }
        Command::Keygen { out: name } => bundle::keygen(&name, &mut out),
        Command::Sign {
            policy,
            key,
            version,
            expires,
            out: signed,
        } => bundle::sign(
            &bundle::SignRequest {
                policy: &policy,
                key: &key,
                version,
                expires: &expires,
                out: &signed,
            },
            &mut out,
        ),
        Command::Verify {
            file,
            pubkeys,
            bundle_id,
            min_version,
            today,
        } => bundle::verify(
            &bundle::VerifyRequest {
                file: &file,
                pubkeys: &pubkeys,
                bundle_id: bundle_id.as_deref(),
                min_version,
                today: today.as_deref(),
            },
            &mut out,
        ),
        Command::Packs => {
            for pack in sources.list() {
                let default = if pack.name == packs::DEFAULT_PACK {
                    " (default)"
                } else {
                    ""
                };
                writeln!(out, "{}\t{}{default}", pack.name, pack.description)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::GateTable => {
            let table = sources
                .gate_table()
                .map_err(|e| Failure::new("packs gate-table", e))?;
            writeln!(out, "{}", table.to_json())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads a file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::new(path.display().to_string(), e))
}

fn load_engine(source: &PolicySource, sources: &Sources) -> Result<Engine, Failure> {
    match source {
        PolicySource::Pack(name) => {
            let bundle = sources.bundle(name).map_err(|e| Failure::new("pack", e))?;
            Engine::new(bundle).map_err(|e| Failure::new(format!("pack {name}"), e))
        }
        PolicySource::File(path) => {
            let bytes = read_file(path)?;
            Engine::builder().try_build_json(&bytes).map_err(|e| {
                let problems = e.problems();
                let message = if problems.len() > 1 {
                    format!(
                        "{e} (run `postwacht policy lint {}` for all)",
                        path.display()
                    )
                } else {
                    e.to_string()
                };
                Failure::new(path.display().to_string(), message)
            })
        }
    }
}
