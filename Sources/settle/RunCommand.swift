import Core
import Foundation
import Pipeline

/// `settle run`: the nightly job a manifest describes, day by day.
extension Command {
    static let run = Command(
        "run",
        usage: ["MANIFEST [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--cascade] [--dry-run] [--concurrency N]",
                "[--wait SECONDS] [--move-inputs] [--json]"],
        description: """
            Runs the job a manifest describes, one day at a time, in order: reads the day's ACH files and bank statements,
            reconciles ACH settlement against the statement, applies receipts to open invoices, posts balanced journal
            entries to the ledger (each source once: a rerun posts only what changed), and writes OUTPUT/<date>/:
            remittance.csv, exceptions.csv, open-items.csv, journal.csv, advice.csv, aging.csv, summary.json, exceptions.html,
            remittance.html, aging.html, and run.log (what the run did, every statement line not posted with FILE:LINE and
            why, the books against each statement, each stage's time). Reviewers' decisions recorded since the last run are
            booked by it (see settle exceptions --help). After each day the books' cash of every bank account and currency
            is compared with each final statement closing; a difference is a BANK_DIFFERENCE exception and exit 4.
            The manifest's ledger is a SQLite file, or a PostgreSQL URL with the manifest's "entity": the run then holds
            that entity's lock (runs of other entities go on at once), and a day cut short by a lost connection is rolled
            back and said so; the next run says which days of a run that died committed.
            """,
        options: [
            .value("date", "DAY", "run this day (default: the manifest's date or from/to range, else yesterday)"),
            .value("from", "DAY", "run every day of the range, in order"),
            .value("to", "DAY", nil),
            .flag("dry-run", "compute everything and roll it back: nothing goes to the ledger or the archive; the reports go to "
                  + "OUTPUT/<date>.dry-run/"),
            .value("concurrency", "N", "files read at once (default: the number of cores)"),
            .value("wait", "SECONDS", "wait up to SECONDS for another run's lock on the ledger (default: exit 75 at once, naming the "
                   + "holder's pid, host and start time)"),
            .flag("cascade", "a rerun of a day also reruns every later day that was run, in order (without it, a rerun of an earlier "
                  + "day warns that the later days do not see it)"),
            .flag("move-inputs", "once a day's inputs are archived (compressed, checked against their recorded SHA-256), remove them "
                  + "from their paths (default: inputs are never touched; a rerun reads a day's inputs back from the archive when "
                  + "they are no longer at their paths)"),
            .flag("json", "print the run's summaries as JSON"),
        ],
        exitStatuses: [
            .init(0, means: "every input accepted and the books tie"),
            .init(1, means: "some input rejected or quarantined (the rest was processed)"),
            .init(2, means: "usage or manifest error"),
            .init(3, means: "the run could not finish"),
            .init(4, means: "every input accepted, but the books do not tie to a statement (BANK_DIFFERENCE)"),
            .init(75, means: "another run holds the ledger's lock"),
            .init(130, 143, means: "stopped by SIGINT / SIGTERM (the day in flight rolled back; the message names the days that "
                  + "finished; run again to finish)"),
        ],
        takesArguments: true
    ) { settle, args in try await settle.runJob(args) }
}

extension Settle {
    func runJob(_ args: ParsedArguments) async throws -> Int32 {
        let (manifest, plan) = try runPlan(args)
        var options = plan
        let json = args.flag("json")
        // The log: with --json, one JSON object a line on standard error (stages, days, messages); else a live
        // progress line on standard error when it is a terminal (NO_COLOR: no color), the days' lines on standard output.
        let progress = !json && console.isTerminal(error: true)
        let color = progress && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        options.observe = stageObserver(json: json, progress: progress, color: color)
        let console = self.console
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
        if json {
            console.out(runJSON(result).rendered())
        } else if !result.days.isEmpty {
            // The closing summary: what the whole run did.
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let receipts = result.days.reduce(0) { $0 + $1.receiptCount }, posted = result.days.reduce(0) { $0 + $1.postedCount }
            let exceptions = result.days.reduce(0) { $0 + $1.exceptionCount }
            console.err("settle: \(result.days.count) day\(result.days.count == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s: \(receipts) receipts, \(posted) entries posted, \(exceptions) exceptions; exit \(result.exitCode.rawValue)")
        }
        return result.exitCode.rawValue
    }

