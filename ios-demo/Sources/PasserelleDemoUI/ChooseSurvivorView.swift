// The coordinator's way into "Find a mentor": the waiting list, the survivors they are
// responsible for who have no mentorship under way, longest waiting first (one
// `survivorsAwaitingMentor()` call). A tap opens the mentors who could support that person;
// once a mentorship is proposed, the list reloads on the change and they are no longer on it.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI

struct ChooseSurvivorView: View {
    @EnvironmentObject private var model: AppModel
    @Binding var path: [Route]
    @State private var waiting: Result<[AwaitingSurvivor], Error>?

    var body: some View {
        List {
            Section {
                switch waiting {
                case nil:
                    ProgressView(ui("home_loading"))
                case .some(.failure(let error)):
                    ErrorLine(text: model.presentation.errors.sentence(error))
                case .some(.success(let survivors)):
                    let list = model.presentation.waitingList.list(survivors, now: Int64(Date().timeIntervalSince1970 * 1000))
                    if let empty = list.empty {
                        Text(empty)
                    }
                    ForEach(list.rows) { row in
                        Button {
                            path.append(.findMentor(survivorId: row.survivorId))
                        } label: {
                            WaitingRowView(row: row)
                        }
                        // VoiceOver reads the presenter's sentence, then "button".
                        .accessibilityElement(children: .ignore)
                        .accessibilityLabel(row.spoken)
                        .accessibilityAddTraits(.isButton)
                    }
                }
            } header: {
                SectionTitle(title: ui("matching_choose"))
            }
        }
        .navigationTitle(ui("home_find_mentor"))
        // Loads on appearing and again after every write or sync (a proposal among them).
        .task(id: model.changes) {
            waiting = await model.call { api in try api.survivorsAwaitingMentor() }
        }
    }
}

private struct WaitingRowView: View {
    let row: WaitingRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(row.name).font(.title3.bold())
            Text(row.waiting)
            Text(row.languages)
            ForEach(row.needs, id: \.self) { need in
                Text(need).font(.callout)
            }
            if let consent = row.consent {
                Label(consent, systemImage: "exclamationmark.triangle.fill").foregroundColor(.red)
            }
            if let before = row.mentoredBefore {
                Text(before).font(.subheadline.bold())
            }
        }
        .frame(maxWidth: .infinity, minHeight: touchTarget, alignment: .leading)
        .contentShape(Rectangle())
    }
}
#endif
