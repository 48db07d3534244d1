import Accounting
import Core
@testable import Ledger
import Testing
import TestSupport

/// Settlement items keep the file that announced them, so that batches waiting from earlier days are added up as a
/// file's total only with batches of their own file.
@Suite struct SettlementItemsTests {
    static let day = Day(civilYear: 2026, month: 11, day: 2)
    static func m(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    static func item(_ key: String, file: String, fileKey: String, _ cents: Int64) -> SettlementItemRow {
        var row = SettlementItemRow(batchKey: key, role: "received", companyName: "X", fileName: file, net: m(cents), settlementDay: day,
                                    windowEnd: day.adding(days: 3), firstDay: day, location: "in/\(file):2")
        row.fileKey = fileKey
        return row
    }

    @Test func aPendingItemKeepsItsFilesKey() async throws {
        let path = TestPaths.temporaryDirectory("settlement-items") + "/ledger.sqlite"
        let store = try SQLiteLedgerStore(path: path)
        let run = try await store.beginRun(manifest: "m", firstDay: Self.day, lastDay: Self.day, startedAt: "t")
        var commit = DayCommit(runID: run, day: Self.day)
        commit.settlementItems = [Self.item("b1", file: "day.ach", fileKey: String(repeating: "a", count: 64), 100),
                                  Self.item("b2", file: "day.ach", fileKey: String(repeating: "b", count: 64), 250)]
        _ = try await store.commit(commit)
        let pending = try SQLiteLedgerReader(path: path).pendingSettlements(before: Self.day.adding(days: 1))
        #expect(pending.map(\.batchKey) == ["b1", "b2"])
        #expect(pending.map(\.fileKey) == [String(repeating: "a", count: 64), String(repeating: "b", count: 64)])
    }

    @Test func anOlderLedgersItemsAreGivenTheirFilesKeyWhereItsNameTellsTheFile() async throws {
        // A ledger as schema 11 left it: three items of three files, two of them same-named files of two sources.
        let path = TestPaths.temporaryDirectory("settlement-items-migration") + "/old.sqlite"
        do {
            let db = try Database(path: path)
            for (index, sql) in Schema.migrations.prefix(11).enumerated() {
                try db.execute(sql)
                try Schema.finish(migration: index + 1, db)
            }
            try db.execute("PRAGMA user_version = 11")
            try db.execute("""
                INSERT INTO runs(run_id, started_at, manifest, first_day, last_day, status) VALUES (1, 't', 'm', '2026-11-02', '2026-11-02', 'done');
                INSERT INTO ingested_files(sha256, size_bytes, name, run_id, day, archive_path) VALUES
                    ('aaaa', 1, 'monday.ach', 1, '2026-11-02', 'x'), ('bbbb', 1, 'day.ach', 1, '2026-11-02', 'y'), ('cccc', 1, 'day.ach', 1, '2026-11-02', 'z');
                INSERT INTO settlement_items(batch_key, role, company_name, file_name, net_minor, currency, settlement_day, window_end, first_day, location) VALUES
                    ('b1', 'received', 'X', 'monday.ach', 100, 'USD', '2026-11-02', '2026-11-05', '2026-11-02', 'in/monday.ach:2'),
                    ('b2', 'received', 'X', 'day.ach', 250, 'USD', '2026-11-02', '2026-11-05', '2026-11-02', 'in/bank-a/day.ach:2'),
                    ('b3', 'received', 'X', 'day.ach', 400, 'USD', '2026-11-02', '2026-11-05', '2026-11-02', 'in/bank-b/day.ach:2');
                """)
        }
        _ = try SQLiteLedgerStore(path: path)
        let pending = try SQLiteLedgerReader(path: path).pendingSettlements(before: Self.day.adding(days: 1))
        #expect(pending.map(\.batchKey) == ["b1", "b2", "b3"])
        // Two files named day.ach that day: which one is not known, so neither item is added up with another as a file.
        #expect(pending.map(\.fileKey) == ["aaaa", "", ""])
    }
}
