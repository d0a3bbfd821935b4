// The JS shape of the package: thrown refusals are real Errors with name
// and code, the live preview reports instead of throwing, money never
// passes through a JS number, and the .d.ts describes real types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { booking } from "./load.mjs";
import { three } from "./web-pkg.mjs";

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

test("S7 the preview gives the extra cent to the largest remainder", () => {
  const p = booking.previewSplit({ total: "1.00", currency: "USD", members: three });
  assert.equal(p.ok, true);
  assert.deepEqual(p.parts.map((x) => x.amount), ["0.33", "0.33", "0.34"]);
  assert.deepEqual([p.fee, p.currency, p.total, p.unallocated], ["0.00", "USD", "1.00", "0.00"]);
  assert.deepEqual(p.parts[2], { userId: "c", role: "vocals", percentage: "33.34", amount: "0.34" });
});

test("S3 the fee first, then the parts; codes and whole-number percentages are read as the core reads them", () => {
  const p = booking.previewSplit({ total: "100", currency: "usd", feeBps: 500, members: [
    { userId: "a", role: "lead", percentage: 60 }, { userId: "b", role: "x", percentage: "40" }] });
  assert.deepEqual([p.fee, p.parts[0].amount, p.parts[1].amount], ["5.00", "57.00", "38.00"]);
  assert.deepEqual([p.currency, p.total, p.parts[0].percentage], ["USD", "100.00", "60"]);
});

test("S2 problems name their member when they are about one", () => {
  const sum = booking.previewSplit({ total: "10.00", currency: "USD", members: [
    { userId: "a", role: "lead", percentage: "50" }, { userId: "b", role: "x", percentage: "49.99" }] });
  assert.deepEqual(sum, { ok: false, error: { code: "split.sum_not_100", message: "percentages sum to 99.99, not 100" } });
  const dup = booking.validateSplit([{ userId: "a", role: "lead", percentage: "50" }, { userId: "a", role: "x", percentage: "50" }]);
  assert.deepEqual([dup.code, dup.member], ["split.duplicate_user", 1]);
  assert.equal(booking.validateSplit(three), undefined);
  assert.equal(booking.validateSplit([{ userId: "a", role: "x", percentage: "100" }]).code, "split.lead_count");
});

test("S2 bad shapes come back as problems, not exceptions", () => {
  const bad = [null, 42, "x", [], { total: 1.5, currency: "USD", members: [] }, { total: "1", currency: "USD" },
    { total: "1", currency: 7, members: three }, { total: "1", currency: "USD", feeBps: 1.5, members: three },
    { total: "1", currency: "USD", members: [null, 3, "m"] }];
  const codes = bad.map((input) => {
    const p = booking.previewSplit(input);
    assert.equal(p.ok, false, JSON.stringify(input));
    assert.ok(p.error.message.length > 0);
    return p.error.code;
  });
  assert.deepEqual(codes, ["json.invalid", "json.invalid", "json.invalid", "json.invalid", "json.invalid",
    "json.invalid", "json.invalid", "json.invalid", "split.invalid_member"]);
  assert.equal(booking.previewSplit(null).error.message, "split: expected {total, currency, …}, got null");
  assert.equal(booking.previewSplit([]).error.message, "split: expected {total, currency, …}, got an array");
  assert.equal(booking.previewSplit({ total: "1", currency: "USD" }).error.message,
    "members: expected an array of {userId, role, percentage}, got missing");
  assert.equal(booking.previewSplit({ total: "1.001", currency: "USD", members: three }).error.code,
    "money.too_many_decimals");
  assert.equal(booking.validateSplit("nope").message, "members: expected an array of {userId, role, percentage}, got a string");
});

test("S2, O6 the preview's input crossing: any size, any text, and what a bad field was", () => {
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
  // Any text crosses, control characters too, and text far longer than
  // anything before (the buffer grows mid-field); the core compares the
  // ids it was given, so a repeat is still found.
  two[1].percentage = "50";
  for (const id of ["b\x1fc", "b\0c", "\x1f", "😀".repeat(30_000)]) {
    two[1].userId = id;
    const p = booking.previewSplit({ total: "1.00", currency: "EUR", members: two });
    assert.deepEqual(p.parts.map((x) => x.amount), ["0.50", "0.50"], JSON.stringify(p.error));
    two[0].userId = id;
    const dup = booking.previewSplit({ total: "1.00", currency: "EUR", members: two });
    assert.equal(dup.error?.code, "split.duplicate_user", id.slice(0, 9));
    two[0].userId = "a";
  }
  // Lone surrogates arrive as U+FFFD, as TextEncoder writes them: two
  // different ones are the same user.
  two[0].userId = "\ud800";
  two[1].userId = "\udfff";
  assert.equal(booking.previewSplit({ total: "1.00", currency: "EUR", members: two }).error.code, "split.duplicate_user");
});

