//! Which patterns can match a text at all, from one pass over it.
//!
//! The literal gate ([`crate::gate`]) tries most patterns only where their words occur, but a
//! pattern without a usable word list, or whose words may sit anywhere in a match, searches the
//! whole text. A post of 3,000 characters had 23 such searches, and 19 of them found nothing. So
//! all those patterns go into lazy DFAs, sixteen to a DFA, each as its relaxed twin (which matches
//! wherever the pattern does, and has no Unicode `\b` to stop a DFA), and each DFA is asked which
//! of its patterns match anywhere: three reads of the text instead of 23. A pattern ruled out
//! cannot match and is not searched. Should a DFA give up (its cache keeps filling, as on a long and varied text), every
//! pattern is searched as before. Only texts of a post's length are screened ([`MIN_TEXT`] to
//! [`MAX_TEXT`]): on shorter ones there is little to save, on longer ones little to rule out.

use std::cell::OnceCell;
use std::ops::Range;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::{Arc, OnceLock};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind, PatternSet};
use regex_syntax::hir::Hir;

/// Members per DFA. A DFA state of many members at once is large: one lazy DFA of all 87
/// built-in patterns filled its cache within a post and gave up on nearly every corpus post.
/// Small groups mean more reads of the text: in groups of four the 87 took 129 µs on text-3000,
/// in groups of sixteen 49 µs (native).
const GROUP: usize = 16;
/// A group's NFA may be this big; beyond it that group has no screen.
const NFA_LIMIT: usize = 16 << 20;
/// A group's lazy DFA cache, in bytes, at most: it grows with the states a text needs. With
/// half of it, 350 of the 8,748 searches of groups of sixteen over the corpus posts gave up; with
/// this, none.
const CACHE: usize = 8 << 20;

/// Shortest text screened, in bytes. Below it the searches the screen saves are short, and a
/// post's first keystrokes should not wait for the screen to be built (a sixth of the first
/// scan of a short post).
const MIN_TEXT: usize = 1024;
/// Longest text screened, in bytes. A long text holds a match of nearly every member, so the
/// screen rules little out, and its DFAs meet ever new states: 100 KB scanned 11 % slower with
/// it, 10 KB 4 % faster, 3,000 characters 15 % faster (native, `count scans`).
const MAX_TEXT: usize = 16 << 10;

type NewCache = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// The screen of one compiled bundle, its members in groups of [`GROUP`]; each group is built
/// by the first scan that asks about one of its members, as it needs them parsed.
pub(crate) struct Screen {
    groups: Vec<OnceLock<Option<Built>>>,
    members: usize,
    /// The lengths of text screened, in bytes.
    screened: Range<usize>,
}

struct Built {
    dfa: Arc<DFA>,
    /// Scratch space per thread, as `meta::Regex` keeps it.
    caches: Pool<Cache, NewCache>,
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screen")
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}

impl Screen {
    /// A screen for `members` patterns, numbered from 0.
    pub(crate) fn new(members: usize) -> Screen {
        Screen {
            groups: (0..members.div_ceil(GROUP))
                .map(|_| OnceLock::new())
                .collect(),
            members,
            screened: MIN_TEXT..MAX_TEXT + 1,
        }
    }

    /// The screening of one text; nothing is read until a member is asked about.
    pub(crate) fn screening<'a>(
        &'a self,
        text: &'a str,
        members: Box<dyn Fn(Range<usize>) -> Vec<Hir> + 'a>,
    ) -> Screening<'a> {
        Screening {
            screen: self,
            text,
            members,
            // No groups to read: every member may match.
            found: if self.screened.contains(&text.len()) {
                (0..self.groups.len()).map(|_| OnceCell::new()).collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// A screening that rules nothing out, for tests of what it screens
/// ([`crate::gate::Gate::open_unscreened`]).
#[cfg(test)]
pub(crate) fn nothing_ruled_out(text: &str) -> Screening<'_> {
    static EMPTY: Screen = Screen {
        groups: Vec::new(),
        members: 0,
        screened: 0..0,
    };
    EMPTY.screening(text, Box::new(|_| Vec::new()))
}

/// What a [`Screen`] says about one text.
pub(crate) struct Screening<'a> {
    screen: &'a Screen,
    text: &'a str,
    /// The screening patterns of the members in a range of numbers, in order.
    members: Box<dyn Fn(Range<usize>) -> Vec<Hir> + 'a>,
    /// Per group, once read: which of its members may match (`None`: not known).
    found: Vec<OnceCell<Option<PatternSet>>>,
}

