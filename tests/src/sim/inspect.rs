//! Looking inside without touching: a device's synced rows read through a read-only
//! connection to its (unencrypted) file, and the rows the server's own scope rules give a
//! person — the two sides every invariant compares.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use passerelle_core::store::rows::Collection;
use passerelle_core::sync::protocol::WireRow;
use passerelle_core::sync::spec;
use passerelle_server::auth::Actor;
use passerelle_server::store::{StoreFailure, StoreTx};
use passerelle_server::{ServerStore, Service, rows, scopes};
use rusqlite::OptionalExtension;
use rusqlite::types::Value;
use serde_json::Value as Json;

/// Rows by `(collection, id)`.
pub type Rows = BTreeMap<(String, String), WireRow>;

fn to_json(v: Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => i.into(),
        Value::Real(f) => f.into(),
        Value::Text(s) => s.into(),
        Value::Blob(b) => hex::encode(b).into(),
    }
}

/// Opens a device's file read-only (the device may be open at the same time; WAL lets both).
///
/// # Panics
/// If the file cannot be opened.
pub fn open_device(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open device file read-only");
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .expect("busy timeout");
    conn
}

/// Every synced row a device holds: each column that travels, by `(collection, id)`.
pub fn device_rows(path: &Path) -> Rows {
    device_rows_on(&open_device(path))
}

/// [`device_rows`] through an open connection.
///
/// # Panics
/// If a table cannot be read.
pub fn device_rows_on(conn: &rusqlite::Connection) -> Rows {
    let mut out = Rows::new();
    for &collection in Collection::ALL {
        let cols = spec::columns(collection);
        let sql = format!("SELECT {} FROM {}", cols.join(", "), collection.table());
        let mut stmt = conn.prepare_cached(&sql).expect("read device table");
        let rows = stmt
            .query_map([], |r| {
                let mut row = WireRow::new();
                for (i, col) in cols.iter().enumerate() {
                    row.insert((*col).to_owned(), to_json(r.get::<_, Value>(i)?));
                }
                Ok(row)
            })
            .expect("query device table");
        for row in rows {
            let row = row.expect("device row");
            let id = row[collection.key_column()]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            out.insert((collection.table().to_owned(), id), row);
        }
    }
    out
}

/// One synced row a device holds, if it does.
///
/// # Panics
/// If the table cannot be read.
pub fn device_row(
    conn: &rusqlite::Connection,
    collection: Collection,
    id: &str,
) -> Option<WireRow> {
    let cols = spec::columns(collection);
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?1",
        cols.join(", "),
        collection.table(),
        collection.key_column()
    );
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| {
            stmt.query_row([id], |r| {
                let mut row = WireRow::new();
                for (i, col) in cols.iter().enumerate() {
                    row.insert((*col).to_owned(), to_json(r.get::<_, Value>(i)?));
                }
                Ok(row)
            })
            .optional()
        })
        .expect("read a device row")
}

/// The `(collection, id)` of every synced row a device holds.
///
/// # Panics
/// If a table cannot be read.
pub fn device_keys_on(conn: &rusqlite::Connection) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for &collection in Collection::ALL {
        let sql = format!(
            "SELECT {} FROM {}",
            collection.key_column(),
            collection.table()
        );
        let mut stmt = conn.prepare_cached(&sql).expect("read device table");
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .expect("query device table");
        for id in ids {
            out.insert((collection.table().to_owned(), id.expect("device row id")));
        }
    }
    out
}

/// The row's content: the fields the spec lists, without key, stamps or metadata.
pub fn content(collection: &str, row: &WireRow) -> WireRow {
    let Some(coll) = Collection::from_table(collection) else {
        return row.clone();
    };
    spec::fields(coll)
        .iter()
        .map(|(f, _)| ((*f).to_owned(), row.get(*f).cloned().unwrap_or(Json::Null)))
        .collect()
}

