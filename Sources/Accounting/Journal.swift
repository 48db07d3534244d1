import Core

/// One side of a journal entry: an amount on an account, debit positive and credit negative,
/// optionally for a customer and an invoice (subledger detail of accounts receivable and unapplied cash).
public struct Posting: Hashable, Sendable {
    public var account: String
    public var customerID: String?
    public var invoiceID: String?
    public var amount: Money

    public init(account: String, customerID: String? = nil, invoiceID: String? = nil, amount: Money) {
        self.account = account
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.amount = amount
    }

    package var key: PostingKey { PostingKey(account: account, customerID: customerID ?? "", invoiceID: invoiceID ?? "", currency: amount.currency.code) }
}

package struct PostingKey: Hashable, Comparable {
    package var account: String
    package var customerID: String
    package var invoiceID: String
    package var currency: String
    package init(account: String, customerID: String, invoiceID: String, currency: String) {
        self.account = account
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.currency = currency
    }
    package static func < (a: PostingKey, b: PostingKey) -> Bool {
        (a.account, a.customerID, a.invoiceID, a.currency) < (b.account, b.customerID, b.invoiceID, b.currency)
    }
}

/// A journal entry the run wants to exist under a source key. The ledger posts it once; if a different one
/// is already posted under the key it posts a reversal and this as the replacement.
public struct JournalEntryDraft: Hashable, Sendable {
    /// What the entry is for, unique in the ledger: `ach:<file sha-256>:<batch>:<trace>`, `stmt:<account>:<bank ref>`.
    public var sourceKey: String
    public var effectiveDay: Day
    public var memo: String
    public var postings: [Posting]

    public init(sourceKey: String, effectiveDay: Day, memo: String, postings: [Posting]) {
        self.sourceKey = sourceKey
        self.effectiveDay = effectiveDay
        self.memo = memo
        self.postings = postings
    }

    /// True when debits equal credits in every currency.
    public var isBalanced: Bool { JournalEntryDraft.balances(postings) }

    /// True when the postings sum to zero in every currency (one currency, the common case, needs no dictionary).
    package static func balances(_ postings: [Posting]) -> Bool {
        if let first = postings.first?.amount.currency, postings.allSatisfy({ $0.amount.currency == first }) {
            var sum: Int64 = 0
            for p in postings {
                let (s, o) = sum.addingReportingOverflow(p.amount.minorUnits)
                if o { return false }
                sum = s
            }
            return sum == 0
        }
        var sums: [String: Int64] = [:]
        for p in postings {
            let (s, o) = (sums[p.amount.currency.code] ?? 0).addingReportingOverflow(p.amount.minorUnits)
            if o { return false }
            sums[p.amount.currency.code] = s
        }
        return sums.values.allSatisfy { $0 == 0 }
    }

    /// Postings summed per account, customer, invoice and currency, zero sums dropped: two drafts with the
    /// same net effect compare equal.
    package var netPostings: [PostingKey: Int64] {
        get throws(MoneyOverflow) {
            var sums: [PostingKey: Int64] = [:]
            for p in postings { try MinorUnits.add(p.amount.minorUnits, to: &sums[p.key, default: 0], of: "the postings of \(sourceKey) on \(p.account)") }
            return sums.filter { $0.value != 0 }
        }
    }
}

/// A journal entry as posted.
public struct PostedEntry: Hashable, Sendable {
    public enum Kind: String, Sendable { case original, reversal, replacement }
    public var entryID: Int64
    public var sourceKey: String
    public var revision: Int
    public var kind: Kind
    public var runID: Int64
    public var effectiveDay: Day
    public var memo: String
    public var postings: [Posting]

    public init(entryID: Int64, sourceKey: String, revision: Int, kind: Kind, runID: Int64, effectiveDay: Day, memo: String, postings: [Posting]) {
        self.entryID = entryID
        self.sourceKey = sourceKey
        self.revision = revision
        self.kind = kind
        self.runID = runID
        self.effectiveDay = effectiveDay
        self.memo = memo
        self.postings = postings
    }
}

/// The chart of accounts the ledger starts with.
public enum ChartOfAccounts {
    public static let accountsReceivable = "1200"
    public static let unappliedCash = "2100"
    public static let suspense = "1999"
    public static let discountsAllowed = "4900"
    public static let paymentDifferences = "6900"
    public static let bankFees = "6100"
    public static let openingBalances = "3900"
    /// ACH in transit: what ACH files announced and the statement has not shown yet.
    public static let achClearing = "1050"
    public static let refundsPayable = "2200"
    public static let erpAdjustments = "4950"

    /// Cash accounts are `1000-<last four digits of the bank account>`.
    public static func cash(bankAccount: String) -> String {
        let digits = bankAccount.filter(\.isNumber)
        return "1000-" + String((digits.isEmpty ? bankAccount : digits).suffix(4))
    }

    public static let defaults: [(code: String, name: String, type: String)] = [
        (accountsReceivable, "Accounts receivable", "asset"),
        (suspense, "Suspense", "asset"),
        (achClearing, "ACH in transit", "asset"),
        (unappliedCash, "Unapplied cash", "liability"),
        (refundsPayable, "Refunds payable", "liability"),
        (openingBalances, "Opening balances", "equity"),
        (discountsAllowed, "Discounts allowed", "expense"),
        (erpAdjustments, "Credit memos and ERP adjustments", "expense"),
        (bankFees, "Bank fees", "expense"),
        (paymentDifferences, "Payment differences", "expense"),
    ]
}
