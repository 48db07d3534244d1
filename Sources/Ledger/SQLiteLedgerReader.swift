import Accounting
import Core
import Foundation

/// The SQLite ledger's reader (`LedgerReading`): reads through read-only connections of its own, so they never wait for
/// the writer and never see a day half-posted (WAL: each read sees the last commit). Sendable: callers on several
/// tasks at once each borrow an idle connection (one is opened when none is idle), so no read waits for another.
/// Its methods are synchronous where it is held as itself (commands, tests), and `async` through `LedgerReading`.
public final class SQLiteLedgerReader: LedgerReading {
    public let path: String
    private let connections: IdleConnections

    /// Opens the ledger at `path` for reading: a settle ledger no newer than this program. An older one is read as it is
    /// where its tables allow; a writer (`SQLiteLedgerStore`) or `SQLiteMigrations` migrates it first.
    public init(path: String) throws {
        self.path = path
        connections = IdleConnections(path: path)
        connections.giveBack(try SQLiteReadConnection(path: path))
    }

    /// Runs `body` on a connection no one else is using.
    private func read<T>(_ body: (SQLiteReadConnection) throws -> T) throws -> T {
        let connection = try connections.take()
        defer { connections.giveBack(connection) }
        return try body(connection)
    }

    /// The file with this content, if the ledger took it in before.
    public func ingestedFile(sha256: String) throws -> IngestedFile? { try read { try $0.ingestedFile(sha256: sha256) } }

    /// The files runs of a day took, with their archives (all days when nil).
    public func ingestedFiles(day: Day?) throws -> [IngestedFile] { try read { try $0.ingestedFiles(day: day) } }

    /// Every invoice the ledger knows, with its open amount.
    public func invoices() throws -> [LedgerInvoice] { try read { try $0.invoices() } }

    /// The invoices as a run of `day` (or a rerun of it) starts from: each opened by a run of an earlier day, with
    /// its open amount counting only entries of days before `day` (the stored open amount, less what runs of `day`
    /// and later posted); and the ids of those first opened by a run of a later day (a rerun of an earlier day must
    /// not open them again). Invoices first opened on `day` are in neither.
    public func invoiceStates(before day: Day) throws -> (states: [LedgerInvoice], openedLater: Set<String>) { try read { try $0.invoiceStates(before: day) } }

    /// The invoices a run of `day` opened one entry each, under `invoice:<id>:opening` (as settle did before schema 7):
    /// a rerun of that day keeps those entries rather than posting them again as one.
    public func invoicesOpenedSingly(on day: Day) throws -> Set<String> { try read { try $0.invoicesOpenedSingly(on: day) } }

    /// ACH entries taken on days before `day` whose effective day is one of these (a re-sent entry keeps its
    /// effective day): entry key → where it was taken.
    public func achEntriesSeen(effectiveDays: Set<Day>, before day: Day) throws -> [String: String] { try read { try $0.achEntriesSeen(effectiveDays: effectiveDays, before: day) } }

    /// Source keys already posted that begin with `prefix` (the legacy keys of one file: `ach:<sha>:`). Source keys
    /// are found by hash, not by text: this reads them all, so ask only for a file a run took in before.
    public func postedSourceKeys(prefix: String) throws -> Set<String> { try read { try $0.postedSourceKeys(prefix: prefix) } }

    /// The payment a return names: by original trace number, receiving DFI and amount, taken before `day` or on it
    /// (trace numbers are unique only within a file: the amount and the window tell two apart), latest first.
    /// `amountMinorUnits` nil: any amount (a notification of change carries none).
    public func originalEntry(trace: String, rdfi: String, amountMinorUnits: Int64?, role: String, notAfter day: Day, windowDays: Int) throws -> ACHEntryRow? { try read { try $0.originalEntry(trace: trace, rdfi: rdfi, amountMinorUnits: amountMinorUnits, role: role, notAfter: day, windowDays: windowDays) } }

    /// Every entry runs of `day` posted (originals, reversals, replacements), with its postings, in posting order:
    /// the day's journal as it stands, whichever run of the day posted it.
    public func entries(ofDay day: Day) throws -> [PostedEntry] { try read { try $0.entries(ofDay: day) } }

