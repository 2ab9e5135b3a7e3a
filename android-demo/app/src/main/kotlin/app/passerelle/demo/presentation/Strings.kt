// The texts the presentation logic needs, named by key, and the small interface that supplies
// them. On Android the keys are string resources (res/values, res/values-fr); the JVM tests
// read those same XML files, so what is tested is what the app shows. The iOS app uses the same
// keys in Localizable.strings / Localizable.stringsdict.
package app.passerelle.demo.presentation

import java.util.Locale

/** Supplies localized texts; format arguments follow Android's `%1$s` / `%1$d` conventions. */
interface Strings {
    /** The locale the texts are in; dates and times are formatted with it. */
    val locale: Locale

    fun text(key: Text, vararg args: Any): String

    /** A quantity string: [count] picks the plural form and is also the first format argument. */
    fun plural(key: Plural, count: Int, vararg args: Any): String
}

/** A quantity string for a count the bindings give as an unsigned 64-bit number. */
fun Strings.plural(key: Plural, count: ULong): String = plural(key, count.coerceAtMost(Int.MAX_VALUE.toULong()).toInt())

/** Plain texts, by resource name. */
enum class Text(val key: String) {
    TIME_TODAY("time_today"),
    TIME_YESTERDAY("time_yesterday"),
    TIME_TOMORROW("time_tomorrow"),
    TIME_AT("time_at"),

    CASELOAD_LAST_CONTACT("caseload_last_contact"),
    CASELOAD_NO_CONTACT("caseload_no_contact"),
    CASELOAD_PROGRESS("caseload_progress"),
    CASELOAD_NEXT_FOLLOW_UP("caseload_next_follow_up"),
    CASELOAD_BADGE_WITH_URGENCY("caseload_badge_with_urgency"),
    STATUS_PROPOSED("status_proposed"),
    STATUS_PAUSED("status_paused"),
    STATUS_ENDED("status_ended"),
    URGENCY_ROUTINE("urgency_routine"),
    URGENCY_SOON("urgency_soon"),
    URGENCY_URGENT("urgency_urgent"),
    NEED_APHASIA("need_aphasia"),
    NEED_LOW_VISION("need_low_vision"),
    NEED_HEARING_LOSS("need_hearing_loss"),
    NEED_FATIGUE("need_fatigue"),
    NEED_ONE_HANDED("need_one_handed"),
    NEED_MEMORY("need_memory"),

    MODE_HOME_VISIT("mode_home_visit"),
    MODE_HOSPITAL_VISIT("mode_hospital_visit"),
    MODE_PHONE("mode_phone"),
    MODE_VIDEO("mode_video"),
    MODE_MESSAGE("mode_message"),
    MODE_GROUP("mode_group"),
    REACHED_SURVIVOR("reached_survivor"),
    REACHED_CAREGIVER("reached_caregiver"),
    REACHED_BOTH("reached_both"),
    REACHED_NO_ANSWER("reached_no_answer"),
    DIMENSION_HEALTHCARE_PATHWAY("dimension_healthcare_pathway"),
    DIMENSION_SOCIAL_ADMINISTRATIVE("dimension_social_administrative"),
    DIMENSION_EMOTIONAL("dimension_emotional"),
    DIMENSION_INFORMATIONAL("dimension_informational"),
    DIMENSION_CAREGIVER_SUPPORT("dimension_caregiver_support"),
    CONCERN_PHYSICAL_HEALTH("concern_physical_health"),
    CONCERN_MOOD("concern_mood"),
    CONCERN_SAFETY("concern_safety"),
    CONCERN_CAREGIVER_STRAIN("concern_caregiver_strain"),
    CONCERN_PRACTICAL("concern_practical"),
    CONCERN_OTHER("concern_other"),

    CONTACT_CORRECTED("contact_corrected"),
    CONTACT_NO_ANSWER("contact_no_answer"),

    WELLBEING_1("wellbeing_1"),
    WELLBEING_2("wellbeing_2"),
    WELLBEING_3("wellbeing_3"),
    WELLBEING_4("wellbeing_4"),
    WELLBEING_5("wellbeing_5"),
    WELLBEING_SPOKEN("wellbeing_spoken"),
    WELLBEING_NOT_ASKED("wellbeing_not_asked"),

    MESSAGE_PENDING("message_pending"),
    MESSAGE_SENT("message_sent"),
    MESSAGE_DELIVERED("message_delivered"),
    MESSAGE_READ("message_read"),
    MESSAGE_UNREAD("message_unread"),
    MESSAGE_FROM_ME("message_from_me"),
    MESSAGE_SPOKEN("message_spoken"),
    CONVERSATION_NO_UNREAD("conversation_no_unread"),

    ERROR_INVALID_INPUT("error_invalid_input"),
    ERROR_UNKNOWN_CODE("error_unknown_code"),
    ERROR_NOT_FOUND("error_not_found"),
    ERROR_NOT_ALLOWED("error_not_allowed"),
    ERROR_INVALID_STATE("error_invalid_state"),
    ERROR_WRONG_KEY("error_wrong_key"),
    ERROR_CORRUPT("error_corrupt"),
    ERROR_NOT_ENCRYPTED("error_not_encrypted"),
    ERROR_NEWER_SCHEMA("error_newer_schema"),
    ERROR_READ_ONLY("error_read_only"),
    ERROR_DISK_FULL("error_disk_full"),
    ERROR_CANNOT_OPEN("error_cannot_open"),
    ERROR_BUSY("error_busy"),
    ERROR_INTERRUPTED("error_interrupted"),
    ERROR_STORAGE("error_storage"),
    ERROR_OFFLINE("error_offline"),
    ERROR_NOT_ENROLLED("error_not_enrolled"),
    ERROR_UNAUTHORIZED("error_unauthorized"),
    ERROR_ACCOUNT_CLOSED("error_account_closed"),
    ERROR_INVALID_ENROLMENT_CODE("error_invalid_enrolment_code"),
    ERROR_SERVER_REFUSED("error_server_refused"),
    ERROR_SERVER_FAILED("error_server_failed"),
    ERROR_PROTOCOL("error_protocol"),
    ERROR_UNEXPECTED("error_unexpected"),

