import Accounting
import Core

/// `ledger verify`: what the ledger claims, recomputed from its postings.
extension SQLiteReadConnection {
    /// Recomputes what the ledger claims: every entry balances per currency, the trial balance is zero, and every
    /// invoice's open amount equals the sum of its receivable postings and keeps its document's sign.
    func verify() throws -> VerificationReport {
        var report = VerificationReport()
        let c = try counts()
        report.entryCount = c.entries
        report.postingCount = c.postings
        report.invoiceCount = c.invoices
        try sumPostings(into: &report)
        report.invoiceMismatches = try database.prepare("""
            SELECT i.invoice_id, i.open_minor, COALESCE(s.total, 0) FROM invoices i
            LEFT JOIN (SELECT p.invoice_no, SUM(p.amount_minor) AS total FROM postings p JOIN accounts a ON a.account_id = p.account_id
                       WHERE p.invoice_no IS NOT NULL AND a.code = ? GROUP BY p.invoice_no) s
                ON s.invoice_no = i.invoice_no
            WHERE i.open_minor != COALESCE(s.total, 0) ORDER BY 1
            """).bind(.text(ChartOfAccounts.accountsReceivable)).rows { ($0.text(0), $0.int(1), $0.int(2)) }
        // Open amounts keep their document's sign, whatever their postings say: an invoice's (or debit memo's) between 0
        // and its amount, a credit memo's between its (negative) amount and 0.
        report.openAmountsPastTheirSign = try database.prepare("""
            SELECT invoice_id, currency, amount_minor, open_minor FROM invoices
            WHERE CASE WHEN amount_minor >= 0 THEN open_minor < 0 OR open_minor > amount_minor ELSE open_minor > 0 OR open_minor < amount_minor END
            ORDER BY invoice_id
            """).rows { ($0.text(0), $0.text(1), $0.int(2), $0.int(3)) }
        try checkIntegrity(into: &report)
        try checkKeptTotals(into: &report)
        return report
    }

    /// Per-entry sums per currency, and the trial balance.
    private func sumPostings(into report: inout VerificationReport) throws {
        // One pass over the postings in the order they were written (an entry's postings are consecutive):
        // per-entry sums per currency, and the trial balance.
        var currencies: [[UInt8]] = []
        var trial: [Int64] = []
        var entrySums: [Int64] = []
        var currentEntry: Int64 = -1
        var unbalancedIDs: [(Int64, String, Int64)] = []
        func closeEntry() {
            for (i, sum) in entrySums.enumerated() where sum != 0 {
                unbalancedIDs.append((currentEntry, String(decoding: currencies[i], as: UTF8.self), sum))
            }
            for i in entrySums.indices { entrySums[i] = 0 }
        }
        let scan = try database.prepare("SELECT entry_id, currency, amount_minor FROM postings ORDER BY entry_id, line")
        while try scan.step() {
            let entry = scan.int(0)
            if entry != currentEntry {
                if currentEntry >= 0 { closeEntry() }
                currentEntry = entry
            }
            let currency = scan.textBytes(1)
            var index = currencies.firstIndex { $0.elementsEqual(currency) } ?? -1
            if index < 0 {
                currencies.append(Array(currency))
                trial.append(0)
                entrySums.append(0)
                index = currencies.count - 1
            }
            let amount = scan.int(2)
            trial[index] &+= amount
            entrySums[index] &+= amount
        }
        scan.reset()
        if currentEntry >= 0 { closeEntry() }
        for (i, c) in currencies.enumerated() { report.trialBalance[String(decoding: c, as: UTF8.self)] = trial[i] }
        // An entry whose postings are not consecutive would be summed in parts: confirm the few flagged from scratch.
        for (entryID, currency, _) in unbalancedIDs {
            let s = try database.prepare("""
                SELECT f.source_key, SUM(p.amount_minor) FROM postings p JOIN journal_entries j ON j.entry_id = p.entry_id
                LEFT JOIN journal_entries f ON f.entry_id = j.source_no WHERE p.entry_id = ? AND p.currency = ?
                """)
                .bind(.integer(entryID), .text(currency))
            if try s.step(), s.int(1) != 0 { report.unbalancedEntries.append((entryID, s.text(0), currency, s.int(1))) }
            s.reset()
        }
    }

