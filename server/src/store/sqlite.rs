//! The embedded SQLite store: one file, WAL, one writing connection, `BEGIN IMMEDIATE`
//! transactions (SQLite has one writer; this makes waiting for it explicit and bounded).
//!
//! Within the process, requests queue on a mutex for the connection: SQLite's own busy handler
//! waits by sleeping (1, 2, 5, … 100 ms) and retrying, which under load leaves the database
//! idle while requests sleep and gives seconds-long tails; a mutex hands the writer over the
//! moment it is free. Other processes on the same file still meet the busy timeout.
//!
//! **Group commit.** Requests that queue behind each other share one SQLite transaction: each
//! that joins a group runs in its own savepoint (a request that fails rolls back only its own
//! work), and the last of the queue — or the 64th — commits for all. The request that begins a
//! group has no savepoint: if it fails, the transaction, its work alone, is rolled back and
//! begun again (a savepoint copies every page its request changes; alone, a request would pay
//! for that on every write). Nobody answers before the commit that
//! holds their work: every request waits for its group's commit, and if it fails, every
//! member gets the failure. Under load this turns hundreds of commits a second into a few
//! dozen; alone, a request commits at once as before.
//!
//! **Flushes.** The writer commits without waiting for the disk; with the durable default the
//! requests waiting for their answer flush the write-ahead log, one flush for every group
//! committed before it, and a request is answered once its group is on the disk
//! (`ledger.rs`): the next group runs while the last one is flushed.
//!
//! **Checkpoints** of the write-ahead log run on a thread and connection of their own
//! (`checkpoint.rs`), so no commit stops to copy the log into the database.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::checkpoint::{BACKSTOP_PAGES, Checkpointer};
use super::ledger::{Flush, Ledger};
use super::{
    AuditEntry, MentorshipFacts, RowStamp, ScopeEntry, ServerStore, StoreFailure, StoreResult,
    StoreTx, StoredRecord, TokenRecord, audit_action,
};
use passerelle_core::Durability;
use passerelle_core::sync::protocol::VoiceUpload;

const SCHEMA: &str = include_str!("sqlite_schema.sql");
/// The schema version this server writes (`PRAGMA user_version`). 2: `tokens.parent`; 3:
/// `voice_notes`.
const SCHEMA_VERSION: i64 = 3;

/// Most requests sharing one commit: bounds how long the first of a group waits.
const MAX_GROUP: usize = 64;

/// The SQLite store.
pub struct SqliteStore {
    /// The writing connection and the group transaction it may have open.
    writer: Mutex<Writer>,
    /// Requests waiting for the writer: while there are some, a group stays open for them.
    queued: AtomicUsize,
    /// Which groups have ended, which of those failed, which are on the disk.
    ledger: Ledger,
    /// Keeps checkpoints out of the writer's commits (see [`Checkpointer`]).
    _checkpointer: Option<Checkpointer>,
    /// The file, for reads made apart from the writer.
    path: PathBuf,
}

struct Writer {
    conn: Connection,
    /// A group transaction is open.
    open: bool,
    /// Its number (groups are numbered in the order they begin, and end in that order).
    group: u64,
    /// Requests in it so far.
    members: usize,
    /// Something failed that the savepoints could not undo: the group must roll back.
    broken: bool,
}

/// One request's turn with the writer. Dropping it (also when the request panics) undoes the
/// request's work if it has not ended and commits the group unless others queue behind.
struct Turn<'a> {
    store: &'a SqliteStore,
    writer: MutexGuard<'a, Writer>,
    undo: Undo,
}

/// How a request's work would be undone.
#[derive(Clone, Copy)]
enum Undo {
    /// The request has ended: nothing to undo.
    Ended,
    /// Roll back to its savepoint: it joined a group that holds others' work.
    Savepoint,
    /// Roll back the transaction and begin it again: it began the group, which holds its work
    /// alone.
    Group,
}

impl Turn<'_> {
    /// Keeps the request's work (`ok`) or undoes it, leaving the group's other work intact.
    fn end_request(&mut self, ok: bool) {
        let end = match (std::mem::replace(&mut self.undo, Undo::Ended), ok) {
            (Undo::Ended, _) | (Undo::Group, true) => return,
            (Undo::Savepoint, true) => "RELEASE request",
            (Undo::Savepoint, false) => "ROLLBACK TO request; RELEASE request",
            (Undo::Group, false) => "ROLLBACK; BEGIN IMMEDIATE",
        };
        if self.writer.conn.execute_batch(end).is_err() {
            self.writer.broken = true;
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.end_request(false);
        let w = &mut *self.writer;
        let carried_on = self.store.queued.load(Ordering::SeqCst) > 0;
        if !w.open || (carried_on && w.members < MAX_GROUP && !w.broken) {
            return;
        }
        let ok = !w.broken && w.conn.execute_batch("COMMIT").is_ok();
        if !ok {
            let _ = w.conn.execute_batch("ROLLBACK");
        }
        w.open = false;
        w.broken = false;
        self.store.ledger.ended(w.group, ok);
    }
}

