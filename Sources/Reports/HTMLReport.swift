import Core
import Matching

/// The HTML pages a reviewer opens in the morning: exceptions first, grouped by type, then what was applied.
public enum HTMLReport {
    /// The text with `&`, `<`, `>` and `"` escaped; the text itself when it has none (the common case, found
    /// over UTF-8 bytes: a report escapes every cell).
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static let style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2733;background:#fff}
        h1{font-size:1.4rem;margin-bottom:.2rem} h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.2rem}
        p.meta{color:#5a6b7d;margin-top:0} table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:.5rem}
        th,td{border-bottom:1px solid #e3e8ef;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#f4f6f9;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .sev-error,.sev-fatal{color:#a4161a;font-weight:600} .sev-warning{color:#8a5a00} code{font-size:.8rem;color:#5a6b7d}
        .summary span{display:inline-block;margin-right:1.5rem}
        """

    static func page(title: String, into out: inout TextBuffer, _ body: (inout TextBuffer) throws -> Void) rethrows {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" as StaticString)
        out.html(title)
        out.append("</title><style>")
        out.append(style)
        out.append("</style></head><body>\n" as StaticString)
        try body(&out)
        out.append("</body></html>\n" as StaticString)
    }

    static func exceptions(_ report: DayReport) -> String {
        ReportWriter.text { try? exceptions(report, sorted: ReportWriter.sortedExceptions(report.exceptions), into: &$0) }
    }

    static func exceptions(_ report: DayReport, sorted rows: [MatchException], into out: inout TextBuffer) throws {
        try page(title: "Exceptions \(report.day)", into: &out) { out in
            out.append("<h1>Exceptions — \(report.day)</h1>\n<p class=\"meta\">\(rows.count) exception\(rows.count == 1 ? "" : "s") to review.</p>\n")
            let grouped = Dictionary(grouping: rows, by: \.type)
            for type in ExceptionType.allCases {
                guard let items = grouped[type] else { continue }
                out.append("<h2>\(type.rawValue) (\(items.count))</h2>\n<table><thead><tr><th>Id</th><th>Severity</th><th>Customer</th><th>Amount</th><th>Invoices</th><th>Message</th><th>Suggestions</th><th>Source</th></tr></thead><tbody>\n")
                for e in items {
                    out.append("<tr><td><code>" as StaticString)
                    out.html(e.id)
                    out.append("</code></td><td class=\"sev-\(e.severity)\">\(e.severity)</td><td>")
                    out.html(e.customerID)
                    out.append("</td><td class=\"num\">" as StaticString)
                    if let amount = e.amount {
                        out.append(groupedMinorUnits: amount.minorUnits, exponent: amount.currency.exponent)
                        out.append(" " + amount.currency.code)
                    }
                    out.append("</td><td>" as StaticString)
                    out.html(e.invoiceIDs.joined(separator: ", "))
                    out.append("</td><td>" as StaticString)
                    out.html(e.message)
                    out.append("</td><td>" as StaticString)
                    out.html(e.suggestions)
                    out.append("</td><td>" as StaticString)
                    out.html(e.source)
                    out.append(" " as StaticString)
                    out.html(e.sourceRef)
                    out.append("<br><code>" as StaticString)
                    out.html(e.location?.fileAndLine ?? "")
                    out.append("</code></td></tr>\n" as StaticString)
                    try out.flushIfFull()
                }
                out.append("</tbody></table>\n" as StaticString)
            }
            if rows.isEmpty { out.append("<p>Nothing to review.</p>\n" as StaticString) }
        }
    }

    static func remittance(_ report: DayReport) -> String {
        ReportWriter.text { try? remittance(report, sorted: ReportWriter.sortedRemittance(report.remittance), into: &$0) }
    }

    static func remittance(_ report: DayReport, sorted rows: [RemittanceRow], into out: inout TextBuffer) throws {
        var applied: Int64 = 0
        var unapplied: Int64 = 0
        var receipts = Set<String>()
        for r in rows {
            if r.invoiceID.isEmpty { unapplied &+= r.applied.minorUnits } else { applied &+= r.applied.minorUnits }
            receipts.insert(r.receiptID)
        }
        let exponent = rows.first?.applied.currency.exponent ?? 2
        try page(title: "Remittance \(report.day)", into: &out) { out in
            out.append("<h1>Remittance — \(report.day)</h1>\n<p class=\"meta summary\"><span>\(receipts.count) receipts</span><span>applied ")
            out.append(groupedMinorUnits: applied, exponent: exponent)
            out.append("</span><span>unapplied " as StaticString)
            out.append(groupedMinorUnits: unapplied, exponent: exponent)
            out.append("</span></p>\n" as StaticString)
            out.append("<table><thead><tr><th>Value date</th><th>Source</th><th>Reference</th><th>Customer</th><th>Receipt</th><th>Invoice</th><th>Applied</th><th>Discount</th><th>Write-off</th><th>Rule</th><th>Confidence</th></tr></thead><tbody>\n" as StaticString)
            func money(_ m: Money) {
                out.append("<td class=\"num\">" as StaticString)
                out.append(groupedMinorUnits: m.minorUnits, exponent: m.currency.exponent)
                out.append("</td>" as StaticString)
            }
            for r in rows {
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
