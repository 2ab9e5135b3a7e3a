// Planned contacts against a real store: Marc (the mentor) plans a home visit with Sophie through
// the plan form; the rows read right from his side and from hers, in English and French, the side
// and the buttons coming from the core (`plannerSide`, `canAnswer`, `canChange`); her answer
// ("I'll be there", "Another time") reads back on both sides, and a caregiver's answer is named
// after him on her phone; a cancelled contact stays listed, marked, offering neither answer nor
// change, and answering or moving it anyway is told in its own sentence; the change form loads
// through `plannedContact`; moving it clears the answer while changing only its note does not; a
// start already past, a place or a note too long and a length out of range land under their
// fields as sentences; the change bus hears `planned_contact`; and the roles the core refuses are
// told so in a sentence. A call under way is recorded from its row through the check-in form
// ("Recorded" on the planner's side only, a second record refused in its own sentence), and a
// contact over is worded from the core's flags ("Not recorded yet", "Did not take place").
// Mirrors UpcomingContactsTest.kt. Days are the locale's own
// pattern: English "Tuesday, December 3 at 2:00 PM" where the JVM says "Tuesday 3 December at
// 2:00 PM"; French "mardi 3 décembre à 14:00" on both.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

private let paris = TimeZone(identifier: "Europe/Paris")!

private func parisCalendar() -> Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = paris
    return calendar
}

/// A moment on Paris's wall clock, in Passerelle's milliseconds.
private func at(_ year: Int, _ month: Int, _ day: Int, hour: Int, minute: Int = 0) -> Int64 {
    let date = parisCalendar().date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    return Int64(date.timeIntervalSince1970 * 1000)
}

private func capitalized(_ text: String) -> String {
    guard let first = text.first else { return text }
    return String(first).uppercased() + text.dropFirst()
}

/// Marc mentors Sophie; the phone is Marc's.
private final class Visit {
    let p: TestProgramme
    let api: Passerelle
    let mentorshipId: String
    let marc: Person
    let sophie: Person

    init(_ test: XCTestCase) throws {
        let p = try TestProgramme(test)
        let mentorshipId = try p.mentee("Sophie")
        let sophie = try p.api.people(role: .survivor).first(where: { $0.displayName == "Sophie" })!
        self.p = p
        self.api = p.api
        self.mentorshipId = mentorshipId
        self.marc = p.mentor
        self.sophie = sophie
    }

    func asMarc() throws { _ = try api.setDeviceOwner(personId: marc.id) }
    func asSophie() throws { _ = try api.setDeviceOwner(personId: sophie.id) }
    func asClaire() throws { _ = try api.setDeviceOwner(personId: p.coordinator.id) }

    /// Paul, Sophie's husband, with whom she shares (the coordinator records it).
    func paul() throws -> Person {
        try asClaire()
        let paul = try api.createPerson(person: NewPerson(role: .caregiver, displayName: "Paul"))
        try api.saveProfile(profile: .caregiver(profile: CaregiverProfile(personId: paul.id, survivorId: sophie.id, relationship: .spousePartner)))
        _ = try api.grantConsent(consent: NewConsent(
            survivorId: sophie.id,
            scope: .shareWithCaregiver,
            caregiverId: paul.id,
            grantedAt: nowMillis() - day
        ))
        try asMarc()
        return paul
    }

    /// The rows the phone's owner sees, as the Home screen makes them: with the owner's id, which
    /// the app keeps from sign-in, so their own answer reads "You said…".
    func rows(_ presentation: Presentation, now: Int64 = nowMillis()) throws -> Upcoming {
        presentation.upcoming.list(try api.upcomingContacts(mentorshipId: nil), now: now, ownerId: try api.deviceOwner()!.id)
    }

    func only(_ presentation: Presentation) throws -> UpcomingRow {
        let rows = try self.rows(presentation).rows
        XCTAssertEqual(rows.count, 1)
        return rows[0]
    }
}

