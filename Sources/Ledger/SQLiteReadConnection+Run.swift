import Accounting
import Core

/// The reads a run of a day needs (the state before its day), and those of the review and period commands.
extension SQLiteReadConnection {
    /// The file with this content, if the ledger took it in before.
    func ingestedFile(sha256: String) throws -> IngestedFile? {
        try database.prepare("SELECT \(StoredRows.ingestedColumns) FROM ingested_files WHERE sha256 = ?").bind(.text(sha256)).rows(StoredRows.ingested).first
    }

    /// The files runs of a day took, with their archives (all days when nil).
    func ingestedFiles(day: Day?) throws -> [IngestedFile] {
        if let day {
            return try database.prepare("SELECT \(StoredRows.ingestedColumns) FROM ingested_files WHERE day = ? ORDER BY name, sha256")
                .bind(.text(day.description)).rows(StoredRows.ingested)
        }
        return try database.prepare("SELECT \(StoredRows.ingestedColumns) FROM ingested_files ORDER BY day, name, sha256").rows(StoredRows.ingested)
    }


    /// Every invoice the ledger knows, with its open amount.
    func invoices() throws -> [LedgerInvoice] {
        try LedgerQueries.invoices(database)
    }

    /// The receivable postings (and the payment differences) per invoice number of entries posted by runs of `day` or
    /// later: what to take off the stored open amounts (and amounts written off) to see them as they stood before `day`.
    private func receivableChanges(from day: Day) throws -> (open: [Int64: Int64], writtenOff: [Int64: Int64]) {
        guard let receivable = try accountID(ChartOfAccounts.accountsReceivable) else { return ([:], [:]) }
        let differences = try accountID(ChartOfAccounts.paymentDifferences) ?? -1
        let s = try database.prepare("""
            SELECT p.invoice_no, p.account_id, SUM(p.amount_minor) FROM entry_ranges r JOIN postings p ON p.entry_id BETWEEN r.first_entry_id AND r.last_entry_id
            WHERE r.day >= ? AND p.invoice_no IS NOT NULL AND p.account_id IN (?, ?) GROUP BY p.invoice_no, p.account_id
            """).bind(.text(day.description), .integer(receivable), .integer(differences))
        var out: (open: [Int64: Int64], writtenOff: [Int64: Int64]) = ([:], [:])
        while try s.step() {
            if s.int(1) == receivable { out.open[s.int(0)] = s.int(2) } else { out.writtenOff[s.int(0)] = s.int(2) }
        }
        return out
    }

    /// The invoices as a run of `day` (or a rerun of it) starts from: each opened by a run of an earlier day, with
    /// its open amount counting only entries of days before `day` (the stored open amount, less what runs of `day`
    /// and later posted); and the ids of those first opened by a run of a later day (a rerun of an earlier day must
    /// not open them again). Invoices first opened on `day` are in neither.
    func invoiceStates(before day: Day) throws -> (states: [LedgerInvoice], openedLater: Set<String>) {
        let later = try receivableChanges(from: day)
        let dayText = day.description
        let s = try database.prepare("""
            SELECT i.invoice_no, i.invoice_id, c.customer_id, i.issue_day, i.due_day, i.currency, i.amount_minor, i.open_minor, i.terms, i.po_number, i.opened_day,
                   i.written_off_minor
            FROM invoices i LEFT JOIN customers c ON c.customer_no = i.customer_no WHERE i.opened_day IS NOT NULL
            """)
        var out: [LedgerInvoice] = []
        var openedLater = Set<String>()
        while try s.step() {
            let opened = s.textBytes(10)
            let order = dayText.utf8.lexicographicallyPrecedes(opened) ? 1 : (opened.elementsEqual(dayText.utf8) ? 0 : -1)
            if order > 0 { openedLater.insert(s.text(1)) }
            guard order < 0 else { continue }
            let row = "invoices row \(s.text(1))"
            guard !s.isNull(2) else { throw LedgerError("\(row): its customer number has no customer: run `settle ledger verify`") }
            let currency = try Stored.currency(s.text(5), row)
            let open = s.int(7) &- (later.open[s.int(0)] ?? 0)
            // Nothing written off of nearly every invoice: the later days' changes are looked up only for one with some.
            let writtenOff = s.int(11) == 0 && later.writtenOff.isEmpty ? 0 : s.int(11) &- (later.writtenOff[s.int(0)] ?? 0)
            out.append(LedgerInvoice(invoiceID: s.text(1), customerID: s.text(2), issueDay: try Stored.day(s.text(3), row), dueDay: try Stored.day(s.text(4), row),
                                     amount: Money(minorUnits: s.int(6), currency: currency), openAmount: Money(minorUnits: open, currency: currency),
                                     terms: s.text(8), poNumber: s.text(9), openedDay: try Stored.day(s.text(10), row), writtenOffMinorUnits: writtenOff))
        }
        return (out, openedLater)
    }

