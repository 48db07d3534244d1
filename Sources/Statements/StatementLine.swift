import Core

/// What kind of money movement a statement line is, as far as cash application cares.
public enum TransactionKind: String, Sendable, Codable, CaseIterable {
    case achCredit = "ach-credit"
    case achDebit = "ach-debit"
    case achReturn = "ach-return"
    case wireIn = "wire-in"
    case wireOut = "wire-out"
    case lockbox
    case checkDeposit = "check-deposit"
    case checkPaid = "check-paid"
    case fee
    case interest
    case transfer
    case other
}

/// The source format a statement came in.
public enum StatementFormat: String, Sendable, Codable {
    case bai2, camt052, camt053, camt054, csv
}

/// One line of a bank statement, whatever format it came in: money into (positive) or out of (negative) an account.
public struct StatementLine: Sendable, Hashable {
    public var format: StatementFormat
    /// The bank account the line belongs to, as the statement names it.
    public var account: String
    /// The bank that keeps the account, where the file names it (BAI2 group originator, camt account servicer BIC,
    /// a NACHA RDFI routing number); empty when it does not. Part of the account's identity with its number and currency.
    public var bank: String = ""
    public var bookingDay: Day
    public var valueDay: Day?
    /// Signed: credits to the account positive, debits negative.
    public var amount: Money
    /// The bank's own reference (BAI2 bank reference, camt `AcctSvcrRef`).
    public var bankReference: String
    /// Set when `bankReference` is not this line's own: a camt entry's `AcctSvcrRef` shared by several of its
    /// transactions. Such a reference names the batch, not the line, and is never used as the line's identity.
    public var bankReferenceIsShared: Bool = false
    /// The customer's reference (BAI2 customer reference, camt `EndToEndId`).
    public var customerReference: String
    /// The bank's transaction type code (BAI2 type code, camt bank transaction code).
    public var typeCode: String
    public var kind: TransactionKind
    public var description: String
    public var counterparty: String
    public var remittance: [RemittanceItem]
    /// Booked (moves the balance) or only reported (pending, information).
    public var isBooked: Bool
    public var location: SourceLocation

    public init(format: StatementFormat, account: String, bookingDay: Day, valueDay: Day? = nil, amount: Money,
                bankReference: String = "", customerReference: String = "", typeCode: String = "", kind: TransactionKind = .other,
                description: String = "", counterparty: String = "", remittance: [RemittanceItem] = [], isBooked: Bool = true,
                location: SourceLocation) {
        self.format = format
        self.account = account
        self.bookingDay = bookingDay
        self.valueDay = valueDay
        self.amount = amount
        self.bankReference = bankReference
        self.customerReference = customerReference
        self.typeCode = typeCode
        self.kind = kind
        self.description = description
        self.counterparty = counterparty
        self.remittance = remittance
        self.isBooked = isBooked
        self.location = location
    }

    public var isCredit: Bool { amount.minorUnits > 0 }
}
