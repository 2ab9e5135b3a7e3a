//! Bootstrapping and the demo programme: the first coordinator is created by the server itself
//! (no professional exists yet to enrol them); `--seed-demo` then enrols a small programme so
//! an app can connect and try every screen.

use passerelle_core::Role;
use passerelle_core::sync::protocol::Op;
use serde::Serialize;
use serde_json::json;

use crate::auth::Actor;
use crate::coordinator::{
    self, ActionRequest, Ctx, NewConsentRequest, NewMentorshipRequest, NewPersonRequest,
};
use crate::error::ApiError;
use crate::rows;
use crate::service::Service;
use crate::store::ServerStore;

/// A person the seed enrolled, with their one-time code.
#[derive(Debug, Clone, Serialize)]
pub struct SeededPerson {
    /// Role code.
    pub role: String,
    /// Display name.
    pub display_name: String,
    /// Person id.
    pub person_id: String,
    /// One-time enrolment code.
    pub enrolment_code: String,
}

fn profile(
    ctx: &mut Ctx<'_, '_>,
    collection: &str,
    person: &str,
    fields: serde_json::Value,
) -> Result<(), ApiError> {
    let row = coordinator::new_row(ctx, "person_id", person, true, fields);
    match ctx
        .writer
        .apply(collection, Op::Insert, person, row, false)?
        .reason
    {
        None => Ok(()),
        Some(_) => Err(ApiError::bad_request("invalid", "profile refused")),
    }
}

/// Marc's first home visit to Sophie, planned by the coordinator for the day after tomorrow at
/// 14:00 UTC, so a survivor's phone has a contact to come from its first sync.
fn plan_first_visit(
    ctx: &mut Ctx<'_, '_>,
    mentorship: &str,
    coordinator: &str,
) -> Result<(), ApiError> {
    let day = passerelle_core::time::DAY_MS;
    let starts_at = (ctx.now / day + 2) * day + 14 * 3_600_000;
    let id = coordinator::new_id();
    let row = coordinator::new_row(
        ctx,
        "id",
        &id,
        true,
        json!({
            "mentorship_id": mentorship, "planned_by": coordinator, "starts_at": starts_at,
            "duration_minutes": 60, "mode": "home_visit", "place": "At home",
            "note": "A first visit to get to know each other", "cancelled_at": null,
            "reply": null, "replied_by": null, "replied_at": null, "replied_for": null,
        }),
    );
    match ctx
        .writer
        .apply("planned_contact", Op::Insert, &id, row, false)?
        .reason
    {
        None => Ok(()),
        Some(_) => Err(ApiError::bad_request("invalid", "planned contact refused")),
    }
}

/// Creates a coordinator and returns their enrolment code.
pub fn bootstrap_coordinator<S: ServerStore>(
    service: &Service<S>,
    name: &str,
    team: &str,
) -> Result<SeededPerson, ApiError> {
    let ttl = service.config().code_ttl_ms;
    service.act_as(&Actor::system(), |ctx| {
        let req = NewPersonRequest {
            role: "professional".into(),
            display_name: name.into(),
            caregiver_of: None,
            relationship: None,
        };
        let enrolled = coordinator::enrol_person(ctx, &Actor::system(), req, ttl)?;
        profile(
            ctx,
            "professional_profile",
            &enrolled.person_id,
            json!({ "team": team, "job_role": "coordinator" }),
        )?;
        Ok(SeededPerson {
            role: "professional".into(),
            display_name: name.into(),
            person_id: enrolled.person_id,
            enrolment_code: enrolled.enrolment_code,
        })
    })
}

/// The relation naming each person of the demo programme (`programme` → person), so seeding
/// a store that already holds it does not enrol a second one.
pub const DEMO_MEMBER: &str = "demo_member";
const DEMO_PROGRAMME: &str = "programme";

