//! Check-ins: the contact log a mentor records after every contact, often offline.
//!
//! Append-only: recording makes version 1; amending or closing a follow-up adds a version that
//! supersedes the previous one, and every version stays readable. The current version of a
//! check-in is the one with the greatest (hlc, id), so devices that amended concurrently agree.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::codes::{code_enum, codes_json, from_json};
use super::dimension::Dimension;
use super::escalation::{Escalation, NewConcern, open_escalation};
use super::mentorship::{MentorshipStatus, load_mentorship, load_visible_mentorship};
use super::person::owner;
use super::planned_contact::check_records;
use crate::directory::referral::keep_checkin_notices;
use crate::error::{Error, Problem, Result};
use crate::store::rows::{Col, Collection};
use crate::store::{Store, Tx};
use crate::time::{Millis, PAST_EVENT_SLACK_MS, PLAN_HORIZON_MS, check_time};
use crate::validate::{
    MEDIUM_TEXT_MAX, NOTES_MAX, free_text, in_range, new_id, parse_id, required_text, text_list,
};

code_enum! {
    /// How the contact happened.
    pub enum ContactMode as "contact mode" {
        /// At the survivor's home.
        HomeVisit = "home_visit",
        /// On the ward or in rehabilitation.
        HospitalVisit = "hospital_visit",
        /// Phone call.
        Phone = "phone",
        /// Video call.
        Video = "video",
        /// Written messages.
        Message = "message",
        /// A group session.
        Group = "group",
    }
}

code_enum! {
    /// Who the mentor reached.
    pub enum Reached as "reached" {
        /// The survivor.
        Survivor = "survivor",
        /// The caregiver only.
        Caregiver = "caregiver",
        /// Both.
        Both = "both",
        /// Nobody: an attempt that did not connect.
        NoAnswer = "no_answer",
    }
}

/// An action to follow up, with its due date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FollowUp {
    /// What to do (1 to 1,000 characters).
    pub action: String,
    /// When it is due (not before the contact, at most five years ahead).
    pub due_at: Millis,
}

/// A check-in as the mentor fills it in: a whole record, for recording and for amending.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckInInput {
    /// The mentorship the contact belongs to.
    pub mentorship_id: String,
    /// When the contact happened (at most a day ahead of the device clock).
    pub occurred_at: Millis,
    /// How.
    pub mode: ContactMode,
    /// How long, 0 to 600 minutes.
    pub duration_minutes: u32,
    /// Who was reached.
    pub reached: Reached,
    /// Which of the five dimensions the contact addressed.
    pub dimensions: Vec<Dimension>,
    /// Optional visual wellbeing score, 1 (very low) to 5 (very good).
    pub wellbeing: Option<u8>,
    /// Notes, up to 4,000 characters; may be empty.
    pub notes: String,
    /// Resources shared (ids or titles), up to 20 of 200 characters.
    pub resources_shared: Vec<String>,
    /// A follow-up action.
    pub follow_up: Option<FollowUp>,
    /// A worry to escalate to the coordinator.
    pub concern: Option<NewConcern>,
    /// The planned contact this check-in records, if it was planned: it then no longer waits
    /// to be recorded. One check-in per planned contact, of the same mentorship, not cancelled
    /// and already started.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub planned_contact_id: Option<String>,
}

/// One version of a check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckIn {
    /// This version's id.
    pub id: String,
    /// The check-in's id across versions (its first version's id).
    pub checkin_id: String,
    /// 1 for the original, then 2, 3, ...
    pub version: u32,
    /// The mentorship.
    pub mentorship_id: String,
    /// The mentor who recorded it.
    pub author_id: String,
    /// When the contact happened.
    pub occurred_at: Millis,
    /// How.
    pub mode: ContactMode,
    /// How long.
    pub duration_minutes: u32,
    /// Who was reached.
    pub reached: Reached,
    /// Dimensions addressed, in taxonomy order.
    pub dimensions: Vec<Dimension>,
    /// Wellbeing score, 1 to 5.
    pub wellbeing: Option<u8>,
    /// Notes.
    pub notes: String,
    /// Resources shared.
    pub resources_shared: Vec<String>,
    /// The follow-up action.
    pub follow_up: Option<FollowUp>,
    /// When the follow-up was done.
    pub follow_up_done_at: Option<Millis>,
    /// Why this version amends the previous one.
    pub amendment_reason: Option<String>,
    /// When this version was recorded.
    pub recorded_at: Millis,
    /// The planned contact it records.
    pub planned_contact_id: Option<String>,
}

