import Accounting
import Core

/// The one writer of a ledger: a run's record and its days, each day one transaction (all of it or none of it).
///
/// A day is written as it is computed: `beginDay` opens it, `post(_:)` writes whole batches as stages finish (the
/// day's invoices before matching, settlements after reconciliation, ...), and `finishDay` writes the rest, reverses
/// what earlier runs of the day posted and this one no longer produces, ties the books to the bank and commits (or,
/// for a dry run, rolls back). `abandonDay` rolls an open day back. Methods take whole batches, never a row: how a
/// store batches its writes, and what it keeps in memory meanwhile, is its own business.
///
/// The SQLite store (`SQLiteLedgerStore`) is the first implementation.
public protocol LedgerDayWriter: Sendable {
    /// Records a run (its manifest and days) and returns its id.
    func beginRun(manifest: String, firstDay: Day, lastDay: Day, startedAt: String) async throws -> Int64
    /// Records how a run ended (`finished`, `failed`, `interrupted`).
    func finishRun(_ runID: Int64, status: String) async throws

    /// Opens the day's transaction: what `post(_:)` and `finishDay` write is one atomic day, or nothing.
    func beginDay(runID: Int64, day: Day) async throws
    /// Writes part of the open day. Entries are posted in the order batches arrive; a failure rolls the day back.
    func post(_ batch: DayEffects) async throws
    /// The entries the open day has posted since the last call, handed over and no longer kept by the writer.
    func takePosted() async -> [PostedEntry]
    /// Writes the rest of the day and commits it (or, with `dryRun`, rolls it all back).
    func finishDay(_ day: DayCommit, dryRun: Bool) async throws -> CommitOutcome
    /// Rolls the open day back: nothing of it stays.
    func abandonDay() async

    /// Makes what committed durable in the store's own files (SQLite: copies the WAL into the database); with
    /// `truncate`, also gives the space back. Called after each day and at the end of a run.
    func checkpoint(truncate: Bool) async throws

    /// Whether the writer is usually still on earlier batches when the day reaches cash application (a server's, whose
    /// statements take longer than the stages that make the rows). The day then waits for it to post the settlement
    /// before the customers' receipts are decided, so that the batches queued for it are not held through that step,
    /// the day's peak of memory; and gives it the day's ACH rows a chunk at a time while the settlement is worked out
    /// (as many as it writes meanwhile), not a fixed half before it.
    var fallsBehind: Bool { get }
}

extension LedgerDayWriter {
    public var fallsBehind: Bool { false }
    public func finishDay(_ day: DayCommit) async throws -> CommitOutcome { try await finishDay(day, dryRun: false) }
    public func checkpoint() async throws { try await checkpoint(truncate: false) }
}
