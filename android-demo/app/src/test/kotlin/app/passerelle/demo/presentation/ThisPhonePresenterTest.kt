// "This phone" against a real store: the owner's data comes out as JSON; removing it is refused
// while changes are unsent (nothing removed), then done when the person agrees to lose them,
// after which the phone has no one on it and its store opens only with the new key.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.test.fail
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class ThisPhonePresenterTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val en = ThisPhonePresenter(ResourceStrings.english, ErrorText(ResourceStrings.english))
    private val fr = ThisPhonePresenter(ResourceStrings.french, ErrorText(ResourceStrings.french))

    private val noRekey: (Passerelle) -> Unit = { fail("re-keyed although nothing was removed") }

    @Test
    fun theExportIsTheOwnersData() {
        TestProgramme(tmp.root).use { p ->
            p.mentee("Sophie")
            val json = assertIs<Export.Ready>(en.export(p.api)).json
            assertTrue(json.startsWith("{") && json.endsWith("}"), json.take(80))
            assertTrue("\"person_id\":\"${p.mentor.id}\"" in json, "the owner's id: ${json.take(200)}")
            assertTrue("\"records\"" in json)
        }
    }

    @Test
    fun unsentChangesStopTheWipeAndNothingIsRemoved() {
        TestProgramme(tmp.root).use { p ->
            p.mentee("Sophie")
            val unsent = p.api.outboxLen()
            assertTrue(unsent > 0u, "the programme's records were written here and never sent")
            val people = p.api.people(null).size

            assertEquals(WipeStep.Confirm, en.ask())
            val step = en.confirm(p.api, noRekey)
            assertEquals(WipeStep.ConfirmDiscard(unsent), step)
            assertEquals("$unsent changes have not been sent yet. Sync first, or remove them without sending.", en.sentence(step))
            assertEquals(
                "$unsent modifications n'ont pas encore été envoyées. Synchronisez d'abord, ou effacez-les sans les envoyer.",
                fr.sentence(step),
            )
            assertEquals(people, p.api.people(null).size)
            assertEquals(p.mentor.id, p.api.deviceOwner()?.id)
            assertEquals(unsent, p.api.outboxLen())

            // "Sync first" goes back to the start; the screen starts the sync itself.
            assertEquals(WipeStep.Idle, en.cancel())
            assertNull(en.sentence(WipeStep.Idle))
        }
    }

    @Test
    fun removingThemTooEmptiesThePhoneAndChangesTheKey() {
        val path = File(tmp.root, "passerelle.db").absolutePath
        val newKey = randomKey()
        TestProgramme(tmp.root).use { p ->
            p.mentee("Sophie")
            val unsent = p.api.outboxLen()
            var rekeyed = 0
            // What the app's key store does: the store takes the new key, and the same array is
            // then wrapped and kept, so the bindings must leave it as it was.
            val given = newKey.copyOf()
            val rekey: (Passerelle) -> Unit = { api ->
                rekeyed++
                api.rekey(given)
                assertTrue(given.contentEquals(newKey), "rekey changed the caller's key")
            }

            val done = assertIs<WipeStep.Done>(en.discardUnsent(p.api, rekey))
            assertEquals(1, rekeyed)
            assertEquals(unsent, done.summary.unsentDiscarded)
            assertTrue(done.summary.recordsRemoved > 0u)
            assertEquals(listOf(), p.api.people(null))
            assertNull(p.api.deviceOwner())
            assertEquals(0uL, p.api.outboxLen())
            // Never enrolled, so no server to tell: the sentence says the old sign-in lapses.
            assertEquals(
                "Removed. This phone is ready for someone else. The server could not be reached. " +
                    "The old sign-in will stop working on its own.",
                en.sentence(done),
            )
        }
        Passerelle.open(path, newKey).use { api -> assertNull(api.deviceOwner()) }
    }

    @Test
    fun anEmptyPhoneIsRemovedAtOnce() {
        Passerelle.open(File(tmp.root, "passerelle.db").absolutePath, randomKey()).use { api ->
            var rekeyed = false
            val done = assertIs<WipeStep.Done>(fr.confirm(api) { rekeyed = true })
            assertTrue(rekeyed)
            assertEquals(0uL, done.summary.unsentDiscarded)
            val signedOut = done.copy(summary = done.summary.copy(signedOut = true))
            assertEquals("Effacé. Ce téléphone est prêt pour quelqu'un d'autre.", fr.sentence(signedOut))
        }
    }

    @Test
    fun aFailedRekeyIsAFailureToTryAgain() {
        Passerelle.open(File(tmp.root, "passerelle.db").absolutePath, randomKey()).use { api ->
            val failed = assertIs<WipeStep.Failed>(en.confirm(api) { throw PasserelleException.DiskFull() })
            assertEquals("Your phone is full. Free some space, then try again.", en.sentence(failed))
            assertIs<WipeStep.Done>(en.confirm(api) {})
        }
    }

    @Test
    fun theUnsentChangesErrorIsASentence() {
        val errors = ErrorText(ResourceStrings.english)
        val french = ErrorText(ResourceStrings.french)
        assertEquals("1 change on this phone has not been sent yet.", errors.sentence(PasserelleException.UnsentChanges(1uL)))
        assertEquals("4 changes on this phone have not been sent yet.", errors.sentence(PasserelleException.UnsentChanges(4uL)))
        assertEquals(
            "1 modification de ce téléphone n'a pas encore été envoyée.",
            french.sentence(PasserelleException.UnsentChanges(1uL)),
        )
        assertEquals(
            "4 modifications de ce téléphone n'ont pas encore été envoyées.",
            french.sentence(PasserelleException.UnsentChanges(4uL)),
        )
        assertEquals(
            "1 modification n'a pas encore été envoyée. Synchronisez d'abord, ou effacez-la sans l'envoyer.",
            fr.sentence(WipeStep.ConfirmDiscard(1uL)),
        )
        // A count past what a quantity string takes is still a sentence, not a crash.
        assertTrue(errors.sentence(PasserelleException.UnsentChanges(ULong.MAX_VALUE)).endsWith("have not been sent yet."))
    }

    @Test
    fun theNewTextsExistInBothLanguages() {
        for ((strings, p) in listOf(ResourceStrings.english to en, ResourceStrings.french to fr)) {
            for (key in listOf(Text.WIPE_CONFIRM, Text.WIPE_DONE, Text.WIPE_NOT_SIGNED_OUT)) {
                assertTrue(strings.text(key).endsWith("."), "${key.key}")
            }
            assertEquals(strings.text(Text.WIPE_CONFIRM), p.sentence(WipeStep.Confirm))
            assertEquals("Nope.", p.sentence(WipeStep.Failed("Nope.")))
        }
        assertEquals(
            "Everything about you on this phone will be removed. The places to find help stay.",
            en.sentence(WipeStep.Confirm),
        )
        assertEquals("Tout ce qui vous concerne sur ce téléphone sera effacé. Les lieux d'aide restent.", fr.sentence(WipeStep.Confirm))
        // The screen's own texts (not the presenter's): read by the app through R.string.
        val screens = listOf(
            "home_this_phone", "this_phone_export", "this_phone_export_hint", "this_phone_share_title", "this_phone_wipe",
            "this_phone_wipe_hint", "this_phone_keep", "this_phone_remove", "this_phone_sync_first", "this_phone_discard",
            "this_phone_removing", "this_phone_continue",
        )
        for (dir in listOf("values", "values-fr")) {
            val file = ResourceFile(File(resDir(), "$dir/strings.xml"))
            for (name in screens) assertTrue(file.rawStrings[name]?.isNotBlank() == true, "$dir: $name")
        }
        assertEquals("Download my data", ResourceFile(File(resDir(), "values/strings.xml")).rawStrings["this_phone_export"])
        assertEquals(
            "Effacer mes données de ce téléphone",
            ResourceFile(File(resDir(), "values-fr/strings.xml")).rawStrings["this_phone_wipe"],
        )
    }
}
