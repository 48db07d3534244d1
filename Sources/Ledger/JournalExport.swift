import Accounting
import Core

/// The journal in formats other tools read: CSV (one posting a row), hledger journal, Beancount.
/// Users of plain-text accounting can then open our books in the tools they know.
public enum JournalExport {
    public enum Format: String, Sendable, CaseIterable { case csv, hledger, beancount }

    public static func render(_ entries: [PostedEntry], accounts: [(code: String, name: String, type: String)], format: Format) -> String {
        switch format {
        case .csv: return csv(entries)
        case .hledger: return hledger(entries, accounts: accounts)
        case .beancount: return beancount(entries, accounts: accounts)
        }
    }

    /// The journal's CSV columns: `journal.csv` of a day and `settle ledger export --format csv` are one format, written
    /// by one writer.
    public static let csvHeader = ["entry_id", "source_key", "revision", "kind", "effective_date", "account", "customer_id", "invoice_id",
                                   "debit", "credit", "currency", "memo", "run_id"]

    static func csv(_ entries: [PostedEntry]) -> String {
        var out = TextBuffer()
        try? csv(entries, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// One posting a row, entries in id order; debit and credit as magnitudes; the memo neutralized against formulas.
    public static func csv(_ entries: [PostedEntry], into out: inout TextBuffer) throws {
        out.csvRecord(csvHeader)
        let ordered = entries.indices.dropFirst().allSatisfy { entries[$0 - 1].entryID < entries[$0].entryID } ? entries : entries.sorted { $0.entryID < $1.entryID }
        for e in ordered {
            csvRows(e, into: &out)
            try out.flushIfFull()
        }
    }

    /// The rows of one entry (one a posting), as `csv` writes them after its header.
    public static func csvRows(_ e: PostedEntry, into out: inout TextBuffer) {
        for p in e.postings {
            out.csv(integer: e.entryID)
            out.csv(e.sourceKey)
            out.csv(integer: Int64(e.revision))
            out.csv(e.kind.rawValue)
            out.csv(day: e.effectiveDay)
            out.csv(p.account)
            out.csv(p.customerID ?? "")
            out.csv(p.invoiceID ?? "")
            let units = p.amount.minorUnits
            if units > 0 { out.csv(magnitudeOf: p.amount) } else { out.csvEmpty() }
            if units < 0 { out.csv(magnitudeOf: p.amount) } else { out.csvEmpty() }
            out.csv(p.amount.currency.code)
            out.csvText(e.memo)
            out.csv(integer: e.runID)
            out.endRecord()
        }
    }

    /// `type:code name`, e.g. `assets:1200 Accounts receivable`; hledger reads the first component as the account type.
    static func hledgerAccount(_ code: String, _ accounts: [String: (name: String, type: String)]) -> String {
        let info = accounts[code] ?? (name: "", type: "asset")
        let top: String
        switch info.type {
        case "asset": top = "assets"
        case "liability": top = "liabilities"
        case "equity": top = "equity"
        case "revenue": top = "revenues"
        default: top = "expenses"
        }
        let name = info.name.replacingAll(":", with: " ").replacingAll(";", with: " ")
        return "\(top):\(code)\(name.isEmpty ? "" : " " + name)"
    }

    static func hledger(_ entries: [PostedEntry], accounts list: [(code: String, name: String, type: String)]) -> String {
        let accounts = Dictionary(list.map { ($0.code, (name: $0.name, type: $0.type)) }, uniquingKeysWith: { a, _ in a })
        var out = "; settle journal export (hledger)\n\n"
        for a in list { out += "account \(hledgerAccount(a.code, accounts))\n" }
        out += "\n"
        for e in entries {
            let memo = e.memo.replacingAll("\n", with: " ").replacingAll(";", with: ",")
            out += "\(e.effectiveDay) (\(e.entryID)) \(memo)  ; source: \(e.sourceKey), revision: \(e.revision), kind: \(e.kind.rawValue)\n"
            for p in e.postings {
                var tags: [String] = []
                if let c = p.customerID { tags.append("customer: \(c)") }
                if let i = p.invoiceID { tags.append("invoice: \(i)") }
                out += "    \(hledgerAccount(p.account, accounts))  \(p.amount.description) \(p.amount.currency.code)\(tags.isEmpty ? "" : "  ; " + tags.joined(separator: ", "))\n"
            }
            out += "\n"
        }
        return out
    }

    /// `Assets:A1200`: Beancount account components start with a capital letter and hold no spaces.
    static func beancountAccount(_ code: String, _ accounts: [String: (name: String, type: String)]) -> String {
        let type = accounts[code]?.type ?? "asset"
        let top: String
        switch type {
        case "asset": top = "Assets"
        case "liability": top = "Liabilities"
        case "equity": top = "Equity"
        case "revenue": top = "Income"
        default: top = "Expenses"
        }
        let cleaned = String(code.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        return "\(top):A\(cleaned)"
    }

    static func beancount(_ entries: [PostedEntry], accounts list: [(code: String, name: String, type: String)]) -> String {
        let accounts = Dictionary(list.map { ($0.code, (name: $0.name, type: $0.type)) }, uniquingKeysWith: { a, _ in a })
        var out = "; settle journal export (Beancount)\n\n"
        let first = entries.map(\.effectiveDay).min() ?? Day(civilYear: 2000, month: 1, day: 1)
        let currencies = Set(entries.flatMap { $0.postings.map(\.amount.currency.code) }).sorted()
        for code in currencies { out += "\(first) commodity \(code)\n" }
        for a in list {
            out += "\(first) open \(beancountAccount(a.code, accounts))\n"
            out += "  name: \"\(a.name.replacingAll("\"", with: "'"))\"\n"
        }
        out += "\n"
        for e in entries {
            let memo = e.memo.replacingAll("\"", with: "'").replacingAll("\n", with: " ")
            out += "\(e.effectiveDay) * \"\(memo)\"\n"
            out += "  source: \"\(e.sourceKey)\"\n  revision: \(e.revision)\n"
            for p in e.postings {
                out += "  \(beancountAccount(p.account, accounts))  \(p.amount.description) \(p.amount.currency.code)\n"
            }
            out += "\n"
        }
        return out
    }
}
