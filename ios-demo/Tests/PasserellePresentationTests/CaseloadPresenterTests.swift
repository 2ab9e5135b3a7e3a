// The mentor's home screen rows, built from a real caseload (encrypted store, one `caseload()`
// call) and checked word for word in English and French; the next planned visit or call comes
// when the mentor plans one and goes when it is cancelled, and the screen hears both; the
// contacts over that wait to be recorded are counted in words. Mirrors CaseloadPresenterTest.kt.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

final class CaseloadPresenterTests: XCTestCase {
    // UTC: whole days back from `now` are whole calendar days, whatever the time of day.
    private func presenter(_ strings: Strings) -> CaseloadPresenter {
        CaseloadPresenter(strings: strings, time: relativeTime(strings))
    }

    private func relativeTime(_ strings: Strings) -> RelativeTime {
        RelativeTime(strings: strings, timeZone: TimeZone(identifier: "UTC")!)
    }

    func testCaseloadRowsInEnglishAndFrench() throws {
        let p = try TestProgramme(self)
        let now = nowMillis()
        let sophie = try p.mentee("Sophie", needs: [.aphasia, .fatigue])
        let paul = try p.mentee("Paul")
        let anne = try p.mentee("Anne")
        let luc = try p.mentee("Luc")

        _ = try p.api.recordCheckin(input: p.checkIn(
            sophie,
            at: now - 3 * day,
            followUp: FollowUp(action: "Call the speech therapist", dueAt: now - day),
            concern: NewConcern(category: .mood, urgency: .urgent, summary: "Low mood since coming home.")
        ))
        _ = try p.api.recordCheckin(input: p.checkIn(anne, at: now, followUp: FollowUp(action: "Bring the leaflet", dueAt: now + 2 * day)))
        _ = try p.api.setDeviceOwner(personId: p.coordinator.id)
        _ = try p.api.pauseMentorship(mentorshipId: luc, note: nil)
        _ = try p.api.setDeviceOwner(personId: p.mentor.id)

        let caseload = try p.api.caseload()
        XCTAssertEqual(caseload.count, 4)

        let en = Dictionary(uniqueKeysWithValues: presenter(english).rows(caseload, now: now).map { ($0.mentorshipId, $0) })
        let s = try XCTUnwrap(en[sophie])
        XCTAssertEqual(s.name, "Sophie")
        XCTAssertNil(s.status)
        XCTAssertEqual(s.lastContact, "Last contact 3 days ago")
        XCTAssertEqual(s.progress, "Contacts: 1 of 6")
        XCTAssertEqual(s.nextFollowUp, "Follow-up due yesterday")
        XCTAssertEqual(s.nextContact, "No visit or call planned")
        XCTAssertEqual(s.overdueBadge, "1 follow-up late")
        XCTAssertEqual(s.concernBadge, "1 open concern: urgent")
        XCTAssertTrue(s.concernIsUrgent)
        XCTAssertEqual(s.needs, ["Aphasia: short sentences", "Tires easily: keep it short"])
        XCTAssertEqual(
            s.spoken,
            "Sophie. 1 open concern: urgent. 1 follow-up late. Last contact 3 days ago. "
                + "Follow-up due yesterday. No visit or call planned. Contacts: 1 of 6. Aphasia: short sentences. Tires easily: keep it short"
        )
        let pa = try XCTUnwrap(en[paul])
        XCTAssertEqual(pa.lastContact, "No contact yet")
        XCTAssertEqual(pa.progress, "Contacts: 0 of 6")
        XCTAssertNil(pa.nextFollowUp)
        XCTAssertNil(pa.overdueBadge)
        XCTAssertNil(pa.concernBadge)
        XCTAssertEqual(en[anne]?.lastContact, "Last contact today")
        XCTAssertEqual(en[anne]?.nextFollowUp, "Follow-up due in 2 days")
        XCTAssertEqual(en[luc]?.status, "Paused")

        let fr = Dictionary(uniqueKeysWithValues: presenter(french).rows(caseload, now: now).map { ($0.mentorshipId, $0) })
        XCTAssertEqual(fr[sophie]?.lastContact, "Dernier contact il y a 3 jours")
        XCTAssertEqual(fr[sophie]?.progress, "Contacts : 1 sur 6")
        XCTAssertEqual(fr[sophie]?.nextFollowUp, "Suivi prévu hier")
        XCTAssertEqual(fr[sophie]?.overdueBadge, "1 suivi en retard")
        XCTAssertEqual(fr[sophie]?.concernBadge, "1 inquiétude en cours : urgent")
        XCTAssertEqual(fr[sophie]?.needs, ["Aphasie : phrases courtes", "Se fatigue vite : faire court"])
        XCTAssertEqual(fr[paul]?.lastContact, "Pas encore de contact")
        XCTAssertEqual(fr[paul]?.nextContact, "Pas de rendez-vous prévu")
        XCTAssertEqual(fr[anne]?.lastContact, "Dernier contact aujourd'hui")
        XCTAssertEqual(fr[anne]?.nextFollowUp, "Suivi prévu dans 2 jours")
        XCTAssertEqual(fr[luc]?.status, "En pause")
    }

