//! Planned contacts through the public API: the mentor or coordinator plans, moves and cancels;
//! the survivor or a caregiver they share with answers; everyone in the mentorship sees what is
//! to come; bad input is refused and changes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::{DAY, T0, TestDb, new_db, programme, share_with_caregiver};
use passerelle_core::{
    ConsentScope, ContactDetails, ContactMode, ContactReply, EndingReason, Error, Mentorship,
    NewConsent, NewMentorship, NewPerson, Problem, Role,
};

const HOUR: i64 = 3_600_000;

fn visit(at: i64) -> ContactDetails {
    ContactDetails {
        starts_at: at,
        duration_minutes: 60,
        mode: ContactMode::HomeVisit,
        place: Some("At home".into()),
        note: Some("Bring the housing form".into()),
    }
}

fn names(db: &TestDb, mentorship: Option<&str>) -> Vec<(i64, String, String)> {
    db.store
        .upcoming_contacts(mentorship)
        .unwrap()
        .into_iter()
        .map(|u| (u.contact.starts_at, u.survivor_name, u.mentor_name))
        .collect()
}

/// A new survivor `name`, proposed to `mentor` (not started).
fn propose_to(db: &TestDb, name: &str, mentor: &str) -> Mentorship {
    let survivor = db
        .store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: name.into(),
        })
        .unwrap();
    db.store
        .propose_mentorship(NewMentorship {
            survivor_id: survivor.id,
            mentor_id: mentor.to_owned(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: None,
        })
        .unwrap()
}

#[test]
fn a_survivor_answers_the_contact_their_mentor_planned_and_a_move_asks_again() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let planned = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + 2 * DAY))
        .unwrap();
    assert_eq!(planned.planned_by, p.mentor.id);
    assert_eq!(planned.place.as_deref(), Some("At home"));
    assert_eq!((planned.reply, planned.cancelled_at), (None, None));
    assert_eq!(
        names(&db, None),
        vec![(T0 + 2 * DAY, "Sophie".into(), "Marc".into())]
    );

    db.store.set_device_owner(&p.survivor.id).unwrap();
    assert_eq!(names(&db, Some(&p.mentorship.id)).len(), 1);
    let answered = db
        .store
        .reply_to_planned_contact(&planned.id, ContactReply::Declined)
        .unwrap();
    assert_eq!(answered.reply, Some(ContactReply::Declined));
    // Answering again changes the answer.
    db.clock.advance(1_000);
    let answered = db
        .store
        .reply_to_planned_contact(&planned.id, ContactReply::Accepted)
        .unwrap();
    assert_eq!(
        (
            answered.reply,
            answered.replied_by.as_deref(),
            answered.replied_at
        ),
        (
            Some(ContactReply::Accepted),
            Some(p.survivor.id.as_str()),
            Some(T0 + 1_000)
        )
    );

    // A new place keeps the answer; a new start asks for a new one.
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let mut details = visit(T0 + 2 * DAY);
    details.place = Some("At the day hospital café".into());
    let moved = db
        .store
        .change_planned_contact(&planned.id, details.clone())
        .unwrap();
    assert_eq!(moved.reply, Some(ContactReply::Accepted));
    details.starts_at += HOUR;
    let moved = db
        .store
        .change_planned_contact(&planned.id, details)
        .unwrap();
    assert_eq!(
        (moved.starts_at, moved.reply, moved.replied_by),
        (T0 + 2 * DAY + HOUR, None, None)
    );

    // Cancelled: still listed until its time has passed, and no longer answerable.
    let cancelled = db.store.cancel_planned_contact(&planned.id).unwrap();
    assert_eq!(cancelled.cancelled_at, Some(T0 + 1_000));
    assert_eq!(
        db.store.upcoming_contacts(None).unwrap()[0].contact,
        cancelled
    );
    assert!(matches!(
        db.store.cancel_planned_contact(&planned.id),
        Err(Error::InvalidState("the contact was cancelled"))
    ));
    db.store.set_device_owner(&p.survivor.id).unwrap();
    assert!(matches!(
        db.store
            .reply_to_planned_contact(&planned.id, ContactReply::Accepted),
        Err(Error::InvalidState("the contact was cancelled"))
    ));
    db.clock.advance(3 * DAY);
    assert!(names(&db, None).is_empty());
}

