//! Regexes that stay fast on Dutch, French and emoji-rich text.
//!
//! Policy authors write `\b`, and in a `&str` regex that is a Unicode word boundary. The `regex`
//! crate's fast engines (its lazy DFA) can only evaluate a Unicode word boundary next to ASCII:
//! at the first `é` or emoji they give up and the whole search falls back to the PikeVM, some
//! fifty times slower. Nearly every post has such a character, so nearly every search did.
//!
//! So each pattern with Unicode word boundaries also gets a *relaxed* twin ([`relax`]): those
//! assertions removed, long counted repetitions unbounded, wide classes coarsened. The twin needs
//! no fallback, and it matches everywhere the pattern matches (each change only ever allows more),
//! so it finds candidates fast; the author's pattern then decides, with anchored tries inside
//! each candidate. Results are exactly those of the pattern alone (a test compares them on every
//! built-in pattern), and the search stays linear: a bounded number of tries per candidate, and
//! one plain search from the start of any candidate too long to try.

use std::sync::OnceLock;

use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Literal, Look, Repetition,
};

use crate::anchored::AnchoredRegex;
use crate::error::ProblemKind;
use crate::limits::Limits;
use crate::nfa_size::NfaSize;

/// A compiled pattern; see the module documentation.
#[derive(Debug)]
pub(crate) struct Pattern {
    /// The author's pattern as written, and how it is parsed: what a build on first use starts
    /// from, and what a [`crate::gate_table::GateTable`] knows it by.
    source: Box<str>,
    case_insensitive: bool,
    nest_limit: u32,
    /// The pattern parsed: at compile, or on first use when a gate table spared the compile
    /// its parse. `None` when that first parse fails (the table named a pattern that does not
    /// parse): the pattern then matches nothing.
    parsed: OnceLock<Option<Parsed>>,
    config: meta::Config,
    /// The author's pattern for searches anywhere. For a pattern with a twin, only a candidate
    /// too long to try at each position needs it, so it is built on first use; otherwise it is
    /// built at once, or on the first search that needs it when compiling was deferred. `None`
    /// when a deferred build failed: the pattern then matches nothing.
    exact: OnceLock<Option<Regex>>,
    /// For a pattern with a twin: the author's pattern for tries at one position, built as
    /// `exact` would be.
    anchored: OnceLock<Option<AnchoredRegex>>,
    /// The twin, built on first use. `None` when that build failed: searches then use `exact`
    /// alone, slower but the same.
    relaxed: OnceLock<Option<Regex>>,
    /// Its slot in the scan's literal gate ([`crate::gate`]), when it has one.
    pub(crate) gate: Option<usize>,
    /// Its number in the bundle's [`crate::screen::Screen`], when its searches read the whole
    /// text.
    pub(crate) screen: Option<usize>,
}

#[derive(Debug)]
struct Parsed {
    hir: Hir,
    /// Whether the pattern has Unicode word boundaries, and so a relaxed twin.
    has_relaxed: bool,
}

impl Parsed {
    fn new(hir: Hir) -> Parsed {
        let has_relaxed = hir.properties().look_set().contains_word_unicode();
        Parsed { hir, has_relaxed }
    }
}

/// How much of a pattern [`Pattern::new`] checks before the bundle holding it is accepted.
pub(crate) enum Check<'a> {
    /// Syntax only, for bundles known to compile (a built-in pack, a signed bundle accepted
    /// before): the pattern itself is built when a search first needs it, so that start-up
    /// does not wait for regexes most texts never reach.
    Syntax,
    /// Also that it fits its size limit and cannot match the empty text, with the NFA size
    /// bounds of the bundle being compiled.
    Full(&'a mut NfaSize),
}

