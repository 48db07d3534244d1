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

        // Receipts and settlement batches from ACH files; statement lines from statements.
        var receipts: [Receipt] = []
        var settlementBatches: [SettlementBatch] = []
        var lines: [(line: StatementLine, input: IngestedInput)] = []
        var nachaEntryCount = 0
        var nachaBatchCount = 0
        for input in accepted {
            switch input.format {
            case .nacha:
                for batch in input.batches {
                    nachaBatchCount += 1
                    if batch.isRejected {
                        inputRejected = true
                        let errors = input.diagnostics.filter { $0.severity >= .error && $0.location.line >= batch.header.location.line && $0.location.line <= (batch.control?.location.line ?? Int.max) }
                        exceptions.append(MatchException(type: .invalidInput, severity: .error, about: "batch:\(input.sha256):\(batch.header.batchNumber)", discriminator: day.description,
                                                         source: "nacha", sourceRef: String(batch.header.batchNumber), location: errors.first?.location ?? batch.header.location,
                                                         amount: Money(minorUnits: batch.totalCreditCents - batch.totalDebitCents, currency: manifest.currency),
                                                         message: "batch \(batch.header.batchNumber) of \(input.name) (\(batch.header.companyName)) was rejected: " + errors.prefix(3).map(\.description).joined(separator: "; "),
                                                         suggestions: "ask the originator for a corrected batch; the rest of the file was processed"))
                        continue
                    }
                    collect(batch, from: input, receipts: &receipts, settlement: &settlementBatches, exceptions: &exceptions, entryCount: &nachaEntryCount)
                }
            case .bai2, .camt052, .camt053, .camt054, .csv:
                lines += input.statementLines.filter(\.isBooked).map { ($0, input) }
            }
        }
        lap("normalize")

        // Settlement reconciliation.
        let reconciliation = SettlementReconciler().reconcile(batches: settlementBatches, lines: lines.map(\.line))
        for batch in reconciliation.unsettled {
            exceptions.append(MatchException(type: .unsettledBatch, severity: .warning, about: batch.key, source: "nacha", sourceRef: String(batch.batchNumber),
                                             location: batch.location, amount: batch.netAmount,
                                             message: "batch \(batch.batchNumber) of \(batch.fileName) (\(batch.companyName), effective \(batch.effectiveDay)) for \(batch.netAmount) does not appear on the bank statement; its entries were applied",
                                             suggestions: "check the next statement; ask the bank if it does not appear"))
        }
        var bankDebitDrafts: [JournalEntryDraft] = []
        for (index, item) in lines.enumerated() where !reconciliation.explainedLines.contains(index) {
            let line = item.line
            let reference = line.bankReference.isEmpty ? "\(URL(fileURLWithPath: line.location.file).lastPathComponent):\(line.location.line)" : line.bankReference
            let key = line.bankReference.isEmpty ? "stmt:\(line.account):\(item.input.sha256):\(line.location.line)" : "stmt:\(line.account):\(line.bankReference)"
            if line.amount.minorUnits > 0 {
                receipts.append(Receipt(id: ContentID.make(prefix: "R", key), source: ReceiptSource(rawValue: line.format == .camt053 || line.format == .camt054 || line.format == .camt052 ? "camt053" : line.format.rawValue) ?? .bai2,
                                        sourceRef: reference, sourceKey: key, valueDay: line.valueDay ?? line.bookingDay, amount: line.amount, bankAccount: line.account,
                                        payerName: line.counterparty, remittance: line.remittance,
                                        freeText: ByteScanning.trimmed(line.description + " " + line.customerReference), location: line.location))
            } else if line.amount.minorUnits < 0 {
                bankDebitDrafts.append(PostingRules.entry(forBankDebit: line, sourceKey: key))
                if line.kind != .fee {
                    exceptions.append(MatchException(type: .unexplainedBankLine, severity: .warning, about: key, source: line.format.rawValue, sourceRef: reference,
                                                     location: line.location, amount: line.amount,
                                                     message: "a debit of \(Money(minorUnits: -line.amount.minorUnits, currency: line.amount.currency)) (type \(line.typeCode) \(BAI2TypeCode.describe(Int(line.typeCode) ?? 0))) that no ACH batch or rule explains: \(line.description); held in suspense",
                                                     suggestions: "find what it paid, then resolve the exception"))
                }
            }
        }
        lap("settlement")

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
        for l in lines { cashAccounts[ChartOfAccounts.cash(bankAccount: l.line.account)] = "Cash - bank account \(Masking.account(l.line.account))" }

        if !options.dryRun {
            for copy in archiveCopies { try archive(copy.from, to: copy.to) }
        }
        let commit = DayCommit(runID: runID, day: day, invoices: ledgerInvoices, entries: openingDrafts + receiptDrafts + bankDebitDrafts,
                               applications: applicationRows, exceptions: exceptionRows, files: files,
                               cashAccounts: cashAccounts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, accountNames: manifest.accounts)
        let outcome = try await store.commit(commit, dryRun: options.dryRun)
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
        let remittance = decisions.flatMap(RemittanceRow.rows(for:))
        lap("reports")
        let summary = Summary.make(day: day, runID: runID, manifest: manifest, inputs: inputs, acceptedCount: accepted.count, nachaBatchCount: nachaBatchCount,
                                   nachaEntryCount: nachaEntryCount, statementLineCount: lines.count, settlementBatches: settlementBatches,
                                   reconciliation: reconciliation, decisions: decisions, exceptions: exceptions, outcome: outcome, timings: timings,
                                   dryRun: options.dryRun)
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
                    (index, Ingest.read(path: file.path, displayPath: display, format: file.source.format, role: file.source.role, account: file.source.account,
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

    /// Entries of an accepted batch become receipts; a received batch is also expected on the statement.
    func collect(_ batch: Batch, from input: IngestedInput, receipts: inout [Receipt], settlement: inout [SettlementBatch],
                 exceptions: inout [MatchException], entryCount: inout Int) {
        let header = batch.header
        let currency = manifest.currency
        let effective = header.effectiveEntryDate ?? day
        var net: Int64 = 0
        for entry in batch.entries {
            entryCount += 1
            let detail = entry.detail
            let code = detail.transactionCode
            if TransactionCode.isZeroDollar(code) || detail.amountCents == 0 { continue }
            let sourceKey = "ach:\(input.sha256):\(header.batchNumber):\(detail.traceNumber)"
            if let returned = entry.returnAddenda {
                exceptions.append(MatchException(type: .returnEntry, severity: .warning, about: sourceKey, source: "nacha", sourceRef: returned.originalEntryTraceNumber,
                                                 location: detail.location, amount: Money(minorUnits: detail.signedAmountCents, currency: currency),
                                                 message: "return \(returned.returnReasonCode) (\(ReturnReasonCode.describe(returned.returnReasonCode) ?? "unknown")) of entry \(returned.originalEntryTraceNumber) for \(Money(minorUnits: detail.amountCents, currency: currency)); reverse its application by hand (automatic reversal is not built yet)",
                                                 suggestions: "reopen the invoices the original entry paid"))
                continue
            }
            if let change = entry.notificationOfChange {
                exceptions.append(MatchException(type: .noc, severity: .warning, about: sourceKey, source: "nacha", sourceRef: change.originalEntryTraceNumber,
                                                 location: detail.location, message: "notification of change \(change.changeCode) (\(ChangeCode.describe(change.changeCode) ?? "unknown")) for entry \(change.originalEntryTraceNumber): corrected data \(Masking.account(change.correctedData))",
                                                 suggestions: "update the customer's bank details before the next debit"))
                continue
            }
            let signed: Int64
            let payerName: String
            let companyID: String
            let bankAccount: String
            switch input.role {
            case .received:
                // Credits to our account are money in; debits to it are money out.
                signed = detail.signedAmountCents
                payerName = header.companyName
                companyID = header.companyIdentification
                bankAccount = input.account ?? detail.dfiAccountNumber
            case .originated:
                // Our debits pull money from the customer into our account.
                signed = -detail.signedAmountCents
                payerName = detail.receiverName
                companyID = ""
                bankAccount = input.account ?? "ACH"
            }
            net += detail.signedAmountCents
            let text = entry.paymentRelatedInformation
            let remittance = text.isEmpty ? nil : X12Remittance.parse(text, currency: currency)
            var freeText = remittance?.freeText ?? ""
            if input.role == .originated, !detail.identificationNumber.isEmpty { freeText = ByteScanning.trimmed(detail.identificationNumber + " " + freeText) }
            receipts.append(Receipt(id: ContentID.make(prefix: "R", sourceKey), source: .nacha, sourceRef: detail.traceNumber, sourceKey: sourceKey,
                                    valueDay: effective, amount: Money(minorUnits: signed, currency: currency), bankAccount: bankAccount,
                                    payerName: payerName, payerCompanyID: companyID, remittance: remittance?.items ?? [], freeText: freeText,
                                    location: detail.location))
        }
        if input.role == .received {
            settlement.append(SettlementBatch(key: "ach:\(input.sha256):\(header.batchNumber)", fileKey: input.sha256, fileName: input.name,
                                              batchNumber: header.batchNumber, companyName: header.companyName, effectiveDay: effective,
                                              netAmount: Money(minorUnits: net, currency: currency), location: header.location))
        }
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
