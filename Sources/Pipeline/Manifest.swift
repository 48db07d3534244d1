import Accounting
import Core
import Foundation
import Ledger
import Matching

/// The job manifest of CONTRACT.md, with every path resolved against the manifest's folder.
public struct Manifest: Sendable {
    public struct Source: Sendable {
        public enum Role: String, Sendable { case received, originated }
        public var format: SourceFormat
        /// The path pattern, absolute, with `{date}` and an optional glob in the last component.
        public var path: String
        public var role: Role
        public var profile: String?
        public var account: String?
        /// Strict validation rejects a batch or file on an error; lenient keeps errors as warnings.
        public var strict: Bool
        public var key: String
    }

    public var path: String
    public var version: Int
    public var name: String
    public var currency: Currency
    /// The ledger: a SQLite file's path (resolved), or a PostgreSQL URL as written (see `postgreSQL`).
    public var ledger: String
    /// The ledger's database when `ledger` is a PostgreSQL URL, and the entity whose books the job keeps there
    /// (`entity`, required with a URL).
    public var postgreSQL: (address: LedgerLocation.PostgreSQLAddress, entity: String)?
    /// The ledger as settle prints it: the file's path, or the database's URL redacted to host, database and service.
    public var ledgerDisplay: String { postgreSQL?.address.redacted ?? ledger }
    public var output: String
    public var archive: String
    public var customers: String
    public var invoices: String
    public var sources: [Source]
    public var policy: MatchingPolicy
    public var date: Day?
    public var from: Day?
    public var to: Day?
    /// The chart of accounts as the manifest renames or extends it: code → (name, type).
    public var accounts: [(code: String, name: String, type: String)] = []
    /// A reviewer's write-off above this needs a second name (`--approved-by`): `review.write_off_limit`, default 100.00.
    public var writeOffLimit: Money
    /// The IANA time zone whose "yesterday" is the default day (`timezone`, default UTC).
    public var timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current
    /// Bank references that identify nothing beyond those every bank writes (`statements.placeholder_references`),
    /// upper-case: a line carrying one is keyed by its content.
    public var placeholderReferences: Set<String> = []
    /// The entity's bank accounts (`bank_accounts`), in the manifest's order.
    public var bankAccounts: [BankAccountEntry] = []
    /// `review.post_to`: the ledger accounts a reviewer's `--post-to` may use.
    public var reviewPostTo: [String] = []
    /// `origination`: the seller's ACH debit origination, nil when the manifest has none.
    public var origination: OriginationConfig?

    /// One of the entity's bank accounts as the manifest names it (CONTRACT: `bank_accounts`).
    public typealias BankAccountEntry = Accounting.BankAccountEntry

    static let topLevelKeys: Set<String> = ["version", "name", "currency", "ledger", "output", "archive", "customers", "invoices", "sources", "matching", "date", "from", "to", "validation", "accounts", "review", "timezone", "statements", "bank_accounts", "entity", "origination"]
    static let statementsKeys: Set<String> = ["placeholder_references"]
    static let bankAccountKeys: Set<String> = ["bank", "account", "currency", "code", "name", "aliases", "statements", "closed_on"]
    static let reviewKeys: Set<String> = ["write_off_limit", "post_to"]
    static let sourceKeys: Set<String> = ["format", "path", "role", "profile", "account", "strict"]
    static let matchingKeys: Set<String> = ["tolerance", "ambiguous", "combination_limit", "short_pay_percent", "cross_customer"]

