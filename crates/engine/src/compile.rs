//! From a validated `Bundle` to the structures a scan runs: one phrase automaton for all
//! phrases, one [`Pattern`] per regex, one instance of each detector that any rule uses.

use std::collections::{HashMap, HashSet};

use regex_syntax::hir::Hir;

use crate::detect::Detector;
use crate::error::{Location, Problem, ProblemKind};
use crate::gate::{Gate, GateBuilder};
use crate::gate_table::GateTable;
use crate::limits::Limits;
use crate::model::{Bundle, DetectorKind, Matcher, NearGroup, Unless};
use crate::nfa_size::NfaSize;
use crate::pattern::{Check, Pattern};
use crate::phrase::{Owner, Owners, Phrase, PhraseTable, PhraseTableBuilder};
use crate::screen::Screen;
use crate::text::fold;

pub(crate) enum CompiledMatcher {
    Phrases,
    Regex(usize),
    /// Per group: its pattern in [`Compiled::group_patterns`], or `None` for a phrase list.
    Near {
        groups: Vec<Option<usize>>,
        within: u32,
    },
    Detector(usize),
}

/// An `unless` exception or a `signal`: context looked for around a match.
pub(crate) struct CompiledContext {
    /// Who owns its phrase hits.
    pub(crate) owner: Owner,
    pub(crate) has_phrases: bool,
    pub(crate) pattern: Option<Pattern>,
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
    pub(crate) regexes: Vec<Pattern>,
    /// The `near` groups given as patterns.
    pub(crate) group_patterns: Vec<Pattern>,
    pub(crate) detectors: Vec<Detector>,
    /// Which of the patterns above a text can match.
    pub(crate) gate: Gate,
    /// Which of those that would read the whole text can match it at all.
    pub(crate) screen: Screen,
    /// Whether any rule needs word positions (`near`, or `unless` with `within`).
    pub(crate) needs_words: bool,
}

impl Compiled {
    /// Every pattern the rules run, with repeats.
    pub(crate) fn patterns(&self) -> impl Iterator<Item = &Pattern> {
        let contexts = self
            .rules
            .iter()
            .flat_map(|r| r.unless.iter().chain(&r.signals))
            .filter_map(|c| c.pattern.as_ref());
        self.regexes
            .iter()
            .chain(&self.group_patterns)
            .chain(contexts)
    }

    /// What the screen runs for its members numbered `members`, in order.
    pub(crate) fn screen_members(&self, members: std::ops::Range<usize>) -> Vec<Hir> {
        let mut found: Vec<(usize, &Pattern)> = self
            .patterns()
            .filter_map(|p| p.screen.filter(|m| members.contains(m)).map(|m| (m, p)))
            .collect();
        found.sort_unstable_by_key(|&(m, _)| m);
        found.into_iter().map(|(_, p)| p.screening()).collect()
    }
}

/// How a phrase refers to a named list: `list:organisation`. Not `@`, which is how people write
/// mentions (`@gemeenteassen`), a natural thing for a phrase to look for.
pub(crate) const LIST_PREFIX: &str = "list:";

