//! What each synced collection's rows may hold on the wire: one table of fields with their
//! types and limits. The server validates every pushed row against it and the device every
//! pulled row, so neither trusts the other's input, and the limits are the ones the API
//! enforces (validate.rs, the code enums).

use std::collections::HashMap;
use std::sync::OnceLock;

use rusqlite::types::Value;
use serde_json::Value as Json;

use super::protocol::WireRow;
use crate::directory::referral::ReferralVia;
use crate::error::{Error, Problem, Result};
use crate::model::checkin::{ContactMode, Reached};
use crate::model::consent::ConsentScope;
use crate::model::escalation::{ConcernCategory, Urgency};
use crate::model::mentorship::{EndingReason, MentorshipEventKind, MentorshipStatus};
use crate::model::person::{CommunicationNeed, JobRole, Relationship, Role};
use crate::model::planned_contact::{ContactReply, DURATION_MAX, DURATION_MIN};
use crate::model::training::SupervisionFormat;
use crate::store::rows::Collection;
use crate::time::EARLIEST_MS;
use crate::validate::{LIST_MAX, MEDIUM_TEXT_MAX, NAME_MAX, NOTES_MAX, SHORT_TEXT_MAX};

/// Longest message body, in characters.
pub const MESSAGE_MAX: usize = 2_000;

/// The type and limits of one field.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A UUID.
    Id,
    /// A UUID or null.
    OptId,
    /// Non-empty text up to `max` characters.
    Text(usize),
    /// Text that may be empty, up to `max` characters.
    FreeText(usize),
    /// Non-empty text up to `max` characters, or null.
    OptText(usize),
    /// One of the codes.
    Code(&'static [&'static str]),
    /// One of the codes, or null.
    OptCode(&'static [&'static str]),
    /// An integer in `min..=max`.
    Int(i64, i64),
    /// An integer in `min..=max`, or null.
    OptInt(i64, i64),
    /// UTC milliseconds, not before 1900.
    Time,
    /// UTC milliseconds or null.
    OptTime,
    /// A JSON array (as text) of at most [`LIST_MAX`] non-empty texts of `max` characters.
    TextList(usize),
    /// A JSON array (as text) of codes.
    CodeList(&'static [&'static str]),
}

use Kind::{
    Code, CodeList, FreeText, Id, Int, OptCode, OptId, OptInt, OptText, OptTime, Text, TextList,
    Time,
};

/// Latest time accepted on the wire: 9999-12-31. Tighter, field-specific bounds are checked
/// where the record is made; this only keeps absurd values out.
const LATEST_MS: i64 = 253_402_300_799_000;