final class UpcomingContactsTests: XCTestCase {
    private let en = Presentation(strings: english, timeZone: paris)
    private let fr = Presentation(strings: french, timeZone: paris)

    /// Marc plans a home visit the day after tomorrow at 14:00, through the form.
    @discardableResult
    private func plan(_ v: Visit, now: Int64) -> PlanContactForm {
        let form = PlanContactForm.new(mentorshipId: v.mentorshipId, now: now)
            .withDaysAhead(2)
            .withMinuteOfDay(13 * 60) // 13:00, then one hour later
            .laterHour()
            .withMode(.homeVisit)
            .withPlace("At home")
            .withNote("Bring the housing form")
        guard case .saved = form.submit(v.api, time: en.time, errors: en.errors) else {
            XCTFail("Marc may plan it")
            return form
        }
        return form
    }

    func testAPlannedVisitReadsRightFromBothSides() throws {
        let v = try Visit(self)
        let now = nowMillis()
        let form = plan(v, now: now)
        let start = form.startsAt(en.time)
        XCTAssertEqual(en.time.minuteOfDay(at: start), 14 * 60)
        XCTAssertEqual(en.time.daysBetween(now: now, at: start), 2)

        let starts = capitalized(en.time.dayAndTime(at: start, now: now)) + " (in 2 days)"
        let marcs = try v.rows(en, now: now)
        XCTAssertNil(marcs.empty)
        let mine = marcs.rows[0]
        XCTAssertEqual(mine.title, "Home visit with Sophie")
        XCTAssertEqual(mine.starts, starts)
        XCTAssertEqual(mine.relative, "in 2 days")
        XCTAssertEqual(mine.duration, "1 hour")
        XCTAssertEqual(mine.place, "At home")
        XCTAssertEqual(mine.note, "Bring the housing form")
        XCTAssertEqual(mine.answer, "No answer yet")
        XCTAssertNil(mine.cancelled)
        XCTAssertFalse(mine.canAnswer, "the mentor does not answer his own visit")
        XCTAssertTrue(mine.canChange)
        XCTAssertTrue(mine.canCancel)
        XCTAssertEqual(mine.cancelAction, "Cancel")
        XCTAssertEqual(mine.cancelConfirm, "Yes, cancel it")
        XCTAssertFalse(mine.canRecord, "not started yet")
        XCTAssertNil(mine.recorded, "still to come: neither recorded nor waiting")
        XCTAssertEqual(mine.spoken, "Home visit with Sophie. \(starts). 1 hour. At home. Bring the housing form. No answer yet")

        try v.asSophie()
        let hers = try v.rows(en, now: now).rows[0]
        XCTAssertEqual(hers.title, "Home visit with Marc")
        XCTAssertEqual(hers.starts, starts)
        XCTAssertNil(hers.answer, "nothing said before she answers")
        XCTAssertTrue(hers.canAnswer)
        XCTAssertFalse(hers.canChange)
        XCTAssertFalse(hers.canCancel)
        XCTAssertFalse(hers.canRecord)
        XCTAssertEqual(hers.spoken, "Home visit with Marc. \(starts). 1 hour. At home. Bring the housing form")

        let inFrench = try v.rows(fr, now: now).rows[0]
        XCTAssertEqual(inFrench.title, "Visite à domicile avec Marc")
        XCTAssertEqual(inFrench.starts, capitalized(fr.time.dayAndTime(at: start, now: now)) + " (dans 2 jours)")
        XCTAssertTrue(inFrench.starts.hasSuffix(" à 14:00 (dans 2 jours)"), inFrench.starts)
        XCTAssertEqual(inFrench.duration, "1 heure")
        try v.asMarc()
        let marcsInFrench = try v.rows(fr, now: now).rows[0]
        XCTAssertEqual([marcsInFrench.cancelAction, marcsInFrench.cancelConfirm], ["Annuler", "Oui, annuler"])
    }

