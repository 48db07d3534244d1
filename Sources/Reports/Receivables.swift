import Accounting
import Core
import Ledger
import Matching

/// The rows of `advice.csv` without making them: each application of the day's decisions, by customer, value day,
/// reference and invoice (as `String` orders them; ties in decision order), made when read. A million
/// applications are 8 bytes each until written, not a row struct each.
public struct AdviceList: RandomAccessCollection, Sendable {
    private let decisions: [Decision]
    private let names: [String: String]
    /// Per application (decision index << 32 | application index): the payer's X12 reason, where it gave one.
    private let reasons: [UInt64: String]
    /// Rows made already (a reviewer's decision booked today), their slots `extraSlot | index`.
    private let extras: [AdviceRow]
    private static let extraSlot: UInt64 = 1 << 63
    /// The applications in the order of the rows.
    private let slots: [UInt64]

    public init() {
        decisions = []
        names = [:]
        reasons = [:]
        extras = []
        slots = []
    }

    /// `reasonCodes` gives a decision's reasons by invoice (asked only of decisions whose receipt has adjustments).
    public init(decisions: [Decision], names: [String: String], reasonCodes: (Decision) -> [String: String], then extras: [AdviceRow] = []) {
        var slots: [UInt64] = []
        slots.reserveCapacity(decisions.reduce(0) { $0 + $1.applications.count })
        var reasons: [UInt64: String] = [:]
        for (d, decision) in decisions.enumerated() where !decision.applications.isEmpty {
            let codes = decision.receipt.remittance.contains { !$0.adjustments.isEmpty } ? reasonCodes(decision) : [:]
            for (k, a) in decision.applications.enumerated() {
                let slot = UInt64(d) << 32 | UInt64(k)
                slots.append(slot)
                if let code = codes[a.invoiceID] { reasons[slot] = code }
            }
        }
        // The sort's fields taken once per row (the strings shared, not copied): comparing them through the
        // decisions would retain a decision's parts at every comparison.
        var keys: [(customer: String, day: Day, reference: String, invoice: String)] = []
        keys.reserveCapacity(slots.count)
        for slot in slots {
            let d = decisions[Int(slot >> 32)]
            let a = d.applications[Int(slot & 0xffff_ffff)]
            keys.append((a.customerID, d.receipt.valueDay, d.receipt.sourceRef, a.invoiceID))
        }
        for (i, row) in extras.enumerated() {
            slots.append(Self.extraSlot | UInt64(i))
            keys.append((row.customerID, row.valueDay, row.sourceRef, row.invoiceID))
        }
        let order = keys.withUnsafeBufferPointer { k in
            IndexOrder.stable(count: k.count) { a, b in
                if k[a].customer != k[b].customer { return k[a].customer < k[b].customer }
                if k[a].day != k[b].day { return k[a].day < k[b].day }
                if k[a].reference != k[b].reference { return k[a].reference < k[b].reference }
                return k[a].invoice < k[b].invoice
            }
        }
        keys = []
        self.decisions = decisions
        self.names = names
        self.reasons = reasons
        self.extras = extras
        self.slots = order.map { slots[$0] }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { slots.count }

    public subscript(position: Int) -> AdviceRow {
        let slot = slots[position]
        if slot & Self.extraSlot != 0 { return extras[Int(slot & ~Self.extraSlot)] }
        let d = decisions[Int(slot >> 32)]
        let a = d.applications[Int(slot & 0xffff_ffff)]
        return AdviceRow(DecisionApplication(d, Int(slot & 0xffff_ffff), reasonCode: reasons[slot] ?? ""), name: names[a.customerID] ?? "", valueDay: d.receipt.valueDay)
    }
}

/// One row of `advice.csv`: how one receipt paid one invoice, as a customer's remittance advice shows it.
public struct AdviceRow: Sendable, Hashable {
    public var customerID: String
    public var name: String
    public var receiptID: String
    public var source: String
    public var sourceRef: String
    public var valueDay: Day
    public var invoiceID: String
    public var cash: Money
    public var discount: Money
    public var deduction: Money
    /// X12 adjustment reason (ADX02, code list 426) the payer gave for the deduction, if any.
    public var reasonCode: String
    /// The rule that applied the cash (`remittance.csv`'s `rule`): what a deduction without the payer's reason was.
    public var rule: String