    /// The first day anything was posted under each of these source keys that has been posted.
    public func postedDays(sourceKeys: [String]) throws -> [String: Day] { try read { try $0.postedDays(sourceKeys: sourceKeys) } }

    /// The first day anything was posted under this source key.
    public func postedDay(sourceKey: String) throws -> Day? { try read { try $0.postedDay(sourceKey: sourceKey) } }

    /// The first entry under a key: its effective day and what it moved on the bank accounts' cash (`1000-...`).
    /// An old statement line key names a line only where its day and amount agree.
    public func cashEntry(sourceKey key: String) throws -> (effectiveDay: Day, cash: Int64)? { try read { try $0.cashEntry(sourceKey: key) } }

    /// The payment a reversing entry undoes: same originator, receiving DFI and amount, latest first.
    public func reversedEntry(companyID: String, rdfi: String, amountMinorUnits: Int64, role: String, notAfter day: Day, windowDays: Int) throws -> ACHEntryRow? { try read { try $0.reversedEntry(companyID: companyID, rdfi: rdfi, amountMinorUnits: amountMinorUnits, role: role, notAfter: day, windowDays: windowDays) } }

    /// How a receipt's cash was applied, as last recorded.
    public func applications(sourceKey: String) throws -> [ApplicationRow] { try read { try $0.applications(sourceKey: sourceKey) } }

    /// The bank accounts the ledger knows, with their cash accounts.
    public func bankAccounts() throws -> [BankAccountRow] { try read { try $0.bankAccounts() } }

    /// What an older ledger booked on `code` in `currency` for the statements of the accounts `belongs` picks (by the
    /// account as written): its statement lines (`stmt:<account>:...`), opening balance (`bankopen:<account>`) and the
    /// settlements those lines made. The balance a reclassification moves to the account's own code.
    public func cashBooked(on code: String, currency: String, forAccounts belongs: (String) -> Bool) throws -> Int64 { try read { try $0.cashBooked(on: code, currency: currency, forAccounts: belongs) } }

    /// Receipts held as unapplied cash before `day` for these customers, with what is still held of each (what later
    /// days re-applied taken off), oldest first; those whose cash was returned or whose exceptions a reviewer decided are
    /// left out (a reviewer's decision is never overridden).
    public func heldReceipts(before day: Day, customers: Set<String>) throws -> [HeldReceiptRow] { try read { try $0.heldReceipts(before: day, customers: customers) } }

    /// The last payment that applied cash to each of these invoices before `day` (the receipt, its key and its day), for
    /// an invoice a remittance names although an earlier payment closed it. Read from the day the earliest of them
    /// entered the ledger on (through the applications' day index), only on a day that names such invoices.
    public func closingPayments(invoiceIDs: [String], before day: Day) throws -> [String: (receiptID: String, sourceKey: String, day: Day)] { try read { try $0.closingPayments(invoiceIDs: invoiceIDs, before: day) } }

    /// The customers that held unapplied cash before `day`: those holding some now, and those whose held cash a run of
    /// `day` or a later day applied (on a rerun, what that run applied was theirs before it).
    public func unappliedCashHolders(before day: Day) throws -> Set<String> { try read { try $0.unappliedCashHolders(before: day) } }

    /// What later days applied of a held receipt's unapplied cash, before `day`, per invoice (a return of the receipt
    /// takes it back from those invoices).
    public func reapplications(sourceKey: String, before day: Day) throws -> [(invoiceID: String, amountMinorUnits: Int64)] { try read { try $0.reapplications(sourceKey: sourceKey, before: day) } }

    /// The day of the first statement the ledger holds (nil for a ledger that never read one).
    public func firstStatementDay() throws -> Day? { try read { try $0.firstStatementDay() } }

    /// The accounts (as written) and currencies with a statement balance on `day`.
    public func statementAccounts(on day: Day) throws -> [(account: String, currency: String)] { try read { try $0.statementAccounts(on: day) } }

