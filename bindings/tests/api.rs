//! The exported API called from Rust, exactly as Kotlin and Swift call it: an encrypted store,
//! a programme scenario from enrolment to the report, messages and change observers, and the
//! typed errors (bad input, wrong key, sync without a server) that must come back as `Err`,
//! never as a panic.

// The helpers below are test code too; a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use passerelle::{ChangeObserver, ObserverError, Passerelle, PasserelleError};
use passerelle_core::{
    CheckInInput, ConcernCategory, ConsentScope, ContactMode, Dimension, FollowUp, JobRole, Key,
    MentorProfile, NewConcern, NewConsent, NewMentorship, NewPerson, Person, ProfessionalProfile,
    Profile, Reached, Role, SurvivorProfile, TimelineEntry, Urgency,
};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn now_ms() -> i64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since_epoch.as_millis()).unwrap()
}

fn random_key() -> Vec<u8> {
    Key::generate().bytes().unwrap().to_vec()
}

fn db_path(dir: &tempfile::TempDir) -> String {
    dir.path()
        .join("passerelle.db")
        .to_str()
        .unwrap()
        .to_owned()
}

/// The people of the scenario.
struct Programme {
    coordinator: Person,
    mentor: Person,
    survivor: Person,
    mentorship_id: String,
}

/// Coordinator signed in; mentor and survivor enrolled with profiles and consent; an active
/// mentorship between them.
fn enrol(api: &Passerelle) -> Programme {
    let coordinator = api
        .create_device_owner(NewPerson {
            role: Role::Professional,
            display_name: "Claire".into(),
        })
        .unwrap();
    api.save_profile(Profile::Professional {
        profile: ProfessionalProfile {
            person_id: coordinator.id.clone(),
            team: "Stroke unit, CHU Nord".into(),
            job_role: JobRole::Coordinator,
        },
    })
    .unwrap();
    let mentor = api
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: "Marc".into(),
        })
        .unwrap();
    let survivor = api
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Sophie".into(),
        })
        .unwrap();
    api.save_profile(Profile::Mentor {
        profile: MentorProfile {
            person_id: mentor.id.clone(),
            languages: vec!["fr".into(), "en".into()],
            capacity: 3,
            availability: Some("weekday mornings".into()),
        },
    })
    .unwrap();
    api.save_profile(Profile::Survivor {
        profile: SurvivorProfile {
            person_id: survivor.id.clone(),
            preferred_languages: vec!["fr".into()],
            communication_needs: vec![],
            home_area: Some("Lille".into()),
            stroke_date: None,
            discharge_date: None,
            goals: vec!["walk to the market".into()],
        },
    })
    .unwrap();
    api.grant_consent(NewConsent {
        survivor_id: survivor.id.clone(),
        scope: ConsentScope::Programme,
        caregiver_id: None,
        granted_at: now_ms() - DAY,
    })
    .unwrap();
    let proposed = api
        .propose_mentorship(NewMentorship {
            survivor_id: survivor.id.clone(),
            mentor_id: mentor.id.clone(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: None,
        })
        .unwrap();
    let active = api.activate_mentorship(proposed.id.clone()).unwrap();
    Programme {
        coordinator,
        mentor,
        survivor,
        mentorship_id: active.id,
    }
}

