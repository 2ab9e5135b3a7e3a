//! Planned contacts: the next visit or call of a mentorship, planned by its mentor or its
//! coordinator and seen by everyone in it — the survivor above all, who otherwise hears of a
//! contact only when the phone rings.
//!
//! Editable records that merge per field. The planner moves or cancels a contact; the survivor,
//! or a caregiver they share with, answers it. An answer records the start it answered, so an
//! answer to a time since moved counts for nothing on every device, whichever of the two
//! changes reached the server first.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::checkin::{CheckInInput, ContactMode};
use super::codes::code_enum;
use super::mentorship::{Mentorship, MentorshipStatus, load_mentorship};
use super::message::conversation_members;
use super::person::owner;
use crate::error::{Error, Problem, Result};
use crate::store::Store;
use crate::store::rows::{Col, Collection};
use crate::time::{Millis, PLAN_HORIZON_MS, check_time};
use crate::validate::{MEDIUM_TEXT_MAX, SHORT_TEXT_MAX, in_range, new_id, optional_text, parse_id};

/// Shortest planned contact, in minutes.
pub const DURATION_MIN: i64 = 5;
/// Longest planned contact, in minutes.
pub const DURATION_MAX: i64 = 600;

code_enum! {
    /// The survivor's answer to a planned contact.
    pub enum ContactReply as "contact reply" {
        /// They will be there.
        Accepted = "accepted",
        /// The time does not suit them: the planner proposes another.
        Declined = "declined",
    }
}

/// When, how and where a contact is planned: a whole record, to plan a contact or to move it.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ContactDetails {
    /// When it starts: not in the past, at most five years ahead.
    pub starts_at: Millis,
    /// How long it is expected to last, 5 to 600 minutes.
    pub duration_minutes: u32,
    /// How it will happen.
    pub mode: ContactMode,
    /// Where, in a few words ("at home", "ward 4B"), up to 120 characters.
    pub place: Option<String>,
    /// A note for the survivor ("bring the housing form"), up to 1,000 characters.
    pub note: Option<String>,
}

/// A planned contact as everyone in the mentorship sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlannedContact {
    /// UUIDv7.
    pub id: String,
    /// The mentorship.
    pub mentorship_id: String,
    /// Who planned it (the mentor or the coordinator).
    pub planned_by: String,
    /// When it starts.
    pub starts_at: Millis,
    /// Expected length in minutes.
    pub duration_minutes: u32,
    /// How.
    pub mode: ContactMode,
    /// Where.
    pub place: Option<String>,
    /// The planner's note.
    pub note: Option<String>,
    /// When it was cancelled.
    pub cancelled_at: Option<Millis>,
    /// The answer to the contact as it stands now: `None` until the survivor (or a caregiver
    /// they share with) answers, and again once the contact is moved.
    pub reply: Option<ContactReply>,
    /// Who answered.
    pub replied_by: Option<String>,
    /// When.
    pub replied_at: Option<Millis>,
}

/// A planned contact as the device owner sees it: with the names a screen shows and what the
/// owner may do with it, so an app words it from the right side without deciding who may what.
#[allow(clippy::struct_excessive_bools)] // independent permissions, each a button on the screen
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UpcomingContact {
    /// The contact.
    pub contact: PlannedContact,
    /// The survivor.
    pub survivor_id: String,
    /// Their name.
    pub survivor_name: String,
    /// The mentor.
    pub mentor_id: String,
    /// Their name.
    pub mentor_name: String,
    /// The name of whoever gave the current answer (the survivor, or a caregiver).
    pub replied_by_name: Option<String>,
    /// Whether the owner is on the side that plans (the mentor or the coordinator) rather than
    /// the side that is visited (the survivor, a caregiver they share with).
    pub planner_side: bool,
    /// Whether it has ended (its start and length are past), cancelled or not: a contact over
    /// that nobody recorded is one the screens ask about.
    pub over: bool,
    /// Whether the owner may move it now (or change how, where, its note).
    pub can_change: bool,
    /// Whether the owner may cancel it now: one still to come, or one over that nobody
    /// recorded (it did not take place).
    pub can_cancel: bool,
    /// Whether the owner may answer it now.
    pub can_answer: bool,
    /// The check-in that records it (its `checkin_id`), once its mentor recorded one. Seen
    /// only by those who see the case notes: the mentor and the coordinator.
    pub checkin_id: Option<String>,
    /// Whether the owner (its mentor) may record it now: started, not cancelled, not
    /// recorded yet.
    pub can_record: bool,
}

