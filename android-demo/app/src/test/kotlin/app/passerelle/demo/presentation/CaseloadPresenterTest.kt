// The mentor's home screen rows, built from a real caseload (encrypted store, one `caseload()`
// call) and checked word for word in English and French; the next planned visit or call comes
// when the mentor plans one and goes when it is cancelled, and the screen hears both; the
// contacts over that wait to be recorded are counted in words.
package app.passerelle.demo.presentation

import app.passerelle.core.CommunicationNeed
import app.passerelle.core.ConcernCategory
import app.passerelle.core.ContactDetails
import app.passerelle.core.ContactMode
import app.passerelle.core.FollowUp
import app.passerelle.core.NewConcern
import app.passerelle.core.Urgency
import java.time.ZoneOffset
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class CaseloadPresenterTest {
    @get:Rule
    val tmp = TemporaryFolder()

    // UTC: whole days back from `now` are whole calendar days, whatever the time of day.
    private fun presenter(strings: Strings) = CaseloadPresenter(strings, RelativeTime(strings, ZoneOffset.UTC))

    @Test
    fun caseloadRowsInEnglishAndFrench() {
        TestProgramme(tmp.root).use { p ->
            val now = System.currentTimeMillis()
            val sophie = p.mentee("Sophie", listOf(CommunicationNeed.APHASIA, CommunicationNeed.FATIGUE))
            val paul = p.mentee("Paul")
            val anne = p.mentee("Anne")
            val luc = p.mentee("Luc")

            // Sophie: a contact three days ago, a follow-up due yesterday, an urgent worry.
            p.api.recordCheckin(
                p.checkIn(
                    sophie,
                    now - 3 * DAY,
                    followUp = FollowUp(action = "Call the speech therapist", dueAt = now - DAY),
                    concern = NewConcern(ConcernCategory.MOOD, Urgency.URGENT, "Low mood since coming home."),
                ),
            )
            // Anne: a contact just now, a follow-up in two days.
            p.api.recordCheckin(p.checkIn(anne, now, followUp = FollowUp(action = "Bring the leaflet", dueAt = now + 2 * DAY)))
            // Luc: paused by the coordinator.
            p.api.setDeviceOwner(p.coordinator.id)
            p.api.pauseMentorship(luc, null)
            p.api.setDeviceOwner(p.mentor.id)

            // One call for the whole screen.
            val caseload = p.api.caseload()
            assertEquals(4, caseload.size)

            val en = presenter(ResourceStrings.english).rows(caseload, now).associateBy { it.mentorshipId }
            with(en.getValue(sophie)) {
                assertEquals("Sophie", name)
                assertNull(status)
                assertEquals("Last contact 3 days ago", lastContact)
                assertEquals("Contacts: 1 of 6", progress)
                assertEquals("Follow-up due yesterday", nextFollowUp)
                assertEquals("No visit or call planned", nextContact)
                assertEquals("1 follow-up late", overdueBadge)
                assertEquals("1 open concern: urgent", concernBadge)
                assertTrue(concernIsUrgent)
                assertEquals(listOf("Aphasia: short sentences", "Tires easily: keep it short"), needs)
                assertEquals(
                    "Sophie. 1 open concern: urgent. 1 follow-up late. Last contact 3 days ago. " +
                        "Follow-up due yesterday. No visit or call planned. Contacts: 1 of 6. Aphasia: short sentences. Tires easily: keep it short",
                    spoken,
                )
            }
            with(en.getValue(paul)) {
                assertEquals("No contact yet", lastContact)
                assertEquals("Contacts: 0 of 6", progress)
                assertNull(nextFollowUp)
                assertNull(overdueBadge)
                assertNull(concernBadge)
                assertFalse(concernIsUrgent)
                assertEquals(listOf(), needs)
            }
            with(en.getValue(anne)) {
                assertEquals("Last contact today", lastContact)
                assertEquals("Follow-up due in 2 days", nextFollowUp)
                assertNull(overdueBadge)
            }
            assertEquals("Paused", en.getValue(luc).status)

            val fr = presenter(ResourceStrings.french).rows(caseload, now).associateBy { it.mentorshipId }
            with(fr.getValue(sophie)) {
                assertEquals("Dernier contact il y a 3 jours", lastContact)
                assertEquals("Contacts : 1 sur 6", progress)
                assertEquals("Suivi prévu hier", nextFollowUp)
                assertEquals("1 suivi en retard", overdueBadge)
                assertEquals("1 inquiétude en cours : urgent", concernBadge)
                assertEquals(listOf("Aphasie : phrases courtes", "Se fatigue vite : faire court"), needs)
            }
            assertEquals("Pas encore de contact", fr.getValue(paul).lastContact)
            assertEquals("Pas de rendez-vous prévu", fr.getValue(paul).nextContact)
            assertEquals("Dernier contact aujourd'hui", fr.getValue(anne).lastContact)
            assertEquals("Suivi prévu dans 2 jours", fr.getValue(anne).nextFollowUp)
            assertEquals("En pause", fr.getValue(luc).status)
        }
    }

    @Test
    fun badgesCountInBothLanguages() {
        TestProgramme(tmp.root).use { p ->
            val now = System.currentTimeMillis()
            val sophie = p.mentee("Sophie")
            for (daysAgo in listOf(5L, 4L)) {
                p.api.recordCheckin(
                    p.checkIn(
                        sophie,
                        now - daysAgo * DAY,
                        followUp = FollowUp(action = "Check on the appointment", dueAt = now - 2 * DAY),
                        concern = NewConcern(ConcernCategory.PRACTICAL, Urgency.ROUTINE, "Needs help with forms."),
                    ),
                )
            }
            val entry = p.api.caseload().single()
            assertEquals(2u, entry.overdueFollowUps)
            assertEquals(2u, entry.openConcerns)

            val en = presenter(ResourceStrings.english).row(entry, now)
            assertEquals("2 follow-ups late", en.overdueBadge)
            assertEquals("2 open concerns: not urgent", en.concernBadge)
            assertFalse(en.concernIsUrgent)
            assertEquals("Last contact 4 days ago", en.lastContact)
            assertEquals("Contacts: 2 of 6", en.progress)

            val fr = presenter(ResourceStrings.french).row(entry, now)
            assertEquals("2 suivis en retard", fr.overdueBadge)
            assertEquals("2 inquiétudes en cours : pas urgent", fr.concernBadge)
            assertEquals("Suivi prévu il y a 2 jours", fr.nextFollowUp)
        }
    }

    @Test
    fun contactsWaitingToBeRecordedAreCounted() {
        TestProgramme(tmp.root).use { p ->
            val now = System.currentTimeMillis()
            p.mentee("Sophie")
            val entry = p.api.caseload().single()
            val en = presenter(ResourceStrings.english)
            val fr = presenter(ResourceStrings.french)

            // Nothing over waits to be recorded: nothing said.
            assertEquals(0u, entry.contactsToRecord)
            assertNull(en.row(entry, now).toRecord)
            assertEquals("Sophie. No contact yet. No visit or call planned. Contacts: 0 of 6", en.row(entry, now).spoken)

            // The core's count once contacts are over (the bindings have no clock to move it).
            val one = en.row(entry.copy(contactsToRecord = 1u), now)
            assertEquals("1 contact to record", one.toRecord)
            assertEquals("Sophie. 1 contact to record. No contact yet. No visit or call planned. Contacts: 0 of 6", one.spoken)
            assertEquals("3 contacts to record", en.row(entry.copy(contactsToRecord = 3u), now).toRecord)
            assertEquals("1 contact à noter", fr.row(entry.copy(contactsToRecord = 1u), now).toRecord)
            assertEquals("3 contacts à noter", fr.row(entry.copy(contactsToRecord = 3u), now).toRecord)
        }
    }

    @Test
    fun theNextPlannedContactComesAndGoes() {
        TestProgramme(tmp.root).use { p ->
            val now = System.currentTimeMillis()
            val sophie = p.mentee("Sophie")
            val paul = p.mentee("Paul")
            val en = presenter(ResourceStrings.english)
            val fr = presenter(ResourceStrings.french)
            val enTime = RelativeTime(ResourceStrings.english, ZoneOffset.UTC)
            val frTime = RelativeTime(ResourceStrings.french, ZoneOffset.UTC)
            fun rows(presenter: CaseloadPresenter) = presenter.rows(p.api.caseload(), now).associateBy { it.mentorshipId }

            // Nothing planned yet: said in a few words, for each mentee.
            with(rows(en)) {
                assertEquals("No visit or call planned", getValue(sophie).nextContact)
                assertEquals("No visit or call planned", getValue(paul).nextContact)
                assertEquals("Sophie. No contact yet. No visit or call planned. Contacts: 0 of 6", getValue(sophie).spoken)
            }
            assertEquals("Pas de rendez-vous prévu", rows(fr).getValue(sophie).nextContact)

            // Marc plans a home visit with Sophie the day after tomorrow at 14:00; the screen hears it.
            val heard = Heard()
            p.api.setChangeObserver(heard)
            val start = enTime.atDayAndMinute(now, 2, 14 * 60)
            val visit = p.api.planContact(
                sophie,
                ContactDetails(startsAt = start, durationMinutes = 60u, mode = ContactMode.HOME_VISIT, place = null, note = null),
            )
            assertTrue(heard.collections.any { it in CaseloadPresenter.WATCHED }, "planning reloads the caseload: ${heard.collections}")

            val caseload = p.api.caseload()
            assertEquals(start, caseload.single { it.mentorshipId == sophie }.nextContactAt)
            // The core's order stays as it is.
            assertEquals(caseload.map { it.mentorshipId }, en.rows(caseload, now).map { it.mentorshipId })
            val english = en.rows(caseload, now).associateBy { it.mentorshipId }
            val next = "Next visit or call: ${enTime.dayAndTime(start, now)} (in 2 days)"
            assertEquals(next, english.getValue(sophie).nextContact)
            assertTrue(Regex("""Next visit or call: [A-Z]\p{L}+ \d{1,2} [A-Z]\p{L}+ at .+ \(in 2 days\)""").matches(next), next)
            assertEquals("Sophie. No contact yet. $next. Contacts: 0 of 6", english.getValue(sophie).spoken)
            assertEquals("No visit or call planned", english.getValue(paul).nextContact, "only Sophie has one")
            val french = fr.rows(caseload, now).associateBy { it.mentorshipId }.getValue(sophie).nextContact
            assertEquals("Prochain rendez-vous : ${frTime.dayAndTime(start, now)} (dans 2 jours)", french)
            assertTrue(Regex("""Prochain rendez-vous : \p{Ll}+ \d{1,2} \p{L}+ à 14:00 \(dans 2 jours\)""").matches(french), french)

            // Cancelled, it is no longer coming: back to none, and the screen hears that too.
            heard.collections.clear()
            p.api.cancelPlannedContact(visit.id)
            p.api.setChangeObserver(null)
            assertTrue(heard.collections.any { it in CaseloadPresenter.WATCHED }, "cancelling reloads the caseload: ${heard.collections}")
            assertNull(p.api.caseload().single { it.mentorshipId == sophie }.nextContactAt)
            assertEquals("No visit or call planned", rows(en).getValue(sophie).nextContact)
            assertEquals("Pas de rendez-vous prévu", rows(fr).getValue(sophie).nextContact)
        }
    }
}
