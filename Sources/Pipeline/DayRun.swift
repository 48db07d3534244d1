import Accounting
import ACH
import Core
import Foundation
import Ledger
import Matching
import Receivables
import Reports
import Statements

/// One day of a run, stage by stage.
struct DayRun {
    let manifest: Manifest
    /// The ledger's writer: the day is one transaction on it, written in batches as the stages produce them.
    let store: any LedgerDayWriter
    /// The ledger as its last commit left it: every read of the day's stages (the state before the day).
    let view: any LedgerReading
    let runID: Int64
    let day: Day
    let customers: [Customer]
    let invoices: MasterInvoices
    /// The last day of the run: it takes the master data's invoices (nothing after it needs them).
    var isLastDay = false
    let options: RunOptions

    struct PlannedFile: Sendable {
        var source: Manifest.Source
        var path: String
    }

    /// The day, stage by stage: each stage a method with a typed result. The ledger is written in one transaction,
    /// fed as results come (the day's new invoices first, while the files are read and matched), so the writer and
    /// the stages overlap; the day commits at the end, or nothing of it does.
    func run(prepared: consuming Prepared? = nil) async throws -> DayOutcome {
        // The day's journal is written as the writer posts: its folder is made first (and removed again, if empty,
        // when the day does not commit).
        let folder = outputFolder
        let madeFolder = !FileManager.default.fileExists(atPath: folder)
        try PrivateFiles.makeFolder(folder)
        let journal: DayJournal
        do {
            journal = try DayJournal(folder: folder)
            try await store.beginDay(runID: runID, day: day)
        } catch {
            if madeFolder { rmdir(folder) }
            throw error
        }
        let feed = LedgerFeed(store: store, journal: journal)
        let staging = ArchiveStaging()
        do {
            return try await run(feeding: feed, staging: staging, prepared: prepared)
        } catch {
            await feed.abandon()
            await store.abandonDay()
            await staging.discard()
            if madeFolder { rmdir(folder) }
            throw error
        }
    }

    /// Receipts' decisions to a batch of entries (and of application rows), and invoices to a batch of ledger rows:
    /// what the writer takes at a time, the feed making at most `LedgerFeed.lead` of them ahead of it.
    static let decisionChunk = 16_384
    static let invoiceChunk = 32_768
    /// ACH entry rows to a batch: made ahead of the writer (`LedgerFeed.lead` batches) while cash application
    /// builds its decisions, so kept small (8 batches of 32,768 rows were 54 MB through that peak).
    static let achRowChunk = 8_192

    /// `OUTPUT/<date>/` (a dry run's: `OUTPUT/<date>.dry-run/`).
    var outputFolder: String { "\(manifest.output)/\(day)" + (options.dryRun ? ".dry-run" : "") }

    /// The day as a driver sees it: its open items, its files taken and read, settled against the statements, cash
    /// applied, what it posts sent to the writer, committed, then reported and archived. Each stage hands the next a
    /// typed value; the ledger is written in one transaction, fed as the stages go.
    private func run(feeding feed: LedgerFeed, staging: ArchiveStaging, prepared: consuming Prepared?) async throws -> DayOutcome {
        let counts = ProgressCounts()
        var clock = stageClock(counts)
        try Task.checkCancellation()
        var opened = try await open(feeding: feed)
        clock.lap("open-items")
        try Task.checkCancellation()
        var taken = try await take(prepared.take(), openItems: opened.openItems, counts: counts, clock: &clock)
        clock.lap("normalize")
        try Task.checkCancellation()
        let settled = try await settle(&taken, feeding: feed)
        clock.lap("settlement")
        let applied = try await apply(&taken, settled: settled, opened: &opened, feeding: feed, counts: counts, clock: &clock)
        clock.lap("cash-application")
        let exceptions = try await post(applied, taken: &taken, settled: settled, opened: opened, feeding: feed)
        let history = try paymentHistory(applied, opened: opened)
        sendExceptions(exceptions, of: applied.cash.decisions, feeding: feed)
        // The inputs are compressed for the archive now, while the writer posts what was sent (the stages before it
        // are the writer's critical path; what follows mostly waits for it). They are placed once the day commits.
        let copies = options.dryRun ? [] : taken.intake.archiveCopies
        staging.start(copies)
        // The day's journal as it stands after this commit is what earlier runs of the day posted and what this one posts.
        let earlierJournal = try await view.entries(ofDay: day)
        clock.lap("prepare-commit")
        try await waitBeforeCommit()
        // The reports of matching do not wait for the ledger: made while the writer drains (written once the day commits).
        var matching = try matchingReport(applied, exceptions: exceptions)
        let committed = try await commit(feeding: feed, matching: &matching, opened: opened, taken: taken, applied: applied, settled: settled,
                                         earlier: earlierJournal, clock: &clock)
        return try await finish(committed, matching: matching, earlier: earlierJournal, history: history, taken: taken, settled: settled, applied: applied,
                                copies: copies, staging: staging, clock: &clock)
    }

