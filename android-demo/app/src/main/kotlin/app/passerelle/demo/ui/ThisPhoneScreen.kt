// "This phone": download what the phone keeps about its owner (one `exportMyData()` call, handed
// to the share sheet), and remove it all before the phone is given back or passed on (one
// `wipeDeviceData()` call, asked for first, then a new database key and back to sign-in).
package app.passerelle.demo.ui

import android.content.Intent
import androidx.activity.compose.BackHandler
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.demo.R
import app.passerelle.demo.presentation.Presentation
import app.passerelle.demo.presentation.WipeStep

@Composable
fun ThisPhoneScreen(
    api: Passerelle,
    p: Presentation,
    rotateKey: (Passerelle) -> Unit,
    back: () -> Unit,
    onWiped: () -> Unit,
) {
    val vm: ThisPhoneViewModel = viewModel { ThisPhoneViewModel(api, rotateKey) }
    // The home screen's sync, shared: "Sync first" starts it here and shows its progress.
    val sync: SyncViewModel = viewModel { SyncViewModel(api) }
    val step by vm.step.collectAsStateWithLifecycle()
    val removing by vm.removing.collectAsStateWithLifecycle()
    val exportError by vm.exportError.collectAsStateWithLifecycle()
    var syncShown by rememberSaveable { mutableStateOf(false) }
    val context = LocalContext.current
    val shareTitle = stringResource(R.string.this_phone_share_title)
    val presenter = p.thisPhone

    // Once removed there is nothing to go back to: back leads on to sign-in, like "Continue".
    val done = step is WipeStep.Done
    BackHandler(enabled = done, onBack = onWiped)

    Scaffold(topBar = { BackBar(stringResource(R.string.home_this_phone), if (done) onWiped else back) }) { padding ->
        Column(
            modifier = Modifier
                .padding(padding)
                .fillMaxSize()
                .verticalScroll(rememberScrollState())
                .padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            // Announced when it changes: each step is the answer to the button just pressed.
            presenter.sentence(step)?.takeIf { step !is WipeStep.Failed }?.let {
                Text(
                    it,
                    style = MaterialTheme.typography.titleLarge,
                    modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
                )
            }
            if (removing) {
                LinearProgressIndicator(modifier = Modifier.fillMaxWidth())
                Text(stringResource(R.string.this_phone_removing))
            }
            when (val s = step) {
                WipeStep.Idle, is WipeStep.Failed -> {
                    Text(stringResource(R.string.this_phone_export_hint))
                    SecondaryButton(stringResource(R.string.this_phone_export), {
                        vm.export(presenter) { json ->
                            // Text, not a file: nothing personal is written outside the
                            // encrypted store, so a later wipe leaves no copy behind.
                            val send = Intent(Intent.ACTION_SEND).apply {
                                type = "text/plain"
                                putExtra(Intent.EXTRA_TEXT, json)
                            }
                            try {
                                context.startActivity(Intent.createChooser(send, shareTitle))
                            } catch (e: RuntimeException) {
                                // Binder refuses extras past about 1 MB (TransactionTooLarge).
                                vm.exportFailed(p.errors.sentence(e))
                            }
                        }
                    })
                    ErrorLine(exportError)
                    Text(stringResource(R.string.this_phone_wipe_hint), modifier = Modifier.padding(top = 16.dp))
                    SecondaryButton(stringResource(R.string.this_phone_wipe), { vm.ask(presenter) })
                    ErrorLine((s as? WipeStep.Failed)?.sentence)
                    if (syncShown) SyncPanel(api, p)
                }
                WipeStep.Confirm -> {
                    BigButton(stringResource(R.string.this_phone_remove), { vm.confirm(presenter) }, enabled = !removing)
                    SecondaryButton(stringResource(R.string.this_phone_keep), { vm.cancel(presenter) })
                }
                is WipeStep.ConfirmDiscard -> {
                    BigButton(stringResource(R.string.this_phone_sync_first), {
                        vm.cancel(presenter)
                        syncShown = true
                        sync.sync()
                    }, enabled = !removing)
                    SecondaryButton(stringResource(R.string.this_phone_discard), { vm.discardUnsent(presenter) })
                    SecondaryButton(stringResource(R.string.this_phone_keep), { vm.cancel(presenter) })
                }
                is WipeStep.Done -> BigButton(stringResource(R.string.this_phone_continue), onWiped)
            }
        }
    }
}
