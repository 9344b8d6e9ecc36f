//! The engine: a compiled bundle that scans texts.

use std::sync::Arc;

use serde::Serialize;

use crate::compile::{compile, value_key, Compiled, CompiledContext, CompiledMatcher};
use crate::error::{PolicyError, Problem, ScanError};
use crate::gate::Open;
use crate::gate_table::GateTable;
use crate::limits::Limits;
use crate::load;
use crate::model::{Bundle, Category, Lang, Severity};
use crate::phrase::{Hits, Owner};
use crate::text::{Folded, Utf16Map, Words};

/// One risky phrase in a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: String,
    /// The rule's category.
    pub category: Category,
    /// The rule's severity.
    pub severity: Severity,
    /// The clauses the rule enforces.
    pub clauses: Vec<String>,
    /// Start, in UTF-16 code units (what a browser's string offsets count).
    pub start: usize,
    /// End (exclusive), in UTF-16 code units.
    pub end: usize,
    /// Start, in UTF-8 bytes.
    pub byte_start: usize,
    /// End (exclusive), in UTF-8 bytes.
    pub byte_end: usize,
    /// How many signals support the finding: 1 for the match alone, plus one for a validated
    /// checksum, each further `near` group and each of the rule's `signals` found around it.
    /// The extension shows strong findings prominently and weak ones quietly.
    pub confidence: u8,
    /// The matched text.
    pub text: String,
}

/// Per-scan choices.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// The language the text is written in, when known: rules written for other languages are
    /// skipped. `None` runs every rule.
    pub lang: Option<Lang>,
}

/// Builds engines with non-default [`Limits`].
#[derive(Clone, Debug, Default)]
pub struct EngineBuilder {
    limits: Limits,
    defer: bool,
    gates: Option<Arc<GateTable>>,
}

impl EngineBuilder {
    /// Replaces all limits.
    pub fn limits(&mut self, limits: Limits) -> &mut Self {
        self.limits = limits;
        self
    }

    /// Compiles each regex when a scan first needs it rather than now. For bundles known to
    /// compile: a built-in pack (the test suite compiles every one in full) or a signed bundle
    /// accepted before. Start-up then costs a fraction (most texts never reach most regexes);
    /// syntax is still checked now (except for patterns a [`EngineBuilder::gate_table`] holds),
    /// but a regex over its size limit would only fail when first needed, and then match
    /// nothing.
    pub fn defer_regexes(&mut self, yes: bool) -> &mut Self {
        self.defer = yes;
        self
    }

    /// With [`EngineBuilder::defer_regexes`]: the gate literals of patterns `table` holds are
    /// taken from it, and those patterns are not parsed until a search needs them.
    pub fn gate_table(&mut self, table: Arc<GateTable>) -> &mut Self {
        self.gates = Some(table);
        self
    }

    /// Caps the number of rules.
    pub fn max_rules(&mut self, max: usize) -> &mut Self {
        self.limits.max_rules = max;
        self
    }

    /// Caps the length of a scanned text, in bytes.
    pub fn max_text_bytes(&mut self, max: usize) -> &mut Self {
        self.limits.max_text_bytes = max;
        self
    }

    /// Caps the compiled size of each regex, in bytes.
    pub fn regex_size_limit(&mut self, max: usize) -> &mut Self {
        self.limits.regex_size_limit = max;
        self
    }

    /// Parses, validates and compiles bundle JSON, reporting every problem at once.
    pub fn try_build_json(&self, json: &[u8]) -> Result<Engine, PolicyError> {
        let (bundle, problems) = load::parse(json, &self.limits)?;
        self.finish(bundle, problems)
    }

    /// Validates and compiles a bundle.
    pub fn try_build(&self, bundle: Bundle) -> Result<Engine, PolicyError> {
        if bundle.rules.len() > self.limits.max_rules {
            return Err(PolicyError::Invalid(vec![Problem::new(
                crate::error::Location::Bundle,
                "rules",
                crate::error::ProblemKind::TooMany {
                    what: "rules",
                    given: bundle.rules.len(),
                    limit: self.limits.max_rules,
                },
            )]));
        }
        self.finish(bundle, Vec::new())
    }

    /// Parses and validates bundle JSON (shape, ids, references, dates) without compiling its
    /// rules: the signed-bundle path checks the bundle id, expiry and version in between.
    pub(crate) fn parse_valid(&self, json: &[u8]) -> Result<Bundle, PolicyError> {
        let (bundle, mut problems) = load::parse(json, &self.limits)?;
        load::validate(&bundle, &mut problems);
        if !problems.is_empty() {
            return Err(PolicyError::Invalid(problems));
        }
        Ok(bundle)
    }

