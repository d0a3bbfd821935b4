#!/usr/bin/env bash
# Builds the wasm package into booking-wasm/pkg/{web,node}: the browser's ES
# module and Node's CommonJS module, each with two wasm modules optimized
# with `wasm-opt -Oz` (wasm-bindgen's, built for size, and the split
# preview's, built for speed: see split/src/lib.rs), and checks the gzipped
# size of each against its budget.
#
# Uses the rustup wasm32 target when it is installed; otherwise builds the
# standard library for wasm from source with Debian's Rust (rustc-web), the
# recipe in ../shared/TOOLCHAIN.md. Installs what is missing (apt packages,
# the wasm-bindgen CLI of the crate's exact version).
set -euo pipefail
cd "$(dirname "$0")/../.."
. booking-wasm/scripts/toolchain.sh

# The budgets, gzipped. First measurements: see README ("Size"); each
# leaves room for its code to grow by about a tenth before anyone must look.
# The split module's was raised once, from 40 000, for the previewer's kept
# team (about 4 KB, and 1.3-1.7x faster sliders).
BUDGET_GZ=${BOOKING_WASM_BUDGET_GZ:-260000}
SPLIT_BUDGET_GZ=${BOOKING_SPLIT_BUDGET_GZ:-44000}

# `wasm-opt -Oz` for both modules. For the split module, built at
# opt-level 3, `-O3` measured 1-3 % faster per preview at the same size:
# not enough to give the package two optimizer settings. The features are
# the ones the builds use (toolchain.sh), and no others: --all-features
# lets wasm-opt emit typed references Node 20 refuses.
optimize() {
    wasm-opt -Oz --enable-bulk-memory --enable-multivalue --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-sign-ext \
        --strip-debug --strip-producers -o "$2" "$1"
}

wasm_cargo build --profile wasm -p booking-wasm
wasm_cargo build --profile wasm-split -p booking-split-wasm
wasm="$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm/booking_wasm.wasm"
split="$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm-split/booking_split.wasm"
for target in web nodejs; do
    out="booking-wasm/pkg/${target/nodejs/node}"
    rm -rf "$out"
    # wasm-bindgen's module is the glue; booking_wasm.js, the entry,
    # re-exports it with previewSplit, validateSplit and splitPreviewer
    # (entry/split.js) over the split module, which needs no glue.
    wasm-bindgen --target "$target" --out-dir "$out" --out-name booking_wasm_glue "$wasm"
    optimize "$out/booking_wasm_glue_bg.wasm" "$out/booking_wasm_glue_bg.wasm"
    optimize "$split" "$out/booking_split.wasm"
    if [ "$target" = web ]; then
        {
            echo '// booking-wasm for the browser: the wasm-bindgen module, with the split preview in JS.'
            echo 'import initGlue, { initSync as initGlueSync } from "./booking_wasm_glue.js";'
            echo 'export * from "./booking_wasm_glue.js";'
            cat booking-wasm/entry/split.js
            cat booking-wasm/entry/init.js
            echo 'export const { previewSplit, validateSplit, splitPreviewer } = splitApi(splitExports);'
        } >"$out/booking_wasm.js"
    else
        {
            echo '// booking-wasm for Node: the wasm-bindgen module, with the split preview in JS.'
            echo '"use strict";'
            echo 'const glue = require("./booking_wasm_glue.js");'
            cat booking-wasm/entry/split.js
            echo 'const split = new WebAssembly.Instance(new WebAssembly.Module('
            echo '  require("fs").readFileSync(require("path").join(__dirname, "booking_split.wasm")))).exports;'
            echo 'module.exports = { ...glue, ...splitApi(() => split) };'
        } >"$out/booking_wasm.js"
    fi
    {
        echo 'export * from "./booking_wasm_glue.js";'
        [ "$target" != web ] || cat booking-wasm/entry/init.d.ts
        cat booking-wasm/entry/split.d.ts
    } >"$out/booking_wasm.d.ts"
done

# Each module against its budget.
over=0
for check in "booking_wasm_glue_bg.wasm $BUDGET_GZ" "booking_split.wasm $SPLIT_BUDGET_GZ"; do
    set -- $check
    raw=$(stat -c %s "booking-wasm/pkg/web/$1")
    gz=$(gzip -9 -c "booking-wasm/pkg/web/$1" | wc -c)
    echo "$1: $raw bytes, $gz bytes gzipped (budget $2)"
    if [ "$gz" -gt "$2" ]; then
        echo "over the size budget: $1 is $gz > $2 bytes gzipped" >&2
        over=1
    fi
done
exit $over
