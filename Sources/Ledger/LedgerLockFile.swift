import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The SQLite ledger's run lock (`RunLocking`): an exclusive `flock` on a file beside the ledger (`<ledger>.lock`).
/// The kernel releases it when the process dies, so a killed run leaves no stale lock. The file says who holds it
/// (pid, host, start time, what it is doing), for the message another run gives.
public struct LedgerLockFile: RunLocking {
    public let path: String

    public init(ledgerPath: String) { path = ledgerPath + ".lock" }

    public func tryLock(purpose: String) throws -> (any HeldRunLock)? {
        try HeldLockFile(path: path, purpose: purpose)
    }

    public func holder() -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The lock file's lock, held until this goes.
final class HeldLockFile: HeldRunLock {
    private let fd: Int32

    /// nil when another process holds the lock. `purpose` goes in the file (`run`, `exceptions resolve`, ...).
    init?(path: String, purpose: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, PrivateFiles.fileMode)
        guard descriptor >= 0 else { throw LedgerError("cannot create the lock file \(path): \(String(cString: strerror(errno)))") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            return nil
        }
        fd = descriptor
        let holder = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), started \(Timestamp.now()): settle \(purpose)\n"
        _ = ftruncate(fd, 0)
        _ = holder.withCString { write(fd, $0, strlen($0)) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
