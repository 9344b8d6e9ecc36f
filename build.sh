#!/usr/bin/env bash
# Postwacht's one build entry point.
#   ./build.sh        build everything and run the main job (check a sample post with the default policy)
#   ./build.sh test   install what the tests need, then run every test suite
#   ./build.sh bench  run the benchmarks (native, wasm in Chromium, typing) and write BENCHMARKS.md
#   ./build.sh fuzz [seconds]  fuzz each target in fuzz/ for that long (default 600)
# On a fresh Debian machine it installs what is missing itself and says so as it does.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> [%ss] %s\033[0m\n' "$SECONDS" "$*" >&2; }

ensure_rust_components() {
  if ! command -v cargo >/dev/null; then
    echo "cargo not found: install Rust with rustup (https://rustup.rs) first" >&2
    exit 2
  fi
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      say "installing rustup component $component"
      rustup component add "$component"
    fi
  done
}

TOOLS="$PWD/.tools"
export PATH="$TOOLS/bin:$PATH"

ensure_wasm_toolchain() {
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    say "installing rustup target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  # wasm-bindgen refuses output from a different crate version: the CLI must match Cargo.lock.
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (as in Cargo.lock) into .tools/"
    cargo install --quiet --root "$TOOLS" wasm-bindgen-cli --version "$want" --no-default-features
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing chromium and chromium-driver (apt-get) for the browser tests"
    sudo_if_needed apt-get update -qq
    sudo_if_needed apt-get install -y -qq chromium chromium-driver
  fi
}

build_wasm() {
  ensure_wasm_toolchain
  say "building the engine for the browser (wasm32, profile wasm: size-tuned release)"
  cargo build --profile wasm -p postwacht-wasm --target wasm32-unknown-unknown
  mkdir -p dist/wasm
  wasm-bindgen --target web --remove-name-section --out-dir dist/wasm \
    target/wasm32-unknown-unknown/wasm/postwacht_wasm.wasm
}

# Size budgets, in bytes, checked on every build. The issue's targets are 600 KB raw and 200 KB
# gzip for the wasm; the engine is far above them (BENCHMARKS.md says why and what was tried),
# so these are a ratchet at today's size plus a little: growth fails the build until someone
# decides it is worth it and raises them here.
# Raised from 2,300,000 for issue #10 (photo metadata with kamadak-exif, the communication section
# and its typed field errors): 2,206,725 → 2,314,704 bytes raw, 667,208 → 697,510 gzip.
# Lowered for issue #8 when the pack sources moved out of the wasm into wasm/pack-sources.json:
# 2,320,053 → 1,541,820 bytes raw, 699,459 → 518,983 gzip. Lowered again when the backtracker and
# the pack assembly's JSON writing left the wasm: 1,494,054 bytes raw, 507,887 gzip. Lowered again
# when daachorse replaced aho-corasick (eighth session): 1,423,517 bytes raw, 488,090 gzip.
WASM_BUDGET_RAW=1495000
WASM_BUDGET_GZIP=512000
ZIP_BUDGET=1000000

