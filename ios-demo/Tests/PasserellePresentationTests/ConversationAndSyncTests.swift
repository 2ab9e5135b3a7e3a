// The conversation screen from a real store (waiting, new, read) and every message status in
// words and icon; voice notes (their length shown and spoken, the play button's label from either
// side, a caption under them, one on its way with a button that downloads it and plays it, the
// recorder's limits held against the real core); sync progress, summaries and issues in both languages. Mirrors
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

    /// Marc's message, written, waiting to be sent.
    private let message = Message(
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

    func testEveryStatusHasWordsAndAnIcon() {
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

    func testVoiceNotesFromTheStoreInBothLanguages() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        _ = try p.api.setDeviceOwner(personId: try XCTUnwrap(p.api.caseload().first).survivorId)
        _ = try p.api.sendVoiceNote(mentorshipId: sophie, note: NewVoiceNote(mediaType: .mp4, durationMs: 42_000, audio: fakeM4a()))
        _ = try p.api.sendVoiceNote(
            mentorshipId: sophie,
            note: NewVoiceNote(mediaType: .mp4, durationMs: 65_400, audio: fakeM4a(), caption: "Pour jeudi")
        )
        let now = nowMillis()

        // Sophie's own notes: hers to play again, waiting to be sent.
        let mine = presenter(english).view(try p.api.conversation(mentorshipId: sophie, limit: 50), now: now).rows
        XCTAssertEqual(mine.count, 2)
        XCTAssertEqual(mine[0].voice, VoiceRow(label: "Voice note, 0:42", play: "Play your voice note, 42 seconds"))
        XCTAssertEqual(mine[0].body, "", "no caption")
        XCTAssertEqual(mine[0].status, "Waiting to send")
        XCTAssertEqual(mine[0].spoken, "You, \(mine[0].time), Waiting to send: Voice note, 42 seconds")
        XCTAssertEqual(mine[1].voice, VoiceRow(label: "Voice note, 1:05", play: "Play your voice note, 1 minute and 5 seconds"))
        XCTAssertEqual(mine[1].body, "Pour jeudi")

        // Marc's side: from Sophie, new, the caption said after the note.
        _ = try p.api.setDeviceOwner(personId: p.mentor.id)
        let conversation = try p.api.conversation(mentorshipId: sophie, limit: 50)
        let en = presenter(english).view(conversation, now: now).rows
        XCTAssertEqual(en[0].voice, VoiceRow(label: "Voice note, 0:42", play: "Play voice note from Sophie, 42 seconds"))
        XCTAssertEqual(en[1].spoken, "Sophie, \(en[1].time), New: Voice note, 1 minute and 5 seconds. Pour jeudi")
        let fr = presenter(french).view(conversation, now: now).rows
        XCTAssertEqual(fr[0].voice, VoiceRow(label: "Message vocal, 0:42", play: "Écouter le message vocal envoyé par Sophie, 42 secondes"))
        XCTAssertEqual(
            fr[1].voice,
            VoiceRow(label: "Message vocal, 1:05", play: "Écouter le message vocal envoyé par Sophie, 1 minute et 5 secondes")
        )
        XCTAssertEqual(fr[1].spoken, "Sophie, \(fr[1].time), Nouveau : Message vocal, 1 minute et 5 secondes. Pour jeudi")

        // A written message has no voice part.
        _ = try p.api.sendMessage(mentorshipId: sophie, body: "Merci !")
        XCTAssertNil(presenter(english).view(try p.api.conversation(mentorshipId: sophie, limit: 50), now: now).rows.last?.voice)
    }

    func testAVoiceNoteOnItsWayIsDownloadedToPlay() {
        var onItsWay = message
        onItsWay.mine = false
        onItsWay.senderName = "Sophie"
        onItsWay.body = ""
        onItsWay.status = .unread
        onItsWay.voice = VoiceNote(available: false, durationMs: nil, mediaType: nil)
        // No length to say yet, and the one button downloads it first (`fetchVoiceNote`).
        let en = presenter(english).row(onItsWay, now: 0)
        XCTAssertEqual(en.voice, VoiceRow(label: "Voice note — on its way", play: nil, fetch: "Download and play voice note from Sophie"))
        XCTAssertEqual(en.spoken, "Sophie, \(en.time), New: Voice note — on its way")
        onItsWay.body = "Pour jeudi"
        let fr = presenter(french).row(onItsWay, now: 0)
        XCTAssertEqual(
            fr.voice,
            VoiceRow(label: "Message vocal — en route", play: nil, fetch: "Télécharger et écouter le message vocal envoyé par Sophie")
        )
        XCTAssertEqual(fr.body, "Pour jeudi")
        XCTAssertEqual(fr.spoken, "Sophie, \(fr.time), Nouveau : Message vocal — en route. Pour jeudi")

        // One's own note whose sound is not on this phone (sent from another phone of theirs).
        var mine = onItsWay
        mine.mine = true
        mine.senderName = "Marc"
        mine.status = .sent
        XCTAssertEqual(presenter(english).row(mine, now: 0).voice?.fetch, "Download and play your voice note")
        XCTAssertEqual(presenter(french).row(mine, now: 0).voice?.fetch, "Télécharger et écouter votre message vocal")

        // Once here, the play button only.
        var here = onItsWay
        here.voice = VoiceNote(available: true, durationMs: 42_000, mediaType: .mp4)
        XCTAssertEqual(
            presenter(english).row(here, now: 0).voice,
            VoiceRow(label: "Voice note, 0:42", play: "Play voice note from Sophie, 42 seconds", fetch: nil)
        )
    }

    func testVoiceNoteLengthsAtEachEdge() {
        let en = presenter(english)
        let fr = presenter(french)
        // Milliseconds to the nearest second, never none: (length, shown, said in English, in French).
        let lengths: [(UInt32, String, String, String)] = [
            (1, "0:01", "1 second", "1 seconde"),
            (1_499, "0:01", "1 second", "1 seconde"),
            (1_500, "0:02", "2 seconds", "2 secondes"),
            (59_499, "0:59", "59 seconds", "59 secondes"),
            (59_500, "1:00", "1 minute", "1 minute"),
            (65_000, "1:05", "1 minute and 5 seconds", "1 minute et 5 secondes"),
            (UInt32(VoiceRecording.maxMs), "5:00", "5 minutes", "5 minutes"),
        ]
        for (length, shown, inEnglish, inFrench) in lengths {
            XCTAssertEqual(en.clock(length), shown, "\(length) ms")
            XCTAssertEqual(en.spokenLength(length), inEnglish, "\(length) ms")
            XCTAssertEqual(fr.spokenLength(length), inFrench, "\(length) ms")
        }
        // While recording, the seconds counted so far.
        XCTAssertEqual(en.recording(elapsedMs: 0), "Recording 0:00")
        XCTAssertEqual(en.recording(elapsedMs: 12_999), "Recording 0:12")
        XCTAssertEqual(fr.recording(elapsedMs: Int64(VoiceRecording.maxMs)), "Enregistrement 5:00")
    }

    func testTheRecorderStaysWithinTheCoresLimits() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        // The longest note, at the recorder's bit rate: the core takes it.
        let fiveMinutes = fakeM4a(size: VoiceRecording.maxMs / 1000 * VoiceRecording.bitRate / 8)
        let longest = try p.api.sendVoiceNote(
            mentorshipId: sophie,
            note: NewVoiceNote(mediaType: .mp4, durationMs: UInt32(VoiceRecording.maxMs), audio: fiveMinutes)
        )
        XCTAssertEqual(presenter(english).row(longest, now: 0).voice?.label, "Voice note, 5:00")

        // A moment longer, or a file that is not the sound it claims to be: the recording to check.
        let refused = [
            NewVoiceNote(mediaType: .mp4, durationMs: UInt32(VoiceRecording.maxMs + 1), audio: fakeM4a()),
            NewVoiceNote(mediaType: .mp4, durationMs: 1_000, audio: Data("OggS".utf8) + Data(count: 64)),
        ]
        for note in refused {
            XCTAssertThrowsError(try p.api.sendVoiceNote(mentorshipId: sophie, note: note)) { error in
                XCTAssertEqual(ErrorText(strings: english).sentence(error), "Please check the recording.")
                XCTAssertEqual(ErrorText(strings: french).sentence(error), "Vérifiez l'enregistrement.")
            }
        }
        XCTAssertEqual(try p.api.conversation(mentorshipId: sophie, limit: 50).messages.count, 1, "nothing saved")
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
        // A voice note's audio the server refused is a message, as its text would be.
        XCTAssertEqual(en.issue(issue("rejected", "voice_note", "invalid")),
                       "The server did not accept a message. It was not valid.")
        XCTAssertEqual(en.issue(issue("rejected", "bookmark", "some_new_reason")), "The server did not accept a change.")
    }

    func testVoiceNotesInTheSyncSummary() {
        let en = SyncText(strings: english)
        let fr = SyncText(strings: french)
        func summary(pushed: UInt32 = 0, pulled: UInt32 = 0, voiceSent: UInt32 = 0, voiceReceived: UInt32 = 0) -> SyncSummary {
            SyncSummary(pushed: pushed, rejected: 0, conflicts: 0, pulled: pulled, revokedScopes: 0, resetScopes: 0,
                        changedCollections: [], voiceNotesSent: voiceSent, voiceNotesReceived: voiceReceived)
        }
        // Each note's sound travels after its message, so both are counted, in the sync's order.
        XCTAssertEqual(en.summary(summary(pushed: 1, voiceSent: 1)), "Sent 1 change. Sent 1 voice note.")
        XCTAssertEqual(fr.summary(summary(pushed: 1, voiceSent: 1)), "1 modification envoyée. 1 message vocal envoyé.")
        XCTAssertEqual(en.summary(summary(pushed: 2, pulled: 3, voiceSent: 2, voiceReceived: 1)),
                       "Sent 2 changes. Sent 2 voice notes. Received 3 changes. Received 1 voice note.")
        XCTAssertEqual(fr.summary(summary(pushed: 2, pulled: 3, voiceSent: 2, voiceReceived: 1)),
                       "2 modifications envoyées. 2 messages vocaux envoyés. 3 modifications reçues. 1 message vocal reçu.")
        // A later sync that only fetched sounds the last one had to leave.
        XCTAssertEqual(en.summary(summary(voiceReceived: 4)), "Received 4 voice notes.")
        XCTAssertEqual(fr.summary(summary(voiceReceived: 4)), "4 messages vocaux reçus.")
        // No voice note moved: nothing said about them.
        XCTAssertEqual(en.summary(summary(pulled: 1)), "Received 1 change.")
        XCTAssertEqual(fr.summary(summary(pulled: 1)), "1 modification reçue.")
    }

    func testAVoiceNoteThatDidNotArriveIntact() {
        let en = SyncText(strings: english)
        let fr = SyncText(strings: french)
        func issue(_ kind: String, _ collection: String, _ reason: String) -> SyncIssue {
            SyncIssue(id: 1, kind: kind, collection: collection, rowId: "r", reason: reason, fields: [], at: 0)
        }
        // The core's issue when a fetched sound does not match the hash its message names.
        let mismatch = issue("unreadable", "voice_note", "voice_note_mismatch")
        XCTAssertEqual(en.issue(mismatch), "A voice note did not arrive intact. It will be fetched again.")
        XCTAssertEqual(fr.issue(mismatch),
                       "Un message vocal n'est pas arrivé intact. Il sera récupéré de nouveau.")
        // Other unreadable data still asks for an update; a refused upload is still a message's.
        XCTAssertEqual(fr.issue(issue("unreadable", "message", "unsupported_version")),
                       "Des données n'ont pas pu être lues. Mettez l'application à jour.")
        XCTAssertEqual(fr.issue(issue("rejected", "voice_note", "invalid")),
                       "Le serveur n'a pas accepté un message. Ce n'était pas valide.")
    }
}
