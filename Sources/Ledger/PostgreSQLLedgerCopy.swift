import Core
import Foundation

/// `settle ledger migrate`: every row of a SQLite ledger copied into one entity of a PostgreSQL ledger, in one
/// transaction (all of it or nothing). Each table's rows go into a temporary staging table with `COPY ... FROM STDIN`,
/// then `INSERT ... SELECT ... ON CONFLICT` into the ledger's: a row already there is left as it is (the journal and the
/// histories are append-only), a kept row that changed since an earlier copy (an invoice's open amount, an exception's
/// status) is brought up to date, so copying twice copies nothing twice. SQLite's surrogate numbers become the ledger's
/// own keys (source keys, account codes, customer and invoice ids).
public enum PostgreSQLLedgerCopy {
    /// What one table's copy did: rows read from SQLite, rows new to PostgreSQL, and rows brought up to date (changed
    /// or gone since an earlier copy).
    public struct TableCopy: Sendable, Equatable {
        public let table: String
        public let read: Int
        public let inserted: Int
        public let updated: Int
    }

    /// A table's rows as SQLite holds them, in the PostgreSQL table's column order after `entity`, and whether its
    /// rows, once copied, can change (those are updated from a later copy; the others only ever inserted).
    private struct Source {
        let table: String
        let select: String
        let mutable: Bool
    }

