//! The authorization matrix, kept as data in `tests/data/authz_matrix.csv`: every synced
//! record type × every role × read and write, what is allowed and what is denied, including
//! each role asking for somebody else's record. The fixture world is built through the real
//! API (demo seed, coordinator endpoints, pushes), then every case runs on every server store:
//!
//! - `read`: the row arrives in the role's pull from scratch, and on the role's real device
//!   after a sync (checked in the device's file); or it does neither.
//! - writes (`insert`, `update`, `forge:…`, `set:…`): the role's push gets `applied` or the
//!   expected rejection, and the row stored on the server changed, or did not.
//! - `scope … pull`: a pull that names a scope by hand is answered only for its members.
//! - `voice_note`: a voice message's sound, which travels apart from the rows: `fetch` gives
//!   it to whoever reads the message now and names it gone to anyone else; `upload` takes it
//!   only from the message's sender, and only the sound the message names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use passerelle_core::store::rows::Collection;
use passerelle_core::sync::protocol::{MutationStatus, Op, PullRequest, PullResponse, WireRow};
use passerelle_core::sync::spec;
use passerelle_core::{Clock, Durability, Key, Store, StoreOptions};
use passerelle_server::{Config, Method};
use passerelle_tests::api::{ApiClient, InProcess, Pulled, uuid_from};
use passerelle_tests::harness::{Backend, DEMO_CAST, StoreKind, TestServer, seeded, store_kinds};
use serde_json::{Value as Json, json};

const MATRIX: &str = include_str!("../data/authz_matrix.csv");

/// The roles, each played by one person of the fixture world.
const ROLES: &[(&str, &str)] = &[
    ("survivor", "sophie"),
    ("survivor_mentor", "marc"),
    ("other_mentor", "ines"),
    ("consented_caregiver", "paul"),
    ("other_caregiver", "luc"),
    ("coordinator", "claire"),
    ("other_professional", "nadia"),
];

/// One line of the matrix.
#[derive(Debug, Clone)]
struct Case {
    line: usize,
    collection: String,
    row: String,
    role: String,
    op: String,
    expect: String,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (i, line) in MATRIX.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("collection,") {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        assert_eq!(f.len(), 5, "line {}: five columns expected", i + 1);
        out.push(Case {
            line: i + 1,
            collection: f[0].to_owned(),
            row: f[1].to_owned(),
            role: f[2].to_owned(),
            op: f[3].to_owned(),
            expect: f[4].to_owned(),
        });
    }
    out
}

/// Ids, stamps and mutation ids for crafted rows: deterministic ids, increasing stamps.
struct Mint {
    ids: AtomicU64,
    stamp: AtomicI64,
}

impl Mint {
    fn new() -> Self {
        Self {
            ids: AtomicU64::new(1),
            stamp: AtomicI64::new(0),
        }
    }

    fn id(&self) -> String {
        let n = self.ids.fetch_add(1, Ordering::Relaxed);
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&0x7a7a_0000_0000_0000_u64.to_be_bytes());
        bytes[8..].copy_from_slice(&n.to_be_bytes());
        uuid_from(bytes)
    }

    /// A fresh stamp after every stamp handed out, following the wall clock.
    fn stamp(&self) -> i64 {
        let wall = Clock::system().now() << 16;
        let mut prev = self.stamp.load(Ordering::Relaxed);
        loop {
            let next = wall.max(prev + 1);
            match self
                .stamp
                .compare_exchange(prev, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(p) => prev = p,
            }
        }
    }
}

/// The deterministic id of a member's read receipt (the core's rule, reproduced here).
fn receipt_id(mentorship_id: &str, person_id: &str) -> String {
    passerelle_core::model::message::receipt_id(mentorship_id, person_id)
}

fn key_of(collection: &str) -> &'static str {
    Collection::from_table(collection)
        .expect("known collection")
        .key_column()
}

/// The fixture world: people, clients speaking for them, named rows.
struct World {
    backend: Arc<dyn Backend>,
    mint: Mint,
    clients: BTreeMap<String, ApiClient>,
    /// Fixture name → (collection, id).
    rows: BTreeMap<String, (String, String)>,
    /// Person name → id.
    people: BTreeMap<String, String>,
    /// Device stores per person, enrolled and synced once the world is built.
    devices: BTreeMap<String, (Store, tempfile::TempDir)>,
}

impl World {
    fn client(&self, person: &str) -> &ApiClient {
        &self.clients[person]
    }

