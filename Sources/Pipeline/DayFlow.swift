import Accounting
import Core
import Foundation
import Ledger
import Matching
import Receivables
import Reports
import Statements
import Synchronization

/// The stages of a day as `DayRun.run` drives them, each a method with a typed result handed to the next.
extension DayRun {
    /// The day's open items, handed to the writer, with matching's index of them being built and the payment history
    /// before the day being read.
    struct Opened {
        var openItems: OpenItems
        /// Built beside the reading; a task rather than an `async let`, whose value would live to the end of the day
        /// (the index of a million invoices is let go once cash is applied).
        var indexing: Task<CashApplication, Never>?
        var historyBefore: Task<PaymentHistory, any Error>
        /// Customers holding unapplied cash, and those of them whose open items changed today: their held cash is tried again.
        var holders: Set<String>
        var changedCustomers: Set<String>
    }

    /// The open items before the day: the ledger's rows of new and changed invoices and their openings go to the writer
    /// now, made a chunk at a time as the writer takes them (a million rows made at once stayed alive the six seconds
    /// the writer takes to insert them); matching's index is built beside the reading.
    func open(feeding feed: LedgerFeed) async throws -> Opened {
        var openItems = try await openItemsBefore()
        feed.send(DayEffects(accountNames: manifest.accounts))
        let invoicePositions = openItems.ledgerInvoicePositions
        let invoicesBefore = openItems.matching
        // Only holders are looked at (none on most days of a fresh ledger: nothing to do).
        let holders = try await view.unappliedCashHolders(before: day)
        var changedCustomers = Set<String>()
        if !holders.isEmpty {
            for p in invoicePositions where holders.contains(invoicesBefore[p].customerID) { changedCustomers.insert(invoicesBefore[p].customerID) }
        }
        for start in stride(from: 0, to: invoicePositions.count, by: DayRun.invoiceChunk) {
            let part = invoicePositions[start..<min(start + DayRun.invoiceChunk, invoicePositions.count)]
            feed.send(making: { DayEffects(invoices: part.map { LedgerInvoice(invoicesBefore[$0]) }) })
        }
        feed.send(DayEffects(entries: openItems.openingDrafts + openItems.adjustmentDrafts))
        // The writer has them now: what the day keeps of its open items is what matching and the reports read.
        openItems.ledgerInvoicePositions = []
        openItems.openingDrafts = []
        openItems.adjustmentDrafts = []
        let matchingInvoices = openItems.matching
        let (customers, policy, day, writtenOff) = (customers, manifest.policy, day, openItems.writtenOff)
        let indexing = Task { await CashApplication.make(customers: customers, invoices: matchingInvoices, policy: policy, asOf: day, writtenOff: writtenOff) }
        let historyBefore = Task { [self] in try await paymentHistoryBefore() }
        return Opened(openItems: openItems, indexing: indexing, historyBefore: historyBefore, holders: holders, changedCustomers: changedCustomers)
    }

    /// The day's files taken and read, with the ACH entry rows the ledger keeps made ready to send.
    struct Taken {
        var plan: Plan
        var intake: Intake
        var read: ReadInputs
        var acceptedCount: Int
        /// The ledger's rows of the day's ACH entries, in chunks (`achEntryRows`).
        var achChunks: [ACHRowChunk] = []
    }

    /// The day's files (read ahead by the runner while the day before was matched and posted, or read now) accepted or
    /// quarantined, and read into receipts, lines and balances. The records themselves (batches, lines) are not needed
    /// past reading them: only what matching keeps.
    func take(_ prepared: consuming Prepared?, openItems: OpenItems, counts: ProgressCounts, clock: inout StageClock) async throws -> Taken {
        var ready = prepared.take()
        if ready == nil { ready = try await prepare() }
        guard var files = ready.take() else { throw CancellationError() }
        let plan = files.plan
        let inputs = files.inputs
        files.inputs = [] // the records go when accept and the reading below are done with them
        var intake = try await accept(consume inputs)
        counts.files = intake.fileCount
        clock.lap("ingest")
        let acceptedCount = intake.accepted.count
        let accepted = intake.accepted
        intake.accepted = []
        let read = try await readInputs(accepted)
        // Every money sum of the day adds some of these amounts: checked once here (overflow an error, never a trap).
        try MoneyOverflow.check(read.ach.entries.lazy.map(\.amount.minorUnits) + read.lines.lazy.map(\.line.amount.minorUnits)
                                    + openItems.matching.lazy.flatMap { [$0.amount.minorUnits, $0.openAmount.minorUnits] },
                                what: "the day \(day) (its ACH entries, statement lines and open invoices)")
        var taken = Taken(plan: plan, intake: intake, read: read, acceptedCount: acceptedCount)
        // The ledger's rows of the day's ACH entries: what they are made of is taken here, so that the entries can go (a
        // payment's row from its receipt, made a chunk at a time as the writer gets to them).
        taken.achChunks = achEntryRows(taken.read, size: DayRun.achRowChunk)
        return taken
    }

