import Accounting
import Core
import Foundation

/// The day's records beside its entries on PostgreSQL: applications, exceptions and their history, held receipts and
/// re-applications, ACH entries and notices, statement balances, settlement items, and the books tied to the bank.
/// What SQLite's store writes row by row goes in here with `COPY` where a day can hold a million rows (applications,
/// ACH entries); the rest (a day's exceptions, balances and items, a few thousand at most) by statement.
extension PostgreSQLLedgerStore {
    /// A run of a day replaces the day's applications, held cash, ACH entries, statement balances and settlement items:
    /// cleared when its transaction opens (reads of the state before the day go through the reader, which does not see
    /// this until the day commits).
    func resetDayRecords(_ day: Day) throws {
        let d = day.description
        try db.run("""
            WITH h AS (DELETE FROM held_receipts WHERE entity = $1 AND day = $2),
                 r AS (DELETE FROM reapplications WHERE entity = $1 AND day = $2),
                 a AS (DELETE FROM applications WHERE entity = $1 AND day = $2),
                 c AS (DELETE FROM ach_entries WHERE entity = $1 AND day = $2),
                 k AS (DELETE FROM ach_entry_customers WHERE entity = $1 AND day = $2),
                 b AS (DELETE FROM statement_balances WHERE entity = $1 AND day = $2)
            DELETE FROM settlement_items WHERE entity = $1 AND first_day = $2
            """, [e, d])
        // A rerun of the day starts from the items as they stood before it.
        try db.run("UPDATE settlement_items SET settled_day = NULL, settled_by = NULL WHERE entity = $1 AND settled_day = $2", [e, d])
        try db.run("UPDATE settlement_items SET unsettled_day = NULL WHERE entity = $1 AND unsettled_day = $2", [e, d])
        nextApplicationID = try db.query("SELECT COALESCE(max(application_id), 0) + 1 FROM applications WHERE entity = $1", [e]).int(0, 0)
    }

    /// Applications (one COPY) and exceptions (raised again: the run's message and evidence; one settle resolved `auto`
    /// opens again).
    func writeDecisions(_ batch: DayEffects, runID: Int64, day today: Day) throws {
        if !batch.applications.isEmpty {
            var rows = CopyText(reservingCapacity: batch.applications.count * 160)
            let dayText = today.description
            var valueDay: (day: Day, text: String)?
            for a in batch.applications {
                if let d = a.valueDay, d != today, valueDay?.day != d { valueDay = (d, d.description) }
                // What the row's key and day already say is not stored again, as on SQLite (the rows read back the same).
                let fromKey = ApplicationRowMapping.keySays(source: a.source, sourceRef: a.sourceRef, key: a.sourceKey)
                rows.add(e); rows.add(nextApplicationID); rows.add(runID); rows.add(dayText); rows.add(a.receiptID); rows.add(a.sourceKey)
                rows.add(a.invoiceID); rows.add(a.customerID); rows.add(a.applied.minorUnits); rows.add(a.discount.minorUnits)
                rows.add(a.writeOff.minorUnits); rows.add(a.applied.currency.code); rows.add(a.rule); rows.add(Int64(a.confidence))
                rows.add(a.evidence); rows.add(a.reasonCode); rows.add(fromKey ? "" : a.source); rows.add(fromKey ? "" : a.sourceRef)
                rows.add(a.valueDay == nil || a.valueDay == today ? nil : valueDay?.text)
                rows.endRow()
                nextApplicationID += 1
            }
            db.copyInAhead("applications", data: rows.bytes)
        }
        try writeExceptions(batch.exceptions, runID: runID)
    }

