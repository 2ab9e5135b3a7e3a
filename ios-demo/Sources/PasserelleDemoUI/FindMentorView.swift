// "Find a mentor" for one survivor, a coordinator's screen: who they are, the languages they
// prefer, their communication needs and a warning while their consent is missing, then every
// mentor with a profile, best fits first, from one `mentorMatches()` call. Those who cannot take
// them now come last, dimmed but still readable. "Propose" opens a short form (the plan, an
// optional note) that makes one `proposeMentorship()` call; the rows then reload when the
// model's change counter moves, like every screen. Mirrors FindMentorScreen.kt.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI
import UIKit

struct FindMentorView: View {
    @EnvironmentObject private var model: AppModel
    let survivorId: String
    @State private var matches: Result<MentorMatches, Error>?
    /// The mentor whose proposal form is open, if any.
    @State private var proposingTo: String?
    @State private var note = ""
    @State private var sending = false
    /// What the last "Yes, propose" did, until another form is opened.
    @State private var outcome: Proposal?

    private var presenter: MatchingPresenter { model.presentation.matching }

    var body: some View {
        // A scroll view, not a List: a row holds several buttons and a text field, and a List row
        // would take a tap anywhere in it for its first button.
        ScrollView {
            LazyVStack(alignment: .leading, spacing: 12) {
                switch matches {
                case nil:
                    ProgressView(ui("home_loading"))
                case .some(.failure(let error)):
                    ErrorLine(text: model.presentation.errors.sentence(error))
                case .some(.success(let found)):
                    let page = presenter.page(found)
                    SurvivorHeaderView(header: page.header)
                    if case .proposed(_, let sentence) = outcome {
                        Text(sentence).font(.headline)
                    }
                    if page.rows.isEmpty {
                        Text(ui("matching_no_mentors"))
                    }
                    // The core puts those who cannot take them now last; a title says where they start.
                    let firstUnavailable = page.rows.firstIndex { !$0.canPropose }
                    ForEach(Array(page.rows.enumerated()), id: \.element.id) { index, row in
                        if index == firstUnavailable {
                            SectionTitle(title: ui("matching_unavailable"))
                        }
                        candidate(row)
                    }
                }
            }
            .padding(16)
        }
        .navigationTitle(ui("home_find_mentor"))
        // Loads on appearing and again after every write (a proposal too) or sync.
        .task(id: model.changes) { await load() }
    }

    @ViewBuilder private func candidate(_ row: CandidateRow) -> some View {
        VStack(alignment: .leading, spacing: 8) {
            CandidateRowView(row: row)
            // Closed if a sync took their last place while it was open.
            if proposingTo == row.mentorId && row.canPropose {
                proposalForm(row)
            } else if row.canPropose {
                SecondaryButton(title: row.proposeLabel) {
                    proposingTo = row.mentorId
                    note = ""
                    outcome = nil
                }
            }
        }
        .padding(16)
        .frame(maxWidth: .infinity, alignment: .leading)
        .background(RoundedRectangle(cornerRadius: 12).fill(Color(.secondarySystemBackground)))
        // Dimmed, not hidden: the coordinator still reads who is full or already matched, and why.
        .opacity(row.canPropose ? 1 : 0.7)
    }

    @ViewBuilder private func proposalForm(_ row: CandidateRow) -> some View {
        Text(presenter.plan())
        TextField(ui("matching_note"), text: $note, axis: .vertical)
            .lineLimit(2...6)
            .textFieldStyle(.roundedBorder)
            .onChange(of: note) { _ in
                if case .failed(_, onNote: true) = outcome {
                    outcome = nil
                }
            }
        if case .failed(let sentence, _) = outcome {
            ErrorLine(text: sentence)
        }
        BigButton(title: ui("matching_confirm"), enabled: !sending) { Task { await propose(row) } }
        SecondaryButton(title: ui("matching_cancel")) {
            proposingTo = nil
            outcome = nil
        }
    }

    private func load() async {
        let id = survivorId
        matches = await model.call { api in try api.mentorMatches(survivorId: id) }
    }

    private func propose(_ row: CandidateRow) async {
        guard !sending else { return }
        sending = true
        let presenter = self.presenter
        let id = survivorId
        let words = note
        // No reload here: the write moves the model's change counter, which reloads.
        let result = await model.call { api in presenter.propose(api, survivorId: id, mentor: row, note: words) }
        sending = false
        switch result {
        case .success(let proposal):
            outcome = proposal
            if case .proposed(_, let sentence) = proposal {
                proposingTo = nil
                note = ""
                // The row proposed to has just moved down among the dimmed ones: say what happened.
                UIAccessibility.post(notification: .announcement, argument: sentence)
            }
        case .failure(let error):
            outcome = .failed(model.presentation.errors.sentence(error), onNote: false)
        }
    }
}

private struct SurvivorHeaderView: View {
    let header: SurvivorHeader

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(header.name).font(.title2.bold())
            Text(header.languages)
            ForEach(header.needs, id: \.self) { need in
                Text(need).font(.callout)
            }
            if let warning = header.consentWarning {
                Label(warning, systemImage: "exclamationmark.triangle.fill").foregroundColor(.red)
            }
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        // One element for VoiceOver, and a heading the rotor can jump back to.
        .accessibilityElement(children: .ignore)
        .accessibilityLabel(header.spoken)
        .accessibilityAddTraits(.isHeader)
    }
}

private struct CandidateRowView: View {
    let row: CandidateRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(row.name).font(.title3.bold())
            if let languages = row.languages {
                Text(languages)
            }
            Text(row.places)
            Text(row.training).font(.callout)
            if let history = row.history {
                Text(history).font(.subheadline.bold())
            }
            if let availability = row.availability {
                Text(availability).font(.callout)
            }
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        // VoiceOver reads the presenter's sentence as one element.
        .accessibilityElement(children: .ignore)
        .accessibilityLabel(row.spoken)
    }
}
#endif
