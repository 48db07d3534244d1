import Core

/// The day's effects as accounting hands them to the ledger, a part at a time, in the order they are written (a part is
/// written before the rest of the day is known, so the stages and the writer overlap): the accounts its entries need,
/// invoices, journal entries in stage order (by key within a stage), and the day's records that go with them
/// (applications, exceptions, ACH entries and notices, settlement items, statement balances, files, held cash). The
/// ledger commits the day's parts in one transaction.
public struct DayEffects: Sendable {
    public var invoices: [LedgerInvoice]
    public var entries: [JournalEntryDraft]
    public var cashAccounts: [(code: String, name: String)]
    public var accountNames: [(code: String, name: String, type: String)]
    public var applications: [ApplicationRow] = []
    public var exceptions: [ExceptionRow] = []
    public var files: [IngestedFile] = []
    public var achEntries: [ACHEntryRow] = []
    /// The customers cash application found for ACH entries the open day has written, each naming its entry by key
    /// (rows are written before cash application has found their customers, and given them here afterwards).
    public var achCustomers: [ACHEntryCustomer] = []
    /// This batch's customers are the day's last: the writer writes them all now, while the run goes on (else at the
    /// end of the day).
    public var lastACHCustomers = false
    public var achChanges: [ACHChangeRow] = []
    public var achReturns: [ACHReturnRow] = []
    public var settlementItems: [SettlementItemRow] = []
    public var statementBalances: [StatementBalanceRow] = []
    /// Reviewers' decisions this batch's entries book: the exception and the decision's number.
    public var bookedReviews: [(exceptionID: String, seq: Int64)] = []
    /// Bank accounts first seen (their cash accounts given for good), and those whose balance this batch reclassifies.
    public var bankAccounts: [BankAccountRow] = []
    /// Receipts of the day that leave cash unapplied with their customers, and earlier ones' cash applied today.
    public var heldReceipts: [HeldReceiptRow] = []
    public var reapplications: [ReapplicationRow] = []
    /// Exceptions whose cause went away today (their receipt's held cash applied): resolved by settle with the note,
    /// unless a reviewer decided them.
    public var resolvedBySettle: [(exceptionID: String, note: String)] = []
    /// Exceptions whose decision the books no longer allow (checked again when it was to be booked): open again, with
    /// the reason as the note, by settle.
    public var reopenedBySettle: [(exceptionID: String, note: String, seq: Int64)] = []
    /// Exceptions whose decision was not booked because their cause went away (the rest of a short payment paid):
    /// resolved by settle, the decision set aside, with the note.
    public var decisionsSettled: [(exceptionID: String, note: String, seq: Int64)] = []
    /// Batches a reviewer's decision settled (an `UNSETTLED_BATCH` settled by a line, reversed or written off): no line
    /// settles them after, by key.
    public var batchesClosed: [(batchKey: String, by: String)] = []
    /// Batches a reviewer's decision had closed whose exception was reopened (its reversal booked): waiting again, by key
    /// and the decision's key that closed them.
    public var batchesReopened: [(batchKey: String, by: String)] = []
    /// Exceptions linked to a decision booked today (the receipts of a batch reversed or written off, the line that
    /// settled a batch): resolved by settle together with it (`linked`), with the note naming the decision.
    public var resolvedTogether: [(exceptionID: String, note: String)] = []

    public init(invoices: [LedgerInvoice] = [], entries: [JournalEntryDraft] = [], cashAccounts: [(code: String, name: String)] = [],
                accountNames: [(code: String, name: String, type: String)] = []) {
        self.invoices = invoices
        self.entries = entries
        self.cashAccounts = cashAccounts
        self.accountNames = accountNames
    }
}

/// A file the ledger has taken in, by content.
public struct IngestedFile: Hashable, Sendable {
    public var sha256: String
    public var sizeBytes: Int64
    public var name: String
    public var runID: Int64
    public var day: Day
    public var archivePath: String
    /// The manifest source that named the file (`sources[0]`): a rerun whose input left its path reads it back from
    /// the archive for that source.
    public var source: String

    public init(sha256: String, sizeBytes: Int64, name: String, runID: Int64, day: Day, archivePath: String, source: String = "") {
        self.source = source
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.name = name
        self.runID = runID
        self.day = day
        self.archivePath = archivePath
    }
}
