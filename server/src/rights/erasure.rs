//! Erasing a person's records (GDPR article 17): a survivor's whole, anyone else's own rows and
//! name; the marks an erasure leaves (the account cannot come back), and the sweep of changes
//! that reached an erased survivor's mentorships after the erasure committed.

use std::collections::{BTreeMap, BTreeSet};

/// The name an erased person's row keeps (defined in the core, which shows it).
pub use passerelle_core::rights::ERASED_NAME;
use passerelle_core::{MentorshipStatus, Role};
use serde::{Deserialize, Serialize};

use super::{allowed, records_about};
use crate::auth::Actor;
use crate::coordinator::Ctx;
use crate::error::ApiError;
use crate::rows::{self, consent_active, text};
use crate::scopes::PROFILE_COLLECTIONS;
use crate::store::{StoreResult, StoreTx};
use crate::write::ENROLLED_BY;

/// Every kind of relation the service derives from rows (`scopes::update_relations`, the
/// writer, the demo seed): erasing a row removes those it defined.
const RELATION_KINDS: &[&str] = &[
    "survivor",
    "mentor",
    "coordinator",
    "caregiver_of",
    "programme_consent",
    "share_consent",
    "consent_of",
    "assigned_to",
    "escalation_event_of",
    ENROLLED_BY,
    crate::demo::DEMO_MEMBER,
];

/// `POST /v1/people/{id}/erase`: the person's id again, so no erasure happens by a slip.
#[derive(Debug, Deserialize)]
pub struct EraseRequest {
    /// Must equal the id in the path.
    pub confirm: String,
}

/// What an erasure removed.
#[derive(Debug, Serialize, Deserialize)]
pub struct Erasure {
    /// Whose records.
    pub person_id: String,
    /// Rows erased per collection.
    pub erased: BTreeMap<String, u32>,
}

/// Whether `actor` may erase `person`'s records now: the person's role if so, a refusal
/// otherwise (audited when it is about who asks; nothing else changes). The outer error rolls
/// back.
pub fn may_erase(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    person: &str,
    req: &EraseRequest,
    now: i64,
) -> Result<Result<Role, ApiError>, ApiError> {
    if req.confirm != person {
        return Ok(Err(ApiError::bad_request(
            "confirmation_mismatch",
            "confirm must repeat the id of the person whose records are erased",
        )));
    }
    let role = match allowed(tx, actor, person, now)? {
        Ok(role) => role,
        Err(refused) => return Ok(Err(refused)),
    };
    let pending = |why: &'static str| Ok(Err(ApiError::conflict(why)));
    if actor.person_id == person {
        return pending("another professional responsible for them erases a person's records");
    }
    match role {
        Role::Survivor if programme_consent_in_force(tx, person)? => {
            pending("withdraw the survivor's consent to take part first")
        }
        Role::Mentor if under_way(tx, "mentor", person)? => {
            pending("end or reassign the mentor's mentorships first")
        }
        Role::Professional if under_way(tx, "coordinator", person)? => {
            pending("end the mentorships they coordinate first")
        }
        Role::Caregiver if !tx.subjects("share_consent", person)?.is_empty() => {
            pending("withdraw the consents sharing with them first")
        }
        _ => Ok(Ok(role)),
    }
}

/// Erases `person`'s records through the request's writer ([`may_erase`] said yes; see the
/// module's documentation): a survivor's records go whole; of anyone else, their own rows go
/// and their person row keeps only its id and role, since survivors' records refer to it.
pub fn erase(ctx: &mut Ctx<'_, '_>, person: &str, role: Role) -> Result<Erasure, ApiError> {
    let found = records_about(ctx.writer.tx(), person, role)?;
    let mut erased: BTreeMap<String, u32> = BTreeMap::new();
    let mut forget: BTreeSet<String> = BTreeSet::new();
    // The people whose rows the survivor's mentorships and circle carried: they leave those
    // scopes too (nobody reads them any more, but the log should say so).
    let mut members: BTreeSet<String> = if role == Role::Survivor {
        ctx.writer
            .tx()
            .objects("share_consent", person)?
            .into_iter()
            .collect()
    } else {
        BTreeSet::new()
    };
    for f in found {
        let data = rows::parse(&f.data).unwrap_or_default();
        if role == Role::Survivor && f.collection == "mentorship" {
            members.extend(
                ["mentor_id", "coordinator_id"]
                    .iter()
                    .filter_map(|field| text(&data, field).map(str::to_owned)),
            );
            // A change checked against the mentorship before this commit may still land in
            // it (PostgreSQL runs requests side by side): `sweep_erased` takes it away.
            ctx.writer.tx().add_relation(ERASED, "mentorship", &f.id)?;
        }
        let theirs = role == Role::Survivor
            || f.id == person && f.collection != "person"
            || f.collection == "bookmark"
            || (matches!(
                f.collection.as_str(),
                "training_record" | "supervision_session"
            ) && text(&data, "mentor_id") == Some(person));
        if !theirs {
            continue;
        }
        ctx.writer.erase(&f.collection, &f.id)?;
        *erased.entry(f.collection).or_default() += 1;
        forget.insert(f.id);
    }
    if role == Role::Survivor {
        // A caregiver's profile is the link to this survivor (who, and how related): it goes
        // with her, or phones would hold it pointing at nobody. The caregiver stays.
        for caregiver in ctx.writer.tx().subjects("caregiver_of", person)? {
            let profile = rows::load(ctx.writer.tx(), "caregiver_profile", &caregiver)?;
            if profile.is_some_and(|p| text(&p, "survivor_id") == Some(person)) {
                ctx.writer.erase("caregiver_profile", &caregiver)?;
                *erased.entry("caregiver_profile".to_owned()).or_default() += 1;
            }
        }
        forget.insert(person.to_owned());
        for id in &forget {
            forget_relations(ctx.writer.tx(), id)?;
        }
        for member in members {
            ctx.writer.restamp("person", &member);
            for profile in PROFILE_COLLECTIONS {
                ctx.writer.restamp(profile, &member);
            }
        }
    } else {
        let mut row = serde_json::Map::new();
        row.insert("id".into(), person.into());
        row.insert("display_name".into(), ERASED_NAME.into());
        row.insert("updated_at".into(), ctx.now.into());
        row.insert("hlc".into(), (ctx.stamp)().into());
        let outcome = ctx.writer.apply(
            "person",
            passerelle_core::sync::protocol::Op::Update,
            person,
            row,
            true,
        )?;
        if let Some(reason) = outcome.reason {
            tracing::warn!(reason, "an erased person's name could not be removed");
            return Err(ApiError::forbidden("not allowed for this person"));
        }
    }
    ctx.writer.tx().add_relation(ERASED, "person", person)?;
    ctx.writer.tx().revoke_person(person, ctx.now)?;
    Ok(Erasure {
        person_id: person.to_owned(),
        erased,
    })
}

