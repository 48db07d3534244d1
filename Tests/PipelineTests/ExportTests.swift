import Accounting
import Core
import Foundation
import Ledger
import Pipeline
import Testing
import TestSupport

/// The exported journal, read back by the plain-text accounting tools, says what our ledger says.
@Suite struct ExportTests {
    static let hledger: String? = ["/usr/bin/hledger", "/usr/local/bin/hledger"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func sampleLedger() async throws -> String {
        let folder = TestPaths.temporaryDirectory("export")
        let path = try SampleJobTests.manifest(in: folder)
        let result = await JobRunner(manifest: try Manifest.load(path: path)).run(RunOptions(days: SampleJobTests.days))
        #expect(result.exitCode == .ok)
        return folder + "/ledger.sqlite"
    }

    @Test func csvExportHasEveryPostingAndBalances() async throws {
        let reader = try SQLiteLedgerReader(path: try await sampleLedger())
        let text = JournalExport.render(try reader.entries(), accounts: try reader.accounts(), format: .csv)
        var csv = CSVReader(source: MemoryByteSource(text))
        var record = CSVRecord()
        var rows = 0
        var sum: Int64 = 0
        _ = try csv.next(into: &record) // header
        while try csv.next(into: &record) {
            rows += 1
            // journal.csv's columns: debit (8) and credit (9) as magnitudes, one of them per row.
            #expect(record[8].isEmpty != record[9].isEmpty)
            if !record[8].isEmpty { sum += try Money.parse(record[8], currency: .usd).minorUnits }
            if !record[9].isEmpty { sum -= try Money.parse(record[9], currency: .usd).minorUnits }
        }
        #expect(rows == (try reader.counts()).postings)
        #expect(sum == 0)
    }

    @Test(.enabled(if: ExportTests.hledger != nil, "hledger is not installed (.ci/run installs it)"))
    func hledgerAgreesWithLedgerBalance() async throws {
        let reader = try SQLiteLedgerReader(path: try await sampleLedger())
        let journal = TestPaths.temporaryDirectory("hledger") + "/settle.journal"
        try JournalExport.render(try reader.entries(), accounts: try reader.accounts(), format: .hledger).write(toFile: journal, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ExportTests.hledger!)
        process.arguments = ["-f", journal, "balance", "--flat", "--no-total", "-O", "csv"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // "account","balance" rows: "assets:1200 Accounts receivable","22575.50 USD"
        var theirs: [String: Int64] = [:]
        for line in output.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            guard fields.count == 2, let code = fields[0].split(separator: ":").last?.split(separator: " ").first else { continue }
            let amount = fields[1].replacingOccurrences(of: " USD", with: "")
            theirs[String(code)] = try Money.parse(amount, currency: .usd).minorUnits
        }
        var ours: [String: Int64] = [:]
        for b in try reader.balances() where !b.balance.isZero { ours[b.account] = b.balance.minorUnits }
        #expect(!ours.isEmpty)
        #expect(theirs == ours)
    }

    @Test func beancountExportOpensEveryAccountItUses() async throws {
        let reader = try SQLiteLedgerReader(path: try await sampleLedger())
        let text = JournalExport.render(try reader.entries(), accounts: try reader.accounts(), format: .beancount)
        let opened = Set(text.split(separator: "\n").filter { $0.contains(" open ") }.map { String($0.split(separator: " ")[2]) })
        let used = Set(text.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains(" USD") }.map { String($0.split(separator: " ")[0]) })
        #expect(!used.isEmpty && used.isSubset(of: opened))
    }
}
