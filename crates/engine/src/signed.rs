//! Signed bundles: a DSSE envelope around bundle JSON, signed with Ed25519.
//!
//! An organisation publishes its policy as one file on any static host:
//!
//! ```json
//! {"payloadType": "application/vnd.postwacht.bundle+json",
//!  "payload": "<base64 of the exact bundle JSON bytes>",
//!  "signatures": [{"keyid": "<16 hex digits>", "sig": "<base64 Ed25519 signature>"}]}
//! ```
//!
//! The signature covers `PAE(payloadType, payload)` ([`pae`]), so the payload type is
//! authenticated and no JSON canonicalisation is needed. A `keyid` is only a hint: every trusted
//! key is tried against every signature.
//!
//! [`accept`] decides whether an envelope may replace the running policy. It checks, in this
//! order, and stops at the first failure: size → envelope shape → payload type → a signature by
//! a trusted key → payload JSON → schema → bundle id → expiry → version ratchet → rules compile
//! → rule examples pass. It writes nothing: the caller stores the bundle and raises its ratchet
//! together, and only on success (raising it earlier is how TUF clients got rollback bugs).
//!
//! ```
//! use postwacht_engine::signed::{accept, key_id, public_key, sign, Trust};
//!
//! let seed = [7u8; 32];
//! let bundle = include_str!("../tests/data/starter.json");
//! let envelope = sign(bundle.as_bytes(), &seed);
//! let trust = Trust::new(vec![public_key(&seed)], "starter");
//! let accepted = accept(envelope.as_bytes(), &trust, "2027-01-01").unwrap();
//! assert_eq!(accepted.key_id, key_id(&public_key(&seed)));
//! assert_eq!(accepted.engine.bundle().id, "starter");
//! ```

use std::collections::BTreeMap;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::{Engine, EngineBuilder};
use crate::error::PolicyError;
use crate::examples::ExampleFailure;
use crate::model::Bundle;

/// The payload type of a Postwacht bundle envelope.
pub const PAYLOAD_TYPE: &str = "application/vnd.postwacht.bundle+json";

/// The largest envelope accepted, in bytes (4 MiB): far beyond any real policy, small enough
/// that a hostile or broken host cannot exhaust the browser's memory.
pub const MAX_ENVELOPE_BYTES: usize = 4 << 20;

/// What the caller trusts: the policy's public keys, the bundle id the policy names, and the
/// highest version accepted so far from each key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// Raw 32-byte Ed25519 public keys.
    pub keys: Vec<[u8; 32]>,
    /// The only bundle id accepted (stops a validly signed bundle of another organisation or
    /// channel from being swapped in).
    pub bundle_id: String,
    /// Per key id ([`key_id`]): the highest version accepted and the sha256 of its payload.
    pub ratchet: BTreeMap<String, RatchetEntry>,
}

impl Trust {
    /// Trust in `keys` for bundle `bundle_id`, with nothing accepted yet.
    pub fn new(keys: Vec<[u8; 32]>, bundle_id: impl Into<String>) -> Trust {
        Trust {
            keys,
            bundle_id: bundle_id.into(),
            ratchet: BTreeMap::new(),
        }
    }
}

/// The highest version accepted from one key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatchetEntry {
    /// The bundle version.
    pub version: u64,
    /// Lowercase hex sha256 of its payload bytes.
    pub sha256: String,
}

/// A bundle that passed every check, compiled and ready to run.
#[derive(Debug)]
pub struct Accepted {
    /// The trusted key that signed it (the first in [`Trust::keys`] order whose signature
    /// verifies): raise `ratchet[key_id]` to this version when storing the bundle.
    pub key_id: String,
    /// Every trusted key whose signature verifies, `key_id` first.
    pub signed_by: Vec<String>,
    /// The bundle id.
    pub bundle_id: String,
    /// The bundle version.
    pub version: u64,
    /// Lowercase hex sha256 of the payload bytes.
    pub sha256: String,
    /// The issue date, `YYYY-MM-DD`.
    pub issued: String,
    /// The expiry date, `YYYY-MM-DD`.
    pub expires: String,
    /// The exact payload: the bundle JSON.
    pub payload: String,
    /// The compiled policy.
    pub engine: Engine,
}