    /// The invoices a run of `day` opened one entry each, under `invoice:<id>:opening` (as settle did before schema 7):
    /// a rerun of that day keeps those entries rather than posting them again as one.
    func invoicesOpenedSingly(on day: Day) throws -> Set<String> {
        let s = try database.prepare("""
            SELECT f.source_key FROM entry_ranges r JOIN journal_entries j ON j.entry_id BETWEEN r.first_entry_id AND r.last_entry_id
            JOIN journal_entries f ON f.entry_id = j.source_no
            WHERE r.day = ? AND f.source_key >= 'invoice:' AND f.source_key < 'invoice;'
            """).bind(.text(day.description))
        var out = Set<String>()
        for key in try s.rows({ $0.text(0) }) where key.hasSuffix(":opening") {
            out.insert(String(key.dropFirst("invoice:".count).dropLast(":opening".count)))
        }
        return out
    }

    /// ACH entries taken on days before `day` whose effective day is one of these (a re-sent entry keeps its
    /// effective day): entry key → where it was taken.
    func achEntriesSeen(effectiveDays: Set<Day>, before day: Day) throws -> [String: String] {
        var out: [String: String] = [:]
        let s = try database.prepare("SELECT entry_key, file_name, day FROM ach_entries WHERE effective_day = ? AND day < ?")
        for effective in effectiveDays.sorted() {
            for row in try s.bind(.text(effective.description), .text(day.description)).rows({ ($0.text(0), $0.text(1), $0.text(2)) }) {
                out[row.0] = "\(row.1) on \(row.2)"
            }
            s.reset()
        }
        return out
    }

    /// Source keys already posted that begin with `prefix` (the legacy keys of one file: `ach:<sha>:`). Source keys
    /// are found by hash, not by text: this reads them all, so ask only for a file a run took in before.
    func postedSourceKeys(prefix: String) throws -> Set<String> {
        if !legacyACHKeysChecked {
            let fact = try database.prepare("SELECT value FROM ledger_facts WHERE name = 'legacy_ach_keys'")
            hasLegacyACHKeys = try fact.step() && fact.int(0) > 0
            fact.reset()
            legacyACHKeysChecked = true
        }
        if prefix.hasPrefix("ach:") && !hasLegacyACHKeys { return [] }
        let s = try database.prepare("SELECT source_key FROM journal_entries WHERE source_key >= ? AND source_key < ?")
            .bind(.text(prefix), .text(prefix + "\u{10FFFF}"))
        return Set(try s.rows { $0.text(0) })
    }


    /// The payment a return names: by original trace number, receiving DFI and amount, taken before `day` or on it
    /// (trace numbers are unique only within a file: the amount and the window tell two apart), latest first.
    /// `amountMinorUnits` nil: any amount (a notification of change carries none).
    func originalEntry(trace: String, rdfi: String, amountMinorUnits: Int64?, role: String, notAfter day: Day, windowDays: Int) throws -> ACHEntryRow? {
        let s = try database.prepare("""
            SELECT \(StoredRows.achEntryColumns) FROM ach_entries
            WHERE trace = ? AND rdfi = ? AND (? IS NULL OR amount_minor = ?) AND role = ? AND kind = 'payment' AND day <= ? AND day >= ?
            ORDER BY day DESC LIMIT 1
            """).bind(.text(trace), .text(rdfi), amountMinorUnits.map { .integer($0) } ?? .null, amountMinorUnits.map { .integer($0) } ?? .null, .text(role),
                      .text(day.description), .text(day.adding(days: -windowDays).description))
        return try s.rows(StoredRows.achEntry).first
    }