    /// The advice row of an application row (the one way the run's decisions and `settle advice`'s stored rows become
    /// advice rows); `valueDay` where the row does not have its receipt's (a row kept before schema 13).
    /// A recovery (cash for what was written off of the invoice earlier) is no deduction to the customer: its write-off
    /// taken back is ours, the advice shows the cash and why it came.
    public init(_ row: some ApplicationFacts, name: String, valueDay: Day) {
        let rule = row.rule
        self.init(customerID: row.customerID ?? "", name: name, receiptID: row.receiptID, source: row.source, sourceRef: row.sourceRef,
                  valueDay: row.valueDay ?? valueDay, invoiceID: row.invoiceID ?? "", cash: row.applied, discount: row.discount,
                  deduction: rule == MatchRule.recovery.rawValue ? .zero(row.writeOff.currency) : row.writeOff, reasonCode: row.reasonCode, rule: rule)
    }

    public init(customerID: String, name: String, receiptID: String, source: String, sourceRef: String, valueDay: Day, invoiceID: String, cash: Money,
                discount: Money, deduction: Money, reasonCode: String, rule: String = "") {
        self.customerID = customerID
        self.name = name
        self.receiptID = receiptID
        self.source = source
        self.sourceRef = sourceRef
        self.valueDay = valueDay
        self.invoiceID = invoiceID
        self.cash = cash
        self.discount = discount
        self.deduction = deduction
        self.reasonCode = reasonCode
        self.rule = rule
    }

    /// Why the invoice was settled for less (or more) than the cash, in words: the payer's X12 reason where it gave
    /// one, else what settled the difference (a deduction is never shown without a reason); empty without a deduction.
    public var reasonText: String {
        if !reasonCode.isEmpty { return AdviceRow.reason(reasonCode) }
        if rule == MatchRule.recovery.rawValue { return "Payment of an amount short paid earlier, which we had written off" }
        if deduction.isZero { return "" }
        let over = deduction.minorUnits < 0
        switch rule {
        case "tolerance": return over ? "Small overpayment within our tolerance, accepted" : "Small difference within our tolerance, written off"
        case "review": return over ? "Overpayment accepted on review" : "Short payment written off on review"
        default: return over ? "Overpayment accepted" : "Short payment written off"
        }
    }

    /// How the payment reached us, in the customer's terms: the method, and the reference their bank or ours gave it
    /// (an ACH trace number, a bank reference); never our own receipt id, nor a file and line where the bank gave none.
    public var paymentReference: String {
        let method = source == "nacha" ? "ACH payment" : "Bank transfer"
        // A reference made of the file and line (`20261109.bai:6`) is ours, not the bank's.
        let ours = sourceRef.isEmpty || sourceRef.split(separator: ":").last.map { $0.allSatisfy(\.isNumber) && sourceRef.contains(".") } ?? false
        if ours { return method }
        return source == "nacha" ? "\(method), trace \(sourceRef)" : "\(method), bank reference \(sourceRef)"
    }

    /// What a reason code says, for the codes payers use for deductions (X12 code list 426); a code not listed is
    /// shown as it is.
    public static func reason(_ code: String) -> String {
        switch code {
        case "": return ""
        case "01": return "Pricing error"
        case "02": return "Allowance/charge error"
        case "04": return "Item not accepted - damaged"
        case "05": return "Item not accepted - quality"
        case "06": return "Quantity contested"
        case "07": return "Incorrect product"
        case "11": return "Returns - damage"
        case "12": return "Returns - quality"
        case "16": return "Non-invoice related allowance/charge"
        case "19": return "Duplicate billing"
        case "22": return "Weight error"
        case "24": return "Incorrect discount"
        case "26": return "Invoice cancelled"
        case "43": return "Missing discount"
        case "50": return "Late charge"
        case "52": return "Credit for overpayment"
        case "53": return "Remittance for previous underpayment"
        case "54": return "Freight deducted"
        case "55": return "Tax deducted"
        case "56": return "Advertising allowance taken"
        case "57": return "Volume discount taken"
        case "59": return "Item not received"
        case "60": return "No open item on file"
        default: return "code \(code)"
        }
    }
}

extension ReportWriter {
    public static let agingHeader = ["customer_id", "name", "currency", "current", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "open_total",
                                     "unapplied", "credit_limit", "exposure", "available_credit", "over_limit", "avg_days_to_pay", "returns_90d", "open_credits"]
    public static let adviceHeader = ["customer_id", "name"] + receiptColumns + ["invoice_id", "cash_applied", "discount",
                                                                               "deduction", "reason_code", "reason", "currency"]

