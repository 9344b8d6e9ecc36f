//! The gate's literals, worked out ahead of time.
//!
//! Before a pack's first scan, every one of its patterns was parsed and searched for the
//! literals the gate ([`crate::gate`]) needs: two fifths of the extension's start, repeated
//! each time the browser restarts its service worker, for results that only change when the
//! patterns do. A `GateTable` holds those results, keyed by the pattern as written: the
//! extension's build makes one for the built-in packs with this same engine
//! ([`crate::packs::Sources::gate_table`]), and an engine started with it parses each pattern
//! only when a search first needs it.
//!
//! A table is trusted as the packs beside it are: it comes from the same package. It is only
//! consulted for bundles known to compile ([`crate::EngineBuilder::defer_regexes`]); a pattern
//! it does not hold is parsed as before, so a table from other packs costs time, not results.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::pattern::{Pattern, Required};

/// What [`GateTable::to_json`] writes; a table in another format is refused, not misread.
const FORMAT: u32 = 1;

/// Each pattern's gate literals, as compiling a bundle finds them: what every match of the
/// pattern starts with or holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GateTable {
    /// By case sensitivity (`[false]`, `[true]` for case-insensitive), then pattern.
    by_case: [HashMap<String, Known>; 2],
}

/// What is known of one pattern: where its literals sit in a match, and the literals; `None`
/// when the gate cannot serve it.
pub(crate) type Known = Option<(Required, Vec<Vec<u8>>)>;

/// Why a gate table was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GateTableError {
    /// Not JSON, or not the shape [`GateTable::to_json`] writes.
    #[error("gate table: {0}")]
    Syntax(String),
    /// Written for another version of this format.
    #[error("gate table: format {given}, this engine reads format {FORMAT}")]
    Format {
        /// The format the table says it is in.
        given: u32,
    },
    /// A literal with a character beyond U+00FF, which no byte is written as.
    #[error("gate table, pattern `{pattern}`: a literal is not one character per byte")]
    Literal {
        /// The pattern whose literal it is.
        pattern: String,
    },
    /// An empty list, or an empty literal: the gate would never open, or its automaton would
    /// refuse to build.
    #[error("gate table, pattern `{pattern}`: an empty literal list or literal")]
    Empty {
        /// The pattern whose list it is.
        pattern: String,
    },
}

/// The JSON form. A literal is a byte string (a literal may stop inside a character), written
/// one character per byte, U+0000 to U+00FF, so that JSON carries it unchanged.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    format: u32,
    patterns: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    pattern: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    ignore_case: bool,
    /// Every match starts with one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<Vec<String>>,
    /// Every match holds one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    inside: Option<Vec<String>>,
}

impl GateTable {
    /// Adds `pattern`, parsing it if it was not yet.
    pub(crate) fn add(&mut self, pattern: &Pattern) {
        let (source, ignore_case) = pattern.source();
        self.by_case[usize::from(ignore_case)]
            .entry(source.to_string())
            .or_insert_with(|| pattern.required_literals());
    }

    /// What the table knows of a pattern, if it holds it: `Some(None)` for a pattern it knows
    /// the gate cannot serve.
    pub(crate) fn get(&self, pattern: &str, ignore_case: bool) -> Option<&Known> {
        self.by_case[usize::from(ignore_case)].get(pattern)
    }

    /// How many patterns it holds.
    pub fn len(&self) -> usize {
        self.by_case.iter().map(HashMap::len).sum()
    }

    /// Whether it holds no pattern.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds every pattern of `other` this table does not hold.
    pub fn extend(&mut self, other: GateTable) {
        for (mine, theirs) in self.by_case.iter_mut().zip(other.by_case) {
            for (pattern, known) in theirs {
                mine.entry(pattern).or_insert(known);
            }
        }
    }

    /// The table as JSON, patterns in order, so that a build writes the same bytes each time.
    pub fn to_json(&self) -> String {
        let text = |literals: &[Vec<u8>]| -> Vec<String> {
            literals
                .iter()
                .map(|l| l.iter().map(|&b| char::from(b)).collect())
                .collect()
        };
        let mut patterns: Vec<Entry> = self
            .by_case
            .iter()
            .zip([false, true])
            .flat_map(|(map, ignore_case)| {
                map.iter().map(move |(pattern, known)| {
                    let (start, inside) = match known {
                        Some((Required::Start, l)) => (Some(text(l)), None),
                        Some((Required::Inside, l)) => (None, Some(text(l))),
                        None => (None, None),
                    };
                    Entry {
                        pattern: pattern.clone(),
                        ignore_case,
                        start,
                        inside,
                    }
                })
            })
            .collect();
        patterns
            .sort_unstable_by(|a, b| (a.ignore_case, &a.pattern).cmp(&(b.ignore_case, &b.pattern)));
        serde_json::to_string(&Written {
            format: FORMAT,
            patterns,
        })
        .expect("strings and numbers serialise")
    }