/// Why a signed bundle was refused. The running policy stays in force. Each variant is one
/// check of [`accept`]; [`Rejection::kind`] is a stable machine-readable name for it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The caller's date is not `YYYY-MM-DD` (a caller bug, not a bundle problem).
    #[error("today's date `{0}` is not of the form YYYY-MM-DD")]
    InvalidToday(String),
    /// The envelope is larger than [`MAX_ENVELOPE_BYTES`].
    #[error("signed bundle is {given} bytes; the limit is {limit}")]
    TooLarge {
        /// Its size.
        given: usize,
        /// The limit.
        limit: usize,
    },
    /// The file is not a signed-bundle envelope (JSON syntax, missing field, bad base64).
    #[error("not a signed bundle: {0}")]
    Envelope(String),
    /// The envelope holds something other than a Postwacht bundle.
    #[error("payload type is `{found}`; expected `{expected}`")]
    PayloadType {
        /// The type in the envelope.
        found: String,
        /// [`PAYLOAD_TYPE`].
        expected: &'static str,
    },
    /// The policy lists no trusted keys, so nothing can be accepted.
    #[error("no trusted public keys are configured")]
    NoTrustedKeys,
    /// No signature names a trusted key, and none verifies with one: signed by a key this
    /// policy does not trust.
    #[error("signed by key {} which is not trusted; trusted: {}", list(.found), list(.trusted))]
    UnknownKey {
        /// The key ids in the envelope.
        found: Vec<String>,
        /// The trusted key ids.
        trusted: Vec<String>,
    },
    /// A signature names a trusted key but does not verify with it (nor does any other): the
    /// file was changed after signing, or signed with another key under that key's id.
    #[error("the signature by key {} does not verify: the bundle was changed after signing or signed with a different key", list(.key_ids))]
    NoTrustedSignature {
        /// The trusted key ids the signatures claim.
        key_ids: Vec<String>,
    },
    /// The signed payload is not bundle JSON (not UTF-8, or a JSON syntax error with its line
    /// and column).
    #[error("signed payload: {0}")]
    Payload(PolicyError),
    /// The payload is JSON but not a valid bundle; every problem is listed.
    #[error("signed payload: {0}")]
    Invalid(PolicyError),
    /// The bundle is not the one the policy names.
    #[error("bundle id is `{found}`; the policy expects `{expected}`")]
    WrongBundleId {
        /// The payload's id.
        found: String,
        /// [`Trust::bundle_id`].
        expected: String,
    },
    /// A signed bundle must say when it expires.
    #[error("the bundle has no `expires` date; a signed bundle must have one")]
    MissingExpiry,
    /// The bundle expired on or before today.
    #[error("the bundle expired on {expires} (today is {today})")]
    Expired {
        /// The expiry date.
        expires: String,
        /// The caller's date.
        today: String,
    },
    /// An older version than one already accepted from this key.
    #[error("version {given} is lower than {highest}, the highest accepted from key {key_id}")]
    Rollback {
        /// The payload's version.
        given: u64,
        /// The highest accepted.
        highest: u64,
        /// The key.
        key_id: String,
    },
    /// The version already accepted from this key, with different content.
    #[error("version {version} was already accepted from key {key_id} with different content (sha256 {accepted}, now {given}): publish changes as a new version")]
    SameVersionDifferentContent {
        /// The version.
        version: u64,
        /// The key.
        key_id: String,
        /// sha256 of the payload given.
        given: String,
        /// sha256 of the payload accepted before.
        accepted: String,
    },
    /// A rule does not compile within the engine's limits.
    #[error("rules do not compile: {0}")]
    Rules(PolicyError),
    /// Rule examples do not behave as their lists say.
    #[error("{} example{} failed, in rule{} {}: {}", .failures.len(), if .failures.len() == 1 { "" } else { "s" }, if rule_ids(.failures).len() == 1 { "" } else { "s" }, rule_ids(.failures).join(", "), .failures[0])]
    ExamplesFail {
        /// Every failure.
        failures: Vec<ExampleFailure>,
    },
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "(none)".to_string()
    } else {
        ids.join(", ")
    }
}

