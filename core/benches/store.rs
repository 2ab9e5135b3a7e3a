//! Store benchmarks, each beside a raw-rusqlite baseline doing the same work in the same run:
//!
//! - `record_checkin`: a check-in through the core API (validation, role checks, HLC stamp,
//!   the row and its outbox entry in one transaction) against one plain `INSERT` of the same
//!   row, both on SQLCipher with WAL and `synchronous=FULL`. Goal: ratio ≤ 1.3.
//! - `send_voice_note`: a 40 KiB voice note through the core API (checks, SHA-256, the message,
//!   its sound, the read mark and their outbox entries in one transaction) against the same
//!   rows written in one plain transaction, both with `synchronous=FULL`. Goal: ≤ 1.3×, like a
//!   check-in.
//! - `caseload`: a mentor's caseload with 30 mentees, 5,000 check-ins and 300 planned contacts.
//!   Goal: ≤ 5 ms; the baseline runs the same SQL on a bare connection.
//! - `upcoming`: a mentor's contacts to come (30 mentees, 1,200 planned contacts, 600 to come)
//!   and the contacts over they have not recorded (about 180 of 540). Goal: ≤ 5 ms each, like
//!   any screen; the baselines run the same SQL on a bare connection.
//! - `matching`: a coordinator's matching screen (every mentor with their load, languages
//!   shared, training and supervision) in a programme of 100 mentors and 1,000 mentorships,
//!   their waiting list (1,001 survivors, 335 waiting) and the mentor roster. Goal: ≤ 5 ms,
//!   like any screen; the baselines run the same SQL on a bare connection.
//! - `wipe`: wiping that mentor's phone (every personal table emptied in one transaction, the
//!   file rebuilt, the log emptied) against the same statements on a bare connection. No goal:
//!   it runs once in a phone's life; the figure says how long the person waits.
//!
//! Besides criterion's own report, each pair is timed interleaved (to cancel drift) and the
//! ratio printed as `RATIO <name> <core> <baseline> <ratio>`.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group};
use passerelle_core::model::planned_contact::{TO_RECORD_SQL, UPCOMING_SQL};
use passerelle_core::queries::caseload::CASELOAD_SQL;
use passerelle_core::queries::matching::{AWAITING_SQL, MATCHING_SQL};
use passerelle_core::queries::supervision::ROSTER_SQL;
use passerelle_core::rights::ERASED_NAME;
use passerelle_core::{
    CheckInInput, Clock, ConsentScope, ContactDetails, ContactMode, Dimension, Durability,
    EndingReason, Key, MentorProfile, NewConsent, NewMentorship, NewPerson, NewSupervision,
    NewTraining, NewVoiceNote, Profile, Reached, Role, Store, StoreOptions, SupervisionFormat,
    SurvivorProfile, VoiceMediaType,
};

const DAY: i64 = 86_400_000;

fn input(mentorship_id: &str, at: i64, n: u32) -> CheckInInput {
    CheckInInput {
        mentorship_id: mentorship_id.to_owned(),
        occurred_at: at,
        mode: ContactMode::ALL[n as usize % ContactMode::ALL.len()],
        duration_minutes: 20 + n % 40,
        reached: if n % 7 == 0 {
            Reached::NoAnswer
        } else {
            Reached::Survivor
        },
        dimensions: vec![Dimension::ALL[n as usize % 5], Dimension::Emotional],
        wellbeing: Some((n % 5 + 1) as u8),
        notes: "Talked about the week, the physio appointment and the stairs at home.".into(),
        resources_shared: vec!["Transport à la demande".into()],
        follow_up: None,
        concern: None,
        planned_contact_id: None,
    }
}

fn options(durability: Durability) -> StoreOptions {
    StoreOptions {
        durability,
        ..StoreOptions::default()
    }
}

/// A store with a coordinator, one mentor, `mentees` active mentorships, signed in as the mentor.
fn programme(
    path: &Path,
    key: &Key,
    mentees: usize,
    durability: Durability,
) -> (Store, Vec<String>) {
    programme_with(path, key, mentees, options(durability))
}

