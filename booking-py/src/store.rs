//! Stores written in Python: any object with `get`, `scan` and `write`
//! (the `booking.KeyValueStore` protocol) becomes a full booking store
//! through the core's `KvStore`, which keeps every rule of the contract on
//! top of its compare-and-set writes. `check_store` runs the core's
//! conformance suite against one.

use async_trait::async_trait;
use pyo3::prelude::*;
use pyo3::types::PyList;

use booking_core::{Kv, KvStore, StoreError, Versioned, Write};

use crate::errors::error;

/// A Python key-value store, or why a factory could not make one.
pub(crate) enum PyKv {
    Object(Py<PyAny>),
    Failed(String),
}

impl PyKv {
    /// Calls `method` on the Python object.
    fn call<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        args: impl pyo3::call::PyCallArgs<'py>,
    ) -> Result<Bound<'py, PyAny>, StoreError> {
        match self {
            PyKv::Object(obj) => obj.bind(py).call_method1(method, args).map_err(|e| failed(method, e)),
            PyKv::Failed(why) => Err(StoreError::Unavailable { message: format!("no store: {why}") }),
        }
    }
}

fn failed(method: &str, e: PyErr) -> StoreError {
    StoreError::Unavailable { message: format!("the Python store's {method} raised: {e}") }
}

fn corrupt(method: &str, what: &str) -> StoreError {
    StoreError::Corrupt { message: format!("the Python store's {method} returned {what}") }
}

fn versioned(method: &str, item: &Bound<'_, PyAny>) -> Result<Versioned, StoreError> {
    let (version, value): (u64, String) =
        item.extract().map_err(|_| corrupt(method, "something other than (version: int, value: str)"))?;
    Ok(Versioned { version, value })
}

#[async_trait]
impl Kv for PyKv {
    async fn get(&self, key: &str) -> Result<Option<Versioned>, StoreError> {
        Python::attach(|py| {
            let got = self.call(py, "get", (key,))?;
            if got.is_none() {
                return Ok(None);
            }
            versioned("get", &got).map(Some)
        })
    }

    async fn scan(&self, prefix: &str) -> Result<Vec<(String, Versioned)>, StoreError> {
        Python::attach(|py| {
            let got = self.call(py, "scan", (prefix,))?;
            let mut out = Vec::new();
            for item in got.try_iter().map_err(|_| corrupt("scan", "something not iterable"))? {
                let item = item.map_err(|e| failed("scan", e))?;
                let (key, version, value): (String, u64, String) = item
                    .extract()
                    .map_err(|_| corrupt("scan", "an item other than (key: str, version: int, value: str)"))?;
                if !key.starts_with(prefix) {
                    return Err(corrupt("scan", &format!("{key:?}, outside the prefix {prefix:?}")));
                }
                out.push((key, Versioned { version, value }));
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(out)
        })
    }

    async fn write(&self, batch: Vec<Write>) -> Result<bool, StoreError> {
        Python::attach(|py| {
            let ops = PyList::empty(py);
            for w in &batch {
                let op = match w {
                    Write::Put { key, expected, value } => ("put", key, *expected, Some(value)),
                    Write::Delete { key, expected } => ("delete", key, *expected, None),
                    Write::Check { key, expected } => ("check", key, *expected, None),
                };
                ops.append(op).map_err(|e| failed("write", e))?;
            }
            let done = self.call(py, "write", (ops,))?;
            done.extract::<bool>().map_err(|_| corrupt("write", "something other than a bool"))
        })
    }
}

/// Wraps a Python key-value store as a booking store.
pub(crate) fn kv_store(obj: &Bound<'_, PyAny>) -> PyResult<KvStore<PyKv>> {
    for method in ["get", "scan", "write"] {
        if !obj.hasattr(method)? {
            let kind = obj.get_type().name()?;
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "a store needs get, scan and write (booking.KeyValueStore); {kind} has no {method}"
            )));
        }
    }
    Ok(KvStore::new(PyKv::Object(obj.clone().unbind())))
}

/// Runs the core's store conformance suite (27 checks: versions, leases,
/// idempotency, dashboards, slot claims under concurrency, catalog,
/// ratings, chat, metrics) against fresh stores from `factory`; returns
/// how many passed or raises `BookingError` (code `store.conformance`)
/// naming the first check that failed.
#[pyfunction]
pub fn check_store(py: Python<'_>, factory: Py<PyAny>) -> PyResult<usize> {
    // A factory that does not make a store fails here, with its reason.
    kv_store(&factory.bind(py).call0()?)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| error("store.conformance", &e.to_string()))?;
    let make = || {
        Python::attach(|py| match factory.bind(py).call0().and_then(|s| kv_store(&s)) {
            Ok(store) => store,
            Err(e) => KvStore::new(PyKv::Failed(e.to_string())),
        })
    };
    let result = py.detach(|| runtime.block_on(booking_core::testing::check_store(make)));
    result.map_err(|f| error("store.conformance", &f.to_string()))
}
