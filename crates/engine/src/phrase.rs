//! Phrase lists: every phrase of every rule, exception and `near` group in one Aho-Corasick
//! automaton, so a scan reads the folded text once however many rules there are.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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

/// Where each owner's hits go in [`Hits`]: owners numbered densely, rule by rule, so one
/// counting pass files every hit (sorting thousands of hits by owner cost more than finding
/// them: common words like "je" serve dozens of rules).
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

/// A scan's phrase and group-pattern hits, filed by owner, each owner's sorted by position.
pub(crate) struct Hits {
    hits: Vec<Hit>,
    /// Owner `i`'s hits are `hits[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
}

impl Hits {
    pub(crate) fn new(found: Vec<Hit>, owners: &Owners) -> Hits {
        let mut starts = vec![0usize; owners.count + 1];
        for hit in &found {
            starts[owners.index(hit.owner) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut hits = found.clone();
        for hit in found {
            let slot = &mut next[owners.index(hit.owner)];
            hits[*slot] = hit;
            *slot += 1;
        }
        for pair in starts.windows(2) {
            hits[pair[0]..pair[1]].sort_unstable_by_key(|h| (h.start, h.end));
        }
        Hits { hits, starts }
    }

    /// The hits of one owner, by position.
    pub(crate) fn of(&self, owner: Owner, owners: &Owners) -> &[Hit] {
        self.of_range(owner, 1, owners)
    }

    /// The hits of `n` consecutive owners from `first` (a rule's near groups), each owner's
    /// by position.
    pub(crate) fn of_range(&self, first: Owner, n: usize, owners: &Owners) -> &[Hit] {
        let i = owners.index(first);
        &self.hits[self.starts[i]..self.starts[i + n]]
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

/// A phrase hit, in original byte offsets, widened to whole words on wildcard sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) owner: Owner,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

struct Entry {
    owner: Owner,
    prefix: bool,
    suffix: bool,
}

/// Every phrase the engine knows, compiled once.
pub(crate) struct PhraseTable {
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern: everyone who asked for that literal.
    entries: Vec<Vec<Entry>>,
}

#[derive(Default)]
pub(crate) struct PhraseTableBuilder {
    literals: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    entries: Vec<Vec<Entry>>,
}

impl PhraseTableBuilder {
    pub(crate) fn add(&mut self, phrase: Phrase, owner: Owner) {
        let id = *self.index.entry(phrase.literal.clone()).or_insert_with(|| {
            self.literals.push(phrase.literal);
            self.entries.push(Vec::new());
            self.literals.len() - 1
        });
        self.entries[id].push(Entry {
            owner,
            prefix: phrase.prefix,
            suffix: phrase.suffix,
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.literals.len()
    }

    pub(crate) fn build(self) -> Result<PhraseTable, String> {
        let automaton = if self.literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&self.literals)
                    .map_err(|e| e.to_string())?,
            )
        };
        Ok(PhraseTable {
            automaton,
            entries: self.entries,
        })
    }
}

impl PhraseTable {
    /// Every phrase occurrence that respects its word boundaries, in original offsets.
    pub(crate) fn find(&self, original: &str, folded: &Folded, out: &mut Vec<Hit>) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        let text = folded.text.as_str();
        for m in automaton.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            let before = text[..s].chars().next_back();
            let after = text[e..].chars().next();
            let first = text[s..e].chars().next();
            let last = text[s..e].chars().next_back();
            // A boundary is only needed where the phrase itself starts or ends with a word
            // character: `#ind` may follow a letter-less position, `ind` may not follow a letter.
            let glued_before = before.is_some_and(is_word_char) && first.is_some_and(is_word_char);
            let glued_after = after.is_some_and(is_word_char) && last.is_some_and(is_word_char);
            for entry in &self.entries[m.pattern().as_usize()] {
                if (glued_before && !entry.prefix) || (glued_after && !entry.suffix) {
                    continue;
                }
                let (start, end) = widen_to_words(
                    original,
                    folded.start_of(s),
                    folded.end_of(e),
                    entry.prefix,
                    entry.suffix,
                );
                out.push(Hit {
                    owner: entry.owner,
                    start,
                    end,
                });
            }
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
        let table = builder.build().unwrap();
        let mut out = Vec::new();
        table.find(text, &Folded::new(text), &mut out);
        out.iter()
            .map(|h| text[h.start..h.end].to_string())
            .collect()
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