/// Letters and digits only, folded: how `unless.values` and matched texts are compared.
pub(crate) fn value_key(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Compiles `bundle`; with `defer`, its regexes are built on first use, and the patterns `gates`
/// holds are not even parsed until then.
pub(crate) fn compile(
    bundle: &Bundle,
    limits: &Limits,
    defer: bool,
    gates: Option<&GateTable>,
    problems: &mut Vec<Problem>,
) -> Compiled {
    let mut phrases = PhraseTableBuilder::default();
    let mut regexes = Vec::new();
    let mut group_patterns = Vec::new();
    let mut detector_index: HashMap<DetectorKind, usize> = HashMap::new();
    let mut detectors = Vec::new();
    let mut rules = Vec::with_capacity(bundle.rules.len());
    let mut needs_words = false;
    let mut owners = Owners::default();
    let mut gate = GateBuilder::default();
    let mut parsed: HashMap<String, Result<Phrase, ProblemKind>> = HashMap::new();
    let gates = gates.filter(|_| defer);
    let mut sizes = NfaSize::default();
    let mut screened = 0;
    let mut gated = |source: &str, ignore_case: bool| -> Result<Pattern, ProblemKind> {
        let mut pattern = match gates.and_then(|table| table.get(source, ignore_case)) {
            Some(known) => {
                let mut pattern = Pattern::unparsed(source, ignore_case, limits)?;
                if let Some((required, literals)) = known {
                    gate.add_known(&mut pattern, *required, literals);
                }
                pattern
            }
            None => {
                let check = if defer {
                    Check::Syntax
                } else {
                    Check::Full(&mut sizes)
                };
                let mut pattern = Pattern::new(source, ignore_case, limits, check)?;
                gate.add(&mut pattern);
                pattern
            }
        };
        if gate.walks(&pattern) {
            pattern.screen = Some(screened);
            screened += 1;
        }
        Ok(pattern)
    };

    for (r, rule) in bundle.rules.iter().enumerate() {
        let groups = match &rule.matcher {
            Matcher::Near { groups, .. } => groups.len().min(limits.max_near_groups),
            _ => 0,
        };
        owners.push_rule(groups, rule.unless.len(), rule.signals.len());
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
                        // Shared lists bring the same phrases to dozens of rules: fold each once.
                        if !parsed.contains_key(raw.as_str()) {
                            parsed.insert(raw.clone(), Phrase::parse(raw));
                        }
                        match &parsed[raw.as_str()] {
                            Ok(phrase) => phrases.add(phrase.clone(), owner),
                            Err(kind) => report(format!("{field}[{i}]"), kind.clone()),
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
            } => match gated(pattern, *case_insensitive) {
                Ok(re) => {
                    regexes.push(re);
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
                let mut compiled = Vec::with_capacity(groups.len());
                for (g, group) in groups.iter().enumerate().take(limits.max_near_groups) {
                    let owner = Owner::Near { rule: r, group: g };
                    compiled.push(match group {
                        NearGroup::Phrases(group) => {
                            add_phrases(group, &format!("match.groups[{g}]"), owner, &mut report);
                            None
                        }
                        NearGroup::Pattern { pattern } => match gated(pattern, true) {
                            Ok(re) => {
                                group_patterns.push(re);
                                Some(group_patterns.len() - 1)
                            }
                            Err(kind) => {
                                report(format!("match.groups[{g}].pattern"), kind);
                                None
                            }
                        },
                    });
                }
                CompiledMatcher::Near {
                    groups: compiled,
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
                        let pattern = context.pattern.as_ref().and_then(|p| match gated(p, true) {
                            Ok(re) => Some(re),
                            Err(kind) => {
                                report(format!("{field}[{u}].pattern"), kind);
                                None
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
    // With any problem the bundle is refused and nothing built is used: building an automaton
    // of hundreds of thousands of phrases only to refuse it took seconds.
    if !problems.is_empty() {
        phrases = PhraseTableBuilder::default();
        gate = GateBuilder::default();
    }
    let phrases = phrases.build(owners.clone()).unwrap_or_else(|message| {
        problems.push(Problem::new(
            Location::Bundle,
            "rules",
            ProblemKind::Schema(message),
        ));
        PhraseTableBuilder::default()
            .build(owners)
            .expect("an empty table builds")
    });
    let gate = gate.build().unwrap_or_else(|message| {
        problems.push(Problem::new(
            Location::Bundle,
            "rules",
            ProblemKind::Schema(message),
        ));
        GateBuilder::default()
            .build()
            .expect("an empty gate builds")
    });
    Compiled {
        rules,
        phrases,
        regexes,
        group_patterns,
        detectors,
        gate,
        screen: Screen::new(screened),
        needs_words,
    }
}
