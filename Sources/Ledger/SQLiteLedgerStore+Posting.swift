import Accounting
import Core
import Foundation

/// Posting journal entries: each source key at most once, reversal and replacement for what changed, postings checked
/// against what exists before they are written.
extension SQLiteLedgerStore {
    // MARK: - Surrogate keys

    /// What the first entry of a key not posted yet is posted with.
    typealias FirstEntry = (runID: Int64, day: Day, effectiveDay: Day, memo: String)
    /// A source key's number, the run day of its first entry (empty for one posted now) and whether it was posted now.
    typealias PostedSource = (number: Int64, day: String, isNew: Bool)

    /// The source key's number (the id of its first entry) and the run day of that entry (empty for one posted now),
    /// found through its hash (`SourceKeyHash.probe`). With `firstEntry`, a key not posted yet is posted now: that
    /// entry is inserted under the first free hash and `isNew` is true.
    func findOrPostSource(_ key: String, firstEntry: FirstEntry?) throws -> PostedSource? {
        try SourceKeyHash.probe(key) { hash -> SourceKeyHash.Slot<PostedSource> in
            if let entry = firstEntry, let number = try postFirstEntry(key, entry, hash: hash) { return .found((number, "", true)) }
            return try findSource.sourceKeySlot(hash, key: key, keyColumn: 1) { ($0.int(0), $0.text(2), false) }
        }
    }

    /// Inserts the first entry of `key` under `hash` unless another key holds that hash: the new entry's id, or nil.
    private func postFirstEntry(_ key: String, _ entry: FirstEntry, hash: Int64) throws -> Int64? {
        let s = insertFirstEntry
        try s.bind(1, nextEntryID)
        try s.bind(2, entry.runID)
        try s.bind(3, dayText(entry.day))
        try s.bind(4, dayText(entry.effectiveDay))
        try s.bind(6, hash)
        // The key and memo are bound in place and the statement stepped while they are.
        try Statement.withBytes(key) { keyBytes in
            try Statement.withBytes(entry.memo) { memoBytes in
                try s.bind(5, static: memoBytes)
                try s.bind(7, static: keyBytes)
                try s.execute()
            }
        }
        guard database.changes == 1 else { return nil }
        let number = nextEntryID
        nextEntryID += 1
        return number
    }

    func accountID(_ code: String, for sourceKey: String) throws -> Int64 {
        // A chart of accounts is short and its codes are small strings: comparing beats hashing.
        for known in accountList where known.code == code { return known.id }
        guard let id = accountIDs[code] else { throw LedgerError("entry \(sourceKey) posts to account \(code), which the ledger does not have") }
        return id
    }

    func customerNumber(_ id: String) throws -> Int64 {
        if let number = customerNumbers[id] { return number }
        try findCustomer.bind(1, id)
        let number: Int64
        if try findCustomer.step() {
            number = findCustomer.int(0)
            findCustomer.reset()
        } else {
            findCustomer.reset()
            try insertCustomer.bind(1, id)
            try insertCustomer.execute()
            number = database.lastInsertRowID
        }
        if customerNumbers.count > 1_000_000 { customerNumbers.removeAll() }
        customerNumbers[id] = number
        return number
    }

    func invoiceNumber(_ id: String, required: Bool, for sourceKey: String = "") throws -> Int64? {
        if let number = invoiceNumbers[id] { return number }
        try findInvoice.bind(1, id)
        defer { findInvoice.reset() }
        guard try findInvoice.step() else {
            if required { throw LedgerError("entry \(sourceKey) posts to invoice \(id), which the ledger does not have") }
            return nil
        }
        let number = findInvoice.int(0)
        invoiceNumbers[id] = number
        return number
    }

    // MARK: - Posting

