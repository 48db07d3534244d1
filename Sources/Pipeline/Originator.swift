import Accounting
import ACH
import Core
import Foundation
import Ledger
import Receivables

/// Writes the next ACH debit file (DESIGN: the origination stage; CONTRACT: `settle originate`): the mandates read and
/// sealed into the ledger, the invoices due chosen (`OriginationChoice`), the file made (`OriginationFile`), recorded in
/// the ledger with its entries, then written to the outbox (0600, atomically, never over another file). A day that has
/// a file already writes nothing; when the outbox lost that file, it is written again from the ledger's sealed copy,
/// byte for byte. The next run of the day the file is effective on (or a later one) reads it back as an `originated`
/// source, once.
public enum Originator {
    /// A problem that stops origination: the manifest, the key file, the mandates or the ledger (the message says which).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Kind: Sendable { case configuration, input, ledger }
        public let kind: Kind
        public let message: String
        public var description: String { message }
        init(_ kind: Kind, _ message: String) {
            self.kind = kind
            self.message = message
        }
    }

    public struct Outcome: Sendable {
        /// The file's path (written now, written before, or the one a dry run would write); nil when nothing is due.
        public var path: String?
        /// Whether this call wrote the file (false: a dry run, nothing due, or the day's file was there already).
        public var wrote = false
        /// The day's file was recorded before this call.
        public var existed = false
        public var entries: [OriginatedEntry] = []
        public var leftOut: [OriginationChoice.LeftOut] = []
        public var effectiveDay: Day?
        public var debitTotal: Money?
        /// Set when a later day has a file already: the run's stage writes nothing for an older day.
        public var laterDay: Day?
    }

    /// The outbox's source as the day's plan reads it back: NACHA, the seller's originated debits.
    public static func outboxSource(_ config: OriginationConfig) -> Manifest.Source {
        Manifest.Source(format: .nacha, path: config.outbox + "/*.ach", role: .originated, profile: nil, account: nil, strict: true, key: outboxSourceKey)
    }

    public static let outboxSourceKey = "origination.outbox"

    /// The outbox files a run of `day` reads: those written on an earlier day (within 30 days) whose entries are
    /// effective on or before it. The day's intake skips one an earlier day took.
    public static func filesToRead(_ config: OriginationConfig, on day: Day, calendar: BusinessCalendar = .federalReserve) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: config.outbox) else { return [] }
        return names.sorted().compactMap { name in
            guard let (written, _) = OriginationFileRecord.parse(name: name), written < day, day.days(since: written) <= 30,
                  OriginationChoice.effectiveDay(after: written, calendar: calendar) <= day else { return nil }
            return config.outbox + "/" + name
        }
    }

    /// Opens the manifest's origination store.
    static func openStore(_ manifest: Manifest) throws(Failure) -> any OriginationStore {
        do {
            if let database = manifest.postgreSQL { return try PostgreSQLOriginationStore(address: database.address, entity: database.entity) }
            return try SQLiteOriginationStore(path: manifest.ledger)
        } catch {
            throw Failure(.ledger, "the ledger \(manifest.ledgerDisplay) is unavailable: \(error)")
        }
    }

    static func openView(_ manifest: Manifest) throws(Failure) -> any LedgerReading {
        do {
            if let database = manifest.postgreSQL { return try PostgreSQLLedgerReader(address: database.address, entity: database.entity) }
            return try SQLiteLedgerReader(path: manifest.ledger)
        } catch {
            throw Failure(.ledger, "the ledger \(manifest.ledgerDisplay) is unavailable: \(error)")
        }
    }

    /// The key and the mandates, checked; without a key file origination refuses to run.
    static func loadKey(_ config: OriginationConfig) throws(Failure) -> SealingKey {
        do {
            return try SealingKey.load(path: config.keyFile)
        } catch {
            throw Failure(.configuration, "origination.key_file: \(error.message); origination does not run without its key")
        }
    }

    static func loadMandates(_ config: OriginationConfig, currency: Currency) throws(Failure) -> [Mandate] {
        do {
            return try MandatesFile.load(path: config.mandates, currency: currency)
        } catch {
            throw Failure(.input, "the mandates could not be loaded:\n\(error.description)")
        }
    }

    /// The ledger's mandates as read, handed to the night's origination, which lets them go once compared.
    private final class StoredMandates {
        var rows: [StoredMandate]
        init(_ rows: [StoredMandate]) { self.rows = rows }
    }

    /// The mandates file as `loadMandates` read it on another thread.
    private static func mandates(_ reading: PendingResult<[Mandate]>) throws(Failure) -> [Mandate] {
        do {
            return try reading.wait()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(.input, "the mandates could not be loaded: \(error)")
        }
    }

    static func context(mandate: String) -> String { "mandate:\(mandate)" }
    static func context(file: String) -> String { "file:\(file)" }

    /// `newestOnly` (the run's stage): nothing is written when a later day has a file.
    /// `names`: the customers' names for the entries' receiver names (nil: read from the manifest's customers file).
    public static func originate(manifest: Manifest, day: Day, dryRun: Bool, newestOnly: Bool = false, names: [String: String]? = nil,
                                 now: String = Timestamp.now(), calendar: BusinessCalendar = .federalReserve) async throws(Failure) -> Outcome {
        guard let config = manifest.origination else {
            throw Failure(.configuration, "\(manifest.path): the manifest has no origination block (CONTRACT: origination)")
        }
        var laps = StageClock()
        let key = try loadKey(config)
        // The mandates file is read and checked on another core while the ledger's mandates are read.
        let currency = manifest.currency
        let reading = PendingResult { () throws -> [Mandate] in try loadMandates(config, currency: currency) }
        let store: any OriginationStore
        do {
            store = try openStore(manifest)
        } catch {
            _ = try mandates(reading) // a refused mandates file is said first
            throw error
        }
        do {
            let stored = StoredMandates([])
            var unread: (any Error)?
            do { stored.rows = try store.mandates() } catch { unread = error }
            let mandates = try mandates(reading) // a refused mandates file is said first
            if let unread { throw unread }
            laps.lap("origination: key, mandates file and the ledger's mandates read")
            if newestOnly, let later = try store.files().filter({ $0.voidedAt == nil && $0.day > day }).map(\.day).max() {
                var outcome = Outcome()
                outcome.laterDay = later
                return outcome
            }
            return try await originate(config: config, manifest: manifest, day: day, dryRun: dryRun, key: key, mandates: mandates, stored: stored, store: store,
                                       names: names, now: now, calendar: calendar)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(.ledger, "origination on \(manifest.ledgerDisplay) failed: \(error)")
        }
    }

    private static func originate(config: OriginationConfig, manifest: Manifest, day: Day, dryRun: Bool, key: SealingKey, mandates: [Mandate],
                                  stored: StoredMandates, store: any OriginationStore, names given: [String: String]?, now: String,
                                  calendar: BusinessCalendar) async throws -> Outcome {
        var laps = StageClock()
        // The ledger's mandates, held only until their statuses are brought up to date (below).
        var current: [String: StoredMandate]? = try saveMandates(mandates, stored: stored, config: config, store: store, key: key, day: day, dryRun: dryRun)
        laps.lap("origination: mandates sealed and saved")
        var outcome = Outcome()
        let files = try store.files()
        if let existing = files.first(where: { $0.day == day && $0.voidedAt == nil }) {
            return try written(existing, config: config, store: store, key: key, dryRun: dryRun)
        }
        let view = try openView(manifest)
        laps.lap("origination: the day's file looked for")
        let entries = try store.answeredOrPulled()
        let book = try self.book(config: config, store: store, entries: entries, mandates: current ?? [:], key: key, today: day, calendar: calendar)
        laps.lap("origination: entries and answers read")
        if !dryRun { try store.updateStatuses(book.blocks.mapValues { ($0.status, $0.note) }, mandates: current ?? [:]) }
        current = nil
        // The customers' names (for the entries) are read on another core while the open items are read and chosen from.
        let namesRead = given == nil ? PendingResult { customerNames(manifest) } : nil
        var states: [String: OriginationChoice.MandateState] = [:]
        states.reserveCapacity(mandates.count)
        for prenote in try store.prenotes() where book.states[prenote.trace] != .returned {
            states[prenote.mandateID, default: .init()].prenoteDay = min(states[prenote.mandateID]?.prenoteDay ?? prenote.day, prenote.day)
        }
        for (mandate, block) in book.blocks { states[mandate, default: .init()].blocked = "is \(block.status) (\(block.note))" }
        let (disputed, unapplied, pending) = try await holds(view, day: day)
        var invoices: [LedgerInvoice]? = try await view.invoices()
        laps.lap("origination: open items read")
        let choice = OriginationChoice.choose(.init(runDay: day, calendar: calendar, mandates: mandates, states: states, invoices: invoices ?? [],
                                                    pulledInvoices: pulledInvoices(entries, book: book), disputedInvoices: disputed,
                                                    unappliedCustomers: unapplied, pendingCustomers: pending, retries: book.retries))
        invoices = nil
        laps.lap("origination: the choice made")
        outcome.leftOut = choice.leftOut
        outcome.effectiveDay = choice.effectiveDay
        guard !choice.pulls.isEmpty || !choice.prenotes.isEmpty else { return outcome }
        let taken = Set(files.filter { $0.day == day }.map(\.modifier))
        guard let modifier = OriginationFileRecord.modifiers.first(where: { !taken.contains($0) }) else {
            throw Failure(.ledger, "\(day) has used every file ID modifier (A-Z, 0-9)")
        }
        let name = OriginationFileRecord.name(day: day, modifier: modifier)
        var accounts: [String: OriginationFile.Account] = [:]
        accounts.reserveCapacity(mandates.count)
        for mandate in mandates {
            var account = OriginationFile.Account(routing: mandate.routing, account: mandate.account, type: mandate.accountType, sec: mandate.sec)
            if let correction = book.corrections[mandate.mandateID]?.correction { account.apply(correction) }
            accounts[mandate.mandateID] = account
        }
        let names = try given ?? namesRead?.wait() ?? [:]
        let made = OriginationFile.make(choice, name: name, day: day, modifier: modifier, createdAt: now, nextSequence: try store.nextTraceSequence(odfi: config.settings.odfi),
                                        accounts: accounts, names: names, settings: config.settings, currency: manifest.currency)
        laps.lap("origination: the file made")
        outcome.path = config.outbox + "/" + name
        outcome.entries = made.entries
        outcome.debitTotal = made.debitTotal
        guard !dryRun else { return outcome }
        // The ledger's copy is compressed and sealed on another core while this one hashes the file and writes the entries.
        let bytes = made.bytes, fileContext = context(file: name)
        let sealing = PendingResult { Deflated.compress(bytes).withUnsafeBufferPointer { key.seal(bytes: $0, context: fileContext) } }
        let sha = SHA256.hex(made.bytes)
        try store.record(OriginationFileRecord(name: name, day: day, modifier: modifier, sha256: sha, createdAt: now, entryCount: made.entries.count,
                                               debitTotal: made.debitTotal, sealedText: "", companyID: config.settings.companyID),
                         entries: made.entries, sealedText: { try sealing.wait() })
        laps.lap("origination: recorded in the ledger")
        try writeOutbox(config, name: name, bytes: made.bytes, sha256: sha)
        laps.lap("origination: written to the outbox")
        outcome.wrote = true
        return outcome
    }

    /// What holds an invoice back: the invoices an open exception names, and the customers with unapplied cash or a
    /// receipt waiting for its batch's settlement.
    private static func holds(_ view: any LedgerReading, day: Day) async throws -> (disputed: Set<String>, unapplied: Set<String>, pending: Set<String>) {
        var disputed: Set<String> = []
        for exception in try await view.exceptions(status: "open", day: nil, type: nil, customer: nil) { disputed.formUnion(exception.invoiceIDs) }
        let unapplied = Set(try await view.unappliedByCustomer(asOf: nil).filter { $0.value.values.contains { $0 != 0 } }.keys)
        var pending: Set<String> = []
        for batch in try await view.pendingSettlements(before: day.adding(days: 1)) {
            let receipts = try await view.batchReceipts(batchKey: batch.batchKey)
            guard let first = receipts.map(\.day).min() else { continue }
            for row in try await view.receiptRows(receiptIDs: receipts.map(\.receiptID), from: first, before: nil) {
                if let customer = row.customerID { pending.insert(customer) }
            }
        }
        return (disputed, unapplied, pending)
    }

    /// The customers file's names by id (a file that cannot be read: entries named by customer id).
    static func customerNames(_ manifest: Manifest) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: manifest.customers) else { return [:] }
        // Two columns of each row, read in place (the rest of the customer is not needed here).
        var names: [String: String] = [:]
        _ = try? MasterDataLoader.forEachRecord(bytes: [UInt8](data), path: manifest.customers, required: ["customer_id", "name"]) { columns, record in
            guard let id = columns["customer_id"], let name = columns["name"], id < record.count, name < record.count else { return }
            names[record.trimmed(id)] = record.trimmed(name)
        }
        return names
    }

    /// One line on what origination did, for the run's log and `settle originate`.
    public static func describe(_ outcome: Outcome) -> String {
        let debits = outcome.entries.filter { $0.kind == .debit || $0.kind == .retry }
        let retries = outcome.entries.filter { $0.kind == .retry }.count
        let prenotes = outcome.entries.filter { $0.kind == .prenote }.count
        guard let path = outcome.path else {
            return "origination: nothing due for \(outcome.effectiveDay.map { "\($0)" } ?? "the next business day")"
                + (outcome.leftOut.isEmpty ? "" : " (\(outcome.leftOut.count) invoice\(outcome.leftOut.count == 1 ? "" : "s") due left out)")
        }
        let what = "\(debits.count) debit\(debits.count == 1 ? "" : "s") of \(outcome.debitTotal.map { "\($0) \($0.currency.code)" } ?? "0")"
            + (retries > 0 ? " (\(retries) retr\(retries == 1 ? "y" : "ies"))" : "")
            + (prenotes > 0 ? " and \(prenotes) prenote\(prenotes == 1 ? "" : "s")" : "") + " effective \(outcome.effectiveDay.map { "\($0)" } ?? "")"
        if outcome.existed { return "origination: \(path) was written before (\(what))" + (outcome.wrote ? "; written again from the ledger" : "") }
        return "origination: \(outcome.wrote ? "wrote" : "would write") \(path): \(what)"
            + (outcome.leftOut.isEmpty ? "" : "; \(outcome.leftOut.count) invoice\(outcome.leftOut.count == 1 ? "" : "s") due left out")
    }

    /// The day's file, written before: nothing new; written again, the same bytes, when the outbox lost it.
    private static func written(_ existing: OriginationFileRecord, config: OriginationConfig, store: any OriginationStore, key: SealingKey,
                                dryRun: Bool) throws -> Outcome {
        var outcome = Outcome()
        outcome.existed = true
        outcome.path = config.outbox + "/" + existing.name
        outcome.entries = try store.entries(fileName: existing.name)
        outcome.effectiveDay = outcome.entries.first?.effectiveDay
        outcome.debitTotal = existing.debitTotal
        if !dryRun, !FileManager.default.fileExists(atPath: config.outbox + "/" + existing.name) {
            guard let sealed = try store.sealedText(fileName: existing.name),
                  let bytes = Deflated.decompress(try key.openBytes(sealed, context: context(file: existing.name))) else {
                throw Failure(.ledger, "the ledger's copy of \(existing.name) is not one settle wrote")
            }
            try writeOutbox(config, name: existing.name, bytes: bytes, sha256: existing.sha256)
            outcome.wrote = true
        }
        return outcome
    }

    /// The entries' states and what their answers decide (`OriginationBook`), from the ledger.
    static func book(config: OriginationConfig, store: any OriginationStore, entries: [OriginatedEntry], mandates: [String: StoredMandate], key: SealingKey, today: Day,
                     calendar: BusinessCalendar) throws -> OriginationBook {
        var voided: Set<String> = []
        for file in try store.files() where file.voidedAt != nil {
            for entry in try store.entries(fileName: file.name) { voided.insert(entry.trace) }
        }
        return book(entries: entries, voided: voided, answers: try store.answers(), mandates: mandates.values, key: key, today: today, calendar: calendar,
                    retryAfterDays: config.settings.retryAfterDays)
    }

    /// `OriginationBook.make` on what the ledger holds, for the night's origination, the day's answers and the reports
    /// alike: the mandates' terms (authorized, and last changed on the day their row was), and notices' corrected data
    /// opened with `key` (a sealed one that does not open, or without a key, corrects nothing).
    static func book(entries: [OriginatedEntry], voided: Set<String> = [], answers: OriginationAnswers, mandates: some Sequence<StoredMandate>,
                     key: SealingKey?, today: Day, calendar: BusinessCalendar = .federalReserve, retryAfterDays: Int) -> OriginationBook {
        var terms: [String: (authorizedOn: Day, changedOn: Day)] = [:]
        for mandate in mandates {
            terms[mandate.mandateID] = (mandate.authorizedOn, Day.parse(mandate.updatedAt.prefix(10), format: .iso) ?? mandate.authorizedOn)
        }
        return OriginationBook.make(entries: entries, voided: voided, answers: answers.returns, changes: answers.changes, sentFiles: answers.sentFiles,
                                    mandateTerms: terms, correctedData: { change in
                                        guard change.correctedData.hasPrefix(sealedPrefix) else { return change.correctedData }
                                        return key.flatMap {
                                            try? $0.open(String(change.correctedData.dropFirst(sealedPrefix.count)), context: context(notice: change.noticeKey))
                                        } ?? ""
                                    }, today: today, calendar: calendar, retryAfterDays: retryAfterDays)
    }

    /// Invoices an entry pulled whose latest entry does not let them be pulled anew.
    static func pulledInvoices(_ entries: [OriginatedEntry], book: OriginationBook) -> Set<String> {
        var latest: [String: OriginatedEntry] = [:]
        for entry in entries where entry.kind == .debit || entry.kind == .retry {
            if let seen = latest[entry.invoiceID], seen.trace > entry.trace { continue }
            latest[entry.invoiceID] = entry
        }
        return Set(latest.values.filter { !book.repullable.contains($0.trace) }.map(\.invoiceID))
    }

    /// A notice of change's corrected data as the ledger keeps it when it answers a debit settle wrote: sealed.
    public static let sealedPrefix = "sealed:"
    static func context(notice: String) -> String { "notice:\(notice)" }

    /// Seals the mandates read from the file into the ledger (a ledger whose mandates another key sealed is refused by
    /// name); the mandates as the ledger then holds them, by id. What was read to compare goes when this returns.
    private static func saveMandates(_ mandates: [Mandate], stored held: StoredMandates, config: OriginationConfig, store: any OriginationStore, key: SealingKey,
                                     day: Day, dryRun: Bool) throws -> [String: StoredMandate] {
        let stored = held.rows
        held.rows = []
        if let other = stored.first(where: { $0.keyFingerprint != key.fingerprint }) {
            throw Failure(.configuration, "origination.key_file: the ledger's mandates (\(other.mandateID) and others) were sealed with key \(other.keyFingerprint), "
                              + "not with \(config.keyFile) (key \(key.fingerprint)); use the key they were sealed with")
        }
        // A number sealed before is kept as it was (its nonce says whether it is the same number: one SHA-256, no AES); a
        // mandate whose terms are the ledger's is not made a row again. New or changed ones keep the ledger's status,
        // which is never the file's; a mandate missing from the file is kept as it was.
        var current: [String: StoredMandate] = [:]
        current.reserveCapacity(stored.count)
        for mandate in stored where current[mandate.mandateID] == nil { current[mandate.mandateID] = mandate }
        let updatedAt = day.description
        var changed: [StoredMandate] = []
        for m in mandates {
            let context = context(mandate: m.mandateID), pull = m.pull.description, maxMinor = m.maxAmount?.minorUnits
            let old = current[m.mandateID]
            let kept = old.map(\.accountSealed).flatMap { $0.hasPrefix(key.sealedPrefix(m.account, context: context)) ? $0 : nil }
            if let old, kept != nil,
               old.sameTerms(customerID: m.customerID, sec: m.sec.rawValue, routing: m.routing, accountLastFour: m.accountLastFour,
                             accountType: m.accountType.rawValue, authorizedOn: m.authorizedOn, revokedOn: m.revokedOn, maxMinor: maxMinor, pull: pull,
                             keyFingerprint: key.fingerprint) { continue }
            var row = StoredMandate(mandateID: m.mandateID, customerID: m.customerID, sec: m.sec.rawValue, routing: m.routing,
                                    accountSealed: kept ?? key.seal(m.account, context: context), accountLastFour: m.accountLastFour,
                                    accountType: m.accountType.rawValue, authorizedOn: m.authorizedOn, revokedOn: m.revokedOn, maxMinor: maxMinor,
                                    pull: pull, keyFingerprint: key.fingerprint, updatedAt: updatedAt)
            if let old { (row.status, row.statusNote) = (old.status, old.statusNote) }
            current[m.mandateID] = row
            changed.append(row)
        }
        if !dryRun { try store.saveMandates(changed) }
        return current
    }

    /// Writes a file to the outbox (0600, in a 0700 folder, atomically); a different file already at its path is never
    /// overwritten.
    static func writeOutbox(_ config: OriginationConfig, name: String, bytes: [UInt8], sha256: String) throws {
        let path = config.outbox + "/" + name
        try PrivateFiles.makeFolder(config.outbox)
        if let there = FileManager.default.contents(atPath: path) {
            guard SHA256.hex([UInt8](there)) == sha256 else {
                throw Failure(.ledger, "\(path) is there already with other content; settle never overwrites an outbox file (move it away if it was never sent)")
            }
            return
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// `settle originate void FILE`: a file never sent is void; its invoices may be pulled again (a new file of the
    /// day takes the next modifier), and the outbox's copy is moved aside (`FILE.void`) so that no run reads it. A file
    /// a run read back was sent, and is refused. Returns where the outbox's copy went (nil: it was not there).
    public static func void(file: String, note: String, store: any OriginationStore, view: any LedgerReading, now: String = Timestamp.now()) async throws(Failure) -> String? {
        let name = (file as NSString).lastPathComponent
        do {
            guard let record = try store.files().first(where: { $0.name == name }) else {
                throw Failure(.input, "\(name) is not a file settle wrote to this ledger")
            }
            guard record.voidedAt == nil else { throw Failure(.input, "\(name) is void already (\(record.voidedAt ?? ""): \(record.voidNote))") }
            if let taken = try await view.ingestedFile(sha256: record.sha256) {
                throw Failure(.input, "\(name) was sent: run \(taken.runID) read it back on \(taken.day); a file the bank has is answered by returns, not voided")
            }
            try store.void(fileName: name, note: note, at: now)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(.ledger, "\(error)")
        }
        guard FileManager.default.fileExists(atPath: file), (try? FileManager.default.moveItem(atPath: file, toPath: file + ".void")) != nil else { return nil }
        return file + ".void"
    }
}
