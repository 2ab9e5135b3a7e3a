//! The one public error of the exported API, and its mapping from the core's errors.
//!
//! Every variant mirrors a core error one to one, and every message is the core's own `Display`
//! text: field names, rules, limits and codes, never what a person typed or stored.

use passerelle_core::error::SyncError;
use passerelle_core::{Error, StoreError};

/// Everything an exported call can fail with. Kotlin sees `PasserelleException` and one
/// subclass per variant; Swift sees `PasserelleError` with one case per variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum PasserelleError {
    /// An input broke a documented rule (size, range, date, format). Nothing was saved.
    #[error("invalid {field}: {problem}")]
    InvalidInput {
        /// The input field, named as in the API (`notes`, `wellbeing`, ...).
        field: String,
        /// The rule it broke (`must not be empty`, `outside 1..=5`, ...).
        problem: String,
    },
    /// A code that names no known value of an enumeration (a file from a newer app).
    #[error("unknown {kind} code {code}")]
    UnknownCode {
        /// The enumeration (`contact mode`, `dimension`, ...).
        kind: String,
        /// The code, or `(not shown)` when it does not look like one.
        code: String,
    },
    /// A record the call refers to does not exist on this device.
    #[error("{what} not found")]
    NotFound {
        /// The kind of record (`person`, `mentorship`, ...).
        what: String,
    },
    /// The device owner's role or relation does not allow the call.
    #[error("not allowed: {reason}")]
    NotAllowed {
        /// Which rule refused it.
        reason: String,
    },
    /// The record is in a state where the call makes no sense (ending twice, ...).
    #[error("not possible now: {reason}")]
    InvalidState {
        /// Why.
        reason: String,
    },
    /// Wiping the phone was refused: changes made here have not reached the server yet. Sync
    /// first, or wipe again with `discard_unsent`. Nothing was removed.
    #[error("{count} changes on this device have not been sent yet")]
    UnsentChanges {
        /// Changes waiting to be sent.
        count: u64,
    },
    /// The key does not open this database. The file is intact: try the right key, or treat
    /// the key as lost and re-sync from the server into a new file.
    #[error("the key does not open this database")]
    WrongKey,
    /// The database file is damaged, or is not a Passerelle database.
    #[error("the database file is damaged")]
    Corrupt,
    /// An encrypted store was asked for but the file is a plain, unencrypted database.
    #[error("the database file is not encrypted")]
    NotEncrypted,
    /// The file was written by a newer version of the app; it was left untouched.
    #[error("the database has schema version {found}, newer than this app's {supported}")]
    NewerSchema {
        /// The file's schema version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The file or its folder cannot be written.
    #[error("the database is read-only")]
    ReadOnly,
    /// The disk is full; nothing of the failed write was kept.
    #[error("the disk is full")]
    DiskFull,
    /// The file could not be opened (missing folder, permissions).
    #[error("the database file cannot be opened")]
    CannotOpen,
    /// Another connection held a lock longer than the busy timeout.
    #[error("the database is busy")]
    Busy,
    /// The call was cancelled by [`crate::Passerelle::interrupt`].
    #[error("the operation was interrupted")]
    Interrupted,
    /// Any other storage failure, by SQLite's error code name only.
    #[error("storage failure ({code})")]
    Storage {
        /// SQLite's error code name (`IoErr`, `Full`, ...).
        code: String,
    },
    /// Sync: no network or no answer. Local data is saved and queued; try again later.
    #[error("the server cannot be reached")]
    Offline,
    /// Sync: this device has not been enrolled with a server yet.
    #[error("this device is not enrolled")]
    NotEnrolled,
    /// Sync: the server no longer accepts this device; sign in again with a new code.
    #[error("the server no longer accepts this device; sign in again")]
    Unauthorized,
    /// Sync: the person's records were erased at their request; the account is closed for
    /// good. Offer to wipe the phone (`wipe_device_data`) rather than to sign in again.
    #[error("this account was closed")]
    AccountClosed,
    /// Sync: the enrolment code is unknown, used or expired.
    #[error("the enrolment code is not valid")]
    InvalidEnrolmentCode,
    /// Sync: too many requests.
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds to wait before retrying.
        retry_after_secs: u64,
    },
    /// Sync: the server refused the request as a whole.
    #[error("the server refused the request ({code})")]
    ServerRefused {
        /// The server's stable error code.
        code: String,
    },
    /// Sync: the server failed.
    #[error("the server failed (HTTP {status})")]
    ServerFailed {
        /// The HTTP status.
        status: u16,
    },
    /// Sync: the server's answer could not be understood.
    #[error("the server's answer could not be read")]
    Protocol,
}

