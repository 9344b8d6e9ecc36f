// Bundles the extension front end and writes loadable unpacked extensions for Chromium and
// Firefox into dist/, plus a zip of each. The wasm engine must already be in dist/wasm and the
// command line in target/release (build.sh builds both first).
//   node extension/build.mjs [--dev]
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const src = join(root, "extension");
const out = join(root, "dist");
const wasm = join(out, "wasm", "postwacht_wasm_bg.wasm");
if (!existsSync(wasm)) {
  console.error(`missing ${wasm}: run ./build.sh, which builds the wasm engine first`);
  process.exit(2);
}

const staging = join(out, "extension");
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });

const common = {
  bundle: true,
  minify: !dev,
  sourcemap: dev ? "inline" : false,
  target: ["chrome120", "firefox140"],
  logLevel: "warning",
  legalComments: "none",
};
await Promise.all([
  // The service worker is a module worker: it imports the wasm-bindgen glue statically.
  build({ ...common, entryPoints: [join(src, "src/background/index.ts")], format: "esm", outfile: join(staging, "background.js") }),
  // Content scripts are classic scripts.
  build({ ...common, entryPoints: [join(src, "src/content/index.ts")], format: "iife", outfile: join(staging, "content.js") }),
  build({ ...common, entryPoints: [join(src, "src/pages/popup.ts"), join(src, "src/pages/options.ts")], format: "esm", outdir: staging }),
]);
for (const page of ["popup.html", "options.html", "pages.css"]) cpSync(join(src, "src/pages", page), join(staging, page));
cpSync(join(src, "managed_schema.json"), join(staging, "managed_schema.json"));
cpSync(join(src, "src/content.css"), join(staging, "content.css"));
cpSync(join(src, "_locales"), join(staging, "_locales"), { recursive: true });
mkdirSync(join(staging, "icons"));
for (const size of [16, 32, 48, 128]) cpSync(join(src, `icons/icon-${size}.png`), join(staging, `icons/icon-${size}.png`));
mkdirSync(join(staging, "wasm"));
cpSync(wasm, join(staging, "wasm", "postwacht_wasm_bg.wasm"));
writeFileSync(join(staging, "wasm", "pack-sources.json"), JSON.stringify(packSources()));
writeFileSync(join(staging, "wasm", "pack-gates.json"), gateTable());

const manifest = JSON.parse(readFileSync(join(src, "manifest.json"), "utf8"));
const variants = {
  chromium: manifest,
  firefox: firefoxManifest(manifest),
};
for (const [name, m] of Object.entries(variants)) {
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(staging, dir, { recursive: true });
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(m, null, 2) + "\n");
  const zip = join(out, `postwacht-${name}-${m.version}.zip`);
  rmSync(zip, { force: true });
  // python3's zipfile: present wherever build.sh runs, unlike the zip command.
  execFileSync("python3", ["-m", "zipfile", "-c", zip, ...listDir(dir)], { cwd: dir });
  console.log(`dist/${name}/ and ${zip.slice(root.length + 1)}`);
}
rmSync(staging, { recursive: true, force: true });

/**
 * The built-in packs' sources as `{path: text}`, for the engine's `Packs`: outside the wasm, where
 * they were a third of its size. The same files the engine embeds for the command line (a test in
 * crates/engine/src/packs.rs holds the two lists equal).
 */
function packSources() {
  const dir = join(root, "crates/engine/packs");
  const files = {};
  for (const top of ["packs.json", "documents.json", "category-clauses.json"]) files[top] = readFileSync(join(dir, top), "utf8");
  for (const sub of ["clauses", "lists", "rules"]) {
    for (const name of readdirSync(join(dir, sub)).filter((n) => n.endsWith(".json")).sort()) {
      files[`${sub}/${name}`] = readFileSync(join(dir, sub, name), "utf8");
    }
  }
  return files;
}

/**
 * The gate literals of every built-in pattern, worked out now by the command line of this same
 * engine (built before the extension), so the service worker's start need not parse the patterns
 * to find them (a third of that start). From the same source files as `packSources`.
 */
function gateTable() {
  const cli = join(root, "target", "release", "postwacht");
  if (!existsSync(cli)) {
    console.error(`missing ${cli}: run ./build.sh, which builds the command line first`);
    process.exit(2);
  }
  const packs = join(root, "crates/engine/packs");
  return execFileSync(cli, ["--packs-dir", packs, "packs", "gate-table"], { encoding: "utf8", maxBuffer: 64 << 20 });
}

/** Firefox: an event page instead of a service worker, a gecko id, no Chromium-only keys. */
function firefoxManifest(m) {
  const f = structuredClone(m);
  delete f.key;
  delete f.minimum_chrome_version;
  f.background = { scripts: [m.background.service_worker], type: "module" };
  f.content_scripts = m.content_scripts.map(({ match_origin_as_fallback, ...cs }) => ({
    ...cs,
    match_about_blank: true,
  }));
  f.browser_specific_settings = {
    gecko: { id: "postwacht@postwacht.eu", strict_min_version: "142.0", data_collection_permissions: { required: ["none"] } },
  };
  return f;
}

function listDir(dir) {
  return execFileSync("ls", ["-A", dir], { encoding: "utf8" }).split("\n").filter(Boolean);
}
