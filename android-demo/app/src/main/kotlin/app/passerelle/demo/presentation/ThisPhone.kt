// "This phone": a copy of everything the phone holds about its owner ("Download my data"), and
// removing all of it before the phone is handed back or passed on. What is personal, what may
// go and when unsent work blocks it are the core's to decide; this only walks a person through
// the few steps (ask, warn about unsent changes, done) and words each one.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.WipeSummary

/** Where removing this phone's data has got. */
sealed interface WipeStep {
    /** Nothing asked. */
    data object Idle : WipeStep

    /** Waiting for a yes before anything is removed. */
    data object Confirm : WipeStep

    /** The core refused: [unsent] changes made here have not reached the server. Nothing was removed. */
    data class ConfirmDiscard(val unsent: ULong) : WipeStep

    /** Everything personal is gone and the store has its new key. */
    data class Done(val summary: WipeSummary) : WipeStep

    data class Failed(val sentence: String) : WipeStep
}

/** What "Download my data" produced. */
sealed interface Export {
    /** JSON text, handed as it is to the share sheet. */
    data class Ready(val json: String) : Export

    data class Failed(val sentence: String) : Export
}

class ThisPhonePresenter(private val strings: Strings, private val errors: ErrorText) {
    /** Everything this phone holds about its owner (blocking: one read transaction). */
    fun export(api: Passerelle): Export = try {
        Export.Ready(api.exportMyData())
    } catch (e: PasserelleException) {
        Export.Failed(errors.sentence(e))
    }

    /** "Remove my data from this phone": ask before anything goes. */
    fun ask(): WipeStep = WipeStep.Confirm

    /** "Keep my data", or "Sync first" (the screen then starts the sync): nothing removed. */
    fun cancel(): WipeStep = WipeStep.Idle

    /**
     * The person said yes. Blocking: a transaction, and the network to end the session on the
     * server. [rekey] runs once the data is gone and gives the store a new key (the app's key
     * store does it); only then is the step [WipeStep.Done].
     */
    fun confirm(api: Passerelle, rekey: (Passerelle) -> Unit): WipeStep = wipe(api, discardUnsent = false, rekey)

    /** The person agreed to lose the changes not sent yet. */
    fun discardUnsent(api: Passerelle, rekey: (Passerelle) -> Unit): WipeStep = wipe(api, discardUnsent = true, rekey)

    private fun wipe(api: Passerelle, discardUnsent: Boolean, rekey: (Passerelle) -> Unit): WipeStep {
        val summary = try {
            api.wipeDeviceData(discardUnsent)
        } catch (e: PasserelleException.UnsentChanges) {
            return WipeStep.ConfirmDiscard(e.count)
        } catch (e: PasserelleException) {
            return WipeStep.Failed(errors.sentence(e))
        }
        return try {
            rekey(api)
            WipeStep.Done(summary)
        } catch (e: Exception) {
            // The data is gone but the old key still opens the store. Trying again wipes an
            // empty store and makes a new key again, so "Failed" is the honest answer.
            WipeStep.Failed(errors.sentence(e))
        }
    }

    /** The sentence the screen shows for [step]; `null` when there is nothing to say. */
    fun sentence(step: WipeStep): String? = when (step) {
        WipeStep.Idle -> null
        WipeStep.Confirm -> strings.text(Text.WIPE_CONFIRM)
        is WipeStep.ConfirmDiscard -> strings.plural(Plural.WIPE_UNSENT, step.unsent)
        is WipeStep.Done -> listOfNotNull(
            strings.text(Text.WIPE_DONE),
            if (step.summary.signedOut) null else strings.text(Text.WIPE_NOT_SIGNED_OUT),
        ).joinToString(" ")
        is WipeStep.Failed -> step.sentence
    }
}
