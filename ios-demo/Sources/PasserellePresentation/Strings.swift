// The texts the presentation logic needs, named by key, and the small protocol that supplies
// them. The keys are those of Localizable.strings / Localizable.stringsdict, and the same as the
// Android app's string resources (ios-demo/scripts/check_strings.py checks both).
import Foundation

/// Supplies localized texts; format arguments follow Foundation's `%1$@` / `%1$ld` conventions.
public protocol Strings {
    /// The locale the texts are in; dates and times are formatted with it.
    var locale: Locale { get }

    func text(_ key: TextKey, _ args: [CVarArg]) -> String

    /// A quantity string: `count` picks the plural form and is the value it shows.
    func plural(_ key: PluralKey, _ count: Int) -> String
}

extension Strings {
    public func text(_ key: TextKey, _ args: CVarArg...) -> String {
        text(key, args)
    }
}

/// This package's resources, for the screens' own texts (`sign_in_title`, ...), which live in
/// the same Localizable.strings as the presentation's.
public enum LocalizedResources {
    public static var bundle: Bundle { Bundle.module }

    /// A screen text in the language iOS picked for the app.
    public static func text(_ key: String) -> String {
        Bundle.module.localizedString(forKey: key, value: nil, table: nil)
    }
}

/// The texts of one language, from this package's resources (`en.lproj`, `fr.lproj`).
public struct BundleStrings: Strings {
    public let locale: Locale
    private let bundle: Bundle

    /// The texts in `language` ("en" or "fr"); `nil` if the app has no such translation.
    public init?(language: String) {
        guard let path = Bundle.module.path(forResource: language, ofType: "lproj"),
              let bundle = Bundle(path: path) else {
            return nil
        }
        self.bundle = bundle
        self.locale = Locale(identifier: language)
    }

    /// The texts in the language iOS picked for this app from the person's preferences.
    public static func preferred() -> BundleStrings {
        let language = Bundle.preferredLocalizations(from: Bundle.module.localizations).first ?? "en"
        return BundleStrings(language: language) ?? BundleStrings(language: "en")!
    }

    public func text(_ key: TextKey, _ args: [CVarArg]) -> String {
        let format = bundle.localizedString(forKey: key.rawValue, value: nil, table: nil)
        return args.isEmpty ? format : String(format: format, locale: locale, arguments: args)
    }

    public func plural(_ key: PluralKey, _ count: Int) -> String {
        // A key from Localizable.stringsdict: formatting picks the plural form for `count`.
        let format = bundle.localizedString(forKey: key.rawValue, value: nil, table: nil)
        return String(format: format, locale: locale, arguments: [count])
    }
}

/// Plain texts, by key (not `Text`, which SwiftUI screens also import).
public enum TextKey: String, CaseIterable {
    case timeToday = "time_today"
    case timeYesterday = "time_yesterday"
    case timeTomorrow = "time_tomorrow"
    case timeAt = "time_at"
    case timeUnderADay = "time_under_a_day"

    case caseloadLastContact = "caseload_last_contact"
    case caseloadNoContact = "caseload_no_contact"
    case caseloadProgress = "caseload_progress"
    case caseloadNextFollowUp = "caseload_next_follow_up"
    case caseloadNextContact = "caseload_next_contact"
    case caseloadNoNextContact = "caseload_no_next_contact"
    case caseloadBadgeWithUrgency = "caseload_badge_with_urgency"
    case statusProposed = "status_proposed"
    case statusPaused = "status_paused"
    case statusEnded = "status_ended"
    case urgencyRoutine = "urgency_routine"
    case urgencySoon = "urgency_soon"
    case urgencyUrgent = "urgency_urgent"
    case needAphasia = "need_aphasia"
    case needLowVision = "need_low_vision"
    case needHearingLoss = "need_hearing_loss"
    case needFatigue = "need_fatigue"
    case needOneHanded = "need_one_handed"
    case needMemory = "need_memory"

    case modeHomeVisit = "mode_home_visit"
    case modeHospitalVisit = "mode_hospital_visit"
    case modePhone = "mode_phone"
    case modeVideo = "mode_video"
    case modeMessage = "mode_message"
    case modeGroup = "mode_group"
    case reachedSurvivor = "reached_survivor"
    case reachedCaregiver = "reached_caregiver"
    case reachedBoth = "reached_both"
    case reachedNoAnswer = "reached_no_answer"
    case dimensionHealthcarePathway = "dimension_healthcare_pathway"
    case dimensionSocialAdministrative = "dimension_social_administrative"
    case dimensionEmotional = "dimension_emotional"
    case dimensionInformational = "dimension_informational"
    case dimensionCaregiverSupport = "dimension_caregiver_support"
    case concernPhysicalHealth = "concern_physical_health"
    case concernMood = "concern_mood"
    case concernSafety = "concern_safety"
    case concernCaregiverStrain = "concern_caregiver_strain"
    case concernPractical = "concern_practical"
    case concernOther = "concern_other"

