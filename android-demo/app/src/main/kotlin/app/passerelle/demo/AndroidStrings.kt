// The presentation logic's texts from the app's string resources (res/values, res/values-fr),
// in the language of the context's configuration. Build one per configuration: the screens
// remember it against LocalConfiguration, so a language change re-reads every text.
package app.passerelle.demo

import android.content.Context
import app.passerelle.demo.presentation.Plural
import app.passerelle.demo.presentation.Strings
import app.passerelle.demo.presentation.Text
import java.util.Locale

class AndroidStrings(private val context: Context) : Strings {
    override val locale: Locale = context.resources.configuration.locales[0]

    // Keys are resource names. Resolved once, up front: a key without a resource fails here,
    // at start-up, not in the middle of a screen (the JVM tests check the same thing).
    private val textIds: Map<Text, Int> = Text.entries.associateWith { id(it.key, "string") }
    private val pluralIds: Map<Plural, Int> = Plural.entries.associateWith { id(it.key, "plurals") }

    override fun text(key: Text, vararg args: Any): String = context.getString(textIds.getValue(key), *args)

    override fun plural(key: Plural, count: Int, vararg args: Any): String =
        context.resources.getQuantityString(pluralIds.getValue(key), count, count, *args)

    private fun id(name: String, type: String): Int {
        // getIdentifier is slow, which is why every id is looked up once and kept.
        @Suppress("DiscouragedApi")
        val id = context.resources.getIdentifier(name, type, context.packageName)
        check(id != 0) { "no $type resource named $name" }
        return id
    }
}
