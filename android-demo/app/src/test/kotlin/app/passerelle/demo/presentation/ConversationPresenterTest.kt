// The conversation screen from a real store: the mentor's message waits to be sent, the
// survivor sees it as new with an unread count, and reading it clears both; every message
// status has its words and icon in both languages.
package app.passerelle.demo.presentation

import app.passerelle.core.Message
import app.passerelle.core.MessageStatus
import java.time.ZoneId
import java.time.ZoneOffset
import java.time.ZonedDateTime
import kotlin.test.assertEquals
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

    @Test
    fun everyStatusHasWordsAndAnIcon() {
        val message = Message(
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
}
