//! A mentorship's timeline (lifecycle steps, check-ins, escalations, newest first) and a
//! coordinator's open escalations.

use crate::error::Result;
use crate::model::checkin::{CHECKIN_COLS, CheckIn, checkin_from_row};
use crate::model::escalation::{ESCALATION_SELECT, Escalation, escalation_from_row};
use crate::model::mentorship::{MentorshipEvent, load_visible_mentorship};
use crate::model::person::{Role, owner_with_role};
use crate::store::Store;
use crate::time::Millis;

/// One entry of a mentorship's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum TimelineEntry {
    /// Proposed, activated, paused, resumed, ended.
    Lifecycle {
        /// The step.
        event: MentorshipEvent,
    },
    /// A contact (its current version).
    CheckIn {
        /// The current version.
        checkin: CheckIn,
        /// How many versions it has (more than 1: it was amended).
        versions: u32,
    },
    /// A concern raised, with where it stands.
    Escalation {
        /// The escalation.
        escalation: Escalation,
    },
}

impl TimelineEntry {
    /// When the entry happened.
    pub fn at(&self) -> Millis {
        match self {
            Self::Lifecycle { event } => event.at,
            Self::CheckIn { checkin, .. } => checkin.occurred_at,
            Self::Escalation { escalation } => escalation.raised_at,
        }
    }
}

/// An escalation with the names a coordinator needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EscalationSummary {
    /// The escalation.
    pub escalation: Escalation,
    /// The survivor concerned.
    pub survivor_name: String,
    /// The mentor who raised it.
    pub mentor_name: String,
}

impl Store {
    /// Everything that happened in a mentorship, newest first. For its mentor and coordinator.
    pub fn mentorship_timeline(&self, mentorship_id: &str) -> Result<Vec<TimelineEntry>> {
        self.read(|c| {
            let m = load_visible_mentorship(c, mentorship_id)?;
            let mut entries = Vec::new();
            let mut stmt = c.prepare_cached(
                "SELECT id, kind, actor_id, at, reason, note FROM mentorship_event WHERE mentorship_id = ?1
                 ORDER BY at DESC, hlc DESC",
            )?;
            for event in stmt.query_map([&m.id], |r| {
                Ok(MentorshipEvent {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    actor_id: r.get(2)?,
                    at: r.get(3)?,
                    reason: r.get(4)?,
                    note: r.get(5)?,
                })
            })? {
                entries.push(TimelineEntry::Lifecycle { event: event? });
            }
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {CHECKIN_COLS}, (SELECT count(*) FROM checkin v WHERE v.checkin_id = checkin.checkin_id)
                 FROM checkin WHERE mentorship_id = ?1 AND superseded = 0 ORDER BY occurred_at DESC, hlc DESC"
            ))?;
            for entry in stmt.query_map([&m.id], |r| {
                Ok(TimelineEntry::CheckIn { checkin: checkin_from_row(r)?, versions: r.get(CHECKIN_COLS.split(',').count())? })
            })? {
                entries.push(entry?);
            }
            let mut stmt = c.prepare_cached(&format!(
                "{ESCALATION_SELECT} WHERE e.mentorship_id = ?1 ORDER BY e.raised_at DESC, e.hlc DESC"
            ))?;
            for escalation in stmt.query_map([&m.id], escalation_from_row)? {
                entries.push(TimelineEntry::Escalation { escalation: escalation? });
            }
            // Stable: entries at the same instant keep their newest-first order from SQL.
            entries.sort_by_key(|e| std::cmp::Reverse(e.at()));
            Ok(entries)
        })
    }

    /// The escalations routed to the owner (a professional) and not yet resolved: urgent first,
    /// then oldest first.
    pub fn open_escalations(&self) -> Result<Vec<EscalationSummary>> {
        self.read(|c| {
            let me = owner_with_role(c, Role::Professional, "only a professional receives escalations")?;
            let mut stmt = c.prepare_cached(&format!(
                "SELECT x.*, s.display_name AS survivor_name, t.display_name AS mentor_name
                 FROM ({ESCALATION_SELECT} WHERE e.assigned_to = ?1) x
                 JOIN mentorship m ON m.id = x.mentorship_id
                 JOIN person s ON s.id = m.survivor_id
                 JOIN person t ON t.id = x.raised_by
                 WHERE x.res_at IS NULL
                 ORDER BY CASE x.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, x.raised_at, x.id"
            ))?;
            let rows = stmt.query_map([&me.id], |r| {
                Ok(EscalationSummary {
                    escalation: escalation_from_row(r)?,
                    survivor_name: r.get("survivor_name")?,
                    mentor_name: r.get("mentor_name")?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
