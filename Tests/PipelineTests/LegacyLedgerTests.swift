import Accounting
import Core
import Foundation
import Ledger
import Pipeline
import Testing
import TestSupport

/// A ledger written by settle at schema 3 (ACH entries keyed by their file's SHA-256, ACH cash straight to the bank
/// account), with the inputs it took: the fixture in `Fixtures/legacy-schema3` (the sample job of that version, its
/// ledger checkpointed). Rerunning those days with this program migrates the ledger, recognizes every entry under its
/// old key, posts nothing new, and raises the same exceptions under the same ids.
@Suite struct LegacyLedgerTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/legacy-schema3"

    @Test func aRerunOfDaysPostedBeforePostsNothingNew() async throws {
        // Laid out as the old sample job was (Jobs/ beside Samples/), so every path a report shows is as it was then.
        let folder = TestPaths.temporaryDirectory("legacy")
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/Samples", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: folder + "/Jobs", withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: Self.fixture) where name != "ledger.sqlite" {
            try fm.copyItem(atPath: Self.fixture + "/" + name, toPath: folder + "/Samples/" + name)
        }
        try fm.copyItem(atPath: Self.fixture + "/ledger.sqlite", toPath: folder + "/ledger.sqlite")
        // Opening the store migrates the ledger (schema 3 → today's), keeping every row.
        _ = try SQLiteLedgerStore(path: folder + "/ledger.sqlite")
        let before = try SQLiteLedgerReader(path: folder + "/ledger.sqlite")
        let entriesBefore = try before.counts().entries
        let idsBefore = Set(try before.exceptions().map(\.exceptionID))
        let manifest = """
            { "version": 1, "name": "legacy", "currency": "USD", "ledger": "\(folder)/ledger.sqlite", "output": "\(folder)/out", "archive": "\(folder)/archive",
              "customers": "../Samples/customers.csv", "invoices": "../Samples/invoices.csv",
              "sources": [ { "format": "nacha", "path": "../Samples/{date}/ach/*.ach", "role": "received" },
                           { "format": "bai2", "path": "../Samples/{date}/bank/*.bai" } ],
              "matching": { "tolerance": "1.00", "ambiguous": "exception" } }
            """
        try manifest.write(toFile: folder + "/Jobs/job.json", atomically: true, encoding: .utf8)
        let days = [Day(year: 2026, month: 11, day: 2)!, Day(year: 2026, month: 11, day: 3)!]
        let result = await JobRunner(manifest: try Manifest.load(path: folder + "/Jobs/job.json")).run(RunOptions(days: days, concurrency: 2))
        // That ledger booked its cash without the statements' openings: its books never tied, and now a run says so.
        #expect(result.exitCode == .booksDoNotTie, "\(result.message ?? "")")
        #expect(result.days.map(\.postedCount) == [0, 0])
        let after = try SQLiteLedgerReader(path: folder + "/ledger.sqlite")
        #expect(try after.counts().entries == entriesBefore)
        #expect(try after.verify().isClean)
        // Every exception the rerun raises is one the old run raised, under the same id (the day-1 GALAXY batch is now
        // pending inside its window instead of unsettled at once: it is the one the rerun does not raise).
        for day in days {
            let rows = try String(contentsOfFile: "\(folder)/out/\(day)/exceptions.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            for row in rows {
                let id = String(row.prefix { $0 != "," })
                #expect(idsBefore.contains(id) || row.contains(",BANK_DIFFERENCE,error,"), "\(day): \(row)")
            }
        }
    }
}