    /// Every entry runs of `day` posted (originals, reversals, replacements), with its postings, in posting order:
    /// the day's journal as it stands, whichever run of the day posted it.
    func entries(ofDay day: Day) throws -> [PostedEntry] {
        let s = try database.prepare("""
            SELECT j.entry_id, f.source_key, j.revision, j.kind, j.run_id, j.effective_day, j.memo, a.code, c.customer_id, i.invoice_id, p.amount_minor, p.currency
            FROM entry_ranges r JOIN journal_entries j ON j.entry_id BETWEEN r.first_entry_id AND r.last_entry_id
            JOIN journal_entries f ON f.entry_id = j.source_no JOIN postings p ON p.entry_id = j.entry_id
            JOIN accounts a ON a.account_id = p.account_id LEFT JOIN customers c ON c.customer_no = p.customer_no LEFT JOIN invoices i ON i.invoice_no = p.invoice_no
            WHERE r.day = ? ORDER BY j.entry_id, p.line
            """).bind(.text(day.description))
        var out: [PostedEntry] = []
        while try s.step() {
            let id = s.int(0)
            let posting = Posting(account: s.text(7), customerID: s.isNull(8) ? nil : s.text(8), invoiceID: s.isNull(9) ? nil : s.text(9),
                                  amount: Money(minorUnits: s.int(10), currency: try Stored.currency(s.text(11), "postings of entry \(id)")))
            if let last = out.indices.last, out[last].entryID == id {
                out[last].postings.append(posting)
            } else {
                guard let kind = PostedEntry.Kind(rawValue: s.text(3)) else { throw LedgerError("journal entry \(id): kind '\(s.text(3))' is unknown") }
                out.append(PostedEntry(entryID: id, sourceKey: s.text(1), revision: Int(s.int(2)), kind: kind, runID: s.int(4),
                                       effectiveDay: try Stored.day(s.text(5), "journal entry \(id)"), memo: s.text(6), postings: [posting]))
            }
        }
        return out
    }

    /// The first day anything was posted under each of these source keys that has been posted.
    func postedDays(sourceKeys: [String]) throws -> [String: Day] {
        // The keys' hashes asked 256 at a time (one statement, not one per key); a key whose hash holds another
        // key's text (a collision) is looked up on its own, walking past it.
        var out: [String: Day] = [:]
        let width = 256
        let marks = Array(repeating: "?", count: width).joined(separator: ", ")
        let batch = try database.prepare("SELECT key_hash, source_key, day FROM journal_entries WHERE key_hash IN (\(marks))")
        var start = 0
        while start < sourceKeys.count {
            let chunk = sourceKeys[start..<min(sourceKeys.count, start + width)]
            start += chunk.count
            var byHash: [Int64: [String]] = [:]
            for key in chunk { byHash[SourceKeyHash.of(key), default: []].append(key) }
            let hashes = Array(byHash.keys)
            for i in 0..<width { try batch.bind(Int32(i + 1), hashes.isEmpty ? 0 : hashes[min(i, hashes.count - 1)]) }
            var found = Set<Int64>()
            while try batch.step() {
                let hash = batch.int(0)
                guard found.insert(hash).inserted, let keys = byHash[hash] else { continue }
                for key in keys {
                    if batch.textEquals(1, key) {
                        out[key] = try Stored.day(batch.text(2), "journal entry of \(key)")
                    } else if let day = try postedDay(sourceKey: key) {
                        out[key] = day
                    }
                }
            }
            batch.reset()
        }
        return out
    }

    /// The first day anything was posted under this source key.
    func postedDay(sourceKey: String) throws -> Day? {
        // The first entry under a key is its earliest.
        guard let text = try firstEntry(ofKey: sourceKey)?.day else { return nil }
        return try Stored.day(text, "journal entry of \(sourceKey)")
    }

    /// The first entry under a key: its effective day and what it moved on the bank accounts' cash (`1000-...`).
    /// An old statement line key names a line only where its day and amount agree.
    func cashEntry(sourceKey key: String) throws -> (effectiveDay: Day, cash: Int64)? {
        guard let entryID = try firstEntry(ofKey: key)?.entryID else { return nil }
        let s = try database.prepare("""
            SELECT j.effective_day, (SELECT COALESCE(SUM(p.amount_minor), 0) FROM postings p JOIN accounts a ON a.account_id = p.account_id
                                     WHERE p.entry_id = j.entry_id AND a.code LIKE '1000-%')
            FROM journal_entries j WHERE j.entry_id = ?
            """).bind(.integer(entryID))
        return try s.rows { r -> (effectiveDay: Day, cash: Int64) in
            guard let day = Day.parse(r.text(0), format: .iso) else { throw LedgerError("journal entry of \(key): effective day '\(r.text(0))' is not YYYY-MM-DD") }
            return (day, r.int(1))
        }.first
    }

    /// The payment a reversing entry undoes: same originator, receiving DFI and amount, latest first.
    func reversedEntry(companyID: String, rdfi: String, amountMinorUnits: Int64, role: String, notAfter day: Day, windowDays: Int) throws -> ACHEntryRow? {
        let s = try database.prepare("""
            SELECT \(StoredRows.achEntryColumns) FROM ach_entries
            WHERE company_id = ? AND rdfi = ? AND amount_minor = ? AND role = ? AND kind = 'payment' AND day <= ? AND day >= ?
            ORDER BY day DESC LIMIT 1
            """).bind(.text(companyID), .text(rdfi), .integer(amountMinorUnits), .text(role), .text(day.description), .text(day.adding(days: -windowDays).description))
        return try s.rows(StoredRows.achEntry).first
    }

