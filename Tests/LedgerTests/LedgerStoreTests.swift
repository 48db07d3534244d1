import Accounting
import Core
@testable import Ledger
import Matching
import Testing
import TestSupport

@Suite struct LedgerStoreTests {
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
    static let day = Day(year: 2026, month: 11, day: 2)!

    static func invoice(_ id: String, _ open: Int64) -> LedgerInvoice {
        LedgerInvoice(invoiceID: id, customerID: "C1", issueDay: day, dueDay: day.adding(days: 30), amount: m(open), openAmount: m(open), terms: "NET30", poNumber: "")
    }

    static func opening(_ id: String, _ cents: Int64) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: "invoice:\(id):opening", effectiveDay: day, memo: "open", postings: [
            Posting(account: ChartOfAccounts.accountsReceivable, customerID: "C1", invoiceID: id, amount: m(cents)),
            Posting(account: ChartOfAccounts.openingBalances, customerID: "C1", invoiceID: id, amount: m(-cents)),
        ])
    }

    static func receipt(_ key: String, cash: Int64, invoice: String, applied: Int64) -> JournalEntryDraft {
        var postings = [Posting(account: "1000-2233", amount: m(cash)),
                        Posting(account: ChartOfAccounts.accountsReceivable, customerID: "C1", invoiceID: invoice, amount: m(-applied))]
        if cash != applied { postings.append(Posting(account: ChartOfAccounts.unappliedCash, customerID: "C1", amount: m(applied - cash))) }
        return JournalEntryDraft(sourceKey: key, effectiveDay: day, memo: "receipt", postings: postings)
    }

    func newStore() throws -> (SQLiteLedgerStore, String) {
        let path = TestPaths.temporaryDirectory("ledger") + "/ledger.sqlite"
        return (try SQLiteLedgerStore(path: path), path)
    }

    func commit(_ store: SQLiteLedgerStore, run: Int64, _ entries: [JournalEntryDraft], invoices: [LedgerInvoice] = []) async throws -> CommitOutcome {
        try await store.commit(DayCommit(runID: run, day: Self.day, invoices: invoices, entries: entries, cashAccounts: [("1000-2233", "Cash")]))
    }

    /// A receipt's return is found from the receipt: its application rows' key, then `return:<key>` posted.
    @Test func aReceiptsReturnDayIsFoundFromTheReceipt() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        var day = DayCommit(runID: run, day: Self.day, invoices: [Self.invoice("INV-1", 5_000)],
                            entries: [Self.opening("INV-1", 5_000), Self.receipt("ach:k1", cash: 6_000, invoice: "INV-1", applied: 5_000)],
                            cashAccounts: [("1000-2233", "Cash")])
        day.applications = [ApplicationRow(receiptID: "R-1", sourceKey: "ach:k1", invoiceID: nil, customerID: "C1", applied: Self.m(1_000), discount: Self.m(0),
                                           writeOff: Self.m(0), rule: "unapplied", confidence: 0)]
        _ = try await store.commit(day)
        let reader = try SQLiteLedgerReader(path: path)
        #expect(try reader.returnDay(receiptID: "R-1", day: Self.day) == nil)
        let later = Self.day.adding(days: 3)
        _ = try await store.commit(DayCommit(runID: run, day: later, entries: [JournalEntryDraft(sourceKey: "return:ach:k1", effectiveDay: later, memo: "R01", postings: [
            Posting(account: ChartOfAccounts.unappliedCash, customerID: "C1", amount: Self.m(1_000)), Posting(account: "1000-2233", amount: Self.m(-1_000)),
        ])], cashAccounts: [("1000-2233", "Cash")]))
        #expect(try reader.returnDay(receiptID: "R-1", day: Self.day) == later)
        #expect(try reader.returnDay(receiptID: "R-2", day: Self.day) == nil)
    }

    @Test func postsOncePerSourceKey() async throws {
        let (store, path) = try newStore()
        let run1 = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        let entries = [Self.opening("I1", 10_000), Self.receipt("ach:1", cash: 10_000, invoice: "I1", applied: 10_000)]
        let first = try await commit(store, run: run1, entries, invoices: [Self.invoice("I1", 10_000)])
        #expect(first.posted.count == 2)
        let run2 = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        let again = try await commit(store, run: run2, entries, invoices: [Self.invoice("I1", 10_000)])
        #expect(again.posted.isEmpty)
        #expect(again.unchangedCount == 2)
        let reader = try SQLiteLedgerReader(path: path)
        #expect(try reader.counts().entries == 2)
        let report = try reader.verify()
        #expect(report.isClean)
        #expect(try reader.invoices()[0].openAmount == Self.m(0))
    }

    @Test func aChangedDecisionPostsAReversalAndAReplacement() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await commit(store, run: run, [Self.opening("I1", 10_000), Self.receipt("ach:1", cash: 10_000, invoice: "I1", applied: 4_000)],
                             invoices: [Self.invoice("I1", 10_000)])
        // A rerun of the day gives everything it wants posted: the opening entry unchanged, the receipt changed.
        let changed = try await commit(store, run: run, [Self.opening("I1", 10_000), Self.receipt("ach:1", cash: 10_000, invoice: "I1", applied: 10_000)])
        #expect(changed.posted.map(\.kind) == [.reversal, .replacement])
        #expect(changed.posted.map(\.revision) == [2, 3])
        let reader = try SQLiteLedgerReader(path: path)
        #expect(try reader.verify().isClean)
        #expect(try reader.invoices()[0].openAmount == Self.m(0))
        let unapplied = try reader.balances(account: ChartOfAccounts.unappliedCash)
        #expect(unapplied.allSatisfy { $0.balance.isZero })
        // And once more: nothing new.
        #expect(try await commit(store, run: run, [Self.opening("I1", 10_000), Self.receipt("ach:1", cash: 10_000, invoice: "I1", applied: 10_000)]).posted.isEmpty)
    }

    @Test func aKeyTheDayNoLongerProducesIsReversed() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await commit(store, run: run, [Self.opening("I1", 10_000), Self.receipt("ach:1", cash: 10_000, invoice: "I1", applied: 10_000)],
                             invoices: [Self.invoice("I1", 10_000)])
        // The rerun no longer sees receipt ach:1 (say, its file turned out to be a duplicate): its entry is reversed, once.
        let rerun = try await commit(store, run: run, [Self.opening("I1", 10_000)])
        #expect(rerun.posted.map(\.kind) == [.reversal])
        #expect(rerun.posted.map(\.sourceKey) == ["ach:1"])
        #expect(try await commit(store, run: run, [Self.opening("I1", 10_000)]).posted.isEmpty)
        let reader = try SQLiteLedgerReader(path: path)
        #expect(try reader.verify().isClean)
        #expect(try reader.invoices()[0].openAmount == Self.m(10_000))
    }

    @Test func twoSourceKeysWithOneHashAreToldApartByTheirText() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await commit(store, run: run, [Self.opening("I1", 10_000)], invoices: [Self.invoice("I1", 10_000)])
        // Another key already holds the hash of "ach:1" (a collision, made by hand: FNV-1a's 64 bits make a real one rare).
        do {
            let db = try Database(path: path)
            try db.prepare("""
                INSERT INTO journal_entries(entry_id, source_no, revision, kind, run_id, day, effective_day, memo, key_hash, source_key)
                VALUES (100, 100, 1, 'original', ?1, '2026-11-02', '2026-11-02', 'other', ?2, 'someone-else');
                """).bind(.integer(run), .integer(SourceKeyHash.of("ach:1"))).run()
            try db.execute("""
                INSERT INTO postings VALUES (100, 1, (SELECT account_id FROM accounts WHERE code = '1000-2233'), NULL, NULL, 5, 'USD'),
                                            (100, 2, (SELECT account_id FROM accounts WHERE code = '1000-2233'), NULL, NULL, -5, 'USD');
                INSERT INTO entry_ranges VALUES (100, 100, '2026-11-02', \(run));
                """)
        }
        let entries = [Self.opening("I1", 10_000), Self.receipt("ach:1", cash: 10_000, invoice: "I1", applied: 10_000), Self.receipt("someone-else", cash: 0, invoice: "I1", applied: 0)]
        #expect(try await commit(store, run: run, entries).posted.count == 1)
        // Found again by walking past the other key: nothing posted twice, and a changed decision replaces the right entry.
        #expect(try await commit(store, run: run, entries).posted.isEmpty)
        let changed = try await commit(store, run: run, [Self.opening("I1", 10_000), Self.receipt("ach:1", cash: 10_000, invoice: "I1", applied: 6_000),
                                                         Self.receipt("someone-else", cash: 0, invoice: "I1", applied: 0)])
        #expect(changed.posted.map(\.kind) == [.reversal, .replacement])
        let db = try Database(path: path)
        let hashes = try db.prepare("SELECT key_hash, source_key FROM journal_entries WHERE source_key IN ('ach:1', 'someone-else') ORDER BY source_key")
            .rows { ($0.int(0), $0.text(1)) }
        #expect(hashes.map(\.0) == [SourceKeyHash.next(SourceKeyHash.of("ach:1")), SourceKeyHash.of("ach:1")])
        #expect(try SQLiteLedgerReader(path: path).verify().isClean)
        #expect(try SQLiteLedgerReader(path: path).postedDay(sourceKey: "ach:1") == Self.day)
        #expect(try SQLiteLedgerReader(path: path).postedDay(sourceKey: "ach:2") == nil)
    }

    @Test func verifyFindsRowsNamingRowsThatDoNotExist() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await commit(store, run: run, [Self.opening("I1", 100)], invoices: [Self.invoice("I1", 100)])
        #expect(try SQLiteLedgerReader(path: path).verify().isClean)
        let db = try Database(path: path)
        try db.execute("DELETE FROM customers")
        try db.execute("UPDATE account_days SET amount_minor = amount_minor + 1 WHERE account_id = (SELECT account_id FROM accounts WHERE code = '\(ChartOfAccounts.accountsReceivable)')")
        let report = try SQLiteLedgerReader(path: path).verify()
        #expect(!report.isClean)
        #expect(report.integrityProblems == ["2 postings naming an unknown customer", "1 invoices of an unknown customer"])
        #expect(report.accountDayMismatches.count == 1)
    }

    /// Kept sums checked against the postings from both sides: a kept row without postings, and postings without their
    /// kept row (the query must not need `FULL OUTER JOIN`, which SQLite before 3.39 lacks).
    @Test func verifyFindsKeptSumsMissingOnEitherSide() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await commit(store, run: run, [Self.opening("I1", 10_000), Self.receipt("ach:1", cash: 10_000, invoice: "I1", applied: 4_000)],
                             invoices: [Self.invoice("I1", 10_000)])
        #expect(try SQLiteLedgerReader(path: path).verify().isClean)
        let db = try Database(path: path)
        // Postings without their kept row: the receivables' day and C1's unapplied cash forgotten.
        try db.execute("DELETE FROM account_days WHERE account_id = (SELECT account_id FROM accounts WHERE code = '\(ChartOfAccounts.accountsReceivable)')")
        try db.execute("DELETE FROM customer_unapplied")
        // Kept rows without postings: a day the cash account never moved, and unapplied cash in a currency nobody holds.
        try db.execute("""
            INSERT INTO account_days VALUES ((SELECT account_id FROM accounts WHERE code = '1000-2233'), '2026-11-03', 'USD', 7);
            INSERT INTO customer_unapplied VALUES ((SELECT customer_no FROM customers WHERE customer_id = 'C1'), 'EUR', 9);
            """)
        let customerNo = try db.prepare("SELECT customer_no FROM customers WHERE customer_id = 'C1'").rows { $0.int(0) }.first ?? -1
        let report = try SQLiteLedgerReader(path: path).verify()
        #expect(!report.isClean)
        #expect(Set(report.accountDayMismatches) == [
            "unapplied cash of customer number \(customerNo) in USD: kept 0, postings -6000",
            "unapplied cash of customer number \(customerNo) in EUR: kept 9, postings 0",
            "\(ChartOfAccounts.accountsReceivable) on 2026-11-02 in USD: kept 0, postings 6000",
            "1000-2233 on 2026-11-03 in USD: kept 7, postings 0",
        ])
        #expect(report.accountDayMismatches.count == 4)
    }

    @Test func aPostingNamingAnUnknownInvoiceOrAccountIsRefusedBeforeTheWrite() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        await #expect { try await commit(store, run: run, [Self.receipt("ach:1", cash: 100, invoice: "NOPE", applied: 100)]) } throws: {
            ($0 as? LedgerError)?.message == "entry ach:1 posts to invoice NOPE, which the ledger does not have"
        }
        let unknownAccount = JournalEntryDraft(sourceKey: "x", effectiveDay: Self.day, memo: "", postings: [Posting(account: "9999", amount: Self.m(1)),
                                                                                                             Posting(account: "1000-2233", amount: Self.m(-1))])
        await #expect { try await commit(store, run: run, [unknownAccount]) } throws: {
            ($0 as? LedgerError)?.message == "entry x posts to account 9999, which the ledger does not have"
        }
        #expect(try SQLiteLedgerReader(path: path).counts().entries == 0)
        // The store is still usable after the rolled-back commits.
        #expect(try await commit(store, run: run, [Self.opening("I1", 100)], invoices: [Self.invoice("I1", 100)]).posted.count == 1)
        #expect(try SQLiteLedgerReader(path: path).verify().isClean)
    }

    @Test func theJournalIsAppendOnly() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await commit(store, run: run, [Self.opening("I1", 100)], invoices: [Self.invoice("I1", 100)])
        let db = try Database(path: path)
        #expect(throws: SQLiteError.self) { try db.execute("UPDATE postings SET amount_minor = 1") }
        #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM journal_entries") }
    }

    @Test func verifyFindsAnOpenAmountThatDisagreesWithPostings() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await commit(store, run: run, [Self.opening("I1", 100)], invoices: [Self.invoice("I1", 100)])
        let db = try Database(path: path)
        try db.execute("UPDATE invoices SET open_minor = 5")
        let report = try SQLiteLedgerReader(path: path).verify()
        #expect(!report.isClean)
        #expect(report.invoiceMismatches.map(\.invoiceID) == ["I1"])
    }

    @Test func anOlderProgramRefusesANewerLedger() async throws {
        let (_, path) = try newStore()
        let db = try Database(path: path)
        try db.execute("PRAGMA user_version = 99")
        #expect(throws: LedgerError.self) { try SQLiteLedgerStore(path: path) }
        #expect(throws: LedgerError.self) { try SQLiteLedgerReader(path: path) }
    }

    @Test func aNewerProgramMigratesAnOlderLedgerAndKeepsEveryPosting() async throws {
        // A ledger as the program of schema 2 left it: postings with their own row ids, two entries.
        let path = TestPaths.temporaryDirectory("ledger-migration") + "/old.sqlite"
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA foreign_keys = ON")
            for sql in Schema.migrations.prefix(2) { try db.execute(sql) }
            try db.execute("PRAGMA user_version = 2")
            try db.execute("""
                INSERT INTO accounts VALUES ('1100', 'Accounts receivable', 'asset'), ('1000', 'Cash', 'asset'), ('4900', 'Discounts', 'expense');
                INSERT INTO runs VALUES (1, 't', 'm', '2026-11-02', '2026-11-02', 'done');
                INSERT INTO invoices VALUES ('I1', 'C1', '2026-10-01', '2026-10-31', 'USD', 10000, 10000, 'NET30', '');
                INSERT INTO journal_entries VALUES (1, 'k1', 1, 'original', 1, '2026-11-02', '2026-11-02', 'one'), (2, 'k2', 1, 'original', 1, '2026-11-02', '2026-11-02', 'two');
                INSERT INTO postings(posting_id, entry_id, account_code, customer_id, invoice_id, amount_minor, currency) VALUES
                    (10, 1, '1000', NULL, NULL, 9800, 'USD'), (11, 1, '4900', 'C1', 'I1', 200, 'USD'), (12, 1, '1100', 'C1', 'I1', -10000, 'USD'),
                    (13, 2, '1000', NULL, NULL, 5, 'USD'), (14, 2, '1100', 'C1', NULL, -5, 'USD');
                INSERT INTO exceptions(exception_id, first_run_id, last_run_id, day, type, severity, receipt_id, source, source_ref, location, customer_id,
                                       amount_minor, currency, invoice_ids, message, suggestions)
                    VALUES ('X1', 1, 1, '2026-11-02', 'AMBIGUOUS', 'warning', 'R1', 'nacha', 't', 'f:1', 'C1', 5, 'USD', 'I1', 'm', 's');
                """)
        }
        _ = try SQLiteLedgerStore(path: path)
        let db = try Database(path: path)
        let version = try db.prepare("PRAGMA user_version")
        _ = try version.step()
        #expect(Int(version.int(0)) == Schema.version)
        // Schema 7 keeps the postings under integer keys; the `journal` view shows them with their texts.
        let rows = try db.prepare("SELECT entry_id, line, account_code, source_key, customer_id, invoice_id, amount_minor FROM journal ORDER BY entry_id, line")
            .rows { "\($0.int(0))/\($0.int(1)) \($0.text(2)) \($0.text(3)) \($0.text(4)) \($0.text(5)) \($0.int(6))" }
        #expect(rows == ["1/1 1000 k1   9800", "1/2 4900 k1 C1 I1 200", "1/3 1100 k1 C1 I1 -10000", "2/1 1000 k2   5", "2/2 1100 k2 C1  -5"])
        // The kept sums agree with the postings, and the invoice's opening day is the day of its first posting.
        #expect(try SQLiteLedgerReader(path: path).verify().isClean == false)  // I1's stored open amount (10,000) is not what its postings say (-10,000)
        #expect(try SQLiteLedgerReader(path: path).verify().accountDayMismatches.isEmpty)
        #expect(try SQLiteLedgerReader(path: path).verify().integrityProblems.isEmpty)
        #expect(try SQLiteLedgerReader(path: path).invoices().map(\.openedDay) == [Day(year: 2026, month: 11, day: 2)])
        // Still append-only after the table was rebuilt.
        #expect(throws: (any Error).self) { try db.execute("DELETE FROM postings") }
        #expect(throws: (any Error).self) { try db.execute("UPDATE postings SET amount_minor = 0") }
        let entries = try SQLiteLedgerReader(path: path).entries()
        #expect(entries.map { $0.postings.map(\.amount.minorUnits) } == [[9800, 200, -10000], [5, -5]])
        // Schema 4 added the evidence of decisions: exceptions of older runs have none, and keep everything else.
        let kept = try SQLiteLedgerReader(path: path).exception(id: "X1")
        #expect(kept?.evidence == "")
        #expect(kept?.type == "AMBIGUOUS")
    }

    @Test func aCurrencyOrDayTheLedgerCannotReadIsAnErrorNamingTheRow() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        _ = try await store.commit(DayCommit(runID: run, day: Self.day, invoices: [Self.invoice("I1", 100)], entries: [Self.opening("I1", 100)]))
        let db = try Database(path: path)
        try db.execute("UPDATE invoices SET currency = 'usd!' WHERE invoice_id = 'I1'")
        #expect { try SQLiteLedgerReader(path: path).invoices() } throws: { ($0 as? LedgerError)?.message == "invoices row I1: currency 'usd!' is not an ISO 4217 code" }
        try db.execute("UPDATE invoices SET currency = 'USD', due_day = '2026-13-40' WHERE invoice_id = 'I1'")
        #expect { try SQLiteLedgerReader(path: path).invoices() } throws: { ($0 as? LedgerError)?.message == "invoices row I1: day '2026-13-40' is not YYYY-MM-DD" }
    }

    @Test func dryRunLeavesNothing() async throws {
        let (store, path) = try newStore()
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        let outcome = try await store.commit(DayCommit(runID: run, day: Self.day, invoices: [Self.invoice("I1", 100)], entries: [Self.opening("I1", 100)]), dryRun: true)
        #expect(outcome.posted.count == 1)
        #expect(try SQLiteLedgerReader(path: path).counts().entries == 0)
    }
}

