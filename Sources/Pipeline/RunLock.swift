import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock beside the ledger (`<ledger>.lock`): two runs never write the same ledger at once.
/// The kernel releases it when the process dies, so a killed run leaves no stale lock. The file says who holds it
/// (pid, host, start time, what it is doing), for the message another run gives.
public final class RunLock {
    private let fd: Int32
    public let path: String

    /// nil when another process holds the lock. `purpose` goes in the file (`run`, `exceptions resolve`, ...).
    public init?(ledgerPath: String, purpose: String = "run") throws {
        path = ledgerPath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, PrivateFiles.fileMode)
        guard descriptor >= 0 else { throw ManifestError("cannot create the lock file \(path): \(String(cString: strerror(errno)))") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            return nil
        }
        fd = descriptor
        let holder = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), started \(Timestamp.now()): settle \(purpose)\n"
        _ = ftruncate(fd, 0)
        _ = holder.withCString { write(fd, $0, strlen($0)) }
    }

    /// Waits up to `seconds` for the lock (checking twice a second; 0: once), then gives up with nil.
    public static func acquire(ledgerPath: String, purpose: String = "run", waitingUpTo seconds: Double) async throws -> RunLock? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, seconds) * 1000))
        while true {
            if let lock = try RunLock(ledgerPath: ledgerPath, purpose: purpose) { return lock }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Who holds the lock of a ledger, as its file says (empty when it cannot be read).
    public static func holder(ledgerPath: String) -> String {
        guard let text = try? String(contentsOfFile: ledgerPath + ".lock", encoding: .utf8) else { return "" }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
