//! Offline search of the directory: full text (accent- and case-insensitive, prefix as you
//! type), filters (category, dimension, language, accessibility, fees, distance, open at a local
//! time), ranking by relevance and distance, freshness, paging.
//!
//! Ranking: text relevance `t` is FTS5's BM25 (columns weighted name 10, alternate name 6,
//! organization 3, categories 4, description 1, place 2) divided by the best among the matching
//! results, so 0 < t ≤ 1; proximity `p` is 1 / (1 + d / 2 km). The score is `t × p` with both a
//! query text and a point, `t` with text only, `p` with a point only; without either, results
//! come in name order. Ties go to the nearer, then the name, then the id.

use std::fmt::Write as _;

use rusqlite::types::Value;

use super::geo::GeoPoint;
use super::index::{PlaceRef, Places};
use super::query::{QUERY_MAX, fts_expression};
use super::schedule::{LocalDateTime, Moment};
use super::taxonomy::{AccessFeature, Category, Fees, ServiceStatus, from_bits, to_bits};
use crate::error::{Error, Problem, Result};
use crate::model::dimension::Dimension;
use crate::store::Store;
use crate::time::{DAY_MS, Millis};
use crate::validate::language_list;

/// Default age after which an entry is flagged as possibly out of date: twelve months.
pub const STALE_AFTER_DAYS_DEFAULT: u32 = 365;
/// Default page size.
pub const PAGE_DEFAULT: u32 = 20;
/// Largest page.
pub const PAGE_MAX: u32 = 100;
/// Farthest a page may start.
pub const OFFSET_MAX: u32 = 10_000;

/// BM25 column weights, in dir_fts column order.
pub(crate) const BM25: &str = "bm25(dir_fts, 10.0, 6.0, 3.0, 4.0, 1.0, 2.0)";

/// What to look for. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DirectoryQuery {
    /// Words as typed (at most 200 characters); empty lists everything that passes the filters.
    pub text: String,
    /// Where the person is, for distance and ranking.
    pub near: Option<GeoPoint>,
    /// Only places within this many kilometres of `near` (needs `near`).
    pub max_distance_km: Option<f64>,
    /// Any of these categories.
    pub categories: Vec<Category>,
    /// Any of these dimensions of peer support.
    pub dimensions: Vec<Dimension>,
    /// Any of these languages (BCP 47; matched on the primary language, `fr` matches `fr-CA`).
    pub languages: Vec<String>,
    /// All of these accessibility features, at the same place.
    pub accessibility: Vec<AccessFeature>,
    /// Any of these fee levels (e.g. free only: `[Free]`).
    pub fees: Vec<Fees>,
    /// A local date and time: each result says whether it is open then.
    pub open_at: Option<LocalDateTime>,
    /// Keep only results open at `open_at` (needs `open_at`).
    pub open_only: bool,
    /// Entries last verified longer ago than this are flagged; default 365 days.
    pub stale_after_days: Option<u32>,
    /// Results to skip (paging), at most 10,000.
    pub offset: u32,
    /// Page size, 1 to 100; 0 means the default, 20.
    pub limit: u32,
}

