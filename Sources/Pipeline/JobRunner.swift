import Accounting
import ACH
import Core
import Foundation
import Ledger
import Matching
import Receivables
import Reports
import Statements

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

    /// A run that stops before its days are done, and the result it ends with.
    private struct Stop: Error {
        let result: RunResult
        init(_ exitCode: ExitCode, runID: Int64? = nil, days: [DayOutcome] = [], _ message: String) {
            result = RunResult(exitCode: exitCode, runID: runID, days: days, message: message)
        }
    }

    /// The ledger a run writes and reads, and the run's row in it (0 in a dry run, which writes none).
    private struct OpenLedger: Sendable {
        let store: any LedgerDayWriter
        let view: any LedgerReading
        let runID: Int64
    }

    /// The run's phases in order: folders, the run lock, master data, the ledger, the days to run (a cascade adds
    /// later ones), each day, and the run's end in the ledger. A phase that cannot go on ends the run with its result.
    public func run(_ options: RunOptions, log: @Sendable (String) -> Void = { _ in }) async -> RunResult {
        guard let firstDay = options.days.first, let lastDay = options.days.last else {
            return RunResult(exitCode: .usage, runID: nil, days: [], message: "no day to run")
        }
        Allocator.mapLargeBlocks()
        // Freed pages go back to the system while the run lasts (about 3% of a million-receipt day's peak RSS);
        // SETTLE_FREED_MEMORY=off runs without, so that what the returner still earns can be measured.
        let returner = ProcessInfo.processInfo.environment["SETTLE_FREED_MEMORY"] == "off" ? nil : Allocator.shareFreedMemoryReturner()
        defer { returner?.release() }
        do throws(Stop) {
            try makeFolders()
            // The dry run's own empty ledger goes when the run ends, whatever way it ends.
            let dryRunScratch = try makeDryRunScratch(options)
            defer { if let dryRunScratch { try? FileManager.default.removeItem(atPath: dryRunScratch) } }
            // A dry run on its own scratch ledger waits for no one (and makes no entity in a database to lock it).
            let lock = dryRunScratch != nil && manifest.postgreSQL != nil ? nil : try await acquireLock(waitingUpTo: options.waitSeconds)
            defer { withExtendedLifetime(lock) {} }
            let (customers, invoices) = try await loadMasterData()
            let ledger = try await openLedger(scratch: dryRunScratch.map { $0 + "/ledger.sqlite" }, options, firstDay: firstDay, lastDay: lastDay, log: log)
            let (lastRun, closedThrough) = try await ledgerDays(ledger, dryRun: options.dryRun)
            let days = daysToRun(options, lastRun: lastRun, lastDay: lastDay, log: log)
            let master = MasterInvoices(consume invoices)
            let (outcomes, exitCode) = try await runDays(days, closedThrough: closedThrough, ledger: ledger, customers: customers, invoices: master,
                                                         options: options, log: log)
            if !options.dryRun {
                try? await ledger.store.finishRun(ledger.runID, status: "finished")
                try? await ledger.store.checkpoint(truncate: true)
            }
            var result = RunResult(exitCode: exitCode, runID: ledger.runID, days: outcomes, message: nil)
            // The origination stage: after the newest day only, never on a rerun, a cascade, a past day or a dry run.
            if let config = manifest.origination, config.enabled, !options.dryRun, !options.cascade, lastRun.map({ lastDay > $0 }) ?? true,
               outcomes.last?.day == lastDay {
                result.origination = await originate(lastDay, customers: customers, log: log, exitCode: &result.exitCode)
            }
            return result
        } catch {
            return error.result
        }
    }

    /// Writes the debit file after `day` (`Originator`); a failure is logged and makes the exit code 1 (mandates) or 3
    /// (key, ledger, outbox), the day's books standing as committed.
    private func originate(_ day: Day, customers: [Customer], log: @Sendable (String) -> Void, exitCode: inout ExitCode) async -> Originator.Outcome? {
        do {
            let names = Dictionary(customers.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let outcome = try await Originator.originate(manifest: manifest, day: day, dryRun: false, newestOnly: true, names: names)
            guard outcome.laterDay == nil else { return nil }
            log(Originator.describe(outcome))
            return outcome
        } catch {
            log("error: origination: \(error.message)")
            let code: ExitCode = error.kind == .input ? .inputRejected : .failed
            if exitCode == .ok || exitCode == .booksDoNotTie || (code == .failed && exitCode == .inputRejected) { exitCode = code }
            return nil
        }
    }

    /// The ledger's folder, and the output's: the day's output folder is made by the day; its parent here, private
    /// like the rest (the archive's folders are made as they are filled).
    private func makeFolders() throws(Stop) {
        do {
            if manifest.postgreSQL == nil { try PrivateFiles.makeFolder(URL(fileURLWithPath: manifest.ledger).deletingLastPathComponent().path) }
            try PrivateFiles.makeFolder(manifest.output)
        } catch {
            throw Stop(.failed, "cannot create the ledger's or the output's folder: \(error)")
        }
    }

    /// The ledger's run lock (a database's: the entity's), waiting up to `waitSeconds` for another run to let it go
    /// (exit 75 if it does not).
    private func acquireLock(waitingUpTo waitSeconds: Double) async throws(Stop) -> any HeldRunLock {
        let lock: any RunLocking = manifest.postgreSQL.map { PostgreSQLRunLock(address: $0.address, entity: $0.entity) }
            ?? LedgerLockFile(ledgerPath: manifest.ledger)
        do {
            guard let acquired = try await lock.acquire(waitingUpTo: waitSeconds) else {
                let holder = lock.holder()
                let waited = waitSeconds > 0 ? " after waiting \(Int(waitSeconds)) s" : ""
                let what = manifest.postgreSQL.map { "entity \($0.entity) of the ledger \($0.address.redacted)" } ?? "ledger \(manifest.ledger)"
                throw Stop(.locked, "the \(what) is locked by another run (\(holder.isEmpty ? "holder unknown" : holder))\(waited); "
                               + "try again when it has finished, or give --wait SECONDS")
            }
            return acquired
        } catch let stop as Stop {
            throw stop
        } catch {
            throw Stop(.failed, "the ledger \(manifest.ledgerDisplay) is unavailable: \(error)")
        }
    }

    /// The manifest's customers and invoices, read whole.
    private func loadMasterData() async throws(Stop) -> (customers: [Customer], invoices: [Invoice]) {
        let customers: [Customer]
        let invoices: [Invoice]
        let masterDataStarted = ContinuousClock.now
        do {
            let customerBytes = try InputOpener.readAll(path: manifest.customers, limitBytes: 1 << 30)
            customers = try MasterDataLoader.customers(bytes: customerBytes, path: manifest.customers, currency: manifest.currency)
            let invoiceBytes = try InputOpener.readAll(path: manifest.invoices, limitBytes: 1 << 30)
            invoices = try await MasterDataLoader.invoices(bytes: invoiceBytes, path: manifest.invoices, customers: customers, defaultCurrency: manifest.currency)
        } catch let error as MasterDataError {
            throw Stop(.failed, "master data could not be loaded:\n\(error.description)")
        } catch {
            throw Stop(.failed, "master data could not be read: \(error)")
        }
        if StageClock.trace {
            _ = ResidentPeak.shared.take()
            FileHandle.standardError.write(Data("master data: \(ContinuousClock.now - masterDataStarted), RSS \(StageClock.residentMegabytes()) MB\n".utf8))
        }
        return (customers, invoices)
    }

    /// A dry run writes nothing to the ledger: a ledger (or a database's entity) that does not exist yet is not created,
    /// the dry run works on an empty SQLite one of its own in this folder (nil: the run uses the manifest's ledger).
    private func makeDryRunScratch(_ options: RunOptions) throws(Stop) -> String? {
        guard options.dryRun else { return nil }
        if let database = manifest.postgreSQL {
            do {
                guard try !PostgreSQLLedgerReader.entities(at: database.address).contains(database.entity) else { return nil }
            } catch {
                throw Stop(.failed, "the ledger \(manifest.ledgerDisplay) is unavailable: \(error)")
            }
        } else if FileManager.default.fileExists(atPath: manifest.ledger) {
            return nil
        }
        let scratch = NSTemporaryDirectory() + "/settle-dry-run-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        do {
            try PrivateFiles.makeFolder(scratch)
        } catch {
            throw Stop(.failed, "the ledger \(manifest.ledgerDisplay) is unavailable: \(error)")
        }
        return scratch
    }

    /// Opens the manifest's ledger (or a dry run's `scratch` one), checks the manifest's bank accounts against it and
    /// begins the run (a dry run records no run row). On a database, runs of the entity that died are ended first,
    /// saying which of their days committed.
    private func openLedger(scratch: String?, _ options: RunOptions, firstDay: Day, lastDay: Day,
                            log: @Sendable (String) -> Void) async throws(Stop) -> OpenLedger {
        do {
            let store: any LedgerDayWriter
            let view: any LedgerReading
            if scratch == nil, let database = manifest.postgreSQL {
                let writer = try PostgreSQLLedgerStore(address: database.address, entity: database.entity)
                await writer.expectRunLock()
                if !options.dryRun { for line in try await writer.endLostRuns() { log("warning: \(line)") } }
                store = writer
                view = try PostgreSQLLedgerReader(address: database.address, entity: database.entity)
            } else {
                let path = scratch ?? manifest.ledger
                store = try SQLiteLedgerStore(path: path)
                view = try SQLiteLedgerReader(path: path)
            }
            // The manifest may not move an account's postings to another code behind the ledger's back.
            if let refused = try await BankAccountBook.checkCodes(manifest.bankAccounts, registered: try await view.bankAccounts(),
                                                                  hasPostings: { try await view.hasPostings(account: $0) }) {
                throw Stop(.usage, "\(manifest.path): \(refused)")
            }
            let runID = options.dryRun ? 0 : try await store.beginRun(manifest: manifest.path, firstDay: firstDay, lastDay: lastDay, startedAt: options.startedAt)
            return OpenLedger(store: store, view: view, runID: runID)
        } catch let stop as Stop {
            throw stop
        } catch {
            throw Stop(.failed, "the ledger \(manifest.ledgerDisplay) is unavailable: \(error)")
        }
    }

    /// What the ledger says of the days: the last one run and the closed period. A read that fails stops the run
    /// (a closed day must not be run again because its period could not be read).
    private func ledgerDays(_ ledger: OpenLedger, dryRun: Bool) async throws(Stop) -> (lastRun: Day?, closedThrough: Day?) {
        let lastRun: Day?
        do {
            lastRun = try await ledger.view.lastRunDay()
        } catch {
            if !dryRun { try? await ledger.store.finishRun(ledger.runID, status: "failed") }
            throw Stop(.failed, runID: ledger.runID, "cannot read the last day run from the ledger \(manifest.ledgerDisplay): \(error)")
        }
        do {
            return (lastRun, try await ledger.view.closedThrough())
        } catch {
            if !dryRun { try? await ledger.store.finishRun(ledger.runID, status: "failed") }
            throw Stop(.failed, runID: ledger.runID, "cannot read the closed period from the ledger \(manifest.ledgerDisplay): \(error)")
        }
    }

    /// The days asked for, and with `--cascade` the days after them that were run already (a rerun can change what
    /// they must do); without it, a warning that those days do not see the rerun.
    private func daysToRun(_ options: RunOptions, lastRun: Day?, lastDay: Day, log: @Sendable (String) -> Void) -> [Day] {
        var days = options.days
        if let last = lastRun, last > lastDay {
            if options.cascade {
                days += stride(from: 1, through: last.days(since: lastDay), by: 1).map { lastDay.adding(days: $0) }
                log("--cascade: running \(lastDay.adding(days: 1)) through \(last) again after \(lastDay)")
            } else {
                log("warning: days after \(lastDay) were run (through \(last)); their books do not see this rerun until they run again (--cascade does it)")
            }
        }
        return days
    }

    /// Runs the days one after another, in order, skipping those in the closed period. Day N+1's files are read while
    /// day N matches and posts (they need nothing of the ledger that day N changes). A cancelled task (SIGINT,
    /// SIGTERM) or a day that fails ends the run, the day in flight rolled back.
    private func runDays(_ days: [Day], closedThrough: Day?, ledger: OpenLedger, customers: [Customer], invoices: MasterInvoices,
                         options: RunOptions, log: @Sendable (String) -> Void) async throws(Stop) -> (outcomes: [DayOutcome], exitCode: ExitCode) {
        var outcomes: [DayOutcome] = []
        var exitCode = ExitCode.ok
        func dayRun(_ day: Day) -> DayRun {
            DayRun(manifest: manifest, store: ledger.store, view: ledger.view, runID: ledger.runID, day: day, customers: customers, invoices: invoices,
                   options: options)
        }
        func prepare(_ day: Day?) async throws -> DayRun.Prepared? {
            guard let day else { return nil }
            let clock = ContinuousClock.now
            let prepared = try await dayRun(day).prepare()
            options.observe?(StageEvent(day: day, stage: "read-ahead", duration: ContinuousClock.now - clock, files: prepared.inputs.count, receipts: 0))
            return prepared
        }
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
            } catch {
                throw await stop(at: day, by: error, after: outcomes, ledger: ledger)
            }
        }
        return (outcomes, exitCode)
    }

    /// The run's end when `day` could not finish: interrupted (exit 130; the day in flight rolled back, nothing of it
    /// in the ledger or the output folder) or failed, the run's row in the ledger saying which.
    private func stop(at day: Day, by error: any Error, after outcomes: [DayOutcome], ledger: OpenLedger) async -> Stop {
        if error is CancellationError {
            try? await ledger.store.finishRun(ledger.runID, status: "interrupted")
            let finished = outcomes.map { "\($0.day)" }.joined(separator: ", ")
            return Stop(.interrupted, runID: ledger.runID, days: outcomes,
                        "interrupted: \(finished.isEmpty ? "no day finished" : "finished \(finished)"); \(day) rolled back, nothing of it written; run again to finish")
        }
        try? await ledger.store.finishRun(ledger.runID, status: "failed")
        return Stop(.failed, runID: ledger.runID, days: outcomes, "\(day): the run could not finish: \(error)")
    }
}
