// The "Mentors" roster against a real store: a coordinator's programme with three mentors —
// Inès with no profile and no course, Paul trained for good and never supervised, Marc with a
// mentee, a proposal, a course that lapses next March and a supervision six weeks ago — comes in
// the core's order (not the names'), worded in English and French; nobody on it is said in
// words; a supervision recorded is heard and moves that mentor down; and a mentor signed in on
// the phone is told, in a sentence, that their account cannot do this. Mirrors
// RosterPresenterTest.kt. Dates are the locale's own pattern, as `moment` words them: English
// "Mar 12, 2027" where the JVM's fixed pattern says "12 Mar 2027"; French "12 mars 2027" on both.
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
private func at(_ year: Int, _ month: Int, _ day: Int, hour: Int = 12, minute: Int = 0) -> Int64 {
    let date = parisCalendar().date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    return Int64(date.timeIntervalSince1970 * 1000)
}

/// The coordinator (the phone's owner) and three mentors: Marc (4 places, Sophie his mentee, Léa
/// proposed to him; a course until noon on 12 March next year; supervised 45 days ago), Inès (no
/// profile, no course, never supervised) and Paul (2 places, nobody yet; a course that never
/// lapses; never supervised).
private final class Mentors {
    let p: TestProgramme
    let api: Passerelle
    let marc: Person
    let ines: Person
    let paul: Person
    /// The year of Marc's course's end: next year, so the date carries it.
    let nextYear: Int

    init(_ test: XCTestCase) throws {
        // Locals first: a class may not read its own properties before all are set.
        let p = try TestProgramme(test)
        let api = p.api
        _ = try p.mentee("Sophie")
        _ = try api.setDeviceOwner(personId: p.coordinator.id)
        let ines = try api.createPerson(person: NewPerson(role: .mentor, displayName: "Inès"))
        let paul = try api.createPerson(person: NewPerson(role: .mentor, displayName: "Paul"))
        try api.saveProfile(profile: .mentor(profile: MentorProfile(personId: p.mentor.id, languages: ["fr"], capacity: 4, availability: nil)))
        try api.saveProfile(profile: .mentor(profile: MentorProfile(personId: paul.id, languages: ["en"], capacity: 2, availability: nil)))

        let now = nowMillis()
        let nextYear = parisCalendar().component(.year, from: Date()) + 1
        try Mentors.training(api, p.mentor, completedAt: now - 60 * day, validUntil: at(nextYear, 3, 12))
        try Mentors.training(api, paul, completedAt: now - 10 * day, validUntil: nil)
        try Mentors.supervise(api, p.mentor, at: now - 45 * day)

        let lea = try api.createPerson(person: NewPerson(role: .survivor, displayName: "Léa"))
        _ = try api.proposeMentorship(mentorship: NewMentorship(
            survivorId: lea.id,
            mentorId: p.mentor.id,
            plannedContacts: 6,
            plannedWeeks: 12,
            matchingNotes: nil
        ))

        self.p = p
        self.api = api
        self.marc = p.mentor
        self.ines = ines
        self.paul = paul
        self.nextYear = nextYear
    }

    static func training(_ api: Passerelle, _ mentor: Person, completedAt: Int64, validUntil: Int64?) throws {
        _ = try api.recordTraining(training: NewTraining(
            mentorId: mentor.id,
            course: "Peer support basics",
            completedAt: completedAt,
            validUntil: validUntil,
            notes: nil
        ))
    }

    static func supervise(_ api: Passerelle, _ mentor: Person, at: Int64) throws {
        _ = try api.recordSupervision(supervision: NewSupervision(
            mentorId: mentor.id,
            heldAt: at,
            format: .individual,
            durationMinutes: 45,
            notes: nil
        ))
    }

    func roster(_ presentation: Presentation) throws -> Roster {
        presentation.roster.list(try api.mentorRoster(), now: nowMillis())
    }
}

final class RosterPresenterTests: XCTestCase {
    private let en = Presentation(strings: english, timeZone: paris)
    private let fr = Presentation(strings: french, timeZone: paris)

    func testThoseNeedingAttentionComeFirstInWords() throws {
        let m = try Mentors(self)
        let roster = try m.roster(en)
        // Not trained first, then never supervised, then supervised longest ago: not by name.
        XCTAssertEqual(roster.rows.map(\.mentorId), [m.ines.id, m.paul.id, m.marc.id], "the core's order, kept")
        XCTAssertEqual(roster.rows.map(\.mentorId), try m.api.mentorRoster().map(\.mentorId))
        XCTAssertNil(roster.empty)
        XCTAssertEqual(roster.rows.count, 3)
        let (ines, paul, marc) = (roster.rows[0], roster.rows[1], roster.rows[2])

        XCTAssertEqual(ines, RosterRow(
            mentorId: m.ines.id,
            name: "Inès",
            load: "Profile not filled in yet",
            proposed: nil,
            training: "No current training",
            trained: false,
            supervision: "Never supervised",
            spoken: "Inès. Profile not filled in yet. No current training. Never supervised"
        ))
        XCTAssertEqual(
            [paul.name, paul.load, paul.proposed, paul.training, paul.supervision],
            ["Paul", "0 mentees of 2 places", nil, "Training up to date", "Never supervised"]
        )
        XCTAssertTrue(paul.trained)
        XCTAssertEqual(paul.spoken, "Paul. 0 mentees of 2 places. Training up to date. Never supervised")

        let until = "Training up to date until Mar 12, \(m.nextYear)"
        XCTAssertEqual(
            [marc.name, marc.load, marc.proposed, marc.training, marc.supervision],
            ["Marc", "1 mentee of 4 places", "1 proposal waiting", until, "Last supervised 6 weeks ago"]
        )
        XCTAssertEqual(marc.spoken, "Marc. 1 mentee of 4 places. 1 proposal waiting. \(until). Last supervised 6 weeks ago")
    }

