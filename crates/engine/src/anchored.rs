//! A pattern that is only ever tried at one position.
//!
//! A pattern with a relaxed twin ([`crate::pattern`]) runs almost only anchored: at a candidate
//! its twin found, or where the literal gate says a match may start. A `meta::Regex` would
//! also build a reverse automaton and literal prefilters, which serve only unanchored
//! searches; they were a fifth of the time a 1,000-rule bundle took to compile. This keeps the
//! engines an anchored search uses, in the order `meta` tries them: the lazy DFA, and where it
//! gives up (a Unicode `\b` beside a non-ASCII character) the one-pass DFA when the pattern is
//! one-pass, else the PikeVM.

use std::panic::{RefUnwindSafe, UnwindSafe};

use regex_automata::dfa::onepass;
use regex_automata::hybrid;
use regex_automata::meta;
use regex_automata::nfa::thompson;
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::Hir;

use crate::error::ProblemKind;

/// Unwind-safe as `meta`'s own pool is, which keeps [`crate::Engine`] usable across
/// `catch_unwind`.
type NewCaches = Box<dyn Fn() -> Caches + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// The compiled pattern, for anchored searches only.
pub(crate) struct AnchoredRegex {
    engines: std::sync::Arc<Engines>,
    /// Scratch space per thread, as `meta::Regex` keeps it.
    caches: Pool<Caches, NewCaches>,
}

struct Engines {
    /// `None` when the lazy DFA's cache cannot hold even a few states: the others serve.
    dfa: Option<hybrid::dfa::DFA>,
    onepass: Option<onepass::DFA>,
    pikevm: PikeVM,
}

struct Caches {
    dfa: Option<hybrid::dfa::Cache>,
    onepass: Option<onepass::Cache>,
    pikevm: pikevm::Cache,
}

impl std::fmt::Debug for AnchoredRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnchoredRegex").finish_non_exhaustive()
    }
}

impl AnchoredRegex {
    /// Compiles `hir` with the limits of `config`, the settings of the pattern's `meta` regexes.
    pub(crate) fn new(hir: &Hir, config: &meta::Config) -> Result<AnchoredRegex, ProblemKind> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(config.get_nfa_size_limit())
                    .shrink(false)
                    .which_captures(config.get_which_captures()),
            )
            .build_from_hir(hir)
            .map_err(|e| match e.size_limit() {
                Some(limit) => ProblemKind::RegexTooBig { limit },
                None => ProblemKind::InvalidRegex(e.to_string()),
            })?;
        let dfa = hybrid::dfa::Builder::new()
            .configure(
                hybrid::dfa::Config::new()
                    .unicode_word_boundary(true)
                    .cache_capacity(config.get_hybrid_cache_capacity())
                    .skip_cache_capacity_check(false)
                    // As `meta` does: a search that keeps clearing the cache gives up and goes
                    // to the PikeVM, which is then faster.
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa.clone())
            .ok();
        let onepass = onepass::DFA::new_from_nfa(nfa.clone()).ok();
        let pikevm =
            PikeVM::new_from_nfa(nfa).map_err(|e| ProblemKind::InvalidRegex(e.to_string()))?;
        let engines = std::sync::Arc::new(Engines {
            dfa,
            onepass,
            pikevm,
        });
        let shared = std::sync::Arc::clone(&engines);
        let caches = Pool::new(Box::new(move || Caches {
            dfa: shared.dfa.as_ref().map(hybrid::dfa::DFA::create_cache),
            onepass: shared.onepass.as_ref().map(onepass::DFA::create_cache),
            pikevm: shared.pikevm.create_cache(),
        }) as NewCaches);
        Ok(AnchoredRegex { engines, caches })
    }

    /// The leftmost-first match starting exactly at `at`, if there is one.
    pub(crate) fn find_at(&self, text: &str, at: usize) -> Option<(usize, usize)> {
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        let mut caches = self.caches.get();
        let caches = &mut *caches;
        if let (Some(dfa), Some(cache)) = (&self.engines.dfa, caches.dfa.as_mut()) {
            // An error means the DFA gave up, not that there is no match.
            if let Ok(found) = dfa.try_search_fwd(cache, &input) {
                return found.map(|end| (at, end.offset()));
            }
        }
        let found = match (&self.engines.onepass, caches.onepass.as_mut()) {
            (Some(onepass), Some(cache)) => onepass.find(cache, input),
            _ => self.engines.pikevm.find(&mut caches.pikevm, input),
        };
        found.map(|m| (m.start(), m.end()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    fn config() -> meta::Config {
        crate::pattern::config(&Limits::default())
    }

    /// The same match as `meta::Regex` anchored at every position, on text where the lazy DFA
    /// gives up (a Unicode `\b` beside `é`), through the one-pass DFA and through the PikeVM.
    #[test]
    fn same_as_meta_at_every_position() {
        let mut one_pass = [false, false];
        for pattern in [
            r"\bé\w*\b",
            r"\b(?:an|ana)\w*\b",
            r"(?:a|ab)(?:c|bcd)\b",
            r"\w+\s+\bcafé\b",
        ] {
            let hir = regex_automata::util::syntax::parse(pattern).unwrap();
            let ours = AnchoredRegex::new(&hir, &config()).unwrap();
            one_pass[usize::from(ours.engines.onepass.is_some())] = true;
            let meta = meta::Regex::new(pattern).unwrap();
            for text in [
                "één café, ana anabel",
                "abcd abcé abcdé",
                "plain ascii café",
            ] {
                for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let want = meta
                        .find(Input::new(text).range(at..).anchored(Anchored::Yes))
                        .map(|m| (m.start(), m.end()));
                    assert_eq!(
                        ours.find_at(text, at),
                        want,
                        "{pattern} at {at} in {text:?}"
                    );
                }
            }
        }
        assert_eq!(one_pass, [true, true], "both fallbacks were tried");
    }

    #[test]
    fn too_big_is_a_problem_not_a_panic() {
        let hir = regex_automata::util::syntax::parse(r"\w{1000}\w{1000}").unwrap();
        assert!(matches!(
            AnchoredRegex::new(&hir, &config()),
            Err(ProblemKind::RegexTooBig { .. })
        ));
    }
}
