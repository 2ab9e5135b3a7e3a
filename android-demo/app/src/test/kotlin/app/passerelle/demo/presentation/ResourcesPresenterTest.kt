// The resources search from a real store holding the sample Lyon directory (HSDS JSON, imported
// through the bindings): the query the screen sends, and each hit's distance, opening and
// freshness in words, in English and French.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.core.Dimension
import app.passerelle.core.GeoPoint
import app.passerelle.core.ImportFile
import app.passerelle.core.ImportFormat
import app.passerelle.core.ImportOptions
import java.io.File
import java.time.ZoneId
import java.time.ZonedDateTime
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.rules.TemporaryFolder

private val PART_DIEU = GeoPoint(latitude = 45.7606, longitude = 4.8597)
private val PARIS: ZoneId = ZoneId.of("Europe/Paris")

// A Tuesday evening, when two of the sample services are open.
private val TUESDAY_EVENING: ZonedDateTime = ZonedDateTime.of(2026, 3, 3, 19, 0, 0, 0, PARIS)

class ResourcesPresenterTest {
    @get:Rule
    val tmp = TemporaryFolder()

    private val en = ResourcesPresenter(ResourceStrings.english, RelativeTime(ResourceStrings.english, PARIS))
    private val fr = ResourcesPresenter(ResourceStrings.french, RelativeTime(ResourceStrings.french, PARIS))

    /** The sample data shipped with the core's tests, found from the res/ directory upwards. */
    private fun sample(): ImportFile {
        val root = resDir().absoluteFile.parentFile.parentFile.parentFile.parentFile.parentFile
        val file = File(root, "core/tests/data/directory/lyon-hsds.json")
        return ImportFile(name = file.name, content = file.readText())
    }

    private fun opened(): Passerelle {
        val api = Passerelle.open(File(tmp.root, "directory.db").absolutePath, randomKey())
        val report = api.importDirectory(
            ImportFormat.HSDS_JSON,
            listOf(sample()),
            ImportOptions(source = "lyon-demo", skipInvalid = false, dryRun = false, removeMissing = false),
        )
        assertEquals(0u, report.rejected)
        return api
    }

    @Test
    fun theQueryCarriesTheScreensChoices() {
        val query = en.query("  répit ", Dimension.CAREGIVER_SUPPORT, openOnly = true, localNow = TUESDAY_EVENING, near = PART_DIEU)
        assertEquals("  répit ", query.text) // as typed: the core decides what words are
        assertEquals(listOf(Dimension.CAREGIVER_SUPPORT), query.dimensions)
        assertTrue(query.openOnly)
        assertEquals(listOf(2026, 3, 3, 19, 0), query.openAt!!.let { listOf(it.year, it.month.toInt(), it.day.toInt(), it.hour.toInt(), it.minute.toInt()) })
        assertEquals(PART_DIEU, query.near)
        assertEquals(listOf(), en.query("", null, openOnly = false, localNow = TUESDAY_EVENING).dimensions)
    }

    @Test
    fun hitsInWordsFromTheRealDirectory() {
        opened().use { api ->
            val now = TUESDAY_EVENING.toInstant().toEpochMilli()
            val page = api.searchDirectory(en.query("aidants", null, openOnly = false, localNow = TUESDAY_EVENING, near = PART_DIEU))
            assertTrue(page.hits.size >= 2)
            val view = en.view(page, now)
            assertEquals(if (page.total == 1u) "1 place found" else "${page.total} places found", view.total)
            assertEquals(page.hits.map { it.name }, view.rows.map { it.name })
            for ((hit, row) in page.hits.zip(view.rows)) {
                val km = hit.distanceKm!!
                val expected = if (km < 1.0) Regex("""\d+ m away""") else Regex("""\d+(\.\d)? km away""")
                assertTrue(expected.matches(row.distance!!), "${row.distance} for $km km")
                assertTrue(row.spoken.startsWith(hit.name), row.spoken)
            }
            val frView = fr.view(page, now)
            assertEquals("${page.total} lieux trouvés", frView.total)
            for (row in frView.rows) assertTrue(Regex("""À \d+ m|À \d+(,\d)? km""").matches(row.distance!!), row.distance)
        }
    }

    @Test
    fun openNowAndFreshness() {
        opened().use { api ->
            val now = TUESDAY_EVENING.toInstant().toEpochMilli()
            val open = api.searchDirectory(en.query("", null, openOnly = true, localNow = TUESDAY_EVENING))
            val rows = en.view(open, now).rows
            assertEquals(listOf("Groupe de parole AVC", "Transport adapté à la demande"), rows.map { it.name })
            assertEquals(listOf("Open now", "Open now"), rows.map { it.open })
            assertEquals(listOf("Ouvert maintenant", "Ouvert maintenant"), fr.view(open, now).rows.map { it.open })

            val driving = api.searchDirectory(en.query("conduite", null, openOnly = false, localNow = TUESDAY_EVENING)).hits.first()
            assertTrue(driving.possiblyOutdated)
            assertEquals("May be out of date", en.row(driving, now).freshness)
            assertEquals("Peut-être plus à jour", fr.row(driving, now).freshness)

            val fresh = api.searchDirectory(en.query("", null, openOnly = false, localNow = TUESDAY_EVENING)).hits
                .first { !it.possiblyOutdated && it.lastVerified != null }
            assertTrue(en.row(fresh, now).freshness!!.startsWith("Checked "), en.row(fresh, now).freshness)
            assertTrue(fr.row(fresh, now).freshness!!.startsWith("Vérifié "), fr.row(fresh, now).freshness)

            val nothing = en.view(api.searchDirectory(en.query("zzzzqx", null, openOnly = false, localNow = TUESDAY_EVENING)), now)
            assertEquals("Nothing found. Try other words.", nothing.total)
            assertEquals(listOf(), nothing.rows)
        }
    }

    @Test
    fun aDimensionFilterAndItsWords() {
        opened().use { api ->
            val page = api.searchDirectory(en.query("", Dimension.CAREGIVER_SUPPORT, openOnly = false, localNow = TUESDAY_EVENING))
            assertTrue(page.hits.isNotEmpty())
            for (row in en.view(page, 0).rows) assertTrue("Support for the carer" in row.dimensions, row.dimensions.toString())
            for (row in fr.view(page, 0).rows) assertTrue("Soutien au proche" in row.dimensions, row.dimensions.toString())
        }
    }

    @Test
    fun distancesRoundForReading() {
        assertEquals("850 m away", en.distance(0.83))
        assertEquals("50 m away", en.distance(0.01))
        assertEquals("1.2 km away", en.distance(1.24))
        assertEquals("À 1,2 km", fr.distance(1.24))
        assertEquals("À 12 km", fr.distance(12.0))
        assertEquals("12 km away", en.distance(12.4))
    }
}
