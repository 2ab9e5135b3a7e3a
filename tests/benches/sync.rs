//! Sync benchmarks against a real server over loopback HTTP, each beside a baseline doing the
//! same writes in the same run:
//!
//! - `initial_sync_100k`: a fresh, encrypted device pulls 100,000 check-ins (plus the people
//!   and mentorships around them) from the server, versus a raw rusqlite bulk insert of the
//!   same rows into an encrypted database of the same schema, in transactions of the same size.
//!   Goals: ≥ 80,000 rows/s and ≥ 0.5× the raw insert.
//! - `push_10k`: a device pushes 10,000 queued check-ins (the push phase of its sync, timed up
//!   to the first pull), versus writing the same rows straight into the server's store (no
//!   HTTP, validation or authorization).
//! - `voice_notes_50`: a phone sends 50 voice notes of 40 KiB recorded offline (its sync: the
//!   messages pushed, then each sound uploaded), and a fresh phone's first sync brings them
//!   all (the messages pulled, the sounds fetched and checked), versus the server's store
//!   keeping the same 50 sounds and reading them back (no HTTP, base64, authorization or
//!   phone).
//!
//! Prints `SYNC <name> rows=… seconds=… rows/s=… baseline_rows/s=… ratio=…` after criterion's
//! own report. `PASSERELLE_SYNC_PAIRS=N cargo bench -p passerelle-tests --bench sync --
//! initial_sync` times N pairs only, without criterion's samples.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use passerelle_core::store::{SCHEMA_VERSION, create_at_version};
use passerelle_core::sync::client::PULL_LIMIT;
use passerelle_core::sync::protocol::{Op, VoiceUpload, WireRow};
use passerelle_core::{
    CheckInInput, Clock, ContactMode, Dimension, Durability, HttpTransport, Key, NewVoiceNote,
    Reached, Role, Store, StoreOptions, VoiceMediaType,
};
use passerelle_server::auth::Actor;
use passerelle_server::store::{RowStamp, ServerStore, StoreFailure};
use passerelle_server::{Config, Service, SqliteStore, coordinator, demo};
use passerelle_tests::harness::TestServer;
use serde_json::json;

const ROWS: usize = 100_000;
const PUSHED: u32 = 10_000;

struct World {
    server: TestServer,
    service: Arc<Service<SqliteStore>>,
    marc: String,
    sophie: String,
    mentorship: String,
    _dir: tempfile::TempDir,
}

fn checkin_row(id: &str, mentorship: &str, mentor: &str, n: usize, now: i64) -> WireRow {
    let json = json!({
        "id": id, "checkin_id": id, "version": 1, "supersedes": null, "mentorship_id": mentorship,
        "author_id": mentor, "occurred_at": now - (n as i64) * 60_000, "mode": ContactMode::ALL[n % 6].code(),
        "duration_minutes": 30, "reached": "survivor", "dimensions": 1 << (n % 5), "wellbeing": (n % 5) + 1,
        "notes": "Talked about the week, the physio appointment and the stairs at home.",
        "resources_shared": "[]", "follow_up_action": null, "follow_up_due": null, "follow_up_done_at": null,
        "amendment_reason": null, "created_at": now, "origin": "0190f5c2-0000-7000-8000-00000000bench", "hlc": (now << 16) + n as i64,
    });
    match json {
        serde_json::Value::Object(m) => m,
        _ => unreachable!("a JSON object literal"),
    }
}

/// A server with the demo programme and `rows` check-ins on Sophie and Marc's mentorship.
fn world(rows: usize) -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("server.db")).unwrap();
    let service = Arc::new(Service::new(store, Config::default(), Clock::system()));
    let people = demo::seed(&service).unwrap();
    let id_of = |name: &str| {
        people
            .iter()
            .find(|p| p.display_name == name)
            .unwrap()
            .person_id
            .clone()
    };
    let (marc, sophie) = (id_of("Marc"), id_of("Sophie"));
    let mentorship = service
        .store()
        .transaction(|tx| Ok::<_, StoreFailure>(tx.subjects("survivor", &sophie)?.remove(0)))
        .unwrap();
    let actor = Actor {
        person_id: marc.clone(),
        role: Role::Mentor,
        device_id: "bench".into(),
    };
    let now = Clock::system().now();
    service
        .act_as(&actor, |ctx| {
            for n in 0..rows {
                let id = uuid::Uuid::now_v7().to_string();
                let outcome = ctx.writer.apply(
                    "checkin",
                    Op::Insert,
                    &id,
                    checkin_row(&id, &mentorship, &marc, n, now),
                    false,
                )?;
                assert!(outcome.reason.is_none(), "{outcome:?}");
            }
            Ok(())
        })
        .unwrap();
    let server = TestServer::from_service(service.clone());
    World {
        server,
        service,
        marc,
        sophie,
        mentorship,
        _dir: dir,
    }
}

