import Accounting
import Core
import Matching
import Testing

/// The entry of a reviewer's decision (`ReviewEntries.entry(for:invoiceCustomers:unapplied:on:)`), under
/// `review:<exception id>` on the day of the run that books it: cash held (unapplied cash of the customer, or suspense) to the
/// invoices named, a short amount written off, unapplied cash refunded; `unapplied`, `ignore` and a reopened exception
/// post nothing. Amounts worked out by hand.
@Suite struct ReviewEntryTests {
    typealias B = Books

    static func booking(_ decision: String, type: ExceptionType = .unmatched, customer: String = "C1", amount: Int64? = 50_000,
                        _ applications: [(String, Int64)] = []) -> ReviewBooking {
        ReviewBooking(exceptionID: "X0011223344556677", type: type.rawValue, day: B.d("2026-11-02"), customerID: customer, receiptID: "R-1", decision: decision,
                      applications: applications.map { ReviewApplication(invoiceID: $0.0, amount: B.m($0.1)) }, amount: amount.map(B.m),
                      invoiceIDs: applications.map(\.0), seq: 1, note: "called the customer")
    }

    @Test func applyMovesTheCustomersUnappliedCashToTheInvoices() {
        // 500.00 held for C1; the reviewer applies 400.00 to INV-1 and 100.00 to INV-2:
        // 2100 C1 +400.00, INV-1 -400.00, 2100 C1 +100.00, INV-2 -100.00.
        let booking = Self.booking("apply", [("INV-1", 40_000), ("INV-2", 10_000)])
        // Decided on an exception of the 2nd, booked by the run of the 4th: effective on the 4th.
        let entry = ReviewEntries.entry(for: booking, invoiceCustomers: ["INV-1": "C1", "INV-2": "C1"], unapplied: 50_000, on: B.d("2026-11-04"))
        #expect(entry.postings == [B.p(B.unapplied, 40_000, customer: "C1"), B.p(B.ar, -40_000, customer: "C1", invoice: "INV-1"),
                                   B.p(B.unapplied, 10_000, customer: "C1"), B.p(B.ar, -10_000, customer: "C1", invoice: "INV-2")])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "review:X0011223344556677")
        #expect(entry.effectiveDay == B.d("2026-11-04"))
    }

    @Test func applyToAnotherCustomersInvoiceSettlesItOnItsOwner() {
        // C1's 250.00 applied to INV-9, an invoice of C2 (a parent paying, say): C1's unapplied cash +250.00, C2's INV-9 -250.00.
        let booking = Self.booking("apply", amount: 25_000, [("INV-9", 25_000)])
        let entry = ReviewEntries.entry(for: booking, invoiceCustomers: ["INV-9": "C2"], unapplied: 25_000, on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.unapplied, 25_000, customer: "C1"), B.p(B.ar, -25_000, customer: "C2", invoice: "INV-9")])
        #expect(entry.isBalanced)
    }

    @Test func applyingAnUnknownPayersCashTakesItFromSuspense() {
        // UNKNOWN_CUSTOMER: 712.34 in suspense; the reviewer names C3 and applies it to INV-4 (C3's).
        // Suspense +712.34 (on C3, as the booking names it), INV-4 -712.34.
        let booking = Self.booking("apply", type: .unknownCustomer, customer: "C3", amount: 71_234, [("INV-4", 71_234)])
        let entry = ReviewEntries.entry(for: booking, invoiceCustomers: ["INV-4": "C3"], unapplied: 71_234, on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.suspense, 71_234, customer: "C3"), B.p(B.ar, -71_234, customer: "C3", invoice: "INV-4")])
        #expect(entry.isBalanced)
        // With no customer at all: suspense with no customer, the invoice on its owner.
        let nobody = ReviewEntries.entry(for: Self.booking("apply", type: .unmatched, customer: "", amount: 71_234, [("INV-4", 71_234)]),
                                         invoiceCustomers: ["INV-4": "C3"], unapplied: 71_234, on: B.d("2026-11-02"))
        #expect(nobody.postings == [B.p(B.suspense, 71_234), B.p(B.ar, -71_234, customer: "C3", invoice: "INV-4")])
    }

    @Test func writeOffTakesTheShortAmountToPaymentDifferences() {
        // SHORT_PAY of 15.00 on INV-1 written off: 6900 +15.00, INV-1 -15.00, both on the invoice's owner.
        let booking = Self.booking("write-off", type: .shortPay, amount: 1_500, [("INV-1", 1_500)])
        let entry = ReviewEntries.entry(for: booking, invoiceCustomers: ["INV-1": "C1"], unapplied: 0, on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.differences, 1_500, customer: "C1", invoice: "INV-1"), B.p(B.ar, -1_500, customer: "C1", invoice: "INV-1")])
        #expect(entry.isBalanced)
        // C1's short payment on INV-9, an invoice of C2: 8.25 written off on C2, the invoice's owner.
        let other = ReviewEntries.entry(for: Self.booking("write-off", type: .shortPay, amount: 825, [("INV-9", 825)]), invoiceCustomers: ["INV-9": "C2"], unapplied: 0, on: B.d("2026-11-02"))
        #expect(other.postings == [B.p(B.differences, 825, customer: "C2", invoice: "INV-9"), B.p(B.ar, -825, customer: "C2", invoice: "INV-9")])
    }

    @Test func refundPaysOutWhatIsStillUnapplied() {
        // OVER_PAY: 50.00 of C1's cash still unapplied, refunded: 2100 C1 +50.00, refunds payable -50.00.
        let booking = Self.booking("refund", type: .overPay, amount: 5_000)
        let entry = ReviewEntries.entry(for: booking, invoiceCustomers: [:], unapplied: 5_000, on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.unapplied, 5_000, customer: "C1"), B.p(B.refunds, -5_000, customer: "C1")])
        #expect(entry.isBalanced)
        // Only what is still held: 30.00 of the 50.00 applied since, 20.00 refunded.
        let rest = ReviewEntries.entry(for: booking, invoiceCustomers: [:], unapplied: 2_000, on: B.d("2026-11-02"))
        #expect(rest.postings == [B.p(B.unapplied, 2_000, customer: "C1"), B.p(B.refunds, -2_000, customer: "C1")])
        // Nothing held any more: nothing to refund.
        #expect(ReviewEntries.entry(for: booking, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-02")).postings.isEmpty)
    }

    @Test func unappliedAndIgnorePostNothing() {
        for decision in ["unapplied", "ignore"] {
            let entry = ReviewEntries.entry(for: Self.booking(decision, [("INV-1", 40_000)]), invoiceCustomers: ["INV-1": "C1"], unapplied: 50_000, on: B.d("2026-11-02"))
            #expect(entry.postings.isEmpty, "\(decision)")
            #expect(entry.sourceKey == "review:X0011223344556677")
        }
    }

    @Test func aReopenedExceptionWantsNothingUnderTheKey() {
        // Decision empty: reopened; what the earlier decision booked is reversed by wanting nothing.
        let entry = ReviewEntries.entry(for: Self.booking("", [("INV-1", 40_000)]), invoiceCustomers: ["INV-1": "C1"], unapplied: 50_000, on: B.d("2026-11-02"))
        #expect(entry.postings.isEmpty)
        #expect(entry.sourceKey == "review:X0011223344556677")
    }

    @Test func everyDecisionKindIsCovered() {
        // The kinds the tests above book; a new kind needs a test of its own.
        #expect(Set(ReviewDecisionKind.allCases.map(\.rawValue)) == ["apply", "write-off", "refund", "unapplied", "ignore", "post-to", "settled-by", "reverse"])
    }

    @Test func aBookedDecisionsRowsShowWhereTheMoneyWentAndAddUpToWhatMoved() throws {
        // 500.00 unapplied, applied 400.00 to INV-1 and 100.00 to INV-2 by ana: the receipt's cash leaves unapplied
        // (-500.00, rule unapplied) and reaches each invoice (rule review); the rows add up to 0.00, what moved in cash.
        var booking = Self.booking("apply", [("INV-1", 40_000), ("INV-2", 10_000)])
        booking.decidedBy = "ana"
        let rows = try ReviewEntries.applicationRows(for: booking, invoiceCustomers: ["INV-1": "C1", "INV-2": "C1"], unapplied: 50_000, on: B.d("2026-11-04"))
        #expect(rows.map(\.rule) == ["unapplied", "review", "review"])
        #expect(rows.map(\.invoiceID) == [nil, "INV-1", "INV-2"])
        #expect(rows.map(\.applied) == [B.m(-50_000), B.m(40_000), B.m(10_000)])
        #expect(rows.allSatisfy { $0.sourceKey == "review:X0011223344556677" && $0.customerID == "C1" && $0.evidence.hasPrefix("decided by ana") })
        // A write-off: no cash, 8.25 written off INV-9. A refund of 50.00 unapplied: -50.00 leaves. Ignore: nothing.
        let writeOff = try ReviewEntries.applicationRows(for: Self.booking("write-off", type: .shortPay, amount: 825, [("INV-9", 825)]), invoiceCustomers: ["INV-9": "C1"],
                                                         unapplied: 0, on: B.d("2026-11-04"))
        #expect(writeOff.map(\.writeOff) == [B.m(825)] && writeOff.map(\.applied) == [B.m(0)])
        let refund = try ReviewEntries.applicationRows(for: Self.booking("refund", amount: 5_000), invoiceCustomers: [:], unapplied: 5_000, on: B.d("2026-11-04"))
        #expect(refund.map(\.applied) == [B.m(-5_000)] && refund.map(\.invoiceID) == [nil])
        #expect(try ReviewEntries.applicationRows(for: Self.booking("ignore"), invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-04")).isEmpty)
    }

    @Test func aDecisionTheBooksNoLongerAllowIsNotBooked() {
        let day = B.d("2026-11-04")
        // 400.00 to INV-1 decided; INV-1 had 150.00 open before the day: refused, naming both amounts.
        let booking = Self.booking("apply", [("INV-1", 40_000)])
        #expect(ReviewEntries.booking(booking, open: ["INV-1": B.m(15_000)], paidToday: [:], unapplied: 50_000, on: day)
                    == .refused("invoice INV-1 has 150.00 open now, less than the 400.00 decided"))
        #expect(ReviewEntries.booking(booking, open: [:], paidToday: [:], unapplied: 50_000, on: day) == .refused("invoice INV-1 is no longer in the ledger"))
        // 400.00 open before the day, 300.00 of it paid by the day's own cash: 100.00 left, refused.
        #expect(ReviewEntries.booking(booking, open: ["INV-1": B.m(40_000)], paidToday: ["INV-1": 30_000], unapplied: 50_000, on: day)
                    == .refused("invoice INV-1 has 100.00 open now, less than the 400.00 decided"))
        // The receipt returned meanwhile: 0.00 unapplied.
        #expect(ReviewEntries.booking(booking, open: ["INV-1": B.m(40_000)], paidToday: [:], unapplied: 0, on: day)
                    == .refused("the receipt has 0.00 unapplied now, less than the 400.00 decided"))
        #expect(ReviewEntries.booking(booking, open: ["INV-1": B.m(40_000)], paidToday: [:], unapplied: 40_000, on: day) == .book(booking))
        // Booked before (a rerun of its day): the books already hold it, nothing to check.
        var again = booking
        again.bookedBefore = true
        #expect(ReviewEntries.booking(again, open: ["INV-1": B.m(0)], paidToday: [:], unapplied: 0, on: day) == .book(again))
    }

    @Test func aWriteOffOfWhatWasPaidMeanwhileIsSettledNotBooked() {
        let day = B.d("2026-11-03")
        // 20.00 short on INV-7, written off; the day's cash pays the 20.00: nothing to write off, settle resolves it.
        let writeOff = Self.booking("write-off", type: .shortPay, amount: 2_000, [("INV-7", 2_000)])
        #expect(ReviewEntries.booking(writeOff, open: ["INV-7": B.m(2_000)], paidToday: ["INV-7": 2_000], unapplied: 0, on: day)
                    == .settled("the rest of the short payment was paid by 2026-11-03: INV-7 has nothing open to write off"))
        // 12.50 of the 20.00 paid: the 7.50 still open is written off.
        var rest = writeOff
        rest.applications = [ReviewApplication(invoiceID: "INV-7", amount: B.m(750))]
        #expect(ReviewEntries.booking(writeOff, open: ["INV-7": B.m(2_000)], paidToday: ["INV-7": 1_250], unapplied: 0, on: day) == .book(rest))
        // Nothing paid: written off as decided.
        #expect(ReviewEntries.booking(writeOff, open: ["INV-7": B.m(2_000)], paidToday: [:], unapplied: 0, on: day) == .book(writeOff))
    }

    @Test func postToMovesAnUnexplainedLineOutOfSuspenseAndCorrectsABankDifference() throws {
        // An unexplained debit of 312.18 waits in suspense (+312.18): posted to 6500, 6500 +312.18 and suspense -312.18.
        var line = Self.booking("post-to", type: .unexplainedBankLine, customer: "", amount: -31_218, [("6500", 31_218)])
        line.sourceRef = "D1102009"
        let moved = ReviewEntries.entry(for: line, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-03"))
        #expect(moved.postings == [B.p("6500", 31_218), B.p(B.suspense, -31_218)])
        #expect(moved.isBalanced && moved.effectiveDay == B.d("2026-11-03"))
        // The books 45.00 over the bank on cash account 1010 (books less bank +45.00): 1010 -45.00, 6900 +45.00.
        var difference = Self.booking("post-to", type: .bankDifference, customer: "", amount: 4_500, [("6900", 4_500)])
        difference.sourceRef = "1010:USD"
        let corrected = ReviewEntries.entry(for: difference, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-03"))
        #expect(corrected.postings == [B.p("6900", 4_500), B.p(B.cash, -4_500)])
        #expect(corrected.isBalanced)
        #expect(try ReviewEntries.applicationRows(for: difference, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-03")).isEmpty)
    }

    @Test func anUnsettledBatchWrittenOffLeavesACHInTransit() throws {
        // A received batch of 2,500.00 that never reached the bank waits in 1050 (+2,500.00): 6900 +2,500.00, 1050 -2,500.00.
        let batch = Self.booking("write-off", type: .unsettledBatch, customer: "", amount: 250_000, [("1050", 250_000)])
        let entry = ReviewEntries.entry(for: batch, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-09"))
        #expect(entry.postings == [B.p(B.differences, 250_000), B.p(B.inTransit, -250_000)])
        #expect(entry.isBalanced)
        #expect(try ReviewEntries.applicationRows(for: batch, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-09")).isEmpty)
        #expect(ReviewEntries.booking(batch, open: [:], paidToday: [:], unapplied: 0, on: B.d("2026-11-09")) == .book(batch))
    }

    @Test func aReturnedReceiptOrASettledBatchIsNotBooked() {
        let day = B.d("2026-11-05")
        // The receipt of an apply or a refund returned on the 4th: refused, naming the day. A return after the booking day counts nothing.
        let apply = Self.booking("apply", [("INV-1", 40_000)])
        #expect(ReviewEntries.booking(apply, open: ["INV-1": B.m(40_000)], paidToday: [:], unapplied: 50_000, on: day, returnedOn: B.d("2026-11-04"))
                    == .refused("the receipt was returned on 2026-11-04"))
        #expect(ReviewEntries.booking(apply, open: ["INV-1": B.m(40_000)], paidToday: [:], unapplied: 50_000, on: day, returnedOn: B.d("2026-11-06")) == .book(apply))
        let refund = Self.booking("refund", amount: 5_000)
        #expect(ReviewEntries.booking(refund, open: [:], paidToday: [:], unapplied: 5_000, on: day, returnedOn: B.d("2026-11-04"))
                    == .refused("the receipt was returned on 2026-11-04"))
        #expect(ReviewEntries.booking(refund, open: [:], paidToday: [:], unapplied: 5_000, on: day) == .book(refund))
        // A batch written off that a line settled first: nothing to write off.
        let batch = Self.booking("write-off", type: .unsettledBatch, customer: "", amount: 250_000, [("1050", 250_000)])
        #expect(ReviewEntries.booking(batch, open: [:], paidToday: [:], unapplied: 0, on: day, batchUnsettled: false)
                    == .settled("a statement line settled the batch by 2026-11-05: nothing to write off"))
        // A rerun of the day that booked it books it again: the batch it closed then counts nothing against it.
        var again = batch
        again.bookedBefore = true
        #expect(ReviewEntries.booking(again, open: [:], paidToday: [:], unapplied: 0, on: day, batchUnsettled: false) == .book(again))
    }

    static func row(_ receipt: String, key: String, invoice: String? = nil, customer: String? = nil, _ cents: Int64, discount: Int64 = 0,
                    rule: String = "unapplied") -> ApplicationRow {
        ApplicationRow(receiptID: receipt, sourceKey: key, invoiceID: invoice, customerID: customer, applied: B.m(cents), discount: B.m(discount), writeOff: B.m(0),
                       rule: rule, confidence: 100, source: "bai2", sourceRef: "W1")
    }

    @Test func aBatchSettledByALineTakesTheLinesCreditOutOfSuspenseAgainstACHInTransit() throws {
        // GALAXY's 2,500.00 waits in 1050 (+2,500.00); the wire R-L of 2,500.00 from nobody known waits in suspense
        // (-2,500.00). Settled by it: suspense +2,500.00, 1050 -2,500.00: the bank's 2,500.00 counted once.
        var batch = Self.booking("settled-by", type: .unsettledBatch, customer: "", amount: 250_000, [("R-L", 250_000)])
        batch.decidedBy = "ana"
        let line = [Self.row("R-L", key: "stmt:1", 250_000)]
        let entry = ReviewEntries.entry(for: batch, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-09"), moved: ReviewEntries.standing(line))
        #expect(entry.postings == [B.p(B.suspense, 250_000), B.p(B.inTransit, -250_000)])
        #expect(entry.isBalanced)
        // The line's cash leaves suspense: a negative unapplied row on the line's receipt, under the decision's key, by ana.
        let rows = try ReviewEntries.applicationRows(for: batch, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-09"), moved: ReviewEntries.standing(line))
        #expect(rows.map(\.receiptID) == ["R-L"] && rows.map(\.applied) == [B.m(-250_000)] && rows.map(\.rule) == ["unapplied"])
        #expect(rows.map(\.sourceKey) == ["review:X0011223344556677"] && rows.map(\.decidedBy) == ["ana"] && rows.map(\.invoiceID) == [nil])
        // Held as C1's unapplied cash instead: 2100 C1 +2,500.00.
        let held = ReviewEntries.entry(for: batch, invoiceCustomers: [:], unapplied: 0, on: B.d("2026-11-09"), moved: [Self.row("R-L", key: "stmt:1", customer: "C1", 250_000)])
        #expect(held.postings == [B.p(B.unapplied, 250_000, customer: "C1"), B.p(B.inTransit, -250_000)])
    }

    @Test func aBatchReversedUndoesItsReceiptsApplicationsOutOfACHInTransit() throws {
        // R-1 paid INV-1 (C1) 1,900.00 and took a 100.00 discount; R-2's 500.00 waits in suspense: the batch's 2,400.00.
        // Reversed: INV-1 +2,000.00 (open again), discounts -100.00, suspense +500.00, 1050 -2,400.00.
        let batch = Self.booking("reverse", type: .unsettledBatch, customer: "", amount: 240_000, [("1050", 240_000)])
        let moved = ReviewEntries.standing([Self.row("R-1", key: "ach:1", invoice: "INV-1", customer: "C1", 190_000, discount: 10_000, rule: "remittance"),
                                            Self.row("R-2", key: "ach:2", 50_000)])
        let entry = ReviewEntries.entry(for: batch, invoiceCustomers: ["INV-1": "C1"], unapplied: 0, on: B.d("2026-11-09"), moved: moved)
        #expect(entry.postings == [B.p(B.ar, 200_000, customer: "C1", invoice: "INV-1"), B.p(B.discounts, -10_000, customer: "C1", invoice: "INV-1"),
                                   B.p(B.suspense, 50_000), B.p(B.inTransit, -240_000)])
        #expect(entry.isBalanced)
        // Each row undone: INV-1 -1,900.00 cash and -100.00 discount (rule review), R-2's suspense -500.00 (rule unapplied).
        let rows = try ReviewEntries.applicationRows(for: batch, invoiceCustomers: ["INV-1": "C1"], unapplied: 0, on: B.d("2026-11-09"), moved: moved)
        #expect(rows.map(\.applied) == [B.m(-190_000), B.m(-50_000)] && rows.map(\.discount) == [B.m(-10_000), B.m(0)])
        #expect(rows.map(\.rule) == ["review", "unapplied"] && rows.map(\.invoiceID) == ["INV-1", nil])
    }

    @Test func standingNetsEveryDaysRowsOfAReceipt() {
        // R-1's 500.00 kept unapplied on the 2nd, applied to INV-2 by a decision on the 4th: it stands on INV-2 alone.
        let rows = [Self.row("R-1", key: "ach:1", customer: "C1", 50_000), Self.row("R-1", key: "review:X", customer: "C1", -50_000),
                    Self.row("R-1", key: "review:X", invoice: "INV-2", customer: "C1", 50_000, rule: "review")]
        #expect(ReviewEntries.standing(rows).map(\.invoiceID) == ["INV-2"])
        #expect(ReviewEntries.standing(rows).map(\.applied) == [B.m(50_000)])
    }

    @Test func aBatchDecisionIsCheckedAgainWhenBooked() {
        let day = B.d("2026-11-09")
        let line = Self.booking("settled-by", type: .unsettledBatch, customer: "", amount: 250_000, [("R-L", 250_000)])
        let waiting = BatchBookingFacts(rows: [Self.row("R-L", key: "stmt:1", 250_000)])
        #expect(ReviewEntries.booking(line, open: [:], paidToday: [:], unapplied: 0, on: day, batch: waiting) == .book(line))
        // A line of a later statement settled the batch first: the line named is not needed.
        #expect(ReviewEntries.booking(line, open: [:], paidToday: [:], unapplied: 0, on: day, batchUnsettled: false, batch: waiting)
                    == .settled("a statement line settled the batch by 2026-11-09: the line named is not needed"))
        // The line settled another batch first, or its cash went elsewhere meanwhile: not booked, reopened with the reason.
        #expect(ReviewEntries.booking(line, open: [:], paidToday: [:], unapplied: 0, on: day, batch: BatchBookingFacts(rows: waiting.rows, lineTakenBy: "X2"))
                    == .refused("the line R-L settled the batch of X2 first"))
        let spent = BatchBookingFacts(rows: waiting.rows + [Self.row("R-L", key: "review:X9", -250_000), Self.row("R-L", key: "review:X9", invoice: "INV-1", 250_000)])
        #expect(ReviewEntries.booking(line, open: [:], paidToday: [:], unapplied: 0, on: day, batch: spent)
                    == .refused("the line R-L has 0.00 unapplied or in suspense now, less than the batch's 2500.00"))
        // A reversal whose receipts no longer hold the batch's amount (one returned since).
        let reverse = Self.booking("reverse", type: .unsettledBatch, customer: "", amount: 250_000, [("1050", 250_000)])
        let returned = BatchBookingFacts(rows: [Self.row("R-1", key: "ach:1", 250_000), Self.row("R-1", key: "return:ach:1", -250_000, rule: "return")])
        guard case let .refused(why) = ReviewEntries.booking(reverse, open: [:], paidToday: [:], unapplied: 0, on: day, batch: returned) else {
            Issue.record("a reversal of receipts returned since was booked")
            return
        }
        #expect(why.contains("hold 0.00 now, not the batch's 2500.00"))
        // An apply or a refund of a receipt whose batch has not reached the bank.
        let apply = Self.booking("apply", [("INV-1", 40_000)])
        #expect(ReviewEntries.booking(apply, open: ["INV-1": B.m(40_000)], paidToday: [:], unapplied: 50_000, on: day, batch: BatchBookingFacts(unsettledBatch: "XB"))
                    == .refused("its ACH batch has not reached the bank (UNSETTLED_BATCH XB)"))
    }
}
