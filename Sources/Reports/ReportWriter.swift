import Accounting
import Core
import Ledger
import Matching
import Foundation

/// Writes a day's contract outputs into `OUTPUT/<date>/`: remittance, exceptions and open items as CSV,
/// the journal for an ERP import, the summary as JSON, and HTML pages for people.
/// Rows are sorted by stable keys, so the same inputs give the same bytes.
public enum ReportWriter {
    /// The columns that say which receipt a remittance or advice row is of (`TextBuffer.csvReceipt`).
    static let receiptColumns = ["receipt_id", "source", "source_ref", "value_date"]
    public static let remittanceHeader = receiptColumns + ["customer_id", "receipt_amount", "invoice_id",
                                                           "applied_amount", "discount_amount", "writeoff_amount", "rule", "confidence", "decided_by"]
    public static let exceptionsHeader = ["exception_id", "type", "severity", "receipt_id", "source", "source_ref", "location", "customer_id",
                                          "amount", "invoice_ids", "message", "suggestions"]
    public static let openItemsHeader = ["invoice_id", "customer_id", "due_date", "amount", "open_amount", "days_past_due"]

    /// Remittance rows by value date, source, reference, receipt and invoice (fields in byte order, ties in list
    /// order), seen through their positions. The rows of one receipt share their first four fields: receipts are
    /// sorted by those, then each receipt's rows (and those of any receipt with the same four) by invoice.
    public static func sortedRemittance(_ rows: [RemittanceRow]) -> Ordered<RemittanceList> {
        sortedRemittance(RemittanceList(rows))
    }

    public static func sortedRemittance(_ list: RemittanceList) -> Ordered<RemittanceList> {
        let groups = list.groups
        // Compared in place, with no key per receipt: the rows come in the order cash application decided them (by
        // value day, source, reference and ledger key), so the sort finds them nearly in order and compares each
        // about once. The receipt's id, made when asked, is read only when the first three fields tie.
        let compare = { (a: Int, b: Int) -> Int32 in
            let x = list.receiptFields(groups[a].first)
            let y = list.receiptFields(groups[b].first)
            if x.day != y.day { return x.day < y.day ? -1 : 1 }
            var c = IndexOrder.bytes(x.source, y.source)
            if c != 0 { return c }
            c = IndexOrder.bytes(x.reference, y.reference)
            if c != 0 { return c }
            return IndexOrder.bytes(list.receiptID(groups[a].first), list.receiptID(groups[b].first))
        }
        let order = IndexOrder.stable(count: groups.count, compare: compare)
        // Where a group's four fields equal the next one's (almost never): their rows are ordered together.
        let equal = order.indices.dropLast().map { compare(order[$0], order[$0 + 1]) == 0 }
        var rows: [Int] = []
        rows.reserveCapacity(list.count)
        var run: [Int] = []
        for (position, group) in order.enumerated() {
            let g = groups[group]
            run.append(contentsOf: g.first..<(g.first + g.count))
            if position < equal.count, equal[position] { continue }
            // The receipt's rows (and those of any receipt with the same four fields), by invoice.
            if run.count > 1 {
                run.sort { a, b in
                    let c = IndexOrder.bytes(list.invoiceID(a), list.invoiceID(b))
                    return c != 0 ? c < 0 : a < b
                }
            }
            rows += run
            run.removeAll(keepingCapacity: true)
        }
        return Ordered(list, order: rows)
    }

    /// Exceptions by type, source, reference and id (fields in byte order), seen through their positions.
    public static func sortedExceptions(_ rows: [MatchException]) -> Ordered<[MatchException]> {
        let order = rows.withUnsafeBufferPointer { r in
            IndexOrder.stable(count: r.count) { a, b -> Int32 in
                var c = IndexOrder.bytes(r[a].type.rawValue, r[b].type.rawValue)
                if c != 0 { return c }
                c = IndexOrder.bytes(r[a].source, r[b].source)
                if c != 0 { return c }
                c = IndexOrder.bytes(r[a].sourceRef, r[b].sourceRef)
                if c != 0 { return c }
                return IndexOrder.bytes(r[a].id, r[b].id)
            }
        }
        return Ordered(rows, order: order)
    }

