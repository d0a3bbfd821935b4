//! The live split preview's crossing (the Rust half of `entry/split.js`).
//!
//! A slider fires often, so the package's `previewSplit`, `validateSplit`
//! and `splitPreviewer` are JS functions that write their input straight
//! into buffers in this module's memory and then make one call with plain
//! numbers (a previewer makes a second, once, to hand over its team,
//! `slider.rs`): no JSON, no JS object handed across, no call back out to JS,
//! and the buffers are reused from call to call. JS writes each field's
//! UTF-8 text one after another, and its length into a second buffer; a
//! field that was not a string is written as a description of what it
//! was, its length marked with [`NOT_TEXT`]. The answer goes back as text
//! cut by a byte of length per field (see [`Answer`]).
//!
//! JS handles shapes only; every rule (what a percentage may look like,
//! sums, leads, rounding) and all formatting is the core's.
//!
//! The small per-field helpers here and in `split.rs` are `#[inline]`:
//! without the hints, even at `opt-level = 3`, they stayed calls once per
//! field, and a 100-member preview took about 12 % longer.

use std::cell::RefCell;

use booking_core::{Coded, Money, SplitError};

/// Marks a field's length: the field was not a string, and its text says
/// what it was (`"missing"`, `"the number 1.5, a float"`).
const NOT_TEXT: u32 = 1 << 31;

/// Where JS finds the buffers, as `u32`s: the input's text (address,
/// capacity), the input's field lengths (address, capacity in fields),
/// then the last answer: 0 for a value or 1 for a problem, its text
/// (address, length) and its field lengths (address).
#[derive(Default)]
#[repr(C)]
struct Header {
    text: u32,
    text_room: u32,
    lengths: u32,
    lengths_room: u32,
    problem: u32,
    answer: u32,
    answer_len: u32,
    answer_lengths: u32,
}

#[derive(Default)]
struct Wire {
    text: Vec<u8>,
    lengths: Vec<u32>,
    answer: Answer,
    header: Header,
}

impl Wire {
    fn header(&mut self) -> *const u32 {
        // wasm32 addresses and lengths fit in a u32.
        self.header = Header {
            text: self.text.as_ptr() as u32,
            text_room: self.text.len() as u32,
            lengths: self.lengths.as_ptr() as u32,
            lengths_room: self.lengths.len() as u32,
            problem: u32::from(self.answer.problem),
            answer: self.answer.text.as_ptr() as u32,
            answer_len: self.answer.text.len() as u32,
            answer_lengths: self.answer.lengths.as_ptr() as u32,
        };
        (&self.header as *const Header).cast()
    }
}

thread_local! {
    static WIRE: RefCell<Wire> = RefCell::new(Wire::default());
}

/// Makes room for at least `text` bytes and `fields` fields of input and
/// returns the [`Header`]'s address. JS calls it once, and again when a
/// value does not fit.
#[no_mangle]
pub extern "C" fn wire_room(text: usize, fields: usize) -> *const u32 {
    WIRE.with_borrow_mut(|w| {
        if w.text.len() < text {
            w.text.resize(text, 0);
        }
        if w.lengths.len() < fields {
            w.lengths.resize(fields, 0);
        }
        w.header()
    })
}

/// Runs `f` over the first `fields` fields JS wrote, the last answer
/// cleared. JS never runs while this does, so the borrow cannot be taken
/// twice.
pub(crate) fn read<R>(fields: usize, f: impl FnOnce(&mut Fields, &mut Answer) -> R) -> R {
    WIRE.with_borrow_mut(|w| {
        let Wire { text, lengths, answer, .. } = w;
        answer.clear();
        let lengths = lengths.get(..fields).unwrap_or_default();
        let total = lengths.iter().map(|&n| (n & !NOT_TEXT) as usize).sum::<usize>();
        // JS writes UTF-8 (TextEncoder); anything else is read as nothing.
        let text = text.get(..total).and_then(|t| std::str::from_utf8(t).ok()).unwrap_or_default();
        f(&mut Fields { lengths: lengths.iter(), text }, answer)
    })
}

/// Runs `f` over the first `fields` fields JS wrote and returns the
/// [`Header`]'s address, the answer (or `f`'s problem) written.
pub(crate) fn answer(fields: usize, f: impl FnOnce(&mut Fields, &mut Answer) -> Result<(), Problem>) -> *const u32 {
    read(fields, |fields, out| {
        if let Err(p) = f(fields, out) {
            p.write(out);
        }
    });
    WIRE.with_borrow_mut(Wire::header)
}

