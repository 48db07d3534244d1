import Accounting
import Core
@testable import Ledger
import Testing
import TestSupport

/// `settle ledger verify` checks that every open amount keeps its document's sign: an invoice's (or debit memo's) between
/// 0 and its amount, a credit memo's between its (negative) amount and 0 (`Invoice.allows(open:)`), naming the invoice
/// and both amounts.
@Suite struct OpenAmountSignTests {
    typealias T = LedgerStoreTests

    static func memo(_ id: String, _ amount: Int64) -> LedgerInvoice {
        LedgerInvoice(invoiceID: id, customerID: "C1", issueDay: T.day, dueDay: T.day, amount: T.m(amount), openAmount: T.m(amount), terms: "", poNumber: "")
    }

    func ledger() async throws -> (SQLiteLedgerStore, String, Int64) {
        let path = TestPaths.temporaryDirectory("open-sign") + "/ledger.sqlite"
        let store = try SQLiteLedgerStore(path: path)
        let run = try await store.beginRun(manifest: "m", firstDay: T.day, lastDay: T.day, startedAt: "t")
        _ = try await store.commit(DayCommit(runID: run, day: T.day, invoices: [T.invoice("I1", 10_000), Self.memo("CM1", -2_000)],
                                             entries: [T.opening("I1", 10_000), T.opening("CM1", -2_000)], cashAccounts: [("1000-2233", "Cash")]))
        #expect(try SQLiteLedgerReader(path: path).verify().isClean)
        return (store, path, run)
    }

    /// Postings that take an invoice below 0 (a write-off and the rest paid as well): the open amount agrees with them,
    /// yet it is past its document's amount.
    @Test func anInvoicePaidPastItsAmountIsADifference() async throws {
        let (store, path, run) = try await ledger()
        // The day again, as a run wants it whole: the openings and a receipt taking 12,000 off I1's 10,000.
        _ = try await store.commit(DayCommit(runID: run, day: T.day, invoices: [],
                                             entries: [T.opening("I1", 10_000), T.opening("CM1", -2_000), T.receipt("ach:1", cash: 12_000, invoice: "I1", applied: 12_000)],
                                             cashAccounts: [("1000-2233", "Cash")]))
        let report = try SQLiteLedgerReader(path: path).verify()
        #expect(report.invoiceMismatches.isEmpty)
        #expect(report.openAmountsPastTheirSign.map { "\($0.invoiceID) \($0.amount) \($0.open)" } == ["I1 10000 -2000"])
        #expect(!report.isClean)
    }

    /// Open amounts written past their document's side of zero: an invoice's above its amount, a credit memo's above 0.
    @Test func openAmountsCorruptedPastTheirSignAreDifferences() async throws {
        let (_, path, _) = try await ledger()
        let db = try Database(path: path)
        try db.execute("UPDATE invoices SET open_minor = 10001 WHERE invoice_id = 'I1'")
        try db.execute("UPDATE invoices SET open_minor = 500 WHERE invoice_id = 'CM1'")
        let report = try SQLiteLedgerReader(path: path).verify()
        #expect(report.openAmountsPastTheirSign.map { "\($0.invoiceID) \($0.amount) \($0.open)" } == ["CM1 -2000 500", "I1 10000 10001"])
        #expect(!report.isClean)
        // A credit memo below its amount is past it too; within their bounds both are clean of this check.
        try db.execute("UPDATE invoices SET open_minor = -2001 WHERE invoice_id = 'CM1'")
        try db.execute("UPDATE invoices SET open_minor = 0 WHERE invoice_id = 'I1'")
        #expect(try SQLiteLedgerReader(path: path).verify().openAmountsPastTheirSign.map(\.invoiceID) == ["CM1"])
        try db.execute("UPDATE invoices SET open_minor = -1000 WHERE invoice_id = 'CM1'")
        #expect(try SQLiteLedgerReader(path: path).verify().openAmountsPastTheirSign.isEmpty)
    }

    /// The caller's check asked for just before the commit (a run's open items and their sign): when it throws, the
    /// day is rolled back whole; when it passes, the day commits.
    @Test func aCheckThatThrowsBeforeTheCommitRollsTheDayBack() async throws {
        struct Refused: Error {}
        let (store, path, run) = try await ledger()
        var day = DayCommit(runID: run, day: T.day, invoices: [],
                            entries: [T.opening("I1", 10_000), T.opening("CM1", -2_000), T.receipt("ach:1", cash: 4_000, invoice: "I1", applied: 4_000)],
                            cashAccounts: [("1000-2233", "Cash")])
        day.beforeCommit = { throw Refused() }
        await #expect(throws: Refused.self) { _ = try await store.commit(day) }
        func open() throws -> [Int64] { try Database(path: path).prepare("SELECT open_minor FROM invoices WHERE invoice_id = 'I1'").rows { $0.int(0) } }
        #expect(try open() == [10_000])
        #expect(try SQLiteLedgerReader(path: path).verify().isClean)
        day.beforeCommit = {}
        _ = try await store.commit(day)
        #expect(try open() == [6_000])
    }
}
