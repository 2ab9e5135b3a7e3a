// The coordinator's "Find a mentor" screen as plain text: for one survivor, who they are, the
// languages they prefer, how to communicate with them and whether their consent to take part is
// recorded, then one row per mentor from one `mentorMatches()` call. Who fits best, who has a
// place and who may be proposed are the core's to decide, and its order is kept as it is; this
// only words them, and proposes a mentorship with the programme's usual plan.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.MentorCandidate
import app.passerelle.core.MentorMatches
import app.passerelle.core.Mentorship
import app.passerelle.core.NewMentorship
import java.util.Locale

/** The survivor being matched. */
data class SurvivorHeader(
    val survivorId: String,
    val name: String,
    /** "Prefers: French, Arabic", or that their languages are not on this phone. */
    val languages: String,
    /** How to communicate with them, one short line per need (the caseload's words). */
    val needs: List<String>,
    /** Only when their consent to take part is not recorded: a mentorship cannot start without it. */
    val consentWarning: String?,
    /** Everything above in one sentence for a screen reader. */
    val spoken: String,
)

/** One mentor who could support the survivor. `null` means "show nothing for this". */
data class CandidateRow(
    val mentorId: String,
    val name: String,
    /** "Speaks French" (the languages they share), "No shared language", or theirs when the survivor's are unknown. */
    val languages: String?,
    /** "2 places free" / "No place free". */
    val places: String,
    /** "Training up to date" / "No current training". */
    val training: String,
    /** "Already matched with Ahmed" / "Mentored Ahmed before". */
    val history: String?,
    /** When they are usually free, in their own words. */
    val availability: String?,
    /** Whether a mentorship with them can be proposed now; the others are shown dimmed. */
    val canPropose: Boolean,
    /** "Propose Marc": the button names the mentor, so a screen reader's list of buttons makes sense. */
    val proposeLabel: String,
    val spoken: String,
)

data class MatchingPage(val header: SurvivorHeader, val rows: List<CandidateRow>)

/** What "Propose" did. */
sealed interface Proposal {
    /** Proposed; [sentence] ("Proposed to Marc.") is announced. */
    data class Proposed(val mentorship: Mentorship, val sentence: String) : Proposal

    /** Nothing proposed. [onNote]: the sentence is about the note and goes under it. */
    data class Failed(val sentence: String, val onNote: Boolean = false) : Proposal
}

class MatchingPresenter(
    private val strings: Strings,
    private val errors: ErrorText,
    private val caseload: CaseloadPresenter,
) {
    fun page(matches: MentorMatches): MatchingPage = MatchingPage(header(matches), matches.candidates.map { row(matches, it) })

    fun header(matches: MentorMatches): SurvivorHeader {
        val languages = preferredLanguages(matches.preferredLanguages)
        val needs = matches.communicationNeeds.map { caseload.need(it) }
        val consent = if (matches.consentToTakePart) null else strings.text(Text.MATCHING_NO_CONSENT)
        return SurvivorHeader(
            survivorId = matches.survivorId,
            name = matches.survivorName,
            languages = languages,
            needs = needs,
            consentWarning = consent,
            // The consent warning is whole sentences: last, so no ". " follows its full stop.
            spoken = (listOf(matches.survivorName, languages) + needs + listOfNotNull(consent)).joinToString(". "),
        )
    }

    fun row(matches: MentorMatches, candidate: MentorCandidate): CandidateRow {
        val languages = when {
            candidate.sharedLanguages.isNotEmpty() -> strings.text(Text.MATCHING_SPEAKS, languageNames(candidate.sharedLanguages))
            matches.preferredLanguages.isNotEmpty() -> strings.text(Text.MATCHING_NO_SHARED_LANGUAGE)
            // The survivor's languages are not on this phone: what the mentor speaks still helps.
            candidate.languages.isNotEmpty() -> strings.text(Text.MATCHING_SPEAKS, languageNames(candidate.languages))
            else -> null
        }
        val places = if (candidate.freePlaces == 0u) {
            strings.text(Text.MATCHING_NO_PLACE)
        } else {
            strings.plural(Plural.MATCHING_FREE_PLACES, candidate.freePlaces.toInt())
        }
        val training = strings.text(if (candidate.trained) Text.MATCHING_TRAINED else Text.MATCHING_NOT_TRAINED)
        val history = when {
            candidate.alreadyMatched -> strings.text(Text.MATCHING_ALREADY_MATCHED, matches.survivorName)
            candidate.mentoredBefore -> strings.text(Text.MATCHING_MENTORED_BEFORE, matches.survivorName)
            else -> null
        }
        val availability = candidate.availability?.trim()?.takeIf { it.isNotEmpty() }?.let { strings.text(Text.MATCHING_AVAILABILITY, it) }
        return CandidateRow(
            mentorId = candidate.mentorId,
            name = candidate.displayName,
            languages = languages,
            places = places,
            training = training,
            history = history,
            availability = availability,
            canPropose = candidate.available,
            proposeLabel = strings.text(Text.MATCHING_PROPOSE, candidate.displayName),
            spoken = listOfNotNull(candidate.displayName, languages, places, training, history, availability).joinToString(". "),
        )
    }

    /** "6 contacts in 12 weeks": what a proposal plans, shown before it is sent. */
    fun plan(): String = strings.text(Text.MATCHING_PLAN, PLANNED_CONTACTS.toInt(), PLANNED_WEEKS.toInt())

    /**
     * Proposes a mentorship between the survivor and [mentor] with the usual plan and [note] (why
     * this match; blank means none). Blocking: one transaction. The screen reloads afterwards.
     */
    fun propose(api: Passerelle, survivorId: String, mentor: CandidateRow, note: String): Proposal = try {
        val mentorship = api.proposeMentorship(
            NewMentorship(
                survivorId = survivorId,
                mentorId = mentor.mentorId,
                plannedContacts = PLANNED_CONTACTS,
                plannedWeeks = PLANNED_WEEKS,
                matchingNotes = note.trim().ifEmpty { null },
            ),
        )
        Proposal.Proposed(mentorship, strings.text(Text.MATCHING_PROPOSED, mentor.name))
    } catch (e: PasserelleException.InvalidInput) {
        if (e.field == NOTE_FIELD) Proposal.Failed(errors.problem(e.problem), onNote = true) else Proposal.Failed(errors.sentence(e))
    } catch (e: PasserelleException) {
        Proposal.Failed(errors.sentence(e))
    }

    /**
     * A survivor's languages as the header says them, also on the waiting list: "Prefers:
     * Arabic, French", or that they are not on this phone (only the professionals responsible
     * for them hold their profile).
     */
    internal fun preferredLanguages(tags: List<String>): String = if (tags.isEmpty()) {
        strings.text(Text.MATCHING_LANGUAGES_UNKNOWN)
    } else {
        strings.text(Text.MATCHING_PREFERS, languageNames(tags))
    }

    /** Language tags as their names in the phone's language: "fr" is "French", or "français". */
    private fun languageNames(tags: List<String>): String = tags.joinToString(", ") { tag ->
        Locale.forLanguageTag(tag).getDisplayLanguage(strings.locale).ifBlank { tag }
    }

    companion object {
        /** The programme's usual dose: six contacts over twelve weeks. */
        val PLANNED_CONTACTS = 6u
        val PLANNED_WEEKS = 12u

        /** The core's name for the note's field in `InvalidInput`. */
        private const val NOTE_FIELD = "matching_notes"
    }
}
