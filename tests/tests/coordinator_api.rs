//! The coordinator's operations over the API, on both stores: proposing a mentorship and
//! taking it through its lifecycle (activate only with the survivor's consent, pause, end with
//! a reason, never twice), and an escalation raised on a mentor's phone listed, acknowledged and
//! resolved at the coordinator's desk — each step refused to anyone else, and every refusal
//! leaving the stored rows as they were.
#![allow(clippy::unwrap_used)]

use passerelle_core::{CheckInInput, ConcernCategory, NewConcern, Urgency};
use passerelle_server::Method;
use passerelle_tests::api::{ApiClient, uuid_from};
use passerelle_tests::harness::{Device, StoreKind, TestServer, contact, seeded, store_kinds};
use serde_json::{Value as Json, json};

fn client(server: &TestServer, code: &str, n: u8) -> ApiClient {
    ApiClient::enrol(server.service.clone(), code, &uuid_from([n; 16]))
}

/// Status and error code of a call.
fn outcome(c: &ApiClient, method: Method, path: &str, body: &Json) -> (u16, String) {
    let answer = c.call(method, path, body);
    let code = answer.body["error"].as_str().unwrap_or_default().to_owned();
    (answer.status, code)
}

fn stored(server: &TestServer, collection: &str, id: &str) -> Json {
    server.service.stored_row(collection, id).unwrap()
}

#[test]
fn a_mentorship_goes_through_its_lifecycle_at_the_coordinators_desk() {
    for kind in store_kinds() {
        lifecycle_on(kind);
    }
}

fn lifecycle_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let claire = client(&server, &seeded(&people, "Claire").enrolment_code, 1);
    let marc = client(&server, &seeded(&people, "Marc").enrolment_code, 2);
    let marc_id = seeded(&people, "Marc").person_id.clone();
    let now = passerelle_core::Clock::system().now();

    let lucie = claire.post_ok(
        "/v1/people",
        &json!({"role": "survivor", "display_name": "Lucie"}),
    );
    let lucie_id = lucie["person_id"].as_str().unwrap().to_owned();
    let other = claire.post_ok(
        "/v1/people",
        &json!({"role": "professional", "display_name": "Nadia"}),
    );
    let nadia = client(&server, other["enrolment_code"].as_str().unwrap(), 3);

    let proposal = json!({"survivor_id": lucie_id, "mentor_id": marc_id,
                          "planned_contacts": 6, "planned_weeks": 12, "matching_notes": "both from Villeurbanne"});
    assert_eq!(
        outcome(&marc, Method::Post, "/v1/mentorships", &proposal).0,
        403,
        "a mentor does not propose mentorships"
    );
    let id = claire.post_ok("/v1/mentorships", &proposal)["mentorship_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let status = |server: &TestServer| stored(server, "mentorship", &id)["status"].clone();
    assert_eq!(status(&server), "proposed");
    let path = |action: &str| format!("/v1/mentorships/{id}/{action}");

    // Not before the survivor consents to take part.
    assert_eq!(
        outcome(&claire, Method::Post, &path("activate"), &Json::Null),
        (409, "invalid_state".into())
    );
    assert_eq!(status(&server), "proposed");
    claire.post_ok(
        "/v1/consents",
        &json!({"survivor_id": lucie_id, "scope": "programme", "granted_at": now - 60_000}),
    );
    // Only the mentorship's coordinator moves it.
    for (who, c) in [("another professional", &nadia), ("the mentor", &marc)] {
        assert_eq!(
            outcome(c, Method::Post, &path("activate"), &Json::Null).0,
            403,
            "{who} activated it"
        );
    }
    assert_eq!(status(&server), "proposed");
    claire.post_ok(&path("activate"), &Json::Null);
    assert_eq!(status(&server), "active");
    assert!(stored(&server, "mentorship", &id)["started_at"].is_i64());
    claire.post_ok(&path("pause"), &json!({"note": "in hospital for a week"}));
    assert_eq!(status(&server), "paused");
    claire.post_ok(&path("activate"), &Json::Null);
    assert_eq!(status(&server), "active");

    assert_eq!(
        outcome(
            &claire,
            Method::Post,
            &path("end"),
            &json!({"reason": "bored"})
        ),
        (400, "invalid".into()),
        "an unknown ending reason"
    );
    assert_eq!(status(&server), "active");
    claire.post_ok(&path("end"), &json!({"reason": "completed"}));
    let ended = stored(&server, "mentorship", &id);
    assert_eq!(
        (&ended["status"], &ended["ending_reason"]),
        (&json!("ended"), &json!("completed"))
    );
    assert!(ended["ended_at"].is_i64());
    for action in ["end", "activate", "pause"] {
        assert_eq!(
            outcome(
                &claire,
                Method::Post,
                &path(action),
                &json!({"reason": "completed"})
            ),
            (409, "invalid_state".into()),
            "{action} after the end"
        );
    }
    assert_eq!(
        outcome(
            &claire,
            Method::Post,
            &path("reassign"),
            &json!({"mentor_id": marc_id})
        ),
        (409, "invalid_state".into())
    );
    assert_eq!(stored(&server, "mentorship", &id), ended, "nothing changed");
}

