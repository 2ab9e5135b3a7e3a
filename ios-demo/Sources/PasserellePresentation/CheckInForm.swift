// The check-in form's state, for recording a new check-in — of a contact that just happened, or
// of a planned contact ("Record check-in") — or amending one: what the mentor chose, how it
// becomes the bindings' `CheckInInput`, and the errors to show under each field.
// The rules (duration range, text limits, dates) are the core's: the form sends what was
// entered and places the core's `InvalidInput(field, problem)` under the matching field, so
// the two apps can never disagree with the core about what is valid.
import Foundation
import Passerelle

private let hourMs: Int64 = 3_600_000
private let dayMs: Int64 = 24 * hourMs

/// The parts of the form an error can point at.
public enum FormField: Hashable {
    case when, duration, wellbeing, notes, resources, followUpAction, followUpDue, concernSummary, reason
}

/// The choices the form offers, in the order the chips show them (the generated enums are not
/// `CaseIterable`).
public enum Choices {
    public static let modes: [ContactMode] = [.homeVisit, .hospitalVisit, .phone, .video, .message, .group]
    public static let reached: [Reached] = [.survivor, .caregiver, .both, .noAnswer]
    public static let dimensions: [Dimension] = [
        .healthcarePathway, .socialAdministrative, .emotional, .informational, .caregiverSupport,
    ]
    public static let concerns: [ConcernCategory] = [.physicalHealth, .mood, .safety, .caregiverStrain, .practical, .other]
    public static let urgencies: [Urgency] = [.routine, .soon, .urgent]
}

/// A value type: every edit returns a new form (the UI keeps it in one observable property)
/// and clears the error of the field it touches, so a corrected field stops showing its error.
public struct CheckInForm: Equatable {
    public var mentorshipId: String
    /// The check-in being amended, or `nil` for a new one.
    public var amending: String?
    /// The planned contact this check-in records, or `nil`; an amendment keeps it.
    public var plannedContactId: String?
    public var occurredAt: Int64
    public var mode: ContactMode = .phone
    public var durationMinutes: Int = 30
    public var reached: Reached = .survivor
    public var dimensions: Set<Dimension> = []
    public var wellbeing: WellbeingFace?
    public var notes: String = ""
    public var resourcesShared: [String] = []
    public var followUp: Bool = false
    public var followUpAction: String = ""
    public var followUpDueAt: Int64?
    public var concern: Bool = false
    public var concernCategory: ConcernCategory = .mood
    public var concernUrgency: Urgency = .soon
    public var concernSummary: String = ""
    /// Why the check-in is amended (the core requires one for an amendment).
    public var reason: String = ""
    public var errors: [FormField: String] = [:]
    /// An error that belongs to no field ("Your account cannot do this.").
    public var formError: String?

    public var isAmendment: Bool { amending != nil }

    /// Whether the form offers "now / 1 hour ago / yesterday": only for a contact that just
    /// happened. An amendment keeps the contact's time, and a planned contact its planned start.
    public var choosesWhen: Bool { amending == nil && plannedContactId == nil }

    /// A blank form for a contact that just happened.
    public static func new(mentorshipId: String, now: Int64) -> CheckInForm {
        CheckInForm(mentorshipId: mentorshipId, amending: nil, occurredAt: now)
    }

    /// A form prefilled from a planned contact, to record it: its start, how and how long; the
    /// check-in names it, so the core no longer counts it as waiting to be recorded.
    public static func recording(_ contact: PlannedContact) -> CheckInForm {
        var form = CheckInForm(mentorshipId: contact.mentorshipId, amending: nil, occurredAt: contact.startsAt)
        form.plannedContactId = contact.id
        form.mode = contact.mode
        form.durationMinutes = Int(contact.durationMinutes)
        return form
    }

    /// The form that records `contactId`, prefilled from one `plannedContact()` call. Blocking;
    /// throws what the core refuses (`NotFound`, `NotAllowed`). Whether it may be recorded
    /// (started, not cancelled, not recorded yet) is the core's to say when it is saved.
    public static func loadRecording(_ api: Passerelle, contactId: String) throws -> CheckInForm {
        try recording(api.plannedContact(contactId: contactId).contact)
    }

