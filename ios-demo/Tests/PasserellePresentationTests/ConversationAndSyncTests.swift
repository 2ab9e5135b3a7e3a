// The conversation screen from a real store (waiting, new, read) and every message status in
// words and icon; sync progress, summaries and issues in both languages. Mirrors
// ConversationPresenterTest.kt and SyncTextTest.kt.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

final class ConversationAndSyncTests: XCTestCase {
    private let utc = TimeZone(identifier: "UTC")!

    private func presenter(_ strings: Strings) -> ConversationPresenter {
        ConversationPresenter(strings: strings, time: RelativeTime(strings: strings, timeZone: utc))
    }

    func testPendingNewAndReadFromTheStore() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        let survivorId = try XCTUnwrap(p.api.caseload().first).survivorId
        _ = try p.api.sendMessage(mentorshipId: sophie, body: "See you Thursday?")
        let now = nowMillis()

        let mine = try XCTUnwrap(presenter(english).view(p.api.conversation(mentorshipId: sophie, limit: 50), now: now).rows.first)
        XCTAssertEqual(mine.sender, "You")
        XCTAssertEqual(mine.status, "Waiting to send")
        XCTAssertEqual(mine.icon, .clock)

        _ = try p.api.setDeviceOwner(personId: survivorId)
        let conversation = try p.api.conversation(mentorshipId: sophie, limit: 50)
        let en = presenter(english).view(conversation, now: now)
        XCTAssertEqual(en.unread, "1 new message")
        let theirs = try XCTUnwrap(en.rows.first)
        XCTAssertEqual(theirs.sender, "Marc")
        XCTAssertEqual(theirs.status, "New")
        XCTAssertEqual(theirs.icon, .newDot)
        XCTAssertEqual(theirs.spoken, "Marc, \(theirs.time), New: See you Thursday?")
        XCTAssertEqual(presenter(french).view(conversation, now: now).unread, "1 nouveau message")

        try p.api.markConversationRead(mentorshipId: sophie)
        let read = presenter(french).view(try p.api.conversation(mentorshipId: sophie, limit: 50), now: now)
        XCTAssertEqual(read.unread, "Pas de nouveau message")
        XCTAssertNil(read.rows.first?.status)
        XCTAssertEqual(read.rows.first?.icon, StatusIcon.none)
    }

    func testEveryStatusHasWordsAndAnIcon() {
        let message = Message(
            id: "0190f5c2-0000-7000-8000-000000000002",
            mentorshipId: "0190f5c2-0000-7000-8000-000000000003",
            senderId: "0190f5c2-0000-7000-8000-000000000004",
            senderName: "Marc",
            mine: true,
            body: "Hello",
            writtenAt: 0,
            orderStamp: 1,
            status: .pending
        )
        let expected: [(MessageStatus, String?, String?, StatusIcon)] = [
            (.pending, "Waiting to send", "En attente d'envoi", .clock),
            (.sent, "Sent", "Envoyé", .oneTick),
            (.delivered, "Delivered", "Reçu", .twoTicks),
            (.read, "Read", "Lu", .twoTicksFilled),
            (.unread, "New", "Nouveau", .newDot),
            (.seen, nil, nil, StatusIcon.none),
        ]
        for (status, inEnglish, inFrench, icon) in expected {
            var m = message
            m.status = status
            XCTAssertEqual(presenter(english).row(m, now: 0).status, inEnglish)
            XCTAssertEqual(presenter(french).row(m, now: 0).status, inFrench)
            XCTAssertEqual(presenter(english).icon(status), icon)
        }
    }

    func testSyncSummariesProgressAndIssues() {
        let en = SyncText(strings: english)
        let fr = SyncText(strings: french)
        func summary(pushed: UInt32 = 0, rejected: UInt32 = 0, conflicts: UInt32 = 0, pulled: UInt32 = 0, revoked: UInt32 = 0) -> SyncSummary {
            SyncSummary(pushed: pushed, rejected: rejected, conflicts: conflicts, pulled: pulled,
                        revokedScopes: revoked, resetScopes: 0, changedCollections: [])
        }
        XCTAssertEqual(en.summary(summary()), "Everything is up to date.")
        XCTAssertEqual(fr.summary(summary()), "Tout est à jour.")
        XCTAssertEqual(en.summary(summary(pushed: 3, rejected: 1, conflicts: 1, pulled: 1)),
                       "Sent 3 changes. Received 1 change. 2 changes need a look.")
        XCTAssertEqual(fr.summary(summary(pushed: 3, rejected: 1, conflicts: 1, pulled: 1)),
                       "3 modifications envoyées. 1 modification reçue. 2 modifications à vérifier.")

        let sending = SyncProgress(stage: .pushing, done: 3, total: 10)
        XCTAssertEqual(en.progress(sending), "Sending 3 of 10")
        XCTAssertEqual(fr.progress(sending), "Envoi : 3 sur 10")
        XCTAssertEqual(try XCTUnwrap(en.fraction(sending)), 0.3, accuracy: 1e-9)
        XCTAssertNil(en.fraction(SyncProgress(stage: .pulling, done: 120, total: 0)))
        XCTAssertEqual(fr.progress(SyncProgress(stage: .pulling, done: 120, total: 0)), "Réception : 120")

        func issue(_ kind: String, _ collection: String, _ reason: String) -> SyncIssue {
            SyncIssue(id: 1, kind: kind, collection: collection, rowId: "r", reason: reason, fields: [], at: 0)
        }
        XCTAssertEqual(en.issue(issue("rejected", "checkin", "access_revoked")),
                       "The server did not accept a contact. You no longer have access.")
        XCTAssertEqual(fr.issue(issue("conflict", "survivor_profile", "newer_edit")),
                       "Quelqu'un a modifié une fiche en même temps. Sa modification a été gardée.")
        XCTAssertEqual(en.issue(issue("rejected", "bookmark", "some_new_reason")), "The server did not accept a change.")
    }
}
