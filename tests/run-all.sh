#!/usr/bin/env bash
# Runs every test suite of the project, the way CI does (`.ci/run` calls it).
#
#   bash tests/run-all.sh
#
# Rust: formatting, clippy (warnings are errors), unit, integration,
# property, shared-vector, store-conformance and seeded-simulation tests,
# doc examples, and one pass of each bench so they cannot rot.
# Python: `pip install ./booking-py` into a fresh virtualenv (the wheel is
# built by maturin, fetched from PyPI like pytest, hypothesis and mypy),
# then the pytest suite, mypy's stubtest and the Python quickstart.
# WebAssembly: wasm-bindgen-test in Node and headless Chromium, the package
# build with its size budget, `node --test` over the shared vectors and the
# demo page (booking-wasm/scripts/test.sh installs its own toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Runs a test command, keeping its output for the closing tally.
tally() { "$@" 2>&1 | tee -a "$log"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "Rust tests: unit, integration, properties, shared vectors"
tally cargo test --workspace --all-targets --quiet

step "Rust doc examples"
tally cargo test --workspace --doc --quiet

step "rustdoc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --quiet

step "benches compile and run once"
cargo bench --bench core --quiet -- --test >/dev/null
cargo bench --bench service --quiet -- --test >/dev/null
cargo bench --bench schedule --quiet -- --test >/dev/null
cargo bench --bench collab --quiet -- --test >/dev/null

step "examples run"
cargo run --quiet --example quickstart >/dev/null
cargo run --quiet --example pure_core >/dev/null
cargo run --quiet --example transitions >/dev/null
cargo run --quiet --example marketplace >/dev/null
cargo run --quiet --example collaboration >/dev/null

step "Python: fresh virtualenv, pip install ./booking-py, pytest, stubtest"
venv=target/py-venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet pytest hypothesis mypy
"$venv/bin/pip" install --quiet ./booking-py
tally "$venv/bin/python" -m pytest -q -p no:cacheprovider booking-py/tests
"$venv/bin/python" -m mypy.stubtest booking --allowlist booking-py/stubtest-allowlist.txt
"$venv/bin/python" examples/python/quickstart.py >/dev/null
"$venv/bin/python" examples/python/sqlite_store.py

step "WebAssembly: wasm-bindgen-test (Node, Chromium), package + size budget, node --test, demo page"
tally bash booking-wasm/scripts/test.sh

# One closing line over every suite: "N passed, N failed".
passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s += $1} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s += $1} END {print s + 0}')
echo
echo "all suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
