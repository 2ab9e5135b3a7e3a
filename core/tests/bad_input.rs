//! Bad input, case by case: each gets a typed error naming the rule it broke, and the database
//! is byte-for-byte what it was before (compared as a full dump of every table).
#![allow(clippy::unwrap_used)]
// One table of cases reads better than the same cases split to satisfy a length limit.
#![allow(clippy::too_many_lines)]

mod common;

use common::{DAY, T0, contact, new_db, programme};
use passerelle_core::time::EARLIEST_MS;
use passerelle_core::{
    CheckInInput, ConcernCategory, ContactMode, EndingReason, Error, FollowUp, Key, MentorProfile,
    NewConcern, NewMentorship, NewPerson, Problem, Profile, Role, Store, Urgency,
};

type Run = Box<dyn Fn(&Store, &Ids) -> Result<(), Error>>;
type Case = (&'static str, Run, fn(&Error) -> bool);

struct Ids {
    mentorship: String,
    ended: String,
    others: String,
    mentor: String,
}

fn checkin(f: impl Fn(&mut CheckInInput) + 'static) -> Run {
    Box::new(move |s, ids| {
        let mut c = contact(&ids.mentorship, T0);
        f(&mut c);
        s.record_checkin(c).map(|_| ())
    })
}

fn invalid(field: &'static str, problem: Problem) -> impl Fn(&Error) -> bool {
    move |e| matches!(e, Error::Invalid { field: f, problem: p } if *f == field && *p == problem)
}

macro_rules! is {
    ($p:pat) => {
        |e: &Error| matches!(e, $p)
    };
}

#[test]
fn each_bad_input_gets_a_typed_error_and_changes_nothing() {
    let db = new_db();
    let p = programme(&db.store);
    // A second mentor with their own mentee, and an ended mentorship of ours.
    let other_mentor = db
        .store
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: "Ines".into(),
        })
        .unwrap();
    let s2 = db
        .store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Yann".into(),
        })
        .unwrap();
    let others = db
        .store
        .propose_mentorship(NewMentorship {
            survivor_id: s2.id.clone(),
            mentor_id: other_mentor.id.clone(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: None,
        })
        .unwrap();
    let s3 = db
        .store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Odile".into(),
        })
        .unwrap();
    let ended = db
        .store
        .propose_mentorship(NewMentorship {
            survivor_id: s3.id,
            mentor_id: p.mentor.id.clone(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: None,
        })
        .unwrap();
    db.store
        .end_mentorship(&ended.id, EndingReason::SurvivorRequest, None)
        .unwrap();
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let ids = Ids {
        mentorship: p.mentorship.id.clone(),
        ended: ended.id,
        others: others.id,
        mentor: p.mentor.id.clone(),
    };

    let cases: Vec<Case> = vec![
        (
            "wellbeing above the scale",
            checkin(|c| c.wellbeing = Some(6)),
            |e| invalid("wellbeing", Problem::OutOfRange { min: 1, max: 5 })(e),
        ),
        (
            "wellbeing below the scale",
            checkin(|c| c.wellbeing = Some(0)),
            is!(Error::Invalid {
                field: "wellbeing",
                ..
            }),
        ),
        (
            "duration over ten hours",
            checkin(|c| c.duration_minutes = 601),
            is!(Error::Invalid {
                field: "duration_minutes",
                ..
            }),
        ),
        (
            "notes over 4,000 characters",
            checkin(|c| c.notes = "é".repeat(4_001)),
            |e| invalid("notes", Problem::TooLong { max: 4_000 })(e),
        ),
        (
            "a NUL in the notes",
            checkin(|c| c.notes = "a\0b".into()),
            |e| invalid("notes", Problem::Malformed)(e),
        ),
        (
            "contact before 1900",
            checkin(|c| c.occurred_at = EARLIEST_MS - 1),
            |e| invalid("occurred_at", Problem::TooEarly)(e),
        ),
        (
            "contact two days in the future",
            checkin(|c| c.occurred_at = T0 + 2 * DAY),
            |e| invalid("occurred_at", Problem::TooLate)(e),
        ),
        (
            "follow-up six years ahead",
            checkin(|c| {
                c.follow_up = Some(FollowUp {
                    action: "x".into(),
                    due_at: T0 + 6 * 366 * DAY,
                });
            }),
            |e| invalid("follow_up.due_at", Problem::TooLate)(e),
        ),
        (
            "follow-up due before the contact",
            checkin(|c| {
                c.follow_up = Some(FollowUp {
                    action: "x".into(),
                    due_at: T0 - DAY,
                });
            }),
            |e| invalid("follow_up.due_at", Problem::OutOfOrder)(e),
        ),
        (
            "follow-up without an action",
            checkin(|c| {
                c.follow_up = Some(FollowUp {
                    action: "   ".into(),
                    due_at: T0 + DAY,
                });
            }),
            |e| invalid("follow_up.action", Problem::Empty)(e),
        ),
        (
            "concern without a summary",
            checkin(|c| {
                c.concern = Some(NewConcern {
                    category: ConcernCategory::Mood,
                    urgency: Urgency::Urgent,
                    summary: String::new(),
                });
            }),
            |e| invalid("concern.summary", Problem::Empty)(e),
        ),
        (
            "21 resources",
            checkin(|c| c.resources_shared = (0..21).map(|i| format!("r{i}")).collect()),
            |e| invalid("resources_shared", Problem::TooMany { max: 20 })(e),
        ),
        (
            "a mentorship id that is not an id",
            checkin(|c| c.mentorship_id = "42; DROP TABLE checkin".into()),
            |e| invalid("mentorship_id", Problem::Malformed)(e),
        ),
        (
            "an unknown mentorship",
            checkin(|c| c.mentorship_id = "0190f5c2-0000-7000-8000-000000000000".into()),
            is!(Error::NotFound("mentorship")),
        ),
        (
            "a check-in for an ended mentorship",
            Box::new(|s, ids| s.record_checkin(contact(&ids.ended, T0)).map(|_| ())),
            is!(Error::InvalidState("the mentorship has ended")),
        ),
        (
            "a check-in for another mentor's mentee",
            Box::new(|s, ids| s.record_checkin(contact(&ids.others, T0)).map(|_| ())),
            is!(Error::NotAllowed(_)),
        ),
        (
            "an amendment without a reason",
            Box::new(|s, ids| {
                s.amend_checkin(&ids.mentorship, contact(&ids.mentorship, T0), " ")
                    .map(|_| ())
            }),
            |e| invalid("reason", Problem::Empty)(e),
        ),
        (
            "an empty display name",
            Box::new(|s, ids| s.rename_person(&ids.mentor, "   ").map(|_| ())),
            |e| invalid("display_name", Problem::Empty)(e),
        ),
        (
            "an 81-character display name",
            Box::new(|s, ids| s.rename_person(&ids.mentor, &"a".repeat(81)).map(|_| ())),
            |e| invalid("display_name", Problem::TooLong { max: 80 })(e),
        ),
        (
            "a malformed language tag",
            Box::new(|s, ids| {
                s.save_profile(Profile::Mentor {
                    profile: MentorProfile {
                        person_id: ids.mentor.clone(),
                        languages: vec!["français".into()],
                        capacity: 2,
                        availability: None,
                    },
                })
            }),
            |e| invalid("languages", Problem::Malformed)(e),
        ),
        (
            "a capacity of zero",
            Box::new(|s, ids| {
                s.save_profile(Profile::Mentor {
                    profile: MentorProfile {
                        person_id: ids.mentor.clone(),
                        languages: vec![],
                        capacity: 0,
                        availability: None,
                    },
                })
            }),
            is!(Error::Invalid {
                field: "capacity",
                ..
            }),
        ),
        (
            "a mentor enrolling people",
            Box::new(|s, _| {
                s.create_person(NewPerson {
                    role: Role::Survivor,
                    display_name: "Zoe".into(),
                })
                .map(|_| ())
            }),
            is!(Error::NotAllowed(_)),
        ),
        (
            "a mentor ending a mentorship",
            Box::new(|s, ids| {
                s.end_mentorship(&ids.mentorship, EndingReason::Other, None)
                    .map(|_| ())
            }),
            is!(Error::NotAllowed(_)),
        ),
    ];

    let before = db.digest();
    let mut failures = Vec::new();
    for (name, run, expected) in &cases {
        match run(&db.store, &ids) {
            Ok(()) => failures.push(format!("{name}: accepted")),
            Err(e) if !expected(&e) => failures.push(format!("{name}: wrong error {e:?}")),
            Err(e) => {
                let shown = e.to_string();
                assert!(
                    !shown.contains("DROP") && !shown.contains("ééé"),
                    "{name}: message echoes input: {shown}"
                );
            }
        }
        if db.digest() != before {
            failures.push(format!("{name}: the database changed"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn unknown_codes_are_typed_errors_from_the_api_and_from_the_file() {
    assert!(matches!(
        ContactMode::parse("teleport"),
        Err(Error::UnknownCode {
            kind: "contact mode",
            ..
        })
    ));
    let shown = ContactMode::parse("Sophie has a headache")
        .unwrap_err()
        .to_string();
    assert_eq!(
        shown, "unknown contact mode code (not shown)",
        "free text is never echoed"
    );

    // A newer app wrote a mode this build does not know: reading it is an error, not a panic.
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let c = db
        .store
        .record_checkin(contact(&p.mentorship.id, T0))
        .unwrap()
        .checkin;
    common::raw_connection(&db.path, &db.key)
        .execute(
            "UPDATE checkin SET mode = 'hologram' WHERE id = ?1",
            [&c.id],
        )
        .unwrap();
    let err = db.store.checkin(&c.checkin_id).unwrap_err();
    assert!(
        matches!(&err, Error::UnknownCode { kind: "contact mode", code } if code == "`hologram`"),
        "{err:?}"
    );
}

#[test]
fn a_key_of_the_wrong_length_is_refused() {
    assert!(matches!(
        Key::from_bytes(&[1u8; 31]),
        Err(Error::Invalid { field: "key", .. })
    ));
    assert!(matches!(
        Key::from_bytes(&[1u8; 33]),
        Err(Error::Invalid { field: "key", .. })
    ));
}
