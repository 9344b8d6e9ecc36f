//! `postwacht`: the administrators' command-line tool. Argument parsing, I/O and printing only;
//! every decision about a text or a policy is the engine's.

mod args;
mod check;
mod policy;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use postwacht_engine::{packs, Engine};

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
    let command = args::parse(std::env::args_os().skip(1)).map_err(|m| Failure::new("usage", m))?;
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
            let pack = packs::find(&pack).map_err(|e| Failure::new("pack", e))?;
            out.write_all(pack.json.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Packs => {
            for pack in packs::PACKS {
                let default = if pack.name == packs::DEFAULT_PACK {
                    " (default)"
                } else {
                    ""
                };
                writeln!(out, "{}{default}\t{}", pack.name, pack.description)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads a file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::new(path.display().to_string(), e))
}

fn load_engine(source: &PolicySource) -> Result<Engine, Failure> {
    match source {
        PolicySource::Pack(name) => packs::engine(name).map_err(|e| Failure::new("pack", e)),
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
