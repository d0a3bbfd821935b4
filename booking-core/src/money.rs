//! Money: an integer count of minor units plus a currency (SPEC M1–M4).
//!
//! There is no float anywhere in this module. Decimal text is parsed exactly
//! with `rust_decimal`; a value with more decimals than the currency has is
//! refused, never rounded. Arithmetic is checked: overflow and mixing two
//! currencies are errors.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::currency::Currency;

/// What can go wrong with an amount of money. Every variant has a stable
/// machine code ([`MoneyError::code`]) and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The code is not an ISO 4217 currency this library knows.
    #[error("unknown currency code {code:?}: use an ISO 4217 code such as \"USD\", \"EUR\" or \"JPY\"")]
    UnknownCurrency {
        /// The code as given (truncated).
        code: String,
    },
    /// The text is not a decimal amount.
    #[error("{input:?} is not an amount: write digits with an optional sign and decimal point, like \"19.99\" or \"19.99 USD\"")]
    InvalidAmount {
        /// The text as given (truncated).
        input: String,
    },
    /// More decimal places than the currency's minor unit has.
    #[error("{input} has too many decimal places for {currency}, which has {exponent}")]
    TooManyDecimals {
        /// The amount as given.
        input: String,
        /// The currency.
        currency: Currency,
        /// The currency's exponent.
        exponent: u32,
    },
    /// The amount does not fit in a signed 64-bit count of minor units.
    #[error("amount overflow: the result does not fit in 64-bit minor units")]
    Overflow,
    /// Two amounts in different currencies were combined.
    #[error("cannot combine {left} with {right}: the currencies differ")]
    CurrencyMismatch {
        /// The left operand's currency.
        left: Currency,
        /// The right operand's currency.
        right: Currency,
    },
    /// A price or another amount that must not be negative was negative.
    #[error("{what} must not be negative, got {amount}")]
    Negative {
        /// What the amount was for.
        what: &'static str,
        /// The amount.
        amount: String,
    },
}

impl MoneyError {
    /// The stable machine code of this error, e.g. `"money.overflow"`.
    ///
    /// ```
    /// use booking_core::{Money, Currency};
    /// let err = Money::parse("19.999 USD").unwrap_err();
    /// assert_eq!(err.code(), "money.too_many_decimals");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::UnknownCurrency { .. } => "money.unknown_currency",
            MoneyError::InvalidAmount { .. } => "money.invalid_amount",
            MoneyError::TooManyDecimals { .. } => "money.too_many_decimals",
            MoneyError::Overflow => "money.overflow",
            MoneyError::CurrencyMismatch { .. } => "money.currency_mismatch",
            MoneyError::Negative { .. } => "money.negative",
        }
    }
}

