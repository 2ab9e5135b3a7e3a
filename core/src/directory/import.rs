//! Importing a dataset into the directory: parse (HSDS JSON, HSDS CSV, data·inclusion), check
//! references between records, compare each record with what is stored, then write — all or
//! nothing, unless the caller asks to skip bad records — and rebuild the search index of every
//! service the import touched. Every import answers with a report: each record added, updated,
//! unchanged, rejected (with the reason) or removed, and the warnings (unknown taxonomy terms
//! kept, hours that could not be imported).

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};

use super::data_inclusion;
use super::hsds;
use super::hsds_csv;
use super::index;
use super::model::{
    NLocation, NOrg, NPhone, NSchedule, NService, RecordKind, child_id, content_hash, stable_id,
};
use super::parse::{Dataset, ImportWarning, Parsed};
use super::schedule::{day_number, parse_date};
use super::taxonomy::{AccessFeature, Category, to_bits};
use crate::error::{Error, Problem, Result};
use crate::model::codes::{code_enum, codes_json};
use crate::model::dimension::Dimension;
use crate::model::person::{Role, owner};
use crate::store::{Store, Tx};
use crate::time::DAY_MS;

code_enum! {
    /// The format of an import.
    pub enum ImportFormat as "import format" {
        /// Open Referral HSDS 3.x, JSON: a list of services with nested records.
        HsdsJson = "hsds_json",
        /// HSDS 3.x tabular form: one CSV file per table.
        HsdsCsv = "hsds_csv",
        /// data·inclusion structures and services, JSON.
        DataInclusion = "data_inclusion",
    }
}

code_enum! {
    /// What an import did with one record.
    pub enum RecordOutcome as "record outcome" {
        /// New in the directory.
        Added = "added",
        /// Already there from this source; changed in place, same id.
        Updated = "updated",
        /// Already there, identical: nothing written.
        Unchanged = "unchanged",
        /// Refused; see the reason. Nothing of it was written.
        Rejected = "rejected",
        /// Gone from the source's full dataset; removed (only with `remove_missing`).
        Removed = "removed",
    }
}

/// One file of an import: its name (which says the table in the CSV form) and its text.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ImportFile {
    /// The file name, e.g. `services.csv` or `structures.json`.
    pub name: String,
    /// The file's content (UTF-8).
    pub content: String,
}

/// How to import.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ImportOptions {
    /// The dataset's name, kept as every record's provenance: letters, digits, `.`, `_`, `-`,
    /// `:`; 1 to 100 characters. Re-importing under the same name updates records in place.
    pub source: String,
    /// Import the good records and report the bad ones, instead of refusing the whole file.
    pub skip_invalid: bool,
    /// Only report what would happen, every bad record included; write nothing.
    pub dry_run: bool,
    /// The file is the source's full dataset: remove this source's records it no longer holds.
    pub remove_missing: bool,
}

/// What happened to one record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RecordReport {
    /// Organization, location or service.
    pub kind: RecordKind,
    /// Its id in the source.
    pub source_id: String,
    /// Its stable id in the directory.
    pub id: String,
    /// What was done.
    pub outcome: RecordOutcome,
    /// Why it was rejected (the rule it broke; never its content).
    pub reason: Option<String>,
}

/// The report of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ImportReport {
    /// The dataset name.
    pub source: String,
    /// The format read.
    pub format: ImportFormat,
    /// Whether anything was written (false for a dry run).
    pub committed: bool,
    /// Records added.
    pub added: u32,
    /// Records updated in place.
    pub updated: u32,
    /// Records already identical.
    pub unchanged: u32,
    /// Records refused.
    pub rejected: u32,
    /// Records removed (`remove_missing`).
    pub removed: u32,
    /// Every record, organizations first, then locations, then services, in file order.
    pub records: Vec<RecordReport>,
    /// What was kept without being understood, or not imported.
    pub warnings: Vec<ImportWarning>,
}

/// Largest import, all files together.
pub const IMPORT_MAX_BYTES: usize = 64 * 1024 * 1024;
/// Most files in one import.
pub const IMPORT_MAX_FILES: usize = 30;

