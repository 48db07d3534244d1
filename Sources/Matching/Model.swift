import Core
import Receivables

/// Where a receipt came from, as the remittance report names it.
public enum ReceiptSource: String, Sendable, Codable {
    case nacha, bai2, camt053, csv
}

/// Money that arrived (or was reversed): an ACH entry, or a statement line that no ACH batch explains.
///
/// A value whose fields live in one immutable box (`Storage`, private to this type: see it for what it saves).
public struct Receipt: Sendable, Hashable {
    /// The ledger key a receipt is posted under: an ACH entry's own key, kept as its parts, or a text.
    public enum Key: Sendable, Hashable {
        case ach(ACHEntryKey)
        case text(String)

        public var text: String {
            switch self {
            case let .ach(key): return key.text
            case let .text(text): return text
            }
        }
    }

    /// The packed receipt box: a receipt's fields in one immutable object, the one place this memory trick lives.
    ///
    /// Why a box: a decision, an exception and a report row each hold their receipt, and a million receipts a night are
    /// copied as one reference each, not a dozen fields with their strings (d2e9f32, with the other changes of that
    /// commit: cash application of a million receipts 6.1 → 3.1 s).
    ///
    /// Why packed: the common receipt (an ACH entry under its own key, its id a content id) keeps its id as the 64 bits
    /// of its 16 hex digits and its reference as its key's trace number; any other keeps them as text in the box's
    /// subclass `Spelled`, with what only statement lines have (a booking day other than the value day, the bank).
    /// A receipt is 192 bytes so, not 240 and an id string besides (cd62b28, with the settlement's item-to-line map let
    /// go: peak RSS of a day of a million receipts 1.57-1.60 → 1.47-1.55 GB).
    ///
    /// `@unchecked Sendable`: a class with a subclass cannot be checked `Sendable`; every stored property of both is a
    /// `let` of a `Sendable` type, so the box never changes once made.
    private class Storage: @unchecked Sendable {
        let idBits: UInt64
        let source: ReceiptSource
        /// The box is a `Spelled` one, with the id and reference as text.
        let spelled: Bool
        let valueDay: Day
        let key: Key
        let amount: Money
        let bankAccount: String
        let payerName: String
        let payerCompanyID: String
        let remittance: [RemittanceItem]
        let freeText: String
        let location: SourceLocation

        init(idBits: UInt64, spelled: Bool, source: ReceiptSource, key: Key, valueDay: Day, amount: Money, bankAccount: String,
             payerName: String, payerCompanyID: String, remittance: [RemittanceItem], freeText: String, location: SourceLocation) {
            self.idBits = idBits
            self.spelled = spelled
            self.source = source
            self.key = key
            self.valueDay = valueDay
            self.amount = amount
            self.bankAccount = bankAccount
            self.payerName = payerName
            self.payerCompanyID = payerCompanyID
            self.remittance = remittance
            self.freeText = freeText
            self.location = location
        }

        /// A box for the fields given (spelled only when the compact form would not give them back). `bookingDay`: only
        /// where it is not the value day.
        static func make(id: String, source: ReceiptSource, sourceRef: String, key: Key, valueDay: Day, bookingDay: Day? = nil, amount: Money,
                         bankAccount: String, bank: String = "", payerName: String, payerCompanyID: String, remittance: [RemittanceItem],
                         freeText: String, location: SourceLocation) -> Storage {
            if bookingDay == nil, bank.isEmpty, let bits = packedID(id), case let .ach(entry) = key, entry.trace == sourceRef {
                return Storage(idBits: bits, spelled: false, source: source, key: key, valueDay: valueDay, amount: amount, bankAccount: bankAccount,
                               payerName: payerName, payerCompanyID: payerCompanyID, remittance: remittance, freeText: freeText, location: location)
            }
            return Spelled(id: id, sourceRef: sourceRef, source: source, key: key, valueDay: valueDay, bookingDay: bookingDay, amount: amount,
                           bankAccount: bankAccount, bank: bank, payerName: payerName, payerCompanyID: payerCompanyID, remittance: remittance,
                           freeText: freeText, location: location)
        }

