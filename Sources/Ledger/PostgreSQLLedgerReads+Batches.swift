import Accounting
import Core

/// Settlement items, reviewers' decisions to book, batches that never reached the bank and their receipts, and the
/// exceptions raised on receipts: as `SQLiteReadConnection+Batches` (and the review reads of `+Run`) read them.
extension PostgreSQLLedgerReads {
    /// The batches raised as unsettled and not settled since, by key.
    func unsettledBatchKeys() throws -> [String] {
        let r = try db.query("""
            SELECT batch_key FROM settlement_items WHERE entity = $1 AND unsettled_day IS NOT NULL AND settled_day IS NULL ORDER BY batch_key
            """, [entity])
        return (0..<r.count).map { r.text($0, 0) }
    }

    /// Settlement items taken before `day` and not settled before it (by settlement day and key), as a run of `day`
    /// sees them: what happened on or after it undone.
    func pendingSettlements(before day: Day) throws -> [SettlementItemRow] {
        let r = try db.query("""
            SELECT batch_key, role, company_name, file_name, net_minor, currency, settlement_day, window_end, first_day, settled_day, settled_by,
                   unsettled_day, location, entry_amounts, file_key
            FROM settlement_items WHERE entity = $1 AND first_day < $2 AND (settled_day IS NULL OR settled_day >= $2) ORDER BY settlement_day, batch_key
            """, [entity, day.description])
        return try (0..<r.count).map { i in
            guard let currency = Currency.iso(r.text(i, 5)) else { throw LedgerError("settlement item \(r.text(i, 0)): currency '\(r.text(i, 5))' is not an ISO 4217 code") }
            guard let settlement = Day.parse(r.text(i, 6), format: .iso), let windowEnd = Day.parse(r.text(i, 7), format: .iso),
                  let first = Day.parse(r.text(i, 8), format: .iso) else {
                throw LedgerError("settlement item \(r.text(i, 0)): a day is not YYYY-MM-DD")
            }
            let unsettled = r.isNull(i, 11) ? nil : Day.parse(r.text(i, 11), format: .iso)
            var row = SettlementItemRow(batchKey: r.text(i, 0), role: r.text(i, 1), companyName: r.text(i, 2), fileName: r.text(i, 3),
                                        net: Money(minorUnits: r.int(i, 4), currency: currency), settlementDay: settlement, windowEnd: windowEnd, firstDay: first,
                                        settledDay: nil, settledBy: nil, unsettledDay: unsettled.flatMap { $0 < day ? $0 : nil }, location: r.text(i, 12))
            row.entryAmounts = r.text(i, 13).split(separator: " ").compactMap { Int64($0) }
            row.fileKey = r.text(i, 14)
            return row
        }
    }

    /// Every batch raised as unsettled (`UNSETTLED_BATCH`), with where it stands now, by key.
    func raisedBatches() throws -> [SettlementItemRow] {
        let r = try db.query("""
            SELECT batch_key, role, company_name, file_name, net_minor, currency, settlement_day, window_end, first_day, settled_day, settled_by,
                   unsettled_day, location
            FROM settlement_items WHERE entity = $1 AND unsettled_day IS NOT NULL ORDER BY batch_key
            """, [entity])
        return try (0..<r.count).map { i in
            let item = "settlement item \(r.text(i, 0))"
            return SettlementItemRow(batchKey: r.text(i, 0), role: r.text(i, 1), companyName: r.text(i, 2), fileName: r.text(i, 3),
                                     net: Money(minorUnits: r.int(i, 4), currency: try Stored.currency(r.text(i, 5), item)),
                                     settlementDay: try Stored.day(r.text(i, 6), item), windowEnd: try Stored.day(r.text(i, 7), item),
                                     firstDay: try Stored.day(r.text(i, 8), item), settledDay: r.isNull(i, 9) ? nil : try Stored.day(r.text(i, 9), item),
                                     settledBy: r.optionalText(i, 10), unsettledDay: r.isNull(i, 11) ? nil : try Stored.day(r.text(i, 11), item),
                                     location: r.text(i, 12))
        }
    }

    /// The keys of one file's batches that begin with `prefix` (`batch:<role>:<company>:<effective day>:`), by key.
    private func batchKeys(prefix: String, fileName: String) throws -> [String] {
        let r = try db.query("""
            SELECT batch_key FROM settlement_items WHERE entity = $1 AND starts_with(batch_key, $2) AND file_name = $3 ORDER BY batch_key
            """, [entity, prefix, fileName])
        return (0..<r.count).map { r.text($0, 0) }
    }

