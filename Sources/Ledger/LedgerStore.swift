import Accounting
import Core
import Foundation

/// Why the ledger could not be used.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The one writer of a ledger: owns its SQLite connection (WAL mode) and commits each day in one transaction.
public actor LedgerStore {
    private let database: Database
    public nonisolated let path: String
    /// The schema version this program writes.
    public static let schemaVersion = Schema.version

    /// Opens (creating and migrating as needed) the ledger at `path`.
    public init(path: String) throws {
        self.path = path
        database = try Database(path: path)
        try LedgerStore.configure(database)
        try LedgerStore.migrate(database)
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
        accountIDs = try LedgerStore.accounts(database)
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
    public func checkpoint(truncate: Bool = false) throws {
        try database.execute(truncate ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")
    }

    // The statements of the posting path, prepared once (after the migrations, in `init`).
    private let insertFirstEntry: Statement
    private let findSource: Statement
    private let insertEntry: Statement
    private let findCustomer: Statement
    private let insertCustomer: Statement
    private let findInvoice: Statement

    /// The id the next entry gets, and the first of the commit under way (its range goes to `entry_ranges`).
    private var nextEntryID: Int64 = 1
    private var firstEntryID: Int64 = 1

    /// Surrogate keys: accounts (all, few), customers and invoices (kept across commits: a number never changes; what a
    /// rolled-back commit made is forgotten).
    private var accountIDs: [String: Int64] = [:]
    private var customerNumbers: [String: Int64] = [:]
    private var invoiceNumbers: [String: Int64] = [:]

    /// Day texts: a day is formatted once, not once per entry, and bound without a copy.
    private var dayTexts: [Day: InternedText] = [:]
    private var lastDay: (day: Day, text: InternedText)?
    private func dayText(_ day: Day) -> InternedText {
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
    private var currencyTexts: [(currency: Currency, text: InternedText)] = []
    private func currencyText(_ currency: Currency) -> InternedText {
        for i in currencyTexts.indices where currencyTexts[i].currency.code == currency.code { return currencyTexts[i].text }
        let text = InternedText(currency.code)
        currencyTexts.append((currency, text))
        return text
    }

    private let kindTexts: [PostedEntry.Kind: InternedText] = [
        .original: InternedText(PostedEntry.Kind.original.rawValue), .reversal: InternedText(PostedEntry.Kind.reversal.rawValue),
        .replacement: InternedText(PostedEntry.Kind.replacement.rawValue),
    ]

    /// Receivable changes per invoice number in the commit under way, applied to `invoices.open_minor` at its end.
    /// Invoice numbers are dense row ids: the changes sit in an array indexed by number, with the numbers touched.
    private var openAmountChanges: [Int64] = []
    private var openAmountTouched: [Int64] = []
    private func changeOpenAmount(_ invoice: Int64, by amount: Int64) {
        let index = Int(invoice)
        if index >= openAmountChanges.count { openAmountChanges += Array(repeating: 0, count: max(index + 1 - openAmountChanges.count, 4096)) }
        if openAmountChanges[index] == 0 { openAmountTouched.append(invoice) }
        openAmountChanges[index] &+= amount
    }
    /// Unapplied cash per customer and currency moved by the commit under way, added to `customer_unapplied` at its end.
    private var unappliedMovements: [UnappliedKey: Int64] = [:]
    private struct UnappliedKey: Hashable {
        var customer: Int64
        var currency: String
    }

    /// Movement per account and currency in the commit under way, added to `account_days` at its end (a day moves a
    /// few dozen accounts at most: a linear look-up from the last one used).
    private var accountMovements: [(account: Int64, currency: Currency, amount: Int64)] = []
    private func move(_ account: Int64, _ amount: Money) {
        for i in accountMovements.indices where accountMovements[i].account == account && accountMovements[i].currency == amount.currency {
            accountMovements[i].amount &+= amount.minorUnits
            return
        }
        accountMovements.append((account, amount.currency, amount.minorUnits))
    }

    static func migrate(_ db: Database) throws {
        let statement = try db.prepare("PRAGMA user_version")
        _ = try statement.step()
        let current = Int(statement.int(0))
        statement.reset()
        if current > Schema.version {
            throw LedgerError("the ledger \(db.path) has schema version \(current), newer than this program's \(Schema.version): use a newer settle")
        }
        guard current < Schema.version else { return }
        try db.transaction {
            for index in current..<Schema.version {
                try db.execute(Schema.migrations[index])
                try Schema.finish(migration: index + 1, db)
            }
            for account in ChartOfAccounts.defaults {
                try db.prepare("INSERT OR IGNORE INTO accounts(code, name, type) VALUES (?, ?, ?)")
                    .bind(.text(account.code), .text(account.name), .text(account.type)).run()
            }
            try db.execute("PRAGMA user_version = \(Schema.version)")
        }
    }

    private static func accounts(_ db: Database) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (id, code) in try db.prepare("SELECT account_id, code FROM accounts").rows({ ($0.int(0), $0.text(1)) }) { out[code] = id }
        return out
    }

    private func loadAccounts() throws {
        accountIDs = try LedgerStore.accounts(database)
        accountList = accountIDs.count <= 64 ? accountIDs.map { ($0.key, $0.value) } : []
    }
    private var accountList: [(code: String, id: Int64)] = []

    public func beginRun(manifest: String, firstDay: Day, lastDay: Day, startedAt: String) throws -> Int64 {
        try database.prepare("INSERT INTO runs(started_at, manifest, first_day, last_day, status) VALUES (?, ?, ?, ?, 'running')")
            .bind(.text(startedAt), .text(manifest), .text(firstDay.description), .text(lastDay.description)).run()
        return database.lastInsertRowID
    }

    public func finishRun(_ runID: Int64, status: String) throws {
        try database.prepare("UPDATE runs SET status = ? WHERE run_id = ?").bind(.text(status), .integer(runID)).run()
    }








    /// Commits one day: invoices, journal entries (each source key at most once; reversal and replacement for
    /// what changed), applications, exceptions and ingested files, in one transaction.
    /// With `dryRun`, everything is computed inside the transaction and then rolled back.
    public func commit(_ day: DayCommit, dryRun: Bool = false) throws -> CommitOutcome {
        try beginDay(runID: day.runID, day: day.day)
        return try finishDay(day, dryRun: dryRun)
    }

    // MARK: - The day's transaction

    /// The day whose transaction is open, and what it has posted so far.
    private var openDay: (runID: Int64, day: Day)?
    /// The last closed day when the open day began: an entry effective in the closed period is booked on the first
    /// open day instead, its memo naming the day it belongs to.
    private var closedThroughDay: Day?
    private var dayOutcome = CommitOutcome()
    /// The source numbers (each key's first entry) of what this run of the day posted or found unchanged: a rerun
    /// reverses what earlier runs posted and this one did not. Numbers, not the keys' text: a million keys of a
    /// day would otherwise be kept to its end for a comparison only a rerun makes.
    private var daySources: [Int64] = []
    /// The rowids of the ACH entry rows the open day wrote, in order (for `LedgerBatch.achCustomers`).
    private var dayACHRows: [Int64] = []

    /// Opens the day's transaction: what `post(_:)` and `finishDay` write is one atomic day, or nothing.
    public func beginDay(runID: Int64, day: Day) throws {
        guard openDay == nil else { throw LedgerError("a day (\(openDay.map { "\($0.day)" } ?? "")) is already open in this ledger writer") }
        if invoiceNumbers.count > 2_000_000 { invoiceNumbers.removeAll() }
        for invoice in openAmountTouched { openAmountChanges[Int(invoice)] = 0 }
        openAmountTouched.removeAll(keepingCapacity: true)
        accountMovements.removeAll(keepingCapacity: true)
        unappliedMovements.removeAll(keepingCapacity: true)
        lastInvoice = nil
        lastCustomer = nil
        dayOutcome = CommitOutcome()
        daySources = []
        dayACHRows = []
        try database.execute("BEGIN IMMEDIATE")
        openDay = (runID, day)
        do {
            let next = try database.prepare("SELECT COALESCE(MAX(entry_id), 0) + 1 FROM journal_entries")
            _ = try next.step()
            nextEntryID = next.int(0)
            next.reset()
            firstEntryID = nextEntryID
            closedThroughDay = try LedgerStore.closedThrough(database)
            try resetDayRecords(day)
        } catch {
            abandonDay()
            throw error
        }
    }

    /// Writes part of the open day as soon as it is known (the day's new invoices and their openings before
    /// matching is done, settlements after reconciliation, ...), so the writer works while the run computes the rest.
    /// Entries are posted in the order batches arrive. A failure rolls the whole day back.
    public func post(_ batch: LedgerBatch) throws {
        guard let open = openDay else { throw LedgerError("no day is open in this ledger writer: call beginDay first") }
        do {
            var clock = PhaseClock()
            try writeAccounts(cashAccounts: batch.cashAccounts, accountNames: batch.accountNames)
            dayOutcome.newInvoiceCount += try writeInvoices(batch.invoices, day: open.day)
            clock.lap("invoices", into: &dayOutcome)
            if dayOutcome.posted.capacity < dayOutcome.posted.count + batch.entries.count {
                dayOutcome.posted.reserveCapacity(dayOutcome.posted.count + batch.entries.count)
            }
            // Drafts are borrowed where they lie, not copied out of the array one by one.
            if let closed = closedThroughDay, batch.entries.contains(where: { $0.effectiveDay <= closed }) {
                // What belongs to a closed day is booked on the first open day, with the day it belongs to in its memo.
                let firstOpen = closed.adding(days: 1)
                for var draft in batch.entries {
                    if draft.effectiveDay <= closed {
                        draft.memo += " (belongs to \(draft.effectiveDay), in the period closed through \(closed))"
                        draft.effectiveDay = firstOpen
                    }
                    try post(draft, runID: open.runID, day: open.day, outcome: &dayOutcome)
                }
            } else {
                try batch.entries.withUnsafeBufferPointer { drafts in
                    for i in drafts.indices {
                        try post(drafts[i], runID: open.runID, day: open.day, outcome: &dayOutcome)
                    }
                }
            }
            clock.lap("entries", into: &dayOutcome)
            try writeDecisions(batch, runID: open.runID, day: open.day)
            clock.lap("decisions", into: &dayOutcome)
            try writeACH(batch, runID: open.runID, day: open.day)
            for booked in batch.bookedReviews {
                try database.prepare("UPDATE exceptions SET booked_seq = ?, booked_day = ? WHERE exception_id = ?")
                    .bind(.integer(booked.seq), .text(open.day.description), .text(booked.exceptionID)).run()
            }
            for a in batch.bankAccounts {
                try database.prepare("""
                    INSERT INTO bank_accounts(number, bank, currency, code, first_day, reclass_from) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(number, bank, currency) DO UPDATE SET code = excluded.code
                    """).bind(.text(a.number), .text(a.bank), .text(a.currency), .text(a.code), .text(a.firstDay.description), .text(a.reclassFrom)).run()
            }
            try writeHeld(batch, runID: open.runID, day: open.day)
            for f in batch.files {
                try database.prepare("INSERT OR IGNORE INTO ingested_files(sha256, size_bytes, name, run_id, day, archive_path, source) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(.text(f.sha256), .integer(f.sizeBytes), .text(f.name), .integer(f.runID), .text(f.day.description), .text(f.archivePath),
                          .text(f.source)).run()
            }
            clock.lap("records", into: &dayOutcome)
        } catch {
            abandonDay()
            throw error
        }
    }

    /// The entries the open day has posted since the last call (or its start), handed over and no longer kept: a
    /// caller that takes them as the day goes keeps a million posted entries from being held to its end. What
    /// `finishDay` returns as posted is then what was posted after the last call.
    public func takePosted() -> [PostedEntry] {
        let taken = dayOutcome.posted
        dayOutcome.posted = []
        return taken
    }

    /// Writes the rest of the day and commits it (or, with `dryRun`, rolls it all back): the last entries, reversals
    /// of keys earlier runs of the day posted and this one no longer produces, open amounts and account movements,
    /// decisions, ACH records and ingested files.
    public func finishDay(_ day: DayCommit, dryRun: Bool = false) throws -> CommitOutcome {
        guard let open = openDay, open.day == day.day, open.runID == day.runID else {
            throw LedgerError("finishDay(\(day.day)) does not match the open day \(openDay.map { "\($0.day)" } ?? "(none)")")
        }
        try post(day.batch)
        var outcome = dayOutcome
        do {
            var clock = PhaseClock()
            // A key a run of this day posted before and this run no longer produces is reversed: the day's books are
            // what this run computes, nothing more. (This commit's own range is not in entry_ranges yet.)
            let earlier = try database.prepare("""
                SELECT DISTINCT f.entry_id, f.source_key FROM entry_ranges r JOIN journal_entries j ON j.entry_id BETWEEN r.first_entry_id AND r.last_entry_id
                JOIN journal_entries f ON f.entry_id = j.source_no WHERE r.day = ? ORDER BY 2
                """).bind(.text(day.day.description)).rows { ($0.int(0), $0.text(1)) }
            if !earlier.isEmpty {
                let produced = Set(daySources)
                for (source, key) in earlier where !produced.contains(source) {
                    try post(JournalEntryDraft(sourceKey: key, effectiveDay: day.day, memo: "No longer produced by a run of \(day.day)", postings: []),
                             runID: day.runID, day: day.day, outcome: &outcome)
                }
            }
            clock.lap("reversals", into: &outcome)
            try writeBalances(day: day.day)
            if !day.bankTies.isEmpty {
                outcome.bankTies = try tieToBank(day.bankTies, runDay: day.day)
                var raised = LedgerBatch()
                raised.exceptions = day.raiseBankDifferences?(outcome.bankTies) ?? []
                try writeDecisions(raised, runID: day.runID, day: day.day)
                try resolveTiedAgain(outcome.bankTies, runDay: day.day, runID: day.runID)
            }
            try resolveWhatIsGone(day: day.day, runID: day.runID)
            if nextEntryID > firstEntryID {
                try database.prepare("INSERT INTO entry_ranges(first_entry_id, last_entry_id, day, run_id) VALUES (?, ?, ?, ?)")
                    .bind(.integer(firstEntryID), .integer(nextEntryID - 1), .text(day.day.description), .integer(day.runID)).run()
            }
            clock.lap("balances", into: &outcome)
            if dryRun {
                abandonDay()
            } else {
                try database.execute("COMMIT")
                openDay = nil
                daySources = []
            }
            clock.lap("commit", into: &outcome)
        } catch {
            abandonDay()
            throw error
        }
        return outcome
    }

    /// Rolls the open day back (nothing of it stays) and forgets the surrogate keys it made.
    public func abandonDay() {
        guard openDay != nil else { return }
        try? database.execute("ROLLBACK")
        openDay = nil
        daySources = []
        try? loadAccounts()
        customerNumbers.removeAll()
        invoiceNumbers.removeAll()
    }

    /// Times the parts of a commit (they go to the run log).
    private struct PhaseClock {
        var mark = ContinuousClock.now
        mutating func lap(_ phase: String, into outcome: inout CommitOutcome) {
            let now = ContinuousClock.now
            if let i = outcome.timings.firstIndex(where: { $0.0 == phase }) {
                outcome.timings[i].1 += now - mark
            } else {
                outcome.timings.append((phase, now - mark))
            }
            mark = now
        }
    }

    private func writeAccounts(cashAccounts: [(code: String, name: String)], accountNames: [(code: String, name: String, type: String)]) throws {
        var changed = false
        for account in cashAccounts where accountIDs[account.code] == nil {
            try database.prepare("INSERT OR IGNORE INTO accounts(code, name, type) VALUES (?, ?, 'asset')").bind(.text(account.code), .text(account.name)).run()
            changed = true
        }
        for account in accountNames {
            try database.prepare("""
                INSERT INTO accounts(code, name, type) VALUES (?, ?, ?)
                ON CONFLICT(code) DO UPDATE SET name = excluded.name, type = CASE WHEN ? = '' THEN accounts.type ELSE excluded.type END
                """).bind(.text(account.code), .text(account.name), .text(account.type.isEmpty ? "asset" : account.type), .text(account.type)).run()
            changed = true
        }
        if changed { try loadAccounts() }
    }

    /// Inserts new invoices (opened today) and updates the fields of known ones; returns how many were new.
    private func writeInvoices(_ invoices: [LedgerInvoice], day: Day) throws -> Int {
        var newCount = 0
        let insert = try database.prepare("""
            INSERT INTO invoices(invoice_id, customer_no, issue_day, due_day, currency, amount_minor, open_minor, terms, po_number, opened_day)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
            """)
        let update = try database.prepare("""
            UPDATE invoices SET customer_no = ?, issue_day = ?, due_day = ?, amount_minor = ?, terms = ?, po_number = ?, opened_day = COALESCE(opened_day, ?)
            WHERE invoice_no = ?
            """)
        for invoice in invoices {
            let customer = try customerNumber(invoice.customerID)
            if let number = try invoiceNumber(invoice.invoiceID, required: false) {
                try update.bind(.integer(customer), .text(invoice.issueDay.description), .text(invoice.dueDay.description), .integer(invoice.amount.minorUnits),
                                .text(invoice.terms), .text(invoice.poNumber), .text(day.description), .integer(number)).run()
            } else {
                try insert.bind(.text(invoice.invoiceID), .integer(customer), .text(invoice.issueDay.description), .text(invoice.dueDay.description),
                                .text(invoice.amount.currency.code), .integer(invoice.amount.minorUnits), .text(invoice.terms), .text(invoice.poNumber),
                                .text(day.description)).run()
                invoiceNumbers[invoice.invoiceID] = database.lastInsertRowID
                newCount += 1
            }
        }
        return newCount
    }

    /// Open amounts and account movements of the commit, in the same transaction as its postings.
    private func writeBalances(day: Day) throws {
        let update = try database.prepare("UPDATE invoices SET open_minor = open_minor + ? WHERE invoice_no = ?")
        // A change that went back to zero and moved again is listed twice: each number is written once.
        var previous: Int64 = -1
        for invoice in openAmountTouched.sorted() where invoice != previous {
            previous = invoice
            let change = openAmountChanges[Int(invoice)]
            guard change != 0 else { continue }
            try update.bind(1, change)
            try update.bind(2, invoice)
            try update.execute()
        }
        let movement = try database.prepare("""
            INSERT INTO account_days(account_id, day, currency, amount_minor) VALUES (?, ?, ?, ?)
            ON CONFLICT(account_id, day, currency) DO UPDATE SET amount_minor = amount_minor + excluded.amount_minor
            """)
        for m in accountMovements.sorted(by: { ($0.account, $0.currency.code) < ($1.account, $1.currency.code) }) {
            try movement.bind(.integer(m.account), .text(day.description), .text(m.currency.code), .integer(m.amount)).run()
        }
        let customer = try database.prepare("""
            INSERT INTO customer_unapplied(customer_no, currency, amount_minor) VALUES (?, ?, ?)
            ON CONFLICT(customer_no, currency) DO UPDATE SET amount_minor = amount_minor + excluded.amount_minor
            """)
        for (key, amount) in unappliedMovements.sorted(by: { ($0.key.customer, $0.key.currency) < ($1.key.customer, $1.key.currency) }) where amount != 0 {
            try customer.bind(.integer(key.customer), .text(key.currency), .integer(amount)).run()
        }
    }

    /// Each statement closing against the books inside the day's transaction (everything of the day written): the
    /// cash account's movements of runs of days up to the statement's day when it is the day run (the account's day
    /// totals), else its postings of entries effective on or before that day.
    private func tieToBank(_ checks: [BankTieCheck], runDay: Day) throws -> [BankTieResult] {
        try checks.map { check in
            let currency = check.closing.currency
            guard let account = accountIDs[check.cashAccount] else { return BankTieResult(check: check, book: .zero(currency)) }
            let sql = check.statementDay >= runDay
                ? "SELECT COALESCE(SUM(amount_minor), 0) FROM account_days WHERE account_id = ? AND currency = ? AND day <= ?"
                : """
                  SELECT COALESCE(SUM(p.amount_minor), 0) FROM postings p JOIN journal_entries j ON j.entry_id = p.entry_id
                  WHERE p.account_id = ? AND p.currency = ? AND j.effective_day <= ?
                  """
            let through = check.statementDay >= runDay ? runDay : check.statementDay
            let book = try database.prepare(sql).bind(.integer(account), .text(currency.code), .text(through.description)).rows { $0.int(0) }.first ?? 0
            return BankTieResult(check: check, book: Money(minorUnits: book, currency: currency))
        }
    }

    /// A bank difference of an earlier day resolves itself when a later statement of its account and currency ties
    /// (decided by settle, with a note naming the statement); a reviewer's decision is never overridden.
    private func resolveTiedAgain(_ results: [BankTieResult], runDay: Day, runID: Int64) throws {
        for result in results where result.ties {
            let ref = "\(result.check.cashAccount):\(result.check.closing.currency.code)"
            let open = try database.prepare("SELECT exception_id FROM exceptions WHERE type = 'BANK_DIFFERENCE' AND status = 'open' AND source_ref = ? AND day < ? AND last_run_id != ?")
                .bind(.text(ref), .text(runDay.description), .integer(runID)).rows { $0.text(0) }
            let note = "the books of \(result.check.displayAccount) tie with the statement of \(result.check.statementDay) (\(result.check.closing)) again, run \(runID) of \(runDay)"
            try resolveBySettle(open.map { ($0, note) }, resolution: "settled", runID: runID)
        }
    }

    /// Exceptions settle resolves itself (their cause went away), each with its note and a line of history; one a
    /// reviewer decided, or no longer open, is left as it is. `auto`: raised again by a run of its day, it opens again;
    /// `settled`: a later day's run resolved it, and a rerun of its own day leaves it resolved.
    private func resolveBySettle(_ exceptions: [(id: String, note: String)], resolution: String, runID: Int64) throws {
        guard !exceptions.isEmpty else { return }
        let at = Timestamp.now()
        let update = try database.prepare("""
            UPDATE exceptions SET status = 'resolved', resolution = ?, resolution_note = ?, resolved_at = ?
            WHERE exception_id = ? AND status = 'open' AND decision = ''
            """)
        for (id, note) in exceptions {
            try update.bind(.text(resolution), .text(note), .text(at), .text(id)).run()
            if database.changes == 1 {
                try appendHistory(exceptionID: id, at: at, action: "auto-resolve", decision: "", applications: "", note: note, by: "settle", approvedBy: "", runID: runID)
            }
        }
    }

    /// An exception of the day an earlier run raised and this run does not (the invoice was paid by another receipt,
    /// the file turned out a duplicate) is resolved by settle itself, with a note saying why; raised again later, it
    /// opens again.
    private func resolveWhatIsGone(day: Day, runID: Int64) throws {
        let gone = try database.prepare("SELECT exception_id FROM exceptions WHERE day = ? AND status = 'open' AND last_run_id != ?")
            .bind(.text(day.description), .integer(runID)).rows { $0.text(0) }
        let note = "no longer raised by run \(runID) of \(day): its cause is gone"
        try resolveBySettle(gone.map { ($0, note) }, resolution: "auto", runID: runID)
    }

    private func appendHistory(exceptionID: String, at: String, action: String, decision: String, applications: String, note: String, by: String,
                               approvedBy: String, runID: Int64?) throws {
        try database.prepare("""
            INSERT INTO exception_history(exception_id, at, action, decision, applications, note, by, approved_by, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).bind(.text(exceptionID), .text(at), .text(action), .text(decision), .text(applications), .text(note), .text(by), .text(approvedBy),
                      runID.map { .integer($0) } ?? .null).run()
    }

    // MARK: - Closed periods

    /// The last day of the closed period (nil: nothing closed).
    public func closedThrough() throws -> Day? {
        try LedgerStore.closedThrough(database)
    }

    static func closedThrough(_ db: Database) throws -> Day? {
        let s = try db.prepare("SELECT closed_through FROM period_changes ORDER BY change_id DESC LIMIT 1")
        defer { s.reset() }
        guard try s.step(), !s.isNull(0) else { return nil }
        return try Stored.day(s.text(0), "period_changes")
    }

    /// Closes every day through `day`: runs of those days post nothing; what belongs to them is booked on the first
    /// open day. Recorded with why and by whom.
    public func closePeriod(through day: Day, note: String, by: String, at: String) throws {
        if let current = try closedThrough(), current >= day { throw LedgerError("the period is already closed through \(current)") }
        try database.prepare("INSERT INTO period_changes(action, closed_through, note, by, at) VALUES ('close', ?, ?, ?, ?)")
            .bind(.text(day.description), .text(note), .text(by), .text(at)).run()
    }

    /// Opens `day` and every day after it again (the period stays closed through the day before).
    public func reopenPeriod(from day: Day, note: String, by: String, at: String) throws {
        guard let current = try closedThrough(), current >= day else { throw LedgerError("\(day) is not in a closed period") }
        let through = day.adding(days: -1)
        try database.prepare("INSERT INTO period_changes(action, closed_through, note, by, at) VALUES ('reopen', ?, ?, ?, ?)")
            .bind(.text(through.description), .text(note), .text(by), .text(at)).run()
    }

    // MARK: - Reviewers' decisions

    /// Records a reviewer's decision (checked by the caller against the ledger): the exception is resolved, the decision
    /// waits for the next run (or a rerun of its day) to book it, and the history keeps it.
    public func recordDecision(exceptionID: String, decision: ReviewDecisionKind, applications: [ReviewApplication], note: String, by: String,
                               approvedBy: String, at: String) throws {
        let text = ReviewApplication.text(applications)
        let summary = text.isEmpty ? decision.rawValue : "\(decision.rawValue) \(text)"
        try database.transaction {
            try database.prepare("""
                UPDATE exceptions SET status = 'resolved', resolution = ?, resolution_note = ?, resolved_at = ?, decision = ?, decision_applications = ?,
                    decided_by = ?, approved_by = ?, decision_seq = decision_seq + 1
                WHERE exception_id = ?
                """).bind(.text(summary), .text(note), .text(at), .text(decision.rawValue), .text(text), .text(by), .text(approvedBy), .text(exceptionID)).run()
            guard database.changes == 1 else { throw LedgerError("no exception \(exceptionID) in \(path)") }
            try appendHistory(exceptionID: exceptionID, at: at, action: "resolve", decision: decision.rawValue, applications: text, note: note, by: by,
                              approvedBy: approvedBy, runID: nil)
        }
    }

    /// Opens a decided exception again: the next run reverses what its decision booked.
    public func reopenException(id: String, note: String, by: String, at: String) throws {
        try database.transaction {
            try database.prepare("""
                UPDATE exceptions SET status = 'open', resolution = '', resolution_note = ?, resolved_at = NULL, decision = '', decision_applications = '',
                    decided_by = '', approved_by = '', decision_seq = decision_seq + 1
                WHERE exception_id = ?
                """).bind(.text(note), .text(id)).run()
            guard database.changes == 1 else { throw LedgerError("no exception \(id) in \(path)") }
            try appendHistory(exceptionID: id, at: at, action: "reopen", decision: "", applications: "", note: note, by: by, approvedBy: "", runID: nil)
        }
    }

    /// A run of a day replaces the day's decisions, ACH entries, statement balances and settlement items: cleared when
    /// its transaction opens (reads of the state before the day go through `LedgerView`, which does not see this).
    /// Held receipts and the day's re-applications of earlier ones; exceptions whose held cash went where it belongs.
    private func writeHeld(_ batch: LedgerBatch, runID: Int64, day: Day) throws {
        if !batch.heldReceipts.isEmpty {
            let held = try database.prepare("""
                INSERT OR REPLACE INTO held_receipts(source_key, receipt_id, customer_id, currency, amount_minor, day, value_day, source, source_ref, payer_name,
                                                     free_text, remittance, location, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for h in batch.heldReceipts {
                try held.bind(.text(h.sourceKey), .text(h.receiptID), .text(h.customerID), .text(h.amount.currency.code), .integer(h.amount.minorUnits),
                              .text(h.day.description), .text(h.valueDay.description), .text(h.source), .text(h.sourceRef), .text(h.payerName), .text(h.freeText),
                              .text(h.remittance), .text(h.location), .integer(runID)).run()
            }
        }
        if !batch.reapplications.isEmpty {
            let moved = try database.prepare("INSERT OR REPLACE INTO reapplications(source_key, day, invoice_id, amount_minor, run_id) VALUES (?, ?, ?, ?, ?)")
            for r in batch.reapplications {
                try moved.bind(.text(r.sourceKey), .text(day.description), .text(r.invoiceID), .integer(r.amount.minorUnits), .integer(runID)).run()
            }
        }
        try resolveBySettle(batch.resolvedBySettle.map { ($0.exceptionID, $0.note) }, resolution: "settled", runID: runID)
    }

    private func resetDayRecords(_ day: Day) throws {
        let dayText = day.description
        try database.prepare("DELETE FROM held_receipts WHERE day = ?").bind(.text(dayText)).run()
        try database.prepare("DELETE FROM reapplications WHERE day = ?").bind(.text(dayText)).run()
        try database.prepare("DELETE FROM applications WHERE day = ?").bind(.text(dayText)).run()
        try database.prepare("DELETE FROM ach_entry_customers WHERE entry_rowid IN (SELECT rowid FROM ach_entries WHERE day = ?)").bind(.text(dayText)).run()
        try database.prepare("DELETE FROM ach_entries WHERE day = ?").bind(.text(dayText)).run()
        try database.prepare("DELETE FROM statement_balances WHERE day = ?").bind(.text(dayText)).run()
        // A rerun of the day starts from the items as they stood before it.
        try database.prepare("DELETE FROM settlement_items WHERE first_day = ?").bind(.text(dayText)).run()
        try database.prepare("UPDATE settlement_items SET settled_day = NULL, settled_by = NULL WHERE settled_day = ?").bind(.text(dayText)).run()
        try database.prepare("UPDATE settlement_items SET unsettled_day = NULL WHERE unsettled_day = ?").bind(.text(dayText)).run()
    }

    private func writeDecisions(_ day: LedgerBatch, runID: Int64, day today: Day) throws {
        guard !day.applications.isEmpty || !day.exceptions.isEmpty else { return }
        let application = try database.prepare("""
            INSERT INTO applications(run_id, day, receipt_id, source_key, invoice_id, customer_id, applied_minor, discount_minor, writeoff_minor, currency, rule, confidence,
                                     evidence, reason_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let dayText = today.description
        for a in day.applications {
            try application.bind(.integer(runID), .text(dayText), .text(a.receiptID), .text(a.sourceKey), .optional(a.invoiceID), .optional(a.customerID),
                                 .integer(a.applied.minorUnits), .integer(a.discount.minorUnits), .integer(a.writeOff.minorUnits), .text(a.applied.currency.code),
                                 .text(a.rule), .integer(Int64(a.confidence)), .text(a.evidence), .text(a.reasonCode)).run()
        }
        let exception = try database.prepare("""
            INSERT INTO exceptions(exception_id, first_run_id, last_run_id, day, type, severity, receipt_id, source, source_ref, location, customer_id,
                                   amount_minor, currency, invoice_ids, message, suggestions, evidence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(exception_id) DO UPDATE SET last_run_id = excluded.last_run_id, message = excluded.message,
                suggestions = excluded.suggestions, location = excluded.location, evidence = excluded.evidence,
                status = CASE WHEN exceptions.resolution = 'auto' THEN 'open' ELSE exceptions.status END,
                resolution = CASE WHEN exceptions.resolution = 'auto' THEN '' ELSE exceptions.resolution END
            """)
        for e in day.exceptions {
            try exception.bind(.text(e.exceptionID), .integer(runID), .integer(runID), .text(e.day.description), .text(e.type), .text(e.severity),
                               .text(e.receiptID), .text(e.source), .text(e.sourceRef), .text(e.location), .text(e.customerID),
                               e.amount.map { .integer($0.minorUnits) } ?? .null, .optional(e.amount?.currency.code),
                               .text(e.invoiceIDs.joined(separator: "|")), .text(e.message), .text(e.suggestions), .text(e.evidence)).run()
        }
    }

    // MARK: - Surrogate keys

    /// The source key's number (the id of its first entry) and the run day of that entry (empty for one posted now),
    /// found through its hash,
    /// walking on past other keys with the same hash. With `firstEntry`, a key not posted yet is posted now: that
    /// entry is inserted under the first free hash and `isNew` is true.
    private func findOrPostSource(_ key: String, firstEntry: (runID: Int64, day: Day, effectiveDay: Day, memo: String)?) throws
        -> (number: Int64, day: String, isNew: Bool)? {
        var hash = SourceKeyHash.of(key)
        while true {
            if let entry = firstEntry {
                let s = insertFirstEntry
                try s.bind(1, nextEntryID)
                try s.bind(2, entry.runID)
                try s.bind(3, dayText(entry.day))
                try s.bind(4, dayText(entry.effectiveDay))
                try s.bind(6, hash)
                // The key and memo are bound in place and the statement stepped while they are.
                try Statement.withBytes(key) { keyBytes in
                    try Statement.withBytes(entry.memo) { memoBytes in
                        try s.bind(5, static: memoBytes)
                        try s.bind(7, static: keyBytes)
                        try s.execute()
                    }
                }
                if database.changes == 1 {
                    let number = nextEntryID
                    nextEntryID += 1
                    return (number, "", true)
                }
            }
            try findSource.bind(1, hash)
            guard try findSource.step() else {
                findSource.reset()
                return nil
            }
            let number = findSource.int(0)
            let same = findSource.textEquals(1, key)
            let day = same ? findSource.text(2) : ""
            findSource.reset()
            if same { return (number, day, false) }
            hash = SourceKeyHash.next(hash)
        }
    }

    private func accountID(_ code: String, for sourceKey: String) throws -> Int64 {
        // A chart of accounts is short and its codes are small strings: comparing beats hashing.
        for known in accountList where known.code == code { return known.id }
        guard let id = accountIDs[code] else { throw LedgerError("entry \(sourceKey) posts to account \(code), which the ledger does not have") }
        return id
    }

    private func customerNumber(_ id: String) throws -> Int64 {
        if let number = customerNumbers[id] { return number }
        try findCustomer.bind(1, id)
        let number: Int64
        if try findCustomer.step() {
            number = findCustomer.int(0)
            findCustomer.reset()
        } else {
            findCustomer.reset()
            try insertCustomer.bind(1, id)
            try insertCustomer.execute()
            number = database.lastInsertRowID
        }
        if customerNumbers.count > 1_000_000 { customerNumbers.removeAll() }
        customerNumbers[id] = number
        return number
    }

    private func invoiceNumber(_ id: String, required: Bool, for sourceKey: String = "") throws -> Int64? {
        if let number = invoiceNumbers[id] { return number }
        try findInvoice.bind(1, id)
        defer { findInvoice.reset() }
        guard try findInvoice.step() else {
            if required { throw LedgerError("entry \(sourceKey) posts to invoice \(id), which the ledger does not have") }
            return nil
        }
        let number = findInvoice.int(0)
        invoiceNumbers[id] = number
        return number
    }

    // MARK: - Posting

    private func post(_ draft: borrowing JournalEntryDraft, runID: Int64, day: Day, outcome: inout CommitOutcome) throws {
        // Checked before anything of it is written (a failed precondition ends the process: the transaction never commits).
        precondition(draft.isBalanced, "journal entry \(draft.sourceKey) does not balance")
        let hasMoney = draft.postings.contains { $0.amount.minorUnits != 0 }
        // A key never posted (the common case) is posted by the look-up itself: revision 1, nothing more to read.
        guard let (source, _, isNew) = try findOrPostSource(draft.sourceKey, firstEntry: hasMoney ? (runID, day, draft.effectiveDay, draft.memo) : nil) else {
            // Nothing to post, and nothing was ever posted under the key.
            outcome.unchangedCount += 1
            return
        }
        daySources.append(source)
        if isNew {
            let postings = draft.postings.allSatisfy { $0.amount.minorUnits != 0 } ? draft.postings : draft.postings.filter { $0.amount.minorUnits != 0 }
            try insertPostings(postings, entryID: source, sourceKey: draft.sourceKey)
            outcome.posted.append(PostedEntry(entryID: source, sourceKey: draft.sourceKey, revision: 1, kind: .original, runID: runID,
                                              effectiveDay: draft.effectiveDay, memo: draft.memo, postings: postings))
            return
        }
        let current = try currentNet(sourceNumber: source, sourceKey: draft.sourceKey)
        let wanted = draft.netPostings
        if current.net == wanted {
            outcome.unchangedCount += 1
            return
        }
        var revision = current.revision
        if !current.net.isEmpty {
            revision += 1
            var reversal: [Posting] = []
            for (key, value) in current.net.sorted(by: { $0.key < $1.key }) {
                // The ledger never invents a currency: a code it cannot read stops the commit, naming the entry.
                guard let currency = Currency.iso(key.currency) else {
                    throw LedgerError("postings of \(draft.sourceKey) on account \(key.account): currency '\(key.currency)' is not an ISO 4217 code")
                }
                reversal.append(Posting(account: key.account, customerID: key.customerID.isEmpty ? nil : key.customerID,
                                        invoiceID: key.invoiceID.isEmpty ? nil : key.invoiceID, amount: Money(minorUnits: -value, currency: currency)))
            }
            // Reversals are computed from what the ledger holds: checked as drafts are (a failed check ends the process
            // with the day's transaction open: it never commits).
            precondition(JournalEntryDraft.balances(reversal), "the reversal of \(draft.sourceKey) does not balance")
            outcome.posted.append(try insert(sourceNumber: source, sourceKey: draft.sourceKey, revision: revision, kind: .reversal, runID: runID,
                                             runDay: day, day: draft.effectiveDay, memo: "Reversal: " + draft.memo, postings: reversal))
        }
        if !wanted.isEmpty {
            revision += 1
            outcome.posted.append(try insert(sourceNumber: source, sourceKey: draft.sourceKey, revision: revision, kind: .replacement,
                                             runID: runID, runDay: day, day: draft.effectiveDay, memo: draft.memo, postings: draft.postings))
        }
    }

    private func currentNet(sourceNumber: Int64, sourceKey: String) throws -> (revision: Int, net: [PostingKey: Int64]) {
        let r = try database.prepare("SELECT COALESCE(MAX(revision), 1) FROM journal_entries WHERE source_no = ? AND revision > 1").bind(.integer(sourceNumber))
        _ = try r.step()
        let revision = Int(r.int(0))
        r.reset()
        let s = try database.prepare("""
            SELECT a.code, c.customer_id, i.invoice_id, p.currency, SUM(p.amount_minor), p.account_id, p.customer_no, p.invoice_no
            FROM postings p LEFT JOIN accounts a ON a.account_id = p.account_id LEFT JOIN customers c ON c.customer_no = p.customer_no
            LEFT JOIN invoices i ON i.invoice_no = p.invoice_no
            WHERE p.entry_id IN (SELECT ?1 UNION ALL SELECT entry_id FROM journal_entries WHERE source_no = ?1 AND revision > 1)
            GROUP BY p.account_id, p.customer_no, p.invoice_no, p.currency
            """).bind(.integer(sourceNumber))
        var net: [PostingKey: Int64] = [:]
        while try s.step() {
            let sum = s.int(4)
            guard sum != 0 else { continue }
            // Whatever a posting names must exist: a number without its row is a broken ledger, not a blank.
            if s.isNull(0) || (!s.isNull(6) && s.isNull(1)) || (!s.isNull(7) && s.isNull(2)) {
                throw LedgerError("postings of \(sourceKey) name an account, customer or invoice the ledger does not have: run `settle ledger verify`")
            }
            net[PostingKey(account: s.text(0), customerID: s.text(1), invoiceID: s.text(2), currency: s.text(3))] = sum
        }
        return (revision, net)
    }

    private func insert(sourceNumber: Int64, sourceKey: String, revision: Int, kind: PostedEntry.Kind, runID: Int64, runDay: Day, day: Day, memo: String,
                        postings: [Posting]) throws -> PostedEntry {
        let s = insertEntry
        let entryID = nextEntryID
        try s.bind(1, entryID)
        try s.bind(2, sourceNumber)
        try s.bind(3, Int64(revision))
        try s.bind(4, kindTexts[kind] ?? InternedText(kind.rawValue))
        try s.bind(5, runID)
        try s.bind(6, dayText(runDay))
        try s.bind(7, dayText(day))
        try s.bind(8, memo)
        try s.execute()
        nextEntryID += 1
        let nonZero = postings.allSatisfy { $0.amount.minorUnits != 0 } ? postings : postings.filter { $0.amount.minorUnits != 0 }
        try insertPostings(nonZero, entryID: entryID, sourceKey: sourceKey)
        return PostedEntry(entryID: entryID, sourceKey: sourceKey, revision: revision, kind: kind, runID: runID, effectiveDay: day, memo: memo, postings: nonZero)
    }

    /// Fault injection for the crash test (`scripts/crash-test.sh`): `SETTLE_FAULT_KILL_AFTER_POSTINGS=N` kills the
    /// process with SIGKILL right after its N-th posting is written, in the middle of a day's transaction. Only in a
    /// build with `SETTLE_FAULTS` (`FaultInjection`).
    private static let killAfterPostings: Int? = FaultInjection.killAfterPostings
    private var postingsWritten = 0

    /// INSERT statements for 1 to 4 postings at once: one statement per entry instead of one per posting.
    private var insertPostingRows: [Statement] = []

    private func postingStatement(rows: Int) throws -> Statement {
        if insertPostingRows.isEmpty {
            for n in 1...4 {
                let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: n).joined(separator: ", ")
                insertPostingRows.append(try database.prepare(
                    "INSERT INTO postings(entry_id, line, account_id, customer_no, invoice_no, amount_minor, currency) VALUES \(values)"))
            }
        }
        return insertPostingRows[rows - 1]
    }

    /// The customer and invoice of the posting before: an entry's receivable, discount and write-off postings name
    /// the same ones, so most look-ups end at a string comparison.
    private var lastCustomer: (id: String, number: Int64)?
    private var lastInvoice: (id: String, number: Int64)?

    /// Writes an entry's postings, each naming what exists (checked here, before the write: the schema has no
    /// row-level foreign keys), and keeps the open amounts and account movements they change.
    private func insertPostings(_ postings: [Posting], entryID: Int64, sourceKey: String) throws {
        let receivable = accountIDs[ChartOfAccounts.accountsReceivable]
        let unapplied = accountIDs[ChartOfAccounts.unappliedCash]
        var start = 0
        while start < postings.count {
            let count = min(4, postings.count - start)
            let s = try postingStatement(rows: count)
            for offset in 0..<count {
                let p = postings[start + offset]
                postingsWritten += 1
                if let limit = LedgerStore.killAfterPostings, postingsWritten >= limit {
                    kill(getpid(), SIGKILL)
                }
                let account = try accountID(p.account, for: sourceKey)
                let base = Int32(offset * 7)
                try s.bind(base + 1, entryID)
                try s.bind(base + 2, Int64(start + offset + 1))
                try s.bind(base + 3, account)
                if let customer = p.customerID {
                    let number: Int64
                    if let last = lastCustomer, last.id == customer {
                        number = last.number
                    } else {
                        number = try customerNumber(customer)
                        lastCustomer = (customer, number)
                    }
                    try s.bind(base + 4, number)
                    if account == unapplied { unappliedMovements[UnappliedKey(customer: number, currency: p.amount.currency.code), default: 0] &+= p.amount.minorUnits }
                } else {
                    try s.bindNull(base + 4)
                }
                if let invoice = p.invoiceID {
                    let number: Int64
                    if let last = lastInvoice, last.id == invoice {
                        number = last.number
                    } else {
                        // `required`: a posting never names an invoice the ledger does not have.
                        number = try invoiceNumber(invoice, required: true, for: sourceKey) ?? 0
                        lastInvoice = (invoice, number)
                    }
                    try s.bind(base + 5, number)
                    if account == receivable { changeOpenAmount(number, by: p.amount.minorUnits) }
                } else {
                    try s.bindNull(base + 5)
                }
                try s.bind(base + 6, p.amount.minorUnits)
                try s.bind(base + 7, currencyText(p.amount.currency))
                move(account, p.amount)
            }
            try s.execute()
            start += count
        }
    }

    // MARK: - ACH entries, changes and settlement items

    private func writeACH(_ day: LedgerBatch, runID: Int64, day today: Day) throws {
        let dayText = today.description
        let insert = try database.prepare("""
            INSERT OR REPLACE INTO ach_entries(entry_key, role, kind, company_id, trace, rdfi, amount_minor, currency, effective_day, settlement_day, source_key,
                                               customer_id, receiver_name, identification, file_name, day, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        dayACHRows.reserveCapacity(dayACHRows.count + day.achEntries.count)
        for e in day.achEntries {
            let entryKey = e.entryKey
            try insert.bind(.text(entryKey), .text(e.role), .text(e.kind), .text(e.companyID), .text(e.trace), .text(e.rdfi), .integer(e.amount.minorUnits),
                            .text(e.amount.currency.code), .text(e.effectiveDay.description), .text(e.settlementDay.description), .text(e.sourceKey(entryKey: entryKey)),
                            .optional(e.customerID), .text(e.receiverName), .text(e.identification), .text(e.fileName), .text(dayText), .integer(runID)).run()
            dayACHRows.append(database.lastInsertRowID)
        }
        if !day.achCustomers.isEmpty {
            guard day.achCustomers.count == dayACHRows.count else {
                throw LedgerError("\(day.achCustomers.count) customers for the day's \(dayACHRows.count) ACH entry rows")
            }
            // Appended by rowid, in the order the rows were written. A rowid the day's rows took may have been an
            // earlier row's (SQLite reuses the largest after a delete): what was kept for those goes first.
            if let first = dayACHRows.min() {
                try database.prepare("DELETE FROM ach_entry_customers WHERE entry_rowid >= ?").bind(.integer(first)).run()
            }
            let insert = try database.prepare("INSERT INTO ach_entry_customers(entry_rowid, customer_id) VALUES (?, ?)")
            for (customer, row) in zip(day.achCustomers, dayACHRows) {
                guard let customer else { continue }
                try insert.bind(.integer(row), .text(customer)).run()
            }
        }
        let change = try database.prepare("""
            INSERT OR IGNORE INTO customer_ach_changes(notice_key, customer_id, change_code, corrected_data, original_trace, day, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for c in day.achChanges {
            try change.bind(.text(c.noticeKey), .optional(c.customerID), .text(c.changeCode), .text(c.correctedData), .text(c.originalTrace), .text(c.day.description),
                            .integer(runID)).run()
        }
        let balance = try database.prepare("""
            INSERT OR REPLACE INTO statement_balances(account, day, currency, opening_minor, closing_minor, location, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for b in day.statementBalances {
            try balance.bind(.text(b.account), .text(b.day.description), .text((b.closing ?? b.opening)?.currency.code ?? ""),
                             b.opening.map { .integer($0.minorUnits) } ?? .null, b.closing.map { .integer($0.minorUnits) } ?? .null, .text(b.location),
                             .integer(runID)).run()
        }
        let item = try database.prepare("""
            INSERT INTO settlement_items(batch_key, role, company_name, file_name, net_minor, currency, settlement_day, window_end, first_day, settled_day,
                                         settled_by, unsettled_day, location, entry_amounts, file_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(batch_key) DO UPDATE SET settled_day = excluded.settled_day, settled_by = excluded.settled_by, unsettled_day = excluded.unsettled_day
            """)
        for i in day.settlementItems {
            try item.bind(.text(i.batchKey), .text(i.role), .text(i.companyName), .text(i.fileName), .integer(i.net.minorUnits), .text(i.net.currency.code),
                          .text(i.settlementDay.description), .text(i.windowEnd.description), .text(i.firstDay.description), .optional(i.settledDay?.description),
                          .optional(i.settledBy), .optional(i.unsettledDay?.description), .text(i.location),
                          .text(i.entryAmounts.map(String.init).joined(separator: " ")), .text(i.fileKey)).run()
        }
    }
















}