    /// Exceptions raised: one the ledger does not hold and the day has not raised goes straight into `exceptions`; one
    /// raised again is updated (the run's message and evidence; one settle resolved `auto` opens again). Raised twice in
    /// a batch, the last one stands (as SQLite's upsert of the second over the first).
    private func writeExceptions(_ exceptions: [ExceptionRow], runID: Int64) throws {
        guard !exceptions.isEmpty else { return }
        var fresh = CopyText(), again = CopyText()
        for (i, new) in try standingRows(exceptions.map(\.exceptionID), written: &dayExceptions, in: "exceptions", key: "exception_id") {
            let x = exceptions[i]
            func add(_ rows: inout CopyText) {
                for value in [e, x.exceptionID, String(runID), String(runID), x.day.description, x.type, x.severity, x.receiptID, x.source, x.sourceRef,
                              x.location, x.customerID] { rows.add(value) }
                rows.add(x.amount?.minorUnits.description)
                rows.add(x.amount?.currency.code)
                for value in [x.invoiceIDs.joined(separator: "|"), x.message, x.suggestions, x.evidence] { rows.add(value) }
                rows.endRow()
            }
            if new { add(&fresh) } else { add(&again) }
        }
        let columns = """
            (entity, exception_id, first_run_id, last_run_id, day, type, severity, receipt_id, source, source_ref, location, customer_id, amount_minor,
             currency, invoice_ids, message, suggestions, evidence)
            """
        if fresh.rows > 0 { db.copyInAhead("exceptions" + columns, data: fresh.bytes) }
        guard again.rows > 0 else { return }
        try db.execute("""
            CREATE TEMPORARY TABLE IF NOT EXISTS stage_exceptions (LIKE exceptions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
            """)
        try db.copyIn("stage_exceptions" + columns, data: again.bytes)
        try db.execute("""
            INSERT INTO exceptions SELECT * FROM stage_exceptions
            ON CONFLICT (entity, exception_id) DO UPDATE SET last_run_id = excluded.last_run_id, message = excluded.message,
                suggestions = excluded.suggestions, location = excluded.location, evidence = excluded.evidence,
                status = CASE WHEN exceptions.resolution = 'auto' THEN 'open' ELSE exceptions.status END,
                resolution = CASE WHEN exceptions.resolution = 'auto' THEN '' ELSE exceptions.resolution END,
                closed_day = CASE WHEN exceptions.resolution = 'auto' THEN NULL ELSE exceptions.closed_day END;
            DELETE FROM stage_exceptions;
            """)
    }

