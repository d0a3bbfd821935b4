//! `booking-core` for the browser and Node, through wasm-bindgen: refund
//! quotes, release-vote tallies, the actions a viewer may take, money
//! parsing and formatting, and the pure booking lifecycle. The package's
//! live split previews and split validation are the split module's
//! (`split/`), behind the same entry.
//!
//! It adds no rules of its own: every answer is the core's. What it adds
//! is the JS shape:
//! - amounts are decimal strings (`"19.99"`), minor-unit counts and ids are
//!   strings: no float and no BigInt ever carries money;
//! - instants are RFC 3339 strings (`Date.prototype.toISOString()`);
//! - refusals are thrown as real `Error` objects whose `name` is the kind
//!   (`ValidationError`, `ForbiddenError`, `InvalidTransitionError`, …) and
//!   whose `code` is the core's stable code (`"split.sum_not_100"`);
//! - except on the live-preview path: `previewSplit`, `validateSplit` and
//!   a `splitPreviewer`'s `preview` report an invalid split in their
//!   result, since a slider fires often and a thrown `Error` costs
//!   microseconds of stack capture. These are JS (`entry/split.js`, which
//!   `scripts/build.sh` makes the package's entry around wasm-bindgen's
//!   module) over a second, speed-optimized wasm module of their own
//!   (`split/`, the crate `booking-split-wasm`): they write their input
//!   straight into its memory and make one call;
//! - the TypeScript declarations below describe every shape.
//!
//! The exports need a JS engine, so their tests run in one:
//! `tests/web.rs` (wasm-bindgen-test, in Node and in headless Chromium) and
//! `js/test/` (`node --test`: the shared vectors, the API's JS shape, the
//! demo page). `scripts/test.sh` runs them all.

use wasm_bindgen::prelude::*;

mod booking;
mod js;
mod money;

pub use booking::{
    allowed_actions, cancellation_refund, create_booking, handle_command, policy_preset, refund_quote, tally_votes,
};
pub use money::{format_money, parse_money};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** An amount: a decimal string in major units and an ISO 4217 code. */
export interface Money { amount: string; currency: string }

/** `parseMoney`'s answer; `minor` is the count of minor units as a string. */
export interface MoneyValue { amount: string; currency: string; minor: string }

/** A team member: `percentage` is a decimal string ("33.33") with at most two decimals. */
export interface SplitMemberInput { userId: string; role: string; percentage: string; payoutAccount?: string }

/** What `previewSplit` reads: `total` in major units ("999.99"), the platform fee in
 * basis points (0–10000, default 0) and the payout unit in minor units (default 1). */
export interface SplitInput {
  total: string;
  currency: string;
  feeBps?: number;
  unit?: number;
  members: SplitMemberInput[];
}

/** One member's exact part. */
export interface SplitPart { userId: string; role: string; percentage: string; amount: string }

/** Why a split is invalid: a stable code ("split.sum_not_100"), a message for people and,
 * when the problem is one member's, that member's position. */
export interface SplitProblem { code: string; message: string; member?: number }

/** A preview: the parts (in member order) and the fee, or the problem. */
export type SplitPreview =
  | { ok: true; currency: string; total: string; fee: string; parts: SplitPart[]; unallocated: string }
  | { ok: false; error: SplitProblem };

/** What every thrown error is: a real `Error` with the kind as `name` and the core's code. */
export interface BookingError extends Error {
  name:
    | "ValidationError" | "ForbiddenError" | "InvalidTransitionError" | "ConflictError"
    | "PaymentDeclinedError" | "PaymentRetryableError" | "NotFoundError" | "BookingError";
  code: string;
}

export type ReleaseRule = "lead-only" | "unanimous" | "majority";
export type VoteOutcome = "pending" | "passed" | "failed";

/** A release vote: `votes` maps user ids to approve (true) or reject (false). */
export interface VoteInput {
  releaseRule: ReleaseRule;
  members: string[];
  lead: string;
  votes: Record<string, boolean>;
  windowClosed?: boolean;
}

/** Who acts: a user id, the system's timers, or a platform mediator. */
export type Actor = string | { kind: "system" } | { kind: "mediator"; userId: string };