    func testBadgesCountInBothLanguages() throws {
        let p = try TestProgramme(self)
        let now = nowMillis()
        let sophie = try p.mentee("Sophie")
        for daysAgo: Int64 in [5, 4] {
            _ = try p.api.recordCheckin(input: p.checkIn(
                sophie,
                at: now - daysAgo * day,
                followUp: FollowUp(action: "Check on the appointment", dueAt: now - 2 * day),
                concern: NewConcern(category: .practical, urgency: .routine, summary: "Needs help with forms.")
            ))
        }
        let entry = try XCTUnwrap(p.api.caseload().first)
        let en = presenter(english).row(entry, now: now)
        XCTAssertEqual(en.overdueBadge, "2 follow-ups late")
        XCTAssertEqual(en.concernBadge, "2 open concerns: not urgent")
        XCTAssertFalse(en.concernIsUrgent)
        XCTAssertEqual(en.lastContact, "Last contact 4 days ago")
        let fr = presenter(french).row(entry, now: now)
        XCTAssertEqual(fr.overdueBadge, "2 suivis en retard")
        XCTAssertEqual(fr.concernBadge, "2 inquiétudes en cours : pas urgent")
        XCTAssertEqual(fr.nextFollowUp, "Suivi prévu il y a 2 jours")
    }

    func testContactsWaitingToBeRecordedAreCounted() throws {
        let p = try TestProgramme(self)
        let now = nowMillis()
        _ = try p.mentee("Sophie")
        let entry = try XCTUnwrap(p.api.caseload().first)
        let en = presenter(english)
        let fr = presenter(french)

        // Nothing over waits to be recorded: nothing said.
        XCTAssertEqual(entry.contactsToRecord, 0)
        XCTAssertNil(en.row(entry, now: now).toRecord)
        XCTAssertEqual(en.row(entry, now: now).spoken, "Sophie. No contact yet. No visit or call planned. Contacts: 0 of 6")

        // The core's count once contacts are over (the bindings have no clock to move it).
        func waiting(_ count: UInt32) -> CaseloadEntry {
            var copy = entry
            copy.contactsToRecord = count
            return copy
        }
        let one = en.row(waiting(1), now: now)
        XCTAssertEqual(one.toRecord, "1 contact to record")
        XCTAssertEqual(one.spoken, "Sophie. 1 contact to record. No contact yet. No visit or call planned. Contacts: 0 of 6")
        XCTAssertEqual(en.row(waiting(3), now: now).toRecord, "3 contacts to record")
        XCTAssertEqual(fr.row(waiting(1), now: now).toRecord, "1 contact à noter")
        XCTAssertEqual(fr.row(waiting(3), now: now).toRecord, "3 contacts à noter")
    }

