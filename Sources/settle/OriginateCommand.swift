import Accounting
import Core
import Foundation
import Ledger
import Pipeline
import Receivables

/// `settle originate`: the next ACH debit file, and voiding a file never sent.
extension Command {
    static let originate = Command(
        "originate",
        usage: ["MANIFEST [--date YYYY-MM-DD] [--dry-run]", "void FILE --note TEXT --ledger PATH|URL [--entity NAME]"],
        description: """
            Writes the ACH debit file for the invoices due on the next business day after the date (default: the manifest's
            date, else yesterday) to the manifest's origination.outbox as <date>-<file id modifier>.ach (0600, never over
            another file), and prints its path. It pulls the open invoices of customers with an active mandate in
            origination.mandates whose pull day (due, due-N business days before, or the discount's last day) has come, one
            entry per invoice with an RMR addenda naming it; a new mandate's first file carries its prenote, and its debits
            wait three banking days after the prenote settled. Left out, and listed: invoices pulled before, named by an
            open exception, of a customer with unapplied cash, an open credit memo or a receipt waiting for settlement, or
            over the mandate's max_amount. Account numbers are kept in the ledger sealed with origination.key_file
            (AES-256-GCM); without the key nothing runs. A date that has its file writes nothing (the file is written again,
            the same bytes, if the outbox lost it). The next run of the day the entries are effective reads the file back as
            an originated source. void FILE: the file was never sent; its invoices may be pulled again, and the outbox's copy
            is renamed FILE.void. Takes the ledger's lock like a run.
            """,
        options: [
            .value("date", "DAY", "the day run: the file's entries are effective the next business day"),
            .flag("dry-run", "print the entries and what is left out; write nothing"),
            .value("note", "TEXT", "void: why the file was not sent (required)"),
            .value("ledger", "PATH", "void: the ledger, its SQLite file or a PostgreSQL URL"),
            .entity,
        ],
        exitStatuses: [
            .init(0, means: "done (also when nothing was due, or the day's file was written before)"),
            .init(1, means: "the mandates file was refused (every problem named by line and field), or void was refused"),
            .init(2, means: "usage or manifest error, or no usable key file"),
            .init(3, means: "the ledger or the outbox could not be written"),
            .init(75, means: "a run holds the ledger's lock"),
        ],
        takesArguments: true
    ) { settle, args in try await settle.originate(args) }
}

extension Settle {
    func originate(_ args: ParsedArguments) async throws -> Int32 {
        if args.positionals.first == "void" { return try await originateVoid(args) }
        guard args.positionals.count == 1 else { throw UsageError(.wrongArguments, "originate needs one MANIFEST (or: originate void FILE)") }
        let manifest = try Manifest.load(path: args.positionals[0])
        let day = try self.day(args.value("date"), option: "date") ?? manifest.date ?? manifest.to ?? manifest.today().adding(days: -1)
        let lock: any RunLocking = manifest.postgreSQL.map { PostgreSQLRunLock(address: $0.address, entity: $0.entity) } ?? LedgerLockFile(ledgerPath: manifest.ledger)
        guard let held = try await lock.acquire(waitingUpTo: 0) else {
            console.err("settle: the ledger \(manifest.ledgerDisplay) is locked by another run (\(lock.holder())); try again when it has finished")
            return ExitCode.locked.rawValue
        }
        defer { withExtendedLifetime(held) {} }
        do throws(Originator.Failure) {
            let outcome = try await Originator.originate(manifest: manifest, day: day, dryRun: args.flag("dry-run"))
            if args.flag("dry-run") {
                for entry in outcome.entries {
                    let what = entry.kind == .debit ? "\(entry.invoiceID) \(entry.amount)" + (entry.discount.isZero ? "" : " (discount \(entry.discount))") : entry.kind.rawValue
                    console.out("  \(entry.trace)  \(entry.sec)  \(entry.customerID)  \(entry.mandateID)  ****\(entry.accountLastFour)  \(what)")
                }
                for left in outcome.leftOut { console.out("  left out: \(left.invoiceID) of \(left.customerID): \(left.reason)") }
            }
            console.out(Originator.describe(outcome).replacingOccurrences(of: "origination: ", with: ""))
            if let path = outcome.path, outcome.wrote || outcome.existed { console.out(path) }
            return 0
        } catch {
            console.err("settle: \(error.message)")
            switch error.kind {
            case .configuration: return ExitCode.usage.rawValue
            case .input: return ExitCode.inputRejected.rawValue
            case .ledger: return ExitCode.failed.rawValue
            }
        }
    }

