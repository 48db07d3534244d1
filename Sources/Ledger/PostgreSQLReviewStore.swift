import Accounting
import Core
import Foundation

/// Reviewers' decisions on a PostgreSQL ledger, for one entity. Many desks decide at once, and a run may be writing:
/// no run lock is taken; each decision is one short transaction that takes the exception's row, so of two clerks
/// deciding the same exception the second is refused, told who decided it and when. A decision made while a run is in
/// flight waits for the next run to book it (the run reads the decisions to book when its day begins).
public actor PostgreSQLReviewStore: ReviewStore, PeriodStore {
    public nonisolated let address: LedgerLocation.PostgreSQLAddress
    public nonisolated let entity: String
    let db: PostgreSQLConnection

    /// Opens the ledger (which must exist, no newer than this program) for `entity`, which it must hold.
    public init(address: LedgerLocation.PostgreSQLAddress, entity: String) throws {
        self.address = address
        self.entity = entity
        db = try PostgreSQLConnection(conninfo: address.conninfo)
        let version = try PostgreSQLMigrations.storedVersion(db)
        guard version > 0 else { throw LedgerError("no ledger at \(address.redacted) (no settle tables in its schema)") }
        guard version <= PostgreSQLSchema.version else {
            throw LedgerError("the ledger \(address.redacted) has schema version \(version), newer than this program's \(PostgreSQLSchema.version): use a newer settle")
        }
        guard try PostgreSQLMigrations.entities(db).contains(entity) else { throw LedgerError("\(address.redacted) holds no entity \(entity)") }
    }

    public func history(exceptionID: String) throws -> [ExceptionHistoryRow] { try PostgreSQLReviewRecords.history(exceptionID: exceptionID, db, entity: entity) }

    public func booking(exceptionID: String) throws -> DecisionBooking? { try PostgreSQLReviewRecords.booking(exceptionID: exceptionID, db, entity: entity) }

    /// Records a reviewer's decision on an open exception (checked by the caller against the ledger): resolved, waiting
    /// for the next run to book it. An exception another desk decided since the caller looked is refused, naming them.
    public func recordDecision(exceptionID: String, decision: ReviewDecisionKind, applications: [ReviewApplication], note: String, by: String,
                               approvedBy: String, at: String) throws {
        let text = ReviewApplication.text(applications)
        let summary = text.isEmpty ? decision.rawValue : "\(decision.rawValue) \(text)"
        try db.transaction {
            try refuseUnlessOpen(exceptionID)
            try db.run("""
                UPDATE exceptions SET status = 'resolved', resolution = $3, resolution_note = $4, resolved_at = $5, decision = $6,
                    decision_applications = $7, decided_by = $8, approved_by = $9, decision_seq = decision_seq + 1
                WHERE entity = $1 AND exception_id = $2
                """, [entity, exceptionID, summary, note, at, decision.rawValue, text, by, approvedBy])
            try PostgreSQLReview.appendHistory(db, entity: entity, exceptionID: exceptionID, at: at, action: "resolve", decision: decision.rawValue,
                                               applications: text, note: note, by: by, approvedBy: approvedBy, runID: nil)
        }
    }

    /// Opens a decided exception again (and those settle resolved together with it): the next run reverses what its
    /// decision booked. One transaction; an exception another desk reopened since is refused, naming them.
    public func reopenException(id: String, note: String, by: String, at: String) throws {
        try db.transaction {
            let row = try db.query("SELECT status FROM exceptions WHERE entity = $1 AND exception_id = $2 FOR UPDATE", [entity, id])
            guard row.count == 1 else { throw LedgerError("no exception \(id) in \(address.redacted)") }
            guard row.text(0, 0) == "resolved" else {
                throw LedgerError("\(id) is open: \(try lastChange(id)) reopened it first; there is nothing to reopen")
            }
            try PostgreSQLReview.reopen(db, entity: entity, id: id, note: note, by: by, at: at, runID: nil)
            let linked = try db.query("""
                SELECT exception_id FROM exceptions
                WHERE entity = $1 AND status = 'resolved' AND resolution = 'linked' AND decision = '' AND strpos(resolution_note, $2) > 0
                ORDER BY exception_id FOR UPDATE
                """, [entity, id])
            for r in 0..<linked.count {
                try PostgreSQLReview.reopen(db, entity: entity, id: linked.text(r, 0), note: "reopened with \(id): \(note)", by: by, at: at, runID: nil)
            }
        }
    }

    /// Takes the exception's row for the transaction; refuses one no longer open, saying who decided it and when.
    private func refuseUnlessOpen(_ id: String) throws {
        let row = try db.query("SELECT status, resolution FROM exceptions WHERE entity = $1 AND exception_id = $2 FOR UPDATE", [entity, id])
        guard row.count == 1 else { throw LedgerError("no exception \(id) in \(address.redacted)") }
        guard row.text(0, 0) == "open" else {
            throw LedgerError("\(id) is already resolved (\(row.text(0, 1))) by \(try lastChange(id)); `settle exceptions reopen \(id) --note ...` first")
        }
    }

    /// Who last changed an exception and when, from its history ("BOB at 2026-12-05T09:14:03Z").
    private func lastChange(_ id: String) throws -> String {
        let last = try db.query("""
            SELECT by, at FROM exception_history WHERE entity = $1 AND exception_id = $2 ORDER BY history_id DESC LIMIT 1
            """, [entity, id])
        return last.count == 0 ? "another desk" : "\(last.text(0, 0)) at \(last.text(0, 1))"
    }

    // MARK: Periods (the review commands read the closed period; closing takes the run lock, elsewhere)

    public func closedThrough() throws -> Day? { try PostgreSQLPeriods.closedThrough(db, entity: entity) }
    public func periodChanges() throws -> [PeriodChange] { try PostgreSQLPeriods.changes(db, entity: entity) }
    public func closePeriod(through day: Day, note: String, by: String, at: String) throws {
        throw LedgerError("a period is closed by `settle period close`, under the entity's run lock")
    }
    public func reopenPeriod(from day: Day, note: String, by: String, at: String) throws {
        throw LedgerError("a period is reopened by `settle period reopen`, under the entity's run lock")
    }
}

