//! The exception tree: `BookingError(Exception)` with `.code` (the core's
//! stable machine code) and `.message`, and one subclass per area a caller
//! handles differently.

use booking_core::{Coded, ErrorKind};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(_booking, BookingError, PyException, "Any refusal of the booking engine; `.code` is stable.");
create_exception!(_booking, ValidationError, BookingError, "Bad input: an amount, a split, a command's payload.");
create_exception!(_booking, ForbiddenError, BookingError, "The actor may not do this.");
create_exception!(_booking, InvalidTransitionError, BookingError, "Not possible from the booking's status.");
create_exception!(_booking, ConflictError, BookingError, "Someone else changed it first, or the slot is taken.");
create_exception!(_booking, PaymentDeclinedError, BookingError, "The payment failed for good; nothing changed.");
create_exception!(_booking, PaymentRetryableError, BookingError, "The payment provider kept failing; try later.");
create_exception!(_booking, NotFoundError, BookingError, "No such booking, file or service.");

/// The exception for a core code, with `.code` and `.message` set.
pub(crate) fn error(code: &str, message: &str) -> PyErr {
    let new_err: fn(String) -> PyErr = match ErrorKind::of(code) {
        ErrorKind::Forbidden => ForbiddenError::new_err,
        ErrorKind::InvalidTransition => InvalidTransitionError::new_err,
        ErrorKind::Conflict => ConflictError::new_err,
        ErrorKind::PaymentDeclined => PaymentDeclinedError::new_err,
        ErrorKind::PaymentRetryable => PaymentRetryableError::new_err,
        ErrorKind::NotFound => NotFoundError::new_err,
        ErrorKind::Validation => ValidationError::new_err,
        // The store failing is neither bad input nor a refusal: the base class.
        _ => BookingError::new_err,
    };
    let err = new_err(message.to_owned());
    Python::attach(|py| {
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail.
        let _ = value.setattr("code", code);
        let _ = value.setattr("message", message);
    });
    err
}

/// A validation error with its code.
pub(crate) fn validation(code: &str, message: &str) -> PyErr {
    error(code, message)
}

/// The core's error as its Python exception.
pub(crate) fn core<E: Coded>(e: E) -> PyErr {
    error(e.code(), &e.to_string())
}
