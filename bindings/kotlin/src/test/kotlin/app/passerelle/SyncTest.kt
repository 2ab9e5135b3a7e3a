// Sync through the Kotlin bindings against a real server the test starts: two phones enrol with
// one-time codes, a survivor's message written offline reaches her mentor, and the "read"
// receipt comes back; progress and change observers are told along the way. A voice note spoken
// offline reaches him with its audio, byte for byte; on mobile data his syncs leave sounds out,
// and a note is fetched when he plays it (not before its sender uploaded it, nor offline). The
// first visit the demo plans reaches Sophie, and her answer reaches Marc. A wiped phone is signed
// out on the server and can be enrolled by someone else.
package app.passerelle

import app.passerelle.core.ContactReply
import app.passerelle.core.MessageStatus
import app.passerelle.core.NewVoiceNote
import app.passerelle.core.SyncProgress
import app.passerelle.core.SyncStage
import app.passerelle.core.SyncSummary
import app.passerelle.core.VoiceMediaType
import app.passerelle.core.VoiceNote
import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.security.SecureRandom
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.After
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class SyncTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private lateinit var server: Process
    private lateinit var url: String
    private val codes = mutableMapOf<String, String>()

    /** Starts `passerelle-server serve --seed-demo` on a free port and reads its codes and address. */
    @Before
    fun startServer() {
        val binary = System.getProperty("passerelle.server")
            ?: error("run through bindings/scripts/test-kotlin.sh: -Dpasserelle.server is not set")
        server = ProcessBuilder(
            binary, "serve", "--seed-demo", "--listen", "127.0.0.1:0",
            "--db", File(tmp.root, "server.db").absolutePath,
        ).redirectError(ProcessBuilder.Redirect.DISCARD).start()
        val out = BufferedReader(InputStreamReader(server.inputStream))
        val code = Regex("""^\s+\S+\s+(\S+)\s+([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$""")
        while (true) {
            val line = out.readLine() ?: error("the server stopped before listening")
            code.find(line)?.let { codes[it.groupValues[1]] = it.groupValues[2] }
            if (line.startsWith("Passerelle sync server on ")) {
                url = line.removePrefix("Passerelle sync server on ").substringBefore(" ")
                break
            }
        }
        // Drains the rest; the stream closes under it when the server is stopped.
        Thread { runCatching { out.lineSequence().forEach { } } }.apply { isDaemon = true }.start()
    }

    @After
    fun stopServer() {
        server.destroy()
        server.waitFor(5, TimeUnit.SECONDS)
    }

    private fun phone(name: String): Passerelle {
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        val api = Passerelle.open(File(tmp.root, "$name.db").absolutePath, key)
        val me = api.enrol(url, codes.getValue(name))
        assertEquals(name, me.displayName)
        return api
    }

    @Test
    fun aMessageWrittenOfflineIsDeliveredAndRead() {
        phone("Sophie").use { sophie ->
            phone("Marc").use { marc ->
                val stages = Collections.synchronizedList(mutableListOf<SyncStage>())
                val progress = object : SyncProgressObserver {
                    override fun onProgress(progress: SyncProgress) {
                        stages.add(progress.stage)
                    }
                }
                val first = sophie.sync(progress)
                assertTrue(first.pulled > 0u, "the first sync brings Sophie's mentorship")
                assertTrue(SyncStage.PULLING in stages)
                marc.sync(null)

                val mentorship = sophie.myMentorships().single().id
                val changed = Collections.synchronizedList(mutableListOf<List<String>>())
                marc.setChangeObserver(object : ChangeObserver {
                    override fun onChange(collections: List<String>) {
                        changed.add(collections)
                    }
                })

                // On the bus, offline: queued, shown as pending.
                val sent = sophie.sendMessage(mentorship, "Bonjour Marc, à jeudi ?")
                assertEquals(MessageStatus.PENDING, sent.status)
                assertEquals(2uL, sophie.outboxLen(), "the message and Sophie's own read mark")
                val pushed = sophie.sync(null)
                assertEquals(0u, pushed.rejected)
                assertEquals(0uL, sophie.outboxLen())

                marc.sync(null)
                assertTrue(changed.any { "message" in it }, "Marc's screens are told messages changed")
                val inbox = marc.conversation(mentorship, 20u)
                assertEquals(1u, inbox.unread)
                assertEquals("Bonjour Marc, à jeudi ?", inbox.messages.single().body)
                marc.markConversationRead(mentorship)
                marc.sync(null)

                sophie.sync(null)
                assertEquals(MessageStatus.READ, sophie.conversation(mentorship, 20u).messages.single().status)
                assertTrue(sophie.syncIssues().isEmpty())
            }
        }
    }

    @Test
    fun aVoiceNoteRecordedOfflineReachesMarcWithItsAudio() {
        phone("Sophie").use { sophie ->
            phone("Marc").use { marc ->
                sophie.sync(null)
                marc.sync(null)
                val mentorship = sophie.myMentorships().single().id
                fun onMarcsPhone(id: String) = marc.conversation(mentorship, 50u).messages.singleOrNull { it.id == id }

                // Spoken on the bus, offline: kept with its audio, pending.
                val audio = fakeM4a(16_384)
                val sent = sophie.sendVoiceNote(
                    mentorship,
                    NewVoiceNote(VoiceMediaType.MP4, 42_000u, audio, caption = "Pour jeudi"),
                )
                assertEquals(MessageStatus.PENDING, sent.status)

                // The message goes with the push and its audio after it; the status moves on.
                val pushed = sophie.sync(null)
                assertEquals(1u, pushed.voiceNotesSent)
                assertEquals(0u, pushed.voiceNotesReceived)
                assertEquals(0u, pushed.rejected)
                assertEquals(0uL, sophie.outboxLen())
                assertEquals(MessageStatus.SENT, sophie.conversation(mentorship, 50u).messages.single { it.id == sent.id }.status)

                // Not on Marc's phone until he syncs.
                assertNull(onMarcsPhone(sent.id))
                assertFailsWith<PasserelleException.NotFound> { marc.voiceNoteAudio(sent.id) }
                val pulled = marc.sync(null)
                assertEquals(1u, pulled.voiceNotesReceived)
                assertEquals(0u, pulled.voiceNotesSent)
                assertTrue("message" in pulled.changedCollections)
                val heard = assertNotNull(onMarcsPhone(sent.id))
                assertFalse(heard.mine)
                assertEquals("Pour jeudi", heard.body)
                assertEquals(MessageStatus.UNREAD, heard.status)
                assertEquals(VoiceNote(available = true, durationMs = 42_000u, mediaType = VoiceMediaType.MP4), heard.voice)
                val played = marc.voiceNoteAudio(sent.id)
                assertEquals(42_000u, played.durationMs)
                assertContentEquals(audio, played.audio)

                // Moved once: the next syncs carry no audio either way.
                assertEquals(0u, sophie.sync(null).voiceNotesSent)
                assertEquals(0u, marc.sync(null).voiceNotesReceived)
                assertTrue(sophie.syncIssues().isEmpty())
                assertTrue(marc.syncIssues().isEmpty())
            }
        }
    }

    @Test
    fun aVoiceNoteLeftOutOfMarcsSyncsIsFetchedWhenHePlaysIt() {
        phone("Sophie").use { sophie ->
            phone("Marc").use { marc ->
                sophie.sync(null)
                marc.sync(null)
                val mentorship = sophie.myMentorships().single().id
                fun onMarcsPhone(id: String) = marc.conversation(mentorship, 50u).messages.single { it.id == id }
                val changed = Collections.synchronizedList(mutableListOf<List<String>>())
                marc.setChangeObserver(object : ChangeObserver {
                    override fun onChange(collections: List<String>) {
                        changed.add(collections)
                    }
                })
                val onItsWay = VoiceNote(available = false, durationMs = null, mediaType = null)

                // Marc is on mobile data: his syncs bring the message, not its sound.
                marc.setVoiceNotesInSync(false)
                val audio = fakeM4a(16_384)
                val first = sophie.sendVoiceNote(
                    mentorship,
                    NewVoiceNote(VoiceMediaType.MP4, 42_000u, audio, caption = "Pour jeudi"),
                )
                assertEquals(1u, sophie.sync(null).voiceNotesSent)
                val pulled = marc.sync(null)
                assertEquals(0u, pulled.voiceNotesReceived)
                assertEquals("Pour jeudi", onMarcsPhone(first.id).body)
                assertEquals(onItsWay, onMarcsPhone(first.id).voice)
                assertFailsWith<PasserelleException.NotFound> { marc.voiceNoteAudio(first.id) }

                // He taps it: fetched now, the exact bytes, kept, and the screens told.
                changed.clear()
                val fetched = marc.fetchVoiceNote(first.id)
                assertEquals(first.id, fetched.messageId)
                assertEquals(VoiceMediaType.MP4, fetched.mediaType)
                assertEquals(42_000u, fetched.durationMs)
                assertContentEquals(audio, fetched.audio)
                assertTrue(changed.any { "message" in it }, "the conversation reloads with the note playable")
                assertEquals(
                    VoiceNote(available = true, durationMs = 42_000u, mediaType = VoiceMediaType.MP4),
                    onMarcsPhone(first.id).voice,
                )
                assertContentEquals(audio, marc.voiceNoteAudio(first.id).audio)
                assertContentEquals(audio, marc.fetchVoiceNote(first.id).audio, "held: the same bytes again")
                assertEquals(0u, marc.sync(null).voiceNotesReceived)

                // Another note while still on mobile data, then Wi-Fi: the next sync brings it
                // and the one after it, and a written message is no voice note to fetch.
                val second = sophie.sendVoiceNote(mentorship, NewVoiceNote(VoiceMediaType.MP4, 1_500u, fakeM4a(512)))
                sophie.sync(null)
                assertEquals(0u, marc.sync(null).voiceNotesReceived)
                assertEquals(onItsWay, onMarcsPhone(second.id).voice)
                marc.setVoiceNotesInSync(true)
                val third = sophie.sendVoiceNote(mentorship, NewVoiceNote(VoiceMediaType.MP4, 9_000u, fakeM4a(2_048)))
                val written = sophie.sendMessage(mentorship, "À jeudi")
                assertEquals(1u, sophie.sync(null).voiceNotesSent)
                val onWifi = marc.sync(null)
                assertEquals(2u, onWifi.voiceNotesReceived)
                assertEquals(listOf(true, true, true), listOf(first, second, third).map { onMarcsPhone(it.id).voice?.available })
                assertContentEquals(fakeM4a(512), marc.voiceNoteAudio(second.id).audio)
                assertContentEquals(fakeM4a(2_048), marc.voiceNoteAudio(third.id).audio)
                assertNull(onMarcsPhone(written.id).voice)
                assertFailsWith<PasserelleException.NotFound> { marc.fetchVoiceNote(written.id) }
                assertTrue(marc.syncIssues().isEmpty())
            }
        }
    }

    @Test
    fun aVoiceNoteNotUploadedYetOrOfflineIsNotFetchedAndOneHeldPlaysWithoutTheServer() {
        phone("Sophie").use { sophie ->
            phone("Marc").use { marc ->
                sophie.sync(null)
                marc.sync(null)
                marc.setVoiceNotesInSync(false)
                val mentorship = sophie.myMentorships().single().id
                fun onMarcsPhone(id: String) = marc.conversation(mentorship, 50u).messages.single { it.id == id }
                val audio = fakeM4a(4_096)
                val note = sophie.sendVoiceNote(mentorship, NewVoiceNote(VoiceMediaType.MP4, 42_000u, audio))

                // Sophie's sync held between pushing the message and uploading its sound: the
                // message has reached the server, the sound has not.
                val pushed = CountDownLatch(1)
                val goOn = CountDownLatch(1)
                var sent: Result<SyncSummary>? = null
                val syncing = Thread {
                    sent = runCatching {
                        sophie.sync(object : SyncProgressObserver {
                            override fun onProgress(progress: SyncProgress) {
                                if (progress.stage == SyncStage.PUSHING && progress.done == progress.total) {
                                    pushed.countDown()
                                    goOn.await(30, TimeUnit.SECONDS)
                                }
                            }
                        })
                    }
                }.apply { start() }
                try {
                    assertTrue(pushed.await(30, TimeUnit.SECONDS), "Sophie's sync pushed the message")
                    assertEquals(0u, marc.sync(null).voiceNotesReceived)
                    assertFalse(onMarcsPhone(note.id).voice!!.available)
                    val notYet = assertFailsWith<PasserelleException.InvalidState> { marc.fetchVoiceNote(note.id) }
                    assertEquals("the sound of this voice note has not reached the server yet", notYet.reason)
                    assertFalse(onMarcsPhone(note.id).voice!!.available)
                } finally {
                    goOn.countDown()
                    syncing.join(30_000)
                }
                assertEquals(1u, sent!!.getOrThrow().voiceNotesSent)
                assertContentEquals(audio, marc.fetchVoiceNote(note.id).audio, "uploaded since: fetched")

                // One more note left out of Marc's sync; then the server is gone.
                val later = sophie.sendVoiceNote(mentorship, NewVoiceNote(VoiceMediaType.MP4, 3_000u, fakeM4a(256)))
                sophie.sync(null)
                marc.sync(null)
                stopServer()
                assertFailsWith<PasserelleException.Offline> { marc.fetchVoiceNote(later.id) }
                assertFalse(onMarcsPhone(later.id).voice!!.available)
                // The note already here plays without the server.
                assertContentEquals(audio, marc.fetchVoiceNote(note.id).audio)
                assertTrue(marc.syncIssues().isEmpty())
            }
        }
    }

    @Test
    fun theFirstVisitReachesSophieAndHerAnswerReachesMarc() {
        phone("Sophie").use { sophie ->
            phone("Marc").use { marc ->
                sophie.sync(null)
                marc.sync(null)
                // The demo's coordinator planned Marc's first home visit when she enrolled them.
                val visit = sophie.upcomingContacts(null).single()
                assertEquals("Marc", visit.mentorName)
                assertTrue(visit.canAnswer && !visit.plannerSide)
                assertEquals(visit.contact.startsAt, marc.caseload().single { it.survivorName == "Sophie" }.nextContactAt)

                sophie.replyToPlannedContact(visit.contact.id, ContactReply.ACCEPTED)
                assertEquals(0u, sophie.sync(null).rejected)
                marc.sync(null)
                val seen = marc.plannedContact(visit.contact.id)
                assertEquals(ContactReply.ACCEPTED, seen.contact.reply)
                assertEquals("Sophie", seen.repliedByName)
                assertTrue(seen.canChange && seen.plannerSide)
            }
        }
    }

    @Test
    fun aWipedPhoneIsSignedOutThenEnrolledBySomeoneElse() {
        phone("Marc").use { phone ->
            phone.sync(null)
            assertEquals(2, phone.caseload().size)

            val wiped = phone.wipeDeviceData(false)
            assertTrue(wiped.signedOut, "the server ended Marc's session")
            assertTrue(wiped.recordsRemoved > 0u)
            assertNull(phone.syncServerUrl())
            assertFailsWith<PasserelleException.NotEnrolled> { phone.sync(null) }

            // The phone passes to Inès, with her own code: she holds her mentee only.
            assertEquals("Inès", phone.enrol(url, codes.getValue("Inès")).displayName)
            phone.sync(null)
            assertEquals(listOf("Ahmed"), phone.caseload().map { it.survivorName })
        }
    }

    @Test
    fun aUsedEnrolmentCodeIsRefused() {
        phone("Ahmed").close()
        val again = Passerelle.open(File(tmp.root, "again.db").absolutePath, ByteArray(32) { 7 })
        again.use {
            assertFailsWith<PasserelleException.InvalidEnrolmentCode> { it.enrol(url, codes.getValue("Ahmed")) }
        }
    }
}
