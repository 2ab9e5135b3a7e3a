//! What every importer shares: reading fields out of JSON objects with typed errors, the
//! normalising rules for texts, phones, hours, languages and taxonomy terms, and the parsed
//! dataset with its per-record rejections and warnings.

use serde_json::{Map, Value};

use super::model::{
    FIELD_MAX, ITEMS_MAX, NPhone, NSchedule, RecordKind, SOURCE_ID_MAX, TaxonomyTerm,
};
use super::schedule::{check_period, parse_byday, parse_clock, parse_date};
use super::taxonomy::{
    AccessFeature, Category, Fees, TAXONOMY_ACCESS, TAXONOMY_CATEGORY, TAXONOMY_DATA_INCLUSION,
    TAXONOMY_DIMENSION, TAXONOMY_FEES, category_for_thematique,
};
use crate::error::{Error, Problem, Result};
use crate::model::dimension::Dimension;
use crate::validate::{language_list, optional_text};

/// Why an import kept a record but not all of it, or kept something it does not understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ImportWarningKind {
    /// A taxonomy term (category, thématique, attribute) this build does not know: kept with
    /// the record as it came and exported again, but not used by the filters.
    UnknownTaxonomyTerm,
    /// Opening hours the weekly model cannot hold (monthly rules, holidays, no days or times):
    /// not imported.
    HoursNotImported,
    /// A language given without a code: not imported.
    LanguageNotImported,
    /// A second address of a location: only the first is kept.
    AddressNotImported,
}

/// One warning of an import report.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ImportWarning {
    /// The kind of record it concerns.
    pub kind: RecordKind,
    /// The record's id in the source.
    pub source_id: String,
    /// What happened.
    pub warning: ImportWarningKind,
    /// The code or value concerned (public directory data, at most 200 characters).
    pub detail: String,
}

/// A record as parsed: usable, or refused with the error that says why.
#[derive(Debug)]
pub(crate) enum Parsed<T> {
    Ok(T),
    Rejected { source_id: String, error: Error },
}

/// Everything a file held, before it meets the store.
#[derive(Debug, Default)]
pub(crate) struct Dataset {
    pub orgs: Vec<Parsed<super::model::NOrg>>,
    pub locations: Vec<Parsed<super::model::NLocation>>,
    pub services: Vec<Parsed<super::model::NService>>,
    pub warnings: Vec<ImportWarning>,
}

/// Collects the warnings of one record while it is parsed.
#[derive(Debug)]
pub(crate) struct Notes<'a> {
    pub kind: RecordKind,
    pub source_id: &'a str,
    pub out: Vec<ImportWarning>,
}

impl<'a> Notes<'a> {
    pub(crate) fn new(kind: RecordKind, source_id: &'a str) -> Self {
        Self {
            kind,
            source_id,
            out: Vec::new(),
        }
    }

    pub(crate) fn warn(&mut self, warning: ImportWarningKind, detail: &str) {
        self.out.push(ImportWarning {
            kind: self.kind,
            source_id: self.source_id.to_owned(),
            warning,
            detail: detail.chars().take(200).collect(),
        });
    }
}

/// A JSON object with typed field access: a field of the wrong type is `Malformed`, a missing
/// required one `Empty`, each named by `field` as in the docs (`service.name`).
#[derive(Clone, Copy)]
pub(crate) struct Obj<'a>(pub &'a Map<String, Value>);

impl<'a> Obj<'a> {
    /// `value` as an object, or `Malformed` for `field`.
    pub(crate) fn of(field: &'static str, value: &'a Value) -> Result<Self> {
        value
            .as_object()
            .map(Obj)
            .ok_or(Error::invalid(field, Problem::Malformed))
    }

    pub(crate) fn has(self, key: &str) -> bool {
        self.0.get(key).is_some_and(|v| !v.is_null())
    }

    /// A string (numbers are accepted and written out: CSV and some producers type loosely).
    pub(crate) fn raw(self, key: &str, field: &'static str) -> Result<Option<String>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(Error::invalid(field, Problem::Malformed)),
        }
    }

    /// Optional text, trimmed, at most `max` characters.
    pub(crate) fn text(self, key: &str, field: &'static str, max: usize) -> Result<Option<String>> {
        optional_text(field, self.raw(key, field)?.as_deref(), max)
    }

    /// Required text.
    pub(crate) fn required(self, key: &str, field: &'static str, max: usize) -> Result<String> {
        self.text(key, field, max)?
            .ok_or(Error::invalid(field, Problem::Empty))
    }

    /// A required record id.
    pub(crate) fn id(self, field: &'static str) -> Result<String> {
        self.required("id", field, SOURCE_ID_MAX)
    }

    /// A number (or a numeric string).
    pub(crate) fn number(self, key: &str, field: &'static str) -> Result<Option<f64>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or(Error::invalid(field, Problem::Malformed)),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| Error::invalid(field, Problem::Malformed)),
            Some(_) => Err(Error::invalid(field, Problem::Malformed)),
        }
    }

    /// An array of values (absent is empty), at most [`ITEMS_MAX`].
    pub(crate) fn array(self, key: &str, field: &'static str) -> Result<&'a [Value]> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) if a.len() > ITEMS_MAX => {
                Err(Error::invalid(field, Problem::TooMany { max: ITEMS_MAX }))
            }
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(Error::invalid(field, Problem::Malformed)),
        }
    }

    /// A nested object, if present.
    pub(crate) fn object(self, key: &str, field: &'static str) -> Result<Option<Obj<'a>>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => Obj::of(field, v).map(Some),
        }
    }
}

