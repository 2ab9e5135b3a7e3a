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
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.ContactReply
import app.passerelle.core.PlannedContact
import app.passerelle.core.UpcomingContact

/** One planned contact, ready to show. `null` means "show nothing for this". */
data class UpcomingRow(
    val contactId: String,
    val mentorshipId: String,
    /** "Home visit with Marc" on the visited side, "Home visit with Sophie" on the planner's. */
    val title: String,
    /** "Tuesday 3 December at 14:00 (in 2 days)". */
    val starts: String,
    /** "today", "tomorrow", "in 2 days". */
    val relative: String,
    /** "1 hour", "30 minutes", "1 hour and 30 minutes". */
    val duration: String,
    val place: String?,
    val note: String?,
    /**
     * The answer in words: "You said you'll be there" when it is the owner's own, "Paul will be
     * there" when someone else gave it, "No answer yet" on the planner's side; `null` on the
     * visited side before anyone answers.
     */
    val answer: String?,
    /** "Cancelled" once it was (it stays listed until its time has passed). */
    val cancelled: String?,
    /** The answer as it stands, to mark the chosen button. */
    val reply: ContactReply?,
    /** "I'll be there" / "Another time" show: the core's `canAnswer`. */
    val canAnswer: Boolean,
    /** "Change" shows: the core's `canChange` (a contact not over may be moved). */
    val canChange: Boolean,
    /** The cancel button shows: the core's `canCancel`. */
    val canCancel: Boolean,
    /** Its words: "Cancel" for a contact not over, "Did not take place" for one over that nobody recorded. */
    val cancelAction: String,
    /** The button that confirms it: "Yes, cancel it" or "Yes, it did not take place". */
    val cancelConfirm: String,
    /** "Record check-in" shows: the core's `canRecord` (its mentor, once it has started). */
    val canRecord: Boolean,
    /**
     * On the planner's side, "Recorded" once a check-in records it and "Not recorded yet" once it
     * is over without one; `null` otherwise (the visited side never sees the case notes).
     */
    val recorded: String?,
    /** The contact itself. */
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
    /**
     * The rows of [contacts]. [ownerId], the id of the person signed in on the phone when the
     * screen has it, only turns their own answer into "You said you'll be there"; without it the
     * answer is named like anyone else's.
     */
    fun list(contacts: List<UpcomingContact>, now: Long, ownerId: String? = null): Upcoming = Upcoming(
        rows = contacts.map { row(it, now, ownerId) },
        empty = if (contacts.isEmpty()) strings.text(Text.PLANNED_NONE) else null,
    )

    /**
     * The rows of `contactsToRecord()`: the contacts over that wait for a check-in. A screen
     * leaves the section out when there are none, so there is no sentence for that.
     */
    fun toRecord(contacts: List<UpcomingContact>, now: Long): List<UpcomingRow> = contacts.map { row(it, now) }

    fun row(upcoming: UpcomingContact, now: Long, ownerId: String? = null): UpcomingRow {
        val contact = upcoming.contact
        // Whether it is over is the core's (its clock), not read here.
        val over = upcoming.plannerSide && contact.cancelledAt == null && upcoming.over
        val notHeld = over && upcoming.checkinId == null // cancelling it says it did not take place
        val other = if (upcoming.plannerSide) upcoming.survivorName else upcoming.mentorName
        val title = strings.text(Text.PLANNED_WITH, labels.mode(contact.mode), other)
        val relative = time.day(contact.startsAt, now)
        val starts = time.whenPlanned(contact.startsAt, now)
            .replaceFirstChar { it.titlecase(strings.locale) }
        val duration = labels.length(contact.durationMinutes.toInt())
        val cancelled = contact.cancelledAt?.let { strings.text(Text.PLANNED_CANCELLED) }
        val answer = answer(upcoming, ownerId).takeIf { cancelled == null } // a cancelled contact's answer no longer matters
        val place = contact.place?.takeIf { it.isNotBlank() }
        val note = contact.note?.takeIf { it.isNotBlank() }
        val recorded = when {
            !upcoming.plannerSide || cancelled != null -> null
            upcoming.checkinId != null -> strings.text(Text.PLANNED_RECORDED)
            over -> strings.text(Text.PLANNED_NOT_RECORDED)
            else -> null
        }
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
            canAnswer = upcoming.canAnswer,
            canChange = upcoming.canChange,
            canCancel = upcoming.canCancel,
            cancelAction = strings.text(if (notHeld) Text.PLANNED_NOT_HELD else Text.CONTACT_CANCEL),
            cancelConfirm = strings.text(if (notHeld) Text.PLANNED_NOT_HELD_CONFIRM else Text.CONTACT_CANCEL_CONFIRM),
            canRecord = upcoming.canRecord,
            recorded = recorded,
            contact = contact,
            spoken = listOfNotNull(title, cancelled, starts, duration, place, note, answer, recorded).joinToString(". "),
        )
    }

    /** The current answer in words, named after whoever gave it (the core says who). */
    private fun answer(upcoming: UpcomingContact, ownerId: String?): String? {
        val contact = upcoming.contact
        val reply = contact.reply ?: return if (upcoming.plannerSide) strings.text(Text.PLANNED_NO_REPLY) else null
        val accepted = reply == ContactReply.ACCEPTED
        val name = upcoming.repliedByName
        return when {
            ownerId != null && contact.repliedBy == ownerId ->
                strings.text(if (accepted) Text.PLANNED_YOU_ACCEPTED else Text.PLANNED_YOU_DECLINED)
            name != null -> strings.text(if (accepted) Text.PLANNED_THEY_ACCEPTED else Text.PLANNED_THEY_DECLINED, name)
            // Whoever answered is not on this phone (the core has no name): the answer alone.
            else -> strings.text(if (accepted) Text.PLANNED_ANSWER_ACCEPTED else Text.PLANNED_ANSWER_DECLINED)
        }
    }

    /** "I'll be there" / "Another time": one call; `null` when done, else the sentence to show. Blocking. */
    fun reply(api: Passerelle, contactId: String, reply: ContactReply): String? =
        attempt { api.replyToPlannedContact(contactId, reply) }

    /**
     * "Cancel", or "Did not take place" for a contact over that nobody recorded: one call; `null`
     * when done, else the sentence to show. Blocking.
     */
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
         * `planned_contact`; a check-in recording one names `checkin`; an ended mentorship takes
         * its contacts off; a renamed person).
         */
        val WATCHED = setOf("planned_contact", "checkin", "mentorship", "person")
    }
}