/// Where a result is offered.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HitPlace {
    /// The location.
    pub location_id: String,
    /// Its name.
    pub name: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Town.
    pub city: Option<String>,
    /// Coordinates.
    pub point: Option<GeoPoint>,
    /// Accessibility features there.
    pub accessibility: Vec<AccessFeature>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ServiceHit {
    /// The service's stable id (what bookmarks and referrals name).
    pub service_id: String,
    /// Its name.
    pub name: String,
    /// Who runs it.
    pub organization_name: Option<String>,
    /// The start of its description (at most 240 characters).
    pub summary: String,
    /// Its categories.
    pub categories: Vec<Category>,
    /// The dimensions of peer support it serves.
    pub dimensions: Vec<Dimension>,
    /// Languages spoken.
    pub languages: Vec<String>,
    /// Fees, if known.
    pub fees: Option<Fees>,
    /// Active or temporarily closed.
    pub status: ServiceStatus,
    /// The place that matched (the nearest one when a point was given).
    pub place: Option<HitPlace>,
    /// Distance to that place from `near`, in km.
    pub distance_km: Option<f64>,
    /// Open at `open_at`: `None` when no time was asked or its hours are not known.
    pub open_now: Option<bool>,
    /// When the entry was last verified (UTC ms, midnight of the day).
    pub last_verified: Option<Millis>,
    /// Last verified longer ago than the freshness limit, or never: possibly out of date.
    pub possibly_outdated: bool,
    /// The signed-in person bookmarked it.
    pub bookmarked: bool,
    /// The ranking score (higher first); 0 in name order.
    pub score: f64,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DirectoryPage {
    /// Results matching in all.
    pub total: u32,
    /// This page, best first.
    pub hits: Vec<ServiceHit>,
}

/// The checked form of a query.
pub(crate) struct Checked {
    pub fts: Option<String>,
    pub near: Option<GeoPoint>,
    pub max_km: Option<f64>,
    pub categories: i64,
    pub dimensions: i64,
    pub languages: Vec<String>,
    pub access: u32,
    pub fees: Vec<Fees>,
    pub moment: Option<Moment>,
    pub open_only: bool,
    pub stale_ms: i64,
    pub offset: usize,
    pub limit: usize,
}

pub(crate) fn check(q: &DirectoryQuery) -> Result<Checked> {
    if q.text.chars().count() > QUERY_MAX {
        return Err(Error::invalid("text", Problem::TooLong { max: QUERY_MAX }));
    }
    let near = q
        .near
        .map(|p| p.checked("near.latitude", "near.longitude"))
        .transpose()?;
    if let Some(d) = q.max_distance_km {
        if near.is_none() {
            return Err(Error::invalid("near", Problem::Empty));
        }
        if !(d.is_finite() && d > 0.0 && d <= 20_000.0) {
            return Err(Error::invalid(
                "max_distance_km",
                Problem::OutOfRange {
                    min: 0,
                    max: 20_000,
                },
            ));
        }
    }
    let moment = q.open_at.map(LocalDateTime::moment).transpose()?;
    if q.open_only && moment.is_none() {
        return Err(Error::invalid("open_at", Problem::Empty));
    }
    let stale_days = q.stale_after_days.unwrap_or(STALE_AFTER_DAYS_DEFAULT);
    if !(1..=3650).contains(&stale_days) {
        return Err(Error::invalid(
            "stale_after_days",
            Problem::OutOfRange { min: 1, max: 3650 },
        ));
    }
    if q.offset > OFFSET_MAX {
        return Err(Error::invalid(
            "offset",
            Problem::OutOfRange {
                min: 0,
                max: i64::from(OFFSET_MAX),
            },
        ));
    }
    if q.limit > PAGE_MAX {
        return Err(Error::invalid(
            "limit",
            Problem::OutOfRange {
                min: 0,
                max: i64::from(PAGE_MAX),
            },
        ));
    }
    let languages = language_list("languages", &q.languages)?
        .into_iter()
        .map(|l| l.split('-').next().unwrap_or_default().to_ascii_lowercase())
        .collect();
    Ok(Checked {
        fts: fts_expression(&q.text),
        near,
        max_km: q.max_distance_km,
        categories: to_bits(Category::ALL, &q.categories),
        dimensions: Dimension::to_bits(&q.dimensions),
        languages,
        access: to_bits(AccessFeature::ALL, &q.accessibility) as u32,
        fees: q.fees.clone(),
        moment,
        open_only: q.open_only,
        stale_ms: i64::from(stale_days) * DAY_MS,
        offset: q.offset as usize,
        limit: if q.limit == 0 { PAGE_DEFAULT } else { q.limit } as usize,
    })
}

/// The SQL selecting candidates: `(doc, relevance, sort_key, places)`, with the filters that
/// live in columns, and its parameters.
pub(crate) fn candidates_sql(q: &Checked) -> (String, Vec<Value>) {
    let mut params: Vec<Value> = Vec::new();
    let mut sql = match &q.fts {
        Some(expr) => {
            params.push(Value::Text(expr.clone()));
            format!(
                "SELECT s.doc, -{BM25}, s.sort_key, s.places FROM dir_fts JOIN dir_search s ON s.doc = dir_fts.rowid
                 WHERE dir_fts MATCH ?1"
            )
        }
        None => "SELECT s.doc, 0.0, s.sort_key, s.places FROM dir_search s WHERE 1".to_owned(),
    };
    if q.categories != 0 {
        params.push(Value::Integer(q.categories));
        let _ = write!(sql, " AND (s.categories & ?{}) <> 0", params.len());
    }
    if q.dimensions != 0 {
        params.push(Value::Integer(q.dimensions));
        let _ = write!(sql, " AND (s.dimensions & ?{}) <> 0", params.len());
    }
    if !q.languages.is_empty() {
        let parts: Vec<String> = q
            .languages
            .iter()
            .map(|l| {
                params.push(Value::Text(format!(" {l} ")));
                format!("instr(s.languages, ?{}) > 0", params.len())
            })
            .collect();
        let _ = write!(sql, " AND ({})", parts.join(" OR "));
    }
    if !q.fees.is_empty() {
        let parts: Vec<String> = q
            .fees
            .iter()
            .map(|f| {
                params.push(Value::Text(f.code().to_owned()));
                format!("?{}", params.len())
            })
            .collect();
        let _ = write!(sql, " AND s.fees IN ({})", parts.join(", "));
    }
    (sql, params)
}

/// A candidate that passed every filter.
pub(crate) struct Ranked {
    pub doc: i64,
    pub place: Option<usize>,
    pub distance: Option<f64>,
    pub open: Option<bool>,
    pub score: f64,
    pub sort_key: String,
}

/// The best place of a candidate under the query's place filters, and whether any passes.
fn best_place(q: &Checked, places: &[u8]) -> Option<(Option<usize>, Option<f64>, Option<bool>)> {
    let mut best: Option<(Option<usize>, Option<f64>, Option<bool>)> = None;
    for p in Places::new(places) {
        if let Some(found) = place_passes(q, &p) {
            let better = match (&best, found.1) {
                (None, _) => true,
                (Some((_, Some(b), _)), Some(d)) => d < *b,
                _ => false,
            };
            if better {
                best = Some(found);
            }
        }
    }
    best
}

fn place_passes(
    q: &Checked,
    p: &PlaceRef<'_>,
) -> Option<(Option<usize>, Option<f64>, Option<bool>)> {
    if p.access & q.access != q.access {
        return None;
    }
    let open = q.moment.filter(|_| p.has_hours()).map(|m| p.open_at(m));
    if q.open_only && open != Some(true) {
        return None;
    }
    let distance = match (q.near, p.point()) {
        (Some(n), Some((lat, lon))) => Some(n.distance_km(GeoPoint {
            latitude: lat,
            longitude: lon,
        })),
        _ => None,
    };
    if let Some(max) = q.max_km {
        if distance.is_none_or(|d| d > max) {
            return None;
        }
    }
    Some((Some(p.index), distance, open))
}

/// Runs the candidate query and ranks what passes. Returns the total and the page's entries.
pub(crate) fn rank(c: &rusqlite::Connection, q: &Checked) -> Result<(usize, Vec<Ranked>)> {
    let (sql, params) = candidates_sql(q);
    let mut stmt = c.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut out: Vec<Ranked> = Vec::new();
    let mut best_relevance = 0.0f64;
    while let Some(r) = rows.next()? {
        let places = r.get_ref(3)?.as_blob().unwrap_or(&[]);
        let Some((place, distance, open)) = best_place(q, places) else {
            continue;
        };
        let relevance: f64 = r.get(1)?;
        best_relevance = best_relevance.max(relevance);
        out.push(Ranked {
            doc: r.get(0)?,
            place,
            distance,
            open,
            score: relevance,
            sort_key: r.get(2)?,
        });
    }
    let has_text = q.fts.is_some();
    for h in &mut out {
        let text = if has_text && best_relevance > 0.0 {
            Some(h.score / best_relevance)
        } else {
            None
        };
        let proximity = h.distance.map(|d| 1.0 / (1.0 + d / 2.0));
        h.score = match (text, proximity) {
            (Some(t), Some(p)) => t * p,
            (Some(t), None) if q.near.is_none() => t,
            // Without coordinates a place cannot be near: it goes after those that are.
            (Some(t), None) => t * 0.01,
            (None, Some(p)) => p,
            (None, None) => 0.0,
        };
    }
    let total = out.len();
    let by = |a: &Ranked, b: &Ranked| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| match (a.distance, b.distance) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.sort_key.cmp(&b.sort_key))
            .then_with(|| a.doc.cmp(&b.doc))
    };
    let end = (q.offset + q.limit).min(total);
    if q.offset >= total {
        return Ok((total, Vec::new()));
    }
    // Only the page needs to be in order: select it, then sort that much.
    if end < total {
        out.select_nth_unstable_by(end, by);
        out.truncate(end);
    }
    out.sort_by(by);
    Ok((total, out.split_off(q.offset)))
}

