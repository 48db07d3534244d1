import Accounting
import Core
import Foundation

/// The day's records beside its entries: applications, exceptions, held receipts, ACH entries and notices, statement
/// balances, settlement items.
extension SQLiteLedgerStore {
    /// A run of a day replaces the day's decisions, ACH entries, statement balances and settlement items: cleared when
    /// its transaction opens (reads of the state before the day go through `LedgerReading`, which does not see this).
    /// Held receipts and the day's re-applications of earlier ones; exceptions whose held cash went where it belongs.
    func writeHeld(_ batch: DayEffects, runID: Int64, day: Day) throws {
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
        try resolveBySettle(batch.resolvedBySettle.map { ($0.exceptionID, $0.note) }, resolution: "settled", runID: runID, day: day)
        for r in batch.reopenedBySettle { try reopen(id: r.exceptionID, note: r.note, by: "settle", at: Timestamp.now(), runID: runID) }
        for r in batch.decisionsSettled { try setAside(id: r.exceptionID, note: r.note, runID: runID, day: day) }
        for b in batch.batchesClosed {
            try database.prepare("UPDATE settlement_items SET settled_day = ?, settled_by = ? WHERE batch_key = ? AND settled_day IS NULL")
                .bind(.text(day.description), .text(b.by), .text(b.batchKey)).run()
        }
        for b in batch.batchesReopened {
            try database.prepare("UPDATE settlement_items SET settled_day = NULL, settled_by = NULL WHERE batch_key = ? AND settled_by = ?")
                .bind(.text(b.batchKey), .text(b.by)).run()
        }
        // `linked`: a rerun of their own day leaves them resolved, and their receipts' held cash is not tried again.
        try resolveBySettle(batch.resolvedTogether.map { ($0.exceptionID, $0.note) }, resolution: "linked", runID: runID, day: day)
    }

