// The next visits and calls, from one `upcomingContacts()` call (or one `plannedContact()`), and
// the contacts over that wait to be recorded, from one `contactsToRecord()` call: what, with
// whom, when (the weekday and time, and "in 2 days"), how long, where, the planner's note, the
// answer in words, and on the planner's side whether a check-in records it. Which side the
// phone's owner is on (`plannerSide`: the mentor or the coordinator, or else the survivor or a
// caregiver they share with), who answered (`repliedByName`), which check-in records it
// (`checkinId`), and whether they may answer (`canAnswer`), move (`canChange`), cancel
// (`canCancel`) or record it (`canRecord`) are all the core's, as are which contacts are still
// to come or wait to be recorded, their order, and that moving a contact clears its answer: a
// refusal comes back as a sentence.
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
    /// "Change" shows: the core's `canChange` (a contact not over may be moved).
    public let canChange: Bool
    /// The cancel button shows: the core's `canCancel`.
    public let canCancel: Bool
    /// Its words: "Cancel" for a contact not over, "Did not take place" for one over that nobody recorded.
    public let cancelAction: String
    /// The button that confirms it: "Yes, cancel it" or "Yes, it did not take place".
    public let cancelConfirm: String
    /// "Record check-in" shows: the core's `canRecord` (its mentor, once it has started).
    public let canRecord: Bool
    /// On the planner's side, "Recorded" once a check-in records it and "Not recorded yet" once it
    /// is over without one; `nil` otherwise (the visited side never sees the case notes).
    public let recorded: String?
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
    /// a check-in recording one names `checkin`; an ended mentorship takes its contacts off; a
    /// renamed person).
    public static let watched: Set<String> = ["planned_contact", "checkin", "mentorship", "person"]

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

    /// The rows of `contactsToRecord()`: the contacts over that wait for a check-in. A screen
    /// leaves the section out when there are none, so there is no sentence for that.
    public func toRecord(_ contacts: [UpcomingContact], now: Int64) -> [UpcomingRow] {
        contacts.map { row($0, now: now) }
    }

    public func row(_ upcoming: UpcomingContact, now: Int64, ownerId: String? = nil) -> UpcomingRow {
        let contact = upcoming.contact
        // Whether it is over is the core's (its clock), not read here.
        let over = upcoming.plannerSide && contact.cancelledAt == nil && upcoming.over
        let notHeld = over && upcoming.checkinId == nil // cancelling it says it did not take place
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
        let recorded: String?
        if !upcoming.plannerSide || cancelled != nil {
            recorded = nil
        } else if upcoming.checkinId != nil {
            recorded = strings.text(.plannedRecorded)
        } else if over {
            recorded = strings.text(.plannedNotRecorded)
        } else {
            recorded = nil
        }
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
            canCancel: upcoming.canCancel,
            cancelAction: strings.text(notHeld ? .plannedNotHeld : .contactCancel),
            cancelConfirm: strings.text(notHeld ? .plannedNotHeldConfirm : .contactCancelConfirm),
            canRecord: upcoming.canRecord,
            recorded: recorded,
            contact: contact,
            spoken: [title, cancelled, starts, duration, place, note, answer, recorded].compactMap { $0 }.joined(separator: ". ")
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

    /// "Cancel", or "Did not take place" for a contact over that nobody recorded: one call; `nil`
    /// when done, else the sentence to show. Blocking.
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
