// The visual wellbeing scale: five drawn faces in a row, one tap to choose, a tap on the chosen
// face to clear it (the score is optional). Each face is a radio button with its spoken label
// ("Feeling: good, 4 of 5"), and its word is printed under it.
package app.passerelle.demo.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.onClick
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.selected
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import app.passerelle.demo.presentation.Strings
import app.passerelle.demo.presentation.WellbeingFace

@Composable
fun WellbeingScale(selected: WellbeingFace?, strings: Strings, onSelect: (WellbeingFace) -> Unit, modifier: Modifier = Modifier) {
    Row(
        horizontalArrangement = Arrangement.SpaceBetween,
        modifier = modifier.fillMaxWidth().selectableGroup(),
    ) {
        for (face in WellbeingFace.entries) {
            val isSelected = face == selected
            val spoken = face.spoken(strings)
            Column(
                horizontalAlignment = Alignment.CenterHorizontally,
                modifier = Modifier
                    .weight(1f)
                    .selectable(selected = isSelected, onClick = { onSelect(face) }, role = Role.RadioButton)
                    // One item per face for screen readers: the spoken label, not "image, text".
                    .clearAndSetSemantics {
                        contentDescription = spoken
                        role = Role.RadioButton
                        this.selected = isSelected
                        onClick { onSelect(face); true }
                    }
                    .padding(vertical = 4.dp),
            ) {
                Face(face.mouth, isSelected, Modifier.size(56.dp))
                Text(
                    face.label(strings),
                    textAlign = TextAlign.Center,
                    style = MaterialTheme.typography.bodyMedium,
                    color = if (isSelected) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurface,
                )
            }
        }
    }
}

/** A round face whose mouth curves from a frown (-1) to a smile (1); the chosen one is filled. */
@Composable
private fun Face(mouth: Float, chosen: Boolean, modifier: Modifier) {
    val line = MaterialTheme.colorScheme.onSurface
    val fill = if (chosen) MaterialTheme.colorScheme.primaryContainer else Color.Transparent
    val ring = if (chosen) MaterialTheme.colorScheme.primary else line
    Canvas(modifier) {
        val stroke = size.minDimension / 16
        val radius = size.minDimension / 2 - stroke
        drawCircle(fill, radius)
        drawCircle(ring, radius, style = Stroke(width = if (chosen) stroke * 2 else stroke))
        val eyeY = size.height * 0.4f
        drawCircle(line, stroke, Offset(size.width * 0.36f, eyeY))
        drawCircle(line, stroke, Offset(size.width * 0.64f, eyeY))
        // The mouth: a quadratic curve whose middle dips (smile) or rises (frown).
        val y = size.height * 0.66f
        val path = Path().apply {
            moveTo(size.width * 0.3f, y)
            quadraticTo(size.width * 0.5f, y + mouth * size.height * 0.18f, size.width * 0.7f, y)
        }
        drawPath(path, line, style = Stroke(width = stroke))
    }
}

