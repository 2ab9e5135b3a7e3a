// Tests of the generated Kotlin bindings on the JVM: the Passerelle object, the core's records
// and enums, and the typed exceptions, called from Kotlin as the Android app calls them.
// Run with bindings/scripts/test-kotlin.sh (it loads libpasserelle.so through JNA).
package app.passerelle

import app.passerelle.core.ConcernCategory
import app.passerelle.core.ContactDetails
import app.passerelle.core.ContactMode
import app.passerelle.core.ContactReply
import app.passerelle.core.Dimension
import app.passerelle.core.FollowUp
import app.passerelle.core.MessageStatus
import app.passerelle.core.MentorProfile
import app.passerelle.core.NewConcern
import app.passerelle.core.NewMentorship
import app.passerelle.core.NewPerson
import app.passerelle.core.NewSupervision
import app.passerelle.core.NewTraining
import app.passerelle.core.NewVoiceNote
import app.passerelle.core.Profile
import app.passerelle.core.Role
import app.passerelle.core.SupervisionFormat
import app.passerelle.core.SurvivorProfile
import app.passerelle.core.TimelineEntry
import app.passerelle.core.Urgency
import app.passerelle.core.VoiceMediaType
import app.passerelle.core.VoiceNote
import java.io.File
import java.security.SecureRandom
import java.util.Collections
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class PasserelleTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private fun randomKey(): ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }

    private fun dbPath(): String = File(tmp.root, "passerelle.db").absolutePath

    @Test
    fun programmeFromEnrolmentToReport() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            assertEquals(36, api.deviceId().length)
            val p = enrolProgramme(api)
            val now = System.currentTimeMillis()

            // The mentor records, amends, and raises an urgent concern.
            assertEquals(p.mentor.id, api.setDeviceOwner(p.mentor.id).id)
            val first = api.recordCheckin(checkIn(p.mentorshipId, now - 3 * HOUR))
            assertNull(first.escalation)
            assertEquals(1u, first.checkin.version)
            val amended = api.amendCheckin(
                first.checkin.checkinId,
                checkIn(p.mentorshipId, now - 3 * HOUR).copy(
                    durationMinutes = 45u,
                    wellbeing = 4u,
                    followUp = FollowUp(action = "Send the adapted-sport leaflet", dueAt = now + 2 * DAY),
                ),
                "duration was wrong",
            )
            assertEquals(2u, amended.checkin.version)
            val history = api.checkinHistory(first.checkin.checkinId)
            assertEquals(listOf(1u, 2u), history.map { it.version })
            assertEquals(listOf(30u, 45u), history.map { it.durationMinutes })
            val worried = api.recordCheckin(
                checkIn(p.mentorshipId, now - HOUR).copy(
                    wellbeing = 2u,
                    concern = NewConcern(
                        category = ConcernCategory.MOOD,
                        urgency = Urgency.URGENT,
                        summary = "Says she no longer sees the point of her exercises.",
                    ),
                ),
            )
            val raised = assertNotNull(worried.escalation)
            assertEquals(p.coordinator.id, raised.assignedTo)

            // The mentor's home screen.
            val caseload = api.caseload()
            assertEquals(1, caseload.size)
            val mentee = caseload[0]
            assertEquals("Sophie", mentee.survivorName)
            assertEquals(p.survivor.id, mentee.survivorId)
            assertEquals(2u, mentee.contactsDone)
            assertEquals(6u, mentee.plannedContacts)
            assertEquals(1u, mentee.openConcerns)
            assertEquals(Urgency.URGENT, mentee.mostUrgentConcern)
            assertEquals(now + 2 * DAY, mentee.nextFollowUpDue)
            assertEquals(now - HOUR, mentee.lastContactAt)

            // "Download my data": what this phone holds about Marc — his check-ins and profile,
            // not Sophie's profile, which it holds for his work with her.
            val mine = api.exportMyData()
            assertTrue(mine.startsWith("{\"person_id\":\"${p.mentor.id}\""), mine.take(80))
            assertTrue(first.checkin.id in mine)
            assertTrue("\"collection\":\"mentor_profile\"" in mine)
            assertFalse("\"collection\":\"survivor_profile\"" in mine, "Sophie's profile is hers")

            // The coordinator acknowledges the escalation and reads the report.
            api.setDeviceOwner(p.coordinator.id)
            val open = api.openEscalations()
            assertEquals(1, open.size)
            assertEquals("Marc", open[0].mentorName)
            assertEquals("Sophie", open[0].survivorName)
            assertEquals(Urgency.URGENT, open[0].escalation.urgency)
            val acknowledged = api.acknowledgeEscalation(open[0].escalation.id, "Calling her GP today")
            assertNotNull(acknowledged.acknowledgedAt)
            assertEquals(p.coordinator.id, acknowledged.acknowledgedBy)

            val report = api.programmeReport(now - 7 * DAY, now + HOUR)
            assertEquals(2u, report.contacts)
            assertEquals(0u, report.unansweredAttempts)
            assertEquals(75u, report.contactMinutes)
            assertEquals(3.0, report.meanWellbeing)
            assertEquals(1u, report.escalationsRaised)
            assertEquals(0u, report.escalationsResolved)
            assertEquals(1u, report.escalationsOpen)
            assertEquals(0u, report.overdueFollowUps)
            assertEquals(2u, report.byDimension.single { it.dimension == Dimension.EMOTIONAL }.contacts)
            assertEquals(2u, report.byMode.single { it.mode == ContactMode.PHONE }.checkins)
            assertEquals(1, report.doses.size)
            assertEquals(2u, report.doses[0].deliveredContacts)
            assertEquals("Marc", report.doses[0].mentorName)

            // One call for the whole timeline, with the amended check-in's version count.
            val timeline = api.mentorshipTimeline(p.mentorshipId)
            val checkIns = timeline.filterIsInstance<TimelineEntry.CheckIn>()
            assertEquals(2, checkIns.size)
            assertEquals(2u, checkIns.single { it.checkin.checkinId == first.checkin.checkinId }.versions)
            assertEquals(1, timeline.filterIsInstance<TimelineEntry.Escalation>().size)

            api.checkIntegrity()
        }
    }

    @Test
    fun badInputThrowsTypedExceptionsAndChangesNothing() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            val p = enrolProgramme(api)
            val before = api.outboxLen()
            assertTrue(before > 0u)

            val empty = assertFailsWith<PasserelleException.InvalidInput> {
                api.createPerson(NewPerson(role = Role.MENTOR, displayName = "   "))
            }
            assertEquals("display_name", empty.field)
            assertEquals("must not be empty", empty.problem)

            api.setDeviceOwner(p.mentor.id)
            val wellbeing = assertFailsWith<PasserelleException.InvalidInput> {
                api.recordCheckin(checkIn(p.mentorshipId, System.currentTimeMillis()).copy(wellbeing = 9u))
            }
            assertEquals("wellbeing", wellbeing.field)
            assertEquals("outside 1..=5", wellbeing.problem)
            assertEquals("invalid wellbeing: outside 1..=5", wellbeing.toString())

            // Every error is a PasserelleException, so one catch covers them all.
            val notAllowed = assertFailsWith<PasserelleException> {
                api.proposeMentorship(NewMentorship(p.survivor.id, p.mentor.id, 6u, 12u, null))
            }
            assertTrue(notAllowed is PasserelleException.NotAllowed)
            assertFailsWith<PasserelleException.InvalidInput> { api.mentorship("not an id") }

            assertEquals(before, api.outboxLen())
        }
    }

    @Test
    fun matchingASurvivorWithAMentorAndTheMentorRoster() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            val p = enrolProgramme(api) // Marc: fr, en; 3 places; mentors Sophie
            val ines = api.createPerson(NewPerson(role = Role.MENTOR, displayName = "Inès"))
            api.saveProfile(Profile.Mentor(MentorProfile(ines.id, listOf("ar", "fr"), 1u, null)))
            val ahmed = api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = "Ahmed"))
            api.saveProfile(
                Profile.Survivor(
                    SurvivorProfile(ahmed.id, listOf("ar"), listOf(), null, null, null, listOf()),
                ),
            )

            // Ahmed waits (no consent yet); Sophie, mentored by Marc, does not.
            val waiting = api.survivorsAwaitingMentor()
            assertEquals(listOf("Ahmed"), waiting.map { it.displayName })
            assertFalse(waiting[0].consentToTakePart)

            val found = api.mentorMatches(ahmed.id)
            assertEquals("Ahmed", found.survivorName)
            assertFalse(found.consentToTakePart)
            assertEquals(listOf("Inès", "Marc"), found.candidates.map { it.displayName })
            assertEquals(listOf("ar"), found.candidates[0].sharedLanguages)
            val marc = found.candidates[1]
            assertEquals(listOf(3u, 1u, 2u), listOf(marc.capacity, marc.mentees, marc.freePlaces))
            assertTrue(marc.available)

            // Proposed to Inès: her one place is spoken for, and Marc comes first.
            api.proposeMentorship(NewMentorship(ahmed.id, ines.id, 6u, 12u, "both speak Arabic"))
            val after = api.mentorMatches(ahmed.id)
            assertEquals(listOf("Marc", "Inès"), after.candidates.map { it.displayName })
            assertTrue(after.candidates[1].alreadyMatched)
            assertEquals(0u, after.candidates[1].freePlaces)
            assertTrue(api.survivorsAwaitingMentor().isEmpty(), "proposed: no longer waiting")

            // The supervisor's roster: Marc and Inès, neither trained nor supervised yet; then
            // Inès's course and a session with Marc put her last and him first.
            assertEquals(listOf("Inès", "Marc"), api.mentorRoster().map { it.displayName })
            val now = System.currentTimeMillis()
            api.recordTraining(NewTraining(ines.id, "Peer mentor core training", now - DAY, now + 300 * DAY, null))
            api.recordSupervision(NewSupervision(p.mentor.id, now - HOUR, SupervisionFormat.INDIVIDUAL, 45u, null))
            val roster = api.mentorRoster()
            assertEquals(listOf("Marc", "Inès"), roster.map { it.displayName })
            assertEquals(now + 300 * DAY, roster[1].trainingValidUntil)
            assertEquals(1u, roster[1].proposed)

            assertFailsWith<PasserelleException.InvalidInput> { api.mentorMatches(p.mentor.id) }
            api.setDeviceOwner(p.mentor.id)
            assertFailsWith<PasserelleException.NotAllowed> { api.mentorMatches(ahmed.id) }
        }
    }

    @Test
    fun aPlannedContactIsAnsweredAndMovingItAsksAgain() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            val p = enrolProgramme(api)
            api.setDeviceOwner(p.mentor.id)
            val thursday = System.currentTimeMillis() + 3 * DAY
            val visit = ContactDetails(thursday, 60u, ContactMode.HOME_VISIT, "At home", null)
            val planned = api.planContact(p.mentorshipId, visit)
            assertEquals(p.mentor.id, planned.plannedBy)
            assertNull(planned.reply)
            assertEquals(thursday, api.caseload().single().nextContactAt)

            // Sophie sees Marc's visit and will be there.
            api.setDeviceOwner(p.survivor.id)
            val mine = api.upcomingContacts(null)
            assertEquals(listOf("Marc"), mine.map { it.mentorName })
            assertEquals(thursday, mine[0].contact.startsAt)
            assertTrue(mine[0].canAnswer && !mine[0].canChange && !mine[0].plannerSide)
            val answered = api.replyToPlannedContact(planned.id, ContactReply.ACCEPTED)
            assertEquals(ContactReply.ACCEPTED, answered.reply)
            assertEquals(p.survivor.id, answered.repliedBy)
            assertEquals("Sophie", api.plannedContact(planned.id).repliedByName)
            assertFailsWith<PasserelleException.NotAllowed> { api.cancelPlannedContact(planned.id) }

            // Moved an hour later: a new time, no answer yet; then cancelled.
            api.setDeviceOwner(p.mentor.id)
            val mentorSees = api.plannedContact(planned.id)
            assertTrue(mentorSees.plannerSide && mentorSees.canChange && !mentorSees.canAnswer)
            val moved = api.changePlannedContact(planned.id, visit.copy(startsAt = thursday + HOUR))
            assertNull(moved.reply)
            assertEquals(listOf(thursday + HOUR), api.upcomingContacts(p.mentorshipId).map { it.contact.startsAt })
            assertNotNull(api.cancelPlannedContact(planned.id).cancelledAt)

            // A time already past, and a duration out of range: typed errors, nothing saved.
            val queued = api.outboxLen()
            val past = assertFailsWith<PasserelleException.InvalidInput> {
                api.planContact(p.mentorshipId, visit.copy(startsAt = System.currentTimeMillis() - HOUR))
            }
            assertEquals("starts_at", past.field)
            assertEquals("already past", past.problem)
            assertFailsWith<PasserelleException.InvalidInput> {
                api.planContact(p.mentorshipId, visit.copy(durationMinutes = 2u))
            }
            assertEquals(queued, api.outboxLen())
        }
    }

    @Test
    fun aStartedPlannedContactIsRecordedByOneCheckIn() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            val p = enrolProgramme(api)
            api.setDeviceOwner(p.mentor.id)
            // The bindings have no clock to move and a contact cannot be planned in the past: a
            // call planned two seconds ahead has started once we wait, and lasts well beyond.
            val startsAt = System.currentTimeMillis() + 2_000
            val call = api.planContact(p.mentorshipId, ContactDetails(startsAt, 5u, ContactMode.PHONE, null, null))
            val recording = checkIn(p.mentorshipId, startsAt).copy(plannedContactId = call.id)
            assertNull(checkIn(p.mentorshipId, startsAt).plannedContactId, "a check-in records no contact unless it names one")

            // Not started yet: nothing to record, and a check-in naming it is refused.
            assertFalse(api.plannedContact(call.id).canRecord)
            val early = assertFailsWith<PasserelleException.InvalidState> { api.recordCheckin(recording) }
            assertEquals("the contact has not started", early.reason)

            Thread.sleep(maxOf(0L, startsAt - System.currentTimeMillis()) + 200)
            val started = api.plannedContact(call.id)
            assertTrue(started.canRecord, "started, not cancelled, not recorded")
            assertNull(started.checkinId)
            assertTrue(started.canChange && started.canCancel, "not over: it may still be moved or cancelled")
            // Started but not over: not yet waiting to be recorded.
            assertTrue(api.contactsToRecord(null).isEmpty())
            assertTrue(api.contactsToRecord(p.mentorshipId).isEmpty())
            assertEquals(0u, api.caseload()[0].contactsToRecord)

            val recorded = api.recordCheckin(recording).checkin
            assertEquals(call.id, recorded.plannedContactId)
            assertEquals(call.id, api.checkin(recorded.checkinId).plannedContactId)
            val after = api.plannedContact(call.id)
            assertEquals(recorded.checkinId, after.checkinId)
            assertFalse(after.canRecord, "recorded once")
            assertEquals(listOf(recorded.checkinId), api.upcomingContacts(p.mentorshipId).map { it.checkinId })

            // A second check-in naming it: the typed error, nothing saved.
            val queued = api.outboxLen()
            val twice = assertFailsWith<PasserelleException.InvalidState> { api.recordCheckin(recording) }
            assertEquals("the contact is already recorded", twice.reason)
            assertEquals(queued, api.outboxLen())

            // Correcting the check-in that records it keeps recording it.
            val amended = api.amendCheckin(recorded.checkinId, recording.copy(durationMinutes = 20u), "shorter call").checkin
            assertEquals(call.id, amended.plannedContactId)
            assertEquals(recorded.checkinId, api.plannedContact(call.id).checkinId)

            // Only its mentor records it: not the coordinator, who plans too, nor the survivor.
            api.setDeviceOwner(p.coordinator.id)
            assertFalse(api.plannedContact(call.id).canRecord)
            assertTrue(api.contactsToRecord(null).isEmpty(), "recorded, so nothing waits, for the coordinator either")
            // The programme report says what came of it: planned, and held.
            val outcomes = api.programmeReport(startsAt - HOUR, startsAt + HOUR).plannedContacts
            assertEquals(listOf(1u, 1u, 0u), listOf(outcomes.planned, outcomes.held, outcomes.waitingToBeRecorded))
            api.setDeviceOwner(p.survivor.id)
            assertFalse(api.plannedContact(call.id).canRecord)
            assertFalse(api.plannedContact(call.id).canCancel)
            assertTrue(api.contactsToRecord(null).isEmpty())
        }
    }

    @Test
    fun wipingThePhoneRefusesUnsentChangesThenKeepsNothingPersonal() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            val p = enrolProgramme(api)
            val unsent = api.outboxLen()
            assertTrue(unsent > 0u)

            // Changes not yet sent: refused with their count, nothing removed.
            val refused = assertFailsWith<PasserelleException.UnsentChanges> { api.wipeDeviceData(false) }
            assertEquals(unsent, refused.count)
            assertEquals(unsent, api.outboxLen())
            assertEquals("Marc", api.person(p.mentor.id).displayName)

            // The person agreed to lose them: everything personal goes, the phone is a new one.
            val device = api.deviceId()
            val wiped = api.wipeDeviceData(true)
            assertEquals(unsent, wiped.unsentDiscarded)
            assertTrue(wiped.recordsRemoved > 0u)
            assertFalse(wiped.signedOut, "never enrolled with a server")
            assertNull(api.deviceOwner())
            assertTrue(api.people(null).isEmpty())
            assertEquals(0u, api.outboxLen())
            assertTrue(device != api.deviceId())

            // The app's part: a new key, the old one destroyed.
            api.rekey(randomKey())
            api.checkIntegrity()
        }
    }

    @Test
    fun wrongKeyOnReopenThrowsWrongKey() {
        val path = dbPath()
        val key = randomKey()
        val device = Passerelle.open(path, key).use { it.deviceId() }

        val wrong = assertFailsWith<PasserelleException.WrongKey> { Passerelle.open(path, randomKey()) }
        assertEquals("the key does not open this database", wrong.toString())
        val short = assertFailsWith<PasserelleException.InvalidInput> { Passerelle.open(path, ByteArray(16)) }
        assertEquals("key", short.field)

        // The right key still opens the same, untouched database.
        Passerelle.open(path, key).use { assertEquals(device, it.deviceId()) }
    }
    /** Records what it is told, as a screen would; the bindings call it from Rust through JNA. */
    private class Recorder : ChangeObserver {
        val told: MutableList<List<String>> = Collections.synchronizedList(mutableListOf())

        override fun onChange(collections: List<String>) {
            told.add(collections)
        }
    }

    @Test
    fun messagesAndChangeObservers() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            val p = enrolProgramme(api)
            val recorder = Recorder()
            api.setChangeObserver(recorder)

            api.setDeviceOwner(p.mentor.id)
            val sent = api.sendMessage(p.mentorshipId, "See you Thursday?")
            assertTrue(sent.mine)
            assertTrue(recorder.told.flatten().contains("message"), recorder.told.toString())

            api.setDeviceOwner(p.survivor.id)
            assertEquals(listOf(1u), api.unreadCounts().map { it.unread })
            val conversation = api.conversation(p.mentorshipId, 50u)
            assertEquals(listOf("See you Thursday?"), conversation.messages.map { it.body })
            assertEquals(setOf(p.mentor.id, p.survivor.id), conversation.members.map { it.id }.toSet())
            api.markConversationRead(p.mentorshipId)
            assertEquals(0u, api.unreadCounts().sumOf { it.unread })

            // An observer that throws must not turn a saved message into an error.
            api.setChangeObserver(object : ChangeObserver {
                override fun onChange(collections: List<String>) = throw IllegalStateException("screen gone")
            })
            api.sendMessage(p.mentorshipId, "Yes, at ten.")
            api.setChangeObserver(null)
            assertEquals(2, api.conversation(p.mentorshipId, 50u).messages.size)
        }
    }

    @Test
    fun aVoiceNoteIsKeptAndPlayedBackAndBadAudioIsRefused() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            val p = enrolProgramme(api)
            api.setDeviceOwner(p.survivor.id)
            val audio = fakeM4a(4096)

            // Sophie speaks rather than types: saved at once, waiting for the next sync.
            val sent = api.sendVoiceNote(p.mentorshipId, NewVoiceNote(VoiceMediaType.MP4, 42_000u, audio))
            assertTrue(sent.mine)
            assertEquals("", sent.body, "no caption")
            assertEquals(MessageStatus.PENDING, sent.status)
            val voice = VoiceNote(available = true, durationMs = 42_000u, mediaType = VoiceMediaType.MP4)
            assertEquals(voice, sent.voice)

            val shown = api.conversation(p.mentorshipId, 50u).messages.single()
            assertEquals(sent.id, shown.id)
            assertEquals(MessageStatus.PENDING, shown.status)
            assertEquals(voice, shown.voice)

            // The exact bytes come back to play.
            val played = api.voiceNoteAudio(sent.id)
            assertEquals(sent.id, played.messageId)
            assertEquals(VoiceMediaType.MP4, played.mediaType)
            assertEquals(42_000u, played.durationMs)
            assertContentEquals(audio, played.audio)

            // A caption is the message's body; a written message carries no voice and no audio.
            val captioned = api.sendVoiceNote(
                p.mentorshipId,
                NewVoiceNote(VoiceMediaType.MP4, 1_500u, fakeM4a(), caption = "Pour jeudi"),
            )
            assertEquals("Pour jeudi", captioned.body)
            val written = api.sendMessage(p.mentorshipId, "À jeudi")
            assertNull(written.voice)
            assertFailsWith<PasserelleException.NotFound> { api.voiceNoteAudio(written.id) }
            // Fetching looks on the phone first: a note it holds plays without any server (this
            // phone was never enrolled), a written message is no voice note. SyncTest fetches
            // what is not here yet on an enrolled phone.
            assertContentEquals(audio, api.fetchVoiceNote(sent.id).audio)
            assertFailsWith<PasserelleException.NotFound> { api.fetchVoiceNote(written.id) }

            // Marc, on the same phone, has both notes to play.
            api.setDeviceOwner(p.mentor.id)
            val heard = api.conversation(p.mentorshipId, 50u).messages
            assertEquals(listOf(sent.id, captioned.id, written.id), heard.map { it.id })
            assertEquals(listOf(voice, voice.copy(durationMs = 1_500u), null), heard.map { it.voice })
            assertEquals(MessageStatus.UNREAD, heard[0].status)
            assertContentEquals(audio, api.voiceNoteAudio(sent.id).audio)

            // Bad input: a typed error naming the field and the rule, and nothing saved.
            val before = api.conversation(p.mentorshipId, 50u)
            val queued = api.outboxLen()
            fun refused(note: NewVoiceNote) =
                assertFailsWith<PasserelleException.InvalidInput> { api.sendVoiceNote(p.mentorshipId, note) }
                    .let { it.field to it.problem }
            assertEquals(
                "audio" to "outside 1..=1048576",
                refused(NewVoiceNote(VoiceMediaType.MP4, 42_000u, ByteArray(0))),
            )
            // Ogg's first bytes where the type says MP4, and an MP4 said to be Ogg.
            val ogg = "OggS".toByteArray(Charsets.US_ASCII) + ByteArray(64)
            assertEquals("audio" to "malformed", refused(NewVoiceNote(VoiceMediaType.MP4, 42_000u, ogg)))
            assertEquals("audio" to "malformed", refused(NewVoiceNote(VoiceMediaType.OGG, 42_000u, audio)))
            assertEquals("duration_ms" to "outside 1..=300000", refused(NewVoiceNote(VoiceMediaType.MP4, 0u, audio)))
            assertEquals(
                "duration_ms" to "outside 1..=300000",
                refused(NewVoiceNote(VoiceMediaType.MP4, 300_001u, audio)),
            )
            assertEquals(
                "audio" to "outside 1..=1048576",
                refused(NewVoiceNote(VoiceMediaType.MP4, 42_000u, fakeM4a(1_048_576 - 12 + 1))),
            )
            assertEquals(
                "caption" to "longer than 2000 characters",
                refused(NewVoiceNote(VoiceMediaType.MP4, 42_000u, audio, caption = "a".repeat(2001))),
            )
            // The coordinator does not take part in the conversation.
            api.setDeviceOwner(p.coordinator.id)
            assertFailsWith<PasserelleException.NotAllowed> {
                api.sendVoiceNote(p.mentorshipId, NewVoiceNote(VoiceMediaType.MP4, 42_000u, audio))
            }
            assertFailsWith<PasserelleException.NotAllowed> { api.voiceNoteAudio(sent.id) }

            api.setDeviceOwner(p.mentor.id)
            assertEquals(before, api.conversation(p.mentorshipId, 50u))
            assertEquals(queued, api.outboxLen())
        }
    }

    @Test
    fun syncWithoutServerThrowsTypedExceptions() {
        Passerelle.open(dbPath(), randomKey()).use { api ->
            assertNull(api.syncServerUrl())
            assertFailsWith<PasserelleException.NotEnrolled> { api.sync(null) }
            // Nothing listens on the discard port: the connection is refused at once.
            assertFailsWith<PasserelleException.Offline> { api.enrol("http://127.0.0.1:9", "ABCD-1234") }
            assertFalse(api.syncIssues().isNotEmpty())
        }
    }
}
