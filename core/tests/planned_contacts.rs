//! Planned contacts through the public API: the mentor or coordinator plans, moves and cancels;
//! the survivor or a caregiver they share with answers; everyone in the mentorship sees what is
//! to come; once over, a contact waits for the mentor's check-in naming it (or is cancelled as
//! not having taken place); bad input is refused and changes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::{DAY, Programme, T0, TestDb, contact, new_db, programme, share_with_caregiver};
use passerelle_core::{
    CheckInInput, ConsentScope, ContactDetails, ContactMode, ContactReply, EndingReason, Error,
    Mentorship, NewConsent, NewMentorship, NewPerson, PlannedContact, Problem, Role,
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

/// A check-in of `mentorship_id` at `at` recording planned contact `planned`.
fn recording(mentorship_id: &str, at: i64, planned: &str) -> CheckInInput {
    CheckInInput {
        planned_contact_id: Some(planned.to_owned()),
        ..contact(mentorship_id, at)
    }
}

/// Recording `planned` (again) and cancelling it are both refused for `reason`, and change
/// nothing.
fn neither_recorded_nor_cancelled(
    db: &TestDb,
    p: &Programme,
    planned: &PlannedContact,
    reason: &str,
) {
    let before = db.digest();
    let recorded = db
        .store
        .record_checkin(recording(&p.mentorship.id, T0 + DAY, &planned.id));
    assert!(
        matches!(recorded, Err(Error::InvalidState(r)) if r == reason),
        "{recorded:?}"
    );
    let cancelled = db.store.cancel_planned_contact(&planned.id);
    assert!(
        matches!(cancelled, Err(Error::InvalidState(r)) if r == reason),
        "{cancelled:?}"
    );
    assert_eq!(db.digest(), before, "nothing refused was saved");
}

/// The starts of the contacts waiting to be recorded, and the caseload's count of them.
fn to_record(db: &TestDb) -> (Vec<i64>, u32) {
    let list = db.store.contacts_to_record(None).unwrap();
    let count = db.store.caseload().unwrap()[0].contacts_to_record;
    (list.iter().map(|u| u.contact.starts_at).collect(), count)
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

/// A programme whose mentor, signed in, planned a visit at `at`.
fn planned_by_mentor(at: i64) -> (TestDb, Programme, PlannedContact) {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let planned = db.store.plan_contact(&p.mentorship.id, visit(at)).unwrap();
    (db, p, planned)
}

/// A new survivor `name`, consenting, in an active mentorship with `mentor`.
fn mentee_of(db: &TestDb, name: &str, mentor: &str) -> Mentorship {
    let m = propose_to(db, name, mentor);
    db.store
        .grant_consent(NewConsent {
            survivor_id: m.survivor_id.clone(),
            scope: ConsentScope::Programme,
            caregiver_id: None,
            granted_at: T0,
        })
        .unwrap();
    db.store.activate_mentorship(&m.id).unwrap()
}

#[test]
fn a_survivor_answers_the_contact_their_mentor_planned_and_a_move_asks_again() {
    let (db, p, planned) = planned_by_mentor(T0 + 2 * DAY);
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
    let second = mentee_of(&db, "Aline", &p.mentor.id);
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
    let (db, p, planned) = planned_by_mentor(T0 + DAY);

    // Once over, a contact is neither moved nor answered, and says so.
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
        db.store
            .change_planned_contact(&planned.id, visit(T0 + 3 * DAY)),
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

#[test]
fn a_contact_over_waits_for_its_check_in_until_one_records_it() {
    let (db, p, planned) = planned_by_mentor(T0 + DAY);
    db.store
        .plan_contact(&p.mentorship.id, visit(T0 + 5 * DAY))
        .unwrap();
    assert_eq!(to_record(&db), (vec![], 0));
    assert!(!db.store.planned_contact(&planned.id).unwrap().can_record);
    assert!(matches!(
        db.store
            .record_checkin(recording(&p.mentorship.id, T0, &planned.id)),
        Err(Error::InvalidState("the contact has not started"))
    ));

    // Under way it may be recorded; over, it waits to be.
    db.clock.set(T0 + DAY + 10 * 60_000);
    let under_way = db.store.planned_contact(&planned.id).unwrap();
    assert!(under_way.can_record && !under_way.over);
    assert_eq!(to_record(&db), (vec![], 0));
    db.clock.set(T0 + 2 * DAY);
    assert_eq!(to_record(&db), (vec![T0 + DAY], 1));
    let waiting = db.store.contacts_to_record(Some(&p.mentorship.id)).unwrap();
    assert!(waiting[0].over && waiting[0].can_record && waiting[0].can_cancel);
    assert!(!waiting[0].can_change);
    assert_eq!(waiting[0].checkin_id, None);
    // The survivor sees no reminder: recording is the mentor's. The coordinator sees what
    // their mentors left unrecorded, to cancel if it did not take place, not to record.
    db.store.set_device_owner(&p.survivor.id).unwrap();
    assert!(db.store.contacts_to_record(None).unwrap().is_empty());
    assert!(!db.store.planned_contact(&planned.id).unwrap().can_record);
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    let theirs = db.store.contacts_to_record(None).unwrap();
    assert_eq!(
        theirs
            .iter()
            .map(|u| (u.contact.starts_at, u.can_record, u.can_cancel))
            .collect::<Vec<_>>(),
        [(T0 + DAY, false, true)]
    );

    db.store.set_device_owner(&p.mentor.id).unwrap();
    let recorded = db
        .store
        .record_checkin(recording(&p.mentorship.id, T0 + DAY, &planned.id))
        .unwrap()
        .checkin;
    assert_eq!(
        recorded.planned_contact_id.as_deref(),
        Some(planned.id.as_str())
    );
    assert_eq!(to_record(&db), (vec![], 0));
    let seen = db.store.planned_contact(&planned.id).unwrap();
    assert_eq!(
        seen.checkin_id.as_deref(),
        Some(recorded.checkin_id.as_str())
    );
    assert!(!seen.can_record && !seen.can_cancel);
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    assert_eq!(
        db.store.planned_contact(&planned.id).unwrap().checkin_id,
        Some(recorded.checkin_id.clone())
    );
    // The case notes are not the survivor's, even on a store that holds them.
    db.store.set_device_owner(&p.survivor.id).unwrap();
    assert_eq!(
        db.store.planned_contact(&planned.id).unwrap().checkin_id,
        None
    );

    // One check-in per contact: a second is refused and changes nothing.
    db.store.set_device_owner(&p.mentor.id).unwrap();
    neither_recorded_nor_cancelled(&db, &p, &planned, "the contact is already recorded");

    // An amendment keeps the link it is given: dropping it puts the contact back on the list,
    // naming it again takes it off.
    let mut corrected = recorded.to_input();
    corrected.notes = "Talked about going back to the choir.".into();
    db.store
        .amend_checkin(&recorded.checkin_id, corrected.clone(), "more detail")
        .unwrap();
    assert_eq!(to_record(&db), (vec![], 0));
    corrected.planned_contact_id = None;
    db.store
        .amend_checkin(&recorded.checkin_id, corrected.clone(), "not that visit")
        .unwrap();
    assert_eq!(to_record(&db), (vec![T0 + DAY], 1));
    corrected.planned_contact_id = Some(planned.id.clone());
    db.store
        .amend_checkin(&recorded.checkin_id, corrected, "that visit after all")
        .unwrap();
    assert_eq!(to_record(&db), (vec![], 0));
}

#[test]
fn a_contact_that_did_not_take_place_is_cancelled_after_the_fact() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    let planned = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + DAY))
        .unwrap();
    db.clock.set(T0 + 2 * DAY);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert_eq!(to_record(&db), (vec![T0 + DAY], 1));
    let cancelled = db.store.cancel_planned_contact(&planned.id).unwrap();
    assert_eq!(cancelled.cancelled_at, Some(T0 + 2 * DAY));
    assert_eq!(to_record(&db), (vec![], 0));
    let seen = db.store.planned_contact(&planned.id).unwrap();
    assert!(!seen.can_record && !seen.can_cancel);

    neither_recorded_nor_cancelled(&db, &p, &planned, "the contact was cancelled");
}

