// The conversation screen as plain text: one row per message from one `conversation()` call,
// with who wrote it, when, and where one's own message is (waiting, sent, delivered, read),
// plus the unread count. The status itself is the core's; this only words it and picks an icon.
package app.passerelle.demo.presentation

import app.passerelle.core.Conversation
import app.passerelle.core.Message
import app.passerelle.core.MessageStatus

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
    val spoken: String,
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
        // screen reader user can skip a long message once they know whose it is.
        val spoken = strings.text(Text.MESSAGE_SPOKEN, sender, listOfNotNull(at, status).joinToString(", "), message.body)
        return MessageRow(
            id = message.id,
            body = message.body,
            sender = sender,
            mine = message.mine,
            time = at,
            status = status,
            icon = icon(message.status),
            spoken = spoken,
        )
    }

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
