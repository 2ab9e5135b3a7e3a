//! The PostgreSQL store's concurrency promises, which SQLite keeps by running one writer at a
//! time and PostgreSQL must keep with locks: no lost update on a row two requests change at
//! once, a refresh token spent once however many race for it, sequence numbers visible only in
//! order in each scope (writers into other scopes not waiting), garbage collection waiting for
//! writers in flight, a retried push that races its first attempt reading that attempt's result,
//! a database from a newer server refused, an older one migrated, and the reads and bookkeeping a request makes in one
//! statement answering alike on both stores.
#![allow(clippy::unwrap_used)]

use std::sync::Barrier;
use std::time::{Duration, Instant};

use passerelle_server::store::{
    AuditEntry, MutationRecord, MutationStart, RowStamp, ScopeWalk, StoreFailure, StoreResult,
    StoreTx, TokenRecord,
};
use passerelle_server::{PostgresStore, ServerStore, SqliteStore};
use passerelle_tests::pg_cluster::TestDatabase;

fn tx<S: ServerStore, R>(store: &S, f: impl FnOnce(&mut dyn StoreTx) -> StoreResult<R>) -> R {
    store
        .transaction(|t| f(t))
        .map_err(|e: StoreFailure| e)
        .unwrap()
}

/// Threads increment a counter kept in one row, each by read-modify-write after `lock_record`
/// (or with `locked_record`, which locks and reads in one call).
fn increments_are_not_lost<S: ServerStore>(store: &S, one_call: bool) {
    const THREADS: usize = 4;
    const EACH: usize = 25;
    tx(store, |t| t.put_record("person", "counter", "0", 0));
    let start = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                start.wait();
                for _ in 0..EACH {
                    tx(store, |t| {
                        let stored = if one_call {
                            t.locked_record("person", "counter")?
                        } else {
                            t.lock_record("person", "counter")?;
                            t.record("person", "counter")?
                        };
                        let n: usize = stored.unwrap().data.parse().unwrap();
                        t.put_record("person", "counter", &(n + 1).to_string(), 0)
                    });
                }
            });
        }
    });
    let last = tx(store, |t| t.record("person", "counter")).unwrap();
    assert_eq!(last.data, (THREADS * EACH).to_string());
}

#[test]
fn concurrent_read_modify_writes_lose_nothing() {
    for one_call in [false, true] {
        let db = TestDatabase::create();
        increments_are_not_lost(&PostgresStore::open(&db.url).unwrap(), one_call);
        let dir = tempfile::tempdir().unwrap();
        increments_are_not_lost(
            &SqliteStore::open(&dir.path().join("s.db")).unwrap(),
            one_call,
        );
    }
}

/// Runs `first` in a transaction that stays open 200 ms after it ran, and `meanwhile` in its
/// own transaction as soon as `first` ran; returns what each gave, when the first was about to
/// commit and when the other had committed.
fn while_open<F: Send, M>(
    store: &PostgresStore,
    first: impl FnOnce(&mut dyn StoreTx) -> StoreResult<F> + Send,
    then: impl FnOnce(&mut dyn StoreTx) -> StoreResult<()> + Send,
    meanwhile: impl FnOnce(&mut dyn StoreTx) -> StoreResult<M>,
) -> ((F, Instant), (M, Instant)) {
    let ran = Barrier::new(2);
    std::thread::scope(|s| {
        let holder = s.spawn(|| {
            // Taken before the commit: the commit's reply can reach this thread after the
            // waiter it released has already finished, so a later instant would race.
            tx(store, |t| {
                let out = first(t)?;
                ran.wait();
                std::thread::sleep(Duration::from_millis(200));
                then(t)?;
                Ok((out, Instant::now()))
            })
        });
        ran.wait();
        let other = tx(store, meanwhile);
        let other_done = Instant::now();
        (holder.join().unwrap(), (other, other_done))
    })
}