    static func agingCSV(_ rows: [AgingRow], into out: inout TextBuffer) throws {
        out.csvRecord(agingHeader)
        for r in rows {
            let e = r.currency.exponent
            out.csv(r.customerID)
            out.csvText(r.name)
            out.csv(r.currency.code)
            for b in r.buckets {
                out.csvEmpty()
                out.append(minorUnits: b, exponent: e)
            }
            for v in [r.openTotal, r.unapplied] {
                out.csvEmpty()
                out.append(minorUnits: v, exponent: e)
            }
            out.csvEmpty()
            if let limit = r.creditLimit { out.append(minorUnits: limit, exponent: e) }
            out.csvEmpty()
            out.append(minorUnits: try r.exposure, exponent: e)
            out.csvEmpty()
            if let available = try r.availableCredit { out.append(minorUnits: available, exponent: e) }
            out.csv(try r.overLimit ? "yes" : "no")
            out.csvEmpty()
            if let tenths = r.averageDaysToPayTenths { out.append(minorUnits: tenths, exponent: 1) }
            out.csv(integer: Int64(r.returns90Days))
            out.csvEmpty()
            out.append(minorUnits: r.openCredits, exponent: e)
            out.endRecord()
            try out.flushIfFull()
        }
    }

    public static func agingCSV(_ rows: [AgingRow]) throws -> String { try text { try agingCSV(rows, into: &$0) } }

    static func adviceCSV<Rows: Collection<AdviceRow>>(_ rows: Rows, into out: inout TextBuffer) throws {
        out.csvRecord(adviceHeader)
        for r in rows {
            out.csv(r.customerID)
            out.csvText(r.name)
            out.csvReceipt(r.receiptID, source: r.source, sourceRef: r.sourceRef, valueDay: r.valueDay)
            out.csv(r.invoiceID)
            out.csv(money: r.cash)
            out.csv(money: r.discount)
            out.csv(money: r.deduction)
            out.csv(r.reasonCode)
            out.csvText(r.reasonText)
            out.csv(r.cash.currency.code)
            out.endRecord()
            try out.flushIfFull()
        }
    }

