import Accounting
import Core
import Matching

/// exceptions.html: the worklist, every exception open at the end of the day by type, each with its age, evidence,
/// candidates and the commands that resolve it (or where it stands now); paged when long (`WorklistPages`).
extension HTMLReport {
    /// The worklist as one page (the whole of a short one; tests).
    static func exceptions(_ report: DayReport) -> String {
        ReportWriter.text { out in
            let lines = report.worklistEarlier.map(WorklistLine.init) + WorklistPages.todaysLines(report, changed: report.worklistChanged,
                                                                                                  shownEarlier: Set(report.worklistEarlier.map(\.exception.exceptionID)))
            try? worklistPage(report, lines: lines, heading: .whole, into: &out)
        }
    }

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
    static func resolveCommands(_ e: MatchException, ledger: String, entity: String = "") -> [String] {
        let base = "settle exceptions resolve \(e.id) --ledger \(shellQuoted(ledger))" + (entity.isEmpty ? "" : " --entity \(shellQuoted(entity))")
        // Only what `ReviewRules.accepted` takes for the type, and never an invoice the exception says is closed.
        switch e.type {
        case .ambiguous, .unmatched, .unknownCustomer:
            var commands = e.invoiceIDs.map { invoice in "\(base) --apply \(invoice)=\(e.amount?.description ?? "AMOUNT") --note \"...\"" }
            if commands.isEmpty { commands.append("\(base) --apply INVOICE=AMOUNT --note \"...\"") }
            return commands + ["\(base) --unapplied --note \"...\"", "\(base) --refund --note \"...\""]
        case .overPay:
            // The invoices it names were closed by an earlier payment: the cash goes elsewhere, stays or goes back.
            return ["\(base) --apply INVOICE=AMOUNT --note \"...\"", "\(base) --unapplied --note \"...\"", "\(base) --refund --note \"...\""]
        case .shortPay:
            return ["\(base) --write-off --note \"...\"", "\(base) --ignore --note \"...\""]
        case .unsettledBatch:
            // The statement line whose credit was the batch's money (its receipt id), else the batch undone or written off.
            return ["\(base) --settled-by RECEIPT_ID --note \"...\"", "\(base) --reverse --note \"...\"", "\(base) --write-off --note \"...\""]
        case .unexplainedBankLine, .bankDifference:
            return ["\(base) --post-to CODE --note \"...\"", "\(base) --ignore --note \"...\""]
        default:
            return ["\(base) --ignore --note \"...\""]
        }
    }

