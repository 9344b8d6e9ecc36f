//! The policy packs built into every Postwacht build, selectable by name. Each is a bundle
//! embedded at compile time, so the engine works with no configuration and no network.

use crate::engine::Engine;
use crate::error::PolicyError;
use crate::model::Bundle;

/// A built-in pack.
#[derive(Clone, Copy, Debug)]
pub struct Pack {
    /// The name it is selected by.
    pub name: &'static str,
    /// One line on what it enforces.
    pub description: &'static str,
    /// The bundle JSON.
    pub json: &'static str,
}

/// Every built-in pack.
pub const PACKS: &[Pack] = &[Pack {
    name: "starter",
    description:
        "small starter policy: one or two rules per category, citing the five codes of conduct",
    json: include_str!("../policies/starter.json"),
}];

/// The pack used when none is chosen.
pub const DEFAULT_PACK: &str = "starter";

/// Why a pack could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// No pack has that name.
    #[error("unknown pack `{name}`; the built-in packs are: {}", names().join(", "))]
    Unknown {
        /// The name asked for.
        name: String,
    },
    /// The embedded bundle does not load (a build defect, caught by the tests).
    #[error("pack `{name}`: {error}")]
    Invalid {
        /// The pack.
        name: String,
        /// What is wrong.
        error: PolicyError,
    },
}

/// The names of the built-in packs.
pub fn names() -> Vec<&'static str> {
    PACKS.iter().map(|p| p.name).collect()
}

/// The pack with this name.
pub fn find(name: &str) -> Result<&'static Pack, PackError> {
    PACKS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| PackError::Unknown {
            name: name.to_string(),
        })
}

/// The bundle of a built-in pack.
pub fn bundle(name: &str) -> Result<Bundle, PackError> {
    let pack = find(name)?;
    serde_json::from_str(pack.json).map_err(|e| PackError::Invalid {
        name: name.to_string(),
        error: PolicyError::Syntax {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        },
    })
}

/// An engine for a built-in pack.
pub fn engine(name: &str) -> Result<Engine, PackError> {
    let pack = find(name)?;
    Engine::from_json(pack.json).map_err(|error| PackError::Invalid {
        name: name.to_string(),
        error,
    })
}