impl Pattern {
    /// Compiles a pattern written by a policy author, within `limits`, checking as much of it
    /// now as `check` asks; its syntax always.
    pub(crate) fn new(
        pattern: &str,
        case_insensitive: bool,
        limits: &Limits,
        check: Check<'_>,
    ) -> Result<Pattern, ProblemKind> {
        let compiled = Pattern::unparsed(pattern, case_insensitive, limits)?;
        let parsed = Parsed::new(compiled.parse()?);
        let Check::Full(sizes) = check else {
            let _ = compiled.parsed.set(Some(parsed));
            return Ok(compiled);
        };
        // Only a pattern that may match the empty text, or whose NFA might outgrow the limit,
        // needs building to be sure; the rest are built when a search first needs them. The
        // check builds what it always built: for a pattern with a twin, the forward NFA of its
        // anchored tries; for one without, the `meta` regex, which also compiles in reverse.
        let may_match_empty = parsed.hir.properties().minimum_len() == Some(0);
        // Not worked out for a pattern built anyway: bounding may compile its classes.
        let mut may_outgrow = || {
            let bound = sizes.at_most(&parsed.hir);
            let bound = if parsed.has_relaxed {
                bound.forward
            } else {
                bound.forward.max(bound.reverse)
            };
            bound > limits.regex_size_limit
        };
        if may_match_empty || may_outgrow() {
            // The twin is not built here: checking needs only the author's pattern. The twin
            // is all but always smaller (no boundaries, no long counts), and should its build
            // ever fail, searches use the author's pattern alone, slower but the same. A new
            // bundle's scans then build the twins their gates let through, as a built-in
            // pack's do; this was a quarter of a 1,000-rule bundle's checked compile.
            let matches_empty = if parsed.has_relaxed {
                let built = AnchoredRegex::new(&parsed.hir, &compiled.config)?;
                let empty = built.find_at("", 0).is_some();
                let _ = compiled.anchored.set(Some(built));
                empty
            } else {
                let built = build(&parsed.hir, &compiled.config, limits)?;
                let empty = built.is_match("");
                let _ = compiled.exact.set(Some(built));
                empty
            };
            if matches_empty {
                return Err(ProblemKind::InvalidRegex(
                    "pattern matches the empty text, so it would match everywhere".into(),
                ));
            }
        }
        let _ = compiled.parsed.set(Some(parsed));
        Ok(compiled)
    }

    /// A pattern checked as a new bundle's are, for tests of what it finds.
    #[cfg(test)]
    pub(crate) fn checked(
        pattern: &str,
        case_insensitive: bool,
        limits: &Limits,
    ) -> Result<Pattern, ProblemKind> {
        let check = Check::Full(&mut NfaSize::default());
        Pattern::new(pattern, case_insensitive, limits, check)
    }

    /// A pattern known to compile, not even parsed until a search or
    /// [`Pattern::required_literals`] first needs it: a built-in detector's, or one whose gate
    /// literals a [`crate::gate_table::GateTable`] already holds. Parsing was a fifth of the
    /// default pack's start.
    pub(crate) fn unparsed(
        pattern: &str,
        case_insensitive: bool,
        limits: &Limits,
    ) -> Result<Pattern, ProblemKind> {
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
        Ok(Pattern {
            source: pattern.into(),
            case_insensitive,
            nest_limit: limits.regex_nest_limit,
            parsed: OnceLock::new(),
            config: config(limits),
            exact: OnceLock::new(),
            anchored: OnceLock::new(),
            relaxed: OnceLock::new(),
            gate: None,
            screen: None,
        })
    }

    fn parse(&self) -> Result<Hir, ProblemKind> {
        syntax::parse_with(
            &self.source,
            &syntax::Config::new()
                .case_insensitive(self.case_insensitive)
                .nest_limit(self.nest_limit),
        )
        .map_err(|e| ProblemKind::InvalidRegex(one_line(&e.to_string())))
    }

    fn parsed(&self) -> Option<&Parsed> {
        self.parsed
            .get_or_init(|| self.parse().ok().map(Parsed::new))
            .as_ref()
    }

    #[cfg(test)]
    pub(crate) fn is_parsed(&self) -> bool {
        self.parsed.get().is_some()
    }

    fn has_relaxed(&self) -> bool {
        self.parsed().is_some_and(|p| p.has_relaxed)
    }