    /// Reads what [`GateTable::to_json`] wrote.
    pub fn from_json(json: &str) -> Result<GateTable, GateTableError> {
        let written: Written =
            serde_json::from_str(json).map_err(|e| GateTableError::Syntax(e.to_string()))?;
        if written.format != FORMAT {
            return Err(GateTableError::Format {
                given: written.format,
            });
        }
        let mut table = GateTable::default();
        for entry in written.patterns {
            let bytes = |literals: Vec<String>| -> Result<Vec<Vec<u8>>, GateTableError> {
                if literals.is_empty() || literals.iter().any(String::is_empty) {
                    return Err(GateTableError::Empty {
                        pattern: entry.pattern.clone(),
                    });
                }
                literals
                    .iter()
                    .map(|l| {
                        l.chars()
                            .map(|c| u8::try_from(c).ok())
                            .collect::<Option<Vec<u8>>>()
                            .ok_or_else(|| GateTableError::Literal {
                                pattern: entry.pattern.clone(),
                            })
                    })
                    .collect()
            };
            let known = match (entry.start, entry.inside) {
                (Some(l), None) => Some((Required::Start, bytes(l)?)),
                (None, Some(l)) => Some((Required::Inside, bytes(l)?)),
                (None, None) => None,
                (Some(_), Some(_)) => {
                    return Err(GateTableError::Syntax(format!(
                        "pattern `{}` has both `start` and `inside`",
                        entry.pattern
                    )))
                }
            };
            table.by_case[usize::from(entry.ignore_case)].insert(entry.pattern, known);
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packs::Sources;

    #[test]
    fn a_table_survives_json_byte_for_byte() {
        let table = Sources::embedded().gate_table().unwrap();
        assert!(table.len() > 50, "{} patterns", table.len());
        let json = table.to_json();
        let read = GateTable::from_json(&json).unwrap();
        assert_eq!(read, table);
        assert_eq!(read.to_json(), json);
        // A literal that stops inside a character is a byte string, not text.
        let mut cut = GateTable::default();
        cut.by_case[1].insert(
            "é".into(),
            Some((Required::Start, vec![vec![0xc3], b"abc".to_vec()])),
        );
        assert_eq!(GateTable::from_json(&cut.to_json()).unwrap(), cut);
    }

    #[test]
    fn empty_lists_and_literals_are_refused() {
        for list in [r#"[]"#, r#"["abc", ""]"#] {
            let json =
                format!(r#"{{"format":{FORMAT},"patterns":[{{"pattern":"x","start":{list}}}]}}"#);
            assert_eq!(
                GateTable::from_json(&json).unwrap_err().to_string(),
                "gate table, pattern `x`: an empty literal list or literal",
                "{list}"
            );
        }
    }

    #[test]
    fn a_pack_started_from_its_table_parses_no_pattern() {
        let sources = Sources::embedded();
        let table = sources.gate_table().unwrap();
        let engine = sources.with_gate_table(table).engine("overheid").unwrap();
        let patterns: Vec<_> = engine.compiled().patterns().collect();
        assert!(patterns.len() > 50, "{} patterns", patterns.len());
        assert!(patterns.iter().all(|p| !p.is_parsed()));
        // A scan parses what it runs, and only that.
        engine
            .scan("Het dossier van mevrouw Jansen is vertrouwelijk.")
            .unwrap();
        let parsed = patterns.iter().filter(|p| p.is_parsed()).count();
        assert!(0 < parsed && parsed < patterns.len(), "{parsed} parsed");
    }

    #[test]
    fn a_pattern_the_table_wrongly_vouches_for_matches_nothing() {
        let mut table = GateTable::default();
        table.by_case[1].insert("(unclosed".into(), None);
        let bundle = crate::packs::bundle("overheid").unwrap();
        let mut rule = bundle.rules[0].clone();
        rule.id = "broken".into();
        rule.matcher = crate::model::Matcher::Regex {
            pattern: "(unclosed".into(),
            case_insensitive: true,
        };
        let mut broken = bundle.clone();
        broken.rules = vec![rule];
        let engine = crate::Engine::builder()
            .defer_regexes(true)
            .gate_table(std::sync::Arc::new(table))
            .try_build(broken)
            .unwrap();
        assert_eq!(engine.scan("(unclosed").unwrap(), []);
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let refused = |json: &str| GateTable::from_json(json).unwrap_err().to_string();
        assert!(refused("[").starts_with("gate table: "));
        assert_eq!(
            refused(r#"{"format": 2, "patterns": []}"#),
            "gate table: format 2, this engine reads format 1"
        );
        assert_eq!(
            refused(r#"{"format": 1, "patterns": [{"pattern": "x", "start": ["€uro"]}]}"#),
            "gate table, pattern `x`: a literal is not one character per byte"
        );
        assert!(refused(
            r#"{"format": 1, "patterns": [{"pattern": "x", "start": ["abc"], "inside": ["abc"]}]}"#
        )
        .contains("both `start` and `inside`"));
    }
}
