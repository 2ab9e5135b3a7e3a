//! Mentor training and supervision records: the programme's answer to the fear that badly
//! delivered peer support gives false hope. Append-only; recorded by professionals.

use rusqlite::types::Value;
use rusqlite::{Connection, Row};

use super::codes::code_enum;
use super::person::{Role, load_person_with_role, owner, owner_with_role};
use crate::error::{Error, Problem, Result};
use crate::store::Store;
use crate::store::rows::Collection;
use crate::time::{Millis, PAST_EVENT_SLACK_MS, PLAN_HORIZON_MS, check_time};
use crate::validate::{
    MEDIUM_TEXT_MAX, SHORT_TEXT_MAX, in_range, new_id, optional_text, parse_id, required_text,
};

code_enum! {
    /// How a supervision session ran.
    pub enum SupervisionFormat as "supervision format" {
        /// One mentor and a supervisor.
        Individual = "individual",
        /// Several mentors together.
        Group = "group",
    }
}

/// A completed training course.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TrainingRecord {
    /// UUIDv7.
    pub id: String,
    /// The mentor trained.
    pub mentor_id: String,
    /// The course (`Peer mentor core training`, up to 120 characters).
    pub course: String,
    /// When it was completed.
    pub completed_at: Millis,
    /// Until when it counts, if it must be renewed.
    pub valid_until: Option<Millis>,
    /// The professional who recorded it.
    pub recorded_by: String,
    /// A short note.
    pub notes: Option<String>,
}

/// A training to record.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewTraining {
    /// The mentor.
    pub mentor_id: String,
    /// The course.
    pub course: String,
    /// When completed.
    pub completed_at: Millis,
    /// Until when it counts.
    pub valid_until: Option<Millis>,
    /// A short note.
    pub notes: Option<String>,
}

/// A supervision session held with a mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SupervisionSession {
    /// UUIDv7.
    pub id: String,
    /// The mentor supervised.
    pub mentor_id: String,
    /// The supervising professional.
    pub supervisor_id: String,
    /// When.
    pub held_at: Millis,
    /// Individual or group.
    pub format: SupervisionFormat,
    /// How long, 1 to 600 minutes.
    pub duration_minutes: u32,
    /// About the mentor's practice (not about mentees), up to 1,000 characters.
    pub notes: Option<String>,
}

/// A supervision session to record.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewSupervision {
    /// The mentor.
    pub mentor_id: String,
    /// When.
    pub held_at: Millis,
    /// Individual or group.
    pub format: SupervisionFormat,
    /// How long.
    pub duration_minutes: u32,
    /// About the mentor's practice.
    pub notes: Option<String>,
}

/// A mentor's training and supervision at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MentorDevelopment {
    /// The mentor.
    pub mentor_id: String,
    /// Courses, newest first.
    pub trainings: Vec<TrainingRecord>,
    /// Supervision sessions, newest first.
    pub supervisions: Vec<SupervisionSession>,
    /// Whether a course is completed and still valid now.
    pub trained: bool,
    /// The last supervision.
    pub last_supervision_at: Option<Millis>,
}

fn training_from_row(r: &Row<'_>) -> rusqlite::Result<TrainingRecord> {
    Ok(TrainingRecord {
        id: r.get(0)?,
        mentor_id: r.get(1)?,
        course: r.get(2)?,
        completed_at: r.get(3)?,
        valid_until: r.get(4)?,
        recorded_by: r.get(5)?,
        notes: r.get(6)?,
    })
}

fn supervision_from_row(r: &Row<'_>) -> rusqlite::Result<SupervisionSession> {
    Ok(SupervisionSession {
        id: r.get(0)?,
        mentor_id: r.get(1)?,
        supervisor_id: r.get(2)?,
        held_at: r.get(3)?,
        format: r.get(4)?,
        duration_minutes: r.get(5)?,
        notes: r.get(6)?,
    })
}

/// The rule for a mentor's training being current, as SQL over `training_record` with `?2`
/// now: a course completed by now and not past its validity. One rule for every screen that
/// says "trained".
macro_rules! current_training {
    () => {
        "completed_at <= ?2 AND (valid_until IS NULL OR valid_until >= ?2)"
    };
}
pub(crate) use current_training;