    fn person(&self, name: &str) -> String {
        self.people[name].clone()
    }

    fn id(&self, name: &str) -> String {
        self.rows
            .get(name)
            .map_or_else(|| panic!("no fixture row {name}"), |(_, id)| id.clone())
    }

    /// A whole row of `collection`, with sync metadata for a push from `person`'s device.
    fn new_row(&self, collection: &str, id: &str, person: &str, fields: Json) -> WireRow {
        let Json::Object(mut row) = fields else {
            panic!("fields must be an object")
        };
        let coll = Collection::from_table(collection).unwrap();
        let now = Clock::system().now();
        row.insert(coll.key_column().into(), id.into());
        row.insert("created_at".into(), now.into());
        if !coll.is_append_only() {
            row.insert("updated_at".into(), now.into());
            row.insert("field_hlc".into(), "{}".into());
        }
        row.insert(
            "origin".into(),
            self.client(person).device_id.clone().into(),
        );
        row.insert("hlc".into(), self.mint.stamp().into());
        row
    }

    /// Pushes a new row as `person`; it must be applied.
    fn put(&mut self, name: &str, person: &str, collection: &str, id: &str, fields: Json) {
        let row = self.new_row(collection, id, person, fields);
        let result = self
            .client(person)
            .push_one(self.mint.stamp(), collection, Op::Insert, row);
        assert_eq!(
            result.status,
            MutationStatus::Applied,
            "fixture {name}: {result:?}"
        );
        self.rows
            .insert(name.to_owned(), (collection.to_owned(), id.to_owned()));
    }

    fn enrol(&mut self, name: &str, code: &str) {
        let device = self.mint.id();
        let client = ApiClient::enrol(self.backend.clone(), code, &device);
        self.people
            .insert(name.to_owned(), client.person_id.clone());
        self.clients.insert(name.to_owned(), client);
    }

    /// Builds the world through the API: the demo programme, three more people, and one
    /// row of every synced type on each side (Sophie's mentorship and Ahmed's).
    #[allow(clippy::too_many_lines)] // one fixture, read top to bottom
    fn build(kind: StoreKind) -> (Self, TestServer) {
        let server = TestServer::start_on(kind, Config::default(), Clock::system());
        let seededs = server.service.seed_demo();
        let mut w = Self {
            backend: server.service.clone(),
            mint: Mint::new(),
            clients: BTreeMap::new(),
            rows: BTreeMap::new(),
            people: BTreeMap::new(),
            devices: BTreeMap::new(),
        };
        for (name, seeded_name) in DEMO_CAST {
            w.enrol(name, &seeded(&seededs, seeded_name).enrolment_code);
        }
        let (sophie, ahmed) = (w.person("sophie"), w.person("ahmed"));
        // Three more people through the coordinator's API.
        for (name, body) in [
            (
                "luc",
                json!({"role": "caregiver", "display_name": "Luc", "caregiver_of": sophie, "relationship": "child"}),
            ),
            (
                "rose",
                json!({"role": "caregiver", "display_name": "Rose", "caregiver_of": ahmed, "relationship": "sibling"}),
            ),
            (
                "nadia",
                json!({"role": "professional", "display_name": "Nadia"}),
            ),
        ] {
            let enrolled = w.client("claire").post_ok("/v1/people", &body);
            w.enrol(name, enrolled["enrolment_code"].as_str().unwrap());
        }
        let now = Clock::system().now();
        w.client("claire").post_ok(
            "/v1/consents",
            &json!({"survivor_id": ahmed, "scope": "share_with_caregiver", "caregiver_id": w.person("rose"), "granted_at": now}),
        );
        let nadia = w.person("nadia");
        w.put(
            "nadia_profile",
            "nadia",
            "professional_profile",
            &nadia,
            json!({"team": "Community rehab", "job_role": "occupational_therapist"}),
        );
        for name in [
            "sophie", "ahmed", "marc", "ines", "paul", "luc", "claire", "nadia",
        ] {
            let id = w.person(name);
            w.rows.insert(name.to_owned(), ("person".into(), id));
        }
        for (name, collection, person) in [
            ("sophie_profile", "survivor_profile", "sophie"),
            ("ahmed_profile", "survivor_profile", "ahmed"),
            ("marc_profile", "mentor_profile", "marc"),
            ("ines_profile", "mentor_profile", "ines"),
            ("paul_profile", "caregiver_profile", "paul"),
            ("luc_profile", "caregiver_profile", "luc"),
            ("rose_profile", "caregiver_profile", "rose"),
            ("claire_profile", "professional_profile", "claire"),
        ] {
            let id = w.person(person);
            w.rows.insert(name.to_owned(), (collection.into(), id));
        }

        // What the seed made: mentorships, their events, consents.
        let everything = w.client("claire").pull_everything();
        let find = |collection: &str, pred: &dyn Fn(&WireRow) -> bool| -> String {
            let mut ids: Vec<&String> = everything
                .rows
                .iter()
                .filter(|((c, _), row)| c == collection && pred(row))
                .map(|((_, id), _)| id)
                .collect();
            ids.sort();
            (*ids.first().unwrap_or_else(|| panic!("seeded {collection}"))).clone()
        };
        let field_is = |f: &'static str, v: String| {
            move |r: &WireRow| r.get(f).and_then(Json::as_str) == Some(v.as_str())
        };
        let m1 = find("mentorship", &field_is("survivor_id", sophie.clone()));
        let m2 = find("mentorship", &field_is("survivor_id", ahmed.clone()));
        let m1_event = find("mentorship_event", &field_is("mentorship_id", m1.clone()));
        let m2_event = find("mentorship_event", &field_is("mentorship_id", m2.clone()));
        let consent = |survivor: &String, scope: &str| {
            let (survivor, scope) = (survivor.clone(), scope.to_owned());
            find("consent", &move |r: &WireRow| {
                r.get("survivor_id").and_then(Json::as_str) == Some(survivor.as_str())
                    && r.get("scope").and_then(Json::as_str) == Some(scope.as_str())
            })
        };
        let named = [
            ("m1", "mentorship", m1.clone()),
            ("m2", "mentorship", m2.clone()),
            ("m1_event", "mentorship_event", m1_event),
            ("m2_event", "mentorship_event", m2_event),
            (
                "sophie_programme_consent",
                "consent",
                consent(&sophie, "programme"),
            ),
            (
                "sophie_share_consent",
                "consent",
                consent(&sophie, "share_with_caregiver"),
            ),
            (
                "ahmed_programme_consent",
                "consent",
                consent(&ahmed, "programme"),
            ),
            (
                "ahmed_share_consent",
                "consent",
                consent(&ahmed, "share_with_caregiver"),
            ),
        ];
        for (name, collection, id) in named {
            w.rows.insert(name.into(), (collection.into(), id));
        }

