import Accounting
import Core

/// `verify` of one entity, as `SQLiteReadConnection+Verify` does it for a SQLite ledger.
extension PostgreSQLLedgerReads {
    /// Recomputes what the entity's ledger claims, as `SQLiteLedgerReader.verify` does: every entry balances per currency,
    /// the trial balance is zero, every open amount and kept total agrees with its postings, every open amount keeps its
    /// document's sign, and every row names rows that exist.
    func verify() throws -> VerificationReport {
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