fn fail(op: &'static str) -> impl Fn(rusqlite::Error) -> StoreFailure {
    move |e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreFailure::Busy
        }
        _ => StoreFailure::Database(op),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`, every commit on the disk before it is
    /// acknowledged ([`Durability::Full`]).
    pub fn open(path: &Path) -> StoreResult<Self> {
        Self::open_with(path, Durability::Full)
    }

    /// Opens the store at `path` with `durability`. [`Durability::Normal`] survives the server
    /// process being killed, but a power cut may take the last commits — writes the server
    /// already acknowledged, which devices have dropped from their outboxes and will not push
    /// again. Only for a server on storage that survives power loss (battery-backed cache),
    /// or for benchmarks.
    pub fn open_with(path: &Path, durability: Durability) -> StoreResult<Self> {
        Self::open_flushing(path, || match durability {
            Durability::Full => log_flush(path).map(Some),
            Durability::Normal => Ok(None),
        })
    }

    /// Opens the store at `path`, flushing its log with what `flush` gives once the schema
    /// is in place (the log exists from then on), or never.
    fn open_flushing(
        path: &Path,
        flush: impl FnOnce() -> StoreResult<Option<Flush>>,
    ) -> StoreResult<Self> {
        let conn = Self::connect(path)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(fail("open"))?;
        if version > SCHEMA_VERSION {
            return Err(StoreFailure::Database(
                "open: the database is from a newer server",
            ));
        }
        // Version 1 tokens had no parent; CREATE TABLE IF NOT EXISTS leaves an old table as it
        // is, so the column is added first (tokens issued before keep NULL).
        let tokens_lack_parent: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'tokens')
                    AND NOT EXISTS (SELECT 1 FROM pragma_table_info('tokens') WHERE name = 'parent')",
                [],
                |r| r.get(0),
            )
            .map_err(fail("open"))?;
        if tokens_lack_parent {
            conn.execute_batch("ALTER TABLE tokens ADD COLUMN parent TEXT")
                .map_err(fail("migrate schema"))?;
        }
        conn.execute_batch(SCHEMA).map_err(fail("create schema"))?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(fail("open"))?;
        conn.pragma_update(None, "wal_autocheckpoint", BACKSTOP_PAGES)
            .map_err(fail("open"))?;
        let ledger = Ledger::new(flush()?);
        Ok(Self {
            writer: Mutex::new(Writer {
                conn,
                open: false,
                group: 0,
                members: 0,
                broken: false,
            }),
            queued: AtomicUsize::new(0),
            ledger,
            _checkpointer: Checkpointer::start(path),
            path: path.to_owned(),
        })
    }

    /// Waits for the writer and begins a group, or joins the open one in a savepoint.
    fn turn(&self) -> StoreResult<Turn<'_>> {
        self.ledger.check_writable()?;
        self.queued.fetch_add(1, Ordering::SeqCst);
        let writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let mut turn = Turn {
            store: self,
            writer,
            undo: Undo::Ended,
        };
        let w = &mut *turn.writer;
        if !w.open {
            w.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(fail("begin"))?;
            w.open = true;
            w.group += 1;
            w.members = 1;
            turn.undo = Undo::Group;
            return Ok(turn);
        }
        w.members += 1;
        // Counted as a member even if the savepoint fails: the turn still ends the group.
        w.conn
            .execute_batch("SAVEPOINT request")
            .map_err(fail("begin"))?;
        turn.undo = Undo::Savepoint;
        Ok(turn)
    }

    fn connect(path: &Path) -> StoreResult<Connection> {
        let conn =
            passerelle_core::store::open_file(path, OpenFlags::default()).map_err(fail("open"))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(fail("open"))?;
        passerelle_core::store::pin_query_plans(&conn)
            .map_err(|_| StoreFailure::Database("open"))?;
        // `NORMAL`: a commit does not wait for the disk; the requests waiting for their answers
        // flush the log, off the writer (`ledger.rs`).
        // A small page cache (SQLite's default size): splitting a B-tree page parks a page at
        // the lock-byte page number (page 262,145), so most commits then end by walking every
        // page the cache holds (`pcache1TruncateUnsafe`). With 32 MiB that walk took 9 % of the
        // server's processor time; pages missed now come from the system's cache (+1.5 %).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
             PRAGMA trusted_schema = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -2048;",
        )
        .map_err(fail("open"))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }
}

/// The audit lines about `row_ids` (see [`ServerStore::audit_trail_of`]).
fn read_audit_trail(conn: &Connection, row_ids: &[String]) -> StoreResult<Vec<AuditEntry>> {
    let ids = serde_json::to_string(row_ids).map_err(|_| StoreFailure::Database("read audit"))?;
    let mut stmt = conn
        .prepare(
            "SELECT at, person_id, device_id, action, collection, row_id FROM audit
             WHERE row_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )
        .map_err(fail("read audit"))?;
    stmt.query_map([ids], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            person_id: r.get(1)?,
            device_id: r.get(2)?,
            action: audit_action(&r.get::<_, String>(3)?),
            collection: r.get(4)?,
            row_id: r.get(5)?,
        })
    })
    .and_then(Iterator::collect)
    .map_err(fail("read audit"))
}

impl ServerStore for SqliteStore {
    fn transaction<R, E: From<StoreFailure>>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E>,
    ) -> Result<R, E> {
        let (group, out) = {
            let mut turn = self.turn()?;
            let out = f(&mut SqliteTx {
                tx: &turn.writer.conn,
            });
            turn.end_request(out.is_ok());
            (turn.writer.group, out)
        };
        // Answer only once the work is committed — and on the disk, if the store flushes —
        // or failed with its group.
        let ended = self.ledger.wait_for(group);
        let value = out?;
        ended?;
        Ok(value)
    }

    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn audit_trail_of(&self, row_ids: &[String]) -> StoreResult<Vec<AuditEntry>> {
        let conn = passerelle_core::store::open_file(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(fail("open"))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(fail("open"))?;
        read_audit_trail(&conn, row_ids)
    }
}

/// Flushes the store's write-ahead log: `fdatasync` on the log file, as SQLite itself does
/// with `synchronous = FULL`. The directory is flushed once, so the log's name survives a
/// power cut as well as its content.
fn log_flush(path: &Path) -> StoreResult<Flush> {
    let failed = |_| StoreFailure::Database("open: write-ahead log");
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    let log = File::open(&name).map_err(failed)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    File::open(dir).and_then(|d| d.sync_all()).map_err(failed)?;
    log.sync_data().map_err(failed)?;
    Ok(Box::new(move || log.sync_data()))
}

/// Mentorships with their survivor (as the relations index names it) and that survivor's
/// consents: columns id, data, seq, consented, sharing (a JSON array). The callers' `FROM`
/// follows in [`MENTORSHIP_BY_ID`] and [`MENTORSHIPS_OF`].
macro_rules! mentorships_sql {
    ($which:literal) => {
        concat!(
            "WITH m AS (
                 SELECT r.id, r.data, r.seq,
                        (SELECT min(object) FROM relations
                         WHERE kind = 'survivor' AND subject = r.id) AS survivor
                 FROM ",
            $which,
            ")
             SELECT m.id, m.data, m.seq,
                    EXISTS (SELECT 1 FROM relations p
                            WHERE p.kind = 'programme_consent' AND p.subject = m.survivor),
                    (SELECT json_group_array(c.object) FROM relations c
                     WHERE c.kind = 'share_consent' AND c.subject = m.survivor)
             FROM m ORDER BY m.id"
        )
    };
}

/// One mentorship by id.
const MENTORSHIP_BY_ID: &str =
    mentorships_sql!("records r WHERE r.collection = 'mentorship' AND r.id = ?1");
/// Every mentorship a person is the `kind` of: from the relations index to the rows
/// (`CROSS JOIN` keeps SQLite from scanning every mentorship instead).
const MENTORSHIPS_OF: &str = mentorships_sql!(
    "relations k CROSS JOIN records r ON r.collection = 'mentorship' AND r.id = k.subject
     WHERE k.kind = ?1 AND k.object = ?2"
);

/// A token from a row's columns (kind, device_id, person_id, family, expires_at, used_at,
/// revoked_at).
fn token_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        kind: r.get(0)?,
        device_id: r.get(1)?,
        person_id: r.get(2)?,
        family: r.get(3)?,
        expires_at: r.get(4)?,
        used_at: r.get(5)?,
        revoked_at: r.get(6)?,
        parent: r.get(7)?,
    })
}

struct SqliteTx<'c> {
    /// The writer's connection, inside the request's savepoint.
    tx: &'c Connection,
}

impl SqliteTx<'_> {
    /// Mentorships with their survivor's consents, one statement (`sql`: [`MENTORSHIP_BY_ID`]
    /// or [`MENTORSHIPS_OF`]).
    fn mentorships_where(
        &mut self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> StoreResult<Vec<MentorshipFacts>> {
        let op = "read mentorships";
        let mut stmt = self.tx.prepare_cached(sql).map_err(fail(op))?;
        let rows = stmt
            .query_map(params, |r| {
                Ok((
                    MentorshipFacts {
                        id: r.get(0)?,
                        record: StoredRecord {
                            data: r.get(1)?,
                            seq: r.get(2)?,
                        },
                        consented: r.get(3)?,
                        sharing: Vec::new(),
                    },
                    r.get::<_, String>(4)?,
                ))
            })
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(fail(op))?;
        rows.into_iter()
            .map(|(mut facts, sharing)| {
                let mut sharing: Vec<String> =
                    serde_json::from_str(&sharing).map_err(|_| StoreFailure::Database(op))?;
                sharing.sort_unstable();
                facts.sharing = sharing;
                Ok(facts)
            })
            .collect()
    }

    /// Writes `lines` to the audit trail with one statement.
    fn audit_lines(&mut self, lines: &[AuditEntry]) -> StoreResult<()> {
        let values = vec!["(?, ?, ?, ?, ?, ?)"; lines.len()].join(", ");
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "INSERT INTO audit (at, person_id, device_id, action, collection, row_id) VALUES {values}"
            ))
            .map_err(fail("write audit"))?;
        for (i, e) in lines.iter().enumerate() {
            let base = i * 6;
            let bound = (|| {
                stmt.raw_bind_parameter(base + 1, e.at)?;
                stmt.raw_bind_parameter(base + 2, &e.person_id)?;
                stmt.raw_bind_parameter(base + 3, &e.device_id)?;
                stmt.raw_bind_parameter(base + 4, e.action)?;
                stmt.raw_bind_parameter(base + 5, &e.collection)?;
                stmt.raw_bind_parameter(base + 6, &e.row_id)
            })();
            bound.map_err(fail("write audit"))?;
        }
        stmt.raw_execute().map_err(fail("write audit"))?;
        Ok(())
    }

    /// Reserves `n` consecutive sequence numbers and returns the first. The writer is alone
    /// (`BEGIN IMMEDIATE`), so they become visible in the order they were handed out.
    fn reserve_seqs(&mut self, n: i64) -> StoreResult<i64> {
        // Two statements, not `UPDATE … RETURNING`: SQLite runs RETURNING through a temporary
        // table it builds and frees on every call, a measurable cost at a push per request.
        self.tx
            .prepare_cached("UPDATE meta SET value = value + ?1 WHERE key = 'seq'")
            .and_then(|mut s| s.execute([n]))
            .map_err(fail("reserve seq"))?;
        let last: i64 = self
            .tx
            .prepare_cached("SELECT value FROM meta WHERE key = 'seq'")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(fail("reserve seq"))?;
        Ok(last - n + 1)
    }

    /// Puts a row in a scope's log at `seq`, or marks it removed from the scope, at time `at`.
    fn set_scope_entry(
        &mut self,
        scope: &str,
        collection: &str,
        id: &str,
        seq: i64,
        removed: bool,
        at: i64,
    ) -> StoreResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO scope_log (scope, collection, id, seq, removed, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (scope, collection, id)
                 DO UPDATE SET seq = excluded.seq, removed = excluded.removed, changed_at = excluded.changed_at",
            )
            .and_then(|mut s| s.execute(params![scope, collection, id, seq, removed, at]))
            .map_err(fail("write scope log"))?;
        Ok(())
    }
}

impl StoreTx for SqliteTx<'_> {
    fn begin_pull(&mut self) -> StoreResult<i64> {
        self.tx
            .prepare_cached("SELECT value FROM meta WHERE key = 'horizon'")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(fail("horizon"))
    }

    fn lock_record(&mut self, _collection: &str, _id: &str) -> StoreResult<()> {
        // `BEGIN IMMEDIATE` already holds SQLite's single write lock.
        Ok(())
    }

    fn record(&mut self, collection: &str, id: &str) -> StoreResult<Option<StoredRecord>> {
        self.tx
            .prepare_cached("SELECT data, seq FROM records WHERE collection = ?1 AND id = ?2")
            .and_then(|mut s| {
                s.query_row([collection, id], |r| {
                    Ok(StoredRecord {
                        data: r.get(0)?,
                        seq: r.get(1)?,
                    })
                })
                .optional()
            })
            .map_err(fail("read record"))
    }

    fn put_record(&mut self, collection: &str, id: &str, data: &str, seq: i64) -> StoreResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO records (collection, id, data, seq) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data, seq = excluded.seq",
            )
            .and_then(|mut s| s.execute(params![collection, id, data, seq]))
            .map_err(fail("write record"))?;
        Ok(())
    }

    fn delete_record(&mut self, collection: &str, id: &str) -> StoreResult<()> {
        self.tx
            .execute(
                "DELETE FROM records WHERE collection = ?1 AND id = ?2",
                [collection, id],
            )
            .map_err(fail("delete record"))?;
        Ok(())
    }

    fn stamp_rows(&mut self, rows: &[RowStamp], at: i64) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        // In-process statements cost no round trip: one per record and per scope entry.
        let first = self.reserve_seqs(rows.len() as i64)?;
        for (seq, row) in (first..).zip(rows) {
            self.tx
                .prepare_cached("UPDATE records SET seq = ?3 WHERE collection = ?1 AND id = ?2")
                .and_then(|mut s| s.execute(params![row.collection, row.id, seq]))
                .map_err(fail("write record"))?;
            for (scope, removed) in &row.scopes {
                self.set_scope_entry(scope, &row.collection, &row.id, seq, *removed, at)?;
            }
        }
        Ok(())
    }

    fn record_scopes(&mut self, collection: &str, id: &str) -> StoreResult<Vec<String>> {
        self.tx
            .prepare_cached(
                "SELECT scope FROM scope_log WHERE collection = ?1 AND id = ?2 AND removed = 0",
            )
            .and_then(|mut s| s.query_map([collection, id], |r| r.get(0))?.collect())
            .map_err(fail("read scopes"))
    }

    fn scope_entries(
        &mut self,
        scope: &str,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ScopeEntry>> {
        self.tx
            .prepare_cached(
                "SELECT l.seq, l.collection, l.id, CASE WHEN l.removed = 0 THEN r.data END
                 FROM scope_log l LEFT JOIN records r ON r.collection = l.collection AND r.id = l.id
                 WHERE l.scope = ?1 AND l.seq > ?2 ORDER BY l.seq LIMIT ?3",
            )
            .and_then(|mut s| {
                s.query_map(params![scope, after, limit], |r| {
                    Ok(ScopeEntry {
                        seq: r.get(0)?,
                        collection: r.get(1)?,
                        id: r.get(2)?,
                        data: r.get(3)?,
                    })
                })?
                .collect()
            })
            .map_err(fail("read scope log"))
    }

    fn add_relation(&mut self, kind: &str, subject: &str, object: &str) -> StoreResult<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO relations (kind, subject, object) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute([kind, subject, object]))
            .map_err(fail("write relation"))?;
        Ok(())
    }

    fn remove_relation(&mut self, kind: &str, subject: &str, object: &str) -> StoreResult<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM relations WHERE kind = ?1 AND subject = ?2 AND object = ?3",
            )
            .and_then(|mut s| s.execute([kind, subject, object]))
            .map_err(fail("write relation"))?;
        Ok(())
    }

    fn objects(&mut self, kind: &str, subject: &str) -> StoreResult<Vec<String>> {
        self.tx
            .prepare_cached(
                "SELECT object FROM relations WHERE kind = ?1 AND subject = ?2 ORDER BY object",
            )
            .and_then(|mut s| s.query_map([kind, subject], |r| r.get(0))?.collect())
            .map_err(fail("read relations"))
    }

    fn subjects(&mut self, kind: &str, object: &str) -> StoreResult<Vec<String>> {
        self.tx
            .prepare_cached(
                "SELECT subject FROM relations WHERE kind = ?1 AND object = ?2 ORDER BY subject",
            )
            .and_then(|mut s| s.query_map([kind, object], |r| r.get(0))?.collect())
            .map_err(fail("read relations"))
    }

    fn mentorship_facts(&mut self, id: &str) -> StoreResult<Option<MentorshipFacts>> {
        Ok(self.mentorships_where(MENTORSHIP_BY_ID, [id])?.pop())
    }

    fn mentorships_of(&mut self, kind: &str, person: &str) -> StoreResult<Vec<MentorshipFacts>> {
        self.mentorships_where(MENTORSHIPS_OF, [kind, person])
    }

    fn put_enrolment_code(
        &mut self,
        hash: &str,
        person_id: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        self.tx
            .execute(
                "INSERT INTO enrolment_codes (hash, person_id, expires_at) VALUES (?1, ?2, ?3)",
                params![hash, person_id, expires_at],
            )
            .map_err(fail("write enrolment code"))?;
        Ok(())
    }

    fn take_enrolment_code(&mut self, hash: &str, now: i64) -> StoreResult<Option<String>> {
        self.tx
            .query_row(
                "UPDATE enrolment_codes SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL AND expires_at > ?2
                 RETURNING person_id",
                params![hash, now],
                |r| r.get(0),
            )
            .optional()
            .map_err(fail("spend enrolment code"))
    }

    fn put_device(&mut self, device_id: &str, person_id: &str, now: i64) -> StoreResult<()> {
        self.tx
            .execute(
                "INSERT INTO devices (id, person_id, registered_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, registered_at = excluded.registered_at",
                params![device_id, person_id, now],
            )
            .map_err(fail("write device"))?;
        Ok(())
    }

    fn put_voice_note(&mut self, note: &VoiceUpload, now: i64) -> StoreResult<bool> {
        let added = self
            .tx
            .prepare_cached(
                "INSERT INTO voice_notes (message_id, media_type, duration_ms, audio, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (message_id) DO NOTHING",
            )
            .and_then(|mut s| {
                s.execute(params![
                    note.message_id,
                    note.media_type,
                    note.duration_ms,
                    note.audio,
                    now
                ])
            })
            .map_err(fail("write voice note"))?;
        Ok(added == 1)
    }

    fn voice_note(&mut self, message_id: &str) -> StoreResult<Option<VoiceUpload>> {
        self.tx
            .prepare_cached(
                "SELECT media_type, duration_ms, audio FROM voice_notes WHERE message_id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([message_id], |r| {
                    Ok(VoiceUpload {
                        message_id: message_id.to_owned(),
                        media_type: r.get(0)?,
                        duration_ms: r.get(1)?,
                        audio: r.get(2)?,
                    })
                })
                .optional()
            })
            .map_err(fail("read voice note"))
    }

    fn delete_voice_note(&mut self, message_id: &str) -> StoreResult<()> {
        self.tx
            .execute(
                "DELETE FROM voice_notes WHERE message_id = ?1",
                [message_id],
            )
            .map_err(fail("delete voice note"))?;
        Ok(())
    }

    fn put_token(&mut self, hash: &str, t: &TokenRecord) -> StoreResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO tokens (hash, kind, device_id, person_id, family, expires_at, used_at, revoked_at, parent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut s| {
                s.execute(params![hash, t.kind, t.device_id, t.person_id, t.family, t.expires_at, t.used_at, t.revoked_at, t.parent])
            })
            .map_err(fail("write token"))?;
        Ok(())
    }

    fn token(&mut self, hash: &str) -> StoreResult<Option<TokenRecord>> {
        self.tx
            .prepare_cached(
                "SELECT kind, device_id, person_id, family, expires_at, used_at, revoked_at, parent FROM tokens WHERE hash = ?1",
            )
            .and_then(|mut s| s.query_row([hash], token_record).optional())
            .map_err(fail("read token"))
    }

    fn token_holder(&mut self, hash: &str) -> StoreResult<Option<(TokenRecord, StoredRecord)>> {
        self.tx
            .prepare_cached(
                "SELECT t.kind, t.device_id, t.person_id, t.family, t.expires_at, t.used_at,
                        t.revoked_at, t.parent, p.data, p.seq
                 FROM tokens t JOIN records p ON p.collection = 'person' AND p.id = t.person_id
                 WHERE t.hash = ?1",
            )
            .and_then(|mut s| {
                s.query_row([hash], |r| {
                    Ok((
                        token_record(r)?,
                        StoredRecord {
                            data: r.get(8)?,
                            seq: r.get(9)?,
                        },
                    ))
                })
                .optional()
            })
            .map_err(fail("read token"))
    }

    fn mark_token_used(&mut self, hash: &str, now: i64) -> StoreResult<bool> {
        let n = self
            .tx
            .execute(
                "UPDATE tokens SET used_at = ?2 WHERE hash = ?1 AND used_at IS NULL",
                params![hash, now],
            )
            .map_err(fail("write token"))?;
        Ok(n == 1)
    }

    fn revoke_family(&mut self, family: &str, now: i64) -> StoreResult<()> {
        self.tx
            .execute(
                "UPDATE tokens SET revoked_at = ?2 WHERE family = ?1 AND revoked_at IS NULL",
                params![family, now],
            )
            .map_err(fail("revoke tokens"))?;
        Ok(())
    }

    fn revoke_issued_from(&mut self, family: &str, parent: &str, now: i64) -> StoreResult<bool> {
        self.tx
            .prepare_cached(
                "UPDATE tokens SET revoked_at = ?3
                 WHERE family = ?1 AND parent = ?2 AND revoked_at IS NULL
                 RETURNING kind = 'refresh' AND used_at IS NOT NULL",
            )
            .and_then(|mut s| {
                s.query_map(params![family, parent, now], |r| r.get::<_, bool>(0))?
                    .collect::<rusqlite::Result<Vec<bool>>>()
            })
            .map(|spent| spent.contains(&true))
            .map_err(fail("revoke tokens"))
    }

    fn mutation_result(
        &mut self,
        device_id: &str,
        mutation_id: i64,
    ) -> StoreResult<Option<String>> {
        self.tx
            .prepare_cached(
                "SELECT result FROM mutations WHERE device_id = ?1 AND mutation_id = ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![device_id, mutation_id], |r| r.get(0))
                    .optional()
            })
            .map_err(fail("read mutation"))
    }

    fn put_mutation_result(
        &mut self,
        device_id: &str,
        mutation_id: i64,
        result: &str,
        now: i64,
    ) -> StoreResult<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO mutations (device_id, mutation_id, result, at) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut s| s.execute(params![device_id, mutation_id, result, now]))
            .map_err(fail("write mutation"))?;
        Ok(())
    }

    fn audit(&mut self, entries: &[AuditEntry]) -> StoreResult<()> {
        // Many lines per statement: a pull audits thousands of reads, and a statement per line
        // made this a quarter of the pull's work. Two statement shapes only (a full block, one
        // line), so the statement cache keeps both.
        const BLOCK: usize = 64;
        let mut blocks = entries.chunks_exact(BLOCK);
        for block in &mut blocks {
            self.audit_lines(block)?;
        }
        for line in blocks.remainder() {
            self.audit_lines(std::slice::from_ref(line))?;
        }
        Ok(())
    }

    fn audit_count(&mut self, collection: &str, row_id: &str, action: &str) -> StoreResult<i64> {
        self.tx
            .query_row(
                "SELECT count(*) FROM audit WHERE collection = ?1 AND row_id = ?2 AND action = ?3",
                [collection, row_id, action],
                |r| r.get(0),
            )
            .map_err(fail("read audit"))
    }

    fn revoke_person(&mut self, person_id: &str, now: i64) -> StoreResult<()> {
        self.tx
            .execute(
                "UPDATE tokens SET revoked_at = ?2 WHERE person_id = ?1 AND revoked_at IS NULL",
                params![person_id, now],
            )
            .and_then(|_| {
                self.tx.execute(
                    "UPDATE enrolment_codes SET used_at = ?2 WHERE person_id = ?1 AND used_at IS NULL",
                    params![person_id, now],
                )
            })
            .map_err(fail("revoke tokens"))?;
        Ok(())
    }

    fn collect_garbage(&mut self, removed_before: i64) -> StoreResult<()> {
        let newest: Option<i64> = self
            .tx
            .query_row(
                "SELECT max(seq) FROM scope_log WHERE removed = 1 AND changed_at < ?1",
                [removed_before],
                |r| r.get(0),
            )
            .map_err(fail("gc"))?;
        if let Some(seq) = newest {
            self.tx
                .execute(
                    "DELETE FROM scope_log WHERE removed = 1 AND changed_at < ?1",
                    [removed_before],
                )
                .map_err(fail("gc"))?;
            self.tx
                .execute(
                    "UPDATE meta SET value = max(value, ?1) WHERE key = 'horizon'",
                    [seq],
                )
                .map_err(fail("gc"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};

    use super::*;

    fn store() -> (tempfile::TempDir, Arc<SqliteStore>) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("group.db")).unwrap();
        (dir, Arc::new(store))
    }

    fn put(tx: &mut dyn StoreTx, id: &str) -> StoreResult<()> {
        tx.put_record("message", id, "{}", 1)
    }

    /// A person's export scans the audit trail on a connection of its own: the scan reads what
    /// was committed while a request holds the writer (were it to need the writer, this would
    /// wait for itself), and finds every line about the rows asked for, none other.
    #[test]
    fn the_audit_trail_is_read_without_the_writer() {
        let (_dir, store) = store();
        let line = |row: &str, action| AuditEntry {
            at: 1,
            person_id: "p".into(),
            device_id: "d".into(),
            action,
            collection: "checkin".into(),
            row_id: row.into(),
        };
        store
            .transaction(|tx| {
                tx.audit(&[line("a", "read"), line("b", "write"), line("a", "erase")])
            })
            .unwrap();
        let found = store
            .transaction(|tx| {
                tx.audit(&[line("a", "denied")])?;
                store.audit_trail_of(&["a".to_owned(), "c".to_owned()])
            })
            .unwrap();
        assert_eq!(found, vec![line("a", "read"), line("a", "erase")]);
        let after = store.audit_trail_of(&["a".to_owned()]).unwrap();
        assert_eq!(after.last(), Some(&line("a", "denied")));
    }

    /// Acknowledged writes reach the disk unless the operator says otherwise: flushed by the
    /// ledger, so the writer's own commits do not wait for the disk.
    #[test]
    fn commits_are_flushed_unless_asked_otherwise() {
        let synchronous = |store: &SqliteStore| -> i64 {
            let w = store.writer.lock().unwrap();
            w.conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))
                .unwrap()
        };
        let (_dir, full) = store();
        assert!(full.ledger.flushes(), "flushed by default");
        assert_eq!(synchronous(&full), 1);
        let dir = tempfile::tempdir().unwrap();
        let normal = SqliteStore::open_with(&dir.path().join("n.db"), Durability::Normal).unwrap();
        assert!(!normal.ledger.flushes());
    }

    /// A request is answered only after a flush that began once its work was written, and
    /// every request, reading or writing, waits for it.
    #[test]
    fn answers_wait_for_a_flush_begun_after_their_work() {
        let dir = tempfile::tempdir().unwrap();
        let flushes_began = Arc::new(Mutex::new(Vec::<std::time::Instant>::new()));
        let began = Arc::clone(&flushes_began);
        let store = SqliteStore::open_flushing(&dir.path().join("f.db"), move || {
            Ok(Some(Box::new(move || {
                began.lock().unwrap().push(std::time::Instant::now());
                std::thread::sleep(Duration::from_millis(3));
                Ok(())
            })))
        })
        .unwrap();
        for i in 0..10 {
            let written = store
                .transaction(|tx| {
                    if i % 2 == 0 {
                        put(tx, &format!("m{i}"))?;
                    } else {
                        tx.record("message", "m0")?;
                    }
                    Ok::<_, StoreFailure>(std::time::Instant::now())
                })
                .unwrap();
            let began = flushes_began.lock().unwrap();
            assert!(
                began.iter().any(|at| *at >= written),
                "request {i} answered before its flush"
            );
        }
    }

    /// A flush that fails fails the requests waiting for it and every request after, which
    /// write nothing: what is on the disk is unknown until a restart recovers it.
    #[test]
    fn a_failed_flush_refuses_every_request_until_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        let store = SqliteStore::open_flushing(&path, || {
            Ok(Some(Box::new(|| Err(std::io::Error::other("EIO")))))
        })
        .unwrap();
        let first = store.transaction(|tx| put(tx, "m1"));
        assert!(matches!(first, Err(StoreFailure::Database("flush"))));
        let ran = std::cell::Cell::new(false);
        let next = store.transaction(|tx| {
            ran.set(true);
            put(tx, "m2")
        });
        assert!(matches!(next, Err(StoreFailure::Database("flush"))));
        assert!(!ran.get(), "nothing runs once the log's state is unknown");
        drop(store);
        let reopened = SqliteStore::open(&path).unwrap();
        let m2 = reopened
            .transaction(|tx| tx.record("message", "m2"))
            .unwrap();
        assert_eq!(m2, None);
    }

    /// A version 1 file (tokens without a parent) opens, gets the column, and keeps its
    /// tokens.
    #[test]
    fn a_version_1_file_gets_token_parents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        drop(SqliteStore::open(&path).unwrap());
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "ALTER TABLE tokens DROP COLUMN parent;
                 INSERT INTO tokens (hash, kind, device_id, person_id, family, expires_at)
                 VALUES ('old', 'refresh', 'd', 'p', 'f', 9);
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let child = TokenRecord {
            kind: "refresh".into(),
            device_id: "d".into(),
            person_id: "p".into(),
            family: "f".into(),
            parent: Some("old".into()),
            expires_at: 9,
            used_at: Some(3),
            revoked_at: None,
        };
        let (old, spent, new) = store
            .transaction(|tx| {
                tx.put_token("new", &child)?;
                let spent = tx.revoke_issued_from("f", "old", 5)?;
                Ok::<_, StoreFailure>((tx.token("old")?, spent, tx.token("new")?))
            })
            .unwrap();
        assert_eq!(old.unwrap().parent, None);
        assert!(spent, "the child refresh token was spent");
        let new = new.unwrap();
        assert_eq!(
            (new.parent.as_deref(), new.revoked_at),
            (Some("old"), Some(5))
        );
        drop(store);
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    /// Requests that queue together share commits, and one that fails takes back only its own
    /// writes: the others' are kept, and everyone gets their own answer.
    #[test]
    fn concurrent_requests_keep_their_own_outcome() {
        let (_dir, store) = store();
        let threads = 24;
        let start = Arc::new(Barrier::new(threads));
        let outcomes: Vec<bool> = (0..threads)
            .map(|i| {
                let (store, start) = (store.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    let id = format!("row-{i}");
                    store
                        .transaction(|tx| {
                            put(tx, &id)?;
                            if i % 3 == 0 {
                                return Err(StoreFailure::Database("refused"));
                            }
                            Ok(())
                        })
                        .is_ok()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        for (i, ok) in outcomes.iter().enumerate() {
            assert_eq!(*ok, i % 3 != 0, "request {i}");
            let kept = store
                .transaction(|tx| tx.record("message", &format!("row-{i}")))
                .unwrap();
            assert_eq!(kept.is_some(), *ok, "row of request {i}");
        }
    }

    /// The request that begins a group (no savepoint) and fails takes back its own work only:
    /// a request queued behind it joins the group and keeps its own, and so does the next
    /// request alone.
    #[test]
    fn a_failing_first_request_undoes_only_its_own_work() {
        let (_dir, store) = store();
        let queued_store = store.clone();
        let first = std::thread::spawn(move || {
            queued_store.transaction(|tx| {
                put(tx, "first")?;
                // Wait until the second request queues for the writer, so it joins this group.
                while queued_store.queued.load(Ordering::SeqCst) == 0 {
                    std::thread::yield_now();
                }
                Err::<(), _>(StoreFailure::Database("refused"))
            })
        });
        while store.writer.try_lock().is_ok() {
            std::thread::yield_now();
        }
        let second = store.transaction(|tx| put(tx, "second"));
        assert!(first.join().unwrap().is_err());
        assert!(second.is_ok());
        assert!(store.transaction(|tx| put(tx, "alone")).is_ok());
        let failed_alone = store.transaction(|tx| {
            put(tx, "failed alone")?;
            Err::<(), _>(StoreFailure::Database("refused"))
        });
        assert!(failed_alone.is_err());
        for (id, kept) in [
            ("first", false),
            ("second", true),
            ("alone", true),
            ("failed alone", false),
        ] {
            let row = store.transaction(|tx| tx.record("message", id)).unwrap();
            assert_eq!(row.is_some(), kept, "row {id}");
        }
    }

    /// A request that panics inside its transaction loses its own work only, and the requests
    /// queued with it still commit and answer (none waits forever for the group).
    #[test]
    fn a_panicking_request_neither_loses_nor_blocks_the_others() {
        let (_dir, store) = store();
        let threads = 12;
        let start = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let (store, start) = (store.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    store.transaction(|tx| {
                        put(tx, &format!("row-{i}"))?;
                        assert!(i != 5, "a bug in one request");
                        Ok::<_, StoreFailure>(())
                    })
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            let answer = h.join();
            assert_eq!(answer.is_err(), i == 5, "request {i}");
            let kept = store
                .transaction(|tx| tx.record("message", &format!("row-{i}")))
                .unwrap();
            assert_eq!(kept.is_some(), i != 5, "row of request {i}");
        }
    }

    #[test]
    fn stamped_rows_get_increasing_seqs_in_row_order() {
        let (_dir, store) = store();
        let stamp = |ids: &[&str]| {
            store
                .transaction(|tx| {
                    let mut stamps = Vec::new();
                    for id in ids {
                        tx.put_record("message", id, "{}", 0)?;
                        stamps.push(RowStamp {
                            collection: "message".into(),
                            id: (*id).into(),
                            scopes: vec![("staff".into(), false)],
                        });
                    }
                    tx.stamp_rows(&stamps, 1)
                })
                .unwrap();
        };
        stamp(&["c", "a", "b"]);
        stamp(&["d"]);
        let entries = store
            .transaction(|tx| tx.scope_entries("staff", 0, 10))
            .unwrap();
        let order: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(order, ["c", "a", "b", "d"]);
        assert!(entries.windows(2).all(|w| w[0].seq < w[1].seq));
        let record_seq = store
            .transaction(|tx| tx.record("message", "d"))
            .unwrap()
            .map(|r| r.seq);
        assert_eq!(record_seq, entries.last().map(|e| e.seq));
    }
}
