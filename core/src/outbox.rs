//! Reading the outbox: local changes waiting to be pushed. Entries are written by
//! `store::rows` in the same transaction as the change itself.

use crate::error::Result;
use crate::model::codes::from_json;
use crate::store::Store;
use crate::store::rows::{self, Collection};
use crate::time::Millis;

/// One queued change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OutboxEntry {
    /// The change's hybrid-logical-clock stamp: its order on this device and, with the device
    /// id, its idempotency key.
    pub mutation_id: i64,
    /// The collection (table) changed.
    pub collection: String,
    /// The row changed.
    pub row_id: String,
    /// `insert` or `update`.
    pub op: String,
    /// The row as it will be pushed, a JSON object: every synced column for an insert; the
    /// changed fields and the row's stamps for an update; `null` if the row is gone.
    pub payload: String,
    /// When it was made.
    pub created_at: Millis,
}

impl Store {
    /// How many changes wait to be pushed.
    pub fn outbox_len(&self) -> Result<u64> {
        self.read(|c| {
            Ok(c.query_row("SELECT count(*) FROM outbox", [], |r| r.get::<_, i64>(0))? as u64)
        })
    }

    /// The oldest `limit` changes waiting to be pushed.
    pub fn outbox_peek(&self, limit: u32) -> Result<Vec<OutboxEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT hlc, collection, row_id, op, fields, created_at FROM outbox ORDER BY hlc LIMIT ?1",
            )?;
            let queued = stmt
                .query_map([limit], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Millis>(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            queued
                .into_iter()
                .map(|(mutation_id, collection, row_id, op, fields, created_at)| {
                    let fields: Option<Vec<String>> = fields.map(|f| from_json(&f)).transpose()?;
                    let payload = match Collection::from_table(&collection) {
                        Some(coll) => rows::payload(c, coll, &row_id, fields.as_deref())?,
                        None => None,
                    };
                    let payload = payload.unwrap_or(serde_json::Value::Null).to_string();
                    Ok(OutboxEntry { mutation_id, collection, row_id, op, payload, created_at })
                })
                .collect()
        })
    }
}
