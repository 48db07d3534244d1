/// Where a ledger is: a SQLite file, or a PostgreSQL database named by a URL (`postgresql://settle@db.internal/finance`,
/// `postgresql:///finance?service=settle`). A URL carrying a password is refused (passwords come from libpq's own
/// means: `PGPASSWORD`, `~/.pgpass`, a service file), and a URL is only ever printed redacted to its host, database
/// and service.
public enum LedgerLocation: Equatable, Sendable {
    case file(String)
    case postgresql(PostgreSQLAddress)

    /// A PostgreSQL database as a URL names it.
    public struct PostgreSQLAddress: Equatable, Sendable {
        public var user: String
        public var host: String
        public var database: String
        public var service: String

        /// The URL as settle prints it: host, database and service only.
        public var redacted: String {
            "postgresql://\(host)/\(database)" + (service.isEmpty ? "" : "?service=\(service)")
        }
    }

    /// Why a ledger URL is refused (its text never repeated: it may hold a password).
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Whether `text` names a PostgreSQL database rather than a file.
    public static func isURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// `text` as a ledger location: a file path as it is, a PostgreSQL URL parsed (a password refused).
    public static func parse(_ text: String) throws(Refusal) -> LedgerLocation {
        guard isURL(text), let schemeEnd = text.range(of: "://") else { return .file(text) }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var authority = rest, database = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            database = rest[rest.index(after: slash)...]
        }
        var user = Substring(""), host = authority
        if let at = authority.lastIndex(of: "@") {
            user = authority[..<at]
            host = authority[authority.index(after: at)...]
        }
        var service = ""
        var passwordGiven = user.contains(":")
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = parts.first.map { String($0).lowercased() } ?? ""
            if key == "password" { passwordGiven = true }
            if key == "service", parts.count == 2 { service = String(parts[1]) }
        }
        let address = PostgreSQLAddress(user: String(user.split(separator: ":", maxSplits: 1).first ?? ""), host: String(host),
                                        database: String(database), service: service)
        if passwordGiven {
            throw Refusal(description: "the ledger URL \(address.redacted) carries a password, which settle refuses: give it through "
                          + "PGPASSWORD, ~/.pgpass or a service file (libpq's own means)")
        }
        return .postgresql(address)
    }

    /// The location as settle prints it.
    public var redacted: String {
        switch self {
        case let .file(path): path
        case let .postgresql(address): address.redacted
        }
    }
}
