//! The engine for the browser: a thin wasm-bindgen layer. Everything that decides anything lives
//! in `postwacht-engine`; this crate only converts between JSON/JS values and engine types.

use std::collections::BTreeMap;

use postwacht_engine::packs::Sources;
use postwacht_engine::{
    communication, photo, signed, Bundle, Engine, Finding, GateTable, Lang, ScanOptions,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A compiled policy, ready to scan texts.
#[wasm_bindgen(js_name = Engine)]
pub struct WasmEngine {
    engine: Engine,
}

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    /// An engine for a policy bundle given as JSON. The error names every problem (rule id,
    /// field, what is wrong), so the extension can keep its last good engine and say why.
    #[wasm_bindgen(constructor)]
    pub fn new(bundle_json: &str) -> Result<WasmEngine, JsError> {
        install_panic_hook();
        let engine = Engine::from_json(bundle_json).map_err(|e| {
            let problems: Vec<String> = e.problems().iter().map(ToString::to_string).collect();
            if problems.len() > 1 {
                JsError::new(&format!("{e}:\n{}", problems.join("\n")))
            } else {
                JsError::new(&e.to_string())
            }
        })?;
        Ok(WasmEngine { engine })
    }

    /// The findings in a text: plain objects with UTF-16 `start`/`end`, as JS strings count.
    /// `lang` (`nl`, `fr`, `en`) skips rules written for other languages; omit it to run all.
    pub fn scan(&self, text: &str, lang: Option<String>) -> Result<JsValue, JsError> {
        let options = ScanOptions {
            lang: lang.as_deref().and_then(Lang::from_code),
        };
        let findings: Vec<Finding> = self
            .engine
            .scan_with(text, &options)
            .map_err(|e| JsError::new(&e.to_string()))?;
        to_js(&findings)
    }

    /// What the extension shows: documents, clauses and each rule's message (no examples).
    pub fn policy(&self) -> Result<JsValue, JsError> {
        to_js(&PolicyView::of(self.engine.bundle()))
    }

    /// The bundle's gate settings alone: what the worker needs at start, without converting the
    /// whole policy (clauses, messages) before the first scan.
    pub fn gate(&self) -> Result<JsValue, JsError> {
        to_js(&self.engine.bundle().gate)
    }

    /// The bundle id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.engine.bundle().id.clone()
    }

    /// The bundle version (increases with every release).
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> f64 {
        // JS numbers are f64; versions are small integers, far below 2^53.
        self.engine.bundle().version as f64
    }
}

/// A signed bundle that passed every check of `acceptSignedBundle`: its facts, for the caller
/// to store together with the raised ratchet, and its compiled engine.
#[wasm_bindgen]
pub struct SignedBundle {
    accepted: signed::Accepted,
}

#[wasm_bindgen]
impl SignedBundle {
    /// The trusted key that signed it: raise `ratchet[keyId]` to `version` when storing it.
    #[wasm_bindgen(getter, js_name = keyId)]
    pub fn key_id(&self) -> String {
        self.accepted.key_id.clone()
    }

    /// The bundle version.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> f64 {
        // JS numbers are f64; versions are far below 2^53.
        self.accepted.version as f64
    }

    /// Lowercase hex sha256 of the payload (the ratchet's `sha256`).
    #[wasm_bindgen(getter)]
    pub fn sha256(&self) -> String {
        self.accepted.sha256.clone()
    }

    /// Issue date, `YYYY-MM-DD`.
    #[wasm_bindgen(getter)]
    pub fn issued(&self) -> String {
        self.accepted.issued.clone()
    }

    /// Expiry date, `YYYY-MM-DD`.
    #[wasm_bindgen(getter)]
    pub fn expires(&self) -> String {
        self.accepted.expires.clone()
    }

    /// The bundle id.
    #[wasm_bindgen(getter, js_name = bundleId)]
    pub fn bundle_id(&self) -> String {
        self.accepted.bundle_id.clone()
    }

    /// The verified bundle JSON (for `new Engine(payload)` once this bundle has expired: an
    /// expired bundle stays in use, with a warning, and is never replaced by an older one).
    #[wasm_bindgen(getter)]
    pub fn payload(&self) -> String {
        self.accepted.payload.clone()
    }

    /// The compiled engine, without compiling again. Consumes this object: read the other
    /// fields first.
    #[wasm_bindgen(js_name = intoEngine)]
    pub fn into_engine(self) -> WasmEngine {
        WasmEngine {
            engine: self.accepted.engine,
        }
    }
}

