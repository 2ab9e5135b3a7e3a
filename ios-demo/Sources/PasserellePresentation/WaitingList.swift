// The first step of "Find a mentor" as plain text: the coordinator's waiting list, one row per
// survivor from one `survivorsAwaitingMentor()` call, in the core's order (longest waiting
// first). Each row says how long they have waited and since what, their languages and needs in
// the matching screen's words, and what to know before proposing (consent not yet recorded,
// mentored before). Who waits is the core's to decide; this only words it. Mirrors
// WaitingList.kt.
import Foundation
import Passerelle

/// One survivor waiting for a mentor. `nil` means "show nothing for this".
public struct WaitingRow: Identifiable, Equatable {
    public var id: String { survivorId }
    public let survivorId: String
    public let name: String
    /// "Waiting for 3 weeks since going home", or "since enrolment" when the discharge is not known.
    public let waiting: String
    /// "Prefers: Arabic, French", or that their languages are not on this phone (the header's words).
    public let languages: String
    /// How to communicate with them, one short line per need (the caseload's words).
    public let needs: [String]
    /// Only while their consent to take part is not recorded: a mentorship cannot start without it.
    public let consent: String?
    /// "Mentored before": a mentorship of theirs has ended, and they wait again.
    public let mentoredBefore: String?
    /// Everything above in one sentence for VoiceOver, which reads a row as one element.
    public let spoken: String
}

/// The rows; when there are none, `empty` says so instead of a blank screen.
public struct WaitingList: Equatable {
    public let rows: [WaitingRow]
    public let empty: String?
}

public struct WaitingListPresenter {
    private let strings: Strings
    private let time: RelativeTime
    private let matching: MatchingPresenter
    private let caseload: CaseloadPresenter

    public init(strings: Strings, time: RelativeTime, matching: MatchingPresenter, caseload: CaseloadPresenter) {
        self.strings = strings
        self.time = time
        self.matching = matching
        self.caseload = caseload
    }

    public func list(_ survivors: [AwaitingSurvivor], now: Int64) -> WaitingList {
        WaitingList(
            rows: survivors.map { row($0, now: now) },
            empty: survivors.isEmpty ? strings.text(.matchingNobodyWaiting) : nil
        )
    }

    public func row(_ survivor: AwaitingSurvivor, now: Int64) -> WaitingRow {
        // The core counts from the discharge when it is known, else from the enrolment: say which,
        // since "3 weeks since enrolment" may mean much longer at home.
        let since: TextKey = survivor.dischargeDate != nil ? .matchingWaitingSinceHome : .matchingWaitingSinceEnrolment
        let waiting = strings.text(since, time.elapsed(since: survivor.waitingSince, now: now))
        let languages = matching.preferredLanguages(survivor.preferredLanguages)
        let needs = survivor.communicationNeeds.map { caseload.need($0) }
        let consent = survivor.consentToTakePart ? nil : strings.text(.matchingConsentNotRecorded)
        let before = survivor.pastMentorships > 0 ? strings.text(.matchingHadMentor) : nil
        return WaitingRow(
            survivorId: survivor.survivorId,
            name: survivor.displayName,
            waiting: waiting,
            languages: languages,
            needs: needs,
            consent: consent,
            mentoredBefore: before,
            spoken: ([survivor.displayName, waiting, languages] + needs + [consent, before].compactMap { $0 })
                .joined(separator: ". ")
        )
    }
}