    /// What settlement hands on: the day's bank accounts and their cash accounts, the reconciliation (its counts once
    /// the writer has its entries), the statements' chain and the statements the manifest expected that did not come.
    struct Settled {
        var book: BankAccountBook
        var settlement: SettlementEffects
        var statements: Statements
        var missingStatements: [(entry: BankAccountEntry, day: Day)]
        var statementLineCount: Int
        var achBatchCount: Int
        /// The feed's mark once the settlement's entries and rows were sent (`LedgerFeed.waitUntilPosted`).
        var settlementMark: Int
    }

    /// The ACH rows go to the writer while the settlement is worked out, and the settlement's entries go before the
    /// rest, so that they are written and gone before cash application makes its decisions (they waited behind every
    /// ACH row, 130 MB at 1M, through the day's peak of memory). A writer that keeps up (SQLite's) takes the first half
    /// of the rows. A writer that falls behind (a server's) is given a chunk at a time, each as it starts on the one
    /// before, until the settlement is ready: as many as its server writes in the time the settlement takes, whatever
    /// the machine, with at most a chunk or two ahead of the settlement, which cash application waits for. The rest it
    /// writes while cash application decides the receipts.
    func settle(_ taken: inout Taken, feeding feed: LedgerFeed) async throws -> Settled {
        let chunks = ACHChunkQueue(taken.achChunks)
        taken.achChunks = []
        let receipts = taken.read.achKeys.receipts
        let filling: Task<Void, Never>?
        if store.fallsBehind {
            filling = Task { [day] in
                while true {
                    try? await feed.waitUntilPosted(feed.mark - 1)
                    guard let chunk = chunks.next() else { return }
                    sendACHRows(chunk, receipts: receipts, day: day, feeding: feed)
                }
            }
        } else {
            filling = nil
            for _ in 0..<chunks.count / 2 {
                if let chunk = chunks.next() { sendACHRows(chunk, receipts: receipts, day: day, feeding: feed) }
            }
        }
        defer {
            chunks.close()
            filling?.cancel()
        }
        // The entries are the rows' now (the receipts live on in their decisions).
        let batchFacts = DayRun.batchFacts(taken.read)
        taken.read.ach.releaseEntries()
        Allocator.returnFreedMemoryNow()
        // Every bank account the day's statements name, with its cash account (given the first day it is seen).
        let book = try await bankAccountBook(taken.read)
        let reclassified = try await bankReclassifications(book)
        var settlement = try await settle(taken.read, batches: batchFacts, book: book)
        let statements = try await chainStatements(taken.read.statementBalances, book: book)
        let missing = try await missingStatements(taken.read.statementBalances)
        // Posting order sets entry ids: keep it a function of content, not of file order.
        var batch = DayEffects(entries: reclassified.drafts + statements.openingDrafts + settlement.drafts + settlement.bankDebitDrafts.sorted { $0.sourceKey < $1.sourceKey },
                                cashAccounts: book.cashAccounts + reclassified.accounts)
        batch.bankAccounts = book.added
        batch.resolvedBySettle = settlement.resolved
        batch.settlementItems = settlement.itemRows
        let rest = chunks.close()
        // The task may be waiting for the writer to start on its last chunk: no more is wanted of it.
        filling?.cancel()
        await filling?.value
        feed.send(taking: &batch)
        let settlementMark = feed.mark
        for chunk in rest { sendACHRows(chunk, receipts: receipts, day: day, feeding: feed) }
        // The writer has the settlement's entries and rows; of the day's lines and batches the summary counts them.
        settlement.drafts = []
        settlement.bankDebitDrafts = []
        settlement.itemRows = []
        settlement.reconciliation.keepCountsOnly()
        let settled = Settled(book: book, settlement: settlement, statements: statements, missingStatements: missing,
                              statementLineCount: taken.read.lines.count, achBatchCount: taken.read.ach.settlementBatches.count,
                              settlementMark: settlementMark)
        taken.read.lines = []
        taken.read.ach.settlementBatches = []
        return settled
    }

    /// A chunk of the day's ACH entry rows to the writer, made when the writer gets to it (its part of what the rows are
    /// made of goes once the writer has taken them).
    func sendACHRows(_ chunk: ACHRowChunk, receipts: [Receipt], day: Day, feeding feed: LedgerFeed) {
        feed.send(making: {
            var batch = DayEffects()
            batch.achEntries = chunk.rows(receipts: receipts, day: day)
            return batch
        })
    }

    /// Statements the manifest expects that did not come: the books are not tied, the run says so (exit 4). Expected
    /// from the first statement the ledger read, not before its history begins.
    func missingStatements(_ today: [StatementBalance]) async throws -> [(entry: BankAccountEntry, day: Day)] {
        let before = BusinessCalendar.federalReserve.adding(businessDays: -1, to: day)
        guard !manifest.bankAccounts.isEmpty, let first = try await view.firstStatementDay(), first <= before else { return [] }
        return BankDifference.missingStatements(manifest.bankAccounts, day: day, had: try await view.statementAccounts(on: before), today: today)
    }

