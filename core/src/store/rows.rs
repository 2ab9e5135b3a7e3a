//! Writing synced rows. One column list builds both the SQL statement and the outbox entry, so
//! what is stored and what will be pushed can never drift apart.

use std::fmt::Write as _;

use rusqlite::OptionalExtension;
use rusqlite::types::Value;

use super::Tx;
use crate::clock::Hlc;
use crate::error::{Result, StoreError};

/// The kinds of synced rows, with their table and merge rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    /// `person`
    Person,
    /// `survivor_profile`
    SurvivorProfile,
    /// `mentor_profile`
    MentorProfile,
    /// `caregiver_profile`
    CaregiverProfile,
    /// `professional_profile`
    ProfessionalProfile,
    /// `mentorship`
    Mentorship,
    /// `mentorship_event`
    MentorshipEvent,
    /// `checkin`
    CheckIn,
    /// `escalation`
    Escalation,
    /// `escalation_event`
    EscalationEvent,
    /// `training_record`
    Training,
    /// `supervision_session`
    Supervision,
    /// `consent`
    Consent,
    /// `bookmark`
    Bookmark,
    /// `message`
    Message,
    /// `conversation_read`
    ConversationRead,
    /// `referral`
    Referral,
    /// `planned_contact`
    PlannedContact,
}

impl Collection {
    /// Every collection.
    pub const ALL: &'static [Self] = &[
        Self::Person,
        Self::SurvivorProfile,
        Self::MentorProfile,
        Self::CaregiverProfile,
        Self::ProfessionalProfile,
        Self::Mentorship,
        Self::MentorshipEvent,
        Self::CheckIn,
        Self::Escalation,
        Self::EscalationEvent,
        Self::Training,
        Self::Supervision,
        Self::Consent,
        Self::Bookmark,
        Self::Message,
        Self::ConversationRead,
        Self::Referral,
        Self::PlannedContact,
    ];

    /// The collection stored in `table`.
    pub fn from_table(table: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.table() == table)
    }

    /// The table (and the collection's name on the wire).
    pub fn table(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::SurvivorProfile => "survivor_profile",
            Self::MentorProfile => "mentor_profile",
            Self::CaregiverProfile => "caregiver_profile",
            Self::ProfessionalProfile => "professional_profile",
            Self::Mentorship => "mentorship",
            Self::MentorshipEvent => "mentorship_event",
            Self::CheckIn => "checkin",
            Self::Escalation => "escalation",
            Self::EscalationEvent => "escalation_event",
            Self::Training => "training_record",
            Self::Supervision => "supervision_session",
            Self::Consent => "consent",
            Self::Bookmark => "bookmark",
            Self::Message => "message",
            Self::ConversationRead => "conversation_read",
            Self::Referral => "referral",
            Self::PlannedContact => "planned_contact",
        }
    }

    /// Append-only rows are never updated; editable rows merge per field.
    pub fn is_append_only(self) -> bool {
        !matches!(
            self,
            Self::Person
                | Self::SurvivorProfile
                | Self::MentorProfile
                | Self::CaregiverProfile
                | Self::ProfessionalProfile
                | Self::Mentorship
                | Self::Consent
                | Self::Bookmark
                | Self::ConversationRead
                | Self::Referral
                | Self::PlannedContact
        )
    }

    /// The primary-key column (profiles are keyed by their person).
    pub fn key_column(self) -> &'static str {
        match self {
            Self::SurvivorProfile
            | Self::MentorProfile
            | Self::CaregiverProfile
            | Self::ProfessionalProfile => "person_id",
            _ => "id",
        }
    }
}

/// A column and the value to store in it.
pub(crate) type Col = (&'static str, Value);

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => (*f).into(),
        Value::Text(s) => s.clone().into(),
        Value::Blob(b) => hex::encode(b).into(),
    }
}

