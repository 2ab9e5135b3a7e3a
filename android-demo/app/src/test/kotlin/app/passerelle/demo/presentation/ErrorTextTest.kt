// Every PasserelleException variant has its own short sentence in both languages; the core's
// stable refusals of a planned contact (cancelled, over, already recorded, not started) and of a
// voice note downloaded to play (not sent yet, not intact) have theirs; real failures from the
// store and the network (wrong key, not enrolled, offline, bad code) come out as those
// sentences; the core's rule phrases become field sentences; and both forms place a refusal
// under its field or above the form through the one helper.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class ErrorTextTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val en = ErrorText(ResourceStrings.english)
    private val fr = ErrorText(ResourceStrings.french)

    /** One of each variant. A variant added to the bindings fails ErrorText's `when` at compile time. */
    private val everyVariant: List<PasserelleException> = listOf(
        PasserelleException.InvalidInput("notes", "must not be empty"),
        PasserelleException.UnknownCode("dimension", "spiritual"),
        PasserelleException.NotFound("mentorship"),
        PasserelleException.NotAllowed("only the mentorship's mentor records its check-ins"),
        PasserelleException.InvalidState("ending twice"),
        PasserelleException.UnsentChanges(3uL),
        PasserelleException.WrongKey(),
        PasserelleException.Corrupt(),
        PasserelleException.NotEncrypted(),
        PasserelleException.NewerSchema(9, 2),
        PasserelleException.ReadOnly(),
        PasserelleException.DiskFull(),
        PasserelleException.CannotOpen(),
        PasserelleException.Busy(),
        PasserelleException.Interrupted(),
        PasserelleException.Storage("IoErr"),
        PasserelleException.Offline(),
        PasserelleException.NotEnrolled(),
        PasserelleException.Unauthorized(),
        PasserelleException.AccountClosed(),
        PasserelleException.InvalidEnrolmentCode(),
        PasserelleException.RateLimited(30uL),
        PasserelleException.ServerRefused("invalid_state"),
        PasserelleException.ServerFailed(503u),
        PasserelleException.Protocol(),
    )

    @Test
    fun everyVariantHasItsOwnSentenceInBothLanguages() {
        for (errors in listOf(en, fr)) {
            val sentences = everyVariant.map { errors.sentence(it) }
            assertEquals(everyVariant.size, sentences.toSet().size, "two variants share a sentence: $sentences")
            for ((error, sentence) in everyVariant.zip(sentences)) {
                // A sentence, not the bindings' developer text or field dump.
                assertTrue(sentence.endsWith("."), "$error: $sentence")
                assertFalse(sentence.contains("="), "$error: $sentence")
                assertFalse(sentence.contains(error.toString()), "$error: $sentence")
                assertTrue(sentence.length <= 110, "too long for a small screen: $sentence")
            }
        }
        assertEquals(
            everyVariant.map { en.sentence(it) }.zip(everyVariant.map { fr.sentence(it) }).count { (e, f) -> e == f },
            0,
            "an untranslated sentence",
        )
    }

    @Test
    fun sentencesSayWhatToDo() {
        assertEquals("No connection. Your work is saved and will be sent later.", en.sentence(PasserelleException.Offline()))
        assertEquals(
            "Pas de connexion. Votre travail est enregistré et partira plus tard.",
            fr.sentence(PasserelleException.Offline()),
        )
        assertEquals("Please check the notes.", en.sentence(PasserelleException.InvalidInput("notes", "must not be empty")))
        assertEquals("Vérifiez la durée.", fr.sentence(PasserelleException.InvalidInput("duration_minutes", "outside 0..=600")))
        assertEquals("Vérifiez ce que vous avez saisi.", fr.sentence(PasserelleException.InvalidInput("mentorship_id", "malformed")))
        assertEquals("Too many tries. Wait 30 seconds.", en.sentence(PasserelleException.RateLimited(30uL)))
        assertEquals("Too many tries. Wait 1 second.", en.sentence(PasserelleException.RateLimited(1uL)))
        assertEquals("Trop d'essais. Attendez 1 seconde.", fr.sentence(PasserelleException.RateLimited(1uL)))
        assertEquals("Trop d'essais. Attendez 30 secondes.", fr.sentence(PasserelleException.RateLimited(30uL)))
        assertEquals("Something went wrong. Try again.", en.sentence(IllegalStateException("a bug")))
    }

    @Test
    fun aPlannedContactsRefusalsAreSaidPlainly() {
        // (the core's reason, English, French): each its own sentence.
        val refusals = listOf(
            Triple("the contact was cancelled", "This visit or call was cancelled.", "Cette visite ou cet appel a été annulé."),
            Triple("the contact is over", "This visit or call is already over.", "Cette visite ou cet appel est déjà passé."),
            Triple("the contact is already recorded", "This visit or call is already recorded.", "Cette visite ou cet appel est déjà noté."),
            Triple("the contact has not started", "This visit or call has not started yet.", "Cette visite ou cet appel n'a pas encore commencé."),
        )
        for ((reason, english, french) in refusals) {
            assertEquals(english, en.sentence(PasserelleException.InvalidState(reason)), reason)
            assertEquals(french, fr.sentence(PasserelleException.InvalidState(reason)), reason)
        }
        // Any other state keeps the general sentence.
        assertEquals("This is not possible right now.", en.sentence(PasserelleException.InvalidState("the mentorship has ended")))
        assertEquals("Ce n'est pas possible pour le moment.", fr.sentence(PasserelleException.InvalidState("ending twice")))
    }

    @Test
    fun aVoiceNoteThatCannotBeDownloadedYetIsSaidPlainly() {
        // The core's reasons when a note on its way is played (`fetchVoiceNote`): not sent yet by
        // its sender's phone (the binding's SyncTest gets this one from a real server), or a
        // sound that is not the one the message names.
        val notSent = PasserelleException.InvalidState("the sound of this voice note has not reached the server yet")
        assertEquals("This voice note has not been sent yet. Try again later.", en.sentence(notSent))
        assertEquals("Ce message vocal n'a pas encore été envoyé. Réessayez plus tard.", fr.sentence(notSent))
        val damaged = PasserelleException.InvalidState("the sound that came back is not the one this voice note names")
        assertEquals("This voice note did not arrive intact. Try again later.", en.sentence(damaged))
        assertEquals("Ce message vocal n'est pas arrivé intact. Réessayez plus tard.", fr.sentence(damaged))
        // Offline, or no longer on the phone: the usual sentences.
        assertEquals("No connection. Your work is saved and will be sent later.", en.sentence(PasserelleException.Offline()))
        assertEquals("Ceci n'est plus sur ce téléphone.", fr.sentence(PasserelleException.NotFound("voice note")))
    }

    @Test
    fun aRefusalIsPlacedUnderItsFieldOrAboveTheForm() {
        val before = mapOf("a" to "Please fill this in.")
        val fieldOf = { field: String -> if (field == "place") "b" else null }

        val underField = en.placed(PasserelleException.InvalidInput("place", "longer than 120 characters"), before, fieldOf)
        assertEquals(PlacedErrors(before + ("b" to "Too long: 120 characters at most."), null), underField)
        // A field the form does not show, or no field at all: one sentence above, the fields kept.
        assertEquals(
            PlacedErrors(before, "Please check what you entered."),
            en.placed(PasserelleException.InvalidInput("mentorship_id", "malformed"), before, fieldOf),
        )
        assertEquals(
            PlacedErrors(before, "Cette visite ou cet appel est déjà passé."),
            fr.placed(PasserelleException.InvalidState("the contact is over"), before, fieldOf),
        )

        // Both forms use it: the same error lands the same way.
        val place = PlanContactForm.new("m", 0L).withError(PasserelleException.InvalidInput("place", "longer than 120 characters"), en)
        assertEquals(mapOf(PlanField.PLACE to "Too long: 120 characters at most."), place.errors)
        assertNull(place.formError)
        val notes = CheckInForm.new("m", 0L).copy(formError = "old").withError(PasserelleException.InvalidInput("notes", "must not be empty"), en)
        assertEquals(mapOf(FormField.NOTES to "Please fill this in."), notes.errors)
        assertNull(notes.formError, "a field's error clears the sentence above")
        val cancelled = PasserelleException.InvalidState("the contact was cancelled")
        assertEquals("This visit or call was cancelled.", place.withError(cancelled, en).formError)
        assertEquals(place.errors, place.withError(cancelled, en).errors)
        assertEquals("Your account cannot do this.", notes.withError(PasserelleException.NotAllowed("no"), en).formError)
    }

    @Test
    fun theCoreRulePhrasesBecomeFieldSentences() {
        assertEquals("Please fill this in.", en.problem("must not be empty"))
        assertEquals("Too long: 4000 characters at most.", en.problem("longer than 4000 characters"))
        assertEquals("Trop long : 80 caractères au plus.", fr.problem("longer than 80 characters"))
        assertEquals("Too many: 20 at most.", en.problem("more than 20 items"))
        assertEquals("Choose between 1 and 5.", en.problem("outside 1..=5"))
        assertEquals("Choisissez entre 0 et 600.", fr.problem("outside 0..=600"))
        assertEquals("This date is too early.", en.problem("before 1900-01-01"))
        assertEquals("Cette date est trop loin.", fr.problem("too far in the future"))
        assertEquals("This date is before the contact.", en.problem("dates in the wrong order"))
        assertEquals("This does not look right.", en.problem("malformed"))
        assertEquals("This is there twice.", en.problem("repeated"))
        assertEquals(
            "Use an address starting with https:// (a secure connection).",
            en.problem("must use https:// (plain http:// only to this device)"),
        )
        assertEquals("Please check this.", en.problem("a rule this build does not know"))
    }

    @Test
    fun realFailuresBecomeSentences() {
        val path = File(tmp.root, "passerelle.db").absolutePath
        val key = randomKey()
        Passerelle.open(path, key).use { api ->
            val notEnrolled = assertFailsWith<PasserelleException.NotEnrolled> { api.sync(null) }
            assertEquals("Please sign in first.", en.sentence(notEnrolled))
            assertEquals("Connectez-vous d'abord.", fr.sentence(notEnrolled))
        }
        val wrongKey = assertFailsWith<PasserelleException.WrongKey> { Passerelle.open(path, randomKey()) }
        assertEquals("Your data cannot be opened on this phone. Sign in again to get it back.", en.sentence(wrongKey))
        Passerelle.open(path, key).close() // the file is intact
    }

    @Test
    fun signInErrorsLandWhereThePersonWillLook() {
        Passerelle.open(File(tmp.root, "passerelle.db").absolutePath, randomKey()).use { api ->
            val noCode = assertIs<SignIn.Rejected>(SignInForm(serverUrl = "http://127.0.0.1:9", code = " ").submit(api, en)).form
            assertEquals("Please fill this in.", noCode.codeError)
            assertNull(noCode.serverError)
            assertNull(noCode.formError)

            val noServer = assertIs<SignIn.Rejected>(SignInForm(serverUrl = "", code = "K7PD-M2QX-9TRB").submit(api, fr)).form
            assertEquals("Merci de remplir ce champ.", noServer.serverError)
            assertNull(noServer.withServerUrl("http://127.0.0.1:9").serverError)

            // Health data never goes over plain HTTP to another machine: said under the address.
            val cleartext = assertIs<SignIn.Rejected>(
                SignInForm(serverUrl = "http://192.0.2.10:8080", code = "K7PD-M2QX-9TRB").submit(api, fr),
            ).form
            assertEquals("Utilisez une adresse commençant par https:// (connexion sécurisée).", cleartext.serverError)
            assertNull(cleartext.formError)

            // Nothing listens on the discard port: refused at once, reported as offline.
            val offline = assertIs<SignIn.Rejected>(
                SignInForm(serverUrl = "http://127.0.0.1:9", code = "K7PD-M2QX-9TRB").submit(api, en),
            ).form
            assertEquals("No connection. Your work is saved and will be sent later.", offline.formError)
            assertNull(offline.codeError)

            val badCode = SignInForm(code = "K7PD").withError(PasserelleException.InvalidEnrolmentCode(), en)
            assertEquals("This code does not work. Check it or ask for a new one.", badCode.codeError)
            assertNull(badCode.withCode("K7PD-M2QX-9TRB").codeError)
        }
    }
}