    /// A report made in memory (tests, small outputs).
    static func text(_ make: (inout TextBuffer) throws -> Void) rethrows -> String {
        var out = TextBuffer()
        try make(&out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    public static func remittanceCSV(_ rows: [RemittanceRow]) -> String {
        text { try? remittanceCSV(sorted: sortedRemittance(rows), into: &$0) }
    }

    static func remittanceCSV(sorted rows: Ordered<RemittanceList>, into out: inout TextBuffer) throws {
        out.csvRecord(remittanceHeader)
        for r in rows {
            out.csvReceipt(r.receiptID, source: r.source, sourceRef: r.sourceRef, valueDay: r.valueDay)
            out.csv(r.customerID)
            out.csv(money: r.receiptAmount)
            out.csv(r.invoiceID)
            out.csv(money: r.applied)
            out.csv(money: r.discount)
            out.csv(money: r.writeOff)
            out.csv(r.rule)
            out.csv(integer: Int64(r.confidence))
            out.csv(r.decidedBy)
            out.endRecord()
            try out.flushIfFull()
        }
    }

    public static func exceptionsCSV(_ rows: [MatchException]) -> String {
        text { try? exceptionsCSV(sorted: sortedExceptions(rows), into: &$0) }
    }

    static func exceptionsCSV(sorted rows: Ordered<[MatchException]>, into out: inout TextBuffer) throws {
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
            try out.flushIfFull()
        }
    }

    public static func openItemsCSV(_ rows: [OpenItemRow]) -> String {
        text { try? openItemsCSV(rows, into: &$0) }
    }

    static func openItemsCSV(_ rows: [OpenItemRow], into out: inout TextBuffer) throws {
        out.csvRecord(openItemsHeader)
        let order = rows.withUnsafeBufferPointer { r in
            IndexOrder.stable(count: r.count) { a, b in
                if r[a].customerID != r[b].customerID { return r[a].customerID < r[b].customerID }
                if r[a].dueDay != r[b].dueDay { return r[a].dueDay < r[b].dueDay }
                return r[a].invoiceID < r[b].invoiceID
            }
        }
        for index in order {
            let r = rows[index]
            out.csv(r.invoiceID)
            out.csv(r.customerID)
            out.csv(day: r.dueDay)
            out.csv(money: r.amount)
            out.csv(money: r.openAmount)
            out.csv(integer: Int64(r.daysPastDue))
            out.endRecord()
            try out.flushIfFull()
        }
    }

    static func journalCSV(_ entries: [PostedEntry], into out: inout TextBuffer) throws {
        try JournalExport.csv(entries, into: &out)
    }

    /// Which of a day's reports: those of matching (remittance, exceptions), which need nothing from the ledger, and
    /// those of the ledger (journal, open items, summary), which need the day committed.
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let matching = Parts(rawValue: 1)
        public static let ledger = Parts(rawValue: 2)
        /// `journal.csv` from `DayReport.journal` (a run writes it as its writer posts instead).
        public static let journal = Parts(rawValue: 4)
        /// The worklist (`exceptions.html`, and its pages when long) from the day's exceptions and `DayReport.worklistEarlier`
        /// (a run makes it with `WorklistPages` instead, its day's own pages ahead of the commit).
        public static let worklist = Parts(rawValue: 8)
        public static let all: Parts = [.matching, .ledger, .journal, .worklist]
    }

    /// Makes the day's reports into temporary files beside their final names in `directory`, each on its own task
    /// (a day's reports are independent) and each written as it is made (never held whole). Nothing is visible
    /// under the final names until `publish`; `discard` removes them all.
    /// `inBackground`: made one after another on a thread of lower priority (`BackgroundWork`), taking what CPU the
    /// ledger writer leaves, instead of on both cores of the cooperative pool (which kept the writer waiting for one).
    public static func render(_ report: DayReport, parts: Parts = .all, into directory: String, inBackground: Bool = false) async throws -> [FileSink] {
        try PrivateFiles.makeFolder(directory)
        guard !parts.contains(.worklist) else {
            let others = try await render(report, parts: parts.subtracting(.worklist), into: directory, inBackground: inBackground)
            do {
                return try (others + WorklistPages.files(report, into: directory)).sorted { $0.path < $1.path }
            } catch {
                discard(others)
                throw error
            }
        }
        if inBackground {
            return try await BackgroundWork.run {
                var files: [FileSink] = []
                do {
                    for (name, make) in makers(report, parts: parts) { files.append(try write(name, in: directory, make)) }
                } catch {
                    discard(files)
                    throw error
                }
                return files.sorted { $0.path < $1.path }
            }
        }
        let made = makers(report, parts: parts)
        return try await withThrowingTaskGroup(of: FileSink.self) { group in
            for (name, make) in made {
                group.addTask { try write(name, in: directory, make) }
            }
            var files: [FileSink] = []
            do {
                for try await file in group { files.append(file) }
            } catch {
                discard(files)
                throw error
            }
            return files.sorted { $0.path < $1.path }
        }
    }

    /// The reports of matching a run makes while its writer drains, on the background thread: the files, or the pages
    /// of the day's own exceptions made ahead when they are many (`WorklistPages.ahead`).
    public struct MatchingFiles: Sendable {
        public var files: [FileSink]
        public var worklistAhead: WorklistPages.Ahead?
        /// How long the pages made ahead took.
        public var worklistAheadTime: Duration