/// An amount of money: `minor` units of `currency` (cents for USD, yen for
/// JPY, fils for KWD).
///
/// ```
/// use booking_core::{Currency, Money};
/// let price = Money::parse("19.99 USD")?;
/// assert_eq!(price.minor(), 1999);
/// assert_eq!(price.to_string(), "19.99 USD");
/// let total = price.checked_add(Money::from_minor(1, Currency::USD))?;
/// assert_eq!(total.amount_string(), "20.00");
/// # Ok::<(), booking_core::MoneyError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// An amount from its count of minor units.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert_eq!(Money::from_minor(500, Currency::JPY).to_string(), "500 JPY");
    /// ```
    pub const fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero in `currency`.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert!(Money::zero(Currency::EUR).is_zero());
    /// ```
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Parses `"<amount> <CODE>"`, e.g. `"19.99 USD"` or `"-5 JPY"`: the
    /// inverse of [`Display`](fmt::Display) (M4).
    ///
    /// ```
    /// # use booking_core::Money;
    /// let m = Money::parse("1.234 KWD")?;
    /// assert_eq!((m.minor(), m.currency().code()), (1234, "KWD"));
    /// assert_eq!(Money::parse(&m.to_string())?, m);
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let mut parts = text.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(amount), Some(code), None) => Money::from_decimal_str(amount, Currency::from_code(code)?),
            _ => Err(invalid(text)),
        }
    }

    /// Parses a decimal amount such as `"19.99"` in `currency`, exactly.
    /// Trailing zeros beyond the exponent are fine (`"19.990"` is 1999
    /// cents); a non-zero digit beyond it is [`MoneyError::TooManyDecimals`].
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert_eq!(Money::from_decimal_str("1000", Currency::JPY)?.minor(), 1000);
    /// assert!(Money::from_decimal_str("19.999", Currency::USD).is_err());
    /// assert!(Money::from_decimal_str("1e3", Currency::USD).is_err());
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn from_decimal_str(amount: &str, currency: Currency) -> Result<Money, MoneyError> {
        // Integer arithmetic only: this runs on every keystroke of a live
        // preview.
        let bytes = amount.as_bytes();
        let negative = bytes.first() == Some(&b'-');
        let (int, frac) = plain_decimal(&bytes[usize::from(negative)..]).ok_or_else(|| invalid(amount))?;
        let mut significant = frac;
        while let [rest @ .., b'0'] = significant {
            significant = rest;
        }
        if significant.len() > currency.exponent() as usize {
            return Err(MoneyError::TooManyDecimals {
                input: amount.to_owned(),
                currency,
                exponent: currency.exponent(),
            });
        }
        // Well-formed text with few enough decimals can only fail by being
        // too large.
        let exponent = currency.exponent() - significant.len() as u32;
        let minor = digits_value(int, significant).and_then(|m| product(m, 10_u64.pow(exponent)));
        let minor = match (negative, minor) {
            (true, Some(m)) => 0_i64.checked_sub_unsigned(m),
            (false, Some(m)) => i64::try_from(m).ok(),
            (_, None) => None,
        };
        Ok(Money::from_minor(minor.ok_or(MoneyError::Overflow)?, currency))
    }

    /// Converts an exact decimal to minor units of `currency`.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let m = Money::from_decimal(Decimal::new(1999, 2), Currency::USD)?;
    /// assert_eq!(m.minor(), 1999);
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn from_decimal(value: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let value = value.normalize();
        if value.scale() > currency.exponent() {
            return Err(MoneyError::TooManyDecimals {
                input: value.to_string(),
                currency,
                exponent: currency.exponent(),
            });
        }
        let factor = Decimal::from(10_i64.pow(currency.exponent()));
        let minor = value.checked_mul(factor).and_then(|m| m.to_i64()).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, currency })
    }

    /// The count of minor units.
    ///
    /// ```
    /// # use booking_core::Money;
    /// assert_eq!(Money::parse("0.05 EUR")?.minor(), 5);
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub const fn minor(&self) -> i64 {
        self.minor
    }

    /// The currency.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert_eq!(Money::parse("1 USD")?.currency(), Currency::USD);
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount as an exact decimal in major units.
    ///
    /// ```
    /// # use booking_core::Money;
    /// assert_eq!(Money::parse("19.99 USD")?.to_decimal().to_string(), "19.99");
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn to_decimal(&self) -> Decimal {
        Decimal::new(self.minor, self.currency.exponent())
    }

    /// The amount as decimal text with exactly the currency's decimals,
    /// without the code: `"19.99"`, `"500"`, `"1.250"`.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert_eq!(Money::from_minor(-5, Currency::USD).amount_string(), "-0.05");
    /// ```
    pub fn amount_string(&self) -> String {
        let mut out = String::with_capacity(24);
        // Writing to a String cannot fail.
        let _ = self.write_amount(&mut out);
        out
    }

    /// Writes [`Money::amount_string`]'s text to `out` without allocating:
    /// integer arithmetic on the minor units, never a float or a decimal.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// let mut line = String::from("fee ");
    /// Money::from_minor(1_250, Currency::from_code("KWD")?).write_amount(&mut line).unwrap();
    /// assert_eq!(line, "fee 1.250");
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn write_amount<W: fmt::Write>(&self, out: &mut W) -> fmt::Result {
        let mut text = [0_u8; AMOUNT_ROOM];
        let at = self.amount_bytes(&mut text);
        // Only ASCII digits, '.' and '-' were written.
        out.write_str(std::str::from_utf8(&text[at..]).unwrap_or_default())
    }

    /// Appends [`Money::amount_string`]'s text to `out` as ASCII bytes,
    /// for a binding that hands bytes to another language (no UTF-8 check
    /// of text known to be ASCII).
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// let mut out = b"fee ".to_vec();
    /// Money::from_minor(-1_250, Currency::USD).push_amount(&mut out);
    /// assert_eq!(out, b"fee -12.50");
    /// ```
    pub fn push_amount(&self, out: &mut Vec<u8>) {
        let mut text = [0_u8; AMOUNT_ROOM];
        let at = self.amount_bytes(&mut text);
        out.extend_from_slice(&text[at..]);
    }

    /// Writes the amount's text at the end of `text` and returns where it
    /// starts. Digits from the right, the point after `exponent` of them,
    /// and at least one digit before it: no formatting machinery, since a
    /// live preview writes every member's amount on every keystroke.
    #[inline]
    fn amount_bytes(&self, text: &mut [u8; AMOUNT_ROOM]) -> usize {
        let exponent = self.currency.exponent();
        let mut abs = self.minor.unsigned_abs();
        let mut at = text.len();
        let mut written = 0;
        loop {
            at -= 1;
            text[at] = b'0' + (abs % 10) as u8;
            abs /= 10;
            written += 1;
            if written == exponent {
                at -= 1;
                text[at] = b'.';
            }
            if abs == 0 && written > exponent {
                break;
            }
        }
        if self.minor < 0 {
            at -= 1;
            text[at] = b'-';
        }
        at
    }

    /// `true` for zero.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert!(!Money::from_minor(1, Currency::USD).is_zero());
    /// ```
    pub const fn is_zero(&self) -> bool {
        self.minor == 0
    }

    /// `true` below zero.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert!(Money::from_minor(-1, Currency::USD).is_negative());
    /// ```
    pub const fn is_negative(&self) -> bool {
        self.minor < 0
    }

    /// Adds two amounts of the same currency.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// let a = Money::from_minor(i64::MAX, Currency::USD);
    /// assert_eq!(a.checked_add(a).unwrap_err().code(), "money.overflow");
    /// let b = Money::from_minor(1, Currency::EUR);
    /// assert_eq!(a.checked_add(b).unwrap_err().code(), "money.currency_mismatch");
    /// ```
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self.minor.checked_add(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// Subtracts an amount of the same currency.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// let a = Money::from_minor(100, Currency::USD);
    /// assert_eq!(a.checked_sub(Money::from_minor(30, Currency::USD))?.minor(), 70);
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self.minor.checked_sub(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// The negated amount (a reversal).
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert_eq!(Money::from_minor(5, Currency::USD).checked_neg()?.minor(), -5);
    /// assert!(Money::from_minor(i64::MIN, Currency::USD).checked_neg().is_err());
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// Returns the amount unchanged if it is zero or more, or
    /// [`MoneyError::Negative`] naming `what` it was for.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// let err = Money::from_minor(-1, Currency::USD).non_negative("price").unwrap_err();
    /// assert_eq!(err.to_string(), "price must not be negative, got -0.01 USD");
    /// ```
    pub fn non_negative(self, what: &'static str) -> Result<Money, MoneyError> {
        if self.minor < 0 {
            return Err(MoneyError::Negative { what, amount: self.to_string() });
        }
        Ok(self)
    }

    /// Fails with [`MoneyError::CurrencyMismatch`] unless both amounts share
    /// a currency.
    ///
    /// ```
    /// # use booking_core::{Currency, Money};
    /// assert!(Money::zero(Currency::USD).same_currency(Money::zero(Currency::EUR)).is_err());
    /// ```
    pub fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency });
        }
        Ok(())
    }
}

