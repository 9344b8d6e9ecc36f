//! Inputs for Postwacht's native benchmarks (and the browser harness, which reads the same
//! files), plus a one-regex-per-rule baseline to compare the engine against.
//!
//! Everything here is deterministic: the same commit produces byte-identical inputs, so
//! figures from different machines or runs measure the same work.

use std::path::{Path, PathBuf};

use postwacht_engine::{packs, Bundle, Examples, Matcher, NearGroup, Rule, Unless};

pub mod baseline;

/// Embedded so the generator and the benches work from any directory and need no files.
const DEV_CORPUS: &str = include_str!("../../../tests/corpus/dev.jsonl");
const HOLDOUT_CORPUS: &str = include_str!("../../../tests/corpus/holdout.jsonl");

/// Fixed so every run and every machine gets the same inputs.
const SEED: u64 = 0x5057_4143_4854_2026;

/// The pack the synthetic bundles are derived from and the headline figures use.
pub const BASE_PACK: &str = "overheid";

/// Rule counts of the synthetic bundles.
pub const RULE_COUNTS: [usize; 4] = [10, 100, 300, 1000];

/// How a text input's length is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Exactly this many characters: what a post's length limit counts.
    Chars(usize),
    /// At most this many UTF-8 bytes, cut on a character boundary: for scaling, where
    /// throughput is in bytes.
    Bytes(usize),
}

/// One text input: its file stem and its size.
#[derive(Clone, Copy, Debug)]
pub struct TextSpec {
    /// File stem, as the browser harness expects it (`text-280` → `text-280.txt`).
    pub name: &'static str,
    /// Its length.
    pub size: Size,
}

/// Every text input. The browser harness reads exactly these names.
pub const TEXTS: [TextSpec; 6] = [
    TextSpec {
        name: "text-280",
        size: Size::Chars(280),
    },
    TextSpec {
        name: "text-3000",
        size: Size::Chars(3_000),
    },
    TextSpec {
        name: "text-1k",
        size: Size::Bytes(1_000),
    },
    TextSpec {
        name: "text-10k",
        size: Size::Bytes(10_000),
    },
    TextSpec {
        name: "text-100k",
        size: Size::Bytes(100_000),
    },
    TextSpec {
        name: "text-1m",
        size: Size::Bytes(1_000_000),
    },
];

/// A tiny xorshift64 generator: enough to shuffle deterministically without a dependency.
#[derive(Clone, Debug)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator; a zero seed would stay zero forever, so it is replaced.
    pub fn new(seed: u64) -> XorShift {
        XorShift(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `0..n` (`n > 0`); the modulo bias is irrelevant for shuffling inputs.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The Dutch posts of the development corpus: the extension's main audience writes Dutch, and
/// the corpus mixes benign posts with risky ones, emoji and accents as real posts do.
pub fn dutch_posts() -> Vec<String> {
    posts(DEV_CORPUS)
        .filter(|post| post["lang"] == "nl")
        .filter_map(|post| post["text"].as_str().map(str::to_string))
        .collect()
}

/// The text of every post of both corpora (development and holdout), in every language.
pub fn corpus_posts() -> Vec<String> {
    posts(DEV_CORPUS)
        .chain(posts(HOLDOUT_CORPUS))
        .filter_map(|post| post["text"].as_str().map(str::to_string))
        .collect()
}

/// The posts of a corpus file, one JSON object per line.
fn posts(jsonl: &str) -> impl Iterator<Item = serde_json::Value> + '_ {
    jsonl
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| serde_json::from_str(line).ok())
}

/// Posts in shuffled order, separated by blank lines, until the text holds at least
/// `min_bytes`. The order is reshuffled on every pass over the corpus so long texts are not
/// one short period repeated. Every input is a prefix of this one stream.
pub fn text_stream(min_bytes: usize) -> String {
    let posts = dutch_posts();
    assert!(
        !posts.is_empty(),
        "the development corpus has no Dutch posts"
    );
    let mut rng = XorShift::new(SEED);
    let mut order: Vec<usize> = (0..posts.len()).collect();
    let mut text = String::with_capacity(min_bytes + 4096);
    while text.len() < min_bytes {
        rng.shuffle(&mut order);
        for &i in &order {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&posts[i]);
            if text.len() >= min_bytes {
                break;
            }
        }
    }
    text
}

