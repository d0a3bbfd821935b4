//! Python values read straight into the core's types through serde, with
//! no JSON tree in between: a `dict` is a map, a `list` or `tuple` a
//! sequence, `str`, `int`, `bool` and `None` are themselves, a `Decimal` is
//! its exact text, a `Money` its `{"amount", "currency"}` shape and an
//! aware `datetime` its RFC 3339 text. A `float` anywhere in the value is
//! a `TypeError` (money is never inexact), and so is any other type.

use std::fmt;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::iter::BoundDictIterator;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyIterator, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use crate::convert::{datetime, datetime_type, decimal_text, NO_FLOATS};
use crate::errors::validation;
use crate::types::PyMoney;

/// Reads a core type from a Python value in its JSON shape. A value of the
/// wrong shape is a `ValidationError` (code `json.invalid`) naming `what`;
/// a `float` or a type with no JSON shape is a `TypeError`.
pub(crate) fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    read_with(obj, what, T::deserialize)
}

/// Reads `obj` with `read`, which drives the deserializer itself; the
/// errors are those of [`from_py`].
pub(crate) fn read_with<'a, 'py, T>(
    obj: &'a Bound<'py, PyAny>,
    what: &str,
    read: impl FnOnce(Value<'a, 'py>) -> Result<T, Error>,
) -> PyResult<T> {
    read(Value(obj)).map_err(|e| match e {
        Error::Python(e) => e,
        Error::Shape(message) => validation("json.invalid", &format!("invalid {what}: {message}")),
    })
}

/// Why a value could not be read.
#[derive(Debug)]
pub(crate) enum Error {
    /// Python refused it (a float, an unknown type, a naive datetime).
    Python(PyErr),
    /// serde refused its shape (a missing field, a wrong type).
    Shape(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Python(e) => write!(f, "{e}"),
            Error::Shape(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Shape(msg.to_string())
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error::Python(e)
    }
}

/// One Python value as a serde deserializer.
pub(crate) struct Value<'a, 'py>(&'a Bound<'py, PyAny>);

impl<'de> de::Deserializer<'de> for Value<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let obj = self.0;
        // The usual exact types first: a pointer comparison each, where the
        // general checks below call into Python for the type's flags.
        if let Ok(s) = obj.cast_exact::<PyString>() {
            return visitor.visit_str(s.to_str()?);
        }
        if let Ok(d) = obj.cast_exact::<PyDict>() {
            return visitor.visit_map(Entries { entries: d.iter(), value: None });
        }
        if obj.is_none() {
            return visitor.visit_unit();
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return visitor.visit_str(s.to_str()?);
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            return visitor.visit_bool(b.is_true());
        }
        if obj.is_instance_of::<PyInt>() {
            if let Ok(i) = obj.extract::<i64>() {
                return visitor.visit_i64(i);
            }
            let u = obj.extract::<u64>().map_err(|_| validation("json.invalid", "an int out of range"))?;
            return visitor.visit_u64(u);
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            return visitor.visit_map(Entries { entries: d.iter(), value: None });
        }
        if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            return visitor.visit_seq(Items(obj.try_iter()?));
        }
        if obj.is_instance_of::<PyFloat>() {
            return Err(PyTypeError::new_err(NO_FLOATS).into());
        }
        if obj.is_instance(datetime_type(obj.py())?)? {
            return visitor.visit_string(datetime(obj)?.to_rfc3339());
        }
        if let Some(text) = decimal_text(obj)? {
            return visitor.visit_string(text);
        }
        if let Ok(m) = obj.cast::<PyMoney>() {
            let shape = serde_json::to_value(m.get().0).map_err(|e| Error::Shape(e.to_string()))?;
            return de::Deserializer::deserialize_any(shape, visitor).map_err(|e| Error::Shape(e.to_string()));
        }
        let kind = obj.get_type().name()?;
        Err(PyTypeError::new_err(format!("cannot use a {kind} in a booking value")).into())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// An enum is its variant's name (`"final"`), as in JSON. (No core
    /// type has an externally tagged variant with content.)
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0.cast::<PyString>() {
            Ok(s) => {
                let name: de::value::StringDeserializer<Error> = s.to_str()?.to_owned().into_deserializer();
                visitor.visit_enum(name)
            }
            Err(_) => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// A dict's entries for serde's `MapAccess`.
struct Entries<'py> {
    entries: BoundDictIterator<'py>,
    value: Option<Bound<'py, PyAny>>,
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        if !key.is_exact_instance_of::<PyString>() && !key.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err("dict keys must be str in booking values").into());
        }
        self.value = Some(value);
        seed.deserialize(Value(&key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Value(&value)),
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }

    /// The entries left: serde sizes its buffers by it (an internally
    /// tagged enum, such as a resolution or a command read without its
    /// type first, buffers every entry).
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A list's or tuple's items for serde's `SeqAccess`.
struct Items<'py>(Bound<'py, PyIterator>);

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        match self.0.next() {
            Some(item) => seed.deserialize(Value(&item?)).map(Some),
            None => Ok(None),
        }
    }
}
