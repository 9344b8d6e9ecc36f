//! # postwacht-engine
//!
//! The rule engine of Postwacht: it scans a draft social-media post and reports the phrases
//! that may break the writer's code of conduct, each finding tied to the clauses it breaks.
//! Pure Rust, no I/O, no global state: the CLI and the WebAssembly build share it.
//!
//! ## Example
//!
//! ```
//! use postwacht_engine::{packs, Engine};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = packs::engine(packs::DEFAULT_PACK)?;
//! let findings = engine.scan("Mijn BSN is 1234.56.782, bel me op 06-12345678")?;
//! assert!(findings.iter().any(|f| f.category == postwacht_engine::Category::PersonalData));
//! # Ok(())
//! # }
//! ```
//!
//! ## Untrusted input
//!
//! Bundles come from administrators and texts from users; neither may stall or crash the
//! browser. Regexes use the linear-time `regex` crate with capped pattern length, nesting and
//! compiled size; phrase lists compile into one Aho-Corasick automaton; bundle size, rule count,
//! phrase count and text length are capped ([`Limits`]). Every problem is a [`PolicyError`] or
//! [`ScanError`] naming the rule and field, never a panic. A caller keeps its previous engine
//! when building a new one fails.
//!
//! ## Signed bundles
//!
//! An organisation distributes its policy as a signed envelope (DSSE, Ed25519): [`sign`] makes
//! one, [`accept`] checks one against a [`Trust`] (keys, bundle id, version ratchet) and returns
//! the compiled engine or a [`Rejection`] naming the check that failed. See [`signed`].
//!
//! ## Offsets
//!
//! [`Finding::start`] and [`Finding::end`] count UTF-16 code units, as browser strings do;
//! [`Finding::byte_start`] and [`Finding::byte_end`] count UTF-8 bytes of the scanned `&str`.
//! Both always fall on character boundaries of the original text.

#![deny(missing_docs)]

mod anchored;
pub mod communication;
mod compile;
mod detect;
mod engine;
mod error;
mod examples;
mod gate;
mod gate_table;
mod limits;
mod load;
mod model;
mod nfa_size;
pub mod packs;
mod pattern;
pub mod photo;
mod phrase;
mod screen;
pub mod signed;
mod text;

pub use engine::{Engine, EngineBuilder, Finding, ScanOptions};
pub use error::{Location, PolicyError, Problem, ProblemKind, ScanError};
pub use examples::{ExampleFailure, ExampleKind};
pub use gate_table::{GateTable, GateTableError};
pub use limits::Limits;
pub use model::{
    Account, Accounts, Bundle, Category, Clause, Communication, Contact, DetectorKind, Document,
    Examples, Gate, Lang, Localized, Matcher, NearGroup, Rule, Severity, Unless,
};
pub use signed::{accept, reload, sign, Accepted, RatchetEntry, Rejection, Trust};
pub use text::LineIndex;
