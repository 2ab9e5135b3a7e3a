//! The deterministic simulation of the whole sync path: real device stores and the real
//! service, in one process, behind a seeded faulty network. See docs/testing-sync.md.
//!
//! A case is a seed. From it come the devices (who, how skewed their clocks), the fault
//! rates, the server's pull size, and every step. A failing case prints its seed; running
//! with `SIM_SEED=<seed>` replays it.

pub mod inspect;
pub mod net;
pub mod rng;
pub mod world;

pub use world::{Report, run_case, run_case_on};
