//! Opening one SQLite connection the way DESIGN.md's storage rules ask: key first, then the
//! pragmas every connection needs, and — when the file refuses the key — a diagnosis that tells
//! a wrong key from a damaged file without writing to it.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::key::{self, Key, KeyCheck};
use crate::error::{Error, Result, StoreError};

/// How hard a commit works to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=FULL`: a commit survives the app being killed and the phone losing power.
    /// The default: a mentor's check-in must never be lost.
    #[default]
    Full,
    /// `synchronous=NORMAL`: a commit survives the app being killed; the last commits can be
    /// lost if power fails before the OS writes its cache. For bulk imports of re-fetchable data.
    Normal,
}

const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Opens a connection to `path` once SQLite has finished initialising in this process. Every
/// connection the core and the server open comes through here.
///
/// SQLite marks itself initialised before it runs SQLCipher's extra initialisation, so a second
/// thread opening its first connection at that moment sees a half-ready codec and fails with a
/// bare `SQLITE_ERROR` (measured: 2 to 8 processes in 300 to 400 lost it, each opening eight
/// stores from eight threads at start; none in 600 once the first open is serialised). This is
/// what failed CI once, in a test binary whose tests all open a store at the same moment.
pub fn open_file(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    static INITIALISED: Once = Once::new();
    INITIALISED.call_once(|| {
        // Opening any connection runs the whole initialisation; other threads wait here.
        drop(Connection::open_in_memory());
    });
    Connection::open_with_flags(path, flags)
}

/// Opens a connection to `path`, applies `key` and checks the key opens the file.
pub(crate) fn open(path: &Path, key: &Key, read_only: bool) -> Result<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = open_file(path, flags).map_err(StoreError::from)?;
    // SQLite quietly opens a file it may not write (a read-only medium, a protected file) for
    // reading only; a writer there would fail later, on its first WAL access, as "cannot open".
    if !read_only && conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        return Err(StoreError::ReadOnly.into());
    }
    match unlock(conn, path, key) {
        // A WAL file can be read without its `-wal` and `-shm` companions only as immutable:
        // on a read-only medium after a clean close (no `-wal` left), the file holds it all.
        Err(Error::Store(StoreError::CannotOpen))
            if read_only && !companion(path, "-wal").exists() =>
        {
            let conn = open_file(
                Path::new(&immutable_uri(path)),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )
            .map_err(StoreError::from)?;
            unlock(conn, path, key)
        }
        other => other,
    }
}

/// Applies `key` to `conn` (opened on `path`) and checks it opens the file.
fn unlock(conn: Connection, path: &Path, key: &Key) -> Result<Connection> {
    // SQLCipher logs HMAC failures to stderr by itself; app logs must stay free of it.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")
        .map_err(StoreError::from)?;
    if let Some(literal) = key.pragma_literal() {
        conn.execute_batch(&format!("PRAGMA key = {};", literal.as_str()))
            .map_err(StoreError::from)?;
    }
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => {
            check_length(&conn, path)?;
            Ok(conn)
        }
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            drop(conn);
            Err(diagnose(path, key).into())
        }
        Err(e) => Err(StoreError::from(e).into()),
    }
}

/// The file beside `path` with `suffix` (`-wal`, `-shm`).
fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A `file:` URI for `path` opened as immutable, with the characters URIs reserve escaped.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'%' | b'?' | b'#' | 0x80.. => {
                let _ = write!(uri, "%{byte:02X}");
            }
            _ => uri.push(char::from(*byte)),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Pins query plans (`SQLITE_DBCONFIG_ENABLE_QPSG`). Without it SQLite re-prepares a cached
/// statement whenever a bound value could change its plan — for an `ORDER BY` on an indexed
/// column, at every call with new parameters (measured: 99 re-prepares in 100 calls).
pub fn pin_query_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )
    .map_err(StoreError::from)?;
    Ok(())
}

/// The page size. SQLCipher answers `page_size` as text (`cipher_page_size`), plain SQLite as an
/// integer.
pub(crate) fn page_size(conn: &Connection) -> Result<i64> {
    let value = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    Ok(match value {
        rusqlite::types::Value::Integer(n) => n,
        rusqlite::types::Value::Text(t) => t.parse().unwrap_or(4096),
        _ => 4096,
    })
}

