//! Rule examples are tests: every `flag` text must produce its rule, no `pass` text may.

use crate::engine::Engine;

/// Which list an example came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleKind {
    /// Must produce the rule.
    Flag,
    /// Must not produce the rule.
    Pass,
}

/// An example that did not behave as its list says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule whose example failed.
    pub rule: String,
    /// Which list.
    pub kind: ExampleKind,
    /// The example text.
    pub text: String,
    /// For a failed `pass` example: what the rule matched.
    pub matched: Vec<String>,
    /// For a scan error: the error.
    pub error: Option<String>,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(error) = &self.error {
            return write!(
                f,
                "rule `{}`: example {:?} could not be scanned: {error}",
                self.rule, self.text
            );
        }
        match self.kind {
            ExampleKind::Flag => write!(
                f,
                "rule `{}`: flag example not flagged: {:?}",
                self.rule, self.text
            ),
            ExampleKind::Pass => write!(
                f,
                "rule `{}`: pass example flagged ({}): {:?}",
                self.rule,
                self.matched
                    .iter()
                    .map(|m| format!("{m:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.text
            ),
        }
    }
}

impl Engine {
    /// Runs every rule's examples; returns the failures (empty when all pass) and the number of
    /// examples run.
    pub fn check_examples(&self) -> (Vec<ExampleFailure>, usize) {
        let mut failures = Vec::new();
        let mut run = 0;
        for rule in &self.bundle().rules {
            let lists = [
                (ExampleKind::Flag, &rule.examples.flag),
                (ExampleKind::Pass, &rule.examples.pass),
            ];
            for (kind, texts) in lists {
                for text in texts {
                    run += 1;
                    let failure = |matched, error| ExampleFailure {
                        rule: rule.id.clone(),
                        kind,
                        text: text.clone(),
                        matched,
                        error,
                    };
                    match self.scan_each_rule(text) {
                        Err(e) => failures.push(failure(Vec::new(), Some(e.to_string()))),
                        Ok(findings) => {
                            let matched: Vec<String> = findings
                                .into_iter()
                                .filter(|f| f.rule == rule.id)
                                .map(|f| f.text)
                                .collect();
                            match kind {
                                ExampleKind::Flag if matched.is_empty() => {
                                    failures.push(failure(matched, None))
                                }
                                ExampleKind::Pass if !matched.is_empty() => {
                                    failures.push(failure(matched, None))
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        (failures, run)
    }
}
