// The mentor's home screen as plain text: one row per mentee from one `caseload()` call, with
// the last contact in words, the dose so far, the next follow-up, the next planned visit or call
// (or that none is planned), the badges (overdue follow-ups, open concerns) and how many
// contacts over wait to be recorded. The order is the core's ("most pressing first"); nothing
// here decides what is overdue or urgent, which planned contact is next (not cancelled, not
// over), nor which wait to be recorded, it only says it.
import Foundation
import Passerelle

/// One mentee, ready to show. `nil` means "show nothing for this".
public struct CaseloadRow: Identifiable, Equatable {
    public var id: String { mentorshipId }
    public let mentorshipId: String
    public let survivorId: String
    public let name: String
    /// "Not started", "Paused" — only when the mentorship is not simply active.
    public let status: String?
    public let lastContact: String
    public let progress: String
    public let nextFollowUp: String?
    /// "Next visit or call: Tuesday 3 December at 14:00 (in 2 days)", or "No visit or call
    /// planned" when the core has none coming (`nextContactAt`).
    public let nextContact: String
    public let overdueBadge: String?
    /// "2 contacts to record": contacts over that no check-in records yet (`contactsToRecord`).
    public let toRecord: String?
    public let concernBadge: String?
    /// Whether the concern badge must stand out (an urgent concern).
    public let concernIsUrgent: Bool
    /// How to communicate with this person, one short line per need.
    public let needs: [String]
    /// Everything above in one sentence for VoiceOver, which reads a row as one element.
    public let spoken: String
}

public struct CaseloadPresenter {
    /// The collections the rows are made from: the caseload screen reloads when a write or a sync
    /// names one (a contact recorded, a follow-up or concern, a contact planned, moved or
    /// cancelled, a mentorship paused or ended, a renamed person, changed needs). The app's
    /// HomeView reloads after every change; this says which ones it must not miss.
    public static let watched: Set<String> = [
        "mentorship", "checkin", "escalation", "person", "survivor_profile", "planned_contact",
    ]

    private let strings: Strings
    private let time: RelativeTime

    public init(strings: Strings, time: RelativeTime) {
        self.strings = strings
        self.time = time
    }

    public func rows(_ entries: [CaseloadEntry], now: Int64) -> [CaseloadRow] {
        entries.map { row($0, now: now) }
    }

    public func row(_ entry: CaseloadEntry, now: Int64) -> CaseloadRow {
        let status: String?
        switch entry.status {
        case .proposed: status = strings.text(.statusProposed)
        case .active: status = nil
        case .paused: status = strings.text(.statusPaused)
        case .ended: status = strings.text(.statusEnded)
        }
        let lastContact = entry.lastContactAt.map { strings.text(.caseloadLastContact, time.day(at: $0, now: now)) }
            ?? strings.text(.caseloadNoContact)
        let progress = strings.text(.caseloadProgress, Int(entry.contactsDone), Int(entry.plannedContacts))
        let nextFollowUp = entry.nextFollowUpDue.map { strings.text(.caseloadNextFollowUp, time.day(at: $0, now: now)) }
        let nextContact = entry.nextContactAt.map {
            strings.text(.caseloadNextContact, time.whenPlanned(at: $0, now: now))
        } ?? strings.text(.caseloadNoNextContact)
        let overdue = entry.overdueFollowUps > 0 ? strings.plural(.caseloadOverdue, Int(entry.overdueFollowUps)) : nil
        let toRecord = entry.contactsToRecord > 0 ? strings.plural(.caseloadToRecord, Int(entry.contactsToRecord)) : nil
        var concerns: String?
        if entry.openConcerns > 0 {
            let badge = strings.plural(.caseloadConcerns, Int(entry.openConcerns))
            concerns = entry.mostUrgentConcern.map { strings.text(.caseloadBadgeWithUrgency, badge, urgency($0)) } ?? badge
        }
        let needs = entry.communicationNeeds.map { need($0) }
        let spoken = ([entry.survivorName, status, concerns, overdue, toRecord, lastContact, nextFollowUp, nextContact, progress].compactMap { $0 } + needs)
            .joined(separator: ". ")
        return CaseloadRow(
            mentorshipId: entry.mentorshipId,
            survivorId: entry.survivorId,
            name: entry.survivorName,
            status: status,
            lastContact: lastContact,
            progress: progress,
            nextFollowUp: nextFollowUp,
            nextContact: nextContact,
            overdueBadge: overdue,
            toRecord: toRecord,
            concernBadge: concerns,
            concernIsUrgent: entry.mostUrgentConcern == .urgent,
            needs: needs,
            spoken: spoken
        )
    }

    public func urgency(_ urgency: Urgency) -> String {
        switch urgency {
        case .routine: return strings.text(.urgencyRoutine)
        case .soon: return strings.text(.urgencySoon)
        case .urgent: return strings.text(.urgencyUrgent)
        }
    }

    public func need(_ need: CommunicationNeed) -> String {
        switch need {
        case .aphasia: return strings.text(.needAphasia)
        case .lowVision: return strings.text(.needLowVision)
        case .hearingLoss: return strings.text(.needHearingLoss)
        case .fatigue: return strings.text(.needFatigue)
        case .oneHandedUse: return strings.text(.needOneHanded)
        case .memoryAttention: return strings.text(.needMemory)
        }
    }
}
