// Sync in plain words: how far a running sync has got, what a finished one did, and each sync
// issue (a change the server refused, a lost edit, unreadable data, a voice note that did not
// arrive intact) as a sentence. The core keeps the issues until the app dismisses them; this
// only says them.
import Foundation
import Passerelle

public struct SyncText {
    private let strings: Strings

    public init(strings: Strings) {
        self.strings = strings
    }

    /// "Sending 3 of 10" / "Receiving: 120".
    public func progress(_ progress: SyncProgress) -> String {
        switch progress.stage {
        case .pushing: return strings.text(.syncProgressSending, Int(progress.done), Int(progress.total))
        case .pulling: return strings.text(.syncProgressReceiving, Int(progress.done))
        }
    }

    /// The share done for a progress bar, or `nil` when the total is unknown (pulling).
    public func fraction(_ progress: SyncProgress) -> Double? {
        guard progress.stage == .pushing, progress.total > 0 else {
            return nil
        }
        return min(1, max(0, Double(progress.done) / Double(progress.total)))
    }

    /// One or more short sentences, in the order the sync does them; "Everything is up to date."
    /// when nothing moved. A voice note's sound travels apart from its message, so it is counted
    /// apart too: "Sent 1 change. Sent 1 voice note."
    public func summary(_ summary: SyncSummary) -> String {
        let attention = Int(summary.rejected) + Int(summary.conflicts)
        var parts: [String] = []
        if summary.pushed > 0 { parts.append(strings.plural(.syncSent, Int(summary.pushed))) }
        if summary.voiceNotesSent > 0 { parts.append(strings.plural(.syncVoiceNotesSent, Int(summary.voiceNotesSent))) }
        if summary.pulled > 0 { parts.append(strings.plural(.syncReceived, Int(summary.pulled))) }
        if summary.voiceNotesReceived > 0 {
            parts.append(strings.plural(.syncVoiceNotesReceived, Int(summary.voiceNotesReceived)))
        }
        if attention > 0 { parts.append(strings.plural(.syncAttention, attention)) }
        if summary.revokedScopes > 0 { parts.append(strings.text(.syncAccessRemoved)) }
        return parts.isEmpty ? strings.text(.syncUpToDate) : parts.joined(separator: " ")
    }

    /// "The server did not accept a contact. You no longer have access."
    public func issue(_ issue: SyncIssue) -> String {
        let what: String
        switch issue.kind {
        case "rejected": what = strings.text(.issueRejected, thing(issue.collection))
        case "conflict": what = strings.text(.issueConflict, thing(issue.collection))
        // A voice note's sound that did not match its message: nothing to update, the core asks
        // for it again at the next sync.
        default: what = strings.text(issue.collection == "voice_note" ? .issueUnreadableVoiceNote : .issueUnreadable)
        }
        guard issue.kind == "rejected", let why = reason(issue.reason) else {
            return what
        }
        return "\(what) \(why)"
    }

    /// The kind of record a collection holds, with its article ("a contact", "un message").
    public func thing(_ collection: String) -> String {
        switch collection {
        case "checkin": return strings.text(.thingCheckin)
        case "message", "conversation_read", "voice_note": return strings.text(.thingMessage)
        case "person", "survivor_profile", "mentor_profile", "caregiver_profile", "professional_profile":
            return strings.text(.thingProfile)
        case "mentorship", "mentorship_event": return strings.text(.thingMentorship)
        case "escalation", "escalation_event": return strings.text(.thingConcern)
        case "consent": return strings.text(.thingConsent)
        default: return strings.text(.thingOther)
        }
    }

    /// The server's stable reason codes in words; `nil` for one without a useful sentence.
    private func reason(_ code: String) -> String? {
        switch code {
        case "access_revoked": return strings.text(.issueReasonAccessRevoked)
        case "not_allowed": return strings.text(.issueReasonNotAllowed)
        case "invalid", "immutable_field", "id_conflict": return strings.text(.issueReasonInvalid)
        case "not_found": return strings.text(.issueReasonNotFound)
        case "unknown_collection", "unsupported_field", "unsupported_version": return strings.text(.issueReasonUpdateApp)
        default: return nil
        }
    }
}
