// Planned contacts against a real store: Marc (the mentor) plans a home visit with Sophie through
// the plan form; the rows read right from his side and from hers, in English and French, the side
// and the buttons coming from the core (`plannerSide`, `canAnswer`, `canChange`); her answer
// ("I'll be there", "Another time") reads back on both sides, and a caregiver's answer is named
// after him on her phone; a cancelled contact stays listed, marked, offering neither answer nor
// change, and answering or moving it anyway is told in its own sentence; the change form loads
// through `plannedContact`; moving it clears the answer while changing only its note does not; a
// start already past, a place or a note too long and a length out of range land under their
// fields as sentences; the change bus hears `planned_contact`; and the roles the core refuses are
// told so in a sentence. A call under way is recorded from its row through the check-in form
// ("Recorded" on the planner's side only, a second record refused in its own sentence), and a
// contact over is worded from the core's flags ("Not recorded yet", "Did not take place").
package app.passerelle.demo.presentation

import app.passerelle.PasserelleException
import app.passerelle.core.CaregiverProfile
import app.passerelle.core.ConsentScope
import app.passerelle.core.ContactDetails
import app.passerelle.core.ContactMode
import app.passerelle.core.ContactReply
import app.passerelle.core.NewConsent
import app.passerelle.core.NewPerson
import app.passerelle.core.Person
import app.passerelle.core.Profile
import app.passerelle.core.Relationship
import app.passerelle.core.Role
import java.time.ZoneId
import java.time.ZonedDateTime
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class UpcomingContactsTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val paris = ZoneId.of("Europe/Paris")
    private val en = Presentation(ResourceStrings.english, paris)
    private val fr = Presentation(ResourceStrings.french, paris)

    /** Marc mentors Sophie; the phone is Marc's. */
    private class Visit(val p: TestProgramme) {
        val api = p.api
        val mentorshipId = p.mentee("Sophie")
        val marc: Person = p.mentor
        val sophie: Person = api.people(Role.SURVIVOR).single { it.displayName == "Sophie" }

        fun asMarc() = api.setDeviceOwner(marc.id)
        fun asSophie() = api.setDeviceOwner(sophie.id)
        fun asClaire() = api.setDeviceOwner(p.coordinator.id)

        /** Paul, Sophie's husband, with whom she shares (the coordinator records it). */
        fun paul(): Person {
            asClaire()
            val paul = api.createPerson(NewPerson(role = Role.CAREGIVER, displayName = "Paul"))
            api.saveProfile(Profile.Caregiver(CaregiverProfile(paul.id, sophie.id, Relationship.SPOUSE_PARTNER)))
            api.grantConsent(
                NewConsent(
                    survivorId = sophie.id,
                    scope = ConsentScope.SHARE_WITH_CAREGIVER,
                    caregiverId = paul.id,
                    grantedAt = System.currentTimeMillis() - DAY,
                ),
            )
            asMarc()
            return paul
        }

        /**
         * The rows the phone's owner sees, as the Home screen makes them: with the owner's id,
         * which the app keeps from sign-in, so their own answer reads "You said…".
         */
        fun rows(presentation: Presentation, now: Long = System.currentTimeMillis()): Upcoming =
            presentation.upcoming.list(api.upcomingContacts(null), now, api.deviceOwner()!!.id)
    }

    /** Marc plans a home visit the day after tomorrow at 14:00, through the form. */
    /** A fresh programme (Marc, Sophie, their mentorship) for [body]. */
    private fun visit(body: (Visit) -> Unit) = TestProgramme(tmp.root).use { body(Visit(it)) }

    /** [visit], with Marc's visit planned ([plan]) at the current time, given with its form. */
    private fun planned(body: (Visit, Long, PlanContactForm) -> Unit) = visit { v ->
        val now = System.currentTimeMillis()
        body(v, now, plan(v, now))
    }

    private fun plan(v: Visit, now: Long): PlanContactForm {
        val form = PlanContactForm.new(v.mentorshipId, now)
            .withDaysAhead(2)
            .withMinuteOfDay(13 * 60) // 13:00, then one hour later
            .laterHour()
            .withMode(ContactMode.HOME_VISIT)
            .withPlace("At home")
            .withNote("Bring the housing form")
        assertIs<PlanSubmission.Saved>(form.submit(v.api, en.time, en.errors), "Marc may plan it")
        return form
    }

    private fun capitalized(text: String) = text.replaceFirstChar { it.uppercase() }

    @Test
    fun aPlannedVisitReadsRightFromBothSides() {
        planned { v, now, form ->
            val start = form.startsAt(en.time)
            assertEquals(14 * 60, en.time.minuteOfDay(start))
            assertEquals(2L, en.time.daysBetween(now, start))

            val starts = capitalized(en.time.dayAndTime(start, now)) + " (in 2 days)"
            val marcs = v.rows(en, now)
            assertNull(marcs.empty)
            val mine = marcs.rows.single()
            assertEquals("Home visit with Sophie", mine.title)
            assertEquals(starts, mine.starts)
            assertEquals("in 2 days", mine.relative)
            assertEquals("1 hour", mine.duration)
            assertEquals("At home", mine.place)
            assertEquals("Bring the housing form", mine.note)
            assertEquals("No answer yet", mine.answer)
            assertNull(mine.cancelled)
            assertFalse(mine.canAnswer, "the mentor does not answer his own visit")
            assertTrue(mine.canChange)
            assertTrue(mine.canCancel)
            assertEquals("Cancel", mine.cancelAction)
            assertEquals("Yes, cancel it", mine.cancelConfirm)
            assertFalse(mine.canRecord, "not started yet")
            assertNull(mine.recorded, "still to come: neither recorded nor waiting")
            assertEquals("Home visit with Sophie. $starts. 1 hour. At home. Bring the housing form. No answer yet", mine.spoken)
            assertTrue(starts.startsWith(capitalized(en.time.dayAndTime(start, now).substringBefore(" at "))))

            v.asSophie()
            val hers = v.rows(en, now).rows.single()
            assertEquals("Home visit with Marc", hers.title)
            assertEquals(starts, hers.starts)
            assertNull(hers.answer, "nothing said before she answers")
            assertTrue(hers.canAnswer)
            assertFalse(hers.canChange)
            assertFalse(hers.canCancel)
            assertFalse(hers.canRecord)
            assertEquals("Home visit with Marc. $starts. 1 hour. At home. Bring the housing form", hers.spoken)

            val french = v.rows(fr, now).rows.single()
            assertEquals("Visite à domicile avec Marc", french.title)
            assertEquals(capitalized(fr.time.dayAndTime(start, now)) + " (dans 2 jours)", french.starts)
            assertTrue(Regex("""[A-Z]\p{L}+ \d{1,2} \p{L}+ à 14:00 \(dans 2 jours\)""").matches(french.starts), french.starts)
            assertEquals("1 heure", french.duration)
            v.asMarc()
            assertEquals(listOf("Annuler", "Oui, annuler"), v.rows(fr, now).rows.single().let { listOf(it.cancelAction, it.cancelConfirm) })
        }
    }

    @Test
    fun herAnswerReadsBackOnBothSides() {
        planned { v, now, _ ->

            v.asSophie()
            val id = v.rows(en).rows.single().contactId
            assertNull(en.upcoming.reply(v.api, id, ContactReply.ACCEPTED))
            val accepted = v.rows(en).rows.single()
            assertEquals(ContactReply.ACCEPTED, accepted.reply)
            assertEquals("You said you'll be there", accepted.answer)
            assertTrue(accepted.canAnswer, "she may still change her mind")
            assertTrue(accepted.spoken.endsWith(". You said you'll be there"), accepted.spoken)
            assertEquals("Vous avez dit que vous seriez là", v.rows(fr).rows.single().answer)

            v.asMarc()
            assertEquals("Sophie will be there", v.rows(en).rows.single().answer)
            assertEquals("Sophie sera là", v.rows(fr).rows.single().answer)

            v.asSophie()
            assertNull(en.upcoming.reply(v.api, id, ContactReply.DECLINED))
            assertEquals("You asked for another time", v.rows(en).rows.single().answer)
            assertEquals("Vous avez demandé un autre moment", v.rows(fr).rows.single().answer)
            v.asMarc()
            assertEquals("Sophie asked for another time", v.rows(en).rows.single().answer)
            assertEquals("Sophie a demandé un autre moment", v.rows(fr).rows.single().answer)

            // Marc cannot answer for her: the core refuses, the row says why.
            assertEquals("Your account cannot do this.", en.upcoming.reply(v.api, id, ContactReply.ACCEPTED))
            assertEquals(ContactReply.DECLINED, v.rows(en).rows.single().reply)
        }
    }

    @Test
    fun aCancelledContactStaysListedWithoutButtons() {
        planned { v, now, _ ->
            val id = v.rows(en).rows.single().contactId
            assertNull(en.upcoming.cancel(v.api, id))

            val mine = v.rows(en, now).rows.single()
            assertEquals("Cancelled", mine.cancelled)
            assertNull(mine.answer, "the answer to a cancelled contact no longer matters")
            assertFalse(mine.canChange, "no Change or Cancel once cancelled")
            assertFalse(mine.canCancel)
            assertNull(mine.recorded, "a cancelled contact waits for no check-in")
            assertFalse(mine.canAnswer)
            assertEquals("Home visit with Sophie. Cancelled. ${mine.starts}. 1 hour. At home. Bring the housing form", mine.spoken)
            assertEquals("Annulé", v.rows(fr).rows.single().cancelled)

            v.asSophie()
            val hers = v.rows(en).rows.single()
            assertEquals("Cancelled", hers.cancelled)
            assertFalse(hers.canAnswer, "nothing to answer once cancelled")
            assertFalse(hers.canChange)
            // Were she to answer anyway (a screen not yet reloaded), the core says why not.
            assertEquals("This visit or call was cancelled.", en.upcoming.reply(v.api, id, ContactReply.ACCEPTED))
            assertEquals("Cette visite ou cet appel a été annulé.", fr.upcoming.reply(v.api, id, ContactReply.ACCEPTED))

            // Nor can Marc move it from a change form opened before: the sentence above the form.
            v.asMarc()
            val change = PlanContactForm.loadChange(v.api, id, en.time, now)
            val refused = assertIs<PlanSubmission.Rejected>(change.withDaysAhead(3).submit(v.api, en.time, en.errors)).form
            assertEquals("This visit or call was cancelled.", refused.formError)
            assertTrue(refused.errors.isEmpty())
        }
    }

    @Test
    fun movingItClearsTheAnswerButANewNoteDoesNot() {
        planned { v, now, _ ->
            v.asSophie()
            val id = v.rows(en).rows.single().contactId
            assertNull(en.upcoming.reply(v.api, id, ContactReply.ACCEPTED))

            v.asMarc()
            // The change form finds the contact by its id alone, as the screen opens it.
            val change = PlanContactForm.loadChange(v.api, id, en.time, now)
            assertEquals(v.mentorshipId, change.mentorshipId)
            assertEquals(id, change.changing)
            assertTrue(change.isChange)
            assertEquals(listOf(2, 14 * 60, ContactMode.HOME_VISIT, 60, "At home", "Bring the housing form"),
                listOf(change.daysAhead, change.minuteOfDay, change.mode, change.durationMinutes, change.place, change.note))

            // Only the note: the same start, so her answer stands.
            val noted = assertIs<PlanSubmission.Saved>(change.withNote("Bring the housing form and the bills").submit(v.api, en.time, en.errors))
            assertEquals(ContactReply.ACCEPTED, noted.contact.reply)
            assertEquals("Sophie will be there", v.rows(en).rows.single().answer)

            // A day later, and longer: the answer is cleared.
            val moved = assertIs<PlanSubmission.Saved>(change.withDaysAhead(3).longer().longer().submit(v.api, en.time, en.errors))
            assertNull(moved.contact.reply)
            val after = v.rows(en, now).rows.single()
            assertEquals("No answer yet", after.answer)
            assertEquals("in 3 days", after.relative)
            assertEquals("1 hour and 30 minutes", after.duration)
            assertEquals("Bring the housing form", after.note, "the change form sends the whole details again")
            v.asSophie()
            assertNull(v.rows(en).rows.single().answer)
            assertTrue(v.rows(en).rows.single().canAnswer)
        }
    }

    @Test
    fun whatTheCoreRefusesLandsUnderItsField() {
        visit { v ->
            val now = System.currentTimeMillis()
            val blank = PlanContactForm.new(v.mentorshipId, now)
            fun rejected(form: PlanContactForm, presentation: Presentation = en): PlanContactForm {
                val before = v.api.outboxLen()
                val result = assertIs<PlanSubmission.Rejected>(form.submit(v.api, presentation.time, presentation.errors))
                assertEquals(before, v.api.outboxLen(), "a refused plan saves nothing")
                return result.form
            }

            // Midnight today is already past.
            val past = rejected(blank.withDaysAhead(0).withMinuteOfDay(0))
            assertEquals(mapOf(PlanField.STARTS_AT to "That time has already passed."), past.errors)
            assertNull(past.formError)
            assertEquals("Cette heure est déjà passée.", rejected(blank.withDaysAhead(0).withMinuteOfDay(0), fr).errors[PlanField.STARTS_AT])
            // Choosing another day clears the error before saving again.
            assertEquals(emptyMap(), past.withDaysAhead(1).errors)
            // The summary sentence names the field in words.
            assertEquals(
                "Please check the time.",
                en.errors.sentence(app.passerelle.PasserelleException.InvalidInput("starts_at", "already past")),
            )

            assertEquals(mapOf(PlanField.PLACE to "Too long: 120 characters at most."), rejected(blank.withPlace("x".repeat(121))).errors)
            assertEquals(mapOf(PlanField.NOTE to "Too long: 1000 characters at most."), rejected(blank.withNote("x".repeat(1001))).errors)
            // The steppers stay within 5 minutes and 10 hours; the core says so for anything else.
            assertEquals(mapOf(PlanField.DURATION to "Choose between 5 and 600."), rejected(blank.copy(durationMinutes = 601)).errors)
            assertTrue(v.api.upcomingContacts(null).isEmpty())

            // Sophie cannot plan: a sentence above the form, not under a field.
            v.asSophie()
            val refused = rejected(blank)
            assertEquals("Your account cannot do this.", refused.formError)
            assertTrue(refused.errors.isEmpty())
        }
    }

    /**
     * Marc plans a phone call two seconds ahead and waits for it to start: the bindings have no
     * clock to move and a contact cannot be planned in the past. It lasts 5 minutes, so it is
     * under way (recordable), not over. Returns its id.
     */
    private fun callUnderWay(v: Visit): String {
        val startsAt = System.currentTimeMillis() + 2_000
        val id = v.api.planContact(v.mentorshipId, ContactDetails(startsAt, 5u, ContactMode.PHONE, null, null)).id
        Thread.sleep(maxOf(0L, startsAt - System.currentTimeMillis()) + 200)
        return id
    }

    @Test
    fun aStartedContactIsRecordedFromItsRow() {
        visit { v ->
            val id = callUnderWay(v)
            val started = v.rows(en).rows.single()
            assertEquals(id, started.contactId)
            assertTrue(started.canRecord, "its mentor may record it once it has started")
            assertNull(started.recorded, "under way: not waiting to be recorded yet")
            assertTrue(started.canChange && started.canCancel)
            assertEquals("Cancel", started.cancelAction, "not over: cancelling it is still a cancellation")
            // Not over yet, so nothing waits to be recorded.
            assertEquals(listOf(), en.upcoming.toRecord(v.api.contactsToRecord(v.mentorshipId), System.currentTimeMillis()))

            // "Record check-in" opens the form filled in from the contact; saving it records it,
            // and the screens showing the rows hear it.
            val heard = Heard()
            v.api.setChangeObserver(heard)
            val form = CheckInForm.loadRecording(v.api, started.contactId).withWellbeing(WellbeingFace.GOOD)
            val saved = assertIs<Submission.Saved>(form.submit(v.api, en.errors)).recorded.checkin
            v.api.setChangeObserver(null)
            assertEquals(id, saved.plannedContactId)
            assertTrue("checkin" in heard.collections && "checkin" in UpcomingContactsPresenter.WATCHED, heard.collections.toString())

            val recorded = v.rows(en).rows.single()
            assertEquals("Recorded", recorded.recorded)
            assertFalse(recorded.canRecord, "recorded once")
            assertTrue(recorded.spoken.endsWith(". No answer yet. Recorded"), recorded.spoken)
            assertEquals("Noté", v.rows(fr).rows.single().recorded)

            // The same form saved again (opened twice): refused in its own sentence, nothing saved.
            val queued = v.api.outboxLen()
            assertEquals("This visit or call is already recorded.", assertIs<Submission.Rejected>(form.submit(v.api, en.errors)).form.formError)
            assertEquals("Cette visite ou cet appel est déjà noté.", assertIs<Submission.Rejected>(form.submit(v.api, fr.errors)).form.formError)
            assertEquals(queued, v.api.outboxLen())

            // Correcting the check-in keeps it recording the contact.
            val amend = CheckInForm.amend(v.api.checkin(saved.checkinId))
            assertEquals(id, amend.plannedContactId)
            assertIs<Submission.Saved>(amend.withDuration(20).withReason("A shorter call").submit(v.api, en.errors))
            assertEquals("Recorded", v.rows(en).rows.single().recorded)

            // Sophie sees the call, never whether it was recorded: the case notes are not hers.
            v.asSophie()
            val hers = v.rows(en).rows.single()
            assertNull(hers.recorded)
            assertFalse(hers.canRecord)
            assertFalse(hers.canCancel)
        }
    }

    @Test
    fun aContactOverIsWordedFromWhatTheCoreSays() {
        planned { v, now, _ ->
            val planned = v.api.upcomingContacts(null).single()
            // What the core says of it once it is over, unrecorded (the bindings have no clock
            // to move): no change, a cancel that says it did not take place, and record it.
            val waiting = planned.copy(over = true, canChange = false, canCancel = true, canRecord = true, checkinId = null)
            val row = en.upcoming.row(waiting, now)
            assertEquals("Not recorded yet", row.recorded)
            assertFalse(row.canChange)
            assertTrue(row.canCancel && row.canRecord)
            assertEquals("Did not take place", row.cancelAction)
            assertEquals("Yes, it did not take place", row.cancelConfirm)
            assertTrue(row.spoken.endsWith(". No answer yet. Not recorded yet"), row.spoken)
            val french = fr.upcoming.row(waiting, now)
            assertEquals(listOf("Pas encore noté", "N'a pas eu lieu", "Oui, il n'a pas eu lieu"), listOf(french.recorded, french.cancelAction, french.cancelConfirm))
            // The rows of contactsToRecord() read the same, and none means no section at all.
            assertEquals(listOf(row), en.upcoming.toRecord(listOf(waiting), now))
            assertEquals(listOf(), en.upcoming.toRecord(listOf(), now))

            // The coordinator's phone: the same words, without "Record check-in" (the mentor's).
            val coordinators = en.upcoming.row(waiting.copy(canRecord = false), now)
            assertEquals(listOf("Not recorded yet", "Did not take place"), listOf(coordinators.recorded, coordinators.cancelAction))
            assertFalse(coordinators.canRecord)

            // Recorded: said so, and nothing left to do.
            val done = en.upcoming.row(waiting.copy(canCancel = false, canRecord = false, checkinId = planned.contact.id), now)
            assertEquals("Recorded", done.recorded)
            assertFalse(done.canCancel || done.canRecord || done.canChange)

            // Cancelled, it waits for nothing; and the visited side is never told either way.
            val cancelled = planned.copy(contact = planned.contact.copy(cancelledAt = now), canChange = false, canCancel = false)
            assertNull(en.upcoming.row(cancelled, now).recorded)
            val visited = waiting.copy(plannerSide = false, canCancel = false, canRecord = false)
            assertNull(en.upcoming.row(visited, now).recorded)
            assertEquals("Cancel", en.upcoming.row(visited, now).cancelAction)
        }
    }

    @Test
    fun theStepsStayWithinTheDayAndTheAllowedLength() {
        val form = PlanContactForm.new("m", 0L)
        assertEquals(listOf(1, 10 * 60, 60), listOf(form.daysAhead, form.minuteOfDay, form.durationMinutes))
        assertEquals(0, form.withMinuteOfDay(30).earlierHour().minuteOfDay)
        assertEquals(23 * 60 + 45, form.withMinuteOfDay(23 * 60 + 45).laterQuarter().minuteOfDay)
        assertEquals(10 * 60 + 15, form.laterQuarter().minuteOfDay)
        assertEquals(5, form.withDuration(15).shorter().durationMinutes)
        assertEquals(20, form.withDuration(5).longer().durationMinutes)
        assertEquals(600, form.withDuration(600).longer().durationMinutes)
        assertEquals(listOf(0, 1, 2, 3, 7), form.dayChoices)
        // A contact moved to 12 days ahead keeps its own day among the chips.
        assertEquals(listOf(0, 1, 2, 3, 7, 12), form.withDaysAhead(12).dayChoices)
        assertNull(form.withPlace("  ").toDetails(en.time).place, "a blank place is no place")
    }

    @Test
    fun nothingPlannedIsSaidInWords() {
        visit { v ->
            assertEquals(Upcoming(listOf(), "No visit or call planned yet."), v.rows(en))
            assertEquals(Upcoming(listOf(), "Pas encore de visite ni d'appel prévu."), v.rows(fr))
        }
    }

    @Test
    fun theChangeBusHearsPlannedContacts() {
        visit { v ->
            val heard = Heard()
            v.api.setChangeObserver(heard)
            plan(v, System.currentTimeMillis())
            assertTrue("planned_contact" in heard.collections, heard.collections.toString())
            assertTrue(heard.collections.any { it in UpcomingContactsPresenter.WATCHED })

            heard.collections.clear()
            v.asSophie()
            assertNull(en.upcoming.reply(v.api, v.rows(en).rows.single().contactId, ContactReply.ACCEPTED))
            v.api.setChangeObserver(null)
            assertTrue("planned_contact" in heard.collections, "an answer reloads the screens: ${heard.collections}")
        }
    }

    @Test
    fun theCoordinatorsPhoneIsOnThePlannerSide() {
        planned { v, now, _ ->
            v.asClaire()
            val hers = v.rows(en, now).rows.single()
            assertEquals("Home visit with Sophie", hers.title, "the coordinator reads the mentor's side")
            assertEquals("No answer yet", hers.answer)
            assertTrue(hers.canChange)
            assertTrue(hers.canCancel)
            assertFalse(hers.canAnswer)
            assertFalse(hers.canRecord, "only its mentor records a contact")
            // And she may indeed move it: through the form, loaded by its id.
            val moved = PlanContactForm.loadChange(v.api, hers.contactId, en.time, now).withDaysAhead(3)
            assertIs<PlanSubmission.Saved>(moved.submit(v.api, en.time, en.errors))
            assertEquals("in 3 days", v.rows(en, now).rows.single().relative)
        }
    }

    @Test
    fun aCaregiversAnswerIsNamedAfterHimOnTheSurvivorsPhone() {
        visit { v ->
            val paul = v.paul()
            val now = System.currentTimeMillis()
            plan(v, now)

            v.api.setDeviceOwner(paul.id)
            val his = v.rows(en, now).rows.single()
            assertEquals("Home visit with Marc", his.title, "a caregiver reads the visited side")
            assertNull(his.answer)
            assertTrue(his.canAnswer)
            assertFalse(his.canChange)
            assertNull(en.upcoming.reply(v.api, his.contactId, ContactReply.ACCEPTED))
            assertEquals("You said you'll be there", v.rows(en, now).rows.single().answer)

            v.asSophie()
            val hers = v.rows(en, now).rows.single()
            assertEquals("Paul will be there", hers.answer, "not 'You': Sophie did not answer")
            assertEquals("Paul sera là", v.rows(fr, now).rows.single().answer)
            assertTrue(hers.canAnswer, "she may still answer otherwise")
            assertTrue(hers.spoken.endsWith(". Paul will be there"), hers.spoken)
            v.asMarc()
            assertEquals("Paul will be there", v.rows(en, now).rows.single().answer)

            // She asks for another time herself: her phone says "You", Paul's names her.
            v.asSophie()
            assertNull(en.upcoming.reply(v.api, hers.contactId, ContactReply.DECLINED))
            assertEquals("You asked for another time", v.rows(en, now).rows.single().answer)
            v.api.setDeviceOwner(paul.id)
            assertEquals("Sophie asked for another time", v.rows(en, now).rows.single().answer)
            assertEquals("Sophie a demandé un autre moment", v.rows(fr, now).rows.single().answer)

            // A screen without the owner's id names everyone, the owner too.
            val unnamed = en.upcoming.list(v.api.upcomingContacts(null), now).rows.single()
            assertEquals("Sophie asked for another time", unnamed.answer)
            // And should the core have no name for whoever answered, the answer stands alone.
            val nameless = v.api.plannedContact(hers.contactId).copy(repliedByName = null)
            assertEquals("Answer: another time", en.upcoming.row(nameless, now).answer)
            assertEquals("Réponse : un autre moment", fr.upcoming.row(nameless, now).answer)
        }
    }

    @Test
    fun oneContactIsReadByItsIdAsTheOwnerSeesIt() {
        planned { v, now, _ ->
            val id = v.api.upcomingContacts(null).single().contact.id
            assertEquals(v.api.upcomingContacts(null).single(), v.api.plannedContact(id))
            assertTrue(v.api.plannedContact(id).plannerSide)
            v.asSophie()
            assertFalse(v.api.plannedContact(id).plannerSide)

            // An id that names nothing: the form does not open, and says so.
            val missing = "01890000-0000-7000-8000-000000000000"
            val error = runCatching { PlanContactForm.loadChange(v.api, missing, en.time, now) }.exceptionOrNull()
            assertIs<PasserelleException.NotFound>(error)
            assertEquals("This is no longer on this phone.", en.errors.sentence(error))
        }
    }

    @Test
    fun daysAndLengthsInWords() {
        fun at(year: Int, month: Int, day: Int, hour: Int, minute: Int = 0) =
            ZonedDateTime.of(year, month, day, hour, minute, 0, 0, paris).toInstant().toEpochMilli()
        val now = at(2024, 11, 30, 9)
        assertEquals("mardi 3 décembre à 14:00", fr.time.dayAndTime(at(2024, 12, 3, 14), now))
        assertTrue(en.time.dayAndTime(at(2024, 12, 3, 14), now).startsWith("Tuesday 3 December at "))
        // Another year carries it.
        assertEquals("mardi 7 janvier 2025 à 09:30", fr.time.dayAndTime(at(2025, 1, 7, 9, 30), now))
        // The phone's calendar and clock: 14:30 in Paris, two days on.
        assertEquals(at(2024, 12, 2, 14, 30), fr.time.atDayAndMinute(now, 2, 14 * 60 + 30))
        assertEquals(14 * 60 + 30, fr.time.minuteOfDay(at(2024, 12, 2, 14, 30)))
        // Across the change to summer time, 10:00 stays 10:00 on the wall clock.
        assertEquals(at(2025, 3, 31, 10), fr.time.atDayAndMinute(at(2025, 3, 29, 20), 2, 10 * 60))

        assertEquals("30 minutes", en.labels.length(30))
        assertEquals("1 hour", en.labels.length(60))
        assertEquals("2 hours", en.labels.length(120))
        assertEquals("1 hour and 30 minutes", en.labels.length(90))
        assertEquals("1 heure et 15 minutes", fr.labels.length(75))
        assertEquals("10 heures", fr.labels.length(600))
        assertNotNull(ResourceStrings.french.plural(Plural.DURATION_HOURS, 1_000_000))
    }
}
