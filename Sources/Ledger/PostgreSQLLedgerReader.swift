import Accounting
import Core
import Foundation

/// Reads one entity of a PostgreSQL ledger. Every query names its entity. Each call reads in a transaction of its own
/// (`REPEATABLE READ`, one snapshot) so a report never sees a day half-posted while a run writes.
///
/// What it reads so far: the counts, the balances, the journal and the chart (`ledger entries` and `export`), the
/// closed period (`period status`) and `verify`.
public final class PostgreSQLLedgerReader {
    public let address: LedgerLocation.PostgreSQLAddress
    public let entity: String
    private let db: PostgreSQLConnection

    /// Opens the ledger for reading `entity`; refuses a database settle has not made a ledger in, a ledger newer than this
    /// program, and an entity the ledger does not hold (naming those it does).
    public init(address: LedgerLocation.PostgreSQLAddress, entity: String) throws {
        self.address = address
        self.entity = entity
        db = try PostgreSQLConnection(conninfo: address.conninfo)
        let version = try PostgreSQLMigrations.storedVersion(db)
        guard version > 0 else { throw LedgerError("no ledger at \(address.redacted) (no settle tables in its schema)") }
        guard version <= PostgreSQLSchema.version else {
            throw LedgerError("the ledger \(address.redacted) has schema version \(version), newer than this program's \(PostgreSQLSchema.version): use a newer settle")
        }
        let entities = try PostgreSQLMigrations.entities(db)
        guard entities.contains(entity) else {
            throw LedgerError("\(address.redacted) holds no entity \(entity)" + (entities.isEmpty ? "" : " (it holds \(entities.joined(separator: ", ")))"))
        }
    }

    /// The entities a PostgreSQL ledger holds, sorted (none when settle has made no ledger there).
    public static func entities(at address: LedgerLocation.PostgreSQLAddress) throws -> [String] {
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        guard try PostgreSQLMigrations.storedVersion(db) > 0 else { return [] }
        return try PostgreSQLMigrations.entities(db)
    }