/// The content fields of `collection` (its key and sync metadata excluded).
#[allow(clippy::too_many_lines)] // one table, read top to bottom
pub fn fields(collection: Collection) -> &'static [(&'static str, Kind)] {
    match collection {
        Collection::Person => &[
            ("role", Code(Role::CODES)),
            ("display_name", Text(NAME_MAX)),
        ],
        Collection::SurvivorProfile => &[
            ("preferred_languages", TextList(35)),
            ("communication_needs", CodeList(CommunicationNeed::CODES)),
            ("home_area", OptText(SHORT_TEXT_MAX)),
            ("stroke_date", OptTime),
            ("discharge_date", OptTime),
            ("goals", TextList(200)),
        ],
        Collection::MentorProfile => &[
            ("languages", TextList(35)),
            ("capacity", Int(1, LIST_MAX as i64)),
            ("availability", OptText(SHORT_TEXT_MAX)),
        ],
        Collection::CaregiverProfile => &[
            ("survivor_id", Id),
            ("relationship", Code(Relationship::CODES)),
        ],
        Collection::ProfessionalProfile => &[
            ("team", Text(SHORT_TEXT_MAX)),
            ("job_role", Code(JobRole::CODES)),
        ],
        Collection::Mentorship => &[
            ("survivor_id", Id),
            ("mentor_id", Id),
            ("coordinator_id", Id),
            ("status", Code(MentorshipStatus::CODES)),
            ("planned_contacts", Int(1, 100)),
            ("planned_weeks", Int(1, 104)),
            ("matching_notes", OptText(MEDIUM_TEXT_MAX)),
            ("started_at", OptTime),
            ("ended_at", OptTime),
            ("ending_reason", OptCode(EndingReason::CODES)),
        ],
        Collection::MentorshipEvent => &[
            ("mentorship_id", Id),
            ("kind", Code(MentorshipEventKind::CODES)),
            ("actor_id", Id),
            ("at", Time),
            ("reason", OptCode(EndingReason::CODES)),
            ("note", OptText(MEDIUM_TEXT_MAX)),
        ],
        Collection::CheckIn => &[
            ("checkin_id", Id),
            ("version", Int(1, 100_000)),
            ("supersedes", OptId),
            ("mentorship_id", Id),
            ("author_id", Id),
            ("occurred_at", Time),
            ("mode", Code(ContactMode::CODES)),
            ("duration_minutes", Int(0, 600)),
            ("reached", Code(Reached::CODES)),
            ("dimensions", Int(0, 31)),
            ("wellbeing", OptInt(1, 5)),
            ("notes", FreeText(NOTES_MAX)),
            ("resources_shared", TextList(200)),
            ("follow_up_action", OptText(MEDIUM_TEXT_MAX)),
            ("follow_up_due", OptTime),
            ("follow_up_done_at", OptTime),
            ("amendment_reason", OptText(MEDIUM_TEXT_MAX)),
            ("planned_contact_id", OptId),
        ],
        Collection::Escalation => &[
            ("checkin_id", Id),
            ("mentorship_id", Id),
            ("raised_by", Id),
            ("assigned_to", Id),
            ("category", Code(ConcernCategory::CODES)),
            ("urgency", Code(Urgency::CODES)),
            ("summary", Text(MEDIUM_TEXT_MAX)),
            ("raised_at", Time),
        ],
        Collection::EscalationEvent => &[
            ("escalation_id", Id),
            ("kind", Code(&["acknowledged", "resolved"])),
            ("actor_id", Id),
            ("at", Time),
            ("note", OptText(MEDIUM_TEXT_MAX)),
        ],
        Collection::Training => &[
            ("mentor_id", Id),
            ("course", Text(SHORT_TEXT_MAX)),
            ("completed_at", Time),
            ("valid_until", OptTime),
            ("recorded_by", Id),
            ("notes", OptText(MEDIUM_TEXT_MAX)),
        ],
        Collection::Supervision => &[
            ("mentor_id", Id),
            ("supervisor_id", Id),
            ("held_at", Time),
            ("format", Code(SupervisionFormat::CODES)),
            ("duration_minutes", Int(1, 600)),
            ("notes", OptText(MEDIUM_TEXT_MAX)),
        ],
        Collection::Consent => &[
            ("survivor_id", Id),
            ("scope", Code(ConsentScope::CODES)),
            ("caregiver_id", OptId),
            ("granted_at", Time),
            ("recorded_by", Id),
            ("withdrawn_at", OptTime),
            ("withdrawn_by", OptId),
        ],
        Collection::Message => &[
            ("mentorship_id", Id),
            ("sender_id", Id),
            ("kind", Code(&["text", "voice", "service"])),
            ("body", FreeText(MESSAGE_MAX)),
            ("attachment_ref", OptText(SHORT_TEXT_MAX)),
        ],
        Collection::ConversationRead => &[
            ("mentorship_id", Id),
            ("person_id", Id),
            ("delivered_up_to", Int(0, i64::MAX)),
            ("read_up_to", Int(0, i64::MAX)),
        ],
        Collection::Bookmark => &[
            ("person_id", Id),
            ("service_id", Text(SHORT_TEXT_MAX)),
            ("note", OptText(MEDIUM_TEXT_MAX)),
            ("removed_at", OptTime),
        ],
        Collection::Referral => &[
            ("mentorship_id", Id),
            ("service_id", Id),
            ("via", Code(ReferralVia::CODES)),
            ("via_id", Id),
            ("referred_by", Id),
            ("referred_at", Time),
            ("removed_at", OptTime),
        ],
        Collection::PlannedContact => &[
            ("mentorship_id", Id),
            ("planned_by", Id),
            ("starts_at", Time),
            ("duration_minutes", Int(DURATION_MIN, DURATION_MAX)),
            ("mode", Code(ContactMode::CODES)),
            ("place", OptText(SHORT_TEXT_MAX)),
            ("note", OptText(MEDIUM_TEXT_MAX)),
            ("cancelled_at", OptTime),
            ("reply", OptCode(ContactReply::CODES)),
            ("replied_by", OptId),
            ("replied_at", OptTime),
            ("replied_for", OptTime),
        ],
    }
}

