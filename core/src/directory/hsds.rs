//! Open Referral HSDS 3.x in JSON: reading a list of services (a JSON array of `service`
//! objects, an API page with `contents`, or one service), each with its nested organization,
//! phones, schedules, languages, attributes and `service_at_locations` with their locations;
//! and writing the directory back in the same shape, so an export re-imports to the same rows.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::geo::check_coordinate;
use super::model::{
    DESCRIPTION_MAX, FIELD_MAX, NAME_MAX, NAccessNote, NAddress, NLocation, NOrg, NPhone,
    NSchedule, NService, NServiceAt, RecordKind, TaxonomyTerm, derived_id,
};
use super::parse::{
    Dataset, ImportWarningKind, Notes, Obj, Parsed, json as parse_json, languages, location_terms,
    phones, schedules, service_terms, term,
};
use super::schedule::{format_byday, format_clock, parse_date};
use super::taxonomy::{
    AccessFeature, Category, Fees, LocationType, ServiceStatus, TAXONOMY_ACCESS, TAXONOMY_CATEGORY,
    TAXONOMY_DIMENSION, TAXONOMY_FEES,
};
use crate::error::{Error, Problem, Result};

/// Why a nested record could not be taken: the whole file is inconsistent, or only the record
/// that holds it must be refused.
enum Fail {
    File(Error),
    Record(Error),
}

/// Accumulates records met while walking the services, each once.
#[derive(Default)]
pub(crate) struct Collector {
    pub data: Dataset,
    orgs: HashMap<String, usize>,
    locations: HashMap<String, usize>,
    services: HashMap<String, usize>,
}

fn same<T: PartialEq>(a: &Parsed<T>, b: &Parsed<T>) -> bool {
    match (a, b) {
        (Parsed::Ok(x), Parsed::Ok(y)) => x == y,
        (Parsed::Rejected { .. }, Parsed::Rejected { .. }) => true,
        _ => false,
    }
}

impl Collector {
    /// Adds an organization met in the file; the same id with different content is a file error.
    pub(crate) fn put_org(&mut self, source_id: String, parsed: Parsed<NOrg>) -> Result<()> {
        if let Some(&i) = self.orgs.get(&source_id) {
            if !same(&self.data.orgs[i], &parsed) {
                return Err(Error::invalid("organization.id", Problem::Duplicate));
            }
            return Ok(());
        }
        self.orgs.insert(source_id, self.data.orgs.len());
        self.data.orgs.push(parsed);
        Ok(())
    }

    /// Adds a location met in the file.
    pub(crate) fn put_location(
        &mut self,
        source_id: String,
        parsed: Parsed<NLocation>,
    ) -> Result<()> {
        if let Some(&i) = self.locations.get(&source_id) {
            if !same(&self.data.locations[i], &parsed) {
                return Err(Error::invalid("location.id", Problem::Duplicate));
            }
            return Ok(());
        }
        self.locations.insert(source_id, self.data.locations.len());
        self.data.locations.push(parsed);
        Ok(())
    }

    /// Whether a location with this source id was met.
    pub(crate) fn has_location(&self, source_id: &str) -> bool {
        self.locations
            .get(source_id)
            .is_some_and(|&i| matches!(self.data.locations[i], Parsed::Ok(_)))
    }

    /// Adds a service; the same service id twice in one file is a file error.
    pub(crate) fn put_service(
        &mut self,
        source_id: String,
        parsed: Parsed<NService>,
    ) -> Result<()> {
        if self.services.contains_key(&source_id) {
            return Err(Error::invalid("service.id", Problem::Duplicate));
        }
        self.services.insert(source_id, self.data.services.len());
        self.data.services.push(parsed);
        Ok(())
    }

