// The conversation screen from a real store: the mentor's message waits to be sent, the
// survivor sees it as new with an unread count, and reading it clears both; every message
// status has its words and icon in both languages. Voice notes: their length shown and spoken,
// the play button's label from either side, a caption under them, one on its way with a button
// that downloads it and plays it, and the recorder's limits held against the real core.
package app.passerelle.demo.presentation

import app.passerelle.PasserelleException
import app.passerelle.core.Message
import app.passerelle.core.MessageStatus
import app.passerelle.core.NewVoiceNote
import app.passerelle.core.VoiceMediaType
import app.passerelle.core.VoiceNote
import java.time.ZoneId
import java.time.ZoneOffset
import java.time.ZonedDateTime
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class ConversationPresenterTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private fun presenter(strings: Strings, zone: ZoneId = ZoneOffset.UTC) = ConversationPresenter(strings, RelativeTime(strings, zone))

    @Test
    fun pendingNewAndReadFromTheStore() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            val survivorId = p.api.caseload().single().survivorId
            p.api.sendMessage(sophie, "See you Thursday?")

            val now = System.currentTimeMillis()
            val mentorView = presenter(ResourceStrings.english).view(p.api.conversation(sophie, 50u), now)
            val mine = mentorView.rows.single()
            assertTrue(mine.mine)
            assertEquals("You", mine.sender)
            assertEquals("Waiting to send", mine.status)
            assertEquals(StatusIcon.CLOCK, mine.icon)
            assertEquals("No new messages", mentorView.unread)

            p.api.setDeviceOwner(survivorId)
            val conversation = p.api.conversation(sophie, 50u)
            val en = presenter(ResourceStrings.english).view(conversation, now)
            assertEquals("1 new message", en.unread)
            val theirs = en.rows.single()
            assertEquals("Marc", theirs.sender)
            assertEquals("New", theirs.status)
            assertEquals(StatusIcon.NEW_DOT, theirs.icon)
            assertEquals("Marc, ${theirs.time}, New: See you Thursday?", theirs.spoken)

            val fr = presenter(ResourceStrings.french).view(conversation, now)
            assertEquals("1 nouveau message", fr.unread)
            assertEquals("Nouveau", fr.rows.single().status)
            // Written today: the clock alone.
            assertEquals(
                java.time.format.DateTimeFormatter.ofPattern("HH:mm").format(
                    java.time.Instant.ofEpochMilli(conversation.messages.single().writtenAt).atZone(ZoneOffset.UTC),
                ),
                fr.rows.single().time,
            )

            p.api.markConversationRead(sophie)
            val read = presenter(ResourceStrings.french).view(p.api.conversation(sophie, 50u), now)
            assertEquals("Pas de nouveau message", read.unread)
            assertNull(read.rows.single().status)
            assertEquals(StatusIcon.NONE, read.rows.single().icon)
        }
    }

    /** Marc's message, written, waiting to be sent. */
    private val message = Message(
        id = "0190f5c2-0000-7000-8000-000000000002",
        mentorshipId = "0190f5c2-0000-7000-8000-000000000003",
        senderId = "0190f5c2-0000-7000-8000-000000000004",
        senderName = "Marc",
        mine = true,
        body = "Hello",
        writtenAt = 0,
        orderStamp = 1,
        status = MessageStatus.PENDING,
    )

    @Test
    fun everyStatusHasWordsAndAnIcon() {
        val en = presenter(ResourceStrings.english)
        val fr = presenter(ResourceStrings.french)
        val expected = mapOf(
            MessageStatus.PENDING to Triple("Waiting to send", "En attente d'envoi", StatusIcon.CLOCK),
            MessageStatus.SENT to Triple("Sent", "Envoyé", StatusIcon.ONE_TICK),
            MessageStatus.DELIVERED to Triple("Delivered", "Reçu", StatusIcon.TWO_TICKS),
            MessageStatus.READ to Triple("Read", "Lu", StatusIcon.TWO_TICKS_FILLED),
            MessageStatus.UNREAD to Triple("New", "Nouveau", StatusIcon.NEW_DOT),
            MessageStatus.SEEN to Triple(null, null, StatusIcon.NONE),
        )
        assertEquals(MessageStatus.entries.toSet(), expected.keys)
        for ((status, words) in expected) {
            assertEquals(words.first, en.row(message.copy(status = status), 0).status)
            assertEquals(words.second, fr.row(message.copy(status = status), 0).status)
            assertEquals(words.third, en.icon(status))
        }
    }

    @Test
    fun olderMessagesSayTheDay() {
        val paris = ZoneId.of("Europe/Paris")
        val now = ZonedDateTime.of(2024, 3, 5, 9, 0, 0, 0, paris).toInstant().toEpochMilli()
        val lastNight = ZonedDateTime.of(2024, 3, 4, 22, 15, 0, 0, paris).toInstant().toEpochMilli()
        val lastWeek = ZonedDateTime.of(2024, 2, 27, 14, 30, 0, 0, paris).toInstant().toEpochMilli()
        val time = RelativeTime(ResourceStrings.french, paris)
        assertEquals("hier à 22:15", time.moment(lastNight, now))
        assertEquals("27 févr. à 14:30", time.moment(lastWeek, now))
        assertEquals("09:00", time.moment(now, now))
        assertTrue(RelativeTime(ResourceStrings.english, paris).moment(lastNight, now).startsWith("yesterday at "))
    }

    @Test
    fun voiceNotesFromTheStoreInBothLanguages() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            p.api.setDeviceOwner(p.api.caseload().single().survivorId)
            p.api.sendVoiceNote(sophie, NewVoiceNote(VoiceMediaType.MP4, 42_000u, fakeM4a()))
            p.api.sendVoiceNote(sophie, NewVoiceNote(VoiceMediaType.MP4, 65_400u, fakeM4a(), caption = "Pour jeudi"))
            val now = System.currentTimeMillis()

            // Sophie's own notes: hers to play again, waiting to be sent.
            val mine = presenter(ResourceStrings.english).view(p.api.conversation(sophie, 50u), now).rows
            assertEquals(VoiceRow("Voice note, 0:42", "Play your voice note, 42 seconds"), mine[0].voice)
            assertEquals("", mine[0].body, "no caption")
            assertEquals("Waiting to send", mine[0].status)
            assertEquals("You, ${mine[0].time}, Waiting to send: Voice note, 42 seconds", mine[0].spoken)
            assertEquals(VoiceRow("Voice note, 1:05", "Play your voice note, 1 minute and 5 seconds"), mine[1].voice)
            assertEquals("Pour jeudi", mine[1].body)

            // Marc's side: from Sophie, new, the caption said after the note.
            p.api.setDeviceOwner(p.mentor.id)
            val conversation = p.api.conversation(sophie, 50u)
            val en = presenter(ResourceStrings.english).view(conversation, now).rows
            assertEquals(VoiceRow("Voice note, 0:42", "Play voice note from Sophie, 42 seconds"), en[0].voice)
            assertEquals("Sophie, ${en[1].time}, New: Voice note, 1 minute and 5 seconds. Pour jeudi", en[1].spoken)
            val fr = presenter(ResourceStrings.french).view(conversation, now).rows
            assertEquals(VoiceRow("Message vocal, 0:42", "Écouter le message vocal envoyé par Sophie, 42 secondes"), fr[0].voice)
            assertEquals(VoiceRow("Message vocal, 1:05", "Écouter le message vocal envoyé par Sophie, 1 minute et 5 secondes"), fr[1].voice)
            assertEquals("Sophie, ${fr[1].time}, Nouveau : Message vocal, 1 minute et 5 secondes. Pour jeudi", fr[1].spoken)

            // A written message has no voice part.
            p.api.sendMessage(sophie, "Merci !")
            assertNull(presenter(ResourceStrings.english).view(p.api.conversation(sophie, 50u), now).rows.last().voice)
        }
    }

    @Test
    fun aVoiceNoteOnItsWayIsDownloadedToPlay() {
        val onItsWay = message.copy(
            mine = false,
            senderName = "Sophie",
            body = "",
            status = MessageStatus.UNREAD,
            voice = VoiceNote(available = false, durationMs = null, mediaType = null),
        )
        // No length to say yet, and the one button downloads it first (`fetchVoiceNote`).
        val en = presenter(ResourceStrings.english).row(onItsWay, 0)
        assertEquals(VoiceRow("Voice note — on its way", play = null, fetch = "Download and play voice note from Sophie"), en.voice)
        assertEquals("Sophie, ${en.time}, New: Voice note — on its way", en.spoken)
        val fr = presenter(ResourceStrings.french).row(onItsWay.copy(body = "Pour jeudi"), 0)
        assertEquals(
            VoiceRow("Message vocal — en route", play = null, fetch = "Télécharger et écouter le message vocal envoyé par Sophie"),
            fr.voice,
        )
        assertEquals("Pour jeudi", fr.body)
        assertEquals("Sophie, ${fr.time}, Nouveau : Message vocal — en route. Pour jeudi", fr.spoken)

        // One's own note whose sound is not on this phone (sent from another phone of theirs).
        val mine = onItsWay.copy(mine = true, senderName = "Marc", status = MessageStatus.SENT)
        assertEquals("Download and play your voice note", presenter(ResourceStrings.english).row(mine, 0).voice?.fetch)
        assertEquals("Télécharger et écouter votre message vocal", presenter(ResourceStrings.french).row(mine, 0).voice?.fetch)

        // Once here, the play button only.
        val here = presenter(ResourceStrings.english).row(
            onItsWay.copy(voice = VoiceNote(available = true, durationMs = 42_000u, mediaType = VoiceMediaType.MP4)),
            0,
        )
        assertEquals(VoiceRow("Voice note, 0:42", play = "Play voice note from Sophie, 42 seconds", fetch = null), here.voice)
    }

    @Test
    fun voiceNoteLengthsAtEachEdge() {
        val en = presenter(ResourceStrings.english)
        val fr = presenter(ResourceStrings.french)
        // Milliseconds to the nearest second, never none: (length, shown, said in English, in French).
        val lengths = listOf(
            listOf(1, "0:01", "1 second", "1 seconde"),
            listOf(1_499, "0:01", "1 second", "1 seconde"),
            listOf(1_500, "0:02", "2 seconds", "2 secondes"),
            listOf(59_499, "0:59", "59 seconds", "59 secondes"),
            listOf(59_500, "1:00", "1 minute", "1 minute"),
            listOf(65_000, "1:05", "1 minute and 5 seconds", "1 minute et 5 secondes"),
            listOf(VoiceRecording.MAX_MS, "5:00", "5 minutes", "5 minutes"),
        )
        for ((ms, shown, english, french) in lengths) {
            val length = (ms as Int).toUInt()
            assertEquals(shown, en.clock(length), "$ms ms")
            assertEquals(english, en.spokenLength(length), "$ms ms")
            assertEquals(french, fr.spokenLength(length), "$ms ms")
        }
        // While recording, the seconds counted so far.
        assertEquals("Recording 0:00", en.recording(0))
        assertEquals("Recording 0:12", en.recording(12_999))
        assertEquals("Enregistrement 5:00", fr.recording(VoiceRecording.MAX_MS.toLong()))
    }

    @Test
    fun theRecorderStaysWithinTheCoresLimits() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            // The longest note, at the recorder's bit rate: the core takes it.
            val fiveMinutes = fakeM4a(VoiceRecording.MAX_MS / 1000 * VoiceRecording.BIT_RATE / 8)
            val longest = p.api.sendVoiceNote(sophie, NewVoiceNote(VoiceMediaType.MP4, VoiceRecording.MAX_MS.toUInt(), fiveMinutes))
            assertEquals("Voice note, 5:00", presenter(ResourceStrings.english).row(longest, 0).voice?.label)

            // A moment longer, or a file that is not the sound it claims to be: the recording to check.
            val tooLong = assertFailsWith<PasserelleException.InvalidInput> {
                p.api.sendVoiceNote(sophie, NewVoiceNote(VoiceMediaType.MP4, (VoiceRecording.MAX_MS + 1).toUInt(), fakeM4a()))
            }
            val notM4a = assertFailsWith<PasserelleException.InvalidInput> {
                p.api.sendVoiceNote(sophie, NewVoiceNote(VoiceMediaType.MP4, 1_000u, "OggS".toByteArray() + ByteArray(64)))
            }
            for (refused in listOf(tooLong, notM4a)) {
                assertEquals("Please check the recording.", ErrorText(ResourceStrings.english).sentence(refused))
                assertEquals("Vérifiez l'enregistrement.", ErrorText(ResourceStrings.french).sentence(refused))
            }
            assertEquals(1, p.api.conversation(sophie, 50u).messages.size, "nothing saved")
        }
    }
}