/// The prefix of `stream` of the given size.
pub fn cut(stream: &str, size: Size) -> &str {
    match size {
        Size::Chars(n) => match stream.char_indices().nth(n) {
            Some((end, _)) => &stream[..end],
            None => stream,
        },
        Size::Bytes(n) => {
            let mut end = n.min(stream.len());
            while !stream.is_char_boundary(end) {
                end -= 1;
            }
            &stream[..end]
        }
    }
}

/// Every text input, by name.
pub fn texts() -> Vec<(&'static str, String)> {
    let longest = TEXTS
        .iter()
        .map(|t| match t.size {
            // A character is at most four bytes.
            Size::Chars(n) => n * 4,
            Size::Bytes(n) => n,
        })
        .max()
        .unwrap_or(0);
    let stream = text_stream(longest + 1);
    TEXTS
        .iter()
        .map(|t| (t.name, cut(&stream, t.size).to_string()))
        .collect()
}

/// The text input named `name`.
pub fn text(name: &str) -> String {
    texts()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("no text input named {name}"))
}

/// A made-up word, different for every `n` below 16·8·16·8·16 and matching nothing real:
/// it makes each generated rule distinct without changing what the rules find in the inputs.
pub fn made_up_word(n: usize) -> String {
    const ONSETS: [&str; 16] = [
        "b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "kl",
    ];
    const VOWELS: [&str; 8] = ["a", "e", "i", "o", "u", "aa", "oe", "ui"];
    let mut word = String::from("q");
    let mut rest = n;
    for _ in 0..2 {
        word.push_str(ONSETS[rest % ONSETS.len()]);
        rest /= ONSETS.len();
        word.push_str(VOWELS[rest % VOWELS.len()]);
        rest /= VOWELS.len();
    }
    word.push_str(ONSETS[rest % ONSETS.len()]);
    word.push_str("en");
    word
}

/// Builds made-up words for one generated rule; each rule gets its own range.
struct Words {
    next: usize,
}

impl Words {
    fn take(&mut self) -> String {
        let word = made_up_word(self.next);
        self.next += 1;
        word
    }
}

/// Words per rule reserved for [`made_up_word`]: more than any rule needs.
const WORDS_PER_RULE: usize = 64;

/// Longest pattern the engine accepts by default (`Limits::max_pattern_len`).
fn max_pattern_len() -> usize {
    postwacht_engine::Limits::default().max_pattern_len
}

/// A phrase list, shuffled, one plain phrase dropped (when there are enough to keep the rule
/// meaningful) and a made-up phrase added: each copy compiles to a different automaton.
fn vary_phrases(phrases: &mut Vec<String>, rng: &mut XorShift, words: &mut Words) {
    rng.shuffle(phrases);
    if phrases.len() > 3 {
        let i = rng.below(phrases.len());
        if !phrases[i].starts_with("list:") {
            phrases.remove(i);
        }
    }
    phrases.push(words.take());
}

/// A regex with one more literal alternative: a new regex program the engine really compiles.
fn vary_pattern(pattern: &mut String, words: &mut Words) {
    let varied = format!(r"(?:{pattern})|\b{}\b", words.take());
    if varied.chars().count() <= max_pattern_len() {
        *pattern = varied;
    }
}

fn vary_context(context: &mut Unless, rng: &mut XorShift, words: &mut Words) {
    if !context.phrases.is_empty() {
        vary_phrases(&mut context.phrases, rng, words);
    }
    if let Some(pattern) = &mut context.pattern {
        vary_pattern(pattern, words);
    }
}

/// A copy of `rule` with a new id and varied matcher and contexts; its examples are dropped
/// because they were written for the original (validation does not require any).
fn vary_rule(rule: &Rule, id: String, rng: &mut XorShift, words: &mut Words) -> Rule {
    let mut rule = rule.clone();
    rule.id = id;
    rule.examples = Examples::default();
    match &mut rule.matcher {
        Matcher::Phrases { phrases } => vary_phrases(phrases, rng, words),
        Matcher::Regex { pattern, .. } => vary_pattern(pattern, words),
        Matcher::Near { groups, .. } => {
            for group in groups {
                match group {
                    NearGroup::Phrases(phrases) => vary_phrases(phrases, rng, words),
                    NearGroup::Pattern { pattern } => vary_pattern(pattern, words),
                }
            }
        }
        Matcher::Detector { .. } => {
            // A detector has nothing to vary; a signal of its own keeps the rule distinct.
            rule.signals.push(Unless {
                phrases: vec![words.take()],
                pattern: None,
                values: Vec::new(),
                within: Some(5),
            });
        }
    }
    for context in rule.unless.iter_mut().chain(rule.signals.iter_mut()) {
        vary_context(context, rng, words);
    }
    rule
}

