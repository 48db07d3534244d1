import Accounting
import Core

/// A balance line: an account (optionally one customer's part of it) and its sum in one currency.
public struct AccountBalance: Hashable, Sendable {
    public var account: String
    public var accountName: String
    public var customerID: String?
    public var balance: Money
}

/// What `ledger verify` found.
public struct VerificationReport: Sendable {
    public var entryCount = 0
    public var postingCount = 0
    public var unbalancedEntries: [(entryID: Int64, sourceKey: String, currency: String, sum: Int64)] = []
    public var trialBalance: [String: Int64] = [:]
    public var invoiceMismatches: [(invoiceID: String, stored: Int64, recomputed: Int64)] = []
    public var invoiceCount = 0
    /// Rows naming rows that do not exist (the schema has no row-level foreign keys: the program and this check keep them).
    public var integrityProblems: [String] = []
    /// Days whose kept account movement (`account_days`) differs from the sum of their postings.
    public var accountDayMismatches: [String] = []
    /// Open amounts past their document's sign (`Invoice.allows(open:)`): an invoice's or debit memo's outside 0 to its
    /// amount, a credit memo's outside its (negative) amount to 0. Minor units, in the invoice's currency.
    public var openAmountsPastTheirSign: [(invoiceID: String, currency: String, amount: Int64, open: Int64)] = []
    public var isClean: Bool {
        unbalancedEntries.isEmpty && trialBalance.values.allSatisfy { $0 == 0 } && invoiceMismatches.isEmpty && integrityProblems.isEmpty
            && accountDayMismatches.isEmpty && openAmountsPastTheirSign.isEmpty
    }
}
