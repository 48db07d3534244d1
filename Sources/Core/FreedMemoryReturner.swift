import Foundation
import Synchronization

/// A thread handing freed memory back to the system (`Allocator.startReturningFreedMemory(every:)`), until `stop()`
/// or until the returner is let go.
public final class FreedMemoryReturner: Sendable {
    /// Signalled to stop: the thread waits on it between trims, so it ends at once, not at its next turn.
    private let stopping = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let progress = Progress()

    private final class Progress: Sendable {
        let trims = Atomic<Int>(0)
        let ended = Atomic<Bool>(false)
    }

    init(every interval: Duration, trim: Allocator.Trim) {
        let base = max(1_000, interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000)
        // `SETTLE_TRACE=timeline`: each call's time, on stderr.
        let traced = Trace.timeline
        let stopping = stopping
        let progress = progress
        let thread = Thread {
            var wait = base
            while stopping.wait(timeout: .now() + .microseconds(Int(clamping: wait))) == .timedOut {
                let started = ContinuousClock.now
                let returned = trim(0) == 1
                progress.trims.add(1, ordering: .relaxed)
                wait = returned ? base : min(wait * 2, base * 8)
                if traced {
                    FileHandle.standardError.write(Data("trim: \(returned ? "returned" : "nothing") in \(ContinuousClock.now - started)\n".utf8))
                }
            }
            progress.ended.store(true, ordering: .releasing)
        }
        thread.name = "settle-trim"
        thread.start()
    }

    deinit { stop() }

    /// Ends the thread: at once while it waits, after the trim it is in otherwise. Stopping twice is stopping once.
    public func stop() {
        if !stopped.exchange(true, ordering: .relaxed) { stopping.signal() }
    }

    /// How many times it has trimmed so far.
    package var trims: Int { progress.trims.load(ordering: .relaxed) }

    /// Whether the thread has ended (after `stop()`).
    package var hasEnded: Bool { progress.ended.load(ordering: .acquiring) }
}

/// Shares of one returner (`Allocator.shareFreedMemoryReturner()` hands out the process's): the first share taken
/// starts it, the last one released stops it, and a share taken after that starts a new one.
public final class FreedMemoryShares: Sendable {
    /// The process's.
    static let process = FreedMemoryShares(every: .milliseconds(500))

    private let interval: Duration
    private let holders = Mutex<(count: Int, returner: FreedMemoryReturner?)>((0, nil))

    package init(every interval: Duration) { self.interval = interval }

    /// A share, starting the returner when none is held; nil where there is no returner to start.
    package func take() -> FreedMemoryShare? {
        holders.withLock { holders -> FreedMemoryShare? in
            if holders.returner == nil {
                guard let returner = Allocator.startReturningFreedMemory(every: interval) else { return nil }
                holders.returner = returner
            }
            holders.count += 1
            return holders.returner.map { FreedMemoryShare(of: self, returner: $0) }
        }
    }

    fileprivate func drop() {
        holders.withLock { holders in
            holders.count -= 1
            if holders.count == 0 { holders.returner?.stop(); holders.returner = nil }
        }
    }
}

/// A run's share of a returner (`FreedMemoryShares`); released when the run ends, or when let go.
public final class FreedMemoryShare: Sendable {
    private let shares: FreedMemoryShares
    private let released = Atomic<Bool>(false)
    /// The returner the share holds.
    package let returner: FreedMemoryReturner

    fileprivate init(of shares: FreedMemoryShares, returner: FreedMemoryReturner) {
        self.shares = shares
        self.returner = returner
    }

    deinit { release() }

    /// Gives the share back: releasing twice is releasing once.
    public func release() {
        if !released.exchange(true, ordering: .relaxed) { shares.drop() }
    }
}
