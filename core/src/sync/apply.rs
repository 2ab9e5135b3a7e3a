//! Applying what the server sends to the local store: rows upserted (append-only rows as the
//! server holds them, editable rows merged field by field, last writer wins by HLC), rows that
//! left a scope removed, revoked scopes purged, and a reset scope swept. All of it runs inside
//! the caller's write transaction: one transaction per pulled batch.

use std::collections::BTreeSet;

use std::collections::HashMap;
use std::sync::OnceLock;

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{CachedStatement, Connection, OptionalExtension, params_from_iter};
use serde_json::Value as Json;

use super::protocol::{Change, PullResponse, WireRow};
use super::{columns, spec};
use crate::clock::Hlc;
use crate::directory::sync as directory_sync;
use crate::error::{Result, StoreError};
use crate::model::checkin::refresh_current;
use crate::store::Tx;
use crate::store::rows::Collection;

/// Collections touched by an apply, for the change listener.
pub(crate) type Touched = BTreeSet<&'static str>;

/// Records something the app must be able to see: a rejected mutation, a lost merge, a row
/// the server sent that this build cannot read, a pending change dropped by a revocation.
pub(crate) fn record_issue(c: &Connection, issue: &Issue<'_>, at: i64) -> Result<()> {
    let fields = if issue.fields.is_empty() {
        None
    } else {
        serde_json::to_string(issue.fields).ok()
    };
    // A change refused as retryable (by an older server, say) is refused again at every sync
    // until the server catches up: one open issue says so, not one per sync.
    c.prepare_cached(
        "INSERT INTO sync_issue (kind, mutation_id, collection, row_id, reason, fields, at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
         WHERE NOT EXISTS (
             SELECT 1 FROM sync_issue WHERE dismissed_at IS NULL AND kind = ?1
               AND mutation_id IS ?2 AND collection = ?3 AND row_id = ?4 AND reason = ?5
               AND fields IS ?6)",
    )?
    .execute((
        issue.kind,
        issue.mutation_id,
        issue.collection,
        issue.row_id,
        issue.reason,
        fields,
        at,
    ))?;
    Ok(())
}

/// One issue to record.
pub(crate) struct Issue<'a> {
    /// `rejected`, `conflict` or `unreadable`.
    pub(crate) kind: &'a str,
    /// The mutation concerned, if it was a local change.
    pub(crate) mutation_id: Option<i64>,
    /// Collection.
    pub(crate) collection: &'a str,
    /// Row.
    pub(crate) row_id: &'a str,
    /// Stable reason code, or an error sentence (never personal data).
    pub(crate) reason: &'a str,
    /// Fields involved.
    pub(crate) fields: &'a [String],
}

impl<'a> Issue<'a> {
    /// An issue with no mutation and no fields.
    pub(crate) fn about(
        kind: &'a str,
        collection: &'a str,
        row_id: &'a str,
        reason: &'a str,
    ) -> Self {
        Self {
            kind,
            mutation_id: None,
            collection,
            row_id,
            reason,
            fields: &[],
        }
    }
}

/// A pulled change, read and checked: everything about it that needs no database, done on
/// the thread that fetches the next answer while the writer applies this one.
pub(crate) enum Incoming {
    /// A directory entry: the directory applies those itself.
    Directory,
    /// A collection this build does not know.
    UnknownCollection,
    /// The row left the scope.
    Removed(Collection),
    /// The row cannot be stored, and why (a sentence without personal data).
    Unreadable(Collection, String),
    /// A checked append-only row: its values in the order of its upsert statement, its
    /// stamp, and the lineage it amends (check-ins), so the writer looks nothing up.
    Appended {
        /// The collection.
        collection: Collection,
        /// Column values, as [`upsert_statement`] lists the columns.
        values: Vec<Json>,
        /// The row's stamp.
        hlc: Option<i64>,
        /// The check-in lineage whose current version may change.
        amends: Option<String>,
    },
    /// A checked editable row, merged field by field with the local copy.
    Row(Collection, WireRow),
}