    public static func load(path: String) throws(ManifestError) -> Manifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManifestError("\(path): cannot read the manifest (no such file, or not readable)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ManifestError("\(path): not valid JSON: \(Manifest.describeJSONError(error, data: data))")
        }
        guard let root = object as? [String: Any] else { throw ManifestError("\(path): the manifest must be a JSON object") }
        return try parse(root, path: path)
    }

    /// Whether a parsed JSON value is `true` or `false` (JSONSerialization gives booleans and numbers alike as
    /// NSNumber, and a boolean prints as 1 or 0: only its class tells them apart).
    static func isBoolean(_ value: Any) -> Bool {
        type(of: value) == type(of: NSNumber(value: true))
    }

    static func describeJSONError(_ error: Error, data: Data) -> String {
        let ns = error as NSError
        if let index = ns.userInfo["NSJSONSerializationErrorIndex"] as? Int {
            let prefix = data.prefix(index)
            let line = prefix.filter { $0 == 0x0A }.count + 1
            return "syntax error at line \(line)"
        }
        return ns.localizedDescription
    }

    /// The manifest's sections, each read into its typed value in a fixed order: of several problems, the one
    /// reported is always the same.
    static func parse(_ root: [String: Any], path: String) throws(ManifestError) -> Manifest {
        let reader = ManifestReader(root, path: path)
        try reader.rejectUnknownKeys(of: root, known: topLevelKeys)
        let version = try reader.version()
        let name = try reader.string("name", in: root, at: "name", required: false) ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let currency = try reader.currency()
        let ledgerText = try reader.requiredString("ledger", in: root, at: "ledger")
        let entity = try reader.string("entity", in: root, at: "entity", required: false)
        let database = try Manifest.databaseLedger(ledgerText, entity: entity, manifest: path)
        let ledger = database == nil ? reader.resolve(ledgerText) : ledgerText
        let output = reader.resolve(try reader.requiredString("output", in: root, at: "output"))
        let archive = reader.resolve(try reader.requiredString("archive", in: root, at: "archive"))
        let customers = try reader.existingFile("customers")
        let invoices = try reader.existingFile("invoices")
        let sources = try reader.sources(strictByDefault: try reader.strictByDefault())
        let policy = try reader.matchingPolicy(currency: currency)
        let accounts = try reader.accounts()
        let writeOffLimit = try reader.writeOffLimit(currency: currency)
        let postTo = try reader.reviewPostTo()
        let chart = Set(ChartOfAccounts.defaults.map(\.code) + accounts.map(\.code))
        for code in postTo {
            if let why = ReviewPolicy().forbidden(code) { throw ManifestError("review.post_to: \(code) is \(why), never an account to post a reviewer's decision to") }
            guard chart.contains(code) else { throw ManifestError("review.post_to: \(code) is not an account of the chart: name it under accounts (\"\(code)\": {\"name\": ..., \"type\": ...})") }
        }
        let timeZone = try reader.timeZone()
        let placeholders = try reader.placeholderReferences()
        let bankAccounts = try reader.bankAccounts(currency: currency)
        let days = try reader.days()
        var manifest = Manifest(path: path, version: version, name: name, currency: currency, ledger: ledger, output: output, archive: archive,
                        customers: customers, invoices: invoices, sources: sources, policy: policy,
                        date: days.date, from: days.from, to: days.to, accounts: accounts, writeOffLimit: writeOffLimit, timeZone: timeZone,
                        placeholderReferences: placeholders, bankAccounts: bankAccounts)
        manifest.reviewPostTo = postTo
        manifest.origination = try reader.origination(bankAccounts: bankAccounts)
        manifest.postgreSQL = database
        return manifest
    }

    /// Today in the manifest's time zone (the default day is the day before).
    public func today(now: Date = Date()) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return Day(civilYear: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }

    /// Globs (`*`, `?`) are allowed in the last path component only; `{date}` is the one placeholder.
    static func validateGlob(_ pattern: String, key: String, fail: (String, String) -> ManifestError) throws(ManifestError) {
        let components = pattern.split(separator: "/", omittingEmptySubsequences: false)
        for (i, component) in components.enumerated() {
            let hasGlob = component.contains("*") || component.contains("?")
            if hasGlob && i != components.count - 1 {
                throw fail(key, "'\(pattern)': wildcards are allowed in the last path component only")
            }
            if component.contains("[") || component.contains("]") {
                throw fail(key, "'\(pattern)': character classes ([...]) are not supported; use * or ?")
            }
            var rest = Substring(component)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else { throw fail(key, "'\(pattern)': unclosed '{'") }
                let placeholder = rest[rest.index(after: open)..<close]
                if placeholder != "date" { throw fail(key, "'\(pattern)': unknown placeholder {\(placeholder)}; only {date} is replaced") }
                rest = rest[rest.index(after: close)...]
            }
            if rest.contains("}") { throw fail(key, "'\(pattern)': unmatched '}'") }
        }
        if pattern.hasSuffix("/") { throw fail(key, "'\(pattern)': names a folder; add a file pattern such as *.ach") }
    }

    /// The files a source names for a day, sorted by path.
    public func files(of source: Source, on day: Day) -> (files: [String], missing: String?) {
        let concrete = source.path.replacingOccurrences(of: "{date}", with: day.description)
        let url = URL(fileURLWithPath: concrete)
        let last = url.lastPathComponent
        guard last.contains("*") || last.contains("?") else {
            return FileManager.default.fileExists(atPath: concrete) ? ([concrete], nil) : ([], concrete)
        }
        let folder = url.deletingLastPathComponent().path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return ([], nil) }
        let matched = names.filter { Glob.matches(pattern: last, name: $0) && !$0.hasPrefix(".") }.sorted()
        return (matched.map { folder + "/" + $0 }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }, nil)
    }
}
