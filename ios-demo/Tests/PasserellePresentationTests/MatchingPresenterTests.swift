// "Find a mentor" against a real store: a coordinator's programme with three mentors (different
// languages, places, training and history with the survivor) and a survivor with a profile; the
// rows come in the core's order, worded in English and French; the consent warning comes and
// goes; a proposal made from the presenter shows in the reloaded rows; and a mentor signed in
// on the phone is told, in a sentence, that their account cannot do this. Before all that, the
// waiting list the coordinator picks the survivor from: longest waiting first, in both
// languages, with nobody on it said in words, and a survivor gone from it once proposed.
// Mirrors MatchingPresenterTest.kt.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

/// The coordinator (the phone's owner) and, around a survivor Ahmed (Arabic then French,
/// aphasia, no consent yet): Marc (French, English; 3 places, one taken by Sophie; trained; free
/// on Tuesday evenings), Inès (Arabic, French; 1 place; never trained) and Paul (English;
/// 1 place, taken by Léa; his training lapsed; mentored Ahmed before).
private final class Matching {
    let p: TestProgramme
    let api: Passerelle
    let marc: Person
    let ines: Person
    let paul: Person
    let ahmed: Person

    init(_ test: XCTestCase) throws {
        // Locals first: a class may not read its own properties before all are set.
        let p = try TestProgramme(test)
        let api = p.api
        let marc = p.mentor
        let ines = try Matching.mentor(p, "Inès", languages: ["ar", "fr"], capacity: 1)
        let paul = try Matching.mentor(p, "Paul", languages: ["en"], capacity: 1)

        _ = try p.mentee("Sophie")
        _ = try api.setDeviceOwner(personId: p.coordinator.id)
        try api.saveProfile(profile: .mentor(profile: MentorProfile(
            personId: marc.id,
            languages: ["fr", "en"],
            capacity: 3,
            availability: "Tuesday evenings"
        )))
        let now = nowMillis()
        try Matching.training(api, marc, completedAt: now - 30 * day, validUntil: now + 300 * day)
        try Matching.training(api, paul, completedAt: now - 800 * day, validUntil: now - 70 * day)

        let lea = try api.createPerson(person: NewPerson(role: .survivor, displayName: "Léa"))
        try Matching.consent(api, lea)
        _ = try api.activateMentorship(mentorshipId: try Matching.propose(api, lea, paul).id)

        let ahmed = try api.createPerson(person: NewPerson(role: .survivor, displayName: "Ahmed"))
        try api.saveProfile(profile: .survivor(profile: SurvivorProfile(
            personId: ahmed.id,
            preferredLanguages: ["ar", "fr"],
            communicationNeeds: [.aphasia],
            homeArea: "Lille",
            strokeDate: nil,
            dischargeDate: nil,
            goals: []
        )))
        _ = try api.endMentorship(mentorshipId: try Matching.propose(api, ahmed, paul).id, reason: .mentorUnavailable, note: nil)

        self.p = p
        self.api = api
        self.marc = marc
        self.ines = ines
        self.paul = paul
        self.ahmed = ahmed
    }

    static func mentor(_ p: TestProgramme, _ name: String, languages: [String], capacity: UInt32) throws -> Person {
        _ = try p.api.setDeviceOwner(personId: p.coordinator.id)
        let mentor = try p.api.createPerson(person: NewPerson(role: .mentor, displayName: name))
        try p.api.saveProfile(profile: .mentor(profile: MentorProfile(
            personId: mentor.id,
            languages: languages,
            capacity: capacity,
            availability: nil
        )))
        return mentor
    }

    static func training(_ api: Passerelle, _ mentor: Person, completedAt: Int64, validUntil: Int64) throws {
        _ = try api.recordTraining(training: NewTraining(
            mentorId: mentor.id,
            course: "Peer support basics",
            completedAt: completedAt,
            validUntil: validUntil,
            notes: nil
        ))
    }

    static func consent(_ api: Passerelle, _ survivor: Person) throws {
        _ = try api.grantConsent(consent: NewConsent(
            survivorId: survivor.id,
            scope: .programme,
            caregiverId: nil,
            grantedAt: nowMillis() - day
        ))
    }

