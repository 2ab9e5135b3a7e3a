//! The programme report a coordinator reads: contacts per dimension, mode and person reached
//! over a period; dose delivered against planned per mentorship; what came of the contacts
//! planned; the escalation loop's health.

use std::fmt::Write as _;

use rusqlite::Connection;

use crate::directory::referral::{ReferralCount, report_counts};
use crate::error::{Error, Problem, Result};
use crate::model::checkin::{ContactMode, Reached};
use crate::model::dimension::Dimension;
use crate::model::mentorship::MentorshipStatus;
use crate::model::person::{Role, owner_with_role};
use crate::model::planned_contact::recorded_by;
use crate::store::Store;
use crate::time::{DAY_MS, Millis, PLAN_HORIZON_MS, check_time};

/// Contacts that addressed one dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DimensionCount {
    /// The dimension.
    pub dimension: Dimension,
    /// Contacts that addressed it.
    pub contacts: u32,
}

/// Contacts by one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ModeCount {
    /// The mode.
    pub mode: ContactMode,
    /// Check-ins recorded with it (attempts included).
    pub checkins: u32,
}

/// Check-ins by who was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReachedCount {
    /// Who was reached.
    pub reached: Reached,
    /// Check-ins.
    pub checkins: u32,
}

/// Dose delivered against planned for one mentorship.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DoseLine {
    /// The mentorship.
    pub mentorship_id: String,
    /// The survivor.
    pub survivor_name: String,
    /// The mentor.
    pub mentor_name: String,
    /// Its state.
    pub status: MentorshipStatus,
    /// Planned contacts.
    pub planned_contacts: u32,
    /// Planned weeks.
    pub planned_weeks: u32,
    /// Contacts that reached someone, from the start to the end of the period.
    pub delivered_contacts: u32,
    /// Contacts the plan expects by the end of the period (pro rata of the weeks elapsed).
    pub expected_contacts: u32,
}

/// What came of the contacts planned to start in the period: each counted once, in the first
/// of these that fits it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlannedContactOutcomes {
    /// Every contact planned to start in the period.
    pub planned: u32,
    /// Recorded by a check-in: they took place (nobody answering the door included — the
    /// check-in says who was reached).
    pub held: u32,
    /// Cancelled once their time had come, with nothing recorded: they did not take place.
    pub did_not_take_place: u32,
    /// Cancelled before their start (moved off, or called off in time).
    pub cancelled_ahead: u32,
    /// Over, not cancelled, and not recorded yet: the mentor has a check-in to write.
    pub waiting_to_be_recorded: u32,
    /// Not over yet (a period reaching past today).
    pub to_come: u32,
}

/// The programme report for one period.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ProgrammeReport {
    /// Start of the period (inclusive).
    pub from: Millis,
    /// End of the period (exclusive).
    pub to: Millis,
    /// Check-ins that reached someone.
    pub contacts: u32,
    /// Check-ins where nobody answered.
    pub unanswered_attempts: u32,
    /// Minutes of contact.
    pub contact_minutes: u32,
    /// Contacts per dimension, all five in taxonomy order.
    pub by_dimension: Vec<DimensionCount>,
    /// Check-ins per mode, every mode.
    pub by_mode: Vec<ModeCount>,
    /// Check-ins per person reached.
    pub by_reached: Vec<ReachedCount>,
    /// Mean wellbeing score where one was given.
    pub mean_wellbeing: Option<f64>,
    /// Dose per mentorship that was active at some point in the period.
    pub doses: Vec<DoseLine>,
    /// What came of the contacts planned in the period, in the mentorships the owner
    /// coordinates.
    pub planned_contacts: PlannedContactOutcomes,
    /// Escalations raised in the period.
    pub escalations_raised: u32,
    /// Escalations resolved in the period.
    pub escalations_resolved: u32,
    /// Escalations not resolved at the end of the period.
    pub escalations_open: u32,
    /// Follow-ups open and past due at the end of the period.
    pub overdue_follow_ups: u32,
    /// Directory services shared with survivors in the period (referrals).
    pub referrals: u32,
    /// Referrals per dimension of the services shared, all five in taxonomy order.
    pub referrals_by_dimension: Vec<ReferralCount>,
}

const WEEK_MS: Millis = 7 * DAY_MS;

