import Accounting
import Core

/// Unapplied cash held and tried again, statements, invoices and runs, aging and credit exposure: the rest of the reads
/// of `SQLiteReadConnection+Run`, for one entity.
extension PostgreSQLLedgerReads {
    /// Receipts held as unapplied cash before `day` for these customers, with what is still held of each (what later
    /// days re-applied taken off): customer by customer (in Swift's order of their ids), each's oldest first. Those
    /// returned before `day`, whose exceptions a reviewer decided or that were resolved with a batch's decision are left out.
    func heldReceipts(before day: Day, customers: Set<String>) throws -> [HeldReceiptRow] {
        guard !customers.isEmpty else { return [] }
        let r = try db.query("""
            SELECT h.source_key, h.receipt_id, h.customer_id, h.currency,
                   h.amount_minor - COALESCE((SELECT sum(x.amount_minor) FROM reapplications x
                                              WHERE x.entity = h.entity AND x.source_key = h.source_key AND x.day < $2), 0),
                   h.day, h.value_day, h.source, h.source_ref, h.payer_name, h.free_text, h.remittance, h.location
            FROM held_receipts h WHERE h.entity = $1 AND h.customer_id = ANY($3::text[]) AND h.day < $2
              AND NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.entity = h.entity AND e.receipt_id = h.receipt_id AND e.receipt_id <> ''
                                                         AND (e.decision <> '' OR e.resolution = 'linked'))
            ORDER BY h.customer_id, h.day, h.source_key
            """, [entity, day.description, PostgreSQLArray.literal(customers)])
        var byCustomer: [String: [HeldReceiptRow]] = [:]
        for i in 0..<r.count {
            guard let currency = Currency.iso(r.text(i, 3)) else { throw LedgerError("held receipt \(r.text(i, 0)): currency '\(r.text(i, 3))' is not an ISO 4217 code") }
            guard let first = Day.parse(r.text(i, 5), format: .iso), let value = Day.parse(r.text(i, 6), format: .iso) else {
                throw LedgerError("held receipt \(r.text(i, 0)): a day is not YYYY-MM-DD")
            }
            let held = r.int(i, 4)
            guard held > 0 else { continue }
            byCustomer[r.text(i, 2), default: []].append(HeldReceiptRow(
                sourceKey: r.text(i, 0), receiptID: r.text(i, 1), customerID: r.text(i, 2), amount: Money(minorUnits: held, currency: currency), day: first,
                valueDay: value, source: r.text(i, 7), sourceRef: r.text(i, 8), payerName: r.text(i, 9), freeText: r.text(i, 10),
                remittance: r.text(i, 11), location: r.text(i, 12)))
        }
        let out = customers.sorted().flatMap { byCustomer[$0] ?? [] }
        // Returned since: the return took the money back.
        let returned = try postedDays(sourceKeys: out.map { "return:" + $0.sourceKey })
        return out.filter { returned["return:" + $0.sourceKey].map { $0 >= day } ?? true }
    }

    /// The last payment that applied cash to each of these invoices before `day` (the receipt, its key and its day),
    /// read from the day the earliest of them entered the ledger.
    func closingPayments(invoiceIDs: [String], before day: Day) throws -> [String: (receiptID: String, sourceKey: String, day: Day)] {
        guard !invoiceIDs.isEmpty else { return [:] }
        let ids = PostgreSQLArray.literal(invoiceIDs)
        let opened = try db.query("SELECT min(COALESCE(opened_day, issue_day)) FROM invoices WHERE entity = $1 AND invoice_id = ANY($2::text[])", [entity, ids])
        guard opened.count > 0, !opened.isNull(0, 0), let from = Day.parse(opened.text(0, 0), format: .iso) else { return [:] }
        let r = try db.query("""
            SELECT invoice_id, receipt_id, source_key, day FROM applications
            WHERE entity = $1 AND day >= $2 AND day < $3 AND invoice_id = ANY($4::text[]) AND applied_minor > 0 AND rule NOT IN ('return', 'unapplied')
            ORDER BY day, application_id
            """, [entity, from.description, day.description, ids])
        var out: [String: (receiptID: String, sourceKey: String, day: Day)] = [:]
        for i in 0..<r.count {
            if let d = Day.parse(r.text(i, 3), format: .iso) { out[r.text(i, 0)] = (r.text(i, 1), r.text(i, 2), d) }
        }
        return out
    }

