import Accounting
import Core

/// The worklist's pages: up to `Worklist.pageRowsMax` rows, `exceptions.html` holds them all; more, and it is an
/// index (counts and amounts per type, the largest customers, which page holds what) with the rows on
/// `exceptions-0001.html`, `exceptions-0002.html`, ... each a page of its own (the shared frame and script: its
/// filters and sorting work within it).
struct Worklist: Sendable {
    static let pageRowsMax = 1_000

    let rows: [WorklistRow]
    /// The rows of each page, in order (one range when not paged).
    let pages: [Range<Int>]

    init(_ rows: [WorklistRow], pageRowsMax: Int = Worklist.pageRowsMax) {
        self.rows = rows
        pages = rows.count <= pageRowsMax ? [rows.indices]
            : stride(from: 0, to: rows.count, by: pageRowsMax).map { $0..<min($0 + pageRowsMax, rows.count) }
    }

    var isPaged: Bool { pages.count > 1 }

    static func pageName(_ number: Int) -> String {
        let digits = String(number)
        return "exceptions-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".html"
    }

    /// Every file of the worklist, by name, with what writes it.
    func files(_ report: DayReport) -> [(String, @Sendable (inout TextBuffer) throws -> Void)] {
        let worklist = self
        var files: [(String, @Sendable (inout TextBuffer) throws -> Void)] = [
            ("exceptions.html", { @Sendable out in try HTMLReport.worklistFirstPage(report, worklist, into: &out) }),
        ]
        guard isPaged else { return files }
        for (i, range) in pages.enumerated() {
            files.append((Self.pageName(i + 1), { @Sendable out in
                try HTMLReport.worklistPage(report, rows: worklist.rows[range], page: (i + 1, worklist.pages.count), into: &out)
            }))
        }
        return files
    }
}

extension HTMLReport {
    /// `exceptions.html`: the whole worklist, or the index of a paged one.
    static func worklistFirstPage(_ report: DayReport, _ worklist: Worklist, into out: inout TextBuffer) throws {
        if worklist.isPaged {
            try worklistIndex(report, worklist, into: &out)
        } else {
            try worklistPage(report, rows: worklist.rows[...], page: nil, into: &out)
        }
    }

    /// The index of a paged worklist: counts and amounts per type (per currency, summed in minor units), the customers
    /// with the most open, and each page with the rows, days, types and ids it holds.
    static func worklistIndex(_ report: DayReport, _ worklist: Worklist, into out: inout TextBuffer) throws {
        let rows = worklist.rows
        try tablePage(title: "Exceptions \(report.day)", into: &out) { out in
            let today = rows.reduce(0) { $0 + ($1.exception.day == report.day ? 1 : 0) }
            out.append("<h1>Exceptions — \(report.day)</h1>\n<p class=\"meta\">\(rows.count) exceptions open at the end of \(report.day) (\(today) raised that day), oldest first, on \(worklist.pages.count) pages of at most \(Worklist.pageRowsMax) rows. Each page filters and sorts its own rows.</p>\n")
            var byType: [String: (count: Int, amounts: [Currency: Int64])] = [:]
            var byCustomer: [String: (count: Int, amounts: [Currency: Int64])] = [:]
            for w in rows {
                let e = w.exception
                byType[e.type, default: (0, [:])].count += 1
                byCustomer[e.customerID, default: (0, [:])].count += 1
                if let amount = e.amount {
                    try MinorUnits.add(amount.minorUnits, to: &byType[e.type, default: (0, [:])].amounts[amount.currency, default: 0], of: "the worklist's total of \(e.type)")
                    try MinorUnits.add(amount.minorUnits, to: &byCustomer[e.customerID, default: (0, [:])].amounts[amount.currency, default: 0], of: "the worklist's total of \(e.customerID)")
                }
            }
            out.append("<h2>By type</h2>\n" as StaticString)
            filterBox(table: "t-types", rows: byType.count, into: &out)
            out.append("<table class=\"sortable\" id=\"t-types\"><thead><tr><th>Type</th><th class=\"num\">Open</th><th class=\"num\">Amount</th></tr></thead><tbody>\n" as StaticString)
            for type in byType.keys.sorted() {
                out.append("<tr><td>" as StaticString)
                out.html(type)
                out.append("</td><td class=\"num\">" as StaticString)
                out.append(integer: Int64(byType[type]?.count ?? 0))
                out.append("</td>" as StaticString)
                amounts(byType[type]?.amounts ?? [:], into: &out)
                out.append("</tr>\n" as StaticString)
            }
            out.append("</tbody></table>\n" as StaticString)
            // The customers with the most exceptions open (then the larger amount), at most 20.
            let largest = byCustomer.sorted { a, b in
                if a.value.count != b.value.count { return a.value.count > b.value.count }
                let x = a.value.amounts.values.reduce(0, &+).magnitude, y = b.value.amounts.values.reduce(0, &+).magnitude
                return x != y ? x > y : a.key < b.key
            }.prefix(20)
            out.append("<h2>Largest customers</h2>\n" as StaticString)
            filterBox(table: "t-customers", rows: largest.count, into: &out)
            out.append("<table class=\"sortable\" id=\"t-customers\"><thead><tr><th>Customer</th><th class=\"num\">Open</th><th class=\"num\">Amount</th></tr></thead><tbody>\n" as StaticString)
            for (customer, totals) in largest {
                out.append("<tr><td>" as StaticString)
                out.html(customer.isEmpty ? "(unknown)" : customer)
                if let name = report.customerNames[customer], !name.isEmpty {
                    out.append(" " as StaticString)
                    out.html(name)
                }
                out.append("</td><td class=\"num\">" as StaticString)
                out.append(integer: Int64(totals.count))
                out.append("</td>" as StaticString)
                amounts(totals.amounts, into: &out)
                out.append("</tr>\n" as StaticString)
            }
            out.append("</tbody></table>\n<h2>Pages</h2>\n" as StaticString)
            filterBox(table: "t-pages", rows: worklist.pages.count, into: &out)
            out.append("<table class=\"sortable\" id=\"t-pages\"><thead><tr><th>Page</th><th class=\"num\">Rows</th><th>Raised</th><th>Types</th><th>Ids</th></tr></thead><tbody>\n" as StaticString)
            for (i, range) in worklist.pages.enumerated() {
                let first = rows[range.lowerBound].exception, last = rows[range.upperBound - 1].exception
                let name = Worklist.pageName(i + 1)
                out.append("<tr><td><a href=\"\(name)\">\(name)</a></td><td class=\"num\">\(range.lowerBound + 1)–\(range.upperBound)</td><td class=\"day\">")
                out.append(day: first.day)
                if last.day != first.day {
                    out.append(" to " as StaticString)
                    out.append(day: last.day)
                }
                out.append("</td><td>" as StaticString)
                out.html(Set(rows[range].map(\.exception.type)).sorted().joined(separator: ", "))
                out.append("</td><td><code>" as StaticString)
                out.html(first.exceptionID)
                out.append("</code> … <code>" as StaticString)
                out.html(last.exceptionID)
                out.append("</code></td></tr>\n" as StaticString)
                try out.flushIfFull()
            }
            out.append("</tbody></table>\n" as StaticString)
        }
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