    /// Returns and notifications of change, then cash application: the day's receipts (ACH first, then statement
    /// credits nothing else explained) and the unapplied cash of earlier days whose customers' open items changed.
    struct Applied {
        var returned: ReturnEffects
        var cash: Cash
        /// Reviewers' decisions this run books.
        var reviews = ReviewBookings()
    }

    func apply(_ taken: inout Taken, settled: Settled, opened: inout Opened, feeding feed: LedgerFeed, counts: ProgressCounts,
               clock: inout StageClock) async throws -> Applied {
        let returned = try await returnsAndChanges(taken.read.ach, duplicates: taken.read.achKeys.duplicates)
        clock.lap("returns")
        // Invoices a return reopened changed too.
        for row in returned.applicationRows {
            if let customer = row.customerID, opened.holders.contains(customer) { opened.changedCustomers.insert(customer) }
        }
        // A receipt returned today gave its money back: nothing of it is applied again.
        let returnedToday = Set(returned.drafts.map(\.sourceKey))
        let held = try await view.heldReceipts(before: day, customers: opened.changedCustomers).map(HeldCash.receipt)
            .filter { !returnedToday.contains("return:" + $0.receipt.sourceKey) }
        opened.changedCustomers = []
        guard let index = await opened.indexing?.value else { throw CancellationError() }
        opened.indexing = nil
        // A writer that falls behind the stages (a server's) posts the invoices' openings and the settlement before the
        // customers' receipts are decided, so that they are not held waiting for it through that peak of memory.
        let cash = await applyCash(taken.read.achKeys.receipts + settled.settlement.statementReceipts, with: consume index, held: held) {
            guard store.fallsBehind else { return }
            let waited = ContinuousClock.now
            try? await feed.waitUntilPosted(settled.settlementMark)
            if Trace.isOn { FileHandle.standardError.write(Data("cash application waited \(ContinuousClock.now - waited) for the writer\n".utf8)) }
        }
        try Task.checkCancellation()
        counts.receipts = cash.decisions.count
        return Applied(returned: returned, cash: cash, reviews: try await reviewBookings(after: cash, openBefore: opened.openItems.matching,
                                                                                       settledToday: Set(settled.settlement.resolved.map(\.exceptionID))))
    }

    /// What the day posts and records, to the writer, in the order of one batch (so entry ids do not depend on how it
    /// is cut): the customers of the day's ACH entries (the writer finds their rows while its server may still be on
    /// the rows themselves); the decisions' entries in chunks as they are made (the writer starts on the first while the
    /// rest are built); the returns', held cash applied and reviewers' decisions, with the day's records; the rows of how
    /// cash was applied. Gives the exceptions the day raised.
    func post(_ applied: Applied, taken: inout Taken, settled: Settled, opened: Opened, feeding feed: LedgerFeed) async throws -> [MatchException] {
        let decisions = applied.cash.decisions
        for start in stride(from: 0, to: decisions.count, by: DayRun.decisionChunk) {
            feed.send(making: {
                var customers = DayEffects()
                customers.achCustomers = ACHEntryCustomer.found(in: decisions[start..<min(start + DayRun.decisionChunk, decisions.count)])
                customers.lastACHCustomers = start + DayRun.decisionChunk >= decisions.count
                return customers
            })
        }
        sendEntries(decisions, book: settled.book, feeding: feed)
        try await sendRecords(applied, taken: taken, settled: settled, feeding: feed)
        taken.read.achKeys.receipts = []
        sendApplications(applied, feeding: feed)
        return try await raised(applied, taken: taken, settled: settled, opened: opened)
    }

    /// Chunks of the decisions' entries, made as the writer gets to them; the first with the cash accounts of receipts
    /// an older ledger posted straight to cash.
    func sendEntries(_ decided: [Decision], book: BankAccountBook, feeding feed: LedgerFeed) {
        let chunk = DayRun.decisionChunk
        var accountsSent = false
        for start in stride(from: 0, to: decided.count, by: chunk) {
            let part = decided[start..<min(start + chunk, decided.count)]
            let accounts = accountsSent ? [] : legacyCashAccounts(decided, book: book)
            feed.send(making: { DayEffects(entries: part.map { PostingRules.entry(for: $0, cashAccounts: book) }, cashAccounts: accounts) })
            accountsSent = true
        }
        if !accountsSent { feed.send(DayEffects(cashAccounts: legacyCashAccounts(decided, book: book))) }
    }