#[test]
fn a_retry_racing_its_first_attempt_reads_that_attempts_result() {
    let db = TestDatabase::create();
    let store = PostgresStore::open(&db.url).unwrap();
    // The retry waits for the first attempt's commit, then sees its result (the calls a push
    // makes: its first step, and the result kept as the writer finishes).
    let start = |t: &mut dyn StoreTx| t.start_mutation("device", 7, "message", "m1");
    let ((first, _), (retry, _)) = while_open(
        &store,
        start,
        |t| t.keep_records(&[], &[kept("device", 7, "applied")]),
        start,
    );
    assert_eq!(first, MutationStart::Fresh(None));
    assert_eq!(retry, MutationStart::Seen("applied".into()));
}

#[test]
fn a_refresh_token_is_spent_once_under_a_race() {
    let db = TestDatabase::create();
    let store = PostgresStore::open(&db.url).unwrap();
    let token = TokenRecord {
        kind: "refresh".into(),
        device_id: "d".into(),
        person_id: "p".into(),
        family: "f".into(),
        parent: None,
        expires_at: i64::MAX,
        used_at: None,
        revoked_at: None,
    };
    tx(&store, |t| t.put_token("h", &token));
    let start = Barrier::new(2);
    let spent: Vec<bool> = std::thread::scope(|s| {
        let racers: Vec<_> = (0..2)
            .map(|i| {
                let (store, start) = (&store, &start);
                s.spawn(move || {
                    start.wait();
                    tx(store, |t| {
                        // Both read it unspent first, as `auth::refresh` does.
                        let before = t.token("h")?.unwrap();
                        assert!(before.used_at.is_none());
                        std::thread::sleep(Duration::from_millis(50 * i));
                        let won = t.mark_token_used("h", 1)?;
                        // Hold the row a while so the other racer has to wait for our commit.
                        std::thread::sleep(Duration::from_millis(100));
                        Ok(won)
                    })
                })
            })
            .collect();
        racers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(spent.iter().filter(|w| **w).count(), 1, "{spent:?}");
}

/// Writes a row and stamps it into `scope`; returns the seq it got.
fn stamp(t: &mut dyn StoreTx, id: &str, scope: &str) -> StoreResult<i64> {
    t.put_record("person", id, "{}", 0)?;
    t.stamp_rows(
        &[RowStamp {
            collection: "person".into(),
            id: id.into(),
            scopes: vec![(scope.into(), false)],
        }],
        0,
    )?;
    Ok(t.record("person", id)?.map_or(0, |r| r.seq))
}

#[test]
fn sequence_numbers_become_visible_in_order_in_each_scope() {
    let db = TestDatabase::create();
    let store = PostgresStore::open(&db.url).unwrap();
    let reserved = Barrier::new(3);
    let (first, second, elsewhere, seen_meanwhile) = std::thread::scope(|s| {
        let first = s.spawn(|| {
            // Its instant is taken just before its commit (as in `while_open`).
            tx(&store, |t| {
                let seq = stamp(t, "a", "staff")?;
                reserved.wait();
                std::thread::sleep(Duration::from_secs(1));
                Ok((seq, Instant::now()))
            })
        });
        let elsewhere = s.spawn(|| {
            reserved.wait();
            let seq = tx(&store, |t| stamp(t, "c", "mentorship:m"));
            (seq, Instant::now())
        });
        reserved.wait();
        let second = s.spawn(|| {
            let seq = tx(&store, |t| stamp(t, "b", "staff"));
            (seq, Instant::now())
        });
        std::thread::sleep(Duration::from_millis(300));
        // The second writer into the scope must not have got past the first one's pending
        // number.
        let seen = tx(&store, |t| t.scope_entries("staff", 0, 10));
        (
            first.join().unwrap(),
            second.join().unwrap(),
            elsewhere.join().unwrap(),
            seen,
        )
    });
    assert!(seen_meanwhile.is_empty(), "{seen_meanwhile:?}");
    assert!(second.0 > first.0, "drawn after the first one committed");
    assert!(second.1 >= first.1, "finished after the first one's commit");
    // A writer into another scope waited for nobody.
    assert!(
        elsewhere.1 < first.1,
        "another scope's writer finished first"
    );
    let all = tx(&store, |t| t.scope_entries("staff", 0, 10));
    let seqs: Vec<i64> = all.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![first.0, second.0]);
}

#[test]
fn one_query_over_every_scope_pages_like_one_query_per_scope() {
    let db = TestDatabase::create();
    let postgres = PostgresStore::open(&db.url).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("server.db")).unwrap();
    let scopes = [("a", 5), ("b", 0), ("c", 3), ("d", 2)];
    for (scope, rows) in scopes {
        for i in 0..rows {
            let id = format!("{scope}{i}");
            tx(&postgres, |t| stamp(t, &id, scope));
            tx(&sqlite, |t| stamp(t, &id, scope));
        }
    }
    // The stores number rows differently: compare what each page holds, by row.
    let page = |walked: Vec<ScopeWalk>| -> Vec<(Vec<String>, bool)> {
        walked
            .into_iter()
            .map(|w| (w.entries.into_iter().map(|e| e.id).collect(), w.has_more))
            .collect()
    };
    let after = |store: &dyn Fn(&str) -> i64, skip: usize| -> Vec<i64> {
        scopes
            .iter()
            .map(|(s, _)| {
                if skip == 0 {
                    0
                } else {
                    store(&format!("{s}{}", skip - 1))
                }
            })
            .collect()
    };
    let pg_seq = |id: &str| tx(&postgres, |t| t.record("person", id)).map_or(0, |r| r.seq);
    let lite_seq = |id: &str| tx(&sqlite, |t| t.record("person", id)).map_or(0, |r| r.seq);
    for skip in 0..3 {
        let (pg_after, lite_after) = (after(&pg_seq, skip), after(&lite_seq, skip));
        for limit in 1..=11 {
            let walks = |after: &[i64]| -> Vec<(&str, i64)> {
                scopes
                    .iter()
                    .map(|(s, _)| *s)
                    .zip(after.iter().copied())
                    .collect()
            };
            let pg = tx(&postgres, |t| t.walk_scopes(&walks(&pg_after), limit));
            let lite = tx(&sqlite, |t| t.walk_scopes(&walks(&lite_after), limit));
            assert_eq!(page(pg), page(lite), "skip {skip}, limit {limit}");
        }
    }
    // And the page itself is right: four in all, the first scope first.
    let walked = page(tx(&postgres, |t| {
        t.walk_scopes(&[("a", 0), ("b", 0), ("c", 0), ("d", 0)], 4)
    }));
    let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        walked,
        vec![
            (ids(&["a0", "a1", "a2", "a3"]), true),
            (vec![], false),
            (vec![], true),
            (vec![], true),
        ]
    );
}

