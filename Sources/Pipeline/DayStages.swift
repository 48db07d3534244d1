import Accounting
import ACH
import Core
import Foundation
import Ledger
import Matching
import Receivables
import Reports
import Statements

/// The reading and matching stages of a day, each with its typed result: what they read of the ledger and the files.
/// DayRun orchestrates; the rules live in Matching and Accounting.
extension DayRun {
    struct Plan: Sendable {
        var files: [PlannedFile] = []
        /// Inputs read back from the archive (their paths no longer held them).
        var restored: [String] = []
        var exceptions: [MatchException] = []
        var rejected = false
    }

    /// What a day reads before it needs the ledger as the day before left it: its files found (or read back from
    /// the archive), read and hashed. The runner prepares day N+1 while day N matches and posts.
    struct Prepared: Sendable {
        var plan: Plan
        var inputs: [IngestedInput]
    }

    func prepare() async throws -> Prepared {
        let plan = try await planFiles()
        let inputs = await ingestAll(plan.files)
        try Task.checkCancellation()
        return Prepared(plan: plan, inputs: inputs)
    }

    /// The files every source names for the day; a source that names a missing file is `INVALID_INPUT`. A source
    /// that names nothing on a day runs took files for before (a rerun whose inputs were moved away) reads them back
    /// from the archive.
    func planFiles() async throws -> Plan {
        var plan = Plan()
        let folder = URL(fileURLWithPath: manifest.path).deletingLastPathComponent().standardized.path
        let takenBefore = try await view.ingestedFiles(day: day)
        // The debit files settle wrote are read back as an originated source once their entries are effective.
        let outbox = manifest.origination.map { Originator.outboxSource($0) }
        for source in manifest.sources + (outbox.map { [$0] } ?? []) {
            var found = source.key == Originator.outboxSourceKey
                ? (files: manifest.origination.map { Originator.filesToRead($0, on: day) } ?? [], missing: nil)
                : manifest.files(of: source, on: day)
            // Read back from this job's own archive folder (a copied job folder never reads the original's).
            let archived = takenBefore.compactMap { file -> IngestedFile? in
                guard file.source == source.key, let here = Archive.located(file.archivePath, day: file.day, under: manifest.archive),
                      FileManager.default.fileExists(atPath: here) else { return nil }
                var copy = file
                copy.archivePath = here
                return copy
            }
            if found.files.isEmpty, !archived.isEmpty {
                for file in archived {
                    let restored = "\(manifest.archive)/\(day)/restored/\(file.name)"
                    if !FileManager.default.fileExists(atPath: restored) {
                        // Read back off the cooperative pool, like every input read.
                        let archived = file.archivePath
                        try await BlockingWork.run(throwing: { try Archive.restore(archived, to: restored) })
                    }
                    found.files.append(restored)
                    plan.restored.append(restored)
                }
                found.missing = nil
            }
            if let missing = found.missing {
                plan.rejected = true
                plan.exceptions.append(MatchException(type: .invalidInput, severity: .error, about: "missing:\(missing)", discriminator: day.description,
                                                      source: source.format.rawValue, location: SourceLocation(file: RelativePath.make(missing, from: folder), line: 0),
                                                      amount: nil, message: "\(source.key).path names \(missing), which does not exist for \(day)",
                                                      suggestions: "check that the bank delivered the file, or use a wildcard for days without one"))
            }
            plan.files += found.files.map { PlannedFile(source: source, path: $0) }
        }
        return plan
    }

    struct Intake {
        var accepted: [IngestedInput] = []
        var files: [IngestedFile] = []
        /// What goes to the archive once the day commits: each input taken (compressed, checked), and each quarantined file.
        var archiveCopies: [(from: String, to: String, sha256: String, size: Int64)] = []
        var quarantined: [(from: String, to: String, reason: String)] = []
        var exceptions: [MatchException] = []
        var rejected = false
        var fileCount = 0
        var rejectedCount = 0
    }