    static func propose(_ api: Passerelle, _ survivor: Person, _ mentor: Person) throws -> Mentorship {
        try api.proposeMentorship(mentorship: NewMentorship(
            survivorId: survivor.id,
            mentorId: mentor.id,
            plannedContacts: 6,
            plannedWeeks: 12,
            matchingNotes: nil
        ))
    }

    func page(_ presentation: Presentation, _ survivor: Person? = nil) throws -> MatchingPage {
        presentation.matching.page(try api.mentorMatches(survivorId: (survivor ?? ahmed).id))
    }

    /// A survivor with a profile, as the coordinator records it, home since `dischargedAt` if known.
    static func survivor(
        _ api: Passerelle,
        _ name: String,
        languages: [String],
        needs: [CommunicationNeed],
        dischargedAt: Int64?
    ) throws -> Person {
        let survivor = try api.createPerson(person: NewPerson(role: .survivor, displayName: name))
        try api.saveProfile(profile: .survivor(profile: SurvivorProfile(
            personId: survivor.id,
            preferredLanguages: languages,
            communicationNeeds: needs,
            homeArea: "Lille",
            strokeDate: nil,
            dischargeDate: dischargedAt,
            goals: []
        )))
        return survivor
    }

    /// Around Ahmed (enrolled now, no consent, mentored by Paul before): Bruno, home for 100
    /// days, and Chloé, for 24 (both consenting); Odile, whose consent alone is on this phone;
    /// and Zoé, of whom nothing but her name is here (someone else is responsible for her).
    @discardableResult
    func waitingList() throws -> [String: Person] {
        let now = nowMillis()
        let bruno = try Matching.survivor(api, "Bruno", languages: ["fr"], needs: [.fatigue], dischargedAt: now - 100 * day)
        let chloe = try Matching.survivor(api, "Chloé", languages: ["en", "fr"], needs: [], dischargedAt: now - 24 * day)
        let odile = try api.createPerson(person: NewPerson(role: .survivor, displayName: "Odile"))
        for survivor in [bruno, chloe, odile] {
            try Matching.consent(api, survivor)
        }
        _ = try api.createPerson(person: NewPerson(role: .survivor, displayName: "Zoé"))
        return ["Bruno": bruno, "Chloé": chloe, "Odile": odile]
    }

    func waiting(_ presentation: Presentation) throws -> WaitingList {
        presentation.waitingList.list(try api.survivorsAwaitingMentor(), now: nowMillis())
    }
}

final class MatchingPresenterTests: XCTestCase {
    private let en = Presentation(strings: english, timeZone: TimeZone(identifier: "Europe/Paris")!)
    private let fr = Presentation(strings: french, timeZone: TimeZone(identifier: "Europe/Paris")!)

    func testTheBestFitsComeFirstInWords() throws {
        let m = try Matching(self)
        let rows = try m.page(en).rows
        XCTAssertEqual(rows.map(\.mentorId), [m.ines.id, m.marc.id, m.paul.id], "the core's order, kept")
        let (ines, marc, paul) = (rows[0], rows[1], rows[2])

        XCTAssertEqual(ines.languages, "Speaks Arabic, French")
        XCTAssertEqual(ines.places, "1 place free")
        XCTAssertEqual(ines.training, "No current training")
        XCTAssertNil(ines.history)
        XCTAssertNil(ines.availability)
        XCTAssertTrue(ines.canPropose)
        XCTAssertEqual(ines.proposeLabel, "Propose Inès")

        XCTAssertEqual(marc.languages, "Speaks French")
        XCTAssertEqual(marc.places, "2 places free")
        XCTAssertEqual(marc.training, "Training up to date")
        XCTAssertEqual(marc.availability, "Availability: Tuesday evenings")
        XCTAssertTrue(marc.canPropose)
        XCTAssertEqual(marc.spoken, "Marc. Speaks French. 2 places free. Training up to date. Availability: Tuesday evenings")

        // Last and dimmed: no place, and no language in common.
        XCTAssertEqual(paul.languages, "No shared language")
        XCTAssertEqual(paul.places, "No place free")
        XCTAssertEqual(paul.training, "No current training")
        XCTAssertEqual(paul.history, "Mentored Ahmed before")
        XCTAssertFalse(paul.canPropose)
    }

