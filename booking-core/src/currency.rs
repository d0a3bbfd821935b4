//! ISO 4217 currencies and their minor-unit exponents (SPEC M2).
//!
//! The table holds every active ISO 4217 code whose minor unit is 0, 2 or 3
//! decimal places. Funds codes with four decimals (`CLF`, `UYW`), precious
//! metals and testing codes (`XAU`, `XTS`, …) are deliberately absent: they are
//! not prices anybody books a session in, and an unknown code is an error,
//! never a guess.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::MoneyError;

/// A currency: its ISO 4217 code and the number of decimal places of its
/// minor unit.
///
/// ```
/// use booking_core::Currency;
/// let jpy = Currency::from_code("JPY")?;
/// assert_eq!(jpy.exponent(), 0);
/// assert_eq!(Currency::from_code("kwd")?.exponent(), 3);
/// assert_eq!(Currency::from_code("XYZ").unwrap_err().code(), "money.unknown_currency");
/// # Ok::<(), booking_core::MoneyError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

/// `(code, exponent)`, sorted by code so lookups can binary-search.
#[rustfmt::skip]
const TABLE: &[(&str, u8)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2), ("ARS", 2),
    ("AUD", 2), ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2),
    ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2), ("BOB", 2), ("BRL", 2), ("BSD", 2),
    ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHF", 2),
    ("CLP", 0), ("CNY", 2), ("COP", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2),
    ("DJF", 0), ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2),
    ("EUR", 2), ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2),
    ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HTG", 2),
    ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0),
    ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0),
    ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2),
    ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2),
    ("MKD", 2), ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2),
    ("MWK", 2), ("MXN", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2),
    ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2),
    ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2),
    ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2),
    ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2), ("STN", 2),
    ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2), ("TND", 3),
    ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2), ("UGX", 0),
    ("USD", 2), ("UYI", 0), ("UYU", 2), ("UZS", 2), ("VES", 2), ("VND", 0), ("VUV", 0),
    ("WST", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2), ("XOF", 0), ("XPF", 0), ("YER", 2),
    ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
];

/// A code's three bytes as one number: they order the way the codes do.
const fn key(code: &[u8]) -> u32 {
    (code[0] as u32) << 16 | (code[1] as u32) << 8 | code[2] as u32
}

/// [`TABLE`]'s codes as keys, for a lookup over one small array.
const KEYS: [u32; TABLE.len()] = {
    let mut keys = [0; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        keys[i] = key(TABLE[i].0.as_bytes());
        i += 1;
    }
    keys
};

impl Currency {
    /// US dollar, the most common currency in examples.
    pub const USD: Currency = Currency { code: *b"USD", exponent: 2 };
    /// Euro.
    pub const EUR: Currency = Currency { code: *b"EUR", exponent: 2 };
    /// Japanese yen (zero-decimal).
    pub const JPY: Currency = Currency { code: *b"JPY", exponent: 0 };

    /// Looks a code up in the ISO 4217 table. Lowercase codes (as Stripe
    /// writes them) are accepted; anything not in the table is
    /// [`MoneyError::UnknownCurrency`].
    ///
    /// ```
    /// use booking_core::Currency;
    /// assert_eq!(Currency::from_code("eur")?, Currency::EUR);
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
        let unknown = || MoneyError::UnknownCurrency { code: code.chars().take(16).collect() };
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(unknown());
        }
        let upper = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase(), bytes[2].to_ascii_uppercase()];
        KEYS.binary_search(&key(&upper)).map(|i| Currency { code: upper, exponent: TABLE[i].1 }).map_err(|_| unknown())
    }

    /// The three-letter ISO 4217 code, uppercase.
    ///
    /// ```
    /// assert_eq!(booking_core::Currency::USD.code(), "USD");
    /// ```
    pub fn code(&self) -> &str {
        // The bytes always come from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Decimal places of the minor unit: 0, 2 or 3.
    ///
    /// ```
    /// assert_eq!(booking_core::Currency::USD.exponent(), 2);
    /// ```
    pub fn exponent(&self) -> u32 {
        u32::from(self.exponent)
    }

    /// Every currency the library knows, in code order.
    ///
    /// ```
    /// assert!(booking_core::Currency::all().any(|c| c.code() == "BHD"));
    /// ```
    pub fn all() -> impl Iterator<Item = Currency> {
        TABLE.iter().filter_map(|(c, _)| Currency::from_code(c).ok())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::from_code(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m2_table_is_sorted_and_unique_so_binary_search_is_valid() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(KEYS.windows(2).all(|w| w[0] < w[1]));
        assert!(TABLE.iter().all(|(_, e)| matches!(e, 0 | 2 | 3)));
    }

    #[test]
    fn m2_exponents_of_the_named_currencies() {
        for code in ["USD", "EUR", "GBP", "CAD"] {
            assert_eq!(Currency::from_code(code).unwrap().exponent(), 2, "{code}");
        }
        for code in ["JPY", "KRW", "VND", "CLP", "ISK", "UGX"] {
            assert_eq!(Currency::from_code(code).unwrap().exponent(), 0, "{code}");
        }
        for code in ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] {
            assert_eq!(Currency::from_code(code).unwrap().exponent(), 3, "{code}");
        }
    }

    #[test]
    fn m2_unknown_codes_are_errors_not_guesses() {
        for code in ["", "US", "USDD", "XYZ", "U$D", "CLF", "XAU", "日本円"] {
            let err = Currency::from_code(code).unwrap_err();
            assert_eq!(err.code(), "money.unknown_currency", "{code}");
        }
    }
}
