//! HSDS's tabular form: one CSV file per table (`services.csv`, `organizations.csv`,
//! `locations.csv`, `service_at_location.csv`, `phones.csv`, `schedules.csv`, `languages.csv`,
//! `accessibility.csv`, `addresses.csv`, `attributes.csv`, `taxonomy_terms.csv`,
//! `taxonomies.csv`, `cost_options.csv`). The rows are joined back into the nested JSON form
//! and read by the JSON importer, so both forms follow exactly the same rules.
//!
//! Tables the directory does not use (contacts, funding, programs, ...) are ignored.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::csv::{self, CsvTable};
use super::parse::Dataset;
use crate::error::{Error, Problem, Result};

/// A table's rows as JSON objects keyed by their id, in file order.
struct Rows {
    order: Vec<String>,
    by_id: HashMap<String, Map<String, Value>>,
}

fn objects(t: &CsvTable, id_field: &'static str) -> Result<Rows> {
    let mut rows = Rows {
        order: Vec::new(),
        by_id: HashMap::new(),
    };
    for row in &t.rows {
        let mut m = Map::new();
        for (h, v) in t.headers.iter().zip(row) {
            if !v.trim().is_empty() {
                m.insert(h.clone(), Value::String(v.clone()));
            }
        }
        let id = t
            .get(row, "id")
            .ok_or(Error::invalid(id_field, Problem::Empty))?
            .trim()
            .to_owned();
        if rows.by_id.insert(id.clone(), m).is_some() {
            return Err(Error::invalid(id_field, Problem::Duplicate));
        }
        rows.order.push(id);
    }
    Ok(rows)
}

fn push(obj: &mut Map<String, Value>, key: &str, v: Value) {
    match obj.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(a) => a.push(v),
        other => *other = Value::Array(vec![v]),
    }
}

fn owner<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str).map(str::trim)
}

/// The tables, by HSDS file name.
struct Tables(HashMap<String, CsvTable>);

impl Tables {
    fn get(&self, names: &[&str]) -> Option<&CsvTable> {
        names.iter().find_map(|n| self.0.get(*n))
    }

    fn rows(&self, names: &[&str], id_field: &'static str) -> Result<Rows> {
        match self.get(names) {
            Some(t) => objects(t, id_field),
            None => Ok(Rows {
                order: Vec::new(),
                by_id: HashMap::new(),
            }),
        }
    }
}

