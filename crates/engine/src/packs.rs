//! The policy packs built into every Postwacht build, selectable by name.
//!
//! A pack is assembled from shared sources in `crates/engine/packs/` so a rule is written once
//! and reused wherever the risk is the same: `documents.json` and `clauses/` hold the codes of
//! conduct verbatim; `rules/` holds the rules; `lists/` the named phrase lists they share; `category-clauses.json` says which clauses each
//! pack cites per category; `packs.json` holds each pack's metadata and severity overrides. A
//! rule that names its own `clauses` keeps them; one that lists `packs` is only in those packs.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::engine::Engine;
use crate::error::PolicyError;
use crate::gate_table::GateTable;
use crate::model::{Bundle, Clause, Document, Lang, Severity};

/// The sources, embedded at compile time: the engine works with no configuration or network.
/// The browser build leaves them out (the extension ships them beside the wasm, see
/// [`Sources::from_files`]): they are a third of the `.wasm` file otherwise.
#[cfg(feature = "embedded-packs")]
const PACKS_JSON: &str = include_str!("../packs/packs.json");
#[cfg(feature = "embedded-packs")]
const DOCUMENTS: &str = include_str!("../packs/documents.json");
#[cfg(feature = "embedded-packs")]
const CATEGORY_CLAUSES: &str = include_str!("../packs/category-clauses.json");
#[cfg(feature = "embedded-packs")]
const CLAUSES: &[(&str, &str)] = &[
    (
        "clauses/ind-gedragscode.json",
        include_str!("../packs/clauses/ind-gedragscode.json"),
    ),
    (
        "clauses/fod-financien-sociale-media.json",
        include_str!("../packs/clauses/fod-financien-sociale-media.json"),
    ),
    (
        "clauses/assen-reglement-2018.json",
        include_str!("../packs/clauses/assen-reglement-2018.json"),
    ),
    (
        "clauses/rijksoverheid-online-communicatie.json",
        include_str!("../packs/clauses/rijksoverheid-online-communicatie.json"),
    ),
    (
        "clauses/rijksoverheid-priveaccount.json",
        include_str!("../packs/clauses/rijksoverheid-priveaccount.json"),
    ),
];
#[cfg(feature = "embedded-packs")]
const LISTS: &[(&str, &str)] = &[
    (
        "lists/personal-data.json",
        include_str!("../packs/lists/personal-data.json"),
    ),
    (
        "lists/confidential.json",
        include_str!("../packs/lists/confidential.json"),
    ),
    (
        "lists/individual-case.json",
        include_str!("../packs/lists/individual-case.json"),
    ),
    (
        "lists/security.json",
        include_str!("../packs/lists/security.json"),
    ),
    (
        "lists/voice.json",
        include_str!("../packs/lists/voice.json"),
    ),
    (
        "lists/statements.json",
        include_str!("../packs/lists/statements.json"),
    ),
    ("lists/tone.json", include_str!("../packs/lists/tone.json")),
    (
        "lists/uniform-weapon.json",
        include_str!("../packs/lists/uniform-weapon.json"),
    ),
    (
        "lists/organisations.json",
        include_str!("../packs/lists/organisations.json"),
    ),
];
#[cfg(feature = "embedded-packs")]
const RULES: &[(&str, &str)] = &[
    (
        "rules/statements.json",
        include_str!("../packs/rules/statements.json"),
    ),
    (
        "rules/personal-data.json",
        include_str!("../packs/rules/personal-data.json"),
    ),
    (
        "rules/confidential.json",
        include_str!("../packs/rules/confidential.json"),
    ),
    (
        "rules/individual-case.json",
        include_str!("../packs/rules/individual-case.json"),
    ),
    (
        "rules/security.json",
        include_str!("../packs/rules/security.json"),
    ),
    (
        "rules/voice.json",
        include_str!("../packs/rules/voice.json"),
    ),
    ("rules/tone.json", include_str!("../packs/rules/tone.json")),
    (
        "rules/uniform-weapon.json",
        include_str!("../packs/rules/uniform-weapon.json"),
    ),
    (
        "rules/organisations.json",
        include_str!("../packs/rules/organisations.json"),
    ),
];

