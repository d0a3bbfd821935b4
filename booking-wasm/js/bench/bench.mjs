// Split previews per second: booking-wasm's previewSplit (the whole split
// on every call) and a splitPreviewer's preview (a total and percentages)
// against dinero.js 2.0's allocate (integer basis-point ratios) on the same
// inputs, in the same run; medians of timed batches, all taking turns.
// Build the package first (bash booking-wasm/scripts/build.sh), then:
// node booking-wasm/js/bench/bench.mjs
import { createRequire } from "node:module";
import { allocate, dinero, toSnapshot } from "dinero.js";
import { USD } from "dinero.js/currencies";

const require = createRequire(import.meta.url);
const booking = require("../../pkg/node/booking_wasm.js");

// Medians in ns per call of each of `fns`, timed in batches that take
// turns so that all see the same machine (a 2-core VM drifts by tens of
// percent from second to second).
function mediansNs(fns, rounds = 31, batchMs = 10) {
  const perBatch = (fn) => {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < 200) { fn(); n++; }
    return Math.max(1, Math.floor((n * batchMs) / 200));
  };
  const sizes = fns.map(perBatch);
  const samples = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, j) => {
      const t = performance.now();
      for (let i = 0; i < sizes[j]; i++) fn();
      samples[j].push(((performance.now() - t) * 1e6) / sizes[j]);
    });
  }
  return samples.map((xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]);
}

/** n basis-point shares summing to 10 000, the first the largest. */
function shares(n) {
  const base = Math.floor(10_000 / n);
  const out = Array(n).fill(base);
  out[0] += 10_000 - base * n;
  return out;
}

const pct = (bps) => `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, "0")}`;
const TOTAL = 99_999;

const col = (text, width) => String(text).padStart(width);
console.log(`${"members".padEnd(8)}${col("previewSplit", 14)}${col("previewer", 12)}${col("dinero allocate", 18)}` +
  `${col("ratio", 8)}${col("ratio (previewer)", 19)}`);
const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
for (const n of [2, 3, 10, 100]) {
  const bps = shares(n);
  const members = bps.map((b, i) => ({ userId: `u${i}`, role: i === 0 ? "lead" : "member", percentage: pct(b) }));
  const input = { total: "999.99", currency: "USD", members };
  // A slider's previewer: the team once, then a total and percentages,
  // as dinero.js gets an amount and ratios.
  const slider = booking.splitPreviewer({ currency: "USD", members });
  const percentages = members.map((m) => m.percentage);
  const ours = booking.previewSplit(input).parts.map((p) => p.amount);
  if (slider.preview("999.99", percentages).amounts.join() !== ours.join()) throw new Error("the previewer differs");
  const theirs = allocate(dinero({ amount: TOTAL, currency: USD }), bps).map((d) => toSnapshot(d).amount);
  if (ours.join() !== theirs.map((m) => pct(m)).join()) console.log(`  (${n} members: dinero.js hands the leftover cents out differently)`);
  const [a, s, b] = mediansNs([
    () => booking.previewSplit(input),
    () => slider.preview("999.99", percentages),
    () => allocate(dinero({ amount: TOTAL, currency: USD }), bps),
  ]);
  console.log(`${String(n).padEnd(8)}${col(us(a), 14)}${col(us(s), 12)}${col(us(b), 18)}` +
    `${col((b / a).toFixed(2) + "x", 8)}${col((b / s).toFixed(2) + "x", 19)}`);
}

// Exactness on random splits: every part must be the floor or the ceiling
// of its exact share (S5). dinero.js gives leftovers by ratio, not remainder.
let seed = 7;
const rand = (k) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % k; };
let ourMisses = 0, theirMisses = 0;
const CASES = 20_000;
for (let c = 0; c < CASES; c++) {
  const n = 2 + rand(6);
  const cuts = Array.from({ length: n - 1 }, () => rand(10_001)).sort((x, y) => x - y);
  const bps = [...cuts, 10_000].map((v, i, a) => v - (i ? a[i - 1] : 0));
  const total = rand(1_000_000_000);
  const members = bps.map((b, i) => ({ userId: `u${i}`, role: i === 0 ? "lead" : "m", percentage: pct(b) }));
  const ours = booking.previewSplit({ total: `${Math.floor(total / 100)}.${String(total % 100).padStart(2, "0")}`, currency: "USD", members });
  const theirs = allocate(dinero({ amount: total, currency: USD }), bps).map((d) => toSnapshot(d).amount);
  bps.forEach((b, i) => {
    const floor = Math.floor((total * b) / 10_000), exact = (total * b) % 10_000 === 0;
    const ok = (m) => m === floor || (!exact && m === floor + 1);
    const mine = Number(ours.parts[i].amount.replace(".", ""));
    if (!ok(mine)) ourMisses++;
    if (!ok(theirs[i])) theirMisses++;
  });
}
console.log(`\nfloor/ceiling misses over ${CASES} random splits: previewSplit ${ourMisses}, dinero.js ${theirMisses}`);