    /// A form prefilled with a check-in's current version, to amend it.
    public static func amend(_ current: CheckIn) -> CheckInForm {
        var form = CheckInForm(mentorshipId: current.mentorshipId, amending: current.checkinId, occurredAt: current.occurredAt)
        // Sent back unchanged: an amendment without it would stop recording the contact.
        form.plannedContactId = current.plannedContactId
        form.mode = current.mode
        form.durationMinutes = Int(current.durationMinutes)
        form.reached = current.reached
        form.dimensions = Set(current.dimensions)
        form.wellbeing = WellbeingFace.of(current.wellbeing)
        form.notes = current.notes
        form.resourcesShared = current.resourcesShared
        form.followUp = current.followUp != nil
        form.followUpAction = current.followUp?.action ?? ""
        form.followUpDueAt = current.followUp?.dueAt
        return form
    }

    public func withOccurredHoursAgo(_ hours: Int, now: Int64) -> CheckInForm {
        edited(.when) { $0.occurredAt = now - Int64(hours) * hourMs }
    }

    public func withMode(_ mode: ContactMode) -> CheckInForm { edited(nil) { $0.mode = mode } }

    /// Steppers add and remove minutes; below zero is not a duration at all, so it stops there.
    public func withDuration(_ minutes: Int) -> CheckInForm { edited(.duration) { $0.durationMinutes = max(0, minutes) } }

    public func withReached(_ reached: Reached) -> CheckInForm { edited(nil) { $0.reached = reached } }

    public func toggle(_ dimension: Dimension) -> CheckInForm {
        edited(nil) { form in
            if form.dimensions.contains(dimension) {
                form.dimensions.remove(dimension)
            } else {
                form.dimensions.insert(dimension)
            }
        }
    }

    /// Tapping the chosen face again clears the score: the scale is optional.
    public func withWellbeing(_ face: WellbeingFace?) -> CheckInForm {
        edited(.wellbeing) { $0.wellbeing = face == $0.wellbeing ? nil : face }
    }

    public func withNotes(_ notes: String) -> CheckInForm { edited(.notes) { $0.notes = notes } }

    public func withFollowUp(_ on: Bool, now: Int64) -> CheckInForm {
        var form = edited(.followUpAction) { $0.followUp = on }
        form.errors[.followUpDue] = nil
        form.followUpDueAt = form.followUpDueAt ?? now + 7 * dayMs
        return form
    }

    public func withFollowUpAction(_ action: String) -> CheckInForm { edited(.followUpAction) { $0.followUpAction = action } }

    public func withFollowUpInDays(_ days: Int, now: Int64) -> CheckInForm {
        edited(.followUpDue) { $0.followUpDueAt = now + Int64(days) * dayMs }
    }

    public func withConcern(_ on: Bool) -> CheckInForm { edited(.concernSummary) { $0.concern = on } }

    public func withConcernCategory(_ category: ConcernCategory) -> CheckInForm { edited(nil) { $0.concernCategory = category } }

    public func withConcernUrgency(_ urgency: Urgency) -> CheckInForm { edited(nil) { $0.concernUrgency = urgency } }

    public func withConcernSummary(_ summary: String) -> CheckInForm { edited(.concernSummary) { $0.concernSummary = summary } }

    public func withReason(_ reason: String) -> CheckInForm { edited(.reason) { $0.reason = reason } }

    private func edited(_ field: FormField?, _ change: (inout CheckInForm) -> Void) -> CheckInForm {
        var form = self
        if let field = field {
            form.errors[field] = nil
        }
        form.formError = nil
        change(&form)
        return form
    }

    /// The record the bindings take. Switched-off parts (follow-up, concern) are left out.
    public func toInput() -> CheckInInput {
        CheckInInput(
            mentorshipId: mentorshipId,
            occurredAt: occurredAt,
            mode: mode,
            durationMinutes: UInt32(clamping: durationMinutes),
            reached: reached,
            // In the scale's order, whatever order they were tapped in.
            dimensions: Choices.dimensions.filter { dimensions.contains($0) },
            wellbeing: wellbeing?.stored,
            notes: notes,
            resourcesShared: resourcesShared,
            followUp: followUp ? FollowUp(action: followUpAction, dueAt: followUpDueAt ?? occurredAt) : nil,
            concern: concern ? NewConcern(category: concernCategory, urgency: concernUrgency, summary: concernSummary) : nil,
            plannedContactId: plannedContactId
        )
    }

