// The visual wellbeing scale (value <-> face <-> words, through a real stored check-in), and
// relative dates and how long since ("3 weeks") counted in calendar days of the phone's time
// zone, daylight saving included.
package app.passerelle.demo.presentation

import java.time.ZoneId
import java.time.ZonedDateTime
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNull
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

class WellbeingAndTimeTest {
    @get:Rule
    val tmp = TemporaryFolder()

    @Test
    fun fiveFacesFromVeryBadToVeryGood() {
        assertEquals(listOf(1, 2, 3, 4, 5), WellbeingFace.entries.map { it.value })
        // The mouth turns up as the value goes up: the faces alone tell the order.
        assertEquals(WellbeingFace.entries.map { it.mouth }.sorted(), WellbeingFace.entries.map { it.mouth })
        assertEquals(5, WellbeingFace.entries.map { it.mouth }.toSet().size)
        for (face in WellbeingFace.entries) assertEquals(face, WellbeingFace.of(face.stored))
        assertNull(WellbeingFace.of(null))
        assertNull(WellbeingFace.of(0u))
        assertNull(WellbeingFace.of(6u))

        assertEquals("Very bad", WellbeingFace.VERY_LOW.label(ResourceStrings.english))
        assertEquals("Très bien", WellbeingFace.VERY_GOOD.label(ResourceStrings.french))
        assertEquals("Feeling: Good, 4 of 5", WellbeingFace.GOOD.spoken(ResourceStrings.english))
        assertEquals("Moral : Moyen, 3 sur 5", WellbeingFace.SO_SO.spoken(ResourceStrings.french))
        assertEquals("Feeling: not asked", WellbeingFace.spoken(null, ResourceStrings.english))
        assertEquals(5, WellbeingFace.entries.map { it.label(ResourceStrings.french) }.toSet().size)
    }

    @Test
    fun theChosenFaceIsWhatTheStoreKeeps() {
        TestProgramme(tmp.root).use { p ->
            val sophie = p.mentee("Sophie")
            val now = System.currentTimeMillis()
            for (face in WellbeingFace.entries) {
                val saved = assertIs<Submission.Saved>(
                    CheckInForm.new(sophie, now).withWellbeing(face).submit(p.api, ErrorText(ResourceStrings.english)),
                ).recorded.checkin
                assertEquals(face, WellbeingFace.of(p.api.checkin(saved.checkinId).wellbeing))
            }
        }
    }

    @Test
    fun daysAreCalendarDays() {
        val paris = ZoneId.of("Europe/Paris")
        fun at(day: Int, hour: Int, minute: Int = 0, month: Int = 3) =
            ZonedDateTime.of(2024, month, day, hour, minute, 0, 0, paris).toInstant().toEpochMilli()
        val en = RelativeTime(ResourceStrings.english, paris)
        val fr = RelativeTime(ResourceStrings.french, paris)
        val now = at(5, 8)

        // Late last night is "yesterday" in the morning, though under 24 hours ago.
        assertEquals("yesterday", en.day(at(4, 23, 30), now))
        assertEquals("today", en.day(at(5, 0, 10), now))
        assertEquals("il y a 3 jours", fr.day(at(2, 9), now))
        assertEquals("3 days ago", en.day(at(2, 9), now))
        assertEquals("tomorrow", en.day(at(6, 20), now))
        assertEquals("dans 10 jours", fr.day(at(15, 8), now))
        // Across the switch to summer time (31 March 2024 in Paris), still two days.
        assertEquals("in 2 days", en.day(at(1, 12, month = 4), at(30, 12)))
        assertEquals(0L, en.daysBetween(now, at(5, 23, 59)))
    }

    @Test
    fun howLongSinceIsCountedInTheLargestUnitRoundedDown() {
        val paris = ZoneId.of("Europe/Paris")
        val noon = ZonedDateTime.of(2024, 6, 30, 12, 0, 0, 0, paris)
        val now = noon.toInstant().toEpochMilli()
        fun daysBefore(days: Long) = noon.minusDays(days).toInstant().toEpochMilli()
        val en = RelativeTime(ResourceStrings.english, paris)
        val fr = RelativeTime(ResourceStrings.french, paris)

        assertEquals("less than a day", en.elapsed(noon.withHour(0).toInstant().toEpochMilli(), now))
        assertEquals("moins d'un jour", fr.elapsed(now, now))
        // Calendar days, as for "yesterday": late last night is a day ago.
        assertEquals("1 day", en.elapsed(noon.minusDays(1).withHour(23).toInstant().toEpochMilli(), now))
        assertEquals("1 jour", fr.elapsed(daysBefore(1), now))
        assertEquals("13 days", en.elapsed(daysBefore(13), now))
        assertEquals("2 weeks", en.elapsed(daysBefore(14), now))
        assertEquals("3 semaines", fr.elapsed(daysBefore(26), now))
        assertEquals("8 weeks", en.elapsed(daysBefore(59), now))
        assertEquals("2 months", en.elapsed(daysBefore(60), now))
        assertEquals("13 mois", fr.elapsed(daysBefore(400), now))
        // From before the switch to summer time (31 March 2024 in Paris): still 100 whole days.
        assertEquals("3 months", en.elapsed(daysBefore(100), now))
        // A date ahead (a discharge recorded in advance) has not begun.
        assertEquals("less than a day", en.elapsed(now + 3 * DAY, now))
    }
}
