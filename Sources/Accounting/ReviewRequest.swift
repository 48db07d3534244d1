import Core
import Matching

/// A decision as a reviewer gives it (`settle exceptions resolve`, or a row of `import`), before it is checked.
/// What the job's manifest says of reviewers' decisions: the write-off limit, and whose invoices one customer's cash
/// may go to (as cash application: `matching.cross_customer`, and customers' `parent_id`).
public struct ReviewPolicy: Sendable {
    /// `review.write_off_limit`; nil when no manifest gives one (then 100.00 in the currency written off).
    public var writeOffLimit: Money?
    public var crossCustomer: MatchingPolicy.CrossCustomerPolicy
    /// Each customer's parent (`parent_id` in the customers file).
    public var parentOf: [String: String]

    public init(writeOffLimit: Money? = nil, crossCustomer: MatchingPolicy.CrossCustomerPolicy = .exception, parentOf: [String: String] = [:]) {
        self.writeOffLimit = writeOffLimit
        self.crossCustomer = crossCustomer
        self.parentOf = parentOf
    }
}

public struct ReviewRequest: Sendable {
    public var exceptionID: String
    public var kind: ReviewDecisionKind
    /// `--apply INVOICE=AMOUNT`, as typed.
    public var applications: [(invoiceID: String, amount: String)]
    public var note: String
    public var by: String
    public var approvedBy: String

    public init(exceptionID: String, kind: ReviewDecisionKind, applications: [(invoiceID: String, amount: String)] = [], note: String, by: String,
                approvedBy: String = "") {
        self.exceptionID = exceptionID
        self.kind = kind
        self.applications = applications
        self.note = note
        self.by = by
        self.approvedBy = approvedBy
    }
}

/// What a reviewer's decision is checked against, read from the books for it (`Review.facts`).
public struct ReviewFacts: Sendable {
    /// The exception decided.
    public var exception: ExceptionRow
    /// The receipt's cash still unapplied (asked for `--apply` only).
    public var unapplied: Int64
    /// The invoices the decision and the exception name, by id (an id not in the ledger is absent).
    public var invoices: [String: LedgerInvoice]
    /// The exception's customer's invoice ids, when the decision names an invoice the ledger does not have.
    public var customerInvoiceIDs: [String]

    public init(exception: ExceptionRow, unapplied: Int64 = 0, invoices: [String: LedgerInvoice] = [:], customerInvoiceIDs: [String] = []) {
        self.exception = exception
        self.unapplied = unapplied
        self.invoices = invoices
        self.customerInvoiceIDs = customerInvoiceIDs
    }
}