    func testHerAnswerReadsBackOnBothSides() throws {
        let v = try Visit(self)
        plan(v, now: nowMillis())

        try v.asSophie()
        let id = try v.only(en).contactId
        XCTAssertNil(en.upcoming.reply(v.api, contactId: id, reply: .accepted))
        let accepted = try v.only(en)
        XCTAssertEqual(accepted.reply, .accepted)
        XCTAssertEqual(accepted.answer, "You said you'll be there")
        XCTAssertTrue(accepted.canAnswer, "she may still change her mind")
        XCTAssertTrue(accepted.spoken.hasSuffix(". You said you'll be there"), accepted.spoken)
        XCTAssertEqual(try v.only(fr).answer, "Vous avez dit que vous seriez là")

        try v.asMarc()
        XCTAssertEqual(try v.only(en).answer, "Sophie will be there")
        XCTAssertEqual(try v.only(fr).answer, "Sophie sera là")

        try v.asSophie()
        XCTAssertNil(en.upcoming.reply(v.api, contactId: id, reply: .declined))
        XCTAssertEqual(try v.only(en).answer, "You asked for another time")
        XCTAssertEqual(try v.only(fr).answer, "Vous avez demandé un autre moment")
        try v.asMarc()
        XCTAssertEqual(try v.only(en).answer, "Sophie asked for another time")
        XCTAssertEqual(try v.only(fr).answer, "Sophie a demandé un autre moment")

        // Marc cannot answer for her: the core refuses, the row says why.
        XCTAssertEqual(en.upcoming.reply(v.api, contactId: id, reply: .accepted), "Your account cannot do this.")
        XCTAssertEqual(try v.only(en).reply, .declined)
    }

    func testACancelledContactStaysListedWithoutButtons() throws {
        let v = try Visit(self)
        let now = nowMillis()
        plan(v, now: now)
        let id = try v.only(en).contactId
        XCTAssertNil(en.upcoming.cancel(v.api, contactId: id))

        let mine = try v.rows(en, now: now).rows[0]
        XCTAssertEqual(mine.cancelled, "Cancelled")
        XCTAssertNil(mine.answer, "the answer to a cancelled contact no longer matters")
        XCTAssertFalse(mine.canChange, "no Change or Cancel once cancelled")
        XCTAssertFalse(mine.canCancel)
        XCTAssertNil(mine.recorded, "a cancelled contact waits for no check-in")
        XCTAssertFalse(mine.canAnswer)
        XCTAssertEqual(mine.spoken, "Home visit with Sophie. Cancelled. \(mine.starts). 1 hour. At home. Bring the housing form")
        XCTAssertEqual(try v.only(fr).cancelled, "Annulé")

        try v.asSophie()
        let hers = try v.only(en)
        XCTAssertEqual(hers.cancelled, "Cancelled")
        XCTAssertFalse(hers.canAnswer, "nothing to answer once cancelled")
        XCTAssertFalse(hers.canChange)
        // Were she to answer anyway (a screen not yet reloaded), the core says why not.
        XCTAssertEqual(en.upcoming.reply(v.api, contactId: id, reply: .accepted), "This visit or call was cancelled.")
        XCTAssertEqual(fr.upcoming.reply(v.api, contactId: id, reply: .accepted), "Cette visite ou cet appel a été annulé.")

        // Nor can Marc move it from a change form opened before: the sentence above the form.
        try v.asMarc()
        let change = try PlanContactForm.loadChange(v.api, contactId: id, time: en.time, now: now)
        guard case .rejected(let refused) = change.withDaysAhead(3).submit(v.api, time: en.time, errors: en.errors) else {
            return XCTFail("a cancelled contact was moved")
        }
        XCTAssertEqual(refused.formError, "This visit or call was cancelled.")
        XCTAssertTrue(refused.errors.isEmpty)
    }