    /// The customers that held unapplied cash before `day`: those holding some now, and those whose held cash a run of
    /// `day` or a later day applied.
    func unappliedCashHolders(before day: Day) throws -> Set<String> {
        var out = Set(try unappliedByCustomer(asOf: nil).keys)
        let r = try db.query("""
            SELECT DISTINCT h.customer_id FROM reapplications x JOIN held_receipts h ON h.entity = x.entity AND h.source_key = x.source_key
            WHERE x.entity = $1 AND x.day >= $2
            """, [entity, day.description])
        for i in 0..<r.count { out.insert(r.text(i, 0)) }
        return out
    }

    /// What later days applied of a held receipt's unapplied cash, before `day`, per invoice (by invoice id).
    func reapplications(sourceKey: String, before day: Day) throws -> [(invoiceID: String, amountMinorUnits: Int64)] {
        let r = try db.query("""
            SELECT invoice_id, sum(amount_minor) FROM reapplications WHERE entity = $1 AND source_key = $2 AND day < $3 GROUP BY invoice_id ORDER BY invoice_id
            """, [entity, sourceKey, day.description])
        return (0..<r.count).map { (r.text($0, 0), r.int($0, 1)) }
    }

    /// The day of the first statement the entity holds (nil for one that never read one).
    func firstStatementDay() throws -> Day? {
        let r = try db.query("SELECT min(day) FROM statement_balances WHERE entity = $1", [entity])
        return r.count == 0 || r.isNull(0, 0) ? nil : Day.parse(r.text(0, 0), format: .iso)
    }

    /// The accounts (as written) and currencies with a statement balance on `day`, by account and currency.
    func statementAccounts(on day: Day) throws -> [(account: String, currency: String)] {
        let r = try db.query("SELECT account, currency FROM statement_balances WHERE entity = $1 AND day = $2 ORDER BY account, currency", [entity, day.description])
        return (0..<r.count).map { (r.text($0, 0), r.text($0, 1)) }
    }

    /// The latest statement balances of each account and currency before `day`, by account and currency.
    func lastStatementBalances(before day: Day) throws -> [StatementBalanceRow] {
        let r = try db.query("""
            SELECT DISTINCT ON (account, currency) account, day, currency, opening_minor, closing_minor, location FROM statement_balances
            WHERE entity = $1 AND day < $2 ORDER BY account, currency, day DESC
            """, [entity, day.description])
        return try (0..<r.count).map { i in
            let d = try Stored.day(r.text(i, 1), "statement balance of \(r.text(i, 0))")
            guard let currency = Currency.iso(r.text(i, 2)) else {
                throw LedgerError("statement balance of \(r.text(i, 0)) on \(d): currency '\(r.text(i, 2))' is not an ISO 4217 code")
            }
            return StatementBalanceRow(account: r.text(i, 0), day: d, opening: r.isNull(i, 3) ? nil : Money(minorUnits: r.int(i, 3), currency: currency),
                                       closing: r.isNull(i, 4) ? nil : Money(minorUnits: r.int(i, 4), currency: currency), location: r.text(i, 5))
        }
    }

    /// Whether anything was ever posted to the account.
    func hasPostings(account: String) throws -> Bool {
        try db.query("SELECT EXISTS (SELECT 1 FROM account_days WHERE entity = $1 AND account_code = $2)", [entity, account]).bool(0, 0)
    }

    /// A customer's invoice ids (for naming the nearest to a mistyped one).
    func invoiceIDs(customer: String) throws -> [String] {
        let r = try db.query("SELECT invoice_id FROM invoices WHERE entity = $1 AND customer_id = $2 ORDER BY 1", [entity, customer])
        return (0..<r.count).map { r.text($0, 0) }
    }

    /// An invoice's customer and open amount as the entity holds them now.
    func invoice(id: String) throws -> LedgerInvoice? {
        let r = try db.query("""
            SELECT invoice_id, customer_id, issue_day, due_day, currency, amount_minor, open_minor, terms, po_number, opened_day
            FROM invoices WHERE entity = $1 AND invoice_id = $2
            """, [entity, id])
        return r.count == 0 ? nil : try PostgreSQLRowMapping.invoice(r, 0)
    }

    /// A receipt's cash left unapplied on a day (its `unapplied` application rows), less what later days applied of it.
    func unappliedCash(receiptID: String, day: Day) throws -> Int64 {
        let r = try db.query("""
            SELECT (SELECT COALESCE(sum(applied_minor), 0) FROM applications
                    WHERE entity = $1 AND receipt_id = $2 AND day = $3 AND invoice_id IS NULL AND rule = 'unapplied'),
                   (SELECT COALESCE(sum(x.amount_minor), 0) FROM reapplications x JOIN held_receipts h ON h.entity = x.entity AND h.source_key = x.source_key
                    WHERE x.entity = $1 AND h.receipt_id = $2)
            """, [entity, receiptID, day.description])
        return r.int(0, 0) &- r.int(0, 1)
    }