impl From<Error> for PasserelleError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid { field, problem } => Self::InvalidInput {
                field: field.to_owned(),
                problem: problem.to_string(),
            },
            Error::UnknownCode { kind, code } => Self::UnknownCode {
                kind: kind.to_owned(),
                code,
            },
            Error::NotFound(what) => Self::NotFound {
                what: what.to_owned(),
            },
            Error::NotAllowed(reason) => Self::NotAllowed {
                reason: reason.to_owned(),
            },
            Error::InvalidState(reason) => Self::InvalidState {
                reason: reason.to_owned(),
            },
            Error::UnsentChanges { count } => Self::UnsentChanges { count },
            Error::Store(e) => e.into(),
            Error::Sync(e) => e.into(),
        }
    }
}

impl From<SyncError> for PasserelleError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Offline => Self::Offline,
            SyncError::NotEnrolled => Self::NotEnrolled,
            SyncError::Unauthorized => Self::Unauthorized,
            SyncError::AccountClosed => Self::AccountClosed,
            SyncError::InvalidCode => Self::InvalidEnrolmentCode,
            SyncError::RateLimited { retry_after_secs } => Self::RateLimited { retry_after_secs },
            SyncError::Refused { code } => Self::ServerRefused { code },
            SyncError::Server { status } => Self::ServerFailed { status },
            SyncError::Protocol => Self::Protocol,
        }
    }
}

impl From<StoreError> for PasserelleError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::WrongKey => Self::WrongKey,
            StoreError::Corrupt => Self::Corrupt,
            StoreError::NotEncrypted => Self::NotEncrypted,
            StoreError::NewerSchema { found, supported } => Self::NewerSchema { found, supported },
            StoreError::ReadOnly => Self::ReadOnly,
            StoreError::DiskFull => Self::DiskFull,
            StoreError::CannotOpen => Self::CannotOpen,
            StoreError::Busy => Self::Busy,
            StoreError::Interrupted => Self::Interrupted,
            StoreError::Sqlite(code) => Self::Storage { code },
        }
    }
}

#[cfg(test)]
mod tests {
    use passerelle_core::error::SyncError;
    use passerelle_core::{Error, Problem, StoreError};

    use super::PasserelleError;

    /// The exported message is the core's message, word for word, for every variant.
    #[test]
    fn messages_are_the_core_messages() {
        let core_errors = vec![
            Error::Invalid {
                field: "wellbeing",
                problem: Problem::OutOfRange { min: 1, max: 5 },
            },
            Error::UnknownCode {
                kind: "dimension",
                code: "`spiritual`".to_owned(),
            },
            Error::NotFound("person"),
            Error::NotAllowed("only a professional enrols people"),
            Error::InvalidState("the mentorship has ended"),
            Error::UnsentChanges { count: 3 },
            StoreError::WrongKey.into(),
            StoreError::Corrupt.into(),
            StoreError::NotEncrypted.into(),
            StoreError::NewerSchema {
                found: 9,
                supported: 1,
            }
            .into(),
            StoreError::ReadOnly.into(),
            StoreError::DiskFull.into(),
            StoreError::CannotOpen.into(),
            StoreError::Busy.into(),
            StoreError::Interrupted.into(),
            StoreError::Sqlite("IoErr".to_owned()).into(),
            SyncError::Offline.into(),
            SyncError::NotEnrolled.into(),
            SyncError::Unauthorized.into(),
            SyncError::AccountClosed.into(),
            SyncError::InvalidCode.into(),
            SyncError::RateLimited {
                retry_after_secs: 60,
            }
            .into(),
            SyncError::Refused {
                code: "payload_too_large".to_owned(),
            }
            .into(),
            SyncError::Server { status: 503 }.into(),
            SyncError::Protocol.into(),
        ];
        for e in core_errors {
            let core_message = e.to_string();
            assert_eq!(PasserelleError::from(e).to_string(), core_message);
        }
    }

    #[test]
    fn variants_keep_their_fields() {
        let e = PasserelleError::from(Error::Invalid {
            field: "display_name",
            problem: Problem::Empty,
        });
        assert_eq!(
            e,
            PasserelleError::InvalidInput {
                field: "display_name".to_owned(),
                problem: "must not be empty".to_owned(),
            }
        );
        assert_eq!(
            PasserelleError::from(StoreError::Sqlite("IoErr".to_owned())),
            PasserelleError::Storage {
                code: "IoErr".to_owned()
            }
        );
    }
}
