//! Referrals: a mentor shares a directory service with a survivor. A referral is derived from
//! the record that carries it — a check-in's `resources_shared` holding a service's id, or a
//! message in which the mentorship's mentor shares a service — so it always follows the current
//! version of that record.
//!
//! Not everyone who needs a referral holds its carrier: a survivor never holds their mentor's
//! check-ins, a coordinator never holds the conversation. So beside each carrier the mentor's
//! device writes one *notice* per service shared (the `referral` collection: which service, what
//! carried it, where, by whom, when — never the note or the message), which travels to everyone
//! in the mentorship ([`keep_checkin_notices`], [`keep_message_notice`]). A device counts the
//! carrier where it holds it and the notice where it does not, so each referral counts once.
//!
//! Each source is one `SELECT` in [`CARRIERS`] yielding `(service_id, via, via_id,
//! mentorship_id, referred_by, referred_at)`; the `referral_view` common table expression
//! unions them, and every query here — what a survivor sees, a mentorship's referrals, the
//! programme report's counts — reads it.

use std::fmt::Write as _;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::detail::{DirectoryService, load};
use super::model::derived_id;
use crate::error::{Error, Result};
use crate::model::checkin::CheckIn;
use crate::model::codes::code_enum;
use crate::model::dimension::Dimension;
use crate::model::mentorship::load_visible_mentorship;
use crate::model::message::Message;
use crate::model::person::{Person, Role, owner};
use crate::store::rows::Collection;
use crate::store::{Store, Tx};
use crate::time::Millis;

code_enum! {
    /// What carried a referral.
    pub enum ReferralVia as "referral carrier" {
        /// A check-in's resources shared.
        CheckIn = "checkin",
        /// A message sharing a service.
        Message = "message",
    }
}

/// One carrier of referrals: a `SELECT` of `(service_id, via, via_id, mentorship_id,
/// referred_by, referred_at)` over the directory services the record names.
pub(crate) const CARRIERS: &[&str] = &[
    "SELECT s.id, 'checkin', c.checkin_id, c.mentorship_id, c.author_id, c.occurred_at
     FROM checkin c, json_each(c.resources_shared) j JOIN dir_service s ON s.id = lower(trim(j.value))
     WHERE c.superseded = 0 AND j.type = 'text'",
    // A service shared by a survivor or a caregiver is a message, not a programme referral.
    "SELECT s.id, 'message', m.id, m.mentorship_id, m.sender_id, m.created_at
     FROM message m JOIN dir_service s ON s.id = m.attachment_ref
       JOIN person p ON p.id = m.sender_id AND p.role = 'mentor'
     WHERE m.kind = 'service'",
    // Notices of carriers this device does not hold.
    "SELECT s.id, n.via, n.via_id, n.mentorship_id, n.referred_by, n.referred_at
     FROM referral n JOIN dir_service s ON s.id = n.service_id
     WHERE n.removed_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM checkin c WHERE n.via = 'checkin' AND c.checkin_id = n.via_id)
       AND NOT EXISTS (SELECT 1 FROM message m WHERE n.via = 'message' AND m.id = n.via_id)",
];

/// `WITH referral_view(...) AS (...)`, to put in front of a query over referrals.
pub(crate) fn referral_cte() -> String {
    format!(
        "WITH referral_view (service_id, via, via_id, mentorship_id, referred_by, referred_at) AS ({})",
        CARRIERS.join(" UNION ALL ")
    )
}

/// The id of the notice of `service_id` carried by `via_id`: the same on every device, so a
/// carrier's notices are updated in place.
fn notice_id(via_id: &str, service_id: &str) -> String {
    derived_id(&["referral", via_id, service_id])
}

