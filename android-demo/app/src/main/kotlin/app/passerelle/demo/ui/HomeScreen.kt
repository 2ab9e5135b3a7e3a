// The home screen. A mentor sees their caseload (one `caseload()` call): each mentee's last
// contact, progress, next follow-up, next planned visit or call (or that none is planned),
// badges for late follow-ups and open concerns, and how many contacts over wait to be recorded;
// a tap opens the mentee. Anyone else sees their
// next visits and calls (answered with "I'll be there" or "Another time") above their
// conversations. The sync panel and the ways to the community resources and to "This phone"
// (download or remove my data) sit on top, and for a coordinator the ways to "Find a mentor"
// and to the "Mentors" they supervise.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material.icons.outlined.Schedule
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.R
import app.passerelle.demo.presentation.CaseloadRow
import app.passerelle.demo.presentation.Presentation

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun HomeScreen(api: Passerelle, bus: ChangeBus, p: Presentation, screen: Screen.Home, go: (Screen) -> Unit) {
    Scaffold(topBar = { TopAppBar(title = { Text(stringResource(R.string.home_title)) }) }) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            SyncPanel(api, p, Modifier.padding(horizontal = 16.dp))
            if (screen.coordinator) {
                SecondaryButton(stringResource(R.string.home_find_mentor), { go(Screen.ChooseSurvivor) }, Modifier.padding(horizontal = 16.dp))
                SecondaryButton(stringResource(R.string.home_mentors), { go(Screen.Mentors) }, Modifier.padding(horizontal = 16.dp))
            }
            SecondaryButton(stringResource(R.string.home_resources), { go(Screen.Resources) }, Modifier.padding(horizontal = 16.dp))
            SecondaryButton(stringResource(R.string.home_this_phone), { go(Screen.ThisPhone) }, Modifier.padding(horizontal = 16.dp))
            if (screen.mentor) Caseload(api, bus, p, go) else Conversations(api, bus, p, screen.ownerId, go)
        }
    }
}

@Composable
private fun Caseload(api: Passerelle, bus: ChangeBus, p: Presentation, go: (Screen) -> Unit) {
    val vm: CaseloadViewModel = viewModel { CaseloadViewModel(api, bus) }
    when (val state = vm.state.collectAsStateWithLifecycle().value) {
        Load.Loading -> Waiting()
        is Load.Failed -> Explain(p.errors.sentence(state.error), stringResource(R.string.retry), vm::reload)
        is Load.Loaded -> {
            val rows = p.caseload.rows(state.value, System.currentTimeMillis())
            if (rows.isEmpty()) {
                Text(stringResource(R.string.caseload_empty), modifier = Modifier.padding(16.dp))
            }
            LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
                items(rows, key = { it.mentorshipId }) { row ->
                    CaseloadCard(row) { go(Screen.Mentee(row.mentorshipId, row.name)) }
                }
            }
        }
    }
}

@Composable
private fun CaseloadCard(row: CaseloadRow, onOpen: () -> Unit) {
    OpenableCard(row.spoken, onOpen) {
        Text(row.name, style = MaterialTheme.typography.titleLarge)
        row.status?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
        row.concernBadge?.let {
            Badge(
                Icons.Filled.Warning,
                stringResource(R.string.badge_concern_icon),
                it,
                if (row.concernIsUrgent) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.tertiary,
            )
        }
        row.overdueBadge?.let {
            Badge(Icons.Outlined.Schedule, stringResource(R.string.badge_overdue_icon), it, MaterialTheme.colorScheme.error)
        }
        row.toRecord?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
        Text(row.lastContact)
        row.nextFollowUp?.let { Text(it) }
        Text(row.nextContact)
        Text(row.progress, style = MaterialTheme.typography.bodyMedium)
        for (need in row.needs) Text(need, style = MaterialTheme.typography.bodyMedium)
    }
}

@Composable
private fun Conversations(api: Passerelle, bus: ChangeBus, p: Presentation, ownerId: String?, go: (Screen) -> Unit) {
    val vm: MyMentorshipsViewModel = viewModel { MyMentorshipsViewModel(api, bus) }
    val upcoming: UpcomingViewModel = viewModel(key = "upcoming-all") { UpcomingViewModel(api, bus, null) }
    val mentorships = vm.state.collectAsStateWithLifecycle().value
    val upcomingState = upcoming.state.collectAsStateWithLifecycle().value
    val actionError = upcoming.actionError.collectAsStateWithLifecycle().value
    val nextContacts = stringResource(R.string.home_next_contacts)
    val messages = stringResource(R.string.mentee_messages)
    val retry = stringResource(R.string.retry)
    // The core offers "Record check-in" only to a contact's mentor, whose home is the caseload;
    // the cards follow the core here too rather than deciding who sees it.
    val forms = ContactForms(
        onChange = { row -> go(Screen.PlanContact(row.mentorshipId, row.contactId)) },
        onRecord = { row -> go(Screen.CheckIn(row.mentorshipId, null, plannedContactId = row.contactId)) },
    )
    // The next visits first: what a survivor most needs to know when they open the app.
    LazyColumn(contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        upcomingItems(nextContacts, upcomingState, ownerId, actionError, p, upcoming, forms)
        when (val state = mentorships) {
            Load.Loading -> item { Waiting() }
            is Load.Failed -> item {
                Column {
                    ErrorLine(p.errors.sentence(state.error))
                    SecondaryButton(retry, vm::reload)
                }
            }
            is Load.Loaded -> items(state.value, key = { it.id }) { mentorship ->
                SecondaryButton(messages, { go(Screen.Conversation(mentorship.id)) })
            }
        }
    }
}
