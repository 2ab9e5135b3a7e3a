// The supervising professional's "Mentors" screen as plain text: one row per mentor from one
// `mentorRoster()` call, in the core's order (those needing attention first: training not
// current, then never supervised, then supervised longest ago). Each row says the mentor's load,
// whether their training is current and until when, and how long since their last supervision.
// How often a mentor should be supervised is the programme's policy, so the dates are said here,
// never judged; who comes first is the core's to decide. Mirrors Roster.kt.
import Foundation
import Passerelle

/// One mentor on the roster. `nil` means "show nothing for this".
public struct RosterRow: Identifiable, Equatable {
    public var id: String { mentorId }
    public let mentorId: String
    public let name: String
    /// "2 mentees of 4 places"; "Profile not filled in yet" until their profile says how many.
    public let load: String
    /// "1 proposal waiting": mentorships proposed and not started, which will take places too.
    public let proposed: String?
    /// "Training up to date until 12 Mar", "Training up to date" (it never lapses), "No current training".
    public let training: String
    /// Whether a course is current: without one the screen marks the line with a symbol as well as words.
    public let trained: Bool
    /// "Last supervised 6 weeks ago" / "Never supervised".
    public let supervision: String
    /// Everything above in one sentence for VoiceOver, which reads a row as one element.
    public let spoken: String
}

/// The rows; when there are none, `empty` says so instead of a blank screen.
public struct Roster: Equatable {
    public let rows: [RosterRow]
    public let empty: String?
}

public struct RosterPresenter {
    private let strings: Strings
    private let time: RelativeTime

    public init(strings: Strings, time: RelativeTime) {
        self.strings = strings
        self.time = time
    }

    public func list(_ mentors: [MentorStanding], now: Int64) -> Roster {
        Roster(
            rows: mentors.map { row($0, now: now) },
            empty: mentors.isEmpty ? strings.text(.rosterEmpty) : nil
        )
    }

    public func row(_ mentor: MentorStanding, now: Int64) -> RosterRow {
        let mentees = strings.plural(.rosterMentees, Int(mentor.mentees))
        let load: String
        if let capacity = mentor.capacity {
            load = strings.text(.rosterLoad, mentees, strings.plural(.rosterPlaces, Int(capacity)))
        } else if mentor.mentees > 0 {
            // No profile yet, yet mentorships (made before it, or synced): the count still matters.
            load = strings.text(.rosterNoProfileMentees, mentees)
        } else {
            load = strings.text(.rosterNoProfile)
        }
        let proposed = mentor.proposed > 0 ? strings.plural(.rosterProposed, Int(mentor.proposed)) : nil
        let training: String
        if !mentor.trained {
            training = strings.text(.matchingNotTrained)
        } else if let until = mentor.trainingValidUntil {
            training = strings.text(.rosterTrainedUntil, time.calendarDate(at: until, now: now))
        } else {
            training = strings.text(.matchingTrained)
        }
        let supervision = mentor.lastSupervisionAt
            .map { strings.text(.rosterSupervised, time.elapsed(since: $0, now: now)) }
            ?? strings.text(.rosterNeverSupervised)
        return RosterRow(
            mentorId: mentor.mentorId,
            name: mentor.displayName,
            load: load,
            proposed: proposed,
            training: training,
            trained: mentor.trained,
            supervision: supervision,
            spoken: [mentor.displayName, load, proposed, training, supervision].compactMap { $0 }
                .joined(separator: ". ")
        )
    }
}