fn development(c: &Connection, mentor_id: &str, now: Millis) -> Result<MentorDevelopment> {
    let trainings = c
        .prepare_cached(
            "SELECT id, mentor_id, course, completed_at, valid_until, recorded_by, notes
             FROM training_record WHERE mentor_id = ?1 ORDER BY completed_at DESC, id",
        )?
        .query_map([mentor_id], training_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let supervisions = c
        .prepare_cached(
            "SELECT id, mentor_id, supervisor_id, held_at, format, duration_minutes, notes
             FROM supervision_session WHERE mentor_id = ?1 ORDER BY held_at DESC, id",
        )?
        .query_map([mentor_id], supervision_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(MentorDevelopment {
        mentor_id: mentor_id.to_owned(),
        trained: c
            .prepare_cached(concat!(
                "SELECT EXISTS (SELECT 1 FROM training_record WHERE mentor_id = ?1 AND ",
                current_training!(),
                ")"
            ))?
            .query_row((mentor_id, now), |r| r.get(0))?,
        last_supervision_at: supervisions.first().map(|s| s.held_at),
        trainings,
        supervisions,
    })
}

impl Store {
    /// Records a completed course for a mentor. The owner must be a professional.
    pub fn record_training(&self, new: NewTraining) -> Result<TrainingRecord> {
        let now = self.now();
        let mentor_id = parse_id("mentor_id", &new.mentor_id)?;
        let course = required_text("course", &new.course, SHORT_TEXT_MAX)?;
        check_time("completed_at", new.completed_at, now, PAST_EVENT_SLACK_MS)?;
        if let Some(v) = new.valid_until {
            check_time("valid_until", v, now, PLAN_HORIZON_MS)?;
            if v < new.completed_at {
                return Err(Error::invalid("valid_until", Problem::OutOfOrder));
            }
        }
        let notes = optional_text("notes", new.notes.as_deref(), MEDIUM_TEXT_MAX)?;
        self.write(|tx| {
            let me = owner_with_role(
                &tx.conn,
                Role::Professional,
                "only a professional records training",
            )?;
            load_person_with_role(&tx.conn, "mentor_id", &mentor_id, Role::Mentor)?;
            let id = new_id();
            tx.insert(
                Collection::Training,
                &id,
                vec![
                    ("mentor_id", Value::Text(mentor_id.clone())),
                    ("course", Value::Text(course.clone())),
                    ("completed_at", Value::Integer(new.completed_at)),
                    ("valid_until", new.valid_until.into()),
                    ("recorded_by", Value::Text(me.id.clone())),
                    ("notes", notes.clone().into()),
                ],
            )?;
            Ok(TrainingRecord {
                id,
                mentor_id,
                course,
                completed_at: new.completed_at,
                valid_until: new.valid_until,
                recorded_by: me.id,
                notes,
            })
        })
    }

    /// Records a supervision session held by the owner (a professional) with a mentor.
    pub fn record_supervision(&self, new: NewSupervision) -> Result<SupervisionSession> {
        let now = self.now();
        let mentor_id = parse_id("mentor_id", &new.mentor_id)?;
        check_time("held_at", new.held_at, now, PAST_EVENT_SLACK_MS)?;
        in_range("duration_minutes", i64::from(new.duration_minutes), 1, 600)?;
        let notes = optional_text("notes", new.notes.as_deref(), MEDIUM_TEXT_MAX)?;
        self.write(|tx| {
            let me = owner_with_role(
                &tx.conn,
                Role::Professional,
                "only a professional records supervision",
            )?;
            load_person_with_role(&tx.conn, "mentor_id", &mentor_id, Role::Mentor)?;
            let id = new_id();
            tx.insert(
                Collection::Supervision,
                &id,
                vec![
                    ("mentor_id", Value::Text(mentor_id.clone())),
                    ("supervisor_id", Value::Text(me.id.clone())),
                    ("held_at", Value::Integer(new.held_at)),
                    ("format", new.format.into()),
                    (
                        "duration_minutes",
                        Value::Integer(i64::from(new.duration_minutes)),
                    ),
                    ("notes", notes.clone().into()),
                ],
            )?;
            Ok(SupervisionSession {
                id,
                mentor_id,
                supervisor_id: me.id,
                held_at: new.held_at,
                format: new.format,
                duration_minutes: new.duration_minutes,
                notes,
            })
        })
    }

    /// A mentor's training and supervision: the mentor themselves or a professional.
    pub fn mentor_development(&self, mentor_id: &str) -> Result<MentorDevelopment> {
        let mentor_id = parse_id("mentor_id", mentor_id)?;
        let now = self.now();
        self.read(|c| {
            let me = owner(c)?;
            if me.id != mentor_id && me.role != Role::Professional {
                return Err(Error::NotAllowed(
                    "only the mentor and professionals see training records",
                ));
            }
            load_person_with_role(c, "mentor_id", &mentor_id, Role::Mentor)?;
            development(c, &mentor_id, now)
        })
    }
}
