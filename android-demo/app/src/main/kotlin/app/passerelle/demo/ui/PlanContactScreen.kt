// Planning the next visit or call, or moving one: which day (chips: today, tomorrow, in 2, 3 or 7
// days), what time (a quarter-hour stepper, and an hour earlier or later), how (the check-in form's chips), how long
// (−/+ 15 minutes), where and a note. One Save makes one binding call; what the core refuses
// (a time already past, a place too long) shows under the field to fix.
package app.passerelle.demo.ui

import android.widget.Toast
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.core.ContactMode
import app.passerelle.demo.R
import app.passerelle.demo.presentation.PlanContactForm
import app.passerelle.demo.presentation.PlanField
import app.passerelle.demo.presentation.Presentation

@Composable
fun PlanContactScreen(api: Passerelle, p: Presentation, screen: Screen.PlanContact, back: () -> Unit) {
    val vm: PlanContactViewModel = viewModel(key = "plan-contact-${screen.formId}") {
        PlanContactViewModel(api, screen.mentorshipId, screen.changeContactId, p.time)
    }
    val state by vm.form.collectAsStateWithLifecycle()
    val saving by vm.saving.collectAsStateWithLifecycle()
    val title = stringResource(if (screen.changeContactId == null) R.string.plan_title else R.string.plan_change_title)
    val context = LocalContext.current
    val saved = stringResource(R.string.plan_saved)

    Scaffold(topBar = { BackBar(title, back) }) { padding ->
        when (val s = state) {
            Load.Loading -> Waiting()
            is Load.Failed -> Explain(p.errors.sentence(s.error), stringResource(R.string.back), back)
            is Load.Loaded -> PlanForm(
                form = s.value,
                p = p,
                edit = vm::edit,
                saving = saving,
                onSave = {
                    vm.save(p.time, p.errors) {
                        // A toast is read out by TalkBack and outlives the screen it came from.
                        Toast.makeText(context, saved, Toast.LENGTH_LONG).show()
                        back()
                    }
                },
                modifier = Modifier.padding(padding),
            )
        }
    }
}

@Composable
private fun PlanForm(
    form: PlanContactForm,
    p: Presentation,
    edit: ((PlanContactForm) -> PlanContactForm) -> Unit,
    saving: Boolean,
    onSave: () -> Unit,
    modifier: Modifier,
) {
    val now = System.currentTimeMillis()
    val startsAt = form.startsAt(p.time)

    Column(
        modifier
            .fillMaxSize()
            .imePadding()
            .verticalScroll(rememberScrollState())
            .padding(16.dp),
    ) {
        SectionTitle(stringResource(R.string.plan_day))
        ChoiceChips(
            options = form.dayChoices,
            isSelected = { it == form.daysAhead },
            // "today", "tomorrow", "in 3 days": the same words as the cards use.
            label = { days -> p.time.day(p.time.atDayAndMinute(form.openedAt, days, form.minuteOfDay), now) },
            onClick = { days -> edit { it.withDaysAhead(days) } },
        )
        // The whole day in words under the chips: "Tuesday 3 December at 14:00".
        Text(p.time.dayAndTime(startsAt, now), modifier = Modifier.padding(top = 8.dp))

        SectionTitle(stringResource(R.string.plan_time))
        // Quarter hours with −/+ around the time; whole hours with two worded buttons under it.
        ValueStepper(
            value = p.time.clockTime(startsAt),
            lessDescription = stringResource(R.string.plan_quarter_earlier),
            moreDescription = stringResource(R.string.plan_quarter_later),
            onLess = { edit { it.earlierQuarter() } },
            onMore = { edit { it.laterQuarter() } },
        )
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(top = 8.dp)) {
            OutlinedButton(onClick = { edit { it.earlierHour() } }, modifier = Modifier.weight(1f).heightIn(min = TouchTarget)) {
                Text(stringResource(R.string.plan_hour_earlier))
            }
            OutlinedButton(onClick = { edit { it.laterHour() } }, modifier = Modifier.weight(1f).heightIn(min = TouchTarget)) {
                Text(stringResource(R.string.plan_hour_later))
            }
        }
        ErrorLine(form.errors[PlanField.STARTS_AT])

        SectionTitle(stringResource(R.string.checkin_mode))
        ChoiceChips(ContactMode.entries, { it == form.mode }, p.labels::mode, { mode -> edit { it.withMode(mode) } })

        SectionTitle(stringResource(R.string.checkin_duration))
        ValueStepper(
            value = p.labels.length(form.durationMinutes),
            lessDescription = stringResource(R.string.plan_duration_less),
            moreDescription = stringResource(R.string.plan_duration_more),
            onLess = { edit { it.shorter() } },
            onMore = { edit { it.longer() } },
        )
        ErrorLine(form.errors[PlanField.DURATION])

        SectionTitle(stringResource(R.string.plan_place))
        OutlinedTextField(
            value = form.place,
            onValueChange = { place -> edit { it.withPlace(place) } },
            label = { Text(stringResource(R.string.plan_place)) },
            isError = form.errors[PlanField.PLACE] != null,
            singleLine = true,
            keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
            modifier = Modifier.fillMaxWidth(),
        )
        ErrorLine(form.errors[PlanField.PLACE])

        SectionTitle(stringResource(R.string.plan_note))
        OutlinedTextField(
            value = form.note,
            onValueChange = { note -> edit { it.withNote(note) } },
            label = { Text(stringResource(R.string.plan_note)) },
            isError = form.errors[PlanField.NOTE] != null,
            minLines = 3,
            keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Sentences),
            modifier = Modifier.fillMaxWidth(),
        )
        ErrorLine(form.errors[PlanField.NOTE])

        ErrorLine(form.formError, Modifier.padding(top = 16.dp))
        BigButton(stringResource(R.string.checkin_save), onSave, Modifier.padding(vertical = 16.dp), enabled = !saving)
    }
}
