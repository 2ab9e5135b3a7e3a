//! The encrypted store's failure modes: wrong key and damaged file told apart, newer schemas
//! refused, read-only and full disks, re-keying, interrupting — and in every case the user's
//! file left exactly as it was.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::io::{Seek, SeekFrom, Write};

use common::{T0, contact, new_db, options, programme, raw_connection, record_until_refused};
use passerelle_core::store::SCHEMA_VERSION;
use passerelle_core::{Error, Key, NewPerson, Role, Store, StoreError, StoreOptions};

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    fs::read(path).unwrap()
}

/// A closed database with some content, checkpointed into the main file.
fn closed_db() -> common::TestDb {
    let db = new_db();
    programme(&db.store);
    let c = raw_connection(&db.path, &db.key);
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    db
}

fn open_err(path: &std::path::Path, key: Key) -> Error {
    Store::open(path, key, StoreOptions::default()).unwrap_err()
}

#[test]
fn the_file_is_encrypted_at_rest() {
    let db = closed_db();
    let bytes = file_bytes(&db.path);
    assert!(!bytes.starts_with(b"SQLite format 3"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("Sophie") && !text.contains("mentorship"),
        "no plaintext names or schema"
    );
}

#[test]
fn a_wrong_key_is_reported_as_such_and_changes_nothing() {
    let db = closed_db();
    let (path, key) = (db.path.clone(), db.key.clone());
    drop(db.store);
    let before = file_bytes(&path);
    assert!(matches!(
        open_err(&path, Key::generate()),
        Error::Store(StoreError::WrongKey)
    ));
    assert_eq!(file_bytes(&path), before);
    // The right key still opens it with everything in it.
    let store = Store::open(&path, key, StoreOptions::default()).unwrap();
    assert_eq!(store.people(Some(Role::Survivor)).unwrap().len(), 1);
}

#[test]
fn a_damaged_file_is_reported_as_corrupt_not_as_a_wrong_key() {
    let db = closed_db();
    let (path, key) = (db.path.clone(), db.key.clone());
    drop(db.store);
    // Damage the first page (where SQLCipher's check fails just as with a wrong key).
    let mut f = fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.seek(SeekFrom::Start(200)).unwrap();
    f.write_all(&[0xA5; 64]).unwrap();
    drop(f);
    let damaged = file_bytes(&path);
    assert!(matches!(
        open_err(&path, key.clone()),
        Error::Store(StoreError::Corrupt)
    ));
    assert!(matches!(
        open_err(&path, Key::generate()),
        Error::Store(StoreError::WrongKey)
    ));
    assert_eq!(file_bytes(&path), damaged, "never rewritten on error");
}

#[test]
fn truncated_and_foreign_files_are_corrupt() {
    let db = closed_db();
    let (path, key) = (db.path.clone(), db.key.clone());
    drop(db.store);
    let bytes = file_bytes(&path);
    fs::write(&path, &bytes[..bytes.len() - 1000]).unwrap();
    assert!(matches!(
        open_err(&path, key.clone()),
        Error::Store(StoreError::Corrupt)
    ));

    let other = db.dir.path().join("notes.db");
    fs::write(&other, b"these are not the droids you are looking for").unwrap();
    assert!(matches!(
        open_err(&other, key),
        Error::Store(StoreError::Corrupt)
    ));
    assert_eq!(
        fs::read(&other).unwrap(),
        b"these are not the droids you are looking for"
    );
}

#[test]
fn damage_past_the_first_page_is_found_by_the_integrity_check() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    for i in 0..300 {
        db.store
            .record_checkin(contact(&p.mentorship.id, T0 - i * 60_000))
            .unwrap();
    }
    db.store.check_integrity().unwrap();
    let c = raw_connection(&db.path, &db.key);
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(c);
    let (path, key) = (db.path.clone(), db.key.clone());
    drop(db.store);
    let len = fs::metadata(&path).unwrap().len();
    let mut f = fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.seek(SeekFrom::Start(len / 2)).unwrap();
    f.write_all(&[0u8; 4096]).unwrap();
    drop(f);
    // Depending on which page the damage hit, opening or the integrity check reports it; it
    // is never mistaken for a wrong key.
    let found = Store::open(&path, key, StoreOptions::default()).and_then(|s| s.check_integrity());
    assert!(
        matches!(found, Err(Error::Store(StoreError::Corrupt))),
        "{found:?}"
    );
}