        public init(files: [FileSink] = [], worklistAhead: WorklistPages.Ahead? = nil, worklistAheadTime: Duration = .zero) {
            self.files = files
            self.worklistAhead = worklistAhead
            self.worklistAheadTime = worklistAheadTime
        }

        public func discard() {
            ReportWriter.discard(files)
            WorklistPages.discard(worklistAhead)
        }
    }

    public static func renderMatching(_ report: DayReport, into directory: String) async throws -> MatchingFiles {
        MatchingFiles(files: try await render(report, parts: .matching, into: directory, inBackground: true))
    }

    /// The pages of the day's own exceptions made ahead (`WorklistPages.ahead`), on the background thread.
    public static func renderWorklistAhead(_ report: DayReport, into directory: String) async throws -> MatchingFiles {
        let started = ContinuousClock.now
        let ahead = try await BackgroundWork.run { try WorklistPages.ahead(report, into: directory) }
        return MatchingFiles(worklistAhead: ahead, worklistAheadTime: ContinuousClock.now - started)
    }

    typealias Maker = @Sendable (inout TextBuffer) throws -> Void

    /// What writes each report of `parts`, by file name.
    private static func makers(_ report: DayReport, parts: Parts) -> [(String, Maker)] {
        var makers: [(String, Maker)] = []
        if parts.contains(.matching) {
            // Sorted once, for both the CSV and the HTML page.
            let sortedRemittance = sortedRemittance(report.remittance)
            let sortedExceptions = sortedExceptions(report.exceptions)
            makers.append(("remittance.csv", { @Sendable out in try remittanceCSV(sorted: sortedRemittance, into: &out) }))
            makers.append(("exceptions.csv", { @Sendable out in try exceptionsCSV(sorted: sortedExceptions, into: &out) }))
            makers.append(("remittance.html", { @Sendable out in try HTMLReport.remittance(report, sorted: sortedRemittance, into: &out) }))
            makers.append(("advice.csv", { @Sendable out in try adviceCSV(report.advice, into: &out) }))
        }
        if parts.contains(.ledger) {
            makers.append(("open-items.csv", { @Sendable out in try openItemsCSV(report.openItems, into: &out) }))
            makers.append(("summary.json", { @Sendable out in out.append(report.summary.rendered() + "\n") }))
            makers.append(("aging.csv", { @Sendable out in try agingCSV(report.aging, into: &out) }))
            makers.append(("aging.html", { @Sendable out in try HTMLReport.aging(report, into: &out) }))
            makers.append(("summary.html", { @Sendable out in try HTMLReport.summary(report, into: &out) }))
        }
        if parts.contains(.journal) {
            makers.append(("journal.csv", { @Sendable out in try journalCSV(report.journal, into: &out) }))
        }
        return makers
    }

    /// One report written to its temporary file and synced (published later, with the others).
    static func write(_ name: String, in directory: String, _ make: Maker) throws -> FileSink {
        let started = ContinuousClock.now
        let sink = try FileSink(path: directory + "/" + name)
        do {
            var out = TextBuffer(sink: sink)
            try make(&out)
            try out.flush()
            let made = ContinuousClock.now
            try sink.finish()
            if traced {
                FileHandle.standardError.write(Data("report \(name): made in \(made - started), synced in \(ContinuousClock.now - made)\n".utf8))
            }
            return sink
        } catch {
            sink.discard()
            throw error
        }
    }

    /// `SETTLE_TRACE=1`: each report's making and syncing time on stderr.
    static let traced = Trace.isOn

    /// Renames made reports into place (each atomically), then flushes their folder.
    public static func publish(_ files: [FileSink]) throws {
        for file in files { try file.publish() }
        for folder in Set(files.map { ($0.path as NSString).deletingLastPathComponent }) { FileSink.syncFolder(folder) }
    }

    /// Removes made reports that will not be published (their day did not commit).
    public static func discard(_ files: [FileSink]) {
        for file in files { file.discard() }
    }

    /// Makes and publishes every report of the day.
    public static func write(_ report: DayReport, to directory: String) async throws {
        try publish(await render(report, into: directory))
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        try AtomicFile.write(text, to: path)
    }
}

extension TextBuffer {
    /// A row's `ReportWriter.receiptColumns`: the receipt's id, where it came from, its reference there, its value date.
    @inline(__always)
    mutating func csvReceipt(_ receiptID: String, source: String, sourceRef: String, valueDay: Day) {
        csv(receiptID)
        csv(source)
        csv(sourceRef)
        csv(day: valueDay)
    }
}