/// Visits, as `(collection, id, data)`, every peer-support row in the scopes the server's rules
/// give `person_id` now (the read-only directory — its own tables on the device — is checked by
/// its own tests).
fn visit_server_rows<S: ServerStore>(
    service: &Service<S>,
    person_id: &str,
    mut visit: impl FnMut(String, String, String),
) {
    service
        .store()
        .transaction(|tx: &mut dyn StoreTx| {
            let Some(role) = rows::person_role(tx, person_id)? else {
                return Ok::<_, StoreFailure>(());
            };
            let actor = Actor {
                person_id: person_id.to_owned(),
                role,
                device_id: "inspector".to_owned(),
            };
            for scope in scopes::membership(tx, &actor)? {
                for entry in tx.scope_entries(&scope, 0, u32::MAX)? {
                    if let Some(data) = entry.data {
                        if Collection::from_table(&entry.collection).is_some() {
                            visit(entry.collection, entry.id, data);
                        }
                    }
                }
            }
            Ok(())
        })
        .expect("read the server's view");
}

/// Everything the server's scope rules give `person_id` now: the rows of every scope they
/// belong to, by `(collection, id)` (peer-support records; not the directory).
///
/// # Panics
/// If the server's store fails.
pub fn server_view<S: ServerStore>(service: &Service<S>, person_id: &str) -> Rows {
    let mut out = Rows::new();
    visit_server_rows(service, person_id, |collection, id, data| {
        if let Ok(Json::Object(row)) = serde_json::from_str(&data) {
            out.insert((collection, id), row);
        }
    });
    out
}

/// The `(collection, id)` of every row the server's scope rules give `person_id` now.
///
/// # Panics
/// If the server's store fails.
pub fn server_keys<S: ServerStore>(
    service: &Service<S>,
    person_id: &str,
) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    visit_server_rows(service, person_id, |collection, id, _| {
        out.insert((collection, id));
    });
    out
}

/// The sound of a voice message the server holds, if its sender has uploaded it.
///
/// # Panics
/// If the server's store fails.
pub fn server_voice_note<S: ServerStore>(
    service: &Service<S>,
    message_id: &str,
) -> Option<Vec<u8>> {
    service
        .store()
        .transaction(|tx: &mut dyn StoreTx| tx.voice_note(message_id))
        .expect("read a voice note")
        .map(|n| n.audio)
}

/// The row the server stores, if any.
///
/// # Panics
/// If the server's store fails.
pub fn server_row<S: ServerStore>(
    service: &Service<S>,
    collection: &str,
    id: &str,
) -> Option<WireRow> {
    service
        .store()
        .transaction(|tx: &mut dyn StoreTx| rows::load(tx, collection, id))
        .expect("read a server row")
}

/// The scopes the server's log puts a row in now, and the row's sequence number.
///
/// # Panics
/// If the server's store fails.
pub fn server_scopes<S: ServerStore>(
    service: &Service<S>,
    collection: &str,
    id: &str,
) -> (Vec<String>, Option<i64>) {
    service
        .store()
        .transaction(|tx: &mut dyn StoreTx| {
            let scopes = tx.record_scopes(collection, id)?;
            let seq = tx.record(collection, id)?.map(|r| r.seq);
            Ok::<_, StoreFailure>((scopes, seq))
        })
        .expect("read a row's scopes")
}

/// The scopes a device recorded a row as pulled through.
///
/// # Panics
/// If the table cannot be read.
pub fn device_scopes(conn: &rusqlite::Connection, collection: &str, id: &str) -> Vec<String> {
    conn.prepare_cached("SELECT scope FROM row_scope WHERE collection = ?1 AND row_id = ?2")
        .and_then(|mut s| s.query_map([collection, id], |r| r.get(0))?.collect())
        .expect("read row scopes")
}

/// The result the server stored for a device's mutation, if it saw it.
///
/// # Panics
/// If the server's store fails.
pub fn mutation_result<S: ServerStore>(
    service: &Service<S>,
    device_id: &str,
    mutation_id: i64,
) -> Option<passerelle_core::sync::protocol::MutationResult> {
    service
        .store()
        .transaction(|tx: &mut dyn StoreTx| tx.mutation_result(device_id, mutation_id))
        .expect("read a mutation result")
        .and_then(|text| serde_json::from_str(&text).ok())
}
