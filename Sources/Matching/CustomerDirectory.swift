import Core
import Receivables

/// Finds the customer behind a payer: by ACH company id, by name or alias, or by a name found in statement text.
public struct CustomerDirectory: Sendable {
    private var byCompanyID: [String: String] = [:]
    private var byName: [String: [String]] = [:]
    private var namesForText: [(name: String, customerID: String)] = []
    public let customers: [String: Customer]

    public init(_ customers: [Customer]) {
        self.customers = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for c in customers.sorted(by: { $0.id < $1.id }) {
            for id in c.achCompanyIDs {
                byCompanyID[CustomerDirectory.companyKey(id)] = c.id
            }
            for name in [c.name] + c.aliases {
                let key = CustomerDirectory.nameKey(name)
                guard !key.isEmpty else { continue }
                if !(byName[key]?.contains(c.id) ?? false) { byName[key, default: []].append(c.id) }
                if key.count >= 4 { namesForText.append((key, c.id)) }
            }
        }
        namesForText.sort { ($0.name.count, $0.name) > ($1.name.count, $1.name) }
    }

    /// Company ids compare by their digits when they have any (`1234567890` and `1 234567890`), else as written.
    static func companyKey(_ id: String) -> String {
        let trimmed = ByteScanning.trimmed(id).uppercased()
        let digits = trimmed.filter(\.isNumber)
        return digits.count >= 6 ? digits : trimmed
    }

    private static let legalSuffixes: Set<String> = ["INC", "LLC", "LTD", "CORP", "CORPORATION", "CO", "COMPANY", "LP", "LLP", "PLC", "GMBH", "SA", "AG", "THE"]

    /// Uppercase letters and digits, legal-form words dropped: `Acme Tools, Inc.` → `ACMETOOLS`.
    static func nameKey(_ name: String) -> String {
        let words = name.uppercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        let kept = words.filter { !legalSuffixes.contains($0) }
        return (kept.isEmpty ? words : kept).joined()
    }

    public enum Evidence: Sendable, Equatable {
        case companyID(String), name(String), textMention(String)
        public var description: String {
            switch self {
            case let .companyID(id): return "ACH company id \(id)"
            case let .name(n): return "payer name '\(n)'"
            case let .textMention(n): return "name '\(n)' in the statement text"
            }
        }
    }

    /// The customer, and how it was found; nil when nothing identifies exactly one customer.
    public func identify(companyID: String, name: String, text: String) -> (customerID: String, evidence: Evidence)? {
        if !companyID.isEmpty, let id = byCompanyID[CustomerDirectory.companyKey(companyID)] {
            return (id, .companyID(companyID))
        }
        let key = CustomerDirectory.nameKey(name)
        if !key.isEmpty, let ids = byName[key], ids.count == 1 {
            return (ids[0], .name(name))
        }
        let textKey = CustomerDirectory.nameKey(text)
        if !textKey.isEmpty {
            var found: Set<String> = []
            var firstName = ""
            for entry in namesForText where textKey.contains(entry.name) {
                if found.isEmpty { firstName = entry.name }
                found.insert(entry.customerID)
            }
            if found.count == 1 { return (found.first!, .textMention(firstName)) }
        }
        return nil
    }
}