/// Mentorships, relations and a token as the service would leave them, written the same way
/// into either store.
fn facts_fixture(t: &mut dyn StoreTx) -> StoreResult<()> {
    for (id, survivor, mentor) in [("m1", "s1", "x"), ("m2", "s2", "x"), ("m3", "s1", "y")] {
        let data = format!(r#"{{"id":"{id}","survivor_id":"{survivor}","mentor_id":"{mentor}"}}"#);
        t.put_record("mentorship", id, &data, 0)?;
        t.add_relation("survivor", id, survivor)?;
        t.add_relation("mentor", id, mentor)?;
    }
    // A mentorship the relations index has no survivor for yet.
    t.put_record("mentorship", "m4", "{}", 0)?;
    t.add_relation("mentor", "m4", "x")?;
    t.add_relation("programme_consent", "s1", "consent-1")?;
    t.add_relation("share_consent", "s1", "c2")?;
    t.add_relation("share_consent", "s1", "c1")?;
    t.add_relation("share_consent", "s2", "c3")?;
    t.put_record("person", "x", r#"{"id":"x","role":"mentor"}"#, 0)?;
    let token = |person: &str| TokenRecord {
        kind: "access".into(),
        device_id: "d".into(),
        person_id: person.into(),
        family: "f".into(),
        parent: None,
        expires_at: 9,
        used_at: None,
        revoked_at: None,
    };
    t.put_token("held", &token("x"))?;
    t.put_token("orphan", &token("nobody"))
}

fn kept(device: &str, mutation_id: i64, result: &str) -> MutationRecord {
    MutationRecord {
        device_id: device.into(),
        mutation_id,
        result: result.into(),
        at: 1,
    }
}

/// Keeps an audit line and two results, then starts a mutation seen before, a new one on a
/// stored row, and a new one on no row; with the audit lines counted.
fn bookkeeping(t: &mut dyn StoreTx) -> StoreResult<(Vec<MutationStart>, i64)> {
    let line = AuditEntry {
        at: 1,
        person_id: "x".into(),
        device_id: "d".into(),
        action: "write",
        collection: "message".into(),
        row_id: "msg".into(),
    };
    t.keep_records(&[line], &[kept("d", 1, "r1"), kept("d", 2, "r2")])?;
    let starts = vec![
        t.start_mutation("d", 1, "mentorship", "m1")?,
        t.start_mutation("d", 3, "mentorship", "m1")?,
        t.start_mutation("d", 3, "mentorship", "absent")?,
    ];
    Ok((starts, t.audit_count("message", "msg", "write")?))
}

#[test]
fn one_query_reads_answer_alike_on_both_stores() {
    let db = TestDatabase::create();
    let postgres = PostgresStore::open(&db.url).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("server.db")).unwrap();
    tx(&postgres, facts_fixture);
    tx(&sqlite, facts_fixture);
    // Each store answers in one query of its own dialect: the same answers.
    for id in ["m1", "m2", "m3", "m4", "absent"] {
        let pg = tx(&postgres, |t| t.mentorship_facts(id));
        assert_eq!(pg, tx(&sqlite, |t| t.mentorship_facts(id)), "{id}");
    }
    for (kind, person) in [
        ("mentor", "x"),
        ("mentor", "y"),
        ("survivor", "s1"),
        ("mentor", "z"),
    ] {
        let pg = tx(&postgres, |t| t.mentorships_of(kind, person));
        assert_eq!(
            pg,
            tx(&sqlite, |t| t.mentorships_of(kind, person)),
            "{kind} {person}"
        );
    }
    for hash in ["held", "orphan", "absent"] {
        let pg = tx(&postgres, |t| t.token_holder(hash));
        assert_eq!(pg, tx(&sqlite, |t| t.token_holder(hash)), "{hash}");
    }
    // And the answers themselves.
    let m1 = tx(&postgres, |t| t.mentorship_facts("m1")).unwrap();
    assert!(m1.consented);
    assert_eq!(m1.sharing, ["c1", "c2"]);
    let m2 = tx(&postgres, |t| t.mentorship_facts("m2")).unwrap();
    assert!(!m2.consented);
    assert_eq!(m2.sharing, ["c3"]);
    let ids: Vec<String> = tx(&postgres, |t| t.mentorships_of("mentor", "x"))
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, ["m1", "m2", "m4"]);
    // A push's first step and its bookkeeping.
    let pg = tx(&postgres, bookkeeping);
    assert_eq!(pg, tx(&sqlite, bookkeeping));
    let m1 = tx(&postgres, |t| t.record("mentorship", "m1"));
    assert_eq!(
        pg,
        (
            vec![
                MutationStart::Seen("r1".into()),
                MutationStart::Fresh(m1),
                MutationStart::Fresh(None),
            ],
            1
        )
    );
    let (token, person) = tx(&postgres, |t| t.token_holder("held")).unwrap();
    assert_eq!(
        (token.person_id.as_str(), person.data.contains("mentor")),
        ("x", true)
    );
    assert!(tx(&postgres, |t| t.token_holder("orphan")).is_none());
}

