// Planning the next visit or call, or moving one: which day (chips: today, tomorrow, in 2, 3 or 7
// days), what time (a quarter-hour stepper, and an hour earlier or later), how (the check-in
// form's chips), how long (−/+ 15 minutes), where and a note. One Save makes one binding call;
// what the core refuses (a time already past, a place too long) shows under the field to fix.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI
import UIKit

private func nowMillis() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1000)
}

struct PlanContactView: View {
    @EnvironmentObject private var model: AppModel
    let mentorshipId: String
    let changeContactId: String?
    let onDone: () -> Void
    @State private var form: PlanContactForm?
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
        .navigationTitle(ui(changeContactId == nil ? "plan_title" : "plan_change_title"))
        .task { await load() }
    }

    private func load() async {
        guard form == nil else { return }
        let now = nowMillis()
        guard let contactId = changeContactId else {
            form = PlanContactForm.new(mentorshipId: mentorshipId, now: now)
            return
        }
        let time = model.presentation.time
        // One `plannedContact()` call; gone from the phone or out of the owner's mentorships
        // since: the core's refusal, in a sentence.
        switch await model.call({ api in try PlanContactForm.loadChange(api, contactId: contactId, time: time, now: now) }) {
        case .success(let loaded):
            form = loaded
        case .failure(let error):
            loadError = model.presentation.errors.sentence(error)
        }
    }

    /// Applies an edit to the form on screen.
    private func edit(_ change: (PlanContactForm) -> PlanContactForm) {
        if let current = form {
            form = change(current)
        }
    }

    private func editor(_ form: PlanContactForm) -> some View {
        let p = model.presentation
        let now = nowMillis()
        let startsAt = form.startsAt(p.time)
        return ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                SectionTitle(title: ui("plan_day"))
                ChoiceChips(
                    options: form.dayChoices,
                    isSelected: { $0 == form.daysAhead },
                    // "today", "tomorrow", "in 3 days": the same words as the cards use.
                    label: { days in
                        p.time.day(at: p.time.atDayAndMinute(from: form.openedAt, daysAhead: days, minuteOfDay: form.minuteOfDay), now: now)
                    },
                    onTap: { days in edit { $0.withDaysAhead(days) } }
                )
                // The whole day in words under the chips: "Tuesday, December 3 at 2:00 PM".
                Text(p.time.dayAndTime(at: startsAt, now: now))

                SectionTitle(title: ui("plan_time"))
                // Quarter hours with −/+ around the time; whole hours with two worded buttons under it.
                ValueStepper(
                    value: p.time.clockTime(at: startsAt),
                    lessLabel: ui("plan_quarter_earlier"),
                    moreLabel: ui("plan_quarter_later"),
                    onLess: { edit { $0.earlierQuarter() } },
                    onMore: { edit { $0.laterQuarter() } }
                )
                HStack(spacing: 8) {
                    Button { edit { $0.earlierHour() } } label: {
                        Text(ui("plan_hour_earlier")).frame(maxWidth: .infinity, minHeight: touchTarget)
                    }
                    .buttonStyle(.bordered)
                    Button { edit { $0.laterHour() } } label: {
                        Text(ui("plan_hour_later")).frame(maxWidth: .infinity, minHeight: touchTarget)
                    }
                    .buttonStyle(.bordered)
                }
                ErrorLine(text: form.errors[.startsAt])

                SectionTitle(title: ui("checkin_mode"))
                ChoiceChips(options: Choices.modes, isSelected: { $0 == form.mode }, label: p.labels.mode,
                            onTap: { mode in edit { $0.withMode(mode) } })

                SectionTitle(title: ui("checkin_duration"))
                ValueStepper(
                    value: p.labels.length(form.durationMinutes),
                    lessLabel: ui("plan_duration_less"),
                    moreLabel: ui("plan_duration_more"),
                    onLess: { edit { $0.shorter() } },
                    onMore: { edit { $0.longer() } }
                )
                ErrorLine(text: form.errors[.duration])

                SectionTitle(title: ui("plan_place"))
                TextField(ui("plan_place"), text: binding(form.place) { $0.withPlace($1) })
                    .textFieldStyle(.roundedBorder)
                ErrorLine(text: form.errors[.place])

                SectionTitle(title: ui("plan_note"))
                TextField(ui("plan_note"), text: binding(form.note) { $0.withNote($1) }, axis: .vertical)
                    .lineLimit(3...8)
                    .textFieldStyle(.roundedBorder)
                ErrorLine(text: form.errors[.note])

                ErrorLine(text: form.formError)
                BigButton(title: ui("checkin_save"), enabled: !saving) { save(form) }
                    .padding(.vertical, 16)
            }
            .padding(16)
        }
    }

    /// A binding whose writes go through the form's edit functions (which clear errors).
    private func binding<Value>(_ value: Value, _ set: @escaping (PlanContactForm, Value) -> PlanContactForm) -> Binding<Value> {
        Binding(get: { value }, set: { newValue in edit { set($0, newValue) } })
    }

    private func save(_ current: PlanContactForm) {
        saving = true
        let errors = model.presentation.errors
        let time = model.presentation.time
        Task {
            let result = await model.call { api in current.submit(api, time: time, errors: errors) }
            saving = false
            switch result {
            case .success(.saved):
                UIAccessibility.post(notification: .announcement, argument: ui("plan_saved"))
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
