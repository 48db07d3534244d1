import ACH
import Core
import Foundation
import Ledger
import Pipeline
import Testing
import TestSupport

/// The sample's autopay week (`Jobs/sample-autopay.json`, as `scripts/sample-autopay-week.sh` runs it): after the
/// first week, `settle originate` writes the four mandates' prenotes on 2026-11-09, and each night from 11-10 to 11-18
/// the job reads the bank's answers in `Samples/autopay/<date>/` and writes the next debit file. The files, entry by entry and
/// byte for byte (but their creation time), and every report of the week's business days are checked against golden
/// copies; the story is checked outright: the C02 notice on Blue Ridge's prenote corrects its next debit's routing
/// number, Delta Marine's R01 is presented again in a RETRY PYMT batch that settles, Evergreen's R10 revokes its
/// mandate, and the pulls that settled closed their invoices without a person.
@Suite struct SampleAutopayWeekTests {
    static let nights = (10...18).map { Day(year: 2026, month: 11, day: $0)! }
    static let businessDays = [10, 12, 13, 16, 17, 18].map { Day(year: 2026, month: 11, day: $0)! }
    static let files = ["2026-11-09-A.ach", "2026-11-13-A.ach", "2026-11-17-A.ach"]

    /// The week's manifest: `Jobs/sample-autopay.json` with its ledger, outputs, mandates and key in `folder`.
    static func manifest(in folder: String) throws -> String {
        var text = try String(contentsOfFile: TestPaths.jobs + "/sample-autopay.json", encoding: .utf8)
        text = text.replacingOccurrences(of: "\"../var/", with: "\"\(folder)/").replacingOccurrences(of: "\"../Samples/", with: "\"\(TestPaths.samples)/")
        #expect(!text.contains("../"), "every path of the week's manifest is the folder's or the Samples'")
        try FileManager.default.createDirectory(atPath: folder + "/autopay", withIntermediateDirectories: true)
        let mandates = try String(contentsOfFile: TestPaths.samples + "/autopay/mandates.csv", encoding: .utf8)
        try AtomicFile.write(mandates, to: folder + "/autopay/mandates.csv")
        try AtomicFile.write("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", to: folder + "/autopay/origination.key")
        let path = folder + "/autopay.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs the first week, the prenotes' night and the week's nights one by one in `folder`; the nights' results.
    static func runWeek(in folder: String) async throws -> [RunResult] {
        let first = await JobRunner(manifest: try Manifest.load(path: try SampleJobTests.manifest(in: folder))).run(RunOptions(days: SampleJobTests.days, concurrency: 2))
        #expect(first.exitCode == .ok, "\(first.message ?? "")")
        let manifest = try Manifest.load(path: try manifest(in: folder))
        let prenotes = try await Originator.originate(manifest: manifest, day: Day(year: 2026, month: 11, day: 9)!, dryRun: false)
        #expect(prenotes.wrote && prenotes.entries.count == 4 && prenotes.entries.allSatisfy { $0.kind == .prenote }, "\(Originator.describe(prenotes))")
        var results: [RunResult] = []
        for night in nights {
            results.append(await JobRunner(manifest: manifest).run(RunOptions(days: [night], concurrency: 2)))
        }
        return results
    }

    /// A file's entries as its own reader reads them: (trace, transaction code, routing, account, cents, invoice), and
    /// each batch's description; the reader must find no issue.
    static func read(_ path: String) throws -> (entries: [(trace: String, code: Int, routing: String, account: String, cents: Int64, invoice: String)], descriptions: [String]) {
        let data = try #require(FileManager.default.contents(atPath: path), "\(path)")
        var reader = NACHAReader(source: MemoryByteSource([UInt8](data)), fileName: path)
        var entries: [(trace: String, code: Int, routing: String, account: String, cents: Int64, invoice: String)] = []
        var descriptions: [String] = []
        while let batch = try reader.nextBatch() {
            descriptions.append(batch.header.companyEntryDescription.trimmingCharacters(in: .whitespaces))
            for entry in batch.entries {
                let d = entry.detail
                let rmr = entry.paymentRelatedInformation.split(separator: "*")
                entries.append((d.traceNumber, d.transactionCode, d.receivingDFI + d.checkDigit, d.dfiAccountNumber.trimmingCharacters(in: .whitespaces), d.amountCents,
                                rmr.count > 2 ? String(rmr[2]) : ""))
            }
        }
        #expect(reader.diagnostics.items.isEmpty, "\(path): \(reader.diagnostics.items.prefix(3))")
        return (entries, descriptions)
    }

    @Test func theWeeksFilesReportsAndStoryAreAsRecorded() async throws {
        let folder = TestPaths.packageRoot + "/.build/autopay-week-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try await Self.runWeek(in: folder)
        for (night, result) in zip(Self.nights, results) { #expect(result.exitCode == .ok, "\(night): \(result.message ?? "")") }
        let outbox = try FileManager.default.contentsOfDirectory(atPath: folder + "/outbox").sorted()
        #expect(outbox == Self.files)

        // The prenotes, then the debits with Blue Ridge's corrected routing number (C02 of 11-12), then the retry.
        let prenotes = try Self.read(folder + "/outbox/2026-11-09-A.ach")
        #expect(prenotes.entries.map(\.trace) == (3...6).map { "07640125" + String(format: "%07d", $0) }, "above the traces of the hand-made file of 11-03")
        #expect(prenotes.entries.map(\.code) == [28, 28, 28, 38] && prenotes.entries.allSatisfy { $0.cents == 0 })
        #expect(prenotes.entries[0].routing == "021000021")
        let debits = try Self.read(folder + "/outbox/2026-11-13-A.ach")
        #expect(debits.entries.map(\.invoice) == ["INV-10042", "INV-10043", "INV-10040", "INV-10041"], "INV-10044 is over MD-C003's max_amount")
        #expect(debits.entries.map(\.cents) == [420_000, 210_000, 348_000, 275_000])
        #expect(debits.entries[0].routing == "021000089" && debits.entries[0].account == "883100245", "the C02 notice applied")
        let retry = try Self.read(folder + "/outbox/2026-11-17-A.ach")
        #expect(retry.descriptions == ["RETRY PYMT"])
        let original = try #require(debits.entries.first { $0.invoice == "INV-10040" })
        #expect(retry.entries.count == 1 && retry.entries[0].invoice == "INV-10040" && retry.entries[0].cents == original.cents
                && retry.entries[0].routing == original.routing && retry.entries[0].account == original.account && retry.entries[0].code == original.code)

        // What the week's RETURN exceptions say comes next, and where the mandates and invoices stand after it.
        let returns = try String(contentsOfFile: folder + "/out/2026-11-17/exceptions.csv", encoding: .utf8)
        #expect(returns.contains("INV-10040,\"return R01") && returns.contains("autopay: presented again on or after 2026-11-18 (retry 1 of 2)")
                && returns.contains("nothing to do yet: autopay presents it again"))
        #expect(returns.contains("INV-10041,\"return R10") && returns.contains("mandate MD-C005 is revoked"))
        let statuses = Dictionary(try SQLiteOriginationStore(path: folder + "/ledger.sqlite").mandates().map { ($0.mandateID, $0.status) }, uniquingKeysWith: { a, _ in a })
        #expect(statuses == ["MD-C002": "active", "MD-C003": "active", "MD-C004": "active", "MD-C005": "revoked"])
        let open = try String(contentsOfFile: folder + "/out/2026-11-18/open-items.csv", encoding: .utf8)
        for line in ["INV-10040,C004,2026-11-16,3480.00,0.00,0", "INV-10041,C005,2026-11-16,2750.00,2750.00,2", "INV-10044,C003,2026-11-18,6500.00,6500.00,0"] {
            #expect(open.contains(line), "\(line)")
        }
        #expect(!open.contains("INV-10042") && !open.contains("INV-10043"), "settled pulls close their invoices")

        // Byte for byte, but the files' creation time (the header's HHMM).
        let record = ProcessInfo.processInfo.environment["SETTLE_RECORD_GOLDEN"] == "1"
        for name in Self.files {
            var made = try String(contentsOfFile: folder + "/outbox/" + name, encoding: .utf8)
            let time = made.index(made.startIndex, offsetBy: 29)..<made.index(made.startIndex, offsetBy: 33)
            made.replaceSubrange(time, with: "HHMM")
            try GoldenReportTests.compare(made, goldenPath: GoldenReportTests.golden + "/outbox/" + name, record: record)
        }
        try GoldenReportTests.compare(folder: folder, days: Self.businessDays, record: record)

        // The week again as a range: nothing posted, no file written.
        let again = await JobRunner(manifest: try Manifest.load(path: folder + "/autopay.json")).run(RunOptions(days: Self.nights, concurrency: 2))
        #expect(again.exitCode == .ok && again.days.allSatisfy { $0.postedCount == 0 }, "\(again.days.map(\.postedCount))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/outbox").sorted() == Self.files)

        // The week's return rates are past their lines (RETURN_RATE, unauthorized and overall) until its returns leave
        // the 60 days: the night of 2027-01-19 resolves both, saying why.
        let reader = try SQLiteLedgerReader(path: folder + "/ledger.sqlite")
        #expect(try reader.exceptions(status: "open", type: "RETURN_RATE").count == 2)
        let later = await JobRunner(manifest: try Manifest.load(path: folder + "/autopay.json")).run(RunOptions(days: [Day(year: 2027, month: 1, day: 19)!], concurrency: 2))
        #expect(later.exitCode == .ok, "\(later.message ?? "")")
        #expect(try reader.exceptions(status: "open", type: "RETURN_RATE").isEmpty)
        let resolved = try reader.exceptions(status: "resolved", type: "RETURN_RATE")
        #expect(resolved.count == 2 && resolved.allSatisfy { $0.resolutionNote.contains("no debits of company 1447100223 in the 60 days to 2027-01-19") },
                "\(resolved.map(\.resolutionNote))")
    }
}
