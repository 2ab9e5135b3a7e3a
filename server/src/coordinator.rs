//! The coordinator's operations over the API: enrol people (with one-time codes), issue new
//! codes to the people a professional is responsible for ([`responsible_for`]), propose,
//! activate, pause, end and reassign mentorships, record consents, acknowledge and resolve
//! escalations, list open escalations. Each builds rows and applies them through the same
//! writer as a device's push, so the same validation, authorization and scopes apply; the
//! lifecycle rules are the core's (`transition`, `check_step`).

use passerelle_core::model::escalation::check_step;
use passerelle_core::model::mentorship::{MentorshipAction, transition};
use passerelle_core::sync::protocol::{Op, WireRow};
use passerelle_core::{EndingReason, EscalationStatus, MentorshipStatus, Relationship, Role};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use crate::auth::{self, Actor};
use crate::error::ApiError;
use crate::rows::{self, text};
use crate::store::{AuditEntry, StoreResult, StoreTx};
use crate::write::{ENROLLED_BY, Outcome, Writer};

/// `POST /v1/people`.
#[derive(Debug, Deserialize)]
pub struct NewPersonRequest {
    /// Role code.
    pub role: String,
    /// Display name.
    pub display_name: String,
    /// For a caregiver: the survivor they care for.
    pub caregiver_of: Option<String>,
    /// For a caregiver: relationship code.
    pub relationship: Option<String>,
}

/// A person enrolled, with the one-time code to hand over.
#[derive(Debug, Serialize, Deserialize)]
pub struct EnrolledPerson {
    /// The person's id.
    pub person_id: String,
    /// The one-time enrolment code (shown once).
    pub enrolment_code: String,
    /// When the code expires.
    pub expires_at: i64,
}

/// `POST /v1/mentorships`.
#[derive(Debug, Deserialize)]
pub struct NewMentorshipRequest {
    /// The survivor.
    pub survivor_id: String,
    /// The mentor.
    pub mentor_id: String,
    /// Planned contacts.
    pub planned_contacts: u32,
    /// Planned weeks.
    pub planned_weeks: u32,
    /// Why this match.
    pub matching_notes: Option<String>,
}

/// Body of the lifecycle actions.
#[derive(Debug, Default, Deserialize)]
pub struct ActionRequest {
    /// Ending reason code, for `end`.
    pub reason: Option<String>,
    /// A short note.
    pub note: Option<String>,
    /// The new mentor, for `reassign`.
    pub mentor_id: Option<String>,
}

/// `POST /v1/consents`.
#[derive(Debug, Deserialize)]
pub struct NewConsentRequest {
    /// Who consents.
    pub survivor_id: String,
    /// `programme` or `share_with_caregiver`.
    pub scope: String,
    /// The caregiver, for sharing.
    pub caregiver_id: Option<String>,
    /// When it was given.
    pub granted_at: i64,
}

/// Context of one coordinator operation.
pub struct Ctx<'w, 't> {
    /// The writer of the request.
    pub writer: &'w mut Writer<'t>,
    /// Server time.
    pub now: i64,
    /// A fresh server stamp per row.
    pub stamp: &'w mut dyn FnMut() -> i64,
}

/// A new row of `fields` keyed `id`, with the stamps the server gives the rows it writes.
pub(crate) fn new_row(
    op: &mut Ctx<'_, '_>,
    key: &str,
    id: &str,
    editable: bool,
    fields: Json,
) -> WireRow {
    let mut row = match fields {
        Json::Object(m) => m,
        _ => WireRow::new(),
    };
    row.insert(key.to_owned(), id.into());
    row.insert("created_at".into(), op.now.into());
    if editable {
        row.insert("updated_at".into(), op.now.into());
        row.insert("field_hlc".into(), "{}".into());
    }
    row.insert("origin".into(), "server".into());
    row.insert("hlc".into(), (op.stamp)().into());
    row
}

