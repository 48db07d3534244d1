import Accounting
import Foundation
import Core
import Ledger
import Matching
import Reports
import Testing
import TestSupport

@Suite struct ReportWriterTests {
    static let day = Day(year: 2026, month: 11, day: 2)!
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    static func row(_ receipt: String, _ invoice: String, _ applied: Int64) -> RemittanceRow {
        RemittanceRow(receiptID: receipt, source: "nacha", sourceRef: "0210000" + receipt, valueDay: day, customerID: "C1", receiptAmount: m(applied),
                      invoiceID: invoice, applied: m(applied), discount: m(0), writeOff: m(0), rule: "remittance", confidence: 95)
    }

    @Test func rowsAreSortedByStableKeysWhateverTheInputOrder() {
        let rows = [Self.row("2", "B", 100), Self.row("1", "A", 5), Self.row("2", "A", 7)]
        #expect(ReportWriter.remittanceCSV(rows) == ReportWriter.remittanceCSV(rows.reversed()))
        let lines = ReportWriter.remittanceCSV(rows).split(separator: "\n")
        #expect(lines[1].hasPrefix("1,nacha,02100001,2026-11-02,C1,0.05,A,0.05,0.00,0.00,remittance,95"))
    }

    /// Decisions of receipts in no particular order (several applications each, invoices out of order, cash left
    /// unapplied, equal references and days) and return rows that share a receipt's fields: the rows the list
    /// makes, in its sorted order, are the rows made one by one and sorted by their five fields, ties in list order.
    /// Advice rows made from decisions when read are the rows made one by one and sorted by customer, value day,
    /// reference and invoice, ties in decision order; a payer's reason goes with its invoice.
    @Test func adviceRowsMadeFromDecisionsSortAsTheRowsThemselvesWould() {
        let decisions = Self.randomDecisions()
        let names = ["C1": "One", "C2": "Two"]
        var made: [AdviceRow] = []
        for d in decisions {
            for a in d.applications {
                made.append(AdviceRow(customerID: a.customerID, name: names[a.customerID] ?? "", receiptID: d.receipt.id, source: d.receipt.source.rawValue,
                                      sourceRef: d.receipt.sourceRef, valueDay: d.receipt.valueDay, invoiceID: a.invoiceID, cash: a.applied, discount: a.discount,
                                      deduction: a.writeOff, reasonCode: a.invoiceID == "INV-3" && !d.receipt.remittance.isEmpty ? "CS" : "", rule: d.rule.rawValue))
            }
        }
        let expected = made.indices.sorted { a, b in
            let x = made[a], y = made[b]
            if x.customerID != y.customerID { return x.customerID < y.customerID }
            if x.valueDay != y.valueDay { return x.valueDay < y.valueDay }
            if x.sourceRef != y.sourceRef { return x.sourceRef < y.sourceRef }
            if x.invoiceID != y.invoiceID { return x.invoiceID < y.invoiceID }
            return a < b
        }.map { made[$0] }
        let list = AdviceList(decisions: decisions, names: names) { d in
            Dictionary(d.applications.filter { $0.invoiceID == "INV-3" }.map { ($0.invoiceID, "CS") }, uniquingKeysWith: { a, _ in a })
        }
        #expect(Array(list) == expected)
        #expect(expected.contains { $0.reasonCode == "CS" })
    }

    static func randomDecisions() -> [Decision] {
        var generator = SeededGenerator(seed: 20_261_130)
        var decisions: [Decision] = []
        for n in 0..<400 {
            let id = "R\(Int.random(in: 0..<60, using: &generator))"
            let day = Self.day.adding(days: Int.random(in: 0..<3, using: &generator))
            let receipt = Receipt(id: id, source: [.nacha, .bai2, .csv].randomElement(using: &generator)!, sourceRef: "ref\(Int.random(in: 0..<5, using: &generator))",
                                  sourceKey: "k\(n)", valueDay: day, amount: Self.m(10_000), bankAccount: "1",
                                  remittance: n % 3 == 0 ? [RemittanceItem(reference: "INV-3", adjustments: [.init(amount: Self.m(5), reasonCode: "CS")])] : [],
                                  location: SourceLocation(file: "f", line: n))
            let applications = (0..<Int.random(in: 0..<4, using: &generator)).map { _ in
                Application(invoiceID: "INV-\(Int.random(in: 0..<9, using: &generator))", customerID: Bool.random(using: &generator) ? "C1" : "C2", applied: Self.m(100),
                            discount: Self.m(0), writeOff: Self.m(0))
            }
            let unapplied = Bool.random(using: &generator) ? Self.m(50) : Self.m(0)
            decisions.append(Decision(receipt: receipt, customerID: "C1", applications: applications, unapplied: unapplied, rule: .remittance, confidence: 90,
                                      evidence: Evidence()))
        }
        return decisions
    }

