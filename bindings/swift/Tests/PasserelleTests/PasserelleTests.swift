// Tests of the generated Swift bindings: the Passerelle object, the core's records and enums,
// and the typed errors, called from Swift as the iOS app calls them. The same scenario as
// bindings/kotlin/src/test/kotlin/app/passerelle/PasserelleTest.kt.
//
// Run on a Mac: bindings/scripts/build-ios.sh, then `swift test` in bindings/swift.
import Foundation
import Passerelle
import XCTest

private func randomKey() -> Data {
    var generator = SystemRandomNumberGenerator()
    return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
}

/// Records what it is told, as a screen would; the bindings call it from Rust.
private final class Recorder: ChangeObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var told: [[String]] = []

    func onChange(collections: [String]) {
        lock.lock()
        defer { lock.unlock() }
        told.append(collections)
    }

    var collections: [String] {
        lock.lock()
        defer { lock.unlock() }
        return told.flatMap { $0 }
    }
}

/// An observer whose screen is gone.
private final class Failing: ChangeObserver, @unchecked Sendable {
    struct ScreenGone: Error {}

    func onChange(collections: [String]) throws {
        throw ScreenGone()
    }
}

final class PasserelleTests: XCTestCase {
    private var directory: URL!

    private var dbPath: String {
        directory.appendingPathComponent("passerelle.db").path
    }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("passerelle-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testProgrammeFromEnrolmentToReport() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        XCTAssertEqual(api.deviceId().count, 36)
        let p = try enrolProgramme(api)
        let now = nowMillis()

        // The mentor records, amends, and raises an urgent concern.
        XCTAssertEqual(try api.setDeviceOwner(personId: p.mentor.id).id, p.mentor.id)
        let first = try api.recordCheckin(input: checkIn(p.mentorshipId, at: now - 3 * hour))
        XCTAssertNil(first.escalation)
        XCTAssertEqual(first.checkin.version, 1)
        var correction = checkIn(p.mentorshipId, at: now - 3 * hour)
        correction.durationMinutes = 45
        correction.wellbeing = 4
        correction.followUp = FollowUp(action: "Send the adapted-sport leaflet", dueAt: now + 2 * day)
        let amended = try api.amendCheckin(
            checkinId: first.checkin.checkinId,
            input: correction,
            reason: "duration was wrong"
        )
        XCTAssertEqual(amended.checkin.version, 2)
        let history = try api.checkinHistory(checkinId: first.checkin.checkinId)
        XCTAssertEqual(history.map { $0.version }, [1, 2])
        XCTAssertEqual(history.map { $0.durationMinutes }, [30, 45])
        var worried = checkIn(p.mentorshipId, at: now - hour)
        worried.wellbeing = 2
        worried.concern = NewConcern(
            category: .mood,
            urgency: .urgent,
            summary: "Says she no longer sees the point of her exercises."
        )
        let raised = try XCTUnwrap(try api.recordCheckin(input: worried).escalation)
        XCTAssertEqual(raised.assignedTo, p.coordinator.id)

        // The mentor's home screen.
        let caseload = try api.caseload()
        XCTAssertEqual(caseload.count, 1)
        let mentee = try XCTUnwrap(caseload.first)
        XCTAssertEqual(mentee.survivorName, "Sophie")
        XCTAssertEqual(mentee.survivorId, p.survivor.id)
        XCTAssertEqual(mentee.contactsDone, 2)
        XCTAssertEqual(mentee.plannedContacts, 6)
        XCTAssertEqual(mentee.openConcerns, 1)
        XCTAssertEqual(mentee.mostUrgentConcern, .urgent)
        XCTAssertEqual(mentee.nextFollowUpDue, now + 2 * day)
        XCTAssertEqual(mentee.lastContactAt, now - hour)

        // "Download my data": what this phone holds about Marc — his check-ins and profile,
        // not Sophie's profile, which it holds for his work with her.
        let mine = try api.exportMyData()
        XCTAssertTrue(mine.hasPrefix("{\"person_id\":\"\(p.mentor.id)\""))
        XCTAssertTrue(mine.contains(first.checkin.id))
        XCTAssertTrue(mine.contains("\"collection\":\"mentor_profile\""))
        XCTAssertFalse(mine.contains("\"collection\":\"survivor_profile\""), "Sophie's profile is hers")

        // The coordinator acknowledges the escalation and reads the report.
        _ = try api.setDeviceOwner(personId: p.coordinator.id)
        let open = try api.openEscalations()
        XCTAssertEqual(open.count, 1)
        let summary = try XCTUnwrap(open.first)
        XCTAssertEqual(summary.mentorName, "Marc")
        XCTAssertEqual(summary.survivorName, "Sophie")
        XCTAssertEqual(summary.escalation.urgency, .urgent)
        let acknowledged = try api.acknowledgeEscalation(
            escalationId: summary.escalation.id,
            note: "Calling her GP today"
        )
        XCTAssertNotNil(acknowledged.acknowledgedAt)
        XCTAssertEqual(acknowledged.acknowledgedBy, p.coordinator.id)

        let report = try api.programmeReport(from: now - 7 * day, to: now + hour)
        XCTAssertEqual(report.contacts, 2)
        XCTAssertEqual(report.unansweredAttempts, 0)
        XCTAssertEqual(report.contactMinutes, 75)
        XCTAssertEqual(report.meanWellbeing, 3.0)
        XCTAssertEqual(report.escalationsRaised, 1)
        XCTAssertEqual(report.escalationsResolved, 0)
        XCTAssertEqual(report.escalationsOpen, 1)
        XCTAssertEqual(report.overdueFollowUps, 0)
        XCTAssertEqual(report.byDimension.first { $0.dimension == .emotional }?.contacts, 2)
        XCTAssertEqual(report.byMode.first { $0.mode == .phone }?.checkins, 2)
        XCTAssertEqual(report.doses.count, 1)
        XCTAssertEqual(report.doses.first?.deliveredContacts, 2)
        XCTAssertEqual(report.doses.first?.mentorName, "Marc")

        // One call for the whole timeline, with the amended check-in's version count.
        var checkIns: [(CheckIn, UInt32)] = []
        var escalations = 0
        for entry in try api.mentorshipTimeline(mentorshipId: p.mentorshipId) {
            switch entry {
            case let .checkIn(checkin, versions):
                checkIns.append((checkin, versions))
            case .escalation:
                escalations += 1
            case .lifecycle:
                break
            }
        }
        XCTAssertEqual(checkIns.count, 2)
        XCTAssertEqual(checkIns.first { $0.0.checkinId == first.checkin.checkinId }?.1, 2)
        XCTAssertEqual(escalations, 1)

        try api.checkIntegrity()
    }