    private func checkIntegrity(into report: inout VerificationReport) throws {
        // Referential integrity, which the schema leaves to the program: every number a row holds names a row.
        let orphans: [(String, String)] = [
            ("postings without their entry", "SELECT COUNT(*) FROM postings p LEFT JOIN journal_entries j ON j.entry_id = p.entry_id WHERE j.entry_id IS NULL"),
            ("postings naming an unknown account", "SELECT COUNT(*) FROM postings p LEFT JOIN accounts a ON a.account_id = p.account_id WHERE a.account_id IS NULL"),
            ("postings naming an unknown customer", """
                SELECT COUNT(*) FROM postings p LEFT JOIN customers c ON c.customer_no = p.customer_no WHERE p.customer_no IS NOT NULL AND c.customer_no IS NULL
                """),
            ("postings naming an unknown invoice", """
                SELECT COUNT(*) FROM postings p LEFT JOIN invoices i ON i.invoice_no = p.invoice_no WHERE p.invoice_no IS NOT NULL AND i.invoice_no IS NULL
                """),
            ("entries whose source key has no first entry", """
                SELECT COUNT(*) FROM journal_entries j LEFT JOIN journal_entries f ON f.entry_id = j.source_no WHERE f.entry_id IS NULL OR f.revision != 1
                """),
            ("entries of an unknown kind", "SELECT COUNT(*) FROM journal_entries WHERE kind NOT IN ('original', 'reversal', 'replacement')"),
            ("entries whose revision, key and key number disagree", """
                SELECT COUNT(*) FROM journal_entries
                WHERE (revision = 1) != (source_no = entry_id) OR (revision = 1) != (source_key IS NOT NULL) OR (key_hash IS NULL) != (source_key IS NULL)
                """),
            ("revisions posted twice under one source key", """
                SELECT COUNT(*) FROM (SELECT 1 FROM journal_entries GROUP BY source_no, revision HAVING COUNT(*) > 1)
                """),
            ("entries outside the id range of a commit of their day", """
                SELECT COUNT(*) FROM journal_entries j
                LEFT JOIN entry_ranges r ON r.first_entry_id = (SELECT MAX(first_entry_id) FROM entry_ranges WHERE first_entry_id <= j.entry_id)
                WHERE r.first_entry_id IS NULL OR j.entry_id > r.last_entry_id OR r.day != j.day
                """),
            ("entries of an unknown run", "SELECT COUNT(*) FROM journal_entries j LEFT JOIN runs r ON r.run_id = j.run_id WHERE r.run_id IS NULL"),
            ("invoices of an unknown customer", "SELECT COUNT(*) FROM invoices i LEFT JOIN customers c ON c.customer_no = i.customer_no WHERE c.customer_no IS NULL"),
            ("entries without postings", "SELECT COUNT(*) FROM journal_entries j WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = j.entry_id)"),
        ]
        for (what, sql) in orphans {
            let s = try database.prepare(sql)
            if try s.step(), s.int(0) > 0 { report.integrityProblems.append("\(s.int(0)) \(what)") }
            s.reset()
        }
    }

