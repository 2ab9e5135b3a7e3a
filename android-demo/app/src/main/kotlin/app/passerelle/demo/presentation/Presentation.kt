// Every presenter a screen needs, built from one set of texts and the phone's time zone. The
// UI makes one per language configuration; tests make one per language.
package app.passerelle.demo.presentation

import java.time.ZoneId

class Presentation(val strings: Strings, zone: ZoneId) {
    val time = RelativeTime(strings, zone)
    val errors = ErrorText(strings)
    val caseload = CaseloadPresenter(strings, time)
    val contacts = ContactsPresenter(strings, time)
    val conversation = ConversationPresenter(strings, time)
    val labels = CheckInLabels(strings)
    val sync = SyncText(strings)
    val resources = ResourcesPresenter(strings, time)
    val thisPhone = ThisPhonePresenter(strings, errors)
    val matching = MatchingPresenter(strings, errors, caseload)
    val waitingList = WaitingListPresenter(strings, time, matching, caseload)
    val roster = RosterPresenter(strings, time)
    val upcoming = UpcomingContactsPresenter(strings, time, labels, errors)
}
