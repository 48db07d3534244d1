import Accounting
import Core
import Foundation
@testable import Ledger
@testable import Pipeline
import Synchronization
import Testing
import TestSupport

/// The feed between a day's stages and its ledger writer. A day whose writer falls behind waits, before cash
/// application, for the writer to have posted the settlement (`waitUntilPosted`): the wait must last until then, and no
/// longer than the batches before its mark.
@Suite struct LedgerFeedTests {
    /// A writer that holds the batch named `held` until the test lets it go, and notes each batch it posted, in order;
    /// or, `failing`, fails each batch.
    actor HoldingWriter: LedgerDayWriter {
        private let held: String
        private let failing: Bool
        private var gate: CheckedContinuation<Void, Never>?
        private var opened = false
        private(set) var posted: [String] = []

        init(holding held: String = "", failing: Bool = false) {
            self.held = held
            self.failing = failing
        }

        func post(_ batch: DayEffects) async throws {
            if failing { throw LedgerError("the server went away") }
            let name = batch.accountNames.first?.code ?? ""
            if name == held, !opened { await withCheckedContinuation { gate = $0 } }
            posted.append(name)
        }

        func open() {
            opened = true
            gate?.resume()
            gate = nil
        }

        var isHolding: Bool { gate != nil }

        func beginRun(manifest: String, firstDay: Day, lastDay: Day, startedAt: String) async throws -> Int64 { 1 }
        func finishRun(_ runID: Int64, status: String) async throws {}
        func beginDay(runID: Int64, day: Day) async throws {}
        func takePosted() async -> [PostedEntry] { [] }
        func finishDay(_ day: DayCommit, dryRun: Bool) async throws -> CommitOutcome { CommitOutcome() }
        func abandonDay() async {}
        func checkpoint(truncate: Bool) async throws {}
    }

    static func batch(_ name: String) -> DayEffects { DayEffects(accountNames: [(code: name, name: name, type: "asset")]) }

    @Test(.timeLimit(.minutes(1))) func aMarkIsReachedOnceTheWriterPostedEveryBatchSentBeforeIt() async throws {
        let writer = HoldingWriter(holding: "settlement")
        let feed = LedgerFeed(store: writer, journal: try DayJournal(folder: TestPaths.temporaryDirectory("ledger-feed")))
        #expect(feed.mark == 0)
        try await feed.waitUntilPosted(feed.mark) // nothing sent: nothing to wait for
        feed.send(Self.batch("openings"))
        feed.send(Self.batch("settlement"))
        let mark = feed.mark
        #expect(mark == 2)
        // Made later, as the writer is ready for them: the wait does not include them.
        for n in 0..<3 { feed.send(making: { Self.batch("ach \(n)") }) }
        #expect(feed.mark == 5)

        let reached = Task { () -> [String] in
            try await feed.waitUntilPosted(mark)
            return await writer.posted
        }
        // The writer holds the settlement: the wait goes on, however long that takes.
        while await !writer.isHolding { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(await writer.posted == ["openings"])
        await writer.open()
        let postedWhenReached = try await reached.value
        #expect(Array(postedWhenReached.prefix(2)) == ["openings", "settlement"])

        _ = try await feed.drain()
        _ = try await feed.journal()
        #expect(await writer.posted == ["openings", "settlement", "ach 0", "ach 1", "ach 2"])
    }

    /// A writer that failed posts nothing more: a wait for a mark it will never reach returns rather than hanging the day
    /// (the failure is `drain`'s to throw).
    @Test func aWaitEndsWhenTheWriterFails() async throws {
        let feed = LedgerFeed(store: HoldingWriter(failing: true), journal: try DayJournal(folder: TestPaths.temporaryDirectory("ledger-feed-failing")))
        feed.send(Self.batch("openings"))
        feed.send(Self.batch("settlement"))
        try await feed.waitUntilPosted(feed.mark)
        await #expect(throws: LedgerError.self) { _ = try await feed.drain() }
        await feed.abandon()
    }

    /// A stop request (the day's task cancelled) ends the wait at once, though the writer is still on the batch.
    @Test(.timeLimit(.minutes(1))) func aCancelledWaitEndsWhileTheWriterIsStillOnTheBatch() async throws {
        let writer = HoldingWriter(holding: "settlement")
        let feed = LedgerFeed(store: writer, journal: try DayJournal(folder: TestPaths.temporaryDirectory("ledger-feed-cancel")))
        feed.send(Self.batch("settlement"))
        let mark = feed.mark
        let waiting = Task { try await feed.waitUntilPosted(mark) }
        while await !writer.isHolding { try await Task.sleep(for: .milliseconds(5)) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(await writer.posted.isEmpty)
        // Cancelled before it began: it does not wait at all.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await feed.waitUntilPosted(mark)
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        await writer.open()
        await feed.abandon()
    }
}

/// The day's ACH row chunks as a writer that falls behind is given them while the settlement is worked out: each once,
/// in order, whoever takes them; the settlement's caller takes what is left when it closes the queue.
@Suite struct ACHChunkQueueTests {
    private func chunks(_ count: Int) -> [DayRun.ACHRowChunk] {
        (0..<count).map { i in
            var chunk = DayRun.ACHRowChunk()
            chunk.plan = [Int32(i)]
            return chunk
        }
    }

    @Test func chunksGoOutOnceInOrderAndTheCloserTakesTheRest() {
        let queue = ACHChunkQueue(chunks(5))
        #expect(queue.count == 5)
        #expect(queue.next()?.plan == [0])
        #expect(queue.next()?.plan == [1])
        #expect(queue.close().map(\.plan) == [[2], [3], [4]])
        #expect(queue.next() == nil)
        #expect(queue.close().isEmpty)
    }

    @Test func aQueueTakenToTheEndLeavesTheCloserNothing() {
        let queue = ACHChunkQueue(chunks(2))
        #expect(queue.next()?.plan == [0])
        #expect(queue.next()?.plan == [1])
        #expect(queue.next() == nil)
        #expect(queue.close().isEmpty)
    }

    /// Two takers at once, and a close while they take: every chunk goes to exactly one of the three, and what the
    /// closer gets all comes after what they took (the settlement goes between).
    @Test func takersAtOnceShareEveryChunkOnceAndTheCloserGetsTheLast() async throws {
        let queue = ACHChunkQueue(chunks(200_000))
        let taken = Atomic<Int>(0)
        let taker: @Sendable () -> [Int32] = {
            var got: [Int32] = []
            while let c = queue.next() {
                got += c.plan
                taken.add(1, ordering: .relaxed)
            }
            return got
        }
        let first = Task.detached { taker() }
        let second = Task.detached { taker() }
        // Closed once both may be taking (a close before either started would test nothing).
        let deadline = ContinuousClock.now + .seconds(60)
        while taken.load(ordering: .relaxed) < 1_000, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        let closed = queue.close().flatMap(\.plan)
        let (a, b) = await (first.value, second.value)
        #expect(a.count + b.count >= 1_000)
        #expect(a == a.sorted() && b == b.sorted())
        #expect((a + b + closed).sorted() == (0..<200_000).map { Int32($0) })
        #expect(closed == closed.sorted())
        if let firstClosed = closed.first { #expect((a + b).allSatisfy { $0 < firstClosed }) }
    }
}
