//! One service in full, as its screen shows it: the service, who runs it, where it is offered
//! with the accessibility and hours of each place, phones, languages, terms, provenance and
//! freshness.

use rusqlite::{Connection, OptionalExtension};

use super::geo::GeoPoint;
use super::model::{NAccessNote, NAddress, TaxonomyTerm};
use super::schedule::{OpeningHours, date_of_day, format_clock, weekdays};
use super::search::STALE_AFTER_DAYS_DEFAULT;
use super::taxonomy::{AccessFeature, Category, Fees, LocationType, ServiceStatus, from_bits};
use crate::error::{Error, Result};
use crate::model::codes::from_json;
use crate::model::dimension::Dimension;
use crate::store::Store;
use crate::time::{DAY_MS, Millis};
use crate::validate::parse_id;

/// A phone number to call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DirectoryPhone {
    /// The number as published.
    pub number: String,
    /// Extension.
    pub extension: Option<String>,
    /// `voice`, `text`, `fax`, ...
    pub kind: Option<String>,
    /// When or what for.
    pub description: Option<String>,
}

/// Who runs a service.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DirectoryOrganization {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Other name.
    pub alternate_name: Option<String>,
    /// Description.
    pub description: String,
    /// E-mail.
    pub email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Phones.
    pub phones: Vec<DirectoryPhone>,
}

/// A place a service is offered at.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ServicePlace {
    /// The location's stable id.
    pub location_id: String,
    /// Physical, postal or virtual.
    pub location_type: LocationType,
    /// Name.
    pub name: Option<String>,
    /// Street address lines.
    pub address: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Town.
    pub city: Option<String>,
    /// Coordinates.
    pub point: Option<GeoPoint>,
    /// How to get there.
    pub transportation: Option<String>,
    /// Accessibility features.
    pub accessibility: Vec<AccessFeature>,
    /// Accessibility notes as published (descriptions, details, links).
    pub accessibility_notes: Vec<String>,
    /// Opening hours of the service there.
    pub hours: Vec<OpeningHours>,
    /// Phones for this place.
    pub phones: Vec<DirectoryPhone>,
}

/// A service in full.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DirectoryService {
    /// Stable id.
    pub id: String,
    /// The dataset it came from.
    pub source: String,
    /// Its id there.
    pub source_id: String,
    /// Name.
    pub name: String,
    /// Other name.
    pub alternate_name: Option<String>,
    /// Description.
    pub description: String,
    /// Website.
    pub url: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Active, temporarily closed, ...
    pub status: ServiceStatus,
    /// How to use it.
    pub application_process: Option<String>,
    /// Fees.
    pub fees: Option<Fees>,
    /// Fees, in words.
    pub fees_description: Option<String>,
    /// Who it is for.
    pub eligibility_description: Option<String>,
    /// Languages spoken.
    pub languages: Vec<String>,
    /// Categories.
    pub categories: Vec<Category>,
    /// Dimensions of peer support.
    pub dimensions: Vec<Dimension>,
    /// Taxonomy terms kept from the source but not understood.
    pub other_terms: Vec<TaxonomyTerm>,
    /// Who runs it.
    pub organization: Option<DirectoryOrganization>,
    /// Its phones.
    pub phones: Vec<DirectoryPhone>,
    /// Hours that apply wherever it is offered (or when it has no place).
    pub hours: Vec<OpeningHours>,
    /// Where it is offered.
    pub places: Vec<ServicePlace>,
    /// Last verified (UTC ms, midnight of the day).
    pub last_verified: Option<Millis>,
    /// Not verified for twelve months (or never, or "verified" on a date still to come):
    /// possibly out of date.
    pub possibly_outdated: bool,
    /// When this device last received a change to it.
    pub updated_at: Millis,
}

/// Whether an entry last verified at `verified_at` may be out of date at `now`: never verified,
/// verified longer than `stale_ms` ago, or dated more than a day ahead (a source's error: such
/// a date vouches for nothing).
pub(crate) fn possibly_outdated(verified_at: Option<Millis>, now: Millis, stale_ms: i64) -> bool {
    const DAY_MS: i64 = 86_400_000;
    verified_at.is_none_or(|v| now - v > stale_ms || v - now > DAY_MS)
}