fn check_source(source: &str) -> Result<String> {
    let s = source.trim();
    if s.is_empty() {
        return Err(Error::invalid("source", Problem::Empty));
    }
    if s.chars().count() > 100 {
        return Err(Error::invalid("source", Problem::TooLong { max: 100 }));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-:".contains(&b))
    {
        return Err(Error::invalid("source", Problem::Malformed));
    }
    Ok(s.to_owned())
}

/// Reads the files into a dataset, refusing what is too big or not of `format`.
pub(crate) fn read(format: ImportFormat, files: &[ImportFile]) -> Result<Dataset> {
    if files.is_empty() {
        return Err(Error::invalid("files", Problem::Empty));
    }
    if files.len() > IMPORT_MAX_FILES {
        return Err(Error::invalid(
            "files",
            Problem::TooMany {
                max: IMPORT_MAX_FILES,
            },
        ));
    }
    if files.iter().map(|f| f.content.len()).sum::<usize>() > IMPORT_MAX_BYTES {
        return Err(Error::invalid(
            "files",
            Problem::TooLong {
                max: IMPORT_MAX_BYTES,
            },
        ));
    }
    let pairs: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.name.clone(), f.content.clone()))
        .collect();
    match format {
        ImportFormat::HsdsJson => {
            if files.len() != 1 {
                return Err(Error::invalid("files", Problem::TooMany { max: 1 }));
            }
            hsds::parse(&files[0].content)
        }
        ImportFormat::HsdsCsv => hsds_csv::parse(&pairs),
        ImportFormat::DataInclusion => data_inclusion::parse(&pairs),
    }
}

/// One record's fate, decided before anything is written.
pub(crate) struct Decision<T> {
    source_id: String,
    id: String,
    record: Option<(T, String)>,
    outcome: RecordOutcome,
    error: Option<Error>,
    reason: Option<String>,
}

pub(crate) struct Plan {
    orgs: Vec<Decision<NOrg>>,
    locations: Vec<Decision<NLocation>>,
    services: Vec<Decision<NService>>,
    warnings: Vec<ImportWarning>,
}

