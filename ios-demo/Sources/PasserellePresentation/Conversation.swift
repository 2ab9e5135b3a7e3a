// The conversation screen as plain text: one row per message from one `conversation()` call,
// with who wrote it, when, and where one's own message is (waiting, sent, delivered, read),
// plus the unread count. The status itself is the core's; this only words it and picks an icon.
import Foundation
import Passerelle

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
    public let spoken: String
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
        // VoiceOver user can skip a long message once they know whose it is.
        let spoken = strings.text(.messageSpoken, sender, [at, status].compactMap { $0 }.joined(separator: ", "), message.body)
        return MessageRow(
            id: message.id,
            body: message.body,
            sender: sender,
            mine: message.mine,
            time: at,
            status: status,
            icon: icon(message.status),
            spoken: spoken
        )
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
