//! Prebuilt directory snapshots: a database file holding only a directory, built from an
//! import on a build machine and shipped inside the app, so the directory is there offline on
//! first launch. The app loads it into its own store with [`Store::load_directory_snapshot`]
//! (the snapshot's rows are copied and indexed there); the snapshot file is never used as the
//! app's database, and carries no device identity.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::import::{ImportFile, ImportFormat, ImportOptions, ImportReport};
use super::index;
use crate::error::{Error, Result, StoreError};
use crate::store::{
    Durability, Key, SCHEMA_VERSION, Store, StoreOptions, open_connection, schema_version,
};

/// What a snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SnapshotStats {
    /// Organizations.
    pub organizations: u32,
    /// Locations.
    pub locations: u32,
    /// Services.
    pub services: u32,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// The directory tables, parents first, each keyed by `id`.
const TABLES: &[&str] = &[
    "dir_organization",
    "dir_location",
    "dir_service",
    "dir_service_at_location",
    "dir_phone",
    "dir_schedule",
];

fn count(c: &Connection, table: &str) -> Result<u32> {
    Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

/// Builds a snapshot at `path` (which must not exist) from an import: encrypted with `key`, or
/// plain with [`Key::Unencrypted`] (the directory is public data). Atomic like any import.
pub fn build_directory_snapshot(
    path: &Path,
    key: Key,
    format: ImportFormat,
    files: Vec<ImportFile>,
    options: ImportOptions,
) -> Result<(ImportReport, SnapshotStats)> {
    if path.exists() {
        return Err(Error::InvalidState("the snapshot file already exists"));
    }
    let store = Store::open(
        path,
        key.clone(),
        StoreOptions {
            durability: Durability::Normal,
            ..StoreOptions::default()
        },
    )?;
    let report = match store.import_directory(format, files, options) {
        Ok(r) => r,
        Err(e) => {
            drop(store);
            let _ = std::fs::remove_file(path);
            let _ = std::fs::remove_file(crate::store::key::keycheck_path(path));
            return Err(e);
        }
    };
    drop(store);
    let c = open_connection(path, &key, false)?;
    // No device identity travels with a snapshot. Nor does derived state: the loading store
    // reads the rows with full scans and rebuilds its own search rows, full-text index and
    // secondary indexes (a third of a snapshot's size). VACUUM then packs it to its smallest.
    let indexes: Vec<String> = {
        let mut stmt = c
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
                 AND tbl_name IN (SELECT value FROM json_each(?1))",
            )
            .map_err(StoreError::from)?;
        let tables = serde_json::to_string(TABLES).map_err(|_| StoreError::Corrupt)?;
        stmt.query_map([tables], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(StoreError::from)?
    };
    for index in indexes {
        c.execute_batch(&format!("DROP INDEX \"{index}\""))
            .map_err(StoreError::from)?;
    }
    c.execute_batch(
        "DELETE FROM outbox; DELETE FROM device;
         DELETE FROM dir_search; INSERT INTO dir_fts (dir_fts) VALUES ('delete-all');
         PRAGMA journal_mode = DELETE; VACUUM;",
    )
    .map_err(StoreError::from)?;
    let stats = SnapshotStats {
        organizations: count(&c, "dir_organization")?,
        locations: count(&c, "dir_location")?,
        services: count(&c, "dir_service")?,
        bytes: 0,
    };
    drop(c);
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    Ok((report, SnapshotStats { bytes, ..stats }))
}

/// A table's name, column names and rows, read from a snapshot.
type TableRows = (&'static str, Vec<String>, Vec<Vec<Value>>);

fn columns(c: &Connection, table: &str) -> Result<Vec<String>> {
    Ok(
        c.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([table], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    )
}

impl Store {
    /// Loads a snapshot built by [`build_directory_snapshot`] into this store: its directory
    /// rows are added, or replace the rows with the same ids, and are indexed for search.
    /// A snapshot from a newer schema is refused; the snapshot file is only read.
    pub fn load_directory_snapshot(&self, path: &Path, key: Key) -> Result<SnapshotStats> {
        let snap = open_connection(path, &key, true)?;
        let version = schema_version(&snap)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            }
            .into());
        }
        if version < 2 {
            return Err(Error::InvalidState("the file holds no directory"));
        }
        let mut rows: Vec<TableRows> = Vec::new();
        for table in TABLES {
            let cols = columns(&snap, table)?;
            let mut stmt = snap.prepare(&format!("SELECT {} FROM {table}", cols.join(", ")))?;
            let n = cols.len();
            let data = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())?
                .collect::<rusqlite::Result<Vec<Vec<Value>>>>()?;
            rows.push((table, cols, data));
        }
        drop(snap);
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        self.write(|tx| {
            let mut services = Vec::new();
            for (table, cols, data) in &rows {
                let ours = columns(&tx.conn, table)?;
                let keep: Vec<usize> = (0..cols.len())
                    .filter(|&i| ours.contains(&cols[i]))
                    .collect();
                let names: Vec<&str> = keep.iter().map(|&i| cols[i].as_str()).collect();
                let id_at = names
                    .iter()
                    .position(|n| *n == "id")
                    .ok_or(StoreError::Corrupt)?;
                // Children of a changed parent are replaced wholesale, as an import does.
                let owners: &[&str] = match *table {
                    "dir_organization" => &["organization_id"],
                    "dir_location" => &["location_id"],
                    "dir_service" => &["service_id"],
                    "dir_service_at_location" => &["service_at_location_id"],
                    _ => &[],
                };
                let placeholders: Vec<String> =
                    (1..=names.len()).map(|i| format!("?{i}")).collect();
                let updates: Vec<String> = names
                    .iter()
                    .filter(|n| **n != "id" && **n != "created_at")
                    .map(|n| format!("{n} = excluded.{n}"))
                    .collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
                    names.join(", "),
                    placeholders.join(", "),
                    updates.join(", ")
                );
                for row in data {
                    let values: Vec<&Value> = keep.iter().map(|&i| &row[i]).collect();
                    if let Value::Text(id) = values[id_at] {
                        for owner in owners {
                            // Organizations have phones but no schedules.
                            let children: &[&str] = if *owner == "organization_id" {
                                &["dir_phone"]
                            } else {
                                &["dir_phone", "dir_schedule"]
                            };
                            for child in children {
                                tx.conn
                                    .prepare_cached(&format!(
                                        "DELETE FROM {child} WHERE {owner} = ?1"
                                    ))?
                                    .execute([id])?;
                            }
                            if *owner == "service_id" {
                                tx.conn
                                    .prepare_cached(
                                        "DELETE FROM dir_service_at_location WHERE service_id = ?1",
                                    )?
                                    .execute([id])?;
                                services.push(id.clone());
                            }
                        }
                    }
                    tx.conn
                        .prepare_cached(&sql)?
                        .execute(rusqlite::params_from_iter(values))?;
                }
            }
            for id in &services {
                index::refresh(&tx.conn, id)?;
            }
            Ok(SnapshotStats {
                organizations: count(&tx.conn, "dir_organization")?,
                locations: count(&tx.conn, "dir_location")?,
                services: count(&tx.conn, "dir_service")?,
                bytes,
            })
        })
    }
}
