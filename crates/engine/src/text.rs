//! Text as the matchers see it, and the offset arithmetic between what they see and what the
//! caller gave.
//!
//! Phrase matching runs on a *folded* copy of the text (lower case, diacritics removed, runs of
//! white space collapsed to one space, typographic apostrophes and dashes made plain) and every
//! folded byte remembers the original byte it came from. Regexes and detectors run on the
//! original text. All spans leaving this module are original UTF-8 byte ranges; `Utf16Map` turns
//! them into the UTF-16 code units a browser counts.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// A folded copy of a text with a map back to the original.
pub(crate) struct Folded {
    pub(crate) text: String,
    /// For each byte of `text`, the original byte offset of the character it came from.
    origin: Vec<u32>,
    original_len: usize,
}

impl Folded {
    pub(crate) fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut last_was_space = false;
        let mut at = 0;
        while let Some(&b) = original.as_bytes().get(at) {
            // Most of a post is ASCII: one byte in, at most one byte out, nothing to decompose.
            if b.is_ascii() {
                // `char::is_whitespace` on ASCII: `u8::is_ascii_whitespace` leaves out \x0B.
                if matches!(b, b'\t'..=b'\r' | b' ') {
                    if !last_was_space {
                        text.push(' ');
                        origin.push(at as u32);
                        last_was_space = true;
                    }
                } else {
                    last_was_space = false;
                    text.push(char::from(if b == b'`' {
                        b'\''
                    } else {
                        b.to_ascii_lowercase()
                    }));
                    origin.push(at as u32);
                }
                at += 1;
                continue;
            }
            let Some(c) = original[at..].chars().next() else {
                break;
            };
            let start = at as u32;
            at += c.len_utf8();
            let push = |f: char, text: &mut String, origin: &mut Vec<u32>| {
                let before = text.len();
                text.push(f);
                // Offsets fit in u32: the engine refuses texts over its length limit (< 4 GiB).
                origin.extend(std::iter::repeat_n(start, text.len() - before));
            };
            if c.is_whitespace() {
                if !last_was_space {
                    push(' ', &mut text, &mut origin);
                    last_was_space = true;
                }
                continue;
            }
            last_was_space = false;
            match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' | '\u{00B4}' => {
                    push('\'', &mut text, &mut origin)
                }
                '\u{2010}'..='\u{2015}' | '\u{2212}' => push('-', &mut text, &mut origin),
                _ => {
                    for lower in c.to_lowercase() {
                        decompose_canonical(lower, |d| {
                            if !is_combining_mark(d) {
                                push(d, &mut text, &mut origin);
                            }
                        });
                    }
                }
            }
        }
        Folded {
            text,
            origin,
            original_len: original.len(),
        }
    }

    /// The original byte offset where folded byte `at` starts.
    pub(crate) fn start_of(&self, at: usize) -> usize {
        self.origin
            .get(at)
            .map_or(self.original_len, |&o| o as usize)
    }

    /// The original byte offset where a folded span ending at `at` ends.
    pub(crate) fn end_of(&self, at: usize) -> usize {
        self.start_of(at)
    }
}

/// Folds a pattern (phrase, exception value) exactly as `Folded` folds text.
pub(crate) fn fold(s: &str) -> String {
    Folded::new(s).text
}

/// Letters, digits and combining marks make words; everything else separates them.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The words of the original text, as byte ranges, for "within N words" questions.
pub(crate) struct Words {
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Words {
    pub(crate) fn new(text: &str) -> Words {
        let mut starts = Vec::new();
        let mut ends = Vec::new();
        let mut in_word = false;
        for (at, c) in text.char_indices() {
            let word = is_word_char(c);
            if word && !in_word {
                starts.push(at);
            } else if !word && in_word {
                ends.push(at);
            }
            in_word = word;
        }
        if in_word {
            ends.push(text.len());
        }
        Words { starts, ends }
    }

    /// Index of the first word that ends after `start` (the word a span starts in or before).
    pub(crate) fn first_word(&self, start: usize) -> usize {
        self.ends.partition_point(|&e| e <= start)
    }

    /// Index one past the last word that starts before `end`.
    pub(crate) fn past_last_word(&self, end: usize) -> usize {
        self.starts.partition_point(|&s| s < end)
    }

    /// The byte window `(lo, hi)` such that a span `(s, e)` overlaps `span` or lies at most
    /// `n` words from it (by [`Words::gap`]) exactly when `s < hi && e > lo`.
    pub(crate) fn window(&self, span: (usize, usize), n: usize) -> (usize, usize) {
        let first = self.first_word(span.0);
        let lo = if first > n {
            self.starts[first - n - 1]
        } else {
            0
        };
        let hi = self
            .ends
            .get(self.past_last_word(span.1) + n)
            .copied()
            .unwrap_or(usize::MAX);
        (lo, hi)
    }

    /// How many words lie strictly between two spans (0 when they touch or overlap).
    pub(crate) fn gap(&self, a: (usize, usize), b: (usize, usize)) -> usize {
        let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        self.first_word(second.0)
            .saturating_sub(self.past_last_word(first.1))
    }
}

/// Extends a span to the whole words at its edges: a compound matched by `*dossier` is
/// highlighted as `vreemdelingendossier`, not `dossier`.
pub(crate) fn widen_to_words(
    text: &str,
    start: usize,
    end: usize,
    left: bool,
    right: bool,
) -> (usize, usize) {
    let mut s = start;
    if left {
        for (at, c) in text[..start].char_indices().rev() {
            if !is_word_char(c) {
                break;
            }
            s = at;
        }
    }
    let mut e = end;
    if right {
        for (at, c) in text[end..].char_indices() {
            if !is_word_char(c) {
                break;
            }
            e = end + at + c.len_utf8();
        }
    }
    (s, e)
}

/// Converts UTF-8 byte offsets to UTF-16 code unit offsets in one forward pass over the text.
pub(crate) struct Utf16Map {
    /// Sorted, unique byte offsets and their UTF-16 equivalents.
    bytes: Vec<usize>,
    units: Vec<usize>,
}

impl Utf16Map {
    /// Builds the map for exactly the given offsets (which must lie on char boundaries).
    pub(crate) fn new(text: &str, mut offsets: Vec<usize>) -> Utf16Map {
        offsets.sort_unstable();
        offsets.dedup();
        let mut units = Vec::with_capacity(offsets.len());
        let mut next = offsets.iter().peekable();
        let mut count = 0usize;
        for (at, c) in text.char_indices() {
            while next.peek().is_some_and(|&&o| o <= at) {
                next.next();
                units.push(count);
            }
            if next.peek().is_none() {
                break;
            }
            count += c.len_utf16();
        }
        units.resize(offsets.len(), count);
        Utf16Map {
            bytes: offsets,
            units,
        }
    }

