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
    /// The customer that may pay this one's invoices (a parent company paying for its subsidiaries).
    public var parentID: String?

    public init(id: String, name: String, aliases: [String] = [], achCompanyIDs: [String] = [], creditLimit: Money? = nil, terms: PaymentTerms? = nil,
                parentID: String? = nil) {
        self.parentID = parentID
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
    /// What kind of open item a row of `invoices.csv` is (its optional `type` column; without it a negative amount is a
    /// credit memo). An open amount keeps its document's sign: an invoice's (or debit memo's) between 0 and its amount,
    /// a credit memo's between its (negative) amount and 0.
    public enum DocumentType: String, Sendable, CaseIterable {
        case invoice
        case creditMemo = "credit_memo"
        case debitMemo = "debit_memo"
    }

    public var id: String
    public var customerID: String
    public var issueDay: Day
    public var dueDay: Day
    public var amount: Money
    public var openAmount: Money
    public var terms: PaymentTerms?
    public var poNumber: String
    public var type: DocumentType

    public init(id: String, customerID: String, issueDay: Day, dueDay: Day, amount: Money, openAmount: Money, terms: PaymentTerms? = nil, poNumber: String = "",
                type: DocumentType? = nil) {
        self.id = id
        self.customerID = customerID
        self.issueDay = issueDay
        self.dueDay = dueDay
        self.amount = amount
        self.openAmount = openAmount
        self.terms = terms
        self.poNumber = poNumber
        self.type = type ?? (amount.minorUnits < 0 ? .creditMemo : .invoice)
    }

    /// A credit memo: an open credit of the customer (its amounts are negative).
    public var isCreditMemo: Bool { type == .creditMemo }

    /// Whether `open` is an open amount this document may have: between 0 and its amount, on its amount's side of 0.
    public func allows(open: Int64) -> Bool {
        amount.minorUnits >= 0 ? (open >= 0 && open <= amount.minorUnits) : (open <= 0 && open >= amount.minorUnits)
    }

    /// Days past due on `day` (0 when not yet due).
    public func daysPastDue(on day: Day) -> Int { max(0, day.days(since: dueDay)) }
}

/// Invoice numbers as payers write them (`inv-000123`, `INV 123`, `#123`) compared in one normalized form.
public enum InvoiceNumber {
    private static let prefixes = ["INVOICENUMBER", "INVOICENBR", "INVOICENO", "INVOICE", "INVNBR", "INVNO", "INV", "NUMBER", "NBR", "NO"]
    private static let prefixBytes: [[UInt8]] = prefixes.map { Array($0.utf8) }

    /// Uppercases, drops spaces, dashes, dots, slashes and `#`, a known prefix (INV, INVOICE, NO) before digits,
    /// and leading zeros of the digits.
    public static func normalize(_ text: String) -> String {
        var utf8 = text.utf8
        if let fast = utf8.withContiguousStorageIfAvailable({ normalizeASCII($0) }) ?? nil { return fast }
        var copy = text
        copy.makeContiguousUTF8()
        utf8 = copy.utf8
        if let fast = utf8.withContiguousStorageIfAvailable({ normalizeASCII($0) }) ?? nil { return fast }
        return normalizeUnicode(text)
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// The first steps of both forms over ASCII bytes: uppercase letters and digits kept, a known prefix before a
    /// digit found; `body` gets the kept bytes, their count and where the number starts. nil when not ASCII.
    private static func withKept<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeMutableBufferPointer<UInt8>, Int, Int) -> T?) -> T? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, bytes.count)) { kept -> T? in
            var count = 0
            for b in bytes {
                if b >= 0x80 { return nil }
                if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { kept[count] = b - 32; count += 1 }
                else if (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || isDigit(b) { kept[count] = b; count += 1 }
            }
            var start = 0
            for prefix in prefixBytes where count > prefix.count && isDigit(kept[prefix.count]) {
                var same = true
                for (k, p) in prefix.enumerated() where kept[k] != p { same = false; break }
                if same { start = prefix.count; break }
            }
            return body(kept, count, start)
        }
    }

    /// The same rules over ASCII bytes, without intermediate Strings: references are normalized once per
    /// invoice and once per remittance line, a million of each a night. nil when the text is not ASCII.
    private static func normalizeASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        withKept(bytes) { kept, count, start in
            // Leading zeros of a trailing digit run: "A-00123" and "A123" compare equal.
            var firstDigit = count
            while firstDigit > start && isDigit(kept[firstDigit - 1]) { firstDigit -= 1 }
            var headHasDigit = false
            for k in start..<firstDigit where isDigit(kept[k]) { headHasDigit = true; break }
            if firstDigit < count && !headHasDigit {
                var z = firstDigit
                while z < count - 1 && kept[z] == UInt8(ascii: "0") { z += 1 }
                // Shift the digits after the zeros down onto the head.
                var out = firstDigit
                for k in z..<count { kept[out] = kept[k]; out += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: kept[start..<out]), as: UTF8.self)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: kept[start..<count]), as: UTF8.self)
        }
    }

    /// The normalized number as an integer, when it is all digits (at most 18): the same key as `normalize`
    /// gives, without making a String. nil for anything else (letters left, not ASCII, too long, empty).
    public static func numericValue(_ text: String) -> UInt64? {
        var utf8 = text.utf8
        if let value = utf8.withContiguousStorageIfAvailable({ numericValueASCII($0) }) { return value }
        var copy = text
        copy.makeContiguousUTF8()
        utf8 = copy.utf8
        return utf8.withContiguousStorageIfAvailable({ numericValueASCII($0) }) ?? nil
    }

    private static func numericValueASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        withKept(bytes) { kept, count, start -> UInt64? in
            guard start < count else { return nil }
            var value: UInt64 = 0
            var digits = 0
            for k in start..<count {
                let b = kept[k]
                guard isDigit(b) else { return nil }
                if digits == 0 && b == UInt8(ascii: "0") { continue }
                digits += 1
                if digits > 18 { return nil }
                value = value * 10 + UInt64(b - UInt8(ascii: "0"))
            }
            return value
        }
    }

    private static func normalizeUnicode(_ text: String) -> String {
        var kept = String(text.uppercased().unicodeScalars.filter { CharacterSet.isAlphanumeric($0) })
        for prefix in prefixes where kept.hasPrefix(prefix) && kept.count > prefix.count {
            let rest = kept.dropFirst(prefix.count)
            if rest.first?.isNumber == true { kept = String(rest); break }
        }
        if kept.allSatisfy(\.isNumber) {
            let stripped = kept.drop { $0 == "0" }
            return stripped.isEmpty ? "0" : String(stripped)
        }
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
