import Accounting
import Core
import Foundation
@testable import Ledger
import Pipeline
import Testing
import TestSupport

/// What the runner reads of the ledger before the days run: a read that fails stops the run (exit 3) and says what
/// failed, rather than running as if nothing were there.
@Suite struct JobRunnerTests {
    static let first = Day(year: 2026, month: 11, day: 2)!
    static let second = Day(year: 2026, month: 11, day: 3)!

    func run(_ manifest: String, _ days: [Day]) async throws -> RunResult {
        await JobRunner(manifest: try Manifest.load(path: manifest)).run(RunOptions(days: days, concurrency: 2))
    }

    @Test func aClosedPeriodThatCannotBeReadStopsTheRun() async throws {
        let folder = TestPaths.temporaryDirectory("closed-unreadable")
        let manifest = try SampleJobTests.manifest(in: folder)
        let day1 = try await run(manifest, [Self.first])
        #expect(day1.exitCode == .ok, "\(day1.message ?? "")")
        // A period change whose day the ledger cannot read: whether day 1 is closed is unknown.
        do {
            let db = try Database(path: folder + "/ledger.sqlite")
            try db.execute("INSERT INTO period_changes(action, closed_through, note, by, at) VALUES ('close', '2026-13-45', 'n', 'x', 't')")
        }
        let rerun = try await run(manifest, [Self.first, Self.second])
        #expect(rerun.exitCode == .failed)
        #expect(rerun.days.isEmpty, "days ran though the closed period is unknown: \(rerun.days.map(\.day))")
        #expect(rerun.message?.contains("closed period") == true && rerun.message?.contains("2026-13-45") == true, "\(rerun.message ?? "")")
    }

    @Test func theLastDayRunThatCannotBeReadStopsTheRun() async throws {
        let folder = TestPaths.temporaryDirectory("last-day-unreadable")
        let manifest = try SampleJobTests.manifest(in: folder)
        #expect(try await run(manifest, [Self.second]).exitCode == .ok)
        do {
            let db = try Database(path: folder + "/ledger.sqlite")
            try db.execute("INSERT INTO ingested_files(sha256, size_bytes, name, run_id, day, archive_path) SELECT 'x', 0, 'n', MAX(run_id), 'someday', '' FROM runs")
        }
        let rerun = try await run(manifest, [Self.first])
        #expect(rerun.exitCode == .failed)
        #expect(rerun.days.isEmpty)
        #expect(rerun.message?.contains("someday") == true, "\(rerun.message ?? "")")
    }
}