    pub(crate) fn get(&self, byte: usize) -> usize {
        match self.bytes.binary_search(&byte) {
            Ok(i) => self.units[i],
            // Only offsets given to `new` are asked for.
            Err(_) => 0,
        }
    }
}

/// Line and column lookup for human-readable positions (1-based; columns count characters).
pub struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes the line starts of `text` (`\n`, `\r\n` and lone `\r` end a line).
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line_starts.push(i + 1);
            }
        }
        LineIndex { text, line_starts }
    }

    /// The 1-based line and column of a byte offset.
    pub fn position(&self, byte: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= byte).max(1);
        let start = self.line_starts[line - 1];
        let column = self.text.get(start..byte).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_window_agrees_with_gap() {
        let text = "een twee, drie vier vijf zes. zeven acht negen tien elf";
        let words = Words::new(text);
        let spans: Vec<(usize, usize)> = (0..text.len())
            .flat_map(|s| (s + 1..=text.len()).map(move |e| (s, e)))
            .filter(|&(s, e)| text.is_char_boundary(s) && text.is_char_boundary(e))
            .collect();
        for n in 0..4 {
            for &span in spans.iter().step_by(7) {
                let (lo, hi) = words.window(span, n);
                for &other in spans.iter().step_by(5) {
                    let overlaps = other.0 < span.1 && span.0 < other.1;
                    let close = overlaps || words.gap(span, other) <= n;
                    assert_eq!(
                        other.0 < hi && other.1 > lo,
                        close,
                        "span {span:?} other {other:?} n {n}"
                    );
                }
            }
        }
    }

    #[test]
    fn folding_maps_back_to_original_characters() {
        let original = "Cliënt  Dossier\u{2019}s";
        let folded = Folded::new(original);
        assert_eq!(folded.text, "client dossier's");
        let at = folded.text.find("dossier").unwrap();
        assert_eq!(&original[folded.start_of(at)..], "Dossier\u{2019}s");
        let end = at + "dossier's".len();
        assert_eq!(folded.end_of(end), original.len());
    }

    #[test]
    fn ascii_folds_by_the_same_rules_as_other_characters() {
        // The ASCII fast path: `char::is_whitespace` counts \x0B, `u8::is_ascii_whitespace` not.
        for b in 0u8..0x80 {
            let c = char::from(b);
            let want = match c {
                _ if c.is_whitespace() => "x y".to_string(),
                '`' => "x'y".to_string(),
                _ => format!("x{}y", c.to_ascii_lowercase()),
            };
            let folded = Folded::new(&format!("X{c}Y"));
            assert_eq!(folded.text, want, "{b:#04x}");
            assert_eq!(folded.start_of(2), 2, "{b:#04x}");
        }
    }

    #[test]
    fn folding_handles_decomposed_input_and_crlf() {
        let original = "cafe\u{301}\r\nopen";
        let folded = Folded::new(original);
        assert_eq!(folded.text, "cafe open");
        assert_eq!(folded.start_of(5), original.find("open").unwrap());
    }

    #[test]
    fn word_gap_counts_words_between() {
        let text = "de deur bij de rookruimte staat open";
        let words = Words::new(text);
        let deur = (3, 7);
        let open = (text.len() - 4, text.len());
        assert_eq!(words.gap(deur, open), 4);
        assert_eq!(words.gap(open, deur), 4);
        assert_eq!(words.gap(deur, deur), 0);
    }

    #[test]
    fn utf16_counts_surrogate_pairs() {
        let text = "a👩‍💻b";
        let b = text.find('b').unwrap();
        let map = Utf16Map::new(text, vec![b, 0, text.len()]);
        assert_eq!(map.get(0), 0);
        assert_eq!(map.get(b), 1 + 2 + 1 + 2);
        assert_eq!(map.get(text.len()), 7);
    }

    #[test]
    fn widen_reaches_word_edges() {
        let text = "het vreemdelingendossiernummer is";
        let at = text.find("dossier").unwrap();
        let (s, e) = widen_to_words(text, at, at + 7, true, true);
        assert_eq!(&text[s..e], "vreemdelingendossiernummer");
    }

    #[test]
    fn line_index_positions() {
        let text = "één\r\ntwee\rdrie";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(text.find("twee").unwrap()), (2, 1));
        assert_eq!(index.position(text.find("rie").unwrap()), (3, 2));
    }
}
