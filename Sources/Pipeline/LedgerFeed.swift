import Accounting
import Core
import Foundation
import Ledger
import Synchronization

struct LedgerFeed: Sendable {
    private enum Item: Sendable {
        case ready(DayEffects)
        case make(@Sendable () -> DayEffects)
    }

    /// Batches made and waiting for the writer, at most (measured: 2 left the writer waiting for rows made on a busy
    /// core, 100k receipts 0.3 s slower; 8 chunks of decisions are about 140 MB at 1M).
    static let lead = 8

    private let items: AsyncStream<Item>.Continuation
    /// How many batches were sent (`mark`), and how many the writer has posted.
    private let sentCount = SentCount()
    private let progress = WriterProgress()
    private let writer: Task<Duration, Error>
    private let maker: Task<Void, Never>
    private let journalist: Task<DayJournal, Error>

    /// `journal` takes the entries as the writer posts them (the writer keeps none of them).
    init(store: any LedgerDayWriter, journal: DayJournal) {
        let (itemStream, items) = AsyncStream.makeStream(of: Item.self)
        let (batches, toWriter) = AsyncStream.makeStream(of: DayEffects.self)
        let (postedStream, posted) = AsyncStream.makeStream(of: [PostedEntry].self)
        let progress = progress
        self.items = items
        writer = Task {
            defer { posted.finish() }
            do {
                var busy = Duration.zero
                let began = ContinuousClock.now
                var number = 0
                for await batch in batches {
                    let start = ContinuousClock.now
                    try await store.post(batch)
                    busy += ContinuousClock.now - start
                    if StageClock.trace {
                        // When each batch came and how long it took: where the writer waited for the stages.
                        let text = "writer: batch \(number) at \(start - began): \(batch.invoices.count) invoices, \(batch.entries.count) entries, "
                            + "\(batch.applications.count + batch.achEntries.count + batch.exceptions.count) rows, posted in \(ContinuousClock.now - start), "
                            + "RSS \((Allocator.residentBytes() ?? 0) >> 20) MB\n"
                        FileHandle.standardError.write(Data(text.utf8))
                    }
                    number += 1
                    posted.yield(await store.takePosted())
                    await progress.advance()
                }
                await progress.stop()
                return busy
            } catch {
                await progress.stop()
                throw error
            }
        }
        // Batches are made here, in order, each when the writer is at most `lead` batches behind. A writer that
        // stopped (it failed) takes nothing more: what is left is not made.
        maker = Task {
            var sent = 0
            for await item in itemStream {
                guard await progress.isWriting else { continue }
                let batch: DayEffects
                switch item {
                case let .ready(ready): batch = ready
                case let .make(make): batch = make()
                }
                await progress.wait(until: sent - LedgerFeed.lead)
                toWriter.yield(batch)
                sent += 1
            }
            toWriter.finish()
        }
        // The posted entries go into the journal on the other core while the writer goes on.
        journalist = Task {
            var journal = journal
            do {
                for await entries in postedStream { try journal.add(entries) }
            } catch {
                journal.discard()
                throw error
            }
            return journal
        }
    }

    func send(_ batch: DayEffects) {
        yield(.ready(batch))
    }

    /// Sends the batch and leaves an empty one in its place (a local batch otherwise lives to the end of the day).
    func send(taking batch: inout DayEffects) {
        yield(.ready(batch))
        batch = DayEffects()
    }

    /// Sends the batch `make` makes, made when the writer is nearly ready for it (not on the caller's task).
    func send(making make: @escaping @Sendable () -> DayEffects) {
        yield(.make(make))
    }

    private func yield(_ item: Item) {
        sentCount.count.withLock { $0 += 1 }
        items.yield(item)
    }

    /// The batches sent so far: `waitUntilPosted(_:)` returns once the writer has posted them.
    var mark: Int { sentCount.count.withLock { $0 } }

    /// Returns once the writer has posted every batch sent before `mark` was taken (or it stopped: its failure is
    /// `drain`'s to throw); throws `CancellationError` as soon as the day's task is cancelled (a stop request).
    func waitUntilPosted(_ mark: Int) async throws {
        let waiter = sentCount.nextWaiter.withLock { id in
            defer { id += 1 }
            return id
        }
        await withTaskCancellationHandler {
            await progress.wait(until: mark, waiter: waiter)
        } onCancel: {
            Task { await progress.release(waiter) }
        }
        try Task.checkCancellation()
    }

    /// Waits until every batch sent is written; throws what the writer threw.
    func drain() async throws -> Duration {
        items.finish()
        return try await writer.value
    }

    /// The journal of every entry posted through the feed (after `drain`).
    func journal() async throws -> DayJournal { try await journalist.value }

    /// Stops feeding (the day is being given up): waits for a batch in progress, ignoring its outcome; nothing of
    /// the journal stays.
    func abandon() async {
        items.finish()
        _ = try? await writer.value
        await maker.value
        (try? await journalist.value)?.discard()
    }
}

private final class SentCount: Sendable {
    let count = Mutex(0)
    /// Numbers each `waitUntilPosted`, for a cancellation to name the wait it ends.
    let nextWaiter = Mutex(0)
}

/// How many batches the writer has posted, and whether it still posts: what the maker of batches waits on.
private actor WriterProgress {
    private var count = 0
    private var stopped = false
    /// Each wait: the count it waits for, and its number if it is `waitUntilPosted`'s (see `release`).
    private var waiting: [(count: Int, waiter: Int?, continuation: CheckedContinuation<Void, Never>)] = []
    /// `waitUntilPosted`'s waits cancelled before they began.
    private var released: Set<Int> = []

    var isWriting: Bool { !stopped }

    func advance() {
        count += 1
        resume()
    }

    /// The writer finished or failed: nobody waits for it any more.
    func stop() {
        stopped = true
        resume()
    }

    /// Returns once at least `target` batches are posted (or the writer stopped); a numbered wait also when
    /// `release(waiter)` ends it (its task was cancelled), even before it began.
    func wait(until target: Int, waiter: Int? = nil) async {
        if let waiter, released.remove(waiter) != nil { return }
        if stopped || count >= target { return }
        await withCheckedContinuation { waiting.append((target, waiter, $0)) }
    }

    /// Ends the wait numbered `waiter` now, or as it begins (a wait already over leaves a number no other wait has).
    func release(_ waiter: Int) {
        guard let i = waiting.firstIndex(where: { $0.waiter == waiter }) else {
            released.insert(waiter)
            return
        }
        waiting.remove(at: i).continuation.resume()
    }

    private func resume() {
        var still: [(count: Int, waiter: Int?, continuation: CheckedContinuation<Void, Never>)] = []
        for w in waiting {
            if stopped || count >= w.count { w.continuation.resume() } else { still.append(w) }
        }
        waiting = still
    }
}

/// What a day has counted so far, for the progress line (set by the day's task, read by the observer).