/// A phone from an HSDS `phone` object.
pub(crate) fn phone(o: Obj<'_>) -> Result<NPhone> {
    Ok(NPhone {
        source_id: o.id("phone.id")?,
        number: o.required("number", "phone.number", 40)?,
        extension: o.text("extension", "phone.extension", 20)?,
        kind: o.text("type", "phone.type", 20)?,
        description: o.text("description", "phone.description", FIELD_MAX)?,
    })
}

/// Phones from an HSDS `phones` array; the same id twice under one owner is `Duplicate`.
pub(crate) fn phones(o: Obj<'_>) -> Result<Vec<NPhone>> {
    let mut out: Vec<NPhone> = Vec::new();
    for v in o.array("phones", "phones")? {
        let p = phone(Obj::of("phones", v)?)?;
        if out.iter().any(|q| q.source_id == p.source_id) {
            return Err(Error::invalid("phone.id", Problem::Duplicate));
        }
        out.push(p);
    }
    Ok(out)
}

/// A weekly schedule from an HSDS `schedule` object. `Ok(None)` (with a warning) when the
/// weekly model cannot hold it; closing at or before opening is an error.
pub(crate) fn schedule(o: Obj<'_>, notes: &mut Notes<'_>) -> Result<Option<NSchedule>> {
    let source_id = o.id("schedule.id")?;
    let valid_from = o
        .raw("valid_from", "schedule.valid_from")?
        .map(|d| parse_date("schedule.valid_from", &d))
        .transpose()?;
    let valid_to = o
        .raw("valid_to", "schedule.valid_to")?
        .map(|d| parse_date("schedule.valid_to", &d))
        .transpose()?;
    if let (Some(f), Some(t)) = (valid_from, valid_to) {
        if t < f {
            return Err(Error::invalid("schedule.valid_to", Problem::OutOfOrder));
        }
    }
    let opens = o
        .raw("opens_at", "schedule.opens_at")?
        .map(|t| parse_clock("schedule.opens_at", &t))
        .transpose()?;
    let closes = o
        .raw("closes_at", "schedule.closes_at")?
        .map(|t| parse_clock("schedule.closes_at", &t))
        .transpose()?;
    if let (Some(op), Some(cl)) = (opens, closes) {
        check_period(op, cl)?;
    }
    let freq = o
        .raw("freq", "schedule.freq")?
        .map(|f| f.to_ascii_uppercase());
    let interval = o.number("interval", "schedule.interval")?.unwrap_or(1.0);
    let days = match o.raw("byday", "schedule.byday")? {
        Some(b) => parse_byday(&b)?,
        None => None,
    };
    let weekly =
        freq.as_deref().is_none_or(|f| f == "WEEKLY") && (interval - 1.0).abs() < f64::EPSILON;
    let fits = weekly && !o.has("byweekno") && !o.has("bymonthday") && !o.has("byyearday");
    if let (true, Some(days), Some(opens), Some(closes)) = (fits, days, opens, closes) {
        Ok(Some(NSchedule {
            source_id,
            days,
            opens,
            closes,
            valid_from: valid_from.map(|d| d.format("%Y-%m-%d").to_string()),
            valid_to: valid_to.map(|d| d.format("%Y-%m-%d").to_string()),
            description: o.text("description", "schedule.description", FIELD_MAX)?,
        }))
    } else {
        notes.warn(ImportWarningKind::HoursNotImported, &source_id);
        Ok(None)
    }
}

/// Schedules from an HSDS `schedules` array.
pub(crate) fn schedules(o: Obj<'_>, notes: &mut Notes<'_>) -> Result<Vec<NSchedule>> {
    let mut out: Vec<NSchedule> = Vec::new();
    for v in o.array("schedules", "schedules")? {
        if let Some(s) = schedule(Obj::of("schedules", v)?, notes)? {
            if out.iter().any(|q| q.source_id == s.source_id) {
                return Err(Error::invalid("schedule.id", Problem::Duplicate));
            }
            out.push(s);
        }
    }
    Ok(out)
}

/// Language tags from an HSDS `languages` array (codes; entries without one are warned about).
pub(crate) fn languages(o: Obj<'_>, notes: &mut Notes<'_>) -> Result<Vec<String>> {
    let mut codes: Vec<String> = Vec::new();
    for v in o.array("languages", "languages")? {
        let l = Obj::of("languages", v)?;
        if let Some(code) = l.text("code", "language.code", 35)? {
            if !codes.iter().any(|c| c.eq_ignore_ascii_case(&code)) {
                codes.push(code);
            }
        } else {
            let name = l.text("name", "language.name", 100)?.unwrap_or_default();
            notes.warn(ImportWarningKind::LanguageNotImported, &name);
        }
    }
    normalise_languages(codes)
}