    /// The first traces of the batches of one file with the same role, company and effective day: each batch's entries
    /// run from its first trace to the next batch's.
    private func firstTraces(role: String, company: String, effective: String, fileName: String) throws -> [String] {
        try batchKeys(prefix: "batch:\(role):\(company):\(effective):", fileName: fileName).compactMap { SQLiteReadConnection.batchParts($0)?.firstTrace }.sorted()
    }

    /// The receipts a batch's payment entries made (by the key each was posted under), with the day each was taken.
    func batchReceipts(batchKey: String) throws -> [(receiptID: String, day: Day)] {
        guard let parts = SQLiteReadConnection.batchParts(batchKey) else { return [] }
        let file = try db.query("SELECT file_name FROM settlement_items WHERE entity = $1 AND batch_key = $2", [entity, batchKey])
        guard file.count > 0 else { return [] }
        let fileName = file.text(0, 0)
        let next = try firstTraces(role: parts.role, company: parts.company, effective: parts.effective, fileName: fileName).first { $0 > parts.firstTrace }
        let r = try db.query("""
            SELECT trace, source_key, day FROM ach_entries
            WHERE entity = $1 AND effective_day = $2 AND role = $3 AND company_id = $4 AND file_name = $5 AND kind = 'payment' ORDER BY trace, entry_key
            """, [entity, parts.effective, parts.role, parts.company, fileName])
        var out: [(receiptID: String, day: Day)] = []
        for i in 0..<r.count {
            let trace = r.text(i, 0)
            guard trace >= parts.firstTrace, next.map({ trace < $0 }) ?? true else { continue }
            out.append((ContentID.make(prefix: "R", r.text(i, 1)), try Stored.day(r.text(i, 2), "ach entry \(r.text(i, 1))")))
        }
        return out
    }

    /// The batch whose entry made an ACH receipt of `day` (nil: not an ACH receipt, or an older ledger's).
    func receiptBatch(receiptID: String, day: Day) throws -> String? {
        let key = try db.query("""
            SELECT source_key FROM applications WHERE entity = $1 AND receipt_id = $2 AND day = $3 AND starts_with(source_key, 'ach:')
            ORDER BY application_id LIMIT 1
            """, [entity, receiptID, day.description])
        guard key.count > 0 else { return nil }
        let entry = try db.query("SELECT role, company_id, effective_day, trace, file_name FROM ach_entries WHERE entity = $1 AND entry_key = $2",
                                 [entity, key.text(0, 0)])
        guard entry.count > 0 else { return nil }
        let (role, company, effective, trace, fileName) = (entry.text(0, 0), entry.text(0, 1), entry.text(0, 2), entry.text(0, 3), entry.text(0, 4))
        // The file's batch of that company and day whose first trace is the last at or before the entry's.
        guard let first = try firstTraces(role: role, company: company, effective: effective, fileName: fileName).last(where: { $0 <= trace }) else { return nil }
        return try batchKeys(prefix: "batch:\(role):\(company):\(effective):", fileName: fileName).first { SQLiteReadConnection.batchParts($0)?.firstTrace == first }
    }

    /// The application rows of these receipts, of the days from `from` up to before `before` (nil: every day since).
    func receiptRows(receiptIDs: [String], from: Day, before: Day?) throws -> [ApplicationRow] {
        guard !receiptIDs.isEmpty else { return [] }
        return try PostgreSQLRowMapping.applications(db.query("""
            SELECT \(PostgreSQLRowMapping.applicationColumns) FROM applications
            WHERE entity = $1 AND day >= $2 AND day < $3 AND receipt_id = ANY($4::text[]) ORDER BY day, application_id
            """, [entity, from.description, before?.description ?? "9999-12-31", PostgreSQLArray.literal(receiptIDs)]))
    }

    /// Where a receipt came in: the day and the key of its own rows (not a decision's, a return's or a later day's
    /// application of its cash). Found through the exceptions it raised, else every application row.
    func receiptOrigin(receiptID: String) throws -> (day: Day, sourceKey: String)? {
        let own = "left(source_key, 7) NOT IN ('review:', 'reapply', 'return:')"
        let raised = try db.query("SELECT min(day) FROM exceptions WHERE entity = $1 AND receipt_id = $2 AND receipt_id <> ''", [entity, receiptID])
        if raised.count > 0, !raised.isNull(0, 0) {
            let day = raised.text(0, 0)
            let key = try db.query("""
                SELECT source_key FROM applications WHERE entity = $1 AND day = $2 AND receipt_id = $3 AND \(own) ORDER BY application_id LIMIT 1
                """, [entity, day, receiptID])
            if key.count > 0 { return (try Stored.day(day, "exception of receipt \(receiptID)"), key.text(0, 0)) }
        }
        let r = try db.query("""
            SELECT day, source_key FROM applications WHERE entity = $1 AND receipt_id = $2 AND \(own) ORDER BY day, application_id LIMIT 1
            """, [entity, receiptID])
        return r.count == 0 ? nil : (try Stored.day(r.text(0, 0), "applications row of \(receiptID)"), r.text(0, 1))
    }