    /// The pattern as written, and whether it ignores case: what a gate table knows it by.
    pub(crate) fn source(&self) -> (&str, bool) {
        (&self.source, self.case_insensitive)
    }

    /// Byte strings one of which every match contains, compared ASCII-case-insensitively:
    /// every way a match can start ([`Required::Start`]), or else words every match holds
    /// somewhere ([`Required::Inside`], see [`inside`]). `None` when there is no such short
    /// list, or it holds a literal so short that nearly any text has it.
    pub(crate) fn required_literals(&self) -> Option<(Required, Vec<Vec<u8>>)> {
        let folded = fold_ascii_case(&self.parsed()?.hir);
        if let Some(literals) = extract(&folded, ExtractKind::Prefix) {
            return Some((Required::Start, literals));
        }
        inside(&folded).map(|literals| (Required::Inside, literals))
    }

    /// What the screen runs for it: a pattern matching everywhere it matches, without the
    /// Unicode `\b` that stops a DFA (its twin, if it has one). One that never matches if the
    /// pattern does not parse, as the pattern then matches nothing.
    pub(crate) fn screening(&self) -> Hir {
        match self.parsed() {
            Some(parsed) if parsed.has_relaxed => relax(&parsed.hir),
            Some(parsed) => parsed.hir.clone(),
            None => Hir::fail(),
        }
    }

    /// The match starting exactly at `at`, if there is one.
    pub(crate) fn match_at(&self, text: &str, at: usize) -> Option<(usize, usize)> {
        // Most tries fail within a few words. The author's pattern would find that out in the
        // PikeVM (its `\b` stops the fast engines at the first accented letter), the twin at
        // DFA speed; and every match of the pattern is a match of the twin.
        if let Some(relaxed) = self.relaxed() {
            relaxed.find(Input::new(text).range(at..).anchored(Anchored::Yes))?;
        }
        self.exact_at(text, at, Anchored::Yes)
    }

    fn exact(&self) -> Option<&Regex> {
        self.exact
            .get_or_init(|| {
                let hir = &self.parsed()?.hir;
                Regex::builder()
                    .configure(self.config.clone())
                    .build_from_hir(hir)
                    .ok()
            })
            .as_ref()
    }

    fn anchored(&self) -> Option<&AnchoredRegex> {
        self.anchored
            .get_or_init(|| AnchoredRegex::new(&self.parsed()?.hir, &self.config).ok())
            .as_ref()
    }

    fn relaxed(&self) -> Option<&Regex> {
        let parsed = self.parsed().filter(|p| p.has_relaxed)?;
        self.relaxed
            .get_or_init(|| {
                Regex::builder()
                    .configure(self.config.clone())
                    .build_from_hir(&relax(&parsed.hir))
                    .ok()
            })
            .as_ref()
    }

    /// A built-in pattern (a detector's): known good, so a failure is a bug every test run
    /// catches (`same_matches_as_the_plain_regex_on_the_corpus` compiles each in full). Parsed
    /// and built on first use: a text without digits never needs most detectors, and building
    /// all eleven was a sixth of the default pack's start.
    pub(crate) fn builtin(pattern: &str) -> Pattern {
        Pattern::unparsed(pattern, false, &Limits::default()).expect("built-in pattern fits")
    }

    /// The leftmost-first match starting at or after `at`, as `regex::Regex::find_at` gives it.
    pub(crate) fn find_at(&self, text: &str, at: usize) -> Option<(usize, usize)> {
        let Some(relaxed) = self.relaxed() else {
            return self.exact_at(text, at, Anchored::No);
        };
        // Every match of `exact` is a match of `relaxed`, so every start of an exact match lies
        // inside a match that `relaxed`, searching left to right, reports (or at its start, if
        // that one is empty). Only those starts need the exact pattern.
        let mut from = at;
        while from <= text.len() {
            let candidate = relaxed.find(Input::new(text).range(from..))?;
            let (start, end) = (candidate.start(), candidate.end());
            if end - start > MAX_TRIED_SPAN {
                // Trying every start of a long candidate could cost its length squared; one
                // unanchored search from its start costs at most the rest of the text.
                return self.exact_at(text, start, Anchored::No);
            }
            let mut p = start;
            loop {
                if let Some(found) = self.exact_at(text, p, Anchored::Yes) {
                    return Some(found);
                }
                p = next_char(text, p);
                if p >= end {
                    break;
                }
            }
            from = end.max(next_char(text, start));
        }
        None
    }

