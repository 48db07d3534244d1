import ACH
import Core
import Foundation
import Receivables

/// A customer's authorization to pull payment by ACH debit (CONTRACT: `mandates.csv`).
public struct Mandate: Hashable, Sendable {
    public enum SEC: String, Sendable, CaseIterable { case ccd = "CCD", ppd = "PPD" }
    public enum AccountType: String, Sendable, CaseIterable {
        case checking, savings
        /// The debit's transaction code (27 checking, 37 savings), or its prenote's (28, 38).
        public func transactionCode(prenote: Bool) -> Int {
            switch self {
            case .checking: return prenote ? 28 : 27
            case .savings: return prenote ? 38 : 37
            }
        }
    }

    /// When an invoice is pulled.
    public enum Pull: Hashable, Sendable, CustomStringConvertible {
        /// On the due date.
        case due
        /// N business days before the due date.
        case businessDaysBeforeDue(Int)
        /// On the last day of the early-payment discount, for the discounted amount (on the due date, in full, for an
        /// invoice without a discount).
        case discount

        public static func parse(_ text: String) -> Pull? {
            switch text.lowercased() {
            case "due": return .due
            case "discount": return .discount
            default:
                guard text.lowercased().hasPrefix("due-"), let n = Int(text.dropFirst(4)), n >= 0, n <= 60 else { return nil }
                return n == 0 ? .due : .businessDaysBeforeDue(n)
            }
        }

        public var description: String {
            switch self {
            case .due: return "due"
            case let .businessDaysBeforeDue(n): return "due-\(n)"
            case .discount: return "discount"
            }
        }
    }

    public var mandateID: String
    public var customerID: String
    public var sec: SEC
    /// Nine digits, check digit included.
    public var routing: String
    /// The account number as the customer gave it (only ever held in memory; the ledger keeps it sealed).
    public var account: String
    public var accountType: AccountType
    public var authorizedOn: Day
    public var revokedOn: Day?
    /// The most one entry may pull; nil: no limit.
    public var maxAmount: Money?
    public var pull: Pull
    /// Where the row was read (for messages).
    public var location: SourceLocation

    public init(mandateID: String, customerID: String, sec: SEC, routing: String, account: String, accountType: AccountType, authorizedOn: Day,
                revokedOn: Day? = nil, maxAmount: Money? = nil, pull: Pull, location: SourceLocation = SourceLocation(file: "", line: 0)) {
        self.mandateID = mandateID
        self.customerID = customerID
        self.sec = sec
        self.routing = routing
        self.account = account
        self.accountType = accountType
        self.authorizedOn = authorizedOn
        self.revokedOn = revokedOn
        self.maxAmount = maxAmount
        self.pull = pull
        self.location = location
    }

    /// Whether the mandate authorizes a debit effective on `day`.
    public func authorizes(on day: Day) -> Bool {
        authorizedOn <= day && (revokedOn.map { day < $0 } ?? true)
    }

    /// The account's last four characters, for display.
    public var accountLastFour: String { String(account.suffix(4)) }
}

/// Reads `mandates.csv` (CONTRACT: mode 0600; every problem named by file, line and field).
public enum MandatesFile {
    public static let columns = ["mandate_id", "customer_id", "sec", "routing", "account", "account_type", "authorized_on", "revoked_on", "max_amount", "pull"]

    /// Reads the file at `path`: refused when its mode lets anyone but its owner read or write it.
    public static func load(path: String, currency: Currency) throws(MasterDataError) -> [Mandate] {
        var status = stat()
        guard stat(path, &status) == 0, let data = FileManager.default.contents(atPath: path) else {
            throw MasterDataError(diagnostics: [Diagnostic(code: "input.read", severity: .fatal, location: SourceLocation(file: path, line: 0),
                                                           message: "cannot read the mandates file (no such file, or not readable)")])
        }
        guard status.st_mode & 0o077 == 0 else {
            throw MasterDataError(diagnostics: [Diagnostic(code: "mandates.mode", severity: .fatal, location: SourceLocation(file: path, line: 0),
                                                           message: "the mandates file is mode \(String(status.st_mode & 0o777, radix: 8)); it holds account numbers and must be readable by its owner only (chmod 600 \(path))")])
        }
        return try parse(bytes: [UInt8](data), path: path, currency: currency)
    }

