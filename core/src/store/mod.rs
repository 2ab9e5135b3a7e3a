//! The encrypted SQLite store: one writer connection, a small pool of readers, migrations at
//! open, an interrupt for shutdown, re-keying, and the device's identity and clock.
//!
//! Every local change goes through [`Store::write`], which runs one `IMMEDIATE` transaction and
//! hands the domain code a [`Tx`] with the time, a fresh hybrid-logical-clock stamp per change,
//! and the outbox writer — so a record and its outbox entry always commit together.

mod connection;
pub mod key;
mod migrate;
pub mod rows;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use rusqlite::{Connection, InterruptHandle, OptionalExtension, TransactionBehavior};

pub(crate) use connection::open as open_connection;
pub use connection::{Durability, open_file, pin_query_plans};
pub use key::Key;
pub use migrate::{MIGRATIONS, Migration, SCHEMA_VERSION, schema_version};

use crate::clock::Hlc;
use crate::error::{Result, StoreError};
use crate::time::{Clock, Millis};
use crate::validate::new_id;

/// How to open a store.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// Where "now" comes from.
    pub clock: Clock,
    /// Commit durability; [`Durability::Full`] unless the caller knows better.
    pub durability: Durability,
    /// Open without writing anything (a read-only medium, an inspection tool).
    pub read_only: bool,
    /// A ceiling on the file's size. A write that would pass it fails with
    /// [`StoreError::DiskFull`] and changes nothing, exactly as a full disk does.
    pub max_size_bytes: Option<u64>,
}

/// Upper bound on idle reader connections kept open.
const MAX_IDLE_READERS: usize = 4;

/// An open Passerelle database.
pub struct Store {
    path: PathBuf,
    options: StoreOptions,
    /// Replaced only when the phone is wiped ([`Store::wipe_personal_data`]), under the writer.
    device_id: RwLock<Arc<str>>,
    /// Held by a sync, an enrolment and a wipe for their whole run, so a wipe never meets a
    /// sync halfway (whose later batches would write the old account's rows back).
    sync_gate: Mutex<()>,
    /// The key, behind a gate: reads and writes hold it shared, re-keying holds it alone.
    gate: RwLock<Key>,
    writer: Mutex<Writer>,
    readers: Mutex<Vec<Connection>>,
    interrupts: Mutex<Vec<InterruptHandle>>,
    listener: RwLock<Option<Arc<dyn ChangeListener>>>,
    /// Whether a sync fetches the sounds of voice notes that arrived without them
    /// (`sync::voice`); the app turns it off on a metered connection.
    pub(crate) voice_notes_in_sync: std::sync::atomic::AtomicBool,
}

struct Writer {
    conn: Connection,
    hlc: Hlc,
    /// Foreign keys are off for a pulled batch; if a panic cut that batch short, the next write
    /// sees this and turns them back on.
    foreign_keys_off: bool,
}

/// A write transaction as the domain code sees it.
pub(crate) struct Tx<'a> {
    pub(crate) conn: rusqlite::Transaction<'a>,
    pub(crate) now: Millis,
    pub(crate) device_id: &'a str,
    /// Set by a wipe: this installation's new id, in force once the transaction commits.
    pub(crate) new_device_id: Option<Arc<str>>,
    hlc: &'a mut Hlc,
    /// Collections written, told to the change listener after commit.
    pub(crate) touched: BTreeSet<&'static str>,
}

impl Tx<'_> {
    /// A new stamp for one change, later than every stamp this device has seen.
    pub(crate) fn stamp(&mut self) -> Hlc {
        *self.hlc = self.hlc.tick(self.now);
        *self.hlc
    }

    /// Takes in a stamp seen from elsewhere (the server), so later local stamps follow it.
    pub(crate) fn observe(&mut self, remote: Hlc) {
        *self.hlc = self.hlc.receive(remote, self.now);
    }
}

