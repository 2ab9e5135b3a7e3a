// The app's one Passerelle store, opened once off the main thread with the Keychain-held key and
// shared by every screen; every binding call runs off the main thread; change notifications
// from the bindings become a counter screens reload on; whether syncs bring voice notes' sounds
// follows the network (not on cellular data or in Low Data Mode).
#if os(iOS)
import Foundation
import Network
import Passerelle
import PasserellePresentation

/// Told by the bindings, on the writing thread, which collections changed; hops to the main
/// actor and bumps the model's counter. Kept short, as the bindings ask.
final class ChangeBus: ChangeObserver, @unchecked Sendable {
    weak var model: AppModel?

    func onChange(collections: [String]) {
        Task { @MainActor [weak self] in self?.model?.changed() }
    }
}

@MainActor
public final class AppModel: ObservableObject {
    public enum StoreState {
        case opening
        case ready(Passerelle)
        /// The file is intact but its key is gone (or it is damaged): sign in again into a new file.
        case unreadable(Error)
        case failed(Error)
    }

    @Published public private(set) var store: StoreState = .opening
    /// Bumped after every local write and sync; screens reload what they show when it moves.
    @Published public private(set) var changes = 0
    public let presentation = Presentation(strings: BundleStrings.preferred())

    private let bus = ChangeBus()
    /// Watches the network for `voiceNotesFollowTheNetwork`.
    private let network = NWPathMonitor()

    public init() {
        bus.model = self
    }

    /// Voice notes' sounds come with each sync on Wi-Fi, and on an expensive (cellular, a
    /// phone's hotspot) or constrained (Low Data Mode) path only when one is played
    /// (`fetchVoiceNote`). The core does not keep the choice: it is said after the store opens
    /// and again whenever the path changes. No disk or network behind the call: fine on the
    /// main actor.
    private func voiceNotesFollowTheNetwork(_ path: NWPath) {
        if case .ready(let api) = store {
            api.setVoiceNotesInSync(fetch: !(path.isExpensive || path.isConstrained))
        }
    }

    func changed() {
        changes += 1
    }

    nonisolated private static var databaseURL: URL {
        get throws {
            let folder = try FileManager.default.url(for: .applicationSupportDirectory, in: .userDomainMask,
                                                     appropriateFor: nil, create: true)
            return folder.appendingPathComponent("passerelle.db")
        }
    }

    private var started = false

    /// Opens the store once, when the first screen appears.
    public func start() {
        guard !started else { return }
        started = true
        network.pathUpdateHandler = { [weak self] path in
            Task { @MainActor in self?.voiceNotesFollowTheNetwork(path) }
        }
        network.start(queue: DispatchQueue(label: "app.passerelle.demo.network"))
        open()
    }

    /// Opens the store (at launch, and after "Try again").
    public func open() {
        store = .opening
        let bus = self.bus
        Task {
            let state = await Task.detached(priority: .userInitiated) { () -> StoreState in
                do {
                    var key = try KeychainKey.loadOrCreate()
                    defer { key.resetBytes(in: 0..<key.count) }
                    var url = try AppModel.databaseURL
                    let api = try Passerelle.open(path: url.path, key: key)
                    // Health data: not in iCloud or iTunes backups (the key could not follow it
                    // anyway), and encrypted by iOS too while the phone has not been unlocked.
                    var values = URLResourceValues()
                    values.isExcludedFromBackup = true
                    try? url.setResourceValues(values)
                    try? FileManager.default.setAttributes(
                        [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication],
                        ofItemAtPath: url.path
                    )
                    api.setChangeObserver(observer: bus)
                    return .ready(api)
                } catch PasserelleError.WrongKey {
                    return .unreadable(PasserelleError.WrongKey)
                } catch PasserelleError.Corrupt {
                    return .unreadable(PasserelleError.Corrupt)
                } catch {
                    return .failed(error)
                }
            }.value
            self.store = state
            voiceNotesFollowTheNetwork(network.currentPath)
        }
    }

    /// After the key was lost: moves the unreadable database aside — never deleted, a support
    /// person may still recover it with the old key — forgets the key, and opens a new store.
    /// The person then signs in and their data comes back from the server.
    public func startAgain() {
        Task {
            await Task.detached {
                guard let url = try? AppModel.databaseURL else { return }
                let aside = url.lastPathComponent + ".unreadable-\(Int64(Date().timeIntervalSince1970 * 1000))"
                // The journal files follow the database's new name, so SQLite still pairs them.
                for journal in ["", "-wal", "-shm"] {
                    let file = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + journal)
                    let moved = url.deletingLastPathComponent().appendingPathComponent(aside + journal)
                    try? FileManager.default.moveItem(at: file, to: moved)
                }
                try? KeychainKey.forget()
            }.value
            open()
        }
    }

    /// After "Remove my data from this phone": the open store takes a new key and the old one is
    /// replaced in the Keychain, so the wiped file's old pages cannot be read with it. Blocking:
    /// run it inside `call`.
    nonisolated static func rotateKey(_ api: Passerelle) throws {
        try KeychainKey.rotate { key in try api.rekey(newKey: key) }
    }

    /// Runs one blocking binding call off the main thread.
    public func call<T>(_ body: @escaping @Sendable (Passerelle) throws -> T) async -> Result<T, Error> {
        guard case .ready(let api) = store else {
            return .failure(PasserelleError.NotEnrolled)
        }
        return await Task.detached(priority: .userInitiated) {
            Result { try body(api) }
        }.value
    }
}
#endif