    /// Files that cannot be trusted go to quarantine; a file whose exact content was taken before is a `DUPLICATE`.
    func accept(_ inputs: [IngestedInput]) async throws -> Intake {
        var intake = Intake()
        intake.fileCount = inputs.count
        var seenToday: [String: String] = [:]
        for input in inputs {
            if input.isRejected {
                intake.rejected = true
                intake.rejectedCount += 1
                let first = input.diagnostics.first { $0.severity == .fatal }
                let messages = input.diagnostics.filter { $0.severity >= .error }.prefix(3).map(\.description)
                let prefix = input.sha256.isEmpty ? "unread" : String(input.sha256.prefix(12))
                intake.quarantined.append((input.path, "\(manifest.archive)/quarantine/\(day)/\(prefix)-\(input.name)",
                                           "\(input.displayPath) was quarantined by run \(runID) of \(day): "
                                               + (input.readError ?? input.diagnostics.filter { $0.severity >= .error }.prefix(20).map(\.description).joined(separator: "\n"))))
                intake.exceptions.append(MatchException(type: .invalidInput, severity: .error, about: "file:\(input.sha256.isEmpty ? input.displayPath : input.sha256)",
                                                        discriminator: day.description, source: input.format.rawValue,
                                                        location: first?.location ?? SourceLocation(file: input.displayPath, line: 0),
                                                        message: "\(input.name) was rejected and quarantined: " + (input.readError ?? messages.joined(separator: "; ")),
                                                        suggestions: "run `settle validate \(input.displayPath)` for every issue; ask the bank for a corrected file"))
                continue
            }
            if let earlier = seenToday[input.sha256] {
                intake.exceptions.append(MatchException(type: .duplicate, severity: .info, about: "file:\(input.sha256)", discriminator: "\(day):\(input.displayPath)",
                                                        source: input.format.rawValue, location: SourceLocation(file: input.displayPath, line: 1),
                                                        message: "\(input.name) has the same content as \(earlier) in this run; not processed again",
                                                        suggestions: "remove the extra copy"))
                continue
            }
            if let previous = try await view.ingestedFile(sha256: input.sha256), previous.day != day {
                // An outbox file stays in the outbox: the day after the one that took it finds it again, and passes.
                if input.sourceKey == Originator.outboxSourceKey { continue }
                intake.exceptions.append(MatchException(type: .duplicate, severity: .info, about: "file:\(input.sha256)", discriminator: "\(day):\(input.displayPath)",
                                                        source: input.format.rawValue, location: SourceLocation(file: input.displayPath, line: 1),
                                                        message: "\(input.name) has the same content (SHA-256 \(input.sha256.prefix(12))…) as \(previous.name), taken by run \(previous.runID) on \(previous.day); not processed again",
                                                        suggestions: "if the bank re-sent the file by mistake, nothing to do"))
                continue
            }
            seenToday[input.sha256] = input.name
            // An ACH file with errors of the file as a whole (its control counts, trace numbers out of order) is invalid,
            // yet its batches whose own controls agree are applied: the file has settled at the bank already.
            let fileErrors = input.format == .nacha ? input.diagnostics.filter { $0.severity >= .error && NACHAFileErrors.codes.contains($0.code.rawValue) } : []
            if !fileErrors.isEmpty {
                intake.rejected = true
                intake.exceptions.append(MatchException(type: .invalidInput, severity: .error, about: "file:\(input.sha256)", discriminator: "file-level:\(day)",
                                                        source: input.format.rawValue, location: fileErrors[0].location,
                                                        message: "\(input.name) is invalid (\(fileErrors.count) error\(fileErrors.count == 1 ? "" : "s") of the file as a whole); its batches whose own controls agree were applied: "
                                                            + fileErrors.prefix(3).map(\.description).joined(separator: "; "),
                                                        suggestions: "ask the bank (or the originator) for a corrected file; nothing to undo here"))
            }
            // A statement read with errors was partly rejected: its good lines are used, the rest is named here
            // (an ACH file's rejected batches are named batch by batch).
            if input.format != .nacha, input.hasErrors {
                intake.rejected = true
                let errors = input.diagnostics.filter { $0.severity >= .error }
                intake.exceptions.append(MatchException(type: .invalidInput, severity: .error, about: "file:\(input.sha256)", discriminator: "partly:\(day)",
                                                        source: input.format.rawValue, location: errors.first?.location ?? SourceLocation(file: input.displayPath, line: 0),
                                                        message: "\(input.name) was read with \(errors.count + input.droppedDiagnosticCount) error\(errors.count == 1 ? "" : "s"); what they name was left out, the rest used: "
                                                            + errors.prefix(3).map(\.description).joined(separator: "; "),
                                                        suggestions: "run `settle validate \(input.displayPath)` for every issue; ask the bank for a corrected file"))
            }
            let archived = "\(manifest.archive)/\(day)/\(input.sha256.prefix(12))-\(input.name).gz"
            intake.archiveCopies.append((input.path, archived, input.sha256, input.sizeBytes))
            intake.files.append(IngestedFile(sha256: input.sha256, sizeBytes: input.sizeBytes, name: input.name, runID: runID, day: day, archivePath: archived,
                                             source: input.sourceKey))
            intake.accepted.append(input)
        }
        return intake
    }

