import Accounting
import Core

/// The reads behind reviewers' decisions on batches that never reached the bank (`UNSETTLED_BATCH`), and the receipts
/// linked to them: a batch's receipts, a receipt's batch, a receipt's application rows and a named statement line.
extension SQLiteReadConnection {
    /// Every batch raised as unsettled (`UNSETTLED_BATCH`), with where it stands now (settled day and by what).
    func raisedBatches() throws -> [SettlementItemRow] {
        try database.prepare("""
            SELECT batch_key, role, company_name, file_name, net_minor, currency, settlement_day, window_end, first_day, settled_day, settled_by, unsettled_day, location
            FROM settlement_items WHERE unsettled_day IS NOT NULL ORDER BY batch_key
            """).rows { r in
            let item = "settlement item \(r.text(0))"
            return SettlementItemRow(batchKey: r.text(0), role: r.text(1), companyName: r.text(2), fileName: r.text(3),
                                     net: Money(minorUnits: r.int(4), currency: try Stored.currency(r.text(5), item)), settlementDay: try Stored.day(r.text(6), item),
                                     windowEnd: try Stored.day(r.text(7), item), firstDay: try Stored.day(r.text(8), item),
                                     settledDay: r.isNull(9) ? nil : try Stored.day(r.text(9), item), settledBy: r.isNull(10) ? nil : r.text(10),
                                     unsettledDay: r.isNull(11) ? nil : try Stored.day(r.text(11), item), location: r.text(12))
        }
    }

    /// A batch key's parts: `batch:<role>:<company id>:<effective day>:<batch number>:<first trace>`.
    static func batchParts(_ key: String) -> (role: String, company: String, effective: String, firstTrace: String)? {
        let parts = key.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 6, parts[0] == "batch" else { return nil }
        return (parts[1], parts[2..<(parts.count - 3)].joined(separator: ":"), parts[parts.count - 3], parts[parts.count - 1])
    }

    /// The first traces of the batches of one file with the same role, company and effective day (a file may hold
    /// several): each batch's entries run from its first trace to the next batch's.
    func firstTraces(role: String, company: String, effective: String, fileName: String) throws -> [String] {
        let prefix = "batch:\(role):\(company):\(effective):"
        return try database.prepare("SELECT batch_key FROM settlement_items WHERE substr(batch_key, 1, length(?1)) = ?1 AND file_name = ?2")
            .bind(.text(prefix), .text(fileName)).rows { $0.text(0) }.compactMap { Self.batchParts($0)?.firstTrace }.sorted()
    }

    /// The receipts a batch's payment entries made (by the key each was posted under), with the day each was taken.
    func batchReceipts(batchKey: String) throws -> [(receiptID: String, day: Day)] {
        guard let parts = Self.batchParts(batchKey),
              let fileName = try database.prepare("SELECT file_name FROM settlement_items WHERE batch_key = ?").bind(.text(batchKey)).rows({ $0.text(0) }).first
        else { return [] }
        let next = try firstTraces(role: parts.role, company: parts.company, effective: parts.effective, fileName: fileName).first { $0 > parts.firstTrace }
        return try database.prepare("""
            SELECT trace, source_key, day FROM ach_entries WHERE effective_day = ? AND role = ? AND company_id = ? AND file_name = ? AND kind = 'payment' ORDER BY trace
            """).bind(.text(parts.effective), .text(parts.role), .text(parts.company), .text(fileName)).rows { r -> (String, String, Day)? in
            let trace = r.text(0)
            guard trace >= parts.firstTrace, next.map({ trace < $0 }) ?? true else { return nil }
            return (trace, r.text(1), try Stored.day(r.text(2), "ach entry \(r.text(1))"))
        }.compactMap { $0 }.map { (ContentID.make(prefix: "R", $0.1), $0.2) }
    }

