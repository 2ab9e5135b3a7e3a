// The conversation screen as plain text: one row per message from one `conversation()` call,
// with who wrote it, when, and where one's own message is (waiting, sent, delivered, read),
// plus the unread count. A voice note is worded with its length ("Voice note, 0:42"), or as on
// its way while its audio has not reached this phone, with its button's spoken label: play it,
// or, on its way, download it now and play it. The status and whether the audio is here are the
// core's; this only words them.
package app.passerelle.demo.presentation

import app.passerelle.core.Conversation
import app.passerelle.core.Message
import app.passerelle.core.MessageStatus
import app.passerelle.core.VoiceNote
import java.util.Locale

/**
 * How the screen records a voice note (AAC in an `.m4a` file, `VoiceMediaType.MP4`), held to the
 * core's limits (the presentation tests send notes at these limits to the real core): it stops at
 * [MAX_MS], the core's longest note, and [MAX_MS] of mono sound at [BIT_RATE] stays well under
 * the core's 1 MiB.
 */
object VoiceRecording {
    const val MAX_MS = 300_000
    const val BIT_RATE = 24_000
    const val SAMPLE_RATE = 16_000
}

/** Which icon goes with a status; the UI maps it to a drawable and always shows the words too. */
enum class StatusIcon { CLOCK, ONE_TICK, TWO_TICKS, TWO_TICKS_FILLED, NEW_DOT, NONE }

data class MessageRow(
    val id: String,
    val body: String,
    /** "You" for one's own messages, the sender's name otherwise. */
    val sender: String,
    val mine: Boolean,
    val time: String,
    /** `null` when there is nothing to say (someone else's message already read). */
    val status: String?,
    val icon: StatusIcon,
    /** A voice note's part of the row; `null` for a written message. */
    val voice: VoiceRow?,
    val spoken: String,
)

/**
 * What a voice message shows in place of text; its caption, if any, is the row's body, under it.
 * One button: [play] once the audio is on this phone (`voiceNoteAudio`), [fetch] while it is on
 * its way (`fetchVoiceNote`, then play); never both.
 */
data class VoiceRow(
    /** "Voice note, 0:42", or "Voice note — on its way" while its audio is not on this phone. */
    val label: String,
    /** The play button's label, "Play voice note from Sophie, 42 seconds"; `null` while on its way. */
    val play: String?,
    /** While on its way, the button's label, "Download and play voice note from Sophie"; `null` once here. */
    val fetch: String? = null,
)

data class ConversationView(
    val mentorshipId: String,
    /** "2 new messages" / "No new messages". */
    val unread: String,
    val rows: List<MessageRow>,
)

class ConversationPresenter(private val strings: Strings, private val time: RelativeTime) {
    fun view(conversation: Conversation, now: Long) = ConversationView(
        mentorshipId = conversation.mentorshipId,
        unread = unread(conversation.unread.toInt()),
        rows = conversation.messages.map { row(it, now) },
    )

    fun unread(count: Int): String =
        if (count > 0) strings.plural(Plural.CONVERSATION_UNREAD, count) else strings.text(Text.CONVERSATION_NO_UNREAD)

    fun row(message: Message, now: Long): MessageRow {
        val sender = if (message.mine) strings.text(Text.MESSAGE_FROM_ME) else message.senderName
        val at = time.moment(message.writtenAt, now)
        val status = statusLabel(message.status)
        // "Marc, 10:42, New: See you Thursday?" — who, when and status before the text, so a
        // screen reader user can skip a long message once they know whose it is. A voice note
        // says its length in words: "Sophie, 10:42, New: Voice note, 42 seconds. Pour jeudi".
        val content = message.voice?.let { voice ->
            listOf(voiceLabel(voice, ::spokenLength), message.body).filter { it.isNotEmpty() }.joinToString(". ")
        } ?: message.body
        val spoken = strings.text(Text.MESSAGE_SPOKEN, sender, listOfNotNull(at, status).joinToString(", "), content)
        return MessageRow(
            id = message.id,
            body = message.body,
            sender = sender,
            mine = message.mine,
            time = at,
            status = status,
            icon = icon(message.status),
            voice = message.voice?.let { voiceRow(it, message) },
            spoken = spoken,
        )
    }