    struct ReadInputs {
        var ach = ACHReading()
        var achKeys: (receipts: [Receipt], exceptions: [MatchException], duplicates: Set<String>, sourceKeys: [String: String]) = ([], [], [], [:])
        var lines: [KeyedLine] = []
        /// Booked lines not posted: the same line twice in the day's files, or posted by an earlier day's run.
        var skippedLines: [SkippedLine] = []
        var statementBalances: [StatementBalance] = []
        /// Each final statement's opening, closing and its own lines' credits and debits (the summary's, per account).
        var statementMovements: [StatementMovement] = []
        var nachaBatchCount = 0
        var nachaEntryCount = 0
        var exceptions: [MatchException] = []
        var rejected = false
    }

    /// ACH files read into entries, returns, notifications of change and batches (receipts under their content keys,
    /// entries seen before as `DUPLICATE`s); statement lines keyed by content; statement balances.
    func readInputs(_ inputs: consuming [IngestedInput]) async throws -> ReadInputs {
        var read = ReadInputs()
        var statementLines: [StatementLine] = []
        var lineFileSHA: [String: String] = [:]
        var accepted = inputs
        // Files read into facts are appended (the first taken whole); batches still in records are read here.
        let factFiles = accepted.filter { $0.achFacts != nil }.count
        if factFiles != 1 {
            read.ach.reserveCapacity(accepted.reduce(0) { $0 + ($1.achFacts?.entries.count ?? $1.batches.reduce(0) { $0 + $1.entries.count }) })
        }
        for index in accepted.indices {
            let input = accepted[index]
            switch input.format {
            case .nacha:
                read.nachaBatchCount += input.batchCount
                read.nachaEntryCount += input.entryCount
                for batch in input.batches where batch.isRejected {
                    read.rejected = true
                    read.exceptions.append(rejectedBatchException(batch, of: input))
                }
                if let facts = input.achFacts {
                    // Read into facts while the file was read (on its own thread): appended in file order.
                    read.ach.append(facts)
                } else {
                    read.ach.add(ACHFile(name: input.name, sha256: input.sha256, role: input.role == .received ? .received : .originated, account: input.account,
                                         batches: input.batches), currency: manifest.currency, day: day)
                }
                // The records are not needed once read into facts: let go of each file's as soon as it is read.
                accepted[index].batches = []
                accepted[index].achFacts = nil
            case .bai2, .camt052, .camt053, .camt054, .csv:
                statementLines += input.statementLines
                read.statementBalances += input.statementBalances
                if let first = input.statementLines.first { lineFileSHA[first.location.file] = input.sha256 }
                accepted[index].statementLines = []
            }
        }
        read.achKeys = try await achReceipts(read.ach)
        // The receipts hold what they need of the parts they were made of.
        read.ach.releaseReceiptParts()
        read.exceptions += read.achKeys.exceptions
        read.statementMovements = try StatementMovement.of(read.statementBalances, lines: statementLines)
        (read.lines, read.skippedLines) = try await statementKeys(statementLines, fileSHA: lineFileSHA)
        return read
    }

    /// What settlement needs of the day's ACH entries, taken before they are let go: each batch's role, and the
    /// batches whose entries an older ledger posted straight to cash (legacy keys: nothing in transit to move).
    struct BatchFacts: Sendable {
        var roles: [String: String] = [:]
        var legacy = Set<String>()
    }

    static func batchFacts(_ read: ReadInputs) -> BatchFacts {
        var facts = BatchFacts()
        // A batch's entries sit together: its role is looked up once a batch, not once an entry.
        var previousBatch: String?
        for entry in read.ach.entries where entry.batchKey != previousBatch {
            previousBatch = entry.batchKey
            if facts.roles[entry.batchKey] == nil { facts.roles[entry.batchKey] = entry.role.rawValue }
        }
        if !read.achKeys.sourceKeys.isEmpty {
            facts.legacy = Set(read.ach.entries.filter { ACHReading.isLegacyKey(read.achKeys.sourceKeys[$0.key] ?? "") }.map(\.batchKey))
        }
        return facts
    }

