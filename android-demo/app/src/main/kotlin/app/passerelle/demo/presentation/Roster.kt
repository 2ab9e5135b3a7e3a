// The supervising professional's "Mentors" screen as plain text: one row per mentor from one
// `mentorRoster()` call, in the core's order (those needing attention first: training not
// current, then never supervised, then supervised longest ago). Each row says the mentor's load,
// whether their training is current and until when, and how long since their last supervision.
// How often a mentor should be supervised is the programme's policy, so the dates are said here,
// never judged; who comes first is the core's to decide.
package app.passerelle.demo.presentation

import app.passerelle.core.MentorStanding

/** One mentor on the roster. `null` means "show nothing for this". */
data class RosterRow(
    val mentorId: String,
    val name: String,
    /** "2 mentees of 4 places"; "Profile not filled in yet" until their profile says how many. */
    val load: String,
    /** "1 proposal waiting": mentorships proposed and not started, which will take places too. */
    val proposed: String?,
    /** "Training up to date until 12 Mar", "Training up to date" (it never lapses), "No current training". */
    val training: String,
    /** Whether a course is current: without one the screen marks the line with an icon as well as words. */
    val trained: Boolean,
    /** "Last supervised 6 weeks ago" / "Never supervised". */
    val supervision: String,
    /** Everything above in one sentence for a screen reader, which reads a row as one item. */
    val spoken: String,
)

/** The rows; when there are none, [empty] says so instead of a blank screen. */
data class Roster(val rows: List<RosterRow>, val empty: String?)

class RosterPresenter(private val strings: Strings, private val time: RelativeTime) {
    fun list(mentors: List<MentorStanding>, now: Long): Roster = Roster(
        rows = mentors.map { row(it, now) },
        empty = if (mentors.isEmpty()) strings.text(Text.ROSTER_EMPTY) else null,
    )

    fun row(mentor: MentorStanding, now: Long): RosterRow {
        val mentees = strings.plural(Plural.ROSTER_MENTEES, mentor.mentees.toULong())
        val capacity = mentor.capacity
        val load = when {
            capacity != null -> strings.text(Text.ROSTER_LOAD, mentees, strings.plural(Plural.ROSTER_PLACES, capacity.toULong()))
            // No profile yet, yet mentorships (made before it, or synced): the count still matters.
            mentor.mentees > 0u -> strings.text(Text.ROSTER_NO_PROFILE_MENTEES, mentees)
            else -> strings.text(Text.ROSTER_NO_PROFILE)
        }
        val proposed = if (mentor.proposed > 0u) strings.plural(Plural.ROSTER_PROPOSED, mentor.proposed.toULong()) else null
        val until = mentor.trainingValidUntil
        val training = when {
            !mentor.trained -> strings.text(Text.MATCHING_NOT_TRAINED)
            until == null -> strings.text(Text.MATCHING_TRAINED)
            else -> strings.text(Text.ROSTER_TRAINED_UNTIL, time.calendarDate(until, now))
        }
        val supervision = mentor.lastSupervisionAt
            ?.let { strings.text(Text.ROSTER_SUPERVISED, time.elapsed(it, now)) }
            ?: strings.text(Text.ROSTER_NEVER_SUPERVISED)
        return RosterRow(
            mentorId = mentor.mentorId,
            name = mentor.displayName,
            load = load,
            proposed = proposed,
            training = training,
            trained = mentor.trained,
            supervision = supervision,
            spoken = listOfNotNull(mentor.displayName, load, proposed, training, supervision).joinToString(". "),
        )
    }

    companion object {
        /**
         * The collections the roster is made from: the screen reloads when a write or a sync
         * names one (a supervision recorded names `supervision_session`, which moves that mentor
         * down). Here, not in the screen, so the tests can check a write is heard.
         */
        val WATCHED = setOf("person", "mentor_profile", "mentorship", "training_record", "supervision_session")
    }
}
