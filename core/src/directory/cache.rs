//! An in-memory copy of the `dir_search` rows, so a search reads each full-text match's filter
//! data (categories, languages, fees, places with hours) from memory instead of one B-tree
//! lookup per match — the lookups were half the cost of a search over a large directory.
//!
//! The copy is keyed by database (file and device id) and by `dir_index_state.version`, which
//! every index change bumps in the same transaction: a search that finds another version
//! reloads the copy, so it is never stale, whichever connection or process wrote. It also holds
//! what a result shows (name, organization, summary, places), so a page of results needs no
//! query either: about 600 bytes per service (30 MB for 50,000, 3 MB for a city's 5,000).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rusqlite::Connection;

use super::geo::GeoPoint;
use super::model::NAddress;
use super::search::HitPlace;
use super::taxonomy::{AccessFeature, Fees, ServiceStatus, from_bits};
use crate::error::Result;
use crate::model::codes::from_json;
use crate::time::Millis;

/// One service's search data.
#[derive(Debug)]
pub(crate) struct Row {
    pub sort_key: Box<str>,
    pub categories: i64,
    pub dimensions: i64,
    pub languages: Box<str>,
    pub fees: Option<Fees>,
    pub places: Box<[u8]>,
    pub show: Shown,
}

/// What a result shows of a service.
#[derive(Debug)]
pub(crate) struct Shown {
    pub service_id: String,
    pub name: String,
    pub organization: Option<String>,
    pub summary: String,
    pub languages: Vec<String>,
    pub status: ServiceStatus,
    pub verified_at: Option<Millis>,
    /// In the order of the places in `places`.
    pub places: Vec<HitPlace>,
}

/// The rows of one index version, by `doc`.
#[derive(Debug)]
pub(crate) struct Index {
    version: i64,
    /// Indexed by `doc` (small dense integers: dir_search's rowid).
    rows: Vec<Option<Row>>,
}

impl Index {
    /// The row of `doc`, if the service is listed.
    pub(crate) fn get(&self, doc: i64) -> Option<&Row> {
        usize::try_from(doc)
            .ok()
            .and_then(|i| self.rows.get(i))
            .and_then(Option::as_ref)
    }

    /// Every listed row.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (i64, &Row)> {
        self.rows
            .iter()
            .enumerate()
            .filter_map(|(d, r)| r.as_ref().map(|r| (d as i64, r)))
    }
}

type Cache = Mutex<HashMap<String, Arc<Index>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Marks the index as changed; called in the transaction that changes it.
pub(crate) fn bump(c: &Connection) -> Result<()> {
    c.prepare_cached("UPDATE dir_index_state SET version = version + 1")?
        .execute([])?;
    Ok(())
}

/// The search rows as of the transaction `c` is in, loaded once per index version.
pub(crate) fn index(c: &Connection, database: &str) -> Result<Arc<Index>> {
    let version: i64 = c
        .prepare_cached("SELECT version FROM dir_index_state")?
        .query_row([], |r| r.get(0))?;
    if let Some(hit) = cache()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(database)
        .filter(|i| i.version == version)
    {
        return Ok(hit.clone());
    }
    let mut places: HashMap<String, Vec<HitPlace>> = HashMap::new();
    let mut stmt = c.prepare_cached(
        "SELECT a.service_id, l.id, l.name, l.address, l.latitude, l.longitude, l.access_features
         FROM dir_service_at_location a JOIN dir_location l ON l.id = a.location_id
         ORDER BY a.service_id, a.position, a.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let address: Option<String> = r.get(3)?;
        let address: Option<NAddress> = address.map(|a| from_json(&a)).transpose()?;
        let lat: Option<f64> = r.get(4)?;
        let lon: Option<f64> = r.get(5)?;
        places.entry(r.get(0)?).or_default().push(HitPlace {
            location_id: r.get(1)?,
            name: r.get(2)?,
            address: address.as_ref().map(|a| a.address_1.clone()),
            postal_code: address.as_ref().and_then(|a| a.postal_code.clone()),
            city: address.map(|a| a.city),
            point: lat.zip(lon).map(|(latitude, longitude)| GeoPoint {
                latitude,
                longitude,
            }),
            accessibility: from_bits(AccessFeature::ALL, r.get(6)?),
        });
    }
    let mut stmt = c.prepare_cached(
        "SELECT x.doc, x.sort_key, x.categories, x.dimensions, x.languages, x.fees, x.places,
                s.id, s.name, o.name, substr(s.description, 1, 240), s.languages, s.status, s.verified_at
         FROM dir_search x JOIN dir_service s ON s.id = x.service_id
         LEFT JOIN dir_organization o ON o.id = s.organization_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let service_id: String = r.get(7)?;
            Ok((
                r.get::<_, i64>(0)?,
                Row {
                    sort_key: r.get::<_, String>(1)?.into(),
                    categories: r.get(2)?,
                    dimensions: r.get(3)?,
                    languages: r.get::<_, String>(4)?.into(),
                    fees: r.get(5)?,
                    places: r.get::<_, Vec<u8>>(6)?.into(),
                    show: Shown {
                        places: places.remove(&service_id).unwrap_or_default(),
                        service_id,
                        name: r.get(8)?,
                        organization: r.get(9)?,
                        summary: r.get(10)?,
                        languages: from_json(&r.get::<_, String>(11)?)?,
                        status: r.get(12)?,
                        verified_at: r.get(13)?,
                    },
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<(i64, Row)>>>()?;
    let size = rows.iter().map(|(d, _)| *d).max().unwrap_or(0).max(0) as usize + 1;
    let mut by_doc: Vec<Option<Row>> = Vec::with_capacity(size);
    by_doc.resize_with(size, || None);
    for (doc, row) in rows {
        if let Ok(i) = usize::try_from(doc) {
            by_doc[i] = Some(row);
        }
    }
    let rows = by_doc;
    let fresh = Arc::new(Index { version, rows });
    cache()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(database.to_owned(), fresh.clone());
    Ok(fresh)
}
