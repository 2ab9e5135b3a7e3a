//! Schema migrations: the version lives in `user_version`; each step moves exactly one version
//! forward inside its own transaction, so a failed step leaves the previous version intact. A
//! file from a newer app is refused and never touched.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Result, StoreError};

/// One step of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The version this step produces (1 for the first).
    pub version: i64,
    /// A short name for docs and logs.
    pub name: &'static str,
    /// The SQL run inside the step's transaction.
    pub sql: &'static str,
}

/// Every step, in order. Released steps are never edited; a change is a new step.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation: people, profiles, mentorships, check-ins, escalations, training, consent, outbox",
        sql: include_str!("schema/v1.sql"),
    },
    Migration {
        version: 2,
        name: "community-resource directory: HSDS records, search index, bookmarks",
        sql: include_str!("schema/v2.sql"),
    },
    Migration {
        version: 3,
        name: "referral notices: the services a mentor shared, for everyone in the mentorship",
        sql: include_str!("schema/v3.sql"),
    },
    Migration {
        version: 4,
        name: "planned contacts: the next visit or call, for everyone in the mentorship",
        sql: include_str!("schema/v4.sql"),
    },
    Migration {
        version: 5,
        name: "check-ins name the planned contact they record",
        sql: include_str!("schema/v5.sql"),
    },
    Migration {
        version: 6,
        name: "voice notes: the audio of spoken messages, kept encrypted on the phone",
        sql: include_str!("schema/v6.sql"),
    },
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Reads `user_version`.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(StoreError::from)?)
}

/// Brings the database up to the last step of `steps`, or refuses a newer one.
pub(crate) fn migrate(conn: &mut Connection, steps: &[Migration]) -> Result<i64> {
    let target = steps.last().map_or(0, |m| m.version);
    let current = schema_version(conn)?;
    if current > target {
        return Err(StoreError::NewerSchema {
            found: current,
            supported: target,
        }
        .into());
    }
    for step in steps.iter().filter(|m| m.version > current) {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        // Another connection may have migrated while we waited for the lock.
        if schema_version(&tx)? >= step.version {
            continue;
        }
        tx.execute_batch(step.sql).map_err(StoreError::from)?;
        tx.pragma_update(None, "user_version", step.version)
            .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
    }
    schema_version(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: &[Migration] = &[
        Migration {
            version: 1,
            name: "a",
            sql: "CREATE TABLE a (x INTEGER);",
        },
        Migration {
            version: 2,
            name: "b",
            sql: "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);",
        },
    ];

    #[test]
    fn a_failing_step_leaves_the_previous_version_intact() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert!(migrate(&mut conn, STEPS).is_err());
        assert_eq!(schema_version(&conn).unwrap(), 1);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'b'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "the failed step's table was rolled back");
    }

    #[test]
    fn steps_have_consecutive_versions() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
        }
    }

    #[test]
    fn newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = migrate(&mut conn, MIGRATIONS).unwrap_err();
        assert!(matches!(
            err,
            crate::Error::Store(StoreError::NewerSchema {
                found: 99,
                supported: SCHEMA_VERSION
            })
        ));
    }
}
