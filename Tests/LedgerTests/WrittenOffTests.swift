import Accounting
import Core
@testable import Ledger
import Testing
import TestSupport

/// What is written off of each invoice (its payment differences, 6900) is kept beside its open amount in the day's
/// transaction, read as it stood before a day (a rerun does not see its own or later days'), and recomputed by `verify`.
@Suite struct WrittenOffTests {
    typealias T = LedgerStoreTests

    /// 980.00 paid for I1 (1,000.00), 20.00 written off: 1000-2233 +980.00, receivables -1,000.00, 6900 +20.00.
    static func shortPaid(_ key: String) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: key, effectiveDay: T.day, memo: "receipt", postings: [
            Posting(account: "1000-2233", amount: T.m(98_000)),
            Posting(account: ChartOfAccounts.accountsReceivable, customerID: "C1", invoiceID: "I1", amount: T.m(-100_000)),
            Posting(account: ChartOfAccounts.paymentDifferences, customerID: "C1", invoiceID: "I1", amount: T.m(2_000)),
        ])
    }

    /// 20.00 recovering it the next day: 1000-2233 +20.00, 6900 -20.00.
    static func recovered(_ key: String, on day: Day) -> JournalEntryDraft {
        JournalEntryDraft(sourceKey: key, effectiveDay: day, memo: "recovery", postings: [
            Posting(account: "1000-2233", amount: T.m(2_000)),
            Posting(account: ChartOfAccounts.paymentDifferences, customerID: "C1", invoiceID: "I1", amount: T.m(-2_000)),
        ])
    }

    func writtenOff(_ path: String, before day: Day) throws -> Int64? {
        try SQLiteLedgerReader(path: path).invoiceStates(before: day).states.first { $0.invoiceID == "I1" }?.writtenOffMinorUnits
    }

    @Test func theAmountWrittenOffIsKeptReadAsOfADayAndVerified() async throws {
        let path = TestPaths.temporaryDirectory("written-off") + "/ledger.sqlite"
        let store = try SQLiteLedgerStore(path: path)
        let next = T.day.adding(days: 1), after = T.day.adding(days: 2)
        let run = try await store.beginRun(manifest: "m", firstDay: T.day, lastDay: next, startedAt: "t")
        _ = try await store.commit(DayCommit(runID: run, day: T.day, invoices: [T.invoice("I1", 100_000)], entries: [T.opening("I1", 100_000), Self.shortPaid("ach:1")],
                                             cashAccounts: [("1000-2233", "Cash")]))
        _ = try await store.commit(DayCommit(runID: run, day: next, entries: [Self.recovered("ach:2", on: next)], cashAccounts: [("1000-2233", "Cash")]))
        #expect(try SQLiteLedgerReader(path: path).verify().isClean)
        // As of before each day: nothing yet, then 20.00 written off, then recovered.
        #expect(try writtenOff(path, before: next) == 2_000)
        #expect(try writtenOff(path, before: after) == 0)

        // A kept amount that its postings do not give is a difference, naming the invoice.
        let db = try Database(path: path)
        try db.execute("UPDATE invoices SET written_off_minor = 2000 WHERE invoice_id = 'I1'")
        let report = try SQLiteLedgerReader(path: path).verify()
        #expect(report.accountDayMismatches == ["written off of invoice I1: kept 2000, postings 0"], "\(report.accountDayMismatches)")
        #expect(!report.isClean)
    }
}
