import Accounting
import Core
import Foundation
import Ledger

struct LedgerFeed: Sendable {
    private enum Item: Sendable {
        case ready(DayEffects)
        case make(@Sendable () -> DayEffects)
    }

    /// Batches made and waiting for the writer, at most (measured: 2 left the writer waiting for rows made on a busy
    /// core, 100k receipts 0.3 s slower; 8 chunks of decisions are about 140 MB at 1M).
    static let lead = 8

    private let items: AsyncStream<Item>.Continuation
    private let writer: Task<Duration, Error>
    private let maker: Task<Void, Never>
    private let journalist: Task<DayJournal, Error>

    /// `journal` takes the entries as the writer posts them (the writer keeps none of them).
    init(store: any LedgerDayWriter, journal: DayJournal) {
        let (itemStream, items) = AsyncStream.makeStream(of: Item.self)
        let (batches, toWriter) = AsyncStream.makeStream(of: DayEffects.self)
        let (postedStream, posted) = AsyncStream.makeStream(of: [PostedEntry].self)
        let progress = WriterProgress()
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
        items.yield(.ready(batch))
    }

    /// Sends the batch and leaves an empty one in its place (a local batch otherwise lives to the end of the day).
    func send(taking batch: inout DayEffects) {
        items.yield(.ready(batch))
        batch = DayEffects()
    }

    /// Sends the batch `make` makes, made when the writer is nearly ready for it (not on the caller's task).
    func send(making make: @escaping @Sendable () -> DayEffects) {
        items.yield(.make(make))
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

/// How many batches the writer has posted, and whether it still posts: what the maker of batches waits on.
private actor WriterProgress {
    private var count = 0
    private var stopped = false
    private var waiting: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

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

    /// Returns once at least `target` batches are posted (or the writer stopped).
    func wait(until target: Int) async {
        if stopped || count >= target { return }
        await withCheckedContinuation { waiting.append((target, $0)) }
    }

    private func resume() {
        var still: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        for w in waiting {
            if stopped || count >= w.count { w.continuation.resume() } else { still.append(w) }
        }
        waiting = still
    }
}

/// What a day has counted so far, for the progress line (set by the day's task, read by the observer).
