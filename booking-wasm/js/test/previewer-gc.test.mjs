// A previewer's team lives in the split module as long as the previewer
// can be called, and is let go of (split_team_drop, from a
// FinalizationRegistry) once it cannot: sliders come and go with the
// pages that show them, and their teams must not pile up in wasm memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

const read = (path) => readFileSync(new URL(path, import.meta.url));
const splitApi = new Function(read("../../entry/split.js").toString("utf8") + "\nreturn splitApi;")();
const exports = new WebAssembly.Instance(new WebAssembly.Module(read("../../pkg/node/booking_split.wasm"))).exports;

const made = [];
const dropped = [];
const api = splitApi(() => ({
  ...exports,
  split_team: (fields) => { const h = exports.split_team(fields); made.push(h); return h; },
  split_team_drop: (h) => { dropped.push(h); exports.split_team_drop(h); },
}));

const team = { currency: "USD", members: [{ userId: "a", role: "lead" }, { userId: "b", role: "x" }] };

async function collect(until) {
  for (let i = 0; i < 100 && !until(); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("the teams of previewers that are gone are let go of, and their handles reused", async () => {
  // Only the preview function is kept: its team must stay.
  const kept = api.splitPreviewer(team).preview;
  assert.deepEqual(kept("1.00", ["50", "50"]).amounts, ["0.50", "0.50"]);
  const keptHandle = made[0];
  (() => {
    for (let i = 0; i < 20; i++) assert.equal(api.splitPreviewer(team).preview("1.00", ["60", "40"]).amounts[0], "0.60");
  })();
  await collect(() => dropped.length === 20);
  assert.equal(dropped.length, 20);
  assert.ok(!dropped.includes(keptHandle));
  assert.deepEqual([...dropped].sort((x, y) => x - y), made.slice(1).sort((x, y) => x - y));
  // A new previewer takes a freed handle, and the kept one still works.
  const next = api.splitPreviewer(team);
  assert.equal(next.preview("2.00", ["25", "75"]).amounts[1], "1.50");
  assert.ok(dropped.includes(made[21]));
  assert.deepEqual(kept("1.00", ["50", "50"]).amounts, ["0.50", "0.50"]);
});
