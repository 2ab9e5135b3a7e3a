//! Reads a pulled row's JSON straight into its columns, in the order of
//! [`spec::column_checks`] (which is also the order of the collection's upsert statement): no
//! map per row and no key strings allocated. An initial sync reads 100,000 rows, and building
//! a map of twenty-odd owned keys for each one, only to take the values out again, was the
//! largest cost of reading them.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value as Json;

use super::spec::{self, ColumnCheck};
use crate::error::Error;
use crate::store::rows::Collection;

/// A row's values in column order; a column the row did not send holds null and is not `sent`.
pub(crate) struct ColumnRow {
    /// One value per column.
    pub(crate) values: Vec<Json>,
    /// Whether the row sent each column.
    pub(crate) sent: Vec<bool>,
}

/// Reads `raw`, a row of `collection`, and checks it as a whole row ([`spec::check_row`]).
pub(crate) fn read_checked(collection: Collection, raw: &str) -> Result<ColumnRow, ReadFailure> {
    let checks = spec::column_checks(collection);
    let mut de = serde_json::Deserializer::from_str(raw);
    let (row, unknown) = RowSeed { checks }
        .deserialize(&mut de)
        .and_then(|row| de.end().map(|()| row))
        .map_err(|_| ReadFailure::NotAnObject)?;
    if let Some(name) = unknown {
        return Err(ReadFailure::UnknownField(name));
    }
    spec::check_columns(collection, true, |i| row.sent[i].then(|| &row.values[i]))
        .map_err(ReadFailure::Invalid)?;
    Ok(row)
}

/// Why a row was not taken.
pub(crate) enum ReadFailure {
    /// Not a JSON object at all.
    NotAnObject,
    /// An object with a field this build does not know (a newer app wrote it): the first one.
    UnknownField(String),
    /// A value broke the collection's rules.
    Invalid(Error),
}

impl ReadFailure {
    /// A sentence without personal data, for the sync issue the device records.
    pub(crate) fn reason(&self) -> String {
        match self {
            Self::NotAnObject => "not a JSON object".to_owned(),
            Self::UnknownField(name) => Error::unknown_code("field", name).to_string(),
            Self::Invalid(e) => e.to_string(),
        }
    }
}

/// The position of `name` among the columns of `collection`.
pub(crate) fn position(collection: Collection, name: &str) -> Option<usize> {
    spec::column_checks(collection)
        .iter()
        .position(|(column, _)| *column == name)
}

struct RowSeed {
    checks: &'static [(&'static str, ColumnCheck)],
}

impl<'de> DeserializeSeed<'de> for RowSeed {
    type Value = (ColumnRow, Option<String>);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed {
    type Value = (ColumnRow, Option<String>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let n = self.checks.len();
        let mut row = ColumnRow {
            values: vec![Json::Null; n],
            sent: vec![false; n],
        };
        let mut unknown = None;
        let mut next = 0;
        while let Some(slot) = map.next_key_seed(KeySeed {
            checks: self.checks,
            from: next,
        })? {
            match slot {
                Slot::Column(i) => {
                    // A repeated key keeps its last value, as a map would.
                    row.values[i] = map.next_value()?;
                    row.sent[i] = true;
                    next = i + 1;
                }
                Slot::Unknown(name) => {
                    map.next_value::<IgnoredAny>()?;
                    unknown.get_or_insert(name);
                }
            }
        }
        Ok((row, unknown))
    }
}

enum Slot {
    Column(usize),
    Unknown(String),
}

/// Finds a key among the columns, trying first the column after the previous key's: rows
/// usually list their fields in column order, so most keys match at the first comparison.
struct KeySeed {
    checks: &'static [(&'static str, ColumnCheck)],
    from: usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Slot;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Slot, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Slot, E> {
        let n = self.checks.len();
        Ok((0..n)
            .map(|k| (self.from + k) % n)
            .find(|&i| self.checks[i].0 == key)
            .map_or_else(|| Slot::Unknown(key.to_owned()), Slot::Column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkin(extra: &str) -> String {
        let id = crate::validate::new_id();
        format!(
            r#"{{"hlc": 7, "id": "{id}", "checkin_id": "{id}", "version": 1, "supersedes": null,
            "mentorship_id": "{id}", "author_id": "{id}", "occurred_at": 1772442000000,
            "mode": "phone", "duration_minutes": 20, "reached": "survivor", "dimensions": 3,
            "wellbeing": null, "notes": "", "resources_shared": "[]", "follow_up_action": null,
            "follow_up_due": null, "follow_up_done_at": null, "amendment_reason": null,
            "planned_contact_id": null,
            "created_at": 1772442000000, "origin": "{id}"{extra}}}"#
        )
    }

    #[test]
    fn a_row_is_read_into_column_order_and_agrees_with_the_map_check() {
        let raw = checkin("");
        let row = read_checked(Collection::CheckIn, &raw).ok().unwrap();
        let map: crate::sync::protocol::WireRow = serde_json::from_str(&raw).unwrap();
        spec::check_row(Collection::CheckIn, &map, true).unwrap();
        for (i, name) in spec::columns(Collection::CheckIn).iter().enumerate() {
            assert_eq!(Some(&row.values[i]), map.get(*name), "{name}");
            assert!(row.sent[i]);
        }
        assert_eq!(
            position(Collection::CheckIn, "hlc"),
            Some(row.values.len() - 1)
        );
    }

    #[test]
    fn unreadable_unknown_and_invalid_rows_are_told_apart() {
        let reason = |raw: &str| match read_checked(Collection::CheckIn, raw) {
            Ok(_) => None,
            Err(failure) => Some(failure.reason()),
        };
        assert_eq!(reason("[1, 2]").as_deref(), Some("not a JSON object"));
        assert_eq!(reason("{\"id\": ").as_deref(), Some("not a JSON object"));
        let unknown = reason(&checkin(r#", "favourite_colour": "blue""#)).unwrap();
        assert!(unknown.contains("field"), "{unknown}");
        let invalid = checkin("").replace("\"phone\"", "\"carrier pigeon\"");
        assert!(reason(&invalid).is_some());
        let missing = checkin("").replace(r#""mode": "phone","#, "");
        let map: crate::sync::protocol::WireRow = serde_json::from_str(&missing).unwrap();
        assert_eq!(
            reason(&missing),
            spec::check_row(Collection::CheckIn, &map, true)
                .err()
                .map(|e| e.to_string()),
            "the same verdict as the map check"
        );
    }
}
