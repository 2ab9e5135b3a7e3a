//! The community-resource directory hosted by the server: imported once, pulled by every
//! member's device (only what changed), searched offline, shared by a mentor in a conversation,
//! bookmarked by the survivor, and withdrawn from every device when it leaves the source — on
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

use passerelle_core::directory::ReferralVia;
use passerelle_core::directory::sync::COLLECTION as DIRECTORY_COLLECTION;
use passerelle_core::sync::protocol::{MutationStatus, Op, WireRow};
use passerelle_core::{
    CheckInInput, DirectoryQuery, HttpTransport, Key, MessageStatus, Store, StoreOptions,
};
use passerelle_server::Method;
use passerelle_server::demo::SeededPerson;
use passerelle_server::directory::{ImportFileBody, ImportRequest};
use passerelle_tests::api::{ApiClient, uuid_from};
use passerelle_tests::harness::{Device, StoreKind, TestServer, contact, seeded, store_kinds};
use serde_json::json;

fn sample(drop: usize) -> ImportRequest {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/data/directory/lyon-hsds.json"
    );
    let mut services: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    services.truncate(services.len() - drop);
    ImportRequest {
        source: "lyon-demo".into(),
        format: "hsds_json".into(),
        files: vec![ImportFileBody {
            name: "lyon-hsds.json".into(),
            content: serde_json::to_string(&services).unwrap(),
        }],
        skip_invalid: false,
    }
}

fn search(device: &Device, text: &str) -> Vec<(String, String)> {
    let query = DirectoryQuery {
        text: text.into(),
        ..DirectoryQuery::default()
    };
    device
        .store
        .search_directory(query)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| (h.service_id, h.name))
        .collect()
}

#[test]
fn the_directory_reaches_every_member_and_follows_the_source() {
    for kind in store_kinds() {
        scenario(kind);
    }
}

fn scenario(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let first = server.service.import_directory(sample(0));
    assert_eq!((first.rejected, first.entries_removed), (0, 0));
    assert!(first.entries_written >= 19, "{first:?}");

    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    let (survivor, _) = Device::enrol(&server.url, &seeded(&people, "Sophie").enrolment_code);
    let (caregiver, _) = Device::enrol(&server.url, &seeded(&people, "Paul").enrolment_code);
    for d in [&mentor, &survivor, &caregiver] {
        d.sync();
    }
    // Offline search, accent- and case-insensitive, on every member's phone.
    let hits = search(&mentor, "aide a domicile");
    assert!(
        hits.iter()
            .any(|(_, name)| name == "Aide à domicile après un AVC"),
        "{hits:?}"
    );
    assert_eq!(search(&caregiver, "aide a domicile"), hits);
    let (service_id, _) = hits
        .iter()
        .find(|(_, n)| n == "Aide à domicile après un AVC")
        .unwrap()
        .clone();

    // A re-import with nothing new sends nothing new.
    let again = server.service.import_directory(sample(0));
    assert_eq!((again.entries_written, again.entries_removed), (0, 0));
    assert_eq!(mentor.sync().pulled, 0, "nothing changed, nothing pulled");

    // The mentor shares the service; the survivor sees it and bookmarks it.
    let mentorship = survivor.store.my_mentorships().unwrap()[0].id.clone();
    mentor
        .store
        .share_service(
            &mentorship,
            &service_id,
            Some("Ils passent le mardi".into()),
        )
        .unwrap();
    mentor.sync();
    survivor.sync();
    let conversation = survivor.store.conversation(&mentorship, 20).unwrap();
    let shared = conversation
        .messages
        .iter()
        .find(|m| m.shared_service_id.is_some())
        .unwrap();
    assert_eq!(
        (shared.shared_service_id.as_deref(), shared.status),
        (Some(service_id.as_str()), MessageStatus::Unread)
    );
    let seen = survivor.store.shared_services().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].service.id, service_id);
    survivor
        .store
        .bookmark_service(&service_id, Some("appeler lundi".into()))
        .unwrap();
    survivor.sync();
    assert!(survivor.store.shared_services().unwrap()[0].bookmarked);

    referrals_reach_the_whole_mentorship(&server, &people, &[&mentor, &survivor, &caregiver]);

    // The source drops its last two services: every device loses them at its next sync.
    let last_two: Vec<String> = {
        let all = search(&mentor, "");
        let before = all.len();
        let after = server.service.import_directory(sample(2));
        assert_eq!(after.entries_removed, 2);
        mentor.sync();
        let remaining = search(&mentor, "");
        assert_eq!(remaining.len(), before - 2);
        all.into_iter()
            .filter(|h| !remaining.contains(h))
            .map(|(id, _)| id)
            .collect()
    };
    caregiver.sync();
    for id in &last_two {
        assert!(
            caregiver.store.directory_service(id).is_err(),
            "{id} still on the caregiver's phone"
        );
    }

    assert!(mentor.store.sync_issues().unwrap().is_empty());
}

