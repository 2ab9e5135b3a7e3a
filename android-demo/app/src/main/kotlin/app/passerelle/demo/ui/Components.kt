// Small building blocks shared by the screens, each keeping the accessibility rules in one
// place: 48 dp minimum touch targets, one tap per action (no long-press, no multi-finger
// gestures), errors in words under the thing to fix, icons always named for screen readers.
package app.passerelle.demo.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Add
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.Remove
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.FilledTonalIconButton
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.onClick
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp

/** The minimum size of anything tappable (Android accessibility guidance: 48 dp). */
val TouchTarget = 48.dp

/**
 * A list card the whole of which opens something: at least a touch target high, one tap, and
 * read by a screen reader as one item — [spoken] (the presenter's sentence), then "double-tap
 * to activate".
 */
@Composable
fun OpenableCard(spoken: String, onOpen: () -> Unit, content: @Composable ColumnScope.() -> Unit) {
    Card(
        modifier = Modifier
            .fillMaxWidth()
            .heightIn(min = TouchTarget)
            .clickable(onClick = onOpen)
            .clearAndSetSemantics {
                contentDescription = spoken
                role = Role.Button
                onClick { onOpen(); true }
            },
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp), content = content)
    }
}

/** A full-width primary action. */
@Composable
fun BigButton(text: String, onClick: () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true) {
    Button(
        onClick = onClick,
        enabled = enabled,
        modifier = modifier.fillMaxWidth().heightIn(min = 56.dp),
    ) { Text(text, style = MaterialTheme.typography.titleMedium) }
}

/** A full-width secondary action. */
@Composable
fun SecondaryButton(text: String, onClick: () -> Unit, modifier: Modifier = Modifier) {
    OutlinedButton(onClick = onClick, modifier = modifier.fillMaxWidth().heightIn(min = TouchTarget)) { Text(text) }
}

/** A section title that screen readers can jump between. */
@Composable
fun SectionTitle(text: String, modifier: Modifier = Modifier) {
    Text(
        text,
        style = MaterialTheme.typography.titleMedium,
        modifier = modifier.padding(top = 16.dp, bottom = 8.dp).semantics { heading() },
    )
}

/** An error sentence; announced as soon as it appears. */
@Composable
fun ErrorLine(text: String?, modifier: Modifier = Modifier) {
    if (text == null) return
    Text(
        text,
        color = MaterialTheme.colorScheme.error,
        style = MaterialTheme.typography.bodyMedium,
        modifier = modifier.padding(vertical = 4.dp).semantics { liveRegion = LiveRegionMode.Polite },
    )
}

/**
 * Chips for picking one value (or toggling several): large, wrapping onto new lines instead of
 * scrolling sideways, with a tick on the chosen ones so the choice does not rest on colour alone.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun <T> ChoiceChips(
    options: List<T>,
    isSelected: (T) -> Boolean,
    label: (T) -> String,
    onClick: (T) -> Unit,
    modifier: Modifier = Modifier,
) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = modifier.fillMaxWidth()) {
        for (option in options) {
            val selected = isSelected(option)
            FilterChip(
                selected = selected,
                onClick = { onClick(option) },
                label = { Text(label(option), style = MaterialTheme.typography.bodyLarge) },
                // The chip's label says it all; the tick is decoration, so it has no description.
                leadingIcon = if (selected) {
                    { Icon(Icons.Filled.Check, contentDescription = null) }
                } else {
                    null
                },
                modifier = Modifier.heightIn(min = TouchTarget),
            )
        }
    }
}

/**
 * A value between − and + buttons ("1 hour", "14:00"): each button a touch target, named for
 * screen readers by what it does ("15 minutes less").
 */
@Composable
fun ValueStepper(value: String, lessDescription: String, moreDescription: String, onLess: () -> Unit, onMore: () -> Unit) {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(16.dp)) {
        FilledTonalIconButton(onClick = onLess, modifier = Modifier.heightIn(min = TouchTarget)) {
            Icon(Icons.Filled.Remove, contentDescription = lessDescription)
        }
        Text(value, style = MaterialTheme.typography.titleLarge)
        FilledTonalIconButton(onClick = onMore, modifier = Modifier.heightIn(min = TouchTarget)) {
            Icon(Icons.Filled.Add, contentDescription = moreDescription)
        }
    }
}

/** A small icon + text badge; the icon is named for screen readers. */
@Composable
fun Badge(icon: ImageVector, iconDescription: String, text: String, color: androidx.compose.ui.graphics.Color) {
    Row(verticalAlignment = Alignment.CenterVertically) {
        Icon(icon, contentDescription = iconDescription, tint = color, modifier = Modifier.size(20.dp))
        Spacer(Modifier.width(4.dp))
        Text(text, color = color, style = MaterialTheme.typography.bodyMedium)
    }
}
