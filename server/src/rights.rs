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
//! part is withdrawn), with the relations they defined, so members who lose a scope with them
//! purge it. Anyone else's records are part of survivors' records (a check-in a mentor wrote, a
//! message in a survivor's conversation), which stay: their own rows go (profile, bookmarks, a
//! mentor's training and supervision) and their person row keeps only its id and role, its
//! name replaced by [`ERASED_NAME`] everywhere — once a mentor's or coordinator's mentorships
//! have ended, or a caregiver's sharing consents are withdrawn. What stays: the audit trail
//! (ids and actions, never content — including an `erase` line per row), past pushes'
//! idempotency results (statuses and reasons only) and the scope log's removal entries until
//! garbage collection.

use std::collections::{BTreeMap, BTreeSet};

use passerelle_core::rights::{ExportedRecord, is_about};
use passerelle_core::{MentorshipStatus, Role};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::auth::Actor;
use crate::coordinator::{self, Ctx, professional};
use crate::error::ApiError;
use crate::rows::{self, consent_active, text};
use crate::scopes::{self, PROFILE_COLLECTIONS};
use crate::store::{AuditEntry, StoreResult, StoreTx};
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

/// `GET /v1/people/{id}/export`.
#[derive(Debug, Serialize, Deserialize)]
pub struct PersonExport {
    /// Whose records.
    pub person_id: String,
    /// When the export was made (UTC ms).
    pub exported_at: i64,
    /// Every record about the person, by collection then id.
    pub records: Vec<ExportedRecord>,
    /// Who read, wrote or erased any of them (or was refused), oldest first.
    pub access: Vec<AccessLine>,
}

/// One audit line about a record of the export.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessLine {
    /// When (UTC ms).
    pub at: i64,
    /// Who acted.
    pub person_id: String,
    /// From which device.
    pub device_id: String,
    /// `read`, `write`, `denied` or `erase`.
    pub action: String,
    /// Collection.
    pub collection: String,
    /// Row key.
    pub row_id: String,
}

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

/// A record about the person, as read from a scope.
struct Found {
    collection: String,
    id: String,
    data: String,
}

/// Exports every record about `person`, audited as reads; the access lines come after the
/// commit ([`attach_access`]). The outer error rolls back; the inner one is a refusal whose
/// audit line is committed all the same.
pub fn export(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    person: &str,
    now: i64,
) -> Result<Result<PersonExport, ApiError>, ApiError> {
    let role = match allowed(tx, actor, person, now)? {
        Ok(role) => role,
        Err(refused) => return Ok(Err(refused)),
    };
    let found = records_about(tx, person, role)?;
    let mut records = Vec::with_capacity(found.len());
    let mut reads = Vec::new();
    for f in found {
        if crate::write::audited(&f.collection) {
            reads.push(line(actor, now, "read", &f.collection, &f.id));
        }
        let data = serde_json::from_str(&f.data).unwrap_or(Json::String(f.data));
        records.push(ExportedRecord {
            collection: f.collection,
            id: f.id,
            data,
        });
    }
    tx.audit(&reads)?;
    Ok(Ok(PersonExport {
        person_id: person.to_owned(),
        exported_at: now,
        records,
        access: Vec::new(),
    }))
}

/// The row keys whose audit lines an export reports: its records' and the person's own.
pub fn audited_keys(export: &PersonExport) -> Vec<String> {
    let mut ids: Vec<String> = export.records.iter().map(|r| r.id.clone()).collect();
    ids.push(export.person_id.clone());
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Adds to `export` the audit lines about its records, from `lines` (read for
/// [`audited_keys`]): an id is unique within its collection only, and lines about the person
/// themselves (codes issued to them, refusals) are theirs too.
pub fn attach_access(export: &mut PersonExport, lines: Vec<AuditEntry>) {
    let keys: BTreeSet<(&str, &str)> = export
        .records
        .iter()
        .map(|r| (r.collection.as_str(), r.id.as_str()))
        .collect();
    let person = export.person_id.as_str();
    let access = lines
        .into_iter()
        .filter(|l| l.row_id == person || keys.contains(&(l.collection.as_str(), &l.row_id)))
        .map(|l| AccessLine {
            at: l.at,
            person_id: l.person_id,
            device_id: l.device_id,
            action: l.action.to_owned(),
            collection: l.collection,
            row_id: l.row_id,
        })
        .collect();
    export.access = access;
}

/// The name an erased person's row keeps: no language's word, so every app shows it as is.
pub const ERASED_NAME: &str = "—";

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

/// Whether `person`'s records were erased: no new enrolment code, mentorship, training or
/// supervision for them.
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
                        "escalation_event" => text(&row, "escalation_id").is_some_and(|x| {
                            // Its escalation was erased (or is late too, and goes now).
                            late.contains(&("escalation".to_owned(), x.to_owned()))
                                || ctx
                                    .writer
                                    .tx()
                                    .record("escalation", x)
                                    .is_ok_and(|r| r.is_none())
                        }),
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

fn line(actor: &Actor, now: i64, action: &'static str, collection: &str, id: &str) -> AuditEntry {
    AuditEntry {
        at: now,
        person_id: actor.person_id.clone(),
        device_id: actor.device_id.clone(),
        action,
        collection: collection.to_owned(),
        row_id: id.to_owned(),
    }
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
