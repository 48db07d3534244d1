import Core

/// One side of a journal entry: an amount on an account, debit positive and credit negative,
/// optionally for a customer and an invoice (subledger detail of accounts receivable and unapplied cash).
public struct Posting: Hashable, Sendable {
    public var account: String
    public var customerID: String?
    public var invoiceID: String?
    public var amount: Money

    public init(account: String, customerID: String? = nil, invoiceID: String? = nil, amount: Money) {
        self.account = account
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.amount = amount
    }

    var key: PostingKey { PostingKey(account: account, customerID: customerID ?? "", invoiceID: invoiceID ?? "", currency: amount.currency.code) }
}

struct PostingKey: Hashable, Comparable {
    var account: String
    var customerID: String
    var invoiceID: String
    var currency: String
    static func < (a: PostingKey, b: PostingKey) -> Bool {
        (a.account, a.customerID, a.invoiceID, a.currency) < (b.account, b.customerID, b.invoiceID, b.currency)
    }
}

/// A journal entry the run wants to exist under a source key. The ledger posts it once; if a different one
/// is already posted under the key it posts a reversal and this as the replacement.
public struct JournalEntryDraft: Hashable, Sendable {
    /// What the entry is for, unique in the ledger: `ach:<file sha-256>:<batch>:<trace>`, `stmt:<account>:<bank ref>`.
    public var sourceKey: String
    public var effectiveDay: Day
    public var memo: String
    public var postings: [Posting]

    public init(sourceKey: String, effectiveDay: Day, memo: String, postings: [Posting]) {
        self.sourceKey = sourceKey
        self.effectiveDay = effectiveDay
        self.memo = memo
        self.postings = postings
    }

    /// True when debits equal credits in every currency.
    public var isBalanced: Bool { JournalEntryDraft.balances(postings) }

    /// True when the postings sum to zero in every currency (one currency, the common case, needs no dictionary).
    static func balances(_ postings: [Posting]) -> Bool {
        if let first = postings.first?.amount.currency, postings.allSatisfy({ $0.amount.currency == first }) {
            var sum: Int64 = 0
            for p in postings {
                let (s, o) = sum.addingReportingOverflow(p.amount.minorUnits)
                if o { return false }
                sum = s
            }
            return sum == 0
        }
        var sums: [String: Int64] = [:]
        for p in postings {
            let (s, o) = (sums[p.amount.currency.code] ?? 0).addingReportingOverflow(p.amount.minorUnits)
            if o { return false }
            sums[p.amount.currency.code] = s
        }
        return sums.values.allSatisfy { $0 == 0 }
    }

    /// Postings summed per account, customer, invoice and currency, zero sums dropped: two drafts with the
    /// same net effect compare equal.
    var netPostings: [PostingKey: Int64] {
        var sums: [PostingKey: Int64] = [:]
        for p in postings { sums[p.key, default: 0] &+= p.amount.minorUnits }
        return sums.filter { $0.value != 0 }
    }
}

