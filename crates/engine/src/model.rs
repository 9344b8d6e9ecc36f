//! The policy model: what a bundle says, as typed values.
//!
//! These types mirror the JSON format documented in `docs/policy-format.md`. They only describe;
//! checking that ids resolve and patterns compile is the job of `load` and `compile`.

use serde::{Deserialize, Serialize};

/// A language Postwacht speaks: the interface, policy texts and rule languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Dutch (Netherlands and Flanders).
    Nl,
    /// French.
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 3] = [Lang::Nl, Lang::Fr, Lang::En];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses an ISO 639-1 code (`nl`, `fr`, `en`).
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A text in several languages; the bundle's main language is required (checked on load).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// Dutch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
    /// French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Localized {
    /// True when no language has a text.
    pub fn is_empty(&self) -> bool {
        Lang::ALL.into_iter().all(|l| self.get(l).is_none())
    }

    /// The text in `lang`, if present and not blank.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        let text = match lang {
            Lang::Nl => &self.nl,
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        };
        text.as_deref().filter(|t| !t.trim().is_empty())
    }

    /// The text in `lang`, else in `fallback`, else in any language.
    pub fn get_or(&self, lang: Lang, fallback: Lang) -> &str {
        self.get(lang)
            .or_else(|| self.get(fallback))
            .or_else(|| Lang::ALL.into_iter().find_map(|l| self.get(l)))
            .unwrap_or("")
    }
}

/// What kind of risk a rule looks for. The ids are stable: settings, evaluations and the
/// extension key on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Category {
    /// Confidential, internal or publicity-sensitive information.
    Confidential,
    /// (Ongoing) individual cases: a client, applicant or their dossier.
    IndividualCase,
    /// Contradicting the employer's official information.
    ContradictOfficial,
    /// The organisation's money matters.
    OrganisationFinances,
    /// Statements or commitments in the employer's name without authority.
    SpeakingForOrganisation,
    /// IT details useful to attackers.
    ItSecurity,
    /// Building security details.
    PhysicalSecurity,
    /// Personal data of anyone.
    PersonalData,
    /// Offensive, threatening, discriminatory remarks.
    Offensive,
    /// Public frustration that damages the employer's image.
    EmployerCriticism,
    /// Business content that belongs on the official account and in the archive.
    OfficialChannel,
    /// Irony or sarcasm about work.
    Irony,
    /// Promises the writer cannot keep.
    EmptyPromise,
    /// Posts of oneself in uniform or with a service weapon.
    UniformWeapon,
}

impl Category {
    /// Every category, in the documented order.
    pub const ALL: [Category; 14] = [
        Category::Confidential,
        Category::IndividualCase,
        Category::ContradictOfficial,
        Category::OrganisationFinances,
        Category::SpeakingForOrganisation,
        Category::ItSecurity,
        Category::PhysicalSecurity,
        Category::PersonalData,
        Category::Offensive,
        Category::EmployerCriticism,
        Category::OfficialChannel,
        Category::Irony,
        Category::EmptyPromise,
        Category::UniformWeapon,
    ];

    /// The stable kebab-case id.
    pub fn id(self) -> &'static str {
        match self {
            Category::Confidential => "confidential",
            Category::IndividualCase => "individual-case",
            Category::ContradictOfficial => "contradict-official",
            Category::OrganisationFinances => "organisation-finances",
            Category::SpeakingForOrganisation => "speaking-for-organisation",
            Category::ItSecurity => "it-security",
            Category::PhysicalSecurity => "physical-security",
            Category::PersonalData => "personal-data",
            Category::Offensive => "offensive",
            Category::EmployerCriticism => "employer-criticism",
            Category::OfficialChannel => "official-channel",
            Category::Irony => "irony",
            Category::EmptyPromise => "empty-promise",
            Category::UniformWeapon => "uniform-weapon",
        }
    }

    /// Parses a category id.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// How strongly a finding asks for a second look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Highlighted, never gates a post.
    Info,
    /// Asks for a second look before posting.
    Warn,
    /// The strongest level: posting needs an explicit override, if policy allows one.
    Block,
}

