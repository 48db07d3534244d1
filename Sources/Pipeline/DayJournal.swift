import Accounting
import Core
import Foundation
import Ledger
import Reports

/// The entries a run of a day posts, taken from the writer as it posts them and let go: their rows of `journal.csv`
/// written to a file as they come, what they moved on each invoice's receivable, and the counts the summary and the
/// run log give. A day of a million entries is never held whole to write its journal after the commit.
struct DayJournal: Sendable {
    /// This run's rows, after the header, in a file beside the day's `journal.csv`.
    private let sink: FileSink
    private var out: TextBuffer
    /// What this run's posted entries moved and touched on invoices' receivables.
    private(set) var tally = ReceivableTally()
    /// This run's posted entries, counted.
    private(set) var counts = Summary.LedgerCounts()

    init(folder: String) throws {
        sink = try FileSink(path: folder + "/journal.csv")
        out = TextBuffer(sink: sink)
        out.csvRecord(JournalExport.csvHeader)
    }

    /// Takes entries as they were posted (in entry order): counted, tallied, and their rows written (openings aside:
    /// they mirror invoices the ERP booked itself).
    mutating func add(_ entries: [PostedEntry]) throws {
        for entry in entries {
            let opening = PostingRules.isInvoiceOpening(entry.sourceKey)
            counts.add(entry, isInvoiceOpening: opening)
            try tally.add(sourceKey: entry.sourceKey, postings: entry.postings, opening: opening)
            if !opening { JournalExport.csvRows(entry, into: &out) }
            try out.flushIfFull()
        }
    }

    /// The day's `journal.csv`, made and ready to publish: the entries earlier runs of the day posted, then this run's.
    mutating func finish(after earlier: [PostedEntry]) throws -> FileSink {
        try out.flush()
        guard !earlier.isEmpty else {
            try sink.finish()
            return sink
        }
        try sink.finish(durable: false)
        let whole = try FileSink(path: sink.path, tag: "-whole")
        do {
            var text = TextBuffer(sink: whole)
            try JournalExport.csv(earlier.filter { !PostingRules.isInvoiceOpening($0.sourceKey) }, into: &text)
            try text.flush()
            // This run's rows follow, without their header line.
            let made = try Data(contentsOf: URL(fileURLWithPath: sink.temporary))
            let body = made.firstIndex(of: UInt8(ascii: "\n")).map { made[($0 + 1)...] } ?? made[...]
            try whole.write(Array(body))
            try whole.finish()
        } catch {
            whole.discard()
            throw error
        }
        sink.discard()
        return whole
    }

    /// Nothing of the journal stays (the day did not commit).
    func discard() {
        sink.discard()
    }
}