/// The columns [`contact_from_row`] reads, in its order.
macro_rules! contact_columns {
    ($p:literal) => {
        concat!(
            $p,
            ".id, ",
            $p,
            ".mentorship_id, ",
            $p,
            ".planned_by, ",
            $p,
            ".starts_at, ",
            $p,
            ".duration_minutes, ",
            $p,
            ".mode, ",
            $p,
            ".place, ",
            $p,
            ".note, ",
            $p,
            ".cancelled_at, ",
            $p,
            ".reply, ",
            $p,
            ".replied_by, ",
            $p,
            ".replied_at, ",
            $p,
            ".replied_for"
        )
    };
}

/// Reads a contact from the 13 columns of [`contact_columns`], starting at `at`. An answer to
/// another start than the current one is no answer.
fn contact_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<PlannedContact> {
    let starts_at: Millis = r.get(at + 3)?;
    let answered = r.get::<_, Option<Millis>>(at + 12)? == Some(starts_at);
    Ok(PlannedContact {
        id: r.get(at)?,
        mentorship_id: r.get(at + 1)?,
        planned_by: r.get(at + 2)?,
        starts_at,
        duration_minutes: r.get(at + 4)?,
        mode: r.get(at + 5)?,
        place: r.get(at + 6)?,
        note: r.get(at + 7)?,
        cancelled_at: r.get(at + 8)?,
        reply: if answered { r.get(at + 9)? } else { None },
        replied_by: if answered { r.get(at + 10)? } else { None },
        replied_at: if answered { r.get(at + 11)? } else { None },
    })
}

/// Reads a row of [`seen_by`] for `me` at `now`: what they may do follows the rules of
/// [`still_open`], [`movable`], [`cancellable`] and [`recordable`].
fn seen_by_owner(r: &Row<'_>, me: &str, now: Millis) -> rusqlite::Result<UpcomingContact> {
    let contact = contact_from_row(r, 0)?;
    let mentor_id: String = r.get(15)?;
    let coordinator_id: String = r.get(17)?;
    let planner_side = me == mentor_id || me == coordinator_id;
    // Only the planner's side holds the case notes; on a shared store (tests, a coordinator's
    // tablet) the rule still holds.
    let checkin_id: Option<String> = if planner_side { r.get(19)? } else { None };
    let open = still_open(&contact, now).is_ok();
    let replied_by_name = if contact.replied_by.is_some() {
        r.get(18)?
    } else {
        None
    };
    let recorded = checkin_id.is_some();
    Ok(UpcomingContact {
        survivor_id: r.get(13)?,
        survivor_name: r.get(14)?,
        replied_by_name,
        planner_side,
        over: ends_at(contact.starts_at, contact.duration_minutes) <= now,
        can_change: planner_side && movable(&contact, recorded, now).is_ok(),
        can_cancel: planner_side && cancellable(&contact, recorded).is_ok(),
        can_answer: !planner_side && open,
        can_record: me == mentor_id && recordable(&contact, recorded, now).is_ok(),
        checkin_id,
        mentor_id,
        mentor_name: r.get(16)?,
        contact,
    })
}

fn load_contact(c: &Connection, id: &str) -> Result<PlannedContact> {
    c.prepare_cached(concat!(
        "SELECT ",
        contact_columns!("p"),
        " FROM planned_contact p WHERE p.id = ?1"
    ))?
    .query_row([id], |r| contact_from_row(r, 0))
    .optional()?
    .ok_or(Error::NotFound("planned contact"))
}

/// The SQL condition "contact `$p` is not over at `$now`": ending after it, and starting less
/// than the longest duration (600 minutes) before it, so an index on the start is searched.
macro_rules! not_over {
    ($p:literal, $now:literal) => {
        concat!(
            $p,
            ".starts_at > ",
            $now,
            " - 36000000 AND ",
            $p,
            ".starts_at + ",
            $p,
            ".duration_minutes * 60000 > ",
            $now
        )
    };
}
pub(crate) use not_over;

/// The SQL expression "the check-in that records contact `$p`" (its `checkin_id`, or null):
/// the current version of a check-in naming it. Two check-ins of one contact (recorded on two
/// phones offline) give the first.
macro_rules! recorded_by {
    ($p:literal) => {
        concat!(
            "(SELECT min(c.checkin_id) FROM checkin c WHERE c.planned_contact_id = ",
            $p,
            ".id AND c.superseded = 0)"
        )
    };
}

/// The SQL condition "contact `$p` is over at `$now` and waits to be recorded": not
/// cancelled, ended, and no check-in records it.
macro_rules! unrecorded {
    ($p:literal, $now:literal) => {
        concat!(
            $p,
            ".cancelled_at IS NULL AND ",
            $p,
            ".starts_at + ",
            $p,
            ".duration_minutes * 60000 <= ",
            $now,
            " AND ",
            recorded_by!($p),
            " IS NULL"
        )
    };
}
pub(crate) use {recorded_by, unrecorded};