    fn org(&mut self, o: Obj<'_>) -> std::result::Result<String, Fail> {
        let id = o.id("organization.id").map_err(Fail::Record)?;
        let parsed = match organization(o) {
            Ok(org) => Parsed::Ok(org),
            Err(error) => Parsed::Rejected {
                source_id: id.clone(),
                error,
            },
        };
        let mut locs = Vec::new();
        if let Ok(list) = o.array("locations", "organization.locations") {
            for v in list {
                let l = Obj::of("organization.locations", v).map_err(Fail::Record)?;
                locs.push(l);
            }
        }
        self.put_org(id.clone(), parsed).map_err(Fail::File)?;
        for l in locs {
            self.location(l)?;
        }
        Ok(id)
    }

    fn location(&mut self, o: Obj<'_>) -> std::result::Result<String, Fail> {
        let id = o.id("location.id").map_err(Fail::Record)?;
        let mut notes = Notes::new(RecordKind::Location, &id);
        let parsed = match location(o, &mut notes) {
            Ok(l) => Parsed::Ok(l),
            Err(error) => Parsed::Rejected {
                source_id: id.clone(),
                error,
            },
        };
        let first = !self.locations.contains_key(&id);
        self.put_location(id.clone(), parsed).map_err(Fail::File)?;
        if first {
            self.data.warnings.append(&mut notes.out);
        }
        Ok(id)
    }
}

fn organization(o: Obj<'_>) -> Result<NOrg> {
    Ok(NOrg {
        source_id: o.id("organization.id")?,
        name: o.required("name", "organization.name", NAME_MAX)?,
        alternate_name: o.text("alternate_name", "organization.alternate_name", NAME_MAX)?,
        description: o
            .text("description", "organization.description", DESCRIPTION_MAX)?
            .unwrap_or_default(),
        email: o.text("email", "organization.email", FIELD_MAX)?,
        website: o.text("website", "organization.website", FIELD_MAX)?,
        phones: phones(o)?,
    })
}

fn address(o: Obj<'_>) -> Result<NAddress> {
    Ok(NAddress {
        id: o.id("address.id")?,
        address_1: o.required("address_1", "address.address_1", FIELD_MAX)?,
        address_2: o.text("address_2", "address.address_2", FIELD_MAX)?,
        city: o.required("city", "address.city", NAME_MAX)?,
        region: o.text("region", "address.region", NAME_MAX)?,
        state_province: o.text("state_province", "address.state_province", NAME_MAX)?,
        postal_code: o.text("postal_code", "address.postal_code", 20)?,
        country: o.text("country", "address.country", 10)?,
        address_type: o
            .text("address_type", "address.address_type", 20)?
            .unwrap_or_else(|| "physical".to_owned()),
    })
}

/// Reads the attributes of an object as taxonomy terms.
pub(crate) fn attributes(o: Obj<'_>, field: &'static str) -> Result<Vec<TaxonomyTerm>> {
    o.array("attributes", field)?
        .iter()
        .map(|v| term(Obj::of(field, v)?))
        .collect()
}

/// The coordinates of a location: both or neither, each on Earth.
pub(crate) fn coordinates(
    lat: Option<f64>,
    lon: Option<f64>,
) -> Result<(Option<f64>, Option<f64>)> {
    match (lat, lon) {
        (Some(a), Some(b)) => {
            check_coordinate("location.latitude", a, 90.0)?;
            check_coordinate("location.longitude", b, 180.0)?;
            Ok((Some(a), Some(b)))
        }
        (None, None) => Ok((None, None)),
        (Some(_), None) => Err(Error::invalid("location.longitude", Problem::Empty)),
        (None, Some(_)) => Err(Error::invalid("location.latitude", Problem::Empty)),
    }
}

