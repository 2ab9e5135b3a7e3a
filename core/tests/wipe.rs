//! Wiping a phone: a refusal while changes wait to be sent changes nothing; a wipe removes
//! every personal record, the outbox and the sync state, keeps the public directory, gives the
//! installation a new id with its clock still going forward, leaves no byte of what it removed
//! in the file or its log, and leaves a store a new person can start on.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::{T0, TestClock, TestDb, contact, options, programme};
use passerelle_core::directory::{DirectoryQuery, ImportFormat};
use passerelle_core::{ChangeListener, Error, Key, NewPerson, Role, Store};

/// Words no other row holds, to look for in the file's bytes.
const MARKER: &str = "Quokka-7741 said the stairs are hard";

/// An unencrypted store, so the test can read what the file holds.
fn plain_db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("passerelle.db");
    let clock = TestClock::new(T0);
    let store = Store::open(&path, Key::Unencrypted, options(&clock)).unwrap();
    TestDb {
        dir,
        path,
        key: Key::Unencrypted,
        clock,
        store,
    }
}

/// The store's files (database, log, shared memory), as the disk holds them.
fn files_of(path: &Path) -> Vec<PathBuf> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&name))
        .collect()
}

fn on_disk(path: &Path, needle: &str) -> bool {
    files_of(path).iter().any(|f| {
        let bytes = std::fs::read(f).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

fn import_sample(store: &Store) {
    let (files, options) = common::sample_directory();
    store
        .import_directory(ImportFormat::HsdsJson, files, options)
        .unwrap();
}

fn directory_hits(store: &Store) -> Vec<String> {
    store
        .search_directory(DirectoryQuery {
            text: "aide".into(),
            ..DirectoryQuery::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.service_id)
        .collect()
}

#[derive(Default)]
struct Seen(Mutex<Vec<String>>);

impl ChangeListener for Seen {
    fn on_change(&self, collections: Vec<String>) {
        self.0.lock().unwrap().extend(collections);
    }
}

#[test]
#[allow(clippy::too_many_lines)] // one phone's story, told in order
fn a_wipe_takes_everything_personal_and_nothing_else() {
    let db = plain_db();
    let p = programme(&db.store);
    import_sample(&db.store);
    let directory = directory_hits(&db.store);
    assert!(!directory.is_empty());

    db.store.set_device_owner(&p.mentor.id).unwrap();
    let mut visit = contact(&p.mentorship.id, T0);
    visit.notes = MARKER.into();
    let checkin = db.store.record_checkin(visit).unwrap().checkin;
    db.store.set_device_owner(&p.survivor.id).unwrap();
    db.store
        .bookmark_service(&directory[0], Some("Ask about Tuesdays".into()))
        .unwrap();
    let unsent = db.store.outbox_len().unwrap();
    assert!(unsent > 0);
    let last_mutation = db
        .store
        .outbox_peek(10_000)
        .unwrap()
        .last()
        .unwrap()
        .mutation_id;
    assert!(
        on_disk(&db.path, MARKER),
        "the check would see the notes if they stayed"
    );

    // Changes not yet sent: refused, and nothing changes.
    let before = db.digest();
    let refused = db.store.wipe_personal_data(None, false).unwrap_err();
    assert!(
        matches!(refused, Error::UnsentChanges { count } if count == unsent),
        "{refused:?}"
    );
    assert_eq!(db.digest(), before);

    // Wiped, the unsent changes discarded as asked.
    let seen = Arc::new(Seen::default());
    db.store.set_change_listener(Some(seen.clone()));
    let old_device = db.store.device_id();
    let summary = db.store.wipe_personal_data(None, true).unwrap();
    assert_eq!(summary.unsent_discarded, unsent);
    assert!(summary.records_removed >= 10, "{summary:?}");
    assert!(!summary.signed_out, "never enrolled: no session to end");
    assert!(summary.compacted);

    assert_eq!(db.store.device_owner().unwrap(), None);
    assert!(db.store.people(None).unwrap().is_empty());
    assert_eq!(db.store.outbox_len().unwrap(), 0);
    assert!(matches!(
        db.store.checkin(&checkin.id),
        Err(Error::NotFound(_))
    ));
    assert_eq!(db.store.sync_server_url().unwrap(), None);
    assert!(db.store.sync_issues().unwrap().is_empty());
    assert!(!on_disk(&db.path, MARKER), "no byte of the notes is left");
    assert!(!on_disk(&db.path, "Ask about Tuesdays"));
    let changed = seen.0.lock().unwrap().clone();
    for collection in ["person", "mentorship", "checkin", "bookmark", "consent"] {
        assert!(
            changed.iter().any(|c| c == collection),
            "{collection} not told: {changed:?}"
        );
    }

    // The directory stays; the installation is a new one.
    assert_eq!(directory_hits(&db.store), directory);
    let new_device = db.store.device_id();
    assert_ne!(new_device, old_device);

    // A new person starts on it; their changes come after every change made before.
    let next = db
        .store
        .create_device_owner(NewPerson {
            role: Role::Caregiver,
            display_name: "Nadia".into(),
        })
        .unwrap();
    let first = db.store.outbox_peek(1).unwrap();
    assert!(first[0].mutation_id > last_mutation);
    let row: serde_json::Value = serde_json::from_str(&first[0].payload).unwrap();
    assert_eq!(row["origin"], new_device.as_str());
    assert_eq!(db.store.people(None).unwrap(), vec![next.clone()]);

    // And it all holds after a restart.
    let db = db.reopen();
    assert_eq!(db.store.device_id(), new_device);
    assert_eq!(db.store.device_owner().unwrap(), Some(next));
    assert_eq!(directory_hits(&db.store), directory);
    db.store.check_integrity().unwrap();
}

#[test]
fn an_encrypted_store_is_wiped_and_stays_encrypted() {
    let db = common::new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    db.store
        .record_checkin(contact(&p.mentorship.id, T0))
        .unwrap();
    let summary = db.store.wipe_personal_data(None, true).unwrap();
    assert!(summary.records_removed > 0);
    db.store.check_integrity().unwrap();
    // The app's part: a new key, the old one destroyed.
    let key = Key::generate();
    db.store.rekey(key.clone()).unwrap();
    db.store.check_integrity().unwrap();
    let mut db = db;
    db.key = key.clone();
    let db = db.reopen();
    assert!(db.store.people(None).unwrap().is_empty());
    db.store.check_integrity().unwrap();
    // Still the key's file: a plain open cannot read it.
    drop(db.store);
    let wrong = Store::open(&db.path, Key::Unencrypted, options(&db.clock)).unwrap_err();
    assert!(matches!(wrong, Error::Store(_)), "{wrong:?}");
    Store::open(&db.path, key, options(&db.clock)).unwrap();
}
