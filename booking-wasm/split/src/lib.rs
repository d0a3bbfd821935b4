//! booking-wasm's split preview module: `booking-core`'s split rules
//! (SPEC S1–S8) behind a raw wasm interface of plain numbers, for the
//! package's `previewSplit`, `validateSplit` and `splitPreviewer`
//! (`../entry/split.js`).
//!
//! It is its own module, apart from the wasm-bindgen one, for two reasons:
//! - speed: a slider calls it on every move, so it is built with
//!   `opt-level = 3` (profile `wasm-split`), where the rest of the package,
//!   mostly serde for the booking's JSON, is built for size. Its half of a
//!   preview takes about 1.6× as long at `"s"`.
//! - nothing else: it has no imports, so JS instantiates it with
//!   `new WebAssembly.Instance(module)` and no glue.
//!
//! Exports: `memory`, `wire_room` (buffers for the input, see `wire.rs`),
//! `split_preview`, `split_validate` (`split.rs`), and a previewer's
//! `split_team`, `split_slide`, `split_team_drop` (`slider.rs`). The
//! Rust half of every call is tested natively here (`cargo test -p
//! booking-split-wasm`); the JS half in `../js/test`.

mod slider;
mod split;
mod wire;
