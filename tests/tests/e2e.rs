//! End to end against a real server over loopback HTTP: a mentor's offline check-ins reach the
//! coordinator; a survivor's offline message reaches the mentor and comes back "read"; a
//! concern raised offline reaches the coordinator, whose acknowledgement reaches the mentor; a
//! coordinator matches a survivor with a mentor offline from what the sync brought; a visit the
//! mentor plans offline reaches the survivor, her caregiver and the coordinator, and her answer
//! comes back (an answer to a time since moved counts for nothing); once over, it waits on the
//! mentor's phone to be recorded, and the check-in recording it reaches the coordinator.
#![allow(clippy::unwrap_used)]

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use passerelle_core::{
    CheckInInput, Clock, ConcernCategory, ContactDetails, ContactMode, ContactReply, EndingReason,
    EscalationStatus, HttpTransport, MessageStatus, NewConcern, SyncProgress, SyncStage,
    TimelineEntry, Urgency,
};
use passerelle_server::Config;
use passerelle_tests::api::{ApiClient, uuid_from};
use passerelle_tests::harness::{Device, StoreKind, TestServer, contact, seeded, store_kinds};
use serde_json::{Value as Json, json};

#[test]
fn offline_checkins_reach_the_coordinator() {
    for kind in store_kinds() {
        offline_checkins_reach_the_coordinator_on(kind);
    }
}

fn offline_checkins_reach_the_coordinator_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let (mentor, marc) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    let (coordinator, _) = Device::enrol(&server.url, &seeded(&people, "Claire").enrolment_code);
    mentor.sync();
    coordinator.sync();
    assert_eq!(mentor.store.device_owner().unwrap().unwrap().id, marc.id);
    let caseload = mentor.store.caseload().unwrap();
    assert_eq!(caseload.len(), 2, "Sophie (active) and Jeanne (proposed)");
    let sophie = caseload
        .iter()
        .find(|c| c.survivor_name == "Sophie")
        .unwrap();

    // In a flat with no signal: two check-ins and an amendment, all queued.
    let now = mentor.store.now();
    let first = mentor
        .store
        .record_checkin(contact(
            &sophie.mentorship_id,
            now - 3_600_000,
            "First visit",
        ))
        .unwrap();
    mentor
        .store
        .record_checkin(contact(
            &sophie.mentorship_id,
            now - 1_800_000,
            "Second visit",
        ))
        .unwrap();
    let mut fix = first.checkin.to_input();
    fix.duration_minutes = 60;
    mentor
        .store
        .amend_checkin(&first.checkin.checkin_id, fix, "it was an hour")
        .unwrap();
    assert_eq!(mentor.store.outbox_len().unwrap(), 3);

    let pushed = mentor.sync();
    assert_eq!((pushed.pushed, pushed.rejected), (3, 0));
    assert_eq!(mentor.store.outbox_len().unwrap(), 0, "the outbox drains");

    coordinator.sync();
    let timeline = coordinator
        .store
        .mentorship_timeline(&sophie.mentorship_id)
        .unwrap();
    let checkins: Vec<_> = timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEntry::CheckIn { checkin, versions } => {
                Some((checkin.notes.clone(), checkin.duration_minutes, *versions))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        checkins,
        vec![
            ("Second visit".to_owned(), 45, 1),
            ("First visit".to_owned(), 60, 2)
        ]
    );
    let history = coordinator
        .store
        .checkin_history(&first.checkin.checkin_id)
        .unwrap();
    assert_eq!(
        history.len(),
        2,
        "the coordinator sees the amendment history too"
    );

    // Nothing else travelled: Inès's mentee is not on Marc's phone.
    let ahmed = seeded(&people, "Ahmed");
    assert!(mentor.store.person(&ahmed.person_id).is_err());
}

#[test]
fn a_message_written_offline_is_delivered_and_read() {
    for kind in store_kinds() {
        a_message_written_offline_is_delivered_and_read_on(kind);
    }
}

