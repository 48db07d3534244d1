import Accounting
import Core
import Foundation
import Matching

/// One row of the worklist: an exception the day raised itself (with the run's evidence and candidates), or one the
/// ledger keeps (raised on an earlier day, or the day's own decided since), with where it stands now.
struct WorklistLine: Sendable {
    var id: String
    var day: Day
    var type: String
    var severity: String
    var receiptID: String
    var customerID: String
    var amount: Money?
    var source: String
    var sourceRef: String
    var location: String
    var message: String
    var suggestions: String
    /// The evidence the ledger keeps (the day's own take the run's, richer, from the report).
    var evidence: String
    var invoiceIDs: [String]
    /// Where it stands now when it is no longer simply open (decided since, or closed after the page's day); nil: open,
    /// and the page offers the commands that resolve it.
    var now: WorklistRow?
    /// The exception as the run raised it (the day's own): what the page's commands are made from.
    var raised: MatchException?

    init(_ e: MatchException, day: Day) {
        raised = e
        id = e.id
        self.day = day
        type = e.type.rawValue
        severity = e.severity.description
        receiptID = e.receiptID
        customerID = e.customerID
        amount = e.amount
        source = e.source
        sourceRef = e.sourceRef
        location = e.location?.fileAndLine ?? ""
        message = e.message
        suggestions = e.suggestions
        evidence = ""
        invoiceIDs = e.invoiceIDs
    }

    init(_ w: WorklistRow) {
        let e = w.exception
        id = e.exceptionID
        day = e.day
        type = e.type
        severity = e.severity
        receiptID = e.receiptID
        customerID = e.customerID
        amount = e.amount
        source = e.source
        sourceRef = e.sourceRef
        location = e.location
        message = e.message
        suggestions = e.suggestions
        evidence = e.evidence
        invoiceIDs = e.invoiceIDs
        now = w.isOpenNow ? nil : w
    }

    /// The exception the commands that resolve it are made for (nil: a type this version does not know, nothing offered).
    var forCommands: MatchException? {
        if let raised { return raised }
        guard let type = ExceptionType(rawValue: type) else { return nil }
        var e = MatchException(type: type, about: id, receiptID: receiptID, source: source, sourceRef: sourceRef, customerID: customerID, amount: amount,
                               invoiceIDs: invoiceIDs, message: message, suggestions: suggestions)
        e.id = id
        return e
    }
}

/// The worklist's files. Up to `rowsMax` rows, `exceptions.html` holds them all. More, and it is an index (counts and
/// amounts per type, the customers with most open, which page holds what) with the rows on `exceptions-0001.html`,
/// `exceptions-0002.html`, ...: first the pages of exceptions raised before the day, oldest first, then those of the
/// day's own (new), each page at most `rowsMax` rows, a page of its own (the shared frame and script: its filters and
/// sorting work within it).
///
/// A night of many exceptions makes the pages of its own ahead, while the ledger writer drains (`ahead`), under
/// names of their own; once the day has committed, `make` reads from the ledger only what is not the day's own or is
/// no longer simply open, makes the index and the earlier pages, and names the pages made ahead — or makes them again
/// when one of their rows has changed since (a rerun after decisions).
public enum WorklistPages {
    public static let rowsMax = 1_000
    /// The name of a page made ahead, before its number among the worklist's pages is known.
    static let aheadPrefix = "exceptions-new-"

    /// The day's own pages made ahead: their files and what each holds.
    public struct Ahead: Sendable {
        let sinks: [FileSink]
        let pages: [PageFacts]
        /// The ids on them.
        let ids: Set<String>
    }

    /// What a page holds, for the index.
    struct PageFacts: Sendable {
        var rows: Range<Int>
        var firstDay: Day
        var lastDay: Day
        var types: [(type: String, count: Int)]
        var firstID: String
        var lastID: String
        var new: Bool
    }

    static func pageName(_ number: Int) -> String {
        let digits = String(number)
        return "exceptions-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".html"
    }

    /// The day's own exceptions in the worklist's order: by type, source, reference and id.
    static func todays(_ report: DayReport) -> Ordered<[MatchException]> { ReportWriter.sortedExceptions(report.exceptions) }

    /// Makes the pages of the day's own exceptions now, when there are more than a page of them (fewer are made after
    /// the commit with the rest). Blocking work: run it off the cooperative pool.
    public static func ahead(_ report: DayReport, into folder: String) throws -> Ahead? {
        guard report.exceptions.count > rowsMax else { return nil }
        let sorted = todays(report)
        let (sinks, pages) = try writePages(report, count: sorted.count, new: true, into: folder, name: { aheadPrefix + "\($0).html" }) { rows in
            rows.map { WorklistLine(sorted[$0], day: report.day) }
        }
        return Ahead(sinks: sinks, pages: pages, ids: Set(report.exceptions.map(\.id)))
    }

