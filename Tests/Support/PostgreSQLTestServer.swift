import Foundation

/// The PostgreSQL server the tests may use: `SETTLE_TEST_POSTGRESQL`, a URL with no password (`.ci/run` starts a
/// throwaway cluster and sets it). Without it the PostgreSQL tests skip, saying so, and `.ci/run` fails when they did.
public enum PostgreSQLTestServer {
    /// Why the PostgreSQL tests skip; `.ci/run` looks for these words in the test log.
    public static let skipReason = "no PostgreSQL server: SETTLE_TEST_POSTGRESQL is unset"

    public static let url: String? = {
        guard let url = ProcessInfo.processInfo.environment["SETTLE_TEST_POSTGRESQL"], !url.isEmpty else { return nil }
        return url
    }()

    public static var configured: Bool { url != nil }

    /// The server's URL with a search path of a schema no other test uses (`t_` and random hex), so tests run side by
    /// side in one database; the ledger makes the schema when it first migrates. Nil when no server is configured.
    public static func isolatedURL(_ label: String = "t") -> String? {
        guard let url else { return nil }
        let schema = "\(label)_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        return url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }

    /// The schema an `isolatedURL` names.
    public static func schema(of isolatedURL: String) -> String? {
        guard let range = isolatedURL.range(of: "search_path%3D") else { return nil }
        return String(isolatedURL[range.upperBound...].prefix { $0 != "&" })
    }
}