fn a_message_written_offline_is_delivered_and_read_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let (survivor, _) = Device::enrol(&server.url, &seeded(&people, "Sophie").enrolment_code);
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    survivor.sync();
    mentor.sync();
    let mentorship = survivor.store.my_mentorships().unwrap()[0].id.clone();

    // On the bus, offline.
    let sent = survivor
        .store
        .send_message(&mentorship, "Bonjour Marc, à jeudi ?")
        .unwrap();
    assert_eq!(sent.status, MessageStatus::Pending);
    survivor.sync();
    assert_eq!(
        survivor
            .store
            .conversation(&mentorship, 50)
            .unwrap()
            .messages[0]
            .status,
        MessageStatus::Sent
    );

    mentor.sync();
    let conv = mentor.store.conversation(&mentorship, 50).unwrap();
    assert_eq!(conv.unread, 1);
    assert_eq!(conv.messages[0].body, "Bonjour Marc, à jeudi ?");
    assert_eq!(conv.messages[0].status, MessageStatus::Unread);
    assert_eq!(mentor.store.unread_counts().unwrap()[0].unread, 1);

    survivor.sync();
    assert_eq!(
        survivor
            .store
            .conversation(&mentorship, 50)
            .unwrap()
            .messages[0]
            .status,
        MessageStatus::Delivered
    );

    mentor.store.mark_conversation_read(&mentorship).unwrap();
    mentor
        .store
        .send_message(&mentorship, "Oui, jeudi 14 h.")
        .unwrap();
    mentor.sync();
    survivor.sync();
    let conv = survivor.store.conversation(&mentorship, 50).unwrap();
    let shape: Vec<(&str, MessageStatus)> = conv
        .messages
        .iter()
        .map(|m| (m.body.as_str(), m.status))
        .collect();
    assert_eq!(
        shape,
        vec![
            ("Bonjour Marc, à jeudi ?", MessageStatus::Read),
            ("Oui, jeudi 14 h.", MessageStatus::Unread)
        ]
    );

    // Same order on both devices.
    let ids = |d: &Device| {
        d.store
            .conversation(&mentorship, 50)
            .unwrap()
            .messages
            .iter()
            .map(|m| m.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&survivor), ids(&mentor));
}

#[test]
fn a_concern_raised_offline_reaches_the_coordinator_and_the_acknowledgement_comes_back() {
    for kind in store_kinds() {
        a_concern_raised_offline_reaches_the_coordinator_and_the_acknowledgement_comes_back_on(
            kind,
        );
    }
}

fn a_concern_raised_offline_reaches_the_coordinator_and_the_acknowledgement_comes_back_on(
    kind: StoreKind,
) {
    let (server, people) = TestServer::with_demo_on(kind);
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    let (coordinator, _) = Device::enrol(&server.url, &seeded(&people, "Claire").enrolment_code);
    mentor.sync();
    coordinator.sync();
    let sophie = mentor.mentorship_with("Sophie");
    let mut visit = contact(&sophie, mentor.store.now() - 600_000, "Worried");
    visit.concern = Some(NewConcern {
        category: ConcernCategory::Mood,
        urgency: Urgency::Urgent,
        summary: "Very low, stopped eating".into(),
    });
    let raised = mentor
        .store
        .record_checkin(visit)
        .unwrap()
        .escalation
        .unwrap();
    mentor.sync();

    coordinator.sync();
    let open = coordinator.store.open_escalations().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].escalation.id, raised.id);
    assert_eq!(open[0].survivor_name, "Sophie");
    coordinator
        .store
        .acknowledge_escalation(&raised.id, Some("Calling her GP now".into()))
        .unwrap();
    coordinator.sync();

    mentor.sync();
    let seen = mentor.store.escalation(&raised.id).unwrap();
    assert_eq!(seen.status, EscalationStatus::Acknowledged);
    assert_eq!(
        seen.acknowledgement_note.as_deref(),
        Some("Calling her GP now")
    );
    assert_eq!(
        mentor
            .store
            .caseload()
            .unwrap()
            .iter()
            .find(|c| c.survivor_name == "Sophie")
            .unwrap()
            .open_concerns,
        1
    );

    // The server audited who read the escalation, without its content.
    assert!(server.service.audit_count("escalation", &raised.id, "read") >= 1);
}

#[test]
fn ending_a_mentorship_takes_it_off_the_mentors_phone() {
    for kind in store_kinds() {
        ending_a_mentorship_takes_it_off_the_mentors_phone_on(kind);
    }
}

