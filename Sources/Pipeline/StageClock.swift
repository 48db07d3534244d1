import Core
import Foundation

/// Stage timings of a day, for the summary (and, later, the run log).
struct StageClock {
    private let clock = ContinuousClock()
    private var mark: ContinuousClock.Instant
    private(set) var timings: [(String, Duration)] = []
    /// Finer timings inside a stage (`post.entries`), beside the stages.
    var details: [(String, Duration)] = []

    init() { mark = clock.now }

    /// Told each lap (the run's observer), with what the day has counted so far.
    var observe: (@Sendable (String, Duration) -> Void)?

    mutating func lap(_ stage: String) {
        let now = clock.now
        timings.append((stage, now - mark))
        observe?(stage, now - mark)
        mark = now
        // `SETTLE_TRACE_EXIT_AFTER=STAGE` ends the process after that stage: under heaptrack, what it reports as
        // leaked is what was alive at that moment, with where it was allocated.
        if StageClock.exitAfter == stage { exit(0) }
        if StageClock.trace {
            FileHandle.standardError.write("\(stage): \(timings.last?.1 ?? .zero), RSS \(StageClock.residentMegabytes()) MB, heap in use \(Allocator.bytesInUse().map { "\($0 / 1_048_576) MB" } ?? "unknown"), peak RSS in the stage \(ResidentPeak.shared.take()) MB\n".data(using: .utf8) ?? Data())
        }
    }

    /// `SETTLE_TRACE=1`: each stage's time and the resident set after it, on stderr.
    static let trace = Trace.isOn
    static let exitAfter = FaultInjection.exitAfterStage

    static func residentMegabytes() -> Int { (Allocator.residentBytes() ?? 0) / 1_048_576 }
}
