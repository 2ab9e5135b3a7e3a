// Turns every failure of the bindings into one short sentence a person can act on. The
// bindings' own texts are for developers (and Kotlin's `message` is a field dump), so the
// sentence is chosen from the exception's type; the `when` below is exhaustive over the
// sealed class, so a new error variant fails the build until it has a sentence. A few of the
// core's refusals have a stable reason worth its own sentence ("the contact was cancelled", "the
// contact is already recorded", a voice note whose sound has not reached the server yet).
package app.passerelle.demo.presentation

import app.passerelle.PasserelleException

/** Where a form shows a refusal: [errors] under its fields, and [formError] above the form. */
data class PlacedErrors<F>(val errors: Map<F, String>, val formError: String?)

class ErrorText(private val strings: Strings) {
    /** The sentence for any failure; anything that is not a [PasserelleException] is a bug. */
    fun sentence(error: Throwable): String = when (error) {
        is PasserelleException -> sentence(error)
        else -> strings.text(Text.ERROR_UNEXPECTED)
    }

    fun sentence(error: PasserelleException): String = when (error) {
        is PasserelleException.InvalidInput -> strings.text(Text.ERROR_INVALID_INPUT, fieldName(error.field))
        is PasserelleException.UnknownCode -> strings.text(Text.ERROR_UNKNOWN_CODE)
        is PasserelleException.NotFound -> strings.text(Text.ERROR_NOT_FOUND)
        is PasserelleException.NotAllowed -> strings.text(Text.ERROR_NOT_ALLOWED)
        is PasserelleException.InvalidState -> strings.text(
            when (error.reason) {
                "the contact was cancelled" -> Text.ERROR_CONTACT_CANCELLED
                "the contact is over" -> Text.ERROR_CONTACT_OVER
                // A second check-in naming the contact, or cancelling one a check-in records.
                "the contact is already recorded" -> Text.ERROR_CONTACT_RECORDED
                "the contact has not started" -> Text.ERROR_CONTACT_NOT_STARTED
                // A voice note played before its sender's phone sent the sound, or one whose
                // sound came back not as its message names it (`fetchVoiceNote`).
                "the sound of this voice note has not reached the server yet" -> Text.ERROR_VOICE_NOTE_NOT_SENT
                "the sound that came back is not the one this voice note names" -> Text.ERROR_VOICE_NOTE_DAMAGED
                else -> Text.ERROR_INVALID_STATE
            },
        )
        is PasserelleException.UnsentChanges -> strings.plural(Plural.ERROR_UNSENT_CHANGES, error.count)
        is PasserelleException.WrongKey -> strings.text(Text.ERROR_WRONG_KEY)
        is PasserelleException.Corrupt -> strings.text(Text.ERROR_CORRUPT)
        is PasserelleException.NotEncrypted -> strings.text(Text.ERROR_NOT_ENCRYPTED)
        is PasserelleException.NewerSchema -> strings.text(Text.ERROR_NEWER_SCHEMA)
        is PasserelleException.ReadOnly -> strings.text(Text.ERROR_READ_ONLY)
        is PasserelleException.DiskFull -> strings.text(Text.ERROR_DISK_FULL)
        is PasserelleException.CannotOpen -> strings.text(Text.ERROR_CANNOT_OPEN)
        is PasserelleException.Busy -> strings.text(Text.ERROR_BUSY)
        is PasserelleException.Interrupted -> strings.text(Text.ERROR_INTERRUPTED)
        is PasserelleException.Storage -> strings.text(Text.ERROR_STORAGE)
        is PasserelleException.Offline -> strings.text(Text.ERROR_OFFLINE)
        is PasserelleException.NotEnrolled -> strings.text(Text.ERROR_NOT_ENROLLED)
        is PasserelleException.Unauthorized -> strings.text(Text.ERROR_UNAUTHORIZED)
        is PasserelleException.AccountClosed -> strings.text(Text.ERROR_ACCOUNT_CLOSED)
        is PasserelleException.InvalidEnrolmentCode -> strings.text(Text.ERROR_INVALID_ENROLMENT_CODE)
        is PasserelleException.RateLimited ->
            strings.plural(Plural.ERROR_RATE_LIMITED, error.retryAfterSecs)
        is PasserelleException.ServerRefused -> strings.text(Text.ERROR_SERVER_REFUSED)
        is PasserelleException.ServerFailed -> strings.text(Text.ERROR_SERVER_FAILED)
        is PasserelleException.Protocol -> strings.text(Text.ERROR_PROTOCOL)
    }