fn checkin(mentorship_id: &str, at: i64) -> CheckInInput {
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

#[test]
fn a_programme_from_enrolment_to_report() {
    let dir = tempfile::tempdir().unwrap();
    let api = Passerelle::open(db_path(&dir), random_key()).unwrap();
    assert_eq!(api.device_id().len(), 36);
    let p = enrol(&api);
    let now = now_ms();

    api.set_device_owner(p.mentor.id.clone()).unwrap();
    let first = api
        .record_checkin(checkin(&p.mentorship_id, now - 3 * HOUR))
        .unwrap();
    assert!(first.escalation.is_none());
    let amended = api
        .amend_checkin(
            first.checkin.checkin_id.clone(),
            CheckInInput {
                duration_minutes: 45,
                wellbeing: Some(4),
                follow_up: Some(FollowUp {
                    action: "Send the adapted-sport leaflet".into(),
                    due_at: now + 2 * DAY,
                }),
                ..checkin(&p.mentorship_id, now - 3 * HOUR)
            },
            "duration was wrong".into(),
        )
        .unwrap();
    assert_eq!(amended.checkin.version, 2);
    let history = api
        .checkin_history(first.checkin.checkin_id.clone())
        .unwrap();
    assert_eq!(
        history.iter().map(|c| c.version).collect::<Vec<_>>(),
        [1, 2]
    );
    let worried = api
        .record_checkin(CheckInInput {
            wellbeing: Some(2),
            concern: Some(NewConcern {
                category: ConcernCategory::Mood,
                urgency: Urgency::Urgent,
                summary: "Says she no longer sees the point of exercises.".into(),
            }),
            ..checkin(&p.mentorship_id, now - HOUR)
        })
        .unwrap();
    let escalation = worried.escalation.unwrap();
    assert_eq!(escalation.assigned_to, p.coordinator.id);

    let caseload = api.caseload().unwrap();
    assert_eq!(caseload.len(), 1);
    assert_eq!(caseload[0].survivor_name, "Sophie");
    assert_eq!(caseload[0].contacts_done, 2);
    assert_eq!(caseload[0].planned_contacts, 6);
    assert_eq!(caseload[0].open_concerns, 1);
    assert_eq!(caseload[0].most_urgent_concern, Some(Urgency::Urgent));
    assert_eq!(caseload[0].next_follow_up_due, Some(now + 2 * DAY));

    api.set_device_owner(p.coordinator.id.clone()).unwrap();
    let open = api.open_escalations().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].mentor_name, "Marc");
    let acknowledged = api
        .acknowledge_escalation(open[0].escalation.id.clone(), Some("Calling her GP".into()))
        .unwrap();
    assert!(acknowledged.acknowledged_at.is_some());

    let report = api.programme_report(now - 7 * DAY, now + HOUR).unwrap();
    assert_eq!(report.contacts, 2);
    assert_eq!(report.unanswered_attempts, 0);
    assert_eq!(report.contact_minutes, 75);
    assert_eq!(report.mean_wellbeing, Some(3.0));
    assert_eq!(report.escalations_raised, 1);
    assert_eq!(report.escalations_open, 1);
    assert_eq!(report.doses.len(), 1);
    assert_eq!(report.doses[0].delivered_contacts, 2);

    let timeline = api.mentorship_timeline(p.mentorship_id.clone()).unwrap();
    let checkins = timeline
        .iter()
        .filter(|e| matches!(e, TimelineEntry::CheckIn { .. }))
        .count();
    assert_eq!(checkins, 2);
    assert_eq!(p.survivor.role, Role::Survivor);
    api.check_integrity().unwrap();
}

#[test]
fn bad_input_is_a_typed_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = Passerelle::open(db_path(&dir), random_key()).unwrap();
    let p = enrol(&api);
    let before = api.outbox_len().unwrap();
    assert!(before > 0);

    let err = api
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: "   ".into(),
        })
        .unwrap_err();
    assert_eq!(
        err,
        PasserelleError::InvalidInput {
            field: "display_name".into(),
            problem: "must not be empty".into(),
        }
    );

    api.set_device_owner(p.mentor.id.clone()).unwrap();
    let err = api
        .record_checkin(CheckInInput {
            wellbeing: Some(9),
            ..checkin(&p.mentorship_id, now_ms())
        })
        .unwrap_err();
    assert_eq!(
        err,
        PasserelleError::InvalidInput {
            field: "wellbeing".into(),
            problem: "outside 1..=5".into(),
        }
    );
    assert_eq!(err.to_string(), "invalid wellbeing: outside 1..=5");

    // Ids that are not UUIDs, and ids of nothing, are errors too.
    assert!(matches!(
        api.mentorship("not an id".into()),
        Err(PasserelleError::InvalidInput { .. })
    ));
    assert!(matches!(
        api.checkin("0190f0a0-0000-7000-8000-000000000000".into()),
        Err(PasserelleError::NotFound { .. })
    ));
    // A mentor may not propose mentorships.
    assert!(matches!(
        api.propose_mentorship(NewMentorship {
            survivor_id: p.survivor.id.clone(),
            mentor_id: p.mentor.id.clone(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: None,
        }),
        Err(PasserelleError::NotAllowed { .. })
    ));

    assert_eq!(api.outbox_len().unwrap(), before);
}

