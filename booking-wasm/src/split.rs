//! Split previews for a team lead's sliders: every member's exact part, or
//! why the split is invalid, reported in the result rather than thrown (a
//! slider fires often, and V8 spends microseconds capturing the stack of
//! every thrown `Error`). Values cross through `wire.rs`; the rules are
//! the core's `SplitWeights`.

use booking_core::{Currency, MemberShare, Money, Share, SplitWeights};
use wasm_bindgen::prelude::*;

use crate::wire::{pack_members, pack_split, text, with_wire, Answer, Fields, Problem};

/// A count of array items JS wrote.
#[inline]
fn count(field: Option<&str>, what: &str) -> Result<usize, Problem> {
    match text(field) {
        Ok(n) => n.parse().map_err(|_| Problem::input(what, n)),
        Err(was) => Err(Problem::input(what, was)),
    }
}

/// Member `index`'s `name` field, which must have been a string.
#[inline]
fn string<'a>(index: usize, field: Option<&'a str>, name: &str) -> Result<&'a str, Problem> {
    text(field).map_err(|was| Problem::member(index, format!("{name} must be a string, got {was}")))
}

/// Member `index`'s percentage.
#[inline]
fn share(index: usize, field: Option<&str>) -> Result<Share, Problem> {
    let pct = text(field).map_err(|was| {
        Problem::member(
            index,
            format!("percentage must be a decimal string such as \"33.33\" or a whole number, got {was}"),
        )
    })?;
    Share::parse(pct).ok_or_else(|| Problem::member(index, format!("percentage {pct:?} is not a decimal number")))
}

/// Reads `count, (userId, role, percentage) × count`.
fn members<'a>(fields: &mut Fields<'a>) -> Result<Vec<MemberShare<'a>>, Problem> {
    let count = count(fields.next(), "members: expected an array of {userId, role, percentage}")?;
    let mut out = Vec::with_capacity(count.min(booking_core::MAX_MEMBERS + 1));
    for i in 0..count {
        let user_id = string(i, fields.next(), "userId")?;
        let role = string(i, fields.next(), "role")?;
        out.push(MemberShare { user_id, role, share: share(i, fields.next())? });
    }
    Ok(out)
}

fn integer<T: std::str::FromStr>(field: Option<&str>, name: &str) -> Result<T, Problem> {
    let found = text(field).map_err(|was| Problem::input(&format!("{name}: expected a whole number"), was))?;
    found.parse().map_err(|_| Problem::input(&format!("{name}: expected a whole number"), found))
}

/// What every preview reads first: `total, currency, feeBps, unit`.
struct Head {
    total: Money,
    fee_bps: u32,
    unit: i64,
}

fn head(fields: &mut Fields) -> Result<Head, Problem> {
    let total = text(fields.next()).map_err(|was| Problem::input("split: expected {total, currency, …}", was))?;
    let currency =
        text(fields.next()).map_err(|was| Problem::input("currency: expected a code such as \"USD\"", was))?;
    let currency = Currency::from_code(currency).map_err(|e| Problem::of(&e))?;
    let total = Money::from_decimal_str(total, currency).map_err(|e| Problem::of(&e))?;
    Ok(Head { total, fee_bps: integer(fields.next(), "feeBps")?, unit: integer(fields.next(), "unit")? })
}

/// Checks and allocates (SPEC S1–S8), writing `fee, unallocated, total,
/// currency, part…` to `out`, or returns the problem.
fn allocate(head: &Head, members: &[MemberShare], out: &mut Answer) -> Result<(), Problem> {
    let split = SplitWeights::new(members).map_err(|e| Problem::split(&e))?;
    let alloc = split.allocate_in_units(head.total, head.fee_bps, head.unit).map_err(|e| Problem::split(&e))?;
    out.amount(&alloc.fee);
    out.amount(&alloc.unallocated);
    out.amount(&head.total);
    out.field(head.total.currency().code());
    for part in &alloc.parts {
        out.amount(part);
    }
    Ok(())
}

/// Previews a split: the platform fee, then each member's exact part as a
/// decimal string, in member order (SPEC S2–S8). Never throws: an invalid
/// split comes back as `{ok: false, error: {code, message, member?}}`.
///
/// ```text
/// previewSplit({total: "1.00", currency: "USD", members: [
///   {userId: "a", role: "lead", percentage: "33.33"},
///   {userId: "b", role: "mix", percentage: "33.33"},
///   {userId: "c", role: "vocals", percentage: "33.34"}]})
/// // → {ok: true, fee: "0.00", parts: [{userId: "a", amount: "0.33", …}, …, {userId: "c", amount: "0.34", …}], …}
/// ```
#[wasm_bindgen(js_name = previewSplit, unchecked_return_type = "SplitPreview")]
pub fn preview_split(#[wasm_bindgen(unchecked_param_type = "SplitInput")] input: JsValue) -> JsValue {
    with_wire(&input, pack_split, |wire, out| {
        let mut fields = Fields(wire);
        if let Err(p) = head(&mut fields).and_then(|head| allocate(&head, &members(&mut fields)?, out)) {
            p.write(out);
        }
        out.preview(&input)
    })
}

/// Checks a team's members (SPEC S1, S2): `undefined` when the split is
/// valid, else its first problem `{code, message, member?}`. Never throws.
#[wasm_bindgen(js_name = validateSplit, unchecked_return_type = "SplitProblem | undefined")]
pub fn validate_split(#[wasm_bindgen(unchecked_param_type = "SplitMemberInput[]")] members: JsValue) -> JsValue {
    with_wire(&members, pack_members, |wire, out| {
        match self::members(&mut Fields(wire)).and_then(|m| SplitWeights::new(&m).map_err(|e| Problem::split(&e))) {
            Ok(_) => JsValue::UNDEFINED,
            Err(p) => {
                p.write(out);
                out.problem()
            }
        }
    })
}