impl Severity {
    /// The id used in bundles and output.
    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Block => "block",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A source code of conduct.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Stable id, referenced by clauses.
    pub id: String,
    /// The document's own title.
    pub title: String,
    /// Who published it.
    pub organisation: String,
    /// The language the document is written in.
    pub language: Lang,
    /// Where to read the original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One citable part of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// Stable id, referenced by rules.
    pub id: String,
    /// The document's id.
    pub document: String,
    /// How the document numbers it: "regel 4", "art. 5 lid 4", "bijlage f".
    pub reference: String,
    /// A short title.
    pub title: Localized,
    /// The verbatim text, in the document's language.
    pub text: String,
    /// Why this matters.
    pub explanation: Localized,
    /// What to do instead.
    pub advice: Localized,
}

/// A built-in validated detector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DetectorKind {
    /// An e-mail address.
    Email,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// An IBAN that passes mod-97.
    Iban,
    /// A Dutch burgerservicenummer that passes the 11-proef.
    NlBsn,
    /// A Belgian rijksregisternummer that passes its mod-97 check.
    BeRrn,
    /// A Dutch phone number.
    PhoneNl,
    /// A Belgian phone number.
    PhoneBe,
    /// A Dutch street address or postcode with house number.
    NlPostcodeAddress,
    /// A named software product with its version.
    SoftwareVersion,
    /// A payment card number that passes Luhn.
    PaymentCard,
}

impl DetectorKind {
    /// Every detector.
    pub const ALL: [DetectorKind; 11] = [
        DetectorKind::Email,
        DetectorKind::Ipv4,
        DetectorKind::Ipv6,
        DetectorKind::Iban,
        DetectorKind::NlBsn,
        DetectorKind::BeRrn,
        DetectorKind::PhoneNl,
        DetectorKind::PhoneBe,
        DetectorKind::NlPostcodeAddress,
        DetectorKind::SoftwareVersion,
        DetectorKind::PaymentCard,
    ];
}

/// What a rule looks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Matcher {
    /// Words and phrases; `*` at either end allows a prefix or suffix.
    Phrases {
        /// The phrases.
        phrases: Vec<String>,
    },
    /// A Rust `regex` pattern on the original text.
    Regex {
        /// The pattern.
        pattern: String,
        /// Match regardless of case (default true).
        #[serde(default = "default_true")]
        case_insensitive: bool,
    },
    /// Several groups within a number of words of each other.
    Near {
        /// Each group is a phrase list or a pattern; all groups must occur.
        groups: Vec<NearGroup>,
        /// At most this many other words between consecutive groups.
        within: u32,
    },
    /// A built-in validated detector.
    Detector {
        /// Which one.
        detector: DetectorKind,
    },
}

/// One group of a `near` matcher: a phrase list (`["deur", "nooduitgang"]`) or, for what a
/// list cannot say (a number, a word of any spelling), a pattern (`{"pattern": "v-?nummer"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NearGroup {
    /// Phrases, as in the phrase matcher.
    Phrases(Vec<String>),
    /// A case-insensitive regex, with the limits of the regex matcher.
    Pattern {
        /// The pattern.
        pattern: String,
    },
}

fn default_true() -> bool {
    true
}

/// Context around a match: as an `unless` exception it suppresses the match; as a `signal` it
/// raises the finding's confidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unless {
    /// Phrases (same syntax as the phrase matcher).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<String>,
    /// A regex (same limits as the regex matcher, case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Matched texts, compared with letters and digits only, lower-cased.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Only phrases/pattern within this many words of the match count; absent: anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<u32>,
}

/// Texts that must and must not produce a rule: the rule's own tests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Each must produce a finding of this rule.
    #[serde(default)]
    pub flag: Vec<String>,
    /// None may produce a finding of this rule.
    #[serde(default)]
    pub pass: Vec<String>,
}

/// One rule of a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: String,
    /// What risk it covers.
    pub category: Category,
    /// How strongly it asks for a second look.
    pub severity: Severity,
    /// Clause ids this rule enforces.
    pub clauses: Vec<String>,
    /// Text languages the rule is written for; empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Lang>,
    /// What it looks for.
    #[serde(rename = "match")]
    pub matcher: Matcher,
    /// When a match is not reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless: Vec<Unless>,
    /// Context that makes a match more likely to be a real problem; each one found raises the
    /// finding's confidence by one. Same shape as `unless`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<Unless>,
    /// The one-line message shown with a finding.
    pub message: Localized,
    /// The rule's tests.
    #[serde(default)]
    pub examples: Examples,
}

