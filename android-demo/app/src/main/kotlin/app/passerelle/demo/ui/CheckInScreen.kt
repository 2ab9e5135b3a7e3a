// Recording a contact — one that just happened, or a planned one ("Record check-in", filled in
// from it) — or correcting one: when, how, how long, who was reached, the five dimensions as
// toggle chips, the five-face wellbeing scale, notes, a follow-up, a worry to escalate, and
// (when correcting) why. Everything is a tap except the free texts; one Save
// makes one binding call, and what the core refuses shows under the field to fix.
package app.passerelle.demo.ui

import android.widget.Toast
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.core.ConcernCategory
import app.passerelle.core.ContactMode
import app.passerelle.core.Dimension
import app.passerelle.core.Reached
import app.passerelle.core.Urgency
import app.passerelle.demo.R
import app.passerelle.demo.presentation.CheckInForm
import app.passerelle.demo.presentation.FormField
import app.passerelle.demo.presentation.Presentation

private const val HOUR_MS = 3_600_000L

@Composable
fun CheckInScreen(api: Passerelle, p: Presentation, screen: Screen.CheckIn, back: () -> Unit) {
    val vm: CheckInViewModel = viewModel(key = "check-in-${screen.formId}") {
        CheckInViewModel(api, screen.mentorshipId, screen.amendCheckinId, screen.plannedContactId)
    }
    val state by vm.form.collectAsStateWithLifecycle()
    val saving by vm.saving.collectAsStateWithLifecycle()
    val title = stringResource(if (screen.amendCheckinId == null) R.string.checkin_title else R.string.amend_title)
    val context = LocalContext.current
    val saved = stringResource(R.string.checkin_saved)
    val escalated = stringResource(R.string.checkin_escalated)

    Scaffold(topBar = { BackBar(title, back) }) { padding ->
        when (val s = state) {
            Load.Loading -> Waiting()
            is Load.Failed -> Explain(p.errors.sentence(s.error), stringResource(R.string.back), back)
            is Load.Loaded -> Form(
                form = s.value,
                p = p,
                edit = vm::edit,
                saving = saving,
                onSave = {
                    vm.save(p.errors) { wasEscalated ->
                        // A toast is read out by TalkBack and outlives the screen it came from.
                        Toast.makeText(context, if (wasEscalated) escalated else saved, Toast.LENGTH_LONG).show()
                        back()
                    }
                },
                modifier = Modifier.padding(padding),
            )
        }
    }
}

