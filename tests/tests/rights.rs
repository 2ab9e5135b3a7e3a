//! A person's rights over their data, on both stores: each person takes what their phone holds
//! about them; the coordinator exports everything the server holds about a survivor (and who
//! read or wrote each record), then — once the survivor
//! has withdrawn their consent — erases it. The erased rows leave every phone at its next sync,
//! the survivor's phone is signed out, a mentor's change queued offline is refused and reported
//! rather than bringing anything back, and everyone else's records stay. Each refusal (the wrong
//! person asking, consent still in force, a missing confirmation, another role) changes nothing.
//! A phone passed on is wiped (never while a sync is half done) and enrolled by someone else.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use passerelle_core::sync::transport::Response;
use passerelle_core::{
    Error, HttpTransport, Key, MyData, Store, StoreOptions, SyncError, Transport, TransportError,
};
use passerelle_server::Method;
use passerelle_tests::api::{ApiClient, exported_keys, exported_programme_consent, uuid_from};
use passerelle_tests::harness::{Device, StoreKind, TestServer, contact, seeded, store_kinds};
use serde_json::{Value as Json, json};

fn client(server: &TestServer, code: &str, n: u8) -> ApiClient {
    ApiClient::enrol(server.service.clone(), code, &uuid_from([n; 16]))
}

/// The `(collection, id)` of every record a phone's own export holds.
fn held(data: &MyData) -> BTreeSet<(String, String)> {
    data.records
        .iter()
        .map(|r| (r.collection.clone(), r.id.clone()))
        .collect()
}

