//! Weekly opening hours in a place's local time: parsing HSDS schedules (`byday`, `opens_at`,
//! `closes_at`, `valid_from`, `valid_to`) and the subset of OpenStreetMap `opening_hours` that
//! data·inclusion uses ("Mo-Fr 08:30-12:30,14:00-17:00; Sa 09:00-12:00; PH off"), and deciding
//! whether a place is open at a given local date and time.
//!
//! Hours never run past midnight: closing at or before opening is a typed error, and a late
//! opening is written as two schedules (Fri 20:00-24:00 and Sat 00:00-02:00). Anything the model
//! cannot represent exactly (monthly rules, holidays, sunrise) is not guessed: the caller drops
//! those hours with a warning in the import report.

use chrono::{Datelike, NaiveDate};

use super::taxonomy::{from_bits, to_bits};
use crate::error::{Error, Problem, Result};
use crate::model::codes::code_enum;

code_enum! {
    /// A day of the week, coded as in iCalendar and HSDS `byday`.
    pub enum Weekday as "weekday" {
        /// Monday.
        Monday = "MO",
        /// Tuesday.
        Tuesday = "TU",
        /// Wednesday.
        Wednesday = "WE",
        /// Thursday.
        Thursday = "TH",
        /// Friday.
        Friday = "FR",
        /// Saturday.
        Saturday = "SA",
        /// Sunday.
        Sunday = "SU",
    }
}

/// A local date and time (the place's, which for the directory is the user's own zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocalDateTime {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
    /// Hour, 0 to 23.
    pub hour: u32,
    /// Minute, 0 to 59.
    pub minute: u32,
}

/// One weekly opening period, as the apps show it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OpeningHours {
    /// The days it applies to, Monday first.
    pub days: Vec<Weekday>,
    /// Opening time, "HH:MM" local.
    pub opens_at: String,
    /// Closing time, "HH:MM" local ("24:00" for midnight).
    pub closes_at: String,
    /// First day it applies, "YYYY-MM-DD".
    pub valid_from: Option<String>,
    /// Last day it applies, "YYYY-MM-DD".
    pub valid_to: Option<String>,
    /// Free-text remark ("sur rendez-vous").
    pub description: Option<String>,
}

/// A period in its compact form: a weekday bitset (bit 0 Monday), minutes after midnight, and
/// the validity as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Interval {
    pub days: u8,
    pub opens: u16,
    pub closes: u16,
    pub from_day: Option<i32>,
    pub to_day: Option<i32>,
}

/// The moment a query asks about: day number, weekday bit and minute of the day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moment {
    pub day: i32,
    pub weekday_bit: u8,
    pub minute: u16,
}

impl Interval {
    /// Whether the place is open at `m`.
    pub(crate) fn contains(&self, m: Moment) -> bool {
        self.days & m.weekday_bit != 0
            && self.opens <= m.minute
            && m.minute < self.closes
            && self.from_day.is_none_or(|d| d <= m.day)
            && self.to_day.is_none_or(|d| m.day <= d)
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Days since 1970-01-01.
pub(crate) fn day_number(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

/// The date `n` days after 1970-01-01.
pub(crate) fn date_of_day(n: i32) -> NaiveDate {
    epoch() + chrono::Duration::days(i64::from(n))
}

impl LocalDateTime {
    /// Checks the fields and returns the moment it names.
    pub(crate) fn moment(self) -> Result<Moment> {
        let date = NaiveDate::from_ymd_opt(self.year, self.month, self.day)
            .ok_or(Error::invalid("open_at", Problem::Malformed))?;
        if self.hour > 23 || self.minute > 59 {
            return Err(Error::invalid("open_at", Problem::Malformed));
        }
        Ok(Moment {
            day: day_number(date),
            weekday_bit: 1 << date.weekday().num_days_from_monday(),
            minute: (self.hour * 60 + self.minute) as u16,
        })
    }
}

/// Parses an ISO date "YYYY-MM-DD" (a longer date-time keeps only its date part).
pub(crate) fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate> {
    let t = text.trim();
    let head = t.get(..10).unwrap_or(t);
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, Problem::Malformed))
}

/// Parses a clock time "HH:MM" or "HH:MM:SS", optionally followed by "Z" or a UTC offset, to
/// minutes after midnight; "24:00" is midnight at the end of the day. The offset is dropped:
/// HSDS adds it to say which zone the place is in, and the directory keeps local wall time.
pub(crate) fn parse_clock(field: &'static str, text: &str) -> Result<u16> {
    let t = text.trim();
    let bad = || Error::invalid(field, Problem::Malformed);
    let digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    let (hours, rest) = t.split_at_checked(2).ok_or_else(bad)?;
    let rest = rest.strip_prefix(':').ok_or_else(bad)?;
    let (minutes, mut rest) = rest.split_at_checked(2).ok_or_else(bad)?;
    if !digits(hours) || !digits(minutes) {
        return Err(bad());
    }
    if let Some(after) = rest.strip_prefix(':') {
        let (seconds, after) = after.split_at_checked(2).ok_or_else(bad)?;
        if !digits(seconds) || seconds > "59" {
            return Err(bad());
        }
        rest = after;
    }
    let offset_ok = rest.is_empty()
        || rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && digits(&rest[1..3])
            && &rest[3..4] == ":"
            && digits(&rest[4..6]));
    let (h, m): (u16, u16) = (
        hours.parse().map_err(|_| bad())?,
        minutes.parse().map_err(|_| bad())?,
    );
    if !offset_ok || m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// "HH:MM" for minutes after midnight.
pub(crate) fn format_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Checks an opening period: opening before 24:00, closing after opening.
pub(crate) fn check_period(opens: u16, closes: u16) -> Result<()> {
    if opens >= 24 * 60 {
        return Err(Error::invalid("schedule.opens_at", Problem::Malformed));
    }
    if closes <= opens {
        return Err(Error::invalid("schedule.closes_at", Problem::OutOfOrder));
    }
    Ok(())
}

/// Parses HSDS `byday` ("MO,TU,FR") to a weekday bitset. `None` for iCalendar forms the
/// weekly model cannot hold (ordinals such as "2MO" in monthly rules).
pub(crate) fn parse_byday(text: &str) -> Result<Option<u8>> {
    let mut days = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let code = part.to_ascii_uppercase();
        if code.len() > 2
            && code[..code.len() - 2]
                .bytes()
                .all(|b| b"+-0123456789".contains(&b))
        {
            return Ok(None);
        }
        days.push(
            Weekday::parse(&code)
                .map_err(|_| Error::invalid("schedule.byday", Problem::Malformed))?,
        );
    }
    if days.is_empty() {
        return Err(Error::invalid("schedule.byday", Problem::Empty));
    }
    Ok(Some(to_bits(Weekday::ALL, &days) as u8))
}