    func post(_ draft: borrowing JournalEntryDraft, runID: Int64, day: Day, outcome: inout CommitOutcome) throws {
        // Checked before anything of it is written (a failed precondition ends the process: the transaction never commits).
        precondition(draft.isBalanced, "journal entry \(draft.sourceKey) does not balance")
        let hasMoney = draft.postings.contains { $0.amount.minorUnits != 0 }
        // A key never posted (the common case) is posted by the look-up itself: revision 1, nothing more to read.
        guard let (source, _, isNew) = try findOrPostSource(draft.sourceKey, firstEntry: hasMoney ? (runID, day, draft.effectiveDay, draft.memo) : nil) else {
            // Nothing to post, and nothing was ever posted under the key.
            outcome.unchangedCount += 1
            return
        }
        daySources.append(source)
        if isNew {
            let postings = draft.postings.allSatisfy { $0.amount.minorUnits != 0 } ? draft.postings : draft.postings.filter { $0.amount.minorUnits != 0 }
            try insertPostings(postings, entryID: source, sourceKey: draft.sourceKey, effectiveDay: draft.effectiveDay)
            outcome.posted.append(PostedEntry(entryID: source, sourceKey: draft.sourceKey, revision: 1, kind: .original, runID: runID,
                                              effectiveDay: draft.effectiveDay, memo: draft.memo, postings: postings))
            return
        }
        let current = try currentNet(sourceNumber: source, sourceKey: draft.sourceKey)
        let wanted = try draft.netPostings
        if current.net == wanted {
            outcome.unchangedCount += 1
            return
        }
        var revision = current.revision
        if !current.net.isEmpty {
            revision += 1
            let reversal = try NetPostings.reversal(of: current.net, sourceKey: draft.sourceKey)
            outcome.posted.append(try insert(sourceNumber: source, sourceKey: draft.sourceKey, revision: revision, kind: .reversal, runID: runID,
                                             runDay: day, day: draft.effectiveDay, memo: "Reversal: " + draft.memo, postings: reversal))
        }
        if !wanted.isEmpty {
            revision += 1
            outcome.posted.append(try insert(sourceNumber: source, sourceKey: draft.sourceKey, revision: revision, kind: .replacement,
                                             runID: runID, runDay: day, day: draft.effectiveDay, memo: draft.memo, postings: draft.postings))
        }
    }

    func currentNet(sourceNumber: Int64, sourceKey: String) throws -> (revision: Int, net: [PostingKey: Int64]) {
        let r = try database.prepare("SELECT COALESCE(MAX(revision), 1) FROM journal_entries WHERE source_no = ? AND revision > 1").bind(.integer(sourceNumber))
        _ = try r.step()
        let revision = Int(r.int(0))
        r.reset()
        let s = try database.prepare("""
            SELECT a.code, c.customer_id, i.invoice_id, p.currency, SUM(p.amount_minor), p.account_id, p.customer_no, p.invoice_no
            FROM postings p LEFT JOIN accounts a ON a.account_id = p.account_id LEFT JOIN customers c ON c.customer_no = p.customer_no
            LEFT JOIN invoices i ON i.invoice_no = p.invoice_no
            WHERE p.entry_id IN (SELECT ?1 UNION ALL SELECT entry_id FROM journal_entries WHERE source_no = ?1 AND revision > 1)
            GROUP BY p.account_id, p.customer_no, p.invoice_no, p.currency
            """).bind(.integer(sourceNumber))
        var net: [PostingKey: Int64] = [:]
        while try s.step() {
            let sum = s.int(4)
            guard sum != 0 else { continue }
            // Whatever a posting names must exist: a number without its row is a broken ledger, not a blank.
            if s.isNull(0) || (!s.isNull(6) && s.isNull(1)) || (!s.isNull(7) && s.isNull(2)) {
                throw LedgerError("postings of \(sourceKey) name an account, customer or invoice the ledger does not have: run `settle ledger verify`")
            }
            net[PostingKey(account: s.text(0), customerID: s.text(1), invoiceID: s.text(2), currency: s.text(3))] = sum
        }
        return (revision, net)
    }