    /// How a receipt's cash was applied, as last recorded.
    func applications(sourceKey: String) throws -> [ApplicationRow] {
        try database.prepare("""
            SELECT \(ApplicationRowMapping.columns)
            FROM applications WHERE source_key = ? AND day = (SELECT MAX(day) FROM applications WHERE source_key = ?) ORDER BY application_id
            """).bind(.text(sourceKey), .text(sourceKey)).rows(ApplicationRowMapping.map)
    }

    /// The bank accounts the ledger knows, with their cash accounts.
    func bankAccounts() throws -> [BankAccountRow] {
        try database.prepare("SELECT number, bank, currency, code, first_day, reclass_from FROM bank_accounts ORDER BY first_day, code").rows { r in
            guard let day = Day.parse(r.text(4), format: .iso) else { throw LedgerError("bank account \(r.text(3)): first day '\(r.text(4))' is not YYYY-MM-DD") }
            return BankAccountRow(number: r.text(0), bank: r.text(1), currency: r.text(2), code: r.text(3), firstDay: day, reclassFrom: r.text(5))
        }
    }

    /// What an older ledger booked on `code` in `currency` for the statements of the accounts `belongs` picks (by the
    /// account as written): its statement lines (`stmt:<account>:...`), opening balance (`bankopen:<account>`) and the
    /// settlements those lines made. The balance a reclassification moves to the account's own code.
    func cashBooked(on code: String, currency: String, forAccounts belongs: (String) -> Bool) throws -> Int64 {
        guard let id = try accountID(code) else { return 0 }
        var settledBy: [String: String] = [:]
        for (batch, line) in try database.prepare("SELECT batch_key, settled_by FROM settlement_items WHERE settled_by IS NOT NULL").rows({ ($0.text(0), $0.text(1)) }) {
            settledBy["settle:" + batch] = line
        }
        let rows = try database.prepare("""
            SELECT f.source_key, SUM(p.amount_minor) FROM postings p JOIN journal_entries j ON j.entry_id = p.entry_id
            JOIN journal_entries f ON f.entry_id = j.source_no WHERE p.account_id = ? AND p.currency = ? GROUP BY f.source_key
            """).bind(.integer(id), .text(currency)).rows { ($0.text(0), $0.int(1)) }
        var total: Int64 = 0
        for (key, amount) in rows {
            let lineKey = key.hasPrefix("settle:") ? settledBy[key] ?? "" : key
            let rest: Substring
            if lineKey.hasPrefix("stmt:") { rest = lineKey.dropFirst(5) } else if lineKey.hasPrefix("bankopen:") { rest = lineKey.dropFirst(9) } else { continue }
            if belongs(String(rest.prefix { $0 != ":" })) {
                let (sum, overflow) = total.addingReportingOverflow(amount)
                guard !overflow else { throw LedgerError("the cash booked on \(code) in \(currency) adds up past 64-bit minor units") }
                total = sum
            }
        }
        return total
    }

    /// Receipts held as unapplied cash before `day` for these customers, with what is still held of each (what later
    /// days re-applied taken off), oldest first; those whose cash was returned or whose exceptions a reviewer decided are
    /// left out (a reviewer's decision is never overridden), and so are those resolved with a batch's decision (`linked`:
    /// the cash of a batch reversed or written off, a line that settled a batch).
    func heldReceipts(before day: Day, customers: Set<String>) throws -> [HeldReceiptRow] {
        guard !customers.isEmpty else { return [] }
        var out: [HeldReceiptRow] = []
        let held = try database.prepare("""
            SELECT h.source_key, h.receipt_id, h.customer_id, h.currency, h.amount_minor - COALESCE((SELECT SUM(r.amount_minor) FROM reapplications r
                       WHERE r.source_key = h.source_key AND r.day < ?1), 0),
                   h.day, h.value_day, h.source, h.source_ref, h.payer_name, h.free_text, h.remittance, h.location
            FROM held_receipts h WHERE h.customer_id = ?2 AND h.day < ?1
              AND NOT EXISTS (SELECT 1 FROM exceptions e WHERE e.receipt_id = h.receipt_id AND e.receipt_id != '' AND (e.decision != '' OR e.resolution = 'linked'))
            ORDER BY h.day, h.source_key
            """)
        for customer in customers.sorted() {
            try held.bind(.text(day.description), .text(customer))
            out += try held.rows { r -> HeldReceiptRow in
                guard let currency = Currency.iso(r.text(3)) else { throw LedgerError("held receipt \(r.text(0)): currency '\(r.text(3))' is not an ISO 4217 code") }
                guard let first = Day.parse(r.text(5), format: .iso), let value = Day.parse(r.text(6), format: .iso) else {
                    throw LedgerError("held receipt \(r.text(0)): a day is not YYYY-MM-DD")
                }
                return HeldReceiptRow(sourceKey: r.text(0), receiptID: r.text(1), customerID: r.text(2), amount: Money(minorUnits: r.int(4), currency: currency),
                                      day: first, valueDay: value, source: r.text(7), sourceRef: r.text(8), payerName: r.text(9), freeText: r.text(10),
                                      remittance: r.text(11), location: r.text(12))
            }.filter { $0.amount.minorUnits > 0 }
        }
        // Returned since: the return took the money back.
        let returned = try postedDays(sourceKeys: out.map { "return:" + $0.sourceKey })
        return out.filter { returned["return:" + $0.sourceKey].map { $0 >= day } ?? true }
    }

