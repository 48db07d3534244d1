import Accounting
import Core
import Foundation
import Ledger
import Pipeline

/// The `settle` command line (CONTRACT.md).
struct Settle {
    static let version = "0.1.0"

    static let usage = """
        settle — nightly settlement and reconciliation: ACH files and bank statements in, cash applied to invoices,
        a balanced ledger and reports out.

        Usage:
          settle run MANIFEST [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--cascade] [--dry-run] [--concurrency N]
                              [--wait SECONDS] [--move-inputs] [--json]
          settle validate FILE... [--format nacha|bai2|camt052|camt053|camt054|csv] [--profile BANK.json] [--lenient]
          settle exceptions list|show ID|resolve ID|reopen ID|import FILE.csv ... --ledger PATH
          settle advice CUSTOMER --day YYYY-MM-DD --ledger PATH [--html]
          settle archive verify [--day YYYY-MM-DD] --ledger PATH
          settle period close --through YYYY-MM-DD --note TEXT | reopen YYYY-MM-DD --note TEXT | status  --ledger PATH
          settle ledger balance|entries|verify|export --ledger PATH

        Run `settle COMMAND --help` for a command's options.
        Exit codes: 0 done, every input accepted, the books tie to the bank; 1 done, some input rejected; 2 usage or
                    manifest error; 3 the run could not finish; 4 done, but the books do not tie to a statement
                    (BANK_DIFFERENCE); 75 another run holds the lock.
        """

    static let runHelp = """
        Usage: settle run MANIFEST [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--cascade] [--dry-run] [--concurrency N]
                              [--wait SECONDS] [--move-inputs] [--json]

        Runs the job a manifest describes, one day at a time, in order: reads the day's ACH files and bank statements,
        reconciles ACH settlement against the statement, applies receipts to open invoices, posts balanced journal
        entries to the ledger (each source once: a rerun posts only what changed), and writes OUTPUT/<date>/:
        remittance.csv, exceptions.csv, open-items.csv, journal.csv, advice.csv, aging.csv, summary.json, exceptions.html,
        remittance.html, aging.html, and run.log (what the run did, every statement line not posted with FILE:LINE and
        why, the books against each statement, each stage's time). Reviewers' decisions recorded since the last run are
        booked by it (see settle exceptions --help). After each day the books' cash of every bank account and currency
        is compared with each final statement closing; a difference is a BANK_DIFFERENCE exception and exit 4.

        Options:
          --date DAY          run this day (default: the manifest's date or from/to range, else yesterday)
          --from DAY --to DAY run every day of the range, in order
          --dry-run           compute everything and roll it back: nothing goes to the ledger or the archive; the
                              reports go to OUTPUT/<date>.dry-run/
          --concurrency N     files read at once (default: the number of cores)
          --wait SECONDS      wait up to SECONDS for another run's lock on the ledger (default: exit 75 at once,
                              naming the holder's pid, host and start time)
          --cascade           a rerun of a day also reruns every later day that was run, in order (without it, a rerun
                              of an earlier day warns that the later days do not see it)
          --move-inputs       once a day's inputs are archived (compressed, checked against their recorded SHA-256),
                              remove them from their paths (default: inputs are never touched; a rerun reads a day's
                              inputs back from the archive when they are no longer at their paths)
          --json              print the run's summaries as JSON

        Exit codes: 0 every input accepted and the books tie; 1 some input rejected or quarantined (the rest was
                    processed); 2 usage or manifest error; 3 the run could not finish; 4 every input accepted, but the
                    books do not tie to a statement (BANK_DIFFERENCE); 75 another run holds the ledger's lock;
                    130 / 143 stopped by SIGINT / SIGTERM (the day in flight rolled back; the message names the days
                    that finished; run again to finish).
        """

    static let validateHelp = """
        Usage: settle validate FILE... [--format nacha|bai2|camt052|camt053|camt054|csv] [--profile BANK.json] [--lenient]

        Reads each file and prints every problem as FILE:LINE:COL: severity: message, then a one-line summary per file
        (batches, entries, addenda and totals for NACHA; lines and totals for statements). The format is taken from the
        file's name or content unless --format says it. Files may be gzip-compressed.

        Options:
          --format F   nacha, bai2, camt052, camt053, camt054 or csv
          --profile P  the bank profile (JSON) a csv export is read with
          --lenient    report errors as warnings (what a lenient manifest source would accept)

        Exit codes: 0 no file has errors; 1 some file has errors; 2 usage error.
        """