    /// A customer's invoice ids (for naming the nearest to a mistyped one).
    public func invoiceIDs(customer: String) throws -> [String] { try read { try $0.invoiceIDs(customer: customer) } }

    /// The open exceptions raised on these receipts (settle resolves them once their held cash is applied).
    public func openExceptions(receiptIDs: [String]) throws -> [(exceptionID: String, receiptID: String, type: String)] { try read { try $0.openExceptions(receiptIDs: receiptIDs) } }

    /// The latest statement balances of each account and currency before `day`.
    public func lastStatementBalances(before day: Day) throws -> [StatementBalanceRow] { try read { try $0.lastStatementBalances(before: day) } }

    /// Whether anything was ever posted to the account.
    public func hasPostings(account: String) throws -> Bool { try read { try $0.hasPostings(account: account) } }

    /// Settlement items taken before `day` and not settled before it: what the statement may still show.
    public func unsettledBatchKeys() throws -> [String] { try read { try $0.unsettledBatchKeys() } }
    public func raisedBatches() throws -> [SettlementItemRow] { try read { try $0.raisedBatches() } }
    public func batchReceipts(batchKey: String) throws -> [(receiptID: String, day: Day)] { try read { try $0.batchReceipts(batchKey: batchKey) } }
    public func receiptBatch(receiptID: String, day: Day) throws -> String? { try read { try $0.receiptBatch(receiptID: receiptID, day: day) } }
    public func receiptRows(receiptIDs: [String], from: Day, before: Day?) throws -> [ApplicationRow] {
        try read { try $0.receiptRows(receiptIDs: receiptIDs, from: from, before: before) }
    }
    public func receiptOrigin(receiptID: String) throws -> (day: Day, sourceKey: String)? { try read { try $0.receiptOrigin(receiptID: receiptID) } }
    public func settledByDecisions() throws -> [(exceptionID: String, receiptID: String, booked: Bool)] { try read { try $0.settledByDecisions() } }
    public func exceptions(receiptIDs: [String]) throws -> [ExceptionRow] { try read { try $0.exceptions(receiptIDs: receiptIDs) } }
    public func pendingSettlements(before day: Day) throws -> [SettlementItemRow] { try read { try $0.pendingSettlements(before: day) } }

    /// The reviewers' decisions a run of `day` books: those not booked yet (of exceptions of that day or earlier), and
    /// those a run of `day` booked before (a rerun keeps them; else they would be "no longer produced").
    public func reviewsToBook(runDay day: Day) throws -> [ReviewBooking] { try read { try $0.reviewsToBook(runDay: day) } }

    /// A receipt's cash left unapplied on a day (its `unapplied` application rows).
    public func returnDay(receiptID: String, day: Day) throws -> Day? { try read { try $0.returnDay(receiptID: receiptID, day: day) } }
    public func unappliedCash(receiptID: String, day: Day) throws -> Int64 { try read { try $0.unappliedCash(receiptID: receiptID, day: day) } }

    /// An invoice's customer and open amount as the ledger holds them now.
    public func invoice(id: String) throws -> LedgerInvoice? { try read { try $0.invoice(id: id) } }

    public func exception(id: String) throws -> ExceptionRow? { try read { try $0.exception(id: id) } }

    /// The manifest path of the ledger's latest run (for settings a review command needs, such as the write-off limit).
    public func lastManifestPath() throws -> String? { try read { try $0.lastManifestPath() } }

    /// The last day of the closed period (nil: nothing closed).
    public func closedThrough() throws -> Day? { try read { try $0.closedThrough() } }

    /// Whether a run ever ran `day`: posted entries for it, took files for it, or recorded its decisions or exceptions.
    public func wasRun(_ day: Day) throws -> Bool { try read { try $0.wasRun(day) } }

    /// The last day any run posted entries for or took files for (nil: none).
    public func lastRunDay() throws -> Day? { try read { try $0.lastRunDay() } }

    /// The history of closing and reopening periods, oldest first.
    public func periodChanges() throws -> [PeriodChange] { try read { try $0.periodChanges() } }

