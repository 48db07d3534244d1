import Accounting
import Core
import Matching
import Receivables
import Testing

/// The open items before a day (`OpenItems.before`: invoices first seen opened, ERP changes detected and booked) and
/// after it (`OpenItems.rows`: each invoice's open amount before the day plus what the day's receivable postings moved),
/// and the sign check of the projection. Amounts worked out by hand.
@Suite struct OpenItemsTests {
    typealias B = Books
    static let day = B.d("2026-11-02")

    static func ledger(_ id: String, _ customer: String = "C1", amount: Int64, open: Int64, issued: String = "2026-10-01", due: String = "2026-10-31") -> LedgerInvoice {
        LedgerInvoice(invoiceID: id, customerID: customer, issueDay: B.d(issued), dueDay: B.d(due), amount: B.m(amount), openAmount: B.m(open), terms: "", poNumber: "")
    }

    static func before(ledger: [LedgerInvoice], export: [Invoice], openedLater: Set<String> = [], openedSingly: Set<String> = []) throws -> OpenItems {
        try OpenItems.before(day, ledger: ledger, openedLater: openedLater, openedSingly: openedSingly, export: export)
    }

    @Test func invoicesFirstSeenAreOpenedAndThoseNotIssuedYetLeftOut() throws {
        // INV-1 1,000.00 and INV-2 250.00 first seen; INV-9 dated 2026-11-05, after the day: not seen, not opened.
        let items = try Self.before(ledger: [], export: [B.invoice("INV-1", amount: 100_000), B.invoice("INV-9", amount: 9_900, issued: "2026-11-05"),
                                                         B.invoice("INV-2", amount: 25_000)])
        #expect(items.matching.map(\.id) == ["INV-1", "INV-2"])
        #expect(items.isNew == [true, true])
        // One opening entry of 1,000.00 + 250.00 = 1,250.00 against opening balances.
        #expect(items.openingDrafts.map(\.postings) == [[B.p(B.ar, 100_000, customer: "C1", invoice: "INV-1"), B.p(B.ar, 25_000, customer: "C1", invoice: "INV-2"),
                                                         B.p(B.opening, -125_000)]])
        #expect(items.adjustmentDrafts.isEmpty && items.exceptions.isEmpty)
        // Opened by a later day's run (a rerun of an earlier day): not opened again; opened one entry each before schema 7: kept so.
        let later = try Self.before(ledger: [], export: [B.invoice("INV-1", amount: 100_000)], openedLater: ["INV-1"])
        #expect(later.openingDrafts.isEmpty)
        let singly = try Self.before(ledger: [], export: [B.invoice("INV-1", amount: 100_000)], openedSingly: ["INV-1"])
        #expect(singly.openingDrafts.map(\.sourceKey) == ["invoice:INV-1:opening"])
    }

    @Test func theLedgersOpenAmountIsWhatMatchingSeesWhenTheExportLags() throws {
        // The ledger applied 400.00 of INV-1 (open 600.00); the ERP's export still shows 1,000.00 open: matching sees 600.00,
        // and nothing is adjusted (the export showing more open than the ledger is not an ERP change).
        let items = try Self.before(ledger: [Self.ledger("INV-1", amount: 100_000, open: 60_000)], export: [B.invoice("INV-1", amount: 100_000)])
        #expect(items.matching.map(\.openAmount) == [B.m(60_000)])
        #expect(items.isNew == [false])
        #expect(items.openingDrafts.isEmpty && items.adjustmentDrafts.isEmpty && items.exceptions.isEmpty)
    }

    @Test func whatIsWrittenOffOfEachInvoiceIsKeptForCashApplicationOnlyWhereThereIsSome() throws {
        // INV-7 closed with 20.00 written off (the ERP's export still lists it, 7,500.00 open); INV-8 closed by cash;
        // INV-5 no longer in the export, 0.50 written off within the tolerance. Only INV-7 and INV-5 are in the table.
        var written = Self.ledger("INV-7", amount: 750_000, open: 0)
        written.writtenOffMinorUnits = 2_000
        var gone = Self.ledger("INV-5", amount: 50_000, open: 0)
        gone.writtenOffMinorUnits = 50
        let items = try Self.before(ledger: [written, Self.ledger("INV-8", amount: 100_000, open: 0), gone],
                                    export: [B.invoice("INV-7", amount: 750_000), B.invoice("INV-8", amount: 100_000)])
        #expect(items.writtenOff == ["INV-7": 2_000, "INV-5": 50])
        #expect(items.matching.map(\.openAmount) == [B.m(0), B.m(0), B.m(0)])
        // Cash application takes it: 20.00 naming INV-7 recovers the write-off.
        var cash = CashApplication(customers: [Customer(id: "C1", name: "Acme Tools, Inc.", achCompanyIDs: ["1234567890"])], invoices: items.matching,
                                   policy: MatchingPolicy(tolerance: B.m(100)), writtenOff: items.writtenOff)
        #expect(cash.writtenOffAmount(of: "INV-7") == B.m(2_000) && cash.writtenOffAmount(of: "INV-8") == B.m(0))
        let receipt = Receipt(id: "R-1", source: .nacha, sourceRef: "1", sourceKey: "1", valueDay: Self.day, amount: B.m(2_000), bankAccount: B.bankAccount,
                              payerCompanyID: "1234567890", remittance: [RemittanceItem(reference: "INV-7")], location: SourceLocation(file: "f", line: 1))
        #expect(cash.apply(receipt).decision.rule == .recovery)
    }

    @Test func anInvoiceTheERPLoweredIsAdjustedAndRaised() throws {
        // Ledger 1,000.00 open, export 700.00: 300.00 moved in the ERP. 4950 +300.00, receivables -300.00; matching sees 700.00.
        let items = try Self.before(ledger: [Self.ledger("INV-1", amount: 100_000, open: 100_000)], export: [B.invoice("INV-1", amount: 100_000, open: 70_000)])
        #expect(items.adjustmentDrafts.map(\.sourceKey) == ["erp:INV-1:2026-11-02"])
        #expect(items.adjustmentDrafts.map(\.postings) == [[B.p(B.erp, 30_000, customer: "C1", invoice: "INV-1"), B.p(B.ar, -30_000, customer: "C1", invoice: "INV-1")]])
        #expect(items.matching.map(\.openAmount) == [B.m(70_000)])
        #expect(items.ledgerOpenBefore == ["INV-1": 100_000])
        #expect(items.exceptions.map(\.type) == [.masterDataChanged])
        #expect(items.exceptions.first?.amount == B.m(30_000))
    }

    @Test func aMemoAndAnInvoiceOfOneCustomerMovedByTheSameAmountAreTheERPApplyingIt() throws {
        // Ledger: CM-1 -200.00, INV-2 500.00 open (C1). Export: CM-1 0.00, INV-2 300.00: both moved 200.00.
        // One entry between the two: CM-1 +200.00, INV-2 -200.00; nothing to 4950; one exception naming both.
        let items = try Self.before(ledger: [Self.ledger("CM-1", amount: -20_000, open: -20_000), Self.ledger("INV-2", amount: 50_000, open: 50_000)],
                                    export: [B.invoice("CM-1", amount: -20_000, open: 0), B.invoice("INV-2", amount: 50_000, open: 30_000)])
        #expect(items.adjustmentDrafts.map(\.sourceKey) == ["erp:CM-1:INV-2:2026-11-02"])
        #expect(items.adjustmentDrafts.first?.postings == [B.p(B.ar, 20_000, customer: "C1", invoice: "CM-1"), B.p(B.ar, -20_000, customer: "C1", invoice: "INV-2")])
        #expect(items.exceptions.map(\.invoiceIDs) == [["INV-2", "CM-1"]])
    }

    @Test func aMemoMovedAloneOrBesideAnotherCustomersInvoiceIsAnAdjustmentEach() throws {
        // CM-1 (C1) -200.00 → -150.00: 50.00 less credit; INV-7 (C2) 500.00 → 450.00: also 50.00, but another customer's.
        // Two adjustments: INV-7 4950 +50.00 / receivables -50.00; CM-1 receivables +50.00 / 4950 -50.00.
        let items = try Self.before(ledger: [Self.ledger("CM-1", amount: -20_000, open: -20_000), Self.ledger("INV-7", "C2", amount: 50_000, open: 50_000)],
                                    export: [B.invoice("CM-1", amount: -20_000, open: -15_000), B.invoice("INV-7", "C2", amount: 50_000, open: 45_000)])
        #expect(items.adjustmentDrafts.map(\.sourceKey) == ["erp:INV-7:2026-11-02", "erp:CM-1:2026-11-02"])
        #expect(items.adjustmentDrafts.map(\.postings) == [
            [B.p(B.erp, 5_000, customer: "C2", invoice: "INV-7"), B.p(B.ar, -5_000, customer: "C2", invoice: "INV-7")],
            [B.p(B.ar, 5_000, customer: "C1", invoice: "CM-1"), B.p(B.erp, -5_000, customer: "C1", invoice: "CM-1")],
        ])
        #expect(items.adjustmentDrafts.allSatisfy { $0.isBalanced })
        // A memo showing more credit than the ledger (-200.00 → -250.00) is not an ERP change.
        let more = try Self.before(ledger: [Self.ledger("CM-1", amount: -30_000, open: -20_000)], export: [B.invoice("CM-1", amount: -30_000, open: -25_000)])
        #expect(more.adjustmentDrafts.isEmpty)
    }

    @Test func theLedgersInvoicesTheExportNoLongerListsStayOpen() throws {
        // INV-5 (ledger open 120.00) is not in today's export: matching still sees it, with the ledger's 120.00.
        let items = try Self.before(ledger: [Self.ledger("INV-5", amount: 50_000, open: 12_000)], export: [B.invoice("INV-1", amount: 100_000)])
        #expect(items.matching.map(\.id) == ["INV-1", "INV-5"])
        #expect(items.matching.map(\.openAmount) == [B.m(100_000), B.m(12_000)])
        #expect(items.isNew == [true, false])
    }

    @Test func openItemsAfterTheDayAreBeforePlusWhatTheDayMoved() throws {
        // Before: INV-1 1,000.00 open (ledger), INV-3 400.00 open, INV-4 0.00 open, INV-2 250.00 first seen today.
        // INV-6: the ERP lowered it 800.00 → 500.00 today (its adjustment posts receivables -300.00).
        let items = try Self.before(ledger: [Self.ledger("INV-1", amount: 100_000, open: 100_000), Self.ledger("INV-3", amount: 40_000, open: 40_000),
                                             Self.ledger("INV-4", amount: 10_000, open: 0), Self.ledger("INV-6", amount: 80_000, open: 80_000)],
                                    export: [B.invoice("INV-1", amount: 100_000), B.invoice("INV-2", amount: 25_000, due: "2026-11-30"),
                                             B.invoice("INV-3", amount: 40_000), B.invoice("INV-4", amount: 10_000, open: 0),
                                             B.invoice("INV-6", amount: 80_000, open: 50_000)])
        // The day: INV-1 paid 980.00 with a 20.00 discount (receivables -1,000.00); INV-3 paid 150.00 (receivables -150.00);
        // INV-2 opened +250.00; INV-6 adjusted -300.00.
        var tally = ReceivableTally()
        for draft in items.openingDrafts { try tally.add(sourceKey: draft.sourceKey, postings: draft.postings, opening: true) }
        for draft in items.adjustmentDrafts { try tally.add(sourceKey: draft.sourceKey, postings: draft.postings, opening: false) }
        let decision = B.decision(B.statementReceipt(113_000), customer: "C1",
                                  [B.application("INV-1", applied: 98_000, discount: 2_000), B.application("INV-3", applied: 15_000)])
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        try tally.add(sourceKey: entry.sourceKey, postings: entry.postings, opening: false)
        #expect(tally.entryCount == 3)
        #expect(tally.moved == ["INV-1": -100_000, "INV-2": 25_000, "INV-3": -15_000, "INV-6": -30_000])
        #expect(tally.touched == ["INV-1", "INV-3", "INV-6"])
        let rows = try items.rows(after: Self.day, earlier: [], posted: tally, decisions: [decision])
        // INV-1 1,000.00 - 1,000.00 = 0.00 (kept: the day touched it); INV-2 0 + 250.00 (new: nothing before);
        // INV-3 400.00 - 150.00 = 250.00; INV-4 untouched at 0.00: no row; INV-6 800.00 - 300.00 = 500.00 (not 700.00 - 300.00).
        #expect(rows.map(\.invoiceID) == ["INV-1", "INV-2", "INV-3", "INV-6"])
        #expect(rows.map(\.openAmount) == [B.m(0), B.m(25_000), B.m(25_000), B.m(50_000)])
        // Days past due on 2026-11-02: due 2026-10-31 → 2; INV-2 due 2026-11-30 → 0; settled → 0.
        #expect(rows.map(\.daysPastDue) == [0, 0, 2, 2])
        #expect(rows.allSatisfy { $0.keepsItsSign })
    }

    @Test func anEarlierRunOfTheDayCountsInTheProjectionButTouchesNothing() throws {
        // A rerun: an earlier run of the day posted 100.00 to INV-3 (still in the ledger); this run posted nothing more.
        // INV-3: 400.00 before the day - 100.00 = 300.00.
        let items = try Self.before(ledger: [Self.ledger("INV-3", amount: 40_000, open: 40_000)], export: [B.invoice("INV-3", amount: 40_000)])
        let earlier = PostedEntry(entryID: 7, sourceKey: "stmt:k", revision: 1, kind: .original, runID: 1, effectiveDay: Self.day, memo: "",
                                  postings: [B.p(B.cash, 10_000), B.p(B.ar, -10_000, customer: "C1", invoice: "INV-3")])
        let rows = try items.rows(after: Self.day, earlier: [earlier], posted: ReceivableTally(), decisions: [])
        #expect(rows.map(\.openAmount) == [B.m(30_000)])
        var tally = ReceivableTally()
        try tally.addMoves([earlier][...])
        #expect(tally.moved == ["INV-3": -10_000] && tally.touched.isEmpty && tally.entryCount == 0)
    }

    @Test func theDayMayNotPushAnItemPastItsSign() {
        // INV-1 (1,000.00) paid 1,050.00 today: open -50.00, broken by the day (before: 1,000.00, inside its sign).
        // CM-1 (-200.00) at +30.00 after +230.00 today: broken. INV-8 at -10.00 and untouched today: an older ledger's, not the day's;
        // INV-9 at -20.00 after -10.00 today: it was at -10.00 already, the older ledger's too.
        let rows = [OpenItemRow(invoiceID: "INV-1", customerID: "C1", dueDay: Self.day, amount: B.m(100_000), openAmount: B.m(-5_000), daysPastDue: 0),
                    OpenItemRow(invoiceID: "CM-1", customerID: "C1", dueDay: Self.day, amount: B.m(-20_000), openAmount: B.m(3_000), daysPastDue: 0),
                    OpenItemRow(invoiceID: "INV-8", customerID: "C1", dueDay: Self.day, amount: B.m(100_000), openAmount: B.m(-1_000), daysPastDue: 0),
                    OpenItemRow(invoiceID: "INV-9", customerID: "C1", dueDay: Self.day, amount: B.m(100_000), openAmount: B.m(-2_000), daysPastDue: 0),
                    OpenItemRow(invoiceID: "INV-2", customerID: "C1", dueDay: Self.day, amount: B.m(100_000), openAmount: B.m(40_000), daysPastDue: 0)]
        let broken = OpenItemRow.brokenByDay(rows, moved: ["INV-1": -105_000, "CM-1": 23_000, "INV-9": -1_000, "INV-2": -60_000])
        #expect(broken.map(\.invoiceID) == ["INV-1", "CM-1"])
        // A credit memo's open amount between its amount and 0 keeps its sign; beyond its amount it does not.
        #expect(OpenItemRow(invoiceID: "CM-2", customerID: "C1", dueDay: Self.day, amount: B.m(-20_000), openAmount: B.m(-20_000), daysPastDue: 0).keepsItsSign)
        #expect(!OpenItemRow(invoiceID: "CM-2", customerID: "C1", dueDay: Self.day, amount: B.m(-20_000), openAmount: B.m(-20_001), daysPastDue: 0).keepsItsSign)
    }
}
