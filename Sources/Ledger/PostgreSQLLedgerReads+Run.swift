import Accounting
import Core

/// The reads a run of a day needs (the state before its day), as `SQLiteReadConnection+Run` reads them. Where SQLite
/// found a day's entries through `entry_ranges`, these read `journal_entries.day` (the day of the run that posted each).
extension PostgreSQLLedgerReads {
    /// The file with this content, if the entity took it in before.
    func ingestedFile(sha256: String) throws -> IngestedFile? {
        let r = try db.query("SELECT \(PostgreSQLRowMapping.ingestedColumns) FROM ingested_files WHERE entity = $1 AND sha256 = $2", [entity, sha256])
        return r.count == 0 ? nil : try PostgreSQLRowMapping.ingested(r, 0)
    }

    /// The files runs of a day took, with their archives (all days when nil), by day, name and content.
    func ingestedFiles(day: Day?) throws -> [IngestedFile] {
        let r = try db.query("""
            SELECT \(PostgreSQLRowMapping.ingestedColumns) FROM ingested_files
            WHERE entity = $1 AND ($2 = '' OR day = $2) ORDER BY day, name, sha256
            """, [entity, day?.description ?? ""])
        return try (0..<r.count).map { try PostgreSQLRowMapping.ingested(r, $0) }
    }

    /// Every invoice of the entity, with its open amount, by id.
    func invoices() throws -> [LedgerInvoice] {
        let r = try db.query("""
            SELECT invoice_id, customer_id, issue_day, due_day, currency, amount_minor, open_minor, terms, po_number, opened_day
            FROM invoices WHERE entity = $1 ORDER BY invoice_id
            """, [entity])
        return try (0..<r.count).map { try PostgreSQLRowMapping.invoice(r, $0) }
    }

    /// The invoices as a run of `day` starts from: each opened by a run of an earlier day, its open amount (and amount
    /// written off) less what entries of runs of `day` and later posted on it; and the ids of those first opened by a
    /// run of a later day. In the order they were opened (by day, then id: SQLite's is the order its writer inserted
    /// them, which is the day's export's).
    func invoiceStates(before day: Day) throws -> (states: [LedgerInvoice], openedLater: Set<String>) {
        let r = try db.query("""
            WITH later AS (
                SELECT p.invoice_id, sum(p.amount_minor) FILTER (WHERE p.account_code = $3) AS open,
                       sum(p.amount_minor) FILTER (WHERE p.account_code = $4) AS written_off
                FROM journal_entries j JOIN postings p ON p.entity = j.entity AND p.entry_id = j.entry_id
                WHERE j.entity = $1 AND j.day >= $2 AND p.invoice_id IS NOT NULL AND p.account_code IN ($3, $4) GROUP BY p.invoice_id)
            SELECT i.invoice_id, i.customer_id, i.issue_day, i.due_day, i.currency, i.amount_minor, i.open_minor - COALESCE(l.open, 0), i.terms,
                   i.po_number, i.opened_day, i.written_off_minor - COALESCE(l.written_off, 0), i.opened_day > $2
            FROM invoices i LEFT JOIN later l ON l.invoice_id = i.invoice_id
            WHERE i.entity = $1 AND i.opened_day IS NOT NULL AND i.opened_day <> $2
            ORDER BY i.opened_day, i.invoice_id
            """, [entity, day.description, ChartOfAccounts.accountsReceivable, ChartOfAccounts.paymentDifferences])
        var states: [LedgerInvoice] = []
        var openedLater = Set<String>()
        for i in 0..<r.count {
            if r.bool(i, 11) { openedLater.insert(r.text(i, 0)); continue }
            var invoice = try PostgreSQLRowMapping.invoice(r, i)
            invoice.writtenOffMinorUnits = r.int(i, 10)
            states.append(invoice)
        }
        return (states, openedLater)
    }

    /// The invoices a run of `day` opened one entry each, under `invoice:<id>:opening` (as settle did before schema 7).
    func invoicesOpenedSingly(on day: Day) throws -> Set<String> {
        let r = try db.query("""
            SELECT source_key FROM journal_entries WHERE entity = $1 AND day = $2 AND source_key >= 'invoice:' AND source_key < 'invoice;'
            """, [entity, day.description])
        var out = Set<String>()
        for i in 0..<r.count {
            let key = r.text(i, 0)
            if key.hasSuffix(":opening") { out.insert(String(key.dropFirst("invoice:".count).dropLast(":opening".count))) }
        }
        return out
    }

    /// ACH entries taken on days before `day` whose effective day is one of these: entry key → where it was taken.
    func achEntriesSeen(effectiveDays: Set<Day>, before day: Day) throws -> [String: String] {
        guard !effectiveDays.isEmpty else { return [:] }
        let r = try db.query("""
            SELECT entry_key, file_name, day FROM ach_entries WHERE entity = $1 AND effective_day = ANY($2::text[]) AND day < $3
            """, [entity, PostgreSQLArray.literal(effectiveDays.map(\.description)), day.description])
        var out: [String: String] = [:]
        out.reserveCapacity(r.count)
        for i in 0..<r.count { out[r.text(i, 0)] = "\(r.text(i, 1)) on \(r.text(i, 2))" }
        return out
    }

