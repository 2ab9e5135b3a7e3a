// The visual wellbeing scale: five faces from very low to very good, the value the core stores
// (1..5), the face's shape, and the words a screen reader says. Faces first, words second:
// people with aphasia pick a face more easily than they read a label.
package app.passerelle.demo.presentation

/**
 * One face of the scale. [mouth] is the mouth's curve for drawing, from -1 (deep frown) to 1
 * (broad smile); the UI draws it, so the scale needs no emoji font and looks the same
 * everywhere.
 */
enum class WellbeingFace(val value: Int, val mouth: Float, private val label: Text) {
    VERY_LOW(1, -1f, Text.WELLBEING_1),
    LOW(2, -0.5f, Text.WELLBEING_2),
    SO_SO(3, 0f, Text.WELLBEING_3),
    GOOD(4, 0.5f, Text.WELLBEING_4),
    VERY_GOOD(5, 1f, Text.WELLBEING_5),
    ;

    /** The value as the bindings take it. */
    val stored: UByte get() = value.toUByte()

    /** The short word shown under the face. */
    fun label(strings: Strings): String = strings.text(label)

    /** What a screen reader says: "Feeling: good, 4 of 5". */
    fun spoken(strings: Strings): String = strings.text(Text.WELLBEING_SPOKEN, label(strings), value)

    companion object {
        /** The face for a stored value; `null` when none was recorded (or for a value off the scale). */
        fun of(stored: UByte?): WellbeingFace? = stored?.let { s -> entries.firstOrNull { it.value == s.toInt() } }

        /** What to say for an optional score. */
        fun spoken(stored: UByte?, strings: Strings): String =
            of(stored)?.spoken(strings) ?: strings.text(Text.WELLBEING_NOT_ASKED)
    }
}
