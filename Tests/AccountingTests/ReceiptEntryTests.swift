import Accounting
import Core
import Matching
import Testing

/// A receipt's entry (`PostingRules.entry(for:cashAccounts:)`): cash in, receivables settled per invoice, discount and
/// write-off to their accounts, the rest to unapplied cash or suspense. Amounts worked out by hand.
@Suite struct ReceiptEntryTests {
    typealias B = Books

    @Test func aStatementCreditFullyAppliedGoesStraightToTheCashAccount() {
        // 1,250.00 wire paying INV-1 (open 1,250.00) in full: cash 1010 +1,250.00, receivables -1,250.00.
        let receipt = B.statementReceipt(125_000)
        let entry = PostingRules.entry(for: B.decision(receipt, customer: "C1", [B.application("INV-1", applied: 125_000)]), cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 125_000), B.p(B.ar, -125_000, customer: "C1", invoice: "INV-1")])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "stmt:4471002233:WIRE-1")
        #expect(entry.effectiveDay == B.d("2026-11-02"))
    }

    @Test func aStatementCreditIsBookedOnItsBookingDayNotItsValueDay() {
        // Value day 2026-10-30 (a Friday), booked by the bank on Monday 2026-11-02: the bank's balance moves on the 2nd.
        let receipt = B.statementReceipt(40_000, valueDay: "2026-10-30", bookingDay: "2026-11-02")
        let entry = PostingRules.entry(for: B.decision(receipt, customer: "C1", [B.application("INV-1", applied: 40_000)]), cashAccounts: B.book())
        #expect(entry.effectiveDay == B.d("2026-11-02"))
    }

    @Test func anACHReceiptGoesThroughACHInTransitOnItsValueDay() {
        // 980.00 ACH credit for INV-1 (open 980.00): 1050 +980.00 (not the bank's cash until the statement shows the batch).
        let receipt = B.achReceipt(98_000, effective: "2026-11-03")
        let entry = PostingRules.entry(for: B.decision(receipt, customer: "C1", [B.application("INV-1", applied: 98_000)]), cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.inTransit, 98_000), B.p(B.ar, -98_000, customer: "C1", invoice: "INV-1")])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "ach:received:1234567890:2026-11-03:091000010000001")
        #expect(entry.effectiveDay == B.d("2026-11-03"))
    }

    @Test func anACHReceiptUnderALegacyKeyKeepsItsOldRuleCashStraightToTheBank() {
        // An entry an older ledger posted as `ach:<file sha-256>:<batch>:<trace>`: 300.00 straight to 1010, as it was then.
        let legacyKey = "ach:" + String(repeating: "ab", count: 32) + ":1:091000010000001"
        let receipt = Receipt(id: "R-legacy", source: .nacha, sourceRef: "091000010000001", sourceKey: legacyKey, valueDay: B.d("2026-11-02"), amount: B.m(30_000),
                              bankAccount: B.bankAccount, location: SourceLocation(file: "day.ach", line: 3))
        let entry = PostingRules.entry(for: B.decision(receipt, customer: "C1", [B.application("INV-1", applied: 30_000)]), cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 30_000), B.p(B.ar, -30_000, customer: "C1", invoice: "INV-1")])
    }

    @Test func anEarlyPaymentDiscountSettlesTheInvoiceWithLessCash() {
        // 1,000.00 invoice, 2% discount = 20.00, cash 980.00: receivables fall by 1,000.00, discounts allowed +20.00.
        let receipt = B.statementReceipt(98_000)
        let decision = B.decision(receipt, customer: "C1", [B.application("INV-1", applied: 98_000, discount: 2_000)], rule: .discountAmount)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 98_000), B.p(B.ar, -100_000, customer: "C1", invoice: "INV-1"),
                                   B.p(B.discounts, 2_000, customer: "C1", invoice: "INV-1")])
        #expect(entry.isBalanced)
    }

    @Test func aShortPayWithinToleranceIsWrittenOffToPaymentDifferences() {
        // 500.00 invoice paid 499.50, 0.50 under the 1.00 tolerance: receivables -500.00, payment differences +0.50.
        let receipt = B.statementReceipt(49_950)
        let decision = B.decision(receipt, customer: "C1", [B.application("INV-2", applied: 49_950, writeOff: 50)], rule: .tolerance)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 49_950), B.p(B.ar, -50_000, customer: "C1", invoice: "INV-2"),
                                   B.p(B.differences, 50, customer: "C1", invoice: "INV-2")])
        #expect(entry.isBalanced)
    }

    @Test func aShortPayAboveToleranceLeavesTheRestOpen() {
        // 500.00 invoice paid 450.00, short 50.00 raised for a person (no write-off): receivables fall by the 450.00 paid only.
        let receipt = B.statementReceipt(45_000)
        let decision = B.decision(receipt, customer: "C1", [B.application("INV-2", applied: 45_000)], rule: .shortPay)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 45_000), B.p(B.ar, -45_000, customer: "C1", invoice: "INV-2")])
        #expect(entry.isBalanced)
    }

    @Test func anOverPayLeavesTheRestAsTheCustomersUnappliedCash() {
        // 350.00 received for INV-3 (open 300.00): receivables -300.00, unapplied cash of C1 -50.00 (a credit: owed to them).
        let receipt = B.statementReceipt(35_000)
        let decision = B.decision(receipt, customer: "C1", [B.application("INV-3", applied: 30_000)], unapplied: 5_000, rule: .overPay)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 35_000), B.p(B.ar, -30_000, customer: "C1", invoice: "INV-3"), B.p(B.unapplied, -5_000, customer: "C1")])
        #expect(entry.isBalanced)
    }

    @Test func anUnknownPayersCashWaitsInSuspense() {
        // 712.34 from a payer no customer matches: cash +712.34, suspense -712.34, no customer.
        let receipt = B.statementReceipt(71_234)
        let decision = B.decision(receipt, customer: nil, [], unapplied: 71_234, rule: .unapplied)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 71_234), B.p(B.suspense, -71_234)])
        #expect(entry.isBalanced)
    }

    @Test func aKnownCustomersUnmatchedCashIsTheirUnappliedCash() {
        // 200.00 from C1 naming nothing that fits: all 200.00 to C1's unapplied cash.
        let decision = B.decision(B.statementReceipt(20_000), customer: "C1", [], unapplied: 20_000, rule: .unapplied)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 20_000), B.p(B.unapplied, -20_000, customer: "C1")])
    }

    @Test func aDebitToTheAccountGoesToSuspenseEvenWithACustomer() {
        // A 125.00 debit (money out) that names C1: cash -125.00, suspense +125.00 on C1 — never C1's unapplied cash.
        let decision = B.decision(B.statementReceipt(-12_500), customer: "C1", [], unapplied: -12_500, rule: .unapplied)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, -12_500), B.p(B.suspense, 12_500, customer: "C1")])
        #expect(entry.isBalanced)
    }

    @Test func aCreditMemoTakenInTheRemittanceIsANegativeApplication() {
        // INV-1 1,000.00 less credit memo CM-1 of 200.00: the customer sends 800.00.
        // Receivables: INV-1 -1,000.00 (settled), CM-1 +200.00 (its credit used up); cash +800.00. 800 - 1000 + 200 = 0.
        let decision = B.decision(B.statementReceipt(80_000), customer: "C1",
                                  [B.application("CM-1", applied: -20_000), B.application("INV-1", applied: 100_000)])
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 80_000), B.p(B.ar, 20_000, customer: "C1", invoice: "CM-1"), B.p(B.ar, -100_000, customer: "C1", invoice: "INV-1")])
        #expect(entry.isBalanced)
    }

    @Test func aReceiptPayingSeveralInvoicesWithDiscountAndWriteOff() {
        // 1,477.30 for INV-1 (1,000.00, 2% = 20.00 discount, cash 980.00) and INV-2 (500.00, paid 497.30, 2.70 written off).
        // Cash 980.00 + 497.30 = 1,477.30; receivables -1,000.00 and -500.00; 4900 +20.00; 6900 +2.70.
        // Check: 1,477.30 - 1,500.00 + 20.00 + 2.70 = 0.
        let decision = B.decision(B.statementReceipt(147_730), customer: "C1",
                                  [B.application("INV-1", applied: 98_000, discount: 2_000), B.application("INV-2", applied: 49_730, writeOff: 270)], rule: .combination)
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 147_730),
                                   B.p(B.ar, -100_000, customer: "C1", invoice: "INV-1"), B.p(B.discounts, 2_000, customer: "C1", invoice: "INV-1"),
                                   B.p(B.ar, -50_000, customer: "C1", invoice: "INV-2"), B.p(B.differences, 270, customer: "C1", invoice: "INV-2")])
        #expect(entry.isBalanced)
    }

    @Test func aParentPayingItsSubsidiarysInvoiceSettlesItOnTheSubsidiary() {
        // P1 pays 600.00 of INV-7, an invoice of its subsidiary C7: the receivable posting is C7's.
        let decision = B.decision(B.statementReceipt(60_000), customer: "P1", [B.application("INV-7", customer: "C7", applied: 60_000)])
        let entry = PostingRules.entry(for: decision, cashAccounts: B.book())
        #expect(entry.postings == [B.p(B.cash, 60_000), B.p(B.ar, -60_000, customer: "C7", invoice: "INV-7")])
    }
}