/// Current versions of check-ins in the period, in mentorships the owner coordinates.
const PERIOD_CHECKINS: &str = "FROM checkin c JOIN mentorship m ON m.id = c.mentorship_id
     WHERE m.coordinator_id = ?1 AND c.superseded = 0 AND c.occurred_at >= ?2 AND c.occurred_at < ?3";

/// Totals of the period: (contacts, unanswered, minutes, mean wellbeing, contacts per dimension).
type Totals = (u32, u32, u32, Option<f64>, Vec<DimensionCount>);

fn totals(c: &Connection, me: &str, from: Millis, to: Millis) -> Result<Totals> {
    let dim_sums = Dimension::ALL.iter().fold(String::new(), |mut sql, d| {
        let _ = write!(
            sql,
            ", coalesce(sum(c.reached <> 'no_answer' AND (c.dimensions & {}) <> 0), 0)",
            d.bit()
        );
        sql
    });
    let sql = format!(
        "SELECT coalesce(sum(c.reached <> 'no_answer'), 0), coalesce(sum(c.reached = 'no_answer'), 0),
                coalesce(sum(c.duration_minutes), 0), avg(c.wellbeing) {dim_sums} {PERIOD_CHECKINS}"
    );
    Ok(c.prepare_cached(&sql)?.query_row((me, from, to), |r| {
        let by_dimension = Dimension::ALL
            .iter()
            .enumerate()
            .map(|(i, &dimension)| {
                Ok(DimensionCount {
                    dimension,
                    contacts: r.get(4 + i)?,
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, by_dimension))
    })?)
}

fn mode_and_reached(
    c: &Connection,
    me: &str,
    from: Millis,
    to: Millis,
) -> Result<(Vec<ModeCount>, Vec<ReachedCount>)> {
    let mut by_mode: Vec<ModeCount> = ContactMode::ALL
        .iter()
        .map(|&mode| ModeCount { mode, checkins: 0 })
        .collect();
    let mut by_reached: Vec<ReachedCount> = Reached::ALL
        .iter()
        .map(|&reached| ReachedCount {
            reached,
            checkins: 0,
        })
        .collect();
    let mut stmt = c.prepare_cached(&format!(
        "SELECT c.mode, c.reached, count(*) {PERIOD_CHECKINS} GROUP BY c.mode, c.reached"
    ))?;
    let mut rows = stmt.query((me, from, to))?;
    while let Some(r) = rows.next()? {
        let (mode, reached, n): (ContactMode, Reached, u32) = (r.get(0)?, r.get(1)?, r.get(2)?);
        by_mode
            .iter_mut()
            .filter(|m| m.mode == mode)
            .for_each(|m| m.checkins += n);
        by_reached
            .iter_mut()
            .filter(|x| x.reached == reached)
            .for_each(|x| x.checkins += n);
    }
    Ok((by_mode, by_reached))
}

fn doses(c: &Connection, me: &str, from: Millis, to: Millis) -> Result<Vec<DoseLine>> {
    let mut stmt = c.prepare_cached(
        "SELECT m.id, s.display_name, t.display_name, m.status, m.planned_contacts, m.planned_weeks,
                m.started_at,
                (SELECT count(*) FROM checkin c WHERE c.mentorship_id = m.id AND c.superseded = 0
                   AND c.reached <> 'no_answer' AND c.occurred_at < ?3)
         FROM mentorship m JOIN person s ON s.id = m.survivor_id JOIN person t ON t.id = m.mentor_id
         WHERE m.coordinator_id = ?1 AND m.started_at IS NOT NULL AND m.started_at < ?3
           AND (m.ended_at IS NULL OR m.ended_at >= ?2)
         ORDER BY s.display_name, m.id",
    )?;
    let rows = stmt.query_map((me, from, to), |r| {
        let planned_contacts: u32 = r.get(4)?;
        let planned_weeks: u32 = r.get(5)?;
        let started_at: Millis = r.get(6)?;
        let elapsed_weeks = (to - started_at).max(0) as f64 / WEEK_MS as f64;
        let share = (elapsed_weeks / f64::from(planned_weeks.max(1))).min(1.0);
        Ok(DoseLine {
            mentorship_id: r.get(0)?,
            survivor_name: r.get(1)?,
            mentor_name: r.get(2)?,
            status: r.get(3)?,
            planned_contacts,
            planned_weeks,
            delivered_contacts: r.get(7)?,
            expected_contacts: (f64::from(planned_contacts) * share).floor() as u32,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// What came of the contacts planned to start in `from..to`, as it stands at `now`.
fn planned_outcomes(
    c: &Connection,
    me: &str,
    from: Millis,
    to: Millis,
    now: Millis,
) -> Result<PlannedContactOutcomes> {
    let sql = concat!(
        "SELECT count(*),
                coalesce(sum(recorded), 0),
                coalesce(sum(NOT recorded AND cancelled_at >= starts_at), 0),
                coalesce(sum(NOT recorded AND cancelled_at < starts_at), 0),
                coalesce(sum(NOT recorded AND cancelled_at IS NULL AND ends_at <= ?4), 0),
                coalesce(sum(NOT recorded AND cancelled_at IS NULL AND ends_at > ?4), 0)
         FROM (SELECT p.starts_at, p.cancelled_at,
                      p.starts_at + p.duration_minutes * 60000 AS ends_at,
                      ",
        recorded_by!("p"),
        " IS NOT NULL AS recorded
               FROM planned_contact p JOIN mentorship m ON m.id = p.mentorship_id
               WHERE m.coordinator_id = ?1 AND p.starts_at >= ?2 AND p.starts_at < ?3)"
    );
    Ok(c.prepare_cached(sql)?.query_row((me, from, to, now), |r| {
        Ok(PlannedContactOutcomes {
            planned: r.get(0)?,
            held: r.get(1)?,
            did_not_take_place: r.get(2)?,
            cancelled_ahead: r.get(3)?,
            waiting_to_be_recorded: r.get(4)?,
            to_come: r.get(5)?,
        })
    })?)
}

/// (raised in period, resolved in period, open at its end, follow-ups overdue at its end).
fn loop_health(c: &Connection, me: &str, from: Millis, to: Millis) -> Result<(u32, u32, u32, u32)> {
    Ok(c.prepare_cached(
        "SELECT
           (SELECT count(*) FROM escalation e WHERE e.assigned_to = ?1 AND e.raised_at >= ?2 AND e.raised_at < ?3),
           (SELECT count(*) FROM escalation e JOIN escalation_event v ON v.escalation_id = e.id
              WHERE e.assigned_to = ?1 AND v.kind = 'resolved' AND v.at >= ?2 AND v.at < ?3),
           (SELECT count(*) FROM escalation e WHERE e.assigned_to = ?1 AND e.raised_at < ?3
              AND NOT EXISTS (SELECT 1 FROM escalation_event v WHERE v.escalation_id = e.id
                              AND v.kind = 'resolved' AND v.at < ?3)),
           (SELECT count(*) FROM checkin c JOIN mentorship m ON m.id = c.mentorship_id
              WHERE m.coordinator_id = ?1 AND m.status <> 'ended' AND c.superseded = 0
                AND c.follow_up_due < ?3 AND (c.follow_up_done_at IS NULL OR c.follow_up_done_at >= ?3))",
    )?
    .query_row((me, from, to), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?)
}

impl Store {
    /// The report for the mentorships the owner (a professional) coordinates, over
    /// `from..to`.
    pub fn programme_report(&self, from: Millis, to: Millis) -> Result<ProgrammeReport> {
        let now = self.now();
        check_time("from", from, now, PLAN_HORIZON_MS)?;
        check_time("to", to, now, PLAN_HORIZON_MS)?;
        if to <= from {
            return Err(Error::invalid("to", Problem::OutOfOrder));
        }
        self.read(|c| {
            let me = owner_with_role(
                c,
                Role::Professional,
                "only a professional reads the programme report",
            )?;
            let (contacts, unanswered_attempts, contact_minutes, mean_wellbeing, by_dimension) =
                totals(c, &me.id, from, to)?;
            let (by_mode, by_reached) = mode_and_reached(c, &me.id, from, to)?;
            let (escalations_raised, escalations_resolved, escalations_open, overdue_follow_ups) =
                loop_health(c, &me.id, from, to)?;
            let (referrals, referrals_by_dimension) = report_counts(c, &me.id, from, to)?;
            Ok(ProgrammeReport {
                from,
                to,
                contacts,
                unanswered_attempts,
                contact_minutes,
                by_dimension,
                by_mode,
                by_reached,
                mean_wellbeing,
                doses: doses(c, &me.id, from, to)?,
                planned_contacts: planned_outcomes(c, &me.id, from, to, now)?,
                escalations_raised,
                escalations_resolved,
                escalations_open,
                overdue_follow_ups,
                referrals,
                referrals_by_dimension,
            })
        })
    }
}