#[test]
fn caregivers_see_and_answer_only_with_the_survivors_consent() {
    let db = new_db();
    let p = programme(&db.store);
    let planned = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + DAY))
        .unwrap();
    assert_eq!(
        planned.planned_by, p.coordinator.id,
        "the coordinator plans too"
    );

    db.store.set_device_owner(&p.caregiver.id).unwrap();
    assert!(names(&db, None).is_empty());
    assert!(matches!(
        db.store
            .reply_to_planned_contact(&planned.id, ContactReply::Accepted),
        Err(Error::NotAllowed(_))
    ));

    db.store.set_device_owner(&p.coordinator.id).unwrap();
    share_with_caregiver(&db.store, &p);
    db.store.set_device_owner(&p.caregiver.id).unwrap();
    assert_eq!(
        names(&db, None),
        vec![(T0 + DAY, "Sophie".into(), "Marc".into())]
    );
    let answered = db
        .store
        .reply_to_planned_contact(&planned.id, ContactReply::Accepted)
        .unwrap();
    assert_eq!(
        answered.replied_by.as_deref(),
        Some(p.caregiver.id.as_str())
    );
}

#[test]
fn upcoming_contacts_are_the_owners_in_mentorships_under_way_soonest_first() {
    let db = new_db();
    let p = programme(&db.store);
    // A second mentee for the same mentor, and a mentorship of someone else's.
    let second = propose_to(&db, "Aline", &p.mentor.id);
    db.store
        .grant_consent(NewConsent {
            survivor_id: second.survivor_id.clone(),
            scope: ConsentScope::Programme,
            caregiver_id: None,
            granted_at: T0,
        })
        .unwrap();
    db.store.activate_mentorship(&second.id).unwrap();
    db.store.set_device_owner(&p.mentor.id).unwrap();
    db.store
        .plan_contact(&p.mentorship.id, visit(T0 + 3 * DAY))
        .unwrap();
    db.store.plan_contact(&second.id, visit(T0 + DAY)).unwrap();
    let soon = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + HOUR))
        .unwrap();
    assert_eq!(
        names(&db, None),
        vec![
            (T0 + HOUR, "Sophie".into(), "Marc".into()),
            (T0 + DAY, "Aline".into(), "Marc".into()),
            (T0 + 3 * DAY, "Sophie".into(), "Marc".into()),
        ]
    );
    assert_eq!(names(&db, Some(&second.id)).len(), 1);
    // Sophie sees hers only.
    db.store.set_device_owner(&p.survivor.id).unwrap();
    assert_eq!(names(&db, None).len(), 2);
    // A contact under way is still to come; once over, it is gone.
    db.clock.set(T0 + HOUR + 30 * 60_000);
    assert_eq!(
        db.store.upcoming_contacts(None).unwrap()[0].contact.id,
        soon.id
    );
    db.clock.set(T0 + 2 * HOUR);
    assert_eq!(
        names(&db, None),
        vec![(T0 + 3 * DAY, "Sophie".into(), "Marc".into())]
    );
    // An ended mentorship's contacts are not to come.
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    db.store
        .end_mentorship(&p.mentorship.id, EndingReason::Completed, None)
        .unwrap();
    db.store.set_device_owner(&p.survivor.id).unwrap();
    assert!(names(&db, None).is_empty());
}

#[test]
fn plans_and_answers_travel_through_the_outbox() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let before = db.store.outbox_len().unwrap();
    let planned = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + DAY))
        .unwrap();
    db.store.set_device_owner(&p.survivor.id).unwrap();
    db.store
        .reply_to_planned_contact(&planned.id, ContactReply::Accepted)
        .unwrap();
    let queued = db.store.outbox_peek(1_000).unwrap();
    let mine: Vec<_> = queued[before as usize..]
        .iter()
        .filter(|e| e.collection == "planned_contact")
        .collect();
    assert_eq!(
        mine.iter().map(|e| e.op.as_str()).collect::<Vec<_>>(),
        vec!["insert", "update"]
    );
    let answer: serde_json::Value = serde_json::from_str(&mine[1].payload).unwrap();
    for field in ["reply", "replied_by", "replied_at", "replied_for"] {
        assert!(
            answer.get(field).is_some(),
            "{field} travels with the answer"
        );
    }
    assert!(
        answer.get("starts_at").is_none(),
        "only the answer's fields"
    );
}

