// The database key: 32 random bytes made on this device (once, and again after a wipe) and kept
// in the iOS Keychain as a generic password, readable after the first unlock (a mentor records
// check-ins with the phone locked in a pocket between visits) and never migrated to another
// device or a backup.
#if os(iOS)
import Foundation
import Security

public struct KeychainError: Error, Equatable {
    public let status: OSStatus
}

public enum KeychainKey {
    private static let service = "app.passerelle.demo"
    private static let account = "database-key"
    private static let keyBytes = 32

    private static var query: [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
        ]
    }

    /// The key, made and stored on first use. Blocking (the Keychain): call it off the main thread.
    public static func loadOrCreate() throws -> Data {
        if let existing = try load() {
            return existing
        }
        let key = try newKey()
        let added = add(key)
        if added == errSecDuplicateItem, let raced = try load() {
            // Another thread stored one first: use that one, so both open the same database.
            return raced
        }
        guard added == errSecSuccess else {
            throw KeychainError(status: added)
        }
        return key
    }

    /// After the phone was wiped: a new key, so nothing the old one opened can be read with it
    /// again. `rekey` re-encrypts the open store with the new key; only then does the new key
    /// replace the old one in the Keychain, in one update. A crash between the two leaves a
    /// store the kept key does not open; the app then offers "Start again", which loses nothing,
    /// the store being empty. Blocking (the Keychain): call it off the main thread.
    public static func rotate(_ rekey: (Data) throws -> Void) throws {
        var key = try newKey()
        defer { key.resetBytes(in: 0..<key.count) }
        try rekey(key)
        var status = SecItemUpdate(query as CFDictionary, [kSecValueData as String: key] as CFDictionary)
        if status == errSecItemNotFound {
            status = add(key)
        }
        guard status == errSecSuccess else {
            throw KeychainError(status: status)
        }
    }

    private static func newKey() throws -> Data {
        var bytes = [UInt8](repeating: 0, count: keyBytes)
        defer {
            bytes.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = 0 }
            }
        }
        let status = SecRandomCopyBytes(kSecRandomDefault, keyBytes, &bytes)
        guard status == errSecSuccess else {
            throw KeychainError(status: status)
        }
        return Data(bytes)
    }

    private static func add(_ key: Data) -> OSStatus {
        var attributes = query
        attributes[kSecValueData as String] = key
        attributes[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        return SecItemAdd(attributes as CFDictionary, nil)
    }

    /// The stored key, or `nil` if there is none yet.
    public static func load() throws -> Data? {
        var request = query
        request[kSecReturnData as String] = true
        request[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(request as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let data = result as? Data, data.count == keyBytes else {
                throw KeychainError(status: errSecDecode)
            }
            return data
        case errSecItemNotFound:
            return nil
        default:
            throw KeychainError(status: status)
        }
    }

    /// Forgets the key after it was lost or the database was set aside: the next
    /// `loadOrCreate()` makes a new one.
    public static func forget() throws {
        let status = SecItemDelete(query as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw KeychainError(status: status)
        }
    }
}
#endif