/// A fresh one-time enrolment code for `person`, from the coordinator's desk.
fn new_code(desk: &ApiClient, person: &str) -> String {
    desk.post_ok(&format!("/v1/people/{person}/enrolment-code"), &Json::Null)["enrolment_code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn key(collection: &str, id: &str) -> (String, String) {
    (collection.to_owned(), id.to_owned())
}

#[test]
fn a_survivors_records_are_exported_then_erased_everywhere() {
    for kind in store_kinds() {
        export_then_erase_on(kind);
    }
}

#[allow(clippy::too_many_lines)] // one story, told in order
fn export_then_erase_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let id = |name: &str| seeded(&people, name).person_id.clone();
    let (sophie, marc, paul, claire) = (id("Sophie"), id("Marc"), id("Paul"), id("Claire"));
    let desk = client(&server, &seeded(&people, "Claire").enrolment_code, 1);
    let claire_code = new_code(&desk, &claire);

    // The programme at work: a check-in with a concern, messages both ways, everyone synced.
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    let (survivor, _) = Device::enrol(&server.url, &seeded(&people, "Sophie").enrolment_code);
    let (caregiver, _) = Device::enrol(&server.url, &seeded(&people, "Paul").enrolment_code);
    let (coordinator, _) = Device::enrol(&server.url, &claire_code);
    mentor.sync();
    let mentorship = mentor.mentorship_with("Sophie");
    let jeanne_mentorship = mentor.mentorship_with("Jeanne");
    let now = mentor.store.now();
    let mut visit = contact(&mentorship, now - 3_600_000, "Talked about the stairs");
    visit.concern = Some(passerelle_core::NewConcern {
        category: passerelle_core::ConcernCategory::Mood,
        urgency: passerelle_core::Urgency::Soon,
        summary: "Low since the discharge".into(),
    });
    let checkin = mentor.store.record_checkin(visit).unwrap();
    let from_mentor = mentor
        .store
        .send_message(&mentorship, "See you Thursday")
        .unwrap();
    mentor.sync();
    survivor.sync();
    let from_sophie = survivor
        .store
        .send_message(&mentorship, "Thank you")
        .unwrap();
    survivor.sync();
    for phone in [&mentor, &caregiver, &coordinator] {
        phone.sync();
    }
    assert!(coordinator.store.person(&sophie).is_ok());
    assert!(caregiver.store.person(&sophie).is_ok());
    let checkin_id = checkin.checkin.id.clone();

    // On her own phone, Sophie takes what it holds about her; Marc, what his holds about him.
    let mine = survivor.store.export_my_data().unwrap();
    assert_eq!(mine.person_id, sophie);
    let mine = held(&mine);
    for expected in [
        key("person", &sophie),
        key("mentorship", &mentorship),
        key("message", &from_mentor.id),
        key("message", &from_sophie.id),
    ] {
        assert!(
            mine.contains(&expected),
            "{expected:?} is in Sophie's own export"
        );
    }
    assert!(!mine.contains(&key("person", &marc)), "Marc's row is his");
    let his = mentor.store.export_my_data().unwrap();
    let his: BTreeSet<(String, String)> = his
        .records
        .iter()
        .map(|r| (r.collection.clone(), r.id.clone()))
        .collect();
    assert!(
        his.contains(&key("checkin", &checkin.checkin.id)),
        "the check-in he wrote"
    );
    assert!(his.contains(&key("message", &from_mentor.id)));
    assert!(
        !his.contains(&key("message", &from_sophie.id)),
        "Sophie's words are hers"
    );
    assert!(
        !his.contains(&key("survivor_profile", &sophie)),
        "her profile is on his phone, but not his"
    );

    // The export: every record about Sophie, nobody else's person row or profile.
    let mut nadia = desk.post_ok(
        "/v1/people",
        &json!({"role": "professional", "display_name": "Nadia"}),
    );
    let nadia_id = nadia["person_id"].as_str().unwrap().to_owned();
    let nadia = client(&server, nadia["enrolment_code"].take().as_str().unwrap(), 2);
    let marc_api = client(&server, &new_code(&desk, &marc), 3);
    let path = format!("/v1/people/{sophie}/export");
    for (who, c) in [
        ("a mentor", &marc_api),
        ("a professional not responsible", &nadia),
    ] {
        let refused = c.call(Method::Get, &path, &Json::Null);
        assert_eq!(
            refused.status, 403,
            "{who} gets no export: {}",
            refused.body
        );
    }
    assert_eq!(
        server.service.audit_count("rights", &sophie, "denied"),
        2,
        "each refusal is audited"
    );
    let missing = desk.call(
        Method::Get,
        &format!("/v1/people/{}/export", uuid_from([9; 16])),
        &Json::Null,
    );
    assert_eq!(missing.status, 404);

    let reads_before = server.service.audit_count("checkin", &checkin_id, "read");
    let export = desk.call(Method::Get, &path, &Json::Null);
    assert_eq!(export.status, 200, "{}", export.body);
    let export = export.body;
    assert_eq!(export["person_id"], sophie.as_str());
    let records = exported_keys(&export);
    for expected in [
        key("person", &sophie),
        key("survivor_profile", &sophie),
        key("mentorship", &mentorship),
        key("checkin", &checkin_id),
        key("message", &from_mentor.id),
        key("message", &from_sophie.id),
    ] {
        assert!(records.contains(&expected), "{expected:?} is in the export");
    }
    let collections: BTreeSet<&str> = records.iter().map(|(c, _)| c.as_str()).collect();
    for expected in ["consent", "escalation", "mentorship_event"] {
        assert!(
            collections.contains(expected),
            "{expected} rows are in the export"
        );
    }
    for other in [
        key("person", &marc),
        key("person", &paul),
        key("caregiver_profile", &paul),
    ] {
        assert!(!records.contains(&other), "{other:?} is someone else's");
    }
    assert!(
        !records.contains(&key("mentorship", &jeanne_mentorship)),
        "another survivor's mentorship with the same mentor"
    );
    let checkin_row = export["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == checkin_id.as_str())
        .unwrap();
    assert_eq!(checkin_row["data"]["notes"], "Talked about the stairs");
    let access = export["access"].as_array().unwrap();
    assert!(
        access.iter().any(|l| l["row_id"] == checkin_id.as_str()
            && l["action"] == "write"
            && l["person_id"] == marc.as_str()),
        "the export says who wrote the check-in"
    );
    assert!(
        access.iter().any(|l| l["row_id"] == checkin_id.as_str()
            && l["action"] == "read"
            && l["person_id"] == claire.as_str()),
        "and who read it"
    );
    assert_eq!(
        server.service.audit_count("checkin", &checkin_id, "read"),
        reads_before + 1,
        "the export is audited as a read"
    );

    // Erasure: refused while the survivor takes part, without confirmation, or to anyone else.
    let erase = format!("/v1/people/{sophie}/erase");
    let confirm = json!({ "confirm": sophie });
    let answer = desk.call(Method::Post, &erase, &confirm);
    assert_eq!(
        (answer.status, answer.body["error"].as_str()),
        (409, Some("invalid_state")),
        "{}",
        answer.body
    );
    let consent = exported_programme_consent(&export);
    desk.post_ok(&format!("/v1/consents/{consent}/withdraw"), &Json::Null);
    let wrong = desk.call(Method::Post, &erase, &json!({ "confirm": marc }));
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert_eq!(nadia.call(Method::Post, &erase, &confirm).status, 403);
    assert_eq!(marc_api.call(Method::Post, &erase, &confirm).status, 403);
    let not_survivor = desk.call(
        Method::Post,
        &format!("/v1/people/{paul}/erase"),
        &json!({ "confirm": paul }),
    );
    assert_eq!(not_survivor.status, 409, "{}", not_survivor.body);
    assert!(
        server.service.stored_row("checkin", &checkin_id).is_some(),
        "nothing changed yet"
    );
    assert!(server.service.stored_row("person", &paul).is_some());

    // The mentor, offline, writes once more to Sophie before the erasure reaches him.
    mentor
        .store
        .send_message(&mentorship, "Are you there?")
        .unwrap();

    let erased = desk.post_ok(&erase, &confirm);
    assert_eq!(erased["erased"]["checkin"], 1);
    assert_eq!(erased["erased"]["message"], 2);
    assert_eq!(erased["erased"]["person"], 1);
    for (collection, id) in &records {
        assert!(
            server.service.stored_row(collection, id).is_none(),
            "{collection} {id} is gone from the server"
        );
        if collection == "checkin" {
            assert_eq!(server.service.audit_count(collection, id, "erase"), 1);
        }
    }
    assert_eq!(
        erased["erased"]["caregiver_profile"], 1,
        "Paul's profile, the link to Sophie"
    );
    assert!(
        server
            .service
            .stored_row("caregiver_profile", &paul)
            .is_none()
    );
    for (collection, id) in [
        ("person", &marc),
        ("person", &paul),
        ("mentorship", &jeanne_mentorship),
    ] {
        assert!(
            server.service.stored_row(collection, id).is_some(),
            "{collection} {id} is not Sophie's and stays"
        );
    }
    assert_eq!(
        desk.call(Method::Get, &path, &Json::Null).status,
        404,
        "nobody is left to export"
    );

    // Every phone lets go at its next sync; the survivor's is signed out.
    let summary = mentor.sync();
    assert_eq!(mentor.store.outbox_len().unwrap(), 0);
    let issues = mentor.store.sync_issues().unwrap();
    let rejected: Vec<&str> = issues
        .iter()
        .filter(|i| i.kind == "rejected")
        .map(|i| i.collection.as_str())
        .collect();
    assert!(
        rejected.contains(&"message") && rejected.len() == summary.rejected as usize,
        "the queued message is refused and reported, not dropped silently: {issues:?}"
    );
    coordinator.sync();
    caregiver.sync();
    for (who, phone) in [
        ("mentor", &mentor),
        ("coordinator", &coordinator),
        ("caregiver", &caregiver),
    ] {
        assert!(
            phone.store.person(&sophie).is_err(),
            "Sophie is gone from the {who}'s phone"
        );
        assert!(
            phone.store.mentorship(&mentorship).is_err(),
            "and her mentorship"
        );
        assert!(
            phone
                .store
                .checkin_history(&checkin.checkin.checkin_id)
                .map_or(true, |h| h.is_empty())
        );
    }
    assert!(coordinator.store.open_escalations().unwrap().is_empty());
    assert_eq!(
        mentor.store.caseload().unwrap().len(),
        1,
        "Marc keeps Jeanne"
    );
    assert!(coordinator.store.person(&marc).is_ok());
    assert!(
        matches!(
            survivor.try_sync(),
            Err(Error::Sync(SyncError::AccountClosed))
        ),
        "the survivor's phone is told her account is closed"
    );
    assert_eq!(
        server.service.stored_row("message", &from_sophie.id),
        None,
        "and cannot bring anything back"
    );
    // What her phone still held about her goes when she wipes it.
    assert!(!held(&survivor.store.export_my_data().unwrap()).is_empty());
    survivor.wipe(true).unwrap();
    assert!(survivor.store.people(None).unwrap().is_empty());
    assert!(survivor.store.conversation(&mentorship, 20).is_err());

    // Paul, whom Sophie no longer shares with, may go too: his name.
    desk.post_ok(
        &format!("/v1/people/{paul}/erase"),
        &json!({ "confirm": paul }),
    );
    assert_eq!(
        server.service.stored_row("person", &paul).unwrap()["display_name"],
        passerelle_server::rights::ERASED_NAME
    );
    assert!(
        matches!(
            caregiver.try_sync(),
            Err(Error::Sync(SyncError::AccountClosed))
        ),
        "his phone is told his account is closed"
    );

    // And Nadia, a professional with no mentorship, who leaves the programme.
    desk.post_ok(
        &format!("/v1/people/{nadia_id}/erase"),
        &json!({ "confirm": nadia_id }),
    );
    assert_eq!(
        server.service.stored_row("person", &nadia_id).unwrap()["display_name"],
        passerelle_server::rights::ERASED_NAME
    );
    let code = desk.call(
        Method::Post,
        &format!("/v1/people/{nadia_id}/enrolment-code"),
        &Json::Null,
    );
    assert_eq!(code.status, 409, "her account does not come back");
}

#[test]
fn a_phone_passed_on_is_wiped_then_enrolled_by_someone_else() {
    for kind in store_kinds() {
        phone_passed_on(kind);
    }
}

fn phone_passed_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let id = |name: &str| seeded(&people, name).person_id.clone();
    let desk = client(&server, &seeded(&people, "Claire").enrolment_code, 1);
    let (coordinator, _) = Device::enrol(&server.url, &new_code(&desk, &id("Claire")));
    let (phone, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    phone.sync();
    let sophies = phone.mentorship_with("Sophie");
    let now = phone.store.now();
    let marcs = phone
        .store
        .record_checkin(contact(&sophies, now - 3_600_000, "The stairs went better"))
        .unwrap()
        .checkin;

    // Marc's visit has not been sent: wiping is refused, and the phone carries on as it was.
    let refused = phone.wipe(false).unwrap_err();
    assert!(
        matches!(refused, Error::UnsentChanges { count: 1 }),
        "{refused:?}"
    );
    assert_eq!(phone.sync().pushed, 1, "its session is still alive");

    // Inès's code is refused while the phone is Marc's, and is not spent by the refusal.
    let ines_code = new_code(&desk, &id("Inès"));
    let taken = phone.enrol_again(&ines_code).unwrap_err();
    assert!(matches!(taken, Error::InvalidState(_)), "{taken:?}");
    assert_eq!(phone.sync().rejected, 0, "Marc's session carries on");

    // Wiped: the session ends on the server too, so a copy taken before cannot sync.
    let copy = phone.copy();
    let wiped = phone.wipe(false).unwrap();
    assert!(wiped.signed_out);
    assert!(wiped.records_removed > 0);
    assert!(phone.store.people(None).unwrap().is_empty());
    assert!(
        matches!(copy.try_sync(), Err(Error::Sync(SyncError::Unauthorized))),
        "the copy's tokens are dead"
    );

    // Inès takes the phone: she holds her mentorship and nothing of Marc's.
    let ines = phone.enrol_again(&ines_code).unwrap();
    assert_eq!(ines.display_name, "Inès");
    phone.sync();
    let caseload: Vec<String> = phone
        .store
        .caseload()
        .unwrap()
        .into_iter()
        .map(|c| c.survivor_name)
        .collect();
    assert_eq!(caseload, ["Ahmed"]);
    assert!(matches!(
        phone.store.checkin(&marcs.id),
        Err(Error::NotFound(_))
    ));
    assert!(phone.store.person(&id("Sophie")).is_err());

    // What she records reaches the coordinator, beside what Marc recorded on the same phone.
    let ahmeds = phone.mentorship_with("Ahmed");
    let hers = phone
        .store
        .record_checkin(contact(
            &ahmeds,
            now - 60_000,
            "First visit, met his daughter",
        ))
        .unwrap()
        .checkin;
    let summary = phone.sync();
    assert_eq!((summary.pushed, summary.rejected), (1, 0));
    coordinator.sync();
    assert_eq!(
        coordinator.store.checkin(&hers.id).unwrap().notes,
        hers.notes
    );
    assert_eq!(
        coordinator.store.checkin(&marcs.id).unwrap().notes,
        marcs.notes
    );
}

/// The real transport, holding back the first pull's answer for a moment after telling
/// `pulling`: a sync is then half done, its rows received and not yet written.
struct HeldPull {
    inner: HttpTransport,
    pulling: Mutex<Option<mpsc::Sender<()>>>,
}

impl Transport for HeldPull {
    fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<Response, TransportError> {
        let answer = self.inner.post(path, bearer, body);
        if path == "/v1/sync/pull" {
            if let Some(pulling) = self.pulling.lock().unwrap().take() {
                pulling.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(400));
            }
        }
        answer
    }
}

