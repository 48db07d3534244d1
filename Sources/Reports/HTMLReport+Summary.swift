import Core
import Matching

/// summary.html: the day at a glance.
extension HTMLReport {
    /// The day at a glance: counts and totals per stage, match rates, exceptions by type, cash by source, ACH in transit,
    /// and the trend of the last run days — inline SVG, nothing external.
    static func summary(_ report: DayReport, into out: inout TextBuffer) throws {
        let s = report.summary
        func value(_ path: String...) -> String { (path.isEmpty ? nil : s[path[0]]).flatMap { first in path.dropFirst().reduce(Optional(first)) { $0?[$1] } }?.text ?? "" }
        page(title: "Summary \(report.day)", into: &out) { out in
            out.append("<h1>The day at a glance — \(report.day)</h1>\n<p class=\"meta\">")
            out.html(value("job"))
            out.append("</p>\n<div class=\"cards\">" as StaticString)
            func card(_ label: String, _ text: String) {
                out.append("<div class=\"card\"><div class=\"big\">" as StaticString)
                out.html(text)
                out.append("</div><div>" as StaticString)
                out.html(label)
                out.append("</div></div>" as StaticString)
            }
            card("receipts", value("cash_application", "receipts"))
            card("received", value("cash_application", "receipt_total"))
            card("match rate (count)", percent(value("cash_application", "match_rate")))
            card("match rate (amount)", percent(value("cash_application", "match_rate_by_amount")))
            card("exceptions", value("exceptions", "total"))
            card("ACH in transit", value("settlement", "in_transit_total"))
            out.append("</div>\n" as StaticString)
            out.append("<h2>Stages</h2>\n<table><tbody>" as StaticString)
            let stages: [(String, [String])] = [
                ("Files read / rejected", ["ingest", "files"]), ("", ["ingest", "rejected"]), ("NACHA batches / entries", ["ingest", "nacha_batches"]),
                ("", ["ingest", "nacha_entries"]), ("Statement lines", ["ingest", "statement_lines"]), ("ACH batches settled / pending", ["settlement", "settled"]),
                ("", ["settlement", "pending"]), ("Applied / discounts / write-offs / unapplied", ["cash_application", "applied_total"]),
                ("", ["cash_application", "discount_total"]), ("", ["cash_application", "writeoff_total"]), ("", ["cash_application", "unapplied_total"]),
                ("Journal entries / reversals", ["ledger", "entries"]), ("", ["ledger", "reversals"]),
            ]
            var first = true
            for (label, path) in stages {
                if !label.isEmpty {
                    if !first { out.append("</td></tr>" as StaticString) }
                    out.append("<tr><th>" as StaticString)
                    out.html(label)
                    out.append("</th><td class=\"num\">" as StaticString)
                    first = false
                } else {
                    out.append(" / " as StaticString)
                }
                out.html(value(path[0], path[1]))
            }
            out.append("</td></tr></tbody></table>\n" as StaticString)
            // Exceptions by type and cash by source, as bars.
            var byType: [Bar] = []
            if case let .object(fields)? = s["exceptions"] {
                for (k, v) in fields where k != "total" {
                    let count = Int64(v.text) ?? 0
                    byType.append(Bar(label: k, size: count, text: String(count)))
                }
            }
            out.append("<h2>Exceptions by type</h2>\n" as StaticString)
            bars(byType, into: &out)
            // Amounts as summary.json writes them, read back exactly in minor units (never through a binary fraction).
            let exponent = s["currency"].flatMap { Currency.iso($0.text) }?.exponent ?? 2
            var bySource: [Bar] = []
            if case let .object(fields)? = s["cash_application", "by_source"] {
                for (k, v) in fields {
                    let units = (try? MoneyFormat.parseMinorUnits(Array((v["amount"]?.text ?? "").utf8), exponent: exponent, style: .point)) ?? 0
                    bySource.append(Bar(label: k, size: units, text: Bar.amount(units, exponent: exponent)))
                }
            }
            out.append("<h2>Cash by source</h2>\n" as StaticString)
            bars(bySource, into: &out)
            if !report.trend.isEmpty {
                out.append("<h2>The last \(report.trend.count) run days: receipts and exceptions</h2>\n")
                trend(report.trend, into: &out)
            }
            if case let .array(ties)? = s["bank"], !ties.isEmpty {
                out.append("<h2>Books against the bank</h2>\n<table><thead><tr><th>Account</th><th>Statement of</th><th>Currency</th><th>Statement closing</th><th>Book balance</th><th>Difference</th><th>Status</th></tr></thead><tbody>" as StaticString)
                for tie in ties {
                    out.append("<tr><td>" as StaticString)
                    out.html(tie["account"]?.text ?? "")
                    for k in ["statement_day", "currency"] {
                        out.append("</td><td>" as StaticString)
                        out.html(tie[k]?.text ?? "")
                    }
                    for k in ["statement_closing", "book_balance", "difference"] {
                        out.append("</td><td class=\"num\">" as StaticString)
                        out.html(tie[k]?.text ?? "")
                    }
                    out.append("</td><td>" as StaticString)
                    // A difference is said loudly: it is money the books and the bank disagree on (BANK_DIFFERENCE).
                    let status = tie["status"]?.text ?? ""
                    out.html(status == "tied" ? "tied" : status == "no statement" ? "NO STATEMENT: see STATEMENT_GAP in exceptions" : "DIFFERENCE: see BANK_DIFFERENCE in exceptions")
                    out.append("</td></tr>" as StaticString)
                }
                out.append("</tbody></table>\n" as StaticString)
            }
        }
    }