    /// The day's batches and those still waiting (read from the ledger), settled against the day's lines (the rules:
    /// `SettlementEffects`).
    func settle(_ read: ReadInputs, batches: BatchFacts, book: BankAccountBook) async throws -> SettlementEffects {
        let roles = batches.roles
        let newItems = read.ach.settlementBatches.map { SettlementItem($0, role: roles[$0.key] ?? "received", firstDay: day) }
        let pendingItems = try await view.pendingSettlements(before: day).map { row in
            var item = SettlementItem(key: row.batchKey, role: row.role, companyName: row.companyName, fileKey: row.fileKey, fileName: row.fileName, net: row.net,
                                      settlementDay: row.settlementDay, windowEnd: row.windowEnd, firstDay: row.firstDay, unsettledDay: row.unsettledDay,
                                      location: row.location)
            item.entryAmounts = row.entryAmounts.map { Money(minorUnits: $0, currency: row.net.currency) }
            return item
        }
        return SettlementEffects.make(pending: pendingItems, new: newItems, lines: read.lines, legacyBatches: batches.legacy, book: book,
                                      placeholders: manifest.placeholderReferences, day: day)
    }

    struct Statements {
        var openingDrafts: [JournalEntryDraft] = []
        /// Each account's final balances of the day, by account.
        var finalBalances: [StatementBalance] = []
        var exceptions: [MatchException] = []
    }

    /// Statements chain day to day; an account's first statement gives the books its opening balance.
    func chainStatements(_ balances: [StatementBalance], book: BankAccountBook) async throws -> Statements {
        var out = Statements()
        // Chained per account and currency: by cash account.
        func code(_ b: StatementBalance) -> String { (b.closing ?? b.opening).map { book.code(account: b.account, bank: b.bank, currency: $0.currency) } ?? CashAccountCode.legacy(b.account) }
        var previous: [String: StatementChain.Previous] = [:]
        for row in try await view.lastStatementBalances(before: day) {
            guard let currency = (row.closing ?? row.opening)?.currency else { continue }
            previous[book.code(account: row.account, currency: currency)] = StatementChain.Previous(day: row.day, closing: row.closing, account: row.account)
        }
        let chain = StatementChain.check(today: balances, previous: previous, day: day, key: code)
        out.exceptions = chain.exceptions
        // Whether each opening is booked is `BankBookings.booked`'s rule, on what the ledger says of its key and cash.
        let openings = BankBookings.openings(chain.openings, book: book, booksCurrency: manifest.currency, code: code)
        var postedBefore = Set<String>()
        var cashWithPostings = Set<String>()
        for o in openings {
            if try await view.postedDay(sourceKey: o.draft.sourceKey) != nil { postedBefore.insert(o.draft.sourceKey) }
            if try await view.hasPostings(account: o.cash) { cashWithPostings.insert(o.cash) }
        }
        out.openingDrafts = BankBookings.booked(openings, postedBefore: postedBefore, cashWithPostings: cashWithPostings)
        var finals: [String: StatementBalance] = [:]
        for b in balances where b.isFinal && b.day == day { finals[code(b)] = b }
        out.finalBalances = finals.sorted { $0.key < $1.key }.map(\.value)
        return out
    }

    struct Cash {
        var decisions: [Decision] = []
        var exceptions: [MatchException] = []
        /// Unapplied cash of earlier days applied today.
        var reapplied: [Reapplication] = []
    }

    /// The open items as they stood before this day, from the ledger's last commit, with the export's changes. The
    /// last day of a run gives up the master data's invoices (nothing after it needs them): changed without a copy.
    func openItemsBefore() async throws -> OpenItems {
        let (before, openedLater) = try await view.invoiceStates(before: day)
        return try OpenItems.before(day, ledger: before, openedLater: openedLater, openedSingly: try await view.invoicesOpenedSingly(on: day),
                                export: invoices.list(taking: isLastDay))
    }