    func testTheNextPlannedContactComesAndGoes() throws {
        let p = try TestProgramme(self)
        let now = nowMillis()
        let sophie = try p.mentee("Sophie")
        let paul = try p.mentee("Paul")
        let en = presenter(english)
        let fr = presenter(french)
        let enTime = relativeTime(english)
        let frTime = relativeTime(french)
        func rows(_ presenter: CaseloadPresenter) throws -> [String: CaseloadRow] {
            Dictionary(uniqueKeysWithValues: presenter.rows(try p.api.caseload(), now: now).map { ($0.mentorshipId, $0) })
        }

        // Nothing planned yet: said in a few words, for each mentee.
        let before = try rows(en)
        XCTAssertEqual(before[sophie]?.nextContact, "No visit or call planned")
        XCTAssertEqual(before[paul]?.nextContact, "No visit or call planned")
        XCTAssertEqual(before[sophie]?.spoken, "Sophie. No contact yet. No visit or call planned. Contacts: 0 of 6")
        XCTAssertEqual(try rows(fr)[sophie]?.nextContact, "Pas de rendez-vous prévu")

        // Marc plans a home visit with Sophie the day after tomorrow at 14:00; the screen hears it.
        let planned = Heard()
        p.api.setChangeObserver(observer: planned)
        let start = enTime.atDayAndMinute(from: now, daysAhead: 2, minuteOfDay: 14 * 60)
        let visit = try p.api.planContact(
            mentorshipId: sophie,
            details: ContactDetails(startsAt: start, durationMinutes: 60, mode: .homeVisit, place: nil, note: nil)
        )
        XCTAssertFalse(planned.collections.isDisjoint(with: CaseloadPresenter.watched), "planning reloads the caseload: \(planned.collections)")

        let caseload = try p.api.caseload()
        XCTAssertEqual(caseload.first(where: { $0.mentorshipId == sophie })?.nextContactAt, start)
        // The core's order stays as it is.
        XCTAssertEqual(en.rows(caseload, now: now).map { $0.mentorshipId }, caseload.map { $0.mentorshipId })
        let english = Dictionary(uniqueKeysWithValues: en.rows(caseload, now: now).map { ($0.mentorshipId, $0) })
        let next = "Next visit or call: \(enTime.dayAndTime(at: start, now: now)) (in 2 days)"
        XCTAssertEqual(english[sophie]?.nextContact, next)
        XCTAssertTrue(next.hasPrefix("Next visit or call: ") && next.hasSuffix(" (in 2 days)"), next)
        XCTAssertEqual(english[sophie]?.spoken, "Sophie. No contact yet. \(next). Contacts: 0 of 6")
        XCTAssertEqual(english[paul]?.nextContact, "No visit or call planned", "only Sophie has one")
        let french = Dictionary(uniqueKeysWithValues: fr.rows(caseload, now: now).map { ($0.mentorshipId, $0) })
        let frenchNext = try XCTUnwrap(french[sophie]?.nextContact)
        XCTAssertEqual(frenchNext, "Prochain rendez-vous : \(frTime.dayAndTime(at: start, now: now)) (dans 2 jours)")
        XCTAssertTrue(frenchNext.hasSuffix(" à 14:00 (dans 2 jours)"), frenchNext)

        // Cancelled, it is no longer coming: back to none, and the screen hears that too.
        let cancelled = Heard()
        p.api.setChangeObserver(observer: cancelled)
        _ = try p.api.cancelPlannedContact(contactId: visit.id)
        p.api.setChangeObserver(observer: nil)
        XCTAssertFalse(cancelled.collections.isDisjoint(with: CaseloadPresenter.watched), "cancelling reloads the caseload: \(cancelled.collections)")
        XCTAssertNil(try p.api.caseload().first(where: { $0.mentorshipId == sophie })?.nextContactAt)
        XCTAssertEqual(try rows(en)[sophie]?.nextContact, "No visit or call planned")
        XCTAssertEqual(try rows(fr)[sophie]?.nextContact, "Pas de rendez-vous prévu")
    }
}
