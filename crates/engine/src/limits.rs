//! Bounds on what a bundle and a text may cost. Bundles come from administrators (and, if a
//! signing key leaks, from anyone): every cost a rule can cause is capped here, and going over a
//! cap is an error that names the cap, never a stall in the user's browser.

/// Limits applied when compiling a bundle and scanning a text. `Limits::default()` documents
/// the defaults; change them through [`crate::EngineBuilder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest bundle accepted, in bytes (default 8 MiB).
    pub max_bundle_bytes: usize,
    /// Most rules in a bundle (default 5,000).
    pub max_rules: usize,
    /// Most distinct phrases over all rules, exceptions and groups (default 200,000).
    pub max_phrases: usize,
    /// Longest regex pattern, in characters (default 2,000).
    pub max_pattern_len: usize,
    /// Compiled size limit of one regex, in bytes (default 1 MiB; the `regex` crate's
    /// `size_limit`).
    pub regex_size_limit: usize,
    /// Lazy DFA cache of one regex, in bytes (default 256 KiB; `dfa_size_limit`).
    pub regex_dfa_limit: usize,
    /// Deepest nesting of groups and repetitions in a regex (default 50; `nest_limit`).
    pub regex_nest_limit: u32,
    /// Most groups in a `near` matcher (default 8).
    pub max_near_groups: usize,
    /// Largest `within` distance, in words (default 50).
    pub max_within: u32,
    /// Longest text scanned, in UTF-8 bytes (default 4 MiB: far beyond any post).
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bundle_bytes: 8 << 20,
            max_rules: 5_000,
            max_phrases: 200_000,
            max_pattern_len: 2_000,
            regex_size_limit: 1 << 20,
            regex_dfa_limit: 256 << 10,
            regex_nest_limit: 50,
            max_near_groups: 8,
            max_within: 50,
            max_text_bytes: 4 << 20,
        }
    }
}
