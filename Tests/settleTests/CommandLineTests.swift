import Foundation
import Pipeline
@testable import settle
import Testing
import TestSupport

@Suite struct CommandLineTests {
    func settle(_ arguments: String...) async -> (code: Int32, out: String, err: String) {
        await settle(arguments)
    }

    func settle(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
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
        for command in ["run", "validate", "exceptions", "advice", "archive", "period", "ledger"] {
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

    /// Every command that does the work, by the words that name it (`exceptions list`).
    static let commandPaths: [String] = Settle.commands.flatMap { command in
        command.isGroup ? command.subcommands.map { "\(command.name) \($0.name)" } : [command.name]
    }

    static func command(_ path: String) -> (words: [String], command: Command, group: Command?) {
        let words = path.split(separator: " ").map(String.init)
        guard let top = Settle.commands.first(where: { $0.name == words[0] }) else { fatalError("no command \(path)") }
        guard words.count == 2 else { return (words, top, nil) }
        guard let sub = top.subcommand(words[1]) else { fatalError("no command \(path)") }
        return (words, sub, top)
    }

    /// The options a help text names (`--help` aside).
    func optionsNamed(in help: String) -> Set<String> {
        Set(help.matches(of: /--[a-z][a-z-]*/).map { String($0.output) }).subtracting(["--help"])
    }

    @Test(arguments: commandPaths)
    func aCommandsHelpNamesExactlyTheOptionsItsParserTakes(path: String) async {
        let (words, command, _) = Self.command(path)
        let declared = Set(command.options.map { "--\($0.name)" })
        let help = await settle(words + ["--help"])
        #expect(help.code == 0)
        #expect(help.out.hasPrefix("Usage: settle \(path) "), "\(help.out)")
        #expect(optionsNamed(in: help.out) == declared, "\(path): the help names \(optionsNamed(in: help.out).sorted()), the table \(declared.sorted())")
        // The usage line is written by hand: it names every option too (but the older spelling `resolve --resolution`).
        let usage = optionsNamed(in: command.usage.joined(separator: " "))
        #expect(usage == declared.subtracting(["--resolution"]), "\(path): the usage names \(usage.sorted()), the table \(declared.sorted())")
        // The parser takes each of them (whatever fails next, it is not the option)...
        for option in command.options {
            let r = await settle(words + ["--\(option.name)"] + (option.takesValue ? ["/nonexistent/cli-probe"] : []))
            #expect(!r.err.contains("unknown option"), "\(path) --\(option.name): \(r.err)")
            #expect(!r.err.contains("needs a value") && !r.err.contains("takes no value"), "\(path) --\(option.name): \(r.err)")
        }
        // ... and nothing else, naming every one it takes.
        let unknown = await settle(words + ["--no-such-option"])
        #expect(unknown.code == 2)
        #expect(unknown.err == "settle: unknown option --no-such-option (this command takes: \(declared.sorted().joined(separator: ", ")))\n")
    }

    @Test func aGroupsHelpNamesEveryOptionOfItsSubcommandsAndNoOther() async {
        for group in Settle.commands where group.isGroup {
            let help = await settle(group.name, "--help")
            #expect(help.code == 0)
            for subcommand in group.subcommands { #expect(help.out.contains("settle \(group.name) \(subcommand.name)"), "\(group.name) \(subcommand.name)") }
            #expect(optionsNamed(in: help.out) == Set(group.subcommands.flatMap(\.options).map { "--\($0.name)" }), "\(group.name)")
            // Bare, the group prints its help and exits 2, as a usage error.
            let bare = await settle(group.name)
            #expect(bare.code == 2 && bare.out == help.out)
        }
    }

    @Test func settlesHelpListsEveryCommandAndEverySubcommand() async {
        let help = await settle("--help")
        #expect(help.code == 0)
        let lines = help.out.split(separator: "\n")
        for command in Settle.commands {
            let line = lines.first { $0.hasPrefix("  settle \(command.name) ") }
            #expect(line != nil, "\(command.name)")
            for subcommand in command.subcommands { #expect(line?.contains(subcommand.name) == true, "\(command.name) \(subcommand.name)") }
        }
    }

    @Test func theTablesAreConsistent() {
        for command in Settle.commands {
            // Every exit code a help names is one settle exits with, and every command says 2 is a usage error.
            #expect(command.exitStatuses.flatMap(\.codes).allSatisfy { ExitCode(rawValue: $0) != nil }, "\(command.name)")
            #expect(command.exitStatuses.contains { $0.codes == [2] && $0.meaning.hasPrefix("usage") }, "\(command.name)")
            let leaves = command.isGroup ? command.subcommands : [command]
            for leaf in leaves {
                #expect(leaf.action != nil && leaf.exitStatuses.isEmpty == command.isGroup, "\(command.name) \(leaf.name)")
                #expect(Set(leaf.options.map(\.name)).count == leaf.options.count, "\(command.name) \(leaf.name): an option twice")
                // The first option cannot share the help line of the one before it.
                #expect(leaf.options.first?.help != nil || leaf.options.isEmpty, "\(command.name) \(leaf.name)")
            }
            // A subcommand is found before its options are known: an option takes a value in all of a group's
            // subcommands or in none.
            let options = leaves.flatMap(\.options)
            for option in options {
                #expect(options.allSatisfy { $0.name != option.name || $0.takesValue == option.takesValue }, "\(command.name) --\(option.name)")
            }
        }
    }

    @Test func aBadCommandLineIsAUsageErrorNotAManifestError() async throws {
        let settle = Settle(console: Console(echo: false))
        let missing = await #expect(throws: UsageError.self) { try await settle.dispatch(.ledger, ["verify"]) }
        #expect(missing?.code == .missingOption && missing?.message == "ledger needs --ledger PATH")
        let badDay = await #expect(throws: UsageError.self) { try await settle.dispatch(.run, ["job.json", "--date", "tomorrow"]) }
        #expect(badDay?.code == .invalidValue && badDay?.message == "--date: 'tomorrow' is not a YYYY-MM-DD date")
        let count = await #expect(throws: UsageError.self) { try await settle.dispatch(.run, ["a.json", "b.json"]) }
        #expect(count?.code == .wrongArguments && count?.message == "run takes one MANIFEST, got 2")
        let both = await #expect(throws: UsageError.self) { try await settle.dispatch(.run, ["a.json", "--date", "2026-11-02", "--to", "2026-11-03"]) }
        #expect(both?.code == .conflictingOptions)
        // A manifest that cannot be used is the manifest's problem, not the command line's.
        await #expect(throws: ManifestError.self) { try await settle.dispatch(.run, ["/nonexistent/job.json"]) }
    }

    @Test func usageErrorsSayWhatWasMeant() async {
        let option = await settle("run", "x.json", "--dryrun")
        #expect(option.code == 2)
        #expect(option.err == "settle: unknown option --dryrun: did you mean --dry-run? "
                + "(this command takes: --cascade, --concurrency, --date, --dry-run, --from, --json, --move-inputs, --to, --wait)\n")
        let command = await settle("valdate", "x.ach")
        #expect(command.code == 2)
        #expect(command.err == "settle: unknown command 'valdate': did you mean validate? (expected run, validate, exceptions, advice, archive, period, ledger, originate or origination; see settle --help)\n")
        let subcommand = await settle("ledger", "verfy", "--ledger", "/nonexistent/l.sqlite")
        #expect(subcommand.code == 2)
        #expect(subcommand.err == "settle: ledger: unknown subcommand 'verfy': did you mean verify? (expected balance, entries, verify, export or migrate)\n")
        // Nothing is suggested that only three edits make of a short word.
        let far = await settle("exceptions", "frob", "--ledger", "/nonexistent/l.sqlite")
        #expect(far.err == "settle: exceptions: unknown subcommand 'frob' (expected list, show, resolve, reopen or import)\n")
        let none = await settle("period", "--ledger", "/nonexistent/l.sqlite")
        #expect(none.code == 2 && none.err == "settle: period needs one of close, reopen or status\n")
        let extra = await settle("ledger", "verify", "extra", "--ledger", "/nonexistent/l.sqlite")
        #expect(extra.code == 2 && extra.err == "settle: ledger verify takes no arguments, got 'extra'\n")
        let flagValue = await settle("ledger", "balance", "--ledger", "/nonexistent/l.sqlite", "--json=yes")
        #expect(flagValue.code == 2 && flagValue.err == "settle: option --json takes no value\n")
        let single = await settle("run", "x.json", "-n")
        #expect(single.code == 2 && single.err.hasPrefix("settle: unknown option -n (this command takes: --cascade"))
        let reopenDay = await settle("period", "reopen", "2026-13-01", "--note", "n", "--ledger", "/nonexistent/l.sqlite")
        #expect(reopenDay.code == 2 && reopenDay.err == "settle: period reopen: '2026-13-01' is not a YYYY-MM-DD date\n")
    }

    @Test func optionsComeAnywhereAndDoubleDashEndsThem() async {
        // Options before the subcommand, their values not taken for it; --name=value; `--` ends the options.
        let before = await settle("exceptions", "--ledger", "/nonexistent/l.sqlite", "--status=open", "list")
        #expect(before.code == 3 && before.err.contains("no ledger at /nonexistent/l.sqlite"), "\(before.err)")
        let inline = await settle("run", "x.json", "--date=2026-02-30")
        #expect(inline.code == 2 && inline.err == "settle: --date: '2026-02-30' is not a YYYY-MM-DD date\n")
        let dashed = await settle("validate", "--", "--lenient")
        #expect(dashed.code == 1 && dashed.err == "--lenient: no such file\n")
        let notHelp = await settle("validate", "--", "--help")
        #expect(notHelp.code == 1 && notHelp.out.isEmpty)
        let subcommandHelp = await settle("exceptions", "resolve", "-h")
        #expect(subcommandHelp.code == 0 && subcommandHelp.out.hasPrefix("Usage: settle exceptions resolve ID --ledger PATH"))
        #expect(subcommandHelp.out.contains("  --approved-by NAME "))
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

/// A PostgreSQL URL given as the ledger: one with a password is refused (exit 2) and never printed; one that cannot be
/// reached is exit 3, printed redacted; a manifest naming one without its `entity`, or with a password, is exit 2; and no
/// file is made of it.
@Suite struct LedgerURLTests {
    @Test func aURLLedgerIsRefusedAndNeverPrintedWithItsPassword() async throws {
        let folder = TestPaths.temporaryDirectory("ledger-url")
        let withPassword = await SettleHarness.settle(["exceptions", "list", "--ledger", "postgresql://settle:s3cret@db.internal/finance"])
        #expect(withPassword.code == 2 && !withPassword.err.contains("s3cret") && withPassword.err.contains("postgresql://db.internal/finance"))
        let plain = await SettleHarness.settle(["exceptions", "list", "--ledger", "postgresql://settle@db.internal/finance"])
        #expect(plain.code == 3 && plain.err.contains("the ledger postgresql://db.internal/finance cannot be reached") && !plain.err.contains("settle@"),
                "\(plain.err)")
        let job = try SettleHarness.sampleJob(in: folder)
        let text = try String(contentsOfFile: job, encoding: .utf8).replacingOccurrences(of: "\"\(folder)/l.sqlite\"", with: "\"postgresql://u:s3cret@h/db\"")
        try text.write(toFile: job, atomically: true, encoding: .utf8)
        let run = await SettleHarness.settle(["run", job, "--date", "2026-11-02"])
        #expect(run.code == 2 && run.err.contains("\"ledger\"") && !run.err.contains("s3cret"))
        try text.replacingOccurrences(of: "u:s3cret@", with: "u@").write(toFile: job, atomically: true, encoding: .utf8)
        let noEntity = await SettleHarness.settle(["run", job, "--date", "2026-11-02"])
        #expect(noEntity.code == 2 && noEntity.err.contains("\"entity\" is required") && noEntity.err.contains("postgresql://h/db"), "\(noEntity.err)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/postgresql:"))
    }
}