        /// The 64 bits of `R` followed by exactly 16 lowercase hex digits (what `ContentID.make(prefix: "R", …)` gives).
        static func packedID(_ id: String) -> UInt64? {
            let u = id.utf8
            guard u.count == 17, u.first == UInt8(ascii: "R") else { return nil }
            var bits: UInt64 = 0
            for b in u.dropFirst() {
                let digit: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
                default: return nil
                }
                bits = bits << 4 | UInt64(digit)
            }
            return bits
        }

        var id: String {
            if spelled { return unsafeDowncast(self, to: Spelled.self).idText }
            return String(unsafeUninitializedCapacity: 17) { buffer in
                buffer[0] = UInt8(ascii: "R")
                for i in 0..<16 {
                    let digit = UInt8((idBits >> UInt64(60 - 4 * i)) & 0xF)
                    buffer[1 + i] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                }
                return 17
            }
        }

        var sourceRef: String {
            if spelled { return unsafeDowncast(self, to: Spelled.self).sourceRefText }
            if case let .ach(entry) = key { return entry.trace }
            return ""
        }
    }

    /// A receipt whose id or reference the compact form does not give back: kept as text.
    private final class Spelled: Storage, @unchecked Sendable {
        let idText: String
        let sourceRefText: String
        /// A statement line's booking day, where it is not its value day.
        let bookingDay: Day?
        /// The bank that keeps the account a statement line names, where the file says.
        let bank: String

        init(id: String, sourceRef: String, source: ReceiptSource, key: Key, valueDay: Day, bookingDay: Day?, amount: Money, bankAccount: String,
             bank: String, payerName: String, payerCompanyID: String, remittance: [RemittanceItem], freeText: String, location: SourceLocation) {
            idText = id
            sourceRefText = sourceRef
            self.bookingDay = bookingDay
            self.bank = bank
            super.init(idBits: 0, spelled: true, source: source, key: key, valueDay: valueDay, amount: amount, bankAccount: bankAccount,
                       payerName: payerName, payerCompanyID: payerCompanyID, remittance: remittance, freeText: freeText, location: location)
        }
    }

    private let storage: Storage

    public var id: String { storage.id }
    public var source: ReceiptSource { storage.source }
    /// NACHA: the trace number; BAI2: the bank reference; camt: AcctSvcrRef else EndToEndId; CSV: reference else file:line.
    public var sourceRef: String { storage.sourceRef }
    /// The ledger key its journal entry is posted under (made from its parts for an ACH entry's own key).
    public var sourceKey: String { storage.key.text }
    /// The same key, as it is kept.
    public var key: Key { storage.key }
    public var valueDay: Day { storage.valueDay }
    /// The bank of `bankAccount` (routing number or BIC) where the statement names it, else empty.
    public var bank: String { storage.spelled ? unsafeDowncast(storage, to: Spelled.self).bank : "" }
    /// The day the money is on the bank's statement: a statement line's booking day (its cash is booked that day, as the
    /// bank's balance moves), else the value day.
    public var bookingDay: Day {
        storage.spelled ? unsafeDowncast(storage, to: Spelled.self).bookingDay ?? storage.valueDay : storage.valueDay
    }
    public var amount: Money { storage.amount }
    /// The bank account the cash arrived in.
    public var bankAccount: String { storage.bankAccount }
    /// Who paid, as the input names them: ACH company name, statement counterparty or text.
    public var payerName: String { storage.payerName }
    /// ACH Company Identification of the originator, when the receipt is an ACH credit.
    public var payerCompanyID: String { storage.payerCompanyID }
    public var remittance: [RemittanceItem] { storage.remittance }
    /// Remittance or description text that is not structured (free-form `INV 10023, 10024`).
    public var freeText: String { storage.freeText }
    public var location: SourceLocation { storage.location }

    public init(id: String, source: ReceiptSource, sourceRef: String, sourceKey: String, valueDay: Day, bookingDay: Day? = nil, amount: Money, bankAccount: String,
                bank: String = "", payerName: String = "", payerCompanyID: String = "", remittance: [RemittanceItem] = [], freeText: String = "",
                location: SourceLocation) {
        // A text key's box is always spelled: the booking day rides there when it is not the value day.
        storage = Storage.make(id: id, source: source, sourceRef: sourceRef, key: .text(sourceKey), valueDay: valueDay,
                               bookingDay: bookingDay == valueDay ? nil : bookingDay, amount: amount, bankAccount: bankAccount, bank: bank,
                               payerName: payerName, payerCompanyID: payerCompanyID, remittance: remittance, freeText: freeText, location: location)
    }

    public init(id: String, source: ReceiptSource, sourceRef: String, key: Key, valueDay: Day, amount: Money, bankAccount: String,
                payerName: String = "", payerCompanyID: String = "", remittance: [RemittanceItem] = [], freeText: String = "", location: SourceLocation) {
        storage = Storage.make(id: id, source: source, sourceRef: sourceRef, key: key, valueDay: valueDay, amount: amount, bankAccount: bankAccount,
                               payerName: payerName, payerCompanyID: payerCompanyID, remittance: remittance, freeText: freeText, location: location)
    }

    public static func == (a: Receipt, b: Receipt) -> Bool {
        if a.storage === b.storage { return true }
        return a.id == b.id && a.source == b.source && a.sourceRef == b.sourceRef && a.sourceKey == b.sourceKey && a.valueDay == b.valueDay
            && a.amount == b.amount && a.bankAccount == b.bankAccount && a.payerName == b.payerName && a.payerCompanyID == b.payerCompanyID
            && a.remittance == b.remittance && a.freeText == b.freeText && a.location == b.location
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sourceKey)
        hasher.combine(amount)
    }
}

