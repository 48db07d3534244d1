import Core
import Statements

/// An ACH batch as settlement reconciliation sees it: what it should have moved in the bank account, and when.
public struct SettlementBatch: Sendable, Hashable {
    public var key: String
    public var fileKey: String
    public var fileName: String
    public var batchNumber: Int
    public var companyName: String
    public var effectiveDay: Day
    /// Credits minus debits, from the receiving account's side.
    public var netAmount: Money
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

/// The result of settlement reconciliation.
public struct SettlementResult: Sendable {
    /// Batch key → index of the statement line that shows its cash.
    public var settledBy: [String: Int] = [:]
    public var unsettled: [SettlementBatch] = []
    /// Indices of statement lines explained by ACH batches.
    public var explainedLines: Set<Int> = []
}

/// Checks that every ACH batch appears as cash on the bank statement: one statement line per batch, or one per
/// file (banks that settle a file as one total), on the effective day or up to three business days after it.
public struct SettlementReconciler: Sendable {
    public var calendar: BusinessCalendar
    public var lateBusinessDays: Int

    public init(calendar: BusinessCalendar = .federalReserve, lateBusinessDays: Int = 3) {
        self.calendar = calendar
        self.lateBusinessDays = lateBusinessDays
    }

    public func reconcile(batches: [SettlementBatch], lines: [StatementLine]) -> SettlementResult {
        var result = SettlementResult()
        var used = Set<Int>()
        let achLineIndices = lines.indices.filter { lines[$0].isBooked && [.achCredit, .achDebit].contains(lines[$0].kind) }

        func candidate(amount: Money, effective: Day) -> Int? {
            let earliest = effective.adding(days: -1)
            let latest = calendar.adding(businessDays: lateBusinessDays, to: effective)
            var best: (index: Int, distance: Int)?
            for i in achLineIndices where !used.contains(i) {
                let line = lines[i]
                guard line.amount == amount, line.bookingDay >= earliest, line.bookingDay <= latest else { continue }
                let distance = abs(line.bookingDay.days(since: effective))
                if best == nil || distance < best!.distance { best = (i, distance) }
            }
            return best?.index
        }

        let ordered = batches.sorted { ($0.effectiveDay, $0.fileKey, $0.batchNumber) < ($1.effectiveDay, $1.fileKey, $1.batchNumber) }
        var pending: [SettlementBatch] = []
        for batch in ordered where !batch.netAmount.isZero {
            if let i = candidate(amount: batch.netAmount, effective: batch.effectiveDay) {
                used.insert(i)
                result.settledBy[batch.key] = i
            } else {
                pending.append(batch)
            }
        }
        // Whole files settled as one line.
        let byFile = Dictionary(grouping: pending, by: \.fileKey)
        var settledFiles = Set<String>()
        for fileKey in byFile.keys.sorted() {
            let group = byFile[fileKey]!
            guard group.count > 1, let first = group.first else { continue }
            var total = Money.zero(first.netAmount.currency)
            var ok = true
            for b in group { if let t = try? total.adding(b.netAmount) { total = t } else { ok = false } }
            let effective = group.map(\.effectiveDay).max()!
            if ok, let i = candidate(amount: total, effective: effective) {
                used.insert(i)
                for b in group { result.settledBy[b.key] = i }
                settledFiles.insert(fileKey)
            }
        }
        result.unsettled = pending.filter { !settledFiles.contains($0.fileKey) }
        result.explainedLines = used
        return result
    }
}
