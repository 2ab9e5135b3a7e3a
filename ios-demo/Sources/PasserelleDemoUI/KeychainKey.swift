// The database key: 32 random bytes made once on this device and kept in the iOS Keychain as a
// generic password, readable after the first unlock (a mentor records check-ins with the phone
// locked in a pocket between visits) and never migrated to another device or a backup.
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
        var bytes = [UInt8](repeating: 0, count: keyBytes)
        let status = SecRandomCopyBytes(kSecRandomDefault, keyBytes, &bytes)
        guard status == errSecSuccess else {
            throw KeychainError(status: status)
        }
        let key = Data(bytes)
        bytes.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = 0 }
        }
        var attributes = query
        attributes[kSecValueData as String] = key
        attributes[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let added = SecItemAdd(attributes as CFDictionary, nil)
        if added == errSecDuplicateItem, let raced = try load() {
            // Another thread stored one first: use that one, so both open the same database.
            return raced
        }
        guard added == errSecSuccess else {
            throw KeychainError(status: added)
        }
        return key
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