#[test]
fn garbage_collection_waits_for_writers_in_flight() {
    let db = TestDatabase::create();
    let store = PostgresStore::open(&db.url).unwrap();
    let ((_, written), ((), collected)) = while_open(
        &store,
        |t| stamp(t, "a", "staff"),
        |_| Ok(()),
        |t| t.collect_garbage(i64::MAX),
    );
    // Had it not waited, it would have finished 200 ms before the writer's last statement, and
    // its horizon could have passed the writer's pending seq.
    assert!(collected >= written);
}

#[test]
fn a_version_1_database_keeps_counting_from_its_last_seq() {
    let db = TestDatabase::create();
    drop(PostgresStore::open(&db.url).unwrap());
    // Version 1 kept the counter in `meta`.
    let mut admin = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    admin
        .batch_execute(
            "DROP SEQUENCE change_seq; INSERT INTO meta (key, value) VALUES ('seq', 41);
             UPDATE meta SET value = 1 WHERE key = 'schema_version'",
        )
        .unwrap();
    let store = PostgresStore::open(&db.url).unwrap();
    assert_eq!(tx(&store, |t| stamp(t, "a", "staff")), 42);
    let old_counter = admin
        .query_opt("SELECT value FROM meta WHERE key = 'seq'", &[])
        .unwrap();
    assert!(old_counter.is_none());
    drop(store);
    // Opening again changes nothing.
    let store = PostgresStore::open(&db.url).unwrap();
    assert_eq!(tx(&store, |t| stamp(t, "b", "staff")), 43);
}

