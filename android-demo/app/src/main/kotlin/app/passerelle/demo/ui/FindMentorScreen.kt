// "Find a mentor" for one survivor, a coordinator's screen: who they are, the languages they
// prefer, their communication needs and a warning while their consent is missing, then every
// mentor with a profile, best fits first, from one `mentorMatches()` call. Those who cannot take
// them now come last, dimmed but still readable. "Propose" opens a short form (the plan, an
// optional note) that makes one `proposeMentorship()` call; the rows then reload through the
// change bus, like every screen.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.itemsIndexed
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.alpha
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.core.MentorMatches
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.R
import app.passerelle.demo.presentation.CandidateRow
import app.passerelle.demo.presentation.MatchingPresenter
import app.passerelle.demo.presentation.Presentation
import app.passerelle.demo.presentation.Proposal
import app.passerelle.demo.presentation.SurvivorHeader
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** The mentors who could support one survivor, and the proposal being written. */
class MentorMatchesViewModel(private val api: Passerelle, bus: ChangeBus, private val survivorId: String) :
    LiveScreen<MentorMatches>(
        bus,
        setOf("person", "mentor_profile", "survivor_profile", "mentorship", "consent", "training_record", "supervision_session"),
    ) {
    /** The mentor whose proposal form is open, if any. */
    val proposingTo = MutableStateFlow<String?>(null)
    val note = MutableStateFlow("")
    val sending = MutableStateFlow(false)

    /** What the last "Yes, propose" did, until another form is opened. */
    val outcome = MutableStateFlow<Proposal?>(null)

    init { reload() }

    override fun load(): MentorMatches = api.mentorMatches(survivorId)

    fun open(mentorId: String) {
        proposingTo.value = mentorId
        note.value = ""
        outcome.value = null
    }

    fun close() {
        proposingTo.value = null
        outcome.value = null
    }

    fun editNote(text: String) {
        note.value = text
        if ((outcome.value as? Proposal.Failed)?.onNote == true) outcome.value = null
    }

    fun propose(presenter: MatchingPresenter, mentor: CandidateRow) {
        if (sending.value) return
        sending.value = true
        viewModelScope.launch {
            // No reload here: the write names "mentorship" on the change bus, which reloads.
            val result = withContext(Dispatchers.IO) { presenter.propose(api, survivorId, mentor, note.value) }
            outcome.value = result
            if (result is Proposal.Proposed) {
                proposingTo.value = null
                note.value = ""
            }
            sending.value = false
        }
    }
}

@Composable
fun FindMentorScreen(api: Passerelle, bus: ChangeBus, p: Presentation, survivorId: String, back: () -> Unit) {
    val vm: MentorMatchesViewModel = viewModel(key = "find-mentor-$survivorId") { MentorMatchesViewModel(api, bus, survivorId) }
    val state = vm.state.collectAsStateWithLifecycle().value
    val proposingTo by vm.proposingTo.collectAsStateWithLifecycle()
    val note by vm.note.collectAsStateWithLifecycle()
    val sending by vm.sending.collectAsStateWithLifecycle()
    val outcome by vm.outcome.collectAsStateWithLifecycle()

    Scaffold(topBar = { BackBar(stringResource(R.string.home_find_mentor), back) }) { padding ->
        LazyColumn(
            modifier = Modifier.padding(padding),
            contentPadding = PaddingValues(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            when (state) {
                Load.Loading -> item { Waiting() }
                is Load.Failed -> item { ErrorLine(p.errors.sentence(state.error)) }
                is Load.Loaded -> {
                    val page = p.matching.page(state.value)
                    item { Header(page.header) }
                    // Announced: the row proposed to has just moved down among the dimmed ones.
                    (outcome as? Proposal.Proposed)?.let { proposed ->
                        item {
                            Text(
                                proposed.sentence,
                                style = MaterialTheme.typography.titleMedium,
                                modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
                            )
                        }
                    }
                    if (page.rows.isEmpty()) item { Text(stringResource(R.string.matching_no_mentors)) }
                    // The core puts those who cannot take them now last; a title says where they start.
                    val firstUnavailable = page.rows.indexOfFirst { !it.canPropose }
                    itemsIndexed(page.rows, key = { _, row -> row.mentorId }) { index, row ->
                        Column {
                            if (index == firstUnavailable) SectionTitle(stringResource(R.string.matching_unavailable))
                            CandidateCard(
                                row = row,
                                // Closed if a sync took their last place while it was open.
                                form = if (proposingTo == row.mentorId && row.canPropose) {
                                    ProposalForm(p.matching.plan(), note, outcome as? Proposal.Failed, sending)
                                } else {
                                    null
                                },
                                onOpen = { vm.open(row.mentorId) },
                                onNote = vm::editNote,
                                onConfirm = { vm.propose(p.matching, row) },
                                onCancel = vm::close,
                            )
                        }
                    }
                }
            }
        }
    }
}

/** What an open proposal form shows. */
private data class ProposalForm(val plan: String, val note: String, val failure: Proposal.Failed?, val sending: Boolean)

@Composable
private fun Header(header: SurvivorHeader) {
    Column(
        modifier = Modifier
            .fillMaxWidth()
            // One item for a screen reader, and a heading to jump back to.
            .clearAndSetSemantics {
                contentDescription = header.spoken
                heading()
            },
        verticalArrangement = Arrangement.spacedBy(4.dp),
    ) {
        Text(header.name, style = MaterialTheme.typography.headlineSmall)
        Text(header.languages)
        for (need in header.needs) Text(need, style = MaterialTheme.typography.bodyMedium)
        header.consentWarning?.let {
            Badge(Icons.Filled.Warning, stringResource(R.string.badge_concern_icon), it, MaterialTheme.colorScheme.error)
        }
    }
}

@Composable
private fun CandidateCard(
    row: CandidateRow,
    form: ProposalForm?,
    onOpen: () -> Unit,
    onNote: (String) -> Unit,
    onConfirm: () -> Unit,
    onCancel: () -> Unit,
) {
    // Dimmed, not hidden: the coordinator still reads who is full or already matched, and why.
    // At 70 % the default Material colours still give text about 5:1 contrast, light or dark.
    Card(Modifier.fillMaxWidth().alpha(if (row.canPropose) 1f else 0.7f)) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Column(
                modifier = Modifier.clearAndSetSemantics { contentDescription = row.spoken },
                verticalArrangement = Arrangement.spacedBy(4.dp),
            ) {
                Text(row.name, style = MaterialTheme.typography.titleLarge)
                row.languages?.let { Text(it) }
                Text(row.places)
                Text(row.training, style = MaterialTheme.typography.bodyMedium)
                row.history?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
                row.availability?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            }
            if (form != null) {
                Text(form.plan, modifier = Modifier.padding(top = 8.dp))
                OutlinedTextField(
                    value = form.note,
                    onValueChange = onNote,
                    label = { Text(stringResource(R.string.matching_note)) },
                    isError = form.failure?.onNote == true,
                    minLines = 2,
                    keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
                    modifier = Modifier.fillMaxWidth(),
                )
                ErrorLine(form.failure?.sentence)
                BigButton(stringResource(R.string.matching_confirm), onConfirm, enabled = !form.sending)
                SecondaryButton(stringResource(R.string.matching_cancel), onCancel)
            } else if (row.canPropose) {
                SecondaryButton(row.proposeLabel, onOpen, Modifier.padding(top = 8.dp))
            }
        }
    }
}