        // Case notes: a check-in and a concern on each side, acknowledged by the coordinator.
        for (side, mentor, m) in [("sophie", "marc", &m1), ("ahmed", "ines", &m2)] {
            let checkin = w.mint.id();
            let author = w.person(mentor);
            w.put(
                &format!("{side}_checkin"),
                mentor,
                "checkin",
                &checkin,
                json!({
                    "checkin_id": checkin, "version": 1, "supersedes": null, "mentorship_id": m,
                    "author_id": author, "occurred_at": now - 3_600_000, "mode": "phone",
                    "duration_minutes": 30, "reached": "survivor", "dimensions": 4, "wellbeing": 3,
                    "notes": "Talked about the week", "resources_shared": "[]", "follow_up_action": null,
                    "follow_up_due": null, "follow_up_done_at": null, "amendment_reason": null,
                }),
            );
            let escalation = w.mint.id();
            let claire = w.person("claire");
            w.put(
                &format!("{side}_escalation"),
                mentor,
                "escalation",
                &escalation,
                json!({
                    "checkin_id": checkin, "mentorship_id": m, "raised_by": author,
                    "assigned_to": claire, "category": "mood", "urgency": "soon",
                    "summary": "Low mood", "raised_at": now - 3_000_000,
                }),
            );
            w.client("claire").post_ok(
                &format!("/v1/escalations/{escalation}/acknowledge"),
                &json!({"note": "Called"}),
            );
            // The notice of a service the check-in shared.
            let id = w.mint.id();
            let service = w.mint.id();
            w.put(
                &format!("{side}_referral"),
                mentor,
                "referral",
                &id,
                json!({
                    "mentorship_id": m, "service_id": service, "via": "checkin", "via_id": checkin,
                    "referred_by": author, "referred_at": now - 3_600_000, "removed_at": null,
                }),
            );
            // The next visit, planned by the mentor.
            let id = w.mint.id();
            w.put(
                &format!("{side}_planned"),
                mentor,
                "planned_contact",
                &id,
                json!({
                    "mentorship_id": m, "planned_by": author, "starts_at": now + 86_400_000,
                    "duration_minutes": 60, "mode": "home_visit", "place": "At home", "note": null,
                    "cancelled_at": null, "reply": null, "replied_by": null, "replied_at": null,
                    "replied_for": null,
                }),
            );
        }
        let everything = w.client("claire").pull_everything();
        for side in ["sophie", "ahmed"] {
            let escalation = w.id(&format!("{side}_escalation"));
            let event = everything
                .rows
                .iter()
                .find(|((c, _), r)| {
                    c == "escalation_event"
                        && r.get("escalation_id").and_then(Json::as_str)
                            == Some(escalation.as_str())
                })
                .map(|((_, id), _)| id.clone())
                .expect("acknowledgement");
            w.rows.insert(
                format!("{side}_escalation_event"),
                ("escalation_event".into(), event),
            );
        }