#[test]
fn a_check_in_records_only_a_planned_contact_of_its_own_mentorship() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    let other = mentee_of(&db, "Inès", &p.mentor.id);
    let elsewhere = db.store.plan_contact(&other.id, visit(T0 + HOUR)).unwrap();
    db.clock.set(T0 + DAY);
    db.store.set_device_owner(&p.mentor.id).unwrap();

    let before = db.digest();
    assert!(matches!(
        db.store
            .record_checkin(recording(&p.mentorship.id, T0 + HOUR, &elsewhere.id)),
        Err(Error::NotAllowed(_))
    ));
    assert!(matches!(
        db.store.record_checkin(recording(
            &p.mentorship.id,
            T0 + HOUR,
            "01900000-0000-7000-8000-00000000ffff"
        )),
        Err(Error::NotFound("planned contact"))
    ));
    assert!(matches!(
        db.store
            .record_checkin(recording(&p.mentorship.id, T0 + HOUR, "visit-1")),
        Err(Error::Invalid {
            field: "planned_contact_id",
            problem: Problem::Malformed
        })
    ));
    assert_eq!(db.digest(), before, "nothing refused was saved");
}

#[test]
fn the_link_travels_with_the_check_in_only_when_set() {
    let (db, p, planned) = planned_by_mentor(T0 + HOUR);
    db.clock.set(T0 + DAY);
    let before = db.store.outbox_len().unwrap() as usize;
    db.store
        .record_checkin(contact(&p.mentorship.id, T0 + 2 * HOUR))
        .unwrap();
    db.store
        .record_checkin(recording(&p.mentorship.id, T0 + HOUR, &planned.id))
        .unwrap();
    let sent: Vec<serde_json::Value> = db.store.outbox_peek(1_000).unwrap()[before..]
        .iter()
        .filter(|e| e.collection == "checkin")
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect();
    assert_eq!(sent.len(), 2);
    // A phone of the version before refuses a row with a field it does not know: an
    // unplanned check-in leaves it out.
    assert!(sent[0].get("planned_contact_id").is_none());
    assert_eq!(sent[1]["planned_contact_id"], planned.id.as_str());
}