#[test]
fn keys_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let key = random_key();

    let short = Passerelle::open(path.clone(), vec![1; 16]).unwrap_err();
    assert!(matches!(short, PasserelleError::InvalidInput { ref field, .. } if field == "key"));
    assert!(!Path::new(&path).exists(), "a refused key creates no file");

    let api = Passerelle::open(path.clone(), key.clone()).unwrap();
    let device = api.device_id();
    drop(api);

    let wrong = Passerelle::open(path.clone(), random_key()).unwrap_err();
    assert_eq!(wrong, PasserelleError::WrongKey);
    assert_eq!(wrong.to_string(), "the key does not open this database");

    // Re-keying: the old key stops working, the new one opens the same device's data.
    let api = Passerelle::open(path.clone(), key.clone()).unwrap();
    let new_key = random_key();
    api.rekey(new_key.clone()).unwrap();
    drop(api);
    assert_eq!(
        Passerelle::open(path.clone(), key).unwrap_err(),
        PasserelleError::WrongKey
    );
    let api = Passerelle::open(path, new_key).unwrap();
    assert_eq!(api.device_id(), device);
    api.check_integrity().unwrap();
}

#[test]
fn the_development_store_is_unencrypted_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let api = Passerelle::open_unencrypted_for_development(path.clone()).unwrap();
    assert!(api.device_owner().unwrap().is_none());
    assert!(matches!(
        api.rekey(random_key()),
        Err(PasserelleError::InvalidState { .. })
    ));
    drop(api);
    assert_eq!(
        Passerelle::open(path, random_key()).unwrap_err(),
        PasserelleError::NotEncrypted
    );
}

/// Records what it is told, as a screen would.
#[derive(Default)]
struct Recorder(Mutex<Vec<Vec<String>>>);

impl ChangeObserver for Recorder {
    fn on_change(&self, collections: Vec<String>) -> Result<(), ObserverError> {
        self.0.lock().unwrap().push(collections);
        Ok(())
    }
}

/// An observer whose screen is gone.
struct Failing;

impl ChangeObserver for Failing {
    fn on_change(&self, _collections: Vec<String>) -> Result<(), ObserverError> {
        Err(ObserverError::Failed)
    }
}