    public static func adviceCSV(_ rows: [AdviceRow]) -> String { text { try? adviceCSV(rows, into: &$0) } }
}

extension HTMLReport {
    /// aging.html: what each customer owes by age, then their credit, each table with its totals per currency.
    static func aging(_ report: DayReport, into out: inout TextBuffer) throws {
        let what = "aging.html of \(report.day)"
        // Per currency: the five buckets, open, open credits and unapplied (aging); exposure and returns (credit).
        var aging = ColumnTotals(columns: 8, of: what)
        var credit = ColumnTotals(columns: 2, of: what)
        for r in report.aging {
            let line = aging.row(r.currency)
            for (k, amount) in (r.buckets + [r.openTotal, r.openCredits, r.unapplied]).enumerated() { try aging.add(amount, column: k, line: line) }
            let creditLine = credit.row(r.currency)
            try credit.add(try r.exposure, column: 0, line: creditLine)
            try credit.add(Int64(r.returns90Days), column: 1, line: creditLine)
        }
        let count = report.aging.count
        try tablePage(title: "Aging \(report.day)", into: &out) { out in
            out.append("<h1>Receivables aging and credit — \(report.day)</h1>\n<p class=\"meta\">\(count) customer\(count == 1 ? "" : "s") with open items or unapplied cash, in \(aging.byCurrency.map(\.currency.code).joined(separator: ", ")). Amounts by days past due at the end of the day; open credits are open credit memos.</p>\n")
            out.append("<h2>Aging</h2>\n" as StaticString)
            filterBox(table: "aging", rows: count, into: &out)
            out.append("<table class=\"sortable\" id=\"aging\"><thead><tr><th>Customer</th><th>Cur.</th><th class=\"num\">Current</th><th class=\"num\">1-30</th><th class=\"num\">31-60</th><th class=\"num\">61-90</th><th class=\"num\">Over 90</th><th class=\"num\">Open</th><th class=\"num\">Open credits</th><th class=\"num\">Unapplied</th></tr></thead><tbody>\n" as StaticString)
            for r in report.aging {
                try customerCells(r, into: &out)
                for amount in r.buckets + [r.openTotal, r.openCredits, r.unapplied] { numberCell(amount, exponent: r.currency.exponent, into: &out) }
                out.append("</tr>\n" as StaticString)
                try out.flushIfFull()
            }
            out.append("</tbody><tfoot>\n" as StaticString)
            for line in aging.byCurrency {
                totalCells(line, into: &out)
                for sum in line.sums { numberCell(sum, exponent: line.currency.exponent, into: &out) }
                out.append("</tr>\n" as StaticString)
            }
            out.append("</tfoot></table>\n<h2>Credit</h2>\n<p class=\"meta\">Exposure is open receivables and open credits less unapplied cash; available is the limit less exposure (customers over their limit are marked). Days to pay from issue to payment, weighted by amount, over a year.</p>\n" as StaticString)
            filterBox(table: "credit", rows: count, into: &out)
            out.append("<table class=\"sortable\" id=\"credit\"><thead><tr><th>Customer</th><th>Cur.</th><th class=\"num\">Open</th><th class=\"num\">Unapplied</th><th class=\"num\">Limit</th><th class=\"num\">Exposure</th><th class=\"num\">Available</th><th class=\"num\">Avg days to pay</th><th class=\"num\">Returns 90 days</th></tr></thead><tbody>\n" as StaticString)
            for r in report.aging {
                let e = r.currency.exponent
                try customerCells(r, into: &out)
                numberCell(r.openTotal, exponent: e, into: &out)
                numberCell(r.unapplied, exponent: e, into: &out)
                numberCell(r.creditLimit, exponent: e, into: &out)
                numberCell(try r.exposure, exponent: e, into: &out)
                numberCell(try r.availableCredit, exponent: e, into: &out)
                numberCell(r.averageDaysToPayTenths, exponent: 1, into: &out)
                numberCell(Int64(r.returns90Days), exponent: 0, into: &out)
                out.append("</tr>\n" as StaticString)
                try out.flushIfFull()
            }
            out.append("</tbody><tfoot>\n" as StaticString)
            for (line, open) in zip(credit.byCurrency, aging.byCurrency) {
                totalCells(line, into: &out)
                numberCell(open.sums[5], exponent: line.currency.exponent, into: &out)
                numberCell(open.sums[7], exponent: line.currency.exponent, into: &out)
                out.append("<td></td>" as StaticString)
                numberCell(line.sums[0], exponent: line.currency.exponent, into: &out)
                out.append("<td></td><td></td>" as StaticString)
                numberCell(line.sums[1], exponent: 0, into: &out)
                out.append("</tr>\n" as StaticString)
            }
            out.append("</tfoot></table>\n" as StaticString)
        }
    }

    /// A row's first cells: the customer's id with its name under it, and the currency; the row marked when the
    /// customer is over its credit limit.
    private static func customerCells(_ r: AgingRow, into out: inout TextBuffer) throws {
        out.append(try r.overLimit ? "<tr class=\"over\"><td>" as StaticString : "<tr><td>" as StaticString)
        out.html(r.customerID)
        if !r.name.isEmpty {
            out.append("<span class=\"sub\">" as StaticString)
            out.html(r.name)
            out.append("</span>" as StaticString)
        }
        if try r.overLimit { out.append("<span class=\"sub sev-error\">over its limit</span>" as StaticString) }
        out.append("</td><td>" as StaticString)
        out.html(r.currency.code)
        out.append("</td>" as StaticString)
    }

    /// The first cells of a totals row: what it totals, in how many rows.
    private static func totalCells(_ line: ColumnTotals.Line, into out: inout TextBuffer) {
        out.append("<tr class=\"total\"><td>Total, \(line.rows) customer\(line.rows == 1 ? "" : "s")</td><td>\(line.currency.code)</td>")
    }

    private static func numberCell(_ value: Int64?, exponent: Int, into out: inout TextBuffer) {
        out.append("<td class=\"num\">" as StaticString)
        if let value { out.append(groupedMinorUnits: value, exponent: exponent) }
        out.append("</td>" as StaticString)
    }

