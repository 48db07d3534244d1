import Accounting
import Core
import Foundation
import Ledger
import Pipeline

/// `settle period`: closing a period so its days stay as they are, and reopening it.
extension Command {
    static let period = Command(
        group: "period",
        overview: ["close --through YYYY-MM-DD --note TEXT | reopen YYYY-MM-DD --note TEXT | status --ledger PATH"],
        description: """
            close: every day through the date is closed. A run of a closed day posts nothing and says so; a decision or
            correction that belongs to a closed day (a reviewer's decision, a late statement line) is booked on the first
            open day, its memo naming the day it belongs to. reopen: the date and every day after it are open again. Each
            close and reopen is kept, with its note and who did it (status prints them). close and reopen take the
            ledger's lock like a run.
            """,
        exitStatuses: [
            .init(0, means: "done"), .init(2, means: "usage error, or nothing to close or reopen"), .init(3, means: "the ledger could not be read"),
            .init(75, means: "a run holds the lock"),
        ],
        subcommands: [periodClose, periodReopen, periodStatus])

    static let periodClose = Command(
        "close",
        usage: ["--through YYYY-MM-DD --note TEXT --ledger PATH|URL [--entity NAME] [--by NAME]"],
        description: "Closes every day through the date. A run of a closed day posts nothing and says so; a decision or correction "
            + "that belongs to a closed day is booked on the first open day, its memo naming the day it belongs to. Takes the "
            + "ledger's lock like a run.",
        options: [
            .value("through", "DAY", "the last day closed (required)"), .note, .ledger, .entity,
            .value("by", "NAME", "who closes it (default: your login name)"),
        ]
    ) { settle, args in try await settle.periodClose(args) }

    static let periodReopen = Command(
        "reopen",
        usage: ["YYYY-MM-DD --note TEXT --ledger PATH|URL [--entity NAME] [--by NAME]"],
        description: "Opens the date and every day after it again. Takes the ledger's lock like a run.",
        options: [.note, .ledger, .entity, .reopenedBy],
        takesArguments: true
    ) { settle, args in try await settle.periodReopen(args) }

    static let periodStatus = Command(
        "status",
        usage: ["--ledger PATH|URL [--entity NAME]"],
        description: "The day the books are closed through, and every close and reopen with when, who and why.",
        options: [.ledger, .entity]
    ) { settle, args in try await settle.periodStatus(args) }
}

extension Settle {
    func periodClose(_ args: ParsedArguments) async throws -> Int32 {
        let note = try periodNote(args)
        guard let day = try day(args.value("through"), option: "through") else { throw UsageError(.missingOption, "period close needs --through YYYY-MM-DD") }
        return try await changePeriod(args) { store, by in
            try await store.closePeriod(through: day, note: note, by: by, at: Timestamp.now())
            return "closed through \(day)"
        }
    }

    func periodReopen(_ args: ParsedArguments) async throws -> Int32 {
        let note = try periodNote(args)
        guard args.positionals.count == 1 else { throw UsageError(.wrongArguments, "period reopen needs one YYYY-MM-DD") }
        let day = try parseDay(args.positionals[0], what: "period reopen")
        return try await changePeriod(args) { store, by in
            try await store.reopenPeriod(from: day, note: note, by: by, at: Timestamp.now())
            return "\(day) and the days after it are open again (closed through \(day.adding(days: -1)))"
        }
    }

    func periodStatus(_ args: ParsedArguments) async throws -> Int32 {
        let (closed, changes): (Day?, [PeriodChange])
        if let postgreSQL = try openPostgreSQLReader(args) {
            (closed, changes) = (try postgreSQL.closedThrough(), try postgreSQL.periodChanges())
        } else {
            let view: any LedgerReading = try openReader(args.ledgerPath)
            (closed, changes) = (try await view.closedThrough(), try await view.periodChanges())
        }
        console.out(closed.map { "closed through \($0)" } ?? "no period is closed")
        for change in changes {
            console.out("  \(change.at)  \(change.action) → closed through \(change.closedThrough.isEmpty ? "-" : change.closedThrough) by \(change.by): \(change.note)")
        }
        return 0
    }

    /// The --note a close or reopen needs.
    private func periodNote(_ args: ParsedArguments) throws(UsageError) -> String {
        guard let note = args.value("note"), !note.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw UsageError(.missingOption, "\(args.commandPath.joined(separator: " ")) needs --note TEXT")
        }
        return note
    }

    /// A close or reopen under the ledger's lock; what it says when done, or exit 2 when there is nothing to close or
    /// reopen (the ledger says why).
    private func changePeriod(_ args: ParsedArguments, _ change: (any PeriodStore, String) async throws -> String) async throws -> Int32 {
        let by = args.value("by") ?? Settle.loginName()
        let console = self.console
        func attempt(_ store: any PeriodStore) async throws -> Int32 {
            do {
                console.out(try await change(store, by))
                return 0
            } catch let error as LedgerError {
                console.err("settle: \(error.message)")
                return ExitCode.usage.rawValue
            }
        }
        if let reader = try openPostgreSQLReader(args) {
            // On PostgreSQL: under the entity's run lock, which a run of the entity holds too.
            let lock = PostgreSQLRunLock(address: reader.address, entity: reader.entity)
            guard let held = try lock.tryLock(purpose: args.commandPath.joined(separator: " ")) else {
                console.err("settle: entity \(reader.entity) of \(reader.address.redacted) is locked by another run (\(lock.holder())); try again when it has finished")
                return ExitCode.locked.rawValue
            }
            defer { withExtendedLifetime(held) {} }
            return try await attempt(try PostgreSQLLedgerStore(address: reader.address, entity: reader.entity))
        }
        return try await withReviewLock(args) { store, _ in try await attempt(store) }
    }
}