fn location(o: Obj<'_>, notes: &mut Notes<'_>) -> Result<NLocation> {
    let (latitude, longitude) = coordinates(
        o.number("latitude", "location.latitude")?,
        o.number("longitude", "location.longitude")?,
    )?;
    let mut addresses = Vec::new();
    for v in o.array("addresses", "location.addresses")? {
        addresses.push(address(Obj::of("location.addresses", v)?)?);
    }
    // The first physical address is kept; HSDS allows several, the directory shows one.
    let keep = addresses
        .iter()
        .position(|a| a.address_type == "physical")
        .unwrap_or(0);
    let mut kept = None;
    for (i, a) in addresses.into_iter().enumerate() {
        if i == keep {
            kept = Some(a);
        } else {
            notes.warn(ImportWarningKind::AddressNotImported, &a.id);
        }
    }
    let mut accessibility = Vec::new();
    for v in o.array("accessibility", "location.accessibility")? {
        let a = Obj::of("location.accessibility", v)?;
        accessibility.push(NAccessNote {
            id: a.id("accessibility.id")?,
            description: a.text("description", "accessibility.description", FIELD_MAX)?,
            details: a.text("details", "accessibility.details", FIELD_MAX)?,
            url: a.text("url", "accessibility.url", FIELD_MAX)?,
        });
    }
    if !o.array("languages", "location.languages")?.is_empty() {
        notes.warn(ImportWarningKind::LanguageNotImported, "location languages");
    }
    let (features, terms) = location_terms(attributes(o, "location.attributes")?, notes);
    let location_type = match o.text("location_type", "location.location_type", 20)? {
        None => LocationType::Physical,
        Some(t) => LocationType::parse(&t)
            .map_err(|_| Error::invalid("location.location_type", Problem::Malformed))?,
    };
    Ok(NLocation {
        source_id: o.id("location.id")?,
        // Only an explicit id: a location nested in an organization is the same record as the
        // copy nested in a service_at_location, which does not say whose it is.
        organization: o.text("organization_id", "location.organization_id", FIELD_MAX)?,
        location_type,
        name: o.text("name", "location.name", NAME_MAX)?,
        alternate_name: o.text("alternate_name", "location.alternate_name", NAME_MAX)?,
        description: o.text("description", "location.description", DESCRIPTION_MAX)?,
        transportation: o.text("transportation", "location.transportation", DESCRIPTION_MAX)?,
        url: o.text("url", "location.url", FIELD_MAX)?,
        latitude,
        longitude,
        address: kept,
        accessibility,
        features,
        terms,
        phones: phones(o)?,
        schedules: schedules(o, notes)?,
    })
}

/// Fees from HSDS cost options when no fees term says: all zero is free, any amount is paid.
fn fees_from_costs(o: Obj<'_>) -> Result<Option<Fees>> {
    let costs = o.array("cost_options", "service.cost_options")?;
    if costs.is_empty() {
        return Ok(None);
    }
    let mut paid = false;
    for v in costs {
        let c = Obj::of("service.cost_options", v)?;
        paid |= c
            .number("amount", "cost_option.amount")?
            .is_some_and(|a| a > 0.0);
    }
    Ok(Some(if paid { Fees::Paid } else { Fees::Free }))
}

fn service(
    o: Obj<'_>,
    c: &mut Collector,
    notes: &mut Notes<'_>,
) -> std::result::Result<NService, Fail> {
    let refuse = Fail::Record;
    let organization = match o
        .object("organization", "service.organization")
        .map_err(refuse)?
    {
        Some(org) => Some(c.org(org)?),
        None => o
            .text("organization_id", "service.organization_id", FIELD_MAX)
            .map_err(refuse)?,
    };
    let mut at_locations: Vec<NServiceAt> = Vec::new();
    for v in o
        .array("service_at_locations", "service.service_at_locations")
        .map_err(refuse)?
    {
        let at = Obj::of("service.service_at_locations", v).map_err(refuse)?;
        let location = match at
            .object("location", "service_at_location.location")
            .map_err(refuse)?
        {
            Some(l) => c.location(l)?,
            None => at
                .required("location_id", "service_at_location.location_id", FIELD_MAX)
                .map_err(refuse)?,
        };
        let sal = NServiceAt {
            source_id: at.id("service_at_location.id").map_err(refuse)?,
            location,
            description: at
                .text(
                    "description",
                    "service_at_location.description",
                    DESCRIPTION_MAX,
                )
                .map_err(refuse)?,
            phones: phones(at).map_err(refuse)?,
            schedules: schedules(at, notes).map_err(refuse)?,
        };
        if at_locations.iter().any(|x| x.source_id == sal.source_id) {
            return Err(Fail::File(Error::invalid(
                "service_at_location.id",
                Problem::Duplicate,
            )));
        }
        at_locations.push(sal);
    }
    service_fields(o, organization, at_locations, notes).map_err(refuse)
}