    /// The day's ACH entries, each numbered by its place among the day's rows (`day_seq`). A row whose key the ledger
    /// does not hold and the day has not written goes straight into `ach_entries`; the others (a key an earlier day
    /// recorded, or the day wrote before) go to a staging table and replace what is there at the day's end (SQLite's
    /// INSERT OR REPLACE). Of a key a batch names twice, its last row stands. The customers cash application found for
    /// the rows (`achCustomers`, which follow them) are given to their places and go into `ach_entry_customers` with
    /// the last of them (`writeACHCustomers`).
    func writeACH(_ batch: DayEffects, runID: Int64, day today: Day) throws {
        if !batch.achEntries.isEmpty {
            let dayText = today.description, run = String(runID)
            let rows = batch.achEntries
            let keys = rows.map(\.entryKey)
            let standing = Self.lastOfEachKey(keys)
            // Whether the day wrote the row's key before (this row replaces that one), for each standing row.
            let again = standing.map { !dayACHKeyHashes.insert(rows[$0].keyHash).inserted }
            // A key names its entry's effective day: only those of days the ledger holds entries of are looked up.
            let candidates = zip(standing, again).filter { !$0.1 }.map(\.0)
            let days = try effectiveDaysHeld(Set(candidates.map { rows[$0].effectiveDay }))
            let held = try existing(candidates.filter { rows[$0].keepsKeyText || days.contains(rows[$0].effectiveDay) }.map { keys[$0] },
                                    in: "ach_entries", key: "entry_key")
            var fresh = CopyText(reservingCapacity: rows.count * 200), staged = CopyText()
            var replaced: [String] = []
            dayACHRows.reserve(standing.count)
            for (i, wroteBefore) in zip(standing, again) {
                let x = rows[i], key = keys[i]
                if wroteBefore { replaced.append(key) }
                let direct = !wroteBefore && !held.contains(key)
                nextACHSeq += 1
                dayACHRows.append(rowid: nextACHSeq, keyHash: x.keyHash)
                func add(_ rows: inout CopyText) {
                    for value in [e, key, x.role, x.kind, x.companyID, x.trace, x.rdfi] { rows.add(value) }
                    rows.add(x.amount.minorUnits)
                    for value in [x.amount.currency.code, x.effectiveDay.description, x.settlementDay.description, x.sourceKey(entryKey: key)] { rows.add(value) }
                    rows.add(x.customerID)
                    for value in [x.receiverName, x.identification, x.fileName, dayText, run] { rows.add(value) }
                    rows.add(nextACHSeq)
                    rows.endRow()
                }
                if direct { add(&fresh) } else { add(&staged) }
            }
            if fresh.rows > 0 { db.copyInAhead("ach_entries", data: fresh.bytes) }
            if staged.rows > 0 || !replaced.isEmpty { try stageACHTables() }
            if !replaced.isEmpty {
                // An entry the day wrote before is replaced by this one: the places of its earlier rows take no customer
                // (the one it staged goes now; the one it wrote straight in, when the staged rows move).
                let list = PostgreSQLArray.literal(replaced)
                let earlier = try db.query("""
                    SELECT day_seq FROM ach_entries WHERE entity = $1 AND entry_key = ANY($2::text[]) AND day = $3
                    UNION ALL SELECT day_seq FROM stage_ach WHERE entry_key = ANY($2::text[])
                    """, [e, list, dayText])
                for r in 0..<earlier.count where !earlier.isNull(r, 0) { replacedACHSeqs.insert(earlier.int(r, 0)) }
                try db.run("DELETE FROM stage_ach WHERE entry_key = ANY($1::text[])", [list])
            }
            if staged.rows > 0 { db.copyInAhead("stage_ach", data: staged.bytes) }
        }
        if !batch.achCustomers.isEmpty {
            // Two of the day's rows share a key hash (or a key, the earlier one replaced): told apart by the key of the
            // row in that place.
            let (db, e, day, replaced, staged) = (db, e, today.description, replacedACHSeqs, achStaged)
            try dayACHRows.assign(batch.achCustomers) { seq in
                guard !replaced.contains(seq) else { return "" }
                let rows = try db.query("""
                    SELECT entry_key FROM ach_entries WHERE entity = $1 AND day = $2 AND day_seq = $3::bigint
                    \(staged ? "UNION ALL SELECT entry_key FROM stage_ach WHERE day_seq = $3::bigint" : "")
                    """, [e, day, String(seq)])
                return rows.count == 0 ? "" : rows.text(0, 0)
            }
        }
        if batch.lastACHCustomers { try writeACHCustomers(day: today) }
        for c in batch.achChanges {
            try db.run("""
                INSERT INTO customer_ach_changes(entity, change_id, notice_key, customer_id, change_code, corrected_data, original_trace, day, run_id)
                SELECT $1, COALESCE(max(change_id), 0) + 1, $2, $3, $4, $5, $6, $7, $8::bigint FROM customer_ach_changes WHERE entity = $1
                ON CONFLICT (entity, notice_key) DO NOTHING
                """, [e, c.noticeKey, c.customerID, c.changeCode, c.correctedData, c.originalTrace, c.day.description, String(runID)])
        }
        for r in batch.achReturns {
            try db.run("""
                INSERT INTO ach_returns(entity, notice_key, original_trace, reason_code, dishonored, amount_minor, currency, day, run_id)
                VALUES ($1, $2, $3, $4, $5::bigint, $6::bigint, $7, $8, $9::bigint) ON CONFLICT (entity, notice_key) DO NOTHING
                """, [e, r.noticeKey, r.originalTrace, r.reasonCode, r.dishonored ? "1" : "0", String(r.amount.minorUnits), r.amount.currency.code,
                      r.day.description, String(runID)])
        }
        if !batch.statementBalances.isEmpty {
            var rows = CopyText()
            for b in batch.statementBalances {
                rows.add(e); rows.add(b.account); rows.add(b.day.description); rows.add((b.closing ?? b.opening)?.currency.code ?? "")
                rows.add(b.opening?.minorUnits.description); rows.add(b.closing?.minorUnits.description); rows.add(b.location); rows.add(runID)
                rows.endRow()
            }
            try upsert("statement_balances", ["entity", "account", "day", "currency", "opening_minor", "closing_minor", "location", "run_id"], rows,
                       key: ["entity", "account", "currency", "day"], update: ["opening_minor", "closing_minor", "location", "run_id"])
        }
        try writeSettlementItems(batch.settlementItems)
    }

