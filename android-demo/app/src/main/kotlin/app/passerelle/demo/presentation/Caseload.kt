// The mentor's home screen as plain text: one row per mentee from one `caseload()` call, with
// the last contact in words, the dose so far, the next follow-up, the next planned visit or call
// (or that none is planned), the badges (overdue follow-ups, open concerns) and how many
// contacts over wait to be recorded. The order is the core's ("most pressing first"); nothing
// here decides what is overdue or urgent, which planned contact is next (not cancelled, not
// over), nor which wait to be recorded, it only says it.
package app.passerelle.demo.presentation

import app.passerelle.core.CaseloadEntry
import app.passerelle.core.CommunicationNeed
import app.passerelle.core.MentorshipStatus
import app.passerelle.core.Urgency

/** One mentee, ready to show. `null` means "show nothing for this". */
data class CaseloadRow(
    val mentorshipId: String,
    val survivorId: String,
    val name: String,
    /** "Not started", "Paused" — only when the mentorship is not simply active. */
    val status: String?,
    val lastContact: String,
    val progress: String,
    val nextFollowUp: String?,
    /**
     * "Next visit or call: Tuesday 3 December at 14:00 (in 2 days)", or "No visit or call
     * planned" when the core has none coming (`nextContactAt`).
     */
    val nextContact: String,
    val overdueBadge: String?,
    /** "2 contacts to record": contacts over that no check-in records yet (`contactsToRecord`). */
    val toRecord: String?,
    val concernBadge: String?,
    /** Whether the concern badge must stand out (an urgent concern). */
    val concernIsUrgent: Boolean,
    /** How to communicate with this person, one short line per need. */
    val needs: List<String>,
    /** Everything above in one sentence for a screen reader, which reads a row as one item. */
    val spoken: String,
)

class CaseloadPresenter(private val strings: Strings, private val time: RelativeTime) {
    fun rows(entries: List<CaseloadEntry>, now: Long): List<CaseloadRow> = entries.map { row(it, now) }

    fun row(entry: CaseloadEntry, now: Long): CaseloadRow {
        val status = when (entry.status) {
            MentorshipStatus.PROPOSED -> strings.text(Text.STATUS_PROPOSED)
            MentorshipStatus.ACTIVE -> null
            MentorshipStatus.PAUSED -> strings.text(Text.STATUS_PAUSED)
            MentorshipStatus.ENDED -> strings.text(Text.STATUS_ENDED)
        }
        val lastContact = entry.lastContactAt
            ?.let { strings.text(Text.CASELOAD_LAST_CONTACT, time.day(it, now)) }
            ?: strings.text(Text.CASELOAD_NO_CONTACT)
        val progress = strings.text(Text.CASELOAD_PROGRESS, entry.contactsDone.toInt(), entry.plannedContacts.toInt())
        val nextFollowUp = entry.nextFollowUpDue?.let { strings.text(Text.CASELOAD_NEXT_FOLLOW_UP, time.day(it, now)) }
        val nextContact = entry.nextContactAt
            ?.let { strings.text(Text.CASELOAD_NEXT_CONTACT, time.whenPlanned(it, now)) }
            ?: strings.text(Text.CASELOAD_NO_NEXT_CONTACT)
        val overdue = entry.overdueFollowUps.toInt()
            .takeIf { it > 0 }
            ?.let { strings.plural(Plural.CASELOAD_OVERDUE, it) }
        val toRecord = entry.contactsToRecord.toInt()
            .takeIf { it > 0 }
            ?.let { strings.plural(Plural.CASELOAD_TO_RECORD, it) }
        val concerns = entry.openConcerns.toInt()
            .takeIf { it > 0 }
            ?.let { count ->
                val badge = strings.plural(Plural.CASELOAD_CONCERNS, count)
                entry.mostUrgentConcern
                    ?.let { strings.text(Text.CASELOAD_BADGE_WITH_URGENCY, badge, urgency(it)) }
                    ?: badge
            }
        val needs = entry.communicationNeeds.map { need(it) }
        val spoken = listOfNotNull(entry.survivorName, status, concerns, overdue, toRecord, lastContact, nextFollowUp, nextContact, progress)
            .plus(needs)
            .joinToString(". ")
        return CaseloadRow(
            mentorshipId = entry.mentorshipId,
            survivorId = entry.survivorId,
            name = entry.survivorName,
            status = status,
            lastContact = lastContact,
            progress = progress,
            nextFollowUp = nextFollowUp,
            nextContact = nextContact,
            overdueBadge = overdue,
            toRecord = toRecord,
            concernBadge = concerns,
            concernIsUrgent = entry.mostUrgentConcern == Urgency.URGENT,
            needs = needs,
            spoken = spoken,
        )
    }

    fun urgency(urgency: Urgency): String = strings.text(
        when (urgency) {
            Urgency.ROUTINE -> Text.URGENCY_ROUTINE
            Urgency.SOON -> Text.URGENCY_SOON
            Urgency.URGENT -> Text.URGENCY_URGENT
        },
    )

    fun need(need: CommunicationNeed): String = strings.text(
        when (need) {
            CommunicationNeed.APHASIA -> Text.NEED_APHASIA
            CommunicationNeed.LOW_VISION -> Text.NEED_LOW_VISION
            CommunicationNeed.HEARING_LOSS -> Text.NEED_HEARING_LOSS
            CommunicationNeed.FATIGUE -> Text.NEED_FATIGUE
            CommunicationNeed.ONE_HANDED_USE -> Text.NEED_ONE_HANDED
            CommunicationNeed.MEMORY_ATTENTION -> Text.NEED_MEMORY
        },
    )

    companion object {
        /**
         * The collections the rows are made from: the caseload screen reloads when a write or a
         * sync names one (a contact recorded, a follow-up or concern, a contact planned, moved or
         * cancelled, a mentorship paused or ended, a renamed person, changed needs).
         */
        val WATCHED = setOf("mentorship", "checkin", "escalation", "person", "survivor_profile", "planned_contact")
    }
}
