import Core
import Foundation
import Pipeline
import Scenario
@testable import settle
import Testing
import TestSupport

/// `settle originate`, `originate void` and `origination rates` as a person runs them, on a month's first days: every
/// file settle writes passes `settle validate` with no issue.
@Suite struct OriginateCommandTests {
    @Test func theCommandsWriteValidFilesAndSayWhatTheyDid() async throws {
        var month = AutopayMonth(options: .init(customers: 12))
        let folder = TestPaths.temporaryDirectory("originate-cli")
        try month.writeJob(in: folder)
        let job = folder + "/job.json"
        // The first day through settle run (origination disabled here: the command does it).
        let text = try String(contentsOfFile: job, encoding: .utf8).replacingOccurrences(of: "\"enabled\": true", with: "\"enabled\": false")
        try text.write(toFile: job, atomically: true, encoding: .utf8)
        let first = month.days[0]
        try month.writeBankFiles(on: first, in: folder)
        #expect(await SettleHarness.settle(["run", job, "--date", first.description]).code == 0)

        // A dry run lists the prenotes and writes nothing.
        let dry = await SettleHarness.settle(["originate", job, "--date", first.description, "--dry-run"])
        #expect(dry.code == 0, "\(dry.err)")
        #expect(dry.out.contains("would write") && dry.out.contains("12 prenotes") && dry.out.contains("prenote"), "\(dry.out)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/outbox/\(first)-A.ach"))
        // The file, then nothing more for the day.
        let wrote = await SettleHarness.settle(["originate", job, "--date", first.description])
        #expect(wrote.code == 0 && wrote.out.contains("\(folder)/outbox/\(first)-A.ach"), "\(wrote.out) \(wrote.err)")
        let again = await SettleHarness.settle(["originate", job, "--date", first.description])
        #expect(again.code == 0 && again.out.contains("was written before"), "\(again.out)")
        // settle validate reads it with no issue.
        let valid = await SettleHarness.settle(["validate", folder + "/outbox/\(first)-A.ach"])
        #expect(valid.code == 0 && valid.out.contains("no issues"), "\(valid.out) \(valid.err)")
        // Void: a file never sent; the next one of the day takes B, and it validates too.
        let void = await SettleHarness.settle(["originate", "void", folder + "/outbox/\(first)-A.ach", "--note", "not sent", "--ledger", folder + "/ledger.sqlite"])
        #expect(void.code == 0 && void.out.contains("is void"), "\(void.out) \(void.err)")
        let b = await SettleHarness.settle(["originate", job, "--date", first.description])
        #expect(b.code == 0 && b.out.contains("\(first)-B.ach"), "\(b.out)")
        #expect(await SettleHarness.settle(["validate", folder + "/outbox/\(first)-B.ach"]).code == 0)
        // Rates: nothing returned yet.
        let rates = await SettleHarness.settle(["origination", "rates", "--ledger", folder + "/ledger.sqlite", "--day", first.description])
        #expect(rates.code == 0 && rates.out.contains("no debits or returns"), "\(rates.out)")

        // A key file others may read: refused, exit 2, naming the file.
        chmod(folder + "/origination.key", 0o644)
        let open = await SettleHarness.settle(["originate", job, "--date", month.days[1].description])
        #expect(open.code == 2 && open.err.contains("origination.key") && open.err.contains("mode 644"), "\(open.err)")
        chmod(folder + "/origination.key", 0o600)
        // A mandates file with a bad row: exit 1, naming its line and field.
        let mandates = try String(contentsOfFile: folder + "/mandates.csv", encoding: .utf8) + "MD-X,A001,WEB,071000013,1,checking,2026-10-01,,,due\n"
        try AtomicFile.write(mandates, to: folder + "/mandates.csv")
        let bad = await SettleHarness.settle(["originate", job, "--date", month.days[1].description])
        #expect(bad.code == 1 && bad.err.contains("mandates.csv:14") && bad.err.contains("sec"), "\(bad.err)")
    }
}
