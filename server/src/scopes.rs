//! Scopes: which rows travel to whom. A row belongs to scopes computed from its content and the
//! current assignments and consents; a caller belongs to scopes computed the same way on every
//! request — never from the token. The relations table is the index of assignments and
//! consents, rebuilt from each row as it is written.
//!
//! | scope | members | rows |
//! |---|---|---|
//! | `self:<person>` | that person | their person row and profile, training, consents, bookmarks; for a caregiver, the person row (not the profile) of the survivor their profile names |
//! | `staff` | every professional | people, the profiles of mentors, caregivers and professionals, mentorships, training, supervision |
//! | `care:<survivor>` | the professionals responsible for that survivor: whoever enrolled them, and the coordinators of their mentorships | the survivor's profile and consents |
//! | `mentorship:<id>` | survivor, mentor*, coordinator, sharing caregivers | the mentorship, its events, its members' people and profiles, the survivor's consents, referral notices (which service the mentor shared, never the note or the message), planned contacts |
//! | `conversation:<id>` | survivor, mentor*, sharing caregivers | messages and read receipts |
//! | `casenotes:<id>` | mentor*, coordinator | check-ins, escalations and their events |
//! | `circle:<survivor>` | the survivor, sharing caregivers | the circle's people and profiles, the survivor's consents |
//!
//! *the mentor only while the survivor's consent to take part is in force and the mentorship has
//! not ended (see `rows::Mentorship::served_by`; case notes dated before the end are still
//! accepted, `served_at`).

use std::collections::BTreeSet;

use passerelle_core::Role;
use passerelle_core::sync::protocol::WireRow;

use crate::auth::Actor;
use crate::rows::{self, consent_active, text};
use crate::store::{StoreResult, StoreTx};
use crate::write::{ENROLLED_BY, Writer};

/// Profiles travel with their person.
pub const PROFILE_COLLECTIONS: &[&str] = &[
    "survivor_profile",
    "mentor_profile",
    "caregiver_profile",
    "professional_profile",
];

/// The scopes `actor` belongs to now.
pub fn membership(tx: &mut dyn StoreTx, actor: &Actor) -> StoreResult<BTreeSet<String>> {
    let me = actor.person_id.as_str();
    // Everyone in the programme reads its community-resource directory.
    let mut scopes = BTreeSet::from([
        format!("self:{me}"),
        passerelle_core::directory::sync::SCOPE.to_owned(),
    ]);
    match actor.role {
        Role::Professional => {
            scopes.insert("staff".to_owned());
            for m in rows::mentorships_of(tx, "coordinator", me)? {
                scopes.insert(format!("mentorship:{}", m.id));
                scopes.insert(format!("casenotes:{}", m.id));
                scopes.insert(format!("care:{}", m.survivor));
            }
            for person in tx.subjects(ENROLLED_BY, me)? {
                scopes.insert(format!("care:{person}"));
            }
        }
        Role::Survivor => {
            scopes.insert(format!("circle:{me}"));
            for m in tx.subjects("survivor", me)? {
                scopes.insert(format!("mentorship:{m}"));
                scopes.insert(format!("conversation:{m}"));
            }
        }
        Role::Mentor => {
            for m in rows::mentorships_of(tx, "mentor", me)? {
                if m.served_by(me) {
                    scopes.insert(format!("mentorship:{}", m.id));
                    scopes.insert(format!("conversation:{}", m.id));
                    scopes.insert(format!("casenotes:{}", m.id));
                }
            }
        }
        Role::Caregiver => {
            for survivor in tx.subjects("share_consent", me)? {
                scopes.insert(format!("circle:{survivor}"));
                for m in tx.subjects("survivor", &survivor)? {
                    scopes.insert(format!("mentorship:{m}"));
                    scopes.insert(format!("conversation:{m}"));
                }
            }
        }
    }
    Ok(scopes)
}

/// Whether `professional` is responsible for `survivor` (a member of `care:<survivor>`): they
/// enrolled them, or coordinate one of their mentorships.
pub fn cares_for(tx: &mut dyn StoreTx, professional: &str, survivor: &str) -> StoreResult<bool> {
    if tx
        .objects(ENROLLED_BY, survivor)?
        .iter()
        .any(|p| p == professional)
    {
        return Ok(true);
    }
    Ok(rows::mentorships_of(tx, "survivor", survivor)?
        .iter()
        .any(|m| m.coordinator == professional))
}