    /// The totals kept beside the postings (unapplied cash per customer, account movements per day), recomputed.
    private func checkKeptTotals(into report: inout VerificationReport) throws {
        // Each customer's unapplied cash, kept beside the postings, recomputed from them. Both sides are looked at, sums
        // without a kept row and kept rows without postings, as two joins rather than a `FULL OUTER JOIN`, which SQLite
        // before 3.39 (Ubuntu 22.04 ships 3.37) does not have.
        report.accountDayMismatches += try database.prepare("""
            WITH r AS (SELECT p.customer_no, p.currency, SUM(p.amount_minor) AS total FROM postings p JOIN accounts a ON a.account_id = p.account_id
                       WHERE a.code = ? AND p.customer_no IS NOT NULL GROUP BY 1, 2)
            SELECT r.customer_no, r.currency, COALESCE(k.amount_minor, 0), COALESCE(r.total, 0)
            FROM r LEFT JOIN customer_unapplied k ON k.customer_no = r.customer_no AND k.currency = r.currency
            WHERE COALESCE(k.amount_minor, 0) != COALESCE(r.total, 0)
            UNION ALL
            SELECT k.customer_no, k.currency, k.amount_minor, 0
            FROM customer_unapplied k LEFT JOIN r ON r.customer_no = k.customer_no AND r.currency = k.currency
            WHERE r.customer_no IS NULL AND k.amount_minor != 0
            """).bind(.text(ChartOfAccounts.unappliedCash)).rows { "unapplied cash of customer number \($0.int(0)) in \($0.text(1)): kept \($0.int(2)), postings \($0.int(3))" }
        // The same by the day the entries are effective (unapplied cash as of a day).
        report.accountDayMismatches += try database.prepare("""
            WITH r AS (SELECT p.customer_no, p.currency, j.effective_day, SUM(p.amount_minor) AS total FROM postings p
                       JOIN accounts a ON a.account_id = p.account_id JOIN journal_entries j ON j.entry_id = p.entry_id
                       WHERE a.code = ? AND p.customer_no IS NOT NULL GROUP BY 1, 2, 3)
            SELECT r.customer_no, r.currency, r.effective_day, COALESCE(k.amount_minor, 0), r.total
            FROM r LEFT JOIN customer_unapplied_days k ON k.customer_no = r.customer_no AND k.currency = r.currency AND k.effective_day = r.effective_day
            WHERE COALESCE(k.amount_minor, 0) != r.total
            UNION ALL
            SELECT k.customer_no, k.currency, k.effective_day, k.amount_minor, 0
            FROM customer_unapplied_days k LEFT JOIN r ON r.customer_no = k.customer_no AND r.currency = k.currency AND r.effective_day = k.effective_day
            WHERE r.customer_no IS NULL AND k.amount_minor != 0
            """).bind(.text(ChartOfAccounts.unappliedCash)).rows {
                "unapplied cash of customer number \($0.int(0)) in \($0.text(1)) effective \($0.text(2)): kept \($0.int(3)), postings \($0.int(4))"
            }
        // Each invoice's amount written off, kept beside its open amount, recomputed from its payment differences (6900).
        report.accountDayMismatches += try database.prepare("""
            SELECT i.invoice_id, i.written_off_minor, COALESCE(s.total, 0) FROM invoices i
            LEFT JOIN (SELECT p.invoice_no, SUM(p.amount_minor) AS total FROM postings p JOIN accounts a ON a.account_id = p.account_id
                       WHERE p.invoice_no IS NOT NULL AND a.code = ? GROUP BY p.invoice_no) s
                ON s.invoice_no = i.invoice_no
            WHERE i.written_off_minor != COALESCE(s.total, 0) ORDER BY 1
            """).bind(.text(ChartOfAccounts.paymentDifferences)).rows { "written off of invoice \($0.text(0)): kept \($0.int(1)), postings \($0.int(2))" }
        // Each account's movement per day, kept beside the postings, recomputed from them.
        report.accountDayMismatches += try database.prepare("""
            WITH r AS (SELECT p.account_id, j.day, p.currency, SUM(p.amount_minor) AS total FROM postings p JOIN journal_entries j ON j.entry_id = p.entry_id
                       GROUP BY 1, 2, 3),
            differences AS (
                SELECT r.account_id, r.day, r.currency, COALESCE(k.amount_minor, 0) AS kept, COALESCE(r.total, 0) AS total
                FROM r LEFT JOIN account_days k ON k.account_id = r.account_id AND k.day = r.day AND k.currency = r.currency
                WHERE COALESCE(k.amount_minor, 0) != COALESCE(r.total, 0)
                UNION ALL
                SELECT k.account_id, k.day, k.currency, k.amount_minor, 0
                FROM account_days k LEFT JOIN r ON r.account_id = k.account_id AND r.day = k.day AND r.currency = k.currency
                WHERE r.account_id IS NULL AND k.amount_minor != 0)
            SELECT a.code, d.day, d.currency, d.kept, d.total
            FROM differences d LEFT JOIN accounts a ON a.account_id = d.account_id ORDER BY 1, 2, 3
            """).rows { "\($0.text(0)) on \($0.text(1)) in \($0.text(2)): kept \($0.int(3)), postings \($0.int(4))" }
    }
}
