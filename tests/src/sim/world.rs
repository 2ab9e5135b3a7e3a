//! One simulated case: the server in process (its own clock), a handful of real device
//! stores (each with its own, possibly skewed, clock) behind a faulty [`Network`], and a
//! coordinator's desk using the API. Random steps — local writes, syncs, coordinator actions,
//! time passing, devices going offline, being killed or dying inside a sync's transaction,
//! now and then someone's records erased at the desk — then a fault-free quiescent round
//! and the invariants.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

use passerelle_core::store::rows::Collection;
use passerelle_core::{
    CheckInInput, Clock, ConcernCategory, ConsentScope, ContactDetails, ContactMode, ContactReply,
    Dimension, Durability, Error, FollowUp, Key, MentorshipStatus, NewConcern, NewConsent,
    NewSupervision, NewTraining, NewVoiceNote, Profile, Reached, Role, Store, StoreError,
    StoreOptions, SupervisionFormat, SyncError, Urgency, VoiceMediaType,
};
use passerelle_server::demo::SeededPerson;
use passerelle_server::{
    Config, PostgresOptions, PostgresStore, ServerStore, Service, SqliteStore,
};
use serde_json::{Value as Json, json};

use super::inspect;
use super::net::{Faults, Link, NetStats, Network};
use super::rng::Rng;
use crate::api::{ApiClient, uuid_from};
use crate::harness::{Backend, DEMO_CAST, StoreKind};
use crate::pg_cluster::TestDatabase;

/// The shape of one case, drawn from its seed.
#[derive(Debug, Clone)]
pub struct Params {
    /// Random steps before the quiescent round.
    pub steps: usize,
    /// Fault rates while the steps run.
    pub faults: Faults,
    /// The server's largest pull answer (small values split pulls into many batches).
    pub max_pull: u32,
}

/// What one case did, for the run's totals.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Devices in the case.
    pub devices: usize,
    /// Writes the device API reported saved.
    pub acknowledged: usize,
    /// Of which the server refused (recorded as sync issues on the device).
    pub refused: usize,
    /// Syncs attempted.
    pub syncs: usize,
    /// Syncs that failed (network faults, kills).
    pub failed_syncs: usize,
    /// Devices whose session the server revoked, signed in again with a new code.
    pub reenrolled: usize,
    /// Devices whose store was dropped and reopened.
    pub reopened: usize,
    /// Syncs cut off part-way (most inside a transaction) by a kill or a full disk.
    pub cut_mid_transaction: usize,
    /// Scopes purged on devices.
    pub revoked_scopes: u64,
    /// Scopes reset past the tombstone horizon.
    pub reset_scopes: u64,
    /// What the network did.
    pub net: NetStats,
    /// Rejection reasons seen on devices, with counts.
    pub reasons: BTreeMap<String, usize>,
    /// Rows erased at the desk (someone's records, at their request).
    pub erased: usize,
    /// Mentors erased.
    pub mentors_erased: usize,
    /// Caregivers erased.
    pub caregivers_erased: usize,
    /// Professionals erased (the other erasures are of a survivor).
    pub professionals_erased: usize,
    /// Phones signed out for good by their owner's erasure.
    pub phones_retired: usize,
    /// Voice notes recorded (their sound then travels apart from their message).
    pub voice_notes: usize,
}

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;
const HOUR: i64 = 60 * MINUTE;

/// A voice message as a device holds it: id, sender, the hash it names, and its sound and the
/// sound's state if the sound is there.
type HeldVoice = (String, String, String, Option<Vec<u8>>, Option<String>);

/// A write the device's API reported saved, and how to find it on the server.
#[derive(Debug, Clone)]
struct Ack {
    dev: usize,
    collection: String,
    row_id: String,
    mutation_id: i64,
    /// For append-only rows: the content as saved, which the server must hold unchanged.
    content: Option<passerelle_core::sync::protocol::WireRow>,
}

struct Dev {
    name: &'static str,
    person_id: String,
    role: Role,
    device_id: String,
    path: PathBuf,
    skew: i64,
    store: Option<Store>,
    /// A read-only connection to the device's file, for the invariants.
    reader: rusqlite::Connection,
    link: Link,
    /// No network until this step.
    offline_until: usize,
    /// Check-in lineages this device recorded.
    lineages: Vec<String>,
    /// The app dies during its current sync.
    dying: Option<Death>,
}

/// How an app dies part-way through a sync.
#[derive(Debug, Clone, Copy)]
enum Death {
    /// Killed after a number of SQLite instructions.
    Killed,
    /// Its storage is full: the first transaction that needs a new page fails.
    DiskFull,
}

impl Dev {
    fn store(&self) -> &Store {
        self.store.as_ref().expect("device store open")
    }
}

/// One case's world, its server on a store of kind `S`.
pub struct World<S: ServerStore> {
    rng: Rng,
    params: Params,
    now: Arc<AtomicI64>,
    service: Arc<Service<S>>,
    net: Arc<Network>,
    desk: ApiClient,
    people: BTreeMap<&'static str, String>,
    devs: Vec<Dev>,
    acks: Vec<Ack>,
    /// The rows erased at the desk, once it has erased someone's records.
    erased: Option<BTreeSet<(String, String)>>,
    /// Whose account was erased: their phones are signed out for good and take no further part.
    retired: BTreeSet<&'static str>,
    report: Report,
    step: usize,
    log: Vec<String>,
    dir: tempfile::TempDir,
    /// The PostgreSQL case's database, dropped after the service that uses it.
    _database: Option<TestDatabase>,
}

/// A migrated device file with no device row yet: copied for each new device (each then
/// makes its own device id on first open), so a case does not pay for the migrations.
fn template() -> &'static [u8] {
    static TEMPLATE: OnceLock<Vec<u8>> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("template.db");
        drop(open_store(&path, &Arc::new(AtomicI64::new(0)), 0, None));
        let conn = rusqlite::Connection::open(&path).expect("open template");
        conn.execute("DELETE FROM device", [])
            .expect("forget the device row");
        drop(conn);
        std::fs::read(&path).expect("read template")
    })
}

fn open_store(
    path: &PathBuf,
    now: &Arc<AtomicI64>,
    skew: i64,
    max_size_bytes: Option<u64>,
) -> Store {
    let clock = now.clone();
    Store::open(
        path,
        Key::Unencrypted,
        StoreOptions {
            clock: Clock::from_fn(move || clock.load(Ordering::SeqCst) + skew),
            durability: Durability::Normal,
            max_size_bytes,
            ..StoreOptions::default()
        },
    )
    .expect("open device store")
}

/// Enrols a second professional at the desk, who supervises mentors and coordinates no one:
/// the one professional the desk (Claire) can erase. Her id and enrolment code.
fn enrol_nadia(desk: &ApiClient) -> (String, String) {
    let nadia = desk.post_ok(
        "/v1/people",
        &json!({"role": "professional", "display_name": "Nadia"}),
    );
    let text_of = |field: &str| nadia[field].as_str().expect("enrolled").to_owned();
    (text_of("person_id"), text_of("enrolment_code"))
}

/// A directory on a memory file system when there is one: the simulation opens many stores.
fn scratch_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().expect("temp dir")
}

impl World<SqliteStore> {
    /// The world for `seed` with its server on a fresh SQLite file.
    ///
    /// # Panics
    /// If the server or a device cannot be set up.
    pub fn new(seed: u64, steps: usize) -> Self {
        let dir = scratch_dir();
        let store = SqliteStore::open(&dir.path().join("server.db")).expect("server store");
        Self::build(seed, steps, dir, store, None)
    }
}