    public static func discard(_ ahead: Ahead?) {
        if let ahead { ReportWriter.discard(ahead.sinks) }
    }

    /// The worklist's files once the day has committed: `earlier`, the exceptions raised before the day still open at
    /// its end; `todaysChanged`, the day's own no longer simply open (closed by the day's end: off the worklist).
    /// The pages made ahead are named in place when none of their rows changed, else made again.
    public static func make(_ report: DayReport, ahead: Ahead?, earlier: [WorklistRow], todaysChanged: [WorklistRow],
                            into folder: String) async throws -> [FileSink] {
        try await BlockingWork.runToEnd {
            try files(report, ahead: ahead, earlier: earlier, todaysChanged: todaysChanged, into: folder)
        }
    }

    static func files(_ report: DayReport, ahead: Ahead?, earlier: [WorklistRow], todaysChanged: [WorklistRow], into folder: String) throws -> [FileSink] {
        let earlierLines = earlier.map(WorklistLine.init)
        // One of the day's own shown among the earlier (raised again today) or changed since: the day's pages are made
        // again with where each stands now.
        let earlierIDs = Set(earlier.map(\.exception.exceptionID))
        var usable = ahead
        if let a = usable, !todaysChanged.isEmpty || !a.ids.isDisjoint(with: earlierIDs) {
            discard(a)
            usable = nil
        }
        var made: [FileSink] = []
        do {
            if let a = usable {
                made = try pagedFiles(report, earlier: earlierLines, todays: nil, ahead: a, into: folder)
            } else {
                let todays = todaysLines(report, changed: todaysChanged, shownEarlier: earlierIDs)
                if earlierLines.count + todays.count <= rowsMax {
                    made.append(try ReportWriter.write("exceptions.html", in: folder) { out in
                        try HTMLReport.worklistPage(report, lines: earlierLines + todays, heading: .whole, into: &out)
                    })
                } else {
                    made = try pagedFiles(report, earlier: earlierLines, todays: todays, ahead: nil, into: folder)
                }
            }
        } catch {
            ReportWriter.discard(made)
            discard(usable)
            throw error
        }
        return made
    }

    /// The day's own lines as they stand now: those closed by the end of the day leave, those decided since say so.
    static func todaysLines(_ report: DayReport, changed: [WorklistRow], shownEarlier: Set<String>) -> [WorklistLine] {
        let now = Dictionary(changed.map { ($0.exception.exceptionID, $0) }, uniquingKeysWith: { a, _ in a })
        var lines: [WorklistLine] = []
        let sorted = todays(report)
        lines.reserveCapacity(sorted.count)
        for e in sorted where !shownEarlier.contains(e.id) {
            var line = WorklistLine(e, day: report.day)
            if let w = now[e.id] {
                if let closed = w.closedDay, closed <= report.day { continue }
                line.now = w.isOpenNow ? nil : w
            }
            lines.append(line)
        }
        return lines
    }

    /// The index and the pages of a worklist longer than a page: the earlier exceptions' pages first, then the day's
    /// own (made here from `todays`, or made ahead and named now).
    static func pagedFiles(_ report: DayReport, earlier: [WorklistLine], todays: [WorklistLine]?, ahead: Ahead?, into folder: String) throws -> [FileSink] {
        var made: [FileSink] = []
        var pages: [PageFacts] = []
        do {
            (made, pages) = try writePages(report, count: earlier.count, new: false, into: folder, name: pageName) { Array(earlier[$0]) }
            if let ahead {
                for (k, sink) in ahead.sinks.enumerated() { sink.retarget(to: folder + "/" + pageName(pages.count + k + 1)) }
                made += ahead.sinks
                pages += ahead.pages
            } else if let todays {
                let first = pages.count
                let (sinks, facts) = try writePages(report, count: todays.count, new: true, into: folder, name: { pageName(first + $0) }) { Array(todays[$0]) }
                made += sinks
                pages += facts
            }
            let totals = try WorklistTotals(report, earlier: earlier, todays: todays)
            let pages = pages
            made.append(try ReportWriter.write("exceptions.html", in: folder) { out in
                try HTMLReport.worklistIndex(report, totals: totals, pages: pages, into: &out)
            })
        } catch {
            ReportWriter.discard(made)
            throw error
        }
        return made
    }