/// `ddd` or `ddd.ddd` (digits on both sides of the point), cut into its
/// integer and fraction digits: the shape amounts and percentages are
/// written in.
pub(crate) fn plain_decimal(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let (int, frac) = match text.iter().position(|&b| b == b'.') {
        Some(at) if at + 1 < text.len() => (&text[..at], &text[at + 1..]),
        Some(_) => return None,
        None => (text, &text[text.len()..]),
    };
    let digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    (!int.is_empty() && digits(int) && digits(frac)).then_some((int, frac))
}

/// The digits of `int` and then of `frac` as one number (`"12"`, `"5"` →
/// 125), or `None` past `u64::MAX`.
pub(crate) fn digits_value(int: &[u8], frac: &[u8]) -> Option<u64> {
    // Below this, `value × 10 + 9` fits: no checked multiplication, which
    // is a 128-bit one on 32-bit targets such as wasm.
    const SAFE: u64 = (u64::MAX - 9) / 10;
    fn append(mut value: u64, digits: &[u8]) -> Option<u64> {
        for &b in digits {
            let digit = u64::from(b - b'0');
            value = match value {
                0..SAFE => value * 10 + digit,
                _ => value.checked_mul(10)?.checked_add(digit)?,
            };
        }
        Some(value)
    }
    append(append(0, int)?, frac)
}

