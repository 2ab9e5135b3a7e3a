// The form that plans the next visit or call of a mentorship, or moves one: which day (today,
// tomorrow, in 2, 3 or 7 days), what time (hour and quarter-hour steps), how, how long (−/+ 15
// minutes), where and a note. It becomes the bindings' `ContactDetails`; whether the time is
// still to come, the length allowed and the text limits are the core's, and what it refuses
// shows under the field to fix.
import Foundation
import Passerelle

/// The parts of the plan form an error can point at.
public enum PlanField: Hashable {
    case startsAt, duration, place, note
}

/// A value type: every edit returns a new form and clears the error of the field it touches. The
/// day counts from `openedAt` (when the form opened), so "tomorrow" does not shift under the
/// person's finger.
public struct PlanContactForm: Equatable {
    /// Today, tomorrow, in 2, 3 and 7 days.
    public static let usualDays = [0, 1, 2, 3, 7]
    public static let step = 15
    public static let shortest = 5
    public static let longest = 600
    private static let lastQuarter = 24 * 60 - PlanContactForm.step

    public var mentorshipId: String
    /// The contact being moved or changed, or `nil` for a new one.
    public var changing: String?
    public var openedAt: Int64
    /// Calendar days after `openedAt`'s day.
    public var daysAhead: Int = 1
    /// Minutes after midnight, on the phone's clock.
    public var minuteOfDay: Int = 10 * 60
    public var mode: ContactMode = .homeVisit
    public var durationMinutes: Int = 60
    public var place: String = ""
    public var note: String = ""
    public var errors: [PlanField: String] = [:]
    /// An error that belongs to no field ("Your account cannot do this.").
    public var formError: String?

    public var isChange: Bool { changing != nil }

    /// The day chips: the usual ones, and a moved contact's own day when it is another.
    public var dayChoices: [Int] { Array(Set(PlanContactForm.usualDays + [daysAhead])).sorted() }

    /// A blank form: tomorrow at 10:00, a home visit of an hour.
    public static func new(mentorshipId: String, now: Int64) -> PlanContactForm {
        PlanContactForm(mentorshipId: mentorshipId, changing: nil, openedAt: now)
    }

    /// A form prefilled with a planned contact, to move it or change how, where or its note.
    public static func change(_ contact: PlannedContact, time: RelativeTime, now: Int64) -> PlanContactForm {
        var form = PlanContactForm(mentorshipId: contact.mentorshipId, changing: contact.id, openedAt: now)
        form.daysAhead = max(0, time.daysBetween(now: now, at: contact.startsAt))
        form.minuteOfDay = time.minuteOfDay(at: contact.startsAt)
        form.mode = contact.mode
        form.durationMinutes = Int(contact.durationMinutes)
        form.place = contact.place ?? ""
        form.note = contact.note ?? ""
        return form
    }

    public func withDaysAhead(_ days: Int) -> PlanContactForm { edited(.startsAt) { $0.daysAhead = max(0, days) } }

    /// The time steppers; they stop at the day's first and last quarter rather than change day.
    public func withMinuteOfDay(_ minute: Int) -> PlanContactForm {
        edited(.startsAt) { $0.minuteOfDay = min(max(0, minute), PlanContactForm.lastQuarter) }
    }

    public func earlierHour() -> PlanContactForm { withMinuteOfDay(minuteOfDay - 60) }
    public func laterHour() -> PlanContactForm { withMinuteOfDay(minuteOfDay + 60) }
    public func earlierQuarter() -> PlanContactForm { withMinuteOfDay(minuteOfDay - PlanContactForm.step) }
    public func laterQuarter() -> PlanContactForm { withMinuteOfDay(minuteOfDay + PlanContactForm.step) }

    public func withMode(_ mode: ContactMode) -> PlanContactForm { edited(nil) { $0.mode = mode } }

    /// The length steppers: 15 minutes at a time, within the 5 minutes to 10 hours a contact may last.
    public func withDuration(_ minutes: Int) -> PlanContactForm {
        edited(.duration) { $0.durationMinutes = min(max(PlanContactForm.shortest, minutes), PlanContactForm.longest) }
    }

    public func shorter() -> PlanContactForm { withDuration(durationMinutes - PlanContactForm.step) }
    public func longer() -> PlanContactForm { withDuration(durationMinutes + PlanContactForm.step) }

    public func withPlace(_ place: String) -> PlanContactForm { edited(.place) { $0.place = place } }
    public func withNote(_ note: String) -> PlanContactForm { edited(.note) { $0.note = note } }

    private func edited(_ field: PlanField?, _ change: (inout PlanContactForm) -> Void) -> PlanContactForm {
        var form = self
        if let field = field {
            form.errors[field] = nil
        }
        form.formError = nil
        change(&form)
        return form
    }

    /// When it starts, in the phone's time zone.
    public func startsAt(_ time: RelativeTime) -> Int64 {
        time.atDayAndMinute(from: openedAt, daysAhead: daysAhead, minuteOfDay: minuteOfDay)
    }

    /// The record the bindings take; a blank place or note is no place or note.
    public func toDetails(_ time: RelativeTime) -> ContactDetails {
        ContactDetails(
            startsAt: startsAt(time),
            durationMinutes: UInt32(clamping: durationMinutes),
            mode: mode,
            place: place.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : place,
            note: note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : note
        )
    }

    /// Saves with one binding call: `planContact`, or `changePlannedContact` when changing. Blocking.
    public func submit(_ api: Passerelle, time: RelativeTime, errors errorText: ErrorText) -> PlanSubmission {
        let details = toDetails(time)
        do {
            if let contactId = changing {
                return .saved(try api.changePlannedContact(contactId: contactId, details: details))
            }
            return .saved(try api.planContact(mentorshipId: mentorshipId, details: details))
        } catch {
            return .rejected(withError(error, errorText))
        }
    }

    /// This form showing `error`: under its field when it names one, above the form otherwise.
    public func withError(_ error: Error, _ errorText: ErrorText) -> PlanContactForm {
        let placed = errorText.placed(error, errors: errors, fieldOf: PlanContactForm.field(of:))
        var form = self
        form.errors = placed.errors
        form.formError = placed.formError
        return form
    }

    /// The form that moves `contactId`, prefilled from one `plannedContact()` call (the contact
    /// as the phone's owner sees it, found by its id). Blocking; throws what the core refuses
    /// (`NotFound`, `NotAllowed` once the owner is no longer in its mentorship).
    public static func loadChange(_ api: Passerelle, contactId: String, time: RelativeTime, now: Int64) throws -> PlanContactForm {
        change(try api.plannedContact(contactId: contactId).contact, time: time, now: now)
    }

    /// The form field for an API field name; `nil` for one the form does not show.
    public static func field(of apiField: String) -> PlanField? {
        switch apiField {
        case "starts_at": return .startsAt
        case "duration_minutes": return .duration
        case "place": return .place
        case "note": return .note
        default: return nil
        }
    }
}

/// What saving the plan form did.
public enum PlanSubmission {
    case saved(PlannedContact)
    case rejected(PlanContactForm)
}