    /// The last payment that applied cash to each of these invoices before `day` (the receipt, its key and its day), for
    /// an invoice a remittance names although an earlier payment closed it. Read from the day the earliest of them
    /// entered the ledger on (through the applications' day index), only on a day that names such invoices.
    func closingPayments(invoiceIDs: [String], before day: Day) throws -> [String: (receiptID: String, sourceKey: String, day: Day)] {
        guard !invoiceIDs.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: invoiceIDs.count).joined(separator: ", ")
        let opened = try database.prepare("SELECT MIN(COALESCE(opened_day, issue_day)) FROM invoices WHERE invoice_id IN (\(marks))")
            .bind(invoiceIDs.map { .text($0) }).rows { $0.isNull(0) ? nil : Day.parse($0.text(0), format: .iso) }.first ?? nil
        guard let from = opened else { return [:] }
        let s = try database.prepare("""
            SELECT invoice_id, receipt_id, source_key, day FROM applications
            WHERE day >= ? AND day < ? AND invoice_id IN (\(marks)) AND applied_minor > 0 AND rule NOT IN ('return', 'unapplied')
            ORDER BY day, application_id
            """).bind([.text(from.description), .text(day.description)] + invoiceIDs.map { .text($0) })
        var out: [String: (receiptID: String, sourceKey: String, day: Day)] = [:]
        for row in try s.rows({ r -> (String, String, String, Day?) in (r.text(0), r.text(1), r.text(2), Day.parse(r.text(3), format: .iso)) }) {
            if let d = row.3 { out[row.0] = (row.1, row.2, d) }
        }
        return out
    }

    /// The customers that held unapplied cash before `day`: those holding some now, and those whose held cash a run of
    /// `day` or a later day applied (on a rerun, what that run applied was theirs before it).
    func unappliedCashHolders(before day: Day) throws -> Set<String> {
        var out = Set(try unappliedByCustomer().keys)
        let s = try database.prepare("""
            SELECT DISTINCT h.customer_id FROM reapplications r JOIN held_receipts h ON h.source_key = r.source_key WHERE r.day >= ?
            """).bind(.text(day.description))
        for customer in try s.rows({ $0.text(0) }) { out.insert(customer) }
        return out
    }

    /// What later days applied of a held receipt's unapplied cash, before `day`, per invoice (a return of the receipt
    /// takes it back from those invoices).
    func reapplications(sourceKey: String, before day: Day) throws -> [(invoiceID: String, amountMinorUnits: Int64)] {
        try database.prepare("SELECT invoice_id, SUM(amount_minor) FROM reapplications WHERE source_key = ? AND day < ? GROUP BY invoice_id ORDER BY invoice_id")
            .bind(.text(sourceKey), .text(day.description)).rows { ($0.text(0), $0.int(1)) }
    }

    /// The day of the first statement the ledger holds (nil for a ledger that never read one).
    func firstStatementDay() throws -> Day? {
        try database.prepare("SELECT MIN(day) FROM statement_balances").rows { $0.isNull(0) ? nil : Day.parse($0.text(0), format: .iso) }.first ?? nil
    }

    /// The accounts (as written) and currencies with a statement balance on `day`, by account and currency.
    func statementAccounts(on day: Day) throws -> [(account: String, currency: String)] {
        try database.prepare("SELECT account, currency FROM statement_balances WHERE day = ? ORDER BY account, currency").bind(.text(day.description))
            .rows { ($0.text(0), $0.text(1)) }
    }

    /// A customer's invoice ids (for naming the nearest to a mistyped one).
    func invoiceIDs(customer: String) throws -> [String] {
        try database.prepare("SELECT i.invoice_id FROM invoices i JOIN customers c ON c.customer_no = i.customer_no WHERE c.customer_id = ? ORDER BY 1")
            .bind(.text(customer)).rows { $0.text(0) }
    }

    /// The open exceptions raised on these receipts (settle resolves them once their held cash is applied).
    func openExceptions(receiptIDs: [String]) throws -> [(exceptionID: String, receiptID: String, type: String)] {
        // `receipt_id != ''` lets the partial index on receipt_id serve the look-up.
        let s = try database.prepare("SELECT exception_id, type FROM exceptions WHERE receipt_id = ? AND receipt_id != '' AND status = 'open' AND decision = '' ORDER BY exception_id")
        var out: [(exceptionID: String, receiptID: String, type: String)] = []
        for receipt in receiptIDs {
            try s.bind(.text(receipt))
            out += try s.rows { ($0.text(0), receipt, $0.text(1)) }
        }
        return out
    }

    /// The latest statement balances of each account and currency before `day`, by account and currency (not in the
    /// order the rows were written, which a PostgreSQL ledger does not keep).
    func lastStatementBalances(before day: Day) throws -> [StatementBalanceRow] {
        let s = try database.prepare("""
            SELECT b.account, b.day, b.currency, b.opening_minor, b.closing_minor, b.location FROM statement_balances b
            WHERE b.day = (SELECT MAX(day) FROM statement_balances WHERE account = b.account AND currency = b.currency AND day < ?)
            ORDER BY b.account, b.currency
            """).bind(.text(day.description))
        var out: [StatementBalanceRow] = []
        for row in try s.rows({ r -> StatementBalanceRow in
            let d = try Stored.day(r.text(1), "statement balance of \(r.text(0))")
            guard let currency = Currency.iso(r.text(2)) else { throw LedgerError("statement balance of \(r.text(0)) on \(d): currency '\(r.text(2))' is not an ISO 4217 code") }
            return StatementBalanceRow(account: r.text(0), day: d, opening: r.isNull(3) ? nil : Money(minorUnits: r.int(3), currency: currency),
                                       closing: r.isNull(4) ? nil : Money(minorUnits: r.int(4), currency: currency), location: r.text(5))
        }) { out.append(row) }
        return out
    }

    /// Whether anything was ever posted to the account.
    func hasPostings(account: String) throws -> Bool {
        guard let id = try accountID(account) else { return false }
        let s = try database.prepare("SELECT 1 FROM account_days WHERE account_id = ? LIMIT 1").bind(.integer(id))
        defer { s.reset() }
        return try s.step()
    }

    /// Settlement items taken before `day` and not settled before it: what the statement may still show.
    /// The batches raised as unsettled and not settled since, by key.
    func unsettledBatchKeys() throws -> [String] {
        try database.prepare("SELECT batch_key FROM settlement_items WHERE unsettled_day IS NOT NULL AND settled_day IS NULL ORDER BY batch_key").rows { $0.text(0) }
    }

    func pendingSettlements(before day: Day) throws -> [SettlementItemRow] {
        let s = try database.prepare("""
            SELECT batch_key, role, company_name, file_name, net_minor, currency, settlement_day, window_end, first_day, settled_day, settled_by, unsettled_day, location,
                   entry_amounts, file_key
            FROM settlement_items WHERE first_day < ? AND (settled_day IS NULL OR settled_day >= ?) ORDER BY settlement_day, batch_key
            """).bind(.text(day.description), .text(day.description))
        return try s.rows { r in
            guard let currency = Currency.iso(r.text(5)) else { throw LedgerError("settlement item \(r.text(0)): currency '\(r.text(5))' is not an ISO 4217 code") }
            guard let settlement = Day.parse(r.text(6), format: .iso), let windowEnd = Day.parse(r.text(7), format: .iso), let first = Day.parse(r.text(8), format: .iso) else {
                throw LedgerError("settlement item \(r.text(0)): a day is not YYYY-MM-DD")
            }
            // What happened on or after the day being run is undone for a rerun of it.
            let unsettled = r.isNull(11) ? nil : Day.parse(r.text(11), format: .iso)
            var row = SettlementItemRow(batchKey: r.text(0), role: r.text(1), companyName: r.text(2), fileName: r.text(3), net: Money(minorUnits: r.int(4), currency: currency),
                                        settlementDay: settlement, windowEnd: windowEnd, firstDay: first, settledDay: nil, settledBy: nil,
                                        unsettledDay: unsettled.flatMap { $0 < day ? $0 : nil }, location: r.text(12))
            row.entryAmounts = r.text(13).split(separator: " ").compactMap { Int64($0) }
            row.fileKey = r.text(14)
            return row
        }
    }

    // MARK: - Reviewers' decisions

    /// The reviewers' decisions a run of `day` books: those not booked yet (of exceptions of that day or earlier), and
    /// those a run of `day` booked before (a rerun keeps them; else they would be "no longer produced").
    func reviewsToBook(runDay day: Day) throws -> [ReviewBooking] {
        let s = try database.prepare("""
            SELECT exception_id, type, day, customer_id, receipt_id, decision, decision_applications, amount_minor, currency, invoice_ids, decision_seq,
                   resolution_note, decided_by, source, source_ref, booked_seq = decision_seq
            FROM exceptions
            WHERE (decision_seq != booked_seq AND day <= ?1) OR booked_day = ?1
            ORDER BY exception_id
            """).bind(.text(day.description))
        return try s.rows { r in
            let row = "exceptions row \(r.text(0))"
            let currency = r.isNull(8) ? nil : try Stored.currency(r.text(8), row)
            var booking = ReviewBooking(exceptionID: r.text(0), type: r.text(1), day: try Stored.day(r.text(2), row), customerID: r.text(3), receiptID: r.text(4),
                                        decision: r.text(5), applications: currency.map { ReviewApplication.parse(r.text(6), currency: $0) } ?? [],
                                        amount: currency.map { Money(minorUnits: r.int(7), currency: $0) },
                                        invoiceIDs: r.text(9).split(separator: "|").map(String.init), seq: r.int(10), note: r.text(11))
            (booking.decidedBy, booking.source, booking.sourceRef, booking.bookedBefore) = (r.text(12), r.text(13), r.text(14), r.int(15) == 1)
            return booking
        }
    }

    /// The day a receipt of `day` was returned (its `return:<source key>` entry posted), if it was.
    func returnDay(receiptID: String, day: Day) throws -> Day? {
        guard let key = try database.prepare("SELECT source_key FROM applications WHERE receipt_id = ? AND day = ? LIMIT 1")
            .bind(.text(receiptID), .text(day.description)).rows({ $0.text(0) }).first else { return nil }
        return try postedDay(sourceKey: "return:" + key)
    }

    /// A receipt's cash left unapplied on a day (its `unapplied` application rows).
    func unappliedCash(receiptID: String, day: Day) throws -> Int64 {
        let s = try database.prepare("SELECT COALESCE(SUM(applied_minor), 0) FROM applications WHERE receipt_id = ? AND day = ? AND invoice_id IS NULL AND rule = 'unapplied'")
            .bind(.text(receiptID), .text(day.description))
        defer { s.reset() }
        _ = try s.step()
        // Less what later days applied of it (unapplied cash tried again).
        let later = try database.prepare("""
            SELECT COALESCE(SUM(r.amount_minor), 0) FROM reapplications r JOIN held_receipts h ON h.source_key = r.source_key WHERE h.receipt_id = ?
            """).bind(.text(receiptID)).rows { $0.int(0) }.first ?? 0
        return s.int(0) &- later
    }

    /// An invoice's customer and open amount as the ledger holds them now.
    func invoice(id: String) throws -> LedgerInvoice? {
        let s = try database.prepare("""
            SELECT i.invoice_id, c.customer_id, i.issue_day, i.due_day, i.currency, i.amount_minor, i.open_minor, i.terms, i.po_number, i.opened_day
            FROM invoices i LEFT JOIN customers c ON c.customer_no = i.customer_no WHERE i.invoice_id = ?
            """).bind(.text(id))
        return try s.rows { r in
            let row = "invoices row \(r.text(0))"
            let currency = try Stored.currency(r.text(4), row)
            return LedgerInvoice(invoiceID: r.text(0), customerID: r.text(1), issueDay: try Stored.day(r.text(2), row), dueDay: try Stored.day(r.text(3), row),
                                 amount: Money(minorUnits: r.int(5), currency: currency), openAmount: Money(minorUnits: r.int(6), currency: currency),
                                 terms: r.text(7), poNumber: r.text(8), openedDay: r.isNull(9) ? nil : try Stored.day(r.text(9), row))
        }.first
    }

    func exception(id: String) throws -> ExceptionRow? {
        try ExceptionRowMapping.exception(id: id, in: database)
    }

    /// The manifest path of the ledger's latest run (for settings a review command needs, such as the write-off limit).
    func lastManifestPath() throws -> String? {
        try database.prepare("SELECT manifest FROM runs ORDER BY run_id DESC LIMIT 1").rows { $0.text(0) }.first
    }

    /// The last day of the closed period (nil: nothing closed).
    func closedThrough() throws -> Day? {
        try SQLitePeriods.closedThrough(database)
    }

    /// Whether a run ever ran `day`: posted entries for it, took files for it, or recorded its decisions or exceptions.
    func wasRun(_ day: Day) throws -> Bool {
        let s = try database.prepare("""
            SELECT EXISTS (SELECT 1 FROM entry_ranges WHERE day = ?1) OR EXISTS (SELECT 1 FROM ingested_files WHERE day = ?1)
                OR EXISTS (SELECT 1 FROM applications WHERE day = ?1) OR EXISTS (SELECT 1 FROM exceptions WHERE day = ?1)
            """).bind(.text(day.description))
        defer { s.reset() }
        return try s.step() && s.int(0) != 0
    }

    /// The last day any run posted entries for or took files for (nil: none).
    func lastRunDay() throws -> Day? {
        let s = try database.prepare("SELECT MAX(d) FROM (SELECT MAX(day) AS d FROM entry_ranges UNION ALL SELECT MAX(day) FROM ingested_files)")
        defer { s.reset() }
        guard try s.step(), !s.isNull(0) else { return nil }
        return try Stored.day(s.text(0), "last run day")
    }

    /// The history of closing and reopening periods, oldest first.
    func periodChanges() throws -> [PeriodChange] {
        try SQLitePeriods.changes(database)
    }

    // MARK: - Aging and credit exposure

    /// Each customer's unapplied cash (account 2100) as the ledger holds it now, by currency.
    func unappliedByCustomer(asOf day: Day? = nil) throws -> [String: [String: Int64]] {
        var out: [String: [String: Int64]] = [:]
        let s = try database.prepare("""
            SELECT c.customer_id, u.currency, u.amount_minor FROM customer_unapplied u JOIN customers c ON c.customer_no = u.customer_no WHERE u.amount_minor != 0
            """)
        while try s.step() { out[s.text(0), default: [:]][s.text(1)] = s.int(2) }
        guard let day else { return out }
        // As of the end of `day`: less what entries effective after it moved (none on the night of the last day run).
        let later = try database.prepare("""
            SELECT c.customer_id, u.currency, SUM(u.amount_minor) FROM customer_unapplied_days u JOIN customers c ON c.customer_no = u.customer_no
            WHERE u.effective_day > ? GROUP BY 1, 2
            """).bind(.text(day.description))
        while try later.step() {
            let (customer, currency) = (later.text(0), later.text(1))
            var left = out[customer]?[currency] ?? 0
            try MinorUnits.add(0 &- later.int(2), to: &left, of: "customer \(customer)'s unapplied cash as of \(day)")
            out[customer, default: [:]][currency] = left == 0 ? nil : left
            if out[customer]?.isEmpty == true { out[customer] = nil }
        }
        return out
    }

    /// How each customer paid over the days after `from` up to `through`: the cash applied to invoices, and that cash
    /// times the days from each invoice's issue to its application (for an average weighted by amount).
    func payments(from: Day, through: Day) throws -> [String: (applied: Int64, weightedDays: Int64)] {
        var out: [String: (Int64, Int64)] = [:]
        let s = try database.prepare("""
            SELECT a.customer_id, SUM(a.applied_minor), SUM(a.applied_minor * (julianday(a.day) - julianday(i.issue_day)))
            FROM applications a JOIN invoices i ON i.invoice_id = a.invoice_id
            WHERE a.day > ? AND a.day <= ? AND a.invoice_id IS NOT NULL AND a.rule != 'return' AND a.applied_minor > 0 AND a.customer_id IS NOT NULL
            GROUP BY a.customer_id
            """).bind(.text(from.description), .text(through.description))
        while try s.step() { out[s.text(0)] = (s.int(1), s.int(2)) }
        return out
    }

    /// The returns posted over the days after `from` up to `through`: each customer's return source keys.
    func returnKeys(from: Day, through: Day) throws -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        let s = try database.prepare("""
            SELECT DISTINCT customer_id, source_key FROM applications
            WHERE rule = 'return' AND day > ? AND day <= ? AND customer_id IS NOT NULL
            """).bind(.text(from.description), .text(through.description))
        while try s.step() { out[s.text(0), default: []].insert(s.text(1)) }
        return out
    }

    /// A customer's applications of a day, as remittance advice shows them.
    func applications(customer: String, day: Day) throws -> [ApplicationRow] {
        try database.prepare("SELECT \(ApplicationRowMapping.columns) FROM applications WHERE customer_id = ? AND day = ? ORDER BY application_id")
            .bind(.text(customer), .text(day.description)).rows(ApplicationRowMapping.map)
    }
}
