import Core

/// A statement's final closing balance (BAI2 015, camt `CLBD`) against which the books' cash of its bank account
/// and currency is checked, through the statement's own day.
public struct BankTieCheck: Sendable, Hashable {
    /// The ledger account of the bank account's cash.
    public var cashAccount: String
    /// The bank account as reports show it (masked).
    public var displayAccount: String
    public var statementDay: Day
    public var closing: Money
    /// `FILE:LINE` of the balance.
    public var location: String

    public init(cashAccount: String, displayAccount: String, statementDay: Day, closing: Money, location: String) {
        self.cashAccount = cashAccount
        self.displayAccount = displayAccount
        self.statementDay = statementDay
        self.closing = closing
        self.location = location
    }
}

/// The books' side of a `BankTieCheck`: the cash account's balance in the closing's currency through its day.
public struct BankTieResult: Sendable, Hashable {
    public var check: BankTieCheck
    public var book: Money
    public init(check: BankTieCheck, book: Money) {
        self.check = check
        self.book = book
    }
    /// Books less bank: zero when they tie.
    public var difference: Int64 {
        get throws(MoneyOverflow) {
            try MinorUnits.difference(book.minorUnits, check.closing.minorUnits, of: "the books less the bank of \(check.cashAccount) on \(check.statementDay)")
        }
    }
    public var ties: Bool { book.minorUnits == check.closing.minorUnits }
}