    func testMovingItClearsTheAnswerButANewNoteDoesNot() throws {
        let v = try Visit(self)
        let now = nowMillis()
        plan(v, now: now)
        try v.asSophie()
        let id = try v.only(en).contactId
        XCTAssertNil(en.upcoming.reply(v.api, contactId: id, reply: .accepted))

        try v.asMarc()
        // The change form finds the contact by its id alone, as the screen opens it.
        let change = try PlanContactForm.loadChange(v.api, contactId: id, time: en.time, now: now)
        XCTAssertEqual(change.mentorshipId, v.mentorshipId)
        XCTAssertEqual(change.changing, id)
        XCTAssertTrue(change.isChange)
        XCTAssertEqual(change.daysAhead, 2)
        XCTAssertEqual(change.minuteOfDay, 14 * 60)
        XCTAssertEqual(change.mode, .homeVisit)
        XCTAssertEqual(change.durationMinutes, 60)
        XCTAssertEqual(change.place, "At home")
        XCTAssertEqual(change.note, "Bring the housing form")

        // Only the note: the same start, so her answer stands.
        guard case .saved(let noted) = change.withNote("Bring the housing form and the bills").submit(v.api, time: en.time, errors: en.errors) else {
            return XCTFail("the note change is refused")
        }
        XCTAssertEqual(noted.reply, .accepted)
        XCTAssertEqual(try v.only(en).answer, "Sophie will be there")

        // A day later, and longer: the answer is cleared.
        guard case .saved(let moved) = change.withDaysAhead(3).longer().longer().submit(v.api, time: en.time, errors: en.errors) else {
            return XCTFail("the move is refused")
        }
        XCTAssertNil(moved.reply)
        let after = try v.rows(en, now: now).rows[0]
        XCTAssertEqual(after.answer, "No answer yet")
        XCTAssertEqual(after.relative, "in 3 days")
        XCTAssertEqual(after.duration, "1 hour and 30 minutes")
        XCTAssertEqual(after.note, "Bring the housing form", "the change form sends the whole details again")
        try v.asSophie()
        XCTAssertNil(try v.only(en).answer)
        XCTAssertTrue(try v.only(en).canAnswer)
    }

    func testWhatTheCoreRefusesLandsUnderItsField() throws {
        let v = try Visit(self)
        let blank = PlanContactForm.new(mentorshipId: v.mentorshipId, now: nowMillis())
        func rejected(_ form: PlanContactForm, _ presentation: Presentation? = nil) throws -> PlanContactForm {
            let p = presentation ?? en
            let before = try v.api.outboxLen()
            guard case .rejected(let refused) = form.submit(v.api, time: p.time, errors: p.errors) else {
                XCTFail("expected the core to refuse \(form)")
                return form
            }
            XCTAssertEqual(try v.api.outboxLen(), before, "a refused plan saves nothing")
            return refused
        }

        // Midnight today is already past.
        let past = try rejected(blank.withDaysAhead(0).withMinuteOfDay(0))
        XCTAssertEqual(past.errors, [.startsAt: "That time has already passed."])
        XCTAssertNil(past.formError)
        XCTAssertEqual(try rejected(blank.withDaysAhead(0).withMinuteOfDay(0), fr).errors[.startsAt], "Cette heure est déjà passée.")
        // Choosing another day clears the error before saving again.
        XCTAssertEqual(past.withDaysAhead(1).errors, [:])
        // The summary sentence names the field in words.
        XCTAssertEqual(en.errors.sentence(PasserelleError.InvalidInput(field: "starts_at", problem: "already past")), "Please check the time.")

        XCTAssertEqual(try rejected(blank.withPlace(String(repeating: "x", count: 121))).errors, [.place: "Too long: 120 characters at most."])
        XCTAssertEqual(try rejected(blank.withNote(String(repeating: "x", count: 1001))).errors, [.note: "Too long: 1000 characters at most."])
        // The steppers stay within 5 minutes and 10 hours; the core says so for anything else.
        var tooLong = blank
        tooLong.durationMinutes = 601
        XCTAssertEqual(try rejected(tooLong).errors, [.duration: "Choose between 5 and 600."])
        XCTAssertTrue(try v.api.upcomingContacts(mentorshipId: nil).isEmpty)

        // Sophie cannot plan: a sentence above the form, not under a field.
        try v.asSophie()
        let refused = try rejected(blank)
        XCTAssertEqual(refused.formError, "Your account cannot do this.")
        XCTAssertTrue(refused.errors.isEmpty)
    }