    case contactCorrected = "contact_corrected"
    case contactNoAnswer = "contact_no_answer"

    case wellbeing1 = "wellbeing_1"
    case wellbeing2 = "wellbeing_2"
    case wellbeing3 = "wellbeing_3"
    case wellbeing4 = "wellbeing_4"
    case wellbeing5 = "wellbeing_5"
    case wellbeingSpoken = "wellbeing_spoken"
    case wellbeingNotAsked = "wellbeing_not_asked"

    case messagePending = "message_pending"
    case messageSent = "message_sent"
    case messageDelivered = "message_delivered"
    case messageRead = "message_read"
    case messageUnread = "message_unread"
    case messageFromMe = "message_from_me"
    case messageSpoken = "message_spoken"
    case conversationNoUnread = "conversation_no_unread"
    case voiceNote = "voice_note"
    case voiceNoteOnItsWay = "voice_note_on_its_way"
    case voicePlay = "voice_play"
    case voicePlayMine = "voice_play_mine"
    case voiceFetch = "voice_fetch"
    case voiceFetchMine = "voice_fetch_mine"
    case voiceRecording = "voice_recording"

    case errorInvalidInput = "error_invalid_input"
    case errorUnknownCode = "error_unknown_code"
    case errorNotFound = "error_not_found"
    case errorNotAllowed = "error_not_allowed"
    case errorInvalidState = "error_invalid_state"
    case errorContactCancelled = "error_contact_cancelled"
    case errorContactOver = "error_contact_over"
    case errorContactRecorded = "error_contact_recorded"
    case errorContactNotStarted = "error_contact_not_started"
    case errorVoiceNoteNotSent = "error_voice_note_not_sent"
    case errorVoiceNoteDamaged = "error_voice_note_damaged"
    case errorWrongKey = "error_wrong_key"
    case errorCorrupt = "error_corrupt"
    case errorNotEncrypted = "error_not_encrypted"
    case errorNewerSchema = "error_newer_schema"
    case errorReadOnly = "error_read_only"
    case errorDiskFull = "error_disk_full"
    case errorCannotOpen = "error_cannot_open"
    case errorBusy = "error_busy"
    case errorInterrupted = "error_interrupted"
    case errorStorage = "error_storage"
    case errorOffline = "error_offline"
    case errorNotEnrolled = "error_not_enrolled"
    case errorUnauthorized = "error_unauthorized"
    case errorAccountClosed = "error_account_closed"
    case errorInvalidEnrolmentCode = "error_invalid_enrolment_code"
    case errorServerRefused = "error_server_refused"
    case errorServerFailed = "error_server_failed"
    case errorProtocol = "error_protocol"
    case errorUnexpected = "error_unexpected"

    case fieldWhen = "field_when"
    case fieldDuration = "field_duration"
    case fieldWellbeing = "field_wellbeing"
    case fieldNotes = "field_notes"
    case fieldResources = "field_resources"
    case fieldFollowUpAction = "field_follow_up_action"
    case fieldFollowUpDue = "field_follow_up_due"
    case fieldConcernSummary = "field_concern_summary"
    case fieldReason = "field_reason"
    case fieldCode = "field_code"
    case fieldServer = "field_server"
    case fieldMessage = "field_message"
    case fieldStartsAt = "field_starts_at"
    case fieldPlace = "field_place"
    case fieldNote = "field_note"
    case fieldRecording = "field_recording"
    case fieldOther = "field_other"

    case problemEmpty = "problem_empty"
    case problemOutOfRange = "problem_out_of_range"
    case problemTooEarly = "problem_too_early"
    case problemTooLate = "problem_too_late"
    case problemOutOfOrder = "problem_out_of_order"
    case problemMalformed = "problem_malformed"
    case problemDuplicate = "problem_duplicate"
    case problemCleartext = "problem_cleartext"
    case problemPast = "problem_past"
    case problemOther = "problem_other"

    case syncUpToDate = "sync_up_to_date"
    case syncAccessRemoved = "sync_access_removed"
    case syncProgressSending = "sync_progress_sending"
    case syncProgressReceiving = "sync_progress_receiving"
    case issueRejected = "issue_rejected"
    case issueConflict = "issue_conflict"
    case issueUnreadable = "issue_unreadable"
    case issueUnreadableVoiceNote = "issue_unreadable_voice_note"
    case issueReasonAccessRevoked = "issue_reason_access_revoked"
    case issueReasonNotAllowed = "issue_reason_not_allowed"
    case issueReasonInvalid = "issue_reason_invalid"
    case issueReasonNotFound = "issue_reason_not_found"
    case issueReasonUpdateApp = "issue_reason_update_app"
    case thingCheckin = "thing_checkin"
    case thingMessage = "thing_message"
    case thingProfile = "thing_profile"
    case thingMentorship = "thing_mentorship"
    case thingConcern = "thing_concern"
    case thingConsent = "thing_consent"
    case thingOther = "thing_other"

