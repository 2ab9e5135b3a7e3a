//! Offline search of the directory: full text (accent- and case-insensitive, prefix as you
//! type), filters (category, dimension, language, accessibility, fees, distance, open at a local
//! time), ranking by relevance and distance, freshness, paging.
//!
//! Ranking: text relevance `t` is FTS5's BM25 (columns weighted name 10, alternate name 6,
//! organization 3, categories 4, description 1, place 2) divided by the best among the matching
//! results, so 0 < t ≤ 1; proximity `p` is 1 / (1 + d / 2 km). The score is `t × p` with both a
//! query text and a point, `t` with text only, `p` with a point only; without either, results
//! come in name order. Ties go to the nearer, then the name, then the id.

use std::collections::HashSet;
use std::sync::Arc;

use rusqlite::functions::FunctionFlags;

use super::cache;
use super::detail::possibly_outdated;
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
#[derive(Clone)]
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

/// Whether a service's own columns pass the query's column filters.
fn row_passes(q: &Checked, r: &cache::Row) -> bool {
    (q.categories == 0 || r.categories & q.categories != 0)
        && (q.dimensions == 0 || r.dimensions & q.dimensions != 0)
        && (q.languages.is_empty()
            || q.languages.iter().any(|l| {
                r.languages
                    .split(' ')
                    .any(|have| !have.is_empty() && have == l)
            }))
        && (q.fees.is_empty() || r.fees.is_some_and(|f| q.fees.contains(&f)))
}

/// A candidate that passed every filter.
pub(crate) struct Ranked<'a> {
    pub doc: i64,
    pub place: Option<usize>,
    pub distance: Option<f64>,
    pub open: Option<bool>,
    pub score: f64,
    pub sort_key: &'a str,
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
    // Distance before opening hours: in a region, most places fail the distance, and the
    // latitude alone rejects most of those without trigonometry.
    let point = p.point().map(|(latitude, longitude)| GeoPoint {
        latitude,
        longitude,
    });
    let distance = match (q.near, point) {
        (Some(n), Some(at)) => {
            if q.max_km.is_some_and(|max| n.surely_farther_than(at, max)) {
                return None;
            }
            Some(n.distance_km(at))
        }
        _ => None,
    };
    if let Some(max) = q.max_km {
        if distance.is_none_or(|d| d > max) {
            return None;
        }
    }
    let open = q.moment.filter(|_| p.has_hours()).map(|m| p.open_at(m));
    if q.open_only && open != Some(true) {
        return None;
    }
    Some((Some(p.index), distance, open))
}

/// Finds the candidates (full-text matches, or every listed service) and ranks those that
/// pass. Returns the total and the page's entries.
/// The SQL function through which the full-text scan asks whether a match passes the filters.
const CANDIDATE_FN: &str = "passerelle_dir_candidate";

pub(crate) fn rank<'a>(
    c: &rusqlite::Connection,
    index: &'a Arc<cache::Index>,
    q: &Checked,
) -> Result<(usize, Vec<Ranked<'a>>)> {
    let mut out: Vec<Ranked> = Vec::new();
    let mut best_relevance = 0.0f64;
    let mut consider = |doc: i64, relevance: f64| {
        let Some(row) = index.get(doc) else {
            return;
        };
        if !row_passes(q, row) {
            return;
        }
        let Some((place, distance, open)) = best_place(q, &row.places) else {
            return;
        };
        best_relevance = best_relevance.max(relevance);
        out.push(Ranked {
            doc,
            place,
            distance,
            open,
            score: relevance,
            sort_key: row.sort_key.as_ref(),
        });
    };
    match &q.fts {
        Some(expr) => {
            // The filters run inside the full-text scan, as an SQL function in its WHERE: FTS5
            // then computes BM25 — a lookup of each match's column sizes — only for the
            // matches that pass, and the others never leave SQLite. `consider` checks the few
            // that pass once more to pick their best place: cheaper than carrying it out of
            // the function.
            let (index_for_filter, query_for_filter) = (index.clone(), q.clone());
            c.create_scalar_function(CANDIDATE_FN, 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
                let doc: i64 = ctx.get(0)?;
                Ok(index_for_filter.get(doc).is_some_and(|row| {
                    row_passes(&query_for_filter, row)
                        && best_place(&query_for_filter, &row.places).is_some()
                }))
            })?;
            let scanned = (|| -> Result<()> {
                let mut stmt = c.prepare_cached(&format!(
                    "SELECT rowid, -{BM25} FROM dir_fts WHERE dir_fts MATCH ?1 AND {CANDIDATE_FN}(rowid)"
                ))?;
                let mut rows = stmt.query([expr])?;
                while let Some(r) = rows.next()? {
                    consider(r.get(0)?, r.get(1)?);
                }
                Ok(())
            })();
            // The function holds the query and the index: not kept past this search.
            c.remove_function(CANDIDATE_FN, 1)?;
            scanned?;
        }
        None => {
            for (doc, _) in index.iter() {
                consider(doc, 0.0);
            }
        }
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
    let by = |a: &Ranked<'_>, b: &Ranked<'_>| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| match (a.distance, b.distance) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.sort_key.cmp(b.sort_key))
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
    row: &cache::Row,
    r: &Ranked<'_>,
    stale_ms: i64,
    now: Millis,
    bookmarked: &HashSet<String>,
) -> ServiceHit {
    let show = &row.show;
    ServiceHit {
        service_id: show.service_id.clone(),
        name: show.name.clone(),
        organization_name: show.organization.clone(),
        summary: show.summary.clone(),
        categories: from_bits(Category::ALL, row.categories),
        dimensions: Dimension::from_bits(row.dimensions),
        languages: show.languages.clone(),
        fees: row.fees,
        status: show.status,
        place: r.place.and_then(|i| show.places.get(i).cloned()),
        distance_km: r.distance,
        open_now: if show.status == ServiceStatus::TemporarilyClosed && r.open.is_some() {
            Some(false)
        } else {
            r.open
        },
        last_verified: show.verified_at,
        possibly_outdated: possibly_outdated(show.verified_at, now, stale_ms),
        bookmarked: bookmarked.contains(&show.service_id),
        score: r.score,
    }
}

impl Store {
    /// Searches the directory on this device: no network needed. See the module docs for the
    /// ranking; a query typed with FTS operators or quotes is searched as plain words.
    pub fn search_directory(&self, query: DirectoryQuery) -> Result<DirectoryPage> {
        let q = check(&query)?;
        let now = self.now();
        self.read(|c| {
            let database = format!("{}|{}", self.path().display(), self.device_id());
            let index = cache::index(c, &database)?;
            let (total, page) = rank(c, &index, &q)?;
            // The signed-in person's bookmarks, once for the page.
            let bookmarked: HashSet<String> = c
                .prepare_cached(
                    "SELECT b.service_id FROM bookmark b JOIN device d ON d.owner_id = b.person_id
                     WHERE b.removed_at IS NULL",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let hits = page
                .iter()
                .filter_map(|r| {
                    index
                        .get(r.doc)
                        .map(|row| hit(row, r, q.stale_ms, now, &bookmarked))
                })
                .collect();
            Ok(DirectoryPage {
                total: total as u32,
                hits,
            })
        })
    }
}