/// [`programme`] on a store opened with `options`.
fn programme_with(
    path: &Path,
    key: &Key,
    mentees: usize,
    options: StoreOptions,
) -> (Store, Vec<String>) {
    let store = Store::open(path, key.clone(), options).unwrap();
    store
        .create_device_owner(NewPerson {
            role: Role::Professional,
            display_name: "Claire".into(),
        })
        .unwrap();
    let mentor = store
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: "Marc".into(),
        })
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..mentees {
        let s = store
            .create_person(NewPerson {
                role: Role::Survivor,
                display_name: format!("Survivor {i}"),
            })
            .unwrap();
        store
            .grant_consent(NewConsent {
                survivor_id: s.id.clone(),
                scope: ConsentScope::Programme,
                caregiver_id: None,
                granted_at: store.now() - DAY,
            })
            .unwrap();
        let m = store
            .propose_mentorship(NewMentorship {
                survivor_id: s.id,
                mentor_id: mentor.id.clone(),
                planned_contacts: 6,
                planned_weeks: 12,
                matching_notes: None,
            })
            .unwrap();
        store.activate_mentorship(&m.id).unwrap();
        ids.push(m.id);
    }
    store.set_device_owner(&mentor.id).unwrap();
    (store, ids)
}

/// A bare SQLCipher connection with the store's pragmas, for the baselines.
fn raw(path: &Path, key: &Key) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\";",
        hex::encode(key.bytes().unwrap())
    ))
    .unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -8192; PRAGMA secure_delete = ON;",
    )
    .unwrap();
    c
}

const RAW_INSERT: &str = "INSERT INTO checkin (id, checkin_id, version, mentorship_id, author_id, occurred_at, mode,
     duration_minutes, reached, dimensions, wellbeing, notes, resources_shared, created_at, origin, hlc)
     VALUES (?1, ?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

fn raw_insert(c: &rusqlite::Connection, mentorship: &str, mentor: &str, n: u32) {
    let i = input(mentorship, 1_772_442_000_000, n);
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached(RAW_INSERT)
        .unwrap()
        .execute(rusqlite::params![
            id,
            mentorship,
            mentor,
            i.occurred_at,
            i.mode.code(),
            i.duration_minutes,
            i.reached.code(),
            3,
            i.wellbeing,
            i.notes,
            "[\"Transport à la demande\"]",
            i.occurred_at,
            "device",
            i64::from(n),
        ])
        .unwrap();
}

/// Times `a` and `b` in alternating batches and prints their medians and ratio.
fn ratio(
    name: &str,
    batches: usize,
    per_batch: u32,
    mut a: impl FnMut(u32),
    mut b: impl FnMut(u32),
) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    let mut n = 0;
    for _ in 0..batches {
        for (f, t) in [
            (&mut a as &mut dyn FnMut(u32), &mut ta),
            (&mut b as &mut dyn FnMut(u32), &mut tb),
        ] {
            let start = Instant::now();
            for _ in 0..per_batch {
                f(n);
                n += 1;
            }
            t.push(start.elapsed() / per_batch);
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (ma, mb) = (median(&mut ta), median(&mut tb));
    println!(
        "RATIO {name} core={ma:?} baseline={mb:?} ratio={:.2}",
        ma.as_secs_f64() / mb.as_secs_f64()
    );
}

/// A bare connection to a fresh database of the current schema, with `durability`, holding
/// the parents a baseline's rows need (the mentor and their mentorship).
fn raw_beside(
    path: &Path,
    key: &Key,
    durability: Durability,
    mentor: &str,
    mentorship: &str,
) -> rusqlite::Connection {
    passerelle_core::store::create_at_version(path, key, passerelle_core::store::SCHEMA_VERSION)
        .unwrap();
    let conn = raw(path, key);
    if durability == Durability::Normal {
        conn.execute_batch("PRAGMA synchronous = NORMAL").unwrap();
    }
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO person VALUES ('{mentor}', 'mentor', 'M', 0, 0, 'd', 0, '{{}}');
         INSERT INTO mentorship (id, survivor_id, mentor_id, coordinator_id, status, planned_contacts,
           planned_weeks, created_at, updated_at, origin, hlc)
         VALUES ('{mentorship}', '{mentor}', '{mentor}', '{mentor}', 'active', 6, 12, 0, 0, 'd', 0);
         PRAGMA foreign_keys = ON;"
    ))
    .unwrap();
    conn
}

