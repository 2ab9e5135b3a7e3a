// The community-resources search as plain text: the query a screen sends (words, one of the
// five dimensions, "open now" at the phone's local time) and each hit of one
// `searchDirectory()` call in words — distance, open or closed now, how fresh the entry is.
// Ranking, matching and opening hours are the core's; this only words them.
import Foundation
import Passerelle

public struct ResourceRow: Identifiable, Equatable {
    public var id: String { serviceId }
    public let serviceId: String
    public let name: String
    public let organization: String?
    public let summary: String
    /// "12 rue de la Part-Dieu, Lyon" when the hit has a place.
    public let place: String?
    /// "800 m away" / "À 1,2 km" when the search had a point.
    public let distance: String?
    /// "Open now" / "Closed now" / "Closed for a while"; `nil` when the hours are not known.
    public let open: String?
    /// "Checked 3 days ago", or "May be out of date".
    public let freshness: String?
    public let outdated: Bool
    public let bookmarked: Bool
    /// The dimensions of peer support it serves, with the check-in form's words.
    public let dimensions: [String]
    public let spoken: String
}

public struct ResourcesView: Equatable {
    public let total: String
    public let rows: [ResourceRow]
}

public struct ResourcesPresenter {
    private let strings: Strings
    private let time: RelativeTime
    private let labels: CheckInLabels
    private static let page: UInt32 = 20

    public init(strings: Strings, time: RelativeTime) {
        self.strings = strings
        self.time = time
        self.labels = CheckInLabels(strings: strings)
    }

    /// The query for the search box: `text` as typed (the core treats it as plain words), at
    /// most one `dimension`, and, with `openOnly`, only places open at `localNow` in
    /// `calendar`'s time zone — the wall-clock time opening hours are written in.
    public func query(_ text: String, dimension: Dimension?, openOnly: Bool, localNow: Date,
                      calendar: Calendar = .current, near: GeoPoint? = nil) -> DirectoryQuery {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: localNow)
        return DirectoryQuery(
            text: text,
            near: near,
            maxDistanceKm: nil,
            categories: [],
            dimensions: dimension.map { [$0] } ?? [],
            languages: [],
            accessibility: [],
            fees: [],
            openAt: LocalDateTime(
                year: Int32(parts.year ?? 1970),
                month: UInt32(parts.month ?? 1),
                day: UInt32(parts.day ?? 1),
                hour: UInt32(parts.hour ?? 0),
                minute: UInt32(parts.minute ?? 0)
            ),
            openOnly: openOnly,
            staleAfterDays: nil,
            offset: 0,
            limit: ResourcesPresenter.page
        )
    }

    public func view(_ page: DirectoryPage, now: Int64) -> ResourcesView {
        ResourcesView(
            total: page.total > 0 ? strings.plural(.resourcesFound, Int(page.total)) : strings.text(.resourcesNone),
            rows: page.hits.map { row($0, now: now) }
        )
    }

    public func row(_ hit: ServiceHit, now: Int64) -> ResourceRow {
        let place = hit.place.flatMap { p -> String? in
            let line = [p.address, p.city].compactMap { $0 }.joined(separator: ", ")
            return line.isEmpty ? p.name : line
        }
        let distanceText = hit.distanceKm.map { distance($0) }
        let open: String?
        if hit.status == .temporarilyClosed {
            open = strings.text(.resourceTemporarilyClosed)
        } else if let isOpen = hit.openNow {
            open = strings.text(isOpen ? .resourceOpenNow : .resourceClosedNow)
        } else {
            open = nil
        }
        let freshness = hit.possiblyOutdated
            ? strings.text(.resourceOutdated)
            : hit.lastVerified.map { strings.text(.resourceChecked, time.day(at: $0, now: now)) }
        return ResourceRow(
            serviceId: hit.serviceId,
            name: hit.name,
            organization: hit.organizationName,
            summary: hit.summary,
            place: place,
            distance: distanceText,
            open: open,
            freshness: freshness,
            outdated: hit.possiblyOutdated,
            bookmarked: hit.bookmarked,
            dimensions: hit.dimensions.map { labels.dimension($0) },
            spoken: [hit.name, hit.organizationName, open, distanceText, place, freshness].compactMap { $0 }.joined(separator: ". ")
        )
    }

    /// "800 m away" under a kilometre (to the 50 m), "1.2 km away" / "À 1,2 km" under ten, "12 km away" beyond.
    public func distance(_ km: Double) -> String {
        if km < 1 {
            return strings.text(.resourceDistanceM, max(50, Int((km * 1000 / 50).rounded()) * 50))
        }
        if km < 10 {
            return strings.text(.resourceDistanceKm, String(format: "%.1f", locale: strings.locale, km))
        }
        return strings.text(.resourceDistanceKm, String(Int(km.rounded())))
    }
}