    private static let sources: [Source] = [
        Source(table: "accounts", select: "SELECT code, name, type FROM accounts ORDER BY code", mutable: true),
        Source(table: "runs", select: "SELECT run_id, started_at, manifest, first_day, last_day, status, NULL FROM runs ORDER BY run_id", mutable: true),
        Source(table: "journal_entries", select: """
            SELECT j.entry_id, f.source_key, j.revision, j.kind, j.run_id, j.day, j.effective_day, j.memo
            FROM journal_entries j JOIN journal_entries f ON f.entry_id = j.source_no ORDER BY j.entry_id
            """, mutable: false),
        Source(table: "postings", select: """
            SELECT p.entry_id, p.line, a.code, c.customer_id, i.invoice_id, p.amount_minor, p.currency
            FROM postings p JOIN accounts a ON a.account_id = p.account_id LEFT JOIN customers c ON c.customer_no = p.customer_no
            LEFT JOIN invoices i ON i.invoice_no = p.invoice_no ORDER BY p.entry_id, p.line
            """, mutable: false),
        Source(table: "account_days", select: """
            SELECT a.code, d.day, d.currency, d.amount_minor FROM account_days d JOIN accounts a ON a.account_id = d.account_id
            """, mutable: true),
        Source(table: "customers", select: "SELECT customer_id FROM customers", mutable: false),
        Source(table: "invoices", select: """
            SELECT i.invoice_id, c.customer_id, i.issue_day, i.due_day, i.currency, i.amount_minor, i.open_minor, i.terms, i.po_number,
                   i.opened_day, i.written_off_minor
            FROM invoices i JOIN customers c ON c.customer_no = i.customer_no
            """, mutable: true),
        Source(table: "customer_unapplied", select: """
            SELECT c.customer_id, u.currency, u.amount_minor FROM customer_unapplied u JOIN customers c ON c.customer_no = u.customer_no
            """, mutable: true),
        Source(table: "customer_unapplied_days", select: """
            SELECT c.customer_id, u.currency, u.effective_day, u.amount_minor FROM customer_unapplied_days u
            JOIN customers c ON c.customer_no = u.customer_no
            """, mutable: true),
        Source(table: "applications", select: """
            SELECT application_id, run_id, day, receipt_id, source_key, invoice_id, customer_id, applied_minor, discount_minor,
                   writeoff_minor, currency, rule, confidence, evidence, reason_code, source, source_ref, value_day
            FROM applications ORDER BY application_id
            """, mutable: false),
        Source(table: "exceptions", select: """
            SELECT exception_id, first_run_id, last_run_id, day, type, severity, receipt_id, source, source_ref, location, customer_id,
                   amount_minor, currency, invoice_ids, message, suggestions, status, resolution, resolution_note, resolved_at, evidence,
                   decision, decision_applications, decided_by, approved_by, decision_seq, booked_seq, booked_day, closed_day
            FROM exceptions
            """, mutable: true),
        Source(table: "exception_history", select: """
            SELECT history_id, exception_id, at, action, decision, applications, note, by, approved_by, run_id
            FROM exception_history ORDER BY history_id
            """, mutable: false),
        Source(table: "ingested_files", select: "SELECT sha256, size_bytes, name, run_id, day, archive_path, source FROM ingested_files", mutable: false),
        Source(table: "ach_entries", select: """
            SELECT entry_key, role, kind, company_id, trace, rdfi, amount_minor, currency, effective_day, settlement_day, source_key,
                   COALESCE(customer_id, (SELECT c.customer_id FROM ach_entry_customers c WHERE c.entry_rowid = ach_entries.rowid)),
                   receiver_name, identification, file_name, day, run_id, NULL
            FROM ach_entries
            """, mutable: true),
        Source(table: "customer_ach_changes", select: """
            SELECT change_id, notice_key, customer_id, change_code, corrected_data, original_trace, day, run_id FROM customer_ach_changes
            """, mutable: false),
        Source(table: "settlement_items", select: """
            SELECT batch_key, role, company_name, file_name, net_minor, currency, settlement_day, window_end, first_day, settled_day,
                   settled_by, unsettled_day, location, entry_amounts, file_key
            FROM settlement_items
            """, mutable: true),
        Source(table: "bank_accounts", select: "SELECT number, bank, currency, code, first_day, reclass_from FROM bank_accounts", mutable: true),
        Source(table: "statement_balances", select: """
            SELECT account, day, currency, opening_minor, closing_minor, location, run_id FROM statement_balances
            """, mutable: true),
        Source(table: "held_receipts", select: """
            SELECT source_key, receipt_id, customer_id, currency, amount_minor, day, value_day, source, source_ref, payer_name, free_text,
                   remittance, location, run_id
            FROM held_receipts
            """, mutable: true),
        Source(table: "reapplications", select: "SELECT source_key, day, invoice_id, amount_minor, run_id FROM reapplications", mutable: true),
        Source(table: "period_changes", select: "SELECT change_id, action, closed_through, note, by, at FROM period_changes ORDER BY change_id", mutable: false),
        Source(table: "ledger_facts", select: "SELECT name, value FROM ledger_facts", mutable: true),
        Source(table: "origination_mandates", select: """
            SELECT mandate_id, customer_id, sec, routing, account_sealed, account_last4, account_type, authorized_on, revoked_on, max_minor, pull,
                   key_fingerprint, status, status_note, updated_at
            FROM origination_mandates
            """, mutable: true),
        Source(table: "origination_files", select: """
            SELECT file_name, day, modifier, sha256, created_at, entry_count, debit_minor, currency, sealed_text, voided_at, void_note, company_id
            FROM origination_files
            """, mutable: true),
        Source(table: "origination_entries", select: """
            SELECT trace, file_name, kind, mandate_id, customer_id, invoice_id, amount_minor, discount_minor, currency, effective_day, sec,
                   batch_number, account_last4, retry_of
            FROM origination_entries
            """, mutable: false),
        Source(table: "ach_returns", select: """
            SELECT notice_key, original_trace, reason_code, dishonored, amount_minor, currency, day, run_id FROM ach_returns
            """, mutable: false),
    ]