    /// Compiles a bundle that passed [`EngineBuilder::parse_valid`].
    pub(crate) fn compile_valid(&self, bundle: Bundle) -> Result<Engine, PolicyError> {
        self.compile_reporting(bundle, Vec::new())
    }

    fn finish(&self, bundle: Bundle, mut problems: Vec<Problem>) -> Result<Engine, PolicyError> {
        load::validate(&bundle, &mut problems);
        self.compile_reporting(bundle, problems)
    }

    /// Compiles, reporting compile problems together with those already found: a policy
    /// author sees every problem at once.
    fn compile_reporting(
        &self,
        bundle: Bundle,
        mut problems: Vec<Problem>,
    ) -> Result<Engine, PolicyError> {
        let compiled = compile(
            &bundle,
            &self.limits,
            self.defer,
            self.gates.as_deref(),
            &mut problems,
        );
        if !problems.is_empty() {
            return Err(PolicyError::Invalid(problems));
        }
        Ok(Engine {
            bundle,
            compiled,
            limits: self.limits.clone(),
        })
    }
}

/// A compiled policy. Immutable and shareable; scanning allocates per call only.
pub struct Engine {
    bundle: Bundle,
    compiled: Compiled,
    limits: Limits,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("bundle", &self.bundle.id)
            .field("version", &self.bundle.version)
            .field("rules", &self.bundle.rules.len())
            .finish()
    }
}

impl Engine {
    /// A builder, for non-default limits.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Parses, validates and compiles bundle JSON with default limits.
    pub fn from_json(json: &str) -> Result<Engine, PolicyError> {
        EngineBuilder::default().try_build_json(json.as_bytes())
    }

    /// Validates and compiles a bundle with default limits.
    pub fn new(bundle: Bundle) -> Result<Engine, PolicyError> {
        EngineBuilder::default().try_build(bundle)
    }

    /// The policy this engine enforces.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The limits it was built with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    #[cfg(test)]
    pub(crate) fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// The gate literals of every pattern it runs, for [`EngineBuilder::gate_table`].
    pub fn gate_table(&self) -> GateTable {
        let mut table = GateTable::default();
        for pattern in self.compiled.patterns() {
            table.add(pattern);
        }
        table
    }

    /// Scans a text with every rule.
    pub fn scan(&self, text: &str) -> Result<Vec<Finding>, ScanError> {
        self.scan_with(text, &ScanOptions::default())
    }

    /// Scans a text. Findings come sorted by position (then rule order); overlapping findings
    /// of one rule are merged into one, and a finding inside another finding of the same
    /// category and at least its severity is left out (it would say the same thing twice).
    pub fn scan_with(&self, text: &str, options: &ScanOptions) -> Result<Vec<Finding>, ScanError> {
        self.check_length(text)?;
        let spans = self.raw_spans(text, options);
        Ok(self.findings(text, self.without_nested(spans)))
    }

    fn check_length(&self, text: &str) -> Result<(), ScanError> {
        if text.len() > self.limits.max_text_bytes {
            return Err(ScanError::TextTooLong {
                given: text.len(),
                limit: self.limits.max_text_bytes,
            });
        }
        Ok(())
    }

    /// Every rule's own findings, none left out for repeating another rule: what a rule's
    /// examples are checked against.
    pub(crate) fn scan_each_rule(&self, text: &str) -> Result<Vec<Finding>, ScanError> {
        self.check_length(text)?;
        let spans = self.raw_spans(text, &ScanOptions::default());
        Ok(self.findings(text, spans))
    }

