//! Errors a policy author can act on: each names where (rule, clause, document or the bundle),
//! which field, and what is wrong.

use crate::model::Lang;

/// Where in a bundle a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The bundle's own fields.
    Bundle,
    /// A document, by id (or `#index` when it has none).
    Document(String),
    /// A clause, by id (or `#index`).
    Clause(String),
    /// A rule, by id (or `#index`).
    Rule(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Bundle => f.write_str("bundle"),
            Location::Document(id) => write!(f, "document `{id}`"),
            Location::Clause(id) => write!(f, "clause `{id}`"),
            Location::Rule(id) => write!(f, "rule `{id}`"),
        }
    }
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The value does not have the documented shape (wrong type, unknown field, unknown name).
    #[error("{0}")]
    Schema(String),
    /// Two items share an id.
    #[error("duplicate id `{0}`")]
    DuplicateId(String),
    /// An id that is not lowercase kebab-case.
    #[error("`{0}` is not a valid id: use lowercase letters, digits and dashes")]
    InvalidId(String),
    /// A reference to a clause the bundle does not have.
    #[error("unknown clause `{0}`")]
    UnknownClause(String),
    /// A reference to a document the bundle does not have.
    #[error("unknown document `{0}`")]
    UnknownDocument(String),
    /// A phrase `list:name` names no list in the bundle's `lists`.
    #[error("unknown list `list:{0}`")]
    UnknownList(String),
    /// A localized text lacks the bundle's main language.
    #[error("no text in the bundle's main language `{0}`")]
    MissingMainLanguage(Lang),
    /// A language the bundle does not list.
    #[error("language `{0}` is not one of the bundle's languages")]
    UnlistedLanguage(Lang),
    /// A required list or text is empty.
    #[error("must not be empty")]
    Empty,
    /// A date that is not `YYYY-MM-DD`.
    #[error("`{0}` is not a date of the form YYYY-MM-DD")]
    InvalidDate(String),
    /// `expires` is not after `issued`.
    #[error("expires on {expires}, not after it was issued on {issued}")]
    ExpiresBeforeIssued {
        /// The issue date.
        issued: String,
        /// The expiry date.
        expires: String,
    },
    /// A number outside its allowed range.
    #[error("{given} is out of range: allowed is {min} to {max}")]
    OutOfRange {
        /// What was given.
        given: u64,
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// A phrase that cannot match anything sensible.
    #[error("phrase `{phrase}` {reason}")]
    InvalidPhrase {
        /// The phrase as written.
        phrase: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A regex that does not parse.
    #[error("invalid regex: {0}")]
    InvalidRegex(String),
    /// A regex longer than the limit.
    #[error("pattern is {given} characters long; the limit is {limit}")]
    PatternTooLong {
        /// Its length in characters.
        given: usize,
        /// The limit.
        limit: usize,
    },
    /// A regex whose compiled program would exceed the size limit.
    #[error(
        "compiled pattern exceeds the size limit of {limit} bytes: simplify it or split the rule"
    )]
    RegexTooBig {
        /// The limit in bytes.
        limit: usize,
    },
    /// More items than the limit allows.
    #[error("{given} {what}; the limit is {limit}")]
    TooMany {
        /// What is counted.
        what: &'static str,
        /// How many were given.
        given: usize,
        /// The limit.
        limit: usize,
    },
    /// An exception that says nothing.
    #[error("needs `phrases`, `pattern` or `values`")]
    EmptyException,
    /// A mail address that could break out of a `mailto:` URL or is no address at all.
    #[error(
        "`{0}` is not a mail address Postwacht accepts: name@domain.tld, the name of letters, digits and . _ + - only"
    )]
    InvalidMailAddress(String),
    /// A link that is not a plain `https:` address (or not on the site it is for).
    #[error("`{url}` {reason}")]
    InvalidLink {
        /// The link as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A text longer than its limit.
    #[error("is {given} characters long; the limit is {limit}")]
    TooLong {
        /// Its length in characters.
        given: usize,
        /// The limit.
        limit: usize,
    },
    /// A name or text with a line break, tab or other control character.
    #[error("contains a line break or another control character")]
    ControlCharacter,
}

/// One problem in a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub location: Location,
    /// The field path inside that item, e.g. `match.pattern` or `message.nl`.
    pub field: String,
    /// What.
    pub kind: ProblemKind,
}

impl Problem {
    pub(crate) fn new(location: Location, field: impl Into<String>, kind: ProblemKind) -> Self {
        Problem {
            location,
            field: field.into(),
            kind,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.location, self.kind)
        } else {
            write!(
                f,
                "{}: field `{}`: {}",
                self.location, self.field, self.kind
            )
        }
    }
}

/// Why a bundle could not become an engine. The engine that was running keeps running: a
/// caller swaps engines only on success.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The bytes are not UTF-8.
    #[error("bundle is not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// The text is not JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The bundle is larger than the limit.
    #[error("bundle is {given} bytes; the limit is {limit}")]
    TooLarge {
        /// Its size.
        given: usize,
        /// The limit.
        limit: usize,
    },
    /// The JSON is a bundle with problems; all of them are listed.
    #[error("{} problem{} in the bundle; first: {}", .0.len(), if .0.len() == 1 { "" } else { "s" }, .0[0])]
    Invalid(Vec<Problem>),
}

impl PolicyError {
    /// Every problem, for `Invalid`; empty otherwise.
    pub fn problems(&self) -> &[Problem] {
        match self {
            PolicyError::Invalid(problems) => problems,
            _ => &[],
        }
    }
}

/// Why a text could not be scanned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The text is longer than the engine's limit.
    #[error("text is {given} bytes; the limit is {limit}")]
    TextTooLong {
        /// Its length in UTF-8 bytes.
        given: usize,
        /// The limit.
        limit: usize,
    },
}
