// The first step of "Find a mentor" as plain text: the coordinator's waiting list, one row per
// survivor from one `survivorsAwaitingMentor()` call, in the core's order (longest waiting
// first). Each row says how long they have waited and since what, their languages and needs in
// the matching screen's words, and what to know before proposing (consent not yet recorded,
// mentored before). Who waits is the core's to decide; this only words it.
package app.passerelle.demo.presentation

import app.passerelle.core.AwaitingSurvivor

/** One survivor waiting for a mentor. `null` means "show nothing for this". */
data class WaitingRow(
    val survivorId: String,
    val name: String,
    /** "Waiting for 3 weeks since going home", or "since enrolment" when the discharge is not known. */
    val waiting: String,
    /** "Prefers: Arabic, French", or that their languages are not on this phone (the header's words). */
    val languages: String,
    /** How to communicate with them, one short line per need (the caseload's words). */
    val needs: List<String>,
    /** Only while their consent to take part is not recorded: a mentorship cannot start without it. */
    val consent: String?,
    /** "Mentored before": a mentorship of theirs has ended, and they wait again. */
    val mentoredBefore: String?,
    /** Everything above in one sentence for a screen reader, which reads a row as one item. */
    val spoken: String,
)

/** The rows; when there are none, [empty] says so instead of a blank screen. */
data class WaitingList(val rows: List<WaitingRow>, val empty: String?)

class WaitingListPresenter(
    private val strings: Strings,
    private val time: RelativeTime,
    private val matching: MatchingPresenter,
    private val caseload: CaseloadPresenter,
) {
    fun list(survivors: List<AwaitingSurvivor>, now: Long): WaitingList = WaitingList(
        rows = survivors.map { row(it, now) },
        empty = if (survivors.isEmpty()) strings.text(Text.MATCHING_NOBODY_WAITING) else null,
    )

    fun row(survivor: AwaitingSurvivor, now: Long): WaitingRow {
        // The core counts from the discharge when it is known, else from the enrolment: say which,
        // since "3 weeks since enrolment" may mean much longer at home.
        val since = if (survivor.dischargeDate != null) Text.MATCHING_WAITING_SINCE_HOME else Text.MATCHING_WAITING_SINCE_ENROLMENT
        val waiting = strings.text(since, time.elapsed(survivor.waitingSince, now))
        val languages = matching.preferredLanguages(survivor.preferredLanguages)
        val needs = survivor.communicationNeeds.map { caseload.need(it) }
        val consent = if (survivor.consentToTakePart) null else strings.text(Text.MATCHING_CONSENT_NOT_RECORDED)
        val before = if (survivor.pastMentorships > 0u) strings.text(Text.MATCHING_HAD_MENTOR) else null
        return WaitingRow(
            survivorId = survivor.survivorId,
            name = survivor.displayName,
            waiting = waiting,
            languages = languages,
            needs = needs,
            consent = consent,
            mentoredBefore = before,
            spoken = (listOf(survivor.displayName, waiting, languages) + needs + listOfNotNull(consent, before)).joinToString(". "),
        )
    }

    companion object {
        /**
         * The collections the list is made from: the screen reloads when a write or a sync names
         * one (a proposal names `mentorship`, which takes that survivor off the list). Here, not
         * in the screen, so the tests can check a proposal is heard.
         */
        val WATCHED = setOf("person", "survivor_profile", "consent", "mentorship")
    }
}
