//! Input rules shared by every record: text sizes, list sizes, numeric ranges, language tags
//! and ids. The limits are part of the public contract (README, "Input limits").

use crate::error::{Error, Problem, Result};

/// A person's display name.
pub const NAME_MAX: usize = 80;
/// Short free text: an area, an availability, a team, a course title.
pub const SHORT_TEXT_MAX: usize = 120;
/// A check-in's notes.
pub const NOTES_MAX: usize = 4_000;
/// Matching notes, follow-up actions, concern summaries, reasons.
pub const MEDIUM_TEXT_MAX: usize = 1_000;
/// Items in a list field (goals, languages, needs, resources shared).
pub const LIST_MAX: usize = 20;

/// Trims `text` and checks it is non-empty and at most `max` characters.
pub(crate) fn required_text(field: &'static str, text: &str, max: usize) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(field, Problem::Empty));
    }
    bounded(field, t, max)
}

/// Trims `text`; empty becomes `None`; otherwise at most `max` characters.
pub(crate) fn optional_text(
    field: &'static str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => bounded(field, t, max).map(Some),
    }
}

/// Trims `text`, which may be empty, and checks its length.
pub(crate) fn free_text(field: &'static str, text: &str, max: usize) -> Result<String> {
    bounded(field, text.trim(), max)
}

fn bounded(field: &'static str, t: &str, max: usize) -> Result<String> {
    if t.chars().count() > max {
        return Err(Error::invalid(field, Problem::TooLong { max }));
    }
    // NUL and other C0 controls (except tab and newlines) never belong in what people type.
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::invalid(field, Problem::Malformed));
    }
    Ok(t.to_owned())
}

/// A list of short texts: at most [`LIST_MAX`] items, each required and at most `item_max`,
/// no repeats.
pub(crate) fn text_list(
    field: &'static str,
    items: &[String],
    item_max: usize,
) -> Result<Vec<String>> {
    if items.len() > LIST_MAX {
        return Err(Error::invalid(field, Problem::TooMany { max: LIST_MAX }));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let t = required_text(field, item, item_max)?;
        if out.contains(&t) {
            return Err(Error::invalid(field, Problem::Duplicate));
        }
        out.push(t);
    }
    Ok(out)
}

/// Language tags as BCP 47 "language[-subtags]" (`fr`, `en-GB`, `oc`), lower-cased primary.
pub(crate) fn language_list(field: &'static str, tags: &[String]) -> Result<Vec<String>> {
    let tags = text_list(field, tags, 35)?;
    tags.into_iter()
        .map(|t| {
            let mut parts = t.split('-');
            let primary = parts.next().unwrap_or_default();
            let primary_ok = (2..=3).contains(&primary.len())
                && primary.bytes().all(|b| b.is_ascii_alphabetic());
            let rest_ok = parts.all(|p| {
                (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric())
            });
            if primary_ok && rest_ok {
                let (head, tail) = t.split_at(primary.len());
                Ok(format!("{}{tail}", head.to_ascii_lowercase()))
            } else {
                Err(Error::invalid(field, Problem::Malformed))
            }
        })
        .collect()
}

/// Checks `value` lies in `min..=max`.
pub(crate) fn in_range(field: &'static str, value: i64, min: i64, max: i64) -> Result<()> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(Error::invalid(field, Problem::OutOfRange { min, max }))
    }
}

/// A fresh record id: UUIDv7, so ids made on different devices sort by creation time.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Parses an id given by the app or the network, returning its canonical lower-case form.
pub fn parse_id(field: &'static str, id: &str) -> Result<String> {
    uuid::Uuid::try_parse(id.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| Error::invalid(field, Problem::Malformed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(required_text("f", "  Ana  ", 10).unwrap(), "Ana");
        assert!(matches!(
            required_text("f", "   ", 10),
            Err(Error::Invalid {
                problem: Problem::Empty,
                ..
            })
        ));
        assert!(matches!(
            required_text("f", "ééééé", 4),
            Err(Error::Invalid {
                problem: Problem::TooLong { max: 4 },
                ..
            })
        ));
        assert!(matches!(
            required_text("f", "a\0b", 4),
            Err(Error::Invalid {
                problem: Problem::Malformed,
                ..
            })
        ));
        assert_eq!(optional_text("f", Some("  "), 4).unwrap(), None);
    }

    #[test]
    fn languages_are_checked_and_normalised() {
        let ok = language_list("languages", &["FR".into(), "en-GB".into()]).unwrap();
        assert_eq!(ok, vec!["fr", "en-GB"]);
        assert!(language_list("languages", &["français".into()]).is_err());
        assert!(language_list("languages", &["fr".into(), "fr".into()]).is_err());
    }

    #[test]
    fn ids_must_be_uuids() {
        let id = new_id();
        assert_eq!(parse_id("id", &id.to_uppercase()).unwrap(), id);
        assert!(parse_id("id", "42").is_err());
    }
}