fn code_for(service: &Service<SqliteStore>, person: &str) -> String {
    let now = Clock::system().now();
    service
        .store()
        .transaction(|tx| coordinator::issue_code(tx, person, now, 3_600_000))
        .unwrap()
        .enrolment_code
}

/// A fresh encrypted device for Marc, enrolled; returns it with its transport.
fn fresh_device(w: &World, durability: Durability) -> (tempfile::TempDir, Store, HttpTransport) {
    device_of(w, &w.marc, durability)
}

/// A fresh encrypted device for `person`, enrolled; returns it with its transport.
fn device_of(
    w: &World,
    person: &str,
    durability: Durability,
) -> (tempfile::TempDir, Store, HttpTransport) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        dir.path().join("d.db"),
        Key::generate(),
        StoreOptions {
            durability,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    let transport = HttpTransport::new(&w.server.url).expect("loopback");
    store
        .enrol(&transport, &w.server.url, &code_for(&w.service, person))
        .unwrap();
    (dir, store, transport)
}

/// The baseline: the same 100,000 rows inserted with raw rusqlite into a fresh encrypted
/// database of the same schema and pragmas, in transactions of the pull's size.
fn raw_bulk_insert(w: &World) -> Duration {
    let rows = w
        .service
        .store()
        .transaction(|tx| {
            let entries = tx.scope_entries(&format!("casenotes:{}", w.mentorship), 0, u32::MAX)?;
            Ok::<_, StoreFailure>(
                entries
                    .into_iter()
                    .filter_map(|e| e.data)
                    .collect::<Vec<_>>(),
            )
        })
        .unwrap();
    let rows: Vec<WireRow> = rows
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raw.db");
    let key = Key::generate();
    create_at_version(&path, &key, SCHEMA_VERSION).unwrap();
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;",
        hex::encode(key.bytes().unwrap())
    ))
    .unwrap();
    let cols =
        passerelle_core::sync::spec::columns(passerelle_core::store::rows::Collection::CheckIn);
    let sql = format!(
        "INSERT INTO checkin ({}) VALUES ({})",
        cols.join(", "),
        (1..=cols.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let started = Instant::now();
    for chunk in rows.chunks(PULL_LIMIT as usize) {
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx.prepare_cached(&sql).unwrap();
            for row in chunk {
                let values: Vec<rusqlite::types::Value> = cols
                    .iter()
                    .map(|c| {
                        passerelle_core::sync::spec::to_sql(
                            row.get(*c).unwrap_or(&serde_json::Value::Null),
                        )
                    })
                    .collect();
                stmt.execute(rusqlite::params_from_iter(values)).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    started.elapsed()
}

/// `PASSERELLE_SYNC_PAIRS=N` skips criterion's samples and times only N interleaved pairs,
/// printing each: a quick check while working on the pull (about 10 s a pair).
fn quick_pairs() -> Option<usize> {
    std::env::var("PASSERELLE_SYNC_PAIRS").ok()?.parse().ok()
}

fn initial_sync(c: &mut Criterion) {
    let w = world(ROWS);
    if let Some(pairs) = quick_pairs() {
        timed_pairs(&w, pairs);
        return;
    }
    let mut group = c.benchmark_group("initial_sync_100k");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30))
        .warm_up_time(Duration::from_millis(1));
    group.bench_function("core_pull_over_http", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (_dir, store, transport) = fresh_device(&w, Durability::Full);
                let started = Instant::now();
                let summary = store.sync(&transport, None).unwrap();
                total += started.elapsed();
                assert!(summary.pulled as usize >= ROWS);
            }
            total
        });
    });
    group.bench_function("raw_rusqlite_bulk_insert", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| raw_bulk_insert(&w)).sum());
    });
    group.finish();
    // Three more interleaved pairs for the printed ratio.
    timed_pairs(&w, 3);
}

