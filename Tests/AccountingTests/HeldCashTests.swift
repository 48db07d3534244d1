import Accounting
import Core
// `Reapplication` has no public initializer: cash application makes it (`CashApplication.reapply`).
@testable import Matching
import Testing

/// Unapplied cash held for its customer and applied on a later day (`HeldCash`): what is kept of a held receipt, the
/// re-application's entry (2100 down, receivables down per invoice) and its rows, which add up to what moved.
@Suite struct HeldCashTests {
    typealias B = Books

    static func held(_ cents: Int64, since: String = "2026-10-20") -> HeldReceipt {
        let receipt = Receipt(id: "R-held", source: .bai2, sourceRef: "WIRE-9", sourceKey: "stmt:4471002233:WIRE-9", valueDay: B.d(since), amount: B.m(80_000),
                              bankAccount: B.bankAccount, payerName: "Acme Tools, Inc.", location: SourceLocation(file: "old.bai", line: 9))
        return HeldReceipt(receipt: receipt, customerID: "C1", held: B.m(cents), heldSince: B.d(since))
    }

    static func reapplication(_ held: HeldReceipt, _ applications: [(String, Int64)]) -> Reapplication {
        Reapplication(held: held, applications: applications.map { (invoiceID: $0.0, amount: B.m($0.1)) }, rule: "remittance",
                      evidence: "the receipt's remittance names INV-5, INV-6")
    }

    @Test func reappliedCashLeavesUnappliedCashForTheInvoices() throws {
        // 500.00 held since 2026-10-20; today INV-5 takes 300.00 and INV-6 150.00: 450.00 moves, 50.00 stays held.
        // 2100 C1 +450.00 (300.00 + 150.00), INV-5 -300.00, INV-6 -150.00.
        let r = Self.reapplication(Self.held(50_000), [("INV-5", 30_000), ("INV-6", 15_000)])
        let entry = try HeldCash.entry(r, day: B.d("2026-11-02"))
        #expect(entry.postings == [B.p(B.unapplied, 45_000, customer: "C1"), B.p(B.ar, -30_000, customer: "C1", invoice: "INV-5"),
                                   B.p(B.ar, -15_000, customer: "C1", invoice: "INV-6")])
        #expect(entry.isBalanced)
        #expect(entry.sourceKey == "reapply:R-held:2026-11-02")
        #expect(entry.effectiveDay == B.d("2026-11-02"))
        #expect(!r.settlesAll)
    }

    @Test func theRowsOfAReapplicationAddUpToWhatMoved() throws {
        // The unapplied row -450.00, then INV-5 +300.00 and INV-6 +150.00: -450 + 300 + 150 = 0 across the day's rows.
        let r = Self.reapplication(Self.held(50_000), [("INV-5", 30_000), ("INV-6", 15_000)])
        let rows = try HeldCash.applicationRows(r, day: B.d("2026-11-02"))
        #expect(rows.map(\.invoiceID) == [nil, "INV-5", "INV-6"])
        #expect(rows.map(\.applied) == [B.m(-45_000), B.m(30_000), B.m(15_000)])
        #expect(rows.map(\.rule) == ["unapplied", "unapplied-cash", "unapplied-cash"])
        #expect(rows.allSatisfy { $0.sourceKey == "reapply:R-held:2026-11-02" && $0.receiptID == "R-held" && $0.customerID == "C1" })
        #expect(rows.allSatisfy { $0.discount.isZero && $0.writeOff.isZero })
        #expect(rows.reduce(Int64(0)) { $0 + $1.applied.minorUnits } == 0)
        // The rows' invoices move by what the entry's receivable postings say.
        let entry = try HeldCash.entry(r, day: B.d("2026-11-02"))
        for row in rows where row.invoiceID != nil {
            #expect(entry.postings.contains(B.p(B.ar, -row.applied.minorUnits, customer: "C1", invoice: row.invoiceID)))
        }
    }

    @Test func allOfItAppliedSettlesTheHeldReceipt() throws {
        // 500.00 held, INV-5 takes all 500.00: 2100 +500.00, INV-5 -500.00; nothing held any more.
        let r = Self.reapplication(Self.held(50_000), [("INV-5", 50_000)])
        #expect(r.settlesAll)
        #expect(try HeldCash.entry(r, day: B.d("2026-11-02")).postings == [B.p(B.unapplied, 50_000, customer: "C1"), B.p(B.ar, -50_000, customer: "C1", invoice: "INV-5")])
        #expect(HeldCash.note(r, day: B.d("2026-11-02")).contains("INV-5 (500.00)"))
    }

    @Test func aReceiptLeavingCashUnappliedWithACustomerIsHeld() throws {
        // 350.00 received, 300.00 to INV-3: the 50.00 left is held for C1, with the receipt's remittance and texts.
        let remittance = [RemittanceItem(reference: "INV-3", referenceQualifier: "IV", amountPaid: B.m(30_000)), RemittanceItem(reference: "INV-77")]
        let receipt = Receipt(id: "R-over", source: .bai2, sourceRef: "WIRE-3", sourceKey: "stmt:4471002233:WIRE-3", valueDay: B.d("2026-11-02"), amount: B.m(35_000),
                              bankAccount: B.bankAccount, payerName: "Acme Tools, Inc.", remittance: remittance, freeText: "INV-3 INV-77",
                              location: SourceLocation(file: "day.bai", line: 4))
        let decision = B.decision(receipt, customer: "C1", [B.application("INV-3", applied: 30_000)], unapplied: 5_000, rule: .overPay)
        let row = try #require(HeldCash.row(decision, day: B.d("2026-11-02")))
        #expect(row.amount == B.m(5_000))
        #expect(row.customerID == "C1" && row.sourceKey == "stmt:4471002233:WIRE-3" && row.location == "day.bai:4")
        // Read back as matching sees it: the 50.00 still held and the same remittance.
        let back = HeldCash.receipt(row)
        #expect(back.held == B.m(5_000) && back.customerID == "C1" && back.heldSince == B.d("2026-11-02"))
        #expect(back.receipt.remittance == remittance)
        #expect(back.receipt.freeText == "INV-3 INV-77")
        // Not held: no customer (suspense), nothing unapplied, or a debit.
        #expect(HeldCash.row(B.decision(receipt, customer: nil, [], unapplied: 35_000), day: B.d("2026-11-02")) == nil)
        #expect(HeldCash.row(B.decision(receipt, customer: "C1", [B.application("INV-3", applied: 35_000)]), day: B.d("2026-11-02")) == nil)
        #expect(HeldCash.row(B.decision(B.statementReceipt(-5_000), customer: "C1", [], unapplied: -5_000), day: B.d("2026-11-02")) == nil)
    }
}
