import Foundation
@testable import settle
import Testing
import TestSupport

@Suite struct CommandLineTests {
    func settle(_ arguments: String...) async -> (code: Int32, out: String, err: String) {
        let console = Console(echo: false)
        let code = await Settle(console: console).run(arguments)
        return (code, console.standardOutput, console.standardError)
    }

    func sampleManifest() throws -> (path: String, folder: String) {
        let folder = TestPaths.temporaryDirectory("cli")
        let samples = TestPaths.samples
        let text = """
            {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
             "sources": [{"format": "nacha", "path": "\(samples)/{date}/ach/*.ach"}, {"format": "bai2", "path": "\(samples)/{date}/bank/*.bai"}],
             "matching": {"tolerance": "1.00"}}
            """
        try text.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        return (folder + "/job.json", folder)
    }

    @Test func unknownFlagIsAOneLineErrorWithExitCode2() async {
        let r = await settle("run", "Jobs/sample.json", "--colour")
        #expect(r.code == 2)
        #expect(r.err.hasPrefix("settle: unknown option --colour"))
        #expect(r.err.split(separator: "\n").count == 1)
    }

    @Test func missingValueIsAnError() async {
        let r = await settle("run", "x.json", "--date")
        #expect(r.code == 2)
        #expect(r.err == "settle: option --date needs a value\n")
        let bad = await settle("run", "x.json", "--date", "2026-02-30")
        #expect(bad.err == "settle: --date: '2026-02-30' is not a YYYY-MM-DD date\n")
    }

    @Test func missingManifestFileExits2NamingThePath() async {
        let r = await settle("run", "/nonexistent/job.json")
        #expect(r.code == 2)
        #expect(r.err.contains("/nonexistent/job.json: cannot read the manifest"))
    }

