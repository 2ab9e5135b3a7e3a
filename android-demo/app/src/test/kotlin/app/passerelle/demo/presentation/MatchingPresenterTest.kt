// "Find a mentor" against a real store: a coordinator's programme with three mentors (different
// languages, places, training and history with the survivor) and a survivor with a profile; the
// rows come in the core's order, worded in English and French; the consent warning comes and
// goes; a proposal made from the presenter shows in the reloaded rows; and a mentor signed in
// on the phone is told, in a sentence, that their account cannot do this.
package app.passerelle.demo.presentation

import app.passerelle.PasserelleException
import app.passerelle.core.CommunicationNeed
import app.passerelle.core.ConsentScope
import app.passerelle.core.EndingReason
import app.passerelle.core.MentorProfile
import app.passerelle.core.MentorshipStatus
import app.passerelle.core.NewConsent
import app.passerelle.core.NewMentorship
import app.passerelle.core.NewPerson
import app.passerelle.core.NewTraining
import app.passerelle.core.Person
import app.passerelle.core.Profile
import app.passerelle.core.Role
import app.passerelle.core.SurvivorProfile
import java.io.File
import java.time.ZoneId
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class MatchingPresenterTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val en = Presentation(ResourceStrings.english, ZoneId.of("Europe/Paris"))
    private val fr = Presentation(ResourceStrings.french, ZoneId.of("Europe/Paris"))

    /**
     * The coordinator (the phone's owner) and, around a survivor Ahmed (Arabic then French,
     * aphasia, no consent yet): Marc (French, English; 3 places, one taken by Sophie; trained;
     * free on Tuesday evenings), Inès (Arabic, French; 1 place; never trained) and Paul
     * (English; 1 place, taken by Léa; his training lapsed; mentored Ahmed before).
     */
    private class Matching(val p: TestProgramme) {
        val api = p.api
        val marc: Person = p.mentor
        val ines: Person = mentor("Inès", listOf("ar", "fr"), capacity = 1u)
        val paul: Person = mentor("Paul", listOf("en"), capacity = 1u)
        val ahmed: Person

        init {
            p.mentee("Sophie")
            api.setDeviceOwner(p.coordinator.id)
            api.saveProfile(Profile.Mentor(MentorProfile(marc.id, listOf("fr", "en"), 3u, "Tuesday evenings")))
            val now = System.currentTimeMillis()
            training(marc, completedAt = now - 30 * DAY, validUntil = now + 300 * DAY)
            training(paul, completedAt = now - 800 * DAY, validUntil = now - 70 * DAY)

            val lea = api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = "Léa"))
            consent(lea)
            api.activateMentorship(propose(lea, paul).id)

            ahmed = api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = "Ahmed"))
            api.saveProfile(
                Profile.Survivor(
                    SurvivorProfile(ahmed.id, listOf("ar", "fr"), listOf(CommunicationNeed.APHASIA), "Lille", null, null, listOf()),
                ),
            )
            api.endMentorship(propose(ahmed, paul).id, EndingReason.MENTOR_UNAVAILABLE, null)
        }

        fun mentor(name: String, languages: List<String>, capacity: UInt): Person {
            api.setDeviceOwner(p.coordinator.id)
            val mentor = api.createPerson(NewPerson(role = Role.MENTOR, displayName = name))
            api.saveProfile(Profile.Mentor(MentorProfile(mentor.id, languages, capacity, null)))
            return mentor
        }

        fun training(mentor: Person, completedAt: Long, validUntil: Long) {
            api.recordTraining(NewTraining(mentor.id, "Peer support basics", completedAt, validUntil, null))
        }

        fun consent(survivor: Person) {
            api.grantConsent(NewConsent(survivor.id, ConsentScope.PROGRAMME, null, System.currentTimeMillis() - DAY))
        }

        fun propose(survivor: Person, mentor: Person) = api.proposeMentorship(NewMentorship(survivor.id, mentor.id, 6u, 12u, null))

        fun page(presentation: Presentation, survivor: Person = ahmed) = presentation.matching.page(api.mentorMatches(survivor.id))
    }

    @Test
    fun theBestFitsComeFirstInWords() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            val page = m.page(en)
            assertEquals(listOf(m.ines.id, m.marc.id, m.paul.id), page.rows.map { it.mentorId }, "the core's order, kept")
            val (ines, marc, paul) = page.rows

            assertEquals("Speaks Arabic, French", ines.languages)
            assertEquals("1 place free", ines.places)
            assertEquals("No current training", ines.training)
            assertNull(ines.history)
            assertNull(ines.availability)
            assertTrue(ines.canPropose)
            assertEquals("Propose Inès", ines.proposeLabel)

            assertEquals("Speaks French", marc.languages)
            assertEquals("2 places free", marc.places)
            assertEquals("Training up to date", marc.training)
            assertEquals("Availability: Tuesday evenings", marc.availability)
            assertTrue(marc.canPropose)
            assertEquals(
                "Marc. Speaks French. 2 places free. Training up to date. Availability: Tuesday evenings",
                marc.spoken,
            )

            // Last and dimmed: no place, and no language in common.
            assertEquals("No shared language", paul.languages)
            assertEquals("No place free", paul.places)
            assertEquals("No current training", paul.training)
            assertEquals("Mentored Ahmed before", paul.history)
            assertFalse(paul.canPropose)
        }
    }

    @Test
    fun theSameRowsInFrench() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            val (ines, marc, paul) = m.page(fr).rows
            assertEquals(
                listOf("Inès", "Parle arabe, français", "1 place libre", "Pas de formation à jour", null, null),
                listOf(ines.name, ines.languages, ines.places, ines.training, ines.history, ines.availability),
            )
            assertEquals(
                listOf("Marc", "Parle français", "2 places libres", "Formation à jour", null, "Disponibilités : Tuesday evenings"),
                listOf(marc.name, marc.languages, marc.places, marc.training, marc.history, marc.availability),
            )
            assertEquals(
                listOf("Paul", "Aucune langue en commun", "Aucune place libre", "Pas de formation à jour", "A déjà accompagné Ahmed", null),
                listOf(paul.name, paul.languages, paul.places, paul.training, paul.history, paul.availability),
            )
            assertEquals("Proposer Inès", ines.proposeLabel)
            assertEquals("6 contacts en 12 semaines", fr.matching.plan())
            assertEquals("6 contacts in 12 weeks", en.matching.plan())
        }
    }

    @Test
    fun theHeaderWarnsUntilConsentIsRecorded() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            val header = m.page(en).header
            assertEquals("Ahmed", header.name)
            assertEquals("Prefers: Arabic, French", header.languages)
            assertEquals(listOf("Aphasia: short sentences"), header.needs)
            assertEquals("No consent to take part recorded. A mentorship cannot start without it.", header.consentWarning)
            assertEquals(
                "Ahmed. Prefers: Arabic, French. Aphasia: short sentences. " +
                    "No consent to take part recorded. A mentorship cannot start without it.",
                header.spoken,
            )
            val french = m.page(fr).header
            assertEquals("Préfère : arabe, français", french.languages)
            assertEquals(listOf("Aphasie : phrases courtes"), french.needs)
            assertEquals(
                "Pas de consentement à participer enregistré. Le binôme ne peut pas commencer sans lui.",
                french.consentWarning,
            )

            m.consent(m.ahmed)
            val consented = m.page(en).header
            assertNull(consented.consentWarning)
            assertEquals("Ahmed. Prefers: Arabic, French. Aphasia: short sentences", consented.spoken)
        }
    }

    @Test
    fun withoutTheSurvivorsProfileTheMentorsOwnLanguagesAreShown() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            val karim = m.api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = "Karim"))
            val page = m.page(en, karim)
            assertEquals("Their languages are not on this phone", page.header.languages)
            assertEquals(listOf(), page.header.needs)
            assertEquals("Ses langues ne sont pas sur ce téléphone", m.page(fr, karim).header.languages)
            val marc = page.rows.single { it.mentorId == m.marc.id }
            assertEquals("Speaks French, English", marc.languages)
            assertEquals("Parle français, anglais", m.page(fr, karim).rows.single { it.mentorId == m.marc.id }.languages)
        }
    }

    @Test
    fun aProposalShowsInTheReloadedRows() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            val ines = m.page(en).rows.first()
            val proposed = assertIs<Proposal.Proposed>(en.matching.propose(m.api, m.ahmed.id, ines, "  Both speak Arabic  "))
            assertEquals("Proposed to Inès.", proposed.sentence)
            assertEquals(MentorshipStatus.PROPOSED, proposed.mentorship.status)
            assertEquals(6u, proposed.mentorship.plannedContacts)
            assertEquals(12u, proposed.mentorship.plannedWeeks)
            assertEquals("Both speak Arabic", proposed.mentorship.matchingNotes)

            // Her one place is now spoken for: Marc comes first, and she joins the dimmed ones.
            val after = m.page(en).rows
            assertEquals(listOf(m.marc.id, m.ines.id, m.paul.id), after.map { it.mentorId })
            assertEquals(listOf(true, false, false), after.map { it.canPropose })
            assertEquals("Already matched with Ahmed", after[1].history)
            assertEquals("No place free", after[1].places)
            assertEquals("Déjà en binôme avec Ahmed", m.page(fr).rows[1].history)

            // A second proposal to her is refused by the core, in a sentence.
            val again = assertIs<Proposal.Failed>(fr.matching.propose(m.api, m.ahmed.id, ines, ""))
            assertEquals("Ce n'est pas possible pour le moment.", again.sentence)
            assertFalse(again.onNote)

            // A blank note is no note.
            val marc = assertIs<Proposal.Proposed>(fr.matching.propose(m.api, m.ahmed.id, after[0], " "))
            assertEquals("Binôme proposé à Marc.", marc.sentence)
            assertNull(marc.mentorship.matchingNotes)
        }
    }

    @Test
    fun aNoteTooLongIsSaidUnderTheNote() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            val marc = m.page(en).rows.single { it.mentorId == m.marc.id }
            val failed = assertIs<Proposal.Failed>(en.matching.propose(m.api, m.ahmed.id, marc, "x".repeat(1001)))
            assertEquals(Proposal.Failed("Too long: 1000 characters at most.", onNote = true), failed)
            assertTrue(m.page(en).rows.single { it.mentorId == m.marc.id }.canPropose, "nothing was proposed")
        }
    }

    @Test
    fun aMentorSignedInIsToldTheirAccountCannotDoThis() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            val ines = m.page(en).rows.first()
            m.api.setDeviceOwner(m.marc.id)

            // What the screen shows when loading fails.
            val refused = assertFailsWith<PasserelleException.NotAllowed> { m.api.mentorMatches(m.ahmed.id) }
            assertEquals("Your account cannot do this.", en.errors.sentence(refused))
            assertEquals("Votre compte ne permet pas de faire cela.", fr.errors.sentence(refused))

            assertEquals(
                Proposal.Failed("Your account cannot do this."),
                en.matching.propose(m.api, m.ahmed.id, ines, "Both speak Arabic"),
            )
            m.api.setDeviceOwner(m.p.coordinator.id)
            assertTrue(m.page(en).rows.first { it.mentorId == m.ines.id }.canPropose, "nothing was proposed")

            // A mentor's id where a survivor's is expected: checked, in words without the id.
            val wrong = assertFailsWith<PasserelleException.InvalidInput> { m.api.mentorMatches(m.marc.id) }
            assertEquals("Please check what you entered.", en.errors.sentence(wrong))
        }
    }

    @Test
    fun theNewTextsExistInBothLanguages() {
        // The screens' own texts (not the presenter's): read by the app through R.string.
        val screens = listOf(
            "home_find_mentor", "matching_choose", "matching_no_survivors", "matching_no_mentors",
            "matching_unavailable", "matching_note", "matching_confirm", "matching_cancel",
        )
        for (dir in listOf("values", "values-fr")) {
            val file = ResourceFile(File(resDir(), "$dir/strings.xml"))
            for (name in screens) assertTrue(file.rawStrings[name]?.isNotBlank() == true, "$dir: $name")
        }
        assertEquals("Find a mentor", ResourceFile(File(resDir(), "values/strings.xml")).rawStrings["home_find_mentor"])
        assertEquals("1 place libre", ResourceStrings.french.plural(Plural.MATCHING_FREE_PLACES, 1))
        assertEquals("3 places libres", ResourceStrings.french.plural(Plural.MATCHING_FREE_PLACES, 3))
    }
}
