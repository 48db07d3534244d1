import Accounting
import Core
import Foundation
import Matching

/// Reads a job manifest's JSON object (CONTRACT: the manifest) one section at a time, each into its typed value, with
/// paths resolved against the manifest's folder. A problem names the manifest and the key it is about (exit code 2).
struct ManifestReader {
    let path: String
    let root: [String: Any]
    /// The manifest's folder: relative paths in it are relative to this.
    let base: String

    init(_ root: [String: Any], path: String) {
        self.path = path
        self.root = root
        self.base = URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    func fail(_ key: String, _ message: String) -> ManifestError { ManifestError("\(path): \"\(key)\": \(message)") }

    /// Refuses a key of `object` that is not among `known`; `section` ("matching", "sources[0]") qualifies its name.
    func rejectUnknownKeys(of object: [String: Any], known: Set<String>, in section: String? = nil) throws(ManifestError) {
        for key in object.keys.sorted() where !known.contains(key) {
            throw fail(section.map { "\($0).\(key)" } ?? key, "unknown key (expected one of: \(known.sorted().joined(separator: ", ")))")
        }
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

    /// A string that must be there and not be empty.
    func requiredString(_ key: String, in object: [String: Any], at qualified: String) throws(ManifestError) -> String {
        try string(key, in: object, at: qualified, required: true) ?? ""
    }

    func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : URL(fileURLWithPath: base).appendingPathComponent(p).standardized.path }

    func existingFile(_ key: String) throws(ManifestError) -> String {
        let p = resolve(try requiredString(key, in: root, at: key))
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

    /// `version`: 1, the only one this program reads.
    func version() throws(ManifestError) -> Int {
        guard let rawVersion = root["version"], !Manifest.isBoolean(rawVersion), let version = rawVersion as? Int else {
            throw fail("version", root["version"] == nil ? "is required (1)" : "must be the number 1")
        }
        guard version == 1 else { throw fail("version", "unsupported version \(version); this program reads version 1") }
        return version
    }

    /// `currency`: the job's ISO 4217 currency, USD when not given.
    func currency() throws(ManifestError) -> Currency {
        let currencyCode = try string("currency", in: root, at: "currency", required: false) ?? "USD"
        guard let currency = Currency.iso(currencyCode) else { throw fail("currency", "'\(currencyCode)' is not an ISO 4217 code") }
        return currency
    }

    /// `validation`: whether sources are strict unless they say otherwise ("strict", the default, or "lenient").
    func strictByDefault() throws(ManifestError) -> Bool {
        guard let validation = try string("validation", in: root, at: "validation", required: false) else { return true }
        guard validation == "strict" || validation == "lenient" else { throw fail("validation", "must be \"strict\" or \"lenient\"") }
        return validation == "strict"
    }

    /// `sources`: the inputs of a day, in the manifest's order.
    func sources(strictByDefault: Bool) throws(ManifestError) -> [Manifest.Source] {
        guard let rawSources = root["sources"] else { throw fail("sources", "is required: a list of inputs") }
        guard let sourceList = rawSources as? [Any] else { throw fail("sources", "must be a list") }
        var sources: [Manifest.Source] = []
        for (i, raw) in sourceList.enumerated() {
            sources.append(try source(raw, key: "sources[\(i)]", strictByDefault: strictByDefault))
        }
        return sources
    }

    /// One entry of `sources`, `key` its place in the list.
    func source(_ raw: Any, key: String, strictByDefault: Bool) throws(ManifestError) -> Manifest.Source {
        guard let object = raw as? [String: Any] else { throw fail(key, "must be an object") }
        try rejectUnknownKeys(of: object, known: Manifest.sourceKeys, in: key)
        let formatText = try requiredString("format", in: object, at: "\(key).format")
        guard let format = SourceFormat(rawValue: formatText) else {
            throw fail("\(key).format", "unknown format '\(formatText)' (expected one of: \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let pattern = try requiredString("path", in: object, at: "\(key).path")
        try Manifest.validateGlob(pattern, key: "\(key).path", fail: fail)
        let roleText = try string("role", in: object, at: "\(key).role", required: false) ?? "received"
        guard let role = Manifest.Source.Role(rawValue: roleText) else { throw fail("\(key).role", "must be \"received\" or \"originated\"") }
        if object["role"] != nil, format != .nacha { throw fail("\(key).role", "applies to nacha sources only") }
        var profile: String?
        if let p = try string("profile", in: object, at: "\(key).profile", required: false) {
            let resolved = resolve(p)
            guard FileManager.default.fileExists(atPath: resolved) else { throw fail("\(key).profile", "no such file: \(resolved)") }
            profile = resolved
        }
        if format == .csv, profile == nil { throw fail("\(key).profile", "is required for csv sources: the bank profile that maps its columns") }
        let account = try string("account", in: object, at: "\(key).account", required: false)
        var strict = strictByDefault
        if let s = object["strict"] {
            guard Manifest.isBoolean(s), let b = s as? Bool else { throw fail("\(key).strict", "must be true or false") }
            strict = b
        }
        return Manifest.Source(format: format, path: resolve(pattern), role: role, profile: profile, account: account, strict: strict, key: key)
    }

    /// `matching`: the matching policy, MatchingPolicy's defaults for what the manifest leaves out.
    func matchingPolicy(currency: Currency) throws(ManifestError) -> MatchingPolicy {
        let defaults = MatchingPolicy(tolerance: Money.zero(currency))
        var tolerance = defaults.tolerance
        var ambiguous = defaults.ambiguous
        var combinationLimit = defaults.combinationInvoiceLimit
        var shortPayPercent = defaults.shortPayPercent
        var crossCustomer = defaults.crossCustomer
        if let rawMatching = root["matching"] {
            guard let matching = rawMatching as? [String: Any] else { throw fail("matching", "must be an object") }
            try rejectUnknownKeys(of: matching, known: Manifest.matchingKeys, in: "matching")
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
        return MatchingPolicy(tolerance: tolerance, ambiguous: ambiguous, combinationInvoiceLimit: combinationLimit,
                              shortPayPercent: shortPayPercent, crossCustomer: crossCustomer)
    }

    /// `accounts`: the chart of accounts as the manifest renames or extends it, by code.
    func accounts() throws(ManifestError) -> [(code: String, name: String, type: String)] {
        var accounts: [(code: String, name: String, type: String)] = []
        guard let raw = root["accounts"] else { return accounts }
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
        return accounts
    }

    /// `review.write_off_limit`: the write-off a reviewer may book alone, 100.00 when not given.
    func writeOffLimit(currency: Currency) throws(ManifestError) -> Money {
        var writeOffLimit = Money(minorUnits: 100 * Int64(Self.pow10(currency.exponent)), currency: currency)
        guard let rawReview = root["review"] else { return writeOffLimit }
        guard let review = rawReview as? [String: Any] else { throw fail("review", "must be an object") }
        try rejectUnknownKeys(of: review, known: Manifest.reviewKeys, in: "review")
        if let t = try string("write_off_limit", in: review, at: "review.write_off_limit", required: false) {
            do { writeOffLimit = try Money.parse(t, currency: currency) } catch { throw fail("review.write_off_limit", error.description) }
            if writeOffLimit.isNegative { throw fail("review.write_off_limit", "must not be negative") }
        }
        return writeOffLimit
    }

    /// `review.post_to`: ledger codes a reviewer's `--post-to` may use (checked again when a decision names one: bank,
    /// clearing, receivables and unapplied cash never).
    func reviewPostTo() throws(ManifestError) -> [String] {
        guard let review = root["review"] as? [String: Any], let raw = review["post_to"] else { return [] }
        guard let codes = raw as? [String], codes.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw fail("review.post_to", "must be a list of ledger account codes")
        }
        return codes
    }

    /// `timezone`: the IANA zone whose "yesterday" is the default day, UTC when not given.
    func timeZone() throws(ManifestError) -> TimeZone {
        guard let name = try string("timezone", in: root, at: "timezone", required: false) else { return TimeZone(identifier: "UTC") ?? TimeZone.current }
        guard let zone = TimeZone(identifier: name) else { throw fail("timezone", "'\(name)' is not an IANA time zone name (such as America/Chicago)") }
        return zone
    }

    /// `statements.placeholder_references`, upper-case and trimmed.
    func placeholderReferences() throws(ManifestError) -> Set<String> {
        guard let raw = root["statements"] else { return [] }
        guard let object = raw as? [String: Any] else { throw fail("statements", "must be an object") }
        try rejectUnknownKeys(of: object, known: Manifest.statementsKeys, in: "statements")
        guard let list = object["placeholder_references"] else { return [] }
        guard let texts = list as? [String] else { throw fail("statements.placeholder_references", "must be a list of strings") }
        return Set(texts.map { $0.trimmingCharacters(in: .whitespaces).uppercased() })
    }

    /// `bank_accounts`: the entity's bank accounts in the manifest's order, none listed twice and no ledger code used twice.
    func bankAccounts(currency: Currency) throws(ManifestError) -> [Manifest.BankAccountEntry] {
        var bankAccounts: [Manifest.BankAccountEntry] = []
        guard let raw = root["bank_accounts"] else { return bankAccounts }
        guard let list = raw as? [Any] else { throw fail("bank_accounts", "must be a list of accounts") }
        var seenIdentities = Set<String>()
        var seenCodes = Set<String>()
        for (i, item) in list.enumerated() {
            bankAccounts.append(try bankAccount(item, key: "bank_accounts[\(i)]", currency: currency, seenIdentities: &seenIdentities, seenCodes: &seenCodes))
        }
        return bankAccounts
    }

    /// One entry of `bank_accounts`, `key` its place in the list; `seenIdentities` and `seenCodes` are those of the
    /// entries before it.
    func bankAccount(_ item: Any, key: String, currency: Currency, seenIdentities: inout Set<String>,
                     seenCodes: inout Set<String>) throws(ManifestError) -> Manifest.BankAccountEntry {
        guard let object = item as? [String: Any] else { throw fail(key, "must be an object") }
        try rejectUnknownKeys(of: object, known: Manifest.bankAccountKeys, in: key)
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
        guard let expected = Manifest.BankAccountEntry.Statements(rawValue: statementsText) else {
            throw fail("\(key).statements", "must be \"daily\", \"on-activity\" or \"none\"")
        }
        var closedOn: Day?
        if let raw = object["closed_on"], !(raw is NSNull) {
            guard let text = raw as? String, let d = Day.parse(text, format: .iso) else { throw fail("\(key).closed_on", "must be a YYYY-MM-DD date or null") }
            closedOn = d
        }
        let name = try string("name", in: object, at: "\(key).name", required: false) ?? ""
        return Manifest.BankAccountEntry(bank: bank, account: number, currency: accountCurrency, code: ledgerCode, name: name, aliases: aliases,
                                         statements: expected, closedOn: closedOn)
    }

    /// `date`, or `from` and `to`: the days a run covers when the command line names none.
    func days() throws(ManifestError) -> (date: Day?, from: Day?, to: Day?) {
        let date = try day("date")
        let from = try day("from")
        let to = try day("to")
        if (from == nil) != (to == nil) { throw fail(from == nil ? "to" : "from", "\"from\" and \"to\" go together") }
        if let from, let to, from > to { throw fail("from", "is after \"to\"") }
        if date != nil, from != nil { throw fail("date", "give either \"date\" or \"from\"/\"to\", not both") }
        return (date, from, to)
    }

    private static func pow10(_ n: Int) -> Int {
        var v = 1
        for _ in 0..<max(0, n) { v *= 10 }
        return v
    }
}
