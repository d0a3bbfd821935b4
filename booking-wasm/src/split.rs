//! Split previews for a team lead's sliders: every member's exact part, or
//! why the split is invalid, reported in the result rather than thrown (a
//! slider fires often, and V8 spends microseconds capturing the stack of
//! every thrown `Error`). The input is written by JS straight into a
//! reused buffer in wasm memory and the answer read back from another
//! (`wire.js`).

use booking_core::{Coded, Currency, MemberShare, Money, Share, SplitError, SplitWeights};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wire.js")]
extern "C" {
    #[wasm_bindgen(js_name = useMemory)]
    fn use_memory(memory: JsValue);
    #[wasm_bindgen(js_name = packSplit)]
    fn pack_split(input: &JsValue, at: *mut u8, room: usize) -> usize;
    #[wasm_bindgen(js_name = packMembers)]
    fn pack_members(members: &JsValue, at: *mut u8, room: usize) -> usize;
    #[wasm_bindgen(js_name = unpackPreview)]
    fn unpack_preview(at: *const u8, len: usize, lengths: *const u8, input: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = unpackProblem)]
    fn unpack_problem(at: *const u8, len: usize, lengths: *const u8) -> JsValue;
}

/// The buffers the crossing reuses: what JS wrote, and the answer.
#[derive(Default)]
struct Wire {
    input: Vec<u8>,
    output: Answer,
}

/// An answer for JS: fields of text, and the length of each but the last,
/// so JS cuts them apart without scanning. Every field but the last is
/// short ASCII (an amount, a code, an index), so a byte holds its length.
#[derive(Default)]
struct Answer {
    text: String,
    lengths: Vec<u8>,
}

impl Answer {
    fn clear(&mut self) {
        self.text.clear();
        self.lengths.clear();
    }

    /// Ends the current field.
    fn end(&mut self, start: usize) {
        self.lengths.push(u8::try_from(self.text.len() - start).unwrap_or(u8::MAX));
    }

    /// Adds a short field.
    fn field(&mut self, text: &str) {
        let start = self.text.len();
        self.text.push_str(text);
        self.end(start);
    }

    /// Adds an amount as a field.
    fn amount(&mut self, money: &Money) {
        let start = self.text.len();
        // Writing to a String cannot fail.
        let _ = money.write_amount(&mut self.text);
        self.end(start);
    }
}

thread_local! {
    static WIRE: std::cell::Cell<Option<Wire>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with the reused buffers, JS having packed its value into
/// `input` with `pack`. The buffers are taken out while in use, so a
/// reentrant call (a getter on the input that previews again) gets fresh
/// ones instead of a borrow panic.
fn with_wire<R>(
    value: &JsValue,
    pack: fn(&JsValue, *mut u8, usize) -> usize,
    f: impl FnOnce(&str, &mut Answer) -> R,
) -> R {
    let mut wire = WIRE.with(|w| w.take()).unwrap_or_else(|| {
        use_memory(wasm_bindgen::memory());
        Wire::default()
    });
    if wire.input.is_empty() {
        wire.input.resize(1024, 0);
    }
    let len = loop {
        let room = wire.input.len();
        let len = pack(value, wire.input.as_mut_ptr(), room);
        if len <= room {
            break len;
        }
        wire.input.resize(len, 0);
    };
    wire.output.clear();
    // JS writes UTF-8 (TextEncoder); anything else is read as no split.
    let text = std::str::from_utf8(&wire.input[..len]).unwrap_or("\0not text\x1f");
    let r = f(text, &mut wire.output);
    WIRE.with(|w| w.set(Some(wire)));
    r
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

    /// `"\0" + code`, the member index or `""`, and the message, for
    /// `unpackProblem`.
    fn write(&self, out: &mut Answer) {
        out.clear();
        out.field(&format!("{BAD}{}", self.code));
        out.field(&self.member.map(|i| i.to_string()).unwrap_or_default());
        out.text.push_str(&self.message);
    }
}

/// The fields JS wrote, each followed by U+001F.
struct Fields<'a>(&'a str);

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let at = self.0.bytes().position(|b| b == SEP as u8)?;
        let (field, rest) = self.0.split_at(at);
        self.0 = &rest[1..];
        Some(field)
    }
}

/// A field that was a JS string, or what it was instead.
fn text(field: Option<&str>) -> Result<&str, &str> {
    match field {
        Some(f) => match f.as_bytes().first() {
            Some(0) => Err(&f[1..]),
            _ => Ok(f),
        },
        None => Err("missing"),
    }
}

/// Reads `count, (userId, role, percentage) × count`.
fn members<'a>(fields: &mut impl Iterator<Item = &'a str>) -> Result<Vec<MemberShare<'a>>, Problem> {
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
        let share = Share::parse(pct)
            .ok_or_else(|| Problem::member(i, format!("percentage {pct:?} is not a decimal number")))?;
        out.push(MemberShare { user_id, role, share });
    }
    Ok(out)
}

fn integer<T: std::str::FromStr>(field: Option<&str>, name: &str) -> Result<T, Problem> {
    let found = text(field).map_err(|was| Problem::input(&format!("{name}: expected a whole number"), was))?;
    found.parse().map_err(|_| Problem::input(&format!("{name}: expected a whole number"), found))
}

/// Writes `fee, unallocated, total, currency, part…` to `out`, or returns
/// the problem.
fn preview(wire: &str, out: &mut Answer) -> Result<(), Problem> {
    let mut fields = Fields(wire);
    let total = text(fields.next()).map_err(|was| Problem::input("split: expected {total, currency, members}", was))?;
    let currency =
        text(fields.next()).map_err(|was| Problem::input("currency: expected a code such as \"USD\"", was))?;
    let currency = Currency::from_code(currency).map_err(|e| Problem::of(&e))?;
    let total = Money::from_decimal_str(total, currency).map_err(|e| Problem::of(&e))?;
    let fee_bps: u32 = integer(fields.next(), "feeBps")?;
    let unit: i64 = integer(fields.next(), "unit")?;
    let split = SplitWeights::new(&members(&mut fields)?).map_err(|e| Problem::split(&e))?;
    let alloc = split.allocate_in_units(total, fee_bps, unit).map_err(|e| Problem::split(&e))?;
    out.amount(&alloc.fee);
    out.amount(&alloc.unallocated);
    out.amount(&total);
    out.field(currency.code());
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
        if let Err(p) = preview(wire, out) {
            p.write(out);
        }
        unpack_preview(out.text.as_ptr(), out.text.len(), out.lengths.as_ptr(), &input)
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
                unpack_problem(out.text.as_ptr(), out.text.len(), out.lengths.as_ptr())
            }
        }
    })
}
