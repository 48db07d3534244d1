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
    /// `review.post_to`: the accounts `--post-to` may use.
    public var postTo: [String]
    /// The bank accounts' cash codes the manifest gives (never a `--post-to` account).
    public var cashCodes: Set<String>

    public init(writeOffLimit: Money? = nil, crossCustomer: MatchingPolicy.CrossCustomerPolicy = .exception, parentOf: [String: String] = [:],
                postTo: [String] = [], cashCodes: Set<String> = []) {
        self.writeOffLimit = writeOffLimit
        self.crossCustomer = crossCustomer
        self.parentOf = parentOf
        self.postTo = postTo
        self.cashCodes = cashCodes
    }

    /// Why an account can never take a `--post-to` (nil: it may, if listed): bank, clearing, receivables and unapplied
    /// cash hold money the run itself keeps track of.
    public func forbidden(_ code: String) -> String? {
        if code.hasPrefix("1000-") || cashCodes.contains(code) { return "a bank account's cash" }
        switch code {
        case ChartOfAccounts.achClearing: return "ACH in transit (clearing)"
        case ChartOfAccounts.accountsReceivable: return "receivables"
        case ChartOfAccounts.unappliedCash: return "unapplied cash"
        case ChartOfAccounts.suspense: return "suspense, where the money waits"
        default: return nil
        }
    }
}

public struct ReviewRequest: Sendable {
    public var exceptionID: String
    public var kind: ReviewDecisionKind
    /// `--apply INVOICE=AMOUNT`, as typed.
    public var applications: [(invoiceID: String, amount: String)]
    /// `--post-to CODE`.
    public var postTo = ""
    /// `--settled-by RECEIPT_ID`: the statement line that settled an unsettled batch.
    public var settledBy = ""
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
    /// `--settled-by`: the statement line named, as the ledger holds it (nil: no receipt of that id).
    public var line: StatementLineFacts?
    /// `--reverse`: the application rows of the batch's receipts as they stand (every day's).
    public var batchRows: [ApplicationRow] = []
    /// `--apply`, `--refund` of a receipt an ACH batch brought: the batch's `UNSETTLED_BATCH` exception while the batch
    /// has not reached the bank.
    public var unsettledBatch: String?
    /// `--apply`, `--refund` of a statement line another exception's `--settled-by` names: that exception.
    public var settlesBatch: String?

    public init(exception: ExceptionRow, unapplied: Int64 = 0, invoices: [String: LedgerInvoice] = [:], customerInvoiceIDs: [String] = []) {
        self.exception = exception
        self.unapplied = unapplied
        self.invoices = invoices
        self.customerInvoiceIDs = customerInvoiceIDs
    }
}
