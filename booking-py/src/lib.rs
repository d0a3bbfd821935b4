//! Python bindings for `booking-core` (pyo3, built by maturin).
//!
//! This member reserves its place in the workspace; the bindings themselves
//! are tracked as their own issue and add no logic of their own: everything
//! they expose is `booking_core`.
pub use booking_core;