/// Writes (or updates) the notice of one service shared, bringing it back if it was removed.
fn keep_notice(tx: &mut Tx<'_>, via: ReferralVia, r: &Referral) -> Result<()> {
    tx.upsert(
        Collection::Referral,
        &notice_id(&r.via_id, &r.service_id),
        vec![
            ("mentorship_id", Value::Text(r.mentorship_id.clone())),
            ("service_id", Value::Text(r.service_id.clone())),
            ("via", Value::Text(via.code().to_owned())),
            ("via_id", Value::Text(r.via_id.clone())),
            ("referred_by", Value::Text(r.referred_by.clone())),
            ("referred_at", Value::Integer(r.referred_at)),
            ("removed_at", Value::Null),
        ],
    )?;
    Ok(())
}

/// Brings the notices of a check-in in line with its current version: one per directory
/// service it shares, and the notices of services an amendment took out marked removed.
pub(crate) fn keep_checkin_notices(tx: &mut Tx<'_>, checkin: &CheckIn) -> Result<()> {
    let shared: Vec<String> = {
        let mut stmt = tx
            .conn
            .prepare_cached("SELECT 1 FROM dir_service WHERE id = ?1")?;
        let mut ids = Vec::new();
        for r in &checkin.resources_shared {
            let id = r.trim().to_lowercase();
            if !ids.contains(&id) && stmt.exists([&id])? {
                ids.push(id);
            }
        }
        ids
    };
    for service_id in &shared {
        keep_notice(
            tx,
            ReferralVia::CheckIn,
            &Referral {
                service_id: service_id.clone(),
                via: ReferralVia::CheckIn,
                via_id: checkin.checkin_id.clone(),
                mentorship_id: checkin.mentorship_id.clone(),
                referred_by: checkin.author_id.clone(),
                referred_at: checkin.occurred_at,
            },
        )?;
    }
    let dropped: Vec<String> = tx
        .conn
        .prepare_cached(
            "SELECT id, service_id FROM referral WHERE via_id = ?1 AND removed_at IS NULL",
        )?
        .query_map([&checkin.checkin_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .filter_map(|r: rusqlite::Result<(String, String)>| match r {
            Ok((id, service)) if !shared.contains(&service) => Some(Ok(id)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<_>>()?;
    let now = tx.now;
    for id in dropped {
        tx.update(
            Collection::Referral,
            &id,
            vec![("removed_at", Value::Integer(now))],
        )?;
    }
    Ok(())
}

/// Writes the notice of a service a mentor shared in a message. Shares by anyone else in the
/// conversation are messages, not referrals, and get none.
pub(crate) fn keep_message_notice(
    tx: &mut Tx<'_>,
    sender: &Person,
    message: &Message,
) -> Result<()> {
    let Some(service_id) = &message.shared_service_id else {
        return Ok(());
    };
    if sender.role != Role::Mentor {
        return Ok(());
    }
    keep_notice(
        tx,
        ReferralVia::Message,
        &Referral {
            service_id: service_id.clone(),
            via: ReferralVia::Message,
            via_id: message.id.clone(),
            mentorship_id: message.mentorship_id.clone(),
            referred_by: sender.id.clone(),
            referred_at: message.written_at,
        },
    )
}

/// A service shared with a survivor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Referral {
    /// The service shared.
    pub service_id: String,
    /// What carried it.
    pub via: ReferralVia,
    /// The check-in (its id across versions) or message.
    pub via_id: String,
    /// The mentorship it happened in.
    pub mentorship_id: String,
    /// Who shared it.
    pub referred_by: String,
    /// When.
    pub referred_at: Millis,
}

/// A shared service as the person it was shared with sees it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SharedService {
    /// The latest time it was shared.
    pub referral: Referral,
    /// The service.
    pub service: DirectoryService,
    /// Whether the signed-in person has bookmarked it.
    pub bookmarked: bool,
}

/// Referrals in a period, per dimension of the services referred.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReferralCount {
    /// The dimension.
    pub dimension: Dimension,
    /// Referrals to services serving it.
    pub referrals: u32,
}

fn referral_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Referral> {
    Ok(Referral {
        service_id: r.get(0)?,
        via: r.get(1)?,
        via_id: r.get(2)?,
        mentorship_id: r.get(3)?,
        referred_by: r.get(4)?,
        referred_at: r.get(5)?,
    })
}

/// Referrals in mentorships the professional `me` coordinates over `from..to`: the total and the
/// count per dimension (a referral to a service serving two dimensions counts in both).
pub(crate) fn report_counts(
    c: &Connection,
    me: &str,
    from: Millis,
    to: Millis,
) -> Result<(u32, Vec<ReferralCount>)> {
    let sums = Dimension::ALL.iter().fold(String::new(), |mut sql, d| {
        let _ = write!(sql, ", coalesce(sum((s.dimensions & {}) <> 0), 0)", d.bit());
        sql
    });
    let sql = format!(
        "{} SELECT count(*) {sums} FROM referral_view r JOIN mentorship m ON m.id = r.mentorship_id
           JOIN dir_service s ON s.id = r.service_id
         WHERE m.coordinator_id = ?1 AND r.referred_at >= ?2 AND r.referred_at < ?3",
        referral_cte()
    );
    Ok(c.prepare_cached(&sql)?.query_row((me, from, to), |r| {
        let counts = Dimension::ALL
            .iter()
            .enumerate()
            .map(|(i, &dimension)| {
                Ok(ReferralCount {
                    dimension,
                    referrals: r.get(1 + i)?,
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((r.get(0)?, counts))
    })?)
}

impl Store {
    /// The services shared with the signed-in person, latest first, each once: a survivor sees
    /// what their mentors shared; a caregiver, what was shared with a survivor who consented to
    /// share with them; a mentor, what they shared; a coordinator, what was shared in the
    /// mentorships they coordinate.
    pub fn shared_services(&self) -> Result<Vec<SharedService>> {
        let now = self.now();
        self.read(|c| {
            let me = owner(c)?;
            let whose = match me.role {
                Role::Survivor => "m.survivor_id = ?1",
                Role::Mentor => "m.mentor_id = ?1",
                Role::Professional => "m.coordinator_id = ?1",
                Role::Caregiver => {
                    "EXISTS (SELECT 1 FROM consent k WHERE k.survivor_id = m.survivor_id
                       AND k.scope = 'share_with_caregiver' AND k.caregiver_id = ?1 AND k.withdrawn_at IS NULL)"
                }
            };
            let sql = format!(
                "{} SELECT r.service_id, r.via, r.via_id, r.mentorship_id, r.referred_by, r.referred_at
                 FROM referral_view r JOIN mentorship m ON m.id = r.mentorship_id
                 WHERE {whose} ORDER BY r.referred_at DESC, r.via_id",
                referral_cte()
            );
            let all: Vec<Referral> = c
                .prepare_cached(&sql)?
                .query_map([&me.id], referral_from_row)?
                .collect::<rusqlite::Result<_>>()?;
            let mut out: Vec<SharedService> = Vec::new();
            for referral in all {
                if out.iter().any(|s| s.service.id == referral.service_id) {
                    continue;
                }
                let bookmarked = c
                    .prepare_cached(
                        "SELECT 1 FROM bookmark WHERE person_id = ?1 AND service_id = ?2 AND removed_at IS NULL",
                    )?
                    .exists([&me.id, &referral.service_id])?;
                match load(c, &referral.service_id, now) {
                    Ok(service) => out.push(SharedService {
                        referral,
                        service,
                        bookmarked,
                    }),
                    Err(Error::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(out)
        })
    }

    /// Every referral in a mentorship, oldest first. For its mentor and coordinator.
    pub fn mentorship_referrals(&self, mentorship_id: &str) -> Result<Vec<Referral>> {
        self.read(|c| {
            let m = load_visible_mentorship(c, mentorship_id)?;
            let sql = format!(
                "{} SELECT service_id, via, via_id, mentorship_id, referred_by, referred_at FROM referral_view
                 WHERE mentorship_id = ?1 ORDER BY referred_at, via_id, service_id",
                referral_cte()
            );
            Ok(c.prepare_cached(&sql)?
                .query_map([&m.id], referral_from_row)?
                .collect::<rusqlite::Result<_>>()?)
        })
    }
}