    func insert(sourceNumber: Int64, sourceKey: String, revision: Int, kind: PostedEntry.Kind, runID: Int64, runDay: Day, day: Day, memo: String,
                        postings: [Posting]) throws -> PostedEntry {
        let s = insertEntry
        let entryID = nextEntryID
        try s.bind(1, entryID)
        try s.bind(2, sourceNumber)
        try s.bind(3, Int64(revision))
        try s.bind(4, kindTexts[kind] ?? InternedText(kind.rawValue))
        try s.bind(5, runID)
        try s.bind(6, dayText(runDay))
        try s.bind(7, dayText(day))
        try s.bind(8, memo)
        try s.execute()
        nextEntryID += 1
        let nonZero = postings.allSatisfy { $0.amount.minorUnits != 0 } ? postings : postings.filter { $0.amount.minorUnits != 0 }
        try insertPostings(nonZero, entryID: entryID, sourceKey: sourceKey, effectiveDay: day)
        return PostedEntry(entryID: entryID, sourceKey: sourceKey, revision: revision, kind: kind, runID: runID, effectiveDay: day, memo: memo, postings: nonZero)
    }


    func postingStatement(rows: Int) throws -> Statement {
        if insertPostingRows.isEmpty {
            for n in 1...4 {
                let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: n).joined(separator: ", ")
                insertPostingRows.append(try database.prepare(
                    "INSERT INTO postings(entry_id, line, account_id, customer_no, invoice_no, amount_minor, currency) VALUES \(values)"))
            }
        }
        return insertPostingRows[rows - 1]
    }


    /// Writes an entry's postings, each naming what exists (checked here, before the write: the schema has no
    /// row-level foreign keys), and keeps the open amounts and account movements they change.
    func insertPostings(_ postings: [Posting], entryID: Int64, sourceKey: String, effectiveDay: Day) throws {
        let receivable = accountIDs[ChartOfAccounts.accountsReceivable]
        let unapplied = accountIDs[ChartOfAccounts.unappliedCash]
        let differences = accountIDs[ChartOfAccounts.paymentDifferences]
        var start = 0
        while start < postings.count {
            let count = min(4, postings.count - start)
            let s = try postingStatement(rows: count)
            for offset in 0..<count {
                let p = postings[start + offset]
                postingsWritten += 1
                if let limit = SQLiteLedgerStore.killAfterPostings, postingsWritten >= limit {
                    kill(getpid(), SIGKILL)
                }
                let account = try accountID(p.account, for: sourceKey)
                let base = Int32(offset * 7)
                try s.bind(base + 1, entryID)
                try s.bind(base + 2, Int64(start + offset + 1))
                try s.bind(base + 3, account)
                if let customer = p.customerID {
                    let number: Int64
                    if let last = lastCustomer, last.id == customer {
                        number = last.number
                    } else {
                        number = try customerNumber(customer)
                        lastCustomer = (customer, number)
                    }
                    try s.bind(base + 4, number)
                    if account == unapplied {
                        unappliedMovements[UnappliedKey(customer: number, currency: p.amount.currency.code, effectiveDay: effectiveDay), default: 0] &+= p.amount.minorUnits
                    }
                } else {
                    try s.bindNull(base + 4)
                }
                if let invoice = p.invoiceID {
                    let number: Int64
                    if let last = lastInvoice, last.id == invoice {
                        number = last.number
                    } else {
                        // `required`: a posting never names an invoice the ledger does not have.
                        number = try invoiceNumber(invoice, required: true, for: sourceKey) ?? 0
                        lastInvoice = (invoice, number)
                    }
                    try s.bind(base + 5, number)
                    if account == receivable {
                        changeOpenAmount(number, by: p.amount.minorUnits)
                    } else if account == differences {
                        writtenOffChanges[number, default: 0] &+= p.amount.minorUnits
                    }
                } else {
                    try s.bindNull(base + 5)
                }
                try s.bind(base + 6, p.amount.minorUnits)
                try s.bind(base + 7, currencyText(p.amount.currency))
                move(account, p.amount)
            }
            try s.execute()
            start += count
        }
    }
}
