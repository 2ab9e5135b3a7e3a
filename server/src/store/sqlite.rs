//! The embedded SQLite store: one file, WAL, a small connection pool, `BEGIN IMMEDIATE`
//! transactions (SQLite has one writer; this makes waiting for it explicit and bounded).
//! Within the process, transactions also queue on a mutex before `BEGIN`: SQLite's own busy
//! handler waits by sleeping (1, 2, 5, … 100 ms) and retrying, which under load leaves the
//! database idle while requests sleep and gives seconds-long tails; a mutex hands the writer
//! lock over the moment it is free. Other processes on the same file still meet the busy
//! timeout.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    AuditEntry, ScopeEntry, ServerStore, StoreFailure, StoreResult, StoreTx, StoredRecord,
    TokenRecord,
};

const SCHEMA: &str = include_str!("sqlite_schema.sql");
const SCHEMA_VERSION: i64 = 1;

/// The SQLite store.
pub struct SqliteStore {
    path: std::path::PathBuf,
    pool: Mutex<Vec<Connection>>,
    /// The turn to write: held for the whole transaction.
    writer: Mutex<()>,
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
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let store = Self {
            path: path.to_path_buf(),
            pool: Mutex::new(Vec::new()),
            writer: Mutex::new(()),
        };
        let conn = store.connect()?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(fail("open"))?;
        if version > SCHEMA_VERSION {
            return Err(StoreFailure::Database(
                "open: the database is from a newer server",
            ));
        }
        conn.execute_batch(SCHEMA).map_err(fail("create schema"))?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(fail("open"))?;
        store.release(conn);
        Ok(store)
    }

    fn connect(&self) -> StoreResult<Connection> {
        let conn = Connection::open(&self.path).map_err(fail("open"))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(fail("open"))?;
        passerelle_core::store::pin_query_plans(&conn)
            .map_err(|_| StoreFailure::Database("open"))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
             PRAGMA trusted_schema = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768;",
        )
        .map_err(fail("open"))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    fn acquire(&self) -> StoreResult<Connection> {
        let idle = self
            .pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(c) => Ok(c),
            None => self.connect(),
        }
    }

    fn release(&self, conn: Connection) {
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < 16 {
            pool.push(conn);
        }
    }
}

impl ServerStore for SqliteStore {
    fn transaction<R, E: From<StoreFailure>>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E>,
    ) -> Result<R, E> {
        // Every transaction here writes (`BEGIN IMMEDIATE`), so only one runs at a time anyway.
        let _turn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let mut conn = self.acquire()?;
        let result = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(fail("begin"))?;
            let mut stx = SqliteTx { tx };
            let out = f(&mut stx)?;
            stx.tx.commit().map_err(fail("commit"))?;
            Ok(out)
        })();
        self.release(conn);
        result
    }

    fn kind(&self) -> &'static str {
        "sqlite"
    }
}

struct SqliteTx<'c> {
    tx: rusqlite::Transaction<'c>,
}

impl StoreTx for SqliteTx<'_> {
    fn reserve_seqs(&mut self, n: i64) -> StoreResult<i64> {
        let last: i64 = self
            .tx
            .prepare_cached("UPDATE meta SET value = value + ?1 WHERE key = 'seq' RETURNING value")
            .and_then(|mut s| s.query_row([n], |r| r.get(0)))
            .map_err(fail("reserve seq"))?;
        Ok(last - n + 1)
    }

    fn horizon_seq(&mut self) -> StoreResult<i64> {
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

    fn record_scopes(&mut self, collection: &str, id: &str) -> StoreResult<Vec<String>> {
        self.tx
            .prepare_cached(
                "SELECT scope FROM scope_log WHERE collection = ?1 AND id = ?2 AND removed = 0",
            )
            .and_then(|mut s| s.query_map([collection, id], |r| r.get(0))?.collect())
            .map_err(fail("read scopes"))
    }

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

    fn put_token(&mut self, hash: &str, t: &TokenRecord) -> StoreResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO tokens (hash, kind, device_id, person_id, family, expires_at, used_at, revoked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut s| {
                s.execute(params![hash, t.kind, t.device_id, t.person_id, t.family, t.expires_at, t.used_at, t.revoked_at])
            })
            .map_err(fail("write token"))?;
        Ok(())
    }

    fn token(&mut self, hash: &str) -> StoreResult<Option<TokenRecord>> {
        self.tx
            .prepare_cached(
                "SELECT kind, device_id, person_id, family, expires_at, used_at, revoked_at FROM tokens WHERE hash = ?1",
            )
            .and_then(|mut s| {
                s.query_row([hash], |r| {
                    Ok(TokenRecord {
                        kind: r.get(0)?,
                        device_id: r.get(1)?,
                        person_id: r.get(2)?,
                        family: r.get(3)?,
                        expires_at: r.get(4)?,
                        used_at: r.get(5)?,
                        revoked_at: r.get(6)?,
                    })
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
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO audit (at, person_id, device_id, action, collection, row_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(fail("write audit"))?;
        for e in entries {
            stmt.execute(params![
                e.at,
                e.person_id,
                e.device_id,
                e.action,
                e.collection,
                e.row_id
            ])
            .map_err(fail("write audit"))?;
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
