// A conversation: the messages (one `conversation()` call) with who, when and where each of
// mine is — waiting, sent, delivered, read — in words and an icon; the unread count; a box to
// write and a 48 dp send button. Sending works offline: the message waits for the next sync.
// Voice notes: "Record a voice note" (one tap, no holding: the microphone permission is asked
// the first time), then "Stop and send" or "Cancel" under the time recorded; each note shows
// its length and a 48 dp play button named for TalkBack ("Play voice note from Sophie, 42
// seconds"), its caption under it; one still on its way says so, and its 48 dp button downloads
// it now and plays it ("Download and play voice note from Sophie"; a spinner meanwhile) — what a
// phone on mobile data does, since its syncs leave sounds out.
package app.passerelle.demo.ui

import android.Manifest
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Circle
import androidx.compose.material.icons.filled.Done
import androidx.compose.material.icons.filled.DoneAll
import androidx.compose.material.icons.filled.Download
import androidx.compose.material.icons.filled.Mic
import androidx.compose.material.icons.filled.PlayArrow
import androidx.compose.material.icons.filled.Stop
import androidx.compose.material.icons.outlined.DoneAll
import androidx.compose.material.icons.outlined.Schedule
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.FilledIconButton
import androidx.compose.material3.FilledTonalIconButton
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.R
import app.passerelle.demo.presentation.MessageRow
import app.passerelle.demo.presentation.Presentation
import app.passerelle.demo.presentation.StatusIcon

@Composable
fun ConversationScreen(api: Passerelle, bus: ChangeBus, p: Presentation, mentorshipId: String, back: () -> Unit) {
    val context = LocalContext.current
    val vm: ConversationViewModel = viewModel(key = "conversation-$mentorshipId") {
        ConversationViewModel(api, bus, mentorshipId, VoiceRecorder(context.cacheDir))
    }
    val state by vm.state.collectAsStateWithLifecycle()
    val draft by vm.draft.collectAsStateWithLifecycle()
    val sendError by vm.sendError.collectAsStateWithLifecycle()
    val recordingMs by vm.recordingMs.collectAsStateWithLifecycle()
    val recordProblem by vm.recordProblem.collectAsStateWithLifecycle()
    val playing by vm.playing.collectAsStateWithLifecycle()
    val fetching by vm.fetching.collectAsStateWithLifecycle()
    val askMicrophone = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) vm.startRecording() else vm.microphoneRefused()
    }
    val record = {
        if (context.checkSelfPermission(Manifest.permission.RECORD_AUDIO) == PackageManager.PERMISSION_GRANTED) {
            vm.startRecording()
        } else {
            askMicrophone.launch(Manifest.permission.RECORD_AUDIO)
        }
    }

    Scaffold(topBar = { BackBar(stringResource(R.string.conversation_title), back) }) { padding ->
        Column(Modifier.padding(padding).fillMaxSize().imePadding()) {
            when (val s = state) {
                Load.Loading -> Waiting()
                is Load.Failed -> ErrorLine(p.errors.sentence(s.error), Modifier.padding(16.dp))
                is Load.Loaded -> {
                    val view = p.conversation.view(s.value, System.currentTimeMillis())
                    // New messages arrived while the screen is open: they are being read now.
                    LaunchedEffect(s.value.unread) { if (s.value.unread > 0u) vm.markRead() }
                    Text(view.unread, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(16.dp, 8.dp))
                    if (view.rows.isEmpty()) Text(stringResource(R.string.conversation_empty), Modifier.padding(16.dp))
                    val list = rememberLazyListState()
                    LaunchedEffect(view.rows.size) { if (view.rows.isNotEmpty()) list.scrollToItem(view.rows.lastIndex) }
                    LazyColumn(
                        state = list,
                        modifier = Modifier.weight(1f),
                        contentPadding = PaddingValues(16.dp),
                        verticalArrangement = Arrangement.spacedBy(8.dp),
                    ) {
                        items(view.rows, key = { it.id }) { row -> Bubble(row, playing == row.id, fetching == row.id, vm::play) }
                    }
                }
            }
            sendError?.let { ErrorLine(p.errors.sentence(it), Modifier.padding(horizontal = 16.dp)) }
            recordProblem?.let { ErrorLine(stringResource(recordProblemText(it)), Modifier.padding(horizontal = 16.dp)) }
            val recording = recordingMs
            if (recording != null) {
                Recording(p.conversation.recording(recording), vm::stopAndSend, vm::cancelRecording)
            } else {
                Row(
                    verticalAlignment = Alignment.CenterVertically,
                    horizontalArrangement = Arrangement.spacedBy(8.dp),
                    modifier = Modifier.fillMaxWidth().padding(16.dp),
                ) {
                    OutlinedTextField(
                        value = draft,
                        onValueChange = { vm.draft.value = it },
                        label = { Text(stringResource(R.string.conversation_write)) },
                        keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
                        modifier = Modifier.weight(1f),
                    )
                    FilledIconButton(onClick = vm::send, modifier = Modifier.size(56.dp)) {
                        Icon(Icons.AutoMirrored.Filled.Send, contentDescription = stringResource(R.string.conversation_send))
                    }
                }
                OutlinedButton(
                    onClick = record,
                    modifier = Modifier.padding(start = 16.dp, end = 16.dp, bottom = 16.dp).fillMaxWidth().heightIn(min = 56.dp),
                ) {
                    // The button's words name it; the icon is decoration.
                    Icon(Icons.Filled.Mic, contentDescription = null)
                    Text(stringResource(R.string.conversation_record), Modifier.padding(start = 8.dp))
                }
            }
        }
    }
}

