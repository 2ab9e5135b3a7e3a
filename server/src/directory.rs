//! Hosting the programme's community-resource directory. A professional (over the API) or the
//! operator (`passerelle-server import-directory`) imports a file; the server runs the core's
//! own importer in a scratch store — same formats, validation and report as on a phone — and
//! keeps one entry per service in the read-only `directory` scope, so devices pull only the
//! services that changed. Services that left the source are removed from the scope.

use std::collections::BTreeSet;

use passerelle_core::directory::sync::{COLLECTION, DirectoryEntry, SCOPE};
use passerelle_core::{
    ImportFile, ImportFormat, ImportOptions, ImportReport, Key, Store, StoreOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::rows;
use crate::store::{RowStamp, StoreTx};

/// `POST /v1/directory/import`.
#[derive(Debug, Deserialize)]
pub struct ImportRequest {
    /// Dataset name (re-importing under it updates in place).
    pub source: String,
    /// `hsds_json`, `hsds_csv` or `data_inclusion`.
    pub format: String,
    /// The files.
    pub files: Vec<ImportFileBody>,
    /// Import the good records and report the bad ones instead of refusing the file.
    #[serde(default)]
    pub skip_invalid: bool,
}

/// One uploaded file.
#[derive(Debug, Deserialize)]
pub struct ImportFileBody {
    /// File name.
    pub name: String,
    /// Content (UTF-8).
    pub content: String,
}

/// What the import did on the server.
#[derive(Debug, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Services, organizations and locations added, updated, unchanged, rejected.
    pub added: u32,
    /// Updated.
    pub updated: u32,
    /// Unchanged.
    pub unchanged: u32,
    /// Rejected (with reasons in `rejections`).
    pub rejected: u32,
    /// `(source id, reason)` of every rejected record.
    pub rejections: Vec<(String, String)>,
    /// Directory entries written (new or changed services).
    pub entries_written: u32,
    /// Entries removed (services no longer in the source).
    pub entries_removed: u32,
}

/// Validates and reads a dataset with the core's importer, in a scratch store.
pub fn read_entries(req: ImportRequest) -> Result<(ImportReport, Vec<DirectoryEntry>), ApiError> {
    let format = ImportFormat::parse(&req.format)?;
    let dir = tempfile::tempdir().map_err(|_| ApiError {
        status: 500,
        code: "internal",
        message: "no scratch space",
    })?;
    let scratch = Store::open(
        dir.path().join("directory.db"),
        Key::Unencrypted,
        StoreOptions::default(),
    )?;
    let files = req
        .files
        .into_iter()
        .map(|f| ImportFile {
            name: f.name,
            content: f.content,
        })
        .collect();
    let options = ImportOptions {
        source: req.source.clone(),
        skip_invalid: req.skip_invalid,
        dry_run: false,
        remove_missing: false,
    };
    let report = scratch.import_directory(format, files, options)?;
    let entries = scratch.directory_entries(&req.source)?;
    Ok((report, entries))
}

/// Writes `entries` as the whole of `source` in the directory scope: new and changed services
/// get a fresh sequence number, services no longer in the source are removed.
pub fn publish(
    tx: &mut dyn StoreTx,
    source: &str,
    entries: &[DirectoryEntry],
    now: i64,
    stamp: i64,
) -> Result<(u32, u32), ApiError> {
    let present: BTreeSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    let mut changed = Vec::new();
    for e in entries {
        let document = e.document.to_string();
        let unchanged = rows::load(tx, COLLECTION, &e.id)?.is_some_and(|old| {
            old.get("document").and_then(Value::as_str) == Some(document.as_str())
        });
        if !unchanged {
            changed.push((e.id.as_str(), document));
        }
    }
    let gone: Vec<String> = tx
        .objects("directory_source", source)?
        .into_iter()
        .filter(|id| !present.contains(id.as_str()))
        .collect();
    if changed.is_empty() && gone.is_empty() {
        return Ok((0, 0));
    }
    let mut stamps = Vec::with_capacity(changed.len() + gone.len());
    for (id, document) in &changed {
        let row = json!({
            "id": id, "source": source, "document": document,
            "created_at": now, "origin": "server", "hlc": stamp,
        });
        tx.put_record(COLLECTION, id, &row.to_string(), 0)?;
        tx.add_relation("directory_source", source, id)?;
        stamps.push(RowStamp {
            collection: COLLECTION.to_owned(),
            id: (*id).to_owned(),
            scopes: vec![(SCOPE.to_owned(), false)],
        });
    }
    for id in &gone {
        tx.remove_relation("directory_source", source, id)?;
        stamps.push(RowStamp {
            collection: COLLECTION.to_owned(),
            id: id.clone(),
            scopes: vec![(SCOPE.to_owned(), true)],
        });
    }
    tx.stamp_rows(&stamps, now)?;
    Ok((changed.len() as u32, gone.len() as u32))
}

/// The report as the API answers it.
pub fn summary(report: &ImportReport, written: u32, removed: u32) -> ImportSummary {
    ImportSummary {
        added: report.added,
        updated: report.updated,
        unchanged: report.unchanged,
        rejected: report.rejected,
        rejections: report
            .records
            .iter()
            .filter_map(|r| {
                r.reason
                    .as_ref()
                    .map(|why| (r.source_id.clone(), why.clone()))
            })
            .collect(),
        entries_written: written,
        entries_removed: removed,
    }
}