/// Told which collections changed after each local write and each sync, so screens refresh.
pub trait ChangeListener: Send + Sync {
    /// `collections` are table names such as `checkin` or `message`.
    fn on_change(&self, collections: Vec<String>);
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a connection rolled its transaction back on unwind; the connection
    // itself is still sound, so a poisoned lock is taken over rather than propagated.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Store {
    /// Opens (creating if needed) the database at `path` with `key`, migrating it to
    /// [`SCHEMA_VERSION`]. Never deletes or rewrites an existing file on an error.
    pub fn open(path: impl AsRef<Path>, key: Key, options: StoreOptions) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut conn = connection::open(&path, &key, options.read_only)?;
        connection::configure(&conn, options.durability, !options.read_only)?;
        if let Some(bytes) = options.max_size_bytes {
            let page_size = connection::page_size(&conn)?;
            let pages = (bytes / page_size.max(512) as u64).max(1);
            conn.pragma_update(None, "max_page_count", pages as i64)
                .map_err(StoreError::from)?;
        }
        let version = schema_version(&conn)?;
        if options.read_only {
            if version > SCHEMA_VERSION {
                return Err(StoreError::NewerSchema {
                    found: version,
                    supported: SCHEMA_VERSION,
                }
                .into());
            }
            if version < SCHEMA_VERSION {
                return Err(StoreError::ReadOnly.into());
            }
        } else {
            migrate::migrate(&mut conn, MIGRATIONS)?;
        }
        let (device_id, hlc) = Self::device_row(&conn, options.read_only, options.clock.now())?;
        if !options.read_only && key::check(&path, &key) != key::KeyCheck::Matches {
            // Refreshed only after the key proved itself; failure to write it is not fatal.
            let _ = key::write(&path, &key);
        }
        let interrupts = vec![conn.get_interrupt_handle()];
        Ok(Self {
            path,
            options,
            device_id: RwLock::new(device_id.into()),
            sync_gate: Mutex::new(()),
            gate: RwLock::new(key),
            writer: Mutex::new(Writer {
                conn,
                hlc,
                foreign_keys_off: false,
            }),
            readers: Mutex::new(Vec::new()),
            interrupts: Mutex::new(interrupts),
            listener: RwLock::new(None),
            voice_notes_in_sync: std::sync::atomic::AtomicBool::new(true),
        })
    }

    /// Reads (creating on first open) this installation's id and its latest clock stamp.
    fn device_row(conn: &Connection, read_only: bool, now: Millis) -> Result<(String, Hlc)> {
        let row = conn
            .query_row(
                "SELECT device_id, max(hlc, coalesce((SELECT max(hlc) FROM outbox), 0)) FROM device",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()
            .map_err(StoreError::from)?;
        match row {
            Some((id, hlc)) => Ok((id, Hlc::from_i64(hlc))),
            None if read_only => Err(StoreError::ReadOnly.into()),
            None => {
                let id = new_id();
                conn.execute(
                    "INSERT INTO device (singleton, device_id, hlc, created_at) VALUES (1, ?1, 0, ?2)",
                    (&id, now),
                )
                .map_err(StoreError::from)?;
                Ok((id, Hlc::default()))
            }
        }
    }

    /// This installation's id (the `origin` of every row it makes, the sync client id).
    pub fn device_id(&self) -> String {
        self.device_id
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .to_string()
    }

    /// Waits for any sync, enrolment or wipe under way, and holds the others off until the
    /// guard drops.
    pub(crate) fn sync_gate(&self) -> MutexGuard<'_, ()> {
        lock(&self.sync_gate)
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The current time by the store's clock.
    pub fn now(&self) -> Millis {
        self.options.clock.now()
    }

    /// Runs `f` in one write transaction and commits it; on error nothing of it is kept.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_with(true, f)
    }

    /// Like [`Store::write`], with foreign keys enforced or not. Pulled batches are applied
    /// without them: a batch may hold a row whose parent arrives in the next batch of the same
    /// sync, and the sync checks and repairs references once the pull is complete.
    pub(crate) fn write_with<T>(
        &self,
        enforce_foreign_keys: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let (out, touched) = {
            let _gate = self.gate.read().unwrap_or_else(PoisonError::into_inner);
            let mut w = lock(&self.writer);
            let Writer {
                conn,
                hlc,
                foreign_keys_off,
            } = &mut *w;
            if *foreign_keys_off == enforce_foreign_keys {
                let pragma = if enforce_foreign_keys { "ON" } else { "OFF" };
                conn.execute_batch(&format!("PRAGMA foreign_keys = {pragma}"))
                    .map_err(StoreError::from)?;
                *foreign_keys_off = !enforce_foreign_keys;
            }
            let device_id = self
                .device_id
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let result = (|| -> Result<(T, Vec<String>)> {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(StoreError::from)?;
                let mut ctx = Tx {
                    conn: tx,
                    now: self.options.clock.now(),
                    device_id: &device_id,
                    new_device_id: None,
                    hlc,
                    touched: BTreeSet::new(),
                };
                let out = f(&mut ctx)?;
                let touched: Vec<String> = ctx.touched.iter().map(|t| (*t).to_owned()).collect();
                let new_device_id = ctx.new_device_id.take();
                ctx.conn.commit().map_err(StoreError::from)?;
                if let Some(id) = new_device_id {
                    // Still under the writer: no later write can stamp the old id.
                    *self
                        .device_id
                        .write()
                        .unwrap_or_else(PoisonError::into_inner) = id;
                }
                Ok((out, touched))
            })();
            if *foreign_keys_off {
                conn.execute_batch("PRAGMA foreign_keys = ON")
                    .map_err(StoreError::from)?;
                *foreign_keys_off = false;
            }
            result?
        };
        self.notify(&touched);
        Ok(out)
    }

    /// Makes the writer connection fail every statement once it has run `instructions` more
    /// SQLite virtual-machine instructions, as if the process died there — most likely in the
    /// middle of a transaction, whose writes SQLite then rolls back. Only dropping the store
    /// ends it, as only a restart ends a dead process. For the simulation; app builds do not
    /// have it.
    #[cfg(feature = "fault-injection")]
    pub fn die_after_instructions(&self, instructions: u32) -> Result<()> {
        let mut left = instructions;
        let mut w = lock(&self.writer);
        w.conn
            .progress_handler(
                1,
                Some(move || {
                    left = left.saturating_sub(1);
                    left == 0
                }),
            )
            .map_err(StoreError::from)?;
        Ok(())
    }

    /// Rebuilds the file without its free pages and empties the write-ahead log into it, so
    /// what a wipe removed is on no page of either (`secure_delete` zeroes what is freed; this
    /// returns the space and leaves no old log frame behind). Runs after the wipe committed,
    /// so it reports rather than fails: `false` if the rebuild could not run (no room for its
    /// temporary copy) or a reader in the middle of a read kept the log from being emptied.
    pub(crate) fn compact(&self) -> bool {
        let _gate = self.gate.read().unwrap_or_else(PoisonError::into_inner);
        let w = lock(&self.writer);
        let rebuilt = w.conn.execute_batch("VACUUM").is_ok();
        let emptied = w
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_ok_and(|busy| busy == 0);
        rebuilt && emptied
    }

    /// Registers the listener told about changes (one at a time; `None` removes it).
    pub fn set_change_listener(&self, listener: Option<Arc<dyn ChangeListener>>) {
        *self
            .listener
            .write()
            .unwrap_or_else(PoisonError::into_inner) = listener;
    }

    /// Tells the listener, outside every lock, that `collections` changed.
    pub(crate) fn notify(&self, collections: &[String]) {
        if collections.is_empty() {
            return;
        }
        let listener = self
            .listener
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(l) = listener {
            l.on_change(collections.to_vec());
        }
    }

    /// Runs `f` on a reader connection inside one read transaction (a consistent snapshot).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let gate = self.gate.read().unwrap_or_else(PoisonError::into_inner);
        let idle = lock(&self.readers).pop();
        let conn = if let Some(c) = idle {
            c
        } else {
            let c = connection::open(&self.path, &gate, true)?;
            connection::configure(&c, self.options.durability, false)?;
            lock(&self.interrupts).push(c.get_interrupt_handle());
            c
        };
        let result = (|| {
            let tx = conn.unchecked_transaction().map_err(StoreError::from)?;
            let out = f(&tx)?;
            tx.finish().map_err(StoreError::from)?;
            Ok(out)
        })();
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    /// Cancels whatever query is running on any of the store's connections, from any thread
    /// (an app shutting down). The cancelled call returns [`StoreError::Interrupted`].
    pub fn interrupt(&self) {
        for handle in lock(&self.interrupts).iter() {
            handle.interrupt();
        }
    }

    /// Re-encrypts the database with `new_key`. On success the old key no longer opens it; on
    /// failure the database still opens with the old key.
    pub fn rekey(&self, new_key: Key) -> Result<()> {
        let mut key = self.gate.write().unwrap_or_else(PoisonError::into_inner);
        let (Some(_), Some(literal)) = (key.bytes(), new_key.pragma_literal()) else {
            return Err(crate::Error::InvalidState(
                "only an encrypted store can be re-keyed",
            ));
        };
        // Readers hold the old key; they are closed and reopened on demand.
        lock(&self.readers).clear();
        // The sidecar names the new key first: if the app dies after SQLCipher commits the new
        // key, a later open with the old key is correctly reported as a wrong key.
        key::write(&self.path, &new_key).map_err(|_| StoreError::CannotOpen)?;
        let w = lock(&self.writer);
        let result = w
            .conn
            .execute_batch(&format!("PRAGMA rekey = {};", literal.as_str()))
            .map_err(StoreError::from)
            .and_then(|()| {
                w.conn
                    .query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                        r.get::<_, i64>(0)
                    })
                    .map_err(StoreError::from)
            })
            .and_then(|_| {
                // In WAL mode the re-encrypted pages are in the log, and the file keeps its
                // pages under the old key until a checkpoint: SQLCipher's integrity check,
                // which reads the file, would call it damaged, and pages readable with the old
                // key (which the app is about to destroy) would stay on the disk.
                w.conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                        r.get::<_, i64>(0)
                    })
                    .map_err(StoreError::from)
            });
        match result {
            Ok(_) => {
                *key = new_key;
                Ok(())
            }
            Err(e) => {
                let _ = key::write(&self.path, &key);
                Err(e.into())
            }
        }
    }

    /// Runs SQLite's and SQLCipher's integrity checks; `Err(Corrupt)` if either finds damage.
    pub fn check_integrity(&self) -> Result<()> {
        let is_encrypted = self
            .gate
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes()
            .is_some();
        self.read(|c| {
            let quick: String = c
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .map_err(StoreError::from)?;
            if quick != "ok" {
                return Err(StoreError::Corrupt.into());
            }
            if is_encrypted {
                let mut stmt = c
                    .prepare("PRAGMA cipher_integrity_check")
                    .map_err(StoreError::from)?;
                let mut rows = stmt.query([]).map_err(StoreError::from)?;
                if rows.next().map_err(StoreError::from)?.is_some() {
                    return Err(StoreError::Corrupt.into());
                }
            }
            let fk_violations: i64 = c
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })
                .map_err(StoreError::from)?;
            if fk_violations > 0 {
                return Err(StoreError::Corrupt.into());
            }
            Ok(())
        })
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// Creates a database at `path` holding only the first `version` schema steps. For migration
/// tests and tools that need a file as an older release left it.
pub fn create_at_version(path: impl AsRef<Path>, key: &Key, version: i64) -> Result<()> {
    let mut conn = connection::open(path.as_ref(), key, false)?;
    connection::configure(&conn, Durability::Full, true)?;
    let steps: Vec<Migration> = MIGRATIONS
        .iter()
        .copied()
        .filter(|m| m.version <= version)
        .collect();
    migrate::migrate(&mut conn, &steps)?;
    if key.bytes().is_some() {
        key::write(path.as_ref(), key).map_err(|_| StoreError::CannotOpen)?;
    }
    Ok(())
}
