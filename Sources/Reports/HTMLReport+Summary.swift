import Core
import Matching

/// summary.html: the day at a glance.
extension HTMLReport {
    /// The day at a glance: how much cash came in and went back, whether the books tie to each bank account, counts and
    /// totals per stage, exceptions by type, cash by source, and the trend of the last run days — inline SVG, nothing
    /// external. Every figure is read from summary.json, amounts exactly in minor units (never through a binary fraction).
    static func summary(_ report: DayReport, into out: inout TextBuffer) throws {
        let s = report.summary
        func value(_ path: String...) -> String { (path.isEmpty ? nil : s[path[0]]).flatMap { first in path.dropFirst().reduce(Optional(first)) { $0?[$1] } }?.text ?? "" }
        let code = value("currency")
        let exponent = Currency.iso(code)?.exponent ?? 2
        func units(_ text: String, exponent: Int = exponent) -> Int64? { try? MoneyFormat.parseMinorUnits(Array(text.utf8), exponent: exponent, style: .point) }
        /// An amount of summary.json as people read it: grouped, with its currency.
        func amount(_ text: String, currency: String = code) -> String {
            let e = Currency.iso(currency)?.exponent ?? exponent
            guard let u = units(text, exponent: e) else { return text.isEmpty ? "—" : text }
            return MoneyFormat.grouped(u, exponent: e) + (currency.isEmpty ? "" : " " + currency)
        }
        let bankData = value("bank_data")
        page(title: "Summary \(report.day)", into: &out) { out in
            out.append("<h1>The day at a glance — \(report.day)</h1>\n<p class=\"meta\">")
            out.html(value("job"))
            out.html(code.isEmpty ? "" : " · amounts in \(code)")
            out.append("</p>\n<div class=\"cards\">" as StaticString)
            func card(_ label: String, _ text: String, note: String = "") {
                out.append("<div class=\"card\"><div class=\"big\">" as StaticString)
                out.html(text)
                out.append("</div><div>" as StaticString)
                out.html(label)
                out.append("</div>" as StaticString)
                if !note.isEmpty {
                    out.append("<div class=\"meta\" style=\"font-size:.8rem;color:#5a6b7d\">" as StaticString)
                    out.html(note)
                    out.append("</div>" as StaticString)
                }
                out.append("</div>" as StaticString)
            }
            let receipts = Int(value("cash_application", "receipts")) ?? 0
            let returns = Int(value("cash_application", "returns")) ?? 0
            card("received", amount(value("cash_application", "receipt_total")), note: counted(receipts, "receipt"))
            card("returned", amount(value("cash_application", "return_total")), note: counted(returns, "return"))
            card("net cash", amount(value("cash_application", "net_cash_total")), note: "received less returned")
            card("ACH in transit", amount(value("settlement", "in_transit_total")), note: "at the end of the day")
            out.append("</div>\n<div class=\"cards\">" as StaticString)
            // Without a statement for every expected account (or any bank data) the rates describe only what was read:
            // a day the bank did not report is not shown as a perfect one, nor is a day without receipts.
            for (label, key) in [("match rate (count)", "match_rate"), ("match rate (amount)", "match_rate_by_amount")] {
                let rate = percent(value("cash_application", key))
                if bankData == "complete" || bankData.isEmpty {
                    card(label, receipts == 0 ? "—" : rate, note: receipts == 0 ? "no receipts today" : "")
                } else {
                    card(label, "no bank data", note: receipts == 0 ? "no receipts read" : "\(rate) of the \(counted(receipts, "receipt")) read")
                }
            }
            card("exceptions", value("exceptions", "total"))
            out.append("</div>\n<p class=\"meta\">" as StaticString)
            out.html("Received counts each payment on the day it arrives: an ACH entry the day its file comes, a wire, lockbox or other "
                     + "bank credit on its statement line. Returned is money that went back today (ACH returns of payments received "
                     + "earlier). Net cash is received less returned.")
            // The bank's own view beside it: the statements' credits are not the day's receipts when ACH settles on
            // another day than its file came (ACH in transit holds it between).
            if case let .array(ties)? = s["bank"] {
                var credits: Int64 = 0, debits: Int64 = 0, seen = false
                for tie in ties where tie["currency"]?.text == code {
                    if let c = units(tie["credits"]?.text ?? ""), let d = units(tie["debits"]?.text ?? ""),
                       let sums = try? (MinorUnits.sum(credits, c, of: "credits"), MinorUnits.sum(debits, d, of: "debits")) {
                        (credits, debits) = sums
                        seen = true
                    }
                }
                let received = units(value("cash_application", "receipt_total")) ?? 0
                let returned = units(value("cash_application", "return_total")) ?? 0
                if seen && (credits != received || debits != returned) {
                    let moved = (try? MinorUnits.difference(credits, debits, of: "")).map { ($0 > 0 ? "+" : "") + MoneyFormat.grouped($0, exponent: exponent) } ?? ""
                    out.html(" The statements show credits of \(MoneyFormat.grouped(credits, exponent: exponent)) \(code) and debits of "
                             + "\(MoneyFormat.grouped(debits, exponent: exponent)) \(code) (the bank moved \(moved) \(code)): an ACH payment is counted when its file "
                             + "comes and reaches the bank when its batch settles, often a day later (ACH in transit holds it between); "
                             + "settlements of the seller's own debits and bank fees move the bank too.")
                }
            }
            out.append("</p>\n" as StaticString)
            bank(s, bankData: bankData, units: { units($0, exponent: $1) }, into: &out)
            out.append("<h2>Stages</h2>\n<table><tbody>" as StaticString)
            let stages: [(String, [String])] = [
                ("Files read / rejected", ["ingest", "files"]), ("", ["ingest", "rejected"]), ("NACHA batches / entries", ["ingest", "nacha_batches"]),
                ("", ["ingest", "nacha_entries"]), ("Statement lines", ["ingest", "statement_lines"]), ("ACH batches settled / pending", ["settlement", "settled"]),
                ("", ["settlement", "pending"]), ("Applied / discounts / write-offs / unapplied (\(code))", ["cash_application", "applied_total"]),
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
                let text = value(path[0], path[1])
                out.html(path[1].hasSuffix("_total") ? (units(text).map { MoneyFormat.grouped($0, exponent: exponent) } ?? text) : text)
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
            // The bar's size is the amount; its text names the amount with its currency, and the count as receipts.
            var bySource: [Bar] = []
            if case let .object(fields)? = s["cash_application", "by_source"] {
                for (k, v) in fields {
                    let size = units(v["amount"]?.text ?? "") ?? 0
                    let count = Int(v["receipts"]?.text ?? "") ?? 0
                    bySource.append(Bar(label: k, size: size, text: "\(MoneyFormat.grouped(size, exponent: exponent)) \(code) · \(counted(count, "receipt"))"))
                }
            }
            out.append("<h2>Cash received by source</h2>\n" as StaticString)
            bars(bySource, into: &out)
            if let origination = s["origination"] { autopay(origination, amount: { amount($0) }, into: &out) }
            if !report.trend.isEmpty {
                out.append("<h2>Receipts and exceptions, \(report.trend.count == 1 ? "the last run day" : "the last \(report.trend.count) run days")</h2>\n")
                trend(report.trend, into: &out)
            }
        }
    }

    /// Autopay: the debits the seller pulls, by state; the return rates against NACHA's limits; the pulls in flight.
    static func autopay(_ o: JSONValue, amount: (String) -> String, into out: inout TextBuffer) {
        out.append("<h2>Autopay</h2>\n<table><thead><tr><th>Pulls</th><th class=\"num\">count</th><th class=\"num\">amount</th></tr></thead><tbody>" as StaticString)
        if case let .object(states)? = o["pulls"] {
            for (state, v) in states {
                out.append("<tr><td>" as StaticString)
                out.html(state)
                out.append("</td><td class=\"num\">" as StaticString)
                out.html(v["count"]?.text ?? "0")
                out.append("</td><td class=\"num\">" as StaticString)
                out.html(amount(v["total"]?.text ?? ""))
                out.append("</td></tr>" as StaticString)
            }
        }
        out.append("</tbody></table>\n<p class=\"meta\">Mandates: " as StaticString)
        if case let .object(statuses)? = o["mandates"] {
            out.html(statuses.map { "\($0.1.text) \($0.0)" }.joined(separator: " · "))
        }
        out.append("</p>\n<h3>Return rates, last 60 days</h3>\n<table><thead><tr><th>company</th><th>returns</th><th class=\"num\">returns / debits</th>"
                   + "<th class=\"num\">rate</th><th class=\"num\">NACHA limit</th><th>status</th></tr></thead><tbody>")
        if case let .array(rates)? = o["return_rates"] {
            for rate in rates {
                out.append("<tr><td>" as StaticString)
                out.html(rate["company_id"]?.text ?? "")
                out.append("</td><td>" as StaticString)
                out.html(rate["family"]?.text ?? "")
                out.append("</td><td class=\"num\">" as StaticString)
                out.html("\(rate["returns"]?.text ?? "0") / \(rate["debits"]?.text ?? "0")")
                out.append("</td><td class=\"num\">" as StaticString)
                out.html((rate["rate"]?.text ?? "") + "%")
                out.append("</td><td class=\"num\">" as StaticString)
                out.html((rate["limit"]?.text ?? "") + "%")
                out.append("</td><td>" as StaticString)
                out.html(rate["status"]?.text ?? "")
                out.append("</td></tr>" as StaticString)
            }
        }
        out.append("</tbody></table>\n" as StaticString)
        guard case let .array(flying)? = o["in_flight"], !flying.isEmpty else { return }
        out.append("<h3>Pulls in flight</h3>\n<table><thead><tr><th>trace</th><th>customer</th><th>invoice</th><th class=\"num\">amount</th>"
                   + "<th>effective</th><th>state</th></tr></thead><tbody>")
        for pull in flying {
            out.append("<tr>" as StaticString)
            for (key, numeric) in [("trace", false), ("customer_id", false), ("invoice_id", false), ("amount", true), ("effective_day", false), ("state", false)] {
                out.append(numeric ? "<td class=\"num\">" : "<td>")
                out.html(numeric ? amount(pull[key]?.text ?? "") : (pull[key]?.text ?? ""))
                out.append("</td>" as StaticString)
            }
            out.append("</tr>" as StaticString)
        }
        out.append("</tbody></table>\n" as StaticString)
        if let more = Int(o["in_flight_not_listed"]?.text ?? ""), more > 0 {
            out.append("<p class=\"meta\">" as StaticString)
            out.html("and \(more) more (summary.json lists the first \(flying.count))")
            out.append("</p>\n" as StaticString)
        }
    }

    /// "1 receipt", "2 receipts".
    static func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// Books against the bank: per account and currency the statement's opening, credits, debits and closing beside
    /// the books; an expected statement that did not come is named; a day without any bank data says so.
    static func bank(_ s: JSONValue, bankData: String, units: (String, Int) -> Int64?, into out: inout TextBuffer) {
        out.append("<h2>Books against the bank</h2>\n" as StaticString)
        guard case let .array(ties)? = s["bank"], !ties.isEmpty else {
            out.append("<p><strong>No bank data.</strong> " as StaticString)
            out.html(bankData == "none" ? "No statement was read for this day: payments only the bank reports (wires, lockbox, checks) are not counted, and the books are not tied to the bank."
                                        : "No statement balance was read for this day: the books are not tied to the bank.")
            out.append("</p>\n" as StaticString)
            return
        }
        let missing = ties.filter { $0["status"]?.text == "no statement" }
        if !missing.isEmpty {
            out.append("<p><strong>No bank data for " as StaticString)
            out.html(missing.map { "\($0["account"]?.text ?? "") (\($0["currency"]?.text ?? "")) of \($0["statement_day"]?.text ?? "")" }.joined(separator: ", "))
            out.append(".</strong> " as StaticString)
            out.html("bank_accounts expects a statement every business day; without it the books of \(missing.count == 1 ? "that account are" : "those accounts are") not tied to the bank and its receipts are not counted (STATEMENT_GAP in exceptions; the run exits 4).")
            out.append("</p>\n" as StaticString)
        }
        out.append("<table><thead><tr><th>Account</th><th>Statement of</th><th>Currency</th><th class=\"num\">Opening</th><th class=\"num\">Credits</th><th class=\"num\">Debits</th><th class=\"num\">Closing</th><th class=\"num\">Books</th><th class=\"num\">Difference</th><th>Status</th></tr></thead><tbody>" as StaticString)
        for tie in ties {
            let currency = tie["currency"]?.text ?? ""
            let exponent = Currency.iso(currency)?.exponent ?? 2
            out.append("<tr><td>" as StaticString)
            out.html(tie["account"]?.text ?? "")
            for k in ["statement_day", "currency"] {
                out.append("</td><td>" as StaticString)
                out.html(tie[k]?.text ?? "")
            }
            for k in ["opening", "credits", "debits", "statement_closing", "book_balance", "difference"] {
                out.append("</td><td class=\"num\">" as StaticString)
                let text = tie[k]?.text ?? ""
                out.html(units(text, exponent).map { MoneyFormat.grouped($0, exponent: exponent) } ?? "—")
            }
            out.append("</td><td>" as StaticString)
            // A difference is said loudly: it is money the books and the bank disagree on (BANK_DIFFERENCE).
            let status = tie["status"]?.text ?? ""
            out.html(status == "tied" ? "tied" : status == "no statement" ? "NO STATEMENT: see STATEMENT_GAP in exceptions" : "DIFFERENCE: see BANK_DIFFERENCE in exceptions")
            // The statement's own lines against its balances: a statement whose lines do not add up is said too.
            if let opening = units(tie["opening"]?.text ?? "", exponent), let credits = units(tie["credits"]?.text ?? "", exponent),
               let debits = units(tie["debits"]?.text ?? "", exponent), let closing = units(tie["statement_closing"]?.text ?? "", exponent) {
                let (up, o1) = opening.addingReportingOverflow(credits)
                let (end, o2) = up.subtractingReportingOverflow(debits)
                if o1 || o2 || end != closing {
                    out.html("; the statement's lines add up to \(o1 || o2 ? "more than 64 bits hold" : MoneyFormat.grouped(end, exponent: exponent)), its closing says \(MoneyFormat.grouped(closing, exponent: exponent))")
                }
            }
            out.append("</td></tr>" as StaticString)
        }
        out.append("</tbody></table>\n<p class=\"meta\">" as StaticString)
        out.html("Opening and closing are the statement's own balances, credits and debits the sums of its booked lines; books are the ledger's cash of the account through the statement's day, and the difference is books less closing.")
        out.append("</p>\n" as StaticString)
    }

    static func percent(_ rate: String) -> String {
        // A rate of three decimals ("0.875") as a percentage with one ("87.5%"), in integers.
        guard let perMille = try? MoneyFormat.parseMinorUnits(Array(rate.utf8), exponent: 3, style: .point) else { return rate }
        return MoneyFormat.plain(perMille, exponent: 1) + "%"
    }

    /// One bar: its label, its size (a count, or an amount in minor units) and the text shown beside it.
    struct Bar {
        var label: String
        var size: Int64
        var text: String
    }

    /// Horizontal bars, labelled, scaled to the largest (in integers: 380 pixels for the largest).
    static func bars(_ items: [Bar], into out: inout TextBuffer) {
        guard let top = items.map(\.size).max(), top > 0 else {
            out.append("<p>None.</p>\n" as StaticString)
            return
        }
        let height = items.count * 22 + 4
        out.append("<svg class=\"chart\" width=\"820\" height=\"\(height)\" role=\"img\">")
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

    /// The counts' axis: a step of 1, 2 or 5 times a power of ten giving at most four steps up to the largest value,
    /// and the top it reaches (at least 1).
    static func axis(_ largest: Int) -> (step: Int, top: Int) {
        var magnitude = 1
        while true {
            for m in [1, 2, 5] {
                let step = m * magnitude
                if largest <= step * 4 { return (step, max(step, (largest + step - 1) / step * step)) }
            }
            magnitude *= 10
        }
    }

    /// Receipts (bars) and exceptions (line) of the last run days, with the counts' axis and the days under the bars.
    static func trend(_ days: [DayReport.TrendDay], into out: inout TextBuffer) {
        let (tick, top) = axis(days.map { max($0.receipts, $0.exceptions) }.max() ?? 0)
        let step = max(8, 600 / max(1, days.count))
        let left = 44, base = 130, tall = 120
        out.append("<svg class=\"chart\" width=\"\(left + step * days.count + 20)\" height=\"172\" role=\"img\">")
        // The axis: a line and a value at each step, from 0 to the top.
        for value in stride(from: 0, through: top, by: tick) {
            let y = base - tall * value / top
            out.append("<line x1=\"\(left - 4)\" y1=\"\(y)\" x2=\"\(left + step * days.count)\" y2=\"\(y)\" stroke=\"#e3e8ef\"></line>")
            out.append("<text x=\"\(left - 8)\" y=\"\(y + 4)\" font-size=\"11\" text-anchor=\"end\">\(value)</text>")
        }
        var points: [String] = []
        // At most about ten day labels, every n-th day; the last day always.
        let every = max(1, (days.count + 9) / 10)
        for (i, d) in days.enumerated() {
            let x = left + i * step
            let h = tall * d.receipts / top
            out.append("<rect x=\"\(x + 1)\" y=\"\(base - h)\" width=\"\(step - 3)\" height=\"\(h)\" fill=\"#9bb7d4\"><title>\(d.day): \(d.receipts) receipts, \(d.exceptions) exceptions</title></rect>")
            points.append("\(x + step / 2),\(base - tall * d.exceptions / top)")
            if i % every == 0 || i == days.count - 1 {
                // Month and day (the year is the page's).
                out.append("<text x=\"\(x + step / 2)\" y=\"\(base + 16)\" font-size=\"11\" text-anchor=\"middle\">\(d.day.dropFirst(5))</text>")
            }
        }
        out.append("<polyline fill=\"none\" stroke=\"#a4161a\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"></polyline>")
        out.append("<text x=\"\(left - 8)\" y=\"\(base + 36)\" font-size=\"11\" text-anchor=\"end\">count</text>")
        out.append("</svg>\n<p class=\"meta\">Bars: receipts (count); red line: exceptions raised (count); the counts of each day on hovering over its bar.</p>\n" as StaticString)
    }
}