#[test]
fn a_wipe_waits_for_a_sync_under_way_and_nothing_comes_back() {
    let (server, people) = TestServer::with_demo_on(StoreKind::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        dir.path().join("phone.db"),
        Key::generate(),
        StoreOptions::default(),
    )
    .unwrap();
    let (pulling, pull_started) = mpsc::channel();
    let transport = HeldPull {
        inner: HttpTransport::new(&server.url).unwrap(),
        pulling: Mutex::new(Some(pulling)),
    };
    store
        .enrol(
            &transport,
            &server.url,
            &seeded(&people, "Marc").enrolment_code,
        )
        .unwrap();
    let (synced, wiped) = std::thread::scope(|s| {
        let sync = s.spawn(|| store.sync(&transport, None));
        pull_started.recv().unwrap();
        // Marc's mentorships are on their way to the phone as it is wiped.
        let wiped = store.wipe_personal_data(None, false);
        (sync.join().unwrap(), wiped)
    });
    assert!(synced.unwrap().pulled > 0);
    assert!(wiped.unwrap().records_removed > 0);
    assert!(
        store.people(None).unwrap().is_empty(),
        "the sync wrote nothing back"
    );
    assert_eq!(store.sync_server_url().unwrap(), None);
}

#[test]
fn a_mentor_leaving_takes_their_own_rows_and_leaves_survivors_records_whole() {
    for kind in store_kinds() {
        mentor_leaves_on(kind);
    }
}

