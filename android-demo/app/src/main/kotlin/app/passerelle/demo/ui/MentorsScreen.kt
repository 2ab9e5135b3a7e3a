// The supervising professional's "Mentors" screen: every mentor of the programme with their
// load, training and last supervision, those needing attention first (one `mentorRoster()`
// call, in the core's order). Read only: a row opens nothing, so it is not a button; recording
// a course or a supervision, or any write a sync brings, reloads it through the change bus.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.core.MentorStanding
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.R
import app.passerelle.demo.presentation.Presentation
import app.passerelle.demo.presentation.RosterPresenter
import app.passerelle.demo.presentation.RosterRow

/** The roster: one `mentorRoster()` call, reloaded when what it is made from changes. */
class MentorRosterViewModel(private val api: Passerelle, bus: ChangeBus) :
    LiveScreen<List<MentorStanding>>(bus, RosterPresenter.WATCHED) {
    init { reload() }

    override fun load(): List<MentorStanding> = api.mentorRoster()
}

@Composable
fun MentorsScreen(api: Passerelle, bus: ChangeBus, p: Presentation, back: () -> Unit) {
    val vm: MentorRosterViewModel = viewModel { MentorRosterViewModel(api, bus) }
    val state = vm.state.collectAsStateWithLifecycle().value
    Scaffold(topBar = { BackBar(stringResource(R.string.home_mentors), back) }) { padding ->
        LazyColumn(
            modifier = Modifier.padding(padding),
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            when (state) {
                Load.Loading -> item { Waiting() }
                is Load.Failed -> item { ErrorLine(p.errors.sentence(state.error)) }
                is Load.Loaded -> {
                    val roster = p.roster.list(state.value, System.currentTimeMillis())
                    roster.empty?.let { item { Text(it) } }
                    // Why the list is not alphabetical, once, above it.
                    if (roster.rows.isNotEmpty()) item { Text(stringResource(R.string.roster_order)) }
                    items(roster.rows, key = { it.mentorId }) { row -> MentorCard(row) }
                }
            }
        }
    }
}

@Composable
private fun MentorCard(row: RosterRow) {
    Card(
        modifier = Modifier
            .fillMaxWidth()
            .heightIn(min = TouchTarget)
            // Read as one item: the presenter's sentence. No role or action: a tap does nothing.
            .clearAndSetSemantics { contentDescription = row.spoken },
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(row.name, style = MaterialTheme.typography.titleLarge)
            Text(row.load)
            row.proposed?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            if (row.trained) {
                Text(row.training)
            } else {
                // Marked with an icon as well as words and colour: the first thing a supervisor acts on.
                Badge(Icons.Filled.Warning, stringResource(R.string.badge_concern_icon), row.training, MaterialTheme.colorScheme.error)
            }
            Text(row.supervision)
        }
    }
}