    /// Source keys already posted that begin with `prefix` (the legacy keys of one file: `ach:<sha>:`); none of the form
    /// `ach:` unless the ledger holds such keys (`ledger_facts`).
    func postedSourceKeys(prefix: String) throws -> Set<String> {
        if prefix.hasPrefix("ach:") {
            let fact = try db.query("SELECT value FROM ledger_facts WHERE entity = $1 AND name = 'legacy_ach_keys'", [entity])
            guard fact.count > 0, fact.int(0, 0) > 0 else { return [] }
        }
        let r = try db.query("SELECT source_key FROM journal_entries WHERE entity = $1 AND source_key >= $2 AND source_key < $3 AND revision = 1",
                             [entity, prefix, prefix + "\u{10FFFF}"])
        return Set((0..<r.count).map { r.text($0, 0) })
    }

    /// The payment a return names: by original trace number, receiving DFI and amount (nil: any), taken within the
    /// window up to `day`, latest first.
    func originalEntry(trace: String, rdfi: String, amountMinorUnits: Int64?, role: String, notAfter day: Day, windowDays: Int) throws -> ACHEntryRow? {
        let r = try db.query("""
            SELECT \(PostgreSQLRowMapping.achEntryColumns) FROM ach_entries
            WHERE entity = $1 AND trace = $2 AND rdfi = $3 AND ($4::bigint IS NULL OR amount_minor = $4::bigint) AND role = $5 AND kind = 'payment'
              AND day <= $6 AND day >= $7
            ORDER BY day DESC, run_id, entry_key LIMIT 1
            """, [entity, trace, rdfi, amountMinorUnits.map { String($0) }, role, day.description, day.adding(days: -windowDays).description])
        return r.count == 0 ? nil : try PostgreSQLRowMapping.achEntry(r, 0)
    }

    /// The payment a reversing entry undoes: same originator, receiving DFI and amount, latest first. Asked a day at a
    /// time, latest first (no index finds it by originator: a day's rows are read through the BRIN index of days, and
    /// the look-up stops at the latest day that has it, as SQLite's walk of its index of days does).
    func reversedEntry(companyID: String, rdfi: String, amountMinorUnits: Int64, role: String, notAfter day: Day, windowDays: Int) throws -> ACHEntryRow? {
        for back in 0...max(windowDays, 0) {
            let r = try db.query("""
                SELECT \(PostgreSQLRowMapping.achEntryColumns) FROM ach_entries
                WHERE entity = $1 AND company_id = $2 AND rdfi = $3 AND amount_minor = $4::bigint AND role = $5 AND kind = 'payment' AND day = $6
                ORDER BY run_id, entry_key LIMIT 1
                """, [entity, companyID, rdfi, String(amountMinorUnits), role, day.adding(days: -back).description])
            if r.count > 0 { return try PostgreSQLRowMapping.achEntry(r, 0) }
        }
        return nil
    }

    /// Every entry runs of `day` posted, with its postings, in posting order (an entry without postings is not one).
    func entries(ofDay day: Day) throws -> [PostedEntry] {
        let r = try db.query("""
            SELECT j.entry_id, j.source_key, j.revision, j.kind, j.run_id, j.effective_day, j.memo, p.account_code, p.customer_id, p.invoice_id,
                   p.amount_minor, p.currency
            FROM journal_entries j JOIN postings p ON p.entity = j.entity AND p.entry_id = j.entry_id
            WHERE j.entity = $1 AND j.day = $2 ORDER BY j.entry_id, p.line
            """, [entity, day.description])
        var out: [PostedEntry] = []
        for i in 0..<r.count {
            let id = r.int(i, 0)
            let posting = Posting(account: r.text(i, 7), customerID: r.optionalText(i, 8), invoiceID: r.optionalText(i, 9),
                                  amount: Money(minorUnits: r.int(i, 10), currency: try Stored.currency(r.text(i, 11), "postings of entry \(id)")))
            if let last = out.indices.last, out[last].entryID == id {
                out[last].postings.append(posting)
            } else {
                guard let kind = PostedEntry.Kind(rawValue: r.text(i, 3)) else { throw LedgerError("journal entry \(id): kind '\(r.text(i, 3))' is unknown") }
                out.append(PostedEntry(entryID: id, sourceKey: r.text(i, 1), revision: Int(r.int(i, 2)), kind: kind, runID: r.int(i, 4),
                                       effectiveDay: try Stored.day(r.text(i, 5), "journal entry \(id)"), memo: r.text(i, 6), postings: [posting]))
            }
        }
        return out
    }

