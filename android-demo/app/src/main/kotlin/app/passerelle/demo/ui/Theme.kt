// The demo's Material 3 theme: the default colours (contrast checked by Material), with body
// text one step larger than the default for readers with low vision.
package app.passerelle.demo.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.unit.sp

private val base = Typography()

// Larger body and label text; sizes are in sp, so the phone's font-size setting still scales them.
private val readable = base.copy(
    bodyLarge = base.bodyLarge.copy(fontSize = 18.sp, lineHeight = 26.sp),
    bodyMedium = base.bodyMedium.copy(fontSize = 16.sp, lineHeight = 24.sp),
    labelLarge = base.labelLarge.copy(fontSize = 16.sp),
)

@Composable
fun PasserelleTheme(content: @Composable () -> Unit) {
    MaterialTheme(
        colorScheme = if (isSystemInDarkTheme()) darkColorScheme() else lightColorScheme(),
        typography = readable,
        content = content,
    )
}
