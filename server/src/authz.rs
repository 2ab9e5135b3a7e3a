//! Who may write what: every pushed row is checked against the stored row (never only the
//! incoming one) and the current assignments and consents. Reads are governed by scopes
//! (scopes.rs); this module governs writes.

use passerelle_core::Role;
use passerelle_core::model::message::receipt_id;
use passerelle_core::model::voice::is_content_hash;
use passerelle_core::sync::protocol::{Op, WireRow};

use crate::auth::Actor;
use crate::rights;
use crate::rows::{self, text};
use crate::scopes;
use crate::store::{StoreResult, StoreTx};

/// Why a write is refused, as a stable code the app shows or maps to a sentence.
pub type Denial = &'static str;

/// `Ok(Ok(()))` if `actor` may make this write, `Ok(Err(reason))` if not.
pub fn may_write(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    collection: &str,
    op: Op,
    stored: Option<&WireRow>,
    row: &WireRow,
) -> StoreResult<Result<(), Denial>> {
    let me = actor.person_id.as_str();
    let pro = actor.role == Role::Professional;
    // For an update, the facts that decide come from the stored row.
    let base = stored.unwrap_or(row);
    let field = |name: &str| text(base, name).map(str::to_owned).unwrap_or_default();
    let allowed = match (collection, op) {
        ("person", Op::Insert) => pro,
        // An erased person keeps only an id, a role and the erased name (`rights`), and the
        // account cannot come back: nobody names them or writes them a profile again. (The
        // erasure's own write of the name comes before the person is marked erased.)
        ("person", Op::Update) => {
            (pro || field("id") == me) && !rights::is_erased(tx, &field("id"))?
        }
        (
            "survivor_profile" | "mentor_profile" | "caregiver_profile" | "professional_profile",
            _,
        ) => {
            let person = field("person_id");
            let expected = match collection {
                "survivor_profile" => Role::Survivor,
                "mentor_profile" => Role::Mentor,
                "caregiver_profile" => Role::Caregiver,
                _ => Role::Professional,
            };
            let role_fits = rows::person_role(tx, &person)? == Some(expected);
            let link_fits = collection != "caregiver_profile"
                || rows::person_role(tx, &field("survivor_id"))? == Some(Role::Survivor);
            // A survivor's profile is written by the professionals responsible for them.
            let pro_fits =
                pro && (collection != "survivor_profile" || scopes::cares_for(tx, me, &person)?);
            role_fits && link_fits && (pro_fits || person == me) && !rights::is_erased(tx, &person)?
        }
        // Proposing makes its coordinator responsible for the survivor (their profile, their
        // consents, new enrolment codes): only a professional already responsible may.
        ("mentorship", Op::Insert) => {
            pro && field("coordinator_id") == me
                && rows::person_role(tx, &field("survivor_id"))? == Some(Role::Survivor)
                && scopes::cares_for(tx, me, &field("survivor_id"))?
                && rights::is_mentor(tx, &field("mentor_id"))?
        }
        ("mentorship", Op::Update) => pro && field("coordinator_id") == me,
        ("mentorship_event", _) => {
            rows::mentorship(tx, &field("mentorship_id"))?.is_some_and(|m| m.coordinator == me)
                && text(row, "actor_id") == Some(me)
        }
        ("checkin", _) => {
            rows::mentorship(tx, &field("mentorship_id"))?
                .is_some_and(|m| m.served_at(me, time(row, "occurred_at")))
                && text(row, "author_id") == Some(me)
                && supersedes_fits(tx, row)?
                && match text(row, "planned_contact_id") {
                    None => true,
                    Some(contact) => {
                        of_mentorship(tx, "planned_contact", contact, &field("mentorship_id"))?
                    }
                }
        }
        ("escalation", _) => {
            rows::mentorship(tx, &field("mentorship_id"))?.is_some_and(|m| {
                m.served_at(me, time(row, "raised_at"))
                    && text(row, "assigned_to") == Some(m.coordinator.as_str())
            }) && text(row, "raised_by") == Some(me)
                && of_mentorship(tx, "checkin", &field("checkin_id"), &field("mentorship_id"))?
        }
        ("escalation_event", _) => {
            let escalation = rows::load(tx, "escalation", &field("escalation_id"))?;
            escalation.as_ref().and_then(|e| text(e, "assigned_to")) == Some(me)
                && text(row, "actor_id") == Some(me)
        }
        ("training_record", _) => {
            pro && text(row, "recorded_by") == Some(me)
                && rights::is_mentor(tx, &field("mentor_id"))?
        }
        ("supervision_session", _) => {
            pro && text(row, "supervisor_id") == Some(me)
                && rights::is_mentor(tx, &field("mentor_id"))?
        }
        ("consent", op) => consent_fits(tx, me, pro, op, base, row)?,
        ("message", _) => {
            in_conversation(tx, me, &field("mentorship_id"))? && text(row, "sender_id") == Some(me)
        }
        ("bookmark", _) => field("person_id") == me,
        ("referral", _) => {
            rows::mentorship(tx, &field("mentorship_id"))?
                .is_some_and(|m| m.served_at(me, time(row, "referred_at")))
                && notice_fits_carrier(tx, base)?
        }
        ("conversation_read", _) => {
            field("person_id") == me && in_conversation(tx, me, &field("mentorship_id"))?
        }
        ("planned_contact", op) => {
            let m = rows::mentorship(tx, &field("mentorship_id"))?;
            planned_contact_fits(m.as_ref(), me, op, row)
        }
        _ => false,
    };
    if !allowed {
        return Ok(Err("not_allowed"));
    }
    // New rows every device would refuse (its schema checks them), stopping the sync of
    // everyone who receives them: refused here instead.
    Ok(match (collection, stored) {
        ("consent", None) if !consent_shape_fits(row) => Err("invalid"),
        ("conversation_read", None) if !receipt_id_fits(row) => Err("invalid"),
        ("message", None) if !attachment_fits(row) => Err("invalid"),
        _ => Ok(()),
    })
}

