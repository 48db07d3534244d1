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
        try await Self.runAndCompare(ledger: nil, extra: "") { $0 }
    }

    /// Runs the sample days in a folder inside the package (under .build/, so the reports' paths to the Samples are the
    /// same wherever the clone is) on `ledger` (nil: the folder's SQLite file), and compares every report, made the same
    /// as the SQLite run's by `normalize`, with its golden copy.
    static func runAndCompare(ledger: String?, extra: String, normalize: (String) -> String) async throws {
        let folder = TestPaths.packageRoot + "/.build/golden-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try SampleJobTests.manifest(in: folder, ledger: ledger, extra: extra)
        let result = await JobRunner(manifest: try Manifest.load(path: path)).run(RunOptions(days: SampleJobTests.days, concurrency: 2))
        #expect(result.exitCode == .ok, "\(result.message ?? "")")
        let record = ProcessInfo.processInfo.environment["SETTLE_RECORD_GOLDEN"] == "1" && ledger == nil
        try compare(folder: folder, days: SampleJobTests.days, record: record, normalize: normalize)
    }

    /// The folder of the golden copies, one folder a day.
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    /// Compares every report of `days` the run in `folder` wrote, made the same as the SQLite run's by `normalize`, with
    /// its golden copy (or records it, `record`).
    static func compare(folder: String, days: [Day], record: Bool, normalize: (String) -> String = { $0 }) throws {
        for day in days {
            for name in Self.reports {
                let made = normalize(try String(contentsOfFile: "\(folder)/out/\(day)/\(name)", encoding: .utf8))
                    .replacingOccurrences(of: folder, with: "<FOLDER>").replacingOccurrences(of: TestPaths.packageRoot, with: "<ROOT>")
                try compare(made, goldenPath: "\(golden)/\(day)/\(name)", record: record)
            }
        }
    }

    /// Compares `made` with the golden copy at `goldenPath`, naming the first line that differs (or records it).
    static func compare(_ made: String, goldenPath: String, record: Bool) throws {
        if record {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: goldenPath).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try made.write(toFile: goldenPath, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: goldenPath, encoding: .utf8)
        guard made != expected else { return }
        let a = made.split(separator: "\n", omittingEmptySubsequences: false), b = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let name = goldenPath.replacingOccurrences(of: golden + "/", with: "")
        Issue.record("\(name) differs from its golden copy at line \(line + 1):\n  made:     \(line < a.count ? a[line] : "(end)")\n  recorded: \(line < b.count ? b[line] : "(end)")")
    }
}

/// The same sample days on a PostgreSQL ledger (an entity of its own) make the same reports, byte for byte, as the
/// golden copies the SQLite run recorded; only the ledger the resolve commands name differs (the database's URL,
/// redacted, and `--entity`).
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLGoldenReportTests {
    @Test func everyReportOfTheSampleDaysIsTheSQLiteRunsByteForByte() async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("golden"))
        let commands = try NSRegularExpression(pattern: "--ledger \\S*postgresql://\\S*? --entity acme-us")
        var named = 0
        try await GoldenReportTests.runAndCompare(ledger: url, extra: ", \"entity\": \"acme-us\"") { text in
            let range = NSRange(text.startIndex..., in: text)
            named += commands.numberOfMatches(in: text, range: range)
            // The URL a page prints is redacted: no user name, no options.
            #expect(!text.contains("user=postgres") && !text.contains("search_path"))
            return commands.stringByReplacingMatches(in: text, range: range, withTemplate: "--ledger <FOLDER>/ledger.sqlite")
        }
        #expect(named > 100, "the resolve commands name the database and the entity")
    }
}
