// The next visits and calls, from one `upcomingContacts()` call: what, with whom, when (the
// weekday and time, and "in 2 days"), how long, where, the planner's note, and the answer in
// words from the viewer's side. The survivor (or a caregiver they share with) sees the mentor's
// name and answers "I'll be there" / "Another time"; the mentor (or the coordinator) sees the
// survivor's name, their answer, and "Cancel". Which contacts are still to come, their order,
// that moving a contact clears its answer, and who may answer or cancel are the core's: a refusal
// comes back as a sentence.
import Foundation
import Passerelle

/// Which side of the mentorship the viewer is on: the one visited, or the one visiting.
public enum ContactSide: Equatable {
    case survivor, mentor
}

/// One planned contact, ready to show. `nil` means "show nothing for this".
public struct UpcomingRow: Identifiable, Equatable {
    public var id: String { contactId }
    public let contactId: String
    public let mentorshipId: String
    /// "Home visit with Marc" for the survivor's side, "Home visit with Sophie" for the mentor's.
    public let title: String
    /// "Tuesday, December 3 at 2:00 PM (in 2 days)".
    public let starts: String
    /// "today", "tomorrow", "in 2 days".
    public let relative: String
    /// "1 hour", "30 minutes", "1 hour and 30 minutes".
    public let duration: String
    public let place: String?
    public let note: String?
    /// The answer in words, from the viewer's side; `nil` on the survivor's side before they answer.
    public let answer: String?
    /// "Cancelled" once it was (it stays listed until its time has passed).
    public let cancelled: String?
    /// The answer as it stands, to mark the chosen button.
    public let reply: ContactReply?
    /// "I'll be there" / "Another time" show (the survivor's side, not cancelled).
    public let canAnswer: Bool
    /// "Cancel" and "Change" show (the mentor's side, not cancelled).
    public let canCancel: Bool
    /// The contact itself, to prefill the form that moves it.
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

    public func list(_ contacts: [UpcomingContact], viewer: Person, now: Int64) -> Upcoming {
        Upcoming(
            rows: contacts.map { row($0, viewer: viewer, now: now) },
            empty: contacts.isEmpty ? strings.text(.plannedNone) : nil
        )
    }

    public func row(_ upcoming: UpcomingContact, viewer: Person, now: Int64) -> UpcomingRow {
        let contact = upcoming.contact
        let side = self.side(upcoming, viewer: viewer)
        let other = side == .survivor ? upcoming.mentorName : upcoming.survivorName
        let title = strings.text(.plannedWith, labels.mode(contact.mode), other)
        let relative = time.day(at: contact.startsAt, now: now)
        let starts = capitalized(strings.text(.plannedWhen, time.dayAndTime(at: contact.startsAt, now: now), relative))
        let duration = labels.length(Int(contact.durationMinutes))
        let cancelled = contact.cancelledAt == nil ? nil : strings.text(.plannedCancelled)
        var answer: String?
        // A cancelled contact's answer no longer matters.
        if cancelled == nil {
            switch (side, contact.reply) {
            case (.survivor, .accepted?): answer = strings.text(.plannedYouAccepted)
            case (.survivor, .declined?): answer = strings.text(.plannedYouDeclined)
            case (.survivor, nil): answer = nil
            case (.mentor, .accepted?): answer = strings.text(.plannedTheyAccepted, upcoming.survivorName)
            case (.mentor, .declined?): answer = strings.text(.plannedTheyDeclined, upcoming.survivorName)
            case (.mentor, nil): answer = strings.text(.plannedNoReply)
            }
        }
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
            canAnswer: side == .survivor && cancelled == nil,
            canCancel: side == .mentor && cancelled == nil,
            contact: contact,
            spoken: [title, cancelled, starts, duration, place, note, answer].compactMap { $0 }.joined(separator: ". ")
        )
    }

    /// The viewer's side: the mentor and the survivor by their ids; a professional is the
    /// coordinator who plans with the mentor; anyone else here is a caregiver the survivor shares
    /// with. Only which words and buttons show follow from it: the core decides who may answer.
    public func side(_ upcoming: UpcomingContact, viewer: Person) -> ContactSide {
        if viewer.id == upcoming.mentorId {
            return .mentor
        }
        if viewer.id == upcoming.survivorId {
            return .survivor
        }
        return viewer.role == .professional || viewer.role == .mentor ? .mentor : .survivor
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