/// The source files a pack is assembled from, by path relative to the sources directory.
/// [`Sources::embedded`] is what every build carries; a policy author can assemble from a
/// working copy instead (`postwacht --packs-dir DIR`) and see the effect without rebuilding.
#[derive(Clone, Debug)]
pub struct Sources {
    files: BTreeMap<String, String>,
    /// The gate literals of the packs' patterns, when worked out ahead of time.
    gates: Option<Arc<GateTable>>,
}

impl Sources {
    /// The sources embedded in this build.
    #[cfg(feature = "embedded-packs")]
    pub fn embedded() -> Sources {
        let mut files: BTreeMap<String, String> = [
            ("packs.json", PACKS_JSON),
            ("documents.json", DOCUMENTS),
            ("category-clauses.json", CATEGORY_CLAUSES),
        ]
        .into_iter()
        .chain(CLAUSES.iter().copied())
        .chain(LISTS.iter().copied())
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
        files.extend(
            RULES
                .iter()
                .map(|(path, text)| (path.to_string(), text.to_string())),
        );
        Sources { files, gates: None }
    }

    /// Sources from files: `(path, contents)` with paths like `rules/tone.json`. Every
    /// `clauses/*.json` and `rules/*.json` is used, in path order.
    pub fn from_files(files: impl IntoIterator<Item = (String, String)>) -> Sources {
        Sources {
            files: files.into_iter().collect(),
            gates: None,
        }
    }

    /// The sources in a directory laid out like `crates/engine/packs/`: the three top files and
    /// every `*.json` in `clauses/`, `lists/` and `rules/`.
    pub fn read_dir(dir: &std::path::Path) -> Result<Sources, PackError> {
        let failed = |path: &std::path::Path, e: std::io::Error| PackError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let read =
            |path: &std::path::Path| std::fs::read_to_string(path).map_err(|e| failed(path, e));
        let mut files = BTreeMap::new();
        for top in ["packs.json", "documents.json", "category-clauses.json"] {
            files.insert(top.to_string(), read(&dir.join(top))?);
        }
        for sub in ["clauses", "lists", "rules"] {
            let listed = dir.join(sub);
            for entry in std::fs::read_dir(&listed).map_err(|e| failed(&listed, e))? {
                let path = entry.map_err(|e| failed(&listed, e))?.path();
                if path.extension().is_some_and(|x| x == "json") {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    files.insert(format!("{sub}/{name}"), read(&path)?);
                }
            }
        }
        Ok(Sources { files, gates: None })
    }

    /// Every file, as `(path, contents)` in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, t)| (p.as_str(), t.as_str()))
    }

    fn file(&self, path: &str) -> Result<&str, PackError> {
        self.files
            .get(path)
            .map(String::as_str)
            .ok_or_else(|| PackError::Source {
                file: path.to_string(),
                message: "missing".into(),
            })
    }

    fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.files
            .iter()
            .filter(move |(path, _)| path.starts_with(dir) && path.ends_with(".json"))
            .map(|(path, text)| (path.as_str(), text.as_str()))
    }

    fn metas(&self) -> Result<BTreeMap<String, PackMeta>, PackError> {
        parse("packs.json", self.file("packs.json")?)
    }

    /// The packs these sources define, the default first.
    pub fn list(&self) -> Vec<PackInfo> {
        let mut packs: Vec<PackInfo> = self
            .metas()
            .map(|m| {
                m.into_iter()
                    .map(|(name, meta)| PackInfo {
                        name,
                        description: meta.description,
                    })
                    .collect()
            })
            .unwrap_or_default();
        packs.sort_by_key(|p| p.name != DEFAULT_PACK);
        packs
    }

    /// One pack's bundle.
    pub fn bundle(&self, name: &str) -> Result<Bundle, PackError> {
        assemble(self, name)
    }

    /// An engine for one pack. Its regexes compile when first needed: the test suite compiles
    /// every pack in full, so start-up need not. With a gate table
    /// ([`Sources::with_gate_table`]), the patterns it holds are not even parsed until then.
    pub fn engine(&self, name: &str) -> Result<Engine, PackError> {
        let bundle = self.bundle(name)?;
        let mut builder = Engine::builder();
        builder.defer_regexes(true);
        if let Some(gates) = &self.gates {
            builder.gate_table(Arc::clone(gates));
        }
        builder
            .try_build(bundle)
            .map_err(|error| PackError::Invalid {
                name: name.to_string(),
                error,
            })
    }

    /// The gate literals of every pattern of every pack, for [`Sources::with_gate_table`]: the
    /// extension's build writes them beside the sources, and its start skips that work.
    pub fn gate_table(&self) -> Result<GateTable, PackError> {
        let mut table = GateTable::default();
        for pack in self.list() {
            table.extend(self.engine(&pack.name)?.gate_table());
        }
        Ok(table)
    }

    /// These sources with `table` ([`Sources::gate_table`] of these same sources) to start
    /// engines from.
    pub fn with_gate_table(mut self, table: GateTable) -> Sources {
        self.gates = Some(Arc::new(table));
        self
    }
}

