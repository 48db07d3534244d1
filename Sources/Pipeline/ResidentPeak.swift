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