    /// Cash application against the open items as they stood before this day (day D sees only invoices issued on or before D).
    /// Receipts held as unapplied cash are tried again after the day's own, against what those left open.
    func applyCash(_ unsorted: [Receipt], with application: CashApplication, held: [HeldReceipt] = [],
                   beforeShards: () async -> Void = {}) async -> Cash {
        var application = application
        // In a fixed order (value day, source, reference, key), whatever the order of the files: sorted once by a
        // key made per receipt, not by comparing four fields in every comparison. The keys sit end to end in one
        // buffer (a million small arrays cost twice the room, and left it scattered among what lives on).
        let order: [Int] = {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(unsorted.count * 72)
            var starts: [Int] = []
            starts.reserveCapacity(unsorted.count + 1)
            for r in unsorted {
                starts.append(bytes.count)
                bytes.append(contentsOf: r.valueDay.description.utf8)
                for field in [r.source.rawValue, r.sourceRef, r.sourceKey] {
                    bytes.append(0)
                    bytes.append(contentsOf: field.utf8)
                }
            }
            starts.append(bytes.count)
            return bytes.withUnsafeBufferPointer { all in
                unsorted.indices.sorted { a, b in
                    let c = IndexOrder.bytes(UnsafeBufferPointer(rebasing: all[starts[a]..<starts[a + 1]]), UnsafeBufferPointer(rebasing: all[starts[b]..<starts[b + 1]]))
                    return c != 0 ? c < 0 : a < b
                }
            }
        }()
        let applied = await application.applyAll(order.map { unsorted[$0] }, concurrency: options.concurrency, beforeShards: beforeShards,
                                                 afterShards: Allocator.returnFreedMemoryNow)
        let reapplied = held.isEmpty ? [] : application.reapply(held)
        return Cash(decisions: applied.decisions, exceptions: applied.exceptions, reapplied: reapplied)
    }

    /// Remittance advice: each application of the day, by customer, with the deduction's reason, and the invoices
    /// reviewers' decisions booked today paid.
    func adviceRows(_ decisions: [Decision], reviewed: [ApplicationRow], names: [String: String]) -> AdviceList {
        let booked = reviewed.filter { $0.invoiceID != nil }.map { AdviceRow($0, name: names[$0.customerID ?? ""] ?? "", valueDay: day) }
        return AdviceList(decisions: decisions, names: names, reasonCodes: DayRows.reasonCodes, then: booked)
    }

    /// How customers paid and returned on the days before this one (aging's history), read from the ledger.
    func paymentHistoryBefore() async throws -> PaymentHistory {
        var history = PaymentHistory()
        history.paid = try await view.payments(from: day.adding(days: -365), through: day.adding(days: -1))
        history.returned = try await view.returnKeys(from: day.adding(days: -90), through: day.adding(days: -1))
        return history
    }

