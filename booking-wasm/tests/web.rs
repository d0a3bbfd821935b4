//! The exported functions called as JS calls them, in Node and in headless
//! Chromium (`booking-wasm/scripts/test.sh` runs both): results are plain JS
//! values with strings for money, and refusals are real `Error`s with
//! `name` and `code`. The split preview is JS in front of the wire
//! (`entry/split.js`): `js/test/` drives it in Node and, through the demo
//! page, in headless Chromium; `split/src/split.rs` tests the wire's Rust half.
#![cfg(target_arch = "wasm32")]

use booking_wasm::*;
use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON")
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, key| match key.parse::<u32>() {
        Ok(i) => Reflect::get_u32(&v, i).unwrap(),
        Err(_) => Reflect::get(&v, &key.into()).unwrap(),
    })
}

fn text(v: &JsValue, path: &str) -> String {
    get(v, path).as_string().unwrap_or_else(|| format!("<{path} not a string>"))
}

/// The thrown value: an `Error` whose name and code are returned.
fn refusal(thrown: JsValue) -> (String, String) {
    assert!(thrown.is_instance_of::<js_sys::Error>(), "a real Error");
    (text(&thrown, "name"), text(&thrown, "code"))
}

#[wasm_bindgen_test]
fn m4_money_parses_and_formats_exactly_with_typed_errors() {
    let m = parse_money("1.234 KWD", None).unwrap();
    assert_eq!(
        (text(&m, "amount"), text(&m, "currency"), text(&m, "minor")),
        ("1.234".into(), "KWD".into(), "1234".into())
    );
    assert_eq!(text(&parse_money("19.99", Some("USD".into())).unwrap(), "minor"), "1999");
    assert_eq!(format_money("-5", "USD").unwrap(), "-0.05 USD");
    assert_eq!(format_money("9223372036854775807", "JPY").unwrap(), "9223372036854775807 JPY");
    assert_eq!(
        refusal(parse_money("19.999 USD", None).unwrap_err()),
        ("ValidationError".into(), "money.too_many_decimals".into())
    );
    assert_eq!(refusal(format_money("1.5", "USD").unwrap_err()).1, "money.invalid_amount");
    assert_eq!(refusal(format_money("1", "XXX1").unwrap_err()).1, "money.unknown_currency");
}

#[wasm_bindgen_test]
fn r6_votes_tally_and_bad_rules_throw() {
    let vote =
        r#"{"releaseRule": "majority", "members": ["a", "b", "c"], "lead": "a", "votes": {"a": true, "b": true}}"#;
    assert_eq!(tally_votes(js(vote)).unwrap(), JsValue::from("passed"));
    let open = r#"{"releaseRule": "unanimous", "members": ["a", "b"], "lead": "a", "votes": {"a": true}}"#;
    assert_eq!(tally_votes(js(open)).unwrap(), JsValue::from("pending"));
    let bad = r#"{"releaseRule": "most", "members": ["a"], "lead": "a", "votes": {}}"#;
    assert_eq!(refusal(tally_votes(js(bad)).unwrap_err()), ("ValidationError".into(), "json.invalid".into()));
}

fn new_booking() -> JsValue {
    js(r#"{"id": "b1", "clientId": "c", "providerId": "p", "price": {"amount": "100.00", "currency": "USD"},
        "scheduledDate": "2026-06-04T09:00:00Z", "estimatedDurationMinutes": 60}"#)
}

#[wasm_bindgen_test]
fn b6_c2_actions_and_refunds_follow_the_booking() {
    let created = create_booking(new_booking(), "2026-06-01T09:00:00Z").unwrap();
    let booking = get(&created, "booking");
    assert_eq!(text(&booking, "status"), "pending");
    assert_eq!(text(&created, "effects.0.type"), "authorize");
    let actions = allowed_actions(booking.clone(), "p".into(), "2026-06-01T10:00:00Z").unwrap();
    assert_eq!(JSON::stringify(&actions).unwrap(), r#"["confirm","decline","cancel","upload-file"]"#);
    assert_eq!(
        JSON::stringify(&allowed_actions(booking.clone(), "x".into(), "2026-06-01T10:00:00Z").unwrap()).unwrap(),
        "[]"
    );
    let quote = refund_quote(booking.clone(), "c".into(), "2026-06-01T10:00:00Z").unwrap();
    assert_eq!(get(&quote, "voided"), JsValue::TRUE);

    let confirmed = handle_command(booking, "p".into(), js(r#"{"type": "confirm"}"#), "2026-06-01T10:00:00Z").unwrap();
    let booking = get(&confirmed, "booking");
    assert_eq!(text(&booking, "status"), "confirmed");
    // 47 h before the session: standard policy's 50 % tier (C2); the lead refunds all (C3).
    let quote = refund_quote(booking.clone(), "c".into(), "2026-06-02T10:00:00Z").unwrap();
    assert_eq!((text(&quote, "refund.amount"), text(&quote, "kept.amount")), ("50.00".into(), "50.00".into()));
    let quote = refund_quote(booking.clone(), "p".into(), "2026-06-02T10:00:00Z").unwrap();
    assert_eq!(text(&quote, "refund.amount"), "100.00");
    let err =
        handle_command(booking.clone(), "c".into(), js(r#"{"type": "start"}"#), "2026-06-02T10:00:00Z").unwrap_err();
    assert_eq!(refusal(err), ("ForbiddenError".into(), "lifecycle.forbidden".into()));
    let err = handle_command(booking, "p".into(), js(r#"{"type": "deliver"}"#), "2026-06-02T10:00:00Z").unwrap_err();
    assert_eq!(refusal(err), ("InvalidTransitionError".into(), "lifecycle.invalid_transition".into()));
}

#[wasm_bindgen_test]
fn c2_policy_quote_without_a_booking() {
    let input = r#"{"policy": "verified", "price": {"amount": "9.99", "currency": "USD"},
        "scheduledDate": "2026-06-04T09:00:00Z", "at": "2026-06-02T09:00:00Z"}"#;
    let q = cancellation_refund(js(input)).unwrap();
    assert_eq!(get(&q, "refundBps"), JsValue::from(7500));
    assert_eq!((text(&q, "refund.amount"), text(&q, "kept.amount")), ("7.49".into(), "2.50".into()));
    let bad = input.replace("2026-06-02T09:00:00Z", "yesterday");
    assert_eq!(refusal(cancellation_refund(js(&bad)).unwrap_err()).1, "datetime.invalid");
    let negative = input.replace("\"9.99\"", "\"-9.99\"");
    assert_eq!(refusal(cancellation_refund(js(&negative)).unwrap_err()).1, "money.negative");
    let unknown = input.replace("verified", "gold");
    assert_eq!(refusal(cancellation_refund(js(&unknown)).unwrap_err()).1, "policy.unknown");
}

#[wasm_bindgen_test]
fn bad_bookings_actors_and_instants_throw_validation_errors() {
    assert_eq!(refusal(allowed_actions(js("{}"), "p".into(), "2026-06-01T10:00:00Z").unwrap_err()).1, "json.invalid");
    let created = create_booking(new_booking(), "2026-06-01T09:00:00Z").unwrap();
    let booking = get(&created, "booking");
    assert_eq!(
        refusal(allowed_actions(booking.clone(), JsValue::from(7), "2026-06-01T10:00:00Z").unwrap_err()).1,
        "actor.invalid"
    );
    assert_eq!(refusal(allowed_actions(booking, "p".into(), "2026-06-01 10:00").unwrap_err()).1, "datetime.invalid");
}