check_sizes() {
  local wasm=dist/wasm/postwacht_wasm_bg.wasm zip raw gz zipped
  zip=$(ls dist/postwacht-chromium-*.zip)
  raw=$(wc -c < "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  zipped=$(wc -c < "$zip")
  say "sizes: wasm $raw bytes raw, $gz bytes gzip (budget $WASM_BUDGET_RAW / $WASM_BUDGET_GZIP); extension zip $zipped bytes (budget $ZIP_BUDGET)"
  mkdir -p target/bench
  printf '{"wasm_raw": %s, "wasm_gzip": %s, "zip": %s, "budget": {"wasm_raw": %s, "wasm_gzip": %s, "zip": %s}, "target": {"wasm_raw": 600000, "wasm_gzip": 200000, "zip": 1000000}}\n' \
    "$raw" "$gz" "$zipped" "$WASM_BUDGET_RAW" "$WASM_BUDGET_GZIP" "$ZIP_BUDGET" > target/bench/size.json
  if [ "$raw" -gt "$WASM_BUDGET_RAW" ] || [ "$gz" -gt "$WASM_BUDGET_GZIP" ] || [ "$zipped" -gt "$ZIP_BUDGET" ]; then
    echo "size budget exceeded (see build.sh: WASM_BUDGET_RAW, WASM_BUDGET_GZIP, ZIP_BUDGET)" >&2
    exit 1
  fi
}

ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing nodejs and npm (apt-get) for the extension build"
    sudo_if_needed apt-get update -qq
    sudo_if_needed apt-get install -y -qq nodejs npm
  fi
  # npm ci when the lockfile changed since the last install (or nothing is installed yet).
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci (esbuild, TypeScript, playwright-core, web-ext, editor libraries for fixtures)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build_extension() {
  build_wasm
  ensure_node
  ensure_python
  say "bundling the extension into dist/chromium and dist/firefox"
  node extension/build.mjs
  check_sizes
}

ensure_python() {
  if ! command -v python3 >/dev/null; then
    say "installing python3 (apt-get) for the corpus and clause checks"
    sudo_if_needed apt-get update -qq
    sudo_if_needed apt-get install -y -qq python3
  fi
}

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

build() {
  ensure_rust_components
  say "building the workspace (release)"
  cargo build --release --workspace
  build_extension
}

demo() {
  say "postwacht check tests/samples/demo-nl.txt (default policy)"
  # Exit status 1 means "findings": that is the demo working, not failing.
  set +e
  ./target/release/postwacht check tests/samples/demo-nl.txt
  local status=$?
  set -e
  if [ "$status" -gt 1 ]; then exit "$status"; fi
}

run_tests() {
  ensure_rust_components
  say "cargo fmt --check"
  cargo fmt --all -- --check
  say "cargo clippy (warnings are errors)"
  cargo clippy --workspace --all-targets -- -D warnings
  say "cargo test --workspace"
  cargo test --workspace
  ensure_python
  say "pack sources: clauses verbatim from docs/codes-of-conduct, translations complete"
  python3 crates/engine/packs/check_clauses.py
  say "development corpus: labels, composition and identifier checksums"
  python3 tests/corpus/check_corpus.py tests/corpus/dev.jsonl
  say "rule examples of every embedded pack"
  cargo build --release -p postwacht-cli
  for pack in $(./target/release/postwacht packs | cut -f1); do
    ./target/release/postwacht policy test --pack "$pack" --min-examples 3
  done

  ensure_wasm_toolchain
  ensure_chromium
  say "wasm tests in headless Chromium (wasm-bindgen-test)"
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_USE_BROWSER=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p postwacht-wasm --target wasm32-unknown-unknown
  build_extension
  say "type-checking the extension (tsc)"
  npx --no-install tsc --noEmit -p .
  say "web-ext lint of dist/firefox"
  npx --no-install web-ext lint --source-dir dist/firefox --self-hosted --warnings-as-errors
  tests/e2e/ensure-firefox.sh
  say "end-to-end tests: dist/chromium in Debian Chromium, dist/firefox in firefox-esr, on fixture pages"
  node tests/fixtures/build.mjs
  # One browser at a time: two cores, and each test file starts its own.
  node --test --test-concurrency=1 --test-reporter=spec tests/e2e/
}

run_benchmarks() {
  build
  say "benchmark inputs: texts from the corpus, synthetic 10 to 1,000-rule bundles"
  cargo run --release -q -p postwacht-bench --bin bench-inputs -- target/bench/inputs
  say "native benchmarks (criterion)"
  cargo bench -p postwacht-bench
  ensure_chromium
  node tests/fixtures/build.mjs
  say "wasm in Chromium against the JavaScript RegExp baseline"
  node tests/bench/engine-page.mjs
  say "typing in the fixture editors: keystroke to highlight, added latency, cold start, memory"
  node tests/bench/typing.mjs
  node tests/bench/report.mjs
  say "wrote BENCHMARKS.md"
}

# Coverage-guided fuzzing with cargo-fuzz (libFuzzer); targets, seeds and invariants in fuzz/.
# `-s none`: cargo-fuzz's default AddressSanitizer is passed as `-Zsanitizer=address`, which
# stable rustc refuses (no nightly can be fetched here). RUSTC_BOOTSTRAP=1 would force it
# through, but the engine has no `unsafe` code: what ASan catches (out-of-bounds, use after
# free) cannot happen in it, while every failure it can have is a panic, which libFuzzer reports
# without a sanitizer, and ASan's instrumentation would slow every execution. `-a` keeps debug
# assertions and overflow checks on, so an arithmetic overflow is a crash here, not a wrap.
CARGO_FUZZ_VERSION=0.13.2
FUZZ_TARGETS="scan bundle bundle_structured envelope"

ensure_cargo_fuzz() {
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools/"
    cargo install --quiet --locked --root "$TOOLS" cargo-fuzz --version "$CARGO_FUZZ_VERSION"
  fi
}

run_fuzz() {
  local seconds=${1:-600} target status failed=""
  ensure_rust_components
  ensure_cargo_fuzz
  ensure_python
  say "bundle seeds from the packs of this working copy (fuzz/make_bundle_seeds.py)"
  cargo build --release -q -p postwacht-cli
  mkdir -p target/fuzz/packs
  for pack in $(./target/release/postwacht packs | cut -f1); do
    ./target/release/postwacht policy export --pack "$pack" > "target/fuzz/packs/$pack.json"
  done
  python3 fuzz/make_bundle_seeds.py fuzz/corpus/bundle target/fuzz/packs/*.json
  say "building the fuzz targets (cargo fuzz build -s none -a)"
  (cd fuzz && cargo fuzz build -s none -a)
  for target in $FUZZ_TARGETS; do
    say "fuzzing $target for $seconds s (full log: target/fuzz/$target.log)"
    mkdir -p "fuzz/corpus/$target"
    set +e
    # -timeout: any input taking 30 s is a hang to report (every input is at most 40 KB).
    (cd fuzz && cargo fuzz run -s none -a "$target" "corpus/$target" "seeds/$target" -- \
      -max_total_time="$seconds" -timeout=30 -print_final_stats=1) > "target/fuzz/$target.log" 2>&1
    status=$?
    set -e
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::' "target/fuzz/$target.log" >&2 || true
    if [ "$status" -ne 0 ]; then
      grep -E -A30 'panicked|ERROR: libFuzzer|SUMMARY' "target/fuzz/$target.log" | head -60 >&2 || true
      failed="$failed $target"
    fi
  done
  if [ -n "$failed" ]; then
    echo "fuzzing found crashes in:$failed (inputs in fuzz/artifacts/; minimise with cargo fuzz tmin," \
      "then add them to crates/engine/tests/data/fuzz/<target>/)" >&2
    exit 1
  fi
}

# Long sessions (issue #9): three tabs open and close 200 compose dialogs over 10 minutes of
# typing, with and without the extension at once; listeners, highlights, our UI and the heap may
# not grow beyond the bounds in tests/e2e/soak.mjs. Samples go to target/soak/. ./build.sh test
# runs a 30-second version (tests/e2e/stress.test.mjs).
run_soak() {
  build
  ensure_chromium
  node tests/fixtures/build.mjs
  say "soak: 200 compose dialogs, 10 minutes of typing (22 minutes in all on a busy 2-core machine)"
  node tests/e2e/soak.mjs
}

case "${1:-build}" in
  build) build; demo ;;
  test) run_tests; say "all tests passed" ;;
  bench) run_benchmarks ;;
  fuzz) run_fuzz "${2:-600}"; say "fuzzing found nothing" ;;
  soak) run_soak; say "every bound held" ;;
  *) echo "usage: ./build.sh [test|bench|fuzz [seconds per target]]" >&2; exit 2 ;;
esac
