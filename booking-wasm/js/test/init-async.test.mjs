// The browser build's loading (pkg/web), run in Node: init() loads both
// modules, wasm-bindgen's and the split preview's, and a split call before
// it says what to do. (initSync has its own file: node --test runs each
// file in its own process, so there the glue starts unloaded too.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { amounts, bytes, pkg, three } from "./web-pkg.mjs";

test("init loads both modules from the sources it is given", async () => {
  const web = await import(new URL("booking_wasm.js", pkg));
  assert.throws(() => amounts(web), { message: /await init\(\) \(or call initSync\) before previewing a split/ });
  // A missing split module is named; the glue's part of the load is
  // harmless to repeat.
  await assert.rejects(web.default({ module_or_path: bytes("booking_wasm_glue_bg.wasm"),
    split: new Response("no", { status: 404 }) }), { message: /could not load the split module .*HTTP 404/ });
  assert.throws(() => amounts(web), { message: /before previewing a split/ });
  // Two at once share the one load.
  await Promise.all([1, 2].map(() =>
    web.default({ module_or_path: bytes("booking_wasm_glue_bg.wasm"), split: bytes("booking_split.wasm") })));
  assert.deepEqual(amounts(web), ["0.33", "0.33", "0.34"]);
  assert.equal(web.formatMoney("1999", "USD"), "19.99 USD");
  // Once loaded, init loads the split module no more: a source that
  // would fail is never read.
  await web.default({ split: new Response("no", { status: 404 }) });
  assert.deepEqual(amounts(web), ["0.33", "0.33", "0.34"]);
  const slider = web.splitPreviewer({ currency: "USD", members: three });
  assert.deepEqual(slider.preview("1.00", ["50", "25", "25"]).amounts, ["0.50", "0.25", "0.25"]);
});