    func testTheSameRowsInFrench() throws {
        let m = try Matching(self)
        let rows = try m.page(fr).rows
        let (ines, marc, paul) = (rows[0], rows[1], rows[2])
        XCTAssertEqual(
            [ines.name, ines.languages, ines.places, ines.training, ines.history, ines.availability],
            ["Inès", "Parle arabe, français", "1 place libre", "Pas de formation à jour", nil, nil]
        )
        XCTAssertEqual(
            [marc.name, marc.languages, marc.places, marc.training, marc.history, marc.availability],
            ["Marc", "Parle français", "2 places libres", "Formation à jour", nil, "Disponibilités : Tuesday evenings"]
        )
        XCTAssertEqual(
            [paul.name, paul.languages, paul.places, paul.training, paul.history, paul.availability],
            ["Paul", "Aucune langue en commun", "Aucune place libre", "Pas de formation à jour", "A déjà accompagné Ahmed", nil]
        )
        XCTAssertEqual(ines.proposeLabel, "Proposer Inès")
        XCTAssertEqual(fr.matching.plan(), "6 contacts en 12 semaines")
        XCTAssertEqual(en.matching.plan(), "6 contacts in 12 weeks")
    }

    func testTheHeaderWarnsUntilConsentIsRecorded() throws {
        let m = try Matching(self)
        let header = try m.page(en).header
        XCTAssertEqual(header.name, "Ahmed")
        XCTAssertEqual(header.languages, "Prefers: Arabic, French")
        XCTAssertEqual(header.needs, ["Aphasia: short sentences"])
        XCTAssertEqual(header.consentWarning, "No consent to take part recorded. A mentorship cannot start without it.")
        XCTAssertEqual(
            header.spoken,
            "Ahmed. Prefers: Arabic, French. Aphasia: short sentences. "
                + "No consent to take part recorded. A mentorship cannot start without it."
        )
        let french = try m.page(fr).header
        XCTAssertEqual(french.languages, "Préfère : arabe, français")
        XCTAssertEqual(french.needs, ["Aphasie : phrases courtes"])
        XCTAssertEqual(
            french.consentWarning,
            "Pas de consentement à participer enregistré. Le binôme ne peut pas commencer sans lui."
        )

        try Matching.consent(m.api, m.ahmed)
        let consented = try m.page(en).header
        XCTAssertNil(consented.consentWarning)
        XCTAssertEqual(consented.spoken, "Ahmed. Prefers: Arabic, French. Aphasia: short sentences")
    }

    func testWithoutTheSurvivorsProfileTheMentorsOwnLanguagesAreShown() throws {
        let m = try Matching(self)
        let karim = try m.api.createPerson(person: NewPerson(role: .survivor, displayName: "Karim"))
        let page = try m.page(en, karim)
        XCTAssertEqual(page.header.languages, "Their languages are not on this phone")
        XCTAssertEqual(page.header.needs, [])
        XCTAssertEqual(try m.page(fr, karim).header.languages, "Ses langues ne sont pas sur ce téléphone")
        XCTAssertEqual(page.rows.first { $0.mentorId == m.marc.id }?.languages, "Speaks French, English")
        XCTAssertEqual(try m.page(fr, karim).rows.first { $0.mentorId == m.marc.id }?.languages, "Parle français, anglais")
    }

    func testAProposalShowsInTheReloadedRows() throws {
        let m = try Matching(self)
        let ines = try m.page(en).rows[0]
        guard case .proposed(let mentorship, let sentence) = en.matching.propose(
            m.api, survivorId: m.ahmed.id, mentor: ines, note: "  Both speak Arabic  "
        ) else {
            return XCTFail("not proposed")
        }
        XCTAssertEqual(sentence, "Proposed to Inès.")
        XCTAssertEqual(mentorship.status, .proposed)
        XCTAssertEqual(mentorship.plannedContacts, 6)
        XCTAssertEqual(mentorship.plannedWeeks, 12)
        XCTAssertEqual(mentorship.matchingNotes, "Both speak Arabic")

        // Her one place is now spoken for: Marc comes first, and she joins the dimmed ones.
        let after = try m.page(en).rows
        XCTAssertEqual(after.map(\.mentorId), [m.marc.id, m.ines.id, m.paul.id])
        XCTAssertEqual(after.map(\.canPropose), [true, false, false])
        XCTAssertEqual(after[1].history, "Already matched with Ahmed")
        XCTAssertEqual(after[1].places, "No place free")
        XCTAssertEqual(try m.page(fr).rows[1].history, "Déjà en binôme avec Ahmed")

        // A second proposal to her is refused by the core, in a sentence.
        XCTAssertEqual(
            fr.matching.propose(m.api, survivorId: m.ahmed.id, mentor: ines, note: ""),
            .failed("Ce n'est pas possible pour le moment.", onNote: false)
        )

        // A blank note is no note.
        guard case .proposed(let toMarc, let french) = fr.matching.propose(
            m.api, survivorId: m.ahmed.id, mentor: after[0], note: " "
        ) else {
            return XCTFail("not proposed to Marc")
        }
        XCTAssertEqual(french, "Binôme proposé à Marc.")
        XCTAssertNil(toMarc.matchingNotes)
    }