/// Fields an update may never change: they decide who may see or write the row.
pub fn immutable_fields(collection: Collection) -> &'static [&'static str] {
    match collection {
        Collection::Person => &["role"],
        Collection::CaregiverProfile => &["survivor_id"],
        Collection::Mentorship => &["survivor_id", "mentor_id", "coordinator_id"],
        Collection::Consent => &["survivor_id", "scope", "caregiver_id", "recorded_by"],
        Collection::ConversationRead => &["mentorship_id", "person_id"],
        Collection::Bookmark => &["person_id", "service_id"],
        Collection::Referral => &[
            "mentorship_id",
            "service_id",
            "via",
            "via_id",
            "referred_by",
        ],
        Collection::PlannedContact => &["mentorship_id", "planned_by"],
        _ => &[],
    }
}

/// Every column of `collection` as stored and sent: key, content, and sync metadata.
pub fn columns(collection: Collection) -> Vec<&'static str> {
    column_checks(collection)
        .iter()
        .map(|(name, _)| *name)
        .collect()
}

/// How one column of a synced row is checked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ColumnCheck {
    /// The row's key: a UUID, present even in an update.
    Key,
    /// A content field.
    Field(Kind),
    /// `created_at`, present in a whole row.
    Created,
    /// `updated_at` of an editable row.
    Updated,
    /// Per-field stamps of an editable row.
    FieldStamps,
    /// The installation (or `server`) that made the row, present in a whole row.
    Origin,
    /// The row's hybrid-logical-clock stamp, present even in an update.
    Stamp,
}

/// Every column of `collection` in the order [`columns`] gives, each with its check. Built
/// once: the pull checks every column of every row it receives.
pub(crate) fn column_checks(collection: Collection) -> &'static [(&'static str, ColumnCheck)] {
    static ALL: OnceLock<HashMap<Collection, Vec<(&'static str, ColumnCheck)>>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Collection::ALL
            .iter()
            .map(|&coll| {
                let mut cols = vec![(coll.key_column(), ColumnCheck::Key)];
                cols.extend(
                    fields(coll)
                        .iter()
                        .map(|(name, kind)| (*name, ColumnCheck::Field(*kind))),
                );
                cols.push(("created_at", ColumnCheck::Created));
                if !coll.is_append_only() {
                    cols.push(("updated_at", ColumnCheck::Updated));
                    cols.push(("field_hlc", ColumnCheck::FieldStamps));
                }
                cols.push(("origin", ColumnCheck::Origin));
                cols.push(("hlc", ColumnCheck::Stamp));
                (coll, cols)
            })
            .collect()
    });
    &all[&collection]
}

/// Checks a wire row of `collection`: a whole row for an insert (every field present), or the
/// changed fields of an update. Unknown fields are refused: they come from a newer app.
pub fn check_row(collection: Collection, row: &WireRow, whole: bool) -> Result<()> {
    let checks = column_checks(collection);
    if let Some(unknown) = row
        .keys()
        .find(|name| !checks.iter().any(|(known, _)| known == name))
    {
        return Err(Error::unknown_code("field", unknown));
    }
    check_columns(collection, whole, |i| row.get(checks[i].0))
}