    /// The manifest and what to run of it, from the command line: its days, and how.
    func runPlan(_ args: ParsedArguments) throws -> (Manifest, RunOptions) {
        guard args.positionals.count == 1 else {
            throw UsageError(.wrongArguments, args.positionals.isEmpty ? "run needs a MANIFEST (see settle run --help)" : "run takes one MANIFEST, got \(args.positionals.count)")
        }
        let date = try day(args.value("date"), option: "date")
        let from = try day(args.value("from"), option: "from")
        let to = try day(args.value("to"), option: "to")
        if date != nil && (from != nil || to != nil) { throw UsageError(.conflictingOptions, "give either --date or --from/--to, not both") }
        if (from == nil) != (to == nil) { throw UsageError(.conflictingOptions, "--from and --to go together") }
        if let from, let to, from > to { throw UsageError(.invalidValue, "--from \(from) is after --to \(to)") }
        var concurrency = ProcessInfo.processInfo.activeProcessorCount
        if let c = args.value("concurrency") {
            guard let n = Int(c), n >= 1, n <= 256 else { throw UsageError(.invalidValue, "--concurrency: '\(c)' is not a number from 1 to 256") }
            concurrency = n
        }
        let manifest = try Manifest.load(path: args.positionals[0])
        let days = JobRunner.plan(manifest: manifest, date: date, from: from, to: to, today: manifest.today())
        var options = RunOptions(days: days, dryRun: args.flag("dry-run"), concurrency: concurrency, startedAt: Timestamp.now())
        if let w = args.value("wait") {
            guard let seconds = Double(w), seconds >= 0, seconds <= 86_400 else { throw UsageError(.invalidValue, "--wait: '\(w)' is not a number of seconds from 0 to 86400") }
            options.waitSeconds = seconds
        }
        options.moveInputs = args.flag("move-inputs")
        options.cascade = args.flag("cascade")
        return (manifest, options)
    }

    /// What a run shows of each stage as it finishes: a JSON line (--json), the live progress line (a terminal), or nothing.
    func stageObserver(json: Bool, progress: Bool, color: Bool) -> (@Sendable (StageEvent) -> Void)? {
        let console = self.console
        if json {
            return { e in
                console.err(JSONValue.object([("event", .string("stage")), ("day", .string(e.day.description)), ("stage", .string(e.stage)),
                                              ("ms", .integer(Int64(e.duration.components.seconds * 1000 + e.duration.components.attoseconds / 1_000_000_000_000_000))),
                                              ("files", .integer(Int64(e.files))), ("receipts", .integer(Int64(e.receipts)))]).rendered(pretty: false))
            }
        }
        guard progress else { return nil }
        let started = ContinuousClock.now
        return { e in
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 && e.receipts > 0 ? String(format: ", %.0f receipts/s", Double(e.receipts) / seconds) : ""
            let text = "\(e.day)  \(e.stage.padding(16))\(e.files) files, \(e.receipts) receipts\(rate)  \(String(format: "%.1f", seconds)) s"
            console.progress(color ? "\u{1B}[2m" + text + "\u{1B}[0m" : text)
        }
    }

    /// `settle run --json`: the exit code, the run, and each day.
    func runJSON(_ result: RunResult) -> JSONValue {
        JSONValue.object([
            ("exit_code", .integer(Int64(result.exitCode.rawValue))),
            ("run_id", result.runID.map { .integer($0) } ?? .null),
            // Each day: what this run did (posted, exceptions, where the reports are) and the day's summary.
            ("days", .array(result.days.map { d in
                .object([("day", .string(d.day.description)), ("entries_posted", .integer(Int64(d.postedCount))),
                         ("receipts", .integer(Int64(d.receiptCount))), ("exceptions", .integer(Int64(d.exceptionCount))),
                         ("input_rejected", .bool(d.inputRejected)), ("output", .string(d.outputFolder)), ("summary", d.summary)])
            })),
        ])
    }
}
