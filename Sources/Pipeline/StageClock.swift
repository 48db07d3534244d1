import Core
import Foundation

/// The highest resident set since it was last asked, read every 20 ms on a thread of its own (started by the first
/// `SETTLE_TRACE=1` lap): a stage's peak, which its end does not show.
final class ResidentPeak: @unchecked Sendable {
    static let shared = ResidentPeak()
    private let lock = NSLock()
    private var peak = 0

    private init() {
        Thread { [self] in
            // `SETTLE_TRACE=timeline`: the resident set and the heap in use every quarter second, to find the moment of the peak.
            let timeline = Trace.timeline
            let start = ContinuousClock.now
            var ticks = 0
            while true {
                let now = StageClock.residentMegabytes()
                lock.lock()
                peak = max(peak, now)
                lock.unlock()
                ticks += 1
                if timeline, ticks % 12 == 0 {
                    let heap = Allocator.bytesInUse().map { $0 / 1_048_576 } ?? 0
                    FileHandle.standardError.write(Data("timeline: \(ContinuousClock.now - start) RSS \(now) MB heap \(heap) MB\n".utf8))
                }
                usleep(20_000)
            }
        }.start()
    }

    func take() -> Int {
        lock.lock()
        defer { peak = 0; lock.unlock() }
        return peak
    }
}

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
