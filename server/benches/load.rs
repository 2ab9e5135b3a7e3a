//! Load test (issue 3): simulated devices pushing and pulling against the real HTTP server on
//! loopback, on SQLite and on PostgreSQL, with the same writes made straight through the store
//! as a baseline. Run with `cargo bench -p passerelle-server --bench load`; see
//! docs/sync-benchmarks.md for what each figure means and the last measured run.
//!
//! Per store:
//! 1. a coordinator enrols the programme through the service (people, programme consents,
//!    active mentorships: half the devices are mentors, half their survivors), then every device
//!    signs in over HTTP with its one-time code, as an app does, and pulls once;
//! 2. **capacity**: every device syncs (push, then pull) back to back, no pause: the most the
//!    server does;
//! 3. **paced**: each device syncs on its own schedule so that together they offer the target
//!    push rate; latency is measured from when the sync was due, so a server that falls behind
//!    shows it in the figures instead of slowing the clients down; then the same at **half**
//!    the measured capacity, the latency at a load the server carries;
//! 4. **in process**: every device syncs in turn on one thread straight through
//!    `Service::handle` — no HTTP, no load generator on the same cores: what a sync costs the
//!    server itself (on SQLite, processor time; on PostgreSQL, round trips too);
//! 5. **baseline**: the rows of a push written through `StoreTx` directly (no HTTP, JSON,
//!    authentication or authorization), from a few threads, as fast as the store goes.
//!
//! A mentor's push is a check-in (and every other time a message too); a survivor's is a
//! message. Each device has its own HTTP/1.1 keep-alive connection and waits for each answer
//! before its next request, as a phone does; the devices are async tasks on one thread of
//! their own (hyper's client), so the load generator costs the two shared cores little. (It
//! began as 500 OS threads with the app's blocking client: their context switches and
//! sockets took over half the machine, and the server got the rest.) Devices sign in with the
//! app's own `HttpTransport`.
//!
//! Environment: `PASSERELLE_LOAD_DEVICES` (500), `PASSERELLE_LOAD_RATE` (target pushes/s, 2000),
//! `PASSERELLE_LOAD_SECS` (paced phase, 20; capacity and half-capacity run half as long),
//! `PASSERELLE_LOAD_STORES` (`sqlite,sqlite-normal,postgres`: SQLite at its default, every answer after its commit is flushed, and with `--sqlite-durability normal`), `PASSERELLE_LOAD_PG_POOL` (connections, 2 per core + 2), and `PASSERELLE_TEST_POSTGRES_URL` for an
//! existing cluster (otherwise a private one is started, see tests/src/pg_cluster.rs).
#![allow(clippy::print_stdout, clippy::unwrap_used)] // a benchmark reports on stdout and stops on setup failures

/// The processors this machine offers (1 if it cannot tell).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[path = "../../tests/src/pg_cluster.rs"]
#[allow(dead_code, unreachable_pub)]
mod pg_cluster;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use passerelle_core::sync::protocol::{
    EnrolRequest, EnrolResponse, Mutation, Op, PullRequest, PullResponse, PushRequest, PushResponse,
};
use passerelle_core::{Clock, ContactMode, Durability, HttpTransport, Reached, Role, Transport};
use passerelle_server::auth::Actor;
use passerelle_server::coordinator::{
    self, ActionRequest, NewConsentRequest, NewMentorshipRequest, NewPersonRequest,
};
use passerelle_server::store::{AuditEntry, MutationRecord, RowStamp, StoreFailure};
use passerelle_server::{
    ApiRequest, Config, Method, PostgresOptions, PostgresStore, ServerStore, Service, SqliteStore,
    demo, http,
};
use rand::Rng;
use serde_json::json;

