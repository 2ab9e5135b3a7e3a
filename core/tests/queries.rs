//! The screens' queries: a mentor's caseload, overdue follow-ups, a mentorship's timeline, the
//! programme report, the coordinator's open escalations and mentor matching, with concrete
//! expected figures.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod common;

use common::{DAY, T0, contact, new_db, programme};
use passerelle_core::{
    CommunicationNeed, ConcernCategory, ConsentScope, ContactMode, Dimension, EndingReason, Error,
    FollowUp, MentorProfile, MentorshipStatus, NewConcern, NewConsent, NewMentorship, NewPerson,
    NewSupervision, NewTraining, Profile, Reached, Role, SupervisionFormat, SurvivorProfile,
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

/// A mentor with a profile, for the matching screen.
fn mentor(store: &passerelle_core::Store, name: &str, languages: &[&str], capacity: u32) -> String {
    let m = store
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: name.into(),
        })
        .unwrap();
    store
        .save_profile(Profile::Mentor {
            profile: MentorProfile {
                person_id: m.id.clone(),
                languages: languages.iter().map(|l| (*l).to_owned()).collect(),
                capacity,
                availability: None,
            },
        })
        .unwrap();
    m.id
}

fn training(store: &passerelle_core::Store, mentor_id: &str, valid_until: i64) {
    store
        .record_training(NewTraining {
            mentor_id: mentor_id.to_owned(),
            course: "Peer mentor core training".into(),
            completed_at: T0 - 300 * DAY,
            valid_until: Some(valid_until),
            notes: None,
        })
        .unwrap();
}

#[test]
fn matching_lists_mentors_with_room_and_a_shared_language_first() {
    let db = new_db();
    let s = &db.store;
    let p = programme(s); // Marc: fr, en; 3 places; mentors Sophie
    let ines = mentor(s, "Inès", &["ar", "fr-FR"], 1);
    let yann = mentor(s, "Yann", &["en"], 2);
    let luc = mentor(s, "Luc", &["fr"], 1);
    // Neither shares Ahmed's languages: Béa's current training puts her before Ana's places.
    let bea = mentor(s, "Béa", &["en"], 1);
    mentor(s, "Ana", &["en"], 3);
    // A mentor with no profile yet is not offered: nothing says what they can take on.
    s.create_person(NewPerson {
        role: Role::Mentor,
        display_name: "Zoé".into(),
    })
    .unwrap();
    training(s, &ines, T0 + 60 * DAY);
    training(s, &bea, T0 + 60 * DAY);
    training(s, &yann, T0 - DAY); // lapsed yesterday
    s.record_supervision(NewSupervision {
        mentor_id: ines.clone(),
        held_at: T0 - 3 * DAY,
        format: SupervisionFormat::Individual,
        duration_minutes: 45,
        notes: None,
    })
    .unwrap();
    // Luc's one place is taken, by a mentorship on hold.
    let other = s
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Jeanne".into(),
        })
        .unwrap();
    s.grant_consent(NewConsent {
        survivor_id: other.id.clone(),
        scope: ConsentScope::Programme,
        caregiver_id: None,
        granted_at: T0 - DAY,
    })
    .unwrap();
    let jeanne_luc = propose(s, &other.id, &luc);
    s.activate_mentorship(&jeanne_luc).unwrap();
    s.pause_mentorship(&jeanne_luc, None).unwrap();

    // Ahmed prefers Arabic, then French; he has not consented yet.
    let ahmed = s
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Ahmed".into(),
        })
        .unwrap();
    s.save_profile(Profile::Survivor {
        profile: SurvivorProfile {
            person_id: ahmed.id.clone(),
            preferred_languages: vec!["ar".into(), "fr".into()],
            communication_needs: vec![CommunicationNeed::LowVision],
            home_area: None,
            stroke_date: None,
            discharge_date: None,
            goals: vec![],
        },
    })
    .unwrap();

    let found = s.mentor_matches(&ahmed.id).unwrap();
    assert_eq!(found.survivor_name, "Ahmed");
    assert_eq!(found.preferred_languages, ["ar", "fr"]);
    assert_eq!(found.communication_needs, [CommunicationNeed::LowVision]);
    assert!(!found.consent_to_take_part);
    let names: Vec<&str> = found
        .candidates
        .iter()
        .map(|c| c.display_name.as_str())
        .collect();
    assert_eq!(names, ["Inès", "Marc", "Béa", "Ana", "Yann", "Luc"]);
    let by = |id: &str| {
        found
            .candidates
            .iter()
            .find(|c| c.mentor_id == id)
            .unwrap()
            .clone()
    };
    let fit = by(&ines);
    assert_eq!(fit.shared_languages, ["ar", "fr"]);
    assert!(fit.trained && fit.available);
    assert_eq!(fit.last_supervision_at, Some(T0 - 3 * DAY));
    let m = by(&p.mentor.id);
    assert_eq!(
        (
            m.shared_languages.clone(),
            m.capacity,
            m.mentees,
            m.proposed,
            m.free_places
        ),
        (vec!["fr".to_owned()], 3, 1, 0, 2)
    );
    assert!(!m.trained && !m.already_matched && !m.mentored_before);
    assert!(!by(&yann).trained, "a lapsed course does not count");
    let full = by(&luc);
    assert_eq!((full.mentees, full.free_places), (1, 0));
    assert!(!full.available);

    // Proposed to Marc: it holds a place, and Marc cannot be proposed again.
    propose(s, &ahmed.id, &p.mentor.id);
    let found = s.mentor_matches(&ahmed.id).unwrap();
    let m = found
        .candidates
        .iter()
        .find(|c| c.mentor_id == p.mentor.id)
        .unwrap();
    assert_eq!((m.proposed, m.free_places), (1, 1));
    assert!(m.already_matched && !m.available && !m.mentored_before);
    let names: Vec<&str> = found
        .candidates
        .iter()
        .map(|c| c.display_name.as_str())
        .collect();
    assert_eq!(names, ["Inès", "Béa", "Ana", "Yann", "Marc", "Luc"]);

    // Consent recorded: the screen says so.
    s.grant_consent(NewConsent {
        survivor_id: ahmed.id.clone(),
        scope: ConsentScope::Programme,
        caregiver_id: None,
        granted_at: T0,
    })
    .unwrap();
    assert!(s.mentor_matches(&ahmed.id).unwrap().consent_to_take_part);

    // Sophie's mentorship with Marc ends: he mentored her before, and has a place again.
    s.end_mentorship(&p.mentorship.id, EndingReason::Completed, None)
        .unwrap();
    let found = s.mentor_matches(&p.survivor.id).unwrap();
    let m = found
        .candidates
        .iter()
        .find(|c| c.mentor_id == p.mentor.id)
        .unwrap();
    assert!(m.mentored_before && !m.already_matched);
    assert_eq!((m.mentees, m.proposed), (0, 1));
}