    func testTheWaitingListLongestWaitingFirstInWords() throws {
        let m = try Matching(self)
        let others = try m.waitingList()
        let list = try m.waiting(en)
        // Sophie and Léa have their mentorships, Zoé is someone else's: not listed.
        XCTAssertEqual(
            list.rows.map(\.survivorId),
            [try XCTUnwrap(others["Bruno"]).id, try XCTUnwrap(others["Chloé"]).id, m.ahmed.id, try XCTUnwrap(others["Odile"]).id],
            "the core's order, kept"
        )
        XCTAssertNil(list.empty)
        XCTAssertEqual(list.rows.count, 4)
        let (bruno, chloe, ahmed, odile) = (list.rows[0], list.rows[1], list.rows[2], list.rows[3])

        XCTAssertEqual(bruno.name, "Bruno")
        XCTAssertEqual(bruno.waiting, "Waiting for 3 months since going home")
        XCTAssertEqual(bruno.languages, "Prefers: French")
        XCTAssertEqual(bruno.needs, ["Tires easily: keep it short"])
        XCTAssertNil(bruno.consent)
        XCTAssertNil(bruno.mentoredBefore)
        XCTAssertEqual(bruno.spoken, "Bruno. Waiting for 3 months since going home. Prefers: French. Tires easily: keep it short")

        XCTAssertEqual(chloe.waiting, "Waiting for 3 weeks since going home")
        XCTAssertEqual(chloe.languages, "Prefers: English, French")
        XCTAssertEqual(chloe.needs, [])

        // Enrolled just now, discharge not known: counted from the enrolment, and said so.
        XCTAssertEqual(ahmed.waiting, "Waiting for less than a day since enrolment")
        XCTAssertEqual(ahmed.consent, "Consent to take part not recorded")
        XCTAssertEqual(ahmed.mentoredBefore, "Mentored before")
        XCTAssertEqual(
            ahmed.spoken,
            "Ahmed. Waiting for less than a day since enrolment. Prefers: Arabic, French. "
                + "Aphasia: short sentences. Consent to take part not recorded. Mentored before"
        )

        // Only her consent is here: listed, her languages not known.
        XCTAssertEqual(odile.languages, "Their languages are not on this phone")
        XCTAssertNil(odile.consent)
    }

    func testTheWaitingListInFrench() throws {
        let m = try Matching(self)
        try m.waitingList()
        let rows = try m.waiting(fr).rows
        XCTAssertEqual(rows.count, 4)
        let (bruno, chloe, ahmed, odile) = (rows[0], rows[1], rows[2], rows[3])
        XCTAssertEqual(
            [bruno.name, bruno.waiting, bruno.languages, bruno.consent, bruno.mentoredBefore],
            ["Bruno", "Depuis le retour à domicile : 3 mois d'attente", "Préfère : français", nil, nil]
        )
        XCTAssertEqual(bruno.needs, ["Se fatigue vite : faire court"])
        XCTAssertEqual(chloe.waiting, "Depuis le retour à domicile : 3 semaines d'attente")
        XCTAssertEqual(chloe.languages, "Préfère : anglais, français")
        XCTAssertEqual(
            [ahmed.name, ahmed.waiting, ahmed.languages, ahmed.consent, ahmed.mentoredBefore],
            [
                "Ahmed",
                "Depuis l'inscription : moins d'un jour d'attente",
                "Préfère : arabe, français",
                "Consentement à participer non enregistré",
                "A déjà eu un mentor",
            ]
        )
        XCTAssertEqual(
            ahmed.spoken,
            "Ahmed. Depuis l'inscription : moins d'un jour d'attente. Préfère : arabe, français. "
                + "Aphasie : phrases courtes. Consentement à participer non enregistré. A déjà eu un mentor"
        )
        XCTAssertEqual(odile.languages, "Ses langues ne sont pas sur ce téléphone")
    }

