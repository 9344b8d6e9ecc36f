//! `postwacht eval`: detection quality on a labelled corpus.
//!
//! Each corpus line is `{"id", "text", "expect": [categories], "allow": [categories]}`:
//! `expect` must be flagged, `allow` may be. Per category a flag in `expect` is a true positive,
//! a miss of `expect` a false negative, a flag in neither list a false positive. A benign post
//! (empty `expect`) with any false positive is a false alarm.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::process::ExitCode;

use postwacht_engine::{Category, Engine};
use serde::Deserialize;

use crate::Failure;

#[derive(Deserialize)]
struct Post {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    expect: BTreeSet<Category>,
    #[serde(default)]
    allow: BTreeSet<Category>,
}

/// Counts for one category.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

/// 1 when there is nothing to count: no flags means no wrong flags.
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// The scores of a whole corpus.
#[derive(Debug, Default)]
pub struct Scores {
    pub per_category: BTreeMap<Category, Counts>,
    pub posts: usize,
    pub benign: usize,
    pub false_alarms: usize,
}

impl Scores {
    /// Adds one post: what it expects and allows, and what was flagged.
    pub fn add(
        &mut self,
        expect: &BTreeSet<Category>,
        allow: &BTreeSet<Category>,
        flagged: &BTreeSet<Category>,
    ) -> Verdict {
        let mut verdict = Verdict::default();
        for &category in expect.union(flagged) {
            let counts = Counts {
                tp: usize::from(expect.contains(&category) && flagged.contains(&category)),
                fn_: usize::from(expect.contains(&category) && !flagged.contains(&category)),
                fp: usize::from(
                    !expect.contains(&category)
                        && !allow.contains(&category)
                        && flagged.contains(&category),
                ),
            };
            if counts.fn_ > 0 {
                verdict.missed.push(category);
            }
            if counts.fp > 0 {
                verdict.wrong.push(category);
            }
            self.per_category.entry(category).or_default().add(counts);
        }
        self.posts += 1;
        if expect.is_empty() {
            self.benign += 1;
            if !verdict.wrong.is_empty() {
                self.false_alarms += 1;
            }
        }
        verdict
    }

    pub fn micro(&self) -> Counts {
        let mut all = Counts::default();
        for counts in self.per_category.values() {
            all.add(*counts);
        }
        all
    }

    pub fn false_alarm_rate(&self) -> f64 {
        if self.benign == 0 {
            0.0
        } else {
            self.false_alarms as f64 / self.benign as f64
        }
    }
}

/// What went wrong on one post.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub missed: Vec<Category>,
    pub wrong: Vec<Category>,
}

pub struct Options {
    /// Print each post with a miss or a wrong flag.
    pub show_errors: bool,
    /// Only count and show these categories (empty: all).
    pub only: BTreeSet<Category>,
}

pub fn run(
    engine: &Engine,
    input: impl BufRead,
    options: &Options,
    out: &mut impl Write,
) -> Result<ExitCode, Failure> {
    let mut scores = Scores::default();
    let keep = |set: BTreeSet<Category>| -> BTreeSet<Category> {
        if options.only.is_empty() {
            set
        } else {
            set.intersection(&options.only).copied().collect()
        }
    };
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| Failure::new("corpus", e))?;
        if line.trim().is_empty() {
            continue;
        }
        let post: Post = serde_json::from_str(&line)
            .map_err(|e| Failure::new(format!("corpus line {}", n + 1), e))?;
        let findings = engine
            .scan(&post.text)
            .map_err(|e| Failure::new(format!("corpus line {}", n + 1), e))?;
        let flagged = keep(findings.iter().map(|f| f.category).collect());
        let verdict = scores.add(&keep(post.expect), &post.allow, &flagged);
        if options.show_errors && (!verdict.missed.is_empty() || !verdict.wrong.is_empty()) {
            let rules: Vec<String> = findings
                .iter()
                .filter(|f| verdict.wrong.contains(&f.category))
                .map(|f| format!("{} «{}»", f.rule, f.text))
                .collect();
            writeln!(
                out,
                "{}: missed {:?} wrong {:?} {}\n    {}",
                post.id,
                verdict.missed,
                verdict.wrong,
                rules.join(", "),
                post.text.replace('\n', " ⏎ ")
            )?;
        }
    }

    writeln!(
        out,
        "{:<26} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "category", "tp", "fp", "fn", "precision", "recall"
    )?;
    for (category, c) in &scores.per_category {
        writeln!(
            out,
            "{:<26} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
            category.to_string(),
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        )?;
    }
    let micro = scores.micro();
    writeln!(
        out,
        "{} posts, {} benign, {} false alarms; micro precision {:.3}, recall {:.3}",
        scores.posts,
        scores.benign,
        scores.false_alarms,
        micro.precision(),
        micro.recall()
    )?;
    writeln!(
        out,
        "micro_f1={:.3} false_alarm_rate={:.3}",
        micro.f1(),
        scores.false_alarm_rate()
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(c: &[Category]) -> BTreeSet<Category> {
        c.iter().copied().collect()
    }

    #[test]
    fn flags_count_against_expect_and_allow() {
        use Category::*;
        let mut s = Scores::default();
        // Hit, plus an allowed extra flag: no penalty for the extra.
        assert_eq!(
            s.add(
                &set(&[PersonalData]),
                &set(&[Irony]),
                &set(&[PersonalData, Irony])
            ),
            Verdict::default()
        );
        // Miss one, flag a wrong one.
        let v = s.add(&set(&[Confidential]), &set(&[]), &set(&[Offensive]));
        assert_eq!(
            v,
            Verdict {
                missed: vec![Confidential],
                wrong: vec![Offensive]
            }
        );
        // Benign with a wrong flag: a false alarm. Benign and quiet: none.
        s.add(&set(&[]), &set(&[]), &set(&[ItSecurity]));
        s.add(&set(&[]), &set(&[]), &set(&[]));
        assert_eq!(s.posts, 4);
        assert_eq!(s.benign, 2);
        assert_eq!(s.false_alarms, 1);
        assert_eq!(
            s.micro(),
            Counts {
                tp: 1,
                fp: 2,
                fn_: 1
            }
        );
        assert!((s.micro().f1() - 2.0 / 5.0).abs() < 1e-9);
        assert!((s.false_alarm_rate() - 0.5).abs() < 1e-9);
        assert_eq!(s.per_category[&Irony], Counts::default());
    }
}