fn propose(store: &passerelle_core::Store, survivor_id: &str, mentor_id: &str) -> String {
    store
        .propose_mentorship(NewMentorship {
            survivor_id: survivor_id.to_owned(),
            mentor_id: mentor_id.to_owned(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: None,
        })
        .unwrap()
        .id
}

#[test]
fn matching_is_for_professionals_and_checks_the_survivor() {
    let db = new_db();
    let p = programme(&db.store);
    // A survivor whose profile this device does not hold: no language to share.
    let unknown = db
        .store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Odile".into(),
        })
        .unwrap();
    let found = db.store.mentor_matches(&unknown.id).unwrap();
    assert!(found.preferred_languages.is_empty());
    assert!(found.candidates[0].shared_languages.is_empty());
    assert_eq!(found.candidates[0].mentor_id, p.mentor.id);

    assert!(matches!(
        db.store.mentor_matches(&p.mentor.id),
        Err(Error::Invalid {
            field: "survivor_id",
            ..
        })
    ));
    assert!(matches!(
        db.store.mentor_matches("not an id"),
        Err(Error::Invalid {
            field: "survivor_id",
            ..
        })
    ));
    assert!(matches!(
        db.store
            .mentor_matches("01890a5d-ac96-774b-bcce-b302099a8057"),
        Err(Error::NotFound(_))
    ));
    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert!(matches!(
        db.store.mentor_matches(&p.survivor.id),
        Err(Error::NotAllowed(_))
    ));
}

/// A survivor with a profile (languages, discharge date), as the coordinator records it.
fn survivor_with_profile(
    store: &passerelle_core::Store,
    name: &str,
    discharge_date: Option<i64>,
) -> String {
    let s = store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: name.into(),
        })
        .unwrap();
    store
        .save_profile(Profile::Survivor {
            profile: SurvivorProfile {
                person_id: s.id.clone(),
                preferred_languages: vec!["fr".into()],
                communication_needs: vec![CommunicationNeed::Fatigue],
                home_area: Some("Villeurbanne".into()),
                stroke_date: None,
                discharge_date,
                goals: vec![],
            },
        })
        .unwrap();
    s.id
}

fn consent(store: &passerelle_core::Store, survivor_id: &str) -> passerelle_core::Consent {
    store
        .grant_consent(NewConsent {
            survivor_id: survivor_id.to_owned(),
            scope: ConsentScope::Programme,
            caregiver_id: None,
            granted_at: T0 - DAY,
        })
        .unwrap()
}

