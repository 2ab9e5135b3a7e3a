//! Shared set-up for the core's integration tests: temporary encrypted stores, a movable clock,
//! a small programme (coordinator, mentor, survivor, caregiver, an active mentorship), and a
//! digest of a database's whole content to prove that a refused operation changed nothing.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use passerelle_core::directory::{ImportFile, ImportOptions};
use passerelle_core::{
    CaregiverProfile, CheckInInput, Clock, ConsentScope, ContactMode, Dimension, Key,
    MentorProfile, Mentorship, NewConsent, NewMentorship, NewPerson, Person, Profile, Reached,
    Relationship, Role, Store, StoreOptions, SurvivorProfile,
};

/// 2026-03-02T09:00:00Z, a Monday.
pub const T0: i64 = 1_772_442_000_000;
pub const DAY: i64 = 86_400_000;

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn new(at: i64) -> Self {
        Self(Arc::new(AtomicI64::new(at)))
    }
    pub fn set(&self, at: i64) {
        self.0.store(at, Ordering::SeqCst);
    }
    pub fn advance(&self, by: i64) {
        self.0.fetch_add(by, Ordering::SeqCst);
    }
    pub fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
    pub fn clock(&self) -> Clock {
        let inner = self.0.clone();
        Clock::from_fn(move || inner.load(Ordering::SeqCst))
    }
}

pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub key: Key,
    pub clock: TestClock,
    pub store: Store,
}

pub fn options(clock: &TestClock) -> StoreOptions {
    StoreOptions {
        clock: clock.clock(),
        ..StoreOptions::default()
    }
}

pub fn new_db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("passerelle.db");
    let key = Key::generate();
    let clock = TestClock::new(T0);
    let store = Store::open(&path, key.clone(), options(&clock)).unwrap();
    TestDb {
        dir,
        path,
        key,
        clock,
        store,
    }
}

impl TestDb {
    pub fn reopen(self) -> Self {
        let TestDb {
            dir,
            path,
            key,
            clock,
            store,
        } = self;
        drop(store);
        let store = Store::open(&path, key.clone(), options(&clock)).unwrap();
        TestDb {
            dir,
            path,
            key,
            clock,
            store,
        }
    }

    /// Every row of every table, in a stable order: equal digests mean nothing changed.
    pub fn digest(&self) -> String {
        digest(&self.path, &self.key)
    }
}

/// A raw connection to an encrypted file, as a baseline tool or a test would open it.
pub fn raw_connection(path: &Path, key: &Key) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    if let Some(k) = key.bytes() {
        c.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(k)))
            .unwrap();
    }
    c
}

pub fn digest(path: &Path, key: &Key) -> String {
    let c = raw_connection(path, key);
    dump(&c)
}

/// The schema and all rows of every table, as text.
pub fn dump(c: &rusqlite::Connection) -> String {
    let mut out = String::new();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in tables {
        let _ = writeln!(out, "## {t}");
        let mut stmt = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            out.push_str(&cells.join("|"));
            out.push('\n');
        }
    }
    out
}

/// The sample directory (`tests/data/directory/lyon-hsds.json`, HSDS JSON) and the options
/// importing it whole as source `lyon-demo`.
pub fn sample_directory() -> (Vec<ImportFile>, ImportOptions) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/directory/lyon-hsds.json");
    let file = ImportFile {
        name: "lyon-hsds.json".into(),
        content: std::fs::read_to_string(path).unwrap(),
    };
    let options = ImportOptions {
        source: "lyon-demo".into(),
        skip_invalid: false,
        dry_run: false,
        remove_missing: false,
    };
    (vec![file], options)
}

pub struct Programme {
    pub coordinator: Person,
    pub mentor: Person,
    pub survivor: Person,
    pub caregiver: Person,
    pub mentorship: Mentorship,
}

/// Enrols a coordinator (the first owner), a mentor, a survivor with a caregiver, records the
/// survivor's consent, and starts a mentorship of 6 contacts in 12 weeks. Leaves the coordinator
/// signed in.
pub fn programme(store: &Store) -> Programme {
    let coordinator = store
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
    let survivor = store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Sophie".into(),
        })
        .unwrap();
    let caregiver = store
        .create_person(NewPerson {
            role: Role::Caregiver,
            display_name: "Paul".into(),
        })
        .unwrap();
    store
        .save_profile(Profile::Mentor {
            profile: MentorProfile {
                person_id: mentor.id.clone(),
                languages: vec!["fr".into(), "en".into()],
                capacity: 3,
                availability: Some("weekday afternoons".into()),
            },
        })
        .unwrap();
    store
        .save_profile(Profile::Survivor {
            profile: SurvivorProfile {
                person_id: survivor.id.clone(),
                preferred_languages: vec!["fr".into()],
                communication_needs: vec![passerelle_core::CommunicationNeed::Aphasia],
                home_area: Some("Lyon 8e".into()),
                stroke_date: Some(T0 - 60 * DAY),
                discharge_date: Some(T0 - 20 * DAY),
                goals: vec!["walk to the market".into()],
            },
        })
        .unwrap();
    store
        .save_profile(Profile::Caregiver {
            profile: CaregiverProfile {
                person_id: caregiver.id.clone(),
                survivor_id: survivor.id.clone(),
                relationship: Relationship::SpousePartner,
            },
        })
        .unwrap();
    store
        .grant_consent(NewConsent {
            survivor_id: survivor.id.clone(),
            scope: ConsentScope::Programme,
            caregiver_id: None,
            granted_at: T0 - DAY,
        })
        .unwrap();
    let proposed = store
        .propose_mentorship(NewMentorship {
            survivor_id: survivor.id.clone(),
            mentor_id: mentor.id.clone(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: Some("both keen gardeners".into()),
        })
        .unwrap();
    let mentorship = store.activate_mentorship(&proposed.id).unwrap();
    Programme {
        coordinator,
        mentor,
        survivor,
        caregiver,
        mentorship,
    }
}

/// Records the survivor's consent to share with their caregiver (the signed-in owner must be
/// the survivor or a professional).
pub fn share_with_caregiver(store: &Store, p: &Programme) {
    store
        .grant_consent(NewConsent {
            survivor_id: p.survivor.id.clone(),
            scope: ConsentScope::ShareWithCaregiver,
            caregiver_id: Some(p.caregiver.id.clone()),
            granted_at: T0,
        })
        .unwrap();
}

/// A plain contact for `mentorship_id` at `at`.
pub fn contact(mentorship_id: &str, at: i64) -> CheckInInput {
    CheckInInput {
        mentorship_id: mentorship_id.to_owned(),
        occurred_at: at,
        mode: ContactMode::Phone,
        duration_minutes: 30,
        reached: Reached::Survivor,
        dimensions: vec![Dimension::Emotional],
        wellbeing: Some(3),
        notes: "Talked about the first weeks at home.".into(),
        resources_shared: vec![],
        follow_up: None,
        concern: None,
        planned_contact_id: None,
    }
}

/// Records check-ins with long notes in `mentorship_id` until a write is refused (a full
/// disk, real or imitated); returns how many were saved and the refusal.
pub fn record_until_refused(store: &Store, mentorship_id: &str) -> (u32, passerelle_core::Error) {
    let mut saved = 0;
    loop {
        let mut c = contact(mentorship_id, T0);
        c.notes = "x".repeat(3_000);
        match store.record_checkin(c) {
            Ok(_) => saved += 1,
            Err(e) => return (saved, e),
        }
        assert!(saved < 10_000, "no write was ever refused");
    }
}