export type CommandKind =
  | "accept" | "confirm" | "decline" | "start" | "deliver" | "request-revision" | "approve"
  | "cancel" | "dispute" | "resolve" | "vote" | "close-vote" | "distribute" | "propose-team"
  | "accept-team-change" | "upload-file" | "share-file" | "review";

export type BookingStatus =
  | "pending" | "confirmed" | "in-progress" | "revision" | "completed" | "approved"
  | "cancelled" | "disputed";

export type PaymentStatus =
  | "unpaid" | "authorized" | "held" | "releasing" | "released" | "partially-refunded"
  | "refunded" | "voided" | "failed";

export type FileCategory = "reference" | "stems" | "final" | "feedback";

/** A split as a booking carries it. */
export interface RevenueSplit {
  splits: SplitMemberInput[];
  autoSplit?: boolean;
  escrowReleaseRule?: ReleaseRule;
}

/** A cancellation policy: refund tiers by hours before the session, and the platform fee. */
export interface Policy {
  name: string;
  version: number;
  refundTiers: { minHoursBefore: number; refundBps: number }[];
  [field: string]: unknown;
}

/** A new booking, in the seed's camelCase shape. */
export interface NewBooking {
  id: string;
  clientId: string;
  providerId: string;
  serviceId?: string;
  title?: string;
  description?: string;
  price: Money;
  scheduledDate: string;
  estimatedDurationMinutes: number;
  revenueSplit?: RevenueSplit;
  policy?: Policy;
  chatThreadId?: string;
  includedRevisions?: number;
  paymentMethod?: string;
}

/** A booking's state as the server stores and sends it (`Booking.to_json`). The fields a
 * UI reads are typed; the rest (history, ledger, files, votes) is carried through as is. */
export interface BookingState {
  id: string;
  clientId: string;
  providerId: string;
  status: BookingStatus;
  paymentStatus: PaymentStatus;
  price: Money;
  scheduledDate: string;
  version: number;
  revenueSplit?: RevenueSplit | null;
  policy: Policy;
  [field: string]: unknown;
}

export type Resolution =
  | { outcome: "release-all" }
  | { outcome: "refund-all" }
  | { outcome: "partial"; refund: Money }
  | { outcome: "resume-work" }
  | { outcome: "reallocate"; refund: Money; payouts: { userId: string; amount: Money }[] };

/** A command, in its JSON shape. */
export type Command =
  | { type: "accept" } | { type: "confirm" } | { type: "decline"; reason?: string }
  | { type: "start" } | { type: "deliver" } | { type: "request-revision"; feedback: string }
  | { type: "approve" } | { type: "cancel"; reason?: string } | { type: "dispute"; reason: string }
  | { type: "resolve"; resolution: Resolution } | { type: "vote"; approve: boolean }
  | { type: "close-vote" } | { type: "distribute" } | { type: "propose-team"; split: RevenueSplit }
  | { type: "accept-team-change" }
  | { type: "upload-file"; fileId: string; category: FileCategory; sizeBytes: number;
      contentType: string; sha256: string; readers?: ("client" | "provider")[] }
  | { type: "share-file"; fileId: string; with: string[]; expiresAt?: string }
  | { type: "review"; rating: number; text?: string };

/** One event of a booking's history. */
export interface BookingEvent { seq: number; at: string; kind: { type: string; [field: string]: unknown }; [field: string]: unknown }

/** A payment step the core asks for, with its idempotency key. */
export interface PaymentEffect {
  type: "authorize" | "capture" | "void" | "transfer" | "refund";
  key: string;
  amount: Money;
  [field: string]: unknown;
}

/** The answer to `createBooking` and `handleCommand`. */
export interface Step { booking: BookingState; events: BookingEvent[]; effects: PaymentEffect[] }

/** `refundQuote`'s answer (C1–C5): `voided` when nothing was captured yet. */
export interface RefundQuote { refund: Money; kept: Money; voided: boolean }

/** What `cancellationRefund` reads: a preset name ("standard", "verified", "signature") or a policy. */
export interface PolicyRefundInput { policy: string | Policy; price: Money; scheduledDate: string; at: string }

/** `cancellationRefund`'s answer: the tier's refund in basis points and the amounts. */
export interface PolicyRefund { refundBps: number; refund: Money; kept: Money }
"#;
