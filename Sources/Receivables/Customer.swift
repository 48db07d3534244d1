import Core

/// A customer of the seller: who pays, under which names and ACH company ids they appear, and their credit terms.
public struct Customer: Hashable, Sendable {
    public var id: String
    public var name: String
    /// Names the customer appears under on bank statements.
    public var aliases: [String]
    /// The customer's NACHA Company Identification(s) when it originates ACH credits to us.
    public var achCompanyIDs: [String]
    public var creditLimit: Money?
    public var terms: PaymentTerms?

    public init(id: String, name: String, aliases: [String] = [], achCompanyIDs: [String] = [], creditLimit: Money? = nil, terms: PaymentTerms? = nil) {
        self.id = id
        self.name = name
        self.aliases = aliases
        self.achCompanyIDs = achCompanyIDs
        self.creditLimit = creditLimit
        self.terms = terms
    }
}

/// An invoice of the seller: an open item until payments, discounts and write-offs bring it to zero.
public struct Invoice: Hashable, Sendable {
    public var id: String
    public var customerID: String
    public var issueDay: Day
    public var dueDay: Day
    public var amount: Money
    public var openAmount: Money
    public var terms: PaymentTerms?
    public var poNumber: String

    public init(id: String, customerID: String, issueDay: Day, dueDay: Day, amount: Money, openAmount: Money, terms: PaymentTerms? = nil, poNumber: String = "") {
        self.id = id
        self.customerID = customerID
        self.issueDay = issueDay
        self.dueDay = dueDay
        self.amount = amount
        self.openAmount = openAmount
        self.terms = terms
        self.poNumber = poNumber
    }

    /// Days past due on `day` (0 when not yet due).
    public func daysPastDue(on day: Day) -> Int { max(0, day.days(since: dueDay)) }
}

/// Invoice numbers as payers write them (`inv-000123`, `INV 123`, `#123`) compared in one normalized form.
public enum InvoiceNumber {
    private static let prefixes = ["INVOICENUMBER", "INVOICENBR", "INVOICENO", "INVOICE", "INVNBR", "INVNO", "INV", "NUMBER", "NBR", "NO"]

    /// Uppercases, drops spaces, dashes, dots, slashes and `#`, a known prefix (INV, INVOICE, NO) before digits,
    /// and leading zeros of the digits.
    public static func normalize(_ text: String) -> String {
        var kept = String(text.uppercased().unicodeScalars.filter { CharacterSet.isAlphanumeric($0) })
        for prefix in prefixes where kept.hasPrefix(prefix) && kept.count > prefix.count {
            let rest = kept.dropFirst(prefix.count)
            if rest.first?.isNumber == true { kept = String(rest); break }
        }
        if kept.allSatisfy(\.isNumber) {
            let stripped = kept.drop { $0 == "0" }
            return stripped.isEmpty ? "0" : String(stripped)
        }
        // Leading zeros of a trailing digit run: "A-00123" and "A123" compare equal.
        if let firstDigit = kept.firstIndex(where: \.isNumber), kept[firstDigit...].allSatisfy(\.isNumber) {
            let head = kept[..<firstDigit]
            let digits = kept[firstDigit...].drop { $0 == "0" }
            return String(head) + (digits.isEmpty ? "0" : String(digits))
        }
        return kept
    }
}

enum CharacterSet {
    static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        (s >= "0" && s <= "9") || (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") || s.properties.isAlphabetic
    }
}