/// Whether `a × b` is below `2^bits`, judged by the factors' bits alone:
/// true when they add up to `bits` or fewer (it may say false for a
/// product that would fit). Then no overflow check is needed: on 32-bit
/// targets such as wasm, `checked_mul` is a 128-bit multiplication call.
fn fits(a: u64, b: u64, bits: u32) -> bool {
    a.leading_zeros() + b.leading_zeros() >= 128 - bits
}

/// `a × b`, or `None` past `u64::MAX`, without an overflow check when
/// [`fits`] says it cannot overflow.
pub(crate) fn product(a: u64, b: u64) -> Option<u64> {
    if fits(a, b, 64) {
        Some(a * b)
    } else {
        a.checked_mul(b)
    }
}

/// Room for an amount's text: a sign, 20 digits and a point.
const AMOUNT_ROOM: usize = 24;

fn invalid(input: &str) -> MoneyError {
    MoneyError::InvalidAmount { input: input.chars().take(64).collect() }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_amount(f)?;
        write!(f, " {}", self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

/// JSON shape: `{"amount": "19.99", "currency": "USD"}`: the amount is a
/// decimal string so no language reads it through a float.
#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    amount: String,
    currency: Currency,
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MoneyRepr { amount: self.amount_string(), currency: self.currency }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let repr = MoneyRepr::deserialize(d)?;
        Money::from_decimal_str(&repr.amount, repr.currency).map_err(serde::de::Error::custom)
    }
}

/// `round_half_up(value × numerator / denominator)` (away from zero on a
/// tie, for either sign), in 64-bit arithmetic when the product fits and
/// 128-bit otherwise. `denominator` must be positive.
pub(crate) fn mul_div_round_half_up(value: i64, numerator: i64, denominator: i64) -> i128 {
    let small = fits(value.unsigned_abs(), numerator.unsigned_abs(), 63);
    match if small { Some(value * numerator) } else { value.checked_mul(numerator) } {
        Some(product) => i128::from(round_div(product, denominator)),
        None => round_div(i128::from(value) * i128::from(numerator), i128::from(denominator)),
    }
}