/// The service's own fields, once its organization and locations are resolved.
pub(crate) fn service_fields(
    o: Obj<'_>,
    organization: Option<String>,
    at_locations: Vec<NServiceAt>,
    notes: &mut Notes<'_>,
) -> Result<NService> {
    let terms = service_terms(attributes(o, "service.attributes")?, notes);
    let status = match o.text("status", "service.status", 40)? {
        None => ServiceStatus::Active,
        Some(s) => ServiceStatus::parse(&s.to_ascii_lowercase())
            .map_err(|_| Error::invalid("service.status", Problem::Malformed))?,
    };
    let fees = match terms.fees {
        Some(f) => Some(f),
        None => fees_from_costs(o)?,
    };
    Ok(NService {
        source_id: o.id("service.id")?,
        organization,
        name: o.required("name", "service.name", NAME_MAX)?,
        alternate_name: o.text("alternate_name", "service.alternate_name", NAME_MAX)?,
        description: o
            .text("description", "service.description", DESCRIPTION_MAX)?
            .unwrap_or_default(),
        url: o.text("url", "service.url", FIELD_MAX)?,
        email: o.text("email", "service.email", FIELD_MAX)?,
        status,
        application_process: o.text(
            "application_process",
            "service.application_process",
            DESCRIPTION_MAX,
        )?,
        fees,
        fees_description: o.text(
            "fees_description",
            "service.fees_description",
            DESCRIPTION_MAX,
        )?,
        eligibility_description: o.text(
            "eligibility_description",
            "service.eligibility_description",
            DESCRIPTION_MAX,
        )?,
        verified_on: o
            .raw("assured_date", "service.assured_date")?
            .map(|d| {
                parse_date("service.assured_date", &d).map(|d| d.format("%Y-%m-%d").to_string())
            })
            .transpose()?,
        languages: languages(o, notes)?,
        categories: terms.categories,
        dimensions: terms.dimensions,
        terms: terms.kept,
        phones: phones(o)?,
        schedules: schedules(o, notes)?,
        at_locations,
    })
}

/// The service objects of an HSDS JSON document, refusing documents of another format.
fn service_list(v: &Value) -> Result<&[Value]> {
    let wrong = || Error::invalid("format", Problem::Malformed);
    let list: &[Value] = match v {
        Value::Array(a) => a,
        Value::Object(m) if m.contains_key("contents") => m
            .get("contents")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .ok_or_else(wrong)?,
        Value::Object(m) if m.contains_key("structures") || m.contains_key("services") => {
            return Err(wrong());
        }
        Value::Object(m) if m.contains_key("name") && m.contains_key("id") => {
            std::slice::from_ref(v)
        }
        _ => return Err(wrong()),
    };
    for item in list {
        let Some(m) = item.as_object() else {
            return Err(Error::invalid("file", Problem::Malformed));
        };
        // data·inclusion records name things in French; an HSDS service never has `nom`.
        if !m.contains_key("name") && (m.contains_key("nom") || m.contains_key("structure_id")) {
            return Err(wrong());
        }
    }
    Ok(list)
}

/// Reads an HSDS JSON document.
pub(crate) fn parse(text: &str) -> Result<Dataset> {
    parse_value(&parse_json(text)?)
}

/// Reads an HSDS document already parsed as JSON (the tabular form is rebuilt into one).
pub(crate) fn parse_value(doc: &Value) -> Result<Dataset> {
    let mut c = Collector::default();
    for v in service_list(doc)? {
        let o = Obj::of("service", v)?;
        let Ok(id) = o.id("service.id") else {
            // Without an id a service cannot be reported, updated or referred to.
            return Err(Error::invalid("service.id", Problem::Empty));
        };
        let mut notes = Notes::new(RecordKind::Service, &id);
        let parsed = match service(o, &mut c, &mut notes) {
            Ok(s) => Parsed::Ok(s),
            Err(Fail::File(e)) => return Err(e),
            Err(Fail::Record(error)) => Parsed::Rejected {
                source_id: id.clone(),
                error,
            },
        };
        c.data.warnings.append(&mut notes.out);
        c.put_service(id, parsed)?;
    }
    Ok(c.data)
}

