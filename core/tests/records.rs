//! The peer-support records through the public API: profiles, the mentorship lifecycle,
//! append-only check-ins, the escalation loop, training, consent, and the outbox that every
//! change feeds.
#![allow(clippy::unwrap_used)]

mod common;

use common::{DAY, T0, contact, new_db, programme};
use passerelle_core::{
    ConcernCategory, ConsentScope, EndingReason, Error, EscalationStatus, FollowUp,
    MentorshipStatus, NewConcern, NewConsent, NewPerson, NewSupervision, NewTraining, Profile,
    Role, SupervisionFormat, Urgency,
};

#[test]
fn profiles_round_trip_and_are_checked_against_the_role() {
    let db = new_db();
    let p = programme(&db.store);
    let Some(Profile::Survivor { profile }) = db.store.profile(&p.survivor.id).unwrap() else {
        panic!("survivor profile expected")
    };
    assert_eq!(profile.preferred_languages, vec!["fr"]);
    assert_eq!(profile.goals, vec!["walk to the market"]);

    // A mentor profile for a survivor is refused.
    let wrong = Profile::Mentor {
        profile: passerelle_core::MentorProfile {
            person_id: p.survivor.id.clone(),
            languages: vec![],
            capacity: 2,
            availability: None,
        },
    };
    assert!(matches!(
        db.store.save_profile(wrong),
        Err(Error::Invalid {
            field: "profile",
            ..
        })
    ));

    // Saving the same profile again writes nothing; changing one field queues only that field.
    let before = db.store.outbox_len().unwrap();
    db.store
        .save_profile(Profile::Survivor {
            profile: profile.clone(),
        })
        .unwrap();
    assert_eq!(db.store.outbox_len().unwrap(), before);
    let mut changed = profile;
    changed.home_area = Some("Villeurbanne".into());
    db.store
        .save_profile(Profile::Survivor { profile: changed })
        .unwrap();
    let entries = db.store.outbox_peek(1000).unwrap();
    let last = entries.last().unwrap();
    assert_eq!(
        (last.collection.as_str(), last.op.as_str()),
        ("survivor_profile", "update")
    );
    let payload: serde_json::Value = serde_json::from_str(&last.payload).unwrap();
    assert_eq!(payload["home_area"], "Villeurbanne");
    assert!(
        payload.get("goals").is_none(),
        "unchanged fields are not sent"
    );
}

#[test]
fn mentorship_lifecycle_is_enforced_and_kept_as_events() {
    let db = new_db();
    let p = programme(&db.store);
    let m = &p.mentorship;
    assert_eq!(m.status, MentorshipStatus::Active);
    assert_eq!(m.started_at, Some(T0));
    assert!(matches!(
        db.store.activate_mentorship(&m.id),
        Err(Error::InvalidState(_))
    ));

    db.clock.advance(DAY);
    let paused = db
        .store
        .pause_mentorship(&m.id, Some("holiday".into()))
        .unwrap();
    assert_eq!(paused.status, MentorshipStatus::Paused);
    let resumed = db.store.activate_mentorship(&m.id).unwrap();
    assert_eq!(resumed.status, MentorshipStatus::Active);
    assert_eq!(
        resumed.started_at,
        Some(T0),
        "resuming keeps the start date"
    );

    db.clock.advance(DAY);
    let ended = db
        .store
        .end_mentorship(&m.id, EndingReason::Completed, None)
        .unwrap();
    assert_eq!(ended.status, MentorshipStatus::Ended);
    assert_eq!(ended.ending_reason, Some(EndingReason::Completed));
    let before = db.digest();
    assert!(matches!(
        db.store.end_mentorship(&m.id, EndingReason::Other, None),
        Err(Error::InvalidState("the mentorship has already ended"))
    ));
    assert_eq!(db.digest(), before, "ending twice changed nothing");

    let kinds: Vec<_> = db
        .store
        .mentorship_timeline(&m.id)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            passerelle_core::TimelineEntry::Lifecycle { event } => Some(event.kind.code()),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        vec!["ended", "resumed", "paused", "activated", "proposed"]
    );
}

