import ACH
import Core
import Foundation

/// The manifest's `origination` block, as the rules and the file need it.
public struct OriginationSettings: Sendable, Hashable {
    public var companyName: String
    /// The 10-character company identification the bank gave the seller.
    public var companyID: String
    /// The originating bank: its routing number's first eight digits.
    public var odfi: String
    /// The originating bank's name for the file header (`odfi_name`, default "ODFI").
    public var odfiName: String
    /// Whether each batch carries an offset credit to the seller's account (a balanced file).
    public var balanced: Bool
    /// The account the offset credits: routing (9 digits) and number.
    public var offsetAccount: (routing: String, account: String)?
    /// The batch's entry description (10 characters).
    public var entryDescription: String
    public var retryAfterDays: Int

    public init(companyName: String, companyID: String, odfi: String, odfiName: String = "ODFI", balanced: Bool = false,
                offsetAccount: (routing: String, account: String)? = nil, entryDescription: String = "AUTOPAY", retryAfterDays: Int = 3) {
        self.companyName = companyName
        self.companyID = companyID
        self.odfi = odfi
        self.odfiName = odfiName
        self.balanced = balanced
        self.offsetAccount = offsetAccount
        self.entryDescription = entryDescription
        self.retryAfterDays = retryAfterDays
    }

    public static func == (a: OriginationSettings, b: OriginationSettings) -> Bool {
        a.companyName == b.companyName && a.companyID == b.companyID && a.odfi == b.odfi && a.odfiName == b.odfiName && a.balanced == b.balanced
            && a.offsetAccount?.routing == b.offsetAccount?.routing && a.offsetAccount?.account == b.offsetAccount?.account
            && a.entryDescription == b.entryDescription && a.retryAfterDays == b.retryAfterDays
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(companyID)
        hasher.combine(odfi)
    }

    /// The ODFI's full routing number (its check digit computed).
    public var odfiRouting: String {
        odfi + (RoutingNumber.checkDigit(forFirstEight: odfi.utf8).map { String($0) } ?? "0")
    }
}

/// One entry of a file settle wrote, as the ledger keeps it (no account number: its last four characters).
public struct OriginatedEntry: Sendable, Hashable {
    public enum Kind: String, Sendable { case debit, retry, prenote, offset }
    public var trace: String
    public var fileName: String
    public var kind: Kind
    public var mandateID: String
    public var customerID: String
    public var invoiceID: String
    public var amount: Money
    public var discount: Money
    public var effectiveDay: Day
    public var sec: String
    public var batchNumber: Int
    public var accountLastFour: String
    /// A retry's original entry (the first presentment), by trace; empty for any other entry.
    public var retryOf: String

    /// Whether a return or notice of change read on `day` that names this entry's trace can be its answer: not one read
    /// before the entry was effective (it answered another tool's entry of the same trace).
    public func mayBeAnswered(on day: Day) -> Bool { day >= effectiveDay }

    public init(trace: String, fileName: String, kind: Kind, mandateID: String, customerID: String, invoiceID: String, amount: Money, discount: Money,
                effectiveDay: Day, sec: String, batchNumber: Int, accountLastFour: String, retryOf: String = "") {
        self.retryOf = retryOf
        self.trace = trace
        self.fileName = fileName
        self.kind = kind
        self.mandateID = mandateID
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.amount = amount
        self.discount = discount
        self.effectiveDay = effectiveDay
        self.sec = sec
        self.batchNumber = batchNumber
        self.accountLastFour = accountLastFour
    }
}

/// A debit file settle wrote, as the ledger keeps it.
public struct OriginationFileRecord: Sendable, Hashable {
    /// `<day run>-<file id modifier>.ach`.
    public var name: String
    public var day: Day
    public var modifier: String
    public var sha256: String
    public var createdAt: String
    public var entryCount: Int
    public var debitTotal: Money
    /// The file's bytes, compressed (zlib) and sealed with the origination key (to write it again, exactly, when the
    /// outbox lost it).
    public var sealedText: String
    public var voidedAt: String?
    public var voidNote: String
    /// The originating company (its batches' Company Identification).
    public var companyID: String

    public init(name: String, day: Day, modifier: String, sha256: String, createdAt: String, entryCount: Int, debitTotal: Money, sealedText: String,
                voidedAt: String? = nil, voidNote: String = "", companyID: String = "") {
        self.companyID = companyID
        self.name = name
        self.day = day
        self.modifier = modifier
        self.sha256 = sha256
        self.createdAt = createdAt
        self.entryCount = entryCount
        self.debitTotal = debitTotal
        self.sealedText = sealedText
        self.voidedAt = voidedAt
        self.voidNote = voidNote
    }

    /// The file name a day's `modifier` gets (CONTRACT: `OUTBOX/<day run>-<file id modifier>.ach`).
    public static func name(day: Day, modifier: String) -> String { "\(day)-\(modifier).ach" }