    case resourcesNone = "resources_none"
    case resourceOpenNow = "resource_open_now"
    case resourceClosedNow = "resource_closed_now"
    case resourceTemporarilyClosed = "resource_temporarily_closed"
    case resourceChecked = "resource_checked"
    case resourceOutdated = "resource_outdated"
    case resourceDistanceM = "resource_distance_m"
    case resourceDistanceKm = "resource_distance_km"

    case wipeConfirm = "wipe_confirm"
    case wipeDone = "wipe_done"
    case wipeNotSignedOut = "wipe_not_signed_out"

    case matchingPrefers = "matching_prefers"
    case matchingLanguagesUnknown = "matching_languages_unknown"
    case matchingNoConsent = "matching_no_consent"
    case matchingSpeaks = "matching_speaks"
    case matchingNoSharedLanguage = "matching_no_shared_language"
    case matchingNoPlace = "matching_no_place"
    case matchingTrained = "matching_trained"
    case matchingNotTrained = "matching_not_trained"
    case matchingAlreadyMatched = "matching_already_matched"
    case matchingMentoredBefore = "matching_mentored_before"
    case matchingAvailability = "matching_availability"
    case matchingPropose = "matching_propose"
    case matchingPlan = "matching_plan"
    case matchingProposed = "matching_proposed"
    case matchingWaitingSinceHome = "matching_waiting_since_home"
    case matchingWaitingSinceEnrolment = "matching_waiting_since_enrolment"
    case matchingConsentNotRecorded = "matching_consent_not_recorded"
    case matchingHadMentor = "matching_had_mentor"
    case matchingNobodyWaiting = "matching_nobody_waiting"

    case rosterLoad = "roster_load"
    case rosterNoProfile = "roster_no_profile"
    case rosterNoProfileMentees = "roster_no_profile_mentees"
    case rosterTrainedUntil = "roster_trained_until"
    case rosterSupervised = "roster_supervised"
    case rosterNeverSupervised = "roster_never_supervised"
    case rosterEmpty = "roster_empty"

    case durationHoursMinutes = "duration_hours_minutes"
    case plannedWith = "planned_with"
    case plannedWhen = "planned_when"
    case plannedYouAccepted = "planned_you_accepted"
    case plannedYouDeclined = "planned_you_declined"
    case plannedTheyAccepted = "planned_they_accepted"
    case plannedTheyDeclined = "planned_they_declined"
    case plannedAnswerAccepted = "planned_answer_accepted"
    case plannedAnswerDeclined = "planned_answer_declined"
    case plannedNoReply = "planned_no_reply"
    case plannedCancelled = "planned_cancelled"
    case plannedNone = "planned_none"
    case plannedRecorded = "planned_recorded"
    case plannedNotRecorded = "planned_not_recorded"
    case contactCancel = "contact_cancel"
    case contactCancelConfirm = "contact_cancel_confirm"
    case plannedNotHeld = "planned_not_held"
    case plannedNotHeldConfirm = "planned_not_held_confirm"
}

/// Quantity strings, by key.
public enum PluralKey: String, CaseIterable {
    case timeDaysAgo = "time_days_ago"
    case timeInDays = "time_in_days"
    case timeDays = "time_days"
    case timeWeeks = "time_weeks"
    case timeMonths = "time_months"
    case caseloadOverdue = "caseload_overdue"
    case caseloadConcerns = "caseload_concerns"
    case caseloadToRecord = "caseload_to_record"
    case conversationUnread = "conversation_unread"
    case errorRateLimited = "error_rate_limited"
    case problemTooLong = "problem_too_long"
    case problemTooMany = "problem_too_many"
    case syncSent = "sync_sent"
    case syncReceived = "sync_received"
    case syncVoiceNotesSent = "sync_voice_notes_sent"
    case syncVoiceNotesReceived = "sync_voice_notes_received"
    case syncAttention = "sync_attention"
    case durationMinutes = "duration_minutes"
    case resourcesFound = "resources_found"
    case errorUnsentChanges = "error_unsent_changes"
    case wipeUnsent = "wipe_unsent"
    case matchingFreePlaces = "matching_free_places"
    case rosterMentees = "roster_mentees"
    case rosterPlaces = "roster_places"
    case rosterProposed = "roster_proposed"
    case durationHours = "duration_hours"
    case durationSeconds = "duration_seconds"
}
