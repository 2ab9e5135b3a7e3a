//! Accounts over the public API, on SQLite and PostgreSQL: only a professional responsible for
//! a person hands them a new enrolment code (a refused request changes nothing and is
//! audited), a refresh token presented again within the retry grace leaves exactly one
//! live chain of tokens, and signing out ends one session and tells nothing.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use passerelle_core::Clock;
use passerelle_core::store::SCHEMA_VERSION;
use passerelle_core::sync::protocol::{EnrolResponse, Tokens};
use passerelle_server::auth::REFRESH_RETRY_GRACE_MS;
use passerelle_server::{ApiRequest, ApiResponse, Config, Method};
use passerelle_tests::harness::{StoreKind, TestServer, seeded, store_kinds};
use serde_json::{Value, json};

fn post(server: &TestServer, path: &str, bearer: Option<&str>, body: &Value) -> ApiResponse {
    server.service.handle(&ApiRequest {
        method: Method::Post,
        path: path.to_owned(),
        bearer: bearer.map(str::to_owned),
        client: "192.0.2.8".into(),
        body: serde_json::to_vec(body).unwrap(),
    })
}

fn body(r: &ApiResponse) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// Enrols a new device with `code`: the answer.
fn try_enrol(server: &TestServer, code: &str) -> ApiResponse {
    let device = uuid::Uuid::now_v7().to_string();
    post(
        server,
        "/v1/auth/enrol",
        None,
        &json!({ "code": code, "device_id": device }),
    )
}

/// Enrols a new device with `code`: (person id, tokens).
fn enrol(server: &TestServer, code: &str) -> (String, Tokens) {
    let r = try_enrol(server, code);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let e: EnrolResponse = serde_json::from_slice(&r.body).unwrap();
    (e.person_id, e.tokens)
}

/// Whether an access token still gets a pull answered.
fn pulls(server: &TestServer, access: &str) -> bool {
    let pull = json!({ "schema_version": SCHEMA_VERSION, "cursors": {}, "limit": 1 });
    let status = post(server, "/v1/sync/pull", Some(access), &pull).status;
    assert!(status == 200 || status == 401, "{status}");
    status == 200
}

fn refresh(server: &TestServer, refresh_token: &str) -> ApiResponse {
    post(
        server,
        "/v1/auth/refresh",
        None,
        &json!({ "refresh_token": refresh_token }),
    )
}

fn refreshed(server: &TestServer, refresh_token: &str) -> Tokens {
    let r = refresh(server, refresh_token);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    serde_json::from_slice(&r.body).unwrap()
}

/// `who` asks for a new code for `person`: the answer.
fn ask_code(server: &TestServer, who: &Tokens, person: &str) -> ApiResponse {
    post(
        server,
        &format!("/v1/people/{person}/enrolment-code"),
        Some(&who.access_token),
        &Value::Null,
    )
}

/// The refusal every request for someone else's person gets: the typed "not allowed" error,
/// naming no one.
fn assert_refused(r: &ApiResponse, person: &str) {
    let text = String::from_utf8_lossy(&r.body).into_owned();
    assert_eq!(r.status, 403, "{text}");
    let b = body(r);
    assert_eq!(b["error"], "forbidden");
    assert!(b.get("enrolment_code").is_none(), "{text}");
    assert!(!text.contains(person), "{text}");
}

#[test]
fn only_a_responsible_professional_issues_enrolment_codes() {
    for kind in store_kinds() {
        codes_on(kind);
    }
}