/// A file shorter than the pages its header counts was truncated: SQLite would only notice
/// when a query reached a missing page, so it is reported now. (With a write-ahead log present
/// the recent pages may legitimately live there, so only whole-page length is checked.)
fn check_length(conn: &Connection, path: &Path) -> Result<()> {
    let len = std::fs::metadata(path).map_or(0, |m| m.len());
    if len == 0 {
        return Ok(());
    }
    let page = page_size(conn)?.max(512) as u64;
    let wal_len = std::fs::metadata(companion(path, "-wal")).map_or(0, |m| m.len());
    let pages: i64 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    let truncated = len % page != 0 || (wal_len == 0 && len < pages as u64 * page);
    if truncated {
        Err(StoreError::Corrupt.into())
    } else {
        Ok(())
    }
}

/// Applies the per-connection rules. `journal_mode` is a property of the file and is set by the
/// writer only.
pub(crate) fn configure(conn: &Connection, durability: Durability, writer: bool) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(StoreError::from)?;
    pin_query_plans(conn)?;
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON;
         PRAGMA trusted_schema = OFF;
         PRAGMA temp_store = MEMORY;
         PRAGMA secure_delete = ON;
         PRAGMA cache_size = -8192;
         PRAGMA synchronous = {synchronous};"
    ))
    .map_err(StoreError::from)?;
    if writer {
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(StoreError::from)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::ReadOnly.into());
        }
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Why a key was refused, decided from the file and the key-check sidecar, read-only.
pub(crate) fn diagnose(path: &Path, key: &Key) -> StoreError {
    let len = std::fs::metadata(path).map_or(0, |m| m.len());
    let mut header = [0u8; 16];
    let read_header = File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok();
    if read_header && &header == PLAIN_HEADER {
        // A plain file that SQLite still refuses without a key is damaged.
        let plain_and_sound = key.bytes().is_some() && opens_without_key(path);
        return if plain_and_sound {
            StoreError::NotEncrypted
        } else {
            StoreError::Corrupt
        };
    }
    // SQLCipher files are whole pages; a torn or truncated file is not.
    if !read_header || len < 1024 || len % 512 != 0 {
        return StoreError::Corrupt;
    }
    // With no sidecar to ask (or no key given for an encrypted-looking file) the key is the
    // likelier culprit, and saying so never leads anyone to discard the file.
    if key::check(path, key) == KeyCheck::Matches {
        StoreError::Corrupt
    } else {
        StoreError::WrongKey
    }
}

fn opens_without_key(path: &Path) -> bool {
    open_file(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_immutable_uri_names_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Hélène ?#%20.db");
        drop(Connection::open(&path).unwrap());
        let uri = immutable_uri(&path);
        assert!(uri.ends_with("%3F%23%2520.db?immutable=1"), "{uri}");
        let conn = Connection::open_with_flags(
            &uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )
        .unwrap();
        let file: String = conn
            .query_row("SELECT file FROM pragma_database_list", [], |r| r.get(0))
            .unwrap();
        assert_eq!(Path::new(&file), path);
    }

    #[test]
    fn cached_statements_are_not_reprepared_when_their_parameters_change() {
        let conn = Connection::open_in_memory().unwrap();
        configure(&conn, Durability::Normal, false).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (k TEXT NOT NULL, s TEXT NOT NULL, o TEXT NOT NULL, PRIMARY KEY (k, s, o)) WITHOUT ROWID;
             INSERT INTO t VALUES ('a', '1', 'x'), ('a', '2', 'y');",
        )
        .unwrap();
        let sql = "SELECT o FROM t WHERE k = ?1 AND s = ?2 ORDER BY o";
        for s in ["1", "2", "1", "2"] {
            let mut stmt = conn.prepare_cached(sql).unwrap();
            assert_eq!(
                stmt.query_map(["a", s], |r| r.get::<_, String>(0))
                    .unwrap()
                    .count(),
                1
            );
        }
        let stmt = conn.prepare_cached(sql).unwrap();
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }
}