    /// The day and modifier of an outbox file's name; nil for a name settle does not write.
    public static func parse(name: String) -> (day: Day, modifier: String)? {
        guard name.hasSuffix(".ach"), name.utf8.count == 16 else { return nil }
        let stem = name.dropLast(4)
        guard let day = Day.parse(stem.prefix(10), format: .iso), stem.dropFirst(10).first == "-" else { return nil }
        let modifier = String(stem.suffix(1))
        guard modifiers.contains(modifier) else { return nil }
        return (day, modifier)
    }

    /// File ID modifiers in the order a day uses them (NACHA: A-Z, then 0-9).
    public static let modifiers: [String] = (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { String(UnicodeScalar($0)) }
        + (UInt8(ascii: "0")...UInt8(ascii: "9")).map { String(UnicodeScalar($0)) }
}

/// The NACHA debit file of one choice: a batch per SEC code and effective day, one entry per invoice with a CCD+/PPD+
/// `RMR` addenda naming it, the new mandates' prenotes, an offset credit per batch when the file is balanced. Trace
/// numbers are the ODFI and a sequence that goes on from the last file's, so no two entries the seller ever sent share
/// one.
public enum OriginationFile {
    /// A mandate's account, opened for the file being written.
    public struct Account: Sendable {
        public var routing: String
        public var account: String
        public var type: Mandate.AccountType
        public var sec: Mandate.SEC
        public init(routing: String, account: String, type: Mandate.AccountType, sec: Mandate.SEC) {
            self.routing = routing
            self.account = account
            self.type = type
            self.sec = sec
        }

        /// The account as a notification of change corrected it (routing, number, checking or savings).
        public mutating func apply(_ correction: ChangeCode.Correction) {
            if let routing = correction.routingNumber, routing.utf8.count == 9 { self.routing = routing }
            if let number = correction.accountNumber { account = number }
            if let code = correction.transactionCode.flatMap({ Int($0) }) {
                if (20...29).contains(code) { type = .checking } else if (30...39).contains(code) { type = .savings }
            }
        }
    }

    public struct Made: Sendable {
        /// The file's bytes (records of 94 characters, each ended by a line feed).
        public var bytes: [UInt8]
        public var entries: [OriginatedEntry]
        public var debitTotal: Money
    }

    /// The `RMR` addenda text of one invoice's debit.
    public static func remittance(_ pull: OriginationChoice.Pull) -> String {
        let exponent = pull.amount.currency.exponent
        var text = "RMR*IV*\(pull.invoiceID)*PI*\(MoneyFormat.plain(pull.amount.minorUnits, exponent: exponent))"
        if !pull.discount.isZero {
            text += "*\(MoneyFormat.plain(pull.openAmount.minorUnits, exponent: exponent))*\(MoneyFormat.plain(pull.discount.minorUnits, exponent: exponent))"
        }
        return text + "\\"
    }