#[test]
fn activation_needs_consent_and_mentor_capacity() {
    let db = new_db();
    let p = programme(&db.store);
    let s2 = db
        .store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Nadia".into(),
        })
        .unwrap();
    let m2 = db
        .store
        .propose_mentorship(passerelle_core::NewMentorship {
            survivor_id: s2.id.clone(),
            mentor_id: p.mentor.id.clone(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: None,
        })
        .unwrap();
    assert!(matches!(
        db.store.activate_mentorship(&m2.id),
        Err(Error::InvalidState(
            "the survivor has not consented to take part"
        ))
    ));
    let consent = db
        .store
        .grant_consent(NewConsent {
            survivor_id: s2.id,
            scope: ConsentScope::Programme,
            caregiver_id: None,
            granted_at: T0,
        })
        .unwrap();
    db.store.activate_mentorship(&m2.id).unwrap();

    // Withdrawal is recorded once; a second withdrawal is refused.
    let w = db.store.withdraw_consent(&consent.id).unwrap();
    assert_eq!(w.withdrawn_at, Some(T0));
    assert!(matches!(
        db.store.withdraw_consent(&consent.id),
        Err(Error::InvalidState(_))
    ));
}

#[test]
fn checkins_are_append_only_and_amendments_keep_history() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    db.clock.advance(2 * DAY);
    let mut input = contact(&p.mentorship.id, T0 + DAY);
    input.follow_up = Some(FollowUp {
        action: "Call about the disability file".into(),
        due_at: T0 + 8 * DAY,
    });
    let saved = db.store.record_checkin(input.clone()).unwrap();
    let c = saved.checkin;
    assert_eq!((c.version, c.id.as_str()), (1, c.checkin_id.as_str()));
    assert!(saved.escalation.is_none());

    let mut corrected = c.to_input();
    corrected.duration_minutes = 45;
    corrected.dimensions = vec![
        passerelle_core::Dimension::SocialAdministrative,
        passerelle_core::Dimension::Emotional,
    ];
    let amended = db
        .store
        .amend_checkin(&c.checkin_id, corrected, "duration was wrong")
        .unwrap()
        .checkin;
    assert_eq!(amended.version, 2);
    assert_eq!(amended.checkin_id, c.checkin_id);
    assert_eq!(amended.duration_minutes, 45);
    assert_eq!(
        amended.amendment_reason.as_deref(),
        Some("duration was wrong")
    );

    let done = db.store.complete_follow_up(&c.checkin_id).unwrap();
    assert_eq!(done.version, 3);
    assert_eq!(done.follow_up_done_at, Some(T0 + 2 * DAY));
    assert_eq!(
        done.duration_minutes, 45,
        "completing keeps the amended content"
    );
    assert!(matches!(
        db.store.complete_follow_up(&c.checkin_id),
        Err(Error::InvalidState(_))
    ));

    let history = db.store.checkin_history(&c.checkin_id).unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(
        history[0].duration_minutes, 30,
        "the original stays readable"
    );
    assert_eq!(db.store.checkin(&c.checkin_id).unwrap(), done);
}

#[test]
fn a_concern_opens_an_escalation_that_the_coordinator_acknowledges_and_resolves() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let mut input = contact(&p.mentorship.id, T0);
    input.concern = Some(NewConcern {
        category: ConcernCategory::Mood,
        urgency: Urgency::Urgent,
        summary: "Says she sees no point in the exercises".into(),
    });
    let saved = db.store.record_checkin(input).unwrap();
    let e = saved.escalation.unwrap();
    assert_eq!(
        (e.status, e.assigned_to.as_str(), e.raised_by.as_str()),
        (
            EscalationStatus::Open,
            p.coordinator.id.as_str(),
            p.mentor.id.as_str()
        )
    );
    assert_eq!(e.checkin_id, saved.checkin.checkin_id);

    // The mentor cannot acknowledge their own escalation.
    assert!(matches!(
        db.store.acknowledge_escalation(&e.id, None),
        Err(Error::NotAllowed(_))
    ));

    db.store.set_device_owner(&p.coordinator.id).unwrap();
    let open = db.store.open_escalations().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].survivor_name.as_str(), open[0].mentor_name.as_str()),
        ("Sophie", "Marc")
    );

    db.clock.advance(3_600_000);
    let ack = db
        .store
        .acknowledge_escalation(&e.id, Some("Calling her GP today".into()))
        .unwrap();
    assert_eq!(ack.status, EscalationStatus::Acknowledged);
    assert_eq!(ack.acknowledged_at, Some(T0 + 3_600_000));
    assert_eq!(
        ack.acknowledged_by.as_deref(),
        Some(p.coordinator.id.as_str())
    );
    assert!(matches!(
        db.store.acknowledge_escalation(&e.id, None),
        Err(Error::InvalidState(_))
    ));

    db.clock.advance(DAY);
    let res = db
        .store
        .resolve_escalation(&e.id, "GP visit booked, mood follow-up planned")
        .unwrap();
    assert_eq!(res.status, EscalationStatus::Resolved);
    assert!(db.store.open_escalations().unwrap().is_empty());
    assert!(matches!(
        db.store.resolve_escalation(&e.id, "again"),
        Err(Error::InvalidState(_))
    ));

    // The mentor sees the loop closed.
    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert_eq!(
        db.store.escalation(&e.id).unwrap().status,
        EscalationStatus::Resolved
    );
}

