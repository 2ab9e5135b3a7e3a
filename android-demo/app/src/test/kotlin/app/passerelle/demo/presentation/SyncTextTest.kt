// Sync progress, summaries and issues in words, in both languages.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.core.SyncIssue
import app.passerelle.core.SyncProgress
import app.passerelle.core.SyncStage
import app.passerelle.core.SyncSummary
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertNull
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class SyncTextTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val en = SyncText(ResourceStrings.english)
    private val fr = SyncText(ResourceStrings.french)

    private fun summary(
        pushed: Int = 0,
        rejected: Int = 0,
        conflicts: Int = 0,
        pulled: Int = 0,
        revoked: Int = 0,
        voiceSent: Int = 0,
        voiceReceived: Int = 0,
    ) = SyncSummary(
        pushed = pushed.toUInt(),
        rejected = rejected.toUInt(),
        conflicts = conflicts.toUInt(),
        pulled = pulled.toUInt(),
        revokedScopes = revoked.toUInt(),
        resetScopes = 0u,
        changedCollections = listOf(),
        voiceNotesSent = voiceSent.toUInt(),
        voiceNotesReceived = voiceReceived.toUInt(),
    )

    private fun issue(kind: String, collection: String, reason: String) =
        SyncIssue(id = 1, kind = kind, collection = collection, rowId = "r", reason = reason, fields = listOf(), at = 0)

    @Test
    fun summaries() {
        assertEquals("Everything is up to date.", en.summary(summary()))
        assertEquals("Tout est à jour.", fr.summary(summary()))
        assertEquals(
            "Sent 3 changes. Received 1 change. 2 changes need a look.",
            en.summary(summary(pushed = 3, rejected = 1, conflicts = 1, pulled = 1)),
        )
        assertEquals(
            "3 modifications envoyées. 1 modification reçue. 2 modifications à vérifier.",
            fr.summary(summary(pushed = 3, rejected = 1, conflicts = 1, pulled = 1)),
        )
        assertEquals(
            "Received 12 changes. Some shared data was removed from this phone.",
            en.summary(summary(pulled = 12, revoked = 1)),
        )
    }

    @Test
    fun voiceNotesInTheSummary() {
        // Each note's sound travels after its message, so both are counted, in the sync's order.
        assertEquals("Sent 1 change. Sent 1 voice note.", en.summary(summary(pushed = 1, voiceSent = 1)))
        assertEquals("1 modification envoyée. 1 message vocal envoyé.", fr.summary(summary(pushed = 1, voiceSent = 1)))
        assertEquals(
            "Sent 2 changes. Sent 2 voice notes. Received 3 changes. Received 1 voice note.",
            en.summary(summary(pushed = 2, voiceSent = 2, pulled = 3, voiceReceived = 1)),
        )
        assertEquals(
            "2 modifications envoyées. 2 messages vocaux envoyés. 3 modifications reçues. 1 message vocal reçu.",
            fr.summary(summary(pushed = 2, voiceSent = 2, pulled = 3, voiceReceived = 1)),
        )
        // A later sync that only fetched sounds the last one had to leave.
        assertEquals("Received 4 voice notes.", en.summary(summary(voiceReceived = 4)))
        assertEquals("4 messages vocaux reçus.", fr.summary(summary(voiceReceived = 4)))
        // No voice note moved: nothing said about them.
        assertEquals("Received 1 change.", en.summary(summary(pulled = 1)))
        assertEquals("1 modification reçue.", fr.summary(summary(pulled = 1)))
    }

    @Test
    fun aVoiceNoteThatDidNotArriveIntact() {
        // The core's issue when a fetched sound does not match the hash its message names.
        val mismatch = issue("unreadable", "voice_note", "voice_note_mismatch")
        assertEquals("A voice note did not arrive intact. It will be fetched again.", en.issue(mismatch))
        assertEquals(
            "Un message vocal n'est pas arrivé intact. Il sera récupéré de nouveau.",
            fr.issue(mismatch),
        )
        // Other unreadable data still asks for an update; a refused upload is still a message's.
        assertEquals(
            "Des données n'ont pas pu être lues. Mettez l'application à jour.",
            fr.issue(issue("unreadable", "message", "unsupported_version")),
        )
        assertEquals(
            "Le serveur n'a pas accepté un message. Ce n'était pas valide.",
            fr.issue(issue("rejected", "voice_note", "invalid")),
        )
    }

    @Test
    fun progress() {
        val sending = SyncProgress(stage = SyncStage.PUSHING, done = 3u, total = 10u)
        assertEquals("Sending 3 of 10", en.progress(sending))
        assertEquals("Envoi : 3 sur 10", fr.progress(sending))
        assertEquals(0.3f, en.fraction(sending))
        val receiving = SyncProgress(stage = SyncStage.PULLING, done = 120u, total = 0u)
        assertEquals("Receiving: 120", en.progress(receiving))
        assertEquals("Réception : 120", fr.progress(receiving))
        assertNull(en.fraction(receiving)) // unknown total: an indeterminate bar
        assertNull(en.fraction(SyncProgress(stage = SyncStage.PUSHING, done = 0u, total = 0u)))
    }

    @Test
    fun issues() {
        assertEquals(
            "The server did not accept a contact. You no longer have access.",
            en.issue(issue("rejected", "checkin", "access_revoked")),
        )
        assertEquals(
            "Le serveur n'a pas accepté un message. Votre compte ne permet pas de faire cela.",
            fr.issue(issue("rejected", "message", "not_allowed")),
        )
        assertEquals(
            "Someone changed a pairing at the same time. Their change was kept.",
            en.issue(issue("conflict", "mentorship", "newer_edit")),
        )
        assertEquals(
            "Quelqu'un a modifié une fiche en même temps. Sa modification a été gardée.",
            fr.issue(issue("conflict", "survivor_profile", "newer_edit")),
        )
        // A voice note's audio the server refused is a message, as its text would be.
        assertEquals(
            "The server did not accept a message. It was not valid.",
            en.issue(issue("rejected", "voice_note", "invalid")),
        )
        assertEquals("Some data could not be read. Please update the app.", en.issue(issue("unreadable", "x", "unknown collection")))
        // A reason code without a sentence of its own adds nothing rather than a code.
        assertEquals("The server did not accept a change.", en.issue(issue("rejected", "bookmark", "some_new_reason")))
    }

    @Test
    fun aFreshStoreHasNoIssues() {
        Passerelle.open(File(tmp.root, "passerelle.db").absolutePath, randomKey()).use { api ->
            assertEquals(listOf(), api.syncIssues().map { en.issue(it) })
        }
    }
}
