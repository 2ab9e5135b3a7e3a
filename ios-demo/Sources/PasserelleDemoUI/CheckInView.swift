// Recording a contact — one that just happened, or a planned one ("Record check-in", filled in
// from it) — or correcting one: when, how, how long, who was reached, the five dimensions as
// toggle chips, the five-face wellbeing scale, notes, a follow-up, a worry to escalate, and
// (when correcting) why. Everything is a tap except the free texts; one Save
// makes one binding call, and what the core refuses shows under the field to fix.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI
import UIKit

private let hourMs: Int64 = 3_600_000

private func nowMillis() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1000)
}

struct CheckInView: View {
    @EnvironmentObject private var model: AppModel
    let mentorshipId: String
    let amendCheckinId: String?
    /// The planned contact to record, which fills the form in (one `plannedContact()` call).
    let plannedContactId: String?
    let onDone: () -> Void
    @State private var form: CheckInForm?
    @State private var loadError: String?
    @State private var saving = false

    var body: some View {
        Group {
            if let form = form {
                editor(form)
            } else if let loadError = loadError {
                ExplainView(text: loadError)
            } else {
                ProgressView()
            }
        }
        .navigationTitle(ui(amendCheckinId == nil ? "checkin_title" : "amend_title"))
        .task { await load() }
    }

    private func load() async {
        guard form == nil else { return }
        let loaded: Result<CheckInForm, Error>
        if let checkinId = amendCheckinId {
            loaded = await model.call { api in try CheckInForm.amend(api.checkin(checkinId: checkinId)) }
        } else if let contactId = plannedContactId {
            // Gone from the phone or out of the owner's mentorships since: the core's refusal.
            loaded = await model.call { api in try CheckInForm.loadRecording(api, contactId: contactId) }
        } else {
            loaded = .success(CheckInForm.new(mentorshipId: mentorshipId, now: nowMillis()))
        }
        switch loaded {
        case .success(let ready): form = ready
        case .failure(let error): loadError = model.presentation.errors.sentence(error)
        }
    }

    /// Applies an edit to the form on screen.
    private func edit(_ change: (CheckInForm) -> CheckInForm) {
        if let current = form {
            form = change(current)
        }
    }

