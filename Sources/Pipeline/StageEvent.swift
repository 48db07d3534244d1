import Core

/// A stage of a day, ended.
public struct StageEvent: Sendable {
    public var day: Day
    public var stage: String
    public var duration: Duration
    public var files: Int
    public var receipts: Int
}
