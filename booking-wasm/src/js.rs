//! Crossing the boundary: JS values in and out through JSON (so serde and
//! the core's own validating deserializers do the reading), RFC 3339
//! strings for instants, and refusals as real `Error` objects.

use booking_core::{Actor, Coded, ErrorKind};
use chrono::{DateTime, Utc};
use js_sys::{Reflect, JSON};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A JS `Error` whose `name` is the kind of refusal (`ValidationError`,
/// `ForbiddenError`, …, see [`ErrorKind`]) with the core's stable `code`.
pub(crate) fn error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(ErrorKind::of(code).name());
    // Setting a property on a fresh Error cannot fail.
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err.into()
}

/// The core's refusal as a thrown JS `Error`.
pub(crate) fn core<E: Coded>(e: E) -> JsValue {
    error(e.code(), &e.to_string())
}

/// Reads `value` as `T` through JSON. `what` names the argument in the
/// message, so a caller knows which one to fix.
pub(crate) fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    from_json(&json_text(value, what)?, what)
}

/// `JSON.stringify(value)`, refusing what JSON cannot carry.
pub(crate) fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| error("json.invalid", &format!("{what}: expected a JSON-compatible value")))
}

/// Reads JSON text as `T`, naming `what` in the message.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, JsValue> {
    serde_json::from_str(text).map_err(|e| error("json.invalid", &format!("{what}: {}", plain(&e))))
}

/// serde's message without the line and column of the JSON text the JS
/// value was turned into, which would only confuse the caller.
pub(crate) fn plain(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// `value` as a plain JS value (objects, arrays, strings).
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| error("json.invalid", &e.to_string()))?;
    JSON::parse(&text)
}

/// An instant from an RFC 3339 string with a zone (`"2026-06-01T09:00:00Z"`,
/// what `Date.prototype.toISOString()` gives).
pub(crate) fn instant(text: &str, what: &str) -> Result<DateTime<Utc>, JsValue> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        error(
            "datetime.invalid",
            &format!("{what}: expected an RFC 3339 instant with a zone, such as 2026-06-01T09:00:00Z, got {text:?}"),
        )
    })
}

/// An actor: a user id as a string, or `{kind: "system"}` /
/// `{kind: "mediator", userId}`.
pub(crate) fn actor(value: &JsValue) -> Result<Actor, JsValue> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Input {
        User(String),
        Tagged(Actor),
    }
    match from_js::<Input>(value, "actor") {
        Ok(Input::User(id)) if !id.trim().is_empty() => Ok(Actor::user(id)),
        Ok(Input::Tagged(actor)) => Ok(actor),
        _ => {
            Err(error("actor.invalid", "actor: expected a user id, {kind: \"system\"} or {kind: \"mediator\", userId}"))
        }
    }
}
