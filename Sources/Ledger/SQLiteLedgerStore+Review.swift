import Accounting
import Core
import Foundation

/// Reviewers' decisions, and the exceptions settle resolves itself, each with its line of history.
extension SQLiteLedgerStore {
    public func history(exceptionID: String) throws -> [ExceptionHistoryRow] {
        try SQLiteReviewRecords.history(exceptionID: exceptionID, database)
    }

    public func booking(exceptionID: String) throws -> DecisionBooking? {
        try SQLiteReviewRecords.booking(exceptionID: exceptionID, database)
    }

    /// Records a reviewer's decision (checked by the caller against the ledger): the exception is resolved, the decision
    /// waits for the next run (or a rerun of its day) to book it, and the history keeps it.
    public func recordDecision(exceptionID: String, decision: ReviewDecisionKind, applications: [ReviewApplication], note: String, by: String,
                               approvedBy: String, at: String) throws {
        let text = ReviewApplication.text(applications)
        let summary = text.isEmpty ? decision.rawValue : "\(decision.rawValue) \(text)"
        try database.transaction {
            try database.prepare("""
                UPDATE exceptions SET status = 'resolved', resolution = ?, resolution_note = ?, resolved_at = ?, decision = ?, decision_applications = ?,
                    decided_by = ?, approved_by = ?, decision_seq = decision_seq + 1
                WHERE exception_id = ?
                """).bind(.text(summary), .text(note), .text(at), .text(decision.rawValue), .text(text), .text(by), .text(approvedBy), .text(exceptionID)).run()
            guard database.changes == 1 else { throw LedgerError("no exception \(exceptionID) in \(path)") }
            try appendHistory(exceptionID: exceptionID, at: at, action: "resolve", decision: decision.rawValue, applications: text, note: note, by: by,
                              approvedBy: approvedBy, runID: nil)
        }
    }

    /// Opens a decided exception again: the next run reverses what its decision booked. The exceptions settle resolved
    /// together with it (`linked`, their note naming it) open again with it.
    public func reopenException(id: String, note: String, by: String, at: String) throws {
        try database.transaction {
            try reopen(id: id, note: note, by: by, at: at, runID: nil)
            let linked = try database.prepare("""
                SELECT exception_id FROM exceptions WHERE status = 'resolved' AND resolution = 'linked' AND decision = '' AND instr(resolution_note, ?) > 0
                ORDER BY exception_id
                """).bind(.text(id)).rows { $0.text(0) }
            for other in linked { try reopen(id: other, note: "reopened with \(id): \(note)", by: by, at: at, runID: nil) }
        }
    }

    /// A decided exception whose cause went away before its decision was booked: resolved by settle, the decision set
    /// aside (nothing booked), with a line of history.
    func setAside(id: String, note: String, runID: Int64, day: Day) throws {
        try database.prepare("""
            UPDATE exceptions SET status = 'resolved', resolution = 'settled', resolution_note = ?, decision = '', decision_applications = '',
                decision_seq = decision_seq + 1, closed_day = ?
            WHERE exception_id = ?
            """).bind(.text(note), .text(day.description), .text(id)).run()
        guard database.changes == 1 else { throw LedgerError("no exception \(id) in \(path)") }
        try appendHistory(exceptionID: id, at: Timestamp.now(), action: "settled", decision: "", applications: "", note: note, by: "settle", approvedBy: "", runID: runID)
    }

    /// The exception open again (its decision gone), with a line of history.
    func reopen(id: String, note: String, by: String, at: String, runID: Int64?) throws {
        try database.prepare("""
            UPDATE exceptions SET status = 'open', resolution = '', resolution_note = ?, resolved_at = NULL, decision = '', decision_applications = '',
                decided_by = '', approved_by = '', decision_seq = decision_seq + 1, closed_day = NULL
            WHERE exception_id = ?
            """).bind(.text(note), .text(id)).run()
        guard database.changes == 1 else { throw LedgerError("no exception \(id) in \(path)") }
        try appendHistory(exceptionID: id, at: at, action: "reopen", decision: "", applications: "", note: note, by: by, approvedBy: "", runID: runID)
    }