/// A valid bundle of `n` rules derived from the default pack: its rules in a fixed shuffled
/// order (so small bundles still mix phrase, regex, near and detector rules), cycled with new
/// ids and varied lists and patterns, with the pack's documents, clauses and lists.
pub fn synthetic_bundle(n: usize) -> Bundle {
    let mut bundle = packs::bundle(BASE_PACK).expect("the default pack builds");
    let source = std::mem::take(&mut bundle.rules);
    assert!(!source.is_empty(), "the default pack has no rules");
    let mut rng = XorShift::new(SEED ^ 0xB0_1D1E);
    let mut order: Vec<usize> = (0..source.len()).collect();
    rng.shuffle(&mut order);
    bundle.id = format!("synthetic-{n}");
    bundle.organisation = format!("Synthetic benchmark bundle ({n} rules)");
    bundle.rules = (0..n)
        .map(|i| {
            let original = &source[order[i % order.len()]];
            let copy = i / order.len();
            let id = format!("{}-s{copy}", original.id);
            let mut words = Words {
                next: i * WORDS_PER_RULE,
            };
            vary_rule(original, id, &mut rng, &mut words)
        })
        .collect();
    bundle
}

/// [`synthetic_bundle`] as bundle JSON, as an administrator would publish it.
pub fn synthetic_json(n: usize) -> String {
    serde_json::to_string_pretty(&synthetic_bundle(n)).expect("a bundle serialises")
}

/// Writes every input into `dir` (created if missing) and returns the files written.
pub fn write_inputs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, text) in texts() {
        let path = dir.join(format!("{name}.txt"));
        std::fs::write(&path, text)?;
        written.push(path);
    }
    for n in RULE_COUNTS {
        let path = dir.join(format!("rules-{n}.json"));
        std::fs::write(&path, synthetic_json(n))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn texts_have_their_sizes() {
        for (spec, (name, text)) in TEXTS.iter().zip(texts()) {
            assert_eq!(spec.name, name);
            match spec.size {
                Size::Chars(n) => assert_eq!(text.chars().count(), n, "{name}"),
                Size::Bytes(n) => {
                    assert!(
                        text.len() <= n && text.len() + 4 > n,
                        "{name}: {}",
                        text.len()
                    )
                }
            }
        }
    }

    #[test]
    fn texts_are_deterministic() {
        assert_eq!(texts(), texts());
    }

    #[test]
    fn made_up_words_are_distinct() {
        let count = RULE_COUNTS.iter().max().unwrap() * WORDS_PER_RULE;
        let words: HashSet<String> = (0..count).map(made_up_word).collect();
        assert_eq!(words.len(), count);
    }

    #[test]
    fn every_synthetic_bundle_compiles() {
        for n in RULE_COUNTS {
            let json = synthetic_json(n);
            let engine = postwacht_engine::Engine::from_json(&json)
                .unwrap_or_else(|e| panic!("rules-{n}.json does not compile: {e}"));
            assert_eq!(engine.bundle().rules.len(), n);
        }
    }

    #[test]
    fn synthetic_rules_are_varied() {
        let bundle = synthetic_bundle(1000);
        let bodies: HashSet<String> = bundle
            .rules
            .iter()
            .map(|r| {
                let mut body = r.clone();
                body.id.clear();
                serde_json::to_string(&body).unwrap()
            })
            .collect();
        assert_eq!(bodies.len(), bundle.rules.len());
        let kinds: HashSet<&str> = synthetic_bundle(10)
            .rules
            .iter()
            .map(|r| match r.matcher {
                Matcher::Phrases { .. } => "phrases",
                Matcher::Regex { .. } => "regex",
                Matcher::Near { .. } => "near",
                Matcher::Detector { .. } => "detector",
            })
            .collect();
        assert!(kinds.len() >= 2, "10 rules of one kind: {kinds:?}");
    }

    #[test]
    fn baseline_builds_and_scans() {
        // The default pack only: its rules are a superset of the other packs' sources, and the
        // baseline's huge alternations are slow to compile in a debug build.
        let bundle = packs::bundle(BASE_PACK).unwrap();
        let baseline = baseline::Baseline::new(&bundle).unwrap();
        assert_eq!(baseline.len(), bundle.rules.len());
        let found = baseline.scan("Mijn BSN is 111222333, mail me op jan@example.nl");
        assert!(!found.is_empty());
    }
}
