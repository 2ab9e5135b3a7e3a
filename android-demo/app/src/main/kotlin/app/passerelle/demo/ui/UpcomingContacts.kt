// Planned contacts as cards, shared by the survivor's Home ("Next contacts", with "I'll be there"
// and "Another time") and the mentor's Mentee screen ("Next contact", with "Change", "Cancel" and
// "Record check-in"; and "To record", the contacts over that wait for a check-in, with "Record
// check-in" and "Did not take place"). Which buttons show, and the cancel button's words, are
// the core's answer (`canAnswer`, `canChange`, `canCancel`, `canRecord`) carried by the
// presenter's row; every tap is one binding call or opens a form, and the change bus reloads
// the cards after it.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.outlined.EventBusy
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.selected
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.passerelle.core.ContactReply
import app.passerelle.core.UpcomingContact
import app.passerelle.demo.R
import app.passerelle.demo.presentation.Presentation
import app.passerelle.demo.presentation.UpcomingRow

/** What a card's buttons open: the form that moves a contact, and the form that records it. */
class ContactForms(val onChange: (UpcomingRow) -> Unit, val onRecord: (UpcomingRow) -> Unit)

/**
 * The cards of [state] (loading, failed, or the rows, or the sentence saying there are none),
 * under the section title [title]. [ownerId], the person signed in when the screen knows them,
 * turns their own answer into "You said…".
 */
fun LazyListScope.upcomingItems(
    title: String,
    state: Load<List<UpcomingContact>>,
    ownerId: String?,
    actionError: String?,
    p: Presentation,
    vm: UpcomingViewModel,
    forms: ContactForms,
) {
    item { SectionTitle(title) }
    when (state) {
        Load.Loading -> item { Waiting() }
        is Load.Failed -> item { ErrorLine(p.errors.sentence(state.error)) }
        is Load.Loaded -> {
            val upcoming = p.upcoming.list(state.value, System.currentTimeMillis(), ownerId)
            upcoming.empty?.let { item { Text(it) } }
            contactCards("contact", upcoming.rows, p, vm, forms)
            item { ErrorLine(actionError) }
        }
    }
}

/**
 * The contacts over that wait for a check-in ([state], from `contactsToRecord()`), under
 * [title]. Nothing at all while there are none (or while loading): a section saying "nothing to
 * record" would only be noise on the mentor's screen.
 */
fun LazyListScope.toRecordItems(
    title: String,
    state: Load<List<UpcomingContact>>,
    actionError: String?,
    p: Presentation,
    vm: UpcomingViewModel,
    forms: ContactForms,
) {
    val rows = when (state) {
        Load.Loading -> return
        is Load.Failed -> {
            item { SectionTitle(title) }
            item { ErrorLine(p.errors.sentence(state.error)) }
            return
        }
        is Load.Loaded -> p.upcoming.toRecord(state.value, System.currentTimeMillis())
    }
    if (rows.isEmpty()) return
    item { SectionTitle(title) }
    contactCards("record", rows, p, vm, forms)
    item { ErrorLine(actionError) }
}

/**
 * One card per row. [keyPrefix] keeps the keys of two sections apart: a contact that ends
 * between two loads may be in both for a moment.
 */
private fun LazyListScope.contactCards(keyPrefix: String, rows: List<UpcomingRow>, p: Presentation, vm: UpcomingViewModel, forms: ContactForms) {
    items(rows, key = { "$keyPrefix-${it.contactId}" }) { row ->
        UpcomingCard(
            row = row,
            onReply = { reply -> vm.reply(p.upcoming, row.contactId, reply) },
            onCancel = { vm.cancel(p.upcoming, row.contactId) },
            onChange = { forms.onChange(row) },
            onRecord = { forms.onRecord(row) },
        )
    }
}

@Composable
private fun UpcomingCard(
    row: UpcomingRow,
    onReply: (ContactReply) -> Unit,
    onCancel: () -> Unit,
    onChange: () -> Unit,
    onRecord: () -> Unit,
) {
    // "Cancel" (or "Did not take place") asks once more in place: it cannot be taken back.
    var confirming by remember(row.contactId) { mutableStateOf(false) }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            // One item for a screen reader: the presenter's sentence.
            Column(
                Modifier
                    .fillMaxWidth()
                    .semantics(mergeDescendants = true) { contentDescription = row.spoken },
                verticalArrangement = Arrangement.spacedBy(4.dp),
            ) {
                Text(row.title, style = MaterialTheme.typography.titleLarge)
                row.cancelled?.let {
                    // The word says it; the icon is decoration.
                    Row {
                        Icon(Icons.Outlined.EventBusy, contentDescription = null, tint = MaterialTheme.colorScheme.error)
                        Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(start = 4.dp))
                    }
                }
                Text(row.starts)
                Text(row.duration)
                row.place?.let { Text(it) }
                row.note?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                row.answer?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
                row.recorded?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
            }
            if (row.canAnswer) {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(top = 8.dp)) {
                    AnswerButton(stringResource(R.string.contact_accept), row.reply == ContactReply.ACCEPTED, Modifier.weight(1f)) {
                        onReply(ContactReply.ACCEPTED)
                    }
                    AnswerButton(stringResource(R.string.contact_decline), row.reply == ContactReply.DECLINED, Modifier.weight(1f)) {
                        onReply(ContactReply.DECLINED)
                    }
                }
            }
            if (row.canRecord) {
                BigButton(stringResource(R.string.contact_record), onRecord, Modifier.padding(top = 8.dp))
            }
            if (row.canChange || row.canCancel) {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(top = 8.dp)) {
                    if (confirming) {
                        OutlinedButton(onClick = { confirming = false }, modifier = Modifier.weight(1f).heightIn(min = TouchTarget)) {
                            Text(stringResource(R.string.contact_keep))
                        }
                        Button(
                            onClick = {
                                confirming = false
                                onCancel()
                            },
                            modifier = Modifier.weight(1f).heightIn(min = TouchTarget),
                        ) { Text(row.cancelConfirm) }
                    } else {
                        if (row.canChange) {
                            OutlinedButton(onClick = onChange, modifier = Modifier.weight(1f).heightIn(min = TouchTarget)) {
                                Text(stringResource(R.string.contact_change))
                            }
                        }
                        if (row.canCancel) {
                            OutlinedButton(onClick = { confirming = true }, modifier = Modifier.weight(1f).heightIn(min = TouchTarget)) {
                                Text(row.cancelAction)
                            }
                        }
                    }
                }
            }
        }
    }
}

/** An answer: filled with a tick once chosen, so the choice does not rest on colour alone. */
@Composable
private fun AnswerButton(text: String, chosen: Boolean, modifier: Modifier, onClick: () -> Unit) {
    val content: @Composable () -> Unit = {
        if (chosen) Icon(Icons.Filled.Check, contentDescription = null, modifier = Modifier.padding(end = 4.dp))
        Text(text)
    }
    val sized = modifier.heightIn(min = TouchTarget).semantics { selected = chosen }
    if (chosen) {
        Button(onClick = onClick, modifier = sized) { content() }
    } else {
        OutlinedButton(onClick = onClick, modifier = sized) { content() }
    }
}