    /// Marc plans a phone call two seconds ahead and waits for it to start: the bindings have no
    /// clock to move and a contact cannot be planned in the past. It lasts 5 minutes, so it is
    /// under way (recordable), not over. Returns its id.
    private func callUnderWay(_ v: Visit) throws -> String {
        let startsAt = nowMillis() + 2_000
        let id = try v.api.planContact(
            mentorshipId: v.mentorshipId,
            details: ContactDetails(startsAt: startsAt, durationMinutes: 5, mode: .phone, place: nil, note: nil)
        ).id
        Thread.sleep(forTimeInterval: Double(max(0, startsAt - nowMillis()) + 200) / 1000)
        return id
    }

    func testAStartedContactIsRecordedFromItsRow() throws {
        let v = try Visit(self)
        let id = try callUnderWay(v)
        let started = try v.only(en)
        XCTAssertEqual(started.contactId, id)
        XCTAssertTrue(started.canRecord, "its mentor may record it once it has started")
        XCTAssertNil(started.recorded, "under way: not waiting to be recorded yet")
        XCTAssertTrue(started.canChange && started.canCancel)
        XCTAssertEqual(started.cancelAction, "Cancel", "not over: cancelling it is still a cancellation")
        // Not over yet, so nothing waits to be recorded.
        XCTAssertEqual(en.upcoming.toRecord(try v.api.contactsToRecord(mentorshipId: v.mentorshipId), now: nowMillis()), [])

        // "Record check-in" opens the form filled in from the contact; saving it records it, and
        // the screens showing the rows hear it.
        let heard = Heard()
        v.api.setChangeObserver(observer: heard)
        let form = try CheckInForm.loadRecording(v.api, contactId: started.contactId).withWellbeing(.good)
        guard case .saved(let recording) = form.submit(v.api, errors: en.errors) else {
            return XCTFail("a started contact is recorded")
        }
        v.api.setChangeObserver(observer: nil)
        let saved = recording.checkin
        XCTAssertEqual(saved.plannedContactId, id)
        XCTAssertTrue(heard.collections.contains("checkin") && UpcomingContactsPresenter.watched.contains("checkin"), "\(heard.collections)")

        let recorded = try v.only(en)
        XCTAssertEqual(recorded.recorded, "Recorded")
        XCTAssertFalse(recorded.canRecord, "recorded once")
        XCTAssertTrue(recorded.spoken.hasSuffix(". No answer yet. Recorded"), recorded.spoken)
        XCTAssertEqual(try v.only(fr).recorded, "Noté")

        // The same form saved again (opened twice): refused in its own sentence, nothing saved.
        let queued = try v.api.outboxLen()
        for (errors, sentence) in [(en.errors, "This visit or call is already recorded."), (fr.errors, "Cette visite ou cet appel est déjà noté.")] {
            guard case .rejected(let twice) = form.submit(v.api, errors: errors) else {
                return XCTFail("recorded twice")
            }
            XCTAssertEqual(twice.formError, sentence)
        }
        XCTAssertEqual(try v.api.outboxLen(), queued)

        // Correcting the check-in keeps it recording the contact.
        let amend = CheckInForm.amend(try v.api.checkin(checkinId: saved.checkinId))
        XCTAssertEqual(amend.plannedContactId, id)
        guard case .saved = amend.withDuration(20).withReason("A shorter call").submit(v.api, errors: en.errors) else {
            return XCTFail("the correction is refused")
        }
        XCTAssertEqual(try v.only(en).recorded, "Recorded")

        // Sophie sees the call, never whether it was recorded: the case notes are not hers.
        try v.asSophie()
        let hers = try v.only(en)
        XCTAssertNil(hers.recorded)
        XCTAssertFalse(hers.canRecord)
        XCTAssertFalse(hers.canCancel)
    }