    /// Each customer's unapplied cash (account 2100) as the ledger holds it now, by currency.
    public func unappliedByCustomer(asOf day: Day? = nil) throws -> [String: [String: Int64]] { try read { try $0.unappliedByCustomer(asOf: day) } }

    /// How each customer paid over the days after `from` up to `through`: the cash applied to invoices, and that cash
    /// times the days from each invoice's issue to its application (for an average weighted by amount).
    public func payments(from: Day, through: Day) throws -> [String: (applied: Int64, weightedDays: Int64)] { try read { try $0.payments(from: from, through: through) } }

    /// The returns posted over the days after `from` up to `through`: each customer's return source keys.
    public func returnKeys(from: Day, through: Day) throws -> [String: Set<String>] { try read { try $0.returnKeys(from: from, through: through) } }

    /// A customer's applications of a day, as remittance advice shows them.
    public func applications(customer: String, day: Day) throws -> [ApplicationRow] { try read { try $0.applications(customer: customer, day: day) } }

    public func counts() throws -> (entries: Int, postings: Int, invoices: Int, exceptions: Int) { try read { try $0.counts() } }

    /// Balances per account (and per customer when `byCustomer`), optionally for one account, one customer, up to a day.
    public func balances(account: String? = nil, customer: String? = nil, asOf: Day? = nil, byCustomer: Bool = false) throws -> [AccountBalance] { try read { try $0.balances(account: account, customer: customer, asOf: asOf, byCustomer: byCustomer) } }

    /// Journal entries in posting order, optionally only one run's or those effective from/to days.
    public func entries(runID: Int64? = nil, from: Day? = nil, to: Day? = nil, limit: Int? = nil) throws -> [PostedEntry] { try read { try $0.entries(runID: runID, from: from, to: to, limit: limit) } }

    public func accounts() throws -> [(code: String, name: String, type: String)] { try read { try $0.accounts() } }

    /// An exception's history, oldest first.
    public func history(exceptionID: String) throws -> [ExceptionHistoryRow] { try read { try $0.history(exceptionID: exceptionID) } }

    /// Every customer id the ledger knows (its invoices', its exceptions' and its unapplied cash's).
    public func customerIDs() throws -> [String] { try read { try $0.customerIDs() } }

    public func exceptions(status: String? = nil, day: Day? = nil, type: String? = nil, customer: String? = nil) throws -> [ExceptionRow] { try read { try $0.exceptions(status: status, day: day, type: type, customer: customer) } }

    /// The worklist of `day`: every exception open at its end (raised on or before it, not closed by then), oldest
    /// first (by day, type, id), each with where it stands now. One query.
    public func worklist(asOf day: Day) throws -> [WorklistRow] { try read { try $0.worklist(asOf: day) } }

    public func worklistBeside(day: Day) throws -> (earlier: [WorklistRow], todaysChanged: [WorklistRow]) { try read { try $0.worklistBeside(day: day) } }

    /// Where an exception's decision stands: its decision (empty: none), the decision's number, the number the ledger
    /// booked and the day of the run that booked it.
    public func booking(exceptionID: String) throws -> DecisionBooking? { try read { try $0.booking(exceptionID: exceptionID) } }

    /// Recomputes what the ledger claims: every entry balances per currency, the trial balance is zero, and every
    /// invoice's open amount equals the sum of its receivable postings and keeps its document's sign.
    public func verify() throws -> VerificationReport { try read { try $0.verify() } }

}

/// The reader's idle connections. `@unchecked Sendable`: a connection is reachable only through `lock` while idle, and
/// only by the one caller that took it while in use (it is given back when that caller's read ends), so no connection
/// is ever used by two threads at once.
private final class IdleConnections: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [SQLiteReadConnection] = []
    private let path: String

    init(path: String) { self.path = path }

    func take() throws -> SQLiteReadConnection {
        let connection: SQLiteReadConnection? = lock.withLock { idle.popLast() }
        return try connection ?? SQLiteReadConnection(path: path)
    }

    func giveBack(_ connection: SQLiteReadConnection) {
        lock.withLock { idle.append(connection) }
    }
}
