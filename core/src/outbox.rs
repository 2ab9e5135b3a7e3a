//! Reading the outbox: local changes waiting to be pushed. Entries are written by
//! `store::rows` in the same transaction as the change itself.

use crate::error::Result;
use crate::store::Store;
use crate::time::Millis;

/// One queued change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OutboxEntry {
    /// Order of the change on this device.
    pub seq: i64,
    /// The idempotency key, with the device id.
    pub mutation_id: String,
    /// The collection (table) changed.
    pub collection: String,
    /// The row changed.
    pub row_id: String,
    /// `insert` or `update`.
    pub op: String,
    /// The columns written, as a JSON object.
    pub payload: String,
    /// The change's hybrid-logical-clock stamp.
    pub hlc: i64,
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
                "SELECT seq, mutation_id, collection, row_id, op, payload, hlc, created_at
                 FROM outbox ORDER BY seq LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(OutboxEntry {
                    seq: r.get(0)?,
                    mutation_id: r.get(1)?,
                    collection: r.get(2)?,
                    row_id: r.get(3)?,
                    op: r.get(4)?,
                    payload: r.get(5)?,
                    hlc: r.get(6)?,
                    created_at: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