    /// Saves with one binding call: `recordCheckin`, or `amendCheckin` when amending. Blocking.
    public func submit(_ api: Passerelle, errors errorText: ErrorText) -> Submission {
        let input = toInput()
        do {
            if let checkinId = amending {
                return .saved(try api.amendCheckin(checkinId: checkinId, input: input, reason: reason))
            }
            return .saved(try api.recordCheckin(input: input))
        } catch {
            return .rejected(withError(error, errorText))
        }
    }

    /// This form showing `error`: under its field when it names one, above the form otherwise.
    public func withError(_ error: Error, _ errorText: ErrorText) -> CheckInForm {
        let placed = errorText.placed(error, errors: errors, fieldOf: CheckInForm.field(of:))
        var form = self
        form.errors = placed.errors
        form.formError = placed.formError
        return form
    }

    /// The form field for an API field name; `nil` for one the form does not show.
    public static func field(of apiField: String) -> FormField? {
        switch apiField {
        case "occurred_at": return .when
        case "duration_minutes": return .duration
        case "wellbeing": return .wellbeing
        case "notes": return .notes
        case "resources_shared": return .resources
        case "follow_up.action": return .followUpAction
        case "follow_up.due_at": return .followUpDue
        case "concern.summary": return .concernSummary
        case "reason": return .reason
        default: return nil
        }
    }
}

/// What saving the form did.
public enum Submission {
    case saved(RecordedCheckIn)
    case rejected(CheckInForm)
}

/// The words on the form's chips, in the current language.
public struct CheckInLabels {
    private let strings: Strings

    public init(strings: Strings) {
        self.strings = strings
    }

    public func mode(_ mode: ContactMode) -> String {
        switch mode {
        case .homeVisit: return strings.text(.modeHomeVisit)
        case .hospitalVisit: return strings.text(.modeHospitalVisit)
        case .phone: return strings.text(.modePhone)
        case .video: return strings.text(.modeVideo)
        case .message: return strings.text(.modeMessage)
        case .group: return strings.text(.modeGroup)
        }
    }

    public func reached(_ reached: Reached) -> String {
        switch reached {
        case .survivor: return strings.text(.reachedSurvivor)
        case .caregiver: return strings.text(.reachedCaregiver)
        case .both: return strings.text(.reachedBoth)
        case .noAnswer: return strings.text(.reachedNoAnswer)
        }
    }

    public func dimension(_ dimension: Dimension) -> String {
        switch dimension {
        case .healthcarePathway: return strings.text(.dimensionHealthcarePathway)
        case .socialAdministrative: return strings.text(.dimensionSocialAdministrative)
        case .emotional: return strings.text(.dimensionEmotional)
        case .informational: return strings.text(.dimensionInformational)
        case .caregiverSupport: return strings.text(.dimensionCaregiverSupport)
        }
    }

    public func concern(_ category: ConcernCategory) -> String {
        switch category {
        case .physicalHealth: return strings.text(.concernPhysicalHealth)
        case .mood: return strings.text(.concernMood)
        case .safety: return strings.text(.concernSafety)
        case .caregiverStrain: return strings.text(.concernCaregiverStrain)
        case .practical: return strings.text(.concernPractical)
        case .other: return strings.text(.concernOther)
        }
    }

    public func urgency(_ urgency: Urgency) -> String {
        switch urgency {
        case .routine: return strings.text(.urgencyRoutine)
        case .soon: return strings.text(.urgencySoon)
        case .urgent: return strings.text(.urgencyUrgent)
        }
    }

    public func duration(_ minutes: Int) -> String {
        strings.plural(.durationMinutes, minutes)
    }

    /// A planned length in hours where it reads better: "30 minutes", "1 hour", "1 hour and 30 minutes".
    public func length(_ minutes: Int) -> String {
        let hours = minutes / 60
        let rest = minutes % 60
        if hours == 0 {
            return duration(minutes)
        }
        if rest == 0 {
            return strings.plural(.durationHours, hours)
        }
        return strings.text(.durationHoursMinutes, strings.plural(.durationHours, hours), duration(rest))
    }
}