/// A voice message names its audio by content hash: the audio follows apart, checked against
/// it, and every phone checks what it fetches against it too.
fn attachment_fits(row: &WireRow) -> bool {
    text(row, "kind") != Some("voice") || text(row, "attachment_ref").is_some_and(is_content_hash)
}

/// A time field of a pushed row (`i64::MAX`, never served, if it is missing: the row's shape
/// is checked elsewhere).
fn time(row: &WireRow, field: &str) -> i64 {
    row.get(field)
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(i64::MAX)
}

/// Whether `id` names a stored row of `collection` in the mentorship: what an escalation's
/// check-in and a check-in's planned contact must be, so a reference never leads out of the
/// mentorship (nor to a row nobody holds).
fn of_mentorship(
    tx: &mut dyn StoreTx,
    collection: &str,
    id: &str,
    mentorship_id: &str,
) -> StoreResult<bool> {
    Ok(rows::load(tx, collection, id)?
        .is_some_and(|c| text(&c, "mentorship_id") == Some(mentorship_id)))
}

/// A referral notice must mirror a stored carrier of the same mentorship, written by the
/// mentor it names: a check-in (by its first version, whose id names the check-in) or a message
/// sharing that very service.
fn notice_fits_carrier(tx: &mut dyn StoreTx, notice: &WireRow) -> StoreResult<bool> {
    let (collection, author) = match text(notice, "via") {
        Some("checkin") => ("checkin", "author_id"),
        Some("message") => ("message", "sender_id"),
        _ => return Ok(false),
    };
    let Some(carrier) = rows::load(tx, collection, text(notice, "via_id").unwrap_or_default())?
    else {
        return Ok(false);
    };
    Ok(
        text(&carrier, "mentorship_id") == text(notice, "mentorship_id")
            && text(&carrier, author) == text(notice, "referred_by")
            && (collection == "checkin"
                || text(&carrier, "attachment_ref") == text(notice, "service_id")),
    )
}

/// Fields of a planned contact its planner changes (moving, cancelling); the answer's fields
/// are the survivor's and their sharing caregivers'.
const PLANNER_FIELDS: &[&str] = &[
    "starts_at",
    "duration_minutes",
    "mode",
    "place",
    "note",
    "cancelled_at",
];
const ANSWER_FIELDS: &[&str] = &["reply", "replied_by", "replied_at", "replied_for"];