struct Params {
    devices: usize,
    rate: f64,
    paced: Duration,
    capacity: Duration,
    baseline: Duration,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

impl Params {
    fn from_env() -> Self {
        let secs: u64 = env_or("PASSERELLE_LOAD_SECS", 20);
        Self {
            devices: env_or::<usize>("PASSERELLE_LOAD_DEVICES", 500).max(2) / 2 * 2,
            rate: env_or("PASSERELLE_LOAD_RATE", 2000.0),
            paced: Duration::from_secs(secs),
            capacity: Duration::from_secs(secs.div_ceil(2)),
            baseline: Duration::from_secs(5),
        }
    }
}

/// One mentor–survivor pair, as the coordinator enrolled it.
struct Pair {
    mentorship: String,
    mentor: (String, String),
    survivor: (String, String),
}

/// Enrols `pairs` mentor–survivor pairs with programme consent and an active mentorship,
/// through the coordinator functions the API runs (in a few large transactions: this is setup,
/// not what is measured).
fn populate<S: ServerStore>(service: &Service<S>, pairs: usize) -> Vec<Pair> {
    let boss = demo::bootstrap_coordinator(service, "Load coordinator", "Load test").unwrap();
    let actor = Actor {
        person_id: boss.person_id,
        role: Role::Professional,
        device_id: "server".into(),
    };
    let ttl = service.config().code_ttl_ms;
    let now = Clock::system().now();
    let mut out = Vec::with_capacity(pairs);
    while out.len() < pairs {
        let chunk = (pairs - out.len()).min(25);
        let made = service
            .act_as(&actor, |ctx| {
                let mut made = Vec::with_capacity(chunk);
                for i in 0..chunk {
                    let mut person = |role: &str, name: String| {
                        let req = NewPersonRequest {
                            role: role.into(),
                            display_name: name,
                            caregiver_of: None,
                            relationship: None,
                        };
                        coordinator::enrol_person(ctx, &actor, req, ttl)
                            .map(|e| (e.person_id, e.enrolment_code))
                    };
                    let n = out.len() + i;
                    let mentor = person("mentor", format!("Mentor {n}"))?;
                    let survivor = person("survivor", format!("Survivor {n}"))?;
                    let consent = NewConsentRequest {
                        survivor_id: survivor.0.clone(),
                        scope: "programme".into(),
                        caregiver_id: None,
                        granted_at: now,
                    };
                    coordinator::grant_consent(ctx, &actor, consent)?;
                    let proposal = NewMentorshipRequest {
                        survivor_id: survivor.0.clone(),
                        mentor_id: mentor.0.clone(),
                        planned_contacts: 6,
                        planned_weeks: 12,
                        matching_notes: None,
                    };
                    let mentorship = coordinator::propose(ctx, &actor, proposal)?;
                    coordinator::act(
                        ctx,
                        &actor,
                        &mentorship,
                        "activate",
                        ActionRequest::default(),
                    )?;
                    made.push(Pair {
                        mentorship,
                        mentor,
                        survivor,
                    });
                }
                Ok(made)
            })
            .unwrap();
        out.extend(made);
    }
    out
}

/// A simulated phone: its own connection, token, cursors and clock.
struct Device {
    addr: SocketAddr,
    /// The open connection, within the phase running now.
    conn: Option<SendRequest<Full<Bytes>>>,
    id: String,
    person_id: String,
    mentor: bool,
    mentorship: String,
    token: String,
    cursors: BTreeMap<String, i64>,
    stamp: i64,
    pushes: u64,
}

/// Latencies (µs) and failures of one kind of request.
#[derive(Default)]
struct Series {
    micros: Vec<u32>,
    failed: u64,
}

impl Series {
    fn add(&mut self, since: Instant, ok: bool) {
        self.micros
            .push(u32::try_from(since.elapsed().as_micros()).unwrap_or(u32::MAX));
        if !ok {
            self.failed += 1;
        }
    }
    fn merge(&mut self, other: Series) {
        self.micros.extend(other.micros);
        self.failed += other.failed;
    }
    fn quantile_ms(&mut self, q: f64) -> f64 {
        if self.micros.is_empty() {
            return f64::NAN;
        }
        self.micros.sort_unstable();
        let i = ((self.micros.len() - 1) as f64 * q).round() as usize;
        f64::from(self.micros[i]) / 1000.0
    }
}

#[derive(Default)]
struct Stats {
    push: Series,
    pull: Series,
    rows_pulled: u64,
    missed: u64,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.push.merge(other.push);
        self.pull.merge(other.pull);
        self.rows_pulled += other.rows_pulled;
        self.missed += other.missed;
    }
}