#[allow(clippy::too_many_lines)] // one story, told in order
fn mentor_leaves_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let id = |name: &str| seeded(&people, name).person_id.clone();
    let (marc, claire) = (id("Marc"), id("Claire"));
    let desk = client(&server, &seeded(&people, "Claire").enrolment_code, 1);
    let claire_code = new_code(&desk, &claire);
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    let (survivor, _) = Device::enrol(&server.url, &seeded(&people, "Sophie").enrolment_code);
    let (coordinator, _) = Device::enrol(&server.url, &claire_code);
    coordinator.sync();
    let now = coordinator.store.now();
    let training = coordinator
        .store
        .record_training(passerelle_core::NewTraining {
            mentor_id: marc.clone(),
            course: "Peer support after stroke, module 1".into(),
            completed_at: now - 86_400_000,
            valid_until: None,
            notes: None,
        })
        .unwrap();
    coordinator.sync();
    mentor.sync();
    let sophies = mentor.mentorship_with("Sophie");
    let jeannes = mentor.mentorship_with("Jeanne");
    let checkin = mentor
        .store
        .record_checkin(contact(&sophies, now - 3_600_000, "Walked to the bakery"))
        .unwrap();
    let said = mentor
        .store
        .send_message(&sophies, "Well done today")
        .unwrap();
    mentor.sync();
    survivor.sync();
    coordinator.sync();
    assert_eq!(survivor.store.person(&marc).unwrap().display_name, "Marc");

    // Not while he mentors anyone, nor by himself.
    let erase = format!("/v1/people/{marc}/erase");
    let confirm = json!({ "confirm": marc });
    let refused = desk.call(Method::Post, &erase, &confirm);
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(server.service.stored_row("mentor_profile", &marc).is_some());
    for m in [&sophies, &jeannes] {
        desk.post_ok(
            &format!("/v1/mentorships/{m}/end"),
            &json!({ "reason": "mentor_unavailable" }),
        );
    }
    let claire_self = desk.call(
        Method::Post,
        &format!("/v1/people/{claire}/erase"),
        &json!({ "confirm": claire }),
    );
    assert_eq!(claire_self.status, 409, "nobody erases themselves");

    let erased = desk.post_ok(&erase, &confirm);
    assert_eq!(erased["erased"]["mentor_profile"], 1);
    assert_eq!(erased["erased"]["training_record"], 1);
    assert!(erased["erased"].get("checkin").is_none(), "{}", erased);
    assert!(
        server
            .service
            .stored_row("training_record", &training.id)
            .is_none()
    );
    assert_eq!(
        server.service.stored_row("person", &marc).unwrap()["display_name"],
        passerelle_server::rights::ERASED_NAME
    );

    // Sophie's records stay whole, his name gone from every phone; his phone is signed out.
    survivor.sync();
    coordinator.sync();
    for (who, phone) in [("survivor", &survivor), ("coordinator", &coordinator)] {
        let shown = phone.store.person(&marc).unwrap();
        assert_eq!(
            shown.display_name,
            passerelle_server::rights::ERASED_NAME,
            "{who}"
        );
        let kept = phone.store.my_mentorships().unwrap();
        assert!(
            kept.iter().any(|m| m.id == sophies),
            "the mentorship stays on the {who}'s phone"
        );
    }
    let conversation = survivor.store.conversation(&sophies, 20).unwrap();
    assert!(
        conversation.messages.iter().any(|m| m.id == said.id),
        "his message stays in Sophie's conversation"
    );
    assert_eq!(
        coordinator
            .store
            .checkin_history(&checkin.checkin.checkin_id)
            .unwrap()
            .len(),
        1,
        "his check-in stays in her case notes"
    );
    assert!(
        coordinator.store.profile(&marc).unwrap().is_none(),
        "his profile is gone"
    );
    assert!(
        coordinator
            .store
            .mentor_development(&marc)
            .unwrap()
            .trainings
            .is_empty(),
        "and his training record"
    );
    assert!(
        matches!(
            mentor.try_sync(),
            Err(Error::Sync(SyncError::AccountClosed))
        ),
        "his phone is told his account is closed"
    );

    // And his account does not come back: no new code, no new mentee, no new training.
    let code = desk.call(
        Method::Post,
        &format!("/v1/people/{marc}/enrolment-code"),
        &Json::Null,
    );
    assert_eq!(code.status, 409, "{}", code.body);
    let proposal = json!({"survivor_id": id("Ahmed"), "mentor_id": marc,
                          "planned_contacts": 6, "planned_weeks": 12});
    assert_eq!(
        desk.call(Method::Post, "/v1/mentorships", &proposal).status,
        403
    );
    let mut with_ines = proposal.clone();
    with_ines["mentor_id"] = json!(id("Inès"));
    desk.post_ok("/v1/mentorships", &with_ines);
    let retrain = coordinator
        .store
        .record_training(passerelle_core::NewTraining {
            mentor_id: marc.clone(),
            course: "Refresher".into(),
            completed_at: now,
            valid_until: None,
            notes: None,
        });
    if retrain.is_ok() {
        let summary = coordinator.sync();
        assert_eq!(summary.rejected, 1, "the server refuses it");
    }

    // Nor his name or his profile: a professional's phone that names him again, or writes him
    // a profile, is refused and told so; the server and every phone keep the erased name.
    coordinator.store.rename_person(&marc, "Marc D.").unwrap();
    coordinator
        .store
        .save_profile(passerelle_core::Profile::Mentor {
            profile: passerelle_core::MentorProfile {
                person_id: marc.clone(),
                languages: vec!["fr".into()],
                capacity: 2,
                availability: Some("Saturdays".into()),
            },
        })
        .unwrap();
    let summary = coordinator.sync();
    assert_eq!(summary.rejected, 2, "{summary:?}");
    assert_eq!(
        server.service.stored_row("person", &marc).unwrap()["display_name"],
        passerelle_server::rights::ERASED_NAME
    );
    assert!(server.service.stored_row("mentor_profile", &marc).is_none());
    // The phone that tried shows what stands, not what was refused: the server sent the
    // person row back with the refusal (nothing else would: it did not change), and the
    // refused new profile went with the sweep.
    assert_eq!(
        coordinator.store.person(&marc).unwrap().display_name,
        passerelle_server::rights::ERASED_NAME
    );
    assert!(coordinator.store.profile(&marc).unwrap().is_none());
    survivor.sync();
    assert_eq!(
        survivor.store.person(&marc).unwrap().display_name,
        passerelle_server::rights::ERASED_NAME
    );
    let issues = coordinator.store.sync_issues().unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i.collection == "person" && i.row_id == marc && i.reason == "not_allowed"),
        "{issues:?}"
    );
}

