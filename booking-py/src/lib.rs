//! Python bindings for `booking-core`: the compiled module
//! `booking._booking` inside the `booking` package (built by maturin).
//!
//! The bindings add no domain logic: they convert Python values to the
//! core's types (refusing floats and naive datetimes), call the core, and
//! turn its errors into the `booking.BookingError` tree.

use pyo3::prelude::*;

mod convert;
mod engine;
mod errors;
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
    m.add("BookingError", py.get_type::<errors::BookingError>())?;
    m.add("ValidationError", py.get_type::<errors::ValidationError>())?;
    m.add("ForbiddenError", py.get_type::<errors::ForbiddenError>())?;
    m.add("InvalidTransitionError", py.get_type::<errors::InvalidTransitionError>())?;
    m.add("ConflictError", py.get_type::<errors::ConflictError>())?;
    m.add("PaymentDeclinedError", py.get_type::<errors::PaymentDeclinedError>())?;
    m.add("PaymentRetryableError", py.get_type::<errors::PaymentRetryableError>())?;
    m.add("NotFoundError", py.get_type::<errors::NotFoundError>())?;
    Ok(())
}