/// Forty seconds of speech as a phone records it (AAC at 8 kbit/s in an `.m4a`: 40 KiB),
/// different each time.
fn recording(n: u32) -> Vec<u8> {
    let mut audio = b"\0\0\0\x20ftypM4A ".to_vec();
    audio.extend((0..40 * 1024 - 12).map(|i: u32| (i.wrapping_mul(2_654_435_761) ^ n) as u8));
    audio
}

/// One voice note written the plainest way, with the same rows the core writes: its message
/// and the message's outbox entry, its sound, and the sender's read mark moved past it with
/// that mark's outbox entry — in one transaction.
fn raw_voice_note(c: &rusqlite::Connection, mentorship: &str, mentor: &str, n: u32, audio: &[u8]) {
    let id = uuid::Uuid::now_v7().to_string();
    let stamp = i64::from(n) * 2;
    c.execute_batch("BEGIN").unwrap();
    c.prepare_cached(
        "INSERT INTO message (id, mentorship_id, sender_id, kind, body, attachment_ref, created_at, origin, hlc)
         VALUES (?1, ?2, ?3, 'voice', '', ?4, 0, 'device', ?5)",
    )
    .unwrap()
    .execute(rusqlite::params![id, mentorship, mentor, "a".repeat(64), stamp])
    .unwrap();
    c.prepare_cached(
        "INSERT INTO voice_note (message_id, media_type, duration_ms, audio, state)
         VALUES (?1, 'audio/mp4', 40000, ?2, 'to_send')",
    )
    .unwrap()
    .execute(rusqlite::params![id, audio])
    .unwrap();
    c.prepare_cached(
        "INSERT INTO conversation_read (id, mentorship_id, person_id, delivered_up_to, read_up_to,
           created_at, updated_at, origin, hlc)
         VALUES ('mark', ?1, ?2, ?3, ?3, 0, 0, 'device', ?4)
         ON CONFLICT (id) DO UPDATE SET delivered_up_to = excluded.delivered_up_to,
           read_up_to = excluded.read_up_to, hlc = excluded.hlc,
           field_hlc = json_set(field_hlc, '$.delivered_up_to', excluded.hlc, '$.read_up_to', excluded.hlc)",
    )
    .unwrap()
    .execute(rusqlite::params![mentorship, mentor, stamp, stamp + 1])
    .unwrap();
    let mut queue = c
        .prepare_cached(
            "INSERT INTO outbox (hlc, collection, row_id, op, fields, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
        )
        .unwrap();
    queue
        .execute(rusqlite::params![
            stamp,
            "message",
            id,
            "insert",
            None::<String>
        ])
        .unwrap();
    queue
        .execute(rusqlite::params![
            stamp + 1,
            "conversation_read",
            "mark",
            "update",
            r#"["delivered_up_to","read_up_to"]"#
        ])
        .unwrap();
    c.execute_batch("COMMIT").unwrap();
}

