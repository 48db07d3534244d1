import Accounting
import Core
import Foundation

/// The PostgreSQL ledger's writer for one entity (`LedgerDayWriter`, `PeriodStore`): one transaction per entity and
/// day. A batch's entries are decided in memory against what the ledger holds for their keys (read in one query per
/// batch), then written with `COPY ... FROM STDIN` into temporary staging tables and `INSERT ... SELECT` into the
/// ledger's; the kept totals (open amounts, amounts written off, account movements, unapplied cash) are computed in SQL
/// from the commit's own postings at the day's end. Entry ids are the entity's, handed out under its run lock.
///
/// It writes what SQLite's store writes: runs, accounts, invoices and their customers, journal entries (new keys,
/// reversals and replacements of changed ones, reversals of what an earlier run of the day posted and this one does
/// not), the kept totals, and the day's records (`PostgreSQLLedgerStore+Records.swift`): applications, exceptions and
/// their history, ACH entries and notices, settlement items, statement balances, held cash, decisions booked, the books
/// tied to the bank, ingested files, bank accounts, closed periods.
public actor PostgreSQLLedgerStore: LedgerDayWriter, PeriodStore {
    public nonisolated let address: LedgerLocation.PostgreSQLAddress
    public nonisolated let entity: String
    /// At a million receipts the server is still writing the invoices' openings when the settlement is ready.
    public nonisolated let fallsBehind = true
    let db: PostgreSQLConnection
    /// A second connection for the writer's look-ups of what earlier transactions committed (keys posted, invoices
    /// held), so that they need not wait for the COPYs the day's own connection has under way (`copyInAhead`). What
    /// the open day itself wrote is known in memory (`dayKeys`, `knownInvoices`): a key the day posted is read on `db`.
    /// Opened with the first look-up.
    private var lookupConnection: PostgreSQLConnection?
    /// Whether a look-up has been made (the connection opened).
    var hasLookedUp: Bool { lookupConnection != nil }

    /// The open day, the closed period when it began, and what it has posted.
    var openDay: (runID: Int64, day: Day)?
    var closedThroughDay: Day?
    var dayOutcome = CommitOutcome()
    /// The keys this run of the day posted or found unchanged: a key an earlier run of the day posted and this one
    /// does not is reversed at its end.
    var dayKeys = KeyDigests()
    /// The tables (`invoices`, `journal_entries`, `ach_entries`, `exceptions`, `settlement_items`, `customers`) in which the
    /// entity held no rows when the open day began: a key of theirs the day did not write is new without a look-up (a
    /// first day, or the first after a ledger was moved in, looks up a million keys of each otherwise). No other writer
    /// adds to them while the run lock is held.
    var emptyTables: Set<String> = []
    /// The exceptions the open day has raised (`writeExceptions`), and the settlement items it has written (`writeSettlementItems`).
    var dayExceptions = KeyDigests()
    var daySettlementItems = KeyDigests()
    var nextEntryID: Int64 = 1
    var firstEntryID: Int64 = 1
    /// The entity's chart (loaded when a day begins) and invoices known to be in the ledger (those written or found);
    /// what a rolled-back day added is forgotten.
    var knownAccounts: Set<String> = []
    var knownInvoices: Set<String> = []
    var dayInvoices: [String] = []
    /// Customers the ledger is known to hold (a customer is never removed; what a rolled-back day made is forgotten).
    var knownCustomers: Set<String> = []
    var dayCustomers: [String] = []
    /// What the open day's postings move of the kept totals, written at its end: receivables and payment differences per
    /// invoice, each account's movement per currency, unapplied cash per customer, currency and effective day.
    var openChanges: [String: Int64] = [:]
    var writtenOffChanges: [String: Int64] = [:]
    var accountMovements: [AccountMovement: Int64] = [:]
    var unappliedMovements: [UnappliedMovement: Int64] = [:]
    /// The next application's id, and the key hashes of the ACH entries the day has written (`writeACH`).
    var nextApplicationID: Int64 = 1
    var dayACHKeyHashes: Set<Int> = []
    /// The day's ACH rows by place (`day_seq`, the last one given), with the customers given to them until written
    /// (`writeACHCustomers`); the places of rows a later row of the same key replaced.
    var dayACHRows = DayACHRows()
    var nextACHSeq: Int64 = 0
    var replacedACHSeqs: Set<Int64> = []
    /// Whether the ACH staging table is made (it lasts the connection's session), and whether the open day staged rows
    /// in it.
    var achStaged = false
    var dayStagedACH = false
    /// The crash test's count (`SQLiteLedgerStore.killAfterPostings`): the process is killed once a COPY of postings
    /// takes the count to the limit, in the middle of the day's transaction.
    var postingsWritten = 0
    /// Whether each day checks, when it begins and before it commits, that this process still holds the entity's run
    /// lock (`PostgreSQLRunLock`, on a connection of its own that a server or network may end while the run goes on).
    var checksRunLock = false
    /// Postings of a batch are sent to the server as soon as this many bytes of them are made (the COPY open while the
    /// rest are made), not held until the batch's end: the day's settlement entries carry a posting per receipt, a
    /// million at 1M, about 100 MB of COPY text held at once otherwise (and the server idle while it was made).
    let copyChunkBytes: Int

    struct AccountMovement: Hashable { var account: String; var currency: String }
    struct UnappliedMovement: Hashable { var customer: String; var currency: String; var effectiveDay: Day }

    /// Opens (making and migrating as needed) the ledger, and the entity in it. Statements are planned for their values
    /// each time (a generic plan knows nothing of an entity's share of a table), and staging tables are analyzed once
    /// filled.
    public init(address: LedgerLocation.PostgreSQLAddress, entity: String, copyChunkBytes: Int = 8 << 20) throws {
        self.address = address
        self.entity = entity
        self.copyChunkBytes = max(1, copyChunkBytes)
        db = try PostgreSQLConnection(conninfo: address.conninfo)
        try PostgreSQLMigrations.migrate(db, partitions: PostgreSQLMigrations.partitionsFromEnvironment, redacted: address.redacted)
        try PostgreSQLMigrations.ensureEntity(entity, db)
        try db.execute("""
            CREATE TEMPORARY TABLE IF NOT EXISTS stage_invoices (LIKE invoices) ON COMMIT DELETE ROWS;
            SET plan_cache_mode = force_custom_plan;
            """)
    }

    var e: String { entity }

    // MARK: Runs

    public func beginRun(manifest: String, firstDay: Day, lastDay: Day, startedAt: String) throws -> Int64 {
        let rows = try db.query("""
            INSERT INTO runs(entity, run_id, started_at, manifest, first_day, last_day, status)
            SELECT $1, COALESCE(max(run_id), 0) + 1, $2, $3, $4, $5, 'running' FROM runs WHERE entity = $1
            RETURNING run_id
            """, [e, startedAt, manifest, firstDay.description, lastDay.description])
        return rows.int(0, 0)
    }

    public func finishRun(_ runID: Int64, status: String) throws {
        try db.run("UPDATE runs SET status = $3 WHERE entity = $1 AND run_id = $2::bigint", [e, String(runID), status])
    }

    public func checkpoint(truncate: Bool) throws {}

    /// From now on each day checks that this process holds the entity's run lock (a run's writer, which took it).
    public func expectRunLock() { checksRunLock = true }

    /// Refuses to go on when the entity's run lock is no longer this process's: its session ended (a server restart,
    /// an idle timeout, a DBA), and another run or a period close may hold it now.
    private func checkRunLock() throws {
        guard checksRunLock else { return }
        let held = try db.query("""
            SELECT count(*) FROM run_locks r
            JOIN pg_locks l ON l.pid = r.backend_pid AND l.locktype = 'advisory' AND l.granted
                AND l.classid = $2::bigint::oid AND l.objid = (\(PostgreSQLRunLock.key("$1"))::bigint & 4294967295)::oid
            WHERE r.entity = $1 AND r.pid = $3::int AND r.host = $4
            """, [e, String(PostgreSQLMigrations.lockClass), String(getpid()), ProcessInfo.processInfo.hostName]).int(0, 0)
        guard held > 0 else {
            throw LedgerError("the run lock of entity \(e) at \(address.redacted) is no longer this run's (its connection ended): the day is not written; run it again")
        }
    }

    // MARK: A day

    public func beginDay(runID: Int64, day: Day) throws {
        guard openDay == nil else { throw LedgerError("a day (\(openDay.map { "\($0.day)" } ?? "")) is already open in this ledger writer") }
        dayOutcome = CommitOutcome()
        dayKeys.removeAll()
        dayExceptions.removeAll()
        daySettlementItems.removeAll()
        openChanges = [:]
        writtenOffChanges = [:]
        accountMovements = [:]
        unappliedMovements = [:]
        dayCustomers = []
        dayInvoices = []
        forgetDayACH()
        dayStagedACH = false
        try db.execute("BEGIN")
        openDay = (runID, day)
        do {
            if runID == 0 {
                // A dry run records no run; its day's rows name run 0, which exists for as long as the day (rolled back).
                try db.run("""
                    INSERT INTO runs(entity, run_id, started_at, manifest, first_day, last_day, status) VALUES ($1, 0, '', '', $2, $2, 'dry-run')
                    ON CONFLICT DO NOTHING
                    """, [e, day.description])
            }
            nextEntryID = try db.query("SELECT COALESCE(max(entry_id), 0) + 1 FROM journal_entries WHERE entity = $1", [e]).int(0, 0)
            firstEntryID = nextEntryID
            let chart = try db.query("SELECT code FROM accounts WHERE entity = $1", [e])
            knownAccounts = Set((0..<chart.count).map { chart.text($0, 0) })
            try checkRunLock()
            closedThroughDay = try PostgreSQLPeriods.closedThrough(db, entity: e)
            // Before the day's rerun clears its records: what committed runs left.
            let held = try db.query("""
                SELECT EXISTS (SELECT 1 FROM invoices WHERE entity = $1), EXISTS (SELECT 1 FROM journal_entries WHERE entity = $1),
                       EXISTS (SELECT 1 FROM ach_entries WHERE entity = $1), EXISTS (SELECT 1 FROM exceptions WHERE entity = $1),
                       EXISTS (SELECT 1 FROM settlement_items WHERE entity = $1), EXISTS (SELECT 1 FROM customers WHERE entity = $1)
                """, [e])
            emptyTables = Set(["invoices", "journal_entries", "ach_entries", "exceptions", "settlement_items", "customers"].enumerated().filter { !held.bool(0, $0.offset) }.map(\.element))
            try resetDayRecords(day)
        } catch {
            abandonDay()
            throw error
        }
    }

    public func post(_ batch: DayEffects) throws {
        guard let open = openDay else { throw LedgerError("no day is open in this ledger writer: call beginDay first") }
        do {
            try writeAccounts(batch)
            dayOutcome.newInvoiceCount += try writeInvoices(batch.invoices, day: open.day)
            var drafts = batch.entries
            if let closed = closedThroughDay {
                // What belongs to a closed day is booked on the first open day, with the day it belongs to in its memo.
                for i in drafts.indices where drafts[i].effectiveDay <= closed {
                    drafts[i].memo += " (belongs to \(drafts[i].effectiveDay), in the period closed through \(closed))"
                    drafts[i].effectiveDay = closed.adding(days: 1)
                }
            }
            try postEntries(drafts, runID: open.runID, day: open.day)
            try writeDecisions(batch, runID: open.runID, day: open.day)
            try writeACH(batch, runID: open.runID, day: open.day)
            for a in batch.bankAccounts {
                try db.run("""
                    INSERT INTO bank_accounts(entity, number, bank, currency, code, first_day, reclass_from) VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (entity, number, bank, currency) DO UPDATE SET code = excluded.code
                    """, [e, a.number, a.bank, a.currency, a.code, a.firstDay.description, a.reclassFrom])
            }
            try writeHeld(batch, runID: open.runID, day: open.day)
            for f in batch.files {
                try db.run("""
                    INSERT INTO ingested_files(entity, sha256, size_bytes, name, run_id, day, archive_path, source)
                    VALUES ($1, $2, $3::bigint, $4, $5::bigint, $6, $7, $8) ON CONFLICT DO NOTHING
                    """, [e, f.sha256, String(f.sizeBytes), f.name, String(f.runID), f.day.description, f.archivePath, f.source])
            }
        } catch {
            throw lostDay(giveUpDay(error), open.day)
        }
    }

    public func takePosted() -> [PostedEntry] {
        let taken = dayOutcome.posted
        dayOutcome.posted = []
        return taken
    }

    public func finishDay(_ day: DayCommit, dryRun: Bool) throws -> CommitOutcome {
        guard let open = openDay, open.day == day.day, open.runID == day.runID else {
            throw LedgerError("finishDay(\(day.day)) does not match the open day \(openDay.map { "\($0.day)" } ?? "(none)")")
        }
        try post(day.batch)
        do {
            // A key a run of this day posted before and this run no longer produces is reversed (none when the journal held
            // no entry of the entity as the day began).
            var gone: [String] = []
            if !emptyTables.contains("journal_entries") {
                let earlier = try db.query("""
                    SELECT DISTINCT source_key FROM journal_entries WHERE entity = $1 AND day = $2 AND entry_id < $3::bigint ORDER BY 1
                    """, [e, day.day.description, String(firstEntryID)])
                gone = (0..<earlier.count).map { earlier.text($0, 0) }.filter { !dayKeys.contains($0) }
            }
            if !gone.isEmpty {
                try postEntries(gone.map { JournalEntryDraft(sourceKey: $0, effectiveDay: day.day, memo: "No longer produced by a run of \(day.day)", postings: []) },
                                runID: day.runID, day: day.day)
            }
            try writeACHCustomers(day: day.day)
            try moveStagedACH()
            forgetDayACH()
            try writeKeptTotals(day: day.day)
            var outcome = dayOutcome
            if !day.bankTies.isEmpty {
                outcome.bankTies = try tieToBank(day.bankTies, runDay: day.day)
                var raised = DayEffects()
                raised.exceptions = try day.raiseBankDifferences?(outcome.bankTies) ?? []
                try writeDecisions(raised, runID: day.runID, day: day.day)
                try resolveTiedAgain(outcome.bankTies, runDay: day.day, runID: day.runID)
            }
            try resolveWhatIsGone(day: day.day, runID: day.runID)
            try day.beforeCommit?()
            if dryRun {
                abandonDay()
            } else {
                // The run's row says which of its days committed: a connection lost during COMMIT leaves the next run
                // to read it and say whether this day is in the ledger.
                try checkRunLock()
                try db.run("UPDATE runs SET committed_through = $3 WHERE entity = $1 AND run_id = $2::bigint", [e, String(day.runID), day.day.description])
                try commit(day.day)
                openDay = nil
                // The planner's statistics of a table a day grew by many rows are stale until autovacuum comes by: reports
                // and the next day's reads would be planned for an entity of a few rows (a nested loop over a million).
                // Needed while a day at least doubles the entity (its first large days); after that its statistics are
                // off by less than half, and autovacuum's own ANALYZE follows the table.
                let dayEntries = nextEntryID - firstEntryID
                // The day is committed: a failure here must not be reported as the day's (the next day analyzes again).
                if dayEntries > 10_000 && dayEntries >= firstEntryID - 1 {
                    try? db.execute("ANALYZE journal_entries; ANALYZE postings; ANALYZE invoices; ANALYZE customers")
                }
                // The block ranges the day filled, summarized in the BRIN indexes of days (schema 7): autovacuum is asked
                // to as each range fills, but drops what its queue has no room for, and a range not summarized is read
                // by every look-up by day. Each partition's own (a partitioned index is summarized through them). The
                // tables' owner may; another role leaves it to autovacuum, and the next day summarizes what is left.
                try? db.execute("""
                    SELECT brin_summarize_new_values(i.oid) FROM pg_class i JOIN pg_am m ON m.oid = i.relam
                    WHERE m.amname = 'brin' AND i.relkind = 'i' AND i.relnamespace = current_schema()::regnamespace
                      AND pg_has_role(i.relowner, 'USAGE')
                    """)
            }
            return outcome
        } catch {
            throw lostDay(giveUpDay(error), day.day)
        }
    }

    /// Gives the open day up, and says what failed first: a COPY sent ahead may have failed (the connection lost, say)
    /// before the error that stopped the day was thrown.
    private func giveUpDay(_ error: any Error) -> any Error {
        let first = db.discardAhead()
        abandonDay()
        return first ?? error
    }

    /// A connection lost in the middle of a day, said so: the server rolls back what the day wrote.
    private func lostDay(_ error: any Error, _ day: Day) -> any Error {
        guard let lost = error as? PostgreSQLError, lost.connectionLost else { return error }
        return LedgerError("the connection to \(address.redacted) was lost before \(day) committed: the server rolls the day back, nothing of it is "
                           + "written; run it again (\(lost.message))")
    }

    /// COMMIT, saying what a lost connection means for the day: lost before the COMMIT was sent, the server rolls the
    /// day back; lost while it was under way, no one can tell here whether it committed.
    private func commit(_ day: Day) throws {
        guard db.isAlive else {
            throw LedgerError("the connection to \(address.redacted) was lost before \(day) committed: the server rolls it back, nothing of it is written; run it again")
        }
        let lost: PostgreSQLError
        do {
            try db.execute("COMMIT")
            return
        } catch {
            lost = error
        }
        guard lost.connectionLost else { throw lost }
        openDay = nil
        throw LedgerError("the connection to \(address.redacted) was lost during the COMMIT of \(day): whether the day is in the ledger is unknown until "
                          + "the server is reached again; the next run of entity \(e) reads its run's row and says which (\(lost.message))")
    }

    /// Runs of the entity that never ended (their process or connection died; the caller holds the entity's run lock,
    /// so none is in flight): each marked `failed`, with a line saying which of its days committed.
    public func endLostRuns() throws -> [String] {
        let lost = try db.query("""
            UPDATE runs SET status = 'failed' WHERE entity = $1 AND status = 'running'
            RETURNING run_id, started_at, first_day, last_day, committed_through
            """, [e])
        return (0..<lost.count).sorted { lost.int($0, 0) < lost.int($1, 0) }.map { r in
            let committed = lost.optionalText(r, 4)
            return "run \(lost.text(r, 0)) of entity \(e) (started \(lost.text(r, 1)), days \(lost.text(r, 2)) to \(lost.text(r, 3))) ended without finishing: "
                + (committed.map { "its days through \($0) committed; what came after was rolled back" } ?? "none of its days committed")
        }
    }

    public func abandonDay() {
        guard openDay != nil else { return }
        // What was sent ahead is waited for (a failure of it is the day's, rolled back here); a look-up connection the
        // server closed is opened again with the next look-up.
        _ = db.discardAhead()
        if db.isAlive { try? db.execute("ROLLBACK") }
        if let c = lookupConnection, !c.isAlive { lookupConnection = nil }
        knownCustomers.subtract(dayCustomers)
        dayCustomers = []
        knownInvoices.subtract(dayInvoices)
        dayInvoices = []
        openDay = nil
        dayKeys.removeAll()
        forgetDayACH()
        dayStagedACH = false
        dayExceptions.removeAll()
        daySettlementItems.removeAll()
        emptyTables = []
        // Tables the rolled-back day made are gone with it.
        achStaged = false
    }

    // MARK: Writing

    private func writeAccounts(_ batch: DayEffects) throws {
        knownAccounts.formUnion(batch.cashAccounts.map(\.code) + batch.accountNames.map(\.code))
        for account in batch.cashAccounts {
            try db.run("INSERT INTO accounts(entity, code, name, type) VALUES ($1, $2, $3, 'asset') ON CONFLICT DO NOTHING", [e, account.code, account.name])
        }
        for account in batch.accountNames {
            try db.run("""
                INSERT INTO accounts(entity, code, name, type) VALUES ($1, $2, $3, $4)
                ON CONFLICT (entity, code) DO UPDATE SET name = excluded.name, type = CASE WHEN $5 = '' THEN accounts.type ELSE excluded.type END
                """, [e, account.code, account.name, account.type.isEmpty ? "asset" : account.type, account.type])
        }
    }

    /// New invoices (opened today, open amount 0 until their opening entries post) and the fields of known ones; how many
    /// were new.
    private func writeInvoices(_ invoices: [LedgerInvoice], day: Day) throws -> Int {
        guard !invoices.isEmpty else { return 0 }
        // An invoice named twice in a batch is written once, as it is named last (as SQLite's update of the first would).
        let standing = Self.lastOfEachKey(invoices.map(\.invoiceID))
        // Which the ledger holds: those known in memory, and of the rest those one index probe each finds.
        let unknown = standing.map { invoices[$0].invoiceID }.filter { !knownInvoices.contains($0) }
        let found = try existing(unknown, in: "invoices", key: "invoice_id")
        var fresh = CopyText(), changed = CopyText()
        func add(_ invoice: LedgerInvoice, to copy: inout CopyText) {
            for value in [e, invoice.invoiceID, invoice.customerID, invoice.issueDay.description, invoice.dueDay.description,
                          invoice.amount.currency.code] { copy.add(value) }
            copy.add(invoice.amount.minorUnits)
            copy.add(Int64(0))
            copy.add(invoice.terms)
            copy.add(invoice.poNumber)
            copy.add(day.description)
            copy.add(Int64(0))
            copy.endRow()
        }
        for invoice in standing.map({ invoices[$0] }) {
            if knownInvoices.contains(invoice.invoiceID) || found.contains(invoice.invoiceID) { add(invoice, to: &changed) } else { add(invoice, to: &fresh) }
        }
        try writeCustomers(Set(invoices.map(\.customerID)))
        // New ones straight in (open 0 until their opening entries post); known ones' fields updated from staging.
        if fresh.rows > 0 { db.copyInAhead("invoices", data: fresh.bytes) }
        if changed.rows > 0 {
            try db.copyIn("stage_invoices", data: changed.bytes)
            try db.execute("""
                UPDATE invoices i SET customer_id = s.customer_id, issue_day = s.issue_day, due_day = s.due_day, amount_minor = s.amount_minor,
                    terms = s.terms, po_number = s.po_number, opened_day = COALESCE(i.opened_day, s.opened_day)
                FROM stage_invoices s WHERE i.entity = s.entity AND i.invoice_id = s.invoice_id;
                DELETE FROM stage_invoices;
                """)
        }
        let ids = invoices.map(\.invoiceID).filter { !knownInvoices.contains($0) }
        knownInvoices.formUnion(ids)
        dayInvoices += ids
        return fresh.rows
    }

    /// Posts drafts in order: a key never posted gets its first entry; a key posted before whose net postings differ gets
    /// a reversal of what it holds and a replacement; an unchanged one nothing. Decided in memory, written in one COPY.
    private func postEntries(_ drafts: [JournalEntryDraft], runID: Int64, day: Day) throws {
        guard !drafts.isEmpty else { return }
        // A key an earlier batch of the day posted is in the journal already (the day's own transaction): read like any.
        // Each key's digest, made once: whether the day posted it, then that it did.
        let digests = drafts.map { KeyDigests.Digest($0.sourceKey) }
        var (known, distinctKeys) = try postedNets(of: drafts, digests: digests)
        var entries = CopyText(), postings = CopyText()
        var postingCustomers: Set<String> = []
        // What a posting names must exist: an account of the chart, an invoice the ledger has (customers are made). The
        // first entry naming each one not known yet, in draft order.
        var unknownAccount: (key: String, account: String)?
        var unknownInvoices: [String: String] = [:]
        var invoiceOrder: [String] = []
        // The postings COPY, once they pass `copyChunkBytes`, is open while the rest are made (no other statement can
        // run meanwhile; what is checked against the ledger is checked after it ends, before the day commits).
        var streaming = false
        func sendPostings() throws {
            if !streaming {
                db.beginCopyAhead("postings")
                streaming = true
            }
            db.sendCopyAhead(postings.bytes)
            postings.clearBytes()
        }
        func write(_ key: String, revision: Int, kind: PostedEntry.Kind, effectiveDay: Day, memo: String, _ lines: [Posting]) throws {
            let id = nextEntryID
            nextEntryID += 1
            entries.add(e); entries.add(id); entries.add(key); entries.add(Int64(revision)); entries.add(kind.rawValue); entries.add(runID)
            entries.add(day.description); entries.add(effectiveDay.description); entries.add(memo)
            entries.endRow()
            let nonZero = lines.allSatisfy { $0.amount.minorUnits != 0 } ? lines : lines.filter { $0.amount.minorUnits != 0 }
            for (line, p) in nonZero.enumerated() {
                postings.add(e); postings.add(id); postings.add(Int64(line + 1)); postings.add(p.account); postings.add(p.customerID)
                postings.add(p.invoiceID); postings.add(p.amount.minorUnits); postings.add(p.amount.currency.code)
                postings.endRow()
                keep(p, effectiveDay: effectiveDay)
                if let customer = p.customerID, !knownCustomers.contains(customer) { postingCustomers.insert(customer) }
                if unknownAccount == nil, !knownAccounts.contains(p.account) { unknownAccount = (key, p.account) }
                if let invoice = p.invoiceID, !knownInvoices.contains(invoice), unknownInvoices[invoice] == nil {
                    unknownInvoices[invoice] = key
                    invoiceOrder.append(invoice)
                }
            }
            dayOutcome.posted.append(PostedEntry(entryID: id, sourceKey: key, revision: revision, kind: kind, runID: runID, effectiveDay: effectiveDay,
                                                 memo: memo, postings: nonZero))
            if postings.bytes.count >= copyChunkBytes { try sendPostings() }
        }
        // A key the batch names twice: what its first draft posts is what the second is compared with. Only for those
        // are a new key's net postings made (a million settlement postings' worth, otherwise, held to the batch's end).
        var namedAgain = Set<String>()
        if distinctKeys < drafts.count {
            var named = Set<String>(minimumCapacity: drafts.count)
            for draft in drafts where !named.insert(draft.sourceKey).inserted { namedAgain.insert(draft.sourceKey) }
        }
        do {
            for (d, draft) in drafts.enumerated() {
                precondition(draft.isBalanced, "journal entry \(draft.sourceKey) does not balance")
                guard let current = known[draft.sourceKey] else {
                    // Nothing was ever posted under the key: nothing to post unless it moves money.
                    guard draft.postings.contains(where: { $0.amount.minorUnits != 0 }) else {
                        dayOutcome.unchangedCount += 1
                        continue
                    }
                    dayKeys.insert(digests[d])
                    try write(draft.sourceKey, revision: 1, kind: .original, effectiveDay: draft.effectiveDay, memo: draft.memo, draft.postings)
                    if namedAgain.contains(draft.sourceKey) { known[draft.sourceKey] = (1, try draft.netPostings) }
                    continue
                }
                let wanted = try draft.netPostings
                dayKeys.insert(digests[d])
                if current.net == wanted {
                    dayOutcome.unchangedCount += 1
                    continue
                }
                var revision = current.revision
                if !current.net.isEmpty {
                    revision += 1
                    let reversal = try NetPostings.reversal(of: current.net, sourceKey: draft.sourceKey)
                    try write(draft.sourceKey, revision: revision, kind: .reversal, effectiveDay: draft.effectiveDay, memo: "Reversal: " + draft.memo, reversal)
                }
                if !wanted.isEmpty {
                    revision += 1
                    try write(draft.sourceKey, revision: revision, kind: .replacement, effectiveDay: draft.effectiveDay, memo: draft.memo, draft.postings)
                }
                known[draft.sourceKey] = (revision, wanted)
            }
            if let unknownAccount { throw LedgerError("entry \(unknownAccount.key) posts to account \(unknownAccount.account), which the ledger does not have") }
            if streaming {
                try sendPostings()
                streaming = false
                db.endCopyAhead()
            }
        } catch {
            // The day fails: a COPY under way is given up, and the day's transaction rolls back.
            if streaming { db.abandonCopy("settle stopped the day: \(error)") }
            throw error
        }
        guard entries.rows > 0 else { return }
        if !invoiceOrder.isEmpty {
            let found = try existing(invoiceOrder, in: "invoices", key: "invoice_id")
            if let missing = invoiceOrder.first(where: { !found.contains($0) }) {
                throw LedgerError("entry \(unknownInvoices[missing] ?? "") posts to invoice \(missing), which the ledger does not have")
            }
            knownInvoices.formUnion(invoiceOrder)
        }
        try writeCustomers(postingCustomers)
        // Straight into the journal: every entry is new (a fresh id, its key's next revision, decided above against
        // what the ledger holds), so there is no conflict for a staging table's INSERT ... ON CONFLICT to settle, and
        // staging would write every row twice.
        // Sent ahead: the server writes them while the next batch is made (what fails is thrown by the next statement).
        db.copyInAhead("journal_entries", data: entries.bytes)
        if !postings.bytes.isEmpty { db.copyInAhead("postings", data: postings.bytes) }
        postingsWritten += postings.rows
        if let limit = SQLiteLedgerStore.killAfterPostings, postingsWritten >= limit {
            try db.catchUp()
            kill(getpid(), SIGKILL)
        }
    }

    /// Adds the customers not known to be in the ledger (the rest of the day's are, from earlier batches or days).
    private func writeCustomers(_ customers: Set<String>) throws {
        let new = customers.subtracting(knownCustomers)
        guard !new.isEmpty else { return }
        var rows = CopyText()
        for customer in new.sorted() { rows.add(e); rows.add(customer); rows.endRow() }
        if emptyTables.contains("customers") {
            // None of the entity's were in the ledger as the day began, and these are not the day's: new, straight in.
            db.copyInAhead("customers", data: rows.bytes)
        } else {
            try db.execute("CREATE TEMPORARY TABLE IF NOT EXISTS stage_customers (LIKE customers) ON COMMIT DELETE ROWS")
            try db.copyIn("stage_customers", data: rows.bytes)
            try db.execute("INSERT INTO customers SELECT * FROM stage_customers ON CONFLICT DO NOTHING; DELETE FROM stage_customers")
        }
        knownCustomers.formUnion(new)
        dayCustomers += new
    }

    /// The places of the rows that stand in a batch that names a key more than once: the last row of each key, in order.
    static func lastOfEachKey(_ keys: [String]) -> [Int] {
        var last: [String: Int] = [:]
        last.reserveCapacity(keys.count)
        for (i, key) in keys.enumerated() { last[key] = i }
        return keys.indices.filter { last[keys[$0]] == $0 }
    }

    /// The rows of a batch that stand (the last of each key, in order), each with whether it is new: its key neither
    /// `written` by the open day before (which takes the batch's keys now) nor held by the ledger (one look-up each, see
    /// `existing`). A new one goes straight into `table`; the others replace what is there (exceptions, settlement items).
    func standingRows(_ keys: [String], written: inout KeyDigests, in table: String, key column: String) throws -> [(position: Int, new: Bool)] {
        let standing = Self.lastOfEachKey(keys)
        let digests = standing.map { KeyDigests.Digest(keys[$0]) }
        let unwritten = standing.indices.filter { !written.contains(digests[$0]) }
        let held = try existing(unwritten.map { keys[standing[$0]] }, in: table, key: column)
        var new = [Bool](repeating: false, count: standing.count)
        for k in unwritten where !held.contains(keys[standing[k]]) { new[k] = true }
        for digest in digests { written.insert(digest) }
        return zip(standing, new).map { ($0, $1) }
    }

    /// What the open day kept of its ACH rows, let go (a new day, one rolled back, or one whose rows are all written;
    /// `dayStagedACH` says until the next day whether the last one staged any).
    func forgetDayACH() {
        dayACHKeyHashes = []
        dayACHRows = DayACHRows()
        nextACHSeq = 0
        replacedACHSeqs = []
    }

    /// The connection for look-ups of what committed before the open day (see `lookupConnection`).
    func lookups() throws -> PostgreSQLConnection {
        if let lookupConnection { return lookupConnection }
        let c = try PostgreSQLConnection(conninfo: address.conninfo)
        try c.execute("SET plan_cache_mode = force_custom_plan")
        lookupConnection = c
        return c
    }

    /// Which of these keys of `table` (its `key` column after the entity; none one the open day wrote) the entity has,
    /// as committed: one index look-up each (a lateral probe the planner cannot turn into a scan of every entity's
    /// rows), on the look-up connection. The keys go as one array parameter: staged in a temporary table emptied after
    /// each batch, invoice ids cost a night of a million receipts 11 s more (its dead rows piling up until COMMIT).
    func existing(_ keys: [String], in table: String, key: String) throws -> Set<String> {
        guard !keys.isEmpty, !emptyTables.contains(table) else { return [] }
        let rows = try lookups().query("""
            SELECT k.id FROM unnest($2::text[]) AS k(id)
            CROSS JOIN LATERAL (SELECT 1 AS found FROM \(table) t WHERE t.entity = $1 AND t.\(key) = k.id LIMIT 1) f
            """, [e, PostgreSQLArray.literal(keys)])
        return Set((0..<rows.count).map { rows.text($0, 0) })
    }

    /// What the ledger holds under each key: its last revision and its net postings (none: every entry reversed). Keys
    /// the open day has not posted are read on the look-up connection, the others (rare: a key in two batches of a
    /// day) on the day's own, once its COPYs are in.
    /// Also says how many of the drafts' keys are distinct.
    private func postedNets(of drafts: [JournalEntryDraft], digests: [KeyDigests.Digest]) throws
        -> (nets: [String: (revision: Int, net: [PostingKey: Int64])], distinct: Int) {
        var before = Set<String>(minimumCapacity: drafts.count), today = Set<String>()
        for (draft, digest) in zip(drafts, digests) {
            if dayKeys.contains(digest) { today.insert(draft.sourceKey) } else { before.insert(draft.sourceKey) }
        }
        var out = emptyTables.contains("journal_entries") ? [:] : try postedNets(of: before, on: lookups())
        if !today.isEmpty { out.merge(try postedNets(of: today, on: db)) { _, new in new } }
        return (out, before.count + today.count)
    }

    /// `postedNets` on one connection. Keys never posted (a first run's) cost one index probe each; the postings are
    /// read only for keys that exist.
    private func postedNets(of keys: Set<String>, on c: PostgreSQLConnection) throws -> [String: (revision: Int, net: [PostingKey: Int64])] {
        guard !keys.isEmpty else { return [:] }
        var out: [String: (revision: Int, net: [PostingKey: Int64])] = [:]
        let revisions = try c.query("""
            SELECT k.source_key, r.revision FROM unnest($2::text[]) AS k(source_key)
            CROSS JOIN LATERAL (SELECT max(j.revision) AS revision FROM journal_entries j WHERE j.entity = $1 AND j.source_key = k.source_key) r
            WHERE r.revision IS NOT NULL
            """, [e, PostgreSQLArray.literal(keys)])
        guard revisions.count > 0 else { return out }
        for r in 0..<revisions.count { out[revisions.text(r, 0)] = (Int(revisions.int(r, 1)), [:]) }
        let nets = try c.query("""
            SELECT k.source_key, p.account_code, COALESCE(p.customer_id, ''), COALESCE(p.invoice_id, ''), p.currency, sum(p.amount_minor)
            FROM unnest($2::text[]) AS k(source_key)
            CROSS JOIN LATERAL (SELECT j.entry_id FROM journal_entries j WHERE j.entity = $1 AND j.source_key = k.source_key OFFSET 0) j
            JOIN postings p ON p.entity = $1 AND p.entry_id = j.entry_id
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(p.amount_minor) <> 0
            """, [e, PostgreSQLArray.literal((0..<revisions.count).map { revisions.text($0, 0) })])
        for r in 0..<nets.count {
            out[nets.text(r, 0), default: (1, [:])].net[PostingKey(account: nets.text(r, 1), customerID: nets.text(r, 2), invoiceID: nets.text(r, 3),
                                                                   currency: nets.text(r, 4))] = nets.int(r, 5)
        }
        return out
    }

    /// Notes what a posting moves of the kept totals.
    private func keep(_ p: Posting, effectiveDay: Day) {
        let amount = p.amount.minorUnits
        accountMovements[AccountMovement(account: p.account, currency: p.amount.currency.code), default: 0] &+= amount
        if let invoice = p.invoiceID {
            if p.account == ChartOfAccounts.accountsReceivable { openChanges[invoice, default: 0] &+= amount }
            if p.account == ChartOfAccounts.paymentDifferences { writtenOffChanges[invoice, default: 0] &+= amount }
        }
        if let customer = p.customerID, p.account == ChartOfAccounts.unappliedCash {
            unappliedMovements[UnappliedMovement(customer: customer, currency: p.amount.currency.code, effectiveDay: effectiveDay), default: 0] &+= amount
        }
    }

    /// The totals kept beside the postings, moved by this commit's postings: the changes COPY'd into a staging table,
    /// then applied by key (each row one index look-up, whatever the planner knows of a new entity's rows).
    private func writeKeptTotals(day: Day) throws {
        var rows = CopyText()
        func add(_ kind: String, _ a: String, _ b: String, _ c: String, _ amount: Int64) {
            guard amount != 0 else { return }
            rows.add(kind); rows.add(a); rows.add(b); rows.add(c); rows.add(amount)
            rows.endRow()
        }
        for (invoice, amount) in openChanges { add("open", invoice, "", "", amount) }
        for (invoice, amount) in writtenOffChanges { add("written_off", invoice, "", "", amount) }
        for (key, amount) in accountMovements { add("account", key.account, key.currency, "", amount) }
        var byCustomer: [AccountMovement: Int64] = [:]
        for (key, amount) in unappliedMovements {
            add("unapplied_day", key.customer, key.currency, key.effectiveDay.description, amount)
            byCustomer[AccountMovement(account: key.customer, currency: key.currency), default: 0] &+= amount
        }
        for (key, amount) in byCustomer { add("unapplied", key.account, key.currency, "", amount) }
        guard rows.rows > 0 else { return }
        // Keyed, so that whichever side the planner drives from, each row is one index look-up.
        try db.execute("""
            CREATE TEMPORARY TABLE IF NOT EXISTS stage_totals (kind text COLLATE "C", a text COLLATE "C", b text COLLATE "C", c text COLLATE "C",
                amount bigint, PRIMARY KEY (kind, a, b, c)) ON COMMIT DELETE ROWS
            """)
        try db.copyIn("stage_totals", data: rows.bytes)
        try db.execute("ANALYZE stage_totals")
        for (column, kind, changes) in [("open_minor", "open", openChanges), ("written_off_minor", "written_off", writtenOffChanges)] where !changes.isEmpty {
            try db.run("""
                UPDATE invoices i SET \(column) = i.\(column) + s.amount FROM stage_totals s
                WHERE s.kind = $2 AND i.entity = $1 AND i.invoice_id = s.a
                """, [e, kind])
        }
        try db.run("""
            INSERT INTO account_days(entity, account_code, day, currency, amount_minor)
            SELECT $1, a, $2, b, amount FROM stage_totals WHERE kind = 'account'
            ON CONFLICT (entity, account_code, day, currency) DO UPDATE SET amount_minor = account_days.amount_minor + excluded.amount_minor
            """, [e, day.description])
        try db.run("""
            INSERT INTO customer_unapplied_days(entity, customer_id, currency, effective_day, amount_minor)
            SELECT $1, a, b, c, amount FROM stage_totals WHERE kind = 'unapplied_day'
            ON CONFLICT (entity, customer_id, currency, effective_day) DO UPDATE SET amount_minor = customer_unapplied_days.amount_minor + excluded.amount_minor
            """, [e])
        try db.run("""
            INSERT INTO customer_unapplied(entity, customer_id, currency, amount_minor)
            SELECT $1, a, b, amount FROM stage_totals WHERE kind = 'unapplied'
            ON CONFLICT (entity, customer_id, currency) DO UPDATE SET amount_minor = customer_unapplied.amount_minor + excluded.amount_minor
            """, [e])
        try db.execute("DELETE FROM stage_totals")
    }

    // MARK: Periods

    public func closedThrough() throws -> Day? { try PostgreSQLPeriods.closedThrough(db, entity: e) }

    public func periodChanges() throws -> [PeriodChange] { try PostgreSQLPeriods.changes(db, entity: e) }

    public func closePeriod(through day: Day, note: String, by: String, at: String) throws {
        if let current = try closedThrough(), current >= day { throw LedgerError("the period is already closed through \(current)") }
        try db.run("INSERT INTO period_changes(entity, action, closed_through, note, by, at) VALUES ($1, 'close', $2, $3, $4, $5)",
                   [e, day.description, note, by, at])
    }

    public func reopenPeriod(from day: Day, note: String, by: String, at: String) throws {
        guard let current = try closedThrough(), current >= day else { throw LedgerError("\(day) is not in a closed period") }
        try db.run("INSERT INTO period_changes(entity, action, closed_through, note, by, at) VALUES ($1, 'reopen', $2, $3, $4, $5)",
                   [e, day.adding(days: -1).description, note, by, at])
    }
}
