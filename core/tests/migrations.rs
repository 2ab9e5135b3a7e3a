//! Migrations from every released schema version to the newest: a database at each version,
//! holding that version's fixture data, is upgraded and compared — schema and data — with a
//! fresh database of the newest version into which the same data was loaded.
//!
//! Fixtures name their columns, so a version's data loads into any later schema whose steps
//! only add tables and columns. A step that transforms data adds
//! `fixtures/schema_v{N}_expected.sql`: the older data as it must look after the upgrade.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;

use std::path::Path;

use common::{dump, raw_connection};
use passerelle_core::store::{SCHEMA_VERSION, create_at_version, schema_version};
use passerelle_core::{ContactReply, Key, MessageStatus, Store, StoreOptions, VoiceMediaType};

fn fixture(version: i64) -> String {
    let path = format!(
        "{}/tests/fixtures/schema_v{version}.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("every released version needs a fixture: {path}"))
}

/// The data a database of `version` must hold after upgrading to the newest schema.
fn expected(version: i64) -> String {
    let path = format!(
        "{}/tests/fixtures/schema_v{version}_expected.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap_or_else(|_| fixture(version))
}

/// Tables, columns (type, not-null, default, key), foreign keys and indexes, independent of how
/// the SQL that made them was written.
fn schema(c: &rusqlite::Connection) -> String {
    let mut out = String::new();
    let objects: Vec<(String, String)> = c
        .prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (kind, name) in objects {
        let _ = writeln!(out, "{kind} {name}");
        let pragmas: &[&str] = match kind.as_str() {
            "table" => &["table_xinfo", "foreign_key_list"],
            "index" => &["index_xinfo"],
            _ => &[],
        };
        for pragma in pragmas {
            let mut stmt = c
                .prepare(&format!("SELECT * FROM pragma_{pragma}(?1)"))
                .unwrap();
            let n = stmt.column_count();
            let mut rows = stmt.query([&name]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                let _ = writeln!(out, "  {pragma}: {}", cells.join("|"));
            }
        }
    }
    // CHECK constraints and STRICT live only in the table's SQL; compare them whitespace-free.
    let sqls: Vec<String> = c
        .prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for sql in sqls {
        out.push_str(&sql.split_whitespace().collect::<String>());
        out.push('\n');
    }
    out
}

fn build(path: &Path, key: &Key, version: i64) {
    create_at_version(path, key, version).unwrap();
    let c = raw_connection(path, key);
    c.execute_batch(&fixture(version)).unwrap();
}

/// The fixture of `version`, opened (so upgraded) by a store whose clock stands at `now`.
fn upgraded(version: i64, now: i64) -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    let path = dir.path().join(format!("v{version}.db"));
    build(&path, &key, version);
    let options = StoreOptions {
        clock: passerelle_core::Clock::fixed(now),
        ..StoreOptions::default()
    };
    (Store::open(&path, key, options).unwrap(), dir)
}

#[test]
fn every_version_upgrades_to_the_same_schema_and_data_as_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    for version in 1..=SCHEMA_VERSION {
        let fresh = dir.path().join(format!("fresh-for-v{version}.db"));
        create_at_version(&fresh, &key, SCHEMA_VERSION).unwrap();
        raw_connection(&fresh, &key)
            .execute_batch(&expected(version))
            .unwrap();
        drop(Store::open(&fresh, key.clone(), StoreOptions::default()).unwrap());
        let want = raw_connection(&fresh, &key);

        let path = dir.path().join(format!("v{version}.db"));
        build(&path, &key, version);
        assert_eq!(
            schema_version(&raw_connection(&path, &key)).unwrap(),
            version
        );
        let store = Store::open(&path, key.clone(), StoreOptions::default()).unwrap();
        store.check_integrity().unwrap();
        drop(store);
        let got = raw_connection(&path, &key);
        assert_eq!(schema_version(&got).unwrap(), SCHEMA_VERSION);
        assert_eq!(
            schema(&got),
            schema(&want),
            "schema after upgrading from v{version}"
        );
        assert_eq!(
            dump(&got),
            dump(&want),
            "data after upgrading from v{version}"
        );
    }
}

#[test]
fn the_fixture_data_reads_back_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::generate();
    let path = dir.path().join("v1.db");
    build(&path, &key, 1);
    let store = Store::open(&path, key, StoreOptions::default()).unwrap();
    let caseload = store.caseload().unwrap();
    assert_eq!(caseload.len(), 1);
    assert_eq!(
        (
            caseload[0].survivor_name.as_str(),
            caseload[0].contacts_done,
            caseload[0].open_concerns
        ),
        ("Sophie", 1, 1)
    );
    let history = store
        .checkin_history("01900000-0000-7000-8000-0000000000b1")
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|c| c.duration_minutes)
            .collect::<Vec<_>>(),
        vec![30, 45]
    );
}

#[test]
fn planned_contacts_of_the_version_4_fixture_read_back_with_only_current_answers() {
    let (store, _dir) = upgraded(4, 1_772_442_000_000);
    let upcoming = store.upcoming_contacts(None).unwrap();
    let seen: Vec<_> = upcoming
        .iter()
        .map(|u| {
            (
                u.contact.id.as_str(),
                u.contact.reply,
                u.contact.cancelled_at.is_some(),
                u.mentor_name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "01900000-0000-7000-8000-0000000000e1",
                Some(ContactReply::Accepted),
                false,
                "Marc"
            ),
            // Answered for a start since moved: no answer.
            ("01900000-0000-7000-8000-0000000000e2", None, false, "Marc"),
            ("01900000-0000-7000-8000-0000000000e3", None, true, "Marc"),
        ]
    );
}

#[test]
fn the_version_5_fixture_tells_the_recorded_contact_from_the_one_waiting() {
    // A week after the first planned contact: both are over.
    let (store, _dir) = upgraded(5, 1_773_219_600_000);
    let waiting = store.contacts_to_record(None).unwrap();
    assert_eq!(
        waiting
            .iter()
            .map(|u| u.contact.id.as_str())
            .collect::<Vec<_>>(),
        ["01900000-0000-7000-8000-0000000000e2"]
    );
    let recorded = store
        .planned_contact("01900000-0000-7000-8000-0000000000e1")
        .unwrap();
    assert_eq!(
        recorded.checkin_id.as_deref(),
        Some("01900000-0000-7000-8000-0000000000c1")
    );
    assert_eq!(
        store
            .checkin("01900000-0000-7000-8000-0000000000c1")
            .unwrap()
            .planned_contact_id
            .as_deref(),
        Some("01900000-0000-7000-8000-0000000000e1")
    );
    assert_eq!(store.caseload().unwrap()[0].contacts_to_record, 1);
}

#[test]
fn the_version_6_fixture_plays_its_voice_note_and_keeps_it_to_send() {
    let (store, _dir) = upgraded(6, 1_772_622_000_000);
    let id = "01900000-0000-7000-8000-0000000000f1";
    let conversation = store
        .conversation("01900000-0000-7000-8000-0000000000a1", 10)
        .unwrap();
    let message = &conversation.messages[0];
    assert_eq!(
        (message.id.as_str(), message.body.as_str()),
        (id, "Jeudi ?")
    );
    assert_eq!(message.status, MessageStatus::Pending);
    assert_eq!(
        message.voice.as_ref().and_then(|v| v.duration_ms),
        Some(4_200)
    );
    let audio = store.voice_note_audio(id).unwrap();
    assert_eq!(audio.media_type, VoiceMediaType::Mp4);
    assert_eq!(&audio.audio[4..8], b"ftyp");
}
