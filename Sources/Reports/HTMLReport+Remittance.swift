import Core
import Matching

/// remittance.html: what was applied, receipt by receipt.
extension HTMLReport {
    static func remittance(_ report: DayReport) -> String {
        ReportWriter.text { try? remittance(report, sorted: ReportWriter.sortedRemittance(report.remittance), into: &$0) }
    }

    /// The most rows `remittance.html` lists: a page of a million rows (280 MB) is one no browser opens; the page
    /// gives the totals of every row, and every row is in `remittance.csv`.
    static let remittanceRowLimit = 20_000

    static func remittance(_ report: DayReport, sorted rows: Ordered<RemittanceList>, into out: inout TextBuffer) throws {
        var applied: Int64 = 0
        var unapplied: Int64 = 0
        var receipts = Set<String>()
        for r in rows {
            if r.invoiceID.isEmpty {
                try MinorUnits.add(r.applied.minorUnits, to: &unapplied, of: "the unapplied cash of remittance.html of \(report.day)")
            } else {
                try MinorUnits.add(r.applied.minorUnits, to: &applied, of: "the cash applied in remittance.html of \(report.day)")
            }
            receipts.insert(r.receiptID)
        }
        let exponent = rows.first?.applied.currency.exponent ?? 2
        try page(title: "Remittance \(report.day)", into: &out) { out in
            out.append("<h1>Remittance — \(report.day)</h1>\n<p class=\"meta summary\"><span>\(receipts.count) receipts</span><span>applied ")
            out.append(groupedMinorUnits: applied, exponent: exponent)
            out.append("</span><span>unapplied " as StaticString)
            out.append(groupedMinorUnits: unapplied, exponent: exponent)
            out.append("</span></p>\n" as StaticString)
            if rows.count > remittanceRowLimit {
                out.append("<p class=\"meta\">The first " as StaticString)
                out.append(integer: Int64(remittanceRowLimit))
                out.append(" of " as StaticString)
                out.append(integer: Int64(rows.count))
                out.append(" rows, in the order of <code>remittance.csv</code>, which has every row; the totals above are of every row.</p>\n" as StaticString)
            }
            out.append("<table><thead><tr><th>Value date</th><th>Source</th><th>Reference</th><th>Customer</th><th>Receipt</th><th>Invoice</th><th>Applied</th><th>Discount</th><th>Write-off</th><th>Rule</th><th>Confidence</th></tr></thead><tbody>\n" as StaticString)
            func money(_ m: Money) {
                out.append("<td class=\"num\">" as StaticString)
                out.append(groupedMinorUnits: m.minorUnits, exponent: m.currency.exponent)
                out.append("</td>" as StaticString)
            }
            for r in rows.prefix(remittanceRowLimit) {
                out.append("<tr><td>" as StaticString)
                out.append(day: r.valueDay)
                out.append("</td><td>" as StaticString)
                out.html(r.source)
                out.append("</td><td><code>" as StaticString)
                out.html(r.sourceRef)
                out.append("</code></td><td>" as StaticString)
                out.html(r.customerID)
                out.append("</td>" as StaticString)
                money(r.receiptAmount)
                out.append("<td>" as StaticString)
                if r.invoiceID.isEmpty { out.append("— unapplied —" as StaticString) } else { out.html(r.invoiceID) }
                out.append("</td>" as StaticString)
                money(r.applied)
                money(r.discount)
                money(r.writeOff)
                out.append("<td>" as StaticString)
                out.html(r.rule)
                out.append("</td><td class=\"num\">" as StaticString)
                out.append(integer: Int64(r.confidence))
                out.append("</td></tr>\n" as StaticString)
                try out.flushIfFull()
            }
            out.append("</tbody></table>\n" as StaticString)
        }
    }
}