#[test]
fn only_a_professional_curates_the_directory_and_no_device_writes_it() {
    for kind in store_kinds() {
        curation_on(kind);
    }
}

/// The import endpoint refuses everyone but professionals, and a device pushing a directory
/// entry (even a copy of one it holds, changed) is refused and changes nothing.
fn curation_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let enrol = |name: &str, n: u8| {
        ApiClient::enrol(
            server.service.clone(),
            &seeded(&people, name).enrolment_code,
            &uuid_from([n; 16]),
        )
    };
    let (claire, marc, sophie) = (enrol("Claire", 1), enrol("Marc", 2), enrol("Sophie", 3));
    let request = sample(0);
    let body = json!({
        "source": request.source,
        "format": request.format,
        "files": [{"name": request.files[0].name, "content": request.files[0].content}],
        "skip_invalid": false,
    });
    let entries = |c: &ApiClient| -> Vec<(String, WireRow)> {
        c.pull_everything()
            .rows
            .into_iter()
            .filter(|((collection, _), _)| collection == DIRECTORY_COLLECTION)
            .map(|((_, id), row)| (id, row))
            .collect()
    };
    for (who, c) in [("a mentor", &marc), ("a survivor", &sophie)] {
        let answer = c.call(Method::Post, "/v1/directory/import", &body);
        assert_eq!(answer.status, 403, "{who} imported: {}", answer.body);
    }
    assert!(entries(&marc).is_empty(), "nothing was published");
    claire.post_ok("/v1/directory/import", &body);
    let held = entries(&marc);
    assert!(held.len() >= 19, "{}", held.len());

    let (id, mut row) = held[0].clone();
    let before = server.service.stored_row(DIRECTORY_COLLECTION, &id);
    assert!(before.is_some());
    row.insert("hlc".into(), json!(i64::MAX / 2));
    for (n, op) in [Op::Update, Op::Insert].into_iter().enumerate() {
        let result = marc.push_one(900 + n as i64, DIRECTORY_COLLECTION, op, row.clone());
        assert_eq!(
            result.status,
            MutationStatus::Rejected,
            "{op:?}: {result:?}"
        );
        assert_eq!(server.service.stored_row(DIRECTORY_COLLECTION, &id), before);
    }
}

