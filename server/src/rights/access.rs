//! A person's export (GDPR articles 15 and 20): every record the server holds about them (with
//! the sound of their voice messages), and the audit lines saying who read, wrote or erased
//! each one.

use std::collections::BTreeSet;

use passerelle_core::rights::{ExportedRecord, VOICE_NOTE_COLLECTION, voice_note_record};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::{allowed, line, records_about};
use crate::auth::Actor;
use crate::error::ApiError;
use crate::store::{AuditEntry, StoreTx};

/// `GET /v1/people/{id}/export`.
#[derive(Debug, Serialize, Deserialize)]
pub struct PersonExport {
    /// Whose records.
    pub person_id: String,
    /// When the export was made (UTC ms).
    pub exported_at: i64,
    /// Every record about the person, by collection then id.
    pub records: Vec<ExportedRecord>,
    /// Who read, wrote or erased any of them (or was refused), oldest first.
    pub access: Vec<AccessLine>,
}

/// One audit line about a record of the export.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessLine {
    /// When (UTC ms).
    pub at: i64,
    /// Who acted.
    pub person_id: String,
    /// From which device.
    pub device_id: String,
    /// `read`, `write`, `denied` or `erase`.
    pub action: String,
    /// Collection.
    pub collection: String,
    /// Row key.
    pub row_id: String,
}

/// Exports every record about `person`, audited as reads; the access lines come after the
/// commit ([`attach_access`]). The outer error rolls back; the inner one is a refusal whose
/// audit line is committed all the same.
pub fn export(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    person: &str,
    now: i64,
) -> Result<Result<PersonExport, ApiError>, ApiError> {
    let role = match allowed(tx, actor, person, now)? {
        Ok(role) => role,
        Err(refused) => return Ok(Err(refused)),
    };
    let found = records_about(tx, person, role)?;
    let mut records = Vec::with_capacity(found.len());
    let mut reads = Vec::new();
    for f in found {
        if crate::write::audited(&f.collection) {
            reads.push(line(actor, now, "read", &f.collection, &f.id));
        }
        let data: Json = serde_json::from_str(&f.data).unwrap_or(Json::String(f.data));
        let voice = f.collection == "message" && data.get("kind") == Some(&Json::from("voice"));
        let sound = if voice { tx.voice_note(&f.id)? } else { None };
        records.push(ExportedRecord {
            collection: f.collection,
            id: f.id,
            data,
        });
        if let Some(note) = sound {
            reads.push(line(
                actor,
                now,
                "read",
                VOICE_NOTE_COLLECTION,
                &note.message_id,
            ));
            records.push(voice_note_record(&note));
        }
    }
    tx.audit(&reads)?;
    Ok(Ok(PersonExport {
        person_id: person.to_owned(),
        exported_at: now,
        records,
        access: Vec::new(),
    }))
}

/// The row keys whose audit lines an export reports: its records' and the person's own.
pub fn audited_keys(export: &PersonExport) -> Vec<String> {
    let mut ids: Vec<String> = export.records.iter().map(|r| r.id.clone()).collect();
    ids.push(export.person_id.clone());
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Adds to `export` the audit lines about its records, from `lines` (read for
/// [`audited_keys`]): an id is unique within its collection only, and lines about the person
/// themselves (codes issued to them, refusals) are theirs too.
pub fn attach_access(export: &mut PersonExport, lines: Vec<AuditEntry>) {
    let keys: BTreeSet<(&str, &str)> = export
        .records
        .iter()
        .map(|r| (r.collection.as_str(), r.id.as_str()))
        .collect();
    let person = export.person_id.as_str();
    let access = lines
        .into_iter()
        .filter(|l| l.row_id == person || keys.contains(&(l.collection.as_str(), &l.row_id)))
        .map(|l| AccessLine {
            at: l.at,
            person_id: l.person_id,
            device_id: l.device_id,
            action: l.action.to_owned(),
            collection: l.collection,
            row_id: l.row_id,
        })
        .collect();
    export.access = access;
}