fn rule_ids(failures: &[ExampleFailure]) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    for f in failures {
        if !ids.contains(&f.rule.as_str()) {
            ids.push(&f.rule);
        }
    }
    ids
}

impl Rejection {
    /// A stable, machine-readable name for the check that failed.
    pub fn kind(&self) -> &'static str {
        match self {
            Rejection::InvalidToday(_) => "invalid-today",
            Rejection::TooLarge { .. } => "too-large",
            Rejection::Envelope(_) => "envelope",
            Rejection::PayloadType { .. } => "payload-type",
            Rejection::NoTrustedKeys => "no-trusted-keys",
            Rejection::UnknownKey { .. } => "unknown-key",
            Rejection::NoTrustedSignature { .. } => "bad-signature",
            Rejection::Payload(_) => "payload",
            Rejection::Invalid(_) => "schema",
            Rejection::WrongBundleId { .. } => "bundle-id",
            Rejection::MissingExpiry => "missing-expiry",
            Rejection::Expired { .. } => "expired",
            Rejection::Rollback { .. } => "rollback",
            Rejection::SameVersionDifferentContent { .. } => "same-version-different-content",
            Rejection::Rules(_) => "rules",
            Rejection::ExamplesFail { .. } => "examples",
        }
    }

    /// The bundle's problems, for `Invalid` and `Rules`; empty otherwise.
    pub fn problems(&self) -> &[crate::Problem] {
        match self {
            Rejection::Invalid(e) | Rejection::Rules(e) => e.problems(),
            _ => &[],
        }
    }
}

/// A key that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not base64.
    #[error("key is not base64: {0}")]
    Base64(String),
    /// Not 32 bytes.
    #[error("key is {0} bytes; an Ed25519 key is 32")]
    Length(usize),
    /// Not a point on the curve (public keys only).
    #[error("not a valid Ed25519 public key")]
    Invalid,
}

/// Decodes a base64 key (public key or secret seed) of 32 bytes; surrounding white space is
/// ignored.
pub fn decode_key(base64_key: &str) -> Result<[u8; 32], KeyError> {
    let bytes = decode_base64(base64_key.trim()).map_err(KeyError::Base64)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::Length(bytes.len()))
}

/// Decodes a base64 public key and checks that it is a point on the curve.
pub fn decode_public_key(base64_key: &str) -> Result<[u8; 32], KeyError> {
    let key = decode_key(base64_key)?;
    VerifyingKey::from_bytes(&key).map_err(|_| KeyError::Invalid)?;
    Ok(key)
}

/// Standard base64 with padding: how keys, payloads and signatures are written.
pub fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A key's id: the first 16 hex digits of sha256 of the raw 32-byte public key.
pub fn key_id(public_key: &[u8; 32]) -> String {
    let mut hex = hex(&Sha256::digest(public_key));
    hex.truncate(16);
    hex
}

/// The public key of a 32-byte secret seed.
pub fn public_key(secret_seed: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(secret_seed)
        .verifying_key()
        .to_bytes()
}

/// Lowercase hex sha256 of some bytes (payload hashes in the ratchet).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// DSSE's pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`,
/// lengths as ASCII decimal byte counts. This is what is signed.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// Whether `signature` is a valid Ed25519 signature of `message` by `public_key`, in the strict
/// sense of `verify_strict` (no small-order keys, no non-canonical signatures). The only
/// signature check [`accept`] uses.
pub fn verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    match VerifyingKey::from_bytes(public_key) {
        Ok(key) => key
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok(),
        Err(_) => false,
    }
}

