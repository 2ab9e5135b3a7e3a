//! The deterministic simulation: many seeded cases, each a few devices and the server in one
//! process behind a faulty network (dropped requests and replies, duplicates, late
//! re-deliveries, devices killed mid-sync and inside a sync's transactions, full disks, clocks
//! days off, consents withdrawn while devices are offline, someone's records erased), then
//! a fault-free round and the
//! invariants — convergence, no acknowledged write lost, outboxes drained, no row outside the
//! holder's scopes.
//!
//! The same cases run with the server on SQLite and on PostgreSQL. `SIM_CASES` (default 2000,
//! SQLite), `SIM_PG_CASES` (default 300, PostgreSQL) and `SIM_STEPS` (default 24) size the run; `SIM_SEED=<seed>`
//! replays one case (the seed a failure prints); `SIM_SEED_BASE` moves the block of seeds;
//! `SIM_THREADS` (default: the machine's cores).
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use passerelle_tests::harness::StoreKind;
use passerelle_tests::sim::{Report, run_case_on};

const DEFAULT_CASES: u64 = 2_000;
const DEFAULT_PG_CASES: u64 = 300;
const DEFAULT_STEPS: usize = 24;
const DEFAULT_BASE: u64 = 0x5EED_0000;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        let v = v.trim();
        v.strip_prefix("0x")
            .map_or_else(|| v.parse(), |hex| u64::from_str_radix(hex, 16))
            .unwrap_or_else(|_| panic!("{name} must be a number"))
    })
}

#[test]
fn the_sync_path_keeps_its_invariants_under_faults() {
    simulate(StoreKind::Sqlite, "SIM_CASES", DEFAULT_CASES);
}

/// The same cases with the server on PostgreSQL: fewer by default (each case makes a
/// database, and every statement is a round trip), the same seeds as the first SQLite ones.
#[test]
fn the_sync_path_keeps_its_invariants_under_faults_on_postgresql() {
    simulate(StoreKind::Postgres, "SIM_PG_CASES", DEFAULT_PG_CASES);
}