impl Device {
    fn enrol(
        addr: SocketAddr,
        person_id: &str,
        code: &str,
        mentor: bool,
        mentorship: &str,
    ) -> Self {
        let transport = HttpTransport::new(&format!("http://{addr}")).expect("loopback");
        let device_id = uuid::Uuid::now_v7().to_string();
        let body = serde_json::to_vec(&EnrolRequest {
            code: code.to_owned(),
            device_id: device_id.clone(),
            owner_id: None,
        })
        .unwrap();
        let answer = transport.post("/v1/auth/enrol", None, &body).unwrap();
        assert_eq!(answer.status, 200, "enrolment over HTTP");
        let enrolled: EnrolResponse = serde_json::from_slice(&answer.body).unwrap();
        Self {
            addr,
            conn: None,
            id: device_id,
            person_id: person_id.to_owned(),
            mentor,
            mentorship: mentorship.to_owned(),
            token: enrolled.tokens.access_token,
            cursors: BTreeMap::new(),
            stamp: 0,
            pushes: 0,
        }
    }

    /// A fresh HLC stamp (also the mutation id, as on a phone).
    fn next_stamp(&mut self) -> i64 {
        let now = Clock::system().now() << 16;
        self.stamp = (self.stamp + 1).max(now);
        self.stamp
    }

    fn message(&mut self) -> Mutation {
        let id = uuid::Uuid::now_v7().to_string();
        let hlc = self.next_stamp();
        let row = json!({
            "id": id, "mentorship_id": self.mentorship, "sender_id": self.person_id,
            "kind": "text", "body": "Bonjour, comment allez-vous aujourd'hui ?",
            "attachment_ref": null, "created_at": hlc >> 16, "origin": self.id, "hlc": hlc,
        });
        mutation("message", id, hlc, row)
    }

    fn checkin(&mut self) -> Mutation {
        let id = uuid::Uuid::now_v7().to_string();
        let hlc = self.next_stamp();
        let now = hlc >> 16;
        let row = json!({
            "id": id, "checkin_id": id, "version": 1, "supersedes": null,
            "mentorship_id": self.mentorship, "author_id": self.person_id,
            "occurred_at": now - 3_600_000, "mode": ContactMode::HomeVisit.code(),
            "duration_minutes": 45, "reached": Reached::Both.code(), "dimensions": 5,
            "wellbeing": 3, "notes": "Visite à domicile : fatigue, rendez-vous d'orthophonie à prendre.",
            "resources_shared": "[]", "follow_up_action": null, "follow_up_due": null,
            "follow_up_done_at": null, "amendment_reason": null,
            "created_at": now, "origin": self.id, "hlc": hlc,
        });
        mutation("checkin", id, hlc, row)
    }

    /// This device's next push: a mentor records a check-in (and every other time writes a
    /// message); a survivor writes a message.
    fn next_batch(&mut self) -> Vec<Mutation> {
        self.pushes += 1;
        if self.mentor {
            let mut batch = vec![self.checkin()];
            if self.pushes % 2 == 0 {
                batch.push(self.message());
            }
            batch
        } else {
            vec![self.message()]
        }
    }

    /// Opens this device's connection (each phase runs on a runtime of its own).
    async fn connect(&mut self) {
        let stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        self.conn = Some(sender);
    }

    async fn post(&mut self, path: &str, body: Vec<u8>) -> Option<Vec<u8>> {
        let conn = self.conn.as_mut()?;
        conn.ready().await.ok()?;
        let request = hyper::Request::post(path)
            .header("host", self.addr.to_string())
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {}", self.token))
            .body(Full::new(Bytes::from(body)))
            .ok()?;
        let response = conn.send_request(request).await.ok()?;
        let ok = response.status() == 200;
        let body = response.into_body().collect().await.ok()?.to_bytes();
        ok.then(|| body.to_vec())
    }

