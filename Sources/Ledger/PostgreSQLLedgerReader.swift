import Accounting
import Core
import Foundation

/// Reads one entity of a PostgreSQL ledger (`LedgerReading`): every read a run, a report or a command makes, returning
/// what `SQLiteLedgerReader` returns for the same books (the same rows, in the same order, the same texts). Every query
/// names its entity. Each call reads in a transaction of its own (`REPEATABLE READ READ ONLY`, one snapshot) so a
/// report never sees a day half-posted while a run writes. Sendable: callers on several tasks at once each borrow an
/// idle connection (one is opened when none is idle), so no read waits for another. Its methods are synchronous where it
/// is held as itself (commands, tests), and `async` through `LedgerReading`. The reads themselves are
/// `PostgreSQLLedgerReads`, which a writer can run on its own connection.
public final class PostgreSQLLedgerReader: LedgerReading {
    public let address: LedgerLocation.PostgreSQLAddress
    public let entity: String
    private let connections: PostgreSQLIdleConnections

    /// Opens the ledger for reading `entity`; refuses a database settle has not made a ledger in, a ledger newer than this
    /// program, and an entity the ledger does not hold (naming those it does).
    public init(address: LedgerLocation.PostgreSQLAddress, entity: String) throws {
        self.address = address
        self.entity = entity
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        let version = try PostgreSQLMigrations.storedVersion(db)
        guard version > 0 else { throw LedgerError("no ledger at \(address.redacted) (no settle tables in its schema)") }
        guard version <= PostgreSQLSchema.version else {
            throw LedgerError("the ledger \(address.redacted) has schema version \(version), newer than this program's \(PostgreSQLSchema.version): use a newer settle")
        }
        let entities = try PostgreSQLMigrations.entities(db)
        guard entities.contains(entity) else {
            throw LedgerError("\(address.redacted) holds no entity \(entity)" + (entities.isEmpty ? "" : " (it holds \(entities.joined(separator: ", ")))"))
        }
        connections = PostgreSQLIdleConnections()
        connections.giveBack(db)
    }

    /// The entities a PostgreSQL ledger holds, sorted (none when settle has made no ledger there).
    public static func entities(at address: LedgerLocation.PostgreSQLAddress) throws -> [String] {
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        guard try PostgreSQLMigrations.storedVersion(db) > 0 else { return [] }
        return try PostgreSQLMigrations.entities(db)
    }

    /// `body` in one read-only snapshot, on a connection no one else is using. A connection is given back for the next
    /// read unless the server went away under it.
    private func read<T>(_ body: (PostgreSQLLedgerReads) throws -> T) throws -> T {
        let db = try begin()
        do {
            let result = try body(PostgreSQLLedgerReads(db: db, entity: entity))
            try db.execute("COMMIT")
            connections.giveBack(db)
            return result
        } catch {
            if db.isAlive, (try? db.execute("ROLLBACK")) != nil { connections.giveBack(db) }
            throw error
        }
    }

    /// A connection with a read-only snapshot begun on it. A kept connection the server closed since (a restart, an idle
    /// timeout) fails at `BEGIN`, before anything is read: it is dropped and the snapshot begun on a new one.
    private func begin() throws -> PostgreSQLConnection {
        let begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        if let kept = connections.takeIdle() {
            if (try? kept.execute(begin)) != nil { return kept }
        }
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        try db.execute(begin)
        return db
    }

    // MARK: Input files and periods

    /// The file with this content, if the entity took it in before.
    public func ingestedFile(sha256: String) throws -> IngestedFile? { try read { try $0.ingestedFile(sha256: sha256) } }

    /// The files runs of a day took, with their archives (all days when nil), by name.
    public func ingestedFiles(day: Day?) throws -> [IngestedFile] { try read { try $0.ingestedFiles(day: day) } }

    /// The last day of the entity's closed period (nil: nothing closed).
    public func closedThrough() throws -> Day? { try read { try PostgreSQLPeriods.closedThrough($0.db, entity: entity) } }

    /// The entity's history of closing and reopening periods, oldest first.
    public func periodChanges() throws -> [PeriodChange] { try read { try PostgreSQLPeriods.changes($0.db, entity: entity) } }

    // MARK: The state a run of a day starts from

    /// Every invoice of the entity, with its open amount.
    public func invoices() throws -> [LedgerInvoice] { try read { try $0.invoices() } }

    /// The invoices as a run of `day` (or a rerun of it) starts from: each opened by a run of an earlier day, with its
    /// open amount counting only entries of days before `day`; and the ids of those first opened by a run of a later day.
    public func invoiceStates(before day: Day) throws -> (states: [LedgerInvoice], openedLater: Set<String>) { try read { try $0.invoiceStates(before: day) } }

