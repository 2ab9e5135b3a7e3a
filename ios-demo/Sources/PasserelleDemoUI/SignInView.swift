// Sign in: the server address and the one-time enrolment code, then one `enrol()` call (and a
// first sync). Errors appear under the field to fix, or above the button.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI

struct SignInView: View {
    @EnvironmentObject private var model: AppModel
    // The development machine as the iOS simulator sees it.
    @State private var form = SignInForm(serverUrl: "http://127.0.0.1:8080")
    @State private var working = false
    let onSignedIn: (Person) -> Void

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(ui("sign_in_title")).font(.largeTitle.bold()).accessibilityAddTraits(.isHeader)
                Text(ui("sign_in_intro"))

                TextField(ui("sign_in_code"), text: Binding(get: { form.code }, set: { form = form.withCode($0) }))
                    .font(.title2.monospaced())
                    .textInputAutocapitalization(.characters)
                    .autocorrectionDisabled()
                    .textFieldStyle(.roundedBorder)
                    .frame(minHeight: touchTarget)
                ErrorLine(text: form.codeError)

                TextField(ui("sign_in_server"), text: Binding(get: { form.serverUrl }, set: { form = form.withServerUrl($0) }))
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                    .textFieldStyle(.roundedBorder)
                    .frame(minHeight: touchTarget)
                ErrorLine(text: form.serverError)

                ErrorLine(text: form.formError)
                BigButton(title: ui(working ? "sign_in_working" : "sign_in_button"), enabled: !working) { submit() }
            }
            .padding(24)
        }
    }

    private func submit() {
        working = true
        let current = form
        let errors = model.presentation.errors
        Task {
            let result = await model.call { api in current.submit(api, errors: errors) }
            working = false
            switch result {
            case .success(.signedIn(let person)):
                // A failed first sync is not a failed sign-in: the home screen offers "Sync now".
                _ = await model.call { api in try api.sync(progress: nil) }
                onSignedIn(person)
            case .success(.rejected(let refused)):
                form = refused
            case .failure(let error):
                form.formError = errors.sentence(error)
            }
        }
    }
}
#endif
