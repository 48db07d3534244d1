import Core
import Matching
import Receivables
import Testing

/// Unapplied cash tried again: by its remittance or a unique exact amount, never by a tolerance or a combination,
/// never across customers, never when what the remittance said could not be read.
@Suite struct UnappliedCashTests {
    typealias T = CashApplicationTests

    func held(_ cents: Int64, remittance: [RemittanceItem] = [], text: String = "", customer: String = "C1") -> HeldReceipt {
        HeldReceipt(receipt: T.receipt(cents, remittance: remittance, text: text, key: "held-\(cents)"), customerID: customer, held: T.m(cents), heldSince: T.d("2026-11-02"))
    }

    func engine(_ invoices: [Invoice]) -> CashApplication {
        CashApplication(customers: T.customers, invoices: invoices, policy: MatchingPolicy(tolerance: T.m(100), ambiguous: .exception))
    }

    @Test func byRemittanceNamingAnOpenInvoiceOfItsCustomer() {
        var e = engine([T.invoice("INV-1", "C1", 70_000), T.invoice("INV-2", "C1", 30_000)])
        let done = e.reapply([held(50_000, remittance: [RemittanceItem(reference: "INV-1")])])
        #expect(done.count == 1)
        #expect(done.first?.applications.map(\.invoiceID) == ["INV-1"] && done.first?.applications.first?.amount == T.m(50_000))
        #expect(done.first?.settlesAll == true)
        // What it took is taken: the same cash again finds 200.00 open.
        #expect(e.openAmount(of: "INV-1") == T.m(20_000))
    }

    @Test func byTheOneOpenInvoiceOfTheAmountHeldAndNeverAGuess() {
        var one = engine([T.invoice("INV-1", "C1", 50_000), T.invoice("INV-2", "C1", 30_000)])
        #expect(one.reapply([held(50_000)]).first?.applications.map(\.invoiceID) == ["INV-1"])
        // Two invoices of the amount, a combination (300 + 200), an amount within the tolerance: nothing.
        var two = engine([T.invoice("INV-1", "C1", 50_000), T.invoice("INV-2", "C1", 50_000)])
        #expect(two.reapply([held(50_000)]).isEmpty)
        var combination = engine([T.invoice("INV-1", "C1", 30_000), T.invoice("INV-2", "C1", 20_000)])
        #expect(combination.reapply([held(50_000)]).isEmpty)
        var near = engine([T.invoice("INV-1", "C1", 50_050)])
        #expect(near.reapply([held(50_000)]).isEmpty)
    }

    @Test func neverAnotherCustomersInvoiceNorAnUnreadableRemittance() {
        var other = engine([T.invoice("INV-9", "C2", 50_000)])
        #expect(other.reapply([held(50_000, remittance: [RemittanceItem(reference: "INV-9")])]).isEmpty)
        var unreadable = engine([T.invoice("INV-1", "C1", 50_000)])
        var item = RemittanceItem(reference: "INV-1")
        item.unreadable = .amountPaid
        #expect(unreadable.reapply([held(50_000, remittance: [item])]).isEmpty)
    }

    @Test func neverMoreThanTheRemittanceSaidItPaysOnAnInvoice() {
        // 500.00 held, the remittance said 200.00 for INV-1 (open 700.00) and 300.00 for INV-2 (issued since).
        var e = engine([T.invoice("INV-1", "C1", 70_000), T.invoice("INV-2", "C1", 40_000)])
        let done = e.reapply([held(50_000, remittance: [RemittanceItem(reference: "INV-1", amountPaid: T.m(20_000)),
                                                        RemittanceItem(reference: "INV-2", amountPaid: T.m(30_000))])])
        #expect(done.first?.applications.map { "\($0.invoiceID) \($0.amount)" } == ["INV-1 200.00", "INV-2 300.00"])
    }
}
