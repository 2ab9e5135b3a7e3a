// The coordinator's way into "Find a mentor": the waiting list, the survivors they are
// responsible for who have no mentorship under way, longest waiting first (one
// `survivorsAwaitingMentor()` call). A tap opens the mentors who could support that person;
// once a mentorship is proposed, the change bus reloads the list and they are no longer on it.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.core.AwaitingSurvivor
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.R
import app.passerelle.demo.presentation.Presentation
import app.passerelle.demo.presentation.WaitingListPresenter
import app.passerelle.demo.presentation.WaitingRow

/** The waiting list: one `survivorsAwaitingMentor()` call, reloaded when what it is made from changes. */
class WaitingListViewModel(private val api: Passerelle, bus: ChangeBus) :
    LiveScreen<List<AwaitingSurvivor>>(bus, WaitingListPresenter.WATCHED) {
    init { reload() }

    override fun load(): List<AwaitingSurvivor> = api.survivorsAwaitingMentor()
}

@Composable
fun ChooseSurvivorScreen(api: Passerelle, bus: ChangeBus, p: Presentation, go: (Screen) -> Unit, back: () -> Unit) {
    val vm: WaitingListViewModel = viewModel { WaitingListViewModel(api, bus) }
    val state = vm.state.collectAsStateWithLifecycle().value
    Scaffold(topBar = { BackBar(stringResource(R.string.home_find_mentor), back) }) { padding ->
        LazyColumn(
            modifier = Modifier.padding(padding),
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            item { SectionTitle(stringResource(R.string.matching_choose)) }
            when (state) {
                Load.Loading -> item { Waiting() }
                is Load.Failed -> item { ErrorLine(p.errors.sentence(state.error)) }
                is Load.Loaded -> {
                    val list = p.waitingList.list(state.value, System.currentTimeMillis())
                    list.empty?.let { item { Text(it) } }
                    items(list.rows, key = { it.survivorId }) { row ->
                        WaitingCard(row) { go(Screen.FindMentor(row.survivorId)) }
                    }
                }
            }
        }
    }
}

@Composable
private fun WaitingCard(row: WaitingRow, onOpen: () -> Unit) {
    OpenableCard(row.spoken, onOpen) {
        Text(row.name, style = MaterialTheme.typography.titleLarge)
        Text(row.waiting)
        Text(row.languages)
        for (need in row.needs) Text(need, style = MaterialTheme.typography.bodyMedium)
        row.consent?.let {
            Badge(Icons.Filled.Warning, stringResource(R.string.badge_concern_icon), it, MaterialTheme.colorScheme.error)
        }
        row.mentoredBefore?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
    }
}
