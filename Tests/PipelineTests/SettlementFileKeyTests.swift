import Accounting
import Core
import Ledger
import Pipeline
import Testing
import TestSupport

/// A run keeps each ACH batch's file with its settlement item, so that a later day adds up waiting batches as a file's
/// total only with batches of their own file.
@Suite struct SettlementFileKeyTests {
    @Test func batchesWaitingFromAnEarlierDayKeepTheirFilesKey() async throws {
        let folder = TestPaths.temporaryDirectory("settlement-file-key")
        let manifest = try Manifest.load(path: try SampleJobTests.manifest(in: folder))
        let day = Day(civilYear: 2026, month: 11, day: 2)
        let result = await JobRunner(manifest: manifest).run(RunOptions(days: [day], concurrency: 2))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let view: any LedgerReading = try SQLiteLedgerReader(path: "\(folder)/ledger.sqlite")
        let files = Dictionary(try await view.ingestedFiles(day: day).map { ($0.sha256, $0.name) }, uniquingKeysWith: { a, _ in a })
        let pending = try await view.pendingSettlements(before: day.adding(days: 1))
        #expect(!pending.isEmpty)
        for item in pending {
            #expect(files[item.fileKey] == item.fileName, "\(item.batchKey): file key '\(item.fileKey)'")
        }
    }
}