    fn exact_at(&self, text: &str, at: usize, anchored: Anchored) -> Option<(usize, usize)> {
        if anchored == Anchored::Yes && self.has_relaxed() {
            return self.anchored()?.find_at(text, at);
        }
        self.exact()?
            .find(Input::new(text).range(at..).anchored(anchored))
            .map(|m| (m.start(), m.end()))
    }

    /// Every non-empty match, left to right, not overlapping.
    pub(crate) fn find_all(&self, text: &str, out: &mut Vec<(usize, usize)>) {
        self.find_all_from(text, 0, out);
    }

    /// Every non-empty match starting at or after `at`, left to right, not overlapping.
    pub(crate) fn find_all_from(&self, text: &str, mut at: usize, out: &mut Vec<(usize, usize)>) {
        while at <= text.len() {
            let Some((start, end)) = self.find_at(text, at) else {
                break;
            };
            if end > start {
                out.push((start, end));
                at = end;
            } else {
                // An empty match: step over one character, as `regex`'s iterator does.
                at = next_char(text, start);
            }
        }
    }
}

/// Longest candidate whose every start is tried with an anchored search, in bytes.
const MAX_TRIED_SPAN: usize = 256;

/// The position after the character at `at` (past the end when `at` is the end).
fn next_char(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(1, char::len_utf8)
}

fn build(hir: &Hir, config: &meta::Config, limits: &Limits) -> Result<Regex, ProblemKind> {
    Regex::builder()
        .configure(config.clone())
        .build_from_hir(hir)
        .map_err(|e| match e.size_limit() {
            Some(_) => ProblemKind::RegexTooBig {
                limit: limits.regex_size_limit,
            },
            None => ProblemKind::InvalidRegex(one_line(&e.to_string())),
        })
}

pub(crate) fn config(limits: &Limits) -> meta::Config {
    meta::Config::new()
        .nfa_size_limit(Some(limits.regex_size_limit))
        .hybrid_cache_capacity(limits.regex_dfa_limit * 8)
        // Only whole-match spans are ever asked for: no capture slots to compile or track.
        .which_captures(WhichCaptures::Implicit)
        // The backtracker clears a bitset of (haystack length × states) before every search;
        // an anchored try from a candidate to the end of a long post spent more time clearing
        // it than the PikeVM spends on the few characters such a try reads.
        .backtrack(false)
}