/// Checks a signed bundle (DSSE envelope JSON) against the policy's trusted keys (base64 raw
/// Ed25519 public keys), bundle id and ratchet (`{"<keyid>": {"version": N, "sha256": "hex"}}`,
/// `""` or `{}` when empty) on `today` (`YYYY-MM-DD`, UTC). Writes nothing: on success the caller
/// stores the bundle and raises `ratchet[keyId]` together. The error's message is
/// `kind: reason`, where kind is one of `invalid-today`, `too-large`, `envelope`,
/// `payload-type`, `no-trusted-keys`, `unknown-key`, `bad-signature`, `payload`, `schema`,
/// `bundle-id`, `missing-expiry`, `expired`, `rollback`, `same-version-different-content`,
/// `rules`, `examples`, or, for the caller's own arguments, `trusted-key` and `ratchet`.
#[wasm_bindgen(js_name = acceptSignedBundle)]
pub fn accept_signed_bundle(
    envelope: &str,
    trusted_keys: Vec<String>,
    bundle_id: &str,
    ratchet_json: &str,
    today: &str,
) -> Result<SignedBundle, JsError> {
    install_panic_hook();
    let keys = decode_keys(&trusted_keys)?;
    let ratchet = if ratchet_json.trim().is_empty() {
        Default::default()
    } else {
        serde_json::from_str(ratchet_json).map_err(|e| {
            JsError::new(&format!(
                "ratchet: the stored version ratchet is not valid: {e}"
            ))
        })?
    };
    let trust = signed::Trust {
        keys,
        bundle_id: bundle_id.to_string(),
        ratchet,
    };
    signed::accept(envelope.as_bytes(), &trust, today)
        .map(|accepted| SignedBundle { accepted })
        .map_err(refusal)
}

/// `kind: reason`, then every problem on its own line when there are several.
fn refusal(e: signed::Rejection) -> JsError {
    let lines: Vec<String> = match &e {
        signed::Rejection::ExamplesFail { failures } => {
            failures.iter().map(ToString::to_string).collect()
        }
        other => other.problems().iter().map(ToString::to_string).collect(),
    };
    if lines.len() > 1 {
        JsError::new(&format!("{}: {e}\n{}", e.kind(), lines.join("\n")))
    } else {
        JsError::new(&format!("{}: {e}", e.kind()))
    }
}

/// The engine of the caller's last good signed bundle, read back from its storage at start-up:
/// signature, schema and bundle id are checked again, expiry, ratchet and examples are not (an
/// expired bundle stays in use; the examples passed when it was accepted). Errors as in
/// `acceptSignedBundle`.
#[wasm_bindgen(js_name = reloadSignedBundle)]
pub fn reload_signed_bundle(
    envelope: &str,
    trusted_keys: Vec<String>,
    bundle_id: &str,
) -> Result<WasmEngine, JsError> {
    install_panic_hook();
    let trust = signed::Trust {
        keys: decode_keys(&trusted_keys)?,
        bundle_id: bundle_id.to_string(),
        ratchet: Default::default(),
    };
    signed::reload(envelope.as_bytes(), &trust)
        .map(|engine| WasmEngine { engine })
        .map_err(refusal)
}

fn decode_keys(trusted_keys: &[String]) -> Result<Vec<[u8; 32]>, JsError> {
    trusted_keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            signed::decode_public_key(k)
                .map_err(|e| JsError::new(&format!("trusted-key: trusted key {}: {e}", i + 1)))
        })
        .collect()
}

/// What an attached photo's metadata gives away, from `head`, its first bytes (at most
/// `photo::HEAD_BYTES` are read; `wholeFile` says whether `head` is all of it):
/// `{format, gps?: {latitude, longitude}, serial_numbers: [{kind, value}]}`. The error's
/// message is `kind: reason`, kind one of `unsupported`, `beyond-head`, `damaged`. Nothing is
/// kept: the bytes are dropped when this returns.
#[wasm_bindgen(js_name = inspectPhoto)]
pub fn inspect_photo(head: &[u8], whole_file: bool) -> Result<JsValue, JsError> {
    install_panic_hook();
    match photo::inspect(head, whole_file) {
        Ok(found) => to_js(&found),
        Err(e) => Err(JsError::new(&format!("{}: {e}", e.kind()))),
    }
}

