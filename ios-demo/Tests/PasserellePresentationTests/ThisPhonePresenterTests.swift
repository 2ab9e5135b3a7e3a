// "This phone" against a real store: the owner's data comes out as JSON; removing it is refused
// while changes are unsent (nothing removed), then done when the person agrees to lose them,
// after which the phone has no one on it and its store opens only with the new key. Mirrors
// ThisPhonePresenterTest.kt.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

final class ThisPhonePresenterTests: XCTestCase {
    private let en = ThisPhonePresenter(strings: english, errors: ErrorText(strings: english))
    private let fr = ThisPhonePresenter(strings: french, errors: ErrorText(strings: french))

    private struct Refused: Error {}

    func testTheExportIsTheOwnersData() throws {
        let p = try TestProgramme(self)
        _ = try p.mentee("Sophie")
        guard case .ready(let json) = en.export(p.api) else {
            return XCTFail("no export")
        }
        XCTAssertTrue(json.hasPrefix("{") && json.hasSuffix("}"))
        XCTAssertTrue(json.contains("\"person_id\":\"\(p.mentor.id)\""), String(json.prefix(200)))
        XCTAssertTrue(json.contains("\"records\""))
    }

    func testUnsentChangesStopTheWipeAndNothingIsRemoved() throws {
        let p = try TestProgramme(self)
        _ = try p.mentee("Sophie")
        let unsent = try p.api.outboxLen()
        XCTAssertGreaterThan(unsent, 0, "the programme's records were written here and never sent")
        let people = try p.api.people(role: nil).count

        XCTAssertEqual(en.ask(), .confirm)
        let step = en.confirm(p.api) { _ in XCTFail("re-keyed although nothing was removed") }
        XCTAssertEqual(step, .confirmDiscard(unsent: unsent))
        XCTAssertEqual(en.sentence(step), "\(unsent) changes have not been sent yet. Sync first, or remove them without sending.")
        XCTAssertEqual(
            fr.sentence(step),
            "\(unsent) modifications n'ont pas encore été envoyées. Synchronisez d'abord, ou effacez-les sans les envoyer."
        )
        XCTAssertEqual(try p.api.people(role: nil).count, people)
        XCTAssertEqual(try p.api.deviceOwner()?.id, p.mentor.id)
        XCTAssertEqual(try p.api.outboxLen(), unsent)

        // "Sync first" goes back to the start; the screen starts the sync itself.
        XCTAssertEqual(en.cancel(), .idle)
        XCTAssertNil(en.sentence(.idle))
    }

    func testRemovingThemTooEmptiesThePhoneAndChangesTheKey() throws {
        let path = try temporaryFolder(self).appendingPathComponent("passerelle.db").path
        let newKey = randomKey()
        var rekeyed = 0
        do {
            let api = try Passerelle.open(path: path, key: randomKey())
            _ = try api.createDeviceOwner(person: NewPerson(role: .mentor, displayName: "Marc"))
            let unsent = try api.outboxLen()
            XCTAssertGreaterThan(unsent, 0)
            // What the app's Keychain step does: the store takes the new key (kept here to reopen it).
            let step = en.discardUnsent(api) { api in
                rekeyed += 1
                try api.rekey(newKey: newKey)
            }
            guard case .done(let summary) = step else {
                return XCTFail("not removed: \(step)")
            }
            XCTAssertEqual(rekeyed, 1)
            XCTAssertEqual(summary.unsentDiscarded, unsent)
            XCTAssertGreaterThan(summary.recordsRemoved, 0)
            XCTAssertTrue(try api.people(role: nil).isEmpty)
            XCTAssertNil(try api.deviceOwner())
            XCTAssertEqual(try api.outboxLen(), 0)
            // Never enrolled, so no server to tell: the sentence says the old sign-in lapses.
            XCTAssertEqual(
                en.sentence(step),
                "Removed. This phone is ready for someone else. The server could not be reached. "
                    + "The old sign-in will stop working on its own."
            )
        }
        XCTAssertNil(try Passerelle.open(path: path, key: newKey).deviceOwner())
    }

    func testAnEmptyPhoneIsRemovedAtOnce() throws {
        let api = try Passerelle.open(path: try temporaryFolder(self).appendingPathComponent("passerelle.db").path, key: randomKey())
        var rekeyed = false
        guard case .done(var summary) = fr.confirm(api, rekey: { _ in rekeyed = true }) else {
            return XCTFail("an empty phone was not removed")
        }
        XCTAssertTrue(rekeyed)
        XCTAssertEqual(summary.unsentDiscarded, 0)
        summary.signedOut = true
        XCTAssertEqual(fr.sentence(.done(summary)), "Effacé. Ce téléphone est prêt pour quelqu'un d'autre.")
    }

    func testAFailedRekeyIsAFailureToTryAgain() throws {
        let api = try Passerelle.open(path: try temporaryFolder(self).appendingPathComponent("passerelle.db").path, key: randomKey())
        let failed = en.confirm(api) { _ in throw PasserelleError.DiskFull }
        XCTAssertEqual(failed, .failed("Your phone is full. Free some space, then try again."))
        XCTAssertEqual(en.sentence(failed), "Your phone is full. Free some space, then try again.")
        XCTAssertEqual(en.confirm(api) { _ in throw Refused() }, .failed("Something went wrong. Try again."))
        guard case .done = en.confirm(api, rekey: { _ in }) else {
            return XCTFail("trying again did not finish")
        }
    }

    func testTheUnsentChangesErrorIsASentence() {
        let errors = ErrorText(strings: english)
        let errorsFr = ErrorText(strings: french)
        XCTAssertEqual(errors.sentence(PasserelleError.UnsentChanges(count: 1)), "1 change on this phone has not been sent yet.")
        XCTAssertEqual(errors.sentence(PasserelleError.UnsentChanges(count: 4)), "4 changes on this phone have not been sent yet.")
        XCTAssertEqual(errorsFr.sentence(PasserelleError.UnsentChanges(count: 1)), "1 modification de ce téléphone n'a pas encore été envoyée.")
        XCTAssertEqual(errorsFr.sentence(PasserelleError.UnsentChanges(count: 4)), "4 modifications de ce téléphone n'ont pas encore été envoyées.")
        XCTAssertEqual(
            fr.sentence(.confirmDiscard(unsent: 1)),
            "1 modification n'a pas encore été envoyée. Synchronisez d'abord, ou effacez-la sans l'envoyer."
        )
        // A count past what a plural takes is still a sentence, not a crash.
        XCTAssertTrue(errors.sentence(PasserelleError.UnsentChanges(count: .max)).hasSuffix("have not been sent yet."))
    }

    func testTheNewTextsExistInBothLanguages() {
        XCTAssertEqual(en.sentence(.confirm), "Everything about you on this phone will be removed. The places to find help stay.")
        XCTAssertEqual(fr.sentence(.confirm), "Tout ce qui vous concerne sur ce téléphone sera effacé. Les lieux d'aide restent.")
        XCTAssertEqual(en.sentence(.failed("Nope.")), "Nope.")
        for strings in [english, french] {
            for key in [TextKey.wipeConfirm, .wipeDone, .wipeNotSignedOut] {
                XCTAssertTrue(strings.text(key).hasSuffix("."), key.rawValue)
            }
        }
    }
}