/// An answer for JS: fields of text and a byte of length for each, so JS
/// cuts them apart without scanning; a problem's message, its last field,
/// has none and takes the rest. Every other field is short ASCII (an
/// amount, a code, an index), so a byte holds its length. The text is
/// UTF-8, kept as bytes so that amounts go in without a UTF-8 check.
#[derive(Default)]
pub(crate) struct Answer {
    text: Vec<u8>,
    lengths: Vec<u8>,
    problem: bool,
}

impl Answer {
    fn clear(&mut self) {
        self.text.clear();
        self.lengths.clear();
        self.problem = false;
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
        self.text.extend_from_slice(text.as_bytes());
        self.end(start);
    }

    /// Adds an amount as a field.
    #[inline]
    pub(crate) fn amount(&mut self, money: &Money) {
        let start = self.text.len();
        money.push_amount(&mut self.text);
        self.end(start);
    }

    /// The fields, for tests.
    #[cfg(test)]
    pub(crate) fn fields(&self) -> (bool, Vec<&str>) {
        let text = std::str::from_utf8(&self.text).expect("an answer is UTF-8");
        let mut at = 0;
        let mut out = Vec::new();
        for &n in &self.lengths {
            out.push(&text[at..at + usize::from(n)]);
            at += usize::from(n);
        }
        if self.problem {
            out.push(&text[at..]);
        }
        (self.problem, out)
    }
}

/// Why a split is invalid: the core's code and message, and the position
/// of the member it is about, if it is about one.
#[derive(Clone)]
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
        let code = SplitError::InvalidMember { index }.code();
        Problem { code, message: format!("member {index}: {message}"), member: Some(index) }
    }

    /// The code, the member's index or `""`, and the message.
    fn write(&self, out: &mut Answer) {
        out.clear();
        out.problem = true;
        out.field(self.code);
        out.field(&self.member.map(|i| i.to_string()).unwrap_or_default());
        out.text.extend_from_slice(self.message.as_bytes());
    }
}

/// The fields JS wrote: each a string, or what it was instead.
pub(crate) struct Fields<'a> {
    lengths: std::slice::Iter<'a, u32>,
    text: &'a str,
}

impl<'a> Fields<'a> {
    /// The next field: `Ok` with a string's text, `Err` with what a value
    /// that was not a string was (`"missing"` past the end).
    #[inline]
    pub(crate) fn next_text(&mut self) -> Result<&'a str, &'a str> {
        let Some(&n) = self.lengths.next() else { return Err("missing") };
        let Some((field, rest)) = self.text.split_at_checked((n & !NOT_TEXT) as usize) else {
            return Err("missing");
        };
        self.text = rest;
        if n & NOT_TEXT == 0 {
            Ok(field)
        } else {
            Err(field)
        }
    }
}

/// Writes `fields` as JS would, for tests: `Ok` a string, `Err` what a
/// value that was not one was. Returns the count of fields.
#[cfg(test)]
pub(crate) fn pack(fields: &[Result<&str, &str>]) -> usize {
    WIRE.with_borrow_mut(|w| {
        w.text.clear();
        w.lengths.clear();
        for f in fields {
            let (text, mark) = match f {
                Ok(t) => (t, 0),
                Err(t) => (t, NOT_TEXT),
            };
            w.text.extend_from_slice(text.as_bytes());
            w.lengths.push(text.len() as u32 | mark);
        }
    });
    fields.len()
}

/// The last answer, for tests.
#[cfg(test)]
pub(crate) fn last() -> (bool, Vec<String>) {
    WIRE.with_borrow(|w| {
        let (problem, fields) = w.answer.fields();
        (problem, fields.into_iter().map(str::to_owned).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_length_past_the_text_or_inside_a_character_reads_as_missing() {
        let lengths = [5, 3 | NOT_TEXT, 100];
        let mut fields = Fields { lengths: lengths.iter(), text: "helloodd" };
        assert_eq!(fields.next_text(), Ok("hello"));
        assert_eq!(fields.next_text(), Err("odd"));
        assert_eq!(fields.next_text(), Err("missing"));
        assert_eq!(fields.next_text(), Err("missing"));
        let mut inside = Fields { lengths: [1].iter(), text: "é" };
        assert_eq!(inside.next_text(), Err("missing"));
    }
}
