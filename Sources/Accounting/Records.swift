import Core

/// An invoice as the ledger keeps it: the export's fields plus the open amount derived from postings.
public struct LedgerInvoice: Hashable, Sendable {
    public var invoiceID: String
    public var customerID: String
    public var issueDay: Day
    public var dueDay: Day
    public var amount: Money
    public var openAmount: Money
    public var terms: String
    public var poNumber: String
    /// The run day its opening entry was posted (nil: never, or not read).
    public var openedDay: Day?
    /// What is written off of it, in minor units of its currency: the payment differences (6900) naming it — shortfalls
    /// written off within the tolerance or by a reviewer, less what recoveries and returns took back. 0 when nothing is.
    public var writtenOffMinorUnits: Int64 = 0

    public init(invoiceID: String, customerID: String, issueDay: Day, dueDay: Day, amount: Money, openAmount: Money, terms: String, poNumber: String,
                openedDay: Day? = nil, writtenOffMinorUnits: Int64 = 0) {
        self.openedDay = openedDay
        self.writtenOffMinorUnits = writtenOffMinorUnits
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.issueDay = issueDay
        self.dueDay = dueDay
        self.amount = amount
        self.openAmount = openAmount
        self.terms = terms
        self.poNumber = poNumber
    }
}

/// How cash was applied, as stored for reports and reruns.
public struct ApplicationRow: Hashable, Sendable {
    public var receiptID: String
    public var sourceKey: String
    public var invoiceID: String?
    public var customerID: String?
    public var applied: Money
    public var discount: Money
    public var writeOff: Money
    public var rule: String
    public var confidence: Int
    /// What the decision rests on, in words.
    public var evidence: String
    /// The X12 adjustment reason (ADX02, code list 426) the payer gave for a deduction on this invoice, if any.
    public var reasonCode: String
    /// What a remittance advice shows of the receipt: where it came from (`nacha`, `bai2`, `camt053`, `csv`), its
    /// reference there, and its value day (nil where the row has no receipt of its own, such as a return's).
    public var source: String
    public var sourceRef: String
    public var valueDay: Day?
    /// Who decided, for the rows of a reviewer's decision (remittance's `decided_by`; the ledger keeps it on the exception).
    public var decidedBy = ""

    public init(receiptID: String, sourceKey: String, invoiceID: String?, customerID: String?, applied: Money, discount: Money, writeOff: Money, rule: String, confidence: Int,
                evidence: String = "", reasonCode: String = "", source: String = "", sourceRef: String = "", valueDay: Day? = nil) {
        self.evidence = evidence
        self.reasonCode = reasonCode
        self.source = source
        self.sourceRef = sourceRef
        self.valueDay = valueDay
        self.receiptID = receiptID
        self.sourceKey = sourceKey
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.applied = applied
        self.discount = discount
        self.writeOff = writeOff
        self.rule = rule
        self.confidence = confidence
    }
}

/// An exception for a person, as stored: stable id, what and where, and the reviewer's resolution.
public struct ExceptionRow: Hashable, Sendable {
    public var exceptionID: String
    public var day: Day
    public var type: String
    public var severity: String
    public var receiptID: String
    public var source: String
    public var sourceRef: String
    public var location: String
    public var customerID: String
    public var amount: Money?
    public var invoiceIDs: [String]
    public var message: String
    public var suggestions: String
    public var status: String
    public var resolution: String
    public var resolutionNote: String
    /// What the decision behind the exception rests on: how the payer was found, the candidates and why each was set aside.
    public var evidence: String

    public init(exceptionID: String, day: Day, type: String, severity: String, receiptID: String, source: String, sourceRef: String,
                location: String, customerID: String, amount: Money?, invoiceIDs: [String], message: String, suggestions: String,
                status: String = "open", resolution: String = "", resolutionNote: String = "", evidence: String = "") {
        self.evidence = evidence
        self.exceptionID = exceptionID
        self.day = day
        self.type = type
        self.severity = severity
        self.receiptID = receiptID
        self.source = source
        self.sourceRef = sourceRef
        self.location = location
        self.customerID = customerID
        self.amount = amount
        self.invoiceIDs = invoiceIDs
        self.message = message
        self.suggestions = suggestions
        self.status = status
        self.resolution = resolution
        self.resolutionNote = resolutionNote
    }
}

/// An exception on the worklist of a day (open at its end), with where it stands now: a rerun of an older day shows
/// what was open then, each with its status now.
public struct WorklistRow: Hashable, Sendable {
    public var exception: ExceptionRow
    /// The reviewer's decision now (`apply`, `write-off`, ...; empty: none) and who made it.
    public var decision: String
    public var decidedBy: String
    /// The day of the run that booked the decision (nil: not booked yet).
    public var bookedDay: Day?
    /// The day the exception was closed (booked decision or settle's own resolution; nil: not closed).
    public var closedDay: Day?

