import Core
import Matching
import Receivables
import Testing

/// A remittance naming an invoice already closed by an earlier payment: the customer pays it twice. OVER_PAY naming the
/// invoice, the cash kept unapplied for a refund through review, never applied to another invoice by its amount.
@Suite struct PaidAgainTests {
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
    static func d(_ s: String) -> Day { Day.parse(s, format: .iso)! }

    static let customers = [Customer(id: "C1", name: "Acme Tools, Inc.", aliases: ["ACME TOOLS"], achCompanyIDs: ["1234567890"])]

    static func invoice(_ id: String, _ amount: Int64, open: Int64? = nil, po: String = "") -> Invoice {
        Invoice(id: id, customerID: "C1", issueDay: d("2026-10-01"), dueDay: d("2026-10-31"), amount: m(amount), openAmount: m(open ?? amount),
                terms: PaymentTerms.parse("NET30"), poNumber: po)
    }

    /// INV-1001 (2,200.00) paid before the day; INV-1002 open for the same amount.
    static let book = [invoice("INV-1001", 220_000, open: 0, po: "7790"), invoice("INV-1002", 220_000)]

    static func receipt(_ cents: Int64, remittance: [RemittanceItem] = [], text: String = "", key: String = "1", day: String = "2026-11-02") -> Receipt {
        Receipt(id: "R-\(key)", source: .nacha, sourceRef: key, sourceKey: key, valueDay: d(day), amount: m(cents), bankAccount: "4471002233",
                payerCompanyID: "1234567890", remittance: remittance, freeText: text, location: SourceLocation(file: "f", line: 1))
    }

    func engine(_ invoices: [Invoice] = PaidAgainTests.book) -> CashApplication {
        CashApplication(customers: Self.customers, invoices: invoices, policy: MatchingPolicy(tolerance: Self.m(100)))
    }

    @Test(arguments: [[RemittanceItem(reference: "INV-1001", amountPaid: m(220_000))], [RemittanceItem(reference: "inv 01001")]])
    func aRemittanceNamingAClosedInvoiceIsAnOverPayNotAnotherInvoice(remittance: [RemittanceItem]) {
        var e = engine()
        let (decision, exceptions) = e.apply(Self.receipt(220_000, remittance: remittance))
        #expect(decision.rule == .unapplied)
        #expect(decision.applications.isEmpty && decision.unapplied == Self.m(220_000))
        #expect(decision.customerID == "C1")
        #expect(exceptions.map(\.type) == [.overPay])
        #expect(exceptions.first?.invoiceIDs == ["INV-1001"])
        #expect(exceptions.first?.amount == Self.m(220_000))
        #expect(exceptions.first?.message.contains("INV-1001 closed by an earlier payment") == true, "\(exceptions.map(\.message))")
        #expect(exceptions.first?.suggestions.contains("--refund") == true)
        #expect(decision.evidence.candidates.map(\.invoiceID) == ["INV-1001"])
        // INV-1002, open for the same amount, is not touched.
        #expect(e.openAmount(of: "INV-1002") == Self.m(220_000))
    }

    @Test func aClosedInvoiceNamedInTextOrByItsOrderIsPaidAgainToo() {
        for text in ["PAYMENT INV 1001 THANK YOU", "PO 7790"] {
            var e = engine()
            let (decision, exceptions) = e.apply(Self.receipt(220_000, text: text))
            #expect(decision.rule == .unapplied && decision.applications.isEmpty, "\(text): \(decision.evidence)")
            #expect(exceptions.map(\.type) == [.overPay] && exceptions.first?.invoiceIDs == ["INV-1001"], "\(text)")
            #expect(e.openAmount(of: "INV-1002") == Self.m(220_000))
        }
    }

    @Test func theSameDaysEarlierReceiptIsNamed() {
        var e = engine([Self.invoice("INV-3", 150_000), Self.invoice("INV-4", 150_000)])
        let first = Self.receipt(150_000, remittance: [RemittanceItem(reference: "INV-3")], key: "111")
        let again = Self.receipt(150_000, remittance: [RemittanceItem(reference: "INV-3")], key: "222")
        let day = e.applyAll([first, again])
        #expect(day.decisions[0].rule == .remittance && day.decisions[0].applications.map(\.invoiceID) == ["INV-3"])
        #expect(day.decisions[1].rule == .unapplied && day.decisions[1].applications.isEmpty)
        #expect(day.exceptions.map(\.type) == [.overPay])
        #expect(day.exceptions.first?.receiptID == "R-222")
        #expect(day.exceptions.first?.message.contains("INV-3 closed by an earlier payment, receipt R-111 (nacha 111) of 2026-11-02") == true,
                "\(day.exceptions.map(\.message))")
        #expect(e.openAmount(of: "INV-4") == Self.m(150_000))
    }

    @Test func aClosedInvoiceBesideAnOpenOneAppliesTheOpenOneAndSaysWhyTheRestIsOver() {
        var e = engine()
        let (decision, exceptions) = e.apply(Self.receipt(440_000, remittance: [RemittanceItem(reference: "INV-1001"), RemittanceItem(reference: "INV-1002")]))
        #expect(decision.rule == .remittance)
        #expect(decision.applications.map(\.invoiceID) == ["INV-1002"] && decision.unapplied == Self.m(220_000))
        #expect(exceptions.map(\.type) == [.overPay])
        #expect(exceptions.first?.message.contains("INV-1001 closed by an earlier payment") == true)
    }
}