/// The planned contacts of the mentorships under way that `?1` belongs to — as survivor,
/// mentor, coordinator or caregiver the survivor shares with —, with the columns
/// [`seen_by_owner`] reads. The callers add their conditions after it.
macro_rules! seen_by {
    () => {
        concat!(
            "SELECT ",
            contact_columns!("p"),
            ", m.survivor_id, s.display_name, m.mentor_id, t.display_name, m.coordinator_id,
                 r.display_name, ",
            recorded_by!("p"),
            "
             FROM planned_contact p
             JOIN mentorship m ON m.id = p.mentorship_id
             JOIN person s ON s.id = m.survivor_id
             JOIN person t ON t.id = m.mentor_id
             LEFT JOIN person r ON r.id = p.replied_by
             WHERE m.status IN ('active', 'paused')
               AND (m.survivor_id = ?1 OR m.mentor_id = ?1 OR m.coordinator_id = ?1
                    OR EXISTS (SELECT 1 FROM consent k WHERE k.survivor_id = m.survivor_id
                                 AND k.scope = 'share_with_caregiver' AND k.caregiver_id = ?1
                                 AND k.withdrawn_at IS NULL))"
        )
    };
}

/// A list of [`seen_by`] rows meeting `$condition` (at `?2`), of every mentorship or of one
/// (`?3`), in time order: what [`Store::contacts_seen`] runs.
macro_rules! contact_list {
    ($($condition:expr),+) => {
        concat!(
            seen_by!(),
            $(" AND ", $condition,)+
            " AND (?3 IS NULL OR p.mentorship_id = ?3) ORDER BY p.starts_at, p.id"
        )
    };
}

/// Every contact still to come for `?1` (not over at `?2`), soonest first. Cancelled contacts
/// stay until their time has passed, so nobody waits for a visit that will not come.
pub const UPCOMING_SQL: &str = contact_list!(not_over!("p", "?2"));
/// The contacts over at `?2` that nobody recorded, in the mentorships `?1` serves as mentor or
/// coordinates, oldest first.
pub const TO_RECORD_SQL: &str = contact_list!(
    "(m.mentor_id = ?1 OR m.coordinator_id = ?1)",
    unrecorded!("p", "?2")
);
/// One planned contact (`?2`) as `?1` sees it.
const ONE_SQL: &str = concat!(seen_by!(), " AND p.id = ?2");
// `not_over!`'s window is the longest duration, written out in milliseconds.
const _: () = assert!(DURATION_MAX * 60_000 == 36_000_000);

/// The owner, if they may plan contacts for the mentorship: its mentor or its coordinator,
/// while it is under way.
fn planner(c: &Connection, mentorship_id: &str) -> Result<(String, Mentorship)> {
    let me = owner(c)?;
    let m = load_mentorship(c, mentorship_id)?;
    if me.id != m.mentor_id && me.id != m.coordinator_id {
        return Err(Error::NotAllowed(
            "only the mentorship's mentor and coordinator plan its contacts",
        ));
    }
    match m.status {
        MentorshipStatus::Active | MentorshipStatus::Paused => Ok((me.id, m)),
        MentorshipStatus::Proposed => Err(Error::InvalidState("the mentorship has not started")),
        MentorshipStatus::Ended => Err(Error::InvalidState("the mentorship has ended")),
    }
}

/// A contact that may still change: not cancelled, not over.
fn still_open(contact: &PlannedContact, now: Millis) -> Result<()> {
    if contact.cancelled_at.is_some() {
        return Err(Error::InvalidState("the contact was cancelled"));
    }
    if ends_at(contact.starts_at, contact.duration_minutes) <= now {
        return Err(Error::InvalidState("the contact is over"));
    }
    Ok(())
}

/// A contact its planner may cancel: not cancelled yet and not recorded — still to come, or
/// over with nothing recorded, when cancelling says it did not take place. A recorded contact
/// took place.
fn cancellable(contact: &PlannedContact, recorded: bool) -> Result<()> {
    if contact.cancelled_at.is_some() {
        return Err(Error::InvalidState("the contact was cancelled"));
    }
    if recorded {
        return Err(Error::InvalidState("the contact is already recorded"));
    }
    Ok(())
}

/// A contact its planner may move (or change how, where, its note): not over, not cancelled,
/// not recorded.
fn movable(contact: &PlannedContact, recorded: bool, now: Millis) -> Result<()> {
    still_open(contact, now)?;
    cancellable(contact, recorded)
}