    private func originateVoid(_ args: ParsedArguments) async throws -> Int32 {
        guard args.positionals.count == 2 else { throw UsageError(.wrongArguments, "originate void needs one FILE") }
        guard let note = args.value("note"), !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw UsageError(.missingOption, "originate void needs --note TEXT") }
        guard args.value("ledger") != nil else { throw UsageError(.missingOption, "originate void needs --ledger PATH|URL") }
        try Settle.checkLedger(args.ledgerPath, postgreSQL: true)
        let store: any OriginationStore
        let view: any LedgerReading
        let lock: any RunLocking
        if let reader = try openPostgreSQLReader(args) {
            store = try PostgreSQLOriginationStore(address: reader.address, entity: reader.entity)
            view = reader
            lock = PostgreSQLRunLock(address: reader.address, entity: reader.entity)
        } else {
            view = try openReader(args.ledgerPath)
            store = try SQLiteOriginationStore(path: args.ledgerPath)
            lock = LedgerLockFile(ledgerPath: args.ledgerPath)
        }
        guard let held = try await lock.acquire(waitingUpTo: 0) else {
            console.err("settle: the ledger is locked by another run (\(lock.holder())); try again when it has finished")
            return ExitCode.locked.rawValue
        }
        defer { withExtendedLifetime(held) {} }
        do throws(Originator.Failure) {
            let moved = try await Originator.void(file: args.positionals[1], note: note, store: store, view: view)
            console.out("\((args.positionals[1] as NSString).lastPathComponent) is void" + (moved.map { "; the outbox's copy is now \($0)" } ?? ""))
            return 0
        } catch {
            console.err("settle: \(error.message)")
            return error.kind == .ledger ? ExitCode.failed.rawValue : ExitCode.inputRejected.rawValue
        }
    }
}

/// `settle origination rates`: the originating companies' debit return rates against NACHA's limits.
extension Command {
    static let origination = Command(
        group: "origination",
        overview: ["rates [--day YYYY-MM-DD] --ledger PATH|URL [--entity NAME] [--json]"],
        description: "What settle's debit origination stands at.",
        exitStatuses: [.init(0, means: "done"), .init(2, means: "usage error"), .init(3, means: "the ledger could not be read")],
        subcommands: [originationRates])

    static let originationRates = Command(
        "rates",
        usage: ["[--day YYYY-MM-DD] --ledger PATH|URL [--entity NAME] [--json]"],
        description: "Each originating company's debit return rates over the 60 days to the day (default: the last day run): "
            + "unauthorized (R05, R07, R10, R11, R29, R51; NACHA's limit 0.5%), administrative (R02, R03, R04; 3%) and overall "
            + "(every return; 15%): returns received in the window against the debits (retries included, prenotes not) effective "
            + "in it. A rate past 80% of its limit is a warning (and a RETURN_RATE exception of the run); past the limit, over.",
        options: [.value("day", "DAY", "the window's last day (default: the last day run)"), .ledger, .entity, .flag("json", "print the rates as JSON")]
    ) { settle, args in try await settle.originationRates(args) }
}

extension Settle {
    func originationRates(_ args: ParsedArguments) async throws -> Int32 {
        let store: any OriginationStore
        let view: any LedgerReading
        if let reader = try openPostgreSQLReader(args) {
            store = try PostgreSQLOriginationStore(address: reader.address, entity: reader.entity)
            view = reader
        } else {
            view = try openReader(args.ledgerPath)
            store = try SQLiteOriginationStore(path: args.ledgerPath)
        }
        let lastRun = try await view.lastRunDay()
        guard let day = try self.day(args.value("day"), option: "day") ?? lastRun else {
            console.out("no day has been run")
            return 0
        }
        let rates = try OriginationReport.asOf(day, store: store, retryAfterDays: 0)?.rates ?? []
        if args.flag("json") {
            console.out(JSONValue.array(rates.map(OriginationReport.json)).rendered())
            return 0
        }
        guard !rates.isEmpty else {
            console.out("no debits or returns in the 60 days to \(day)")
            return 0
        }
        console.out("return rates of debits, \(rates[0].from) to \(day):")
        for rate in rates {
            let line = "  \(rate.companyID)  \(rate.family.rawValue.padding(15))"
                + "\(String(rate.returns).leftPadding(6)) of \(String(rate.debits).leftPadding(7))  \(ReturnRate.percent(rate.basisPoints).leftPadding(8))"
                + "  limit \(ReturnRate.percent(rate.family.limitBasisPoints).leftPadding(6))  \(OriginationReport.status(rate))"
            console.out(line)
        }
        return 0
    }
}
