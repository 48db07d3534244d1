/// A held run lock: the ledger is this process's to write until the last reference to it goes.
public protocol HeldRunLock: AnyObject {}

/// Two runs never write one ledger at once: a run (or a review command) takes the ledger's lock first; a second one
/// waits or exits with a clear message naming the holder. A crashed holder's lock goes with its process.
/// The SQLite store's lock is a lock file beside the ledger (`LedgerLockFile`).
public protocol RunLocking: Sendable {
    /// Takes the lock for `purpose` (`run`, `review`, ...; the holder's description says it), or nil when another
    /// process holds it.
    func tryLock(purpose: String) throws -> (any HeldRunLock)?
    /// Who holds the lock, as the lock says (empty when it cannot be told).
    func holder() -> String
}

extension RunLocking {
    /// Waits up to `seconds` for the lock (checking twice a second; 0: once), then gives up with nil.
    public func acquire(purpose: String = "run", waitingUpTo seconds: Double) async throws -> (any HeldRunLock)? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, seconds) * 1000))
        while true {
            if let lock = try tryLock(purpose: purpose) { return lock }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
