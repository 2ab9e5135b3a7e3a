// The community-resources search as plain text: the query a screen sends (words, one of the
// five dimensions, "open now" at the phone's local time) and each hit of one
// `searchDirectory()` call in words — distance, open or closed now, how fresh the entry is.
// Ranking, matching and opening hours are the core's; this only words them.
package app.passerelle.demo.presentation

import app.passerelle.core.Dimension
import app.passerelle.core.DirectoryPage
import app.passerelle.core.DirectoryQuery
import app.passerelle.core.GeoPoint
import app.passerelle.core.LocalDateTime
import app.passerelle.core.ServiceHit
import app.passerelle.core.ServiceStatus
import java.time.ZonedDateTime
import kotlin.math.roundToInt

data class ResourceRow(
    val serviceId: String,
    val name: String,
    val organization: String?,
    val summary: String,
    /** "12 rue de la Part-Dieu, Lyon" when the hit has a place. */
    val place: String?,
    /** "800 m away" / "à 1,2 km" when the search had a point. */
    val distance: String?,
    /** "Open now" / "Closed now" / "Closed for a while"; `null` when the hours are not known. */
    val open: String?,
    /** "Checked 3 days ago", or "May be out of date". */
    val freshness: String?,
    val outdated: Boolean,
    val bookmarked: Boolean,
    /** The dimensions of peer support it serves, with the check-in form's words. */
    val dimensions: List<String>,
    val spoken: String,
)

data class ResourcesView(val total: String, val rows: List<ResourceRow>)

class ResourcesPresenter(private val strings: Strings, private val time: RelativeTime) {
    private val labels = CheckInLabels(strings)

    /**
     * The query for the search box: [text] as typed (the core treats it as plain words), at
     * most one [dimension], and, with [openOnly], only places open at [localNow] — the phone's
     * wall-clock time, which is what opening hours are written in.
     */
    fun query(text: String, dimension: Dimension?, openOnly: Boolean, localNow: ZonedDateTime, near: GeoPoint? = null) = DirectoryQuery(
        text = text,
        near = near,
        maxDistanceKm = null,
        categories = listOf(),
        dimensions = listOfNotNull(dimension),
        languages = listOf(),
        accessibility = listOf(),
        fees = listOf(),
        openAt = LocalDateTime(
            year = localNow.year,
            month = localNow.monthValue.toUInt(),
            day = localNow.dayOfMonth.toUInt(),
            hour = localNow.hour.toUInt(),
            minute = localNow.minute.toUInt(),
        ),
        openOnly = openOnly,
        staleAfterDays = null,
        offset = 0u,
        limit = PAGE,
    )

    fun view(page: DirectoryPage, now: Long) = ResourcesView(
        total = if (page.total > 0u) strings.plural(Plural.RESOURCES_FOUND, page.total.toInt()) else strings.text(Text.RESOURCES_NONE),
        rows = page.hits.map { row(it, now) },
    )

    fun row(hit: ServiceHit, now: Long): ResourceRow {
        val place = hit.place?.let { p -> listOfNotNull(p.address, p.city).joinToString(", ").ifEmpty { p.name } }
        val distance = hit.distanceKm?.let { distance(it) }
        val open = when {
            hit.status == ServiceStatus.TEMPORARILY_CLOSED -> strings.text(Text.RESOURCE_TEMPORARILY_CLOSED)
            hit.openNow == true -> strings.text(Text.RESOURCE_OPEN_NOW)
            hit.openNow == false -> strings.text(Text.RESOURCE_CLOSED_NOW)
            else -> null
        }
        val freshness = when {
            hit.possiblyOutdated -> strings.text(Text.RESOURCE_OUTDATED)
            else -> hit.lastVerified?.let { strings.text(Text.RESOURCE_CHECKED, time.day(it, now)) }
        }
        val dimensions = hit.dimensions.map { labels.dimension(it) }
        return ResourceRow(
            serviceId = hit.serviceId,
            name = hit.name,
            organization = hit.organizationName,
            summary = hit.summary,
            place = place,
            distance = distance,
            open = open,
            freshness = freshness,
            outdated = hit.possiblyOutdated,
            bookmarked = hit.bookmarked,
            dimensions = dimensions,
            spoken = listOfNotNull(hit.name, hit.organizationName, open, distance, place, freshness).joinToString(". "),
        )
    }

    /** "800 m away" under a kilometre (to the 50 m), "1.2 km away" / "À 1,2 km" under ten, "12 km away" beyond. */
    fun distance(km: Double): String = when {
        km < 1.0 -> strings.text(Text.RESOURCE_DISTANCE_M, ((km * 1000 / 50).roundToInt() * 50).coerceAtLeast(50))
        km < 10.0 -> strings.text(Text.RESOURCE_DISTANCE_KM, String.format(strings.locale, "%.1f", km))
        else -> strings.text(Text.RESOURCE_DISTANCE_KM, km.roundToInt().toString())
    }

    private companion object {
        const val PAGE = 20u
    }
}
