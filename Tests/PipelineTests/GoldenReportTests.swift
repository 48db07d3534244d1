import Core
import Foundation
import Pipeline
import Testing
import TestSupport

/// Every report of the sample job, day by day, against the golden copies in `Tests/PipelineTests/Golden/` (the folder
/// the run wrote in is replaced by `<FOLDER>`, the package's by `<ROOT>`). `SETTLE_RECORD_GOLDEN=1 swift test --filter GoldenReportTests` records
/// them again; the diff is reviewed in the commit that changes a report.
@Suite struct GoldenReportTests {
    static let reports = ["remittance.csv", "exceptions.csv", "open-items.csv", "journal.csv", "advice.csv", "aging.csv", "summary.json",
                          "exceptions.html", "remittance.html", "summary.html", "aging.html"]

    @Test func everyReportOfTheSampleDaysIsAsRecorded() async throws {
        // Run inside the package (under .build/), so the reports' paths to the Samples are the same wherever the clone is.
        let folder = TestPaths.packageRoot + "/.build/golden-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try SampleJobTests.manifest(in: folder)
        let result = await JobRunner(manifest: try Manifest.load(path: path)).run(RunOptions(days: SampleJobTests.days, concurrency: 2))
        #expect(result.exitCode == .ok)
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
        let record = ProcessInfo.processInfo.environment["SETTLE_RECORD_GOLDEN"] == "1"
        for day in SampleJobTests.days {
            for name in Self.reports {
                let made = try String(contentsOfFile: "\(folder)/out/\(day)/\(name)", encoding: .utf8).replacingOccurrences(of: folder, with: "<FOLDER>")
                    .replacingOccurrences(of: TestPaths.packageRoot, with: "<ROOT>")
                let goldenPath = "\(golden)/\(day)/\(name)"
                if record {
                    try FileManager.default.createDirectory(atPath: "\(golden)/\(day)", withIntermediateDirectories: true)
                    try made.write(toFile: goldenPath, atomically: true, encoding: .utf8)
                    continue
                }
                let expected = try String(contentsOfFile: goldenPath, encoding: .utf8)
                if made != expected {
                    let a = made.split(separator: "\n", omittingEmptySubsequences: false), b = expected.split(separator: "\n", omittingEmptySubsequences: false)
                    let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
                    Issue.record("\(day)/\(name) differs from its golden copy at line \(line + 1):\n  made:     \(line < a.count ? a[line] : "(end)")\n  recorded: \(line < b.count ? b[line] : "(end)")")
                }
            }
        }
    }
}