#[test]
fn a_plain_database_opened_with_a_key_is_not_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let dev = Store::open(&path, Key::Unencrypted, StoreOptions::default()).unwrap();
    dev.create_device_owner(NewPerson {
        role: Role::Mentor,
        display_name: "Dev".into(),
    })
    .unwrap();
    drop(dev);
    assert!(
        file_bytes(&path).starts_with(b"SQLite format 3\0"),
        "unencrypted only when asked"
    );
    assert!(matches!(
        open_err(&path, Key::generate()),
        Error::Store(StoreError::NotEncrypted)
    ));
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let db = closed_db();
    let (path, key) = (db.path.clone(), db.key.clone());
    drop(db.store);
    raw_connection(&path, &key)
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let before = file_bytes(&path);
    let err = open_err(&path, key);
    assert_eq!(
        err.to_string(),
        format!(
            "the database has schema version {}, newer than this app's {SCHEMA_VERSION}",
            SCHEMA_VERSION + 1
        )
    );
    assert!(matches!(err, Error::Store(StoreError::NewerSchema { .. })));
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn a_read_only_store_reads_but_refuses_writes() {
    let db = closed_db();
    let (path, key) = (db.path.clone(), db.key.clone());
    drop(db.store);
    let ro = Store::open(
        &path,
        key,
        StoreOptions {
            read_only: true,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    let before = file_bytes(&path);
    assert_eq!(ro.people(None).unwrap().len(), 4);
    let err = ro
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: "Lea".into(),
        })
        .unwrap_err();
    assert!(matches!(err, Error::Store(StoreError::ReadOnly)), "{err:?}");
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn a_full_disk_fails_the_write_and_keeps_what_was_saved() {
    let db = new_db();
    let p = programme(&db.store);
    drop(db.store);
    let size = fs::metadata(&db.path).unwrap().len();
    let store = Store::open(
        &db.path,
        db.key.clone(),
        StoreOptions {
            max_size_bytes: Some(size + 8192),
            ..options(&db.clock)
        },
    )
    .unwrap();
    store.set_device_owner(&p.mentor.id).unwrap();
    let (saved, err) = record_until_refused(&store, &p.mentorship.id);
    assert!(matches!(err, Error::Store(StoreError::DiskFull)), "{err:?}");
    drop(store);
    let store = Store::open(&db.path, db.key.clone(), options(&db.clock)).unwrap();
    store.set_device_owner(&p.mentor.id).unwrap();
    let caseload = store.caseload().unwrap();
    assert_eq!(
        caseload[0].contacts_done, saved,
        "every acknowledged check-in is there, the failed one is not"
    );
}

#[test]
fn a_store_rekeyed_while_open_checks_clean_at_once() {
    // Its log holds pages not yet written back: the re-encryption must reach the file too.
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    db.store
        .record_checkin(contact(&p.mentorship.id, T0))
        .unwrap();
    db.store.rekey(Key::generate()).unwrap();
    db.store.check_integrity().unwrap();
}

#[test]
fn rekeying_moves_the_store_to_the_new_key() {
    let db = closed_db();
    let new_key = Key::generate();
    db.store.rekey(new_key.clone()).unwrap();
    assert_eq!(
        db.store.people(None).unwrap().len(),
        4,
        "the open store keeps working"
    );
    let (path, old) = (db.path.clone(), db.key.clone());
    drop(db.store);
    assert!(matches!(
        open_err(&path, old),
        Error::Store(StoreError::WrongKey)
    ));
    let store = Store::open(&path, new_key, StoreOptions::default()).unwrap();
    assert_eq!(store.people(None).unwrap().len(), 4);
    store.check_integrity().unwrap();
}

#[test]
fn interrupt_cancels_a_running_query() {
    let db = new_db();
    programme(&db.store);
    let store = std::sync::Arc::new(db.store);
    let s2 = store.clone();
    let stopper = std::thread::spawn(move || {
        for _ in 0..200 {
            std::thread::sleep(std::time::Duration::from_millis(5));
            s2.interrupt();
        }
    });
    // The caseload is quick; a run of reads must see at least one interruption while the
    // other thread fires, and every other read must succeed.
    let mut interrupted = 0;
    for _ in 0..20_000 {
        match store.people(None) {
            Ok(p) => assert_eq!(p.len(), 4),
            Err(Error::Store(StoreError::Interrupted)) => interrupted += 1,
            Err(e) => panic!("{e:?}"),
        }
        if interrupted > 0 && stopper.is_finished() {
            break;
        }
    }
    stopper.join().unwrap();
    assert!(interrupted > 0);
}
