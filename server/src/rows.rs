//! Reading stored rows: as JSON objects, and the few facts the rules ask of them (a person's
//! role, a mentorship's members, whether a consent is in force).

use passerelle_core::Role;
use passerelle_core::sync::protocol::WireRow;
use serde_json::Value as Json;

use crate::store::{StoreResult, StoreTx};

/// A stored row as a JSON object.
pub fn load(tx: &mut dyn StoreTx, collection: &str, id: &str) -> StoreResult<Option<WireRow>> {
    Ok(tx.record(collection, id)?.and_then(|r| parse(&r.data)))
}

/// A stored row's JSON text as an object (`None` if it is not one).
pub fn parse(data: &str) -> Option<WireRow> {
    match serde_json::from_str(data) {
        Ok(Json::Object(m)) => Some(m),
        _ => None,
    }
}

/// A text field of a row.
pub fn text<'a>(row: &'a WireRow, field: &str) -> Option<&'a str> {
    row.get(field).and_then(Json::as_str)
}

/// A person's role, if the person exists.
pub fn person_role(tx: &mut dyn StoreTx, person_id: &str) -> StoreResult<Option<Role>> {
    Ok(load(tx, "person", person_id)?
        .and_then(|p| text(&p, "role").and_then(|r| Role::parse(r).ok())))
}

/// The (survivor, mentor, coordinator) of a stored mentorship.
pub fn mentorship_members(
    tx: &mut dyn StoreTx,
    mentorship_id: &str,
) -> StoreResult<Option<(String, String, String)>> {
    Ok(load(tx, "mentorship", mentorship_id)?.and_then(|m| {
        Some((
            text(&m, "survivor_id")?.to_owned(),
            text(&m, "mentor_id")?.to_owned(),
            text(&m, "coordinator_id")?.to_owned(),
        ))
    }))
}

/// Whether a consent row is in force (granted, not withdrawn).
pub fn consent_active(row: &WireRow) -> bool {
    row.get("withdrawn_at").is_none_or(Json::is_null)
}

/// Whether the survivor's consent to take part is in force.
pub fn has_programme_consent(tx: &mut dyn StoreTx, survivor_id: &str) -> StoreResult<bool> {
    Ok(!tx.objects("programme_consent", survivor_id)?.is_empty())
}

/// Whether `caregiver_id` may share in `survivor_id`'s circle (a sharing consent in force).
pub fn shares_with(
    tx: &mut dyn StoreTx,
    survivor_id: &str,
    caregiver_id: &str,
) -> StoreResult<bool> {
    Ok(tx
        .objects("share_consent", survivor_id)?
        .iter()
        .any(|c| c == caregiver_id))
}

/// The members of a mentorship's conversation: survivor, mentor (while the survivor's consent
/// is in force) and caregivers with a sharing consent.
pub fn conversation_members(tx: &mut dyn StoreTx, mentorship_id: &str) -> StoreResult<Vec<String>> {
    let Some((survivor, mentor, _)) = mentorship_members(tx, mentorship_id)? else {
        return Ok(Vec::new());
    };
    let mut members = vec![survivor.clone()];
    if has_programme_consent(tx, &survivor)? {
        members.push(mentor);
    }
    members.extend(tx.objects("share_consent", &survivor)?);
    Ok(members)
}
