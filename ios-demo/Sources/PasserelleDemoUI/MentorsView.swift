// The supervising professional's "Mentors" screen: every mentor of the programme with their
// load, training and last supervision, those needing attention first (one `mentorRoster()`
// call, in the core's order). Read only: a row opens nothing, so it is not a button; recording
// a course or a supervision, or any write a sync brings, reloads it on the change.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI

struct MentorsView: View {
    @EnvironmentObject private var model: AppModel
    @State private var mentors: Result<[MentorStanding], Error>?

    var body: some View {
        List {
            Section {
                switch mentors {
                case nil:
                    ProgressView(ui("home_loading"))
                case .some(.failure(let error)):
                    ErrorLine(text: model.presentation.errors.sentence(error))
                case .some(.success(let standings)):
                    let roster = model.presentation.roster.list(standings, now: Int64(Date().timeIntervalSince1970 * 1000))
                    if let empty = roster.empty {
                        Text(empty)
                    } else {
                        // Why the list is not alphabetical, once, above it.
                        Text(ui("roster_order")).font(.callout)
                    }
                    ForEach(roster.rows) { row in
                        MentorRowView(row: row)
                            // VoiceOver reads the presenter's sentence; no button trait, as a tap does nothing.
                            .accessibilityElement(children: .ignore)
                            .accessibilityLabel(row.spoken)
                    }
                }
            }
        }
        .navigationTitle(ui("home_mentors"))
        // Loads on appearing and again after every write or sync (a supervision recorded among them).
        .task(id: model.changes) {
            mentors = await model.call { api in try api.mentorRoster() }
        }
    }
}

private struct MentorRowView: View {
    let row: RosterRow

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(row.name).font(.title3.bold())
            Text(row.load)
            if let proposed = row.proposed {
                Text(proposed).font(.callout)
            }
            if row.trained {
                Text(row.training)
            } else {
                // Marked with a symbol as well as words and colour: the first thing a supervisor acts on.
                Label(row.training, systemImage: "exclamationmark.triangle.fill").foregroundColor(.red)
            }
            Text(row.supervision)
        }
        .frame(maxWidth: .infinity, minHeight: touchTarget, alignment: .leading)
    }
}
#endif
