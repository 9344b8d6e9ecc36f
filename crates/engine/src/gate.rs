//! Where regexes can match, from one pass over the text.
//!
//! Most rule regexes start, end or hinge on one of a list of words: `\b(?:onder embargo|embargo
//! tot|…)`. A text containing none of those words cannot match, and a post contains the words
//! of few rules, a few times each; yet each regex search reads the whole text. So every such
//! list goes into one Aho-Corasick automaton and the text is read once. A regex whose words
//! were not seen does not run; one whose matches must start with its words is tried only where
//! they occur. Regexes without a usable list, or whose words may sit anywhere in a match, search
//! the whole text unless the screen ([`crate::screen`]) rules them out.

use daachorse::DoubleArrayAhoCorasick;

use crate::pattern::{Pattern, Required};
use crate::phrase::automaton;
use crate::screen::Screening;

/// Collects the patterns' required literals while a bundle compiles.
#[derive(Default)]
pub(crate) struct GateBuilder {
    literals: Vec<Vec<u8>>,
    index: std::collections::HashMap<Vec<u8>, usize>,
    /// Per literal: the slots it opens.
    opens: Vec<Vec<usize>>,
    /// Per slot: where its pattern's literals sit in a match.
    slots: Vec<Required>,
}

impl GateBuilder {
    /// Gives `pattern` a slot when it has required literals.
    pub(crate) fn add(&mut self, pattern: &mut Pattern) {
        if let Some((required, literals)) = pattern.required_literals() {
            self.add_known(pattern, required, &literals);
        }
    }

    /// Gives `pattern` a slot for literals already worked out, by
    /// [`Pattern::required_literals`] ahead of time ([`crate::gate_table`]).
    pub(crate) fn add_known(
        &mut self,
        pattern: &mut Pattern,
        required: Required,
        literals: &[Vec<u8>],
    ) {
        let slot = self.slots.len();
        self.slots.push(required);
        for literal in literals {
            // The automaton compares bytes exactly and scans the text with ASCII capitals made
            // small, so its literals must be small too.
            let id = *self
                .index
                .entry(literal.to_ascii_lowercase())
                .or_insert_with_key(|literal| {
                    self.literals.push(literal.clone());
                    self.opens.push(Vec::new());
                    self.literals.len() - 1
                });
            if self.opens[id].last() != Some(&slot) {
                self.opens[id].push(slot);
            }
        }
        pattern.gate = Some(slot);
    }

    /// Whether `pattern`'s searches may read the whole text: it has no slot, or its literals may
    /// sit anywhere in a match. Such patterns are what [`crate::screen`] screens.
    pub(crate) fn walks(&self, pattern: &Pattern) -> bool {
        pattern
            .gate
            .is_none_or(|slot| self.slots[slot] == Required::Inside)
    }

    pub(crate) fn build(self) -> Result<Gate, String> {
        Ok(Gate {
            automaton: automaton(&self.literals)?,
            opens: self.opens,
            slots: self.slots,
        })
    }
}

/// The compiled gate.
pub(crate) struct Gate {
    automaton: Option<DoubleArrayAhoCorasick<u32>>,
    opens: Vec<Vec<usize>>,
    slots: Vec<Required>,
}

impl Gate {
    /// Where in `text` each pattern's literals start; `screening` rules out the patterns that
    /// would read the whole text in vain.
    pub(crate) fn open<'a>(&'a self, text: &str, screening: Screening<'a>) -> Open<'a> {
        let mut starts = vec![Vec::new(); self.slots.len()];
        if let Some(automaton) = &self.automaton {
            // Overlapping: "onder ons" must not hide the "ons" another pattern needs.
            let lower = text.to_ascii_lowercase();
            for m in automaton.find_overlapping_iter(&lower) {
                for &slot in &self.opens[m.value() as usize] {
                    starts[slot].push(m.start());
                }
            }
        }
        for (starts, required) in starts.iter_mut().zip(&self.slots) {
            if *required == Required::Start {
                // Reported by end; two literals of one slot can end in either order.
                starts.sort_unstable();
                starts.dedup();
            }
        }
        Open {
            starts,
            slots: &self.slots,
            screening,
        }
    }
}