    /// The invoices a run of `day` opened one entry each, under `invoice:<id>:opening` (as settle did before schema 7).
    public func invoicesOpenedSingly(on day: Day) throws -> Set<String> { try read { try $0.invoicesOpenedSingly(on: day) } }

    /// An invoice's customer and open amount as the entity holds them now.
    public func invoice(id: String) throws -> LedgerInvoice? { try read { try $0.invoice(id: id) } }

    /// A customer's invoice ids (for naming the nearest to a mistyped one).
    public func invoiceIDs(customer: String) throws -> [String] { try read { try $0.invoiceIDs(customer: customer) } }

    /// ACH entries taken on days before `day` whose effective day is one of these: entry key → where it was taken.
    public func achEntriesSeen(effectiveDays: Set<Day>, before day: Day) throws -> [String: String] {
        try read { try $0.achEntriesSeen(effectiveDays: effectiveDays, before: day) }
    }

    /// Source keys already posted that begin with `prefix` (the legacy keys of one file: `ach:<sha>:`).
    public func postedSourceKeys(prefix: String) throws -> Set<String> { try read { try $0.postedSourceKeys(prefix: prefix) } }

    /// The payment a return names (by original trace, receiving DFI and amount within `windowDays`), latest first.
    public func originalEntry(trace: String, rdfi: String, amountMinorUnits: Int64?, role: String, notAfter day: Day, windowDays: Int) throws -> ACHEntryRow? {
        try read { try $0.originalEntry(trace: trace, rdfi: rdfi, amountMinorUnits: amountMinorUnits, role: role, notAfter: day, windowDays: windowDays) }
    }

    /// The payment a reversing entry undoes: same originator, receiving DFI and amount, latest first.
    public func reversedEntry(companyID: String, rdfi: String, amountMinorUnits: Int64, role: String, notAfter day: Day, windowDays: Int) throws -> ACHEntryRow? {
        try read { try $0.reversedEntry(companyID: companyID, rdfi: rdfi, amountMinorUnits: amountMinorUnits, role: role, notAfter: day, windowDays: windowDays) }
    }

    /// Every entry runs of `day` posted, with its postings, in posting order.
    public func entries(ofDay day: Day) throws -> [PostedEntry] { try read { try $0.entries(ofDay: day) } }

    /// The first day anything was posted under each of these source keys that has been posted.
    public func postedDays(sourceKeys: [String]) throws -> [String: Day] { try read { try $0.postedDays(sourceKeys: sourceKeys) } }

    /// The first day anything was posted under this source key.
    public func postedDay(sourceKey: String) throws -> Day? { try read { try $0.postedDay(sourceKey: sourceKey) } }

    /// The first entry under a key: its effective day and what it moved on the bank accounts' cash (`1000-...`).
    public func cashEntry(sourceKey key: String) throws -> (effectiveDay: Day, cash: Int64)? { try read { try $0.cashEntry(sourceKey: key) } }

    /// How a receipt's cash was applied, as last recorded.
    public func applications(sourceKey: String) throws -> [ApplicationRow] { try read { try $0.applications(sourceKey: sourceKey) } }

    /// A customer's applications of a day, as remittance advice shows them.
    public func applications(customer: String, day: Day) throws -> [ApplicationRow] { try read { try $0.applications(customer: customer, day: day) } }

    /// The bank accounts the entity knows, with their cash accounts.
    public func bankAccounts() throws -> [BankAccountRow] { try read { try $0.bankAccounts() } }

    /// What an older ledger booked on `code` in `currency` for the statements of the accounts `belongs` picks.
    public func cashBooked(on code: String, currency: String, forAccounts belongs: (String) -> Bool) throws -> Int64 {
        try read { try $0.cashBooked(on: code, currency: currency, forAccounts: belongs) }
    }

    /// Receipts held as unapplied cash before `day` for these customers, with what is still held of each.
    public func heldReceipts(before day: Day, customers: Set<String>) throws -> [HeldReceiptRow] { try read { try $0.heldReceipts(before: day, customers: customers) } }

    /// The last payment that applied cash to each of these invoices before `day`.
    public func closingPayments(invoiceIDs: [String], before day: Day) throws -> [String: (receiptID: String, sourceKey: String, day: Day)] {
        try read { try $0.closingPayments(invoiceIDs: invoiceIDs, before: day) }
    }

