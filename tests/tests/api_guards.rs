//! The server's guards, request by request: replayed and duplicated pushes have no second
//! effect; a mutation from a newer app is refused with a retryable reason and kept on the
//! device; a client clock days ahead is clamped; oversized, malformed and over-long requests
//! are refused with a clear code; expired, forged and reused tokens are refused, reusing a
//! spent refresh token within the short retry grace revokes the pair it was exchanged for, and
//! after the grace revokes its family; a refused edit comes back with the row as it stands, to
//! those who read it.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use passerelle_core::store::SCHEMA_VERSION;
use passerelle_core::sync::protocol::{
    EnrolResponse, Mutation, MutationStatus, Op, PushRequest, PushResponse, Tokens, WireRow,
};
use passerelle_core::{
    CheckInInput, Clock, ContactMode, Error, HttpTransport, MessageStatus, Problem, Reached,
    SyncError, Transport,
};
use passerelle_server::error::ApiError;
use passerelle_server::{ApiRequest, ApiResponse, Config, Method};
use passerelle_tests::api::{ApiClient, uuid_from};
use passerelle_tests::harness::{Device, StoreKind, TestServer, contact, seeded, store_kinds};
use serde_json::{Value, json};

const DAY: i64 = 86_400_000;

fn post(server: &TestServer, path: &str, bearer: Option<&str>, body: &Value) -> ApiResponse {
    server.service.handle(&ApiRequest {
        method: Method::Post,
        path: path.to_owned(),
        bearer: bearer.map(str::to_owned),
        client: "192.0.2.7".into(),
        body: serde_json::to_vec(body).unwrap(),
    })
}