    @Test func remittanceRowsMadeFromDecisionsSortAsTheRowsThemselvesWould() {
        let decisions = Self.randomDecisions()
        let returns = (0..<30).map { n in
            RemittanceRow(receiptID: "R\(n % 60)", source: "nacha", sourceRef: "ref\(n % 5)", valueDay: Self.day, customerID: "C1", receiptAmount: Self.m(-100),
                          invoiceID: "INV-\(n % 9)", applied: Self.m(-100), discount: Self.m(0), writeOff: Self.m(0), rule: "return", confidence: 100)
        }
        var made: [RemittanceRow] = []
        for d in decisions { RemittanceRow.append(d, to: &made) }
        made += returns
        let expected = made.indices.sorted { a, b in
            let x = made[a], y = made[b]
            let kx = [x.valueDay.description, x.source, x.sourceRef, x.receiptID, x.invoiceID].map { Array($0.utf8) }
            let ky = [y.valueDay.description, y.source, y.sourceRef, y.receiptID, y.invoiceID].map { Array($0.utf8) }
            for (p, q) in zip(kx, ky) where p != q { return p.lexicographicallyPrecedes(q) }
            return a < b
        }.map { made[$0] }
        let list = RemittanceList(decisions: decisions, then: returns)
        #expect(Array(list) == made)
        #expect(Array(ReportWriter.sortedRemittance(list)) == expected)
        #expect(Array(ReportWriter.sortedRemittance(made)) == expected)
    }

    @Test func theRemittancePageListsAPageOfRowsAndTotalsThemAll() async throws {
        // 20,003 rows: the page lists 12,000, says so, and totals every row; the CSV has all of them.
        let rows = (0..<20_003).map { Self.row(String(100_000 + $0), "INV-\($0)", 100) }
        let report = DayReport(day: Self.day, runID: 1, remittance: rows, exceptions: [], openItems: [], journal: [], summary: .object([]))
        let folder = TestPaths.temporaryDirectory("remittance-page")
        try await ReportWriter.write(report, to: folder)
        let html = try String(contentsOfFile: folder + "/remittance.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<tr><td class=\"day\">").count - 1 == 12_000)
        #expect(html.contains("The first 12000 of 20003 rows"))
        #expect(html.utf8.count < 5_000_000)
        #expect(html.contains("20003 receipts") && html.contains("applied 20,003.00"))
        // The totals row is of every row, not of the rows listed.
        #expect(html.contains("<td colspan=\"6\">Total USD, 20003 rows</td><td class=\"num\">20,003.00</td>"))
        let csv = try String(contentsOfFile: folder + "/remittance.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 20_004)
    }

    @Test func fieldsWithCommasQuotesAndLineBreaksAreQuoted() {
        #expect(CSVWriter.row(["a,b", "say \"x\"", "two\nlines", "plain"]) == "\"a,b\",\"say \"\"x\"\"\",\"two\nlines\",plain\n")
    }

    @Test func freeTextThatASpreadsheetWouldRunIsNeutralizedAndAmountsAreNot() {
        let e = MatchException(type: .unmatched, about: "k", source: "bai2", sourceRef: "W1", customerID: "C1", amount: Self.m(-500),
                               message: "=HYPERLINK(\"http://x\")", suggestions: "@SUM(A1)")
        let csv = ReportWriter.exceptionsCSV([e])
        #expect(csv.contains(",-5.00,"))
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1)"), "\(csv)")
        for risky in ["=1+1", "+1", "-1", "@x", "\tx", "\rx"] { #expect(CSVWriter.text(risky) == "'" + risky) }
        #expect(CSVWriter.text("plain") == "plain" && CSVWriter.text("") == "")
    }

