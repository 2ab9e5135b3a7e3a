//! People and their profiles: who uses the device (its owner) and, per role, only what the
//! programme needs to know about them (data minimisation: no diagnosis fields).

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};

use super::codes::{code_enum, codes_json, from_json};
use crate::error::{Error, Problem, Result};
use crate::store::rows::{Col, Collection};
use crate::store::{Store, Tx};
use crate::time::{Millis, check_time};
use crate::validate::{
    LIST_MAX, NAME_MAX, SHORT_TEXT_MAX, in_range, language_list, new_id, optional_text, parse_id,
    required_text, text_list,
};

code_enum! {
    /// What a person does in the programme.
    pub enum Role as "role" {
        /// A stroke survivor paired with a mentor.
        Survivor = "survivor",
        /// A trained peer supporter, a survivor further along.
        Mentor = "mentor",
        /// A family member or friend the survivor consented to share with.
        Caregiver = "caregiver",
        /// A rehabilitation professional or coordinator.
        Professional = "professional",
    }
}

code_enum! {
    /// Needs that change how to communicate with a survivor.
    pub enum CommunicationNeed as "communication need" {
        /// Difficulty with language: short sentences, pictures, yes/no questions.
        Aphasia = "aphasia",
        /// Large text, high contrast, voice.
        LowVision = "low_vision",
        /// Prefer text or video with captions over phone.
        HearingLoss = "hearing_loss",
        /// Short contacts, flexible times.
        Fatigue = "fatigue",
        /// One-handed use of the phone.
        OneHandedUse = "one_handed_use",
        /// Reminders, one thing at a time.
        MemoryAttention = "memory_attention",
    }
}

code_enum! {
    /// How a caregiver is related to the survivor.
    pub enum Relationship as "relationship" {
        /// Spouse or partner.
        SpousePartner = "spouse_partner",
        /// Son or daughter.
        Child = "child",
        /// Mother or father.
        Parent = "parent",
        /// Brother or sister.
        Sibling = "sibling",
        /// Friend or neighbour.
        Friend = "friend",
        /// Anyone else.
        Other = "other",
    }
}

code_enum! {
    /// A professional's discipline.
    pub enum JobRole as "job role" {
        /// Runs the programme: matches, supervises, receives escalations.
        Coordinator = "coordinator",
        /// Nurse.
        Nurse = "nurse",
        /// Physiotherapist.
        Physiotherapist = "physiotherapist",
        /// Occupational therapist.
        OccupationalTherapist = "occupational_therapist",
        /// Speech and language therapist.
        SpeechTherapist = "speech_therapist",
        /// Social worker.
        SocialWorker = "social_worker",
        /// Psychologist.
        Psychologist = "psychologist",
        /// Physician.
        Physician = "physician",
        /// Another discipline.
        Other = "other",
    }
}

/// A person known to this device.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Person {
    /// UUIDv7.
    pub id: String,
    /// Their role in the programme.
    pub role: Role,
    /// The name shown in the app (a first name is enough).
    pub display_name: String,
    /// When the record was made.
    pub created_at: Millis,
    /// When it last changed.
    pub updated_at: Millis,
}

/// A person to enrol.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewPerson {
    /// Their role.
    pub role: Role,
    /// 1 to 80 characters.
    pub display_name: String,
}

/// What the programme keeps about a survivor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurvivorProfile {
    /// The survivor.
    pub person_id: String,
    /// BCP 47 tags, most preferred first (`fr`, `en`).
    pub preferred_languages: Vec<String>,
    /// How to communicate with them.
    pub communication_needs: Vec<CommunicationNeed>,
    /// A neighbourhood or town, to match mentors and resources nearby (no street address).
    pub home_area: Option<String>,
    /// Date of the stroke (UTC midnight).
    pub stroke_date: Option<Millis>,
    /// Date they went home from hospital (UTC midnight).
    pub discharge_date: Option<Millis>,
    /// Their own goals, in their words (up to 20, 200 characters each).
    pub goals: Vec<String>,
}

/// What the programme keeps about a mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MentorProfile {
    /// The mentor.
    pub person_id: String,
    /// Languages they can mentor in.
    pub languages: Vec<String>,
    /// How many survivors they can support at once (1 to 20).
    pub capacity: u32,
    /// When they are usually available, in their words.
    pub availability: Option<String>,
}

