import Accounting
import Core
@testable import Ledger
import Testing
import TestSupport

/// Where the trace numbers of settle's next debit file start: the first file past every trace of its ODFI the ledger
/// read (another tool's files before settle's), later files after settle's own, through the wrap past 9,999,999.
@Suite struct TraceSequenceTests {
    static let odfi = "07640125"

    /// A ledger with the ACH entries read at `traces` (the ODFI's seven-digit sequences).
    static func ledger(read traces: [Int]) throws -> (SQLiteOriginationStore, Database) {
        let path = TestPaths.temporaryDirectory("traces") + "/ledger.sqlite"
        _ = try SQLiteLedgerStore(path: path)
        let db = try Database(path: path)
        for (i, sequence) in traces.enumerated() {
            try db.execute("""
                INSERT INTO ach_entries VALUES ('k\(i)', 'originated', 'debit', '1447100223', '\(odfi)\(String(format: "%07d", sequence))', '11000012', 100,
                'USD', '2026-11-03', '2026-11-03', 's\(i)', NULL, 'DELTA', 'C004', 'old.ach', '2026-11-03', 1)
                """)
        }
        return (try SQLiteOriginationStore(path: path), db)
    }

    /// Records settle's file `name` with entries at `sequences`.
    static func record(_ store: SQLiteOriginationStore, _ name: String, _ sequences: [Int], createdAt: String) throws {
        let day = Day(year: 2026, month: 11, day: 9)!
        let entries = sequences.map {
            OriginatedEntry(trace: odfi + String(format: "%07d", $0), fileName: name, kind: .prenote, mandateID: "M", customerID: "C", invoiceID: "",
                            amount: .zero(.usd), discount: .zero(.usd), effectiveDay: day, sec: "CCD", batchNumber: 1, accountLastFour: "0045")
        }
        try store.record(OriginationFileRecord(name: name, day: day, modifier: "A", sha256: "", createdAt: createdAt, entryCount: entries.count,
                                               debitTotal: .zero(.usd), sealedText: ""), entries: entries, sealedText: { "sealed" })
    }

    @Test func theFirstFileStartsPastTheTracesReadAndLaterOnesFollowSettlesOwn() throws {
        #expect(try Self.ledger(read: []).0.nextTraceSequence(odfi: Self.odfi) == 1)
        let (store, _) = try Self.ledger(read: [1, 2])
        #expect(try store.nextTraceSequence(odfi: Self.odfi) == 3, "past another tool's traces")
        #expect(try Self.ledger(read: [9_999_999]).0.nextTraceSequence(odfi: Self.odfi) == 1, "past the last one: the wrap")
        // Once settle has written a file, its own sequence leads.
        try Self.record(store, "2026-11-09-A.ach", [3, 4], createdAt: "2026-11-09T21:00:00Z")
        #expect(try store.nextTraceSequence(odfi: Self.odfi) == 5)
        try Self.record(store, "2026-11-10-A.ach", [9_999_998, 9_999_999], createdAt: "2026-11-10T21:00:00Z")
        #expect(try store.nextTraceSequence(odfi: Self.odfi) == 1, "after 9,999,999 the sequence wraps")
        #expect(try store.sealedText(fileName: "2026-11-09-A.ach") == "sealed", "the sealed text given last goes into the file's row")
    }

    @Test func aForeignTraceReadAfterSettlesFirstFileDoesNotMoveTheSequence() throws {
        let (store, db) = try Self.ledger(read: [2])
        try Self.record(store, "2026-11-09-A.ach", [3, 4], createdAt: "2026-11-09T21:00:00Z")
        try db.execute("""
            INSERT INTO ach_entries VALUES ('late', 'originated', 'debit', '1447100223', '\(Self.odfi)9999990', '11000012', 100,
            'USD', '2026-11-10', '2026-11-10', 'late', NULL, 'DELTA', 'C004', 'late.ach', '2026-11-10', 2)
            """)
        #expect(try store.nextTraceSequence(odfi: Self.odfi) == 5)
    }
}
