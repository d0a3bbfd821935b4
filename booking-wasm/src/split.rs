//! Split previews for a team lead's sliders: every member's exact part, or
//! why the split is invalid, reported in the result rather than thrown (a
//! slider fires often, and V8 spends microseconds capturing the stack of
//! every thrown `Error`). The input crosses as one string (`wire.js`).

use std::fmt::Write;

use booking_core::{parse_percentage, Coded, Currency, Money, RevenueSplit, SplitError, SplitMember};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wire.js")]
extern "C" {
    #[wasm_bindgen(js_name = packSplit)]
    fn pack_split(input: &JsValue) -> String;
    #[wasm_bindgen(js_name = packMembers)]
    fn pack_members(members: &JsValue) -> String;
    #[wasm_bindgen(js_name = unpackPreview)]
    fn unpack_preview(wire: &str, input: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = unpackProblem)]
    fn unpack_problem(wire: &str) -> JsValue;
}

const SEP: char = '\x1f';
const BAD: char = '\0';

/// Why a split is invalid: the core's code and message, and the position
/// of the member it is about, if it is about one.
struct Problem {
    code: &'static str,
    message: String,
    member: Option<usize>,
}

impl Problem {
    fn of<E: Coded>(e: &E) -> Problem {
        Problem { code: e.code(), message: e.to_string(), member: None }
    }

    fn split(e: &SplitError) -> Problem {
        Problem { member: e.member_index(), ..Problem::of(e) }
    }

    fn input(what: &str, was: &str) -> Problem {
        Problem { code: "json.invalid", message: format!("{what}, got {was}"), member: None }
    }

    fn member(index: usize, message: String) -> Problem {
        Problem { code: "split.invalid_member", message: format!("member {index}: {message}"), member: Some(index) }
    }

    /// `"\0code␟member␟message"`, for `unpackProblem`.
    fn wire(&self) -> String {
        let member = self.member.map(|i| i.to_string()).unwrap_or_default();
        format!("{BAD}{}{SEP}{member}{SEP}{}", self.code, self.message)
    }
}

/// A field that was a JS string, or what it was instead.
fn text(field: Option<&str>) -> Result<&str, &str> {
    match field {
        Some(f) => f.strip_prefix(BAD).map_or(Ok(f), Err),
        None => Err("missing"),
    }
}

/// Reads `count, (userId, role, percentage) × count`.
fn members<'a>(fields: &mut impl Iterator<Item = &'a str>) -> Result<Vec<SplitMember>, Problem> {
    let count: usize = match text(fields.next()) {
        Ok(n) => n.parse().map_err(|_| Problem::input("members: expected an array", n))?,
        Err(was) => return Err(Problem::input("members: expected an array of {userId, role, percentage}", was)),
    };
    let mut out = Vec::with_capacity(count.min(booking_core::MAX_MEMBERS + 1));
    for i in 0..count {
        let string = |field: Option<&'a str>, name: &str| {
            text(field).map_err(|was| Problem::member(i, format!("{name} must be a string, got {was}")))
        };
        let user_id = string(fields.next(), "userId")?;
        let role = string(fields.next(), "role")?;
        let pct = text(fields.next()).map_err(|was| {
            Problem::member(
                i,
                format!("percentage must be a decimal string such as \"33.33\" or a whole number, got {was}"),
            )
        })?;
        let pct = parse_percentage(pct)
            .ok_or_else(|| Problem::member(i, format!("percentage {pct:?} is not a decimal number")))?;
        out.push(SplitMember::new(user_id, role, pct));
    }
    Ok(out)
}

fn integer<T: std::str::FromStr>(field: Option<&str>, name: &str) -> Result<T, Problem> {
    let found = text(field).map_err(|was| Problem::input(&format!("{name}: expected a whole number"), was))?;
    found.parse().map_err(|_| Problem::input(&format!("{name}: expected a whole number"), found))
}

/// `fee␟unallocated␟total␟currency␟part…`, or the problem.
fn preview(wire: &str) -> Result<String, Problem> {
    let mut fields = wire.split(SEP);
    let total = text(fields.next()).map_err(|was| Problem::input("split: expected {total, currency, members}", was))?;
    let currency =
        text(fields.next()).map_err(|was| Problem::input("currency: expected a code such as \"USD\"", was))?;
    let currency = Currency::from_code(currency).map_err(|e| Problem::of(&e))?;
    let total = Money::from_decimal_str(total, currency).map_err(|e| Problem::of(&e))?;
    let fee_bps: u32 = integer(fields.next(), "feeBps")?;
    let unit: i64 = integer(fields.next(), "unit")?;
    let split = RevenueSplit::new(members(&mut fields)?).map_err(|e| Problem::split(&e))?;
    let alloc = split.allocate_in_units(total, fee_bps, unit).map_err(|e| Problem::split(&e))?;
    let mut out = String::with_capacity(16 * (alloc.parts.len() + 4));
    // Writing to a String cannot fail.
    let _ = alloc.fee.write_amount(&mut out);
    out.push(SEP);
    let _ = alloc.unallocated.write_amount(&mut out);
    out.push(SEP);
    let _ = total.write_amount(&mut out);
    let _ = write!(out, "{SEP}{currency}");
    for part in &alloc.parts {
        out.push(SEP);
        let _ = part.write_amount(&mut out);
    }
    Ok(out)
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
    let out = preview(&pack_split(&input)).unwrap_or_else(|p| p.wire());
    unpack_preview(&out, &input)
}

/// Checks a team's members (SPEC S1, S2): `undefined` when the split is
/// valid, else its first problem `{code, message, member?}`. Never throws.
#[wasm_bindgen(js_name = validateSplit, unchecked_return_type = "SplitProblem | undefined")]
pub fn validate_split(#[wasm_bindgen(unchecked_param_type = "SplitMemberInput[]")] members: JsValue) -> JsValue {
    let wire = pack_members(&members);
    match self::members(&mut wire.split(SEP)).and_then(|m| RevenueSplit::new(m).map_err(|e| Problem::split(&e))) {
        Ok(_) => JsValue::UNDEFINED,
        Err(p) => unpack_problem(&p.wire()),
    }
}