    /// The pages of `count` rows of one part of the worklist (raised before the day, or the day's own), at most `rowsMax`
    /// each: page n (from 1) named `name(n)`, its rows made by `lines`. Nothing is left of them when one fails.
    static func writePages(_ report: DayReport, count: Int, new: Bool, into folder: String, name: (Int) -> String,
                           lines: (Range<Int>) -> [WorklistLine]) throws -> (sinks: [FileSink], pages: [PageFacts]) {
        var sinks: [FileSink] = []
        var pages: [PageFacts] = []
        let pageCount = (count + rowsMax - 1) / rowsMax
        do {
            for (n, start) in stride(from: 0, to: count, by: rowsMax).enumerated() {
                let rows = start..<min(start + rowsMax, count)
                let lines = lines(rows)
                let facts = PageFacts(lines, rows: rows, new: new)
                sinks.append(try ReportWriter.write(name(n + 1), in: folder) { out in
                    try HTMLReport.worklistPage(report, lines: lines, heading: .paged(facts, number: n + 1, of: pageCount, total: count), into: &out)
                })
                pages.append(facts)
            }
        } catch {
            ReportWriter.discard(sinks)
            throw error
        }
        return (sinks, pages)
    }

    /// Removes the worklist pages an earlier run of the day left that this one did not make (a rerun with fewer
    /// pages), once the new ones are published: a page no index links would show what is no longer true.
    public static func removeStalePages(in folder: String, keeping made: [FileSink]) {
        let kept = Set(made.map { ($0.path as NSString).lastPathComponent })
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where !kept.contains(name) && isPageName(name) {
            unlink(folder + "/" + name)
        }
    }

    /// `exceptions-NNNN.html` (four digits or more).
    static func isPageName(_ name: String) -> Bool {
        guard name.hasPrefix("exceptions-"), name.hasSuffix(".html") else { return false }
        let digits = name.dropFirst("exceptions-".count).dropLast(".html".count)
        return digits.count >= 4 && digits.allSatisfy { $0 >= "0" && $0 <= "9" }
    }

    /// Every file of the worklist made at once from the report (`DayReport.worklistEarlier` and the day's own).
    static func files(_ report: DayReport, into folder: String) throws -> [FileSink] {
        try files(report, ahead: nil, earlier: report.worklistEarlier, todaysChanged: report.worklistChanged, into: folder)
    }
}

extension WorklistPages.PageFacts {
    init(_ lines: [WorklistLine], rows: Range<Int>, new: Bool) {
        var counts: [String: Int] = [:]
        for l in lines { counts[l.type, default: 0] += 1 }
        // A page is never empty.
        let first = lines[0].day
        self.init(rows: rows, firstDay: lines.reduce(first) { min($0, $1.day) }, lastDay: lines.reduce(first) { max($0, $1.day) },
                  types: counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, firstID: lines.first?.id ?? "", lastID: lines.last?.id ?? "", new: new)
    }
}

/// The index's totals: per type and per customer, the exceptions open and their amounts per currency (minor units).
struct WorklistTotals: Sendable {
    var byType: [String: (count: Int, amounts: [Currency: Int64])] = [:]
    var byCustomer: [String: (count: Int, amounts: [Currency: Int64])] = [:]
    var rows = 0
    var todays = 0

    /// `todays`: the day's own lines as they stand (nil: all of the report's exceptions, none changed).
    init(_ report: DayReport, earlier: [WorklistLine], todays: [WorklistLine]?) throws {
        for l in earlier { try add(type: l.type, customer: l.customerID, amount: l.amount) }
        if let todays {
            for l in todays { try add(type: l.type, customer: l.customerID, amount: l.amount) }
            self.todays = todays.count
        } else {
            for e in report.exceptions { try add(type: e.type.rawValue, customer: e.customerID, amount: e.amount) }
            self.todays = report.exceptions.count
        }
    }

    private mutating func add(type: String, customer: String, amount: Money?) throws {
        rows += 1
        byType[type, default: (0, [:])].count += 1
        byCustomer[customer, default: (0, [:])].count += 1
        if let amount {
            try MinorUnits.add(amount.minorUnits, to: &byType[type, default: (0, [:])].amounts[amount.currency, default: 0], of: "the worklist's total of \(type)")
            try MinorUnits.add(amount.minorUnits, to: &byCustomer[customer, default: (0, [:])].amounts[amount.currency, default: 0], of: "the worklist's total of \(customer)")
        }
    }
}

extension HTMLReport {
    /// How a worklist page is headed: the whole worklist, or one page of a paged one (what it holds, its number among
    /// the pages of its part: raised before the day, or the day's own).
    enum WorklistHeading {
        case whole
        case paged(WorklistPages.PageFacts, number: Int, of: Int, total: Int)
    }