    private func editor(_ form: CheckInForm) -> some View {
        let p = model.presentation
        let labels = p.labels
        return ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                // An amendment keeps the contact's own time and a planned one its start; a contact
                // that just happened picks one of three.
                if form.choosesWhen {
                    SectionTitle(title: ui("checkin_when"))
                    let hoursAgo = Int((nowMillis() - form.occurredAt) / hourMs)
                    ChoiceChips(
                        options: [0, 1, 24],
                        isSelected: { $0 == hoursAgo },
                        label: { hours in ui(hours == 0 ? "checkin_when_now" : hours == 1 ? "checkin_when_hour" : "checkin_when_yesterday") },
                        onTap: { hours in edit { $0.withOccurredHoursAgo(hours, now: nowMillis()) } }
                    )
                }
                ErrorLine(text: form.errors[.when])

                SectionTitle(title: ui("checkin_mode"))
                ChoiceChips(options: Choices.modes, isSelected: { $0 == form.mode }, label: labels.mode,
                            onTap: { mode in edit { $0.withMode(mode) } })

                SectionTitle(title: ui("checkin_duration"))
                ValueStepper(
                    value: labels.duration(form.durationMinutes),
                    lessLabel: ui("checkin_duration_less"),
                    moreLabel: ui("checkin_duration_more"),
                    onLess: { edit { $0.withDuration($0.durationMinutes - 5) } },
                    onMore: { edit { $0.withDuration($0.durationMinutes + 5) } }
                )
                ErrorLine(text: form.errors[.duration])

                SectionTitle(title: ui("checkin_reached"))
                ChoiceChips(options: Choices.reached, isSelected: { $0 == form.reached }, label: labels.reached,
                            onTap: { reached in edit { $0.withReached(reached) } })

                SectionTitle(title: ui("checkin_dimensions"))
                ChoiceChips(options: Choices.dimensions, isSelected: { form.dimensions.contains($0) }, label: labels.dimension,
                            onTap: { dimension in edit { $0.toggle(dimension) } })

                SectionTitle(title: ui("checkin_wellbeing"))
                WellbeingScaleView(selected: form.wellbeing, strings: p.strings) { face in edit { $0.withWellbeing(face) } }
                ErrorLine(text: form.errors[.wellbeing])

                SectionTitle(title: ui("checkin_notes"))
                TextField(ui("checkin_notes"), text: binding(form.notes) { $0.withNotes($1) }, axis: .vertical)
                    .lineLimit(3...8)
                    .textFieldStyle(.roundedBorder)
                ErrorLine(text: form.errors[.notes])
                ErrorLine(text: form.errors[.resources])

                Toggle(ui("checkin_follow_up"), isOn: binding(form.followUp) { $0.withFollowUp($1, now: nowMillis()) })
                    .font(.headline)
                    .frame(minHeight: touchTarget)
                    .padding(.top, 16)
                if form.followUp {
                    TextField(ui("checkin_follow_up_action"), text: binding(form.followUpAction) { $0.withFollowUpAction($1) })
                        .textFieldStyle(.roundedBorder)
                    ErrorLine(text: form.errors[.followUpAction])
                    SectionTitle(title: ui("checkin_follow_up_due"))
                    let dueIn = form.followUpDueAt.map { p.time.daysBetween(now: nowMillis(), at: $0) }
                    ChoiceChips(
                        options: [1, 3, 7, 14],
                        isSelected: { $0 == dueIn },
                        // "tomorrow", "in 3 days": the same words as the caseload uses.
                        label: { days in p.time.day(at: nowMillis() + Int64(days) * 24 * hourMs, now: nowMillis()) },
                        onTap: { days in edit { $0.withFollowUpInDays(days, now: nowMillis()) } }
                    )
                    ErrorLine(text: form.errors[.followUpDue])
                }

                Toggle(ui("checkin_concern"), isOn: binding(form.concern) { $0.withConcern($1) })
                    .font(.headline)
                    .frame(minHeight: touchTarget)
                    .padding(.top, 16)
                if form.concern {
                    SectionTitle(title: ui("checkin_concern_kind"))
                    ChoiceChips(options: Choices.concerns, isSelected: { $0 == form.concernCategory }, label: labels.concern,
                                onTap: { category in edit { $0.withConcernCategory(category) } })
                    SectionTitle(title: ui("checkin_concern_urgency"))
                    ChoiceChips(options: Choices.urgencies, isSelected: { $0 == form.concernUrgency }, label: labels.urgency,
                                onTap: { urgency in edit { $0.withConcernUrgency(urgency) } })
                    TextField(ui("checkin_concern_summary"), text: binding(form.concernSummary) { $0.withConcernSummary($1) }, axis: .vertical)
                        .lineLimit(2...6)
                        .textFieldStyle(.roundedBorder)
                    ErrorLine(text: form.errors[.concernSummary])
                }

                if form.isAmendment {
                    SectionTitle(title: ui("checkin_reason"))
                    TextField(ui("checkin_reason"), text: binding(form.reason) { $0.withReason($1) })
                        .textFieldStyle(.roundedBorder)
                    ErrorLine(text: form.errors[.reason])
                }

                ErrorLine(text: form.formError)
                BigButton(title: ui("checkin_save"), enabled: !saving) { save(form) }
                    .padding(.vertical, 16)
            }
            .padding(16)
        }
    }

    /// A binding whose writes go through the form's edit functions (which clear errors).
    private func binding<Value>(_ value: Value, _ set: @escaping (CheckInForm, Value) -> CheckInForm) -> Binding<Value> {
        Binding(get: { value }, set: { newValue in edit { set($0, newValue) } })
    }

    private func save(_ current: CheckInForm) {
        saving = true
        let errors = model.presentation.errors
        Task {
            let result = await model.call { api in current.submit(api, errors: errors) }
            saving = false
            switch result {
            case .success(.saved(let recorded)):
                let said = ui(recorded.escalation == nil ? "checkin_saved" : "checkin_escalated")
                UIAccessibility.post(notification: .announcement, argument: said)
                onDone()
            case .success(.rejected(let refused)):
                form = refused
            case .failure(let error):
                form?.formError = errors.sentence(error)
            }
        }
    }
}
#endif