impl Screening<'_> {
    /// Whether member `member` may match the text: false only when it cannot.
    pub(crate) fn may_match(&self, member: usize) -> bool {
        let (group, within) = (member / GROUP, member % GROUP);
        let (Some(built), Some(found)) = (self.screen.groups.get(group), self.found.get(group))
        else {
            return true;
        };
        let found = found.get_or_init(|| {
            let start = group * GROUP;
            let end = (start + GROUP).min(self.screen.members);
            let built = built
                .get_or_init(|| Built::new(&(self.members)(start..end)))
                .as_ref()?;
            let mut found = PatternSet::new(built.dfa.pattern_len());
            let mut cache = built.caches.get();
            // An error means the DFA gave up, not that nothing matches.
            built
                .dfa
                .try_which_overlapping_matches(&mut cache, &Input::new(self.text), &mut found)
                .ok()?;
            Some(found)
        });
        found.as_ref().is_none_or(|found| {
            regex_automata::PatternID::new(within).is_ok_and(|id| found.contains(id))
        })
    }
}

impl Built {
    fn new(members: &[Hir]) -> Option<Built> {
        if members.is_empty() {
            return None;
        }
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(WhichCaptures::None)
                    .shrink(false)
                    .nfa_size_limit(Some(NFA_LIMIT)),
            )
            .build_many_from_hir(members)
            .ok()?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    // Every member that matches, not only the leftmost.
                    .match_kind(MatchKind::All)
                    .unicode_word_boundary(true)
                    .cache_capacity(CACHE)
                    // As `meta` does: a search that keeps clearing the cache gives up.
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let dfa = Arc::new(dfa);
        let shared = Arc::clone(&dfa);
        let caches = Pool::new(Box::new(move || shared.create_cache()) as NewCache);
        Some(Built { dfa, caches })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::nfa_size::NfaSize;
    use crate::pattern::{Check, Pattern};

    fn members(sources: &[(String, bool)]) -> Vec<Pattern> {
        let mut sizes = NfaSize::default();
        sources
            .iter()
            .map(|(source, ci)| {
                Pattern::new(source, *ci, &Limits::default(), Check::Full(&mut sizes)).unwrap()
            })
            .collect()
    }

    fn texts() -> Vec<String> {
        let corpus = include_str!("../../../tests/corpus/dev.jsonl")
            .lines()
            .chain(include_str!("../../../tests/corpus/holdout.jsonl").lines())
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string));
        let odd = [
            "",
            "é",
            "Wij als gemeente 👩‍👩‍👧 zeggen: bel 06-12345678\r\nof mail jan@voorbeeld.nl",
            "e\u{301}e\u{301} BSN 111222333 — IBAN NL91ABNA0417164300 ¿qué? ß ſ K",
        ];
        corpus.chain(odd.into_iter().map(str::to_string)).collect()
    }

    /// Ruling a pattern out is only right if it has no match: every built-in pattern, on every
    /// corpus post and some odd texts.
    #[test]
    fn a_pattern_ruled_out_has_no_match() {
        let patterns = members(&crate::pattern::builtin_patterns());
        // Posts are short: screen them all.
        let screen = Screen {
            screened: 0..usize::MAX,
            ..Screen::new(patterns.len())
        };
        let (mut ruled_out, mut searched) = (0, 0);
        for text in texts() {
            let patterns = &patterns;
            let screening = screen.screening(
                &text,
                Box::new(move |range| patterns[range].iter().map(Pattern::screening).collect()),
            );
            for (i, pattern) in patterns.iter().enumerate() {
                let mut matches = Vec::new();
                pattern.find_all(&text, &mut matches);
                if screening.may_match(i) {
                    searched += 1;
                } else {
                    assert_eq!(matches, [], "ruled out {:?} on {text:?}", pattern.source());
                    ruled_out += 1;
                }
            }
        }
        // And it rules most out: what it is for.
        assert!(
            ruled_out > 4 * searched,
            "{ruled_out} ruled out, {searched} searched"
        );
    }

    #[test]
    fn a_member_beyond_the_screen_may_match() {
        let screen = Screen::new(0);
        assert!(screen
            .screening("text", Box::new(|_| Vec::new()))
            .may_match(3));
    }

    /// A short text is not screened, and the screen is not built for it; nor is a long one.
    #[test]
    fn only_texts_of_a_post_s_length_are_screened() {
        let patterns = members(&[(r"\bembargo\b".to_string(), true)]);
        let screen = Screen::new(1);
        let members = || -> Box<dyn Fn(Range<usize>) -> Vec<Hir> + '_> {
            Box::new(|range| patterns[range].iter().map(Pattern::screening).collect())
        };
        assert!(screen.screening("kort", members()).may_match(0));
        assert!(screen.groups[0].get().is_none());
        let post = "lang ".repeat(MIN_TEXT / 4);
        assert!(!screen.screening(&post, members()).may_match(0));
        assert!(screen.groups[0].get().is_some());
        let long = "lang ".repeat(MAX_TEXT / 4);
        assert!(screen.screening(&long, members()).may_match(0));
    }
}