fn round_div<T>(n: T, d: T) -> T
where
    T: Copy + PartialOrd + std::ops::Div<Output = T> + std::ops::Rem<Output = T> + std::ops::Add<Output = T>,
    T: std::ops::Sub<Output = T> + From<i8>,
{
    let (q, r) = (n / d, n % d);
    let zero = T::from(0);
    let twice = if r < zero { zero - r - r } else { r + r };
    match (twice >= d, n < zero) {
        (true, true) => q - T::from(1),
        (true, false) => q + T::from(1),
        (false, _) => q,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    #[test]
    fn m1_parses_decimal_text_exactly() {
        assert_eq!(Money::parse("19.99 USD").unwrap(), usd(1999));
        assert_eq!(Money::parse("0.1 USD").unwrap(), usd(10));
        assert_eq!(Money::parse("-0.01 USD").unwrap(), usd(-1));
        assert_eq!(Money::parse("19.990 USD").unwrap(), usd(1999));
        assert_eq!(Money::parse("1000 JPY").unwrap().minor(), 1000);
        assert_eq!(Money::parse("1.001 BHD").unwrap().minor(), 1001);
    }

    #[test]
    fn m2_too_many_decimals_is_an_error_not_a_rounding() {
        let err = Money::parse("19.999 USD").unwrap_err();
        assert_eq!(err.code(), "money.too_many_decimals");
        assert_eq!(err.to_string(), "19.999 has too many decimal places for USD, which has 2");
        assert_eq!(Money::parse("1.5 JPY").unwrap_err().code(), "money.too_many_decimals");
        assert_eq!(Money::parse("1.0001 KWD").unwrap_err().code(), "money.too_many_decimals");
    }

    #[test]
    fn m1_rejects_anything_that_is_not_plain_decimal_text() {
        for bad in ["", "USD", "1,5 USD", "1e3 USD", "+5 USD", ".5 USD", "5. USD", "NaN USD", "1 2 USD", " 5"] {
            assert!(Money::parse(bad).is_err(), "{bad:?} parsed");
        }
        assert_eq!(Money::parse("5 ABC").unwrap_err().code(), "money.unknown_currency");
    }

    #[test]
    fn m3_overflow_and_mismatch_are_errors() {
        assert_eq!(Money::parse("92233720368547758.08 USD").unwrap_err().code(), "money.overflow");
        assert_eq!(Money::parse("99999999999999999999999999999999 JPY").unwrap_err().code(), "money.overflow");
        // Digits past u64::MAX by one, and many leading zeros that are not.
        assert_eq!(digits_value(b"1844674407370955161", b"6"), None);
        assert_eq!(digits_value(b"1844674407370955161", b"5"), Some(u64::MAX));
        assert_eq!(Money::parse("00000000000000000000000000012.34 USD").unwrap(), usd(1234));
        assert_eq!(usd(i64::MAX).checked_add(usd(1)).unwrap_err(), MoneyError::Overflow);
        assert_eq!(usd(i64::MIN).checked_sub(usd(1)).unwrap_err(), MoneyError::Overflow);
        let err = usd(1).checked_add(Money::zero(Currency::EUR)).unwrap_err();
        assert_eq!(err.to_string(), "cannot combine USD with EUR: the currencies differ");
        assert_eq!(usd(-1).non_negative("price").unwrap_err().code(), "money.negative");
    }

    #[test]
    fn m4_format_parse_round_trip_at_the_edges() {
        for c in Currency::all() {
            for minor in [0, 1, -1, 7, 10, 999, 1000, i64::MAX, i64::MIN, i64::MIN + 1] {
                let m = Money::from_minor(minor, c);
                assert_eq!(Money::parse(&m.to_string()).unwrap(), m, "{m}");
                let json = serde_json::to_string(&m).unwrap();
                assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m, "{json}");
            }
        }
    }

    #[test]
    fn m1_json_shape_is_decimal_string_plus_code() {
        assert_eq!(serde_json::to_string(&usd(1999)).unwrap(), r#"{"amount":"19.99","currency":"USD"}"#);
        assert!(serde_json::from_str::<Money>(r#"{"amount":19.99,"currency":"USD"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"19.999","currency":"USD"}"#).is_err());
    }

    #[test]
    fn round_half_up_is_symmetric_in_both_widths() {
        for (v, n, d, want) in
            [(5, 1, 10, 1), (4, 1, 10, 0), (-5, 1, 10, -1), (15, 1, 10, 2), (-14, 1, 10, -1), (1999, 2000, 10_000, 400)]
        {
            assert_eq!(mul_div_round_half_up(v, n, d), want, "{v}×{n}/{d}");
        }
        assert_eq!(mul_div_round_half_up(i64::MAX, 10_000, 10_000), i128::from(i64::MAX));
        assert_eq!(mul_div_round_half_up(i64::MIN, 5_000, 10_000), i128::from(i64::MIN / 2));
        // Around the bound where the 64-bit product is taken unchecked.
        let (a, b) = ((1_i64 << 31) - 1, (1_i64 << 32) - 1);
        assert_eq!(mul_div_round_half_up(a, b, 1), i128::from(a) * i128::from(b));
        assert_eq!(mul_div_round_half_up(-a - 1, b + 1, 1), -(1_i128 << 63));
        assert_eq!(mul_div_round_half_up(a + 1, b + 1, 1), 1_i128 << 63);
    }

    #[test]
    fn pushed_amounts_are_the_amount_strings() {
        for (minor, code) in
            [(i64::MIN, "USD"), (i64::MAX, "USD"), (-5, "USD"), (0, "USD"), (1_234, "JPY"), (-1_250, "KWD")]
        {
            let money = Money::from_minor(minor, Currency::from_code(code).unwrap());
            let mut out = b"x".to_vec();
            money.push_amount(&mut out);
            assert_eq!(out, format!("x{}", money.amount_string()).as_bytes(), "{minor} {code}");
        }
        assert_eq!(Money::from_minor(i64::MIN, Currency::USD).amount_string(), "-92233720368547758.08");
    }

    #[test]
    fn products_past_64_bits_are_none_on_either_side_of_the_fast_bound() {
        let max = (1_u64 << 32) - 1;
        assert_eq!(product(max, max), Some(max * max));
        assert_eq!(product(1 << 32, 1 << 31), Some(1 << 63));
        assert_eq!(product(1 << 32, 1 << 32), None);
        assert_eq!(product(u64::MAX, 1), Some(u64::MAX));
        assert_eq!(product(u64::MAX, 2), None);
        assert_eq!(product(0, u64::MAX), Some(0));
    }
}
