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

    private func run(feeding feed: LedgerFeed, staging: ArchiveStaging, prepared: consuming Prepared?) async throws -> DayOutcome {
        var clock = StageClock()
        let counts = ProgressCounts()
        if let observe = options.observe {
            let day = day
            clock.observe = { stage, duration in
                observe(StageEvent(day: day, stage: stage, duration: duration, files: counts.files, receipts: counts.receipts))
            }
        }
        // The open items before the day: their openings go to the writer now, their index is built beside the reading.
        try Task.checkCancellation()
        var openItems = try await openItemsBefore()
        var openings = openItems.openingDrafts
        openings += openItems.adjustmentDrafts
        // The ledger's rows of new and changed invoices are made a chunk at a time as the writer takes them (a million
        // rows made at once stayed alive the six seconds the writer takes to insert them), then the openings.
        feed.send(LedgerBatch(accountNames: manifest.accounts))
        let invoicePositions = openItems.ledgerInvoicePositions
        let invoicesBefore = openItems.matching
        // Customers holding unapplied cash whose open items changed today (invoices new or changed in the export): their
        // held cash is tried again. Only holders are looked at (none on most days of a fresh ledger: nothing to do).
        let holders = try await view.unappliedCashHolders(before: day)
        var changedCustomers = Set<String>()
        if !holders.isEmpty {
            for p in invoicePositions where holders.contains(invoicesBefore[p].customerID) { changedCustomers.insert(invoicesBefore[p].customerID) }
        }
        for start in stride(from: 0, to: invoicePositions.count, by: DayRun.invoiceChunk) {
            let part = invoicePositions[start..<min(start + DayRun.invoiceChunk, invoicePositions.count)]
            feed.send(making: { [self] in LedgerBatch(invoices: part.map { ledgerInvoice(invoicesBefore[$0]) }) })
        }
        feed.send(LedgerBatch(entries: openings))
        // The writer has them now: what the day keeps of its open items is what matching and the reports read.
        openItems.ledgerInvoicePositions = []
        openItems.openingDrafts = []
        openItems.adjustmentDrafts = []
        openings = []
        let matchingInvoices = openItems.matching
        // Built beside the reading; a task rather than an `async let`, whose value would live to the end of the day
        // (the index of a million invoices is let go once cash is applied).
        let customers = customers
        let policy = manifest.policy
        let day = day
        var indexing: Task<CashApplication, Never>? = Task { await CashApplication.make(customers: customers, invoices: matchingInvoices, policy: policy, asOf: day) }
        async let historyBefore = paymentHistoryBefore()
        clock.lap("open-items")
        try Task.checkCancellation()
        // Read ahead by the runner while the day before was matched and posted, or read now.
        var ready = prepared.take()
        if ready == nil { ready = try await prepare() }
        guard var files = ready.take() else { throw CancellationError() }
        let plan = files.plan
        let inputs = files.inputs
        files.inputs = [] // the records go when accept and the reading below are done with them
        var intake = try await accept(consume inputs)
        counts.files = intake.fileCount
        clock.lap("ingest")
        // The records themselves (batches, lines) are not needed past reading them: only what matching keeps.
        let acceptedCount = intake.accepted.count
        let accepted = intake.accepted
        intake.accepted = []
        var read = try await readInputs(accepted)
        let skippedLines = read.skippedLines
        let statementBalances = read.statementBalances
        // Every money sum of the day adds some of these amounts: checked once here (overflow an error, never a trap).
        try MoneyOverflow.check(read.ach.entries.lazy.map(\.amount.minorUnits) + read.lines.lazy.map(\.line.amount.minorUnits)
                                    + openItems.matching.lazy.flatMap { [$0.amount.minorUnits, $0.openAmount.minorUnits] },
                                what: "the day \(day) (its ACH entries, statement lines and open invoices)")
        // The ledger's rows of the day's ACH entries go to the writer now (it would otherwise wait for cash
        // application); their customers follow the decisions. What they are made of is taken here, so that the
        // entries can go: a payment's row from its receipt, made a chunk at a time as the writer gets to them (it
        // does after the invoices, through most of cash application). Each chunk, with its own part of what its rows
        // are made of, is given to the feed and dropped here, so that part goes once the writer has taken the rows.
        var achChunks: [ACHRowChunk]
        let achRowReceipts: [Int32]
        (achChunks, achRowReceipts) = achEntryRows(read, size: DayRun.achRowChunk)
        let achReceipts = read.achKeys.receipts
        func sendACHRows(_ indices: Range<Int>) {
            for c in indices {
                let chunk = achChunks[c]
                achChunks[c] = ACHRowChunk()
                feed.send(making: { [day] in
                    var batch = LedgerBatch()
                    batch.achEntries = chunk.rows(receipts: achReceipts, day: day)
                    return batch
                })
            }
        }
        // The first half now: the writer is busy with them while the settlement is worked out. The settlement's
        // entries go next, before the second half, so that they are written and gone before cash application makes
        // its decisions (they waited behind every ACH row, 130 MB at 1M, through the day's peak of memory).
        let firstHalf = achChunks.count / 2
        sendACHRows(0..<firstHalf)
        // The entries are the rows' now (the receipts live on in their decisions).
        let batchFacts = DayRun.batchFacts(read)
        read.ach.releaseEntries()
        Allocator.returnFreedMemoryNow()
        clock.lap("normalize")
        try Task.checkCancellation()
        // Every bank account the day's statements name, with its cash account (given the first day it is seen).
        let book = try await bankAccountBook(read)
        let reclassified = try await bankReclassifications(book)
        var settlement = try await settle(read, batches: batchFacts, book: book)
        let statements = try await chainStatements(read.statementBalances, book: book)
        // Statements the manifest expects that did not come: the books are not tied, the run says so (exit 4).
        // (Expected from the first statement the ledger read: not before its history begins.)
        var missingStatements: [(entry: BankAccountEntry, day: Day)] = []
        if !manifest.bankAccounts.isEmpty, let first = try await view.firstStatementDay(), first <= BusinessCalendar.federalReserve.adding(businessDays: -1, to: day) {
            missingStatements = BankDifference.missingStatements(manifest.bankAccounts, day: day, had: try await view.statementAccounts(on: BusinessCalendar.federalReserve.adding(businessDays: -1, to: day)),
                                                                 today: read.statementBalances)
        }
        // Posting order sets entry ids: keep it a function of content, not of file order.
        var settled = LedgerBatch(entries: reclassified.drafts + statements.openingDrafts + settlement.drafts + settlement.bankDebitDrafts.sorted { $0.sourceKey < $1.sourceKey },
                                  cashAccounts: book.cashAccounts + reclassified.accounts)
        settled.bankAccounts = book.added
        settled.settlementItems = settlement.itemRows
        feed.send(taking: &settled)
        sendACHRows(firstHalf..<achChunks.count)
        achChunks = []
        // The writer has the settlement's entries and rows; of the day's lines and batches the summary counts them.
        settlement.drafts = []
        settlement.bankDebitDrafts = []
        settlement.itemRows = []
        settlement.reconciliation.keepCountsOnly()
        let statementLineCount = read.lines.count
        let achBatchCount = read.ach.settlementBatches.count
        read.lines = []
        read.ach.settlementBatches = []
        clock.lap("settlement")
        let returned = try await returnsAndChanges(read.ach, duplicates: read.achKeys.duplicates)
        clock.lap("returns")
        // Invoices a return reopened changed too.
        for row in returned.applicationRows { if let customer = row.customerID, holders.contains(customer) { changedCustomers.insert(customer) } }
        // A receipt returned today gave its money back: nothing of it is applied again.
        let returnedToday = Set(returned.drafts.map(\.sourceKey))
        let held = try await view.heldReceipts(before: day, customers: changedCustomers).map(HeldCash.receipt)
            .filter { !returnedToday.contains("return:" + $0.receipt.sourceKey) }
        changedCustomers = []
        guard let index = await indexing?.value else { throw CancellationError() }
        indexing = nil
        let cash = await applyCash(read.achKeys.receipts + settlement.statementReceipts, with: consume index, held: held)
        counts.receipts = cash.decisions.count
        clock.lap("cash-application")
        // The decisions' entries go to the writer in chunks as they are made (it starts on the first while the rest
        // are built), then the returns'; the order, and so the entry ids, is that of one batch.
        let chunk = DayRun.decisionChunk
        var accountsSent = false
        let decided = cash.decisions
        for start in stride(from: 0, to: decided.count, by: chunk) {
            let part = decided[start..<min(start + chunk, decided.count)]
            let accounts = accountsSent ? [] : legacyCashAccounts(decided, book: book)
            feed.send(making: { LedgerBatch(entries: part.map { PostingRules.entry(for: $0, cashAccounts: book) }, cashAccounts: accounts) })
            accountsSent = true
        }
        var posting = LedgerBatch(entries: returned.drafts.sorted { $0.sourceKey < $1.sourceKey },
                                  cashAccounts: accountsSent ? [] : legacyCashAccounts(cash.decisions, book: book))
        posting.achChanges = returned.changes
        posting.statementBalances = statements.finalBalances.map {
            StatementBalanceRow(account: $0.account, day: $0.day, opening: $0.opening, closing: $0.closing, location: $0.location.fileAndLine)
        }
        posting.files = intake.files
        // Unapplied cash of earlier days applied today: its entries, rows and the exceptions whose cause went away.
        posting.entries += cash.reapplied.map { HeldCash.entry($0, day: day) }
        posting.applications = cash.reapplied.flatMap { HeldCash.applicationRows($0, day: day) }
        posting.reapplications = cash.reapplied.flatMap { r in
            r.applications.map { ReapplicationRow(sourceKey: r.held.receipt.sourceKey, invoiceID: $0.invoiceID, amount: $0.amount) }
        }
        let settledAll = cash.reapplied.filter(\.settlesAll)
        let notes = Dictionary(settledAll.map { ($0.held.receipt.id, HeldCash.note($0, day: day)) }, uniquingKeysWith: { a, _ in a })
        posting.resolvedBySettle = try await view.openExceptions(receiptIDs: settledAll.map(\.held.receipt.id))
            .filter { HeldCash.causes.contains($0.type) }.compactMap { e in notes[e.receiptID].map { (e.exceptionID, $0) } }
        // Reviewers' decisions not booked yet (and those a run of this day booked before): after the day's own entries.
        let reviews = try await reviewEntries()
        posting.entries += reviews.drafts
        posting.bookedReviews = reviews.booked
        feed.send(taking: &posting)
        // The ledger's rows of the day's ACH entries and of how cash was applied, made as the writer gets to them.
        feed.send(making: {
            var customers = LedgerBatch()
            customers.achCustomers = DayRun.achCustomers(achRowReceipts, cash)
            return customers
        })
        read.achKeys.receipts = []
        // (The returns' rows come with the last chunk; with no decisions, alone.)
        for start in stride(from: 0, to: max(decided.count, 1), by: chunk) {
            let part = decided[min(start, decided.count)..<min(start + chunk, decided.count)]
            let more = start + chunk >= decided.count ? returned.applicationRows : []
            feed.send(making: { [self] in
                var rows = LedgerBatch()
                rows.applications = applicationRows(part, then: more)
                // Receipts leaving cash unapplied with their customer are kept to be tried again.
                rows.heldReceipts = part.compactMap { HeldCash.row($0, day: day) }
                return rows
            })
        }

        let paidAgain = try await namingEarlierPayments(cash.exceptions)
        var exceptions = uniqueExceptions(missingStatements.map { BankDifference.exception(missing: $0.entry, on: $0.day) } + openItems.exceptions + plan.exceptions + intake.exceptions + read.exceptions + settlement.exceptions + statements.exceptions
                                          + returned.exceptions + paidAgain)
        if !options.dryRun {
            // A file that could not be read or trusted is kept for a person at once, with why.
            for q in intake.quarantined { try Archive.quarantine(q.from, to: q.to, reason: q.reason) }
        }
        // Aging's payment history: the days before (read at the start of the day) and this day's applications and
        // returns, summed while the writer posts.
        let paidBefore = try await historyBefore
        let returnRows = returned.applicationRows
        // (On the background thread: the writer and its feed keep the cooperative pool's two threads.)
        let invoicesMatched = openItems.matching
        async let paymentHistory = BackgroundWork.run { DayRun.adding(decided, returns: returnRows, on: day, among: invoicesMatched, to: paidBefore) }
        // What needs a person, with the evidence of each, as the ledger keeps it: made when the writer gets to it.
        feed.send(making: { [self, exceptions] in
            var raised = LedgerBatch()
            raised.exceptions = exceptionRows(exceptions, decided)
            return raised
        })
        // The inputs are compressed for the archive now, while the writer posts what was sent (the stages before it
        // are the writer's critical path; what follows mostly waits for it). They are placed once the day commits.
        let copies = options.dryRun ? [] : intake.archiveCopies
        staging.start(copies)
        // The day's journal as it stands after this commit is what earlier runs of the day posted and what this one posts.
        let earlierJournal = try await view.entries(ofDay: day)
        clock.lap("prepare-commit")
        // Fault injection for scripts/signal-test.sh: `SETTLE_FAULT_PAUSE_BEFORE_COMMIT=SECONDS` waits here, the day's
        // transaction open, so a signal lands inside a day.
        if let pause = FaultInjection.pauseBeforeCommitSeconds, day == options.days.last {
            try await Task.sleep(for: .milliseconds(Int64(pause * 1000)))
        }
        if let beforeCommit = options.beforeCommit { await beforeCommit(day) }
        // The last moment a stop request is heard: after this the day commits whole.
        try Task.checkCancellation()
        // The reports of matching do not wait for the ledger: made while the writer drains (written once the day commits).
        let remittance = RemittanceList(decisions: cash.decisions, then: returned.remittanceRows + cash.reapplied.flatMap { r in
            HeldCash.applicationRows(r, day: day).map {
                RemittanceRow(receiptID: $0.receiptID, source: r.held.receipt.source.rawValue, sourceRef: r.held.receipt.sourceRef, valueDay: r.held.receipt.valueDay,
                              customerID: r.held.customerID, receiptAmount: r.held.held, invoiceID: $0.invoiceID ?? "", applied: $0.applied, discount: $0.discount,
                              writeOff: $0.writeOff, rule: $0.rule, confidence: $0.confidence)
            }
        })
        let folder = outputFolder
        let runID = runID
        var names: [String: String] = [:]
        var limits: [String: Money] = [:]
        for c in customers {
            names[c.id] = c.name
            if let limit = c.creditLimit { limits[c.id] = limit }
        }
        var matchingReport = DayReport(day: day, runID: runID, remittance: [], exceptions: exceptions, openItems: [], journal: [], summary: .object([]))
        matchingReport.remittance = remittance
        matchingReport.advice = adviceRows(cash.decisions, names: names)
        matchingReport.customerNames = names
        matchingReport.ledgerPath = manifest.ledger
        // What each receipt a person must look at carried, and why it was decided as it was.
        let raisedOn = Set(exceptions.map(\.receiptID))
        for d in cash.decisions where raisedOn.contains(d.receipt.id) {
            let r = d.receipt
            let remitted = r.remittance.map(\.reference).joined(separator: ", ")
            matchingReport.receiptTexts[r.id] = [r.payerName, remitted.isEmpty ? "" : "remittance: \(remitted)", r.freeText]
                .filter { !$0.isEmpty }.joined(separator: " · ")
            matchingReport.evidence[r.id] = d.evidence.description
            matchingReport.candidates[r.id] = (r.amount, d.evidence.candidates)
        }
        let matchingTask = Task { [matchingReport] () throws -> [FileSink] in
            try await ReportWriter.render(matchingReport, parts: .matching, into: folder, inBackground: true)
        }
        let fed: Duration
        var journal: DayJournal
        do {
            fed = try await feed.drain()
            // What this run's batches posted (the journal took it as the writer went).
            journal = try await feed.journal()
        } catch {
            // The day does not commit: nothing of its reports may appear.
            if let made = try? await matchingTask.value { ReportWriter.discard(made) }
            throw error
        }
        clock.lap("post-wait")
        let finishStart = ContinuousClock.now
        // The writer finishes the day (reversals of what is no longer produced, balances, the commit) on its own
        // thread while the open items after the day are worked out here from what its batches posted.
        // The books against every statement closing of the day's files, checked inside the day's transaction once all
        // of it is written; a difference is raised there, in the same commit.
        var commit = DayCommit(runID: runID, day: day)
        commit.bankTies = BankDifference.checks(statementBalances) { b in
            (b.closing ?? b.opening).map { book.code(account: b.account, bank: b.bank, currency: $0.currency) } ?? CashAccountCode.legacy(b.account)
        }
        let rejectedFiles = intake.rejectedCount
        commit.raiseBankDifferences = { [day] results in
            BankDifference.exceptions(results, day: day, skipped: skippedLines, rejectedFiles: rejectedFiles).map { DayRun.exceptionRow($0, day: day, evidence: "") }
        }
        // Open amounts keep their document's sign (an invoice's between 0 and its amount, a credit memo's between its amount
        // and 0): a day that would break it is not committed, and says which invoice and why.
        var openItemsAfter = openItemRows(openItems, earlier: earlierJournal, posted: journal.tally, decisions: cash.decisions)
        let movedToday = journal.tally.moved
        let broken = openItemsAfter.filter { row in
            // Only what this day moved, and only if it kept its sign before (an older ledger's broken item is verify's).
            guard let change = movedToday[row.invoiceID], change != 0, !Self.keepsItsSign(row) else { return false }
            var before = row
            before.openAmount = Money(minorUnits: row.openAmount.minorUnits &- change, currency: row.openAmount.currency)
            return Self.keepsItsSign(before)
        }
        if !broken.isEmpty {
            journal.discard()
            if let made = try? await matchingTask.value { ReportWriter.discard(made) }
            throw LedgerError("\(day): the day would leave " + broken.prefix(5).map { "\($0.invoiceID) open at \($0.openAmount) (its amount \($0.amount))" }.joined(separator: ", ")
                              + (broken.count > 5 ? " and \(broken.count - 5) more" : "")
                              + "; an open amount stays between 0 and its document's amount, so nothing of the day was written. "
                              + "Look at what moved the invoice today (journal of the day, decisions booked by this run: `settle exceptions list --status resolved --day ...`)")
        }
        async let committing = store.finishDay(commit, dryRun: options.dryRun)
        let outcome: CommitOutcome
        do {
            outcome = try await committing
        } catch {
            journal.discard()
            if let made = try? await matchingTask.value { ReportWriter.discard(made) }
            throw error
        }
        // A statement the books do not tie with: its exception joins the day's (the worklist is made again with it).
        let differences = BankDifference.exceptions(outcome.bankTies, day: day, skipped: skippedLines, rejectedFiles: rejectedFiles)
        var matchingReports: [FileSink]
        do {
            matchingReports = try await matchingTask.value
            if !differences.isEmpty {
                exceptions = uniqueExceptions(exceptions + differences)
                ReportWriter.discard(matchingReports)
                matchingReport.exceptions = exceptions
                matchingReports = try await ReportWriter.render(matchingReport, parts: .matching, into: folder, inBackground: true)
            }
            // The commit itself posts only on a rerun (reversals of keys no longer produced): then again with those.
            if !outcome.posted.isEmpty {
                try journal.add(outcome.posted)
                openItemsAfter = openItemRows(openItems, earlier: earlierJournal, posted: journal.tally, decisions: cash.decisions)
            }
        } catch {
            journal.discard()
            throw error
        }
        clock.lap("post-finish")
        // The day's journal file (earlier runs' entries of the day, then this run's) is finished and synced beside the
        // other reports.
        var ledgerCounts = journal.counts
        for entry in earlierJournal { ledgerCounts.add(entry, isInvoiceOpening: PostingRules.isInvoiceOpening(entry.sourceKey)) }
        let postedCount = journal.counts.entries
        let finishing = journal
        let earlier = earlierJournal
        let journalTask = Task { () throws -> FileSink in
            var journal = finishing
            do {
                return try journal.finish(after: earlier)
            } catch {
                journal.discard()
                throw error
            }
        }
        // The day is committed: its inputs go to the archive, compressed and checked against the hashes it recorded
        // (then, with --move-inputs, leave their paths), on a thread of its own while the reports are made; the day
        // is done when both are. A stop request no longer reaches it: the day has committed.
        let moveInputs = options.moveInputs
        let restored = plan.restored
        async let archiving: Duration = {
            let started = ContinuousClock.now
            let staged = try await staging.staged(copies)
            return try await BlockingWork.runToEnd {
                for (copy, path) in staged {
                    if let path { try Archive.place(path, at: copy.to) }
                    if moveInputs, !restored.contains(copy.from) { try FileManager.default.removeItem(atPath: copy.from) }
                }
                return ContinuousClock.now - started
            }
        }()
        // The WAL goes into the database while the reports are written (the next use of the writer waits for it).
        if !options.dryRun { Task { [store] in try? await store.checkpoint() } }
        clock.details += [("post.busy", fed + (ContinuousClock.now - finishStart))] + outcome.timings.map { ("post." + $0.0, $0.1) }
        let summary: JSONValue
        do {
            let bankTies = outcome.bankTies.map {
                Summary.BankTie(account: $0.check.displayAccount, day: $0.check.statementDay, closing: $0.check.closing, book: $0.book)
            } + missingStatements.map { Summary.BankTie(account: Masking.account($0.entry.account), day: $0.day, currency: $0.entry.currency) }
            summary = try Summary.make(day: day, job: manifest.name, currency: manifest.currency, ledgerCounts: ledgerCounts, fileCount: intake.fileCount, rejectedCount: intake.rejectedCount, acceptedCount: acceptedCount,
                                   nachaBatchCount: read.nachaBatchCount, nachaEntryCount: read.nachaEntryCount, statementLineCount: statementLineCount, skippedLineCount: skippedLines.count,
                                   achBatchCount: achBatchCount, reconciliation: settlement.reconciliation, decisions: cash.decisions,
                                   exceptions: exceptions, dryRun: options.dryRun, bankTies: bankTies)
            clock.lap("reports")
            // The day's journal as it stands, whichever run posted it (a rerun that posts nothing rewrites the same file),
            // without the opening entries that mirror invoices the ERP booked itself. A dry run's reports show what
            // the day would be (computed before its transaction was rolled back) in OUTPUT/<date>.dry-run/.
            var report = DayReport(day: day, runID: runID, remittance: [], exceptions: exceptions, openItems: openItemsAfter, journal: [], summary: summary)
            report.remittance = remittance
            report.aging = try await agingRows(openItemsAfter, names: names, limits: limits, history: try await paymentHistory)
            clock.lap("aging")
            report.customerNames = names
            report.trend = trend(summary: summary)
            let ledgerReports = try await ReportWriter.render(report, parts: .ledger, into: folder)
            let journalFile: FileSink
            do {
                journalFile = try await journalTask.value
            } catch {
                ReportWriter.discard(ledgerReports)
                throw error
            }
            try ReportWriter.publish(matchingReports + ledgerReports + [journalFile])
        } catch {
            // Nothing of the day's reports is left half made (the day itself has committed).
            ReportWriter.discard(matchingReports)
            if let made = try? await journalTask.value { made.discard() }
            throw error
        }
        clock.lap("reports-write")
        clock.details.append(("archive", try await archiving))
        clock.lap("archive-wait")
        do {
            // The run log: what this run of the day did and how long each stage took (what summary.json leaves out).
            try? AtomicFile.write(runLog(outcome: outcome, posted: journal.counts, files: intake.fileCount, rejected: intake.rejectedCount, exceptions: exceptions.count,
                                         skipped: skippedLines, timings: clock.timings + clock.details), to: folder + "/run.log", durable: false)
        }
        return DayOutcome(day: day, summary: summary, outputFolder: folder, inputRejected: plan.rejected || intake.rejected || read.rejected,
                          booksDiffer: !differences.isEmpty || !missingStatements.isEmpty,
                          exceptionCount: exceptions.count, postedCount: postedCount, receiptCount: cash.decisions.count,
                          timings: clock.timings + clock.details)
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
                         + (tie.ties ? ", tied" : ", DIFFERENCE \(Money(minorUnits: tie.difference, currency: tie.check.closing.currency))"))
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

    /// The entries of reviewers' decisions this run books (`review:<exception id>`), in exception order.
    func reviewEntries() async throws -> (drafts: [JournalEntryDraft], booked: [(exceptionID: String, seq: Int64)]) {
        var drafts: [JournalEntryDraft] = []
        var booked: [(exceptionID: String, seq: Int64)] = []
        for booking in try await view.reviewsToBook(runDay: day) {
            var owners: [String: String] = [:]
            for a in booking.applications {
                if let invoice = try await view.invoice(id: a.invoiceID) { owners[a.invoiceID] = invoice.customerID }
            }
            let unapplied = booking.decision == ReviewDecisionKind.refund.rawValue ? try await view.unappliedCash(receiptID: booking.receiptID, day: booking.day) : 0
            drafts.append(ReviewEntries.entry(for: booking, invoiceCustomers: owners, unapplied: unapplied))
            booked.append((booking.exceptionID, booking.seq))
        }
        return (drafts, booked)
    }

    /// One exception per id: a rule may raise the same thing twice (the same unknown payer on two lines of one file).
    func uniqueExceptions(_ list: [MatchException]) -> [MatchException] {
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

    /// The day's statement lines keyed by content (`StatementReceipts.keyed`). A line an older ledger posted under
    /// another key keeps that key: its file-and-line key (lines without a reference), its reference without direction
    /// and amount, its content key with the account as written; an old placeholder key (`stmt:A:NONREF`) only for the
    /// line of the same day and amount as the entry that posted it. A line posted on an earlier day (an overlapping
    /// export) is not taken again; every line not taken is listed, with why.
    func statementKeys(_ lines: [StatementLine], fileSHA: [String: String]) async throws -> (lines: [KeyedLine], skipped: [SkippedLine]) {
        let placeholders = manifest.placeholderReferences
        let keyed = StatementReceipts.keyed(lines, placeholders: placeholders)
        func fileLineKey(_ item: KeyedLine) -> String? {
            guard item.line.bankReference.isEmpty, let sha = fileSHA[item.line.location.file] else { return nil }
            return "stmt:\(item.line.account):\(sha):\(item.line.location.line)"
        }
        // One look-up for all the day's keys and the older keys each line may be known by.
        var asked = keyed.lines.map(\.key)
        for item in keyed.lines {
            if let key = fileLineKey(item) { asked.append(key) }
            asked += StatementReceipts.legacyKeys(item)
        }
        let posted = try await view.postedDays(sourceKeys: asked)
        var out: [KeyedLine] = []
        var skipped = keyed.skipped
        // An older key taken by one line of the day is not taken by another (two NONREF lines, one old key).
        var claimed = Set<String>()
        // Each older key's entry read once (a day of NOTPROVIDED lines names one old key a thousand times).
        var entries: [String: (effectiveDay: Day, cash: Int64)?] = [:]
        for var item in keyed.lines {
            if posted[item.key] == nil {
                var older: String?
                if let key = fileLineKey(item), posted[key] != nil { older = key }
                for key in StatementReceipts.legacyKeys(item) where older == nil && posted[key] != nil && !claimed.contains(key) {
                    if entries[key] == nil { entries[key] = .some(try await view.cashEntry(sourceKey: key)) }
                    guard let entry = entries[key] ?? nil, entry.cash == item.line.amount.minorUnits else { continue }
                    // An older key names this line only if the amount and direction agree (a bank reuses references); one
                    // that was a placeholder or content key only if the day does too (booking day, or the value day
                    // older ledgers dated credits by).
                    if key.hasPrefix("stmt:\(item.line.account):\(ByteScanning.trimmed(item.line.bankReference))"), StatementReceipts.hasOwnReference(item.line, placeholders) {
                        older = key
                    } else if entry.effectiveDay == item.line.bookingDay || entry.effectiveDay == item.line.valueDay {
                        older = key
                    }
                }
                if let older {
                    claimed.insert(older)
                    item.key = older
                }
            }
            if let first = posted[item.key], first < day {
                skipped.append(SkippedLine(location: item.line.location, key: item.key, amount: item.line.amount, reason: .postedBefore(day: first)))
                continue
            }
            out.append(item)
        }
        return (out, skipped)
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

    /// Whether an open item's open amount is on its document's side of zero and no larger than its amount.
    static func keepsItsSign(_ row: OpenItemRow) -> Bool {
        let amount = row.amount.minorUnits, open = row.openAmount.minorUnits
        return amount >= 0 ? (open >= 0 && open <= amount) : (open <= 0 && open >= amount)
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

    /// The balances an older ledger booked under another account's code, moved to their own: once (a run of a later
    /// day finds the key posted), and again by a rerun of the day that moved them.
    func bankReclassifications(_ book: BankAccountBook) async throws -> (drafts: [JournalEntryDraft], accounts: [(code: String, name: String)]) {
        var drafts: [JournalEntryDraft] = []
        var accounts: [(code: String, name: String)] = []
        for row in book.reclassifications {
            guard let currency = Currency.iso(row.currency) else { throw LedgerError("bank account \(row.code): currency '\(row.currency)' is not an ISO 4217 code") }
            let key = "bankreclass:\(row.number):\(row.currency)"
            let posted = try await view.postedDay(sourceKey: key)
            if let posted, posted != day { continue }
            let amount = try await view.cashBooked(on: row.reclassFrom, currency: row.currency) { BankAccountNumber.normalized($0) == row.number }
            // Nothing to move and nothing moved before: nothing to post.
            if amount == 0 && posted == nil { continue }
            drafts.append(PostingRules.bankReclassification(row, amount: Money(minorUnits: amount, currency: currency), on: day))
            accounts.append((row.code, "Cash - bank account \(Masking.account(row.number)) \(row.currency)"))
        }
        return (drafts, accounts)
    }

    /// The settlement items as they stand at the end of the day.
    func settlementItemRows(_ result: SettlementResult, pending: [SettlementItem], new: [SettlementItem], lines: [KeyedLine]) -> [SettlementItemRow] {
        var rows: [SettlementItemRow] = []
        let raised = Dictionary(result.unsettled.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for item in pending + new {
            let line = result.settledBy[item.key]
            let isNew = item.firstDay == day
            // Earlier items are written only when today changes them.
            guard isNew || line != nil || raised[item.key] != nil else { continue }
            var row = SettlementItemRow(batchKey: item.key, role: item.role, companyName: item.companyName, fileName: item.fileName, net: item.net,
                                        settlementDay: item.settlementDay, windowEnd: item.windowEnd, firstDay: item.firstDay,
                                        settledDay: line == nil ? nil : day, settledBy: line.map { lines[$0].key },
                                        unsettledDay: raised[item.key]?.unsettledDay ?? item.unsettledDay, location: item.location)
            row.entryAmounts = item.entryAmounts.map(\.minorUnits)
            rows.append(row)
        }
        return rows
    }

    struct ReturnsOutcome {
        var drafts: [JournalEntryDraft] = []
        var applicationRows: [ApplicationRow] = []
        var remittanceRows: [RemittanceRow] = []
        var changes: [ACHChangeRow] = []
        var exceptions: [MatchException] = []
    }

    /// Each return (or reversing entry) finds its original payment in the ledger and reverses its application; each
    /// notification of change is recorded against the customer the original entry paid for.
    func returnsAndChanges(_ reading: ACHReading, duplicates: Set<String>) async throws -> ReturnsOutcome {
        var out = ReturnsOutcome()
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
                var applications = try await view.applications(sourceKey: entry.sourceKey).filter { $0.rule != "return" }.map {
                    PastApplication(receiptID: $0.receiptID, invoiceID: $0.invoiceID, customerID: $0.customerID, applied: $0.applied, discount: $0.discount, writeOff: $0.writeOff)
                }
                // Unapplied cash of the receipt that later days applied to invoices: the return takes it back from them.
                let later = try await view.reapplications(sourceKey: entry.sourceKey, before: day)
                if !later.isEmpty, let held = applications.firstIndex(where: { $0.invoiceID == nil }) {
                    let currency = applications[held].applied.currency
                    let zero = Money.zero(currency)
                    var moved: Int64 = 0
                    for r in later {
                        moved &+= r.amountMinorUnits
                        applications.append(PastApplication(receiptID: applications[held].receiptID, invoiceID: r.invoiceID, customerID: applications[held].customerID,
                                                            applied: Money(minorUnits: r.amountMinorUnits, currency: currency), discount: zero, writeOff: zero))
                    }
                    applications[held].applied = Money(minorUnits: applications[held].applied.minorUnits &- moved, currency: currency)
                    if applications[held].applied.isZero { applications.remove(at: held) }
                }
                original = OriginalPayment(sourceKey: entry.sourceKey, traceNumber: entry.trace, customerID: entry.customerID, day: entry.day, applications: applications)
            }
            let reversal = Returns.reversal(of: notice, original: original)
            out.exceptions.append(reversal.exception)
            out.drafts.append(PostingRules.entry(for: reversal, day: day))
            for a in reversal.reversed {
                out.applicationRows.append(ApplicationRow(receiptID: a.receiptID, sourceKey: reversal.sourceKey, invoiceID: a.invoiceID, customerID: a.customerID,
                                                          applied: a.applied, discount: a.discount, writeOff: a.writeOff, rule: MatchRule.returned.rawValue, confidence: 100,
                                                          evidence: reversal.exception.message))
                out.remittanceRows.append(RemittanceRow(receiptID: a.receiptID, source: "nacha", sourceRef: original?.traceNumber ?? notice.originalTraceNumber,
                                                        valueDay: fact.settlementDay, customerID: a.customerID ?? "", receiptAmount: fact.signedAmount,
                                                        invoiceID: a.invoiceID ?? "", applied: a.applied, discount: a.discount, writeOff: a.writeOff,
                                                        rule: MatchRule.returned.rawValue, confidence: 100))
            }
        }
        for change in reading.changes where !duplicates.contains(change.fact.occurrence) {
            let entry = try await view.originalEntry(trace: change.originalTraceNumber, rdfi: String(change.originalReceivingDFI.prefix(8)),
                                                      amountMinorUnits: nil, role: change.fact.role.rawValue, notAfter: day)
            out.changes.append(ACHChangeRow(noticeKey: change.fact.key, customerID: entry?.customerID, changeCode: change.changeCode,
                                            correctedData: change.correctedData, originalTrace: change.originalTraceNumber, day: day))
            out.exceptions.append(Returns.exception(for: change, customerID: entry?.customerID))
        }
        return out
    }

}

/// The invoices of the master data, shared by the days of a run; the last day takes them, so that a day of a million
/// invoices does not hold them twice (the export's and the ones matching sees).
final class MasterInvoices: @unchecked Sendable {
    private let lock = NSLock()
    private var invoices: [Invoice]

    init(_ invoices: [Invoice]) { self.invoices = invoices }

    /// The invoices; `taking` lets the run's own reference go (the caller then holds them alone).
    func list(taking: Bool) -> [Invoice] {
        lock.withLock {
            let list = invoices
            if taking { invoices = [] }
            return list
        }
    }
}

/// Paths as reports show them: relative to a folder (the manifest's), so outputs do not depend on where the job ran.
public enum RelativePath {
    public static func make(_ path: String, from folder: String) -> String {
        let target = URL(fileURLWithPath: path).standardized.pathComponents
        let base = URL(fileURLWithPath: folder).standardized.pathComponents
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        guard common > 1 else { return path }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }
}

/// Hands a day's batches to the ledger writer in the order they are sent, without the sender waiting for each: the
/// writer posts while the stages go on. A batch may be sent as the work that makes it (`send(making:)`): it is made
/// on another task at most `lead` batches ahead of the writer, so a day's million entries and rows exist a chunk at
/// a time rather than all queued behind the writer. `drain` waits for the last and says how long the writer was busy.
struct LedgerFeed: Sendable {
    private enum Item: Sendable {
        case ready(LedgerBatch)
        case make(@Sendable () -> LedgerBatch)
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
        let (batches, toWriter) = AsyncStream.makeStream(of: LedgerBatch.self)
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
                            + "\(batch.applications.count + batch.achEntries.count + batch.exceptions.count) rows, posted in \(ContinuousClock.now - start)\n"
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
                let batch: LedgerBatch
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

    func send(_ batch: LedgerBatch) {
        items.yield(.ready(batch))
    }

    /// Sends the batch and leaves an empty one in its place (a local batch otherwise lives to the end of the day).
    func send(taking batch: inout LedgerBatch) {
        items.yield(.ready(batch))
        batch = LedgerBatch()
    }

    /// Sends the batch `make` makes, made when the writer is nearly ready for it (not on the caller's task).
    func send(making make: @escaping @Sendable () -> LedgerBatch) {
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

/// The receivable postings of a run's posted entries, per invoice: what they moved, which invoices entries other
/// than openings touched, and how many entries there were.
struct ReceivableTally: Sendable, Equatable {
    var moved: [String: Int64] = [:]
    var touched = Set<String>()
    var entryCount = 0

    init() {}

    /// What entries posted by earlier runs of the day moved (not counted as this run's, touching nothing).
    mutating func addMoves(_ entries: ArraySlice<PostedEntry>) {
        for entry in entries {
            for p in entry.postings where p.account == ChartOfAccounts.accountsReceivable {
                if let invoice = p.invoiceID { moved[invoice, default: 0] &+= p.amount.minorUnits }
            }
        }
    }

    mutating func add(sourceKey: String, postings: [Posting], opening: Bool) {
        entryCount += 1
        for p in postings where p.account == ChartOfAccounts.accountsReceivable {
            guard let invoice = p.invoiceID else { continue }
            moved[invoice, default: 0] &+= p.amount.minorUnits
            if !opening { touched.insert(invoice) }
        }
    }
}

/// What a day has counted so far, for the progress line (set by the day's task, read by the observer).
final class ProgressCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var _files = 0
    private var _receipts = 0
    var files: Int {
        get { lock.withLock { _files } }
        set { lock.withLock { _files = newValue } }
    }
    var receipts: Int {
        get { lock.withLock { _receipts } }
        set { lock.withLock { _receipts = newValue } }
    }
}
