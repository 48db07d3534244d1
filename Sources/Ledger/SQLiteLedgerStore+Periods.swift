import Accounting
import Core

/// Closing and reopening periods.
extension SQLiteLedgerStore {
    /// The last day of the closed period (nil: nothing closed).
    public func closedThrough() throws -> Day? {
        try SQLitePeriods.closedThrough(database)
    }

    public func periodChanges() throws -> [PeriodChange] {
        try SQLitePeriods.changes(database)
    }

    /// Closes every day through `day`: runs of those days post nothing; what belongs to them is booked on the first
    /// open day. Recorded with why and by whom.
    public func closePeriod(through day: Day, note: String, by: String, at: String) throws {
        if let current = try closedThrough(), current >= day { throw LedgerError("the period is already closed through \(current)") }
        try database.prepare("INSERT INTO period_changes(action, closed_through, note, by, at) VALUES ('close', ?, ?, ?, ?)")
            .bind(.text(day.description), .text(note), .text(by), .text(at)).run()
    }

    /// Opens `day` and every day after it again (the period stays closed through the day before).
    public func reopenPeriod(from day: Day, note: String, by: String, at: String) throws {
        guard let current = try closedThrough(), current >= day else { throw LedgerError("\(day) is not in a closed period") }
        let through = day.adding(days: -1)
        try database.prepare("INSERT INTO period_changes(action, closed_through, note, by, at) VALUES ('reopen', ?, ?, ?, ?)")
            .bind(.text(through.description), .text(note), .text(by), .text(at)).run()
    }
}

/// The reads of `period_changes`, for the writer and the reader alike.
enum SQLitePeriods {
    static func closedThrough(_ db: Database) throws -> Day? {
        let s = try db.prepare("SELECT closed_through FROM period_changes ORDER BY change_id DESC LIMIT 1")
        defer { s.reset() }
        guard try s.step(), !s.isNull(0) else { return nil }
        return try Stored.day(s.text(0), "period_changes")
    }

    static func changes(_ db: Database) throws -> [PeriodChange] {
        try db.prepare("SELECT action, COALESCE(closed_through, ''), note, by, at FROM period_changes ORDER BY change_id").rows {
            ($0.text(0), $0.text(1), $0.text(2), $0.text(3), $0.text(4))
        }
    }
}