test("O6 a split call from a getter of another's input is refused, and the outer call is unharmed", () => {
  const inner = [];
  const spy = {
    userId: "b", role: "x",
    get percentage() {
      inner.push(booking.previewSplit({ total: "5.00", currency: "USD", members: three }));
      inner.push(booking.validateSplit(three));
      return "50";
    },
  };
  const outer = booking.previewSplit({ total: "1.00", currency: "EUR", members: [
    { userId: "a", role: "lead", percentage: "50" }, spy] });
  assert.deepEqual(outer.parts.map((x) => x.amount), ["0.50", "0.50"]);
  assert.equal(outer.currency, "EUR");
  // The getter ran while the input was written and again while the
  // answer was read: refused both times.
  assert.deepEqual(inner.map((r) => (r.error ?? r).code), Array(4).fill("json.invalid"));
  assert.match(inner[0].error.message, /previewSplit was called from a getter/);
  // And the next call is an ordinary one.
  assert.equal(booking.previewSplit({ total: "5.00", currency: "USD", members: three }).parts[2].amount, "1.67");
});

test("S7 a previewer reads its team once and answers each total and percentages as previewSplit does", () => {
  const team = { currency: "usd", feeBps: 1000, members: [{ userId: "a", role: "lead" }, { userId: "b", role: "mix" }] };
  const slider = booking.splitPreviewer(team);
  assert.deepEqual(slider.preview("250.00", ["70", 30]),
    { ok: true, fee: "25.00", unallocated: "0.00", amounts: ["157.50", "67.50"] });
  // The team was read when the previewer was made.
  team.members[1].userId = "a";
  team.feeBps = 0;
  for (const [total, pcts] of [["1.00", ["33.34", "66.66"]], ["0.01", ["50", "50"]], ["-10.05", ["12.5", "87.5"]]]) {
    const whole = booking.previewSplit({ total, currency: "USD", feeBps: 1000, members: [
      { userId: "a", role: "lead", percentage: pcts[0] }, { userId: "b", role: "mix", percentage: pcts[1] }] });
    const slid = slider.preview(total, pcts);
    assert.deepEqual(slid, { ok: true, fee: whole.fee, unallocated: whole.unallocated, amounts: whole.parts.map((x) => x.amount) });
  }
  const coarse = booking.splitPreviewer({ currency: "JPY", unit: 100, members: [{ userId: "a", role: "lead" }] });
  assert.deepEqual(coarse.preview("1050", ["100"]), { ok: true, fee: "0", unallocated: "50", amounts: ["1000"] });
});

test("S2 a previewer reports problems in its result: the team's, the percentages', the total's", () => {
  const slider = booking.splitPreviewer({ currency: "USD", members: [{ userId: "a", role: "lead" }, { userId: "b", role: "x" }] });
  const error = (total, pcts) => slider.preview(total, pcts).error;
  assert.deepEqual(error("10.00", ["50", "49.99"]), { code: "split.sum_not_100", message: "percentages sum to 99.99, not 100" });
  assert.deepEqual(error("10.00", ["50", 49.5]), {
    code: "split.invalid_member", member: 1,
    message: 'member 1: percentage must be a decimal string such as "33.33" or a whole number, got the number 49.5, a float',
  });
  // Text a slider would not send, after text it would: the same answers.
  assert.deepEqual(error("10.00", ["50", "５０"]),
    { code: "split.invalid_member", member: 1, message: 'member 1: percentage "５０" is not a decimal number' });
  assert.deepEqual(slider.preview("10.00", ["50", 50]).amounts, ["5.00", "5.00"]);
  assert.equal(error("１０", ["50", "50"]).code, "money.invalid_amount");
  assert.equal(error("10.00", ["100"]).message,
    "percentages: expected an array of 2 decimal strings, one per member, got 1");
  assert.equal(error("10.00", "50,50").message,
    "percentages: expected an array of 2 decimal strings, one per member, got a string");
  assert.equal(error(10, ["50", "50"]).message, 'total: expected a decimal string such as "250.00", got the number 10');
  assert.equal(error("10.001", ["50", "50"]).code, "money.too_many_decimals");
  // A team's problem is answered on every preview.
  const twice = booking.splitPreviewer({ currency: "USD", members: [{ userId: "a", role: "lead" }, { userId: "a", role: "x" }] });
  assert.deepEqual([twice.preview("1.00", ["50", "50"]).error.code, twice.preview("1.00", ["50", "50"]).error.member],
    ["split.duplicate_user", 1]);
  const odd = booking.splitPreviewer({ currency: "XYZ", members: [null, { userId: 7, role: "lead" }] });
  assert.equal(odd.preview("1.00", ["50", "50"]).error.code, "money.unknown_currency");
  const bad = booking.splitPreviewer({ currency: "USD", members: [null, { userId: 7, role: "lead" }] });
  assert.equal(bad.preview("1.00", ["50", "50"]).error.message, "member 0: userId must be a string, got null");
  for (const team of [null, "team", []]) {
    const p = booking.splitPreviewer(team).preview("1.00", ["100"]);
    assert.equal(p.ok, false);
    assert.equal(p.error.code, "json.invalid");
    assert.match(p.error.message, /^splitPreviewer: expected a team \{currency, members, …\}, got /);
  }
  assert.equal(booking.splitPreviewer({ currency: "USD" }).preview("1.00", []).error.message,
    "members: expected an array of {userId, role}, got missing");
  // In member order, as previewSplit: member 0's id before the count of
  // percentages, which comes before member 0's percentage.
  const first = booking.splitPreviewer({ currency: "USD", members: [null, { userId: "b", role: "lead" }] });
  assert.equal(first.preview("1.00", []).error.message, "member 0: userId must be a string, got null");
});