/// The scopes a person's row (and profile) belongs to.
fn person_scopes(tx: &mut dyn StoreTx, person: &str) -> StoreResult<BTreeSet<String>> {
    let mut scopes = BTreeSet::from(["staff".to_owned(), format!("self:{person}")]);
    for kind in ["survivor", "mentor", "coordinator"] {
        for m in tx.subjects(kind, person)? {
            scopes.insert(format!("mentorship:{m}"));
        }
    }
    if rows::person_role(tx, person)? == Some(Role::Survivor) {
        scopes.insert(format!("circle:{person}"));
    }
    for survivor in tx.objects("caregiver_of", person)? {
        scopes.insert(format!("circle:{survivor}"));
    }
    for survivor in tx.subjects("share_consent", person)? {
        for m in tx.subjects("survivor", &survivor)? {
            scopes.insert(format!("mentorship:{m}"));
        }
    }
    Ok(scopes)
}

/// The scopes of the mentorship a row hangs from, under `prefix`.
fn under_mentorship(prefix: &str, mentorship_id: Option<&str>) -> BTreeSet<String> {
    mentorship_id
        .map(|m| format!("{prefix}:{m}"))
        .into_iter()
        .collect()
}

/// Whether someone belonging to `membership` (from [`membership`]) reads a stored row: what a
/// pull would send them.
pub fn reads(
    tx: &mut dyn StoreTx,
    membership: &BTreeSet<String>,
    collection: &str,
    id: &str,
    row: &WireRow,
) -> StoreResult<bool> {
    Ok(row_scopes(tx, collection, id, row)?
        .iter()
        .any(|scope| membership.contains(scope)))
}

/// The scopes a stored row belongs to.
pub fn row_scopes(
    tx: &mut dyn StoreTx,
    collection: &str,
    id: &str,
    row: &WireRow,
) -> StoreResult<BTreeSet<String>> {
    Ok(match collection {
        "person" => {
            let mut s = person_scopes(tx, id)?;
            // A caregiver's own profile names the survivor they care for, and a device keeps
            // that reference to a person row: the survivor's person row (name and role, never
            // the profile) goes to each registered caregiver, sharing consent or not.
            for caregiver in tx.subjects("caregiver_of", id)? {
                s.insert(format!("self:{caregiver}"));
            }
            s
        }
        // A survivor's profile (health details: needs, stroke and discharge dates, goals) goes
        // to the professionals responsible for them, not to every professional.
        "survivor_profile" => {
            let mut s = person_scopes(tx, id)?;
            s.remove("staff");
            s.insert(format!("care:{id}"));
            s
        }
        c if PROFILE_COLLECTIONS.contains(&c) => person_scopes(tx, id)?,
        "mentorship" => BTreeSet::from(["staff".to_owned(), format!("mentorship:{id}")]),
        "mentorship_event" => {
            let mut s = under_mentorship("mentorship", text(row, "mentorship_id"));
            s.insert("staff".to_owned());
            s
        }
        "checkin" | "escalation" => under_mentorship("casenotes", text(row, "mentorship_id")),
        "escalation_event" => {
            let escalation = text(row, "escalation_id").unwrap_or_default().to_owned();
            let m = rows::load(tx, "escalation", &escalation)?;
            under_mentorship(
                "casenotes",
                m.as_ref().and_then(|e| text(e, "mentorship_id")),
            )
        }
        "message" | "conversation_read" => {
            under_mentorship("conversation", text(row, "mentorship_id"))
        }
        "referral" | "planned_contact" => {
            under_mentorship("mentorship", text(row, "mentorship_id"))
        }
        "bookmark" => BTreeSet::from([format!(
            "self:{}",
            text(row, "person_id").unwrap_or_default()
        )]),
        "training_record" | "supervision_session" => {
            let mentor = text(row, "mentor_id").unwrap_or_default();
            BTreeSet::from(["staff".to_owned(), format!("self:{mentor}")])
        }
        "consent" => {
            let survivor = text(row, "survivor_id").unwrap_or_default().to_owned();
            let mut s = BTreeSet::from([
                format!("care:{survivor}"),
                format!("self:{survivor}"),
                format!("circle:{survivor}"),
            ]);
            for m in tx.subjects("survivor", &survivor)? {
                s.insert(format!("mentorship:{m}"));
            }
            s
        }
        _ => BTreeSet::new(),
    })
}