    /**
     * A form's errors once [error] is added, for the check-in and plan forms alike: an
     * `InvalidInput` naming a field the form shows ([fieldOf] gives it) goes under that field and
     * clears the sentence above the form; anything else becomes that sentence, and the fields'
     * [errors] stay as they were.
     */
    fun <F> placed(error: PasserelleException, errors: Map<F, String>, fieldOf: (String) -> F?): PlacedErrors<F> {
        val field = (error as? PasserelleException.InvalidInput)?.let { fieldOf(it.field) }
        return if (error is PasserelleException.InvalidInput && field != null) {
            PlacedErrors(errors + (field to problem(error.problem)), formError = null)
        } else {
            PlacedErrors(errors, formError = sentence(error))
        }
    }

    /** The words for an API field name, for "Please check: the notes." */
    fun fieldName(field: String): String = strings.text(
        when (field) {
            "occurred_at" -> Text.FIELD_WHEN
            "duration_minutes" -> Text.FIELD_DURATION
            "wellbeing" -> Text.FIELD_WELLBEING
            "notes" -> Text.FIELD_NOTES
            "resources_shared" -> Text.FIELD_RESOURCES
            "follow_up.action" -> Text.FIELD_FOLLOW_UP_ACTION
            "follow_up.due_at" -> Text.FIELD_FOLLOW_UP_DUE
            "concern.summary" -> Text.FIELD_CONCERN_SUMMARY
            "reason" -> Text.FIELD_REASON
            "code" -> Text.FIELD_CODE
            "server_url" -> Text.FIELD_SERVER
            "body" -> Text.FIELD_MESSAGE
            "starts_at" -> Text.FIELD_STARTS_AT
            "place" -> Text.FIELD_PLACE
            "note" -> Text.FIELD_NOTE
            // A voice note the recorder made: its sound or its length.
            "audio", "duration_ms" -> Text.FIELD_RECORDING
            "caption" -> Text.FIELD_MESSAGE
            else -> Text.FIELD_OTHER
        },
    )

    /**
     * The sentence under a field for the rule it broke. The core words its rules in a fixed set
     * of phrases (its `Problem` type, e.g. `longer than 4000 characters`, `outside 0..=600`); the
     * numbers are read back from them so the sentence can say the limit.
     */
    fun problem(problem: String): String {
        TOO_LONG.matchEntire(problem)?.let { return strings.plural(Plural.PROBLEM_TOO_LONG, it.groupValues[1].toInt()) }
        TOO_MANY.matchEntire(problem)?.let { return strings.plural(Plural.PROBLEM_TOO_MANY, it.groupValues[1].toInt()) }
        OUT_OF_RANGE.matchEntire(problem)?.let {
            return strings.text(Text.PROBLEM_OUT_OF_RANGE, it.groupValues[1].toLong(), it.groupValues[2].toLong())
        }
        return strings.text(
            when (problem) {
                "must not be empty" -> Text.PROBLEM_EMPTY
                "before 1900-01-01" -> Text.PROBLEM_TOO_EARLY
                "too far in the future" -> Text.PROBLEM_TOO_LATE
                "dates in the wrong order" -> Text.PROBLEM_OUT_OF_ORDER
                "already past" -> Text.PROBLEM_PAST
                "malformed" -> Text.PROBLEM_MALFORMED
                "repeated" -> Text.PROBLEM_DUPLICATE
                "must use https:// (plain http:// only to this device)" -> Text.PROBLEM_CLEARTEXT
                else -> Text.PROBLEM_OTHER
            },
        )
    }

    private companion object {
        val TOO_LONG = Regex("""longer than (\d{1,9}) characters""")
        val TOO_MANY = Regex("""more than (\d{1,9}) items""")
        val OUT_OF_RANGE = Regex("""outside (-?\d{1,18})\.\.=(-?\d{1,18})""")
    }
}