    /// The customers that held unapplied cash before `day`.
    public func unappliedCashHolders(before day: Day) throws -> Set<String> { try read { try $0.unappliedCashHolders(before: day) } }

    /// What later days applied of a held receipt's unapplied cash, before `day`, per invoice.
    public func reapplications(sourceKey: String, before day: Day) throws -> [(invoiceID: String, amountMinorUnits: Int64)] {
        try read { try $0.reapplications(sourceKey: sourceKey, before: day) }
    }

    /// The day of the first statement the entity holds.
    public func firstStatementDay() throws -> Day? { try read { try $0.firstStatementDay() } }

    /// The accounts (as written) and currencies with a statement balance on `day`.
    public func statementAccounts(on day: Day) throws -> [(account: String, currency: String)] { try read { try $0.statementAccounts(on: day) } }

    /// The latest statement balances of each account and currency before `day`.
    public func lastStatementBalances(before day: Day) throws -> [StatementBalanceRow] { try read { try $0.lastStatementBalances(before: day) } }

    /// Whether anything was ever posted to the account.
    public func hasPostings(account: String) throws -> Bool { try read { try $0.hasPostings(account: account) } }

    /// The batches raised as unsettled (`UNSETTLED_BATCH`) and not settled since, by key.
    public func unsettledBatchKeys() throws -> [String] { try read { try $0.unsettledBatchKeys() } }

    /// Settlement items taken before `day` and not settled before it: what the statement may still show.
    public func pendingSettlements(before day: Day) throws -> [SettlementItemRow] { try read { try $0.pendingSettlements(before: day) } }

    /// The reviewers' decisions a run of `day` books.
    public func reviewsToBook(runDay day: Day) throws -> [ReviewBooking] { try read { try $0.reviewsToBook(runDay: day) } }

    /// The day a receipt of `day` was returned, if it was.
    public func returnDay(receiptID: String, day: Day) throws -> Day? { try read { try $0.returnDay(receiptID: receiptID, day: day) } }

    /// A receipt's cash left unapplied on a day, less what later days applied of it.
    public func unappliedCash(receiptID: String, day: Day) throws -> Int64 { try read { try $0.unappliedCash(receiptID: receiptID, day: day) } }

    /// The open exceptions raised on these receipts.
    public func openExceptions(receiptIDs: [String]) throws -> [(exceptionID: String, receiptID: String, type: String)] {
        try read { try $0.openExceptions(receiptIDs: receiptIDs) }
    }

    /// The exceptions raised on these receipts, whatever their status.
    public func exceptions(receiptIDs: [String]) throws -> [ExceptionRow] { try read { try $0.exceptions(receiptIDs: receiptIDs) } }

    // MARK: Batches that never reached the bank, and their receipts

    /// Every batch raised as unsettled (`UNSETTLED_BATCH`), with where it stands now (settled day and by what).
    public func raisedBatches() throws -> [SettlementItemRow] { try read { try $0.raisedBatches() } }

    /// The receipts a batch's payment entries made, with the day each was taken.
    public func batchReceipts(batchKey: String) throws -> [(receiptID: String, day: Day)] { try read { try $0.batchReceipts(batchKey: batchKey) } }

    /// The batch whose entry made an ACH receipt of `day` (nil: none).
    public func receiptBatch(receiptID: String, day: Day) throws -> String? { try read { try $0.receiptBatch(receiptID: receiptID, day: day) } }

    /// The application rows of these receipts, of the days from `from` up to before `before` (nil: every day since).
    public func receiptRows(receiptIDs: [String], from: Day, before: Day?) throws -> [ApplicationRow] {
        try read { try $0.receiptRows(receiptIDs: receiptIDs, from: from, before: before) }
    }

    /// Where a receipt came in: its day and the key of its own rows (nil: no such receipt).
    public func receiptOrigin(receiptID: String) throws -> (day: Day, sourceKey: String)? { try read { try $0.receiptOrigin(receiptID: receiptID) } }

    /// The `--settled-by` decisions: the batch's exception, the receipt named and whether the decision is booked.
    public func settledByDecisions() throws -> [(exceptionID: String, receiptID: String, booked: Bool)] { try read { try $0.settledByDecisions() } }

    /// The manifest path of the entity's latest run.
    public func lastManifestPath() throws -> String? { try read { try $0.lastManifestPath() } }

    /// Whether a run ever ran `day` (posted, took files, applied or raised anything on it).
    public func wasRun(_ day: Day) throws -> Bool { try read { try $0.wasRun(day) } }

    /// The last day any run posted entries for or took files for (nil: none).
    public func lastRunDay() throws -> Day? { try read { try $0.lastRunDay() } }

