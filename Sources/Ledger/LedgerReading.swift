import Accounting
import Core

/// The reads of the books: what a run starts its day from, what reports and commands show, and `verify`.
///
/// Reads see the last committed state, never a day half-posted, and never wait for the writer (SQLite: a connection
/// of their own, WAL snapshots). The SQLite store's reader is `SQLiteLedgerReader`, whose methods can also be called
/// synchronously where it is held as itself.
public protocol LedgerReading: InputFileRecords, PeriodRecords, ReviewRecords {
    // MARK: The state a run of a day starts from

    /// Every invoice the ledger knows, with its open amount.
    func invoices() async throws -> [LedgerInvoice]
    /// The invoices as a run of `day` starts from (opened by a run of an earlier day, open amounts counting only entries
    /// of earlier days), and the ids of those first opened by a run of a later day.
    func invoiceStates(before day: Day) async throws -> (states: [LedgerInvoice], openedLater: Set<String>)
    /// The invoices a run of `day` opened one entry each (`invoice:<id>:opening`, before schema 7).
    func invoicesOpenedSingly(on day: Day) async throws -> Set<String>
    /// An invoice's customer and open amount as the ledger holds them now.
    func invoice(id: String) async throws -> LedgerInvoice?
    /// A customer's invoice ids (for naming the nearest to a mistyped one).
    func invoiceIDs(customer: String) async throws -> [String]
    /// ACH entries taken on days before `day` whose effective day is one of these: entry key → where it was taken.
    func achEntriesSeen(effectiveDays: Set<Day>, before day: Day) async throws -> [String: String]
    /// Source keys already posted that begin with `prefix` (the legacy keys of one file).
    func postedSourceKeys(prefix: String) async throws -> Set<String>
    /// The payment a return names (by original trace, receiving DFI and amount within `windowDays`), latest first.
    func originalEntry(trace: String, rdfi: String, amountMinorUnits: Int64?, role: String, notAfter day: Day, windowDays: Int) async throws -> ACHEntryRow?
    /// The payment a reversing entry undoes: same originator, receiving DFI and amount, latest first.
    func reversedEntry(companyID: String, rdfi: String, amountMinorUnits: Int64, role: String, notAfter day: Day, windowDays: Int) async throws -> ACHEntryRow?
    /// Every entry runs of `day` posted, with its postings, in posting order.
    func entries(ofDay day: Day) async throws -> [PostedEntry]
    /// The first day anything was posted under each of these source keys that has been posted.
    func postedDays(sourceKeys: [String]) async throws -> [String: Day]
    /// The first day anything was posted under this source key.
    func postedDay(sourceKey: String) async throws -> Day?
    /// The first entry under a key: its effective day and what it moved on the bank accounts' cash (`1000-...`).
    func cashEntry(sourceKey key: String) async throws -> (effectiveDay: Day, cash: Int64)?
    /// How a receipt's cash was applied, as last recorded.
    func applications(sourceKey: String) async throws -> [ApplicationRow]
    /// A customer's applications of a day, as remittance advice shows them.
    func applications(customer: String, day: Day) async throws -> [ApplicationRow]
    /// The bank accounts the ledger knows, with their cash accounts.
    func bankAccounts() async throws -> [BankAccountRow]
    /// What an older ledger booked on `code` in `currency` for the statements of the accounts `belongs` picks.
    func cashBooked(on code: String, currency: String, forAccounts belongs: (String) -> Bool) async throws -> Int64
    /// Receipts held as unapplied cash before `day` for these customers, with what is still held of each.
    func heldReceipts(before day: Day, customers: Set<String>) async throws -> [HeldReceiptRow]
    /// The last payment that applied cash to each of these invoices before `day`.
    func closingPayments(invoiceIDs: [String], before day: Day) async throws -> [String: (receiptID: String, sourceKey: String, day: Day)]
    /// The customers that held unapplied cash before `day`.
    func unappliedCashHolders(before day: Day) async throws -> Set<String>
    /// What later days applied of a held receipt's unapplied cash, before `day`, per invoice.
    func reapplications(sourceKey: String, before day: Day) async throws -> [(invoiceID: String, amountMinorUnits: Int64)]
    /// The day of the first statement the ledger holds.
    func firstStatementDay() async throws -> Day?
    /// The accounts (as written) and currencies with a statement balance on `day`.
    func statementAccounts(on day: Day) async throws -> [(account: String, currency: String)]
    /// The latest statement balances of each account and currency before `day`.
    func lastStatementBalances(before day: Day) async throws -> [StatementBalanceRow]
    /// Whether anything was ever posted to the account.
    func hasPostings(account: String) async throws -> Bool
    /// Settlement items taken before `day` and not settled before it.
    /// The batches raised as unsettled (`UNSETTLED_BATCH`) and not settled since, by key.
    func unsettledBatchKeys() async throws -> [String]
    func pendingSettlements(before day: Day) async throws -> [SettlementItemRow]
    /// The reviewers' decisions a run of `day` books.
    func reviewsToBook(runDay day: Day) async throws -> [ReviewBooking]
    /// A receipt's cash left unapplied on a day, less what later days applied of it.
    /// The day a receipt of `day` was returned, if it was.
    func returnDay(receiptID: String, day: Day) async throws -> Day?
    func unappliedCash(receiptID: String, day: Day) async throws -> Int64
    /// The open exceptions raised on these receipts.
    func openExceptions(receiptIDs: [String]) async throws -> [(exceptionID: String, receiptID: String, type: String)]
    /// The exceptions raised on these receipts, whatever their status.
    func exceptions(receiptIDs: [String]) async throws -> [ExceptionRow]

