// The top of the UI: waits for the store to open (or explains why it cannot), picks the first
// screen — sign in, or home — and holds the navigation stack. Back is the system's back button
// or edge swipe (one finger); there are no other gestures.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI

/// Where the navigation stack can go, with just what each screen needs to load itself.
enum Route: Hashable {
    case mentee(mentorshipId: String, name: String)
    /// Records a contact, amends `amendCheckinId`, or records the planned contact `plannedContactId`.
    case checkIn(mentorshipId: String, amendCheckinId: String?, plannedContactId: String?)
    case conversation(mentorshipId: String)
    /// Plans a contact, or moves `changeContactId`.
    case planContact(mentorshipId: String, changeContactId: String?)
    case resources
    case thisPhone
    /// The coordinator's waiting list, each survivor leading to `findMentor`.
    case chooseSurvivor
    case findMentor(survivorId: String)
    /// The supervising professional's roster of every mentor.
    case mentors
}

public struct RootView: View {
    @StateObject private var model = AppModel()

    public init() {}

    public var body: some View {
        Group {
            switch model.store {
            case .opening:
                ProgressView(ui("home_loading"))
            case .unreadable(let error):
                ExplainView(text: model.presentation.errors.sentence(error), action: ui("start_again")) { model.startAgain() }
            case .failed(let error):
                ExplainView(text: model.presentation.errors.sentence(error), action: ui("retry")) { model.open() }
            case .ready:
                StartView()
            }
        }
        .environmentObject(model)
        .onAppear { model.start() }
    }
}

/// Signed in and enrolled: home; otherwise the sign-in screen.
struct StartView: View {
    @EnvironmentObject private var model: AppModel
    @State private var owner: Result<Person?, Error>?
    @State private var path: [Route] = []

    var body: some View {
        switch owner {
        case nil:
            ProgressView(ui("home_loading")).task {
                owner = await model.call { api in try api.syncServerUrl() == nil ? nil : api.deviceOwner() }
            }
        case .some(.failure(let error)):
            ExplainView(text: model.presentation.errors.sentence(error))
        case .some(.success(.none)):
            SignInView { person in owner = .success(person) }
        case .some(.success(.some(let person))):
            NavigationStack(path: $path) {
                HomeView(ownerId: person.id, mentor: person.role == .mentor, coordinator: person.role == .professional, path: $path)
                    .navigationDestination(for: Route.self) { route in
                        switch route {
                        case .mentee(let id, let name):
                            MenteeView(mentorshipId: id, name: name, path: $path)
                        case .checkIn(let id, let amend, let planned):
                            CheckInView(mentorshipId: id, amendCheckinId: amend, plannedContactId: planned) { path.removeLast() }
                        case .conversation(let id):
                            ConversationView(mentorshipId: id)
                        case .planContact(let id, let contactId):
                            PlanContactView(mentorshipId: id, changeContactId: contactId) { path.removeLast() }
                        case .resources:
                            ResourcesView()
                        case .chooseSurvivor:
                            ChooseSurvivorView(path: $path)
                        case .findMentor(let id):
                            FindMentorView(survivorId: id)
                        case .mentors:
                            MentorsView()
                        case .thisPhone:
                            // Wiped: the phone is anyone's now, so back to sign-in, with no
                            // screen of the last person's left on the stack.
                            ThisPhoneView {
                                path = []
                                owner = .success(nil)
                            }
                        }
                    }
            }
        }
    }
}
#endif