impl Tx<'_> {
    /// Inserts a new row of `collection` keyed `id`, stamping it and queueing it for push.
    pub(crate) fn insert(
        &mut self,
        collection: Collection,
        id: &str,
        mut cols: Vec<Col>,
    ) -> Result<Hlc> {
        let hlc = self.stamp();
        self.touched.insert(collection.table());
        cols.push((collection.key_column(), Value::Text(id.to_owned())));
        cols.push(("created_at", Value::Integer(self.now)));
        if !collection.is_append_only() {
            cols.push(("updated_at", Value::Integer(self.now)));
        }
        cols.push(("origin", Value::Text(self.device_id.to_owned())));
        cols.push(("hlc", Value::Integer(hlc.as_i64())));

        let mut sql = format!("INSERT INTO {} (", collection.table());
        for (i, (name, _)) in cols.iter().enumerate() {
            let _ = write!(sql, "{}{name}", if i == 0 { "" } else { ", " });
        }
        sql.push_str(") VALUES (");
        for i in 1..=cols.len() {
            let _ = write!(sql, "{}?{i}", if i == 1 { "" } else { ", " });
        }
        sql.push(')');
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute(rusqlite::params_from_iter(cols.iter().map(|(_, v)| v))))
            .map_err(StoreError::from)?;
        self.queue(collection, id, None, hlc)?;
        Ok(hlc)
    }

    /// Changes `changes` on row `id` of an editable `collection`, stamping each changed field
    /// for the per-field merge, and queues the change. Fields equal to the stored value should
    /// be left out by the caller; an empty change writes nothing.
    pub(crate) fn update(
        &mut self,
        collection: Collection,
        id: &str,
        changes: Vec<Col>,
    ) -> Result<()> {
        debug_assert!(
            !collection.is_append_only(),
            "append-only rows are never updated"
        );
        if changes.is_empty() {
            return Ok(());
        }
        let hlc = self.stamp();
        self.touched.insert(collection.table());
        let mut sql = format!("UPDATE {} SET ", collection.table());
        let mut field_hlc = String::from("json_set(field_hlc");
        for (i, (name, _)) in changes.iter().enumerate() {
            let _ = write!(sql, "{name} = ?{}, ", i + 1);
            let _ = write!(field_hlc, ", '$.{name}', ?{}", changes.len() + 3);
        }
        field_hlc.push(')');
        let n = changes.len();
        let _ = write!(
            sql,
            "updated_at = ?{}, hlc = ?{}, field_hlc = {field_hlc} WHERE {} = ?{}",
            n + 1,
            n + 2,
            collection.key_column(),
            n + 4
        );
        let params = changes
            .iter()
            .map(|(_, v)| v.clone())
            .chain([
                Value::Integer(self.now),
                Value::Integer(hlc.as_i64()),
                Value::Integer(hlc.as_i64()),
            ])
            .chain([Value::Text(id.to_owned())]);
        let updated = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute(rusqlite::params_from_iter(params)))
            .map_err(StoreError::from)?;
        if updated != 1 {
            return Err(crate::Error::NotFound(collection.table()));
        }
        let names: Vec<&str> = changes.iter().map(|(name, _)| *name).collect();
        self.queue(collection, id, Some(&names), hlc)
    }

    /// Inserts the row if `id` is new, otherwise updates the fields of `cols` that differ from
    /// what is stored. Returns whether anything was written.
    pub(crate) fn upsert(
        &mut self,
        collection: Collection,
        id: &str,
        cols: Vec<Col>,
    ) -> Result<bool> {
        let mut sql = String::from("SELECT ");
        for (i, (name, _)) in cols.iter().enumerate() {
            let _ = write!(sql, "{}{name}", if i == 0 { "" } else { ", " });
        }
        let _ = write!(
            sql,
            " FROM {} WHERE {} = ?1",
            collection.table(),
            collection.key_column()
        );
        let stored: Option<Vec<Value>> = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect()
                })
                .optional()
            })
            .map_err(StoreError::from)?;
        match stored {
            None => self.insert(collection, id, cols).map(|_| true),
            Some(old) => {
                let changes: Vec<Col> = cols
                    .into_iter()
                    .zip(old)
                    .filter(|((_, new), old)| new != old)
                    .map(|(c, _)| c)
                    .collect();
                let any = !changes.is_empty();
                self.update(collection, id, changes)?;
                Ok(any)
            }
        }
    }

    fn queue(
        &mut self,
        collection: Collection,
        id: &str,
        fields: Option<&[&str]>,
        hlc: Hlc,
    ) -> Result<()> {
        let fields = fields.map(|f| serde_json::to_string(f).unwrap_or_default());
        self.conn
            .prepare_cached(
                "INSERT INTO outbox (hlc, collection, row_id, op, fields, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                let op = if fields.is_some() { "update" } else { "insert" };
                s.execute((hlc.as_i64(), collection.table(), id, op, fields, self.now))
            })
            .map_err(StoreError::from)?;
        Ok(())
    }
}

/// Columns that are this device's own derived state and never travel.
const LOCAL_COLUMNS: &[&str] = &["superseded"];

/// Columns added to a collection after its first release, sent in a new row only when set: a
/// device of the version before refuses a row with a field it does not know, and reads every
/// row that leaves them out.
const SENT_WHEN_SET: &[&str] = &["planned_contact_id"];

/// The wire form of row `id` of `collection`: every synced column for an insert, or the named
/// `fields` with the row's stamps for an update. `None` if the row no longer exists.
pub(crate) fn payload(
    conn: &rusqlite::Connection,
    collection: Collection,
    id: &str,
    fields: Option<&[String]>,
) -> Result<Option<serde_json::Value>> {
    let sql = format!(
        "SELECT * FROM {} WHERE {} = ?1",
        collection.table(),
        collection.key_column()
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::from)?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt.query([id]).map_err(StoreError::from)?;
    let Some(row) = rows.next().map_err(StoreError::from)? else {
        return Ok(None);
    };
    let mut map = serde_json::Map::new();
    for (i, name) in names.iter().enumerate() {
        let wanted = match fields {
            None => !LOCAL_COLUMNS.contains(&name.as_str()),
            Some(f) => {
                f.contains(name)
                    || ["updated_at", "hlc", "field_hlc"].contains(&name.as_str())
                    || name == collection.key_column()
            }
        };
        if wanted {
            let v: Value = row.get(i).map_err(StoreError::from)?;
            if v == Value::Null && fields.is_none() && SENT_WHEN_SET.contains(&name.as_str()) {
                continue;
            }
            map.insert(name.clone(), to_json(&v));
        }
    }
    Ok(Some(serde_json::Value::Object(map)))
}
