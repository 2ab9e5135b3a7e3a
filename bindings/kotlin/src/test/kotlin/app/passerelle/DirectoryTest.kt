// The community-resource directory through the generated Kotlin bindings: the sample HSDS data
// imported, searched offline (accents, prefixes, distance, filters, opening hours, operators typed
// as text), a service bookmarked with a private note, and typed errors for bad input.
// Run with bindings/scripts/test-kotlin.sh from the repository root.
package app.passerelle

import app.passerelle.core.Category
import app.passerelle.core.DirectoryQuery
import app.passerelle.core.GeoPoint
import app.passerelle.core.ImportFile
import app.passerelle.core.ImportFormat
import app.passerelle.core.ImportOptions
import app.passerelle.core.LocalDateTime
import app.passerelle.core.NewPerson
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
