// The coordinator's way into "Find a mentor": the survivors this phone knows, by name (one
// `people(SURVIVOR)` call); a tap opens the mentors who could support that person.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.core.Person
import app.passerelle.core.Role
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.R
import app.passerelle.demo.presentation.Presentation

/** The survivors on this phone: one `people(SURVIVOR)` call, reloaded when people change. */
class SurvivorsViewModel(private val api: Passerelle, bus: ChangeBus) : LiveScreen<List<Person>>(bus, setOf("person")) {
    init { reload() }

    override fun load(): List<Person> = api.people(Role.SURVIVOR)
}

@Composable
fun ChooseSurvivorScreen(api: Passerelle, bus: ChangeBus, p: Presentation, go: (Screen) -> Unit, back: () -> Unit) {
    val vm: SurvivorsViewModel = viewModel { SurvivorsViewModel(api, bus) }
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
                    if (state.value.isEmpty()) item { Text(stringResource(R.string.matching_no_survivors)) }
                    items(state.value, key = { it.id }) { survivor ->
                        SecondaryButton(survivor.displayName, { go(Screen.FindMentor(survivor.id)) })
                    }
                }
            }
        }
    }
}
