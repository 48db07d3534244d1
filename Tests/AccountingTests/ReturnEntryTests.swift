import Accounting
import Core
import Matching
import Testing

/// A return's entry (`PostingRules.entry(for: ReturnReversal, day:)`): the original application undone — receivables
/// reopened per invoice, the discount and write-off taken back, unapplied cash released — the money leaving through
/// ACH in transit; suspense when no original is known; nothing under the key when the return is dishonored, the
/// reversal again when the dishonor is contested. Amounts worked out by hand.
@Suite struct ReturnEntryTests {
    typealias B = Books

    static let originalKey = "ach:originated:9876543210:2026-11-02:091000010000001"

    /// The return entry of an originated debit: `cents` unsigned, money going back to the customer.
    static func notice(_ cents: Int64, dishonored: Bool = false, contested: Bool = false, reason: String = "R01") -> ReturnNotice {
        let fact = ACHEntryFact(legacyKey: "", role: .originated, companyID: "9876543210", traceNumber: "091000019999999", receivingDFI: "09100001",
                                amount: B.m(cents), signedAmount: B.m(dishonored ? cents : -cents), effectiveDay: B.d("2026-11-05"),
                                settlementDay: B.d("2026-11-06"), fileName: "returns.ach", location: SourceLocation(file: "returns.ach", line: 5),
                                receiverName: "ACME TOOLS", identificationNumber: "C1", kind: .returned)
        return ReturnNotice(fact: fact, reasonCode: reason, originalTraceNumber: "091000010000001", originalReceivingDFI: "09100001",
                            isDishonored: dishonored, isContested: contested, isReversal: false)
    }

    static func original(_ applications: [PastApplication]) -> OriginalPayment {
        OriginalPayment(sourceKey: originalKey, traceNumber: "091000010000001", customerID: "C1", day: B.d("2026-11-02"), applications: applications)
    }

    static func past(_ invoice: String?, customer: String? = "C1", applied: Int64, discount: Int64 = 0, writeOff: Int64 = 0) -> PastApplication {
        PastApplication(receiptID: "R-1", invoiceID: invoice, customerID: customer, applied: B.m(applied), discount: B.m(discount), writeOff: B.m(writeOff))
    }