    func testAContactOverIsWordedFromWhatTheCoreSays() throws {
        let v = try Visit(self)
        let now = nowMillis()
        plan(v, now: now)
        let planned = try v.api.upcomingContacts(mentorshipId: nil)[0]
        // What the core says of it once it is over, unrecorded (the bindings have no clock to
        // move): no change, a cancel that says it did not take place, and record it.
        var waiting = planned
        waiting.over = true
        waiting.canChange = false
        waiting.canCancel = true
        waiting.canRecord = true
        waiting.checkinId = nil
        let row = en.upcoming.row(waiting, now: now)
        XCTAssertEqual(row.recorded, "Not recorded yet")
        XCTAssertFalse(row.canChange)
        XCTAssertTrue(row.canCancel && row.canRecord)
        XCTAssertEqual(row.cancelAction, "Did not take place")
        XCTAssertEqual(row.cancelConfirm, "Yes, it did not take place")
        XCTAssertTrue(row.spoken.hasSuffix(". No answer yet. Not recorded yet"), row.spoken)
        let inFrench = fr.upcoming.row(waiting, now: now)
        XCTAssertEqual([inFrench.recorded, inFrench.cancelAction, inFrench.cancelConfirm], ["Pas encore noté", "N'a pas eu lieu", "Oui, il n'a pas eu lieu"])
        // The rows of contactsToRecord() read the same, and none means no section at all.
        XCTAssertEqual(en.upcoming.toRecord([waiting], now: now), [row])
        XCTAssertEqual(en.upcoming.toRecord([], now: now), [])

        // The coordinator's phone: the same words, without "Record check-in" (the mentor's).
        var coordinators = waiting
        coordinators.canRecord = false
        let theirs = en.upcoming.row(coordinators, now: now)
        XCTAssertEqual([theirs.recorded, theirs.cancelAction], ["Not recorded yet", "Did not take place"])
        XCTAssertFalse(theirs.canRecord)

        // Recorded: said so, and nothing left to do.
        var recorded = waiting
        recorded.canCancel = false
        recorded.canRecord = false
        recorded.checkinId = planned.contact.id
        let done = en.upcoming.row(recorded, now: now)
        XCTAssertEqual(done.recorded, "Recorded")
        XCTAssertFalse(done.canCancel || done.canRecord || done.canChange)

        // Cancelled, it waits for nothing; and the visited side is never told either way.
        var cancelled = planned
        cancelled.contact.cancelledAt = now
        cancelled.canChange = false
        cancelled.canCancel = false
        XCTAssertNil(en.upcoming.row(cancelled, now: now).recorded)
        var visited = waiting
        visited.plannerSide = false
        visited.canCancel = false
        visited.canRecord = false
        XCTAssertNil(en.upcoming.row(visited, now: now).recorded)
        XCTAssertEqual(en.upcoming.row(visited, now: now).cancelAction, "Cancel")
    }

    func testTheStepsStayWithinTheDayAndTheAllowedLength() {
        let form = PlanContactForm.new(mentorshipId: "m", now: 0)
        XCTAssertEqual([form.daysAhead, form.minuteOfDay, form.durationMinutes], [1, 10 * 60, 60])
        XCTAssertEqual(form.withMinuteOfDay(30).earlierHour().minuteOfDay, 0)
        XCTAssertEqual(form.withMinuteOfDay(23 * 60 + 45).laterQuarter().minuteOfDay, 23 * 60 + 45)
        XCTAssertEqual(form.laterQuarter().minuteOfDay, 10 * 60 + 15)
        XCTAssertEqual(form.withDuration(15).shorter().durationMinutes, 5)
        XCTAssertEqual(form.withDuration(5).longer().durationMinutes, 20)
        XCTAssertEqual(form.withDuration(600).longer().durationMinutes, 600)
        XCTAssertEqual(form.dayChoices, [0, 1, 2, 3, 7])
        // A contact moved to 12 days ahead keeps its own day among the chips.
        XCTAssertEqual(form.withDaysAhead(12).dayChoices, [0, 1, 2, 3, 7, 12])
        XCTAssertNil(form.withPlace("  ").toDetails(en.time).place, "a blank place is no place")
    }

