//! Checkpoints the SQLite store's write-ahead log from a connection and a thread of its own.
//!
//! Left to itself, SQLite checkpoints inside the commit that crosses 1,000 pages of log: that
//! commit copies the pages into the database and syncs it while every request queued behind the
//! one writer waits. A passive checkpoint from another connection copies the pages while the
//! writer goes on committing; small and frequent, since the copy still competes with the
//! writer for the disk and a bigger one stalls it longer. Measured with the load bench (500
//! devices, `PASSERELLE_LOAD_STORES=sqlite`): SQLite's own checkpoints, capacity about 2,560
//! syncs/s and p99 at 2,000 pushes/s anywhere from 23 to 197 ms from run to run; from here
//! every second, p99 84 ms; every 200 ms, 3,100/s and 45 ms; every 50 ms, 3,525/s and 38 ms.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// How often the log is checkpointed.
const EVERY: Duration = Duration::from_millis(50);
/// The writer's own checkpoint threshold, in pages: a backstop should this thread fall behind.
pub const BACKSTOP_PAGES: i64 = 16_384;

/// The checkpointing thread; dropping it stops the thread and waits for it.
pub struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path` (already in WAL mode). `None` if its
    /// connection cannot be opened: the writer's backstop checkpoints then do the work.
    pub fn start(path: &Path) -> Option<Self> {
        let conn =
            passerelle_core::store::open_file(path, OpenFlags::SQLITE_OPEN_READ_WRITE).ok()?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    checkpoint(&conn);
                }
                checkpoint(&conn);
            })
            .ok()?;
        Some(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A passive checkpoint: copies what it can without waiting for the writer or readers. A
/// failure (busy, I/O) is left for the next round or the writer's backstop.
fn checkpoint(conn: &Connection) {
    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