/// When the coordinator ends a mentorship, its mentor stops serving it: the case notes and the
/// conversation leave the mentor's phone at its next sync and the server takes no new message
/// from them — but a contact they recorded before the end, offline, still reaches the
/// coordinator. The survivor keeps their side.
fn ending_a_mentorship_takes_it_off_the_mentors_phone_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    let (coordinator, _) = Device::enrol(&server.url, &seeded(&people, "Claire").enrolment_code);
    let (survivor, _) = Device::enrol(&server.url, &seeded(&people, "Sophie").enrolment_code);
    for d in [&mentor, &coordinator, &survivor] {
        d.sync();
    }
    let mentorship = survivor.store.my_mentorships().unwrap()[0].id.clone();
    survivor
        .store
        .send_message(&mentorship, "Merci pour tout")
        .unwrap();
    survivor.sync();
    mentor.sync();

    // Offline: the last visit's notes, and a message written after it.
    let last_visit = mentor
        .store
        .record_checkin(contact(
            &mentorship,
            mentor.store.now() - 600_000,
            "Last visit",
        ))
        .unwrap()
        .checkin;
    let late = mentor.store.send_message(&mentorship, "À bientôt").unwrap();

    coordinator
        .store
        .end_mentorship(&mentorship, EndingReason::Completed, None)
        .unwrap();
    coordinator.sync();
    mentor.sync();

    assert!(
        mentor
            .store
            .caseload()
            .unwrap()
            .iter()
            .all(|c| c.mentorship_id != mentorship),
        "the ended mentorship left the mentor's caseload"
    );
    assert!(mentor.store.conversation(&mentorship, 20).is_err());
    let issues = mentor.store.sync_issues().unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i.collection == "message" && i.row_id == late.id),
        "the refused message is reported, not dropped: {issues:?}"
    );
    assert!(
        issues.iter().all(|i| i.row_id != last_visit.id),
        "the visit before the end was accepted: {issues:?}"
    );

    coordinator.sync();
    let timeline = coordinator.store.mentorship_timeline(&mentorship).unwrap();
    assert!(
        timeline.iter().any(
            |e| matches!(e, TimelineEntry::CheckIn { checkin, .. } if checkin.id == last_visit.id)
        ),
        "the visit recorded before the end reached the coordinator"
    );

    survivor.sync();
    let conversation = survivor.store.conversation(&mentorship, 20).unwrap();
    let bodies: Vec<&str> = conversation
        .messages
        .iter()
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(bodies, ["Merci pour tout"], "the survivor keeps their side");
}

/// 300 check-ins as long as the rules allow (about 16 KB each as JSON, 4.9 MB in all) fit in
/// one push by count (500) but not in the server's 4 MiB body: the device sends them in
/// pushes under its byte cap, every one arrives and the outbox drains.
#[test]
fn a_large_outbox_drains_in_pushes_under_the_body_limit() {
    let (server, people) = TestServer::with_demo();
    assert_eq!(Config::default().max_body_bytes, 4 * 1024 * 1024);
    let (mentor, _) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    mentor.sync();
    let sophie = mentor.mentorship_with("Sophie");
    let now = mentor.store.now();
    let ids: Vec<String> = (0..300)
        .map(|i| {
            let mut input = contact(&sophie, now - 60_000 * (i + 1), "");
            input.notes = "é".repeat(4_000);
            input.resources_shared = (0..20)
                .map(|r| format!("{r:02}{}", "é".repeat(198)))
                .collect();
            mentor.store.record_checkin(input).unwrap().checkin.id
        })
        .collect();
    assert_eq!(mentor.store.outbox_len().unwrap(), 300);

    let pushes = Cell::new(0);
    let count = |p: SyncProgress| {
        if p.stage == SyncStage::Pushing {
            pushes.set(pushes.get() + 1);
        }
    };
    let transport = HttpTransport::new(&server.url).unwrap();
    let summary = mentor.store.sync(&transport, Some(&count)).unwrap();
    assert_eq!((summary.pushed, summary.rejected), (300, 0));
    assert_eq!(mentor.store.outbox_len().unwrap(), 0, "the outbox drains");
    assert!(
        pushes.get() >= 5,
        "{} pushes of at most 1 MiB",
        pushes.get()
    );
    for id in &ids {
        assert!(
            server.service.stored_row("checkin", id).is_some(),
            "every row arrives"
        );
    }
}

#[test]
fn a_coordinator_matches_a_survivor_offline_from_what_sync_brought() {
    for kind in store_kinds() {
        a_coordinator_matches_a_survivor_offline_on(kind);
    }
}