/// Cash applied to one invoice: the cash itself, plus a discount and a write-off that settle the invoice without cash.
public struct Application: Sendable, Hashable {
    public var invoiceID: String
    public var customerID: String
    public var applied: Money
    public var discount: Money
    public var writeOff: Money

    public init(invoiceID: String, customerID: String, applied: Money, discount: Money, writeOff: Money) {
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.applied = applied
        self.discount = discount
        self.writeOff = writeOff
    }

    /// How much the invoice's open amount falls.
    public var settled: Int64 { applied.minorUnits + discount.minorUnits + writeOff.minorUnits }

    /// Cash paid for what was written off of an invoice earlier (a shortfall written off within the tolerance or by a
    /// reviewer): the write-off taken back by the cash (a negative write-off as large as the cash), the invoice's open
    /// amount unmoved.
    public static func recovery(invoiceID: String, customerID: String, amount: Money) -> Application {
        Application(invoiceID: invoiceID, customerID: customerID, applied: amount, discount: .zero(amount.currency),
                    writeOff: Money(minorUnits: 0 &- amount.minorUnits, currency: amount.currency))
    }

    /// Whether the cash recovers an amount written off (`recovery(invoiceID:customerID:amount:)`): the invoice's open
    /// amount does not move, the write-off is taken back.
    public var isRecovery: Bool { writeOff.minorUnits < 0 && settled == 0 }
}

/// The rule that decided a receipt.
public enum MatchRule: String, Sendable, Codable {
    case remittance
    /// The remittance names a purchase order, found by the invoices' `po_number`.
    case purchaseOrder = "po"
    case exactAmount = "exact-amount"
    case discountAmount = "discount-amount"
    case combination
    case splitPayment = "split-payment"
    case tolerance
    case shortPay = "short-pay"
    case overPay = "over-pay"
    case oldestFirst = "oldest-first"
    /// Cash paid for an amount written off earlier: the write-off is reversed, the invoice stays closed.
    case recovery
    case unapplied
    case reviewer
    case returned = "return"
}

/// Why a candidate invoice was not taken.
public enum RejectionReason: Sendable, Hashable {
    case amountDiffers(Int64)
    case equalCandidate
    case discountWindowClosed(Day)
    case otherCustomer(String)
    case alreadySettled
    case notIssuedYet(Day)

    public var description: String {
        switch self {
        case let .amountDiffers(d): return "differs by \(MoneyFormat.plain(d, exponent: 2))"
        case .equalCandidate: return "another invoice fits equally well"
        case let .discountWindowClosed(day): return "discount window closed \(day)"
        case let .otherCustomer(c): return "belongs to customer \(c)"
        case .alreadySettled: return "already settled"
        case let .notIssuedYet(day): return "issued \(day), after the receipt"
        }
    }
}

/// An invoice a rule looked at and did not take, with why.
///
/// The invoice's due day and purchase order are what a reviewer weighs candidates by (the oldest due, the order the
/// payer named); cash application gives them only to the candidates of a receipt that raised an exception, the
/// only ones a person sees.
public struct Candidate: Sendable, Hashable {
    public var invoiceID: String
    public var openMinorUnits: Int64
    public var reason: RejectionReason
    /// The invoice's due day (nil: not looked up, or the invoice is not in the book).
    public var dueDay: Day?
    /// The payer's purchase-order number on the invoice (`po_number`), empty when it has none.
    public var purchaseOrder: String

