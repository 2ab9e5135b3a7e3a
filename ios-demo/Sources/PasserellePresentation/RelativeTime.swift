// Relative dates in plain words ("3 days ago", "il y a 3 jours", "tomorrow"), how long since
// ("3 weeks"), calendar dates ("12 Mar") and clock times, counted in calendar days of the
// phone's time zone: a contact last night at 23:00 is "yesterday" this morning, which is how
// people count, not "0 days ago".
import Foundation

/// A Passerelle time (UTC milliseconds) as a Foundation date.
func date(_ millis: Int64) -> Date {
    Date(timeIntervalSince1970: TimeInterval(millis) / 1000)
}

public struct RelativeTime {
    private let strings: Strings
    private let calendar: Calendar
    private let clock: DateFormatter
    private let shortDate: DateFormatter
    private let yearDate: DateFormatter
    private let longDate: DateFormatter
    private let longYearDate: DateFormatter

    public init(strings: Strings, timeZone: TimeZone) {
        self.strings = strings
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        // Every formatter speaks the app's language in the phone's zone.
        func formatter(_ template: String?) -> DateFormatter {
            let f = DateFormatter()
            f.locale = strings.locale
            f.timeZone = timeZone
            if let template = template {
                f.setLocalizedDateFormatFromTemplate(template)
            } else {
                f.dateStyle = .none
                f.timeStyle = .short
            }
            return f
        }
        self.clock = formatter(nil)
        self.shortDate = formatter("dMMM")
        self.yearDate = formatter("dMMMyyyy")
        self.longDate = formatter("EEEEdMMMM")
        self.longYearDate = formatter("EEEEdMMMMyyyy")
    }

    /// Calendar days from `now` to `at`: negative in the past, positive ahead.
    public func daysBetween(now: Int64, at: Int64) -> Int {
        let from = calendar.startOfDay(for: date(now))
        let to = calendar.startOfDay(for: date(at))
        return calendar.dateComponents([.day], from: from, to: to).day ?? 0
    }

    /// "today", "yesterday", "3 days ago", "tomorrow", "in 3 days".
    public func day(at: Int64, now: Int64) -> String {
        let days = daysBetween(now: now, at: at)
        switch days {
        case 0: return strings.text(.timeToday)
        case -1: return strings.text(.timeYesterday)
        case 1: return strings.text(.timeTomorrow)
        case ..<0: return strings.plural(.timeDaysAgo, -days)
        default: return strings.plural(.timeInDays, days)
        }
    }

    /// How long since `since`, rounded down to the largest unit that still reads as a count:
    /// "less than a day" (the same calendar day), "5 days" up to two weeks, "3 weeks" up to two
    /// months, then "4 months" (of 30 days). Rounded down, as people say "3 weeks" after 26 days.
    public func elapsed(since: Int64, now: Int64) -> String {
        // A time ahead of `now` (a discharge recorded in advance) has not begun: nothing yet.
        let days = max(0, -daysBetween(now: now, at: since))
        switch days {
        case 0: return strings.text(.timeUnderADay)
        case ..<14: return strings.plural(.timeDays, days)
        case ..<60: return strings.plural(.timeWeeks, days / 7)
        default: return strings.plural(.timeMonths, days / 30)
        }
    }

    /// A day on the calendar in a message's words: "12 Mar" this year, "12 Mar 2027" in another,
    /// since an end date a year ahead must not read as this year's. (Not `date(at:now:)`: inside
    /// this type that name would hide the file's `date(_:)`.)
    public func calendarDate(at: Int64, now: Int64) -> String {
        let sameYear = calendar.component(.year, from: date(at)) == calendar.component(.year, from: date(now))
        return (sameYear ? shortDate : yearDate).string(from: date(at))
    }

    /// A message's time: the clock alone today, "yesterday at 10:42", then "3 Mar at 10:42".
    public func moment(at: Int64, now: Int64) -> String {
        let time = clock.string(from: date(at))
        switch daysBetween(now: now, at: at) {
        case 0: return time
        case -1: return strings.text(.timeAt, strings.text(.timeYesterday), time)
        default: return strings.text(.timeAt, shortDate.string(from: date(at)), time)
        }
    }

    /// A day and time ahead, in full: "Tuesday, December 3 at 2:00 PM" ("mardi 3 décembre à
    /// 14:00"), with the year when it is not this one. For a planned visit, where the weekday matters.
    public func dayAndTime(at: Int64, now: Int64) -> String {
        let sameYear = calendar.component(.year, from: date(at)) == calendar.component(.year, from: date(now))
        let day = (sameYear ? longDate : longYearDate).string(from: date(at))
        return strings.text(.timeAt, day, clock.string(from: date(at)))
    }

    /// When a planned contact starts, in full and relatively: "Tuesday, December 3 at 2:00 PM
    /// (in 2 days)".
    public func whenPlanned(at: Int64, now: Int64) -> String {
        strings.text(.plannedWhen, dayAndTime(at: at, now: now), day(at: at, now: now))
    }

    /// The clock time alone: "14:00" (or "2:00 PM", as the language writes it).
    public func clockTime(at: Int64) -> String {
        clock.string(from: date(at))
    }

    /// The moment `daysAhead` calendar days after `from`'s day, at `minuteOfDay` on the phone's clock.
    public func atDayAndMinute(from: Int64, daysAhead: Int, minuteOfDay: Int) -> Int64 {
        let start = calendar.startOfDay(for: date(from))
        let day = calendar.date(byAdding: .day, value: daysAhead, to: start) ?? start
        let moment = calendar.date(bySettingHour: minuteOfDay / 60, minute: minuteOfDay % 60, second: 0, of: day) ?? day
        return Int64((moment.timeIntervalSince1970 * 1000).rounded())
    }

    /// Minutes since midnight on the phone's clock: 14:30 is 870.
    public func minuteOfDay(at: Int64) -> Int {
        let parts = calendar.dateComponents([.hour, .minute], from: date(at))
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }
}
