//! Exporting the directory as HSDS JSON: the stored rows are read back into the normalised
//! records the importers produce, and written by the HSDS writer. Importing the export under
//! the same source name gives the same records, ids and content hashes.

use rusqlite::{Connection, Row};

use super::hsds;
use super::model::{
    NAccessNote, NAddress, NLocation, NOrg, NPhone, NSchedule, NService, NServiceAt, TaxonomyTerm,
};
use super::schedule::date_of_day;
use super::taxonomy::{AccessFeature, Category, from_bits};
use crate::error::Result;
use crate::model::codes::from_json;
use crate::model::dimension::Dimension;
use crate::store::Store;
use crate::time::DAY_MS;

fn phones(c: &Connection, column: &str, owner: &str) -> Result<Vec<NPhone>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT source_id, number, extension, kind, description FROM dir_phone WHERE {column} = ?1 ORDER BY position"
    ))?;
    let rows = stmt.query_map([owner], |r| {
        Ok(NPhone {
            source_id: r.get(0)?,
            number: r.get(1)?,
            extension: r.get(2)?,
            kind: r.get(3)?,
            description: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn schedules(c: &Connection, column: &str, owner: &str) -> Result<Vec<NSchedule>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT source_id, days, opens_at, closes_at, valid_from, valid_to, description FROM dir_schedule
         WHERE {column} = ?1 ORDER BY position"
    ))?;
    let rows = stmt.query_map([owner], |r| {
        Ok(NSchedule {
            source_id: r.get(0)?,
            days: r.get(1)?,
            opens: r.get(2)?,
            closes: r.get(3)?,
            valid_from: r.get(4)?,
            valid_to: r.get(5)?,
            description: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A source filter: `?1 IS NULL OR source = ?1`.
const OF_SOURCE: &str = "(?1 IS NULL OR x.source = ?1)";

fn orgs(c: &Connection, source: Option<&str>) -> Result<Vec<NOrg>> {
    let mut stmt = c.prepare(&format!(
        "SELECT x.id, x.source_id, x.name, x.alternate_name, x.description, x.email, x.website
         FROM dir_organization x WHERE {OF_SOURCE} ORDER BY x.source, x.source_id"
    ))?;
    let rows: Vec<(String, NOrg)> = stmt
        .query_map([source], |r| {
            Ok((
                r.get(0)?,
                NOrg {
                    source_id: r.get(1)?,
                    name: r.get(2)?,
                    alternate_name: r.get(3)?,
                    description: r.get(4)?,
                    email: r.get(5)?,
                    website: r.get(6)?,
                    phones: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, mut o)| {
            o.phones = phones(c, "organization_id", &id)?;
            Ok(o)
        })
        .collect()
}

fn location_from_row(r: &Row<'_>) -> rusqlite::Result<(String, NLocation)> {
    let address: Option<String> = r.get(11)?;
    Ok((
        r.get(0)?,
        NLocation {
            source_id: r.get(1)?,
            organization: r.get(2)?,
            location_type: r.get(3)?,
            name: r.get(4)?,
            alternate_name: r.get(5)?,
            description: r.get(6)?,
            transportation: r.get(7)?,
            url: r.get(8)?,
            latitude: r.get(9)?,
            longitude: r.get(10)?,
            address: address.map(|a| from_json::<NAddress>(&a)).transpose()?,
            accessibility: from_json::<Vec<NAccessNote>>(&r.get::<_, String>(12)?)?,
            features: from_bits(AccessFeature::ALL, r.get(13)?),
            terms: from_json::<Vec<TaxonomyTerm>>(&r.get::<_, String>(14)?)?,
            phones: Vec::new(),
            schedules: Vec::new(),
        },
    ))
}

fn locations(c: &Connection, source: Option<&str>) -> Result<Vec<NLocation>> {
    let mut stmt = c.prepare(&format!(
        "SELECT x.id, x.source_id, o.source_id, x.location_type, x.name, x.alternate_name, x.description,
                x.transportation, x.url, x.latitude, x.longitude, x.address, x.accessibility, x.access_features, x.terms
         FROM dir_location x LEFT JOIN dir_organization o ON o.id = x.organization_id
         WHERE {OF_SOURCE} ORDER BY x.source, x.source_id"
    ))?;
    let rows: Vec<(String, NLocation)> = stmt
        .query_map([source], location_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, mut l)| {
            l.phones = phones(c, "location_id", &id)?;
            l.schedules = schedules(c, "location_id", &id)?;
            Ok(l)
        })
        .collect()
}

fn services(c: &Connection, source: Option<&str>) -> Result<Vec<NService>> {
    let mut stmt = c.prepare(&format!(
        "SELECT x.id, x.source_id, o.source_id, x.name, x.alternate_name, x.description, x.url, x.email, x.status,
                x.application_process, x.fees, x.fees_description, x.eligibility_description, x.verified_at,
                x.languages, x.categories, x.dimensions, x.terms
         FROM dir_service x LEFT JOIN dir_organization o ON o.id = x.organization_id
         WHERE {OF_SOURCE} ORDER BY x.source, x.source_id"
    ))?;
    let rows: Vec<(String, NService)> = stmt
        .query_map([source], |r| {
            let verified_at: Option<i64> = r.get(13)?;
            Ok((
                r.get(0)?,
                NService {
                    source_id: r.get(1)?,
                    organization: r.get(2)?,
                    name: r.get(3)?,
                    alternate_name: r.get(4)?,
                    description: r.get(5)?,
                    url: r.get(6)?,
                    email: r.get(7)?,
                    status: r.get(8)?,
                    application_process: r.get(9)?,
                    fees: r.get(10)?,
                    fees_description: r.get(11)?,
                    eligibility_description: r.get(12)?,
                    verified_on: verified_at.map(|ms| {
                        date_of_day(ms.div_euclid(DAY_MS) as i32)
                            .format("%Y-%m-%d")
                            .to_string()
                    }),
                    languages: from_json(&r.get::<_, String>(14)?)?,
                    categories: from_bits(Category::ALL, r.get(15)?),
                    dimensions: Dimension::from_bits(r.get(16)?),
                    terms: from_json(&r.get::<_, String>(17)?)?,
                    phones: Vec::new(),
                    schedules: Vec::new(),
                    at_locations: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, mut s)| {
            s.phones = phones(c, "service_id", &id)?;
            s.schedules = schedules(c, "service_id", &id)?;
            let sals: Vec<(String, String, Option<String>)> = c
                .prepare_cached(
                    "SELECT a.id, a.source_id, a.description FROM dir_service_at_location a
                     WHERE a.service_id = ?1 ORDER BY a.position",
                )?
                .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (sal_id, source_id, description) in sals {
                let location: String = c
                    .prepare_cached(
                        "SELECT l.source_id FROM dir_service_at_location a JOIN dir_location l ON l.id = a.location_id
                         WHERE a.id = ?1",
                    )?
                    .query_row([&sal_id], |r| r.get(0))?;
                s.at_locations.push(NServiceAt {
                    source_id,
                    location,
                    description,
                    phones: phones(c, "service_at_location_id", &sal_id)?,
                    schedules: schedules(c, "service_at_location_id", &sal_id)?,
                });
            }
            Ok(s)
        })
        .collect()
}

impl Store {
    /// The directory as HSDS JSON: every service of `source` (all sources if `None`) with its
    /// organization, phones, hours, languages, taxonomy terms and locations nested. Importing
    /// it under the same source name gives the same records and ids. Organizations and
    /// locations no service refers to are not in it (an HSDS service list cannot hold them).
    pub fn export_directory_hsds(&self, source: Option<String>) -> Result<String> {
        self.read(|c| {
            let source = source.as_deref();
            Ok(hsds::export(
                &orgs(c, source)?,
                &locations(c, source)?,
                &services(c, source)?,
            ))
        })
    }
}