fn error_code(r: &ApiResponse) -> String {
    serde_json::from_slice::<Value>(&r.body).unwrap()["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Enrols `name` in process and returns (person id, tokens).
fn enrol(server: &TestServer, code: &str) -> (String, Tokens) {
    let device = uuid::Uuid::now_v7().to_string();
    let r = post(
        server,
        "/v1/auth/enrol",
        None,
        &json!({ "code": code, "device_id": device }),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let e: EnrolResponse = serde_json::from_slice(&r.body).unwrap();
    (e.person_id, e.tokens)
}

/// A check-in row by `mentor` on `mentorship`, stamped `hlc`.
fn checkin(mentorship: &str, mentor: &str, hlc: i64, now: i64) -> WireRow {
    let id = uuid::Uuid::now_v7().to_string();
    let v = json!({
        "id": id, "checkin_id": id, "version": 1, "supersedes": null, "mentorship_id": mentorship,
        "author_id": mentor, "occurred_at": now - 3_600_000, "mode": ContactMode::Phone.code(),
        "duration_minutes": 20, "reached": Reached::Survivor.code(), "dimensions": 4, "wellbeing": 3,
        "notes": "call", "resources_shared": "[]", "follow_up_action": null, "follow_up_due": null,
        "follow_up_done_at": null, "amendment_reason": null, "created_at": now,
        "origin": uuid::Uuid::now_v7().to_string(), "hlc": hlc,
    });
    let Value::Object(m) = v else {
        unreachable!("an object literal")
    };
    m
}

fn push(
    server: &TestServer,
    token: &str,
    schema_version: i64,
    rows: &[WireRow],
    first_id: i64,
) -> ApiResponse {
    let ids: Vec<i64> = (first_id..).take(rows.len()).collect();
    push_as(server, token, schema_version, rows, &ids)
}

/// Pushes check-in rows under the mutation ids given, one for each.
fn push_as(
    server: &TestServer,
    token: &str,
    schema_version: i64,
    rows: &[WireRow],
    ids: &[i64],
) -> ApiResponse {
    let mutations: Vec<Mutation> = rows
        .iter()
        .zip(ids)
        .map(|(row, id)| Mutation {
            mutation_id: *id,
            collection: "checkin".into(),
            op: Op::Insert,
            row_id: row["id"].as_str().unwrap().to_owned(),
            row: row.clone(),
        })
        .collect();
    post(
        server,
        "/v1/sync/push",
        Some(token),
        &serde_json::to_value(PushRequest {
            schema_version,
            mutations,
        })
        .unwrap(),
    )
}

fn results(r: &ApiResponse) -> PushResponse {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    serde_json::from_slice(&r.body).unwrap()
}

#[test]
fn pushes_are_idempotent_versioned_and_clock_clamped() {
    for kind in store_kinds() {
        pushes_on(kind);
    }
}

fn pushes_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let (marc, tokens) = enrol(&server, &seeded(&people, "Marc").enrolment_code);
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Claire").enrolment_code);
    mentor.sync();
    let mentorship = mentor
        .store
        .my_mentorships()
        .unwrap()
        .into_iter()
        .find(|m| m.mentor_id == marc && m.status == passerelle_core::MentorshipStatus::Active)
        .unwrap()
        .id;
    let now = Clock::system().now();
    let rows = vec![
        checkin(&mentorship, &marc, now << 16, now),
        checkin(&mentorship, &marc, (now << 16) + 1, now),
    ];

    // The same batch twice (a reply lost, the device retried): stored once.
    let first = results(&push(
        &server,
        &tokens.access_token,
        SCHEMA_VERSION,
        &rows,
        1,
    ));
    assert!(
        first
            .results
            .iter()
            .all(|r| r.status == MutationStatus::Applied),
        "{first:?}"
    );
    let again = results(&push(
        &server,
        &tokens.access_token,
        SCHEMA_VERSION,
        &rows,
        1,
    ));
    assert!(
        again
            .results
            .iter()
            .all(|r| r.status == MutationStatus::Duplicate),
        "{again:?}"
    );
    // The same rows under new mutation ids (a device that lost its outbox acknowledgement and
    // re-stamped): append-only rows already stored identically are accepted without change.
    let replay = results(&push(
        &server,
        &tokens.access_token,
        SCHEMA_VERSION,
        &rows,
        10,
    ));
    assert!(
        replay
            .results
            .iter()
            .all(|r| r.status == MutationStatus::Applied)
    );
    mentor.sync();
    let timeline = mentor.store.mentorship_timeline(&mentorship).unwrap();
    let checkins = timeline
        .iter()
        .filter(|e| matches!(e, passerelle_core::TimelineEntry::CheckIn { .. }))
        .count();
    assert_eq!(checkins, 2, "no double effect");

    // One mutation twice in one batch (a proxy or a client bug repeating it): applied once,
    // the repeat answered as a duplicate.
    let once = checkin(&mentorship, &marc, (now << 16) + 2, now);
    let repeated = results(&push_as(
        &server,
        &tokens.access_token,
        SCHEMA_VERSION,
        &[once.clone(), once],
        &[40, 40],
    ));
    let statuses: Vec<MutationStatus> = repeated.results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [MutationStatus::Applied, MutationStatus::Duplicate]
    );
    mentor.sync();
    let checkins = mentor
        .store
        .mentorship_timeline(&mentorship)
        .unwrap()
        .iter()
        .filter(|e| matches!(e, passerelle_core::TimelineEntry::CheckIn { .. }))
        .count();
    assert_eq!(checkins, 3, "the repeat stored nothing");

    // A mutation from a newer app: refused, retryable, never stored.
    let newer = vec![checkin(&mentorship, &marc, now << 16, now)];
    let refused = results(&push(
        &server,
        &tokens.access_token,
        SCHEMA_VERSION + 1,
        &newer,
        20,
    ));
    let r = &refused.results[0];
    assert_eq!(
        (r.status, r.reason.as_deref(), r.retryable),
        (MutationStatus::Rejected, Some("unsupported_version"), true)
    );
    assert!(
        server
            .service
            .stored_row("checkin", newer[0]["id"].as_str().unwrap())
            .is_none()
    );

    // A client clock three days ahead: the stored stamp is clamped to the server's clock.
    let ahead = vec![checkin(&mentorship, &marc, (now + 3 * DAY) << 16, now)];
    results(&push(
        &server,
        &tokens.access_token,
        SCHEMA_VERSION,
        &ahead,
        30,
    ));
    let stored = server
        .service
        .stored_row("checkin", ahead[0]["id"].as_str().unwrap())
        .unwrap();
    let wall = stored["hlc"].as_i64().unwrap() >> 16;
    assert!(
        wall <= Clock::system().now() + server_skew(),
        "stamp not clamped: {wall} vs {now}"
    );
}

fn server_skew() -> i64 {
    Config::default().max_skew_ms
}

#[test]
fn bad_requests_get_clear_codes() {
    let config = Config {
        max_body_bytes: 64 * 1024,
        requests_per_minute: 40,
        ..Config::default()
    };
    let server = TestServer::start_on(StoreKind::Sqlite, config, Clock::system());
    let people = server.service.seed_demo();
    let (_, tokens) = enrol(&server, &seeded(&people, "Marc").enrolment_code);
    let token = Some(tokens.access_token.as_str());

    let huge = json!({ "schema_version": SCHEMA_VERSION, "mutations": [], "padding": "x".repeat(100_000) });
    let r = post(&server, "/v1/sync/push", token, &huge);
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (413, "payload_too_large")
    );

    let r = server.service.handle(&ApiRequest {
        method: Method::Post,
        path: "/v1/sync/push".into(),
        bearer: token.map(str::to_owned),
        client: "x".into(),
        body: b"{ not json".to_vec(),
    });
    assert_eq!((r.status, error_code(&r).as_str()), (400, "malformed"));
    let r = post(
        &server,
        "/v1/sync/pull",
        token,
        &json!({ "cursors": "everything" }),
    );
    assert_eq!((r.status, error_code(&r).as_str()), (400, "malformed"));
    let r = post(&server, "/v1/no/such/thing", token, &json!({}));
    assert_eq!(r.status, 404);

    // The device's requests per minute are limited.
    let pull = json!({ "schema_version": SCHEMA_VERSION, "cursors": {}, "limit": 10 });
    let statuses: Vec<u16> = (0..60)
        .map(|_| post(&server, "/v1/sync/pull", token, &pull).status)
        .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    let r = post(&server, "/v1/sync/pull", token, &pull);
    assert_eq!((r.status, error_code(&r).as_str()), (429, "rate_limited"));
}

