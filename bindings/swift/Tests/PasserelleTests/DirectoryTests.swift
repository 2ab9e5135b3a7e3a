// The community-resource directory through the generated Swift bindings: the same scenario as
// bindings/kotlin/src/test/kotlin/app/passerelle/DirectoryTest.kt — the sample HSDS data
// imported and searched offline, filters and opening hours, a bookmark, typed errors.
//
// Run on a Mac: bindings/scripts/build-ios.sh, then `swift test` in bindings/swift.
import Foundation
import Passerelle
import XCTest

private let partDieu = GeoPoint(latitude: 45.7606, longitude: 4.8597)

private func sampleFile() throws -> ImportFile {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("../../../../core/tests/data/directory/lyon-hsds.json")
        .standardizedFileURL
    return ImportFile(name: url.lastPathComponent, content: try String(contentsOf: url, encoding: .utf8))
}

private func query(
    _ text: String = "",
    near: GeoPoint? = nil,
    categories: [Category] = [],
    openAt: LocalDateTime? = nil,
    openOnly: Bool = false
) -> DirectoryQuery {
    DirectoryQuery(
        text: text,
        near: near,
        maxDistanceKm: nil,
        categories: categories,
        dimensions: [],
        languages: [],
        accessibility: [],
        fees: [],
        openAt: openAt,
        openOnly: openOnly,
        staleAfterDays: nil,
        offset: 0,
        limit: 20
    )
}

final class DirectoryTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func opened() throws -> Passerelle {
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let api = try Passerelle.open(path: directory.appendingPathComponent("directory.db").path, key: key)
        let report = try api.importDirectory(
            format: .hsdsJson,
            files: [try sampleFile()],
            options: ImportOptions(source: "lyon-demo", skipInvalid: false, dryRun: false, removeMissing: false)
        )
        XCTAssertEqual(report.added, 44)
        XCTAssertEqual(report.rejected, 0)
        return api
    }

    func testSearchFindsAccentInsensitivePrefixesAndRanksByDistance() throws {
        let api = try opened()
        XCTAssertEqual(try api.searchDirectory(query: query("aide a domicile")).hits.first?.name, "Aide à domicile après un AVC")
        XCTAssertEqual(try api.searchDirectory(query: query("ORTHOPHON")).hits.first?.name, "Orthophonie et rééducation du langage")

        let near = try api.searchDirectory(query: query("aidants", near: partDieu)).hits
        XCTAssertEqual(
            Set(near.prefix(2).map { $0.name }),
            ["Café des aidants", "Accueil de jour et répit des aidants"]
        )
        XCTAssertLessThan(near[0].distanceKm ?? 99, 0.1)
        for (a, b) in zip(near, near.dropFirst()) {
            XCTAssertGreaterThanOrEqual(a.score, b.score)
        }
        let typed = try api.searchDirectory(query: query("\"répit\" OR (aidants")).hits.map { $0.name }
        XCTAssertTrue(typed.contains("Accueil de jour et répit des aidants"))
    }

    func testFiltersAndOpeningHours() throws {
        let api = try opened()
        XCTAssertEqual(
            try api.searchDirectory(query: query(categories: [.respite])).hits.map { $0.name },
            ["Accueil de jour et répit des aidants"]
        )
        let tuesdayEvening = LocalDateTime(year: 2026, month: 3, day: 3, hour: 19, minute: 0)
        XCTAssertEqual(
            try api.searchDirectory(query: query(openAt: tuesdayEvening, openOnly: true)).hits.map { $0.name },
            ["Groupe de parole AVC", "Transport adapté à la demande"]
        )
        XCTAssertTrue(try api.searchDirectory(query: query("conduite")).hits[0].possiblyOutdated)
    }

    func testBookmarksKeepAPrivateNote() throws {
        let api = try opened()
        _ = try api.createDeviceOwner(person: NewPerson(role: .caregiver, displayName: "Paul"))
        let respite = try api.searchDirectory(query: query("répit")).hits[0]
        let bookmark = try api.bookmarkService(serviceId: respite.serviceId, note: "Appeler lundi")
        XCTAssertEqual(bookmark.note, "Appeler lundi")
        XCTAssertEqual(try api.bookmarks().count, 1)
        XCTAssertTrue(try api.searchDirectory(query: query("répit")).hits[0].bookmarked)
        try api.removeBookmark(serviceId: respite.serviceId)
        XCTAssertTrue(try api.bookmarks().isEmpty)
    }

    func testBadInputIsATypedError() throws {
        let api = try opened()
        XCTAssertThrowsError(try api.searchDirectory(query: query(near: GeoPoint(latitude: 95, longitude: 4)))) { error in
            guard case .InvalidInput? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
        }
        XCTAssertThrowsError(
            try api.importDirectory(
                format: .hsdsJson,
                files: [ImportFile(name: "broken.json", content: "[{\"id\": ")],
                options: ImportOptions(source: "lyon-demo", skipInvalid: false, dryRun: false, removeMissing: false)
            )
        ) { error in
            guard case let .InvalidInput(field, _)? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertEqual(field, "file")
        }
        XCTAssertEqual(try api.searchDirectory(query: query()).total, 19)
    }
}