/// The writes of exceptions' decisions and history, for the day writer and the review store alike.
enum PostgreSQLReview {
    static func appendHistory(_ db: PostgreSQLConnection, entity: String, exceptionID: String, at: String, action: String, decision: String = "",
                              applications: String = "", note: String, by: String, approvedBy: String = "", runID: Int64?) throws {
        try db.run("""
            INSERT INTO exception_history(entity, exception_id, at, action, decision, applications, note, by, approved_by, run_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::bigint)
            """, [entity, exceptionID, at, action, decision, applications, note, by, approvedBy, runID.map { String($0) }])
    }

    /// Exceptions settle resolves itself (their cause went away), each with its note and a line of history; one a
    /// reviewer decided, or no longer open, is left as it is. Closed on `day`, the run's.
    static func resolveBySettle(_ db: PostgreSQLConnection, entity: String, _ exceptions: [(id: String, note: String)], resolution: String,
                                runID: Int64, day: Day) throws {
        guard !exceptions.isEmpty else { return }
        let at = Timestamp.now()
        for (id, note) in exceptions {
            let changed = try db.run("""
                UPDATE exceptions SET status = 'resolved', resolution = $3, resolution_note = $4, resolved_at = $5, closed_day = $6
                WHERE entity = $1 AND exception_id = $2 AND status = 'open' AND decision = ''
                """, [entity, id, resolution, note, at, day.description])
            if changed == 1 {
                try appendHistory(db, entity: entity, exceptionID: id, at: at, action: "auto-resolve", note: note, by: "settle", runID: runID)
            }
        }
    }

    /// The exception open again (its decision gone), with a line of history. `seq`: only while its decision is still
    /// that one (settle's verdict on a decision a clerk has since replaced is dropped; the next run books the new one).
    static func reopen(_ db: PostgreSQLConnection, entity: String, id: String, note: String, by: String, at: String, runID: Int64?,
                       seq: Int64? = nil) throws {
        let changed = try db.run("""
            UPDATE exceptions SET status = 'open', resolution = '', resolution_note = $3, resolved_at = NULL, decision = '', decision_applications = '',
                decided_by = '', approved_by = '', decision_seq = decision_seq + 1, closed_day = NULL
            WHERE entity = $1 AND exception_id = $2 AND ($4::bigint IS NULL OR decision_seq = $4::bigint)
            """, [entity, id, note, seq.map { String($0) }])
        if changed == 0, seq != nil { return }
        guard changed == 1 else { throw LedgerError("no exception \(id) in the ledger") }
        try appendHistory(db, entity: entity, exceptionID: id, at: at, action: "reopen", note: note, by: by, runID: runID)
    }

    /// A decided exception whose cause went away before its decision was booked: resolved by settle, the decision set
    /// aside (nothing booked), with a line of history.
    /// Only while its decision is still the one numbered `seq` (one a clerk made since waits for the next run).
    static func setAside(_ db: PostgreSQLConnection, entity: String, id: String, note: String, runID: Int64, day: Day, seq: Int64) throws {
        let changed = try db.run("""
            UPDATE exceptions SET status = 'resolved', resolution = 'settled', resolution_note = $3, decision = '', decision_applications = '',
                decision_seq = decision_seq + 1, closed_day = $4
            WHERE entity = $1 AND exception_id = $2 AND decision_seq = $5::bigint
            """, [entity, id, note, day.description, String(seq)])
        guard changed == 1 else { return }
        try appendHistory(db, entity: entity, exceptionID: id, at: Timestamp.now(), action: "settled", note: note, by: "settle", runID: runID)
    }
}
