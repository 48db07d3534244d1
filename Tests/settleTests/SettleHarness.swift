import Foundation
@testable import settle
import TestSupport

/// What the command-line suites share: settle run in-process with its output captured, and the sample job (the sample
/// days' NACHA and BAI2 files, tolerance 1.00) written into a folder of its own.
enum SettleHarness {
    static func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
        let console = Console(echo: false)
        let code = await Settle(console: console).run(arguments)
        return (code, console.standardOutput, console.standardError)
    }

    /// Writes `folder/job.json` (ledger, output and archive in `folder`) and returns its path.
    static func sampleJob(in folder: String) throws -> String {
        let samples = TestPaths.samples
        let text = """
            {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
             "sources": [{"format": "nacha", "path": "\(samples)/{date}/ach/*.ach"}, {"format": "bai2", "path": "\(samples)/{date}/bank/*.bai"}],
             "matching": {"tolerance": "1.00"}}
            """
        try text.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        return folder + "/job.json"
    }
}
