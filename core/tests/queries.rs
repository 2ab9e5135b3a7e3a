//! The screens' queries: a mentor's caseload, overdue follow-ups, a mentorship's timeline, the
//! programme report and the coordinator's open escalations, with concrete expected figures.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use common::{DAY, T0, contact, new_db, programme};
use passerelle_core::{
    CommunicationNeed, ConcernCategory, ConsentScope, ContactMode, Dimension, Error, FollowUp,
    MentorshipStatus, NewConcern, NewConsent, NewMentorship, NewPerson, Reached, Role,
    TimelineEntry, Urgency,
};

#[test]
fn caseload_shows_each_mentee_with_last_contact_follow_up_and_concerns() {
    let db = new_db();
    let p = programme(&db.store);
    // A second mentee, with consent, whose mentorship is only proposed.
    let s2 = db
        .store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Ahmed".into(),
        })
        .unwrap();
    db.store
        .grant_consent(NewConsent {
            survivor_id: s2.id.clone(),
            scope: ConsentScope::Programme,
            caregiver_id: None,
            granted_at: T0,
        })
        .unwrap();
    let m2 = db
        .store
        .propose_mentorship(NewMentorship {
            survivor_id: s2.id.clone(),
            mentor_id: p.mentor.id.clone(),
            planned_contacts: 4,
            planned_weeks: 8,
            matching_notes: None,
        })
        .unwrap();

    db.store.set_device_owner(&p.mentor.id).unwrap();
    db.clock.set(T0 + 10 * DAY);
    db.store
        .record_checkin(contact(&p.mentorship.id, T0 + DAY))
        .unwrap();
    let mut missed = contact(&p.mentorship.id, T0 + 5 * DAY);
    missed.reached = Reached::NoAnswer;
    db.store.record_checkin(missed).unwrap();
    let mut with_follow_up = contact(&p.mentorship.id, T0 + 3 * DAY);
    with_follow_up.follow_up = Some(FollowUp {
        action: "Bring the transport leaflet".into(),
        due_at: T0 + 7 * DAY,
    });
    with_follow_up.concern = Some(NewConcern {
        category: ConcernCategory::CaregiverStrain,
        urgency: Urgency::Soon,
        summary: "Paul is exhausted".into(),
    });
    db.store.record_checkin(with_follow_up).unwrap();

    let caseload = db.store.caseload().unwrap();
    assert_eq!(caseload.len(), 2);
    let first = &caseload[0];
    assert_eq!(
        first.survivor_name, "Sophie",
        "the mentee with an overdue follow-up comes first"
    );
    assert_eq!(
        first.contacts_done, 2,
        "an unanswered attempt is not a contact"
    );
    assert_eq!(first.last_contact_at, Some(T0 + 3 * DAY));
    assert_eq!(first.next_follow_up_due, Some(T0 + 7 * DAY));
    assert_eq!(first.overdue_follow_ups, 1);
    assert_eq!(first.open_concerns, 1);
    assert_eq!(first.most_urgent_concern, Some(Urgency::Soon));
    assert_eq!(first.communication_needs, vec![CommunicationNeed::Aphasia]);
    assert_eq!((first.planned_contacts, first.planned_weeks), (6, 12));
    let second = &caseload[1];
    assert_eq!(
        (second.mentorship_id.as_str(), second.status),
        (m2.id.as_str(), MentorshipStatus::Proposed)
    );
    assert_eq!(
        (
            second.contacts_done,
            second.last_contact_at,
            second.open_concerns
        ),
        (0, None, 0)
    );

    let overdue = db.store.overdue_follow_ups().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].days_overdue, 3);
    assert_eq!(overdue[0].action, "Bring the transport leaflet");

    // Done follow-ups leave both lists.
    db.store.complete_follow_up(&overdue[0].checkin_id).unwrap();
    assert!(db.store.overdue_follow_ups().unwrap().is_empty());
    assert_eq!(db.store.caseload().unwrap()[0].overdue_follow_ups, 0);

    // The coordinator sees the same overdue list for the mentorships they coordinate.
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    assert!(matches!(db.store.caseload(), Err(Error::NotAllowed(_))));
}

