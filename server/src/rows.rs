//! Reading stored rows: as JSON objects, and the few facts the rules ask of them (a person's
//! role, a mentorship's members, whether a consent is in force).

use passerelle_core::Role;
use passerelle_core::sync::protocol::WireRow;
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

/// The role a stored person row names.
pub fn role_of(person: &StoredRecord) -> Option<Role> {
    parse(&person.data).and_then(|p| text(&p, "role").and_then(|r| Role::parse(r).ok()))
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
    fn from_facts(facts: MentorshipFacts) -> Option<Self> {
        let row = parse(&facts.record.data)?;
        let field = |name: &str| text(&row, name).map(str::to_owned);
        Some(Self {
            survivor: field("survivor_id")?,
            mentor: field("mentor_id")?,
            coordinator: field("coordinator_id")?,
            id: facts.id,
            consented: facts.consented,
            sharing: facts.sharing,
            ended_at: (text(&row, "status") == Some("ended")).then(|| {
                row.get("ended_at")
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