#[test]
fn more_than_500_mutations_in_one_push_are_refused() {
    // Small rows and the default 4 MiB body limit: only the count is over its limit.
    let server = TestServer::start(Config::default());
    let people = server.service.seed_demo();
    let (marc, tokens) = enrol(&server, &seeded(&people, "Marc").enrolment_code);
    let now = Clock::system().now();
    let many: Vec<WireRow> = (0..501)
        .map(|i| {
            checkin(
                &uuid::Uuid::now_v7().to_string(),
                &marc,
                (now << 16) + i,
                now,
            )
        })
        .collect();
    let r = push(&server, &tokens.access_token, SCHEMA_VERSION, &many, 1);
    assert!(r.body.len() < 1000);
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        (r.status, body["error"].as_str(), body["message"].as_str()),
        (
            413,
            Some("payload_too_large"),
            Some("too many mutations in one push")
        ),
    );
    // 500 is within the limit (each row is refused on its own: no such mentorship).
    let r = push(
        &server,
        &tokens.access_token,
        SCHEMA_VERSION,
        &many[..500],
        1,
    );
    let answered = results(&r);
    assert_eq!(answered.results.len(), 500);
}

/// Posts `size` bytes to `path` on `server` over HTTP in chunks, with no `Content-Length`, and
/// returns the answer's status and body.
fn post_chunked(server: &TestServer, path: &str, size: usize) -> (u16, Vec<u8>) {
    let addr = server.url.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = [b' '; 8192];
    let mut sent = 0;
    while sent < size {
        let n = chunk.len().min(size - sent);
        let framed = [format!("{n:x}\r\n").as_bytes(), &chunk[..n], b"\r\n"].concat();
        if stream.write_all(&framed).is_err() {
            break;
        }
        sent += n;
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.as_bytes().to_vec())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn oversized_bodies_over_http_get_the_json_error() {
    let config = Config {
        max_body_bytes: 64 * 1024,
        ..Config::default()
    };
    let server = TestServer::start_on(StoreKind::Sqlite, config, Clock::system());
    let people = server.service.seed_demo();
    let (_, tokens) = enrol(&server, &seeded(&people, "Claire").enrolment_code);
    let expected = ApiError::body_too_large().body();
    let in_process = post(
        &server,
        "/v1/sync/push",
        Some(&tokens.access_token),
        &json!({ "padding": "x".repeat(100_000) }),
    );
    assert_eq!((in_process.status, &in_process.body), (413, &expected));

    // Announced too large (`Content-Length`), through the device's own HTTP client.
    let transport = HttpTransport::new(&server.url).unwrap();
    for size in [64 * 1024 + 1, 5 * 1024 * 1024] {
        let r = transport
            .post(
                "/v1/sync/push",
                Some(&tokens.access_token),
                &vec![b' '; size],
            )
            .unwrap();
        assert_eq!((r.status, &r.body), (413, &expected), "{size} bytes");
    }
    // Found too large while reading (chunked, no length announced).
    let (status, body) = post_chunked(&server, "/v1/sync/push", 200 * 1024);
    assert_eq!((status, &body), (413, &expected));
    // At the limit, the body reaches the service (which finds it is not JSON).
    let r = transport
        .post(
            "/v1/sync/push",
            Some(&tokens.access_token),
            &vec![b' '; 64 * 1024],
        )
        .unwrap();
    assert_eq!(
        (
            r.status,
            error_code(&ApiResponse {
                status: r.status,
                body: r.body
            })
        ),
        (400, "malformed".to_owned())
    );
    let (status, _) = post_chunked(&server, "/v1/sync/push", 64 * 1024);
    assert_eq!(
        status, 401,
        "a body within the limit is read and answered by the service"
    );

    // A device whose push is over the server's limit gets a typed refusal naming it, and
    // keeps every change queued.
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    mentor.sync();
    let sophie = mentor.mentorship_with("Sophie");
    let now = mentor.store.now();
    for i in 0..10 {
        mentor
            .store
            .record_checkin(long_checkin(&sophie, now - 60_000 * (i + 1)))
            .unwrap();
    }
    let refused = mentor.try_sync().unwrap_err();
    assert!(
        matches!(&refused, Error::Sync(SyncError::Refused { code }) if code == "payload_too_large"),
        "{refused:?}"
    );
    assert_eq!(mentor.store.outbox_len().unwrap(), 10);
}

/// A check-in as long as the rules allow: 4,000 two-byte characters of notes and 20 shared
/// resources of 200 (about 16 KB as JSON).
fn long_checkin(mentorship_id: &str, at: i64) -> CheckInInput {
    CheckInInput {
        notes: "é".repeat(4_000),
        resources_shared: (0..20)
            .map(|i| format!("{i:02}{}", "é".repeat(198)))
            .collect(),
        ..contact(mentorship_id, at, "")
    }
}

#[test]
fn messages_over_2000_characters_are_refused_on_the_device_and_by_the_server() {
    let (server, people) = TestServer::with_demo();
    let (survivor, _) = Device::enrol(&server.url, &seeded(&people, "Sophie").enrolment_code);
    let (marc, tokens) = enrol(&server, &seeded(&people, "Marc").enrolment_code);
    survivor.sync();
    let mentorship = survivor
        .store
        .my_mentorships()
        .unwrap()
        .into_iter()
        .find(|m| m.mentor_id == marc)
        .unwrap()
        .id;

    // On the device: 2,001 characters are refused with the field and the limit, and nothing
    // is stored or queued; 2,000 (two-byte) characters are accepted and reach the server.
    let outbox = survivor.store.outbox_len().unwrap();
    let refused = survivor
        .store
        .send_message(&mentorship, &"é".repeat(2_001))
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Invalid {
                field: "body",
                problem: Problem::TooLong { max: 2_000 }
            }
        ),
        "{refused:?}"
    );
    assert_eq!(survivor.store.outbox_len().unwrap(), outbox);
    assert!(
        survivor
            .store
            .conversation(&mentorship, 50)
            .unwrap()
            .messages
            .is_empty()
    );
    let longest = survivor
        .store
        .send_message(&mentorship, &"é".repeat(2_000))
        .unwrap();
    let synced = survivor.sync();
    assert_eq!(synced.rejected, 0);
    assert_eq!(survivor.store.outbox_len().unwrap(), 0);
    assert!(server.service.stored_row("message", &longest.id).is_some());
    assert_ne!(
        survivor
            .store
            .conversation(&mentorship, 50)
            .unwrap()
            .messages[0]
            .status,
        MessageStatus::Pending
    );

    // On the server: a pushed message row over the limit is refused as `invalid`, not stored.
    let now = Clock::system().now();
    let message = |body: String, hlc: i64| {
        let id = uuid::Uuid::now_v7().to_string();
        let Value::Object(row) = json!({
            "id": id, "mentorship_id": mentorship, "sender_id": marc, "kind": "text",
            "body": body, "attachment_ref": null, "created_at": now,
            "origin": uuid::Uuid::now_v7().to_string(), "hlc": hlc,
        }) else {
            unreachable!("an object literal")
        };
        Mutation {
            mutation_id: hlc,
            collection: "message".into(),
            op: Op::Insert,
            row_id: id,
            row,
        }
    };
    let too_long = message("a".repeat(2_001), now << 16);
    let at_limit = message("a".repeat(2_000), (now << 16) + 1);
    let (too_long_id, at_limit_id) = (too_long.row_id.clone(), at_limit.row_id.clone());
    let r = post(
        &server,
        "/v1/sync/push",
        Some(&tokens.access_token),
        &serde_json::to_value(PushRequest {
            schema_version: SCHEMA_VERSION,
            mutations: vec![too_long, at_limit],
        })
        .unwrap(),
    );
    let answered = results(&r);
    let statuses: Vec<_> = answered
        .results
        .iter()
        .map(|r| (r.status, r.reason.clone(), r.retryable))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (MutationStatus::Rejected, Some("invalid".to_owned()), false),
            (MutationStatus::Applied, None, false),
        ]
    );
    assert!(server.service.stored_row("message", &too_long_id).is_none());
    assert!(server.service.stored_row("message", &at_limit_id).is_some());
}