/// Checks an administrator's `communication` setting (the bundle section's JSON): every problem
/// as one line naming its field; empty when it is fine.
#[wasm_bindgen(js_name = checkCommunication)]
pub fn check_communication(json: &str) -> Vec<String> {
    match communication::check(json) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .iter()
            .map(|p| {
                if p.field.is_empty() {
                    p.kind.to_string()
                } else {
                    format!("field `{}`: {}", p.field, p.kind)
                }
            })
            .collect(),
    }
}

/// The built-in packs. Their sources are not inside the wasm (a third of its size): the
/// extension ships them beside it, as `wasm/pack-sources.json`, and hands them over here.
#[wasm_bindgen]
pub struct Packs {
    sources: Sources,
}

#[wasm_bindgen]
impl Packs {
    /// From `{path: text}`, every source file as `extension/build.mjs` collects them, and the
    /// gate table that build wrote for them (`wasm/pack-gates.json`, from `postwacht packs
    /// gate-table`), which spares the start parsing every pattern.
    #[wasm_bindgen(constructor)]
    pub fn new(files: JsValue, gate_table: Option<String>) -> Result<Packs, JsError> {
        install_panic_hook();
        let files: BTreeMap<String, String> = serde_wasm_bindgen::from_value(files)
            .map_err(|e| JsError::new(&format!("pack sources: {e}")))?;
        let mut sources = Sources::from_files(files);
        if let Some(json) = gate_table {
            let table = GateTable::from_json(&json).map_err(|e| JsError::new(&e.to_string()))?;
            sources = sources.with_gate_table(table);
        }
        Ok(Packs::from_sources(sources))
    }

    /// An engine for one pack (`overheid`, `ind`, …); its regexes compile on first use.
    pub fn engine(&self, name: &str) -> Result<WasmEngine, JsError> {
        let engine = self
            .sources
            .engine(name)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(WasmEngine { engine })
    }

    /// `[{name, description}]`, the default first.
    pub fn list(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Pack {
            name: String,
            description: String,
        }
        let list: Vec<Pack> = self
            .sources
            .list()
            .into_iter()
            .map(|p| Pack {
                name: p.name,
                description: p.description,
            })
            .collect();
        to_js(&list)
    }
}

impl Packs {
    /// From sources already in Rust (the tests use the embedded ones).
    pub fn from_sources(sources: Sources) -> Packs {
        Packs { sources }
    }
}

#[derive(Serialize)]
struct RuleView<'a> {
    id: &'a str,
    category: postwacht_engine::Category,
    severity: postwacht_engine::Severity,
    clauses: &'a [String],
    message: &'a postwacht_engine::Localized,
}

#[derive(Serialize)]
struct PolicyView<'a> {
    id: &'a str,
    version: u64,
    issued: &'a str,
    expires: Option<&'a str>,
    organisation: &'a str,
    languages: &'a [Lang],
    documents: &'a [postwacht_engine::Document],
    clauses: &'a [postwacht_engine::Clause],
    rules: Vec<RuleView<'a>>,
    gate: &'a postwacht_engine::Gate,
    communication: Option<&'a postwacht_engine::Communication>,
    photo_checklist: Vec<photo::ChecklistItem>,
}

impl<'a> PolicyView<'a> {
    fn of(bundle: &'a Bundle) -> PolicyView<'a> {
        PolicyView {
            id: &bundle.id,
            version: bundle.version,
            issued: &bundle.issued,
            expires: bundle.expires.as_deref(),
            organisation: &bundle.organisation,
            languages: &bundle.languages,
            documents: &bundle.documents,
            clauses: &bundle.clauses,
            rules: bundle
                .rules
                .iter()
                .map(|r| RuleView {
                    id: &r.id,
                    category: r.category,
                    severity: r.severity,
                    clauses: &r.clauses,
                    message: &r.message,
                })
                .collect(),
            gate: &bundle.gate,
            communication: bundle.communication.as_ref(),
            photo_checklist: photo::checklist(bundle),
        }
    }
}

/// Plain JS objects (not `Map`s), so the extension can post them between contexts as they are.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}

fn install_panic_hook() {
    // Debug builds only: a readable panic message in the console while developing. Release
    // builds keep no hook (panics are bugs the engine's tests exist to prevent).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
}