/// Times `pairs` interleaved pulls and raw inserts and prints the median of each side.
fn timed_pairs(w: &World, pairs: usize) {
    let mut cores = Vec::new();
    let mut raws = Vec::new();
    let mut summary = passerelle_core::SyncSummary::default();
    for pair in 0..pairs {
        let (_dir, store, transport) = fresh_device(w, Durability::Full);
        let started = Instant::now();
        summary = store.sync(&transport, None).unwrap();
        cores.push(started.elapsed());
        raws.push(raw_bulk_insert(w));
        if quick_pairs().is_some() {
            println!(
                "pair {pair}: pull {:.3} s, raw insert {:.3} s",
                cores[pair].as_secs_f64(),
                raws[pair].as_secs_f64()
            );
        }
    }
    cores.sort();
    raws.sort();
    let (core, raw) = (cores[pairs / 2], raws[pairs / 2]);
    let core_rate = f64::from(summary.pulled) / core.as_secs_f64();
    let raw_rate = ROWS as f64 / raw.as_secs_f64();
    println!(
        "SYNC initial_sync rows={} seconds={:.2} rows/s={core_rate:.0} baseline_rows/s={raw_rate:.0} ratio={:.2}",
        summary.pulled,
        core.as_secs_f64(),
        core_rate / raw_rate
    );
    assert!(summary.pulled as usize >= ROWS);
}

/// A device for Marc with `PUSHED` check-ins queued.
fn queued_device(w: &World) -> (tempfile::TempDir, Store, HttpTransport) {
    let (dir, store, transport) = fresh_device(w, Durability::Normal);
    // Without pulling first, the device only knows itself: give it the mentorship to write in.
    store.sync(&transport, None).unwrap();
    let now = store.now();
    for n in 0..PUSHED {
        store
            .record_checkin(CheckInInput {
                mentorship_id: w.mentorship.clone(),
                occurred_at: now - i64::from(n) * 1000,
                mode: ContactMode::Phone,
                duration_minutes: 20,
                reached: Reached::Survivor,
                dimensions: vec![Dimension::Emotional],
                wellbeing: Some(3),
                notes: "Short call to check the new walking frame.".into(),
                resources_shared: vec![],
                follow_up: None,
                concern: None,
                planned_contact_id: None,
            })
            .unwrap();
    }
    (dir, store, transport)
}

/// The baseline: the same rows written straight into the server's store.
fn raw_server_writes(w: &World, store: &Store) -> Duration {
    let rows: Vec<(String, String)> = store
        .outbox_peek(PUSHED)
        .unwrap()
        .into_iter()
        .map(|e| (e.row_id, e.payload))
        .collect();
    let scope = format!("casenotes:{}", w.mentorship);
    let started = Instant::now();
    w.service
        .store()
        .transaction(|tx| {
            let scope = format!("{scope}-baseline");
            let mut stamps = Vec::with_capacity(rows.len());
            for (id, data) in &rows {
                tx.put_record("checkin_raw_baseline", id, data, 0)?;
                stamps.push(RowStamp {
                    collection: "checkin_raw_baseline".to_owned(),
                    id: id.clone(),
                    scopes: vec![(scope.clone(), false)],
                });
            }
            tx.stamp_rows(&stamps, 0)?;
            Ok::<_, StoreFailure>(())
        })
        .unwrap();
    started.elapsed()
}

/// Syncs and returns (pushed, time spent pushing): the clock stops at the first pull report.
fn timed_push(store: &Store, transport: &HttpTransport) -> (u32, Duration) {
    let started = Instant::now();
    let pushed_at = std::cell::Cell::new(None::<Duration>);
    let report = |p: passerelle_core::SyncProgress| {
        if p.stage == passerelle_core::SyncStage::Pulling && pushed_at.get().is_none() {
            pushed_at.set(Some(started.elapsed()));
        }
    };
    let summary = store.sync(transport, Some(&report)).unwrap();
    (
        summary.pushed,
        pushed_at.get().unwrap_or_else(|| started.elapsed()),
    )
}

fn push(c: &mut Criterion) {
    let w = world(0);
    let mut group = c.benchmark_group("push_10k");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_millis(1));
    group.bench_function("core_push_over_http", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (_dir, store, transport) = queued_device(&w);
                let (pushed, took) = timed_push(&store, &transport);
                assert_eq!(pushed, PUSHED);
                total += took;
            }
            total
        });
    });
    group.finish();
    let (_dir, store, transport) = queued_device(&w);
    let raw = raw_server_writes(&w, &store);
    let (pushed, core) = timed_push(&store, &transport);
    let core_rate = f64::from(pushed) / core.as_secs_f64();
    let raw_rate = f64::from(PUSHED) / raw.as_secs_f64();
    println!(
        "SYNC push rows={pushed} seconds={:.2} rows/s={core_rate:.0} baseline_rows/s={raw_rate:.0} ratio={:.2}",
        core.as_secs_f64(),
        core_rate / raw_rate
    );
}

