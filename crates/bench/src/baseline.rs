//! A straightforward "one regex per rule" scanner, as a typical extension would write it: the
//! yardstick the engine's figures are divided by.
//!
//! - a phrase rule is one case-insensitive alternation of its escaped phrases (named lists
//!   expanded, `*` as `\w*`, white space as `\s+`) between `\b`s;
//! - a regex rule is its own `Regex`;
//! - a `near` rule is one such alternation per group, every group run over the whole text, then
//!   a naive check that every group has a match within `within × (groups − 1) + groups` words
//!   of a match of the first group (binary search over sorted word positions);
//! - a detector is a plain regex of its shape, without checksum validation;
//! - `unless` and `signals` are ignored, and nothing is folded for diacritics.
//!
//! It therefore does less than the engine (no exceptions, no confidence, no validation, no
//! merging), so `postwacht / baseline` ratios are, if anything, flattering to the baseline.
//!
//! `\b` is the `regex` crate's default, Unicode-aware one: what a Rust author writes, and right
//! for Dutch (`cliënt` is one word). Most of the baseline's cost is elsewhere, in hundreds of
//! large case-insensitive alternations (named lists expanded) each run over the whole text:
//! ASCII-only `(?-u:\b)` (JavaScript's meaning of `\b`) measured only about twice as fast.

use postwacht_engine::{Bundle, DetectorKind, Matcher, NearGroup};
use regex::{Regex, RegexBuilder};

/// Raised from the crate's default (10 MiB) so that no alternation of a long, Unicode
/// case-folded phrase list is refused: an extension author would raise it rather than split
/// the rule.
const SIZE_LIMIT: usize = 256 << 20;

enum Check {
    One(Regex),
    Near { groups: Vec<Regex>, within: usize },
}

/// One compiled check per rule.
pub struct Baseline {
    checks: Vec<Check>,
}

fn build(pattern: &str, case_insensitive: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .size_limit(SIZE_LIMIT)
        .build()
}

fn phrase_pattern(phrase: &str) -> String {
    let (prefix, rest) = match phrase.strip_prefix('*') {
        Some(rest) => (r"\w*", rest),
        None => ("", phrase),
    };
    let (core, suffix) = match rest.strip_suffix('*') {
        Some(core) => (core, r"\w*"),
        None => (rest, ""),
    };
    let core = core
        .split_whitespace()
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(r"\s+");
    format!("{prefix}{core}{suffix}")
}

fn phrases_regex(bundle: &Bundle, phrases: &[String]) -> Result<Regex, regex::Error> {
    let mut alternatives = Vec::new();
    for phrase in phrases {
        match phrase
            .strip_prefix("list:")
            .and_then(|name| bundle.lists.get(name))
        {
            Some(list) => alternatives.extend(list.iter().map(|p| phrase_pattern(p))),
            None => alternatives.push(phrase_pattern(phrase)),
        }
    }
    build(&format!(r"\b(?:{})\b", alternatives.join("|")), true)
}

fn detector_pattern(detector: DetectorKind) -> &'static str {
    match detector {
        DetectorKind::Email => r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        DetectorKind::Ipv4 => r"\b\d{1,3}(?:\.\d{1,3}){3}\b",
        DetectorKind::Ipv6 => r"\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}\b",
        DetectorKind::Iban => r"\b[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}(?:\s?[a-z0-9]{1,3})?\b",
        DetectorKind::NlBsn => r"\b\d{4}\.?\d{2}\.?\d{3}\b",
        DetectorKind::BeRrn => r"\b\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}\b",
        DetectorKind::PhoneNl => r"(?:\+31|\b0)\s?[1-9](?:[\s-]?\d){8}\b",
        DetectorKind::PhoneBe => r"(?:\+32|\b0)\s?[1-9](?:[\s./-]?\d){7,8}\b",
        DetectorKind::NlPostcodeAddress => r"\b[1-9]\d{3}\s?[a-z]{2}\b",
        DetectorKind::SoftwareVersion => {
            r"\b(?:windows|linux|ubuntu|macos|ios|android|chrome|firefox|office|outlook|exchange|apache|nginx|tomcat|java|python|php|sap|citrix|vmware|oracle|wordpress)\s+v?\d+(?:\.\d+)+\b"
        }
        DetectorKind::PaymentCard => r"\b(?:\d[ -]?){12,18}\d\b",
        // A detector added to the engine later: a generic long number, so it still costs a scan.
        _ => r"\b\d{6,}\b",
    }
}

impl Baseline {
    /// Compiles every rule of `bundle` into its own regex (or one per `near` group).
    pub fn new(bundle: &Bundle) -> Result<Baseline, regex::Error> {
        let mut checks = Vec::with_capacity(bundle.rules.len());
        for rule in &bundle.rules {
            let check = match &rule.matcher {
                Matcher::Phrases { phrases } => Check::One(phrases_regex(bundle, phrases)?),
                Matcher::Regex {
                    pattern,
                    case_insensitive,
                } => Check::One(build(pattern, *case_insensitive)?),
                Matcher::Near { groups, within } => Check::Near {
                    groups: groups
                        .iter()
                        .map(|group| match group {
                            NearGroup::Phrases(phrases) => phrases_regex(bundle, phrases),
                            NearGroup::Pattern { pattern } => build(pattern, true),
                        })
                        .collect::<Result<_, _>>()?,
                    within: *within as usize,
                },
                Matcher::Detector { detector } => {
                    Check::One(build(detector_pattern(*detector), true)?)
                }
            };
            checks.push(check);
        }
        Ok(Baseline { checks })
    }

    /// How many rules it checks.
    pub fn len(&self) -> usize {
        self.checks.len()
    }

    /// Whether it checks no rule.
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    /// Runs every rule over `text`: (rule index, byte start, byte end) of each match.
    pub fn scan(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        let mut word_starts: Option<Vec<usize>> = None;
        for (index, check) in self.checks.iter().enumerate() {
            match check {
                Check::One(regex) => {
                    found.extend(regex.find_iter(text).map(|m| (index, m.start(), m.end())));
                }
                Check::Near { groups, within } => {
                    let hits: Vec<Vec<(usize, usize)>> = groups
                        .iter()
                        .map(|g| g.find_iter(text).map(|m| (m.start(), m.end())).collect())
                        .collect();
                    if hits.iter().any(Vec::is_empty) {
                        continue;
                    }
                    let starts = word_starts.get_or_insert_with(|| words(text));
                    let word_of = |byte: usize| starts.partition_point(|&s| s <= byte);
                    let positions: Vec<Vec<usize>> = hits
                        .iter()
                        .map(|h| h.iter().map(|&(s, _)| word_of(s)).collect())
                        .collect();
                    let window = within * (groups.len() - 1) + groups.len();
                    for (k, &(start, end)) in hits[0].iter().enumerate() {
                        let at = positions[0][k];
                        let all_near = positions[1..].iter().all(|group| {
                            let from = group.partition_point(|&w| w + window < at);
                            group.get(from).is_some_and(|&w| w <= at + window)
                        });
                        if all_near {
                            found.push((index, start, end));
                        }
                    }
                }
            }
        }
        found
    }
}

/// Byte offsets where words start: a word is a run of alphanumeric characters.
fn words(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut in_word = false;
    for (at, c) in text.char_indices() {
        let word = c.is_alphanumeric();
        if word && !in_word {
            starts.push(at);
        }
        in_word = word;
    }
    starts
}