/// What the programme keeps about a caregiver.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaregiverProfile {
    /// The caregiver.
    pub person_id: String,
    /// The survivor they care for.
    pub survivor_id: String,
    /// How they are related.
    pub relationship: Relationship,
}

/// What the programme keeps about a professional.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ProfessionalProfile {
    /// The professional.
    pub person_id: String,
    /// Their team or service (`Stroke unit, CHU Nord`).
    pub team: String,
    /// Their discipline.
    pub job_role: JobRole,
}

/// A profile of any role.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Profile {
    /// A survivor's profile.
    Survivor {
        /// The profile.
        profile: SurvivorProfile,
    },
    /// A mentor's profile.
    Mentor {
        /// The profile.
        profile: MentorProfile,
    },
    /// A caregiver's profile.
    Caregiver {
        /// The profile.
        profile: CaregiverProfile,
    },
    /// A professional's profile.
    Professional {
        /// The profile.
        profile: ProfessionalProfile,
    },
}

const GOAL_MAX: usize = 200;

pub(crate) fn person_from_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get("id")?,
        role: r.get("role")?,
        display_name: r.get("display_name")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

const PERSON_COLS: &str = "id, role, display_name, created_at, updated_at";

/// Looks up a person, or `NotFound`.
pub(crate) fn load_person(conn: &Connection, id: &str) -> Result<Person> {
    conn.prepare_cached(&format!("SELECT {PERSON_COLS} FROM person WHERE id = ?1"))?
        .query_row([id], person_from_row)
        .optional()?
        .ok_or(Error::NotFound("person"))
}

/// Looks up a person and checks their role.
pub(crate) fn load_person_with_role(
    conn: &Connection,
    field: &'static str,
    id: &str,
    role: Role,
) -> Result<Person> {
    let id = parse_id(field, id)?;
    let p = load_person(conn, &id)?;
    if p.role == role {
        Ok(p)
    } else {
        Err(Error::invalid(field, Problem::Malformed))
    }
}

/// The device owner, or `NotAllowed` if none is set.
pub(crate) fn owner(conn: &Connection) -> Result<Person> {
    conn.prepare_cached(&format!(
        "SELECT {PERSON_COLS} FROM person WHERE id = (SELECT owner_id FROM device)"
    ))?
    .query_row([], person_from_row)
    .optional()?
    .ok_or(Error::NotAllowed("no one is signed in on this device"))
}

/// The owner, who must have `role`.
pub(crate) fn owner_with_role(
    conn: &Connection,
    role: Role,
    action: &'static str,
) -> Result<Person> {
    let me = owner(conn)?;
    if me.role == role {
        Ok(me)
    } else {
        Err(Error::NotAllowed(action))
    }
}

fn validate_new(new: &NewPerson) -> Result<String> {
    required_text("display_name", &new.display_name, NAME_MAX)
}

fn insert_person(tx: &mut Tx<'_>, role: Role, name: String) -> Result<Person> {
    let id = new_id();
    tx.insert(
        Collection::Person,
        &id,
        vec![("role", role.into()), ("display_name", Value::Text(name))],
    )?;
    load_person(&tx.conn, &id)
}

fn day_field(field: &'static str, at: Option<Millis>, now: Millis) -> Result<Option<Millis>> {
    if let Some(at) = at {
        check_time(field, at, now, crate::time::PAST_EVENT_SLACK_MS)?;
    }
    Ok(at)
}

impl Store {
    /// Creates the person who uses this device and signs them in. Only on a device with no
    /// owner yet.
    pub fn create_device_owner(&self, new: NewPerson) -> Result<Person> {
        let name = validate_new(&new)?;
        self.write(|tx| {
            if owner(&tx.conn).is_ok() {
                return Err(Error::InvalidState("this device already has an owner"));
            }
            let p = insert_person(tx, new.role, name)?;
            tx.conn
                .execute("UPDATE device SET owner_id = ?1", [&p.id])?;
            Ok(p)
        })
    }

    /// Signs an already-known person in on this device (after sign-in, or on a shared tablet).
    pub fn set_device_owner(&self, person_id: &str) -> Result<Person> {
        let id = parse_id("person_id", person_id)?;
        self.write(|tx| {
            let p = load_person(&tx.conn, &id)?;
            tx.conn
                .execute("UPDATE device SET owner_id = ?1", [&p.id])?;
            Ok(p)
        })
    }