/// Signs bundle JSON: returns the envelope (pretty JSON) with one signature by the key of
/// `secret_seed`. The payload is signed as given, byte for byte.
pub fn sign(payload: &[u8], secret_seed: &[u8; 32]) -> String {
    let key = SigningKey::from_bytes(secret_seed);
    let signature = key.sign(&pae(PAYLOAD_TYPE, payload));
    let envelope = RawEnvelope {
        payload_type: PAYLOAD_TYPE.to_string(),
        payload: encode_base64(payload),
        signatures: vec![RawSignature {
            keyid: key_id(&key.verifying_key().to_bytes()),
            sig: encode_base64(&signature.to_bytes()),
        }],
    };
    // Serializing plain strings cannot fail.
    serde_json::to_string_pretty(&envelope).unwrap_or_default()
}

#[derive(Serialize, Deserialize)]
struct RawEnvelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
    signatures: Vec<RawSignature>,
}

#[derive(Serialize, Deserialize)]
struct RawSignature {
    #[serde(default)]
    keyid: String,
    sig: String,
}

/// The envelope after the checks that need no key: size, shape, payload type.
struct Opened {
    payload: Vec<u8>,
    signatures: Vec<(String, [u8; 64])>,
}

fn open(envelope: &[u8]) -> Result<Opened, Rejection> {
    if envelope.len() > MAX_ENVELOPE_BYTES {
        return Err(Rejection::TooLarge {
            given: envelope.len(),
            limit: MAX_ENVELOPE_BYTES,
        });
    }
    let raw: RawEnvelope = serde_json::from_slice(envelope).map_err(|e| {
        Rejection::Envelope(match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => format!(
                "invalid JSON at line {}, column {}: {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ),
            _ => strip_position(&e.to_string()),
        })
    })?;
    if raw.payload_type != PAYLOAD_TYPE {
        return Err(Rejection::PayloadType {
            found: raw.payload_type,
            expected: PAYLOAD_TYPE,
        });
    }
    let payload = decode_base64(&raw.payload)
        .map_err(|e| Rejection::Envelope(format!("`payload` is not base64: {e}")))?;
    if raw.signatures.is_empty() {
        return Err(Rejection::Envelope("`signatures` is empty".into()));
    }
    let mut signatures = Vec::with_capacity(raw.signatures.len());
    for (i, s) in raw.signatures.into_iter().enumerate() {
        let bytes = decode_base64(&s.sig).map_err(|e| {
            Rejection::Envelope(format!("`signatures[{i}].sig` is not base64: {e}"))
        })?;
        let sig = <[u8; 64]>::try_from(bytes.as_slice()).map_err(|_| {
            Rejection::Envelope(format!(
                "`signatures[{i}].sig` is {} bytes; an Ed25519 signature is 64",
                bytes.len()
            ))
        })?;
        signatures.push((s.keyid, sig));
    }
    Ok(Opened {
        payload,
        signatures,
    })
}

/// The payload of an envelope **without checking any signature**: for defaults and display
/// only (the CLI shows which bundle id a file claims). Checks size, shape and payload type.
pub fn unverified_payload(envelope: &[u8]) -> Result<Vec<u8>, Rejection> {
    open(envelope).map(|o| o.payload)
}

/// Decides whether a signed bundle may replace the running policy; see the module docs for
/// the order of the checks. `today` is the caller's date, `YYYY-MM-DD` (UTC).
pub fn accept(envelope: &[u8], trust: &Trust, today: &str) -> Result<Accepted, Rejection> {
    if !is_date(today) {
        return Err(Rejection::InvalidToday(today.to_string()));
    }
    let Verified {
        payload,
        signed_by,
        bundle,
        builder,
    } = verified(envelope, trust)?;
    let expires = match &bundle.expires {
        None => return Err(Rejection::MissingExpiry),
        Some(expires) if expires.as_str() <= today => {
            return Err(Rejection::Expired {
                expires: expires.clone(),
                today: today.to_string(),
            })
        }
        Some(expires) => expires.clone(),
    };

    let sha256 = sha256_hex(&payload);
    for id in &signed_by {
        if let Some(entry) = trust.ratchet.get(id) {
            if bundle.version < entry.version {
                return Err(Rejection::Rollback {
                    given: bundle.version,
                    highest: entry.version,
                    key_id: id.clone(),
                });
            }
            if bundle.version == entry.version && !entry.sha256.eq_ignore_ascii_case(&sha256) {
                return Err(Rejection::SameVersionDifferentContent {
                    version: bundle.version,
                    key_id: id.clone(),
                    given: sha256,
                    accepted: entry.sha256.to_ascii_lowercase(),
                });
            }
        }
    }

    let (bundle_id, version, issued) = (bundle.id.clone(), bundle.version, bundle.issued.clone());
    let engine = builder.compile_valid(bundle).map_err(Rejection::Rules)?;
    let (failures, _) = engine.check_examples();
    if !failures.is_empty() {
        return Err(Rejection::ExamplesFail { failures });
    }
    // `parse_valid` succeeded, so the payload is UTF-8.
    let payload = String::from_utf8(payload).unwrap_or_default();
    Ok(Accepted {
        key_id: signed_by[0].clone(),
        signed_by,
        bundle_id,
        version,
        sha256,
        issued,
        expires,
        payload,
        engine,
    })
}

