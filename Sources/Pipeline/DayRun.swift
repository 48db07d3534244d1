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
    let store: LedgerStore
    let runID: Int64
    let day: Day
    let customers: [Customer]
    let invoices: [Invoice]
    let options: RunOptions

    struct PlannedFile: Sendable {
        var source: Manifest.Source
        var path: String
    }

    func run() async throws -> DayOutcome {
        let clock = ContinuousClock()
        var timings: [(String, Duration)] = []
        var mark = clock.now
        func lap(_ stage: String) {
            let now = clock.now
            timings.append((stage, now - mark))
            mark = now
        }

        var exceptions: [MatchException] = []
        var inputRejected = false

        // Plan: the files every source names for the day.
        var planned: [PlannedFile] = []
        for source in manifest.sources {
            let found = manifest.files(of: source, on: day)
            if let missing = found.missing {
                inputRejected = true
                exceptions.append(MatchException(type: .invalidInput, severity: .error, about: "missing:\(missing)", discriminator: day.description,
                                                 source: source.format.rawValue, location: SourceLocation(file: RelativePath.make(missing, from: URL(fileURLWithPath: manifest.path).deletingLastPathComponent().standardized.path), line: 0), amount: nil,
                                                 message: "\(source.key).path names \(missing), which does not exist for \(day)",
                                                 suggestions: "check that the bank delivered the file, or use a wildcard for days without one"))
            }
            planned += found.files.map { PlannedFile(source: source, path: $0) }
        }

        // Ingest: every file concurrently, results kept in plan order.
        let inputs = await ingestAll(planned)
        lap("ingest")

        // Duplicates and rejected files.
        var accepted: [IngestedInput] = []
        var seenToday: [String: String] = [:]
        var files: [IngestedFile] = []
        var archiveCopies: [(from: String, to: String)] = []
        for input in inputs {
            if input.isRejected {
                inputRejected = true
                let first = input.diagnostics.first { $0.severity == .fatal }
                let messages = input.diagnostics.filter { $0.severity >= .error }.prefix(3).map(\.description)
                let quarantine = "\(manifest.archive)/quarantine/\(day)/\(input.name)"
                archiveCopies.append((input.path, quarantine))
                exceptions.append(MatchException(type: .invalidInput, severity: .error, about: "file:\(input.sha256.isEmpty ? input.displayPath : input.sha256)",
                                                 discriminator: day.description, source: input.format.rawValue,
                                                 location: first?.location ?? SourceLocation(file: input.displayPath, line: 0),
                                                 message: "\(input.name) was rejected and quarantined: " + (input.readError ?? messages.joined(separator: "; ")),
                                                 suggestions: "run `settle validate \(input.displayPath)` for every issue; ask the bank for a corrected file"))
                continue
            }
            if let earlier = seenToday[input.sha256] {
                exceptions.append(MatchException(type: .duplicate, severity: .warning, about: "file:\(input.sha256)", discriminator: "\(day):\(input.displayPath)",
                                                 source: input.format.rawValue, location: SourceLocation(file: input.displayPath, line: 1),
                                                 message: "\(input.name) has the same content as \(earlier) in this run; not processed again",
                                                 suggestions: "remove the extra copy"))
                continue
            }
            if let previous = try await store.ingestedFile(sha256: input.sha256), previous.day != day {
                exceptions.append(MatchException(type: .duplicate, severity: .warning, about: "file:\(input.sha256)", discriminator: "\(day):\(input.displayPath)",
                                                 source: input.format.rawValue, location: SourceLocation(file: input.displayPath, line: 1),
                                                 message: "\(input.name) has the same content (SHA-256 \(input.sha256.prefix(12))…) as \(previous.name), taken by run \(previous.runID) on \(previous.day); not processed again",
                                                 suggestions: "if the bank re-sent the file by mistake, nothing to do"))
                continue
            }
            seenToday[input.sha256] = input.name
            let archived = "\(manifest.archive)/\(day)/\(input.sha256.prefix(12))-\(input.name)"
            archiveCopies.append((input.path, archived))
            files.append(IngestedFile(sha256: input.sha256, sizeBytes: input.sizeBytes, name: input.name, runID: runID, day: day, archivePath: archived))
            accepted.append(input)
        }

        // ACH files read into entries, returns, notifications of change and batches; statement lines keyed by content.
        var achFiles: [ACHFile] = []
        var statementLines: [StatementLine] = []
        var statementBalances: [StatementBalance] = []
        var lineFileSHA: [String: String] = [:]
        var nachaEntryCount = 0
        var nachaBatchCount = 0
        for input in accepted {
            switch input.format {
            case .nacha:
                for batch in input.batches {
                    nachaBatchCount += 1
                    nachaEntryCount += batch.entries.count
                    if batch.isRejected {
                        inputRejected = true
                        exceptions.append(rejectedBatchException(batch, of: input))
                    }
                }
                achFiles.append(ACHFile(name: input.name, sha256: input.sha256, role: input.role == .received ? .received : .originated, account: input.account,
                                        batches: input.batches))
            case .bai2, .camt052, .camt053, .camt054, .csv:
                statementLines += input.statementLines
                statementBalances += input.statementBalances
                if let first = input.statementLines.first { lineFileSHA[first.location.file] = input.sha256 }
            }
        }
        let reading = ACHReading(files: achFiles, currency: manifest.currency, day: day)
        let achKeys = try await achReceipts(reading)
        var receipts = achKeys.receipts
        exceptions += achKeys.exceptions
        let keyed = try await statementKeys(statementLines, fileSHA: lineFileSHA)
        lap("normalize")

        // Settlement: the day's batches and the ones still waiting, against the day's lines.
        let newItems = reading.settlementBatches.map { batch in
            SettlementItem(batch, role: achFiles.first { $0.sha256 == batch.fileKey }?.role.rawValue ?? "received", firstDay: day)
        }
        let pendingItems = try await store.pendingSettlements(before: day).map { row in
            var item = SettlementItem(key: row.batchKey, role: row.role, companyName: row.companyName, fileKey: "", fileName: row.fileName, net: row.net,
                                      settlementDay: row.settlementDay, windowEnd: row.windowEnd, firstDay: row.firstDay, unsettledDay: row.unsettledDay,
                                      location: row.location)
            item.entryAmounts = row.entryAmounts.map { Money(minorUnits: $0, currency: row.net.currency) }
            return item
        }
        let reconciliation = SettlementReconciler().reconcile(items: pendingItems + newItems, lines: keyed.map(\.line), day: day)
        for item in reconciliation.unsettled {
            exceptions.append(MatchException(type: .unsettledBatch, severity: .warning, about: item.key, source: "nacha", sourceRef: item.companyName,
                                             location: SourceLocation.parse(fileAndLine: item.location), amount: item.net,
                                             message: "the \(item.role) batch of \(item.companyName) in \(item.fileName) for \(item.net), settling \(item.settlementDay), did not appear on the bank statement by \(item.windowEnd); its entries were applied and its cash stays in ACH in transit",
                                             suggestions: "ask the bank; a line that comes later still settles it"))
        }
        // Batches whose entries an older ledger posted straight to cash (legacy keys) have nothing in transit to move.
        let legacyBatches = Set(reading.entries.filter { ACHReading.isLegacyKey(achKeys.sourceKeys[$0.key] ?? "") }.map(\.batchKey))
        let itemsByKey = Dictionary((pendingItems + newItems).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var settlementDrafts: [JournalEntryDraft] = []
        for (itemKey, lineIndex) in reconciliation.settledBy.sorted(by: { $0.key < $1.key }) where !legacyBatches.contains(itemKey) {
            guard let item = itemsByKey[itemKey] else { continue }
            settlementDrafts.append(PostingRules.settlement(of: item, by: keyed[lineIndex].line, lineKey: keyed[lineIndex].key))
        }
        var bankDebitDrafts: [JournalEntryDraft] = []
        for (index, item) in keyed.enumerated() where !reconciliation.explainedLines.contains(index) {
            let line = item.line
            if line.amount.minorUnits > 0 {
                receipts.append(StatementReceipts.receipt(item))
            } else if line.amount.minorUnits < 0 {
                bankDebitDrafts.append(PostingRules.entry(forBankDebit: line, sourceKey: item.key))
                if line.kind != .fee {
                    exceptions.append(MatchException(type: .unexplainedBankLine, severity: .warning, about: item.key, source: line.format.rawValue,
                                                     sourceRef: line.bankReference.isEmpty ? line.location.fileAndLine : line.bankReference,
                                                     location: line.location, amount: line.amount,
                                                     message: "a debit of \(Money(minorUnits: -line.amount.minorUnits, currency: line.amount.currency)) (type \(line.typeCode) \(BAI2TypeCode.describe(Int(line.typeCode) ?? 0))) that no ACH batch or rule explains: \(line.description); held in suspense",
                                                     suggestions: "find what it paid, then resolve the exception"))
                }
            }
        }
        let settlementRows = settlementItemRows(reconciliation, pending: pendingItems, new: newItems, lines: keyed)
        lap("settlement")

        // Statements chain day to day; an account's first statement gives the books its opening balance.
        let previousBalances = try await store.lastStatementBalances(before: day).mapValues { StatementChain.Previous(day: $0.day, closing: $0.closing) }
        let chain = StatementChain.check(today: statementBalances, previous: previousBalances, day: day)
        exceptions += chain.exceptions
        // The opening balance is booked when the account's cash has no postings yet (a ledger that booked its cash
        // without one, before settle read balances, is left as it was: its summary shows the difference).
        var bankOpeningDrafts: [JournalEntryDraft] = []
        for opening in chain.openings {
            guard let draft = PostingRules.bankOpening(opening) else { continue }
            let cash = ChartOfAccounts.cash(bankAccount: opening.account)
            let bookedBefore = try await store.postedDay(sourceKey: draft.sourceKey) != nil
            let cashUntouched = try await store.balance(account: cash, through: Day(daysSinceEpoch: Int32.max / 2)).isEmpty
            if bookedBefore || cashUntouched { bankOpeningDrafts.append(draft) }
        }
        var finalBalances: [String: StatementBalance] = [:]
        for b in statementBalances where b.isFinal && b.day == day { finalBalances[b.account] = b }

        // Returns and reversals undo the original application; notifications of change are recorded.
        let returned = try await returnsAndChanges(reading, duplicates: achKeys.duplicates)
        exceptions += returned.exceptions
        lap("returns")

        // Cash application against the open items as they stood before this day.
        let known = Dictionary(try await store.invoices().map { ($0.invoiceID, $0) }, uniquingKeysWith: { a, _ in a })
        let openBefore = try await store.openAmounts(before: day)
        var matchingInvoices: [Invoice] = []
        var openingDrafts: [JournalEntryDraft] = []
        var csvIDs = Set<String>()
        for invoice in invoices {
            csvIDs.insert(invoice.id)
            var working = invoice
            if let open = openBefore[invoice.id] {
                working.openAmount = Money(minorUnits: open, currency: invoice.amount.currency)
            } else {
                openingDrafts.append(PostingRules.openingEntry(for: invoice, on: day))
            }
            matchingInvoices.append(working)
        }
        for (id, ledgerInvoice) in known where !csvIDs.contains(id) {
            guard let open = openBefore[id] else { continue }
            matchingInvoices.append(Invoice(id: id, customerID: ledgerInvoice.customerID, issueDay: ledgerInvoice.issueDay, dueDay: ledgerInvoice.dueDay,
                                            amount: ledgerInvoice.amount, openAmount: Money(minorUnits: open, currency: ledgerInvoice.amount.currency),
                                            terms: PaymentTerms.parse(ledgerInvoice.terms), poNumber: ledgerInvoice.poNumber))
        }
        // Day D sees only the invoices issued on or before D.
        var application = await CashApplication.make(customers: customers, invoices: matchingInvoices, policy: manifest.policy, asOf: day)
        receipts.sort { ($0.valueDay, $0.source.rawValue, $0.sourceRef, $0.sourceKey) < ($1.valueDay, $1.source.rawValue, $1.sourceRef, $1.sourceKey) }
        let applied = await application.applyAll(receipts, concurrency: options.concurrency)
        let decisions = applied.decisions
        exceptions += applied.exceptions
        lap("cash-application")

        // Post: the whole day in one transaction.
        let receiptDrafts = decisions.map(PostingRules.entry(for:))
        let customerByReceiptKey = Dictionary(decisions.map { ($0.receipt.sourceKey, $0.customerID) }, uniquingKeysWith: { a, _ in a })
        let achRows = reading.entries.compactMap { fact -> ACHEntryRow? in
            guard !achKeys.duplicates.contains(fact.occurrence) else { return nil }
            let sourceKey = achKeys.sourceKeys[fact.key] ?? fact.key
            return ACHEntryRow(entryKey: fact.key, role: fact.role.rawValue, kind: fact.kind.rawValue, companyID: fact.companyID, trace: fact.traceNumber,
                               rdfi: fact.receivingDFI, amount: fact.amount, effectiveDay: fact.effectiveDay,
                               settlementDay: fact.settlementDay, sourceKey: sourceKey, customerID: customerByReceiptKey[sourceKey] ?? nil,
                               receiverName: fact.receiverName, identification: fact.identificationNumber, fileName: fact.fileName, day: day)
        }
        let ledgerInvoices = invoices.map {
            LedgerInvoice(invoiceID: $0.id, customerID: $0.customerID, issueDay: $0.issueDay, dueDay: $0.dueDay, amount: $0.amount, openAmount: $0.openAmount,
                          terms: $0.terms?.description ?? "", poNumber: $0.poNumber)
        }
        let applicationRows = decisions.flatMap { d -> [ApplicationRow] in
            let evidenceText = d.evidence.description
            var rows = d.applications.map {
                ApplicationRow(receiptID: d.receipt.id, sourceKey: d.receipt.sourceKey, invoiceID: $0.invoiceID, customerID: $0.customerID,
                               applied: $0.applied, discount: $0.discount, writeOff: $0.writeOff, rule: d.rule.rawValue, confidence: d.confidence,
                               evidence: evidenceText)
            }
            if !d.unapplied.isZero {
                let zero = Money.zero(d.unapplied.currency)
                rows.append(ApplicationRow(receiptID: d.receipt.id, sourceKey: d.receipt.sourceKey, invoiceID: nil, customerID: d.customerID,
                                           applied: d.unapplied, discount: zero, writeOff: zero, rule: MatchRule.unapplied.rawValue, confidence: d.confidence,
                                           evidence: evidenceText))
            }
            return rows
        }
        exceptions = uniqueExceptions(exceptions)
        // An exception raised on a receipt carries the evidence of the receipt's decision.
        var evidenceByReceipt: [String: String] = [:]
        let raisedOn = Set(exceptions.map(\.receiptID))
        for d in decisions where raisedOn.contains(d.receipt.id) { evidenceByReceipt[d.receipt.id] = d.evidence.description }
        let exceptionRows = exceptions.map {
            ExceptionRow(exceptionID: $0.id, day: day, type: $0.type.rawValue, severity: $0.severity.description, receiptID: $0.receiptID, source: $0.source,
                         sourceRef: $0.sourceRef, location: $0.location?.fileAndLine ?? "", customerID: $0.customerID, amount: $0.amount,
                         invoiceIDs: $0.invoiceIDs, message: $0.message, suggestions: $0.suggestions, evidence: evidenceByReceipt[$0.receiptID] ?? "")
        }
        var cashAccounts: [String: String] = [:]
        for r in receipts { cashAccounts[ChartOfAccounts.cash(bankAccount: r.bankAccount)] = "Cash - bank account \(Masking.account(r.bankAccount))" }
        for l in keyed { cashAccounts[ChartOfAccounts.cash(bankAccount: l.line.account)] = "Cash - bank account \(Masking.account(l.line.account))" }
        for b in finalBalances.values { cashAccounts[ChartOfAccounts.cash(bankAccount: b.account)] = "Cash - bank account \(Masking.account(b.account))" }

        if !options.dryRun {
            for copy in archiveCopies { try archive(copy.from, to: copy.to) }
        }
        var commit = DayCommit(runID: runID, day: day, invoices: ledgerInvoices,
                               // Posting order sets entry ids: keep it a function of content, not of file order.
                               entries: bankOpeningDrafts + openingDrafts + receiptDrafts + settlementDrafts
                                   + bankDebitDrafts.sorted { $0.sourceKey < $1.sourceKey } + returned.drafts.sorted { $0.sourceKey < $1.sourceKey },
                               applications: applicationRows + returned.applicationRows, exceptions: exceptionRows, files: files,
                               cashAccounts: cashAccounts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, accountNames: manifest.accounts)
        commit.achEntries = achRows
        commit.achChanges = returned.changes
        commit.settlementItems = settlementRows
        commit.statementBalances = finalBalances.values.sorted { $0.account < $1.account }.map {
            StatementBalanceRow(account: $0.account, day: $0.day, opening: $0.opening, closing: $0.closing, location: $0.location.fileAndLine)
        }
        let outcome = try await store.commit(commit, dryRun: options.dryRun)
        // The books tie to the bank: each account's cash after the day against the statement's closing balance.
        var bankTies: [Summary.BankTie] = []
        for balance in finalBalances.values.sorted(by: { $0.account < $1.account }) {
            guard let closing = balance.closing else { continue }
            let book = try await store.balance(account: ChartOfAccounts.cash(bankAccount: balance.account), through: day)[closing.currency.code] ?? 0
            bankTies.append(Summary.BankTie(account: Masking.account(balance.account), closing: closing, book: Money(minorUnits: book, currency: closing.currency)))
        }
        lap("post")

        // Reports.
        let touched = Set(decisions.flatMap { $0.applications.map(\.invoiceID) })
        // Open items as they stand at the end of this day (a rerun of an earlier day does not see later days).
        let openAtEnd = try await store.openAmounts(before: day.adding(days: 1))
        let openItems = try await store.invoices().compactMap { invoice -> OpenItemRow? in
            guard let open = openAtEnd[invoice.invoiceID], open != 0 || touched.contains(invoice.invoiceID) else { return nil }
            let openAmount = Money(minorUnits: open, currency: invoice.amount.currency)
            return OpenItemRow(invoiceID: invoice.invoiceID, customerID: invoice.customerID, dueDay: invoice.dueDay, amount: invoice.amount,
                               openAmount: openAmount, daysPastDue: open > 0 ? max(0, day.days(since: invoice.dueDay)) : 0)
        }
        let remittance = decisions.flatMap(RemittanceRow.rows(for:)) + returned.remittanceRows
        lap("reports")
        let summary = Summary.make(day: day, runID: runID, manifest: manifest, inputs: inputs, acceptedCount: accepted.count, nachaBatchCount: nachaBatchCount,
                                   nachaEntryCount: nachaEntryCount, statementLineCount: keyed.count, settlementBatches: reading.settlementBatches,
                                   reconciliation: reconciliation, decisions: decisions, exceptions: exceptions, outcome: outcome, timings: timings,
                                   dryRun: options.dryRun, bankTies: bankTies)
        let folder = "\(manifest.output)/\(day)"
        if !options.dryRun {
            let report = DayReport(day: day, runID: runID, remittance: remittance, exceptions: exceptions, openItems: openItems, journal: outcome.posted, summary: summary)
            try ReportWriter.write(report, to: folder)
        }
        return DayOutcome(day: day, summary: summary, outputFolder: folder, inputRejected: inputRejected, exceptionCount: exceptions.count,
                          postedCount: outcome.posted.count, receiptCount: receipts.count)
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
                    (index, await Ingest.readConcurrently(path: file.path, displayPath: display, format: file.source.format, role: file.source.role, account: file.source.account,
                                        strict: file.source.strict, currency: currency, profile: file.source.profile))
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
        let seen = try await store.achEntriesSeen(effectiveDays: effectiveDays, before: day)
        var legacy = Set<String>()
        // Legacy keys are `ach:<file sha-256>:<batch>:<trace>`: one range look-up per file.
        let legacyPrefixes = Set(reading.entries.map { fact in "ach:" + fact.legacyKey.dropFirst(4).prefix(while: { $0 != ":" }) + ":" })
        for prefix in legacyPrefixes.sorted() {
            legacy.formUnion(try await store.postedSourceKeys(prefix: prefix))
        }
        let made = reading.receipts(day: day, seenBefore: seen, legacyPosted: legacy)
        var keys: [String: String] = [:]
        for fact in reading.entries { keys[fact.key] = legacy.contains(fact.legacyKey) ? fact.legacyKey : fact.key }
        return (made.receipts, made.exceptions, made.duplicates, keys)
    }

    /// The day's statement lines keyed by content; a line without a bank reference that an older ledger posted under its
    /// file-and-line key keeps that key; a line posted on an earlier day (an overlapping export) is not taken again.
    func statementKeys(_ lines: [StatementLine], fileSHA: [String: String]) async throws -> [KeyedLine] {
        let keyed = StatementReceipts.keyed(lines).lines
        var out: [KeyedLine] = []
        for var item in keyed {
            if item.line.bankReference.isEmpty, let sha = fileSHA[item.line.location.file] {
                let legacy = "stmt:\(item.line.account):\(sha):\(item.line.location.line)"
                if try await store.postedDay(sourceKey: legacy) != nil { item.key = legacy }
            }
            if let first = try await store.postedDay(sourceKey: item.key), first < day { continue }
            out.append(item)
        }
        return out
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
                entry = try await store.reversedEntry(companyID: fact.companyID, rdfi: fact.receivingDFI, amountMinorUnits: fact.amount.minorUnits,
                                                      role: fact.role.rawValue, notAfter: day)
            } else {
                entry = try await store.originalEntry(trace: notice.originalTraceNumber, rdfi: String(notice.originalReceivingDFI.prefix(8)),
                                                      amountMinorUnits: fact.amount.minorUnits, role: fact.role.rawValue, notAfter: day)
            }
            var original: OriginalPayment?
            if let entry {
                let applications = try await store.applications(sourceKey: entry.sourceKey).filter { $0.rule != "return" }.map {
                    PastApplication(receiptID: $0.receiptID, invoiceID: $0.invoiceID, customerID: $0.customerID, applied: $0.applied, discount: $0.discount, writeOff: $0.writeOff)
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
            let entry = try await store.originalEntry(trace: change.originalTraceNumber, rdfi: String(change.originalReceivingDFI.prefix(8)),
                                                      amountMinorUnits: nil, role: change.fact.role.rawValue, notAfter: day)
            out.changes.append(ACHChangeRow(noticeKey: change.fact.key, customerID: entry?.customerID, changeCode: change.changeCode,
                                            correctedData: change.correctedData, originalTrace: change.originalTraceNumber, day: day))
            out.exceptions.append(Returns.exception(for: change, customerID: entry?.customerID))
        }
        return out
    }

    func archive(_ from: String, to destination: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: destination) { return }
        try fm.createDirectory(atPath: URL(fileURLWithPath: destination).deletingLastPathComponent().path, withIntermediateDirectories: true)
        let temporary = destination + ".part"
        if fm.fileExists(atPath: temporary) { try fm.removeItem(atPath: temporary) }
        try fm.copyItem(atPath: from, toPath: temporary)
        try fm.moveItem(atPath: temporary, toPath: destination)
    }
}

/// Account numbers in reports and logs show their last four digits only.
public enum Masking {
    public static func account(_ number: String) -> String {
        let trimmed = ByteScanning.trimmed(number)
        guard trimmed.count > 4 else { return trimmed }
        return String(repeating: "•", count: 4) + trimmed.suffix(4)
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