/// What recording a check-in produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RecordedCheckIn {
    /// The saved version.
    pub checkin: CheckIn,
    /// The escalation opened by its concern.
    pub escalation: Option<Escalation>,
}

const RESOURCE_MAX: usize = 200;

pub(crate) const CHECKIN_COLS: &str = "id, checkin_id, version, mentorship_id, author_id, occurred_at, mode, \
     duration_minutes, reached, dimensions, wellbeing, notes, resources_shared, follow_up_action, follow_up_due, \
     follow_up_done_at, amendment_reason, created_at, planned_contact_id";

pub(crate) fn checkin_from_row(r: &Row<'_>) -> rusqlite::Result<CheckIn> {
    let action: Option<String> = r.get("follow_up_action")?;
    let due: Option<Millis> = r.get("follow_up_due")?;
    Ok(CheckIn {
        id: r.get("id")?,
        checkin_id: r.get("checkin_id")?,
        version: r.get("version")?,
        mentorship_id: r.get("mentorship_id")?,
        author_id: r.get("author_id")?,
        occurred_at: r.get("occurred_at")?,
        mode: r.get("mode")?,
        duration_minutes: r.get("duration_minutes")?,
        reached: r.get("reached")?,
        dimensions: Dimension::from_bits(r.get("dimensions")?),
        wellbeing: r.get("wellbeing")?,
        notes: r.get("notes")?,
        resources_shared: from_json(&r.get::<_, String>("resources_shared")?)?,
        follow_up: action
            .zip(due)
            .map(|(action, due_at)| FollowUp { action, due_at }),
        follow_up_done_at: r.get("follow_up_done_at")?,
        amendment_reason: r.get("amendment_reason")?,
        recorded_at: r.get("created_at")?,
        planned_contact_id: r.get("planned_contact_id")?,
    })
}

/// Checks `input` and returns it normalised (trimmed texts, canonical ids).
fn validate(input: &CheckInInput, now: Millis) -> Result<CheckInInput> {
    let mentorship_id = parse_id("mentorship_id", &input.mentorship_id)?;
    check_time("occurred_at", input.occurred_at, now, PAST_EVENT_SLACK_MS)?;
    in_range(
        "duration_minutes",
        i64::from(input.duration_minutes),
        0,
        600,
    )?;
    if let Some(w) = input.wellbeing {
        in_range("wellbeing", i64::from(w), 1, 5)?;
    }
    let follow_up = match &input.follow_up {
        None => None,
        Some(f) => {
            let action = required_text("follow_up.action", &f.action, MEDIUM_TEXT_MAX)?;
            check_time("follow_up.due_at", f.due_at, now, PLAN_HORIZON_MS)?;
            if f.due_at < input.occurred_at {
                return Err(Error::invalid("follow_up.due_at", Problem::OutOfOrder));
            }
            Some(FollowUp {
                action,
                due_at: f.due_at,
            })
        }
    };
    let mut dimensions = input.dimensions.clone();
    dimensions.sort();
    dimensions.dedup();
    Ok(CheckInInput {
        mentorship_id,
        occurred_at: input.occurred_at,
        mode: input.mode,
        duration_minutes: input.duration_minutes,
        reached: input.reached,
        dimensions,
        wellbeing: input.wellbeing,
        notes: free_text("notes", &input.notes, NOTES_MAX)?,
        resources_shared: text_list("resources_shared", &input.resources_shared, RESOURCE_MAX)?,
        follow_up,
        concern: input
            .concern
            .clone()
            .map(NewConcern::validated)
            .transpose()?,
        planned_contact_id: input
            .planned_contact_id
            .as_deref()
            .map(|id| parse_id("planned_contact_id", id))
            .transpose()?,
    })
}

/// The stored columns of a check-in's content (everything but its identity and version).
fn content_cols(c: &CheckInInput) -> Vec<Col> {
    vec![
        ("mentorship_id", Value::Text(c.mentorship_id.clone())),
        ("occurred_at", Value::Integer(c.occurred_at)),
        ("mode", c.mode.into()),
        (
            "duration_minutes",
            Value::Integer(i64::from(c.duration_minutes)),
        ),
        ("reached", c.reached.into()),
        (
            "dimensions",
            Value::Integer(Dimension::to_bits(&c.dimensions)),
        ),
        ("wellbeing", c.wellbeing.map(i64::from).into()),
        ("notes", Value::Text(c.notes.clone())),
        (
            "resources_shared",
            Value::Text(codes_json(&c.resources_shared)),
        ),
        (
            "follow_up_action",
            c.follow_up.as_ref().map(|f| f.action.clone()).into(),
        ),
        (
            "follow_up_due",
            c.follow_up.as_ref().map(|f| f.due_at).into(),
        ),
        ("planned_contact_id", c.planned_contact_id.clone().into()),
    ]
}