/// A contact a check-in may record: started, not cancelled, not recorded by another check-in.
fn recordable(contact: &PlannedContact, recorded: bool, now: Millis) -> Result<()> {
    if contact.cancelled_at.is_some() {
        return Err(Error::InvalidState("the contact was cancelled"));
    }
    if contact.starts_at > now {
        return Err(Error::InvalidState("the contact has not started"));
    }
    if recorded {
        return Err(Error::InvalidState("the contact is already recorded"));
    }
    Ok(())
}

/// The check-in (its `checkin_id`) that records contact `id`, other than `except`.
fn recording_checkin(c: &Connection, id: &str, except: Option<&str>) -> Result<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT min(checkin_id) FROM checkin
         WHERE planned_contact_id = ?1 AND superseded = 0 AND checkin_id IS NOT ?2",
    )?
    .query_row((id, except), |r| r.get(0))?)
}

/// Checks the planned contact a check-in of `input.mentorship_id` names, if it names one: a
/// contact of that mentorship that [`recordable`] allows. `checkin_id` is the check-in being
/// amended, which may keep recording it.
pub(crate) fn check_records(
    c: &Connection,
    input: &CheckInInput,
    checkin_id: Option<&str>,
    now: Millis,
) -> Result<()> {
    let Some(id) = &input.planned_contact_id else {
        return Ok(());
    };
    let contact = load_contact(c, id)?;
    if contact.mentorship_id != input.mentorship_id {
        return Err(Error::NotAllowed(
            "a check-in records a planned contact of its own mentorship",
        ));
    }
    let recorded = recording_checkin(c, id, checkin_id)?.is_some();
    recordable(&contact, recorded, now)
}

fn ends_at(starts_at: Millis, duration_minutes: u32) -> Millis {
    starts_at.saturating_add(i64::from(duration_minutes) * 60_000)
}

/// Checks `details` and returns its columns, texts trimmed.
fn detail_cols(details: &ContactDetails, now: Millis) -> Result<Vec<Col>> {
    check_time("starts_at", details.starts_at, now, PLAN_HORIZON_MS)?;
    if details.starts_at < now {
        return Err(Error::invalid("starts_at", Problem::Past));
    }
    in_range(
        "duration_minutes",
        i64::from(details.duration_minutes),
        DURATION_MIN,
        DURATION_MAX,
    )?;
    let place = optional_text("place", details.place.as_deref(), SHORT_TEXT_MAX)?;
    let note = optional_text("note", details.note.as_deref(), MEDIUM_TEXT_MAX)?;
    Ok(vec![
        ("starts_at", Value::Integer(details.starts_at)),
        (
            "duration_minutes",
            Value::Integer(details.duration_minutes.into()),
        ),
        ("mode", details.mode.into()),
        ("place", place.into()),
        ("note", note.into()),
    ])
}

impl Store {
    /// Plans a contact of a mentorship under way (active or paused), as its mentor or its
    /// coordinator. It reaches the survivor, the mentor, the coordinator and the caregivers the
    /// survivor shares with at their next sync.
    pub fn plan_contact(
        &self,
        mentorship_id: &str,
        details: ContactDetails,
    ) -> Result<PlannedContact> {
        let mentorship_id = parse_id("mentorship_id", mentorship_id)?;
        let mut cols = detail_cols(&details, self.now())?;
        self.write(|tx| {
            let (me, _) = planner(&tx.conn, &mentorship_id)?;
            let id = new_id();
            cols.push(("mentorship_id", Value::Text(mentorship_id.clone())));
            cols.push(("planned_by", Value::Text(me)));
            tx.insert(Collection::PlannedContact, &id, cols.clone())?;
            load_contact(&tx.conn, &id)
        })
    }

    /// Moves a contact, or changes how, where or its note (the whole details, as when
    /// planning). A new start asks for a new answer.
    pub fn change_planned_contact(
        &self,
        contact_id: &str,
        details: ContactDetails,
    ) -> Result<PlannedContact> {
        let id = parse_id("contact_id", contact_id)?;
        let cols = detail_cols(&details, self.now())?;
        self.write(|tx| {
            let contact = load_contact(&tx.conn, &id)?;
            planner(&tx.conn, &contact.mentorship_id)?;
            let recorded = recording_checkin(&tx.conn, &id, None)?.is_some();
            movable(&contact, recorded, tx.now)?;
            tx.upsert(Collection::PlannedContact, &id, cols.clone())?;
            load_contact(&tx.conn, &id)
        })
    }

