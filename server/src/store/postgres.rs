//! The PostgreSQL store: what a hospital or association deploys. Same tables and the same
//! answers as the SQLite store; what differs is concurrency. SQLite runs one writer at a time,
//! so every transaction there is serial. Here many transactions run at once under READ
//! COMMITTED, and the few places where the service reads, decides and writes are made safe
//! with explicit locks instead:
//!
//! - [`StoreTx::lock_record`] takes a transaction-scoped advisory lock on a hash of the row key,
//!   so two requests changing one row queue instead of overwriting each other's merge (under
//!   READ COMMITTED each statement sees what committed before it, so the second one reads the
//!   first one's result once it holds the lock);
//! - [`StoreTx::stamp_rows`] locks the scopes it writes into before drawing sequence numbers,
//!   and holds them to commit: in each scope, numbers become visible in the order they were
//!   handed out, while writers into different scopes never wait for each other (see
//!   `PgTx::reserve_seqs`);
//! - [`StoreTx::mutation_result`] locks the (device, mutation) key, so a retried push that
//!   races its first attempt waits for it and then reports `duplicate`, as on SQLite;
//! - a pull reads one snapshot (REPEATABLE READ), so the tombstone horizon it reads and the
//!   removals garbage collection forgets always agree;
//! - spending an enrolment code or a refresh token is one `UPDATE … WHERE used_at IS NULL`,
//!   atomic whatever runs beside it.
//!
//! Lock waits are bounded (`lock_timeout`), and deadlocks, serialization failures, lock and pool
//! timeouts all surface as [`StoreFailure::Busy`]: the client retries. Errors never carry data:
//! logs get the operation and the SQLSTATE code only.

use std::collections::HashMap;
use std::time::Duration;

use passerelle_core::sync::protocol::VoiceUpload;
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{NoTls, Row, SimpleQueryMessage, Statement};
use r2d2::{ManageConnection, Pool};
use r2d2_postgres::PostgresConnectionManager;
use sha2::{Digest, Sha256};

use super::{
    AuditEntry, MentorshipFacts, MutationRecord, MutationStart, RowStamp, ScopeEntry, ScopeWalk,
    ServerStore, StoreFailure, StoreResult, StoreTx, StoredRecord, TokenRecord, audit_action,
    cut_walks,
};

const SCHEMA: &str = include_str!("postgres_schema.sql");
/// The schema version this server writes, kept in `meta` under `schema_version`. 2: change
/// seqs from a sequence; 3: `tokens.parent`; 4: `voice_notes` (every step in
/// `postgres_schema.sql`).
const SCHEMA_VERSION: i64 = 4;

/// Connection and locking settings.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// Most connections the pool opens. Requests beyond it wait for one.
    pub pool_size: u32,
    /// How long a request waits for a pooled connection (or a new connection to open) before
    /// the server answers "busy".
    pub connect_timeout: Duration,
    /// How long a statement waits for a lock held by another transaction before the server
    /// answers "busy" (SQLite's `busy_timeout` counterpart).
    pub lock_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            pool_size: 16,
            connect_timeout: Duration::from_secs(10),
            lock_timeout: Duration::from_secs(10),
        }
    }
}

/// The PostgreSQL store.
pub struct PostgresStore {
    pool: Pool<Manager>,
}

/// A pooled connection with the statements it has prepared: each query is parsed and planned
/// once per connection, then costs one round trip.
struct PgConn {
    client: postgres::Client,
    statements: HashMap<&'static str, Statement>,
    /// A transaction could not be ended: the session's state is unknown, so it is not reused.
    broken: bool,
}

/// Opens connections (through r2d2_postgres) and sets the session up for the store.
struct Manager {
    inner: PostgresConnectionManager<NoTls>,
    session: String,
}

impl ManageConnection for Manager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConn, postgres::Error> {
        let mut client = self.inner.connect()?;
        client.batch_execute(&self.session)?;
        Ok(PgConn {
            client,
            statements: HashMap::new(),
            broken: false,
        })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), postgres::Error> {
        self.inner.is_valid(&mut conn.client)
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.broken || conn.client.is_closed()
    }
}

/// Whether an error means "try again later" rather than "this failed".
fn is_busy(e: &postgres::Error) -> bool {
    const RETRYABLE: [SqlState; 7] = [
        SqlState::T_R_SERIALIZATION_FAILURE,
        SqlState::T_R_DEADLOCK_DETECTED,
        SqlState::LOCK_NOT_AVAILABLE,
        SqlState::QUERY_CANCELED,
        SqlState::TOO_MANY_CONNECTIONS,
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
    ];
    // A connection the server closed (restart, failover) is also worth a retry: the pool
    // drops it and the next request gets a fresh one.
    e.is_closed() || e.code().is_some_and(|c| RETRYABLE.contains(c))
}

fn fail(op: &'static str) -> impl Fn(postgres::Error) -> StoreFailure {
    move |e| {
        // The SQLSTATE names the kind of failure; the message could quote data, so it stays out.
        let code = e.code().map(SqlState::code);
        if is_busy(&e) {
            tracing::debug!(op, code, "postgres busy");
            StoreFailure::Busy
        } else {
            tracing::warn!(op, code, "postgres error");
            StoreFailure::Database(op)
        }
    }
}