/// The relation marking what an erasure left behind: an erased person (`person` → id: their
/// account cannot come back) and an erased survivor's mentorships (`mentorship` → id).
const ERASED: &str = "erased";

/// Whether `person`'s records were erased: no new enrolment code, mentorship, training,
/// supervision, name or profile for them.
pub fn is_erased(tx: &mut dyn StoreTx, person: &str) -> StoreResult<bool> {
    Ok(tx.subjects(ERASED, person)?.iter().any(|s| s == "person"))
}

/// Whether `person` is a mentor of the programme: a mentor whose records were not erased.
pub fn is_mentor(tx: &mut dyn StoreTx, person: &str) -> StoreResult<bool> {
    Ok(rows::person_role(tx, person)? == Some(Role::Mentor) && !is_erased(tx, person)?)
}

/// Collections whose rows hang from one mentorship by their `mentorship_id`.
const OF_A_MENTORSHIP: &[&str] = &[
    "mentorship_event",
    "checkin",
    "escalation",
    "message",
    "conversation_read",
    "referral",
    "planned_contact",
];

/// Erases what reached an erased survivor's mentorships after their erasure: a change
/// authorized against the mentorship before the erasure committed and written after it
/// (PostgreSQL runs requests side by side; SQLite one at a time, so there it finds nothing).
/// Run with garbage collection. Returns how many rows it erased.
pub fn sweep_erased(ctx: &mut Ctx<'_, '_>) -> StoreResult<usize> {
    let mut late = BTreeSet::new();
    for m in ctx.writer.tx().objects(ERASED, "mentorship")? {
        for prefix in ["mentorship", "conversation", "casenotes"] {
            let scope = format!("{prefix}:{m}");
            let mut after = 0;
            loop {
                let entries = ctx.writer.tx().scope_entries(&scope, after, 1_000)?;
                let Some(last) = entries.last() else { break };
                after = last.seq;
                for e in entries {
                    let Some(row) = e.data.as_deref().and_then(rows::parse) else {
                        continue;
                    };
                    let hangs = match e.collection.as_str() {
                        "mentorship" => e.id == m,
                        // Its escalation was erased (or is late too, and goes now).
                        "escalation_event" => match text(&row, "escalation_id") {
                            Some(x) => {
                                late.contains(&("escalation".to_owned(), x.to_owned()))
                                    || ctx.writer.tx().record("escalation", x)?.is_none()
                            }
                            None => false,
                        },
                        c if OF_A_MENTORSHIP.contains(&c) => {
                            text(&row, "mentorship_id") == Some(m.as_str())
                        }
                        _ => false,
                    };
                    if hangs {
                        late.insert((e.collection, e.id));
                    }
                }
            }
        }
    }
    for (collection, id) in &late {
        ctx.writer.erase(collection, id)?;
    }
    Ok(late.len())
}

/// Whether `person` is the `kind` (`mentor`, `coordinator`) of a mentorship not ended.
fn under_way(tx: &mut dyn StoreTx, kind: &str, person: &str) -> StoreResult<bool> {
    let ended = MentorshipStatus::Ended.code();
    Ok(tx
        .mentorships_of(kind, person)?
        .iter()
        .any(|m| rows::parse(&m.record.data).is_none_or(|row| text(&row, "status") != Some(ended))))
}

fn programme_consent_in_force(tx: &mut dyn StoreTx, survivor: &str) -> StoreResult<bool> {
    for consent in tx.objects("consent_of", survivor)? {
        if let Some(row) = rows::load(tx, "consent", &consent)? {
            if text(&row, "scope") == Some("programme") && consent_active(&row) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Removes every relation `id` is the subject or the object of.
fn forget_relations(tx: &mut dyn StoreTx, id: &str) -> StoreResult<()> {
    for kind in RELATION_KINDS {
        for object in tx.objects(kind, id)? {
            tx.remove_relation(kind, id, &object)?;
        }
        for subject in tx.subjects(kind, id)? {
            tx.remove_relation(kind, &subject, id)?;
        }
    }
    Ok(())
}
