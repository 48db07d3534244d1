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
        sorted(rows) { r in [r.valueDay.description, r.source, r.sourceRef, r.receiptID, r.invoiceID] }
    }

    public static func sortedExceptions(_ rows: [MatchException]) -> [MatchException] {
        sorted(rows) { e in [e.type.rawValue, e.source, e.sourceRef, e.id] }
    }

    /// Rows in the order of their fields compared one after another, as a tuple would compare them: each row's
    /// fields are joined once into one key (a separator below every character a field holds), and the keys are
    /// compared as bytes — not the fields, again, in every comparison of the sort.
    static func sorted<Row>(_ rows: [Row], by fields: (Row) -> [String]) -> [Row] {
        var keys: [(key: [UInt8], index: Int)] = []
        keys.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            var key: [UInt8] = []
            for (n, field) in fields(row).enumerated() {
                if n > 0 { key.append(0) }
                key.append(contentsOf: field.utf8)
            }
            keys.append((key, i))
        }
        keys.sort { a, b in
            let order = compare(a.key, b.key)
            return order != 0 ? order < 0 : a.index < b.index
        }
        return keys.map { rows[$0.index] }
    }

    /// Byte order of two keys: negative, zero or positive.
    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int32 {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                let common = min(x.count, y.count)
                if common > 0, let p = x.baseAddress, let q = y.baseAddress {
                    let order = memcmp(p, q, common)
                    if order != 0 { return order }
                }
                return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
            }
        }
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

    /// Which of a day's reports: those of matching (remittance, exceptions), which need nothing from the ledger, and
    /// those of the ledger (journal, open items, summary), which need the day committed.
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let matching = Parts(rawValue: 1)
        public static let ledger = Parts(rawValue: 2)
        public static let all: Parts = [.matching, .ledger]
    }

    /// A report made and not yet written.
    public struct File: Sendable {
        public var name: String
        public var bytes: [UInt8]
    }

    /// Makes the day's reports, each on its own task (a day's reports are independent).
    public static func render(_ report: DayReport, parts: Parts = .all) async -> [File] {
        var makers: [(String, @Sendable () -> [UInt8])] = []
        if parts.contains(.matching) {
            // Sorted once, for both the CSV and the HTML page.
            async let remittance = sortedRemittance(report.remittance)
            async let exceptions = sortedExceptions(report.exceptions)
            let sortedRemittance = await remittance
            let sortedExceptions = await exceptions
            makers.append(("remittance.csv", { @Sendable in remittanceCSV(sorted: sortedRemittance) }))
            makers.append(("exceptions.csv", { @Sendable in exceptionsCSV(sorted: sortedExceptions) }))
            makers.append(("exceptions.html", { @Sendable in HTMLReport.exceptions(report, sorted: sortedExceptions) }))
            makers.append(("remittance.html", { @Sendable in HTMLReport.remittance(report, sorted: sortedRemittance) }))
        }
        if parts.contains(.ledger) {
            makers.append(("open-items.csv", { @Sendable in openItemsBytes(report.openItems) }))
            makers.append(("journal.csv", { @Sendable in journalBytes(report.journal) }))
            makers.append(("summary.json", { @Sendable in Array((report.summary.rendered() + "\n").utf8) }))
        }
        return await withTaskGroup(of: File.self) { group in
            for (name, make) in makers { group.addTask { File(name: name, bytes: make()) } }
            var files: [File] = []
            for await file in group { files.append(file) }
            return files.sorted { $0.name < $1.name }
        }
    }

    /// Writes made reports into the folder, each atomically (`AtomicFile`): a reader never sees half a report.
    public static func write(_ files: [File], to directory: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for file in files { group.addTask { try AtomicFile.write(file.bytes, to: directory + "/" + file.name) } }
            try await group.waitForAll()
        }
    }

    /// Makes and writes every report of the day.
    public static func write(_ report: DayReport, to directory: String) async throws {
        try await write(await render(report), to: directory)
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        try AtomicFile.write(text, to: path)
    }
}