/// A pattern matching everything `hir` matches (and more), cheap to compile and to run: every
/// Unicode word-boundary assertion becomes "always true", every long counted repetition
/// (`[^.!?]{0,60}`, which makes a DFA state per count) becomes unbounded, and every class that
/// reaches beyond ASCII (`\w` has 700 ranges) admits any non-ASCII character instead.
fn relax(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(look) if is_unicode_word(*look) => Hir::empty(),
        HirKind::Class(Class::Unicode(class))
            if class.ranges().last().is_some_and(|r| r.end() > '\x7f') =>
        {
            let mut coarse = ClassUnicode::new(
                class
                    .ranges()
                    .iter()
                    .filter(|r| r.start() <= '\x7f')
                    .map(|r| ClassUnicodeRange::new(r.start(), r.end().min('\x7f'))),
            );
            coarse.push(ClassUnicodeRange::new('\u{80}', char::MAX));
            Hir::class(Class::Unicode(coarse))
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(relax(&r.sub)),
            max: r.max.filter(|&max| max <= MAX_COUNTED),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(relax(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(relax).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(relax).collect()),
        _ => hir.clone(),
    }
}

/// Literals of `hir` compared ASCII-case-insensitively, as `kind` extracts them: `None` unless
/// every match starts (or ends) with one of a short list, none of them so short that nearly any
/// text has it.
fn extract(hir: &Hir, kind: ExtractKind) -> Option<Vec<Vec<u8>>> {
    let seq = Extractor::new()
        .kind(kind)
        .limit_total(MAX_REQUIRED_LITERALS)
        .extract(hir);
    let literals = seq.literals()?;
    if literals.is_empty() || !literals.iter().all(|l| rare_enough(l.as_bytes())) {
        return None;
    }
    let mut literals: Vec<Vec<u8>> = literals.iter().map(|l| l.as_bytes().to_vec()).collect();
    // A text holding ".be/" holds ".be": the longer one would only be found twice.
    literals.sort_unstable();
    literals.dedup_by(|longer, kept| longer.starts_with(kept));
    Some(literals)
}

/// Whether a text seldom holds `literal`: it is long enough, or it holds `@`, which prose
/// only uses for mentions and e-mail addresses (`@\w+`, "naar @iemand").
fn rare_enough(literal: &[u8]) -> bool {
    literal.len() >= MIN_REQUIRED_LITERAL || literal.contains(&b'@')
}

/// Literals one of which every match of `hir` contains: those it ends with, or else those found
/// deeper. A match of a sequence holds a match of each of its parts, so the best part's serve
/// (`\b(uw|je)\s+(\w+\s+)?(\w*(dossier|aanvraag)\w*)`, whose first words are too short);
/// a match of an alternation holds a match of one of its branches, so the branches' lists
/// together serve when each branch has one.
fn inside(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    if let Some(literals) = extract(hir, ExtractKind::Suffix) {
        return Some(literals);
    }
    let deeper = |hir: &Hir| extract(hir, ExtractKind::Prefix).or_else(|| inside(hir));
    match hir.kind() {
        HirKind::Capture(c) => deeper(&c.sub),
        HirKind::Repetition(r) if r.min > 0 => deeper(&r.sub),
        // Each part, and each run of parts up to the end: `\.(nl|be)` starts with ".nl" or
        // ".be" where neither part alone has a literal long enough. The longest shortest
        // literal is the rarest in text, and then the fewest literals.
        HirKind::Concat(parts) => {
            let tails = (1..parts.len().saturating_sub(1))
                .map(|i| extract(&Hir::concat(parts[i..].to_vec()), ExtractKind::Prefix));
            parts
                .iter()
                .map(deeper)
                .chain(tails)
                .flatten()
                .max_by_key(|literals| {
                    let shortest = literals.iter().map(Vec::len).min().unwrap_or(0);
                    (shortest, std::cmp::Reverse(literals.len()))
                })
        }
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for branch in branches {
                all.extend(deeper(branch)?);
                if all.len() > MAX_REQUIRED_LITERALS {
                    return None;
                }
            }
            all.sort_unstable();
            all.dedup();
            Some(all)
        }
        _ => None,
    }
}

/// Where a pattern's required literals sit in each match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Required {
    /// Every match starts with one of them.
    Start,
    /// Every match contains one of them (ends with one, or has a part that starts with one).
    Inside,
}

/// Shortest literal worth gating a pattern on, in bytes: two-letter ones ("de", "is") are in
/// nearly every post.
const MIN_REQUIRED_LITERAL: usize = 3;

/// Most literals extracted per pattern. An alternation of fifty words with their accented and
/// `ſ`/`K` (Kelvin) case variants stays whole; beyond it literals are cut short, which keeps
/// them required but weaker.
const MAX_REQUIRED_LITERALS: usize = 1000;

