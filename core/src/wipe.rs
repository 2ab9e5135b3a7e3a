//! Wiping this phone: what a person asks for when the phone leaves them — handed back to the
//! programme, passed on to a new mentor, or after their account was erased on the server (the
//! server can no longer reach a phone it has signed out, so only the phone can forget).
//!
//! Every personal record goes, with the sync account and its tokens, the outbox, the sync
//! state and the sync issues. The public directory stays: it is not about anyone, and it is
//! what a fresh install loads from its snapshot anyway. The installation takes a new id, so the
//! server cannot link what the phone does next to what it did before, and its clock goes on
//! forward. Changes not yet sent refuse the wipe unless the caller says they may go: nothing
//! saved is lost without being asked.
//!
//! Afterwards the file is rebuilt and its log emptied; with `secure_delete` on, no page of
//! either keeps what was removed. The app then re-keys the store with a new key and destroys
//! the old one, so any copy the flash memory kept is unreadable too.

use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::rows::Collection;
use crate::sync::transport::Transport;
use crate::validate::new_id;

/// What a wipe did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WipeSummary {
    /// Records removed: people, profiles, mentorships, check-ins, messages, bookmarks, ...
    pub records_removed: u64,
    /// Changes made here that had not reached the server, discarded as asked.
    pub unsent_discarded: u64,
    /// Whether the server confirmed the end of this phone's session. When it did not (offline,
    /// or never enrolled), the deleted tokens expire on the server on their own.
    pub signed_out: bool,
    /// Whether the file was rebuilt and its log emptied into it; `false` if there was no room
    /// for the rebuild or a read was under way at that moment. The data is gone all the same
    /// (`secure_delete` zeroed its pages); old log frames are overwritten as the store is used.
    pub compacted: bool,
}

/// Tables a wipe keeps: the installation's own row, and the public directory with its search
/// index.
fn kept(table: &str) -> bool {
    table == "device" || table.starts_with("dir_")
}

impl Store {
    /// Removes everything personal from this phone (see the module docs) and, through
    /// `transport` when given, ends its session on the server first. With changes not yet sent
    /// and `discard_unsent` false it fails with [`Error::UnsentChanges`] and changes nothing.
    /// Waits for a sync or an enrolment under way to finish.
    pub fn wipe_personal_data(
        &self,
        transport: Option<&dyn Transport>,
        discard_unsent: bool,
    ) -> Result<WipeSummary> {
        let _gate = self.sync_gate();
        // Checked before signing out as well as in the wipe itself: a refusal leaves the phone
        // exactly as it was, its session included.
        let unsent = self.outbox_len()?;
        if unsent > 0 && !discard_unsent {
            return Err(Error::UnsentChanges { count: unsent });
        }
        let signed_out = match transport {
            Some(transport) => self.sign_out(transport)?,
            None => false,
        };
        let (records_removed, unsent_discarded) = self.write(|tx| {
            let unsent: i64 = tx
                .conn
                .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
            let unsent = unsent.unsigned_abs();
            if unsent > 0 && !discard_unsent {
                return Err(Error::UnsentChanges { count: unsent });
            }
            // Every table but those kept, found in the schema rather than listed here, so a
            // table a later version adds is wiped without anyone remembering to add it.
            let tables: Vec<String> = tx
                .conn
                .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            tx.conn.execute("UPDATE device SET owner_id = NULL", [])?;
            let mut records = 0;
            for table in tables.iter().filter(|t| !kept(t)) {
                let removed = tx.conn.execute(&format!("DELETE FROM \"{table}\""), [])?;
                if let Some(collection) = Collection::from_table(table) {
                    records += removed as u64;
                    tx.touched.insert(collection.table());
                }
            }
            let id = new_id();
            let now = tx.stamp();
            tx.conn.execute(
                "UPDATE device SET device_id = ?1, hlc = max(hlc, ?2)",
                (&id, now.as_i64()),
            )?;
            tx.new_device_id = Some(id.into());
            Ok((records, unsent))
        })?;
        let compacted = self.compact();
        Ok(WipeSummary {
            records_removed,
            unsent_discarded,
            signed_out,
            compacted,
        })
    }
}
