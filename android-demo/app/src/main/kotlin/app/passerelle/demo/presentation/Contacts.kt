// A mentee's past contacts, from one `mentorshipTimeline()` call: each check-in's current
// version in one line ("Phone · 30 minutes · 3 days ago"), whether it was corrected, and the
// record the amend form starts from.
package app.passerelle.demo.presentation

import app.passerelle.core.CheckIn
import app.passerelle.core.Reached
import app.passerelle.core.TimelineEntry

data class ContactRow(
    val checkinId: String,
    val summary: String,
    val wellbeing: WellbeingFace?,
    /** "Corrected" when it has more than one version. */
    val corrected: String?,
    /** The current version, to prefill the amend form. */
    val current: CheckIn,
    val spoken: String,
)

class ContactsPresenter(private val strings: Strings, private val time: RelativeTime) {
    private val labels = CheckInLabels(strings)

    /** The timeline's check-ins, newest first as the core orders them; other entries are left out. */
    fun rows(timeline: List<TimelineEntry>, now: Long): List<ContactRow> =
        timeline.filterIsInstance<TimelineEntry.CheckIn>().map { row(it.checkin, it.versions.toInt(), now) }

    fun row(checkIn: CheckIn, versions: Int, now: Long): ContactRow {
        val parts = listOfNotNull(
            labels.mode(checkIn.mode),
            labels.duration(checkIn.durationMinutes.toInt()),
            time.day(checkIn.occurredAt, now),
            if (checkIn.reached == Reached.NO_ANSWER) strings.text(Text.CONTACT_NO_ANSWER) else null,
        )
        val corrected = if (versions > 1) strings.text(Text.CONTACT_CORRECTED) else null
        val face = WellbeingFace.of(checkIn.wellbeing)
        return ContactRow(
            checkinId = checkIn.checkinId,
            summary = parts.joinToString(" · "),
            wellbeing = face,
            corrected = corrected,
            current = checkIn,
            spoken = (parts + listOfNotNull(face?.spoken(strings), corrected)).joinToString(". "),
        )
    }
}
