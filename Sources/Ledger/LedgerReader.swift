import Accounting
import Core

/// Values read back from the ledger: a code or day it cannot read stops the command naming the row (exit 3),
/// never turns into USD or 1970-01-01.
enum Stored {
    static func currency(_ code: String, _ row: @autoclosure () -> String) throws -> Currency {
        guard let currency = Currency.iso(code) else { throw LedgerError("\(row()): currency '\(code)' is not an ISO 4217 code") }
        return currency
    }

    static func day(_ text: String, _ row: @autoclosure () -> String) throws -> Day {
        guard let day = Day.parse(text, format: .iso) else { throw LedgerError("\(row()): day '\(text)' is not YYYY-MM-DD") }
        return day
    }
}

enum LedgerQueries {
    static func invoices(_ db: Database) throws -> [LedgerInvoice] {
        try db.prepare("""
            SELECT i.invoice_id, c.customer_id, i.issue_day, i.due_day, i.currency, i.amount_minor, i.open_minor, i.terms, i.po_number, i.opened_day
            FROM invoices i LEFT JOIN customers c ON c.customer_no = i.customer_no ORDER BY i.invoice_id
            """).rows { r in
                let row = "invoices row \(r.text(0))"
                guard !r.isNull(1) else { throw LedgerError("\(row): its customer number has no customer: run `settle ledger verify`") }
                let currency = try Stored.currency(r.text(4), row)
                return LedgerInvoice(invoiceID: r.text(0), customerID: r.text(1), issueDay: try Stored.day(r.text(2), row), dueDay: try Stored.day(r.text(3), row),
                                     amount: Money(minorUnits: r.int(5), currency: currency), openAmount: Money(minorUnits: r.int(6), currency: currency),
                                     terms: r.text(7), poNumber: r.text(8), openedDay: r.isNull(9) ? nil : try Stored.day(r.text(9), row))
            }
    }
}

/// A balance line: an account (optionally one customer's part of it) and its sum in one currency.
public struct AccountBalance: Hashable, Sendable {
    public var account: String
    public var accountName: String
    public var customerID: String?
    public var balance: Money
}

/// What `ledger verify` found.
public struct VerificationReport: Sendable {
    public var entryCount = 0
    public var postingCount = 0
    public var unbalancedEntries: [(entryID: Int64, sourceKey: String, currency: String, sum: Int64)] = []
    public var trialBalance: [String: Int64] = [:]
    public var invoiceMismatches: [(invoiceID: String, stored: Int64, recomputed: Int64)] = []
    public var invoiceCount = 0
    /// Rows naming rows that do not exist (the schema has no row-level foreign keys: the program and this check keep them).
    public var integrityProblems: [String] = []
    /// Days whose kept account movement (`account_days`) differs from the sum of their postings.
    public var accountDayMismatches: [String] = []
    /// Open amounts past their document's sign (`Invoice.allows(open:)`): an invoice's or debit memo's outside 0 to its
    /// amount, a credit memo's outside its (negative) amount to 0. Minor units, in the invoice's currency.
    public var openAmountsPastTheirSign: [(invoiceID: String, currency: String, amount: Int64, open: Int64)] = []
    public var isClean: Bool {
        unbalancedEntries.isEmpty && trialBalance.values.allSatisfy { $0 == 0 } && invoiceMismatches.isEmpty && integrityProblems.isEmpty
            && accountDayMismatches.isEmpty && openAmountsPastTheirSign.isEmpty
    }
}

/// A read-only connection to a ledger, for reports and the `ledger` and `exceptions` commands.
/// Not Sendable: use it from one task.
public final class LedgerReader {
    private let database: Database

    public init(path: String) throws {
        database = try Database(path: path, readOnly: true)
        let s = try database.prepare("PRAGMA user_version")
        _ = try s.step()
        let version = Int(s.int(0))
        s.reset()
        if version == 0 { throw LedgerError("\(path) is not a settle ledger (no schema); run `settle run` first") }
        if version > Schema.version { throw LedgerError("the ledger \(path) has schema version \(version), newer than this program's \(Schema.version): use a newer settle") }
    }

    /// The schema version of the ledger at `path` (0: not a settle ledger).
    public static func schemaVersion(path: String) throws -> Int {
        let database = try Database(path: path, readOnly: true)
        let s = try database.prepare("PRAGMA user_version")
        _ = try s.step()
        return Int(s.int(0))
    }

    public func invoices() throws -> [LedgerInvoice] { try LedgerQueries.invoices(database) }