#[test]
fn messages_and_change_observers() {
    let dir = tempfile::tempdir().unwrap();
    let api = Passerelle::open(db_path(&dir), random_key()).unwrap();
    let p = enrol(&api);
    let recorder = Arc::new(Recorder::default());
    api.set_change_observer(Some(recorder.clone()));

    api.set_device_owner(p.mentor.id.clone()).unwrap();
    let sent = api
        .send_message(p.mentorship_id.clone(), "See you Thursday?".into())
        .unwrap();
    assert!(sent.mine);
    let told = recorder.0.lock().unwrap().clone();
    assert!(told.iter().flatten().any(|c| c == "message"), "{told:?}");

    api.set_device_owner(p.survivor.id.clone()).unwrap();
    let unread = api.unread_counts().unwrap();
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0].unread, 1);
    let conversation = api.conversation(p.mentorship_id.clone(), 50).unwrap();
    assert_eq!(conversation.messages.len(), 1);
    assert_eq!(conversation.messages[0].body, "See you Thursday?");
    assert_eq!(conversation.unread, 1);
    api.mark_conversation_read(p.mentorship_id.clone()).unwrap();
    assert_eq!(
        api.unread_counts()
            .unwrap()
            .iter()
            .map(|u| u.unread)
            .sum::<u32>(),
        0
    );

    // The coordinator is not a member of the conversation.
    api.set_device_owner(p.coordinator.id.clone()).unwrap();
    assert!(matches!(
        api.send_message(p.mentorship_id.clone(), "Hello".into()),
        Err(PasserelleError::NotAllowed { .. })
    ));

    // An observer that fails must not turn a saved message into an error.
    api.set_device_owner(p.mentor.id.clone()).unwrap();
    api.set_change_observer(Some(Arc::new(Failing)));
    api.send_message(p.mentorship_id.clone(), "Yes, at ten.".into())
        .unwrap();

    api.set_change_observer(Some(recorder.clone()));
    api.set_change_observer(None);
    let before = recorder.0.lock().unwrap().len();
    api.set_device_owner(p.mentor.id.clone()).unwrap();
    api.send_message(p.mentorship_id, "Still there?".into())
        .unwrap();
    assert_eq!(
        recorder.0.lock().unwrap().len(),
        before,
        "a removed observer is not told"
    );
}

#[test]
fn sync_without_a_server_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let api = Passerelle::open(db_path(&dir), random_key()).unwrap();
    assert_eq!(api.sync_server_url().unwrap(), None);
    assert_eq!(api.sync(None).unwrap_err(), PasserelleError::NotEnrolled);
    // Nothing listens on the discard port: the connection is refused at once.
    assert_eq!(
        api.enrol("http://127.0.0.1:9".into(), "ABCD-1234".into())
            .unwrap_err(),
        PasserelleError::Offline
    );
    assert!(api.sync_issues().unwrap().is_empty());
    assert!(matches!(
        api.dismiss_sync_issue(42),
        Err(PasserelleError::NotFound { .. })
    ));
}

#[test]
fn plain_http_goes_only_to_this_device_unless_a_development_build_names_the_host() {
    let dir = tempfile::tempdir().unwrap();
    let api = Passerelle::open(db_path(&dir), random_key()).unwrap();
    // 0.0.0.0 is not loopback, yet connecting to it reaches this machine, where nothing
    // listens on the discard port: an allowed address fails at once as `Offline`.
    let cleartext = PasserelleError::InvalidInput {
        field: "server_url".to_owned(),
        problem: "must use https:// (plain http:// only to this device)".to_owned(),
    };
    for url in [
        "http://0.0.0.0:9",
        "http://10.0.2.2:8080",
        "http://sync.example.org",
    ] {
        let refused = api.enrol(url.into(), "ABCD-1234".into()).unwrap_err();
        assert_eq!(refused, cleartext, "{url}");
        assert!(!refused.to_string().contains("example"), "{refused}");
    }
    assert!(matches!(
        api.enrol("sync.example.org".into(), "ABCD-1234".into()),
        Err(PasserelleError::InvalidInput { field, problem }) if field == "server_url" && problem == "malformed"
    ));
    for url in [
        "https://0.0.0.0:9",
        "http://127.0.0.1:9",
        "http://localhost:9",
        "http://[::1]:9",
    ] {
        assert_eq!(
            api.enrol(url.into(), "ABCD-1234".into()).unwrap_err(),
            PasserelleError::Offline,
            "{url}"
        );
    }
    api.allow_cleartext_http_for_development("0.0.0.0".into());
    assert_eq!(
        api.enrol("http://0.0.0.0:9".into(), "ABCD-1234".into())
            .unwrap_err(),
        PasserelleError::Offline
    );
    assert_eq!(
        api.enrol("http://10.0.2.2:8080".into(), "ABCD-1234".into())
            .unwrap_err(),
        cleartext,
        "only the host named"
    );
}
