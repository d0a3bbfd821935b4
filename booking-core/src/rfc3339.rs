//! A quicker read of the times the core writes itself.
//!
//! chrono reads any RFC 3339 text through its general parser, which costs
//! a create about a fifth of a microsecond. The core and its bindings
//! write one form, `2026-06-04T09:00:00Z` or `...+00:00`, with an optional
//! fraction of up to nine digits: that form is read directly here, and
//! anything else goes to chrono, so what is accepted, the instant it
//! means, and every error are chrono's.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// Reads a `DateTime<Utc>` as chrono's serde does, quicker for the UTC
/// form (`#[serde(deserialize_with = "crate::rfc3339::utc")]`).
pub(crate) fn utc<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    struct Text;
    impl Visitor<'_> for Text {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            // chrono's words, so a refusal reads the same either way.
            f.write_str("an RFC 3339 formatted date and time string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
            match in_utc_form(v) {
                Some(at) => Ok(at),
                None => v.parse().map_err(E::custom),
            }
        }
    }
    d.deserialize_str(Text)
}

/// `YYYY-MM-DDTHH:MM:SS[.f…]` then `Z` or `+00:00`, or `None` for any
/// other text (chrono then decides). Leap seconds are left to chrono.
fn in_utc_form(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let punctuated =
        b.len() >= 20 && [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')].iter().all(|&(i, c)| b[i] == c);
    if !punctuated {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let (year, month, day) = (number(&b[0..4])?, number(&b[5..7])?, number(&b[8..10])?);
    let (hour, minute, second) = (number(&b[11..13])?, number(&b[14..16])?, number(&b[17..19])?);
    let (mut rest, mut nanos) = (&b[19..], 0);
    if let [b'.', fraction @ ..] = rest {
        let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        nanos = number(&fraction[..digits])? * 10u32.pow(9 - digits as u32);
        rest = &fraction[digits..];
    }
    if (rest != b"Z" && rest != b"+00:00") || second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chrono(text: &str) -> Option<DateTime<Utc>> {
        text.parse().ok()
    }

    #[test]
    fn the_utc_form_is_read_directly_and_the_rest_by_chrono() {
        for text in [
            "2026-06-04T09:00:00Z",
            "2026-06-04T09:00:00+00:00",
            "2026-06-04T09:00:00.5Z",
            "2026-06-04T09:00:00.123456789+00:00",
            "2024-02-29T23:59:59Z",
            "0000-01-01T00:00:00Z",
        ] {
            assert_eq!(in_utc_form(text), chrono(text), "{text}");
            assert!(in_utc_form(text).is_some(), "{text} is the form read directly");
        }
        for text in [
            "2026-06-04T09:00:00+02:00",
            "2026-06-04 09:00:00Z",
            "2026-06-04t09:00:00z",
            "2026-06-04T09:00:60Z",
            "2026-06-04T09:00:00.Z",
            "2026-06-04T09:00:00.1234567891Z",
            "2025-02-29T09:00:00Z",
            "2026-13-01T09:00:00Z",
            "2026-06-04T24:00:00Z",
            "2026-06-04T09:00:00",
            "2026-06-04T09:00:00Z ",
            "2026-06-04",
        ] {
            assert_eq!(in_utc_form(text), None, "{text} is left to chrono");
        }
        let read = |json: &str| {
            #[derive(serde::Deserialize, Debug)]
            struct At(#[serde(deserialize_with = "utc")] DateTime<Utc>);
            serde_json::from_str::<At>(json).map(|a| a.0).map_err(|e| e.to_string())
        };
        assert_eq!(read(r#""2026-06-04T11:00:00+02:00""#), Ok(chrono("2026-06-04T09:00:00Z").unwrap()));
        assert_eq!(read(r#""2026-06-04""#).unwrap_err(), "premature end of input at line 1 column 12");
        assert_eq!(
            read("3").unwrap_err(),
            "invalid type: integer `3`, expected an RFC 3339 formatted date and time string at line 1 column 1"
        );
    }

    proptest! {
        /// Whatever the direct read takes, chrono reads as the same
        /// instant; and in the UTC form it takes all that chrono takes
        /// but leap seconds.
        #[test]
        fn the_direct_read_agrees_with_chrono(
            date in (0u32..10_000, 0u32..14, 0u32..33),
            time in (0u32..25, 0u32..61, 0u32..62),
            fraction in proptest::collection::vec(0u8..10, 0..11),
            dot in any::<bool>(),
            zone in prop_oneof![Just("Z"), Just("+00:00"), Just("-00:00"), Just("+01:30"), Just("z"), Just("")],
        ) {
            let f: String = fraction.iter().map(|c| char::from(b'0' + c)).collect();
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{f}{zone}",
                date.0, date.1, date.2, time.0, time.1, time.2, if dot { "." } else { "" }
            );
            let direct = in_utc_form(&text);
            if direct.is_some() {
                prop_assert_eq!(direct, chrono(&text), "{}", text);
            }
            let utc_form = matches!(zone, "Z" | "+00:00") && dot == (1..=9).contains(&f.len()) && time.2 < 60;
            prop_assert_eq!(direct.is_some(), utc_form && chrono(&text).is_some(), "{}", text);
        }
    }
}
