//! The French data·inclusion schema (structures and services, JSON): either one document
//! `{"structures": [...], "services": [...]}` or two files whose names say which they hold.
//!
//! A structure becomes an organization and, when it has an address or coordinates, a location;
//! a service becomes a service offered at its own address if it has one, else at its
//! structure's. Ids are unique per producer, so a record's source id is "`source`:`id`".
//! Opening hours (`horaires_accueil`, OSM syntax) become weekly schedules; thématiques map to
//! categories where one fits and are otherwise kept and reported.

use serde_json::Value;

use super::geo::check_coordinate;
use super::hsds::Collector;
use super::model::{
    DESCRIPTION_MAX, FIELD_MAX, NAME_MAX, NAccessNote, NAddress, NLocation, NOrg, NPhone,
    NSchedule, NService, NServiceAt, RecordKind, SOURCE_ID_MAX, TaxonomyTerm,
};
use super::parse::{
    Dataset, ImportWarningKind, Notes, Obj, Parsed, json as parse_json, service_terms,
};
use super::schedule::{OsmHours, parse_date, parse_osm};
use super::taxonomy::{LocationType, ServiceStatus, TAXONOMY_DATA_INCLUSION, fees_for_frais};
use crate::error::{Error, Problem, Result};

fn wrong_format() -> Error {
    Error::invalid("format", Problem::Malformed)
}

/// The record's key in the store: "producer:id".
fn key(o: Obj<'_>, what: &'static str, id_field: &'static str) -> Result<String> {
    let source = o.required("source", what, 100)?;
    let id = o.required("id", id_field, SOURCE_ID_MAX)?;
    Ok(format!("{source}:{id}"))
}

fn phone(o: Obj<'_>) -> Result<Vec<NPhone>> {
    Ok(o.text("telephone", "telephone", 40)?
        .map(|number| NPhone {
            source_id: "telephone".to_owned(),
            number,
            extension: None,
            kind: Some("voice".to_owned()),
            description: None,
        })
        .into_iter()
        .collect())
}

fn hours(o: Obj<'_>, owner: &str, notes: &mut Notes<'_>) -> Result<Vec<NSchedule>> {
    let Some(text) = o.text("horaires_accueil", "horaires_accueil", FIELD_MAX)? else {
        return Ok(Vec::new());
    };
    match parse_osm(&text)? {
        OsmHours::Weekly(periods) => Ok(periods
            .into_iter()
            .enumerate()
            .map(|(i, (days, opens, closes))| NSchedule {
                source_id: format!("{owner}#horaires-{i}"),
                days,
                opens,
                closes,
                valid_from: None,
                valid_to: None,
                description: None,
            })
            .collect()),
        OsmHours::Unsupported => {
            notes.warn(ImportWarningKind::HoursNotImported, &text);
            Ok(Vec::new())
        }
    }
}

/// The place a structure or a service is at, if it gives an address or coordinates.
fn place(o: Obj<'_>, key: &str, notes: &mut Notes<'_>) -> Result<Option<NLocation>> {
    let lat = o.number("latitude", "latitude")?;
    let lon = o.number("longitude", "longitude")?;
    let (latitude, longitude) = match (lat, lon) {
        (Some(a), Some(b)) => {
            check_coordinate("latitude", a, 90.0)?;
            check_coordinate("longitude", b, 180.0)?;
            (Some(a), Some(b))
        }
        (None, None) => (None, None),
        (Some(_), None) => return Err(Error::invalid("longitude", Problem::Empty)),
        (None, Some(_)) => return Err(Error::invalid("latitude", Problem::Empty)),
    };
    let address = o.text("adresse", "adresse", FIELD_MAX)?;
    let city = o.text("commune", "commune", NAME_MAX)?;
    if latitude.is_none() && address.is_none() {
        return Ok(None);
    }
    let source_id = format!("{key}#lieu");
    let address = match (address, city) {
        (Some(address_1), Some(city)) => Some(NAddress {
            id: "adresse".to_owned(),
            address_1,
            address_2: o.text("complement_adresse", "complement_adresse", FIELD_MAX)?,
            city,
            region: None,
            state_province: None,
            postal_code: o.text("code_postal", "code_postal", 20)?,
            country: Some("FR".to_owned()),
            address_type: "physical".to_owned(),
        }),
        _ => None,
    };
    let accessibility = o
        .text("accessibilite_lieu", "accessibilite_lieu", FIELD_MAX)?
        .map(|url| NAccessNote {
            id: "accessibilite_lieu".to_owned(),
            description: None,
            details: None,
            url: Some(url),
        })
        .into_iter()
        .collect();
    Ok(Some(NLocation {
        schedules: hours(o, &source_id, notes)?,
        source_id,
        organization: None,
        location_type: LocationType::Physical,
        name: o.text("nom", "nom", NAME_MAX)?,
        alternate_name: None,
        description: None,
        transportation: None,
        url: None,
        latitude,
        longitude,
        address,
        accessibility,
        features: Vec::new(),
        terms: Vec::new(),
        phones: Vec::new(),
    }))
}