/// Sending a 40 KiB voice note through the core API (checks, hash, message, sound, read mark
/// and outbox in one transaction) beside the same rows written in plain SQL, both with
/// `synchronous=FULL`.
fn send_voice_note(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    let (store, ids) = programme(&dir.path().join("core.db"), &key, 1, Durability::Full);
    let mentor = store.device_owner().unwrap().unwrap().id;
    let conn = raw_beside(
        &dir.path().join("raw.db"),
        &key,
        Durability::Full,
        &mentor,
        &ids[0],
    );
    let note = |n: u32| NewVoiceNote {
        media_type: VoiceMediaType::Mp4,
        duration_ms: 40_000,
        audio: recording(n),
        caption: None,
    };
    let mut g = c.benchmark_group("send_voice_note_40k");
    let mut n = 0;
    g.bench_function("core_api", |b| {
        b.iter_batched(
            || {
                n += 1;
                note(n)
            },
            |v| black_box(store.send_voice_note(&ids[0], v).unwrap()),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("raw_rusqlite_insert", |b| {
        b.iter_batched(
            || {
                n += 1;
                (n, recording(n))
            },
            |(n, audio)| raw_voice_note(&conn, &ids[0], &mentor, n, &audio),
            BatchSize::SmallInput,
        );
    });
    g.finish();
    ratio(
        "send_voice_note_40k",
        20,
        20,
        |n| {
            store.send_voice_note(&ids[0], note(n)).unwrap();
        },
        |n| raw_voice_note(&conn, &ids[0], &mentor, n, &recording(n)),
    );
}

fn record_checkin(c: &mut Criterion) {
    for durability in [Durability::Full, Durability::Normal] {
        let dir = tempfile::tempdir().unwrap();
        let key = Key::generate();
        let (store, ids) = programme(&dir.path().join("core.db"), &key, 1, durability);
        let mentor = store.device_owner().unwrap().unwrap().id;
        let conn = raw_beside(
            &dir.path().join("raw.db"),
            &key,
            durability,
            &mentor,
            &ids[0],
        );
        let label = format!("{durability:?}").to_lowercase();
        let now = store.now();
        let mut g = c.benchmark_group(format!("record_checkin_{label}"));
        let mut n = 0;
        g.bench_function("core_api", |b| {
            b.iter(|| {
                n += 1;
                black_box(store.record_checkin(input(&ids[0], now, n)).unwrap());
            });
        });
        g.bench_function("raw_rusqlite_insert", |b| {
            b.iter(|| {
                n += 1;
                raw_insert(&conn, &ids[0], &mentor, n);
            });
        });
        g.finish();
        ratio(
            &format!("record_checkin_{label}"),
            30,
            50,
            |n| {
                store.record_checkin(input(&ids[0], now, n)).unwrap();
            },
            |n| raw_insert(&conn, &ids[0], &mentor, n),
        );
    }
}

fn caseload(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    let path = dir.path().join("caseload.db");
    let (store, ids) = programme(&path, &key, 30, Durability::Normal);
    let now = store.now();
    for n in 0..5_000u32 {
        let m = &ids[n as usize % ids.len()];
        let mut i = input(m, now - i64::from(n) * 3_600_000, n);
        if n % 50 == 0 {
            i.follow_up = Some(passerelle_core::FollowUp {
                action: "call back".into(),
                due_at: now - i64::from(n) * 3_600_000 + DAY,
            });
        }
        store.record_checkin(i).unwrap();
    }
    // Each mentee's next ten contacts planned, one in ten cancelled: the caseload shows the
    // next one standing.
    for m in &ids {
        for n in 0..10 {
            let planned = store
                .plan_contact(
                    m,
                    ContactDetails {
                        starts_at: now + DAY + n * 7 * DAY,
                        duration_minutes: 60,
                        mode: ContactMode::Phone,
                        place: None,
                        note: None,
                    },
                )
                .unwrap();
            if n == 0 {
                store.cancel_planned_contact(&planned.id).unwrap();
            }
        }
    }
    assert_eq!(store.caseload().unwrap().len(), 30);
    let conn = raw(&path, &key);
    let me = store.device_owner().unwrap().unwrap().id;
    let baseline = || same_sql(&conn, CASELOAD_SQL, (&me, now));
    assert_eq!(baseline(), 30);
    screen_beside_sql(
        c,
        "caseload_30_mentees_5000_checkins",
        "caseload_30x5000",
        || black_box(store.caseload().unwrap()).len(),
        baseline,
    );
}

/// A mentor's contacts to come and those to record: 30 mentees, 40 contacts each planned every
/// three days from 60 days ago (half past, one in ten cancelled) — 1,200 rows, 600 still to
/// come; two in three of the past ones recorded by a check-in, the rest (about 180) to record.
fn upcoming(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    let path = dir.path().join("upcoming.db");
    let then = Clock::system().now() - 60 * DAY;
    let (store, ids) = programme_with(
        &path,
        &key,
        30,
        StoreOptions {
            clock: Clock::fixed(then),
            ..options(Durability::Normal)
        },
    );
    for (i, m) in ids.iter().enumerate() {
        for n in 0..40 {
            let planned = store
                .plan_contact(
                    m,
                    ContactDetails {
                        starts_at: then + n * 3 * DAY + i as i64 * 3_600_000,
                        duration_minutes: 60,
                        mode: ContactMode::HomeVisit,
                        place: Some("At home".into()),
                        note: (n % 4 == 0).then(|| "Bring the housing form".into()),
                    },
                )
                .unwrap();
            if n % 10 == 0 {
                store.cancel_planned_contact(&planned.id).unwrap();
            }
        }
    }
    drop(store);
    let store = Store::open(&path, key.clone(), options(Durability::Normal)).unwrap();
    let to_come = store.upcoming_contacts(None).unwrap().len();
    assert!((590..=610).contains(&to_come), "{to_come} contacts to come");
    for (n, past) in store.contacts_to_record(None).unwrap().iter().enumerate() {
        if n % 3 != 0 {
            let mut i = input(
                &past.contact.mentorship_id,
                past.contact.starts_at,
                n as u32,
            );
            i.planned_contact_id = Some(past.contact.id.clone());
            store.record_checkin(i).unwrap();
        }
    }
    let to_record = store.contacts_to_record(None).unwrap().len();
    assert!(
        (170..=190).contains(&to_record),
        "{to_record} contacts to record"
    );
    let conn = raw(&path, &key);
    let me = store.device_owner().unwrap().unwrap().id;
    screen_beside_sql(
        c,
        "upcoming_contacts_30_mentees_1200_planned",
        "upcoming_30x40",
        || black_box(store.upcoming_contacts(None).unwrap()).len(),
        || same_sql(&conn, UPCOMING_SQL, (&me, store.now(), None::<String>)),
    );
    screen_beside_sql(
        c,
        "contacts_to_record_30_mentees_1200_planned",
        "to_record_30x40",
        || black_box(store.contacts_to_record(None).unwrap()).len(),
        || same_sql(&conn, TO_RECORD_SQL, (&me, store.now(), None::<String>)),
    );
}

/// The same work as a screen's query without the store: its SQL on a bare connection, every
/// column of every row decoded, as the store does. The number of rows.
fn same_sql(c: &rusqlite::Connection, sql: &str, params: impl rusqlite::Params) -> usize {
    let mut stmt = c.prepare_cached(sql).unwrap();
    let columns = stmt.column_count();
    let mut rows = stmt.query(params).unwrap();
    let mut n = 0;
    while let Some(r) = rows.next().unwrap() {
        for i in 0..columns {
            black_box(r.get::<_, rusqlite::types::Value>(i).unwrap());
        }
        n += 1;
    }
    n
}

/// Benchmarks a screen's core call beside its SQL on a bare connection, then times them
/// interleaved for the ratio.
fn screen_beside_sql(
    c: &mut Criterion,
    group: &str,
    ratio_name: &str,
    core: impl Fn() -> usize,
    baseline: impl Fn() -> usize,
) {
    let mut g = c.benchmark_group(group);
    g.bench_function("core_api", |b| b.iter(&core));
    g.bench_function("raw_rusqlite_same_sql", |b| b.iter(&baseline));
    g.finish();
    ratio(
        ratio_name,
        30,
        20,
        |_| {
            black_box(core());
        },
        |_| {
            black_box(baseline());
        },
    );
}

/// Enrols a person of `role` with the profile `profile` makes from their id; their id.
fn with_profile(
    store: &Store,
    role: Role,
    display_name: String,
    profile: impl FnOnce(String) -> Profile,
) -> String {
    let person = store
        .create_person(NewPerson { role, display_name })
        .unwrap();
    store.save_profile(profile(person.id.clone())).unwrap();
    person.id
}

/// A coordinator's phone in a programme of 100 mentors (profiles, training for half,
/// supervision for all) and 1,000 survivors, each matched once (a third of those mentorships
/// ended); returns the store, signed in as the coordinator, and a survivor not yet matched.
fn matching_programme(path: &Path, key: &Key) -> (Store, String) {
    let store = Store::open(path, key.clone(), options(Durability::Normal)).unwrap();
    store
        .create_device_owner(NewPerson {
            role: Role::Professional,
            display_name: "Claire".into(),
        })
        .unwrap();
    let languages = [["fr", "en"], ["fr", "ar"], ["en", "es"], ["fr", "pt"]];
    let now = store.now();
    let mut mentors = Vec::new();
    for i in 0..100usize {
        let m = with_profile(&store, Role::Mentor, format!("Mentor {i}"), |person_id| {
            Profile::Mentor {
                profile: MentorProfile {
                    person_id,
                    languages: languages[i % 4].iter().map(|l| (*l).to_owned()).collect(),
                    capacity: 10 + (i % 10) as u32,
                    availability: Some("weekday afternoons".into()),
                },
            }
        });
        if i % 2 == 0 {
            store
                .record_training(NewTraining {
                    mentor_id: m.clone(),
                    course: "Peer mentor core training".into(),
                    completed_at: now - 100 * DAY,
                    valid_until: Some(now + 265 * DAY),
                    notes: None,
                })
                .unwrap();
        }
        store
            .record_supervision(NewSupervision {
                mentor_id: m.clone(),
                held_at: now - (i as i64 % 30) * DAY,
                format: SupervisionFormat::Group,
                duration_minutes: 60,
                notes: None,
            })
            .unwrap();
        mentors.push(m);
    }
    let mut survivors = Vec::new();
    for i in 0..1_001usize {
        let s = with_profile(
            &store,
            Role::Survivor,
            format!("Survivor {i}"),
            |person_id| Profile::Survivor {
                profile: SurvivorProfile {
                    person_id,
                    preferred_languages: vec![languages[i % 4][1].to_owned()],
                    communication_needs: vec![],
                    home_area: None,
                    stroke_date: None,
                    discharge_date: None,
                    goals: vec![],
                },
            },
        );
        survivors.push(s);
    }
    let unmatched = survivors.pop().unwrap();
    for (i, s) in survivors.iter().enumerate() {
        store
            .grant_consent(NewConsent {
                survivor_id: s.clone(),
                scope: ConsentScope::Programme,
                caregiver_id: None,
                granted_at: now - DAY,
            })
            .unwrap();
        let m = store
            .propose_mentorship(NewMentorship {
                survivor_id: s.clone(),
                mentor_id: mentors[i % mentors.len()].clone(),
                planned_contacts: 6,
                planned_weeks: 12,
                matching_notes: None,
            })
            .unwrap();
        store.activate_mentorship(&m.id).unwrap();
        if i % 3 == 0 {
            store
                .end_mentorship(&m.id, EndingReason::Completed, None)
                .unwrap();
        }
    }
    (store, unmatched)
}

/// The coordinator's matching screen for one survivor, in the programme above.
fn matching(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    let path = dir.path().join("matching.db");
    let (store, survivor) = matching_programme(&path, &key);
    assert_eq!(
        store.mentor_matches(&survivor).unwrap().candidates.len(),
        100
    );
    let conn = raw(&path, &key);
    let now = store.now();
    let baseline = || same_sql(&conn, MATCHING_SQL, (&survivor, now));
    assert_eq!(baseline(), 100);
    screen_beside_sql(
        c,
        "matching_100_mentors_1000_mentorships",
        "matching_100x1000",
        || {
            black_box(store.mentor_matches(&survivor).unwrap())
                .candidates
                .len()
        },
        baseline,
    );
    // The list the coordinator picks from: survivors with no mentorship under way.
    let waiting = || same_sql(&conn, AWAITING_SQL, []);
    assert_eq!(waiting(), 335);
    screen_beside_sql(
        c,
        "waiting_list_1001_survivors",
        "waiting_list_1001",
        || black_box(store.survivors_awaiting_mentor().unwrap()).len(),
        waiting,
    );
    // The supervisor's roster of the same programme.
    let roster = || same_sql(&conn, ROSTER_SQL, (ERASED_NAME, now));
    assert_eq!(roster(), 100);
    screen_beside_sql(
        c,
        "mentor_roster_100_mentors",
        "mentor_roster_100",
        || black_box(store.mentor_roster().unwrap()).len(),
        roster,
    );
}

/// A mentor's phone with 30 mentees and 5,000 check-ins, closed (its log written back), at
/// `path`: the file each wipe starts from, copied.
fn full_phone(path: &Path, key: &Key) {
    let (store, ids) = programme(path, key, 30, Durability::Normal);
    let now = store.now();
    for n in 0..5_000u32 {
        store
            .record_checkin(input(&ids[n as usize % ids.len()], now, n))
            .unwrap();
    }
}

/// What the wipe does, on a bare connection: the same tables emptied in one transaction, the
/// device row renewed, the file rebuilt and the log emptied.
fn raw_wipe(c: &rusqlite::Connection) {
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    c.execute_batch("BEGIN IMMEDIATE; UPDATE device SET owner_id = NULL;")
        .unwrap();
    for t in tables
        .iter()
        .filter(|t| *t != "device" && !t.starts_with("dir_"))
    {
        c.execute(&format!("DELETE FROM \"{t}\""), []).unwrap();
    }
    c.execute_batch("UPDATE device SET device_id = 'new'; COMMIT; VACUUM;")
        .unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

fn wipe(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    let template = dir.path().join("template.db");
    full_phone(&template, &key);
    let work = dir.path().join("work.db");
    let fresh_copy = || {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.path().join(format!("work.db{suffix}")));
        }
        std::fs::copy(&template, &work).unwrap();
        // The key sidecar travels with the file.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(suffix) = name.strip_prefix("template.db").filter(|s| !s.is_empty()) {
                std::fs::copy(
                    dir.path().join(&name),
                    dir.path().join(format!("work.db{suffix}")),
                )
                .unwrap();
            }
        }
    };
    let open_store = || {
        fresh_copy();
        Store::open(&work, key.clone(), options(Durability::Full)).unwrap()
    };
    let open_raw = || {
        fresh_copy();
        raw(&work, &key)
    };
    let mut g = c.benchmark_group("wipe_30_mentees_5000_checkins");
    g.sample_size(10);
    g.bench_function("core_api", |b| {
        b.iter_batched(
            open_store,
            |store| black_box(store.wipe_personal_data(None, true).unwrap()),
            BatchSize::PerIteration,
        );
    });
    g.bench_function("raw_rusqlite_same_statements", |b| {
        b.iter_batched(open_raw, |c| raw_wipe(&c), BatchSize::PerIteration);
    });
    g.finish();
    // Interleaved, as `ratio` does, with the copy and the open outside the timing.
    let (mut core, mut baseline) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        let store = open_store();
        let start = Instant::now();
        store.wipe_personal_data(None, true).unwrap();
        core.push(start.elapsed());
        drop(store);
        let c = open_raw();
        let start = Instant::now();
        raw_wipe(&c);
        baseline.push(start.elapsed());
    }
    core.sort();
    baseline.sort();
    let (a, b) = (core[core.len() / 2], baseline[baseline.len() / 2]);
    println!(
        "RATIO wipe_30x5000 core={a:?} baseline={b:?} ratio={:.2}",
        a.as_secs_f64() / b.as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = record_checkin, send_voice_note, caseload, upcoming, matching, wipe
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