fn stored_hash(c: &Connection, table: &str, id: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached(&format!("SELECT content_hash FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?,
    )
}

fn decide<T: serde::Serialize>(
    c: &Connection,
    source: &str,
    kind: RecordKind,
    table: &str,
    parsed: Parsed<T>,
    source_id_of: impl Fn(&T) -> &str,
) -> Result<Decision<T>> {
    Ok(match parsed {
        Parsed::Ok(record) => {
            let source_id = source_id_of(&record).to_owned();
            let id = stable_id(source, kind, &source_id);
            let hash = content_hash(&record);
            let outcome = match stored_hash(c, table, &id)? {
                None => RecordOutcome::Added,
                Some(h) if h == hash => RecordOutcome::Unchanged,
                Some(_) => RecordOutcome::Updated,
            };
            Decision {
                source_id,
                id,
                record: Some((record, hash)),
                outcome,
                error: None,
                reason: None,
            }
        }
        Parsed::Rejected { source_id, error } => Decision {
            id: stable_id(source, kind, &source_id),
            source_id,
            record: None,
            outcome: RecordOutcome::Rejected,
            reason: Some(error.to_string()),
            error: Some(error),
        },
    })
}

fn reject<T>(d: &mut Decision<T>, error: Error, reason: &str) {
    d.record = None;
    d.outcome = RecordOutcome::Rejected;
    d.reason = Some(reason.to_owned());
    d.error = Some(error);
}

fn exists(c: &Connection, table: &str, id: &str) -> Result<bool> {
    Ok(
        c.prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

/// Rejects a service whose organization or locations are neither in the file (accepted) nor
/// already stored for this source.
fn check_references(
    c: &Connection,
    source: &str,
    d: &mut Decision<NService>,
    org_state: &HashMap<String, bool>,
    loc_state: &HashMap<String, bool>,
) -> Result<()> {
    let known =
        |state: &HashMap<String, bool>, kind: RecordKind, table: &str, sid: &str| -> Result<bool> {
            match state.get(sid) {
                Some(ok) => Ok(*ok),
                None => exists(c, table, &stable_id(source, kind, sid)),
            }
        };
    let Some((s, _)) = &d.record else {
        return Ok(());
    };
    let org = s.organization.clone();
    let locations: Vec<String> = s.at_locations.iter().map(|a| a.location.clone()).collect();
    if let Some(org) = org {
        if !known(
            org_state,
            RecordKind::Organization,
            "dir_organization",
            &org,
        )? {
            reject(
                d,
                Error::NotFound("organization"),
                "its organization is missing or was rejected",
            );
            return Ok(());
        }
    }
    for l in locations {
        if !known(loc_state, RecordKind::Location, "dir_location", &l)? {
            reject(
                d,
                Error::NotFound("location"),
                "a location is missing or was rejected",
            );
            return Ok(());
        }
    }
    Ok(())
}

/// Decides every record's outcome, rejecting records whose references lead nowhere.
fn plan(c: &Connection, source: &str, data: Dataset) -> Result<Plan> {
    let mut orgs = Vec::new();
    for p in data.orgs {
        orgs.push(decide(
            c,
            source,
            RecordKind::Organization,
            "dir_organization",
            p,
            |o: &NOrg| &o.source_id,
        )?);
    }
    let mut locations = Vec::new();
    for p in data.locations {
        locations.push(decide(
            c,
            source,
            RecordKind::Location,
            "dir_location",
            p,
            |l: &NLocation| &l.source_id,
        )?);
    }
    let org_state: HashMap<String, bool> = orgs
        .iter()
        .map(|d| (d.source_id.clone(), d.record.is_some()))
        .collect();
    for d in &mut locations {
        // A location's organization is informative: an unknown one is dropped, not an error.
        if let Some((l, hash)) = &mut d.record {
            if let Some(org) = &l.organization {
                let known = match org_state.get(org) {
                    Some(ok) => *ok,
                    None => exists(
                        c,
                        "dir_organization",
                        &stable_id(source, RecordKind::Organization, org),
                    )?,
                };
                if !known {
                    l.organization = None;
                    *hash = content_hash(&*l);
                }
            }
        }
    }
    let loc_state: HashMap<String, bool> = locations
        .iter()
        .map(|d| (d.source_id.clone(), d.record.is_some()))
        .collect();
    let mut services = Vec::new();
    for p in data.services {
        let mut d = decide(
            c,
            source,
            RecordKind::Service,
            "dir_service",
            p,
            |s: &NService| &s.source_id,
        )?;
        check_references(c, source, &mut d, &org_state, &loc_state)?;
        services.push(d);
    }
    // Updating an organization or a location changes what its services show: re-index them.
    Ok(Plan {
        orgs,
        locations,
        services,
        warnings: data.warnings,
    })
}

fn entry<T>(kind: RecordKind, d: &Decision<T>) -> RecordReport {
    RecordReport {
        kind,
        source_id: d.source_id.clone(),
        id: d.id.clone(),
        outcome: d.outcome,
        reason: d.reason.clone(),
    }
}

impl Plan {
    fn first_error(&mut self) -> Option<Error> {
        self.orgs
            .iter_mut()
            .find_map(|d| d.error.take())
            .or_else(|| self.locations.iter_mut().find_map(|d| d.error.take()))
            .or_else(|| self.services.iter_mut().find_map(|d| d.error.take()))
    }

    fn report(
        &self,
        source: &str,
        format: ImportFormat,
        committed: bool,
        removed: Vec<RecordReport>,
    ) -> ImportReport {
        let mut records: Vec<RecordReport> = self
            .orgs
            .iter()
            .map(|d| entry(RecordKind::Organization, d))
            .chain(
                self.locations
                    .iter()
                    .map(|d| entry(RecordKind::Location, d)),
            )
            .chain(self.services.iter().map(|d| entry(RecordKind::Service, d)))
            .collect();
        records.extend(removed);
        let count = |o: RecordOutcome| records.iter().filter(|r| r.outcome == o).count() as u32;
        ImportReport {
            source: source.to_owned(),
            format,
            committed,
            added: count(RecordOutcome::Added),
            updated: count(RecordOutcome::Updated),
            unchanged: count(RecordOutcome::Unchanged),
            rejected: count(RecordOutcome::Rejected),
            removed: count(RecordOutcome::Removed),
            records,
            warnings: self.warnings.clone(),
        }
    }
}

fn write_phones(
    tx: &mut Tx<'_>,
    source: &str,
    column: &str,
    owner: &str,
    phones: &[NPhone],
) -> Result<()> {
    tx.conn
        .prepare_cached(&format!("DELETE FROM dir_phone WHERE {column} = ?1"))?
        .execute([owner])?;
    for (i, p) in phones.iter().enumerate() {
        let hlc = tx.stamp().as_i64();
        tx.conn
            .prepare_cached(&format!(
                "INSERT INTO dir_phone (id, source, source_id, {column}, number, extension, kind, description,
                   position, created_at, updated_at, hlc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)"
            ))?
            .execute(params![
                child_id(owner, "phone", &p.source_id),
                source,
                p.source_id,
                owner,
                p.number,
                p.extension,
                p.kind,
                p.description,
                i as i64,
                tx.now,
                hlc
            ])?;
    }
    Ok(())
}

fn write_schedules(
    tx: &mut Tx<'_>,
    source: &str,
    column: &str,
    owner: &str,
    schedules: &[NSchedule],
) -> Result<()> {
    tx.conn
        .prepare_cached(&format!("DELETE FROM dir_schedule WHERE {column} = ?1"))?
        .execute([owner])?;
    for (i, s) in schedules.iter().enumerate() {
        let hlc = tx.stamp().as_i64();
        tx.conn
            .prepare_cached(&format!(
                "INSERT INTO dir_schedule (id, source, source_id, {column}, days, opens_at, closes_at, valid_from,
                   valid_to, description, position, created_at, updated_at, hlc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)"
            ))?
            .execute(params![
                child_id(owner, "schedule", &s.source_id),
                source,
                s.source_id,
                owner,
                s.days,
                s.opens,
                s.closes,
                s.valid_from,
                s.valid_to,
                s.description,
                i as i64,
                tx.now,
                hlc
            ])?;
    }
    Ok(())
}

fn write_org(tx: &mut Tx<'_>, source: &str, id: &str, o: &NOrg, hash: &str) -> Result<()> {
    let hlc = tx.stamp().as_i64();
    tx.conn
        .prepare_cached(
            "INSERT INTO dir_organization (id, source, source_id, name, alternate_name, description, email, website,
               content_hash, imported_at, created_at, updated_at, hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10, ?11)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, alternate_name = excluded.alternate_name,
               description = excluded.description, email = excluded.email, website = excluded.website,
               content_hash = excluded.content_hash, imported_at = excluded.imported_at,
               updated_at = excluded.updated_at, hlc = excluded.hlc",
        )?
        .execute(params![id, source, o.source_id, o.name, o.alternate_name, o.description, o.email, o.website, hash, tx.now, hlc])?;
    write_phones(tx, source, "organization_id", id, &o.phones)
}