fn structure(o: Obj<'_>, c: &mut Collector) -> Result<()> {
    let key = key(o, "structure.source", "structure.id")?;
    let mut notes = Notes::new(RecordKind::Organization, &key);
    let result = (|| -> Result<(NOrg, Option<NLocation>)> {
        let org = NOrg {
            source_id: key.clone(),
            name: o.required("nom", "structure.nom", NAME_MAX)?,
            alternate_name: None,
            description: o
                .text("description", "structure.description", DESCRIPTION_MAX)?
                .unwrap_or_default(),
            email: o.text("courriel", "structure.courriel", FIELD_MAX)?,
            website: o.text("site_web", "structure.site_web", FIELD_MAX)?,
            phones: phone(o)?,
        };
        let mut loc = place(o, &key, &mut notes)?;
        if let Some(l) = &mut loc {
            l.organization = Some(key.clone());
        }
        Ok((org, loc))
    })();
    match result {
        Ok((org, loc)) => {
            c.put_org(key.clone(), Parsed::Ok(org))?;
            if let Some(l) = loc {
                c.put_location(l.source_id.clone(), Parsed::Ok(l))?;
            }
        }
        Err(error) => c.put_org(
            key.clone(),
            Parsed::Rejected {
                source_id: key.clone(),
                error,
            },
        )?,
    }
    c.data.warnings.append(&mut notes.out);
    Ok(())
}

fn strings(o: Obj<'_>, k: &str, field: &'static str) -> Result<Vec<String>> {
    match o.0.get(k) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or(Error::invalid(field, Problem::Malformed))
            })
            .collect(),
        Some(_) => Err(Error::invalid(field, Problem::Malformed)),
    }
}

