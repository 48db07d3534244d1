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
    /// The applications in the order of the rows.
    private let slots: [UInt64]

    public init() {
        decisions = []
        names = [:]
        reasons = [:]
        slots = []
    }

    /// `reasonCodes` gives a decision's reasons by invoice (asked only of decisions whose receipt has adjustments).
    public init(decisions: [Decision], names: [String: String], reasonCodes: (Decision) -> [String: String]) {
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
        self.slots = order.map { slots[$0] }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { slots.count }

    public subscript(position: Int) -> AdviceRow {
        let slot = slots[position]
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

    /// The advice row of an application row (the one way the run's decisions and `settle advice`'s stored rows become
    /// advice rows); `valueDay` where the row does not have its receipt's (a row kept before schema 13).
    public init(_ row: some ApplicationFacts, name: String, valueDay: Day) {
        self.init(customerID: row.customerID ?? "", name: name, receiptID: row.receiptID, source: row.source, sourceRef: row.sourceRef,
                  valueDay: row.valueDay ?? valueDay, invoiceID: row.invoiceID ?? "", cash: row.applied, discount: row.discount, deduction: row.writeOff,
                  reasonCode: row.reasonCode)
    }

    public init(customerID: String, name: String, receiptID: String, source: String, sourceRef: String, valueDay: Day, invoiceID: String, cash: Money,
                discount: Money, deduction: Money, reasonCode: String) {
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
            out.csvText(AdviceRow.reason(r.reasonCode))
            out.csv(r.cash.currency.code)
            out.endRecord()
            try out.flushIfFull()
        }
    }

    public static func adviceCSV(_ rows: [AdviceRow]) -> String { text { try? adviceCSV(rows, into: &$0) } }
}

extension HTMLReport {
    static func aging(_ report: DayReport, into out: inout TextBuffer) throws {
        try page(title: "Aging \(report.day)", into: &out) { out in
            out.append("<h1>Receivables aging and credit — \(report.day)</h1>\n<p class=\"meta\">\(report.aging.count) customer\(report.aging.count == 1 ? "" : "s") with open items or unapplied cash. Exposure is open receivables and open credits less unapplied cash.</p>\n")
            out.append("<table><thead><tr><th>Customer</th><th>Name</th><th>Cur.</th><th>Current</th><th>1-30</th><th>31-60</th><th>61-90</th><th>Over 90</th><th>Open</th><th>Open credits</th><th>Unapplied</th><th>Limit</th><th>Exposure</th><th>Available</th><th>Avg days to pay</th><th>Returns 90d</th></tr></thead><tbody>\n" as StaticString)
            for r in report.aging {
                let e = r.currency.exponent
                func cell(_ v: Int64?) {
                    out.append("<td class=\"num\">" as StaticString)
                    if let v { out.append(groupedMinorUnits: v, exponent: e) }
                    out.append("</td>" as StaticString)
                }
                out.append(try r.overLimit ? "<tr class=\"over\"><td>" as StaticString : "<tr><td>" as StaticString)
                out.html(r.customerID)
                out.append("</td><td>" as StaticString)
                out.html(r.name)
                out.append("</td><td>" as StaticString)
                out.html(r.currency.code)
                out.append("</td>" as StaticString)
                for b in r.buckets { cell(b) }
                cell(r.openTotal)
                cell(r.openCredits)
                cell(r.unapplied)
                cell(r.creditLimit)
                cell(try r.exposure)
                cell(try r.availableCredit)
                out.append("<td class=\"num\">" as StaticString)
                if let t = r.averageDaysToPayTenths { out.append(minorUnits: t, exponent: 1) }
                out.append("</td><td class=\"num\">" as StaticString)
                out.append(integer: Int64(r.returns90Days))
                out.append("</td></tr>\n" as StaticString)
                try out.flushIfFull()
            }
            out.append("</tbody></table>\n" as StaticString)
        }
    }

    /// One customer's remittance advice for a day, ready to send.
    public static func advice(customerID: String, name: String, day: Day, rows: [AdviceRow]) -> String {
        ReportWriter.text { out in
            page(title: "Remittance advice \(customerID) \(day)", into: &out) { out in
                out.append("<h1>Remittance advice — ")
                out.html(name.isEmpty ? customerID : "\(name) (\(customerID))")
                out.append("</h1>\n<p class=\"meta\">Payments received and applied on \(day).</p>\n")
                out.append("<table><thead><tr><th>Payment</th><th>Reference</th><th>Value date</th><th>Invoice</th><th>Cash applied</th><th>Discount</th><th>Deduction</th><th>Reason</th></tr></thead><tbody>\n" as StaticString)
                for r in rows {
                    out.append("<tr><td>" as StaticString)
                    out.html(r.receiptID)
                    out.append("</td><td>" as StaticString)
                    out.html("\(r.source) \(r.sourceRef)")
                    out.append("</td><td>" as StaticString)
                    out.append(day: r.valueDay)
                    out.append("</td><td>" as StaticString)
                    out.html(r.invoiceID.isEmpty ? "— unapplied —" : r.invoiceID)
                    for m in [r.cash, r.discount, r.deduction] {
                        out.append("</td><td class=\"num\">" as StaticString)
                        out.append(groupedMinorUnits: m.minorUnits, exponent: m.currency.exponent)
                    }
                    out.append("</td><td>" as StaticString)
                    out.html(r.reasonCode.isEmpty ? "" : "\(r.reasonCode) \(AdviceRow.reason(r.reasonCode))")
                    out.append("</td></tr>\n" as StaticString)
                }
                out.append("</tbody></table>\n" as StaticString)
            }
        }
    }
}
