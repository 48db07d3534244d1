import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Work that blocks a thread (reading and parsing a file) runs here, on threads of its own, so the cooperative
/// pool's few threads stay free for the tasks that schedule it (the ledger writer, matching, reports). Cancelling
/// the awaiting task raises a flag the work's reads check: a `FileByteSource` read on such a thread then fails with
/// "cancelled", so a cancelled day stops reading within one read instead of finishing its files.
public enum BlockingWork {
    fileprivate static let queue = DispatchQueue(label: "settle.blocking-work", qos: .utility, attributes: .concurrent)

    /// Runs `body` on a thread outside the cooperative pool and returns its result; throws `CancellationError` when
    /// the calling task was cancelled before or while it ran.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try Task.checkCancellation()
        let flag = CancellationFlag()
        let value = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                queue.async {
                    flag.install()
                    let value = body()
                    flag.uninstall()
                    continuation.resume(returning: value)
                }
            }
        } onCancel: {
            flag.cancel()
        }
        try Task.checkCancellation()
        return value
    }
}

extension BlockingWork {
    /// `run` for work that throws: its error is rethrown to the caller (a cancelled caller gets `CancellationError`).
    public static func run<T: Sendable>(throwing body: @escaping @Sendable () throws -> T) async throws -> T {
        let result: Result<T, any Error> = try await run { Result { try body() } }
        return try result.get()
    }

    /// Work that must finish once started whatever happens to the task awaiting it (what follows a commit: the
    /// day's archive): off the pool like `run`, but deaf to cancellation. Its error is rethrown to the caller.
    public static func runToEnd<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { try body() }) }
        }
        return try result.get()
    }
}

/// The cancellation of one piece of blocking work, visible to the reads done on its thread.
public final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// The flag of the blocking work running on this thread, if any.
    public static var current: CancellationFlag? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<CancellationFlag>.fromOpaque(raw).takeUnretainedValue()
    }

    func install() { pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque()) }
    func uninstall() { pthread_setspecific(Self.key, nil) }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}

/// Work that may take what CPU the day's critical path leaves (the reports of matching, made while the ledger writer
/// posts): on a thread of its own, nice +10 over the thread that made it, so that the writer and the task feeding
/// it, on the cooperative pool's two threads, are not kept waiting for a core. The thread ends with the work (its
/// lower priority is not handed to later work).
public enum BackgroundWork {
    public static let niceness: Int32 = 10

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            let thread = Thread {
                #if canImport(Glibc)
                // On Linux the nice value is the thread's own: 0 names the calling thread.
                let inherited = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, inherited + niceness))
                #endif
                continuation.resume(returning: Result { try body() })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        return try result.get()
    }
}

/// Work started on a thread of its own (outside the cooperative pool) whose result a caller waits for where it is
/// needed, blocking: a check computed while a writer finishes its day, which the writer asks for just before it
/// commits. Waiting again gives the same result.
public final class PendingResult<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once, before the signal any wait sees.
    private var result: Result<T, any Error> = .failure(NotFinished())

    struct NotFinished: Error {}

    public init(_ work: @escaping @Sendable () throws -> T) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try work() }
            self.done.signal()
        }
    }

    public func wait() throws -> T {
        done.wait()
        done.signal()
        return try result.get()
    }
}