/// A journal entry as posted.
public struct PostedEntry: Hashable, Sendable {
    public enum Kind: String, Sendable { case original, reversal, replacement }
    public var entryID: Int64
    public var sourceKey: String
    public var revision: Int
    public var kind: Kind
    public var runID: Int64
    public var effectiveDay: Day
    public var memo: String
    public var postings: [Posting]
}

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

    public init(invoiceID: String, customerID: String, issueDay: Day, dueDay: Day, amount: Money, openAmount: Money, terms: String, poNumber: String,
                openedDay: Day? = nil) {
        self.openedDay = openedDay
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

    public init(receiptID: String, sourceKey: String, invoiceID: String?, customerID: String?, applied: Money, discount: Money, writeOff: Money, rule: String, confidence: Int,
                evidence: String = "", reasonCode: String = "") {
        self.evidence = evidence
        self.reasonCode = reasonCode
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

/// A file the ledger has taken in, by content.
public struct IngestedFile: Hashable, Sendable {
    public var sha256: String
    public var sizeBytes: Int64
    public var name: String
    public var runID: Int64
    public var day: Day
    public var archivePath: String
    /// The manifest source that named the file (`sources[0]`): a rerun whose input left its path reads it back from
    /// the archive for that source.
    public var source: String

    public init(sha256: String, sizeBytes: Int64, name: String, runID: Int64, day: Day, archivePath: String, source: String = "") {
        self.source = source
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.name = name
        self.runID = runID
        self.day = day
        self.archivePath = archivePath
    }
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

    /// The source key given the entry key already made (a writer binding both makes the key text once).
    public func sourceKey(entryKey: String) -> String { sourceKeyText ?? entryKey }

    private var composedKey: String { "ach:\(role):\(companyID):\(effectiveDay):\(trace)" }

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

/// An account's statement balances on a day, as the ledger keeps them.
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

/// Everything one day of a run writes, committed in one transaction: all of it or none of it.
public struct DayCommit: Sendable {
    public var runID: Int64
    public var day: Day
    public var invoices: [LedgerInvoice]
    public var entries: [JournalEntryDraft]
    public var applications: [ApplicationRow]
    public var exceptions: [ExceptionRow]
    public var files: [IngestedFile]
    public var cashAccounts: [(code: String, name: String)]
    /// Accounts the manifest renames or adds: a name replaces the default's; a type (asset, liability, equity,
    /// revenue, expense) is needed only for a new account (default asset).
    public var accountNames: [(code: String, name: String, type: String)] = []
    /// The day's ACH entries (replacing what an earlier run of the day recorded).
    public var achEntries: [ACHEntryRow] = []
    /// The customer of each ACH entry row the open day has written so far, in the order they were written (rows
    /// are written before cash application has found their customers, and given them here afterwards).
    public var achCustomers: [String?] = []
    public var achChanges: [ACHChangeRow] = []
    /// Settlement items as they stand at the end of the day: new ones, and earlier ones settled or unsettled today.
    public var settlementItems: [SettlementItemRow] = []
    /// Each account's final statement balances of the day.
    public var statementBalances: [StatementBalanceRow] = []
    /// The statements' final closing balances the books must equal, checked once everything of the day is written.
    public var bankTies: [BankTieCheck] = []
    /// The exceptions a difference raises (made by the caller's rules), written in the same transaction.
    public var raiseBankDifferences: (@Sendable ([BankTieResult]) -> [ExceptionRow])?

    public init(runID: Int64, day: Day, invoices: [LedgerInvoice] = [], entries: [JournalEntryDraft] = [], applications: [ApplicationRow] = [],
                exceptions: [ExceptionRow] = [], files: [IngestedFile] = [], cashAccounts: [(code: String, name: String)] = [],
                accountNames: [(code: String, name: String, type: String)] = []) {
        self.accountNames = accountNames
        self.runID = runID
        self.day = day
        self.invoices = invoices
        self.entries = entries
        self.applications = applications
        self.exceptions = exceptions
        self.files = files
        self.cashAccounts = cashAccounts
    }
}

/// Part of a day written before the rest is known: accounts its entries need, invoices, entries, and the day's
/// records (decisions, exceptions, ACH entries and notices, settlement items, statement balances, files).
public struct LedgerBatch: Sendable {
    public var invoices: [LedgerInvoice]
    public var entries: [JournalEntryDraft]
    public var cashAccounts: [(code: String, name: String)]
    public var accountNames: [(code: String, name: String, type: String)]
    public var applications: [ApplicationRow] = []
    public var exceptions: [ExceptionRow] = []
    public var files: [IngestedFile] = []
    public var achEntries: [ACHEntryRow] = []
    /// The customer of each ACH entry row the open day has written so far, in the order they were written (rows
    /// are written before cash application has found their customers, and given them here afterwards).
    public var achCustomers: [String?] = []
    public var achChanges: [ACHChangeRow] = []
    public var settlementItems: [SettlementItemRow] = []
    public var statementBalances: [StatementBalanceRow] = []
    /// Reviewers' decisions this batch's entries book: the exception and the decision's number.
    public var bookedReviews: [(exceptionID: String, seq: Int64)] = []
    /// Bank accounts first seen (their cash accounts given for good), and those whose balance this batch reclassifies.
    public var bankAccounts: [BankAccountRow] = []
    /// Receipts of the day that leave cash unapplied with their customers, and earlier ones' cash applied today.
    public var heldReceipts: [HeldReceiptRow] = []
    public var reapplications: [ReapplicationRow] = []
    /// Exceptions whose cause went away today (their receipt's held cash applied): resolved by settle with the note,
    /// unless a reviewer decided them.
    public var resolvedBySettle: [(exceptionID: String, note: String)] = []

    public init(invoices: [LedgerInvoice] = [], entries: [JournalEntryDraft] = [], cashAccounts: [(code: String, name: String)] = [],
                accountNames: [(code: String, name: String, type: String)] = []) {
        self.invoices = invoices
        self.entries = entries
        self.cashAccounts = cashAccounts
        self.accountNames = accountNames
    }
}

extension DayCommit {
    /// The whole day as one batch.
    var batch: LedgerBatch {
        var b = LedgerBatch(invoices: invoices, entries: entries, cashAccounts: cashAccounts, accountNames: accountNames)
        b.applications = applications
        b.exceptions = exceptions
        b.files = files
        b.achEntries = achEntries
        b.achChanges = achChanges
        b.settlementItems = settlementItems
        b.statementBalances = statementBalances
        return b
    }
}

/// A statement's final closing balance (BAI2 015, camt `CLBD`) against which the books' cash of its bank account
/// and currency is checked, through the statement's own day.
public struct BankTieCheck: Sendable, Hashable {
    /// The ledger account of the bank account's cash.
    public var cashAccount: String
    /// The bank account as reports show it (masked).
    public var displayAccount: String
    public var statementDay: Day
    public var closing: Money
    /// `FILE:LINE` of the balance.
    public var location: String

    public init(cashAccount: String, displayAccount: String, statementDay: Day, closing: Money, location: String) {
        self.cashAccount = cashAccount
        self.displayAccount = displayAccount
        self.statementDay = statementDay
        self.closing = closing
        self.location = location
    }
}

/// The books' side of a `BankTieCheck`: the cash account's balance in the closing's currency through its day.
public struct BankTieResult: Sendable, Hashable {
    public var check: BankTieCheck
    public var book: Money
    public init(check: BankTieCheck, book: Money) {
        self.check = check
        self.book = book
    }
    /// Books less bank: zero when they tie.
    public var difference: Int64 { book.minorUnits &- check.closing.minorUnits }
    public var ties: Bool { difference == 0 }
}

/// What committing a day did.
public struct CommitOutcome: Sendable {
    /// Each statement closing checked against the books, as they stood when the day committed.
    public var bankTies: [BankTieResult] = []
    /// Entries posted by this commit (originals, reversals, replacements), in posting order.
    public var posted: [PostedEntry] = []
    /// Drafts that were already posted exactly so.
    public var unchangedCount = 0
    /// How long each part of the commit took (before the final COMMIT).
    public var timings: [(String, Duration)] = []
    public var newInvoiceCount = 0
}

/// The chart of accounts the ledger starts with.
public enum ChartOfAccounts {
    public static let accountsReceivable = "1200"
    public static let unappliedCash = "2100"
    public static let suspense = "1999"
    public static let discountsAllowed = "4900"
    public static let paymentDifferences = "6900"
    public static let bankFees = "6100"
    public static let openingBalances = "3900"
    /// ACH in transit: what ACH files announced and the statement has not shown yet.
    public static let achClearing = "1050"
    public static let refundsPayable = "2200"
    public static let erpAdjustments = "4950"

    /// Cash accounts are `1000-<last four digits of the bank account>`.
    public static func cash(bankAccount: String) -> String {
        let digits = bankAccount.filter(\.isNumber)
        return "1000-" + String((digits.isEmpty ? bankAccount : digits).suffix(4))
    }

    public static let defaults: [(code: String, name: String, type: String)] = [
        (accountsReceivable, "Accounts receivable", "asset"),
        (suspense, "Suspense", "asset"),
        (achClearing, "ACH in transit", "asset"),
        (unappliedCash, "Unapplied cash", "liability"),
        (refundsPayable, "Refunds payable", "liability"),
        (openingBalances, "Opening balances", "equity"),
        (discountsAllowed, "Discounts allowed", "expense"),
        (erpAdjustments, "Credit memos and ERP adjustments", "expense"),
        (bankFees, "Bank fees", "expense"),
        (paymentDifferences, "Payment differences", "expense"),
    ]
}

/// What a reviewer decided about an exception, as the ledger keeps it.
public enum ReviewDecisionKind: String, Sendable, CaseIterable {
    case apply, writeOff = "write-off", unapplied, refund, ignore
}

/// Cash applied to one invoice by a reviewer's decision.
public struct ReviewApplication: Sendable, Hashable {
    public var invoiceID: String
    public var amount: Money
    public init(invoiceID: String, amount: Money) {
        self.invoiceID = invoiceID
        self.amount = amount
    }

    /// `INV-1=40.00|INV-2=10.00`: how the ledger and the history keep a decision's applications.
    public static func text(_ list: [ReviewApplication]) -> String {
        list.map { "\($0.invoiceID)=\($0.amount.description)" }.joined(separator: "|")
    }

    public static func parse(_ text: String, currency: Currency) -> [ReviewApplication] {
        text.split(separator: "|").compactMap { part in
            guard let eq = part.lastIndex(of: "=") else { return nil }
            guard let amount = try? Money.parse(part[part.index(after: eq)...], currency: currency) else { return nil }
            return ReviewApplication(invoiceID: String(part[..<eq]), amount: amount)
        }
    }
}

/// One line of an exception's history: a decision, a reopen, an approval, or settle resolving it itself.
public struct ExceptionHistoryRow: Sendable, Hashable {
    public var at: String
    public var action: String
    public var decision: String
    public var applications: String
    public var note: String
    public var by: String
    public var approvedBy: String
    public var runID: Int64?
}

/// A reviewer's decision the ledger has not booked yet (or must keep booked on a rerun of the day that booked it).
public struct ReviewBooking: Sendable, Hashable {
    public var exceptionID: String
    public var type: String
    public var day: Day
    public var customerID: String
    public var receiptID: String
    /// Empty: reopened, nothing wanted under the key.
    public var decision: String
    public var applications: [ReviewApplication]
    /// The exception's amount (a short payment's short amount, a receipt's unapplied cash).
    public var amount: Money?
    public var invoiceIDs: [String]
    public var seq: Int64
    public var note: String
}