    /// `body` in one read-only snapshot.
    private func snapshot<T>(_ body: () throws -> T) throws -> T {
        try db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            let result = try body()
            try db.execute("COMMIT")
            return result
        } catch {
            if db.isAlive { try? db.execute("ROLLBACK") }
            throw error
        }
    }

    /// How many entries, postings, invoices and exceptions the entity holds.
    public func counts() throws -> (entries: Int, postings: Int, invoices: Int, exceptions: Int) {
        try snapshot {
            let rows = try db.query("""
                SELECT (SELECT count(*) FROM journal_entries WHERE entity = $1), (SELECT count(*) FROM postings WHERE entity = $1),
                       (SELECT count(*) FROM invoices WHERE entity = $1), (SELECT count(*) FROM exceptions WHERE entity = $1)
                """, [entity])
            return (Int(rows.int(0, 0)), Int(rows.int(0, 1)), Int(rows.int(0, 2)), Int(rows.int(0, 3)))
        }
    }

    /// Balances per account (and per customer when `byCustomer`), optionally for one account, one customer, up to a day.
    public func balances(account: String? = nil, customer: String? = nil, asOf: Day? = nil, byCustomer: Bool = false) throws -> [AccountBalance] {
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
        return try snapshot {
            let rows = try db.query(sql, parameters)
            return try (0..<rows.count).map { r in
                AccountBalance(account: rows.text(r, 0), accountName: rows.text(r, 1), customerID: rows.text(r, 2).isEmpty ? nil : rows.text(r, 2),
                               balance: Money(minorUnits: rows.int(r, 4), currency: try Stored.currency(rows.text(r, 3), "postings of account \(rows.text(r, 0))")))
            }
        }
    }

    /// Journal entries in posting order, optionally only one run's or those effective from/to days, each with its
    /// postings (two queries, whatever the number of entries).
    public func entries(runID: Int64? = nil, from: Day? = nil, to: Day? = nil, limit: Int? = nil) throws -> [PostedEntry] {
        var filter = "j.entity = $1"
        var parameters: [String?] = [entity]
        if let runID { parameters.append(String(runID)); filter += " AND j.run_id = $\(parameters.count)::bigint" }
        if let from { parameters.append(from.description); filter += " AND j.effective_day >= $\(parameters.count)" }
        if let to { parameters.append(to.description); filter += " AND j.effective_day <= $\(parameters.count)" }
        let chosen = "SELECT j.entry_id FROM journal_entries j WHERE \(filter) ORDER BY j.entry_id" + (limit.map { " LIMIT \($0)" } ?? "")
        return try snapshot {
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
    }

    /// Every invoice of the entity, with its open amount.
    public func invoices() throws -> [LedgerInvoice] {
        try snapshot {
            let r = try db.query("""
                SELECT invoice_id, customer_id, issue_day, due_day, currency, amount_minor, open_minor, terms, po_number, opened_day
                FROM invoices WHERE entity = $1 ORDER BY invoice_id
                """, [entity])
            return try (0..<r.count).map { i in
                let row = "invoices row \(r.text(i, 0))"
                let currency = try Stored.currency(r.text(i, 4), row)
                return LedgerInvoice(invoiceID: r.text(i, 0), customerID: r.text(i, 1), issueDay: try Stored.day(r.text(i, 2), row),
                                     dueDay: try Stored.day(r.text(i, 3), row), amount: Money(minorUnits: r.int(i, 5), currency: currency),
                                     openAmount: Money(minorUnits: r.int(i, 6), currency: currency), terms: r.text(i, 7), poNumber: r.text(i, 8),
                                     openedDay: r.isNull(i, 9) ? nil : try Stored.day(r.text(i, 9), row))
            }
        }
    }

    /// The files runs of a day took, with their archives (all days when nil), by name.
    public func ingestedFiles(day: Day?) throws -> [IngestedFile] {
        try snapshot {
            let r = try db.query("""
                SELECT sha256, size_bytes, name, run_id, day, archive_path, source FROM ingested_files
                WHERE entity = $1 AND ($2 = '' OR day = $2) ORDER BY day, name, sha256
                """, [entity, day?.description ?? ""])
            return try (0..<r.count).map { i in
                IngestedFile(sha256: r.text(i, 0), sizeBytes: r.int(i, 1), name: r.text(i, 2), runID: r.int(i, 3),
                             day: try Stored.day(r.text(i, 4), "ingested file \(r.text(i, 0))"), archivePath: r.text(i, 5), source: r.text(i, 6))
            }
        }
    }

    /// Whether a run ever ran `day` (posted, took files, applied or raised anything on it).
    public func wasRun(_ day: Day) throws -> Bool {
        try snapshot {
            try db.query("""
                SELECT EXISTS (SELECT 1 FROM journal_entries WHERE entity = $1 AND day = $2) OR EXISTS (SELECT 1 FROM ingested_files WHERE entity = $1 AND day = $2)
                    OR EXISTS (SELECT 1 FROM applications WHERE entity = $1 AND day = $2) OR EXISTS (SELECT 1 FROM exceptions WHERE entity = $1 AND day = $2)
                """, [entity, day.description]).bool(0, 0)
        }
    }

    /// The last day of the entity's closed period (nil: nothing closed).
    public func closedThrough() throws -> Day? { try snapshot { try PostgreSQLPeriods.closedThrough(db, entity: entity) } }

    /// The entity's history of closing and reopening periods, oldest first.
    public func periodChanges() throws -> [PeriodChange] { try snapshot { try PostgreSQLPeriods.changes(db, entity: entity) } }

    /// The entity's chart of accounts.
    public func accounts() throws -> [(code: String, name: String, type: String)] {
        try snapshot {
            let rows = try db.query("SELECT code, name, type FROM accounts WHERE entity = $1 ORDER BY code", [entity])
            return (0..<rows.count).map { (rows.text($0, 0), rows.text($0, 1), rows.text($0, 2)) }
        }
    }

    /// Recomputes what the entity's ledger claims, as `SQLiteLedgerReader.verify` does: every entry balances per currency,
    /// the trial balance is zero, every open amount and kept total agrees with its postings, every open amount keeps its
    /// document's sign, and every row names rows that exist.
    public func verify() throws -> VerificationReport {
        try snapshot {
            var report = VerificationReport()
            let e = [entity] as [String?]
            let counts = try db.query("""
                SELECT (SELECT count(*) FROM journal_entries WHERE entity = $1), (SELECT count(*) FROM postings WHERE entity = $1),
                       (SELECT count(*) FROM invoices WHERE entity = $1)
                """, e)
            (report.entryCount, report.postingCount, report.invoiceCount) = (Int(counts.int(0, 0)), Int(counts.int(0, 1)), Int(counts.int(0, 2)))
            let trial = try db.query("SELECT currency, sum(amount_minor) FROM postings WHERE entity = $1 GROUP BY 1", e)
            for r in 0..<trial.count { report.trialBalance[trial.text(r, 0)] = trial.int(r, 1) }
            let unbalanced = try db.query("""
                SELECT p.entry_id, j.source_key, p.currency, sum(p.amount_minor) FROM postings p
                JOIN journal_entries j ON j.entity = p.entity AND j.entry_id = p.entry_id
                WHERE p.entity = $1 GROUP BY 1, 2, 3 HAVING sum(p.amount_minor) <> 0 ORDER BY 1, 3
                """, e)
            report.unbalancedEntries = (0..<unbalanced.count).map { (unbalanced.int($0, 0), unbalanced.text($0, 1), unbalanced.text($0, 2), unbalanced.int($0, 3)) }
            report.invoiceMismatches = try kept(total: "open_minor", account: ChartOfAccounts.accountsReceivable)
                .map { ($0.invoiceID, $0.kept, $0.postings) }
            let signs = try db.query("""
                SELECT invoice_id, currency, amount_minor, open_minor FROM invoices WHERE entity = $1 AND
                CASE WHEN amount_minor >= 0 THEN open_minor < 0 OR open_minor > amount_minor ELSE open_minor > 0 OR open_minor < amount_minor END
                ORDER BY invoice_id
                """, e)
            report.openAmountsPastTheirSign = (0..<signs.count).map { (signs.text($0, 0), signs.text($0, 1), signs.int($0, 2), signs.int($0, 3)) }
            try checkIntegrity(into: &report)
            try checkKeptTotals(into: &report)
            return report
        }
    }

    /// Each invoice's kept `total` (its open amount, its amount written off) against the sum of its postings on `account`.
    private func kept(total column: String, account: String) throws -> [(invoiceID: String, kept: Int64, postings: Int64)] {
        let rows = try db.query("""
            SELECT i.invoice_id, i.\(column), COALESCE(s.total, 0) FROM invoices i
            LEFT JOIN (SELECT invoice_id, sum(amount_minor) AS total FROM postings WHERE entity = $1 AND invoice_id IS NOT NULL
                       AND account_code = $2 GROUP BY invoice_id) s ON s.invoice_id = i.invoice_id
            WHERE i.entity = $1 AND i.\(column) <> COALESCE(s.total, 0) ORDER BY 1
            """, [entity, account])
        return (0..<rows.count).map { (rows.text($0, 0), rows.int($0, 1), rows.int($0, 2)) }
    }

    private func checkIntegrity(into report: inout VerificationReport) throws {
        // The references the schema does not hold by foreign keys (what postings and entries name, revisions under one key).
        let orphans: [(String, String)] = [
            ("postings without their entry", """
                SELECT count(*) FROM postings p WHERE p.entity = $1
                AND NOT EXISTS (SELECT 1 FROM journal_entries j WHERE j.entity = p.entity AND j.entry_id = p.entry_id)
                """),
            ("postings naming an unknown account", """
                SELECT count(*) FROM postings p WHERE p.entity = $1
                AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.entity = p.entity AND a.code = p.account_code)
                """),
            ("entries of an unknown run", """
                SELECT count(*) FROM journal_entries j WHERE j.entity = $1
                AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.entity = j.entity AND r.run_id = j.run_id)
                """),
            ("postings naming an unknown customer", """
                SELECT count(*) FROM postings p WHERE p.entity = $1 AND p.customer_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.entity = p.entity AND c.customer_id = p.customer_id)
                """),
            ("postings naming an unknown invoice", """
                SELECT count(*) FROM postings p WHERE p.entity = $1 AND p.invoice_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.entity = p.entity AND i.invoice_id = p.invoice_id)
                """),
            ("entries whose source key has no first entry", """
                SELECT count(*) FROM journal_entries j WHERE j.entity = $1 AND j.revision > 1
                AND NOT EXISTS (SELECT 1 FROM journal_entries f WHERE f.entity = j.entity AND f.source_key = j.source_key AND f.revision = 1)
                """),
            ("invoices of an unknown customer", """
                SELECT count(*) FROM invoices i WHERE i.entity = $1
                AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.entity = i.entity AND c.customer_id = i.customer_id)
                """),
            ("entries without postings", """
                SELECT count(*) FROM journal_entries j WHERE j.entity = $1
                AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.entity = j.entity AND p.entry_id = j.entry_id)
                """),
        ]
        for (what, sql) in orphans {
            let count = try db.query(sql, [entity]).int(0, 0)
            if count > 0 { report.integrityProblems.append("\(count) \(what)") }
        }
    }

    /// The totals kept beside the postings (unapplied cash per customer and per effective day, amounts written off, each
    /// account's movement per day), recomputed: both sides looked at, as two joins.
    private func checkKeptTotals(into report: inout VerificationReport) throws {
        func differences(kept table: String, keys: [String], postings: String, parameters: [String?]) throws -> [(keys: [String], kept: Int64, postings: Int64)] {
            let on = keys.map { "k.\($0) = r.\($0)" }.joined(separator: " AND ")
            let list = keys.map { "r.\($0)" }.joined(separator: ", ")
            let rows = try db.query("""
                WITH r AS (\(postings)), k AS (SELECT * FROM \(table) WHERE entity = $1)
                SELECT \(list), COALESCE(k.amount_minor, 0), r.total FROM r LEFT JOIN k ON \(on) WHERE COALESCE(k.amount_minor, 0) <> r.total
                UNION ALL
                SELECT \(keys.map { "k.\($0)" }.joined(separator: ", ")), k.amount_minor, 0 FROM k LEFT JOIN r ON \(on)
                WHERE r.total IS NULL AND k.amount_minor <> 0
                ORDER BY 1, 2
                """, parameters)
            return (0..<rows.count).map { row in ((0..<keys.count).map { rows.text(row, $0) }, rows.int(row, keys.count), rows.int(row, keys.count + 1)) }
        }
        let unapplied = ChartOfAccounts.unappliedCash
        report.accountDayMismatches += try differences(kept: "customer_unapplied", keys: ["customer_id", "currency"], postings: """
            SELECT customer_id, currency, sum(amount_minor) AS total FROM postings WHERE entity = $1 AND account_code = $2
            AND customer_id IS NOT NULL GROUP BY 1, 2
            """, parameters: [entity, unapplied]).map { "unapplied cash of customer \($0.keys[0]) in \($0.keys[1]): kept \($0.kept), postings \($0.postings)" }
        report.accountDayMismatches += try differences(kept: "customer_unapplied_days", keys: ["customer_id", "currency", "effective_day"], postings: """
            SELECT p.customer_id, p.currency, j.effective_day, sum(p.amount_minor) AS total FROM postings p
            JOIN journal_entries j ON j.entity = p.entity AND j.entry_id = p.entry_id
            WHERE p.entity = $1 AND p.account_code = $2 AND p.customer_id IS NOT NULL GROUP BY 1, 2, 3
            """, parameters: [entity, unapplied]).map {
                "unapplied cash of customer \($0.keys[0]) in \($0.keys[1]) effective \($0.keys[2]): kept \($0.kept), postings \($0.postings)"
            }
        report.accountDayMismatches += try kept(total: "written_off_minor", account: ChartOfAccounts.paymentDifferences)
            .map { "written off of invoice \($0.invoiceID): kept \($0.kept), postings \($0.postings)" }
        report.accountDayMismatches += try differences(kept: "account_days", keys: ["account_code", "day", "currency"], postings: """
            SELECT p.account_code, j.day, p.currency, sum(p.amount_minor) AS total FROM postings p
            JOIN journal_entries j ON j.entity = p.entity AND j.entry_id = p.entry_id WHERE p.entity = $1 GROUP BY 1, 2, 3
            """, parameters: [entity]).map { "\($0.keys[0]) on \($0.keys[1]) in \($0.keys[2]): kept \($0.kept), postings \($0.postings)" }
    }
}

@available(*, unavailable)
extension PostgreSQLLedgerReader: Sendable {}
