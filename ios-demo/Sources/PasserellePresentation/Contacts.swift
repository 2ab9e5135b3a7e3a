// A mentee's past contacts, from one `mentorshipTimeline()` call: each check-in's current
// version in one line ("Phone · 30 minutes · 3 days ago"), whether it was corrected, and the
// record the amend form starts from.
import Foundation
import Passerelle

public struct ContactRow: Identifiable, Equatable {
    public var id: String { checkinId }
    public let checkinId: String
    public let summary: String
    public let wellbeing: WellbeingFace?
    /// "Corrected" when it has more than one version.
    public let corrected: String?
    /// The current version, to prefill the amend form.
    public let current: CheckIn
    public let spoken: String
}

public struct ContactsPresenter {
    private let strings: Strings
    private let time: RelativeTime
    private let labels: CheckInLabels

    public init(strings: Strings, time: RelativeTime) {
        self.strings = strings
        self.time = time
        self.labels = CheckInLabels(strings: strings)
    }

    /// The timeline's check-ins, newest first as the core orders them; other entries are left out.
    public func rows(_ timeline: [TimelineEntry], now: Int64) -> [ContactRow] {
        timeline.compactMap { entry in
            guard case .checkIn(let checkin, let versions) = entry else {
                return nil
            }
            return row(checkin, versions: Int(versions), now: now)
        }
    }

    public func row(_ checkIn: CheckIn, versions: Int, now: Int64) -> ContactRow {
        let parts = [
            labels.mode(checkIn.mode),
            labels.duration(Int(checkIn.durationMinutes)),
            time.day(at: checkIn.occurredAt, now: now),
            checkIn.reached == .noAnswer ? strings.text(.contactNoAnswer) : nil,
        ].compactMap { $0 }
        let corrected = versions > 1 ? strings.text(.contactCorrected) : nil
        let face = WellbeingFace.of(checkIn.wellbeing)
        return ContactRow(
            checkinId: checkIn.checkinId,
            summary: parts.joined(separator: " · "),
            wellbeing: face,
            corrected: corrected,
            current: checkIn,
            spoken: (parts + [face?.spoken(strings), corrected].compactMap { $0 }).joined(separator: ". ")
        )
    }
}
