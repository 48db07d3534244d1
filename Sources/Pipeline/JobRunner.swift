import Accounting
import ACH
import Core
import Foundation
import Ledger
import Matching
import Receivables
import Reports
import Statements

/// The exit codes of CONTRACT.md.
public enum ExitCode: Int32, Sendable {
    case ok = 0
    case inputRejected = 1
    case usage = 2
    case failed = 3
    /// The run finished with every input accepted, but the books do not tie to a statement (`BANK_DIFFERENCE`).
    case booksDoNotTie = 4
    case locked = 75
    /// Stopped by SIGINT (130) or SIGTERM (143): the day in flight rolled back, the days before it committed.
    case interrupted = 130
    case terminated = 143
}

/// How a run was asked for.
public struct RunOptions: Sendable {
    public var days: [Day]
    public var dryRun: Bool
    public var concurrency: Int
    /// How long to wait for another run's lock before giving up (exit 75); 0: do not wait.
    public var waitSeconds: Double = 0
    /// Inputs leave their paths once archived and checked (`--move-inputs`); by default they are never touched.
    public var moveInputs = false
    /// A rerun of a day reruns every later day that was run, in order (`--cascade`).
    public var cascade = false
    /// Told each stage as it ends (the day, the stage, how long it took, how many files and receipts so far): the
    /// command's progress line and `--json` log.
    public var observe: (@Sendable (StageEvent) -> Void)?
    /// Called by each day just before it commits, its transaction open (tests: what else has happened by then).
    public var beforeCommit: (@Sendable (Day) async -> Void)?
    public var startedAt: String

    public init(days: [Day], dryRun: Bool = false, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount, startedAt: String = "") {
        self.days = days
        self.dryRun = dryRun
        self.concurrency = max(1, concurrency)
        self.startedAt = startedAt
    }
}

/// A stage of a day, ended.
public struct StageEvent: Sendable {
    public var day: Day
    public var stage: String
    public var duration: Duration
    public var files: Int
    public var receipts: Int
}

/// What one day of a run did.
public struct DayOutcome: Sendable {
    public var day: Day
    public var summary: JSONValue
    public var outputFolder: String
    public var inputRejected: Bool
    /// A statement's closing balance differs from the books (`BANK_DIFFERENCE`): exit 4 unless input was rejected.
    public var booksDiffer = false
    public var exceptionCount: Int
    public var postedCount: Int
    public var receiptCount: Int
    /// Each stage's time (and finer times inside stages, named `stage.part`), for the run log and the bench.
    public var timings: [(String, Duration)] = []
}

/// What a run did, and the exit code it ends with.
public struct RunResult: Sendable {
    public var exitCode: ExitCode
    public var runID: Int64?
    public var days: [DayOutcome]
    public var message: String?
}

/// Runs a manifest's job over days in order: ingest, settlement reconciliation, cash application, posting, reports, archive.
public struct JobRunner: Sendable {
    public let manifest: Manifest

    public init(manifest: Manifest) { self.manifest = manifest }

    /// The days to run: the command line's choice, else the manifest's date or range, else yesterday.
    public static func plan(manifest: Manifest, date: Day?, from: Day?, to: Day?, today: Day) -> [Day] {
        if let date { return [date] }
        if let from, let to { return stride(from: 0, through: to.days(since: from), by: 1).map { from.adding(days: $0) } }
        if let d = manifest.date { return [d] }
        if let from = manifest.from, let to = manifest.to {
            return stride(from: 0, through: to.days(since: from), by: 1).map { from.adding(days: $0) }
        }
        return [today.adding(days: -1)]
    }

