import Accounting
import Core
import Matching
import Testing

/// The rows the ledger keeps of a day's decisions (`DayRows`): one per application with its ADX reason code, one for
/// the cash left unapplied, and exceptions with the evidence of their receipt's decision.
@Suite struct DayRowsTests {
    typealias B = Books

    static func receipt(remittance: [RemittanceItem]) -> Receipt {
        Receipt(id: "R-ctx", source: .nacha, sourceRef: "091000010000007", sourceKey: "ach:received:1234567890:2026-11-02:091000010000007", valueDay: B.d("2026-11-02"),
                amount: B.m(147_500), bankAccount: B.bankAccount, payerName: "ACME TOOLS", remittance: remittance, location: SourceLocation(file: "day.ach", line: 7))
    }

    @Test func anADXReasonCodeFindsItsInvoiceThroughTheInvoiceNumbersNormalForm() {
        // RMR*IV*inv 0001 paid 975.00 with ADX*-25.00*01 (pricing): INV-1's row carries reason 01; INV-2's remittance line has no ADX.
        let remittance = [RemittanceItem(reference: "inv 0001", amountPaid: B.m(97_500), adjustments: [RemittanceItem.Adjustment(amount: B.m(-2_500), reasonCode: "01")]),
                          RemittanceItem(reference: "INV-0002", amountPaid: B.m(50_000))]
        let decision = B.decision(Self.receipt(remittance: remittance), customer: "C1",
                                  [B.application("INV-1", applied: 97_500, writeOff: 2_500), B.application("INV-2", applied: 50_000)])
        #expect(DayRows.reasonCodes(decision) == ["INV-1": "01"])
        let rows = DayRows.applicationRows([decision])
        #expect(rows.map(\.invoiceID) == ["INV-1", "INV-2"])
        #expect(rows.map(\.reasonCode) == ["01", ""])
        // A reference naming another invoice gives INV-1 nothing.
        let other = B.decision(Self.receipt(remittance: [RemittanceItem(reference: "INV-10", adjustments: [RemittanceItem.Adjustment(amount: B.m(-100), reasonCode: "CS")])]),
                               customer: "C1", [B.application("INV-1", applied: 147_500)])
        #expect(DayRows.reasonCodes(other).isEmpty)
    }

    @Test func applicationRowsAreTheDecisionsApplicationsThenItsUnappliedCash() {
        // 1,477.30 received: INV-1 980.00 + 20.00 discount, INV-2 447.30 + 2.70 written off, 50.00 left unapplied on C1.
        // 980.00 + 447.30 + 50.00 = 1,477.30: the rows' cash adds up to the receipt.
        let decision = B.decision(B.statementReceipt(147_730), customer: "C1",
                                  [B.application("INV-1", applied: 98_000, discount: 2_000), B.application("INV-2", applied: 44_730, writeOff: 270)],
                                  unapplied: 5_000, rule: .overPay)
        let returnRow = ApplicationRow(receiptID: "R-old", sourceKey: "return:k", invoiceID: "INV-7", customerID: "C1", applied: B.m(-10_000), discount: B.m(0),
                                       writeOff: B.m(0), rule: "return", confidence: 100)
        let rows = DayRows.applicationRows([decision], then: [returnRow])
        #expect(rows.map(\.invoiceID) == ["INV-1", "INV-2", nil, "INV-7"])
        #expect(rows.map(\.applied) == [B.m(98_000), B.m(44_730), B.m(5_000), B.m(-10_000)])
        #expect(rows.map(\.discount) == [B.m(2_000), B.m(0), B.m(0), B.m(0)])
        #expect(rows.map(\.writeOff) == [B.m(0), B.m(270), B.m(0), B.m(0)])
        #expect(rows.map(\.rule) == ["over-pay", "over-pay", "unapplied", "return"])
        #expect(rows.prefix(3).reduce(Int64(0)) { $0 + $1.applied.minorUnits } == 147_730)
        #expect(rows.prefix(3).allSatisfy { $0.sourceKey == "stmt:4471002233:WIRE-1" && $0.receiptID == "R-stmt:4471002233:WIRE-1" })
        #expect(rows[2].customerID == "C1")
        // Fully applied: no unapplied row.
        #expect(DayRows.applicationRows([B.decision(B.statementReceipt(10_000), customer: "C1", [B.application("INV-1", applied: 10_000)])]).count == 1)
    }

    @Test func anExceptionOnAReceiptCarriesTheEvidenceOfItsDecision() {
        let receipt = B.statementReceipt(5_000)
        let decision = Decision(receipt: receipt, customerID: "C1", applications: [], unapplied: B.m(5_000), rule: .unapplied, confidence: 0,
                                evidence: Evidence(matched: ["nothing of 50.00 open"]))
        let onReceipt = MatchException(type: .unmatched, about: receipt.sourceKey, receiptID: receipt.id, amount: B.m(5_000), message: "no invoice fits")
        let elsewhere = MatchException(type: .statementGap, about: "expected:x", message: "no statement")
        let rows = DayRows.exceptionRows([onReceipt, elsewhere], [decision], day: B.d("2026-11-02"))
        #expect(rows.map(\.type) == ["UNMATCHED", "STATEMENT_GAP"])
        #expect(rows.map(\.evidence) == ["no customer identified; nothing of 50.00 open", ""])
        #expect(rows.first?.amount == B.m(5_000) && rows.first?.status == "open" && rows.first?.day == B.d("2026-11-02"))
    }
}
