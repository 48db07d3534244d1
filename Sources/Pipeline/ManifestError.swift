import Ledger

/// A problem with the manifest or the command line: exit code 2.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Manifest {
    /// The manifest's `ledger` when it is a PostgreSQL URL, with its `entity` (required there: one database holds many
    /// entities); nil for a file. A URL carrying a password is refused, naming the key and never repeating it.
    static func databaseLedger(_ text: String, entity: String?, manifest path: String) throws(ManifestError)
        -> (address: LedgerLocation.PostgreSQLAddress, entity: String)? {
        let location: LedgerLocation
        do {
            location = try LedgerLocation.parse(text)
        } catch {
            throw ManifestError("\(path): \"ledger\": \(error.description)")
        }
        if let entity, let why = Manifest.entityRefusal(entity) { throw ManifestError("\(path): \"entity\": \(why)") }
        guard case let .postgresql(address) = location else { return nil }
        guard let entity else {
            throw ManifestError("\(path): \"entity\" is required: the ledger \(address.redacted) is a PostgreSQL database, which holds the books of "
                                + "many entities; name the one this job keeps (\"entity\": \"acme-us\")")
        }
        return (address, entity)
    }

    /// Why an entity name is refused (nil: it is fine): 1-63 letters, digits, `.`, `-` or `_`, as it goes into commands
    /// and file names unquoted.
    public static func entityRefusal(_ entity: String) -> String? {
        let allowed = entity.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || ".-_".unicodeScalars.contains($0) }
        guard !entity.isEmpty, entity.count <= 63, allowed else {
            return "'\(entity)' is not an entity name: 1-63 ASCII letters, digits, '.', '-' or '_'"
        }
        return nil
    }
}