        // Training and supervision, recorded by the coordinator.
        let claire = w.person("claire");
        for mentor in ["marc", "ines"] {
            let mentor_id = w.person(mentor);
            let id = w.mint.id();
            w.put(
                &format!("{mentor}_training"),
                "claire",
                "training_record",
                &id,
                json!({"mentor_id": mentor_id, "course": "Peer support basics", "completed_at": now - 86_400_000,
                       "valid_until": null, "recorded_by": claire, "notes": null}),
            );
            let id = w.mint.id();
            w.put(
                &format!("{mentor}_supervision"),
                "claire",
                "supervision_session",
                &id,
                json!({"mentor_id": mentor_id, "supervisor_id": claire, "held_at": now - 86_400_000,
                       "format": "individual", "duration_minutes": 45, "notes": null}),
            );
        }

        // Conversations: a message and read receipts; bookmarks.
        for (side, m) in [("sophie", &m1), ("ahmed", &m2)] {
            let me = w.person(side);
            let id = w.mint.id();
            w.put(
                &format!("{side}_message"),
                side,
                "message",
                &id,
                json!({"mentorship_id": m, "sender_id": me, "kind": "text", "body": "Bonjour", "attachment_ref": null}),
            );
            let id = receipt_id(m, &me);
            w.put(
                &format!("{side}_read"),
                side,
                "conversation_read",
                &id,
                json!({"mentorship_id": m, "person_id": me, "delivered_up_to": 1, "read_up_to": 1}),
            );
            let id = w.mint.id();
            w.put(
                &format!("{side}_bookmark"),
                side,
                "bookmark",
                &id,
                json!({"person_id": me, "service_id": "service-1", "note": "Tuesdays", "removed_at": null}),
            );
        }
        // Voice notes: a voice message on each side, its sound uploaded by its sender.
        for (side, m) in [("sophie", &m1), ("ahmed", &m2)] {
            let me = w.person(side);
            let id = w.mint.id();
            let hash = passerelle_core::model::voice::content_hash(&sound(side));
            w.put(
                &format!("{side}_voice"),
                side,
                "message",
                &id,
                json!({"mentorship_id": m, "sender_id": me, "kind": "voice", "body": "", "attachment_ref": hash}),
            );
            w.client(side)
                .post_ok("/v1/voice/upload", &upload_body(&id, &sound(side)));
        }
        let marc = w.person("marc");
        let id = receipt_id(&m1, &marc);
        w.put(
            "marc_read",
            "marc",
            "conversation_read",
            &id,
            json!({"mentorship_id": m1, "person_id": marc, "delivered_up_to": 1, "read_up_to": 1}),
        );

