//! `postwacht policy lint|test|show`: what a policy author runs while writing a bundle.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use postwacht_engine::{Engine, Lang};

use crate::{read_file, Failure};

/// Prints every problem of a bundle file, one per line.
pub fn lint(file: &Path, out: &mut impl Write) -> Result<ExitCode, Failure> {
    let bytes = read_file(file)?;
    let name = file.display();
    match Engine::builder().try_build_json(&bytes) {
        Ok(engine) => {
            let bundle = engine.bundle();
            writeln!(
                out,
                "{name}: ok: bundle `{}` version {}: {} documents, {} clauses, {} rules",
                bundle.id,
                bundle.version,
                bundle.documents.len(),
                bundle.clauses.len(),
                bundle.rules.len()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.problems().is_empty() => {
            writeln!(out, "{name}: {e}")?;
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            for problem in e.problems() {
                writeln!(out, "{name}: {problem}")?;
            }
            let n = e.problems().len();
            writeln!(out, "{name}: {n} problem{}", if n == 1 { "" } else { "s" })?;
            Ok(ExitCode::from(1))
        }
    }
}

/// Runs every rule's examples.
pub fn test(
    engine: &Engine,
    min_examples: usize,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let (failures, run) = engine.check_examples();
    for failure in &failures {
        writeln!(out, "FAIL {failure}")?;
    }
    let mut thin = 0;
    for rule in &engine.bundle().rules {
        let (flag, pass) = (rule.examples.flag.len(), rule.examples.pass.len());
        if flag < min_examples || pass < min_examples {
            thin += 1;
            writeln!(
                out,
                "FAIL rule `{}`: has {flag} flag and {pass} pass examples; at least {min_examples} of each are required",
                rule.id
            )?;
        }
    }
    let bundle = engine.bundle();
    writeln!(
        out,
        "policy `{}` v{}: {} rules, {} examples: {} passed, {} failed",
        bundle.id,
        bundle.version,
        bundle.rules.len(),
        run,
        run - failures.len(),
        failures.len() + thin
    )?;
    Ok(if failures.is_empty() && thin == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints the documents and their clauses.
pub fn show(engine: &Engine, lang: Lang, out: &mut impl Write) -> Result<ExitCode, Failure> {
    let bundle = engine.bundle();
    let main = bundle.main_language();
    writeln!(
        out,
        "{} — policy `{}` version {} (issued {})",
        bundle.organisation, bundle.id, bundle.version, bundle.issued
    )?;
    for doc in &bundle.documents {
        writeln!(out, "\n# {} ({})", doc.title, doc.organisation)?;
        if let Some(url) = &doc.url {
            writeln!(out, "  {url}")?;
        }
        for clause in bundle.clauses.iter().filter(|c| c.document == doc.id) {
            writeln!(
                out,
                "\n## {} — {} [{}]",
                clause.reference,
                clause.title.get_or(lang, main),
                clause.id
            )?;
            writeln!(out, "  “{}”", clause.text)?;
            writeln!(out, "  {}", clause.explanation.get_or(lang, main))?;
            writeln!(out, "  → {}", clause.advice.get_or(lang, main))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
