// The check-in form's state, for recording a new check-in — of a contact that just happened, or
// of a planned contact ("Record check-in") — or amending one: what the mentor chose, how it
// becomes the bindings' `CheckInInput`, and the errors to show under each field.
// The rules (duration range, text limits, dates) are the core's: the form sends what was
// entered and places the core's `InvalidInput(field, problem)` under the matching field, so
// the two apps can never disagree with the core about what is valid.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.CheckIn
import app.passerelle.core.CheckInInput
import app.passerelle.core.ConcernCategory
import app.passerelle.core.ContactMode
import app.passerelle.core.Dimension
import app.passerelle.core.FollowUp
import app.passerelle.core.NewConcern
import app.passerelle.core.PlannedContact
import app.passerelle.core.Reached
import app.passerelle.core.RecordedCheckIn
import app.passerelle.core.Urgency

private const val HOUR_MS = 3_600_000L
private const val DAY_MS = 24 * HOUR_MS

/** The parts of the form an error can point at. */
enum class FormField { WHEN, DURATION, WELLBEING, NOTES, RESOURCES, FOLLOW_UP_ACTION, FOLLOW_UP_DUE, CONCERN_SUMMARY, REASON }

/**
 * Immutable: every edit returns a new state (the UI keeps it in one observable value) and clears
 * the error of the field it touches, so a corrected field stops showing its error at once.
 */