    @Test func exceptionsCSVAndHTMLEscapeWhatTheyShow() async throws {
        let e = MatchException(type: .unmatched, about: "k", source: "bai2", sourceRef: "W1", location: SourceLocation(file: "bank/x.bai", line: 9),
                               customerID: "C1", amount: Self.m(-31_218), invoiceIDs: ["A", "B"], message: "<script>alert(1)</script>, ok")
        let csv = ReportWriter.exceptionsCSV([e])
        #expect(csv.contains(",UNMATCHED,warning,,bai2,W1,bank/x.bai:9,C1,-312.18,A|B,\"<script>alert(1)</script>, ok\","))
        let report = DayReport(day: Self.day, runID: 1, remittance: [], exceptions: [e], openItems: [], journal: [], summary: .object([]))
        let folder = TestPaths.temporaryDirectory("reports")
        try await ReportWriter.write(report, to: folder)
        // Nothing but the reports is left in the folder (no temporary files).
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["advice.csv", "aging.csv", "aging.html", "exceptions.csv", "exceptions.html",
                                                                                       "journal.csv", "open-items.csv", "remittance.csv", "remittance.html",
                                                                                       "summary.html", "summary.json"])
        let html = try? String(contentsOfFile: folder + "/exceptions.html", encoding: .utf8)
        #expect(html?.contains("&lt;script&gt;") == true)
        // The payload is shown as text; the only script is the page's own table script (sorting and filtering).
        #expect(html?.contains("<script>alert") == false)
        #expect(html?.components(separatedBy: "<script>").count == 2)
    }
}

@Suite struct TextBufferTests {
    @Test(arguments: [(Int64(0), 2, "0.00", "0.00"), (5, 2, "0.05", "0.05"), (-5, 2, "-0.05", "-0.05"), (123_456_789, 2, "1234567.89", "1,234,567.89"),
                      (-100_000, 2, "-1000.00", "-1,000.00"), (1_234, 0, "1234", "1,234"), (1_234, 3, "1.234", "1.234"),
                      (Int64.min, 2, "-92233720368547758.08", "-92,233,720,368,547,758.08"), (Int64.max, 2, "92233720368547758.07", "92,233,720,368,547,758.07")])
    func amounts(units: Int64, exponent: Int, plain: String, grouped: String) {
        var a = TextBuffer()
        a.append(minorUnits: units, exponent: exponent)
        #expect(String(decoding: a.bytes, as: UTF8.self) == plain)
        #expect(plain == MoneyFormat.plain(units, exponent: exponent))
        var b = TextBuffer()
        b.append(groupedMinorUnits: units, exponent: exponent)
        #expect(String(decoding: b.bytes, as: UTF8.self) == grouped)
    }

    @Test func csvFieldsAreQuotedAndFreeTextIsNeutralized() {
        var out = TextBuffer()
        out.csv("plain")
        out.csv("a,b")
        out.csv("say \"hi\"")
        out.csv(" padded")
        out.csvText("=HYPERLINK(\"x\")")
        out.csvText("-12")
        out.csv("-12")
        out.csv(day: Day(year: 2026, month: 3, day: 7)!)
        out.csvEmpty()
        out.endRecord()
        out.csv("next")
        out.endRecord()
        #expect(String(decoding: out.bytes, as: UTF8.self) == "plain,\"a,b\",\"say \"\"hi\"\"\",\" padded\",\"'=HYPERLINK(\"\"x\"\")\",'-12,-12,2026-03-07,\nnext\n")
    }

    @Test func htmlEscapesMarkupAndQuotes() {
        var out = TextBuffer()
        out.html("<b>Tom & \"Jerry\"'s</b>")
        out.html("plain text é")
        #expect(String(decoding: out.bytes, as: UTF8.self) == "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&#39;s&lt;/b&gt;plain text é")
    }
}