    /// The `--settled-by` decisions: the batch's exception, the receipt named and whether the decision is booked.
    func settledByDecisions() throws -> [(exceptionID: String, receiptID: String, booked: Bool)] {
        let r = try db.query("""
            SELECT exception_id, decision_applications, booked_seq = decision_seq FROM exceptions
            WHERE entity = $1 AND type = 'UNSETTLED_BATCH' AND decision = 'settled-by' ORDER BY exception_id
            """, [entity])
        return (0..<r.count).map { i in
            let text = r.text(i, 1)
            return (r.text(i, 0), String(text[..<(text.lastIndex(of: "=") ?? text.endIndex)]), r.bool(i, 2))
        }
    }

    /// The exceptions raised on these receipts, whatever their status: receipt by receipt as named, each's by day and id.
    func exceptions(receiptIDs: [String]) throws -> [ExceptionRow] {
        guard !receiptIDs.isEmpty else { return [] }
        let columns = PostgreSQLRowMapping.exceptionColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return try PostgreSQLRowMapping.exceptions(db.query("""
            SELECT \(columns.joined(separator: ", ")) FROM unnest($2::text[]) WITH ORDINALITY AS k(receipt_id, n)
            JOIN exceptions e ON e.entity = $1 AND e.receipt_id = k.receipt_id AND e.receipt_id <> ''
            ORDER BY k.n, e.day, e.exception_id
            """, [entity, PostgreSQLArray.literal(receiptIDs)]))
    }

    /// The open exceptions raised on these receipts (no decision on them): receipt by receipt as named, each's by id.
    func openExceptions(receiptIDs: [String]) throws -> [(exceptionID: String, receiptID: String, type: String)] {
        guard !receiptIDs.isEmpty else { return [] }
        let r = try db.query("""
            SELECT e.exception_id, k.receipt_id, e.type FROM unnest($2::text[]) WITH ORDINALITY AS k(receipt_id, n)
            JOIN exceptions e ON e.entity = $1 AND e.receipt_id = k.receipt_id AND e.receipt_id <> '' AND e.status = 'open' AND e.decision = ''
            ORDER BY k.n, e.exception_id
            """, [entity, PostgreSQLArray.literal(receiptIDs)])
        return (0..<r.count).map { (r.text($0, 0), r.text($0, 1), r.text($0, 2)) }
    }

    // MARK: - Reviewers' decisions

    /// The reviewers' decisions a run of `day` books: those not booked yet (of exceptions of that day or earlier), and
    /// those a run of `day` booked before; by exception id.
    func reviewsToBook(runDay day: Day) throws -> [ReviewBooking] {
        let r = try db.query("""
            SELECT exception_id, type, day, customer_id, receipt_id, decision, decision_applications, amount_minor, currency, invoice_ids, decision_seq,
                   resolution_note, decided_by, source, source_ref, booked_seq = decision_seq
            FROM exceptions
            WHERE entity = $1 AND ((decision_seq <> booked_seq AND day <= $2) OR booked_day = $2)
            ORDER BY exception_id
            """, [entity, day.description])
        return try (0..<r.count).map { i in
            let row = "exceptions row \(r.text(i, 0))"
            let currency = r.isNull(i, 8) ? nil : try Stored.currency(r.text(i, 8), row)
            var booking = ReviewBooking(exceptionID: r.text(i, 0), type: r.text(i, 1), day: try Stored.day(r.text(i, 2), row), customerID: r.text(i, 3),
                                        receiptID: r.text(i, 4), decision: r.text(i, 5),
                                        applications: currency.map { ReviewApplication.parse(r.text(i, 6), currency: $0) } ?? [],
                                        amount: currency.map { Money(minorUnits: r.int(i, 7), currency: $0) },
                                        invoiceIDs: r.text(i, 9).split(separator: "|").map(String.init), seq: r.int(i, 10), note: r.text(i, 11))
            (booking.decidedBy, booking.source, booking.sourceRef, booking.bookedBefore) = (r.text(i, 12), r.text(i, 13), r.text(i, 14), r.bool(i, 15))
            return booking
        }
    }

    /// The day a receipt of `day` was returned (its `return:<source key>` entry posted), if it was.
    func returnDay(receiptID: String, day: Day) throws -> Day? {
        let r = try db.query("""
            SELECT source_key FROM applications WHERE entity = $1 AND receipt_id = $2 AND day = $3 ORDER BY application_id LIMIT 1
            """, [entity, receiptID, day.description])
        return r.count == 0 ? nil : try postedDay(sourceKey: "return:" + r.text(0, 0))
    }
}
