// Sync in plain words: how far a running sync has got, what a finished one did, and each sync
// issue (a change the server refused, a lost edit, unreadable data, a voice note that did not
// arrive intact) as a sentence. The core keeps the issues until the app dismisses them; this
// only says them.
package app.passerelle.demo.presentation

import app.passerelle.core.SyncIssue
import app.passerelle.core.SyncProgress
import app.passerelle.core.SyncStage
import app.passerelle.core.SyncSummary

class SyncText(private val strings: Strings) {
    /** "Sending 3 of 10" / "Receiving: 120". */
    fun progress(progress: SyncProgress): String = when (progress.stage) {
        SyncStage.PUSHING -> strings.text(Text.SYNC_PROGRESS_SENDING, progress.done.toInt(), progress.total.toInt())
        SyncStage.PULLING -> strings.text(Text.SYNC_PROGRESS_RECEIVING, progress.done.toInt())
    }

    /** The share done for a progress bar, or `null` when the total is unknown (pulling). */
    fun fraction(progress: SyncProgress): Float? =
        if (progress.stage == SyncStage.PUSHING && progress.total > 0u) {
            (progress.done.toFloat() / progress.total.toFloat()).coerceIn(0f, 1f)
        } else {
            null
        }

    /**
     * One or more short sentences, in the order the sync does them; "Everything is up to date."
     * when nothing moved. A voice note's sound travels apart from its message, so it is counted
     * apart too: "Sent 1 change. Sent 1 voice note."
     */
    fun summary(summary: SyncSummary): String {
        val attention = (summary.rejected + summary.conflicts).toInt()
        val parts = buildList {
            if (summary.pushed > 0u) add(strings.plural(Plural.SYNC_SENT, summary.pushed.toInt()))
            if (summary.voiceNotesSent > 0u) add(strings.plural(Plural.SYNC_VOICE_NOTES_SENT, summary.voiceNotesSent.toInt()))
            if (summary.pulled > 0u) add(strings.plural(Plural.SYNC_RECEIVED, summary.pulled.toInt()))
            if (summary.voiceNotesReceived > 0u) {
                add(strings.plural(Plural.SYNC_VOICE_NOTES_RECEIVED, summary.voiceNotesReceived.toInt()))
            }
            if (attention > 0) add(strings.plural(Plural.SYNC_ATTENTION, attention))
            if (summary.revokedScopes > 0u) add(strings.text(Text.SYNC_ACCESS_REMOVED))
        }
        return if (parts.isEmpty()) strings.text(Text.SYNC_UP_TO_DATE) else parts.joinToString(" ")
    }

    /** "The server did not accept a check-in. You no longer have access." */
    fun issue(issue: SyncIssue): String {
        val thing = thing(issue.collection)
        val what = when (issue.kind) {
            "rejected" -> strings.text(Text.ISSUE_REJECTED, thing)
            "conflict" -> strings.text(Text.ISSUE_CONFLICT, thing)
            // A voice note's sound that did not match its message: nothing to update, the core
            // asks for it again at the next sync.
            else -> strings.text(if (issue.collection == "voice_note") Text.ISSUE_UNREADABLE_VOICE_NOTE else Text.ISSUE_UNREADABLE)
        }
        val why = if (issue.kind == "rejected") reason(issue.reason) else null
        return if (why != null) "$what $why" else what
    }

    /** The kind of record a collection holds, with its article ("a check-in", "un message"). */
    fun thing(collection: String): String = strings.text(
        when (collection) {
            "checkin" -> Text.THING_CHECKIN
            "message", "conversation_read", "voice_note" -> Text.THING_MESSAGE
            "person", "survivor_profile", "mentor_profile", "caregiver_profile", "professional_profile" -> Text.THING_PROFILE
            "mentorship", "mentorship_event" -> Text.THING_MENTORSHIP
            "escalation", "escalation_event" -> Text.THING_CONCERN
            "consent" -> Text.THING_CONSENT
            else -> Text.THING_OTHER
        },
    )

    /** The server's stable reason codes in words; `null` for one without a useful sentence. */
    private fun reason(code: String): String? = when (code) {
        "access_revoked" -> strings.text(Text.ISSUE_REASON_ACCESS_REVOKED)
        "not_allowed" -> strings.text(Text.ISSUE_REASON_NOT_ALLOWED)
        "invalid", "immutable_field", "id_conflict" -> strings.text(Text.ISSUE_REASON_INVALID)
        "not_found" -> strings.text(Text.ISSUE_REASON_NOT_FOUND)
        "unknown_collection", "unsupported_field", "unsupported_version" -> strings.text(Text.ISSUE_REASON_UPDATE_APP)
        else -> null
    }
}
