import Core

/// One closing or reopening of the period, as recorded.
public typealias PeriodChange = (action: String, closedThrough: String, note: String, by: String, at: String)

/// What the ledger says of its closed period: read by runs (a closed day is not run again) and by `settle period`.
public protocol PeriodRecords: Sendable {
    /// The last day of the closed period (nil: nothing closed).
    func closedThrough() async throws -> Day?
    /// The history of closing and reopening periods, oldest first.
    func periodChanges() async throws -> [PeriodChange]
}

/// Closing and reopening periods. A run of a closed day posts nothing; what belongs to a closed day is booked on the
/// first open day, its memo naming the day it belongs to (the day writer does that).
public protocol PeriodStore: PeriodRecords {
    /// Closes every day through `day`, with why and by whom; refused when the period is closed through it already.
    func closePeriod(through day: Day, note: String, by: String, at: String) async throws
    /// Opens `day` and every day after it again (the period stays closed through the day before); refused when `day`
    /// is not closed.
    func reopenPeriod(from day: Day, note: String, by: String, at: String) async throws
}