/// A planned contact is made, moved and cancelled by the mentor serving the mentorship or its
/// coordinator, and answered by the survivor or a caregiver they share with — each touching
/// only their own fields. A new one needs the mentorship under way with the survivor's consent.
/// A change to one already made is taken from anyone still holding it — the coordinator and the
/// survivor keep the mentorship's scope after it ends — since a refused edit of a row its
/// author keeps would leave their phone showing what the server never took.
fn planned_contact_fits(m: Option<&rows::Mentorship>, me: &str, op: Op, row: &WireRow) -> bool {
    let Some(m) = m else {
        return false;
    };
    let under_way = m.ended_at.is_none() && m.consented;
    let plans = m.served_by(me) || m.coordinator == me;
    let answers = m.survivor == me || m.sharing.iter().any(|c| c == me);
    let null = |f: &&str| row.get(*f).is_none_or(serde_json::Value::is_null);
    // The row's key and stamps go with every change; the fields that place the row are
    // checked as immutable after this.
    let only = |allowed: &[&str]| {
        row.keys().all(|k| {
            allowed.contains(&k.as_str())
                || [
                    "id",
                    "updated_at",
                    "hlc",
                    "field_hlc",
                    "mentorship_id",
                    "planned_by",
                ]
                .contains(&k.as_str())
        })
    };
    match op {
        Op::Insert => {
            under_way
                && plans
                && text(row, "planned_by") == Some(me)
                && null(&"cancelled_at")
                && ANSWER_FIELDS.iter().all(null)
        }
        Op::Update => {
            (plans && only(PLANNER_FIELDS))
                || (answers && text(row, "replied_by") == Some(me) && only(ANSWER_FIELDS))
        }
    }
}

/// A consent is recorded for a survivor by the survivor or a professional responsible for
/// them, in the recorder's own name; a sharing consent names a caregiver of that survivor.
fn consent_fits(
    tx: &mut dyn StoreTx,
    me: &str,
    pro: bool,
    op: Op,
    base: &WireRow,
    row: &WireRow,
) -> StoreResult<bool> {
    let survivor = text(base, "survivor_id").unwrap_or_default().to_owned();
    let actor_fits = survivor == me || (pro && scopes::cares_for(tx, me, &survivor)?);
    let survivor_fits = rows::person_role(tx, &survivor)? == Some(Role::Survivor);
    let recorder_fits = op == Op::Update || text(row, "recorded_by") == Some(me);
    let withdrawer_fits = row
        .get("withdrawn_by")
        .is_none_or(|w| w.is_null() || w.as_str() == Some(me));
    let caregiver_fits = match text(base, "caregiver_id") {
        Some(cg) => tx.objects("caregiver_of", cg)?.contains(&survivor),
        None => true,
    };
    Ok(actor_fits && survivor_fits && recorder_fits && withdrawer_fits && caregiver_fits)
}

/// A sharing consent names its caregiver; a programme consent names none.
fn consent_shape_fits(row: &WireRow) -> bool {
    let names_caregiver = row.get("caregiver_id").is_some_and(|v| !v.is_null());
    (text(row, "scope") == Some("share_with_caregiver")) == names_caregiver
}

/// A read receipt has one row per member and conversation, keyed by the id every device
/// derives from the two (devices hold them unique).
fn receipt_id_fits(row: &WireRow) -> bool {
    match (text(row, "mentorship_id"), text(row, "person_id")) {
        (Some(m), Some(p)) => text(row, "id") == Some(receipt_id(m, p).as_str()),
        _ => false,
    }
}

/// Whether `me` is in the mentorship's conversation.
fn in_conversation(tx: &mut dyn StoreTx, me: &str, mentorship_id: &str) -> StoreResult<bool> {
    Ok(rows::mentorship(tx, mentorship_id)?.is_some_and(|m| m.in_conversation(me)))
}

/// A check-in version that supersedes another must continue the same check-in in the same
/// mentorship.
fn supersedes_fits(tx: &mut dyn StoreTx, row: &WireRow) -> StoreResult<bool> {
    let Some(previous) = text(row, "supersedes") else {
        return Ok(text(row, "checkin_id") == text(row, "id"));
    };
    let Some(prev) = rows::load(tx, "checkin", previous)? else {
        return Ok(false);
    };
    Ok(text(&prev, "checkin_id") == text(row, "checkin_id")
        && text(&prev, "mentorship_id") == text(row, "mentorship_id"))
}
