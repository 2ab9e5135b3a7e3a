//! Bookmarks: a person keeps a service for later, with a private note. Synced rows (the
//! `bookmark` collection), one per person and service — the id derives from both, so bookmarking
//! on two devices makes one row that merges per field. Removing keeps the row with `removed_at`
//! set, so the removal travels too; bookmarking again brings it back.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::detail::{DirectoryService, load};
use super::model::derived_id;
use crate::error::{Error, Result};
use crate::model::person::owner;
use crate::store::Store;
use crate::store::rows::Collection;
use crate::time::Millis;
use crate::validate::{MEDIUM_TEXT_MAX, optional_text, parse_id};

/// A bookmark.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Bookmark {
    /// Its id (derived from the person and the service).
    pub id: String,
    /// The service kept.
    pub service_id: String,
    /// The private note (at most 1,000 characters); only its author's devices hold it.
    pub note: Option<String>,
    /// When it was first made.
    pub created_at: Millis,
    /// When it last changed.
    pub updated_at: Millis,
}

/// A bookmark with the service as the directory has it now.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BookmarkedService {
    /// The bookmark.
    pub bookmark: Bookmark,
    /// The service; `None` if it has left the directory on this device.
    pub service: Option<DirectoryService>,
}

const COLS: &str = "id, service_id, note, created_at, updated_at, removed_at";

fn stored(c: &Connection, id: &str) -> Result<Option<(Bookmark, Option<Millis>)>> {
    Ok(
        c.prepare_cached(&format!("SELECT {COLS} FROM bookmark WHERE id = ?1"))?
            .query_row([id], |r| {
                Ok((
                    Bookmark {
                        id: r.get(0)?,
                        service_id: r.get(1)?,
                        note: r.get(2)?,
                        created_at: r.get(3)?,
                        updated_at: r.get(4)?,
                    },
                    r.get(5)?,
                ))
            })
            .optional()?,
    )
}

fn service_exists(c: &Connection, id: &str) -> Result<bool> {
    Ok(c.prepare_cached("SELECT 1 FROM dir_service WHERE id = ?1")?
        .exists([id])?)
}

impl Store {
    /// Bookmarks a service for the signed-in person, or changes the note of their bookmark.
    pub fn bookmark_service(&self, service_id: &str, note: Option<String>) -> Result<Bookmark> {
        let service_id = parse_id("service_id", service_id)?;
        let note = optional_text("note", note.as_deref(), MEDIUM_TEXT_MAX)?;
        self.write(|tx| {
            let me = owner(&tx.conn)?;
            if !service_exists(&tx.conn, &service_id)? {
                return Err(Error::NotFound("service"));
            }
            let id = derived_id(&["bookmark", &me.id, &service_id]);
            match stored(&tx.conn, &id)? {
                None => {
                    tx.insert(
                        Collection::Bookmark,
                        &id,
                        vec![
                            ("person_id", Value::Text(me.id.clone())),
                            ("service_id", Value::Text(service_id.clone())),
                            ("note", note.clone().into()),
                        ],
                    )?;
                }
                Some((old, removed_at)) => {
                    let mut changes = Vec::new();
                    if old.note != note {
                        changes.push(("note", Value::from(note.clone())));
                    }
                    if removed_at.is_some() {
                        changes.push(("removed_at", Value::Null));
                    }
                    tx.update(Collection::Bookmark, &id, changes)?;
                }
            }
            stored(&tx.conn, &id)?
                .map(|(b, _)| b)
                .ok_or(Error::NotFound("bookmark"))
        })
    }

    /// Removes the signed-in person's bookmark of a service.
    pub fn remove_bookmark(&self, service_id: &str) -> Result<()> {
        let service_id = parse_id("service_id", service_id)?;
        self.write(|tx| {
            let me = owner(&tx.conn)?;
            let id = derived_id(&["bookmark", &me.id, &service_id]);
            match stored(&tx.conn, &id)? {
                Some((_, None)) => {
                    let now = tx.now;
                    tx.update(
                        Collection::Bookmark,
                        &id,
                        vec![("removed_at", Value::Integer(now))],
                    )
                }
                _ => Err(Error::NotFound("bookmark")),
            }
        })
    }

    /// The signed-in person's bookmarks, most recently changed first.
    pub fn bookmarks(&self) -> Result<Vec<BookmarkedService>> {
        let now = self.now();
        self.read(|c| {
            let me = owner(c)?;
            let list: Vec<Bookmark> = c
                .prepare_cached(&format!(
                    "SELECT {COLS} FROM bookmark WHERE person_id = ?1 AND removed_at IS NULL
                     ORDER BY updated_at DESC, id"
                ))?
                .query_map([&me.id], |r| {
                    Ok(Bookmark {
                        id: r.get(0)?,
                        service_id: r.get(1)?,
                        note: r.get(2)?,
                        created_at: r.get(3)?,
                        updated_at: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            list.into_iter()
                .map(|bookmark| {
                    let service = match load(c, &bookmark.service_id, now) {
                        Ok(s) => Some(s),
                        Err(Error::NotFound(_)) => None,
                        Err(e) => return Err(e),
                    };
                    Ok(BookmarkedService { bookmark, service })
                })
                .collect()
        })
    }
}
