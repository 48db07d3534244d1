import Core
import Receivables

/// Where a receipt came from, as the remittance report names it.
public enum ReceiptSource: String, Sendable, Codable {
    case nacha, bai2, camt053, csv
}

/// Money that arrived (or was reversed): an ACH entry, or a statement line that no ACH batch explains.
public struct Receipt: Sendable, Hashable {
    public var id: String
    public var source: ReceiptSource
    /// NACHA: the trace number; BAI2: the bank reference; camt: AcctSvcrRef else EndToEndId; CSV: reference else file:line.
    public var sourceRef: String
    /// The ledger key its journal entry is posted under.
    public var sourceKey: String
    public var valueDay: Day
    public var amount: Money
    /// The bank account the cash arrived in.
    public var bankAccount: String
    /// Who paid, as the input names them: ACH company name, statement counterparty or text.
    public var payerName: String
    /// ACH Company Identification of the originator, when the receipt is an ACH credit.
    public var payerCompanyID: String
    public var remittance: [RemittanceItem]
    /// Remittance or description text that is not structured (free-form `INV 10023, 10024`).
    public var freeText: String
    public var location: SourceLocation

    public init(id: String, source: ReceiptSource, sourceRef: String, sourceKey: String, valueDay: Day, amount: Money, bankAccount: String,
                payerName: String = "", payerCompanyID: String = "", remittance: [RemittanceItem] = [], freeText: String = "", location: SourceLocation) {
        self.id = id
        self.source = source
        self.sourceRef = sourceRef
        self.sourceKey = sourceKey
        self.valueDay = valueDay
        self.amount = amount
        self.bankAccount = bankAccount
        self.payerName = payerName
        self.payerCompanyID = payerCompanyID
        self.remittance = remittance
        self.freeText = freeText
        self.location = location
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
}

/// The rule that decided a receipt.
public enum MatchRule: String, Sendable, Codable {
    case remittance
    case exactAmount = "exact-amount"
    case discountAmount = "discount-amount"
    case combination
    case tolerance
    case oldestFirst = "oldest-first"
    case unapplied
    case reviewer
}

/// What cash application decided for one receipt: applications, the cash left unapplied, the rule, the evidence.
public struct Decision: Sendable, Hashable {
    public var receipt: Receipt
    public var customerID: String?
    public var applications: [Application]
    /// Cash kept as unapplied cash (on the customer when known).
    public var unapplied: Money
    public var rule: MatchRule
    /// 0-100: how sure the rule is.
    public var confidence: Int
    public var evidence: String

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
        id = ContentID.make(prefix: "X", type.rawValue, key, discriminator)
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
}

/// Policy from the manifest's `matching` section.
public struct MatchingPolicy: Sendable, Equatable {
    public enum AmbiguityPolicy: String, Sendable { case exception, oldest }
    /// A difference up to this much is written off.
    public var tolerance: Money
    public var ambiguous: AmbiguityPolicy
    /// At most this many open invoices of one customer are tried in combinations.
    public var combinationInvoiceLimit: Int

    public init(tolerance: Money, ambiguous: AmbiguityPolicy = .exception, combinationInvoiceLimit: Int = 18) {
        self.tolerance = tolerance
        self.ambiguous = ambiguous
        self.combinationInvoiceLimit = combinationInvoiceLimit
    }
}
