//! The search index: for each listed service, one `dir_search` row with what search filters and
//! ranks on, and one `dir_fts` document with its texts. Both are derived from the directory
//! rows and rebuilt for every service an import (or, later, a sync pull) touches.
//!
//! A service's places (each location it is offered at, or one place without coordinates when
//! it has none) are packed into the `places` blob so that a search reads one row per candidate:
//!
//! ```text
//! u8 version (1) | u16 places | per place: f64 lat | f64 lon (NaN: none) | u32 accessibility bits
//!                              | u16 periods | per period: u8 days | u16 opens | u16 closes
//!                              |              i32 valid_from day (i32::MIN: none) | i32 valid_to day (i32::MAX: none)
//! ```
//!
//! (little-endian). Hours of a place: the service-at-location's own schedules if any, else the
//! service's, else the location's.

use rusqlite::{Connection, OptionalExtension, params};

use super::schedule::{Interval, Moment, day_number, parse_date};
use super::taxonomy::{Category, ServiceStatus};
use crate::error::Result;

const VERSION: u8 = 1;
const PERIOD_BYTES: usize = 13;

/// One place of a service while the index row is built.
pub(crate) struct Place {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub access: u32,
    pub hours: Vec<Interval>,
}

/// Packs places into the blob form.
pub(crate) fn encode(places: &[Place]) -> Vec<u8> {
    let mut b = Vec::with_capacity(3 + places.len() * 32);
    b.push(VERSION);
    b.extend((places.len().min(usize::from(u16::MAX)) as u16).to_le_bytes());
    for p in places.iter().take(usize::from(u16::MAX)) {
        b.extend(p.lat.unwrap_or(f64::NAN).to_le_bytes());
        b.extend(p.lon.unwrap_or(f64::NAN).to_le_bytes());
        b.extend(p.access.to_le_bytes());
        b.extend((p.hours.len().min(usize::from(u16::MAX)) as u16).to_le_bytes());
        for i in p.hours.iter().take(usize::from(u16::MAX)) {
            b.push(i.days);
            b.extend(i.opens.to_le_bytes());
            b.extend(i.closes.to_le_bytes());
            b.extend(i.from_day.unwrap_or(i32::MIN).to_le_bytes());
            b.extend(i.to_day.unwrap_or(i32::MAX).to_le_bytes());
        }
    }
    b
}

/// One place read from a blob, borrowing its hours.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlaceRef<'a> {
    pub index: usize,
    pub lat: f64,
    pub lon: f64,
    pub access: u32,
    hours: &'a [u8],
}

impl PlaceRef<'_> {
    /// Coordinates, if the place has them.
    pub(crate) fn point(&self) -> Option<(f64, f64)> {
        (!self.lat.is_nan() && !self.lon.is_nan()).then_some((self.lat, self.lon))
    }

    /// Whether opening hours are known.
    pub(crate) fn has_hours(&self) -> bool {
        !self.hours.is_empty()
    }

    /// Whether the place is open at `m`.
    pub(crate) fn open_at(&self, m: Moment) -> bool {
        self.hours.chunks_exact(PERIOD_BYTES).any(|c| {
            let i = Interval {
                days: c[0],
                opens: u16::from_le_bytes([c[1], c[2]]),
                closes: u16::from_le_bytes([c[3], c[4]]),
                from_day: Some(i32::from_le_bytes([c[5], c[6], c[7], c[8]])),
                to_day: Some(i32::from_le_bytes([c[9], c[10], c[11], c[12]])),
            };
            i.contains(m)
        })
    }
}

/// Iterates the places of a blob. A damaged blob ends the iteration early instead of failing:
/// it is derived state, and the next refresh rewrites it.
pub(crate) struct Places<'a> {
    buf: &'a [u8],
    left: u16,
    index: usize,
}

impl<'a> Places<'a> {
    pub(crate) fn new(blob: &'a [u8]) -> Self {
        match blob {
            [VERSION, a, b, rest @ ..] => Self {
                buf: rest,
                left: u16::from_le_bytes([*a, *b]),
                index: 0,
            },
            _ => Self {
                buf: &[],
                left: 0,
                index: 0,
            },
        }
    }
}

