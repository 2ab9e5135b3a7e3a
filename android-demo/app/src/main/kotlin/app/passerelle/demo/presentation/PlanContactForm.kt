// The form that plans the next visit or call of a mentorship, or moves one: which day (today,
// tomorrow, in 2, 3 or 7 days), what time (hour and quarter-hour steps), how, how long (−/+ 15
// minutes), where and a note. It becomes the bindings' `ContactDetails`; whether the time is
// still to come, the length allowed and the text limits are the core's, and what it refuses
// shows under the field to fix.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.ContactDetails
import app.passerelle.core.ContactMode
import app.passerelle.core.PlannedContact

/** The parts of the plan form an error can point at. */
enum class PlanField { STARTS_AT, DURATION, PLACE, NOTE }

/**
 * Immutable: every edit returns a new state and clears the error of the field it touches. The
 * day counts from [openedAt] (when the form opened), so "tomorrow" does not shift under the
 * person's finger.
 */
data class PlanContactForm(
    val mentorshipId: String,
    /** The contact being moved or changed, or `null` for a new one. */
    val changing: String?,
    val openedAt: Long,
    /** Calendar days after [openedAt]'s day. */
    val daysAhead: Int = 1,
    /** Minutes after midnight, on the phone's clock. */
    val minuteOfDay: Int = 10 * 60,
    val mode: ContactMode = ContactMode.HOME_VISIT,
    val durationMinutes: Int = 60,
    val place: String = "",
    val note: String = "",
    val errors: Map<PlanField, String> = emptyMap(),
    /** An error that belongs to no field ("Your account cannot do this."). */
    val formError: String? = null,
) {
    val isChange: Boolean get() = changing != null

    /** The day chips: the usual ones, and a moved contact's own day when it is another. */
    val dayChoices: List<Int> get() = (DAY_CHOICES + daysAhead).distinct().sorted()

    fun withDaysAhead(days: Int) = edit(PlanField.STARTS_AT).copy(daysAhead = days.coerceAtLeast(0))

    /** The time steppers; they stop at the day's first and last quarter rather than change day. */
    fun withMinuteOfDay(minute: Int) = edit(PlanField.STARTS_AT).copy(minuteOfDay = minute.coerceIn(0, LAST_QUARTER))
    fun earlierHour() = withMinuteOfDay(minuteOfDay - 60)
    fun laterHour() = withMinuteOfDay(minuteOfDay + 60)
    fun earlierQuarter() = withMinuteOfDay(minuteOfDay - STEP)
    fun laterQuarter() = withMinuteOfDay(minuteOfDay + STEP)

    fun withMode(mode: ContactMode) = copy(mode = mode, formError = null)

    /** The length steppers: 15 minutes at a time, within the 5 minutes to 10 hours a contact may last. */
    fun withDuration(minutes: Int) = edit(PlanField.DURATION).copy(durationMinutes = minutes.coerceIn(SHORTEST, LONGEST))
    fun shorter() = withDuration(durationMinutes - STEP)
    fun longer() = withDuration(durationMinutes + STEP)

    fun withPlace(place: String) = edit(PlanField.PLACE).copy(place = place)
    fun withNote(note: String) = edit(PlanField.NOTE).copy(note = note)

    private fun edit(field: PlanField) = copy(errors = errors - field, formError = null)

    /** When it starts, in the phone's time zone. */
    fun startsAt(time: RelativeTime): Long = time.atDayAndMinute(openedAt, daysAhead, minuteOfDay)

    /** The record the bindings take; a blank place or note is no place or note. */
    fun toDetails(time: RelativeTime): ContactDetails = ContactDetails(
        startsAt = startsAt(time),
        durationMinutes = durationMinutes.toUInt(),
        mode = mode,
        place = place.takeIf { it.isNotBlank() },
        note = note.takeIf { it.isNotBlank() },
    )

    /** Saves with one binding call: `planContact`, or `changePlannedContact` when changing. Blocking. */
    fun submit(api: Passerelle, time: RelativeTime, errorText: ErrorText): PlanSubmission = try {
        val details = toDetails(time)
        PlanSubmission.Saved(changing?.let { api.changePlannedContact(it, details) } ?: api.planContact(mentorshipId, details))
    } catch (e: PasserelleException) {
        PlanSubmission.Rejected(withError(e, errorText))
    }

    /** This form showing [error]: under its field when it names one, above the form otherwise. */
    fun withError(error: PasserelleException, errorText: ErrorText): PlanContactForm =
        errorText.placed(error, errors) { fieldOf(it) }.let { copy(errors = it.errors, formError = it.formError) }

    companion object {
        /** Today, tomorrow, in 2, 3 and 7 days. */
        val DAY_CHOICES = listOf(0, 1, 2, 3, 7)
        const val STEP = 15
        const val SHORTEST = 5
        const val LONGEST = 600
        private const val LAST_QUARTER = 24 * 60 - STEP

        /** A blank form: tomorrow at 10:00, a home visit of an hour. */
        fun new(mentorshipId: String, now: Long) = PlanContactForm(mentorshipId = mentorshipId, changing = null, openedAt = now)

        /** A form prefilled with a planned contact, to move it or change how, where or its note. */
        fun change(contact: PlannedContact, time: RelativeTime, now: Long) = PlanContactForm(
            mentorshipId = contact.mentorshipId,
            changing = contact.id,
            openedAt = now,
            daysAhead = time.daysBetween(now, contact.startsAt).toInt().coerceAtLeast(0),
            minuteOfDay = time.minuteOfDay(contact.startsAt),
            mode = contact.mode,
            durationMinutes = contact.durationMinutes.toInt(),
            place = contact.place.orEmpty(),
            note = contact.note.orEmpty(),
        )

        /**
         * The form that moves [contactId], prefilled from one `plannedContact()` call (the
         * contact as the phone's owner sees it, found by its id). Blocking; throws what the core
         * refuses (`NotFound`, `NotAllowed` once the owner is no longer in its mentorship).
         */
        fun loadChange(api: Passerelle, contactId: String, time: RelativeTime, now: Long): PlanContactForm =
            change(api.plannedContact(contactId).contact, time, now)

        /** The form field for an API field name; `null` for one the form does not show. */
        fun fieldOf(apiField: String): PlanField? = when (apiField) {
            "starts_at" -> PlanField.STARTS_AT
            "duration_minutes" -> PlanField.DURATION
            "place" -> PlanField.PLACE
            "note" -> PlanField.NOTE
            else -> null
        }
    }
}

/** What saving the plan form did. */
sealed class PlanSubmission {
    data class Saved(val contact: PlannedContact) : PlanSubmission()
    data class Rejected(val form: PlanContactForm) : PlanSubmission()
}