#[test]
fn a_version_2_database_gets_token_parents() {
    let db = TestDatabase::create();
    drop(PostgresStore::open(&db.url).unwrap());
    // Version 2 tokens had no parent, and no voice notes were kept.
    let mut admin = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    admin
        .batch_execute(
            "ALTER TABLE tokens DROP COLUMN parent;
             DROP TABLE voice_notes;
             INSERT INTO tokens (hash, kind, device_id, person_id, family, expires_at)
             VALUES ('old', 'refresh', 'd', 'p', 'f', 9);
             UPDATE meta SET value = 2 WHERE key = 'schema_version'",
        )
        .unwrap();
    let store = PostgresStore::open(&db.url).unwrap();
    let version: i64 = admin
        .query_one("SELECT value FROM meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 4);
    let voice_notes: bool = admin
        .query_one("SELECT to_regclass('voice_notes') IS NOT NULL", &[])
        .unwrap()
        .get(0);
    assert!(voice_notes);
    let child = TokenRecord {
        kind: "refresh".into(),
        device_id: "d".into(),
        person_id: "p".into(),
        family: "f".into(),
        parent: Some("old".into()),
        expires_at: 9,
        used_at: None,
        revoked_at: None,
    };
    let (old, spent) = tx(&store, |t| {
        t.put_token("new", &child)?;
        Ok((t.token("old")?, t.revoke_issued_from("f", "old", 5)?))
    });
    assert_eq!(old.unwrap().parent, None);
    assert!(!spent);
    let new = tx(&store, |t| t.token("new")).unwrap();
    assert_eq!(
        (new.parent.as_deref(), new.revoked_at),
        (Some("old"), Some(5))
    );
}

#[test]
fn a_database_from_a_newer_server_is_refused() {
    let db = TestDatabase::create();
    drop(PostgresStore::open(&db.url).unwrap());
    let mut admin = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    admin
        .batch_execute("UPDATE meta SET value = 99 WHERE key = 'schema_version'")
        .unwrap();
    let refused = PostgresStore::open(&db.url).err().unwrap();
    assert!(refused.to_string().contains("newer server"), "{refused}");
    // Refused, not rewritten.
    let version: i64 = admin
        .query_one("SELECT value FROM meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 99);
}

#[test]
fn a_read_snapshot_does_not_see_commits_made_after_it() {
    let db = TestDatabase::create();
    let store = PostgresStore::open(&db.url).unwrap();
    let read_once = Barrier::new(2);
    let written = Barrier::new(2);
    let (plain, snapshot) = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let read_twice = |snapshot: bool| {
                tx(&store, |t| {
                    if snapshot {
                        t.begin_pull()?;
                    }
                    let before = t.objects("programme_consent", "s")?;
                    read_once.wait();
                    written.wait();
                    let after = t.objects("programme_consent", "s")?;
                    Ok((before, after))
                })
            };
            (read_twice(false), read_twice(true))
        });
        for consent in ["c1", "c2"] {
            read_once.wait();
            tx(&store, |t| {
                t.add_relation("programme_consent", "s", consent)
            });
            written.wait();
        }
        reader.join().unwrap()
    });
    // READ COMMITTED: each read sees what committed before it.
    assert_eq!(plain, (vec![], vec!["c1".to_owned()]));
    // One snapshot: the second read still sees the first one's world.
    assert_eq!(snapshot.0, snapshot.1);
    assert_eq!(snapshot.0, vec!["c1".to_owned()]);
}