    func testNobodyWaitingIsSaidInWords() throws {
        let p = try TestProgramme(self)
        // Sophie has her mentor: the coordinator's list is empty, and says so.
        _ = try p.mentee("Sophie")
        _ = try p.api.setDeviceOwner(personId: p.coordinator.id)
        let list = en.waitingList.list(try p.api.survivorsAwaitingMentor(), now: nowMillis())
        XCTAssertEqual(list.rows, [])
        XCTAssertEqual(list.empty, "Nobody is waiting for a mentor.")
        XCTAssertEqual(fr.waitingList.list([], now: nowMillis()).empty, "Personne n'attend de mentor.")
    }

    func testOnceProposedTheSurvivorLeavesTheWaitingList() throws {
        let m = try Matching(self)
        try m.waitingList()
        XCTAssertEqual(try m.waiting(en).rows.map(\.name), ["Bruno", "Chloé", "Ahmed", "Odile"])

        // The coordinator taps Ahmed, then proposes Inès, as the screens do.
        let heard = Heard()
        m.api.setChangeObserver(observer: heard)
        let ines = try m.page(en).rows[0]
        guard case .proposed = en.matching.propose(m.api, survivorId: m.ahmed.id, mentor: ines, note: "") else {
            return XCTFail("not proposed")
        }
        m.api.setChangeObserver(observer: nil)

        // The write is announced, which moves `AppModel.changes`, so the waiting list reloads.
        XCTAssertTrue(heard.collections.contains("mentorship"), "\(heard.collections)")
        XCTAssertEqual(try m.waiting(en).rows.map(\.name), ["Bruno", "Chloé", "Odile"])
    }

    func testANoteTooLongIsSaidUnderTheNote() throws {
        let m = try Matching(self)
        let marc = try XCTUnwrap(try m.page(en).rows.first { $0.mentorId == m.marc.id })
        XCTAssertEqual(
            en.matching.propose(m.api, survivorId: m.ahmed.id, mentor: marc, note: String(repeating: "x", count: 1001)),
            .failed("Too long: 1000 characters at most.", onNote: true)
        )
        XCTAssertEqual(try m.page(en).rows.first { $0.mentorId == m.marc.id }?.canPropose, true, "nothing was proposed")
    }

    func testAMentorSignedInIsToldTheirAccountCannotDoThis() throws {
        let m = try Matching(self)
        let ines = try m.page(en).rows[0]
        _ = try m.api.setDeviceOwner(personId: m.marc.id)

        // What the screens show when loading fails: the matches, and the waiting list too.
        XCTAssertThrowsError(try m.api.mentorMatches(survivorId: m.ahmed.id)) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
            XCTAssertEqual(en.errors.sentence(error), "Your account cannot do this.")
            XCTAssertEqual(fr.errors.sentence(error), "Votre compte ne permet pas de faire cela.")
        }
        XCTAssertThrowsError(try m.api.survivorsAwaitingMentor()) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
            XCTAssertEqual(en.errors.sentence(error), "Your account cannot do this.")
        }

        XCTAssertEqual(
            en.matching.propose(m.api, survivorId: m.ahmed.id, mentor: ines, note: "Both speak Arabic"),
            .failed("Your account cannot do this.", onNote: false)
        )
        _ = try m.api.setDeviceOwner(personId: m.p.coordinator.id)
        XCTAssertEqual(try m.page(en).rows.first { $0.mentorId == m.ines.id }?.canPropose, true, "nothing was proposed")

        // A mentor's id where a survivor's is expected: checked, in words without the id.
        XCTAssertThrowsError(try m.api.mentorMatches(survivorId: m.marc.id)) { error in
            guard case .InvalidInput? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertEqual(en.errors.sentence(error), "Please check what you entered.")
        }
    }

    func testTheNewTextsExistInBothLanguages() {
        XCTAssertEqual(french.plural(.matchingFreePlaces, 1), "1 place libre")
        XCTAssertEqual(french.plural(.matchingFreePlaces, 3), "3 places libres")
        XCTAssertEqual(english.plural(.matchingFreePlaces, 1), "1 place free")
    }
}