    public init(exception: ExceptionRow, decision: String = "", decidedBy: String = "", bookedDay: Day? = nil, closedDay: Day? = nil) {
        self.exception = exception
        self.decision = decision
        self.decidedBy = decidedBy
        self.bookedDay = bookedDay
        self.closedDay = closedDay
    }

    /// Whether it is still open now: nothing decided and not resolved.
    public var isOpenNow: Bool { exception.status == "open" }
}

/// An ACH entry as the ledger remembers it.
public struct ACHEntryRow: Hashable, Sendable {
    /// The entry's key, `ach:<role>:<company id>:<effective day>:<trace>`, made from the row's own fields when asked
    /// (a day's million rows wait for the writer without a million key texts); kept as text only when it differs.
    public var entryKey: String { entryKeyText ?? composedKey }
    private var entryKeyText: String?
    public var role: String
    public var kind: String
    public var companyID: String
    public var trace: String
    public var rdfi: String
    public var amount: Money
    public var effectiveDay: Day
    public var settlementDay: Day
    /// The journal source key the entry's receipt is posted under: its entry key unless an older ledger posted it
    /// under another.
    public var sourceKey: String { sourceKeyText ?? entryKey }
    private var sourceKeyText: String?
    public var customerID: String?
    public var receiverName: String
    public var identification: String
    public var fileName: String
    public var day: Day

    /// Whether the row's entry key is not the one its fields make (an older ledger's, kept as text).
    public var keepsKeyText: Bool { entryKeyText != nil }

    /// The source key given the entry key already made (a writer binding both makes the key text once).
    public func sourceKey(entryKey: String) -> String { sourceKeyText ?? entryKey }

    private var composedKey: String { Self.entryKey(role: role, companyID: companyID, effectiveDay: effectiveDay, trace: trace) }

    /// The key an entry's fields make, `ach:<role>:<company id>:<effective day>:<trace>`.
    public static func entryKey(role: String, companyID: String, effectiveDay: Day, trace: String) -> String {
        "ach:\(role):\(companyID):\(effectiveDay):\(trace)"
    }

    /// A hash of the entry key, made from the fields without making its text (the same for equal keys within one
    /// process: `ACHEntryCustomer.keyHash`).
    public var keyHash: Int {
        if let entryKeyText { return entryKeyText.hashValue }
        return Self.keyHash(role: role, companyID: companyID, effectiveDay: effectiveDay, trace: trace)
    }

    static func keyHash(role: String, companyID: String, effectiveDay: Day, trace: String) -> Int {
        var hasher = Hasher()
        hasher.combine(role)
        hasher.combine(companyID)
        hasher.combine(effectiveDay)
        hasher.combine(trace)
        return hasher.finalize()
    }

    public init(entryKey: String, role: String, kind: String, companyID: String, trace: String, rdfi: String, amount: Money, effectiveDay: Day,
                settlementDay: Day, sourceKey: String, customerID: String?, receiverName: String, identification: String, fileName: String, day: Day) {
        self.init(role: role, kind: kind, companyID: companyID, trace: trace, rdfi: rdfi, amount: amount, effectiveDay: effectiveDay, settlementDay: settlementDay,
                  sourceKey: nil, customerID: customerID, receiverName: receiverName, identification: identification, fileName: fileName, day: day)
        if entryKey != composedKey { entryKeyText = entryKey }
        if sourceKey != self.entryKey { sourceKeyText = sourceKey }
    }

    /// A row whose entry key is the one its fields make; `sourceKey` nil when it is that key too.
    public init(role: String, kind: String, companyID: String, trace: String, rdfi: String, amount: Money, effectiveDay: Day,
                settlementDay: Day, sourceKey: String?, customerID: String?, receiverName: String, identification: String, fileName: String, day: Day) {
        self.role = role
        self.kind = kind
        self.companyID = companyID
        self.trace = trace
        self.rdfi = rdfi
        self.amount = amount
        self.effectiveDay = effectiveDay
        self.settlementDay = settlementDay
        self.sourceKeyText = sourceKey
        self.customerID = customerID
        self.receiverName = receiverName
        self.identification = identification
        self.fileName = fileName
        self.day = day
    }
}

/// A return of an ACH entry, by the trace number of the entry that came back: one row per return notice, never updated
/// (the rules of debit origination read them: retries, mandates suspended or revoked, return rates).
public struct ACHReturnRow: Hashable, Sendable {
    public var noticeKey: String
    public var originalTrace: String
    public var reasonCode: String
    /// The originator's bank refused the return (the entry stands).
    public var dishonored: Bool
    public var amount: Money
    public var day: Day

    public init(noticeKey: String, originalTrace: String, reasonCode: String, dishonored: Bool, amount: Money, day: Day) {
        self.noticeKey = noticeKey
        self.originalTrace = originalTrace
        self.reasonCode = reasonCode
        self.dishonored = dishonored
        self.amount = amount
        self.day = day
    }
}

