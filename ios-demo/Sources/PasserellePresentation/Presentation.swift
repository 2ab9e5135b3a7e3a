// Every presenter a screen needs, built from one set of texts and the phone's time zone. The
// UI makes one for the person's language; tests make one per language.
import Foundation

public struct Presentation {
    public let strings: Strings
    public let time: RelativeTime
    public let errors: ErrorText
    public let caseload: CaseloadPresenter
    public let contacts: ContactsPresenter
    public let conversation: ConversationPresenter
    public let labels: CheckInLabels
    public let sync: SyncText
    public let resources: ResourcesPresenter
    public let thisPhone: ThisPhonePresenter
    public let matching: MatchingPresenter
    public let waitingList: WaitingListPresenter
    public let roster: RosterPresenter
    public let upcoming: UpcomingContactsPresenter

    public init(strings: Strings, timeZone: TimeZone = .current) {
        self.strings = strings
        time = RelativeTime(strings: strings, timeZone: timeZone)
        errors = ErrorText(strings: strings)
        caseload = CaseloadPresenter(strings: strings, time: time)
        contacts = ContactsPresenter(strings: strings, time: time)
        conversation = ConversationPresenter(strings: strings, time: time)
        labels = CheckInLabels(strings: strings)
        sync = SyncText(strings: strings)
        resources = ResourcesPresenter(strings: strings, time: time)
        thisPhone = ThisPhonePresenter(strings: strings, errors: errors)
        matching = MatchingPresenter(strings: strings, errors: errors, caseload: caseload)
        waitingList = WaitingListPresenter(strings: strings, time: time, matching: matching, caseload: caseload)
        roster = RosterPresenter(strings: strings, time: time)
        upcoming = UpcomingContactsPresenter(strings: strings, time: time, labels: labels, errors: errors)
    }
}
