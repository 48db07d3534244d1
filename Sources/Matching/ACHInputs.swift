import ACH
import Core
import Statements

/// Whose ACH file it is: entries that credit or debit the seller's account (`received`), or the seller's own
/// debit file and the returns and notifications of change that came back for it (`originated`).
public enum ACHRole: String, Sendable {
    case received, originated
}

/// An ACH file accepted for the day, as matching needs it.
public struct ACHFile: Sendable {
    public var name: String
    public var sha256: String
    public var role: ACHRole
    /// The bank account the file settles in, when the manifest names it.
    public var account: String?
    public var batches: [Batch]
    /// The File Creation Date of the file header: the day its entries are keyed by when a batch names no date of its own.
    public var creationDay: Day?

    public init(name: String, sha256: String, role: ACHRole, account: String?, batches: [Batch], creationDay: Day? = nil) {
        self.name = name
        self.sha256 = sha256
        self.role = role
        self.account = account
        self.batches = batches
        self.creationDay = creationDay
    }
}

/// What an ACH entry is, whatever file brought it: its key `ach:<role>:<company id>:<effective date>:<trace>` kept as
/// those parts. The company id and the trace fit in a string's inline room, so a million keys cost no text of their
/// own; the text is made when asked (posting, a report row), and let go.
public struct ACHEntryKey: Sendable, Hashable {
    public var role: ACHRole
    public var companyID: String
    public var effectiveDay: Day
    public var trace: String

    public init(role: ACHRole, companyID: String, effectiveDay: Day, trace: String) {
        self.role = role
        self.companyID = companyID
        self.effectiveDay = effectiveDay
        self.trace = trace
    }

    public var text: String { "ach:\(role.rawValue):\(companyID):\(effectiveDay):\(trace)" }
}

/// One ACH entry as settle remembers it: enough to know it again when a file is re-sent under a new header,
/// and to find it when a return names its trace number.
public struct ACHEntryFact: Sendable, Hashable {
    /// `ach:<role>:<company id>:<effective date>:<trace>`: what the entry is, whatever file brought it.
    public var key: String { entryKey.text }
    /// The key as its parts (made from the entry's own fields).
    public var entryKey: ACHEntryKey { ACHEntryKey(role: role, companyID: companyID, effectiveDay: effectiveDay, trace: traceNumber) }
    /// The key of settle's first schemas (`ach:<file sha-256>:<batch>:<trace>`), recognized in older ledgers: made
    /// when asked, from the file's hash and the batch number (a million entries do not each carry one).
    public var legacyKey: String {
        if let legacyOverride { return legacyOverride }
        return fileSHA.isEmpty ? "" : "ach:\(fileSHA):\(batchNumber):\(traceNumber)"
    }
    private var legacyOverride: String?
    /// The SHA-256 of the file that brought the entry (shared by its entries), and the entry's batch number.
    public var fileSHA = ""
    public var batchNumber = 0
    public var role: ACHRole
    public var companyID: String
    public var traceNumber: String
    /// The receiving DFI's routing number (eight digits), which a return repeats as the original RDFI.
    public var receivingDFI: String
    /// The amount, unsigned.
    public var amount: Money
    /// From the seller's account: credits to it positive.
    public var signedAmount: Money
    public var effectiveDay: Day
    public var settlementDay: Day
    public var fileName: String
    public var location: SourceLocation
    /// Receiver name and identification (originated entries: the customer debited).
    public var receiverName: String
    public var identificationNumber: String
    /// Money entries become receipts; returns and notifications of change are their own notices.
    public var kind: Kind
    /// The settlement batch the entry belongs to.
    public var batchKey = ""

    public enum Kind: String, Sendable { case payment, returned, notificationOfChange, reversal }

    public init(legacyKey: String, role: ACHRole, companyID: String, traceNumber: String, receivingDFI: String, amount: Money, signedAmount: Money,
                effectiveDay: Day, settlementDay: Day, fileName: String, location: SourceLocation, receiverName: String, identificationNumber: String, kind: Kind) {
        self.legacyOverride = legacyKey.isEmpty ? nil : legacyKey
        self.role = role
        self.companyID = companyID
        self.traceNumber = traceNumber
        self.receivingDFI = receivingDFI
        self.amount = amount
        self.signedAmount = signedAmount
        self.effectiveDay = effectiveDay
        self.settlementDay = settlementDay
        self.fileName = fileName
        self.location = location
        self.receiverName = receiverName
        self.identificationNumber = identificationNumber
        self.kind = kind
    }

