// Every PasserelleError case has its own short sentence in both languages; the core's stable
// refusals of a planned contact (cancelled, over, already recorded, not started) and of a voice
// note downloaded to play (not sent yet, not intact) have theirs; real failures from the store
// and the network come out as those sentences; the core's rule phrases become field sentences;
// and both forms place a refusal under its field or above the form through the one helper.
// Mirrors ErrorTextTest.kt.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

final class ErrorTextTests: XCTestCase {
    private let en = ErrorText(strings: english)
    private let fr = ErrorText(strings: french)

    /// One of each case. A case added to the bindings fails ErrorText's switch at compile time.
    private let everyCase: [PasserelleError] = [
        .InvalidInput(field: "notes", problem: "must not be empty"),
        .UnknownCode(kind: "dimension", code: "spiritual"),
        .NotFound(what: "mentorship"),
        .NotAllowed(reason: "only the mentorship's mentor records its check-ins"),
        .InvalidState(reason: "ending twice"),
        .UnsentChanges(count: 3),
        .WrongKey,
        .Corrupt,
        .NotEncrypted,
        .NewerSchema(found: 9, supported: 2),
        .ReadOnly,
        .DiskFull,
        .CannotOpen,
        .Busy,
        .Interrupted,
        .Storage(code: "IoErr"),
        .Offline,
        .NotEnrolled,
        .Unauthorized,
        .AccountClosed,
        .InvalidEnrolmentCode,
        .RateLimited(retryAfterSecs: 30),
        .ServerRefused(code: "invalid_state"),
        .ServerFailed(status: 503),
        .Protocol,
    ]

    func testEveryCaseHasItsOwnSentenceInBothLanguages() {
        for errors in [en, fr] {
            let sentences = everyCase.map { errors.sentence($0) }
            XCTAssertEqual(Set(sentences).count, everyCase.count, "two cases share a sentence: \(sentences)")
            for sentence in sentences {
                XCTAssertTrue(sentence.hasSuffix("."), sentence)
                XCTAssertLessThanOrEqual(sentence.count, 110, "too long for a small screen: \(sentence)")
            }
        }
        XCTAssertEqual(zip(everyCase.map { en.sentence($0) }, everyCase.map { fr.sentence($0) }).filter { $0 == $1 }.count, 0)
    }

    func testSentencesSayWhatToDo() {
        XCTAssertEqual(en.sentence(PasserelleError.Offline), "No connection. Your work is saved and will be sent later.")
        XCTAssertEqual(fr.sentence(PasserelleError.Offline), "Pas de connexion. Votre travail est enregistré et partira plus tard.")
        XCTAssertEqual(en.sentence(PasserelleError.InvalidInput(field: "notes", problem: "must not be empty")), "Please check the notes.")
        XCTAssertEqual(fr.sentence(PasserelleError.InvalidInput(field: "duration_minutes", problem: "outside 0..=600")), "Vérifiez la durée.")
        XCTAssertEqual(en.sentence(PasserelleError.RateLimited(retryAfterSecs: 1)), "Too many tries. Wait 1 second.")
        XCTAssertEqual(fr.sentence(PasserelleError.RateLimited(retryAfterSecs: 30)), "Trop d'essais. Attendez 30 secondes.")
        struct Bug: Error {}
        XCTAssertEqual(en.sentence(Bug()), "Something went wrong. Try again.")
    }

    func testAPlannedContactsRefusalsAreSaidPlainly() {
        // (the core's reason, English, French): each its own sentence.
        let refusals = [
            ("the contact was cancelled", "This visit or call was cancelled.", "Cette visite ou cet appel a été annulé."),
            ("the contact is over", "This visit or call is already over.", "Cette visite ou cet appel est déjà passé."),
            ("the contact is already recorded", "This visit or call is already recorded.", "Cette visite ou cet appel est déjà noté."),
            ("the contact has not started", "This visit or call has not started yet.", "Cette visite ou cet appel n'a pas encore commencé."),
        ]
        for (reason, english, french) in refusals {
            XCTAssertEqual(en.sentence(PasserelleError.InvalidState(reason: reason)), english, reason)
            XCTAssertEqual(fr.sentence(PasserelleError.InvalidState(reason: reason)), french, reason)
        }
        // Any other state keeps the general sentence.
        XCTAssertEqual(en.sentence(PasserelleError.InvalidState(reason: "the mentorship has ended")), "This is not possible right now.")
        XCTAssertEqual(fr.sentence(PasserelleError.InvalidState(reason: "ending twice")), "Ce n'est pas possible pour le moment.")
    }

    func testAVoiceNoteThatCannotBeDownloadedYetIsSaidPlainly() {
        // The core's reasons when a note on its way is played (`fetchVoiceNote`): not sent yet by
        // its sender's phone (the Kotlin binding's SyncTest gets this one from a real server), or
        // a sound that is not the one the message names.
        let notSent = PasserelleError.InvalidState(reason: "the sound of this voice note has not reached the server yet")
        XCTAssertEqual(en.sentence(notSent), "This voice note has not been sent yet. Try again later.")
        XCTAssertEqual(fr.sentence(notSent), "Ce message vocal n'a pas encore été envoyé. Réessayez plus tard.")
        let damaged = PasserelleError.InvalidState(reason: "the sound that came back is not the one this voice note names")
        XCTAssertEqual(en.sentence(damaged), "This voice note did not arrive intact. Try again later.")
        XCTAssertEqual(fr.sentence(damaged), "Ce message vocal n'est pas arrivé intact. Réessayez plus tard.")
        // Offline, or no longer on the phone: the usual sentences.
        XCTAssertEqual(en.sentence(PasserelleError.Offline), "No connection. Your work is saved and will be sent later.")
        XCTAssertEqual(fr.sentence(PasserelleError.NotFound(what: "voice note")), "Ceci n'est plus sur ce téléphone.")
    }