    func testNothingPlannedIsSaidInWords() throws {
        let v = try Visit(self)
        XCTAssertEqual(try v.rows(en), Upcoming(rows: [], empty: "No visit or call planned yet."))
        XCTAssertEqual(try v.rows(fr), Upcoming(rows: [], empty: "Pas encore de visite ni d'appel prévu."))
    }

    func testTheChangeBusHearsPlannedContacts() throws {
        let v = try Visit(self)
        let heard = Heard()
        v.api.setChangeObserver(observer: heard)
        plan(v, now: nowMillis())
        XCTAssertTrue(heard.collections.contains("planned_contact"), "\(heard.collections)")
        XCTAssertFalse(heard.collections.isDisjoint(with: UpcomingContactsPresenter.watched))

        let answered = Heard()
        v.api.setChangeObserver(observer: answered)
        try v.asSophie()
        XCTAssertNil(en.upcoming.reply(v.api, contactId: try v.only(en).contactId, reply: .accepted))
        v.api.setChangeObserver(observer: nil)
        XCTAssertTrue(answered.collections.contains("planned_contact"), "an answer reloads the screens: \(answered.collections)")
    }

    func testTheCoordinatorsPhoneIsOnThePlannerSide() throws {
        let v = try Visit(self)
        let now = nowMillis()
        plan(v, now: now)
        try v.asClaire()
        let hers = try v.rows(en, now: now).rows[0]
        XCTAssertEqual(hers.title, "Home visit with Sophie", "the coordinator reads the mentor's side")
        XCTAssertEqual(hers.answer, "No answer yet")
        XCTAssertTrue(hers.canChange)
        XCTAssertTrue(hers.canCancel)
        XCTAssertFalse(hers.canAnswer)
        XCTAssertFalse(hers.canRecord, "only its mentor records a contact")
        // And she may indeed move it: through the form, loaded by its id.
        let moved = try PlanContactForm.loadChange(v.api, contactId: hers.contactId, time: en.time, now: now).withDaysAhead(3)
        guard case .saved = moved.submit(v.api, time: en.time, errors: en.errors) else {
            return XCTFail("the coordinator may move it")
        }
        XCTAssertEqual(try v.rows(en, now: now).rows[0].relative, "in 3 days")
    }

    func testACaregiversAnswerIsNamedAfterHimOnTheSurvivorsPhone() throws {
        let v = try Visit(self)
        let paul = try v.paul()
        let now = nowMillis()
        plan(v, now: now)

        _ = try v.api.setDeviceOwner(personId: paul.id)
        let his = try v.only(en)
        XCTAssertEqual(his.title, "Home visit with Marc", "a caregiver reads the visited side")
        XCTAssertNil(his.answer)
        XCTAssertTrue(his.canAnswer)
        XCTAssertFalse(his.canChange)
        XCTAssertNil(en.upcoming.reply(v.api, contactId: his.contactId, reply: .accepted))
        XCTAssertEqual(try v.only(en).answer, "You said you'll be there")

        try v.asSophie()
        let hers = try v.only(en)
        XCTAssertEqual(hers.answer, "Paul will be there", "not 'You': Sophie did not answer")
        XCTAssertEqual(try v.only(fr).answer, "Paul sera là")
        XCTAssertTrue(hers.canAnswer, "she may still answer otherwise")
        XCTAssertTrue(hers.spoken.hasSuffix(". Paul will be there"), hers.spoken)
        try v.asMarc()
        XCTAssertEqual(try v.only(en).answer, "Paul will be there")

        // She asks for another time herself: her phone says "You", Paul's names her.
        try v.asSophie()
        XCTAssertNil(en.upcoming.reply(v.api, contactId: hers.contactId, reply: .declined))
        XCTAssertEqual(try v.only(en).answer, "You asked for another time")
        _ = try v.api.setDeviceOwner(personId: paul.id)
        XCTAssertEqual(try v.only(en).answer, "Sophie asked for another time")
        XCTAssertEqual(try v.only(fr).answer, "Sophie a demandé un autre moment")

        // A screen without the owner's id names everyone, the owner too.
        let unnamed = en.upcoming.list(try v.api.upcomingContacts(mentorshipId: nil), now: now).rows[0]
        XCTAssertEqual(unnamed.answer, "Sophie asked for another time")
        // And should the core have no name for whoever answered, the answer stands alone.
        var nameless = try v.api.plannedContact(contactId: hers.contactId)
        nameless.repliedByName = nil
        XCTAssertEqual(en.upcoming.row(nameless, now: now).answer, "Answer: another time")
        XCTAssertEqual(fr.upcoming.row(nameless, now: now).answer, "Réponse : un autre moment")
    }