impl World<PostgresStore> {
    /// The world for `seed` with its server on a fresh PostgreSQL database.
    ///
    /// # Panics
    /// If no PostgreSQL cluster is available, or a device cannot be set up.
    pub fn on_postgres(seed: u64, steps: usize) -> Self {
        let database = TestDatabase::create();
        let options = PostgresOptions {
            pool_size: 4,
            ..PostgresOptions::default()
        };
        let store = PostgresStore::open_with(&database.url, &options).expect("server store");
        Self::build(seed, steps, scratch_dir(), store, Some(database))
    }
}

impl<S: ServerStore> World<S> {
    /// Builds the world for `seed` around `store`: the demo programme, its devices enrolled
    /// and synced.
    fn build(
        seed: u64,
        steps: usize,
        dir: tempfile::TempDir,
        store: S,
        database: Option<TestDatabase>,
    ) -> Self {
        let mut rng = Rng::new(seed);
        let now = Arc::new(AtomicI64::new(Clock::system().now()));
        let max_pull = *rng.pick(&[3, 7, 50, 5_000]);
        let config = Config {
            max_pull,
            requests_per_minute: 1_000_000,
            tombstone_horizon_ms: DAY,
            ..Config::default()
        };
        let server_clock = now.clone();
        let service = Arc::new(Service::new(
            store,
            config,
            Clock::from_fn(move || server_clock.load(Ordering::SeqCst)),
        ));
        let seeded: Vec<SeededPerson> = Backend::seed_demo(&*service);
        let backend: Arc<dyn Backend> = service.clone();
        let code = |name: &str| {
            seeded
                .iter()
                .find(|p| p.display_name == name)
                .expect("seeded person")
                .enrolment_code
                .clone()
        };
        let desk = ApiClient::enrol(backend.clone(), &code("Claire"), &uuid_from(rng.bytes16()));
        let mut people = BTreeMap::new();
        for (name, seeded_name) in DEMO_CAST {
            let p = seeded
                .iter()
                .find(|p| p.display_name == seeded_name)
                .expect("seeded");
            people.insert(name, p.person_id.clone());
        }
        let (nadia, nadia_code) = enrol_nadia(&desk);
        people.insert("nadia", nadia);
        let handler = service.clone();
        let net = Network::new(Box::new(move |r| handler.handle(r)), rng.fork());
        let intensity = rng.below(4) as u32; // 0: a clean network … 3: a bad one
        let faults = Faults {
            drop_request: 30 * intensity,
            drop_reply: 30 * intensity,
            duplicate: 20 * intensity,
            delay: 20 * intensity,
            kill: 10 * intensity,
            redeliver: 100,
        };
        let mut world = Self {
            rng,
            params: Params {
                steps,
                faults,
                max_pull,
            },
            now,
            service,
            net,
            desk,
            people,
            devs: Vec::new(),
            acks: Vec::new(),
            erased: None,
            retired: BTreeSet::new(),
            report: Report::default(),
            step: 0,
            log: Vec::new(),
            dir,
            _database: database,
        };
        // Who has a phone: always Marc and Sophie; some of the others; sometimes Sophie twice.
        let mut roster: Vec<&'static str> = vec!["marc", "sophie"];
        for name in ["claire", "paul", "ines", "ahmed", "sophie", "nadia"] {
            if world.rng.chance(450) && roster.len() < 5 {
                roster.push(name);
            }
        }
        // The desk used Claire's seeded code.
        let mut used_codes = BTreeSet::from(["claire"]);
        for name in roster {
            let code = if !used_codes.insert(name) {
                world.new_code(name)
            } else if name == "nadia" {
                nadia_code.clone()
            } else {
                let seeded_name = match name {
                    "claire" => "Claire",
                    "marc" => "Marc",
                    "ines" => "Inès",
                    "sophie" => "Sophie",
                    "ahmed" => "Ahmed",
                    _ => "Paul",
                };
                code(seeded_name)
            };
            world.add_device(name, &code);
        }
        world.report.devices = world.devs.len();
        world
    }

    fn new_code(&self, name: &str) -> String {
        let id = &self.people[name];
        self.desk
            .post_ok(&format!("/v1/people/{id}/enrolment-code"), &Json::Null)["enrolment_code"]
            .as_str()
            .expect("code")
            .to_owned()
    }

    fn add_device(&mut self, name: &'static str, code: &str) {
        let index = self.devs.len();
        let path = self.dir.path().join(format!("device-{index}.db"));
        let skew = if self.rng.chance(300) {
            let days = self.rng.range(1, 3) * DAY + self.rng.range(0, DAY);
            if self.rng.chance(500) { days } else { -days }
        } else {
            self.rng.range(-90_000, 90_000)
        };
        std::fs::write(&path, template()).expect("copy the device template");
        let store = open_store(&path, &self.now, skew, None);
        let link = self.net.link(index);
        let me = store.enrol(&link, "in-process", code).expect("enrol");
        let device_id = store.device_id();
        let reader = inspect::open_device(&path);
        self.log(format!(
            "device {index}: {name}, clock skew {}s",
            skew / 1000
        ));
        self.devs.push(Dev {
            name,
            person_id: me.id,
            role: me.role,
            device_id,
            path,
            skew,
            store: Some(store),
            reader,
            link,
            offline_until: 0,
            lineages: Vec::new(),
            dying: None,
        });
    }

    fn log(&mut self, line: String) {
        self.log.push(format!("[{}] {line}", self.step));
    }

    fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }

    fn advance(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }

    /// Runs the case; `Err` describes the broken invariant with the case's log.
    pub fn run(mut self) -> Result<Report, String> {
        let outcome = self.run_inner();
        if std::env::var_os("SIM_LOG").is_some() {
            eprintln!("{}", self.log.join("\n"));
        }
        match outcome {
            Ok(()) => {
                self.report.net = self.net.stats();
                Ok(self.report)
            }
            Err(e) => {
                let mut out = format!("{e}\n-- case log --\n");
                for line in self.log.iter().rev().take(120).rev() {
                    let _ = writeln!(out, "{line}");
                }
                Err(out)
            }
        }
    }

    fn run_inner(&mut self) -> Result<(), String> {
        // Everyone starts in sync on a clean network.
        for i in 0..self.devs.len() {
            self.sync(i)?;
        }
        self.net.set_faults(self.params.faults);
        for step in 0..self.params.steps {
            self.step = step;
            let roll = self.rng.below(100);
            match roll {
                0..=39 => {
                    let i = self.rng.index(self.devs.len());
                    if !self.is_retired(i) {
                        self.local_op(i);
                    }
                }
                40..=69 => {
                    let i = self.rng.index(self.devs.len());
                    if self.devs[i].offline_until <= step && !self.is_retired(i) {
                        self.sync_with_retries(i)?;
                    }
                }
                70..=78 => self.desk_op()?,
                79..=88 => {
                    let ms = self.rng.range(MINUTE, 90 * MINUTE);
                    self.advance(ms);
                }
                89..=90 => {
                    let ms = self.rng.range(DAY, 2 * DAY);
                    self.advance(ms);
                    self.log(format!(
                        "{} hours pass; removals past the horizon are forgotten",
                        ms / 3_600_000
                    ));
                    self.service
                        .collect_garbage()
                        .map_err(|e| format!("gc: {e:?}"))?;
                }
                91..=94 => {
                    let i = self.rng.index(self.devs.len());
                    let until = step + self.rng.index(15) + 1;
                    self.devs[i].offline_until = until;
                    self.log(format!("device {i} goes offline until step {until}"));
                }
                95 => {
                    let i = self.rng.index(self.devs.len());
                    self.reopen(i);
                }
                96..=98 => {
                    let i = self.rng.index(self.devs.len());
                    let online = self.devs[i].offline_until <= step;
                    if !self.is_retired(i) {
                        self.die_mid_write(i, online)?;
                    }
                }
                _ => {
                    let n = self.rng.index(3) + 1;
                    self.net.redeliver(n);
                }
            }
        }
        self.step = self.params.steps;
        self.quiesce()?;
        self.check_final()
    }

    /// Whether device `i` belongs to someone whose account was erased.
    fn is_retired(&self, i: usize) -> bool {
        self.retired.contains(self.devs[i].name)
    }

    fn reopen(&mut self, i: usize) {
        let dev = &mut self.devs[i];
        drop(dev.store.take());
        dev.store = Some(open_store(&dev.path, &self.now, dev.skew, None));
        dev.dying = None;
        self.report.reopened += 1;
        self.log(format!("device {i} killed and reopened"));
    }

    /// Device `i`'s app dies part-way through a sync (when `online`, most of the time) or a
    /// local write, often inside one of its transactions: killed after a random number of
    /// SQLite instructions, or out of storage so that the first transaction needing a new page
    /// fails. SQLite rolls back the writes in flight; the app is opened again. A local write
    /// cut off this way was never reported saved, and must leave nothing behind — a row
    /// without its outbox entry would never reach the server, and break convergence.
    fn die_mid_write(&mut self, i: usize, online: bool) -> Result<(), String> {
        if self.rng.chance(700) {
            // Spread over the orders of magnitude a sync's writes span (a row pulled is a few
            // hundred instructions), so the death falls anywhere from the first statement on.
            let scale = 1 << self.rng.range(0, 14);
            let instructions = u32::try_from(scale + self.rng.range(0, scale)).unwrap_or(0);
            self.devs[i]
                .store()
                .die_after_instructions(instructions)
                .map_err(|e| format!("device {i}: cannot arm its death: {e}"))?;
            self.devs[i].dying = Some(Death::Killed);
            self.log(format!("device {i} dies after {instructions} instructions"));
        } else {
            let (pages, page_size): (i64, i64) = self.devs[i]
                .reader
                .query_row(
                    "SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(|e| format!("device {i}: page count: {e}"))?;
            let slack = self.rng.range(0, 6);
            let dev = &mut self.devs[i];
            drop(dev.store.take());
            let room = u64::try_from((pages + slack) * page_size).unwrap_or(0);
            dev.store = Some(open_store(&dev.path, &self.now, dev.skew, Some(room)));
            dev.dying = Some(Death::DiskFull);
            self.log(format!("device {i} has {slack} free pages"));
        }
        if online && self.rng.chance(700) {
            return self.sync(i).map(drop);
        }
        self.local_op(i);
        self.reopen(i);
        Ok(())
    }

    /// Collects the outbox entries a local write just queued as acknowledged writes.
    fn outbox_max(&self, i: usize) -> i64 {
        self.devs[i]
            .reader
            .query_row("SELECT coalesce(max(hlc), -1) FROM outbox", [], |r| {
                r.get(0)
            })
            .expect("outbox max")
    }

    fn record_acks(&mut self, i: usize, after: i64, what: &str) {
        let entries: Vec<(i64, String, String)> = self.devs[i]
            .reader
            .prepare_cached(
                "SELECT hlc, collection, row_id FROM outbox WHERE hlc > ?1 ORDER BY hlc",
            )
            .and_then(|mut s| {
                s.query_map([after], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect()
            })
            .expect("read outbox");
        for (mutation_id, collection, row_id) in entries {
            let content = match Collection::from_table(&collection) {
                Some(coll) if coll.is_append_only() => {
                    inspect::device_row(&self.devs[i].reader, coll, &row_id)
                        .map(|r| inspect::content(&collection, &r))
                }
                _ => None,
            };
            self.acks.push(Ack {
                dev: i,
                collection: collection.clone(),
                row_id: row_id.clone(),
                mutation_id,
                content,
            });
        }
        self.report.acknowledged = self.acks.len();
        self.log(format!("device {i} ({}): {what}", self.devs[i].name));
    }

    /// One random local write on device `i`, through the core's API.
    fn local_op(&mut self, i: usize) {
        let before = self.outbox_max(i);
        let n = self.rng.below(1_000_000) as i64;
        let role = self.devs[i].role;
        let dice = self.rng.below(10);
        let outcome: Option<String> = match role {
            Role::Mentor => match dice {
                0..=3 => self.op_checkin(i, n),
                4 => self.op_amend(i, n),
                5 => self.op_follow_up(i),
                6 => self.op_message(i, n),
                7 => self.op_read(i),
                8 => self.op_plan(i),
                _ => self.op_own_profile(i, n),
            },
            Role::Survivor => match dice {
                0..=2 => self.op_message(i, n),
                3 => self.op_read(i),
                4 => self.op_answer(i),
                5 | 6 => self.op_own_profile(i, n),
                7 => self.op_rename(i, n),
                _ => self.op_consent(i),
            },
            Role::Caregiver => match dice {
                0..=4 => self.op_message(i, n),
                5 | 6 => self.op_read(i),
                7 => self.op_answer(i),
                _ => self.op_own_profile(i, n),
            },
            Role::Professional => match dice {
                0..=3 => self.op_escalation(i),
                4 => self.op_own_profile(i, n),
                5 => self.op_others_profile(i, n),
                6 => self.op_rename(i, n),
                7 => self.op_mentorship(i),
                _ => self.op_training(i, n),
            },
        };
        if let Some(what) = outcome {
            self.record_acks(i, before, &what);
        }
    }

    /// The seeded name of a person (ids are random on every run; names are not), for
    /// ordering what the simulation picks from, so a seed replays the same choices.
    fn name_of(&self, person_id: &str) -> &'static str {
        self.people
            .iter()
            .find(|(_, id)| id.as_str() == person_id)
            .map_or("?", |(name, _)| *name)
    }

    fn mentorships(&self, i: usize) -> Vec<passerelle_core::Mentorship> {
        let mut ms = self.devs[i].store().my_mentorships().unwrap_or_default();
        ms.sort_by_key(|m| (self.name_of(&m.survivor_id), m.created_at));
        ms
    }

    fn contact(&mut self, i: usize, mentorship_id: &str, n: i64) -> CheckInInput {
        let now = self.devs[i].store().now();
        let occurred_at = now - self.rng.range(0, 3 * DAY);
        let follow_up = self.rng.chance(300).then(|| FollowUp {
            action: format!("Call back {n}"),
            due_at: occurred_at + self.rng.range(DAY, 14 * DAY),
        });
        let concern = self.rng.chance(150).then(|| NewConcern {
            category: ConcernCategory::Mood,
            urgency: Urgency::Soon,
            summary: format!("Worry {n}"),
        });
        CheckInInput {
            mentorship_id: mentorship_id.to_owned(),
            occurred_at,
            mode: *self.rng.pick(ContactMode::ALL),
            duration_minutes: self.rng.range(0, 120) as u32,
            reached: *self.rng.pick(Reached::ALL),
            dimensions: vec![*self.rng.pick(Dimension::ALL)],
            wellbeing: Some(self.rng.range(1, 5) as u8),
            notes: format!("Contact {n}"),
            resources_shared: vec![],
            follow_up,
            concern,
            planned_contact_id: None,
        }
    }

    fn op_checkin(&mut self, i: usize, n: i64) -> Option<String> {
        let me = self.devs[i].person_id.clone();
        let ms: Vec<_> = self
            .mentorships(i)
            .into_iter()
            .filter(|m| {
                m.mentor_id == me
                    && matches!(
                        m.status,
                        MentorshipStatus::Active | MentorshipStatus::Paused
                    )
            })
            .collect();
        if ms.is_empty() {
            return None;
        }
        let m = self.rng.pick(&ms).id.clone();
        let mut input = self.contact(i, &m, n);
        // Half the time the contact was planned: the check-in records the oldest one waiting.
        let mut what = format!("check-in {n}");
        if self.rng.chance(500) {
            let waiting = self.devs[i].store().contacts_to_record(Some(&m)).ok()?;
            if let Some(planned) = waiting.first() {
                input.occurred_at = planned.contact.starts_at;
                input.follow_up = None;
                input.planned_contact_id = Some(planned.contact.id.clone());
                what.push_str(" recording a planned contact");
            }
        }
        let recorded = self.devs[i].store().record_checkin(input).ok()?;
        self.devs[i]
            .lineages
            .push(recorded.checkin.checkin_id.clone());
        Some(what)
    }

    fn op_amend(&mut self, i: usize, n: i64) -> Option<String> {
        if self.devs[i].lineages.is_empty() {
            return None;
        }
        let lineage = self.rng.pick(&self.devs[i].lineages).clone();
        let current = self.devs[i].store().checkin(&lineage).ok()?;
        let mut input = current.to_input();
        input.notes = format!("Amended {n}");
        input.duration_minutes = self.rng.range(0, 120) as u32;
        self.devs[i]
            .store()
            .amend_checkin(&lineage, input, "correction")
            .ok()?;
        Some(format!("amend {n}"))
    }

    fn op_follow_up(&mut self, i: usize) -> Option<String> {
        if self.devs[i].lineages.is_empty() {
            return None;
        }
        let lineage = self.rng.pick(&self.devs[i].lineages).clone();
        self.devs[i].store().complete_follow_up(&lineage).ok()?;
        Some("follow-up done".to_owned())
    }

    fn op_message(&mut self, i: usize, n: i64) -> Option<String> {
        let ms = self.mentorships(i);
        if ms.is_empty() {
            return None;
        }
        let m = self.rng.pick(&ms).id.clone();
        // A quarter of them spoken: a small recording whose sound differs with `n`.
        if self.rng.chance(250) {
            let mut audio = b"OggS\0\x02".to_vec();
            audio.extend(n.to_le_bytes().iter().cycle().take(2_000));
            let note = NewVoiceNote {
                media_type: VoiceMediaType::Ogg,
                duration_ms: 3_000,
                audio,
                caption: None,
            };
            self.devs[i].store().send_voice_note(&m, note).ok()?;
            self.report.voice_notes += 1;
            return Some(format!("voice note {n}"));
        }
        self.devs[i]
            .store()
            .send_message(&m, &format!("Message {n}"))
            .ok()?;
        Some(format!("message {n}"))
    }

    /// Plans a contact in a mentorship the mentor serves, or moves or cancels one to come.
    fn op_plan(&mut self, i: usize) -> Option<String> {
        let store = self.devs[i].store();
        let now = store.now();
        // Now and then a contact over did not take place: its planner says so.
        if self.rng.chance(100) {
            let waiting = store.contacts_to_record(None).ok()?;
            if let Some(planned) = waiting.first() {
                store.cancel_planned_contact(&planned.contact.id).ok()?;
                return Some("a contact did not take place".to_owned());
            }
        }
        let mut upcoming = store.upcoming_contacts(None).ok()?;
        upcoming.retain(|u| u.contact.cancelled_at.is_none());
        upcoming.sort_by_key(|u| (self.name_of(&u.survivor_id), u.contact.starts_at));
        // Half of them soon, so that some are over within a case and wait to be recorded.
        let ahead = if self.rng.chance(500) {
            self.rng.range(5 * MINUTE, 2 * HOUR)
        } else {
            self.rng.range(HOUR, 10 * DAY)
        };
        let details = ContactDetails {
            starts_at: now + ahead,
            duration_minutes: *self.rng.pick(&[30, 60, 90]),
            mode: *self.rng.pick(ContactMode::ALL),
            place: self.rng.chance(500).then(|| "At home".to_owned()),
            note: None,
        };
        if upcoming.is_empty() || self.rng.chance(400) {
            let me = self.devs[i].person_id.clone();
            let ms: Vec<_> = self
                .mentorships(i)
                .into_iter()
                .filter(|m| m.mentor_id == me && m.status == MentorshipStatus::Active)
                .collect();
            if ms.is_empty() {
                return None;
            }
            let m = self.rng.pick(&ms).id.clone();
            self.devs[i].store().plan_contact(&m, details).ok()?;
            return Some("plan a contact".to_owned());
        }
        let id = self.rng.pick(&upcoming).contact.id.clone();
        if self.rng.chance(300) {
            self.devs[i].store().cancel_planned_contact(&id).ok()?;
            Some("cancel a contact".to_owned())
        } else {
            self.devs[i]
                .store()
                .change_planned_contact(&id, details)
                .ok()?;
            Some("move a contact".to_owned())
        }
    }

    /// The survivor or a sharing caregiver answers a contact to come.
    fn op_answer(&mut self, i: usize) -> Option<String> {
        let mut upcoming = self.devs[i].store().upcoming_contacts(None).ok()?;
        upcoming.retain(|u| u.contact.cancelled_at.is_none());
        if upcoming.is_empty() {
            return None;
        }
        upcoming.sort_by_key(|u| (self.name_of(&u.survivor_id), u.contact.starts_at));
        let id = self.rng.pick(&upcoming).contact.id.clone();
        let reply = *self.rng.pick(ContactReply::ALL);
        self.devs[i]
            .store()
            .reply_to_planned_contact(&id, reply)
            .ok()?;
        Some(format!("answer a contact: {reply}"))
    }

    fn op_read(&mut self, i: usize) -> Option<String> {
        let ms = self.mentorships(i);
        if ms.is_empty() {
            return None;
        }
        let m = self.rng.pick(&ms).id.clone();
        self.devs[i].store().mark_conversation_read(&m).ok()?;
        Some("mark read".to_owned())
    }

    fn edited_profile(
        &mut self,
        profile: Option<Profile>,
        person_id: &str,
        role: Role,
        n: i64,
    ) -> Option<Profile> {
        Some(match (profile, role) {
            (Some(Profile::Survivor { mut profile }), _) => {
                if self.rng.chance(500) {
                    profile.home_area = Some(format!("Area {n}"));
                } else {
                    profile.goals = vec![format!("Goal {n}")];
                }
                Profile::Survivor { profile }
            }
            (Some(Profile::Mentor { mut profile }), _) => {
                if self.rng.chance(500) {
                    profile.availability = Some(format!("Slot {n}"));
                } else {
                    profile.capacity = self.rng.range(1, 20) as u32;
                }
                Profile::Mentor { profile }
            }
            (Some(Profile::Caregiver { mut profile }), _) => {
                profile.relationship = *self.rng.pick(passerelle_core::Relationship::ALL);
                Profile::Caregiver { profile }
            }
            (Some(Profile::Professional { mut profile }), _) => {
                profile.team = format!("Team {n}");
                Profile::Professional { profile }
            }
            (None, Role::Survivor) => Profile::Survivor {
                profile: passerelle_core::SurvivorProfile {
                    person_id: person_id.to_owned(),
                    preferred_languages: vec!["fr".into()],
                    communication_needs: vec![],
                    home_area: Some(format!("Area {n}")),
                    stroke_date: None,
                    discharge_date: None,
                    goals: vec![],
                },
            },
            (None, Role::Professional) => Profile::Professional {
                profile: passerelle_core::ProfessionalProfile {
                    person_id: person_id.to_owned(),
                    team: format!("Team {n}"),
                    job_role: passerelle_core::JobRole::Coordinator,
                },
            },
            (None, _) => return None,
        })
    }

    fn op_own_profile(&mut self, i: usize, n: i64) -> Option<String> {
        let (me, role) = (self.devs[i].person_id.clone(), self.devs[i].role);
        let profile = self.devs[i].store().profile(&me).ok()?;
        let edited = self.edited_profile(profile, &me, role, n)?;
        self.devs[i].store().save_profile(edited).ok()?;
        Some(format!("own profile {n}"))
    }

    fn op_others_profile(&mut self, i: usize, n: i64) -> Option<String> {
        let people = self.devs[i].store().people(None).ok()?;
        if people.is_empty() {
            return None;
        }
        let p = self.rng.pick(&people).clone();
        let profile = self.devs[i].store().profile(&p.id).ok()?;
        let edited = self.edited_profile(profile, &p.id, p.role, n)?;
        self.devs[i].store().save_profile(edited).ok()?;
        Some(format!("profile of {} {n}", p.display_name))
    }

    fn op_rename(&mut self, i: usize, n: i64) -> Option<String> {
        let target = if self.devs[i].role == Role::Professional {
            let people = self.devs[i].store().people(None).ok()?;
            if people.is_empty() {
                return None;
            }
            self.rng.pick(&people).id.clone()
        } else {
            self.devs[i].person_id.clone()
        };
        self.devs[i]
            .store()
            .rename_person(&target, &format!("Name {n}"))
            .ok()?;
        Some(format!("rename {n}"))
    }

    /// The survivor withdraws a consent in force, or grants one.
    fn op_consent(&mut self, i: usize) -> Option<String> {
        let me = self.devs[i].person_id.clone();
        let store = self.devs[i].store();
        let consents = store.consents(&me).ok()?;
        let mut active: Vec<_> = consents
            .iter()
            .filter(|c| c.withdrawn_at.is_none())
            .cloned()
            .collect();
        active.sort_by_key(|c| {
            (
                c.scope.code(),
                c.caregiver_id.as_deref().map(|cg| self.name_of(cg)),
                c.granted_at,
            )
        });
        if !active.is_empty() && self.rng.chance(500) {
            let c = self.rng.pick(&active).clone();
            self.devs[i].store().withdraw_consent(&c.id).ok()?;
            return Some(format!("withdraws consent {:?}", c.scope));
        }
        let has_programme = active.iter().any(|c| c.scope == ConsentScope::Programme);
        let caregivers: Vec<String> = store
            .people(Some(Role::Caregiver))
            .ok()?
            .into_iter()
            .map(|p| p.id)
            .filter(|cg| !active.iter().any(|c| c.caregiver_id.as_deref() == Some(cg)))
            .collect();
        let granted_at = store.now() - MINUTE;
        let new = if !has_programme {
            NewConsent {
                survivor_id: me,
                scope: ConsentScope::Programme,
                caregiver_id: None,
                granted_at,
            }
        } else if !caregivers.is_empty() {
            NewConsent {
                survivor_id: me,
                scope: ConsentScope::ShareWithCaregiver,
                caregiver_id: Some(self.rng.pick(&caregivers).clone()),
                granted_at,
            }
        } else {
            return None;
        };
        let scope = new.scope;
        self.devs[i].store().grant_consent(new).ok()?;
        Some(format!("grants consent {scope:?}"))
    }

    fn op_escalation(&mut self, i: usize) -> Option<String> {
        let open = self.devs[i].store().open_escalations().ok()?;
        if open.is_empty() {
            return None;
        }
        let e = self.rng.pick(&open).escalation.clone();
        let store = self.devs[i].store();
        if self.rng.chance(500) {
            store
                .acknowledge_escalation(&e.id, Some("On it".into()))
                .ok()?;
            Some("acknowledges a concern".to_owned())
        } else {
            store
                .resolve_escalation(&e.id, "Resolved with the GP")
                .ok()?;
            Some("resolves a concern".to_owned())
        }
    }

    fn op_mentorship(&mut self, i: usize) -> Option<String> {
        let ms = self.mentorships(i);
        if ms.is_empty() {
            return None;
        }
        let m = self.rng.pick(&ms).clone();
        let store = self.devs[i].store();
        match m.status {
            MentorshipStatus::Active => {
                store
                    .pause_mentorship(&m.id, Some("holidays".into()))
                    .ok()?;
                Some("pauses a mentorship".to_owned())
            }
            MentorshipStatus::Paused | MentorshipStatus::Proposed => {
                store.activate_mentorship(&m.id).ok()?;
                Some("activates a mentorship".to_owned())
            }
            MentorshipStatus::Ended => None,
        }
    }

    fn op_training(&mut self, i: usize, n: i64) -> Option<String> {
        let mentors = self.devs[i].store().people(Some(Role::Mentor)).ok()?;
        if mentors.is_empty() {
            return None;
        }
        let mentor = self.rng.pick(&mentors).id.clone();
        let store = self.devs[i].store();
        let now = store.now();
        if self.rng.chance(500) {
            store
                .record_training(NewTraining {
                    mentor_id: mentor,
                    course: format!("Course {n}"),
                    completed_at: now - DAY,
                    valid_until: None,
                    notes: None,
                })
                .ok()?;
            Some("records training".to_owned())
        } else {
            store
                .record_supervision(NewSupervision {
                    mentor_id: mentor,
                    held_at: now - MINUTE,
                    format: SupervisionFormat::Individual,
                    duration_minutes: 30,
                    notes: None,
                })
                .ok()?;
            Some("records supervision".to_owned())
        }
    }

    /// The coordinator at her desk (the API, no device): consents and mentorships change
    /// while devices are offline.
    #[allow(clippy::too_many_lines)] // one match over the desk's actions, read top to bottom
    fn desk_op(&mut self) -> Result<(), String> {
        if self.erased.is_none() && self.rng.chance(30) {
            let who = *self.rng.pick(&["jeanne", "ines", "paul", "nadia"]);
            return self.erase(who);
        }
        let claire = self.people["claire"].clone();
        let view = inspect::server_view(&self.service, &claire);
        let text = |r: &passerelle_core::sync::protocol::WireRow, f: &str| {
            r.get(f)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let of = |collection: &str| -> Vec<(String, passerelle_core::sync::protocol::WireRow)> {
            let mut rows: Vec<_> = view
                .iter()
                .filter(|((c, _), _)| c == collection)
                .map(|((_, id), r)| (id.clone(), r.clone()))
                .collect();
            rows.sort_by_key(|(_, r)| {
                (
                    self.name_of(&text(r, "survivor_id")),
                    text(r, "scope"),
                    self.name_of(&text(r, "caregiver_id")),
                    r.get("granted_at").and_then(Json::as_i64),
                    r.get("created_at").and_then(Json::as_i64),
                )
            });
            rows
        };
        let consents = of("consent");
        let mentorships = of("mentorship");
        let now = self.now();
        let roll = self.rng.below(10);
        let answer = match roll {
            0..=3 => {
                let active: Vec<_> = consents
                    .iter()
                    .filter(|(_, r)| r["withdrawn_at"].is_null())
                    .collect();
                if active.is_empty() {
                    return Ok(());
                }
                let (id, r) = *self.rng.pick(&active);
                self.log(format!(
                    "desk: withdraws {} consent of {}",
                    text(r, "scope"),
                    text(r, "survivor_id")
                ));
                self.desk.call(
                    passerelle_server::Method::Post,
                    &format!("/v1/consents/{id}/withdraw"),
                    &Json::Null,
                )
            }
            4..=6 => {
                let survivor = self.people[*self.rng.pick(&["sophie", "ahmed", "jeanne"])].clone();
                let share = survivor == self.people["sophie"] && self.rng.chance(500);
                self.log(format!(
                    "desk: grants {} consent of {survivor}",
                    if share { "sharing" } else { "programme" }
                ));
                let body = if share {
                    json!({"survivor_id": survivor, "scope": "share_with_caregiver", "caregiver_id": self.people["paul"], "granted_at": now - MINUTE})
                } else {
                    json!({"survivor_id": survivor, "scope": "programme", "granted_at": now - MINUTE})
                };
                self.desk
                    .call(passerelle_server::Method::Post, "/v1/consents", &body)
            }
            7 | 8 => {
                let (id, r) = self.rng.pick(&mentorships).clone();
                let action = match text(&r, "status").as_str() {
                    "ended" => return Ok(()),
                    // Now and then the programme ends one: its mentor loses it at their next
                    // sync, while what they recorded before the end still arrives.
                    "active" | "paused" if self.rng.chance(150) => "end",
                    "active" => "pause",
                    _ => "activate",
                };
                self.log(format!(
                    "desk: {action} mentorship of {}",
                    text(&r, "survivor_id")
                ));
                self.desk.call(
                    passerelle_server::Method::Post,
                    &format!("/v1/mentorships/{id}/{action}"),
                    &json!({}),
                )
            }
            _ => {
                let jeanne = self.people["jeanne"].clone();
                let Some((id, r)) = mentorships
                    .iter()
                    .find(|(_, r)| text(r, "survivor_id") == jeanne)
                else {
                    return Ok(());
                };
                let next = if text(r, "mentor_id") == self.people["marc"] {
                    "ines"
                } else {
                    "marc"
                };
                self.log(format!("desk: reassigns Jeanne's mentorship to {next}"));
                let body = json!({"mentor_id": self.people[next]});
                self.desk.call(
                    passerelle_server::Method::Post,
                    &format!("/v1/mentorships/{id}/reassign"),
                    &body,
                )
            }
        };
        if answer.status >= 500 {
            return Err(format!(
                "desk call failed: {} {}",
                answer.status, answer.body
            ));
        }
        Ok(())
    }

    /// Someone asks for their records to be erased: Jeanne (a survivor with no phone here; her
    /// mentor may have one), Inès (a mentor who may have a phone, and mentees who may), Paul
    /// (a caregiver with phones, whom survivors may share with) or Nadia (a professional who
    /// may have a phone, supervising and training mentors, coordinating no one). The desk
    /// first does what erasure needs — records the withdrawal of Jeanne's consent to take
    /// part, ends Inès's mentorships, or withdraws every consent sharing with Paul — then
    /// erases. Phones learn of it at their next sync; the erased person's own is signed out
    /// for good.
    fn erase(&mut self, name: &'static str) -> Result<(), String> {
        use passerelle_server::Method;
        let person = self.people[name].clone();
        let export = |desk: &ApiClient| {
            let answer = desk.call(
                Method::Get,
                &format!("/v1/people/{person}/export"),
                &Json::Null,
            );
            if answer.status == 200 {
                Ok(answer.body)
            } else {
                Err(format!("export refused: {} {}", answer.status, answer.body))
            }
        };
        for record in export(&self.desk)?["records"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let data = &record["data"];
            let id = record["id"].as_str().unwrap_or_default();
            if record["collection"] == "consent"
                && data["survivor_id"] == person.as_str()
                && data["scope"] == "programme"
                && data["withdrawn_at"].is_null()
            {
                self.desk
                    .post_ok(&format!("/v1/consents/{id}/withdraw"), &Json::Null);
            }
            if record["collection"] == "consent"
                && data["caregiver_id"] == person.as_str()
                && data["withdrawn_at"].is_null()
            {
                self.desk
                    .post_ok(&format!("/v1/consents/{id}/withdraw"), &Json::Null);
            }
            if record["collection"] == "mentorship"
                && data["mentor_id"] == person.as_str()
                && data["status"] != "ended"
            {
                self.desk.post_ok(
                    &format!("/v1/mentorships/{id}/end"),
                    &json!({ "reason": "mentor_unavailable" }),
                );
            }
        }
        let before = crate::api::exported_keys(&export(&self.desk)?);
        let answer = self.desk.call(
            Method::Post,
            &format!("/v1/people/{person}/erase"),
            &json!({ "confirm": person }),
        );
        if answer.status != 200 {
            return Err(format!(
                "erasure refused: {} {}",
                answer.status, answer.body
            ));
        }
        // A mentor's check-ins and messages stay (they are their mentees' records): what is
        // erased is what the server no longer holds.
        let rows: BTreeSet<(String, String)> = before
            .into_iter()
            .filter(|(c, id)| inspect::server_row(&self.service, c, id).is_none())
            .collect();
        self.log(format!("desk: erases {name}'s {} rows", rows.len()));
        self.report.erased += rows.len();
        self.erased = Some(rows);
        self.retired.insert(name);
        self.report.mentors_erased += usize::from(name == "ines");
        self.report.caregivers_erased += usize::from(name == "paul");
        self.report.professionals_erased += usize::from(name == "nadia");
        self.report.phones_retired += self.devs.iter().filter(|d| d.name == name).count();
        Ok(())
    }

    fn sync_with_retries(&mut self, i: usize) -> Result<(), String> {
        for _ in 0..3 {
            if self.sync(i)? {
                return Ok(());
            }
            if !self.rng.chance(600) {
                return Ok(());
            }
            let pause = self.rng.range(1_000, 20_000);
            self.advance(pause);
        }
        Ok(())
    }

    /// One sync of device `i`. `Ok(true)` if it completed; `Ok(false)` if the network failed
    /// it; `Err` if something broke that no network fault excuses.
    fn sync(&mut self, i: usize) -> Result<bool, String> {
        self.report.syncs += 1;
        let result = {
            let dev = &self.devs[i];
            dev.store().sync(&dev.link, None)
        };
        let died = matches!(
            (self.devs[i].dying, &result),
            (
                Some(Death::Killed),
                Err(Error::Store(StoreError::Interrupted))
            ) | (
                Some(Death::DiskFull),
                Err(Error::Store(StoreError::DiskFull))
            )
        );
        // A dying app is opened again whether or not its death struck before the sync ended.
        if self.net.take_killed(i) || self.devs[i].dying.is_some() {
            self.reopen(i);
        }
        match result {
            Ok(summary) => {
                self.report.revoked_scopes += u64::from(summary.revoked_scopes);
                self.report.reset_scopes += u64::from(summary.reset_scopes);
                self.log(format!(
                    "device {i} synced: pushed {} rejected {} pulled {} revoked {} reset {}",
                    summary.pushed,
                    summary.rejected,
                    summary.pulled,
                    summary.revoked_scopes,
                    summary.reset_scopes
                ));
                self.check_scopes(i)?;
                Ok(true)
            }
            Err(Error::Sync(SyncError::Offline)) => {
                self.report.failed_syncs += 1;
                self.log(format!("device {i} sync failed: offline"));
                Ok(false)
            }
            Err(e) if died => {
                self.report.failed_syncs += 1;
                self.report.cut_mid_transaction += 1;
                self.log(format!("device {i} died mid-sync: {e}"));
                Ok(false)
            }
            Err(Error::Sync(SyncError::Unauthorized)) => {
                // The session was revoked (a refresh token seen twice): the person asks the
                // coordinator for a new code and signs in again; the outbox is kept.
                self.report.failed_syncs += 1;
                self.report.reenrolled += 1;
                let code = self.new_code(self.devs[i].name);
                let backend: Arc<dyn Backend> = self.service.clone();
                let transport = crate::api::InProcess::new(backend, "re-enrol");
                self.devs[i]
                    .store()
                    .enrol(&transport, "in-process", &code)
                    .map_err(|e| format!("device {i} cannot enrol again: {e:?}"))?;
                self.log(format!("device {i}: session revoked, enrolled again"));
                Ok(false)
            }
            Err(e) => Err(format!(
                "device {i} ({}): sync failed: {e:?}",
                self.devs[i].name
            )),
        }
    }

    /// Invariant (d): right after a completed sync, the device holds no row outside the
    /// scopes the server's rules give its owner now.
    fn check_scopes(&self, i: usize) -> Result<(), String> {
        let dev = &self.devs[i];
        let allowed = inspect::server_keys(&self.service, &dev.person_id);
        let held = inspect::device_keys_on(&dev.reader);
        let outside: Vec<String> = held
            .iter()
            .filter(|k| !allowed.contains(*k))
            .map(|(c, id)| format!("{c} {id}"))
            .collect();
        if outside.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "device {i} ({}) holds rows outside its scopes after a sync: {outside:?}",
                dev.name
            ))
        }
    }

    /// Delivers whatever the network still holds, then syncs every device on a perfect
    /// network until a whole round moves nothing.
    fn quiesce(&mut self) -> Result<(), String> {
        let held = self.net.held();
        self.net.redeliver(held);
        self.net.set_faults(Faults::default());
        for round in 0..10 {
            self.advance(MINUTE);
            let mut moved = false;
            for i in 0..self.devs.len() {
                if self.is_retired(i) {
                    continue;
                }
                let before = self.outbox_max(i);
                let dev = &self.devs[i];
                let summary = match dev.store().sync(&dev.link, None) {
                    Ok(s) => s,
                    Err(Error::Sync(SyncError::Unauthorized)) => {
                        self.sync(i)?;
                        moved = true;
                        continue;
                    }
                    Err(e) => {
                        return Err(format!(
                            "quiescent round {round}: device {i} cannot sync: {e:?}"
                        ));
                    }
                };
                self.check_scopes(i)?;
                moved |=
                    summary.pushed + summary.rejected + summary.pulled + summary.revoked_scopes > 0
                        || self.outbox_max(i) != before;
            }
            if !moved {
                return Ok(());
            }
        }
        Err("the devices did not settle after ten fault-free rounds".to_owned())
    }

    /// Invariants (a), (b) and (c) after the quiescent round.
    fn check_final(&mut self) -> Result<(), String> {
        let mut problems = Vec::new();
        for i in 0..self.devs.len() {
            if !self.is_retired(i) {
                problems.extend(self.check_device(i)?);
            }
        }
        problems.extend(self.check_acks()?);
        // A retired phone, wiped as its person would: nothing personal is left on it.
        for i in 0..self.devs.len() {
            if self.is_retired(i) {
                let dev = &self.devs[i];
                let store = dev.store();
                store
                    .wipe_personal_data(Some(&dev.link), true)
                    .map_err(|e| format!("device {i}: wipe: {e:?}"))?;
                let people = store.people(None).map_err(|e| format!("{e:?}"))?;
                let unsent = store.outbox_len().map_err(|e| format!("{e:?}"))?;
                if !people.is_empty() || unsent > 0 {
                    problems.push(format!(
                        "device {i}: after its wipe {} people and {unsent} changes are left",
                        people.len()
                    ));
                }
            }
        }
        // Nothing erased came back: no retry, late push or offline amendment revived a row.
        for (collection, id) in self.erased.iter().flatten() {
            if inspect::server_row(&self.service, collection, id).is_some() {
                problems.push(format!("erased {collection} {id} is on the server again"));
            }
            if collection == "message" && inspect::server_voice_note(&self.service, id).is_some() {
                problems.push(format!("erased message {id} left its sound on the server"));
            }
        }
        // Nor was an erased person named or given a profile again (a survivor's row is gone;
        // anyone else's keeps only the erased name).
        for name in &self.retired {
            let id = &self.people[name];
            if let Some(row) = inspect::server_row(&self.service, "person", id) {
                if row["display_name"] != passerelle_server::rights::ERASED_NAME {
                    problems.push(format!(
                        "erased {name} is named {} again",
                        row["display_name"]
                    ));
                }
            }
            for profile in passerelle_server::scopes::PROFILE_COLLECTIONS {
                if inspect::server_row(&self.service, profile, id).is_some() {
                    problems.push(format!("erased {name} has a {profile} again"));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }

    /// (a) and (c) on device `i`, with the check-ins' current versions and unreadable rows.
    fn check_device(&mut self, i: usize) -> Result<Vec<String>, String> {
        let mut problems = Vec::new();
        {
            let dev = &self.devs[i];
            // Each check-in shows its latest version: one current version per lineage, the
            // highest-numbered one (derived locally from the synced versions).
            let wrong: Vec<String> = dev
                .reader
                .prepare(
                    "SELECT checkin_id FROM checkin GROUP BY checkin_id
                     HAVING sum(superseded = 0) <> 1
                         OR max(version) <> max(CASE WHEN superseded = 0 THEN version END)",
                )
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .map_err(|e| format!("{e:?}"))?;
            if !wrong.is_empty() {
                problems.push(format!(
                    "device {i} ({}): check-ins not showing their latest version: {wrong:?}",
                    dev.name
                ));
            }
            // Every voice message's sound is here, as its message names it, and sent — unless
            // its sender never could send it (their phone retired before it synced).
            problems.extend(self.check_voice_notes(i)?);
            // (c) outboxes drain.
            let queued = dev.store().outbox_len().map_err(|e| format!("{e:?}"))?;
            if queued > 0 {
                problems.push(format!(
                    "device {i} ({}): {queued} changes still queued",
                    dev.name
                ));
            }
            // (a) convergence: same rows, same content, as the server's scopes give.
            let server = inspect::server_view(&self.service, &dev.person_id);
            let held = inspect::device_rows_on(&dev.reader);
            let keys: BTreeSet<&(String, String)> = server.keys().chain(held.keys()).collect();
            for key in keys {
                let (collection, id) = key;
                match (server.get(key), held.get(key)) {
                    (Some(s), Some(d)) => {
                        let (s, d) = (
                            inspect::content(collection, s),
                            inspect::content(collection, d),
                        );
                        if s != d {
                            problems.push(format!(
                                "device {i} ({}): {collection} {id} differs from the server:\n  server {} in {:?}\n  device {} in {:?}",
                                dev.name,
                                Json::Object(s),
                                inspect::server_scopes(&self.service, collection, id),
                                Json::Object(d),
                                inspect::device_scopes(&dev.reader, collection, id),
                            ));
                        }
                    }
                    (Some(_), None) => problems.push(format!(
                        "device {i} ({}): missing {collection} {id}",
                        dev.name
                    )),
                    (None, Some(_)) => problems.push(format!(
                        "device {i} ({}): extra {collection} {id}",
                        dev.name
                    )),
                    (None, None) => {}
                }
            }
        }
        let issues = self.devs[i]
            .store()
            .sync_issues()
            .map_err(|e| format!("{e:?}"))?;
        for issue in &issues {
            if issue.kind == "unreadable" {
                problems.push(format!(
                    "device {i}: the server sent a row it cannot read: {issue:?}"
                ));
            }
            if issue.kind == "rejected" {
                *self.report.reasons.entry(issue.reason.clone()).or_default() += 1;
            }
        }
        Ok(problems)
    }

    /// The sounds on device `i`: each voice message it holds has its sound once the server
    /// has it, the very one its message names; nothing recorded there is left unsent; no sound
    /// is left without its message.
    fn check_voice_notes(&self, i: usize) -> Result<Vec<String>, String> {
        let dev = &self.devs[i];
        let held: Vec<HeldVoice> = dev
            .reader
            .prepare(
                "SELECT m.id, m.sender_id, m.attachment_ref, v.audio, v.state
                 FROM message m LEFT JOIN voice_note v ON v.message_id = m.id
                 WHERE m.kind = 'voice' ORDER BY m.id",
            )
            .and_then(|mut s| {
                s.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect()
            })
            .map_err(|e| format!("{e:?}"))?;
        let mut problems = Vec::new();
        // No sound outlives its message: what left the phone's scopes took its sound along.
        let stray: i64 = dev
            .reader
            .query_row(
                "SELECT count(*) FROM voice_note v
                 WHERE NOT EXISTS (SELECT 1 FROM message m WHERE m.id = v.message_id)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| format!("{e:?}"))?;
        if stray > 0 {
            problems.push(format!(
                "device {i}: {stray} voice notes without their message"
            ));
        }
        for (id, sender, hash, audio, state) in held {
            let on_server = inspect::server_voice_note(&self.service, &id);
            let sender_retired = self
                .retired
                .iter()
                .any(|name| self.people.get(*name) == Some(&sender));
            match (audio, on_server) {
                (Some(audio), server) => {
                    if passerelle_core::model::voice::content_hash(&audio) != hash {
                        problems.push(format!(
                            "device {i}: voice note {id} is not the sound its message names"
                        ));
                    }
                    if state.as_deref() != Some("held") || server.as_ref() != Some(&audio) {
                        problems.push(format!(
                            "device {i}: voice note {id} is {state:?} here and {} on the server",
                            if server.is_some() {
                                "another sound"
                            } else {
                                "missing"
                            }
                        ));
                    }
                }
                (None, Some(_)) => {
                    problems.push(format!("device {i}: voice note {id} never arrived"));
                }
                (None, None) if !sender_retired => {
                    problems.push(format!(
                        "device {i}: voice note {id} was never sent by its sender"
                    ));
                }
                (None, None) => {}
            }
        }
        Ok(problems)
    }

    /// (b) no acknowledged write lost: on the server, or refused with a recorded reason.
    fn check_acks(&mut self) -> Result<Vec<String>, String> {
        let mut problems = Vec::new();
        for ack in &self.acks {
            let dev = &self.devs[ack.dev];
            // Stored, then erased at the desk (a refused one is still reported below).
            let key = (ack.collection.clone(), ack.row_id.clone());
            if self.erased.as_ref().is_some_and(|e| e.contains(&key)) {
                continue;
            }
            let result = inspect::mutation_result(&self.service, &dev.device_id, ack.mutation_id);
            let stored = result.as_ref().is_some_and(|r| {
                matches!(
                    r.status,
                    passerelle_core::sync::protocol::MutationStatus::Applied
                        | passerelle_core::sync::protocol::MutationStatus::Conflict
                )
            });
            if stored {
                if let Some(content) = &ack.content {
                    let on_server =
                        inspect::server_row(&self.service, &ack.collection, &ack.row_id)
                            .map(|r| inspect::content(&ack.collection, &r));
                    if on_server.as_ref() != Some(content) {
                        problems.push(format!(
                            "device {} ({}): {} {} was stored, but not as saved",
                            ack.dev, dev.name, ack.collection, ack.row_id
                        ));
                    }
                }
                continue;
            }
            let issues = dev.store().sync_issues().map_err(|e| format!("{e:?}"))?;
            let recorded = issues.iter().any(|s| {
                s.kind == "rejected" && s.collection == ack.collection && s.row_id == ack.row_id
            });
            if recorded {
                self.report.refused += 1;
            } else if self.retired.contains(dev.name) {
                // Queued on a phone whose account was erased before it could send it: gone
                // with the account, as the person asked.
            } else {
                problems.push(format!(
                    "device {} ({}): acknowledged {} {} (mutation {}) is neither on the server nor reported: server result {result:?}",
                    ack.dev, dev.name, ack.collection, ack.row_id, ack.mutation_id
                ));
            }
        }
        Ok(problems)
    }
}

/// Runs case `seed` with `steps` random steps.
pub fn run_case(seed: u64, steps: usize) -> Result<Report, String> {
    run_case_on(StoreKind::Sqlite, seed, steps)
}

/// Runs the case `seed` with its server on a store of `kind`.
///
/// # Errors
/// The first invariant the case broke, with the case's log.
pub fn run_case_on(kind: StoreKind, seed: u64, steps: usize) -> Result<Report, String> {
    match kind {
        StoreKind::Sqlite => World::new(seed, steps).run(),
        StoreKind::Postgres => World::on_postgres(seed, steps).run(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checks can fail: a device whose copy was altered behind the sync's back, or that
    /// holds a row the server never gave it, is caught.
    #[test]
    fn the_invariants_catch_a_tampered_device() {
        let mut world = World::new(0x5EED_7E57, 0);
        world.run_inner().expect("a clean case passes");
        let (path, me) = (world.devs[0].path.clone(), world.devs[0].person_id.clone());
        let tamper = rusqlite::Connection::open(&path).expect("open the device file");
        tamper
            .execute(
                "UPDATE person SET display_name = 'Mallory' WHERE id = ?1",
                [&me],
            )
            .expect("tamper");
        let diverged = world.check_final().expect_err("the altered row is found");
        assert!(diverged.contains("differs from the server"), "{diverged}");

        let foreign = world.people["ahmed"].clone();
        let held = inspect::server_row(&world.service, "person", &foreign).expect("Ahmed");
        tamper
            .execute(
                "INSERT OR IGNORE INTO person (id, role, display_name, created_at, updated_at, origin, hlc)
                 VALUES (?1, 'survivor', 'Ahmed', 0, 0, 'x', 0)",
                [held["id"].as_str().expect("id")],
            )
            .expect("plant a row");
        let outside = world.check_scopes(0).expect_err("the planted row is found");
        assert!(outside.contains("outside its scopes"), "{outside}");
    }
}
