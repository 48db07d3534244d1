import Ledger

/// A problem with the manifest or the command line: exit code 2.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Manifest {
    /// The manifest's `ledger` when it is a file: a PostgreSQL URL is refused, naming the key and never repeating a
    /// password (this build reads and writes SQLite ledgers only).
    static func fileLedger(_ text: String, manifest path: String) throws(ManifestError) -> String {
        let location: LedgerLocation
        do {
            location = try LedgerLocation.parse(text)
        } catch {
            throw ManifestError("\(path): \"ledger\": \(error.description)")
        }
        if case let .postgresql(address) = location {
            throw ManifestError("\(path): \"ledger\": \(address.redacted) is a PostgreSQL database, which runs do not write yet: give a SQLite file's path")
        }
        return text
    }
}
