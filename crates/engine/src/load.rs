//! From JSON bytes to a `Bundle`, and the structural checks every bundle must pass.
//!
//! Each document, clause and rule is deserialized on its own so that one bad rule does not hide
//! the problems of the others: `postwacht policy lint` shows them all at once.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Location, PolicyError, Problem, ProblemKind};
use crate::limits::Limits;
use crate::model::{Bundle, Lang, Localized};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBundle {
    id: String,
    version: u64,
    issued: String,
    #[serde(default)]
    expires: Option<String>,
    organisation: String,
    languages: Vec<Lang>,
    documents: Vec<Value>,
    clauses: Vec<Value>,
    rules: Vec<Value>,
    #[serde(default)]
    lists: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    gate: crate::model::Gate,
    #[serde(default)]
    communication: Option<crate::model::Communication>,
}

/// Parses bundle JSON. Problems inside documents, clauses and rules are collected and returned
/// beside the parts that did parse; a bundle whose outer shape is wrong is an error at once.
pub(crate) fn parse(bytes: &[u8], limits: &Limits) -> Result<(Bundle, Vec<Problem>), PolicyError> {
    if bytes.len() > limits.max_bundle_bytes {
        return Err(PolicyError::TooLarge {
            given: bytes.len(),
            limit: limits.max_bundle_bytes,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| PolicyError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| PolicyError::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let raw: RawBundle = serde_path_to_error::deserialize(value).map_err(|e| {
        PolicyError::Invalid(vec![Problem::new(
            Location::Bundle,
            field_path(e.path()),
            ProblemKind::Schema(e.into_inner().to_string()),
        )])
    })?;
    let mut problems = Vec::new();
    if raw.rules.len() > limits.max_rules {
        // Refuse before deserializing a hundred thousand rules.
        return Err(PolicyError::Invalid(vec![Problem::new(
            Location::Bundle,
            "rules",
            ProblemKind::TooMany {
                what: "rules",
                given: raw.rules.len(),
                limit: limits.max_rules,
            },
        )]));
    }
    let documents = items(raw.documents, Location::Document, &mut problems);
    let clauses = items(raw.clauses, Location::Clause, &mut problems);
    let rules = items(raw.rules, Location::Rule, &mut problems);
    let bundle = Bundle {
        id: raw.id,
        version: raw.version,
        issued: raw.issued,
        expires: raw.expires,
        organisation: raw.organisation,
        languages: raw.languages,
        documents,
        clauses,
        rules,
        lists: raw.lists,
        gate: raw.gate,
        communication: raw.communication,
    };
    Ok((bundle, problems))
}

fn items<T: serde::de::DeserializeOwned>(
    values: Vec<Value>,
    location: fn(String) -> Location,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(values.len());
    for (index, value) in values.into_iter().enumerate() {
        let name = value
            .get("id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{}", index + 1), str::to_string);
        match serde_path_to_error::deserialize(value) {
            Ok(item) => out.push(item),
            Err(e) => problems.push(Problem::new(
                location(name),
                field_path(e.path()),
                ProblemKind::Schema(e.into_inner().to_string()),
            )),
        }
    }
    out
}

fn field_path(path: &serde_path_to_error::Path) -> String {
    let p = path.to_string();
    if p == "." {
        String::new()
    } else {
        p
    }
}

/// serde_json appends " at line L column C", which `Syntax` carries as fields already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Structural checks: ids, references, dates, languages. Matchers are checked by `compile`.
pub(crate) fn validate(bundle: &Bundle, problems: &mut Vec<Problem>) {
    let mut report = |location: Location, field: &str, kind: ProblemKind| {
        problems.push(Problem::new(location, field, kind));
    };
    let main = bundle.main_language();

    check_id(&bundle.id, Location::Bundle, "id", &mut report);
    if bundle.version == 0 {
        report(
            Location::Bundle,
            "version",
            ProblemKind::OutOfRange {
                given: 0,
                min: 1,
                max: u64::MAX,
            },
        );
    }
    for (name, list) in &bundle.lists {
        let field = format!("lists.{name}");
        check_id(name, Location::Bundle, &field, &mut report);
        if list.is_empty() {
            report(Location::Bundle, &field, ProblemKind::Empty);
        }
        for (i, phrase) in list.iter().enumerate() {
            if phrase.starts_with(crate::compile::LIST_PREFIX) {
                // One level only: a list of lists would hide how large a rule really is.
                report(
                    Location::Bundle,
                    &format!("{field}[{i}]"),
                    ProblemKind::Schema(format!("`{phrase}`: a list cannot refer to another list")),
                );
            }
        }
    }
    let issued_ok = check_date(&bundle.issued, "issued", &mut report);
    if let Some(expires) = &bundle.expires {
        if check_date(expires, "expires", &mut report) && issued_ok && expires <= &bundle.issued {
            report(
                Location::Bundle,
                "expires",
                ProblemKind::ExpiresBeforeIssued {
                    issued: bundle.issued.clone(),
                    expires: expires.clone(),
                },
            );
        }
    }
    if bundle.organisation.trim().is_empty() {
        report(Location::Bundle, "organisation", ProblemKind::Empty);
    }
    let gate = &bundle.gate;
    for (field, given, min, max) in [
        (
            "gate.cooldown_seconds",
            gate.cooldown_seconds,
            0,
            crate::model::Gate::MAX_COOLDOWN_SECONDS,
        ),
        (
            "gate.reason_min_chars",
            gate.reason_min_chars,
            1,
            crate::model::Gate::MAX_REASON_CHARS,
        ),
    ] {
        if !(min..=max).contains(&given) {
            report(
                Location::Bundle,
                field,
                ProblemKind::OutOfRange { given, min, max },
            );
        }
    }
    if bundle.languages.is_empty() {
        report(Location::Bundle, "languages", ProblemKind::Empty);
    }
    // Rules that failed to parse were reported already; "no rules" would only mislead.
    let unparsed_rules = problems
        .iter()
        .any(|p| matches!(p.location, Location::Rule(_)));
    let mut report = |location: Location, field: &str, kind: ProblemKind| {
        problems.push(Problem::new(location, field, kind));
    };
    if bundle.rules.is_empty() && !unparsed_rules {
        report(Location::Bundle, "rules", ProblemKind::Empty);
    }

    let mut seen = HashSet::new();
    for doc in &bundle.documents {
        let at = || Location::Document(doc.id.clone());
        check_id(&doc.id, at(), "id", &mut report);
        if !seen.insert(doc.id.as_str()) {
            report(at(), "id", ProblemKind::DuplicateId(doc.id.clone()));
        }
        if doc.title.trim().is_empty() {
            report(at(), "title", ProblemKind::Empty);
        }
    }

    let mut seen = HashSet::new();
    for clause in &bundle.clauses {
        let at = || Location::Clause(clause.id.clone());
        check_id(&clause.id, at(), "id", &mut report);
        if !seen.insert(clause.id.as_str()) {
            report(at(), "id", ProblemKind::DuplicateId(clause.id.clone()));
        }
        if bundle.document(&clause.document).is_none() {
            report(
                at(),
                "document",
                ProblemKind::UnknownDocument(clause.document.clone()),
            );
        }
        if clause.text.trim().is_empty() {
            report(at(), "text", ProblemKind::Empty);
        }
        if clause.reference.trim().is_empty() {
            report(at(), "reference", ProblemKind::Empty);
        }
        for (field, text) in [
            ("title", &clause.title),
            ("explanation", &clause.explanation),
            ("advice", &clause.advice),
        ] {
            check_localized(text, main, at(), field, &mut report);
        }
    }

    let mut seen = HashSet::new();
    for rule in &bundle.rules {
        let at = || Location::Rule(rule.id.clone());
        check_id(&rule.id, at(), "id", &mut report);
        if !seen.insert(rule.id.as_str()) {
            report(at(), "id", ProblemKind::DuplicateId(rule.id.clone()));
        }
        if rule.clauses.is_empty() {
            report(at(), "clauses", ProblemKind::Empty);
        }
        for (i, clause) in rule.clauses.iter().enumerate() {
            if bundle.clause(clause).is_none() {
                report(
                    at(),
                    &format!("clauses[{i}]"),
                    ProblemKind::UnknownClause(clause.clone()),
                );
            }
        }
        for (i, lang) in rule.languages.iter().enumerate() {
            if !bundle.languages.contains(lang) {
                report(
                    at(),
                    &format!("languages[{i}]"),
                    ProblemKind::UnlistedLanguage(*lang),
                );
            }
        }
        check_localized(&rule.message, main, at(), "message", &mut report);
        for (field, contexts) in [("unless", &rule.unless), ("signals", &rule.signals)] {
            for (i, context) in contexts.iter().enumerate() {
                if context.phrases.is_empty()
                    && context.pattern.is_none()
                    && context.values.is_empty()
                {
                    report(at(), &format!("{field}[{i}]"), ProblemKind::EmptyException);
                }
            }
        }
    }
    if let Some(communication) = &bundle.communication {
        crate::communication::validate(communication, "communication.", Some(bundle), problems);
    }
}

fn check_id(
    id: &str,
    location: Location,
    field: &str,
    report: &mut impl FnMut(Location, &str, ProblemKind),
) {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if !ok {
        report(location, field, ProblemKind::InvalidId(id.to_string()));
    }
}

fn check_date(
    date: &str,
    field: &str,
    report: &mut impl FnMut(Location, &str, ProblemKind),
) -> bool {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && {
            let month: u32 = date[5..7].parse().unwrap_or(0);
            let day: u32 = date[8..10].parse().unwrap_or(0);
            (1..=12).contains(&month) && (1..=31).contains(&day)
        };
    if !ok {
        report(
            Location::Bundle,
            field,
            ProblemKind::InvalidDate(date.to_string()),
        );
    }
    ok
}

fn check_localized(
    text: &Localized,
    main: Lang,
    location: Location,
    field: &str,
    report: &mut impl FnMut(Location, &str, ProblemKind),
) {
    if text.get(main).is_none() {
        report(
            location,
            &format!("{field}.{main}"),
            ProblemKind::MissingMainLanguage(main),
        );
    }
}