    @Test func badManifestNamesTheKey() async throws {
        let (path, _) = try sampleManifest()
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"bai2\"", with: "\"bai3\"")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = await settle("run", path, "--date", "2026-11-02")
        #expect(r.code == 2)
        #expect(r.err.contains("\"sources[1].format\": unknown format 'bai3'"))
    }

    @Test func missingInputFileNamesIt() async throws {
        let (path, _) = try sampleManifest()
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "/customers.csv", with: "/no-such-customers.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = await settle("run", path)
        #expect(r.code == 2)
        #expect(r.err.contains("\"customers\": no such file:"))
        #expect(r.err.contains("no-such-customers.csv"))
    }

    @Test func everyCommandHasHelp() async {
        for command in ["run", "validate", "exceptions", "ledger"] {
            let r = await settle(command, "--help")
            #expect(r.code == 0)
            #expect(r.out.contains("Usage: settle \(command)") || r.out.contains("settle \(command) "), "\(command)")
            #expect(r.out.contains("Exit codes"))
        }
        let top = await settle("--help")
        #expect(top.out.contains("settle run MANIFEST"))
        let none = await settle()
        #expect(none.code == 2)
        let unknown = await settle("frobnicate")
        #expect(unknown.code == 2 && unknown.err.contains("unknown command 'frobnicate'"))
    }

    @Test func runThenVerifyThenExceptions() async throws {
        let (path, folder) = try sampleManifest()
        let run = await settle("run", path, "--from", "2026-11-02", "--to", "2026-11-03", "--json")
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("\"exit_code\": 0"))
        let verify = await settle("ledger", "verify", "--ledger", folder + "/l.sqlite")
        #expect(verify.code == 0)
        #expect(verify.out.contains("trial balance USD 0; every entry balances"))
        let balance = await settle("ledger", "balance", "--ledger", folder + "/l.sqlite", "--account", "1200")
        #expect(balance.out.contains("Accounts receivable"))
        let list = await settle("exceptions", "list", "--ledger", folder + "/l.sqlite", "--status", "open")
        #expect(list.out.contains("AMBIGUOUS"))
        let id = String(list.out.split(separator: "\n").first { $0.contains("AMBIGUOUS") }!.prefix(17))
        let resolve = await settle("exceptions", "resolve", id, "--ledger", folder + "/l.sqlite", "--resolution", "apply:INV-10020", "--note", "called Foxtrot")
        #expect(resolve.code == 0, "\(resolve.err)")
        let show = await settle("exceptions", "show", id, "--ledger", folder + "/l.sqlite", "--json")
        #expect(show.out.contains("\"status\": \"resolved\""))
        #expect(show.out.contains("\"resolution_note\": \"called Foxtrot\""))
        // The evidence behind the decision: how the payer was found, and the candidates set aside with why.
        #expect(show.out.contains("\"evidence\": \"customer by name 'FOXTROT LOGISTICS' in the statement text"), "\(show.out)")
        #expect(show.out.contains("candidates set aside: INV-10020 (open 4000.00, another invoice fits equally well); INV-10021"), "\(show.out)")
        let missing = await settle("exceptions", "show", "Xnope", "--ledger", folder + "/l.sqlite")
        #expect(missing.code == 1)
    }

    @Test func aDayWhoseAmountsOverflow64BitsExits3NamingItAndPostsNothing() async throws {
        // Each file is valid on its own (its controls agree); together the day's money does not fit in 64 bits.
        let folder = TestPaths.temporaryDirectory("overflow")
        try FileManager.default.createDirectory(atPath: folder + "/bank", withIntermediateDirectories: true)
        for n in 1...2 {
            try """
                01,NORTHWINDBK,NWIS,261102,2300,\(n),,,2/
                02,NWIS,07640125\(n),1,261102,2300,USD,2/
                03,447100223\(n),USD,010,0,,/
                16,195,5000000000000000000,0,W\(n),,INCOMING WIRE/
                49,5000000000000000000,3/
                98,5000000000000000000,1,5/
                99,5000000000000000000,1,7/

                """.write(toFile: folder + "/bank/x\(n).bai", atomically: true, encoding: .utf8)
        }
        let samples = TestPaths.samples
        try """
            {"version": 1, "ledger": "\(folder)/l.sqlite", "output": "\(folder)/out", "archive": "\(folder)/arc",
             "customers": "\(samples)/customers.csv", "invoices": "\(samples)/invoices.csv",
             "sources": [{"format": "bai2", "path": "\(folder)/bank/*.bai"}]}
            """.write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let r = await settle("run", folder + "/job.json", "--date", "2026-11-02")
        #expect(r.code == 3)
        #expect(r.err.contains("2026-11-02") && r.err.contains("64-bit"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/2026-11-02/summary.json"))
        let verify = await settle("ledger", "verify", "--ledger", folder + "/l.sqlite")
        #expect(verify.code == 0)
        let journal = await settle("ledger", "export", "--ledger", folder + "/l.sqlite", "--format", "csv")
        #expect(!journal.out.contains("W1") && !journal.out.contains("5000000000000000000"))
    }

    @Test func validateReportsFileLineColumn() async throws {
        let folder = TestPaths.temporaryDirectory("validate")
        let good = TestPaths.samples + "/2026-11-02/ach/20261102-ccd.ach"
        var lines = try String(contentsOfFile: good, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[lines.count - 1] = String(lines[lines.count - 1]) // padding unchanged
        let control = lines.firstIndex { $0.hasPrefix("9") && !$0.hasPrefix("99") }!
        lines[control] = String(lines[control].prefix(13)) + "00000099" + lines[control].dropFirst(21) // entry/addenda count 99 instead of 7
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/bad.ach", atomically: true, encoding: .utf8)
        let r = await settle("validate", good, folder + "/bad.ach")
        #expect(r.code == 1)
        #expect(r.out.contains("\(folder)/bad.ach:\(control + 1):14: fatal: Entry/Addenda Count: does not match the entries and addenda in the file (expected 7, found 99)"))
        #expect(r.out.contains("20261102-ccd.ach: nacha: 4 batches (0 rejected), 5 entries, 2 addenda"))
        let clean = await settle("validate", good)
        #expect(clean.code == 0)
    }
}