fn write_location(
    tx: &mut Tx<'_>,
    source: &str,
    id: &str,
    l: &NLocation,
    hash: &str,
) -> Result<()> {
    let hlc = tx.stamp().as_i64();
    let org = l
        .organization
        .as_deref()
        .map(|o| stable_id(source, RecordKind::Organization, o));
    let address = l
        .address
        .as_ref()
        .map(|a| serde_json::to_string(a).unwrap_or_default());
    tx.conn
        .prepare_cached(
            "INSERT INTO dir_location (id, source, source_id, organization_id, location_type, name, alternate_name,
               description, transportation, url, latitude, longitude, address, accessibility, access_features, terms,
               content_hash, imported_at, created_at, updated_at, hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?18, ?19)
             ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id,
               location_type = excluded.location_type, name = excluded.name, alternate_name = excluded.alternate_name,
               description = excluded.description, transportation = excluded.transportation, url = excluded.url,
               latitude = excluded.latitude, longitude = excluded.longitude, address = excluded.address,
               accessibility = excluded.accessibility, access_features = excluded.access_features,
               terms = excluded.terms, content_hash = excluded.content_hash, imported_at = excluded.imported_at,
               updated_at = excluded.updated_at, hlc = excluded.hlc",
        )?
        .execute(params![
            id,
            source,
            l.source_id,
            org,
            l.location_type,
            l.name,
            l.alternate_name,
            l.description,
            l.transportation,
            l.url,
            l.latitude,
            l.longitude,
            address,
            codes_json(&l.accessibility),
            to_bits(AccessFeature::ALL, &l.features),
            codes_json(&l.terms),
            hash,
            tx.now,
            hlc
        ])?;
    write_phones(tx, source, "location_id", id, &l.phones)?;
    write_schedules(tx, source, "location_id", id, &l.schedules)
}