    /// The returns' entries and notices of change, the statements' final balances, the day's files, unapplied cash of
    /// earlier days applied today (its entries, rows and the exceptions whose cause went away), then reviewers'
    /// decisions not booked yet (and those a run of this day booked before), after the day's own entries.
    func sendRecords(_ applied: Applied, taken: Taken, settled: Settled, feeding feed: LedgerFeed) async throws {
        let (returned, cash) = (applied.returned, applied.cash)
        var posting = DayEffects(entries: returned.drafts.sorted { $0.sourceKey < $1.sourceKey })
        posting.achChanges = returned.changes
        posting.achReturns = returned.returns
        posting.statementBalances = settled.statements.finalBalances.map {
            StatementBalanceRow(account: $0.account, day: $0.day, opening: $0.opening, closing: $0.closing, location: $0.location.fileAndLine)
        }
        posting.files = taken.intake.files
        posting.entries += try cash.reapplied.map { try HeldCash.entry($0, day: day) }
        posting.applications = try cash.reapplied.flatMap { try HeldCash.applicationRows($0, day: day) }
        posting.reapplications = cash.reapplied.flatMap { r in
            r.applications.map { ReapplicationRow(sourceKey: r.held.receipt.sourceKey, invoiceID: $0.invoiceID, amount: $0.amount) }
        }
        let settledAll = cash.reapplied.filter(\.settlesAll)
        let notes = Dictionary(settledAll.map { ($0.held.receipt.id, HeldCash.note($0, day: day)) }, uniquingKeysWith: { a, _ in a })
        posting.resolvedBySettle = try await view.openExceptions(receiptIDs: settledAll.map(\.held.receipt.id))
            .filter { HeldCash.causes.contains($0.type) }.compactMap { e in notes[e.receiptID].map { (e.exceptionID, $0) } }
        posting.resolvedBySettle += returned.resolvedBySettle
        posting.entries += applied.reviews.drafts
        posting.applications += applied.reviews.rows
        posting.bookedReviews = applied.reviews.booked
        posting.reopenedBySettle = applied.reviews.reopened
        posting.decisionsSettled = applied.reviews.settled
        posting.batchesClosed = applied.reviews.batchesClosed
        posting.batchesReopened = applied.reviews.batchesReopened
        posting.resolvedTogether = applied.reviews.together
        feed.send(taking: &posting)
    }

    /// The ledger's rows of how cash was applied, in chunks made as the writer gets to them (the returns' rows come with
    /// the last chunk; with no decisions, alone); receipts leaving cash unapplied with their customer are kept to be
    /// tried again.
    func sendApplications(_ applied: Applied, feeding feed: LedgerFeed) {
        let chunk = DayRun.decisionChunk
        let decided = applied.cash.decisions
        let returnRows = applied.returned.applicationRows
        for start in stride(from: 0, to: max(decided.count, 1), by: chunk) {
            let part = decided[min(start, decided.count)..<min(start + chunk, decided.count)]
            let more = start + chunk >= decided.count ? returnRows : []
            feed.send(making: { [day] in
                var rows = DayEffects()
                rows.applications = DayRows.applicationRows(part, then: more)
                rows.heldReceipts = part.compactMap { HeldCash.row($0, day: day) }
                return rows
            })
        }
    }

    /// Everything the day raised for a person, one per id; a file that could not be read or trusted is kept for a
    /// person at once, with why.
    func raised(_ applied: Applied, taken: Taken, settled: Settled, opened: Opened) async throws -> [MatchException] {
        let paidAgain = try await namingEarlierPayments(applied.cash.exceptions)
        let exceptions = DayRun.uniqueExceptions(settled.missingStatements.map { BankDifference.exception(missing: $0.entry, on: $0.day) } + opened.openItems.exceptions + taken.plan.exceptions
                                                 + taken.intake.exceptions + taken.read.exceptions + settled.settlement.exceptions + settled.statements.exceptions
                                                 + applied.returned.exceptions + paidAgain)
        if !options.dryRun {
            for q in taken.intake.quarantined { try Archive.quarantine(q.from, to: q.to, reason: q.reason) }
        }
        return exceptions
    }

    /// What needs a person, with the evidence of each, as the ledger keeps it: made when the writer gets to it.
    func sendExceptions(_ exceptions: [MatchException], of decided: [Decision], feeding feed: LedgerFeed) {
        feed.send(making: { [day] in
            var raised = DayEffects()
            raised.exceptions = DayRows.exceptionRows(exceptions, decided, day: day)
            return raised
        })
    }

    /// Aging's payment history: the days before (read at the start of the day) and every application row of this day
    /// — its receipts' decisions, returns, reviewers' decisions it books and held cash it applies, as the ledger keeps
    /// them at the end of the day — summed on the background thread while the writer posts (it and its feed keep the
    /// cooperative pool's two threads).
    func paymentHistory(_ applied: Applied, opened: Opened) throws -> Task<PaymentHistory, any Error> {
        let (decided, invoices, before, day) = (applied.cash.decisions, opened.openItems.matching, opened.historyBefore, day)
        let rows = try applied.returned.applicationRows + applied.reviews.rows + applied.cash.reapplied.flatMap { try HeldCash.applicationRows($0, day: day) }
        return Task {
            let paidBefore = try await before.value
            return try await BackgroundWork.run { try PaymentHistory.adding(decided, rows: rows, on: day, among: invoices, to: paidBefore) }
        }
    }