const VOICE_NOTES: u32 = 50;

/// Forty seconds of speech as a phone records it (AAC at 8 kbit/s in an `.m4a`: 40 KiB),
/// different for each `n`.
fn recording(n: u32) -> Vec<u8> {
    let mut audio = b"\0\0\0\x20ftypM4A ".to_vec();
    audio.extend((0..40 * 1024 - 12).map(|i: u32| (i.wrapping_mul(2_654_435_761) ^ n) as u8));
    audio
}

/// On a fresh server: Sophie's phone sends `VOICE_NOTES` voice notes recorded offline, then a
/// fresh phone of Marc's syncs for the first time. Returns the time of each sync.
fn timed_voice_notes() -> (Duration, Duration) {
    let w = world(0);
    let (_sophie_dir, sophie, to_sophie) = device_of(&w, &w.sophie, Durability::Full);
    sophie.sync(&to_sophie, None).unwrap();
    for n in 0..VOICE_NOTES {
        let note = NewVoiceNote {
            media_type: VoiceMediaType::Mp4,
            duration_ms: 40_000,
            audio: recording(n),
            caption: None,
        };
        sophie.send_voice_note(&w.mentorship, note).unwrap();
    }
    let started = Instant::now();
    let sent = sophie.sync(&to_sophie, None).unwrap();
    let sending = started.elapsed();
    assert_eq!(sent.voice_notes_sent, VOICE_NOTES);
    let (_marc_dir, marc, to_marc) = device_of(&w, &w.marc, Durability::Full);
    let started = Instant::now();
    let received = marc.sync(&to_marc, None).unwrap();
    let receiving = started.elapsed();
    assert_eq!(received.voice_notes_received, VOICE_NOTES);
    (sending, receiving)
}

/// The baseline: the server's store keeping `VOICE_NOTES` sounds in one transaction and
/// reading them back in another.
fn raw_voice_notes() -> Duration {
    let w = world(0);
    let notes: Vec<VoiceUpload> = (0..VOICE_NOTES)
        .map(|n| VoiceUpload {
            message_id: uuid::Uuid::now_v7().to_string(),
            media_type: "audio/mp4".into(),
            duration_ms: 40_000,
            audio: recording(n),
        })
        .collect();
    let started = Instant::now();
    w.service
        .store()
        .transaction(|tx| {
            for note in &notes {
                tx.put_voice_note(note, 0)?;
            }
            Ok::<_, StoreFailure>(())
        })
        .unwrap();
    let read = w
        .service
        .store()
        .transaction(|tx| {
            let mut bytes = 0;
            for note in &notes {
                bytes += tx
                    .voice_note(&note.message_id)?
                    .map_or(0, |n| n.audio.len());
            }
            Ok::<_, StoreFailure>(bytes)
        })
        .unwrap();
    assert_eq!(read, notes.iter().map(|n| n.audio.len()).sum::<usize>());
    started.elapsed()
}

fn voice_notes(c: &mut Criterion) {
    let mut group = c.benchmark_group("voice_notes_50");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_millis(1));
    group.bench_function("core_send_then_receive_over_http", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let (sending, receiving) = timed_voice_notes();
                    sending + receiving
                })
                .sum()
        });
    });
    group.bench_function("raw_server_store_keep_and_read", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| raw_voice_notes()).sum());
    });
    group.finish();
    let (sending, receiving) = timed_voice_notes();
    let raw = raw_voice_notes();
    let mib = f64::from(VOICE_NOTES) * 40.0 / 1024.0;
    let both = sending + receiving;
    println!(
        "SYNC voice_notes notes={VOICE_NOTES} MiB={mib:.2} send_seconds={:.3} receive_seconds={:.3} MiB/s={:.1} baseline_MiB/s={:.1} ratio={:.2}",
        sending.as_secs_f64(),
        receiving.as_secs_f64(),
        2.0 * mib / both.as_secs_f64(),
        2.0 * mib / raw.as_secs_f64(),
        raw.as_secs_f64() / both.as_secs_f64(),
    );
}

criterion_group!(benches, initial_sync, push, voice_notes);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