#[test]
fn expired_forged_and_reused_tokens_are_refused() {
    let now = Arc::new(AtomicI64::new(Clock::system().now()));
    let clock = {
        let now = now.clone();
        Clock::from_fn(move || now.load(Ordering::SeqCst))
    };
    let server = TestServer::start_on(StoreKind::Sqlite, Config::default(), clock);
    let people = server.service.seed_demo();
    let (_, tokens) = enrol(&server, &seeded(&people, "Sophie").enrolment_code);
    let pull = json!({ "schema_version": SCHEMA_VERSION, "cursors": {}, "limit": 10 });
    assert_eq!(
        post(&server, "/v1/sync/pull", Some(&tokens.access_token), &pull).status,
        200
    );

    // Forged: a well-formed token the server never issued; or none at all.
    let forged = "ab".repeat(32);
    assert_eq!(
        post(&server, "/v1/sync/pull", Some(&forged), &pull).status,
        401
    );
    assert_eq!(post(&server, "/v1/sync/pull", None, &pull).status, 401);

    // Expired: sixteen minutes later the access token no longer works; the refresh token does.
    now.fetch_add(16 * 60_000, Ordering::SeqCst);
    assert_eq!(
        post(&server, "/v1/sync/pull", Some(&tokens.access_token), &pull).status,
        401
    );
    let r = post(
        &server,
        "/v1/auth/refresh",
        None,
        &json!({ "refresh_token": tokens.refresh_token }),
    );
    assert_eq!(r.status, 200);
    let fresh: Tokens = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        post(&server, "/v1/sync/pull", Some(&fresh.access_token), &pull).status,
        200
    );

    // Presented again within the retry grace (the first answer was lost on the way): a new
    // pair, so a device whose reply was dropped is not locked out; the pair the lost answer
    // carried is revoked, so one chain lives on (tests/tests/account_guards.rs goes further).
    let r = post(
        &server,
        "/v1/auth/refresh",
        None,
        &json!({ "refresh_token": tokens.refresh_token }),
    );
    assert_eq!(r.status, 200, "a retry within the grace period");
    let retried: Tokens = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        post(&server, "/v1/sync/pull", Some(&fresh.access_token), &pull).status,
        401,
        "the first pair is revoked by the retry"
    );
    assert_eq!(
        post(&server, "/v1/sync/pull", Some(&retried.access_token), &pull).status,
        200,
        "the newest pair works"
    );

    // Reused later: someone else holds a copy. The whole family is revoked, including the
    // access tokens it produced.
    now.fetch_add(
        passerelle_server::auth::REFRESH_RETRY_GRACE_MS + 60_000,
        Ordering::SeqCst,
    );
    let r = post(
        &server,
        "/v1/auth/refresh",
        None,
        &json!({ "refresh_token": tokens.refresh_token }),
    );
    assert_eq!((r.status, error_code(&r).as_str()), (401, "unauthorized"));
    let r = post(
        &server,
        "/v1/auth/refresh",
        None,
        &json!({ "refresh_token": retried.refresh_token }),
    );
    assert_eq!(r.status, 401, "the family is revoked");
    assert_eq!(
        post(&server, "/v1/sync/pull", Some(&fresh.access_token), &pull).status,
        401
    );

    // A used enrolment code cannot enrol a second device.
    let again = post(
        &server,
        "/v1/auth/enrol",
        None,
        &json!({ "code": seeded(&people, "Sophie").enrolment_code, "device_id": uuid::Uuid::now_v7().to_string() }),
    );
    assert_eq!(
        (again.status, error_code(&again).as_str()),
        (401, "invalid_code")
    );
}

