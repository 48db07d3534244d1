import ACH
import Core
import Foundation
import Receivables
import Statements

/// `settle-bench e2e --mix`: the shapes of real bank data beside a generated day, on a second account whose number
/// ends in the same four digits as the main one. The day before: prepayment wires naming invoices issued on the day
/// (held as unapplied cash, then applied when the invoices appear). The day: wires with `NONREF` and empty bank
/// references naming their invoices in text, wires naming a purchase order among invoices of the same amount, and
/// wires paying an invoice less a credit memo. A share of the day's receipts (`receipts / 50` of each kind).
struct RealBankMix {
    static let account = "5550002233"
    static let routing = "076401251"

    let day: Day
    let customers: [Customer]
    let count: Int

    /// Invoices to add to the export, the day before's statement and the day's.
    func make() -> (invoices: [String], dayBefore: String, today: String) {
        let before = day.adding(days: -1)
        let issued = day.adding(days: -20)
        var rows: [String] = []
        var previous: [BAI2Writer.Detail] = []
        var today: [BAI2Writer.Detail] = []
        func row(_ id: String, _ customer: Customer, _ issue: Day, _ cents: Int64, po: String = "", type: String = "") {
            let amount = MoneyFormat.plain(cents, exponent: 2)
            rows.append("\(id),\(customer.id),\(issue),\(issue.adding(days: 30)),USD,\(amount),\(amount),NET30,\(po)" + (type.isEmpty ? "" : ",\(type)"))
        }
        func name(_ c: Customer) -> String { c.name.uppercased().replacingOccurrences(of: ",", with: "") }
        for n in 0..<count {
            let c = customers[(n * 7_919) % customers.count]
            // Amounts unique across the mix (cents apart), so each wire has one answer.
            let base = Int64(90_000 + n * 13)
            // A prepayment the day before, naming an invoice issued on the day.
            row("MXP-\(n)", c, day, base)
            previous.append(BAI2Writer.Detail(typeCode: 195, cents: base, reference: "NONREF", text: "WIRE \(name(c)) PREPAYMENT MXP-\(n)"))
            // A wire naming its invoice in text, its bank reference a placeholder (NONREF or none).
            row("MXW-\(n)", c, issued, base + 1)
            today.append(BAI2Writer.Detail(typeCode: 195, cents: base + 1, reference: n % 2 == 0 ? "NONREF" : "", text: "WIRE \(name(c)) INV MXW-\(n)"))
            // Two invoices of one amount, told apart by the purchase order the wire names.
            row("MXA-\(n)", c, issued, base + 2, po: "MXPO-\(2 * n)")
            row("MXB-\(n)", c, issued, base + 2, po: "MXPO-\(2 * n + 1)")
            today.append(BAI2Writer.Detail(typeCode: 195, cents: base + 2, reference: "FEDMX\(n)", text: "WIRE \(name(c)) PO MXPO-\(2 * n + 1)"))
            // An invoice paid less a credit memo, both named.
            row("MXC-\(n)", c, issued, base + 50_000 + 3)
            row("MXM-\(n)", c, issued, -50_000, type: "credit_memo")
            today.append(BAI2Writer.Detail(typeCode: 195, cents: base + 3, reference: "FEDMC\(n)", text: "WIRE \(name(c)) INV MXC-\(n) CREDIT MEMO MXM-\(n)"))
        }
        let opening: Int64 = 1_000_000
        let first = BAI2Writer.statement(routing: RealBankMix.routing, account: RealBankMix.account, day: before, opening: opening, details: previous)
        let second = BAI2Writer.statement(routing: RealBankMix.routing, account: RealBankMix.account, day: day,
                                          opening: BAI2Writer.closing(opening: opening, details: previous), details: today)
        return (rows, first, second)
    }

    /// Writes the mix beside a generated day's files under `input`: its invoices appended to `invoices.csv` (with the
    /// `type` column, empty for the generated rows) and each day's `bank/mix.bai`.
    func write(into input: String) throws {
        let made = make()
        let path = input + "/invoices.csv"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if let header = lines.first, !header.hasSuffix(",type") {
            lines[0] = header + ",type"
            for i in lines.indices.dropFirst() { lines[i] += "," }
        }
        lines += made.invoices.map { $0.split(separator: ",", omittingEmptySubsequences: false).count == 9 ? $0 + "," : $0 }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        for (d, text) in [(day.adding(days: -1), made.dayBefore), (day, made.today)] {
            try FileManager.default.createDirectory(atPath: "\(input)/\(d)/bank", withIntermediateDirectories: true)
            try text.write(toFile: "\(input)/\(d)/bank/mix.bai", atomically: true, encoding: .utf8)
        }
    }
}
