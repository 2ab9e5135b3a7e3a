// The resources search from a real store holding the sample Lyon directory (HSDS JSON, imported
// through the bindings): the query the screen sends, and each hit's distance, opening and
// freshness in words, in English and French. Mirrors ResourcesPresenterTest.kt.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

final class ResourcesPresenterTests: XCTestCase {
    private let partDieu = GeoPoint(latitude: 45.7606, longitude: 4.8597)
    private let paris = TimeZone(identifier: "Europe/Paris")!

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        return calendar
    }

    /// A Tuesday evening, when two of the sample services are open.
    private var tuesdayEvening: Date {
        calendar.date(from: DateComponents(year: 2026, month: 3, day: 3, hour: 19, minute: 0))!
    }

    private var en: ResourcesPresenter { ResourcesPresenter(strings: english, time: RelativeTime(strings: english, timeZone: paris)) }
    private var fr: ResourcesPresenter { ResourcesPresenter(strings: french, time: RelativeTime(strings: french, timeZone: paris)) }

    private func opened() throws -> Passerelle {
        // The sample data shipped with the core's tests: ios-demo/Tests/<target>/ is three levels down.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("core/tests/data/directory/lyon-hsds.json")
        let api = try Passerelle.open(path: try temporaryFolder(self).appendingPathComponent("directory.db").path, key: randomKey())
        let report = try api.importDirectory(
            format: .hsdsJson,
            files: [ImportFile(name: file.lastPathComponent, content: try String(contentsOf: file, encoding: .utf8))],
            options: ImportOptions(source: "lyon-demo", skipInvalid: false, dryRun: false, removeMissing: false)
        )
        XCTAssertEqual(report.rejected, 0)
        return api
    }

    private func query(_ text: String, _ dimension: Dimension? = nil, openOnly: Bool = false, near: GeoPoint? = nil) -> DirectoryQuery {
        en.query(text, dimension: dimension, openOnly: openOnly, localNow: tuesdayEvening, calendar: calendar, near: near)
    }

    func testTheQueryCarriesTheScreensChoices() {
        let q = query("  répit ", .caregiverSupport, openOnly: true, near: partDieu)
        XCTAssertEqual(q.text, "  répit ")
        XCTAssertEqual(q.dimensions, [.caregiverSupport])
        XCTAssertTrue(q.openOnly)
        XCTAssertEqual(q.openAt, LocalDateTime(year: 2026, month: 3, day: 3, hour: 19, minute: 0))
        XCTAssertEqual(q.near, partDieu)
    }

    func testHitsInWordsFromTheRealDirectory() throws {
        let api = try opened()
        let now = Int64(tuesdayEvening.timeIntervalSince1970 * 1000)
        let page = try api.searchDirectory(query: query("aidants", near: partDieu))
        XCTAssertGreaterThanOrEqual(page.hits.count, 2)
        let view = en.view(page, now: now)
        XCTAssertEqual(view.total, "\(page.total) places found")
        XCTAssertEqual(view.rows.map(\.name), page.hits.map(\.name))
        for row in view.rows {
            let distance = try XCTUnwrap(row.distance)
            XCTAssertTrue(distance.hasSuffix(" m away") || distance.hasSuffix(" km away"), distance)
        }
        for row in fr.view(page, now: now).rows {
            XCTAssertTrue(try XCTUnwrap(row.distance).hasPrefix("À "))
        }
    }

    func testOpenNowAndFreshness() throws {
        let api = try opened()
        let now = Int64(tuesdayEvening.timeIntervalSince1970 * 1000)
        let open = try api.searchDirectory(query: query("", openOnly: true))
        XCTAssertEqual(en.view(open, now: now).rows.map(\.name), ["Groupe de parole AVC", "Transport adapté à la demande"])
        XCTAssertEqual(en.view(open, now: now).rows.map(\.open), ["Open now", "Open now"])
        XCTAssertEqual(fr.view(open, now: now).rows.map(\.open), ["Ouvert maintenant", "Ouvert maintenant"])

        let driving = try XCTUnwrap(api.searchDirectory(query: query("conduite")).hits.first)
        XCTAssertEqual(en.row(driving, now: now).freshness, "May be out of date")
        XCTAssertEqual(fr.row(driving, now: now).freshness, "Peut-être plus à jour")

        let nothing = en.view(try api.searchDirectory(query: query("zzzzqx")), now: now)
        XCTAssertEqual(nothing.total, "Nothing found. Try other words.")
        XCTAssertEqual(nothing.rows, [])
    }

    func testDistancesRoundForReading() {
        XCTAssertEqual(en.distance(0.83), "850 m away")
        XCTAssertEqual(en.distance(0.01), "50 m away")
        XCTAssertEqual(en.distance(1.24), "1.2 km away")
        XCTAssertEqual(fr.distance(1.24), "À 1,2 km")
        XCTAssertEqual(fr.distance(12.0), "À 12 km")
    }
}