impl Incoming {
    /// Reads and checks one change.
    fn read(change: &Change) -> Self {
        if change.collection == directory_sync::COLLECTION {
            return Self::Directory;
        }
        let Some(collection) = Collection::from_table(&change.collection) else {
            return Self::UnknownCollection;
        };
        let Some(raw) = &change.row else {
            return Self::Removed(collection);
        };
        if collection.is_append_only() {
            return match columns::read_checked(collection, raw.get()) {
                Ok(row) => Self::appended(collection, &change.row_id, row),
                Err(failure) => Self::Unreadable(collection, failure.reason()),
            };
        }
        let Some(row) = change.parsed_row() else {
            return Self::Unreadable(collection, "not a JSON object".to_owned());
        };
        let key_matches =
            row.get(collection.key_column()).and_then(Json::as_str) == Some(change.row_id.as_str());
        match spec::check_row(collection, &row, true) {
            Ok(()) if key_matches => Self::Row(collection, row),
            Ok(()) => Self::mislabelled(collection),
            Err(e) => Self::Unreadable(collection, e.to_string()),
        }
    }

    /// A row whose key is not the id the change names.
    fn mislabelled(collection: Collection) -> Self {
        let e = crate::Error::invalid("id", crate::Problem::Malformed);
        Self::Unreadable(collection, e.to_string())
    }

    fn appended(collection: Collection, row_id: &str, row: columns::ColumnRow) -> Self {
        let value = |name: &str| columns::position(collection, name).map(|i| &row.values[i]);
        // The key is the first column.
        if row.values[0].as_str() != Some(row_id) {
            return Self::mislabelled(collection);
        }
        let hlc = value("hlc").and_then(Json::as_i64);
        // A first version is current by default; only an amendment changes which one is.
        let amends = if collection == Collection::CheckIn
            && value("supersedes").is_some_and(|v| !v.is_null())
        {
            value("checkin_id")
                .and_then(Json::as_str)
                .map(str::to_owned)
        } else {
            None
        };
        Self::Appended {
            collection,
            values: row.values,
            hlc,
            amends,
        }
    }
}

/// A pulled answer with every change read and checked ([`Incoming`]).
pub(crate) struct Page {
    /// The answer as received.
    pub(crate) response: PullResponse,
    /// Per scope, per change.
    pub(crate) incoming: Vec<Vec<Incoming>>,
}

impl Page {
    /// Reads and checks every change of `response`.
    pub(crate) fn read(response: PullResponse) -> Self {
        let incoming = response
            .scopes
            .iter()
            .map(|scope| scope.changes.iter().map(Incoming::read).collect())
            .collect();
        Self { response, incoming }
    }
}

/// The statements the rows of one scope of a pulled answer are written with, prepared once
/// rather than fetched from the connection's cache per row: the cache finds a statement by
/// hashing its whole SQL text, a kilobyte for an upsert, and an answer has thousands of rows.
pub(crate) struct Statements<'c> {
    conn: &'c Connection,
    upserts: Vec<(Collection, CachedStatement<'c>)>,
    row_scope: Option<CachedStatement<'c>>,
}

impl<'c> Statements<'c> {
    /// None prepared yet.
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self {
            conn,
            upserts: Vec::new(),
            row_scope: None,
        }
    }

    fn upsert(&mut self, collection: Collection) -> Result<&mut CachedStatement<'c>> {
        let at = if let Some(at) = self.upserts.iter().position(|(c, _)| *c == collection) {
            at
        } else {
            let (_, sql) = upsert_statement(collection);
            self.upserts
                .push((collection, self.conn.prepare_cached(sql)?));
            self.upserts.len() - 1
        };
        Ok(&mut self.upserts[at].1)
    }

    fn row_scope(&mut self) -> Result<&mut CachedStatement<'c>> {
        if self.row_scope.is_none() {
            self.row_scope = Some(self.conn.prepare_cached(
                "INSERT OR IGNORE INTO row_scope (scope, collection, row_id) VALUES (?1, ?2, ?3)",
            )?);
        }
        Ok(self.row_scope.as_mut().expect("prepared just above"))
    }
}

