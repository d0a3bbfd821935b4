// The JS shape of the package: thrown refusals are real Errors with name
// and code, the live preview reports instead of throwing, money never
// passes through a JS number, and the .d.ts describes real types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { booking } from "./load.mjs";

test("thrown refusals are Errors with a kind as name and a stable code", () => {
  assert.throws(() => booking.parseMoney("19.999 USD"), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "ValidationError");
    assert.equal(e.code, "money.too_many_decimals");
    assert.match(e.message, /19\.999/);
    return true;
  });
  const { booking: pending } = booking.createBooking({
    id: "b", clientId: "c", providerId: "p", price: { amount: "10.00", currency: "EUR" },
    scheduledDate: "2026-06-10T09:00:00Z", estimatedDurationMinutes: 30,
  }, "2026-06-01T09:00:00Z");
  assert.throws(() => booking.handleCommand(pending, "c", { type: "confirm" }, "2026-06-01T10:00:00Z"),
    { name: "ForbiddenError", code: "lifecycle.forbidden" });
  assert.throws(() => booking.handleCommand(pending, "p", { type: "approve" }, "2026-06-01T10:00:00Z"),
    { name: "InvalidTransitionError", code: "lifecycle.invalid_transition" });
});

test("S2 the live preview reports an invalid split instead of throwing", () => {
  const members = [
    { userId: "lead", role: "lead", percentage: "70" },
    { userId: "mix", role: "mix-engineer", percentage: 29.5 },
  ];
  const preview = booking.previewSplit({ total: "250.00", currency: "USD", members });
  assert.deepEqual(preview.ok, false);
  assert.equal(preview.error.code, "split.invalid_member");
  assert.equal(preview.error.member, 1);
  members[1].percentage = "30";
  const ok = booking.previewSplit({ total: "250.00", currency: "USD", feeBps: 1000, members });
  assert.deepEqual([ok.fee, ...ok.parts.map((p) => p.amount)], ["25.00", "157.50", "67.50"]);
});

test("S2 the preview's input crossing: any size, any text, and what a bad field was", () => {
  // Far more than the first buffer holds, with non-ASCII ids: it grows.
  const members = Array.from({ length: 100 }, (_, i) => ({
    userId: `créatrice-${"é".repeat(200)}-${i}`, role: i === 0 ? "lead" : "featured ✦", percentage: "1",
  }));
  const preview = booking.previewSplit({ total: "1000.00", currency: "EUR", members });
  assert.equal(preview.ok, true, JSON.stringify(preview.error));
  assert.deepEqual(new Set(preview.parts.map((p) => p.amount)), new Set(["10.00"]));
  members[7].userId = members[3].userId;
  const dup = booking.previewSplit({ total: "1000.00", currency: "EUR", members });
  assert.equal(dup.error.code, "split.duplicate_user");
  assert.equal(dup.error.member, 7);
  assert.match(dup.error.message, /créatrice-é+-3 appears more than once \(members 3 and 7\)/);
  // A field that is not text says what it was; an integer is "too large"
  // only where integers are read at all.
  const two = [{ userId: 1, role: "lead", percentage: "50" }, { userId: "b", role: "x", percentage: 2 ** 60 }];
  const id = booking.previewSplit({ total: "1.00", currency: "EUR", members: two });
  assert.equal(id.error.message, "member 0: userId must be a string, got the number 1");
  two[0].userId = "a";
  const big = booking.previewSplit({ total: "1.00", currency: "EUR", members: two });
  assert.ok(big.error.message.endsWith(`got the number ${2 ** 60}, too large to be exact`), big.error.message);
  two[1].userId = "b\x1fc";
  assert.match(booking.previewSplit({ total: "1.00", currency: "EUR", members: two }).error.message,
    /userId must be a string, got a string with control characters/);
});

test("M1 amounts and minor counts are strings, beyond 2^53 too", () => {
  const big = booking.parseMoney("92233720368547758.07 USD");
  assert.equal(big.minor, "9223372036854775807");
  assert.equal(booking.formatMoney(big.minor, "USD"), "92233720368547758.07 USD");
  const p = booking.previewSplit({ total: "92233720368547758.07", currency: "USD", members: [
    { userId: "a", role: "lead", percentage: "50" }, { userId: "b", role: "x", percentage: "50" }] });
  assert.deepEqual(p.parts.map((x) => x.amount), ["46116860184273879.04", "46116860184273879.03"]);
});

test("the .d.ts types every export (no any outside the raw wasm exports)", () => {
  const dts = readFileSync(new URL("../../pkg/node/booking_wasm.d.ts", import.meta.url), "utf8");
  const exported = dts.split("\n").filter((l) => l.startsWith("export function"));
  assert.ok(exported.length >= 11, exported.join("\n"));
  for (const line of exported) assert.doesNotMatch(line, /\bany\b/, line);
  assert.match(dts, /export function previewSplit\(input: SplitInput\): SplitPreview;/);
  assert.match(dts, /export interface BookingError extends Error/);
});