    /// The reports of matching (remittance, advice, the worklist), made while the writer drains: with the customers'
    /// names and, for each receipt a person must look at, what it carried and why it was decided as it was.
    struct MatchingReports {
        var report: DayReport
        var limits: [String: Money]
        var rendering: Task<ReportWriter.MatchingFiles, any Error>
        /// The worklist's pages of the day's own exceptions, made after the other reports of matching; the commit does
        /// not wait for them (the worklist, made after it, does).
        var worklistAhead: Task<ReportWriter.MatchingFiles, any Error>

        func discardWorklistAhead() async {
            if let made = try? await worklistAhead.value { made.discard() }
        }
    }

    func matchingReport(_ applied: Applied, exceptions: [MatchException]) throws -> MatchingReports {
        let cash = applied.cash
        let remittance = RemittanceList(decisions: cash.decisions, then: try applied.returned.reversed.map { RemittanceRow($0.row, receiptAmount: $0.receiptAmount, valueDay: day) }
            + cash.reapplied.flatMap { r in try HeldCash.applicationRows(r, day: day).map { RemittanceRow($0, receiptAmount: r.held.held, valueDay: day) } }
            + applied.reviews.rows.map { RemittanceRow($0, receiptAmount: Money.zero($0.applied.currency), valueDay: day) })
        var names: [String: String] = [:]
        var limits: [String: Money] = [:]
        for c in customers {
            names[c.id] = c.name
            if let limit = c.creditLimit { limits[c.id] = limit }
        }
        var report = DayReport(day: day, runID: runID, remittance: [], exceptions: exceptions, openItems: [], journal: [], summary: .object([]))
        report.remittance = remittance
        report.advice = adviceRows(cash.decisions, reviewed: applied.reviews.rows, names: names)
        report.customerNames = names
        report.ledgerPath = manifest.ledgerDisplay
        report.ledgerEntity = manifest.postgreSQL?.entity ?? ""
        let raisedOn = Set(exceptions.map(\.receiptID))
        for d in cash.decisions where raisedOn.contains(d.receipt.id) {
            let r = d.receipt
            let remitted = r.remittance.map(\.reference).joined(separator: ", ")
            report.receiptTexts[r.id] = [r.payerName, remitted.isEmpty ? "" : "remittance: \(remitted)", r.freeText]
                .filter { !$0.isEmpty }.joined(separator: " · ")
            report.evidence[r.id] = d.evidence.description
            report.candidates[r.id] = (r.amount, d.evidence.candidates)
        }
        let folder = outputFolder
        let rendering = Task { [report] in try await ReportWriter.renderMatching(report, into: folder) }
        let ahead = Task { [report] in
            _ = try? await rendering.value
            return try await ReportWriter.renderWorklistAhead(report, into: folder)
        }
        return MatchingReports(report: report, limits: limits, rendering: rendering, worklistAhead: ahead)
    }

    /// The day committed: what the commit did, the journal this run posted, the open items after it, the matching
    /// reports made (again, with a bank difference found at the commit), and the day's exceptions with those.
    struct Committed {
        var outcome: CommitOutcome
        var journal: DayJournal
        var openItemsAfter: [OpenItemRow]
        var matchingReports: ReportWriter.MatchingFiles
        var differences: [MatchException]
    }

    /// The writer drains and finishes the day (reversals of what is no longer produced, balances, the commit) on its own
    /// thread; the books are tied to every statement closing of the day's files inside the day's transaction, once all of
    /// it is written, a difference raised in the same commit. A day that would leave an open amount outside its
    /// document's sign is not committed, and says which invoice and why. Nothing of the day's reports appears unless the
    /// day commits.
    func commit(feeding feed: LedgerFeed, matching: inout MatchingReports, opened: Opened, taken: Taken, applied: Applied, settled: Settled,
                earlier: [PostedEntry], clock: inout StageClock) async throws -> Committed {
        let fed: Duration
        var journal: DayJournal
        do {
            fed = try await feed.drain()
            journal = try await feed.journal()
        } catch {
            if let made = try? await matching.rendering.value { made.discard() }
            await matching.discardWorklistAhead()
            throw error
        }
        clock.lap("post-wait")
        let finishStart = ContinuousClock.now
        let openItemsAfter: [OpenItemRow]
        let outcome: CommitOutcome
        do {
            // The open items after the day and their sign check are made while the writer finishes the day (reversals,
            // balances), which asks for the check just before it commits.
            let (openItems, tally, decisions, run) = (opened.openItems, journal.tally, applied.cash.decisions, self)
            let projection = PendingResult { () throws -> (rows: [OpenItemRow], time: Duration) in
                let started = ContinuousClock.now
                let rows = try openItems.rows(after: run.day, earlier: earlier, posted: tally, decisions: decisions)
                try run.refuseBrokenOpenItems(rows, moved: tally.moved)
                return (rows, ContinuousClock.now - started)
            }
            var commit = dayCommit(taken: taken, book: settled.book)
            commit.beforeCommit = { _ = try projection.wait() }
            outcome = try await store.finishDay(commit, dryRun: options.dryRun)
            let projected = try projection.wait()
            openItemsAfter = projected.rows
            clock.details.append(("post.open-items", projected.time))
        } catch {
            journal.discard()
            if let made = try? await matching.rendering.value { made.discard() }
            await matching.discardWorklistAhead()
            throw error
        }
        var committed = Committed(outcome: outcome, journal: journal, openItemsAfter: openItemsAfter, matchingReports: ReportWriter.MatchingFiles(), differences: [])
        let reportsStart = ContinuousClock.now
        try await reportCommitted(&committed, matching: &matching, opened: opened, taken: taken, applied: applied, earlier: earlier)
        clock.details.append(("post.reports-wait", ContinuousClock.now - reportsStart))
        clock.details += [("post.busy", fed + (ContinuousClock.now - finishStart))] + outcome.timings.map { ("post." + $0.0, $0.1) }
        clock.lap("post-finish")
        return committed
    }