    /// The cash accounts of receipts an older ledger posted straight to cash (ACH entries under legacy keys), with their
    /// masked names: the statements' accounts come from the day's `BankAccountBook`.
    func legacyCashAccounts(_ decisions: [Decision], book: BankAccountBook) -> [(code: String, name: String)] {
        var accounts: [String: String] = [:]
        let known = Set(book.cashAccounts.map(\.code))
        var previous: String?
        // An entry under its own key (nearly all of a day's) is no legacy key: its key's text is never made.
        for d in decisions where d.receipt.source == .nacha && d.receipt.bankAccount != previous {
            if case .ach = d.receipt.key { continue }
            guard ACHReading.isLegacyKey(d.receipt.sourceKey) else { continue }
            previous = d.receipt.bankAccount
            let code = book.code(account: d.receipt.bankAccount, bank: d.receipt.bank, currency: d.receipt.amount.currency)
            if !known.contains(code) { accounts[code] = "Cash - bank account \(Masking.account(d.receipt.bankAccount))" }
        }
        return accounts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A run of the day's ACH entry rows, in row order, as what they are made of. A payment entry's row repeats most of
    /// its receipt (key, amount, days): it is kept as its receipt's position and the four fields a receipt does not
    /// have, and made when the writer gets to it (`rows(receipts:day:)`). A million rows waiting for the writer
    /// through cash application were 215 MB; so kept, 45 MB, each chunk's part let go once the writer has taken it.
    /// Any entry whose row its receipt would not give exactly (a return, a notification of change, a key an older
    /// ledger posted) is kept as its row.
    struct ACHRowChunk: Sendable {
        /// A payment row's fields its receipt does not have; the receiver's name and the file's (a handful of texts
        /// repeated a million times) by their place in `texts`.
        struct Extra: Sendable {
            var rdfi: String
            var identification: String
            var receiverName: UInt32
            var fileName: UInt32
        }
        /// The day's receiver and file names (shared by every chunk).
        var texts: [String] = []
        /// In row order: `>= 0` the position of the receipt the row is made from (its extra fields the next in
        /// `extras`), `< 0` the row `own[-1 - value]`.
        var plan: [Int32] = []
        var extras: [Extra] = []
        var own: [ACHEntryRow] = []

        /// The chunk's rows, made.
        func rows(receipts: [Receipt], day: Day) -> [ACHEntryRow] {
            var made: [ACHEntryRow] = []
            made.reserveCapacity(plan.count)
            var next = 0
            for p in plan {
                guard p >= 0 else {
                    made.append(own[Int(-1 - p)])
                    continue
                }
                let extra = extras[next]
                next += 1
                let receipt = receipts[Int(p)]
                guard case let .ach(key) = receipt.key else { continue }
                made.append(ACHEntryRow(role: key.role.rawValue, kind: ACHEntryFact.Kind.payment.rawValue, companyID: key.companyID, trace: key.trace,
                                        rdfi: extra.rdfi, amount: ACHRowChunk.unsigned(receipt.amount), effectiveDay: key.effectiveDay,
                                        settlementDay: receipt.valueDay, sourceKey: nil, customerID: nil, receiverName: texts[Int(extra.receiverName)],
                                        identification: extra.identification, fileName: texts[Int(extra.fileName)], day: day))
            }
            return made
        }

        static func unsigned(_ amount: Money) -> Money {
            Money(minorUnits: amount.minorUnits < 0 ? 0 &- amount.minorUnits : amount.minorUnits, currency: amount.currency)
        }
    }

    /// The day's ACH entries as the ledger remembers them (a duplicate occurrence is not one of them), without their
    /// customers: the rows are written while cash application finds those (`ACHEntryCustomer`, by entry key). In
    /// chunks of `size` rows, in row order.
    func achEntryRows(_ read: ReadInputs, size: Int) -> [ACHRowChunk] {
        let receipts = read.achKeys.receipts
        var chunks: [ACHRowChunk] = []
        var rowCount = 0
        var names = TextTable()
        var receiptCount: Int32 = 0
        DayRun.forEachACHRow(read) { fact, sourceKey in
            if rowCount % size == 0 { chunks.append(ACHRowChunk()) }
            rowCount += 1
            let last = chunks.count - 1
            // A payment entry that is not a duplicate is a receipt, in entry order (`ACHReading.receipts`).
            var receipt: Int32 = -1
            if fact.kind == .payment {
                receipt = receiptCount
                receiptCount += 1
            }
            if receipt >= 0, Int(receipt) < receipts.count, sourceKey == nil, case let .ach(key) = receipts[Int(receipt)].key, key == fact.entryKey,
               ACHRowChunk.unsigned(receipts[Int(receipt)].amount) == fact.amount, receipts[Int(receipt)].valueDay == fact.settlementDay {
                chunks[last].plan.append(receipt)
                chunks[last].extras.append(ACHRowChunk.Extra(rdfi: fact.receivingDFI, identification: fact.identificationNumber,
                                                             receiverName: names.number(fact.receiverName), fileName: names.number(fact.fileName)))
                return
            }
            chunks[last].plan.append(-1 - Int32(chunks[last].own.count))
            chunks[last].own.append(ACHEntryRow(role: fact.role.rawValue, kind: fact.kind.rawValue, companyID: fact.companyID, trace: fact.traceNumber,
                                                rdfi: fact.receivingDFI, amount: fact.amount, effectiveDay: fact.effectiveDay, settlementDay: fact.settlementDay,
                                                sourceKey: sourceKey, customerID: nil, receiverName: fact.receiverName,
                                                identification: fact.identificationNumber, fileName: fact.fileName, day: day))
        }
        let texts = names.texts
        for i in chunks.indices { chunks[i].texts = texts }
        return chunks
    }

    /// Each entry the ledger remembers, with the key it is posted under when that is not its own (an older ledger's
    /// legacy key): a duplicate occurrence is skipped (its file-and-line text made only when the day has duplicates at
    /// all).
    static func forEachACHRow(_ read: ReadInputs, _ body: (ACHEntryFact, String?) -> Void) {
        let duplicates = read.achKeys.duplicates
        let sourceKeys = read.achKeys.sourceKeys
        for fact in read.ach.entries where duplicates.isEmpty || !duplicates.contains(fact.occurrence) {
            body(fact, sourceKeys.isEmpty ? nil : sourceKeys[fact.key])
        }
    }


}
