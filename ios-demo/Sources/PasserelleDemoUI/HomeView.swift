// The home screen. A mentor sees their caseload (one `caseload()` call): each mentee's last
// contact, progress, next follow-up, next planned visit or call (or that none is planned),
// badges for late follow-ups and open concerns, and how many contacts over wait to be recorded;
// a tap opens the mentee. Anyone else sees their
// next visits and calls (answered with "I'll be there" or "Another time") above their
// conversations. The sync panel and the ways to the community resources and to "This phone"
// (download or remove my data) sit on top, and for a coordinator the ways to "Find a mentor"
// and to the "Mentors" they supervise.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI
import UIKit

struct HomeView: View {
    @EnvironmentObject private var model: AppModel
    /// The person signed in (kept from sign-in, no call): their own answers read "You said…".
    let ownerId: String
    let mentor: Bool
    /// A professional: "Find a mentor" and "Mentors" are on their home.
    let coordinator: Bool
    @Binding var path: [Route]
    @State private var caseload: Result<[CaseloadEntry], Error>?
    @State private var mentorships: Result<[Mentorship], Error>?

    /// The core offers "Record check-in" only to a contact's mentor, whose home is the caseload;
    /// the cards follow the core here too rather than deciding who sees it.
    private var forms: ContactForms {
        ContactForms(
            onChange: { row in
                path.append(.planContact(mentorshipId: row.mentorshipId, changeContactId: row.contactId))
            },
            onRecord: { row in
                path.append(.checkIn(mentorshipId: row.mentorshipId, amendCheckinId: nil, plannedContactId: row.contactId))
            }
        )
    }

    var body: some View {
        List {
            Section {
                SyncPanel()
                if coordinator {
                    SecondaryButton(title: ui("home_find_mentor")) { path.append(.chooseSurvivor) }
                    SecondaryButton(title: ui("home_mentors")) { path.append(.mentors) }
                }
                SecondaryButton(title: ui("home_resources")) { path.append(.resources) }
                SecondaryButton(title: ui("home_this_phone")) { path.append(.thisPhone) }
            }
            if mentor {
                caseloadSection
            } else {
                // The next visits first: what a survivor most needs to know when they open the app.
                UpcomingContactsSection(title: ui("home_next_contacts"), mentorshipId: nil, ownerId: ownerId, forms: forms)
                conversationsSection
            }
        }
        .navigationTitle(ui("home_title"))
        // Loads on appearing and again after every write or sync.
        .task(id: model.changes) { await load() }
    }

    @ViewBuilder private var caseloadSection: some View {
        switch caseload {
        case nil:
            ProgressView(ui("home_loading"))
        case .some(.failure(let error)):
            ErrorLine(text: model.presentation.errors.sentence(error))
        case .some(.success(let entries)):
            let rows = model.presentation.caseload.rows(entries, now: Int64(Date().timeIntervalSince1970 * 1000))
            if rows.isEmpty {
                Text(ui("caseload_empty"))
            }
            ForEach(rows) { row in
                Button {
                    path.append(.mentee(mentorshipId: row.mentorshipId, name: row.name))
                } label: {
                    CaseloadRowView(row: row)
                }
                // VoiceOver reads the presenter's sentence, then "button".
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(row.spoken)
                .accessibilityAddTraits(.isButton)
            }
        }
    }

    @ViewBuilder private var conversationsSection: some View {
        switch mentorships {
        case nil:
            ProgressView(ui("home_loading"))
        case .some(.failure(let error)):
            ErrorLine(text: model.presentation.errors.sentence(error))
        case .some(.success(let list)):
            ForEach(list, id: \.id) { mentorship in
                SecondaryButton(title: ui("mentee_messages")) {
                    path.append(.conversation(mentorshipId: mentorship.id))
                }
            }
        }
    }

    private func load() async {
        if mentor {
            caseload = await model.call { api in try api.caseload() }
        } else {
            mentorships = await model.call { api in try api.myMentorships() }
        }
    }
}

