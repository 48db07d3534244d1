import Accounting
import Core
import Foundation

/// The SQLite ledger's writer: owns its connection (WAL mode) and commits each day in one transaction
/// (`LedgerDayWriter`); also the store of periods (`PeriodStore`) and reviewers' decisions (`ReviewStore`).
///
/// What it keeps between calls is the posting path's: statements prepared once, surrogate keys of accounts, customers
/// and invoices (a number never changes), day and currency texts bound without a copy, and the day's open amount
/// changes, account movements and unapplied cash in arrays written once at the day's end. The parts live beside this
/// file: writing a day (`+Day`), posting (`+Posting`), the day's records (`+Records`), reviews (`+Review`), periods
/// (`+Periods`); the schema and its migrations in `Schema` and `SQLiteMigrations`; reads in `SQLiteLedgerReader`.
public actor SQLiteLedgerStore: LedgerDayWriter, PeriodStore, ReviewStore {
    let database: Database
    public nonisolated let path: String

    /// Opens (creating and migrating as needed) the ledger at `path`.
    public init(path: String) throws {
        self.path = path
        database = try Database(path: path)
        try SQLiteLedgerStore.configure(database)
        try SQLiteMigrations.migrate(database)
        insertFirstEntry = try database.prepare("""
            INSERT INTO journal_entries(entry_id, source_no, revision, kind, run_id, day, effective_day, memo, key_hash, source_key)
            VALUES (?1, ?1, 1, 'original', ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(key_hash) DO NOTHING
            """)
        findSource = try database.prepare("SELECT entry_id, source_key, day FROM journal_entries WHERE key_hash = ?")
        insertEntry = try database.prepare(
            "INSERT INTO journal_entries(entry_id, source_no, revision, kind, run_id, day, effective_day, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        findCustomer = try database.prepare("SELECT customer_no FROM customers WHERE customer_id = ?")
        insertCustomer = try database.prepare("INSERT INTO customers(customer_id) VALUES (?)")
        findInvoice = try database.prepare("SELECT invoice_no FROM invoices WHERE invoice_id = ?")
        accountIDs = try SQLiteLedgerStore.accounts(database)
        accountList = accountIDs.count <= 64 ? accountIDs.map { ($0.key, $0.value) } : []
    }

    static func configure(_ db: Database) throws {
        try db.execute("PRAGMA journal_mode = WAL")
        try db.execute("PRAGMA synchronous = NORMAL")
        // No row-level foreign keys: what a posting names is checked by this program before the write, and by
        // `ledger verify` after (schema 7).
        try db.execute("PRAGMA foreign_keys = OFF")
        try db.execute("PRAGMA cache_size = -32768")
        try db.execute("PRAGMA temp_store = MEMORY")
        // The writer copies the WAL into the database itself, after a day commits, beside the run's report writing
        // (`checkpoint()`), not inside the commit that happens to cross 1,000 pages.
        try db.execute("PRAGMA wal_autocheckpoint = 0")
    }

    /// Copies committed pages from the WAL into the database file (and, with `truncate`, empties the WAL): after each
    /// day, and at the end of a run. Readers are never blocked; pages a reader still needs wait for the next one.
    public func checkpoint(truncate: Bool) throws {
        try database.execute(truncate ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")
    }

    // The statements of the posting path, prepared once (after the migrations, in `init`).
    let insertFirstEntry: Statement
    let findSource: Statement
    let insertEntry: Statement
    let findCustomer: Statement
    let insertCustomer: Statement
    let findInvoice: Statement

    /// The id the next entry gets, and the first of the commit under way (its range goes to `entry_ranges`).
    var nextEntryID: Int64 = 1
    var firstEntryID: Int64 = 1

    /// Surrogate keys: accounts (all, few), customers and invoices (kept across commits: a number never changes; what a
    /// rolled-back commit made is forgotten).
    var accountIDs: [String: Int64] = [:]
    var customerNumbers: [String: Int64] = [:]
    var invoiceNumbers: [String: Int64] = [:]

    /// Day texts: a day is formatted once, not once per entry, and bound without a copy.
    var dayTexts: [Day: InternedText] = [:]
    var lastDay: (day: Day, text: InternedText)?
    func dayText(_ day: Day) -> InternedText {
        if let last = lastDay, last.day == day { return last.text }
        let text: InternedText
        if let known = dayTexts[day] {
            text = known
        } else {
            text = InternedText(day.description)
            if dayTexts.count > 1000 { dayTexts.removeAll() }
            dayTexts[day] = text
        }
        lastDay = (day, text)
        return text
    }

    /// Currency codes as bound texts (a ledger holds a handful: a linear look-up).
    var currencyTexts: [(currency: Currency, text: InternedText)] = []
    func currencyText(_ currency: Currency) -> InternedText {
        for i in currencyTexts.indices where currencyTexts[i].currency.code == currency.code { return currencyTexts[i].text }
        let text = InternedText(currency.code)
        currencyTexts.append((currency, text))
        return text
    }

    let kindTexts: [PostedEntry.Kind: InternedText] = [
        .original: InternedText(PostedEntry.Kind.original.rawValue), .reversal: InternedText(PostedEntry.Kind.reversal.rawValue),
        .replacement: InternedText(PostedEntry.Kind.replacement.rawValue),
    ]

    /// Receivable changes per invoice number in the commit under way, applied to `invoices.open_minor` at its end.
    /// Invoice numbers are dense row ids: the changes sit in an array indexed by number, with the numbers touched.
    var openAmountChanges: [Int64] = []
    var openAmountTouched: [Int64] = []
    func changeOpenAmount(_ invoice: Int64, by amount: Int64) {
        let index = Int(invoice)
        if index >= openAmountChanges.count { openAmountChanges += Array(repeating: 0, count: max(index + 1 - openAmountChanges.count, 4096)) }
        if openAmountChanges[index] == 0 { openAmountTouched.append(invoice) }
        openAmountChanges[index] &+= amount
    }
    /// Payment differences (6900) per invoice number in the commit under way, added to `invoices.written_off_minor` at
    /// its end (few invoices a day: a dictionary).
    var writtenOffChanges: [Int64: Int64] = [:]
    /// Unapplied cash per customer, currency and effective day moved by the commit under way, added to `customer_unapplied`
    /// and `customer_unapplied_days` at its end.
    var unappliedMovements: [UnappliedKey: Int64] = [:]
    struct UnappliedKey: Hashable {
        var customer: Int64
        var currency: String
        /// The day the entry is effective (`customer_unapplied_days`: unapplied cash as of a day).
        var effectiveDay: Day
    }

    /// Movement per account and currency in the commit under way, added to `account_days` at its end (a day moves a
    /// few dozen accounts at most: a linear look-up from the last one used).
    var accountMovements: [(account: Int64, currency: Currency, amount: Int64)] = []
    func move(_ account: Int64, _ amount: Money) {
        for i in accountMovements.indices where accountMovements[i].account == account && accountMovements[i].currency == amount.currency {
            accountMovements[i].amount &+= amount.minorUnits
            return
        }
        accountMovements.append((account, amount.currency, amount.minorUnits))
    }

    static func accounts(_ db: Database) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (id, code) in try db.prepare("SELECT account_id, code FROM accounts").rows({ ($0.int(0), $0.text(1)) }) { out[code] = id }
        return out
    }

    func loadAccounts() throws {
        accountIDs = try SQLiteLedgerStore.accounts(database)
        accountList = accountIDs.count <= 64 ? accountIDs.map { ($0.key, $0.value) } : []
    }
    var accountList: [(code: String, id: Int64)] = []

    public func beginRun(manifest: String, firstDay: Day, lastDay: Day, startedAt: String) throws -> Int64 {
        try database.prepare("INSERT INTO runs(started_at, manifest, first_day, last_day, status) VALUES (?, ?, ?, ?, 'running')")
            .bind(.text(startedAt), .text(manifest), .text(firstDay.description), .text(lastDay.description)).run()
        return database.lastInsertRowID
    }

    public func finishRun(_ runID: Int64, status: String) throws {
        try database.prepare("UPDATE runs SET status = ? WHERE run_id = ?").bind(.text(status), .integer(runID)).run()
    }

    /// The day whose transaction is open, and what it has posted so far.
    var openDay: (runID: Int64, day: Day)?
    /// The last closed day when the open day began: an entry effective in the closed period is booked on the first
    /// open day instead, its memo naming the day it belongs to.
    var closedThroughDay: Day?
    var dayOutcome = CommitOutcome()
    /// The source numbers (each key's first entry) of what this run of the day posted or found unchanged: a rerun
    /// reverses what earlier runs posted and this one did not. Numbers, not the keys' text: a million keys of a
    /// day would otherwise be kept to its end for a comparison only a rerun makes.
    var daySources: [Int64] = []
    /// The ACH entry rows the open day wrote, and their customers (`DayEffects.achCustomers`).
    var dayACHRows = DayACHRows()

    /// Fault injection for the crash test (`scripts/crash-test.sh`): `SETTLE_FAULT_KILL_AFTER_POSTINGS=N` kills the
    /// process with SIGKILL right after its N-th posting is written, in the middle of a day's transaction. Only in a
    /// build with `SETTLE_FAULTS` (`FaultInjection`).
    static let killAfterPostings: Int? = FaultInjection.killAfterPostings
    var postingsWritten = 0

    /// INSERT statements for 1 to 4 postings at once: one statement per entry instead of one per posting.
    var insertPostingRows: [Statement] = []

    /// The customer and invoice of the posting before: an entry's receivable, discount and write-off postings name
    /// the same ones, so most look-ups end at a string comparison.
    var lastCustomer: (id: String, number: Int64)?
    var lastInvoice: (id: String, number: Int64)?
}
