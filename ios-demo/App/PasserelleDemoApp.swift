// The iOS app's entry point: one window showing the demo's root view. It lives outside the
// Swift package (SwiftPM has no iOS app product); project.yml makes the app target from it.
import PasserelleDemoUI
import SwiftUI

@main
struct PasserelleDemoApp: App {
    var body: some Scene {
        WindowGroup {
            RootView()
        }
    }
}