    /// The manifest path of the entity's latest run.
    func lastManifestPath() throws -> String? {
        let r = try db.query("SELECT manifest FROM runs WHERE entity = $1 ORDER BY run_id DESC LIMIT 1", [entity])
        return r.count == 0 ? nil : r.text(0, 0)
    }

    /// Whether a run ever ran `day` (posted, took files, applied or raised anything on it).
    func wasRun(_ day: Day) throws -> Bool {
        try db.query("""
            SELECT EXISTS (SELECT 1 FROM journal_entries WHERE entity = $1 AND day = $2) OR EXISTS (SELECT 1 FROM ingested_files WHERE entity = $1 AND day = $2)
                OR EXISTS (SELECT 1 FROM applications WHERE entity = $1 AND day = $2) OR EXISTS (SELECT 1 FROM exceptions WHERE entity = $1 AND day = $2)
            """, [entity, day.description]).bool(0, 0)
    }

    /// The last day any run posted entries for or took files for (nil: none).
    func lastRunDay() throws -> Day? {
        let r = try db.query("""
            SELECT GREATEST((SELECT max(day) FROM journal_entries WHERE entity = $1), (SELECT max(day) FROM ingested_files WHERE entity = $1))
            """, [entity])
        return r.count == 0 || r.isNull(0, 0) ? nil : try Stored.day(r.text(0, 0), "last run day")
    }

    // MARK: - Aging and credit exposure

    /// Each customer's unapplied cash (account 2100) by currency: now, or as of the end of `day` (less what entries
    /// effective after it moved).
    func unappliedByCustomer(asOf day: Day?) throws -> [String: [String: Int64]] {
        var out: [String: [String: Int64]] = [:]
        let now = try db.query("SELECT customer_id, currency, amount_minor FROM customer_unapplied WHERE entity = $1 AND amount_minor <> 0", [entity])
        for i in 0..<now.count { out[now.text(i, 0), default: [:]][now.text(i, 1)] = now.int(i, 2) }
        guard let day else { return out }
        let later = try db.query("""
            SELECT customer_id, currency, sum(amount_minor) FROM customer_unapplied_days WHERE entity = $1 AND effective_day > $2 GROUP BY 1, 2
            """, [entity, day.description])
        for i in 0..<later.count {
            let (customer, currency) = (later.text(i, 0), later.text(i, 1))
            var left = out[customer]?[currency] ?? 0
            try MinorUnits.add(0 &- later.int(i, 2), to: &left, of: "customer \(customer)'s unapplied cash as of \(day)")
            out[customer, default: [:]][currency] = left == 0 ? nil : left
            if out[customer]?.isEmpty == true { out[customer] = nil }
        }
        return out
    }

    /// How each customer paid over the days after `from` up to `through`: the cash applied to invoices, and that cash
    /// times the days from each invoice's issue to its application.
    func payments(from: Day, through: Day) throws -> [String: (applied: Int64, weightedDays: Int64)] {
        let r = try db.query("""
            SELECT a.customer_id, sum(a.applied_minor), sum(a.applied_minor * (a.day::date - i.issue_day::date))
            FROM applications a JOIN invoices i ON i.entity = a.entity AND i.invoice_id = a.invoice_id
            WHERE a.entity = $1 AND a.day > $2 AND a.day <= $3 AND a.invoice_id IS NOT NULL AND a.rule <> 'return' AND a.applied_minor > 0
              AND a.customer_id IS NOT NULL
            GROUP BY a.customer_id
            """, [entity, from.description, through.description])
        var out: [String: (applied: Int64, weightedDays: Int64)] = [:]
        for i in 0..<r.count { out[r.text(i, 0)] = (r.int(i, 1), r.int(i, 2)) }
        return out
    }

    /// The returns posted over the days after `from` up to `through`: each customer's return source keys.
    func returnKeys(from: Day, through: Day) throws -> [String: Set<String>] {
        let r = try db.query("""
            SELECT DISTINCT customer_id, source_key FROM applications
            WHERE entity = $1 AND rule = 'return' AND day > $2 AND day <= $3 AND customer_id IS NOT NULL
            """, [entity, from.description, through.description])
        var out: [String: Set<String>] = [:]
        for i in 0..<r.count { out[r.text(i, 0), default: []].insert(r.text(i, 1)) }
        return out
    }
}
