//! Phrase lists: every phrase of every rule, exception and `near` group in one Aho-Corasick
//! automaton, so a scan reads the folded text once however many rules there are.

use daachorse::DoubleArrayAhoCorasick;

use crate::error::ProblemKind;
use crate::text::{fold, is_word_char, widen_to_words, Folded};

/// Who asked for a phrase: the scanner routes each hit to its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Owner {
    /// The phrase matcher of rule `rule`.
    Rule { rule: usize },
    /// Group `group` of the `near` matcher of rule `rule`.
    Near { rule: usize, group: usize },
    /// Exception `unless` of rule `rule`.
    Unless { rule: usize, unless: usize },
    /// Signal `signal` of rule `rule`.
    Signal { rule: usize, signal: usize },
}

/// Owners numbered densely, rule by rule, so per-owner facts live in flat arrays.
#[derive(Clone, Debug, Default)]
pub(crate) struct Owners {
    /// Per rule: the number of its first owner, and how many `near` groups and `unless`
    /// exceptions it has.
    rules: Vec<(usize, usize, usize)>,
    count: usize,
}

impl Owners {
    /// Adds the next rule's owners: its matcher, `groups` near groups, `unless` exceptions and
    /// `signals` signals.
    pub(crate) fn push_rule(&mut self, groups: usize, unless: usize, signals: usize) {
        self.rules.push((self.count, groups, unless));
        self.count += 1 + groups + unless + signals;
    }

    fn index(&self, owner: Owner) -> usize {
        match owner {
            Owner::Rule { rule } => self.rules[rule].0,
            Owner::Near { rule, group } => self.rules[rule].0 + 1 + group,
            Owner::Unless { rule, unless } => {
                let (base, groups, _) = self.rules[rule];
                base + 1 + groups + unless
            }
            Owner::Signal { rule, signal } => {
                let (base, groups, unless) = self.rules[rule];
                base + 1 + groups + unless + signal
            }
        }
    }
}

/// A scan's phrase hits.
///
/// Common words serve dozens of rules ("we" is in every rule about speaking for the
/// organisation), so hits are kept once per phrase, not once per owner: filing a copy for each
/// owner was most of a scan. An owner's hits are gathered only when a rule asks for them, and
/// a rule asks only after [`Hits::present`] says every group it needs has one.
pub(crate) struct Hits<'t> {
    table: &'t PhraseTable,
    /// (phrase, start, end), in original byte offsets, sorted.
    found: Vec<(u32, usize, usize)>,
    /// Per owner: where the hits of each of its phrases that occurs begin in `found`.
    /// Without the (often long) list of its phrases that do not occur.
    owned: Lists,
}

impl Hits<'_> {
    /// Whether `owner` has at least one phrase hit.
    pub(crate) fn present(&self, owner: Owner) -> bool {
        !self.owned.of(self.table.owners.index(owner)).is_empty()
    }

    /// Appends `owner`'s phrase hits, grouped by phrase (not sorted by position).
    pub(crate) fn spans(&self, owner: Owner, out: &mut Vec<(usize, usize)>) {
        for &first in self.owned.of(self.table.owners.index(owner)) {
            let v = self.found[first as usize].0;
            out.extend(
                self.found[first as usize..]
                    .iter()
                    .take_while(|&&(w, _, _)| w == v)
                    .map(|&(_, start, end)| (start, end)),
            );
        }
    }
}

/// Lists indexed by a dense number, flattened: list `i` is `items[starts[i]..starts[i + 1]]`.
#[derive(Debug, Default)]
struct Lists {
    items: Vec<u32>,
    starts: Vec<usize>,
}

impl Lists {
    /// From (list, item) pairs, for lists `0..n`; duplicates are dropped.
    fn new(mut pairs: Vec<(usize, u32)>, n: usize) -> Lists {
        pairs.sort_unstable();
        pairs.dedup();
        Lists::counted(n, || pairs.iter().copied())
    }

