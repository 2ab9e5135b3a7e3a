//! A person's data (GDPR articles 15 and 20; DESIGN.md's privacy rules): which records are
//! about a person — one rule, used by this phone's export of its owner's data and by the
//! server's export and erasure — and the export of what this phone holds about its owner.
//!
//! A person's records: their person row and profiles; every row naming them in a person field
//! (consents, bookmarks, training and supervision, mentorships they belong to, check-ins they
//! wrote, messages they sent, receipts, escalation steps they took); and for a survivor every
//! row of their mentorships — the case notes, the conversation and the referrals are about
//! them, whoever wrote them. Another person's person row or profile never is. The sound of
//! each voice message among them comes along (collection `voice_note`, keyed by the message).

use std::collections::BTreeSet;

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::error::Result;
use crate::model::person::{Role, owner};
use crate::store::Store;
use crate::store::rows::{Collection, payload};
use crate::sync::protocol::{VoiceUpload, WireRow};
use crate::time::Millis;

/// The name an erased person's row keeps (the server writes it; a mentor's, caregiver's or
/// professional's row stays, as an id and a role, because survivors' records refer to it): no
/// language's word, so every app shows it as it is.
pub const ERASED_NAME: &str = "—";

/// Fields that name a person.
pub const PERSON_FIELDS: &[&str] = &[
    "survivor_id",
    "mentor_id",
    "coordinator_id",
    "caregiver_id",
    "person_id",
    "sender_id",
    "author_id",
    "actor_id",
    "raised_by",
    "assigned_to",
    "supervisor_id",
    "recorded_by",
    "withdrawn_by",
    "referred_by",
    "planned_by",
    "replied_by",
];

/// Whether row `id` of `collection` is about `person`. `of_their_mentorship`: the row belongs
/// to a mentorship whose survivor is `person` (the caller knows where it found the row).
pub fn is_about(
    collection: &str,
    id: &str,
    row: &WireRow,
    person: &str,
    of_their_mentorship: bool,
) -> bool {
    // A person row, or a profile (keyed by its person).
    let keyed_by_person = Collection::from_table(collection)
        .is_some_and(|c| c == Collection::Person || c.key_column() == "person_id");
    if keyed_by_person {
        return id == person;
    }
    of_their_mentorship
        || PERSON_FIELDS
            .iter()
            .any(|field| row.get(*field).and_then(Json::as_str) == Some(person))
}

/// One record of an export, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedRecord {
    /// Collection (table name).
    pub collection: String,
    /// Row key.
    pub id: String,
    /// Every synced field.
    pub data: Json,
}

/// What this phone holds about its owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyData {
    /// The owner.
    pub person_id: String,
    /// When the export was made (UTC ms).
    pub exported_at: Millis,
    /// Their records, by collection then id.
    pub records: Vec<ExportedRecord>,
}

impl Store {
    /// Everything this phone holds about its owner (see the module's documentation), in a
    /// machine-readable form they can take elsewhere: for a person to see or keep their own
    /// data without asking anyone. The programme's complete answer (rows this phone never
    /// held, who read each) comes from the server's export, through a professional.
    ///
    /// # Errors
    /// `NotAllowed` if nobody is signed in; a storage failure.
    pub fn export_my_data(&self) -> Result<MyData> {
        let exported_at = self.now();
        self.read(|c| {
            let me = owner(c)?;
            let theirs: BTreeSet<String> = if me.role == Role::Survivor {
                c.prepare_cached("SELECT id FROM mentorship WHERE survivor_id = ?1")?
                    .query_map([&me.id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            } else {
                BTreeSet::new()
            };
            let mut records = Vec::new();
            for &collection in Collection::ALL {
                let ids: Vec<String> = c
                    .prepare(&format!(
                        "SELECT {} FROM {} ORDER BY 1",
                        collection.key_column(),
                        collection.table()
                    ))?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for id in ids {
                    let Some(Json::Object(row)) = payload(c, collection, &id, None)? else {
                        continue;
                    };
                    let mentorship = if collection == Collection::Mentorship {
                        Some(id.as_str())
                    } else {
                        row.get("mentorship_id").and_then(Json::as_str)
                    };
                    let of_theirs = mentorship.is_some_and(|m| theirs.contains(m));
                    if is_about(collection.table(), &id, &row, &me.id, of_theirs) {
                        records.push(ExportedRecord {
                            collection: collection.table().to_owned(),
                            id,
                            data: Json::Object(row),
                        });
                    }
                }
            }
            let sounds = voice_notes_of(c, &records)?;
            records.extend(sounds);
            Ok(MyData {
                person_id: me.id,
                exported_at,
                records,
            })
        })
    }
}

/// The sound of each voice message among `records` this phone holds, as records of
/// `voice_note` keyed by their message (the audio in base64): a person's voice is theirs to
/// take along like the rest.
fn voice_notes_of(
    c: &rusqlite::Connection,
    records: &[ExportedRecord],
) -> Result<Vec<ExportedRecord>> {
    let mut stmt = c.prepare_cached(
        "SELECT media_type, duration_ms, audio FROM voice_note WHERE message_id = ?1",
    )?;
    let mut out = Vec::new();
    for r in records.iter().filter(|r| {
        r.collection == Collection::Message.table()
            && r.data.get("kind") == Some(&Json::from("voice"))
    }) {
        let note = stmt
            .query_row([&r.id], |row| {
                Ok(VoiceUpload {
                    message_id: r.id.clone(),
                    media_type: row.get(0)?,
                    duration_ms: row.get(1)?,
                    audio: row.get(2)?,
                })
            })
            .optional()?;
        if let Some(note) = note {
            out.push(voice_note_record(&note));
        }
    }
    Ok(out)
}

/// A voice note's sound as an export record (collection `voice_note`, keyed by its message).
pub fn voice_note_record(note: &VoiceUpload) -> ExportedRecord {
    ExportedRecord {
        collection: VOICE_NOTE_COLLECTION.to_owned(),
        id: note.message_id.clone(),
        data: serde_json::to_value(note).unwrap_or(Json::Null),
    }
}

/// What exports and audit lines call a voice note's sound.
pub const VOICE_NOTE_COLLECTION: &str = "voice_note";
