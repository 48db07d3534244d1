import Accounting
import Core
import Foundation
import Matching
@testable import Reports
import Testing

/// A worklist of more than 1,000 rows is an index (`exceptions.html`) and pages of at most 1,000 rows, each a page of
/// its own under 5 MB, every exception on exactly one page: those raised before the day first, oldest first, then the
/// day's own. The day's own pages made ahead of the commit are the pages made after it, byte for byte.
@Suite struct WorklistPagingTests {
    static let day = Day.parse("2026-11-06", format: .iso)!

    func earlier(_ count: Int) -> [WorklistRow] {
        (0..<count).map { i in
            let e = ExceptionRow(exceptionID: String(format: "X%07d", i), day: Self.day.adding(days: i < count / 2 ? -2 : -1), type: i % 3 == 0 ? "UNMATCHED" : "SHORT_PAY",
                                 severity: "warning", receiptID: "R\(i)", source: "nacha", sourceRef: "0\(i)", location: "a.ach:\(i + 1)", customerID: "C\(i % 40)",
                                 amount: Money(minorUnits: Int64(1_000 + i), currency: .usd), invoiceIDs: ["INV-\(i)"],
                                 message: "no open invoice of the amount", suggestions: "look at INV-\(i)", evidence: String(repeating: "evidence ", count: 40))
            return WorklistRow(exception: e)
        }
    }

    func todays(_ count: Int) -> [MatchException] {
        (0..<count).map { i in
            MatchException(type: i % 2 == 0 ? .ambiguous : .overPay, about: "today-\(i)", receiptID: "T\(i)", source: "bai2", sourceRef: "W\(i)",
                           customerID: "C\(i % 7)", amount: Money(minorUnits: Int64(5_000 + i), currency: .usd), invoiceIDs: ["INV-9\(i)"],
                           message: "two invoices fit", suggestions: "choose one")
        }
    }

    func report(earlier: Int, todays: Int) -> DayReport {
        var report = DayReport(day: Self.day, runID: 1, remittance: [], exceptions: self.todays(todays), openItems: [], journal: [], summary: .object([]))
        report.worklistEarlier = self.earlier(earlier)
        report.ledgerPath = "l.sqlite"
        return report
    }

    func folder(_ name: String) -> String { NSTemporaryDirectory() + "worklist-\(name)-\(UUID().uuidString)" }