    /// From (list, item) pairs, for lists `0..n`, items in the order given; `pairs` is called
    /// twice and must give the same pairs both times.
    fn counted<I: DoubleEndedIterator<Item = (usize, u32)>>(
        n: usize,
        pairs: impl Fn() -> I,
    ) -> Lists {
        // Each list's end, then walking the pairs backwards, its start: one array of `n`, which
        // a scan fills for every owner of the bundle (a thousand and more) even when a short
        // post has hits for a few.
        let mut starts = vec![0usize; n + 1];
        for (list, _) in pairs() {
            starts[list] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut items = vec![0u32; starts[n]];
        for (list, item) in pairs().rev() {
            starts[list] -= 1;
            items[starts[list]] = item;
        }
        Lists { items, starts }
    }

    fn of(&self, i: usize) -> &[u32] {
        &self.items[self.starts[i]..self.starts[i + 1]]
    }
}

/// A phrase after parsing: the folded literal and which sides may run on into a longer word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Phrase {
    pub(crate) literal: String,
    pub(crate) prefix: bool,
    pub(crate) suffix: bool,
}

/// Longest phrase accepted, in characters; longer ones are sentences, not phrases.
pub(crate) const MAX_PHRASE_CHARS: usize = 200;

impl Phrase {
    pub(crate) fn parse(raw: &str) -> Result<Phrase, ProblemKind> {
        let invalid = |reason| ProblemKind::InvalidPhrase {
            phrase: raw.to_string(),
            reason,
        };
        let trimmed = raw.trim();
        let prefix = trimmed.starts_with('*');
        let suffix = trimmed.len() > 1 && trimmed.ends_with('*');
        let core = trimmed.trim_start_matches('*').trim_end_matches('*');
        if core.contains('*') {
            return Err(invalid("has `*` inside; it is only allowed at either end"));
        }
        if core.chars().count() > MAX_PHRASE_CHARS {
            return Err(invalid("is longer than 200 characters"));
        }
        let literal = fold(core).trim().to_string();
        // Emoji and other symbols are signals too (🙄 marks irony); bare ASCII punctuation is not.
        if !literal
            .chars()
            .any(|c| is_word_char(c) || (!c.is_ascii() && !c.is_whitespace()))
        {
            return Err(invalid("has no letters, digits or symbols"));
        }
        // A one-letter stem with a wildcard would match half the dictionary.
        if (prefix || suffix) && literal.chars().filter(|&c| is_word_char(c)).count() < 3 {
            return Err(invalid(
                "is too short for a wildcard: use at least 3 letters",
            ));
        }
        Ok(Phrase {
            literal,
            prefix,
            suffix,
        })
    }
}

/// One way a literal is asked for: which of its sides may run on into a longer word. A
/// literal asked for by many owners is usually asked for one way, so hits are widened and kept
/// once per variant, not once per owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Variant {
    prefix: bool,
    suffix: bool,
}

