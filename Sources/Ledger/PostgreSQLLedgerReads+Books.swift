import Accounting
import Core

/// The books as commands and reports read them: counts, balances, the journal, the chart, exceptions and the worklist,
/// an exception's history and booking (as `SQLiteReadConnection+Books` reads them).
extension PostgreSQLLedgerReads {
    /// How many entries, postings, invoices and exceptions the entity holds.
    func counts() throws -> (entries: Int, postings: Int, invoices: Int, exceptions: Int) {
        let rows = try db.query("""
            SELECT (SELECT count(*) FROM journal_entries WHERE entity = $1), (SELECT count(*) FROM postings WHERE entity = $1),
                   (SELECT count(*) FROM invoices WHERE entity = $1), (SELECT count(*) FROM exceptions WHERE entity = $1)
            """, [entity])
        return (Int(rows.int(0, 0)), Int(rows.int(0, 1)), Int(rows.int(0, 2)), Int(rows.int(0, 3)))
    }

    /// Balances per account (and per customer when `byCustomer`), optionally for one account, one customer, up to a day.
    func balances(account: String?, customer: String?, asOf: Day?, byCustomer: Bool) throws -> [AccountBalance] {
        var sql = """
            SELECT a.code, a.name, \(byCustomer ? "COALESCE(p.customer_id, '')" : "''"), p.currency, sum(p.amount_minor)
            FROM postings p JOIN journal_entries j ON j.entity = p.entity AND j.entry_id = p.entry_id
            JOIN accounts a ON a.entity = p.entity AND a.code = p.account_code WHERE p.entity = $1
            """
        var parameters: [String?] = [entity]
        if let account { parameters.append(account); sql += " AND p.account_code = $\(parameters.count)" }
        if let customer { parameters.append(customer); sql += " AND p.customer_id = $\(parameters.count)" }
        if let asOf { parameters.append(asOf.description); sql += " AND j.effective_day <= $\(parameters.count)" }
        sql += " GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4"
        let rows = try db.query(sql, parameters)
        return try (0..<rows.count).map { r in
            AccountBalance(account: rows.text(r, 0), accountName: rows.text(r, 1), customerID: rows.text(r, 2).isEmpty ? nil : rows.text(r, 2),
                           balance: Money(minorUnits: rows.int(r, 4), currency: try Stored.currency(rows.text(r, 3), "postings of account \(rows.text(r, 0))")))
        }
    }

    /// Journal entries in posting order, optionally only one run's or those effective from/to days, each with its
    /// postings (two queries, whatever the number of entries).
    func entries(runID: Int64?, from: Day?, to: Day?, limit: Int?) throws -> [PostedEntry] {
        var filter = "j.entity = $1"
        var parameters: [String?] = [entity]
        if let runID { parameters.append(String(runID)); filter += " AND j.run_id = $\(parameters.count)::bigint" }
        if let from { parameters.append(from.description); filter += " AND j.effective_day >= $\(parameters.count)" }
        if let to { parameters.append(to.description); filter += " AND j.effective_day <= $\(parameters.count)" }
        var chosen = "SELECT j.entry_id FROM journal_entries j WHERE \(filter) ORDER BY j.entry_id"
        // The limit a parameter too: each statement text is prepared once per connection, and connections are kept.
        if let limit { parameters.append(String(limit)); chosen += " LIMIT $\(parameters.count)::bigint" }
        let heads = try db.query("""
            SELECT j.entry_id, j.source_key, j.revision, j.kind, j.run_id, j.effective_day, j.memo FROM journal_entries j
            WHERE j.entity = $1 AND j.entry_id IN (\(chosen)) ORDER BY j.entry_id
            """, parameters)
        let postings = try db.query("""
            SELECT p.entry_id, p.account_code, p.customer_id, p.invoice_id, p.amount_minor, p.currency FROM postings p
            WHERE p.entity = $1 AND p.entry_id IN (\(chosen)) ORDER BY p.entry_id, p.line
            """, parameters)
        var entries: [PostedEntry] = []
        entries.reserveCapacity(heads.count)
        var next = 0
        for r in 0..<heads.count {
            let id = heads.int(r, 0)
            var entry = PostedEntry(entryID: id, sourceKey: heads.text(r, 1), revision: Int(heads.int(r, 2)),
                                    kind: PostedEntry.Kind(rawValue: heads.text(r, 3)) ?? .original, runID: heads.int(r, 4),
                                    effectiveDay: try Stored.day(heads.text(r, 5), "journal entry \(id)"), memo: heads.text(r, 6), postings: [])
            while next < postings.count && postings.int(next, 0) == id {
                entry.postings.append(Posting(account: postings.text(next, 1), customerID: postings.optionalText(next, 2),
                                              invoiceID: postings.optionalText(next, 3),
                                              amount: Money(minorUnits: postings.int(next, 4),
                                                            currency: try Stored.currency(postings.text(next, 5), "postings of entry \(id)"))))
                next += 1
            }
            entries.append(entry)
        }
        return entries
    }