    /// `text` as one shell word: as it is when it is only letters, digits and `/._-`, else in single quotes. Looked at
    /// byte by byte first (every command of every worklist row quotes the ledger's path): only text beyond ASCII is
    /// looked at by characters.
    static func shellQuoted(_ text: String) -> String {
        var plain = true, ascii = true
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            case 0x80...:
                ascii = false
            default:
                plain = false
            }
            if !plain { break }
        }
        if plain && !ascii { plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-".contains($0) } }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// One page of the worklist: its rows (oldest first) by type, each with its age and, for one no longer simply open,
    /// where it stands now instead of the commands.
    static func worklistPage(_ report: DayReport, lines: [WorklistLine], heading: WorklistHeading, into out: inout TextBuffer) throws {
        let title: String
        let meta: String
        switch heading {
        case .whole:
            title = "Exceptions \(report.day)"
            let today = lines.reduce(0) { $0 + ($1.day == report.day ? 1 : 0) }
            meta = "\(lines.count) exception\(lines.count == 1 ? "" : "s") open at the end of \(report.day) (\(today) raised that day, marked new), oldest first, grouped by type."
        case let .paged(facts, number, of, total):
            let part = facts.new ? "raised on \(report.day)" : "raised before \(report.day)"
            title = "Exceptions \(report.day), \(facts.new ? "new" : "before") \(number) of \(of)"
            meta = "Rows \(facts.rows.lowerBound + 1) to \(facts.rows.upperBound) of the \(total) exceptions \(part) still open at its end (page \(number) of \(of) of those), grouped by type."
        }
        try tablePage(title: title, into: &out) { out in
            out.append("<h1>")
            out.html(title.replacingOccurrences(of: "Exceptions ", with: "Exceptions — "))
            out.append("</h1>\n")
            if case .paged = heading { out.append("<p class=\"meta\"><a href=\"exceptions.html\">The worklist's index</a></p>\n" as StaticString) }
            out.append("<p class=\"meta\">")
            out.html(meta)
            out.append(" Each shows its age, what arrived, why no rule applied, the candidates and the command that resolves it with each; one decided since says where it stands instead.</p>\n" as StaticString)
            var grouped: [String: [Int]] = [:]
            for (i, l) in lines.enumerated() { grouped[l.type, default: []].append(i) }
            let known = ExceptionType.allCases.map(\.rawValue)
            for type in known.filter({ grouped[$0] != nil }) + grouped.keys.filter({ !known.contains($0) }).sorted() {
                guard let items = grouped[type] else { continue }
                let tableID = "t-\(type.lowercased())"
                out.append("<h2>")
                out.html(type)
                out.append(" (\(items.count))</h2>\n")
                filterBox(table: tableID, rows: items.count, into: &out)
                out.append("<table class=\"sortable worklist\" id=\"\(tableID)\"><thead><tr><th class=\"id\">Id</th><th class=\"customer\">Customer</th><th class=\"amount\">Amount</th><th class=\"arrived\">What arrived</th><th class=\"why\">Why</th><th class=\"cands\">Candidates and evidence</th><th class=\"resolve\">Resolve</th></tr></thead><tbody>\n")
                for i in items {
                    row(lines[i], report, into: &out)
                    try out.flushIfFull()
                }
                out.append("</tbody></table>\n" as StaticString)
            }
            if lines.isEmpty { out.append("<p>Nothing to review.</p>\n" as StaticString) }
        }
    }

    /// One exception's row of the worklist: the day's own with the run's evidence and candidates, an earlier one with
    /// what the ledger keeps.
    private static func row(_ e: WorklistLine, _ report: DayReport, into out: inout TextBuffer) {
        let raisedToday = e.day == report.day
        out.append("<tr><td class=\"id\"><code>" as StaticString)
        out.html(e.id)
        out.append("</code><span class=\"sub sev-\(e.severity)\">\(e.severity)</span><span class=\"sub\">")
        if raisedToday {
            out.append("<b>new</b> today" as StaticString)
        } else {
            let age = report.day.days(since: e.day)
            out.append("raised " as StaticString)
            out.append(day: e.day)
            out.append(" · \(age) day\(age == 1 ? "" : "s") old")
        }
        out.append("</span></td><td>" as StaticString)
        out.html(e.customerID)
        if let name = report.customerNames[e.customerID], !name.isEmpty {
            out.append("<br>" as StaticString)
            out.html(name)
        }
        out.append("</td><td class=\"num\"" as StaticString)
        if let amount = e.amount {
            out.append(" data-sort=\"\(amount.description)\">")
            out.append(groupedMinorUnits: amount.minorUnits, exponent: amount.currency.exponent)
            out.append("<span class=\"sub\">" as StaticString)
            out.append(amount.currency.code)
            out.append("</span>" as StaticString)
        } else {
            out.append(">" as StaticString)
        }
        out.append("</td><td>" as StaticString)
        out.html(e.source)
        out.append(" " as StaticString)
        out.html(e.sourceRef)
        out.append("<br><code>" as StaticString)
        out.html(e.location)
        out.append("</code>" as StaticString)
        if raisedToday, let text = report.receiptTexts[e.receiptID], !text.isEmpty {
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
        var evidence = (raisedToday ? report.evidence[e.receiptID] : nil) ?? (e.evidence.isEmpty ? e.suggestions : e.suggestions + " · " + e.evidence)
        if raisedToday, let found = report.candidates[e.receiptID], !found.list.isEmpty {
            candidates(found.list, amount: found.amount, day: report.day, into: &out)
            // The table shows the candidates: the evidence's own words for them (its last part) are not said twice.
            if let listed = evidence.range(of: "; candidates set aside: ") { evidence = String(evidence[..<listed.lowerBound]) }
        }
        out.append("<span class=\"sub\">" as StaticString)
        out.html(evidence)
        out.append("</span></td><td>" as StaticString)
        if let w = e.now {
            out.append("<b>" as StaticString)
            out.html(statusNow(w))
            out.append("</b>" as StaticString)
            if !w.exception.resolutionNote.isEmpty {
                out.append("<span class=\"sub\">" as StaticString)
                out.html(w.exception.resolutionNote)
                out.append("</span>" as StaticString)
            }
        } else {
            for command in e.forCommands.map({ resolveCommands($0, ledger: report.ledgerPath, entity: report.ledgerEntity) }) ?? [] {
                out.append("<div class=\"cmd\"><code>" as StaticString)
                out.html(command)
                out.append("</code></div>" as StaticString)
            }
        }
        out.append("</td></tr>\n" as StaticString)
    }

    /// Where an exception no longer simply open stands now, in words (instead of the commands that resolve it).
    static func statusNow(_ w: WorklistRow) -> String {
        if !w.decision.isEmpty {
            let who = w.decidedBy.isEmpty ? "" : " by \(w.decidedBy)"
            let booked = w.bookedDay.map { ", booked by the run of \($0)" } ?? ", to be booked by the next run"
            return "Decided since: \(w.exception.resolution)\(who)\(booked)"
        }
        let closed = w.closedDay.map { " on \($0)" } ?? ""
        return "Resolved\(closed) (\(w.exception.resolution))"
    }

    /// The best candidates of a receipt first (at most five), each with its purchase order, its open amount and how well
    /// that fits the receipt (100: exactly), its due day and days past due on the page's day, and why it was set aside.
    static func candidates(_ list: [Candidate], amount: Money, day: Day, into out: inout TextBuffer) {
        out.append("<table class=\"cands sortable\"><thead><tr><th>Invoice</th><th>Open</th><th>Due</th><th>Set aside</th></tr></thead><tbody>" as StaticString)
        for c in list.sorted(by: { (fit($0, amount), $1.invoiceID) > (fit($1, amount), $0.invoiceID) }).prefix(5) {
            out.append("<tr><td>" as StaticString)
            out.html(c.invoiceID)
            if !c.purchaseOrder.isEmpty {
                out.append("<span class=\"sub\">PO " as StaticString)
                out.html(c.purchaseOrder)
                out.append("</span>" as StaticString)
            }
            out.append("</td><td class=\"num\">" as StaticString)
            out.append(groupedMinorUnits: c.openMinorUnits, exponent: amount.currency.exponent)
            out.append("<span class=\"sub\">fit " as StaticString)
            out.append(integer: Int64(fit(c, amount)))
            out.append("</span></td><td class=\"day\"" as StaticString)
            if let due = c.dueDay, let late = c.daysPastDue(on: day) {
                out.append(" data-sort=\"\(due)\">")
                out.append(day: due)
                out.append(late == 0 ? "<span class=\"sub\">not past due</span>" as StaticString : "<span class=\"sub\">" as StaticString)
                if late > 0 {
                    out.append(integer: Int64(late))
                    out.append(late == 1 ? " day past due</span>" as StaticString : " days past due</span>" as StaticString)
                }
            } else {
                out.append(">" as StaticString)
            }
            out.append("</td><td>" as StaticString)
            out.html(c.reason.description)
            out.append("</td></tr>" as StaticString)
        }
        out.append("</tbody></table>" as StaticString)
    }
}