    /// The day's commit: the books against every statement closing of the day's files, a difference raised by the
    /// bank tie's rule.
    func dayCommit(taken: Taken, book: BankAccountBook) -> DayCommit {
        var commit = DayCommit(runID: runID, day: day)
        commit.bankTies = BankDifference.checks(taken.read.statementBalances) { b in
            (b.closing ?? b.opening).map { book.code(account: b.account, bank: b.bank, currency: $0.currency) } ?? CashAccountCode.legacy(b.account)
        }
        let (skipped, rejectedFiles) = (taken.read.skippedLines, taken.intake.rejectedCount)
        commit.raiseBankDifferences = { [day] results in
            try BankDifference.exceptions(results, day: day, skipped: skipped, rejectedFiles: rejectedFiles).map { DayRows.exceptionRow($0, day: day, evidence: "") }
        }
        return commit
    }

    /// Open amounts keep their document's sign (an invoice's between 0 and its amount, a credit memo's between its
    /// amount and 0): a day that would break it is refused, naming the invoices.
    func refuseBrokenOpenItems(_ rows: [OpenItemRow], moved: [String: Int64]) throws {
        let broken = OpenItemRow.brokenByDay(rows, moved: moved)
        guard !broken.isEmpty else { return }
        throw LedgerError("\(day): the day would leave " + broken.prefix(5).map { "\($0.invoiceID) open at \($0.openAmount) (its amount \($0.amount))" }.joined(separator: ", ")
                          + (broken.count > 5 ? " and \(broken.count - 5) more" : "")
                          + "; an open amount stays between 0 and its document's amount, so nothing of the day was written. "
                          + "Look at what moved the invoice today (journal of the day, decisions booked by this run: `settle exceptions list --status resolved --day ...`)")
    }

    /// A statement the books do not tie with: its exception joins the day's (the worklist is made again with it). The
    /// commit itself posts only on a rerun (reversals of keys no longer produced): the journal and open items with those.
    func reportCommitted(_ committed: inout Committed, matching: inout MatchingReports, opened: Opened, taken: Taken, applied: Applied,
                         earlier: [PostedEntry]) async throws {
        let outcome = committed.outcome
        committed.differences = try BankDifference.exceptions(outcome.bankTies, day: day, skipped: taken.read.skippedLines, rejectedFiles: taken.intake.rejectedCount)
        do {
            committed.matchingReports = try await matching.rendering.value
            if !committed.differences.isEmpty {
                matching.report.exceptions = DayRun.uniqueExceptions(matching.report.exceptions + committed.differences)
                committed.matchingReports.discard()
                committed.matchingReports = try await ReportWriter.renderMatching(matching.report, into: outputFolder)
                await matching.discardWorklistAhead()
                let (report, folder) = (matching.report, outputFolder)
                matching.worklistAhead = Task { try await ReportWriter.renderWorklistAhead(report, into: folder) }
            }
            if !outcome.posted.isEmpty {
                try committed.journal.add(outcome.posted)
                committed.openItemsAfter = try opened.openItems.rows(after: day, earlier: earlier, posted: committed.journal.tally, decisions: applied.cash.decisions)
            }
        } catch {
            committed.journal.discard()
            await matching.discardWorklistAhead()
            throw error
        }
    }

