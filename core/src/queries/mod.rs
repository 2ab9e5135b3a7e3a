//! The screens' queries, each one call returning everything a screen shows.

pub mod caseload;
pub mod matching;
pub mod report;
pub mod supervision;
pub mod timeline;
