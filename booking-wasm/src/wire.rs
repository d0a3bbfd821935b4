//! The live split preview's crossing (the Rust half of `wire.js`): JS
//! writes its value straight into a reused buffer in wasm memory, and the
//! answer goes back as text cut by a byte of length per field. A slider
//! fires often; this costs no JSON and no intermediate JS string, and the
//! buffers are reused from call to call.
//!
//! The small per-field helpers here and in `split.rs` are `#[inline]`:
//! the wasm build optimizes for size, and left alone it called each of
//! them once per field (previews 5–20 % faster, 700 bytes gzipped).

use booking_core::{Coded, Money, SplitError};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wire.js")]
extern "C" {
    #[wasm_bindgen(js_name = useMemory)]
    fn use_memory(memory: JsValue);
    #[wasm_bindgen(js_name = packSplit)]
    pub(crate) fn pack_split(input: &JsValue, at: *mut u8, room: usize) -> usize;
    #[wasm_bindgen(js_name = packMembers)]
    pub(crate) fn pack_members(members: &JsValue, at: *mut u8, room: usize) -> usize;
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
pub(crate) struct Answer {
    text: String,
    lengths: Vec<u8>,
}

impl Answer {
    fn clear(&mut self) {
        self.text.clear();
        self.lengths.clear();
    }

    /// Ends the current field.
    #[inline]
    fn end(&mut self, start: usize) {
        self.lengths.push(u8::try_from(self.text.len() - start).unwrap_or(u8::MAX));
    }

    /// Adds a short field.
    #[inline]
    pub(crate) fn field(&mut self, text: &str) {
        let start = self.text.len();
        self.text.push_str(text);
        self.end(start);
    }

    /// Adds an amount as a field.
    #[inline]
    pub(crate) fn amount(&mut self, money: &Money) {
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
pub(crate) fn with_wire<R>(
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
pub(crate) struct Problem {
    code: &'static str,
    message: String,
    member: Option<usize>,
}

impl Problem {
    pub(crate) fn of<E: Coded>(e: &E) -> Problem {
        Problem { code: e.code(), message: e.to_string(), member: None }
    }

    pub(crate) fn split(e: &SplitError) -> Problem {
        Problem { member: e.member_index(), ..Problem::of(e) }
    }

    pub(crate) fn input(what: &str, was: &str) -> Problem {
        Problem { code: "json.invalid", message: format!("{what}, got {was}"), member: None }
    }

    pub(crate) fn member(index: usize, message: String) -> Problem {
        Problem { code: "split.invalid_member", message: format!("member {index}: {message}"), member: Some(index) }
    }

    /// `"\0" + code`, the member index or `""`, and the message, for
    /// `unpackProblem`.
    pub(crate) fn write(&self, out: &mut Answer) {
        out.clear();
        out.field(&format!("{BAD}{}", self.code));
        out.field(&self.member.map(|i| i.to_string()).unwrap_or_default());
        out.text.push_str(&self.message);
    }
}

/// The fields JS wrote, each followed by U+001F.
pub(crate) struct Fields<'a>(pub(crate) &'a str);

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let at = self.0.bytes().position(|b| b == SEP as u8)?;
        let (field, rest) = self.0.split_at(at);
        self.0 = &rest[1..];
        Some(field)
    }
}

/// A field that was a JS string, or what it was instead.
#[inline]
pub(crate) fn text(field: Option<&str>) -> Result<&str, &str> {
    match field {
        Some(f) => match f.as_bytes().first() {
            Some(0) => Err(&f[1..]),
            _ => Ok(f),
        },
        None => Err("missing"),
    }
}

impl Answer {
    /// The answer as a preview (`unpackPreview`), parts next to `input`'s
    /// members.
    pub(crate) fn preview(&self, input: &JsValue) -> JsValue {
        unpack_preview(self.text.as_ptr(), self.text.len(), self.lengths.as_ptr(), input)
    }

    /// The answer as a problem (`unpackProblem`).
    pub(crate) fn problem(&self) -> JsValue {
        unpack_problem(self.text.as_ptr(), self.text.len(), self.lengths.as_ptr())
    }
}
