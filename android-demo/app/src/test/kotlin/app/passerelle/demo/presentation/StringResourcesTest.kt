// The app's string resources, checked without Android: English and French define the same
// texts with the same placeholders, every key the presentation asks for exists, plurals have
// the forms each language needs, and nothing would make Android's resource compiler (aapt2)
// refuse the file (an unescaped apostrophe) or a format call fail.
package app.passerelle.demo.presentation

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail
import org.junit.Test

class StringResourcesTest {
    private val english = ResourceFile(File(resDir(), "values/strings.xml"))
    private val french = ResourceFile(File(resDir(), "values-fr/strings.xml"))

    private val placeholder = Regex("""%(\d+)\$([sd])""")

    private fun placeholders(raw: String): Set<String> = placeholder.findAll(raw).map { it.value }.toSet()

    @Test
    fun bothLanguagesDefineTheSameTexts() {
        assertEquals(english.rawStrings.keys, french.rawStrings.keys)
        assertEquals(english.rawPlurals.keys, french.rawPlurals.keys)
    }

    @Test
    fun everyKeyThePresentationUsesExists() {
        for (file in listOf(english, french)) {
            for (key in Text.entries) assertTrue(key.key in file.rawStrings, "${file.file}: no <string name=\"${key.key}\">")
            for (key in Plural.entries) assertTrue(key.key in file.rawPlurals, "${file.file}: no <plurals name=\"${key.key}\">")
        }
    }

    @Test
    fun placeholdersMatchBetweenLanguages() {
        for ((name, raw) in english.rawStrings) {
            assertEquals(placeholders(raw), placeholders(french.rawStrings.getValue(name)), "placeholders of $name")
        }
        for ((name, items) in english.rawPlurals) {
            val expected = placeholders(items.getValue("other"))
            assertTrue("%1\$d" in expected, "$name: a plural shows its count as %1\$d")
            for ((quantity, raw) in items + french.rawPlurals.getValue(name)) {
                assertEquals(expected, placeholders(raw), "placeholders of $name/$quantity")
            }
        }
    }

    @Test
    fun pluralsHaveTheFormsEachLanguageNeeds() {
        for ((name, items) in english.rawPlurals) assertEquals(setOf("one", "other"), items.keys, "en $name")
        // CLDR gives French a "many" form (1 000 000 jours); lint flags plurals without it.
        for ((name, items) in french.rawPlurals) assertEquals(setOf("one", "many", "other"), items.keys, "fr $name")
    }

    @Test
    fun nothingTheResourceCompilerWouldRefuse() {
        for (file in listOf(english, french)) {
            val texts = file.rawStrings.entries.map { it.key to it.value } +
                file.rawPlurals.flatMap { (name, items) -> items.map { "$name/${it.key}" to it.value } }
            for ((name, raw) in texts) {
                // aapt2 refuses an apostrophe that is neither escaped nor inside double quotes.
                if (Regex("""(?<!\\)'""").containsMatchIn(raw)) fail("${file.file}: unescaped apostrophe in $name: $raw")
                // A lone % that is not a placeholder breaks String.format at run time.
                val withoutPlaceholders = placeholder.replace(raw, "")
                if ('%' in withoutPlaceholders) fail("${file.file}: stray % in $name: $raw")
                assertTrue(raw.isNotBlank(), "${file.file}: empty $name")
                // Short and plain: one or two short sentences at most.
                assertTrue(ResourceFile.unescape(raw).length <= 110, "${file.file}: $name is too long for a small screen")
            }
        }
    }
}
