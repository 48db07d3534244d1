import Accounting
import Core
import Foundation

/// Writing a day: one transaction from `beginDay` to `finishDay`, batches posted as the run computes them.
extension SQLiteLedgerStore {
    /// Opens the day's transaction: what `post(_:)` and `finishDay` write is one atomic day, or nothing.
    public func beginDay(runID: Int64, day: Day) throws {
        guard openDay == nil else { throw LedgerError("a day (\(openDay.map { "\($0.day)" } ?? "")) is already open in this ledger writer") }
        if invoiceNumbers.count > 2_000_000 { invoiceNumbers.removeAll() }
        for invoice in openAmountTouched { openAmountChanges[Int(invoice)] = 0 }
        openAmountTouched.removeAll(keepingCapacity: true)
        writtenOffChanges.removeAll()
        accountMovements.removeAll(keepingCapacity: true)
        unappliedMovements.removeAll(keepingCapacity: true)
        lastInvoice = nil
        lastCustomer = nil
        dayOutcome = CommitOutcome()
        daySources = []
        dayACHRows = DayACHRows()
        try database.execute("BEGIN IMMEDIATE")
        openDay = (runID, day)
        do {
            let next = try database.prepare("SELECT COALESCE(MAX(entry_id), 0) + 1 FROM journal_entries")
            _ = try next.step()
            nextEntryID = next.int(0)
            next.reset()
            firstEntryID = nextEntryID
            closedThroughDay = try SQLitePeriods.closedThrough(database)
            try resetDayRecords(day)
        } catch {
            abandonDay()
            throw error
        }
    }

    /// Writes part of the open day as soon as it is known (the day's new invoices and their openings before
    /// matching is done, settlements after reconciliation, ...), so the writer works while the run computes the rest.
    /// Entries are posted in the order batches arrive. A failure rolls the whole day back.
    public func post(_ batch: DayEffects) throws {
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
                // The history says which run booked a decision (once: a rerun of the day books it again, unchanged).
                // A decision booked closes its exception on this day; a reopen booked (its reversal) leaves it open.
                try database.prepare("""
                    UPDATE exceptions SET booked_seq = ?1, booked_day = ?2, closed_day = CASE WHEN status = 'resolved' AND decision != '' THEN ?2 END
                    WHERE exception_id = ?3 AND (booked_seq != ?1 OR booked_day IS NOT ?2 OR closed_day IS NOT (CASE WHEN status = 'resolved' AND decision != '' THEN ?2 END))
                    """)
                    .bind(.integer(booked.seq), .text(open.day.description), .text(booked.exceptionID)).run()
                if database.changes == 1 {
                    try appendHistory(exceptionID: booked.exceptionID, at: Timestamp.now(), action: "booked", decision: "", applications: "",
                                      note: "booked by the run of \(open.day)", by: "settle", approvedBy: "", runID: open.runID)
                }
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
            try writeACHCustomers()
            dayACHRows = DayACHRows()
            try writeBalances(day: day.day)
            if !day.bankTies.isEmpty {
                outcome.bankTies = try tieToBank(day.bankTies, runDay: day.day)
                var raised = DayEffects()
                raised.exceptions = try day.raiseBankDifferences?(outcome.bankTies) ?? []
                try writeDecisions(raised, runID: day.runID, day: day.day)
                try resolveTiedAgain(outcome.bankTies, runDay: day.day, runID: day.runID)
            }
            try resolveWhatIsGone(day: day.day, runID: day.runID)
            if nextEntryID > firstEntryID {
                try database.prepare("INSERT INTO entry_ranges(first_entry_id, last_entry_id, day, run_id) VALUES (?, ?, ?, ?)")
                    .bind(.integer(firstEntryID), .integer(nextEntryID - 1), .text(day.day.description), .integer(day.runID)).run()
            }
            clock.lap("balances", into: &outcome)
            try day.beforeCommit?()
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
    struct PhaseClock {
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

    func writeAccounts(cashAccounts: [(code: String, name: String)], accountNames: [(code: String, name: String, type: String)]) throws {
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
    func writeInvoices(_ invoices: [LedgerInvoice], day: Day) throws -> Int {
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
    func writeBalances(day: Day) throws {
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
        let writtenOff = try database.prepare("UPDATE invoices SET written_off_minor = written_off_minor + ? WHERE invoice_no = ?")
        for (invoice, change) in writtenOffChanges.sorted(by: { $0.key < $1.key }) where change != 0 {
            try writtenOff.bind(1, change)
            try writtenOff.bind(2, invoice)
            try writtenOff.execute()
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
        let byDay = try database.prepare("""
            INSERT INTO customer_unapplied_days(customer_no, currency, effective_day, amount_minor) VALUES (?, ?, ?, ?)
            ON CONFLICT(customer_no, currency, effective_day) DO UPDATE SET amount_minor = amount_minor + excluded.amount_minor
            """)
        var total: [Int64: [String: Int64]] = [:]
        for (key, amount) in unappliedMovements.sorted(by: { ($0.key.customer, $0.key.currency, $0.key.effectiveDay) < ($1.key.customer, $1.key.currency, $1.key.effectiveDay) })
        where amount != 0 {
            try byDay.bind(.integer(key.customer), .text(key.currency), .text(key.effectiveDay.description), .integer(amount)).run()
            total[key.customer, default: [:]][key.currency, default: 0] &+= amount
        }
        for (number, byCurrency) in total.sorted(by: { $0.key < $1.key }) {
            for (currency, amount) in byCurrency.sorted(by: { $0.key < $1.key }) where amount != 0 {
                try customer.bind(.integer(number), .text(currency), .integer(amount)).run()
            }
        }
    }

    /// Each statement closing against the books inside the day's transaction (everything of the day written): the
    /// cash account's movements of runs of days up to the statement's day when it is the day run (the account's day
    /// totals), else its postings of entries effective on or before that day.
    func tieToBank(_ checks: [BankTieCheck], runDay: Day) throws -> [BankTieResult] {
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
}