    func testTheSameRowsInFrench() throws {
        let m = try Mentors(self)
        let rows = try m.roster(fr).rows
        XCTAssertEqual(rows.count, 3)
        let (ines, paul, marc) = (rows[0], rows[1], rows[2])
        XCTAssertEqual(
            [ines.name, ines.load, ines.proposed, ines.training, ines.supervision],
            ["Inès", "Profil pas encore rempli", nil, "Pas de formation à jour", "Pas encore de supervision"]
        )
        XCTAssertEqual(
            [paul.name, paul.load, paul.proposed, paul.training, paul.supervision],
            ["Paul", "0 binôme sur 2 places", nil, "Formation à jour", "Pas encore de supervision"]
        )
        XCTAssertEqual(
            [marc.name, marc.load, marc.proposed, marc.training, marc.supervision],
            [
                "Marc",
                "1 binôme sur 4 places",
                "1 proposition en attente",
                "Formation à jour jusqu'au 12 mars \(m.nextYear)",
                "Dernière supervision il y a 6 semaines",
            ]
        )
        XCTAssertEqual(
            marc.spoken,
            "Marc. 1 binôme sur 4 places. 1 proposition en attente. "
                + "Formation à jour jusqu'au 12 mars \(m.nextYear). Dernière supervision il y a 6 semaines"
        )
    }

    func testWithoutAProfileTheMenteesAreStillCounted() throws {
        let p = try TestProgramme(self)
        // Marc supports Sophie, but his profile (how many places) was never filled in.
        _ = try p.mentee("Sophie")
        _ = try p.api.setDeviceOwner(personId: p.coordinator.id)
        let now = nowMillis()
        XCTAssertEqual(en.roster.list(try p.api.mentorRoster(), now: now).rows.first?.load, "1 mentee, profile not filled in yet")
        XCTAssertEqual(fr.roster.list(try p.api.mentorRoster(), now: now).rows.first?.load, "1 binôme, profil pas encore rempli")
    }

    func testNoMentorsYetIsSaidInWords() throws {
        // A programme's first professional, before any mentor is enrolled.
        let folder = try temporaryFolder(self)
        let api = try Passerelle.open(path: folder.appendingPathComponent("empty.db").path, key: randomKey())
        _ = try api.createDeviceOwner(person: NewPerson(role: .professional, displayName: "Claire"))
        XCTAssertEqual(en.roster.list(try api.mentorRoster(), now: nowMillis()), Roster(rows: [], empty: "No mentors yet."))
        XCTAssertEqual(fr.roster.list(try api.mentorRoster(), now: nowMillis()), Roster(rows: [], empty: "Pas encore de mentor."))
    }

    func testASupervisionIsHeardAndMovesTheMentorDown() throws {
        let m = try Mentors(self)
        let heard = Heard()
        m.api.setChangeObserver(observer: heard)
        // An hour ago, but today in Paris: "less than a day" is the same calendar day, and
        // between midnight and one an hour ago was yesterday.
        let today = Int64(parisCalendar().startOfDay(for: Date()).timeIntervalSince1970 * 1000)
        try Mentors.supervise(m.api, m.paul, at: max(nowMillis() - hour, today))
        m.api.setChangeObserver(observer: nil)

        // The write is announced, which moves `AppModel.changes`, so the roster reloads.
        XCTAssertTrue(heard.collections.contains("supervision_session"), "\(heard.collections)")
        let rows = try m.roster(en).rows
        XCTAssertEqual(rows.map(\.name), ["Inès", "Marc", "Paul"])
        XCTAssertEqual(rows.last?.supervision, "Last supervised less than a day ago")
        XCTAssertEqual(try m.roster(fr).rows.last?.supervision, "Dernière supervision il y a moins d'un jour")
    }

    func testAMentorSignedInIsToldTheirAccountCannotDoThis() throws {
        let m = try Mentors(self)
        _ = try m.api.setDeviceOwner(personId: m.marc.id)
        // What the screen shows when loading fails.
        XCTAssertThrowsError(try m.api.mentorRoster()) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
            XCTAssertEqual(en.errors.sentence(error), "Your account cannot do this.")
            XCTAssertEqual(fr.errors.sentence(error), "Votre compte ne permet pas de faire cela.")
        }
    }

    func testCalendarDatesCarryTheYearOnlyWhenItIsAnother() {
        let now = at(2024, 3, 5)
        XCTAssertEqual(en.time.calendarDate(at: at(2024, 3, 12), now: now), "Mar 12")
        XCTAssertEqual(fr.time.calendarDate(at: at(2024, 3, 12), now: now), "12 mars")
        XCTAssertEqual(en.time.calendarDate(at: at(2025, 3, 12), now: now), "Mar 12, 2025")
        // Half past midnight on New Year's Day in Paris is still the old year in UTC: the phone's day counts.
        XCTAssertEqual(fr.time.calendarDate(at: at(2025, 1, 1, hour: 0, minute: 30), now: at(2024, 12, 31)), "1 janv. 2025")
    }

    func testTheNewTextsExistInBothLanguages() {
        XCTAssertEqual(french.plural(.rosterMentees, 2), "2 binômes")
        XCTAssertEqual(french.plural(.rosterPlaces, 1), "1 place")
        XCTAssertEqual(french.plural(.rosterProposed, 3), "3 propositions en attente")
        XCTAssertEqual(english.plural(.rosterMentees, 2), "2 mentees")
    }
}