/// The engine of a bundle accepted before (the caller's last good bundle, read back from its
/// own storage at start-up): the signature by a trusted key, the schema and the bundle id are
/// checked again, but not expiry (an expired bundle stays in use rather than older rules), the
/// ratchet (it is the ratchet's own entry) or the examples (they passed on acceptance, and
/// running them again would delay every start).
pub fn reload(envelope: &[u8], trust: &Trust) -> Result<Engine, Rejection> {
    let Verified {
        bundle,
        mut builder,
        ..
    } = verified(envelope, trust)?;
    // Every regex compiled when the bundle was accepted.
    builder
        .defer_regexes(true)
        .compile_valid(bundle)
        .map_err(Rejection::Rules)
}

/// A payload with a trusted signature that parses into a valid bundle of the trusted id.
struct Verified {
    payload: Vec<u8>,
    signed_by: Vec<String>,
    bundle: Bundle,
    builder: EngineBuilder,
}

fn verified(envelope: &[u8], trust: &Trust) -> Result<Verified, Rejection> {
    let opened = open(envelope)?;

    // A signature by a trusted key. Key ids are hints only: every key meets every signature.
    if trust.keys.is_empty() {
        return Err(Rejection::NoTrustedKeys);
    }
    let message = pae(PAYLOAD_TYPE, &opened.payload);
    let mut signed_by: Vec<String> = Vec::new();
    for key in &trust.keys {
        let id = key_id(key);
        if !signed_by.contains(&id)
            && opened
                .signatures
                .iter()
                .any(|(_, sig)| verify(key, &message, sig))
        {
            signed_by.push(id);
        }
    }
    if signed_by.is_empty() {
        let trusted: Vec<String> = trust.keys.iter().map(key_id).collect();
        let claimed: Vec<String> = opened
            .signatures
            .iter()
            .map(|(id, _)| id.clone())
            .filter(|id| trusted.contains(id))
            .collect();
        return Err(if claimed.is_empty() {
            Rejection::UnknownKey {
                found: opened.signatures.into_iter().map(|(id, _)| id).collect(),
                trusted,
            }
        } else {
            Rejection::NoTrustedSignature { key_ids: claimed }
        });
    }

    // Parse, then schema.
    let builder = EngineBuilder::default();
    let bundle: Bundle = builder.parse_valid(&opened.payload).map_err(|e| match e {
        PolicyError::Invalid(_) => Rejection::Invalid(e),
        other => Rejection::Payload(other),
    })?;

    if bundle.id != trust.bundle_id {
        return Err(Rejection::WrongBundleId {
            found: bundle.id,
            expected: trust.bundle_id.clone(),
        });
    }
    Ok(Verified {
        payload: opened.payload,
        signed_by,
        bundle,
        builder,
    })
}

/// DSSE verifiers accept standard and URL-safe base64, padded or not.
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    const CONFIG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD_ANY: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CONFIG);
    const URL_SAFE_ANY: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CONFIG);
    STANDARD_ANY
        .decode(text)
        .or_else(|e| URL_SAFE_ANY.decode(text).map_err(|_| e.to_string()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

fn is_date(date: &str) -> bool {
    let b = date.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// serde_json appends " at line L column C"; the message says it in its own words.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}