    /// Every rule's matches, exceptions applied, merged.
    fn raw_spans(&self, text: &str, options: &ScanOptions) -> Vec<Span> {
        let c = &self.compiled;
        let rules = &self.bundle.rules;
        let active = |r: usize| {
            options.lang.is_none_or(|lang| {
                rules[r].languages.is_empty() || rules[r].languages.contains(&lang)
            })
        };

        let open = c.gate.open(
            text,
            c.screen
                .screening(text, Box::new(|members| c.screen_members(members))),
        );
        let hits = c.phrases.find(text, &Folded::new(text));
        // Only `near` and `within` need word positions, and most texts reach neither.
        let words = std::cell::OnceCell::new();
        let words = || {
            c.needs_words
                .then(|| words.get_or_init(|| Words::new(text)))
        };

        let mut detector_spans: Vec<Option<Vec<(usize, usize)>>> = vec![None; c.detectors.len()];

        let mut out = Vec::new();
        let mut candidates = Vec::new();
        let mut group_hits = Vec::new();
        for (r, rule) in c.rules.iter().enumerate() {
            if !active(r) {
                continue;
            }
            candidates.clear();
            match &rule.matcher {
                CompiledMatcher::Phrases => hits.spans(Owner::Rule { rule: r }, &mut candidates),
                CompiledMatcher::Regex(i) => open.find_all(&c.regexes[*i], text, &mut candidates),
                CompiledMatcher::Near { groups, within } => {
                    // Phrase groups first: a missing one is known without running a pattern.
                    let phrases_present = groups.iter().enumerate().all(|(g, pattern)| {
                        pattern.is_some() || hits.present(Owner::Near { rule: r, group: g })
                    });
                    if let (true, Some(words)) = (phrases_present, words()) {
                        group_hits.clear();
                        if gather_groups(groups, r, &hits, &open, c, text, &mut group_hits) {
                            near(
                                &mut group_hits,
                                groups.len(),
                                *within,
                                words,
                                &mut candidates,
                            );
                        }
                    }
                }
                CompiledMatcher::Detector(d) => {
                    let spans = detector_spans[*d].get_or_insert_with(|| {
                        let mut found = Vec::new();
                        c.detectors[*d].find(text, &mut found);
                        found
                    });
                    candidates.extend_from_slice(spans);
                }
            }
            if candidates.is_empty() {
                continue;
            }
            if !rule.unless.is_empty() {
                let exceptions = Context::prepare(text, &rule.unless, &hits, &open);
                candidates
                    .retain(|&span| !exceptions.iter().any(|x| x.around(text, span, words())));
            }
            candidates.sort_unstable();
            let mut merged: Vec<(usize, usize)> = Vec::new();
            for &(s, e) in candidates.iter() {
                match merged.last_mut() {
                    Some(last) if s < last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            // What the matcher itself already required counts as support: a validated
            // checksum, or each further group of a `near`.
            let built_in = match &rule.matcher {
                CompiledMatcher::Detector(_) => 1,
                CompiledMatcher::Near { groups, .. } => groups.len().saturating_sub(1),
                _ => 0,
            };
            let signals = Context::prepare(text, &rule.signals, &hits, &open);
            for (s, e) in merged {
                let found = signals
                    .iter()
                    .filter(|x| x.around(text, (s, e), words()))
                    .count();
                let confidence = u8::try_from(1 + built_in + found).unwrap_or(u8::MAX);
                out.push(Span {
                    rule: r,
                    start: s,
                    end: e,
                    confidence,
                });
            }
        }
        out
    }

    fn findings(&self, text: &str, mut spans: Vec<Span>) -> Vec<Finding> {
        spans.sort_unstable_by_key(|x| (x.start, x.end, x.rule));
        let offsets = spans.iter().flat_map(|x| [x.start, x.end]).collect();
        let utf16 = Utf16Map::new(text, offsets);
        spans
            .into_iter()
            .map(|x| {
                let rule = &self.bundle.rules[x.rule];
                Finding {
                    rule: rule.id.clone(),
                    category: rule.category,
                    severity: rule.severity,
                    clauses: rule.clauses.clone(),
                    start: utf16.get(x.start),
                    end: utf16.get(x.end),
                    byte_start: x.start,
                    byte_end: x.end,
                    text: text[x.start..x.end].to_string(),
                    confidence: x.confidence,
                }
            })
            .collect()
    }
}

impl Engine {
    /// Drops spans that lie inside a span of the same category with at least their severity;
    /// the outer one keeps the higher confidence of the two.
    fn without_nested(&self, mut spans: Vec<Span>) -> Vec<Span> {
        let rules = &self.bundle.rules;
        // Outer spans first: by start, longest first, then the more severe.
        spans.sort_unstable_by(|a, b| {
            (
                a.start,
                std::cmp::Reverse(a.end),
                std::cmp::Reverse(rules[a.rule].severity),
            )
                .cmp(&(
                    b.start,
                    std::cmp::Reverse(b.end),
                    std::cmp::Reverse(rules[b.rule].severity),
                ))
        });
        let mut kept: Vec<Span> = Vec::with_capacity(spans.len());
        // Per category and severity, the kept span reaching furthest right: the only one of
        // them that can contain a later span (later spans start at or after every kept span's
        // start). Per severity too, or a long weaker span would hide a stronger container.
        let mut reach: Vec<(Category, Severity, usize)> = Vec::new();
        for span in spans {
            let rule = &rules[span.rule];
            let container = reach
                .iter()
                .filter(|&&(c, s, k)| {
                    c == rule.category && s >= rule.severity && kept[k].end >= span.end
                })
                .map(|&(_, _, k)| k)
                .next();
            if let Some(k) = container {
                kept[k].confidence = kept[k].confidence.max(span.confidence);
                continue;
            }
            kept.push(span);
            let index = kept.len() - 1;
            match reach
                .iter_mut()
                .find(|(c, s, _)| *c == rule.category && *s == rule.severity)
            {
                Some(entry) if kept[entry.2].end >= span.end => {}
                Some(entry) => entry.2 = index,
                None => reach.push((rule.category, rule.severity, index)),
            }
        }
        kept
    }
}

/// One merged match of one rule, in bytes.
#[derive(Clone, Copy)]
struct Span {
    rule: usize,
    start: usize,
    end: usize,
    confidence: u8,
}

/// Every group's hits of `near` rule `rule` as (start, end, group); false, and possibly
/// incomplete, as soon as one group has none. Pattern groups run only here, after every phrase
/// group is known to be present.
fn gather_groups(
    groups: &[Option<usize>],
    rule: usize,
    hits: &Hits,
    open: &Open,
    c: &Compiled,
    text: &str,
    out: &mut Vec<(usize, usize, usize)>,
) -> bool {
    let mut spans = Vec::new();
    for (g, pattern) in groups.iter().enumerate() {
        spans.clear();
        match pattern {
            Some(p) => open.find_all(&c.group_patterns[*p], text, &mut spans),
            None => hits.spans(Owner::Near { rule, group: g }, &mut spans),
        }
        if spans.is_empty() {
            return false;
        }
        out.extend(spans.iter().map(|&(s, e)| (s, e, g)));
    }
    true
}

/// `near`: starting from each hit, follow later hits while each is within `within` words of
/// the chain so far (the last hit that added a group); report the span once every group has been seen.
fn near(
    group_hits: &mut [(usize, usize, usize)],
    groups: usize,
    within: u32,
    words: &Words,
    out: &mut Vec<(usize, usize)>,
) {
    group_hits.sort_unstable();
    let all: u64 = if groups >= 64 {
        u64::MAX
    } else {
        (1u64 << groups) - 1
    };
    for (i, &(start, end, group)) in group_hits.iter().enumerate() {
        let mut seen = 1u64 << group;
        let mut chain_end = (start, end);
        for &(s, e, g) in &group_hits[i + 1..] {
            if words.gap(chain_end, (s, e)) > within as usize {
                break;
            }
            // Only a hit of a new group extends the chain: repeats of a seen group would let one
            // chain run through a whole text of "dossier dossier …" and make scans quadratic.
            if seen & (1u64 << g) != 0 {
                continue;
            }
            seen |= 1u64 << g;
            if e > chain_end.1 {
                chain_end = (s, e);
            }
            if seen == all {
                out.push((start, chain_end.1));
                break;
            }
        }
    }
}

/// One `unless` exception or `signal` made ready for a scan: its context spans are found once
/// per rule, then each match is answered by binary search. Testing each match against every
/// context hit (or rerunning the pattern per match) made long texts quadratic.
struct Context<'a> {
    values: &'a std::collections::HashSet<String>,
    within: Option<u32>,
    /// Context spans sorted by start, each paired with the largest end so far.
    spans: Vec<(usize, usize)>,
}

impl<'a> Context<'a> {
    fn prepare(
        text: &str,
        contexts: &'a [CompiledContext],
        hits: &Hits,
        open: &Open,
    ) -> Vec<Context<'a>> {
        contexts
            .iter()
            .map(|context| {
                let mut spans: Vec<(usize, usize)> = Vec::new();
                if context.has_phrases {
                    hits.spans(context.owner, &mut spans);
                }
                if let Some(pattern) = &context.pattern {
                    open.find_all(pattern, text, &mut spans);
                }
                spans.sort_unstable();
                let mut max_end = 0;
                for span in &mut spans {
                    max_end = max_end.max(span.1);
                    span.1 = max_end;
                }
                Context {
                    values: &context.values,
                    within: context.within,
                    spans,
                }
            })
            .collect()
    }

    /// Whether this context is present around a match.
    fn around(&self, text: &str, span: (usize, usize), words: Option<&Words>) -> bool {
        if !self.values.is_empty() && self.values.contains(&value_key(&text[span.0..span.1])) {
            return true;
        }
        if self.spans.is_empty() {
            return false;
        }
        let (lo, hi) = match (self.within, words) {
            (None, _) => return true,
            (Some(n), Some(words)) => words.window(span, n as usize),
            (Some(_), None) => return false,
        };
        let before_hi = self.spans.partition_point(|&(start, _)| start < hi);
        before_hi > 0 && self.spans[before_hi - 1].1 > lo
    }
}