    /// Cancels a contact still to come, or says that one over and not recorded did not take
    /// place. Everyone in the mentorship sees it cancelled.
    pub fn cancel_planned_contact(&self, contact_id: &str) -> Result<PlannedContact> {
        let id = parse_id("contact_id", contact_id)?;
        self.write(|tx| {
            let contact = load_contact(&tx.conn, &id)?;
            planner(&tx.conn, &contact.mentorship_id)?;
            let recorded = recording_checkin(&tx.conn, &id, None)?.is_some();
            cancellable(&contact, recorded)?;
            let now = tx.now;
            tx.update(
                Collection::PlannedContact,
                &id,
                vec![("cancelled_at", Value::Integer(now))],
            )?;
            load_contact(&tx.conn, &id)
        })
    }

    /// Answers a contact still to come, as its survivor or a caregiver they share with.
    /// Answering again changes the answer.
    pub fn reply_to_planned_contact(
        &self,
        contact_id: &str,
        reply: ContactReply,
    ) -> Result<PlannedContact> {
        let id = parse_id("contact_id", contact_id)?;
        self.write(|tx| {
            let contact = load_contact(&tx.conn, &id)?;
            let me = owner(&tx.conn)?;
            let m = load_mentorship(&tx.conn, &contact.mentorship_id)?;
            let members = conversation_members(&tx.conn, &m.id)?;
            if me.id == m.mentor_id || !members.contains(&me.id) {
                return Err(Error::NotAllowed(
                    "only the survivor and the caregivers they share with answer a planned contact",
                ));
            }
            if !matches!(
                m.status,
                MentorshipStatus::Active | MentorshipStatus::Paused
            ) {
                return Err(Error::InvalidState("the mentorship is not under way"));
            }
            still_open(&contact, tx.now)?;
            let now = tx.now;
            // Every field of the answer, changed or not: the server takes an answer only with
            // its author named.
            tx.update(
                Collection::PlannedContact,
                &id,
                vec![
                    ("reply", reply.into()),
                    ("replied_by", Value::Text(me.id)),
                    ("replied_at", Value::Integer(now)),
                    ("replied_for", Value::Integer(contact.starts_at)),
                ],
            )?;
            load_contact(&tx.conn, &id)
        })
    }

    /// The contacts still to come that the owner takes part in — as survivor, mentor,
    /// coordinator or a caregiver the survivor shares with — in every mentorship under way, or
    /// in one (`mentorship_id`); soonest first, cancelled ones included until their time has
    /// passed. One call for a survivor's home screen or a mentor's week.
    pub fn upcoming_contacts(&self, mentorship_id: Option<&str>) -> Result<Vec<UpcomingContact>> {
        self.contacts_seen(UPCOMING_SQL, mentorship_id)
    }

    /// The contacts that are over and that nobody recorded — neither by a check-in naming them
    /// nor by cancelling them — in every mentorship the owner serves as mentor or coordinates,
    /// or in one (`mentorship_id`), oldest first: the mentor's reminder to record every contact,
    /// and the coordinator's view of the contacts their mentors have left unrecorded (theirs to
    /// cancel if it did not take place, the mentor's to record).
    pub fn contacts_to_record(&self, mentorship_id: Option<&str>) -> Result<Vec<UpcomingContact>> {
        self.contacts_seen(TO_RECORD_SQL, mentorship_id)
    }

    /// The rows of `sql` (a [`seen_by`] query taking the owner, now and an optional
    /// mentorship) as the owner sees them.
    fn contacts_seen(
        &self,
        sql: &str,
        mentorship_id: Option<&str>,
    ) -> Result<Vec<UpcomingContact>> {
        let mentorship_id = mentorship_id
            .map(|m| parse_id("mentorship_id", m))
            .transpose()?;
        let now = self.now();
        self.read(|c| {
            let me = owner(c)?;
            let mut stmt = c.prepare_cached(sql)?;
            let rows = stmt.query_map((&me.id, now, &mentorship_id), |r| {
                seen_by_owner(r, &me.id, now)
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// One planned contact of a mentorship under way that the owner takes part in, past or to
    /// come (to prefill the form that moves it, or to open it from a notification).
    pub fn planned_contact(&self, contact_id: &str) -> Result<UpcomingContact> {
        let id = parse_id("contact_id", contact_id)?;
        let now = self.now();
        self.read(|c| {
            let me = owner(c)?;
            load_contact(c, &id)?;
            c.prepare_cached(ONE_SQL)?
                .query_row((&me.id, &id), |r| seen_by_owner(r, &me.id, now))
                .optional()?
                .ok_or(Error::NotAllowed(
                    "only the people of a mentorship under way see its planned contacts",
                ))
        })
    }
}
