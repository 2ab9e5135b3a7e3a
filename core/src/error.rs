//! Typed errors of the core.
//!
//! Health data rule: no message here ever carries what a user typed or stored. Errors name the
//! field, the rule and the limit; SQLite's own messages (which can quote values) are dropped and
//! only its error code is kept.

use std::fmt;

/// Result of every fallible core operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core, as the app needs to tell it apart.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input broke a documented rule (size, range, date, format).
    #[error("invalid {field}: {problem}")]
    Invalid {
        /// The input field, named as in the API (`notes`, `wellbeing`, ...).
        field: &'static str,
        /// Which rule it broke.
        problem: Problem,
    },
    /// A code that names no known value of an enumeration (from the network or a newer app).
    #[error("unknown {kind} code {code}")]
    UnknownCode {
        /// The enumeration (`mode`, `dimension`, ...).
        kind: &'static str,
        /// The code, shown only when it looks like a code (see [`shown_code`]).
        code: String,
    },
    /// A record the operation refers to does not exist on this device.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The device owner's role or relation does not allow the operation.
    #[error("not allowed: {0}")]
    NotAllowed(&'static str),
    /// The record is in a state where the operation makes no sense (ending twice, ...).
    #[error("not possible now: {0}")]
    InvalidState(&'static str),
    /// Wiping the phone was refused: changes made here have not reached the server yet. Sync
    /// first, or wipe again saying they may be discarded.
    #[error("{count} changes on this device have not been sent yet")]
    UnsentChanges {
        /// Changes waiting in the outbox.
        count: u64,
    },
    /// The store itself failed: key, file, disk, schema.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Syncing with the server failed; local data is untouched and the sync can be retried.
    #[error(transparent)]
    Sync(#[from] SyncError),
}

/// Why a sync did not complete. Whatever was saved locally stays saved and queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// No network or no answer: try again later.
    #[error("the server cannot be reached")]
    Offline,
    /// This device has not been enrolled with a server yet.
    #[error("this device is not enrolled")]
    NotEnrolled,
    /// The server no longer accepts this device's tokens (revoked, or refresh token reused):
    /// sign in again with a new enrolment code.
    #[error("the server no longer accepts this device; sign in again")]
    Unauthorized,
    /// The person's records were erased at their request: the account is closed for good and
    /// no new code will come. What the phone still holds can be wiped
    /// ([`crate::Store::wipe_personal_data`]).
    #[error("this account was closed")]
    AccountClosed,
    /// The enrolment code is unknown, used or expired.
    #[error("the enrolment code is not valid")]
    InvalidCode,
    /// Too many requests; retry after the given seconds.
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds to wait.
        retry_after_secs: u64,
    },
    /// The server refused the request as a whole (too large, malformed, ...).
    #[error("the server refused the request ({code})")]
    Refused {
        /// The server's stable error code.
        code: String,
    },
    /// The server failed (5xx).
    #[error("the server failed (HTTP {status})")]
    Server {
        /// HTTP status.
        status: u16,
    },
    /// The server's answer could not be understood.
    #[error("the server's answer could not be read")]
    Protocol,
}

/// The rule an input broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Required text was empty or only spaces.
    Empty,
    /// Text longer than the limit, counted in characters.
    TooLong {
        /// The documented limit.
        max: usize,
    },
    /// A list with more items than the limit.
    TooMany {
        /// The documented limit.
        max: usize,
    },
    /// A number outside its documented range.
    OutOfRange {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// A time before 1900-01-01.
    TooEarly,
    /// A time further in the future than the field allows.
    TooLate,
    /// Two times in the wrong order (an ending before a start, ...).
    OutOfOrder,
    /// A time already past where a time to come is needed (planning a contact).
    Past,
    /// Not the expected format (an id that is not a UUID, a language tag, ...).
    Malformed,
    /// The same value twice in a list that must not repeat.
    Duplicate,
    /// A server address with plain `http://` to a host other than this device: health data
    /// only travels encrypted (`https://`).
    Cleartext,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooLong { max } => write!(f, "longer than {max} characters"),
            Self::TooMany { max } => write!(f, "more than {max} items"),
            Self::OutOfRange { min, max } => write!(f, "outside {min}..={max}"),
            Self::TooEarly => f.write_str("before 1900-01-01"),
            Self::TooLate => f.write_str("too far in the future"),
            Self::OutOfOrder => f.write_str("dates in the wrong order"),
            Self::Past => f.write_str("already past"),
            Self::Malformed => f.write_str("malformed"),
            Self::Duplicate => f.write_str("repeated"),
            Self::Cleartext => f.write_str("must use https:// (plain http:// only to this device)"),
        }
    }
}