    public init(invoiceID: String, openMinorUnits: Int64, reason: RejectionReason, dueDay: Day? = nil, purchaseOrder: String = "") {
        self.invoiceID = invoiceID
        self.openMinorUnits = openMinorUnits
        self.reason = reason
        self.dueDay = dueDay
        self.purchaseOrder = purchaseOrder
    }

    /// Days past its due day on `day` (0 when not yet due); nil when the due day is not known.
    public func daysPastDue(on day: Day) -> Int? { dueDay.map { max(0, day.days(since: $0)) } }
}

/// What a decision rests on: how the payer was found, which field matched what, the candidates set aside.
/// Kept as values and rendered to text only when stored or shown, so a million decisions cost no formatting.
public struct Evidence: Sendable, Hashable, CustomStringConvertible {
    /// One thing that matched, kept as values for the common rules and as words for the rest.
    public enum Fact: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
        case openAmountEquals(invoiceID: String)
        case remitted(reference: String, invoiceID: String, note: String?)
        /// A purchase order (`PO 7790`, as its display form) named the invoice by its `po_number`.
        case purchaseOrder(reference: String, invoiceID: String)
        case text(String)

        public init(stringLiteral value: String) { self = .text(value) }
        public init(stringInterpolation: DefaultStringInterpolation) { self = .text(String(stringInterpolation: stringInterpolation)) }

        public var description: String {
            switch self {
            case let .openAmountEquals(id): return "amount equals the open amount of \(id)"
            case let .remitted(reference, id, note): return "remittance \(reference) → \(id)" + (note.map { " (\($0))" } ?? "")
            case let .purchaseOrder(reference, id): return "remittance \(reference) → \(id) by its purchase-order number"
            case let .text(text): return text
            }
        }
    }

    public var customer: CustomerDirectory.Evidence?
    /// Which field matched what, in the words a reviewer reads (`remittance RMR*IV*10023 → INV-10023`); nearly always
    /// one fact, kept without an allocation of its own then (`SmallArray`, Matching's own: outside, `facts`).
    var matched: SmallArray<Fact>
    public var candidates: [Candidate]

    /// Which field matched what, in the order the rules found it.
    public var facts: [Fact] { matched.array }

    public init(customer: CustomerDirectory.Evidence? = nil, matched: [Fact] = [], candidates: [Candidate] = []) {
        self.customer = customer
        self.matched = SmallArray(matched)
        self.candidates = candidates
    }

    public var description: String {
        var parts: [String] = []
        if let customer { parts.append("customer by \(customer.description)") } else { parts.append("no customer identified") }
        parts += matched.map(\.description)
        if !candidates.isEmpty {
            parts.append("candidates set aside: " + candidates.map { "\($0.invoiceID) (open \(MoneyFormat.plain($0.openMinorUnits, exponent: 2)), \($0.reason.description))" }.joined(separator: "; "))
        }
        return parts.joined(separator: "; ")
    }
}

/// What cash application decided for one receipt: applications, the cash left unapplied, the rule, the evidence.
public struct Decision: Sendable, Hashable {
    public var receipt: Receipt
    public var customerID: String?
    /// Nearly always none or one: kept without an allocation of its own then (see `Applications`).
    public var applications: Applications
    /// Cash kept as unapplied cash (on the customer when known).
    public var unapplied: Money
    public var rule: MatchRule
    /// 0-100: how sure the rule is.
    public var confidence: Int
    public var evidence: Evidence

    public init(receipt: Receipt, customerID: String?, applications: [Application], unapplied: Money, rule: MatchRule, confidence: Int, evidence: Evidence) {
        self.init(receipt: receipt, customerID: customerID, applications: Applications(applications), unapplied: unapplied, rule: rule,
                  confidence: confidence, evidence: evidence)
    }

    public init(receipt: Receipt, customerID: String?, applications: Applications, unapplied: Money, rule: MatchRule, confidence: Int,
                evidence: Evidence) {
        self.receipt = receipt
        self.customerID = customerID
        self.applications = applications
        self.unapplied = unapplied
        self.rule = rule
        self.confidence = confidence
        self.evidence = evidence
    }

