import Core
import Statements

/// An ACH batch as one day's ACH file announces it: what it should move in the bank account, and when.
public struct SettlementBatch: Sendable, Hashable {
    public var key: String
    public var fileKey: String
    public var fileName: String
    public var batchNumber: Int
    public var companyName: String
    /// The batch's Settlement Date (header positions 76-78), else its effective date.
    public var effectiveDay: Day
    /// Credits minus debits, from the seller's account's side.
    public var netAmount: Money
    /// Each entry's amount, from the seller's account's side: a bank may show a batch entry by entry.
    public var entryAmounts: [Money] = []
    public var location: SourceLocation

    public init(key: String, fileKey: String, fileName: String, batchNumber: Int, companyName: String, effectiveDay: Day, netAmount: Money, location: SourceLocation) {
        self.key = key
        self.fileKey = fileKey
        self.fileName = fileName
        self.batchNumber = batchNumber
        self.companyName = companyName
        self.effectiveDay = effectiveDay
        self.netAmount = netAmount
        self.location = location
    }
}

/// A batch waiting for the statement, across days: taken on `firstDay`, expected from its settlement day to
/// three business days after it.
public struct SettlementItem: Sendable, Hashable {
    public var key: String
    public var role: String
    public var companyName: String
    public var fileKey: String
    public var fileName: String
    public var net: Money
    public var settlementDay: Day
    public var windowEnd: Day
    public var firstDay: Day
    /// Set once the window ended without a line (the day `UNSETTLED_BATCH` was raised).
    public var unsettledDay: Day?
    /// Each entry's amount (for a bank that shows a batch entry by entry).
    public var entryAmounts: [Money] = []
    /// `FILE:LINE` of the batch header.
    public var location: String

    public init(key: String, role: String, companyName: String, fileKey: String, fileName: String, net: Money, settlementDay: Day, windowEnd: Day, firstDay: Day,
                unsettledDay: Day? = nil, location: String) {
        self.key = key
        self.role = role
        self.companyName = companyName
        self.fileKey = fileKey
        self.fileName = fileName
        self.net = net
        self.settlementDay = settlementDay
        self.windowEnd = windowEnd
        self.firstDay = firstDay
        self.unsettledDay = unsettledDay
        self.location = location
    }

    public init(_ batch: SettlementBatch, role: String, firstDay: Day, calendar: BusinessCalendar = .federalReserve, lateBusinessDays: Int = 3) {
        self.init(key: batch.key, role: role, companyName: batch.companyName, fileKey: batch.fileKey, fileName: batch.fileName, net: batch.netAmount,
                  settlementDay: batch.effectiveDay, windowEnd: calendar.adding(businessDays: lateBusinessDays, to: batch.effectiveDay), firstDay: firstDay,
                  location: batch.location.fileAndLine)
        entryAmounts = batch.entryAmounts
    }
}

/// The result of a day's settlement reconciliation.
public struct SettlementResult: Sendable {
    /// Item key → index of the statement line that shows its cash (the last of them, for a batch shown entry by entry).
    public var settledBy: [String: Int] = [:]
    /// Items still inside their window, waiting for a line.
    public var pending: [SettlementItem] = []
    /// Items whose window ended without a line and are raised today (still applied: the ACH file is the bank's own record).
    public var unsettled: [SettlementItem] = []
    /// Items past their window, raised on an earlier day, still without a line.
    public var stillUnsettled: [SettlementItem] = []
    /// Indices of statement lines explained by ACH batches.
    public var explainedLines: Set<Int> = []
    /// How each line was matched (`batch`, `file`, `daily total`), for the summary.
    public var levels: [String: Int] = [:]
    /// Items settled and lines explained, kept by `keepCountsOnly()`.
    private var settledKept = 0
    private var explainedKept = 0

    public init() {}

    /// How many items a line settled.
    public var settledCount: Int { settledBy.isEmpty ? settledKept : settledBy.count }
    /// How many statement lines ACH batches explained.
    public var explainedCount: Int { explainedLines.isEmpty ? explainedKept : explainedLines.count }

    /// Lets go of which item each line settled (a key and a line an ACH batch: 200,000 of them at a million
    /// entries), keeping the counts the summary gives, once the settlement's entries are made.
    public mutating func keepCountsOnly() {
        settledKept = settledCount
        explainedKept = explainedCount
        settledBy = [:]
        explainedLines = []
    }
}

/// Checks that every ACH batch, received or originated, shows as cash on the bank statement: a line per batch,
/// per file, or the bank's daily total per direction, from a business day before the settlement day to three
/// business days after it, among lines the bank marks as ACH (BAI2 type codes, camt `BkTxCd`). Inside the window
/// an unexplained batch is pending; once the window has ended without a line it is `UNSETTLED_BATCH`, and a line
/// that comes later still settles it.
public struct SettlementReconciler: Sendable {
    public var calendar: BusinessCalendar
    public var lateBusinessDays: Int

