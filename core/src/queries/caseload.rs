//! A mentor's caseload and the overdue follow-ups: the mentor's home screen in one call each.

use rusqlite::Row;

use crate::error::{Error, Result};
use crate::model::codes::json_list;
use crate::model::escalation::Urgency;
use crate::model::mentorship::MentorshipStatus;
use crate::model::person::{CommunicationNeed, Role, owner, owner_with_role};
use crate::model::planned_contact::{not_over, recorded_by, unrecorded};
use crate::store::Store;
use crate::time::Millis;

/// One mentee on a mentor's caseload.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseloadEntry {
    /// The mentorship.
    pub mentorship_id: String,
    /// The survivor.
    pub survivor_id: String,
    /// Their display name.
    pub survivor_name: String,
    /// How to communicate with them.
    pub communication_needs: Vec<CommunicationNeed>,
    /// Proposed, active or paused.
    pub status: MentorshipStatus,
    /// Contacts that reached someone.
    pub contacts_done: u32,
    /// The planned dose.
    pub planned_contacts: u32,
    /// Over how many weeks.
    pub planned_weeks: u32,
    /// When the mentorship started.
    pub started_at: Option<Millis>,
    /// The last contact that reached someone.
    pub last_contact_at: Option<Millis>,
    /// The earliest open follow-up.
    pub next_follow_up_due: Option<Millis>,
    /// When the next planned contact (not cancelled, not over) starts.
    pub next_contact_at: Option<Millis>,
    /// Planned contacts over that wait to be recorded (no check-in names them, not
    /// cancelled): [`Store::contacts_to_record`] lists them.
    pub contacts_to_record: u32,
    /// Open follow-ups past their due date.
    pub overdue_follow_ups: u32,
    /// Escalations not yet resolved.
    pub open_concerns: u32,
    /// The most urgent of them.
    pub most_urgent_concern: Option<Urgency>,
}

/// An open follow-up past its due date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OverdueFollowUp {
    /// The check-in that set it.
    pub checkin_id: String,
    /// The mentorship.
    pub mentorship_id: String,
    /// The survivor.
    pub survivor_name: String,
    /// The mentor.
    pub mentor_id: String,
    /// What to do.
    pub action: String,
    /// When it was due.
    pub due_at: Millis,
    /// Whole days past due.
    pub days_overdue: u32,
}