    func testBadInputThrowsTypedErrorsAndChangesNothing() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        let p = try enrolProgramme(api)
        let before = try api.outboxLen()
        XCTAssertGreaterThan(before, 0)

        XCTAssertThrowsError(try api.createPerson(person: NewPerson(role: .mentor, displayName: "   "))) { error in
            XCTAssertEqual(
                error as? PasserelleError,
                .InvalidInput(field: "display_name", problem: "must not be empty")
            )
        }

        _ = try api.setDeviceOwner(personId: p.mentor.id)
        var input = checkIn(p.mentorshipId, at: nowMillis())
        input.wellbeing = 9
        XCTAssertThrowsError(try api.recordCheckin(input: input)) { error in
            guard case let .InvalidInput(field, problem)? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertEqual(field, "wellbeing")
            XCTAssertEqual(problem, "outside 1..=5")
            XCTAssertEqual((error as? PasserelleError)?.description, "invalid wellbeing: outside 1..=5")
        }

        XCTAssertThrowsError(try api.proposeMentorship(mentorship: NewMentorship(
            survivorId: p.survivor.id,
            mentorId: p.mentor.id,
            plannedContacts: 6,
            plannedWeeks: 12,
            matchingNotes: nil
        ))) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
        }
        XCTAssertThrowsError(try api.mentorship(mentorshipId: "not an id")) { error in
            guard case .InvalidInput? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
        }

        XCTAssertEqual(try api.outboxLen(), before)
    }

    func testAPlannedContactIsAnsweredAndMovingItAsksAgain() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        let p = try enrolProgramme(api)
        _ = try api.setDeviceOwner(personId: p.mentor.id)
        let thursday = nowMillis() + 3 * day
        var visit = ContactDetails(
            startsAt: thursday,
            durationMinutes: 60,
            mode: .homeVisit,
            place: "At home",
            note: nil
        )
        let planned = try api.planContact(mentorshipId: p.mentorshipId, details: visit)
        XCTAssertEqual(planned.plannedBy, p.mentor.id)
        XCTAssertNil(planned.reply)
        XCTAssertEqual(try api.caseload().map { $0.nextContactAt }, [thursday])

        // Sophie sees Marc's visit and will be there.
        _ = try api.setDeviceOwner(personId: p.survivor.id)
        let mine = try api.upcomingContacts(mentorshipId: nil)
        XCTAssertEqual(mine.map { $0.mentorName }, ["Marc"])
        XCTAssertEqual(mine[0].contact.startsAt, thursday)
        XCTAssertTrue(mine[0].canAnswer && !mine[0].canChange && !mine[0].plannerSide)
        let answered = try api.replyToPlannedContact(contactId: planned.id, reply: .accepted)
        XCTAssertEqual(answered.reply, .accepted)
        XCTAssertEqual(answered.repliedBy, p.survivor.id)
        XCTAssertEqual(try api.plannedContact(contactId: planned.id).repliedByName, "Sophie")
        XCTAssertThrowsError(try api.cancelPlannedContact(contactId: planned.id)) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
        }

        // Moved an hour later: a new time, no answer yet; then cancelled.
        _ = try api.setDeviceOwner(personId: p.mentor.id)
        let mentorSees = try api.plannedContact(contactId: planned.id)
        XCTAssertTrue(mentorSees.plannerSide && mentorSees.canChange && !mentorSees.canAnswer)
        visit.startsAt = thursday + hour
        let moved = try api.changePlannedContact(contactId: planned.id, details: visit)
        XCTAssertNil(moved.reply)
        XCTAssertEqual(
            try api.upcomingContacts(mentorshipId: p.mentorshipId).map { $0.contact.startsAt },
            [thursday + hour]
        )
        XCTAssertNotNil(try api.cancelPlannedContact(contactId: planned.id).cancelledAt)

        // A time already past: a typed error naming the field, nothing saved.
        let queued = try api.outboxLen()
        visit.startsAt = nowMillis() - hour
        XCTAssertThrowsError(try api.planContact(mentorshipId: p.mentorshipId, details: visit)) { error in
            guard case let .InvalidInput(field, problem)? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertEqual(field, "starts_at")
            XCTAssertEqual(problem, "already past")
        }
        XCTAssertEqual(try api.outboxLen(), queued)
    }

    func testAStartedPlannedContactIsRecordedByOneCheckIn() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        let p = try enrolProgramme(api)
        _ = try api.setDeviceOwner(personId: p.mentor.id)
        // The bindings have no clock to move and a contact cannot be planned in the past: a
        // call planned two seconds ahead has started once we wait, and lasts well beyond.
        let startsAt = nowMillis() + 2_000
        let call = try api.planContact(
            mentorshipId: p.mentorshipId,
            details: ContactDetails(startsAt: startsAt, durationMinutes: 5, mode: .phone, place: nil, note: nil)
        )
        XCTAssertNil(checkIn(p.mentorshipId, at: startsAt).plannedContactId, "a check-in records no contact unless it names one")
        var recording = checkIn(p.mentorshipId, at: startsAt)
        recording.plannedContactId = call.id

        // Not started yet: nothing to record, and a check-in naming it is refused.
        XCTAssertFalse(try api.plannedContact(contactId: call.id).canRecord)
        XCTAssertThrowsError(try api.recordCheckin(input: recording)) { error in
            XCTAssertEqual(error as? PasserelleError, .InvalidState(reason: "the contact has not started"))
        }

        Thread.sleep(forTimeInterval: Double(max(0, startsAt - nowMillis()) + 200) / 1000)
        let started = try api.plannedContact(contactId: call.id)
        XCTAssertTrue(started.canRecord, "started, not cancelled, not recorded")
        XCTAssertNil(started.checkinId)
        XCTAssertTrue(started.canChange && started.canCancel, "not over: it may still be moved or cancelled")
        // Started but not over: not yet waiting to be recorded.
        XCTAssertTrue(try api.contactsToRecord(mentorshipId: nil).isEmpty)
        XCTAssertTrue(try api.contactsToRecord(mentorshipId: p.mentorshipId).isEmpty)
        XCTAssertEqual(try api.caseload()[0].contactsToRecord, 0)

        let recorded = try api.recordCheckin(input: recording).checkin
        XCTAssertEqual(recorded.plannedContactId, call.id)
        XCTAssertEqual(try api.checkin(checkinId: recorded.checkinId).plannedContactId, call.id)
        let after = try api.plannedContact(contactId: call.id)
        XCTAssertEqual(after.checkinId, recorded.checkinId)
        XCTAssertFalse(after.canRecord, "recorded once")
        XCTAssertEqual(try api.upcomingContacts(mentorshipId: p.mentorshipId).map { $0.checkinId }, [recorded.checkinId])

        // A second check-in naming it: the typed error, nothing saved.
        let queued = try api.outboxLen()
        XCTAssertThrowsError(try api.recordCheckin(input: recording)) { error in
            XCTAssertEqual(error as? PasserelleError, .InvalidState(reason: "the contact is already recorded"))
        }
        XCTAssertEqual(try api.outboxLen(), queued)

        // Correcting the check-in that records it keeps recording it.
        var shorter = recording
        shorter.durationMinutes = 20
        let amended = try api.amendCheckin(checkinId: recorded.checkinId, input: shorter, reason: "shorter call").checkin
        XCTAssertEqual(amended.plannedContactId, call.id)
        XCTAssertEqual(try api.plannedContact(contactId: call.id).checkinId, recorded.checkinId)

        // Only its mentor records it: not the coordinator, who plans too, nor the survivor.
        _ = try api.setDeviceOwner(personId: p.coordinator.id)
        XCTAssertFalse(try api.plannedContact(contactId: call.id).canRecord)
        XCTAssertTrue(try api.contactsToRecord(mentorshipId: nil).isEmpty, "recorded, so nothing waits, for the coordinator either")
        // The programme report says what came of it: planned, and held.
        let outcomes = try api.programmeReport(from: startsAt - hour, to: startsAt + hour).plannedContacts
        XCTAssertEqual([outcomes.planned, outcomes.held, outcomes.waitingToBeRecorded], [1, 1, 0])
        _ = try api.setDeviceOwner(personId: p.survivor.id)
        XCTAssertFalse(try api.plannedContact(contactId: call.id).canRecord)
        XCTAssertFalse(try api.plannedContact(contactId: call.id).canCancel)
        XCTAssertTrue(try api.contactsToRecord(mentorshipId: nil).isEmpty)
    }

    func testMatchingASurvivorWithAMentorAndTheMentorRoster() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        let p = try enrolProgramme(api) // Marc: fr, en; 3 places; mentors Sophie
        let ines = try api.createPerson(person: NewPerson(role: .mentor, displayName: "Inès"))
        try api.saveProfile(profile: .mentor(profile: MentorProfile(
            personId: ines.id,
            languages: ["ar", "fr"],
            capacity: 1,
            availability: nil
        )))
        let ahmed = try api.createPerson(person: NewPerson(role: .survivor, displayName: "Ahmed"))
        try api.saveProfile(profile: .survivor(profile: SurvivorProfile(
            personId: ahmed.id,
            preferredLanguages: ["ar"],
            communicationNeeds: [],
            homeArea: nil,
            strokeDate: nil,
            dischargeDate: nil,
            goals: []
        )))

        // Ahmed waits (no consent yet); Sophie, mentored by Marc, does not.
        let waiting = try api.survivorsAwaitingMentor()
        XCTAssertEqual(waiting.map { $0.displayName }, ["Ahmed"])
        XCTAssertFalse(waiting[0].consentToTakePart)

        let found = try api.mentorMatches(survivorId: ahmed.id)
        XCTAssertEqual(found.survivorName, "Ahmed")
        XCTAssertFalse(found.consentToTakePart)
        XCTAssertEqual(found.candidates.map { $0.displayName }, ["Inès", "Marc"])
        XCTAssertEqual(found.candidates[0].sharedLanguages, ["ar"])
        let marc = found.candidates[1]
        XCTAssertEqual([marc.capacity, marc.mentees, marc.freePlaces], [3, 1, 2])
        XCTAssertTrue(marc.available)

        // Proposed to Inès: her one place is spoken for, and Marc comes first.
        _ = try api.proposeMentorship(mentorship: NewMentorship(
            survivorId: ahmed.id,
            mentorId: ines.id,
            plannedContacts: 6,
            plannedWeeks: 12,
            matchingNotes: "both speak Arabic"
        ))
        let after = try api.mentorMatches(survivorId: ahmed.id)
        XCTAssertEqual(after.candidates.map { $0.displayName }, ["Marc", "Inès"])
        XCTAssertTrue(after.candidates[1].alreadyMatched)
        XCTAssertEqual(after.candidates[1].freePlaces, 0)
        XCTAssertTrue(try api.survivorsAwaitingMentor().isEmpty(), "proposed: no longer waiting")

        // The supervisor's roster: Marc and Inès, neither trained nor supervised yet; then
        // Inès's course and a session with Marc put her last and him first.
        XCTAssertEqual(try api.mentorRoster().map { $0.displayName }, ["Inès", "Marc"])
        let now = nowMillis()
        _ = try api.recordTraining(training: NewTraining(
            mentorId: ines.id,
            course: "Peer mentor core training",
            completedAt: now - day,
            validUntil: now + 300 * day,
            notes: nil
        ))
        _ = try api.recordSupervision(supervision: NewSupervision(
            mentorId: p.mentor.id,
            heldAt: now - hour,
            format: .individual,
            durationMinutes: 45,
            notes: nil
        ))
        let roster = try api.mentorRoster()
        XCTAssertEqual(roster.map { $0.displayName }, ["Marc", "Inès"])
        XCTAssertEqual(roster[1].trainingValidUntil, now + 300 * day)
        XCTAssertEqual(roster[1].proposed, 1)

        XCTAssertThrowsError(try api.mentorMatches(survivorId: p.mentor.id)) { error in
            guard case .InvalidInput? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
        }
        _ = try api.setDeviceOwner(personId: p.mentor.id)
        XCTAssertThrowsError(try api.mentorMatches(survivorId: ahmed.id)) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
        }
    }

    func testWrongKeyOnReopenThrowsWrongKey() throws {
        let key = randomKey()
        let device: String
        do {
            let api = try Passerelle.open(path: dbPath, key: key)
            device = api.deviceId()
        }

        XCTAssertThrowsError(try Passerelle.open(path: dbPath, key: randomKey())) { error in
            XCTAssertEqual(error as? PasserelleError, .WrongKey)
            XCTAssertEqual((error as? PasserelleError)?.description, "the key does not open this database")
        }
        XCTAssertThrowsError(try Passerelle.open(path: dbPath, key: Data(count: 16))) { error in
            guard case let .InvalidInput(field, _)? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertEqual(field, "key")
        }

        // The right key still opens the same, untouched database.
        let api = try Passerelle.open(path: dbPath, key: key)
        XCTAssertEqual(api.deviceId(), device)
    }
    func testWipingThePhoneRefusesUnsentChangesThenKeepsNothingPersonal() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        let p = try enrolProgramme(api)
        let unsent = try api.outboxLen()
        XCTAssertGreaterThan(unsent, 0)

        // Changes not yet sent: refused with their count, nothing removed.
        XCTAssertThrowsError(try api.wipeDeviceData(discardUnsent: false)) { error in
            XCTAssertEqual(error as? PasserelleError, .UnsentChanges(count: unsent))
        }
        XCTAssertEqual(try api.outboxLen(), unsent)
        XCTAssertEqual(try api.person(personId: p.mentor.id).displayName, "Marc")

        // The person agreed to lose them: everything personal goes, the phone is a new one.
        let device = api.deviceId()
        let wiped = try api.wipeDeviceData(discardUnsent: true)
        XCTAssertEqual(wiped.unsentDiscarded, unsent)
        XCTAssertGreaterThan(wiped.recordsRemoved, 0)
        XCTAssertFalse(wiped.signedOut, "never enrolled with a server")
        XCTAssertNil(try api.deviceOwner())
        XCTAssertTrue(try api.people(role: nil).isEmpty)
        XCTAssertEqual(try api.outboxLen(), 0)
        XCTAssertNotEqual(api.deviceId(), device)

        // The app's part: a new key, the old one destroyed.
        try api.rekey(newKey: randomKey())
        try api.checkIntegrity()
    }

    func testMessagesAndChangeObservers() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        let p = try enrolProgramme(api)
        let recorder = Recorder()
        api.setChangeObserver(observer: recorder)

        _ = try api.setDeviceOwner(personId: p.mentor.id)
        let sent = try api.sendMessage(mentorshipId: p.mentorshipId, body: "See you Thursday?")
        XCTAssertTrue(sent.mine)
        XCTAssertTrue(recorder.collections.contains("message"))

        _ = try api.setDeviceOwner(personId: p.survivor.id)
        XCTAssertEqual(try api.unreadCounts().map { $0.unread }, [1])
        let conversation = try api.conversation(mentorshipId: p.mentorshipId, limit: 50)
        XCTAssertEqual(conversation.messages.map { $0.body }, ["See you Thursday?"])
        XCTAssertEqual(Set(conversation.members.map { $0.id }), [p.mentor.id, p.survivor.id])
        try api.markConversationRead(mentorshipId: p.mentorshipId)
        XCTAssertEqual(try api.unreadCounts().reduce(0) { $0 + $1.unread }, 0)

        // An observer that throws must not turn a saved message into an error.
        api.setChangeObserver(observer: Failing())
        _ = try api.sendMessage(mentorshipId: p.mentorshipId, body: "Yes, at ten.")
        api.setChangeObserver(observer: nil)
        XCTAssertEqual(try api.conversation(mentorshipId: p.mentorshipId, limit: 50).messages.count, 2)
    }

    func testAVoiceNoteIsKeptAndPlayedBackAndBadAudioIsRefused() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        let p = try enrolProgramme(api)
        _ = try api.setDeviceOwner(personId: p.survivor.id)
        let audio = fakeM4a(size: 4096)

        // Sophie speaks rather than types: saved at once, waiting for the next sync.
        let sent = try api.sendVoiceNote(
            mentorshipId: p.mentorshipId,
            note: NewVoiceNote(mediaType: .mp4, durationMs: 42_000, audio: audio)
        )
        XCTAssertTrue(sent.mine)
        XCTAssertEqual(sent.body, "", "no caption")
        XCTAssertEqual(sent.status, .pending)
        let voice = VoiceNote(available: true, durationMs: 42_000, mediaType: .mp4)
        XCTAssertEqual(sent.voice, voice)

        let shown = try api.conversation(mentorshipId: p.mentorshipId, limit: 50).messages
        XCTAssertEqual(shown.map { $0.id }, [sent.id])
        XCTAssertEqual(shown.first?.status, .pending)
        XCTAssertEqual(shown.first?.voice, voice)

        // The exact bytes come back to play.
        let played = try api.voiceNoteAudio(messageId: sent.id)
        XCTAssertEqual(played.messageId, sent.id)
        XCTAssertEqual(played.mediaType, .mp4)
        XCTAssertEqual(played.durationMs, 42_000)
        XCTAssertEqual(played.audio, audio)

        // A caption is the message's body; a written message carries no voice and no audio.
        let captioned = try api.sendVoiceNote(
            mentorshipId: p.mentorshipId,
            note: NewVoiceNote(mediaType: .mp4, durationMs: 1_500, audio: fakeM4a(), caption: "Pour jeudi")
        )
        XCTAssertEqual(captioned.body, "Pour jeudi")
        let written = try api.sendMessage(mentorshipId: p.mentorshipId, body: "À jeudi")
        XCTAssertNil(written.voice)
        XCTAssertThrowsError(try api.voiceNoteAudio(messageId: written.id)) { error in
            guard case .NotFound? = error as? PasserelleError else {
                return XCTFail("expected NotFound, got \(error)")
            }
        }
        // Fetching looks on the phone first: a note it holds plays without any server (this
        // phone was never enrolled), a written message is no voice note. The Kotlin SyncTest
        // fetches what is not here yet on an enrolled phone.
        XCTAssertEqual(try api.fetchVoiceNote(messageId: sent.id).audio, audio)
        XCTAssertThrowsError(try api.fetchVoiceNote(messageId: written.id)) { error in
            guard case .NotFound? = error as? PasserelleError else {
                return XCTFail("expected NotFound, got \(error)")
            }
        }

        // Marc, on the same phone, has both notes to play.
        _ = try api.setDeviceOwner(personId: p.mentor.id)
        let heard = try api.conversation(mentorshipId: p.mentorshipId, limit: 50).messages
        XCTAssertEqual(heard.map { $0.id }, [sent.id, captioned.id, written.id])
        var shorter = voice
        shorter.durationMs = 1_500
        XCTAssertEqual(heard.map { $0.voice }, [voice, shorter, nil])
        XCTAssertEqual(heard.first?.status, .unread)
        XCTAssertEqual(try api.voiceNoteAudio(messageId: sent.id).audio, audio)

        // Bad input: a typed error naming the field and the rule, and nothing saved.
        let before = try api.conversation(mentorshipId: p.mentorshipId, limit: 50)
        let queued = try api.outboxLen()
        func assertRefused(_ note: NewVoiceNote, _ field: String, _ problem: String, line: UInt = #line) {
            XCTAssertThrowsError(try api.sendVoiceNote(mentorshipId: p.mentorshipId, note: note), line: line) { error in
                XCTAssertEqual(error as? PasserelleError, .InvalidInput(field: field, problem: problem), line: line)
            }
        }
        assertRefused(NewVoiceNote(mediaType: .mp4, durationMs: 42_000, audio: Data()), "audio", "outside 1..=1048576")
        // Ogg's first bytes where the type says MP4, and an MP4 said to be Ogg.
        let ogg = Data("OggS".utf8) + Data(count: 64)
        assertRefused(NewVoiceNote(mediaType: .mp4, durationMs: 42_000, audio: ogg), "audio", "malformed")
        assertRefused(NewVoiceNote(mediaType: .ogg, durationMs: 42_000, audio: audio), "audio", "malformed")
        assertRefused(NewVoiceNote(mediaType: .mp4, durationMs: 0, audio: audio), "duration_ms", "outside 1..=300000")
        assertRefused(NewVoiceNote(mediaType: .mp4, durationMs: 300_001, audio: audio), "duration_ms", "outside 1..=300000")
        assertRefused(
            NewVoiceNote(mediaType: .mp4, durationMs: 42_000, audio: fakeM4a(size: 1_048_576 - 12 + 1)),
            "audio",
            "outside 1..=1048576"
        )
        assertRefused(
            NewVoiceNote(mediaType: .mp4, durationMs: 42_000, audio: audio, caption: String(repeating: "a", count: 2001)),
            "caption",
            "longer than 2000 characters"
        )
        // The coordinator does not take part in the conversation.
        _ = try api.setDeviceOwner(personId: p.coordinator.id)
        XCTAssertThrowsError(try api.sendVoiceNote(
            mentorshipId: p.mentorshipId,
            note: NewVoiceNote(mediaType: .mp4, durationMs: 42_000, audio: audio)
        )) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
        }
        XCTAssertThrowsError(try api.voiceNoteAudio(messageId: sent.id)) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
        }

        _ = try api.setDeviceOwner(personId: p.mentor.id)
        XCTAssertEqual(try api.conversation(mentorshipId: p.mentorshipId, limit: 50), before)
        XCTAssertEqual(try api.outboxLen(), queued)
    }

    func testSyncWithoutServerThrowsTypedErrors() throws {
        let api = try Passerelle.open(path: dbPath, key: randomKey())
        XCTAssertNil(try api.syncServerUrl())
        XCTAssertThrowsError(try api.sync(progress: nil)) { error in
            XCTAssertEqual(error as? PasserelleError, .NotEnrolled)
        }
        // Nothing listens on the discard port: the connection is refused at once.
        XCTAssertThrowsError(try api.enrol(serverUrl: "http://127.0.0.1:9", code: "ABCD-1234")) { error in
            XCTAssertEqual(error as? PasserelleError, .Offline)
        }
        XCTAssertTrue(try api.syncIssues().isEmpty)
    }
}