data class CheckInForm(
    val mentorshipId: String,
    /** The check-in being amended, or `null` for a new one. */
    val amending: String?,
    /** The planned contact this check-in records, or `null`; an amendment keeps it. */
    val plannedContactId: String? = null,
    val occurredAt: Long,
    val mode: ContactMode = ContactMode.PHONE,
    val durationMinutes: Int = 30,
    val reached: Reached = Reached.SURVIVOR,
    val dimensions: Set<Dimension> = emptySet(),
    val wellbeing: WellbeingFace? = null,
    val notes: String = "",
    val resourcesShared: List<String> = emptyList(),
    val followUp: Boolean = false,
    val followUpAction: String = "",
    val followUpDueAt: Long? = null,
    val concern: Boolean = false,
    val concernCategory: ConcernCategory = ConcernCategory.MOOD,
    val concernUrgency: Urgency = Urgency.SOON,
    val concernSummary: String = "",
    /** Why the check-in is amended (the core requires one for an amendment). */
    val reason: String = "",
    val errors: Map<FormField, String> = emptyMap(),
    /** An error that belongs to no field ("You can't do this with your account."). */
    val formError: String? = null,
) {
    val isAmendment: Boolean get() = amending != null

    /**
     * Whether the form offers "now / 1 hour ago / yesterday": only for a contact that just
     * happened. An amendment keeps the contact's time, and a planned contact its planned start.
     */
    val choosesWhen: Boolean get() = amending == null && plannedContactId == null

    fun withOccurredHoursAgo(hours: Int, now: Long) = edit(FormField.WHEN).copy(occurredAt = now - hours * HOUR_MS)
    fun withMode(mode: ContactMode) = copy(mode = mode, formError = null)
    /** Steppers add and remove minutes; below zero is not a duration at all, so it stops there. */
    fun withDuration(minutes: Int) = edit(FormField.DURATION).copy(durationMinutes = minutes.coerceAtLeast(0))
    fun withReached(reached: Reached) = copy(reached = reached, formError = null)
    fun toggle(dimension: Dimension) =
        copy(dimensions = if (dimension in dimensions) dimensions - dimension else dimensions + dimension, formError = null)
    /** Tapping the chosen face again clears the score: the scale is optional. */
    fun withWellbeing(face: WellbeingFace?) = edit(FormField.WELLBEING).copy(wellbeing = if (face == wellbeing) null else face)
    fun withNotes(notes: String) = edit(FormField.NOTES).copy(notes = notes)
    fun withFollowUp(on: Boolean, now: Long) = edit(FormField.FOLLOW_UP_ACTION).edit(FormField.FOLLOW_UP_DUE)
        .copy(followUp = on, followUpDueAt = followUpDueAt ?: (now + 7 * DAY_MS))
    fun withFollowUpAction(action: String) = edit(FormField.FOLLOW_UP_ACTION).copy(followUpAction = action)
    fun withFollowUpInDays(days: Int, now: Long) = edit(FormField.FOLLOW_UP_DUE).copy(followUpDueAt = now + days * DAY_MS)
    fun withConcern(on: Boolean) = edit(FormField.CONCERN_SUMMARY).copy(concern = on)
    fun withConcernCategory(category: ConcernCategory) = copy(concernCategory = category, formError = null)
    fun withConcernUrgency(urgency: Urgency) = copy(concernUrgency = urgency, formError = null)
    fun withConcernSummary(summary: String) = edit(FormField.CONCERN_SUMMARY).copy(concernSummary = summary)
    fun withReason(reason: String) = edit(FormField.REASON).copy(reason = reason)

    private fun edit(field: FormField) = copy(errors = errors - field, formError = null)

    /** The record the bindings take. Switched-off parts (follow-up, concern) are left out. */
    fun toInput(): CheckInInput = CheckInInput(
        mentorshipId = mentorshipId,
        occurredAt = occurredAt,
        mode = mode,
        durationMinutes = durationMinutes.toUInt(),
        reached = reached,
        // In the scale's order, whatever order they were tapped in.
        dimensions = Dimension.entries.filter { it in dimensions },
        wellbeing = wellbeing?.stored,
        notes = notes,
        resourcesShared = resourcesShared,
        followUp = if (followUp) FollowUp(action = followUpAction, dueAt = followUpDueAt ?: occurredAt) else null,
        concern = if (concern) NewConcern(category = concernCategory, urgency = concernUrgency, summary = concernSummary) else null,
        plannedContactId = plannedContactId,
    )

    /** Saves with one binding call: `recordCheckin`, or `amendCheckin` when amending. Blocking. */
    fun submit(api: Passerelle, errorText: ErrorText): Submission = try {
        val input = toInput()
        Submission.Saved(amending?.let { api.amendCheckin(it, input, reason) } ?: api.recordCheckin(input))
    } catch (e: PasserelleException) {
        Submission.Rejected(withError(e, errorText))
    }

    /** This form showing [error]: under its field when it names one, above the form otherwise. */
    fun withError(error: PasserelleException, errorText: ErrorText): CheckInForm =
        errorText.placed(error, errors) { fieldOf(it) }.let { copy(errors = it.errors, formError = it.formError) }

    companion object {
        /** A blank form for a contact that just happened. */
        fun new(mentorshipId: String, now: Long) = CheckInForm(mentorshipId = mentorshipId, amending = null, occurredAt = now)

        /**
         * A form prefilled from a planned contact, to record it: its start, how and how long; the
         * check-in names it, so the core no longer counts it as waiting to be recorded.
         */
        fun recording(contact: PlannedContact) = CheckInForm(
            mentorshipId = contact.mentorshipId,
            amending = null,
            plannedContactId = contact.id,
            occurredAt = contact.startsAt,
            mode = contact.mode,
            durationMinutes = contact.durationMinutes.toInt(),
        )

        /**
         * The form that records [contactId], prefilled from one `plannedContact()` call. Blocking;
         * throws what the core refuses (`NotFound`, `NotAllowed`). Whether it may be recorded
         * (started, not cancelled, not recorded yet) is the core's to say when it is saved.
         */
        fun loadRecording(api: Passerelle, contactId: String): CheckInForm = recording(api.plannedContact(contactId).contact)

        /** A form prefilled with a check-in's current version, to amend it. */
        fun amend(current: CheckIn) = CheckInForm(
            mentorshipId = current.mentorshipId,
            amending = current.checkinId,
            // Sent back unchanged: an amendment without it would stop recording the contact.
            plannedContactId = current.plannedContactId,
            occurredAt = current.occurredAt,
            mode = current.mode,
            durationMinutes = current.durationMinutes.toInt(),
            reached = current.reached,
            dimensions = current.dimensions.toSet(),
            wellbeing = WellbeingFace.of(current.wellbeing),
            notes = current.notes,
            resourcesShared = current.resourcesShared,
            followUp = current.followUp != null,
            followUpAction = current.followUp?.action.orEmpty(),
            followUpDueAt = current.followUp?.dueAt,
        )

        /** The form field for an API field name; `null` for one the form does not show. */
        fun fieldOf(apiField: String): FormField? = when (apiField) {
            "occurred_at" -> FormField.WHEN
            "duration_minutes" -> FormField.DURATION
            "wellbeing" -> FormField.WELLBEING
            "notes" -> FormField.NOTES
            "resources_shared" -> FormField.RESOURCES
            "follow_up.action" -> FormField.FOLLOW_UP_ACTION
            "follow_up.due_at" -> FormField.FOLLOW_UP_DUE
            "concern.summary" -> FormField.CONCERN_SUMMARY
            "reason" -> FormField.REASON
            else -> null
        }
    }
}