/// The checks of one row, whatever holds its values: `sent(i)` is the value of the `i`th of
/// [`column_checks`], if the row has it.
pub(crate) fn check_columns<'a>(
    collection: Collection,
    whole: bool,
    sent: impl Fn(usize) -> Option<&'a Json>,
) -> Result<()> {
    for (i, (name, check)) in column_checks(collection).iter().enumerate() {
        match (sent(i), check) {
            (Some(value), _) => check_column(collection, name, *check, value)?,
            (None, ColumnCheck::Key | ColumnCheck::Stamp) => {
                check_column(collection, name, *check, &Json::Null)?;
            }
            (None, ColumnCheck::Field(kind)) if whole => check_field(name, *kind, &Json::Null)?,
            (None, ColumnCheck::Created) if whole => {
                return Err(field_error("created_at", Problem::Empty));
            }
            (None, ColumnCheck::Origin) if whole => {
                return Err(field_error("origin", Problem::Empty));
            }
            (None, _) => {}
        }
    }
    Ok(())
}

fn check_column(
    collection: Collection,
    name: &'static str,
    check: ColumnCheck,
    v: &Json,
) -> Result<()> {
    match check {
        ColumnCheck::Key => check_field("id", Id, v),
        ColumnCheck::Field(kind) => check_field(name, kind, v),
        ColumnCheck::Created | ColumnCheck::Updated => check_field("created_at", Time, v),
        ColumnCheck::FieldStamps => check_field_stamps(collection, v),
        ColumnCheck::Origin => check_text("origin", v, 64, false),
        ColumnCheck::Stamp => check_int("hlc", v, 0, i64::MAX),
    }
}

fn field_error(field: &'static str, problem: Problem) -> Error {
    Error::Invalid { field, problem }
}

fn check_text(field: &'static str, v: &Json, max: usize, empty_ok: bool) -> Result<()> {
    let Json::String(s) = v else {
        return Err(field_error(field, Problem::Malformed));
    };
    if !empty_ok && s.trim().is_empty() {
        return Err(field_error(field, Problem::Empty));
    }
    if s.chars().count() > max {
        return Err(field_error(field, Problem::TooLong { max }));
    }
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(field_error(field, Problem::Malformed));
    }
    Ok(())
}

fn check_int(field: &'static str, v: &Json, min: i64, max: i64) -> Result<()> {
    match v.as_i64() {
        Some(n) if (min..=max).contains(&n) => Ok(()),
        Some(_) => Err(field_error(field, Problem::OutOfRange { min, max })),
        None => Err(field_error(field, Problem::Malformed)),
    }
}

fn check_code(kind: &'static str, v: &Json, codes: &[&str]) -> Result<()> {
    match v.as_str() {
        Some(c) if codes.contains(&c) => Ok(()),
        Some(c) => Err(Error::unknown_code(kind, c)),
        None => Err(field_error(kind, Problem::Malformed)),
    }
}

fn check_list(field: &'static str, v: &Json, item: impl Fn(&Json) -> Result<()>) -> Result<()> {
    let Json::String(text) = v else {
        return Err(field_error(field, Problem::Malformed));
    };
    let Ok(Json::Array(items)) = serde_json::from_str::<Json>(text) else {
        return Err(field_error(field, Problem::Malformed));
    };
    if items.len() > LIST_MAX {
        return Err(field_error(field, Problem::TooMany { max: LIST_MAX }));
    }
    items.iter().try_for_each(item)
}

