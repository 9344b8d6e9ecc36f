//! From a validated `Bundle` to the structures a scan runs: one phrase automaton for all
//! phrases, one regex per regex rule (plus a `RegexSet` to skip the ones that cannot match),
//! one instance of each detector that any rule uses.

use std::collections::{HashMap, HashSet};

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::detect::Detector;
use crate::error::{Location, Problem, ProblemKind};
use crate::limits::Limits;
use crate::model::{Bundle, DetectorKind, Matcher, NearGroup, Unless};
use crate::phrase::{Owner, Phrase, PhraseTable, PhraseTableBuilder};
use crate::text::fold;

pub(crate) enum CompiledMatcher {
    Phrases,
    Regex(usize),
    Near { groups: usize, within: u32 },
    Detector(usize),
}

/// An `unless` exception or a `signal`: context looked for around a match.
pub(crate) struct CompiledContext {
    /// Who owns its phrase hits.
    pub(crate) owner: Owner,
    pub(crate) has_phrases: bool,
    pub(crate) pattern: Option<Regex>,
    pub(crate) values: HashSet<String>,
    pub(crate) within: Option<u32>,
}

pub(crate) struct CompiledRule {
    pub(crate) matcher: CompiledMatcher,
    pub(crate) unless: Vec<CompiledContext>,
    pub(crate) signals: Vec<CompiledContext>,
}

pub(crate) struct Compiled {
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) phrases: PhraseTable,
    pub(crate) regexes: Vec<Regex>,
    /// The `near` groups given as patterns, with the owner their hits are filed under.
    pub(crate) group_patterns: Vec<(Owner, Regex)>,
    /// Tells in one pass which regexes can match at all; absent when there are fewer than two
    /// or the set would exceed the size limit.
    pub(crate) regex_set: Option<RegexSet>,
    pub(crate) detectors: Vec<Detector>,
    /// Whether any rule needs word positions (`near`, or `unless` with `within`).
    pub(crate) needs_words: bool,
}

/// How a phrase refers to a named list: `list:organisation`. Not `@`, which is how people write
/// mentions (`@gemeenteassen`), a natural thing for a phrase to look for.
pub(crate) const LIST_PREFIX: &str = "list:";

