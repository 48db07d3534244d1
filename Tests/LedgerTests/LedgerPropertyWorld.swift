import Accounting
import Core
@testable import Ledger
import Testing

extension LedgerPropertyTests {
    /// A ledger, its model, and the steps that change both: each step writes through the production path and records
    /// in the model what the ledger must now hold.
    struct World {
        typealias T = LedgerPropertyTests
        var generator: Generator
        var model = Model()
        let store: any LedgerDayWriter & PeriodStore
        /// The ledger's books as they stand, through the backend's own reader.
        let books: () throws -> any PropertyBooks
        var run: Int64 = 0
        var closes = 0
        var abandons = 0
        /// The run that closed the period last, and the books as of its last day then: no later run changes them.
        var closedAt: (run: Int64, balances: [String: Int64])?

        init(seed: UInt64, path: String) {
            generator = Generator(random: Random(state: seed))
            // A store that cannot be opened fails the first step that uses it.
            store = (try? SQLiteLedgerStore(path: path)) ?? { preconditionFailure("cannot open \(path)") }()
            books = { try SQLiteLedgerReader(path: path) }
        }

        init(seed: UInt64, store: any LedgerDayWriter & PeriodStore, books: @escaping () throws -> any PropertyBooks) {
            generator = Generator(random: Random(state: seed))
            self.store = store
            self.books = books
        }

        /// The first day: the invoices and their openings, and a few receipts.
        mutating func start() async throws {
            model.invoices = generator.invoices(count: 12)
            var drafts = model.invoices.map(generator.opening)
            drafts += newReceipts(on: T.firstDay, count: 4)
            try await runDay(T.firstDay, drafts)
        }

        mutating func step() async throws -> String {
            switch generator.random.below(9) {
            case 0, 1:
                try await newDay()
                return "a new day"
            case 2, 3:
                try await rerunWithChanges()
                return "a rerun that changes, drops and adds keys"
            case 4:
                try await identicalRerun()
                return "the same rerun"
            case 5:
                try await returnAReceipt()
                return "a return"
            case 6:
                try await abandonADay()
                return "an abandoned or dry-run day"
            case 7:
                try await closeAPeriod()
                return "a closed period"
            default:
                try await newDay()
                return "a new day"
            }
        }

        // MARK: - Steps

        mutating func newReceipts(on day: Day, count: Int) -> [JournalEntryDraft] {
            (0..<count).map { _ in
                let key = "ach:\(day):\(model.receipts.count)"
                // Now and then a line that belongs to an earlier day (a late statement line): in a closed period, the
                // store books it on the first open day.
                let effective = generator.random.below(4) == 0 ? day.adding(days: -2) : day
                model.receipts.append((key, day))
                return generator.receipt(key, effectiveDay: effective, among: model.invoices)
            }
        }

        mutating func newDay() async throws {
            let day = (model.lastDay ?? T.firstDay).adding(days: 1)
            try await runDay(day, newReceipts(on: day, count: 1 + generator.random.below(6)))
        }

        /// A rerun of an open day after a rule change: some of its receipts dropped (reversed), some decided anew
        /// (reversal and replacement), some new.
        mutating func rerunWithChanges() async throws {
            let open = model.openDays
            guard !open.isEmpty else { return try await newDay() }
            let day = open[generator.random.below(open.count)]
            var drafts = model.days[day] ?? [:]
            for key in drafts.keys.sorted() where !key.hasPrefix("invoice:") {
                switch generator.random.below(4) {
                case 0: drafts[key] = nil
                case 1: drafts[key] = generator.receipt(key, effectiveDay: drafts[key]?.effectiveDay ?? day, among: model.invoices)
                default: break
                }
            }
            for draft in newReceipts(on: day, count: generator.random.below(3)) { drafts[draft.sourceKey] = draft }
            try await runDay(day, Array(drafts.values))
        }

        /// The same day run again with the same drafts posts nothing.
        mutating func identicalRerun() async throws {
            let open = model.openDays
            guard let day = open.isEmpty ? nil : open[generator.random.below(open.count)], let drafts = model.days[day] else { return try await newDay() }
            let posted = try await runDay(day, Array(drafts.values))
            #expect(posted == 0, "an identical rerun of \(day) posted \(posted) entries")
        }

        /// A receipt of an earlier day returned on a new day (one not returned already: a key is one day's at a time).
        mutating func returnAReceipt() async throws {
            let returned = Set(model.days.values.flatMap(\.keys).filter { $0.hasPrefix("return:") })
            let posted = model.receipts.filter { r in model.days[r.day]?[r.key] != nil && !returned.contains("return:" + r.key) }
            guard let receipt = posted.randomElement(using: &generator.random), let original = model.days[receipt.day]?[receipt.key] else { return try await newDay() }
            let day = (model.lastDay ?? T.firstDay).adding(days: 1)
            try await runDay(day, [generator.returned(original, on: day)] + newReceipts(on: day, count: generator.random.below(2)))
        }

        /// A day begun and posted in part, then abandoned (or finished as a dry run): nothing of it stays.
        mutating func abandonADay() async throws {
            abandons += 1
            let open = model.openDays
            let day = generator.random.below(2) == 0 || open.isEmpty ? (model.lastDay ?? T.firstDay).adding(days: 1) : open[generator.random.below(open.count)]
            let receipts = model.receipts
            let drafts = newReceipts(on: day, count: 1 + generator.random.below(4))
            model.receipts = receipts
            run = try await store.beginRun(manifest: "property", firstDay: day, lastDay: day, startedAt: "abandoned")
            try await store.beginDay(runID: run, day: day)
            try await store.post(DayEffects(entries: drafts, cashAccounts: T.cashAccounts))
            if generator.random.below(2) == 0 {
                await store.abandonDay()
            } else {
                _ = try await store.finishDay(DayCommit(runID: run, day: day), dryRun: true)
            }
        }

