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
        /// What libpq connects with: the URL as given (it holds no password), with `sslmode=verify-full` added for a
        /// remote host when the URL names no `sslmode`. Never printed.
        public var conninfo: String = ""

        public init(user: String, host: String, database: String, service: String, conninfo: String = "") {
            self.user = user
            self.host = host
            self.database = database
            self.service = service
            self.conninfo = conninfo
        }

        public static func == (a: PostgreSQLAddress, b: PostgreSQLAddress) -> Bool {
            (a.user, a.host, a.database, a.service) == (b.user, b.host, b.database, b.service)
        }

        /// Whether `host` is this machine: a Unix socket folder, no host at all (libpq's default socket), or loopback.
        static func isLocal(_ host: String) -> Bool {
            // The name without its port: an IPv6 address is bracketed, and its colons are its own.
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.split(separator: ":").first ?? "")
            return host.isEmpty || host.hasPrefix("/") || host.hasPrefix("%2F") || host.hasPrefix("%2f")
                || ["localhost", "127.0.0.1", "[::1]"].contains(name)
        }

        /// The URL as settle prints it: host, database and service only.
        public var redacted: String {
            var parameters: [String] = []
            // A Unix socket's folder goes in the query, where libpq reads it (in the authority it would be a path).
            if host.hasPrefix("/") { parameters.append("host=\(host)") }
            if !service.isEmpty { parameters.append("service=\(service)") }
            return "postgresql://\(host.hasPrefix("/") ? "" : host)/\(database)" + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
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
        var service = "", sslmode = false
        var passwordGiven = user.contains(":")
        var queryHost: String?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = parts.first.map { String($0).lowercased() } ?? ""
            let value = parts.count == 2 ? String(parts[1]) : ""
            switch key {
            case "password": passwordGiven = true
            case "service": service = value
            case "sslmode": sslmode = true
            case "host": queryHost = value.removingPercentEncodingIfPossible
            default: break
            }
        }
        let hostName = host.isEmpty ? (queryHost ?? "") : String(host)
        var conninfo = text
        if !sslmode && !PostgreSQLAddress.isLocal(hostName) {
            conninfo += (query.isEmpty && !text.hasSuffix("?") ? "?" : "&") + "sslmode=verify-full"
        }
        let address = PostgreSQLAddress(user: String(user.split(separator: ":", maxSplits: 1).first ?? ""), host: hostName,
                                        database: String(database), service: service, conninfo: conninfo)
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

extension String {
    /// The text with %XX escapes decoded (as it is when one is malformed).
    fileprivate var removingPercentEncodingIfPossible: String {
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