    /// The entity's chart of accounts.
    func accounts() throws -> [(code: String, name: String, type: String)] {
        let rows = try db.query("SELECT code, name, type FROM accounts WHERE entity = $1 ORDER BY code", [entity])
        return (0..<rows.count).map { (rows.text($0, 0), rows.text($0, 1), rows.text($0, 2)) }
    }

    /// Every customer id the entity knows (its invoices', its exceptions' and its unapplied cash's).
    func customerIDs() throws -> [String] {
        let rows = try db.query("""
            SELECT customer_id FROM customers WHERE entity = $1 UNION SELECT customer_id FROM exceptions WHERE entity = $1 AND customer_id <> ''
            ORDER BY 1
            """, [entity])
        return (0..<rows.count).map { rows.text($0, 0) }
    }

    /// Exceptions, optionally by status, day, type and customer (by day, type, id).
    func exceptions(status: String?, day: Day?, type: String?, customer: String?) throws -> [ExceptionRow] {
        var sql = "SELECT \(PostgreSQLRowMapping.exceptionColumns) FROM exceptions WHERE entity = $1"
        var parameters: [String?] = [entity]
        if let status { parameters.append(status); sql += " AND status = $\(parameters.count)" }
        if let day { parameters.append(day.description); sql += " AND day = $\(parameters.count)" }
        if let type { parameters.append(type); sql += " AND type = $\(parameters.count)" }
        if let customer { parameters.append(customer); sql += " AND customer_id = $\(parameters.count)" }
        sql += " ORDER BY day, type, exception_id"
        return try PostgreSQLRowMapping.exceptions(db.query(sql, parameters))
    }

    /// One exception by id.
    func exception(id: String) throws -> ExceptionRow? {
        let rows = try db.query("SELECT \(PostgreSQLRowMapping.exceptionColumns) FROM exceptions WHERE entity = $1 AND exception_id = $2", [entity, id])
        return rows.count == 0 ? nil : try PostgreSQLRowMapping.exception(rows, 0)
    }

    /// Every exception open at the end of `day`, oldest first, with its decision, booking and closing now.
    func worklist(asOf day: Day) throws -> [WorklistRow] {
        try worklistRows(where: "day <= $2 AND (closed_day IS NULL OR closed_day > $2)", day)
    }

    /// Beside the exceptions a run of `day` raised: those raised before it still open at its end, and those of `day` no
    /// longer simply open (decided since, or closed), each read through an index of its own.
    func worklistBeside(day: Day) throws -> (earlier: [WorklistRow], todaysChanged: [WorklistRow]) {
        (try worklistRows(where: "day < $2 AND (closed_day IS NULL OR closed_day > $2)", day),
         try worklistRows(where: "(status <> 'open' OR closed_day IS NOT NULL) AND day = $2", day))
    }

    private func worklistRows(where condition: String, _ day: Day) throws -> [WorklistRow] {
        let columns = PostgreSQLRowMapping.exceptionColumnCount
        let r = try db.query("""
            SELECT \(PostgreSQLRowMapping.exceptionColumns), decision, decided_by, booked_day, closed_day FROM exceptions
            WHERE entity = $1 AND \(condition)
            ORDER BY day, type, exception_id
            """, [entity, day.description])
        return try (0..<r.count).map { i in
            let row = "exceptions row \(r.text(i, 0))"
            return WorklistRow(exception: try PostgreSQLRowMapping.exception(r, i), decision: r.text(i, columns), decidedBy: r.text(i, columns + 1),
                               bookedDay: r.isNull(i, columns + 2) ? nil : try Stored.day(r.text(i, columns + 2), row),
                               closedDay: r.isNull(i, columns + 3) ? nil : try Stored.day(r.text(i, columns + 3), row))
        }
    }
}

/// The reads of an exception's history and booking, for the reader and a review store alike (as `SQLiteReviewRecords`).
enum PostgreSQLReviewRecords {
    /// An exception's history, oldest first.
    static func history(exceptionID: String, _ db: PostgreSQLConnection, entity: String) throws -> [ExceptionHistoryRow] {
        let r = try db.query("""
            SELECT at, action, decision, applications, note, by, approved_by, run_id FROM exception_history
            WHERE entity = $1 AND exception_id = $2 ORDER BY history_id
            """, [entity, exceptionID])
        return (0..<r.count).map {
            ExceptionHistoryRow(at: r.text($0, 0), action: r.text($0, 1), decision: r.text($0, 2), applications: r.text($0, 3), note: r.text($0, 4),
                                by: r.text($0, 5), approvedBy: r.text($0, 6), runID: r.isNull($0, 7) ? nil : r.int($0, 7))
        }
    }

    /// Where an exception's decision stands (nil: no such exception).
    static func booking(exceptionID: String, _ db: PostgreSQLConnection, entity: String) throws -> DecisionBooking? {
        let r = try db.query("SELECT decision, decision_seq, booked_seq, booked_day FROM exceptions WHERE entity = $1 AND exception_id = $2",
                             [entity, exceptionID])
        guard r.count > 0 else { return nil }
        return (r.text(0, 0), r.int(0, 1), r.int(0, 2), r.optionalText(0, 3))
    }
}
