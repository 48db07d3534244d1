import Accounting
import Core
import Foundation
@testable import Reports
import Testing

/// A worklist of more than 1,000 rows is an index (`exceptions.html`) and pages of at most 1,000 rows, each a page of
/// its own under 5 MB, every exception on exactly one page, oldest first.
@Suite struct WorklistPagingTests {
    func rows(_ count: Int, day: Day) -> [WorklistRow] {
        (0..<count).map { i in
            let raised = day.adding(days: -(2 - i * 3 / count))
            let e = ExceptionRow(exceptionID: String(format: "X%07d", i), day: raised, type: i % 3 == 0 ? "UNMATCHED" : "SHORT_PAY", severity: "warning",
                                 receiptID: "R\(i)", source: "nacha", sourceRef: "0\(i)", location: "a.ach:\(i + 1)", customerID: "C\(i % 40)",
                                 amount: Money(minorUnits: Int64(1_000 + i), currency: .usd), invoiceIDs: ["INV-\(i)"],
                                 message: "no open invoice of the amount", suggestions: "look at INV-\(i)", evidence: String(repeating: "evidence ", count: 40))
            return WorklistRow(exception: e)
        }
    }

    @Test func moreThanAThousandRowsArePagedWithAnIndex() async throws {
        let day = try #require(Day.parse("2026-11-06", format: .iso))
        var report = DayReport(day: day, runID: 1, remittance: [], exceptions: [], openItems: [], journal: [], summary: .object([]))
        report.worklist = rows(2_345, day: day)
        report.ledgerPath = "l.sqlite"
        let folder = NSTemporaryDirectory() + "worklist-paging-\(UUID().uuidString)"
        let files = try await ReportWriter.render(report, parts: .worklist, into: folder)
        try ReportWriter.publish(files)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["exceptions-0001.html", "exceptions-0002.html", "exceptions-0003.html", "exceptions.html"])
        let index = try String(contentsOfFile: folder + "/exceptions.html", encoding: .utf8)
        #expect(index.contains("2345 exceptions open at the end of 2026-11-06"))
        #expect(index.contains("<a href=\"exceptions-0003.html\">") && index.contains("2001–2345"))
        #expect(index.contains("SHORT_PAY") && index.contains("UNMATCHED") && index.contains("Largest customers"))
        var seen: [String] = []
        for name in names where name != "exceptions.html" {
            let path = folder + "/" + name
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(size < 5_000_000)
            let page = try String(contentsOfFile: path, encoding: .utf8)
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<script>") && page.contains("input class=\"filter\""))
            let ids = page.components(separatedBy: "<td class=\"id\"><code>").dropFirst().map { String($0.prefix { $0 != "<" }) }
            #expect(ids.count <= 1_000)
            seen += ids
        }
        #expect(seen.count == 2_345 && Set(seen).count == 2_345)
        // Each page holds a run of the worklist in its order (oldest first), by type within the page.
        #expect(Set(seen.prefix(1_000)) == Set((0..<1_000).map { String(format: "X%07d", $0) }))
    }

    @Test func aThousandRowsOrFewerAreOnePage() async throws {
        let day = try #require(Day.parse("2026-11-06", format: .iso))
        var report = DayReport(day: day, runID: 1, remittance: [], exceptions: [], openItems: [], journal: [], summary: .object([]))
        report.worklist = rows(1_000, day: day)
        let folder = NSTemporaryDirectory() + "worklist-one-\(UUID().uuidString)"
        let files = try await ReportWriter.render(report, parts: .worklist, into: folder)
        try ReportWriter.publish(files)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["exceptions.html"])
        let page = try String(contentsOfFile: folder + "/exceptions.html", encoding: .utf8)
        #expect(page.components(separatedBy: "<td class=\"id\"><code>").count == 1_001)
        #expect(page.contains("raised 2026-11-04 · 2 days old") && page.contains("<b>new</b> today"))
    }
}