/// One automaton over `literals` (none for an empty list, which daachorse refuses), for
/// overlapping searches; a match's value is its literal's index. The gate builds its own with it.
pub(crate) fn automaton<L: AsRef<[u8]>>(
    literals: &[L],
) -> Result<Option<DoubleArrayAhoCorasick<u32>>, String> {
    if literals.is_empty() {
        return Ok(None);
    }
    DoubleArrayAhoCorasick::new(literals)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Every phrase the engine knows, compiled once.
pub(crate) struct PhraseTable {
    automaton: Option<DoubleArrayAhoCorasick<u32>>,
    /// Per automaton pattern: its variants.
    literal_variants: Lists,
    variants: Vec<Variant>,
    owners: Owners,
    /// Per variant: the owners (dense numbers) that listed it.
    variant_owners: Lists,
}

#[derive(Default)]
pub(crate) struct PhraseTableBuilder {
    literals: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    variant_index: std::collections::HashMap<(usize, Variant), u32>,
    /// (literal, variant) pairs and their owners.
    variants: Vec<(usize, Variant)>,
    owned: Vec<(Owner, u32)>,
}

impl PhraseTableBuilder {
    pub(crate) fn add(&mut self, phrase: Phrase, owner: Owner) {
        let literal = *self.index.entry(phrase.literal.clone()).or_insert_with(|| {
            self.literals.push(phrase.literal);
            self.literals.len() - 1
        });
        let variant = Variant {
            prefix: phrase.prefix,
            suffix: phrase.suffix,
        };
        let id = *self
            .variant_index
            .entry((literal, variant))
            .or_insert_with(|| {
                self.variants.push((literal, variant));
                (self.variants.len() - 1) as u32
            });
        self.owned.push((owner, id));
    }

    pub(crate) fn len(&self) -> usize {
        self.literals.len()
    }

    /// Builds the table for `owners`, which must number every owner passed to
    /// [`PhraseTableBuilder::add`].
    pub(crate) fn build(self, owners: Owners) -> Result<PhraseTable, String> {
        let automaton = automaton(&self.literals)?;
        let literal_variants = Lists::new(
            self.variants
                .iter()
                .enumerate()
                .map(|(v, &(literal, _))| (literal, v as u32))
                .collect(),
            self.literals.len(),
        );
        let variant_owners = Lists::new(
            self.owned
                .iter()
                .map(|&(owner, v)| (v as usize, owners.index(owner) as u32))
                .collect(),
            self.variants.len(),
        );
        Ok(PhraseTable {
            automaton,
            literal_variants,
            variants: self.variants.into_iter().map(|(_, v)| v).collect(),
            owners,
            variant_owners,
        })
    }
}

impl PhraseTable {
    /// Every phrase occurrence that respects its word boundaries, in original offsets.
    pub(crate) fn find(&self, original: &str, folded: &Folded) -> Hits<'_> {
        let mut found = Vec::new();
        if let Some(automaton) = &self.automaton {
            let text = folded.text.as_str();
            for m in automaton.find_overlapping_iter(text) {
                let (s, e) = (m.start(), m.end());
                let before = text[..s].chars().next_back();
                let after = text[e..].chars().next();
                let first = text[s..e].chars().next();
                let last = text[s..e].chars().next_back();
                // A boundary is only needed where the phrase itself starts or ends with a word
                // character: `#ind` may follow a letter-less position, `ind` may not follow a
                // letter.
                let glued_before =
                    before.is_some_and(is_word_char) && first.is_some_and(is_word_char);
                let glued_after = after.is_some_and(is_word_char) && last.is_some_and(is_word_char);
                for &v in self.literal_variants.of(m.value() as usize) {
                    let variant = self.variants[v as usize];
                    if (glued_before && !variant.prefix) || (glued_after && !variant.suffix) {
                        continue;
                    }
                    let (start, end) = widen_to_words(
                        original,
                        folded.start_of(s),
                        folded.end_of(e),
                        variant.prefix,
                        variant.suffix,
                    );
                    found.push((v, start, end));
                }
            }
        }
        found.sort_unstable();
        let mut firsts: Vec<(u32, u32)> = Vec::new();
        for (i, &(v, _, _)) in found.iter().enumerate() {
            if firsts.last().is_none_or(|&(w, _)| w != v) {
                firsts.push((v, i as u32));
            }
        }
        // Filed by owner with a counting pass: thousands of (owner, phrase) pairs when common
        // words occur, and sorting them cost more than finding them.
        let pairs = || {
            firsts.iter().flat_map(|&(v, first)| {
                self.variant_owners
                    .of(v as usize)
                    .iter()
                    .map(move |&o| (o as usize, first))
            })
        };
        Hits {
            table: self,
            found,
            owned: Lists::counted(self.owners.count, pairs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(phrases: &[&str], text: &str) -> Vec<String> {
        let mut builder = PhraseTableBuilder::default();
        for p in phrases {
            builder.add(Phrase::parse(p).unwrap(), Owner::Rule { rule: 0 });
        }
        let mut owners = Owners::default();
        owners.push_rule(0, 0, 0);
        let table = builder.build(owners).unwrap();
        let hits = table.find(text, &Folded::new(text));
        let mut out = Vec::new();
        hits.spans(Owner::Rule { rule: 0 }, &mut out);
        out.sort_unstable();
        out.iter().map(|&(s, e)| text[s..e].to_string()).collect()
    }

    #[test]
    fn whole_words_only_without_wildcards() {
        assert_eq!(hits(&["geheim"], "Dit is GEHEIM."), ["GEHEIM"]);
        assert!(hits(&["geheim"], "geheimhouding").is_empty());
        assert!(hits(&["ind"], "vinden").is_empty());
    }

    #[test]
    fn wildcards_allow_inflection_and_compounds() {
        assert_eq!(hits(&["dossier*"], "dossiernummer 12"), ["dossiernummer"]);
        assert_eq!(
            hits(&["*dossier*"], "Vreemdelingendossiers"),
            ["Vreemdelingendossiers"]
        );
        assert!(hits(&["dossier*"], "vreemdelingendossier").is_empty());
    }

    #[test]
    fn diacritics_case_and_white_space_fold() {
        assert_eq!(
            hits(&["clientgegevens"], "Cliëntgegevens"),
            ["Cliëntgegevens"]
        );
        assert_eq!(
            hits(&["cliëntgegevens"], "clientgegevens"),
            ["clientgegevens"]
        );
        assert_eq!(
            hits(&["intern memo"], "een INTERN\r\n  memo"),
            ["INTERN\r\n  memo"]
        );
        assert_eq!(hits(&["e-mail"], "mijn E‐mail"), ["E‐mail"]);
        assert_eq!(hits(&["🙄"], "top🙄"), ["🙄"]);
    }

    #[test]
    fn owners_share_phrases_but_keep_their_own_wildcards() {
        let mut builder = PhraseTableBuilder::default();
        let (a, b, c) = (
            Owner::Rule { rule: 0 },
            Owner::Near { rule: 1, group: 0 },
            Owner::Near { rule: 1, group: 1 },
        );
        for (phrase, owner) in [
            ("dossier", a),
            ("dossier*", b),
            ("we", b),
            ("we", c),
            ("ons", c),
        ] {
            builder.add(Phrase::parse(phrase).unwrap(), owner);
        }
        let mut owners = Owners::default();
        owners.push_rule(0, 0, 0);
        owners.push_rule(2, 0, 0);
        let table = builder.build(owners).unwrap();
        let text = "We sturen ons dossiernummer, ons dossier en wij.";
        let hits = table.find(text, &Folded::new(text));
        let spans = |owner| {
            let mut out = Vec::new();
            hits.spans(owner, &mut out);
            out.sort_unstable();
            out.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>()
        };
        assert!(hits.present(a) && hits.present(b) && hits.present(c));
        assert_eq!(spans(a), ["dossier"]);
        assert_eq!(spans(b), ["We", "dossiernummer", "dossier"]);
        assert_eq!(spans(c), ["We", "ons", "ons"]);
        let none = table.find("niets", &Folded::new("niets"));
        assert!(!none.present(a) && !none.present(b));
    }

    #[test]
    fn phrases_must_have_substance() {
        assert!(Phrase::parse("  ").is_err());
        assert!(Phrase::parse("*").is_err());
        assert!(Phrase::parse("a*").is_err());
        assert!(Phrase::parse("do*ssier").is_err());
        assert!(Phrase::parse("#ind").is_ok());
        assert!(Phrase::parse("🙄").is_ok());
        assert!(Phrase::parse("#!").is_err());
    }
}
