import Accounting
import Core
import Matching
import Reports
import Testing

/// A customer's remittance advice is a page to send: their references and purchase orders, never our receipt ids;
/// totals and currency; a reason in words beside every deduction.
@Suite struct AdvicePageTests {
    static let day = Day(year: 2026, month: 11, day: 2)!
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    static func row(_ receipt: String, source: String, ref: String, invoice: String, cash: Int64, discount: Int64 = 0, deduction: Int64 = 0,
                    code: String = "", rule: String = "remittance") -> AdviceRow {
        AdviceRow(customerID: "C001", name: "Acme Tools, Inc.", receiptID: receipt, source: source, sourceRef: ref, valueDay: day, invoiceID: invoice,
                  cash: m(cash), discount: m(discount), deduction: m(deduction), reasonCode: code, rule: rule)
    }

    static let rows = [
        row("R49245d05bd016745", source: "nacha", ref: "021000020000001", invoice: "INV-10001", cash: 490_000, discount: 10_000),
        row("R1a3d38f46247efc6", source: "bai2", ref: "L1102007", invoice: "INV-10002", cash: 149_940, deduction: 60, rule: "tolerance"),
        row("R5a9e0f56b29c6669", source: "bai2", ref: "20261102.bai:6", invoice: "INV-10003", cash: 95_000, deduction: 5_000, code: "54"),
        row("R5a9e0f56b29c6669", source: "bai2", ref: "20261102.bai:6", invoice: "INV-10004", cash: 10_000),
    ]

    @Test func theAdviceShowsTheCustomersReferencesTotalsCurrencyAndAReasonForEachDeduction() throws {
        let html = try HTMLReport.advice(customerID: "C001", name: "Acme Tools, Inc.", day: Self.day, rows: Self.rows,
                                         purchaseOrders: ["INV-10001": "PO-7781", "INV-10002": "PO-7764"])
        // Our receipt ids and the source's name are not the customer's: the payment as their bank knows it is.
        #expect(!html.contains("R49245d05bd016745") && !html.contains("R5a9e0f56b29c6669") && !html.contains("nacha "))
        #expect(html.contains("ACH payment, trace 021000020000001"))
        #expect(html.contains("Bank transfer, bank reference L1102007"))
        // A reference made of our file and line is not shown: the payment is named by its method and amount.
        #expect(!html.contains("20261102.bai:6"))
        #expect(html.contains("Bank transfer<span class=\"sub\">1,050.00 USD applied</span>"))
        #expect(html.contains("<td>PO-7781</td>") && html.contains("<td>PO-7764</td>"))
        #expect(html.contains("amounts in USD"))
        // Totals by hand: cash 4,900.00 + 1,499.40 + 950.00 + 100.00 = 7,449.40; discount 100.00; deductions 0.60 + 50.00 =
        // 50.60; settled 7,449.40 + 100.00 + 50.60 = 7,600.00.
        #expect(html.contains("<tr class=\"total\"><td colspan=\"4\">Total USD, 4 invoices</td><td class=\"num\">7,449.40</td><td class=\"num\">100.00</td><td class=\"num\">50.60</td><td class=\"num\">7,600.00</td><td></td></tr>"))
        // Every deduction has its reason in words: the payer's X12 code, else what settled the difference.
        #expect(html.contains("Small difference within our tolerance, written off"))
        #expect(html.contains("Freight deducted<span class=\"sub\">X12 reason code 54</span>"))
        #expect(html.contains("<table class=\"sortable\" id=\"advice\"") && html.contains("<input class=\"filter\" data-table=\"advice\""))
    }

    @Test func aDeductionIsNeverWithoutAReason() {
        for rule in ["tolerance", "review", "short-pay", "remittance", ""] {
            for deduction: Int64 in [60, -40] {
                let r = Self.row("R1", source: "nacha", ref: "1", invoice: "INV-1", cash: 1_000, deduction: deduction, rule: rule)
                #expect(!r.reasonText.isEmpty, "\(rule) \(deduction)")
            }
        }
        #expect(Self.row("R1", source: "nacha", ref: "1", invoice: "INV-1", cash: 1_000, discount: 20).reasonText == "")
        #expect(Self.row("R1", source: "nacha", ref: "1", invoice: "INV-1", cash: 1_000, code: "99").reasonText == "code 99")
    }

    /// Cash recovering what was written off of an invoice earlier is no deduction to the customer: the advice shows the
    /// cash paid for the invoice and why it came, not the write-off we took back.
    @Test func aRecoveryIsCashForTheInvoiceWithoutADeduction() {
        let recovery = Application.recovery(invoiceID: "INV-10007", customerID: "C001", amount: Self.m(2_000))
        let receipt = Receipt(id: "R1", source: .nacha, sourceRef: "121000240000001", sourceKey: "k", valueDay: Self.day, amount: Self.m(2_000),
                              bankAccount: "4471002233", location: SourceLocation(file: "f", line: 1))
        let decision = Decision(receipt: receipt, customerID: "C001", applications: [recovery], unapplied: Self.m(0), rule: .recovery, confidence: 95,
                                evidence: Evidence())
        let row = AdviceRow(DecisionApplication(decision, 0), name: "Charlie Supply", valueDay: Self.day)
        #expect(row.invoiceID == "INV-10007" && row.cash == Self.m(2_000) && row.deduction.isZero && row.rule == "recovery")
        #expect(row.reasonText == "Payment of an amount short paid earlier, which we had written off")
    }

    @Test func adviceCSVGivesTheSameReason() {
        let csv = ReportWriter.adviceCSV([Self.rows[1]])
        #expect(csv.contains(",0.60,,Small difference within our tolerance, written off,USD") || csv.contains(",0.60,,\"Small difference within our tolerance, written off\",USD"))
    }
}