/// Checks one field's value.
pub fn check_field(field: &'static str, kind: Kind, v: &Json) -> Result<()> {
    let optional = matches!(kind, OptId | OptText(_) | OptCode(_) | OptInt(..) | OptTime);
    if v.is_null() {
        return if optional {
            Ok(())
        } else {
            Err(field_error(field, Problem::Empty))
        };
    }
    match kind {
        Id | OptId => match v.as_str().map(uuid::Uuid::try_parse) {
            Some(Ok(_)) => Ok(()),
            _ => Err(field_error(field, Problem::Malformed)),
        },
        Text(max) | OptText(max) => check_text(field, v, max, false),
        FreeText(max) => check_text(field, v, max, true),
        Code(codes) | OptCode(codes) => check_code(field, v, codes),
        Int(min, max) | OptInt(min, max) => check_int(field, v, min, max),
        Time | OptTime => match v.as_i64() {
            Some(t) if t < EARLIEST_MS => Err(field_error(field, Problem::TooEarly)),
            Some(t) if t > LATEST_MS => Err(field_error(field, Problem::TooLate)),
            Some(_) => Ok(()),
            None => Err(field_error(field, Problem::Malformed)),
        },
        TextList(max) => check_list(field, v, |item| check_text(field, item, max, false)),
        CodeList(codes) => check_list(field, v, |item| check_code(field, item, codes)),
    }
}

fn check_field_stamps(collection: Collection, v: &Json) -> Result<()> {
    let map = match v {
        Json::String(text) => serde_json::from_str::<Json>(text).ok(),
        other => Some(other.clone()),
    };
    let Some(Json::Object(map)) = map else {
        return Err(field_error("field_hlc", Problem::Malformed));
    };
    for (name, stamp) in &map {
        if !fields(collection).iter().any(|(n, _)| n == name) {
            return Err(Error::unknown_code("field", name));
        }
        check_int("field_hlc", stamp, 0, i64::MAX)?;
    }
    Ok(())
}

/// A wire value as the SQLite value stored in the column.
pub fn to_sql(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)), Value::Integer),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// The per-field stamps of a wire row (`field_hlc` as text or object).
pub fn field_stamps(row: &WireRow) -> serde_json::Map<String, Json> {
    match row.get("field_hlc") {
        Some(Json::String(text)) => match serde_json::from_str(text) {
            Ok(Json::Object(m)) => m,
            _ => serde_json::Map::new(),
        },
        Some(Json::Object(m)) => m.clone(),
        _ => serde_json::Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, Json)]) -> WireRow {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn rows_are_checked_field_by_field() {
        let id = crate::validate::new_id();
        let ok = row(&[
            ("id", id.clone().into()),
            ("role", "mentor".into()),
            ("display_name", "Ana".into()),
            ("created_at", 1_700_000_000_000_i64.into()),
            ("updated_at", 1_700_000_000_000_i64.into()),
            ("field_hlc", "{}".into()),
            ("origin", id.clone().into()),
            ("hlc", 5.into()),
        ]);
        check_row(Collection::Person, &ok, true).unwrap();
        let mut bad = ok.clone();
        bad.insert("role".into(), "wizard".into());
        assert!(matches!(
            check_row(Collection::Person, &bad, true),
            Err(Error::UnknownCode { .. })
        ));
        let mut extra = ok.clone();
        extra.insert("favourite_colour".into(), "blue".into());
        assert!(matches!(
            check_row(Collection::Person, &extra, true),
            Err(Error::UnknownCode { kind: "field", .. })
        ));
        let mut missing = ok;
        missing.remove("display_name");
        assert!(check_row(Collection::Person, &missing, true).is_err());
        assert!(
            check_row(Collection::Person, &missing, false).is_ok(),
            "an update names only what changed"
        );
    }

    #[test]
    fn every_collection_has_columns_matching_its_table() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(
            dir.path().join("s.db"),
            crate::Key::Unencrypted,
            crate::StoreOptions::default(),
        )
        .unwrap();
        store
            .read(|c| {
                for &collection in Collection::ALL {
                    let stmt = c.prepare(&format!("SELECT * FROM {}", collection.table()))?;
                    let mut table: Vec<&str> =
                        stmt.column_names().filter(|n| *n != "superseded").collect();
                    let mut spec = columns(collection);
                    table.sort_unstable();
                    spec.sort_unstable();
                    assert_eq!(table, spec, "{}", collection.table());
                }
                Ok(())
            })
            .unwrap();
    }
}
