//! Passerelle's FFI crate: the thin API that Kotlin (Android) and Swift (iOS) call through
//! uniffi-generated bindings.
//!
//! One object, [`Passerelle`], wraps the core [`passerelle_core::Store`] with one method per
//! store method; one error, [`PasserelleError`], mirrors the core's errors. The records and
//! enums are the core's own (exported by `passerelle-core` with its `uniffi` feature), so the
//! generated code has two parts: `passerelle_core` (records) and `passerelle` (this crate).

// No `allow(unsafe_code)` is needed: the workspace denies unsafe code, and the `unsafe` blocks
// and `#[unsafe(no_mangle)]` functions of uniffi's scaffolding come from its macros' expansions,
// which the lint does not reach. This crate itself has no unsafe code.

uniffi::setup_scaffolding!("passerelle");

mod directory;
mod error;
mod observers;
mod passerelle;

pub use error::PasserelleError;
pub use observers::{ChangeObserver, ObserverError, SyncProgressObserver};
pub use passerelle::Passerelle;
