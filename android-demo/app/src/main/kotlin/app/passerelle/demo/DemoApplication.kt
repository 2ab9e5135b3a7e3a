// The app's one Passerelle store, opened once off the main thread with the Keystore-held key,
// shared by every screen; the bus that tells screens which data changed; and whether syncs
// bring voice notes' sounds, which follows the network (not on mobile data).
package app.passerelle.demo

import android.app.Application
import android.content.pm.ApplicationInfo
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import app.passerelle.ChangeObserver
import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import java.io.File
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/** Where opening the store is. */
sealed class StoreState {
    data object Opening : StoreState()
    data class Ready(val api: Passerelle) : StoreState()

    /** The file is intact but its key is gone (or it is damaged): sign in again into a new file. */
    data class Unreadable(val error: Throwable) : StoreState()

    data class Failed(val error: Throwable) : StoreState()
}

/**
 * Told by the bindings, on the writing thread, which collections changed after each commit and
 * sync; screens collect [changes] and reload what they show. Kept short, as the bindings ask.
 */
class ChangeBus : ChangeObserver {
    private val flow = MutableSharedFlow<List<String>>(extraBufferCapacity = 64)
    val changes: SharedFlow<List<String>> get() = flow

    override fun onChange(collections: List<String>) {
        flow.tryEmit(collections)
    }
}

class DemoApplication : Application() {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO)
    private val keys by lazy { DatabaseKeyStore(this) }
    private val database by lazy { File(noBackupFilesDir, "passerelle.db") }
    private val state = MutableStateFlow<StoreState>(StoreState.Opening)
    private val connectivity by lazy { getSystemService(ConnectivityManager::class.java) }

    val store: StateFlow<StoreState> get() = state
    val changeBus = ChangeBus()

    override fun onCreate() {
        super.onCreate()
        followMeteredNetwork()
        open()
    }

    /**
     * Voice notes' sounds come with each sync on Wi-Fi, and on a metered network (mobile data)
     * only when one is played (`fetchVoiceNote`). The core does not keep the choice: it is said
     * after the store opens ([open]) and again whenever the default network changes.
     */
    private fun followMeteredNetwork() {
        connectivity.registerDefaultNetworkCallback(object : ConnectivityManager.NetworkCallback() {
            override fun onCapabilitiesChanged(network: Network, capabilities: NetworkCapabilities) {
                val metered = !capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
                // No disk or network behind it: fine on the callback's thread.
                (state.value as? StoreState.Ready)?.api?.setVoiceNotesInSync(!metered)
            }
        })
    }

    private fun open() {
        state.value = StoreState.Opening
        scope.launch {
            state.value = try {
                val key = keys.loadOrCreate()
                val api = try {
                    Passerelle.open(database.absolutePath, key)
                } finally {
                    key.fill(0) // the bindings wiped their copy; wipe ours
                }
                api.setChangeObserver(changeBus)
                // A debug build only: the emulator reaches the development server on the host
                // machine as 10.0.2.2, over plain HTTP. A release build keeps HTTPS only
                // (plain HTTP to this phone itself aside).
                if ((applicationInfo.flags and ApplicationInfo.FLAG_DEBUGGABLE) != 0) {
                    api.allowCleartextHttpForDevelopment(EMULATOR_HOST)
                }
                StoreState.Ready(api)
            } catch (e: KeyLostException) {
                StoreState.Unreadable(e)
            } catch (e: PasserelleException.WrongKey) {
                StoreState.Unreadable(e)
            } catch (e: PasserelleException.Corrupt) {
                StoreState.Unreadable(e)
            } catch (e: Exception) {
                StoreState.Failed(e)
            }
            // Said once Ready: from then on the network callback says it at each change. No
            // network at all counts as metered.
            (state.value as? StoreState.Ready)?.api?.setVoiceNotesInSync(!connectivity.isActiveNetworkMetered)
        }
    }

    private companion object {
        /** The development machine as the Android emulator sees it (see `SignInViewModel`). */
        const val EMULATOR_HOST = "10.0.2.2"
    }

    /**
     * After "Remove my data from this phone": the open store takes a new key and the old one is
     * destroyed, so the wiped file's old pages cannot be read with it. Blocking: off the main thread.
     */
    fun rotateKey(api: Passerelle) = keys.rotate { api.rekey(it) }

    /** Tries to open again (after "Try again"). */
    fun retry() = open()

    /**
     * After the key was lost: moves the unreadable database aside — never deleted, a support
     * person may still recover it with the old key — forgets the key, and opens a new, empty
     * store. The person then signs in and their data comes back from the server.
     */
    fun startAgain() {
        scope.launch {
            // The journal files follow the database's new name, so SQLite still pairs them.
            val aside = "${database.name}.unreadable-${System.currentTimeMillis()}"
            for (journal in listOf("", "-wal", "-shm")) {
                val file = File(noBackupFilesDir, database.name + journal)
                if (file.exists()) file.renameTo(File(noBackupFilesDir, aside + journal))
            }
            keys.forget()
            open()
        }
    }
}