test("S2, O6 a previewer's team of any size and text, and a preview from a getter", () => {
  const members = Array.from({ length: 100 }, (_, i) => ({ userId: `créatrice-${"é".repeat(200)}-${i}`, role: i ? "x" : "lead" }));
  const slider = booking.splitPreviewer({ currency: "EUR", members });
  const ones = Array(100).fill("1");
  assert.deepEqual(new Set(slider.preview("1000.00", ones).amounts), new Set(["10.00"]));
  // Percentages far longer than the buffers: they grow mid-preview.
  const long = slider.preview("1000.00", Array(100).fill("1." + "0".repeat(5000))).error;
  assert.deepEqual([long.code, long.member], ["split.invalid_member", 0]);
  assert.deepEqual(slider.preview("1000.00", ones).amounts, Array(100).fill("10.00"));
  const inner = [];
  const pcts = ["60", "40"];
  const spy = booking.splitPreviewer({ currency: "USD", members: [{ userId: "a", role: "lead" }, { userId: "b", role: "x" }] });
  Object.defineProperty(pcts, 1, { get() { inner.push(spy.preview("1.00", ["50", "50"]), booking.previewSplit(null)); return "40"; } });
  assert.deepEqual(spy.preview("1.00", pcts).amounts, ["0.60", "0.40"]);
  assert.deepEqual(inner.map((r) => r.error.code), ["json.invalid", "json.invalid"]);
  assert.match(inner[0].error.message, /^preview was called from a getter/);
  assert.deepEqual(spy.preview("1.00", ["50", "50"]).amounts, ["0.50", "0.50"]);
});

test("M1 amounts and minor counts are strings, beyond 2^53 too", () => {
  const big = booking.parseMoney("92233720368547758.07 USD");
  assert.equal(big.minor, "9223372036854775807");
  assert.equal(booking.formatMoney(big.minor, "USD"), "92233720368547758.07 USD");
  const p = booking.previewSplit({ total: "92233720368547758.07", currency: "USD", members: [
    { userId: "a", role: "lead", percentage: "50" }, { userId: "b", role: "x", percentage: "50" }] });
  assert.deepEqual(p.parts.map((x) => x.amount), ["46116860184273879.04", "46116860184273879.03"]);
});

test("the .d.ts types every export, no any", () => {
  const read = (name) => readFileSync(new URL(`../../pkg/node/${name}.d.ts`, import.meta.url), "utf8");
  const dts = read("booking_wasm") + read("booking_wasm_glue");
  const exported = dts.split("\n").filter((l) => l.startsWith("export function"));
  assert.ok(exported.length >= 11, exported.join("\n"));
  for (const line of exported) assert.doesNotMatch(line, /\bany\b/, line);
  assert.match(dts, /export function previewSplit\(input: SplitInput\): SplitPreview;/);
  assert.match(dts, /export function splitPreviewer\(team: SplitTeam\): SplitPreviewer;/);
  assert.match(dts, /export interface BookingError extends Error/);
  const web = readFileSync(new URL("../../pkg/web/booking_wasm.d.ts", import.meta.url), "utf8");
  assert.match(web, /export default function init\(/);
  assert.match(web, /export function initSync\(options: \{ module: SyncInitInput; split: SyncInitInput \}\): InitOutput;/);
  assert.doesNotMatch(web, /\bany\b/);
});