/// A whole policy: the documents it cites, their clauses, and the rules that enforce them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Stable bundle id.
    pub id: String,
    /// Increases with every release.
    pub version: u64,
    /// Release date, `YYYY-MM-DD`.
    pub issued: String,
    /// Expiry date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Shown to the user.
    pub organisation: String,
    /// The first is the main language.
    pub languages: Vec<Lang>,
    /// Source documents.
    pub documents: Vec<Document>,
    /// Citable clauses.
    pub clauses: Vec<Clause>,
    /// The rules.
    pub rules: Vec<Rule>,
    /// Named phrase lists, used in any phrase list as `list:name`: a vocabulary ("organisation
    /// words", "sarcasm markers") written once and shared by many rules.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub lists: std::collections::BTreeMap<String, Vec<String>>,
    /// How the extension's pre-submit gate treats findings.
    #[serde(default)]
    pub gate: Gate,
    /// Where records of work-related posts go, whom to ask, which accounts speak for the
    /// organisation (checked on load: addresses, `https:` links, the clause it names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication: Option<Communication>,
}

/// How an organisation wants work-related posts handled: a record mailed to its archive or
/// communication team ("Leg vast"), questions to its communication team, news through its
/// official accounts. Every part is optional; the extension offers what is configured.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    /// The mail address a record of a work-related post goes to (the archive or Communicatie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_address: Option<String>,
    /// The clause that asks for the record, quoted in it; absent: the finding's own first clause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_clause: Option<String>,
    /// Whom to ask for the address while none is configured.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub records_advice: Localized,
    /// The communication team: who answers questions about posting for work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Contact>,
    /// The organisation's official accounts, per site.
    #[serde(default, skip_serializing_if = "Accounts::is_empty")]
    pub accounts: Accounts,
}

impl Communication {
    /// The longest address, name or link accepted, in characters: generous for any real one,
    /// small enough for a `mailto:` URL and a card.
    pub const MAX_TEXT_CHARS: usize = 300;
}

/// A team to ask: its name and at least one way to reach it, or just its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// How users know it: "Afdeling Communicatie".
    pub name: String,
    /// Its mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Its intranet or web page (`https:` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The official accounts on the sites Postwacht watches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// On X (x.com, twitter.com).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<Account>,
    /// On LinkedIn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkedin: Option<Account>,
    /// On Facebook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facebook: Option<Account>,
}

impl Accounts {
    /// True when no site has an account.
    pub fn is_empty(&self) -> bool {
        self.x.is_none() && self.linkedin.is_none() && self.facebook.is_none()
    }

    /// Each configured account with its site key (`x`, `linkedin`, `facebook`).
    pub fn each(&self) -> impl Iterator<Item = (&'static str, &Account)> {
        [
            ("x", &self.x),
            ("linkedin", &self.linkedin),
            ("facebook", &self.facebook),
        ]
        .into_iter()
        .filter_map(|(site, account)| account.as_ref().map(|a| (site, a)))
    }
}

/// One official account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Its page (`https:` on the site's own host).
    pub url: String,
    /// How it is shown: "@gemeenteassen", "Gemeente Assen".
    pub name: String,
}

/// The pre-submit gate's settings: what a user may do when a post has findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Gate {
    /// Whether a post with a `block` finding may be posted anyway, after the user types a reason
    /// (kept locally with the time and rule ids, never the post text).
    pub block_override: bool,
    /// The shortest reason accepted for such an override, in characters.
    pub reason_min_chars: u64,
    /// Seconds before "post anyway" unlocks when a reply has an `offensive` or
    /// `employer-criticism` finding (Assen: avoid the temptation to react impulsively); 0 is off.
    pub cooldown_seconds: u64,
    /// Categories a user may switch off in the extension's options (the others always report).
    pub adjustable: Vec<Category>,
}

impl Gate {
    /// The longest cool-down a policy may ask for: long enough to calm down, short enough that
    /// nobody learns to work around the extension.
    pub const MAX_COOLDOWN_SECONDS: u64 = 120;
    /// The longest reason a policy may require.
    pub const MAX_REASON_CHARS: u64 = 200;
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            block_override: false,
            reason_min_chars: 10,
            cooldown_seconds: 0,
            adjustable: Vec::new(),
        }
    }
}

impl Bundle {
    /// The main language: every localized text has it.
    pub fn main_language(&self) -> Lang {
        self.languages.first().copied().unwrap_or(Lang::Nl)
    }

    /// The clause with this id.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }
}