    FIELD_WHEN("field_when"),
    FIELD_DURATION("field_duration"),
    FIELD_WELLBEING("field_wellbeing"),
    FIELD_NOTES("field_notes"),
    FIELD_RESOURCES("field_resources"),
    FIELD_FOLLOW_UP_ACTION("field_follow_up_action"),
    FIELD_FOLLOW_UP_DUE("field_follow_up_due"),
    FIELD_CONCERN_SUMMARY("field_concern_summary"),
    FIELD_REASON("field_reason"),
    FIELD_CODE("field_code"),
    FIELD_SERVER("field_server"),
    FIELD_MESSAGE("field_message"),
    FIELD_OTHER("field_other"),

    PROBLEM_EMPTY("problem_empty"),
    PROBLEM_OUT_OF_RANGE("problem_out_of_range"),
    PROBLEM_TOO_EARLY("problem_too_early"),
    PROBLEM_TOO_LATE("problem_too_late"),
    PROBLEM_OUT_OF_ORDER("problem_out_of_order"),
    PROBLEM_MALFORMED("problem_malformed"),
    PROBLEM_DUPLICATE("problem_duplicate"),
    PROBLEM_CLEARTEXT("problem_cleartext"),
    PROBLEM_OTHER("problem_other"),

    SYNC_UP_TO_DATE("sync_up_to_date"),
    SYNC_ACCESS_REMOVED("sync_access_removed"),
    SYNC_PROGRESS_SENDING("sync_progress_sending"),
    SYNC_PROGRESS_RECEIVING("sync_progress_receiving"),
    ISSUE_REJECTED("issue_rejected"),
    ISSUE_CONFLICT("issue_conflict"),
    ISSUE_UNREADABLE("issue_unreadable"),
    ISSUE_REASON_ACCESS_REVOKED("issue_reason_access_revoked"),
    ISSUE_REASON_NOT_ALLOWED("issue_reason_not_allowed"),
    ISSUE_REASON_INVALID("issue_reason_invalid"),
    ISSUE_REASON_NOT_FOUND("issue_reason_not_found"),
    ISSUE_REASON_UPDATE_APP("issue_reason_update_app"),
    THING_CHECKIN("thing_checkin"),
    THING_MESSAGE("thing_message"),
    THING_PROFILE("thing_profile"),
    THING_MENTORSHIP("thing_mentorship"),
    THING_CONCERN("thing_concern"),
    THING_CONSENT("thing_consent"),
    THING_OTHER("thing_other"),

    RESOURCES_NONE("resources_none"),
    RESOURCE_OPEN_NOW("resource_open_now"),
    RESOURCE_CLOSED_NOW("resource_closed_now"),
    RESOURCE_TEMPORARILY_CLOSED("resource_temporarily_closed"),
    RESOURCE_CHECKED("resource_checked"),
    RESOURCE_OUTDATED("resource_outdated"),
    RESOURCE_DISTANCE_M("resource_distance_m"),
    RESOURCE_DISTANCE_KM("resource_distance_km"),

    WIPE_CONFIRM("wipe_confirm"),
    WIPE_DONE("wipe_done"),
    WIPE_NOT_SIGNED_OUT("wipe_not_signed_out"),

    MATCHING_PREFERS("matching_prefers"),
    MATCHING_LANGUAGES_UNKNOWN("matching_languages_unknown"),
    MATCHING_NO_CONSENT("matching_no_consent"),
    MATCHING_SPEAKS("matching_speaks"),
    MATCHING_NO_SHARED_LANGUAGE("matching_no_shared_language"),
    MATCHING_NO_PLACE("matching_no_place"),
    MATCHING_TRAINED("matching_trained"),
    MATCHING_NOT_TRAINED("matching_not_trained"),
    MATCHING_ALREADY_MATCHED("matching_already_matched"),
    MATCHING_MENTORED_BEFORE("matching_mentored_before"),
    MATCHING_AVAILABILITY("matching_availability"),
    MATCHING_PROPOSE("matching_propose"),
    MATCHING_PLAN("matching_plan"),
    MATCHING_PROPOSED("matching_proposed"),
}

/** Quantity strings, by resource name. */
enum class Plural(val key: String) {
    TIME_DAYS_AGO("time_days_ago"),
    TIME_IN_DAYS("time_in_days"),
    CASELOAD_OVERDUE("caseload_overdue"),
    CASELOAD_CONCERNS("caseload_concerns"),
    CONVERSATION_UNREAD("conversation_unread"),
    ERROR_RATE_LIMITED("error_rate_limited"),
    PROBLEM_TOO_LONG("problem_too_long"),
    PROBLEM_TOO_MANY("problem_too_many"),
    SYNC_SENT("sync_sent"),
    SYNC_RECEIVED("sync_received"),
    SYNC_ATTENTION("sync_attention"),
    DURATION_MINUTES("duration_minutes"),
    RESOURCES_FOUND("resources_found"),
    ERROR_UNSENT_CHANGES("error_unsent_changes"),
    WIPE_UNSENT("wipe_unsent"),
    MATCHING_FREE_PLACES("matching_free_places"),
}