    func testOneContactIsReadByItsIdAsTheOwnerSeesIt() throws {
        let v = try Visit(self)
        let now = nowMillis()
        plan(v, now: now)
        let id = try v.api.upcomingContacts(mentorshipId: nil)[0].contact.id
        XCTAssertEqual(try v.api.plannedContact(contactId: id), try v.api.upcomingContacts(mentorshipId: nil)[0])
        XCTAssertTrue(try v.api.plannedContact(contactId: id).plannerSide)
        try v.asSophie()
        XCTAssertFalse(try v.api.plannedContact(contactId: id).plannerSide)

        // An id that names nothing: the form does not open, and says so.
        let missing = "01890000-0000-7000-8000-000000000000"
        XCTAssertThrowsError(try PlanContactForm.loadChange(v.api, contactId: missing, time: en.time, now: now)) { error in
            guard case PasserelleError.NotFound? = error as? PasserelleError else {
                return XCTFail("expected NotFound, got \(error)")
            }
            XCTAssertEqual(en.errors.sentence(error), "This is no longer on this phone.")
        }
    }

    func testDaysAndLengthsInWords() {
        let now = at(2024, 11, 30, hour: 9)
        XCTAssertEqual(fr.time.dayAndTime(at: at(2024, 12, 3, hour: 14), now: now), "mardi 3 décembre à 14:00")
        XCTAssertTrue(en.time.dayAndTime(at: at(2024, 12, 3, hour: 14), now: now).hasPrefix("Tuesday, December 3 at "))
        // Another year carries it.
        XCTAssertEqual(fr.time.dayAndTime(at: at(2025, 1, 7, hour: 9, minute: 30), now: now), "mardi 7 janvier 2025 à 09:30")
        // The phone's calendar and clock: 14:30 in Paris, two days on.
        XCTAssertEqual(fr.time.atDayAndMinute(from: now, daysAhead: 2, minuteOfDay: 14 * 60 + 30), at(2024, 12, 2, hour: 14, minute: 30))
        XCTAssertEqual(fr.time.minuteOfDay(at: at(2024, 12, 2, hour: 14, minute: 30)), 14 * 60 + 30)
        // Across the change to summer time, 10:00 stays 10:00 on the wall clock.
        XCTAssertEqual(fr.time.atDayAndMinute(from: at(2025, 3, 29, hour: 20), daysAhead: 2, minuteOfDay: 10 * 60), at(2025, 3, 31, hour: 10))

        XCTAssertEqual(en.labels.length(30), "30 minutes")
        XCTAssertEqual(en.labels.length(60), "1 hour")
        XCTAssertEqual(en.labels.length(120), "2 hours")
        XCTAssertEqual(en.labels.length(90), "1 hour and 30 minutes")
        XCTAssertEqual(fr.labels.length(75), "1 heure et 15 minutes")
        XCTAssertEqual(fr.labels.length(600), "10 heures")
    }
}
