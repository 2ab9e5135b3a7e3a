// The next visits and calls, from one `upcomingContacts()` call: what, with whom, when (the
// weekday and time, and "in 2 days"), how long, where, the planner's note, and the answer in
// words from the viewer's side. The survivor (or a caregiver they share with) sees the mentor's
// name and answers "I'll be there" / "Another time"; the mentor (or the coordinator) sees the
// survivor's name, their answer, and "Cancel". Which contacts are still to come, their order,
// that moving a contact clears its answer, and who may answer or cancel are the core's: a refusal
// comes back as a sentence.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.ContactReply
import app.passerelle.core.Person
import app.passerelle.core.PlannedContact
import app.passerelle.core.Role
import app.passerelle.core.UpcomingContact

/** Which side of the mentorship the viewer is on: the one visited, or the one visiting. */
enum class ContactSide { SURVIVOR, MENTOR }

/** One planned contact, ready to show. `null` means "show nothing for this". */
data class UpcomingRow(
    val contactId: String,
    val mentorshipId: String,
    /** "Home visit with Marc" for the survivor's side, "Home visit with Sophie" for the mentor's. */
    val title: String,
    /** "Tuesday 3 December at 14:00 (in 2 days)". */
    val starts: String,
    /** "today", "tomorrow", "in 2 days". */
    val relative: String,
    /** "1 hour", "30 minutes", "1 hour and 30 minutes". */
    val duration: String,
    val place: String?,
    val note: String?,
    /** The answer in words, from the viewer's side; `null` on the survivor's side before they answer. */
    val answer: String?,
    /** "Cancelled" once it was (it stays listed until its time has passed). */
    val cancelled: String?,
    /** The answer as it stands, to mark the chosen button. */
    val reply: ContactReply?,
    /** "I'll be there" / "Another time" show (the survivor's side, not cancelled). */
    val canAnswer: Boolean,
    /** "Cancel" and "Change" show (the mentor's side, not cancelled). */
    val canCancel: Boolean,
    /** The contact itself, to prefill the form that moves it. */
    val contact: PlannedContact,
    /** Everything above in one sentence for a screen reader, which reads a row as one item. */
    val spoken: String,
)

/** The rows; when there are none, [empty] says so instead of a blank section. */
data class Upcoming(val rows: List<UpcomingRow>, val empty: String?)

class UpcomingContactsPresenter(
    private val strings: Strings,
    private val time: RelativeTime,
    private val labels: CheckInLabels,
    private val errors: ErrorText,
) {
    fun list(contacts: List<UpcomingContact>, viewer: Person, now: Long): Upcoming = Upcoming(
        rows = contacts.map { row(it, viewer, now) },
        empty = if (contacts.isEmpty()) strings.text(Text.PLANNED_NONE) else null,
    )

    fun row(upcoming: UpcomingContact, viewer: Person, now: Long): UpcomingRow {
        val contact = upcoming.contact
        val side = side(upcoming, viewer)
        val other = if (side == ContactSide.SURVIVOR) upcoming.mentorName else upcoming.survivorName
        val title = strings.text(Text.PLANNED_WITH, labels.mode(contact.mode), other)
        val relative = time.day(contact.startsAt, now)
        val starts = strings.text(Text.PLANNED_WHEN, time.dayAndTime(contact.startsAt, now), relative)
            .replaceFirstChar { it.titlecase(strings.locale) }
        val duration = labels.length(contact.durationMinutes.toInt())
        val cancelled = contact.cancelledAt?.let { strings.text(Text.PLANNED_CANCELLED) }
        val answer = when (side) {
            ContactSide.SURVIVOR -> when (contact.reply) {
                ContactReply.ACCEPTED -> strings.text(Text.PLANNED_YOU_ACCEPTED)
                ContactReply.DECLINED -> strings.text(Text.PLANNED_YOU_DECLINED)
                null -> null
            }
            ContactSide.MENTOR -> when (contact.reply) {
                ContactReply.ACCEPTED -> strings.text(Text.PLANNED_THEY_ACCEPTED, upcoming.survivorName)
                ContactReply.DECLINED -> strings.text(Text.PLANNED_THEY_DECLINED, upcoming.survivorName)
                null -> strings.text(Text.PLANNED_NO_REPLY)
            }
        }.takeIf { cancelled == null } // a cancelled contact's answer no longer matters
        val place = contact.place?.takeIf { it.isNotBlank() }
        val note = contact.note?.takeIf { it.isNotBlank() }
        return UpcomingRow(
            contactId = contact.id,
            mentorshipId = contact.mentorshipId,
            title = title,
            starts = starts,
            relative = relative,
            duration = duration,
            place = place,
            note = note,
            answer = answer,
            cancelled = cancelled,
            reply = contact.reply,
            canAnswer = side == ContactSide.SURVIVOR && cancelled == null,
            canCancel = side == ContactSide.MENTOR && cancelled == null,
            contact = contact,
            spoken = listOfNotNull(title, cancelled, starts, duration, place, note, answer).joinToString(". "),
        )
    }

    /**
     * The viewer's side: the mentor and the survivor by their ids; a professional is the
     * coordinator who plans with the mentor; anyone else here is a caregiver the survivor shares
     * with. Only which words and buttons show follow from it: the core decides who may answer.
     */
    fun side(upcoming: UpcomingContact, viewer: Person): ContactSide = when {
        viewer.id == upcoming.mentorId -> ContactSide.MENTOR
        viewer.id == upcoming.survivorId -> ContactSide.SURVIVOR
        viewer.role == Role.PROFESSIONAL || viewer.role == Role.MENTOR -> ContactSide.MENTOR
        else -> ContactSide.SURVIVOR
    }

    /** "I'll be there" / "Another time": one call; `null` when done, else the sentence to show. Blocking. */
    fun reply(api: Passerelle, contactId: String, reply: ContactReply): String? =
        attempt { api.replyToPlannedContact(contactId, reply) }

    /** "Cancel": one call; `null` when done, else the sentence to show. Blocking. */
    fun cancel(api: Passerelle, contactId: String): String? = attempt { api.cancelPlannedContact(contactId) }

    private fun attempt(call: () -> PlannedContact): String? = try {
        call()
        null
    } catch (e: PasserelleException) {
        errors.sentence(e)
    }

    companion object {
        /**
         * The collections the rows are made from: a screen showing them reloads when a write or
         * a sync names one (a contact planned, moved, cancelled or answered names
         * `planned_contact`; an ended mentorship takes its contacts off; a renamed person).
         */
        val WATCHED = setOf("planned_contact", "mentorship", "person")
    }
}