/// `hir` with every ASCII capital made small, for extracting literals that are then compared
/// ASCII-case-insensitively: `(?i)geheim` would otherwise give 64 spellings of one word.
/// Everything the original matches, the result matches up to ASCII case.
fn fold_ascii_case(hir: &Hir) -> Hir {
    match hir.kind() {
        // The extractor gives up on classes this wide anyway; folding `\w` costs more than all
        // the rest.
        HirKind::Class(class) if class_wider_than(class, MAX_FOLDED_CLASS) => hir.clone(),
        HirKind::Literal(Literal(bytes)) => Hir::literal(bytes.to_ascii_lowercase()),
        HirKind::Class(Class::Unicode(class)) => {
            // What `(?i)` makes of most letters, `[Ee]`: one letter once folded.
            if let Some(small) = ascii_case_pair(class) {
                return Hir::literal(small.to_string().into_bytes());
            }
            let ranges = class.ranges().iter().flat_map(|r| {
                fold_range(u32::from(r.start()), u32::from(r.end())).map(|(lo, hi)| {
                    let char = |c| char::from_u32(c).expect("split at ASCII letters");
                    ClassUnicodeRange::new(char(lo), char(hi))
                })
            });
            Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
        }
        HirKind::Class(Class::Bytes(class)) => {
            let ranges = class.ranges().iter().flat_map(|r| {
                fold_range(u32::from(r.start()), u32::from(r.end())).map(|(lo, hi)| {
                    let byte = |c| u8::try_from(c).expect("within the byte range");
                    ClassBytesRange::new(byte(lo), byte(hi))
                })
            });
            Hir::class(Class::Bytes(ClassBytes::new(ranges)))
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(fold_ascii_case(&r.sub)),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(fold_ascii_case(&c.sub)),
            ..c.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(fold_ascii_case).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(fold_ascii_case).collect()),
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
    }
}

/// The small letter, when `class` is exactly an ASCII capital and its small letter, as `(?i)`
/// writes a letter.
fn ascii_case_pair(class: &ClassUnicode) -> Option<char> {
    match class.ranges() {
        [big, small]
            if big.start() == big.end()
                && small.start() == small.end()
                && big.start().is_ascii_uppercase()
                && small.start() == big.start().to_ascii_lowercase() =>
        {
            Some(small.start())
        }
        _ => None,
    }
}

/// A range of code points with its capitals `A`–`Z` made small: up to three ranges (below,
/// inside and above the capitals), empty ones left out.
fn fold_range(lo: u32, hi: u32) -> impl Iterator<Item = (u32, u32)> {
    let (a, z) = (u32::from(b'A'), u32::from(b'Z'));
    let below = (lo, hi.min(a - 1));
    let capitals = (lo.max(a), hi.min(z));
    let above = (lo.max(z + 1), hi);
    let small = (capitals.0 + 32, capitals.1 + 32);
    [below, small, above]
        .into_iter()
        .zip([lo < a, capitals.0 <= capitals.1, hi > z])
        .filter_map(|(range, present)| present.then_some(range))
}

/// Widest class worth folding (the extractor's own default limit is 10).
const MAX_FOLDED_CLASS: u32 = 64;

fn class_wider_than(class: &Class, limit: u32) -> bool {
    let mut total = 0u32;
    let mut add = |width: u32| {
        total = total.saturating_add(width);
        total > limit
    };
    match class {
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .any(|r| add(u32::from(r.end()) - u32::from(r.start()) + 1)),
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .any(|r| add(u32::from(r.end() - r.start()) + 1)),
    }
}

/// Largest repetition count the relaxed twin keeps.
const MAX_COUNTED: u32 = 3;

