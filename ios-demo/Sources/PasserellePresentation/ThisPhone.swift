// "This phone": a copy of everything the phone holds about its owner ("Download my data"), and
// removing all of it before the phone is handed back or passed on. What is personal, what may
// go and when unsent work blocks it are the core's to decide; this only walks a person through
// the few steps (ask, warn about unsent changes, done) and words each one.
import Foundation
import Passerelle

/// Where removing this phone's data has got.
public enum WipeStep: Equatable {
    /// Nothing asked.
    case idle
    /// Waiting for a yes before anything is removed.
    case confirm
    /// The core refused: `unsent` changes made here have not reached the server. Nothing was removed.
    case confirmDiscard(unsent: UInt64)
    /// Everything personal is gone and the store has its new key.
    case done(WipeSummary)
    case failed(String)
}

/// What "Download my data" produced.
public enum Export: Equatable {
    /// JSON text, handed as it is to the share sheet.
    case ready(String)
    case failed(String)
}

public struct ThisPhonePresenter {
    private let strings: Strings
    private let errors: ErrorText

    public init(strings: Strings, errors: ErrorText) {
        self.strings = strings
        self.errors = errors
    }

    /// Everything this phone holds about its owner (blocking: one read transaction).
    public func export(_ api: Passerelle) -> Export {
        do {
            return .ready(try api.exportMyData())
        } catch {
            return .failed(errors.sentence(error))
        }
    }

    /// "Remove my data from this phone": ask before anything goes.
    public func ask() -> WipeStep {
        .confirm
    }

    /// "Keep my data", or "Sync first" (the screen then starts the sync): nothing removed.
    public func cancel() -> WipeStep {
        .idle
    }

    /// The person said yes. Blocking: a transaction, and the network to end the session on the
    /// server. `rekey` runs once the data is gone and gives the store a new key (the app's
    /// Keychain does it); only then is the step `.done`.
    public func confirm(_ api: Passerelle, rekey: (Passerelle) throws -> Void) -> WipeStep {
        wipe(api, discardUnsent: false, rekey: rekey)
    }

    /// The person agreed to lose the changes not sent yet.
    public func discardUnsent(_ api: Passerelle, rekey: (Passerelle) throws -> Void) -> WipeStep {
        wipe(api, discardUnsent: true, rekey: rekey)
    }

    private func wipe(_ api: Passerelle, discardUnsent: Bool, rekey: (Passerelle) throws -> Void) -> WipeStep {
        let summary: WipeSummary
        do {
            summary = try api.wipeDeviceData(discardUnsent: discardUnsent)
        } catch PasserelleError.UnsentChanges(let count) {
            return .confirmDiscard(unsent: count)
        } catch {
            return .failed(errors.sentence(error))
        }
        do {
            try rekey(api)
            return .done(summary)
        } catch {
            // The data is gone but the old key still opens the store. Trying again wipes an
            // empty store and makes a new key again, so "failed" is the honest answer.
            return .failed(errors.sentence(error))
        }
    }

    /// The sentence the screen shows for `step`; `nil` when there is nothing to say.
    public func sentence(_ step: WipeStep) -> String? {
        switch step {
        case .idle:
            return nil
        case .confirm:
            return strings.text(.wipeConfirm)
        case .confirmDiscard(let unsent):
            return strings.plural(.wipeUnsent, Int(clamping: unsent))
        case .done(let summary):
            let done = strings.text(.wipeDone)
            return summary.signedOut ? done : "\(done) \(strings.text(.wipeNotSignedOut))"
        case .failed(let sentence):
            return sentence
        }
    }
}