/// Sends every request through, telling the server the app is newer than it is: what a
/// device updated before its server sees.
struct NewerApp(HttpTransport);

impl Transport for NewerApp {
    fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<passerelle_core::sync::transport::Response, passerelle_core::TransportError> {
        let mut doc: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        if let Some(v) = doc.get_mut("schema_version") {
            *v = json!(SCHEMA_VERSION + 1);
        }
        let body = serde_json::to_vec(&doc).unwrap();
        self.0.post(path, bearer, &body)
    }
}

/// A change an older server refuses as retryable stays queued and is reported once, however
/// many syncs meet the same refusal; the server, once upgraded (here: the app's real version),
/// takes it.
#[test]
fn a_retryable_refusal_is_reported_once_and_the_change_kept() {
    let (server, people) = TestServer::with_demo_on(StoreKind::Sqlite);
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    mentor.sync();
    let mentorship = mentor.store.my_mentorships().unwrap()[0].id.clone();
    let message = mentor.store.send_message(&mentorship, "À jeudi").unwrap();
    let older_server = NewerApp(HttpTransport::new(&server.url).unwrap());
    for _ in 0..3 {
        mentor.store.sync(&older_server, None).unwrap();
    }
    // Two changes queued (the message and the writer's read mark), each reported once.
    let issues = mentor.store.sync_issues().unwrap();
    let mut reported: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.collection.as_str(), i.reason.as_str()))
        .collect();
    reported.sort_unstable();
    assert_eq!(
        reported,
        [
            ("conversation_read", "unsupported_version"),
            ("message", "unsupported_version")
        ],
        "{issues:?}"
    );
    assert!(issues.iter().any(|i| i.row_id == message.id));
    assert!(server.service.stored_row("message", &message.id).is_none());
    mentor.sync();
    assert!(server.service.stored_row("message", &message.id).is_some());
}

