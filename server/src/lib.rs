//! Passerelle's sync server: enrols devices, authenticates every request, authorizes every
//! row it accepts or sends against current assignments and consents, keeps a per-scope change
//! log, moves voice notes' audio, and offers the coordinator's operations and a person's export
//! and erasure. Storage is embedded SQLite by default and PostgreSQL for deployments. See docs/sync.md and docs/openapi.yaml.

pub mod auth;
pub mod authz;
pub mod coordinator;
pub mod demo;
pub mod directory;
pub mod error;
pub mod http;
pub mod rights;
pub mod rows;
pub mod scopes;
pub mod service;
pub mod store;
pub mod sync;
pub mod voice;
pub mod write;

pub use service::{ApiRequest, ApiResponse, Config, Method, Service};
pub use store::ServerStore;
pub use store::postgres::{PostgresOptions, PostgresStore};
pub use store::sqlite::SqliteStore;