/// Failures of the encrypted SQLite store. None of them ever deletes or rewrites the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The key does not open this database. The file is intact; try the right key, or treat
    /// the key as lost and re-sync from the server into a new file.
    #[error("the key does not open this database")]
    WrongKey,
    /// The file is damaged (or is not a Passerelle database at all).
    #[error("the database file is damaged")]
    Corrupt,
    /// An encrypted store was asked for but the file is a plain, unencrypted database.
    #[error("the database file is not encrypted")]
    NotEncrypted,
    /// The file was written by a newer version of the app; it is left untouched.
    #[error("the database has schema version {found}, newer than this app's {supported}")]
    NewerSchema {
        /// `user_version` of the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The file or its folder cannot be written.
    #[error("the database is read-only")]
    ReadOnly,
    /// The disk (or the store's size limit) is full; nothing of the failed write was kept.
    #[error("the disk is full")]
    DiskFull,
    /// The file could not be opened (missing folder, permissions).
    #[error("the database file cannot be opened")]
    CannotOpen,
    /// Another connection holds a lock longer than the busy timeout.
    #[error("the database is busy")]
    Busy,
    /// A long query was cancelled through the store's interrupt handle.
    #[error("the operation was interrupted")]
    Interrupted,
    /// Any other SQLite failure, by its code name only.
    #[error("storage failure ({0})")]
    Sqlite(String),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // A code this build does not know, read from a file a newer app wrote.
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(Self::UnknownCode { kind, code }) = inner.downcast_ref::<Self>() {
                return Self::UnknownCode {
                    kind,
                    code: code.clone(),
                };
            }
        }
        Self::Store(StoreError::from(e))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e {
            rusqlite::Error::SqliteFailure(code, _message_may_quote_data) => match code.code {
                C::NotADatabase | C::DatabaseCorrupt => Self::Corrupt,
                C::ReadOnly => Self::ReadOnly,
                C::DiskFull => Self::DiskFull,
                C::CannotOpen | C::PermissionDenied => Self::CannotOpen,
                C::DatabaseBusy | C::DatabaseLocked => Self::Busy,
                C::OperationInterrupted => Self::Interrupted,
                other => Self::Sqlite(format!("{other:?}")),
            },
            // Conversion errors mean a value in the file is not what this build wrote.
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::Utf8Error(..) => Self::Corrupt,
            other => Self::Sqlite(variant_name(&other)),
        }
    }
}

/// The variant name of a rusqlite error without its payload (which can hold SQL or values).
fn variant_name(e: &rusqlite::Error) -> String {
    let debug = format!("{e:?}");
    debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("Unknown")
        .to_owned()
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub(crate) fn invalid(field: &'static str, problem: Problem) -> Self {
        Self::Invalid { field, problem }
    }

    /// Shorthand for [`Error::UnknownCode`], hiding the code unless it looks like one.
    pub(crate) fn unknown_code(kind: &'static str, code: &str) -> Self {
        Self::UnknownCode {
            kind,
            code: shown_code(code),
        }
    }
}

/// A code as it may appear in an error: short ASCII identifiers only. Anything else could be
/// text a person typed into the wrong field, so it is replaced.
pub fn shown_code(code: &str) -> String {
    let looks_like_code = !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
    if looks_like_code {
        format!("`{code}`")
    } else {
        "(not shown)".to_owned()
    }
}
