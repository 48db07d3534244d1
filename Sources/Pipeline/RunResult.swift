/// What a run did, and the exit code it ends with.
public struct RunResult: Sendable {
    public var exitCode: ExitCode
    public var runID: Int64?
    public var days: [DayOutcome]
    public var message: String?
    /// What the origination stage did (nil: it did not run, or failed).
    public var origination: Originator.Outcome? = nil
}