private struct CaseloadRowView: View {
    let row: CaseloadRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(row.name).font(.title3.bold())
            if let status = row.status {
                Text(status).font(.subheadline.bold())
            }
            if let concern = row.concernBadge {
                Label(concern, systemImage: "exclamationmark.triangle.fill")
                    .foregroundColor(row.concernIsUrgent ? .red : .orange)
            }
            if let overdue = row.overdueBadge {
                Label(overdue, systemImage: "clock.badge.exclamationmark").foregroundColor(.red)
            }
            if let toRecord = row.toRecord {
                Text(toRecord).font(.subheadline.bold())
            }
            Text(row.lastContact)
            if let next = row.nextFollowUp {
                Text(next)
            }
            Text(row.nextContact)
            Text(row.progress).font(.callout)
            ForEach(row.needs, id: \.self) { need in
                Text(need).font(.callout)
            }
        }
        .frame(maxWidth: .infinity, minHeight: touchTarget, alignment: .leading)
        .contentShape(Rectangle())
    }
}

/// The sync button with its progress ("Sending 3 of 10"), what the last sync did, why it
/// failed, and the sync issues the core kept, each dismissible once read.
struct SyncPanel: View {
    @EnvironmentObject private var model: AppModel
    /// Syncs as soon as it appears ("Sync first" on the This phone screen).
    var startNow = false
    @State private var started = false
    @State private var running = false
    @State private var progress: SyncProgress?
    @State private var outcome: String?
    @State private var failed = false
    @State private var issues: [SyncIssue] = []

    /// Told by the bindings on the syncing thread; hops to the main actor.
    private final class ProgressRelay: SyncProgressObserver, @unchecked Sendable {
        let report: @Sendable (SyncProgress) -> Void

        init(report: @escaping @Sendable (SyncProgress) -> Void) {
            self.report = report
        }

        func onProgress(progress: SyncProgress) {
            report(progress)
        }
    }

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Button {
                Task { await sync() }
            } label: {
                Label(ui(running ? "sync_running" : "sync_button"), systemImage: "arrow.triangle.2.circlepath")
                    .frame(maxWidth: .infinity, minHeight: touchTarget)
            }
            .buttonStyle(.borderedProminent)
            .disabled(running)

            if running {
                if let progress = progress, let fraction = model.presentation.sync.fraction(progress) {
                    ProgressView(value: fraction)
                } else {
                    ProgressView()
                }
                if let progress = progress {
                    Text(model.presentation.sync.progress(progress)).font(.callout)
                }
            }
            if let outcome = outcome {
                Text(outcome).foregroundColor(failed ? .red : .primary)
            }
            if !issues.isEmpty {
                SectionTitle(title: ui("sync_issues_title"))
                ForEach(issues, id: \.id) { issue in
                    HStack {
                        Text(model.presentation.sync.issue(issue))
                        Spacer()
                        Button(ui("sync_dismiss")) { Task { await dismiss(issue) } }
                            .frame(minWidth: touchTarget, minHeight: touchTarget)
                    }
                }
            }
        }
        .task {
            await loadIssues()
            if startNow && !started {
                started = true
                await sync()
            }
        }
    }

    private func sync() async {
        running = true
        progress = nil
        let observer = ProgressRelay { p in Task { @MainActor in progress = p } }
        let result = await model.call { api in try api.sync(progress: observer) }
        running = false
        switch result {
        case .success(let summary):
            failed = false
            outcome = model.presentation.sync.summary(summary)
        case .failure(let error):
            failed = true
            outcome = model.presentation.errors.sentence(error)
        }
        // Announce the result: VoiceOver users pressed a button and wait for its effect.
        if let outcome = outcome {
            UIAccessibility.post(notification: .announcement, argument: outcome)
        }
        await loadIssues()
    }

    private func loadIssues() async {
        if case .success(let list) = await model.call({ api in try api.syncIssues() }) {
            issues = list
        }
    }

    private func dismiss(_ issue: SyncIssue) async {
        if case .success = await model.call({ api in try api.dismissSyncIssue(id: issue.id) }) {
            issues.removeAll { $0.id == issue.id }
        }
    }
}
#endif
