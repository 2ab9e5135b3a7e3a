//! The directory over sync. The server keeps one document per service — the service as the
//! HSDS export writes it, organization, locations, phones and hours nested — in the read-only
//! `directory` scope that every member of the programme holds. A device applies the documents
//! of a pulled batch through the importer (same parsing, validation, ids and search index as a
//! file import) and removes services that left. Ids are derived from (source, source id), so a
//! service has the same id on the server and on every device, and a referral by id resolves
//! everywhere.

use std::collections::BTreeMap;

use serde_json::Value;

use super::hsds;
use super::import::{apply_plan, plan_for, remove_record};
use super::model::{RecordKind, stable_id};
use crate::error::{Error, Problem, Result};
use crate::store::{Store, Tx};

/// The collection name of directory entries on the wire.
pub const COLLECTION: &str = "directory_entry";

/// The scope every member of a programme holds.
pub const SCOPE: &str = "directory";

/// One service as the server stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryEntry {
    /// The service's id (derived from its source and source id).
    pub id: String,
    /// The source (import) it belongs to.
    pub source: String,
    /// The service as an HSDS JSON object, organization and locations nested.
    pub document: Value,
}

impl Store {
    /// Every service of `source` as a self-contained entry: what a server hosts after importing
    /// a file into a scratch store.
    pub fn directory_entries(&self, source: &str) -> Result<Vec<DirectoryEntry>> {
        let text = self.export_directory_hsds(Some(source.to_owned()))?;
        let Ok(Value::Array(services)) = serde_json::from_str::<Value>(&text) else {
            return Err(Error::invalid("export", Problem::Malformed));
        };
        Ok(services
            .into_iter()
            .filter_map(|doc| {
                let source_id = doc.get("id")?.as_str()?.to_owned();
                Some(DirectoryEntry {
                    id: stable_id(source, RecordKind::Service, &source_id),
                    source: source.to_owned(),
                    document: doc,
                })
            })
            .collect())
    }
}

/// Applies pulled entries: grouped by source, each group parsed and written by the importer.
/// Returns the entries the importer refused, with the reason, for the sync to record.
pub(crate) fn apply_entries(
    tx: &mut Tx<'_>,
    entries: Vec<DirectoryEntry>,
) -> Result<Vec<(String, String)>> {
    let mut by_source: BTreeMap<String, Vec<DirectoryEntry>> = BTreeMap::new();
    for e in entries {
        by_source.entry(e.source.clone()).or_default().push(e);
    }
    let mut refused = Vec::new();
    for (source, group) in by_source {
        let ids: Vec<String> = group.iter().map(|e| e.id.clone()).collect();
        let docs = Value::Array(group.into_iter().map(|e| e.document).collect());
        let data = match hsds::parse_value(&docs) {
            Ok(d) => d,
            Err(e) => {
                refused.extend(ids.into_iter().map(|id| (id, e.to_string())));
                continue;
            }
        };
        let plan = plan_for(&tx.conn, &source, data)?;
        refused.extend(plan.rejections());
        apply_plan(tx, &source, &plan)?;
    }
    Ok(refused)
}

/// Removes a service that left the directory, and the organization and locations no other
/// service refers to any more.
pub(crate) fn remove_entry(tx: &mut Tx<'_>, id: &str) -> Result<bool> {
    remove_record(tx, RecordKind::Service, id)
}

/// Reads a pulled row back into an entry.
pub(crate) fn entry_from_row(row: &serde_json::Map<String, Value>) -> Result<DirectoryEntry> {
    let text = |field: &'static str| -> Result<String> {
        row.get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(Error::invalid(field, Problem::Malformed))
    };
    let document = match row.get("document") {
        Some(Value::String(s)) => {
            serde_json::from_str(s).map_err(|_| Error::invalid("document", Problem::Malformed))?
        }
        Some(v @ Value::Object(_)) => v.clone(),
        _ => return Err(Error::invalid("document", Problem::Malformed)),
    };
    Ok(DirectoryEntry {
        id: text("id")?,
        source: text("source")?,
        document,
    })
}