    public static func parse(bytes: [UInt8], path: String, currency: Currency) throws(MasterDataError) -> [Mandate] {
        var out: [Mandate] = []
        var problems: [Diagnostic] = []
        var seen: [String: Int] = [:]
        try MasterDataLoader.forEachRecord(bytes: bytes, path: path, required: columns) { positions, record in
            let line = record.line
            func value(_ name: String) -> String { positions[name].map { $0 < record.count ? record.trimmed($0) : "" } ?? "" }
            var ok = true
            func problem(_ field: String, _ message: String) {
                ok = false
                problems.append(Diagnostic(code: "mandates.field", severity: .error, location: SourceLocation(file: path, line: line, column: (positions[field] ?? 0) + 1),
                                           field: field, message: message))
            }
            let id = value("mandate_id")
            if id.isEmpty { problem("mandate_id", "is empty") }
            if let first = seen[id], !id.isEmpty { problem("mandate_id", "'\(id)' appears twice (first on line \(first))") }
            seen[id] = seen[id] ?? line
            let customer = value("customer_id")
            if customer.isEmpty { problem("customer_id", "is empty") }
            let sec = Mandate.SEC(rawValue: value("sec").uppercased())
            if sec == nil { problem("sec", "'\(value("sec"))' is not CCD or PPD") }
            let routing = value("routing")
            let digits = Array(routing.utf8)
            if digits.count != 9 || !digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                problem("routing", "'\(routing)' is not a nine-digit routing number")
            } else if let check = RoutingNumber.checkDigit(forFirstEight: digits[0..<8]), check != digits[8] - 0x30 {
                problem("routing", "'\(routing)' fails the routing number's check digit (expected \(check) last)")
            }
            // Spaces and dashes people write in account numbers go.
            var account = value("account")
            if account.utf8.contains(where: { $0 == 0x20 || $0 == 0x2D }) {
                account = String(decoding: account.utf8.filter { $0 != 0x20 && $0 != 0x2D }, as: UTF8.self)
            }
            if account.isEmpty || account.utf8.count > 17 || !account.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }) {
                problem("account", "is not an account number (1 to 17 digits or capital letters)")
            }
            let type = Mandate.AccountType(rawValue: value("account_type").lowercased())
            if type == nil { problem("account_type", "'\(value("account_type"))' is not checking or savings") }
            let authorized = Day.parse(value("authorized_on"), format: .iso)
            if authorized == nil { problem("authorized_on", "'\(value("authorized_on"))' is not a YYYY-MM-DD date") }
            var revoked: Day?
            if !value("revoked_on").isEmpty {
                revoked = Day.parse(value("revoked_on"), format: .iso)
                if revoked == nil { problem("revoked_on", "'\(value("revoked_on"))' is not a YYYY-MM-DD date") }
            }
            var maximum: Money?
            if !value("max_amount").isEmpty {
                do {
                    let m = try Money.parse(value("max_amount"), currency: currency)
                    if m.minorUnits <= 0 { problem("max_amount", "must be more than zero") } else { maximum = m }
                } catch { problem("max_amount", "\(error)") }
            }
            let pull = Mandate.Pull.parse(value("pull"))
            if pull == nil { problem("pull", "'\(value("pull"))' is not due, due-N (N business days before the due date) or discount") }
            guard ok, let sec, let type, let authorized, let pull else { return }
            out.append(Mandate(mandateID: id, customerID: customer, sec: sec, routing: routing, account: account, accountType: type, authorizedOn: authorized,
                               revokedOn: revoked, maxAmount: maximum, pull: pull, location: SourceLocation(file: path, line: line)))
        }
        if !problems.isEmpty { throw MasterDataError(diagnostics: problems) }
        return out
    }
}
