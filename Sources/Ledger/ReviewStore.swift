import Accounting
import Core

/// Where an exception's decision stands: its decision (empty: none), the decision's number, the number the ledger
/// booked and the day of the run that booked it.
public typealias DecisionBooking = (decision: String, seq: Int64, bookedSeq: Int64, bookedDay: String?)

/// What reviewers decided and what became of it: an exception's history and whether its decision is in the books.
public protocol ReviewRecords: Sendable {
    /// An exception's history, oldest first.
    func history(exceptionID: String) async throws -> [ExceptionHistoryRow]
    /// Where an exception's decision stands (nil: no such exception).
    func booking(exceptionID: String) async throws -> DecisionBooking?
}

/// Reviewers' decisions on exceptions. A decision is recorded (checked against the ledger by the caller first) and
/// waits for the next run, or a rerun of its day, to book it; reopening one makes the next run reverse what it booked.
/// The history keeps every decision and reopening.
public protocol ReviewStore: ReviewRecords {
    func recordDecision(exceptionID: String, decision: ReviewDecisionKind, applications: [ReviewApplication], note: String, by: String,
                        approvedBy: String, at: String) async throws
    func reopenException(id: String, note: String, by: String, at: String) async throws
}
