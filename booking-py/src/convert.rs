//! Python values in and out. Every conversion refuses what would lose
//! meaning: a `float` amount (inexact), a naive `datetime` (no zone), a
//! `bool` where a number is wanted. Structured values (commands, bookings,
//! splits) cross as the core's JSON shapes, built straight from Python
//! dicts and lists without a JSON string in between.

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyType};
use serde_json::Value;

use booking_core::{Actor, Command, Currency, Money};

use crate::de::{from_py, read_with};
use crate::errors::validation;
use crate::types::PyMoney;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

pub(crate) fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME.import(py, "datetime", "datetime")
}

/// The message every float refusal carries.
pub(crate) const NO_FLOATS: &str = "floats are inexact and are refused for money: pass a decimal.Decimal, \
     a str such as \"19.99\", or int minor units";

/// A `decimal.Decimal` as its exact text in plain notation (`str()` would
/// give `1E-8` for 0.00000001, which the core's strict parsers refuse).
pub(crate) fn decimal_text(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if obj.is_instance(decimal_type(obj.py())?)? {
        let text: String = obj.str()?.extract()?;
        if text.contains(['E', 'e']) {
            return Ok(Some(obj.call_method1("__format__", ("f",))?.extract()?));
        }
        Ok(Some(text))
    } else {
        Ok(None)
    }
}

/// A new `decimal.Decimal` from exact text.
pub(crate) fn to_decimal<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    decimal_type(py)?.call1((text,))
}

/// Money from a `Money`, a `Decimal` or `str` (major units) with
/// `currency`, an `int` (minor units) with `currency`, or a `str` such as
/// `"19.99 USD"`.
pub(crate) fn money(obj: &Bound<'_, PyAny>, currency: Option<&str>) -> PyResult<Money> {
    if let Ok(m) = obj.cast::<PyMoney>() {
        return Ok(m.get().0);
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(NO_FLOATS));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err("a bool is not an amount"));
    }
    let cur = || -> PyResult<Currency> {
        let code = currency.ok_or_else(|| validation("money.currency", "give the currency with the amount"))?;
        Currency::from_code(code).map_err(crate::errors::core)
    };
    if obj.is_instance_of::<PyInt>() {
        let minor: i64 = obj.extract().map_err(|_| validation("money.overflow", "the amount does not fit in i64"))?;
        return Ok(Money::from_minor(minor, cur()?));
    }
    let text = match decimal_text(obj)? {
        Some(_) if currency.is_none() => {
            return Err(validation("money.currency", "give the currency with a Decimal amount"));
        }
        Some(t) => t,
        None if obj.is_instance_of::<PyString>() => obj.extract()?,
        None => {
            let kind = obj.get_type().name()?;
            return Err(PyTypeError::new_err(format!("expected Money, Decimal, str or int minor units, got {kind}")));
        }
    };
    let parsed = match currency {
        Some(_) => Money::from_decimal_str(text.trim(), cur()?),
        None => Money::parse(&text),
    };
    parsed.map_err(crate::errors::core)
}

/// A timezone-aware `datetime`, in UTC, exactly: `at - 1970-01-01 UTC` is
/// a `timedelta` whose days, seconds and microseconds are integers (no
/// float in between); a naive `datetime` cannot be subtracted from an
/// aware one, which is how it is told apart.
pub(crate) fn datetime(obj: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    let py = obj.py();
    if !obj.is_instance(datetime_type(py)?)? {
        let kind = obj.get_type().name()?;
        return Err(PyTypeError::new_err(format!("expected a timezone-aware datetime, got {kind}")));
    }
    let epoch = EPOCH.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
        Ok(datetime_type(py)?.call1((1970, 1, 1, 0, 0, 0, 0, utc))?.unbind())
    })?;
    let Ok(delta) = obj.sub(epoch.bind(py)) else {
        return Err(validation(
            "datetime.naive",
            "naive datetimes are refused: attach a zone, e.g. datetime(..., tzinfo=timezone.utc)",
        ));
    };
    let days: i64 = delta.getattr(intern!(py, "days"))?.extract()?;
    let seconds: i64 = delta.getattr(intern!(py, "seconds"))?.extract()?;
    let micros: i64 = delta.getattr(intern!(py, "microseconds"))?.extract()?;
    let secs = days * 86_400 + seconds;
    DateTime::from_timestamp(secs, (micros * 1_000) as u32)
        .ok_or_else(|| validation("datetime.out_of_range", "the datetime is out of range"))
}

