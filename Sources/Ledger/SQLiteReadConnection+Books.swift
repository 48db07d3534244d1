import Accounting
import Core

/// The books as commands and reports read them: balances, entries, exceptions and their history, and `verify`.
extension SQLiteReadConnection {
    func counts() throws -> (entries: Int, postings: Int, invoices: Int, exceptions: Int) {
        func count(_ table: String) throws -> Int {
            let s = try database.prepare("SELECT COUNT(*) FROM \(table)")
            _ = try s.step()
            defer { s.reset() }
            return Int(s.int(0))
        }
        return (try count("journal_entries"), try count("postings"), try count("invoices"), try count("exceptions"))
    }

    /// Balances per account (and per customer when `byCustomer`), optionally for one account, one customer, up to a day.
    func balances(account: String? = nil, customer: String? = nil, asOf: Day? = nil, byCustomer: Bool = false) throws -> [AccountBalance] {
        var sql = """
            SELECT a.code, a.name, \(byCustomer ? "COALESCE(c.customer_id, '')" : "''"), p.currency, SUM(p.amount_minor)
            FROM postings p JOIN journal_entries j ON j.entry_id = p.entry_id JOIN accounts a ON a.account_id = p.account_id
            LEFT JOIN customers c ON c.customer_no = p.customer_no WHERE 1 = 1
            """
        var binds: [SQLValue] = []
        if let account { sql += " AND a.code = ?"; binds.append(.text(account)) }
        if let customer { sql += " AND c.customer_id = ?"; binds.append(.text(customer)) }
        if let asOf { sql += " AND j.effective_day <= ?"; binds.append(.text(asOf.description)) }
        sql += " GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4"
        return try database.prepare(sql).bind(binds).rows { r in
            AccountBalance(account: r.text(0), accountName: r.text(1), customerID: r.text(2).isEmpty ? nil : r.text(2),
                           balance: Money(minorUnits: r.int(4), currency: try Stored.currency(r.text(3), "postings of account \(r.text(0))")))
        }
    }

    /// Journal entries in posting order, optionally only one run's or those effective from/to days.
    func entries(runID: Int64? = nil, from: Day? = nil, to: Day? = nil, limit: Int? = nil) throws -> [PostedEntry] {
        var sql = "SELECT j.entry_id, f.source_key, j.revision, j.kind, j.run_id, j.effective_day, j.memo FROM journal_entries j JOIN journal_entries f ON f.entry_id = j.source_no WHERE 1 = 1"
        var binds: [SQLValue] = []
        if let runID { sql += " AND j.run_id = ?"; binds.append(.integer(runID)) }
        if let from { sql += " AND j.effective_day >= ?"; binds.append(.text(from.description)) }
        if let to { sql += " AND j.effective_day <= ?"; binds.append(.text(to.description)) }
        sql += " ORDER BY j.entry_id"
        if let limit { sql += " LIMIT \(limit)" }
        let heads = try database.prepare(sql).bind(binds).rows { r in
            PostedEntry(entryID: r.int(0), sourceKey: r.text(1), revision: Int(r.int(2)), kind: PostedEntry.Kind(rawValue: r.text(3)) ?? .original,
                        runID: r.int(4), effectiveDay: try Stored.day(r.text(5), "journal entry \(r.int(0))"), memo: r.text(6), postings: [])
        }
        let postingQuery = """
            SELECT a.code, c.customer_id, i.invoice_id, p.amount_minor, p.currency FROM postings p JOIN accounts a ON a.account_id = p.account_id
            LEFT JOIN customers c ON c.customer_no = p.customer_no LEFT JOIN invoices i ON i.invoice_no = p.invoice_no WHERE p.entry_id = ? ORDER BY p.line
            """
        return try heads.map { head in
            var entry = head
            entry.postings = try database.prepare(postingQuery).bind(.integer(head.entryID)).rows { r in
                Posting(account: r.text(0), customerID: r.isNull(1) ? nil : r.text(1), invoiceID: r.isNull(2) ? nil : r.text(2),
                        amount: Money(minorUnits: r.int(3), currency: try Stored.currency(r.text(4), "postings of entry \(r.int(0))")))
            }
            return entry
        }
    }