    private fun voiceRow(voice: VoiceNote, message: Message): VoiceRow {
        val length = audibleLength(voice)
        return VoiceRow(
            label = voiceLabel(voice, ::clock),
            play = length?.let {
                if (message.mine) {
                    strings.text(Text.VOICE_PLAY_MINE, spokenLength(it))
                } else {
                    strings.text(Text.VOICE_PLAY, message.senderName, spokenLength(it))
                }
            },
            // Its length comes with its sound: the label names whose it is, and that it downloads.
            fetch = if (length != null) {
                null
            } else if (message.mine) {
                strings.text(Text.VOICE_FETCH_MINE)
            } else {
                strings.text(Text.VOICE_FETCH, message.senderName)
            },
        )
    }

    /** "Voice note, 0:42" (or its length in words), or "Voice note — on its way". */
    private fun voiceLabel(voice: VoiceNote, length: (UInt) -> String): String =
        audibleLength(voice)?.let { strings.text(Text.VOICE_NOTE, length(it)) } ?: strings.text(Text.VOICE_NOTE_ON_ITS_WAY)

    /** The note's length once its audio is on this phone (the core gives both together). */
    private fun audibleLength(voice: VoiceNote): UInt? = voice.durationMs.takeIf { voice.available }

    /** A voice note's length as a player shows it: "0:42", "4:05"; never "0:00" for a note. */
    fun clock(durationMs: UInt): String = minutesAndSeconds(seconds(durationMs))

    /** The same length for a screen reader: "42 seconds", "1 minute", "1 minute and 5 seconds". */
    fun spokenLength(durationMs: UInt): String {
        val total = seconds(durationMs)
        val minutes = strings.plural(Plural.DURATION_MINUTES, total / 60)
        val seconds = strings.plural(Plural.DURATION_SECONDS, total % 60)
        return when {
            total < 60 -> seconds
            total % 60 == 0 -> minutes
            // "%1$s and %2$s", as a planned contact's "1 hour and 30 minutes".
            else -> strings.text(Text.DURATION_HOURS_MINUTES, minutes, seconds)
        }
    }

    /** While recording: "Recording 0:12". */
    fun recording(elapsedMs: Long): String =
        strings.text(Text.VOICE_RECORDING, minutesAndSeconds((elapsedMs.coerceAtLeast(0) / 1000).toInt()))

    /** Whole seconds, to the nearest, and at least one: a note under half a second still lasts. */
    private fun seconds(durationMs: UInt): Int = ((durationMs.toLong() + 500) / 1000).toInt().coerceAtLeast(1)

    private fun minutesAndSeconds(seconds: Int): String = String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60)

    fun statusLabel(status: MessageStatus): String? = when (status) {
        MessageStatus.PENDING -> strings.text(Text.MESSAGE_PENDING)
        MessageStatus.SENT -> strings.text(Text.MESSAGE_SENT)
        MessageStatus.DELIVERED -> strings.text(Text.MESSAGE_DELIVERED)
        MessageStatus.READ -> strings.text(Text.MESSAGE_READ)
        MessageStatus.UNREAD -> strings.text(Text.MESSAGE_UNREAD)
        MessageStatus.SEEN -> null
    }

    fun icon(status: MessageStatus): StatusIcon = when (status) {
        MessageStatus.PENDING -> StatusIcon.CLOCK
        MessageStatus.SENT -> StatusIcon.ONE_TICK
        MessageStatus.DELIVERED -> StatusIcon.TWO_TICKS
        MessageStatus.READ -> StatusIcon.TWO_TICKS_FILLED
        MessageStatus.UNREAD -> StatusIcon.NEW_DOT
        MessageStatus.SEEN -> StatusIcon.NONE
    }
}