#[test]
fn an_escalation_is_listed_acknowledged_and_resolved_by_its_coordinator() {
    for kind in store_kinds() {
        escalation_on(kind);
    }
}

fn escalation_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    mentor.sync();
    let claire = client(&server, &seeded(&people, "Claire").enrolment_code, 1);
    let marc_id = &seeded(&people, "Marc").person_id;
    let code = claire.post_ok(&format!("/v1/people/{marc_id}/enrolment-code"), &Json::Null);
    let marc = client(&server, code["enrolment_code"].as_str().unwrap(), 2);
    let other = claire.post_ok(
        "/v1/people",
        &json!({"role": "professional", "display_name": "Nadia"}),
    );
    let nadia = client(&server, other["enrolment_code"].as_str().unwrap(), 3);

    let raised = raise_concern(&mentor);
    mentor.sync();

    let listed = |c: &ApiClient| -> Vec<(String, String)> {
        let answer = c.call(Method::Get, "/v1/escalations", &Json::Null);
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["escalation"]["id"].as_str().unwrap().to_owned(),
                    e["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let audited = || server.service.audit_count("escalation", &raised.id, "read");
    let before = audited();
    assert_eq!(listed(&claire), [(raised.id.clone(), "open".to_owned())]);
    assert_eq!(audited(), before + 1, "listing it is an audited read");
    assert!(listed(&nadia).is_empty(), "not assigned to her");
    assert_eq!(
        outcome(&marc, Method::Get, "/v1/escalations", &Json::Null).0,
        403
    );

    let path = |step: &str| format!("/v1/escalations/{}/{step}", raised.id);
    assert_eq!(
        outcome(
            &nadia,
            Method::Post,
            &path("acknowledge"),
            &json!({"note": "seen"})
        )
        .0,
        403,
        "another professional does not handle it"
    );
    claire.post_ok(&path("acknowledge"), &json!({"note": "Calling today"}));
    assert_eq!(
        listed(&claire),
        [(raised.id.clone(), "acknowledged".to_owned())]
    );
    assert_eq!(
        outcome(
            &claire,
            Method::Post,
            &path("resolve"),
            &json!({"note": "  "})
        ),
        (400, "invalid".into()),
        "resolving says what was done"
    );
    assert_eq!(
        listed(&claire),
        [(raised.id.clone(), "acknowledged".to_owned())]
    );
    claire.post_ok(&path("resolve"), &json!({"note": "GP saw her"}));
    assert!(
        listed(&claire).is_empty(),
        "resolved escalations leave the list"
    );
    assert_eq!(
        outcome(
            &claire,
            Method::Post,
            &path("resolve"),
            &json!({"note": "again"})
        ),
        (409, "invalid_state".into())
    );

    // The acknowledgement and resolution reach the mentor's phone.
    mentor.sync();
    let seen = mentor.store.escalation(&raised.id).unwrap();
    assert_eq!(
        seen.status,
        passerelle_core::EscalationStatus::Resolved,
        "{seen:?}"
    );
}

/// A check-in by `mentor` raising a concern about their first mentee.
fn raise_concern(mentor: &Device) -> passerelle_core::Escalation {
    let sophie = mentor.store.my_mentorships().unwrap()[0].id.clone();
    mentor
        .store
        .record_checkin(CheckInInput {
            concern: Some(NewConcern {
                category: ConcernCategory::Mood,
                urgency: Urgency::Soon,
                summary: "Low mood".into(),
            }),
            ..contact(&sophie, mentor.store.now() - 600_000, "Sounded low")
        })
        .unwrap()
        .escalation
        .unwrap()
}

#[test]
fn seeding_the_demo_again_reissues_codes_instead_of_enrolling_a_second_programme() {
    for kind in store_kinds() {
        let (server, first) = TestServer::with_demo_on(kind);
        let claire = client(&server, &seeded(&first, "Claire").enrolment_code, 1);
        let people = |c: &ApiClient| {
            c.pull_everything()
                .rows
                .keys()
                .filter(|(collection, _)| collection == "person")
                .count()
        };
        let before = people(&claire);
        let again = server.service.seed_demo();
        let ids = |s: &[passerelle_server::demo::SeededPerson]| {
            let mut v: Vec<(String, String)> = s
                .iter()
                .map(|p| (p.display_name.clone(), p.person_id.clone()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(ids(&again), ids(&first), "the same people");
        assert_eq!(people(&claire), before, "nobody enrolled twice");
        // The new codes sign the same people in; the first ones still work until used.
        let sophie = client(&server, &seeded(&again, "Sophie").enrolment_code, 4);
        assert_eq!(sophie.person_id, seeded(&first, "Sophie").person_id);
        let marc = client(&server, &seeded(&first, "Marc").enrolment_code, 5);
        assert_eq!(marc.person_id, seeded(&again, "Marc").person_id);
    }
}
