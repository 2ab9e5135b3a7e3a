//! Offline-first sync with the Passerelle server: the protocol both sides speak, the field
//! specification both sides validate rows against, the transport, and the device's client
//! (push the outbox, pull per scope, merge, purge revoked scopes, move voice notes' audio). See docs/sync.md.

pub(crate) mod apply;
pub mod client;
pub(crate) mod columns;
pub mod protocol;
pub mod spec;
pub mod transport;
pub(crate) mod voice;
