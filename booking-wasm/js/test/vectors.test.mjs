// Every shared vector (tests/vectors, SPEC §V) through the JS API, with
// the answers the Rust and Python suites get.
import { test } from "node:test";
import assert from "node:assert/strict";
import { booking, vectors } from "./load.mjs";

for (const c of vectors("splits")) {
  test(`splits: ${c.name}`, () => {
    const input = {
      total: c.total.amount, currency: c.total.currency, feeBps: c.feeBps, unit: c.unit, members: c.splits,
    };
    const preview = booking.previewSplit(input);
    const slid = booking.splitPreviewer({ currency: c.total.currency, feeBps: c.feeBps, unit: c.unit, members: c.splits })
      .preview(c.total.amount, c.splits.map((m) => m.percentage));
    if (c.error) {
      assert.equal(preview.ok, false);
      assert.deepEqual(slid.error, preview.error);
      assert.equal(preview.error.code, c.error);
      assert.ok(preview.error.message.length > 0);
      return;
    }
    assert.equal(preview.ok, true, JSON.stringify(preview));
    assert.equal(preview.fee, c.expected.fee);
    assert.deepEqual(preview.parts.map((p) => p.amount), c.expected.parts);
    assert.equal(preview.unallocated, c.expected.unallocated);
    assert.deepEqual(preview.parts.map((p) => p.userId), c.splits.map((m) => m.userId));
    if (c.unit === 1) assert.equal(booking.validateSplit(c.splits), undefined);
    assert.deepEqual(slid, { ok: true, fee: c.expected.fee, unallocated: c.expected.unallocated, amounts: c.expected.parts });
  });
}

for (const c of vectors("votes")) {
  test(`votes: ${c.name}`, () => {
    const input = {
      releaseRule: c.escrowReleaseRule, members: c.members, lead: c.lead, votes: c.votes, windowClosed: c.windowClosed,
    };
    assert.equal(booking.tallyVotes(input), c.expected);
  });
}

// A confirmed booking, cancelled `secondsBefore` its session by the client
// or the lead: the quote is what the cancel would refund (C2, C3, C5).
const SCHEDULED = Date.parse("2026-07-01T09:00:00Z");
const iso = (ms) => new Date(ms).toISOString();

for (const c of vectors("refunds")) {
  test(`refunds: ${c.name}`, () => {
    const start = iso(SCHEDULED - 31 * 86_400_000);
    const { booking: pending } = booking.createBooking({
      id: "b", clientId: "client", providerId: "lead", price: c.price, scheduledDate: iso(SCHEDULED),
      estimatedDurationMinutes: 60, policy: booking.policyPreset(c.policy),
    }, start);
    const { booking: confirmed } = booking.handleCommand(pending, "lead", { type: "confirm" }, start);
    const quote = booking.refundQuote(confirmed, c.cancelledBy, iso(SCHEDULED - c.secondsBefore * 1000));
    assert.deepEqual([quote.refund.amount, quote.kept.amount], [c.expected.refund, c.expected.kept]);
    assert.equal(quote.voided, false);
    if (c.cancelledBy === "client") {
      const byPolicy = booking.cancellationRefund({
        policy: c.policy, price: c.price, scheduledDate: iso(SCHEDULED), at: iso(SCHEDULED - c.secondsBefore * 1000),
      });
      assert.equal(byPolicy.refund.amount, c.expected.refund);
    }
  });
}