static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// An actor: a user id as `str`, or `{"kind": "system"}` /
/// `{"kind": "mediator", "userId": ...}` (see `booking.system()` and
/// `booking.mediator(id)`).
pub(crate) fn actor(obj: &Bound<'_, PyAny>) -> PyResult<Actor> {
    if let Ok(s) = obj.cast::<PyString>() {
        let id = s.to_str()?;
        if id.trim().is_empty() {
            return Err(validation("actor.invalid", "an actor's user id must not be empty"));
        }
        return Ok(Actor::user(id));
    }
    if obj.is_instance_of::<PyDict>() {
        return from_py(obj, "actor");
    }
    let kind = obj.get_type().name()?;
    Err(PyTypeError::new_err(format!("expected a user id (str) or booking.system()/booking.mediator(id), got {kind}")))
}

/// A command: its kind as `str` when it has no payload (`"confirm"`), or
/// its JSON shape as a dict (`{"type": "request-revision", "feedback": ...}`).
pub(crate) fn command(obj: &Bound<'_, PyAny>) -> PyResult<Command> {
    if let Ok(s) = obj.cast::<PyString>() {
        let (names, commands) = bare_commands(obj.py())?;
        if let Some(i) = names.bind(obj.py()).get_item(s)? {
            if let Some(command) = commands.get(i.extract::<usize>()?) {
                return Ok(command.clone());
            }
        }
        let name: String = s.extract()?;
        return from_value(serde_json::json!({ "type": name }), "command");
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        // With its type looked up first, the fields are read once, not
        // copied into serde's buffer for tagged shapes first.
        if let Some(kind) = dict.get_item(intern!(obj.py(), "type"))? {
            if let Ok(kind) = kind.cast::<PyString>() {
                let kind = kind.to_str()?;
                return read_with(obj, "command", |fields| Command::from_fields(kind, fields));
            }
        }
        return from_py(obj, "command");
    }
    let kind = obj.get_type().name()?;
    Err(PyTypeError::new_err(format!("expected a command name (str) or dict, got {kind}")))
}

/// The commands that need no payload (`"confirm"`, `"cancel"`, ...), read
/// once through serde from the transition table's names, and a `dict` from
/// each name to its position: the hot path is one lookup of a `str` whose
/// hash Python has already cached, rather than a JSON round trip.
fn bare_commands(py: Python<'_>) -> PyResult<&(Py<PyDict>, Vec<Command>)> {
    static BARE: PyOnceLock<(Py<PyDict>, Vec<Command>)> = PyOnceLock::new();
    BARE.get_or_try_init(py, || {
        let names = PyDict::new(py);
        let mut commands = Vec::new();
        for t in booking_core::TRANSITIONS {
            let name = t.command.as_str();
            if let Ok(c) = serde_json::from_value(serde_json::json!({ "type": name })) {
                if !names.contains(name)? {
                    names.set_item(name, commands.len())?;
                    commands.push(c);
                }
            }
        }
        Ok((names.unbind(), commands))
    })
}

/// Reads a core type from a JSON value; a mismatch is a validation error.
pub(crate) fn from_value<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> PyResult<T> {
    serde_json::from_value(value).map_err(|e| validation("json.invalid", &format!("invalid {what}: {e}")))
}

/// JSON as Python: objects → dict, arrays → list, numbers → int.
pub(crate) fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (_, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => PyString::new(py, &n.to_string()).into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Any serializable core value as a Python dict/list.
pub(crate) fn dump<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| validation("json.invalid", &e.to_string()))?;
    to_py(py, &v)
}

/// An integer argument whose out-of-range values are a `ValidationError`
/// (code `value.out_of_range`) rather than pyo3's `OverflowError`, and whose
/// non-integers (floats and bools included) are a `TypeError`.
pub(crate) struct Int<T>(pub T);

impl<T> Int<T> {
    /// An optional argument's value, or its default.
    pub(crate) fn or(value: Option<Int<T>>, default: T) -> T {
        value.map_or(default, |v| v.0)
    }
}

impl<'a, 'py, T: TryFrom<i64>> FromPyObject<'a, 'py> for Int<T> {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> Result<Self, Self::Error> {
        if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
            let kind = obj.get_type().name()?;
            return Err(PyTypeError::new_err(format!("expected an int, got {kind}")));
        }
        let shown: String = obj.str().map(|s| s.to_string()).unwrap_or_default().chars().take(40).collect();
        let out_of_range = || validation("value.out_of_range", &format!("{shown} is out of range here"));
        let wide: i64 = obj.extract().map_err(|_| out_of_range())?;
        T::try_from(wide).map(Int).map_err(|_| out_of_range())
    }
}
