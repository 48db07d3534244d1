import Accounting
import Core
import Matching
import Testing

/// Cash recovering an amount written off earlier (`Application.recovery`): the write-off reversed — Dr the cash side, Cr
/// payment differences (6900, the account the write-off was debited to) naming the invoice — and no receivable moved, so
/// the invoice stays closed at 0. Amounts worked out by hand.
@Suite struct RecoveryEntryTests {
    typealias B = Books

    static func recovery(_ invoice: String, _ cents: Int64) -> Application {
        Application.recovery(invoiceID: invoice, customerID: "C1", amount: B.m(cents))
    }

    @Test func aRecoveryCreditsTheWriteOffAccountAndMovesNoReceivable() {
        // 20.00 ACH credit paying what was written off of INV-7 (closed): 1050 +20.00, 6900 -20.00 naming INV-7.
        let decision = B.decision(B.achReceipt(2_000), customer: "C1", [Self.recovery("INV-7", 2_000)], rule: .recovery)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.inTransit, 2_000), B.p(B.differences, -2_000, customer: "C1", invoice: "INV-7")])
        #expect(entry.isBalanced)
        // The write-off of the short payment (review: 6900 +20.00, receivables -20.00) and this recovery together leave
        // 6900 at nothing for the invoice.
        let writeOff = ReviewEntries.entry(for: ReviewBooking(exceptionID: "X1", type: "SHORT_PAY", day: B.d("2026-11-02"), customerID: "C1", receiptID: "R-1",
                                                              decision: "write-off", applications: [ReviewApplication(invoiceID: "INV-7", amount: B.m(2_000))],
                                                              amount: B.m(2_000), invoiceIDs: ["INV-7"], seq: 1, note: "agreed"),
                                           invoiceCustomers: ["INV-7": "C1"], unapplied: 0, on: B.d("2026-11-02"))
        let onWriteOffs = (writeOff.postings + entry.postings).filter { $0.account == B.differences && $0.invoiceID == "INV-7" }
        #expect(onWriteOffs.reduce(0) { $0 + $1.amount.minorUnits } == 0)
        let onReceivable = (writeOff.postings + entry.postings).filter { $0.account == B.ar }
        #expect(onReceivable.map(\.amount) == [B.m(-2_000)])
    }

    @Test func aPaymentOfWhatIsOpenAndTheWriteOffPastItSettlesOneAndRecoversTheOther() {
        // 70.00 for INV-7, 50.00 open and 20.00 written off before: 1010 +70.00, receivables -50.00, 6900 -20.00.
        let decision = B.decision(B.statementReceipt(7_000), customer: "C1", [B.application("INV-7", applied: 5_000), Self.recovery("INV-7", 2_000)])
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 7_000), B.p(B.ar, -5_000, customer: "C1", invoice: "INV-7"),
                                   B.p(B.differences, -2_000, customer: "C1", invoice: "INV-7")])
        #expect(entry.isBalanced)
    }

    @Test func aRecoveryBeyondWhichCashIsOverIsKeptAsUnappliedCash() {
        // 30.00 for INV-7 with 20.00 written off: 1050 +30.00, 6900 -20.00, C1's unapplied cash -10.00 (OVER_PAY).
        let decision = B.decision(B.achReceipt(3_000), customer: "C1", [Self.recovery("INV-7", 2_000)], unapplied: 1_000, rule: .recovery)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.inTransit, 3_000), B.p(B.differences, -2_000, customer: "C1", invoice: "INV-7"),
                                   B.p(B.unapplied, -1_000, customer: "C1")])
        #expect(entry.isBalanced)
    }

    @Test func aReturnedRecoveryBooksTheWriteOffAgain() throws {
        // The 20.00 that recovered INV-7's write-off comes back R01: 1050 -20.00, 6900 +20.00; the invoice stays closed.
        let original = ReturnEntryTests.original([ReturnEntryTests.past("INV-7", applied: 2_000, writeOff: -2_000)])
        let entry = try PostingRules.entry(for: Returns.reversal(of: ReturnEntryTests.notice(2_000), original: original), day: B.d("2026-11-06"))
        #expect(entry.postings == [B.p(B.inTransit, -2_000), B.p(B.differences, 2_000, customer: "C1", invoice: "INV-7")])
        #expect(entry.isBalanced)
    }

    @Test func aRecoveryIsItsOwnRowInRemittance() {
        // A decision of the remittance rule paying INV-9 and recovering INV-7: the recovery's row says rule recovery.
        let decision = B.decision(B.statementReceipt(7_000), customer: "C1", [B.application("INV-9", applied: 5_000), Self.recovery("INV-7", 2_000)])
        let rows = DayRows.applicationRows([decision])
        #expect(rows.map(\.rule) == ["remittance", "recovery"])
        #expect(rows.map(\.writeOff) == [B.m(0), B.m(-2_000)])
    }
}