/// A 64-bit key for `pg_advisory_xact_lock`: the first 8 bytes of SHA-256 over the parts, each
/// terminated by a NUL so `("ab", "c")` and `("a", "bc")` differ. Stable across processes and
/// server versions, so every server sharing the database locks the same key for the same row.
fn lock_key(parts: &[&str]) -> i64 {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// A stored record from a row's columns (data, seq).
fn stored_record(r: &Row) -> Result<StoredRecord, postgres::Error> {
    Ok(StoredRecord {
        data: r.try_get(0)?,
        seq: r.try_get(1)?,
    })
}

/// A token from a row's columns (kind, device_id, person_id, family, expires_at, used_at,
/// revoked_at, parent).
fn token_record(r: &Row) -> Result<TokenRecord, postgres::Error> {
    Ok(TokenRecord {
        kind: r.try_get(0)?,
        device_id: r.try_get(1)?,
        person_id: r.try_get(2)?,
        family: r.try_get(3)?,
        expires_at: r.try_get(4)?,
        used_at: r.try_get(5)?,
        revoked_at: r.try_get(6)?,
        parent: r.try_get(7)?,
    })
}

/// Mentorship facts from a row's columns (id, data, seq, consented, sharing).
fn mentorship_facts(r: &Row) -> Result<MentorshipFacts, postgres::Error> {
    Ok(MentorshipFacts {
        id: r.try_get(0)?,
        record: StoredRecord {
            data: r.try_get(1)?,
            seq: r.try_get(2)?,
        },
        consented: r.try_get(3)?,
        sharing: r.try_get(4)?,
    })
}

/// A mentorship with its survivor's consents, the survivor as the relations index names it
/// (the columns [`mentorship_facts`] reads); the callers add which mentorships.
macro_rules! mentorship_facts_sql {
    () => {
        "SELECT m.id, m.data, m.seq,
                EXISTS (SELECT 1 FROM relations p
                        WHERE p.kind = 'programme_consent' AND p.subject = s.object),
                ARRAY(SELECT c.object FROM relations c
                      WHERE c.kind = 'share_consent' AND c.subject = s.object ORDER BY c.object)
         FROM records m
         LEFT JOIN LATERAL (SELECT object FROM relations
                            WHERE kind = 'survivor' AND subject = m.id
                            ORDER BY object LIMIT 1) s ON true"
    };
}

/// A scope-log entry from a row's columns (seq, collection, id, data) starting at `at`.
fn scope_entry(r: &Row, at: usize) -> Result<ScopeEntry, postgres::Error> {
    Ok(ScopeEntry {
        seq: r.try_get(at)?,
        collection: r.try_get(at + 1)?,
        id: r.try_get(at + 2)?,
        data: r.try_get(at + 3)?,
    })
}

/// The lock a mutation's first attempt holds until it ends.
fn mutation_lock_key(device_id: &str, mutation_id: i64) -> i64 {
    lock_key(&["mutation", device_id, &mutation_id.to_string()])
}

/// The one key garbage collection holds exclusively and writers hold shared.
fn horizon_key() -> i64 {
    lock_key(&["passerelle", "horizon"])
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`) with default options, creating the
    /// tables if needed.
    pub fn open(url: &str) -> StoreResult<Self> {
        Self::open_with(url, &PostgresOptions::default())
    }

    /// Connects to `url` with `options`, creating the tables if needed. Refuses a database
    /// written by a newer server.
    pub fn open_with(url: &str, options: &PostgresOptions) -> StoreResult<Self> {
        let config: postgres::Config = url
            .parse()
            .map_err(|_| StoreFailure::Database("open: the PostgreSQL URL is not valid"))?;
        let lock_ms = options.lock_timeout.as_millis();
        let manager = Manager {
            inner: PostgresConnectionManager::new(config, NoTls),
            // Lock waits are bounded like SQLite's busy timeout; a statement that runs longer
            // than any request should is cut off rather than holding its locks forever. Notices
            // ("table already exists, skipping" at every start) stay out of the logs.
            session: format!(
                "SET lock_timeout = {lock_ms}; SET statement_timeout = {}; \
                 SET idle_in_transaction_session_timeout = {}; SET client_min_messages = warning;",
                lock_ms * 3,
                lock_ms * 3
            ),
        };
        let pool = Pool::builder()
            .max_size(options.pool_size.max(1))
            .min_idle(Some(1))
            // A broken connection shows itself on first use (and is then dropped); checking
            // each one out with a ping would add a round trip to every request.
            .test_on_check_out(false)
            .connection_timeout(options.connect_timeout)
            .build(manager)
            .map_err(|e| {
                // Connection failures name the server and the reason (refused, auth), no data.
                tracing::error!(error = %e, "cannot connect to PostgreSQL");
                StoreFailure::Database("open: cannot connect to PostgreSQL")
            })?;
        let store = Self { pool };
        store.create_schema()?;
        Ok(store)
    }

    fn create_schema(&self) -> StoreResult<()> {
        let mut conn = self.pool.get().map_err(|_| StoreFailure::Busy)?;
        let mut tx = conn.client.transaction().map_err(fail("open"))?;
        // Two servers starting at once would race on CREATE TABLE IF NOT EXISTS; one waits.
        tx.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&lock_key(&["passerelle", "schema"])],
        )
        .map_err(fail("open"))?;
        let exists = tx
            .query_one("SELECT to_regclass('meta') IS NOT NULL", &[])
            .and_then(|r| r.try_get::<_, bool>(0))
            .map_err(fail("open"))?;
        if exists {
            let version: Option<i64> = tx
                .query_opt("SELECT value FROM meta WHERE key = 'schema_version'", &[])
                .and_then(|r| r.map(|r| r.try_get(0)).transpose())
                .map_err(fail("open"))?;
            if version.unwrap_or(0) > SCHEMA_VERSION {
                return Err(StoreFailure::Database(
                    "open: the database is from a newer server",
                ));
            }
        }
        tx.batch_execute(SCHEMA).map_err(fail("create schema"))?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&SCHEMA_VERSION],
        )
        .map_err(fail("open"))?;
        tx.commit().map_err(fail("open"))
    }
}

impl ServerStore for PostgresStore {
    fn transaction<R, E: From<StoreFailure>>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E>,
    ) -> Result<R, E> {
        // Every pooled connection busy for the whole timeout: the server is overloaded.
        let mut conn = self.pool.get().map_err(|_| StoreFailure::Busy)?;
        let mut stx = conn.tx();
        // On error (or panic) `stx` is dropped, which rolls back what was begun.
        let out = f(&mut stx)?;
        stx.commit()?;
        Ok(out)
    }

    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn audit_trail_of(&self, row_ids: &[String]) -> StoreResult<Vec<AuditEntry>> {
        let mut conn = self.pool.get().map_err(|_| StoreFailure::Busy)?;
        // Never begun: the scan runs on its own, in no transaction.
        conn.tx()
            .query(
                "SELECT at, person_id, device_id, action, collection, row_id FROM audit
             WHERE row_id = ANY($1) ORDER BY id",
                &[&row_ids],
                "read audit",
            )?
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get(0)?,
                    person_id: r.try_get(1)?,
                    device_id: r.try_get(2)?,
                    action: audit_action(r.try_get(3)?),
                    collection: r.try_get(4)?,
                    row_id: r.try_get(5)?,
                })
            })
            .collect::<Result<_, postgres::Error>>()
            .map_err(fail("read audit"))
    }
}

/// One transaction, begun lazily. Under READ COMMITTED every statement reads what was
/// committed when it started, inside a transaction or not, and plain reads take no locks: so
/// reads before the first write or lock run on their own, and `BEGIN` is sent with the first
/// write or lock. A request that only reads (authenticating a token: two lookups) then costs
/// two round trips instead of four.
struct PgTx<'c> {
    client: &'c mut postgres::Client,
    statements: &'c mut HashMap<&'static str, Statement>,
    broken: &'c mut bool,
    begun: bool,
}

impl PgConn {
    /// A transaction on this connection, begun at its first write or lock.
    fn tx(&mut self) -> PgTx<'_> {
        PgTx {
            client: &mut self.client,
            statements: &mut self.statements,
            broken: &mut self.broken,
            begun: false,
        }
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.begun && self.client.batch_execute("ROLLBACK").is_err() {
            *self.broken = true;
        }
    }
}

type Params<'p> = [&'p (dyn ToSql + Sync)];

impl PgTx<'_> {
    fn begin(&mut self) -> StoreResult<()> {
        if !self.begun {
            self.client.batch_execute("BEGIN").map_err(fail("begin"))?;
            self.begun = true;
        }
        Ok(())
    }

    fn commit(mut self) -> StoreResult<()> {
        if self.begun {
            // Whatever the outcome, the transaction is over (a failed COMMIT rolls back).
            self.begun = false;
            self.client
                .batch_execute("COMMIT")
                .map_err(fail("commit"))?;
        }
        Ok(())
    }

    fn statement(&mut self, sql: &'static str, op: &'static str) -> StoreResult<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(fail(op))?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    /// A write or a lock, inside the transaction.
    fn execute(
        &mut self,
        sql: &'static str,
        params: &Params<'_>,
        op: &'static str,
    ) -> StoreResult<u64> {
        self.begin()?;
        let stmt = self.statement(sql, op)?;
        self.client.execute(&stmt, params).map_err(fail(op))
    }

    /// A write returning at most one row, inside the transaction.
    fn write_opt(
        &mut self,
        sql: &'static str,
        params: &Params<'_>,
        op: &'static str,
    ) -> StoreResult<Option<Row>> {
        self.begin()?;
        self.query_opt(sql, params, op)
    }

    /// A read: inside the transaction once it has begun, on its own before.
    fn query(
        &mut self,
        sql: &'static str,
        params: &Params<'_>,
        op: &'static str,
    ) -> StoreResult<Vec<Row>> {
        let stmt = self.statement(sql, op)?;
        self.client.query(&stmt, params).map_err(fail(op))
    }

    /// A read of at most one row (see [`Self::query`]).
    fn query_opt(
        &mut self,
        sql: &'static str,
        params: &Params<'_>,
        op: &'static str,
    ) -> StoreResult<Option<Row>> {
        let stmt = self.statement(sql, op)?;
        self.client.query_opt(&stmt, params).map_err(fail(op))
    }

    /// One text column of every row.
    fn strings(
        &mut self,
        sql: &'static str,
        params: &Params<'_>,
        op: &'static str,
    ) -> StoreResult<Vec<String>> {
        self.query(sql, params, op)?
            .iter()
            .map(|r| r.try_get(0).map_err(fail(op)))
            .collect()
    }

    fn advisory_lock(&mut self, key: i64, op: &'static str) -> StoreResult<()> {
        if self.begun {
            self.execute("SELECT pg_advisory_xact_lock($1)", &[&key], op)?;
        } else {
            // A push's first write is a lock: sent with its `BEGIN`, one round trip instead
            // of two (the simple query protocol takes no parameters; the key is a number).
            self.begun = true;
            self.client
                .batch_execute(&format!("BEGIN; SELECT pg_advisory_xact_lock({key})"))
                .map_err(fail(op))?;
        }
        Ok(())
    }

    /// One seq per row, increasing in row order, from the `change_seq` sequence — after
    /// locking, until this transaction ends, every scope the rows are stamped into (and the
    /// horizon, shared). A puller must never see seq N+1 committed in a scope while N is still
    /// pending there: it would move its cursor past N and miss it for good. A second writer
    /// into one of these scopes therefore waits for our commit before it draws its numbers,
    /// and commits after us; writers into other scopes (another mentorship's) go on
    /// beside us. Locks are taken in key order, so two writers cannot deadlock on them, and
    /// last, after every record lock. Garbage collection takes the horizon exclusively: it
    /// waits for writers in flight, so it never forgets a removal whose seq is above one
    /// still pending (the horizon would pass it and a pull would jump over it).
    fn reserve_seqs(&mut self, rows: &[RowStamp]) -> StoreResult<Vec<i64>> {
        let mut keys: Vec<i64> = rows
            .iter()
            .flat_map(|r| &r.scopes)
            .map(|(scope, _)| lock_key(&["scope", scope]))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let n = i32::try_from(rows.len()).map_err(|_| StoreFailure::Database("reserve seq"))?;
        self.begin()?;
        // One round trip: the locks are a one-time filter PostgreSQL evaluates before it
        // draws the first number, in order (the horizon, then the scopes by key).
        let mut seqs = self
            .query(
                "SELECT nextval('change_seq') FROM generate_series(1, $3::int)
                 WHERE (SELECT count(*) FROM (
                     SELECT pg_advisory_xact_lock_shared($1)
                     UNION ALL
                     SELECT pg_advisory_xact_lock(k) FROM unnest($2::bigint[]) AS k
                 ) AS locks) > 0",
                &[&horizon_key(), &keys, &n],
                "reserve seq",
            )?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<Vec<i64>, _>>()
            .map_err(fail("reserve seq"))?;
        if seqs.len() != rows.len() {
            return Err(StoreFailure::Database("reserve seq"));
        }
        seqs.sort_unstable();
        Ok(seqs)
    }
}

impl StoreTx for PgTx<'_> {
    fn begin_pull(&mut self) -> StoreResult<i64> {
        // Too late once begun: the reads so far already took their own snapshots.
        if self.begun {
            return Err(StoreFailure::Database("pull begun after the first write"));
        }
        self.begun = true;
        // One round trip for both: the simple query protocol takes several statements (none
        // with parameters). Garbage collection deletes removals and moves the horizon in one
        // transaction, so in one snapshot the two always agree: no lock needed.
        let answer = self
            .client
            .simple_query(
                "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT value FROM meta WHERE key = 'horizon'",
            )
            .map_err(fail("horizon"))?;
        answer
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(row) => row.get(0).and_then(|v| v.parse().ok()),
                _ => None,
            })
            .ok_or(StoreFailure::Database("horizon"))
    }

    fn lock_record(&mut self, collection: &str, id: &str) -> StoreResult<()> {
        // Held until commit or rollback. The following read is a new statement, so under READ
        // COMMITTED it sees whatever the previous holder committed.
        self.advisory_lock(lock_key(&["record", collection, id]), "lock record")
    }

    fn record(&mut self, collection: &str, id: &str) -> StoreResult<Option<StoredRecord>> {
        self.query_opt(
            "SELECT data, seq FROM records WHERE collection = $1 AND id = $2",
            &[&collection, &id],
            "read record",
        )?
        .map(|r| stored_record(&r))
        .transpose()
        .map_err(fail("read record"))
    }

    fn locked_record(&mut self, collection: &str, id: &str) -> StoreResult<Option<StoredRecord>> {
        // The same lock as `lock_record`, and the read after it, in one round trip.
        let key = lock_key(&["record", collection, id]);
        self.begin()?;
        self.query_opt(
            "SELECT data, seq FROM passerelle_locked_record($1, $2, $3)",
            &[&key, &collection, &id],
            "read record",
        )?
        .map(|r| stored_record(&r))
        .transpose()
        .map_err(fail("read record"))
    }

    fn put_record(&mut self, collection: &str, id: &str, data: &str, seq: i64) -> StoreResult<()> {
        self.execute(
            "INSERT INTO records (collection, id, data, seq) VALUES ($1, $2, $3, $4)
             ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data, seq = excluded.seq",
            &[&collection, &id, &data, &seq],
            "write record",
        )?;
        Ok(())
    }

    fn delete_record(&mut self, collection: &str, id: &str) -> StoreResult<()> {
        self.execute(
            "DELETE FROM records WHERE collection = $1 AND id = $2",
            &[&collection, &id],
            "delete record",
        )?;
        Ok(())
    }

    fn stamp_rows(&mut self, rows: &[RowStamp], at: i64) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let seqs = self.reserve_seqs(rows)?;
        // Column arrays for `unnest`: records (collection, id, seq), then scope entries.
        let (mut collections, mut ids) = (Vec::new(), Vec::new());
        let mut entry_scopes: Vec<&str> = Vec::new();
        let (mut entry_collections, mut entry_ids) = (Vec::new(), Vec::new());
        let (mut entry_seqs, mut entry_removed) = (Vec::new(), Vec::new());
        for (&seq, row) in seqs.iter().zip(rows) {
            collections.push(row.collection.as_str());
            ids.push(row.id.as_str());
            for (scope, removed) in &row.scopes {
                entry_scopes.push(scope);
                entry_collections.push(row.collection.as_str());
                entry_ids.push(row.id.as_str());
                entry_seqs.push(seq);
                entry_removed.push(*removed);
            }
        }
        // One statement for both tables: each statement is a round trip to another process,
        // and the scopes stay locked until the commit that follows.
        self.execute(
            "WITH stamped AS (
                 UPDATE records SET seq = v.seq
                 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v (collection, id, seq)
                 WHERE records.collection = v.collection AND records.id = v.id
             )
             INSERT INTO scope_log (scope, collection, id, seq, removed, changed_at)
             SELECT v.scope, v.collection, v.id, v.seq, v.removed, $9
             FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::bool[])
                 AS v (scope, collection, id, seq, removed)
             ON CONFLICT (scope, collection, id)
             DO UPDATE SET seq = excluded.seq, removed = excluded.removed, changed_at = excluded.changed_at",
            &[
                &collections,
                &ids,
                &seqs,
                &entry_scopes,
                &entry_collections,
                &entry_ids,
                &entry_seqs,
                &entry_removed,
                &at,
            ],
            "stamp rows",
        )?;
        Ok(())
    }

    fn record_scopes(&mut self, collection: &str, id: &str) -> StoreResult<Vec<String>> {
        self.strings(
            "SELECT scope FROM scope_log WHERE collection = $1 AND id = $2 AND NOT removed",
            &[&collection, &id],
            "read scopes",
        )
    }

    fn scope_entries(
        &mut self,
        scope: &str,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ScopeEntry>> {
        self.query(
            "SELECT l.seq, l.collection, l.id, CASE WHEN NOT l.removed THEN r.data END
             FROM scope_log l LEFT JOIN records r ON r.collection = l.collection AND r.id = l.id
             WHERE l.scope = $1 AND l.seq > $2 ORDER BY l.seq LIMIT $3",
            &[&scope, &after, &i64::from(limit)],
            "read scope log",
        )?
        .iter()
        .map(|r| scope_entry(r, 0))
        .collect::<Result<_, postgres::Error>>()
        .map_err(fail("read scope log"))
    }

    fn walk_scopes(&mut self, walks: &[(&str, i64)], limit: u32) -> StoreResult<Vec<ScopeWalk>> {
        let scopes: Vec<&str> = walks.iter().map(|w| w.0).collect();
        let afters: Vec<i64> = walks.iter().map(|w| w.1).collect();
        // One round trip for every scope. Each scope is read as far as a page could reach
        // into it (`limit` + 1 entries, the one more telling whether it holds more), then cut
        // to what the page keeps before the rows are joined: rows up to `limit` + 1 in page
        // order, and each scope's first (which says whether a scope after a full page holds
        // more). `cut_walks` then keeps exactly what one query per scope would have.
        let rows = self.query(
            "WITH walked AS (
                 SELECT w.ord, l.seq, l.collection, l.id, l.removed,
                        row_number() OVER (ORDER BY w.ord, l.seq) AS n,
                        row_number() OVER (PARTITION BY w.ord ORDER BY l.seq) AS k
                 FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS w (scope, after, ord)
                 CROSS JOIN LATERAL (
                     SELECT seq, collection, id, removed FROM scope_log
                     WHERE scope = w.scope AND seq > w.after ORDER BY seq LIMIT $3
                 ) AS l
             )
             SELECT w.ord, w.seq, w.collection, w.id, CASE WHEN NOT w.removed THEN r.data END
             FROM walked w LEFT JOIN records r ON r.collection = w.collection AND r.id = w.id
             WHERE w.n <= $3 OR w.k = 1
             ORDER BY w.ord, w.seq",
            &[&scopes, &afters, &(i64::from(limit) + 1)],
            "read scope log",
        )?;
        let mut fetched: Vec<Vec<ScopeEntry>> = vec![Vec::new(); walks.len()];
        for r in &rows {
            let ord: i64 = r.try_get(0).map_err(fail("read scope log"))?;
            let entry = scope_entry(r, 1).map_err(fail("read scope log"))?;
            let slot = usize::try_from(ord - 1)
                .ok()
                .and_then(|i| fetched.get_mut(i))
                .ok_or(StoreFailure::Database("read scope log"))?;
            slot.push(entry);
        }
        Ok(cut_walks(fetched, limit))
    }

    fn add_relation(&mut self, kind: &str, subject: &str, object: &str) -> StoreResult<()> {
        self.execute(
            "INSERT INTO relations (kind, subject, object) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&kind, &subject, &object],
            "write relation",
        )?;
        Ok(())
    }

    fn remove_relation(&mut self, kind: &str, subject: &str, object: &str) -> StoreResult<()> {
        self.execute(
            "DELETE FROM relations WHERE kind = $1 AND subject = $2 AND object = $3",
            &[&kind, &subject, &object],
            "write relation",
        )?;
        Ok(())
    }

    fn objects(&mut self, kind: &str, subject: &str) -> StoreResult<Vec<String>> {
        self.strings(
            "SELECT object FROM relations WHERE kind = $1 AND subject = $2 ORDER BY object",
            &[&kind, &subject],
            "read relations",
        )
    }

    fn subjects(&mut self, kind: &str, object: &str) -> StoreResult<Vec<String>> {
        self.strings(
            "SELECT subject FROM relations WHERE kind = $1 AND object = $2 ORDER BY subject",
            &[&kind, &object],
            "read relations",
        )
    }

    fn mentorship_facts(&mut self, id: &str) -> StoreResult<Option<MentorshipFacts>> {
        self.query_opt(
            concat!(
                mentorship_facts_sql!(),
                " WHERE m.collection = 'mentorship' AND m.id = $1"
            ),
            &[&id],
            "read mentorship",
        )?
        .map(|r| mentorship_facts(&r))
        .transpose()
        .map_err(fail("read mentorship"))
    }

    fn mentorships_of(&mut self, kind: &str, person: &str) -> StoreResult<Vec<MentorshipFacts>> {
        self.query(
            concat!(
                mentorship_facts_sql!(),
                " JOIN relations r ON r.kind = $1 AND r.object = $2 AND r.subject = m.id
                  WHERE m.collection = 'mentorship' ORDER BY m.id"
            ),
            &[&kind, &person],
            "read mentorships",
        )?
        .iter()
        .map(mentorship_facts)
        .collect::<Result<_, _>>()
        .map_err(fail("read mentorships"))
    }

    fn put_enrolment_code(
        &mut self,
        hash: &str,
        person_id: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        self.execute(
            "INSERT INTO enrolment_codes (hash, person_id, expires_at) VALUES ($1, $2, $3)",
            &[&hash, &person_id, &expires_at],
            "write enrolment code",
        )?;
        Ok(())
    }

    fn take_enrolment_code(&mut self, hash: &str, now: i64) -> StoreResult<Option<String>> {
        // One statement: a concurrent spender waits on the row lock, then re-checks
        // `used_at IS NULL` against the committed row and finds it spent.
        self.write_opt(
            "UPDATE enrolment_codes SET used_at = $2
             WHERE hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING person_id",
            &[&hash, &now],
            "spend enrolment code",
        )?
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(fail("spend enrolment code"))
    }

    fn put_device(&mut self, device_id: &str, person_id: &str, now: i64) -> StoreResult<()> {
        self.execute(
            "INSERT INTO devices (id, person_id, registered_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET person_id = excluded.person_id, registered_at = excluded.registered_at",
            &[&device_id, &person_id, &now],
            "write device",
        )?;
        Ok(())
    }

    fn put_voice_note(&mut self, note: &VoiceUpload, now: i64) -> StoreResult<bool> {
        let duration = i32::try_from(note.duration_ms).unwrap_or(i32::MAX);
        let added = self.execute(
            "INSERT INTO voice_notes (message_id, media_type, duration_ms, audio, stored_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING",
            &[
                &note.message_id,
                &note.media_type,
                &duration,
                &note.audio,
                &now,
            ],
            "write voice note",
        )?;
        Ok(added == 1)
    }

    fn voice_note(&mut self, message_id: &str) -> StoreResult<Option<VoiceUpload>> {
        self.query_opt(
            "SELECT media_type, duration_ms, audio FROM voice_notes WHERE message_id = $1",
            &[&message_id],
            "read voice note",
        )?
        .map(|r| {
            Ok(VoiceUpload {
                message_id: message_id.to_owned(),
                media_type: r.try_get(0)?,
                duration_ms: u32::try_from(r.try_get::<_, i32>(1)?).unwrap_or_default(),
                audio: r.try_get(2)?,
            })
        })
        .transpose()
        .map_err(fail("read voice note"))
    }

    fn delete_voice_note(&mut self, message_id: &str) -> StoreResult<()> {
        self.execute(
            "DELETE FROM voice_notes WHERE message_id = $1",
            &[&message_id],
            "delete voice note",
        )?;
        Ok(())
    }

    fn put_token(&mut self, hash: &str, t: &TokenRecord) -> StoreResult<()> {
        self.execute(
            "INSERT INTO tokens (hash, kind, device_id, person_id, family, expires_at, used_at, revoked_at, parent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &hash,
                &t.kind,
                &t.device_id,
                &t.person_id,
                &t.family,
                &t.expires_at,
                &t.used_at,
                &t.revoked_at,
                &t.parent,
            ],
            "write token",
        )?;
        Ok(())
    }

    fn token(&mut self, hash: &str) -> StoreResult<Option<TokenRecord>> {
        self.query_opt(
            "SELECT kind, device_id, person_id, family, expires_at, used_at, revoked_at, parent
             FROM tokens WHERE hash = $1",
            &[&hash],
            "read token",
        )?
        .map(|r| token_record(&r))
        .transpose()
        .map_err(fail("read token"))
    }

    fn token_holder(&mut self, hash: &str) -> StoreResult<Option<(TokenRecord, StoredRecord)>> {
        self.query_opt(
            "SELECT t.kind, t.device_id, t.person_id, t.family, t.expires_at, t.used_at,
                    t.revoked_at, t.parent, p.data, p.seq
             FROM tokens t JOIN records p ON p.collection = 'person' AND p.id = t.person_id
             WHERE t.hash = $1",
            &[&hash],
            "read token",
        )?
        .map(|r| {
            let person = StoredRecord {
                data: r.try_get(8)?,
                seq: r.try_get(9)?,
            };
            Ok((token_record(&r)?, person))
        })
        .transpose()
        .map_err(fail("read token"))
    }

    fn mark_token_used(&mut self, hash: &str, now: i64) -> StoreResult<bool> {
        // Checked and set in one statement (see take_enrolment_code): of two concurrent
        // refreshes with one token, exactly one gets `true`.
        let n = self.execute(
            "UPDATE tokens SET used_at = $2 WHERE hash = $1 AND used_at IS NULL",
            &[&hash, &now],
            "write token",
        )?;
        Ok(n == 1)
    }

    fn revoke_family(&mut self, family: &str, now: i64) -> StoreResult<()> {
        self.execute(
            "UPDATE tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL",
            &[&family, &now],
            "revoke tokens",
        )?;
        Ok(())
    }

    fn revoke_issued_from(&mut self, family: &str, parent: &str, now: i64) -> StoreResult<bool> {
        self.begin()?;
        let spent = self.query(
            "UPDATE tokens SET revoked_at = $3
             WHERE family = $1 AND parent = $2 AND revoked_at IS NULL
             RETURNING kind = 'refresh' AND used_at IS NOT NULL",
            &[&family, &parent, &now],
            "revoke tokens",
        )?;
        spent
            .iter()
            .map(|r| r.try_get::<_, bool>(0))
            .collect::<Result<Vec<bool>, _>>()
            .map(|spent| spent.contains(&true))
            .map_err(fail("revoke tokens"))
    }

    fn mutation_result(
        &mut self,
        device_id: &str,
        mutation_id: i64,
    ) -> StoreResult<Option<String>> {
        // A retry racing its first attempt waits here until that attempt ends, then reads its
        // stored result (a new statement sees the commit) and answers `duplicate`, exactly as
        // SQLite's single writer would.
        // Lock and read in one round trip (see the function in postgres_schema.sql).
        let key = mutation_lock_key(device_id, mutation_id);
        self.begin()?;
        self.query_opt(
            "SELECT result FROM passerelle_locked_mutation($1, $2, $3)",
            &[&key, &device_id, &mutation_id],
            "read mutation",
        )?
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(fail("read mutation"))
    }

    fn start_mutation(
        &mut self,
        device_id: &str,
        mutation_id: i64,
        collection: &str,
        id: &str,
    ) -> StoreResult<MutationStart> {
        let mutation_key = mutation_lock_key(device_id, mutation_id);
        let record_key = lock_key(&["record", collection, id]);
        self.begin()?;
        let Some(row) = self.query_opt(
            "SELECT result, data, seq FROM passerelle_start_mutation($1, $2, $3, $4, $5, $6)",
            &[
                &mutation_key,
                &device_id,
                &mutation_id,
                &record_key,
                &collection,
                &id,
            ],
            "read mutation",
        )?
        else {
            return Ok(MutationStart::Fresh(None));
        };
        let read = || -> Result<MutationStart, postgres::Error> {
            Ok(match row.try_get::<_, Option<String>>(0)? {
                Some(result) => MutationStart::Seen(result),
                None => MutationStart::Fresh(Some(StoredRecord {
                    data: row.try_get(1)?,
                    seq: row.try_get(2)?,
                })),
            })
        };
        read().map_err(fail("read mutation"))
    }

    fn put_mutation_result(
        &mut self,
        device_id: &str,
        mutation_id: i64,
        result: &str,
        now: i64,
    ) -> StoreResult<()> {
        self.execute(
            "INSERT INTO mutations (device_id, mutation_id, result, at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (device_id, mutation_id) DO UPDATE SET result = excluded.result, at = excluded.at",
            &[&device_id, &mutation_id, &result, &now],
            "write mutation",
        )?;
        Ok(())
    }

    fn audit(&mut self, entries: &[AuditEntry]) -> StoreResult<()> {
        self.keep_records(entries, &[])
    }

    fn keep_records(
        &mut self,
        audit: &[AuditEntry],
        results: &[MutationRecord],
    ) -> StoreResult<()> {
        if audit.is_empty() && results.is_empty() {
            return Ok(());
        }
        // One statement for the whole batch: a pull can audit hundreds of reads, and a round
        // trip per line would dominate it.
        let at: Vec<i64> = audit.iter().map(|e| e.at).collect();
        let person: Vec<&str> = audit.iter().map(|e| e.person_id.as_str()).collect();
        let device: Vec<&str> = audit.iter().map(|e| e.device_id.as_str()).collect();
        let action: Vec<&str> = audit.iter().map(|e| e.action).collect();
        let collection: Vec<&str> = audit.iter().map(|e| e.collection.as_str()).collect();
        let row: Vec<&str> = audit.iter().map(|e| e.row_id.as_str()).collect();
        let m_device: Vec<&str> = results.iter().map(|r| r.device_id.as_str()).collect();
        let m_id: Vec<i64> = results.iter().map(|r| r.mutation_id).collect();
        let m_result: Vec<&str> = results.iter().map(|r| r.result.as_str()).collect();
        let m_at: Vec<i64> = results.iter().map(|r| r.at).collect();
        self.execute(
            "WITH audited AS (
                 INSERT INTO audit (at, person_id, device_id, action, collection, row_id)
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],
                                      $5::text[], $6::text[]))
             INSERT INTO mutations (device_id, mutation_id, result, at)
             SELECT * FROM unnest($7::text[], $8::bigint[], $9::text[], $10::bigint[])
             ON CONFLICT (device_id, mutation_id)
             DO UPDATE SET result = excluded.result, at = excluded.at",
            &[
                &at,
                &person,
                &device,
                &action,
                &collection,
                &row,
                &m_device,
                &m_id,
                &m_result,
                &m_at,
            ],
            "write audit",
        )?;
        Ok(())
    }

    fn audit_count(&mut self, collection: &str, row_id: &str, action: &str) -> StoreResult<i64> {
        let row = self
            .query_opt(
                "SELECT count(*) FROM audit WHERE collection = $1 AND row_id = $2 AND action = $3",
                &[&collection, &row_id, &action],
                "read audit",
            )?
            .ok_or(StoreFailure::Database("read audit"))?;
        row.try_get(0).map_err(fail("read audit"))
    }

    fn revoke_person(&mut self, person_id: &str, now: i64) -> StoreResult<()> {
        self.execute(
            "WITH codes AS (
                 UPDATE enrolment_codes SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL
             )
             UPDATE tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL",
            &[&person_id, &now],
            "revoke tokens",
        )?;
        Ok(())
    }

    fn collect_garbage(&mut self, removed_before: i64) -> StoreResult<()> {
        // Waits for writers in flight and holds new ones off until commit (see reserve_seqs).
        self.advisory_lock(horizon_key(), "gc")?;
        let newest: Option<i64> = self
            .write_opt(
                "WITH gone AS (DELETE FROM scope_log WHERE removed AND changed_at < $1 RETURNING seq)
                 SELECT max(seq) FROM gone",
                &[&removed_before],
                "gc",
            )?
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(fail("gc"))?
            .flatten();
        if let Some(seq) = newest {
            self.execute(
                "UPDATE meta SET value = greatest(value, $1) WHERE key = 'horizon'",
                &[&seq],
                "gc",
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_stable_and_unambiguous() {
        assert_eq!(
            lock_key(&["record", "checkin", "a"]),
            lock_key(&["record", "checkin", "a"])
        );
        assert_ne!(
            lock_key(&["record", "ab", "c"]),
            lock_key(&["record", "a", "bc"])
        );
        assert_ne!(
            lock_key(&["record", "x", "1"]),
            lock_key(&["mutation", "x", "1"])
        );
        // Pinned: servers of different versions sharing one database must agree on keys.
        assert_eq!(horizon_key(), 6_474_713_775_978_543_174);
        assert_eq!(
            lock_key(&["record", "checkin", "a"]),
            -8_088_486_979_737_772_099
        );
    }
}