    /// The person signed in on this device, if any.
    pub fn device_owner(&self) -> Result<Option<Person>> {
        self.read(|c| match owner(c) {
            Ok(p) => Ok(Some(p)),
            Err(Error::NotAllowed(_)) => Ok(None),
            Err(e) => Err(e),
        })
    }

    /// Enrols a person. The owner must be a professional.
    pub fn create_person(&self, new: NewPerson) -> Result<Person> {
        let name = validate_new(&new)?;
        self.write(|tx| {
            owner_with_role(
                &tx.conn,
                Role::Professional,
                "only a professional enrols people",
            )?;
            insert_person(tx, new.role, name)
        })
    }

    /// Changes a display name: the person themselves or a professional.
    pub fn rename_person(&self, person_id: &str, display_name: &str) -> Result<Person> {
        let id = parse_id("person_id", person_id)?;
        let name = required_text("display_name", display_name, NAME_MAX)?;
        self.write(|tx| {
            let me = owner(&tx.conn)?;
            if me.id != id && me.role != Role::Professional {
                return Err(Error::NotAllowed(
                    "only the person or a professional renames them",
                ));
            }
            load_person(&tx.conn, &id)?;
            tx.upsert(
                Collection::Person,
                &id,
                vec![("display_name", Value::Text(name))],
            )?;
            load_person(&tx.conn, &id)
        })
    }

    /// One person.
    pub fn person(&self, person_id: &str) -> Result<Person> {
        let id = parse_id("person_id", person_id)?;
        self.read(|c| load_person(c, &id))
    }

    /// Everyone known to this device, optionally of one role, by name.
    pub fn people(&self, role: Option<Role>) -> Result<Vec<Person>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {PERSON_COLS} FROM person WHERE ?1 IS NULL OR role = ?1 ORDER BY display_name, id"
            ))?;
            let rows = stmt.query_map([role.map(Role::code)], person_from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Creates or replaces a person's profile. The profile's kind must match the person's role;
    /// the owner must be that person or a professional.
    pub fn save_profile(&self, profile: Profile) -> Result<()> {
        let now = self.now();
        let (person_id, role, collection, cols) = profile_columns(&profile, now)?;
        self.write(|tx| {
            let me = owner(&tx.conn)?;
            if me.id != person_id && me.role != Role::Professional {
                return Err(Error::NotAllowed(
                    "only the person or a professional edits a profile",
                ));
            }
            let person = load_person(&tx.conn, &person_id)?;
            if person.role != role {
                return Err(Error::invalid("profile", Problem::Malformed));
            }
            if let Profile::Caregiver { profile } = &profile {
                load_person_with_role(
                    &tx.conn,
                    "survivor_id",
                    &profile.survivor_id,
                    Role::Survivor,
                )?;
            }
            tx.upsert(collection, &person_id, cols)?;
            Ok(())
        })
    }

    /// A person's profile, if one was saved.
    pub fn profile(&self, person_id: &str) -> Result<Option<Profile>> {
        let id = parse_id("person_id", person_id)?;
        self.read(|c| {
            let person = load_person(c, &id)?;
            load_profile(c, &person)
        })
    }
}

