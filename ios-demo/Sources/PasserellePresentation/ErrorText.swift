// Turns every failure of the bindings into one short sentence a person can act on. The
// bindings' own texts are for developers, so the sentence is chosen from the error's case; the
// switch below has no default, so a new error case fails the build until it has a sentence. A
// few of the core's refusals have a stable reason worth its own sentence ("the contact was
// cancelled", "the contact is already recorded", a voice note whose sound has not reached the
// server yet).
import Foundation
import Passerelle

/// Where a form shows a refusal: `errors` under its fields, and `formError` above the form.
public struct PlacedErrors<Field: Hashable>: Equatable {
    public let errors: [Field: String]
    public let formError: String?

    public init(errors: [Field: String], formError: String?) {
        self.errors = errors
        self.formError = formError
    }
}

public struct ErrorText {
    private let strings: Strings

    public init(strings: Strings) {
        self.strings = strings
    }

    /// The sentence for any failure; anything that is not a `PasserelleError` is a bug.
    public func sentence(_ error: Error) -> String {
        guard let error = error as? PasserelleError else {
            return strings.text(.errorUnexpected)
        }
        return sentence(error)
    }

    public func sentence(_ error: PasserelleError) -> String {
        switch error {
        case .InvalidInput(let field, _): return strings.text(.errorInvalidInput, fieldName(field))
        case .UnknownCode: return strings.text(.errorUnknownCode)
        case .NotFound: return strings.text(.errorNotFound)
        case .NotAllowed: return strings.text(.errorNotAllowed)
        case .InvalidState(let reason):
            switch reason {
            case "the contact was cancelled": return strings.text(.errorContactCancelled)
            case "the contact is over": return strings.text(.errorContactOver)
            // A second check-in naming the contact, or cancelling one a check-in records.
            case "the contact is already recorded": return strings.text(.errorContactRecorded)
            case "the contact has not started": return strings.text(.errorContactNotStarted)
            // A voice note played before its sender's phone sent the sound, or one whose sound
            // came back not as its message names it (`fetchVoiceNote`).
            case "the sound of this voice note has not reached the server yet": return strings.text(.errorVoiceNoteNotSent)
            case "the sound that came back is not the one this voice note names": return strings.text(.errorVoiceNoteDamaged)
            default: return strings.text(.errorInvalidState)
            }
        case .UnsentChanges(let count): return strings.plural(.errorUnsentChanges, Int(clamping: count))
        case .WrongKey: return strings.text(.errorWrongKey)
        case .Corrupt: return strings.text(.errorCorrupt)
        case .NotEncrypted: return strings.text(.errorNotEncrypted)
        case .NewerSchema: return strings.text(.errorNewerSchema)
        case .ReadOnly: return strings.text(.errorReadOnly)
        case .DiskFull: return strings.text(.errorDiskFull)
        case .CannotOpen: return strings.text(.errorCannotOpen)
        case .Busy: return strings.text(.errorBusy)
        case .Interrupted: return strings.text(.errorInterrupted)
        case .Storage: return strings.text(.errorStorage)
        case .Offline: return strings.text(.errorOffline)
        case .NotEnrolled: return strings.text(.errorNotEnrolled)
        case .Unauthorized: return strings.text(.errorUnauthorized)
        case .AccountClosed: return strings.text(.errorAccountClosed)
        case .InvalidEnrolmentCode: return strings.text(.errorInvalidEnrolmentCode)
        case .RateLimited(let seconds): return strings.plural(.errorRateLimited, Int(clamping: seconds))
        case .ServerRefused: return strings.text(.errorServerRefused)
        case .ServerFailed: return strings.text(.errorServerFailed)
        case .Protocol: return strings.text(.errorProtocol)
        }
    }

    /// A form's errors once `error` is added, for the check-in and plan forms alike: an
    /// `InvalidInput` naming a field the form shows (`fieldOf` gives it) goes under that field and
    /// clears the sentence above the form; anything else becomes that sentence, and the fields'
    /// `errors` stay as they were.
    public func placed<Field: Hashable>(
        _ error: Error, errors: [Field: String], fieldOf: (String) -> Field?
    ) -> PlacedErrors<Field> {
        if case .InvalidInput(let apiField, let problem)? = error as? PasserelleError, let field = fieldOf(apiField) {
            var errors = errors
            errors[field] = self.problem(problem)
            return PlacedErrors(errors: errors, formError: nil)
        }
        return PlacedErrors(errors: errors, formError: sentence(error))
    }

    /// The words for an API field name, for "Please check the notes."
    public func fieldName(_ field: String) -> String {
        switch field {
        case "occurred_at": return strings.text(.fieldWhen)
        case "duration_minutes": return strings.text(.fieldDuration)
        case "wellbeing": return strings.text(.fieldWellbeing)
        case "notes": return strings.text(.fieldNotes)
        case "resources_shared": return strings.text(.fieldResources)
        case "follow_up.action": return strings.text(.fieldFollowUpAction)
        case "follow_up.due_at": return strings.text(.fieldFollowUpDue)
        case "concern.summary": return strings.text(.fieldConcernSummary)
        case "reason": return strings.text(.fieldReason)
        case "code": return strings.text(.fieldCode)
        case "server_url": return strings.text(.fieldServer)
        case "body": return strings.text(.fieldMessage)
        case "starts_at": return strings.text(.fieldStartsAt)
        case "place": return strings.text(.fieldPlace)
        case "note": return strings.text(.fieldNote)
        // A voice note the recorder made: its sound or its length.
        case "audio", "duration_ms": return strings.text(.fieldRecording)
        case "caption": return strings.text(.fieldMessage)
        default: return strings.text(.fieldOther)
        }
    }

    /// The sentence under a field for the rule it broke. The core words its rules in a fixed
    /// set of phrases (its `Problem` type, e.g. `longer than 4000 characters`, `outside
    /// 0..=600`); the numbers are read back from them so the sentence can say the limit.
    public func problem(_ problem: String) -> String {
        if let max = number(in: problem, after: "longer than ", before: " characters") {
            return strings.plural(.problemTooLong, max)
        }
        if let max = number(in: problem, after: "more than ", before: " items") {
            return strings.plural(.problemTooMany, max)
        }
        if problem.hasPrefix("outside ") {
            let bounds = problem.dropFirst("outside ".count).components(separatedBy: "..=")
            if bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]) {
                return strings.text(.problemOutOfRange, low, high)
            }
        }
        switch problem {
        case "must not be empty": return strings.text(.problemEmpty)
        case "before 1900-01-01": return strings.text(.problemTooEarly)
        case "too far in the future": return strings.text(.problemTooLate)
        case "dates in the wrong order": return strings.text(.problemOutOfOrder)
        case "already past": return strings.text(.problemPast)
        case "malformed": return strings.text(.problemMalformed)
        case "repeated": return strings.text(.problemDuplicate)
        case "must use https:// (plain http:// only to this device)": return strings.text(.problemCleartext)
        default: return strings.text(.problemOther)
        }
    }

    private func number(in text: String, after prefix: String, before suffix: String) -> Int? {
        guard text.hasPrefix(prefix), text.hasSuffix(suffix), text.count > prefix.count + suffix.count else {
            return nil
        }
        return Int(text.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