    func testARefusalIsPlacedUnderItsFieldOrAboveTheForm() {
        let before = ["a": "Please fill this in."]
        let fieldOf = { (field: String) -> String? in field == "place" ? "b" : nil }

        let underField = en.placed(PasserelleError.InvalidInput(field: "place", problem: "longer than 120 characters"), errors: before, fieldOf: fieldOf)
        XCTAssertEqual(underField, PlacedErrors(errors: ["a": "Please fill this in.", "b": "Too long: 120 characters at most."], formError: nil))
        // A field the form does not show, or no field at all: one sentence above, the fields kept.
        XCTAssertEqual(
            en.placed(PasserelleError.InvalidInput(field: "mentorship_id", problem: "malformed"), errors: before, fieldOf: fieldOf),
            PlacedErrors(errors: before, formError: "Please check what you entered.")
        )
        XCTAssertEqual(
            fr.placed(PasserelleError.InvalidState(reason: "the contact is over"), errors: before, fieldOf: fieldOf),
            PlacedErrors(errors: before, formError: "Cette visite ou cet appel est déjà passé.")
        )

        // Both forms use it: the same error lands the same way.
        let place = PlanContactForm.new(mentorshipId: "m", now: 0)
            .withError(PasserelleError.InvalidInput(field: "place", problem: "longer than 120 characters"), en)
        XCTAssertEqual(place.errors, [.place: "Too long: 120 characters at most."])
        XCTAssertNil(place.formError)
        var checkIn = CheckInForm.new(mentorshipId: "m", now: 0)
        checkIn.formError = "old"
        let notes = checkIn.withError(PasserelleError.InvalidInput(field: "notes", problem: "must not be empty"), en)
        XCTAssertEqual(notes.errors, [.notes: "Please fill this in."])
        XCTAssertNil(notes.formError, "a field's error clears the sentence above")
        let cancelled = PasserelleError.InvalidState(reason: "the contact was cancelled")
        XCTAssertEqual(place.withError(cancelled, en).formError, "This visit or call was cancelled.")
        XCTAssertEqual(place.withError(cancelled, en).errors, place.errors)
        XCTAssertEqual(notes.withError(PasserelleError.NotAllowed(reason: "no"), en).formError, "Your account cannot do this.")
    }

    func testTheCoreRulePhrasesBecomeFieldSentences() {
        XCTAssertEqual(en.problem("must not be empty"), "Please fill this in.")
        XCTAssertEqual(en.problem("longer than 4000 characters"), "Too long: 4000 characters at most.")
        XCTAssertEqual(fr.problem("longer than 80 characters"), "Trop long : 80 caractères au plus.")
        XCTAssertEqual(en.problem("more than 20 items"), "Too many: 20 at most.")
        XCTAssertEqual(en.problem("outside 1..=5"), "Choose between 1 and 5.")
        XCTAssertEqual(fr.problem("too far in the future"), "Cette date est trop loin.")
        XCTAssertEqual(en.problem("dates in the wrong order"), "This date is before the contact.")
        XCTAssertEqual(
            en.problem("must use https:// (plain http:// only to this device)"),
            "Use an address starting with https:// (a secure connection)."
        )
        XCTAssertEqual(en.problem("a rule this build does not know"), "Please check this.")
    }

    func testRealFailuresBecomeSentences() throws {
        let path = try temporaryFolder(self).appendingPathComponent("passerelle.db").path
        let key = randomKey()
        let api = try Passerelle.open(path: path, key: key)
        XCTAssertThrowsError(try api.sync(progress: nil)) { error in
            XCTAssertEqual(self.en.sentence(error), "Please sign in first.")
            XCTAssertEqual(self.fr.sentence(error), "Connectez-vous d'abord.")
        }
        XCTAssertThrowsError(try Passerelle.open(path: path, key: randomKey())) { error in
            XCTAssertEqual(self.en.sentence(error), "Your data cannot be opened on this phone. Sign in again to get it back.")
        }
    }

    func testSignInErrorsLandWhereThePersonWillLook() throws {
        let api = try Passerelle.open(path: try temporaryFolder(self).appendingPathComponent("passerelle.db").path, key: randomKey())
        guard case .rejected(let noCode) = SignInForm(serverUrl: "http://127.0.0.1:9", code: " ").submit(api, errors: en) else {
            return XCTFail("a blank code was accepted")
        }
        XCTAssertEqual(noCode.codeError, "Please fill this in.")
        XCTAssertNil(noCode.serverError)

        guard case .rejected(let offline) = SignInForm(serverUrl: "http://127.0.0.1:9", code: "K7PD-M2QX-9TRB").submit(api, errors: en) else {
            return XCTFail("enrolled with nothing listening")
        }
        XCTAssertEqual(offline.formError, "No connection. Your work is saved and will be sent later.")

        let badCode = SignInForm(code: "K7PD").withError(.InvalidEnrolmentCode, en)
        XCTAssertEqual(badCode.codeError, "This code does not work. Check it or ask for a new one.")
        XCTAssertNil(badCode.withCode("K7PD-M2QX-9TRB").codeError)
    }
}