/// The caseload in one statement (`?1` mentor id, `?2` now). Public so the benchmark's raw
/// baseline runs exactly the same SQL.
#[doc(hidden)]
pub const CASELOAD_SQL: &str = concat!(
    "WITH mine AS (
       SELECT id, survivor_id, status, planned_contacts, planned_weeks, started_at
       FROM mentorship WHERE mentor_id = ?1 AND status <> 'ended'),
     contacts AS (
       SELECT c.mentorship_id,
              sum(c.reached <> 'no_answer') AS contacts_done,
              max(CASE WHEN c.reached <> 'no_answer' THEN c.occurred_at END) AS last_contact_at,
              min(CASE WHEN c.follow_up_done_at IS NULL THEN c.follow_up_due END) AS next_due,
              sum(c.follow_up_done_at IS NULL AND c.follow_up_due < ?2) AS overdue
       FROM checkin c
       WHERE c.superseded = 0 AND c.mentorship_id IN (SELECT id FROM mine)
       GROUP BY c.mentorship_id),
     concerns AS (
       SELECT e.mentorship_id, count(*) AS open_concerns, max(CASE urgency WHEN 'urgent' THEN 3 WHEN 'soon' THEN 2 ELSE 1 END) AS urgency_rank
       FROM escalation e JOIN mine ON e.mentorship_id = mine.id
       WHERE NOT EXISTS (SELECT 1 FROM escalation_event v
             WHERE v.escalation_id = e.id AND v.kind = 'resolved')
       GROUP BY e.mentorship_id)
     SELECT mine.id, mine.survivor_id, p.display_name, sp.communication_needs, mine.status,
            coalesce(contacts.contacts_done, 0) AS contacts_done, mine.planned_contacts,
            mine.planned_weeks, mine.started_at, contacts.last_contact_at, contacts.next_due,
            coalesce(contacts.overdue, 0) AS overdue,
            coalesce(concerns.open_concerns, 0) AS open_concerns, concerns.urgency_rank,
            (SELECT min(pc.starts_at) FROM planned_contact pc
              WHERE pc.mentorship_id = mine.id AND pc.cancelled_at IS NULL AND ",
    not_over!("pc", "?2"),
    ") AS next_contact_at,
            (SELECT count(*) FROM planned_contact pc
              WHERE pc.mentorship_id = mine.id AND ",
    unrecorded!("pc", "?2"),
    ") AS to_record
     FROM mine
     JOIN person p ON p.id = mine.survivor_id
     LEFT JOIN survivor_profile sp ON sp.person_id = mine.survivor_id
     LEFT JOIN contacts ON contacts.mentorship_id = mine.id
     LEFT JOIN concerns ON concerns.mentorship_id = mine.id
     ORDER BY (overdue > 0 OR to_record > 0) DESC, coalesce(concerns.urgency_rank, 0) DESC,
              contacts.next_due IS NULL, contacts.next_due, p.display_name, mine.id"
);

fn caseload_row(r: &Row<'_>) -> rusqlite::Result<CaseloadEntry> {
    let urgency_rank: Option<i64> = r.get("urgency_rank")?;
    Ok(CaseloadEntry {
        mentorship_id: r.get("id")?,
        survivor_id: r.get("survivor_id")?,
        survivor_name: r.get("display_name")?,
        communication_needs: json_list(r, "communication_needs")?,
        status: r.get("status")?,
        contacts_done: r.get("contacts_done")?,
        planned_contacts: r.get("planned_contacts")?,
        planned_weeks: r.get("planned_weeks")?,
        started_at: r.get("started_at")?,
        last_contact_at: r.get("last_contact_at")?,
        next_follow_up_due: r.get("next_due")?,
        next_contact_at: r.get("next_contact_at")?,
        contacts_to_record: r.get("to_record")?,
        overdue_follow_ups: r.get("overdue")?,
        open_concerns: r.get("open_concerns")?,
        most_urgent_concern: urgency_rank.map(|rank| match rank {
            3 => Urgency::Urgent,
            2 => Urgency::Soon,
            _ => Urgency::Routine,
        }),
    })
}

impl Store {
    /// The owner's (a mentor's) mentees with their last contact, next follow-up, next planned
    /// contact, contacts to record and open concerns. Most pressing first: something overdue
    /// (a follow-up past due, a contact over and not recorded), urgent concerns, then the next
    /// due.
    pub fn caseload(&self) -> Result<Vec<CaseloadEntry>> {
        let now = self.now();
        self.read(|c| {
            let me = owner_with_role(c, Role::Mentor, "only a mentor has a caseload")?;
            let mut stmt = c.prepare_cached(CASELOAD_SQL)?;
            let rows = stmt.query_map((&me.id, now), caseload_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Open follow-ups past due, oldest first: a mentor's own, or (for a professional) those of
    /// the mentorships they coordinate.
    pub fn overdue_follow_ups(&self) -> Result<Vec<OverdueFollowUp>> {
        let now = self.now();
        self.read(|c| {
            let me = owner(c)?;
            let column = match me.role {
                Role::Mentor => "mentor_id",
                Role::Professional => "coordinator_id",
                _ => return Err(Error::NotAllowed("only mentors and professionals follow up")),
            };
            let sql = format!(
                "SELECT c.checkin_id, c.mentorship_id, p.display_name, m.mentor_id, c.follow_up_action,
                        c.follow_up_due
                 FROM mentorship m
                 JOIN checkin c ON c.mentorship_id = m.id AND c.superseded = 0
                 JOIN person p ON p.id = m.survivor_id
                 WHERE m.{column} = ?1 AND m.status <> 'ended'
                   AND c.follow_up_done_at IS NULL AND c.follow_up_due < ?2
                 ORDER BY c.follow_up_due, c.checkin_id"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map((&me.id, now), |r| {
                let due_at: Millis = r.get(5)?;
                Ok(OverdueFollowUp {
                    checkin_id: r.get(0)?,
                    mentorship_id: r.get(1)?,
                    survivor_name: r.get(2)?,
                    mentor_id: r.get(3)?,
                    action: r.get(4)?,
                    due_at,
                    days_overdue: ((now - due_at) / crate::time::DAY_MS) as u32,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
