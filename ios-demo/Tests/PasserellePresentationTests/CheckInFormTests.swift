// The check-in form against a real store: what it builds, what it saves, and that each of the
// core's InvalidInput(field, problem) lands under the right field in the right language — and
// that a refused form saved nothing; a planned contact fills it in. Mirrors CheckInFormTest.kt.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

final class CheckInFormTests: XCTestCase {
    private let en = ErrorText(strings: english)
    private let fr = ErrorText(strings: french)

    private func rejected(_ form: CheckInForm, _ p: TestProgramme, _ errors: ErrorText? = nil,
                          file: StaticString = #filePath, line: UInt = #line) throws -> CheckInForm {
        let before = try p.api.outboxLen()
        guard case .rejected(let refused) = form.submit(p.api, errors: errors ?? en) else {
            XCTFail("expected the core to refuse the form", file: file, line: line)
            return form
        }
        XCTAssertEqual(try p.api.outboxLen(), before, "a refused form must save nothing", file: file, line: line)
        return refused
    }

    private func saved(_ form: CheckInForm, _ p: TestProgramme, file: StaticString = #filePath, line: UInt = #line) throws -> RecordedCheckIn {
        switch form.submit(p.api, errors: en) {
        case .saved(let recorded):
            return recorded
        case .rejected(let refused):
            XCTFail("refused: \(refused.errors) \(refused.formError ?? "")", file: file, line: line)
            throw PasserelleError.InvalidState(reason: "refused")
        }
    }

    func testBuildsTheInputAndSaves() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        let form = CheckInForm.new(mentorshipId: sophie, now: nowMillis())
            .withMode(.homeVisit)
            .withDuration(45)
            .withReached(.both)
            .toggle(.caregiverSupport)
            .toggle(.emotional)
            .toggle(.healthcarePathway)
            .toggle(.emotional) // tapped twice: off again
            .withWellbeing(.good)
            .withNotes("  Walked to the bakery together.  ")

        let input = form.toInput()
        XCTAssertEqual(input.dimensions, [.healthcarePathway, .caregiverSupport])
        XCTAssertEqual(input.wellbeing, 4)
        XCTAssertNil(input.followUp)
        XCTAssertNil(input.concern)

