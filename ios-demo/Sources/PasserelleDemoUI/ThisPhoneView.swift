// "This phone": download what the phone keeps about its owner (one `exportMyData()` call, handed
// to the share sheet), and remove it all before the phone is given back or passed on (one
// `wipeDeviceData()` call, asked for first, then a new database key and back to sign-in).
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI
import UIKit

struct ThisPhoneView: View {
    @EnvironmentObject private var model: AppModel
    let onWiped: () -> Void
    @State private var step: WipeStep = .idle
    @State private var removing = false
    @State private var exportError: String?
    @State private var shared: SharedText?
    @State private var syncShown = false

    private var presenter: ThisPhonePresenter { model.presentation.thisPhone }

    /// The step's sentence on top; a failure is shown in red under the button instead.
    private var headline: String? {
        if case .failed = step {
            return nil
        }
        return presenter.sentence(step)
    }

    private var done: Bool {
        if case .done = step {
            return true
        }
        return false
    }

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                if let headline = headline {
                    Text(headline).font(.title3).fixedSize(horizontal: false, vertical: true)
                }
                if removing {
                    ProgressView(ui("this_phone_removing"))
                }
                switch step {
                case .idle, .failed:
                    Text(ui("this_phone_export_hint"))
                    SecondaryButton(title: ui("this_phone_export")) { Task { await export() } }
                    ErrorLine(text: exportError)
                    Text(ui("this_phone_wipe_hint")).padding(.top, 16)
                    SecondaryButton(title: ui("this_phone_wipe")) { step = presenter.ask() }
                    if case .failed(let sentence) = step {
                        ErrorLine(text: sentence)
                    }
                    if syncShown {
                        SyncPanel(startNow: true)
                    }
                case .confirm:
                    BigButton(title: ui("this_phone_remove"), enabled: !removing) { Task { await remove(discardUnsent: false) } }
                    SecondaryButton(title: ui("this_phone_keep")) { step = presenter.cancel() }
                case .confirmDiscard:
                    BigButton(title: ui("this_phone_sync_first"), enabled: !removing) {
                        step = presenter.cancel()
                        syncShown = true
                    }
                    SecondaryButton(title: ui("this_phone_discard")) { Task { await remove(discardUnsent: true) } }
                    SecondaryButton(title: ui("this_phone_keep")) { step = presenter.cancel() }
                case .done:
                    BigButton(title: ui("this_phone_continue")) { onWiped() }
                }
            }
            .padding(16)
        }
        .navigationTitle(ui("home_this_phone"))
        // Once removed there is nothing to go back to: "Continue" leads on to sign-in.
        .navigationBarBackButtonHidden(done)
        // Each step answers the button just pressed: VoiceOver says it.
        .onChange(of: step) { next in
            if let sentence = presenter.sentence(next) {
                UIAccessibility.post(notification: .announcement, argument: sentence)
            }
        }
        .sheet(item: $shared) { shared in
            ActivityView(text: shared.text)
        }
    }

    private func export() async {
        let presenter = self.presenter
        let result = await model.call { api in presenter.export(api) }
        switch result {
        case .success(.ready(let json)):
            exportError = nil
            // Text, not a file: nothing personal is written outside the encrypted store, so a
            // later wipe leaves no copy behind. Dropped again when the sheet closes.
            shared = SharedText(text: json)
        case .success(.failed(let sentence)):
            exportError = sentence
        case .failure(let error):
            exportError = model.presentation.errors.sentence(error)
        }
    }

    private func remove(discardUnsent: Bool) async {
        guard !removing else { return }
        removing = true
        let presenter = self.presenter
        // Blocking: a transaction, the network (to end the session) and the Keychain.
        let result = await model.call { api in
            discardUnsent
                ? presenter.discardUnsent(api, rekey: AppModel.rotateKey)
                : presenter.confirm(api, rekey: AppModel.rotateKey)
        }
        removing = false
        switch result {
        case .success(let next):
            step = next
        case .failure(let error):
            step = .failed(model.presentation.errors.sentence(error))
        }
    }
}

/// The export while the share sheet is up.
private struct SharedText: Identifiable {
    let id = UUID()
    let text: String
}

/// The system share sheet (save to Files, mail, ...) for one text.
private struct ActivityView: UIViewControllerRepresentable {
    let text: String

    func makeUIViewController(context: Context) -> UIActivityViewController {
        UIActivityViewController(activityItems: [text], applicationActivities: nil)
    }

    func updateUIViewController(_ controller: UIActivityViewController, context: Context) {}
}
#endif