    /// The file for `choice`, named `name`, created `createdAt` (an ISO timestamp: its date and time go in the header).
    /// `nextSequence` is the first trace sequence number it may use.
    public static func make(_ choice: OriginationChoice.Choice, name: String, day: Day, modifier: String, createdAt: String, nextSequence: Int,
                            accounts: [String: Account], names: [String: String], settings: OriginationSettings, currency: Currency) -> Made {
        // Trace numbers ascend within the file: one that would pass 9,999,999 starts again at 1.
        let count = choice.pulls.count + choice.prenotes.count + (settings.balanced ? 2 * Mandate.SEC.allCases.count : 0)
        var sequence = nextSequence + count - 1 > 9_999_999 ? 1 : nextSequence
        // The ODFI's eight digits and the sequence's seven, laid as bytes (one string a trace).
        var traceBytes = [UInt8](repeating: 0x30, count: 15)
        for (i, byte) in settings.odfi.utf8.prefix(8).enumerated() { traceBytes[i] = byte }
        func nextTrace() -> String {
            var n = sequence
            for i in stride(from: 14, through: 8, by: -1) {
                traceBytes[i] = 0x30 + UInt8(n % 10)
                n /= 10
            }
            sequence += 1
            return String(decoding: traceBytes, as: UTF8.self)
        }
        var entries: [OriginatedEntry] = []
        var batches: [NACHAWriter.BatchSpec] = []
        var debitTotal: Int64 = 0
        // Each pull's account, looked up once; the pulls of each batch by index.
        struct Batch: Hashable { var sec: Mandate.SEC, retrying: Bool }
        let pullAccounts = choice.pulls.map { accounts[$0.mandateID] }
        var pullsOf: [Batch: [Int]] = [:]
        for (i, pull) in choice.pulls.enumerated() {
            pullsOf[Batch(sec: pullAccounts[i]?.sec ?? .ccd, retrying: !pull.retryOf.isEmpty), default: []].append(i)
        }
        let secs = Mandate.SEC.allCases
        let prenotesBySEC = Dictionary(grouping: choice.prenotes) { accounts[$0.mandateID]?.sec ?? .ccd }
        // A batch per SEC code for new pulls and prenotes, then one per SEC code for retries (`RETRY PYMT`, never merged
        // with newly due invoices).
        for (sec, retrying) in secs.map({ ($0, false) }) + secs.map({ ($0, true) }) {
            let pulls = pullsOf[Batch(sec: sec, retrying: retrying)] ?? []
            let prenotes = retrying ? [] : prenotesBySEC[sec] ?? []
            guard !pulls.isEmpty || !prenotes.isEmpty else { continue }
            let batchNumber = batches.count + 1
            var specs: [NACHAWriter.EntrySpec] = []
            var batchDebit: Int64 = 0
            for prenote in prenotes {
                let mandateID = prenote.mandateID, customer = prenote.customerID
                guard let account = accounts[mandateID] else { continue }
                let trace = nextTrace()
                var spec = NACHAWriter.EntrySpec(transactionCode: account.type.transactionCode(prenote: true), receivingRouting: account.routing,
                                                 accountNumber: account.account, amountCents: 0, identificationNumber: customer,
                                                 receiverName: names[customer] ?? customer)
                spec.traceNumber = trace
                specs.append(spec)
                entries.append(OriginatedEntry(trace: trace, fileName: name, kind: .prenote, mandateID: mandateID, customerID: customer, invoiceID: "",
                                               amount: .zero(currency), discount: .zero(currency), effectiveDay: choice.effectiveDay, sec: sec.rawValue,
                                               batchNumber: batchNumber, accountLastFour: String(account.account.suffix(4))))
            }
            for index in pulls {
                let pull = choice.pulls[index]
                guard let account = pullAccounts[index] else { continue }
                let trace = nextTrace()
                var spec = NACHAWriter.EntrySpec(transactionCode: account.type.transactionCode(prenote: false), receivingRouting: account.routing,
                                                 accountNumber: account.account, amountCents: pull.amount.minorUnits, identificationNumber: pull.customerID,
                                                 receiverName: names[pull.customerID] ?? pull.customerID, paymentRelatedInformation: [remittance(pull)])
                spec.traceNumber = trace
                specs.append(spec)
                batchDebit += pull.amount.minorUnits
                entries.append(OriginatedEntry(trace: trace, fileName: name, kind: retrying ? .retry : .debit, mandateID: pull.mandateID, customerID: pull.customerID,
                                               invoiceID: pull.invoiceID, amount: pull.amount, discount: pull.discount, effectiveDay: choice.effectiveDay,
                                               sec: sec.rawValue, batchNumber: batchNumber, accountLastFour: String(account.account.suffix(4)), retryOf: pull.retryOf))
            }
            if settings.balanced, let offset = settings.offsetAccount, batchDebit > 0 {
                let trace = nextTrace()
                var spec = NACHAWriter.EntrySpec(transactionCode: 22, receivingRouting: offset.routing, accountNumber: offset.account, amountCents: batchDebit,
                                                 identificationNumber: "OFFSET", receiverName: settings.companyName)
                spec.traceNumber = trace
                specs.append(spec)
                entries.append(OriginatedEntry(trace: trace, fileName: name, kind: .offset, mandateID: "", customerID: "", invoiceID: "",
                                               amount: Money(minorUnits: batchDebit, currency: currency), discount: .zero(currency),
                                               effectiveDay: choice.effectiveDay, sec: sec.rawValue, batchNumber: batchNumber,
                                               accountLastFour: String(offset.account.suffix(4))))
            }
            debitTotal += batchDebit
            batches.append(NACHAWriter.BatchSpec(serviceClassCode: settings.balanced ? 200 : 225, companyName: settings.companyName,
                                                 companyIdentification: settings.companyID, standardEntryClass: sec == .ccd ? .ccd : .ppd,
                                                 entryDescription: retrying ? "RETRY PYMT" : settings.entryDescription, effectiveEntryDay: choice.effectiveDay,
                                                 originatingDFI: settings.odfi, entries: specs))
        }
        let time = createdAt.count >= 16 ? String(createdAt.dropFirst(11).prefix(5)).replacingOccurrences(of: ":", with: "") : "0000"
        let file = NACHAWriter.FileSpec(immediateDestination: settings.odfiRouting, immediateOrigin: settings.companyID, creationDay: day, creationTime: time,
                                        fileIDModifier: modifier, destinationName: settings.odfiName, originName: settings.companyName)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(95 * (entries.count * 2 + 4 * batches.count + 10))
        NACHAWriter().streamBytes(file: file, batches: batches) { record in
            bytes.append(contentsOf: record)
            bytes.append(0x0A)
        }
        return Made(bytes: bytes, entries: entries, debitTotal: Money(minorUnits: debitTotal, currency: currency))
    }
}
