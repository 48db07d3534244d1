import Foundation
import Core
import Synchronization
import Testing

/// Blocking reads run off the cooperative pool and stop at their next read once their task is cancelled.
@Suite struct BlockingWorkTests {
    @Test func aCancelledTaskStopsItsFileReadsAtTheNextRead() async throws {
        // /dev/zero never ends: only the cancellation stops the loop (the time cap turns a regression into a failure, not a
        // hang). The reads are paced, so a test task that resumes late on a loaded machine still finds them going.
        let ended = Mutex<(bytes: Int, error: String?)?>(nil)
        let reading = Mutex(false)
        let work = Task {
            try await BlockingWork.run {
                var bytes = 0
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
                defer { buffer.deallocate() }
                do throws(InputError) {
                    var source = try FileByteSource(path: "/dev/zero")
                    let cap = ContinuousClock.now + .seconds(120)
                    while ContinuousClock.now < cap {
                        bytes += try source.read(into: buffer)
                        if bytes == 1 << 16 { reading.withLock { $0 = true } }
                        usleep(200)
                    }
                    ended.withLock { $0 = (bytes, nil) }
                } catch {
                    ended.withLock { $0 = (bytes, error.message) }
                }
            }
        }
        // Cancelled once the work is reading (on a loaded machine the task may start late: cancelling it before it
        // starts would test something else).
        // (A generous cap: the whole suite runs beside it, its blocking reads on the same queue.)
        let deadline = ContinuousClock.now + .seconds(90)
        while !reading.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(reading.withLock { $0 }, "the work never started reading")
        work.cancel()
        let outcome = await work.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        let reads = ended.withLock { $0 }
        #expect(reads?.error == "cancelled", "the reads ended by \(String(describing: reads))")
    }

    @Test func theReadsOfAnUncancelledTaskAreUntouched() async throws {
        let bytes = try await BlockingWork.run { () -> Int in
            guard var source = try? FileByteSource(path: "/dev/zero") else { return -1 }
            var buffer = [UInt8](repeating: 1, count: 1 << 16)
            var total = 0
            for _ in 0..<16 { total += (try? buffer.withUnsafeMutableBytes { try source.read(into: $0) }) ?? 0 }
            return total
        }
        #expect(bytes == 16 << 16)
        #expect(CancellationFlag.current == nil, "the flag belongs to the work's thread, not the caller's")
    }
}

/// Background work runs at a lower priority on a thread of its own, and hands back its value or its error.
@Suite struct BackgroundWorkTests {
    struct Failure: Error, Equatable {}

    @Test func itRunsNicerThanItsCallerAndReturnsWhatItMade() async throws {
        #if canImport(Glibc)
        let callerNice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let (value, workNice) = try await BackgroundWork.run { (21 * 2, getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)) }
        #expect(value == 42)
        #expect(workNice == min(19, callerNice + BackgroundWork.niceness))
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == callerNice)
        #endif
        await #expect(throws: Failure.self) { try await BackgroundWork.run { () throws -> Int in throw Failure() } }
    }
}