/// ACH entry rows are written before cash application has found their customers; the customers follow as their own
/// batches, each naming its entry by key. A return finds the customer of the original entry; a rerun of the day
/// replaces both.
@Suite struct ACHEntryCustomerTests {
    static let day = LedgerStoreTests.day

    static func row(_ trace: String) -> ACHEntryRow {
        ACHEntryRow(entryKey: "ach:received:123:\(day):\(trace)", role: "received", kind: "payment", companyID: "123", trace: trace, rdfi: "02100002",
                    amount: LedgerStoreTests.m(1_000), effectiveDay: day, settlementDay: day, sourceKey: "ach:received:123:\(day):\(trace)", customerID: nil,
                    receiverName: "SELLER", identification: "", fileName: "f.ach", day: day)
    }

    static func found(_ trace: String, _ customer: String) -> ACHEntryCustomer {
        ACHEntryCustomer(key: ACHEntryKey(role: .received, companyID: "123", effectiveDay: day, trace: trace), customerID: customer)
    }

    /// Writes the rows, then the customers in batches of `batch` (in the order given, not the rows').
    func runDay(_ store: SQLiteLedgerStore, run: Int64, traces: [String], customers: [(trace: String, customer: String)], batch: Int = 1) async throws {
        try await store.beginDay(runID: run, day: Self.day)
        var rows = DayEffects()
        rows.achEntries = traces.map(Self.row)
        try await store.post(rows)
        for start in stride(from: 0, to: customers.count, by: batch) {
            var found = DayEffects()
            found.achCustomers = customers[start..<min(start + batch, customers.count)].map { Self.found($0.trace, $0.customer) }
            try await store.post(found)
        }
        _ = try await store.finishDay(DayCommit(runID: run, day: Self.day))
    }