        /// Closes the period through a day already run: later runs change nothing of the books as of that day.
        mutating func closeAPeriod() async throws {
            guard let last = model.lastDay else { return try await newDay() }
            let from = model.closedThrough.map { $0.adding(days: 1) } ?? T.firstDay
            guard from <= last else { return try await newDay() }
            let through = from.adding(days: generator.random.below(last.days(since: from) + 1))
            try await store.closePeriod(through: through, note: "month end", by: "property test", at: "now")
            await #expect(throws: LedgerError.self) { try await store.closePeriod(through: through, note: "again", by: "property test", at: "now") }
            model.closedThrough = through
            closes += 1
            let balances = try books().balances(asOf: through)
            closedAt = (run, Dictionary(balances.map { ("\($0.account) \($0.balance.currency.code)", $0.balance.minorUnits) }, uniquingKeysWith: +))
        }

        /// Runs a day through the production write path: begin, the drafts in batches of random sizes (the posted
        /// entries taken now and then, as a run's journal does), finish. Returns how many entries it posted.
        @discardableResult
        mutating func runDay(_ day: Day, _ unordered: [JournalEntryDraft]) async throws -> Int {
            let drafts = unordered.sorted { $0.sourceKey < $1.sourceKey }
            run = try await store.beginRun(manifest: "property", firstDay: day, lastDay: day, startedAt: "run")
            try await store.beginDay(runID: run, day: day)
            var posted = 0
            var rest = drafts[...]
            repeat {
                let count = min(rest.count, 1 + generator.random.below(8))
                let first = rest.startIndex == drafts.startIndex
                try await store.post(DayEffects(invoices: first && day == T.firstDay ? model.invoices : [], entries: Array(rest.prefix(count)),
                                                 cashAccounts: first ? T.cashAccounts : []))
                rest = rest.dropFirst(count)
                if generator.random.below(2) == 0 { posted += await store.takePosted().count }
            } while !rest.isEmpty
            posted += try await store.finishDay(DayCommit(runID: run, day: day), dryRun: false).posted.count
            model.days[day] = Dictionary(drafts.map { ($0.sourceKey, $0) }, uniquingKeysWith: { a, _ in a })
            if day > (model.lastDay ?? day) || model.lastDay == nil { model.lastDay = day }
            return posted
        }
    }
}

extension LedgerPropertyTests.World {
    /// The ledger against the model: what `verify` finds, the trial balance of each currency, every balance and open
    /// amount, and the closed period untouched since it closed.
    func check(_ label: String) throws {
        let reader = try books()
        let (balances, open) = model.expected()
        var report = try reader.verify()
        // The model does not keep open amounts on their document's side (a return of a receipt decided anew since,
        // receipts paying past what is open): verify names exactly the invoices it takes past them, and else finds
        // the ledger clean.
        let pastTheirSign = model.invoices.filter { !(0...$0.amount.minorUnits).contains(open[$0.invoiceID] ?? 0) }.map(\.invoiceID).sorted()
        #expect(report.openAmountsPastTheirSign.map(\.invoiceID) == pastTheirSign, "\(label)")
        report.openAmountsPastTheirSign = []
        #expect(report.isClean, "\(label): \(report)")
        #expect(Set(report.trialBalance.keys) == ["USD", "EUR"] && report.trialBalance.values.allSatisfy { $0 == 0 }, "\(label): \(report.trialBalance)")
        var actual: [String: Int64] = [:]
        for b in try reader.balances(asOf: nil) { actual["\(b.account) \(b.balance.currency.code)", default: 0] += b.balance.minorUnits }
        #expect(actual.filter { $0.value != 0 } == balances, "\(label)")
        for invoice in try reader.invoices() {
            #expect(invoice.openAmount.minorUnits == open[invoice.invoiceID] ?? 0, "\(label) \(invoice.invoiceID)")
        }
        if let closed = model.closedThrough, let closedAt {
            // Nothing posted since the close is effective in the closed period: what belongs there went to its first open day.
            let intoClosed = try reader.entries(runID: nil, from: nil, to: closed, limit: nil).filter { $0.runID > closedAt.run }
            #expect(intoClosed.isEmpty, "\(label): \(intoClosed.map { "\($0.sourceKey) \($0.effectiveDay)" })")
            var asOf: [String: Int64] = [:]
            for b in try reader.balances(asOf: closed) { asOf["\(b.account) \(b.balance.currency.code)", default: 0] += b.balance.minorUnits }
            #expect(asOf == closedAt.balances, "\(label): the books as of \(closed) changed after it closed")
        }
    }
}

/// What the property test reads of a ledger, on either backend.
protocol PropertyBooks {
    func verify() throws -> VerificationReport
    func balances(asOf: Day?) throws -> [AccountBalance]
    func invoices() throws -> [LedgerInvoice]
    func entries(runID: Int64?, from: Day?, to: Day?, limit: Int?) throws -> [PostedEntry]
}

extension SQLiteLedgerReader: PropertyBooks {
    func balances(asOf: Day?) throws -> [AccountBalance] { try balances(account: nil, customer: nil, asOf: asOf, byCustomer: false) }
}

extension PostgreSQLLedgerReader: PropertyBooks {
    func balances(asOf: Day?) throws -> [AccountBalance] { try balances(account: nil, customer: nil, asOf: asOf, byCustomer: false) }
}