#[test]
fn a_refused_edit_comes_back_with_the_row_as_it_stands() {
    for kind in store_kinds() {
        refused_edit_on(kind);
    }
}

fn refused_edit_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let claire = ApiClient::enrol(
        server.service.clone(),
        &seeded(&people, "Claire").enrolment_code,
        &uuid_from([1; 16]),
    );
    let nadia = claire.post_ok(
        "/v1/people",
        &json!({"role": "professional", "display_name": "Nadia"}),
    );
    let nadia = ApiClient::enrol(
        server.service.clone(),
        nadia["enrolment_code"].as_str().unwrap(),
        &uuid_from([2; 16]),
    );
    let sophie = ApiClient::enrol(
        server.service.clone(),
        &seeded(&people, "Sophie").enrolment_code,
        &uuid_from([3; 16]),
    );
    let ahmed = &seeded(&people, "Ahmed").person_id;
    let everything = claire.pull_everything();
    let mentorship_of = |survivor: &str| {
        everything
            .rows
            .iter()
            .find(|((c, _), row)| c == "mentorship" && row["survivor_id"] == survivor)
            .map(|((_, id), _)| id.clone())
            .unwrap()
    };
    let theirs = mentorship_of(ahmed);
    let stamp = Clock::system().now() << 16;
    let notes = |text: &str, n: i64| -> WireRow {
        let mut row = WireRow::new();
        row.insert("id".into(), theirs.clone().into());
        row.insert("matching_notes".into(), text.into());
        row.insert("updated_at".into(), Clock::system().now().into());
        row.insert("hlc".into(), (stamp + n).into());
        row.insert("field_hlc".into(), json!({ "matching_notes": stamp + n }));
        row
    };

    // Nadia reads every mentorship (staff) but changes only her own: refused, and told what
    // stands.
    let refused = nadia.push_one(7, "mentorship", Op::Update, notes("Nadia's notes", 1));
    assert_eq!(refused.status, MutationStatus::Rejected);
    let standing = refused.standing.expect("the row as it stands");
    assert_eq!(standing["id"], theirs.as_str());
    assert!(standing["matching_notes"].is_null());

    // Claire, its coordinator, writes notes; Nadia's retry is the same refusal, with the row
    // as it stands now, never as it stood when first refused.
    let applied = claire.push_one(8, "mentorship", Op::Update, notes("Claire's notes", 2));
    assert_eq!(applied.status, MutationStatus::Applied);
    let again = nadia.push_one(7, "mentorship", Op::Update, notes("Nadia's notes", 1));
    assert_eq!(again.status, MutationStatus::Rejected);
    assert_eq!(
        again.standing.expect("still readable")["matching_notes"],
        "Claire's notes"
    );

    // Sophie does not read Ahmed's mentorship: refused, and nothing of it sent.
    let not_hers = sophie.push_one(9, "mentorship", Op::Update, notes("Sophie's notes", 3));
    assert_eq!(not_hers.status, MutationStatus::Rejected);
    assert!(not_hers.standing.is_none());
}
