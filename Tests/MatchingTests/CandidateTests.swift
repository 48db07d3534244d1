import Core
import Matching
import Receivables
import Testing

/// The candidates a reviewer sees on an exception carry what they are weighed by: the invoice's due day, its purchase
/// order and (on the page's day) its days past due; the candidates of a receipt that raised nothing are left bare.
@Suite struct CandidateTests {
    static let usd = Currency.usd
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: usd) }
    static func d(_ s: String) -> Day { Day.parse(s, format: .iso)! }
    static let customers = [Customer(id: "C1", name: "Acme Tools, Inc.", aliases: ["ACME TOOLS"])]

    static func invoice(_ id: String, _ open: Int64, due: String, po: String) -> Invoice {
        Invoice(id: id, customerID: "C1", issueDay: d("2026-09-01"), dueDay: d(due), amount: m(open), openAmount: m(open), poNumber: po)
    }

    static func receipt(_ cents: Int64) -> Receipt {
        Receipt(id: "R-1", source: .nacha, sourceRef: "k", sourceKey: "k", valueDay: d("2026-11-02"), amount: m(cents), bankAccount: "4471002233",
                payerName: "ACME TOOLS", location: SourceLocation(file: "f", line: 1))
    }

    static func engine(_ invoices: [Invoice], ambiguous: MatchingPolicy.AmbiguityPolicy = .exception) -> CashApplication {
        CashApplication(customers: customers, invoices: invoices, policy: MatchingPolicy(tolerance: m(0), ambiguous: ambiguous))
    }

    @Test func anAmbiguousReceiptsCandidatesShowDueDayPurchaseOrderAndDaysPastDue() {
        var e = Self.engine([Self.invoice("OLD", 4_000, due: "2026-10-01", po: "PO-77"), Self.invoice("NEW", 4_000, due: "2026-11-05", po: "")])
        let (decision, exceptions) = e.apply(Self.receipt(4_000))
        #expect(exceptions.map(\.type) == [.ambiguous])
        let byID = Dictionary(uniqueKeysWithValues: decision.evidence.candidates.map { ($0.invoiceID, $0) })
        #expect(byID["OLD"]?.dueDay == Self.d("2026-10-01"))
        #expect(byID["OLD"]?.purchaseOrder == "PO-77")
        #expect(byID["NEW"]?.dueDay == Self.d("2026-11-05"))
        #expect(byID["NEW"]?.purchaseOrder == "")
        // 2026-10-01 to 2026-11-02: 30 days of October after the 1st, and 2 of November.
        #expect(byID["OLD"]?.daysPastDue(on: Self.d("2026-11-02")) == 32)
        #expect(byID["NEW"]?.daysPastDue(on: Self.d("2026-11-02")) == 0)
    }

    @Test func candidatesListedWithoutAnOpenAmountGetTheInvoicesOpenAmount() {
        // 4,000.00 is 1,000 + 3,000 and 2,000 + 2,000: several combinations, each candidate listed by id only.
        var e = Self.engine([Self.invoice("A", 100_000, due: "2026-10-10", po: "PA"), Self.invoice("B", 300_000, due: "2026-10-11", po: "PB"),
                             Self.invoice("C", 200_000, due: "2026-10-12", po: "PC"), Self.invoice("D", 200_000, due: "2026-10-13", po: "PD")])
        let (decision, exceptions) = e.apply(Self.receipt(400_000))
        #expect(exceptions.map(\.type) == [.ambiguous])
        let open = Dictionary(uniqueKeysWithValues: decision.evidence.candidates.map { ($0.invoiceID, $0.openMinorUnits) })
        #expect(open == ["A": 100_000, "B": 300_000, "C": 200_000, "D": 200_000])
        #expect(decision.evidence.candidates.allSatisfy { $0.dueDay != nil && !$0.purchaseOrder.isEmpty })
    }

    @Test func theCandidatesOfAReceiptThatRaisedNothingAreNotLookedUp() {
        var e = Self.engine([Self.invoice("OLD", 4_000, due: "2026-10-01", po: "PO-77"), Self.invoice("NEW", 4_000, due: "2026-11-05", po: "PO-78")],
                            ambiguous: .oldest)
        let (decision, exceptions) = e.apply(Self.receipt(4_000))
        #expect(exceptions.isEmpty)
        #expect(decision.evidence.candidates.map(\.invoiceID) == ["NEW"])
        #expect(decision.evidence.candidates.allSatisfy { $0.dueDay == nil && $0.purchaseOrder.isEmpty })
    }
}