    public func run(_ options: RunOptions, log: @Sendable (String) -> Void = { _ in }) async -> RunResult {
        guard let firstDay = options.days.first, let lastDay = options.days.last else {
            return RunResult(exitCode: .usage, runID: nil, days: [], message: "no day to run")
        }
        Allocator.mapLargeBlocks()
        Allocator.returnFreedMemory()
        do {
            try PrivateFiles.makeFolder(URL(fileURLWithPath: manifest.ledger).deletingLastPathComponent().path)
            // The day's output folder is made by the day; its parent here, private like the rest (the archive's
            // folders are made as they are filled).
            try PrivateFiles.makeFolder(manifest.output)
        } catch {
            return RunResult(exitCode: .failed, runID: nil, days: [], message: "cannot create the ledger's or the output's folder: \(error)")
        }
        let lock: any HeldRunLock
        do {
            guard let acquired = try await LedgerLockFile(ledgerPath: manifest.ledger).acquire(waitingUpTo: options.waitSeconds) else {
                let holder = LedgerLockFile(ledgerPath: manifest.ledger).holder()
                let waited = options.waitSeconds > 0 ? " after waiting \(Int(options.waitSeconds)) s" : ""
                return RunResult(exitCode: .locked, runID: nil, days: [],
                                 message: "the ledger \(manifest.ledger) is locked by another run (\(holder.isEmpty ? "holder unknown" : holder))\(waited); "
                                     + "try again when it has finished, or give --wait SECONDS")
            }
            lock = acquired
        } catch {
            return RunResult(exitCode: .failed, runID: nil, days: [], message: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }

        let customers: [Customer]
        let invoices: [Invoice]
        let masterDataStarted = ContinuousClock.now
        do {
            let customerBytes = try InputOpener.readAll(path: manifest.customers, limitBytes: 1 << 30)
            customers = try MasterDataLoader.customers(bytes: customerBytes, path: manifest.customers, currency: manifest.currency)
            let invoiceBytes = try InputOpener.readAll(path: manifest.invoices, limitBytes: 1 << 30)
            invoices = try await MasterDataLoader.invoices(bytes: invoiceBytes, path: manifest.invoices, customers: customers, defaultCurrency: manifest.currency)
        } catch let error as MasterDataError {
            return RunResult(exitCode: .failed, runID: nil, days: [], message: "master data could not be loaded:\n\(error.description)")
        } catch {
            return RunResult(exitCode: .failed, runID: nil, days: [], message: "master data could not be read: \(error)")
        }
        if StageClock.trace {
            _ = ResidentPeak.shared.take()
            FileHandle.standardError.write(Data("master data: \(ContinuousClock.now - masterDataStarted), RSS \(StageClock.residentMegabytes()) MB\n".utf8))
        }

        let store: any LedgerDayWriter
        let view: any LedgerReading
        let runID: Int64
        // The dry run's own empty ledger goes when the run ends, whatever way it ends.
        var dryRunScratch: String?
        defer { if let dryRunScratch { try? FileManager.default.removeItem(atPath: dryRunScratch) } }
        do {
            // A dry run writes nothing to the ledger: no run row, every day rolled back; a ledger that does not exist
            // yet is not created (the dry run works on an empty one of its own, in the temporary folder).
            var ledgerPath = manifest.ledger
            if options.dryRun && !FileManager.default.fileExists(atPath: ledgerPath) {
                let scratch = NSTemporaryDirectory() + "/settle-dry-run-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
                try PrivateFiles.makeFolder(scratch)
                dryRunScratch = scratch
                ledgerPath = scratch + "/ledger.sqlite"
            }
            store = try SQLiteLedgerStore(path: ledgerPath)
            view = try SQLiteLedgerReader(path: ledgerPath)
            // The manifest may not move an account's postings to another code behind the ledger's back.
            if let refused = try await BankAccountBook.checkCodes(manifest.bankAccounts, registered: try await view.bankAccounts(),
                                                                  hasPostings: { try await view.hasPostings(account: $0) }) {
                return RunResult(exitCode: .usage, runID: nil, days: [], message: "\(manifest.path): \(refused)")
            }
            runID = options.dryRun ? 0 : try await store.beginRun(manifest: manifest.path, firstDay: firstDay, lastDay: lastDay, startedAt: options.startedAt)
        } catch {
            return RunResult(exitCode: .failed, runID: nil, days: [], message: "the ledger \(manifest.ledger) is unavailable: \(error)")
        }

        // What the ledger says of the days: the last one run and the closed period. A read that fails stops the run
        // (a closed day must not be run again because its period could not be read).
        let lastRun: Day?
        let closedThrough: Day?
        do {
            lastRun = try await view.lastRunDay()
        } catch {
            if !options.dryRun { try? await store.finishRun(runID, status: "failed") }
            return RunResult(exitCode: .failed, runID: runID, days: [], message: "cannot read the last day run from the ledger \(manifest.ledger): \(error)")
        }
        do {
            closedThrough = try await view.closedThrough()
        } catch {
            if !options.dryRun { try? await store.finishRun(runID, status: "failed") }
            return RunResult(exitCode: .failed, runID: runID, days: [], message: "cannot read the closed period from the ledger \(manifest.ledger): \(error)")
        }
        // Days after these that were run already: a rerun can change what they must do.
        var days = options.days
        if let last = lastRun, last > lastDay {
            if options.cascade {
                days += stride(from: 1, through: last.days(since: lastDay), by: 1).map { lastDay.adding(days: $0) }
                log("--cascade: running \(lastDay.adding(days: 1)) through \(last) again after \(lastDay)")
            } else {
                log("warning: days after \(lastDay) were run (through \(last)); their books do not see this rerun until they run again (--cascade does it)")
            }
        }
        var outcomes: [DayOutcome] = []
        var exitCode = ExitCode.ok
        let master = MasterInvoices(consume invoices)
        func dayRun(_ day: Day) -> DayRun {
            DayRun(manifest: manifest, store: store, view: view, runID: runID, day: day, customers: customers, invoices: master, options: options)
        }
        func prepare(_ day: Day?) async throws -> DayRun.Prepared? {
            guard let day else { return nil }
            let clock = ContinuousClock.now
            let prepared = try await dayRun(day).prepare()
            options.observe?(StageEvent(day: day, stage: "read-ahead", duration: ContinuousClock.now - clock, files: prepared.inputs.count, receipts: 0))
            return prepared
        }
        // Day N+1's files are read while day N matches and posts (they need nothing of the ledger that day N
        // changes); days still commit one after another, in order.
        var readAhead: (day: Day, files: DayRun.Prepared)?
        for (position, day) in days.enumerated() {
            do {
                try Task.checkCancellation()
                if let closed = closedThrough, day <= closed {
                    // A closed day is not run again: nothing is posted, nothing rewritten.
                    log("\(day): in the period closed through \(closed): nothing posted (`settle period reopen \(day) --note ...` to run it again)")
                    continue
                }
                let ahead = readAhead.take()
                let ready = ahead?.day == day ? ahead?.files : nil
                _ = consume ahead
                let next = days.dropFirst(position + 1).first.flatMap { next in closedThrough.map { next > $0 } ?? true ? next : nil }
                async let following = prepare(next)
                var run = dayRun(day)
                run.isLastDay = position == days.count - 1
                let outcome = try await run.run(prepared: consume ready)
                log("\(day): \(outcome.receiptCount) receipts, \(outcome.postedCount) entries posted, \(outcome.exceptionCount) exceptions\(outcome.inputRejected ? ", some input rejected" : "")\(options.dryRun ? " (dry run: nothing written to the ledger or archive; reports → \(outcome.outputFolder))" : " → \(outcome.outputFolder)")")
                if outcome.inputRejected { exitCode = .inputRejected }
                if outcome.booksDiffer, exitCode == .ok { exitCode = .booksDoNotTie }
                outcomes.append(outcome)
                // A read-ahead that failed is done again by its own day, so an error names the day it belongs to.
                if let next, let files = try? await following { readAhead = (next, files) }
            } catch is CancellationError {
                // Interrupted: the day in flight rolled back (nothing of it is in the ledger or the output folder).
                try? await store.finishRun(runID, status: "interrupted")
                let finished = outcomes.map { "\($0.day)" }.joined(separator: ", ")
                return RunResult(exitCode: .interrupted, runID: runID, days: outcomes,
                                 message: "interrupted: \(finished.isEmpty ? "no day finished" : "finished \(finished)"); \(day) rolled back, nothing of it written; run again to finish")
            } catch {
                try? await store.finishRun(runID, status: "failed")
                return RunResult(exitCode: .failed, runID: runID, days: outcomes, message: "\(day): the run could not finish: \(error)")
            }
        }
        if !options.dryRun {
            try? await store.finishRun(runID, status: "finished")
            try? await store.checkpoint(truncate: true)
        }
        return RunResult(exitCode: exitCode, runID: runID, days: outcomes, message: nil)
    }
}
