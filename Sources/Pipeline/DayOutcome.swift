import Core

/// What one day of a run did.
public struct DayOutcome: Sendable {
    public var day: Day
    public var summary: JSONValue
    public var outputFolder: String
    public var inputRejected: Bool
    /// A statement's closing balance differs from the books (`BANK_DIFFERENCE`): exit 4 unless input was rejected.
    public var booksDiffer = false
    public var exceptionCount: Int
    public var postedCount: Int
    public var receiptCount: Int
    /// Each stage's time (and finer times inside stages, named `stage.part`), for the run log and the bench.
    public var timings: [(String, Duration)] = []
}