    /// The ACH batches settlement follows: one the ledger does not hold and the day has not written goes straight into
    /// `settlement_items`; one it holds keeps its fields and takes the row's settled and unsettled days (an upsert through
    /// staging). Named twice in a batch, the last row stands.
    private func writeSettlementItems(_ items: [SettlementItemRow]) throws {
        guard !items.isEmpty else { return }
        var fresh = CopyText(), again = CopyText()
        for (position, new) in try standingRows(items.map(\.batchKey), written: &daySettlementItems, in: "settlement_items", key: "batch_key") {
            let i = items[position]
            func add(_ rows: inout CopyText) {
                for value in [e, i.batchKey, i.role, i.companyName, i.fileName] { rows.add(value) }
                rows.add(i.net.minorUnits)
                for value in [i.net.currency.code, i.settlementDay.description, i.windowEnd.description, i.firstDay.description] { rows.add(value) }
                rows.add(i.settledDay?.description); rows.add(i.settledBy); rows.add(i.unsettledDay?.description); rows.add(i.location)
                rows.add(i.entryAmounts.map(String.init).joined(separator: " ")); rows.add(i.fileKey)
                rows.endRow()
            }
            if new { add(&fresh) } else { add(&again) }
        }
        let columns = ["entity", "batch_key", "role", "company_name", "file_name", "net_minor", "currency", "settlement_day", "window_end",
                       "first_day", "settled_day", "settled_by", "unsettled_day", "location", "entry_amounts", "file_key"]
        if fresh.rows > 0 { db.copyInAhead("settlement_items(\(columns.joined(separator: ", ")))", data: fresh.bytes) }
        if again.rows > 0 {
            try upsert("settlement_items", columns, again, key: ["entity", "batch_key"], update: ["settled_day", "settled_by", "unsettled_day"])
        }
    }