/// Applies one change pulled through `scope`, as [`Incoming::read`] found it. Returns the
/// row's stamp, if a row was written.
pub(crate) fn apply_change(
    c: &Connection,
    statements: &mut Statements<'_>,
    scope: &str,
    change: &Change,
    incoming: &Incoming,
    now: i64,
    touched: &mut Touched,
) -> Result<Option<Hlc>> {
    let (collection, stamp) = match incoming {
        Incoming::Directory => return Ok(None),
        Incoming::UnknownCollection => {
            record_issue(
                c,
                &Issue::about(
                    "unreadable",
                    &change.collection,
                    &change.row_id,
                    "unknown collection",
                ),
                now,
            )?;
            return Ok(None);
        }
        Incoming::Removed(collection) => {
            if remove_from_scope(c, scope, *collection, &change.row_id)? {
                touched.insert(collection.table());
            }
            return Ok(None);
        }
        Incoming::Unreadable(collection, reason) => {
            record_issue(
                c,
                &Issue::about("unreadable", collection.table(), &change.row_id, reason),
                now,
            )?;
            return Ok(None);
        }
        Incoming::Appended {
            collection,
            values,
            hlc,
            amends,
        } => {
            statements
                .upsert(*collection)?
                .execute(params_from_iter(values.iter().map(Param)))?;
            if let Some(lineage) = amends {
                refresh_current(c, lineage)?;
            }
            (*collection, *hlc)
        }
        Incoming::Row(collection, row) => {
            merge_editable(c, *collection, row)?;
            (*collection, row.get("hlc").and_then(Json::as_i64))
        }
    };
    statements
        .row_scope()?
        .execute((scope, collection.table(), &change.row_id))?;
    touched.insert(collection.table());
    Ok(stamp.map(Hlc::from_i64))
}

/// A wire value bound as an SQL parameter without copying it.
struct Param<'a>(&'a Json);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Json::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Json::String(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            other => ToSqlOutput::Owned(spec::to_sql(other)),
        })
    }
}

const NULL: Json = Json::Null;

/// Per collection: its columns and the statement that inserts a row or replaces every column
/// of the local copy. Built once: the pull applies thousands of rows per batch.
fn upsert_statement(collection: Collection) -> &'static (Vec<&'static str>, String) {
    static STATEMENTS: OnceLock<HashMap<Collection, (Vec<&'static str>, String)>> = OnceLock::new();
    let all = STATEMENTS.get_or_init(|| {
        Collection::ALL
            .iter()
            .map(|&coll| {
                let cols = spec::columns(coll);
                let key = coll.key_column();
                let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
                let updates: Vec<String> = cols
                    .iter()
                    .filter(|col| **col != key)
                    .map(|col| format!("{col} = excluded.{col}"))
                    .collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({key}) DO UPDATE SET {}",
                    coll.table(),
                    cols.join(", "),
                    placeholders.join(", "),
                    updates.join(", ")
                );
                (coll, (cols, sql))
            })
            .collect()
    });
    &all[&collection]
}

/// Inserts the row, or replaces every column of the local copy: the server's copy of an
/// append-only row is authoritative (it may carry a clamped stamp).
fn upsert_whole(c: &Connection, collection: Collection, row: &WireRow) -> Result<()> {
    let (cols, _) = upsert_statement(collection);
    // `field_hlc` travels as JSON text; an object (from an older peer) is stored as its text.
    let stamps = match row.get("field_hlc") {
        Some(Json::Object(m)) => Some(Json::String(Json::Object(m.clone()).to_string())),
        None if !collection.is_append_only() => Some(Json::String("{}".to_owned())),
        _ => None,
    };
    let params = cols.iter().map(|col| match (*col, &stamps) {
        ("field_hlc", Some(s)) => Param(s),
        _ => Param(row.get(*col).unwrap_or(&NULL)),
    });
    execute_upsert(c, collection, params)
}

/// Runs the upsert of `collection` with its column values in statement order.
fn execute_upsert<'a>(
    c: &Connection,
    collection: Collection,
    values: impl Iterator<Item = Param<'a>>,
) -> Result<()> {
    let (_, sql) = upsert_statement(collection);
    c.prepare_cached(sql)?.execute(params_from_iter(values))?;
    Ok(())
}

