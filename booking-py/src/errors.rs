//! The exception tree: `BookingError(Exception)` with `.code` (the core's
//! stable machine code) and `.message`, and one subclass per area a caller
//! handles differently.

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
    let err = match code {
        "lifecycle.forbidden" | "chat.not_participant" | "file.no_access" => {
            ForbiddenError::new_err(message.to_owned())
        }
        "lifecycle.invalid_transition" | "lifecycle.closed" | "chat.closed" => {
            InvalidTransitionError::new_err(message.to_owned())
        }
        "store.conflict" | "store.duplicate" | "store.slot_taken" | "service.contention" | "idempotency.mismatch" => {
            ConflictError::new_err(message.to_owned())
        }
        c if c.starts_with("schedule.") => ConflictError::new_err(message.to_owned()),
        "payment.declined" => PaymentDeclinedError::new_err(message.to_owned()),
        "payment.unavailable" => PaymentRetryableError::new_err(message.to_owned()),
        // The store failing is neither bad input nor a refusal: the base class.
        "store.unavailable" | "store.corrupt" => BookingError::new_err(message.to_owned()),
        "service.not_found" | "catalog.not_found" | "file.not_found" => NotFoundError::new_err(message.to_owned()),
        _ => ValidationError::new_err(message.to_owned()),
    };
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

/// Anything of the core's with a `code()` and a message.
pub(crate) trait Coded: std::fmt::Display {
    fn code(&self) -> &'static str;
}

macro_rules! coded {
    ($($t:ty),*) => {
        $(impl Coded for $t {
            fn code(&self) -> &'static str {
                <$t>::code(self)
            }
        })*
    };
}

coded!(
    booking_core::Error,
    booking_core::LifecycleError,
    booking_core::MoneyError,
    booking_core::SplitError,
    booking_core::ServiceError,
    booking_core::ChatError,
    booking_core::FileError,
    booking_core::MetricsError,
    booking_core::PolicyError
);

/// The core's error as its Python exception.
pub(crate) fn core<E: Coded>(e: E) -> PyErr {
    error(e.code(), &e.to_string())
}
