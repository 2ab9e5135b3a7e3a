// The presentation's Strings read from the app's own res/values*/strings.xml, so the JVM tests
// check the texts the app ships, in English and French, without Android. It does what Android's
// Resources does for these files: unescapes, picks the plural form by the language's rule, and
// formats with the locale.
package app.passerelle.demo.presentation

import java.io.File
import java.util.Locale
import javax.xml.parsers.DocumentBuilderFactory
import org.w3c.dom.Element

/** The res/ directory: from -Dpasserelle.demo.res (the test script), else Gradle's module dir. */
fun resDir(): File = File(System.getProperty("passerelle.demo.res") ?: "src/main/res")

class ResourceFile(val file: File) {
    /** The raw text of each <string>, as written in the file (escapes kept). */
    val rawStrings = LinkedHashMap<String, String>()

    /** The raw items of each <plurals>, by quantity. */
    val rawPlurals = LinkedHashMap<String, Map<String, String>>()

    init {
        val factory = DocumentBuilderFactory.newInstance()
        // Resource files never need external entities; refusing them keeps the parser tight.
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true)
        val root = factory.newDocumentBuilder().parse(file).documentElement
        val children = root.childNodes
        for (i in 0 until children.length) {
            val node = children.item(i) as? Element ?: continue
            val name = node.getAttribute("name")
            when (node.tagName) {
                "string" -> check(rawStrings.put(name, node.textContent) == null) { "$file: <string name=\"$name\"> twice" }
                "plurals" -> {
                    val items = LinkedHashMap<String, String>()
                    val itemNodes = node.getElementsByTagName("item")
                    for (j in 0 until itemNodes.length) {
                        val item = itemNodes.item(j) as Element
                        items[item.getAttribute("quantity")] = item.textContent
                    }
                    check(rawPlurals.put(name, items) == null) { "$file: <plurals name=\"$name\"> twice" }
                }
                else -> error("$file: unexpected <${node.tagName}>")
            }
        }
    }

    companion object {
        /** Android's string escapes: \' \" \\ \n \t \@ \? and \uXXXX. */
        fun unescape(raw: String): String {
            val out = StringBuilder()
            var i = 0
            while (i < raw.length) {
                val c = raw[i]
                if (c == '\\' && i + 1 < raw.length) {
                    val next = raw[i + 1]
                    when (next) {
                        'n' -> out.append('\n')
                        't' -> out.append('\t')
                        'u' -> {
                            out.append(raw.substring(i + 2, i + 6).toInt(16).toChar())
                            i += 4
                        }
                        else -> out.append(next)
                    }
                    i += 2
                } else {
                    out.append(c)
                    i++
                }
            }
            return out.toString()
        }
    }
}

class ResourceStrings(override val locale: Locale, valuesDir: File) : Strings {
    private val file = ResourceFile(File(valuesDir, "strings.xml"))

    override fun text(key: Text, vararg args: Any): String {
        val raw = file.rawStrings[key.key] ?: error("${file.file}: no <string name=\"${key.key}\">")
        return String.format(locale, ResourceFile.unescape(raw), *args)
    }

    override fun plural(key: Plural, count: Int, vararg args: Any): String {
        val items = file.rawPlurals[key.key] ?: error("${file.file}: no <plurals name=\"${key.key}\">")
        val raw = items[quantity(count)] ?: items.getValue("other")
        return String.format(locale, ResourceFile.unescape(raw), count, *args)
    }

    /** CLDR's integer plural rules for the two languages the app ships. */
    private fun quantity(n: Int): String = when (locale.language) {
        "fr" -> when {
            n == 0 || n == 1 -> "one"
            n % 1_000_000 == 0 -> "many"
            else -> "other"
        }
        else -> if (n == 1) "one" else "other"
    }

    companion object {
        val english by lazy { ResourceStrings(Locale.ENGLISH, File(resDir(), "values")) }
        val french by lazy { ResourceStrings(Locale.FRENCH, File(resDir(), "values-fr")) }
    }
}
