import Accounting
import Core
import Foundation
import Matching

/// A problem with the manifest or the command line: exit code 2.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The input formats a source may declare.
public enum SourceFormat: String, Sendable, CaseIterable {
    case nacha, bai2, camt052, camt053, camt054, csv
}

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
    public var ledger: String
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

    /// One of the entity's bank accounts as the manifest names it (CONTRACT: `bank_accounts`).
    public typealias BankAccountEntry = Accounting.BankAccountEntry

    static let topLevelKeys: Set<String> = ["version", "name", "currency", "ledger", "output", "archive", "customers", "invoices", "sources", "matching", "date", "from", "to", "validation", "accounts", "review", "timezone", "statements", "bank_accounts"]
    static let statementsKeys: Set<String> = ["placeholder_references"]
    static let bankAccountKeys: Set<String> = ["bank", "account", "currency", "code", "name", "aliases", "statements", "closed_on"]
    static let reviewKeys: Set<String> = ["write_off_limit"]
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

    static func parse(_ root: [String: Any], path: String) throws(ManifestError) -> Manifest {
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        func fail(_ key: String, _ message: String) -> ManifestError { ManifestError("\(path): \"\(key)\": \(message)") }
        for key in root.keys.sorted() where !topLevelKeys.contains(key) {
            throw fail(key, "unknown key (expected one of: \(topLevelKeys.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String, in object: [String: Any], at qualified: String, required: Bool) throws(ManifestError) -> String? {
            guard let value = object[key] else {
                if required { throw fail(qualified, "is required") }
                return nil
            }
            guard let s = value as? String else { throw fail(qualified, "must be a string") }
            if required && s.isEmpty { throw fail(qualified, "must not be empty") }
            return s
        }
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : URL(fileURLWithPath: base).appendingPathComponent(p).standardized.path }
        func existingFile(_ key: String) throws(ManifestError) -> String {
            let p = resolve(try string(key, in: root, at: key, required: true) ?? "")
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw fail(key, "no such file: \(p)")
            }
            return p
        }
        func day(_ key: String) throws(ManifestError) -> Day? {
            guard let text = try string(key, in: root, at: key, required: false) else { return nil }
            guard let d = Day.parse(text, format: .iso) else { throw fail(key, "'\(text)' is not a YYYY-MM-DD date") }
            return d
        }

        guard let rawVersion = root["version"], !Manifest.isBoolean(rawVersion), let version = rawVersion as? Int else {
            throw fail("version", root["version"] == nil ? "is required (1)" : "must be the number 1")
        }
        guard version == 1 else { throw fail("version", "unsupported version \(version); this program reads version 1") }
        let name = try string("name", in: root, at: "name", required: false) ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let currencyCode = try string("currency", in: root, at: "currency", required: false) ?? "USD"
        guard let currency = Currency.iso(currencyCode) else { throw fail("currency", "'\(currencyCode)' is not an ISO 4217 code") }
        let ledger = resolve(try string("ledger", in: root, at: "ledger", required: true)!)
        let output = resolve(try string("output", in: root, at: "output", required: true)!)
        let archive = resolve(try string("archive", in: root, at: "archive", required: true)!)
        let customers = try existingFile("customers")
        let invoices = try existingFile("invoices")
        var defaultStrict = true
        if let validation = try string("validation", in: root, at: "validation", required: false) {
            guard validation == "strict" || validation == "lenient" else { throw fail("validation", "must be \"strict\" or \"lenient\"") }
            defaultStrict = validation == "strict"
        }

        guard let rawSources = root["sources"] else { throw fail("sources", "is required: a list of inputs") }
        guard let sourceList = rawSources as? [Any] else { throw fail("sources", "must be a list") }
        var sources: [Source] = []
        for (i, raw) in sourceList.enumerated() {
            let key = "sources[\(i)]"
            guard let object = raw as? [String: Any] else { throw fail(key, "must be an object") }
            for k in object.keys.sorted() where !sourceKeys.contains(k) {
                throw fail("\(key).\(k)", "unknown key (expected one of: \(sourceKeys.sorted().joined(separator: ", ")))")
            }
            let formatText = try string("format", in: object, at: "\(key).format", required: true)!
            guard let format = SourceFormat(rawValue: formatText) else {
                throw fail("\(key).format", "unknown format '\(formatText)' (expected one of: \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let pattern = try string("path", in: object, at: "\(key).path", required: true)!
            try validateGlob(pattern, key: "\(key).path", fail: fail)
            let roleText = try string("role", in: object, at: "\(key).role", required: false) ?? "received"
            guard let role = Source.Role(rawValue: roleText) else { throw fail("\(key).role", "must be \"received\" or \"originated\"") }
            if object["role"] != nil, format != .nacha { throw fail("\(key).role", "applies to nacha sources only") }
            var profile: String?
            if let p = try string("profile", in: object, at: "\(key).profile", required: false) {
                let resolved = resolve(p)
                guard FileManager.default.fileExists(atPath: resolved) else { throw fail("\(key).profile", "no such file: \(resolved)") }
                profile = resolved
            }
            if format == .csv, profile == nil { throw fail("\(key).profile", "is required for csv sources: the bank profile that maps its columns") }
            let account = try string("account", in: object, at: "\(key).account", required: false)
            var strict = defaultStrict
            if let s = object["strict"] {
                guard Manifest.isBoolean(s), let b = s as? Bool else { throw fail("\(key).strict", "must be true or false") }
                strict = b
            }
            sources.append(Source(format: format, path: resolve(pattern), role: role, profile: profile, account: account, strict: strict, key: key))
        }

        let defaults = MatchingPolicy(tolerance: Money.zero(currency))
        var tolerance = defaults.tolerance
        var ambiguous = defaults.ambiguous
        var combinationLimit = defaults.combinationInvoiceLimit
        var shortPayPercent = defaults.shortPayPercent
        var crossCustomer = defaults.crossCustomer
        if let rawMatching = root["matching"] {
            guard let matching = rawMatching as? [String: Any] else { throw fail("matching", "must be an object") }
            for k in matching.keys.sorted() where !matchingKeys.contains(k) {
                throw fail("matching.\(k)", "unknown key (expected one of: \(matchingKeys.sorted().joined(separator: ", ")))")
            }
            if let t = try string("tolerance", in: matching, at: "matching.tolerance", required: false) {
                do { tolerance = try Money.parse(t, currency: currency) } catch { throw fail("matching.tolerance", error.description) }
                if tolerance.isNegative { throw fail("matching.tolerance", "must not be negative") }
            }
            if let a = try string("ambiguous", in: matching, at: "matching.ambiguous", required: false) {
                guard let p = MatchingPolicy.AmbiguityPolicy(rawValue: a) else { throw fail("matching.ambiguous", "must be \"exception\" or \"oldest\"") }
                ambiguous = p
            }
            if let c = matching["combination_limit"] {
                guard let n = c as? Int, n >= 0, n <= 30 else { throw fail("matching.combination_limit", "must be a number from 0 to 30") }
                combinationLimit = n
            }
            if let c = matching["short_pay_percent"] {
                guard let n = c as? Int, n >= 0, n <= 50 else { throw fail("matching.short_pay_percent", "must be a whole number of percent from 0 to 50") }
                shortPayPercent = n
            }
            if let x = try string("cross_customer", in: matching, at: "matching.cross_customer", required: false) {
                guard let p = MatchingPolicy.CrossCustomerPolicy(rawValue: x) else { throw fail("matching.cross_customer", "must be \"exception\" or \"allow\"") }
                crossCustomer = p
            }
        }
        var accounts: [(code: String, name: String, type: String)] = []
        if let raw = root["accounts"] {
            guard let object = raw as? [String: Any] else { throw fail("accounts", "must be an object of account code → name (or {\"name\", \"type\"})") }
            let types: Set<String> = ["asset", "liability", "equity", "revenue", "expense"]
            for code in object.keys.sorted() {
                guard !code.isEmpty, code.count <= 32, !code.contains(where: { $0 == " " || $0 == ":" }) else {
                    throw fail("accounts.\(code)", "an account code is 1-32 characters without spaces or colons")
                }
                if let name = object[code] as? String {
                    accounts.append((code, name, ""))
                } else if let detail = object[code] as? [String: Any], let name = detail["name"] as? String {
                    let type = detail["type"] as? String ?? ""
                    guard type.isEmpty || types.contains(type) else { throw fail("accounts.\(code).type", "must be one of \(types.sorted().joined(separator: ", "))") }
                    accounts.append((code, name, type))
                } else {
                    throw fail("accounts.\(code)", "must be a name, or {\"name\": ..., \"type\": ...}")
                }
            }
        }
        var writeOffLimit = Money(minorUnits: 100 * Int64(pow10(currency.exponent)), currency: currency)
        if let rawReview = root["review"] {
            guard let review = rawReview as? [String: Any] else { throw fail("review", "must be an object") }
            for k in review.keys.sorted() where !reviewKeys.contains(k) {
                throw fail("review.\(k)", "unknown key (expected one of: \(reviewKeys.sorted().joined(separator: ", ")))")
            }
            if let t = try string("write_off_limit", in: review, at: "review.write_off_limit", required: false) {
                do { writeOffLimit = try Money.parse(t, currency: currency) } catch { throw fail("review.write_off_limit", error.description) }
                if writeOffLimit.isNegative { throw fail("review.write_off_limit", "must not be negative") }
            }
        }
        var timeZone = TimeZone(identifier: "UTC") ?? TimeZone.current
        if let name = try string("timezone", in: root, at: "timezone", required: false) {
            guard let zone = TimeZone(identifier: name) else { throw fail("timezone", "'\(name)' is not an IANA time zone name (such as America/Chicago)") }
            timeZone = zone
        }
        var placeholders = Set<String>()
        if let raw = root["statements"] {
            guard let object = raw as? [String: Any] else { throw fail("statements", "must be an object") }
            for k in object.keys.sorted() where !statementsKeys.contains(k) {
                throw fail("statements.\(k)", "unknown key (expected one of: \(statementsKeys.sorted().joined(separator: ", ")))")
            }
            if let list = object["placeholder_references"] {
                guard let texts = list as? [String] else { throw fail("statements.placeholder_references", "must be a list of strings") }
                placeholders = Set(texts.map { $0.trimmingCharacters(in: .whitespaces).uppercased() })
            }
        }
        var bankAccounts: [BankAccountEntry] = []
        if let raw = root["bank_accounts"] {
            guard let list = raw as? [Any] else { throw fail("bank_accounts", "must be a list of accounts") }
            var seenIdentities = Set<String>()
            var seenCodes = Set<String>()
            for (i, item) in list.enumerated() {
                let key = "bank_accounts[\(i)]"
                guard let object = item as? [String: Any] else { throw fail(key, "must be an object") }
                for k in object.keys.sorted() where !bankAccountKeys.contains(k) {
                    throw fail("\(key).\(k)", "unknown key (expected one of: \(bankAccountKeys.sorted().joined(separator: ", ")))")
                }
                let number = BankAccountNumber.normalized(try string("account", in: object, at: "\(key).account", required: true) ?? "")
                guard !number.isEmpty else { throw fail("\(key).account", "must hold the account's number (digits, or an IBAN)") }
                let bank = BankAccountNumber.normalized(try string("bank", in: object, at: "\(key).bank", required: false) ?? "")
                let code = try string("currency", in: object, at: "\(key).currency", required: false) ?? currency.code
                guard let accountCurrency = Currency.iso(code) else { throw fail("\(key).currency", "'\(code)' is not an ISO 4217 code") }
                let ledgerCode = try string("code", in: object, at: "\(key).code", required: false)
                if let ledgerCode {
                    guard !ledgerCode.isEmpty, ledgerCode.count <= 32, !ledgerCode.contains(where: { $0 == " " || $0 == ":" }) else {
                        throw fail("\(key).code", "a ledger account code is 1-32 characters without spaces or colons")
                    }
                    guard seenCodes.insert(ledgerCode).inserted else { throw fail("\(key).code", "'\(ledgerCode)' is the code of another bank account too") }
                }
                guard seenIdentities.insert("\(bank)|\(number)|\(accountCurrency.code)").inserted else {
                    throw fail(key, "the account \(Masking.account(number)) in \(accountCurrency.code)\(bank.isEmpty ? "" : " at \(bank)") is listed twice")
                }
                var aliases: [String] = []
                if let raw = object["aliases"] {
                    guard let texts = raw as? [String] else { throw fail("\(key).aliases", "must be a list of strings") }
                    aliases = texts.map(BankAccountNumber.normalized).filter { !$0.isEmpty }
                }
                let statementsText = try string("statements", in: object, at: "\(key).statements", required: false) ?? "on-activity"
                guard let expected = BankAccountEntry.Statements(rawValue: statementsText) else {
                    throw fail("\(key).statements", "must be \"daily\", \"on-activity\" or \"none\"")
                }
                var closedOn: Day?
                if let raw = object["closed_on"], !(raw is NSNull) {
                    guard let text = raw as? String, let d = Day.parse(text, format: .iso) else { throw fail("\(key).closed_on", "must be a YYYY-MM-DD date or null") }
                    closedOn = d
                }
                let name = try string("name", in: object, at: "\(key).name", required: false) ?? ""
                bankAccounts.append(BankAccountEntry(bank: bank, account: number, currency: accountCurrency, code: ledgerCode, name: name, aliases: aliases,
                                                     statements: expected, closedOn: closedOn))
            }
        }
        let date = try day("date")
        let from = try day("from")
        let to = try day("to")
        if (from == nil) != (to == nil) { throw fail(from == nil ? "to" : "from", "\"from\" and \"to\" go together") }
        if let from, let to, from > to { throw fail("from", "is after \"to\"") }
        if date != nil, from != nil { throw fail("date", "give either \"date\" or \"from\"/\"to\", not both") }
        return Manifest(path: path, version: version, name: name, currency: currency, ledger: ledger, output: output, archive: archive,
                        customers: customers, invoices: invoices, sources: sources,
                        policy: MatchingPolicy(tolerance: tolerance, ambiguous: ambiguous, combinationInvoiceLimit: combinationLimit,
                                               shortPayPercent: shortPayPercent, crossCustomer: crossCustomer),
                        date: date, from: from, to: to, accounts: accounts, writeOffLimit: writeOffLimit, timeZone: timeZone,
                        placeholderReferences: placeholders, bankAccounts: bankAccounts)
    }

    /// Today in the manifest's time zone (the default day is the day before).
    public func today(now: Date = Date()) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return Day(civilYear: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }

    private static func pow10(_ n: Int) -> Int {
        var v = 1
        for _ in 0..<max(0, n) { v *= 10 }
        return v
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

/// `*` and `?` matching of one path component.
public enum Glob {
    public static func matches(pattern: String, name: String) -> Bool {
        let p = Array(pattern.unicodeScalars), n = Array(name.unicodeScalars)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count, p[pi] == "?" || p[pi] == n[ni] { pi += 1; ni += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = ni; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ni = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