    // MARK: Aging and credit exposure

    /// Each customer's unapplied cash by currency: now, or as of the end of `day` on the effective-day axis.
    public func unappliedByCustomer(asOf day: Day? = nil) throws -> [String: [String: Int64]] { try read { try $0.unappliedByCustomer(asOf: day) } }

    /// How each customer paid over the days after `from` up to `through`.
    public func payments(from: Day, through: Day) throws -> [String: (applied: Int64, weightedDays: Int64)] { try read { try $0.payments(from: from, through: through) } }

    /// Each customer's return source keys over the days after `from` up to `through`.
    public func returnKeys(from: Day, through: Day) throws -> [String: Set<String>] { try read { try $0.returnKeys(from: from, through: through) } }

    // MARK: The books, for commands and reports

    /// How many entries, postings, invoices and exceptions the entity holds.
    public func counts() throws -> (entries: Int, postings: Int, invoices: Int, exceptions: Int) { try read { try $0.counts() } }

    /// Balances per account (and per customer when `byCustomer`), optionally for one account, one customer, up to a day.
    public func balances(account: String? = nil, customer: String? = nil, asOf: Day? = nil, byCustomer: Bool = false) throws -> [AccountBalance] {
        try read { try $0.balances(account: account, customer: customer, asOf: asOf, byCustomer: byCustomer) }
    }

    /// Journal entries in posting order, optionally only one run's or those effective from/to days.
    public func entries(runID: Int64? = nil, from: Day? = nil, to: Day? = nil, limit: Int? = nil) throws -> [PostedEntry] {
        try read { try $0.entries(runID: runID, from: from, to: to, limit: limit) }
    }

    /// The entity's chart of accounts.
    public func accounts() throws -> [(code: String, name: String, type: String)] { try read { try $0.accounts() } }

    /// Every customer id the entity knows (its invoices', its exceptions' and its unapplied cash's).
    public func customerIDs() throws -> [String] { try read { try $0.customerIDs() } }

    /// Exceptions, optionally by status, day, type and customer.
    public func exceptions(status: String? = nil, day: Day? = nil, type: String? = nil, customer: String? = nil) throws -> [ExceptionRow] {
        try read { try $0.exceptions(status: status, day: day, type: type, customer: customer) }
    }

    /// The worklist of `day`: every exception open at its end, oldest first, each with where it stands now.
    public func worklist(asOf day: Day) throws -> [WorklistRow] { try read { try $0.worklist(asOf: day) } }

    /// Beside the exceptions a run of `day` raised: those raised before it still open at its end, and those of `day` no
    /// longer simply open.
    public func worklistBeside(day: Day) throws -> (earlier: [WorklistRow], todaysChanged: [WorklistRow]) { try read { try $0.worklistBeside(day: day) } }

    /// One exception by id.
    public func exception(id: String) throws -> ExceptionRow? { try read { try $0.exception(id: id) } }

    /// An exception's history, oldest first.
    public func history(exceptionID: String) throws -> [ExceptionHistoryRow] {
        try read { try PostgreSQLReviewRecords.history(exceptionID: exceptionID, $0.db, entity: entity) }
    }

    /// Where an exception's decision stands: its decision (empty: none), the decision's number, the number the ledger
    /// booked and the day of the run that booked it.
    public func booking(exceptionID: String) throws -> DecisionBooking? {
        try read { try PostgreSQLReviewRecords.booking(exceptionID: exceptionID, $0.db, entity: entity) }
    }

    /// Recomputes what the entity's ledger claims, as `SQLiteLedgerReader.verify` does: every entry balances per currency,
    /// the trial balance is zero, every open amount and kept total agrees with its postings, every open amount keeps its
    /// document's sign, and every row names rows that exist.
    public func verify() throws -> VerificationReport { try read { try $0.verify() } }
}

/// The reader's idle connections. `@unchecked Sendable`: a connection is reachable only through `lock` while idle, and
/// only by the one caller that took it while in use (it is given back when that caller's read ends), so no connection
/// is ever used by two threads at once.
private final class PostgreSQLIdleConnections: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [PostgreSQLConnection] = []

    /// An idle connection libpq still calls good, taken out of the pool (nil: none).
    func takeIdle() -> PostgreSQLConnection? {
        while let connection: PostgreSQLConnection = lock.withLock({ idle.popLast() }) {
            if connection.isAlive { return connection }
        }
        return nil
    }

    func giveBack(_ connection: PostgreSQLConnection) {
        lock.withLock { idle.append(connection) }
    }
}
