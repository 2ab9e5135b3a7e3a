// Finding help nearby: a search box, one topic (the five dimensions) and "open now", sent as
// one `searchDirectory()` call, offline, against the directory synced to the phone. Each place
// says how far it is, whether it is open now, and how fresh its entry is.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Bookmark
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.Card
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.unit.dp
import androidx.lifecycle.ViewModel
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.core.Dimension
import app.passerelle.core.DirectoryPage
import app.passerelle.core.DirectoryQuery
import app.passerelle.demo.R
import app.passerelle.demo.presentation.Presentation
import app.passerelle.demo.presentation.ResourceRow
import java.time.ZonedDateTime
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.launch

/** Runs the search: one `searchDirectory()` call per query, the latest one wins. */
class ResourcesViewModel(private val api: Passerelle) : ViewModel() {
    val page = MutableStateFlow<Load<DirectoryPage>>(Load.Loading)
    private var latest = 0

    fun search(query: DirectoryQuery) {
        val ticket = ++latest
        viewModelScope.launch {
            val result = call { api.searchDirectory(query) }
            if (ticket == latest) page.value = result
        }
    }
}

@Composable
fun ResourcesScreen(api: Passerelle, p: Presentation, back: () -> Unit) {
    val vm: ResourcesViewModel = viewModel { ResourcesViewModel(api) }
    var text by rememberSaveable { mutableStateOf("") }
    var dimension by rememberSaveable { mutableStateOf<Dimension?>(null) }
    var openOnly by rememberSaveable { mutableStateOf(false) }
    val page by vm.page.collectAsStateWithLifecycle()
    // Searching is local and fast: every change searches again, no "Search" tap needed.
    LaunchedEffect(text, dimension, openOnly) {
        vm.search(p.resources.query(text, dimension, openOnly, ZonedDateTime.now()))
    }
    val all = stringResource(R.string.resources_all)
    val openNow = stringResource(R.string.resources_open_only)

    Scaffold(topBar = { BackBar(stringResource(R.string.home_resources), back) }) { padding ->
        LazyColumn(
            modifier = Modifier.padding(padding),
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            item {
                OutlinedTextField(
                    value = text,
                    onValueChange = { text = it },
                    label = { Text(stringResource(R.string.resources_search)) },
                    // The field's label names it; the magnifier is decoration.
                    leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
                    singleLine = true,
                    keyboardOptions = KeyboardOptions(imeAction = ImeAction.Search),
                    modifier = Modifier.fillMaxWidth(),
                )
            }
            item {
                // One topic at a time (or all): a single row of choices is easier than a filter sheet.
                ChoiceChips(
                    options = listOf<Dimension?>(null) + Dimension.entries,
                    isSelected = { it == dimension },
                    label = { it?.let(p.labels::dimension) ?: all },
                    onClick = { dimension = it },
                )
            }
            item {
                ChoiceChips(listOf(true), { openOnly }, { openNow }, { openOnly = !openOnly })
            }
            when (val s = page) {
                Load.Loading -> item { Waiting() }
                is Load.Failed -> item { ErrorLine(p.errors.sentence(s.error)) }
                is Load.Loaded -> {
                    val view = p.resources.view(s.value, System.currentTimeMillis())
                    item { Text(view.total, style = MaterialTheme.typography.labelLarge) }
                    items(view.rows, key = { it.serviceId }) { row -> ResourceCard(row, stringResource(R.string.resources_saved)) }
                }
            }
        }
    }
}

@Composable
private fun ResourceCard(row: ResourceRow, savedLabel: String) {
    Card(Modifier.fillMaxWidth().clearAndSetSemantics { contentDescription = row.spoken }) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(row.name, style = MaterialTheme.typography.titleMedium)
            row.organization?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            row.open?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
            row.distance?.let { Text(it) }
            row.place?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            Text(row.summary, style = MaterialTheme.typography.bodyMedium)
            row.freshness?.let {
                Text(it, style = MaterialTheme.typography.bodySmall, color = if (row.outdated) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant)
            }
            if (row.bookmarked) Icon(Icons.Filled.Bookmark, contentDescription = savedLabel)
        }
    }
}
