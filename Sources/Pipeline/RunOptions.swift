import Core
import Foundation

/// How a run was asked for.
public struct RunOptions: Sendable {
    public var days: [Day]
    public var dryRun: Bool
    public var concurrency: Int
    /// How long to wait for another run's lock before giving up (exit 75); 0: do not wait.
    public var waitSeconds: Double = 0
    /// Inputs leave their paths once archived and checked (`--move-inputs`); by default they are never touched.
    public var moveInputs = false
    /// A rerun of a day reruns every later day that was run, in order (`--cascade`).
    public var cascade = false
    /// Told each stage as it ends (the day, the stage, how long it took, how many files and receipts so far): the
    /// command's progress line and `--json` log.
    public var observe: (@Sendable (StageEvent) -> Void)?
    /// Called by each day just before it commits, its transaction open (tests: what else has happened by then).
    public var beforeCommit: (@Sendable (Day) async -> Void)?
    public var startedAt: String

    public init(days: [Day], dryRun: Bool = false, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount, startedAt: String = "") {
        self.days = days
        self.dryRun = dryRun
        self.concurrency = max(1, concurrency)
        self.startedAt = startedAt
    }
}
