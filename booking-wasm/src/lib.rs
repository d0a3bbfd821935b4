//! WebAssembly bindings for `booking-core` (wasm-bindgen).
//!
//! This member reserves its place in the workspace; the bindings themselves
//! are tracked as their own issue and add no logic of their own: everything
//! they expose is `booking_core`.
pub use booking_core;