/** What saving the form did. */
sealed class Submission {
    data class Saved(val recorded: RecordedCheckIn) : Submission()
    data class Rejected(val form: CheckInForm) : Submission()
}

/** The words on the form's chips, in the current language. */
class CheckInLabels(private val strings: Strings) {
    fun mode(mode: ContactMode): String = strings.text(
        when (mode) {
            ContactMode.HOME_VISIT -> Text.MODE_HOME_VISIT
            ContactMode.HOSPITAL_VISIT -> Text.MODE_HOSPITAL_VISIT
            ContactMode.PHONE -> Text.MODE_PHONE
            ContactMode.VIDEO -> Text.MODE_VIDEO
            ContactMode.MESSAGE -> Text.MODE_MESSAGE
            ContactMode.GROUP -> Text.MODE_GROUP
        },
    )

    fun reached(reached: Reached): String = strings.text(
        when (reached) {
            Reached.SURVIVOR -> Text.REACHED_SURVIVOR
            Reached.CAREGIVER -> Text.REACHED_CAREGIVER
            Reached.BOTH -> Text.REACHED_BOTH
            Reached.NO_ANSWER -> Text.REACHED_NO_ANSWER
        },
    )

    fun dimension(dimension: Dimension): String = strings.text(
        when (dimension) {
            Dimension.HEALTHCARE_PATHWAY -> Text.DIMENSION_HEALTHCARE_PATHWAY
            Dimension.SOCIAL_ADMINISTRATIVE -> Text.DIMENSION_SOCIAL_ADMINISTRATIVE
            Dimension.EMOTIONAL -> Text.DIMENSION_EMOTIONAL
            Dimension.INFORMATIONAL -> Text.DIMENSION_INFORMATIONAL
            Dimension.CAREGIVER_SUPPORT -> Text.DIMENSION_CAREGIVER_SUPPORT
        },
    )

    fun concern(category: ConcernCategory): String = strings.text(
        when (category) {
            ConcernCategory.PHYSICAL_HEALTH -> Text.CONCERN_PHYSICAL_HEALTH
            ConcernCategory.MOOD -> Text.CONCERN_MOOD
            ConcernCategory.SAFETY -> Text.CONCERN_SAFETY
            ConcernCategory.CAREGIVER_STRAIN -> Text.CONCERN_CAREGIVER_STRAIN
            ConcernCategory.PRACTICAL -> Text.CONCERN_PRACTICAL
            ConcernCategory.OTHER -> Text.CONCERN_OTHER
        },
    )

    fun urgency(urgency: Urgency): String = strings.text(
        when (urgency) {
            Urgency.ROUTINE -> Text.URGENCY_ROUTINE
            Urgency.SOON -> Text.URGENCY_SOON
            Urgency.URGENT -> Text.URGENCY_URGENT
        },
    )

    fun duration(minutes: Int): String = strings.plural(Plural.DURATION_MINUTES, minutes)

    /** A planned length in hours where it reads better: "30 minutes", "1 hour", "1 hour and 30 minutes". */
    fun length(minutes: Int): String {
        val hours = minutes / 60
        val rest = minutes % 60
        return when {
            hours == 0 -> duration(minutes)
            rest == 0 -> strings.plural(Plural.DURATION_HOURS, hours)
            else -> strings.text(Text.DURATION_HOURS_MINUTES, strings.plural(Plural.DURATION_HOURS, hours), duration(rest))
        }
    }
}