fn write_service(tx: &mut Tx<'_>, source: &str, id: &str, s: &NService, hash: &str) -> Result<()> {
    let hlc = tx.stamp().as_i64();
    let org = s
        .organization
        .as_deref()
        .map(|o| stable_id(source, RecordKind::Organization, o));
    let verified_at = s
        .verified_on
        .as_deref()
        .and_then(|d| parse_date("assured_date", d).ok())
        .map(|d| i64::from(day_number(d)) * DAY_MS);
    tx.conn
        .prepare_cached(
            "INSERT INTO dir_service (id, source, source_id, organization_id, name, alternate_name, description, url,
               email, status, application_process, fees, fees_description, eligibility_description, verified_at,
               languages, categories, dimensions, terms, content_hash, imported_at, created_at, updated_at, hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                     ?21, ?21, ?21, ?22)
             ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name,
               alternate_name = excluded.alternate_name, description = excluded.description, url = excluded.url,
               email = excluded.email, status = excluded.status, application_process = excluded.application_process,
               fees = excluded.fees, fees_description = excluded.fees_description,
               eligibility_description = excluded.eligibility_description, verified_at = excluded.verified_at,
               languages = excluded.languages, categories = excluded.categories, dimensions = excluded.dimensions,
               terms = excluded.terms, content_hash = excluded.content_hash, imported_at = excluded.imported_at,
               updated_at = excluded.updated_at, hlc = excluded.hlc",
        )?
        .execute(params![
            id,
            source,
            s.source_id,
            org,
            s.name,
            s.alternate_name,
            s.description,
            s.url,
            s.email,
            s.status,
            s.application_process,
            s.fees,
            s.fees_description,
            s.eligibility_description,
            verified_at,
            codes_json(&s.languages),
            to_bits(Category::ALL, &s.categories),
            Dimension::to_bits(&s.dimensions),
            codes_json(&s.terms),
            hash,
            tx.now,
            hlc
        ])?;
    write_phones(tx, source, "service_id", id, &s.phones)?;
    write_schedules(tx, source, "service_id", id, &s.schedules)?;
    tx.conn
        .prepare_cached("DELETE FROM dir_service_at_location WHERE service_id = ?1")?
        .execute([id])?;
    for (i, a) in s.at_locations.iter().enumerate() {
        let sal = child_id(id, "service_at_location", &a.source_id);
        let hlc = tx.stamp().as_i64();
        tx.conn
            .prepare_cached(
                "INSERT INTO dir_service_at_location (id, source, source_id, service_id, location_id, description,
                   position, created_at, updated_at, hlc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
            )?
            .execute(params![
                sal,
                source,
                a.source_id,
                id,
                stable_id(source, RecordKind::Location, &a.location),
                a.description,
                i as i64,
                tx.now,
                hlc
            ])?;
        write_phones(tx, source, "service_at_location_id", &sal, &a.phones)?;
        write_schedules(tx, source, "service_at_location_id", &sal, &a.schedules)?;
    }
    Ok(())
}

