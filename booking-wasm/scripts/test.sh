#!/usr/bin/env bash
# Every wasm check: wasm-bindgen-test in Node and in headless Chromium, the
# package build with its size budget, `node --test` over the shared vectors
# and the API, and the demo page typed into in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
. booking-wasm/scripts/toolchain.sh

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
echo "== wasm-bindgen-test in Node"
wasm_cargo test -p booking-wasm --test web
echo "== wasm-bindgen-test in headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 wasm_cargo test -p booking-wasm --test web

echo "== package"
bash booking-wasm/scripts/build.sh

cd booking-wasm/js
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
echo "== node --test (API, shared vectors, the demo page in headless Chromium)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
node --test test/ | tee "$out"
# The closing tally of tests/run-all.sh reads "N passed" / "N failed".
echo "node --test: $(sed -n 's/^# pass //p' "$out") passed, $(sed -n 's/^# fail //p' "$out") failed"