/// A customer's bank details as a notification of change corrected them: one row per notice, never updated.
public struct ACHChangeRow: Hashable, Sendable {
    public var noticeKey: String
    public var customerID: String?
    public var changeCode: String
    public var correctedData: String
    public var originalTrace: String
    public var day: Day

    public init(noticeKey: String, customerID: String?, changeCode: String, correctedData: String, originalTrace: String, day: Day) {
        self.noticeKey = noticeKey
        self.customerID = customerID
        self.changeCode = changeCode
        self.correctedData = correctedData
        self.originalTrace = originalTrace
        self.day = day
    }
}

/// An ACH batch the statement must show: pending until a line settles it, unsettled when its window ends first.
public struct SettlementItemRow: Hashable, Sendable {
    public var batchKey: String
    public var role: String
    public var companyName: String
    public var fileName: String
    public var net: Money
    public var settlementDay: Day
    public var windowEnd: Day
    /// The day the batch's file was taken.
    public var firstDay: Day
    public var settledDay: Day?
    /// The statement line (its content key) that settled it.
    public var settledBy: String?
    /// The day its window ended without a line (it may still settle late).
    public var unsettledDay: Day?
    public var location: String
    /// Each entry's amount in minor units (a bank may show the batch entry by entry).
    public var entryAmounts: [Int64] = []
    /// The SHA-256 of the file that announced the batch: a statement line shows a file's total only for batches of
    /// one file. Empty for an item an older ledger kept without it (never added up with others as one file).
    public var fileKey = ""

    public init(batchKey: String, role: String, companyName: String, fileName: String, net: Money, settlementDay: Day, windowEnd: Day, firstDay: Day,
                settledDay: Day? = nil, settledBy: String? = nil, unsettledDay: Day? = nil, location: String) {
        self.batchKey = batchKey
        self.role = role
        self.companyName = companyName
        self.fileName = fileName
        self.net = net
        self.settlementDay = settlementDay
        self.windowEnd = windowEnd
        self.firstDay = firstDay
        self.settledDay = settledDay
        self.settledBy = settledBy
        self.unsettledDay = unsettledDay
        self.location = location
    }
}

/// A bank account as the ledger knows it: its identity (bank, normalized number, currency) and the cash account its
/// money is booked in, given once and kept.
public struct BankAccountRow: Hashable, Sendable {
    public var number: String
    /// Routing number or BIC; empty where no file named it.
    public var bank: String
    public var currency: String
    public var code: String
    public var firstDay: Day
    /// The cash account an older ledger booked this account's money in, until a run moves it here.
    public var reclassFrom: String

    public init(number: String, bank: String, currency: String, code: String, firstDay: Day, reclassFrom: String = "") {
        self.number = number
        self.bank = bank
        self.currency = currency
        self.code = code
        self.firstDay = firstDay
        self.reclassFrom = reclassFrom
    }
}

/// A receipt that left cash unapplied with its customer, as the ledger keeps it to try it again on later days.
public struct HeldReceiptRow: Hashable, Sendable {
    public var sourceKey: String
    public var receiptID: String
    public var customerID: String
    /// Unapplied when it was held; `held` in reads: what is still held before the day asked.
    public var amount: Money
    public var day: Day
    public var valueDay: Day
    public var source: String
    public var sourceRef: String
    public var payerName: String
    public var freeText: String
    /// Its remittance lines, as `HeldReceiptRow.encode` writes them.
    public var remittance: String
    public var location: String

    public init(sourceKey: String, receiptID: String, customerID: String, amount: Money, day: Day, valueDay: Day, source: String, sourceRef: String,
                payerName: String, freeText: String, remittance: String, location: String) {
        self.sourceKey = sourceKey
        self.receiptID = receiptID
        self.customerID = customerID
        self.amount = amount
        self.day = day
        self.valueDay = valueDay
        self.source = source
        self.sourceRef = sourceRef
        self.payerName = payerName
        self.freeText = freeText
        self.remittance = remittance
        self.location = location
    }
}

/// Unapplied cash of a held receipt applied on a later day: one row per invoice.
public struct ReapplicationRow: Hashable, Sendable {
    public var sourceKey: String
    public var invoiceID: String
    public var amount: Money
    public init(sourceKey: String, invoiceID: String, amount: Money) {
        self.sourceKey = sourceKey
        self.invoiceID = invoiceID
        self.amount = amount
    }
}

/// An account's statement balances on a day, as the ledger keeps them.
public struct StatementBalanceRow: Hashable, Sendable {
    public var account: String
    public var day: Day
    public var opening: Money?
    public var closing: Money?
    public var location: String

    public init(account: String, day: Day, opening: Money?, closing: Money?, location: String) {
        self.account = account
        self.day = day
        self.opening = opening
        self.closing = closing
        self.location = location
    }
}
