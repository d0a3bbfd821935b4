//! Python bindings for `booking-core`: the compiled module
//! `booking._booking` inside the `booking` package (built by maturin).
//!
//! The bindings add no domain logic: they convert Python values to the
//! core's types (refusing floats and naive datetimes), call the core, and
//! turn its errors into the `booking.BookingError` tree.

use pyo3::prelude::*;

mod convert;
mod de;
mod engine;
mod errors;
mod gateway;
mod store;
mod types;

#[pymodule]
fn _booking(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<types::PyMoney>()?;
    m.add_class::<types::PyRevenueSplit>()?;
    m.add_class::<types::PyBooking>()?;
    m.add_class::<types::PyDecision>()?;
    m.add_class::<engine::Engine>()?;
    m.add_function(wrap_pyfunction!(types::preview_split, m)?)?;
    m.add_function(wrap_pyfunction!(types::policy_preset, m)?)?;
    m.add_function(wrap_pyfunction!(types::tally, m)?)?;
    m.add_function(wrap_pyfunction!(store::check_store, m)?)?;
    // Each class carries a default `.code`, for errors raised from Python
    // (a gateway declining a card, say); the engine's own set the exact one.
    let classes = [
        ("BookingError", py.get_type::<errors::BookingError>(), "booking.error"),
        ("ValidationError", py.get_type::<errors::ValidationError>(), "validation.invalid"),
        ("ForbiddenError", py.get_type::<errors::ForbiddenError>(), "lifecycle.forbidden"),
        ("InvalidTransitionError", py.get_type::<errors::InvalidTransitionError>(), "lifecycle.invalid_transition"),
        ("ConflictError", py.get_type::<errors::ConflictError>(), "store.conflict"),
        ("PaymentDeclinedError", py.get_type::<errors::PaymentDeclinedError>(), "payment.declined"),
        ("PaymentRetryableError", py.get_type::<errors::PaymentRetryableError>(), "payment.unavailable"),
        ("NotFoundError", py.get_type::<errors::NotFoundError>(), "service.not_found"),
    ];
    for (name, class, code) in classes {
        class.setattr("code", code)?;
        class.setattr("message", "")?;
        m.add(name, class)?;
    }
    Ok(())
}
