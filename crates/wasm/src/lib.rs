//! The engine for the browser: a thin wasm-bindgen layer. Everything that decides anything lives
//! in `postwacht-engine`; this crate only converts between JSON/JS values and engine types.

use postwacht_engine::{packs, Bundle, Engine, Finding, Lang, ScanOptions};
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

    /// An engine for a built-in pack (`overheid`, `ind`, …).
    #[wasm_bindgen(js_name = fromPack)]
    pub fn from_pack(name: &str) -> Result<WasmEngine, JsError> {
        install_panic_hook();
        let engine = packs::engine(name).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(WasmEngine { engine })
    }

    /// An engine for the built-in default policy: works with no configuration and no network.
    #[wasm_bindgen(js_name = withDefaultPolicy)]
    pub fn with_default_policy() -> Result<WasmEngine, JsError> {
        WasmEngine::from_pack(packs::DEFAULT_PACK)
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

/// The built-in packs: `[{name, description}]`, the default first.
#[wasm_bindgen(js_name = builtInPacks)]
pub fn built_in_packs() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Pack {
        name: String,
        description: String,
    }
    let list: Vec<Pack> = packs::list()
        .into_iter()
        .map(|p| Pack {
            name: p.name,
            description: p.description,
        })
        .collect();
    to_js(&list)
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