#[test]
fn timeline_merges_lifecycle_checkins_and_escalations_newest_first() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    db.clock.set(T0 + 4 * DAY);
    let a = db
        .store
        .record_checkin(contact(&p.mentorship.id, T0 + DAY))
        .unwrap()
        .checkin;
    let mut b = contact(&p.mentorship.id, T0 + 2 * DAY);
    b.concern = Some(NewConcern {
        category: ConcernCategory::PhysicalHealth,
        urgency: Urgency::Routine,
        summary: "Shoulder pain".into(),
    });
    db.store.record_checkin(b).unwrap();
    db.store
        .amend_checkin(&a.checkin_id, a.to_input(), "typo in notes")
        .unwrap();

    let tl = db.store.mentorship_timeline(&p.mentorship.id).unwrap();
    let shape: Vec<String> = tl
        .iter()
        .map(|e| match e {
            TimelineEntry::Lifecycle { event } => event.kind.code().to_owned(),
            TimelineEntry::CheckIn { versions, .. } => format!("checkin v{versions}"),
            TimelineEntry::Escalation { escalation } => {
                format!("escalation {}", escalation.category)
            }
        })
        .collect();
    // The escalation was raised at the device's now (T0+4d), the contacts happened earlier.
    assert_eq!(
        shape,
        vec![
            "escalation physical_health",
            "checkin v1",
            "checkin v2",
            "activated",
            "proposed"
        ]
    );
    assert!(tl.windows(2).all(|w| w[0].at() >= w[1].at()));

    // Someone outside the mentorship cannot read it.
    let other = p.caregiver.id.clone();
    db.store.set_device_owner(&other).unwrap();
    assert!(matches!(
        db.store.mentorship_timeline(&p.mentorship.id),
        Err(Error::NotAllowed(_))
    ));
}

/// Day of the contact, mode, who was reached, dimensions, wellbeing.
type Contact = (i64, ContactMode, Reached, &'static [Dimension], Option<u8>);

#[test]
fn programme_report_counts_dimensions_modes_doses_and_the_escalation_loop() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let plan: [Contact; 5] = [
        (
            1,
            ContactMode::HomeVisit,
            Reached::Both,
            &[Dimension::Emotional, Dimension::CaregiverSupport],
            Some(2),
        ),
        (
            8,
            ContactMode::Phone,
            Reached::Survivor,
            &[Dimension::HealthcarePathway],
            Some(3),
        ),
        (15, ContactMode::Phone, Reached::NoAnswer, &[], None),
        (
            16,
            ContactMode::Video,
            Reached::Caregiver,
            &[Dimension::CaregiverSupport, Dimension::SocialAdministrative],
            None,
        ),
        (
            40,
            ContactMode::Phone,
            Reached::Survivor,
            &[Dimension::Emotional],
            Some(4),
        ), // outside the period
    ];
    for (day, mode, reached, dims, wellbeing) in plan {
        db.clock.set(T0 + day * DAY + 3_600_000); // recorded an hour after the contact
        let mut c = contact(&p.mentorship.id, T0 + day * DAY);
        c.mode = mode;
        c.reached = reached;
        c.dimensions = dims.to_vec();
        c.wellbeing = wellbeing;
        c.duration_minutes = if reached == Reached::NoAnswer { 0 } else { 40 };
        if day == 8 {
            c.concern = Some(NewConcern {
                category: ConcernCategory::Mood,
                urgency: Urgency::Soon,
                summary: "Low".into(),
            });
            c.follow_up = Some(FollowUp {
                action: "Check in after the appointment".into(),
                due_at: T0 + 12 * DAY,
            });
        }
        db.store.record_checkin(c).unwrap();
    }
    db.store.set_device_owner(&p.coordinator.id).unwrap();
    let r = db.store.programme_report(T0, T0 + 28 * DAY).unwrap();
    assert_eq!(
        (r.contacts, r.unanswered_attempts, r.contact_minutes),
        (3, 1, 120)
    );
    let dims: Vec<(Dimension, u32)> = r
        .by_dimension
        .iter()
        .map(|d| (d.dimension, d.contacts))
        .collect();
    assert_eq!(
        dims,
        vec![
            (Dimension::HealthcarePathway, 1),
            (Dimension::SocialAdministrative, 1),
            (Dimension::Emotional, 1),
            (Dimension::Informational, 0),
            (Dimension::CaregiverSupport, 2),
        ]
    );
    let phone = r
        .by_mode
        .iter()
        .find(|m| m.mode == ContactMode::Phone)
        .unwrap();
    assert_eq!(phone.checkins, 2);
    assert_eq!(r.by_mode.len(), ContactMode::ALL.len());
    let both = r
        .by_reached
        .iter()
        .find(|x| x.reached == Reached::Both)
        .unwrap();
    assert_eq!(both.checkins, 1);
    assert_eq!(r.mean_wellbeing, Some(2.5));
    assert_eq!(r.doses.len(), 1);
    let dose = &r.doses[0];
    // 4 weeks of a 12-week plan for 6 contacts: 2 expected, 3 delivered.
    assert_eq!(
        (
            dose.delivered_contacts,
            dose.expected_contacts,
            dose.planned_contacts
        ),
        (3, 2, 6)
    );
    assert_eq!(
        (
            r.escalations_raised,
            r.escalations_resolved,
            r.escalations_open
        ),
        (1, 0, 1)
    );
    assert_eq!(r.overdue_follow_ups, 1);

    assert!(matches!(
        db.store.programme_report(T0, T0),
        Err(Error::Invalid { field: "to", .. })
    ));
    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert!(matches!(
        db.store.programme_report(T0, T0 + DAY),
        Err(Error::NotAllowed(_))
    ));
}