/// Letters and digits only, folded: how `unless.values` and matched texts are compared.
pub(crate) fn value_key(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

pub(crate) fn compile(bundle: &Bundle, limits: &Limits, problems: &mut Vec<Problem>) -> Compiled {
    let mut phrases = PhraseTableBuilder::default();
    let mut regexes = Vec::new();
    let mut group_patterns = Vec::new();
    let mut regex_sources = Vec::new();
    let mut detector_index: HashMap<DetectorKind, usize> = HashMap::new();
    let mut detectors = Vec::new();
    let mut rules = Vec::with_capacity(bundle.rules.len());
    let mut needs_words = false;

    for (r, rule) in bundle.rules.iter().enumerate() {
        let at = || Location::Rule(rule.id.clone());
        let mut report =
            |field: String, kind: ProblemKind| problems.push(Problem::new(at(), field, kind));
        let mut add_phrases =
            |list: &[String],
             field: &str,
             owner: Owner,
             report: &mut dyn FnMut(String, ProblemKind)| {
                if list.is_empty() {
                    report(field.to_string(), ProblemKind::Empty);
                }
                for (i, raw) in list.iter().enumerate() {
                    let expanded = match raw.strip_prefix(LIST_PREFIX) {
                        Some(name) => match bundle.lists.get(name) {
                            Some(list) => list.as_slice(),
                            None => {
                                report(
                                    format!("{field}[{i}]"),
                                    ProblemKind::UnknownList(name.to_string()),
                                );
                                continue;
                            }
                        },
                        None => std::slice::from_ref(raw),
                    };
                    for raw in expanded {
                        match Phrase::parse(raw) {
                            Ok(phrase) => phrases.add(phrase, owner),
                            Err(kind) => report(format!("{field}[{i}]"), kind),
                        }
                    }
                }
            };
        let matcher = match &rule.matcher {
            Matcher::Phrases { phrases: list } => {
                add_phrases(list, "match.phrases", Owner::Rule { rule: r }, &mut report);
                CompiledMatcher::Phrases
            }
            Matcher::Regex {
                pattern,
                case_insensitive,
            } => match build_regex(pattern, *case_insensitive, limits) {
                Ok(re) => {
                    regexes.push(re);
                    regex_sources.push(if *case_insensitive {
                        format!("(?i:{pattern})")
                    } else {
                        format!("(?:{pattern})")
                    });
                    CompiledMatcher::Regex(regexes.len() - 1)
                }
                Err(kind) => {
                    report("match.pattern".into(), kind);
                    CompiledMatcher::Phrases
                }
            },
            Matcher::Near { groups, within } => {
                needs_words = true;
                if groups.len() < 2 || groups.len() > limits.max_near_groups {
                    report(
                        "match.groups".into(),
                        ProblemKind::OutOfRange {
                            given: groups.len() as u64,
                            min: 2,
                            max: limits.max_near_groups as u64,
                        },
                    );
                }
                if *within > limits.max_within {
                    report(
                        "match.within".into(),
                        ProblemKind::OutOfRange {
                            given: u64::from(*within),
                            min: 0,
                            max: u64::from(limits.max_within),
                        },
                    );
                }
                for (g, group) in groups.iter().enumerate().take(limits.max_near_groups) {
                    let owner = Owner::Near { rule: r, group: g };
                    match group {
                        NearGroup::Phrases(group) => {
                            add_phrases(group, &format!("match.groups[{g}]"), owner, &mut report)
                        }
                        NearGroup::Pattern { pattern } => {
                            match build_regex(pattern, true, limits) {
                                Ok(re) => group_patterns.push((owner, re)),
                                Err(kind) => report(format!("match.groups[{g}].pattern"), kind),
                            }
                        }
                    }
                }
                CompiledMatcher::Near {
                    groups: groups.len().min(limits.max_near_groups),
                    within: *within,
                }
            }
            Matcher::Detector { detector } => {
                let index = *detector_index.entry(*detector).or_insert_with(|| {
                    detectors.push(Detector::new(*detector));
                    detectors.len() - 1
                });
                CompiledMatcher::Detector(index)
            }
        };
        let mut compile_contexts =
            |field: &str, contexts: &[Unless], owner: &dyn Fn(usize) -> Owner| {
                contexts
                    .iter()
                    .enumerate()
                    .map(|(u, context)| {
                        if !context.phrases.is_empty() {
                            add_phrases(
                                &context.phrases,
                                &format!("{field}[{u}].phrases"),
                                owner(u),
                                &mut report,
                            );
                        }
                        let pattern = context.pattern.as_ref().and_then(|p| {
                            match build_regex(p, true, limits) {
                                Ok(re) => Some(re),
                                Err(kind) => {
                                    report(format!("{field}[{u}].pattern"), kind);
                                    None
                                }
                            }
                        });
                        if let Some(within) = context.within {
                            needs_words = true;
                            if within > limits.max_within {
                                report(
                                    format!("{field}[{u}].within"),
                                    ProblemKind::OutOfRange {
                                        given: u64::from(within),
                                        min: 0,
                                        max: u64::from(limits.max_within),
                                    },
                                );
                            }
                        }
                        CompiledContext {
                            owner: owner(u),
                            has_phrases: !context.phrases.is_empty(),
                            pattern,
                            values: context.values.iter().map(|v| value_key(v)).collect(),
                            within: context.within,
                        }
                    })
                    .collect::<Vec<_>>()
            };
        let unless = compile_contexts("unless", &rule.unless, &|u| Owner::Unless {
            rule: r,
            unless: u,
        });
        let signals = compile_contexts("signals", &rule.signals, &|s| Owner::Signal {
            rule: r,
            signal: s,
        });
        rules.push(CompiledRule {
            matcher,
            unless,
            signals,
        });
    }

    if phrases.len() > limits.max_phrases {
        problems.push(Problem::new(
            Location::Bundle,
            "rules",
            ProblemKind::TooMany {
                what: "distinct phrases",
                given: phrases.len(),
                limit: limits.max_phrases,
            },
        ));
    }
    let phrases = phrases.build().unwrap_or_else(|message| {
        problems.push(Problem::new(
            Location::Bundle,
            "rules",
            ProblemKind::Schema(message),
        ));
        PhraseTableBuilder::default()
            .build()
            .expect("an empty table builds")
    });
    let regex_set = (regex_sources.len() > 1)
        .then(|| {
            RegexSetBuilder::new(&regex_sources)
                .size_limit(limits.regex_size_limit.saturating_mul(4))
                .dfa_size_limit(limits.regex_dfa_limit.saturating_mul(4))
                .nest_limit(limits.regex_nest_limit)
                .build()
                .ok()
        })
        .flatten();
    Compiled {
        rules,
        phrases,
        regexes,
        group_patterns,
        regex_set,
        detectors,
        needs_words,
    }
}

fn build_regex(
    pattern: &str,
    case_insensitive: bool,
    limits: &Limits,
) -> Result<Regex, ProblemKind> {
    let length = pattern.chars().count();
    if length > limits.max_pattern_len {
        return Err(ProblemKind::PatternTooLong {
            given: length,
            limit: limits.max_pattern_len,
        });
    }
    if pattern.is_empty() {
        return Err(ProblemKind::Empty);
    }
    let built = RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .size_limit(limits.regex_size_limit)
        .dfa_size_limit(limits.regex_dfa_limit)
        .nest_limit(limits.regex_nest_limit)
        .build();
    match built {
        Ok(re) if re.is_match("") => Err(ProblemKind::InvalidRegex(
            "pattern matches the empty text, so it would match everywhere".into(),
        )),
        Ok(re) => Ok(re),
        Err(regex::Error::CompiledTooBig(_)) => Err(ProblemKind::RegexTooBig {
            limit: limits.regex_size_limit,
        }),
        Err(e) => Err(ProblemKind::InvalidRegex(one_line(&e.to_string()))),
    }
}

/// The regex crate's syntax errors draw the pattern over several lines; keep the last line
/// (the reason) so every problem stays one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message)
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}
