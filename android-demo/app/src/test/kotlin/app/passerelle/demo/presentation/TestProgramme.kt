// A real Passerelle store for the presentation tests: an encrypted database in a temporary
// folder with a random key, a coordinator who enrols a mentor and survivors and starts their
// mentorships, then hands the device to the mentor — the state the mentor's screens start from.
package app.passerelle.demo.presentation

import app.passerelle.ChangeObserver
import app.passerelle.Passerelle
import app.passerelle.core.CheckInInput
import app.passerelle.core.CommunicationNeed
import app.passerelle.core.ConsentScope
import app.passerelle.core.ContactMode
import app.passerelle.core.Dimension
import app.passerelle.core.FollowUp
import app.passerelle.core.NewConcern
import app.passerelle.core.NewConsent
import app.passerelle.core.NewMentorship
import app.passerelle.core.NewPerson
import app.passerelle.core.Person
import app.passerelle.core.Profile
import app.passerelle.core.Reached
import app.passerelle.core.Role
import app.passerelle.core.SurvivorProfile
import java.io.File
import java.security.SecureRandom
import java.util.Collections

const val HOUR = 3_600_000L
const val DAY = 24 * HOUR

fun randomKey(): ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }

/**
 * The first bytes of an `.m4a` recording (an `ftyp` box naming M4A, all the core checks), then
 * [size] bytes standing in for the sound. The same as the binding tests' Fixtures.kt.
 */
fun fakeM4a(size: Int = 64): ByteArray =
    byteArrayOf(0, 0, 0, 0x20) + "ftypM4A ".toByteArray(Charsets.US_ASCII) + ByteArray(size) { (it * 31 + 7).toByte() }

/** What the app's change bus is told: every collection a write names. */
class Heard : ChangeObserver {
    val collections: MutableSet<String> = Collections.synchronizedSet(mutableSetOf())

    override fun onChange(collections: List<String>) {
        this.collections.addAll(collections)
    }
}

class TestProgramme(dir: File) : AutoCloseable {
    val api: Passerelle = Passerelle.open(File(dir, "passerelle.db").absolutePath, randomKey())
    val coordinator: Person = api.createDeviceOwner(NewPerson(role = Role.PROFESSIONAL, displayName = "Claire"))
    val mentor: Person = api.createPerson(NewPerson(role = Role.MENTOR, displayName = "Marc"))

    /** Enrols a survivor with [needs] and starts a six-contact mentorship with the mentor; returns its id. */
    fun mentee(name: String, needs: List<CommunicationNeed> = listOf()): String {
        api.setDeviceOwner(coordinator.id)
        val survivor = api.createPerson(NewPerson(role = Role.SURVIVOR, displayName = name))
        api.saveProfile(
            Profile.Survivor(
                SurvivorProfile(
                    personId = survivor.id,
                    preferredLanguages = listOf("fr"),
                    communicationNeeds = needs,
                    homeArea = "Lille",
                    strokeDate = null,
                    dischargeDate = null,
                    goals = listOf(),
                ),
            ),
        )
        api.grantConsent(
            NewConsent(
                survivorId = survivor.id,
                scope = ConsentScope.PROGRAMME,
                caregiverId = null,
                grantedAt = System.currentTimeMillis() - DAY,
            ),
        )
        val proposed = api.proposeMentorship(
            NewMentorship(survivorId = survivor.id, mentorId = mentor.id, plannedContacts = 6u, plannedWeeks = 12u, matchingNotes = null),
        )
        val id = api.activateMentorship(proposed.id).id
        api.setDeviceOwner(mentor.id)
        return id
    }

    fun checkIn(
        mentorshipId: String,
        at: Long,
        followUp: FollowUp? = null,
        concern: NewConcern? = null,
    ) = CheckInInput(
        mentorshipId = mentorshipId,
        occurredAt = at,
        mode = ContactMode.PHONE,
        durationMinutes = 30u,
        reached = Reached.SURVIVOR,
        dimensions = listOf(Dimension.EMOTIONAL),
        wellbeing = 3u,
        notes = "",
        resourcesShared = listOf(),
        followUp = followUp,
        concern = concern,
    )

    override fun close() = api.close()
}