// ---- export ----

fn put(m: &mut Map<String, Value>, key: &str, v: Option<&str>) {
    if let Some(v) = v {
        m.insert(key.to_owned(), Value::String(v.to_owned()));
    }
}

fn phones_json(phones: &[NPhone]) -> Value {
    Value::Array(
        phones
            .iter()
            .map(|p| {
                let mut m = Map::new();
                put(&mut m, "id", Some(&p.source_id));
                put(&mut m, "number", Some(&p.number));
                put(&mut m, "extension", p.extension.as_deref());
                put(&mut m, "type", p.kind.as_deref());
                put(&mut m, "description", p.description.as_deref());
                Value::Object(m)
            })
            .collect(),
    )
}

fn schedules_json(schedules: &[NSchedule]) -> Value {
    Value::Array(
        schedules
            .iter()
            .map(|s| {
                let mut m = Map::new();
                put(&mut m, "id", Some(&s.source_id));
                put(&mut m, "freq", Some("WEEKLY"));
                put(&mut m, "byday", Some(&format_byday(s.days)));
                put(&mut m, "opens_at", Some(&format_clock(s.opens)));
                put(&mut m, "closes_at", Some(&format_clock(s.closes)));
                put(&mut m, "valid_from", s.valid_from.as_deref());
                put(&mut m, "valid_to", s.valid_to.as_deref());
                put(&mut m, "description", s.description.as_deref());
                Value::Object(m)
            })
            .collect(),
    )
}

fn attribute(owner: &str, taxonomy: &str, code: &str, name: Option<&str>) -> Value {
    let mut t = Map::new();
    put(
        &mut t,
        "id",
        Some(&derived_id(&["taxonomy_term", taxonomy, code])),
    );
    put(&mut t, "code", Some(code));
    // A term without a label stays without one, so the export re-imports to the same term.
    put(&mut t, "name", name);
    put(&mut t, "taxonomy", Some(taxonomy));
    json!({
        "id": derived_id(&["attribute", owner, taxonomy, code]),
        "taxonomy_term": Value::Object(t),
    })
}

fn kept_terms(owner: &str, terms: &[TaxonomyTerm]) -> impl Iterator<Item = Value> {
    terms
        .iter()
        .map(move |t| attribute(owner, &t.taxonomy, &t.code, t.name.as_deref()))
}

fn organization_json(o: &NOrg) -> Value {
    let mut m = Map::new();
    put(&mut m, "id", Some(&o.source_id));
    put(&mut m, "name", Some(&o.name));
    put(&mut m, "alternate_name", o.alternate_name.as_deref());
    put(&mut m, "description", Some(&o.description));
    put(&mut m, "email", o.email.as_deref());
    put(&mut m, "website", o.website.as_deref());
    m.insert("phones".into(), phones_json(&o.phones));
    Value::Object(m)
}

fn location_json(l: &NLocation) -> Value {
    let mut m = Map::new();
    put(&mut m, "id", Some(&l.source_id));
    put(&mut m, "location_type", Some(l.location_type.code()));
    put(&mut m, "organization_id", l.organization.as_deref());
    put(&mut m, "name", l.name.as_deref());
    put(&mut m, "alternate_name", l.alternate_name.as_deref());
    put(&mut m, "description", l.description.as_deref());
    put(&mut m, "transportation", l.transportation.as_deref());
    put(&mut m, "url", l.url.as_deref());
    if let (Some(a), Some(b)) = (l.latitude, l.longitude) {
        m.insert("latitude".into(), json!(a));
        m.insert("longitude".into(), json!(b));
    }
    if let Some(a) = &l.address {
        m.insert("addresses".into(), json!([a]));
    }
    m.insert("accessibility".into(), json!(l.accessibility));
    m.insert("phones".into(), phones_json(&l.phones));
    m.insert("schedules".into(), schedules_json(&l.schedules));
    let attrs: Vec<Value> = l
        .features
        .iter()
        .map(|f| {
            attribute(
                &l.source_id,
                TAXONOMY_ACCESS,
                f.code(),
                Some(AccessFeature::labels(*f).1),
            )
        })
        .chain(kept_terms(&l.source_id, &l.terms))
        .collect();
    m.insert("attributes".into(), Value::Array(attrs));
    Value::Object(m)
}

