// The programme PasserelleTests and DirectoryTests start from: a coordinator signed in, a mentor
// and a survivor with profiles and consent, an active mentorship; and a check-in to record in it,
// and a voice note's audio to send. The same as bindings/kotlin/src/test/kotlin/app/passerelle/Fixtures.kt.
import Foundation
import Passerelle
import XCTest

let hour: Int64 = 3_600_000
let day: Int64 = 24 * hour

func nowMillis() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1000)
}

struct Programme {
    let coordinator: Person
    let mentor: Person
    let survivor: Person
    let mentorshipId: String
}

/// On a store with nobody signed in: the coordinator signed in; a mentor and a survivor enrolled,
/// with profiles and consent; an active mentorship between them.
func enrolProgramme(_ api: Passerelle) throws -> Programme {
    let coordinator = try api.createDeviceOwner(person: NewPerson(role: .professional, displayName: "Claire"))
    try api.saveProfile(profile: .professional(profile: ProfessionalProfile(
        personId: coordinator.id,
        team: "Stroke unit, CHU Nord",
        jobRole: .coordinator
    )))
    let mentor = try api.createPerson(person: NewPerson(role: .mentor, displayName: "Marc"))
    let survivor = try api.createPerson(person: NewPerson(role: .survivor, displayName: "Sophie"))
    try api.saveProfile(profile: .mentor(profile: MentorProfile(
        personId: mentor.id,
        languages: ["fr", "en"],
        capacity: 3,
        availability: "weekday mornings"
    )))
    try api.saveProfile(profile: .survivor(profile: SurvivorProfile(
        personId: survivor.id,
        preferredLanguages: ["fr"],
        communicationNeeds: [],
        homeArea: "Lille",
        strokeDate: nil,
        dischargeDate: nil,
        goals: ["walk to the market"]
    )))
    let consent = try api.grantConsent(consent: NewConsent(
        survivorId: survivor.id,
        scope: .programme,
        caregiverId: nil,
        grantedAt: nowMillis() - day
    ))
    XCTAssertEqual(consent.recordedBy, coordinator.id)
    let proposed = try api.proposeMentorship(mentorship: NewMentorship(
        survivorId: survivor.id,
        mentorId: mentor.id,
        plannedContacts: 6,
        plannedWeeks: 12,
        matchingNotes: nil
    ))
    let active = try api.activateMentorship(mentorshipId: proposed.id)
    XCTAssertNotNil(active.startedAt)
    return Programme(coordinator: coordinator, mentor: mentor, survivor: survivor, mentorshipId: active.id)
}

func checkIn(_ mentorshipId: String, at: Int64) -> CheckInInput {
    CheckInInput(
        mentorshipId: mentorshipId,
        occurredAt: at,
        mode: .phone,
        durationMinutes: 30,
        reached: .survivor,
        dimensions: [.emotional],
        wellbeing: 3,
        notes: "Talked about the first weeks at home.",
        resourcesShared: [],
        followUp: nil,
        concern: nil
    )
}

/// What a recording in an `.m4a` file (iOS's default, Android's `MPEG_4`/`AAC`) begins with — a
/// 32-byte `ftyp` box naming M4A, which is all the core checks — then `size` bytes standing in
/// for the sound, varied so that getting exactly these bytes back means something.
func fakeM4a(size: Int = 64) -> Data {
    Data([0, 0, 0, 0x20]) + Data("ftypM4A ".utf8) + Data((0..<size).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) })
}