    func resetDayRecords(_ day: Day) throws {
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

    func writeDecisions(_ day: DayEffects, runID: Int64, day today: Day) throws {
        guard !day.applications.isEmpty || !day.exceptions.isEmpty else { return }
        let application = try database.prepare("""
            INSERT INTO applications(run_id, day, receipt_id, source_key, invoice_id, customer_id, applied_minor, discount_minor, writeoff_minor, currency, rule, confidence,
                                     evidence, reason_code, source, source_ref, value_day)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let dayText = today.description
        // A day's receipts share a few value days: each formatted once, not once per row. What the row's key and day
        // already say is not stored again (`ApplicationRowMapping.map` reads it back): an ACH receipt's source and
        // trace number, a value day that is the run day — a million rows are 30 MB less for the writer.
        var valueDay: (day: Day, text: String)?
        for a in day.applications {
            if let d = a.valueDay, d != today, valueDay?.day != d { valueDay = (d, d.description) }
            let fromKey = ApplicationRowMapping.keySays(source: a.source, sourceRef: a.sourceRef, key: a.sourceKey)
            try application.bind(.integer(runID), .text(dayText), .text(a.receiptID), .text(a.sourceKey), .optional(a.invoiceID), .optional(a.customerID),
                                 .integer(a.applied.minorUnits), .integer(a.discount.minorUnits), .integer(a.writeOff.minorUnits), .text(a.applied.currency.code),
                                 .text(a.rule), .integer(Int64(a.confidence)), .text(a.evidence), .text(a.reasonCode), .text(fromKey ? "" : a.source),
                                 .text(fromKey ? "" : a.sourceRef), .optional(a.valueDay == nil || a.valueDay == today ? nil : valueDay?.text)).run()
        }
        let exception = try database.prepare("""
            INSERT INTO exceptions(exception_id, first_run_id, last_run_id, day, type, severity, receipt_id, source, source_ref, location, customer_id,
                                   amount_minor, currency, invoice_ids, message, suggestions, evidence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(exception_id) DO UPDATE SET last_run_id = excluded.last_run_id, message = excluded.message,
                suggestions = excluded.suggestions, location = excluded.location, evidence = excluded.evidence,
                status = CASE WHEN exceptions.resolution = 'auto' THEN 'open' ELSE exceptions.status END,
                resolution = CASE WHEN exceptions.resolution = 'auto' THEN '' ELSE exceptions.resolution END,
                closed_day = CASE WHEN exceptions.resolution = 'auto' THEN NULL ELSE exceptions.closed_day END
            """)
        for e in day.exceptions {
            try exception.bind(.text(e.exceptionID), .integer(runID), .integer(runID), .text(e.day.description), .text(e.type), .text(e.severity),
                               .text(e.receiptID), .text(e.source), .text(e.sourceRef), .text(e.location), .text(e.customerID),
                               e.amount.map { .integer($0.minorUnits) } ?? .null, .optional(e.amount?.currency.code),
                               .text(e.invoiceIDs.joined(separator: "|")), .text(e.message), .text(e.suggestions), .text(e.evidence)).run()
        }
    }

    // MARK: - ACH entries, changes and settlement items

    /// The customers found for the day's ACH entry rows, in rowid order. A rowid the day's rows took may have been an
    /// earlier row's (SQLite reuses the largest after a delete): what was kept for those goes first.
    func writeACHCustomers() throws {
        guard dayACHRows.hasCustomers, !dayACHRows.customersWritten, let first = dayACHRows.rowids.min() else { return }
        dayACHRows.customersWritten = true
        try database.prepare("DELETE FROM ach_entry_customers WHERE entry_rowid >= ?").bind(.integer(first)).run()
        let insert = try database.prepare("INSERT INTO ach_entry_customers(entry_rowid, customer_id) VALUES (?, ?)")
        for (customer, row) in zip(dayACHRows.customers, dayACHRows.rowids) {
            guard let customer else { continue }
            try insert.bind(.integer(row), .text(customer)).run()
        }
        // What was kept of the rows goes now, mid-day.
        dayACHRows.customersDone()
    }

    func writeACH(_ day: DayEffects, runID: Int64, day today: Day) throws {
        let dayText = today.description
        let insert = try database.prepare("""
            INSERT OR REPLACE INTO ach_entries(entry_key, role, kind, company_id, trace, rdfi, amount_minor, currency, effective_day, settlement_day, source_key,
                                               customer_id, receiver_name, identification, file_name, day, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        dayACHRows.reserve(day.achEntries.count)
        for e in day.achEntries {
            let entryKey = e.entryKey
            try insert.bind(.text(entryKey), .text(e.role), .text(e.kind), .text(e.companyID), .text(e.trace), .text(e.rdfi), .integer(e.amount.minorUnits),
                            .text(e.amount.currency.code), .text(e.effectiveDay.description), .text(e.settlementDay.description), .text(e.sourceKey(entryKey: entryKey)),
                            .optional(e.customerID), .text(e.receiverName), .text(e.identification), .text(e.fileName), .text(dayText), .integer(runID)).run()
            dayACHRows.append(rowid: database.lastInsertRowID, keyHash: e.keyHash)
        }
        if !day.achCustomers.isEmpty {
            let key = try database.prepare("SELECT entry_key FROM ach_entries WHERE rowid = ?")
            try dayACHRows.assign(day.achCustomers) { rowid in
                try key.bind(.integer(rowid)).rows { $0.text(0) }.first ?? ""
            }
        }
        if day.lastACHCustomers { try writeACHCustomers() }
        let change = try database.prepare("""
            INSERT OR IGNORE INTO customer_ach_changes(notice_key, customer_id, change_code, corrected_data, original_trace, day, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for c in day.achChanges {
            try change.bind(.text(c.noticeKey), .optional(c.customerID), .text(c.changeCode), .text(c.correctedData), .text(c.originalTrace), .text(c.day.description),
                            .integer(runID)).run()
        }
        let returned = try database.prepare("""
            INSERT OR IGNORE INTO ach_returns(notice_key, original_trace, reason_code, dishonored, amount_minor, currency, day, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for r in day.achReturns {
            try returned.bind(.text(r.noticeKey), .text(r.originalTrace), .text(r.reasonCode), .integer(r.dishonored ? 1 : 0), .integer(r.amount.minorUnits),
                              .text(r.amount.currency.code), .text(r.day.description), .integer(runID)).run()
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
