// The single activity: hosts the Compose screens.
package app.passerelle.demo

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import app.passerelle.demo.ui.PasserelleTheme
import app.passerelle.demo.ui.Root

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        val app = application as DemoApplication
        setContent {
            PasserelleTheme {
                Root(app)
            }
        }
    }
}