    /// A bank difference of an earlier day resolves itself when a later statement of its account and currency ties
    /// (decided by settle, with a note naming the statement); a reviewer's decision is never overridden.
    func resolveTiedAgain(_ results: [BankTieResult], runDay: Day, runID: Int64) throws {
        for result in results where result.ties {
            let ref = "\(result.check.cashAccount):\(result.check.closing.currency.code)"
            let open = try database.prepare("SELECT exception_id FROM exceptions WHERE type = 'BANK_DIFFERENCE' AND status = 'open' AND source_ref = ? AND day < ? AND last_run_id != ?")
                .bind(.text(ref), .text(runDay.description), .integer(runID)).rows { $0.text(0) }
            let note = "the books of \(result.check.displayAccount) tie with the statement of \(result.check.statementDay) (\(result.check.closing)) again, run \(runID) of \(runDay)"
            try resolveBySettle(open.map { ($0, note) }, resolution: "settled", runID: runID, day: runDay)
        }
    }

    /// Exceptions settle resolves itself (their cause went away), each with its note and a line of history; one a
    /// reviewer decided, or no longer open, is left as it is. `auto`: raised again by a run of its day, it opens again;
    /// `settled`: a later day's run resolved it, and a rerun of its own day leaves it resolved.
    /// The exception is closed on `day`, the run's.
    func resolveBySettle(_ exceptions: [(id: String, note: String)], resolution: String, runID: Int64, day: Day) throws {
        guard !exceptions.isEmpty else { return }
        let at = Timestamp.now()
        let update = try database.prepare("""
            UPDATE exceptions SET status = 'resolved', resolution = ?, resolution_note = ?, resolved_at = ?, closed_day = ?
            WHERE exception_id = ? AND status = 'open' AND decision = ''
            """)
        for (id, note) in exceptions {
            try update.bind(.text(resolution), .text(note), .text(at), .text(day.description), .text(id)).run()
            if database.changes == 1 {
                try appendHistory(exceptionID: id, at: at, action: "auto-resolve", decision: "", applications: "", note: note, by: "settle", approvedBy: "", runID: runID)
            }
        }
    }

    /// An exception of the day an earlier run raised and this run does not (the invoice was paid by another receipt,
    /// the file turned out a duplicate) is resolved by settle itself, with a note saying why; raised again later, it
    /// opens again.
    func resolveWhatIsGone(day: Day, runID: Int64) throws {
        let gone = try database.prepare("SELECT exception_id FROM exceptions WHERE day = ? AND status = 'open' AND last_run_id != ?")
            .bind(.text(day.description), .integer(runID)).rows { $0.text(0) }
        let note = "no longer raised by run \(runID) of \(day): its cause is gone"
        try resolveBySettle(gone.map { ($0, note) }, resolution: "auto", runID: runID, day: day)
    }

    func appendHistory(exceptionID: String, at: String, action: String, decision: String, applications: String, note: String, by: String,
                               approvedBy: String, runID: Int64?) throws {
        try database.prepare("""
            INSERT INTO exception_history(exception_id, at, action, decision, applications, note, by, approved_by, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).bind(.text(exceptionID), .text(at), .text(action), .text(decision), .text(applications), .text(note), .text(by), .text(approvedBy),
                      runID.map { .integer($0) } ?? .null).run()
    }
}

/// The reads of an exception's history and booking, for the writer and the reader alike.
enum SQLiteReviewRecords {
    static func history(exceptionID: String, _ db: Database) throws -> [ExceptionHistoryRow] {
        try db.prepare("""
            SELECT at, action, decision, applications, note, by, approved_by, run_id FROM exception_history WHERE exception_id = ? ORDER BY history_id
            """).bind(.text(exceptionID)).rows {
            ExceptionHistoryRow(at: $0.text(0), action: $0.text(1), decision: $0.text(2), applications: $0.text(3), note: $0.text(4), by: $0.text(5),
                                approvedBy: $0.text(6), runID: $0.isNull(7) ? nil : $0.int(7))
        }
    }

    static func booking(exceptionID: String, _ db: Database) throws -> DecisionBooking? {
        try db.prepare("SELECT decision, decision_seq, booked_seq, booked_day FROM exceptions WHERE exception_id = ?").bind(.text(exceptionID))
            .rows { ($0.text(0), $0.int(1), $0.int(2), $0.isNull(3) ? nil : $0.text(3)) }.first
    }
}