    /// The committed day finished: its journal file (earlier runs' entries of the day, then this run's) synced beside the
    /// other reports, its inputs placed in the archive on a thread of their own while the reports are made, the reports
    /// as of the end of the day published together, and the run log. A stop request no longer reaches it.
    func finish(_ committed: Committed, matching: MatchingReports, earlier: [PostedEntry], history: Task<PaymentHistory, any Error>, taken: Taken,
                settled: Settled, applied: Applied, copies: [(from: String, to: String, sha256: String, size: Int64)], staging: ArchiveStaging,
                clock: inout StageClock) async throws -> DayOutcome {
        let journalTask = finishJournal(committed.journal, after: earlier)
        let worklistTask = worklistReports(matching.report, ahead: matching.worklistAhead)
        var worklistTime = (ahead: Duration.zero, after: Duration.zero)
        async let archiving = archive(copies, staging: staging, restored: taken.plan.restored)
        // The WAL goes into the database while the reports are written (the next use of the writer waits for it).
        if !options.dryRun { Task { [store] in try? await store.checkpoint() } }
        let exceptions = matching.report.exceptions
        var ledgerCounts = committed.journal.counts
        for entry in earlier { ledgerCounts.add(entry, isInvoiceOpening: PostingRules.isInvoiceOpening(entry.sourceKey)) }
        let summary: JSONValue
        do {
            summary = try daySummary(committed, ledgerCounts: ledgerCounts, exceptions: exceptions, taken: taken, settled: settled, applied: applied)
            clock.lap("reports")
            var report = DayReport(day: day, runID: runID, remittance: [], exceptions: exceptions, openItems: committed.openItemsAfter, journal: [], summary: summary)
            report.remittance = matching.report.remittance
            report.aging = try AgingRow.rows(committed.openItemsAfter, on: day, unappliedByCustomer: try await view.unappliedByCustomer(asOf: day), names: matching.report.customerNames,
                                         limits: matching.limits, history: try await history.value)
            clock.lap("aging")
            report.customerNames = matching.report.customerNames
            report.trend = trend(summary: summary)
            let ledgerReports = try await ReportWriter.render(report, parts: .ledger, into: outputFolder)
            let journalFile: FileSink, worklistFiles: [FileSink]
            do {
                journalFile = try await journalTask.value
                (worklistFiles, worklistTime) = try await worklistTask.value
            } catch {
                ReportWriter.discard(ledgerReports)
                throw error
            }
            try ReportWriter.publish(committed.matchingReports.files + ledgerReports + worklistFiles + [journalFile])
            WorklistPages.removeStalePages(in: outputFolder, keeping: worklistFiles)
        } catch {
            // Nothing of the day's reports is left half made (the day itself has committed).
            ReportWriter.discard(committed.matchingReports.files)
            if let made = try? await journalTask.value { made.discard() }
            if let made = try? await worklistTask.value { ReportWriter.discard(made.files) }
            throw error
        }
        clock.lap("reports-write")
        // The worklist's pages of the day's own made ahead (while the writer drained), and what was made after the commit.
        clock.details += [("worklist-ahead", worklistTime.ahead), ("worklist", worklistTime.after)]
        clock.details.append(("archive", try await archiving))
        clock.lap("archive-wait")
        // The run log: what this run of the day did and how long each stage took (what summary.json leaves out).
        try? AtomicFile.write(runLog(outcome: committed.outcome, posted: committed.journal.counts, files: taken.intake.fileCount, rejected: taken.intake.rejectedCount,
                                     exceptions: exceptions.count, skipped: taken.read.skippedLines, timings: clock.timings + clock.details),
                              to: outputFolder + "/run.log", durable: false)
        return DayOutcome(day: day, summary: summary, outputFolder: outputFolder, inputRejected: taken.plan.rejected || taken.intake.rejected || taken.read.rejected,
                          booksDiffer: !committed.differences.isEmpty || !settled.missingStatements.isEmpty,
                          exceptionCount: exceptions.count, postedCount: committed.journal.counts.entries, receiptCount: applied.cash.decisions.count,
                          timings: clock.timings + clock.details)
    }

    /// The worklist (`exceptions.html`, and its pages when long): the day's own exceptions (their pages made ahead when
    /// many) beside what the ledger has after the commit, those raised before still open at the end of the day and the
    /// day's own decided or closed since; made on a task of its own while the other reports are.
    func worklistReports(_ report: DayReport, ahead: Task<ReportWriter.MatchingFiles, any Error>)
        -> Task<(files: [FileSink], time: (ahead: Duration, after: Duration)), any Error> {
        let (view, day, folder) = (view, day, outputFolder)
        return Task {
            let started = ContinuousClock.now
            let beside: (earlier: [WorklistRow], todaysChanged: [WorklistRow])
            let made: ReportWriter.MatchingFiles
            do {
                beside = try await view.worklistBeside(day: day)
                made = try await ahead.value
            } catch {
                if let made = try? await ahead.value { made.discard() }
                throw error
            }
            let files = try await WorklistPages.make(report, ahead: made.worklistAhead, earlier: beside.earlier, todaysChanged: beside.todaysChanged, into: folder)
            return (files, (made.worklistAheadTime, ContinuousClock.now - started))
        }
    }

    /// The day's journal file, earlier runs' entries of the day then this run's, finished and synced on a task of its own.
    func finishJournal(_ journal: DayJournal, after earlier: [PostedEntry]) -> Task<FileSink, any Error> {
        Task {
            var journal = journal
            do {
                return try journal.finish(after: earlier)
            } catch {
                journal.discard()
                throw error
            }
        }
    }

