import Core
import Foundation

/// A day's inputs compressed and checked beside their archive paths while the day's writer posts (on a thread of
/// their own, off the critical path), placed only once the day commits, removed if it does not.
final class ArchiveStaging: @unchecked Sendable {
    typealias Copy = (from: String, to: String, sha256: String, size: Int64)
    private let lock = NSLock()
    private var work: Task<[(copy: Copy, staged: String?)], Error>?

    /// Starts staging `copies` (once).
    func start(_ copies: [Copy]) {
        lock.withLock {
            guard work == nil, !copies.isEmpty else { return }
            work = Task {
                try await BlockingWork.run(throwing: {
                    var staged: [(copy: Copy, staged: String?)] = []
                    do {
                        for copy in copies { staged.append((copy, try Archive.stage(copy.from, to: copy.to, sha256: copy.sha256, size: copy.size))) }
                    } catch {
                        for s in staged { if let path = s.staged { unlink(path) } }
                        throw error
                    }
                    return staged
                })
            }
        }
    }

    /// What was staged (staging `copies` now if it had not started), for the committed day to place.
    func staged(_ copies: [Copy]) async throws -> [(copy: Copy, staged: String?)] {
        start(copies)
        guard let work = lock.withLock({ work }) else { return [] }
        return try await work.value
    }

    /// The day does not commit: the staging stops at its next read, and nothing staged stays.
    func discard() async {
        guard let work = lock.withLock({ work }) else { return }
        work.cancel()
        if let staged = try? await work.value {
            for s in staged { if let path = s.staged { unlink(path) } }
            // The day's archive folder, if that left it empty.
            for folder in Set(staged.map { ($0.copy.to as NSString).deletingLastPathComponent }) { rmdir(folder) }
        }
    }
}