        // A real device per role, enrolled with a fresh code and synced.
        for &(_, person) in ROLES {
            let id = w.person(person);
            let code = w
                .client("claire")
                .post_ok(&format!("/v1/people/{id}/enrolment-code"), &Json::Null);
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(
                dir.path().join("device.db"),
                Key::Unencrypted,
                StoreOptions {
                    durability: Durability::Normal,
                    ..StoreOptions::default()
                },
            )
            .unwrap();
            let transport = InProcess::new(w.backend.clone(), person);
            store
                .enrol(
                    &transport,
                    "in-process",
                    code["enrolment_code"].as_str().unwrap(),
                )
                .unwrap();
            if let Err(e) = store.sync(&transport, None) {
                panic!("{person}'s device cannot sync the fixture world: {e:?}");
            }
            w.devices.insert(person.to_owned(), (store, dir));
        }
        (w, server)
    }

    /// Resolves a value in a `forge:`/`set:` op: a fixture name, a person, `null`, `random`,
    /// or a literal code.
    fn value(&self, v: &str) -> Json {
        match v {
            "null" => Json::Null,
            "random" => self.mint.id().into(),
            other => self
                .rows
                .get(other)
                .map(|(_, id)| id.clone())
                .or_else(|| self.people.get(other).cloned())
                .map_or_else(|| other.into(), Json::from),
        }
    }

    fn scope_name(&self, scope: &str) -> String {
        match scope.split_once(':') {
            Some((kind, name)) => format!("{kind}:{}", self.id(name)),
            None => scope.to_owned(),
        }
    }

    fn device_holds(&self, person: &str, collection: &str, id: &str) -> bool {
        let (store, _) = &self.devices[person];
        let conn = rusqlite::Connection::open_with_flags(
            store.path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        conn.query_row(
            &format!(
                "SELECT count(*) FROM {collection} WHERE {} = ?1",
                key_of(collection)
            ),
            [id],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            > 0
    }
}

/// A content field each collection's writes change, and a new value for it.
fn changed_field(collection: &str, row: &WireRow, n: i64) -> (&'static str, Json) {
    let text = |prefix: &str| Json::from(format!("{prefix} {n}"));
    match collection {
        "person" => ("display_name", text("Renamed")),
        "survivor_profile" => ("home_area", text("Area")),
        "mentor_profile" => ("availability", text("Evenings")),
        "caregiver_profile" => {
            let now = row.get("relationship").and_then(Json::as_str);
            let next = if now == Some("friend") {
                "other"
            } else {
                "friend"
            };
            ("relationship", next.into())
        }
        "professional_profile" => ("team", text("Team")),
        "mentorship" => {
            let now = row
                .get("planned_contacts")
                .and_then(Json::as_i64)
                .unwrap_or(6);
            ("planned_contacts", (now % 90 + 1 + n % 5).into())
        }
        "mentorship_event" | "escalation_event" | "bookmark" | "planned_contact" => {
            ("note", text("Note"))
        }
        "checkin" | "supervision_session" => ("notes", text("Notes")),
        "escalation" => ("summary", text("Summary")),
        "training_record" => ("course", text("Course")),
        "consent" => {
            let at = row.get("granted_at").and_then(Json::as_i64).unwrap_or(0);
            ("granted_at", (at - 1_000 * (n + 1)).into())
        }
        "message" => ("body", text("Body")),
        "conversation_read" => {
            let at = row.get("read_up_to").and_then(Json::as_i64).unwrap_or(0);
            ("read_up_to", (at + n + 1).into())
        }
        "referral" => {
            let at = row.get("referred_at").and_then(Json::as_i64).unwrap_or(0);
            ("referred_at", (at - 1_000 * (n + 1)).into())
        }
        other => panic!("no changed field for {other}"),
    }
}

/// A new row like `target`, written by `me`: a fresh key, `me` in the author's place.
fn like(w: &World, collection: &str, target: &WireRow, me: &str, n: i64) -> WireRow {
    let coll = Collection::from_table(collection).unwrap();
    let mut fields: serde_json::Map<String, Json> = spec::fields(coll)
        .iter()
        .map(|(f, _)| {
            (
                (*f).to_owned(),
                target.get(*f).cloned().unwrap_or(Json::Null),
            )
        })
        .collect();
    let id = if coll.key_column() == "id" {
        w.mint.id()
    } else {
        target[coll.key_column()].as_str().unwrap().to_owned()
    };
    let set = |fields: &mut serde_json::Map<String, Json>, f: &str, v: Json| {
        fields.insert(f.to_owned(), v);
    };
    match collection {
        "person" => set(&mut fields, "display_name", "Newcomer".into()),
        "checkin" => {
            set(&mut fields, "author_id", me.into());
            set(&mut fields, "checkin_id", id.clone().into());
            set(&mut fields, "supersedes", Json::Null);
            set(&mut fields, "version", 1.into());
        }
        "escalation" => set(&mut fields, "raised_by", me.into()),
        "escalation_event" | "mentorship_event" => set(&mut fields, "actor_id", me.into()),
        "training_record" => set(&mut fields, "recorded_by", me.into()),
        "supervision_session" => set(&mut fields, "supervisor_id", me.into()),
        "consent" => {
            set(&mut fields, "recorded_by", me.into());
            set(&mut fields, "withdrawn_at", Json::Null);
            set(&mut fields, "withdrawn_by", Json::Null);
        }
        "message" => set(&mut fields, "sender_id", me.into()),
        "mentorship" => set(&mut fields, "coordinator_id", me.into()),
        "bookmark" => set(&mut fields, "service_id", format!("service-{n}").into()),
        "referral" => set(&mut fields, "referred_by", me.into()),
        "planned_contact" => set(&mut fields, "planned_by", me.into()),
        _ => {}
    }
    let (f, v) = changed_field(collection, target, n);
    fields.insert(f.to_owned(), v);
    let mut row = fields;
    row.insert(coll.key_column().to_owned(), id.into());
    row
}

fn finish_row(w: &World, collection: &str, mut row: WireRow, person: &str) -> WireRow {
    let key = key_of(collection);
    let id = row[key].as_str().unwrap().to_owned();
    let fields = std::mem::take(&mut row);
    let fields: serde_json::Map<String, Json> =
        fields.into_iter().filter(|(k, _)| k != key).collect();
    w.new_row(collection, &id, person, Json::Object(fields))
}

/// An update of `field` to `value` on the stored `target`, as a device sends it.
fn update_of(w: &World, collection: &str, target: &WireRow, field: &str, value: Json) -> WireRow {
    let coll = Collection::from_table(collection).unwrap();
    let key = coll.key_column();
    let stamp = w.mint.stamp();
    if coll.is_append_only() {
        // Append-only rows have no update: the whole row, one field changed.
        let mut row = target.clone();
        row.insert(field.to_owned(), value);
        row.insert("hlc".into(), stamp.into());
        return row;
    }
    let mut row = WireRow::new();
    row.insert(key.to_owned(), target[key].clone());
    row.insert(field.to_owned(), value);
    row.insert("updated_at".into(), Clock::system().now().into());
    row.insert("hlc".into(), stamp.into());
    row.insert(
        "field_hlc".into(),
        Json::Object(
            [(field.to_owned(), Json::from(stamp))]
                .into_iter()
                .collect(),
        ),
    );
    row
}

fn stored(w: &World, collection: &str, id: &str) -> Option<WireRow> {
    w.backend.stored_row(collection, id).and_then(|v| match v {
        Json::Object(m) => Some(m),
        _ => None,
    })
}

/// Runs one write case; returns a failure message if the server did something else.
fn write_case(w: &World, case: &Case, person: &str, n: i64) -> Option<String> {
    let collection = case.collection.as_str();
    let coll = Collection::from_table(collection).unwrap();
    let target_id = w.id(&case.row);
    let target = stored(w, collection, &target_id).expect("fixture row stored");
    let me = w.person(person);
    let (op, row, watched) = if let Some(rest) = case.op.strip_prefix("set:") {
        let (field, value) = rest.split_once('=').expect("set:<field>=<value>");
        let row = update_of(w, collection, &target, field, w.value(value));
        (Op::Update, row, target_id.clone())
    } else if case.op == "update" {
        let (field, value) = changed_field(collection, &target, n);
        let row = update_of(w, collection, &target, field, value);
        (Op::Update, row, target_id.clone())
    } else {
        let mut row = like(w, collection, &target, &me, n);
        if let Some(rest) = case.op.strip_prefix("forge:") {
            let (field, value) = rest.split_once('=').expect("forge:<field>=<value>");
            row.insert(field.to_owned(), w.value(value));
        } else {
            assert_eq!(case.op, "insert", "line {}: unknown op", case.line);
        }
        if collection == "conversation_read" && !case.op.starts_with("forge:id=") {
            let id = receipt_id(
                row["mentorship_id"].as_str().unwrap(),
                row["person_id"].as_str().unwrap(),
            );
            row.insert("id".into(), id.into());
        }
        let row = finish_row(w, collection, row, person);
        let id = row[coll.key_column()].as_str().unwrap().to_owned();
        (Op::Insert, row, id)
    };
    let before = stored(w, collection, &watched);
    let result = w
        .client(person)
        .push_one(w.mint.stamp(), collection, op, row.clone());
    let after = stored(w, collection, &watched);
    let got = match result.status {
        MutationStatus::Applied | MutationStatus::Conflict => "applied".to_owned(),
        MutationStatus::Duplicate => "duplicate".to_owned(),
        MutationStatus::Rejected => result.reason.clone().unwrap_or_default(),
    };
    let what = format!(
        "line {}: {} {} by {} ({person}): {}",
        case.line, case.op, case.row, case.role, case.collection
    );
    if got != case.expect {
        return Some(format!("{what}: expected {}, got {got}", case.expect));
    }
    if got == "applied" {
        let after = after.expect("applied row is stored");
        for (f, _) in spec::fields(coll) {
            if let Some(sent) = row.get(*f) {
                if after.get(*f) != Some(sent) {
                    return Some(format!(
                        "{what}: applied, but stored {f} is {:?}, sent {sent}",
                        after.get(*f)
                    ));
                }
            }
        }
    } else if before != after {
        return Some(format!("{what}: rejected, but the stored row changed"));
    }
    None
}

fn read_case(
    w: &World,
    case: &Case,
    person: &str,
    pulls: &BTreeMap<String, Pulled>,
) -> Option<String> {
    let expect = match case.expect.as_str() {
        "yes" => true,
        "no" => false,
        other => panic!("line {}: read expects yes or no, not {other}", case.line),
    };
    let id = w.id(&case.row);
    let pulled = pulls[person].has(&case.collection, &id);
    let on_device = w.device_holds(person, &case.collection, &id);
    let what = format!(
        "line {}: {} {} read by {} ({person})",
        case.line, case.collection, case.row, case.role
    );
    if pulled != expect {
        return Some(format!("{what}: expected {expect}, the pull says {pulled}"));
    }
    if on_device != expect {
        return Some(format!(
            "{what}: expected {expect}, the device holds it: {on_device}"
        ));
    }
    None
}

fn scope_case(w: &World, case: &Case, person: &str) -> Option<String> {
    let scope = w.scope_name(&case.row);
    let body = serde_json::to_value(PullRequest {
        schema_version: passerelle_core::store::SCHEMA_VERSION,
        cursors: BTreeMap::from([(scope.clone(), 0)]),
        limit: 100,
    })
    .unwrap();
    let answer = w.client(person).call(Method::Post, "/v1/sync/pull", &body);
    let response: PullResponse = serde_json::from_value(answer.body).unwrap();
    let served = response.scopes.iter().any(|s| s.scope == scope);
    let revoked = response.revoked.contains(&scope);
    let expect = case.expect == "yes";
    if served != expect || revoked == expect {
        return Some(format!(
            "line {}: pull naming {} by {} ({person}): expected member {expect}, served {served}, revoked {revoked}",
            case.line, case.row, case.role
        ));
    }
    None
}

/// The sound of the fixture's voice note on `side`'s mentorship: an Ogg header and bytes
/// that differ with the side.
fn sound(side: &str) -> Vec<u8> {
    let mut audio = b"OggS\0\x02".to_vec();
    audio.extend(side.bytes().cycle().take(3_000));
    audio
}

fn upload_body(message_id: &str, audio: &[u8]) -> Json {
    json!(passerelle_core::sync::protocol::VoiceUpload {
        message_id: message_id.to_owned(),
        media_type: "audio/ogg".into(),
        duration_ms: 2_000,
        audio: audio.to_vec(),
    })
}

/// A voice-note case: `fetch` (the sound comes back, `yes`, or the id is named gone, `no`) and
/// `upload` (the very sound again: `stored` or the refusal's code) or `upload_other` (another
/// sound); the sound the server keeps never changes.
fn voice_case(w: &World, case: &Case, person: &str) -> Option<String> {
    let id = w.id(&case.row);
    let side = case.row.trim_end_matches("_voice");
    let kept = w.backend.stored_voice_note(&id);
    let what = format!(
        "line {}: {} of {} by {} ({person})",
        case.line, case.op, case.row, case.role
    );
    let got = match case.op.as_str() {
        "fetch" => {
            let answer = w
                .client(person)
                .post_ok("/v1/voice/fetch", &json!({ "message_ids": [id] }));
            let heard = answer["notes"][0]["audio"] == upload_body(&id, &sound(side))["audio"];
            let gone = answer["gone"] == json!([id]);
            match (heard, gone) {
                (true, false) => "yes".to_owned(),
                (false, true) => "no".to_owned(),
                _ => format!("neither: {answer}"),
            }
        }
        "upload" | "upload_other" => {
            let audio = if case.op == "upload" {
                sound(side)
            } else {
                sound("another")
            };
            let answer =
                w.client(person)
                    .call(Method::Post, "/v1/voice/upload", &upload_body(&id, &audio));
            if answer.status == 200 {
                "stored".to_owned()
            } else {
                answer.body["error"].as_str().unwrap_or_default().to_owned()
            }
        }
        other => panic!("line {}: unknown voice_note op {other}", case.line),
    };
    if got != case.expect {
        return Some(format!("{what}: expected {}, got {got}", case.expect));
    }
    if w.backend.stored_voice_note(&id) != kept {
        return Some(format!("{what}: the sound the server keeps changed"));
    }
    None
}

fn run_matrix(kind: StoreKind) {
    let (w, _server) = World::build(kind);
    let cases = cases();
    let role_person: BTreeMap<&str, &str> = ROLES.iter().copied().collect();
    let pulls: BTreeMap<String, Pulled> = ROLES
        .iter()
        .map(|(_, p)| ((*p).to_owned(), w.client(p).pull_everything()))
        .collect();
    let mut failures = Vec::new();
    // Reads first, on the world as built; then writes, each checked against the stored row.
    for case in cases
        .iter()
        .filter(|c| c.op == "read" || c.op == "pull" || c.op == "fetch")
    {
        let person = role_person[case.role.as_str()];
        let failure = if case.op == "fetch" {
            voice_case(&w, case, person)
        } else if case.op == "pull" {
            scope_case(&w, case, person)
        } else {
            read_case(&w, case, person, &pulls)
        };
        failures.extend(failure);
    }
    for (n, case) in cases
        .iter()
        .filter(|c| c.op != "read" && c.op != "pull" && c.op != "fetch")
        .enumerate()
    {
        let person = role_person[case.role.as_str()];
        failures.extend(if case.collection == "voice_note" {
            voice_case(&w, case, person)
        } else {
            write_case(&w, case, person, n as i64)
        });
    }
    // Whatever the writes stored, every device still syncs it (a row a device's schema
    // refuses would stop its sync for good) and holds only what its pull delivers.
    for (person, (store, _)) in &w.devices {
        let transport = InProcess::new(w.backend.clone(), person);
        if let Err(e) = store.sync(&transport, None) {
            failures.push(format!(
                "{person}'s device no longer syncs after the writes: {e:?}"
            ));
            continue;
        }
        let pulled = w.client(person).pull_everything();
        for (collection, id) in passerelle_tests::sim::inspect::device_rows(store.path()).keys() {
            if !pulled.has(collection, id) {
                failures.push(format!(
                    "{person}'s device holds {collection} {id} outside its scopes"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} store: {} of {} cases differ:\n{}",
        w.backend.kind(),
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_role_reads_and_writes_exactly_what_the_rules_allow() {
    for kind in store_kinds() {
        run_matrix(kind);
    }
}

#[test]
fn the_matrix_covers_every_synced_type_role_and_action() {
    let cases = cases();
    let mut missing = Vec::new();
    for collection in Collection::ALL {
        for (role, _) in ROLES {
            for op in ["read", "insert", "update"] {
                let covered = cases
                    .iter()
                    .any(|c| c.collection == collection.table() && c.role == *role && c.op == op);
                if !covered {
                    missing.push(format!("{} × {role} × {op}", collection.table()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "not covered: {missing:?}");
    // Each type is also asked for by someone it does not belong to, and each is denied to
    // someone on write.
    for collection in Collection::ALL {
        let of = |op: &str, expect: &str| {
            cases
                .iter()
                .any(|c| c.collection == collection.table() && c.op == op && c.expect == expect)
        };
        assert!(of("read", "no"), "{}: no denied read", collection.table());
        assert!(of("read", "yes"), "{}: no allowed read", collection.table());
        assert!(
            of("insert", "not_allowed"),
            "{}: no denied write",
            collection.table()
        );
    }
    // Voice notes' sounds, which travel apart from the rows: fetched and uploaded by every
    // role, each allowed and denied somewhere.
    for (role, _) in ROLES {
        for op in ["fetch", "upload"] {
            let covered = cases
                .iter()
                .any(|c| c.collection == "voice_note" && c.role == *role && c.op == op);
            assert!(covered, "voice_note × {role} × {op} not covered");
        }
    }
    for (op, allowed, denied) in [("fetch", "yes", "no"), ("upload", "stored", "forbidden")] {
        for expect in [allowed, denied] {
            assert!(
                cases
                    .iter()
                    .any(|c| c.collection == "voice_note" && c.op == op && c.expect == expect),
                "voice_note: no {op} answered {expect}"
            );
        }
    }
    let roles: BTreeSet<&str> = cases.iter().map(|c| c.role.as_str()).collect();
    let known: BTreeSet<&str> = ROLES.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        roles, known,
        "every role named in the matrix is one the test plays"
    );
}
