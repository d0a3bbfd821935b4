//! A booking page's questions, answered by the core from the booking's JSON
//! (the shape the server stores and sends): which buttons the viewer may
//! press, what cancelling now would refund, where the release vote stands;
//! and the pure lifecycle itself, for optimistic UIs and for tests.

use std::collections::BTreeMap;

use booking_core::{Booking, Command, Money, NewBooking, Policy, ReleaseRule, Request, UserId};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::js;

fn booking(value: &JsValue) -> Result<Booking, JsValue> {
    Booking::from_json(&js::json_text(value, "booking")?).map_err(js::core)
}

/// The commands `actor` may send at `at` (SPEC B6), in table order: the
/// buttons to show. Empty for an outsider or a closed booking.
#[wasm_bindgen(js_name = allowedActions, unchecked_return_type = "CommandKind[]")]
pub fn allowed_actions(
    #[wasm_bindgen(unchecked_param_type = "BookingState")] booking: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Actor")] actor: JsValue,
    at: &str,
) -> Result<JsValue, JsValue> {
    let (b, actor, at) = (self::booking(&booking)?, js::actor(&actor)?, js::instant(at, "at")?);
    js::to_js(&booking_core::allowed_commands(&b, &actor, at))
}

/// What `actor` cancelling the booking at `at` would refund and keep
/// (SPEC C1–C5), decided exactly as the cancel itself would be. Throws the
/// cancel's own refusal (`ForbiddenError`, `InvalidTransitionError`).
#[wasm_bindgen(js_name = refundQuote, unchecked_return_type = "RefundQuote")]
pub fn refund_quote(
    #[wasm_bindgen(unchecked_param_type = "BookingState")] booking: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Actor")] actor: JsValue,
    at: &str,
) -> Result<JsValue, JsValue> {
    let (b, actor, at) = (self::booking(&booking)?, js::actor(&actor)?, js::instant(at, "at")?);
    js::to_js(&booking_core::refund_quote(&b, &actor, at).map_err(js::core)?)
}

/// What a policy refunds a client who cancels a captured `price` at `at`
/// for a session at `scheduledDate` (SPEC C2, C5, P): for a page that has
/// no booking yet. `policy` is a preset name or a policy's JSON shape.
#[wasm_bindgen(js_name = cancellationRefund, unchecked_return_type = "PolicyRefund")]
pub fn cancellation_refund(
    #[wasm_bindgen(unchecked_param_type = "PolicyRefundInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Input {
        policy: serde_json::Value,
        price: Money,
        scheduled_date: String,
        at: String,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Out {
        refund_bps: u32,
        refund: Money,
        kept: Money,
    }
    let input: Input = js::from_js(&input, "cancellation")?;
    let price = input.price.non_negative("price").map_err(js::core)?;
    let policy = match &input.policy {
        serde_json::Value::String(name) => preset(name)?,
        shape => js::from_json(&shape.to_string(), "policy")?,
    };
    let (scheduled, at) = (js::instant(&input.scheduled_date, "scheduledDate")?, js::instant(&input.at, "at")?);
    let refund = policy.cancellation_refund(price, at, scheduled);
    let kept = price.checked_sub(refund).map_err(js::core)?;
    js::to_js(&Out { refund_bps: policy.refund_bps(at, scheduled), refund, kept })
}

/// A policy preset (`"standard"`, `"verified"`, `"signature"`, SPEC P) as
/// its JSON shape with the platform fee set, for a new booking's `policy`.
#[wasm_bindgen(js_name = policyPreset, unchecked_return_type = "Policy")]
pub fn policy_preset(name: &str, fee_bps: Option<u32>) -> Result<JsValue, JsValue> {
    let policy = preset(name)?.with_fee_bps(fee_bps.unwrap_or(0));
    policy.check().map_err(js::core)?;
    js::to_js(&policy)
}

fn preset(name: &str) -> Result<Policy, JsValue> {
    Policy::preset(name).ok_or_else(|| {
        js::error("policy.unknown", &format!("no policy preset {name:?} (standard, verified, signature)"))
    })
}

/// Where a release vote stands (SPEC R1, R4, R6, R8): `"pending"`,
/// `"passed"` or `"failed"`.
#[wasm_bindgen(js_name = tallyVotes, unchecked_return_type = "VoteOutcome")]
pub fn tally_votes(#[wasm_bindgen(unchecked_param_type = "VoteInput")] input: JsValue) -> Result<JsValue, JsValue> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Input {
        release_rule: ReleaseRule,
        members: Vec<UserId>,
        lead: UserId,
        votes: BTreeMap<UserId, bool>,
        #[serde(default)]
        window_closed: bool,
    }
    let i: Input = js::from_js(&input, "vote")?;
    js::to_js(&booking_core::tally(i.release_rule, &i.members, &i.lead, &i.votes, i.window_closed))
}

#[derive(Serialize)]
struct Step<'a> {
    booking: &'a Booking,
    events: &'a [booking_core::Event],
    effects: &'a [booking_core::PaymentEffect],
}

/// Creates a booking from its JSON shape at `at`: `{booking, events,
/// effects}`, the effects being the card authorization to perform.
#[wasm_bindgen(js_name = createBooking, unchecked_return_type = "Step")]
pub fn create_booking(
    #[wasm_bindgen(unchecked_param_type = "NewBooking")] new: JsValue,
    at: &str,
) -> Result<JsValue, JsValue> {
    let new: NewBooking = js::from_js(&new, "new booking")?;
    let decision = booking_core::decide_create(new, js::instant(at, "at")?).map_err(js::core)?;
    let b = Booking::replay(decision.events.clone()).map_err(js::core)?;
    js::to_js(&Step { booking: &b, events: &decision.events, effects: &decision.effects })
}

/// Applies one command (SPEC B, C, D, E, R): `{booking, events, effects}`
/// with the next state, or the refusal thrown; the input is never changed.
#[wasm_bindgen(js_name = handleCommand, unchecked_return_type = "Step")]
pub fn handle_command(
    #[wasm_bindgen(unchecked_param_type = "BookingState")] booking: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Actor")] actor: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
    at: &str,
) -> Result<JsValue, JsValue> {
    let mut b = self::booking(&booking)?;
    let command: Command = js::from_js(&command, "command")?;
    let request = Request::new(js::actor(&actor)?, command, js::instant(at, "at")?);
    let decision = booking_core::decide(&b, &request).map_err(js::core)?;
    b.apply_all(decision.events.clone()).map_err(js::core)?;
    js::to_js(&Step { booking: &b, events: &decision.events, effects: &decision.effects })
}