fn update_row(op: &mut Ctx<'_, '_>, key: &str, id: &str, fields: Json) -> WireRow {
    let mut row = match fields {
        Json::Object(m) => m,
        _ => WireRow::new(),
    };
    row.insert(key.to_owned(), id.into());
    row.insert("updated_at".into(), op.now.into());
    row.insert("hlc".into(), (op.stamp)().into());
    row
}

/// Turns a refused write into an API error the coordinator can act on.
fn check(outcome: &Outcome) -> Result<(), ApiError> {
    match outcome.reason {
        None => Ok(()),
        Some("not_allowed") => Err(ApiError::forbidden("not allowed for this person")),
        Some(_) => Err(ApiError::bad_request(
            "invalid",
            "the request breaks a documented rule",
        )),
    }
}

/// Refuses anyone but a professional.
pub fn professional(actor: &Actor) -> Result<(), ApiError> {
    if actor.role == Role::Professional {
        Ok(())
    } else {
        Err(ApiError::forbidden("only a professional may do this"))
    }
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Creates a one-time enrolment code for `person_id`, valid `ttl_ms`. Checks nothing: the
/// caller has decided who may have it ([`reissue_code`] over the API, enrolment, tools).
pub fn issue_code(
    tx: &mut dyn StoreTx,
    person_id: &str,
    now: i64,
    ttl_ms: i64,
) -> Result<EnrolledPerson, ApiError> {
    let code = auth::enrolment_code();
    tx.put_enrolment_code(&auth::hash(&code), person_id, now + ttl_ms)?;
    Ok(EnrolledPerson {
        person_id: person_id.to_owned(),
        enrolment_code: code,
        expires_at: now + ttl_ms,
    })
}

/// Whether `professional` is responsible for `person`, and so may hand them a new one-time
/// enrolment code (which signs a new phone in as that person):
///
/// - themselves (a new phone of their own);
/// - a person they enrolled (the relation [`ENROLLED_BY`], written when the person row was
///   created — over `POST /v1/people` or by a push);
/// - a survivor or mentor of a mentorship they coordinate that is under way (`active` or
///   `paused`: proposed ones are not started, ended ones are over);
/// - a caregiver they enrolled, or the caregiver of a survivor they are responsible for by
///   one of the rules above.
///
/// A professional is responsible for another professional only by having enrolled them.
pub fn responsible_for(
    tx: &mut dyn StoreTx,
    professional: &str,
    person: &str,
) -> StoreResult<bool> {
    if person == professional || enrolled_by(tx, person, professional)? {
        return Ok(true);
    }
    match rows::person_role(tx, person)? {
        Some(Role::Survivor) => coordinates_under_way(tx, "survivor", person, professional),
        Some(Role::Mentor) => coordinates_under_way(tx, "mentor", person, professional),
        Some(Role::Caregiver) => {
            for survivor in tx.objects("caregiver_of", person)? {
                if enrolled_by(tx, &survivor, professional)?
                    || coordinates_under_way(tx, "survivor", &survivor, professional)?
                {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Some(Role::Professional) | None => Ok(false),
    }
}

fn enrolled_by(tx: &mut dyn StoreTx, person: &str, professional: &str) -> StoreResult<bool> {
    Ok(tx
        .objects(ENROLLED_BY, person)?
        .iter()
        .any(|p| p == professional))
}

/// Whether `professional` coordinates a mentorship under way whose `kind` (`survivor`,
/// `mentor`) is `person`.
fn coordinates_under_way(
    tx: &mut dyn StoreTx,
    kind: &str,
    person: &str,
    professional: &str,
) -> StoreResult<bool> {
    let under_way = [
        MentorshipStatus::Active.code(),
        MentorshipStatus::Paused.code(),
    ];
    Ok(tx.mentorships_of(kind, person)?.iter().any(|m| {
        rows::parse(&m.record.data).is_some_and(|row| {
            text(&row, "coordinator_id") == Some(professional)
                && text(&row, "status").is_some_and(|s| under_way.contains(&s))
        })
    }))
}

/// `POST /v1/people/{id}/enrolment-code`: a new one-time code for an existing person (a new
/// phone), issued only by a professional [`responsible_for`] them. Audited like a write, never
/// with the code: an issued code as a `write` of `enrolment_code` keyed by the person's id, a
/// refusal as `denied`.
///
/// The outer error is a failure that must roll the transaction back; the inner one a refusal
/// whose audit line must be committed all the same. A refusal changes nothing else: the
/// person's codes and tokens stay as they were.
pub fn reissue_code(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    person: &str,
    now: i64,
    ttl_ms: i64,
) -> Result<Result<EnrolledPerson, ApiError>, ApiError> {
    let audit = |tx: &mut dyn StoreTx, action: &'static str| {
        tx.audit(&[AuditEntry {
            at: now,
            person_id: actor.person_id.clone(),
            device_id: actor.device_id.clone(),
            action,
            collection: "enrolment_code".to_owned(),
            row_id: person.to_owned(),
        }])
    };
    if let Err(refused) = professional(actor) {
        audit(tx, "denied")?;
        return Ok(Err(refused));
    }
    if tx.record("person", person)?.is_none() {
        return Ok(Err(ApiError::not_found("person")));
    }
    if crate::rights::is_erased(tx, person)? {
        audit(tx, "denied")?;
        return Ok(Err(ApiError::conflict("this person's records were erased")));
    }
    if !responsible_for(tx, &actor.person_id, person)? {
        audit(tx, "denied")?;
        return Ok(Err(ApiError::forbidden("not allowed for this person")));
    }
    let issued = issue_code(tx, person, now, ttl_ms)?;
    audit(tx, "write")?;
    Ok(Ok(issued))
}

/// Enrols a person (and, for a caregiver, links them to their survivor).
pub fn enrol_person(
    op: &mut Ctx<'_, '_>,
    actor: &Actor,
    req: NewPersonRequest,
    code_ttl_ms: i64,
) -> Result<EnrolledPerson, ApiError> {
    professional(actor)?;
    let role = Role::parse(&req.role)?;
    let id = new_id();
    let row = new_row(
        op,
        "id",
        &id,
        true,
        json!({ "role": role.code(), "display_name": req.display_name.trim() }),
    );
    check(&op.writer.apply("person", Op::Insert, &id, row, false)?)?;
    if role == Role::Caregiver {
        let survivor = req.caregiver_of.ok_or(ApiError::bad_request(
            "invalid",
            "a caregiver needs caregiver_of",
        ))?;
        let relationship = Relationship::parse(req.relationship.as_deref().unwrap_or("other"))?;
        let row = new_row(
            op,
            "person_id",
            &id,
            true,
            json!({ "survivor_id": survivor, "relationship": relationship.code() }),
        );
        check(
            &op.writer
                .apply("caregiver_profile", Op::Insert, &id, row, false)?,
        )?;
    }
    issue_code(op.writer.tx(), &id, op.now, code_ttl_ms)
}

/// Proposes a mentorship coordinated by the caller.
pub fn propose(
    op: &mut Ctx<'_, '_>,
    actor: &Actor,
    req: NewMentorshipRequest,
) -> Result<String, ApiError> {
    professional(actor)?;
    let id = new_id();
    let row = new_row(
        op,
        "id",
        &id,
        true,
        json!({
            "survivor_id": req.survivor_id, "mentor_id": req.mentor_id, "coordinator_id": actor.person_id,
            "status": MentorshipStatus::Proposed.code(), "planned_contacts": req.planned_contacts,
            "planned_weeks": req.planned_weeks, "matching_notes": req.matching_notes,
            "started_at": null, "ended_at": null, "ending_reason": null,
        }),
    );
    check(&op.writer.apply("mentorship", Op::Insert, &id, row, false)?)?;
    add_event(op, actor, &id, "proposed", None, None)?;
    Ok(id)
}

fn add_event(
    op: &mut Ctx<'_, '_>,
    actor: &Actor,
    mentorship: &str,
    kind: &str,
    reason: Option<&str>,
    note: Option<String>,
) -> Result<(), ApiError> {
    let id = new_id();
    let at = op.now;
    let row = new_row(
        op,
        "id",
        &id,
        false,
        json!({ "mentorship_id": mentorship, "kind": kind, "actor_id": actor.person_id, "at": at, "reason": reason, "note": note }),
    );
    check(
        &op.writer
            .apply("mentorship_event", Op::Insert, &id, row, false)?,
    )
}

/// Activates, pauses, ends or reassigns a mentorship, with the core's lifecycle rules.
pub fn act(
    op: &mut Ctx<'_, '_>,
    actor: &Actor,
    mentorship: &str,
    action: &str,
    req: ActionRequest,
) -> Result<(), ApiError> {
    professional(actor)?;
    let m = rows::load(op.writer.tx(), "mentorship", mentorship)?
        .ok_or(ApiError::not_found("mentorship"))?;
    if text(&m, "coordinator_id") != Some(actor.person_id.as_str()) {
        return Err(ApiError::forbidden(
            "only the coordinator changes a mentorship",
        ));
    }
    let status = MentorshipStatus::parse(text(&m, "status").unwrap_or_default())?;
    let (fields, event, reason) = match action {
        "activate" => {
            let (next, kind) = transition(status, MentorshipAction::Activate)?;
            if !rows::mentorship(op.writer.tx(), mentorship)?.is_some_and(|m| m.consented) {
                return Err(ApiError::conflict(
                    "the survivor has not consented to take part",
                ));
            }
            let mut f = json!({ "status": next.code() });
            if m.get("started_at").is_none_or(Json::is_null) {
                f["started_at"] = op.now.into();
            }
            (f, kind.code(), None)
        }
        "pause" => {
            let (next, kind) = transition(status, MentorshipAction::Pause)?;
            (json!({ "status": next.code() }), kind.code(), None)
        }
        "end" => {
            let reason = EndingReason::parse(req.reason.as_deref().unwrap_or("other"))?;
            let (next, kind) = transition(status, MentorshipAction::End)?;
            (
                json!({ "status": next.code(), "ended_at": op.now, "ending_reason": reason.code() }),
                kind.code(),
                Some(reason.code()),
            )
        }
        "reassign" => {
            if status == MentorshipStatus::Ended {
                return Err(ApiError::conflict("the mentorship has ended"));
            }
            let mentor = req
                .mentor_id
                .clone()
                .ok_or(ApiError::bad_request("invalid", "mentor_id is required"))?;
            if !crate::rights::is_mentor(op.writer.tx(), &mentor)? {
                return Err(ApiError::bad_request(
                    "invalid",
                    "mentor_id must name a mentor",
                ));
            }
            let row = update_row(op, "id", mentorship, json!({ "mentor_id": mentor }));
            return check(
                &op.writer
                    .apply("mentorship", Op::Update, mentorship, row, true)?,
            );
        }
        _ => return Err(ApiError::not_found("no such action")),
    };
    let row = update_row(op, "id", mentorship, fields);
    check(
        &op.writer
            .apply("mentorship", Op::Update, mentorship, row, false)?,
    )?;
    add_event(op, actor, mentorship, event, reason, req.note)
}

/// Records a consent on the survivor's behalf (or by the survivor).
pub fn grant_consent(
    op: &mut Ctx<'_, '_>,
    actor: &Actor,
    req: NewConsentRequest,
) -> Result<String, ApiError> {
    let id = new_id();
    let row = new_row(
        op,
        "id",
        &id,
        true,
        json!({
            "survivor_id": req.survivor_id, "scope": req.scope, "caregiver_id": req.caregiver_id,
            "granted_at": req.granted_at, "recorded_by": actor.person_id, "withdrawn_at": null, "withdrawn_by": null,
        }),
    );
    check(&op.writer.apply("consent", Op::Insert, &id, row, false)?)?;
    Ok(id)
}

/// Withdraws a consent.
pub fn withdraw_consent(
    op: &mut Ctx<'_, '_>,
    actor: &Actor,
    consent: &str,
) -> Result<(), ApiError> {
    let c =
        rows::load(op.writer.tx(), "consent", consent)?.ok_or(ApiError::not_found("consent"))?;
    if !rows::consent_active(&c) {
        return Err(ApiError::conflict("this consent was already withdrawn"));
    }
    let now = op.now;
    let row = update_row(
        op,
        "id",
        consent,
        json!({ "withdrawn_at": now, "withdrawn_by": actor.person_id }),
    );
    check(
        &op.writer
            .apply("consent", Op::Update, consent, row, false)?,
    )
}

/// Acknowledges or resolves an escalation assigned to the caller.
pub fn escalation_step(
    op: &mut Ctx<'_, '_>,
    actor: &Actor,
    escalation: &str,
    step: &str,
    note: Option<String>,
) -> Result<(), ApiError> {
    let e = rows::load(op.writer.tx(), "escalation", escalation)?
        .ok_or(ApiError::not_found("escalation"))?;
    if text(&e, "assigned_to") != Some(actor.person_id.as_str()) {
        return Err(ApiError::forbidden(
            "only the assigned professional handles an escalation",
        ));
    }
    let step = match step {
        "acknowledge" => EscalationStatus::Acknowledged,
        "resolve" => EscalationStatus::Resolved,
        _ => return Err(ApiError::not_found("no such action")),
    };
    if step == EscalationStatus::Resolved && note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(ApiError::bad_request(
            "invalid",
            "resolving needs a note saying what was done",
        ));
    }
    check_step(escalation_status(op.writer.tx(), escalation)?, step)?;
    let id = new_id();
    let at = op.now;
    let row = new_row(
        op,
        "id",
        &id,
        false,
        json!({ "escalation_id": escalation, "kind": step.code(), "actor_id": actor.person_id, "at": at, "note": note }),
    );
    check(
        &op.writer
            .apply("escalation_event", Op::Insert, &id, row, false)?,
    )
}

/// Where an escalation stands, from its events.
fn escalation_status(tx: &mut dyn StoreTx, escalation: &str) -> Result<EscalationStatus, ApiError> {
    let events = tx.subjects("escalation_event_of", escalation)?;
    let mut status = EscalationStatus::Open;
    for event in events {
        if let Some(e) = rows::load(tx, "escalation_event", &event)? {
            match text(&e, "kind") {
                Some("resolved") => return Ok(EscalationStatus::Resolved),
                Some("acknowledged") => status = EscalationStatus::Acknowledged,
                _ => {}
            }
        }
    }
    Ok(status)
}

/// An open escalation as the coordinator's list shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenEscalation {
    /// The escalation row.
    pub escalation: WireRow,
    /// `open` or `acknowledged`.
    pub status: String,
}

/// The caller's escalations not yet resolved.
pub fn open_escalations(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    now: i64,
) -> Result<Vec<OpenEscalation>, ApiError> {
    professional(actor)?;
    let mut out = Vec::new();
    let mut read = Vec::new();
    for id in tx.subjects("assigned_to", &actor.person_id)? {
        let status = escalation_status(tx, &id)?;
        if status == EscalationStatus::Resolved {
            continue;
        }
        if let Some(row) = rows::load(tx, "escalation", &id)? {
            read.push(AuditEntry {
                at: now,
                person_id: actor.person_id.clone(),
                device_id: actor.device_id.clone(),
                action: "read",
                collection: "escalation".to_owned(),
                row_id: id,
            });
            out.push(OpenEscalation {
                escalation: row,
                status: status.code().to_owned(),
            });
        }
    }
    // Health records handed out over the API are audited like those a pull sends.
    if !read.is_empty() {
        tx.audit(&read)?;
    }
    Ok(out)
}
