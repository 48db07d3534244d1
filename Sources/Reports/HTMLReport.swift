import Core
import Matching

/// The HTML pages a reviewer opens in the morning: exceptions first, grouped by type, then what was applied.
public enum HTMLReport {
    static let style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2733;background:#fff}
        h1{font-size:1.4rem;margin-bottom:.2rem} h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.2rem}
        p.meta{color:#5a6b7d;margin-top:0} table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:.5rem}
        th,td{border-bottom:1px solid #e3e8ef;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#f4f6f9;font-weight:600} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .sev-error,.sev-fatal{color:#a4161a;font-weight:600} .sev-warning{color:#8a5a00} code{font-size:.8rem;color:#5a6b7d}
        .summary span{display:inline-block;margin-right:1.5rem}
        .cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0} .card{border:1px solid #d5dbe3;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
        .card .big{font-size:1.4rem;font-weight:600} th{cursor:pointer} tr.over td{background:#fdecea} input.filter{padding:.2rem .4rem}
        svg.chart{display:block;margin:.5rem 0} div.cmd{margin-bottom:.3rem;user-select:all} table.cands{font-size:.78rem;margin:.2rem 0 .4rem;width:auto} div.cmd code{white-space:pre-wrap;color:#1d2733}
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

    /// A few lines of inline script: click a column heading to sort its table, type in a table's filter box to show
    /// only the rows that contain the text. No network, nothing external.
    static let tableScript = """
        <script>
        document.querySelectorAll('table.sortable').forEach(function (table) {
          var body = table.tBodies[0];
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
            th.addEventListener('click', function () {
              var rows = Array.prototype.slice.call(body.rows), up = th.dataset.dir !== 'up';
              th.dataset.dir = up ? 'up' : 'down';
              rows.sort(function (a, b) {
                var x = a.cells[col].dataset.sort || a.cells[col].textContent, y = b.cells[col].dataset.sort || b.cells[col].textContent;
                var nx = parseFloat(x.replace(/,/g, '')), ny = parseFloat(y.replace(/,/g, ''));
                var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
                return up ? c : -c;
              });
              rows.forEach(function (r) { body.appendChild(r); });
            });
          });
        });
        document.querySelectorAll('input.filter').forEach(function (input) {
          input.addEventListener('input', function () {
            var table = document.getElementById(input.dataset.table), text = input.value.toLowerCase();
            Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
              r.style.display = r.textContent.toLowerCase().indexOf(text) >= 0 ? '' : 'none';
            });
          });
        });
        </script>
        """

    /// How well a candidate fits a receipt, 0-100: 100 when its open amount equals the receipt's, less by the share of
    /// the receipt the two differ by; a candidate set aside for another reason (another customer's, not issued yet) 0.
    static func fit(_ c: Candidate, _ amount: Money) -> Int {
        let receipt = amount.minorUnits.magnitude
        guard receipt > 0 else { return 0 }
        switch c.reason {
        case .equalCandidate: return 100
        case let .amountDiffers(d):
            guard d.magnitude < receipt else { return 0 }
            let product = d.magnitude.multipliedFullWidth(by: 100)
            let share = product.high == 0 ? product.low / receipt : 100
            return share >= 100 ? 0 : 100 - Int(share)
        case .discountWindowClosed: return 90
        default: return 0
        }
    }

    /// The commands that resolve an exception, one per candidate: what a reviewer copies.
    static func resolveCommands(_ e: MatchException, ledger: String) -> [String] {
        let base = "settle exceptions resolve \(e.id) --ledger \(shellQuoted(ledger))"
        switch e.type {
        case .ambiguous, .unmatched, .overPay, .unknownCustomer:
            var commands = e.invoiceIDs.map { invoice in "\(base) --apply \(invoice)=\(e.amount?.description ?? "AMOUNT") --note \"...\"" }
            if commands.isEmpty { commands.append("\(base) --apply INVOICE=AMOUNT --note \"...\"") }
            return commands + ["\(base) --unapplied --note \"...\"", "\(base) --refund --note \"...\""]
        case .shortPay:
            return ["\(base) --write-off --note \"...\"", "\(base) --ignore --note \"...\""]
        default:
            return ["\(base) --ignore --note \"...\""]
        }
    }

    static func shellQuoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "/._-".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func exceptions(_ report: DayReport, sorted rows: Ordered<[MatchException]>, into out: inout TextBuffer) throws {
        try page(title: "Exceptions \(report.day)", into: &out) { out in
            out.append("<h1>Exceptions — \(report.day)</h1>\n<p class=\"meta\">\(rows.count) exception\(rows.count == 1 ? "" : "s") to review, grouped by type. Each shows what arrived, why no rule applied, the candidates and the command that resolves it with each.</p>\n")
            let grouped = Dictionary(grouping: rows, by: \.type)
            for type in ExceptionType.allCases {
                guard let items = grouped[type] else { continue }
                let tableID = "t-\(type.rawValue.lowercased())"
                out.append("<h2>\(type.rawValue) (\(items.count))</h2>\n<p><input class=\"filter\" data-table=\"\(tableID)\" placeholder=\"Filter\"></p>\n")
                out.append("<table class=\"sortable\" id=\"\(tableID)\"><thead><tr><th>Id</th><th>Severity</th><th>Customer</th><th>Amount</th><th>What arrived</th><th>Why</th><th>Candidates and evidence</th><th>Resolve</th></tr></thead><tbody>\n")
                for e in items {
                    out.append("<tr><td><code>" as StaticString)
                    out.html(e.id)
                    out.append("</code></td><td class=\"sev-\(e.severity)\">\(e.severity)</td><td>")
                    out.html(e.customerID)
                    if let name = report.customerNames[e.customerID], !name.isEmpty {
                        out.append("<br>" as StaticString)
                        out.html(name)
                    }
                    out.append("</td><td class=\"num\"" as StaticString)
                    if let amount = e.amount {
                        out.append(" data-sort=\"\(amount.description)\">")
                        out.append(groupedMinorUnits: amount.minorUnits, exponent: amount.currency.exponent)
                        out.append(" " + amount.currency.code)
                    } else {
                        out.append(">" as StaticString)
                    }
                    out.append("</td><td>" as StaticString)
                    out.html(e.source)
                    out.append(" " as StaticString)
                    out.html(e.sourceRef)
                    out.append("<br><code>" as StaticString)
                    out.html(e.location?.fileAndLine ?? "")
                    out.append("</code>" as StaticString)
                    if let text = report.receiptTexts[e.receiptID], !text.isEmpty {
                        out.append("<br><small>" as StaticString)
                        out.html(text)
                        out.append("</small>" as StaticString)
                    }
                    out.append("</td><td>" as StaticString)
                    out.html(e.message)
                    out.append("</td><td>" as StaticString)
                    if !e.invoiceIDs.isEmpty {
                        out.append("<b>" as StaticString)
                        out.html(e.invoiceIDs.joined(separator: ", "))
                        out.append("</b><br>" as StaticString)
                    }
                    if let found = report.candidates[e.receiptID], !found.list.isEmpty {
                        // The best candidates first, each with how well its open amount fits the receipt (100: exactly).
                        out.append("<table class=\"cands\"><tr><th>Invoice</th><th>Open</th><th>Fit</th><th>Set aside because</th></tr>" as StaticString)
                        for c in found.list.sorted(by: { (fit($0, found.amount), $1.invoiceID) > (fit($1, found.amount), $0.invoiceID) }).prefix(5) {
                            out.append("<tr><td>" as StaticString)
                            out.html(c.invoiceID)
                            out.append("</td><td class=\"num\">" as StaticString)
                            out.append(groupedMinorUnits: c.openMinorUnits, exponent: found.amount.currency.exponent)
                            out.append("</td><td class=\"num\">" as StaticString)
                            out.append(integer: Int64(fit(c, found.amount)))
                            out.append("</td><td>" as StaticString)
                            out.html(c.reason.description)
                            out.append("</td></tr>" as StaticString)
                        }
                        out.append("</table>" as StaticString)
                    }
                    out.html(report.evidence[e.receiptID] ?? e.suggestions)
                    out.append("</td><td>" as StaticString)
                    for command in resolveCommands(e, ledger: report.ledgerPath) {
                        out.append("<div class=\"cmd\"><code>" as StaticString)
                        out.html(command)
                        out.append("</code></div>" as StaticString)
                    }
                    out.append("</td></tr>\n" as StaticString)
                    try out.flushIfFull()
                }
                out.append("</tbody></table>\n" as StaticString)
            }
            if rows.isEmpty { out.append("<p>Nothing to review.</p>\n" as StaticString) }
            out.append(tableScript)
        }
    }

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
