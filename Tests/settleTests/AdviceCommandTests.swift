import Foundation
@testable import settle
import Testing
import TestSupport

/// `settle advice` makes, from the ledger, exactly the rows the run wrote to the day's advice.csv: the receipt's
/// source, reference and value day as the run knew them (NACHA and BAI2 receipts alike).
@Suite struct AdviceCommandTests {
    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) { await SettleHarness.settle(arguments) }

    @Test func theCommandsAdviceRowsAreTheRunsForEveryCustomerAndDay() async throws {
        let folder = TestPaths.temporaryDirectory("advice")
        _ = try SettleHarness.sampleJob(in: folder)
        let run = await settle(["run", folder + "/job.json", "--from", "2026-11-02", "--to", "2026-11-03"])
        #expect(run.code == 0 || run.code == 4, "\(run.err)")
        var sources = Set<String>()
        for day in ["2026-11-02", "2026-11-03"] {
            let lines = try String(contentsOfFile: "\(folder)/out/\(day)/advice.csv", encoding: .utf8).split(separator: "\n")
            let header = try #require(lines.first)
            let rows = lines.dropFirst()
            let customers = Set(rows.compactMap { $0.split(separator: ",").first })
            #expect(!customers.isEmpty)
            for customer in customers.sorted() {
                let cli = await settle(["advice", String(customer), "--day", day, "--ledger", "\(folder)/l.sqlite"])
                #expect(cli.code == 0, "\(customer) \(day): \(cli.err)")
                let mine = rows.filter { $0.hasPrefix(customer + ",") }
                #expect(cli.out.split(separator: "\n") == [header] + mine, "\(customer) on \(day)")
                for row in mine { sources.formUnion(["nacha", "bai2"].filter { row.contains(",\($0),") }) }
            }
        }
        // Receipts of both kinds were compared: ACH entries and statement lines.
        #expect(sources.isSuperset(of: ["nacha", "bai2"]), "\(sources)")
    }
}