    public var appliedTotal: Int64 { applications.reduce(0) { $0 + $1.applied.minorUnits } }
}

/// The kinds of exception of CONTRACT.md.
public enum ExceptionType: String, Sendable, Codable, CaseIterable {
    case unmatched = "UNMATCHED"
    case ambiguous = "AMBIGUOUS"
    case shortPay = "SHORT_PAY"
    case overPay = "OVER_PAY"
    case unknownCustomer = "UNKNOWN_CUSTOMER"
    case duplicate = "DUPLICATE"
    case returnEntry = "RETURN"
    case noc = "NOC"
    case unsettledBatch = "UNSETTLED_BATCH"
    case unexplainedBankLine = "UNEXPLAINED_BANK_LINE"
    case invalidInput = "INVALID_INPUT"
    case statementGap = "STATEMENT_GAP"
    case masterDataChanged = "MASTER_DATA_CHANGED"
    /// The books of a bank account and currency differ from the statement's final closing balance on its day.
    case bankDifference = "BANK_DIFFERENCE"
    /// A notification of change for a debit settle originated that it could not apply, six banking days on.
    case nocNotApplied = "NOC_NOT_APPLIED"
    /// A debit return rate of an originating company past 80% of its NACHA limit.
    case returnRate = "RETURN_RATE"
}

/// Something a person must look at, with where it came from and what we suggest.
public struct MatchException: Sendable, Hashable {
    public var id: String
    public var type: ExceptionType
    public var severity: Severity
    public var receiptID: String
    public var source: String
    public var sourceRef: String
    public var location: SourceLocation?
    public var customerID: String
    public var amount: Money?
    public var invoiceIDs: [String]
    public var message: String
    public var suggestions: String

    /// The id comes from the content (type, what it is about, a discriminator), so reruns give the same id.
    public init(type: ExceptionType, severity: Severity = .warning, about key: String, discriminator: String = "", receiptID: String = "",
                source: String = "", sourceRef: String = "", location: SourceLocation? = nil, customerID: String = "", amount: Money? = nil,
                invoiceIDs: [String] = [], message: String, suggestions: String = "") {
        id = MatchException.id(type: type, about: key, discriminator: discriminator)
        self.type = type
        self.severity = severity
        self.receiptID = receiptID
        self.source = source
        self.sourceRef = sourceRef
        self.location = location
        self.customerID = customerID
        self.amount = amount
        self.invoiceIDs = invoiceIDs
        self.message = message
        self.suggestions = suggestions
    }

    /// The id of the exception of this type about `key` (what the init gives it): to find one raised before.
    public static func id(type: ExceptionType, about key: String, discriminator: String = "") -> String {
        ContentID.make(prefix: "X", type.rawValue, key, discriminator)
    }
}

/// Policy from the manifest's `matching` section.
public struct MatchingPolicy: Sendable, Equatable {
    public enum AmbiguityPolicy: String, Sendable { case exception, oldest }
    public enum CrossCustomerPolicy: String, Sendable { case exception, allow }
    /// A difference up to this much is written off.
    public var tolerance: Money
    public var ambiguous: AmbiguityPolicy
    /// Open invoices of one customer (at most the receipt's amount) up to which combinations are searched
    /// exhaustively; a customer with more is not searched, and the exception says so.
    public var combinationInvoiceLimit: Int
    /// Steps the exhaustive combination search may take; a search cut off is an exception, never a guess.
    public var combinationStepBudget: Int
    /// Without remittance, a payment this many percent short of (or over) exactly one open invoice is applied to it.
    public var shortPayPercent: Int
    public var crossCustomer: CrossCustomerPolicy

    /// The defaults are the policy of a manifest whose `matching` section leaves a key out.
    public init(tolerance: Money, ambiguous: AmbiguityPolicy = .exception, combinationInvoiceLimit: Int = 24,
                combinationStepBudget: Int = 1_000_000, shortPayPercent: Int = 5, crossCustomer: CrossCustomerPolicy = .exception) {
        self.tolerance = tolerance
        self.ambiguous = ambiguous
        self.combinationInvoiceLimit = combinationInvoiceLimit
        self.combinationStepBudget = combinationStepBudget
        self.shortPayPercent = shortPayPercent
        self.crossCustomer = crossCustomer
    }
}