    fn push_request(&mut self) -> Vec<u8> {
        serde_json::to_vec(&PushRequest {
            schema_version: passerelle_core::store::SCHEMA_VERSION,
            mutations: self.next_batch(),
        })
        .unwrap()
    }

    async fn push(&mut self, stats: &mut Stats, due: Instant) {
        let body = self.push_request();
        let answer = self.post("/v1/sync/push", body).await;
        let ok = answer
            .and_then(|b| serde_json::from_slice::<PushResponse>(&b).ok())
            .is_some_and(|r| r.results.iter().all(|m| m.reason.is_none()));
        stats.push.add(due, ok);
    }

    async fn pull(&mut self, stats: &mut Stats) {
        let started = Instant::now();
        let body = self.pull_request();
        let answer = self
            .post("/v1/sync/pull", body)
            .await
            .and_then(|b| serde_json::from_slice::<PullResponse>(&b).ok());
        self.pulled(stats, answer.as_ref());
        stats.pull.add(started, answer.is_some());
    }

    /// The first pull after signing in, with the app's client.
    fn first_pull(&mut self, transport: &HttpTransport) {
        let answer = transport
            .post("/v1/sync/pull", Some(&self.token), &self.pull_request())
            .ok()
            .filter(|r| r.status == 200)
            .and_then(|r| serde_json::from_slice::<PullResponse>(&r.body).ok());
        assert!(answer.is_some(), "first pull over HTTP");
        self.pulled(&mut Stats::default(), answer.as_ref());
    }

    fn pull_request(&self) -> Vec<u8> {
        serde_json::to_vec(&PullRequest {
            schema_version: passerelle_core::store::SCHEMA_VERSION,
            cursors: self.cursors.clone(),
            limit: 1000,
        })
        .unwrap()
    }

    fn pulled(&mut self, stats: &mut Stats, answer: Option<&PullResponse>) {
        if let Some(r) = answer {
            for scope in &r.scopes {
                stats.rows_pulled += scope.changes.len() as u64;
                self.cursors.insert(scope.scope.clone(), scope.cursor);
            }
        }
    }
}

fn mutation(collection: &str, id: String, hlc: i64, row: serde_json::Value) -> Mutation {
    let serde_json::Value::Object(row) = row else {
        unreachable!("rows are objects")
    };
    Mutation {
        mutation_id: hlc,
        collection: collection.into(),
        op: Op::Insert,
        row_id: id,
        row,
    }
}

/// Runs every device until `length` has passed, as tasks on one thread of their own;
/// `period` is each device's time between syncs (`None`: back to back).
fn drive(devices: Vec<Device>, period: Option<Duration>, length: Duration) -> (Vec<Device>, Stats) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results: Vec<(Device, Stats)> = runtime.block_on(async {
        let connected = Arc::new(tokio::sync::Barrier::new(devices.len()));
        let tasks: Vec<_> = devices
            .into_iter()
            .map(|mut d| {
                let connected = connected.clone();
                tokio::spawn(async move {
                    let mut stats = Stats::default();
                    d.connect().await;
                    connected.wait().await;
                    let begin = Instant::now();
                    let until = begin + length;
                    // Spread the devices over one period so they do not all sync at once.
                    let mut due = period.map_or(begin, |p| {
                        begin + p.mul_f64(rand::rng().random_range(0.0..1.0))
                    });
                    while due < until {
                        tokio::time::sleep_until(due.into()).await;
                        d.push(&mut stats, due).await;
                        d.pull(&mut stats).await;
                        match period {
                            None => due = Instant::now(),
                            Some(p) => {
                                due += p;
                                // More than a period behind: skip the slots rather than burst.
                                while due + p < Instant::now() {
                                    due += p;
                                    stats.missed += 1;
                                }
                            }
                        }
                    }
                    d.conn = None;
                    (d, stats)
                })
            })
            .collect();
        let mut results = Vec::with_capacity(tasks.len());
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    });
    let mut total = Stats::default();
    let mut devices = Vec::with_capacity(results.len());
    for (d, s) in results {
        devices.push(d);
        total.merge(s);
    }
    (devices, total)
}

