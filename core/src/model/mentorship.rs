//! Mentorships: a survivor, a mentor and the coordinating professional, with a planned dose
//! and a lifecycle proposed → active ⇄ paused → ended (with a reason). Every transition is also
//! kept as an append-only event for the timeline.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::codes::code_enum;
use super::consent;
use super::person::{Role, load_person_with_role, owner, owner_with_role};
use crate::error::{Error, Result};
use crate::store::rows::Collection;
use crate::store::{Store, Tx};
use crate::time::Millis;
use crate::validate::{MEDIUM_TEXT_MAX, in_range, new_id, optional_text, parse_id};

code_enum! {
    /// Where a mentorship is in its life.
    pub enum MentorshipStatus as "mentorship status" {
        /// Matched by the coordinator, not started.
        Proposed = "proposed",
        /// Contacts are happening.
        Active = "active",
        /// On hold (illness, holidays); can resume.
        Paused = "paused",
        /// Over, with a reason. Final.
        Ended = "ended",
    }
}

code_enum! {
    /// Why a mentorship ended.
    pub enum EndingReason as "ending reason" {
        /// The planned contacts took place.
        Completed = "completed",
        /// The survivor asked to stop.
        SurvivorRequest = "survivor_request",
        /// The mentor can no longer take part.
        MentorUnavailable = "mentor_unavailable",
        /// The survivor could not be reached.
        LostContact = "lost_contact",
        /// The survivor's health changed (readmission, deterioration).
        HealthChange = "health_change",
        /// The survivor moved out of the area.
        MovedAway = "moved_away",
        /// Another reason, in the note.
        Other = "other",
    }
}

code_enum! {
    /// A lifecycle step, as kept in the timeline.
    pub enum MentorshipEventKind as "mentorship event" {
        /// Matched.
        Proposed = "proposed",
        /// First activated.
        Activated = "activated",
        /// Put on hold.
        Paused = "paused",
        /// Resumed after a pause.
        Resumed = "resumed",
        /// Ended.
        Ended = "ended",
    }
}

/// A mentorship.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Mentorship {
    /// UUIDv7.
    pub id: String,
    /// The survivor supported.
    pub survivor_id: String,
    /// The peer mentor.
    pub mentor_id: String,
    /// The professional who matched them and supervises.
    pub coordinator_id: String,
    /// Lifecycle state.
    pub status: MentorshipStatus,
    /// Planned number of contacts (the dose), e.g. 6.
    pub planned_contacts: u32,
    /// Over how many weeks, e.g. 12.
    pub planned_weeks: u32,
    /// Why these two were matched.
    pub matching_notes: Option<String>,
    /// When it became active.
    pub started_at: Option<Millis>,
    /// When it ended.
    pub ended_at: Option<Millis>,
    /// Why it ended.
    pub ending_reason: Option<EndingReason>,
    /// When it was proposed.
    pub created_at: Millis,
    /// When it last changed.
    pub updated_at: Millis,
}

/// A match to propose.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewMentorship {
    /// The survivor.
    pub survivor_id: String,
    /// The mentor.
    pub mentor_id: String,
    /// Planned contacts, 1 to 100.
    pub planned_contacts: u32,
    /// Planned weeks, 1 to 104.
    pub planned_weeks: u32,
    /// Why this match (up to 1,000 characters).
    pub matching_notes: Option<String>,
}

/// A lifecycle step of a mentorship.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MentorshipEvent {
    /// UUIDv7.
    pub id: String,
    /// The step.
    pub kind: MentorshipEventKind,
    /// Who took it.
    pub actor_id: String,
    /// When.
    pub at: Millis,
    /// The ending reason, for `Ended`.
    pub reason: Option<EndingReason>,
    /// A short note.
    pub note: Option<String>,
}

pub(crate) const MENTORSHIP_COLS: &str = "id, survivor_id, mentor_id, coordinator_id, status, planned_contacts, \
     planned_weeks, matching_notes, started_at, ended_at, ending_reason, created_at, updated_at";