#[test]
fn a_contact_recorded_while_under_way_took_place_and_is_neither_moved_nor_cancelled() {
    let (db, p, planned) = planned_by_mentor(T0 + HOUR);
    db.clock.set(T0 + HOUR + 20 * 60_000);
    db.store
        .record_checkin(recording(&p.mentorship.id, T0 + HOUR, &planned.id))
        .unwrap();
    let seen = db.store.planned_contact(&planned.id).unwrap();
    assert!(!seen.can_cancel && !seen.can_record && !seen.can_change);
    let before = db.digest();
    assert!(matches!(
        db.store.cancel_planned_contact(&planned.id),
        Err(Error::InvalidState("the contact is already recorded"))
    ));
    assert!(matches!(
        db.store
            .change_planned_contact(&planned.id, visit(T0 + 2 * HOUR)),
        Err(Error::InvalidState("the contact is already recorded"))
    ));
    assert_eq!(db.digest(), before);
}

#[test]
fn the_programme_report_says_what_came_of_the_contacts_planned() {
    let (db, p, held) = planned_by_mentor(T0 + DAY);
    let plan = |at: i64| db.store.plan_contact(&p.mentorship.id, visit(at)).unwrap();
    let not_held = plan(T0 + 2 * DAY);
    let called_off = plan(T0 + 3 * DAY);
    plan(T0 + 4 * DAY); // over, nothing recorded
    plan(T0 + 20 * DAY); // still to come
    plan(T0 + 40 * DAY); // after the period
    db.store.cancel_planned_contact(&called_off.id).unwrap();
    db.clock.set(T0 + 10 * DAY);
    db.store
        .record_checkin(recording(&p.mentorship.id, T0 + DAY, &held.id))
        .unwrap();
    db.store.cancel_planned_contact(&not_held.id).unwrap();

    db.store.set_device_owner(&p.coordinator.id).unwrap();
    let r = db.store.programme_report(T0, T0 + 28 * DAY).unwrap();
    let o = r.planned_contacts;
    assert_eq!(
        (
            o.planned,
            o.held,
            o.did_not_take_place,
            o.cancelled_ahead,
            o.waiting_to_be_recorded,
            o.to_come
        ),
        (5, 1, 1, 1, 1, 1)
    );
    // Another professional coordinates none of them.
    let other = db
        .store
        .create_person(NewPerson {
            role: Role::Professional,
            display_name: "Nadia".into(),
        })
        .unwrap();
    db.store.set_device_owner(&other.id).unwrap();
    let theirs = db.store.programme_report(T0, T0 + 28 * DAY).unwrap();
    assert_eq!(theirs.planned_contacts.planned, 0);
}

#[test]
fn a_mentee_with_a_contact_to_record_comes_first_on_the_caseload() {
    let db = new_db();
    let p = programme(&db.store);
    // Aline comes before Sophie by name; Sophie's visit over and unrecorded puts her first.
    mentee_of(&db, "Aline", &p.mentor.id);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let names = |db: &TestDb| {
        db.store
            .caseload()
            .unwrap()
            .into_iter()
            .map(|e| e.survivor_name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&db), ["Aline", "Sophie"]);
    let visit_over = db
        .store
        .plan_contact(&p.mentorship.id, visit(T0 + HOUR))
        .unwrap();
    db.clock.set(T0 + DAY);
    assert_eq!(names(&db), ["Sophie", "Aline"]);
    db.store
        .record_checkin(recording(&p.mentorship.id, T0 + HOUR, &visit_over.id))
        .unwrap();
    assert_eq!(names(&db), ["Aline", "Sophie"]);
}