fn hit(
    c: &rusqlite::Connection,
    r: &Ranked,
    stale_ms: i64,
    now: Millis,
    me: Option<&str>,
) -> Result<ServiceHit> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        i64,
        i64,
        String,
        Option<Fees>,
        ServiceStatus,
        Option<i64>,
    );
    let (service_id, name, org, description, categories, dimensions, languages, fees, status, verified): Row = c
        .prepare_cached(
            "SELECT s.id, s.name, o.name, s.description, s.categories, s.dimensions, s.languages, s.fees, s.status,
                    s.verified_at
             FROM dir_search x JOIN dir_service s ON s.id = x.service_id
             LEFT JOIN dir_organization o ON o.id = s.organization_id WHERE x.doc = ?1",
        )?
        .query_row([r.doc], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
                row.get(8)?,
                row.get(9)?,
            ))
        })?;
    let place = match r.place {
        Some(i) => c
            .prepare_cached(
                "SELECT l.id, l.name, l.address, l.latitude, l.longitude, l.access_features
                 FROM dir_service_at_location a JOIN dir_location l ON l.id = a.location_id
                 WHERE a.service_id = ?1 ORDER BY a.position, a.id LIMIT 1 OFFSET ?2",
            )?
            .query_row(rusqlite::params![service_id, i as i64], |row| {
                let address: Option<String> = row.get(2)?;
                let address =
                    address.and_then(|a| serde_json::from_str::<super::model::NAddress>(&a).ok());
                let lat: Option<f64> = row.get(3)?;
                let lon: Option<f64> = row.get(4)?;
                Ok(HitPlace {
                    location_id: row.get(0)?,
                    name: row.get(1)?,
                    address: address.as_ref().map(|a| a.address_1.clone()),
                    postal_code: address.as_ref().and_then(|a| a.postal_code.clone()),
                    city: address.map(|a| a.city),
                    point: lat.zip(lon).map(|(latitude, longitude)| GeoPoint {
                        latitude,
                        longitude,
                    }),
                    accessibility: from_bits(AccessFeature::ALL, row.get(5)?),
                })
            })
            .ok(),
        None => None,
    };
    let bookmarked = match me {
        Some(me) => c
            .prepare_cached(
                "SELECT 1 FROM bookmark WHERE person_id = ?1 AND service_id = ?2 AND removed_at IS NULL",
            )?
            .exists(rusqlite::params![me, service_id])?,
        None => false,
    };
    Ok(ServiceHit {
        summary: description.chars().take(240).collect(),
        service_id,
        name,
        organization_name: org,
        categories: from_bits(Category::ALL, categories),
        dimensions: Dimension::from_bits(dimensions),
        languages: crate::model::codes::from_json(&languages)?,
        fees,
        status,
        place,
        distance_km: r.distance,
        open_now: if status == ServiceStatus::TemporarilyClosed && r.open.is_some() {
            Some(false)
        } else {
            r.open
        },
        last_verified: verified,
        possibly_outdated: verified.is_none_or(|v| now - v > stale_ms),
        bookmarked,
        score: r.score,
    })
}

impl Store {
    /// Searches the directory on this device: no network needed. See the module docs for the
    /// ranking; a query typed with FTS operators or quotes is searched as plain words.
    pub fn search_directory(&self, query: DirectoryQuery) -> Result<DirectoryPage> {
        let q = check(&query)?;
        let now = self.now();
        self.read(|c| {
            let (total, page) = rank(c, &q)?;
            let me: Option<String> = c
                .query_row("SELECT owner_id FROM device", [], |r| r.get(0))
                .unwrap_or(None);
            let hits = page
                .iter()
                .map(|r| hit(c, r, q.stale_ms, now, me.as_deref()))
                .collect::<Result<Vec<_>>>()?;
            Ok(DirectoryPage {
                total: total as u32,
                hits,
            })
        })
    }
}
