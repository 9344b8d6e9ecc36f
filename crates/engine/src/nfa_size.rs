//! How big a pattern's NFA can get, worked out without compiling it.
//!
//! A new bundle's regexes are checked against their size limit before the bundle replaces the
//! last good one. Compiling each NFA to find out was nearly half of a 1,000-rule bundle's
//! check, and most of that compiled the same few Unicode classes (`\w`, `\s`, `\p{L}`) again and
//! again: the compiler turns each into a UTF-8 automaton of hundreds of states. So this bounds
//! what `regex-automata`'s Thompson compiler can allocate for a pattern, node by node, following
//! how it compiles each kind of node; each distinct non-ASCII class is compiled once, alone, and
//! measured. A pattern whose bound is within its limit cannot exceed it, forwards or in reverse,
//! and is compiled when a scan first needs it; a pattern whose bound is not is compiled at once,
//! as before, and the compiler decides. A test compiles every built-in pattern, and patterns
//! built to stress each rule below, with the bound as their limit.

use std::collections::BTreeMap;

use regex_automata::nfa::thompson::{self, State, WhichCaptures};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};

/// Bytes the compiler's builder counts per state (`size_of` its state: 32 on 64-bit targets,
/// 16 on 32-bit ones).
const STATE: usize = 32;
/// Per transition of a sparse state.
const TRANSITION: usize = 8;
/// Per alternative of a union, which each patch from a union adds.
const ALTERNATE: usize = 4;
/// What the compiler adds around every pattern: the unanchored prefix `(?s-u:.)*?`, the
/// implicit capture group, the match state.
const PATTERN: usize = 64 * STATE;

/// Upper bounds on NFA memory, with the cost of each distinct class measured once.
#[derive(Default)]
pub(crate) struct NfaSize {
    /// Per class: its cost forwards and in reverse.
    classes: BTreeMap<Box<[ClassUnicodeRange]>, Directions>,
}

/// Bytes forwards (what a search from a position needs) and in reverse (what `meta` also
/// builds for searches anywhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Directions {
    pub(crate) forward: usize,
    pub(crate) reverse: usize,
}

impl Directions {
    fn both(bytes: usize) -> Directions {
        Directions {
            forward: bytes,
            reverse: bytes,
        }
    }

    fn plus(self, other: Directions) -> Directions {
        Directions {
            forward: self.forward.saturating_add(other.forward),
            reverse: self.reverse.saturating_add(other.reverse),
        }
    }

    fn times(self, n: usize) -> Directions {
        Directions {
            forward: self.forward.saturating_mul(n),
            reverse: self.reverse.saturating_mul(n),
        }
    }
}

impl NfaSize {
    /// At least the bytes the Thompson compiler's builder reaches while compiling `hir`, which
    /// is what its size limit is checked against, in each direction.
    pub(crate) fn at_most(&mut self, hir: &Hir) -> Directions {
        self.node(hir).plus(Directions::both(PATTERN))
    }

    fn node(&mut self, hir: &Hir) -> Directions {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => Directions::both(STATE),
            // One state per byte.
            HirKind::Literal(literal) => Directions::both(literal.0.len().saturating_mul(STATE)),
            HirKind::Class(Class::Bytes(class)) => ascii_class(class.ranges().len()),
            HirKind::Class(Class::Unicode(class)) if class.is_ascii() => {
                ascii_class(class.ranges().len())
            }
            HirKind::Class(Class::Unicode(class)) => self.unicode_class(class),
            // Start and end states, and a patch from each.
            HirKind::Capture(capture) => {
                Directions::both(2 * STATE + 2 * ALTERNATE).plus(self.node(&capture.sub))
            }
            // A patch joins each part to the next; one from a union's end adds an alternative.
            HirKind::Concat(parts) => parts.iter().fold(Directions::both(0), |sum, part| {
                sum.plus(self.node(part)).plus(Directions::both(ALTERNATE))
            }),
            HirKind::Alternation(branches) => match literal_bytes(branches) {
                Some(bytes) => Directions::both(literal_trie(bytes, branches.len())),
                // A union and an end state; two patches per branch.
                None => branches
                    .iter()
                    .fold(Directions::both(2 * STATE), |sum, branch| {
                        sum.plus(self.node(branch))
                            .plus(Directions::both(2 * ALTERNATE))
                    }),
            },
            HirKind::Repetition(repetition) => {
                // `x{n,m}` compiles `x` m times, `x{n,}` n times (once when n is 0), each copy
                // with a union and up to three patches; plus an end state and two patches.
                let copies = repetition.max.unwrap_or(repetition.min).max(1) as usize;
                let copy = self
                    .node(&repetition.sub)
                    .plus(Directions::both(STATE + 3 * ALTERNATE));
                copy.times(copies)
                    .plus(Directions::both(2 * STATE + 2 * ALTERNATE))
            }
        }
    }

    /// A class beyond ASCII becomes a UTF-8 automaton whose size only compiling it tells: a
    /// bound from its ranges alone was eight times too big for `\w`. Forwards the compiler
    /// shares prefixes, in reverse suffixes: `\w` costs three times as much in reverse.
    fn unicode_class(&mut self, class: &ClassUnicode) -> Directions {
        if let Some(&size) = self.classes.get(class.ranges()) {
            return size;
        }
        let alone = Hir::class(Class::Unicode(class.clone()));
        let size = Directions {
            forward: compiled_size(&alone, false),
            reverse: compiled_size(&alone, true),
        };
        self.classes.insert(class.ranges().into(), size);
        size
    }
}