    /// One customer's remittance advice for a day, ready to send: each invoice a payment settled, with the customer's
    /// own purchase order (`purchaseOrders`, by invoice), the payment as their bank knows it, the cash, discount and
    /// deduction with its reason in words, the totals per currency. Never our receipt ids.
    public static func advice(customerID: String, name: String, day: Day, rows: [AdviceRow], purchaseOrders: [String: String] = [:]) throws -> String {
        try ReportWriter.text { out in
            try adviceBody(customerID: customerID, name: name, day: day, rows: rows, purchaseOrders: purchaseOrders, into: &out)
        }
    }

    static func adviceBody(customerID: String, name: String, day: Day, rows: [AdviceRow], purchaseOrders: [String: String], into out: inout TextBuffer) throws {
        let what = "the advice of \(customerID) on \(day)"
        // Per currency: cash, discount, deduction and what they settled; per payment, the cash it brought.
        var totals = ColumnTotals(columns: 4, of: what)
        var paid: [String: Int64] = [:]
        for r in rows {
            let line = totals.row(r.cash.currency)
            let settled = try MinorUnits.total([r.cash.minorUnits, r.discount.minorUnits, r.deduction.minorUnits], of: what)
            for (k, amount) in [r.cash.minorUnits, r.discount.minorUnits, r.deduction.minorUnits, settled].enumerated() { try totals.add(amount, column: k, line: line) }
            try MinorUnits.add(r.cash.minorUnits, to: &paid[r.receiptID, default: 0], of: what)
        }
        let currencies = totals.byCurrency.map(\.currency.code).joined(separator: ", ")
        try tablePage(title: "Remittance advice \(customerID) \(day)", into: &out) { out in
            out.append("<h1>Remittance advice — ")
            out.html(name.isEmpty ? customerID : "\(name) (\(customerID))")
            out.append("</h1>\n<p class=\"meta\">Your payments we applied to your invoices on \(day)\(currencies.isEmpty ? "" : ", amounts in \(currencies)"). Settled is what each invoice was reduced by: the cash, the early-payment discount and any deduction.</p>\n")
            filterBox(table: "advice", rows: rows.count, into: &out)
            out.append("<table class=\"sortable\" id=\"advice\"><thead><tr><th>Payment date</th><th>Payment</th><th>Invoice</th><th>Your PO</th><th class=\"num\">Cash applied</th><th class=\"num\">Discount</th><th class=\"num\">Deduction</th><th class=\"num\">Settled</th><th>Reason</th></tr></thead><tbody>\n" as StaticString)
            for r in rows {
                out.append("<tr><td class=\"day\">" as StaticString)
                out.append(day: r.valueDay)
                out.append("</td><td>" as StaticString)
                out.html(r.paymentReference)
                if let cash = paid[r.receiptID] {
                    out.append("<span class=\"sub\">" as StaticString)
                    out.append(groupedMinorUnits: cash, exponent: r.cash.currency.exponent)
                    out.append(" " + r.cash.currency.code + " applied</span>")
                }
                out.append("</td><td>" as StaticString)
                out.html(r.invoiceID.isEmpty ? "— unapplied —" : r.invoiceID)
                out.append("</td><td>" as StaticString)
                out.html(purchaseOrders[r.invoiceID] ?? "")
                let settled = try MinorUnits.total([r.cash.minorUnits, r.discount.minorUnits, r.deduction.minorUnits], of: what)
                for amount in [r.cash.minorUnits, r.discount.minorUnits, r.deduction.minorUnits, settled] {
                    out.append("</td><td class=\"num\">" as StaticString)
                    out.append(groupedMinorUnits: amount, exponent: r.cash.currency.exponent)
                }
                out.append("</td><td>" as StaticString)
                out.html(r.reasonText)
                if !r.reasonCode.isEmpty {
                    out.append("<span class=\"sub\">X12 reason code " as StaticString)
                    out.html(r.reasonCode)
                    out.append("</span>" as StaticString)
                }
                out.append("</td></tr>\n" as StaticString)
            }
            out.append("</tbody><tfoot>\n" as StaticString)
            for line in totals.byCurrency {
                out.append("<tr class=\"total\"><td colspan=\"4\">Total \(line.currency.code), \(line.rows) invoice\(line.rows == 1 ? "" : "s")</td>")
                for sum in line.sums {
                    out.append("<td class=\"num\">" as StaticString)
                    out.append(groupedMinorUnits: sum, exponent: line.currency.exponent)
                    out.append("</td>" as StaticString)
                }
                out.append("<td></td></tr>\n" as StaticString)
            }
            out.append("</tfoot></table>\n" as StaticString)
        }
    }
}