    /// This occurrence of the entry: its file, by SHA-256 (by path while that is not known), and line (a re-sent file
    /// repeats the key, not the occurrence). Not the file's name: two sources may each deliver a `day.ach`.
    public var occurrence: String { "\(fileSHA.isEmpty ? location.file : fileSHA):\(location.line)" }
}

/// An R-code return of an entry: what came back, and how to find the original.
public struct ReturnNotice: Sendable, Hashable {
    public var fact: ACHEntryFact
    public var reasonCode: String
    public var originalTraceNumber: String
    public var originalReceivingDFI: String
    /// R61-R70: the originator's bank refuses the return (it undoes the reversal).
    public var isDishonored: Bool
    /// R71-R77: the receiving bank contests the dishonor (the return stands again).
    public var isContested: Bool
    /// A reversing entry (Company Entry Description `REVERSAL`), found by originator, account and amount.
    public var isReversal: Bool

    public init(fact: ACHEntryFact, reasonCode: String, originalTraceNumber: String, originalReceivingDFI: String, isDishonored: Bool, isContested: Bool,
                isReversal: Bool) {
        self.fact = fact
        self.reasonCode = reasonCode
        self.originalTraceNumber = originalTraceNumber
        self.originalReceivingDFI = originalReceivingDFI
        self.isDishonored = isDishonored
        self.isContested = isContested
        self.isReversal = isReversal
    }
}

/// A notification of change (C01-C14): the corrected bank details for the entry's receiver.
public struct ChangeNotice: Sendable, Hashable {
    public var fact: ACHEntryFact
    public var changeCode: String
    public var originalTraceNumber: String
    public var originalReceivingDFI: String
    public var correctedData: String
}

/// A day's ACH files read into facts: the entries (for receipts and the ledger's memory of them), returns,
/// notifications of change, and the batches settlement reconciliation must find on the statement.
public struct ACHReading: Sendable {
    public var entries: [ACHEntryFact] = []
    public var returns: [ReturnNotice] = []
    public var changes: [ChangeNotice] = []
    public var settlementBatches: [SettlementBatch] = []
    /// What could not be read of the entries' remittance (an RMR amount, BPR02, ADX01), each naming the addenda's line and
    /// the field: warnings of the file (an amount too large to keep, an error), its entries applied as the items say.
    public var diagnostics = DiagnosticList()
    /// For each payment entry (by index into `entries`), the receipt parts a receipt is made of.
    var receiptParts: [Int: ReceiptParts] = [:]
    /// The receiver's name and account as the last entry gave them (see `same(_:as:)`).
    private var lastReceiverName = ""
    private var lastAccount = ""

    /// `last` for a text equal to it, else the text (kept as the new `last`): the entries of a file of received
    /// credits name the seller itself as receiver, and its account, each otherwise a string of its own a million
    /// times (110 MB at 1M entries).
    private static func same(_ text: String, as last: inout String) -> String {
        if text == last { return last }
        last = text
        return text
    }

    struct ReceiptParts: Sendable {
        var payerName: String
        var payerCompanyID: String
        var bankAccount: String
        var remittance: [RemittanceItem]
        var freeText: String
    }

    public init() {}

    /// Reads the accepted batches of the day's ACH files (rejected batches are the caller's exceptions).
    public init(files: [ACHFile], currency: Currency, day: Day, calendar: BusinessCalendar = .federalReserve) {
        for file in files { add(file, currency: currency, day: day, calendar: calendar) }
    }

    /// Reads one accepted batch of `file` (whose `batches` may be empty): what a reader streaming a file does, so the
    /// batch's records can go as soon as it is read.
    public mutating func add(_ batch: Batch, of file: ACHFile, currency: Currency, day: Day, calendar: BusinessCalendar = .federalReserve) {
        guard !batch.isRejected else { return }
        read(batch, of: file, currency: currency, day: day, calendar: calendar)
    }

    /// Appends another file's facts (read on its own, in file order).
    public mutating func append(_ other: ACHReading) {
        // The usual day has one file: taken whole, not copied (unless room was reserved for several).
        if entries.isEmpty && returns.isEmpty && changes.isEmpty && settlementBatches.isEmpty && entries.capacity <= other.entries.count {
            self = other
            return
        }
        let offset = entries.count
        entries += other.entries
        returns += other.returns
        changes += other.changes
        settlementBatches += other.settlementBatches
        for d in other.diagnostics.items { diagnostics.append(d) }
        for (index, parts) in other.receiptParts { receiptParts[index + offset] = parts }
    }