/// What one phase measured.
struct Phase {
    secs: f64,
    stats: Stats,
}

impl Phase {
    fn pushes_per_s(&self) -> f64 {
        self.stats.push.micros.len() as f64 / self.secs
    }
    fn pulls_per_s(&self) -> f64 {
        self.stats.pull.micros.len() as f64 / self.secs
    }
    fn report(&mut self, store: &str, name: &str) -> String {
        let line = format!(
            "  {store:8} {name:8} pushes/s={:7.0} pulls/s={:7.0} push p50/p99_ms={:.1}/{:.1} \
             pull p50/p99_ms={:.1}/{:.1} failed={}/{} rows_pulled={} skipped_slots={}",
            self.pushes_per_s(),
            self.pulls_per_s(),
            self.stats.push.quantile_ms(0.5),
            self.stats.push.quantile_ms(0.99),
            self.stats.pull.quantile_ms(0.5),
            self.stats.pull.quantile_ms(0.99),
            self.stats.push.failed,
            self.stats.pull.failed,
            self.stats.rows_pulled,
            self.stats.missed,
        );
        println!("{line}");
        line
    }
}

/// Every device syncs in turn (push, then pull) on this thread, straight through
/// `Service::handle`, until `length` has passed: syncs per second.
fn in_process<S: ServerStore>(
    service: &Service<S>,
    devices: &mut [Device],
    length: Duration,
) -> f64 {
    let request = |d: &Device, path: &str, body: Vec<u8>| ApiRequest {
        method: Method::Post,
        path: path.into(),
        bearer: Some(d.token.clone()),
        client: "in-process".into(),
        body,
    };
    let begin = Instant::now();
    let mut syncs = 0u64;
    'run: loop {
        for d in devices.iter_mut() {
            if begin.elapsed() >= length {
                break 'run;
            }
            let body = d.push_request();
            let push = service.handle(&request(d, "/v1/sync/push", body));
            let pushed: PushResponse = serde_json::from_slice(&push.body).unwrap();
            assert!(pushed.results.iter().all(|m| m.reason.is_none()));
            let pull = service.handle(&request(d, "/v1/sync/pull", d.pull_request()));
            let pulled: PullResponse = serde_json::from_slice(&pull.body).unwrap();
            d.pulled(&mut Stats::default(), Some(&pulled));
            syncs += 1;
        }
    }
    syncs as f64 / begin.elapsed().as_secs_f64()
}