    public func counts() throws -> (entries: Int, postings: Int, invoices: Int, exceptions: Int) {
        func count(_ table: String) throws -> Int {
            let s = try database.prepare("SELECT COUNT(*) FROM \(table)")
            _ = try s.step()
            defer { s.reset() }
            return Int(s.int(0))
        }
        return (try count("journal_entries"), try count("postings"), try count("invoices"), try count("exceptions"))
    }

    /// Balances per account (and per customer when `byCustomer`), optionally for one account, one customer, up to a day.
    public func balances(account: String? = nil, customer: String? = nil, asOf: Day? = nil, byCustomer: Bool = false) throws -> [AccountBalance] {
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
    public func entries(runID: Int64? = nil, from: Day? = nil, to: Day? = nil, limit: Int? = nil) throws -> [PostedEntry] {
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

    public func accounts() throws -> [(code: String, name: String, type: String)] {
        try database.prepare("SELECT code, name, type FROM accounts ORDER BY code").rows { ($0.text(0), $0.text(1), $0.text(2)) }
    }

    /// An exception's history, oldest first.
    public func history(exceptionID: String) throws -> [ExceptionHistoryRow] {
        try database.prepare("""
            SELECT at, action, decision, applications, note, by, approved_by, run_id FROM exception_history WHERE exception_id = ? ORDER BY history_id
            """).bind(.text(exceptionID)).rows {
            ExceptionHistoryRow(at: $0.text(0), action: $0.text(1), decision: $0.text(2), applications: $0.text(3), note: $0.text(4), by: $0.text(5),
                                approvedBy: $0.text(6), runID: $0.isNull(7) ? nil : $0.int(7))
        }
    }

    /// Every customer id the ledger knows (its invoices', its exceptions' and its unapplied cash's).
    public func customerIDs() throws -> [String] {
        try database.prepare("SELECT customer_id FROM customers UNION SELECT customer_id FROM exceptions WHERE customer_id != '' ORDER BY 1").rows { $0.text(0) }
    }

    public func exceptions(status: String? = nil, day: Day? = nil, type: String? = nil, customer: String? = nil) throws -> [ExceptionRow] {
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

    /// Where an exception's decision stands: its decision (empty: none), the decision's number, the number the ledger
    /// booked and the day of the run that booked it.
    public func booking(exceptionID: String) throws -> (decision: String, seq: Int64, bookedSeq: Int64, bookedDay: String?)? {
        try database.prepare("SELECT decision, decision_seq, booked_seq, booked_day FROM exceptions WHERE exception_id = ?").bind(.text(exceptionID))
            .rows { ($0.text(0), $0.int(1), $0.int(2), $0.isNull(3) ? nil : $0.text(3)) }.first
    }

    public func exception(id: String) throws -> ExceptionRow? {
        try ExceptionRowMapping.exception(id: id, in: database)
    }

    /// Recomputes what the ledger claims: every entry balances per currency, the trial balance is zero, and every
    /// invoice's open amount equals the sum of its receivable postings and keeps its document's sign.
    public func verify() throws -> VerificationReport {
        var report = VerificationReport()
        let c = try counts()
        report.entryCount = c.entries
        report.postingCount = c.postings
        report.invoiceCount = c.invoices
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
        return report
    }
}
/// The one mapping of an `exceptions` row to `ExceptionRow`: its columns and how they are read (the reader, the view
/// and the commands all select through it).
enum ExceptionRowMapping {
    static let columns = """
        exception_id, day, type, severity, receipt_id, source, source_ref, location, customer_id, amount_minor, currency,
        invoice_ids, message, suggestions, status, resolution, resolution_note, evidence
        """

    /// One exception by id.
    static func exception(id: String, in database: Database) throws -> ExceptionRow? {
        try database.prepare("SELECT \(columns) FROM exceptions WHERE exception_id = ?").bind(.text(id)).rows(map).first
    }

    static func map(_ r: Statement) throws -> ExceptionRow {
        let row = "exceptions row \(r.text(0))"
        // An exception without an amount has no currency either.
        let amount = r.isNull(9) ? nil : Money(minorUnits: r.int(9), currency: try Stored.currency(r.text(10), row))
        return ExceptionRow(exceptionID: r.text(0), day: try Stored.day(r.text(1), row), type: r.text(2), severity: r.text(3),
                            receiptID: r.text(4), source: r.text(5), sourceRef: r.text(6), location: r.text(7), customerID: r.text(8),
                            amount: amount,
                            invoiceIDs: r.text(11).split(separator: "|").map(String.init), message: r.text(12), suggestions: r.text(13),
                            status: r.text(14), resolution: r.text(15), resolutionNote: r.text(16), evidence: r.text(17))
    }
}