    /// The batch whose entry made an ACH receipt of `day` (nil: not an ACH receipt, or an older ledger's).
    func receiptBatch(receiptID: String, day: Day) throws -> String? {
        guard let key = try database.prepare("SELECT source_key FROM applications WHERE receipt_id = ? AND day = ? AND substr(source_key, 1, 4) = 'ach:' LIMIT 1")
            .bind(.text(receiptID), .text(day.description)).rows({ $0.text(0) }).first,
              let entry = try database.prepare("SELECT role, company_id, effective_day, trace, file_name FROM ach_entries WHERE entry_key = ?")
            .bind(.text(key)).rows({ ($0.text(0), $0.text(1), $0.text(2), $0.text(3), $0.text(4)) }).first
        else { return nil }
        // The file's batch of that company and day whose first trace is the last at or before the entry's.
        guard let first = try firstTraces(role: entry.0, company: entry.1, effective: entry.2, fileName: entry.4).last(where: { $0 <= entry.3 }) else { return nil }
        return try database.prepare("SELECT batch_key FROM settlement_items WHERE substr(batch_key, 1, length(?1)) = ?1 AND file_name = ?2")
            .bind(.text("batch:\(entry.0):\(entry.1):\(entry.2):"), .text(entry.4)).rows { $0.text(0) }.first { Self.batchParts($0)?.firstTrace == first }
    }

    /// The application rows of these receipts, of the days from `from` up to before `before` (nil: every day since).
    func receiptRows(receiptIDs: [String], from: Day, before: Day?) throws -> [ApplicationRow] {
        guard !receiptIDs.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: receiptIDs.count).joined(separator: ", ")
        return try database.prepare("""
            SELECT \(ApplicationRowMapping.columns) FROM applications WHERE day >= ? AND day < ? AND receipt_id IN (\(marks)) ORDER BY day, application_id
            """).bind([.text(from.description), .text(before?.description ?? "9999-12-31")] + receiptIDs.map { .text($0) }).rows(ApplicationRowMapping.map)
    }

    /// Where a receipt came in: the day and the key of its own rows (not a decision's, a return's or a later day's
    /// application of its cash). Found through the exceptions it raised, else every application row.
    func receiptOrigin(receiptID: String) throws -> (day: Day, sourceKey: String)? {
        let own = "substr(source_key, 1, 7) NOT IN ('review:', 'reapply', 'return:')"
        if let day = try database.prepare("SELECT MIN(day) FROM exceptions WHERE receipt_id = ? AND receipt_id != ''").bind(.text(receiptID))
            .rows({ $0.isNull(0) ? nil : $0.text(0) }).first ?? nil,
           let key = try database.prepare("SELECT source_key FROM applications WHERE day = ? AND receipt_id = ? AND \(own) ORDER BY application_id LIMIT 1")
            .bind(.text(day), .text(receiptID)).rows({ $0.text(0) }).first {
            return (try Stored.day(day, "exception of receipt \(receiptID)"), key)
        }
        return try database.prepare("SELECT day, source_key FROM applications WHERE receipt_id = ? AND \(own) ORDER BY day, application_id LIMIT 1")
            .bind(.text(receiptID)).rows { (try Stored.day($0.text(0), "applications row of \(receiptID)"), $0.text(1)) }.first
    }

    /// The `--settled-by` decisions: the batch's exception, the receipt named and whether the decision is booked.
    func settledByDecisions() throws -> [(exceptionID: String, receiptID: String, booked: Bool)] {
        try database.prepare("""
            SELECT exception_id, decision_applications, booked_seq = decision_seq FROM exceptions WHERE type = 'UNSETTLED_BATCH' AND decision = 'settled-by' ORDER BY exception_id
            """).rows { r in
            let text = r.text(1)
            return (r.text(0), String(text[..<(text.lastIndex(of: "=") ?? text.endIndex)]), r.int(2) == 1)
        }
    }

    /// The exceptions raised on these receipts, whatever their status.
    func exceptions(receiptIDs: [String]) throws -> [ExceptionRow] {
        let s = try database.prepare("SELECT \(ExceptionRowMapping.columns) FROM exceptions WHERE receipt_id = ? AND receipt_id != '' ORDER BY day, exception_id")
        var out: [ExceptionRow] = []
        for receipt in receiptIDs {
            try s.bind(.text(receipt))
            out += try s.rows(ExceptionRowMapping.map)
        }
        return out
    }
}