/// The rows one push writes, straight through the store: what a push costs the store itself.
/// Same calls as the service makes for a new message (the mutation's first step: its stored
/// result and the row read under its lock; the row; the audit line with the mutation's result;
/// the stamp), without HTTP, JSON parsing, authentication or the authorization reads.
fn baseline<S: ServerStore>(store: &S, pairs: &[Pair], length: Duration) -> f64 {
    const THREADS: usize = 4;
    let begin = Instant::now();
    let done: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                s.spawn(move || {
                    let mut n = 0u64;
                    let device = format!("baseline-{t}");
                    while begin.elapsed() < length {
                        let pair = &pairs[(n as usize * THREADS + t) % pairs.len()];
                        let id = uuid::Uuid::now_v7().to_string();
                        let now = Clock::system().now();
                        let data = json!({ "id": id, "mentorship_id": pair.mentorship, "sender_id": pair.survivor.0,
                            "kind": "text", "body": "Bonjour, comment allez-vous aujourd'hui ?", "attachment_ref": null,
                            "created_at": now, "origin": device, "hlc": now << 16 })
                        .to_string();
                        let scope = format!("conversation:{}", pair.mentorship);
                        let mutation_id = (now << 16) + n as i64;
                        store
                            .transaction(|tx| {
                                let _ = tx.start_mutation(&device, mutation_id, "message", &id)?;
                                tx.put_record("message", &id, &data, 0)?;
                                tx.keep_records(
                                    &[AuditEntry {
                                        at: now,
                                        person_id: pair.survivor.0.clone(),
                                        device_id: device.clone(),
                                        action: "write",
                                        collection: "message".into(),
                                        row_id: id.clone(),
                                    }],
                                    &[MutationRecord {
                                        device_id: device.clone(),
                                        mutation_id,
                                        result: r#"{"status":"applied"}"#.into(),
                                        at: now,
                                    }],
                                )?;
                                tx.stamp_rows(
                                    &[RowStamp {
                                        collection: "message".into(),
                                        id: id.clone(),
                                        scopes: vec![(scope.clone(), false)],
                                    }],
                                    now,
                                )
                            })
                            .map_err(|e: StoreFailure| e)
                            .unwrap();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    done as f64 / begin.elapsed().as_secs_f64()
}

/// Every device signs in over HTTP with its code (eight at a time) and pulls what it can see.
fn enrol_devices(addr: SocketAddr, pairs: &[Pair]) -> Vec<Device> {
    let chunks: Vec<Vec<Device>> = std::thread::scope(|s| {
        let handles: Vec<_> = pairs
            .chunks(pairs.len().div_ceil(8))
            .map(|chunk| {
                s.spawn(move || {
                    let mut devices = Vec::new();
                    for pair in chunk {
                        let mentor = (&pair.mentor, true);
                        let survivor = (&pair.survivor, false);
                        for ((person, code), is_mentor) in [mentor, survivor] {
                            let mut d =
                                Device::enrol(addr, person, code, is_mentor, &pair.mentorship);
                            d.first_pull(
                                &HttpTransport::new(&format!("http://{addr}")).expect("loopback"),
                            );
                            devices.push(d);
                        }
                    }
                    devices
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    chunks.into_iter().flatten().collect()
}

fn run<S: ServerStore>(store: S, name: &str, p: &Params, note: &str) -> String {
    let config = Config {
        // The devices here sync far more often than a phone would; the limiter is not under test.
        requests_per_minute: 1_000_000,
        ..Config::default()
    };
    let service = Arc::new(Service::new(store, config, Clock::system()));
    let t = Instant::now();
    let pairs = populate(&service, p.devices / 2);
    println!(
        "  {name:8} setup: {} people, {} mentorships in {:.1}s",
        p.devices,
        pairs.len(),
        t.elapsed().as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(http::serve(service.clone(), listener, async {
        let _ = stopped.await;
    }));

    let t = Instant::now();
    let devices = enrol_devices(addr, &pairs);
    println!(
        "  {name:8} {} devices enrolled over HTTP in {:.1}s",
        devices.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let (devices, stats) = drive(devices, None, p.capacity);
    let mut capacity = Phase {
        secs: t.elapsed().as_secs_f64(),
        stats,
    };
    capacity.report(name, "capacity");
    let paced_at = |devices: Vec<Device>, rate: f64, length: Duration| {
        let period = Duration::from_secs_f64(devices.len() as f64 / rate);
        let t = Instant::now();
        let (devices, stats) = drive(devices, Some(period), length);
        let phase = Phase {
            secs: t.elapsed().as_secs_f64(),
            stats,
        };
        (devices, phase)
    };
    let (devices, mut paced) = paced_at(devices, p.rate, p.paced);
    paced.report(name, "paced");
    // Where the target is beyond capacity, also show the latency at a load the server carries.
    let half_rate = (capacity.pushes_per_s() / 2.0).floor().max(1.0);
    let (devices, mut half) = paced_at(devices, half_rate, p.paced / 2);
    half.report(name, "half");
    let _ = stop.send(());
    let _ = runtime.block_on(server);
    drop(runtime);

    let mut devices = devices;
    let alone = in_process(&service, &mut devices, p.baseline);
    println!(
        "  {name:8} in process: {alone:.0} syncs/s on one thread ({:.0} µs a sync)",
        1e6 / alone
    );

    let base = baseline(service.store(), &pairs, p.baseline);
    let line = format!(
        "LOAD {name} devices={} offered_pushes/s={:.0} pushes/s={:.0} pulls/s={:.0} p50_ms={:.1} \
         p99_ms={:.1} pull_p99_ms={:.1} capacity_pushes/s={:.0} capacity_p99_ms={:.1} \
         at_half_capacity: pushes/s={:.0} p99_ms={:.1} pull_p99_ms={:.1} \
         in_process_syncs/s={:.0} baseline_writes/s={:.0} ratio={:.2}{note}",
        p.devices,
        p.rate,
        paced.pushes_per_s(),
        paced.pulls_per_s(),
        paced.stats.push.quantile_ms(0.5),
        paced.stats.push.quantile_ms(0.99),
        paced.stats.pull.quantile_ms(0.99),
        capacity.pushes_per_s(),
        capacity.stats.push.quantile_ms(0.99),
        half.pushes_per_s(),
        half.stats.push.quantile_ms(0.99),
        half.stats.pull.quantile_ms(0.99),
        alone,
        base,
        capacity.pushes_per_s() / base,
    );
    println!("{line}");
    line
}

fn postgres_settings(url: &str, pool: u32) -> String {
    let Ok(mut client) = postgres::Client::connect(url, postgres::NoTls) else {
        return String::new();
    };
    let show = |c: &mut postgres::Client, what: &str| {
        c.query_one(&format!("SHOW {what}"), &[])
            .ok()
            .and_then(|r| r.try_get::<_, String>(0).ok())
            .unwrap_or_default()
    };
    format!(
        " (fsync={}, synchronous_commit={}, pool={pool})",
        show(&mut client, "fsync"),
        show(&mut client, "synchronous_commit")
    )
}

fn main() {
    let p = Params::from_env();
    let stores = std::env::var("PASSERELLE_LOAD_STORES")
        .unwrap_or_else(|_| "sqlite,sqlite-normal,postgres".into());
    println!(
        "load: {} devices, offered {} pushes/s, paced {}s, capacity {}s, baseline {}s, {} cores",
        p.devices,
        p.rate,
        p.paced.as_secs(),
        p.capacity.as_secs(),
        p.baseline.as_secs(),
        cores()
    );
    let mut lines = Vec::new();
    for store in stores.split(',').map(str::trim) {
        match store {
            // The server's default: every acknowledged write on the disk first.
            "sqlite" => {
                let dir = tempfile::tempdir().unwrap();
                let store = SqliteStore::open(&dir.path().join("load.db")).unwrap();
                lines.push(run(store, "sqlite", &p, " (flushed before answering, WAL)"));
            }
            // `--sqlite-durability normal`: for storage that survives power loss.
            "sqlite-normal" => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("load.db");
                let store = SqliteStore::open_with(&path, Durability::Normal).unwrap();
                lines.push(run(store, "sqlite", &p, " (not flushed, WAL)"));
            }
            "postgres" => {
                let db = pg_cluster::TestDatabase::create();
                let options = PostgresOptions {
                    // Sized for the machine, as PostgreSQL's guidance has it (about two
                    // connections per core, plus a couple): on two cores 6 carried 35 % more
                    // than the server's default of 16 in three A/B pairs — fewer backends
                    // switching on the same cores.
                    pool_size: env_or("PASSERELLE_LOAD_PG_POOL", 2 * cores() as u32 + 2),
                    ..PostgresOptions::default()
                };
                let store = PostgresStore::open_with(&db.url, &options).unwrap();
                let note = postgres_settings(&db.url, options.pool_size);
                lines.push(run(store, "postgres", &p, &note));
            }
            other => println!("unknown store {other}: expected sqlite or postgres"),
        }
    }
    println!("summary:");
    for l in lines {
        println!("{l}");
    }
}
