import Accounting
import Core

/// Everything one day of a run writes, committed in one transaction: all of it or none of it.
public struct DayCommit: Sendable {
    public var runID: Int64
    public var day: Day
    public var invoices: [LedgerInvoice]
    public var entries: [JournalEntryDraft]
    public var applications: [ApplicationRow]
    public var exceptions: [ExceptionRow]
    public var files: [IngestedFile]
    public var cashAccounts: [(code: String, name: String)]
    /// Accounts the manifest renames or adds: a name replaces the default's; a type (asset, liability, equity,
    /// revenue, expense) is needed only for a new account (default asset).
    public var accountNames: [(code: String, name: String, type: String)] = []
    /// The day's ACH entries (replacing what an earlier run of the day recorded).
    public var achEntries: [ACHEntryRow] = []
    public var achChanges: [ACHChangeRow] = []
    public var achReturns: [ACHReturnRow] = []
    /// Settlement items as they stand at the end of the day: new ones, and earlier ones settled or unsettled today.
    public var settlementItems: [SettlementItemRow] = []
    /// Each account's final statement balances of the day.
    public var statementBalances: [StatementBalanceRow] = []
    /// The statements' final closing balances the books must equal, checked once everything of the day is written.
    public var bankTies: [BankTieCheck] = []
    /// The exceptions a difference raises (made by the caller's rules), written in the same transaction.
    public var raiseBankDifferences: (@Sendable ([BankTieResult]) throws -> [ExceptionRow])?
    /// The caller's last check, made while the day's last rows are written and asked for just before the commit: a
    /// throw rolls the day back.
    public var beforeCommit: (@Sendable () throws -> Void)?

    public init(runID: Int64, day: Day, invoices: [LedgerInvoice] = [], entries: [JournalEntryDraft] = [], applications: [ApplicationRow] = [],
                exceptions: [ExceptionRow] = [], files: [IngestedFile] = [], cashAccounts: [(code: String, name: String)] = [],
                accountNames: [(code: String, name: String, type: String)] = []) {
        self.accountNames = accountNames
        self.runID = runID
        self.day = day
        self.invoices = invoices
        self.entries = entries
        self.applications = applications
        self.exceptions = exceptions
        self.files = files
        self.cashAccounts = cashAccounts
    }
}

extension DayCommit {
    /// The whole day as one batch.
    var batch: DayEffects {
        var b = DayEffects(invoices: invoices, entries: entries, cashAccounts: cashAccounts, accountNames: accountNames)
        b.applications = applications
        b.exceptions = exceptions
        b.files = files
        b.achEntries = achEntries
        b.achChanges = achChanges
        b.achReturns = achReturns
        b.settlementItems = settlementItems
        b.statementBalances = statementBalances
        return b
    }
}

/// What committing a day did.
public struct CommitOutcome: Sendable {
    /// Each statement closing checked against the books, as they stood when the day committed.
    public var bankTies: [BankTieResult] = []
    /// Entries posted by this commit (originals, reversals, replacements), in posting order.
    public var posted: [PostedEntry] = []
    /// Drafts that were already posted exactly so.
    public var unchangedCount = 0
    /// How long each part of the commit took (before the final COMMIT).
    public var timings: [(String, Duration)] = []
    public var newInvoiceCount = 0
}
