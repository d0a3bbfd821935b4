//! Payment gateways written in Python (the `booking.PaymentGateway`
//! protocol): `authorize`, `capture`, `void`, `transfer`, `refund` and
//! `reverse`, each given the step's idempotency key. A method that returns
//! succeeded; one that raises `booking.PaymentDeclinedError` failed for
//! good; anything else it raises is treated as retryable (the step's key
//! makes a retry safe), and the service retries with backoff (O2).

use async_trait::async_trait;
use pyo3::prelude::*;

use booking_core::{BookingId, PaymentCall, PaymentEffect, PaymentError, PaymentGateway, UserId};

use crate::convert::dump;
use crate::errors::PaymentDeclinedError;
use crate::types::PyMoney;

/// A Python payment gateway.
pub(crate) struct PyGateway(pub Py<PyAny>);

/// Checks that `obj` has the protocol's methods.
pub(crate) fn gateway(obj: &Bound<'_, PyAny>) -> PyResult<PyGateway> {
    for method in ["authorize", "capture", "void", "transfer", "refund", "reverse"] {
        if !obj.hasattr(method)? {
            let kind = obj.get_type().name()?;
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "a gateway needs authorize, capture, void, transfer, refund and reverse \
                 (booking.PaymentGateway); {kind} has no {method}"
            )));
        }
    }
    Ok(PyGateway(obj.clone().unbind()))
}

/// The gateway's exception as a classified payment error.
fn classify(py: Python<'_>, method: &str, e: PyErr) -> PaymentError {
    let value = e.value(py);
    let code = value.getattr("code").and_then(|c| c.extract::<String>()).unwrap_or_else(|_| format!("{method}_failed"));
    let message = value.str().map(|s| s.to_string()).unwrap_or_default();
    if e.is_instance_of::<PaymentDeclinedError>(py) {
        PaymentError::permanent(code, message)
    } else {
        PaymentError::retryable(code, message)
    }
}

impl PyGateway {
    fn call(
        &self,
        method: &str,
        args: impl for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>>,
    ) -> Result<(), PaymentError> {
        Python::attach(|py| {
            let result = args(py).and_then(|args| self.0.bind(py).call_method1(method, args));
            result.map(|_| ()).map_err(|e| classify(py, method, e))
        })
    }

    /// Calls `method(booking_id, key, amount, *extra)`: every money step
    /// passes the same three first, and `authorize` and `transfer` add
    /// their own (a payment method; a user and their payout account).
    fn step(&self, method: &str, call: PaymentCall<'_>, extra: &[Option<&str>]) -> Result<(), PaymentError> {
        self.call(method, |py| {
            let mut args = vec![
                call.booking_id.as_str().into_pyobject(py)?.into_any(),
                call.key.as_str().into_pyobject(py)?.into_any(),
                Bound::new(py, PyMoney(call.amount))?.into_any(),
            ];
            for item in extra {
                args.push(item.into_pyobject(py)?.into_any());
            }
            pyo3::types::PyTuple::new(py, args)
        })
    }
}

#[async_trait]
impl PaymentGateway for PyGateway {
    async fn authorize(&self, call: PaymentCall<'_>, payment_method: Option<&str>) -> Result<(), PaymentError> {
        self.step("authorize", call, &[payment_method])
    }

    async fn capture(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.step("capture", call, &[])
    }

    async fn void(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.step("void", call, &[])
    }

    async fn transfer(&self, call: PaymentCall<'_>, user: &UserId, account: Option<&str>) -> Result<(), PaymentError> {
        self.step("transfer", call, &[Some(user.as_str()), account])
    }

    async fn refund(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.step("refund", call, &[])
    }

    async fn reverse(&self, booking_id: &BookingId, step: &PaymentEffect) -> Result<(), PaymentError> {
        self.call("reverse", |py| {
            pyo3::types::PyTuple::new(py, [booking_id.as_str().into_pyobject(py)?.into_any(), dump(py, step)?])
        })
    }
}
