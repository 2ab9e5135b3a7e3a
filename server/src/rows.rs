//! Reading stored rows: as JSON objects, and the few facts the rules ask of them (a person's
//! role, a mentorship's members, whether a consent is in force).

use std::borrow::Cow;

use passerelle_core::Role;
use passerelle_core::sync::protocol::WireRow;
use serde::Deserialize;
use serde_json::Value as Json;

use crate::store::{MentorshipFacts, StoreResult, StoreTx, StoredRecord};

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
    Ok(tx.record("person", person_id)?.and_then(|p| role_of(&p)))
}

/// Reads only the fields `T` names from a stored row's JSON text: the others are skipped
/// without being built. The rules ask a few facts of rows on every request (who is asking,
/// which mentorship); building whole rows for them took 7 % of the server's processor time.
fn facts<'a, T: Deserialize<'a>>(data: &'a str) -> Option<T> {
    serde_json::from_str(data).ok()
}

/// The role a stored person row names.
pub fn role_of(person: &StoredRecord) -> Option<Role> {
    #[derive(Deserialize)]
    struct Person<'a> {
        #[serde(borrow)]
        role: Cow<'a, str>,
    }
    facts::<Person<'_>>(&person.data).and_then(|p| Role::parse(&p.role).ok())
}

/// A stored mentorship's members and the consents that decide who serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentorship {
    /// Its id.
    pub id: String,
    /// The survivor.
    pub survivor: String,
    /// The mentor.
    pub mentor: String,
    /// The coordinating professional.
    pub coordinator: String,
    /// Whether the survivor's consent to take part is in force.
    pub consented: bool,
    /// Caregivers the survivor shares with.
    pub sharing: Vec<String>,
    /// When it ended, if it has.
    pub ended_at: Option<i64>,
}

impl Mentorship {
    fn from_facts(stored: MentorshipFacts) -> Option<Self> {
        /// The fields read; `status` and `ended_at` as any JSON, so that an unexpected value
        /// reads as "not ended" and "ended at an unknown time" rather than no mentorship.
        #[derive(Deserialize)]
        struct Fields {
            survivor_id: String,
            mentor_id: String,
            coordinator_id: String,
            status: Option<Json>,
            ended_at: Option<Json>,
        }
        let row: Fields = facts(&stored.record.data)?;
        Some(Self {
            survivor: row.survivor_id,
            mentor: row.mentor_id,
            coordinator: row.coordinator_id,
            id: stored.id,
            consented: stored.consented,
            sharing: stored.sharing,
            ended_at: (row.status.as_ref().and_then(Json::as_str) == Some("ended")).then(|| {
                row.ended_at
                    .as_ref()
                    .and_then(Json::as_i64)
                    .unwrap_or(i64::MIN)
            }),
        })
    }

    /// Whether `person` is its mentor and still serves it: the mentorship has not ended and
    /// the survivor's consent to take part is in force.
    pub fn served_by(&self, person: &str) -> bool {
        self.ended_at.is_none() && self.mentor == person && self.consented
    }

    /// Whether `person` served it at `at`: a contact its mentor recorded before it ended (offline,
    /// say, and pushed after the coordinator ended it) is still the mentor's to deliver.
    pub fn served_at(&self, person: &str, at: i64) -> bool {
        self.ended_at.is_none_or(|end| at <= end) && self.mentor == person && self.consented
    }

    /// Whether `person` is in its conversation: the survivor, the mentor who serves it, and
    /// caregivers with a sharing consent.
    pub fn in_conversation(&self, person: &str) -> bool {
        self.survivor == person
            || self.served_by(person)
            || self.sharing.iter().any(|c| c == person)
    }
}

/// A stored mentorship, if it exists.
pub fn mentorship(tx: &mut dyn StoreTx, id: &str) -> StoreResult<Option<Mentorship>> {
    Ok(tx.mentorship_facts(id)?.and_then(Mentorship::from_facts))
}

/// Every mentorship `person` is the `kind` (`survivor`, `mentor`, `coordinator`) of.
pub fn mentorships_of(
    tx: &mut dyn StoreTx,
    kind: &str,
    person: &str,
) -> StoreResult<Vec<Mentorship>> {
    Ok(tx
        .mentorships_of(kind, person)?
        .into_iter()
        .filter_map(Mentorship::from_facts)
        .collect())
}

/// Whether a consent row is in force (granted, not withdrawn).
pub fn consent_active(row: &WireRow) -> bool {
    row.get("withdrawn_at").is_none_or(Json::is_null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(data: &str) -> StoredRecord {
        StoredRecord {
            data: data.to_owned(),
            seq: 1,
        }
    }

    fn mentorship_row(data: &str) -> Option<Mentorship> {
        Mentorship::from_facts(MentorshipFacts {
            id: "m".into(),
            record: stored(data),
            consented: true,
            sharing: vec!["c".into()],
        })
    }

    #[test]
    fn a_persons_role_is_read_from_the_row_alone() {
        let row =
            r#"{"id":"p","display_name":"A \"quoted\" name","role":"mentor","languages":["fr"]}"#;
        assert_eq!(role_of(&stored(row)), Some(Role::Mentor));
        assert_eq!(
            role_of(&stored(r#"{"role":"ment\u006fr"}"#)),
            Some(Role::Mentor)
        );
        for bad in [
            r#"{"id":"p"}"#,
            r#"{"role":7}"#,
            r#"{"role":"king"}"#,
            "not json",
        ] {
            assert_eq!(role_of(&stored(bad)), None, "{bad}");
        }
    }

    #[test]
    fn a_mentorships_members_and_end_are_read_from_its_row() {
        let active = r#"{"survivor_id":"s","mentor_id":"t","coordinator_id":"k","status":"active","notes":{"x":1}}"#;
        let m = mentorship_row(active).unwrap();
        assert_eq!(
            (
                m.survivor.as_str(),
                m.mentor.as_str(),
                m.coordinator.as_str()
            ),
            ("s", "t", "k")
        );
        assert_eq!(
            (m.ended_at, m.consented, m.sharing.clone()),
            (None, true, vec!["c".into()])
        );
        assert!(m.in_conversation("c") && m.served_by("t"));

        let ended = r#"{"survivor_id":"s","mentor_id":"t","coordinator_id":"k","status":"ended","ended_at":42}"#;
        assert_eq!(mentorship_row(ended).unwrap().ended_at, Some(42));
        let end_unknown = r#"{"survivor_id":"s","mentor_id":"t","coordinator_id":"k","status":"ended","ended_at":null}"#;
        assert_eq!(
            mentorship_row(end_unknown).unwrap().ended_at,
            Some(i64::MIN)
        );
        let odd_status = r#"{"survivor_id":"s","mentor_id":"t","coordinator_id":"k","status":3}"#;
        assert_eq!(mentorship_row(odd_status).unwrap().ended_at, None);
        for missing in [
            r#"{"mentor_id":"t","coordinator_id":"k"}"#,
            r#"{"survivor_id":null,"mentor_id":"t","coordinator_id":"k"}"#,
            "[]",
        ] {
            assert!(mentorship_row(missing).is_none(), "{missing}");
        }
    }
}