fn services_of(c: &Connection, sql: &str, id: &str) -> Result<Vec<String>> {
    Ok(c.prepare_cached(sql)?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Removes the source's records the file no longer holds; returns their report entries.
fn remove_missing(tx: &Tx<'_>, source: &str, plan: &Plan) -> Result<Vec<RecordReport>> {
    let mut removed = Vec::new();
    for (kind, table, seen) in [
        (
            RecordKind::Service,
            "dir_service",
            plan.services
                .iter()
                .map(|d| d.id.clone())
                .collect::<HashSet<_>>(),
        ),
        (
            RecordKind::Location,
            "dir_location",
            plan.locations.iter().map(|d| d.id.clone()).collect(),
        ),
        (
            RecordKind::Organization,
            "dir_organization",
            plan.orgs.iter().map(|d| d.id.clone()).collect(),
        ),
    ] {
        let stored: Vec<(String, String)> = tx
            .conn
            .prepare_cached(&format!(
                "SELECT id, source_id FROM {table} WHERE source = ?1 ORDER BY source_id"
            ))?
            .query_map([source], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, source_id) in stored.into_iter().filter(|(id, _)| !seen.contains(id)) {
            delete_record(tx, kind, table, &id)?;
            removed.push(RecordReport {
                kind,
                source_id,
                id,
                outcome: RecordOutcome::Removed,
                reason: None,
            });
        }
    }
    Ok(removed)
}

/// Deletes one record and refreshes the search rows of the services it touched.
fn delete_record(tx: &Tx<'_>, kind: RecordKind, table: &str, id: &str) -> Result<()> {
    let affected = match kind {
        RecordKind::Service => {
            index::unindex(&tx.conn, id)?;
            Vec::new()
        }
        RecordKind::Location => services_of(
            &tx.conn,
            "SELECT service_id FROM dir_service_at_location WHERE location_id = ?1",
            id,
        )?,
        RecordKind::Organization => services_of(
            &tx.conn,
            "SELECT id FROM dir_service WHERE organization_id = ?1",
            id,
        )?,
    };
    tx.conn
        .prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
        .execute([id])?;
    for s in affected {
        index::refresh(&tx.conn, &s)?;
    }
    Ok(())
}

/// Plans an import of `data` under `source` (for the directory's sync, which has no curator
/// check: the server curates).
pub(crate) fn plan_for(c: &Connection, source: &str, data: Dataset) -> Result<Plan> {
    plan(c, source, data)
}

/// Writes a plan's accepted records.
pub(crate) fn apply_plan(tx: &mut Tx<'_>, source: &str, plan: &Plan) -> Result<()> {
    apply(tx, source, plan)
}

impl Plan {
    /// The services the plan refused, with why.
    pub(crate) fn rejections(&self) -> Vec<(String, String)> {
        self.services
            .iter()
            .filter(|d| d.outcome == RecordOutcome::Rejected)
            .map(|d| {
                (
                    d.id.clone(),
                    d.reason.clone().unwrap_or_else(|| "rejected".to_owned()),
                )
            })
            .collect()
    }
}

/// Removes one service, then the organizations and locations of its source that no service
/// refers to any more. Returns whether the service existed.
pub(crate) fn remove_record(tx: &mut Tx<'_>, kind: RecordKind, id: &str) -> Result<bool> {
    debug_assert_eq!(kind, RecordKind::Service);
    let source: Option<String> = tx
        .conn
        .query_row("SELECT source FROM dir_service WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(source) = source else {
        return Ok(false);
    };
    delete_record(tx, RecordKind::Service, "dir_service", id)?;
    let orphans: Vec<(RecordKind, &str, String)> = tx
        .conn
        .prepare(
            "SELECT 'location', id FROM dir_location l WHERE source = ?1
               AND NOT EXISTS (SELECT 1 FROM dir_service_at_location a WHERE a.location_id = l.id)
             UNION ALL
             SELECT 'organization', id FROM dir_organization o WHERE source = ?1
               AND NOT EXISTS (SELECT 1 FROM dir_service s WHERE s.organization_id = o.id)",
        )?
        .query_map([&source], |r| {
            let kind: String = r.get(0)?;
            Ok(if kind == "location" {
                (RecordKind::Location, "dir_location", r.get(1)?)
            } else {
                (RecordKind::Organization, "dir_organization", r.get(1)?)
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (kind, table, orphan) in orphans {
        delete_record(tx, kind, table, &orphan)?;
    }
    Ok(true)
}

/// Who may import: a professional, or nobody signed in (a tool building a snapshot).
fn check_curator(c: &Connection) -> Result<()> {
    match owner(c) {
        Ok(p) if p.role == Role::Professional => Ok(()),
        Ok(_) => Err(Error::NotAllowed(
            "only a professional curates the directory",
        )),
        Err(Error::NotAllowed(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

fn apply(tx: &mut Tx<'_>, source: &str, plan: &Plan) -> Result<()> {
    let mut touched: Vec<String> = Vec::new();
    let writes = |o: RecordOutcome| matches!(o, RecordOutcome::Added | RecordOutcome::Updated);
    for d in plan.orgs.iter().filter(|d| writes(d.outcome)) {
        if let Some((o, hash)) = &d.record {
            write_org(tx, source, &d.id, o, hash)?;
            if d.outcome == RecordOutcome::Updated {
                touched.extend(services_of(
                    &tx.conn,
                    "SELECT id FROM dir_service WHERE organization_id = ?1",
                    &d.id,
                )?);
            }
        }
    }
    for d in plan.locations.iter().filter(|d| writes(d.outcome)) {
        if let Some((l, hash)) = &d.record {
            write_location(tx, source, &d.id, l, hash)?;
            if d.outcome == RecordOutcome::Updated {
                touched.extend(services_of(
                    &tx.conn,
                    "SELECT service_id FROM dir_service_at_location WHERE location_id = ?1",
                    &d.id,
                )?);
            }
        }
    }
    for d in plan.services.iter().filter(|d| writes(d.outcome)) {
        if let Some((s, hash)) = &d.record {
            write_service(tx, source, &d.id, s, hash)?;
            touched.push(d.id.clone());
        }
    }
    touched.sort();
    touched.dedup();
    for id in &touched {
        index::refresh(&tx.conn, id)?;
    }
    Ok(())
}

impl Store {
    /// Imports a directory dataset. Atomic: if any record is bad, fails with that record's
    /// typed error and changes nothing — unless `options.skip_invalid`, which imports the rest
    /// and reports the bad ones. A dry run writes nothing and reports every record, bad ones
    /// included (with or without `skip_invalid`): the way to see all of a file's problems. Re-importing under the same `source` updates records in place
    /// (same ids). Only a professional may import, or a store nobody is signed in to (the
    /// snapshot builder).
    pub fn import_directory(
        &self,
        format: ImportFormat,
        files: Vec<ImportFile>,
        options: ImportOptions,
    ) -> Result<ImportReport> {
        let source = check_source(&options.source)?;
        let data = read(format, &files)?;
        if options.dry_run {
            // A dry run is how a curator checks a file: it reports every bad record, whatever
            // `skip_invalid` says, where the import itself would stop at the first.
            return self.read(|c| {
                check_curator(c)?;
                let plan = plan(c, &source, data)?;
                Ok(plan.report(&source, format, false, Vec::new()))
            });
        }
        self.write(|tx| {
            check_curator(&tx.conn)?;
            let mut plan = plan(&tx.conn, &source, data)?;
            if !options.skip_invalid {
                if let Some(e) = plan.first_error() {
                    return Err(e);
                }
            }
            apply(tx, &source, &plan)?;
            let removed = if options.remove_missing {
                remove_missing(tx, &source, &plan)?
            } else {
                Vec::new()
            };
            Ok(plan.report(&source, format, true, removed))
        })
    }
}