/// Services a mentor shares reach everyone in the mentorship, each device counting them once:
/// the survivor and the consented caregiver see a service shared in a check-in they never
/// hold, the coordinator counts one shared in a conversation they never hold, an amendment
/// that takes a service out takes it out everywhere, and a survivor's own share is a message,
/// not a referral. `mentor` already shared one service in a message.
fn referrals_reach_the_whole_mentorship(
    server: &TestServer,
    people: &[SeededPerson],
    [mentor, survivor, caregiver]: &[&Device; 3],
) {
    let (coordinator, _) = Device::enrol(&server.url, &seeded(people, "Claire").enrolment_code);
    coordinator.sync();
    let mentorship = survivor.store.my_mentorships().unwrap()[0].id.clone();
    let by_message = survivor.store.shared_services().unwrap()[0]
        .service
        .id
        .clone();
    let others: Vec<String> = search(mentor, "")
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| *id != by_message)
        .collect();
    let (by_checkin, by_survivor) = (others[0].clone(), others[1].clone());

    let now = passerelle_core::Clock::system().now();
    let input = CheckInInput {
        resources_shared: vec![by_checkin.to_uppercase(), "the leaflet on fatigue".into()],
        ..contact(
            &mentorship,
            now - 3_600_000,
            "Talked about getting out again",
        )
    };
    let checkin = mentor.store.record_checkin(input.clone()).unwrap().checkin;
    mentor.sync();
    for d in [survivor, caregiver, &&coordinator] {
        d.sync();
    }
    let seen = |d: &Device| -> Vec<(String, ReferralVia)> {
        let mut v: Vec<_> = d
            .store
            .shared_services()
            .unwrap()
            .into_iter()
            .map(|s| (s.service.id, s.referral.via))
            .collect();
        v.sort();
        v
    };
    let mut both = vec![
        (by_checkin.clone(), ReferralVia::CheckIn),
        (by_message.clone(), ReferralVia::Message),
    ];
    both.sort();
    assert_eq!(seen(survivor), both, "the survivor sees both");
    assert_eq!(seen(caregiver), both, "so does the consented caregiver");
    assert_eq!(seen(&coordinator), both, "and the coordinator");
    let report = |d: &Device| {
        d.store
            .programme_report(now - 86_400_000, now + 86_400_000)
            .unwrap()
            .referrals
    };
    assert_eq!(
        report(&coordinator),
        2,
        "the message's referral counts once"
    );
    assert_eq!(
        coordinator.store.mentorship_referrals(&mentorship).unwrap(),
        mentor.store.mentorship_referrals(&mentorship).unwrap(),
        "the coordinator's list, from notices, is the mentor's, from the records"
    );

    // A survivor sharing a service is a message, not a programme referral.
    survivor
        .store
        .share_service(&mentorship, &by_survivor, None)
        .unwrap();
    survivor.sync();
    coordinator.sync();
    mentor.sync();
    assert_eq!(report(&coordinator), 2);
    assert_eq!(seen(survivor), both);

    // The mentor takes the service out of the check-in: it leaves every device.
    let corrected = CheckInInput {
        resources_shared: vec!["the leaflet on fatigue".into()],
        ..input
    };
    mentor
        .store
        .amend_checkin(&checkin.checkin_id, corrected, "wrong service")
        .unwrap();
    mentor.sync();
    for d in [survivor, caregiver, &&coordinator] {
        d.sync();
    }
    let only_message = vec![(by_message.clone(), ReferralVia::Message)];
    assert_eq!(seen(survivor), only_message);
    assert_eq!(seen(caregiver), only_message);
    assert_eq!(report(&coordinator), 1);
    for d in [mentor, survivor, caregiver, &&coordinator] {
        assert!(d.store.sync_issues().unwrap().is_empty());
    }
}

/// A phone whose app was at schema version 2 received referral notices it could not read (a
/// collection it did not know): it skipped them and its cursors moved on. Upgraded, it pulls
/// every scope again and the notices arrive.
#[test]
fn a_device_upgraded_from_version_2_receives_the_notices_it_skipped() {
    let (server, people) = TestServer::with_demo_on(StoreKind::Sqlite);
    server.service.import_directory(sample(0));
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    mentor.sync();
    let sophie = mentor.mentorship_with("Sophie");
    let service = search(&mentor, "aidants")[0].0.clone();
    mentor
        .store
        .record_checkin(CheckInInput {
            resources_shared: vec![service.clone()],
            ..contact(
                &sophie,
                mentor.store.now() - 3_600_000,
                "Told her about the respite service",
            )
        })
        .unwrap();
    mentor.sync();

    // Sophie's phone, unencrypted so the test can turn it back into what version 2 left.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sophie.db");
    let open = || Store::open(&path, Key::Unencrypted, StoreOptions::default()).unwrap();
    let transport = HttpTransport::new(&server.url).unwrap();
    let store = open();
    store
        .enrol(
            &transport,
            &server.url,
            &seeded(&people, "Sophie").enrolment_code,
        )
        .unwrap();
    store.sync(&transport, None).unwrap();
    let shared = |s: &Store| -> Vec<String> {
        s.shared_services()
            .unwrap()
            .into_iter()
            .map(|s| s.service.id)
            .collect()
    };
    assert_eq!(shared(&store), std::slice::from_ref(&service));
    drop(store);
    // What every step after version 2 added is taken out again (a new step adds its undoing
    // here), and the issue version 2 recorded about the skipped notice put in.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "DROP TABLE voice_note;
             DROP TABLE referral;
             DROP TABLE planned_contact;
             DROP INDEX checkin_by_planned_contact;
             ALTER TABLE checkin DROP COLUMN planned_contact_id;
             INSERT INTO sync_issue (kind, collection, row_id, reason, at)
             VALUES ('unreadable', 'referral', 'skipped', 'unknown collection', 0);
             PRAGMA user_version = 2;",
        )
        .unwrap();

    let store = open();
    assert!(shared(&store).is_empty(), "the notice was skipped");
    assert!(
        store.sync_issues().unwrap().is_empty(),
        "the upgrade closed the issue about it"
    );
    store.sync(&transport, None).unwrap();
    assert_eq!(shared(&store), [service]);
}