fn service(o: Obj<'_>, c: &mut Collector, notes: &mut Notes<'_>, key: &str) -> Result<NService> {
    let source = o.required("source", "service.source", 100)?;
    let structure = format!(
        "{source}:{}",
        o.required("structure_id", "service.structure_id", SOURCE_ID_MAX)?
    );
    let terms: Vec<TaxonomyTerm> = strings(o, "thematiques", "service.thematiques")?
        .into_iter()
        .map(|code| TaxonomyTerm {
            taxonomy: TAXONOMY_DATA_INCLUSION.to_owned(),
            code,
            name: None,
        })
        .collect();
    let terms = service_terms(terms, notes);
    let fees = strings(o, "frais", "service.frais")?
        .iter()
        .find_map(|f| fees_for_frais(f));
    let own_place = place(o, key, notes)?;
    let service_hours = hours(o, key, notes)?;
    let mut at_locations = Vec::new();
    let mut schedules = Vec::new();
    // Kept until every field of the service has been read: a service rejected for a later
    // field must not leave its place behind.
    let mut place_to_add = None;
    if let Some(mut l) = own_place {
        // The service's own address carries its own hours.
        l.organization = Some(structure.clone());
        at_locations.push(NServiceAt {
            source_id: format!("{key}#lieu"),
            location: l.source_id.clone(),
            description: None,
            phones: Vec::new(),
            schedules: Vec::new(),
        });
        place_to_add = Some(l);
    } else {
        let at_structure = format!("{structure}#lieu");
        let modes = strings(o, "modes_accueil", "service.modes_accueil")?;
        let in_person = modes.is_empty() || modes.iter().any(|m| m == "en-presentiel");
        if in_person && c.has_location(&at_structure) {
            at_locations.push(NServiceAt {
                source_id: format!("{key}#structure"),
                location: at_structure,
                description: None,
                phones: Vec::new(),
                schedules: service_hours.clone(),
            });
        } else {
            schedules.clone_from(&service_hours);
        }
    }
    let service = NService {
        source_id: key.to_owned(),
        organization: Some(structure),
        name: o.required("nom", "service.nom", NAME_MAX)?,
        alternate_name: None,
        description: o
            .text("description", "service.description", DESCRIPTION_MAX)?
            .unwrap_or_default(),
        url: o.text("lien_mobilisation", "service.lien_mobilisation", FIELD_MAX)?,
        email: o.text("courriel", "service.courriel", FIELD_MAX)?,
        status: ServiceStatus::Active,
        application_process: o.text(
            "mobilisation_precisions",
            "service.mobilisation_precisions",
            DESCRIPTION_MAX,
        )?,
        fees,
        fees_description: o.text(
            "frais_precisions",
            "service.frais_precisions",
            DESCRIPTION_MAX,
        )?,
        eligibility_description: o.text(
            "publics_precisions",
            "service.publics_precisions",
            DESCRIPTION_MAX,
        )?,
        verified_on: o
            .raw("date_maj", "service.date_maj")?
            .map(|d| parse_date("service.date_maj", &d).map(|d| d.format("%Y-%m-%d").to_string()))
            .transpose()?,
        languages: Vec::new(),
        categories: terms.categories,
        dimensions: terms.dimensions,
        terms: terms.kept,
        phones: phone(o)?,
        schedules,
        at_locations,
    };
    if let Some(l) = place_to_add {
        c.put_location(l.source_id.clone(), Parsed::Ok(l))?;
    }
    Ok(service)
}

/// Reads data·inclusion JSON from `(file name, content)` pairs.
pub(crate) fn parse(files: &[(String, String)]) -> Result<Dataset> {
    let mut structures: Vec<Value> = Vec::new();
    let mut services: Vec<Value> = Vec::new();
    for (name, content) in files {
        let doc = parse_json(content)?;
        let name = name.to_ascii_lowercase();
        match doc {
            Value::Object(mut m) if m.contains_key("structures") || m.contains_key("services") => {
                for (k, into) in [("structures", &mut structures), ("services", &mut services)] {
                    match m.remove(k) {
                        None | Some(Value::Null) => {}
                        Some(Value::Array(a)) => into.extend(a),
                        Some(_) => return Err(wrong_format()),
                    }
                }
            }
            Value::Array(a) => {
                let looks_like_services = a.iter().any(|v| v.get("structure_id").is_some());
                if name.contains("service") || (!name.contains("structure") && looks_like_services)
                {
                    services.extend(a);
                } else {
                    structures.extend(a);
                }
            }
            _ => return Err(wrong_format()),
        }
    }
    for v in structures.iter().chain(&services) {
        let Some(m) = v.as_object() else {
            return Err(Error::invalid("file", Problem::Malformed));
        };
        // An HSDS record names things in English and never has `nom`.
        if !m.contains_key("nom") && (m.contains_key("name") || m.contains_key("status")) {
            return Err(wrong_format());
        }
    }
    let mut c = Collector::default();
    for v in &structures {
        structure(Obj::of("structure", v)?, &mut c)?;
    }
    for v in &services {
        let o = Obj::of("service", v)?;
        let key = key(o, "service.source", "service.id")?;
        let mut notes = Notes::new(RecordKind::Service, &key);
        let parsed = match service(o, &mut c, &mut notes, &key) {
            Ok(s) => Parsed::Ok(s),
            Err(error) => Parsed::Rejected {
                source_id: key.clone(),
                error,
            },
        };
        c.data.warnings.append(&mut notes.out);
        c.put_service(key, parsed)?;
    }
    Ok(c.data)
}
