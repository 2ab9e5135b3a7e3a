//! Concerns and escalations: a worry a mentor raises in a check-in goes to the mentorship's
//! coordinator, who acknowledges it and later resolves it. Each step is an append-only event,
//! time-stamped and attributed, so the loop is auditable and never conflicts in sync.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::codes::code_enum;
use super::mentorship::load_mentorship;
use super::person::{Role, owner, owner_with_role};
use crate::error::{Error, Result};
use crate::store::rows::Collection;
use crate::store::{Store, Tx};
use crate::time::Millis;
use crate::validate::{MEDIUM_TEXT_MAX, new_id, optional_text, parse_id, required_text};

code_enum! {
    /// What the worry is about.
    pub enum ConcernCategory as "concern category" {
        /// Physical health: new symptoms, falls, medication.
        PhysicalHealth = "physical_health",
        /// Mood: low mood, anxiety, hopelessness.
        Mood = "mood",
        /// Safety: risk to the survivor or others, abuse, neglect.
        Safety = "safety",
        /// The caregiver is not coping.
        CaregiverStrain = "caregiver_strain",
        /// Practical: money, housing, benefits, isolation.
        Practical = "practical",
        /// Anything else.
        Other = "other",
    }
}

code_enum! {
    /// How soon the coordinator must act.
    pub enum Urgency as "urgency" {
        /// At the next supervision.
        Routine = "routine",
        /// Within days.
        Soon = "soon",
        /// Today.
        Urgent = "urgent",
    }
}

code_enum! {
    /// Where an escalation is in its loop.
    pub enum EscalationStatus as "escalation status" {
        /// Raised, not yet seen.
        Open = "open",
        /// The coordinator has seen it and is acting.
        Acknowledged = "acknowledged",
        /// Dealt with.
        Resolved = "resolved",
    }
}

/// A worry to raise with a check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewConcern {
    /// What it is about.
    pub category: ConcernCategory,
    /// How soon.
    pub urgency: Urgency,
    /// What the mentor saw or heard, 1 to 1,000 characters.
    pub summary: String,
}

impl NewConcern {
    pub(crate) fn validated(self) -> Result<Self> {
        Ok(Self {
            summary: required_text("concern.summary", &self.summary, MEDIUM_TEXT_MAX)?,
            ..self
        })
    }
}

/// An escalation with its acknowledgement and resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Escalation {
    /// UUIDv7.
    pub id: String,
    /// The check-in that raised it.
    pub checkin_id: String,
    /// The mentorship.
    pub mentorship_id: String,
    /// The mentor who raised it.
    pub raised_by: String,
    /// The professional it is routed to.
    pub assigned_to: String,
    /// What it is about.
    pub category: ConcernCategory,
    /// How soon.
    pub urgency: Urgency,
    /// What the mentor saw or heard.
    pub summary: String,
    /// When it was raised.
    pub raised_at: Millis,
    /// Where it is.
    pub status: EscalationStatus,
    /// When it was acknowledged.
    pub acknowledged_at: Option<Millis>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// The acknowledgement's note.
    pub acknowledgement_note: Option<String>,
    /// When it was resolved.
    pub resolved_at: Option<Millis>,
    /// Who resolved it.
    pub resolved_by: Option<String>,
    /// What was done.
    pub resolution_note: Option<String>,
}

/// The columns of [`escalation_from_row`]; `e` is `escalation`.
pub(crate) const ESCALATION_SELECT: &str = "SELECT e.id, e.checkin_id, e.mentorship_id, e.raised_by, \
     e.assigned_to, e.category, e.urgency, e.summary, e.raised_at, \
     a.at AS ack_at, a.actor_id AS ack_by, a.note AS ack_note, \
     r.at AS res_at, r.actor_id AS res_by, r.note AS res_note \
     FROM escalation e \
     LEFT JOIN escalation_event a ON a.id = (SELECT id FROM escalation_event \
         WHERE escalation_id = e.id AND kind = 'acknowledged' ORDER BY hlc, id LIMIT 1) \
     LEFT JOIN escalation_event r ON r.id = (SELECT id FROM escalation_event \
         WHERE escalation_id = e.id AND kind = 'resolved' ORDER BY hlc, id LIMIT 1)";

pub(crate) fn escalation_from_row(r: &Row<'_>) -> rusqlite::Result<Escalation> {
    let acknowledged_at: Option<Millis> = r.get("ack_at")?;
    let resolved_at: Option<Millis> = r.get("res_at")?;
    Ok(Escalation {
        id: r.get("id")?,
        checkin_id: r.get("checkin_id")?,
        mentorship_id: r.get("mentorship_id")?,
        raised_by: r.get("raised_by")?,
        assigned_to: r.get("assigned_to")?,
        category: r.get("category")?,
        urgency: r.get("urgency")?,
        summary: r.get("summary")?,
        raised_at: r.get("raised_at")?,
        status: match (acknowledged_at, resolved_at) {
            (_, Some(_)) => EscalationStatus::Resolved,
            (Some(_), None) => EscalationStatus::Acknowledged,
            (None, None) => EscalationStatus::Open,
        },
        acknowledged_at,
        acknowledged_by: r.get("ack_by")?,
        acknowledgement_note: r.get("ack_note")?,
        resolved_at,
        resolved_by: r.get("res_by")?,
        resolution_note: r.get("res_note")?,
    })
}

