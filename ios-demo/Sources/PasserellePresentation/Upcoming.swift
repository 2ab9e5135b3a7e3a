// The next visits and calls, from one `upcomingContacts()` call (or one `plannedContact()`): what,
// with whom, when (the weekday and time, and "in 2 days"), how long, where, the planner's note,
// and the answer in words. Which side the phone's owner is on (`plannerSide`: the mentor or the
// coordinator, or else the survivor or a caregiver they share with), who answered
// (`repliedByName`), and whether they may answer (`canAnswer`) or move and cancel (`canChange`)
// are all the core's, as are which contacts are still to come, their order, and that moving a
// contact clears its answer: a refusal comes back as a sentence.
import Foundation
import Passerelle

/// One planned contact, ready to show. `nil` means "show nothing for this".
public struct UpcomingRow: Identifiable, Equatable {
    public var id: String { contactId }
    public let contactId: String
    public let mentorshipId: String
    /// "Home visit with Marc" on the visited side, "Home visit with Sophie" on the planner's.
    public let title: String
    /// "Tuesday, December 3 at 2:00 PM (in 2 days)".
    public let starts: String
    /// "today", "tomorrow", "in 2 days".
    public let relative: String
    /// "1 hour", "30 minutes", "1 hour and 30 minutes".
    public let duration: String
    public let place: String?
    public let note: String?
    /// The answer in words: "You said you'll be there" when it is the owner's own, "Paul will be
    /// there" when someone else gave it, "No answer yet" on the planner's side; `nil` on the
    /// visited side before anyone answers.
    public let answer: String?
    /// "Cancelled" once it was (it stays listed until its time has passed).
    public let cancelled: String?
    /// The answer as it stands, to mark the chosen button.
    public let reply: ContactReply?
    /// "I'll be there" / "Another time" show: the core's `canAnswer`.
    public let canAnswer: Bool
    /// "Change" and "Cancel" show: the core's `canChange`.
    public let canChange: Bool
    /// The contact itself.
    public let contact: PlannedContact
    /// Everything above in one sentence for VoiceOver, which reads a row as one element.
    public let spoken: String
}

/// The rows; when there are none, `empty` says so instead of a blank section.
public struct Upcoming: Equatable {
    public let rows: [UpcomingRow]
    public let empty: String?

    public init(rows: [UpcomingRow], empty: String?) {
        self.rows = rows
        self.empty = empty
    }
}

public struct UpcomingContactsPresenter {
    private let strings: Strings
    private let time: RelativeTime
    private let labels: CheckInLabels
    private let errors: ErrorText

    /// The collections the rows are made from: a screen showing them reloads when a write or a
    /// sync names one (a contact planned, moved, cancelled or answered names `planned_contact`;
    /// an ended mentorship takes its contacts off; a renamed person).
    public static let watched: Set<String> = ["planned_contact", "mentorship", "person"]

    public init(strings: Strings, time: RelativeTime, labels: CheckInLabels, errors: ErrorText) {
        self.strings = strings
        self.time = time
        self.labels = labels
        self.errors = errors
    }

    /// The rows of `contacts`. `ownerId`, the id of the person signed in on the phone when the
    /// screen has it, only turns their own answer into "You said you'll be there"; without it the
    /// answer is named like anyone else's.
    public func list(_ contacts: [UpcomingContact], now: Int64, ownerId: String? = nil) -> Upcoming {
        Upcoming(
            rows: contacts.map { row($0, now: now, ownerId: ownerId) },
            empty: contacts.isEmpty ? strings.text(.plannedNone) : nil
        )
    }

    public func row(_ upcoming: UpcomingContact, now: Int64, ownerId: String? = nil) -> UpcomingRow {
        let contact = upcoming.contact
        let other = upcoming.plannerSide ? upcoming.survivorName : upcoming.mentorName
        let title = strings.text(.plannedWith, labels.mode(contact.mode), other)
        let relative = time.day(at: contact.startsAt, now: now)
        let starts = capitalized(time.whenPlanned(at: contact.startsAt, now: now))
        let duration = labels.length(Int(contact.durationMinutes))
        let cancelled = contact.cancelledAt == nil ? nil : strings.text(.plannedCancelled)
        // A cancelled contact's answer no longer matters.
        let answer = cancelled == nil ? self.answer(upcoming, ownerId: ownerId) : nil
        let place = contact.place.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        let note = contact.note.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        return UpcomingRow(
            contactId: contact.id,
            mentorshipId: contact.mentorshipId,
            title: title,
            starts: starts,
            relative: relative,
            duration: duration,
            place: place,
            note: note,
            answer: answer,
            cancelled: cancelled,
            reply: contact.reply,
            canAnswer: upcoming.canAnswer,
            canChange: upcoming.canChange,
            contact: contact,
            spoken: [title, cancelled, starts, duration, place, note, answer].compactMap { $0 }.joined(separator: ". ")
        )
    }

    /// The current answer in words, named after whoever gave it (the core says who).
    private func answer(_ upcoming: UpcomingContact, ownerId: String?) -> String? {
        let contact = upcoming.contact
        guard let reply = contact.reply else {
            return upcoming.plannerSide ? strings.text(.plannedNoReply) : nil
        }
        let accepted = reply == .accepted
        if let ownerId = ownerId, contact.repliedBy == ownerId {
            return strings.text(accepted ? .plannedYouAccepted : .plannedYouDeclined)
        }
        if let name = upcoming.repliedByName {
            return strings.text(accepted ? .plannedTheyAccepted : .plannedTheyDeclined, name)
        }
        // Whoever answered is not on this phone (the core has no name): the answer alone.
        return strings.text(accepted ? .plannedAnswerAccepted : .plannedAnswerDeclined)
    }

    /// "I'll be there" / "Another time": one call; `nil` when done, else the sentence to show. Blocking.
    public func reply(_ api: Passerelle, contactId: String, reply: ContactReply) -> String? {
        attempt { _ = try api.replyToPlannedContact(contactId: contactId, reply: reply) }
    }

    /// "Cancel": one call; `nil` when done, else the sentence to show. Blocking.
    public func cancel(_ api: Passerelle, contactId: String) -> String? {
        attempt { _ = try api.cancelPlannedContact(contactId: contactId) }
    }

    private func attempt(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return errors.sentence(error)
        }
    }

    /// "mardi 3 décembre…" starts a line: "Mardi 3 décembre…".
    private func capitalized(_ text: String) -> String {
        guard let first = text.first else {
            return text
        }
        return String(first).uppercased(with: strings.locale) + text.dropFirst()
    }
}