#[test]
fn bad_plans_and_answers_are_refused_and_change_nothing() {
    let db = new_db();
    let p = programme(&db.store);
    let proposed = propose_to(&db, "Lucie", &p.mentor.id);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let planned = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + DAY))
        .unwrap();
    let before = db.digest();

    let invalid = |details: ContactDetails| db.store.plan_contact(&p.mentorship.id, details);
    let with = |f: &dyn Fn(&mut ContactDetails)| {
        let mut d = visit(T0 + DAY);
        f(&mut d);
        d
    };
    let cases: Vec<(Result<_, Error>, &str, Problem)> = vec![
        (invalid(visit(T0 - 60_000)), "starts_at", Problem::Past),
        (
            invalid(visit(T0 + 6 * 366 * DAY)),
            "starts_at",
            Problem::TooLate,
        ),
        (
            invalid(visit(-2_300_000_000_000)),
            "starts_at",
            Problem::TooEarly,
        ),
        (
            invalid(with(&|d| d.duration_minutes = 4)),
            "duration_minutes",
            Problem::OutOfRange { min: 5, max: 600 },
        ),
        (
            invalid(with(&|d| d.duration_minutes = 601)),
            "duration_minutes",
            Problem::OutOfRange { min: 5, max: 600 },
        ),
        (
            invalid(with(&|d| d.place = Some("x".repeat(121)))),
            "place",
            Problem::TooLong { max: 120 },
        ),
        (
            invalid(with(&|d| d.note = Some("x".repeat(1_001)))),
            "note",
            Problem::TooLong { max: 1_000 },
        ),
        (
            db.store.plan_contact("not-an-id", visit(T0 + DAY)),
            "mentorship_id",
            Problem::Malformed,
        ),
        (
            db.store.change_planned_contact(&planned.id, visit(T0 - 1)),
            "starts_at",
            Problem::Past,
        ),
    ];
    for (got, field, problem) in cases {
        match got {
            Err(Error::Invalid {
                field: f,
                problem: pr,
            }) => {
                assert_eq!((f, pr), (field, problem));
            }
            other => panic!("{field}: expected {problem:?}, got {other:?}"),
        }
    }
    assert!(matches!(
        db.store
            .plan_contact("01900000-0000-7000-8000-00000000ffff", visit(T0 + DAY)),
        Err(Error::NotFound("mentorship"))
    ));
    assert!(matches!(
        db.store.plan_contact(&proposed.id, visit(T0 + DAY)),
        Err(Error::InvalidState("the mentorship has not started"))
    ));
    assert!(matches!(
        db.store
            .reply_to_planned_contact(&planned.id, ContactReply::Accepted),
        Err(Error::NotAllowed(_)),
    ));
    db.store.set_device_owner(&p.survivor.id).unwrap();
    assert!(matches!(
        db.store.plan_contact(&p.mentorship.id, visit(T0 + DAY)),
        Err(Error::NotAllowed(_))
    ));
    assert!(matches!(
        db.store.cancel_planned_contact(&planned.id),
        Err(Error::NotAllowed(_))
    ));
    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert_eq!(db.digest(), before, "nothing refused was saved");
}