/// The days of a bitset.
pub(crate) fn weekdays(bits: u8) -> Vec<Weekday> {
    from_bits(Weekday::ALL, i64::from(bits))
}

/// "MO,TU,..." for a bitset.
pub(crate) fn format_byday(bits: u8) -> String {
    weekdays(bits)
        .iter()
        .map(|d| d.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// What an OpenStreetMap `opening_hours` value became.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum OsmHours {
    /// Weekly periods (days bitset, opens, closes), overlapping periods merged by day.
    Weekly(Vec<(u8, u16, u16)>),
    /// Valid syntax the weekly model cannot hold exactly (holidays with hours, months, weeks,
    /// sunrise, comments): dropped with a warning, never guessed.
    Unsupported,
}

const OSM_DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

fn osm_day(s: &str) -> Option<usize> {
    OSM_DAYS.iter().position(|d| *d == s)
}

/// Parses the subset of the OSM `opening_hours` syntax data·inclusion asks producers for:
/// rules separated by `;`, each "days times" where days are `Mo-Fr`, `Mo,We` or `PH`, and times
/// `HH:MM-HH:MM[,HH:MM-HH:MM]` or `off`; `24/7`. A later rule replaces earlier ones for its
/// days, as in OSM. A period closing before it opens is an error.
pub(crate) fn parse_osm(text: &str) -> Result<OsmHours> {
    let bad = || Error::invalid("horaires_accueil", Problem::Malformed);
    let mut per_day: [Vec<(u16, u16)>; 7] = Default::default();
    for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
        if rule == "24/7" {
            for d in &mut per_day {
                *d = vec![(0, 24 * 60)];
            }
            continue;
        }
        let (days_part, times_part) = match rule.split_once(' ') {
            Some((d, t)) if d.chars().next().is_some_and(char::is_alphabetic) => {
                (Some(d), t.trim())
            }
            _ if rule.chars().next().is_some_and(char::is_alphabetic)
                && !rule.eq_ignore_ascii_case("off") =>
            {
                (Some(rule), "")
            }
            _ => (None, rule),
        };
        let mut days = [false; 7];
        match days_part {
            None => days = [true; 7],
            Some(spec) if spec.starts_with("PH") || spec.starts_with("SH") => {
                // Public or school holidays: "PH off" only removes hours we cannot date anyway.
                if times_part.eq_ignore_ascii_case("off")
                    || times_part.eq_ignore_ascii_case("closed")
                {
                    continue;
                }
                return Ok(OsmHours::Unsupported);
            }
            Some(spec) => {
                for range in spec.split(',') {
                    let (a, b) = range.split_once('-').unwrap_or((range, range));
                    let (Some(a), Some(b)) = (osm_day(a), osm_day(b)) else {
                        return if range.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                            Ok(OsmHours::Unsupported)
                        } else {
                            Err(bad())
                        };
                    };
                    // A wrapping range such as Sa-Mo is valid OSM.
                    let mut i = a;
                    loop {
                        days[i] = true;
                        if i == b {
                            break;
                        }
                        i = (i + 1) % 7;
                    }
                }
            }
        }
        let periods = if times_part.is_empty() {
            vec![(0, 24 * 60)]
        } else if times_part.eq_ignore_ascii_case("off")
            || times_part.eq_ignore_ascii_case("closed")
        {
            Vec::new()
        } else {
            let mut periods = Vec::new();
            for span in times_part.split(',').map(str::trim) {
                let Some((o, c)) = span.split_once('-') else {
                    return if span.contains('+') || span.contains("sun") || span.contains('"') {
                        Ok(OsmHours::Unsupported)
                    } else {
                        Err(bad())
                    };
                };
                let (Ok(o), Ok(c)) = (
                    parse_clock("horaires_accueil", o),
                    parse_clock("horaires_accueil", c),
                ) else {
                    return if span.contains("sun") || span.contains('(') {
                        Ok(OsmHours::Unsupported)
                    } else {
                        Err(bad())
                    };
                };
                check_period(o, c)?;
                periods.push((o, c));
            }
            periods
        };
        for (i, on) in days.iter().enumerate() {
            if *on {
                per_day[i].clone_from(&periods);
            }
        }
    }
    // Group days with identical periods back into (days, opens, closes) triples.
    let mut out: Vec<(u8, u16, u16)> = Vec::new();
    for (i, periods) in per_day.iter().enumerate() {
        for &(o, c) in periods {
            if let Some(e) = out.iter_mut().find(|e| e.1 == o && e.2 == c) {
                e.0 |= 1 << i;
            } else {
                out.push((1 << i, o, c));
            }
        }
    }
    Ok(OsmHours::Weekly(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_parse_with_seconds_and_offsets() {
        assert_eq!(parse_clock("t", "09:30").unwrap(), 570);
        assert_eq!(parse_clock("t", "10:00:00").unwrap(), 600);
        assert_eq!(parse_clock("t", "09:00+01:00").unwrap(), 540);
        assert_eq!(parse_clock("t", "18:00Z").unwrap(), 1080);
        assert_eq!(parse_clock("t", "24:00").unwrap(), 1440);
        for bad in ["9:30", "25:00", "12:60", "24:01", "noon", "", "12:00+1"] {
            assert!(parse_clock("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn closing_before_opening_is_out_of_order() {
        assert!(matches!(
            check_period(600, 540),
            Err(Error::Invalid {
                field: "schedule.closes_at",
                problem: Problem::OutOfOrder
            })
        ));
        assert!(check_period(600, 600).is_err());
        assert!(check_period(1200, 1440).is_ok());
    }

    #[test]
    fn byday_parses_weekly_and_leaves_monthly_alone() {
        assert_eq!(parse_byday("MO,WE, fr").unwrap(), Some(0b10101));
        assert_eq!(parse_byday("2MO").unwrap(), None);
        assert!(parse_byday("XX").is_err());
        assert_eq!(format_byday(0b110_0000), "SA,SU");
    }

    #[test]
    fn osm_subset_parses_and_later_rules_win() {
        let h = parse_osm("Mo-Fr 08:30-12:30,14:00-17:00; We off; Sa 09:00-12:00; PH off").unwrap();
        assert_eq!(
            h,
            OsmHours::Weekly(vec![
                (0b11011, 510, 750),
                (0b11011, 840, 1020),
                (0b10_0000, 540, 720)
            ])
        );
        assert_eq!(
            parse_osm("24/7").unwrap(),
            OsmHours::Weekly(vec![(127, 0, 1440)])
        );
        assert_eq!(
            parse_osm("Jan-Mar Mo 10:00-12:00").unwrap(),
            OsmHours::Unsupported
        );
        assert_eq!(parse_osm("Mo 10:00+").unwrap(), OsmHours::Unsupported);
        assert!(matches!(
            parse_osm("Fr 22:00-02:00"),
            Err(Error::Invalid {
                problem: Problem::OutOfOrder,
                ..
            })
        ));
        assert!(parse_osm("Mo 1O:00-12:00").is_err());
    }

    #[test]
    fn intervals_respect_days_hours_and_validity() {
        let i = Interval {
            days: 0b1,
            opens: 540,
            closes: 720,
            from_day: Some(10),
            to_day: Some(20),
        };
        let at = |day, minute| Moment {
            day,
            weekday_bit: 1,
            minute,
        };
        assert!(i.contains(at(15, 540)));
        assert!(!i.contains(at(15, 720)), "closing time is closed");
        assert!(!i.contains(at(21, 600)));
        assert!(!i.contains(Moment {
            day: 15,
            weekday_bit: 2,
            minute: 600
        }));
    }

    #[test]
    fn local_date_times_are_checked() {
        let ok = LocalDateTime {
            year: 2026,
            month: 3,
            day: 2,
            hour: 9,
            minute: 5,
        };
        let m = ok.moment().unwrap();
        assert_eq!(
            (m.weekday_bit, m.minute),
            (1, 545),
            "2026-03-02 is a Monday"
        );
        assert_eq!(
            date_of_day(m.day),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
        assert!(
            LocalDateTime {
                day: 30,
                month: 2,
                ..ok
            }
            .moment()
            .is_err()
        );
        assert!(LocalDateTime { hour: 24, ..ok }.moment().is_err());
    }
}