    // MARK: Batches that never reached the bank, and their receipts

    /// Every batch raised as unsettled (`UNSETTLED_BATCH`), with where it stands now (settled day and by what).
    func raisedBatches() async throws -> [SettlementItemRow]
    /// The receipts a batch's payment entries made, with the day each was taken.
    func batchReceipts(batchKey: String) async throws -> [(receiptID: String, day: Day)]
    /// The batch whose entry made an ACH receipt of `day` (nil: none).
    func receiptBatch(receiptID: String, day: Day) async throws -> String?
    /// The application rows of these receipts, of the days from `from` up to before `before` (nil: every day since).
    func receiptRows(receiptIDs: [String], from: Day, before: Day?) async throws -> [ApplicationRow]
    /// Where a receipt came in: its day and the key of its own rows (nil: no such receipt).
    func receiptOrigin(receiptID: String) async throws -> (day: Day, sourceKey: String)?
    /// The `--settled-by` decisions: the batch's exception, the receipt named and whether the decision is booked.
    func settledByDecisions() async throws -> [(exceptionID: String, receiptID: String, booked: Bool)]
    /// The manifest path of the ledger's latest run.
    func lastManifestPath() async throws -> String?
    /// Whether a run ever ran `day`.
    func wasRun(_ day: Day) async throws -> Bool
    /// The last day any run posted entries for or took files for.
    func lastRunDay() async throws -> Day?

    // MARK: Aging and credit exposure

    /// Each customer's unapplied cash by currency: as the ledger holds it now, or (`day`) as of the end of that day on
    /// the effective-day axis, what `ledger balance --as-of` says of account 2100.
    func unappliedByCustomer(asOf day: Day?) async throws -> [String: [String: Int64]]
    /// How each customer paid over the days after `from` up to `through`.
    func payments(from: Day, through: Day) async throws -> [String: (applied: Int64, weightedDays: Int64)]
    /// Each customer's return source keys over the days after `from` up to `through`.
    func returnKeys(from: Day, through: Day) async throws -> [String: Set<String>]

    // MARK: The books, for commands and reports

    /// How many entries, postings, invoices and exceptions the ledger holds.
    func counts() async throws -> (entries: Int, postings: Int, invoices: Int, exceptions: Int)
    /// Balances per account (and per customer when `byCustomer`), optionally for one account, one customer, up to a day.
    func balances(account: String?, customer: String?, asOf: Day?, byCustomer: Bool) async throws -> [AccountBalance]
    /// Journal entries in posting order, optionally only one run's or those effective from/to days.
    func entries(runID: Int64?, from: Day?, to: Day?, limit: Int?) async throws -> [PostedEntry]
    /// The chart of accounts.
    func accounts() async throws -> [(code: String, name: String, type: String)]
    /// Every customer id the ledger knows.
    func customerIDs() async throws -> [String]
    /// Exceptions, optionally by status, day, type and customer.
    func exceptions(status: String?, day: Day?, type: String?, customer: String?) async throws -> [ExceptionRow]
    /// The worklist of `day`: every exception open at its end (raised on or before it, not closed by then), oldest
    /// first, each with where it stands now.
    func worklist(asOf day: Day) async throws -> [WorklistRow]
    /// Beside the exceptions a run of `day` raised: those raised before it still open at its end, and those of `day`
    /// no longer simply open (decided since or closed), oldest first, each with where it stands now.
    func worklistBeside(day: Day) async throws -> (earlier: [WorklistRow], todaysChanged: [WorklistRow])
    /// One exception by id.
    func exception(id: String) async throws -> ExceptionRow?
    /// Recomputes what the ledger claims (balanced entries, a zero trial balance, open amounts, kept totals, integrity).
    func verify() async throws -> VerificationReport
}

extension LedgerReading {
    public func originalEntry(trace: String, rdfi: String, amountMinorUnits: Int64?, role: String, notAfter day: Day) async throws -> ACHEntryRow? {
        try await originalEntry(trace: trace, rdfi: rdfi, amountMinorUnits: amountMinorUnits, role: role, notAfter: day, windowDays: 120)
    }

    public func reversedEntry(companyID: String, rdfi: String, amountMinorUnits: Int64, role: String, notAfter day: Day) async throws -> ACHEntryRow? {
        try await reversedEntry(companyID: companyID, rdfi: rdfi, amountMinorUnits: amountMinorUnits, role: role, notAfter: day, windowDays: 30)
    }
}