    func customer(_ path: String, _ trace: String) async throws -> String?? {
        try SQLiteLedgerReader(path: path).originalEntry(trace: trace, rdfi: "02100002", amountMinorUnits: 1_000, role: "received", notAfter: Self.day, windowDays: 120).map(\.customerID)
    }

    @Test func customersFoundAfterTheRowsAreTheOriginalEntriesCustomers() async throws {
        let path = TestPaths.temporaryDirectory("ach-customers") + "/ledger.sqlite"
        let store = try SQLiteLedgerStore(path: path)
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        try await runDay(store, run: run, traces: ["1", "2", "3"], customers: [("3", "C3"), ("1", "C1")])
        #expect(try await customer(path, "1") == .some("C1"))
        #expect(try await customer(path, "2") == .some(nil))
        #expect(try await customer(path, "3") == .some("C3"))
        // A rerun of the day (its rows deleted, their rowids taken again) with other customers and one row fewer.
        try await runDay(store, run: run, traces: ["1", "2"], customers: [("2", "C2")])
        #expect(try await customer(path, "1") == .some(nil))
        #expect(try await customer(path, "2") == .some("C2"))
        #expect(try await customer(path, "3") == nil)
        // A customer for an entry the day did not write is refused (the day rolls back).
        await #expect(throws: LedgerError.self) { try await runDay(store, run: run, traces: ["1"], customers: [("1", "C1"), ("2", "C2")]) }
        #expect(try await customer(path, "2") == .some("C2"))
    }

    /// Two rows whose keys share a hash are told apart by their keys, read back from the rows.
    @Test func rowsSharingAKeyHashAreToldApartByKey() throws {
        let customer = Self.found("2", "C2")
        var rows = DayACHRows()
        rows.append(rowid: 10, keyHash: customer.keyHash)
        rows.append(rowid: 11, keyHash: 1)
        rows.append(rowid: 12, keyHash: customer.keyHash)
        let keys: [Int64: String] = [10: Self.found("9", "").entryKey, 11: "", 12: customer.entryKey]
        var asked: [Int64] = []
        try rows.assign([customer]) { rowid in
            asked.append(rowid)
            return keys[rowid] ?? ""
        }
        #expect(rows.customers == [nil, nil, "C2"])
        #expect(asked.sorted() == [10, 12] || asked == [12])
        // A hash no row has is no row's customer.
        var other = DayACHRows()
        other.append(rowid: 1, keyHash: customer.keyHash &+ 1)
        #expect(throws: LedgerError.self) { try other.assign([customer]) { _ in "" } }
    }
}