    func accounts() throws -> [(code: String, name: String, type: String)] {
        try database.prepare("SELECT code, name, type FROM accounts ORDER BY code").rows { ($0.text(0), $0.text(1), $0.text(2)) }
    }

    /// An exception's history, oldest first.
    func history(exceptionID: String) throws -> [ExceptionHistoryRow] {
        try SQLiteReviewRecords.history(exceptionID: exceptionID, database)
    }

    /// Every customer id the ledger knows (its invoices', its exceptions' and its unapplied cash's).
    func customerIDs() throws -> [String] {
        try database.prepare("SELECT customer_id FROM customers UNION SELECT customer_id FROM exceptions WHERE customer_id != '' ORDER BY 1").rows { $0.text(0) }
    }

    func exceptions(status: String? = nil, day: Day? = nil, type: String? = nil, customer: String? = nil) throws -> [ExceptionRow] {
        var sql = """
            SELECT \(ExceptionRowMapping.columns) FROM exceptions WHERE 1 = 1
            """
        var binds: [SQLValue] = []
        if let status { sql += " AND status = ?"; binds.append(.text(status)) }
        if let day { sql += " AND day = ?"; binds.append(.text(day.description)) }
        if let type { sql += " AND type = ?"; binds.append(.text(type)) }
        if let customer { sql += " AND customer_id = ?"; binds.append(.text(customer)) }
        sql += " ORDER BY day, type, exception_id"
        return try database.prepare(sql).bind(binds).rows(ExceptionRowMapping.map)
    }

    /// Every exception open at the end of `day`, oldest first, with its decision, booking and closing now.
    func worklist(asOf day: Day) throws -> [WorklistRow] {
        try worklistRows(where: "day <= ?1 AND (closed_day IS NULL OR closed_day > ?1)", day)
    }

    /// What a run of `day` needs from the ledger for its worklist beside the exceptions it raised itself: those raised
    /// before `day` still open at its end, and those of `day` itself that are no longer simply open (decided since, or
    /// closed: on `day` or before, they leave its worklist). Each read through an index, so a day of many exceptions
    /// raised and none decided reads none of its own.
    func worklistBeside(day: Day) throws -> (earlier: [WorklistRow], todaysChanged: [WorklistRow]) {
        (try worklistRows(where: "day < ?1 AND (closed_day IS NULL OR closed_day > ?1)", day),
         try worklistRows(where: "(status != 'open' OR closed_day IS NOT NULL) AND day = ?1", day))
    }

    private func worklistRows(where condition: String, _ day: Day) throws -> [WorklistRow] {
        let columns = ExceptionRowMapping.columns.split(separator: ",").count
        return try database.prepare("""
            SELECT \(ExceptionRowMapping.columns), decision, decided_by, booked_day, closed_day FROM exceptions
            WHERE \(condition)
            ORDER BY day, type, exception_id
            """).bind(.text(day.description)).rows { r in
            let row = "exceptions row \(r.text(0))"
            return WorklistRow(exception: try ExceptionRowMapping.map(r), decision: r.text(Int32(columns)), decidedBy: r.text(Int32(columns + 1)),
                               bookedDay: r.isNull(Int32(columns + 2)) ? nil : try Stored.day(r.text(Int32(columns + 2)), row),
                               closedDay: r.isNull(Int32(columns + 3)) ? nil : try Stored.day(r.text(Int32(columns + 3)), row))
        }
    }

    /// Where an exception's decision stands: its decision (empty: none), the decision's number, the number the ledger
    /// booked and the day of the run that booked it.
    func booking(exceptionID: String) throws -> DecisionBooking? {
        try SQLiteReviewRecords.booking(exceptionID: exceptionID, database)
    }
}