#[test]
fn the_waiting_list_shows_survivors_without_a_mentorship_longest_waiting_first() {
    let db = new_db();
    let s = &db.store;
    let p = programme(s); // Sophie: discharged 20 days ago, mentored by Marc
    let ahmed = survivor_with_profile(s, "Ahmed", Some(T0 - 40 * DAY));
    consent(s, &ahmed);
    let bruno = survivor_with_profile(s, "Bruno", None); // no consent yet
    // Odile's consent is recorded, her profile not yet.
    let odile = s
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "Odile".into(),
        })
        .unwrap()
        .id;
    consent(s, &odile);
    // Neither a profile nor a consent of Zoé's here: someone else is responsible for her.
    s.create_person(NewPerson {
        role: Role::Survivor,
        display_name: "Zoé".into(),
    })
    .unwrap();
    // Léa left the programme.
    let lea = survivor_with_profile(s, "Léa", Some(T0 - 90 * DAY));
    let given = consent(s, &lea);
    s.withdraw_consent(&given.id).unwrap();

    let waiting = s.survivors_awaiting_mentor().unwrap();
    let names: Vec<&str> = waiting.iter().map(|w| w.display_name.as_str()).collect();
    assert_eq!(names, ["Ahmed", "Bruno", "Odile"]);
    let (first, second, third) = (&waiting[0], &waiting[1], &waiting[2]);
    assert_eq!(first.survivor_id, ahmed);
    assert_eq!(
        (first.discharge_date, first.waiting_since),
        (Some(T0 - 40 * DAY), T0 - 40 * DAY)
    );
    assert_eq!(first.preferred_languages, ["fr"]);
    assert_eq!(first.communication_needs, [CommunicationNeed::Fatigue]);
    assert_eq!(first.home_area.as_deref(), Some("Villeurbanne"));
    assert!(first.consent_to_take_part);
    assert_eq!(second.survivor_id, bruno);
    assert!(
        !second.consent_to_take_part,
        "listed, with consent still to record"
    );
    assert_eq!(second.waiting_since, T0, "enrolled now, discharge unknown");
    assert!(third.preferred_languages.is_empty() && third.consent_to_take_part);

    // Sophie's mentorship ends: she waits again, since her discharge; Ahmed's proposal takes
    // him off the list.
    s.end_mentorship(&p.mentorship.id, EndingReason::Completed, None)
        .unwrap();
    propose(s, &ahmed, &p.mentor.id);
    let waiting = s.survivors_awaiting_mentor().unwrap();
    let names: Vec<&str> = waiting.iter().map(|w| w.display_name.as_str()).collect();
    assert_eq!(names, ["Sophie", "Bruno", "Odile"]);
    assert_eq!(waiting[0].past_mentorships, 1);
    assert_eq!(waiting[0].waiting_since, T0 - 20 * DAY);

    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert!(matches!(
        db.store.survivors_awaiting_mentor(),
        Err(Error::NotAllowed(_))
    ));
}

#[test]
fn the_mentor_roster_puts_those_needing_attention_first() {
    let db = new_db();
    let s = &db.store;
    let p = programme(s); // Marc: 3 places, mentors Sophie; never trained nor supervised
    let ines = mentor(s, "Inès", &["fr"], 2);
    training(s, &ines, T0 + 10 * DAY);
    training(s, &ines, T0 + 60 * DAY); // the later end is when she lapses
    let yann = mentor(s, "Yann", &["en"], 2);
    s.record_training(NewTraining {
        mentor_id: yann.clone(),
        course: "Peer mentor core training".into(),
        completed_at: T0 - 30 * DAY,
        valid_until: None,
        notes: None,
    })
    .unwrap();
    let bea = mentor(s, "Béa", &["fr"], 1);
    training(s, &bea, T0 - DAY); // lapsed yesterday
    for (who, days_ago) in [(&ines, 50), (&yann, 3), (&bea, 10)] {
        s.record_supervision(NewSupervision {
            mentor_id: who.clone(),
            held_at: T0 - days_ago * DAY,
            format: SupervisionFormat::Group,
            duration_minutes: 60,
            notes: None,
        })
        .unwrap();
    }
    // Luc has just joined: no profile yet. "—" is what an erased mentor's row keeps: gone.
    let luc = s
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: "Luc".into(),
        })
        .unwrap();
    s.create_person(NewPerson {
        role: Role::Mentor,
        display_name: passerelle_core::rights::ERASED_NAME.into(),
    })
    .unwrap();

    let roster = s.mentor_roster().unwrap();
    let names: Vec<&str> = roster.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["Luc", "Marc", "Béa", "Inès", "Yann"]);
    let by = |id: &str| roster.iter().find(|m| m.mentor_id == id).unwrap();
    let marc = by(&p.mentor.id);
    assert_eq!(
        (marc.capacity, marc.mentees, marc.proposed),
        (Some(3), 1, 0)
    );
    assert!(!marc.trained && marc.last_supervision_at.is_none());
    assert_eq!(by(&luc.id).capacity, None);
    let ines = by(&ines);
    assert!(ines.trained);
    assert_eq!(ines.training_valid_until, Some(T0 + 60 * DAY));
    assert_eq!(ines.last_supervision_at, Some(T0 - 50 * DAY));
    let yann = by(&yann);
    assert!(yann.trained);
    assert_eq!(
        yann.training_valid_until, None,
        "a course that never lapses"
    );
    let bea = by(&bea);
    assert!(!bea.trained);
    assert_eq!(bea.training_valid_until, None, "nothing current");

    db.store.set_device_owner(&p.mentor.id).unwrap();
    assert!(matches!(
        db.store.mentor_roster(),
        Err(Error::NotAllowed(_))
    ));
}