fn phones(c: &Connection, column: &str, owner: &str) -> Result<Vec<DirectoryPhone>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT number, extension, kind, description FROM dir_phone WHERE {column} = ?1 ORDER BY position"
    ))?;
    let rows = stmt.query_map([owner], |r| {
        Ok(DirectoryPhone {
            number: r.get(0)?,
            extension: r.get(1)?,
            kind: r.get(2)?,
            description: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Opening hours of an owner, in the order published.
pub(crate) fn hours(c: &Connection, column: &str, owner: &str) -> Result<Vec<OpeningHours>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT days, opens_at, closes_at, valid_from, valid_to, description FROM dir_schedule
         WHERE {column} = ?1 ORDER BY position"
    ))?;
    let rows = stmt.query_map([owner], |r| {
        Ok(OpeningHours {
            days: weekdays(r.get(0)?),
            opens_at: format_clock(r.get(1)?),
            closes_at: format_clock(r.get(2)?),
            valid_from: r.get(3)?,
            valid_to: r.get(4)?,
            description: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn places(
    c: &Connection,
    service_id: &str,
    service_hours: &[OpeningHours],
) -> Result<Vec<ServicePlace>> {
    type Row = (
        String,
        String,
        LocationType,
        Option<String>,
        Option<String>,
        Option<f64>,
        Option<f64>,
        Option<String>,
        i64,
        String,
    );
    let rows: Vec<Row> = c
        .prepare_cached(
            "SELECT a.id, l.id, l.location_type, l.name, l.address, l.latitude, l.longitude, l.transportation,
                    l.access_features, l.accessibility
             FROM dir_service_at_location a JOIN dir_location l ON l.id = a.location_id
             WHERE a.service_id = ?1 ORDER BY a.position, a.id",
        )?
        .query_map([service_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (sal, loc, location_type, name, address, lat, lon, transportation, features, notes) in rows
    {
        // The same precedence as search: the service's hours there, else its own, else the place's.
        let mut h = hours(c, "service_at_location_id", &sal)?;
        if h.is_empty() {
            h = service_hours.to_vec();
        }
        if h.is_empty() {
            h = hours(c, "location_id", &loc)?;
        }
        let address: Option<NAddress> = address.map(|a| from_json(&a)).transpose()?;
        let notes: Vec<NAccessNote> = from_json(&notes)?;
        let mut p = phones(c, "service_at_location_id", &sal)?;
        p.extend(phones(c, "location_id", &loc)?);
        out.push(ServicePlace {
            location_id: loc,
            location_type,
            name,
            address: address.as_ref().map(|a| match &a.address_2 {
                Some(second) => format!("{}, {second}", a.address_1),
                None => a.address_1.clone(),
            }),
            postal_code: address.as_ref().and_then(|a| a.postal_code.clone()),
            city: address.map(|a| a.city),
            point: lat.zip(lon).map(|(latitude, longitude)| GeoPoint {
                latitude,
                longitude,
            }),
            transportation,
            accessibility: from_bits(AccessFeature::ALL, features),
            accessibility_notes: notes
                .into_iter()
                .flat_map(|n| [n.description, n.details, n.url])
                .flatten()
                .collect(),
            hours: h,
            phones: p,
        });
    }
    Ok(out)
}

/// Loads one service in full, or `NotFound`.
// Long only because it names every column of the record once.
#[allow(clippy::too_many_lines)]
pub(crate) fn load(c: &Connection, id: &str, now: Millis) -> Result<DirectoryService> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        ServiceStatus,
        Option<String>,
        Option<Fees>,
        Option<String>,
        Option<String>,
        String,
        i64,
        i64,
        String,
        Option<i64>,
        i64,
        Option<String>,
    );
    let row: Option<Row> = c
        .prepare_cached(
            "SELECT source, source_id, organization_id, name, alternate_name, description, url, email, status,
                    application_process, fees, fees_description, eligibility_description, languages, categories,
                    dimensions, terms, verified_at, updated_at, NULL
             FROM dir_service WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?,
                r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?, r.get(14)?, r.get(15)?, r.get(16)?,
                r.get(17)?, r.get(18)?, r.get(19)?,
            ))
        })
        .optional()?;
    let Some((
        source,
        source_id,
        org_id,
        name,
        alternate_name,
        description,
        url,
        email,
        status,
        application_process,
        fees,
        fees_description,
        eligibility_description,
        languages,
        categories,
        dimensions,
        terms,
        verified_at,
        updated_at,
        _,
    )) = row
    else {
        return Err(Error::NotFound("service"));
    };
    let organization = match org_id {
        None => None,
        Some(oid) => c
            .prepare_cached(
                "SELECT name, alternate_name, description, email, website FROM dir_organization WHERE id = ?1",
            )?
            .query_row([&oid], |r| {
                Ok(DirectoryOrganization {
                    id: oid.clone(),
                    name: r.get(0)?,
                    alternate_name: r.get(1)?,
                    description: r.get(2)?,
                    email: r.get(3)?,
                    website: r.get(4)?,
                    phones: Vec::new(),
                })
            })
            .optional()?
            .map(|mut o| {
                o.phones = phones(c, "organization_id", &oid)?;
                Ok::<_, Error>(o)
            })
            .transpose()?,
    };
    let service_hours = hours(c, "service_id", id)?;
    let stale_ms = i64::from(STALE_AFTER_DAYS_DEFAULT) * DAY_MS;
    Ok(DirectoryService {
        places: places(c, id, &service_hours)?,
        phones: phones(c, "service_id", id)?,
        hours: service_hours,
        id: id.to_owned(),
        source,
        source_id,
        name,
        alternate_name,
        description,
        url,
        email,
        status,
        application_process,
        fees,
        fees_description,
        eligibility_description,
        languages: from_json(&languages)?,
        categories: from_bits(Category::ALL, categories),
        dimensions: Dimension::from_bits(dimensions),
        other_terms: from_json(&terms)?,
        organization,
        last_verified: verified_at,
        possibly_outdated: possibly_outdated(verified_at, now, stale_ms),
        updated_at,
    })
}

/// The day a verification time falls on, "YYYY-MM-DD".
pub fn verified_date(last_verified: Millis) -> String {
    date_of_day(last_verified.div_euclid(DAY_MS) as i32)
        .format("%Y-%m-%d")
        .to_string()
}

impl Store {
    /// One service of the directory in full, by its stable id.
    pub fn directory_service(&self, service_id: &str) -> Result<DirectoryService> {
        let id = parse_id("service_id", service_id)?;
        let now = self.now();
        self.read(|c| load(c, &id, now))
    }
}
