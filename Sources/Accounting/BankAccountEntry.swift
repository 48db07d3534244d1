import Core

/// One of the entity's bank accounts as a job lists it (the manifest's `bank_accounts`, CONTRACT).
public struct BankAccountEntry: Sendable, Hashable {
    public enum Statements: String, Sendable { case daily, onActivity = "on-activity", none }
    /// Routing number or BIC; empty when no other account shares the number.
    public var bank: String
    /// Normalized: digits, or an IBAN upper-case without spaces.
    public var account: String
    public var currency: Currency
    /// Its ledger account; nil: a code of its own, made from its identity.
    public var code: String?
    public var name: String
    public var aliases: [String]
    public var statements: Statements
    public var closedOn: Day?

    public init(bank: String, account: String, currency: Currency, code: String?, name: String, aliases: [String], statements: Statements, closedOn: Day?) {
        self.bank = bank
        self.account = account
        self.currency = currency
        self.code = code
        self.name = name
        self.aliases = aliases
        self.statements = statements
        self.closedOn = closedOn
    }
}