impl CheckIn {
    /// This version's content as an input, e.g. to prefill an amendment form.
    pub fn to_input(&self) -> CheckInInput {
        CheckInInput {
            mentorship_id: self.mentorship_id.clone(),
            occurred_at: self.occurred_at,
            mode: self.mode,
            duration_minutes: self.duration_minutes,
            reached: self.reached,
            dimensions: self.dimensions.clone(),
            wellbeing: self.wellbeing,
            notes: self.notes.clone(),
            resources_shared: self.resources_shared.clone(),
            follow_up: self.follow_up.clone(),
            concern: None,
            planned_contact_id: self.planned_contact_id.clone(),
        }
    }
}

/// Loads the current version of a check-in.
pub(crate) fn load_current(c: &Connection, checkin_id: &str) -> Result<CheckIn> {
    c.prepare_cached(&format!(
        "SELECT {CHECKIN_COLS} FROM checkin WHERE checkin_id = ?1 AND superseded = 0"
    ))?
    .query_row([checkin_id], checkin_from_row)
    .optional()?
    .ok_or(Error::NotFound("check-in"))
}

/// Recomputes which version of a check-in is current: the greatest (hlc, id).
pub(crate) fn refresh_current(c: &Connection, checkin_id: &str) -> Result<()> {
    c.prepare_cached(
        "UPDATE checkin SET superseded = (id <> (SELECT id FROM checkin WHERE checkin_id = ?1
                                                 ORDER BY hlc DESC, id DESC LIMIT 1))
         WHERE checkin_id = ?1",
    )?
    .execute([checkin_id])?;
    Ok(())
}

/// Writes a new version after `previous` with `cols`, and makes it current.
fn add_version(
    tx: &mut Tx<'_>,
    previous: &CheckIn,
    mut cols: Vec<Col>,
    reason: String,
) -> Result<CheckIn> {
    let id = new_id();
    cols.extend([
        ("checkin_id", Value::Text(previous.checkin_id.clone())),
        ("version", Value::Integer(i64::from(previous.version) + 1)),
        ("supersedes", Value::Text(previous.id.clone())),
        ("author_id", Value::Text(previous.author_id.clone())),
        ("amendment_reason", Value::Text(reason)),
    ]);
    tx.insert(Collection::CheckIn, &id, cols)?;
    refresh_current(&tx.conn, &previous.checkin_id)?;
    let current = load_current(&tx.conn, &previous.checkin_id)?;
    keep_checkin_notices(tx, &current)?;
    Ok(current)
}

/// The owner, who must be the mentor of `mentorship_id`.
fn mentor_of(c: &Connection, mentorship_id: &str) -> Result<(String, MentorshipStatus)> {
    let me = owner(c)?;
    let m = load_mentorship(c, mentorship_id)?;
    if m.mentor_id != me.id {
        return Err(Error::NotAllowed(
            "only the mentorship's mentor records its check-ins",
        ));
    }
    Ok((me.id, m.status))
}