impl<'a> Iterator for Places<'a> {
    type Item = PlaceRef<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 || self.buf.len() < 22 {
            return None;
        }
        let f = |s: &[u8]| f64::from_le_bytes(s.try_into().unwrap_or([0; 8]));
        let lat = f(&self.buf[0..8]);
        let lon = f(&self.buf[8..16]);
        let access = u32::from_le_bytes(self.buf[16..20].try_into().unwrap_or([0; 4]));
        let n = usize::from(u16::from_le_bytes([self.buf[20], self.buf[21]]));
        let end = 22 + n * PERIOD_BYTES;
        let hours = self.buf.get(22..end)?;
        self.buf = &self.buf[end..];
        self.left -= 1;
        self.index += 1;
        Some(PlaceRef {
            index: self.index - 1,
            lat,
            lon,
            access,
            hours,
        })
    }
}

/// Folds a name for sorting: lower case, common Latin accents removed.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'æ' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'œ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' | 'ý' => 'y',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

fn intervals(c: &Connection, column: &str, owner: &str) -> Result<Vec<Interval>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT days, opens_at, closes_at, valid_from, valid_to FROM dir_schedule
         WHERE {column} = ?1 ORDER BY position"
    ))?;
    let rows = stmt.query_map([owner], |r| {
        Ok((
            r.get::<_, u8>(0)?,
            r.get::<_, u16>(1)?,
            r.get::<_, u16>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (days, opens, closes, from, to) = row?;
        let day = |d: Option<String>| d.and_then(|d| parse_date("valid", &d).ok()).map(day_number);
        out.push(Interval {
            days,
            opens,
            closes,
            from_day: day(from),
            to_day: day(to),
        });
    }
    Ok(out)
}

fn remove(c: &Connection, service_id: &str) -> Result<()> {
    let doc: Option<i64> = c
        .prepare_cached("SELECT doc FROM dir_search WHERE service_id = ?1")?
        .query_row([service_id], |r| r.get(0))
        .optional()?;
    if let Some(doc) = doc {
        super::cache::bump(c)?;
        c.prepare_cached("DELETE FROM dir_fts WHERE rowid = ?1")?
            .execute([doc])?;
        c.prepare_cached("DELETE FROM dir_search WHERE doc = ?1")?
            .execute([doc])?;
    }
    Ok(())
}

/// Removes a service from the index (before the service row itself is deleted).
pub(crate) fn unindex(c: &Connection, service_id: &str) -> Result<()> {
    remove(c, service_id)
}

/// A service's own columns the index needs.
type ServiceRow = (
    String,
    Option<String>,
    String,
    i64,
    i64,
    String,
    Option<String>,
    ServiceStatus,
    Option<i64>,
    Option<String>,
);

/// A service-at-location row with its location's coordinates, features, name and address.
type PlaceRow = (
    String,
    String,
    Option<f64>,
    Option<f64>,
    u32,
    Option<String>,
    Option<String>,
);

/// A service's places and the words describing them, by the hours precedence above.
fn places_of(
    c: &Connection,
    service_id: &str,
    service_hours: &[Interval],
    closed: bool,
) -> Result<(Vec<Place>, Vec<String>)> {
    let never = || {
        vec![Interval {
            days: 0,
            opens: 0,
            closes: 0,
            from_day: None,
            to_day: None,
        }]
    };
    let sals: Vec<PlaceRow> = c
        .prepare_cached(
            "SELECT sal.id, l.id, l.latitude, l.longitude, l.access_features, l.name, l.address
             FROM dir_service_at_location sal JOIN dir_location l ON l.id = sal.location_id
             WHERE sal.service_id = ?1 ORDER BY sal.position, sal.id",
        )?
        .query_map([service_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut places = Vec::new();
    let mut words = Vec::new();
    for (sal_id, loc_id, lat, lon, access, loc_name, address) in sals {
        let mut hours = intervals(c, "service_at_location_id", &sal_id)?;
        if hours.is_empty() {
            hours = service_hours.to_vec();
        }
        if hours.is_empty() {
            hours = intervals(c, "location_id", &loc_id)?;
        }
        places.push(Place {
            lat,
            lon,
            access,
            hours: if closed { never() } else { hours },
        });
        words.extend(loc_name);
        if let Some(a) =
            address.and_then(|a| serde_json::from_str::<super::model::NAddress>(&a).ok())
        {
            words.push(a.address_1);
            words.push(a.city);
            words.extend(a.postal_code);
        }
    }
    if places.is_empty() {
        places.push(Place {
            lat: None,
            lon: None,
            access: 0,
            hours: if closed {
                never()
            } else {
                service_hours.to_vec()
            },
        });
    }
    Ok((places, words))
}

/// Rebuilds the index rows of `service_id` from the directory rows.
pub(crate) fn refresh(c: &Connection, service_id: &str) -> Result<()> {
    type Row = ServiceRow;
    let row: Option<Row> = c
        .prepare_cached(
            "SELECT s.name, s.alternate_name, s.description, s.categories, s.dimensions, s.languages,
                    s.fees, s.status, s.verified_at, o.name
             FROM dir_service s LEFT JOIN dir_organization o ON o.id = s.organization_id WHERE s.id = ?1",
        )?
        .query_row([service_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })
        .optional()?;
    let Some((
        name,
        alternate,
        description,
        categories,
        dimensions,
        languages,
        fees,
        status,
        verified_at,
        org,
    )) = row
    else {
        return remove(c, service_id);
    };
    if matches!(status, ServiceStatus::Inactive | ServiceStatus::Defunct) {
        // Not offered: reachable by id (a bookmark), never in search results.
        return remove(c, service_id);
    }
    // A service closed for a while is open at no hour, whatever its usual hours say.
    let closed = status == ServiceStatus::TemporarilyClosed;
    let service_hours = intervals(c, "service_id", service_id)?;
    let (places, place_text) = places_of(c, service_id, &service_hours, closed)?;
    let category_text = super::taxonomy::from_bits(Category::ALL, categories)
        .iter()
        .map(|c| {
            let (fr, en) = c.labels();
            format!("{fr} {en}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let langs: Vec<String> = serde_json::from_str(&languages).unwrap_or_default();
    let langs = langs.iter().fold(String::from(" "), |mut s, l| {
        let primary = l.split('-').next().unwrap_or(l).to_ascii_lowercase();
        s.push_str(&primary);
        s.push(' ');
        s
    });
    let existing: Option<i64> = c
        .prepare_cached("SELECT doc FROM dir_search WHERE service_id = ?1")?
        .query_row([service_id], |r| r.get(0))
        .optional()?;
    let blob = encode(&places);
    super::cache::bump(c)?;
    let doc = if let Some(doc) = existing {
        c.prepare_cached("DELETE FROM dir_fts WHERE rowid = ?1")?
            .execute([doc])?;
        c.prepare_cached(
            "UPDATE dir_search SET sort_key = ?2, categories = ?3, dimensions = ?4, languages = ?5,
                   fees = ?6, status = ?7, verified_at = ?8, places = ?9 WHERE doc = ?1",
        )?
        .execute(params![
            doc,
            fold(&name),
            categories,
            dimensions,
            langs,
            fees,
            status,
            verified_at,
            blob
        ])?;
        doc
    } else {
        c.prepare_cached(
                "INSERT INTO dir_search (service_id, sort_key, categories, dimensions, languages, fees, status,
                   verified_at, places) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![service_id, fold(&name), categories, dimensions, langs, fees, status, verified_at, blob])?;
        c.last_insert_rowid()
    };
    c.prepare_cached(
        "INSERT INTO dir_fts (rowid, name, alternate_name, organization, categories, description, place)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![doc, name, alternate, org, category_text, description, place_text.join(" ")])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_round_trip_through_the_blob() {
        let places = vec![
            Place {
                lat: Some(45.75),
                lon: Some(4.85),
                access: 0b101,
                hours: vec![Interval {
                    days: 0b11111,
                    opens: 540,
                    closes: 1020,
                    from_day: None,
                    to_day: Some(20_000),
                }],
            },
            Place {
                lat: None,
                lon: None,
                access: 0,
                hours: vec![],
            },
        ];
        let blob = encode(&places);
        let read: Vec<PlaceRef<'_>> = Places::new(&blob).collect();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].point(), Some((45.75, 4.85)));
        assert_eq!(read[0].access, 0b101);
        let monday_10h = Moment {
            day: 19_000,
            weekday_bit: 1,
            minute: 600,
        };
        assert!(read[0].open_at(monday_10h));
        assert!(!read[0].open_at(Moment {
            day: 20_001,
            ..monday_10h
        }));
        assert_eq!(read[1].point(), None);
        assert!(!read[1].has_hours());
        // A truncated blob yields what it can, never panics.
        assert_eq!(Places::new(&blob[..30]).count(), 0);
        assert_eq!(Places::new(&[]).count(), 0);
    }

    #[test]
    fn names_fold_for_sorting() {
        assert_eq!(fold("Écoute Aidants Œuvre"), "ecoute aidants ouvre");
    }
}