fn a_coordinator_matches_a_survivor_offline_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let desk = ApiClient::enrol(
        server.service.clone(),
        &seeded(&people, "Claire").enrolment_code,
        &uuid_from([7; 16]),
    );
    let claire = &seeded(&people, "Claire").person_id;
    let code = desk.post_ok(&format!("/v1/people/{claire}/enrolment-code"), &Json::Null);
    let (coordinator, _) = Device::enrol(&server.url, code["enrolment_code"].as_str().unwrap());
    coordinator.sync();
    let jeanne = &seeded(&people, "Jeanne").person_id;

    // Back on the ward, no network: Jeanne prefers French; Marc's proposal to her takes a place
    // and cannot be made twice, so Inès comes first.
    let found = coordinator.store.mentor_matches(jeanne).unwrap();
    assert_eq!(found.preferred_languages, ["fr"]);
    assert!(found.consent_to_take_part);
    let names: Vec<&str> = found
        .candidates
        .iter()
        .map(|c| c.display_name.as_str())
        .collect();
    assert_eq!(names, ["Inès", "Marc"]);
    let (ines, marc) = (&found.candidates[0], &found.candidates[1]);
    assert_eq!(ines.shared_languages, ["fr"]);
    assert_eq!((ines.mentees, ines.free_places), (1, 3));
    assert!(ines.available);
    assert_eq!((marc.mentees, marc.proposed, marc.free_places), (1, 1, 2));
    assert!(marc.already_matched && !marc.available);

    // Another professional's phone: mentors and their loads, but not Jeanne's profile, which
    // goes only to the professionals responsible for her.
    let nadia = desk.post_ok(
        "/v1/people",
        &json!({"role": "professional", "display_name": "Nadia"}),
    );
    let (other, _) = Device::enrol(&server.url, nadia["enrolment_code"].as_str().unwrap());
    other.sync();
    let theirs = other.store.mentor_matches(jeanne).unwrap();
    assert!(theirs.preferred_languages.is_empty());
    assert_eq!(theirs.candidates.len(), 2);
    assert_eq!(theirs.candidates[1].proposed, 1);
}

#[test]
fn a_planned_visit_reaches_the_survivor_and_her_answer_comes_back() {
    for kind in store_kinds() {
        a_planned_visit_reaches_the_survivor_and_her_answer_comes_back_on(kind);
    }
}

fn a_planned_visit_reaches_the_survivor_and_her_answer_comes_back_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let (mentor, marc) = Device::enrol(&server.url, &seeded(&people, "Marc").enrolment_code);
    let (survivor, sophie) = Device::enrol(&server.url, &seeded(&people, "Sophie").enrolment_code);
    let (caregiver, _) = Device::enrol(&server.url, &seeded(&people, "Paul").enrolment_code);
    let (coordinator, claire) =
        Device::enrol(&server.url, &seeded(&people, "Claire").enrolment_code);
    let (other_mentor, _) = Device::enrol(&server.url, &seeded(&people, "Inès").enrolment_code);
    for d in [&mentor, &survivor, &caregiver, &coordinator, &other_mentor] {
        d.sync();
    }
    let mentorship = survivor.store.my_mentorships().unwrap()[0].id.clone();
    // The demo's first visit, planned by Claire when she enrolled everyone, is on Sophie's
    // phone from her first sync, hers to answer.
    let first = survivor.store.upcoming_contacts(None).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].contact.planned_by, claire.id);
    assert!(first[0].can_answer && !first[0].planner_side);
    // Marc's contacts, as each phone sees them.
    let upcoming = |d: &Device| {
        d.store
            .upcoming_contacts(None)
            .unwrap()
            .into_iter()
            .filter(|u| u.contact.planned_by == marc.id)
            .map(|u| (u.contact.starts_at, u.contact.reply, u.mentor_name))
            .collect::<Vec<_>>()
    };

    // Marc plans Thursday's visit at the end of a call, offline.
    let thursday = mentor.store.now() + 3 * 86_400_000;
    let visit = ContactDetails {
        starts_at: thursday,
        duration_minutes: 60,
        mode: ContactMode::HomeVisit,
        place: Some("At home".into()),
        note: None,
    };
    let planned = mentor
        .store
        .plan_contact(&mentorship, visit.clone())
        .unwrap();
    mentor.sync();
    for d in [&survivor, &caregiver, &coordinator, &other_mentor] {
        d.sync();
    }
    let marc = || "Marc".to_owned();
    assert_eq!(upcoming(&survivor), [(thursday, None, marc())]);
    assert_eq!(upcoming(&caregiver), [(thursday, None, marc())]);
    assert_eq!(upcoming(&coordinator), [(thursday, None, marc())]);
    assert!(
        upcoming(&other_mentor).is_empty(),
        "Inès is not in Sophie's mentorship"
    );

    // Sophie cannot make it; at the same time, offline, Marc moves the visit an hour later.
    survivor
        .store
        .reply_to_planned_contact(&planned.id, ContactReply::Declined)
        .unwrap();
    let mut later = visit;
    later.starts_at += 3_600_000;
    mentor
        .store
        .change_planned_contact(&planned.id, later)
        .unwrap();
    survivor.sync();
    let moved = mentor.sync();
    assert_eq!(moved.rejected, 0);
    survivor.sync();
    // Her answer was to the old time: nobody counts it for the new one.
    for d in [&mentor, &survivor] {
        assert_eq!(upcoming(d), [(thursday + 3_600_000, None, marc())]);
    }

    // The new time suits her.
    let answered = survivor
        .store
        .reply_to_planned_contact(&planned.id, ContactReply::Accepted)
        .unwrap();
    assert_eq!(answered.replied_by.as_deref(), Some(sophie.id.as_str()));
    survivor.sync();
    mentor.sync();
    coordinator.sync();
    for d in [&mentor, &coordinator] {
        let seen = d.store.planned_contact(&planned.id).unwrap();
        assert_eq!(seen.contact.reply, Some(ContactReply::Accepted));
        assert_eq!(seen.contact.replied_by.as_deref(), Some(sophie.id.as_str()));
        assert_eq!(seen.replied_by_name.as_deref(), Some("Sophie"));
    }

    // Cancelled by the coordinator: every phone shows it cancelled.
    coordinator
        .store
        .cancel_planned_contact(&planned.id)
        .unwrap();
    coordinator.sync();
    for d in [&mentor, &survivor, &caregiver] {
        d.sync();
        let seen = d.store.planned_contact(&planned.id).unwrap();
        assert!(seen.contact.cancelled_at.is_some());
        assert!(!seen.can_answer && !seen.can_change);
    }
}