pub(crate) fn load_escalation(c: &Connection, id: &str) -> Result<Escalation> {
    c.prepare_cached(&format!("{ESCALATION_SELECT} WHERE e.id = ?1"))?
        .query_row([id], escalation_from_row)
        .optional()?
        .ok_or(Error::NotFound("escalation"))
}

/// Opens an escalation for a check-in's concern, routed to the mentorship's coordinator.
pub(crate) fn open_escalation(
    tx: &mut Tx<'_>,
    checkin_id: &str,
    mentorship_id: &str,
    raised_by: &str,
    concern: NewConcern,
) -> Result<Escalation> {
    let m = load_mentorship(&tx.conn, mentorship_id)?;
    let id = new_id();
    let now = tx.now;
    tx.insert(
        Collection::Escalation,
        &id,
        vec![
            ("checkin_id", Value::Text(checkin_id.to_owned())),
            ("mentorship_id", Value::Text(mentorship_id.to_owned())),
            ("raised_by", Value::Text(raised_by.to_owned())),
            ("assigned_to", Value::Text(m.coordinator_id)),
            ("category", concern.category.into()),
            ("urgency", concern.urgency.into()),
            ("summary", Value::Text(concern.summary)),
            ("raised_at", Value::Integer(now)),
        ],
    )?;
    load_escalation(&tx.conn, &id)
}

/// Whether `step` (acknowledged or resolved) may follow `status`: the one rule book for
/// devices and the server.
pub fn check_step(status: EscalationStatus, step: EscalationStatus) -> Result<()> {
    match (step, status) {
        (_, EscalationStatus::Resolved) => {
            Err(Error::InvalidState("the escalation is already resolved"))
        }
        (EscalationStatus::Acknowledged, EscalationStatus::Acknowledged) => Err(
            Error::InvalidState("the escalation is already acknowledged"),
        ),
        (EscalationStatus::Open, _) => Err(Error::InvalidState("an escalation cannot be reopened")),
        _ => Ok(()),
    }
}

fn add_step(
    tx: &mut Tx<'_>,
    escalation_id: &str,
    kind: EscalationStatus,
    note: Option<String>,
) -> Result<Escalation> {
    let me = owner_with_role(
        &tx.conn,
        Role::Professional,
        "only the assigned professional handles an escalation",
    )?;
    let e = load_escalation(&tx.conn, escalation_id)?;
    if e.assigned_to != me.id {
        return Err(Error::NotAllowed(
            "only the assigned professional handles an escalation",
        ));
    }
    check_step(e.status, kind)?;
    let now = tx.now;
    tx.insert(
        Collection::EscalationEvent,
        &new_id(),
        vec![
            ("escalation_id", Value::Text(e.id.clone())),
            ("kind", kind.into()),
            ("actor_id", Value::Text(me.id)),
            ("at", Value::Integer(now)),
            ("note", note.into()),
        ],
    )?;
    load_escalation(&tx.conn, &e.id)
}

impl Store {
    /// The assigned professional acknowledges an open escalation.
    pub fn acknowledge_escalation(
        &self,
        escalation_id: &str,
        note: Option<String>,
    ) -> Result<Escalation> {
        let id = parse_id("escalation_id", escalation_id)?;
        let note = optional_text("note", note.as_deref(), MEDIUM_TEXT_MAX)?;
        self.write(|tx| add_step(tx, &id, EscalationStatus::Acknowledged, note))
    }

    /// The assigned professional resolves an escalation, saying what was done.
    pub fn resolve_escalation(&self, escalation_id: &str, note: &str) -> Result<Escalation> {
        let id = parse_id("escalation_id", escalation_id)?;
        let note = required_text("note", note, MEDIUM_TEXT_MAX)?;
        self.write(|tx| add_step(tx, &id, EscalationStatus::Resolved, Some(note)))
    }

    /// One escalation, for its mentor, its assignee or the mentorship's coordinator.
    pub fn escalation(&self, escalation_id: &str) -> Result<Escalation> {
        let id = parse_id("escalation_id", escalation_id)?;
        self.read(|c| {
            let me = owner(c)?;
            let e = load_escalation(c, &id)?;
            let m = load_mentorship(c, &e.mentorship_id)?;
            if [
                &e.assigned_to,
                &e.raised_by,
                &m.coordinator_id,
                &m.mentor_id,
            ]
            .contains(&&me.id)
            {
                Ok(e)
            } else {
                Err(Error::NotAllowed(
                    "only the mentor and the professionals involved see an escalation",
                ))
            }
        })
    }
}
