import ACH
import Accounting
import Core
// `ChangeNotice` has no public initializer: the ACH reader makes it.
@testable import Matching
import Testing

/// A day's returns and notices of change (`ReturnEffects`): the original payment as the ledger applied it — held cash
/// that later days applied taken back from those invoices — the return's entry, the rows of what it reversed, and the
/// change's record. Amounts worked out by hand.
@Suite struct ReturnEffectsTests {
    typealias B = Books
    typealias R = ReturnEntryTests

    static let entry = ACHEntryRow(role: "originated", kind: "payment", companyID: "9876543210", trace: "091000010000001", rdfi: "09100001", amount: B.m(50_000),
                                   effectiveDay: B.d("2026-10-20"), settlementDay: B.d("2026-10-20"), sourceKey: nil, customerID: "C1", receiverName: "ACME TOOLS",
                                   identification: "C1", fileName: "debits.ach", day: B.d("2026-10-20"))

    static func row(_ invoice: String?, applied: Int64, discount: Int64 = 0, rule: String = "unapplied") -> ApplicationRow {
        ApplicationRow(receiptID: "R-1", sourceKey: entry.sourceKey, invoiceID: invoice, customerID: "C1", applied: B.m(applied), discount: B.m(discount),
                       writeOff: B.m(0), rule: rule, confidence: 100)
    }

    @Test func heldCashAppliedLaterIsTakenBackFromTheInvoicesItPaid() throws {
        // The original 500.00 was held as C1's unapplied cash; later days applied 300.00 to INV-5 and 150.00 to INV-6.
        // As applied now: 500.00 - 300.00 - 150.00 = 50.00 still held, INV-5 300.00, INV-6 150.00.
        let original = try ReturnEffects.originalPayment(Self.entry, applications: [Self.row(nil, applied: 50_000)],
                                                         reapplied: [("INV-5", 30_000), ("INV-6", 15_000)])
        #expect(original.sourceKey == "ach:originated:9876543210:2026-10-20:091000010000001")
        #expect(original.applications.map(\.invoiceID) == [nil, "INV-5", "INV-6"])
        #expect(original.applications.map(\.applied) == [B.m(5_000), B.m(30_000), B.m(15_000)])
        // Returned R01 (500.00): 1050 -500.00; 2100 C1 +50.00; INV-5 +300.00; INV-6 +150.00. -500 + 50 + 300 + 150 = 0.
        var effects = ReturnEffects()
        try effects.add(R.notice(50_000), original: original, day: B.d("2026-11-09"))
        #expect(effects.drafts.map(\.postings) == [[B.p(B.inTransit, -50_000), B.p(B.unapplied, 5_000, customer: "C1"),
                                                    B.p(B.ar, 30_000, customer: "C1", invoice: "INV-5"), B.p(B.ar, 15_000, customer: "C1", invoice: "INV-6")]])
        #expect(effects.drafts.allSatisfy { $0.isBalanced })
        // The rows of what it reversed: each application negated, under the return's key, adding up to -500.00.
        #expect(effects.applicationRows.map(\.applied) == [B.m(-5_000), B.m(-30_000), B.m(-15_000)])
        #expect(effects.applicationRows.reduce(Int64(0)) { $0 + $1.applied.minorUnits } == -50_000)
        #expect(effects.applicationRows.allSatisfy { $0.rule == "return" && $0.sourceKey == "return:" + Self.entry.sourceKey && $0.valueDay == B.d("2026-11-06") })
        // What each row's remittance line shows as the receipt's amount: the return's, the money going back, -500.00.
        #expect(effects.reversed.map(\.receiptAmount) == [B.m(-50_000), B.m(-50_000), B.m(-50_000)])
        #expect(effects.exceptions.map(\.type) == [.returnEntry])
    }

    @Test func heldCashAllAppliedLaterLeavesNoHeldApplication() throws {
        // 500.00 held, all of it applied later to INV-5; a return row of an earlier return of the payment is not an application.
        let original = try ReturnEffects.originalPayment(Self.entry, applications: [Self.row(nil, applied: 50_000), Self.row("INV-9", applied: -100, rule: "return")],
                                                         reapplied: [("INV-5", 50_000)])
        #expect(original.applications.map(\.invoiceID) == ["INV-5"])
        #expect(original.applications.map(\.applied) == [B.m(50_000)])
        // Nothing applied later: the applications as they were (discount kept).
        let plain = try ReturnEffects.originalPayment(Self.entry, applications: [Self.row("INV-1", applied: 98_000, discount: 2_000, rule: "remittance")], reapplied: [])
        #expect(plain.applications == [PastApplication(receiptID: "R-1", invoiceID: "INV-1", customerID: "C1", applied: B.m(98_000), discount: B.m(2_000), writeOff: B.m(0))])
    }

    @Test func aDishonoredReturnPostsNothingAndReversesNoRows() throws {
        var effects = ReturnEffects()
        try effects.add(R.notice(98_000, dishonored: true, reason: "R69"), original: R.original([R.past("INV-1", applied: 98_000, discount: 2_000)]), day: B.d("2026-11-09"))
        #expect(effects.drafts.map(\.postings) == [[]])
        #expect(effects.applicationRows.isEmpty)
    }

    @Test func aNoticeOfChangeIsRecordedAgainstItsCustomer() throws {
        let fact = ACHEntryFact(legacyKey: "", role: .originated, companyID: "9876543210", traceNumber: "091000018888888", receivingDFI: "09100001", amount: B.m(0),
                                signedAmount: B.m(0), effectiveDay: B.d("2026-11-05"), settlementDay: B.d("2026-11-06"), fileName: "noc.ach",
                                location: SourceLocation(file: "noc.ach", line: 5), receiverName: "ACME TOOLS", identificationNumber: "C1", kind: .notificationOfChange)
        var effects = ReturnEffects()
        effects.add(ChangeNotice(fact: fact, changeCode: "C01", originalTraceNumber: "091000010000001", originalReceivingDFI: "09100001", correctedData: "123456789012"),
                    customerID: "C1", day: B.d("2026-11-06"))
        #expect(effects.changes == [ACHChangeRow(noticeKey: fact.key, customerID: "C1", changeCode: "C01", correctedData: "123456789012",
                                                 originalTrace: "091000010000001", day: B.d("2026-11-06"))])
        #expect(effects.exceptions.map(\.type) == [.noc])
        #expect(effects.exceptions.first.map { $0.message.contains("••••9012") && !$0.message.contains("123456789012") } == true)
        #expect(effects.drafts.isEmpty)
    }
}
