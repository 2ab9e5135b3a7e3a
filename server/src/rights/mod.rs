//! A person's rights over what the server holds about them (GDPR articles 15, 17 and 20; the
//! privacy rules of DESIGN.md): an export of every record about them, with who read, wrote or
//! erased each one, and the erasure of their records.
//!
//! **A person's records**: the core's rule (`passerelle_core::rights::is_about`), applied to
//! every row of the scopes the person belongs to; for a survivor, every row of their
//! mentorships' scopes is about them.
//!
//! **Who asks**: a professional responsible for the person (`coordinator::responsible_for`, or
//! for a survivor anyone who enrolled them or coordinates one of their mentorships), never the
//! person themselves. The programme answers a request as the controller: an export holds third
//! parties' words (a mentor's case notes), which the professional reviews before handing it
//! over (art. 15(4)). Every exported row is audited as a read; a refusal as `denied`.
//!
//! **Erasure**, through the request's writer (`Writer::erase`): each erased row leaves every
//! scope it was in, so each device deletes it at its next pull; the person's tokens are revoked
//! and unused enrolment codes spent. A *survivor's* records go whole (once their consent to take
//! part is withdrawn), with their caregivers' profiles (the link to them) and the relations
//! they defined, so members who lose a scope with them purge it. Anyone else's records are
//! part of survivors' records (a check-in a mentor wrote, a message in a survivor's
//! conversation), which stay: their own rows go (profile, bookmarks, a mentor's training and
//! supervision) and their person row keeps only its id and role, its name replaced by
//! [`ERASED_NAME`] everywhere — once a mentor's or coordinator's mentorships have ended, or a
//! caregiver's sharing consents are withdrawn. What stays: the audit trail (ids and actions,
//! never content — including an `erase` line per row), past pushes' idempotency results
//! (statuses and reasons only) and the scope log's removal entries until garbage collection.

mod access;
mod erasure;

use std::collections::{BTreeMap, BTreeSet};

use passerelle_core::Role;
use passerelle_core::rights::is_about;

use crate::auth::Actor;
use crate::coordinator::{self, professional};
use crate::error::ApiError;
use crate::rows;
use crate::scopes;
use crate::store::{AuditEntry, StoreResult, StoreTx};

pub use access::{AccessLine, PersonExport, attach_access, audited_keys, export};
pub use erasure::{
    ERASED_NAME, EraseRequest, Erasure, erase, is_erased, is_mentor, may_erase, sweep_erased,
};

/// A record about the person, as read from a scope.
struct Found {
    collection: String,
    id: String,
    data: String,
}

/// The person's role if `actor` may ask for their export or erasure; a refusal otherwise,
/// audited as `denied` on `rights` keyed by the person.
fn allowed(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    person: &str,
    now: i64,
) -> Result<Result<Role, ApiError>, ApiError> {
    let deny = |tx: &mut dyn StoreTx, refused: ApiError| -> Result<_, ApiError> {
        tx.audit(&[line(actor, now, "denied", "rights", person)])?;
        Ok(Err(refused))
    };
    if let Err(refused) = professional(actor) {
        return deny(tx, refused);
    }
    let Some(role) = rows::person_role(tx, person)? else {
        return Ok(Err(ApiError::not_found("person")));
    };
    let responsible = coordinator::responsible_for(tx, &actor.person_id, person)?
        || (role == Role::Survivor && scopes::cares_for(tx, &actor.person_id, person)?);
    if !responsible {
        return deny(tx, ApiError::forbidden("not allowed for this person"));
    }
    Ok(Ok(role))
}

/// An audit line: `actor` did `action` to row `id` of `collection` at `now`.
pub(crate) fn line(
    actor: &Actor,
    now: i64,
    action: &'static str,
    collection: &str,
    id: &str,
) -> AuditEntry {
    AuditEntry {
        at: now,
        person_id: actor.person_id.clone(),
        device_id: actor.device_id.clone(),
        action,
        collection: collection.to_owned(),
        row_id: id.to_owned(),
    }
}

/// The scopes that can hold a record about `person`: their own, and those of the
/// mentorships, circles and caseloads they belong to.
fn scopes_to_search(
    tx: &mut dyn StoreTx,
    person: &str,
    role: Role,
) -> StoreResult<BTreeSet<String>> {
    let mut search = BTreeSet::from([format!("self:{person}")]);
    for kind in ["survivor", "mentor", "coordinator"] {
        for m in tx.subjects(kind, person)? {
            for prefix in ["mentorship", "conversation", "casenotes"] {
                search.insert(format!("{prefix}:{m}"));
            }
        }
    }
    match role {
        Role::Survivor => {
            search.insert(format!("care:{person}"));
            search.insert(format!("circle:{person}"));
        }
        Role::Caregiver => {
            for survivor in tx.subjects("share_consent", person)? {
                search.insert(format!("circle:{survivor}"));
                for m in tx.subjects("survivor", &survivor)? {
                    search.insert(format!("conversation:{m}"));
                }
            }
        }
        // Supervision sessions they ran, training they recorded.
        Role::Professional => {
            search.insert("staff".to_owned());
        }
        Role::Mentor => {}
    }
    Ok(search)
}

/// Every record about `person` (see the module's documentation), by collection then id.
fn records_about(tx: &mut dyn StoreTx, person: &str, role: Role) -> StoreResult<Vec<Found>> {
    let theirs: BTreeSet<String> = if role == Role::Survivor {
        tx.subjects("survivor", person)?.into_iter().collect()
    } else {
        BTreeSet::new()
    };
    let mut found: BTreeMap<(String, String), String> = BTreeMap::new();
    for scope in scopes_to_search(tx, person, role)? {
        // Every row of a survivor's mentorship is about them.
        let whole = scope
            .split_once(':')
            .is_some_and(|(_, m)| theirs.contains(m));
        let mut after = 0;
        loop {
            let entries = tx.scope_entries(&scope, after, 1_000)?;
            let Some(last) = entries.last() else { break };
            after = last.seq;
            for e in entries {
                let Some(data) = e.data else { continue };
                let key = (e.collection, e.id);
                if found.contains_key(&key) {
                    continue;
                }
                let about = rows::parse(&data)
                    .is_some_and(|row| is_about(&key.0, &key.1, &row, person, whole));
                if about {
                    found.insert(key, data);
                }
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|((collection, id), data)| Found {
            collection,
            id,
            data,
        })
        .collect())
}
