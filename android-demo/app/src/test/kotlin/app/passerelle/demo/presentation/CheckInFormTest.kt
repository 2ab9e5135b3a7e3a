// The check-in form against a real store: what it builds, what it saves, and that each of the
// core's InvalidInput(field, problem) lands under the right field with a sentence in the
// right language — and that a refused form saved nothing; a planned contact fills it in.
package app.passerelle.demo.presentation

import app.passerelle.core.ConcernCategory
import app.passerelle.core.ContactDetails
import app.passerelle.core.ContactMode
import app.passerelle.core.Dimension
import app.passerelle.core.Reached
import app.passerelle.core.Urgency
import java.time.ZoneOffset
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class CheckInFormTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val en = ErrorText(ResourceStrings.english)
    private val fr = ErrorText(ResourceStrings.french)

    private fun rejected(form: CheckInForm, p: TestProgramme, errors: ErrorText = en): CheckInForm {
        val before = p.api.outboxLen()
        val result = form.submit(p.api, errors)
        assertIs<Submission.Rejected>(result, "expected the core to refuse $form")
        assertEquals(before, p.api.outboxLen(), "a refused form must save nothing")
        return result.form
    }

    @Test
    fun buildsTheInputAndSaves() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            val now = System.currentTimeMillis()
            val form = CheckInForm.new(sophie, now)
                .withMode(ContactMode.HOME_VISIT)
                .withDuration(45)
                .withReached(Reached.BOTH)
                .toggle(Dimension.CAREGIVER_SUPPORT)
                .toggle(Dimension.EMOTIONAL)
                .toggle(Dimension.HEALTHCARE_PATHWAY)
                .toggle(Dimension.EMOTIONAL) // tapped twice: off again
                .withWellbeing(WellbeingFace.GOOD)
                .withNotes("  Walked to the bakery together.  ")

            val input = form.toInput()
            // The scale's order, not the order of the taps.
            assertEquals(listOf(Dimension.HEALTHCARE_PATHWAY, Dimension.CAREGIVER_SUPPORT), input.dimensions)
            assertEquals(4.toUByte(), input.wellbeing)
            assertNull(input.followUp)
            assertNull(input.concern)

            val saved = assertIs<Submission.Saved>(form.submit(p.api, en)).recorded
            assertEquals(ContactMode.HOME_VISIT, saved.checkin.mode)
            assertEquals(45u, saved.checkin.durationMinutes)
            assertEquals(Reached.BOTH, saved.checkin.reached)
            assertEquals(listOf(Dimension.HEALTHCARE_PATHWAY, Dimension.CAREGIVER_SUPPORT), saved.checkin.dimensions)
            assertEquals("Walked to the bakery together.", saved.checkin.notes) // trimmed by the core
            assertNull(saved.escalation)
            assertEquals(1u, p.api.caseload().single().contactsDone)
        }
    }

    @Test
    fun eachCoreRuleLandsUnderItsField() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            val now = System.currentTimeMillis()
            val blank = CheckInForm.new(sophie, now)

            val tooLong = rejected(blank.withDuration(605), p)
            assertEquals(mapOf(FormField.DURATION to "Choose between 0 and 600."), tooLong.errors)
            assertNull(tooLong.formError)
            // Correcting the field clears its error before the next save.
            assertEquals(mapOf(), tooLong.withDuration(600).errors)
            assertEquals(
                mapOf(FormField.DURATION to "Choisissez entre 0 et 600."),
                rejected(blank.withDuration(605), p, fr).errors,
            )

            val noAction = rejected(blank.withFollowUp(true, now), p)
            assertEquals(mapOf(FormField.FOLLOW_UP_ACTION to "Please fill this in."), noAction.errors)
            assertEquals(mapOf(), noAction.withFollowUpAction("Call the GP").errors)

            val dueBeforeContact = rejected(
                blank.withFollowUp(true, now).withFollowUpAction("Call the GP").withFollowUpInDays(-2, now),
                p,
            )
            assertEquals(mapOf(FormField.FOLLOW_UP_DUE to "This date is before the contact."), dueBeforeContact.errors)

            val longNotes = rejected(blank.withNotes("a".repeat(4001)), p)
            assertEquals(mapOf(FormField.NOTES to "Too long: 4000 characters at most."), longNotes.errors)
            assertEquals(
                mapOf(FormField.NOTES to "Trop long : 4000 caractères au plus."),
                rejected(blank.withNotes("a".repeat(4001)), p, fr).errors,
            )

            val future = rejected(blank.withOccurredHoursAgo(-48, now), p)
            assertEquals(mapOf(FormField.WHEN to "This date is too far ahead."), future.errors)

            val noWorry = rejected(blank.withConcern(true), p, fr)
            assertEquals(mapOf(FormField.CONCERN_SUMMARY to "Merci de remplir ce champ."), noWorry.errors)

            // Nothing above was saved.
            assertEquals(0u, p.api.caseload().single().contactsDone)

            val worried = noWorry
                .withConcernCategory(ConcernCategory.SAFETY)
                .withConcernUrgency(Urgency.URGENT)
                .withConcernSummary("Fell twice this week.")
            assertEquals(mapOf(), worried.errors)
            val saved = assertIs<Submission.Saved>(worried.submit(p.api, en)).recorded
            val escalation = assertNotNull(saved.escalation)
            assertEquals(Urgency.URGENT, escalation.urgency)
            assertEquals(p.coordinator.id, escalation.assignedTo)
        }
    }

    @Test
    fun amendsWithAReason() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            val now = System.currentTimeMillis()
            val first = assertIs<Submission.Saved>(
                CheckInForm.new(sophie, now).withWellbeing(WellbeingFace.LOW).toggle(Dimension.EMOTIONAL).submit(p.api, en),
            ).recorded.checkin

            val form = CheckInForm.amend(p.api.checkin(first.checkinId))
            assertTrue(form.isAmendment)
            assertEquals(WellbeingFace.LOW, form.wellbeing)
            assertEquals(setOf(Dimension.EMOTIONAL), form.dimensions)
            assertEquals(first.occurredAt, form.occurredAt)

            val noReason = rejected(form.withDuration(45), p)
            assertEquals(mapOf(FormField.REASON to "Please fill this in."), noReason.errors)

            val amended = assertIs<Submission.Saved>(noReason.withReason("The call was longer").submit(p.api, en)).recorded
            assertEquals(2u, amended.checkin.version)
            assertEquals(45u, amended.checkin.durationMinutes)
            assertEquals(first.checkinId, amended.checkin.checkinId)

            // The past-contacts list says it was corrected, from one timeline call.
            val strings = ResourceStrings.english
            val rows = ContactsPresenter(strings, RelativeTime(strings, ZoneOffset.UTC)).rows(p.api.mentorshipTimeline(sophie), now)
            val row = rows.single()
            assertEquals("Phone · 45 minutes · today", row.summary)
            assertEquals("Corrected", row.corrected)
            assertEquals(WellbeingFace.LOW, row.wellbeing)
            assertEquals("Phone. 45 minutes. today. Feeling: Bad, 2 of 5. Corrected", row.spoken)
        }
    }

    @Test
    fun aPlannedContactFillsTheFormIn() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            val now = System.currentTimeMillis()
            val startsAt = now + 2 * HOUR
            val visit = p.api.planContact(sophie, ContactDetails(startsAt, 45u, ContactMode.HOME_VISIT, "At home", null))

            // "Record check-in": one plannedContact() call, then its start, how and how long.
            val form = CheckInForm.loadRecording(p.api, visit.id)
            assertEquals(
                listOf(sophie, null, visit.id, startsAt, ContactMode.HOME_VISIT, 45),
                listOf(form.mentorshipId, form.amending, form.plannedContactId, form.occurredAt, form.mode, form.durationMinutes),
            )
            assertFalse(form.isAmendment)
            assertFalse(form.choosesWhen, "it keeps its planned start")
            assertTrue(CheckInForm.new(sophie, now).choosesWhen)
            assertEquals(visit.id, form.withNotes("Walked to the market.").toInput().plannedContactId)
            assertNull(CheckInForm.new(sophie, now).toInput().plannedContactId)

            // Not started yet: the core refuses, in a sentence above the form, and nothing is saved.
            val early = rejected(form, p)
            assertEquals("This visit or call has not started yet.", early.formError)
            assertEquals(mapOf(), early.errors)
            assertEquals("Cette visite ou cet appel n'a pas encore commencé.", rejected(form, p, fr).formError)

            // A check-in that records no planned contact is amended naming none.
            val plain = assertIs<Submission.Saved>(CheckInForm.new(sophie, now).submit(p.api, en)).recorded.checkin
            assertNull(CheckInForm.amend(p.api.checkin(plain.checkinId)).plannedContactId)
        }
    }

    @Test
    fun errorsWithoutAFieldGoAboveTheForm() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            p.api.setDeviceOwner(p.coordinator.id) // only the mentor records check-ins
            val refused = rejected(CheckInForm.new(sophie, System.currentTimeMillis()), p)
            assertEquals("Your account cannot do this.", refused.formError)
            assertEquals(mapOf(), refused.errors)
            // Any edit clears it: the person is trying again.
            assertNull(refused.withNotes("x").formError)
        }
    }

    @Test
    fun tappingTheChosenFaceAgainClearsTheScore() {
        val form = CheckInForm.new("0190f5c2-0000-7000-8000-000000000001", 0).withWellbeing(WellbeingFace.SO_SO)
        assertEquals(3.toUByte(), form.toInput().wellbeing)
        assertNull(form.withWellbeing(WellbeingFace.SO_SO).toInput().wellbeing)
        assertEquals(5.toUByte(), form.withWellbeing(WellbeingFace.VERY_GOOD).toInput().wellbeing)
    }

    @Test
    fun chipLabelsInBothLanguages() {
        val en = CheckInLabels(ResourceStrings.english)
        val fr = CheckInLabels(ResourceStrings.french)
        assertEquals("Feelings", en.dimension(Dimension.EMOTIONAL))
        assertEquals("Démarches et droits", fr.dimension(Dimension.SOCIAL_ADMINISTRATIVE))
        assertEquals("Their carer", en.reached(Reached.CAREGIVER))
        assertEquals("Visite à domicile", fr.mode(ContactMode.HOME_VISIT))
        assertEquals("1 minute", en.duration(1))
        assertEquals("0 minute", fr.duration(0)) // French counts 0 as singular
        assertEquals("90 minutes", fr.duration(90))
        // Every chip of every enum has a label of its own.
        for (labels in listOf(en, fr)) {
            assertEquals(Dimension.entries.size, Dimension.entries.map { labels.dimension(it) }.toSet().size)
            assertEquals(ContactMode.entries.size, ContactMode.entries.map { labels.mode(it) }.toSet().size)
            assertEquals(Reached.entries.size, Reached.entries.map { labels.reached(it) }.toSet().size)
            assertEquals(ConcernCategory.entries.size, ConcernCategory.entries.map { labels.concern(it) }.toSet().size)
            assertEquals(Urgency.entries.size, Urgency.entries.map { labels.urgency(it) }.toSet().size)
        }
    }
}
