#!/usr/bin/env bash
# Installs what tests/e2e/firefox.test.mjs needs, if missing:
#   - Debian's firefox-esr (apt-get; 153 ESR has the CSS Custom Highlight API),
#   - geckodriver, built from crates.io into .tools/bin (cargo install, ~3 minutes once).
# build.sh calls this before the browser tests and puts .tools/bin on the PATH.
# Idempotent: does nothing when both are present (and geckodriver is the pinned version).
set -euo pipefail
cd "$(dirname "$0")/../.."

GECKODRIVER_VERSION=0.37.1
TOOLS="$PWD/.tools"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/firefox-esr ]; then
  say "installing firefox-esr (apt-get) for the Firefox end-to-end test"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr
fi

have=$("$TOOLS/bin/geckodriver" --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true)
if [ "$have" != "$GECKODRIVER_VERSION" ]; then
  if ! command -v cargo >/dev/null; then
    echo "cargo not found: needed to build geckodriver $GECKODRIVER_VERSION (install Rust with rustup)" >&2
    exit 2
  fi
  say "installing geckodriver $GECKODRIVER_VERSION (cargo install) into .tools/"
  start=$SECONDS
  cargo install --quiet --root "$TOOLS" geckodriver --version "$GECKODRIVER_VERSION"
  say "geckodriver built in $((SECONDS - start)) s"
fi
