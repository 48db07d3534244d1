import Core

/// What a reviewer decided about an exception, as the ledger keeps it.
public enum ReviewDecisionKind: String, Sendable, CaseIterable {
    case apply, writeOff = "write-off", unapplied, refund, ignore
    /// An unexplained bank line or a bank difference booked to a ledger account (`--post-to CODE`).
    case postTo = "post-to"
    /// An unsettled batch settled by the statement line a reviewer names (`--settled-by RECEIPT_ID`), or reversed out of
    /// ACH in transit (`--reverse`: its entries' applications undone).
    case settledBy = "settled-by", reverse
}

/// Cash applied to one invoice by a reviewer's decision.
public struct ReviewApplication: Sendable, Hashable {
    public var invoiceID: String
    public var amount: Money
    public init(invoiceID: String, amount: Money) {
        self.invoiceID = invoiceID
        self.amount = amount
    }

    /// `INV-1=40.00|INV-2=10.00`: how the ledger and the history keep a decision's applications.
    public static func text(_ list: [ReviewApplication]) -> String {
        list.map { "\($0.invoiceID)=\($0.amount.description)" }.joined(separator: "|")
    }

    public static func parse(_ text: String, currency: Currency) -> [ReviewApplication] {
        text.split(separator: "|").compactMap { part in
            guard let eq = part.lastIndex(of: "=") else { return nil }
            guard let amount = try? Money.parse(part[part.index(after: eq)...], currency: currency) else { return nil }
            return ReviewApplication(invoiceID: String(part[..<eq]), amount: amount)
        }
    }
}

/// One line of an exception's history: a decision, a reopen, an approval, or settle resolving it itself.
public struct ExceptionHistoryRow: Sendable, Hashable {
    public var at: String
    public var action: String
    public var decision: String
    public var applications: String
    public var note: String
    public var by: String
    public var approvedBy: String
    public var runID: Int64?

    public init(at: String, action: String, decision: String, applications: String, note: String, by: String, approvedBy: String, runID: Int64?) {
        self.at = at
        self.action = action
        self.decision = decision
        self.applications = applications
        self.note = note
        self.by = by
        self.approvedBy = approvedBy
        self.runID = runID
    }
}

/// A reviewer's decision the ledger has not booked yet (or must keep booked on a rerun of the day that booked it).
public struct ReviewBooking: Sendable, Hashable {
    public var exceptionID: String
    public var type: String
    public var day: Day
    public var customerID: String
    public var receiptID: String
    /// Empty: reopened, nothing wanted under the key.
    public var decision: String
    public var applications: [ReviewApplication]
    /// The exception's amount (a short payment's short amount, a receipt's unapplied cash).
    public var amount: Money?
    public var invoiceIDs: [String]
    public var seq: Int64
    public var note: String
    /// Who decided (`--by`), and the receipt's source and reference as the exception names them.
    public var decidedBy = ""
    public var source = ""
    public var sourceRef = ""
    /// This decision was booked before (a rerun of the day that booked it books it again, unchecked: the books as they
    /// stand already hold it).
    public var bookedBefore = false

    public init(exceptionID: String, type: String, day: Day, customerID: String, receiptID: String, decision: String, applications: [ReviewApplication],
                amount: Money?, invoiceIDs: [String], seq: Int64, note: String) {
        self.exceptionID = exceptionID
        self.type = type
        self.day = day
        self.customerID = customerID
        self.receiptID = receiptID
        self.decision = decision
        self.applications = applications
        self.amount = amount
        self.invoiceIDs = invoiceIDs
        self.seq = seq
        self.note = note
    }
}
