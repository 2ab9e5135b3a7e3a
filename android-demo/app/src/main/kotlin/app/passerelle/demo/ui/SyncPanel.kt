// The sync button with its progress ("Sending 3 of 10"), what the last sync did, why it failed,
// and the sync issues the core kept (refused changes, lost edits), each dismissible once read.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Sync
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
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

@Composable
fun SyncPanel(api: Passerelle, p: Presentation, modifier: Modifier = Modifier) {
    val vm: SyncViewModel = viewModel { SyncViewModel(api) }
    val state by vm.state.collectAsStateWithLifecycle()

    Column(modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Button(
            onClick = vm::sync,
            enabled = !state.running,
            modifier = Modifier.fillMaxWidth().heightIn(min = TouchTarget),
        ) {
            // The button's text names the action; the icon adds nothing for a screen reader.
            Icon(Icons.Filled.Sync, contentDescription = null)
            Text(
                stringResource(if (state.running) R.string.sync_running else R.string.sync_button),
                modifier = Modifier.padding(start = 8.dp),
            )
        }
        if (state.running) {
            val progress = state.progress
            val fraction = progress?.let { p.sync.fraction(it) }
            if (fraction != null) {
                LinearProgressIndicator(progress = { fraction }, modifier = Modifier.fillMaxWidth())
            } else {
                LinearProgressIndicator(modifier = Modifier.fillMaxWidth())
            }
            progress?.let { Text(p.sync.progress(it), style = MaterialTheme.typography.bodyMedium) }
        }
        // Announced when it appears: the result of pressing the button.
        val outcome = state.error?.let { p.errors.sentence(it) } ?: state.summary?.let { p.sync.summary(it) }
        outcome?.let {
            Text(
                it,
                color = if (state.error != null) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface,
                modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
            )
        }
        if (state.issues.isNotEmpty()) {
            SectionTitle(stringResource(R.string.sync_issues_title))
            for (issue in state.issues) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(p.sync.issue(issue), modifier = Modifier.weight(1f))
                    TextButton(onClick = { vm.dismiss(issue) }, modifier = Modifier.heightIn(min = TouchTarget)) {
                        Text(stringResource(R.string.sync_dismiss))
                    }
                }
            }
        }
    }
}