fn simulate(kind: StoreKind, cases_var: &str, default_cases: u64) {
    let steps = env_u64("SIM_STEPS").map_or(DEFAULT_STEPS, |s| s as usize);
    let (base, cases) = match env_u64("SIM_SEED") {
        Some(seed) => (seed, env_u64(cases_var).unwrap_or(1)),
        None => (
            env_u64("SIM_SEED_BASE").unwrap_or(DEFAULT_BASE),
            env_u64(cases_var).unwrap_or(default_cases),
        ),
    };
    let threads = env_u64("SIM_THREADS").map_or_else(
        || std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
        |t| t as usize,
    );
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<(u64, String)>> = Mutex::new(Vec::new());
    let totals: Mutex<Vec<Report>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed) as u64;
                    if n >= cases || failures.lock().unwrap().len() >= 3 {
                        return;
                    }
                    let seed = base + n;
                    let outcome = std::panic::catch_unwind(|| run_case_on(kind, seed, steps))
                        .unwrap_or_else(|panic| {
                            let msg = panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                                .unwrap_or_default();
                            Err(format!("panicked: {msg}"))
                        });
                    match outcome {
                        Ok(report) => totals.lock().unwrap().push(report),
                        Err(e) => failures.lock().unwrap().push((seed, e)),
                    }
                }
            });
        }
    });
    let totals = totals.into_inner().unwrap();
    let sum = |f: &dyn Fn(&Report) -> u64| totals.iter().map(f).sum::<u64>();
    println!(
        "simulation on {kind:?}: {} cases of {steps} steps in {:.1}s; {} devices, {} syncs ({} failed), \
         {} acknowledged writes ({} refused and reported), {} re-enrolments, {} reopened stores \
         ({} after dying part-way through a sync), \
         {} voice notes, {} revoked scopes, {} reset scopes, {} rows erased in {} cases ({} of a mentor, {} of a caregiver, {} of a professional, {} phones signed out); network: {} requests, {} dropped, {} replies lost, \
         {} duplicated, {} delayed, {} re-delivered, {} kills",
        totals.len(),
        started.elapsed().as_secs_f64(),
        sum(&|r| r.devices as u64),
        sum(&|r| r.syncs as u64),
        sum(&|r| r.failed_syncs as u64),
        sum(&|r| r.acknowledged as u64),
        sum(&|r| r.refused as u64),
        sum(&|r| r.reenrolled as u64),
        sum(&|r| r.reopened as u64),
        sum(&|r| r.cut_mid_transaction as u64),
        sum(&|r| r.voice_notes as u64),
        sum(&|r| r.revoked_scopes),
        sum(&|r| r.reset_scopes),
        sum(&|r| r.erased as u64),
        sum(&|r| u64::from(r.erased > 0)),
        sum(&|r| r.mentors_erased as u64),
        sum(&|r| r.caregivers_erased as u64),
        sum(&|r| r.professionals_erased as u64),
        sum(&|r| r.phones_retired as u64),
        sum(&|r| r.net.requests),
        sum(&|r| r.net.dropped_requests),
        sum(&|r| r.net.dropped_replies),
        sum(&|r| r.net.duplicated),
        sum(&|r| r.net.delayed),
        sum(&|r| r.net.redelivered),
        sum(&|r| r.net.kills),
    );
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    for r in &totals {
        for (k, v) in &r.reasons {
            *reasons.entry(k.clone()).or_default() += v;
        }
    }
    println!("rejections reported on devices: {reasons:?}");
    let failures = failures.into_inner().unwrap();
    if let Some((seed, message)) = failures.first() {
        panic!(
            "{} case(s) failed. First: seed {seed:#x}\n{message}\n\nReplay: SIM_SEED={seed:#x} SIM_STEPS={steps} \
             cargo test -p passerelle-tests --test simulation -- --nocapture ({kind:?})\nOther failing seeds: {:?}",
            failures.len(),
            failures
                .iter()
                .skip(1)
                .map(|(s, _)| format!("{s:#x}"))
                .collect::<Vec<_>>()
        );
    }
}

