// The Node build of the package (booking-wasm/pkg/node, made by
// scripts/build.sh) and the shared vectors (tests/vectors).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
export const booking = require("../../pkg/node/booking_wasm.js");

export function vectors(name) {
  return JSON.parse(readFileSync(new URL(`../../../tests/vectors/${name}.json`, import.meta.url), "utf8")).cases;
}
