import Accounting
import Core
@testable import Ledger
import Testing
import TestSupport

/// Random sequences of days, reruns that change, drop and add keys, returns, abandoned and dry-run days and closed
/// periods, in two currencies, written through the path a run takes (`beginDay`, batches through `post`, `finishDay`),
/// and checked after every step against an independent model (an auditor that rebuilds every balance from what each
/// day's latest run asked for).
@Suite struct LedgerPropertyTests {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let firstDay = Day(civilYear: 2026, month: 11, day: 2)
    static let euro = Currency.iso("EUR") ?? .usd
    static let cashAccounts: [(code: String, name: String)] = [("1000-2233", "Cash USD"), ("1000-9911", "Cash EUR")]
    static func cash(_ currency: Currency) -> String { currency == .usd ? "1000-2233" : "1000-9911" }

    /// What the ledger must hold: the drafts of each day's latest run (a rerun replaces its day's), and the period closed.
    struct Model {
        var invoices: [LedgerInvoice] = []
        var days: [Day: [String: JournalEntryDraft]] = [:]
        var lastDay: Day?
        var closedThrough: Day?
        /// The keys posted so far that a return may take back, with their day.
        var receipts: [(key: String, day: Day)] = []

        var openDays: [Day] { days.keys.filter { day in closedThrough.map { day > $0 } ?? true }.sorted() }

        /// Balances per account and currency, and open amounts per invoice, rebuilt from the drafts.
        func expected() -> (balances: [String: Int64], open: [String: Int64]) {
            var balances: [String: Int64] = [:]
            var open: [String: Int64] = [:]
            for drafts in days.values {
                for draft in drafts.values {
                    for p in draft.postings {
                        balances["\(p.account) \(p.amount.currency.code)", default: 0] += p.amount.minorUnits
                        if p.account == ChartOfAccounts.accountsReceivable, let i = p.invoiceID { open[i, default: 0] += p.amount.minorUnits }
                    }
                }
            }
            return (balances.filter { $0.value != 0 }, open)
        }
    }

    /// Makes the model's drafts from the seed.
    struct Generator {
        var random: Random

        mutating func invoices(count: Int) -> [LedgerInvoice] {
            (0..<count).map { i in
                let amount = Money(minorUnits: Int64(10_000 + i * 1_000), currency: i % 3 == 2 ? LedgerPropertyTests.euro : .usd)
                return LedgerInvoice(invoiceID: "I\(i)", customerID: "C\(i % 4)", issueDay: LedgerPropertyTests.firstDay,
                                     dueDay: LedgerPropertyTests.firstDay.adding(days: 30), amount: amount, openAmount: amount, terms: "NET30", poNumber: "")
            }
        }

        func opening(_ invoice: LedgerInvoice) -> JournalEntryDraft {
            JournalEntryDraft(sourceKey: "invoice:\(invoice.invoiceID):opening", effectiveDay: LedgerPropertyTests.firstDay, memo: "open", postings: [
                Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.invoiceID, amount: invoice.amount),
                Posting(account: ChartOfAccounts.openingBalances, customerID: invoice.customerID, invoiceID: invoice.invoiceID,
                        amount: Money(minorUnits: -invoice.amount.minorUnits, currency: invoice.amount.currency)),
            ])
        }

        /// A receipt paying one invoice in its currency: cash, the invoice (and a discount) down, any rest unapplied.
        mutating func receipt(_ key: String, effectiveDay: Day, among invoices: [LedgerInvoice]) -> JournalEntryDraft {
            let invoice = invoices[random.below(invoices.count)]
            let currency = invoice.amount.currency
            func money(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: currency) }
            let cash = Int64(100 + random.below(5_000))
            let applied = Int64(random.below(Int(cash) + 1))
            let discount = Int64(random.below(50))
            var postings = [Posting(account: LedgerPropertyTests.cash(currency), amount: money(cash)),
                            Posting(account: ChartOfAccounts.accountsReceivable, customerID: invoice.customerID, invoiceID: invoice.invoiceID, amount: money(-applied - discount))]
            if discount > 0 { postings.append(Posting(account: ChartOfAccounts.discountsAllowed, customerID: invoice.customerID, invoiceID: invoice.invoiceID, amount: money(discount))) }
            if cash > applied { postings.append(Posting(account: ChartOfAccounts.unappliedCash, customerID: invoice.customerID, amount: money(applied - cash))) }
            return JournalEntryDraft(sourceKey: key, effectiveDay: effectiveDay, memo: key, postings: postings)
        }

        /// A return: the receipt's postings taken back under a key of its own, on the day of the return.
        func returned(_ original: JournalEntryDraft, on day: Day) -> JournalEntryDraft {
            JournalEntryDraft(sourceKey: "return:\(original.sourceKey)", effectiveDay: day, memo: "return", postings: original.postings.map {
                Posting(account: $0.account, customerID: $0.customerID, invoiceID: $0.invoiceID, amount: Money(minorUnits: -$0.amount.minorUnits, currency: $0.amount.currency))
            })
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func theLedgerAlwaysAgreesWithTheModel(seed: UInt64) async throws {
        print("LedgerPropertyTests seed \(seed)")
        var world = World(seed: seed, path: TestPaths.temporaryDirectory("ledger-property") + "/ledger.sqlite")
        try await world.start()
        for step in 0..<40 {
            let what = try await world.step()
            try world.check("seed \(seed) step \(step) (\(what))")
        }
        #expect(world.closes > 0 || world.abandons > 0, "seed \(seed): the sequence closed no period and abandoned no day")
    }
}

