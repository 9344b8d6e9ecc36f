//! `postwacht check`: scan a text (or a JSON-lines batch of texts) and print the findings.

use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use postwacht_engine::{Bundle, Engine, Finding, Lang, LineIndex, ScanOptions, Severity};
use serde::{Deserialize, Serialize};

use crate::args::Format;
use crate::{read_file, Failure};

pub struct Options {
    pub lang: Lang,
    pub text_lang: Option<Lang>,
    pub format: Format,
    pub color: bool,
}

pub fn run(
    engine: &Engine,
    input: Option<&Path>,
    options: &Options,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let bytes = match input {
        Some(path) => read_file(path)?,
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Failure::new("standard input", e))?;
            buf
        }
    };
    let source = input.map_or_else(|| "<stdin>".to_string(), |p| p.display().to_string());
    let scan_options = ScanOptions {
        lang: options.text_lang,
    };
    if options.format == Format::Jsonl {
        return jsonl(engine, &bytes, &source, &scan_options, out);
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        Failure::new(
            &source,
            format!(
                "input is not valid UTF-8 (first bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    let findings = engine
        .scan_with(text, &scan_options)
        .map_err(|e| Failure::new(&source, e))?;
    match options.format {
        Format::Text => print_text(engine.bundle(), &source, text, &findings, options, out)?,
        _ => print_json(engine.bundle(), text, &findings, options.lang, out)?,
    }
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn print_text(
    bundle: &Bundle,
    source: &str,
    text: &str,
    findings: &[Finding],
    options: &Options,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let paint = Paint(options.color);
    let lines = LineIndex::new(text);
    let main = bundle.main_language();
    for finding in findings {
        let (line, column) = lines.position(finding.byte_start);
        let rule = bundle.rules.iter().find(|r| r.id == finding.rule);
        let severity = match finding.severity {
            Severity::Block => paint.wrap("1;31", "block"),
            Severity::Warn => paint.wrap("1;33", "warn"),
            Severity::Info => paint.wrap("1;36", "info"),
        };
        writeln!(
            out,
            "{source}:{line}:{column}: {severity} [{}] {}: «{}» (confidence {})",
            finding.category,
            finding.rule,
            paint.wrap("1", &finding.text.replace(['\r', '\n'], " ")),
            finding.confidence
        )?;
        if let Some(rule) = rule {
            writeln!(out, "    {}", rule.message.get_or(options.lang, main))?;
        }
        for clause in finding.clauses.iter().filter_map(|id| bundle.clause(id)) {
            let document = bundle
                .document(&clause.document)
                .map_or("", |d| d.title.as_str());
            writeln!(
                out,
                "    {} {} — {}",
                paint.wrap("2", "§"),
                clause.reference,
                paint.wrap("2", document)
            )?;
            writeln!(out, "      “{}”", clause.text)?;
        }
    }
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    if findings.is_empty() {
        writeln!(out, "{source}: no findings")?;
    } else {
        writeln!(
            out,
            "{source}: {} finding{} ({} block, {} warn, {} info)",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            count(Severity::Block),
            count(Severity::Warn),
            count(Severity::Info)
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    line: usize,
    column: usize,
    message: &'a str,
}

fn print_json(
    bundle: &Bundle,
    text: &str,
    findings: &[Finding],
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let lines = LineIndex::new(text);
    let main = bundle.main_language();
    let findings: Vec<JsonFinding> = findings
        .iter()
        .map(|f| {
            let (line, column) = lines.position(f.byte_start);
            let message = bundle
                .rules
                .iter()
                .find(|r| r.id == f.rule)
                .map_or("", |r| r.message.get_or(lang, main));
            JsonFinding {
                finding: f,
                line,
                column,
                message,
            }
        })
        .collect();
    let document = serde_json::json!({
        "policy": { "id": bundle.id, "version": bundle.version },
        "findings": findings,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[derive(Deserialize)]
struct JsonlInput {
    id: serde_json::Value,
    text: String,
}

#[derive(Serialize)]
struct JsonlFinding<'a> {
    rule: &'a str,
    category: postwacht_engine::Category,
    severity: Severity,
    clauses: &'a [String],
    start: usize,
    end: usize,
    text: &'a str,
    confidence: u8,
}

/// One JSON object per input line; a bad line is reported on stderr and the run goes on, ending
/// with exit status 2.
fn jsonl(
    engine: &Engine,
    bytes: &[u8],
    source: &str,
    options: &ScanOptions,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let mut any_findings = false;
    let mut errors = 0;
    for (n, line) in bytes.lines().enumerate() {
        let line = line.map_err(|e| Failure::new(source, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let input: JsonlInput = match serde_json::from_str(&line) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("postwacht: {source}: line {}: {e}", n + 1);
                errors += 1;
                continue;
            }
        };
        let findings = match engine.scan_with(&input.text, options) {
            Ok(findings) => findings,
            Err(e) => {
                eprintln!("postwacht: {source}: line {}: {e}", n + 1);
                errors += 1;
                continue;
            }
        };
        any_findings |= !findings.is_empty();
        let findings: Vec<JsonlFinding> = findings
            .iter()
            .map(|f| JsonlFinding {
                rule: &f.rule,
                category: f.category,
                severity: f.severity,
                clauses: &f.clauses,
                start: f.start,
                end: f.end,
                text: &f.text,
                confidence: f.confidence,
            })
            .collect();
        serde_json::to_writer(
            &mut *out,
            &serde_json::json!({ "id": input.id, "findings": findings }),
        )
        .map_err(|e| Failure::new("output", e))?;
        writeln!(out)?;
    }
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if any_findings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