        let recorded = try saved(form, p)
        XCTAssertEqual(recorded.checkin.mode, .homeVisit)
        XCTAssertEqual(recorded.checkin.durationMinutes, 45)
        XCTAssertEqual(recorded.checkin.reached, .both)
        XCTAssertEqual(recorded.checkin.notes, "Walked to the bakery together.")
        XCTAssertNil(recorded.escalation)
        XCTAssertEqual(try p.api.caseload().first?.contactsDone, 1)
    }

    func testEachCoreRuleLandsUnderItsField() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        let now = nowMillis()
        let blank = CheckInForm.new(mentorshipId: sophie, now: now)

        let tooLong = try rejected(blank.withDuration(605), p)
        XCTAssertEqual(tooLong.errors, [.duration: "Choose between 0 and 600."])
        XCTAssertNil(tooLong.formError)
        XCTAssertEqual(tooLong.withDuration(600).errors, [:])
        XCTAssertEqual(try rejected(blank.withDuration(605), p, fr).errors, [.duration: "Choisissez entre 0 et 600."])

        let noAction = try rejected(blank.withFollowUp(true, now: now), p)
        XCTAssertEqual(noAction.errors, [.followUpAction: "Please fill this in."])
        XCTAssertEqual(noAction.withFollowUpAction("Call the GP").errors, [:])

        let dueBefore = try rejected(blank.withFollowUp(true, now: now).withFollowUpAction("Call the GP").withFollowUpInDays(-2, now: now), p)
        XCTAssertEqual(dueBefore.errors, [.followUpDue: "This date is before the contact."])

        let longNotes = try rejected(blank.withNotes(String(repeating: "a", count: 4001)), p)
        XCTAssertEqual(longNotes.errors, [.notes: "Too long: 4000 characters at most."])
        XCTAssertEqual(
            try rejected(blank.withNotes(String(repeating: "a", count: 4001)), p, fr).errors,
            [.notes: "Trop long : 4000 caractères au plus."]
        )

        XCTAssertEqual(try rejected(blank.withOccurredHoursAgo(-48, now: now), p).errors, [.when: "This date is too far ahead."])

        let noWorry = try rejected(blank.withConcern(true), p, fr)
        XCTAssertEqual(noWorry.errors, [.concernSummary: "Merci de remplir ce champ."])
        XCTAssertEqual(try p.api.caseload().first?.contactsDone, 0)

        let recorded = try saved(noWorry.withConcernCategory(.safety).withConcernUrgency(.urgent).withConcernSummary("Fell twice this week."), p)
        let escalation = try XCTUnwrap(recorded.escalation)
        XCTAssertEqual(escalation.urgency, .urgent)
        XCTAssertEqual(escalation.assignedTo, p.coordinator.id)
    }

    func testAmendsWithAReason() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        let now = nowMillis()
        let first = try saved(CheckInForm.new(mentorshipId: sophie, now: now).withWellbeing(.low).toggle(.emotional), p).checkin

        let form = CheckInForm.amend(try p.api.checkin(checkinId: first.checkinId))
        XCTAssertTrue(form.isAmendment)
        XCTAssertEqual(form.wellbeing, .low)
        XCTAssertEqual(form.dimensions, [.emotional])

        let noReason = try rejected(form.withDuration(45), p)
        XCTAssertEqual(noReason.errors, [.reason: "Please fill this in."])
        let amended = try saved(noReason.withReason("The call was longer"), p)
        XCTAssertEqual(amended.checkin.version, 2)
        XCTAssertEqual(amended.checkin.durationMinutes, 45)

        let contacts = ContactsPresenter(strings: english, time: RelativeTime(strings: english, timeZone: TimeZone(identifier: "UTC")!))
        let row = try XCTUnwrap(contacts.rows(try p.api.mentorshipTimeline(mentorshipId: sophie), now: now).first)
        XCTAssertEqual(row.summary, "Phone · 45 minutes · today")
        XCTAssertEqual(row.corrected, "Corrected")
        XCTAssertEqual(row.spoken, "Phone. 45 minutes. today. Feeling: Bad, 2 of 5. Corrected")
    }

    func testAPlannedContactFillsTheFormIn() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        let now = nowMillis()
        let startsAt = now + 2 * hour
        let visit = try p.api.planContact(
            mentorshipId: sophie,
            details: ContactDetails(startsAt: startsAt, durationMinutes: 45, mode: .homeVisit, place: "At home", note: nil)
        )

        // "Record check-in": one plannedContact() call, then its start, how and how long.
        let form = try CheckInForm.loadRecording(p.api, contactId: visit.id)
        XCTAssertEqual(form.mentorshipId, sophie)
        XCTAssertNil(form.amending)
        XCTAssertEqual(form.plannedContactId, visit.id)
        XCTAssertEqual(form.occurredAt, startsAt)
        XCTAssertEqual(form.mode, .homeVisit)
        XCTAssertEqual(form.durationMinutes, 45)
        XCTAssertFalse(form.isAmendment)
        XCTAssertFalse(form.choosesWhen, "it keeps its planned start")
        XCTAssertTrue(CheckInForm.new(mentorshipId: sophie, now: now).choosesWhen)
        XCTAssertEqual(form.withNotes("Walked to the market.").toInput().plannedContactId, visit.id)
        XCTAssertNil(CheckInForm.new(mentorshipId: sophie, now: now).toInput().plannedContactId)

        // Not started yet: the core refuses, in a sentence above the form, and nothing is saved.
        let early = try rejected(form, p)
        XCTAssertEqual(early.formError, "This visit or call has not started yet.")
        XCTAssertEqual(early.errors, [:])
        XCTAssertEqual(try rejected(form, p, fr).formError, "Cette visite ou cet appel n'a pas encore commencé.")

        // A check-in that records no planned contact is amended naming none.
        let plain = try saved(CheckInForm.new(mentorshipId: sophie, now: now), p).checkin
        XCTAssertNil(CheckInForm.amend(try p.api.checkin(checkinId: plain.checkinId)).plannedContactId)
    }

    func testErrorsWithoutAFieldGoAboveTheForm() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        _ = try p.api.setDeviceOwner(personId: p.coordinator.id) // only the mentor records check-ins
        let refused = try rejected(CheckInForm.new(mentorshipId: sophie, now: nowMillis()), p)
        XCTAssertEqual(refused.formError, "Your account cannot do this.")
        XCTAssertEqual(refused.errors, [:])
        XCTAssertNil(refused.withNotes("x").formError)
    }

    func testTappingTheChosenFaceAgainClearsTheScore() {
        let form = CheckInForm.new(mentorshipId: "0190f5c2-0000-7000-8000-000000000001", now: 0).withWellbeing(.soSo)
        XCTAssertEqual(form.toInput().wellbeing, 3)
        XCTAssertNil(form.withWellbeing(.soSo).toInput().wellbeing)
        XCTAssertEqual(form.withWellbeing(.veryGood).toInput().wellbeing, 5)
    }

    func testChipLabelsInBothLanguages() {
        let en = CheckInLabels(strings: english)
        let fr = CheckInLabels(strings: french)
        XCTAssertEqual(en.dimension(.emotional), "Feelings")
        XCTAssertEqual(fr.dimension(.socialAdministrative), "Démarches et droits")
        XCTAssertEqual(en.reached(.caregiver), "Their carer")
        XCTAssertEqual(fr.mode(.homeVisit), "Visite à domicile")
        XCTAssertEqual(en.duration(1), "1 minute")
        XCTAssertEqual(fr.duration(0), "0 minute") // French counts 0 as singular
        XCTAssertEqual(fr.duration(90), "90 minutes")
        for labels in [en, fr] {
            XCTAssertEqual(Set(Choices.dimensions.map(labels.dimension)).count, 5)
            XCTAssertEqual(Set(Choices.modes.map(labels.mode)).count, 6)
            XCTAssertEqual(Set(Choices.reached.map(labels.reached)).count, 4)
            XCTAssertEqual(Set(Choices.concerns.map(labels.concern)).count, 6)
            XCTAssertEqual(Set(Choices.urgencies.map(labels.urgency)).count, 3)
        }
    }
}