    static let ledgerHelp = """
        Usage:
          settle ledger balance --ledger PATH [--account CODE] [--customer ID] [--as-of YYYY-MM-DD] [--by-customer] [--json]
          settle ledger entries --ledger PATH [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N]
          settle ledger verify  --ledger PATH
          settle ledger export  --ledger PATH --format csv|hledger|beancount [--output FILE]

        balance: account balances (debit positive) from every posting; entries: the journal in posting order;
        verify: recomputes the trial balance and every invoice's open amount from the postings and checks that every
        entry balances; export: the whole journal as CSV, an hledger journal or a Beancount ledger.

        Exit codes: 0 done (verify: the ledger is consistent); 1 verify found a difference; 2 usage error;
                    3 the ledger could not be read.
        """

    let console: Console

    func run(_ arguments: [String]) async -> Int32 {
        guard let command = arguments.first else {
            console.err(Settle.usage)
            return ExitCode.usage.rawValue
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "--help", "-h", "help":
                console.out(Settle.usage)
                return 0
            case "--version":
                console.out("settle \(Settle.version)")
                return 0
            case "run": return try await runCommand(rest)
            case "validate": return try await validateCommand(rest)
            case "exceptions": return try await exceptionsCommand(rest)
            case "advice": return try await adviceCommand(rest)
            case "archive": return try await archiveCommand(rest)
            case "period": return try await periodCommand(rest)
            case "ledger": return try ledgerCommand(rest)
            default:
                throw ManifestError("unknown command '\(command)' (expected run, validate, exceptions, advice, archive, period or ledger; see settle --help)")
            }
        } catch let error as ManifestError {
            console.err("settle: \(error.message)")
            return ExitCode.usage.rawValue
        } catch {
            console.err("settle: \(error)")
            return ExitCode.failed.rawValue
        }
    }

    func wantsHelp(_ args: [String]) -> Bool { args.contains("--help") || args.contains("-h") }

    func day(_ text: String?, option: String) throws(ManifestError) -> Day? {
        guard let text else { return nil }
        guard let d = Day.parse(text, format: .iso) else { throw ManifestError("--\(option): '\(text)' is not a YYYY-MM-DD date") }
        return d
    }

    // MARK: run

    func runCommand(_ raw: [String]) async throws -> Int32 {
        if wantsHelp(raw) { console.out(Settle.runHelp); return 0 }
        let args = try Arguments(raw, valueOptions: ["date", "from", "to", "concurrency", "wait"], flagOptions: ["dry-run", "json", "move-inputs", "cascade"])
        guard args.positionals.count == 1 else {
            throw ManifestError(args.positionals.isEmpty ? "run needs a MANIFEST (see settle run --help)" : "run takes one MANIFEST, got \(args.positionals.count)")
        }
        let date = try day(args.values["date"], option: "date")
        let from = try day(args.values["from"], option: "from")
        let to = try day(args.values["to"], option: "to")
        if date != nil && (from != nil || to != nil) { throw ManifestError("give either --date or --from/--to, not both") }
        if (from == nil) != (to == nil) { throw ManifestError("--from and --to go together") }
        if let from, let to, from > to { throw ManifestError("--from \(from) is after --to \(to)") }
        var concurrency = ProcessInfo.processInfo.activeProcessorCount
        if let c = args.values["concurrency"] {
            guard let n = Int(c), n >= 1, n <= 256 else { throw ManifestError("--concurrency: '\(c)' is not a number from 1 to 256") }
            concurrency = n
        }
        let manifest = try Manifest.load(path: args.positionals[0])
        let days = JobRunner.plan(manifest: manifest, date: date, from: from, to: to, today: manifest.today())
        var options = RunOptions(days: days, dryRun: args.flags.contains("dry-run"), concurrency: concurrency, startedAt: Settle.timestamp())
        if let w = args.values["wait"] {
            guard let seconds = Double(w), seconds >= 0, seconds <= 86_400 else { throw ManifestError("--wait: '\(w)' is not a number of seconds from 0 to 86400") }
            options.waitSeconds = seconds
        }
        options.moveInputs = args.flags.contains("move-inputs")
        options.cascade = args.flags.contains("cascade")
        let json = args.flags.contains("json")
        let console = self.console
        // The log: with --json, one JSON object a line on standard error (stages, days, messages); else a live
        // progress line on standard error when it is a terminal (NO_COLOR: no color), the days' lines on standard output.
        let progress = !json && console.isTerminal(error: true)
        let color = progress && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        if json {
            options.observe = { e in
                console.err(JSONValue.object([("event", .string("stage")), ("day", .string(e.day.description)), ("stage", .string(e.stage)),
                                              ("ms", .integer(Int64(e.duration.components.seconds * 1000 + e.duration.components.attoseconds / 1_000_000_000_000_000))),
                                              ("files", .integer(Int64(e.files))), ("receipts", .integer(Int64(e.receipts)))]).rendered(pretty: false))
            }
        } else if progress {
            let started = ContinuousClock.now
            options.observe = { e in
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let rate = seconds > 0 && e.receipts > 0 ? String(format: ", %.0f receipts/s", Double(e.receipts) / seconds) : ""
                let text = "\(e.day)  \(e.stage.padding(16))\(e.files) files, \(e.receipts) receipts\(rate)  \(String(format: "%.1f", seconds)) s"
                console.progress(color ? "\u{1B}[2m" + text + "\u{1B}[0m" : text)
            }
        }
        let started = ContinuousClock.now
        let result = await JobRunner(manifest: manifest).run(options, log: { line in
            if json {
                console.err(JSONValue.object([("event", .string("log")), ("message", .string(line))]).rendered(pretty: false))
            } else {
                if progress { console.progress(nil) }
                console.out(line)
            }
        })
        if progress { console.progress(nil) }
        if let message = result.message {
            if json { console.err(JSONValue.object([("event", .string("error")), ("message", .string(message))]).rendered(pretty: false)) } else { console.err("settle: \(message)") }
        }
        if !json && !result.days.isEmpty {
            // The closing summary: what the whole run did.
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let receipts = result.days.reduce(0) { $0 + $1.receiptCount }, posted = result.days.reduce(0) { $0 + $1.postedCount }
            let exceptions = result.days.reduce(0) { $0 + $1.exceptionCount }
            console.err("settle: \(result.days.count) day\(result.days.count == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s: \(receipts) receipts, \(posted) entries posted, \(exceptions) exceptions; exit \(result.exitCode.rawValue)")
        }
        if json {
            let value = JSONValue.object([
                ("exit_code", .integer(Int64(result.exitCode.rawValue))),
                ("run_id", result.runID.map { .integer($0) } ?? .null),
                // Each day: what this run did (posted, exceptions, where the reports are) and the day's summary.
                ("days", .array(result.days.map { d in
                    .object([("day", .string(d.day.description)), ("entries_posted", .integer(Int64(d.postedCount))),
                             ("receipts", .integer(Int64(d.receiptCount))), ("exceptions", .integer(Int64(d.exceptionCount))),
                             ("input_rejected", .bool(d.inputRejected)), ("output", .string(d.outputFolder)), ("summary", d.summary)])
                })),
            ])
            console.out(value.rendered())
        }
        return result.exitCode.rawValue
    }


    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }

    // MARK: validate

    func validateCommand(_ raw: [String]) async throws -> Int32 {
        if wantsHelp(raw) { console.out(Settle.validateHelp); return 0 }
        let args = try Arguments(raw, valueOptions: ["format", "profile"], flagOptions: ["lenient"])
        guard !args.positionals.isEmpty else { throw ManifestError("validate needs at least one FILE (see settle validate --help)") }
        var forced: SourceFormat?
        if let f = args.values["format"] {
            guard let format = SourceFormat(rawValue: f) else { throw ManifestError("--format: unknown format '\(f)' (expected \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", ")))") }
            forced = format
        }
        var anyErrors = false
        for path in args.positionals {
            guard FileManager.default.fileExists(atPath: path) else {
                console.err("\(path): no such file")
                anyErrors = true
                continue
            }
            guard let format = forced ?? Ingest.detectFormat(path: path) else {
                console.err("\(path): cannot tell the format from the name or content; give --format")
                anyErrors = true
                continue
            }
            let input = await Ingest.readConcurrently(path: path, format: format, strict: !args.flags.contains("lenient"), profile: args.values["profile"], keepLines: false)
            for d in input.diagnostics { console.out(d.description) }
            if input.droppedDiagnosticCount > 0 { console.out("\(path): … and \(input.droppedDiagnosticCount) more issues not shown") }
            console.out(input.summaryLine)
            if input.hasErrors { anyErrors = true }
        }
        return anyErrors ? 1 : 0
    }

    func openReader(_ path: String) throws -> SQLiteLedgerReader {
        guard FileManager.default.fileExists(atPath: path) else { throw LedgerError("no ledger at \(path)") }
        // A ledger of an older schema is migrated first (in one transaction, every row kept), so reading it works.
        try SQLiteMigrations(path: path).migrateIfOlder()
        return try SQLiteLedgerReader(path: path)
    }

    // MARK: ledger

    func ledgerCommand(_ raw: [String]) throws -> Int32 {
        if wantsHelp(raw) || raw.isEmpty { console.out(Settle.ledgerHelp); return raw.isEmpty ? 2 : 0 }
        let args = try Arguments(raw, valueOptions: ["ledger", "account", "customer", "as-of", "from", "to", "limit", "format", "output"], flagOptions: ["json", "by-customer"])
        guard let path = args.values["ledger"] else { throw ManifestError("ledger needs --ledger PATH") }
        guard let sub = args.positionals.first, args.positionals.count == 1 else { throw ManifestError("ledger needs one of balance, entries, verify, export") }
        switch sub {
        case "balance":
            let reader = try openReader(path)
            let rows = try reader.balances(account: args.values["account"], customer: args.values["customer"], asOf: try day(args.values["as-of"], option: "as-of"),
                                           byCustomer: args.flags.contains("by-customer") || args.values["customer"] != nil)
            if args.flags.contains("json") {
                console.out(JSONValue.array(rows.map { .object([("account", .string($0.account)), ("name", .string($0.accountName)),
                                                                 ("customer_id", $0.customerID.map { .string($0) } ?? .null),
                                                                 ("currency", .string($0.balance.currency.code)), ("balance", .number($0.balance.description))]) }).rendered())
            } else {
                for r in rows {
                    let who = r.customerID.map { "  \($0)" } ?? ""
                    console.out("\(r.account.padding(10))\(r.accountName.padding(36))\(MoneyFormat.grouped(r.balance.minorUnits, exponent: r.balance.currency.exponent).leftPadding(18)) \(r.balance.currency.code)\(who)")
                }
            }
            return 0
        case "entries":
            let reader = try openReader(path)
            var limit: Int?
            if let l = args.values["limit"] {
                guard let n = Int(l), n > 0 else { throw ManifestError("--limit must be a positive number") }
                limit = n
            }
            for e in try reader.entries(from: try day(args.values["from"], option: "from"), to: try day(args.values["to"], option: "to"), limit: limit) {
                console.out("#\(e.entryID) \(e.effectiveDay) \(e.kind.rawValue) r\(e.revision) \(e.sourceKey)  \(e.memo)")
                for p in e.postings {
                    let detail = [p.customerID, p.invoiceID].compactMap { $0 }.joined(separator: " ")
                    console.out("    \(p.account.padding(10))\(MoneyFormat.grouped(p.amount.minorUnits, exponent: p.amount.currency.exponent).leftPadding(16)) \(p.amount.currency.code)  \(detail)")
                }
            }
            return 0
        case "verify":
            let reader = try openReader(path)
            let report = try reader.verify()
            for u in report.unbalancedEntries { console.out("entry \(u.entryID) (\(u.sourceKey)) does not balance in \(u.currency): off by \(u.sum)") }
            for (currency, sum) in report.trialBalance.sorted(by: { $0.key < $1.key }) where sum != 0 { console.out("trial balance in \(currency) is off by \(sum)") }
            for m in report.invoiceMismatches { console.out("invoice \(m.invoiceID): stored open amount \(m.stored) but postings say \(m.recomputed)") }
            for problem in report.integrityProblems { console.out("integrity: \(problem)") }
            for m in report.accountDayMismatches { console.out("account movement of \(m)") }
            for o in report.openAmountsPastTheirSign {
                let exponent = Currency.iso(o.currency)?.exponent ?? 2
                let (amount, open) = (MoneyFormat.plain(o.amount, exponent: exponent), MoneyFormat.plain(o.open, exponent: exponent))
                console.out("invoice \(o.invoiceID): open amount \(open) \(o.currency) is not between \(o.amount < 0 ? "\(amount) and 0" : "0 and \(amount)"), "
                            + "its \(o.amount < 0 ? "credit memo's" : "document's") amount")
            }
            let tb = report.trialBalance.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value == 0 ? "0" : String($0.value))" }.joined(separator: ", ")
            console.out("\(report.entryCount) entries, \(report.postingCount) postings, \(report.invoiceCount) invoices; trial balance \(tb.isEmpty ? "empty" : tb); " +
                        (report.isClean ? "every entry balances, every open amount and account movement agrees with its postings, every open amount keeps its document's sign, every row names rows that exist"
                                        : "DIFFERENCES FOUND"))
            return report.isClean ? 0 : 1
        case "export":
            guard let formatText = args.values["format"] else { throw ManifestError("ledger export needs --format csv, hledger or beancount") }
            guard let format = JournalExport.Format(rawValue: formatText) else { throw ManifestError("--format: '\(formatText)' is not csv, hledger or beancount") }
            let reader = try openReader(path)
            let text = JournalExport.render(try reader.entries(), accounts: try reader.accounts(), format: format)
            if let output = args.values["output"] {
                try AtomicFile.write(text, to: output)
            } else {
                console.out(String(text.dropLast()))
            }
            return 0
        default:
            throw ManifestError("ledger: unknown subcommand '\(sub)' (expected balance, entries, verify or export)")
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