impl Store {
    /// Records a check-in (version 1) and, if it raises a concern, opens an escalation to the
    /// mentorship's coordinator — in one transaction, with their outbox entries.
    pub fn record_checkin(&self, input: CheckInInput) -> Result<RecordedCheckIn> {
        let valid = validate(&input, self.now())?;
        self.write(|tx| {
            let (me, status) = mentor_of(&tx.conn, &valid.mentorship_id)?;
            match status {
                MentorshipStatus::Active | MentorshipStatus::Paused => {}
                MentorshipStatus::Proposed => {
                    return Err(Error::InvalidState("the mentorship has not started"));
                }
                MentorshipStatus::Ended => {
                    return Err(Error::InvalidState("the mentorship has ended"));
                }
            }
            check_records(&tx.conn, &valid, None, tx.now)?;
            let id = new_id();
            let mut cols = content_cols(&valid);
            cols.extend([
                ("checkin_id", Value::Text(id.clone())),
                ("version", Value::Integer(1)),
                ("author_id", Value::Text(me.clone())),
            ]);
            tx.insert(Collection::CheckIn, &id, cols)?;
            let checkin = CheckIn {
                id: id.clone(),
                checkin_id: id.clone(),
                version: 1,
                author_id: me.clone(),
                recorded_at: tx.now,
                follow_up_done_at: None,
                amendment_reason: None,
                mentorship_id: valid.mentorship_id.clone(),
                occurred_at: valid.occurred_at,
                mode: valid.mode,
                duration_minutes: valid.duration_minutes,
                reached: valid.reached,
                dimensions: valid.dimensions.clone(),
                wellbeing: valid.wellbeing,
                notes: valid.notes.clone(),
                resources_shared: valid.resources_shared.clone(),
                follow_up: valid.follow_up.clone(),
                planned_contact_id: valid.planned_contact_id.clone(),
            };
            keep_checkin_notices(tx, &checkin)?;
            let escalation = match valid.concern {
                Some(concern) => Some(open_escalation(
                    tx,
                    &id,
                    &valid.mentorship_id,
                    &me,
                    concern,
                )?),
                None => None,
            };
            Ok(RecordedCheckIn {
                checkin,
                escalation,
            })
        })
    }

    /// Amends a check-in with a whole corrected record; the previous version stays in its
    /// history. A concern in the correction opens a new escalation.
    pub fn amend_checkin(
        &self,
        checkin_id: &str,
        input: CheckInInput,
        reason: &str,
    ) -> Result<RecordedCheckIn> {
        let checkin_id = parse_id("checkin_id", checkin_id)?;
        let reason = required_text("reason", reason, MEDIUM_TEXT_MAX)?;
        let valid = validate(&input, self.now())?;
        self.write(|tx| {
            let current = load_current(&tx.conn, &checkin_id)?;
            if current.mentorship_id != valid.mentorship_id {
                return Err(Error::invalid("mentorship_id", Problem::Malformed));
            }
            let (me, _) = mentor_of(&tx.conn, &current.mentorship_id)?;
            if valid.planned_contact_id != current.planned_contact_id {
                check_records(&tx.conn, &valid, Some(&checkin_id), tx.now)?;
            }
            let mut cols = content_cols(&valid);
            cols.push(("follow_up_done_at", current.follow_up_done_at.into()));
            let checkin = add_version(tx, &current, cols, reason)?;
            let escalation = match valid.concern {
                Some(concern) => Some(open_escalation(
                    tx,
                    &checkin_id,
                    &valid.mentorship_id,
                    &me,
                    concern,
                )?),
                None => None,
            };
            Ok(RecordedCheckIn {
                checkin,
                escalation,
            })
        })
    }

    /// Marks a check-in's follow-up as done (a new version).
    pub fn complete_follow_up(&self, checkin_id: &str) -> Result<CheckIn> {
        let checkin_id = parse_id("checkin_id", checkin_id)?;
        self.write(|tx| {
            let current = load_current(&tx.conn, &checkin_id)?;
            mentor_of(&tx.conn, &current.mentorship_id)?;
            if current.follow_up.is_none() {
                return Err(Error::InvalidState("the check-in has no follow-up"));
            }
            if current.follow_up_done_at.is_some() {
                return Err(Error::InvalidState("the follow-up is already done"));
            }
            let mut cols = content_cols(&current.to_input());
            cols.push(("follow_up_done_at", Value::Integer(tx.now)));
            add_version(tx, &current, cols, "follow-up done".to_owned())
        })
    }

    /// The current version of a check-in.
    pub fn checkin(&self, checkin_id: &str) -> Result<CheckIn> {
        let checkin_id = parse_id("checkin_id", checkin_id)?;
        self.read(|c| {
            let current = load_current(c, &checkin_id)?;
            load_visible_mentorship(c, &current.mentorship_id)?;
            Ok(current)
        })
    }

    /// Every version of a check-in, oldest first.
    pub fn checkin_history(&self, checkin_id: &str) -> Result<Vec<CheckIn>> {
        let checkin_id = parse_id("checkin_id", checkin_id)?;
        self.read(|c| {
            let current = load_current(c, &checkin_id)?;
            load_visible_mentorship(c, &current.mentorship_id)?;
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {CHECKIN_COLS} FROM checkin WHERE checkin_id = ?1 ORDER BY hlc, id"
            ))?;
            let rows = stmt.query_map([&checkin_id], checkin_from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
