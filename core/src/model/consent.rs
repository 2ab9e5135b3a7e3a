//! Consent records (GDPR art. 9): what a survivor agreed to — taking part in the programme,
//! sharing with a named caregiver — when, who recorded it, and its withdrawal.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::codes::code_enum;
use super::person::{Role, load_person_with_role, owner};
use crate::error::{Error, Problem, Result};
use crate::store::Store;
use crate::store::rows::Collection;
use crate::time::{Millis, PAST_EVENT_SLACK_MS, check_time};
use crate::validate::{new_id, parse_id};

code_enum! {
    /// What a consent covers.
    pub enum ConsentScope as "consent scope" {
        /// Taking part in the peer-support programme (needed before a mentorship starts).
        Programme = "programme",
        /// Sharing with one named caregiver.
        ShareWithCaregiver = "share_with_caregiver",
    }
}

/// A consent, granted and possibly withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Consent {
    /// UUIDv7.
    pub id: String,
    /// Who consented.
    pub survivor_id: String,
    /// To what.
    pub scope: ConsentScope,
    /// The caregiver, for [`ConsentScope::ShareWithCaregiver`].
    pub caregiver_id: Option<String>,
    /// When it was given.
    pub granted_at: Millis,
    /// Who recorded it (the survivor, or a professional from a signed form).
    pub recorded_by: String,
    /// When it was withdrawn.
    pub withdrawn_at: Option<Millis>,
    /// Who recorded the withdrawal.
    pub withdrawn_by: Option<String>,
}

/// A consent to record.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewConsent {
    /// Who consents.
    pub survivor_id: String,
    /// To what.
    pub scope: ConsentScope,
    /// The caregiver, required for sharing and only then.
    pub caregiver_id: Option<String>,
    /// When it was given (a paper form may be recorded later).
    pub granted_at: Millis,
}

const CONSENT_COLS: &str =
    "id, survivor_id, scope, caregiver_id, granted_at, recorded_by, withdrawn_at, withdrawn_by";

fn consent_from_row(r: &Row<'_>) -> rusqlite::Result<Consent> {
    Ok(Consent {
        id: r.get(0)?,
        survivor_id: r.get(1)?,
        scope: r.get(2)?,
        caregiver_id: r.get(3)?,
        granted_at: r.get(4)?,
        recorded_by: r.get(5)?,
        withdrawn_at: r.get(6)?,
        withdrawn_by: r.get(7)?,
    })
}

/// Whether the survivor has a programme consent in force.
pub(crate) fn has_programme_consent(c: &Connection, survivor_id: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT 1 FROM consent WHERE survivor_id = ?1 AND scope = 'programme' AND withdrawn_at IS NULL",
    )?
    .query_row([survivor_id], |_| Ok(()))
    .optional()?
    .is_some())
}

/// The owner if they may record consent for `survivor_id`: the survivor or a professional.
fn consent_actor(c: &Connection, survivor_id: &str) -> Result<String> {
    let me = owner(c)?;
    if me.id == survivor_id || me.role == Role::Professional {
        Ok(me.id)
    } else {
        Err(Error::NotAllowed(
            "only the survivor or a professional records consent",
        ))
    }
}

impl Store {
    /// Records a consent. A consent identical to one in force is refused.
    pub fn grant_consent(&self, new: NewConsent) -> Result<Consent> {
        let now = self.now();
        check_time("granted_at", new.granted_at, now, PAST_EVENT_SLACK_MS)?;
        let survivor_id = parse_id("survivor_id", &new.survivor_id)?;
        let caregiver_id = match (new.scope, new.caregiver_id.as_deref()) {
            (ConsentScope::ShareWithCaregiver, Some(id)) => Some(parse_id("caregiver_id", id)?),
            (ConsentScope::ShareWithCaregiver, None) => {
                return Err(Error::invalid("caregiver_id", Problem::Empty));
            }
            (ConsentScope::Programme, Some(_)) => {
                return Err(Error::invalid("caregiver_id", Problem::Malformed));
            }
            (ConsentScope::Programme, None) => None,
        };
        self.write(|tx| {
            load_person_with_role(&tx.conn, "survivor_id", &survivor_id, Role::Survivor)?;
            let me = consent_actor(&tx.conn, &survivor_id)?;
            if let Some(cg) = &caregiver_id {
                load_person_with_role(&tx.conn, "caregiver_id", cg, Role::Caregiver)?;
                let linked: Option<String> = tx
                    .conn
                    .query_row(
                        "SELECT survivor_id FROM caregiver_profile WHERE person_id = ?1",
                        [cg],
                        |r| r.get(0),
                    )
                    .optional()?;
                if linked.as_deref() != Some(survivor_id.as_str()) {
                    return Err(Error::InvalidState(
                        "the caregiver is not linked to this survivor",
                    ));
                }
            }
            let in_force: i64 = tx.conn.query_row(
                "SELECT count(*) FROM consent WHERE survivor_id = ?1 AND scope = ?2
                 AND caregiver_id IS ?3 AND withdrawn_at IS NULL",
                (&survivor_id, new.scope, &caregiver_id),
                |r| r.get(0),
            )?;
            if in_force > 0 {
                return Err(Error::InvalidState("this consent is already in force"));
            }
            let id = new_id();
            tx.insert(
                Collection::Consent,
                &id,
                vec![
                    ("survivor_id", Value::Text(survivor_id.clone())),
                    ("scope", new.scope.into()),
                    ("caregiver_id", caregiver_id.clone().into()),
                    ("granted_at", Value::Integer(new.granted_at)),
                    ("recorded_by", Value::Text(me)),
                ],
            )?;
            load_consent(&tx.conn, &id)
        })
    }

    /// Withdraws a consent. Withdrawing twice is refused.
    pub fn withdraw_consent(&self, consent_id: &str) -> Result<Consent> {
        let id = parse_id("consent_id", consent_id)?;
        self.write(|tx| {
            let c = load_consent(&tx.conn, &id)?;
            let me = consent_actor(&tx.conn, &c.survivor_id)?;
            if c.withdrawn_at.is_some() {
                return Err(Error::InvalidState("this consent was already withdrawn"));
            }
            let now = tx.now;
            tx.update(
                Collection::Consent,
                &id,
                vec![
                    ("withdrawn_at", Value::Integer(now)),
                    ("withdrawn_by", Value::Text(me)),
                ],
            )?;
            load_consent(&tx.conn, &id)
        })
    }

    /// A survivor's consents, newest first (the survivor themselves or a professional).
    pub fn consents(&self, survivor_id: &str) -> Result<Vec<Consent>> {
        let survivor_id = parse_id("survivor_id", survivor_id)?;
        self.read(|c| {
            consent_actor(c, &survivor_id)?;
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {CONSENT_COLS} FROM consent WHERE survivor_id = ?1 ORDER BY granted_at DESC, id"
            ))?;
            let rows = stmt.query_map([&survivor_id], consent_from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

fn load_consent(c: &Connection, id: &str) -> Result<Consent> {
    c.prepare_cached(&format!("SELECT {CONSENT_COLS} FROM consent WHERE id = ?1"))?
        .query_row([id], consent_from_row)
        .optional()?
        .ok_or(Error::NotFound("consent"))
}