extension LedgerPropertyTests.Random: RandomNumberGenerator {}

/// The same random sequences on a PostgreSQL ledger: its day writer and reader against the same model.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLLedgerPropertyTests {
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func theLedgerAlwaysAgreesWithTheModel(seed: UInt64) async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("property"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        // Odd seeds send each batch's postings to the server a few at a time while the rest are made (a COPY open
        // across the batch), even ones at the batch's end.
        let store = try PostgreSQLLedgerStore(address: address, entity: "acme-us", copyChunkBytes: seed % 2 == 1 ? 64 : 8 << 20)
        // A second entity's books beside it, which the first one's never see.
        let other = try PostgreSQLLedgerStore(address: address, entity: "acme-ca")
        let run = try await other.beginRun(manifest: "other", firstDay: LedgerPropertyTests.firstDay, lastDay: LedgerPropertyTests.firstDay, startedAt: "t")
        try await other.beginDay(runID: run, day: LedgerPropertyTests.firstDay)
        _ = try await other.finishDay(DayCommit(runID: run, day: LedgerPropertyTests.firstDay, entries: [JournalEntryDraft(
            sourceKey: "ach:2026-11-02:0", effectiveDay: LedgerPropertyTests.firstDay, memo: "other entity", postings: [
                Posting(account: "1200", amount: Money(minorUnits: 999, currency: .usd)), Posting(account: "2100", amount: Money(minorUnits: -999, currency: .usd)),
            ])], cashAccounts: []), dryRun: false)
        var world = LedgerPropertyTests.World(seed: seed, store: store, books: { try PostgreSQLLedgerReader(address: address, entity: "acme-us") })
        try await world.start()
        for step in 0..<40 {
            let what = try await world.step()
            try world.check("seed \(seed) step \(step) (\(what))")
        }
        #expect(world.closes > 0 || world.abandons > 0, "seed \(seed): the sequence closed no period and abandoned no day")
    }
}

