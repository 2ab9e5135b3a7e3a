//! The directory's records in their normalised form: what every importer produces, what is
//! stored, and what the HSDS exporter writes back. Keeping one form for all three is what makes
//! an export re-import losslessly.
//!
//! Ids: each record keeps its `source_id` (its id in the dataset) and gets a stable id derived
//! from (source, kind, source_id), so every store that imports the same record agrees on it.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::taxonomy::{AccessFeature, Category, Fees, LocationType, ServiceStatus};
use crate::model::dimension::Dimension;

/// Longest name (organization, service, location), in characters.
pub const NAME_MAX: usize = 200;
/// Longest description or other long free text, in characters.
pub const DESCRIPTION_MAX: usize = 10_000;
/// Longest short field (phone number, postal code, URL, e-mail, code), in characters.
pub const FIELD_MAX: usize = 500;
/// Longest id in a source dataset, in characters.
pub const SOURCE_ID_MAX: usize = 200;
/// Most items in a record's list (phones, schedules, locations, languages, terms).
pub const ITEMS_MAX: usize = 200;

/// A taxonomy term kept as it came: a code of a taxonomy this build does not understand.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TaxonomyTerm {
    /// The taxonomy's name as the source gave it.
    pub taxonomy: String,
    /// The term's code.
    pub code: String,
    /// The term's label, if given.
    pub name: Option<String>,
}

/// A phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct NPhone {
    pub source_id: String,
    pub number: String,
    pub extension: Option<String>,
    pub kind: Option<String>,
    pub description: Option<String>,
}

/// A weekly opening period (see `schedule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct NSchedule {
    pub source_id: String,
    pub days: u8,
    pub opens: u16,
    pub closes: u16,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub description: Option<String>,
}

/// A postal address (HSDS `address`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct NAddress {
    pub id: String,
    pub address_1: String,
    pub address_2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub state_province: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub address_type: String,
}

/// An accessibility note (HSDS `accessibility`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct NAccessNote {
    pub id: String,
    pub description: Option<String>,
    pub details: Option<String>,
    pub url: Option<String>,
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct NOrg {
    pub source_id: String,
    pub name: String,
    pub alternate_name: Option<String>,
    pub description: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub phones: Vec<NPhone>,
}

/// A location.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct NLocation {
    pub source_id: String,
    pub organization: Option<String>,
    pub location_type: LocationType,
    pub name: Option<String>,
    pub alternate_name: Option<String>,
    pub description: Option<String>,
    pub transportation: Option<String>,
    pub url: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub address: Option<NAddress>,
    pub accessibility: Vec<NAccessNote>,
    pub features: Vec<AccessFeature>,
    pub terms: Vec<TaxonomyTerm>,
    pub phones: Vec<NPhone>,
    pub schedules: Vec<NSchedule>,
}

/// A service offered at a location.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct NServiceAt {
    pub source_id: String,
    pub location: String,
    pub description: Option<String>,
    pub phones: Vec<NPhone>,
    pub schedules: Vec<NSchedule>,
}

/// A service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct NService {
    pub source_id: String,
    pub organization: Option<String>,
    pub name: String,
    pub alternate_name: Option<String>,
    pub description: String,
    pub url: Option<String>,
    pub email: Option<String>,
    pub status: ServiceStatus,
    pub application_process: Option<String>,
    pub fees: Option<Fees>,
    pub fees_description: Option<String>,
    pub eligibility_description: Option<String>,
    pub verified_on: Option<String>,
    pub languages: Vec<String>,
    pub categories: Vec<Category>,
    pub dimensions: Vec<Dimension>,
    pub terms: Vec<TaxonomyTerm>,
    pub phones: Vec<NPhone>,
    pub schedules: Vec<NSchedule>,
    pub at_locations: Vec<NServiceAt>,
}

/// The kind of a record, in ids and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RecordKind {
    /// An organization.
    Organization,
    /// A location.
    Location,
    /// A service (with its phones, hours and service-at-location links).
    Service,
}

impl RecordKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Location => "location",
            Self::Service => "service",
        }
    }
}

/// A UUID (version 8, RFC 9562 "custom") made from a SHA-256 of `parts`: the same parts always
/// give the same id, on every device and server.
pub(crate) fn derived_id(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    let digest = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).hyphenated().to_string()
}

/// The stable id of a top-level record.
pub(crate) fn stable_id(source: &str, kind: RecordKind, source_id: &str) -> String {
    derived_id(&[source, kind.name(), source_id])
}

/// The stable id of a record owned by another (a phone, a schedule, a service at a location).
pub(crate) fn child_id(owner_id: &str, what: &str, source_id: &str) -> String {
    derived_id(&[owner_id, what, source_id])
}

/// Hex SHA-256 of a record's normalised form.
pub(crate) fn content_hash<T: Serialize>(record: &T) -> String {
    let json = serde_json::to_vec(record).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_uuids_and_distinct() {
        let a = stable_id("lyon", RecordKind::Service, "s1");
        assert_eq!(a, stable_id("lyon", RecordKind::Service, "s1"));
        assert_ne!(a, stable_id("lyon", RecordKind::Location, "s1"));
        assert_ne!(a, stable_id("lyo", RecordKind::Service, "ns1"));
        let u = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(u.get_version_num(), 8);
    }
}