    /// The day's inputs to the archive, compressed and checked against the hashes it recorded (then, with --move-inputs,
    /// away from their paths).
    func archive(_ copies: [(from: String, to: String, sha256: String, size: Int64)], staging: ArchiveStaging, restored: [String]) async throws -> Duration {
        let started = ContinuousClock.now
        let staged = try await staging.staged(copies)
        let moveInputs = options.moveInputs
        return try await BlockingWork.runToEnd {
            for (copy, path) in staged {
                if let path { try Archive.place(path, at: copy.to) }
                if moveInputs, !restored.contains(copy.from) { try FileManager.default.removeItem(atPath: copy.from) }
            }
            return ContinuousClock.now - started
        }
    }

    /// summary.json: what the day read, settled, applied, posted and raised, and the books against each statement.
    func daySummary(_ committed: Committed, ledgerCounts: Summary.LedgerCounts, exceptions: [MatchException], taken: Taken, settled: Settled,
                    applied: Applied) throws -> JSONValue {
        // Each tie's statement movement, found as the tie was (cash account, currency, day; the last read wins).
        var movements: [String: StatementMovement] = [:]
        for m in taken.read.statementMovements {
            movements["\(settled.book.code(account: m.account, bank: m.bank, currency: m.currency))|\(m.currency.code)|\(m.day)"] = m
        }
        let bankTies = committed.outcome.bankTies.map {
            Summary.BankTie(account: $0.check.displayAccount, day: $0.check.statementDay, closing: $0.check.closing, book: $0.book,
                            movement: movements["\($0.check.cashAccount)|\($0.check.closing.currency.code)|\($0.check.statementDay)"])
        } + settled.missingStatements.map { Summary.BankTie(account: Masking.account($0.entry.account), day: $0.day, currency: $0.entry.currency) }
        // A batch a reviewer's decision booked today closes (written off out of ACH in transit) is no longer in transit at
        // the end of the day, though the day's settlement, made before the decisions were booked, still counted it.
        var reconciliation = settled.settlement.reconciliation
        let closed = Set(applied.reviews.batchesClosed.map(\.batchKey))
        if !closed.isEmpty {
            reconciliation.pending.removeAll { closed.contains($0.key) }
            reconciliation.unsettled.removeAll { closed.contains($0.key) }
            reconciliation.stillUnsettled.removeAll { closed.contains($0.key) }
        }
        let summary = try Summary.make(day: day, job: manifest.name, currency: manifest.currency, ledgerCounts: ledgerCounts, fileCount: taken.intake.fileCount,
                                rejectedCount: taken.intake.rejectedCount, acceptedCount: taken.acceptedCount, nachaBatchCount: taken.read.nachaBatchCount,
                                nachaEntryCount: taken.read.nachaEntryCount, statementLineCount: settled.statementLineCount,
                                skippedLineCount: taken.read.skippedLines.count, achBatchCount: settled.achBatchCount,
                                reconciliation: reconciliation, decisions: applied.cash.decisions, exceptions: exceptions,
                                dryRun: options.dryRun, bankTies: bankTies, returnDrafts: applied.returned.drafts,
                                reviewed: (applied.reviews.booked.count, applied.reviews.rows))
        // Debit origination as of the end of the day, when the job originates.
        guard let config = manifest.origination, case var .object(fields) = summary, let store = try? Originator.openStore(manifest),
              let state = try OriginationReport.asOf(day, store: store, retryAfterDays: config.settings.retryAfterDays) else {
            return summary
        }
        fields.append(("origination", OriginationReport.summary(state, currency: manifest.currency)))
        return .object(fields)
    }
}

/// The day's chunks of ACH rows, each handed out once and in order: to the task that keeps the writer busy with them
/// until `close`, whose caller takes the rest. A chunk handed out leaves nothing behind here.
final class ACHChunkQueue: Sendable {
    private let state: Mutex<(chunks: [DayRun.ACHRowChunk], next: Int, closed: Bool)>

    init(_ chunks: [DayRun.ACHRowChunk]) { state = Mutex((chunks, 0, false)) }

    var count: Int { state.withLock { $0.chunks.count } }

    /// The next chunk; nil once closed or all are out.
    func next() -> DayRun.ACHRowChunk? {
        state.withLock { s in
            guard !s.closed, s.next < s.chunks.count else { return nil }
            defer {
                s.chunks[s.next] = DayRun.ACHRowChunk()
                s.next += 1
            }
            return s.chunks[s.next]
        }
    }

    /// Hands out no more, and gives the chunks not yet out, in order (none after the first call).
    @discardableResult
    func close() -> [DayRun.ACHRowChunk] {
        state.withLock { s in
            guard !s.closed else { return [] }
            s.closed = true
            defer { s.chunks = [] }
            return Array(s.chunks[s.next...])
        }
    }
}
