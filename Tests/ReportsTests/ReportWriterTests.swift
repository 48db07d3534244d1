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

    @Test func exceptionsCSVAndHTMLEscapeWhatTheyShow() {
        let e = MatchException(type: .unmatched, about: "k", source: "bai2", sourceRef: "W1", location: SourceLocation(file: "bank/x.bai", line: 9),
                               customerID: "C1", amount: Self.m(-31_218), invoiceIDs: ["A", "B"], message: "<script>alert(1)</script>, ok")
        let csv = ReportWriter.exceptionsCSV([e])
        #expect(csv.contains(",UNMATCHED,warning,,bai2,W1,bank/x.bai:9,C1,-312.18,A|B,\"<script>alert(1)</script>, ok\","))
        let report = DayReport(day: Self.day, runID: 1, remittance: [], exceptions: [e], openItems: [], journal: [], summary: .object([]))
        let folder = TestPaths.temporaryDirectory("reports")
        #expect(throws: Never.self) { try ReportWriter.write(report, to: folder) }
        let html = try? String(contentsOfFile: folder + "/exceptions.html", encoding: .utf8)
        #expect(html?.contains("&lt;script&gt;") == true)
        #expect(html?.contains("<script>") == false)
    }
}