pub(crate) fn mentorship_from_row(r: &Row<'_>) -> rusqlite::Result<Mentorship> {
    Ok(Mentorship {
        id: r.get("id")?,
        survivor_id: r.get("survivor_id")?,
        mentor_id: r.get("mentor_id")?,
        coordinator_id: r.get("coordinator_id")?,
        status: r.get("status")?,
        planned_contacts: r.get("planned_contacts")?,
        planned_weeks: r.get("planned_weeks")?,
        matching_notes: r.get("matching_notes")?,
        started_at: r.get("started_at")?,
        ended_at: r.get("ended_at")?,
        ending_reason: r.get("ending_reason")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Loads a mentorship, or `NotFound`.
pub(crate) fn load_mentorship(c: &Connection, id: &str) -> Result<Mentorship> {
    c.prepare_cached(&format!(
        "SELECT {MENTORSHIP_COLS} FROM mentorship WHERE id = ?1"
    ))?
    .query_row([id], mentorship_from_row)
    .optional()?
    .ok_or(Error::NotFound("mentorship"))
}

/// Loads a mentorship the owner may see: its mentor or its coordinator.
pub(crate) fn load_visible_mentorship(c: &Connection, id: &str) -> Result<Mentorship> {
    let id = parse_id("mentorship_id", id)?;
    let m = load_mentorship(c, &id)?;
    let me = owner(c)?;
    if me.id == m.mentor_id || me.id == m.coordinator_id {
        Ok(m)
    } else {
        Err(Error::NotAllowed(
            "only the mentor and the coordinator see this mentorship",
        ))
    }
}

fn add_event(
    tx: &mut Tx<'_>,
    mentorship_id: &str,
    kind: MentorshipEventKind,
    actor: &str,
    reason: Option<EndingReason>,
    note: Option<String>,
) -> Result<()> {
    let now = tx.now;
    tx.insert(
        Collection::MentorshipEvent,
        &new_id(),
        vec![
            ("mentorship_id", Value::Text(mentorship_id.to_owned())),
            ("kind", kind.into()),
            ("actor_id", Value::Text(actor.to_owned())),
            ("at", Value::Integer(now)),
            ("reason", reason.map_or(Value::Null, Value::from)),
            ("note", note.into()),
        ],
    )?;
    Ok(())
}

/// What a coordinator does to a mentorship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentorshipAction {
    /// Start a proposed mentorship, or resume a paused one.
    Activate,
    /// Put an active mentorship on hold.
    Pause,
    /// End it, for good.
    End,
}

/// The status and timeline step `action` leads to from `status`, or why it cannot happen.
/// The one rule book for devices and the server.
pub fn transition(
    status: MentorshipStatus,
    action: MentorshipAction,
) -> Result<(MentorshipStatus, MentorshipEventKind)> {
    use MentorshipAction as A;
    use MentorshipStatus as S;
    match (status, action) {
        (S::Ended, A::End) => Err(Error::InvalidState("the mentorship has already ended")),
        (S::Ended, _) => Err(Error::InvalidState("the mentorship has ended")),
        (_, A::End) => Ok((S::Ended, MentorshipEventKind::Ended)),
        (S::Proposed, A::Activate) => Ok((S::Active, MentorshipEventKind::Activated)),
        (S::Paused, A::Activate) => Ok((S::Active, MentorshipEventKind::Resumed)),
        (S::Active, A::Activate) => Err(Error::InvalidState("the mentorship is already active")),
        (S::Active, A::Pause) => Ok((S::Paused, MentorshipEventKind::Paused)),
        (_, A::Pause) => Err(Error::InvalidState(
            "only an active mentorship can be paused",
        )),
    }
}

impl Store {
    /// Proposes a match. The owner (a professional) becomes its coordinator.
    pub fn propose_mentorship(&self, new: NewMentorship) -> Result<Mentorship> {
        in_range("planned_contacts", i64::from(new.planned_contacts), 1, 100)?;
        in_range("planned_weeks", i64::from(new.planned_weeks), 1, 104)?;
        let notes = optional_text(
            "matching_notes",
            new.matching_notes.as_deref(),
            MEDIUM_TEXT_MAX,
        )?;
        self.write(|tx| {
            let me = owner_with_role(&tx.conn, Role::Professional, "only a professional proposes a mentorship")?;
            let survivor = load_person_with_role(&tx.conn, "survivor_id", &new.survivor_id, Role::Survivor)?;
            let mentor = load_person_with_role(&tx.conn, "mentor_id", &new.mentor_id, Role::Mentor)?;
            let open: i64 = tx.conn.query_row(
                "SELECT count(*) FROM mentorship WHERE survivor_id = ?1 AND mentor_id = ?2 AND status <> 'ended'",
                [&survivor.id, &mentor.id],
                |r| r.get(0),
            )?;
            if open > 0 {
                return Err(Error::InvalidState("this survivor and mentor already have a mentorship"));
            }
            let id = new_id();
            tx.insert(
                Collection::Mentorship,
                &id,
                vec![
                    ("survivor_id", Value::Text(survivor.id)),
                    ("mentor_id", Value::Text(mentor.id)),
                    ("coordinator_id", Value::Text(me.id.clone())),
                    ("status", MentorshipStatus::Proposed.into()),
                    ("planned_contacts", Value::Integer(i64::from(new.planned_contacts))),
                    ("planned_weeks", Value::Integer(i64::from(new.planned_weeks))),
                    ("matching_notes", notes.into()),
                ],
            )?;
            add_event(tx, &id, MentorshipEventKind::Proposed, &me.id, None, None)?;
            load_mentorship(&tx.conn, &id)
        })
    }

    /// Starts a proposed mentorship, or resumes a paused one. Needs the survivor's consent to
    /// take part and a mentor below capacity.
    pub fn activate_mentorship(&self, mentorship_id: &str) -> Result<Mentorship> {
        let id = parse_id("mentorship_id", mentorship_id)?;
        self.write(|tx| {
            let (me, m) = coordinated(&tx.conn, &id)?;
            let (status, kind) = transition(m.status, MentorshipAction::Activate)?;
            if !consent::has_programme_consent(&tx.conn, &m.survivor_id)? {
                return Err(Error::InvalidState(
                    "the survivor has not consented to take part",
                ));
            }
            if m.status == MentorshipStatus::Proposed {
                check_capacity(&tx.conn, &m.mentor_id)?;
            }
            let mut changes = vec![("status", status.into())];
            if m.started_at.is_none() {
                changes.push(("started_at", Value::Integer(tx.now)));
            }
            tx.update(Collection::Mentorship, &id, changes)?;
            add_event(tx, &id, kind, &me, None, None)?;
            load_mentorship(&tx.conn, &id)
        })
    }

    /// Puts an active mentorship on hold.
    pub fn pause_mentorship(
        &self,
        mentorship_id: &str,
        note: Option<String>,
    ) -> Result<Mentorship> {
        let id = parse_id("mentorship_id", mentorship_id)?;
        let note = optional_text("note", note.as_deref(), MEDIUM_TEXT_MAX)?;
        self.write(|tx| {
            let (me, m) = coordinated(&tx.conn, &id)?;
            let (status, kind) = transition(m.status, MentorshipAction::Pause)?;
            tx.update(Collection::Mentorship, &id, vec![("status", status.into())])?;
            add_event(tx, &id, kind, &me, None, note)?;
            load_mentorship(&tx.conn, &id)
        })
    }

    /// Ends a mentorship with a reason. Ending twice is refused.
    pub fn end_mentorship(
        &self,
        mentorship_id: &str,
        reason: EndingReason,
        note: Option<String>,
    ) -> Result<Mentorship> {
        let id = parse_id("mentorship_id", mentorship_id)?;
        let note = optional_text("note", note.as_deref(), MEDIUM_TEXT_MAX)?;
        self.write(|tx| {
            let (me, m) = coordinated(&tx.conn, &id)?;
            let (status, kind) = transition(m.status, MentorshipAction::End)?;
            tx.update(
                Collection::Mentorship,
                &id,
                vec![
                    ("status", status.into()),
                    ("ended_at", Value::Integer(tx.now)),
                    ("ending_reason", reason.into()),
                ],
            )?;
            add_event(tx, &id, kind, &me, Some(reason), note)?;
            load_mentorship(&tx.conn, &id)
        })
    }

    /// One mentorship the owner mentors or coordinates.
    pub fn mentorship(&self, mentorship_id: &str) -> Result<Mentorship> {
        self.read(|c| load_visible_mentorship(c, mentorship_id))
    }

    /// The mentorships the owner mentors, coordinates, or (as a survivor) takes part in,
    /// newest first.
    pub fn my_mentorships(&self) -> Result<Vec<Mentorship>> {
        self.read(|c| {
            let me = owner(c)?;
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {MENTORSHIP_COLS} FROM mentorship
                 WHERE mentor_id = ?1 OR coordinator_id = ?1 OR survivor_id = ?1 ORDER BY created_at DESC, id"
            ))?;
            let rows = stmt.query_map([&me.id], mentorship_from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

/// The owner (who must coordinate the mentorship) and the mentorship.
fn coordinated(c: &Connection, id: &str) -> Result<(String, Mentorship)> {
    let me = owner_with_role(
        c,
        Role::Professional,
        "only the coordinator changes a mentorship",
    )?;
    let m = load_mentorship(c, id)?;
    if m.coordinator_id != me.id {
        return Err(Error::NotAllowed(
            "only the coordinator changes a mentorship",
        ));
    }
    Ok((me.id, m))
}

fn check_capacity(c: &Connection, mentor_id: &str) -> Result<()> {
    let (active, capacity): (i64, Option<i64>) = c.query_row(
        "SELECT (SELECT count(*) FROM mentorship WHERE mentor_id = ?1 AND status IN ('active', 'paused')),
                (SELECT capacity FROM mentor_profile WHERE person_id = ?1)",
        [mentor_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if capacity.is_some_and(|cap| active >= cap) {
        return Err(Error::InvalidState("the mentor is at capacity"));
    }
    Ok(())
}
