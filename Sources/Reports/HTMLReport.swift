import Core
import Matching

/// The HTML pages a reviewer opens in the morning: exceptions first, grouped by type, then what was applied.
enum HTMLReport {
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

    static func page(title: String, body: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(title))</title><style>\(style)</style></head><body>\n\(body)</body></html>\n"
    }

    static func exceptions(_ report: DayReport) -> String {
        let rows = ReportWriter.sortedExceptions(report.exceptions)
        var body = "<h1>Exceptions — \(report.day)</h1>\n<p class=\"meta\">Run \(report.runID). \(rows.count) exception\(rows.count == 1 ? "" : "s") to review.</p>\n"
        let grouped = Dictionary(grouping: rows, by: \.type)
        for type in ExceptionType.allCases {
            guard let items = grouped[type] else { continue }
            body += "<h2>\(type.rawValue) (\(items.count))</h2>\n<table><thead><tr><th>Id</th><th>Severity</th><th>Customer</th><th>Amount</th><th>Invoices</th><th>Message</th><th>Suggestions</th><th>Source</th></tr></thead><tbody>\n"
            for e in items {
                body += "<tr><td><code>\(escape(e.id))</code></td><td class=\"sev-\(e.severity)\">\(e.severity)</td><td>\(escape(e.customerID))</td>"
                body += "<td class=\"num\">\(e.amount.map { escape(MoneyFormat.grouped($0.minorUnits, exponent: $0.currency.exponent) + " " + $0.currency.code) } ?? "")</td>"
                body += "<td>\(escape(e.invoiceIDs.joined(separator: ", ")))</td><td>\(escape(e.message))</td><td>\(escape(e.suggestions))</td>"
                body += "<td>\(escape(e.source)) \(escape(e.sourceRef))<br><code>\(escape(e.location?.fileAndLine ?? ""))</code></td></tr>\n"
            }
            body += "</tbody></table>\n"
        }
        if rows.isEmpty { body += "<p>Nothing to review.</p>\n" }
        return page(title: "Exceptions \(report.day)", body: body)
    }

    static func remittance(_ report: DayReport) -> String {
        let rows = ReportWriter.sortedRemittance(report.remittance)
        var applied: Int64 = 0
        var unapplied: Int64 = 0
        for r in rows { if r.invoiceID.isEmpty { unapplied += r.applied.minorUnits } else { applied += r.applied.minorUnits } }
        let exponent = rows.first?.applied.currency.exponent ?? 2
        var body = "<h1>Remittance — \(report.day)</h1>\n<p class=\"meta summary\"><span>\(Set(rows.map(\.receiptID)).count) receipts</span>"
        body += "<span>applied \(MoneyFormat.grouped(applied, exponent: exponent))</span><span>unapplied \(MoneyFormat.grouped(unapplied, exponent: exponent))</span></p>\n"
        body += "<table><thead><tr><th>Value date</th><th>Source</th><th>Reference</th><th>Customer</th><th>Receipt</th><th>Invoice</th><th>Applied</th><th>Discount</th><th>Write-off</th><th>Rule</th><th>Confidence</th></tr></thead><tbody>\n"
        for r in rows {
            func m(_ money: Money) -> String { MoneyFormat.grouped(money.minorUnits, exponent: money.currency.exponent) }
            body += "<tr><td>\(r.valueDay)</td><td>\(escape(r.source))</td><td><code>\(escape(r.sourceRef))</code></td><td>\(escape(r.customerID))</td>"
            body += "<td class=\"num\">\(m(r.receiptAmount))</td><td>\(escape(r.invoiceID.isEmpty ? "— unapplied —" : r.invoiceID))</td>"
            body += "<td class=\"num\">\(m(r.applied))</td><td class=\"num\">\(m(r.discount))</td><td class=\"num\">\(m(r.writeOff))</td>"
            body += "<td>\(escape(r.rule))</td><td class=\"num\">\(r.confidence)</td></tr>\n"
        }
        body += "</tbody></table>\n"
        return page(title: "Remittance \(report.day)", body: body)
    }
}