    @Test func aReturnReopensTheInvoiceAndTakesTheDiscountBack() throws {
        // The original 980.00 paid INV-1 (1,000.00) with a 20.00 discount. Returned R01:
        // 1050 -980.00 (the money leaves), receivables +1,000.00 (INV-1 open again), discounts allowed -20.00.
        // Check: -980 + 1,000 - 20 = 0.
        // Read on 2026-11-09, settled 2026-11-06: booked on its settlement day, when the money left.
        let reversal = Returns.reversal(of: Self.notice(98_000), original: Self.original([Self.past("INV-1", applied: 98_000, discount: 2_000)]))
        let entry = try PostingRules.entry(for: reversal, day: B.d("2026-11-09"))
        #expect(entry.postings == [B.p(B.inTransit, -98_000), B.p(B.ar, 100_000, customer: "C1", invoice: "INV-1"),
                                   B.p(B.discounts, -2_000, customer: "C1", invoice: "INV-1")])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "return:" + Self.originalKey)
        #expect(entry.effectiveDay == B.d("2026-11-06"))
    }

    @Test func aReturnTakesAWriteOffBack() throws {
        // The original 499.50 paid INV-2 (500.00) with 0.50 written off: 1050 -499.50, receivables +500.00, 6900 -0.50.
        let reversal = Returns.reversal(of: Self.notice(49_950), original: Self.original([Self.past("INV-2", applied: 49_950, writeOff: 50)]))
        let entry = try PostingRules.entry(for: reversal, day: B.d("2026-11-06"))
        #expect(entry.postings == [B.p(B.inTransit, -49_950), B.p(B.ar, 50_000, customer: "C1", invoice: "INV-2"),
                                   B.p(B.differences, -50, customer: "C1", invoice: "INV-2")])
        #expect(entry.isBalanced)
    }

    @Test func aReturnOfAnOverPayReleasesTheUnappliedCashToo() throws {
        // The original 350.00: 300.00 to INV-3 and 50.00 kept as C1's unapplied cash. Returned:
        // 1050 -350.00, receivables +300.00, unapplied cash of C1 +50.00 (no longer owed to them). -350 + 300 + 50 = 0.
        let reversal = Returns.reversal(of: Self.notice(35_000), original: Self.original([Self.past("INV-3", applied: 30_000), Self.past(nil, applied: 5_000)]))
        let entry = try PostingRules.entry(for: reversal, day: B.d("2026-11-06"))
        #expect(entry.postings == [B.p(B.inTransit, -35_000), B.p(B.ar, 30_000, customer: "C1", invoice: "INV-3"), B.p(B.unapplied, 5_000, customer: "C1")])
        #expect(entry.isBalanced)
    }

    @Test func aReturnOfCashHeldInSuspenseTakesItFromSuspense() throws {
        // The original 712.34 was an unknown payer's, held in suspense: the return takes 712.34 back out of suspense.
        let reversal = Returns.reversal(of: Self.notice(71_234), original: Self.original([Self.past(nil, customer: nil, applied: 71_234)]))
        let entry = try PostingRules.entry(for: reversal, day: B.d("2026-11-06"))
        #expect(entry.postings == [B.p(B.inTransit, -71_234), B.p(B.suspense, 71_234)])
        #expect(entry.isBalanced)
    }

    @Test func aReturnOfMoreThanWasAppliedHoldsTheRestInSuspense() throws {
        // The ledger knows 300.00 applied of the original, the return takes 320.00: 20.00 nobody explains waits in suspense.
        // 1050 -320.00, receivables +300.00, suspense +20.00. -320 + 300 + 20 = 0.
        let reversal = Returns.reversal(of: Self.notice(32_000), original: Self.original([Self.past("INV-3", applied: 30_000)]))
        let entry = try PostingRules.entry(for: reversal, day: B.d("2026-11-06"))
        #expect(entry.postings == [B.p(B.inTransit, -32_000), B.p(B.ar, 30_000, customer: "C1", invoice: "INV-3"), B.p(B.suspense, 2_000)])
        #expect(entry.isBalanced)
    }

    @Test func aReturnWithNoOriginalHoldsTheMoneyInSuspense() throws {
        // 150.00 returned for a trace nobody knows: 1050 -150.00, suspense +150.00, keyed by the return entry's own key.
        let reversal = Returns.reversal(of: Self.notice(15_000), original: nil)
        let entry = try PostingRules.entry(for: reversal, day: B.d("2026-11-06"))
        #expect(entry.postings == [B.p(B.inTransit, -15_000), B.p(B.suspense, 15_000)])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "return:ach:originated:9876543210:2026-11-05:091000019999999")
    }

    @Test func aDishonoredReturnWantsNothingUnderTheKey() throws {
        // R69: the originator's bank refuses the return: the reversal is undone, so the key wants no postings at all.
        let reversal = Returns.reversal(of: Self.notice(98_000, dishonored: true, reason: "R69"),
                                        original: Self.original([Self.past("INV-1", applied: 98_000, discount: 2_000)]))
        let entry = try PostingRules.entry(for: reversal, day: B.d("2026-11-09"))
        #expect(entry.postings.isEmpty)
        #expect(entry.sourceKey == "return:" + Self.originalKey)
        #expect(entry.effectiveDay == B.d("2026-11-06"))
    }

    @Test func aContestedDishonorWantsTheReversalAgain() throws {
        // R71: the receiving bank contests the dishonor; the return stands: the same postings as the plain return, same key.
        let original = Self.original([Self.past("INV-1", applied: 98_000, discount: 2_000)])
        let contested = try PostingRules.entry(for: Returns.reversal(of: Self.notice(98_000, contested: true, reason: "R71"), original: original), day: B.d("2026-11-10"))
        #expect(contested.postings == [B.p(B.inTransit, -98_000), B.p(B.ar, 100_000, customer: "C1", invoice: "INV-1"),
                                       B.p(B.discounts, -2_000, customer: "C1", invoice: "INV-1")])
        #expect(contested.sourceKey == "return:" + Self.originalKey)
        #expect(contested.isBalanced)
    }

    @Test func aReturnOfAPaymentOfSeveralInvoices() throws {
        // The original 1,477.30 paid INV-1 (980.00 + 20.00 discount) and INV-2 (497.30 + 2.70 written off). Returned R10:
        // 1050 -1,477.30; INV-1 +1,000.00, 4900 -20.00; INV-2 +500.00, 6900 -2.70. -1,477.30 + 1,500.00 - 22.70 = 0.
        let original = Self.original([Self.past("INV-1", applied: 98_000, discount: 2_000), Self.past("INV-2", applied: 49_730, writeOff: 270)])
        let entry = try PostingRules.entry(for: Returns.reversal(of: Self.notice(147_730, reason: "R10"), original: original), day: B.d("2026-11-06"))
        #expect(entry.postings == [B.p(B.inTransit, -147_730),
                                   B.p(B.ar, 100_000, customer: "C1", invoice: "INV-1"), B.p(B.discounts, -2_000, customer: "C1", invoice: "INV-1"),
                                   B.p(B.ar, 50_000, customer: "C1", invoice: "INV-2"), B.p(B.differences, -270, customer: "C1", invoice: "INV-2")])
        #expect(entry.isBalanced)
    }
}