#[test]
fn a_contact_over_or_a_mentorship_ended_takes_no_more_changes() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let planned = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + DAY))
        .unwrap();

    // Once over, a contact is neither moved, cancelled nor answered, and says so.
    db.clock.advance(DAY + 2 * HOUR);
    db.store.set_device_owner(&p.survivor.id).unwrap();
    let past = db.store.planned_contact(&planned.id).unwrap();
    assert!(!past.can_answer && !past.can_change);
    assert!(matches!(
        db.store
            .reply_to_planned_contact(&planned.id, ContactReply::Accepted),
        Err(Error::InvalidState("the contact is over"))
    ));
    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert!(!db.store.planned_contact(&planned.id).unwrap().can_change);
    assert!(matches!(
        db.store.cancel_planned_contact(&planned.id),
        Err(Error::InvalidState("the contact is over"))
    ));

    // An ended mentorship plans nothing.
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    db.store
        .end_mentorship(&p.mentorship.id, EndingReason::Completed, None)
        .unwrap();
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let now = db.clock.now();
    assert!(matches!(
        db.store.plan_contact(&p.mentorship.id, visit(now + DAY)),
        Err(Error::InvalidState("the mentorship has ended"))
    ));
}

#[test]
fn each_side_is_told_what_it_may_do_and_who_answered() {
    let db = new_db();
    let p = programme(&db.store);
    share_with_caregiver(&db.store, &p);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let planned = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + DAY))
        .unwrap();
    db.store.set_device_owner(&p.caregiver.id).unwrap();
    db.store
        .reply_to_planned_contact(&planned.id, ContactReply::Accepted)
        .unwrap();

    // (planner side, may change, may answer, who answered) for each person.
    let seen = |db: &TestDb, who: &str| {
        db.store.set_device_owner(who).unwrap();
        let one = db.store.planned_contact(&planned.id).unwrap();
        assert_eq!(
            db.store.upcoming_contacts(None).unwrap(),
            std::slice::from_ref(&one)
        );
        (
            one.planner_side,
            one.can_change,
            one.can_answer,
            one.replied_by_name,
        )
    };
    let paul = || Some("Paul".to_owned());
    assert_eq!(seen(&db, &p.survivor.id), (false, false, true, paul()));
    assert_eq!(seen(&db, &p.caregiver.id), (false, false, true, paul()));
    assert_eq!(seen(&db, &p.mentor.id), (true, true, false, paul()));
    assert_eq!(seen(&db, &p.coordinator.id), (true, true, false, paul()));

    // Cancelled: nobody may do anything more; moved, the answer and its name go.
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let mut later = visit(T0 + DAY + HOUR);
    later.place = None;
    db.store.change_planned_contact(&planned.id, later).unwrap();
    assert_eq!(seen(&db, &p.survivor.id), (false, false, true, None));
    db.store.set_device_owner(&p.mentor.id).unwrap();
    db.store.cancel_planned_contact(&planned.id).unwrap();
    assert_eq!(seen(&db, &p.survivor.id), (false, false, false, None));
    assert_eq!(seen(&db, &p.mentor.id), (true, false, false, None));

    // Someone outside the mentorship, and an id that names nothing.
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    let other = db
        .store
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: "Inès".into(),
        })
        .unwrap();
    db.store.set_device_owner(&other.id).unwrap();
    assert!(matches!(
        db.store.planned_contact(&planned.id),
        Err(Error::NotAllowed(_))
    ));
    assert!(db.store.upcoming_contacts(None).unwrap().is_empty());
    assert!(matches!(
        db.store
            .planned_contact("01900000-0000-7000-8000-00000000ffff"),
        Err(Error::NotFound("planned contact"))
    ));
}

#[test]
fn the_caseload_shows_each_mentees_next_contact() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let next = |db: &TestDb| db.store.caseload().unwrap()[0].next_contact_at;
    assert_eq!(next(&db), None);
    let soon = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + HOUR))
        .unwrap();
    db.store
        .plan_contact(&p.mentorship.id, visit(T0 + 3 * DAY))
        .unwrap();
    assert_eq!(next(&db), Some(T0 + HOUR));
    // Under way it is still the next; cancelled or over, the one after is.
    db.clock.set(T0 + HOUR + 30 * 60_000);
    assert_eq!(next(&db), Some(T0 + HOUR));
    db.store.cancel_planned_contact(&soon.id).unwrap();
    assert_eq!(next(&db), Some(T0 + 3 * DAY));
    db.clock.set(T0 + 3 * DAY + 2 * HOUR);
    assert_eq!(next(&db), None);
}
