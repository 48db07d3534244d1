import Core
import Matching

/// exceptions.html: the day's exceptions by type, each with its evidence, candidates and the commands that resolve it.
extension HTMLReport {
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
}