fn is_unicode_word(look: Look) -> bool {
    matches!(
        look,
        Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode
    )
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

#[cfg(test)]
/// Every pattern of every built-in pack and detector, as (pattern, case-insensitive).
pub(crate) fn builtin_patterns() -> Vec<(String, bool)> {
    use crate::model::{Matcher, NearGroup};
    let mut out: Vec<(String, bool)> = crate::model::DetectorKind::ALL
        .iter()
        .map(|&kind| (crate::detect::pattern(kind).to_string(), false))
        .collect();
    for name in crate::packs::names() {
        for rule in crate::packs::bundle(&name).unwrap().rules {
            match rule.matcher {
                Matcher::Regex {
                    pattern,
                    case_insensitive,
                } => out.push((pattern, case_insensitive)),
                Matcher::Near { groups, .. } => {
                    out.extend(groups.into_iter().filter_map(|g| match g {
                        NearGroup::Pattern { pattern } => Some((pattern, true)),
                        NearGroup::Phrases(_) => None,
                    }))
                }
                _ => {}
            }
            let contexts = rule.unless.into_iter().chain(rule.signals);
            out.extend(contexts.filter_map(|c| c.pattern).map(|p| (p, true)));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(pattern: &str, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        Pattern::checked(pattern, true, &Limits::default())
            .unwrap()
            .find_all(text, &mut out);
        out.iter().map(|&(s, e)| text[s..e].to_string()).collect()
    }

    #[test]
    fn word_boundaries_hold_next_to_accents_and_emoji() {
        assert_eq!(all(r"\béén\b", "nog één keer, geen"), ["één"]);
        assert!(all(r"\bgeheim\b", "geheimë café").is_empty());
        assert_eq!(all(r"\bgeheim\b", "🤫geheim🤫 ëgeheim"), ["geheim"]);
        assert_eq!(all(r"\bind\b", "vinden bij de IND."), ["IND"]);
    }

    #[test]
    fn a_candidate_that_fails_does_not_hide_a_later_match() {
        // `relaxed` finds "dossier" inside "vreemdelingendossiers" first.
        assert_eq!(
            all(r"\bdossiers?\b", "vreemdelingendossiers en één dossier"),
            ["dossier"]
        );
    }

    #[test]
    fn a_twin_too_big_to_build_leaves_the_search_to_the_pattern() {
        // Relaxed, each `[éè]` admits every non-ASCII character, which takes more states than
        // the two letters: a size limit between the two lets the pattern build and not its twin.
        let source = format!(r"\b(?:{})\b", "[éè]".repeat(60));
        let hir = syntax::parse(&source).unwrap();
        let size = |hir: &Hir| {
            regex_automata::nfa::thompson::NFA::compiler()
                .build_from_hir(hir)
                .unwrap()
                .memory_usage()
        };
        let (own, twin) = (size(&hir), size(&relax(&hir)));
        assert!(2 * own < twin, "{own} {twin}");
        let limits = Limits {
            regex_size_limit: (own + twin) / 2,
            ..Limits::default()
        };
        // Checked as a new bundle is: the pattern is in, its twin not yet built.
        let pattern = Pattern::checked(&source, false, &limits).unwrap();
        assert!(pattern.relaxed().is_none());
        let word = "éè".repeat(30);
        let text = format!("x{word} {word}, {word}é");
        let mut found = Vec::new();
        pattern.find_all(&text, &mut found);
        let start = text.find(' ').unwrap() + 1;
        assert_eq!(found, [(start, start + word.len())]);
    }

    #[test]
    fn errors_are_one_line_and_name_the_problem() {
        let limits = Limits::default();
        assert!(matches!(
            Pattern::checked("(unclosed", true, &limits),
            Err(ProblemKind::InvalidRegex(m)) if !m.contains('\n')
        ));
        assert!(matches!(
            Pattern::checked("a|", true, &limits),
            Err(ProblemKind::InvalidRegex(_))
        ));
        assert!(matches!(
            Pattern::checked(r"\w{1000}\w{1000}", true, &limits),
            Err(ProblemKind::RegexTooBig { .. })
        ));
    }

    /// A new bundle's check builds only what its NFA bound cannot clear; the rest is built by
    /// the first search that needs it, and finds what the plain regex finds.
    #[test]
    fn the_check_builds_only_patterns_its_bound_cannot_clear() {
        let text = "Het GEHEIMe rapport en de interne nota: geheimhouding geldt.";
        let mut sizes = NfaSize::default();
        for source in [r"\bgeheim\w*", r"(?:intern|vertrouwelijk)e?\s+nota"] {
            let pattern =
                Pattern::new(source, true, &Limits::default(), Check::Full(&mut sizes)).unwrap();
            assert!(pattern.anchored.get().is_none() && pattern.exact.get().is_none());
            assert_eq!(
                fast(&pattern, text),
                reference(source, true, text),
                "{source}"
            );
            assert!(!fast(&pattern, text).is_empty(), "{source}");
        }

        // With the limit just under the bound, the build decides, and the pattern (far smaller
        // than its bound) passes.
        let source = r"\bgeheim\w*";
        let bound = sizes.at_most(&syntax::parse(source).unwrap()).forward;
        let limits = Limits {
            regex_size_limit: bound - 1,
            ..Limits::default()
        };
        let pattern = Pattern::new(source, false, &limits, Check::Full(&mut sizes)).unwrap();
        assert!(pattern.anchored.get().is_some(), "built during the check");
    }

    fn reference(pattern: &str, case_insensitive: bool, text: &str) -> Vec<(usize, usize)> {
        reference_in(&plain(pattern, case_insensitive), text)
    }

    fn plain(pattern: &str, case_insensitive: bool) -> regex::Regex {
        regex::RegexBuilder::new(pattern)
            .case_insensitive(case_insensitive)
            .build()
            .unwrap()
    }

    fn reference_in(regex: &regex::Regex, text: &str) -> Vec<(usize, usize)> {
        regex
            .find_iter(text)
            .filter(|m| !m.is_empty())
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    fn fast(pattern: &Pattern, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        pattern.find_all(text, &mut out);
        out
    }

    /// The two-step search must give exactly the matches of the plain regex: on the whole
    /// corpus at once (long text, every kind of character) for every built-in pattern.
    #[test]
    fn same_matches_as_the_plain_regex_on_the_corpus() {
        let corpus: String = include_str!("../../../tests/corpus/dev.jsonl")
            .lines()
            .chain(include_str!("../../../tests/corpus/holdout.jsonl").lines())
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join("\r\n");
        let limits = Limits::default();
        let patterns = builtin_patterns();
        assert!(patterns.len() > 50, "{} patterns", patterns.len());
        let mut matched = 0;
        // A few posts at a time: their literals occur a few times each, so the gate tries
        // them one by one (the whole corpus has too many: one search).
        let posts: Vec<String> = corpus
            .split("\r\n")
            .collect::<Vec<_>>()
            .chunks(8)
            .map(|chunk| chunk.join("\r\n"))
            .collect();
        for (source, ci) in &patterns {
            let mut pattern = Pattern::checked(source, *ci, &limits).unwrap();
            let regex = plain(source, *ci);
            let want = reference_in(&regex, &corpus);
            matched += usize::from(!want.is_empty());
            assert_eq!(fast(&pattern, &corpus), want, "pattern {source}");
            // The literal gate, on the whole corpus and on the chunks.
            let mut gate = crate::gate::GateBuilder::default();
            gate.add(&mut pattern);
            let gate = gate.build().unwrap();
            for text in std::iter::once(&corpus).chain(&posts) {
                let mut gated = Vec::new();
                gate.open_unscreened(text)
                    .find_all(&pattern, text, &mut gated);
                assert_eq!(gated, reference_in(&regex, text), "gated {source}");
            }
        }
        // The comparison means something only if most patterns do match somewhere.
        assert!(
            matched * 2 > patterns.len(),
            "{matched} of {}",
            patterns.len()
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Short texts made of the characters that decide word boundaries: letters with and
        /// without accents, digits, emoji, combining marks, spaces and punctuation.
        #[test]
        fn same_matches_as_the_plain_regex_on_odd_text(
            text in "[a-zé ëÉ0-9_\u{301}🙂.,!?'\n-]{0,40}",
        ) {
            for (source, ci) in [
                (r"\b[a-zé]+\b", true),
                (r"\bé\w*", true),
                (r"\B\w\b", false),
                (r"\b\d+(?:\s\w+)?\b", true),
                (r"(?:^|\.\s)\w+\b", true),
            ] {
                let pattern = Pattern::checked(source, ci, &Limits::default()).unwrap();
                proptest::prop_assert_eq!(fast(&pattern, &text), reference(source, ci, &text));
            }
        }
    }
}