/// Checks and normalises language tags, dropping repeats.
pub(crate) fn normalise_languages(mut codes: Vec<String>) -> Result<Vec<String>> {
    let mut seen: Vec<String> = Vec::new();
    codes.retain(|c| {
        let k = c.to_ascii_lowercase();
        let new = !seen.contains(&k);
        seen.push(k);
        new
    });
    if codes.len() > 20 {
        codes.truncate(20);
    }
    language_list("languages", &codes)
}

/// A taxonomy term from an HSDS `attribute` object (or its flattened CSV row).
pub(crate) fn term(o: Obj<'_>) -> Result<TaxonomyTerm> {
    let t = o
        .object("taxonomy_term", "attribute.taxonomy_term")?
        .ok_or(Error::invalid("attribute.taxonomy_term", Problem::Empty))?;
    let taxonomy = match t.text("taxonomy", "taxonomy_term.taxonomy", FIELD_MAX)? {
        Some(name) => name,
        None => t
            .object("taxonomy_detail", "taxonomy_term.taxonomy_detail")?
            .map(|d| d.text("name", "taxonomy.name", FIELD_MAX))
            .transpose()?
            .flatten()
            .unwrap_or_default(),
    };
    Ok(TaxonomyTerm {
        taxonomy,
        code: t
            .text("code", "taxonomy_term.code", FIELD_MAX)?
            .or(t.text("name", "taxonomy_term.name", FIELD_MAX)?)
            .ok_or(Error::invalid("taxonomy_term.code", Problem::Empty))?,
        name: t.text("name", "taxonomy_term.name", FIELD_MAX)?,
    })
}

/// What a service's terms say once sorted into the directory's vocabularies.
#[derive(Debug, Default)]
pub(crate) struct ServiceTerms {
    pub categories: Vec<Category>,
    pub dimensions: Vec<Dimension>,
    pub fees: Option<Fees>,
    pub kept: Vec<TaxonomyTerm>,
}

/// Sorts a service's terms: known codes of our taxonomies and mapped data·inclusion thématiques
/// become values; anything else is kept as it came and warned about.
pub(crate) fn service_terms(terms: Vec<TaxonomyTerm>, notes: &mut Notes<'_>) -> ServiceTerms {
    let mut out = ServiceTerms::default();
    for t in terms {
        let known = match t.taxonomy.as_str() {
            TAXONOMY_CATEGORY => Category::parse(&t.code)
                .map(|c| out.categories.push(c))
                .is_ok(),
            TAXONOMY_DIMENSION => Dimension::parse(&t.code)
                .map(|d| out.dimensions.push(d))
                .is_ok(),
            TAXONOMY_FEES => Fees::parse(&t.code)
                .map(|f| out.fees = out.fees.or(Some(f)))
                .is_ok(),
            TAXONOMY_DATA_INCLUSION => category_for_thematique(&t.code)
                .map(|c| out.categories.push(c))
                .is_some(),
            _ => false,
        };
        if !known {
            notes.warn(
                ImportWarningKind::UnknownTaxonomyTerm,
                &format!("{}:{}", t.taxonomy, t.code),
            );
            if !out.kept.contains(&t) {
                out.kept.push(t);
            }
        }
    }
    out.categories.sort();
    out.categories.dedup();
    out.dimensions.sort();
    out.dimensions.dedup();
    if out.dimensions.is_empty() {
        out.dimensions = out
            .categories
            .iter()
            .flat_map(|c| c.dimensions().iter().copied())
            .collect();
        out.dimensions.sort();
        out.dimensions.dedup();
    }
    out
}

/// Sorts a location's terms: accessibility codes become features; the rest is kept and warned.
pub(crate) fn location_terms(
    terms: Vec<TaxonomyTerm>,
    notes: &mut Notes<'_>,
) -> (Vec<AccessFeature>, Vec<TaxonomyTerm>) {
    let mut features = Vec::new();
    let mut kept: Vec<TaxonomyTerm> = Vec::new();
    for t in terms {
        let parsed = (t.taxonomy == TAXONOMY_ACCESS)
            .then(|| AccessFeature::parse(&t.code).ok())
            .flatten();
        if let Some(f) = parsed {
            features.push(f);
        } else {
            notes.warn(
                ImportWarningKind::UnknownTaxonomyTerm,
                &format!("{}:{}", t.taxonomy, t.code),
            );
            if !kept.contains(&t) {
                kept.push(t);
            }
        }
    }
    features.sort();
    features.dedup();
    (features, kept)
}

/// Parses a whole JSON document, mapping a syntax error to `Invalid { file, Malformed }`.
pub(crate) fn json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|_| Error::invalid("file", Problem::Malformed))
}
