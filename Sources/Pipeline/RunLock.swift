import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock beside the ledger (`<ledger>.lock`): two runs never write the same ledger at once.
/// The kernel releases it when the process dies, so a killed run leaves no stale lock.
public final class RunLock {
    private let fd: Int32
    public let path: String

    /// nil when another process holds the lock.
    public init?(ledgerPath: String) throws {
        path = ledgerPath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ManifestError("cannot create the lock file \(path): \(String(cString: strerror(errno)))") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            return nil
        }
        fd = descriptor
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
