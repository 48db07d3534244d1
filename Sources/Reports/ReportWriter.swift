import Core
import Ledger
import Matching
import Foundation

/// Writes a day's contract outputs into `OUTPUT/<date>/`: remittance, exceptions and open items as CSV,
/// the journal for an ERP import, the summary as JSON, and HTML pages for people.
/// Rows are sorted by stable keys, so the same inputs give the same bytes.
public enum ReportWriter {
    public static let remittanceHeader = ["receipt_id", "source", "source_ref", "value_date", "customer_id", "receipt_amount", "invoice_id",
                                          "applied_amount", "discount_amount", "writeoff_amount", "rule", "confidence"]
    public static let exceptionsHeader = ["exception_id", "type", "severity", "receipt_id", "source", "source_ref", "location", "customer_id",
                                          "amount", "invoice_ids", "message", "suggestions"]
    public static let openItemsHeader = ["invoice_id", "customer_id", "due_date", "amount", "open_amount", "days_past_due"]
    public static let journalHeader = ["entry_id", "source_key", "revision", "kind", "effective_date", "account", "customer_id", "invoice_id",
                                       "debit", "credit", "currency", "memo", "run_id"]

    public static func sortedRemittance(_ rows: [RemittanceRow]) -> [RemittanceRow] {
        rows.sorted { ($0.valueDay, $0.source, $0.sourceRef, $0.receiptID, $0.invoiceID) < ($1.valueDay, $1.source, $1.sourceRef, $1.receiptID, $1.invoiceID) }
    }

    public static func sortedExceptions(_ rows: [MatchException]) -> [MatchException] {
        rows.sorted { ($0.type.rawValue, $0.source, $0.sourceRef, $0.id) < ($1.type.rawValue, $1.source, $1.sourceRef, $1.id) }
    }

    public static func remittanceCSV(_ rows: [RemittanceRow]) -> String { String(decoding: remittanceCSV(sorted: sortedRemittance(rows)), as: UTF8.self) }

    static func remittanceCSV(sorted rows: [RemittanceRow]) -> [UInt8] {
        var out = TextBuffer(capacity: rows.count * 120 + 256)
        out.csvRecord(remittanceHeader)
        for r in rows {
            out.csv(r.receiptID)
            out.csv(r.source)
            out.csv(r.sourceRef)
            out.csv(day: r.valueDay)
            out.csv(r.customerID)
            out.csv(money: r.receiptAmount)
            out.csv(r.invoiceID)
            out.csv(money: r.applied)
            out.csv(money: r.discount)
            out.csv(money: r.writeOff)
            out.csv(r.rule)
            out.csv(integer: Int64(r.confidence))
            out.endRecord()
        }
        return out.bytes
    }

    public static func exceptionsCSV(_ rows: [MatchException]) -> String { String(decoding: exceptionsCSV(sorted: sortedExceptions(rows)), as: UTF8.self) }

    static func exceptionsCSV(sorted rows: [MatchException]) -> [UInt8] {
        var out = TextBuffer(capacity: rows.count * 300 + 256)
        out.csvRecord(exceptionsHeader)
        for e in rows {
            out.csv(e.id)
            out.csv(e.type.rawValue)
            out.csv(e.severity.description)
            out.csv(e.receiptID)
            out.csv(e.source)
            out.csv(e.sourceRef)
            out.csv(e.location?.fileAndLine ?? "")
            out.csv(e.customerID)
            if let amount = e.amount { out.csv(money: amount) } else { out.csvEmpty() }
            out.csv(e.invoiceIDs.joined(separator: "|"))
            out.csvText(e.message)
            out.csvText(e.suggestions)
            out.endRecord()
        }
        return out.bytes
    }

    public static func openItemsCSV(_ rows: [OpenItemRow]) -> String { String(decoding: openItemsBytes(rows), as: UTF8.self) }

    static func openItemsBytes(_ rows: [OpenItemRow]) -> [UInt8] {
        var out = TextBuffer(capacity: rows.count * 70 + 256)
        out.csvRecord(openItemsHeader)
        for r in rows.sorted(by: { ($0.customerID, $0.dueDay, $0.invoiceID) < ($1.customerID, $1.dueDay, $1.invoiceID) }) {
            out.csv(r.invoiceID)
            out.csv(r.customerID)
            out.csv(day: r.dueDay)
            out.csv(money: r.amount)
            out.csv(money: r.openAmount)
            out.csv(integer: Int64(r.daysPastDue))
            out.endRecord()
        }
        return out.bytes
    }

    public static func journalCSV(_ entries: [PostedEntry]) -> String { String(decoding: journalBytes(entries), as: UTF8.self) }

    static func journalBytes(_ entries: [PostedEntry]) -> [UInt8] {
        var out = TextBuffer(capacity: entries.count * 300 + 256)
        out.csvRecord(journalHeader)
        let ordered = entries.indices.dropFirst().allSatisfy { entries[$0 - 1].entryID < entries[$0].entryID } ? entries : entries.sorted { $0.entryID < $1.entryID }
        for e in ordered {
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
        return out.bytes
    }

    /// Writes every output file of the day, each made on its own task (a day's reports are independent) and then
    /// written atomically (`AtomicFile`): a reader never sees half a report.
    public static func write(_ report: DayReport, to directory: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Sorted once, for both the CSV and the HTML page.
        async let remittance = sortedRemittance(report.remittance)
        async let exceptions = sortedExceptions(report.exceptions)
        let sortedRemittance = await remittance
        let sortedExceptions = await exceptions
        let makers: [(String, @Sendable () -> [UInt8])] = [
            ("remittance.csv", { remittanceCSV(sorted: sortedRemittance) }),
            ("exceptions.csv", { exceptionsCSV(sorted: sortedExceptions) }),
            ("open-items.csv", { openItemsBytes(report.openItems) }),
            ("journal.csv", { journalBytes(report.journal) }),
            ("summary.json", { Array((report.summary.rendered() + "\n").utf8) }),
            ("exceptions.html", { HTMLReport.exceptions(report, sorted: sortedExceptions) }),
            ("remittance.html", { HTMLReport.remittance(report, sorted: sortedRemittance) }),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, make) in makers {
                group.addTask { try AtomicFile.write(make(), to: directory + "/" + name) }
            }
            try await group.waitForAll()
        }
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        try AtomicFile.write(text, to: path)
    }
}
