// "Find a mentor" against a real store: a coordinator's programme with three mentors (different
// languages, places, training and history with the survivor) and a survivor with a profile; the
// rows come in the core's order, worded in English and French; the consent warning comes and
// goes; a proposal made from the presenter shows in the reloaded rows; and a mentor signed in
// on the phone is told, in a sentence, that their account cannot do this. Before all that, the
// waiting list the coordinator picks the survivor from: longest waiting first, in both
// languages, with nobody on it said in words, and a survivor gone from it once proposed.
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

        /** A survivor with a profile, as the coordinator records it, home since [dischargedAt] if known. */
        fun survivor(name: String, languages: List<String>, needs: List<CommunicationNeed>, dischargedAt: Long?): Person {
            val survivor = api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = name))
            api.saveProfile(Profile.Survivor(SurvivorProfile(survivor.id, languages, needs, "Lille", null, dischargedAt, listOf())))
            return survivor
        }

        /**
         * Around Ahmed (enrolled now, no consent, mentored by Paul before): Bruno, home for 100
         * days, and Chloé, for 24 (both consenting); Odile, whose consent alone is on this phone;
         * and Zoé, of whom nothing but her name is here (someone else is responsible for her).
         */
        fun waitingList(): Map<String, Person> {
            val now = System.currentTimeMillis()
            val bruno = survivor("Bruno", listOf("fr"), listOf(CommunicationNeed.FATIGUE), now - 100 * DAY)
            val chloe = survivor("Chloé", listOf("en", "fr"), listOf(), now - 24 * DAY)
            val odile = api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = "Odile"))
            for (survivor in listOf(bruno, chloe, odile)) consent(survivor)
            api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = "Zoé"))
            return mapOf("Bruno" to bruno, "Chloé" to chloe, "Odile" to odile)
        }

        fun waiting(presentation: Presentation) = presentation.waitingList.list(api.survivorsAwaitingMentor(), System.currentTimeMillis())

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
    fun theWaitingListLongestWaitingFirstInWords() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            val others = m.waitingList()
            val list = m.waiting(en)
            // Sophie and Léa have their mentorships, Zoé is someone else's: not listed.
            assertEquals(
                listOf(others.getValue("Bruno").id, others.getValue("Chloé").id, m.ahmed.id, others.getValue("Odile").id),
                list.rows.map { it.survivorId },
                "the core's order, kept",
            )
            assertNull(list.empty)
            val (bruno, chloe, ahmed, odile) = list.rows

            assertEquals("Bruno", bruno.name)
            assertEquals("Waiting for 3 months since going home", bruno.waiting)
            assertEquals("Prefers: French", bruno.languages)
            assertEquals(listOf("Tires easily: keep it short"), bruno.needs)
            assertNull(bruno.consent)
            assertNull(bruno.mentoredBefore)
            assertEquals("Bruno. Waiting for 3 months since going home. Prefers: French. Tires easily: keep it short", bruno.spoken)

            assertEquals("Waiting for 3 weeks since going home", chloe.waiting)
            assertEquals("Prefers: English, French", chloe.languages)
            assertEquals(listOf(), chloe.needs)

            // Enrolled just now, discharge not known: counted from the enrolment, and said so.
            assertEquals("Waiting for less than a day since enrolment", ahmed.waiting)
            assertEquals("Consent to take part not recorded", ahmed.consent)
            assertEquals("Mentored before", ahmed.mentoredBefore)
            assertEquals(
                "Ahmed. Waiting for less than a day since enrolment. Prefers: Arabic, French. " +
                    "Aphasia: short sentences. Consent to take part not recorded. Mentored before",
                ahmed.spoken,
            )

            // Only her consent is here: listed, her languages not known.
            assertEquals("Their languages are not on this phone", odile.languages)
            assertNull(odile.consent)
        }
    }

    @Test
    fun theWaitingListInFrench() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            m.waitingList()
            val (bruno, chloe, ahmed, odile) = m.waiting(fr).rows
            assertEquals(
                listOf("Bruno", "Depuis le retour à domicile : 3 mois d'attente", "Préfère : français", null, null),
                listOf(bruno.name, bruno.waiting, bruno.languages, bruno.consent, bruno.mentoredBefore),
            )
            assertEquals(listOf("Se fatigue vite : faire court"), bruno.needs)
            assertEquals("Depuis le retour à domicile : 3 semaines d'attente", chloe.waiting)
            assertEquals("Préfère : anglais, français", chloe.languages)
            assertEquals(
                listOf(
                    "Ahmed",
                    "Depuis l'inscription : moins d'un jour d'attente",
                    "Préfère : arabe, français",
                    "Consentement à participer non enregistré",
                    "A déjà eu un mentor",
                ),
                listOf(ahmed.name, ahmed.waiting, ahmed.languages, ahmed.consent, ahmed.mentoredBefore),
            )
            assertEquals(
                "Ahmed. Depuis l'inscription : moins d'un jour d'attente. Préfère : arabe, français. " +
                    "Aphasie : phrases courtes. Consentement à participer non enregistré. A déjà eu un mentor",
                ahmed.spoken,
            )
            assertEquals("Ses langues ne sont pas sur ce téléphone", odile.languages)
        }
    }

    @Test
    fun nobodyWaitingIsSaidInWords() {
        TestProgramme(tmp.root).use { p ->
            // Sophie has her mentor: the coordinator's list is empty, and says so.
            p.mentee("Sophie")
            p.api.setDeviceOwner(p.coordinator.id)
            val list = en.waitingList.list(p.api.survivorsAwaitingMentor(), System.currentTimeMillis())
            assertEquals(WaitingList(listOf(), "Nobody is waiting for a mentor."), list)
            assertEquals("Personne n'attend de mentor.", fr.waitingList.list(listOf(), System.currentTimeMillis()).empty)
        }
    }

    @Test
    fun onceProposedTheSurvivorLeavesTheWaitingList() {
        TestProgramme(tmp.root).use { programme ->
            val m = Matching(programme)
            m.waitingList()
            assertEquals(listOf("Bruno", "Chloé", "Ahmed", "Odile"), m.waiting(en).rows.map { it.name })

            // The coordinator taps Ahmed, then proposes Inès, as the screens do.
            val heard = Heard()
            m.api.setChangeObserver(heard)
            val ines = m.page(en).rows.first()
            assertIs<Proposal.Proposed>(en.matching.propose(m.api, m.ahmed.id, ines, ""))
            m.api.setChangeObserver(null)

            // The write names a collection the list is made from, so the waiting list reloads.
            assertTrue(heard.collections.any { it in WaitingListPresenter.WATCHED }, heard.collections.toString())
            assertEquals(listOf("Bruno", "Chloé", "Odile"), m.waiting(en).rows.map { it.name })
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

            // What the screens show when loading fails: the matches, and the waiting list too.
            val refused = assertFailsWith<PasserelleException.NotAllowed> { m.api.mentorMatches(m.ahmed.id) }
            assertEquals("Your account cannot do this.", en.errors.sentence(refused))
            assertEquals("Votre compte ne permet pas de faire cela.", fr.errors.sentence(refused))
            val noList = assertFailsWith<PasserelleException.NotAllowed> { m.api.survivorsAwaitingMentor() }
            assertEquals("Your account cannot do this.", en.errors.sentence(noList))

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
            "home_find_mentor", "matching_choose", "matching_no_mentors",
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
