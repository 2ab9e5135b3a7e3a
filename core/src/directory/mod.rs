//! The community-resource directory: services, their organizations and locations, modelled on
//! Open Referral HSDS 3.x; imports from HSDS (JSON and CSV) and data·inclusion with a report;
//! HSDS JSON export; offline full-text search ranked by relevance and distance with filters,
//! freshness and "open now"; bookmarks with a private note; referrals of services in check-ins;
//! prebuilt snapshot databases. See docs/directory.md.
//!
//! One file per concern: `taxonomy` (vocabularies), `model` (normalised records, ids),
//! `parse`/`hsds`/`hsds_csv`/`data_inclusion`/`csv` (reading), `import` (writing and reports),
//! `export`, `index` (search rows), `query` (safe FTS5 expressions), `search`, `detail`,
//! `bookmark`, `referral`, `schedule` (opening hours), `geo`, `snapshot`.

pub mod bookmark;
mod cache;
mod csv;
mod data_inclusion;
pub mod detail;
pub mod export;
pub mod geo;
mod hsds;
mod hsds_csv;
pub mod import;
mod index;
pub mod model;
mod parse;
mod query;
pub mod referral;
pub mod schedule;
pub mod search;
pub mod snapshot;
pub mod sync;
pub mod taxonomy;

pub use bookmark::{Bookmark, BookmarkedService};
pub use detail::{DirectoryOrganization, DirectoryPhone, DirectoryService, ServicePlace};
pub use geo::GeoPoint;
pub use import::{
    ImportFile, ImportFormat, ImportOptions, ImportReport, RecordOutcome, RecordReport,
};
pub use model::{RecordKind, TaxonomyTerm};
pub use parse::{ImportWarning, ImportWarningKind};
pub use referral::{Referral, ReferralCount, ReferralVia, SharedService};
pub use schedule::{LocalDateTime, OpeningHours, Weekday};
pub use search::{DirectoryPage, DirectoryQuery, HitPlace, ServiceHit};
pub use snapshot::{SnapshotStats, build_directory_snapshot};
pub use taxonomy::{AccessFeature, Category, Fees, LocationType, ServiceStatus};