/// The PostgreSQL day writer refuses an entry naming what the entity does not have, naming the entry, and keeps nothing
/// of the day.
@Suite(.enabled(if: PostgreSQLTestServer.configured, Comment(rawValue: PostgreSQLTestServer.skipReason)))
struct PostgreSQLDayWriterTests {
    /// With postings held to the batch's end, and sent as they are made (the refusal then gives up a COPY under way,
    /// and the same writer goes on).
    @Test(arguments: [8 << 20, 1])
    func anEntryNamingWhatTheEntityDoesNotHaveIsRefused(copyChunkBytes: Int) async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("writer"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        let store = try PostgreSQLLedgerStore(address: address, entity: "acme-us", copyChunkBytes: copyChunkBytes)
        let day = LedgerPropertyTests.firstDay
        let invoice = LedgerInvoice(invoiceID: "INV-1", customerID: "C1", issueDay: day, dueDay: day, amount: Money(minorUnits: 500, currency: .usd),
                                    openAmount: Money(minorUnits: 500, currency: .usd), terms: "NET30", poNumber: "")
        func entry(_ key: String, _ account: String, _ invoiceID: String?) -> JournalEntryDraft {
            JournalEntryDraft(sourceKey: key, effectiveDay: day, memo: key, postings: [
                Posting(account: account, customerID: "C1", invoiceID: invoiceID, amount: Money(minorUnits: 100, currency: .usd)),
                Posting(account: "2100", customerID: "C1", amount: Money(minorUnits: -100, currency: .usd)),
            ])
        }
        for (bad, message) in [(entry("k2", "1200", "INV-404"), "entry k2 posts to invoice INV-404, which the ledger does not have"),
                               (entry("k2", "7777", nil), "entry k2 posts to account 7777, which the ledger does not have")] {
            let run = try await store.beginRun(manifest: "m", firstDay: day, lastDay: day, startedAt: "t")
            try await store.beginDay(runID: run, day: day)
            do {
                try await store.post(DayEffects(invoices: [invoice], entries: [entry("k1", "1200", "INV-1"), bad], cashAccounts: []))
                Issue.record("\(message): taken")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
            let reader = try PostgreSQLLedgerReader(address: address, entity: "acme-us")
            #expect(try reader.counts().entries == 0 && reader.invoices().isEmpty)
        }
        // The same day without the bad entry is written whole.
        let run = try await store.beginRun(manifest: "m", firstDay: day, lastDay: day, startedAt: "t")
        try await store.beginDay(runID: run, day: day)
        _ = try await store.finishDay(DayCommit(runID: run, day: day, invoices: [invoice], entries: [entry("k1", "1200", "INV-1")]), dryRun: false)
        let reader = try PostgreSQLLedgerReader(address: address, entity: "acme-us")
        #expect(try reader.counts().entries == 1 && reader.invoices().first?.openAmount.minorUnits == 100 && reader.verify().isClean)
    }

    /// A clerk decides again while a run is in flight (no lock on PostgreSQL): the run's verdict on the decision it read
    /// (not booked: reopened; its cause gone: set aside; booked) leaves the newer decision standing, for the next run.
    @Test func aDecisionMadeWhileARunIsInFlightOutlivesTheRunsVerdictOnTheOlderOne() async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("race"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        let store = try PostgreSQLLedgerStore(address: address, entity: "acme-us")
        let day = LedgerPropertyTests.firstDay
        let raised = ["EX-1", "EX-2", "EX-3"].map {
            ExceptionRow(exceptionID: $0, day: day, type: "AMBIGUOUS", severity: "review", receiptID: "R-\($0)", source: "nacha", sourceRef: "1",
                         location: "f:1", customerID: "C1", amount: Money(minorUnits: 100, currency: .usd), invoiceIDs: [], message: "m", suggestions: "")
        }
        let run = try await store.beginRun(manifest: "m", firstDay: day, lastDay: day, startedAt: "t")
        try await store.beginDay(runID: run, day: day)
        _ = try await store.finishDay(DayCommit(runID: run, day: day, exceptions: raised), dryRun: false)
        let clerks = try PostgreSQLReviewStore(address: address, entity: "acme-us")
        for id in ["EX-1", "EX-2", "EX-3"] {
            try await clerks.recordDecision(exceptionID: id, decision: .unapplied, applications: [], note: "first", by: "ana", approvedBy: "", at: "t1")
        }
        // The run reads decision 1 of each; meanwhile the clerk reopens and decides again (decision 3).
        for id in ["EX-1", "EX-2", "EX-3"] {
            try await clerks.reopenException(id: id, note: "wrong", by: "ana", at: "t2")
            try await clerks.recordDecision(exceptionID: id, decision: .refund, applications: [], note: "second", by: "ana", approvedBy: "", at: "t3")
        }
        let next = day.adding(days: 1)
        let later = try await store.beginRun(manifest: "m", firstDay: next, lastDay: next, startedAt: "t")
        try await store.beginDay(runID: later, day: next)
        var verdicts = DayEffects()
        verdicts.reopenedBySettle = [("EX-1", "not booked", 1)]
        verdicts.decisionsSettled = [("EX-2", "its cause is gone", 1)]
        verdicts.bookedReviews = [("EX-3", 1)]
        try await store.post(verdicts)
        _ = try await store.finishDay(DayCommit(runID: later, day: next), dryRun: false)
        for id in ["EX-1", "EX-2", "EX-3"] {
            let booking = try #require(try await clerks.booking(exceptionID: id))
            #expect(booking.decision == "refund" && booking.seq == 3 && booking.bookedSeq == 0, "\(id): \(booking)")
        }
        // With the decision it read still standing, the verdicts are carried out.
        try await store.beginDay(runID: later, day: next)
        var current = DayEffects()
        current.reopenedBySettle = [("EX-1", "not booked", 3)]
        current.decisionsSettled = [("EX-2", "its cause is gone", 3)]
        current.bookedReviews = [("EX-3", 3)]
        try await store.post(current)
        _ = try await store.finishDay(DayCommit(runID: later, day: next), dryRun: false)
        #expect(try await clerks.booking(exceptionID: "EX-1")?.decision == "")
        #expect(try await clerks.booking(exceptionID: "EX-2")?.decision == "")
        #expect(try await clerks.booking(exceptionID: "EX-3")?.bookedSeq == 3)
    }

    /// A writer that holds the entity's run lock refuses a day once the lock is no longer its process's.
    @Test func aWriterWhoseRunLockWentRefusesTheDay() async throws {
        let url = try #require(PostgreSQLTestServer.isolatedURL("lost-lock"))
        guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerError("not a URL") }
        var lock = try PostgreSQLRunLock(address: address, entity: "acme-us").tryLock(purpose: "run")
        let store = try PostgreSQLLedgerStore(address: address, entity: "acme-us")
        await store.expectRunLock()
        let day = LedgerPropertyTests.firstDay
        let run = try await store.beginRun(manifest: "m", firstDay: day, lastDay: day, startedAt: "t")
        try await store.beginDay(runID: run, day: day)
        await store.abandonDay()
        #expect(lock != nil)
        lock = nil
        await #expect { try await store.beginDay(runID: run, day: day) } throws: { "\($0)".contains("is no longer this run's") }
    }
}