    /// The first day anything was posted under each of these source keys that has been posted (the day of its first
    /// entry, revision 1): one statement, the keys sent as one array.
    func postedDays(sourceKeys: [String]) throws -> [String: Day] {
        guard !sourceKeys.isEmpty else { return [:] }
        let r = try db.query("""
            SELECT j.source_key, j.day FROM journal_entries j
            WHERE j.entity = $1 AND j.revision = 1 AND j.source_key = ANY($2::text[])
            """, [entity, PostgreSQLArray.literal(sourceKeys)])
        var out: [String: Day] = [:]
        out.reserveCapacity(r.count)
        for i in 0..<r.count { out[r.text(i, 0)] = try Stored.day(r.text(i, 1), "journal entry of \(r.text(i, 0))") }
        return out
    }

    /// The first day anything was posted under this source key.
    func postedDay(sourceKey: String) throws -> Day? {
        let r = try db.query("SELECT day FROM journal_entries WHERE entity = $1 AND source_key = $2 AND revision = 1", [entity, sourceKey])
        return r.count == 0 ? nil : try Stored.day(r.text(0, 0), "journal entry of \(sourceKey)")
    }

    /// The first entry under a key: its effective day and what it moved on the bank accounts' cash (`1000-...`).
    func cashEntry(sourceKey key: String) throws -> (effectiveDay: Day, cash: Int64)? {
        let r = try db.query("""
            SELECT j.effective_day, (SELECT COALESCE(sum(p.amount_minor), 0) FROM postings p
                                     WHERE p.entity = j.entity AND p.entry_id = j.entry_id AND p.account_code LIKE '1000-%')
            FROM journal_entries j WHERE j.entity = $1 AND j.source_key = $2 AND j.revision = 1
            """, [entity, key])
        guard r.count > 0 else { return nil }
        guard let day = Day.parse(r.text(0, 0), format: .iso) else { throw LedgerError("journal entry of \(key): effective day '\(r.text(0, 0))' is not YYYY-MM-DD") }
        return (day, r.int(0, 1))
    }

    /// How a receipt's cash was applied, as last recorded (the rows of the last day that recorded any).
    func applications(sourceKey: String) throws -> [ApplicationRow] {
        try PostgreSQLRowMapping.applications(db.query("""
            SELECT \(PostgreSQLRowMapping.applicationColumns) FROM applications
            WHERE entity = $1 AND source_key = $2 AND day = (SELECT max(day) FROM applications WHERE entity = $1 AND source_key = $2)
            ORDER BY application_id
            """, [entity, sourceKey]))
    }

    /// A customer's applications of a day, as remittance advice shows them.
    func applications(customer: String, day: Day) throws -> [ApplicationRow] {
        try PostgreSQLRowMapping.applications(db.query("""
            SELECT \(PostgreSQLRowMapping.applicationColumns) FROM applications WHERE entity = $1 AND customer_id = $2 AND day = $3 ORDER BY application_id
            """, [entity, customer, day.description]))
    }

    /// The bank accounts the entity knows, with their cash accounts.
    func bankAccounts() throws -> [BankAccountRow] {
        let r = try db.query("SELECT number, bank, currency, code, first_day, reclass_from FROM bank_accounts WHERE entity = $1 ORDER BY first_day, code", [entity])
        return try (0..<r.count).map { i in
            guard let day = Day.parse(r.text(i, 4), format: .iso) else {
                throw LedgerError("bank account \(r.text(i, 3)): first day '\(r.text(i, 4))' is not YYYY-MM-DD")
            }
            return BankAccountRow(number: r.text(i, 0), bank: r.text(i, 1), currency: r.text(i, 2), code: r.text(i, 3), firstDay: day, reclassFrom: r.text(i, 5))
        }
    }

    /// What an older ledger booked on `code` in `currency` for the statements of the accounts `belongs` picks: its statement
    /// lines, opening balance and the settlements those lines made.
    func cashBooked(on code: String, currency: String, forAccounts belongs: (String) -> Bool) throws -> Int64 {
        let settled = try db.query("SELECT batch_key, settled_by FROM settlement_items WHERE entity = $1 AND settled_by IS NOT NULL", [entity])
        var settledBy: [String: String] = [:]
        for i in 0..<settled.count { settledBy["settle:" + settled.text(i, 0)] = settled.text(i, 1) }
        let r = try db.query("""
            SELECT j.source_key, sum(p.amount_minor) FROM postings p JOIN journal_entries j ON j.entity = p.entity AND j.entry_id = p.entry_id
            WHERE p.entity = $1 AND p.account_code = $2 AND p.currency = $3 GROUP BY j.source_key
            """, [entity, code, currency])
        var total: Int64 = 0
        for i in 0..<r.count {
            let key = r.text(i, 0)
            let lineKey = key.hasPrefix("settle:") ? settledBy[key] ?? "" : key
            let rest: Substring
            if lineKey.hasPrefix("stmt:") { rest = lineKey.dropFirst(5) } else if lineKey.hasPrefix("bankopen:") { rest = lineKey.dropFirst(9) } else { continue }
            if belongs(String(rest.prefix { $0 != ":" })) {
                let (sum, overflow) = total.addingReportingOverflow(r.int(i, 1))
                guard !overflow else { throw LedgerError("the cash booked on \(code) in \(currency) adds up past 64-bit minor units") }
                total = sum
            }
        }
        return total
    }
}
