// The "Mentors" roster against a real store: a coordinator's programme with three mentors —
// Inès with no profile and no course, Paul trained for good and never supervised, Marc with a
// mentee, a proposal, a course that lapses next March and a supervision six weeks ago — comes in
// the core's order (not the names'), worded in English and French; nobody on it is said in
// words; a supervision recorded is heard by the collections the screen watches and moves that
// mentor down; and a mentor signed in on the phone is told, in a sentence, that their account
// cannot do this.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.MentorProfile
import app.passerelle.core.NewMentorship
import app.passerelle.core.NewPerson
import app.passerelle.core.NewSupervision
import app.passerelle.core.NewTraining
import app.passerelle.core.Person
import app.passerelle.core.Profile
import app.passerelle.core.Role
import app.passerelle.core.SupervisionFormat
import java.io.File
import java.time.ZoneId
import java.time.ZonedDateTime
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class RosterPresenterTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val paris = ZoneId.of("Europe/Paris")
    private val en = Presentation(ResourceStrings.english, paris)
    private val fr = Presentation(ResourceStrings.french, paris)

    /**
     * The coordinator (the phone's owner) and three mentors: Marc (4 places, Sophie his mentee,
     * Léa proposed to him; a course until noon on 12 March next year; supervised 45 days ago),
     * Inès (no profile, no course, never supervised) and Paul (2 places, nobody yet; a course that
     * never lapses; never supervised).
     */
    private class Mentors(val p: TestProgramme, paris: ZoneId) {
        val api = p.api
        val marc: Person = p.mentor
        val ines: Person
        val paul: Person

        /** The year of Marc's course's end: next year, so the date carries it. */
        val nextYear = ZonedDateTime.now(paris).year + 1

        init {
            p.mentee("Sophie")
            api.setDeviceOwner(p.coordinator.id)
            ines = api.createPerson(NewPerson(role = Role.MENTOR, displayName = "Inès"))
            paul = api.createPerson(NewPerson(role = Role.MENTOR, displayName = "Paul"))
            api.saveProfile(Profile.Mentor(MentorProfile(marc.id, listOf("fr"), 4u, null)))
            api.saveProfile(Profile.Mentor(MentorProfile(paul.id, listOf("en"), 2u, null)))

            val now = System.currentTimeMillis()
            val march = ZonedDateTime.of(nextYear, 3, 12, 12, 0, 0, 0, paris).toInstant().toEpochMilli()
            api.recordTraining(NewTraining(marc.id, "Peer support basics", now - 60 * DAY, march, null))
            api.recordTraining(NewTraining(paul.id, "Peer support basics", now - 10 * DAY, null, null))
            supervise(marc, now - 45 * DAY)

            val lea = api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = "Léa"))
            api.proposeMentorship(NewMentorship(lea.id, marc.id, 6u, 12u, null))
        }

        fun supervise(mentor: Person, at: Long) {
            api.recordSupervision(NewSupervision(mentor.id, at, SupervisionFormat.INDIVIDUAL, 45u, null))
        }

        fun roster(presentation: Presentation) = presentation.roster.list(api.mentorRoster(), System.currentTimeMillis())
    }

    @Test
    fun thoseNeedingAttentionComeFirstInWords() {
        TestProgramme(tmp.root).use { programme ->
            val m = Mentors(programme, paris)
            val roster = m.roster(en)
            // Not trained first, then never supervised, then supervised longest ago: not by name.
            assertEquals(listOf(m.ines.id, m.paul.id, m.marc.id), roster.rows.map { it.mentorId }, "the core's order, kept")
            assertEquals(m.api.mentorRoster().map { it.mentorId }, roster.rows.map { it.mentorId })
            assertNull(roster.empty)
            val (ines, paul, marc) = roster.rows

            assertEquals(
                RosterRow(
                    mentorId = m.ines.id,
                    name = "Inès",
                    load = "Profile not filled in yet",
                    proposed = null,
                    training = "No current training",
                    trained = false,
                    supervision = "Never supervised",
                    spoken = "Inès. Profile not filled in yet. No current training. Never supervised",
                ),
                ines,
            )
            assertEquals(
                listOf("Paul", "0 mentees of 2 places", null, "Training up to date", "Never supervised"),
                listOf(paul.name, paul.load, paul.proposed, paul.training, paul.supervision),
            )
            assertTrue(paul.trained)
            assertEquals("Paul. 0 mentees of 2 places. Training up to date. Never supervised", paul.spoken)

            val until = "Training up to date until 12 Mar ${m.nextYear}"
            assertEquals(
                listOf("Marc", "1 mentee of 4 places", "1 proposal waiting", until, "Last supervised 6 weeks ago"),
                listOf(marc.name, marc.load, marc.proposed, marc.training, marc.supervision),
            )
            assertEquals(
                "Marc. 1 mentee of 4 places. 1 proposal waiting. $until. Last supervised 6 weeks ago",
                marc.spoken,
            )
        }
    }

    @Test
    fun theSameRowsInFrench() {
        TestProgramme(tmp.root).use { programme ->
            val m = Mentors(programme, paris)
            val (ines, paul, marc) = m.roster(fr).rows
            assertEquals(
                listOf("Inès", "Profil pas encore rempli", null, "Pas de formation à jour", "Pas encore de supervision"),
                listOf(ines.name, ines.load, ines.proposed, ines.training, ines.supervision),
            )
            assertEquals(
                listOf("Paul", "0 binôme sur 2 places", null, "Formation à jour", "Pas encore de supervision"),
                listOf(paul.name, paul.load, paul.proposed, paul.training, paul.supervision),
            )
            assertEquals(
                listOf(
                    "Marc",
                    "1 binôme sur 4 places",
                    "1 proposition en attente",
                    "Formation à jour jusqu'au 12 mars ${m.nextYear}",
                    "Dernière supervision il y a 6 semaines",
                ),
                listOf(marc.name, marc.load, marc.proposed, marc.training, marc.supervision),
            )
            assertEquals(
                "Marc. 1 binôme sur 4 places. 1 proposition en attente. " +
                    "Formation à jour jusqu'au 12 mars ${m.nextYear}. Dernière supervision il y a 6 semaines",
                marc.spoken,
            )
        }
    }

    @Test
    fun withoutAProfileTheMenteesAreStillCounted() {
        TestProgramme(tmp.root).use { p ->
            // Marc supports Sophie, but his profile (how many places) was never filled in.
            p.mentee("Sophie")
            p.api.setDeviceOwner(p.coordinator.id)
            val now = System.currentTimeMillis()
            assertEquals("1 mentee, profile not filled in yet", en.roster.list(p.api.mentorRoster(), now).rows.single().load)
            assertEquals("1 binôme, profil pas encore rempli", fr.roster.list(p.api.mentorRoster(), now).rows.single().load)
        }
    }

    @Test
    fun noMentorsYetIsSaidInWords() {
        // A programme's first professional, before any mentor is enrolled.
        Passerelle.open(File(tmp.root, "empty.db").absolutePath, randomKey()).use { api ->
            api.createDeviceOwner(NewPerson(role = Role.PROFESSIONAL, displayName = "Claire"))
            val now = System.currentTimeMillis()
            assertEquals(Roster(listOf(), "No mentors yet."), en.roster.list(api.mentorRoster(), now))
            assertEquals(Roster(listOf(), "Pas encore de mentor."), fr.roster.list(api.mentorRoster(), now))
        }
    }

    @Test
    fun aSupervisionIsHeardAndMovesTheMentorDown() {
        TestProgramme(tmp.root).use { programme ->
            val m = Mentors(programme, paris)
            val heard = Heard()
            m.api.setChangeObserver(heard)
            // An hour ago, but today in Paris: "less than a day" is the same calendar day, and
            // between midnight and one an hour ago was yesterday.
            val now = System.currentTimeMillis()
            val today = ZonedDateTime.now(paris).toLocalDate().atStartOfDay(paris).toInstant().toEpochMilli()
            m.supervise(m.paul, maxOf(now - HOUR, today))
            m.api.setChangeObserver(null)

            // The write names a collection the roster is made from, so the screen reloads.
            assertTrue(heard.collections.any { it in RosterPresenter.WATCHED }, heard.collections.toString())
            val rows = m.roster(en).rows
            assertEquals(listOf("Inès", "Marc", "Paul"), rows.map { it.name })
            assertEquals("Last supervised less than a day ago", rows[2].supervision)
            assertEquals("Dernière supervision il y a moins d'un jour", m.roster(fr).rows[2].supervision)
        }
    }

    @Test
    fun aMentorSignedInIsToldTheirAccountCannotDoThis() {
        TestProgramme(tmp.root).use { programme ->
            val m = Mentors(programme, paris)
            m.api.setDeviceOwner(m.marc.id)
            // What the screen shows when loading fails.
            val refused = assertFailsWith<PasserelleException.NotAllowed> { m.api.mentorRoster() }
            assertEquals("Your account cannot do this.", en.errors.sentence(refused))
            assertEquals("Votre compte ne permet pas de faire cela.", fr.errors.sentence(refused))
        }
    }

    @Test
    fun calendarDatesCarryTheYearOnlyWhenItIsAnother() {
        fun at(year: Int, month: Int, day: Int, hour: Int = 12) =
            ZonedDateTime.of(year, month, day, hour, 0, 0, 0, paris).toInstant().toEpochMilli()
        val now = at(2024, 3, 5)
        assertEquals("12 Mar", en.time.calendarDate(at(2024, 3, 12), now))
        assertEquals("12 mars", fr.time.calendarDate(at(2024, 3, 12), now))
        assertEquals("12 Mar 2025", en.time.calendarDate(at(2025, 3, 12), now))
        // Half past midnight on New Year's Day in Paris is still the old year in UTC: the phone's day counts.
        assertEquals("1 janv. 2025", fr.time.calendarDate(at(2025, 1, 1, hour = 0) + 30 * 60_000, at(2024, 12, 31)))
    }

    @Test
    fun theNewTextsExistInBothLanguages() {
        // The screen's own texts (not the presenter's): read by the app through R.string.
        for (dir in listOf("values", "values-fr")) {
            val file = ResourceFile(File(resDir(), "$dir/strings.xml"))
            for (name in listOf("home_mentors", "roster_order")) assertTrue(file.rawStrings[name]?.isNotBlank() == true, "$dir: $name")
        }
        assertEquals("2 binômes", ResourceStrings.french.plural(Plural.ROSTER_MENTEES, 2))
        assertEquals("1 place", ResourceStrings.french.plural(Plural.ROSTER_PLACES, 1))
        assertEquals("3 propositions en attente", ResourceStrings.french.plural(Plural.ROSTER_PROPOSED, 3))
        assertEquals("2 mentees", ResourceStrings.english.plural(Plural.ROSTER_MENTEES, 2))
    }
}
