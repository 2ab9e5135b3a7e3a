// The community-resource directory through the generated Swift bindings: the same scenario as
// bindings/kotlin/src/test/kotlin/app/passerelle/DirectoryTest.kt — the sample HSDS data
// imported and searched offline, filters and opening hours, a bookmark, referrals (a mentor
// sharing services in a check-in and in the conversation, as the mentor, the survivor and the
// coordinator see them), typed errors.
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

    /// The sample service called `name` among the hits for `text`.
    private func service(_ api: Passerelle, _ text: String, named name: String) throws -> ServiceHit {
        let hits = try api.searchDirectory(query: query(text)).hits.filter { $0.name == name }
        XCTAssertEqual(hits.count, 1, name)
        return try XCTUnwrap(hits.first)
    }

    func testMentorsReferServicesInCheckInsAndMessages() throws {
        let api = try opened()
        let p = try enrolProgramme(api)
        let now = nowMillis()
        let respite = try service(api, "répit", named: "Accueil de jour et répit des aidants")
        let group = try service(api, "parole", named: "Groupe de parole AVC")
        let speech = try service(api, "orthophonie", named: "Orthophonie et rééducation du langage")

        // The mentor shares one service in a check-in (beside a free-text resource) and another
        // in the conversation.
        _ = try api.setDeviceOwner(personId: p.mentor.id)
        var input = checkIn(p.mentorshipId, at: now - 3 * hour)
        input.resourcesShared = [respite.serviceId, "Leaflet from the GP"]
        let recorded = try api.recordCheckin(input: input)
        let shared = try api.shareService(mentorshipId: p.mentorshipId, serviceId: group.serviceId, note: "Thursdays, 2 pm")
        XCTAssertEqual(shared.sharedServiceId, group.serviceId)
        XCTAssertEqual(shared.body, "Thursdays, 2 pm")
        XCTAssertTrue(shared.mine)

        let referrals = try api.mentorshipReferrals(mentorshipId: p.mentorshipId)
        XCTAssertEqual(referrals.map { $0.via }, [.checkIn, .message])
        XCTAssertEqual(referrals.map { $0.serviceId }, [respite.serviceId, group.serviceId])
        XCTAssertEqual(referrals.map { $0.viaId }, [recorded.checkin.checkinId, shared.id])
        XCTAssertEqual(referrals.map { $0.referredAt }, [now - 3 * hour, shared.writtenAt])
        XCTAssertTrue(referrals.allSatisfy { $0.mentorshipId == p.mentorshipId && $0.referredBy == p.mentor.id })

        // The survivor sees both, latest first, and bookmarks one.
        _ = try api.setDeviceOwner(personId: p.survivor.id)
        let seen = try api.sharedServices()
        XCTAssertEqual(seen.map { $0.service.id }, [group.serviceId, respite.serviceId])
        XCTAssertEqual(seen.map { $0.referral.via }, [.message, .checkIn])
        XCTAssertEqual(seen.map { $0.bookmarked }, [false, false])
        _ = try api.bookmarkService(serviceId: group.serviceId, note: nil)
        let afterBookmark = try api.sharedServices()
        XCTAssertEqual(afterBookmark.map { $0.service.id }, [group.serviceId, respite.serviceId])
        XCTAssertEqual(afterBookmark.map { $0.bookmarked }, [true, false])

        // A service the survivor shares is a message in the conversation, not a referral.
        let own = try api.shareService(mentorshipId: p.mentorshipId, serviceId: speech.serviceId, note: nil)
        XCTAssertEqual(own.sharedServiceId, speech.serviceId)
        XCTAssertEqual(
            try api.conversation(mentorshipId: p.mentorshipId, limit: 50).messages.compactMap { $0.sharedServiceId },
            [group.serviceId, speech.serviceId]
        )
        XCTAssertEqual(try api.sharedServices().map { $0.service.id }, [group.serviceId, respite.serviceId])
        // A mentorship's referral list is for its mentor and coordinator only.
        XCTAssertThrowsError(try api.mentorshipReferrals(mentorshipId: p.mentorshipId)) { error in
            guard case .NotAllowed? = error as? PasserelleError else {
                return XCTFail("expected NotAllowed, got \(error)")
            }
        }

        // The coordinator sees the mentor's two referrals, not the survivor's share, and the
        // report counts them per dimension of the services referred.
        _ = try api.setDeviceOwner(personId: p.coordinator.id)
        XCTAssertEqual(try api.mentorshipReferrals(mentorshipId: p.mentorshipId), referrals)
        let report = try api.programmeReport(from: now - 7 * day, to: now + hour)
        XCTAssertEqual(report.referrals, 2)
        let referred = try [respite, group].map { Set(try api.directoryService(serviceId: $0.serviceId).dimensions) }
        XCTAssertTrue(referred.allSatisfy { !$0.isEmpty }, "the sample services serve dimensions")
        XCTAssertNotEqual(referred[0], referred[1], "two services with different dimensions")
        var expected: [Dimension: UInt32] = [:]
        for dimensions in referred {
            for dimension in dimensions {
                expected[dimension, default: 0] += 1
            }
        }
        let counted = report.referralsByDimension
        XCTAssertEqual(Set(counted.map { $0.dimension }).count, counted.count, "one count per dimension")
        XCTAssertEqual(
            Dictionary(counted.filter { $0.referrals > 0 }.map { ($0.dimension, $0.referrals) }, uniquingKeysWith: +),
            expected
        )

        // Sharing a service the directory does not hold is refused and changes nothing.
        _ = try api.setDeviceOwner(personId: p.mentor.id)
        let before = try api.outboxLen()
        XCTAssertThrowsError(
            try api.shareService(mentorshipId: p.mentorshipId, serviceId: "00000000-0000-4000-8000-000000000000", note: nil)
        ) { error in
            guard case let .NotFound(what)? = error as? PasserelleError else {
                return XCTFail("expected NotFound, got \(error)")
            }
            XCTAssertEqual(what, "service")
        }
        XCTAssertThrowsError(
            try api.shareService(mentorshipId: p.mentorshipId, serviceId: "not a service", note: nil)
        ) { error in
            guard case let .InvalidInput(field, _)? = error as? PasserelleError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertEqual(field, "service_id")
        }
        XCTAssertEqual(try api.outboxLen(), before)
        XCTAssertEqual(try api.mentorshipReferrals(mentorshipId: p.mentorshipId), referrals)
        XCTAssertEqual(try api.conversation(mentorshipId: p.mentorshipId, limit: 50).messages.count, 2)
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
