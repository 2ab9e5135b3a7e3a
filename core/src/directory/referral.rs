//! Referrals: a mentor shares a directory service with a survivor. A referral is not a row of
//! its own: it is derived from the records that carry it — a check-in's `resources_shared`
//! holding a service's id, or a message sharing a service — so it always follows the current version of that record, on every
//! device that has it, with nothing extra to sync.
//!
//! Each carrier is one `SELECT` in [`CARRIERS`] yielding `(service_id, via, via_id,
//! mentorship_id, referred_by, referred_at)`; the `referral` common table expression unions them.
//! A message that references a service adds one entry (`via` = `message`), and every query
//! here — what a survivor sees, a mentorship's referrals, the programme report's counts — counts
//! it with no other change.

use std::fmt::Write as _;

use rusqlite::Connection;

use super::detail::{DirectoryService, load};
use crate::error::{Error, Result};
use crate::model::codes::code_enum;
use crate::model::dimension::Dimension;
use crate::model::mentorship::load_visible_mentorship;
use crate::model::person::{Role, owner};
use crate::store::Store;
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
    "SELECT s.id, 'message', m.id, m.mentorship_id, m.sender_id, m.created_at
     FROM message m JOIN dir_service s ON s.id = m.attachment_ref
     WHERE m.kind = 'service'",
];

/// `WITH referral(...) AS (...)`, to put in front of a query over referrals.
pub(crate) fn referral_cte() -> String {
    format!(
        "WITH referral (service_id, via, via_id, mentorship_id, referred_by, referred_at) AS ({})",
        CARRIERS.join(" UNION ALL ")
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
        "{} SELECT count(*) {sums} FROM referral r JOIN mentorship m ON m.id = r.mentorship_id
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
                 FROM referral r JOIN mentorship m ON m.id = r.mentorship_id
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
                "{} SELECT service_id, via, via_id, mentorship_id, referred_by, referred_at FROM referral
                 WHERE mentorship_id = ?1 ORDER BY referred_at, via_id, service_id",
                referral_cte()
            );
            Ok(c.prepare_cached(&sql)?
                .query_map([&m.id], referral_from_row)?
                .collect::<rusqlite::Result<_>>()?)
        })
    }
}