/// An empty end state and a sparse state with one transition per range.
fn ascii_class(ranges: usize) -> Directions {
    Directions::both((2 * STATE).saturating_add(ranges.saturating_mul(TRANSITION)))
}

/// The total length of the branches when every one is a literal: the compiler then builds a
/// trie instead of a union of branches.
fn literal_bytes(branches: &[Hir]) -> Option<usize> {
    let mut bytes = 0usize;
    for branch in branches {
        match branch.kind() {
            HirKind::Literal(literal) => bytes = bytes.saturating_add(literal.0.len()),
            _ => return None,
        }
    }
    Some(bytes)
}

/// A trie of `literals` literals of `bytes` bytes in all: at most `bytes + 1` nodes, each a
/// union over its chunks (one more than the literals ending there) with a state per chunk, and
/// one transition per edge.
fn literal_trie(bytes: usize, literals: usize) -> usize {
    let nodes = bytes.saturating_add(1);
    let chunks = nodes.saturating_add(literals);
    let states = nodes.saturating_add(chunks).saturating_add(1);
    states
        .saturating_mul(STATE)
        .saturating_add(bytes.saturating_mul(TRANSITION))
        .saturating_add(chunks.saturating_mul(2 * ALTERNATE))
}

/// What the builder held for `hir` compiled alone, from the states of the finished NFA. The
/// builder's empty states and one-way unions are gone from it (a few per class), hence the
/// margin. `usize::MAX` if it does not compile, which leaves the decision to the compiler.
fn compiled_size(hir: &Hir, reverse: bool) -> usize {
    let built = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .reverse(reverse)
                .shrink(false)
                .which_captures(WhichCaptures::None),
        )
        .build_from_hir(hir);
    let Ok(nfa) = built else {
        return usize::MAX;
    };
    let heap: usize = nfa
        .states()
        .iter()
        .map(|state| match state {
            State::ByteRange { .. } => TRANSITION,
            State::Sparse(sparse) => sparse.transitions.len() * TRANSITION,
            State::Dense(_) => 256 * TRANSITION,
            State::Union { alternates } => alternates.len() * ALTERNATE,
            State::BinaryUnion { .. } => 2 * ALTERNATE,
            State::Look { .. } | State::Capture { .. } | State::Fail | State::Match { .. } => 0,
        })
        .sum();
    (nfa.states().len() + 8) * STATE + heap
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex_automata::util::syntax;

    fn parse(pattern: &str, case_insensitive: bool) -> Hir {
        syntax::parse_with(
            pattern,
            &syntax::Config::new().case_insensitive(case_insensitive),
        )
        .unwrap()
    }

    /// Whether the compiler, limited to the bound, compiles `hir` forwards (with the implicit
    /// capture group the engine's regexes have, or all groups) and in reverse (without, as
    /// `meta` does).
    fn fits(hir: &Hir, bound: Directions) -> Result<(), String> {
        for (reverse, captures, bound) in [
            (false, WhichCaptures::Implicit, bound.forward),
            (false, WhichCaptures::All, bound.forward),
            (true, WhichCaptures::None, bound.reverse),
        ] {
            thompson::Compiler::new()
                .configure(
                    thompson::Config::new()
                        .reverse(reverse)
                        .shrink(false)
                        .which_captures(captures)
                        .nfa_size_limit(Some(bound)),
                )
                .build_from_hir(hir)
                .map_err(|e| format!("reverse {reverse}, {captures:?}: {e}"))?;
        }
        Ok(())
    }

    #[test]
    fn every_built_in_pattern_fits_its_bound() {
        let mut sizes = NfaSize::default();
        let patterns = crate::pattern::builtin_patterns();
        assert!(patterns.len() > 50, "only {} patterns", patterns.len());
        for (pattern, case_insensitive) in patterns {
            let hir = parse(&pattern, case_insensitive);
            let bound = sizes.at_most(&hir);
            fits(&hir, bound).unwrap_or_else(|e| panic!("{pattern}: {bound:?}: {e}"));
            // The bound is only useful if it is not far above the real size.
            assert!(
                bound.forward < 1 << 20,
                "{pattern}: {bound:?} over the default limit"
            );
        }
    }

    #[test]
    fn patterns_that_stress_each_rule_fit_their_bound() {
        let patterns = [
            "",
            "a",
            r"\b",
            "(?:)",
            "(?:|a)",
            "a|b",
            "ab|c|def|de|d",
            "(?i)ſtraße|kelvin|K",
            "(?:a|b|c)*",
            "(?:a|bc)+?",
            "(?:ab|cd){0,7}",
            "(?:ab|cd){3,}",
            "(?:x?){5}",
            "((((a)*)*)*)*",
            r"(\w+\s*)*x",
            r"[^\n]{0,200}",
            r"\w{5}\W{3}\s{0,2}\S",
            r"\p{L}[\p{L}'-]*\d{1,4}",
            r"[\x{80}-\x{10FFFF}]{2,3}",
            r"(?s).{1,8}",
            r"[a-z0-9]{0,40}@[^\s@]+",
            r"(?:é|è|ê|ë|e){2}",
            r"^\d+$|(?m)^x$",
            r"(?-u:\w\s)+",
            r"(?:\bde\b|\bhet\b|\ben\b)(?:\s+\w+){0,6}?\s+(?:niet|nooit)",
        ];
        let mut sizes = NfaSize::default();
        for pattern in patterns {
            for case_insensitive in [false, true] {
                let hir = parse(pattern, case_insensitive);
                let bound = sizes.at_most(&hir);
                fits(&hir, bound).unwrap_or_else(|e| panic!("{pattern}: {bound:?}: {e}"));
            }
        }
    }

    /// Patterns made of the parts policy authors use, nested at random.
    fn patterns() -> impl Strategy<Value = String> {
        let atom = prop::sample::select(vec![
            "a", "ij", "é", r"\w", r"\W", r"\d", r"\s", r"\S", ".", "[^.!?]", r"\p{L}", "[a-z]",
            r"\b", "(?i:k)", "ß", "🙂", "x|yz|z",
        ])
        .prop_map(str::to_string);
        atom.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(|parts| parts.concat()),
                prop::collection::vec(inner.clone(), 2..4)
                    .prop_map(|branches| format!("(?:{})", branches.join("|"))),
                (
                    inner.clone(),
                    prop::sample::select(vec!["*", "+", "?", "{2}", "{0,3}", "{2,}"])
                )
                    .prop_map(|(sub, op)| format!("(?:{sub}){op}")),
                inner.prop_map(|sub| format!("({sub})")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn random_patterns_fit_their_bound(pattern in patterns(), case_insensitive: bool) {
            let hir = parse(&pattern, case_insensitive);
            let bound = NfaSize::default().at_most(&hir);
            prop_assert!(fits(&hir, bound).is_ok(), "{pattern}: {bound:?}: {:?}", fits(&hir, bound));
        }
    }

    #[test]
    fn each_distinct_class_is_measured_once() {
        let mut sizes = NfaSize::default();
        let one = sizes.at_most(&parse(r"\w", false)).forward;
        assert_eq!(sizes.classes.len(), 1);
        let three = sizes.at_most(&parse(r"\w+\s\w\w", false)).forward;
        assert_eq!(sizes.classes.len(), 2, "\\w again and \\s");
        assert!(three > 3 * (one - PATTERN));
    }
}
