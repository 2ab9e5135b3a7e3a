// One mentee: record a contact, open the conversation, the contacts over that wait to be
// recorded (one `contactsToRecord()` call, a "To record" section shown only when there are some;
// each with "Record check-in", which opens the check-in form filled in from it, and "Did not take
// place"), the next contact planned (one `upcomingContacts()` call; each with "Change", "Cancel"
// and, once it has started, "Record check-in"; and "Plan a contact"), and the past contacts (one
// `mentorshipTimeline()` call), each with a "Correct" button that opens the amend form.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.R
import app.passerelle.demo.presentation.Presentation

@Composable
fun MenteeScreen(api: Passerelle, bus: ChangeBus, p: Presentation, screen: Screen.Mentee, go: (Screen) -> Unit, back: () -> Unit) {
    val vm: MenteeViewModel = viewModel(key = "mentee-${screen.mentorshipId}") { MenteeViewModel(api, bus, screen.mentorshipId) }
    val state = vm.state.collectAsStateWithLifecycle().value
    val upcoming: UpcomingViewModel = viewModel(key = "upcoming-${screen.mentorshipId}") {
        UpcomingViewModel(api, bus, screen.mentorshipId)
    }
    val upcomingState = upcoming.state.collectAsStateWithLifecycle().value
    val actionError = upcoming.actionError.collectAsStateWithLifecycle().value
    val toRecord: UpcomingViewModel = viewModel(key = "to-record-${screen.mentorshipId}") {
        UpcomingViewModel(api, bus, screen.mentorshipId, ContactList.TO_RECORD)
    }
    val toRecordState = toRecord.state.collectAsStateWithLifecycle().value
    val toRecordError = toRecord.actionError.collectAsStateWithLifecycle().value
    val nextContact = stringResource(R.string.mentee_next_contact)
    val toRecordTitle = stringResource(R.string.mentee_to_record)
    val forms = ContactForms(
        onChange = { row -> go(Screen.PlanContact(screen.mentorshipId, row.contactId)) },
        onRecord = { row -> go(Screen.CheckIn(screen.mentorshipId, null, plannedContactId = row.contactId)) },
    )
    val now = System.currentTimeMillis()
    Scaffold(topBar = { BackBar(screen.name, back) }) { padding ->
        LazyColumn(
            modifier = Modifier.padding(padding),
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            item { BigButton(stringResource(R.string.mentee_record), { go(Screen.CheckIn(screen.mentorshipId, null)) }) }
            item { SecondaryButton(stringResource(R.string.mentee_messages), { go(Screen.Conversation(screen.mentorshipId)) }) }
            // What is left undone first: a contact over waits for its check-in.
            toRecordItems(toRecordTitle, toRecordState, toRecordError, p, toRecord, forms)
            upcomingItems(nextContact, upcomingState, null, actionError, p, upcoming, forms)
            item { SecondaryButton(stringResource(R.string.mentee_plan), { go(Screen.PlanContact(screen.mentorshipId, null)) }) }
            item { SectionTitle(stringResource(R.string.mentee_contacts)) }
            when (state) {
                Load.Loading -> item { Waiting() }
                is Load.Failed -> item { ErrorLine(p.errors.sentence(state.error)) }
                is Load.Loaded -> {
                    val rows = p.contacts.rows(state.value, now)
                    if (rows.isEmpty()) item { Text(stringResource(R.string.mentee_no_contacts)) }
                    items(rows, key = { it.checkinId }) { row ->
                        Card(Modifier.fillMaxWidth()) {
                            Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically) {
                                Column(
                                    Modifier
                                        .weight(1f)
                                        .semantics(mergeDescendants = true) { contentDescription = row.spoken },
                                ) {
                                    Text(row.summary)
                                    row.wellbeing?.let { Text(it.label(p.strings), style = MaterialTheme.typography.bodyMedium) }
                                    row.corrected?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
                                }
                                OutlinedButton(
                                    onClick = { go(Screen.CheckIn(screen.mentorshipId, row.checkinId)) },
                                    modifier = Modifier.heightIn(min = TouchTarget),
                                ) { Text(stringResource(R.string.mentee_correct)) }
                            }
                        }
                    }
                }
            }
        }
    }
}
