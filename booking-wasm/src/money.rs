//! Money in and out of text, exactly: amounts are decimal strings and
//! minor-unit counts are strings too, so no value ever passes through a
//! JS number (SPEC M1–M4).

use booking_core::{Currency, Money};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::js;

#[derive(Serialize)]
struct Parsed {
    amount: String,
    currency: Currency,
    minor: String,
}

/// Parses `"19.99 USD"`, or `"19.99"` with `currency`: `{amount, currency,
/// minor}` with `minor` the count of minor units as a string (`"1999"`).
/// Throws a `ValidationError` (`money.invalid_amount`,
/// `money.too_many_decimals`, `money.unknown_currency`, …).
#[wasm_bindgen(js_name = parseMoney, unchecked_return_type = "MoneyValue")]
pub fn parse_money(text: &str, currency: Option<String>) -> Result<JsValue, JsValue> {
    let money = match currency {
        Some(code) => Money::from_decimal_str(text.trim(), Currency::from_code(&code).map_err(js::core)?),
        None => Money::parse(text),
    }
    .map_err(js::core)?;
    js::to_js(&Parsed { amount: money.amount_string(), currency: money.currency(), minor: money.minor().to_string() })
}

/// Formats a count of minor units (a string of digits, `"-5"` allowed) in
/// `currency` as `"<amount> <CODE>"`, the form `parseMoney` reads back:
/// `formatMoney("1999", "USD")` is `"19.99 USD"`.
#[wasm_bindgen(js_name = formatMoney)]
pub fn format_money(minor: &str, currency: &str) -> Result<String, JsValue> {
    let currency = Currency::from_code(currency).map_err(js::core)?;
    let count: i64 = minor.trim().parse().map_err(|_| {
        js::error(
            "money.invalid_amount",
            &format!("expected a whole number of minor units such as \"1999\", got {minor:?}"),
        )
    })?;
    Ok(Money::from_minor(count, currency).to_string())
}