/// Enrols the demo programme: a coordinator, two mentors, three survivors, a caregiver;
/// consents; two active mentorships and one proposed; Sophie's first visit planned. On a store that already holds it (the
/// server started again with `--seed-demo`), issues fresh one-time codes to its people instead:
/// the codes printed the first time may be gone, and one demo programme is enough.
pub fn seed<S: ServerStore>(service: &Service<S>) -> Result<Vec<SeededPerson>, ApiError> {
    let members = service
        .store()
        .transaction(|tx| tx.objects(DEMO_MEMBER, DEMO_PROGRAMME))?;
    if !members.is_empty() {
        return issue_codes_as_operator(service, &members);
    }
    let coordinator = bootstrap_coordinator(service, "Claire", "Stroke unit, demo hospital")?;
    let claire = Actor {
        person_id: coordinator.person_id.clone(),
        role: Role::Professional,
        device_id: "server".into(),
    };
    let ttl = service.config().code_ttl_ms;
    let mut people = vec![coordinator];
    let now = passerelle_core::Clock::system().now();
    service.act_as(&claire, |ctx| {
        let mut enrol = |ctx: &mut Ctx<'_, '_>, role: &str, name: &str, caregiver_of: Option<&str>| {
            let req = NewPersonRequest {
                role: role.into(),
                display_name: name.into(),
                caregiver_of: caregiver_of.map(str::to_owned),
                relationship: caregiver_of.map(|_| "spouse_partner".to_owned()),
            };
            let e = coordinator::enrol_person(ctx, &claire, req, ttl)?;
            people.push(SeededPerson {
                role: role.into(),
                display_name: name.into(),
                person_id: e.person_id.clone(),
                enrolment_code: e.enrolment_code,
            });
            Ok::<_, ApiError>(e.person_id)
        };
        let marc = enrol(ctx, "mentor", "Marc", None)?;
        let ines = enrol(ctx, "mentor", "Inès", None)?;
        let sophie = enrol(ctx, "survivor", "Sophie", None)?;
        let ahmed = enrol(ctx, "survivor", "Ahmed", None)?;
        let jeanne = enrol(ctx, "survivor", "Jeanne", None)?;
        let paul = enrol(ctx, "caregiver", "Paul", Some(&sophie))?;
        for (mentor, languages) in [(&marc, r#"["fr","en"]"#), (&ines, r#"["fr","ar"]"#)] {
            profile(ctx, "mentor_profile", mentor, json!({ "languages": languages, "capacity": 4, "availability": "weekday afternoons" }))?;
        }
        for (survivor, needs) in [(&sophie, r#"["aphasia"]"#), (&ahmed, r#"["fatigue"]"#), (&jeanne, r#"["low_vision"]"#)] {
            profile(
                ctx,
                "survivor_profile",
                survivor,
                json!({ "preferred_languages": r#"["fr"]"#, "communication_needs": needs, "home_area": "Lyon",
                        "stroke_date": null, "discharge_date": null, "goals": r#"["get back to the garden"]"# }),
            )?;
            coordinator::grant_consent(
                ctx,
                &claire,
                NewConsentRequest { survivor_id: survivor.clone(), scope: "programme".into(), caregiver_id: None, granted_at: now },
            )?;
        }
        coordinator::grant_consent(
            ctx,
            &claire,
            NewConsentRequest {
                survivor_id: sophie.clone(),
                scope: "share_with_caregiver".into(),
                caregiver_id: Some(paul),
                granted_at: now,
            },
        )?;
        for (survivor, mentor, activate) in [(&sophie, &marc, true), (&ahmed, &ines, true), (&jeanne, &marc, false)] {
            let m = coordinator::propose(
                ctx,
                &claire,
                NewMentorshipRequest {
                    survivor_id: survivor.clone(),
                    mentor_id: mentor.clone(),
                    planned_contacts: 6,
                    planned_weeks: 12,
                    matching_notes: None,
                },
            )?;
            if activate {
                coordinator::act(ctx, &claire, &m, "activate", ActionRequest::default())?;
                if survivor == &sophie {
                    plan_first_visit(ctx, &m, &claire.person_id)?;
                }
            }
        }
        Ok(())
    })?;
    service.store().transaction(|tx| {
        for p in &people {
            tx.add_relation(DEMO_MEMBER, DEMO_PROGRAMME, &p.person_id)?;
        }
        Ok::<_, ApiError>(())
    })?;
    Ok(people)
}

/// A fresh one-time enrolment code for each of `people`, issued by the server's operator (the
/// command line): how someone nobody in the programme may issue a code for — the first
/// coordinator after losing their phone — signs in again. Their other devices stay signed in.
///
/// # Errors
/// `not_found` if one of them does not exist (and then no code is issued).
pub fn issue_codes_as_operator<S: ServerStore>(
    service: &Service<S>,
    people: &[String],
) -> Result<Vec<SeededPerson>, ApiError> {
    let ttl = service.config().code_ttl_ms;
    service.act_as(&Actor::system(), |ctx| {
        let mut issued = Vec::new();
        for id in people {
            let person = rows::load(ctx.writer.tx(), "person", id)?
                .ok_or(ApiError::not_found("no such person"))?;
            let enrolled = coordinator::issue_code(ctx.writer.tx(), id, ctx.now, ttl)?;
            issued.push(SeededPerson {
                role: rows::text(&person, "role").unwrap_or_default().to_owned(),
                display_name: rows::text(&person, "display_name")
                    .unwrap_or_default()
                    .to_owned(),
                person_id: id.clone(),
                enrolment_code: enrolled.enrolment_code,
            });
        }
        // Listed as the first seed lists them: the coordinator, mentors, survivors, caregivers.
        let rank = |role: &str| {
            ["professional", "mentor", "survivor", "caregiver"]
                .iter()
                .position(|r| *r == role)
        };
        issued.sort_by_key(|p| rank(&p.role));
        Ok(issued)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{ApiRequest, Config, Method};
    use crate::store::sqlite::SqliteStore;

    fn enrol(service: &Service<SqliteStore>, code: &str, device: &str) -> (u16, String) {
        let body = serde_json::to_vec(&json!({ "code": code, "device_id": device })).unwrap();
        let answer = service.handle(&ApiRequest {
            method: Method::Post,
            path: "/v1/auth/enrol".into(),
            bearer: None,
            client: "test".into(),
            body,
        });
        let person =
            serde_json::from_slice::<serde_json::Value>(&answer.body).unwrap()["person_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
        (answer.status, person)
    }

    /// The operator's code signs the first coordinator in again on a new phone; an unknown
    /// person gets no code.
    #[test]
    fn the_operator_issues_codes_to_people_already_enrolled() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let service = Service::new(store, Config::default(), passerelle_core::Clock::system());
        let claire = bootstrap_coordinator(&service, "Claire", "Stroke unit").unwrap();
        let phone = "01900000-0000-7000-8000-0000000000e1";
        assert_eq!(enrol(&service, &claire.enrolment_code, phone).0, 200);

        let again =
            issue_codes_as_operator(&service, std::slice::from_ref(&claire.person_id)).unwrap();
        let new_phone = "01900000-0000-7000-8000-0000000000e2";
        assert_eq!(
            enrol(&service, &again[0].enrolment_code, new_phone),
            (200, claire.person_id.clone())
        );
        let unknown = "01900000-0000-7000-8000-0000000000ff".to_owned();
        let refused = issue_codes_as_operator(&service, &[claire.person_id, unknown]);
        assert_eq!(refused.unwrap_err().status, 404);
    }
}