/// Survivors' profiles and consents stored when they went to every professional (`staff`)
/// move to `care:<survivor>` once, at start-up, on both stores.
fn survivor_records_leave_staff<S: ServerStore>(store: S) {
    use passerelle_server::{Config, Service, demo};
    let service = Service::new(store, Config::default(), passerelle_core::Clock::system());
    let people = demo::seed(&service).unwrap();
    let sophie = people
        .iter()
        .find(|p| p.display_name == "Sophie")
        .unwrap()
        .person_id
        .clone();
    let staff = |service: &Service<S>| -> Vec<(String, String, bool)> {
        tx(service.store(), |t| t.scope_entries("staff", 0, 10_000))
            .into_iter()
            .filter(|e| matches!(e.collection.as_str(), "survivor_profile" | "consent"))
            .map(|e| (e.collection, e.id, e.data.is_some()))
            .collect()
    };
    assert!(staff(&service).is_empty(), "new rows never go to staff");
    // As the earlier rules stamped them.
    let consents = tx(service.store(), |t| t.objects("consent_of", &sophie));
    assert!(!consents.is_empty());
    let mut old = vec![RowStamp {
        collection: "survivor_profile".into(),
        id: sophie.clone(),
        scopes: vec![("staff".into(), false)],
    }];
    for c in &consents {
        old.push(RowStamp {
            collection: "consent".into(),
            id: c.clone(),
            scopes: vec![("staff".into(), false)],
        });
    }
    tx(service.store(), |t| t.stamp_rows(&old, 1));
    assert!(staff(&service).iter().all(|(_, _, held)| *held));

    assert_eq!(service.apply_scope_rules().unwrap(), old.len());
    let left = staff(&service);
    assert_eq!(left.len(), old.len());
    assert!(left.iter().all(|(_, _, held)| !held), "{left:?}");
    let care = tx(service.store(), |t| {
        t.scope_entries(&format!("care:{sophie}"), 0, 10_000)
    });
    for stamp in &old {
        assert!(
            care.iter()
                .any(|e| e.collection == stamp.collection && e.id == stamp.id && e.data.is_some())
        );
    }
    assert_eq!(service.apply_scope_rules().unwrap(), 0, "once");
}

#[test]
fn survivor_records_stored_under_the_old_rules_leave_staff_once() {
    let db = TestDatabase::create();
    survivor_records_leave_staff(PostgresStore::open(&db.url).unwrap());
    let dir = tempfile::tempdir().unwrap();
    survivor_records_leave_staff(SqliteStore::open(&dir.path().join("s.db")).unwrap());
}