    public init(calendar: BusinessCalendar = .federalReserve, lateBusinessDays: Int = 3) {
        self.calendar = calendar
        self.lateBusinessDays = lateBusinessDays
    }

    static let achKinds: Set<TransactionKind> = [.achCredit, .achDebit, .achReturn]

    public func reconcile(items: [SettlementItem], lines: [StatementLine], day: Day) -> SettlementResult {
        var result = SettlementResult()
        var used = Set<Int>()
        // ACH lines by amount: each look-up sees only the lines of its amount (a day of 20,000 batches and as many lines).
        var achLines: [Money: [Int]] = [:]
        for i in lines.indices where lines[i].isBooked && SettlementReconciler.achKinds.contains(lines[i].kind) { achLines[lines[i].amount, default: []].append(i) }
        let ordered = items.filter { !$0.net.isZero }.sorted { ($0.settlementDay, $0.fileKey, $0.key) < ($1.settlementDay, $1.fileKey, $1.key) }

        func inWindow(_ line: StatementLine, _ item: SettlementItem) -> Bool {
            let earliest = calendar.adding(businessDays: -1, to: item.settlementDay)
            // Past the window only an item already raised as unsettled may still settle (a late settlement).
            return line.bookingDay >= earliest && (line.bookingDay <= item.windowEnd || item.unsettledDay != nil)
        }
        func candidate(amount: Money, items group: [SettlementItem], name: String?) -> Int? {
            var best: (index: Int, score: Int)?
            for i in achLines[amount] ?? [] where !used.contains(i) {
                let line = lines[i]
                guard group.allSatisfy({ inWindow(line, $0) }) else { continue }
                // Nearest to the settlement day; the originator's name in the line's text breaks a tie.
                let distance = abs(line.bookingDay.days(since: group[0].settlementDay))
                let named = name.map { !$0.isEmpty && (line.description.uppercased().contains($0.uppercased()) || line.counterparty.uppercased().contains($0.uppercased())) } ?? false
                let score = distance * 2 + (named ? 0 : 1)
                if let current = best, score >= current.score { continue }
                best = (i, score)
            }
            return best?.index
        }
        func settle(_ group: [SettlementItem], by line: Int, level: String) {
            used.insert(line)
            for item in group { result.settledBy[item.key] = line }
            result.levels[level, default: 0] += 1
        }

        // A line per batch.
        var open: [SettlementItem] = []
        for item in ordered {
            if let i = candidate(amount: item.net, items: [item], name: item.companyName) { settle([item], by: i, level: "batch") } else { open.append(item) }
        }
        // A line per entry: every entry of the batch has a line of its own.
        for item in open where item.entryAmounts.count > 1 && result.settledBy[item.key] == nil {
            var taken: [Int] = []
            for amount in item.entryAmounts {
                guard let i = candidate(amount: amount, items: [item], name: item.companyName) else { break }
                used.insert(i)
                taken.append(i)
            }
            if taken.count == item.entryAmounts.count, let last = taken.max(by: { lines[$0].bookingDay < lines[$1].bookingDay || (lines[$0].bookingDay == lines[$1].bookingDay && $0 < $1) }) {
                result.settledBy[item.key] = last
                result.levels["entry", default: 0] += 1
            } else {
                for i in taken { used.remove(i) }
            }
        }
        open = open.filter { result.settledBy[$0.key] == nil }
        // A line per file: the batches of one file (its SHA-256). A batch whose file is not known (kept by an older
        // ledger without it) is never added up with others as if they were one file.
        let byFile = Dictionary(grouping: open.filter { !$0.fileKey.isEmpty }, by: \.fileKey)
        for (_, group) in byFile.sorted(by: { $0.key < $1.key }) {
            guard group.count > 1, let total = SettlementReconciler.sum(group) else { continue }
            if let i = candidate(amount: total, items: group, name: nil) { settle(group, by: i, level: "file") }
        }
        open = open.filter { result.settledBy[$0.key] == nil }
        // The bank's daily total per direction (credits, debits) and settlement day.
        let byDay = Dictionary(grouping: open, by: { "\($0.settlementDay):\($0.net.minorUnits > 0 ? "credit" : "debit"):\($0.net.currency.code)" })
        for (_, group) in byDay.sorted(by: { $0.key < $1.key }) {
            guard group.count > 1, let total = SettlementReconciler.sum(group) else { continue }
            if let i = candidate(amount: total, items: group, name: nil) { settle(group, by: i, level: "daily total") }
        }
        for item in ordered where result.settledBy[item.key] == nil {
            if item.windowEnd >= day {
                result.pending.append(item)
            } else if item.unsettledDay == nil {
                var raised = item
                raised.unsettledDay = day
                result.unsettled.append(raised)
            } else {
                result.stillUnsettled.append(item)
            }
        }
        result.explainedLines = used
        return result
    }

    static func sum(_ items: [SettlementItem]) -> Money? {
        guard let first = items.first else { return nil }
        var total = Money.zero(first.net.currency)
        for item in items {
            guard let next = try? total.adding(item.net) else { return nil }
            total = next
        }
        return total
    }
}