/// Rebuilds the relations a row defines and returns the rows whose scopes may have changed
/// because of it (beyond the row itself).
pub fn update_relations(
    tx: &mut dyn StoreTx,
    collection: &str,
    id: &str,
    old: Option<&WireRow>,
    new: &WireRow,
) -> StoreResult<Vec<(String, String)>> {
    let mut affected: Vec<String> = Vec::new();
    let mut rows_affected: Vec<(String, String)> = Vec::new();
    match collection {
        "mentorship" => {
            for kind in ["survivor", "mentor", "coordinator"] {
                let field = format!("{kind}_id");
                let before = old.and_then(|o| text(o, &field)).map(str::to_owned);
                let after = text(new, &field).map(str::to_owned);
                if before != after {
                    if let Some(b) = &before {
                        tx.remove_relation(kind, id, b)?;
                        affected.push(b.clone());
                    }
                }
                if let Some(a) = after {
                    tx.add_relation(kind, id, &a)?;
                    affected.push(a);
                }
            }
            if let Some(survivor) = text(new, "survivor_id").map(str::to_owned) {
                affected.extend(tx.objects("share_consent", &survivor)?);
                for consent in tx.objects("consent_of", &survivor)? {
                    rows_affected.push(("consent".to_owned(), consent));
                }
            }
        }
        "caregiver_profile" => {
            if let Some(before) = old.and_then(|o| text(o, "survivor_id")) {
                tx.remove_relation("caregiver_of", id, before)?;
                rows_affected.push(("person".to_owned(), before.to_owned()));
            }
            if let Some(survivor) = text(new, "survivor_id") {
                tx.add_relation("caregiver_of", id, survivor)?;
                rows_affected.push(("person".to_owned(), survivor.to_owned()));
            }
            affected.push(id.to_owned());
        }
        "escalation" => {
            if let Some(assignee) = text(new, "assigned_to") {
                tx.add_relation("assigned_to", id, assignee)?;
            }
        }
        "escalation_event" => {
            if let Some(escalation) = text(new, "escalation_id") {
                tx.add_relation("escalation_event_of", id, escalation)?;
            }
        }
        "consent" => {
            let survivor = text(new, "survivor_id").unwrap_or_default().to_owned();
            tx.add_relation("consent_of", &survivor, id)?;
            let active = consent_active(new);
            match text(new, "scope") {
                Some("programme") if active => {
                    tx.add_relation("programme_consent", &survivor, id)?;
                }
                Some("programme") => tx.remove_relation("programme_consent", &survivor, id)?,
                Some("share_with_caregiver") => {
                    let caregiver = text(new, "caregiver_id").unwrap_or_default().to_owned();
                    // Two consents for one survivor and caregiver changed at once must not both
                    // read the other as still in force.
                    tx.lock_record("share_consent", &format!("{survivor}:{caregiver}"))?;
                    if active {
                        tx.add_relation("share_consent", &survivor, &caregiver)?;
                    } else if !other_share_consent(tx, &survivor, &caregiver, id)? {
                        tx.remove_relation("share_consent", &survivor, &caregiver)?;
                    }
                    affected.push(caregiver);
                }
                _ => {}
            }
        }
        _ => {}
    }
    for person in affected {
        rows_affected.push(("person".to_owned(), person.clone()));
        for profile in PROFILE_COLLECTIONS {
            rows_affected.push(((*profile).to_owned(), person.clone()));
        }
    }
    Ok(rows_affected)
}

/// Whether another sharing consent from `survivor` to `caregiver` is still in force.
fn other_share_consent(
    tx: &mut dyn StoreTx,
    survivor: &str,
    caregiver: &str,
    except: &str,
) -> StoreResult<bool> {
    for consent in tx.objects("consent_of", survivor)? {
        if consent == except {
            continue;
        }
        if let Some(row) = rows::load(tx, "consent", &consent)? {
            if text(&row, "caregiver_id") == Some(caregiver) && consent_active(&row) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Marks a change of the scope rules as applied to the stored rows (a relation, so both
/// stores keep it without a schema change).
const RULES_APPLIED: &str = "scope_rules_applied";

/// Survivors' profiles and consents once went to every professional (`staff`); now to those
/// responsible for the survivor (`care:`). Rows stored before keep their old scopes until
/// re-stamped: this moves them, once (the next pull of every other professional's device
/// removes them). Returns how many rows moved.
pub fn move_survivor_records_out_of_staff(writer: &mut Writer<'_>) -> StoreResult<usize> {
    const STEP: &str = "care_scopes";
    let tx = writer.tx();
    if tx.objects(RULES_APPLIED, STEP)?.iter().any(|d| d == "done") {
        return Ok(0);
    }
    let mut moved = Vec::new();
    let mut after = 0;
    loop {
        let entries = tx.scope_entries("staff", after, 1_000)?;
        let Some(last) = entries.last() else { break };
        after = last.seq;
        moved.extend(
            entries
                .into_iter()
                .filter(|e| {
                    e.data.is_some()
                        && matches!(e.collection.as_str(), "survivor_profile" | "consent")
                })
                .map(|e| (e.collection, e.id)),
        );
    }
    tx.add_relation(RULES_APPLIED, STEP, "done")?;
    for (collection, id) in &moved {
        writer.restamp(collection, id);
    }
    Ok(moved.len())
}