#[cfg(test)]
impl Gate {
    /// [`Gate::open`] with nothing screened out, for tests of the gate alone.
    pub(crate) fn open_unscreened<'a>(&'a self, text: &'a str) -> Open<'a> {
        self.open(text, crate::screen::nothing_ruled_out(text))
    }
}

/// The result of [`Gate::open`] for one text.
pub(crate) struct Open<'a> {
    starts: Vec<Vec<usize>>,
    slots: &'a [Required],
    screening: Screening<'a>,
}

/// Most anchored tries per pattern and text. Each try reads as far as its match could reach,
/// which for a pattern like `embargo[^!]*` can be the rest of the text; past this many
/// occurrences one ordinary search does the job in linear time.
const MAX_TRIES: usize = 32;

impl Open<'_> {
    /// Every match of `pattern`, as [`Pattern::find_all`] gives them, searching only where the
    /// text holds its literals.
    pub(crate) fn find_all(&self, pattern: &Pattern, text: &str, out: &mut Vec<(usize, usize)>) {
        let may_match = || pattern.screen.is_none_or(|m| self.screening.may_match(m));
        let Some(slot) = pattern.gate else {
            if may_match() {
                pattern.find_all(text, out);
            }
            return;
        };
        let starts = &self.starts[slot];
        match (self.slots[slot], starts.first()) {
            (_, None) => {}
            (Required::Start, Some(_)) if starts.len() <= MAX_TRIES => {
                // Every match starts at one of these: the leftmost match is the first one tried
                // that succeeds, and the next search resumes past its end.
                let mut end = 0;
                for &start in starts {
                    if start < end {
                        continue;
                    }
                    if let Some(found) = pattern.match_at(text, start) {
                        out.push(found);
                        end = found.1;
                    }
                }
            }
            (_, Some(&first)) => {
                // No match starts before the first literal.
                let from = if self.slots[slot] == Required::Start {
                    first
                } else {
                    0
                };
                if may_match() {
                    pattern.find_all_from(text, from, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    fn gated(source: &str) -> (Gate, Pattern) {
        let mut pattern = Pattern::checked(source, true, &Limits::default()).unwrap();
        let mut builder = GateBuilder::default();
        builder.add(&mut pattern);
        (builder.build().unwrap(), pattern)
    }

    /// What the gated search finds, checked against the plain search.
    fn found(gate: &Gate, pattern: &Pattern, text: &str) -> Vec<String> {
        let (mut gated, mut plain) = (Vec::new(), Vec::new());
        gate.open_unscreened(text)
            .find_all(pattern, text, &mut gated);
        pattern.find_all(text, &mut plain);
        assert_eq!(gated, plain, "{text}");
        gated.iter().map(|&(s, e)| text[s..e].to_string()).collect()
    }

    #[test]
    fn tries_only_where_a_required_word_starts() {
        let (gate, pattern) = gated(r"\b(?:onder embargo|embargo tot \w+)\b");
        assert!(pattern.gate.is_some());
        assert_eq!(
            found(
                &gate,
                &pattern,
                "Dit is ONDER Embargo, embargo tot maandag; embargo."
            ),
            ["ONDER Embargo", "embargo tot maandag"]
        );
        assert!(found(&gate, &pattern, "niets aan de hand").is_empty());
        assert!(found(&gate, &pattern, "onderembargo").is_empty());
    }

    #[test]
    fn overlapping_matches_resume_after_the_previous_one() {
        let (gate, pattern) = gated(r"aaa\w*|aaab");
        assert_eq!(found(&gate, &pattern, "aaaaab aaab"), ["aaaaab", "aaab"]);
    }

    #[test]
    fn many_occurrences_fall_back_to_one_search() {
        let (gate, pattern) = gated(r"\bgeheim\w*");
        let text = "geheim ".repeat(MAX_TRIES * 3);
        assert_eq!(found(&gate, &pattern, &text).len(), MAX_TRIES * 3);
    }

    #[test]
    fn suffixes_serve_when_starts_are_open_ended() {
        let (gate, pattern) = gated(r"\d{2,5}\s+poorten");
        assert!(pattern.gate.is_some());
        assert_eq!(
            found(&gate, &pattern, "22 POORTEN, 3 poorten"),
            ["22 POORTEN"]
        );
        assert!(found(&gate, &pattern, "22 deuren").is_empty());
    }

    #[test]
    fn words_inside_serve_when_both_ends_are_open() {
        let (gate, pattern) = gated(r"(?:^|[.!?]\s+)(?:onder ons|tussen ons)\s*[:;,]");
        assert!(pattern.gate.is_some());
        assert_eq!(
            found(&gate, &pattern, "Goed. Onder ons: niets. Tussen ons, ja"),
            [". Onder ons:", ". Tussen ons,"]
        );
        assert!(found(&gate, &pattern, "Goed. Verder: niets.").is_empty());
    }

    #[test]
    fn each_branch_may_bring_its_own_words() {
        // No word starts or ends every match ("uw" and "je" are too short to gate on); each
        // branch holds a word of its own, deeper inside.
        let source =
            r"\b(uw|je)\s+(\w+\s+)?(\w*(dossier|aanvraag)\w*|kind)\b|\byour\s+(file|case)\b";
        let (gate, pattern) = gated(source);
        let (required, mut literals) = pattern.required_literals().unwrap();
        // Besides the spellings with `ſ` and the Kelvin sign, which (?i) also matches.
        literals.retain(|l| l.is_ascii());
        literals.sort();
        assert_eq!(required, Required::Inside);
        assert_eq!(literals, [&b"aanvraag"[..], b"dossier", b"kind", b"your"]);
        assert_eq!(
            found(&gate, &pattern, "Uw AANVRAAG is binnen, your case too"),
            ["Uw AANVRAAG", "your case"]
        );
        let text = "je moeder en uw vader";
        assert!(gate.open_unscreened(text).starts[pattern.gate.unwrap()].is_empty());
        assert!(found(&gate, &pattern, text).is_empty());
    }

    #[test]
    fn at_signs_and_domain_endings_gate_mentions_and_addresses() {
        // `@` is one byte, yet prose has it only in mentions and addresses; ".nl" is no part of
        // the pattern but starts every match of its last three parts.
        let source = r"@\w+|https?://|\bwww\.|\b[\w-]+\.(nl|be|org)(/|\b)";
        let (gate, pattern) = gated(source);
        let (required, mut literals) = pattern.required_literals().unwrap();
        literals.retain(|l| l.is_ascii());
        literals.sort();
        assert_eq!(required, Required::Inside);
        assert_eq!(
            literals,
            [
                &b".be"[..],
                b".nl",
                b".org",
                b"@",
                b"http://",
                b"https://",
                b"www."
            ]
        );
        assert_eq!(
            found(&gate, &pattern, "Zie WWW.ind.NL of @IND_nl, HTTPS://x.be"),
            ["WWW.", "ind.NL", "@IND_nl", "HTTPS://", "x.be"]
        );
        let text = "Geen adres. Nl en be, www en http";
        assert!(gate.open_unscreened(text).starts[pattern.gate.unwrap()].is_empty());
        assert!(found(&gate, &pattern, text).is_empty());

        let (gate, pattern) = gated(r"\b(naar|aan|to)\s+@\w+");
        assert_eq!(
            pattern.required_literals(),
            Some((Required::Inside, vec![b"@".to_vec()]))
        );
        assert_eq!(found(&gate, &pattern, "Stuur het naar @jan"), ["naar @jan"]);
    }

    #[test]
    fn patterns_without_long_literals_search_as_before() {
        for (source, text) in [
            (r"\d+", "12 en 34"),
            (r"(?:^|\.\s)\w+", "Een. Twee"),
            (r"\b(we|wij)\b", "wij en we"),
            (r"ab|xyz", "xyz ab"),
        ] {
            let (gate, pattern) = gated(source);
            assert!(pattern.gate.is_none(), "{source}");
            assert_eq!(found(&gate, &pattern, text).len(), 2, "{source}");
        }
    }

    #[test]
    fn non_ascii_case_variants_are_kept() {
        // (?i)k also matches the Kelvin sign; (?i)é also É: both must be tried.
        let (gate, pattern) = gated("kerk|ééntje");
        assert_eq!(found(&gate, &pattern, "\u{212A}erk"), ["\u{212A}erk"]);
        assert_eq!(found(&gate, &pattern, "ÉÉNTJE"), ["ÉÉNTJE"]);
    }
}