    /// Copies the SQLite ledger at `sqlitePath` (migrated to this program's schema first) into `entity` of the
    /// PostgreSQL ledger at `address` (made or migrated first); one row of the result per table.
    public static func copy(from sqlitePath: String, to address: LedgerLocation.PostgreSQLAddress, entity: String) throws -> [TableCopy] {
        guard FileManager.default.fileExists(atPath: sqlitePath) else { throw LedgerError("no ledger at \(sqlitePath)") }
        try SQLiteMigrations(path: sqlitePath).migrateIfOlder()
        let sqlite = try Database(path: sqlitePath, readOnly: true)
        try PostgreSQLMigrations(address: address).migrate()
        let db = try PostgreSQLConnection(conninfo: address.conninfo)
        try PostgreSQLMigrations.ensureEntity(entity, db)
        let lock = PostgreSQLRunLock(address: address, entity: entity)
        guard let held = try lock.tryLock(purpose: "ledger migrate") else {
            throw LedgerError("\(address.redacted) entity \(entity) is being written: \(lock.holder())")
        }
        defer { withExtendedLifetime(held) {} }
        return try db.transaction {
            try sqlite.execute("BEGIN")
            defer { try? sqlite.execute("COMMIT") }
            var copies: [TableCopy] = []
            for source in sources {
                copies.append(try copy(source, from: sqlite, to: db, entity: entity))
            }
            // Ids the server hands out later (decisions and period changes made on PostgreSQL) start past the copied ones.
            try db.execute("""
                SELECT setval('exception_history_ids', GREATEST((SELECT max(history_id) FROM exception_history), 1));
                SELECT setval('period_change_ids', GREATEST((SELECT max(change_id) FROM period_changes), 1));
                """)
            return copies
        }
    }

    private static func copy(_ source: Source, from sqlite: Database, to db: PostgreSQLConnection, entity: String) throws -> TableCopy {
        let statement = try sqlite.prepare(source.select)
        var data = CopyText()
        var read = 0
        while try statement.step() {
            data.add(entity)
            for column in 0..<Int32(statement.columnCount) {
                if statement.isNull(column) { data.addNull() } else { data.add(statement.text(column)) }
            }
            data.endRow()
            read += 1
        }
        statement.reset()
        let stage = "stage_\(source.table)"
        try db.execute("CREATE TEMPORARY TABLE \(stage) (LIKE \(source.table)) ON COMMIT DROP")
        try db.copyIn(stage, data: data.bytes)
        let keys = try primaryKey(of: source.table, db)
        let columns = try columnNames(of: source.table, db)
        let inserted = try db.run("""
            INSERT INTO \(source.table) SELECT s.* FROM \(stage) s
            WHERE NOT EXISTS (SELECT 1 FROM \(source.table) t WHERE \(keys.map { "t.\($0) = s.\($0)" }.joined(separator: " AND ")))
            """)
        if source.table == "runs" {
            // A copy brings a SQLite ledger's entity up to date; an entity that ran on PostgreSQL since is not one.
            let own = try db.query("SELECT min(run_id) FROM runs t WHERE entity = $1 AND NOT EXISTS (SELECT 1 FROM stage_runs s WHERE s.run_id = t.run_id)", [entity])
            if !own.isNull(0, 0) {
                throw LedgerError("entity \(entity) holds run \(own.text(0, 0)), which the SQLite ledger does not: it is not a copy of that file, and is left as it is")
            }
        }
        var updated = 0
        let others = columns.filter { !keys.contains($0) }
        if source.mutable {
            // What the SQLite ledger no longer holds (a rerun's replaced rows) goes from the copy too.
            updated += try db.run("""
                DELETE FROM \(source.table) t WHERE t.entity = $1
                  AND NOT EXISTS (SELECT 1 FROM \(stage) s WHERE \(keys.map { "t.\($0) = s.\($0)" }.joined(separator: " AND ")))
                """, [entity])
        }
        if source.mutable && !others.isEmpty {
            updated = try db.run("""
                UPDATE \(source.table) t SET \(others.map { "\($0) = s.\($0)" }.joined(separator: ", ")) FROM \(stage) s
                WHERE \(keys.map { "t.\($0) = s.\($0)" }.joined(separator: " AND "))
                  AND (\(others.map { "t.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(others.map { "s.\($0)" }.joined(separator: ", ")))
                """)
        }
        return TableCopy(table: source.table, read: read, inserted: inserted, updated: updated)
    }

    private static func primaryKey(of table: String, _ db: PostgreSQLConnection) throws -> [String] {
        let rows = try db.query("""
            SELECT a.attname FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
            WHERE x.indrelid = $1::regclass AND x.indisprimary ORDER BY array_position(x.indkey::int2[], a.attnum)
            """, [table])
        return (0..<rows.count).map { rows.text($0, 0) }
    }

    private static func columnNames(of table: String, _ db: PostgreSQLConnection) throws -> [String] {
        let rows = try db.query("SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum", [table])
        return (0..<rows.count).map { rows.text($0, 0) }
    }
}