    /// Sets the SHA-256 of the one file these facts were read from, once it is known (it is computed beside the
    /// reading): the entries' legacy keys and the batches' file key name it.
    public mutating func setFileSHA(_ sha256: String) {
        for i in entries.indices { entries[i].fileSHA = sha256 }
        for i in returns.indices { returns[i].fact.fileSHA = sha256 }
        for i in changes.indices { changes[i].fact.fileSHA = sha256 }
        for i in settlementBatches.indices { settlementBatches[i].fileKey = sha256 }
    }

    /// Lets go of the entries and their receipt parts once receipts and the ledger's rows are made from them: what
    /// a day keeps past that is its returns, notifications of change and settlement batches.
    public mutating func releaseEntries() {
        entries = []
        receiptParts = [:]
    }

    /// Lets go of what receipts are made of (after `receipts(day:seenBefore:legacyPosted:)`); the entries stay.
    public mutating func releaseReceiptParts() {
        receiptParts = [:]
    }

    /// Room for `count` more entries, so a day's facts are not copied as the array grows.
    public mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(entries.count + count) }

    /// Reads one more file's accepted batches (a caller can let go of each file's records as soon as it is read).
    public mutating func add(_ file: ACHFile, currency: Currency, day: Day, calendar: BusinessCalendar = .federalReserve) {
        for batch in file.batches where !batch.isRejected {
            read(batch, of: file, currency: currency, day: day, calendar: calendar)
        }
    }

    private mutating func read(_ batch: Batch, of file: ACHFile, currency: Currency, day: Day, calendar: BusinessCalendar) {
        let header = batch.header
        let effective = ACHReading.entryDay(effective: header.effectiveEntryDate, settlementJulian: header.settlementDateJulian, created: file.creationDay, runDay: day)
        let settlement = ACHReading.settlementDay(julian: header.settlementDateJulian, effective: effective) ?? effective
        let companyID = ByteScanning.trimmed(header.companyIdentification)
        let isReversal = ByteScanning.trimmed(header.companyEntryDescription).uppercased() == "REVERSAL"
        var net: Int64 = 0
        var firstEntry = entries.count
        // A balanced debit file the seller originated carries an offset: one credit to the seller's own account for the
        // batch's debits. It moves nothing at the bank, so the batch is read (and settles) without it.
        var offset: Int?
        if file.role == .originated, header.serviceClassCode == 200 {
            var debits: Int64 = 0
            var credits: [Int] = []
            for (i, entry) in batch.entries.enumerated() where entry.returnAddenda == nil && entry.notificationOfChange == nil {
                if TransactionCode.isDebit(entry.detail.transactionCode) { debits &+= entry.detail.amountCents } else { credits.append(i) }
            }
            if credits.count == 1, debits > 0, batch.entries[credits[0]].detail.amountCents == debits { offset = credits[0] }
        }
        for (index, entry) in batch.entries.enumerated() {
            if index == offset { continue }
            let detail = entry.detail
            if TransactionCode.isZeroDollar(detail.transactionCode) && entry.notificationOfChange == nil { continue }
            // From the seller's account: a received credit is money in; an originated debit pulls money in.
            let signed = file.role == .received ? detail.signedAmountCents : -detail.signedAmountCents
            let trace = detail.traceNumber
            var fact = ACHEntryFact(legacyKey: "", role: file.role, companyID: companyID,
                                    traceNumber: trace, receivingDFI: String(detail.receivingDFI.prefix(8)),
                                    amount: Money(minorUnits: detail.amountCents, currency: currency), signedAmount: Money(minorUnits: signed, currency: currency),
                                    effectiveDay: effective, settlementDay: settlement, fileName: file.name, location: detail.location,
                                    receiverName: ACHReading.same(ByteScanning.trimmed(detail.receiverName), as: &lastReceiverName), identificationNumber: ByteScanning.trimmed(detail.identificationNumber),
                                    kind: .payment)
            fact.fileSHA = file.sha256
            fact.batchNumber = header.batchNumber
            if let returned = entry.returnAddenda {
                // A return carries the original's transaction code family, and moves the money back the other way;
                // a dishonored return (the return refused) moves it as the original did.
                if !returned.isDishonored {
                    fact.signedAmount = Money(minorUnits: -signed, currency: currency)
                }
                fact.kind = .returned
                entries.append(fact)
                returns.append(ReturnNotice(fact: fact, reasonCode: returned.returnReasonCode, originalTraceNumber: returned.originalEntryTraceNumber,
                                            originalReceivingDFI: returned.originalReceivingDFI, isDishonored: returned.isDishonored, isContested: returned.isContested,
                                            isReversal: false))
                net += fact.signedAmount.minorUnits
                continue
            }
            if let change = entry.notificationOfChange {
                fact.kind = .notificationOfChange
                entries.append(fact)
                changes.append(ChangeNotice(fact: fact, changeCode: change.changeCode, originalTraceNumber: change.originalEntryTraceNumber,
                                            originalReceivingDFI: change.originalReceivingDFI, correctedData: change.correctedData))
                continue
            }
            guard detail.amountCents != 0 else { continue }
            net += signed
            if isReversal {
                // A reversing entry undoes an earlier entry of the same originator, account and amount.
                fact.kind = .reversal
                entries.append(fact)
                returns.append(ReturnNotice(fact: fact, reasonCode: "REVERSAL", originalTraceNumber: "", originalReceivingDFI: fact.receivingDFI,
                                            isDishonored: false, isContested: false, isReversal: true))
                continue
            }
            let remittance = ACHReading.remittance(of: entry, currency: currency)
            for d in remittance?.diagnostics ?? [] { diagnostics.append(d) }
            var freeText = remittance?.freeText ?? ""
            if file.role == .originated, !fact.identificationNumber.isEmpty { freeText = ByteScanning.trimmed(fact.identificationNumber + " " + freeText) }
            receiptParts[entries.count] = ReceiptParts(payerName: file.role == .received ? header.companyName : fact.receiverName,
                                                       payerCompanyID: file.role == .received ? companyID : "",
                                                       bankAccount: file.account ?? (file.role == .received ? ACHReading.same(detail.dfiAccountNumber, as: &lastAccount) : "ACH"),
                                                       remittance: remittance?.items ?? [], freeText: freeText)
            entries.append(fact)
        }
        if firstEntry < entries.count || net != 0 {
            let key = "batch:\(file.role.rawValue):\(companyID):\(effective):\(header.batchNumber):\(entries[firstEntry...].first?.traceNumber ?? "")"
            for i in firstEntry..<entries.count { entries[i].batchKey = key }
            var batchEntry = SettlementBatch(key: key, fileKey: file.sha256, fileName: file.name, batchNumber: header.batchNumber,
                                             companyName: ByteScanning.trimmed(header.companyName), effectiveDay: settlement,
                                             netAmount: Money(minorUnits: net, currency: currency), location: header.location)
            batchEntry.entryAmounts = entries[firstEntry...].filter { $0.kind != .notificationOfChange }.map(\.signedAmount)
            settlementBatches.append(batchEntry)
        }
        firstEntry = entries.count
    }

    /// The X12 remittance an entry's addenda carry (nil without addenda text), its diagnostics located at the entry's
    /// first addenda (where the text starts), else at the entry.
    public static func remittance(of entry: Entry, currency: Currency) -> X12Remittance? {
        let text = entry.paymentRelatedInformation
        guard !text.isEmpty else { return nil }
        var location = entry.detail.location
        for case let .paymentRelated(addenda) in entry.addenda {
            location = addenda.location
            break
        }
        return X12Remittance.parse(text, currency: currency, location: location)
    }

    /// True for a key of settle's first schemas, `ach:<64 hex digits of the file's SHA-256>:<batch>:<trace>`: such
    /// an entry keeps the posting rule it was posted under (cash straight to the bank account).
    public static func isLegacyKey(_ key: String) -> Bool {
        // Decided over bytes, failing at the first that does not fit (every receipt's key is asked).
        let u = key.utf8
        guard u.count >= 71 else { return false }
        var colons = 0
        for (i, b) in u.enumerated() {
            switch i {
            case 0: guard b == UInt8(ascii: "a") else { return false }
            case 1: guard b == UInt8(ascii: "c") else { return false }
            case 2: guard b == UInt8(ascii: "h") else { return false }
            case 3, 68: guard b == UInt8(ascii: ":") else { return false }
            case 4..<68: guard (b >= 48 && b <= 57) || (b >= 97 && b <= 102) else { return false }
            default: if b == UInt8(ascii: ":") { colons += 1 }
            }
        }
        return colons == 1
    }

    /// The day a batch's entries are keyed by (`ach:<role>:<company id>:<effective date>:<trace>`): its Effective Entry
    /// Date; when that is blank or not a date, its Settlement Date (positions 76-78), taken in the year nearest the
    /// file's creation; else the file's File Creation Date. All are the file's own, so the same file run on another day
    /// makes the same keys (and is known again). Only a file that names no date at all falls back to the day it is run.
    static func entryDay(effective: Day?, settlementJulian: String, created: Day?, runDay: Day) -> Day {
        if let effective { return effective }
        if let settlement = settlementDay(julian: settlementJulian, effective: created ?? runDay) { return settlement }
        return created ?? runDay
    }

    /// The Settlement Date of a batch header (positions 76-78, a Julian day of the year the ACH operator
    /// fills in), taken in the year that puts it nearest the effective date.
    static func settlementDay(julian: String, effective: Day) -> Day? {
        guard let dayOfYear = Int(ByteScanning.trimmed(julian)), (1...366).contains(dayOfYear) else { return nil }
        var best: Day?
        for year in [effective.year - 1, effective.year, effective.year + 1] {
            guard let first = Day(year: year, month: 1, day: 1) else { continue }
            let candidate = first.adding(days: dayOfYear - 1)
            guard candidate.year == year else { continue }
            if let current = best, abs(candidate.days(since: effective)) >= abs(current.days(since: effective)) { continue }
            best = candidate
        }
        return best
    }

    /// The receipts of the day's payment entries, under the key each is posted under: its own, or the legacy key an
    /// older ledger posted it under. An entry seen on an earlier day, or twice today, is a `DUPLICATE`, applied once;
    /// `duplicates` holds the occurrences set aside, so that a re-sent return is not reversed twice either.
    public func receipts(day: Day, seenBefore: [String: String], legacyPosted: Set<String>)
        -> (receipts: [Receipt], exceptions: [MatchException], duplicates: Set<String>) {
        var receipts: [Receipt] = []
        var exceptions: [MatchException] = []
        var duplicates = Set<String>()
        // The entry that took a key first today, by index (its description is made only for a duplicate's message):
        // found by the key's hash and checked against that entry's key (12 bytes an entry, where a dictionary of the
        // keys themselves held 48); keys whose hash an earlier, different key had are kept by key.
        var firstByHash: [Int: Int32] = [:]
        firstByHash.reserveCapacity(entries.count)
        var collided: [ACHEntryKey: Int] = [:]
        func takenToday(_ key: ACHEntryKey, hash: Int) -> Int? {
            guard let first = firstByHash[hash] else { return nil }
            return entries[Int(first)].entryKey == key ? Int(first) : collided[key]
        }
        let checkLegacy = !legacyPosted.isEmpty
        for (index, fact) in entries.enumerated() {
            let entryKey = fact.entryKey
            let hash = entryKey.hashValue
            if let earlier = (seenBefore.isEmpty ? nil : seenBefore[entryKey.text]) ?? takenToday(entryKey, hash: hash).map({ "\(entries[$0].fileName) on \(day)" }) {
                exceptions.append(MatchException(type: .duplicate, severity: .info, about: fact.key, discriminator: "\(day):\(fact.fileName):\(fact.location.line)",
                                                 source: "nacha", sourceRef: fact.traceNumber, location: fact.location, amount: fact.signedAmount,
                                                 message: "entry \(fact.traceNumber) of \(fact.companyID) for \(fact.amount) in \(fact.fileName) was already taken (\(earlier)); not applied again",
                                                 suggestions: "if the bank re-sent the file, nothing to do"))
                duplicates.insert(fact.occurrence)
                continue
            }
            if firstByHash[hash] == nil { firstByHash[hash] = Int32(index) } else { collided[entryKey] = index }
            guard let parts = receiptParts[index] else { continue }
            // Posted under its own key (kept as parts), or under the legacy key an older ledger posted it under.
            let key: Receipt.Key = checkLegacy && legacyPosted.contains(fact.legacyKey) ? .text(fact.legacyKey) : .ach(entryKey)
            receipts.append(Receipt(id: ContentID.make(prefix: "R", key.text), source: .nacha, sourceRef: fact.traceNumber, key: key, valueDay: fact.settlementDay,
                                    amount: fact.signedAmount, bankAccount: parts.bankAccount, payerName: parts.payerName, payerCompanyID: parts.payerCompanyID,
                                    remittance: parts.remittance, freeText: parts.freeText, location: fact.location))
        }
        return (receipts, exceptions, duplicates)
    }
}
