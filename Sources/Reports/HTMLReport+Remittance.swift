import Core
import Matching

/// remittance.html: what was applied, receipt by receipt.
extension HTMLReport {
    static func remittance(_ report: DayReport) -> String {
        ReportWriter.text { try? remittance(report, sorted: ReportWriter.sortedRemittance(report.remittance), into: &$0) }
    }

    /// The most rows `remittance.html` lists: a page of a million rows (280 MB) is one no browser opens, and a page
    /// stays under 5 MB (20,000 generated rows were 6.5 MB; 12,000 about 3.9 MB). The page gives the totals of every
    /// row, and every row is in `remittance.csv`.
    static let remittanceRowLimit = 12_000

    static func remittance(_ report: DayReport, sorted rows: Ordered<RemittanceList>, into out: inout TextBuffer) throws {
        var applied: Int64 = 0
        var unapplied: Int64 = 0
        var receipts = Set<String>()
        // Per currency, the sums of the money columns: cash (applied to invoices and kept unapplied), discount, write-off.
        var totals = ColumnTotals(columns: 3, of: "remittance.html of \(report.day)")
        for r in rows {
            if r.invoiceID.isEmpty {
                try MinorUnits.add(r.applied.minorUnits, to: &unapplied, of: "the unapplied cash of remittance.html of \(report.day)")
            } else {
                try MinorUnits.add(r.applied.minorUnits, to: &applied, of: "the cash applied in remittance.html of \(report.day)")
            }
            let line = totals.row(r.applied.currency)
            try totals.add(r.applied.minorUnits, column: 0, line: line)
            try totals.add(r.discount.minorUnits, column: 1, line: line)
            try totals.add(r.writeOff.minorUnits, column: 2, line: line)
            receipts.insert(r.receiptID)
        }
        let exponent = rows.first?.applied.currency.exponent ?? 2
        let currencies = totals.byCurrency.map(\.currency.code).joined(separator: ", ")
        try tablePage(title: "Remittance \(report.day)", into: &out) { out in
            out.append("<h1>Remittance — \(report.day)</h1>\n<p class=\"meta summary\"><span>\(receipts.count) receipts</span><span>applied ")
            out.append(groupedMinorUnits: applied, exponent: exponent)
            out.append("</span><span>unapplied " as StaticString)
            out.append(groupedMinorUnits: unapplied, exponent: exponent)
            out.append("</span>" as StaticString)
            if !currencies.isEmpty { out.append("<span>amounts in \(currencies)</span>") }
            out.append("</p>\n" as StaticString)
            if rows.count > remittanceRowLimit {
                out.append("<p class=\"meta\">The first " as StaticString)
                out.append(integer: Int64(remittanceRowLimit))
                out.append(" of " as StaticString)
                out.append(integer: Int64(rows.count))
                out.append(" rows, in the order of <code>remittance.csv</code>, which has every row; the totals are of every row.</p>\n" as StaticString)
            }
            filterBox(table: "remittance", rows: min(rows.count, remittanceRowLimit), into: &out)
            out.append("<table class=\"sortable\" id=\"remittance\"><thead><tr><th>Value date</th><th>Source</th><th>Reference</th><th>Customer</th><th class=\"num\">Receipt</th><th>Invoice</th><th class=\"num\">Cash</th><th class=\"num\">Discount</th><th class=\"num\">Write-off</th><th>Rule</th><th class=\"num\">Confidence</th></tr></thead><tbody>\n" as StaticString)
            func money(_ m: Money) {
                out.append("<td class=\"num\">" as StaticString)
                out.append(groupedMinorUnits: m.minorUnits, exponent: m.currency.exponent)
                out.append("</td>" as StaticString)
            }
            for r in rows.prefix(remittanceRowLimit) {
                out.append("<tr><td class=\"day\">" as StaticString)
                out.append(day: r.valueDay)
                out.append("</td><td>" as StaticString)
                out.html(r.source)
                out.append("</td><td><code>" as StaticString)
                out.html(r.sourceRef)
                out.append("</code></td><td>" as StaticString)
                out.html(r.customerID)
                if let name = report.customerNames[r.customerID], !name.isEmpty {
                    out.append("<span class=\"sub\">" as StaticString)
                    out.html(name)
                    out.append("</span>" as StaticString)
                }
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
            out.append("</tbody><tfoot>\n" as StaticString)
            for line in totals.byCurrency {
                out.append("<tr class=\"total\"><td colspan=\"6\">Total \(line.currency.code), \(line.rows) row\(line.rows == 1 ? "" : "s")</td>")
                for sum in line.sums {
                    out.append("<td class=\"num\">" as StaticString)
                    out.append(groupedMinorUnits: sum, exponent: line.currency.exponent)
                    out.append("</td>" as StaticString)
                }
                out.append("<td colspan=\"2\"></td></tr>\n" as StaticString)
            }
            out.append("</tfoot></table>\n" as StaticString)
        }
    }
}
