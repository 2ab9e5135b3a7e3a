// A real Passerelle store for the presentation tests: an encrypted database in a temporary
// folder with a random key, a coordinator who enrols a mentor and survivors and starts their
// mentorships, then hands the device to the mentor — the state the mentor's screens start from.
// The same fixture as the Android tests' TestProgramme.kt.
import Foundation
import Passerelle
import PasserellePresentation
import XCTest

let hour: Int64 = 3_600_000
let day: Int64 = 24 * hour

func nowMillis() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1000)
}

func randomKey() -> Data {
    var generator = SystemRandomNumberGenerator()
    return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
}

/// What the app's change bus is told: every collection a write names.
final class Heard: ChangeObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var told: Set<String> = []

    func onChange(collections: [String]) {
        lock.lock()
        defer { lock.unlock() }
        told.formUnion(collections)
    }

    var collections: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return told
    }
}

/// The first bytes of an `.m4a` recording (an `ftyp` box naming M4A, all the core checks), then
/// `size` bytes standing in for the sound. The same as the binding tests' Fixtures.swift.
func fakeM4a(size: Int = 64) -> Data {
    Data([0, 0, 0, 0x20]) + Data("ftypM4A ".utf8) + Data((0..<size).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) })
}

let english = BundleStrings(language: "en")!
let french = BundleStrings(language: "fr")!

/// A fresh temporary folder, removed when the test ends.
func temporaryFolder(_ test: XCTestCase) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("passerelle-presentation-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    return folder
}

final class TestProgramme {
    let api: Passerelle
    let coordinator: Person
    let mentor: Person

    init(_ test: XCTestCase) throws {
        let folder = try temporaryFolder(test)
        api = try Passerelle.open(path: folder.appendingPathComponent("passerelle.db").path, key: randomKey())
        coordinator = try api.createDeviceOwner(person: NewPerson(role: .professional, displayName: "Claire"))
        mentor = try api.createPerson(person: NewPerson(role: .mentor, displayName: "Marc"))
    }

    /// Enrols a survivor with `needs` and starts a six-contact mentorship with the mentor; returns its id.
    func mentee(_ name: String, needs: [CommunicationNeed] = []) throws -> String {
        _ = try api.setDeviceOwner(personId: coordinator.id)
        let survivor = try api.createPerson(person: NewPerson(role: .survivor, displayName: name))
        try api.saveProfile(profile: .survivor(profile: SurvivorProfile(
            personId: survivor.id,
            preferredLanguages: ["fr"],
            communicationNeeds: needs,
            homeArea: "Lille",
            strokeDate: nil,
            dischargeDate: nil,
            goals: []
        )))
        _ = try api.grantConsent(consent: NewConsent(
            survivorId: survivor.id,
            scope: .programme,
            caregiverId: nil,
            grantedAt: nowMillis() - day
        ))
        let proposed = try api.proposeMentorship(mentorship: NewMentorship(
            survivorId: survivor.id,
            mentorId: mentor.id,
            plannedContacts: 6,
            plannedWeeks: 12,
            matchingNotes: nil
        ))
        let id = try api.activateMentorship(mentorshipId: proposed.id).id
        _ = try api.setDeviceOwner(personId: mentor.id)
        return id
    }

    func checkIn(_ mentorshipId: String, at: Int64, followUp: FollowUp? = nil, concern: NewConcern? = nil) -> CheckInInput {
        CheckInInput(
            mentorshipId: mentorshipId,
            occurredAt: at,
            mode: .phone,
            durationMinutes: 30,
            reached: .survivor,
            dimensions: [.emotional],
            wellbeing: 3,
            notes: "",
            resourcesShared: [],
            followUp: followUp,
            concern: concern
        )
    }
}