fn codes_on(kind: StoreKind) {
    let server = TestServer::start_on(kind, Config::default(), Clock::system());
    let people = server.service.seed_demo();
    // Claire enrolled the programme and coordinates Sophie–Marc and Ahmed–Inès (active) and
    // Jeanne–Marc (proposed). Nadia is a second professional Claire enrols.
    let (claire, a) = enrol(&server, &seeded(&people, "Claire").enrolment_code);
    let (sophie, sophie_tokens) = enrol(&server, &seeded(&people, "Sophie").enrolment_code);
    let id = |name: &str| seeded(&people, name).person_id.clone();
    let (marc, ines, paul, jeanne) = (id("Marc"), id("Inès"), id("Paul"), id("Jeanne"));
    let r = post(
        &server,
        "/v1/people",
        Some(&a.access_token),
        &json!({ "role": "professional", "display_name": "Nadia" }),
    );
    assert_eq!(r.status, 200);
    let (nadia, b) = enrol(&server, body(&r)["enrolment_code"].as_str().unwrap());

    // A code Claire issued for Sophie's new phone, not used yet.
    let r = ask_code(&server, &a, &sophie);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let outstanding = body(&r)["enrolment_code"].as_str().unwrap().to_owned();
    assert_eq!(
        server
            .service
            .audit_count("enrolment_code", &sophie, "write"),
        1
    );

    // Nadia is responsible for none of Claire's people, nor for Claire.
    for person in [&sophie, &marc, &ines, &paul, &jeanne, &claire] {
        assert_refused(&ask_code(&server, &b, person), person);
        assert_eq!(
            server
                .service
                .audit_count("enrolment_code", person, "denied"),
            1,
            "the refusal is audited"
        );
    }
    // Nor may anyone but a professional ask, even for themselves.
    let r = ask_code(&server, &sophie_tokens, &sophie);
    assert_eq!(
        (r.status, body(&r)["error"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(
        server
            .service
            .audit_count("enrolment_code", &sophie, "denied"),
        2
    );
    let r = ask_code(&server, &b, "0190f5c2-0000-7000-8000-00000000dead");
    assert_eq!(r.status, 404);

    // The refusals changed nothing: Sophie's session and outstanding code still work, and no
    // code was written for her since Claire's.
    assert!(pulls(&server, &sophie_tokens.access_token));
    assert_eq!(
        server
            .service
            .audit_count("enrolment_code", &sophie, "write"),
        1
    );
    let (again, _) = enrol(&server, &outstanding);
    assert_eq!(again, sophie);

    // Claire may: her own people, and herself. Nadia may for herself.
    for person in [&sophie, &marc, &paul, &nadia, &claire] {
        let r = ask_code(&server, &a, person);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let (signed_in, _) = enrol(&server, body(&r)["enrolment_code"].as_str().unwrap());
        assert_eq!(&signed_in, person);
    }
    let r = ask_code(&server, &b, &nadia);
    assert_eq!(r.status, 200);

    // Nadia cannot make herself responsible for Claire's survivors by proposing a mentorship
    // for one of them: proposing is for the professionals already responsible.
    let r = post(
        &server,
        "/v1/mentorships",
        Some(&b.access_token),
        &json!({ "survivor_id": jeanne, "mentor_id": ines, "planned_contacts": 6, "planned_weeks": 12 }),
    );
    assert_eq!(r.status, 403, "{}", String::from_utf8_lossy(&r.body));
    assert_refused(&ask_code(&server, &b, &jeanne), &jeanne);

    // A mentorship Nadia coordinates for a survivor she enrolled makes her responsible for its
    // mentor while it is under way: not while proposed, not once ended.
    let r = post(
        &server,
        "/v1/people",
        Some(&b.access_token),
        &json!({ "role": "survivor", "display_name": "Rose" }),
    );
    let rose = body(&r)["person_id"].as_str().unwrap().to_owned();
    let r = post(
        &server,
        "/v1/consents",
        Some(&b.access_token),
        &json!({ "survivor_id": rose, "scope": "programme", "granted_at": Clock::system().now() - 60_000 }),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = post(
        &server,
        "/v1/mentorships",
        Some(&b.access_token),
        &json!({ "survivor_id": rose, "mentor_id": ines, "planned_contacts": 6, "planned_weeks": 12 }),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let m = body(&r)["mentorship_id"].as_str().unwrap().to_owned();
    assert_refused(&ask_code(&server, &b, &ines), &ines);
    let act = |action: &str| {
        let r = post(
            &server,
            &format!("/v1/mentorships/{m}/{action}"),
            Some(&b.access_token),
            &json!({ "reason": "completed" }),
        );
        assert_eq!(
            r.status,
            200,
            "{action}: {}",
            String::from_utf8_lossy(&r.body)
        );
    };
    act("activate");
    let r = ask_code(&server, &b, &ines);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    act("end");
    assert_refused(&ask_code(&server, &b, &ines), &ines);
    // Her own survivor, always.
    assert_eq!(ask_code(&server, &b, &rose).status, 200);
    // Still not Claire's others.
    assert_refused(&ask_code(&server, &b, &sophie), &sophie);
}

/// Server time under the test's control.
fn moving_clock() -> (Arc<AtomicI64>, Clock) {
    let now = Arc::new(AtomicI64::new(Clock::system().now()));
    let clock = {
        let now = now.clone();
        Clock::from_fn(move || now.load(Ordering::SeqCst))
    };
    (now, clock)
}

#[test]
fn a_refresh_retried_within_the_grace_leaves_one_chain() {
    for kind in store_kinds() {
        retried_on(kind);
    }
}

fn retried_on(kind: StoreKind) {
    let (now, clock) = moving_clock();
    let server = TestServer::start_on(kind, Config::default(), clock);
    let people = server.service.seed_demo();

    // The answer to the first refresh is lost; the device retries with the same token twice.
    let (_, enrolled) = enrol(&server, &seeded(&people, "Sophie").enrolment_code);
    let lost = refreshed(&server, &enrolled.refresh_token);
    now.fetch_add(30_000, Ordering::SeqCst);
    let lost_again = refreshed(&server, &enrolled.refresh_token);
    now.fetch_add(30_000, Ordering::SeqCst);
    let kept = refreshed(&server, &enrolled.refresh_token);
    // Only the newest pair lives; the chain goes on from it.
    assert!(!pulls(&server, &lost.access_token), "replaced by the retry");
    assert!(
        !pulls(&server, &lost_again.access_token),
        "replaced by the retry"
    );
    assert!(pulls(&server, &kept.access_token));
    let next = refreshed(&server, &kept.refresh_token);
    assert!(pulls(&server, &next.access_token));

    // A replaced refresh token presented later means two holders of one chain: refused, and
    // the whole family with it.
    let r = refresh(&server, &lost.refresh_token);
    assert_eq!(
        (r.status, body(&r)["error"].as_str()),
        (401, Some("unauthorized"))
    );
    assert!(!pulls(&server, &next.access_token), "the family is revoked");
    assert_eq!(refresh(&server, &next.refresh_token).status, 401);
}

#[test]
fn a_retry_after_the_pair_was_used_revokes_the_family() {
    for kind in store_kinds() {
        used_on(kind);
    }
}

fn used_on(kind: StoreKind) {
    let (now, clock) = moving_clock();
    let server = TestServer::start_on(kind, Config::default(), clock);
    let people = server.service.seed_demo();

    // The device received the pair and already refreshed it: a copy of the first token
    // presented within the grace is not a lost answer.
    let (_, enrolled) = enrol(&server, &seeded(&people, "Marc").enrolment_code);
    let received = refreshed(&server, &enrolled.refresh_token);
    now.fetch_add(60_000, Ordering::SeqCst);
    let current = refreshed(&server, &received.refresh_token);
    now.fetch_add(60_000, Ordering::SeqCst);
    let r = refresh(&server, &enrolled.refresh_token);
    assert_eq!(r.status, 401, "a copy");
    assert!(
        !pulls(&server, &current.access_token),
        "the family is revoked"
    );
    assert_eq!(refresh(&server, &current.refresh_token).status, 401);

    // Outside the grace, as before: a spent token revokes its family.
    let (_, enrolled) = enrol(&server, &seeded(&people, "Ahmed").enrolment_code);
    let current = refreshed(&server, &enrolled.refresh_token);
    now.fetch_add(REFRESH_RETRY_GRACE_MS + 1, Ordering::SeqCst);
    assert_eq!(refresh(&server, &enrolled.refresh_token).status, 401);
    assert!(!pulls(&server, &current.access_token));
    assert_eq!(refresh(&server, &current.refresh_token).status, 401);
}

#[test]
fn signing_out_ends_one_family_and_tells_nothing() {
    for kind in store_kinds() {
        signs_out_on(kind);
    }
}

fn signs_out_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let (_, marc) = enrol(&server, &seeded(&people, "Marc").enrolment_code);
    let (_, sophie) = enrol(&server, &seeded(&people, "Sophie").enrolment_code);
    let sign_out = |token: &str| {
        post(
            &server,
            "/v1/auth/sign-out",
            None,
            &json!({ "refresh_token": token }),
        )
    };

    // A token nobody holds, an access token, a malformed body: answered without effect.
    let unknown = sign_out("0".repeat(64).as_str());
    assert_eq!(unknown.status, 200);
    assert_eq!(body(&unknown), json!({ "signed_out": true }));
    assert_eq!(sign_out(&marc.access_token).status, 200);
    assert!(
        pulls(&server, &marc.access_token),
        "an access token ends nothing"
    );
    let malformed = post(&server, "/v1/auth/sign-out", None, &json!({ "token": 1 }));
    assert_eq!(malformed.status, 400);

    // Marc's refresh token: his whole family goes, Sophie's session stays.
    assert_eq!(sign_out(&marc.refresh_token).status, 200);
    assert!(!pulls(&server, &marc.access_token));
    let again = refresh(&server, &marc.refresh_token);
    assert_eq!(again.status, 401);
    assert_eq!(
        body(&again)["error"],
        "unauthorized",
        "signed out, not closed: a new code signs him in again"
    );
    assert!(pulls(&server, &sophie.access_token));
    assert_eq!(
        sign_out(&marc.refresh_token).status,
        200,
        "twice, the same answer"
    );
}