/** While recording: the time so far, "Stop and send" and "Cancel", each 56 dp high. */
@Composable
private fun Recording(elapsed: String, stopAndSend: () -> Unit, cancel: () -> Unit) {
    Column(Modifier.fillMaxWidth().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(elapsed, style = MaterialTheme.typography.titleMedium)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = stopAndSend, modifier = Modifier.weight(1f).heightIn(min = 56.dp)) {
                Text(stringResource(R.string.conversation_record_stop))
            }
            OutlinedButton(onClick = cancel, modifier = Modifier.weight(1f).heightIn(min = 56.dp)) {
                Text(stringResource(R.string.conversation_record_cancel))
            }
        }
    }
}

private fun recordProblemText(problem: RecordProblem): Int = when (problem) {
    RecordProblem.NO_MICROPHONE -> R.string.conversation_record_no_microphone
    RecordProblem.FAILED -> R.string.conversation_record_failed
    RecordProblem.CANNOT_PLAY -> R.string.conversation_voice_cannot_play
}

@Composable
private fun Bubble(row: MessageRow, playing: Boolean, fetching: Boolean, play: (String, Boolean) -> Unit) {
    Row(Modifier.fillMaxWidth(), horizontalArrangement = if (row.mine) Arrangement.End else Arrangement.Start) {
        Card(
            colors = if (row.mine) {
                CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer)
            } else {
                CardDefaults.cardColors()
            },
            modifier = Modifier.widthIn(max = 320.dp),
        ) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                // A voice note's button, its own item for a screen reader, beside the text: play,
                // or for one on its way, download and play.
                val voice = row.voice
                val label = voice?.play ?: voice?.fetch
                if (voice != null && label != null) {
                    val fetches = voice.play == null
                    FilledTonalIconButton(
                        onClick = { play(row.id, fetches) },
                        enabled = !fetching,
                        modifier = Modifier.padding(start = 8.dp).size(TouchTarget),
                    ) {
                        when {
                            fetching -> {
                                val downloading = stringResource(R.string.conversation_voice_fetching)
                                CircularProgressIndicator(modifier = Modifier.size(24.dp).semantics { contentDescription = downloading })
                            }
                            playing -> Icon(Icons.Filled.Stop, contentDescription = stringResource(R.string.conversation_voice_stop))
                            fetches -> Icon(Icons.Filled.Download, contentDescription = label)
                            else -> Icon(Icons.Filled.PlayArrow, contentDescription = label)
                        }
                    }
                }
                // One item for a screen reader: "Marc, 10:42, New: See you Thursday?".
                Column(Modifier.padding(12.dp).clearAndSetSemantics { contentDescription = row.spoken }) {
                    if (!row.mine) Text(row.sender, style = MaterialTheme.typography.labelLarge)
                    row.voice?.let { Text(it.label, style = MaterialTheme.typography.bodyLarge) }
                    // A voice note's caption, if any, under it.
                    if (row.body.isNotEmpty()) Text(row.body, style = MaterialTheme.typography.bodyLarge)
                    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(4.dp)) {
                        Text(row.time, style = MaterialTheme.typography.bodySmall)
                        icon(row.icon)?.let { Icon(it, contentDescription = null, modifier = Modifier.size(16.dp)) }
                        row.status?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
                    }
                }
            }
        }
    }
}

/** The status icons; the status is always written next to them, so the icon is decoration. */
private fun icon(icon: StatusIcon): ImageVector? = when (icon) {
    StatusIcon.CLOCK -> Icons.Outlined.Schedule
    StatusIcon.ONE_TICK -> Icons.Filled.Done
    StatusIcon.TWO_TICKS -> Icons.Outlined.DoneAll
    StatusIcon.TWO_TICKS_FILLED -> Icons.Filled.DoneAll
    StatusIcon.NEW_DOT -> Icons.Filled.Circle
    StatusIcon.NONE -> null
}
