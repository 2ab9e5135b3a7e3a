// The community-resource directory through the generated Kotlin bindings: the sample HSDS data
// imported, searched offline (accents, prefixes, distance, filters, opening hours, operators typed
// as text), a service bookmarked with a private note, referrals (a mentor sharing services in a
// check-in and in the conversation, as the mentor, the survivor and the coordinator see them),
// and typed errors for bad input.
// Run with bindings/scripts/test-kotlin.sh from the repository root.
package app.passerelle

import app.passerelle.core.Category
import app.passerelle.core.Dimension
import app.passerelle.core.DirectoryQuery
import app.passerelle.core.GeoPoint
import app.passerelle.core.ImportFile
import app.passerelle.core.ImportFormat
import app.passerelle.core.ImportOptions
import app.passerelle.core.LocalDateTime
import app.passerelle.core.NewPerson
import app.passerelle.core.ReferralVia
import app.passerelle.core.Role
import java.io.File
import java.security.SecureRandom
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

private val PART_DIEU = GeoPoint(latitude = 45.7606, longitude = 4.8597)

class DirectoryTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private fun sample(): ImportFile {
        val file = File("core/tests/data/directory/lyon-hsds.json")
        return ImportFile(name = file.name, content = file.readText())
    }

    private fun query(
        text: String = "",
        near: GeoPoint? = null,
        categories: List<Category> = emptyList(),
        openAt: LocalDateTime? = null,
        openOnly: Boolean = false,
    ) = DirectoryQuery(
        text = text,
        near = near,
        maxDistanceKm = null,
        categories = categories,
        dimensions = emptyList(),
        languages = emptyList(),
        accessibility = emptyList(),
        fees = emptyList(),
        openAt = openAt,
        openOnly = openOnly,
        staleAfterDays = null,
        offset = 0u,
        limit = 20u,
    )

    private fun opened(): Passerelle {
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        val api = Passerelle.open(File(tmp.root, "directory.db").absolutePath, key)
        val report = api.importDirectory(
            ImportFormat.HSDS_JSON,
            listOf(sample()),
            ImportOptions(source = "lyon-demo", skipInvalid = false, dryRun = false, removeMissing = false),
        )
        assertEquals(44u, report.added)
        assertEquals(0u, report.rejected)
        return api
    }

    @Test
    fun searchFindsAccentInsensitivePrefixesAndRanksByDistance() {
        val api = opened()
        assertEquals("Aide à domicile après un AVC", api.searchDirectory(query("aide a domicile")).hits.first().name)
        assertEquals("Orthophonie et rééducation du langage", api.searchDirectory(query("ORTHOPHON")).hits.first().name)

        val near = api.searchDirectory(query("aidants", near = PART_DIEU)).hits
        assertEquals(
            setOf("Café des aidants", "Accueil de jour et répit des aidants"),
            near.take(2).map { it.name }.toSet(),
        )
        assertTrue(near.first().distanceKm!! < 0.1)
        assertTrue(near.zipWithNext().all { (a, b) -> a.score >= b.score })
        assertTrue(near.indexOfFirst { it.name == "Soutien psychologique pour aidants" } <
            near.indexOfFirst { it.name == "Carers' coffee morning" })

        // Operators and quotes typed by a person are plain words, never an error.
        val typed = api.searchDirectory(query("\"répit\" OR (aidants")).hits.map { it.name }
        assertTrue("Accueil de jour et répit des aidants" in typed)
    }

    @Test
    fun filtersAndOpeningHours() {
        val api = opened()
        assertEquals(
            listOf("Accueil de jour et répit des aidants"),
            api.searchDirectory(query(categories = listOf(Category.RESPITE))).hits.map { it.name },
        )
        val tuesdayEvening = LocalDateTime(year = 2026, month = 3u, day = 3u, hour = 19u, minute = 0u)
        assertEquals(
            listOf("Groupe de parole AVC", "Transport adapté à la demande"),
            api.searchDirectory(query(openAt = tuesdayEvening, openOnly = true)).hits.map { it.name },
        )
        val driving = api.searchDirectory(query("conduite")).hits.first()
        assertTrue(driving.possiblyOutdated, "verified in 2023")
    }

    @Test
    fun bookmarksKeepAPrivateNote() {
        val api = opened()
        api.createDeviceOwner(NewPerson(role = Role.CAREGIVER, displayName = "Paul"))
        val respite = api.searchDirectory(query("répit")).hits.first()
        val bookmark = api.bookmarkService(respite.serviceId, "Appeler lundi")
        assertEquals("Appeler lundi", bookmark.note)
        val saved = api.bookmarks()
        assertEquals(1, saved.size)
        assertEquals(respite.name, saved.first().service!!.name)
        assertTrue(api.searchDirectory(query("répit")).hits.first().bookmarked)
        api.removeBookmark(respite.serviceId)
        assertTrue(api.bookmarks().isEmpty())
    }

    /** The sample service called `name` among the hits for `text`. */
    private fun service(api: Passerelle, text: String, name: String) =
        api.searchDirectory(query(text)).hits.single { it.name == name }

    @Test
    fun mentorsReferServicesInCheckInsAndMessages() {
        opened().use { api ->
            val p = enrolProgramme(api)
            val now = System.currentTimeMillis()
            val respite = service(api, "répit", "Accueil de jour et répit des aidants")
            val group = service(api, "parole", "Groupe de parole AVC")
            val speech = service(api, "orthophonie", "Orthophonie et rééducation du langage")

            // The mentor shares one service in a check-in (beside a free-text resource) and
            // another in the conversation.
            api.setDeviceOwner(p.mentor.id)
            val recorded = api.recordCheckin(
                checkIn(p.mentorshipId, now - 3 * HOUR).copy(
                    resourcesShared = listOf(respite.serviceId, "Leaflet from the GP"),
                ),
            )
            val shared = api.shareService(p.mentorshipId, group.serviceId, "Thursdays, 2 pm")
            assertEquals(group.serviceId, shared.sharedServiceId)
            assertEquals("Thursdays, 2 pm", shared.body)
            assertTrue(shared.mine)

            val referrals = api.mentorshipReferrals(p.mentorshipId)
            assertEquals(
                listOf(
                    Triple(ReferralVia.CHECK_IN, respite.serviceId, recorded.checkin.checkinId),
                    Triple(ReferralVia.MESSAGE, group.serviceId, shared.id),
                ),
                referrals.map { Triple(it.via, it.serviceId, it.viaId) },
            )
            assertTrue(referrals.all { it.mentorshipId == p.mentorshipId && it.referredBy == p.mentor.id })
            assertEquals(listOf(now - 3 * HOUR, shared.writtenAt), referrals.map { it.referredAt })

            // The survivor sees both, latest first, and bookmarks one.
            api.setDeviceOwner(p.survivor.id)
            val seen = api.sharedServices()
            assertEquals(listOf(group.serviceId, respite.serviceId), seen.map { it.service.id })
            assertEquals(listOf(ReferralVia.MESSAGE, ReferralVia.CHECK_IN), seen.map { it.referral.via })
            assertEquals(listOf(false, false), seen.map { it.bookmarked })
            api.bookmarkService(group.serviceId, null)
            assertEquals(
                listOf(group.serviceId to true, respite.serviceId to false),
                api.sharedServices().map { it.service.id to it.bookmarked },
            )

            // A service the survivor shares is a message in the conversation, not a referral.
            val own = api.shareService(p.mentorshipId, speech.serviceId, null)
            assertEquals(speech.serviceId, own.sharedServiceId)
            assertEquals(
                listOf(group.serviceId, speech.serviceId),
                api.conversation(p.mentorshipId, 50u).messages.mapNotNull { it.sharedServiceId },
            )
            assertEquals(listOf(group.serviceId, respite.serviceId), api.sharedServices().map { it.service.id })
            // A mentorship's referral list is for its mentor and coordinator only.
            assertFailsWith<PasserelleException.NotAllowed> { api.mentorshipReferrals(p.mentorshipId) }

            // The coordinator sees the mentor's two referrals, not the survivor's share, and the
            // report counts them per dimension of the services referred.
            api.setDeviceOwner(p.coordinator.id)
            assertEquals(referrals, api.mentorshipReferrals(p.mentorshipId))
            val report = api.programmeReport(now - 7 * DAY, now + HOUR)
            assertEquals(2u, report.referrals)
            val referred = listOf(respite, group).map { api.directoryService(it.serviceId).dimensions }
            assertTrue(referred.all { it.isNotEmpty() }, "the sample services serve dimensions")
            assertTrue(referred[0].toSet() != referred[1].toSet(), "two services with different dimensions")
            val expected = Dimension.values()
                .associateWith { d -> referred.count { d in it }.toUInt() }
                .filterValues { it > 0u }
            assertEquals(
                report.referralsByDimension.size,
                report.referralsByDimension.map { it.dimension }.toSet().size,
                "one count per dimension",
            )
            assertEquals(
                expected,
                report.referralsByDimension.filter { it.referrals > 0u }.associate { it.dimension to it.referrals },
            )

            // Sharing a service the directory does not hold is refused and changes nothing.
            api.setDeviceOwner(p.mentor.id)
            val before = api.outboxLen()
            val unknown = assertFailsWith<PasserelleException.NotFound> {
                api.shareService(p.mentorshipId, "00000000-0000-4000-8000-000000000000", null)
            }
            assertEquals("service", unknown.what)
            val malformed = assertFailsWith<PasserelleException.InvalidInput> {
                api.shareService(p.mentorshipId, "not a service", null)
            }
            assertEquals("service_id", malformed.field)
            assertEquals(before, api.outboxLen())
            assertEquals(referrals, api.mentorshipReferrals(p.mentorshipId))
            assertEquals(2, api.conversation(p.mentorshipId, 50u).messages.size)
        }
    }

    @Test
    fun badInputIsATypedError() {
        val api = opened()
        assertFailsWith<PasserelleException.InvalidInput> {
            api.searchDirectory(query(near = GeoPoint(latitude = 95.0, longitude = 4.0)))
        }
        val err = assertFailsWith<PasserelleException.InvalidInput> {
            api.importDirectory(
                ImportFormat.HSDS_JSON,
                listOf(ImportFile(name = "broken.json", content = "[{\"id\": ")),
                ImportOptions(source = "lyon-demo", skipInvalid = false, dryRun = false, removeMissing = false),
            )
        }
        assertEquals("file", err.field)
        assertEquals(19u, api.searchDirectory(query()).total)
    }
}