/// Regressions the simulation found, each replayed deterministically.
mod regressions {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};

    use passerelle_core::sync::transport::Response;
    use passerelle_core::{
        Clock, Durability, Key, Store, StoreOptions, SyncSummary, Transport, TransportError,
    };
    use passerelle_server::{Config, Service, SqliteStore};
    use passerelle_tests::api::{ApiClient, InProcess};
    use passerelle_tests::harness::Backend;
    use serde_json::json;

    const DAY: i64 = 86_400_000;

    /// Passes requests through and gives up after `cap` of them, so a sync that would loop
    /// forever fails instead.
    struct Capped {
        inner: InProcess,
        sent: AtomicU32,
        cap: AtomicU32,
    }

    impl Transport for Capped {
        fn post(
            &self,
            path: &str,
            bearer: Option<&str>,
            body: &[u8],
        ) -> Result<Response, TransportError> {
            if self.sent.fetch_add(1, Ordering::Relaxed) >= self.cap.load(Ordering::Relaxed) {
                return Err(TransportError::Unreachable);
            }
            self.inner.post(path, bearer, body)
        }
    }

    struct Programme {
        now: Arc<AtomicI64>,
        service: Arc<Service<SqliteStore>>,
        desk: ApiClient,
        people: Vec<passerelle_server::demo::SeededPerson>,
        _dir: tempfile::TempDir,
    }

    fn programme(max_pull: u32) -> Programme {
        let dir = tempfile::tempdir().unwrap();
        let now = Arc::new(AtomicI64::new(Clock::system().now()));
        let clock = now.clone();
        let service = Arc::new(Service::new(
            SqliteStore::open(&dir.path().join("server.db")).unwrap(),
            Config {
                max_pull,
                tombstone_horizon_ms: DAY,
                ..Config::default()
            },
            Clock::from_fn(move || clock.load(Ordering::SeqCst)),
        ));
        let people = Backend::seed_demo(&*service);
        let claire = &people
            .iter()
            .find(|p| p.display_name == "Claire")
            .unwrap()
            .enrolment_code;
        let desk = ApiClient::enrol(
            service.clone(),
            claire,
            "00000000-0000-4000-8000-0000000000d0",
        );
        Programme {
            now,
            service,
            desk,
            people,
            _dir: dir,
        }
    }

    impl Programme {
        fn device(&self, name: &str) -> (Store, Capped, tempfile::TempDir) {
            self.device_with_skew(name, 0)
        }

        fn device_with_skew(&self, name: &str, skew: i64) -> (Store, Capped, tempfile::TempDir) {
            let id = &self
                .people
                .iter()
                .find(|p| p.display_name == name)
                .unwrap()
                .person_id;
            let code = self.desk.post_ok(
                &format!("/v1/people/{id}/enrolment-code"),
                &serde_json::Value::Null,
            );
            let dir = tempfile::tempdir().unwrap();
            let clock = self.now.clone();
            let store = Store::open(
                dir.path().join("device.db"),
                Key::Unencrypted,
                StoreOptions {
                    clock: Clock::from_fn(move || clock.load(Ordering::SeqCst) + skew),
                    durability: Durability::Normal,
                    ..StoreOptions::default()
                },
            )
            .unwrap();
            let transport = Capped {
                inner: InProcess::new(self.service.clone(), name),
                sent: AtomicU32::new(0),
                cap: AtomicU32::new(200),
            };
            store
                .enrol(
                    &transport,
                    "in-process",
                    code["enrolment_code"].as_str().unwrap(),
                )
                .unwrap();
            (store, transport, dir)
        }

        /// Withdraws Sophie's sharing consent (rows leave Paul's scopes: removals in the
        /// log), lets two days pass and collects garbage: the horizon moves past every seq.
        fn age_past_the_horizon(&self) {
            let sophie = person(self, "Sophie");
            let claire = person(self, "Claire");
            withdraw_consent(self, &sophie, "share_with_caregiver");
            assert_ne!(sophie, claire);
            self.now.fetch_add(2 * DAY, Ordering::SeqCst);
            self.service.collect_garbage().unwrap();
        }
    }

    fn person(p: &Programme, name: &str) -> String {
        p.people
            .iter()
            .find(|x| x.display_name == name)
            .unwrap()
            .person_id
            .clone()
    }

    /// Withdraws `survivor`'s consent of `scope` through the coordinator API.
    fn withdraw_consent(p: &Programme, survivor: &str, scope: &str) {
        let everything = p.desk.pull_everything();
        let consent = everything
            .rows
            .iter()
            .find(|((c, _), r)| {
                c == "consent" && r["survivor_id"] == json!(survivor) && r["scope"] == json!(scope)
            })
            .map(|((_, id), _)| id.clone())
            .unwrap();
        p.desk
            .post_ok(&format!("/v1/consents/{consent}/withdraw"), &json!({}));
    }

    /// The mentorship `phone`'s owner holds with `survivor`.
    fn mentorship_with(phone: &Store, survivor: &str) -> String {
        phone
            .my_mentorships()
            .unwrap()
            .into_iter()
            .find(|m| m.survivor_id == survivor)
            .unwrap()
            .id
    }

    fn sync(store: &Store, transport: &Capped) -> SyncSummary {
        transport.sent.store(0, Ordering::Relaxed);
        transport.cap.store(200, Ordering::Relaxed);
        store
            .sync(transport, None)
            .expect("the sync completes in a bounded number of requests")
    }

    /// Seed 0x5eed0016: after garbage collection, a pull from 0 of a scope larger than one
    /// answer came back with a cursor below the horizon, so the next answer reset the scope
    /// to 0 again: the pull never ended.
    #[test]
    fn a_walk_from_zero_past_the_horizon_ends() {
        let p = programme(3);
        p.age_past_the_horizon();
        let (store, transport, _dir) = p.device("Claire");
        sync(&store, &transport);
        assert!(!store.people(None).unwrap().is_empty());
    }

    /// The same seed, second half: a scope whose newest entry is older than the horizon was
    /// reset on every sync, pulled again from 0 and swept, for ever.
    #[test]
    fn a_quiet_scope_is_reset_once_not_on_every_sync() {
        let p = programme(5_000);
        let (store, transport, _dir) = p.device("Marc");
        sync(&store, &transport);
        p.age_past_the_horizon();
        let first = sync(&store, &transport);
        assert!(first.reset_scopes > 0, "the old cursors are reset once");
        let second = sync(&store, &transport);
        assert_eq!(
            (second.reset_scopes, second.pulled),
            (0, 0),
            "then the device is up to date"
        );
    }

    /// Seed 0x5eed0094: a reset scope was being pulled again when the session was revoked;
    /// signing in again replaced the sync account row and forgot the sweep it owed, so rows
    /// that had left the device's scopes stayed on it for good.
    #[test]
    fn signing_in_again_keeps_the_sweep_a_reset_owes() {
        let p = programme(3);
        let (store, transport, _dir) = p.device("Marc");
        sync(&store, &transport);
        let paul = person(&p, "Paul");
        assert!(
            store.person(&paul).is_ok(),
            "Paul shares in Sophie's mentorship"
        );
        p.age_past_the_horizon();
        // The sync is cut after its first pull answer (a refresh, then the reset batch).
        transport.sent.store(0, Ordering::Relaxed);
        transport.cap.store(2, Ordering::Relaxed);
        assert!(store.sync(&transport, None).is_err());
        let id = person(&p, "Marc");
        let code = p.desk.post_ok(
            &format!("/v1/people/{id}/enrolment-code"),
            &serde_json::Value::Null,
        );
        store
            .enrol(
                &transport.inner,
                "in-process",
                code["enrolment_code"].as_str().unwrap(),
            )
            .unwrap();
        sync(&store, &transport);
        assert!(
            store.person(&paul).is_err(),
            "Paul left Marc's scopes with the consent; the sweep removes him"
        );
    }

    /// Seed 0x5eed0035: one pull answer both revoked a scope and began a new one; the purge
    /// removed "orphans" at once — rows of the new scope whose parents were still to come in
    /// the next answers — and the cursor had moved past them: they never came back.
    #[test]
    fn a_purge_in_the_middle_of_a_pull_keeps_rows_whose_parents_come_next() {
        let p = programme(3);
        let (store, transport, _dir) = p.device("Inès");
        sync(&store, &transport);
        let everything = p.desk.pull_everything();
        let row_of = |collection: &str, field: &str, value: &str| {
            everything
                .rows
                .iter()
                .filter(|((c, _), r)| c == collection && r[field] == json!(value))
                .map(|((_, id), _)| id.clone())
                .collect::<Vec<_>>()
        };
        let jeanne = row_of("mentorship", "survivor_id", &person(&p, "Jeanne")).remove(0);
        let ahmed_consent = row_of("consent", "survivor_id", &person(&p, "Ahmed")).remove(0);
        // While Inès is away: Jeanne's mentorship moves to her, Ahmed's consent is withdrawn.
        p.desk.post_ok(
            &format!("/v1/mentorships/{jeanne}/reassign"),
            &json!({"mentor_id": person(&p, "Inès")}),
        );
        p.desk.post_ok(
            &format!("/v1/consents/{ahmed_consent}/withdraw"),
            &json!({}),
        );
        sync(&store, &transport);
        assert!(
            store.mentorship(&jeanne).is_ok(),
            "Jeanne's mentorship reached Inès"
        );
        let events = row_of("mentorship_event", "mentorship_id", &jeanne);
        let conn = passerelle_tests::sim::inspect::open_device(store.path());
        for event in events {
            let held: i64 = conn
                .query_row(
                    "SELECT count(*) FROM mentorship_event WHERE id = ?1",
                    [&event],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(held, 1, "the mentorship's history reached Inès too");
        }
    }

    /// Seed 0x5eed0044: two devices whose clocks ran two days ahead each renamed their owner.
    /// The server clamped both stamps and kept the later edit; the device that lost kept its
    /// own value for good, its unclamped stamp beating the server's.
    #[test]
    fn a_device_whose_clock_runs_ahead_takes_the_servers_merge() {
        let p = programme(5_000);
        let (phone, phone_link, _a) = p.device_with_skew("Sophie", 2 * DAY);
        let (tablet, tablet_link, _b) = p.device_with_skew("Sophie", 2 * DAY + 3_600_000);
        sync(&phone, &phone_link);
        sync(&tablet, &tablet_link);
        let sophie = person(&p, "Sophie");
        phone
            .rename_person(&sophie, "Sophie from the phone")
            .unwrap();
        sync(&phone, &phone_link);
        p.now.fetch_add(60_000, Ordering::SeqCst);
        tablet
            .rename_person(&sophie, "Sophie from the tablet")
            .unwrap();
        sync(&tablet, &tablet_link);
        sync(&phone, &phone_link);
        let on_server =
            passerelle_tests::sim::inspect::server_row(&p.service, "person", &sophie).unwrap();
        assert_eq!(on_server["display_name"], json!("Sophie from the tablet"));
        assert_eq!(
            phone.person(&sophie).unwrap().display_name,
            "Sophie from the tablet"
        );
        assert_eq!(
            tablet.person(&sophie).unwrap().display_name,
            "Sophie from the tablet"
        );
    }

    /// Seed 0x5eed002d: a device whose clock ran days behind restarted before it had pushed
    /// anything; the stamps it had seen in pulls were forgotten, so its next edit (a consent
    /// withdrawn, a name) was stamped days in the past and lost to the older value it replaced.
    #[test]
    fn the_clock_a_device_has_seen_survives_a_restart() {
        let p = programme(5_000);
        let (phone, link, dir) = p.device_with_skew("Sophie", -3 * DAY);
        sync(&phone, &link);
        let path = phone.path().to_path_buf();
        drop(phone);
        let clock = p.now.clone();
        let phone = Store::open(
            &path,
            Key::Unencrypted,
            StoreOptions {
                clock: Clock::from_fn(move || clock.load(Ordering::SeqCst) - 3 * DAY),
                durability: Durability::Normal,
                ..StoreOptions::default()
            },
        )
        .unwrap();
        let sophie = person(&p, "Sophie");
        phone
            .rename_person(&sophie, "Sophie after a restart")
            .unwrap();
        let pushed = sync(&phone, &link);
        assert_eq!(
            pushed.conflicts, 0,
            "the edit follows everything the device had seen"
        );
        let on_server =
            passerelle_tests::sim::inspect::server_row(&p.service, "person", &sophie).unwrap();
        assert_eq!(on_server["display_name"], json!("Sophie after a restart"));
        drop(dir);
    }

    /// Seed 0x5eed00b3: a device whose clock ran ahead pushed two edits of one field within
    /// the same server millisecond. Both stamps were clamped to the same latest-allowed stamp,
    /// the tie kept the first value, and the second push was answered "applied" all the same.
    #[test]
    fn a_later_clamped_edit_still_wins() {
        let p = programme(5_000);
        let (phone, link, _dir) = p.device_with_skew("Sophie", 2 * DAY);
        sync(&phone, &link);
        let sophie = person(&p, "Sophie");
        phone.rename_person(&sophie, "First").unwrap();
        sync(&phone, &link);
        phone.rename_person(&sophie, "Second").unwrap();
        sync(&phone, &link);
        let on_server =
            passerelle_tests::sim::inspect::server_row(&p.service, "person", &sophie).unwrap();
        assert_eq!(on_server["display_name"], json!("Second"));
        assert_eq!(phone.person(&sophie).unwrap().display_name, "Second");
    }

    /// Loses the answer to the first refresh after the server committed it.
    struct LoseRefreshAnswer {
        inner: InProcess,
        lost: std::sync::atomic::AtomicBool,
    }

    impl Transport for LoseRefreshAnswer {
        fn post(
            &self,
            path: &str,
            bearer: Option<&str>,
            body: &[u8],
        ) -> Result<Response, TransportError> {
            let answer = self.inner.post(path, bearer, body)?;
            if path == "/v1/auth/refresh" && !self.lost.swap(true, Ordering::SeqCst) {
                return Err(TransportError::Timeout);
            }
            Ok(answer)
        }
    }

    /// Every seed with a lossy network: the server spent a refresh token and issued the next
    /// pair, the answer was lost, and the device's retry — the only token it has — counted as
    /// theft: the whole family was revoked and the person had to ask for a new code.
    #[test]
    fn a_lost_refresh_answer_does_not_lock_the_device_out() {
        let p = programme(5_000);
        let (phone, link, _dir) = p.device("Sophie");
        sync(&phone, &link);
        p.now.fetch_add(20 * 60_000, Ordering::SeqCst); // the access token expires
        let lossy = LoseRefreshAnswer {
            inner: link.inner,
            lost: std::sync::atomic::AtomicBool::new(false),
        };
        assert!(matches!(
            phone.sync(&lossy, None),
            Err(passerelle_core::Error::Sync(
                passerelle_core::SyncError::Offline
            ))
        ));
        p.now.fetch_add(20_000, Ordering::SeqCst); // the app retries a little later
        phone
            .sync(&lossy, None)
            .expect("the retry signs in with the token the lost answer spent");
    }

    /// The grace is short: a spent refresh token presented later still revokes the family.
    #[test]
    fn a_spent_refresh_token_presented_later_revokes_the_family() {
        let p = programme(5_000);
        let refresh = |token: &str| {
            let body = serde_json::to_vec(&json!({ "refresh_token": token })).unwrap();
            p.service.handle(&passerelle_tests::api::post_request(
                "/v1/auth/refresh",
                None,
                &body,
                "thief",
            ))
        };
        let id = person(&p, "Sophie");
        let code = p.desk.post_ok(
            &format!("/v1/people/{id}/enrolment-code"),
            &serde_json::Value::Null,
        );
        let body = serde_json::to_vec(&json!({
            "code": code["enrolment_code"], "device_id": "00000000-0000-4000-8000-0000000000a1"
        }))
        .unwrap();
        let enrolled: serde_json::Value = serde_json::from_slice(
            &p.service
                .handle(&passerelle_tests::api::post_request(
                    "/v1/auth/enrol",
                    None,
                    &body,
                    "a",
                ))
                .body,
        )
        .unwrap();
        let first = enrolled["tokens"]["refresh_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let answer = refresh(&first);
        assert_eq!(answer.status, 200);
        let second: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        p.now.fetch_add(
            passerelle_server::auth::REFRESH_RETRY_GRACE_MS + 1,
            Ordering::SeqCst,
        );
        assert_eq!(refresh(&first).status, 401, "a copy presented late");
        assert_eq!(
            refresh(second["refresh_token"].as_str().unwrap()).status,
            401,
            "the whole family is revoked"
        );
    }

    /// Seed 0x5eed0096: while Inès was offline, Ahmed's consent was withdrawn and given
    /// again; the message she wrote in between was refused (`not_allowed`), yet stayed on her
    /// phone, shown as sent, in a conversation the server never had it in.
    #[test]
    fn a_refused_new_row_leaves_the_device_and_is_reported() {
        let p = programme(5_000);
        let (phone, link, _dir) = p.device("Inès");
        sync(&phone, &link);
        let ahmed = person(&p, "Ahmed");
        let m2 = mentorship_with(&phone, &ahmed);
        withdraw_consent(&p, &ahmed, "programme");
        let refused = phone.send_message(&m2, "Bonjour Ahmed").unwrap();
        // Her push is refused; the connection drops before the pull.
        link.sent.store(0, Ordering::Relaxed);
        link.cap.store(1, Ordering::Relaxed);
        assert!(phone.sync(&link, None).is_err());
        // The coordinator records his consent again before she syncs.
        let now = p.now.load(Ordering::SeqCst);
        p.desk.post_ok(
            "/v1/consents",
            &json!({"survivor_id": ahmed, "scope": "programme", "granted_at": now}),
        );
        sync(&phone, &link);
        let issues = phone.sync_issues().unwrap();
        assert!(
            issues
                .iter()
                .any(|i| i.row_id == refused.id && i.reason == "not_allowed"),
            "the refusal is reported: {issues:?}"
        );
        let conversation = phone.conversation(&m2, 50).unwrap();
        assert!(
            conversation.messages.iter().all(|m| m.id != refused.id),
            "the refused message is not shown as sent"
        );
    }

    /// The same, for an amendment: the refused second version leaves, and the first is the
    /// check-in's current version again (not hidden as superseded by a version that is gone).
    #[test]
    fn a_refused_amendment_leaves_the_first_version_current() {
        let p = programme(5_000);
        let (phone, link, _dir) = p.device("Marc");
        sync(&phone, &link);
        let sophie = person(&p, "Sophie");
        let m1 = mentorship_with(&phone, &sophie);
        let input = passerelle_tests::durability_checkin(&m1, phone.now() - 3_600_000, 1, 1);
        let first = phone.record_checkin(input).unwrap().checkin;
        sync(&phone, &link);
        withdraw_consent(&p, &sophie, "programme");
        let mut fix = first.to_input();
        fix.notes = "corrected".into();
        phone.amend_checkin(&first.checkin_id, fix, "typo").unwrap();
        link.sent.store(0, Ordering::Relaxed);
        link.cap.store(1, Ordering::Relaxed);
        assert!(
            phone.sync(&link, None).is_err(),
            "pushed and refused, then cut"
        );
        let now = p.now.load(Ordering::SeqCst);
        p.desk.post_ok(
            "/v1/consents",
            &json!({"survivor_id": sophie, "scope": "programme", "granted_at": now}),
        );
        sync(&phone, &link);
        let current = phone.checkin(&first.checkin_id).unwrap();
        assert_eq!(
            (current.id.as_str(), current.version),
            (first.id.as_str(), 1)
        );
        assert_eq!(phone.checkin_history(&first.checkin_id).unwrap().len(), 1);
    }

    /// Seed 0x5eed00a3: Sophie answered a planned visit offline; the desk then withdrew her
    /// consent to take part; the server refused her answer, and her phone — which keeps the
    /// mentorship's scope — showed "I'll be there" for ever, since the row never changed on the
    /// server. Her phone and the server now agree, whichever way the answer went.
    #[test]
    fn an_answer_queued_before_consent_is_withdrawn_leaves_phone_and_server_agreeing() {
        let p = programme(5_000);
        let (marc, marc_link, _a) = p.device("Marc");
        let (sophie, sophie_link, _b) = p.device("Sophie");
        sync(&marc, &marc_link);
        sync(&sophie, &sophie_link);
        let mentorship = sophie.my_mentorships().unwrap()[0].id.clone();
        let planned = marc
            .plan_contact(
                &mentorship,
                passerelle_core::ContactDetails {
                    starts_at: marc.now() + DAY,
                    duration_minutes: 60,
                    mode: passerelle_core::ContactMode::HomeVisit,
                    place: None,
                    note: None,
                },
            )
            .unwrap();
        sync(&marc, &marc_link);
        sync(&sophie, &sophie_link);
        sophie
            .reply_to_planned_contact(&planned.id, passerelle_core::ContactReply::Accepted)
            .unwrap();
        let her = person(&p, "Sophie");
        let consent = p
            .desk
            .pull_everything()
            .rows
            .into_iter()
            .find(|((c, _), r)| {
                c == "consent" && r["scope"] == "programme" && r["survivor_id"] == her.as_str()
            })
            .map(|((_, id), _)| id)
            .unwrap();
        p.desk
            .post_ok(&format!("/v1/consents/{consent}/withdraw"), &json!(null));
        sync(&sophie, &sophie_link);
        let on_phone = sophie.planned_contact(&planned.id).unwrap().contact.reply;
        let on_server = p
            .service
            .stored_row("planned_contact", &planned.id)
            .unwrap()["reply"]
            .clone();
        assert_eq!(
            serde_json::to_value(on_phone.map(|r| r.to_string())).unwrap(),
            on_server
        );
    }
}
