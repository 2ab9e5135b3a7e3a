// The coordinator's "Find a mentor" screen as plain text: for one survivor, who they are, the
// languages they prefer, how to communicate with them and whether their consent to take part is
// recorded, then one row per mentor from one `mentorMatches()` call. Who fits best, who has a
// place and who may be proposed are the core's to decide, and its order is kept as it is; this
// only words them, and proposes a mentorship with the programme's usual plan. Mirrors
// Matching.kt.
import Foundation
import Passerelle

/// The survivor being matched.
public struct SurvivorHeader: Equatable {
    public let survivorId: String
    public let name: String
    /// "Prefers: French, Arabic", or that their languages are not on this phone.
    public let languages: String
    /// How to communicate with them, one short line per need (the caseload's words).
    public let needs: [String]
    /// Only when their consent to take part is not recorded: a mentorship cannot start without it.
    public let consentWarning: String?
    /// Everything above in one sentence for VoiceOver.
    public let spoken: String
}

/// One mentor who could support the survivor. `nil` means "show nothing for this".
public struct CandidateRow: Identifiable, Equatable {
    public var id: String { mentorId }
    public let mentorId: String
    public let name: String
    /// "Speaks French" (the languages they share), "No shared language", or theirs when the survivor's are unknown.
    public let languages: String?
    /// "2 places free" / "No place free".
    public let places: String
    /// "Training up to date" / "No current training".
    public let training: String
    /// "Already matched with Ahmed" / "Mentored Ahmed before".
    public let history: String?
    /// When they are usually free, in their own words.
    public let availability: String?
    /// Whether a mentorship with them can be proposed now; the others are shown dimmed.
    public let canPropose: Bool
    /// "Propose Marc": the button names the mentor, so VoiceOver's list of buttons makes sense.
    public let proposeLabel: String
    public let spoken: String
}

public struct MatchingPage: Equatable {
    public let header: SurvivorHeader
    public let rows: [CandidateRow]
}

/// What "Propose" did.
public enum Proposal: Equatable {
    /// Proposed; the sentence ("Proposed to Marc.") is announced.
    case proposed(Mentorship, sentence: String)
    /// Nothing proposed. `onNote`: the sentence is about the note and goes under it.
    case failed(String, onNote: Bool)
}

public struct MatchingPresenter {
    /// The programme's usual dose: six contacts over twelve weeks.
    public static let plannedContacts: UInt32 = 6
    public static let plannedWeeks: UInt32 = 12
    /// The core's name for the note's field in `InvalidInput`.
    private static let noteField = "matching_notes"

    private let strings: Strings
    private let errors: ErrorText
    private let caseload: CaseloadPresenter

    public init(strings: Strings, errors: ErrorText, caseload: CaseloadPresenter) {
        self.strings = strings
        self.errors = errors
        self.caseload = caseload
    }

    public func page(_ matches: MentorMatches) -> MatchingPage {
        MatchingPage(header: header(matches), rows: matches.candidates.map { row(matches, $0) })
    }

    public func header(_ matches: MentorMatches) -> SurvivorHeader {
        let languages = preferredLanguages(matches.preferredLanguages)
        let needs = matches.communicationNeeds.map { caseload.need($0) }
        let consent = matches.consentToTakePart ? nil : strings.text(.matchingNoConsent)
        return SurvivorHeader(
            survivorId: matches.survivorId,
            name: matches.survivorName,
            languages: languages,
            needs: needs,
            consentWarning: consent,
            // The consent warning is whole sentences: last, so no ". " follows its full stop.
            spoken: ([matches.survivorName, languages] + needs + [consent].compactMap { $0 }).joined(separator: ". ")
        )
    }

    public func row(_ matches: MentorMatches, _ candidate: MentorCandidate) -> CandidateRow {
        let languages: String?
        if !candidate.sharedLanguages.isEmpty {
            languages = strings.text(.matchingSpeaks, languageNames(candidate.sharedLanguages))
        } else if !matches.preferredLanguages.isEmpty {
            languages = strings.text(.matchingNoSharedLanguage)
        } else if !candidate.languages.isEmpty {
            // The survivor's languages are not on this phone: what the mentor speaks still helps.
            languages = strings.text(.matchingSpeaks, languageNames(candidate.languages))
        } else {
            languages = nil
        }
        let places = candidate.freePlaces == 0
            ? strings.text(.matchingNoPlace)
            : strings.plural(.matchingFreePlaces, Int(candidate.freePlaces))
        let training = strings.text(candidate.trained ? .matchingTrained : .matchingNotTrained)
        let history: String?
        if candidate.alreadyMatched {
            history = strings.text(.matchingAlreadyMatched, matches.survivorName)
        } else if candidate.mentoredBefore {
            history = strings.text(.matchingMentoredBefore, matches.survivorName)
        } else {
            history = nil
        }
        let availability: String?
        if let words = candidate.availability?.trimmingCharacters(in: .whitespacesAndNewlines), !words.isEmpty {
            availability = strings.text(.matchingAvailability, words)
        } else {
            availability = nil
        }
        return CandidateRow(
            mentorId: candidate.mentorId,
            name: candidate.displayName,
            languages: languages,
            places: places,
            training: training,
            history: history,
            availability: availability,
            canPropose: candidate.available,
            proposeLabel: strings.text(.matchingPropose, candidate.displayName),
            spoken: [candidate.displayName, languages, places, training, history, availability]
                .compactMap { $0 }
                .joined(separator: ". ")
        )
    }

    /// "6 contacts in 12 weeks": what a proposal plans, shown before it is sent.
    public func plan() -> String {
        strings.text(.matchingPlan, Int(Self.plannedContacts), Int(Self.plannedWeeks))
    }

    /// Proposes a mentorship between the survivor and `mentor` with the usual plan and `note`
    /// (why this match; blank means none). Blocking: one transaction. The screen reloads afterwards.
    public func propose(_ api: Passerelle, survivorId: String, mentor: CandidateRow, note: String) -> Proposal {
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let mentorship = try api.proposeMentorship(mentorship: NewMentorship(
                survivorId: survivorId,
                mentorId: mentor.mentorId,
                plannedContacts: Self.plannedContacts,
                plannedWeeks: Self.plannedWeeks,
                matchingNotes: trimmed.isEmpty ? nil : trimmed
            ))
            return .proposed(mentorship, sentence: strings.text(.matchingProposed, mentor.name))
        } catch PasserelleError.InvalidInput(let field, let problem) where field == Self.noteField {
            return .failed(errors.problem(problem), onNote: true)
        } catch {
            return .failed(errors.sentence(error), onNote: false)
        }
    }

    /// A survivor's languages as the header says them, also on the waiting list: "Prefers:
    /// Arabic, French", or that they are not on this phone (only the professionals responsible
    /// for them hold their profile).
    func preferredLanguages(_ tags: [String]) -> String {
        tags.isEmpty
            ? strings.text(.matchingLanguagesUnknown)
            : strings.text(.matchingPrefers, languageNames(tags))
    }

    /// Language tags as their names in the phone's language: "fr" is "French", or "français".
    private func languageNames(_ tags: [String]) -> String {
        tags.map { tag in
            let language = String(tag.split(separator: "-").first ?? Substring(tag))
            return strings.locale.localizedString(forLanguageCode: language) ?? tag
        }
        .joined(separator: ", ")
    }
}