    /// The index of a paged worklist: counts and amounts per type, the customers with the most open, and each page with
    /// the rows, days, types and ids it holds.
    static func worklistIndex(_ report: DayReport, totals: WorklistTotals, pages: [WorklistPages.PageFacts], into out: inout TextBuffer) throws {
        try tablePage(title: "Exceptions \(report.day)", into: &out) { out in
            out.append("<h1>Exceptions — \(report.day)</h1>\n<p class=\"meta\">\(totals.rows) exceptions open at the end of \(report.day) (\(totals.todays) raised that day, new), ")
            out.append("on \(pages.count) pages of at most \(WorklistPages.rowsMax) rows: those raised before the day first, oldest first, then the day's own. Each page filters and sorts its own rows.</p>\n")
            out.append("<h2>By type</h2>\n" as StaticString)
            let types = totals.byType.keys.sorted()
            filterBox(table: "t-types", rows: types.count, into: &out)
            out.append("<table class=\"sortable\" id=\"t-types\"><thead><tr><th>Type</th><th class=\"num\">Open</th><th class=\"num\">Amount</th></tr></thead><tbody>\n" as StaticString)
            for type in types {
                out.append("<tr><td>" as StaticString)
                out.html(type)
                out.append("</td><td class=\"num\">" as StaticString)
                out.append(integer: Int64(totals.byType[type]?.count ?? 0))
                out.append("</td>" as StaticString)
                amounts(totals.byType[type]?.amounts ?? [:], into: &out)
                out.append("</tr>\n" as StaticString)
            }
            out.append("</tbody></table>\n" as StaticString)
            largestCustomers(report, totals, into: &out)
            out.append("<h2>Pages</h2>\n" as StaticString)
            filterBox(table: "t-pages", rows: pages.count, into: &out)
            out.append("<table class=\"sortable\" id=\"t-pages\"><thead><tr><th>Page</th><th>Raised</th><th class=\"num\">Rows</th><th>Types</th><th>Ids</th></tr></thead><tbody>\n" as StaticString)
            for (i, page) in pages.enumerated() {
                let name = WorklistPages.pageName(i + 1)
                out.append("<tr><td><a href=\"\(name)\">\(name)</a></td><td class=\"day\">")
                out.append(page.new ? "new · " as StaticString : "before · " as StaticString)
                out.append(day: page.firstDay)
                if page.lastDay != page.firstDay {
                    out.append(" to " as StaticString)
                    out.append(day: page.lastDay)
                }
                out.append("</td><td class=\"num\">\(page.rows.lowerBound + 1)–\(page.rows.upperBound)</td><td>")
                out.html(page.types.map { "\($0.type) \($0.count)" }.joined(separator: ", "))
                out.append("</td><td><code>" as StaticString)
                out.html(page.firstID)
                out.append("</code> … <code>" as StaticString)
                out.html(page.lastID)
                out.append("</code></td></tr>\n" as StaticString)
                try out.flushIfFull()
            }
            out.append("</tbody></table>\n" as StaticString)
        }
    }

    /// The customers with the most exceptions open (then the larger amount), at most 20.
    private static func largestCustomers(_ report: DayReport, _ totals: WorklistTotals, into out: inout TextBuffer) {
        let largest = totals.byCustomer.sorted { a, b in
            if a.value.count != b.value.count { return a.value.count > b.value.count }
            let x = a.value.amounts.values.reduce(0, &+).magnitude, y = b.value.amounts.values.reduce(0, &+).magnitude
            return x != y ? x > y : a.key < b.key
        }.prefix(20)
        out.append("<h2>Customers with the most open</h2>\n" as StaticString)
        filterBox(table: "t-customers", rows: largest.count, into: &out)
        out.append("<table class=\"sortable\" id=\"t-customers\"><thead><tr><th>Customer</th><th class=\"num\">Open</th><th class=\"num\">Amount</th></tr></thead><tbody>\n" as StaticString)
        for (customer, counted) in largest {
            out.append("<tr><td>" as StaticString)
            out.html(customer.isEmpty ? "(not known)" : customer)
            if let name = report.customerNames[customer], !name.isEmpty {
                out.append(" " as StaticString)
                out.html(name)
            }
            out.append("</td><td class=\"num\">" as StaticString)
            out.append(integer: Int64(counted.count))
            out.append("</td>" as StaticString)
            amounts(counted.amounts, into: &out)
            out.append("</tr>\n" as StaticString)
        }
        out.append("</tbody></table>\n" as StaticString)
    }

    /// An amount cell per currency (most worklists are of one), in minor units to the page.
    private static func amounts(_ totals: [Currency: Int64], into out: inout TextBuffer) {
        out.append("<td class=\"num\">" as StaticString)
        for (n, currency) in totals.keys.sorted(by: { $0.code < $1.code }).enumerated() {
            if n > 0 { out.append("<br>" as StaticString) }
            out.append(groupedMinorUnits: totals[currency] ?? 0, exponent: currency.exponent)
            out.append(" " as StaticString)
            out.append(currency.code)
        }
        out.append("</td>" as StaticString)
    }
}
