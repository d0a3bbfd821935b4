// The browser build's loading (pkg/web), run in Node: initSync() takes both
// modules, wasm-bindgen's and the split preview's, as bytes or compiled
// modules. Its own file, so that the glue starts unloaded (node --test
// runs each file in its own process).
import { test } from "node:test";
import assert from "node:assert/strict";
import { amounts, bytes, pkg, three } from "./web-pkg.mjs";

test("initSync needs both modules, as bytes or compiled", async () => {
  const web = await import(new URL("booking_wasm.js", pkg));
  for (const partial of [{ module: bytes("booking_wasm_glue_bg.wasm") }, { split: bytes("booking_split.wasm") }, undefined]) {
    assert.throws(() => web.initSync(partial), { message: /initSync needs \{module, split\}/ });
  }
  assert.throws(() => web.validateSplit(three), { message: /before previewing a split/ });
  web.initSync({
    module: new WebAssembly.Module(bytes("booking_wasm_glue_bg.wasm")),
    split: new WebAssembly.Module(bytes("booking_split.wasm")),
  });
  assert.equal(web.validateSplit(three), undefined);
  assert.deepEqual(amounts(web), ["0.33", "0.33", "0.34"]);
  assert.equal(web.formatMoney("1999", "USD"), "19.99 USD");
});