@Composable
private fun Form(
    form: CheckInForm,
    p: Presentation,
    edit: ((CheckInForm) -> CheckInForm) -> Unit,
    saving: Boolean,
    onSave: () -> Unit,
    modifier: Modifier,
) {
    val labels = p.labels
    // "Now" for the relative choices below: when the person taps, not when the form opened.
    fun now() = System.currentTimeMillis()

    Column(
        modifier
            .fillMaxSize()
            .imePadding()
            .verticalScroll(rememberScrollState())
            .padding(16.dp),
    ) {
        // An amendment keeps the contact's own time and a planned one its start; a contact that
        // just happened picks one of three.
        if (form.choosesWhen) {
            SectionTitle(stringResource(R.string.checkin_when))
            val whenLabels = mapOf(
                0 to stringResource(R.string.checkin_when_now),
                1 to stringResource(R.string.checkin_when_hour),
                24 to stringResource(R.string.checkin_when_yesterday),
            )
            val hoursAgo = ((now() - form.occurredAt) / HOUR_MS).toInt()
            ChoiceChips(
                options = whenLabels.keys.toList(),
                isSelected = { it == hoursAgo },
                label = { whenLabels.getValue(it) },
                onClick = { hours -> edit { it.withOccurredHoursAgo(hours, now()) } },
            )
        }
        ErrorLine(form.errors[FormField.WHEN])

        SectionTitle(stringResource(R.string.checkin_mode))
        ChoiceChips(ContactMode.entries, { it == form.mode }, labels::mode, { mode -> edit { it.withMode(mode) } })

        SectionTitle(stringResource(R.string.checkin_duration))
        ValueStepper(
            value = labels.duration(form.durationMinutes),
            lessDescription = stringResource(R.string.checkin_duration_less),
            moreDescription = stringResource(R.string.checkin_duration_more),
            onLess = { edit { it.withDuration(it.durationMinutes - 5) } },
            onMore = { edit { it.withDuration(it.durationMinutes + 5) } },
        )
        ErrorLine(form.errors[FormField.DURATION])

        SectionTitle(stringResource(R.string.checkin_reached))
        ChoiceChips(Reached.entries, { it == form.reached }, labels::reached, { reached -> edit { it.withReached(reached) } })

        SectionTitle(stringResource(R.string.checkin_dimensions))
        ChoiceChips(Dimension.entries, { it in form.dimensions }, labels::dimension, { dimension -> edit { it.toggle(dimension) } })

        SectionTitle(stringResource(R.string.checkin_wellbeing))
        WellbeingScale(form.wellbeing, p.strings, { face -> edit { it.withWellbeing(face) } })
        ErrorLine(form.errors[FormField.WELLBEING])

        SectionTitle(stringResource(R.string.checkin_notes))
        OutlinedTextField(
            value = form.notes,
            onValueChange = { notes -> edit { it.withNotes(notes) } },
            label = { Text(stringResource(R.string.checkin_notes)) },
            isError = form.errors[FormField.NOTES] != null,
            minLines = 3,
            keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
            modifier = Modifier.fillMaxWidth(),
        )
        ErrorLine(form.errors[FormField.NOTES])
        ErrorLine(form.errors[FormField.RESOURCES])

        SwitchRow(stringResource(R.string.checkin_follow_up), form.followUp) { on -> edit { it.withFollowUp(on, now()) } }
        if (form.followUp) {
            OutlinedTextField(
                value = form.followUpAction,
                onValueChange = { action -> edit { it.withFollowUpAction(action) } },
                label = { Text(stringResource(R.string.checkin_follow_up_action)) },
                isError = form.errors[FormField.FOLLOW_UP_ACTION] != null,
                keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
                modifier = Modifier.fillMaxWidth(),
            )
            ErrorLine(form.errors[FormField.FOLLOW_UP_ACTION])
            SectionTitle(stringResource(R.string.checkin_follow_up_due))
            val dueInDays = form.followUpDueAt?.let { p.time.daysBetween(now(), it) }
            ChoiceChips(
                options = listOf(1, 3, 7, 14),
                isSelected = { it.toLong() == dueInDays },
                // "tomorrow", "in 3 days": the same words as the caseload uses.
                label = { days -> p.time.day(now() + days * 24 * HOUR_MS, now()) },
                onClick = { days -> edit { it.withFollowUpInDays(days, now()) } },
            )
            ErrorLine(form.errors[FormField.FOLLOW_UP_DUE])
        }

        SwitchRow(stringResource(R.string.checkin_concern), form.concern) { on -> edit { it.withConcern(on) } }
        if (form.concern) {
            SectionTitle(stringResource(R.string.checkin_concern_kind))
            ChoiceChips(ConcernCategory.entries, { it == form.concernCategory }, labels::concern, { c -> edit { it.withConcernCategory(c) } })
            SectionTitle(stringResource(R.string.checkin_concern_urgency))
            ChoiceChips(Urgency.entries, { it == form.concernUrgency }, labels::urgency, { u -> edit { it.withConcernUrgency(u) } })
            OutlinedTextField(
                value = form.concernSummary,
                onValueChange = { summary -> edit { it.withConcernSummary(summary) } },
                label = { Text(stringResource(R.string.checkin_concern_summary)) },
                isError = form.errors[FormField.CONCERN_SUMMARY] != null,
                minLines = 2,
                keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
                modifier = Modifier.fillMaxWidth().padding(top = 8.dp),
            )
            ErrorLine(form.errors[FormField.CONCERN_SUMMARY])
        }

        if (form.isAmendment) {
            SectionTitle(stringResource(R.string.checkin_reason))
            OutlinedTextField(
                value = form.reason,
                onValueChange = { reason -> edit { it.withReason(reason) } },
                label = { Text(stringResource(R.string.checkin_reason)) },
                isError = form.errors[FormField.REASON] != null,
                keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
                modifier = Modifier.fillMaxWidth(),
            )
            ErrorLine(form.errors[FormField.REASON])
        }

        ErrorLine(form.formError, Modifier.padding(top = 16.dp))
        BigButton(stringResource(R.string.checkin_save), onSave, Modifier.padding(vertical = 16.dp), enabled = !saving)
    }
}

/** A label and a switch that toggle together: the whole row is the 48 dp touch target. */
@Composable
private fun SwitchRow(label: String, checked: Boolean, onChange: (Boolean) -> Unit) {
    Row(
        verticalAlignment = Alignment.CenterVertically,
        modifier = Modifier
            .fillMaxWidth()
            .heightIn(min = TouchTarget)
            .padding(top = 16.dp)
            .toggleable(value = checked, role = Role.Switch, onValueChange = onChange),
    ) {
        Text(label, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f))
        // The row handles the tap and says "switch, on/off" with its label.
        Switch(checked = checked, onCheckedChange = null)
    }
}