/// Writes services as an HSDS JSON array, each with its organization and locations nested.
pub(crate) fn export(orgs: &[NOrg], locations: &[NLocation], services: &[NService]) -> String {
    let orgs: HashMap<&str, &NOrg> = orgs.iter().map(|o| (o.source_id.as_str(), o)).collect();
    let locs: HashMap<&str, &NLocation> = locations
        .iter()
        .map(|l| (l.source_id.as_str(), l))
        .collect();
    let list: Vec<Value> = services
        .iter()
        .map(|s| {
            let mut m = Map::new();
            put(&mut m, "id", Some(&s.source_id));
            put(&mut m, "name", Some(&s.name));
            put(&mut m, "alternate_name", s.alternate_name.as_deref());
            put(&mut m, "description", Some(&s.description));
            put(&mut m, "url", s.url.as_deref());
            put(&mut m, "email", s.email.as_deref());
            put(&mut m, "status", Some(s.status.code()));
            put(&mut m, "application_process", s.application_process.as_deref());
            put(&mut m, "fees_description", s.fees_description.as_deref());
            put(&mut m, "eligibility_description", s.eligibility_description.as_deref());
            put(&mut m, "assured_date", s.verified_on.as_deref());
            if let Some(org) = s.organization.as_deref() {
                match orgs.get(org) {
                    Some(o) => {
                        m.insert("organization".into(), organization_json(o));
                    }
                    None => put(&mut m, "organization_id", Some(org)),
                }
            }
            m.insert("phones".into(), phones_json(&s.phones));
            m.insert("schedules".into(), schedules_json(&s.schedules));
            m.insert(
                "languages".into(),
                Value::Array(
                    s.languages
                        .iter()
                        .map(|code| json!({"id": derived_id(&["language", &s.source_id, code]), "code": code, "name": code}))
                        .collect(),
                ),
            );
            let sals: Vec<Value> = s
                .at_locations
                .iter()
                .map(|a| {
                    let mut x = Map::new();
                    put(&mut x, "id", Some(&a.source_id));
                    put(&mut x, "description", a.description.as_deref());
                    x.insert("phones".into(), phones_json(&a.phones));
                    x.insert("schedules".into(), schedules_json(&a.schedules));
                    match locs.get(a.location.as_str()) {
                        Some(l) => {
                            x.insert("location".into(), location_json(l));
                        }
                        None => put(&mut x, "location_id", Some(&a.location)),
                    }
                    Value::Object(x)
                })
                .collect();
            m.insert("service_at_locations".into(), Value::Array(sals));
            let id = &s.source_id;
            let attrs: Vec<Value> = s
                .categories
                .iter()
                .map(|c| attribute(id, TAXONOMY_CATEGORY, c.code(), Some(Category::labels(*c).1)))
                .chain(s.dimensions.iter().map(|d| attribute(id, TAXONOMY_DIMENSION, d.code(), None)))
                .chain(s.fees.iter().map(|f| attribute(id, TAXONOMY_FEES, f.code(), None)))
                .chain(kept_terms(id, &s.terms))
                .collect();
            m.insert("attributes".into(), Value::Array(attrs));
            Value::Object(m)
        })
        .collect();
    serde_json::to_string_pretty(&Value::Array(list)).unwrap_or_else(|_| "[]".to_owned())
}
