// The five-face wellbeing scale (through a real stored check-in), relative dates and how long
// since ("3 weeks") in calendar days of the phone's time zone, and every presentation key
// present in both languages.
// Mirrors WellbeingAndTimeTest.kt; ios-demo/scripts/check_strings.py checks the files' content.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

final class WellbeingTimeAndStringsTests: XCTestCase {
    func testFiveFacesFromVeryBadToVeryGood() {
        XCTAssertEqual(WellbeingFace.allCases.map(\.rawValue), [1, 2, 3, 4, 5])
        XCTAssertEqual(WellbeingFace.allCases.map(\.mouth), WellbeingFace.allCases.map(\.mouth).sorted())
        for face in WellbeingFace.allCases {
            XCTAssertEqual(WellbeingFace.of(face.stored), face)
        }
        XCTAssertNil(WellbeingFace.of(nil))
        XCTAssertNil(WellbeingFace.of(0))
        XCTAssertNil(WellbeingFace.of(6))
        XCTAssertEqual(WellbeingFace.good.spoken(english), "Feeling: Good, 4 of 5")
        XCTAssertEqual(WellbeingFace.soSo.spoken(french), "Moral : Moyen, 3 sur 5")
        XCTAssertEqual(WellbeingFace.spoken(nil, english), "Feeling: not asked")
    }

    func testTheChosenFaceIsWhatTheStoreKeeps() throws {
        let p = try TestProgramme(self)
        let sophie = try p.mentee("Sophie")
        for face in WellbeingFace.allCases {
            guard case .saved(let recorded) = CheckInForm.new(mentorshipId: sophie, now: nowMillis())
                .withWellbeing(face).submit(p.api, errors: ErrorText(strings: english)) else {
                return XCTFail("refused \(face)")
            }
            XCTAssertEqual(WellbeingFace.of(try p.api.checkin(checkinId: recorded.checkin.checkinId).wellbeing), face)
        }
    }

    func testDaysAreCalendarDays() throws {
        let paris = try XCTUnwrap(TimeZone(identifier: "Europe/Paris"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        func at(_ day: Int, _ hour: Int, _ minute: Int = 0, month: Int = 3) -> Int64 {
            let date = calendar.date(from: DateComponents(year: 2024, month: month, day: day, hour: hour, minute: minute))!
            return Int64(date.timeIntervalSince1970 * 1000)
        }
        let en = RelativeTime(strings: english, timeZone: paris)
        let fr = RelativeTime(strings: french, timeZone: paris)
        let now = at(5, 8)
        XCTAssertEqual(en.day(at: at(4, 23, 30), now: now), "yesterday")
        XCTAssertEqual(en.day(at: at(5, 0, 10), now: now), "today")
        XCTAssertEqual(fr.day(at: at(2, 9), now: now), "il y a 3 jours")
        XCTAssertEqual(en.day(at: at(6, 20), now: now), "tomorrow")
        XCTAssertEqual(fr.day(at: at(15, 8), now: now), "dans 10 jours")
        // Across the switch to summer time (31 March 2024 in Paris), still two days.
        XCTAssertEqual(en.day(at: at(1, 12, month: 4), now: at(30, 12)), "in 2 days")
        XCTAssertTrue(fr.moment(at: at(4, 22, 15), now: now).hasPrefix("hier à "))
    }

    func testHowLongSinceIsCountedInTheLargestUnitRoundedDown() throws {
        let paris = try XCTUnwrap(TimeZone(identifier: "Europe/Paris"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        let noon = try XCTUnwrap(calendar.date(from: DateComponents(year: 2024, month: 6, day: 30, hour: 12)))
        func millis(_ date: Date) -> Int64 {
            Int64(date.timeIntervalSince1970 * 1000)
        }
        func daysBefore(_ days: Int, hour: Int = 12) -> Int64 {
            let day = calendar.date(byAdding: .day, value: -days, to: noon)!
            return millis(calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day)!)
        }
        let now = millis(noon)
        let en = RelativeTime(strings: english, timeZone: paris)
        let fr = RelativeTime(strings: french, timeZone: paris)

        XCTAssertEqual(en.elapsed(since: daysBefore(0, hour: 0), now: now), "less than a day")
        XCTAssertEqual(fr.elapsed(since: now, now: now), "moins d'un jour")
        // Calendar days, as for "yesterday": late last night is a day ago.
        XCTAssertEqual(en.elapsed(since: daysBefore(1, hour: 23), now: now), "1 day")
        XCTAssertEqual(fr.elapsed(since: daysBefore(1), now: now), "1 jour")
        XCTAssertEqual(en.elapsed(since: daysBefore(13), now: now), "13 days")
        XCTAssertEqual(en.elapsed(since: daysBefore(14), now: now), "2 weeks")
        XCTAssertEqual(fr.elapsed(since: daysBefore(26), now: now), "3 semaines")
        XCTAssertEqual(en.elapsed(since: daysBefore(59), now: now), "8 weeks")
        XCTAssertEqual(en.elapsed(since: daysBefore(60), now: now), "2 months")
        XCTAssertEqual(fr.elapsed(since: daysBefore(400), now: now), "13 mois")
        // From before the switch to summer time (31 March 2024 in Paris): still 100 whole days.
        XCTAssertEqual(en.elapsed(since: daysBefore(100), now: now), "3 months")
        // A date ahead (a discharge recorded in advance) has not begun.
        XCTAssertEqual(en.elapsed(since: now + 3 * day, now: now), "less than a day")
    }

    func testEveryKeyResolvesInBothLanguages() {
        // A missing key comes back as the key itself. With no arguments the format is returned
        // unformatted, so no placeholder is fed a value of the wrong type.
        for strings in [english, french] {
            for key in TextKey.allCases {
                XCTAssertNotEqual(strings.text(key, [CVarArg]()), key.rawValue, "\(strings.locale.identifier): \(key.rawValue)")
            }
            for key in PluralKey.allCases {
                XCTAssertTrue(strings.plural(key, 2).contains("2"), "\(strings.locale.identifier): \(key.rawValue)")
            }
        }
    }
}
