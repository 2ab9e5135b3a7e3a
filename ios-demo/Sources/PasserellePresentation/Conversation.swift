// The conversation screen as plain text: one row per message from one `conversation()` call,
// with who wrote it, when, and where one's own message is (waiting, sent, delivered, read),
// plus the unread count. A voice note is worded with its length ("Voice note, 0:42"), or as on
// its way while its audio has not reached this phone, with its button's spoken label: play it,
// or, on its way, download it now and play it. The status and whether the audio is here are the
// core's; this only words them.
import Foundation
import Passerelle

/// How the screen records a voice note (AAC in an `.m4a` file, `VoiceMediaType.mp4`), held to the
/// core's limits (the presentation tests send notes at these limits to the real core): it stops
/// at `maxMs`, the core's longest note, and `maxMs` of mono sound at `bitRate` stays well under
/// the core's 1 MiB.
public enum VoiceRecording {
    public static let maxMs = 300_000
    public static let bitRate = 24_000
    public static let sampleRate = 16_000
}

/// Which icon goes with a status; the UI maps it to a symbol and always shows the words too.
public enum StatusIcon: Equatable {
    case clock, oneTick, twoTicks, twoTicksFilled, newDot, none
}

public struct MessageRow: Identifiable, Equatable {
    public let id: String
    public let body: String
    /// "You" for one's own messages, the sender's name otherwise.
    public let sender: String
    public let mine: Bool
    public let time: String
    /// `nil` when there is nothing to say (someone else's message already read).
    public let status: String?
    public let icon: StatusIcon
    /// A voice note's part of the row; `nil` for a written message.
    public let voice: VoiceRow?
    public let spoken: String
}

/// What a voice message shows in place of text; its caption, if any, is the row's body, under it.
/// One button: `play` once the audio is on this phone (`voiceNoteAudio`), `fetch` while it is on
/// its way (`fetchVoiceNote`, then play); never both.
public struct VoiceRow: Equatable {
    /// "Voice note, 0:42", or "Voice note — on its way" while its audio is not on this phone.
    public let label: String
    /// The play button's label, "Play voice note from Sophie, 42 seconds"; `nil` while on its way.
    public let play: String?
    /// While on its way, the button's label, "Download and play voice note from Sophie"; `nil` once here.
    public let fetch: String?

    public init(label: String, play: String?, fetch: String? = nil) {
        self.label = label
        self.play = play
        self.fetch = fetch
    }
}

public struct ConversationView: Equatable {
    public let mentorshipId: String
    /// "2 new messages" / "No new messages".
    public let unread: String
    public let rows: [MessageRow]
}

public struct ConversationPresenter {
    private let strings: Strings
    private let time: RelativeTime

    public init(strings: Strings, time: RelativeTime) {
        self.strings = strings
        self.time = time
    }

    public func view(_ conversation: Conversation, now: Int64) -> ConversationView {
        ConversationView(
            mentorshipId: conversation.mentorshipId,
            unread: unread(Int(conversation.unread)),
            rows: conversation.messages.map { row($0, now: now) }
        )
    }

    public func unread(_ count: Int) -> String {
        count > 0 ? strings.plural(.conversationUnread, count) : strings.text(.conversationNoUnread)
    }

    public func row(_ message: Message, now: Int64) -> MessageRow {
        let sender = message.mine ? strings.text(.messageFromMe) : message.senderName
        let at = time.moment(at: message.writtenAt, now: now)
        let status = statusLabel(message.status)
        // "Marc, 10:42, New: See you Thursday?" — who, when and status before the text, so a
        // VoiceOver user can skip a long message once they know whose it is. A voice note
        // says its length in words: "Sophie, 10:42, New: Voice note, 42 seconds. Pour jeudi".
        var content = message.body
        if let voice = message.voice {
            content = [voiceLabel(voice) { spokenLength($0) }, message.body].filter { !$0.isEmpty }.joined(separator: ". ")
        }
        let spoken = strings.text(.messageSpoken, sender, [at, status].compactMap { $0 }.joined(separator: ", "), content)
        return MessageRow(
            id: message.id,
            body: message.body,
            sender: sender,
            mine: message.mine,
            time: at,
            status: status,
            icon: icon(message.status),
            voice: message.voice.map { voiceRow($0, of: message) },
            spoken: spoken
        )
    }

    private func voiceRow(_ voice: VoiceNote, of message: Message) -> VoiceRow {
        let length = audibleLength(voice)
        // Its length comes with its sound: the label names whose it is, and that it downloads.
        var fetch: String?
        if length == nil {
            fetch = message.mine ? strings.text(.voiceFetchMine) : strings.text(.voiceFetch, message.senderName)
        }
        return VoiceRow(
            label: voiceLabel(voice) { clock($0) },
            play: length.map { durationMs in
                let length = spokenLength(durationMs)
                return message.mine
                    ? strings.text(.voicePlayMine, length)
                    : strings.text(.voicePlay, message.senderName, length)
            },
            fetch: fetch
        )
    }

    /// "Voice note, 0:42" (or its length in words), or "Voice note — on its way".
    private func voiceLabel(_ voice: VoiceNote, length: (UInt32) -> String) -> String {
        guard let durationMs = audibleLength(voice) else {
            return strings.text(.voiceNoteOnItsWay)
        }
        return strings.text(.voiceNote, length(durationMs))
    }

    /// The note's length once its audio is on this phone (the core gives both together).
    private func audibleLength(_ voice: VoiceNote) -> UInt32? {
        voice.available ? voice.durationMs : nil
    }

    /// A voice note's length as a player shows it: "0:42", "4:05"; never "0:00" for a note.
    public func clock(_ durationMs: UInt32) -> String {
        minutesAndSeconds(seconds(durationMs))
    }

    /// The same length for VoiceOver: "42 seconds", "1 minute", "1 minute and 5 seconds".
    public func spokenLength(_ durationMs: UInt32) -> String {
        let total = seconds(durationMs)
        let minutes = strings.plural(.durationMinutes, total / 60)
        let rest = strings.plural(.durationSeconds, total % 60)
        if total < 60 {
            return rest
        }
        if total % 60 == 0 {
            return minutes
        }
        // "%1$@ and %2$@", as a planned contact's "1 hour and 30 minutes".
        return strings.text(.durationHoursMinutes, minutes, rest)
    }

    /// While recording: "Recording 0:12".
    public func recording(elapsedMs: Int64) -> String {
        strings.text(.voiceRecording, minutesAndSeconds(Int(max(elapsedMs, 0) / 1000)))
    }

    /// Whole seconds, to the nearest, and at least one: a note under half a second still lasts.
    private func seconds(_ durationMs: UInt32) -> Int {
        max(1, Int((Int64(durationMs) + 500) / 1000))
    }

    private func minutesAndSeconds(_ seconds: Int) -> String {
        String(format: "%ld:%02ld", seconds / 60, seconds % 60)
    }

    public func statusLabel(_ status: MessageStatus) -> String? {
        switch status {
        case .pending: return strings.text(.messagePending)
        case .sent: return strings.text(.messageSent)
        case .delivered: return strings.text(.messageDelivered)
        case .read: return strings.text(.messageRead)
        case .unread: return strings.text(.messageUnread)
        case .seen: return nil
        }
    }

    public func icon(_ status: MessageStatus) -> StatusIcon {
        switch status {
        case .pending: return .clock
        case .sent: return .oneTick
        case .delivered: return .twoTicks
        case .read: return .twoTicksFilled
        case .unread: return .newDot
        case .seen: return .none
        }
    }
}