/// The pack used when none is chosen.
pub const DEFAULT_PACK: &str = "overheid";

/// A built-in pack's name and what it enforces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackInfo {
    /// The name it is selected by.
    pub name: String,
    /// One line on what it enforces.
    pub description: String,
}

/// Why a pack could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// No pack has that name.
    #[error("unknown pack `{name}`; the packs are: {}", known.join(", "))]
    Unknown {
        /// The name asked for.
        name: String,
        /// The packs there are, the default first.
        known: Vec<String>,
    },
    /// A sources directory ([`Sources::read_dir`]) could not be read.
    #[error("{path}: {message}")]
    Read {
        /// The file or directory.
        path: String,
        /// What went wrong, as the system says it.
        message: String,
    },
    /// A source file does not parse or does not fit (a build defect, caught by the tests).
    #[error("pack sources, {file}: {message}")]
    Source {
        /// The source file, relative to `crates/engine/packs/`.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The assembled bundle does not load (a build defect, caught by the tests).
    #[error("pack `{name}`: {error}")]
    Invalid {
        /// The pack.
        name: String,
        /// What is wrong.
        error: PolicyError,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackMeta {
    description: String,
    organisation: String,
    languages: Vec<Lang>,
    version: u64,
    issued: String,
    expires: Option<String>,
    /// Severity by category id or rule id (a rule id wins).
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    /// The pre-submit gate's settings.
    #[serde(default)]
    gate: crate::model::Gate,
    /// Whom to ask and what the source documents name; never an invented address.
    #[serde(default)]
    communication: Option<crate::model::Communication>,
}

fn parse<T: for<'de> Deserialize<'de>>(file: &str, json: &str) -> Result<T, PackError> {
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| source_error(file, e))
}

/// [`parse`] for a value already parsed (a rule the pack has amended).
fn parse_value<T: for<'de> Deserialize<'de>>(file: &str, value: Value) -> Result<T, PackError> {
    serde_path_to_error::deserialize(value).map_err(|e| source_error(file, e))
}

fn source_error(file: &str, e: serde_path_to_error::Error<serde_json::Error>) -> PackError {
    PackError::Source {
        file: file.to_string(),
        message: format!("{}: {}", e.path(), e.inner()),
    }
}

/// The built-in packs, the default first.
#[cfg(feature = "embedded-packs")]
pub fn list() -> Vec<PackInfo> {
    Sources::embedded().list()
}

/// The names of the built-in packs, the default first.
#[cfg(feature = "embedded-packs")]
pub fn names() -> Vec<String> {
    list().into_iter().map(|p| p.name).collect()
}

/// The bundle of a built-in pack, assembled from the embedded sources.
#[cfg(feature = "embedded-packs")]
pub fn bundle(name: &str) -> Result<Bundle, PackError> {
    Sources::embedded().bundle(name)
}

fn assemble(sources: &Sources, name: &str) -> Result<Bundle, PackError> {
    let mut metas = sources.metas()?;
    let meta = metas.remove(name).ok_or_else(|| PackError::Unknown {
        name: name.to_string(),
        known: sources.list().into_iter().map(|p| p.name).collect(),
    })?;
    let category_clauses: BTreeMap<String, BTreeMap<String, Vec<String>>> = parse(
        "category-clauses.json",
        sources.file("category-clauses.json")?,
    )?;
    let cites = category_clauses
        .get(name)
        .ok_or_else(|| PackError::Source {
            file: "category-clauses.json".into(),
            message: format!("no clauses for pack `{name}`"),
        })?;

    let mut rules = Vec::new();
    for (file, json) in sources.under("rules/") {
        let sources: Vec<serde_json::Map<String, Value>> = parse(file, json)?;
        for mut source in sources {
            if let Some(packs) = source.remove("packs") {
                let packs: Vec<String> = parse_value(file, packs)?;
                if !packs.iter().any(|p| p == name) {
                    continue;
                }
            }
            let id = source
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let category = source
                .get("category")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let has_clauses = source
                .get("clauses")
                .and_then(Value::as_array)
                .is_some_and(|c| !c.is_empty());
            if !has_clauses {
                let clauses = cites.get(&category).ok_or_else(|| PackError::Source {
                    file: file.into(),
                    message: format!(
                        "rule `{id}`: pack `{name}` cites no clause for category `{category}`"
                    ),
                })?;
                source.insert("clauses".into(), Value::from(clauses.clone()));
            }
            let severity = meta
                .severity
                .get(&id)
                .or_else(|| meta.severity.get(&category));
            if let Some(severity) = severity {
                source.insert(
                    "severity".into(),
                    serde_json::to_value(severity).unwrap_or(Value::Null),
                );
            }
            let rule = parse_value(&format!("{file}, rule `{id}`"), Value::Object(source))?;
            rules.push(rule);
        }
    }

    let cited: HashSet<&str> = rules
        .iter()
        .flat_map(|r: &crate::model::Rule| r.clauses.iter().map(String::as_str))
        .collect();
    let mut clauses: Vec<Clause> = Vec::new();
    for (file, json) in sources.under("clauses/") {
        let all: Vec<Clause> = parse(file, json)?;
        clauses.extend(all.into_iter().filter(|c| cited.contains(c.id.as_str())));
    }
    let used: HashSet<&str> = clauses.iter().map(|c| c.document.as_str()).collect();
    let documents: Vec<Document> =
        parse::<Vec<Document>>("documents.json", sources.file("documents.json")?)?
            .into_iter()
            .filter(|d| used.contains(d.id.as_str()))
            .collect();
    Ok(Bundle {
        id: name.to_string(),
        version: meta.version,
        issued: meta.issued,
        expires: meta.expires,
        organisation: meta.organisation,
        languages: meta.languages,
        documents,
        clauses,
        rules,
        lists: lists(sources)?,
        gate: meta.gate,
        communication: meta.communication,
    })
}

/// Every named list from `lists/*.json`; a name defined twice is an error, not a silent override.
fn lists(sources: &Sources) -> Result<BTreeMap<String, Vec<String>>, PackError> {
    let mut all = BTreeMap::new();
    for (file, json) in sources.under("lists/") {
        let lists: BTreeMap<String, Vec<String>> = parse(file, json)?;
        for (name, list) in lists {
            if all.insert(name.clone(), list).is_some() {
                return Err(PackError::Source {
                    file: file.to_string(),
                    message: format!("list `{name}` is also defined in another file"),
                });
            }
        }
    }
    Ok(all)
}

/// The bundle of a built-in pack as JSON, as `postwacht policy build` writes it.
#[cfg(feature = "embedded-packs")]
pub fn bundle_json(name: &str) -> Result<String, PackError> {
    let bundle = bundle(name)?;
    serde_json::to_string_pretty(&bundle).map_err(|e| PackError::Source {
        file: name.to_string(),
        message: e.to_string(),
    })
}

/// An engine for a built-in pack, from the embedded sources.
#[cfg(feature = "embedded-packs")]
pub fn engine(name: &str) -> Result<Engine, PackError> {
    Sources::embedded().engine(name)
}

#[cfg(all(test, feature = "embedded-packs"))]
mod tests {
    use super::*;

    /// The extension's build (`extension/build.mjs`) ships every `.json` of `clauses/`, `lists/`
    /// and `rules/` plus the three top files; the embedded list must be exactly that, or the
    /// browser and the command line would enforce different packs.
    #[test]
    fn embedded_sources_are_the_whole_directory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("packs");
        assert_eq!(
            Sources::embedded().files,
            Sources::read_dir(&dir).unwrap().files
        );
    }

    #[test]
    fn an_unknown_pack_names_the_known_ones() {
        let error = Sources::embedded().bundle("nope").unwrap_err();
        assert!(error.to_string().contains(DEFAULT_PACK), "{error}");
    }
}