/// On PostgreSQL a change authorized against a mentorship just before its survivor's erasure
/// committed can be written just after it. The race is staged here by writing such a row
/// straight into the store; the next garbage collection erases it, and only it.
#[test]
fn a_change_landing_in_an_erased_mentorship_is_swept_away() {
    use passerelle_server::store::{RowStamp, ServerStore, StoreFailure};
    use passerelle_server::{Config, Service, SqliteStore};

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("server.db")).unwrap();
    let service = std::sync::Arc::new(Service::new(
        store,
        Config::default(),
        passerelle_core::Clock::system(),
    ));
    let people = passerelle_server::demo::seed(&service).unwrap();
    let server = TestServer::from_service(service.clone());
    let desk = client(&server, &seeded(&people, "Claire").enrolment_code, 1);
    let jeanne = seeded(&people, "Jeanne").person_id.clone();
    let export = desk.call(
        Method::Get,
        &format!("/v1/people/{jeanne}/export"),
        &Json::Null,
    );
    let records = export.body["records"].as_array().unwrap().clone();
    let of = |collection: &str| {
        records
            .iter()
            .find(|r| r["collection"] == collection)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (mentorship, consent) = (of("mentorship"), of("consent"));
    desk.post_ok(&format!("/v1/consents/{consent}/withdraw"), &Json::Null);
    desk.post_ok(
        &format!("/v1/people/{jeanne}/erase"),
        &json!({ "confirm": jeanne }),
    );

    let late = uuid_from([7; 16]);
    let row = json!({ "id": late, "mentorship_id": mentorship, "notes": "late" }).to_string();
    service
        .store()
        .transaction(|tx| {
            tx.put_record("checkin", &late, &row, 0)?;
            tx.stamp_rows(
                &[RowStamp {
                    collection: "checkin".into(),
                    id: late.clone(),
                    scopes: vec![(format!("casenotes:{mentorship}"), false)],
                }],
                passerelle_core::Clock::system().now(),
            )?;
            Ok::<_, StoreFailure>(())
        })
        .unwrap();
    let ahmed = seeded(&people, "Ahmed").person_id.clone();
    assert!(server.service.stored_row("checkin", &late).is_some());

    server.service.collect_garbage();
    assert!(
        server.service.stored_row("checkin", &late).is_none(),
        "swept"
    );
    assert_eq!(server.service.audit_count("checkin", &late, "erase"), 1);
    assert!(
        server.service.stored_row("person", &ahmed).is_some(),
        "nobody else's rows"
    );
    server.service.collect_garbage();
    assert_eq!(
        server.service.audit_count("checkin", &late, "erase"),
        1,
        "once"
    );
}