    /// Rows into `table` through a staging table: COPY'd, then inserted, a key already there updating `update` (of a key
    /// the rows name twice, the last, as one upsert after another would leave it).
    func upsert(_ table: String, _ columns: [String], _ rows: CopyText, key: [String], update: [String]) throws {
        let stage = "stage_\(table)"
        let list = columns.joined(separator: ", ")
        try db.execute("CREATE TEMPORARY TABLE IF NOT EXISTS \(stage) (LIKE \(table) INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        try db.copyIn("\(stage)(\(list))", data: rows.bytes)
        let keys = key.joined(separator: ", ")
        try db.execute("""
            INSERT INTO \(table)(\(list)) SELECT DISTINCT ON (\(keys)) \(list) FROM \(stage) ORDER BY \(keys), ctid DESC
            ON CONFLICT (\(keys)) DO UPDATE SET \(update.map { "\($0) = excluded.\($0)" }.joined(separator: ", "));
            DELETE FROM \(stage);
            """)
    }

    private func stageACHTables() throws {
        dayStagedACH = true
        guard !achStaged else { return }
        try db.execute("""
            CREATE TEMPORARY TABLE IF NOT EXISTS stage_ach (LIKE ach_entries) ON COMMIT DELETE ROWS;
            CREATE INDEX IF NOT EXISTS stage_ach_key ON stage_ach(entry_key);
            """)
        achStaged = true
    }

    /// The customers given to the day's ACH rows, each under its row's place, in the order of the places (an insert
    /// at the end of the b-tree). Written once, with the last of them (`lastACHCustomers`) or at the day's end; what
    /// was kept of the rows goes then.
    func writeACHCustomers(day: Day) throws {
        guard dayACHRows.hasCustomers, !dayACHRows.customersWritten else { return }
        var rows = CopyText()
        let dayText = day.description
        for (customer, seq) in zip(dayACHRows.customers, dayACHRows.rowids) {
            guard let customer else { continue }
            rows.add(e); rows.add(dayText); rows.add(seq); rows.add(customer)
            rows.endRow()
        }
        if rows.rows > 0 { db.copyInAhead("ach_entry_customers", data: rows.bytes) }
        dayACHRows.customersDone()
    }

    /// Which of these effective days the entity's committed ACH entries have (one index look-up each, on the look-up
    /// connection).
    private func effectiveDaysHeld(_ days: Set<Day>) throws -> Set<Day> {
        guard !days.isEmpty, !emptyTables.contains("ach_entries") else { return [] }
        let rows = try lookups().query("""
            SELECT k.day FROM unnest($2::text[]) AS k(day) WHERE EXISTS (SELECT 1 FROM ach_entries t WHERE t.entity = $1 AND t.effective_day = k.day)
            """, [e, PostgreSQLArray.literal(days.map(\.description))])
        return Set(try (0..<rows.count).map { try Stored.day(rows.text($0, 0), "ach_entries") })
    }

    /// The day's staged ACH entries into the ledger's table, replacing rows of the same key an earlier day recorded, or
    /// the day wrote straight in; the customers kept for the rows replaced go with them.
    func moveStagedACH() throws {
        guard dayStagedACH else { return }
        try db.execute("ANALYZE stage_ach")
        try db.run("""
            DELETE FROM ach_entry_customers c USING stage_ach s, ach_entries a
            WHERE a.entity = $1 AND a.entry_key = s.entry_key AND c.entity = $1 AND c.day = a.day AND c.day_seq = a.day_seq
            """, [e])
        try db.execute("""
            INSERT INTO ach_entries SELECT * FROM stage_ach
            ON CONFLICT (entity, entry_key) DO UPDATE SET role = excluded.role, kind = excluded.kind, company_id = excluded.company_id,
                trace = excluded.trace, rdfi = excluded.rdfi, amount_minor = excluded.amount_minor, currency = excluded.currency,
                effective_day = excluded.effective_day, settlement_day = excluded.settlement_day, source_key = excluded.source_key,
                customer_id = excluded.customer_id, receiver_name = excluded.receiver_name, identification = excluded.identification,
                file_name = excluded.file_name, day = excluded.day, run_id = excluded.run_id, day_seq = excluded.day_seq;
            DELETE FROM stage_ach;
            """)
    }

    /// Decisions booked, held receipts and re-applications, and what settle resolves, reopens or sets aside itself.
    func writeHeld(_ batch: DayEffects, runID: Int64, day: Day) throws {
        let dayText = day.description
        for booked in batch.bookedReviews {
            // The history says which run booked a decision (once: a rerun of the day books it again, unchanged). A
            // decision booked closes its exception on this day; a reopen booked (its reversal) leaves it open.
            let changed = try db.run("""
                UPDATE exceptions SET booked_seq = $2::bigint, booked_day = $3,
                    closed_day = CASE WHEN status = 'resolved' AND decision <> '' THEN $3 END
                WHERE entity = $1 AND exception_id = $4 AND decision_seq = $2::bigint AND (booked_seq <> $2::bigint OR booked_day IS DISTINCT FROM $3
                    OR closed_day IS DISTINCT FROM (CASE WHEN status = 'resolved' AND decision <> '' THEN $3 END))
                """, [e, String(booked.seq), dayText, booked.exceptionID])
            if changed == 1 {
                try PostgreSQLReview.appendHistory(db, entity: e, exceptionID: booked.exceptionID, at: Timestamp.now(), action: "booked",
                                                   note: "booked by the run of \(day)", by: "settle", runID: runID)
            }
        }
        if !batch.heldReceipts.isEmpty {
            var rows = CopyText()
            for h in batch.heldReceipts {
                for value in [e, h.sourceKey, h.receiptID, h.customerID, h.amount.currency.code] { rows.add(value) }
                rows.add(h.amount.minorUnits)
                for value in [h.day.description, h.valueDay.description, h.source, h.sourceRef, h.payerName, h.freeText, h.remittance, h.location] {
                    rows.add(value)
                }
                rows.add(runID)
                rows.endRow()
            }
            let columns = ["entity", "source_key", "receipt_id", "customer_id", "currency", "amount_minor", "day", "value_day", "source", "source_ref",
                           "payer_name", "free_text", "remittance", "location", "run_id"]
            try upsert("held_receipts", columns, rows, key: ["entity", "source_key"], update: Array(columns.dropFirst(2)))
        }
        if !batch.reapplications.isEmpty {
            var rows = CopyText()
            for r in batch.reapplications {
                rows.add(e); rows.add(r.sourceKey); rows.add(dayText); rows.add(r.invoiceID); rows.add(r.amount.minorUnits); rows.add(runID)
                rows.endRow()
            }
            try upsert("reapplications", ["entity", "source_key", "day", "invoice_id", "amount_minor", "run_id"], rows,
                       key: ["entity", "source_key", "day", "invoice_id"], update: ["amount_minor", "run_id"])
        }
        try PostgreSQLReview.resolveBySettle(db, entity: e, batch.resolvedBySettle.map { ($0.exceptionID, $0.note) }, resolution: "settled",
                                             runID: runID, day: day)
        for r in batch.reopenedBySettle {
            try PostgreSQLReview.reopen(db, entity: e, id: r.exceptionID, note: r.note, by: "settle", at: Timestamp.now(), runID: runID, seq: r.seq)
        }
        for r in batch.decisionsSettled {
            try PostgreSQLReview.setAside(db, entity: e, id: r.exceptionID, note: r.note, runID: runID, day: day, seq: r.seq)
        }
        for b in batch.batchesClosed {
            try db.run("UPDATE settlement_items SET settled_day = $2, settled_by = $3 WHERE entity = $1 AND batch_key = $4 AND settled_day IS NULL",
                       [e, dayText, b.by, b.batchKey])
        }
        for b in batch.batchesReopened {
            try db.run("UPDATE settlement_items SET settled_day = NULL, settled_by = NULL WHERE entity = $1 AND batch_key = $2 AND settled_by = $3",
                       [e, b.batchKey, b.by])
        }
        // `linked`: a rerun of their own day leaves them resolved, and their receipts' held cash is not tried again.
        try PostgreSQLReview.resolveBySettle(db, entity: e, batch.resolvedTogether.map { ($0.exceptionID, $0.note) }, resolution: "linked",
                                             runID: runID, day: day)
    }

    /// Each statement closing against the books inside the day's transaction (everything of the day written): the cash
    /// account's movements of runs of days up to the statement's day when it is the day run (the account's day totals),
    /// else its postings of entries effective on or before that day.
    func tieToBank(_ checks: [BankTieCheck], runDay: Day) throws -> [BankTieResult] {
        try checks.map { check in
            let currency = check.closing.currency
            let sql = check.statementDay >= runDay
                ? "SELECT COALESCE(sum(amount_minor), 0) FROM account_days WHERE entity = $1 AND account_code = $2 AND currency = $3 AND day <= $4"
                : """
                  SELECT COALESCE(sum(p.amount_minor), 0) FROM postings p JOIN journal_entries j ON j.entity = p.entity AND j.entry_id = p.entry_id
                  WHERE p.entity = $1 AND p.account_code = $2 AND p.currency = $3 AND j.effective_day <= $4
                  """
            let through = check.statementDay >= runDay ? runDay : check.statementDay
            let book = try db.query(sql, [e, check.cashAccount, currency.code, through.description]).int(0, 0)
            return BankTieResult(check: check, book: Money(minorUnits: book, currency: currency))
        }
    }

    /// A bank difference of an earlier day resolves itself when a later statement of its account and currency ties
    /// (decided by settle, with a note naming the statement); a reviewer's decision is never overridden.
    func resolveTiedAgain(_ results: [BankTieResult], runDay: Day, runID: Int64) throws {
        for result in results where result.ties {
            let ref = "\(result.check.cashAccount):\(result.check.closing.currency.code)"
            let open = try db.query("""
                SELECT exception_id FROM exceptions
                WHERE entity = $1 AND type = 'BANK_DIFFERENCE' AND status = 'open' AND source_ref = $2 AND day < $3 AND last_run_id <> $4::bigint
                ORDER BY exception_id
                """, [e, ref, runDay.description, String(runID)])
            let note = "the books of \(result.check.displayAccount) tie with the statement of \(result.check.statementDay) (\(result.check.closing)) again, run \(runID) of \(runDay)"
            try PostgreSQLReview.resolveBySettle(db, entity: e, (0..<open.count).map { (open.text($0, 0), note) }, resolution: "settled",
                                                 runID: runID, day: runDay)
        }
    }

    /// An exception of the day an earlier run raised and this run does not is resolved by settle itself, with a note
    /// saying why; raised again later, it opens again.
    func resolveWhatIsGone(day: Day, runID: Int64) throws {
        let gone = try db.query("""
            SELECT exception_id FROM exceptions WHERE entity = $1 AND day = $2 AND status = 'open' AND last_run_id <> $3::bigint ORDER BY exception_id
            """, [e, day.description, String(runID)])
        let note = "no longer raised by run \(runID) of \(day): its cause is gone"
        try PostgreSQLReview.resolveBySettle(db, entity: e, (0..<gone.count).map { (gone.text($0, 0), note) }, resolution: "auto", runID: runID, day: day)
    }
}
