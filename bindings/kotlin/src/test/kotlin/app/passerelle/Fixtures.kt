// The programme PasserelleTest and DirectoryTest start from: a coordinator signed in, a mentor
// and a survivor with profiles and consent, an active mentorship; and a check-in to record in it,
// and a voice note's audio to send.
package app.passerelle

import app.passerelle.core.CheckInInput
import app.passerelle.core.ConsentScope
import app.passerelle.core.ContactMode
import app.passerelle.core.Dimension
import app.passerelle.core.JobRole
import app.passerelle.core.MentorProfile
import app.passerelle.core.NewConsent
import app.passerelle.core.NewMentorship
import app.passerelle.core.NewPerson
import app.passerelle.core.Person
import app.passerelle.core.ProfessionalProfile
import app.passerelle.core.Profile
import app.passerelle.core.Reached
import app.passerelle.core.Role
import app.passerelle.core.SurvivorProfile
import kotlin.test.assertEquals
import kotlin.test.assertNotNull

internal const val HOUR = 3_600_000L
internal const val DAY = 24 * HOUR

internal class Programme(
    val coordinator: Person,
    val mentor: Person,
    val survivor: Person,
    val mentorshipId: String,
)

/**
 * On a store with nobody signed in: the coordinator signed in; a mentor and a survivor enrolled,
 * with profiles and consent; an active mentorship between them.
 */
internal fun enrolProgramme(api: Passerelle): Programme {
    val coordinator = api.createDeviceOwner(NewPerson(role = Role.PROFESSIONAL, displayName = "Claire"))
    api.saveProfile(
        Profile.Professional(
            ProfessionalProfile(
                personId = coordinator.id,
                team = "Stroke unit, CHU Nord",
                jobRole = JobRole.COORDINATOR,
            ),
        ),
    )
    val mentor = api.createPerson(NewPerson(role = Role.MENTOR, displayName = "Marc"))
    val survivor = api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = "Sophie"))
    api.saveProfile(
        Profile.Mentor(
            MentorProfile(
                personId = mentor.id,
                languages = listOf("fr", "en"),
                capacity = 3u,
                availability = "weekday mornings",
            ),
        ),
    )
    api.saveProfile(
        Profile.Survivor(
            SurvivorProfile(
                personId = survivor.id,
                preferredLanguages = listOf("fr"),
                communicationNeeds = listOf(),
                homeArea = "Lille",
                strokeDate = null,
                dischargeDate = null,
                goals = listOf("walk to the market"),
            ),
        ),
    )
    val consent = api.grantConsent(
        NewConsent(
            survivorId = survivor.id,
            scope = ConsentScope.PROGRAMME,
            caregiverId = null,
            grantedAt = System.currentTimeMillis() - DAY,
        ),
    )
    assertEquals(coordinator.id, consent.recordedBy)
    val proposed = api.proposeMentorship(
        NewMentorship(
            survivorId = survivor.id,
            mentorId = mentor.id,
            plannedContacts = 6u,
            plannedWeeks = 12u,
            matchingNotes = null,
        ),
    )
    val active = api.activateMentorship(proposed.id)
    assertNotNull(active.startedAt)
    return Programme(coordinator, mentor, survivor, active.id)
}

internal fun checkIn(mentorshipId: String, at: Long) = CheckInInput(
    mentorshipId = mentorshipId,
    occurredAt = at,
    mode = ContactMode.PHONE,
    durationMinutes = 30u,
    reached = Reached.SURVIVOR,
    dimensions = listOf(Dimension.EMOTIONAL),
    wellbeing = 3u,
    notes = "Talked about the first weeks at home.",
    resourcesShared = listOf(),
    followUp = null,
    concern = null,
)

/**
 * What a recording in an `.m4a` file (Android's `MPEG_4`/`AAC`, iOS's default) begins with — a
 * 32-byte `ftyp` box naming M4A, which is all the core checks — then [size] bytes standing in
 * for the sound, varied so that getting exactly these bytes back means something.
 */
internal fun fakeM4a(size: Int = 64): ByteArray =
    byteArrayOf(0, 0, 0, 0x20) + "ftypM4A ".toByteArray(Charsets.US_ASCII) + ByteArray(size) { (it * 31 + 7).toByte() }