/// Validates a profile and turns it into its table's columns.
fn profile_columns(profile: &Profile, now: Millis) -> Result<(String, Role, Collection, Vec<Col>)> {
    Ok(match profile {
        Profile::Survivor { profile: p } => {
            let languages = language_list("preferred_languages", &p.preferred_languages)?;
            if p.communication_needs.len() > CommunicationNeed::ALL.len() {
                return Err(Error::invalid(
                    "communication_needs",
                    Problem::TooMany {
                        max: CommunicationNeed::ALL.len(),
                    },
                ));
            }
            let mut needs = p.communication_needs.clone();
            needs.sort();
            needs.dedup();
            let stroke = day_field("stroke_date", p.stroke_date, now)?;
            let discharge = day_field("discharge_date", p.discharge_date, now)?;
            if let (Some(s), Some(d)) = (stroke, discharge) {
                if d < s {
                    return Err(Error::invalid("discharge_date", Problem::OutOfOrder));
                }
            }
            let cols = vec![
                ("preferred_languages", Value::Text(codes_json(&languages))),
                ("communication_needs", Value::Text(codes_json(&needs))),
                (
                    "home_area",
                    optional_text("home_area", p.home_area.as_deref(), SHORT_TEXT_MAX)?.into(),
                ),
                ("stroke_date", stroke.into()),
                ("discharge_date", discharge.into()),
                (
                    "goals",
                    Value::Text(codes_json(&text_list("goals", &p.goals, GOAL_MAX)?)),
                ),
            ];
            (
                parse_id("person_id", &p.person_id)?,
                Role::Survivor,
                Collection::SurvivorProfile,
                cols,
            )
        }
        Profile::Mentor { profile: p } => {
            in_range("capacity", i64::from(p.capacity), 1, LIST_MAX as i64)?;
            let cols = vec![
                (
                    "languages",
                    Value::Text(codes_json(&language_list("languages", &p.languages)?)),
                ),
                ("capacity", Value::Integer(i64::from(p.capacity))),
                (
                    "availability",
                    optional_text("availability", p.availability.as_deref(), SHORT_TEXT_MAX)?
                        .into(),
                ),
            ];
            (
                parse_id("person_id", &p.person_id)?,
                Role::Mentor,
                Collection::MentorProfile,
                cols,
            )
        }
        Profile::Caregiver { profile: p } => {
            let cols = vec![
                (
                    "survivor_id",
                    Value::Text(parse_id("survivor_id", &p.survivor_id)?),
                ),
                ("relationship", p.relationship.into()),
            ];
            (
                parse_id("person_id", &p.person_id)?,
                Role::Caregiver,
                Collection::CaregiverProfile,
                cols,
            )
        }
        Profile::Professional { profile: p } => {
            let cols = vec![
                (
                    "team",
                    Value::Text(required_text("team", &p.team, SHORT_TEXT_MAX)?),
                ),
                ("job_role", p.job_role.into()),
            ];
            (
                parse_id("person_id", &p.person_id)?,
                Role::Professional,
                Collection::ProfessionalProfile,
                cols,
            )
        }
    })
}

pub(crate) fn load_profile(c: &Connection, person: &Person) -> Result<Option<Profile>> {
    let id = person.id.as_str();
    let profile = match person.role {
        Role::Survivor => c
            .prepare_cached(
                "SELECT preferred_languages, communication_needs, home_area, stroke_date, discharge_date, goals
                 FROM survivor_profile WHERE person_id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Profile::Survivor {
                    profile: SurvivorProfile {
                        person_id: id.to_owned(),
                        preferred_languages: from_json(&r.get::<_, String>(0)?)?,
                        communication_needs: from_json(&r.get::<_, String>(1)?)?,
                        home_area: r.get(2)?,
                        stroke_date: r.get(3)?,
                        discharge_date: r.get(4)?,
                        goals: from_json(&r.get::<_, String>(5)?)?,
                    },
                })
            })
            .optional()?,
        Role::Mentor => c
            .prepare_cached("SELECT languages, capacity, availability FROM mentor_profile WHERE person_id = ?1")?
            .query_row([id], |r| {
                Ok(Profile::Mentor {
                    profile: MentorProfile {
                        person_id: id.to_owned(),
                        languages: from_json(&r.get::<_, String>(0)?)?,
                        capacity: r.get(1)?,
                        availability: r.get(2)?,
                    },
                })
            })
            .optional()?,
        Role::Caregiver => c
            .prepare_cached("SELECT survivor_id, relationship FROM caregiver_profile WHERE person_id = ?1")?
            .query_row([id], |r| {
                Ok(Profile::Caregiver {
                    profile: CaregiverProfile { person_id: id.to_owned(), survivor_id: r.get(0)?, relationship: r.get(1)? },
                })
            })
            .optional()?,
        Role::Professional => c
            .prepare_cached("SELECT team, job_role FROM professional_profile WHERE person_id = ?1")?
            .query_row([id], |r| {
                Ok(Profile::Professional {
                    profile: ProfessionalProfile { person_id: id.to_owned(), team: r.get(0)?, job_role: r.get(1)? },
                })
            })
            .optional()?,
    };
    Ok(profile)
}
