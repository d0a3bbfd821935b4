//! Helpers the cross-crate tests and benches share: where the shared test
//! vectors live and how to read their values (SPEC §V). Amounts in vectors
//! are decimal strings with their currency, field names follow the seed.

use std::path::PathBuf;

use booking_core::{Currency, Money, RevenueSplit};
use serde_json::Value;

/// The folder holding the shared vectors (`tests/vectors`).
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("vectors")
}

/// Reads `tests/vectors/<name>.json` and returns its `cases`.
pub fn cases(name: &str) -> Vec<Value> {
    let path = vectors_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    doc["cases"].as_array().cloned().unwrap_or_default()
}

/// `{"amount": "19.99", "currency": "USD"}` as [`Money`].
pub fn money(v: &Value) -> Money {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("bad amount {v}: {e}"))
}

/// A decimal string in `currency`.
pub fn amount(v: &Value, currency: Currency) -> Money {
    let text = v.as_str().unwrap_or_else(|| panic!("amount {v} is not a string"));
    Money::from_decimal_str(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A split from `{"splits": [...], "autoSplit": .., "escrowReleaseRule": ..}`
/// or from a bare member list.
pub fn split(v: &Value) -> Result<RevenueSplit, booking_core::Error> {
    let doc = if v.is_array() { serde_json::json!({ "splits": v }) } else { v.clone() };
    booking_core::from_json(&doc.to_string())
}
