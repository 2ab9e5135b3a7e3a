// Relative dates in plain words ("3 days ago", "il y a 3 jours", "tomorrow"), how long since
// ("3 weeks"), calendar dates ("12 Mar") and clock times, counted in calendar days of the
// phone's time zone: a contact last night at 23:00 is "yesterday" this morning, which is how
// people count, not "0 days ago".
package app.passerelle.demo.presentation

import java.time.Instant
import java.time.LocalDate
import java.time.LocalTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.time.temporal.ChronoUnit

class RelativeTime(private val strings: Strings, private val zone: ZoneId) {
    private val clock: DateTimeFormatter =
        DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(strings.locale)
    private val shortDate: DateTimeFormatter = DateTimeFormatter.ofPattern("d MMM", strings.locale)
    private val yearDate: DateTimeFormatter = DateTimeFormatter.ofPattern("d MMM yyyy", strings.locale)
    private val longDate: DateTimeFormatter = DateTimeFormatter.ofPattern("EEEE d MMMM", strings.locale)
    private val longYearDate: DateTimeFormatter = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", strings.locale)

    /** Calendar days from [now] to [at]: negative in the past, positive ahead. */
    fun daysBetween(now: Long, at: Long): Long = ChronoUnit.DAYS.between(localDate(now), localDate(at))

    /** "today", "yesterday", "3 days ago", "tomorrow", "in 3 days". */
    fun day(at: Long, now: Long): String {
        val days = daysBetween(now, at)
        return when {
            days == 0L -> strings.text(Text.TIME_TODAY)
            days == -1L -> strings.text(Text.TIME_YESTERDAY)
            days == 1L -> strings.text(Text.TIME_TOMORROW)
            days < 0 -> strings.plural(Plural.TIME_DAYS_AGO, clampToInt(-days))
            else -> strings.plural(Plural.TIME_IN_DAYS, clampToInt(days))
        }
    }

    /**
     * How long since [since], rounded down to the largest unit that still reads as a count:
     * "less than a day" (the same calendar day), "5 days" up to two weeks, "3 weeks" up to two
     * months, then "4 months" (of 30 days). Rounded down, as people say "3 weeks" after 26 days.
     */
    fun elapsed(since: Long, now: Long): String {
        // A time ahead of [now] (a discharge recorded in advance) has not begun: nothing yet.
        val days = (-daysBetween(now, since)).coerceAtLeast(0)
        return when {
            days == 0L -> strings.text(Text.TIME_UNDER_A_DAY)
            days < 14 -> strings.plural(Plural.TIME_DAYS, days.toInt())
            days < 60 -> strings.plural(Plural.TIME_WEEKS, (days / 7).toInt())
            else -> strings.plural(Plural.TIME_MONTHS, clampToInt(days / 30))
        }
    }

    /** A message's time: the clock alone today, "yesterday at 10:42", then "3 Mar at 10:42". */
    fun moment(at: Long, now: Long): String {
        val time = clock.format(Instant.ofEpochMilli(at).atZone(zone))
        return when (daysBetween(now, at)) {
            0L -> time
            -1L -> strings.text(Text.TIME_AT, strings.text(Text.TIME_YESTERDAY), time)
            else -> strings.text(Text.TIME_AT, shortDate.format(Instant.ofEpochMilli(at).atZone(zone)), time)
        }
    }

    /**
     * A day on the calendar in a message's words: "12 Mar" this year, "12 Mar 2027" in another,
     * since an end date a year ahead must not read as this year's.
     */
    fun calendarDate(at: Long, now: Long): String {
        val day = Instant.ofEpochMilli(at).atZone(zone)
        return if (day.year == localDate(now).year) shortDate.format(day) else yearDate.format(day)
    }

    /**
     * A day and time ahead, in full: "Tuesday 3 December at 14:00" ("mardi 3 décembre à 14:00"),
     * with the year when it is not this one. For a planned visit, where the weekday matters.
     */
    fun dayAndTime(at: Long, now: Long): String {
        val moment = Instant.ofEpochMilli(at).atZone(zone)
        val day = (if (moment.year == localDate(now).year) longDate else longYearDate).format(moment)
        return strings.text(Text.TIME_AT, day, clock.format(moment))
    }

    /** When a planned contact starts, in full and relatively: "Tuesday 3 December at 14:00 (in 2 days)". */
    fun whenPlanned(at: Long, now: Long): String = strings.text(Text.PLANNED_WHEN, dayAndTime(at, now), day(at, now))

    /** The clock time alone: "14:00" (or "2:00 PM", as the language writes it). */
    fun clockTime(at: Long): String = clock.format(Instant.ofEpochMilli(at).atZone(zone))

    /** The moment [daysAhead] calendar days after [from]'s day, at [minuteOfDay] on the phone's clock. */
    fun atDayAndMinute(from: Long, daysAhead: Int, minuteOfDay: Int): Long =
        localDate(from).plusDays(daysAhead.toLong())
            .atTime(LocalTime.of(minuteOfDay / 60, minuteOfDay % 60))
            .atZone(zone)
            .toInstant()
            .toEpochMilli()

    /** Minutes since midnight on the phone's clock: 14:30 is 870. */
    fun minuteOfDay(at: Long): Int = Instant.ofEpochMilli(at).atZone(zone).toLocalTime().let { it.hour * 60 + it.minute }

    private fun localDate(millis: Long): LocalDate = Instant.ofEpochMilli(millis).atZone(zone).toLocalDate()

    private fun clampToInt(value: Long): Int = value.coerceAtMost(Int.MAX_VALUE.toLong()).toInt()
}