#[test]
fn training_and_supervision_are_recorded_by_professionals() {
    let db = new_db();
    let p = programme(&db.store);
    db.store
        .record_training(NewTraining {
            mentor_id: p.mentor.id.clone(),
            course: "Peer mentor core training".into(),
            completed_at: T0 - 30 * DAY,
            valid_until: Some(T0 + 335 * DAY),
            notes: None,
        })
        .unwrap();
    db.store
        .record_supervision(NewSupervision {
            mentor_id: p.mentor.id.clone(),
            held_at: T0 - 2 * DAY,
            format: SupervisionFormat::Group,
            duration_minutes: 90,
            notes: Some("Boundaries and self-care".into()),
        })
        .unwrap();
    let dev = db.store.mentor_development(&p.mentor.id).unwrap();
    assert!(dev.trained);
    assert_eq!(dev.last_supervision_at, Some(T0 - 2 * DAY));
    assert_eq!((dev.trainings.len(), dev.supervisions.len()), (1, 1));

    // After the training expires the mentor is no longer counted as trained.
    db.clock.set(T0 + 400 * DAY);
    assert!(!db.store.mentor_development(&p.mentor.id).unwrap().trained);

    db.store.set_device_owner(&p.mentor.id).unwrap();
    let before = db.digest();
    let refused = db.store.record_training(NewTraining {
        mentor_id: p.mentor.id.clone(),
        course: "Self-certified".into(),
        completed_at: T0,
        valid_until: None,
        notes: None,
    });
    assert!(matches!(refused, Err(Error::NotAllowed(_))));
    assert_eq!(db.digest(), before);
}

#[test]
fn every_change_is_queued_with_its_row_and_survives_reopening() {
    let db = new_db();
    let p = programme(&db.store);
    let queued = db.store.outbox_peek(1000).unwrap();
    // 4 people, 3 profiles, 1 consent, the mentorship with its `proposed` event, and its
    // activation (an update and an `activated` event).
    assert_eq!(queued.len(), 12);
    assert!(
        queued
            .windows(2)
            .all(|w| w[0].mutation_id < w[1].mutation_id),
        "ordered by stamp"
    );
    let m = queued
        .iter()
        .find(|e| e.collection == "mentorship" && e.op == "insert")
        .unwrap();
    let row: serde_json::Value = serde_json::from_str(&m.payload).unwrap();
    assert_eq!(row["id"], p.mentorship.id.as_str());
    assert_eq!(row["origin"], db.store.device_id());
    assert_eq!(row["planned_contacts"], 6);

    let device = db.store.device_id();
    let last_hlc = queued.last().unwrap().mutation_id;
    let db = db.reopen();
    assert_eq!(db.store.device_id(), device, "the device keeps its id");
    db.store.set_device_owner(&p.mentor.id).unwrap();
    db.clock.set(T0 - DAY); // the phone's clock jumped back
    let _ = db.store.record_checkin(contact(&p.mentorship.id, T0 - DAY));
    let newest = db
        .store
        .outbox_peek(1000)
        .unwrap()
        .last()
        .unwrap()
        .mutation_id;
    assert!(
        newest > last_hlc,
        "stamps keep increasing across restarts and clock jumps"
    );
}
