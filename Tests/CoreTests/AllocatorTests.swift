import Core
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// One at a time: each measures the whole process's heap or resident set, which the other moves by hundreds of MB.
@Suite(.serialized) struct AllocatorTests {
    /// The count `SETTLE_TRACE` prints follows what is allocated: 256 MB held shows, and goes when let go.
    @Test(.enabled(if: Allocator.bytesInUse() != nil, "mallinfo2 is read on x86-64 glibc only"))
    func bytesInUseFollowsALargeBlock() throws {
        Allocator.mapLargeBlocks()
        let before = try #require(Allocator.bytesInUse())
        var block: [UInt8]? = [UInt8](repeating: 1, count: 256 << 20)
        let holding = try #require(Allocator.bytesInUse())
        #expect(holding - before >= 200 << 20, "\(before) → \(holding)")
        #expect(block?.count == 256 << 20)
        block = nil
        let after = try #require(Allocator.bytesInUse())
        #expect(holding - after >= 200 << 20, "\(holding) → \(after)")
    }

    #if canImport(Glibc)
    /// Small blocks freed between blocks that live on leave whole free pages inside the heap, which glibc keeps; the
    /// returner gives them back. 15 of every 16 blocks of 4,000 bytes (about 190 MB) are freed, one of 16 kept.
    @Test(.enabled(if: Allocator.bytesInUse() != nil && Allocator.residentBytes() != nil, "glibc on x86-64 with /proc"))
    func freedPagesBetweenLiveBlocksGoBackToTheSystem() async throws {
        let returner = try #require(Allocator.startReturningFreedMemory(every: .milliseconds(50)))
        defer { returner.stop() }
        var kept: [UnsafeMutableRawPointer] = []
        var freed: [UnsafeMutableRawPointer] = []
        for _ in 0..<3_200 {
            for _ in 0..<15 {
                guard let p = malloc(4_000) else { continue }
                memset(p, 1, 4_000)
                freed.append(p)
            }
            guard let k = malloc(4_000) else { continue }
            memset(k, 2, 4_000)
            kept.append(k)
        }
        let holding = try #require(Allocator.residentBytes())
        for p in freed { free(p) }
        // The returner trims every 50 ms (400 ms while it finds nothing): within a few seconds most of what was freed
        // has left the resident set.
        var now = holding
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(50))
            now = try #require(Allocator.residentBytes())
            if holding - now >= 100 << 20 { break }
        }
        #expect(holding - now >= 100 << 20, "resident \(holding >> 20) MB with the blocks, \(now >> 20) MB after freeing 15 of 16")
        // What lives on is untouched.
        #expect(kept.allSatisfy { $0.load(as: UInt8.self) == 2 })
        for k in kept { free(k) }
    }

    /// A returner trims while it runs and not once stopped: its thread ends at once, not at its next turn.
    @Test func aStoppedReturnerStopsAtOnce() async throws {
        // Four seconds a turn: a thread that only ended at its next turn would not end within the wait below.
        let slow = try #require(Allocator.startReturningFreedMemory(every: .seconds(4)))
        try await Task.sleep(for: .milliseconds(20))
        slow.stop()
        try await waitUntil { slow.hasEnded }
        #expect(slow.hasEnded && slow.trims == 0, "a returner stopped before its first turn ended without trimming")

        let returner = try #require(Allocator.startReturningFreedMemory(every: .milliseconds(5)))
        try await waitUntil { returner.trims >= 2 }
        #expect(returner.trims >= 2 && !returner.hasEnded, "a running returner trims every turn")
        returner.stop()
        returner.stop()
        try await waitUntil { returner.hasEnded }
        let trims = returner.trims
        try await Task.sleep(for: .milliseconds(100))
        #expect(returner.hasEnded && returner.trims == trims, "no trim after the thread ended")
    }

    /// Runs at once share one returner: it starts with the first share, lives while any is held, and ends with the
    /// last; a share taken after that starts another.
    @Test func runsAtOnceShareOneReturner() async throws {
        let shares = FreedMemoryShares(every: .milliseconds(5))
        let first = try #require(shares.take())
        let second = try #require(shares.take())
        #expect(first.returner === second.returner)
        first.release()
        first.release()
        try await waitUntil { second.returner.trims >= 2 }
        #expect(!second.returner.hasEnded && second.returner.trims >= 2, "one share released, the other still holds the returner")
        second.release()
        try await waitUntil { second.returner.hasEnded }
        #expect(second.returner.hasEnded, "the last share released stops the returner")
        let third = try #require(shares.take())
        #expect(third.returner !== second.returner && !third.returner.hasEnded)
        third.release()
        try await waitUntil { third.returner.hasEnded }
        #expect(third.returner.hasEnded)
    }

    /// Polls every 10 ms for up to two seconds.
    private func waitUntil(_ condition: () -> Bool) async throws {
        var polls = 0
        while !condition(), polls < 200 {
            try await Task.sleep(for: .milliseconds(10))
            polls += 1
        }
    }
    #endif
}