    /// The day's stage clock, telling the run's observer (the progress line) each lap with what the day has counted.
    func stageClock(_ counts: ProgressCounts) -> StageClock {
        var clock = StageClock()
        if let observe = options.observe {
            let day = day
            clock.observe = { stage, duration in
                observe(StageEvent(day: day, stage: stage, duration: duration, files: counts.files, receipts: counts.receipts))
            }
        }
        return clock
    }

    /// Fault injection for scripts/signal-test.sh (`SETTLE_FAULT_PAUSE_BEFORE_COMMIT=SECONDS` waits here, the day's
    /// transaction open, so a signal lands inside a day) and the tests' hook; then the last moment a stop request is
    /// heard: after this the day commits whole.
    func waitBeforeCommit() async throws {
        if let pause = FaultInjection.pauseBeforeCommitSeconds, day == options.days.last {
            try await Task.sleep(for: .milliseconds(Int64(pause * 1000)))
        }
        if let beforeCommit = options.beforeCommit { await beforeCommit(day) }
        try Task.checkCancellation()
    }

    func runLog(outcome: CommitOutcome, posted: Summary.LedgerCounts, files: Int, rejected: Int, exceptions: Int, skipped: [SkippedLine],
                timings: [(String, Duration)]) -> String {
        var lines = ["settle run \(runID) of \(day) (\(manifest.name)), written \(Timestamp.now())",
                     "files \(files), rejected \(rejected); entries posted \(posted.entries), unchanged \(outcome.unchangedCount), "
                     + "reversals \(posted.reversals), new invoices \(outcome.newInvoiceCount); exceptions \(exceptions)"]
        // Every booked statement line not posted, with where it is and the key it matched: none is dropped silently.
        for line in skipped { lines.append("statement line not posted: \(line.description)") }
        for tie in outcome.bankTies {
            lines.append("bank \(tie.check.displayAccount) (\(tie.check.cashAccount)) \(tie.check.statementDay): statement closing \(tie.check.closing), books \(tie.book)"
                         + (tie.ties ? ", tied" : ", DIFFERENCE \((try? tie.difference).map { Money(minorUnits: $0, currency: tie.check.closing.currency).description } ?? "past 64 bits")"))
        }
        for (stage, duration) in timings {
            let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
            lines.append("stage \(stage) \(ms) ms")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Receipts and exceptions of the last 30 run days (their summary.json files in the output folder), this day last.
    func trend(summary: JSONValue) -> [DayReport.TrendDay] {
        var days: [DayReport.TrendDay] = []
        var d = day.adding(days: -1)
        var looked = 0
        while days.count < 29 && looked < 120 {
            looked += 1
            let path = "\(manifest.output)/\(d)/summary.json"
            if let data = FileManager.default.contents(atPath: path), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                let receipts = (object["cash_application"] as? [String: Any])?["receipts"] as? Int ?? 0
                let exceptions = (object["exceptions"] as? [String: Any])?["total"] as? Int ?? 0
                days.append(DayReport.TrendDay(day: d.description, receipts: receipts, exceptions: exceptions))
            }
            d = d.adding(days: -1)
        }
        days.reverse()
        days.append(DayReport.TrendDay(day: day.description, receipts: Int(summary["cash_application", "receipts"]?.text ?? "") ?? 0,
                                       exceptions: Int(summary["exceptions", "total"]?.text ?? "") ?? 0))
        return days
    }

    /// What reviewers' decisions this run books (`review:<exception id>`, effective on this day), in exception order:
    /// their entries and application rows, each checked again against the books as they stand after the day's own cash
    /// application (`ReviewEntries.booking`): one the books no longer allow is not booked and its exception opens again,
    /// with the reason; one whose cause went away is not booked and settle resolves it.
    struct ReviewBookings {
        var drafts: [JournalEntryDraft] = []
        var rows: [ApplicationRow] = []
        var booked: [(exceptionID: String, seq: Int64)] = []
        /// Each with the number of the decision the run read (a database's clerks may decide again while a run is in
        /// flight: a newer decision is not undone by the run's verdict on the older one).
        var reopened: [(exceptionID: String, note: String, seq: Int64)] = []
        var settled: [(exceptionID: String, note: String, seq: Int64)] = []
        var batchesClosed: [(batchKey: String, by: String)] = []
        var batchesReopened: [(batchKey: String, by: String)] = []
        /// Exceptions linked to a decision booked (a batch's receipts, the line that settled it), resolved with it.
        var together: [(exceptionID: String, note: String)] = []
    }

    func reviewBookings(after cash: Cash, openBefore invoices: [Invoice], settledToday: Set<String>) async throws -> ReviewBookings {
        var out = ReviewBookings()
        let bookings = try await view.reviewsToBook(runDay: day)
        // The batches raised as unsettled, by their exception's id (a batch's decision closes it).
        var batches = bookings.isEmpty ? BatchBook() : try await batchBook(settledToday: settledToday)
        let named = Set(bookings.flatMap { $0.applications.map(\.invoiceID) })
        let paidToday = DayRun.paid(cash, invoices: named)
        // Open amounts as they stood before the day (as matching saw them; a rerun's own earlier postings left out).
        var openBefore: [String: Money] = [:]
        if !named.isEmpty { for i in invoices where named.contains(i.id) { openBefore[i.id] = i.openAmount } }
        for booking in bookings {
            var owners: [String: String] = [:]
            var open: [String: Money] = [:]
            for a in booking.applications {
                if let invoice = try await view.invoice(id: a.invoiceID) {
                    owners[a.invoiceID] = invoice.customerID
                    open[a.invoiceID] = openBefore[a.invoiceID] ?? invoice.openAmount
                }
            }
            let kind = ReviewDecisionKind(rawValue: booking.decision)
            let unapplied = kind == .refund || kind == .apply ? try await view.unappliedCash(receiptID: booking.receiptID, day: booking.day) : 0
            let empty = JournalEntryDraft(sourceKey: "review:\(booking.exceptionID)", effectiveDay: day, memo: "Review of \(booking.exceptionID) not booked", postings: [])
            let returnedOn = !booking.bookedBefore && (kind == .apply || kind == .refund)
                ? try await view.returnDay(receiptID: booking.receiptID, day: booking.day) : nil
            let batch = try await batchFacts(booking, kind: kind, book: batches, cash: cash)
            let moved = ReviewEntries.standing(batch.rows)
            for invoice in moved.compactMap(\.invoiceID) where owners[invoice] == nil { owners[invoice] = try await view.invoice(id: invoice)?.customerID }
            let decided = ReviewEntries.booking(booking, open: open, paidToday: paidToday, unapplied: unapplied, on: day, returnedOn: returnedOn,
                                                batchUnsettled: batches.waits(booking.exceptionID, on: day), batch: batch)
            if case .book = decided { try await linkedOnBooking(booking, kind: kind, book: &batches, into: &out) }
            switch decided {
            case let .refused(reason):
                out.drafts.append(empty)
                out.reopened.append((booking.exceptionID, "not booked by the run of \(day): \(reason); decide again", booking.seq))
            case let .settled(note):
                out.drafts.append(empty)
                out.settled.append((booking.exceptionID, note, booking.seq))
            case let .book(checked):
                out.drafts.append(ReviewEntries.entry(for: checked, invoiceCustomers: owners, unapplied: unapplied, on: day, moved: moved))
                out.rows += try ReviewEntries.applicationRows(for: checked, invoiceCustomers: owners, unapplied: unapplied, on: day, moved: moved)
                out.booked.append((booking.exceptionID, booking.seq))
            }
        }
        return out
    }

    /// What the day's cash application took off each of `invoices` (cash, discount and write-off), held cash applied
    /// again included.
    static func paid(_ cash: Cash, invoices: Set<String>) -> [String: Int64] {
        guard !invoices.isEmpty else { return [:] }
        var out: [String: Int64] = [:]
        for d in cash.decisions {
            for a in d.applications where invoices.contains(a.invoiceID) {
                out[a.invoiceID, default: 0] &+= a.applied.minorUnits &+ a.discount.minorUnits &+ a.writeOff.minorUnits
            }
        }
        for r in cash.reapplied {
            for a in r.applications where invoices.contains(a.invoiceID) { out[a.invoiceID, default: 0] &+= a.amount.minorUnits }
        }
        return out
    }

    /// One exception per id: a rule may raise the same thing twice (the same unknown payer on two lines of one file).
    static func uniqueExceptions(_ list: [MatchException]) -> [MatchException] {
        var seen = Set<String>()
        return list.filter { seen.insert($0.id).inserted }
    }

    func ingestAll(_ planned: [PlannedFile]) async -> [IngestedInput] {
        let currency = manifest.currency
        let manifestFolder = URL(fileURLWithPath: manifest.path).deletingLastPathComponent().standardized.path
        return await withTaskGroup(of: (Int, IngestedInput).self) { group in
            var results = [IngestedInput?](repeating: nil, count: planned.count)
            var next = 0
            func add(_ group: inout TaskGroup<(Int, IngestedInput)>) {
                let index = next
                let file = planned[index]
                next += 1
                let display = RelativePath.make(file.path, from: manifestFolder)
                group.addTask {
                    var input = await Ingest.readConcurrently(path: file.path, displayPath: display, format: file.source.format, role: file.source.role,
                                                              account: file.source.account, strict: file.source.strict, currency: currency, profile: file.source.profile,
                                                              achDay: day)
                    input.sourceKey = file.source.key
                    return (index, input)
                }
            }
            while next < planned.count && next < options.concurrency { add(&group) }
            while let (index, input) = await group.next() {
                results[index] = input
                if next < planned.count { add(&group) }
            }
            return results.compactMap { $0 }
        }
    }

    func rejectedBatchException(_ batch: Batch, of input: IngestedInput) -> MatchException {
        let errors = input.diagnostics.filter { $0.severity >= .error && $0.location.line >= batch.header.location.line && $0.location.line <= (batch.control?.location.line ?? Int.max) }
        return MatchException(type: .invalidInput, severity: .error, about: "batch:\(input.sha256):\(batch.header.batchNumber)", discriminator: day.description,
                              source: "nacha", sourceRef: String(batch.header.batchNumber), location: errors.first?.location ?? batch.header.location,
                              amount: Money(minorUnits: batch.totalCreditCents - batch.totalDebitCents, currency: manifest.currency),
                              message: "batch \(batch.header.batchNumber) of \(input.name) (\(batch.header.companyName)) was rejected: " + errors.prefix(3).map(\.description).joined(separator: "; "),
                              suggestions: "ask the originator for a corrected batch; the rest of the file was processed")
    }

    /// Receipts of the day's ACH payments: entries taken on an earlier day (a re-sent file) are `DUPLICATE`s, and an
    /// entry an older ledger posted under its legacy key keeps that key.
    func achReceipts(_ reading: ACHReading) async throws -> (receipts: [Receipt], exceptions: [MatchException], duplicates: Set<String>, sourceKeys: [String: String]) {
        let effectiveDays = Set(reading.entries.map(\.effectiveDay))
        let seen = try await view.achEntriesSeen(effectiveDays: effectiveDays, before: day)
        var legacy = Set<String>()
        // Legacy keys are `ach:<file sha-256>:<batch>:<trace>`: one range look-up per file.
        let legacyPrefixes = Set(reading.entries.map(\.fileSHA)).map { "ach:\($0):" }
        for prefix in legacyPrefixes.sorted() {
            legacy.formUnion(try await view.postedSourceKeys(prefix: prefix))
        }
        let made = reading.receipts(day: day, seenBefore: seen, legacyPosted: legacy)
        var keys: [String: String] = [:]
        // Only the keys that differ are kept (an entry's key is its own unless an older ledger posted it under its legacy key).
        if !legacy.isEmpty {
            for fact in reading.entries where legacy.contains(fact.legacyKey) { keys[fact.key] = fact.legacyKey }
        }
        return (made.receipts, made.exceptions, made.duplicates, keys)
    }

    /// The day's statement lines keyed by content, each under the key an older ledger posted it under where it did, and
    /// those posted on an earlier day listed, not taken (the rules: `StatementReceipts.resolved`). One look-up for all the
    /// day's keys and the older keys each line may be known by, then each older key's entry read once.
    func statementKeys(_ lines: [StatementLine], fileSHA: [String: String]) async throws -> (lines: [KeyedLine], skipped: [SkippedLine]) {
        let placeholders = manifest.placeholderReferences
        let keyed = StatementReceipts.keyed(lines, placeholders: placeholders)
        var asked = keyed.lines.map(\.key)
        for item in keyed.lines {
            if let key = StatementReceipts.fileLineKey(item, fileSHA: fileSHA) { asked.append(key) }
            asked += StatementReceipts.legacyKeys(item)
        }
        let posted = try await view.postedDays(sourceKeys: asked)
        // The cash entries of older keys a line not posted under its own key may be known by (none on a ledger without them).
        var entries: [String: (effectiveDay: Day, cash: Int64)] = [:]
        for item in keyed.lines where posted[item.key] == nil {
            for key in StatementReceipts.legacyKeys(item) where posted[key] != nil && entries[key] == nil {
                if let entry = try await view.cashEntry(sourceKey: key) { entries[key] = entry }
            }
        }
        let resolved = StatementReceipts.resolved(keyed.lines, posted: posted, olderEntries: entries, fileSHA: fileSHA, placeholders: placeholders, day: day)
        return (resolved.lines, keyed.skipped + resolved.skipped)
    }

    /// An invoice paid twice: cash application names the receipt that closed it when that was the same day; for one an
    /// earlier day closed, the ledger's applications name it here (the receipt, its key and its day).
    func namingEarlierPayments(_ raised: [MatchException]) async throws -> [MatchException] {
        let marker = " closed by an earlier payment"
        let wanted = raised.filter { $0.type == .overPay && $0.message.contains(marker) }
            .flatMap { e in e.invoiceIDs.filter { e.message.contains($0 + marker) } }
        guard !wanted.isEmpty else { return raised }
        let closers = try await view.closingPayments(invoiceIDs: Array(Set(wanted)).sorted(), before: day)
        guard !closers.isEmpty else { return raised }
        return raised.map { e in
            guard e.type == .overPay, e.message.contains(marker) else { return e }
            var named = e
            for id in e.invoiceIDs {
                guard let c = closers[id] else { continue }
                let said = id + marker
                let full = "\(said), receipt \(c.receiptID) (\(c.sourceKey)) of \(c.day)"
                for end in [";", " "] { named.message = named.message.replacingOccurrences(of: said + end, with: full + end) }
                if named.message.hasSuffix(said) { named.message = String(named.message.dropLast(said.count)) + full }
            }
            return named
        }
    }

    /// The day's bank accounts: the manifest's and those the ledger knows, and each account the day's statement lines and
    /// balances name, registered in the order of its number and currency (so which of two new accounts takes a code does
    /// not depend on the order of the files).
    func bankAccountBook(_ read: ReadInputs) async throws -> BankAccountBook {
        var book = BankAccountBook(listed: manifest.bankAccounts, registered: try await view.bankAccounts(), booksCurrency: manifest.currency)
        var named: [(account: String, bank: String, currency: Currency)] = []
        var seen = Set<String>()
        for item in read.lines where seen.insert("\(item.line.account)|\(item.line.bank)|\(item.line.amount.currency.code)").inserted {
            named.append((item.line.account, item.line.bank, item.line.amount.currency))
        }
        for b in read.statementBalances {
            guard let currency = (b.closing ?? b.opening)?.currency, seen.insert("\(b.account)|\(b.bank)|\(currency.code)").inserted else { continue }
            named.append((b.account, b.bank, currency))
        }
        let books = manifest.currency
        named.sort {
            (BankAccountNumber.normalized($0.account), $0.currency == books ? 0 : 1, $0.currency.code, $0.bank)
                < (BankAccountNumber.normalized($1.account), $1.currency == books ? 0 : 1, $1.currency.code, $1.bank)
        }
        for a in named { book.register(account: a.account, bank: a.bank, currency: a.currency, day: day) }
        return book
    }

    /// The balances an older ledger booked under another account's code, moved to their own (the rule:
    /// `BankBookings.reclassifications`), with what the ledger says of each.
    func bankReclassifications(_ book: BankAccountBook) async throws -> (drafts: [JournalEntryDraft], accounts: [(code: String, name: String)]) {
        var found: [BankBookings.Reclassification] = []
        for row in book.reclassifications {
            guard let currency = Currency.iso(row.currency) else { throw LedgerError("bank account \(row.code): currency '\(row.currency)' is not an ISO 4217 code") }
            found.append(BankBookings.Reclassification(
                account: row, currency: currency, postedOn: try await view.postedDay(sourceKey: BankBookings.Reclassification.key(row)),
                booked: try await view.cashBooked(on: row.reclassFrom, currency: row.currency) { BankAccountNumber.normalized($0) == row.number }))
        }
        return BankBookings.reclassifications(found, on: day)
    }

    /// Each return (or reversing entry) finds its original payment in the ledger and reverses its application; each
    /// notification of change is recorded against the customer the original entry paid for (the rules: `ReturnEffects`).
    func returnsAndChanges(_ reading: ACHReading, duplicates: Set<String>) async throws -> ReturnEffects {
        var out = ReturnEffects()
        let key = originationKey
        for notice in reading.returns where !duplicates.contains(notice.fact.occurrence) {
            let fact = notice.fact
            let entry: ACHEntryRow?
            if notice.isReversal {
                entry = try await view.reversedEntry(companyID: fact.companyID, rdfi: fact.receivingDFI, amountMinorUnits: fact.amount.minorUnits,
                                                      role: fact.role.rawValue, notAfter: day)
            } else {
                entry = try await view.originalEntry(trace: notice.originalTraceNumber, rdfi: String(notice.originalReceivingDFI.prefix(8)),
                                                      amountMinorUnits: fact.amount.minorUnits, role: fact.role.rawValue, notAfter: day)
            }
            var original: OriginalPayment?
            if let entry {
                original = try ReturnEffects.originalPayment(entry, applications: try await view.applications(sourceKey: entry.sourceKey),
                                                             reapplied: try await view.reapplications(sourceKey: entry.sourceKey, before: day))
            }
            try out.add(notice, original: original, day: day)
        }
        for change in reading.changes where !duplicates.contains(change.fact.occurrence) {
            let entry = try await view.originalEntry(trace: change.originalTraceNumber, rdfi: String(change.originalReceivingDFI.prefix(8)),
                                                      amountMinorUnits: nil, role: change.fact.role.rawValue, notAfter: day)
            out.add(change, customerID: entry?.customerID, day: day)
            if manifest.origination != nil, change.fact.role == .originated, let last = out.changes.indices.last {
                // An answer to a debit the seller originated holds a customer's account number: kept sealed, like the
                // mandate's (without the key, only its last four characters).
                let plain = out.changes[last].correctedData
                out.changes[last].correctedData = key.map {
                    Originator.sealedPrefix + $0.seal(plain, context: Originator.context(notice: out.changes[last].noticeKey))
                } ?? Masking.account(plain)
            }
        }
        if let config = manifest.origination {
            if let rates = try autopayAnswers(config, key: key, &out) { try await resolveReturnRates(rates, &out) }
        }
        return out
    }

    /// The origination key, when the job originates and its key file reads (nil otherwise: a NOC keeps only its last
    /// four characters, and corrections are not opened).
    private var originationKey: SealingKey? { manifest.origination.flatMap { try? SealingKey.load(path: $0.keyFile) } }

    /// What the day's answers to debits settle originated mean (`OriginationBook`, `ReturnRate`): each RETURN says what
    /// happens next (a retry and when, a mandate suspended or revoked, given up), each NOC that the next file uses the
    /// correction; a NOC settle cannot apply is `NOC_NOT_APPLIED` six banking days on, and a return rate past 80% of its
    /// limit is `RETURN_RATE`.
    /// Gives the day's return rates of every originating company (nil: settle originated nothing).
    private func autopayAnswers(_ config: OriginationConfig, key: SealingKey?, _ out: inout ReturnEffects) throws
        -> (companies: Set<String>, rates: [ReturnRate])? {
        // A dry run on a scratch ledger (the manifest's not made yet) has nothing originated.
        guard let store = try? Originator.openStore(manifest) else { return nil }
        let entries = try store.entries(fileName: nil)
        guard !entries.isEmpty else { return nil }
        var answers = try store.answers()
        let known = Set(answers.returns.map(\.noticeKey))
        answers.returns += out.returns.filter { !known.contains($0.noticeKey) }
        let ours = Set(entries.map(\.trace))
        let knownChanges = Set(answers.changes.map(\.noticeKey))
        answers.changes += out.changes.filter { ours.contains($0.originalTrace) && !knownChanges.contains($0.noticeKey) }
        let mandates = try store.mandates()
        let book = Originator.book(entries: entries, answers: answers, mandates: mandates, key: key, today: day, retryAfterDays: config.settings.retryAfterDays)
        let changedOn = Dictionary(mandates.map { ($0.mandateID, Day.parse($0.updatedAt.prefix(10), format: .iso) ?? $0.authorizedOn) },
                                   uniquingKeysWith: { a, _ in a })
        let entryOf = Dictionary(entries.map { ($0.trace, $0) }, uniquingKeysWith: { a, _ in a })
        for i in out.exceptions.indices {
            let trace = out.exceptions[i].sourceRef
            switch out.exceptions[i].type {
            case .returnEntry:
                guard let step = book.nextSteps[trace] else { break }
                out.exceptions[i].message += "; " + step
                if book.states[trace] == .retryScheduled {
                    out.exceptions[i].suggestions = "nothing to do yet: autopay presents it again; if that comes back too, contact the customer"
                }
            case .noc:
                if let entry = entryOf[trace], book.corrections[entry.mandateID] != nil {
                    out.exceptions[i].message += "; autopay: the next debit of mandate \(entry.mandateID) uses the correction"
                }
            default: break
            }
        }
        // Notices settle could not apply (a name or an id, a code it does not act on), six banking days on.
        if key != nil {
            for change in answers.changes {
                guard let entry = entryOf[change.originalTrace], entry.mayBeAnswered(on: change.day), !entry.mandateID.isEmpty,
                      !ChangeCode.isRefusal(change.changeCode) else { continue }
                let applied = (book.corrections[entry.mandateID].map { $0.day >= change.day } ?? false) || (changedOn[entry.mandateID].map { $0 > change.day } ?? false)
                let due = BusinessCalendar.federalReserve.adding(businessDays: 6, to: change.day)
                guard !applied, due <= day else { continue }
                out.exceptions.append(MatchException(
                    type: .nocNotApplied, severity: .warning, about: "noc-not-applied:\(change.noticeKey)", sourceRef: change.originalTrace,
                    customerID: entry.customerID,
                    message: "notification of change \(change.changeCode) (\(ChangeCode.describe(change.changeCode) ?? "unknown code")) of \(change.day) for entry "
                        + "\(change.originalTrace) of mandate \(entry.mandateID) is not applied after six banking days (settle applies account, routing and "
                        + "account-type corrections itself)",
                    suggestions: "correct mandate \(entry.mandateID) in the mandates file before its next debit"))
            }
        }
        // Return rates over the 60 days to the day, per originating company.
        let companies = Dictionary(try store.files().map { ($0.name, $0.companyID) }, uniquingKeysWith: { a, _ in a })
        let rates = ReturnRate.rates(entries: entries, returns: answers.returns, companyOf: { companies[$0.fileName] ?? "" }, asOf: day)
        for rate in rates where rate.isWarning {
            out.exceptions.append(MatchException(
                type: .returnRate, severity: .warning, about: Self.returnRateAbout(rate.companyID, rate.family),
                message: rate.sentence + ", and past 80% of it",
                suggestions: "find why debits come back (settle origination rates); NACHA reviews an originator past its limit"))
        }
        return (Set(companies.values), rates)
    }

    static func returnRateAbout(_ company: String, _ family: ReturnRate.Family) -> String { "return-rate:\(company):\(family.rawValue)" }

    /// `RETURN_RATE` exceptions raised on or before the day whose rate the day finds back under 80% of its limit (or
    /// with no debits in its 60 days): resolved by settle, saying so. A rerun of an earlier day leaves a later one open.
    private func resolveReturnRates(_ state: (companies: Set<String>, rates: [ReturnRate]), _ out: inout ReturnEffects) async throws {
        let open = try await view.exceptions(status: "open", day: nil, type: ExceptionType.returnRate.rawValue, customer: nil).filter { $0.day <= day }
        guard !open.isEmpty else { return }
        let ids = Set(open.map(\.exceptionID))
        for company in state.companies.sorted() {
            for family in ReturnRate.Family.allCases {
                let id = MatchException.id(type: .returnRate, about: Self.returnRateAbout(company, family))
                let rate = state.rates.first { $0.companyID == company && $0.family == family }
                guard ids.contains(id), rate?.isWarning != true else { continue }
                out.resolvedBySettle.append((id, rate.map { "back under 80% of its limit on \(day): " + $0.sentence }
                                                 ?? "no debits of company \(company) in the 60 days to \(day)"))
            }
        }
    }
}
