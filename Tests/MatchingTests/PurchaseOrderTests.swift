import Core
import Matching
import Receivables
import Testing

/// Purchase-order references (DESIGN.md, Cash application, rule 1): a `PO` qualifier or `PO 123` in text is looked up by
/// `po_number` only, an invoice reference by invoice number only, and when they disagree the invoice number wins.
@Suite struct PurchaseOrderTests {
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }
    static func d(_ s: String) -> Day { Day.parse(s, format: .iso)! }

    static let customers = [
        Customer(id: "C001", name: "Acme Tools, Inc.", aliases: ["ACME TOOLS"], achCompanyIDs: ["1234567890"]),
        Customer(id: "C002", name: "Blue Ridge Builders", achCompanyIDs: ["2345678901"]),
    ]

    static func invoice(_ id: String, _ customer: String, _ open: Int64, po: String, due: String = "2026-11-27") -> Invoice {
        Invoice(id: id, customerID: customer, issueDay: d("2026-10-28"), dueDay: d(due), amount: m(open), openAmount: m(open),
                terms: PaymentTerms.parse("NET30"), poNumber: po)
    }

    /// C001's open items: INV-10001 (5,000.00, PO-7781) and INV-10006 (2,200.00, its purchase order 10001).
    static let book = [invoice("INV-10001", "C001", 500_000, po: "PO-7781"), invoice("INV-10006", "C001", 220_000, po: "10001")]

    static func receipt(_ cents: Int64, name: String = "ACME TOOLS", remittance: [RemittanceItem] = [], text: String = "", key: String = "w1") -> Receipt {
        Receipt(id: "R-\(key)", source: .bai2, sourceRef: key, sourceKey: key, valueDay: d("2026-11-03"), amount: m(cents), bankAccount: "4471002233",
                payerName: name, remittance: remittance, freeText: text, location: SourceLocation(file: "s", line: 1))
    }

    func engine(_ invoices: [Invoice] = PurchaseOrderTests.book, tolerance: Int64 = 100) -> CashApplication {
        CashApplication(customers: Self.customers, invoices: invoices, policy: MatchingPolicy(tolerance: Self.m(tolerance)))
    }

    @Test(arguments: ["INCOMING WIRE ACME TOOLS PO 10001", "WIRE P.O. 10001", "PO# 10001", "PO #10001 THANK YOU", "po 010001", "PO-10001", "PO NO. 10001",
                      "PURCHASE ORDER 10001"])
    func aPurchaseOrderInTextIsLookedUpByItsPONumberNotAsAnInvoiceNumber(text: String) {
        var e = engine()
        let (decision, exceptions) = e.apply(Self.receipt(220_000, text: text))
        #expect(exceptions.isEmpty, "\(text): \(exceptions.map(\.message))")
        #expect(decision.rule == .purchaseOrder, "\(text): \(decision.evidence)")
        #expect(decision.applications == [Application(invoiceID: "INV-10006", customerID: "C001", applied: Self.m(220_000), discount: Self.m(0), writeOff: Self.m(0))])
        #expect(e.openAmount(of: "INV-10001") == Self.m(500_000))
        #expect(decision.evidence.description.contains("INV-10006 by its purchase-order number"))
    }

    @Test func aRemittanceLineQualifiedPOUsesThePONumberWhateverItsSpelling() {
        for written in ["10001", "PO-10001", "po 0010001"] {
            var e = engine()
            let (decision, exceptions) = e.apply(Self.receipt(220_000, remittance: [RemittanceItem(reference: written, referenceQualifier: "PO", amountPaid: Self.m(220_000))]))
            #expect(exceptions.isEmpty, "\(written)")
            #expect(decision.rule == .purchaseOrder && decision.applications.map(\.invoiceID) == ["INV-10006"], "\(written): \(decision.evidence)")
        }
        // The export's `PO-7781` is the order 7781 as a payer writes it; camt's PUOR is a purchase order too.
        var e = engine()
        let (decision, _) = e.apply(Self.receipt(500_000, remittance: [RemittanceItem(reference: "7781", referenceQualifier: "PUOR")]))
        #expect(decision.rule == .purchaseOrder && decision.applications.map(\.invoiceID) == ["INV-10001"])
        // The same reference qualified as an invoice is read as an invoice number.
        var invoiceQualified = engine()
        let (byNumber, _) = invoiceQualified.apply(Self.receipt(500_000, remittance: [RemittanceItem(reference: "10001", referenceQualifier: "IV")]))
        #expect(byNumber.rule == .remittance && byNumber.applications.map(\.invoiceID) == ["INV-10001"])
    }

    @Test func aPurchaseOrderShortOrOverPaysAsAnyRemittance() {
        var e = engine()
        let (short, raised) = e.apply(Self.receipt(200_000, text: "PO 10001"))
        #expect(short.rule == .purchaseOrder)
        #expect(short.applications.map(\.applied) == [Self.m(200_000)])
        #expect(raised.map(\.type) == [.shortPay] && raised[0].invoiceIDs == ["INV-10006"] && raised[0].amount == Self.m(20_000))
        var over = engine()
        let (more, overRaised) = over.apply(Self.receipt(230_000, text: "PO 10001"))
        #expect(more.rule == .purchaseOrder && more.unapplied == Self.m(10_000))
        #expect(overRaised.map(\.type) == [.overPay])
    }

    @Test func aPOBoxIsAnAddressNotAPurchaseOrderNorAnInvoiceNumber() {
        var e = engine()
        // 10001 is the box, not invoice INV-10001 nor the order 10001: the amount decides.
        let (decision, exceptions) = e.apply(Self.receipt(500_000, text: "ACME TOOLS PO BOX 10001 DALLAS TX"))
        #expect(exceptions.isEmpty)
        #expect(decision.rule == .exactAmount && decision.applications.map(\.invoiceID) == ["INV-10001"])
    }

    @Test func anOrderSharedBySeveralInvoicesTakesTheOneSetThatSumsToThePayment() {
        let shared = [Self.invoice("A", "C001", 100_000, po: "4500", due: "2026-11-01"), Self.invoice("B", "C001", 250_000, po: "PO-4500", due: "2026-11-02"),
                      Self.invoice("C", "C001", 70_000, po: "4500", due: "2026-11-03"), Self.invoice("D", "C001", 250_000, po: "9999"),
                      Self.invoice("E", "C002", 100_000, po: "4500")]
        for (cents, invoices) in [(Int64(350_000), ["A", "B"]), (170_000, ["A", "C"]), (250_000, ["B"]), (420_000, ["A", "B", "C"])] {
            var e = engine(shared)
            let (decision, exceptions) = e.apply(Self.receipt(cents, text: "PO 4500"))
            #expect(exceptions.isEmpty, "\(cents): \(exceptions.map(\.message))")
            #expect(decision.rule == .purchaseOrder, "\(cents): \(decision.evidence)")
            #expect(decision.applications.map(\.invoiceID) == invoices && decision.unapplied == Self.m(0), "\(cents)")
        }
        // No set sums to the payment, or several do: AMBIGUOUS, never the amount rules' guess (D is 2,500.00 too).
        for cents in [Int64(300_000), 240_000] {
            var e = engine(shared)
            let (decision, exceptions) = e.apply(Self.receipt(cents, text: "PO 4500"))
            #expect(decision.applications.isEmpty && decision.unapplied == Self.m(cents))
            #expect(exceptions.map(\.type) == [.ambiguous], "\(cents)")
            #expect(Set(exceptions.first?.invoiceIDs ?? []) == ["A", "B", "C"])
            #expect(exceptions.first?.message.contains("PO 4500 names 3 open invoices of C001") == true)
        }
        let equal = [Self.invoice("A", "C001", 100_000, po: "4500"), Self.invoice("B", "C001", 100_000, po: "4500")]
        var e = engine(equal)
        let (_, exceptions) = e.apply(Self.receipt(100_000, text: "PO 4500"))
        #expect(exceptions.map(\.type) == [.ambiguous])
        #expect(exceptions.first?.message.contains("several sets") == true)
    }

    @Test func anOrderOfOneOpenInvoiceAmongClosedOnesAppliesToTheOpenOne() {
        var closed = Self.invoice("OLD", "C001", 220_000, po: "10001")
        closed.openAmount = Self.m(0)
        var e = engine([closed, Self.invoice("NEW", "C001", 180_000, po: "10001")])
        let (decision, exceptions) = e.apply(Self.receipt(180_000, text: "PO 10001"))
        #expect(exceptions.isEmpty)
        #expect(decision.rule == .purchaseOrder && decision.applications.map(\.invoiceID) == ["NEW"])
    }

    @Test func whenAnInvoiceNumberAndAPODisagreeTheInvoiceNumberWins() {
        var e = engine()
        let (decision, exceptions) = e.apply(Self.receipt(220_000, text: "INV 10001 PO 10001"))
        #expect(decision.rule == .remittance && decision.applications.map(\.invoiceID) == ["INV-10001"])
        #expect(exceptions.map(\.type) == [.shortPay])
        #expect(decision.evidence.description.contains("PO 10001 names INV-10006, not INV-10001: the invoice number wins"), "\(decision.evidence)")
        // The same on remittance lines.
        var lines = engine()
        let (byLines, _) = lines.apply(Self.receipt(220_000, remittance: [RemittanceItem(reference: "INV-10001"), RemittanceItem(reference: "10001", referenceQualifier: "PO")]))
        #expect(byLines.rule == .remittance && byLines.applications.map(\.invoiceID) == ["INV-10001"])
        #expect(byLines.evidence.description.contains("the invoice number wins"))
        // Agreeing, the evidence says so.
        var agree = engine()
        let (agreed, none) = agree.apply(Self.receipt(220_000, text: "INV-10006 PO 10001"))
        #expect(none.isEmpty && agreed.applications.map(\.invoiceID) == ["INV-10006"])
        #expect(agreed.evidence.description.contains("PO 10001 is its purchase order too"))
    }

    @Test func anOrderNamingNoInvoiceOfThePayerLeavesTheAmountRules() {
        // C002's order 4500 is not C001's: C001's receipt is decided by its amount, and says which order named nothing.
        var e = engine(Self.book + [Self.invoice("X", "C002", 220_000, po: "4500")])
        let (decision, exceptions) = e.apply(Self.receipt(220_000, text: "PO 4500"))
        #expect(exceptions.isEmpty)
        #expect(decision.rule == .exactAmount && decision.applications.map(\.invoiceID) == ["INV-10006"])
        #expect(decision.evidence.description.contains("remittance names PO 4500, which match no invoice"))
    }

    @Test func ordersAreDecidedTheSameWithCustomerShards() async {
        // Enough receipts for the concurrent path: each order's receipt decided as it is alone.
        var invoices: [Invoice] = []
        var receipts: [Receipt] = []
        for k in 0..<2_500 {
            invoices.append(Self.invoice("INV-\(k)", "C001", 10_000 + Int64(k), po: "PO-\(90_000 + k)"))
            receipts.append(Self.receipt(10_000 + Int64(k), text: "WIRE PO \(90_000 + k)", key: "w\(k)"))
        }
        var one = engine(invoices)
        let sequential = one.applyAll(receipts)
        var four = engine(invoices)
        let concurrent = await four.applyAll(receipts, concurrency: 4)
        #expect(sequential.decisions == concurrent.decisions)
        #expect(concurrent.decisions.allSatisfy { $0.rule == .purchaseOrder })
        #expect(zip(concurrent.decisions, invoices).allSatisfy { $0.applications.map(\.invoiceID) == [$1.id] })
    }
}