/// Reads the tabular form from `(file name, content)` pairs.
// One pass per table, top to bottom, reads better than the same steps scattered.
#[allow(clippy::too_many_lines)]
pub(crate) fn parse(files: &[(String, String)]) -> Result<Dataset> {
    let mut tables = HashMap::new();
    for (name, content) in files {
        let base = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(name)
            .to_ascii_lowercase();
        let trimmed = content.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            return Err(Error::invalid("format", Problem::Malformed));
        }
        let table = csv::parse(content)?;
        if table.column("id").is_none() {
            return Err(Error::invalid("format", Problem::Malformed));
        }
        tables.insert(base, table);
    }
    let t = Tables(tables);
    if t.get(&["services.csv", "service.csv"]).is_none() {
        return Err(Error::invalid("format", Problem::Malformed));
    }
    let mut orgs = t.rows(
        &["organizations.csv", "organization.csv"],
        "organization.id",
    )?;
    let mut locations = t.rows(&["locations.csv", "location.csv"], "location.id")?;
    let mut services = t.rows(&["services.csv", "service.csv"], "service.id")?;
    let mut sals = t.rows(
        &["service_at_location.csv", "service_at_locations.csv"],
        "service_at_location.id",
    )?;

    // Taxonomy terms, named by their taxonomy (from taxonomies.csv when only an id is given).
    let taxonomies = t.rows(&["taxonomies.csv", "taxonomy.csv"], "taxonomy.id")?;
    let mut terms = t.rows(
        &["taxonomy_terms.csv", "taxonomy_term.csv"],
        "taxonomy_term.id",
    )?;
    for term in terms.by_id.values_mut() {
        if !term.contains_key("taxonomy") {
            let name = owner(term, "taxonomy_id")
                .and_then(|id| taxonomies.by_id.get(id))
                .and_then(|tx| tx.get("name").cloned());
            if let Some(name) = name {
                term.insert("taxonomy".into(), name);
            }
        }
    }
    let attributes = t.rows(&["attributes.csv", "attribute.csv"], "attribute.id")?;
    for id in &attributes.order {
        let a = &attributes.by_id[id];
        let term = owner(a, "taxonomy_term_id")
            .and_then(|tid| terms.by_id.get(tid))
            .ok_or(Error::invalid(
                "attribute.taxonomy_term_id",
                Problem::Malformed,
            ))?;
        let mut attr = Map::new();
        attr.insert("id".into(), Value::String(id.clone()));
        attr.insert("taxonomy_term".into(), Value::Object(term.clone()));
        let link =
            owner(a, "link_id").ok_or(Error::invalid("attribute.link_id", Problem::Empty))?;
        let entity = owner(a, "link_entity").unwrap_or("");
        let target = match entity {
            "service" => services.by_id.get_mut(link),
            "location" => locations.by_id.get_mut(link),
            "organization" => orgs.by_id.get_mut(link),
            _ => None,
        };
        let target = match target {
            Some(t) => Some(t),
            None if entity.is_empty() => services
                .by_id
                .get_mut(link)
                .or_else(|| locations.by_id.get_mut(link)),
            None => None,
        };
        let target = target.ok_or(Error::invalid("attribute.link_id", Problem::Malformed))?;
        push(target, "attributes", Value::Object(attr));
    }

    // Phones and schedules go to their most specific owner.
    let phones = t.rows(&["phones.csv", "phone.csv"], "phone.id")?;
    for id in &phones.order {
        let p = phones.by_id[id].clone();
        if let Some(x) = owner(&p, "service_at_location_id").and_then(|k| sals.by_id.get_mut(k)) {
            push(x, "phones", Value::Object(p));
        } else if let Some(x) = owner(&p, "location_id").and_then(|k| locations.by_id.get_mut(k)) {
            push(x, "phones", Value::Object(p));
        } else if let Some(x) = owner(&p, "service_id").and_then(|k| services.by_id.get_mut(k)) {
            push(x, "phones", Value::Object(p));
        } else if let Some(x) = owner(&p, "organization_id").and_then(|k| orgs.by_id.get_mut(k)) {
            push(x, "phones", Value::Object(p));
        } else if owner(&p, "contact_id").is_none() {
            return Err(Error::invalid("phone.service_id", Problem::Malformed));
        }
    }
    let schedules = t.rows(&["schedules.csv", "schedule.csv"], "schedule.id")?;
    for id in &schedules.order {
        let s = schedules.by_id[id].clone();
        if let Some(x) = owner(&s, "service_at_location_id").and_then(|k| sals.by_id.get_mut(k)) {
            push(x, "schedules", Value::Object(s));
        } else if let Some(x) = owner(&s, "location_id").and_then(|k| locations.by_id.get_mut(k)) {
            push(x, "schedules", Value::Object(s));
        } else if let Some(x) = owner(&s, "service_id").and_then(|k| services.by_id.get_mut(k)) {
            push(x, "schedules", Value::Object(s));
        } else {
            return Err(Error::invalid("schedule.service_id", Problem::Malformed));
        }
    }
    let languages = t.rows(&["languages.csv", "language.csv"], "language.id")?;
    for id in &languages.order {
        let l = languages.by_id[id].clone();
        if let Some(x) = owner(&l, "service_id").and_then(|k| services.by_id.get_mut(k)) {
            push(x, "languages", Value::Object(l));
        } else if let Some(x) = owner(&l, "location_id").and_then(|k| locations.by_id.get_mut(k)) {
            push(x, "languages", Value::Object(l));
        }
    }
    for (names, key, field) in [
        (
            &["addresses.csv", "address.csv"][..],
            "addresses",
            "address.location_id",
        ),
        (
            &["accessibility.csv"][..],
            "accessibility",
            "accessibility.location_id",
        ),
    ] {
        let rows = t.rows(names, field)?;
        for id in &rows.order {
            let r = rows.by_id[id].clone();
            let x = owner(&r, "location_id")
                .and_then(|k| locations.by_id.get_mut(k))
                .ok_or(Error::invalid(field, Problem::Malformed))?;
            push(x, key, Value::Object(r));
        }
    }
    let costs = t.rows(&["cost_options.csv", "cost_option.csv"], "cost_option.id")?;
    for id in &costs.order {
        let c = costs.by_id[id].clone();
        if let Some(x) = owner(&c, "service_id").and_then(|k| services.by_id.get_mut(k)) {
            push(x, "cost_options", Value::Object(c));
        }
    }

    // Nest: locations into their service_at_location rows, those and organizations into services.
    for id in &sals.order {
        let mut sal = sals.by_id[id].clone();
        let service = owner(&sal, "service_id")
            .map(str::to_owned)
            .ok_or(Error::invalid(
                "service_at_location.service_id",
                Problem::Empty,
            ))?;
        if let Some(l) = owner(&sal, "location_id").and_then(|k| locations.by_id.get(k)) {
            sal.insert("location".into(), Value::Object(l.clone()));
        }
        let s = services.by_id.get_mut(&service).ok_or(Error::invalid(
            "service_at_location.service_id",
            Problem::Malformed,
        ))?;
        push(s, "service_at_locations", Value::Object(sal));
    }
    let mut list = Vec::new();
    for id in &services.order {
        let mut s = services.by_id[id].clone();
        if let Some(o) = owner(&s, "organization_id").and_then(|k| orgs.by_id.get(k)) {
            s.insert("organization".into(), Value::Object(o.clone()));
        }
        list.push(Value::Object(s));
    }
    super::hsds::parse_value(&Value::Array(list))
}