/// Merges an editable row field by field: each field takes the value with the later stamp
/// (the server's on a tie, since the server is the authority).
/// Puts back a row held here whose change the server refused, as the server holds it (the
/// refused change no longer waits in the outbox): its fields with no other change waiting take
/// the server's values. Checked like a pulled row; a row not held here, append-only or
/// unreadable, is left alone.
pub(crate) fn restore_standing(
    c: &Connection,
    collection: &str,
    row: &WireRow,
    touched: &mut Touched,
) -> Result<()> {
    let Some(collection) = Collection::from_table(collection).filter(|c| !c.is_append_only())
    else {
        return Ok(());
    };
    if spec::check_row(collection, row, true).is_err() {
        return Ok(());
    }
    let key = collection.key_column();
    let id = row.get(key).and_then(Json::as_str).unwrap_or_default();
    let held = c
        .prepare_cached(&format!(
            "SELECT 1 FROM {} WHERE {key} = ?1",
            collection.table()
        ))?
        .exists([id])?;
    if held {
        merge_editable(c, collection, row)?;
        touched.insert(collection.table());
    }
    Ok(())
}

fn merge_editable(c: &Connection, collection: Collection, row: &WireRow) -> Result<()> {
    let key = collection.key_column();
    let id = row.get(key).and_then(Json::as_str).unwrap_or_default();
    let local: Option<(String, i64)> = c
        .prepare_cached(&format!(
            "SELECT field_hlc, hlc FROM {} WHERE {key} = ?1",
            collection.table()
        ))?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((local_stamps, local_hlc)) = local else {
        return upsert_whole(c, collection, row);
    };
    let local_stamps: serde_json::Map<String, Json> = match serde_json::from_str(&local_stamps) {
        Ok(Json::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let remote_stamps = spec::field_stamps(row);
    let remote_hlc = row.get("hlc").and_then(Json::as_i64).unwrap_or(0);
    let stamp = |m: &serde_json::Map<String, Json>, f: &str, default: i64| {
        m.get(f).and_then(Json::as_i64).unwrap_or(default)
    };
    // The server holds the merge of everything pushed, with client stamps clamped to its
    // clock: a field with no local change waiting takes the server's value whatever the local
    // stamp says (a clock running ahead would otherwise keep a value the server overruled).
    let waiting = pending_fields(c, collection, id)?;
    let mut merged = local_stamps.clone();
    let mut sets = Vec::new();
    let mut params = Vec::new();
    for (field, _) in spec::fields(collection) {
        let remote = stamp(&remote_stamps, field, remote_hlc);
        let local_wins = waiting
            .as_ref()
            .is_some_and(|w| w.is_empty() || w.contains(*field))
            && remote < stamp(&local_stamps, field, local_hlc);
        if !local_wins {
            sets.push(format!("{field} = ?{}", params.len() + 1));
            params.push(row.get(*field).map_or(Value::Null, spec::to_sql));
            merged.insert((*field).to_owned(), remote.into());
        }
    }
    let n = params.len();
    sets.push(format!("field_hlc = ?{}", n + 1));
    sets.push(format!("hlc = max(hlc, ?{})", n + 2));
    sets.push(format!("updated_at = max(updated_at, ?{})", n + 3));
    params.push(Value::Text(Json::Object(merged).to_string()));
    params.push(Value::Integer(remote_hlc));
    params.push(
        row.get("updated_at")
            .map_or(Value::Integer(0), spec::to_sql),
    );
    params.push(Value::Text(id.to_owned()));
    let sql = format!(
        "UPDATE {} SET {} WHERE {key} = ?{}",
        collection.table(),
        sets.join(", "),
        n + 4
    );
    c.prepare_cached(&sql)?.execute(params_from_iter(params))?;
    Ok(())
}

/// The fields of the row changed locally and not yet pushed: `None` if nothing waits, an
/// empty set if a whole new row does.
fn pending_fields(
    c: &Connection,
    collection: Collection,
    id: &str,
) -> Result<Option<BTreeSet<String>>> {
    let entries: Vec<Option<String>> = c
        .prepare_cached("SELECT fields FROM outbox WHERE collection = ?1 AND row_id = ?2")?
        .query_map((collection.table(), id), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if entries.is_empty() {
        return Ok(None);
    }
    let mut fields = BTreeSet::new();
    for entry in entries {
        let Some(names) = entry else {
            return Ok(Some(BTreeSet::new()));
        };
        let names: Vec<String> = serde_json::from_str(&names).unwrap_or_default();
        fields.extend(names);
    }
    Ok(Some(fields))
}

/// Whether a local change to the row still waits to be pushed.
fn pending(c: &Connection, collection: Collection, id: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM outbox WHERE collection = ?1 AND row_id = ?2 LIMIT 1")?
            .query_row((collection.table(), id), |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

/// Forgets that the row came through `scope`; deletes it if no other scope grants it and no
/// local change to it is pending. Returns whether the row was deleted.
fn remove_from_scope(
    c: &Connection,
    scope: &str,
    collection: Collection,
    id: &str,
) -> Result<bool> {
    c.prepare_cached("DELETE FROM row_scope WHERE scope = ?1 AND collection = ?2 AND row_id = ?3")?
        .execute((scope, collection.table(), id))?;
    let granted: bool = c
        .prepare_cached("SELECT 1 FROM row_scope WHERE collection = ?1 AND row_id = ?2 LIMIT 1")?
        .query_row((collection.table(), id), |_| Ok(()))
        .optional()?
        .is_some();
    if granted || pending(c, collection, id)? || is_owner(c, collection, id)? {
        return Ok(false);
    }
    let deleted = c
        .prepare_cached(&format!(
            "DELETE FROM {} WHERE {} = ?1",
            collection.table(),
            collection.key_column()
        ))?
        .execute([id])?;
    Ok(deleted > 0)
}

/// The device owner's own person and profile rows are never purged.
fn is_owner(c: &Connection, collection: Collection, id: &str) -> Result<bool> {
    if collection.key_column() != "person_id" && collection != Collection::Person {
        return Ok(false);
    }
    Ok(
        c.prepare_cached("SELECT 1 FROM device WHERE owner_id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

/// Removes everything `scope` brought to this device. What depended on it goes with the
/// sweep the caller owes once the pull completes: in the middle of a pull, a row may still be
/// waiting for its parent in the next answer, and is no orphan.
pub(crate) fn purge_scope(c: &Connection, scope: &str, touched: &mut Touched) -> Result<()> {
    let rows: Vec<(String, String)> = c
        .prepare_cached("SELECT collection, row_id FROM row_scope WHERE scope = ?1")?
        .query_map([scope], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (table, id) in rows {
        if let Some(collection) = Collection::from_table(&table) {
            if remove_from_scope(c, scope, collection, &id)? {
                touched.insert(collection.table());
            }
        }
    }
    c.prepare_cached("DELETE FROM sync_scope WHERE scope = ?1")?
        .execute([scope])?;
    Ok(())
}

/// After a reset scope was pulled again: drops rows no scope delivered and no pending change
/// names (they were removed on the server while this device was away).
pub(crate) fn sweep(c: &Connection, now: i64, touched: &mut Touched) -> Result<()> {
    for &collection in Collection::ALL {
        let (table, key) = (collection.table(), collection.key_column());
        let deleted = c.execute(
            &format!(
                "DELETE FROM {table} WHERE NOT EXISTS (SELECT 1 FROM row_scope s WHERE s.collection = '{table}' AND s.row_id = {table}.{key})
                   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.collection = '{table}' AND o.row_id = {table}.{key})
                   AND {key} NOT IN (SELECT owner_id FROM device WHERE owner_id IS NOT NULL)"
            ),
            [],
        )?;
        if deleted > 0 {
            touched.insert(table);
        }
    }
    if touched.contains(Collection::CheckIn.table()) {
        // A version swept away (a refused amendment) may have been its check-in's current one.
        c.execute(
            "UPDATE checkin SET superseded = (id <> (SELECT v.id FROM checkin v
                 WHERE v.checkin_id = checkin.checkin_id ORDER BY v.hlc DESC, v.id DESC LIMIT 1))",
            [],
        )?;
    }
    remove_orphans(c, now, touched)
}

/// Tables kept only on this device that hang from a synced row, with that row's table: a
/// voice note's sound from its message. They have no scope of their own and leave with their
/// parent.
const LOCAL_DEPENDENTS: &[(&str, &str)] = &[("voice_note", "message")];

/// After a complete pull: rows whose parent never arrived (the server sent a row outside the
/// scopes that hold its parent) cannot be shown; they are removed like orphans, each recorded.
/// Only the tables the pull wrote are checked: the check reads every row of a table.
pub(crate) fn repair_references(c: &Connection, now: i64, touched: &mut Touched) -> Result<()> {
    let mut tables: Vec<&'static str> = touched.iter().copied().collect();
    // A pull deletes rows with foreign keys off, so a local dependent outlives its parent
    // until checked here.
    for (dependent, parent) in LOCAL_DEPENDENTS {
        if touched.contains(parent) {
            tables.push(dependent);
        }
    }
    let dangling = tables.iter().try_fold(false, |found, table| {
        Ok::<_, crate::Error>(
            found
                || c.prepare(&format!(
                    "SELECT 1 FROM pragma_foreign_key_check('{table}') LIMIT 1"
                ))?
                .exists([])?,
        )
    })?;
    if dangling {
        remove_orphans(c, now, touched)
    } else {
        Ok(())
    }
}

/// Deletes rows whose parent was purged (their foreign key now points nowhere), repeatedly,
/// and drops queued changes whose row is gone — each one recorded as an issue, not silently.
fn remove_orphans(c: &Connection, now: i64, touched: &mut Touched) -> Result<()> {
    for _ in 0..16 {
        let orphans: Vec<(String, i64)> = c
            .prepare(
                "SELECT \"table\", rowid FROM pragma_foreign_key_check WHERE rowid IS NOT NULL",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if orphans.is_empty() {
            break;
        }
        for (table, rowid) in orphans {
            let Some(collection) = Collection::from_table(&table) else {
                if LOCAL_DEPENDENTS.iter().any(|(d, _)| *d == table) {
                    c.execute(&format!("DELETE FROM {table} WHERE rowid = ?1"), [rowid])?;
                    continue;
                }
                return Err(StoreError::Corrupt.into());
            };
            let key: String = c.query_row(
                &format!(
                    "SELECT {} FROM {table} WHERE rowid = ?1",
                    collection.key_column()
                ),
                [rowid],
                |r| r.get(0),
            )?;
            c.execute(&format!("DELETE FROM {table} WHERE rowid = ?1"), [rowid])?;
            c.execute(
                "DELETE FROM row_scope WHERE collection = ?1 AND row_id = ?2",
                (&table, &key),
            )?;
            touched.insert(collection.table());
        }
    }
    let dropped: Vec<(i64, String, String)> = c
        .prepare("SELECT hlc, collection, row_id FROM outbox")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (mutation_id, table, id) in dropped {
        let exists = match Collection::from_table(&table) {
            Some(coll) => c
                .query_row(
                    &format!("SELECT 1 FROM {table} WHERE {} = ?1", coll.key_column()),
                    [&id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some(),
            None => false,
        };
        if !exists {
            record_issue(
                c,
                &Issue {
                    mutation_id: Some(mutation_id),
                    ..Issue::about("rejected", &table, &id, "access_revoked")
                },
                now,
            )?;
            c.execute("DELETE FROM outbox WHERE hlc = ?1", [mutation_id])?;
        }
    }
    Ok(())
}

/// Applies the directory entries of one pulled batch through the importer: documents in one
/// go per source, removals one by one. Entries the importer refuses become sync issues.
pub(crate) fn apply_directory(
    tx: &mut Tx<'_>,
    changes: &[&Change],
    touched: &mut Touched,
) -> Result<()> {
    use crate::directory::sync as dir;
    if changes.is_empty() {
        return Ok(());
    }
    let now = tx.now;
    let mut entries = Vec::new();
    for change in changes {
        match change.parsed_row() {
            None if change.row.is_none() => {
                dir::remove_entry(tx, &change.row_id)?;
            }
            None => record_issue(
                &tx.conn,
                &Issue::about(
                    "unreadable",
                    dir::COLLECTION,
                    &change.row_id,
                    "not a JSON object",
                ),
                now,
            )?,
            Some(row) => match dir::entry_from_row(&row) {
                Ok(entry) => entries.push(entry),
                Err(e) => record_issue(
                    &tx.conn,
                    &Issue::about(
                        "unreadable",
                        dir::COLLECTION,
                        &change.row_id,
                        &e.to_string(),
                    ),
                    now,
                )?,
            },
        }
    }
    for (id, reason) in dir::apply_entries(tx, entries)? {
        record_issue(
            &tx.conn,
            &Issue::about("unreadable", dir::COLLECTION, &id, &reason),
            now,
        )?;
    }
    touched.insert("dir_service");
    Ok(())
}