    func ids(_ page: String) -> [String] {
        page.components(separatedBy: "<td class=\"id\"><code>").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    @Test func moreThanAThousandRowsArePagedWithAnIndex() async throws {
        let report = report(earlier: 1_345, todays: 1_500)
        let folder = folder("paged")
        try ReportWriter.publish(try await ReportWriter.render(report, parts: .worklist, into: folder))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["exceptions-0001.html", "exceptions-0002.html", "exceptions-0003.html", "exceptions-0004.html", "exceptions.html"])
        let index = try String(contentsOfFile: folder + "/exceptions.html", encoding: .utf8)
        #expect(index.contains("2845 exceptions open at the end of 2026-11-06 (1500 raised that day, new)"))
        #expect(index.contains("<a href=\"exceptions-0002.html\">") && index.contains("1001–1345") && index.contains("1001–1500"))
        #expect(index.contains("SHORT_PAY") && index.contains("AMBIGUOUS 750, OVER_PAY 250") && index.contains("Customers with the most open"))
        var seen: [String] = []
        for name in names where name != "exceptions.html" {
            let path = folder + "/" + name
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(size < 5_000_000)
            let page = try String(contentsOfFile: path, encoding: .utf8)
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<script>") && page.contains("input class=\"filter\"") && page.contains("href=\"exceptions.html\""))
            #expect(ids(page).count <= 1_000)
            seen += ids(page)
        }
        #expect(seen.count == 2_845 && Set(seen).count == 2_845)
        // The earlier exceptions first, in the worklist's order (oldest first); the day's own after them, marked new.
        #expect(Set(seen.prefix(1_000)) == Set((0..<1_000).map { String(format: "X%07d", $0) }))
        #expect(Set(seen.suffix(1_500)) == Set(report.exceptions.map(\.id)))
        #expect(try String(contentsOfFile: folder + "/exceptions-0003.html", encoding: .utf8).contains("<b>new</b> today"))
        #expect(try String(contentsOfFile: folder + "/exceptions-0001.html", encoding: .utf8).contains("raised 2026-11-04 · 2 days old"))
    }

    /// The run's way: the day's own pages made ahead (while the writer drains), named once the earlier ones are known.
    @Test func pagesMadeAheadAreThePagesMadeAfter() async throws {
        let report = report(earlier: 1_200, todays: 2_100)
        let whole = folder("whole"), ahead = folder("ahead")
        try ReportWriter.publish(try await ReportWriter.render(report, parts: .worklist, into: whole))
        try PrivateFiles.makeFolder(ahead)
        let made = try #require(try WorklistPages.ahead(report, into: ahead))
        try ReportWriter.publish(try await WorklistPages.make(report, ahead: made, earlier: report.worklistEarlier, todaysChanged: [], into: ahead))
        let names = try FileManager.default.contentsOfDirectory(atPath: ahead).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: whole).sorted()))
        #expect(names.count == 6)
        for name in names {
            #expect(FileManager.default.contentsEqual(atPath: whole + "/" + name, andPath: ahead + "/" + name), "\(name)")
        }
    }

    /// One of the day's own decided since (a rerun): the pages made ahead are made again, the decided one saying where
    /// it stands, one closed by the end of the day off the worklist; nothing made ahead is left behind.
    @Test func aChangedRowMakesTheDaysPagesAgain() async throws {
        let report = report(earlier: 0, todays: 1_500)
        let folder = folder("changed")
        try PrivateFiles.makeFolder(folder)
        let made = try #require(try WorklistPages.ahead(report, into: folder))
        let decided = report.exceptions[3], closed = report.exceptions[4]
        func row(_ e: MatchException, status: String, closedDay: Day?) -> WorklistRow {
            WorklistRow(exception: ExceptionRow(exceptionID: e.id, day: Self.day, type: e.type.rawValue, severity: "warning", receiptID: e.receiptID, source: e.source,
                                                sourceRef: e.sourceRef, location: "", customerID: e.customerID, amount: e.amount, invoiceIDs: e.invoiceIDs,
                                                message: e.message, suggestions: e.suggestions, status: status, resolution: "apply"),
                        decision: "apply", decidedBy: "ana", bookedDay: closedDay, closedDay: closedDay)
        }
        let changed = [row(decided, status: "resolved", closedDay: nil), row(closed, status: "resolved", closedDay: Self.day)]
        try ReportWriter.publish(try await WorklistPages.make(report, ahead: made, earlier: [], todaysChanged: changed, into: folder))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["exceptions-0001.html", "exceptions-0002.html", "exceptions.html"])
        var seen: [String] = []
        var decidedRow = ""
        for name in names where name != "exceptions.html" {
            let page = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            seen += ids(page)
            if let part = page.components(separatedBy: "<td class=\"id\"><code>" + decided.id).dropFirst().first { decidedRow = part.components(separatedBy: "</tr>")[0] }
        }
        #expect(seen.count == 1_499 && !seen.contains(closed.id) && seen.contains(decided.id))
        #expect(decidedRow.contains("Decided since: apply by ana, to be booked by the next run") && !decidedRow.contains("settle exceptions resolve"))
    }

    @Test func aThousandRowsOrFewerAreOnePage() async throws {
        let report = report(earlier: 600, todays: 400)
        let folder = folder("one")
        try ReportWriter.publish(try await ReportWriter.render(report, parts: .worklist, into: folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["exceptions.html"])
        let page = try String(contentsOfFile: folder + "/exceptions.html", encoding: .utf8)
        #expect(ids(page).count == 1_000)
        #expect(page.contains("1000 exceptions open at the end of 2026-11-06 (400 raised that day, marked new)"))
        #expect(page.contains("raised 2026-11-04 · 2 days old") && page.contains("<b>new</b> today"))
        #expect(try WorklistPages.ahead(report, into: folder) == nil)
    }

    /// A rerun with fewer pages leaves none of the earlier run's extra pages behind (nor anything else).
    @Test func pagesAnEarlierRunLeftAreRemoved() async throws {
        let folder = folder("stale")
        try ReportWriter.publish(try await ReportWriter.render(report(earlier: 0, todays: 3_500), parts: .worklist, into: folder))
        #expect(FileManager.default.fileExists(atPath: folder + "/exceptions-0004.html"))
        try "kept".write(toFile: folder + "/exceptions-notes.html", atomically: true, encoding: .utf8)
        let again = try await ReportWriter.render(report(earlier: 0, todays: 1_500), parts: .worklist, into: folder)
        try ReportWriter.publish(again)
        WorklistPages.removeStalePages(in: folder, keeping: again)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["exceptions-0001.html", "exceptions-0002.html", "exceptions-notes.html", "exceptions.html"])
    }
}

