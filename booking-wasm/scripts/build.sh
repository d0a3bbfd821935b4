#!/usr/bin/env bash
# Builds the wasm package into booking-wasm/pkg/{web,node}: the browser's ES
# module and Node's CommonJS module, both optimized with `wasm-opt -Oz`, and
# checks the gzipped size of the .wasm against its budget.
#
# Uses the rustup wasm32 target when it is installed; otherwise builds the
# standard library for wasm from source with Debian's Rust (rustc-web), the
# recipe in ../shared/TOOLCHAIN.md. Installs what is missing (apt packages,
# the wasm-bindgen CLI of the crate's exact version).
set -euo pipefail
cd "$(dirname "$0")/../.."
. booking-wasm/scripts/toolchain.sh

# The budget, gzipped. First measurement: see README ("Size"); the budget
# leaves room for the core to grow by about a fifth before anyone must look.
BUDGET_GZ=${BOOKING_WASM_BUDGET_GZ:-260000}

wasm_cargo build --profile wasm -p booking-wasm
wasm="$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm/booking_wasm.wasm"
for target in web nodejs; do
    out="booking-wasm/pkg/${target/nodejs/node}"
    rm -rf "$out"
    # wasm-bindgen's module is the glue; booking_wasm.js, the entry,
    # re-exports it with previewSplit, validateSplit and splitPreviewer
    # (entry/split.js).
    wasm-bindgen --target "$target" --out-dir "$out" --out-name booking_wasm_glue "$wasm"
    # The features the build uses (toolchain.sh), and no others:
    # --all-features lets wasm-opt emit typed references Node 20 refuses.
    wasm-opt -Oz --enable-bulk-memory --enable-multivalue --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-sign-ext \
        --strip-debug --strip-producers \
        -o "$out/booking_wasm_glue_bg.wasm" "$out/booking_wasm_glue_bg.wasm"
    if [ "$target" = web ]; then
        {
            echo '// booking-wasm for the browser: the wasm-bindgen module, with the split preview in JS.'
            echo 'import * as glue from "./booking_wasm_glue.js";'
            echo 'export * from "./booking_wasm_glue.js";'
            echo 'export { default } from "./booking_wasm_glue.js";'
            cat booking-wasm/entry/split.js
            echo 'export const { previewSplit, validateSplit, splitPreviewer } = splitApi(glue);'
        } >"$out/booking_wasm.js"
        default='export { default } from "./booking_wasm_glue.js";'
    else
        {
            echo '// booking-wasm for Node: the wasm-bindgen module, with the split preview in JS.'
            echo '"use strict";'
            echo 'const glue = require("./booking_wasm_glue.js");'
            cat booking-wasm/entry/split.js
            echo 'module.exports = { ...glue, ...splitApi(glue) };'
        } >"$out/booking_wasm.js"
        default=''
    fi
    {
        echo 'export * from "./booking_wasm_glue.js";'
        [ -z "$default" ] || echo "$default"
        cat booking-wasm/entry/split.d.ts
    } >"$out/booking_wasm.d.ts"
done
raw=$(stat -c %s booking-wasm/pkg/web/booking_wasm_glue_bg.wasm)
gz=$(gzip -9 -c booking-wasm/pkg/web/booking_wasm_glue_bg.wasm | wc -c)
echo "booking_wasm_glue_bg.wasm: $raw bytes, $gz bytes gzipped (budget $BUDGET_GZ)"
if [ "$gz" -gt "$BUDGET_GZ" ]; then
    echo "over the size budget: $gz > $BUDGET_GZ bytes gzipped" >&2
    exit 1
fi
