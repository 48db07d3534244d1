import Accounting
import Core
import Ledger

extension LedgerDayWriter {
    /// One day in one call, for tests that write a day's drafts at once: begin, finish (which posts the whole day).
    /// A run streams its day through `beginDay`, `post(_:)` and `finishDay` instead.
    func commit(_ day: DayCommit, dryRun: Bool = false) async throws -> CommitOutcome {
        try await beginDay(runID: day.runID, day: day.day)
        return try await finishDay(day, dryRun: dryRun)
    }
}