    static func percent(_ rate: String) -> String {
        guard let value = Double(rate) else { return rate }
        return String(format: "%.1f%%", value * 100)
    }

    /// One bar: its label, its size (a count, or an amount in minor units) and the text shown beside it.
    struct Bar {
        var label: String
        var size: Int64
        var text: String

        /// An amount as the bars show it: whole units without decimals, else every decimal the currency has.
        static func amount(_ units: Int64, exponent: Int) -> String {
            var scale: Int64 = 1
            for _ in 0..<exponent { scale *= 10 }
            return units % scale == 0 ? String(units / scale) : MoneyFormat.plain(units, exponent: exponent)
        }
    }

    /// Horizontal bars, labelled, scaled to the largest (in integers: 380 pixels for the largest).
    static func bars(_ items: [Bar], into out: inout TextBuffer) {
        guard let top = items.map(\.size).max(), top > 0 else {
            out.append("<p>None.</p>\n" as StaticString)
            return
        }
        let height = items.count * 22 + 4
        out.append("<svg class=\"chart\" width=\"640\" height=\"\(height)\" role=\"img\">")
        for (i, item) in items.enumerated() {
            let y = i * 22 + 2
            let size = max(0, item.size)
            let (scaled, overflow) = size.multipliedReportingOverflow(by: 380)
            let width = max(1, Int(overflow ? size / max(1, top / 380) : scaled / top))
            out.append("<text x=\"0\" y=\"\(y + 14)\" font-size=\"12\">")
            out.html(item.label)
            out.append("</text><rect x=\"200\" y=\"\(y)\" width=\"\(width)\" height=\"16\" fill=\"#3b6ea5\"></rect><text x=\"\(206 + width)\" y=\"\(y + 13)\" font-size=\"12\">")
            out.html(item.text)
            out.append("</text>" as StaticString)
        }
        out.append("</svg>\n" as StaticString)
    }

    /// Receipts (bars) and exceptions (line) of the last run days.
    static func trend(_ days: [DayReport.TrendDay], into out: inout TextBuffer) {
        let top = max(1, days.map { max($0.receipts, $0.exceptions) }.max() ?? 1)
        let step = max(8, 600 / max(1, days.count))
        out.append("<svg class=\"chart\" width=\"\(step * days.count + 40)\" height=\"170\" role=\"img\">")
        var points: [String] = []
        for (i, d) in days.enumerated() {
            let x = 20 + i * step
            let h = 120 * d.receipts / top
            out.append("<rect x=\"\(x)\" y=\"\(130 - h)\" width=\"\(step - 3)\" height=\"\(h)\" fill=\"#9bb7d4\"><title>\(d.day): \(d.receipts) receipts, \(d.exceptions) exceptions</title></rect>")
            points.append("\(x + step / 2),\(130 - 120 * d.exceptions / top)")
        }
        out.append("<polyline fill=\"none\" stroke=\"#a4161a\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"></polyline>")
        if let first = days.first, let last = days.last {
            out.append("<text x=\"20\" y=\"150\" font-size=\"11\">\(first.day)</text><text x=\"\(max(20, step * days.count - 60))\" y=\"150\" font-size=\"11\">\(last.day)</text>")
        }
        out.append("</svg>\n<p class=\"meta\">Bars: receipts; line: exceptions.</p>\n" as StaticString)
    }
}
