// The coordinator's way into "Find a mentor": the survivors this phone knows, by name (one
// `people(role: .survivor)` call); a tap opens the mentors who could support that person.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI

struct ChooseSurvivorView: View {
    @EnvironmentObject private var model: AppModel
    @Binding var path: [Route]
    @State private var survivors: Result<[Person], Error>?

    var body: some View {
        List {
            Section {
                switch survivors {
                case nil:
                    ProgressView(ui("home_loading"))
                case .some(.failure(let error)):
                    ErrorLine(text: model.presentation.errors.sentence(error))
                case .some(.success(let list)):
                    if list.isEmpty {
                        Text(ui("matching_no_survivors"))
                    }
                    ForEach(list, id: \.id) { survivor in
                        SecondaryButton(title: survivor.displayName) {
                            path.append(.findMentor(survivorId: survivor.id))
                        }
                    }
                }
            } header: {
                SectionTitle(title: ui("matching_choose"))
            }
        }
        .navigationTitle(ui("home_find_mentor"))
        // Loads on appearing and again after every write or sync.
        .task(id: model.changes) {
            survivors = await model.call { api in try api.people(role: .survivor) }
        }
    }
}
#endif
