import Accounting
import Core
import Receivables
import Testing

/// What the ERP's invoices post: open amounts of invoices first seen, ERP adjustments of an invoice or a credit memo,
/// and a memo the ERP applied to an invoice. Amounts worked out by hand.
@Suite struct InvoiceEntryTests {
    typealias B = Books

    @Test func invoicesFirstSeenOpenAgainstOpeningBalancesOneEntryPerEffectiveDay() throws {
        // Run day 2026-11-02. INV-1 1,000.00 and INV-2 250.00 issued 2026-10-01; CM-1 a credit memo of -200.00 issued
        // 2026-10-15; INV-3 400.00 dated 2026-11-05 (later than the run day: opened on the run day); INV-0 with nothing open.
        let invoices = [B.invoice("INV-2", amount: 25_000), B.invoice("INV-1", amount: 100_000), B.invoice("CM-1", "C2", amount: -20_000, issued: "2026-10-15"),
                        B.invoice("INV-3", amount: 40_000, issued: "2026-11-05"), B.invoice("INV-0", amount: 10_000, open: 0)]
        let entries = try PostingRules.openingEntries(for: invoices, on: B.d("2026-11-02"))
        #expect(entries.map(\.sourceKey) == ["invoices:2026-11-02:opening:2026-10-01", "invoices:2026-11-02:opening:2026-10-15",
                                             "invoices:2026-11-02:opening:2026-11-02"])
        #expect(entries.map(\.effectiveDay) == [B.d("2026-10-01"), B.d("2026-10-15"), B.d("2026-11-02")])
        // 2026-10-01: 1,000.00 + 250.00 = 1,250.00 against opening balances, by invoice id.
        #expect(entries.first?.postings == [B.p(B.ar, 100_000, customer: "C1", invoice: "INV-1"), B.p(B.ar, 25_000, customer: "C1", invoice: "INV-2"),
                                            B.p(B.opening, -125_000)])
        // The memo's credit: receivables -200.00, opening balances +200.00.
        #expect(entries.dropFirst().first?.postings == [B.p(B.ar, -20_000, customer: "C2", invoice: "CM-1"), B.p(B.opening, 20_000)])
        #expect(entries.last?.postings == [B.p(B.ar, 40_000, customer: "C1", invoice: "INV-3"), B.p(B.opening, -40_000)])
        #expect(entries.allSatisfy { $0.isBalanced })
        // A partly paid invoice opens with what is open: 750.00 of its 1,000.00.
        let partly = try PostingRules.openingEntries(for: [B.invoice("INV-8", amount: 100_000, open: 75_000)], on: B.d("2026-11-02"))
        #expect(partly.first?.postings == [B.p(B.ar, 75_000, customer: "C1", invoice: "INV-8"), B.p(B.opening, -75_000)])
    }

    @Test func anInvoiceOpenedSinglyAsOlderLedgersDid() {
        // invoice:<id>:opening, 1,000.00: receivables +1,000.00 and opening balances -1,000.00, both on the invoice.
        let entry = PostingRules.openingEntry(for: B.invoice("INV-1", amount: 100_000), on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.ar, 100_000, customer: "C1", invoice: "INV-1"), B.p(B.opening, -100_000, customer: "C1", invoice: "INV-1")])
        #expect(entry.sourceKey == "invoice:INV-1:opening")
        #expect(entry.effectiveDay == B.d("2026-10-01"))
        #expect(PostingRules.isInvoiceOpening(entry.sourceKey))
        #expect(PostingRules.isInvoiceOpening("invoices:2026-11-02:opening:2026-10-01"))
        #expect(!PostingRules.isInvoiceOpening("invoice:INV-1:adjustment"))
        #expect(!PostingRules.isInvoiceOpening("erp:INV-1:2026-11-02"))
    }

    @Test func anInvoiceTheERPLoweredIsAdjustedAgainst4950() {
        // The ledger holds INV-1 open 1,000.00; the export shows 700.00: lowered by 300.00 in the ERP.
        // ERP adjustments +300.00, receivables -300.00, under erp:INV-1:<day>.
        let invoice = B.invoice("INV-1", amount: 100_000, open: 70_000)
        let entry = PostingRules.erpAdjustment(invoice: invoice, by: B.m(100_000 - 70_000), on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.erp, 30_000, customer: "C1", invoice: "INV-1"), B.p(B.ar, -30_000, customer: "C1", invoice: "INV-1")])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "erp:INV-1:2026-11-02")
        #expect(entry.effectiveDay == B.d("2026-11-02"))
    }

    @Test func aCreditMemoTheERPUsedOnItsOwnIsAdjustedAgainst4950() {
        // The ledger holds CM-1 open -200.00; the export shows -150.00: 50.00 less credit open (-150 - (-200) = 50).
        // Receivables on CM-1 +50.00 (toward zero), ERP adjustments -50.00.
        let memo = B.invoice("CM-1", amount: -20_000, open: -15_000)
        let entry = PostingRules.erpMemoAdjustment(memo: memo, by: B.m(-15_000 - -20_000), on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.ar, 5_000, customer: "C1", invoice: "CM-1"), B.p(B.erp, -5_000, customer: "C1", invoice: "CM-1")])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "erp:CM-1:2026-11-02")
    }

    @Test func aCreditMemoTheERPAppliedToAnInvoiceIsOneEntryBetweenTheTwo() {
        // CM-1 (-200.00 open) applied by the ERP to INV-1 (1,000.00 open): CM-1 to 0.00, INV-1 to 800.00.
        // Receivables: CM-1 +200.00, INV-1 -200.00; nothing to 4950.
        let memo = B.invoice("CM-1", amount: -20_000, open: 0), invoice = B.invoice("INV-1", amount: 100_000, open: 80_000)
        let entry = PostingRules.erpMemoApplied(memo: memo, to: invoice, amount: B.m(20_000), on: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.ar, 20_000, customer: "C1", invoice: "CM-1"), B.p(B.ar, -20_000, customer: "C1", invoice: "INV-1")])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "erp:CM-1:INV-1:2026-11-02")
        #expect(!entry.postings.contains { $0.account == B.erp })
    }
}