#[test]
fn a_visit_over_waits_to_be_recorded_and_its_check_in_reaches_the_coordinator() {
    for kind in store_kinds() {
        a_visit_over_waits_to_be_recorded_on(kind);
    }
}

fn a_visit_over_waits_to_be_recorded_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    // Marc's phone lives days ahead of the others when the test moves it on.
    let ahead = Arc::new(AtomicI64::new(0));
    let clock = {
        let ahead = ahead.clone();
        Clock::from_fn(move || Clock::system().now() + ahead.load(Ordering::Relaxed))
    };
    let (mentor, _) =
        Device::enrol_with_clock(&server.url, &seeded(&people, "Marc").enrolment_code, clock);
    let (coordinator, _) = Device::enrol(&server.url, &seeded(&people, "Claire").enrolment_code);
    let (survivor, _) = Device::enrol(&server.url, &seeded(&people, "Sophie").enrolment_code);
    for d in [&mentor, &coordinator, &survivor] {
        d.sync();
    }
    // The demo's first visit, planned by Claire, comes the day after tomorrow.
    let first = mentor.store.upcoming_contacts(None).unwrap().remove(0);
    assert!(mentor.store.contacts_to_record(None).unwrap().is_empty());

    // Four days on, it is over with nothing recorded: Marc's phone reminds him.
    ahead.store(4 * 86_400_000, Ordering::Relaxed);
    let waiting = mentor.store.contacts_to_record(None).unwrap();
    assert_eq!(
        waiting.iter().map(|u| &u.contact.id).collect::<Vec<_>>(),
        [&first.contact.id]
    );
    assert!(waiting[0].can_record);
    let to_record = |d: &Device| {
        d.store
            .caseload()
            .unwrap()
            .into_iter()
            .map(|e| (e.survivor_name, e.contacts_to_record))
            .filter(|(_, n)| *n > 0)
            .collect::<Vec<_>>()
    };
    assert_eq!(to_record(&mentor), [("Sophie".to_owned(), 1)]);

    // He records it offline, naming the visit, and syncs.
    let recorded = mentor
        .store
        .record_checkin(CheckInInput {
            mode: first.contact.mode,
            duration_minutes: first.contact.duration_minutes,
            planned_contact_id: Some(first.contact.id.clone()),
            ..contact(
                &first.contact.mentorship_id,
                first.contact.starts_at,
                "First visit",
            )
        })
        .unwrap()
        .checkin;
    assert!(mentor.store.contacts_to_record(None).unwrap().is_empty());
    assert!(to_record(&mentor).is_empty());
    assert_eq!(mentor.sync().rejected, 0);

    // The coordinator's phone sees the visit recorded, and by which check-in; Sophie's phone,
    // which holds no case notes, only the visit.
    coordinator.sync();
    let seen = coordinator
        .store
        .planned_contact(&first.contact.id)
        .unwrap();
    assert_eq!(
        seen.checkin_id.as_deref(),
        Some(recorded.checkin_id.as_str())
    );
    assert_eq!(
        coordinator
            .store
            .checkin(&recorded.checkin_id)
            .unwrap()
            .planned_contact_id,
        Some(first.contact.id.clone())
    );
    survivor.sync();
    assert_eq!(
        survivor
            .store
            .planned_contact(&first.contact.id)
            .unwrap()
            .checkin_id,
        None
    );
}
